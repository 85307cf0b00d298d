/* summary_csv.c - the summary CSV contract (design section 4): one row per metric and period
 * with the mean, sample sd and the 5/10/25/50/75/90/95th percentiles across replications;
 * then the same for each sufficiency breakdown row (by pool, area and need) every month and
 * at its busiest month of each year.
 * Numbers are printed with %.10g, so equal results give byte-identical files. The scenario name
 * is quoted when it holds a comma, quote or newline. O(metrics x periods x n log n).
 */
#include "send_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "send_results.h"

static void stat_row(FILE *f, const char *scenario, const char *name, const char *suffix,
                     const char *label, double *x, int n)
{
    send_stat st;
    send_stat_of(x, n, &st);
    io_csv_field(f, scenario);
    fputc(',', f);
    char metric[SEND_BREAKDOWN_NAME_MAX + 8];
    snprintf(metric, sizeof metric, "%s%s", name, suffix);
    io_csv_field(f, metric);
    fprintf(f, ",%s", label);
    io_csv_num(f, st.mean);
    io_csv_num(f, st.sd);
    for (int j = 0; j < SEND_NQ; j++)
        io_csv_num(f, st.q[j]);
    fputc('\n', f);
}

/* The sufficiency breakdown rows after the metrics: each row every month, then its busiest
 * month of each calendar year (name + "_peak", as the _peak metrics). */
static void summary_breakdown(FILE *f, const char *scenario, const send_results *res,
                              double *x)
{
    const send_output *o0 = &res->reps[0];
    for (int j = 0; j < res->n_breakdown; j++) {
        int row = SEND_METRIC_COUNT + j;
        for (int k = 0; k < o0->n_months; k++) {
            char label[16];
            send_output_period_label(o0, M_EHCP_TOTAL, k, label, sizeof label);
            for (int r = 0; r < res->n; r++)
                x[r] = send_output_row(&res->reps[r], row)[k];
            stat_row(f, scenario, res->breakdown_names[j], "", label, x, res->n);
        }
        for (int y = 0; y < o0->n_years; y++) {
            char label[16];
            send_output_period_label(o0, C_REQUESTS, y, label, sizeof label);
            for (int r = 0; r < res->n; r++) {
                const double *v = send_output_row(&res->reps[r], row);
                x[r] = NAN;
                for (int k = 0; k < o0->n_months; k++)
                    if ((o0->first_month_index + k) / 12 + 1970 - o0->first_year == y &&
                        !(v[k] <= x[r]))
                        x[r] = v[k];
            }
            stat_row(f, scenario, res->breakdown_names[j], "_peak", label, x, res->n);
        }
    }
}

int send_write_summary_csv(const char *path, const char *scenario, const send_results *res,
                           const volatile sig_atomic_t *cancel, des_error *err)
{
    io_atomic a;
    int rc = io_atomic_open(&a, path, err);
    if (rc)
        return rc;
    double *scratch = malloc((size_t)res->n * sizeof *scratch);
    if (!scratch) {
        io_atomic_abort(&a);
        return des_error_set(err, DES_ENOMEM, "cannot allocate summary");
    }
    fputs("scenario,metric,period,mean,sd,p05,p10,p25,p50,p75,p90,p95\n", a.f);
    const send_output *o0 = &res->reps[0];
    for (int m = 0; m < SEND_METRIC_COUNT; m++) {
        const send_metric_info *mi = send_metric(m);
        if (!mi)
            continue;
        int np = send_output_periods(o0, m);
        for (int i = 0; i < np; i++) {
            char label[16];
            send_stat st;
            send_output_period_label(o0, m, i, label, sizeof label);
            send_results_get_stat(res, m, i, scratch, &st);
            io_csv_field(a.f, scenario);
            fprintf(a.f, ",%s,%s", mi->name, label);
            io_csv_num(a.f, st.mean);
            io_csv_num(a.f, st.sd);
            for (int j = 0; j < SEND_NQ; j++)
                io_csv_num(a.f, st.q[j]);
            fputc('\n', a.f);
        }
    }
    summary_breakdown(a.f, scenario, res, scratch);
    free(scratch);
    return io_atomic_commit(&a, cancel, err);
}
