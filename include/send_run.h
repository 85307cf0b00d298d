/* send_run.h - replications of a scenario and their summary across replications.
 *
 * send_run() derives one seed per (replication, stream) from the master seed, runs the
 * replications (in parallel with OpenMP when threads > 1, each thread owning its model), and
 * keeps every replication's output in index order, so results are byte-identical whatever the
 * thread count. The same master seed gives replication r the same random numbers in every
 * scenario (common random numbers).
 */
#ifndef SEND_RUN_H
#define SEND_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "send_model.h"

typedef struct send_run_opts {
    uint64_t seed;
    int replications;
    int threads;                          /* <= 0: all available cores */
    const volatile sig_atomic_t *cancel;  /* checked between replications; may be NULL */
    /* Called from the calling thread only, after each finished replication (may be NULL). */
    void (*progress)(void *ctx, int done, int total);
    void *progress_ctx;
} send_run_opts;

typedef struct send_results {
    int n;                 /* replications */
    uint64_t master_seed;
    uint32_t *seeds;       /* n x SEND_STREAMS */
    send_output *reps;     /* n outputs */
    uint64_t events;       /* total events fired */
    double wall_seconds;
    int threads_used;
    struct send_stat *summary; /* [metric * row_len + period], filled by send_results_summarise
                                  (send_run and send_h5_read do); NULL until then */
} send_results;

int send_run(const send_params *p, const send_run_opts *opts, send_results *res, des_error *err);
void send_results_free(send_results *res);

/* Percentile levels reported by summaries, in percent. */
#define SEND_NQ 7
extern const double send_quantile_levels[SEND_NQ]; /* 5 10 25 50 75 90 95 */

/* Across-replication statistics of one metric in one period; NaN values (e.g. a percentage
 * in a year without plans) are left out. n = replications counted. */
struct send_stat {
    int n;
    double mean, sd;
    double q[SEND_NQ];
};
typedef struct send_stat send_stat;

/* scratch must hold res->n doubles. */
void send_results_stat(const send_results *res, int metric, int period, double *scratch,
                       send_stat *out);

/* Compute every metric's statistics for every period once (in parallel over metrics with up
 * to `threads` threads; <= 0 = all cores) into res->summary. Identical whatever the thread
 * count. DES_ENOMEM on failure. */
int send_results_summarise(send_results *res, int threads, des_error *err);
/* The statistics of one metric and period: from res->summary when present, else computed. */
void send_results_get_stat(const send_results *res, int metric, int period, double *scratch,
                           send_stat *out);

#endif
