/* send_run.h - replications of a scenario and their summary across replications.
 *
 * send_run() derives one seed per (replication, stream) from the master seed, runs the
 * replications (in parallel with OpenMP when threads > 1, each thread owning its model), and
 * keeps every replication's output in index order, so results are byte-identical whatever the
 * thread count. The same master seed gives replication r the same random numbers in every
 * scenario (common random numbers).
 *
 * A scenario with several authorities (send_params.authorities) is run the same way: in each
 * replication every authority is simulated independently, on its own random streams, and the
 * outputs are summed in authority order into one send_output of the usual shape (see
 * send_output_sum for how each metric combines); a few headline metrics are also kept per
 * authority. The results type and its statistics are the model layer's (send_results.h).
 *
 * send_run_dist() is send_run() spread over the ranks of an MPI job (built with MPI=1, see the
 * README): each rank runs a contiguous block of replications and rank 0 gathers every output
 * in replication order, so rank 0's results are bit for bit those of send_run().
 */
#ifndef SEND_RUN_H
#define SEND_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "send_model.h"
#include "send_results.h"

typedef struct send_run_opts {
    uint64_t seed;
    int replications;
    int threads;                          /* <= 0: all available cores */
    const volatile sig_atomic_t *cancel;  /* checked between replications; may be NULL */
    /* Called from the calling thread only, after each finished replication (may be NULL). */
    void (*progress)(void *ctx, int done, int total);
    void *progress_ctx;
} send_run_opts;

int send_run(const send_params *p, const send_run_opts *opts, send_results *res, des_error *err);

/* ---- per-replication parameter sets ------------------------------------------------------- */

/* Stream id of the parameter draws in des_rng_seed_raw (far from the model's 0..SEND_STREAMS-1).
 * Replication r of a run with master seed S takes, for a key with a prior at path P, the value
 * send_prior_draw(prior, send_param_uniform(S, r, P)), and the set of an ensemble whose
 * cumulative weight first exceeds send_param_uniform(S, r, "ensemble"): the same in every
 * scenario, on any rank or thread. */
#define SEND_PARAM_STREAM UINT32_C(0x70617261)
double send_param_uniform(uint64_t master, int r, const char *path);
/* The log multiplier of metric slot m of a forecast-error term at horizon t years for the
 * uniform u (see send_discrepancy in send_model.h): 0 for t <= 0; between whole horizons
 * linear in t; beyond the last one, n_h's median plus its spread about the median times
 * (t / n_h)^growth[m] (the bias held, the spread growing at the rate send_bt_discrepancy
 * measured, or as the square root of t: see send_model.h); where the forecast's own spread
 * was measured, the spread about the median times send_discrepancy_net_scale. Replication r's
 * uniform for a metric M is send_param_uniform(S, r, "discrepancy.M"), recorded as that
 * parameter column. */
double send_discrepancy_log_factor(const send_discrepancy *d, int m, double t, double u);
/* The P90 / P10 of the term's factor at horizon t: exp of its log factor at 0.9 less at 0.1. */
double send_discrepancy_band_ratio(const send_discrepancy *d, int m, double t);
/* The factor send_discrepancy_log_factor scales the term's deviations by at horizon t, net of
 * the forecast's own spread (1 where none was measured; see send_discrepancy). */
double send_discrepancy_net_scale(const send_discrepancy *d, int m, double t);
/* out = a shallow copy of p (owned tables shared: read only, never freed through out) with the
 * k keys at paths set to v (an "ensemble.set" column and "discrepancy.*" columns are skipped). DES_EINVAL from
 * send_param_set for an unknown path or a value out of range. */
int send_params_set_many(const send_params *p, int k, const char (*paths)[SEND_PATH_MAX],
                         const double *v, send_params *out, des_error *err);

/* ---- several authorities ------------------------------------------------------------------ */

/* Sum the outputs parts[0..n-1] of one replication's authorities into sum (initialised for the
 * same horizon). Stocks, flows, money, the conservation counts and the counts behind the ratio
 * metrics add up; capacity_<provision> is -1 (not limited) if any part is; the ratio metrics
 * (pct_within_20_weeks, mean_weeks_to_issue, mean_wait_for_place_weeks) are then derived from
 * the summed counts, so they are the pooled ratios exactly. A single part whose ratios are
 * derived from its counts (as every model output's are) is reproduced bit for bit.
 * DES_EINVAL if n < 1. */
int send_output_sum(send_output *sum, const send_output *const *parts, int n, des_error *err);

/* ---- across MPI ranks ---------------------------------------------------------------------- */

/* Start MPI when the program was built with MPI=1 (a no-op otherwise); returns this process's
 * rank (0 without MPI) or -1 if MPI could not start. Call once, first thing in main. */
int send_dist_init(int *argc, char ***argv);
/* This process's rank: 0 without MPI or before send_dist_init. */
int send_dist_rank(void);
/* End MPI (a no-op without it). */
void send_dist_finalize(void);

/* send_run() with the replications split across the ranks of the MPI job (and across threads
 * within each rank). Every rank must call it with the same scenario and options. On success
 * rank 0's res holds every replication, identical to send_run()'s; other ranks' res holds none
 * (n = 0) and must only be freed. A failure or interruption on any rank stops every rank and
 * every rank returns the first failing rank's error (prefixed "rank K: " when K is not 0).
 * Without MPI (or run outside mpirun with one process) this is send_run(). */
int send_run_dist(const send_params *p, const send_run_opts *opts, send_results *res,
                  des_error *err);

#endif
