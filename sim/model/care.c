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

#include <gsl/gsl_rng.h>
#include <string.h>

/* ---- money accrued from a stock (shared with short_breaks.c) ------------------------------- */

void accrual_reset(accrual *a, double value)
{
    des_timeavg_init(&a->ta, 0, value);
    a->mark = 0;
    a->last = 0;
}

/* Add the stock's units-days since the last accrual, times per_day plus per_year spread over
 * the days of the financial year, both risen by `inflation` a year compounded from the second
 * financial year of the output, to that year's value of `metric` (an FY metric). The interval
 * since the last accrual lies inside one month. */
void accrual_to(send_model *m, accrual *a, int metric, double per_day, double per_year,
                double inflation)
{
    double t = now(m), area = des_timeavg_area(&a->ta, t);
    int fy = des_date_fy(day_of(m, a->last));
    int fi = fy - m->out->first_fy;
    double days = (double)(des_date_from_ymd(fy + 1, 4, 1) - des_date_from_ymd(fy, 4, 1));
    if (fi >= 0 && fi < m->out->n_fys)
        send_output_row(m->out, metric)[fi] +=
            (area - a->mark) * (per_day + per_year / days) * pow(1.0 + inflation, fi);
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

/* ---- children in care who hold an EHC plan (care.link_plans) ------------------------------ */

/* Oldest academic age at which a plan holder can come into care (care ends at 18). */
#define CARE_MAX_AGE 17

/* A plan holder under 18 not in care, drawn uniformly (by age in proportion to its plan
 * holders, then one of them; a draw already in care is drawn again, up to 16 times), or
 * DES_NONE. */
static uint32_t plan_holder_for_care(send_model *m)
{
    size_t tot = 0;
    for (int a = 0; a <= CARE_MAX_AGE; a++)
        tot += m->plan.k.plans[a].n;
    for (int tries = 0; tot > 0 && tries < 16; tries++) {
        size_t x = (size_t)gsl_rng_uniform_int(m->r[S_CARE], (unsigned long)tot);
        int a = 0;
        while (x >= m->plan.k.plans[a].n)
            x -= m->plan.k.plans[a++].n;
        uint32_t h = m->plan.k.plans[a].v[x];
        if (!kid(m, h)->care)
            return h;
    }
    return DES_NONE;
}

/* Plan holder h's care mark becomes `care` (placement type + 1, or 0). */
static void set_care(send_model *m, uint32_t h, int care)
{
    child *c = kid(m, h);
    int was4 = lev4_of(c);
    c->care = (uint8_t)care;
    lev4_mark(m, c, was4);
}

/* Plan holder h comes into care in placement `type`. */
static void link_plan(send_model *m, uint32_t h, int type)
{
    u32list *l = &m->care.linked;
    int rc = room_for_one((void **)&l->v, l->n, &l->cap, sizeof *l->v, 64);
    (void)rc;
    assert(rc == DES_OK);
    l->v[l->n++] = h;
    set_care(m, h, type + 1);
}

/* Plan holder h leaves care (or its plan ceases): off the list. O(plan holders in care). */
static void unlink_plan(send_model *m, uint32_t h)
{
    u32list *l = &m->care.linked;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == h) {
            l->v[i] = l->v[--l->n];
            break;
        }
    set_care(m, h, 0);
}

/* The j-th plan holder in care in placement `type` (in the list's order). */
static uint32_t linked_at(const send_model *m, int type, int64_t j)
{
    const u32list *l = &m->care.linked;
    for (size_t i = 0; i < l->n; i++)
        if (m->kid_base[l->v[i]].care == type + 1 && j-- == 0)
            return l->v[i];
    return DES_NONE;
}

/* Whether a child coming into care has an EHC plan: a draw with the overlap share; with
 * care.link_plans the child is then a plan holder drawn from the records (none: no plan). */
static int admit_with_plan(send_model *m, int type)
{
    if (!(unif(m, S_CARE) < m->p->care_ehcp_share))
        return 0;
    if (!m->p->care_link_plans)
        return 1;
    uint32_t h = plan_holder_for_care(m);
    if (h == DES_NONE)
        return 0;
    link_plan(m, h, type);
    return 1;
}

/* A child comes into care, in a placement drawn from the mix. */
static void care_admit(send_model *m)
{
    int type = pick(m->p->care_mix, CARE_COUNT, unif(m, S_CARE));
    type = type < 0 ? 0 : type;
    care_add(m, type, admit_with_plan(m, type), +1);
    cy_add(m, C_CARE_ENTRIES, 1);
}

/* Plan holder h's plan ceases while in care: the child stays in care, without a plan. */
void care_plan_ceased(send_model *m, uint32_t h)
{
    int type = kid(m, h)->care - 1;
    unlink_plan(m, h);
    m->care.n[type][1]--;
    m->care.n[type][0]++;
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
    /* (records' care marks start at 0 with each record: new_child) */
    u32list keep = {m->care.linked.v, 0, m->care.linked.cap};
    memset(&m->care, 0, sizeof m->care);
    m->care.linked = keep;
    for (int t = 0; t < CARE_COUNT; t++)
        accrual_reset(&m->care.cost[t], 0);
    accrual_reset(&m->care.edge, 0);
}

void care_free(send_model *m)
{
    free(m->care.linked.v);
    m->care.linked = (u32list){0};
}

/* The children in care at the start (after the opening caseload), placed by the mix, then
 * the first transition. */
void care_open(send_model *m)
{
    if (!m->p->care_on)
        return;
    long n = lround(m->p->care_initial);
    for (long i = 0; i < n; i++) {
        int type = pick(m->p->care_mix, CARE_COUNT, unif(m, S_CARE));
        type = type < 0 ? 0 : type;
        care_add(m, type, admit_with_plan(m, type), +1);
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
            /* with linked plans, which plan holder of the cell it is */
            uint32_t h = ehcp && p->care_link_plans
                             ? linked_at(m, type, (int64_t)gsl_rng_uniform_int(
                                                      m->r[S_CARE],
                                                      (unsigned long)m->care.n[type][1]))
                             : DES_NONE;
            care_add(m, type, ehcp, -1);
            if (x < in + out) {
                if (h != DES_NONE)
                    unlink_plan(m, h);
                cy_add(m, C_CARE_EXITS, 1);
            } else {
                int to = pick(p->care_mix, CARE_COUNT, unif(m, S_CARE));
                to = to < 0 ? type : to;
                care_add(m, to, ehcp, +1);
                if (h != DES_NONE)
                    set_care(m, h, to + 1);
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
        accrual_to(m, &m->care.cost[t], F_CARE_SPEND, m->p->care_weekly[t] / 7.0, 0,
                   m->p->care_inflation);
    accrual_to(m, &m->care.edge, F_EDGE_SPEND, 0, m->p->edge_cost, 0);
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
    /* with linked plans, the overlap is exactly the plan holders listed in care */
    assert(!m->p->care_link_plans || ehcp == (int64_t)m->care.linked.n);
    send_output_row(m->out, M_CARE)[k] = (double)m->care.total;
    send_output_row(m->out, M_CARE_EHCP)[k] = (double)ehcp;
}
