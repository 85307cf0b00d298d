/* short_breaks.c - short breaks for disabled children: packages against capacity, a waiting
 * list, and the short-breaks budget, in their own lines beside the high-needs block.
 *
 * Requests for a package arrive as a Poisson process; a request starts a package at once if
 * fewer than `capacity` are running, else it waits (first come, first served: only the count
 * matters); packages end at a constant hazard, and each end starts a waiting request. The
 * counts are a continuous-time Markov chain sampled one transition at a time, as in care.c
 * (one stamped calendar event, drawn again each month). Spend is package-days x cost a year /
 * days of the financial year (exact, accrued monthly); the balance is the budget in force on
 * 1 April less the spend.
 *
 * State: sb_state. Draws on S_SB only when sb_on. Complexity: O(1) per transition.
 */
#include "model_internal.h"

#include <string.h>

static void sb_redraw(send_model *m)
{
    double rate = (m->p->sb_requests + (double)m->sb.active * m->p->sb_end_rate) / YEAR_DAYS;
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
}

void sb_month(send_model *m)
{
    if (m->p->sb_on)
        sb_redraw(m);
}

void ev_sb(send_model *m)
{
    const send_params *p = m->p;
    double in = p->sb_requests, x = unif(m, S_SB) * (in + (double)m->sb.active * p->sb_end_rate);
    if (x < in) {
        if ((double)m->sb.active < p->sb_capacity)
            sb_start(m);
        else
            m->sb.waiting++;
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

void sb_accrue(send_model *m)
{
    if (m->p->sb_on)
        accrual_to(m, &m->sb.cost, F_SB_SPEND, 0, m->p->sb_cost);
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
