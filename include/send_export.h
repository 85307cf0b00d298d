/* send_export.h - results for finance teams and analysts: CSV tables and an Excel workbook.
 *
 * `sendsim export` reads a results file (send_h5_read) and writes either
 *   - two CSV files: the summary (the design's summary CSV contract, written by
 *     send_write_summary_csv) and a long table with every replication's value of every metric
 *     in every period, printed so that it reads back to the same double bit for bit; or
 *   - one .xlsx workbook with a sheet per theme (EHCP numbers, flows and timeliness,
 *     sufficiency, finance) laid out like the DfE DSG management plan template (periods across
 *     the columns, lines down the rows, P10/P50/P90 rows per line), and a sheet with every
 *     scenario parameter and the run's provenance.
 * Every file is written under a temporary name beside the final one and renamed into place when
 * complete; on failure or cancellation nothing is left under a final name (see send_io.h).
 * The layouts are documented in README.md ("Output files").
 */
#ifndef SEND_EXPORT_H
#define SEND_EXPORT_H

#include <signal.h>
#include <stddef.h>

#include "des_error.h"
#include "send_h5.h"
#include "send_results.h"

/* Shortest decimal text that strtod() reads back to exactly v ("-0" is written "0"; integers
 * below 2^53 without a decimal point or exponent). NaN gives the empty string. buf should hold
 * at least 32 bytes; returns the length written. */
int send_export_format_double(double v, char *buf, size_t len);

/* The long table: header `scenario,replication,metric,period,value`, then one row per
 * replication (1..n), metric (registry order) and period (time order); an empty value means
 * the replication has none (NaN). cancel (may be NULL) is polled once per replication. */
int send_export_replications_csv(const char *path, const char *scenario, const send_results *res,
                                 const volatile sig_atomic_t *cancel, des_error *err);

/* The long table's file name beside a summary file name: "X-summary.csv" and "X.csv" give
 * "X-replications.csv"; any other name gets "-replications.csv" appended. DES_EINVAL if it
 * does not fit in len. */
int send_export_replications_path(const char *summary_path, char *buf, size_t len, des_error *err);

/* Both CSV files: the summary to summary_path and the long table to reps_path. Either both are
 * written or neither is: the long table goes first, and is removed again if the summary fails. */
int send_export_csv(const char *summary_path, const char *reps_path, const send_results *res,
                    const send_meta *meta, const volatile sig_atomic_t *cancel, des_error *err);

/* The workbook. cancel (may be NULL) is polled between sheets and before the rename. */
int send_export_xlsx(const char *path, const send_results *res, const send_meta *meta,
                     const volatile sig_atomic_t *cancel, des_error *err);

#endif
