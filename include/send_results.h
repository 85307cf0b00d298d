/* send_results.h - the results of a run and the statistics read from them.
 *
 * A send_results holds every replication's send_output of one run (however it was made: by
 * send_run, by MPI ranks, or read back from a results file), the seeds that made them, and
 * the per-authority headlines of a scenario with several authorities. This is the model layer:
 * io reads and writes this type, run fills it, and neither needs the other's header.
 *
 * The knowledge every reader of results shares is written here once:
 *   - the across-replication estimator (send_stat_of): NaN values are left out (a percentage
 *     in a year without plans), then mean, sample sd and the SEND_NQ percentiles;
 *   - the pairing check of two runs (send_results_pair_check): same horizon, replication
 *     count and master seed, i.e. common random numbers;
 *   - the paired difference of two runs and its verdict (send_paired_diff,
 *     send_verdict_from_ci).
 */
#ifndef SEND_RESULTS_H
#define SEND_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "des_error.h"
#include "send_model.h"

/* Headline metrics kept per authority: period i is calendar year first_year + i (financial
 * year first_fy + i for FY metrics); for ehcp_total it is the value in January of that year
 * (NaN when January lies outside the horizon). */
#define SEND_AUTH_HEADLINES 5
extern const int send_auth_headline_metric[SEND_AUTH_HEADLINES];
/* M_EHCP_TOTAL, C_NEW_PLANS, C_PCT_20W, F_SPEND, F_DSG_BALANCE */

struct send_stat;

#define SEND_BREAKDOWN_NAME_MAX 160

/* The results of a run. New per-replication data go at the end as pointers or counts that are
 * zero (NULL) in results that do not have them, so older files and older writers keep
 * working; send_results_free releases everything listed here. */
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
    /* Names of the sufficiency breakdown rows each replication keeps after its metric rows
     * (send_output.n_breakdown of them; send_breakdown_name); 0 and NULL when there are none */
    int n_breakdown;
    char (*breakdown_names)[SEND_BREAKDOWN_NAME_MAX];
} send_results;

/* Name the breakdown rows of res (its replications' n_breakdown) from the parameters that made
 * them. DES_ENOMEM on failure. */
int send_results_name_breakdown(send_results *res, const send_params *p, des_error *err);

/* Release everything res owns and zero it (res may be NULL). */
void send_results_free(send_results *res);

/* ---- the estimator ------------------------------------------------------------------------- */

/* Percentile levels reported by summaries, in percent. */
#define SEND_NQ 7
extern const double send_quantile_levels[SEND_NQ]; /* 5 10 25 50 75 90 95 */
/* Indices of P10, P50 and P90 in send_stat.q. */
enum { SEND_Q10 = 1, SEND_Q50 = 3, SEND_Q90 = 5 };

/* Across-replication statistics of one quantity; NaN values are left out. n = values counted;
 * with none, every statistic is NaN; with one, sd is 0. */
struct send_stat {
    int n;
    double mean, sd;
    double q[SEND_NQ];
};
typedef struct send_stat send_stat;

/* The one estimator: the n values x[0..n-1] with NaN dropped (x is reordered and overwritten),
 * their mean and sample sd (Welford) and quantiles at send_quantile_levels (des_quantiles).
 * O(n log n). */
void send_stat_of(double *x, int n, send_stat *out);

/* send_stat_of over the replications of one metric and period; scratch holds res->n doubles. */
void send_results_stat(const send_results *res, int metric, int period, double *scratch,
                       send_stat *out);

/* Compute every metric's statistics for every period once (in parallel over metrics with up
 * to `threads` threads; <= 0 = all cores) into res->summary. Identical whatever the thread
 * count. DES_EINVAL without replications, DES_ENOMEM on failure. */
int send_results_summarise(send_results *res, int threads, des_error *err);
/* The statistics of one metric and period: from res->summary when present, else computed. */
void send_results_get_stat(const send_results *res, int metric, int period, double *scratch,
                           send_stat *out);

/* ---- per-authority headlines ---------------------------------------------------------------- */

/* Row of headline h of authority a in replication r (authority_len values). */
const double *send_results_authority_row(const send_results *res, int r, int a, int h);
/* Number of periods of headline h, its label for period i ("YYYY-01", "YYYY" or "YYYY-YY"). */
int send_auth_headline_periods(const send_output *shape, int h);
void send_auth_headline_label(const send_output *shape, int h, int i, char *buf, size_t len);

/* ---- pairs of runs ------------------------------------------------------------------------- */

/* The one pairing check: two runs can be paired replication by replication when they cover
 * the same periods, have the same number of replications and share the master seed (common
 * random numbers). The names label the message ("base" and "alternative" when NULL). On
 * failure DES_EINPUT, e.g. "scenario 'alt' was run with seed 4 and 'base' with 3 (paired
 * differences need the same seed)"; DES_EINVAL if either run has no replications. */
int send_results_pair_check(const send_results *base, const send_results *alt,
                            const char *base_name, const char *alt_name, des_error *err);

/* Whether metric has a value other than 0 (and not NaN) in some replication and period of
 * res (a sub-model that is off records nothing). */
int send_results_has_value(const send_results *res, int metric);

/* The metrics compared, in report order: every metric of the services (send_services.h) is
 * among them. */
extern const int send_compare_metrics[];
/* Whether `compare` leaves metric out for the pair (a, b): a metric of the services beside
 * the EHC pathway that is 0 (or NaN) in every replication and period of both runs. */
int send_compare_skip(const send_results *a, const send_results *b, int metric);
extern const int send_compare_n_metrics;

typedef enum send_verdict {
    SEND_SAME,     /* every paired difference is exactly zero */
    SEND_NOISE,    /* the 95% interval of the mean difference contains zero, or there is none */
    SEND_HIGHER,
    SEND_LOWER
} send_verdict;

extern const char *const send_verdict_names[4]; /* "no difference", "not distinguishable
                                                   from noise", "higher", "lower" */

/* The one verdict rule, on the 95% interval [low, high] of a mean difference: SEND_SAME when it
 * is [0, 0] (every paired difference is zero), SEND_NOISE when it contains zero, else
 * SEND_HIGHER or SEND_LOWER. Returns -1 (and leaves *out) when either bound is NaN: there is no
 * interval (no pairs, or a single pair whose difference is not zero), and the difference is
 * not distinguishable from noise. */
int send_verdict_from_ci(double low, double high, send_verdict *out);

typedef struct send_diff {
    int n;                  /* replication pairs with both values defined */
    double mean, sd;
    double p10, p50, p90;
    double ci_low, ci_high; /* 95% interval of the mean difference (Student t); NaN with fewer
                               than two pairs unless every difference is 0 (then [0, 0]) */
    send_verdict verdict;   /* send_verdict_from_ci; SEND_NOISE where it gives none */
} send_diff;

/* Paired difference alt - base of one metric and period. scratch holds base->n doubles.
 * The runs must pass send_results_pair_check (its error otherwise); DES_EINVAL for a metric or
 * period that does not exist. */
int send_paired_diff(const send_results *base, const send_results *alt, int metric, int period,
                     double *scratch, send_diff *out, des_error *err);

/* What moves the DSG balance, by financial year, from the means over the replications (means
 * add up, so the split is exact): plans = the mean of the monthly caseload over the year's
 * months inside the horizon; per_plan = expenditure / plans; and the change of the in-year
 * balance from the year before, d_inyear = d_plans + d_cost + d_income, with
 * d_plans = -(P1 - P0) c0 (more plans at last year's cost), d_cost = -P1 (c1 - c0) (each plan
 * costing more) and d_income = I1 - I0 (allocation and other income growing). The first
 * year's changes are NaN, as are a year's with no plans. */
typedef struct send_fin_driver {
    double plans, spend, per_plan, income, inyear;
    double d_inyear, d_plans, d_cost, d_income;
} send_fin_driver;

/* Fill out[0 .. n_fys-1] from res (n >= 1 replications). */
void send_fin_drivers(const send_results *res, send_fin_driver *out);

#endif
