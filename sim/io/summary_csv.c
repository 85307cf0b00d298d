/* summary_csv.c - the summary CSV contract (design section 4): one row per metric and period
 * with the mean, sample sd and the 5/10/25/50/75/90/95th percentiles across replications.
 * Numbers are printed with %.10g, so equal results give byte-identical files. The scenario name
 * is quoted when it holds a comma, quote or newline. O(metrics x periods x n log n).
 */
#include "send_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "send_results.h"

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
    free(scratch);
    return io_atomic_commit(&a, cancel, err);
}
