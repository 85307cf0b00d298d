/* short_breaks.c - short breaks for disabled children: packages against capacity, a waiting
 * list, and the short-breaks budget, in their own lines beside the high-needs block.
 *
 * Requests for a package arrive as a Poisson process. With a short-break panel (the Short
 * Break and Family Wellbeing panel, domain.md section 4: short_breaks.panel.cadence > 0) a
 * request waits for the panel's next sitting (every cadence days from the start); a sitting
 * hears at most its capacity, oldest first, and the rest roll over; without one a request is
 * heard at once. A request heard starts a package at once if fewer than `capacity` are
 * running, else it waits (first come, first served: only the count matters); packages end at
 * a constant hazard, and each end starts a waiting request. The
 * counts are a continuous-time Markov chain sampled one transition at a time, as in care.c
 * (one stamped calendar event, drawn again each month). Spend is package-days x cost a year /
 * days of the financial year, risen by short_breaks.inflation a year from the second financial
 * year (exact, accrued monthly); the balance is the budget in force on 1 April less the spend.
 * Hours delivered (short_breaks.hours_per_package) accrue the same way by calendar year:
 * package-days x hours a package-year / days of the calendar year.
 *
 * Requests arrive at the fixed short_breaks.requests a year, or, with levels on and
 * short_breaks.eligibility.per_1000 set, at that many per 1,000 disabled children at levels
 * 3-4 (the level 3 and 4 counts times eligibility.disabled_share), read again at each month's
 * redraw after the levels' monthly step.
 *
 * State: sb_state. Draws on S_SB only when sb_on (the panel draws nothing). Complexity: O(1)
 * per transition, O(requests heard) per sitting.
 */
#include "model_internal.h"

#include <string.h>

/* Requests a year now: with levels on and short_breaks.eligibility.per_1000 set, that many
 * per 1,000 disabled children at levels 3-4 (the level 3 and 4 counts times
 * short_breaks.eligibility.disabled_share, as of the last monthly step); else the fixed
 * short_breaks.requests. */
static double sb_in(const send_model *m)
{
    const send_params *p = m->p;
    if (p->levels_on && p->sb_per_1000 > 0)
        return p->sb_per_1000 / 1000.0 * p->sb_disabled_share * (double)lev_at_3_4(m);
    return p->sb_requests;
}

static void sb_redraw(send_model *m)
{
    double rate = (sb_in(m) + (double)m->sb.active * m->p->sb_end_rate) / YEAR_DAYS;
    m->sb.stamp = 0;
    if (rate > 0)
        sched_timer(m, 0, &m->sb.stamp, des_exponential(m->r[S_SB], 1.0 / rate), EV_SB);
}

static void sb_start(send_model *m)
{
    m->sb.active++;
    des_timeavg_add(&m->sb.cost.ta, now(m), +1);
    cy_add(m, C_SB_STARTS, 1);
}

void sb_reset(send_model *m)
{
    memset(&m->sb, 0, sizeof m->sb);
    accrual_reset(&m->sb.cost, 0);
}

void sb_open(send_model *m)
{
    if (!m->p->sb_on)
        return;
    m->sb.active = llround(m->p->sb_initial);
    des_timeavg_set(&m->sb.cost.ta, 0, (double)m->sb.active);
    sb_redraw(m);
    if (m->p->sb_panel_period > 0)
        sched(m, m->p->sb_panel_period, PRIO_EVENT, EV_SB_SIT, 0);
}

/* A request heard: a package starts if there is room, else the request waits for one. */
static void sb_heard(send_model *m)
{
    if ((double)m->sb.active < m->p->sb_capacity)
        sb_start(m);
    else
        m->sb.waiting++;
}

/* The short-break panel sits: it hears up to its capacity of the requests waiting. */
void ev_sb_sit(send_model *m)
{
    int64_t n = m->sb.pending < m->p->sb_panel_capacity ? m->sb.pending : m->p->sb_panel_capacity;
    m->sb.pending -= n;
    cy_add(m, C_SB_HEARD, (double)n);
    for (int64_t i = 0; i < n; i++)
        sb_heard(m);
    sb_redraw(m);
    sched(m, now(m) + m->p->sb_panel_period, PRIO_EVENT, EV_SB_SIT, 0);
}

void sb_month(send_model *m)
{
    if (m->p->sb_on)
        sb_redraw(m);
}

void ev_sb(send_model *m)
{
    const send_params *p = m->p;
    double in = sb_in(m), x = unif(m, S_SB) * (in + (double)m->sb.active * p->sb_end_rate);
    if (x < in) {
        if (p->sb_panel_period > 0)
            m->sb.pending++;
        else
            sb_heard(m);
    } else {
        m->sb.active--;
        des_timeavg_add(&m->sb.cost.ta, now(m), -1);
        if (m->sb.waiting > 0) {
            m->sb.waiting--;
            sb_start(m);
        }
    }
    sb_redraw(m);
}

/* The hours delivered since the last accrual (inside one month, so one calendar year):
 * package-days x hours a package-year / days of that calendar year. */
static void sb_hours_to(send_model *m)
{
    double t = now(m), area = des_timeavg_area(&m->sb.cost.ta, t);
    int y, mo, d;
    des_date_to_ymd(day_of(m, m->sb.hours_last), &y, &mo, &d);
    int yi = y - m->out->first_year;
    double days = (double)(des_date_from_ymd(y + 1, 1, 1) - des_date_from_ymd(y, 1, 1));
    if (yi >= 0 && yi < m->out->n_years)
        send_output_row(m->out, C_SB_HOURS)[yi] += (area - m->sb.hours_mark) * m->p->sb_hours / days;
    m->sb.hours_mark = area;
    m->sb.hours_last = t;
}

void sb_accrue(send_model *m)
{
    if (!m->p->sb_on)
        return;
    if (m->p->sb_hours > 0)
        sb_hours_to(m);
    accrual_to(m, &m->sb.cost, F_SB_SPEND, 0, m->p->sb_cost, m->p->sb_inflation);
}

/* The end of the run: each financial year's budget (in force on its 1 April) and balance. */
void sb_close(send_model *m)
{
    if (!m->p->sb_on)
        return;
    send_output *o = m->out;
    for (int f = 0; f < o->n_fys; f++) {
        double b = send_steps_at(&m->p->sb_budget, des_date_from_ymd(o->first_fy + f, 4, 1));
        send_output_row(o, F_SB_BUDGET)[f] = b;
        send_output_row(o, F_SB_BALANCE)[f] = b - send_output_row(o, F_SB_SPEND)[f];
    }
}
