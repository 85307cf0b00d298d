/* send_compare.h - the comparison CSV of scenarios run with common random numbers.
 *
 * Scenarios run with the same master seed give replication r the same random-number streams,
 * so the difference B_r - A_r of a metric cancels most of the noise both share. The paired
 * difference, its 95% interval and its verdict are the model layer's (send_paired_diff in
 * send_results.h); this header writes them for every compared metric and period.
 */
#ifndef SEND_COMPARE_H
#define SEND_COMPARE_H

#include <signal.h>

#include "des_error.h"
#include "send_results.h"

/* PREFIX-compare.csv: scenario,metric,period,diff_mean,diff_p10,diff_p50,diff_p90,
 * diff_ci95_low,diff_ci95_high,verdict for scenarios 1..k-1 against scenario 0, every
 * compared metric (send_compare_metrics) and period. The interval is empty where there is
 * none (fewer than two pairs). Written atomically; DES_EINPUT (nothing written) when the runs
 * cannot be paired (send_results_pair_check). */
int send_write_compare_csv(const char *path, int k, const char *const *names,
                           const send_results *const *res, const volatile sig_atomic_t *cancel,
                           des_error *err);

#endif
