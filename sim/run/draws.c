/* draws.c - the parameter set each replication runs with: drawn from the scenario's priors, or
 * one set of its ensemble.
 *
 * Replication r's values are a function of (master seed, number of replications n, r, key path)
 * alone: each key's value comes from one uniform u = seed_raw(master, r, SEND_PARAM_STREAM,
 * hash(path)) / 2^32, stratified over the n replications (below), through the prior's inverse
 * CDF (send_prior_draw), and the ensemble set from the stratified uniform of the path
 * "ensemble". So replication r draws the same value of a key in every scenario that gives it the
 * same prior and runs as many replications (common random numbers in `compare`), whatever other
 * keys are uncertain, and whatever rank or thread runs it; the model's own streams are untouched.
 *
 * Columns of the table: "ensemble.set" (the set's index) when there is an ensemble, then the
 * ensemble's keys, then the forecast-error term's uniforms ("discrepancy.<metric>": joined by
 * the term's correlation through a Gaussian copula when it has one), then the keys with priors
 * that the ensemble does not give, in file order. Every column's uniforms (the set's, the term's
 * after the copula, each prior's) are stratified over the replications, one in each of the n
 * equal strata of (0, 1), keeping their order: a Latin hypercube. So the parameters' spread is
 * sampled evenly rather than with the luck of n independent draws (the model's own streams keep
 * theirs), and with n a multiple of an equal-weight ensemble's sets each set runs equally often.
 * Applying a row: a shallow copy of the scenario's send_params (owned tables shared, read only)
 * with each key set by path (send_param_set).
 *
 * Cost: O(replications x keys) hashes and inverse CDFs, done once before the run.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "des_rng.h"
#include "run_core.h"
#include "send_keys.h"

uint64_t run_fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * UINT64_C(0x100000001b3);
    return h;
}

double send_param_uniform(uint64_t master, int r, const char *path)
{
    uint64_t h = run_fnv(UINT64_C(0xcbf29ce484222325), path, strlen(path));
    uint32_t s = des_rng_seed_raw(master, (uint64_t)r, SEND_PARAM_STREAM,
                                  (uint32_t)(h ^ (h >> 32)));
    return ((double)s + 0.5) / 4294967296.0;
}

void run_draws_free(run_draws *d)
{
    free(d->paths);
    free(d->values);
    memset(d, 0, sizeof *d);
}

void run_results_take_draws(send_results *res, run_draws *d)
{
    res->n_params = d->k;
    res->param_paths = d->paths;
    res->param_values = d->values;
    memset(d, 0, sizeof *d);
}

static int in_ensemble(const send_ensemble *e, const char *path)
{
    for (int k = 0; e && k < e->n_keys; k++)
        if (!strcmp(e->paths[k], path))
            return 1;
    return 0;
}

/* The term's k uniforms u, drawn independently, joined by the Gaussian copula whose
 * correlation has the lower Cholesky factor L (send_discrepancy_factor, at load): z = L Phi^-1(u), u = Phi(z) (the first is
 * unchanged: L's first row is (1, 0, ...)). */
static void join_uniforms(const double (*L)[SEND_DISC_METRICS], int k, double *u)
{
    double e[SEND_DISC_METRICS];
    for (int j = 0; j < k; j++)
        e[j] = gsl_cdf_ugaussian_Pinv(u[j]);
    for (int i = 1; i < k; i++) {
        double z = 0;
        for (int j = 0; j <= i; j++)
            z += L[i][j] * e[j];
        u[i] = gsl_cdf_ugaussian_P(z);
    }
}

typedef struct {
    double v;
    int r;
} ranked;

static int by_value(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v ? 1 : (x->r > y->r) - (x->r < y->r);
}

/* Column c of the draws stratified over its n replications (a Latin hypercube): the value
 * ranked i of n becomes (i + v) / n, v the replication's own uniform for the path
 * "<column>.stratum", so every one of the n equal strata of (0, 1) holds exactly one value and
 * the order across replications (and with it the copula's rank correlation) is kept. */
static int stratify(run_draws *d, int c, uint64_t seed)
{
    ranked *x = malloc((size_t)(d->n > 0 ? d->n : 1) * sizeof *x);
    if (!x)
        return -1;
    for (int r = 0; r < d->n; r++)
        x[r] = (ranked){d->values[(size_t)r * (size_t)d->k + (size_t)c], r};
    qsort(x, (size_t)d->n, sizeof *x, by_value);
    char path[SEND_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s.stratum", d->paths[c]);
    for (int i = 0; i < d->n; i++)
        d->values[(size_t)x[i].r * (size_t)d->k + (size_t)c] =
            (i + send_param_uniform(seed, x[i].r, path)) / d->n;
    free(x);
    return 0;
}

int run_draws_make(const send_params *p, uint64_t seed, int n, run_draws *d, des_error *err)
{
    memset(d, 0, sizeof *d);
    const send_ensemble *e = p->ensemble;
    const send_discrepancy *dq = e ? e->discrepancy : NULL;
    int k = e ? 1 + e->n_keys : 0;
    k += dq ? dq->n_metrics : 0;
    for (int i = 0; i < p->n_priors; i++)
        k += !in_ensemble(e, send_key_at((size_t)p->priors[i].key)->path);
    if (k == 0)
        return DES_OK;
    d->k = k;
    d->n = n;
    d->paths = calloc((size_t)k, sizeof *d->paths);
    d->values = malloc((size_t)n * (size_t)k * sizeof *d->values);
    if (!d->paths || !d->values) {
        run_draws_free(d);
        return des_error_set(err, DES_ENOMEM, "cannot allocate the parameter draws");
    }
    int c = 0;
    if (e) {
        strcpy(d->paths[c++], "ensemble.set");
        for (int j = 0; j < e->n_keys; j++)
            strcpy(d->paths[c++], e->paths[j]);
    }
    for (int m = 0; dq && m < dq->n_metrics; m++)
        snprintf(d->paths[c++], SEND_PATH_MAX, "discrepancy.%s", send_metric(dq->metric[m])->name);
    for (int i = 0; i < p->n_priors; i++) {
        const char *path = send_key_at((size_t)p->priors[i].key)->path;
        if (!in_ensemble(e, path))
            snprintf(d->paths[c++], SEND_PATH_MAX, "%s", path);
    }
    /* the uniforms first: each column's own (the term's joined by its correlation) ... */
    for (int r = 0; r < n; r++) {
        double *row = d->values + (size_t)r * (size_t)k;
        c = 0;
        if (e) {
            row[c] = send_param_uniform(seed, r, "ensemble");
            c += 1 + e->n_keys;
        }
        for (int m = 0; dq && m < dq->n_metrics; m++, c++)
            row[c] = send_param_uniform(seed, r, d->paths[c]);
        if (dq && dq->has_corr)
            join_uniforms(dq->corr_chol, dq->n_metrics, row + c - dq->n_metrics);
        for (; c < k; c++)
            row[c] = send_param_uniform(seed, r, d->paths[c]);
    }
    /* ... each stratified over the replications (the ensemble's keys follow its set) ... */
    for (c = 0; c < k; c++) {
        if (e && c >= 1 && c <= e->n_keys)
            continue;
        if (stratify(d, c, seed) != 0) {
            run_draws_free(d);
            return des_error_set(err, DES_ENOMEM, "cannot allocate the parameter draws");
        }
    }
    /* ... then the values: the set of the ensemble's uniform (by weight) and its keys, the
     * term's uniforms as they are, each prior's inverse CDF */
    for (int r = 0; r < n; r++) {
        double *row = d->values + (size_t)r * (size_t)k;
        c = 0;
        if (e) {
            double u = row[c], cum = 0;
            int s = e->n_sets - 1;
            for (int j = 0; j < e->n_sets; j++) {
                cum += e->weights[j];
                if (u < cum) {
                    s = j;
                    break;
                }
            }
            row[c++] = s;
            for (int j = 0; j < e->n_keys; j++)
                row[c++] = e->values[(size_t)s * (size_t)e->n_keys + (size_t)j];
        }
        c += dq ? dq->n_metrics : 0;
        for (int i = 0; i < p->n_priors; i++) {
            const send_prior *pr = &p->priors[i];
            const char *path = send_key_at((size_t)pr->key)->path;
            if (in_ensemble(e, path))
                continue;
            if (send_prior_draw(pr, row[c], &row[c]) != DES_OK) {
                run_draws_free(d);
                return des_error_set(err, DES_EINVAL, "prior on '%s' cannot be drawn", path);
            }
            c++;
        }
    }
    return DES_OK;
}

int send_params_set_many(const send_params *p, int k, const char (*paths)[SEND_PATH_MAX],
                         const double *v, send_params *out, des_error *err)
{
    *out = *p;
    for (int j = 0; j < k; j++) {
        if (!strcmp(paths[j], "ensemble.set") || !strncmp(paths[j], "discrepancy.", 12))
            continue;
        if (send_param_set(out, paths[j], v[j], err) != DES_OK)
            return err ? err->code : DES_EINVAL;
    }
    return DES_OK;
}

/* ---- the forecast-error term --------------------------------------------------------------- */

/* Quantile u of the log ratios at horizon h (1-based) of metric slot m: linear between levels,
 * the outermost level's value beyond them. */
static double disc_quantile(const send_discrepancy *d, int m, int h, double u)
{
    const double *q = d->q[m][h - 1], *l = d->levels;
    int n = d->n_q;
    if (u <= l[0])
        return q[0];
    if (u >= l[n - 1])
        return q[n - 1];
    int i = 0;
    while (u > l[i + 1])
        i++;
    return q[i] + (q[i + 1] - q[i]) * (u - l[i]) / (l[i + 1] - l[i]);
}

/* The term as stored (before any own-spread netting). */
static double gross_factor(const send_discrepancy *d, int m, double t, double u)
{
    if (!(t > 0) || d->n_h[m] < 1)
        return 0;
    int H = d->n_h[m];
    if (t >= H) {
        double mid = disc_quantile(d, m, H, 0.5);
        return mid + (disc_quantile(d, m, H, u) - mid) * pow(t / H, d->growth[m]);
    }
    int h = (int)floor(t);
    double a = h >= 1 ? disc_quantile(d, m, h, u) : 0, b = disc_quantile(d, m, h + 1, u);
    return a + (t - h) * (b - a);
}

/* The scale of the term's deviations at whole horizon h (1 .. n_own): what the forecast's own
 * spread leaves of the term's, as a share of it (see send_discrepancy). */
static double net_scale_at(const send_discrepancy *d, int m, int h)
{
    double term = gross_factor(d, m, h, 0.9) - gross_factor(d, m, h, 0.1);
    if (!(term > 0))
        return 1;
    double r = d->own[m][h - 1] / term;
    return r >= 1 ? 0 : sqrt(1 - r * r);
}

double send_discrepancy_net_scale(const send_discrepancy *d, int m, double t)
{
    int n = d->n_own[m];
    if (n < 1)
        return 1;
    if (t <= 1)
        return net_scale_at(d, m, 1);
    if (t >= n)
        return net_scale_at(d, m, n);
    int h = (int)floor(t);
    double a = net_scale_at(d, m, h), b = net_scale_at(d, m, h + 1);
    return a + (t - h) * (b - a);
}

double send_discrepancy_log_factor(const send_discrepancy *d, int m, double t, double u)
{
    double g = gross_factor(d, m, t, u);
    if (d->n_own[m] < 1 || !(t > 0))
        return g;
    double mid = gross_factor(d, m, t, 0.5);
    return mid + (g - mid) * send_discrepancy_net_scale(d, m, t);
}

double send_discrepancy_band_ratio(const send_discrepancy *d, int m, double t)
{
    return exp(send_discrepancy_log_factor(d, m, t, 0.9) -
               send_discrepancy_log_factor(d, m, t, 0.1));
}

/* The column of the draws holding metric slot m's uniform, or d->k when it has none. */
static int disc_column(const send_discrepancy *dq, int m, const run_draws *d)
{
    char path[SEND_PATH_MAX];
    snprintf(path, sizeof path, "discrepancy.%s", send_metric(dq->metric[m])->name);
    int c = 0;
    while (c < d->k && strcmp(d->paths[c], path))
        c++;
    return c;
}

int run_child_cost_factors(const send_params *p, const run_draws *d, int r, double *f, int cap)
{
    const send_discrepancy *dq = p->ensemble ? p->ensemble->discrepancy : NULL;
    int plans = send_metric_find("ehcp_total");
    for (int m = 0; dq && m < dq->n_metrics; m++) {
        int c = dq->metric[m] == plans ? disc_column(dq, m, d) : d->k;
        if (c == d->k)
            continue;
        double u = d->values[(size_t)r * (size_t)d->k + (size_t)c];
        for (int k = 0; k < cap; k++)
            f[k] = exp(send_discrepancy_log_factor(dq, m, (k + 0.5) / 12.0, u));
        return cap;
    }
    return 0;
}

void run_apply_discrepancy(const send_params *p, const run_draws *d, int r, send_output *o)
{
    const send_discrepancy *dq = p->ensemble ? p->ensemble->discrepancy : NULL;
    if (!dq)
        return;
    const double *row = d->values + (size_t)r * (size_t)d->k;
    int y0, m0, d0;
    des_date_to_ymd(p->start, &y0, &m0, &d0);
    int mi0 = des_date_month_index(p->start);
    for (int m = 0; m < dq->n_metrics; m++) {
        int c = disc_column(dq, m, d);
        if (c == d->k)
            continue;
        int metric = dq->metric[m];
        send_period_kind kind = send_metric(metric)->kind;
        int pct = !strcmp(send_metric(metric)->unit, "percent");
        double *v = send_output_row(o, metric);
        for (int i = 0; i < send_output_periods(o, metric); i++) {
            double t;
            if (kind == SEND_MONTHLY)
                t = (des_date_month_index(send_output_period_start(o, metric, i)) - mi0) / 12.0;
            else if (kind == SEND_CY)
                t = o->first_year + i + 1 - y0;
            else
                continue;
            double was = v[i], f = exp(send_discrepancy_log_factor(dq, m, t, row[c]));
            v[i] *= f;
            if (pct && v[i] > 100)
                v[i] = 100;
            if (pct)
                f = was > 0 ? v[i] / was : 1;
            if (isfinite(f))
                send_output_scale_parts(o, metric, i, f);
        }
    }
}
