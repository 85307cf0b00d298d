/* test_dist.c - distribution constructors, samplers, analytic moments, copy and free.
 *
 * Statistical checks use fixed seeds and bounds of 4.5 standard errors (two-sided p ~ 7e-6
 * per check for a correct sampler), so they are deterministic and fail for wrong moments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "des_dist.h"

#define NSAMPLE 200000
#define ZSCORE 4.5

static gsl_rng *rng_new(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed);
    return r;
}

static void assert_close(double got, double want, double rel)
{
    double tol = rel * fmax(1.0, fabs(want));
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %g)", got, want, tol);
}

/* Draw n samples of d (seed fixed) and compare sample mean and variance with the analytic
 * moments. The variance bound uses the fourth-moment standard error
 * se(s^2) = sqrt((m4 - s^4) / n), with m4 the sample fourth central moment. */
static void check_moments(const des_dist *d, unsigned long seed, size_t n)
{
    double mu = des_dist_mean(d), var = des_dist_var(d);
    assert_true(isfinite(mu));
    assert_true(isfinite(var) && var >= 0);
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    gsl_rng *r = rng_new(seed);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = des_dist_sample(d, r);
        assert_true(isfinite(x[i]));
        sum += x[i];
    }
    double m = sum / n, m2 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++) {
        double c = x[i] - m;
        m2 += c * c;
        m4 += c * c * c * c;
    }
    m2 /= n - 1;
    m4 /= n;
    double se_mean = sqrt(var / n);
    double se_var = sqrt(fmax(m4 - m2 * m2, 0) / n);
    if (!(fabs(m - mu) <= ZSCORE * se_mean))
        fail_msg("kind %d: sample mean %.6g, analytic %.6g, se %.3g", (int)d->kind, m, mu,
                 se_mean);
    if (!(fabs(m2 - var) <= ZSCORE * se_var))
        fail_msg("kind %d: sample variance %.6g, analytic %.6g, se %.3g", (int)d->kind, m2, var,
                 se_var);
    gsl_rng_free(r);
    free(x);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov statistic of sorted samples against a CDF. */
static double ks_stat(double *x, size_t n, double (*cdf)(double, const void *), const void *arg)
{
    qsort(x, n, sizeof *x, cmp_double);
    double dmax = 0;
    for (size_t i = 0; i < n; i++) {
        double f = cdf(x[i], arg);
        double lo = f - (double)i / n, hi = (double)(i + 1) / n - f;
        dmax = fmax(dmax, fmax(lo, hi));
    }
    return dmax;
}

/* Critical value of D_n at level 1e-4: sqrt(-ln(alpha / 2) / 2) / sqrt(n). */
static double ks_crit(size_t n)
{
    return sqrt(-0.5 * log(0.5e-4)) / sqrt((double)n);
}

static double exp_cdf(double x, const void *arg)
{
    double mean = *(const double *)arg;
    return x <= 0 ? 0 : -expm1(-x / mean);
}

static double tri_cdf(double x, const void *arg)
{
    const double *p = arg; /* min, mode, max */
    double a = p[0], b = p[1], c = p[2];
    if (x <= a)
        return 0;
    if (x >= c)
        return 1;
    if (x <= b)
        return (x - a) * (x - a) / ((c - a) * (b - a));
    return 1 - (c - x) * (c - x) / ((c - a) * (c - b));
}

struct table {
    const double *x, *cdf;
    size_t len;
};

static double table_cdf(double v, const void *arg)
{
    const struct table *t = arg;
    if (v <= t->x[0])
        return 0;
    for (size_t i = 1; i < t->len; i++)
        if (v <= t->x[i])
            return t->cdf[i - 1] +
                   (t->cdf[i] - t->cdf[i - 1]) * (v - t->x[i - 1]) / (t->x[i] - t->x[i - 1]);
    return 1;
}

static void check_ks(const des_dist *d, unsigned long seed, size_t n,
                     double (*cdf)(double, const void *), const void *arg)
{
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    gsl_rng *r = rng_new(seed);
    for (size_t i = 0; i < n; i++)
        x[i] = des_dist_sample(d, r);
    double dn = ks_stat(x, n, cdf, arg);
    if (!(dn < ks_crit(n)))
        fail_msg("kind %d: KS D = %.5f >= %.5f", (int)d->kind, dn, ks_crit(n));
    gsl_rng_free(r);
    free(x);
}

/* ---- analytic moments against hand-computed values ---- */

static void test_analytic_moments(void **state)
{
    (void)state;
    des_dist d;
    des_error err = { 0 };

    assert_int_equal(des_dist_constant(&d, 7, &err), DES_OK);
    assert_close(des_dist_mean(&d), 7, 0);
    assert_close(des_dist_var(&d), 0, 0);

    assert_int_equal(des_dist_exponential(&d, 2, &err), DES_OK);
    assert_close(des_dist_mean(&d), 2, 1e-15);
    assert_close(des_dist_var(&d), 4, 1e-15);

    assert_int_equal(des_dist_gamma(&d, 2, 3, &err), DES_OK);
    assert_close(des_dist_mean(&d), 6, 1e-15);
    assert_close(des_dist_var(&d), 18, 1e-15);

    /* shape = 10^2 / 5^2 = 4, scale = 5^2 / 10 = 2.5 */
    assert_int_equal(des_dist_gamma_mean_sd(&d, 10, 5, &err), DES_OK);
    assert_int_equal(d.kind, DES_DIST_GAMMA);
    assert_close(d.a, 4, 1e-15);
    assert_close(d.b, 2.5, 1e-15);
    assert_close(des_dist_mean(&d), 10, 1e-14);
    assert_close(des_dist_var(&d), 25, 1e-14);

    /* sigma^2 = ln(1.25) = 0.22314355131420976, mu = ln(10) - sigma^2 / 2 */
    assert_int_equal(des_dist_lognormal_mean_sd(&d, 10, 5, &err), DES_OK);
    assert_int_equal(d.kind, DES_DIST_LOGNORMAL);
    assert_close(d.a, 2.302585092994046 - 0.5 * 0.22314355131420976, 1e-14);
    assert_close(d.b, 0.47238072707743883, 1e-14);
    assert_close(des_dist_mean(&d), 10, 1e-13);
    assert_close(des_dist_var(&d), 25, 1e-13);

    /* Weibull with shape 1 is exponential; shape 2: mean sqrt(pi)/2, var 1 - pi/4. */
    assert_int_equal(des_dist_weibull(&d, 2, 1, &err), DES_OK);
    assert_close(des_dist_mean(&d), 2, 1e-14);
    assert_close(des_dist_var(&d), 4, 1e-14);
    assert_int_equal(des_dist_weibull(&d, 1, 2, &err), DES_OK);
    assert_close(des_dist_mean(&d), 0.88622692545275801, 1e-14);
    assert_close(des_dist_var(&d), 0.21460183660255172, 1e-13);
    /* Large shape: variance ~ 1.6e-6, computed without catastrophic cancellation. */
    assert_int_equal(des_dist_weibull(&d, 3, 1000, &err), DES_OK);
    long double g1 = tgammal(1 + 1.0L / 1000), g2 = tgammal(1 + 2.0L / 1000);
    double want = (double)(9 * (g2 - g1 * g1));
    assert_true(fabs(des_dist_var(&d) - want) < 1e-9 * want);

    /* triangular(0, 1, 4): mean 5/3, var (0 + 1 + 16 - 0 - 0 - 4) / 18 = 13/18 */
    assert_int_equal(des_dist_triangular(&d, 0, 1, 4, &err), DES_OK);
    assert_close(des_dist_mean(&d), 5.0 / 3, 1e-15);
    assert_close(des_dist_var(&d), 13.0 / 18, 1e-15);
    /* triangular(10, 12, 13): mean 35/3, var (100 + 144 + 169 - 120 - 130 - 156) / 18 */
    assert_int_equal(des_dist_triangular(&d, 10, 12, 13, &err), DES_OK);
    assert_close(des_dist_mean(&d), 35.0 / 3, 1e-15);
    assert_close(des_dist_var(&d), 7.0 / 18, 1e-13);

    assert_int_equal(des_dist_uniform(&d, 2, 5, &err), DES_OK);
    assert_close(des_dist_mean(&d), 3.5, 1e-15);
    assert_close(des_dist_var(&d), 0.75, 1e-15);

    assert_int_equal(des_dist_poisson(&d, 3.5, &err), DES_OK);
    assert_close(des_dist_mean(&d), 3.5, 0);
    assert_close(des_dist_var(&d), 3.5, 0);

    assert_int_equal(des_dist_binomial(&d, 0.3, 20, &err), DES_OK);
    assert_close(des_dist_mean(&d), 6, 1e-15);
    assert_close(des_dist_var(&d), 4.2, 1e-15);

    /* Empirical x = {0, 1, 3}, cdf = {0, .5, 1}: uniform halves on [0, 1] and [1, 3].
     * E[X] = .5 * .5 + .5 * 2 = 1.25; E[X^2] = .5 * 1/3 + .5 * 13/3 = 7/3;
     * var = 7/3 - 25/16 = 37/48. */
    const double ex[] = { 0, 1, 3 }, ec[] = { 0, 0.5, 1 };
    assert_int_equal(des_dist_empirical(&d, ex, ec, 3, &err), DES_OK);
    assert_close(des_dist_mean(&d), 1.25, 1e-15);
    assert_close(des_dist_var(&d), 37.0 / 48, 1e-15);
    des_dist_free(&d);

    /* Flat segment: x = {0, 1, 2, 3}, cdf = {0, .5, .5, 1}: mean .5 * .5 + .5 * 2.5 = 1.5,
     * E[X^2] = .5 * 1/3 + .5 * (4 + 6 + 9)/3 = 10/3, var = 10/3 - 9/4 = 13/12. */
    const double fx[] = { 0, 1, 2, 3 }, fc[] = { 0, 0.5, 0.5, 1 };
    assert_int_equal(des_dist_empirical(&d, fx, fc, 4, &err), DES_OK);
    assert_close(des_dist_mean(&d), 1.5, 1e-15);
    assert_close(des_dist_var(&d), 13.0 / 12, 1e-15);
    des_dist_free(&d);

    /* Discrete values {1, 2, 5}, weights {1, 1, 2} -> p = {.25, .25, .5}:
     * mean 3.25, E[X^2] = 13.75, var = 13.75 - 10.5625 = 3.1875. */
    const double dv[] = { 1, 2, 5 }, dp[] = { 1, 1, 2 };
    assert_int_equal(des_dist_discrete(&d, dv, dp, 3, &err), DES_OK);
    assert_close(des_dist_mean(&d), 3.25, 1e-15);
    assert_close(des_dist_var(&d), 3.1875, 1e-15);
    des_dist_free(&d);
}

/* ---- sample moments against analytic moments ---- */

static void test_moments_continuous(void **state)
{
    (void)state;
    des_dist d;
    assert_int_equal(des_dist_exponential(&d, 2.5, NULL), DES_OK);
    check_moments(&d, 101, NSAMPLE);
    assert_int_equal(des_dist_gamma(&d, 2, 3, NULL), DES_OK);
    check_moments(&d, 102, NSAMPLE);
    assert_int_equal(des_dist_gamma(&d, 0.5, 1, NULL), DES_OK); /* shape < 1 branch */
    check_moments(&d, 103, NSAMPLE);
    assert_int_equal(des_dist_gamma_mean_sd(&d, 10, 5, NULL), DES_OK);
    check_moments(&d, 104, NSAMPLE);
    assert_int_equal(des_dist_lognormal_mean_sd(&d, 10, 5, NULL), DES_OK);
    check_moments(&d, 105, NSAMPLE);
    assert_int_equal(des_dist_lognormal_mean_sd(&d, 30, 10, NULL), DES_OK);
    check_moments(&d, 106, NSAMPLE);
    assert_int_equal(des_dist_weibull(&d, 2, 1.5, NULL), DES_OK);
    check_moments(&d, 107, NSAMPLE);
    assert_int_equal(des_dist_weibull(&d, 1, 0.8, NULL), DES_OK);
    check_moments(&d, 108, NSAMPLE);
    assert_int_equal(des_dist_triangular(&d, 0, 1, 4, NULL), DES_OK);
    check_moments(&d, 109, NSAMPLE);
    assert_int_equal(des_dist_triangular(&d, 2, 2, 5, NULL), DES_OK); /* mode at min */
    check_moments(&d, 110, NSAMPLE);
    assert_int_equal(des_dist_triangular(&d, -3, 1, 1, NULL), DES_OK); /* mode at max */
    check_moments(&d, 111, NSAMPLE);
    assert_int_equal(des_dist_uniform(&d, 2, 5, NULL), DES_OK);
    check_moments(&d, 112, NSAMPLE);
}

static void test_moments_tables(void **state)
{
    (void)state;
    des_dist d;
    const double ex[] = { 0, 1, 3 }, ec[] = { 0, 0.5, 1 };
    assert_int_equal(des_dist_empirical(&d, ex, ec, 3, NULL), DES_OK);
    check_moments(&d, 201, NSAMPLE);
    des_dist_free(&d);

    /* Waiting-time-like table with a flat segment and uneven steps. */
    const double wx[] = { 0, 2, 5, 10, 20, 26, 52 };
    const double wc[] = { 0, 0.1, 0.35, 0.35, 0.8, 0.95, 1 };
    assert_int_equal(des_dist_empirical(&d, wx, wc, 7, NULL), DES_OK);
    check_moments(&d, 202, NSAMPLE);
    des_dist_free(&d);

    const double dv[] = { 1, 2, 5 }, dp[] = { 1, 1, 2 };
    assert_int_equal(des_dist_discrete(&d, dv, dp, 3, NULL), DES_OK);
    check_moments(&d, 203, NSAMPLE);
    des_dist_free(&d);

    const double kv[] = { -4, 0, 0.5, 7, 100 }, kp[] = { 0.05, 0.3, 0, 0.6, 0.05 };
    assert_int_equal(des_dist_discrete(&d, kv, kp, 5, NULL), DES_OK);
    check_moments(&d, 204, NSAMPLE);
    des_dist_free(&d);
}

static void test_moments_counts(void **state)
{
    (void)state;
    des_dist d;
    assert_int_equal(des_dist_poisson(&d, 3.5, NULL), DES_OK);
    check_moments(&d, 301, NSAMPLE);
    assert_int_equal(des_dist_poisson(&d, 250, NULL), DES_OK); /* large-mean branch */
    check_moments(&d, 302, NSAMPLE);
    assert_int_equal(des_dist_binomial(&d, 0.3, 20, NULL), DES_OK);
    check_moments(&d, 303, NSAMPLE);
    assert_int_equal(des_dist_binomial(&d, 0.5, 1000, NULL), DES_OK);
    check_moments(&d, 304, NSAMPLE);

    /* Counts are whole numbers within their support. */
    gsl_rng *r = rng_new(305);
    assert_int_equal(des_dist_binomial(&d, 0.3, 20, NULL), DES_OK);
    for (int i = 0; i < 10000; i++) {
        double v = des_dist_sample(&d, r);
        assert_true(v == floor(v) && v >= 0 && v <= 20);
    }
    assert_int_equal(des_dist_poisson(&d, 3.5, NULL), DES_OK);
    for (int i = 0; i < 10000; i++) {
        double v = des_dist_sample(&d, r);
        assert_true(v == floor(v) && v >= 0);
    }
    gsl_rng_free(r);
}

static void test_degenerate_cases(void **state)
{
    (void)state;
    des_dist d;
    gsl_rng *r = rng_new(401);
    assert_int_equal(des_dist_constant(&d, -7.25, NULL), DES_OK);
    for (int i = 0; i < 1000; i++)
        assert_true(des_dist_sample(&d, r) == -7.25);
    assert_int_equal(des_dist_poisson(&d, 0, NULL), DES_OK);
    assert_true(des_dist_mean(&d) == 0 && des_dist_var(&d) == 0);
    for (int i = 0; i < 1000; i++)
        assert_true(des_dist_sample(&d, r) == 0);
    assert_int_equal(des_dist_binomial(&d, 1, 12, NULL), DES_OK);
    assert_true(des_dist_var(&d) == 0);
    for (int i = 0; i < 1000; i++)
        assert_true(des_dist_sample(&d, r) == 12);
    assert_int_equal(des_dist_binomial(&d, 0.4, 0, NULL), DES_OK);
    for (int i = 0; i < 1000; i++)
        assert_true(des_dist_sample(&d, r) == 0);

    const double one[] = { 42 }, w[] = { 3 };
    assert_int_equal(des_dist_discrete(&d, one, w, 1, NULL), DES_OK);
    assert_true(des_dist_mean(&d) == 42 && des_dist_var(&d) == 0);
    for (int i = 0; i < 1000; i++)
        assert_true(des_dist_sample(&d, r) == 42);
    des_dist_free(&d);

    /* A zero-probability value is never drawn; huge weights are normalised without overflow. */
    const double v3[] = { 1, 2, 3 }, p3[] = { 1e308, 0, 1e308 };
    assert_int_equal(des_dist_discrete(&d, v3, p3, 3, NULL), DES_OK);
    assert_close(des_dist_mean(&d), 2, 1e-15);
    assert_close(des_dist_var(&d), 1, 1e-15);
    for (int i = 0; i < 10000; i++)
        assert_true(des_dist_sample(&d, r) != 2);
    des_dist_free(&d);

    /* Flat CDF segment (1, 2) is never sampled; all samples stay in [x0, xlast]. */
    const double fx[] = { 0, 1, 2, 3 }, fc[] = { 0, 0.5, 0.5, 1 };
    assert_int_equal(des_dist_empirical(&d, fx, fc, 4, NULL), DES_OK);
    for (int i = 0; i < 100000; i++) {
        double v = des_dist_sample(&d, r);
        assert_true(v >= 0 && v <= 3);
        assert_false(v > 1 && v < 2);
    }
    des_dist_free(&d);

    /* Triangular and uniform samples stay within [min, max]. */
    assert_int_equal(des_dist_triangular(&d, 1, 1.5, 9, NULL), DES_OK);
    for (int i = 0; i < 100000; i++) {
        double v = des_dist_sample(&d, r);
        assert_true(v >= 1 && v <= 9);
    }

    /* An unknown kind gives NaN rather than a plausible number. */
    des_dist bad = { .kind = (des_dist_kind)99 };
    assert_true(isnan(des_dist_sample(&bad, r)));
    assert_true(isnan(des_dist_mean(&bad)));
    assert_true(isnan(des_dist_var(&bad)));
    gsl_rng_free(r);
}

/* ---- distribution shape ---- */

static void test_ks_triangular_empirical(void **state)
{
    (void)state;
    des_dist d;
    const double tp[] = { 0, 1, 4 };
    assert_int_equal(des_dist_triangular(&d, tp[0], tp[1], tp[2], NULL), DES_OK);
    check_ks(&d, 501, NSAMPLE, tri_cdf, tp);
    const double tq[] = { 2, 2, 5 };
    assert_int_equal(des_dist_triangular(&d, tq[0], tq[1], tq[2], NULL), DES_OK);
    check_ks(&d, 502, NSAMPLE, tri_cdf, tq);

    const double wx[] = { 0, 2, 5, 10, 20, 26, 52 };
    const double wc[] = { 0, 0.1, 0.35, 0.35, 0.8, 0.95, 1 };
    struct table t = { wx, wc, 7 };
    assert_int_equal(des_dist_empirical(&d, wx, wc, 7, NULL), DES_OK);
    check_ks(&d, 503, NSAMPLE, table_cdf, &t);
    des_dist_free(&d);

    /* Power: the test rejects a triangular sample against a wrong mode. */
    const double wrong[] = { 0, 1.2, 4 };
    assert_int_equal(des_dist_triangular(&d, tp[0], tp[1], tp[2], NULL), DES_OK);
    double *x = malloc(NSAMPLE * sizeof *x);
    assert_non_null(x);
    gsl_rng *r = rng_new(504);
    for (size_t i = 0; i < NSAMPLE; i++)
        x[i] = des_dist_sample(&d, r);
    assert_true(ks_stat(x, NSAMPLE, tri_cdf, wrong) > ks_crit(NSAMPLE));
    gsl_rng_free(r);
    free(x);
}

static void test_discrete_chi_square(void **state)
{
    (void)state;
    const double v[] = { 10, 20, 30, 40 }, p[] = { 0.1, 0.2, 0.3, 0.4 };
    des_dist d;
    assert_int_equal(des_dist_discrete(&d, v, p, 4, NULL), DES_OK);
    gsl_rng *r = rng_new(601);
    const size_t n = NSAMPLE;
    double count[4] = { 0 };
    for (size_t i = 0; i < n; i++) {
        double s = des_dist_sample(&d, r);
        int k = (int)(s / 10) - 1;
        assert_true(k >= 0 && k < 4 && s == v[k]);
        count[k]++;
    }
    double chi2 = 0;
    for (int k = 0; k < 4; k++)
        chi2 += (count[k] - n * p[k]) * (count[k] - n * p[k]) / (n * p[k]);
    assert_true(gsl_cdf_chisq_Q(chi2, 3) > 1e-5);
    gsl_rng_free(r);
    des_dist_free(&d);
}

/* ---- the hot-path exponential ---- */

static void test_exponential_ks_and_chi_square(void **state)
{
    (void)state;
    const size_t n = 2000000;
    const size_t nbins = 512;
    double *x = malloc(n * sizeof *x);
    double *count = calloc(nbins, sizeof *count);
    assert_non_null(x);
    assert_non_null(count);
    gsl_rng *r = rng_new(701);
    const double r_zig = 7.69711747013104972; /* ziggurat tail start */
    size_t beyond_r = 0, beyond_12 = 0;
    double sum = 0, sum2 = 0;
    for (size_t i = 0; i < n; i++) {
        double v = des_exponential(r, 1.0);
        assert_true(v > 0 && isfinite(v));
        x[i] = v;
        sum += v;
        sum2 += v * v;
        size_t b = (size_t)(-expm1(-v) * nbins); /* equiprobable bins of F */
        count[b < nbins ? b : nbins - 1]++;
        beyond_r += v > r_zig;
        beyond_12 += v > 12;
    }
    /* Moments: var(X) = 1, var(X^2) = E[X^4] - E[X^2]^2 = 24 - 4 = 20. */
    double m = sum / n, m2 = sum2 / n;
    assert_true(fabs(m - 1) < ZSCORE * sqrt(1.0 / n));
    assert_true(fabs(m2 - 2) < ZSCORE * sqrt(20.0 / n));

    /* Chi-square over 512 equiprobable bins (511 degrees of freedom). */
    double e = (double)n / nbins, chi2 = 0;
    for (size_t b = 0; b < nbins; b++)
        chi2 += (count[b] - e) * (count[b] - e) / e;
    assert_true(gsl_cdf_chisq_Q(chi2, (double)(nbins - 1)) > 1e-5);

    /* Tail counts: Poisson with means n exp(-r) ~ 908 and n exp(-12) ~ 12.3. */
    double lam_r = n * exp(-r_zig), lam_12 = n * exp(-12.0);
    assert_true(fabs(beyond_r - lam_r) < ZSCORE * sqrt(lam_r));
    assert_true(beyond_12 >= 1 && fabs(beyond_12 - lam_12) < ZSCORE * sqrt(lam_12) + 1);

    double one = 1.0;
    double dn = ks_stat(x, n, exp_cdf, &one);
    assert_true(dn < ks_crit(n));
    gsl_rng_free(r);
    free(count);
    free(x);
}

static void test_exponential_mean_scaling_and_determinism(void **state)
{
    (void)state;
    gsl_rng *a = rng_new(801), *b = rng_new(801);
    for (int i = 0; i < 100000; i++) {
        double u = des_exponential(a, 1.0), v = des_exponential(b, 3.25);
        assert_true(v == 3.25 * u);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);

    /* des_dist_sample on an exponential consumes the stream exactly like des_exponential. */
    des_dist d;
    assert_int_equal(des_dist_exponential(&d, 4, NULL), DES_OK);
    a = rng_new(802);
    b = rng_new(802);
    for (int i = 0; i < 10000; i++)
        assert_true(des_dist_sample(&d, a) == des_exponential(b, 4));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* Conditional on exceeding the ziggurat's tail start r, X - r must again be Exp(1): a
 * targeted check of the tail branch, which only ~1 draw in 2200 reaches. */
static void test_exponential_tail_shape(void **state)
{
    (void)state;
    const double r_zig = 7.69711747013104972;
    const size_t want = 4000;
    double *t = malloc(want * sizeof *t);
    assert_non_null(t);
    gsl_rng *r = rng_new(751);
    size_t k = 0;
    for (size_t i = 0; i < 40000000 && k < want; i++) {
        double v = des_exponential(r, 1.0);
        if (v > r_zig)
            t[k++] = v - r_zig;
    }
    assert_int_equal(k, want);
    double one = 1.0;
    assert_true(ks_stat(t, want, exp_cdf, &one) < ks_crit(want));
    gsl_rng_free(r);
    free(t);
}

/* ---- a scripted generator: returns given 32-bit words, then a fixed word ---- */

typedef struct script {
    const uint32_t *word;
    size_t len, pos;
    uint32_t after;
} script;

static unsigned long script_get(void *vs)
{
    script *s = vs;
    uint32_t v = s->pos < s->len ? s->word[s->pos] : s->after;
    s->pos++;
    return v;
}

static double script_get_double(void *vs)
{
    return script_get(vs) / 4294967296.0;
}

static void script_set(void *vs, unsigned long seed)
{
    (void)seed;
    memset(vs, 0, sizeof(script));
}

static const gsl_rng_type script_type = { "script", 0xffffffffUL, 0, sizeof(script),
                                          script_set, script_get, script_get_double };

/* Run f(r, arg) on a generator that yields words[0..len-1] and then `after`; returns the
 * result and stores the number of words consumed. */
static double run_script(gsl_rng *r, const uint32_t *words, size_t len, uint32_t after,
                         double mean, size_t *used)
{
    script *s = r->state;
    s->word = words;
    s->len = len;
    s->pos = 0;
    s->after = after;
    double v = des_exponential(r, mean);
    *used = s->pos;
    return v;
}

/* Reference ziggurat layers, recomputed here in long double: x[1] = r, each layer of area
 * v = (r + 1) exp(-r), r chosen so that the top layer closes at x = 0. Tolerances below allow
 * for long double being computed as double (as under valgrind): relative error <= 4e-14. */
static long double zx[257];

static long double zig_build(long double r)
{
    long double v = (r + 1) * expl(-r);
    zx[0] = v / expl(-r);
    zx[1] = r;
    for (int i = 1; i < 255; i++) {
        long double y = expl(-zx[i]) + v / zx[i];
        if (y >= 1)
            return -1;
        zx[i + 1] = -logl(y);
    }
    zx[256] = 0;
    return zx[255] * (1 - expl(-zx[255])) - v;
}

static void zig_reference(void)
{
    long double lo = 7, hi = 8.5;
    for (int it = 0; it < 200; it++) {
        long double mid = (lo + hi) / 2;
        if (zig_build(mid) > 0)
            hi = mid;
        else
            lo = mid;
    }
    zig_build((lo + hi) / 2);
}

/* White-box check of the ziggurat against the reference layers. One 32-bit word selects
 * layer i (low 8 bits) and position j (high 24 bits), X = (j + 1/2) x[i] / 2^24. For every
 * layer: a position safely under the next layer is accepted from that word alone with exactly
 * that X; a position beyond it is never accepted outright; the wedge test accepts and rejects
 * on the right side of exp(-X); the base layer's tail returns r - log(U). */
static void test_exponential_ziggurat_structure(void **state)
{
    (void)state;
    zig_reference();
    assert_true(fabsl(zx[1] - 7.69711747013104972L) < 1e-13L);
    gsl_rng *r = gsl_rng_alloc(&script_type);
    assert_non_null(r);
    const long double two24 = 16777216.0L, two32 = 4294967296.0L;
    const uint32_t after = (0u << 8) | 1u; /* layer 1, j = 0: always a fast accept */
    const double after_x = (double)(0.5L * zx[1] / two24);
    size_t used;

    for (uint32_t i = 0; i < 256; i++) {
        long double ratio = zx[i + 1] / zx[i] * two24; /* positions under the next layer */
        /* The last position certainly under the next layer (if any) is a fast accept. */
        if (ratio >= 2) {
            uint32_t j = (uint32_t)floorl(ratio - 0.5L) - 1;
            uint32_t w = (j << 8) | i;
            double v = run_script(r, &w, 1, after, 2.0, &used);
            assert_int_equal(used, 1);
            long double want = 2 * (j + 0.5L) * zx[i] / two24;
            assert_true(fabsl(v - want) <= 1e-12L * want);
            /* ... and so is a position near the start of the layer. */
            w = (7u << 8) | i;
            v = run_script(r, &w, 1, after, 1.0, &used);
            assert_int_equal(used, 1);
            assert_true(fabsl(v - 7.5L * zx[i] / two24) <= 1e-12L * zx[i] / two24 * 7.5L);
        }
        if (i == 0)
            continue;
        /* The first position beyond x[i+1] ((j + 1/2) > ratio) must go to the wedge test
         * (a second word). */
        uint32_t jb = (uint32_t)floorl(ratio + 0.5L);
        if (jb < (1u << 24)) {
            uint32_t w[2] = { (jb << 8) | i, 0 }; /* U = 0: lowest point of the wedge */
            double v = run_script(r, w, 2, after, 1.0, &used);
            assert_true(used >= 2);
            long double xb = (jb + 0.5L) * zx[i] / two24;
            assert_true(fabsl(v - xb) <= 1e-12L * xb); /* y = exp(-x[i]) < exp(-X): accept */
        }
        /* Wedge test in the middle of the wedge: accept just below the curve, reject above. */
        uint32_t jm = (uint32_t)((ratio + two24) / 2);
        long double xm = (jm + 0.5L) * zx[i] / two24;
        long double fi = expl(-zx[i]), fn = expl(-zx[i + 1]);
        long double ustar = (expl(-xm) - fi) / (fn - fi); /* acceptance threshold on U */
        assert_true(ustar > 1e-6L && ustar < 1 - 1e-6L);
        uint32_t below[2] = { (jm << 8) | i, (uint32_t)floorl((ustar - 1e-8L) * two32) };
        uint32_t above[2] = { (jm << 8) | i, (uint32_t)ceill((ustar + 1e-8L) * two32) };
        double v = run_script(r, below, 2, after, 1.0, &used);
        assert_int_equal(used, 2);
        assert_true(fabsl(v - xm) <= 1e-12L * xm);
        v = run_script(r, above, 2, after, 1.0, &used);
        assert_int_equal(used, 3); /* rejected: a fresh word, which is a fast accept */
        assert_true(fabs(v - after_x) <= 1e-12 * after_x);
    }

    /* Base layer beyond r: the tail r - log(U), U = 1/2 gives r + ln 2. */
    uint32_t tail[2] = { (0xffffffu << 8) | 0u, 0x80000000u };
    double v = run_script(r, tail, 2, after, 1.0, &used);
    assert_int_equal(used, 2);
    assert_true(fabsl(v - (zx[1] + logl(2))) < 1e-13L);
    v = run_script(r, tail, 2, after, 3.0, &used);
    assert_true(fabsl(v - 3 * (zx[1] + logl(2))) < 1e-12L);
    gsl_rng_free(r);
}

/* Boundary uniforms for the inverse-CDF samplers (u = 0 exactly, and u on a flat CDF step). */
static void test_inverse_cdf_boundaries(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(&script_type);
    assert_non_null(r);
    script *s = r->state;
    des_dist d;

    /* Leading flat step: cdf = {0, 0, 1} puts no mass on [0, 1]; u = 0 must map to 1. */
    const double x1[] = { 0, 1, 2 }, c1[] = { 0, 0, 1 };
    assert_int_equal(des_dist_empirical(&d, x1, c1, 3, NULL), DES_OK);
    uint32_t zero = 0;
    *s = (script){ .word = &zero, .len = 1 };
    assert_true(des_dist_sample(&d, r) == 1);
    des_dist_free(&d);

    /* u = 1/2 exactly on the step of cdf = {0, .5, .5, 1}: lands at x = 2, the start of the
     * next segment with mass, not inside the flat one. */
    const double x2[] = { 0, 1, 2, 3 }, c2[] = { 0, 0.5, 0.5, 1 };
    assert_int_equal(des_dist_empirical(&d, x2, c2, 4, NULL), DES_OK);
    uint32_t half = 0x80000000u, top = 0xffffffffu;
    *s = (script){ .word = &half, .len = 1 };
    assert_true(des_dist_sample(&d, r) == 2);
    *s = (script){ .word = &top, .len = 1 };
    double v = des_dist_sample(&d, r);
    assert_true(v < 3 && v > 3 - 1e-8);
    des_dist_free(&d);

    /* Triangular: u = 0 gives min, u = F(mode) gives mode, u -> 1 approaches max. */
    assert_int_equal(des_dist_triangular(&d, 1, 2, 5, NULL), DES_OK); /* F(mode) = 1/4 */
    *s = (script){ .word = &zero, .len = 1 };
    assert_true(des_dist_sample(&d, r) == 1);
    uint32_t quarter = 0x40000000u;
    *s = (script){ .word = &quarter, .len = 1 };
    assert_close(des_dist_sample(&d, r), 2, 1e-15);
    *s = (script){ .word = &top, .len = 1 };
    v = des_dist_sample(&d, r);
    assert_true(v < 5 && v > 5 - 1e-3);
    gsl_rng_free(r);
}

/* Generators without a full 32-bit range take the inversion path. */
static void test_exponential_other_generator(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_ranlxs0); /* 24-bit outputs */
    assert_non_null(r);
    assert_true(gsl_rng_max(r) != 0xffffffffUL);
    gsl_rng_set(r, 901);
    const size_t n = NSAMPLE;
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = des_exponential(r, 2.0);
        assert_true(x[i] > 0);
        sum += x[i];
    }
    assert_true(fabs(sum / n - 2) < ZSCORE * 2 / sqrt((double)n));
    double two = 2.0;
    assert_true(ks_stat(x, n, exp_cdf, &two) < ks_crit(n));
    free(x);
    gsl_rng_free(r);
}

/* ---- invalid parameters ---- */

/* A constructor call that must fail with DES_EINVAL, a git-style message naming `what`, and
 * leave *d zeroed (safe to free). */
#define EXPECT_BAD(call, what)                                                                 \
    do {                                                                                       \
        des_dist d;                                                                            \
        assert_int_equal(des_dist_constant(&d, 123, NULL), DES_OK);                            \
        des_error err = { 0 };                                                                 \
        int rc_ = (call);                                                                      \
        check_bad(rc_, &err, &d, what, #call);                                                 \
        des_dist_free(&d);                                                                     \
    } while (0)

static void check_bad(int rc, const des_error *err, const des_dist *d, const char *what,
                      const char *call)
{
    if (rc != DES_EINVAL)
        fail_msg("%s returned %d, want DES_EINVAL", call, rc);
    assert_int_equal(err->code, DES_EINVAL);
    size_t len = strlen(err->msg);
    if (len == 0)
        fail_msg("%s: empty message", call);
    if (!strstr(err->msg, what))
        fail_msg("%s: message \"%s\" does not mention %s", call, err->msg, what);
    if (!islower((unsigned char)err->msg[0]) || err->msg[len - 1] == '.')
        fail_msg("%s: message \"%s\" is not in git style", call, err->msg);
    assert_int_equal(d->kind, DES_DIST_CONSTANT);
    assert_true(d->a == 0 && d->b == 0 && d->c == 0 && d->n == 0 && d->len == 0);
    assert_null(d->x);
    assert_null(d->cdf);
    assert_null(d->table);
}

static void test_invalid_scalar_params(void **state)
{
    (void)state;
    const double qnan = NAN, inf = INFINITY;

    EXPECT_BAD(des_dist_constant(&d, qnan, &err), "'value'");
    EXPECT_BAD(des_dist_constant(&d, -inf, &err), "'value'");

    EXPECT_BAD(des_dist_exponential(&d, 0, &err), "'mean'");
    EXPECT_BAD(des_dist_exponential(&d, -1, &err), "'mean'");
    EXPECT_BAD(des_dist_exponential(&d, qnan, &err), "'mean'");
    EXPECT_BAD(des_dist_exponential(&d, inf, &err), "'mean'");

    EXPECT_BAD(des_dist_gamma(&d, 0, 1, &err), "'shape'");
    EXPECT_BAD(des_dist_gamma(&d, -2, 1, &err), "'shape'");
    EXPECT_BAD(des_dist_gamma(&d, qnan, 1, &err), "'shape'");
    EXPECT_BAD(des_dist_gamma(&d, inf, 1, &err), "'shape'");
    EXPECT_BAD(des_dist_gamma(&d, 1, 0, &err), "'scale'");
    EXPECT_BAD(des_dist_gamma(&d, 1, -2, &err), "'scale'");
    EXPECT_BAD(des_dist_gamma(&d, 1, qnan, &err), "'scale'");
    EXPECT_BAD(des_dist_gamma(&d, 1, inf, &err), "'scale'");

    EXPECT_BAD(des_dist_gamma_mean_sd(&d, 0, 1, &err), "'mean'");
    EXPECT_BAD(des_dist_gamma_mean_sd(&d, -1, 1, &err), "'mean'");
    EXPECT_BAD(des_dist_gamma_mean_sd(&d, qnan, 1, &err), "'mean'");
    EXPECT_BAD(des_dist_gamma_mean_sd(&d, inf, 1, &err), "'mean'");
    EXPECT_BAD(des_dist_gamma_mean_sd(&d, 1, 0, &err), "'sd'");
    EXPECT_BAD(des_dist_gamma_mean_sd(&d, 1, -1, &err), "'sd'");
    EXPECT_BAD(des_dist_gamma_mean_sd(&d, 1, qnan, &err), "'sd'");
    EXPECT_BAD(des_dist_gamma_mean_sd(&d, 1, inf, &err), "'sd'");
    EXPECT_BAD(des_dist_gamma_mean_sd(&d, 1e300, 1e-300, &err), "'sd'"); /* shape overflows */

    EXPECT_BAD(des_dist_lognormal_mean_sd(&d, 0, 1, &err), "'mean'");
    EXPECT_BAD(des_dist_lognormal_mean_sd(&d, -1, 1, &err), "'mean'");
    EXPECT_BAD(des_dist_lognormal_mean_sd(&d, qnan, 1, &err), "'mean'");
    EXPECT_BAD(des_dist_lognormal_mean_sd(&d, inf, 1, &err), "'mean'");
    EXPECT_BAD(des_dist_lognormal_mean_sd(&d, 1, 0, &err), "'sd'");
    EXPECT_BAD(des_dist_lognormal_mean_sd(&d, 1, qnan, &err), "'sd'");
    EXPECT_BAD(des_dist_lognormal_mean_sd(&d, 1, inf, &err), "'sd'");
    EXPECT_BAD(des_dist_lognormal_mean_sd(&d, 1e-300, 1e300, &err), "'sd'"); /* cv^2 = inf */
    EXPECT_BAD(des_dist_lognormal_mean_sd(&d, 1e300, 1e-300, &err), "'sd'"); /* sigma = 0 */
    {
        des_dist d;
        des_error err = { 0 };
        assert_int_equal(des_dist_lognormal_mean_sd(&d, 1, -1, &err), DES_EINVAL);
        assert_string_equal(err.msg, "lognormal 'sd' must be positive, got -1");
    }

    EXPECT_BAD(des_dist_weibull(&d, 0, 1, &err), "'scale'");
    EXPECT_BAD(des_dist_weibull(&d, -1, 1, &err), "'scale'");
    EXPECT_BAD(des_dist_weibull(&d, qnan, 1, &err), "'scale'");
    EXPECT_BAD(des_dist_weibull(&d, inf, 1, &err), "'scale'");
    EXPECT_BAD(des_dist_weibull(&d, 1, 0, &err), "'shape'");
    EXPECT_BAD(des_dist_weibull(&d, 1, -1, &err), "'shape'");
    EXPECT_BAD(des_dist_weibull(&d, 1, qnan, &err), "'shape'");
    EXPECT_BAD(des_dist_weibull(&d, 1, inf, &err), "'shape'");

    EXPECT_BAD(des_dist_triangular(&d, 1, 1, 1, &err), "'min'");   /* min == max */
    EXPECT_BAD(des_dist_triangular(&d, 2, 1.5, 1, &err), "'min'"); /* min > max */
    EXPECT_BAD(des_dist_triangular(&d, 0, -1, 1, &err), "'mode'"); /* mode < min */
    EXPECT_BAD(des_dist_triangular(&d, 0, 2, 1, &err), "'mode'");  /* mode > max */
    EXPECT_BAD(des_dist_triangular(&d, qnan, 0.5, 1, &err), "'min'");
    EXPECT_BAD(des_dist_triangular(&d, 0, qnan, 1, &err), "'mode'");
    EXPECT_BAD(des_dist_triangular(&d, 0, 0.5, qnan, &err), "'max'");
    EXPECT_BAD(des_dist_triangular(&d, -inf, 0.5, 1, &err), "'min'");
    EXPECT_BAD(des_dist_triangular(&d, 0, 0.5, inf, &err), "'max'");
    EXPECT_BAD(des_dist_triangular(&d, -1e308, 0, 1e308, &err), "range");

    EXPECT_BAD(des_dist_uniform(&d, 1, 1, &err), "'min'");
    EXPECT_BAD(des_dist_uniform(&d, 2, 1, &err), "'min'");
    EXPECT_BAD(des_dist_uniform(&d, qnan, 1, &err), "'min'");
    EXPECT_BAD(des_dist_uniform(&d, 0, qnan, &err), "'max'");
    EXPECT_BAD(des_dist_uniform(&d, -inf, 1, &err), "'min'");
    EXPECT_BAD(des_dist_uniform(&d, 0, inf, &err), "'max'");
    EXPECT_BAD(des_dist_uniform(&d, -1e308, 1e308, &err), "range");

    EXPECT_BAD(des_dist_poisson(&d, -1, &err), "'mean'");
    EXPECT_BAD(des_dist_poisson(&d, qnan, &err), "'mean'");
    EXPECT_BAD(des_dist_poisson(&d, inf, &err), "'mean'");
    EXPECT_BAD(des_dist_poisson(&d, 1e12, &err), "'mean'"); /* would overflow unsigned int */

    EXPECT_BAD(des_dist_binomial(&d, -0.1, 10, &err), "'p'");
    EXPECT_BAD(des_dist_binomial(&d, 1.1, 10, &err), "'p'");
    EXPECT_BAD(des_dist_binomial(&d, qnan, 10, &err), "'p'");
    EXPECT_BAD(des_dist_binomial(&d, inf, 10, &err), "'p'");
}

static void test_invalid_tables(void **state)
{
    (void)state;
    const double qnan = NAN, inf = INFINITY;
    const double x3[] = { 0, 1, 2 }, c3[] = { 0, 0.5, 1 };

    EXPECT_BAD(des_dist_empirical(&d, NULL, c3, 3, &err), "'x'");
    EXPECT_BAD(des_dist_empirical(&d, x3, NULL, 3, &err), "'cdf'");
    EXPECT_BAD(des_dist_empirical(&d, x3, c3, 0, &err), "at least 2");
    EXPECT_BAD(des_dist_empirical(&d, x3, c3, 1, &err), "at least 2");
    EXPECT_BAD(des_dist_empirical(&d, x3, c3, SIZE_MAX, &err), "too large");
    {
        const double x[] = { 0, 1, 1 };
        EXPECT_BAD(des_dist_empirical(&d, x, c3, 3, &err), "'x'"); /* not strictly increasing */
    }
    {
        const double x[] = { 0, 2, 1 };
        EXPECT_BAD(des_dist_empirical(&d, x, c3, 3, &err), "'x'"); /* decreasing */
    }
    {
        const double x[] = { 0, qnan, 2 };
        EXPECT_BAD(des_dist_empirical(&d, x, c3, 3, &err), "'x[1]'");
    }
    {
        const double x[] = { -inf, 1, 2 };
        EXPECT_BAD(des_dist_empirical(&d, x, c3, 3, &err), "'x[0]'");
    }
    {
        const double x[] = { -1e308, 0, 1e308 };
        EXPECT_BAD(des_dist_empirical(&d, x, c3, 3, &err), "range");
    }
    {
        const double c[] = { 0.1, 0.5, 1 };
        EXPECT_BAD(des_dist_empirical(&d, x3, c, 3, &err), "'cdf[0]'");
    }
    {
        const double c[] = { 0, 0.5, 0.99 };
        EXPECT_BAD(des_dist_empirical(&d, x3, c, 3, &err), "'cdf[2]'");
    }
    {
        const double c[] = { 0, 0.7, 0.6, 1 }, x[] = { 0, 1, 2, 3 };
        EXPECT_BAD(des_dist_empirical(&d, x, c, 4, &err), "'cdf'"); /* decreasing */
    }
    {
        const double c[] = { 0, 1.5, 1 };
        EXPECT_BAD(des_dist_empirical(&d, x3, c, 3, &err), "'cdf[1]'"); /* above 1 */
    }
    {
        const double c[] = { -0.5, 0.5, 1 };
        EXPECT_BAD(des_dist_empirical(&d, x3, c, 3, &err), "'cdf[0]'"); /* below 0 */
    }
    {
        const double c[] = { 0, qnan, 1 };
        EXPECT_BAD(des_dist_empirical(&d, x3, c, 3, &err), "'cdf[1]'");
    }

    const double v2[] = { 1, 2 }, p2[] = { 0.5, 0.5 };
    EXPECT_BAD(des_dist_discrete(&d, NULL, p2, 2, &err), "'values'");
    EXPECT_BAD(des_dist_discrete(&d, v2, NULL, 2, &err), "'p'");
    EXPECT_BAD(des_dist_discrete(&d, v2, p2, 0, &err), "at least 1");
    EXPECT_BAD(des_dist_discrete(&d, v2, p2, SIZE_MAX, &err), "too large");
    {
        const double p[] = { 0.5, -0.1 };
        EXPECT_BAD(des_dist_discrete(&d, v2, p, 2, &err), "'p[1]'");
    }
    {
        const double p[] = { qnan, 1 };
        EXPECT_BAD(des_dist_discrete(&d, v2, p, 2, &err), "'p[0]'");
    }
    {
        const double p[] = { 1, inf };
        EXPECT_BAD(des_dist_discrete(&d, v2, p, 2, &err), "'p[1]'");
    }
    {
        const double p[] = { 0, 0 };
        EXPECT_BAD(des_dist_discrete(&d, v2, p, 2, &err), "'p'"); /* zero sum */
    }
    {
        const double v[] = { 1, qnan };
        EXPECT_BAD(des_dist_discrete(&d, v, p2, 2, &err), "'values[1]'");
    }
    {
        const double v[] = { inf, 1 };
        EXPECT_BAD(des_dist_discrete(&d, v, p2, 2, &err), "'values[0]'");
    }
}

static void test_invalid_null_and_no_err(void **state)
{
    (void)state;
    des_error err = { 0 };
    const double x[] = { 0, 1 }, c[] = { 0, 1 };
    assert_int_equal(des_dist_constant(NULL, 1, &err), DES_EINVAL);
    assert_true(strlen(err.msg) > 0);
    assert_int_equal(des_dist_exponential(NULL, 1, &err), DES_EINVAL);
    assert_int_equal(des_dist_gamma(NULL, 1, 1, &err), DES_EINVAL);
    assert_int_equal(des_dist_gamma_mean_sd(NULL, 1, 1, &err), DES_EINVAL);
    assert_int_equal(des_dist_lognormal_mean_sd(NULL, 1, 1, &err), DES_EINVAL);
    assert_int_equal(des_dist_weibull(NULL, 1, 1, &err), DES_EINVAL);
    assert_int_equal(des_dist_triangular(NULL, 0, 0, 1, &err), DES_EINVAL);
    assert_int_equal(des_dist_uniform(NULL, 0, 1, &err), DES_EINVAL);
    assert_int_equal(des_dist_empirical(NULL, x, c, 2, &err), DES_EINVAL);
    assert_int_equal(des_dist_discrete(NULL, x, c, 2, &err), DES_EINVAL);
    assert_int_equal(des_dist_poisson(NULL, 1, &err), DES_EINVAL);
    assert_int_equal(des_dist_binomial(NULL, 0.5, 1, &err), DES_EINVAL);
    /* A NULL error record is allowed on failure and on success. */
    des_dist d;
    assert_int_equal(des_dist_exponential(&d, -1, NULL), DES_EINVAL);
    assert_int_equal(des_dist_empirical(&d, x, c, 1, NULL), DES_EINVAL);
    assert_int_equal(des_dist_exponential(&d, 1, NULL), DES_OK);
}

/* ---- copy and free ---- */

static void test_free_zeroed_and_twice(void **state)
{
    (void)state;
    des_dist z = { 0 };
    des_dist_free(&z);
    des_dist_free(&z);
    des_dist_free(NULL);

    const double x[] = { 0, 1, 3 }, c[] = { 0, 0.5, 1 };
    des_dist d;
    assert_int_equal(des_dist_empirical(&d, x, c, 3, NULL), DES_OK);
    des_dist_free(&d);
    assert_null(d.x);
    assert_null(d.cdf);
    assert_int_equal(d.len, 0);
    des_dist_free(&d); /* no double free */

    const double v[] = { 1, 2 }, p[] = { 1, 3 };
    assert_int_equal(des_dist_discrete(&d, v, p, 2, NULL), DES_OK);
    des_dist_free(&d);
    assert_null(d.table);
    des_dist_free(&d);
}

static void check_same_samples(const des_dist *a, const des_dist *b, unsigned long seed)
{
    gsl_rng *ra = rng_new(seed), *rb = rng_new(seed);
    for (int i = 0; i < 20000; i++)
        assert_true(des_dist_sample(a, ra) == des_dist_sample(b, rb));
    gsl_rng_free(ra);
    gsl_rng_free(rb);
}

static void test_copy(void **state)
{
    (void)state;
    des_error err = { 0 };
    des_dist src, dst;

    const double x[] = { 0, 2, 5, 10 }, c[] = { 0, 0.25, 0.6, 1 };
    double xm[4], cm[4]; /* caller's arrays are copied, not kept */
    memcpy(xm, x, sizeof x);
    memcpy(cm, c, sizeof c);
    assert_int_equal(des_dist_empirical(&src, xm, cm, 4, &err), DES_OK);
    xm[1] = 100;
    cm[1] = 0.9;
    assert_true(src.x != xm && src.x[1] == 2 && src.cdf[1] == 0.25);
    assert_int_equal(des_dist_copy(&dst, &src, &err), DES_OK);
    assert_int_equal(dst.kind, DES_DIST_EMPIRICAL);
    assert_int_equal(dst.len, 4);
    assert_true(dst.x != src.x && dst.cdf != src.cdf);
    assert_memory_equal(dst.x, x, sizeof x);
    assert_memory_equal(dst.cdf, c, sizeof c);
    check_same_samples(&src, &dst, 1001);
    des_dist_free(&src); /* the copy stands alone */
    assert_close(des_dist_mean(&dst), 0.25 * 1 + 0.35 * 3.5 + 0.4 * 7.5, 1e-15);
    check_moments(&dst, 1002, 50000);
    des_dist_free(&dst);

    const double v[] = { 3, 1, 4, 1.5, 9 }, p[] = { 2, 7, 1, 8, 2.5 };
    assert_int_equal(des_dist_discrete(&src, v, p, 5, &err), DES_OK);
    assert_int_equal(des_dist_copy(&dst, &src, &err), DES_OK);
    assert_true(dst.table != NULL && dst.table != src.table);
    assert_true(dst.x != src.x && dst.cdf != src.cdf);
    check_same_samples(&src, &dst, 1003); /* bit-identical alias table */
    assert_close(des_dist_mean(&dst), des_dist_mean(&src), 0);
    assert_close(des_dist_var(&dst), des_dist_var(&src), 0);
    des_dist_free(&src);
    check_moments(&dst, 1004, 50000);
    des_dist_free(&dst);

    assert_int_equal(des_dist_gamma(&src, 2.5, 1.5, &err), DES_OK);
    assert_int_equal(des_dist_copy(&dst, &src, &err), DES_OK);
    assert_int_equal(dst.kind, DES_DIST_GAMMA);
    assert_true(dst.a == 2.5 && dst.b == 1.5 && dst.x == NULL && dst.table == NULL);
    check_same_samples(&src, &dst, 1005);
    des_dist_free(&dst);

    /* Copying a zeroed struct, copying onto itself, and bad arguments. */
    des_dist z = { 0 };
    assert_int_equal(des_dist_copy(&dst, &z, &err), DES_OK);
    assert_true(dst.kind == DES_DIST_CONSTANT && dst.a == 0 && dst.x == NULL);
    assert_int_equal(des_dist_empirical(&src, x, c, 4, &err), DES_OK);
    assert_int_equal(des_dist_copy(&src, &src, &err), DES_OK);
    assert_memory_equal(src.x, x, sizeof x);
    des_dist_free(&src);
    assert_int_equal(des_dist_copy(NULL, &z, &err), DES_EINVAL);
    assert_true(strlen(err.msg) > 0);
    assert_int_equal(des_dist_copy(&dst, NULL, &err), DES_EINVAL);
    des_dist broken = { .kind = DES_DIST_EMPIRICAL, .len = 3 }; /* no table */
    err.msg[0] = '\0';
    assert_int_equal(des_dist_copy(&dst, &broken, &err), DES_EINVAL);
    assert_true(strlen(err.msg) > 0);
    assert_null(dst.x);
    des_dist_free(&dst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analytic_moments),
        cmocka_unit_test(test_moments_continuous),
        cmocka_unit_test(test_moments_tables),
        cmocka_unit_test(test_moments_counts),
        cmocka_unit_test(test_degenerate_cases),
        cmocka_unit_test(test_ks_triangular_empirical),
        cmocka_unit_test(test_discrete_chi_square),
        cmocka_unit_test(test_exponential_ks_and_chi_square),
        cmocka_unit_test(test_exponential_mean_scaling_and_determinism),
        cmocka_unit_test(test_exponential_tail_shape),
        cmocka_unit_test(test_exponential_ziggurat_structure),
        cmocka_unit_test(test_exponential_other_generator),
        cmocka_unit_test(test_inverse_cdf_boundaries),
        cmocka_unit_test(test_invalid_scalar_params),
        cmocka_unit_test(test_invalid_tables),
        cmocka_unit_test(test_invalid_null_and_no_err),
        cmocka_unit_test(test_free_zeroed_and_twice),
        cmocka_unit_test(test_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
