/* calibrate.c - send_calibrate(): ABC-SMC of a scenario's priors against published SEN2 series.
 *
 * Steps: load the forecast scenario (in_path) and the history scenario (given, or written by
 * send_init_scenario() as of as_of starting January YEAR0, trying later starts while the data
 * are too few); collect the published values the distance uses (send_sen2_value with as_of, so
 * later figures are invisible); time one replication of the forecast scenario; run ABC-SMC
 * (abc.c) whose particles are the history scenario's prior keys, less those drawn from their
 * prior in each simulation (init's own-history growth); write the calibrated scenario
 * (ensemble_yaml.c). See send_calibrate.h for the distance, the observation error and the
 * output.
 *
 * Each simulation runs on a shallow copy of the history parameters with the particle's values
 * set by path, on a model of its own and an output owned by its OpenMP slot; its seeds come
 * from the seed ABC-SMC hands it, so results do not depend on the thread count; so do the drawn
 * keys' values and the observation errors (sim_uniform of that seed).
 *
 * Cost: the simulation budget (default 2,000 history replications) plus three forecast
 * replications for the timing; memory: one output per thread plus the particles.
 */
#include "send_calibrate.h"

#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "des_rng.h"
#include "des_stats.h"
#include "send_abc.h"
#include "send_init.h"
#include "send_keys.h"
#include "send_run.h"
#include "send_scenario.h"

enum { OBS_JAN, OBS_CY };
static const struct {
    const char *sen2;
    int metric, kind;
} fit_series[] = {
    {"ehcp_total", M_EHCP_TOTAL, OBS_JAN},
    {"initial_requests", C_REQUESTS, OBS_CY},
    {"new_plans", C_NEW_PLANS, OBS_CY},
    {"plans_ceased", C_CEASED, OBS_CY},
};
#define N_SERIES (sizeof fit_series / sizeof fit_series[0])

typedef struct cal_obs {
    int metric, index; /* row and period index in a history output */
    int series;        /* row of fit_series */
    double value;
} cal_obs;

typedef struct cal_ctx {
    const send_params *hist;
    int dim;                   /* fitted keys */
    int n_cut;                 /* keys drawn from their prior in each simulation, not fitted */
    const send_prior *priors;  /* dim fitted priors, then the n_cut others */
    char (*paths)[SEND_PATH_MAX]; /* dim + n_cut, in the same order */
    double noise[N_SERIES];    /* observation error: log sd per series (0: none); the order
                                  of send_calib_stats.obs_sd */
    int noise_year;            /* the as-of year it was pooled at (the pool's, when given) */
    cal_obs *obs;
    int n_obs;
    send_output *outs;         /* one per slot */
    int slots;
} cal_ctx;

static double cpu_now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the prior, on an unconstrained scale ------------------------------------------------
 *
 * ABC-SMC perturbs and weighs the parameters on an unbounded scale u: a bounded prior (uniform,
 * beta) through the logit of its support, a lognormal through the log, a normal as it is. The
 * prior density on that scale carries the Jacobian, so a beta prior whose density is infinite at
 * its edge (a shape parameter below 1: an issue rate of 0.96 with sd 0.09) has a bounded
 * density in u. Without it, the particles nearest the edge took nearly all the weight (an
 * effective sample size of 2 to 15 of 100 for Leicestershire as of 2019), and a Gaussian kernel
 * also wasted draws outside the support. Draws are by inverse CDF (send_prior_draw); a draw on
 * the support's edge is moved U_EDGE logits inside. */
#define U_EDGE 30.0

enum { TR_ID, TR_LOG, TR_LOGIT };

static int tr_kind(const send_prior *p, double *lo, double *hi)
{
    switch (p->kind) {
    case SEND_PRIOR_UNIFORM:
        *lo = fmax(p->a, p->lo), *hi = fmin(p->b, p->hi);
        return *hi > *lo ? TR_LOGIT : TR_ID;
    case SEND_PRIOR_BETA:
        *lo = fmax(0, p->lo), *hi = fmin(1, p->hi);
        return *hi > *lo ? TR_LOGIT : TR_ID;
    case SEND_PRIOR_LOGNORMAL:
        *lo = fmax(0, p->lo), *hi = INFINITY;
        return TR_LOG;
    default:
        *lo = -INFINITY, *hi = INFINITY;
        return TR_ID;
    }
}

/* theta from u; *logj (if given) the log of |d theta / d u|. */
static double tr_from(const send_prior *p, double u, double *logj)
{
    double lo, hi;
    switch (tr_kind(p, &lo, &hi)) {
    case TR_LOGIT: {
        double e = exp(-fabs(u)), sg = u >= 0 ? 1 / (1 + e) : e / (1 + e);
        if (logj)
            *logj = log(hi - lo) - fabs(u) - 2 * log1p(e);
        return lo + (hi - lo) * sg;
    }
    case TR_LOG:
        if (logj)
            *logj = u;
        return lo + exp(u);
    default:
        if (logj)
            *logj = 0;
        return u;
    }
}

static double tr_to(const send_prior *p, double x)
{
    double lo, hi;
    switch (tr_kind(p, &lo, &hi)) {
    case TR_LOGIT: {
        double f = (x - lo) / (hi - lo);
        double u = log(f) - log1p(-f);
        return u < -U_EDGE || isnan(u) ? (f > 0.5 ? U_EDGE : -U_EDGE) : fmin(u, U_EDGE);
    }
    case TR_LOG:
        return x - lo > 0 ? fmax(log(x - lo), -U_EDGE) : -U_EDGE;
    default:
        return x;
    }
}

static void prior_draw(void *ctx, gsl_rng *r, double *u)
{
    const cal_ctx *c = ctx;
    for (int k = 0; k < c->dim; k++) {
        double x;
        send_prior_draw(&c->priors[k], gsl_rng_uniform_pos(r), &x);
        u[k] = tr_to(&c->priors[k], x);
    }
}

static double prior_logpdf(void *ctx, const double *u)
{
    const cal_ctx *c = ctx;
    double s = 0;
    for (int k = 0; k < c->dim; k++) {
        double lj, x = tr_from(&c->priors[k], u[k], &lj);
        s += send_prior_logpdf(&c->priors[k], x) + lj;
    }
    return s;
}

static void to_theta(const cal_ctx *c, const double *u, double *th)
{
    for (int k = 0; k < c->dim; k++)
        th[k] = tr_from(&c->priors[k], u[k], NULL);
}

/* ---- one simulation of the history and its distance ------------------------------------- */

/* The j-th uniform in (0, 1) of a simulation with this seed, for what the simulation itself
 * does not draw (the unfitted keys' values, the observation errors): a function of (seed, j)
 * alone, apart from the engine's streams. */
static double sim_uniform(uint64_t seed, int j)
{
    uint64_t h = des_mix64(des_mix64(seed ^ UINT64_C(0x6f62736572766564)) + (uint64_t)(j + 1) *
                                                                             UINT64_C(0x9e3779b97f4a7c15));
    return ((double)(h >> 11) + 0.5) * 0x1p-53;
}

/* Observation j's uniform comes after the unfitted keys' (index n_cut + j). */
static double distance_of(const cal_ctx *c, send_output *o, uint64_t seed)
{
    double s = 0;
    for (int i = 0; i < c->n_obs; i++) {
        double v = send_output_row(o, c->obs[i].metric)[c->obs[i].index];
        double sd = c->noise[c->obs[i].series];
        if (sd > 0)
            v *= exp(sd * gsl_cdf_ugaussian_Pinv(sim_uniform(seed, c->n_cut + i)));
        s += fabs(v - c->obs[i].value) / c->obs[i].value;
    }
    return s;
}

static int distance(void *ctx, int slot, const double *u, uint64_t seed, double *d,
                    des_error *err)
{
    const cal_ctx *c = ctx;
    double th[SEND_MAX_PRIORS];
    to_theta(c, u, th);
    for (int k = 0; k < c->n_cut; k++)
        send_prior_draw(&c->priors[c->dim + k], sim_uniform(seed, k), &th[c->dim + k]);
    send_params q;
    if (send_params_set_many(c->hist, c->dim + c->n_cut, (const char (*)[SEND_PATH_MAX])c->paths,
                             th, &q, err) != DES_OK)
        return err ? err->code : DES_EINVAL;
    uint32_t seeds[SEND_STREAMS];
    if (des_rng_seed_table(seed, 1, SEND_STREAMS, seeds, err) != DES_OK)
        return err ? err->code : DES_EINVAL;
    send_model *m = send_model_create(&q, err);
    if (!m)
        return err && err->code ? err->code : DES_ENOMEM;
    int rc = send_model_run(m, seeds, &c->outs[slot], err);
    send_model_destroy(m);
    if (rc == DES_OK)
        *d = distance_of(c, &c->outs[slot], seed);
    return rc;
}

/* ---- setup ------------------------------------------------------------------------------ */

/* The published values the distance compares, for a history output of shape o. */
static int collect_obs(const send_sen2 *data, size_t la, int as_of, int year0,
                       const send_output *o, cal_ctx *c, des_error *err)
{
    int cap = (int)N_SERIES * (as_of - year0 + 1);
    c->obs = calloc((size_t)(cap > 0 ? cap : 1), sizeof *c->obs);
    if (!c->obs)
        return des_error_set(err, DES_ENOMEM, "cannot allocate the observations");
    c->n_obs = 0;
    for (size_t s = 0; s < N_SERIES; s++) {
        int y0 = fit_series[s].kind == OBS_JAN ? year0 + 1 : year0;
        int y1 = fit_series[s].kind == OBS_JAN ? as_of : as_of - 1;
        for (int y = y0; y <= y1; y++) {
            double v = send_sen2_value(data, la, fit_series[s].sen2, y, as_of);
            if (!(v > 0))
                continue;
            int idx = fit_series[s].kind == OBS_JAN
                          ? (y - 1970) * 12 - o->first_month_index
                          : y - o->first_year;
            int np = send_output_periods(o, fit_series[s].metric);
            if (idx < 0 || idx >= np)
                continue;
            c->obs[c->n_obs++] = (cal_obs){fit_series[s].metric, idx, (int)s, v};
        }
    }
    return DES_OK;
}

/* The observation error of each fitted series (noisy ABC): the log sd of its published values
 * about each authority's own straight line beyond Poisson chance (send_init_year_sd), over the
 * five Januaries to as_of or the five calendar years to as_of - 1, pooled over every authority
 * of d (or of pool when given, as of send_init_pool_year) when at least 5 have the series,
 * else the authority's own; for initial_requests less
 * the variation the history simulation already draws (requests.year_sd, the same estimator in
 * init). Only figures published by June of as_of are read. */
static void collect_noise(const send_sen2 *d, const send_sen2 *pool, size_t la, int as_of,
                          const send_params *h, cal_ctx *c)
{
    const send_sen2 *P = pool ? pool : d;
    int py = pool ? send_init_pool_year(pool, NULL, as_of, NULL) : as_of;
    c->noise_year = py;
    for (size_t s = 0; s < N_SERIES; s++) {
        int y1 = fit_series[s].kind == OBS_JAN ? as_of : as_of - 1;
        int p1 = fit_series[s].kind == OBS_JAN ? py : py - 1;
        size_t n = 0;
        double sd = py ? send_init_year_sd(P, fit_series[s].sen2, p1 - 4, p1, py, 0,
                                           send_sen2_count(P), &n, NULL)
                       : 0;
        if (n < 5)
            sd = send_init_year_sd(d, fit_series[s].sen2, y1 - 4, y1, as_of, la, la + 1, &n,
                                   NULL);
        if (fit_series[s].metric == C_REQUESTS)
            sd = sqrt(fmax(0, sd * sd - h->request_year_sd * h->request_year_sd));
        c->noise[s] = sd;
    }
}

/* Order the history's priors: the fitted ones first (*dim of them), then those drawn from
 * their prior in each simulation (*n_cut), each set's paths in the same order. The drawn ones
 * are the paths in `cut` that have a prior. */
static void split_priors(const send_params *h, const char *const *cut, int n_cut_in,
                         send_prior *pr, char (*paths)[SEND_PATH_MAX], int *dim, int *n_cut)
{
    int isc[SEND_MAX_PRIORS] = {0}, n = 0;
    *n_cut = 0;
    for (int k = 0; k < h->n_priors; k++) {
        const char *path = send_key_at((size_t)h->priors[k].key)->path;
        for (int j = 0; j < n_cut_in && !isc[k]; j++)
            isc[k] = !strcmp(cut[j], path);
        *n_cut += isc[k];
    }
    *dim = h->n_priors - *n_cut;
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < h->n_priors; k++)
            if (isc[k] == pass) {
                pr[n] = h->priors[k];
                snprintf(paths[n++], SEND_PATH_MAX, "%s",
                         send_key_at((size_t)h->priors[k].key)->path);
            }
}

/* CPU seconds of one replication of p on this thread (the mean of `reps`). */
static int time_replication(const send_params *p, uint64_t seed, int reps, double *secs,
                            des_error *err)
{
    uint32_t *seeds = malloc((size_t)reps * SEND_STREAMS * sizeof *seeds);
    send_output o = {0};
    send_model *m = NULL;
    int rc = !seeds ? des_error_set(err, DES_ENOMEM, "cannot allocate seeds")
                    : des_rng_seed_table(seed, (size_t)reps, SEND_STREAMS, seeds, err);
    if (rc == DES_OK)
        rc = send_output_init(&o, p, err);
    double t0 = cpu_now(CLOCK_THREAD_CPUTIME_ID);
    for (int r = 0; rc == DES_OK && r < reps; r++) {
        if (!(m = send_model_create(p, err)))
            rc = err && err->code ? err->code : DES_ENOMEM;
        else
            rc = send_model_run(m, seeds + (size_t)r * SEND_STREAMS, &o, err);
        send_model_destroy(m);
        m = NULL;
    }
    *secs = (cpu_now(CLOCK_THREAD_CPUTIME_ID) - t0) / reps;
    send_output_free(&o);
    free(seeds);
    return rc;
}

/* The calibrated forecast's own spread (send_discrepancy's own, n_own): the scenario at path
 * run without its forecast-error term for OWN_REPLICATIONS replications (seed: the
 * calibration's); for each of the term's metrics, the P90 - P10 of log value over the
 * replications at whole horizons 1, 2, ... (the horizon t of run_apply_discrepancy: January
 * caseload 12h months after the start, calendar year y0 + h - 1 for activity if the run covers
 * all of it), while at least half the replications have a positive value there. */
#define OWN_REPLICATIONS 100
static int own_spread(const char *path, uint64_t seed, int threads, send_discrepancy *dq,
                      des_error *err)
{
    send_params p;
    if (send_scenario_load(path, &p, NULL, err) != DES_OK)
        return err ? err->code : DES_EINPUT;
    send_discrepancy *keep = p.ensemble ? p.ensemble->discrepancy : NULL;
    if (p.ensemble)
        p.ensemble->discrepancy = NULL;
    send_results res;
    send_run_opts ro = {.seed = seed, .replications = OWN_REPLICATIONS, .threads = threads};
    int rc = send_run(&p, &ro, &res, err), ran = rc == DES_OK;
    double *x = malloc(OWN_REPLICATIONS * sizeof *x);
    if (rc == DES_OK && !x)
        rc = des_error_set(err, DES_ENOMEM, "out of memory");
    int y0, m0, d0;
    des_date_to_ymd(p.start, &y0, &m0, &d0);
    int mi0 = des_date_month_index(p.start);
    static const double lv[2] = {0.1, 0.9};
    for (int m = 0; rc == DES_OK && m < dq->n_metrics; m++) {
        int metric = dq->metric[m];
        send_period_kind kind = send_metric(metric)->kind;
        dq->n_own[m] = 0;
        for (int h = 1; h <= SEND_DISC_H && kind != SEND_FY; h++) {
            /* the period at horizon h: the same in every replication of the run */
            const send_output *o0 = &res.reps[0];
            int np = send_output_periods(o0, metric), i = -1;
            if (kind == SEND_MONTHLY) {
                for (int k = 0; k < np && i < 0; k++)
                    if (des_date_month_index(send_output_period_start(o0, metric, k)) - mi0 ==
                        12 * h)
                        i = k;
            } else if (y0 + h - 1 - o0->first_year >= 0 && y0 + h - 1 - o0->first_year < np &&
                       p.end >= des_date_from_ymd(y0 + h - 1, 12, 31))
                i = y0 + h - 1 - o0->first_year; /* whole years only */
            if (i < 0)
                break;
            size_t n = 0;
            for (int r = 0; r < res.n; r++) {
                double v = send_output_row(&res.reps[r], metric)[i];
                if (v > 0)
                    x[n++] = log(v);
            }
            if (2 * n < (size_t)res.n || n < 2)
                break;
            double q[2];
            des_quantiles(x, n, lv, 2, q);
            dq->own[m][h - 1] = q[1] - q[0];
            dq->n_own[m] = h;
        }
    }
    if (rc == DES_OK)
        dq->own_replications = OWN_REPLICATIONS;
    free(x);
    if (ran)
        send_results_free(&res);
    if (p.ensemble)
        p.ensemble->discrepancy = keep;
    send_params_free(&p);
    return rc;
}

/* The history scenario: the given file, or init's from January year0 (later starts tried
 * while the data are too few, down to one year of history). */
static int history_scenario(const send_sen2 *d, size_t la, int as_of, const send_calib_opts *o,
                            const char *out_path, send_params *h, int *year0, char *hpath,
                            size_t cap, des_error *err)
{
    if (o->history_path) {
        snprintf(hpath, cap, "%s", o->history_path);
        if (send_scenario_load(o->history_path, h, NULL, err) != DES_OK)
            return err ? err->code : DES_EINPUT;
        int y, mo, dd;
        des_date_to_ymd(h->start, &y, &mo, &dd);
        *year0 = y;
        return DES_OK;
    }
    if (!o->england)
        return des_error_set(err, DES_EINVAL,
                             "calibration needs England's series or a history scenario");
    size_t n = strlen(out_path);
    if (n > 5 && !strcmp(out_path + n - 5, ".yaml"))
        n -= 5;
    snprintf(hpath, cap, "%.*s-history.yaml", (int)n, out_path);
    int first = o->history_from > 0 ? o->history_from : as_of - 4;
    des_error e0 = {0};
    for (int y0 = first; y0 <= as_of - 1; y0++) {
        send_init_opts io = {.as_of = as_of, .start_year = y0, .end_y = as_of, .end_m = 1,
                             .end_d = 31,
                             .data_label = o->data_label ? o->data_label : send_sen2_path(d),
                             .england = o->england,
                             .england_label = o->england_label ? o->england_label
                                                               : send_sen2_path(o->england),
                             .priors = 1,
                             .pool = o->pool,
                             .pool_label = o->pool_label,
                             .reverting_timeliness = o->reverting_timeliness};
        des_error e1 = {0};
        int rc = send_init_scenario(d, la, &io, hpath, &e1);
        if (rc == DES_OK) {
            *year0 = y0;
            if (send_scenario_load(hpath, h, NULL, err) != DES_OK)
                return err ? err->code : DES_EINPUT;
            return DES_OK;
        }
        if (y0 == first)
            e0 = e1;
        if (rc != DES_EINPUT || o->history_from > 0)
            break;
    }
    if (err)
        *err = e0;
    return e0.code ? e0.code : DES_EINPUT;
}

int send_calibrate(const send_sen2 *d, size_t la, int as_of, const char *in_path,
                   const char *out_path, void *ctx, des_error *err)
{
    send_calib_opts dflt = {0}, *o = ctx ? ctx : &dflt;
    int N = o->particles > 0 ? o->particles : 200;
    long budget = o->max_simulations > 0 ? o->max_simulations : 2000;
    uint64_t seed = o->seed ? o->seed : 1;
    int threads = o->threads > 0 ? o->threads : omp_get_num_procs();
    clockid_t clk = threads == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID;
    double cpu0 = cpu_now(clk);
    const send_sen2_la *who = send_sen2_la_at(d, la);

    send_params fp, hp;
    int have_f = 0, have_h = 0, rc;
    cal_ctx c = {0};
    send_abc_result r = {0};
    send_ensemble *e = NULL;
    send_prior pr[SEND_MAX_PRIORS];
    char hpath[4096];
    int year0 = 0;
    if ((rc = send_scenario_load(in_path, &fp, NULL, err)) != DES_OK)
        goto out;
    have_f = 1;
    if (fp.n_authorities > 0) {
        rc = des_error_set(err, DES_EINPUT,
                           "'%s': calibration takes a one-authority scenario (this one lists "
                           "%d authorities)",
                           in_path, fp.n_authorities);
        goto out;
    }
    if ((rc = history_scenario(d, la, as_of, o, out_path, &hp, &year0, hpath, sizeof hpath,
                               err)) != DES_OK)
        goto out;
    have_h = 1;
    if (hp.n_priors < 1) {
        rc = des_error_set(err, DES_EINPUT,
                           "'%s': no priors to calibrate (give keys a {prior: ...})", hpath);
        goto out;
    }
    /* the history runs to 31 January as_of, so that January's caseload is simulated */
    hp.end = des_date_from_ymd(as_of, 1, 31);
    c.hist = &hp;
    c.priors = pr;
    c.paths = calloc((size_t)hp.n_priors, sizeof *c.paths);
    c.slots = threads;
    c.outs = calloc((size_t)threads, sizeof *c.outs);
    if (!c.paths || !c.outs) {
        rc = des_error_set(err, DES_ENOMEM, "cannot allocate the calibration");
        goto out;
    }
    {
        static const char *const own[] = {"requests.growth"};
        const char *const *cut = o->unfitted;
        int n_cut = o->n_unfitted;
        if (o->fit_all)
            n_cut = 0;
        else if (!cut && !o->history_path)
            cut = own, n_cut = 1;
        split_priors(&hp, cut, n_cut, pr, c.paths, &c.dim, &c.n_cut);
    }
    if (c.dim < 1) {
        rc = des_error_set(err, DES_EINPUT,
                           "'%s': no priors to calibrate: every one is drawn from its prior, not "
                           "fitted (%s)", hpath, c.paths[0]);
        goto out;
    }
    if (!o->exact)
        collect_noise(d, o->pool, la, as_of, &hp, &c);
    for (int t = 0; t < threads; t++)
        if ((rc = send_output_init(&c.outs[t], &hp, err)) != DES_OK)
            goto out;
    if ((rc = collect_obs(d, la, as_of, year0, &c.outs[0], &c, err)) != DES_OK)
        goto out;
    if (c.n_obs < 3) {
        rc = des_error_set(err, DES_EINPUT,
                           "too little data for '%s' as of %d: %d published values of "
                           "ehcp_total, initial_requests, new_plans and plans_ceased since "
                           "%d (at least 3 needed)",
                           who->name, as_of, c.n_obs, year0);
        goto out;
    }

    send_discrepancy made;
    const send_discrepancy *disc = o->discrepancy;
    if (!disc && o->make_discrepancy) {
        if ((rc = o->make_discrepancy(o->make_discrepancy_ctx, as_of, &made, err)) != DES_OK)
            goto out;
        disc = &made; /* of no metrics: recorded, changes nothing */
        cpu0 = cpu_now(clk); /* the calibration's cost leaves the term's out */
    }

    double rep_cpu = 0;
    if ((rc = time_replication(&fp, seed, 3, &rep_cpu, err)) != DES_OK)
        goto out;

    send_abc_problem pb = {.dim = c.dim, .prior_draw = prior_draw, .prior_logpdf = prior_logpdf,
                           .distance = distance, .ctx = &c};
    send_abc_opts ao = {.particles = N, .alpha = 0.5, .p_acc_min = o->p_acc_min,
                        .max_simulations = budget, .seed = seed, .threads = threads};
    if ((rc = send_abc_run(&pb, &ao, &r, err)) != DES_OK)
        goto out;

    e = calloc(1, sizeof *e);
    if (e) {
        e->values = malloc((size_t)r.n * (size_t)c.dim * sizeof *e->values);
        e->weights = malloc((size_t)r.n * sizeof *e->weights);
    }
    if (!e || !e->values || !e->weights) {
        rc = des_error_set(err, DES_ENOMEM, "cannot allocate the ensemble");
        goto out;
    }
    e->n_keys = c.dim;
    e->n_sets = r.n;
    memcpy(e->paths, c.paths, (size_t)c.dim * sizeof *c.paths);
    for (int i = 0; i < r.n; i++)
        to_theta(&c, r.theta + (size_t)i * c.dim, e->values + (size_t)i * c.dim);
    memcpy(e->weights, r.weight, (size_t)r.n * sizeof *e->weights);
    snprintf(e->method, sizeof e->method, "ABC-SMC (adaptive population Monte Carlo)");
    snprintf(e->data, sizeof e->data, "%s", o->data_label ? o->data_label : send_sen2_path(d));
    snprintf(e->sha256, sizeof e->sha256, "%s", send_sen2_sha256(d));
    e->as_of = as_of;
    if (disc) {
        /* a term measured earlier uses less of what was published by as_of (a pool whose
         * last release precedes the authority's own file: --pool data/la-sen2.csv as of
         * 2026 gives a term as of 2025); a later one would use figures not yet published */
        if (disc->as_of > as_of) {
            rc = des_error_set(err, DES_EINVAL,
                               "the forecast-error term is as of %d, after the calibration "
                               "(as of %d): it would use figures published later",
                               disc->as_of, as_of);
            goto out;
        }
        if (!(e->discrepancy = malloc(sizeof *e->discrepancy))) {
            rc = des_error_set(err, DES_ENOMEM, "cannot allocate the ensemble");
            goto out;
        }
        *e->discrepancy = *disc;
    }

    double cpu = cpu_now(clk) - cpu0;
    send_calib_stats st = {
        .n_keys = c.dim, .n_obs = c.n_obs, .generations = r.generations, .kept = r.n,
        .simulations = r.simulations, .epsilon = r.epsilon, .acc_rate = r.acc_rate,
        .ess = r.ess, .dist_median = r.dist[r.n / 2], .cpu_seconds = cpu,
        .rep_cpu_seconds = rep_cpu, .rep_equivalents = rep_cpu > 0 ? cpu / rep_cpu : NAN};
    st.dist_prior_median = r.dist0_median;
    st.n_drawn = c.n_cut;
    for (size_t s = 0; s < N_SERIES; s++)
        st.obs_sd[s] = c.noise[s];
    static const char *const names[] = {
        "history_from",    "observations",   "particles",       "kept",
        "generations",     "simulations",    "epsilon",         "distance_prior_median",
        "distance_median", "distance_best",  "acceptance_rate", "ess",
        "cpu_seconds",     "replication_cpu_seconds",           "replication_equivalents",
        "keys_drawn_not_fitted", "observation_sd_ehcp_total", "observation_sd_initial_requests",
        "observation_sd_new_plans", "observation_sd_plans_ceased"};
    double vals[] = {year0,          c.n_obs,   N,          r.n,
                     r.generations,  (double)r.simulations, r.epsilon, r.dist0_median,
                     st.dist_median, r.dist[0], r.acc_rate, r.ess,
                     cpu,            rep_cpu,   st.rep_equivalents,
                     c.n_cut,        c.noise[0], c.noise[1], c.noise[2], c.noise[3]};
    char drawn[1024] = "";
    for (int k = 0; k < c.n_cut; k++)
        snprintf(drawn + strlen(drawn), sizeof drawn - strlen(drawn), "%s%s", k ? ", " : "",
                 c.paths[c.dim + k]);
    char comment[8192];
    snprintf(comment, sizeof comment,
             "%s as of %d, calibrated by `sendsim calibrate` (ABC-SMC over the engine).\n"
             "History: %s (1 January %d to 31 January %d); distance: sum of relative errors of\n"
             "ehcp_total (January %d-%d), initial_requests, new_plans, plans_ceased (%d-%d),\n"
             "%d published values in %s, none published after June %d.\n"
             "Observation error (log sd added to each simulated value, by series, pooled over %s\n"
             "as of %d):\n"
             "ehcp_total %.3g, initial_requests %.3g, new_plans %.3g, plans_ceased %.3g%s.\n"
             "%s%s%s"
             "Seed %" PRIu64 " (`calibrate --seed %" PRIu64 "` draws the same random numbers).\n"
             "Replications draw one set of the ensemble each, with its weight.",
             who->name, as_of, hpath, year0, as_of, year0 + 1, as_of, year0, as_of - 1, c.n_obs,
             e->data, as_of,
             o->pool ? (o->pool_label ? o->pool_label : send_sen2_path(o->pool)) : e->data,
             o->pool ? c.noise_year : as_of, c.noise[0], c.noise[1], c.noise[2], c.noise[3],
             o->exact ? " (--exact: none)" : "",
             c.n_cut ? "Drawn from the history's prior in each simulation and not fitted (the prior\n"
                       "already used the authority's own history; replications draw them from\n"
                       "this scenario's prior, independently of the set): "
                     : "",
             drawn, c.n_cut ? ".\n" : "", seed, seed);
    char name[SEND_NAME_MAX * 2];
    snprintf(name, sizeof name, "%.80s-calibrated", fp.name);
    rc = send_ensemble_yaml_write(out_path, in_path, name, comment, e,
                                  (int)(sizeof names / sizeof names[0]), names, vals, err);
    /* the term net of the forecast's own spread: measured on the scenario just written (what a
     * run of it draws), then written again with it (an interruption between leaves the term as
     * it was made, a complete scenario) */
    if (rc == DES_OK && e->discrepancy && e->discrepancy->n_metrics > 0 && !o->gross_term) {
        rc = own_spread(out_path, seed, threads, e->discrepancy, err);
        if (rc == DES_OK) {
            cpu = cpu_now(clk) - cpu0;
            vals[12] = cpu;
            vals[14] = rep_cpu > 0 ? cpu / rep_cpu : NAN;
            rc = send_ensemble_yaml_write(out_path, in_path, name, comment, e,
                                          (int)(sizeof names / sizeof names[0]), names, vals,
                                          err);
        }
    }
    if (rc == DES_OK && e->discrepancy) {
        const send_discrepancy *dq = e->discrepancy;
        static const double at_t[3] = {1, 3, 5};
        st.n_term = dq->n_metrics;
        for (int m = 0; m < dq->n_metrics; m++) {
            st.term_metric[m] = dq->metric[m];
            st.term_net |= dq->n_own[m] > 0;
            for (int k = 0; k < 3; k++)
                st.term_ratio[m][k] = send_discrepancy_band_ratio(dq, m, at_t[k]);
        }
    }
    if (rc == DES_OK && o->stats) {
        st.cpu_seconds = cpu_now(clk) - cpu0;
        st.rep_equivalents = rep_cpu > 0 ? st.cpu_seconds / rep_cpu : NAN;
        *o->stats = st;
    }
out:
    send_ensemble_free(e);
    send_abc_result_free(&r);
    for (int t = 0; c.outs && t < c.slots; t++)
        send_output_free(&c.outs[t]);
    free(c.outs);
    free(c.paths);
    free(c.obs);
    if (have_h)
        send_params_free(&hp);
    if (have_f)
        send_params_free(&fp);
    return rc;
}

int send_calibrate_bt(const send_sen2 *d, size_t la, int as_of, const char *in_path,
                      const char *out_path, uint64_t seed, void *ctx, des_error *err)
{
    send_calib_opts o = {0};
    if (ctx)
        o = *(const send_calib_opts *)ctx;
    o.seed = seed;
    return send_calibrate(d, la, as_of, in_path, out_path, &o, err);
}
