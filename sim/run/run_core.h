/* run_core.h - the parts of a run shared by send_run() (one process) and send_run_dist() (MPI
 * ranks): checks, the seed table, output allocation, and running a block of replications
 * [r0, r1) with OpenMP. Internal to sim/run. */
#ifndef SEND_RUN_CORE_H
#define SEND_RUN_CORE_H

#include <signal.h>
#include <stdint.h>

#include "send_run.h"

/* How a block ended. Ordered by severity: a rank reports the worst. */
enum { RUN_OK = 0, RUN_STOPPED = 1, RUN_INTERRUPTED = 2, RUN_FAILED = 3 };

typedef struct run_hooks {
    const volatile sig_atomic_t *cancel; /* polled between replications and authorities */
    /* Called by thread 0 between replications and authorities; nonzero stops the block with
     * RUN_STOPPED (another rank failed). May be NULL. */
    int (*poll)(void *ctx);
    void *poll_ctx;
    /* Called by thread 0 after each of its replications with the block's count done. */
    void (*progress)(void *ctx, int done, int total);
    void *progress_ctx;
} run_hooks;

/* The authorities a replication simulates: p itself, or p's list. */
static inline int run_n_auth(const send_params *p)
{
    return p->n_authorities > 0 ? p->n_authorities : 1;
}
static inline const send_params *run_auth(const send_params *p, int a)
{
    return p->n_authorities > 0 ? &p->authorities[a] : p;
}

/* Check the replication count and every authority's parameters (and that all share p's
 * horizon). */
int run_check(const send_params *p, int n, des_error *err);
/* Refuse to keep `count` outputs if they would not fit in 3/4 of physical memory. */
int run_memory_check(const send_params *p, int count, des_error *err);
/* The seed table of a run: n x (SEND_STREAMS x authorities) seeds, from des_rng_seed_table, so
 * replication r's seeds do not depend on which rank or thread runs it. Authority a of
 * replication r uses row r, streams a * SEND_STREAMS ... a * SEND_STREAMS + SEND_STREAMS - 1. */
int run_seed_table(const send_params *p, uint64_t seed, int n, uint32_t **seeds, int *per_rep,
                   des_error *err);
/* The parameter values of replications 0..n-1 (see draws.c): n x k values under k key paths
 * ("ensemble.set" first when the scenario has an ensemble). k = 0 when the scenario has neither
 * priors nor an ensemble. */
typedef struct run_draws {
    int n, k;
    char (*paths)[SEND_PATH_MAX];
    double *values;
} run_draws;
int run_draws_make(const send_params *p, uint64_t seed, int n, run_draws *d, des_error *err);
void run_draws_free(run_draws *d);
/* Replication r's forecast-error term (p's ensemble discrepancy, if any) applied to its output
 * o: each metric of the term times exp(log factor at the period's horizon for r's uniform),
 * with its parts following (send_output_scale_parts). */
void run_apply_discrepancy(const send_params *p, const run_draws *d, int r, send_output *o);
/* Replication r's multipliers on what each child costs (send_params.child_cost_factor), for
 * months 0 .. cap-1 from the start: exp of the ehcp_total term's log factor at mid-month
 * ((k + 0.5) / 12 years), with the same uniform that scales the plans. Returns cap, or 0 (f
 * untouched) when the scenario's term has no ehcp_total. */
int run_child_cost_factors(const send_params *p, const run_draws *d, int r, double *f, int cap);
/* Move d's table into res (n_params, param_paths, param_values); d is left empty. */
void run_results_take_draws(send_results *res, run_draws *d);
/* FNV-1a over bytes, continuing from h. */
uint64_t run_fnv(uint64_t h, const void *data, size_t len);

/* Values per replication of the per-authority headlines (0 for one authority), and periods
 * kept per headline. */
size_t run_auth_stride(const send_params *p, int *len);
/* Initialise outs[0..count-1] for p's horizon (all or nothing). */
int run_outputs_init(const send_params *p, send_output *outs, int count, des_error *err);

/* Summing one replication's authorities: run_sum_add() each part in authority order (the
 * first, first = 1, is copied), then send_output_ratios(). */
void run_sum_add(send_output *sum, const send_output *part, int first);
/* A part's headlines into dst (SEND_AUTH_HEADLINES rows of len values; NaN-padded). */
void run_auth_headlines(const send_output *part, double *dst, int len);

/* Run replications r0 .. r1-1 into outs[0 .. r1-r0-1] (initialised) and, for several
 * authorities, their headlines into auth_vals (run_auth_stride() values per replication).
 * seeds is the whole run's table, draws the whole run's parameter values (NULL or k = 0: every
 * replication runs p itself; else each runs its own copy of p with its row applied, on a model
 * of its own). Returns a RUN_ status; err is filled for RUN_FAILED. */
int run_block(const send_params *p, const uint32_t *seeds, int per_rep, const run_draws *draws,
              int r0, int r1,
              send_output *outs, double *auth_vals, int threads, const run_hooks *hooks,
              int *threads_used, des_error *err);

/* ---- back-tests over the ranks of an MPI job ---- */

/* This process's rank and the job's size (0 and 1 without MPI or outside mpirun). */
void run_dist_layout(int *rank, int *size);
/* After each rank has back-tested the authorities i = rank, rank + size, ... of out[0..n-1]:
 * every rank receives every result (rows included, in their owners' layout: ranks run the same
 * binary), so all ranks hold the same out[]. *cancelled becomes 1 on every rank when it was 1
 * on any. Collective: every rank calls it with the same n. DES_ENOMEM when rows cannot be
 * allocated (then out is left as it was). */
struct send_bt_la;
int run_bt_exchange(struct send_bt_la *out, size_t n, int *cancelled, des_error *err);

#endif
