/* abc.c - adaptive ABC-SMC (population Monte Carlo ABC), see send_abc.h for the method.
 *
 * Particles live in one array of N slots: after each generation the slots are sorted by
 * (distance, slot) and the first K are the kept set, so the order never depends on threads.
 * The kept set's weights are prior / (the draw-weighted mixture of every generation's proposal
 * density), kept as logs and brought up to date each generation (each particle adds each
 * proposal once), and normalised over the kept set when used; a weight that is not finite is an
 * error, not a silent zero.
 * Proposal i of generation g draws every random number from a taus2 generator seeded by
 * (seed, g, i) and hands the simulation a seed derived the same way.
 *
 * Invariants: 2 <= K < N; the kept set has finite distances unless fewer than K simulations
 * ever produced one. Complexity per generation: M simulations plus O((M + K + new kept x
 * generations) K dim^2) for the kernel mixture densities and O(N log N) for the sort; memory
 * O(N dim + generations K dim + N x error record).
 */
#include "send_abc.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "des_rng.h"
#include "des_stats.h"

#define GAMMA UINT64_C(0x9e3779b97f4a7c15)
#define MAX_REDRAWS 1000 /* proposals outside the prior's support redrawn before giving up */

typedef struct slot_key {
    double d;
    int i;
} slot_key;

static int cmp_key(const void *a, const void *b)
{
    const slot_key *x = a, *y = b;
    if (x->d < y->d)
        return -1;
    if (x->d > y->d)
        return 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* A 64-bit value from (seed, generation, index, purpose). */
static uint64_t derive(uint64_t seed, int g, int i, int what)
{
    uint64_t h = des_mix64(seed + GAMMA);
    h = des_mix64((h ^ (uint64_t)(unsigned)g) + GAMMA);
    return des_mix64((h ^ (((uint64_t)(unsigned)i << 2) | (uint64_t)what)) + GAMMA);
}

static void rng_for(gsl_rng *r, uint64_t seed, int g, int i)
{
    uint64_t h = derive(seed, g, i, 0);
    unsigned long s = (unsigned long)(uint32_t)(h ^ (h >> 32));
    gsl_rng_set(r, s ? s : 1);
}

void send_abc_result_free(send_abc_result *res)
{
    if (!res)
        return;
    free(res->theta);
    free(res->weight);
    free(res->dist);
    memset(res, 0, sizeof *res);
}

/* Weighted mean and covariance of n points (rows of x) with normalised weights w. */
static void moments(const double *x, const double *w, int n, int dim, double *mean, double *cov)
{
    double s2 = 0;
    for (int k = 0; k < dim; k++)
        mean[k] = 0;
    for (int i = 0; i < n; i++) {
        s2 += w[i] * w[i];
        for (int k = 0; k < dim; k++)
            mean[k] += w[i] * x[(size_t)i * dim + k];
    }
    for (int a = 0; a < dim; a++)
        for (int b = 0; b < dim; b++) {
            double c = 0;
            for (int i = 0; i < n; i++)
                c += w[i] * (x[(size_t)i * dim + a] - mean[a]) * (x[(size_t)i * dim + b] - mean[b]);
            cov[a * dim + b] = s2 < 1 ? c / (1 - s2) : 0;
        }
}

void send_abc_moments(const send_abc_result *res, double *mean, double *cov)
{
    moments(res->theta, res->weight, res->n, res->dim, mean, cov);
}

/* Run the simulations of slots [lo, lo + m): each fills its own theta, d and status. With
 * kern == NULL the parameters come from the prior, else from the kernel around the kept set. */
typedef struct gen_ctx {
    const send_abc_problem *pb;
    uint64_t seed;
    int g, dim, K;
    const double *keep_x;   /* K x dim */
    const double *keep_cum; /* K cumulative normalised weights */
    const double *keep_w;   /* K normalised weights */
    const double *L;        /* lower Cholesky factor of the kernel covariance, dim x dim */
    double log_norm;        /* log of the kernel density's normalising constant */
} gen_ctx;

static double kernel_logmix(const gen_ctx *c, const double *x, double *z)
{
    /* log sum_j w_j phi(x - x_j), by log-sum-exp */
    double best = -INFINITY, s = 0;
    for (int j = 0; j < c->K; j++) {
        if (!(c->keep_w[j] > 0))
            continue;
        /* solve L z = x - x_j */
        for (int a = 0; a < c->dim; a++) {
            double v = x[a] - c->keep_x[(size_t)j * c->dim + a];
            for (int b = 0; b < a; b++)
                v -= c->L[a * c->dim + b] * z[b];
            z[a] = v / c->L[a * c->dim + a];
        }
        double q = 0;
        for (int a = 0; a < c->dim; a++)
            q += z[a] * z[a];
        double l = log(c->keep_w[j]) - 0.5 * q;
        if (l > best) {
            s = s * exp(best - l) + 1;
            best = l;
        } else {
            s += exp(l - best);
        }
    }
    return best + log(s) + c->log_norm;
}

static int propose(const gen_ctx *c, gsl_rng *r, double *x, double *z, double *logw, int *tries)
{
    const send_abc_problem *pb = c->pb;
    *tries = 1;
    if (!c->L) {
        pb->prior_draw(pb->ctx, r, x);
        *logw = 0;
        return 1;
    }
    for (int t = 0; t < MAX_REDRAWS; t++) {
        *tries = t + 1;
        double u = gsl_rng_uniform(r) * c->keep_cum[c->K - 1];
        int lo = 0, hi = c->K - 1;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (c->keep_cum[mid] > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        for (int a = 0; a < c->dim; a++)
            z[a] = gsl_ran_ugaussian(r);
        for (int a = 0; a < c->dim; a++) {
            double v = c->keep_x[(size_t)lo * c->dim + a];
            for (int b = 0; b <= a; b++)
                v += c->L[a * c->dim + b] * z[b];
            x[a] = v;
        }
        double lp = pb->prior_logpdf(pb->ctx, x);
        if (lp > -INFINITY) {
            *logw = lp - kernel_logmix(c, x, z);
            return 1;
        }
    }
    return 0;
}

static int run_generation(const gen_ctx *c, double *x, double *logw, double *d, int lo, int m,
                          int threads, des_error *errs, int *status, int *tries)
{
    int failed = 0;
#pragma omp parallel num_threads(threads)
    {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
        double *z = malloc((size_t)c->dim * sizeof *z);
        int slot = omp_get_thread_num();
        if (!r || !z) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int k = 0; k < m; k++) {
            int i = lo + k;
            status[i] = DES_OK;
            if (!r || !z) {
                status[i] = des_error_set(&errs[i], DES_ENOMEM, "cannot allocate a generator");
                continue;
            }
            rng_for(r, c->seed, c->g, k);
            double *xi = x + (size_t)i * c->dim;
            if (!propose(c, r, xi, z, &logw[i], &tries[i])) {
                d[i] = INFINITY;
                logw[i] = -INFINITY;
                continue;
            }
            double dist = INFINITY;
            status[i] = c->pb->distance(c->pb->ctx, slot, xi, derive(c->seed, c->g, k, 1), &dist,
                                        &errs[i]);
            d[i] = isnan(dist) ? INFINITY : dist;
        }
        gsl_rng_free(r);
        free(z);
    }
    (void)failed;
    for (int k = 0; k < m; k++)
        if (status[lo + k] != DES_OK)
            return lo + k;
    return -1;
}

/* Every proposal so far, for the deterministic-mixture weights (Veach & Guibas' balance
 * heuristic, as in Owen & Zhou 2000): generation 0 is the prior (n0 draws); generation g >= 1
 * is the kernel mixture around that generation's kept set (M draws), divided by its mass inside
 * the prior's support (estimated by the share of kernel draws that fell inside; the outside
 * ones were redrawn). The kept set is exactly the draws so far within the current tolerance, so
 * weighting each by prior / (the draw-weighted mean of all proposal densities) is a proper
 * importance sample of the ABC posterior, and a prior draw that survives is no longer worth
 * hundreds of later, better-placed ones (which made the effective sample size collapse). */
typedef struct prop_hist {
    int n, cap, K, dim;
    long n0, total;           /* prior draws; all draws */
    double *x, *w, *L;        /* per generation: K x dim centres, K weights, dim x dim factor */
    double *log_norm, *log_mass;
    long *draws;
} prop_hist;

static void hist_free(prop_hist *h)
{
    free(h->x), free(h->w), free(h->L), free(h->log_norm), free(h->log_mass), free(h->draws);
    memset(h, 0, sizeof *h);
}

/* Record generation c's proposal: M draws, tries kernel draws in all to get them inside. */
static int hist_push(prop_hist *h, const gen_ctx *c, long M, long inside, long tries,
                     des_error *err)
{
    if (h->n == h->cap) {
        int cap = h->cap ? 2 * h->cap : 16;
        double *x = realloc(h->x, (size_t)cap * h->K * h->dim * sizeof *x);
        if (x)
            h->x = x;
        double *w = realloc(h->w, (size_t)cap * h->K * sizeof *w);
        if (w)
            h->w = w;
        double *L = realloc(h->L, (size_t)cap * h->dim * h->dim * sizeof *L);
        if (L)
            h->L = L;
        double *ln = realloc(h->log_norm, (size_t)cap * sizeof *ln);
        if (ln)
            h->log_norm = ln;
        double *lm = realloc(h->log_mass, (size_t)cap * sizeof *lm);
        if (lm)
            h->log_mass = lm;
        long *dr = realloc(h->draws, (size_t)cap * sizeof *dr);
        if (dr)
            h->draws = dr;
        if (!x || !w || !L || !ln || !lm || !dr)
            return des_error_set(err, DES_ENOMEM, "cannot allocate the proposal history");
        h->cap = cap;
    }
    int g = h->n++;
    memcpy(h->x + (size_t)g * h->K * h->dim, c->keep_x, (size_t)h->K * h->dim * sizeof *h->x);
    memcpy(h->w + (size_t)g * h->K, c->keep_w, (size_t)h->K * sizeof *h->w);
    memcpy(h->L + (size_t)g * h->dim * h->dim, c->L, (size_t)h->dim * h->dim * sizeof *h->L);
    h->log_norm[g] = c->log_norm;
    h->log_mass[g] = inside > 0 && tries > 0 ? log((double)inside / (double)tries) : 0;
    h->draws[g] = M;
    h->total += M;
    return DES_OK;
}

/* Bring the kept set's (the first K slots') log weights up to date: lsum[i] is the log of
 * sum_g draws_g x proposal_g(x_i) over the kernel generations 1..upto[i], so each particle pays
 * for every generation once: O(K dim^2) per generation and particle. The weight is
 * total / (n0 + exp(lsum - log prior)): a prior density of +infinity (a beta prior's edge) gives
 * total / n0, one of 0 (a prior draw on the support's closed edge) a zero weight. */
static int reweight(const prop_hist *h, const send_abc_problem *pb, const double *x,
                    double *logw, double *lsum, int *upto, int K, int threads, des_error *err)
{
    int bad = 0;
#pragma omp parallel num_threads(threads)
    {
        double *z = malloc((size_t)h->dim * sizeof *z);
#pragma omp for schedule(dynamic, 8)
        for (int i = 0; i < K; i++) {
            if (!z) {
#pragma omp atomic write
                bad = 1;
                continue;
            }
            const double *xi = x + (size_t)i * h->dim;
            if (upto[i] < 0) {
                lsum[i] = -INFINITY;
                upto[i] = 0;
            }
            double best = lsum[i], s = isfinite(best) ? 1 : 0;
            for (int g = upto[i]; g < h->n; g++) {
                gen_ctx c = {.pb = pb, .dim = h->dim, .K = h->K,
                             .keep_x = h->x + (size_t)g * h->K * h->dim,
                             .keep_w = h->w + (size_t)g * h->K,
                             .L = h->L + (size_t)g * h->dim * h->dim, .log_norm = h->log_norm[g]};
                double l = log((double)h->draws[g]) + kernel_logmix(&c, xi, z) - h->log_mass[g];
                if (!(l > -INFINITY))
                    continue;
                if (!(s > 0) || l > best) {
                    s = s > 0 ? s * exp(best - l) + 1 : 1;
                    best = l;
                } else {
                    s += exp(l - best);
                }
            }
            lsum[i] = s > 0 ? best + log(s) : -INFINITY;
            upto[i] = h->n;
            double lp = pb->prior_logpdf(pb->ctx, xi), lt = log((double)h->total);
            double ln0 = log((double)h->n0);
            if (isnan(lp) || lp == -INFINITY)
                logw[i] = -INFINITY;
            else if (lp == INFINITY || lsum[i] == -INFINITY)
                logw[i] = lt - ln0;
            else {
                double r = lsum[i] - lp; /* log of the kernels' share relative to the prior's */
                double m = r > ln0 ? r : ln0;
                logw[i] = lt - (m + log(exp(ln0 - m) + exp(r - m)));
            }
        }
        free(z);
    }
    if (bad)
        return des_error_set(err, DES_ENOMEM, "cannot allocate the weights' scratch");
    /* the check: no weight is NaN or +infinity, and some weight is positive */
    int pos = 0;
    for (int i = 0; i < K; i++) {
        if (isnan(logw[i]) || logw[i] == INFINITY)
            return des_error_set(err, DES_ESTATE, "particle %d of the kept set has weight %g", i,
                                 logw[i]);
        pos += logw[i] > -INFINITY;
    }
    if (!pos)
        return des_error_set(err, DES_ESTATE, "every particle of the kept set has weight 0");
    return DES_OK;
}

/* Sort the N slots by (distance, slot) in place. */
static int sort_slots(double *x, double *logw, double *d, double *lsum, int *upto, int n, int dim,
                      des_error *err)
{
    slot_key *k = malloc((size_t)n * sizeof *k);
    double *x2 = malloc((size_t)n * dim * sizeof *x2);
    double *w2 = malloc((size_t)n * sizeof *w2), *d2 = malloc((size_t)n * sizeof *d2);
    double *s2 = malloc((size_t)n * sizeof *s2);
    int *u2 = malloc((size_t)n * sizeof *u2);
    if (!k || !x2 || !w2 || !d2 || !s2 || !u2) {
        free(k), free(x2), free(w2), free(d2), free(s2), free(u2);
        return des_error_set(err, DES_ENOMEM, "cannot allocate the particles");
    }
    for (int i = 0; i < n; i++)
        k[i] = (slot_key){d[i], i};
    qsort(k, (size_t)n, sizeof *k, cmp_key);
    for (int i = 0; i < n; i++) {
        memcpy(x2 + (size_t)i * dim, x + (size_t)k[i].i * dim, (size_t)dim * sizeof *x);
        w2[i] = logw[k[i].i];
        d2[i] = d[k[i].i];
        s2[i] = lsum[k[i].i];
        u2[i] = upto[k[i].i];
    }
    memcpy(x, x2, (size_t)n * dim * sizeof *x);
    memcpy(logw, w2, (size_t)n * sizeof *w2);
    memcpy(d, d2, (size_t)n * sizeof *d2);
    memcpy(lsum, s2, (size_t)n * sizeof *s2);
    memcpy(upto, u2, (size_t)n * sizeof *u2);
    free(k), free(x2), free(w2), free(d2), free(s2), free(u2);
    return DES_OK;
}

/* Normalised weights of the first K slots from their log weights. */
static void normalise(const double *logw, int K, double *w)
{
    double mx = -INFINITY, s = 0;
    for (int i = 0; i < K; i++)
        if (logw[i] > mx)
            mx = logw[i];
    for (int i = 0; i < K; i++)
        s += w[i] = mx > -INFINITY ? exp(logw[i] - mx) : 1.0;
    for (int i = 0; i < K; i++)
        w[i] /= s;
}

int send_abc_run(const send_abc_problem *pb, const send_abc_opts *opts, send_abc_result *res,
                 des_error *err)
{
    memset(res, 0, sizeof *res);
    int N = opts->particles, dim = pb->dim;
    double alpha = opts->alpha > 0 ? opts->alpha : 0.5;
    double pmin = opts->p_acc_min > 0 ? opts->p_acc_min : 0.05;
    if (dim < 1 || !pb->prior_draw || !pb->prior_logpdf || !pb->distance)
        return des_error_set(err, DES_EINVAL, "ABC problem needs a dimension and three callbacks");
    if (N < 4)
        return des_error_set(err, DES_EINVAL, "'particles' must be at least 4, got %d", N);
    if (!(alpha < 1) || !(pmin < 1))
        return des_error_set(err, DES_EINVAL, "'alpha' and 'p_acc_min' must lie in (0, 1)");
    int K = (int)(alpha * N);
    if (K < 2)
        K = 2;
    if (K >= N)
        K = N - 1;
    int M = N - K;
    int threads = opts->threads > 0 ? opts->threads : omp_get_num_procs();

    double *x = malloc((size_t)N * dim * sizeof *x), *logw = malloc((size_t)N * sizeof *logw);
    double *d = malloc((size_t)N * sizeof *d), *w = malloc((size_t)N * sizeof *w);
    double *cum = malloc((size_t)N * sizeof *cum);
    double *mean = malloc((size_t)dim * sizeof *mean);
    double *cov = malloc((size_t)dim * dim * sizeof *cov);
    des_error *errs = calloc((size_t)N, sizeof *errs);
    int *status = calloc((size_t)N, sizeof *status);
    int *tries = calloc((size_t)N, sizeof *tries);
    double *lsum = malloc((size_t)N * sizeof *lsum);
    int *upto = malloc((size_t)N * sizeof *upto);
    double *L = malloc((size_t)dim * dim * sizeof *L);
    prop_hist hist = {.K = K, .dim = dim, .n0 = N, .total = N};
    int rc = DES_OK;
    if (!x || !logw || !d || !w || !cum || !mean || !cov || !errs || !status || !tries || !lsum || !upto || !L) {
        rc = des_error_set(err, DES_ENOMEM, "cannot allocate %d particles", N);
        goto out;
    }

    for (int i = 0; i < N; i++)
        upto[i] = -1; /* no proposal density evaluated yet */
    gen_ctx c = {.pb = pb, .seed = opts->seed, .g = 0, .dim = dim, .K = K};
    int bad = run_generation(&c, x, logw, d, 0, N, threads, errs, status, tries);
    if (bad >= 0) {
        rc = status[bad];
        if (err)
            *err = errs[bad];
        goto out;
    }
    long sims = N;
    int gen = 1;
    double acc = 1;
    if ((rc = sort_slots(x, logw, d, lsum, upto, N, dim, err)) != DES_OK)
        goto out;
    double d0med = d[N / 2];
    for (;;) {
        if (acc < pmin && gen > 1)
            break;
        if (opts->max_generations > 0 && gen >= opts->max_generations)
            break;
        if (opts->max_simulations > 0 && sims + M > opts->max_simulations)
            break;
        double eps = d[K - 1];
        normalise(logw, K, w);
        moments(x, w, K, dim, mean, cov);
        /* kernel covariance: twice the weighted covariance; a degenerate direction gets a
         * small floor relative to the spread of the other directions (or to the values) */
        double tr = 0;
        for (int a = 0; a < dim; a++)
            tr += cov[a * dim + a];
        int chol = 0;
        for (int attempt = 0; attempt < 8 && !chol; attempt++) {
            for (int a = 0; a < dim * dim; a++)
                L[a] = 2 * cov[a];
            if (attempt > 0) {
                double floor = pow(10, attempt - 10) * (tr > 0 ? tr / dim : 1 + fabs(mean[0]));
                for (int a = 0; a < dim; a++)
                    L[a * dim + a] += floor;
            }
            chol = des_cholesky(L, dim, L, 0);
        }
        if (!chol) {
            rc = des_error_set(err, DES_ESTATE, "the particles' covariance is not usable");
            goto out;
        }
        double logdet = 0;
        for (int a = 0; a < dim; a++)
            logdet += log(L[a * dim + a]);
        cum[0] = w[0];
        for (int j = 1; j < K; j++)
            cum[j] = cum[j - 1] + w[j];
        c = (gen_ctx){.pb = pb, .seed = opts->seed, .g = gen, .dim = dim, .K = K,
                      .keep_x = x, .keep_cum = cum, .keep_w = w, .L = L,
                      .log_norm = -0.5 * dim * log(2 * M_PI) - logdet};
        bad = run_generation(&c, x, logw, d, K, M, threads, errs, status, tries);
        if (bad >= 0) {
            rc = status[bad];
            if (err)
                *err = errs[bad];
            goto out;
        }
        long inside = 0, drawn = 0;
        for (int i = K; i < N; i++) {
            drawn += tries[i];
            inside += d[i] < INFINITY || logw[i] > -INFINITY;
        }
        if ((rc = hist_push(&hist, &c, M, inside, drawn, err)) != DES_OK)
            goto out;
        int accepted = 0;
        for (int i = K; i < N; i++)
            accepted += d[i] < eps;
        acc = (double)accepted / M;
        sims += M;
        gen++;
        for (int i = K; i < N; i++)
            upto[i] = -1; /* new particles: every proposal's density still to add */
        if ((rc = sort_slots(x, logw, d, lsum, upto, N, dim, err)) != DES_OK ||
            (rc = reweight(&hist, pb, x, logw, lsum, upto, K, threads, err)) != DES_OK)
            goto out;
    }

    res->n = K;
    res->dim = dim;
    res->theta = malloc((size_t)K * dim * sizeof *res->theta);
    res->weight = malloc((size_t)K * sizeof *res->weight);
    res->dist = malloc((size_t)K * sizeof *res->dist);
    if (!res->theta || !res->weight || !res->dist) {
        send_abc_result_free(res);
        rc = des_error_set(err, DES_ENOMEM, "cannot allocate the result");
        goto out;
    }
    memcpy(res->theta, x, (size_t)K * dim * sizeof *x);
    normalise(logw, K, res->weight);
    memcpy(res->dist, d, (size_t)K * sizeof *d);
    res->epsilon = d[K - 1];
    res->acc_rate = acc;
    res->generations = gen;
    res->simulations = sims;
    double s2 = 0;
    for (int i = 0; i < K; i++)
        s2 += res->weight[i] * res->weight[i];
    res->ess = 1 / s2;
    res->dist0_median = d0med;
out:
    free(x), free(logw), free(d), free(w), free(cum), free(mean), free(cov), free(errs);
    free(status), free(tries), free(lsum), free(upto), free(L);
    hist_free(&hist);
    return rc;
}
