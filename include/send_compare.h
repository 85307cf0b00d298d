/* send_compare.h - paired differences between scenarios run with common random numbers.
 *
 * Scenarios run with the same master seed give replication r the same random-number streams,
 * so the difference B_r - A_r of a metric cancels most of the noise both share. For each
 * headline metric and period the differences over replications give a mean with a 95%
 * confidence interval (Student t), and P10/P50/P90 of the paired difference itself. A
 * difference whose interval contains zero is not distinguishable from noise.
 */
#ifndef SEND_COMPARE_H
#define SEND_COMPARE_H

#include <signal.h>

#include "des_error.h"
#include "send_run.h"

/* The metrics compared, in report order. */
extern const int send_compare_metrics[];
extern const int send_compare_n_metrics;

typedef enum send_verdict {
    SEND_SAME,     /* every paired difference is exactly zero */
    SEND_NOISE,    /* the 95% interval of the mean difference contains zero */
    SEND_HIGHER,
    SEND_LOWER
} send_verdict;

extern const char *const send_verdict_names[4]; /* "no difference", "not distinguishable
                                                   from noise", "higher", "lower" */

typedef struct send_diff {
    int n;                  /* replication pairs with both values defined */
    double mean, sd;
    double p10, p50, p90;
    double ci_low, ci_high; /* 95% interval of the mean difference */
    send_verdict verdict;
} send_diff;

/* Paired difference alt - base of one metric and period. scratch holds base->n doubles.
 * The two results must have the same replications and periods (DES_EINVAL otherwise). */
int send_paired_diff(const send_results *base, const send_results *alt, int metric, int period,
                     double *scratch, send_diff *out, des_error *err);

/* Check that two runs can be paired: same replication count, master seed and periods. */
int send_compare_check(const send_results *base, const send_results *alt, des_error *err);

/* PREFIX-compare.csv: scenario,metric,period,diff_mean,diff_p10,diff_p50,diff_p90,
 * diff_ci95_low,diff_ci95_high,verdict for scenarios 1..k-1 against scenario 0, every
 * compared metric and period. Written atomically. */
int send_write_compare_csv(const char *path, int k, const char *const *names,
                           const send_results *const *res, const volatile sig_atomic_t *cancel,
                           des_error *err);

#endif
