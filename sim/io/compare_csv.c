/* compare_csv.c - PREFIX-compare.csv: the paired difference of every compared metric and
 * period, each scenario against the first (named in the last column, `reference`). Numbers as in the summary CSV (%.10g, empty for
 * undefined), so equal runs give byte-identical files. O(k x metrics x periods x n log n).
 */
#include "send_compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "send_io.h"

int send_write_compare_csv(const char *path, int k, const char *const *names,
                           const send_results *const *res, const volatile sig_atomic_t *cancel,
                           des_error *err)
{
    if (k < 2)
        return des_error_set(err, DES_EINVAL, "a comparison needs at least two scenarios");
    for (int s = 1; s < k; s++) {
        int rc = send_results_pair_check(res[0], res[s], names[0], names[s], err);
        if (rc != DES_OK)
            return rc;
    }
    double *scratch = malloc((size_t)res[0]->n * sizeof *scratch);
    if (!scratch)
        return des_error_set(err, DES_ENOMEM, "cannot allocate the comparison");
    io_atomic a;
    int rc = io_atomic_open(&a, path, err);
    if (rc) {
        free(scratch);
        return rc;
    }
    fputs("scenario,metric,period,diff_mean,diff_p10,diff_p50,diff_p90,diff_ci95_low,"
          "diff_ci95_high,verdict,reference\n",
          a.f);
    const send_output *o0 = &res[0]->reps[0];
    for (int s = 1; s < k; s++)
        for (int j = 0; j < send_compare_n_metrics; j++) {
            int m = send_compare_metrics[j];
            if (send_compare_skip(res[0], res[s], m))
                continue;
            int np = send_output_periods(o0, m);
            for (int i = 0; i < np; i++) {
                send_diff d;
                char label[16];
                send_paired_diff(res[0], res[s], m, i, scratch, &d, NULL);
                send_output_period_label(o0, m, i, label, sizeof label);
                io_csv_field(a.f, names[s]);
                fprintf(a.f, ",%s,%s", send_metric(m)->name, label);
                io_csv_num(a.f, d.mean);
                io_csv_num(a.f, d.p10);
                io_csv_num(a.f, d.p50);
                io_csv_num(a.f, d.p90);
                io_csv_num(a.f, d.ci_low);
                io_csv_num(a.f, d.ci_high);
                fprintf(a.f, ",%s,", send_verdict_names[d.verdict]);
                io_csv_field(a.f, names[0]);
                fputc('\n', a.f);
            }
        }
    free(scratch);
    return io_atomic_commit(&a, cancel, err);
}
