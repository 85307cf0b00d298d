/* send_backtest.h - forecasts made as of a past year, compared with what was published since.
 *
 * For one authority of a SEN2 file and a start year YEAR, send_backtest_la():
 *   1. checks the authority has the data a forecast needs as of YEAR (January caseload of
 *      YEAR-2..YEAR, the last three, also the naive trend's input);
 *   2. writes the as-of-YEAR scenario (opts->scenario, one call: data published by June of
 *      YEAR only), optionally calibrates it (opts->calibrate, one call), loads it with the
 *      normal loader, stretches its horizon to the last observed period and runs it with
 *      send_run (one thread: authorities are what run in parallel);
 *   3. compares every value published after the start in the observed file with the
 *      forecast's P10/P50/P90, for the metrics below, and adds the naive forecast: the linear
 *      (least-squares) trend of the last three published values, projected.
 * send_backtest_run() does this for a list of authorities, split over threads; each
 * authority's result depends only on its own data and the seed, so the table is identical
 * whatever the thread count.
 *
 * Horizon: years from the start (1 January YEAR) to the end of the compared period: a January
 * caseload of year P is P - YEAR years ahead, calendar-year activity of year P is P + 1 - YEAR.
 */
#ifndef SEND_BACKTEST_H
#define SEND_BACKTEST_H

#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "des_error.h"
#include "send_sen2.h"

/* Compared metrics: SEN2 names, and the model metric each is compared with. */
enum { BT_EHCP_TOTAL, BT_INITIAL_REQUESTS, BT_NEW_PLANS, BT_PCT_20W, BT_PLANS_CEASED, BT_METRICS };
/* (Defined in sim/io/backtest_csv.c, beside the file format that uses them.) */
extern const char *const send_bt_sen2_metric[BT_METRICS]; /* "ehcp_total", "initial_requests"... */
extern const char *const send_bt_model_metric[BT_METRICS]; /* "ehcp_total", "requests", ... */

/* The placement mix: each January after the start, the plans placed by type as shares of all
 * placed (published: SEN2's placement_* series, read like the metrics above; the model: the
 * mean over replications of its placements_* metrics). The groups and the series each sums are
 * in send_bt_mix_sen2 / send_bt_mix_model (sim/run/backtest.c): mainstream (less resourced
 * provision and SEN units), resourced provision and SEN units, special (maintained and
 * academies), independent and non-maintained (with level-4 residential), post-16 (FE and
 * specialist post-16), alternative provision, and other (early years, elsewhere, NEET, not
 * recorded, awaiting provision). */
enum { BT_MIX_MAINSTREAM, BT_MIX_RESOURCED, BT_MIX_SPECIAL, BT_MIX_INDEPENDENT, BT_MIX_POST16,
       BT_MIX_AP, BT_MIX_OTHER, BT_MIX_TYPES };
#define BT_MIX_YEARS 8 /* Januaries YEAR+1 .. YEAR+8 */
/* (Defined in sim/io/backtest_csv.c.) */
extern const char *const send_bt_mix_names[BT_MIX_TYPES]; /* "mainstream", ... */

/* Writes the as-of scenario of authority la of d to path (a YAML file). */
typedef int (*send_bt_scenario_fn)(const send_sen2 *d, size_t la, int as_of, const char *path,
                                   void *ctx, des_error *err);
/* Calibrates the scenario at in_path to the data of la as of as_of, writing out_path, with
 * every random number drawn from seed (the authority's own: send_bt_la_seed). */
typedef int (*send_bt_calibrate_fn)(const send_sen2 *d, size_t la, int as_of,
                                    const char *in_path, const char *out_path, uint64_t seed,
                                    void *ctx, des_error *err);

typedef struct send_bt_opts {
    int from;                 /* the start year (as of June of it) */
    int replications;
    uint64_t seed;            /* the master seed; each authority's calibration and forecast
                                 draw from send_bt_la_seed(seed, its codes) */
    int threads;              /* over authorities; <= 0 = all cores */
    send_bt_scenario_fn scenario;   /* NULL = send_bt_default_scenario */
    void *scenario_ctx;
    send_bt_calibrate_fn calibrate; /* NULL = no calibration */
    void *calibrate_ctx;
    const char *work_dir;     /* where the scenarios are written ("<dir>/<code>-<from>.yaml") */
    const volatile sig_atomic_t *cancel;
    int observed_as_of;       /* > 0: compare only values published by June of it */
    int ranks;                /* 1: split the authorities over the ranks of the MPI job too
                                 (every rank calls with the same arguments and ends with
                                 every result); 0: this process alone */
} send_bt_opts;

typedef struct send_bt_row {
    int metric;               /* BT_* */
    int naive;                /* 1: the naive trend (p10 = p50 = p90 = its projection) */
    int period, horizon;
    double observed, p10, p50, p90;
} send_bt_row;

/* Where a back-test of one authority stopped (BT_DONE when it did not). */
enum { BT_DONE, BT_AT_DATA, BT_AT_OBSERVED, BT_AT_SCENARIO, BT_AT_CALIBRATE, BT_AT_LOAD,
       BT_AT_RUN };

/* One authority's outcome. status DES_OK: rows hold its comparisons. Otherwise err says what
 * went wrong and stage where: BT_AT_DATA (too little data: DES_EINPUT), BT_AT_OBSERVED (not in
 * the observed file), BT_AT_SCENARIO / BT_AT_CALIBRATE (DES_EINPUT there: the data published by
 * then are too few for init or calibrate), BT_AT_LOAD (the scenario written does not load: a
 * failure, not bad input), BT_AT_RUN. */
typedef struct send_bt_la {
    size_t la;                /* index in the data file */
    int status;
    int stage;                /* BT_DONE or BT_AT_* */
    des_error err;
    send_bt_row *rows;
    size_t n_rows;
    double cpu_seconds;       /* this authority's thread CPU time */
    double calib_cpu_seconds; /* of which calibration (0 without) */
    double rep_cpu_seconds;   /* CPU of one forecast replication (the run's CPU / replications) */
    int has_model;            /* 0 when only the naive forecast could be made */
    /* the placement mix of January YEAR+1+k (k < BT_MIX_YEARS), shares 0-1 by BT_MIX_*; NaN
     * where nothing was published or the model did not run */
    double mix_observed[BT_MIX_YEARS][BT_MIX_TYPES];
    double mix_model[BT_MIX_YEARS][BT_MIX_TYPES];
} send_bt_la;

/* The seed of one authority's back-test: the master seed mixed with the authority's old LA
 * code (its new code when it has none). Every authority's calibration and forecast draw from
 * their own seed, so the authorities' chance is independent of each other's (a median over
 * authorities does not move with one shared draw) and an authority gets the same seed in a
 * `--la` run as in an `--all` run. Never 0. */
uint64_t send_bt_la_seed(uint64_t seed, const send_sen2_la *a);

/* 1 when the authority was left out for want of data (the `--all` listing's "skipped"), 0 for
 * success or a failure. */
int send_bt_skipped(const send_bt_la *r);

/* The default scenario step: send_init_scenario() as of the start year, with ctx a
 * send_bt_init_ctx (England's series for the national defaults; priors on the keys that carry
 * them when the loader accepts them). */
typedef struct send_bt_init_ctx {
    const send_sen2 *england;
    const char *england_label, *data_label; /* how the scenario's comments name the files */
    int priors;
    const send_sen2 *pool;                  /* as send_init_opts.pool (NULL: the data file) */
    const char *pool_label;
    int reverting_timeliness;               /* as send_init_opts */
} send_bt_init_ctx;
int send_bt_default_scenario(const send_sen2 *d, size_t la, int as_of, const char *path,
                             void *ctx, des_error *err);

/* Back-test authority la of data against the same authority in observed (found by old code,
 * new code, then name; observed may be data itself). out is filled (free with
 * send_bt_la_free) whatever happens; the return value is out->status. */
int send_backtest_la(const send_sen2 *data, size_t la, const send_sen2 *observed,
                     const send_bt_opts *o, send_bt_la *out);
void send_bt_la_free(send_bt_la *r);

/* Back-test n authorities (indices las) over o->threads threads (and with o->ranks the ranks
 * of an MPI job, authority i on rank i % ranks) into out[0..n-1]. Returns DES_OK unless
 * interrupted (DES_ESTATE, on every rank when any was); per-authority failures are in
 * out[i].status. */
int send_backtest_run(const send_sen2 *data, const size_t *las, size_t n,
                      const send_sen2 *observed, const send_bt_opts *o, send_bt_la *out);

/* The forecast-error term of forecasts made as of as_of (send_discrepancy, send_model.h),
 * from information published by June of as_of only: back-tests of the n authorities las of
 * data at earlier starts (the origins: years in [as_of - 6, as_of - 1] whose calibration
 * history, from two years before, has initial requests; at most three, first, middle, last), run with pool (its scenario and
 * calibration steps, replications, threads; its `from` is each origin) and compared with the
 * values published by June of as_of only. Per metric and horizon 1..SEND_DISC_H with at least
 * min_values values (0: SEND_BT_DISC_MIN), horizons counted from 1 while they have them: the quantiles of log(published / forecast median) at the levels
 * 0.025, 0.05, 0.1, ..., 0.95, 0.975; and per metric the growth of the spread beyond those
 * horizons, fitted to the naive trend's errors on the same published series (pooled over las,
 * origins as_of - 11 ... as_of - 1, horizons pooling min_values; 0.5, a random walk, when fewer
 * than two horizons do). With at least SEND_BT_CORR_MIN authority-origin-horizons holding two
 * or more of the metrics, also their errors' normal-score correlation (ranked within each
 * horizon, pooled over horizons; des_normal_score_corr), made positive definite
 * (des_corr_cholesky): has_corr, corr, corr_n. The same for any thread count, and unchanged by
 * anything in data after June of as_of. DES_EINPUT when no origin is possible. */
#define SEND_BT_DISC_MIN 20
#define SEND_BT_CORR_MIN 20
struct send_discrepancy;
int send_bt_discrepancy(const send_sen2 *data, const size_t *las, size_t n, int as_of,
                        const send_bt_opts *pool, int min_values,
                        struct send_discrepancy *out, des_error *err);

/* The forecast-error term as `backtest` and `calibrate` both compute it: send_bt_discrepancy
 * over every authority of data, each pooled back-test with init's scenario (priors on, England's
 * series p->england), calibrated as send_calibrate does on a smaller budget and forecast with
 * fewer replications (the SEND_BT_POOL_* below), its scenarios written under p->work_dir.
 * Cost: about 1 to 1.5 CPU-seconds an authority and origin (one origin as of 2019, three from
 * 2021 on): 142 s for the shipped file's 131 authorities as of 2019, 551 s as of 2022. */
#define SEND_BT_POOL_REPLICATIONS 20
#define SEND_BT_POOL_PARTICLES 100   /* against 200 for a forecast's own calibration */
#define SEND_BT_POOL_SIMULATIONS 600 /* against 2,000 */
typedef struct send_bt_pool {
    const send_sen2 *england;
    const char *data_label, *england_label; /* how scenarios name the files (NULL: paths) */
    uint64_t seed;
    int threads;                            /* over authorities; <= 0 = all cores */
    const char *work_dir;
    const volatile sig_atomic_t *cancel;
    int ranks;                              /* as send_bt_opts.ranks */
    int fit_all, exact;                     /* as send_calib_opts */
    int reverting_timeliness;               /* as send_init_opts */
} send_bt_pool;
int send_bt_discrepancy_default(const send_sen2 *data, int as_of, const send_bt_pool *p,
                                struct send_discrepancy *out, des_error *err);

/* PREFIX-backtest.csv: la_code,la_name,metric,period,horizon_years,observed,p10,p50,p90,
 * inside_p10_p90,abs_pct_error, authorities in the given order, model rows then naive rows
 * (metric "naive_<metric>", inside_p10_p90 empty: a point has no band). Written atomically. */
int send_bt_write_csv(const char *path, const send_sen2 *data, const send_bt_la *res, size_t n,
                      const volatile sig_atomic_t *cancel, des_error *err);

/* PREFIX-placements.csv: la_code,la_name,placement,period,horizon_years,observed_share,
 * model_share,error_points (model - published, percentage points of the plans placed), one row
 * per authority, January after the start year `from` and placement type where both shares
 * exist. Written atomically. */
int send_bt_write_mix_csv(const char *path, const send_sen2 *data, const send_bt_la *res,
                          size_t n, int from, const volatile sig_atomic_t *cancel, des_error *err);

/* Over every authority and January of res: per placement type the number of values, the mean
 * error (model - published, points) and the mean absolute error. */
typedef struct send_bt_mix_summary {
    int n[BT_MIX_TYPES];
    double mean_error[BT_MIX_TYPES], mean_abs_error[BT_MIX_TYPES];
} send_bt_mix_summary;
void send_bt_mix_summarise(const send_bt_la *res, size_t n, send_bt_mix_summary *s);

/* An authority's placement mix emptied: every share NaN (not compared). */
void send_bt_mix_clear(send_bt_la *a);

/* Summary over every row of res: per metric (and naive or not) the coverage of P10-P90 and
 * the median absolute % error by horizon 1..BT_MAX_H; and for the model's bands, how sharp
 * they are beside how often they hold the published value, by horizon and over all (index 0):
 * the coverage, the median of P90 / P10 (infinite where P10 is 0), and the mean interval score
 * of the P10-P90 band (Gneiting & Raftery 2007, alpha = 0.2: width + 10 x the distance by
 * which the published value falls outside it; lower is better), as % of the published value
 * (in percentage points for pct_within_20_weeks, a share already). NaN where there is no
 * value. */
#define BT_MAX_H 10
typedef struct send_bt_summary {
    int n[2][BT_METRICS];                 /* [naive][metric] values compared */
    double coverage[2][BT_METRICS];       /* share inside P10-P90 (model only) */
    double median_ape[2][BT_METRICS][BT_MAX_H + 1]; /* [.][.][h], h >= 1 */
    int n_h[2][BT_METRICS][BT_MAX_H + 1];
    double coverage_h[BT_METRICS][BT_MAX_H + 1];    /* model; [m][0]: every horizon */
    double ratio_h[BT_METRICS][BT_MAX_H + 1];       /* median P90 / P10 */
    double score_h[BT_METRICS][BT_MAX_H + 1];       /* mean interval score (see above) */
    /* a percentage's bands that hold nearly any value: the share with P10 below
     * SEND_BT_WHOLE_LO and P90 above SEND_BT_WHOLE_HI (NaN for counts and empty cells) */
    double whole_h[BT_METRICS][BT_MAX_H + 1];
} send_bt_summary;
#define SEND_BT_WHOLE_LO 1.0
#define SEND_BT_WHOLE_HI 99.0
/* The interval score of the central (1 - alpha) band [lo, hi] for the value y. */
static inline double send_interval_score(double lo, double hi, double y, double alpha)
{
    return (hi - lo) + (2 / alpha) * (lo > y ? lo - y : 0) + (2 / alpha) * (y > hi ? y - hi : 0);
}
int send_bt_summarise(const send_bt_la *res, size_t n, send_bt_summary *s, des_error *err);

/* Charts (gnuplot, plots/backtest.gp): with one authority back-tested, for each metric the
 * forecast's median and P10-P90 band, the naive trend and the published values by period
 * ("<stem>-<metric>.png"); with several, the median absolute % error by horizon, model against
 * naive ("<stem>-error-<metric>.png"). See send_plot.h for the options and *no_gnuplot. */
struct send_plot_opts;
struct send_plot_list;
int send_plot_backtest(const send_sen2 *data, const send_bt_la *res, size_t n, int from,
                       const send_bt_summary *sum, const struct send_plot_opts *o,
                       struct send_plot_list *out, int *no_gnuplot, des_error *err);

/* |forecast - observed| / observed x 100 (NaN when observed is 0 or forecast is NaN). */
static inline double send_bt_abs_pct_error(double forecast, double observed)
{
    if (!(observed != 0) || isnan(forecast))
        return NAN;
    return fabs(forecast - observed) / fabs(observed) * 100.0;
}

#endif
