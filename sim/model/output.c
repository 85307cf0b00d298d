/* output.c - per-replication result storage: one row per metric, one column per period.
 *
 * Periods: months from the start month to the end month; calendar years from the start year
 * to the end year; financial years (April-March) lying wholly inside [start, end]. One
 * allocation at init; the model writes rows in place. Ratio metrics are never accumulated:
 * the model records their numerators and denominators and send_output_ratios divides, so a
 * sum of outputs gives the pooled ratio exactly. O(metrics x periods) memory.
 */
#include "send_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int send_output_init(send_output *o, const send_params *p, des_error *err)
{
    int y0, m0, d0, y1, m1, d1;
    (void)m1;
    (void)d1;
    des_date_to_ymd(p->start, &y0, &m0, &d0);
    des_date_to_ymd(p->end, &y1, &m1, &d1);
    *o = (send_output){0};
    o->first_month_index = des_date_month_index(p->start);
    o->n_months = des_date_month_index(p->end) - o->first_month_index + 1;
    o->first_year = y0;
    o->n_years = y1 - y0 + 1;
    /* first FY starting on or after start; last FY ending on or before end */
    int fy_first = p->start <= des_date_from_ymd(y0, 4, 1) ? y0 : y0 + 1;
    des_date end_next = p->end + 1;
    int fy_last = des_date_fy(end_next) - 1; /* last FY whose 31 March is <= end */
    o->first_fy = fy_first;
    o->n_fys = fy_last >= fy_first ? fy_last - fy_first + 1 : 0;
    if (o->n_months < 1) {
        return des_error_set(err, DES_EINVAL, "the horizon must cover at least one month");
    }
    o->row_len = o->n_months;
    if (o->n_years > o->row_len)
        o->row_len = o->n_years;
    if (o->n_fys > o->row_len)
        o->row_len = o->n_fys;
    o->values = calloc((size_t)SEND_METRIC_COUNT * (size_t)o->row_len, sizeof(double));
    o->weeks_hist = calloc((size_t)o->n_years * SEND_WEEKS_BINS, sizeof *o->weeks_hist);
    if (!o->values || !o->weeks_hist) {
        send_output_free(o);
        return des_error_set(err, DES_ENOMEM, "cannot allocate results");
    }
    return DES_OK;
}

void send_output_free(send_output *o)
{
    if (!o)
        return;
    free(o->values);
    free(o->weeks_hist);
    o->values = NULL;
    o->weeks_hist = NULL;
}

int send_output_periods(const send_output *o, int metric)
{
    const send_metric_info *mi = send_metric(metric);
    if (!mi)
        return 0;
    switch (mi->kind) {
    case SEND_MONTHLY: return o->n_months;
    case SEND_CY: return o->n_years;
    case SEND_FY: return o->n_fys;
    }
    return 0;
}

des_date send_output_period_start(const send_output *o, int metric, int i)
{
    const send_metric_info *mi = send_metric(metric);
    if (!mi)
        return 0;
    switch (mi->kind) {
    case SEND_MONTHLY: {
        int idx = o->first_month_index + i;
        return des_date_from_ymd(1970 + idx / 12, idx % 12 + 1, 1);
    }
    case SEND_CY: return des_date_from_ymd(o->first_year + i, 1, 1);
    case SEND_FY: return des_date_from_ymd(o->first_fy + i, 4, 1);
    }
    return 0;
}

void send_period_label(send_period_kind kind, des_date start, char *buf, size_t len)
{
    int y, m, d;
    des_date_to_ymd(start, &y, &m, &d);
    switch (kind) {
    case SEND_MONTHLY: snprintf(buf, len, "%04d-%02d", y, m); break;
    case SEND_CY: snprintf(buf, len, "%04d", y); break;
    case SEND_FY: snprintf(buf, len, "%04d-%02d", y, (y + 1) % 100); break;
    }
}

void send_output_period_label(const send_output *o, int metric, int i, char *buf, size_t len)
{
    const send_metric_info *mi = send_metric(metric);
    if (!mi)
        snprintf(buf, len, "?");
    else
        send_period_label(mi->kind, send_output_period_start(o, metric, i), buf, len);
}

int send_metric_is_limit(int metric)
{
    return (metric >= M_CAPACITY && metric < M_CAPACITY + PROV_COUNT) ||
           metric == M_CASEWORKER_FTE;
}

int send_metric_ratio(int metric, int *num, int *den, double *scale)
{
    *scale = 1;
    switch (metric) {
    case C_PCT_20W: *num = C_WITHIN_20W; *den = C_NEW_PLANS; *scale = 100; return 1;
    case C_MEAN_WEEKS: *num = C_WEEKS_TO_ISSUE; *den = C_NEW_PLANS; return 1;
    case C_MEAN_WAIT_PLACE_WEEKS: *num = C_WEEKS_WAITED; *den = C_WAITS_ENDED; return 1;
    case C_PCT_D1_6W: *num = C_D1_WITHIN_6W; *den = C_D1_DECIDED; *scale = 100; return 1;
    default:
        if (metric >= C_STAGE_MEAN && metric < C_STAGE_MEAN + SEND_NSTAGE) {
            *num = C_STAGE_WEEKS + (metric - C_STAGE_MEAN);
            *den = C_STAGE_STARTED + (metric - C_STAGE_MEAN);
            return 1;
        }
        return 0;
    }
}

void send_output_ratios(send_output *o)
{
    for (int metric = C_REQUESTS; metric < C_CY_END; metric++) {
        int num, den;
        double scale;
        if (!send_metric_ratio(metric, &num, &den, &scale))
            continue;
        for (int y = 0; y < o->n_years; y++) {
            double d = send_output_row(o, den)[y];
            send_output_row(o, metric)[y] =
                d > 0 ? scale * send_output_row(o, num)[y] / d : NAN;
        }
    }
}

void send_output_audit_get(const send_output *o, int64_t a[SEND_AUDIT_N])
{
    a[0] = o->plans_open;
    a[1] = o->plans_new;
    a[2] = o->plans_ceased;
    a[3] = o->plans_close;
    a[4] = o->sen_open;
    a[5] = o->sen_in;
    a[6] = o->sen_out;
    a[7] = o->sen_close;
}

void send_output_audit_set(send_output *o, const int64_t a[SEND_AUDIT_N])
{
    o->plans_open = a[0];
    o->plans_new = a[1];
    o->plans_ceased = a[2];
    o->plans_close = a[3];
    o->sen_open = a[4];
    o->sen_in = a[5];
    o->sen_out = a[6];
    o->sen_close = a[7];
}
