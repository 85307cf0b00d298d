/* test_stats.c - tallies, time-weighted averages, histograms and sample quantiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/test_util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "des_stats.h"

/* Relative to the larger magnitude (or 1, near zero). */
#define assert_rel(a, b, rtol)                                                                \
    assert_close(a, b, (rtol) * fmax(1.0, fmax(fabs((double)(a)), fabs((double)(b)))))

/* Two-pass reference: mean, then sum of squared deviations. */
static void two_pass(const double *x, size_t n, double *mean, double *var, double *mn, double *mx)
{
    double s = 0.0;
    *mn = INFINITY;
    *mx = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        s += x[i];
        if (x[i] < *mn)
            *mn = x[i];
        if (x[i] > *mx)
            *mx = x[i];
    }
    *mean = s / (double)n;
    double ss = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - *mean;
        ss += d * d;
        c += d;
    }
    /* corrected two-pass (Bjorck): removes the rounding left in the mean */
    *var = (ss - c * c / (double)n) / (double)(n - 1);
}

enum { NDATA = 20000 };

/* Tolerance on a variance: relative to itself, plus what is lost before any method starts:
 * each value is stored to within eps * magnitude, which moves every deviation by that much and
 * so the variance by about 2 * sd * eps * magnitude (the 1e9-offset data set needs this). */
static double var_tol(double var, double mag)
{
    return 1e-12 * var + 8.0 * DBL_EPSILON * mag * sqrt(var);
}

/* Data sets of different shapes and magnitudes, including a large offset that ruins the
 * naive sum-of-squares formula. */
static void fill(gsl_rng *r, int kind, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (kind) {
        case 0: x[i] = gsl_rng_uniform(r); break;
        case 1: x[i] = 1e9 + gsl_ran_gaussian(r, 1.0); break;
        case 2: x[i] = -3e-6 * gsl_ran_exponential(r, 2.0); break;
        case 3: x[i] = gsl_ran_lognormal(r, 0.0, 2.0); break;
        default: x[i] = (double)gsl_rng_uniform_int(r, 5) - 2.0; break; /* many ties */
        }
    }
}

static void test_tally_vs_two_pass(void **state)
{
    (void)state;
    gsl_rng *r = make_rng(12345);
    double *x = malloc(NDATA * sizeof *x);
    assert_non_null(x);
    for (int kind = 0; kind < 5; kind++) {
        fill(r, kind, x, NDATA);
        des_tally t;
        des_tally_init(&t);
        for (size_t i = 0; i < NDATA; i++)
            des_tally_add(&t, x[i]);
        double mean, var, mn, mx;
        two_pass(x, NDATA, &mean, &var, &mn, &mx);
        assert_int_equal(t.n, NDATA);
        double mag = fmax(fabs(mn), fabs(mx)), sd = sqrt(var);
        double vtol = var_tol(var, mag);
        assert_close(des_tally_mean(&t), mean, 1e-13 * mag);
        assert_close(des_tally_var(&t), var, vtol);
        assert_close(des_tally_sd(&t), sd, vtol / sd);
        assert_true(t.min == mn);
        assert_true(t.max == mx);
        assert_close(des_tally_ci_half(&t, 1.96), 1.96 * sd / sqrt(NDATA),
                     1.96 * vtol / sd / sqrt(NDATA));
    }
    free(x);
    gsl_rng_free(r);
}

static void test_tally_merge(void **state)
{
    (void)state;
    gsl_rng *r = make_rng(777);
    double *x = malloc(NDATA * sizeof *x);
    assert_non_null(x);
    for (int kind = 0; kind < 5; kind++) {
        fill(r, kind, x, NDATA);
        des_tally whole, merged, part;
        des_tally_init(&whole);
        des_tally_init(&merged);
        for (size_t i = 0; i < NDATA; i++)
            des_tally_add(&whole, x[i]);
        /* random chunk sizes, including empty chunks and a single sample */
        size_t i = 0;
        while (i < NDATA) {
            size_t len = gsl_rng_uniform_int(r, 4) == 0 ? gsl_rng_uniform_int(r, 2)
                                                        : gsl_rng_uniform_int(r, 3000);
            if (len > NDATA - i)
                len = NDATA - i;
            des_tally_init(&part);
            for (size_t j = 0; j < len; j++)
                des_tally_add(&part, x[i + j]);
            des_tally_merge(&merged, &part);
            i += len;
        }
        double mag = fmax(fabs(whole.min), fabs(whole.max));
        double var = des_tally_var(&whole);
        assert_int_equal(merged.n, whole.n);
        assert_true(merged.min == whole.min);
        assert_true(merged.max == whole.max);
        assert_close(des_tally_mean(&merged), des_tally_mean(&whole), 1e-13 * mag);
        assert_close(des_tally_var(&merged), var, var_tol(var, mag));
    }

    /* merging an empty tally changes nothing; merging into an empty one copies */
    des_tally a, e;
    des_tally_init(&a);
    des_tally_init(&e);
    des_tally_add(&a, 1.0);
    des_tally_add(&a, 4.0);
    des_tally before = a;
    des_tally_merge(&a, &e);
    assert_memory_equal(&a, &before, sizeof a);
    des_tally_merge(&e, &a);
    assert_int_equal(e.n, 2);
    assert_close(des_tally_mean(&e), 2.5, 0.0);
    assert_close(des_tally_var(&e), 4.5, 1e-15);
    assert_true(e.min == 1.0 && e.max == 4.0);

    /* hand-computed: {1,2} + {3,4,5} = {1..5}: mean 3, var 2.5 */
    des_tally p, q;
    des_tally_init(&p);
    des_tally_init(&q);
    des_tally_add(&p, 1.0);
    des_tally_add(&p, 2.0);
    des_tally_add(&q, 3.0);
    des_tally_add(&q, 4.0);
    des_tally_add(&q, 5.0);
    des_tally_merge(&p, &q);
    assert_int_equal(p.n, 5);
    assert_close(des_tally_mean(&p), 3.0, 1e-15);
    assert_close(des_tally_var(&p), 2.5, 1e-15);
    free(x);
    gsl_rng_free(r);
}

static void test_tally_small(void **state)
{
    (void)state;
    des_tally t;
    des_tally_init(&t);
    assert_int_equal(t.n, 0);
    assert_true(isnan(des_tally_mean(&t)));
    assert_true(isnan(des_tally_var(&t)));
    assert_true(isnan(des_tally_sd(&t)));
    assert_true(isnan(des_tally_ci_half(&t, 1.96)));

    des_tally_add(&t, -7.25);
    assert_close(des_tally_mean(&t), -7.25, 0.0);
    assert_true(isnan(des_tally_var(&t)));
    assert_true(isnan(des_tally_sd(&t)));
    assert_true(isnan(des_tally_ci_half(&t, 1.96)));
    assert_true(t.min == -7.25 && t.max == -7.25);

    /* constant data: exactly zero variance, never negative */
    des_tally c;
    des_tally_init(&c);
    for (int i = 0; i < 1000; i++)
        des_tally_add(&c, 0.1);
    assert_true(des_tally_var(&c) >= 0.0);
    assert_close(des_tally_var(&c), 0.0, 1e-30);
    assert_close(des_tally_ci_half(&c, 1.96), 0.0, 1e-15);
}

static void test_tally_ci_half(void **state)
{
    (void)state;
    des_tally t;
    des_tally_init(&t);
    for (int i = 1; i <= 5; i++)
        des_tally_add(&t, (double)i);
    /* var 2.5, sd/sqrt(5) = sqrt(0.5) */
    assert_close(des_tally_sd(&t), sqrt(2.5), 1e-15);
    assert_close(des_tally_ci_half(&t, 1.96), 1.96 * sqrt(0.5), 1e-15);
    assert_close(des_tally_ci_half(&t, 2.576), 2.576 * sqrt(0.5), 1e-15);
    assert_close(des_tally_ci_half(&t, 0.0), 0.0, 0.0);
}

static void test_timeavg_hand(void **state)
{
    (void)state;
    des_timeavg a;
    des_timeavg_init(&a, 0.0, 2.0);
    assert_close(des_timeavg_mean(&a, 0.0), 2.0, 0.0); /* t == start: current value */
    assert_close(des_timeavg_area(&a, 0.0), 0.0, 0.0);
    des_timeavg_set(&a, 3.0, 5.0);
    des_timeavg_set(&a, 4.0, 0.0);
    des_timeavg_set(&a, 4.0, 1.0); /* zero-length interval */
    des_timeavg_set(&a, 4.0, 0.0);
    /* 2*3 + 5*1 + 0*6 = 11 over [0, 10] */
    assert_close(des_timeavg_area(&a, 10.0), 11.0, 1e-14);
    assert_close(des_timeavg_mean(&a, 10.0), 1.1, 1e-14);
    assert_close(des_timeavg_mean(&a, 4.0), 11.0 / 4.0, 1e-14);
    assert_close(a.max, 5.0, 0.0);

    /* add(): deltas */
    des_timeavg b;
    des_timeavg_init(&b, 5.0, 0.0);
    des_timeavg_add(&b, 6.0, 1.0);  /* 1 on [6, 8) */
    des_timeavg_add(&b, 8.0, 2.0);  /* 3 on [8, 9) */
    des_timeavg_add(&b, 9.0, -3.0); /* 0 on [9, 15] */
    assert_close(des_timeavg_area(&b, 15.0), 2.0 + 3.0, 1e-14);
    assert_close(des_timeavg_mean(&b, 15.0), 0.5, 1e-14);
    assert_close(des_timeavg_mean(&b, 5.0), 0.0, 0.0);
    assert_close(b.max, 3.0, 0.0);

    /* restart after a warm-up keeps the current value; the warm-up's peak is forgotten */
    des_timeavg_set(&b, 20.0, 2.0);
    des_timeavg_restart(&b, 22.0);
    assert_close(des_timeavg_mean(&b, 22.0), 2.0, 0.0);
    assert_close(des_timeavg_area(&b, 22.0), 0.0, 0.0);
    assert_close(b.max, 2.0, 0.0);
    des_timeavg_set(&b, 24.0, 1.0); /* 2 on [22, 24), 1 on [24, 28] */
    assert_close(des_timeavg_area(&b, 28.0), 8.0, 1e-14);
    assert_close(des_timeavg_mean(&b, 28.0), 8.0 / 6.0, 1e-14);
    assert_close(b.max, 2.0, 0.0);

    /* fractional times */
    des_timeavg c;
    des_timeavg_init(&c, 0.5, 1.0);
    des_timeavg_set(&c, 0.75, 3.0);
    assert_close(des_timeavg_mean(&c, 1.5), (0.25 * 1.0 + 0.75 * 3.0) / 1.0, 1e-15);
}

static void test_hist_counts(void **state)
{
    (void)state;
    des_hist h;
    des_error err;
    des_error_clear(&err);
    assert_int_equal(des_hist_init(&h, 0.0, 10.0, 10, &err), DES_OK);
    assert_int_equal(err.code, DES_OK);
    assert_non_null(h.bins);
    assert_close(h.width, 1.0, 0.0);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(h.bins[i], 0);

    des_hist_add(&h, 0.0);        /* bin 0: lower edge included */
    des_hist_add(&h, 0.999);      /* bin 0 */
    des_hist_add(&h, 1.0);        /* bin 1 */
    des_hist_add(&h, 5.5);        /* bin 5 */
    des_hist_add(&h, 9.999999);   /* bin 9 */
    des_hist_add(&h, nextafter(10.0, 0.0)); /* bin 9, never out of bounds */
    des_hist_add(&h, 10.0);       /* over: upper edge excluded */
    des_hist_add(&h, 1e300);      /* over */
    des_hist_add(&h, INFINITY);   /* over */
    des_hist_add(&h, NAN);        /* over */
    des_hist_add(&h, -1e-12);     /* under */
    des_hist_add(&h, -INFINITY);  /* under */
    assert_int_equal(h.n, 12);
    assert_int_equal(h.under, 2);
    assert_int_equal(h.over, 4);
    assert_int_equal(h.bins[0], 2);
    assert_int_equal(h.bins[1], 1);
    assert_int_equal(h.bins[5], 1);
    assert_int_equal(h.bins[9], 2);
    uint64_t total = h.under + h.over;
    for (size_t i = 0; i < h.nbins; i++)
        total += h.bins[i];
    assert_int_equal(total, h.n);

    des_hist_reset(&h);
    assert_int_equal(h.n, 0);
    assert_int_equal(h.under, 0);
    assert_int_equal(h.over, 0);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(h.bins[i], 0);
    assert_true(isnan(des_hist_quantile(&h, 0.5)));
    des_hist_free(&h);
    assert_null(h.bins);
    des_hist_free(&h); /* twice is harmless */

    /* an awkward width: every value lands in the bin its value says */
    assert_int_equal(des_hist_init(&h, -1.0, 2.0, 7, NULL), DES_OK);
    gsl_rng *r = make_rng(4242);
    for (int i = 0; i < 10000; i++) {
        double x = -1.5 + 4.0 * gsl_rng_uniform(r);
        uint64_t under = h.under, over = h.over;
        des_hist_add(&h, x);
        if (x < -1.0) {
            assert_int_equal(h.under, under + 1);
        } else if (x >= 2.0) {
            assert_int_equal(h.over, over + 1);
        } else {
            size_t b = (size_t)((x + 1.0) / h.width);
            if (b > 6)
                b = 6;
            assert_true(-1.0 + (double)b * h.width <= x + 1e-12);
            assert_true(x < -1.0 + (double)(b + 1) * h.width + 1e-12);
        }
    }
    gsl_rng_free(r);
    des_hist_free(&h);
}

static void test_hist_quantile(void **state)
{
    (void)state;
    des_hist h;
    assert_int_equal(des_hist_init(&h, 0.0, 10.0, 10, NULL), DES_OK);
    assert_true(isnan(des_hist_quantile(&h, 0.5))); /* empty */
    for (int i = 0; i < 10; i++)
        des_hist_add(&h, i + 0.5); /* one per bin */
    assert_close(des_hist_quantile(&h, 0.0), 0.0, 1e-12);
    assert_close(des_hist_quantile(&h, 0.25), 2.5, 1e-12);
    assert_close(des_hist_quantile(&h, 0.5), 5.0, 1e-12);
    assert_close(des_hist_quantile(&h, 0.95), 9.5, 1e-12);
    assert_close(des_hist_quantile(&h, 1.0), 10.0, 1e-12);
    assert_true(isnan(des_hist_quantile(&h, -0.1)));
    assert_true(isnan(des_hist_quantile(&h, 1.1)));
    assert_true(isnan(des_hist_quantile(&h, NAN)));

    /* two underflows and one overflow: n = 13; rank 6.5 lies in bin 4 (ranks 6..7) */
    des_hist_add(&h, -3.0);
    des_hist_add(&h, -1.0);
    des_hist_add(&h, 11.0);
    assert_close(des_hist_quantile(&h, 0.5), 4.5, 1e-12);
    assert_true(des_hist_quantile(&h, 0.0) == -INFINITY);
    assert_true(des_hist_quantile(&h, 0.1) == -INFINITY); /* rank 1.3 < 2 */
    assert_true(des_hist_quantile(&h, 1.0) == INFINITY);
    assert_true(des_hist_quantile(&h, 0.95) == INFINITY); /* rank 12.35 > 12 */
    assert_close(des_hist_quantile(&h, 0.9), 9.7, 1e-12); /* rank 11.7: bin 9, 0.7 in */
    des_hist_free(&h);

    /* empty bins are skipped; mass concentrated in one bin interpolates across it */
    assert_int_equal(des_hist_init(&h, 0.0, 100.0, 50, NULL), DES_OK);
    for (int i = 0; i < 4; i++)
        des_hist_add(&h, 41.0); /* bin [40, 42) */
    assert_close(des_hist_quantile(&h, 0.0), 40.0, 1e-12);
    assert_close(des_hist_quantile(&h, 0.5), 41.0, 1e-12);
    assert_close(des_hist_quantile(&h, 0.75), 41.5, 1e-12);
    assert_close(des_hist_quantile(&h, 1.0), 42.0, 1e-12);
    des_hist_free(&h);

    /* everything in the underflow, or everything in the overflow */
    assert_int_equal(des_hist_init(&h, 0.0, 1.0, 4, NULL), DES_OK);
    des_hist_add(&h, -1.0);
    assert_true(des_hist_quantile(&h, 0.5) == -INFINITY);
    assert_true(des_hist_quantile(&h, 1.0) == -INFINITY);
    des_hist_reset(&h);
    des_hist_add(&h, 2.0);
    assert_true(des_hist_quantile(&h, 0.0) == INFINITY);
    assert_true(des_hist_quantile(&h, 0.5) == INFINITY);
    des_hist_free(&h);

    /* against exact sample quantiles of a large uniform sample: within a bin width */
    assert_int_equal(des_hist_init(&h, 0.0, 1.0, 200, NULL), DES_OK);
    gsl_rng *r = make_rng(99);
    enum { N = 50000 };
    double *x = malloc(N * sizeof *x);
    assert_non_null(x);
    for (int i = 0; i < N; i++) {
        x[i] = gsl_ran_beta(r, 2.0, 5.0);
        des_hist_add(&h, x[i]);
    }
    const double qs[] = {0.01, 0.1, 0.5, 0.9, 0.99};
    double exact[5];
    des_quantiles(x, N, qs, 5, exact);
    for (int i = 0; i < 5; i++)
        assert_close(des_hist_quantile(&h, qs[i]), exact[i], h.width);
    free(x);
    gsl_rng_free(r);
    des_hist_free(&h);
}

static void test_hist_init_errors(void **state)
{
    (void)state;
    des_hist h;
    des_error err;
    struct {
        double lo, hi;
        size_t nbins;
    } bad[] = {
        {1.0, 1.0, 10},     {2.0, 1.0, 10},  {NAN, 1.0, 10},      {0.0, NAN, 10},
        {0.0, INFINITY, 4}, {-INFINITY, 0.0, 4}, {0.0, 1.0, 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        des_error_clear(&err);
        memset(&h, 0xab, sizeof h);
        int rc = des_hist_init(&h, bad[i].lo, bad[i].hi, bad[i].nbins, &err);
        assert_int_equal(rc, DES_EINVAL);
        assert_int_equal(err.code, DES_EINVAL);
        assert_true(strlen(err.msg) > 0);
        assert_null(h.bins);
        des_hist_free(&h); /* safe after a failed init */
        assert_int_equal(des_hist_init(&h, bad[i].lo, bad[i].hi, bad[i].nbins, NULL),
                         DES_EINVAL);
    }
    /* one bin is fine */
    assert_int_equal(des_hist_init(&h, -1.0, 1.0, 1, &err), DES_OK);
    des_hist_add(&h, 0.0);
    assert_close(des_hist_quantile(&h, 0.5), 0.0, 1e-15);
    des_hist_free(&h);
}

static void test_quantiles(void **state)
{
    (void)state;
    double x[] = {5.0, 1.0, 4.0, 2.0, 3.0};
    const double q[] = {0.0, 0.25, 0.5, 0.9, 1.0};
    double out[5];
    des_quantiles(x, 5, q, 5, out);
    /* rank (n-1)q = 0, 1, 2, 3.6, 4 */
    assert_close(out[0], 1.0, 0.0);
    assert_close(out[1], 2.0, 1e-15);
    assert_close(out[2], 3.0, 1e-15);
    assert_close(out[3], 4.6, 1e-15);
    assert_close(out[4], 5.0, 0.0);
    for (int i = 0; i < 5; i++) /* sorted in place */
        assert_close(x[i], (double)(i + 1), 0.0);

    double y[] = {40.0, 10.0, 30.0, 20.0};
    const double q2[] = {0.5, 0.1, 1.0 / 3.0, 0.75};
    double out2[4];
    des_quantiles(y, 4, q2, 4, out2);
    assert_close(out2[0], 25.0, 1e-12); /* rank 1.5 */
    assert_close(out2[1], 13.0, 1e-12); /* rank 0.3 */
    assert_close(out2[2], 20.0, 1e-12); /* rank 1 */
    assert_close(out2[3], 32.5, 1e-12); /* rank 2.25 */

    double one[] = {7.5};
    double out1[3];
    const double q3[] = {0.0, 0.5, 1.0};
    des_quantiles(one, 1, q3, 3, out1);
    for (int i = 0; i < 3; i++)
        assert_close(out1[i], 7.5, 0.0);

    double neg[] = {-1.0, -3.0, -2.0};
    des_quantiles(neg, 3, q3, 3, out1);
    assert_close(out1[0], -3.0, 0.0);
    assert_close(out1[1], -2.0, 0.0);
    assert_close(out1[2], -1.0, 0.0);

    des_quantiles(neg, 3, q3, 0, out1); /* nq = 0: only sorts */
}

/* The normal-score correlation of a bivariate normal with rho 0.6 seen through monotone margins
 * (exp, exp of a cube), in two groups whose scales differ 100-fold and one variable missing in a tenth
 * of the records: rho within 0.03 at n = 20,000 (its sd is about 0.005), unchanged by the
 * margins (a rank statistic). A third variable independent of both: within 0.03 of 0. Worked
 * by hand on 4 records with a tie. */
static void test_normal_score_corr(void **state)
{
    (void)state;
    enum { N = 20000 };
    gsl_rng *r = make_rng(11);
    double *x = malloc(N * 3 * sizeof *x), *y = malloc(N * 3 * sizeof *y), c[9], d[9];
    int *g = malloc(N * sizeof *g);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(g);
    for (int i = 0; i < N; i++) {
        double a, b;
        gsl_ran_bivariate_gaussian(r, 1, 1, 0.6, &a, &b);
        g[i] = i % 2;
        double sc = g[i] ? 100 : 1;
        x[i * 3] = sc * exp(a);
        x[i * 3 + 1] = i % 10 == 3 ? NAN : sc * exp(b * b * b);
        x[i * 3 + 2] = gsl_ran_gaussian(r, 1);
        y[i * 3] = a;
        y[i * 3 + 1] = i % 10 == 3 ? NAN : b;
        y[i * 3 + 2] = x[i * 3 + 2];
    }
    assert_int_equal(des_normal_score_corr(x, g, N, 3, c), 0);
    assert_int_equal(des_normal_score_corr(y, NULL, N, 3, d), 0);
    assert_close(c[1], 0.6, 0.03);
    assert_close(c[3], c[1], 0);
    assert_close(c[2], 0, 0.03);
    assert_close(c[0], 1, 0);
    assert_close(d[1], c[1], 0.01); /* the margins and the groups' scales do not matter */
    /* without the groups, the 100-fold scale difference is itself a (spurious) correlation */
    assert_int_equal(des_normal_score_corr(x, NULL, N, 3, d), 0);
    assert_true(d[1] > c[1] + 0.05);
    /* by hand: a = (1, 2, 2, 3) ranks 1, 2.5, 2.5, 4 -> Phi^-1 of 1/8, 1/2, 1/2, 7/8; b = (4, 3, 2,
     * 1) -> 7/8, 5/8, 3/8, 1/8: scores (-s, 0, 0, s) and (s, t, -t, -s), s = Phi^-1(7/8), t =
     * Phi^-1(5/8); correlation -2 s^2 / sqrt(2 s^2 (2 s^2 + 2 t^2)) */
    double h[8] = {1, 4, 2, 3, 2, 2, 3, 1}, hc[4];
    assert_int_equal(des_normal_score_corr(h, NULL, 4, 2, hc), 0);
    double sv = 1.1503493803760079, tv = 0.31863936396437515;
    assert_close(hc[1], -2 * sv * sv / sqrt(2 * sv * sv * (2 * sv * sv + 2 * tv * tv)), 1e-12);
    /* fewer than 3 records in common: 0 */
    double few[6] = {1, NAN, 2, 5, 3, 6};
    assert_int_equal(des_normal_score_corr(few, NULL, 3, 2, hc), 0);
    assert_close(hc[1], 0, 0);
    free(x);
    free(y);
    free(g);
    gsl_rng_free(r);
}

/* Cholesky of a positive-definite matrix by hand; one that is not (three variables cannot be
 * pairwise 0.9, 0.9 and -0.9) shrunk by 5% steps until it factors, and L L' gives it back. */
static void test_corr_cholesky(void **state)
{
    (void)state;
    double c[9] = {1, 0.6, 0.3, 0.6, 1, 0.5, 0.3, 0.5, 1}, L[9];
    assert_close(des_corr_cholesky(c, 3, L), 1, 0);
    double l21 = 0.6, l22 = 0.8, l31 = 0.3, l32 = (0.5 - 0.3 * 0.6) / 0.8;
    assert_close(L[0], 1, 0);
    assert_close(L[1] + L[2] + L[5], 0, 0); /* zeros above the diagonal */
    assert_close(L[3], l21, 1e-15);
    assert_close(L[4], l22, 1e-15);
    assert_close(L[6], l31, 1e-15);
    assert_close(L[7], l32, 1e-15);
    assert_close(L[8], sqrt(1 - l31 * l31 - l32 * l32), 1e-15);
    assert_close(c[1], 0.6, 0); /* unchanged */
    double bad[9] = {1, 0.9, -0.9, 0.9, 1, 0.9, -0.9, 0.9, 1};
    double s = des_corr_cholesky(bad, 3, L);
    assert_true(s > 0 && s < 1);
    assert_close(bad[1], 0.9 * s, 1e-15);
    assert_close(bad[2], -0.9 * s, 1e-15);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double v = 0;
            for (int t = 0; t < 3; t++)
                v += L[i * 3 + t] * L[j * 3 + t];
            assert_close(v, bad[i * 3 + j], 1e-12);
        }
    /* one step less would not have factored: 0.9 (s + 0.05) */
    double more[9] = {1, 0.9, -0.9, 0.9, 1, 0.9, -0.9, 0.9, 1};
    for (int i = 0; i < 9; i++)
        more[i] = i % 4 == 0 ? 1 : more[i] * (s + 0.05);
    double L2[9];
    assert_true(des_corr_cholesky(more, 3, L2) < 1);
}

/* des_cholesky: L L' gives back a covariance (not a correlation) to rounding; in place and out
 * of place give the same bits; a matrix with a zero pivot fails at min_pivot 0, and one whose
 * last pivot is 0.0001 (L's diagonal 0.01) fails at min_pivot 0.1 and factors at 0. */
static void test_cholesky(void **state)
{
    (void)state;
    double a[16] = {4, 2, 0.4, -1, 2, 5, 1, 0.5, 0.4, 1, 3, 0.2, -1, 0.5, 0.2, 2}, L[16], in[16];
    memcpy(in, a, sizeof a);
    assert_int_equal(des_cholesky(a, 4, L, 0), 1);
    assert_int_equal(des_cholesky(in, 4, in, 0), 1);
    assert_memory_equal(L, in, sizeof L);
    assert_close(L[0], 2, 0);
    assert_close(L[4], 1, 0);
    assert_close(L[5], 2, 0);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            if (j > i)
                assert_true(L[i * 4 + j] == 0);
            double v = 0;
            for (int t = 0; t < 4; t++)
                v += L[i * 4 + t] * L[j * 4 + t];
            assert_close(v, a[i * 4 + j], 1e-12);
        }
    double sing[4] = {1, 1, 1, 1}; /* pivot 2 is exactly 0 */
    assert_int_equal(des_cholesky(sing, 2, L, 0), 0);
    double small[4] = {1, 0, 0, 0.0001}; /* pivot 2 is 0.01 */
    assert_int_equal(des_cholesky(small, 2, L, 0.1), 0);
    assert_int_equal(des_cholesky(small, 2, L, 0), 1);
    assert_close(L[3], 0.01, 1e-18);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cholesky),
        cmocka_unit_test(test_tally_vs_two_pass), cmocka_unit_test(test_tally_merge),
        cmocka_unit_test(test_tally_small),       cmocka_unit_test(test_tally_ci_half),
        cmocka_unit_test(test_timeavg_hand),      cmocka_unit_test(test_hist_counts),
        cmocka_unit_test(test_hist_quantile),     cmocka_unit_test(test_hist_init_errors),
        cmocka_unit_test(test_quantiles),
        cmocka_unit_test(test_normal_score_corr), cmocka_unit_test(test_corr_cholesky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
