/* send_calibrate.h - fit a scenario's priors to an authority's published series (ABC-SMC).
 *
 * The keys that carry priors in the history scenario are fitted by ABC-SMC (send_abc.h) over
 * the engine: each particle is one replication of the history - the same authority's scenario
 * starting on 1 January YEAR0 (default as_of - 4), written by send_init_scenario() with
 * --start YEAR0 or given as a file - run to 31 January as_of. The distance is the sum of the
 * relative errors |simulated - published| / published over every published value of
 *   ehcp_total        January YEAR0 + 1 ... as_of
 *   initial_requests, new_plans, plans_ceased   calendar years YEAR0 ... as_of - 1
 * read through send_sen2_value(..., as_of), so nothing published after June of as_of is used.
 *
 * Observation error (noisy ABC, Wilkinson 2013): unless `exact`, each simulated value is
 * multiplied by exp(sd_s z), z standard normal from the simulation's seed, before the distance,
 * so that the fit treats the published history as the noisy figures they are rather than as
 * exact: sd_s is the log sd of series s about each authority's own straight line beyond Poisson
 * chance (send_init_year_sd), pooled over every authority of the file as of the same date (the
 * five Januaries to as_of, the five calendar years to as_of - 1), for initial_requests less the
 * requests.year_sd the simulation already draws.
 *
 * Keys whose prior already used the authority's own history (see `unfitted`) are not fitted:
 * each simulation draws them from their prior, so the fitted keys' posterior is averaged over
 * them (a cut posterior, Plummer 2015).
 *
 * The result is written as a scenario that `extends` the input (the forecast scenario) and adds
 * an `ensemble` section: the posterior particles over the fitted keys and their weights, the
 * method, the data file and its SHA-256, the as-of year and the fit statistics (tolerance,
 * distances, simulations, CPU seconds and replication-equivalents). Replications of it draw
 * one particle each (send_run.h), so its bands carry the parameters' uncertainty.
 *
 * Identical output for any thread count (ABC-SMC is; the CPU figures in the fit statistics
 * are measurements and are left out of that promise).
 */
#ifndef SEND_CALIBRATE_H
#define SEND_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "des_error.h"
#include "send_model.h"
#include "send_sen2.h"

typedef struct send_calib_opts {
    int particles;               /* ABC-SMC population N; 0 = 200 (alpha N = 100 kept) */
    long max_simulations;        /* budget; 0 = 2,000 */
    double p_acc_min;            /* stop below this acceptance rate; 0 = 0.05 */
    int history_from;            /* YEAR0; 0 = as_of - 4 (at least the first year with data) */
    const char *history_path;    /* a history scenario to use; NULL = write one with init */
    const send_sen2 *england;    /* England's series, for init's national defaults (required
                                    when history_path is NULL) */
    const char *data_label;      /* how the output names the data file (NULL = its path) */
    const send_sen2 *pool;       /* the authorities pooled for init's shrinkage and priors and
                                    for the observation error (NULL: the data file itself), as
                                    of send_init_pool_year */
    const char *pool_label;
    const char *england_label;
    int reverting_timeliness;    /* the history written as init --reverting-timeliness writes */
    uint64_t seed;               /* 0 = 1 */
    int threads;                 /* <= 0: all cores; 1: on the calling thread only (its CPU
                                    clock then measures the calibration alone, so several may
                                    run side by side, as the back-test does) */
    int quiet;                   /* not read by the library; for callers */
    /* A forecast-error term (send_bt_discrepancy) to store in the ensemble section, so every
     * run of the calibrated scenario widens its bands by it; NULL for none. Its as_of may
     * precede the calibration's (a pool whose last release is earlier), never follow it. */
    const struct send_discrepancy *discrepancy;
    /* Or one made on demand, once the inputs have passed their checks and before the fit (so
     * that bad input fails fast): called with as_of, it fills *out (stored as it is, even of no
     * metrics); its CPU is left out of the calibration's. Used when discrepancy is NULL. */
    int (*make_discrepancy)(void *ctx, int as_of, struct send_discrepancy *out, des_error *err);
    void *make_discrepancy_ctx;
    /* Filled on success (may be NULL): */
    struct send_calib_stats *stats;
    /* Keys drawn from the history's prior in each simulation and not fitted: their prior
     * already used the authority's own history, so fitting them to it would use the same
     * figures twice. NULL: requests.growth when the history scenario is init's (its prior is
     * the authority's own caseload growth shrunk toward the pooled growth), none for a given
     * history_path. They are left out of the ensemble: replications draw them from the
     * forecast scenario's prior, independently of the set. */
    const char *const *unfitted;
    int n_unfitted;
    int fit_all;                 /* 1: fit every prior (no key drawn, whatever unfitted says) */
    int gross_term;              /* 1: store the forecast-error term as made; 0: net of the
                                    calibrated forecast's own spread (send_discrepancy's own) */
    int exact;                   /* 1: no observation error (simulated values compared as they
                                    are); 0: each is multiplied by exp(sd z), sd the series'
                                    published year-to-year noise (see above) */
} send_calib_opts;

typedef struct send_calib_stats {
    int n_keys, n_obs, generations, kept;
    long simulations;
    double epsilon, acc_rate, ess;
    double dist_prior_median;    /* median distance of the prior draws (generation 0) */
    double dist_median;          /* median distance of the kept particles */
    double cpu_seconds;          /* CPU of the whole calibration (the thread's with threads 1,
                                    else the process's) */
    double rep_cpu_seconds;      /* CPU of one replication of the input (forecast) scenario */
    double rep_equivalents;      /* cpu_seconds / rep_cpu_seconds */
    int n_drawn;                 /* keys drawn from their prior, not fitted */
    double obs_sd[4];            /* observation error (log sd): ehcp_total, initial_requests,
                                    new_plans, plans_ceased */
    /* The forecast-error term as stored (0 measures without one): per measure (model metric
     * index term_metric), the P90 / P10 of its factor at 1, 3 and 5 years, net of the
     * forecast's own spread when term_net */
    int n_term, term_net;
    int term_metric[SEND_DISC_METRICS];
    double term_ratio[SEND_DISC_METRICS][3];
} send_calib_stats;

/* Calibrate the one-authority scenario at in_path to authority la of d as of
 * as_of and write the calibrated scenario to out_path (atomically). ctx is a send_calib_opts,
 * which must name England's series or a history scenario (NULL: DES_EINVAL).
 * DES_EINPUT for too little data or a scenario without priors (a message naming what is
 * missing), DES_EIO when a file cannot be written, or the engine's error. */
int send_calibrate(const send_sen2 *d, size_t la, int as_of, const char *in_path,
                   const char *out_path, void *ctx, des_error *err);
/* send_calibrate with the send_calib_opts ctx's seed replaced by seed: the back-test's
 * send_bt_calibrate_fn, which hands each authority its own seed. */
int send_calibrate_bt(const send_sen2 *d, size_t la, int as_of, const char *in_path,
                      const char *out_path, uint64_t seed, void *ctx, des_error *err);

#endif
