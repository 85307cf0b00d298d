/* finance.c - spend: placements, transport, assessments and early intervention, against the
 * high-needs grant, by financial year.
 *
 * Money is accrued without per-child bookkeeping: spend over an interval is the time integral
 * of each provision's occupancy (des_timeavg, kept by set_prov) times its daily cost, so it is
 * exact in child-days. Accrual runs at each month's snapshot (an interval inside one month, so
 * one financial year) and at the end. Unit costs rise by their inflation from the second
 * financial year; a residential package costs education its share. Early intervention costs
 * per SEN Support child-day while it is in force. Assessment and tribunal costs are added as
 * they happen (requests.c, disagreement.c).
 *
 * State: fin_state (acc_fi starts at -1). Complexity: O(provisions) per accrual, O(financial
 * years x provisions) at the close.
 */
#include "model_internal.h"

#include <string.h>

void fin_reset(send_model *m)
{
    memset(&m->fin, 0, sizeof m->fin);
    des_timeavg_init(&m->fin.ei_ta, 0, 0);
    m->fin.acc_fi = -1;
}

static double fy_days(int fy)
{
    return (double)(des_date_from_ymd(fy + 1, 4, 1) - des_date_from_ymd(fy, 4, 1));
}

/* Accrue spend for [last_snapshot, now): the interval lies inside one month, so one FY. */
void fin_accrue(send_model *m)
{
    const send_params *p = m->p;
    fin_state *f = &m->fin;
    double t = now(m);
    int fy = des_date_fy(day_of(m, f->last_snapshot));
    int fi = fy - m->out->first_fy;
    double days_in = fy_days(fy);
    if (fi != f->acc_fi && fi >= 0 && fi < m->out->n_fys) {
        /* this financial year's unit costs, uplifted fi times */
        double k = (double)fi;
        for (int q = 0; q < PROV_COUNT; q++) {
            f->acc_unit[q] = p->cost[q] * pow(1.0 + p->inflation[q], k);
            if (q == PROV_RESIDENTIAL)
                f->acc_unit[q] *= p->l4_share_education;
        }
        f->acc_transport = p->transport_cost * pow(1.0 + p->transport_inflation, k);
        f->acc_fi = fi;
    }
    for (int q = 0; q < PROV_COUNT; q++) {
        double area = des_timeavg_area(&m->place.s.occ_ta[q], t);
        double cd = area - f->occ_mark[q];
        f->occ_mark[q] = area;
        if (fi < 0 || fi >= m->out->n_fys)
            continue;
        send_output_row(m->out, F_SPEND_PROV + q)[fi] += cd * f->acc_unit[q] / days_in;
        send_output_row(m->out, F_SPEND_TRANSPORT)[fi] +=
            cd * p->transport_share[q] * f->acc_transport / days_in;
    }
    double ea = des_timeavg_area(&f->ei_ta, t);
    if (fi >= 0 && fi < m->out->n_fys)
        send_output_row(m->out, F_SPEND_EI)[fi] += (ea - f->ei_mark) * p->ei_cost_per_child / days_in;
    f->ei_mark = ea;
    f->last_snapshot = t;
}

/* The end of the run: total spend, grant, balance and cumulative deficit by financial year. */
void fin_close(send_model *m)
{
    const send_params *p = m->p;
    send_output *o = m->out;
    double deficit = p->opening_deficit;
    for (int f = 0; f < o->n_fys; f++) {
        double s = send_output_row(o, F_SPEND_TRANSPORT)[f] + send_output_row(o, F_SPEND_ASSESS)[f] +
                   send_output_row(o, F_SPEND_EI)[f];
        for (int q = 0; q < PROV_COUNT; q++)
            s += send_output_row(o, F_SPEND_PROV + q)[f];
        double grant = p->grant_base * pow(1.0 + p->grant_growth, f);
        send_output_row(o, F_SPEND)[f] = s;
        send_output_row(o, F_GRANT)[f] = grant;
        send_output_row(o, F_BALANCE)[f] = grant - s;
        deficit += s - grant;
        send_output_row(o, F_DEFICIT)[f] = deficit;
    }
}
