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
    o->n_breakdown = p->n_authorities > 0 ? 0 : send_breakdown_rows(p);
    o->values = calloc((size_t)(SEND_METRIC_COUNT + o->n_breakdown) * (size_t)o->row_len,
                       sizeof(double));
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
    case C_PCT_INITIAL_ON_TIME: *num = C_INITIAL_ON_TIME; *den = C_INITIAL; *scale = 100; return 1;
    case C_PCT_CORE_ON_TIME: *num = C_CORE_ON_TIME; *den = C_CORE; *scale = 100; return 1;
    default:
        if (metric >= C_STAGE_MEAN && metric < C_STAGE_MEAN + SEND_NSTAGE) {
            *num = C_STAGE_WEEKS + (metric - C_STAGE_MEAN);
            *den = C_STAGE_STARTED + (metric - C_STAGE_MEAN);
            return 1;
        }
        return 0;
    }
}

/* Each _peak row: the largest value of its monthly row over the months of each calendar year
 * inside the horizon (NaN for a year without one). */
static void output_peaks(send_output *o)
{
    static const struct { int peak, monthly, n; } fam[] = {
        {C_PLACEMENTS_PEAK, M_PLACEMENTS, PROV_COUNT},
        {C_WAITING_PEAK, M_WAITING, PROV_COUNT},
        {C_WAITING_TOTAL_PEAK, M_WAITING_TOTAL, 1},
        {C_SHORTFALL_PEAK, M_SHORTFALL, PROV_COUNT},
    };
    for (size_t f = 0; f < sizeof fam / sizeof fam[0]; f++)
        for (int j = 0; j < fam[f].n; j++) {
            if (!send_metric(fam[f].peak + j))
                continue;
            double *peak = send_output_row(o, fam[f].peak + j);
            const double *mon = send_output_row(o, fam[f].monthly + j);
            for (int y = 0; y < o->n_years; y++)
                peak[y] = NAN;
            for (int k = 0; k < o->n_months; k++) {
                int y = (o->first_month_index + k) / 12 + 1970 - o->first_year;
                if (y >= 0 && y < o->n_years && !(mon[k] <= peak[y]))
                    peak[y] = mon[k];
            }
        }
}

void send_output_ratios(send_output *o)
{
    output_peaks(o);
    for (int metric = 0; metric < SEND_METRIC_COUNT; metric++) {
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

/* Provisions with capacity pools, in provision order. */
static int pooled_provisions(const send_params *p, int *prov)
{
    int n = 0;
    for (int q = 0; q < PROV_COUNT; q++)
        for (int i = 0; i < p->n_pools; i++)
            if (p->pools[i].provision == q) {
                prov[n++] = q;
                break;
            }
    return n;
}

int send_breakdown_rows(const send_params *p)
{
    int prov[PROV_COUNT];
    return 4 * p->n_pools + 2 * pooled_provisions(p, prov) * p->n_areas * NEED_COUNT;
}

void send_breakdown_name(const send_params *p, int j, char *buf, size_t len)
{
    static const char *const pool_measure[4] = {"pool_places_", "pool_placed_", "pool_waiting_",
                                                "pool_shortfall_"};
    static const char *const cell_measure[2] = {"placements_", "waiting_for_place_"};
    int prov[PROV_COUNT], np = pooled_provisions(p, prov);
    buf[0] = '\0';
    if (j < 0 || j >= send_breakdown_rows(p))
        return;
    if (j < 4 * p->n_pools) {
        const send_pool_spec *s = &p->pools[j / 4];
        snprintf(buf, len, "%s%s.%s.%s", pool_measure[j % 4], send_provision_names[s->provision],
                 s->area >= 0 ? p->areas[s->area].name : "any",
                 s->need >= 0 ? send_need_names[s->need] : "any");
        return;
    }
    j -= 4 * p->n_pools;
    int per_prov = p->n_areas * NEED_COUNT * 2;
    int q = prov[j / per_prov], a = j % per_prov / (NEED_COUNT * 2), n = j % (NEED_COUNT * 2) / 2;
    (void)np;
    snprintf(buf, len, "%s%s.%s.%s", cell_measure[j % 2], send_provision_names[q],
             p->areas[a].name, send_need_names[n]);
}

static void scale_row(send_output *o, int metric, int i, double f)
{
    if (send_metric(metric))
        send_output_row(o, metric)[i] *= f;
}

/* The counted parts of each measure of the term (which add up to it, or count its cases). */
_Static_assert(BAND_COUNT == 5, "ehcp_total's parts list every age band");
static const struct {
    int measure, n, part[7];
} parts_of[] = {
    {M_EHCP_TOTAL, 5, {M_EHCP_BAND, M_EHCP_BAND + 1, M_EHCP_BAND + 2, M_EHCP_BAND + 3,
                       M_EHCP_BAND + 4}},
    {C_REQUESTS, 4, {C_REFUSED, C_REQ_WITHDRAWN, C_D1_DECIDED, C_D1_WITHIN_6W}},
    {C_NEW_PLANS, 2, {C_WITHIN_20W, C_WEEKS_TO_ISSUE}},
    {C_PCT_20W, 1, {C_WITHIN_20W}},
    {C_CEASED, 7, {C_CEASED_MOVED, C_CEASED_LEFT, C_CEASED_NEEDS_MET, C_CEASED_AGE,
                   C_CEASED_ABROAD, C_CEASED_OTHER, C_NEEDS_MET_TO_SEN}},
};

void send_output_scale_parts(send_output *o, int metric, int i, double f)
{
    for (size_t k = 0; k < sizeof parts_of / sizeof parts_of[0]; k++)
        if (parts_of[k].measure == metric)
            for (int j = 0; j < parts_of[k].n; j++)
                scale_row(o, parts_of[k].part[j], i, f);
}
