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
 * authority.
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

typedef struct send_run_opts {
    uint64_t seed;
    int replications;
    int threads;                          /* <= 0: all available cores */
    const volatile sig_atomic_t *cancel;  /* checked between replications; may be NULL */
    /* Called from the calling thread only, after each finished replication (may be NULL). */
    void (*progress)(void *ctx, int done, int total);
    void *progress_ctx;
} send_run_opts;

/* Headline metrics kept per authority: period i is calendar year first_year + i (financial
 * year first_fy + i for FY metrics); for ehcp_total it is the value in January of that year
 * (NaN when January lies outside the horizon). */
#define SEND_AUTH_HEADLINES 5
extern const int send_auth_headline_metric[SEND_AUTH_HEADLINES];
/* M_EHCP_TOTAL, C_NEW_PLANS, C_PCT_20W, F_SPEND, F_DEFICIT */

typedef struct send_results {
    int n;                 /* replications */
    uint64_t master_seed;
    uint32_t *seeds;       /* n x seeds_per_rep */
    send_output *reps;     /* n outputs */
    uint64_t events;       /* total events fired */
    double wall_seconds;
    int threads_used;
    struct send_stat *summary; /* [metric * row_len + period], filled by send_results_summarise
                                  (send_run and send_h5_read do); NULL until then */
    /* Extensions (zero in results built before they existed; readers treat 0 as the default) */
    int seeds_per_rep;     /* SEND_STREAMS x authorities (SEND_STREAMS for one authority) */
    int ranks;             /* MPI ranks that ran the replications (1 without MPI) */
    int n_authorities;     /* 0 for a one-authority scenario */
    char (*authority_names)[SEND_NAME_MAX * 2]; /* n_authorities names */
    int authority_len;     /* periods kept per headline: max(n_years, n_fys) */
    /* n x n_authorities x SEND_AUTH_HEADLINES x authority_len; see send_results_authority_row */
    double *authority_values;
    /* The parameter values each replication used, when the scenario has priors or an ensemble
     * (0 and NULL otherwise): n x n_params values under the key paths param_paths
     * ("ensemble.set", the index of the ensemble's set, first when there is an ensemble). */
    int n_params;
    char (*param_paths)[SEND_PATH_MAX];
    double *param_values;
} send_results;

int send_run(const send_params *p, const send_run_opts *opts, send_results *res, des_error *err);
void send_results_free(send_results *res);

/* ---- per-replication parameter sets ------------------------------------------------------- */

/* Stream id of the parameter draws in des_rng_seed_raw (far from the model's 0..SEND_STREAMS-1).
 * Replication r of a run with master seed S takes, for a key with a prior at path P, the value
 * send_prior_draw(prior, send_param_uniform(S, r, P)), and the set of an ensemble whose
 * cumulative weight first exceeds send_param_uniform(S, r, "ensemble"): the same in every
 * scenario, on any rank or thread. */
#define SEND_PARAM_STREAM UINT32_C(0x70617261)
double send_param_uniform(uint64_t master, int r, const char *path);
/* out = a shallow copy of p (owned tables shared: read only, never freed through out) with the
 * k keys at paths set to v (an "ensemble.set" column is skipped). DES_EINVAL from
 * send_param_set for an unknown path or a value out of range. */
int send_params_set_many(const send_params *p, int k, const char (*paths)[SEND_PATH_MAX],
                         const double *v, send_params *out, des_error *err);

/* ---- several authorities ------------------------------------------------------------------ */

/* Sum the outputs parts[0..n-1] of one replication's authorities into sum (initialised for the
 * same horizon). Stocks, flows, money and the conservation counts add up; capacity_<provision>
 * is -1 (not limited) if any part is; pct_within_20_weeks and mean_weeks_to_issue are weighted
 * by each part's new plans (exact); mean_wait_for_place_weeks is weighted by each part's
 * children_waited_for_place in the same year (an approximation: the count of placements after
 * a wait is not an output), or 1 when that is 0. A single part is copied unchanged.
 * DES_ENOMEM (sum untouched) if scratch cannot be allocated. */
int send_output_sum(send_output *sum, const send_output *const *parts, int n, des_error *err);

/* Row of headline h of authority a in replication r (authority_len values). */
const double *send_results_authority_row(const send_results *res, int r, int a, int h);
/* Number of periods of headline h, its label for period i ("YYYY-01", "YYYY" or "YYYY-YY"). */
int send_auth_headline_periods(const send_output *shape, int h);
void send_auth_headline_label(const send_output *shape, int h, int i, char *buf, size_t len);

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
