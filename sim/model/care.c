/* care.c - children in care: entries and exits, placements by type with their weekly costs,
 * placement moves (breakdowns), the overlap with EHC plans, and the cost to the social-care
 * budget, reported in its own lines beside (never inside) the high-needs block.
 *
 * Children in care are counted by (placement type, has an EHC plan): within a cell they are
 * exchangeable. The counts are a continuous-time Markov chain sampled exactly, one transition
 * at a time (Gillespie): entries at a rate a year (less the edge-of-care lever's effect while
 * it is in force), exits and placement moves at constant hazards per child. The next
 * transition is one calendar event carrying a stamp; whenever the rates change (a month
 * starts, a child comes in from the front door) the event is drawn again at the new total
 * rate and the old one becomes stale (exact by memorylessness). An entering child's placement
 * is drawn from the placement mix, and it has an EHC plan with the overlap share; a move draws
 * a new placement from the same mix; exits and moves take a child uniformly.
 *
 * Spend: each placement type's count is kept as a time average, so the spend of a financial
 * year is exactly child-days x weekly cost / 7 (accrued at each month start, an interval that
 * lies inside one financial year); no inflation (assumption). The edge-of-care lever costs its
 * yearly amount, spread over the days of each financial year it is in force, from the first
 * month start on or after its date.
 *
 * State: care_state. Draws on S_CARE only when care_on. Complexity: O(placement types) per
 * transition and per accrual.
 */
#include "model_internal.h"

#include <string.h>

/* ---- money accrued from a stock (shared with short_breaks.c) ------------------------------- */

void accrual_reset(accrual *a, double value)
{
    des_timeavg_init(&a->ta, 0, value);
    a->mark = 0;
    a->last = 0;
}

/* Add the stock's units-days since the last accrual, times per_day plus per_year spread over
 * the days of the financial year, to that year's value of `metric` (an FY metric). The
 * interval since the last accrual lies inside one month. */
void accrual_to(send_model *m, accrual *a, int metric, double per_day, double per_year)
{
    double t = now(m), area = des_timeavg_area(&a->ta, t);
    int fy = des_date_fy(day_of(m, a->last));
    int fi = fy - m->out->first_fy;
    double days = (double)(des_date_from_ymd(fy + 1, 4, 1) - des_date_from_ymd(fy, 4, 1));
    if (fi >= 0 && fi < m->out->n_fys)
        send_output_row(m->out, metric)[fi] += (area - a->mark) * (per_day + per_year / days);
    a->mark = area;
    a->last = t;
}

/* ---- the chain ----------------------------------------------------------------------------- */

static int edge_on(const send_model *m)
{
    return m->p->edge_active && day_of(m, now(m)) >= m->p->edge_from;
}

static double entry_rate(const send_model *m)
{
    return m->p->care_entries * (edge_on(m) ? 1.0 - m->p->edge_effect : 1.0) / YEAR_DAYS;
}

/* The next transition drawn at the rates now in force (the previous one becomes stale). */
static void care_redraw(send_model *m)
{
    const send_params *p = m->p;
    double rate = entry_rate(m) +
                  (double)m->care.total * (p->care_exit_rate + p->care_move_rate) / YEAR_DAYS;
    m->care.stamp = 0;
    if (rate > 0)
        sched_timer(m, 0, &m->care.stamp, des_exponential(m->r[S_CARE], 1.0 / rate), EV_CARE);
}

static void care_add(send_model *m, int type, int ehcp, int64_t d)
{
    m->care.n[type][ehcp] += d;
    m->care.total += d;
    des_timeavg_add(&m->care.cost[type].ta, now(m), (double)d);
}

/* A child comes into care, in a placement drawn from the mix. */
static void care_admit(send_model *m)
{
    int type = pick(m->p->care_mix, CARE_COUNT, unif(m, S_CARE));
    int ehcp = unif(m, S_CARE) < m->p->care_ehcp_share;
    care_add(m, type < 0 ? 0 : type, ehcp, +1);
    cy_add(m, C_CARE_ENTRIES, 1);
}

/* The cell of the child at position x in [0, total) of the counts. */
static void care_cell_at(const send_model *m, double x, int *type, int *ehcp)
{
    for (int t = 0; t < CARE_COUNT; t++)
        for (int e = 0; e < 2; e++) {
            x -= (double)m->care.n[t][e];
            if (x < 0) {
                *type = t;
                *ehcp = e;
                return;
            }
        }
    /* x rounded up to the total: the last non-empty cell */
    for (int t = CARE_COUNT - 1; t >= 0; t--)
        for (int e = 1; e >= 0; e--)
            if (m->care.n[t][e]) {
                *type = t;
                *ehcp = e;
                return;
            }
    *type = *ehcp = -1;
}

void care_reset(send_model *m)
{
    memset(&m->care, 0, sizeof m->care);
    for (int t = 0; t < CARE_COUNT; t++)
        accrual_reset(&m->care.cost[t], 0);
    accrual_reset(&m->care.edge, 0);
}

/* The children in care at the start, placed by the mix, then the first transition. */
void care_open(send_model *m)
{
    if (!m->p->care_on)
        return;
    long n = lround(m->p->care_initial);
    for (long i = 0; i < n; i++) {
        int type = pick(m->p->care_mix, CARE_COUNT, unif(m, S_CARE));
        care_add(m, type < 0 ? 0 : type, unif(m, S_CARE) < m->p->care_ehcp_share, +1);
    }
    care_redraw(m);
}

/* A month starts: the edge-of-care lever may have come into force. */
void care_month(send_model *m)
{
    if (!m->p->care_on)
        return;
    des_timeavg_set(&m->care.edge.ta, now(m), edge_on(m) ? 1.0 : 0.0);
    care_redraw(m);
}

/* A child comes in from the front door (social_care.c). */
void care_enter(send_model *m)
{
    if (!m->p->care_on)
        return;
    care_admit(m);
    care_redraw(m);
}

void ev_care(send_model *m)
{
    const send_params *p = m->p;
    double in = entry_rate(m), per = (double)m->care.total / YEAR_DAYS;
    double out = per * p->care_exit_rate, move = per * p->care_move_rate;
    double x = unif(m, S_CARE) * (in + out + move);
    if (x < in) {
        care_admit(m);
    } else {
        int type, ehcp;
        care_cell_at(m, unif(m, S_CARE) * (double)m->care.total, &type, &ehcp);
        if (type >= 0) {
            care_add(m, type, ehcp, -1);
            if (x < in + out) {
                cy_add(m, C_CARE_EXITS, 1);
            } else {
                int to = pick(p->care_mix, CARE_COUNT, unif(m, S_CARE));
                care_add(m, to < 0 ? type : to, ehcp, +1);
                cy_add(m, C_CARE_MOVES, 1);
            }
        }
    }
    care_redraw(m);
}

void care_accrue(send_model *m)
{
    if (!m->p->care_on)
        return;
    for (int t = 0; t < CARE_COUNT; t++)
        accrual_to(m, &m->care.cost[t], F_CARE_SPEND, m->p->care_weekly[t] / 7.0, 0);
    accrual_to(m, &m->care.edge, F_EDGE_SPEND, 0, m->p->edge_cost);
}

void care_snapshot(send_model *m, int k)
{
    if (!m->p->care_on)
        return;
    int64_t ehcp = 0;
    for (int t = 0; t < CARE_COUNT; t++) {
        ehcp += m->care.n[t][1];
        send_output_row(m->out, M_CARE_TYPE + t)[k] =
            (double)(m->care.n[t][0] + m->care.n[t][1]);
    }
    send_output_row(m->out, M_CARE)[k] = (double)m->care.total;
    send_output_row(m->out, M_CARE_EHCP)[k] = (double)ehcp;
}
