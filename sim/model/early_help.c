/* early_help.c - early help at level 2: Common Assessments (level 2a, single-agency help) and
 * cases needing a lead professional (level 2b), heard by the area panel.
 *
 * Common Assessments start as a Poisson process (a clock beside the calendar). A share
 * needs a lead professional: such a case waits for the next sitting of the area panel (a
 * periodic batch server with a capacity per sitting; unheard cases roll over; with
 * early_help.panel.per_area one panel per area, the Area Placement and Support Panels of
 * domain.md section 4, each with that cadence and capacity, a case's area drawn from the
 * areas' shares), then for a lead
 * professional (a resource of the cases they carry at once, FIFO: the early-help capacity
 * lever), and its episode runs from then. Other cases are 2a episodes from the start. Episodes
 * end after exponential times (rates per case-year). The panel and lead professionals hold
 * nothing about a case but its number, so cases have no records and episodes are counts: their
 * ends are one clock at the total rate (open 2a x its rate + open 2b x its), drawn again
 * whenever a count changes (exact by memorylessness), and an end is 2b with probability the 2b
 * part of that rate. Spend: 2b case-days x cost a year / days of the
 * financial year, accrued monthly.
 *
 * State: the panel and the lead professionals (emptied by eh_reset, storage kept) and the
 * counts. Draws on S_EH only when eh_on. Complexity: O(log n) per case.
 */
#include "model_internal.h"

#include <string.h>

static int lp_slots(const send_params *p)
{
    return p->eh_lead_professionals >= 1e6 ? 1000000 : (int)floor(p->eh_lead_professionals + 0.5);
}

int eh_init(send_model *m, des_error *err)
{
    const send_params *p = m->p;
    m->eh.k.n_panels = p->eh_panel_per_area && p->n_areas > 1 ? p->n_areas : 1;
    for (int i = 0; i < m->eh.k.n_panels; i++)
        if (des_panel_init(&m->eh.k.panel[i], 0, p->eh_panel_period > 0 ? p->eh_panel_period : 28,
                           p->eh_panel_capacity, DES_FIFO, err))
            return err ? err->code : DES_ENOMEM;
    if (des_res_init(&m->eh.k.lp, lp_slots(p), DES_FIFO, 0, err))
        return err ? err->code : DES_ENOMEM;
    return DES_OK;
}

void eh_reset(send_model *m)
{
    for (int i = 0; i < m->eh.k.n_panels; i++)
        des_panel_reset(&m->eh.k.panel[i], 0);
    des_res_reset(&m->eh.k.lp, lp_slots(m->p), 0);
    memset(&m->eh.s, 0, sizeof m->eh.s);
    accrual_reset(&m->eh.s.cost, 0);
}

void eh_free(send_model *m)
{
    for (int i = 0; i < m->eh.k.n_panels; i++)
        des_panel_free(&m->eh.k.panel[i]);
    des_res_free(&m->eh.k.lp);
}

/* The rates of 2a and 2b episodes ending, a day, at the counts now. */
static double end_rate(const send_model *m, int lead)
{
    return lead ? (double)m->eh.s.open2b * m->p->eh_end_2b / YEAR_DAYS
                : (double)m->eh.s.open2a * m->p->eh_end_2a / YEAR_DAYS;
}

static void redraw_ends(send_model *m)
{
    set_clock(m, CLK_EH_END, end_rate(m, 0) + end_rate(m, 1), S_EH);
}

/* An episode starts now (2b: with a lead professional). */
static void episode(send_model *m, int lead)
{
    if (lead) {
        m->eh.s.open2b++;
        des_timeavg_add(&m->eh.s.cost.ta, now(m), +1);
    } else {
        m->eh.s.open2a++;
    }
    redraw_ends(m);
}

void eh_open(send_model *m)
{
    if (!m->p->eh_on)
        return;
    set_clock(m, CLK_EH_CAF, m->p->eh_cafs / YEAR_DAYS, S_EH);
    for (int i = 0; i < m->eh.k.n_panels; i++)
        sched(m, des_panel_next_sitting(&m->eh.k.panel[i], 0, 1), PRIO_EVENT, EV_EH_SIT,
              (uint32_t)i);
}

void ev_eh_caf(send_model *m)
{
    next_firing(m, CLK_EH_CAF, S_EH);
    cy_add(m, C_EH_CAFS, 1);
    if (unif(m, S_EH) < m->p->eh_p_lead) {
        int area = m->eh.k.n_panels > 1
                       ? pick_cum(m->area_cum, m->eh.k.n_panels, unif(m, S_EH))
                       : 0;
        des_panel_submit(&m->eh.k.panel[area < 0 ? 0 : area], now(m), ++m->eh.s.seq, 0);
    } else
        episode(m, 0);
}

/* An area panel sits: each case heard asks for a lead professional. */
void ev_eh_sit(send_model *m, uint32_t area)
{
    des_panel *pn = &m->eh.k.panel[area];
    size_t n = panel_sit(m, pn);
    cy_add(m, C_EH_HEARD, (double)n);
    for (size_t i = 0; i < n; i++) {
        int rc = des_res_request(&m->eh.k.lp, now(m), m->scratch[i], 0);
        assert(rc >= 0);
        if (rc == 1)
            episode(m, 1);
    }
    sched(m, des_panel_next_sitting(pn, now(m), 0), PRIO_EVENT, EV_EH_SIT, area);
}

void ev_eh_end(send_model *m)
{
    double r2a = end_rate(m, 0), r2b = end_rate(m, 1);
    uint32_t next;
    if (unif(m, S_EH) * (r2a + r2b) < r2a) {
        m->eh.s.open2a--;
    } else {
        m->eh.s.open2b--;
        des_timeavg_add(&m->eh.s.cost.ta, now(m), -1);
        if (des_res_release(&m->eh.k.lp, now(m), &next))
            episode(m, 1);
    }
    redraw_ends(m);
}

void eh_accrue(send_model *m)
{
    if (m->p->eh_on)
        accrual_to(m, &m->eh.s.cost, F_EH_SPEND, 0, m->p->eh_cost_2b, 0);
}

void eh_snapshot(send_model *m, int k)
{
    if (!m->p->eh_on)
        return;
    send_output_row(m->out, M_EH_2A)[k] = (double)m->eh.s.open2a;
    send_output_row(m->out, M_EH_2B)[k] = (double)m->eh.s.open2b;
    size_t waiting = des_queue_len(&m->eh.k.lp.q);
    for (int i = 0; i < m->eh.k.n_panels; i++)
        waiting += des_queue_len(&m->eh.k.panel[i].q);
    send_output_row(m->out, M_EH_WAITING)[k] = (double)waiting;
}
