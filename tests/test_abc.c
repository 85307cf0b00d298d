/* test_abc.c - the ABC-SMC engine against an analytic posterior, apart from the model.
 *
 * Two normal means with known variance: y_k ~ N(theta_k, 1), prior theta_k ~ N(0, tau^2),
 * observed y = (1, -0.5). The posterior is normal with mean tau^2 / (tau^2 + 1) y and variance
 * tau^2 / (tau^2 + 1). ABC with the Euclidean distance and tolerance eps targets the posterior
 * given y within a disc of radius eps, i.e. noise variance 1 + eps^2 / 4 per coordinate, so the
 * tolerances are the Monte Carlo error (from the effective sample size) plus that bias.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "send_abc.h"

static const double TAU = 2.0;
static const double YOBS[2] = {1.0, -0.5};

typedef struct normal_ctx {
    double fail_limit; /* the distance fails when theta[0] exceeds it */
    double tau;        /* the prior's sd; 0: TAU */
} normal_ctx;

static double tau_of(const void *ctx)
{
    const normal_ctx *c = ctx;
    return c && c->tau > 0 ? c->tau : TAU;
}

static void prior_draw(void *ctx, gsl_rng *r, double *th)
{
    th[0] = gsl_ran_gaussian(r, tau_of(ctx));
    th[1] = gsl_ran_gaussian(r, tau_of(ctx));
}

static double prior_logpdf(void *ctx, const double *th)
{
    double t = tau_of(ctx);
    return log(gsl_ran_gaussian_pdf(th[0], t)) + log(gsl_ran_gaussian_pdf(th[1], t));
}

static int distance(void *ctx, int slot, const double *th, uint64_t seed, double *d,
                    des_error *err)
{
    normal_ctx *c = ctx;
    (void)slot;
    if (c && th[0] > c->fail_limit)
        return des_error_set(err, DES_EINVAL, "theta %.3f is too large", th[0]);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, (unsigned long)(seed ^ (seed >> 32)) | 1);
    double a = th[0] + gsl_ran_ugaussian(r) - YOBS[0];
    double b = th[1] + gsl_ran_ugaussian(r) - YOBS[1];
    gsl_rng_free(r);
    *d = sqrt(a * a + b * b);
    return DES_OK;
}

static send_abc_problem problem(normal_ctx *c)
{
    return (send_abc_problem){.dim = 2, .prior_draw = prior_draw, .prior_logpdf = prior_logpdf,
                              .distance = distance, .ctx = c};
}

/* Posterior sd of one mean with noise variance s2. */
static double post_sd(double s2)
{
    return sqrt(TAU * TAU * s2 / (TAU * TAU + s2));
}

static void test_normal_posterior(void **state)
{
    (void)state;
    normal_ctx c = {.fail_limit = INFINITY};
    send_abc_problem pb = problem(&c);
    send_abc_opts o = {.particles = 4000, .alpha = 0.5, .p_acc_min = 0.02, .seed = 42,
                       .threads = 2};
    send_abc_result r;
    des_error err = {0};
    assert_int_equal(send_abc_run(&pb, &o, &r, &err), DES_OK);
    assert_int_equal(r.n, 2000);
    assert_true(r.generations > 3);
    assert_true(r.acc_rate < 0.02);
    assert_int_equal(r.simulations, 4000 + (long)(r.generations - 1) * 2000);
    assert_true(r.epsilon < 0.5);
    assert_true(r.ess > 200);
    double wsum = 0;
    for (int i = 0; i < r.n; i++) {
        wsum += r.weight[i];
        assert_true(r.dist[i] <= r.epsilon);
    }
    assert_close(wsum, 1.0, 1e-12);

    double mean[2], cov[4];
    send_abc_moments(&r, mean, cov);
    double shrink = TAU * TAU / (TAU * TAU + 1);
    double sd0 = post_sd(1.0), sd_eps = post_sd(1.0 + r.epsilon * r.epsilon / 4);
    for (int k = 0; k < 2; k++) {
        double se_mean = sd_eps / sqrt(r.ess), se_sd = sd_eps / sqrt(2 * r.ess);
        /* the tolerance also shrinks the mean slightly (noise variance 1 + eps^2/4) */
        double shrink_eps = TAU * TAU / (TAU * TAU + 1 + r.epsilon * r.epsilon / 4);
        double bias_mean = fabs(shrink - shrink_eps) * fabs(YOBS[k]);
        assert_close(mean[k], shrink * YOBS[k], 4 * se_mean + bias_mean);
        assert_close(sqrt(cov[k * 2 + k]), sd0, 4 * se_sd + (sd_eps - sd0));
    }
    /* independent coordinates: the correlation is near 0 */
    assert_close(cov[1] / sqrt(cov[0] * cov[3]), 0.0, 4 / sqrt(r.ess));
    send_abc_result_free(&r);
}

/* A prior ten times wider than the posterior: the particles of later generations come from
 * kernels far narrower than the prior, so weighting each by prior / its own proposal alone
 * leaves the few prior draws that survive with almost all the weight (an effective sample size
 * of 4-40 of 100 on this problem). The weights over the mixture of every proposal keep it near
 * the particle count, and the result is still the posterior. */
static void test_wide_prior_ess(void **state)
{
    (void)state;
    normal_ctx c = {.fail_limit = INFINITY, .tau = 20};
    send_abc_problem pb = problem(&c);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        send_abc_opts o = {.particles = 400, .alpha = 0.5, .p_acc_min = 0.05, .seed = seed,
                           .threads = 2};
        send_abc_result r;
        assert_int_equal(send_abc_run(&pb, &o, &r, NULL), DES_OK);
        assert_int_equal(r.n, 200);
        assert_true(r.ess > 0.8 * r.n);
        double mean[2], cov[4];
        send_abc_moments(&r, mean, cov);
        double t2 = c.tau * c.tau, s2 = 1 + r.epsilon * r.epsilon / 4;
        double sd = sqrt(t2 * s2 / (t2 + s2));
        for (int k = 0; k < 2; k++) {
            assert_close(mean[k], t2 / (t2 + s2) * YOBS[k], 4 * sd / sqrt(r.ess));
            assert_close(sqrt(cov[k * 2 + k]), sd, 4 * sd / sqrt(2 * r.ess) + 0.1);
        }
        send_abc_result_free(&r);
    }
}

/* Without the importance weights (uniform weights) the kernel's pull toward the particles would
 * show; with them the result is the posterior: checked above. Here: identical bits for any
 * thread count and for repeated runs; a different seed gives different particles. */
static void test_threads_identical(void **state)
{
    (void)state;
    normal_ctx c = {.fail_limit = INFINITY};
    send_abc_problem pb = problem(&c);
    send_abc_result r[3];
    int threads[3] = {1, 2, 3};
    for (int i = 0; i < 3; i++) {
        send_abc_opts o = {.particles = 300, .seed = 7, .threads = threads[i]};
        assert_int_equal(send_abc_run(&pb, &o, &r[i], NULL), DES_OK);
    }
    for (int i = 1; i < 3; i++) {
        assert_int_equal(r[i].n, r[0].n);
        assert_int_equal(r[i].generations, r[0].generations);
        assert_memory_equal(r[i].theta, r[0].theta, sizeof(double) * 2 * (size_t)r[0].n);
        assert_memory_equal(r[i].weight, r[0].weight, sizeof(double) * (size_t)r[0].n);
        assert_memory_equal(r[i].dist, r[0].dist, sizeof(double) * (size_t)r[0].n);
    }
    send_abc_result other;
    send_abc_opts o = {.particles = 300, .seed = 8, .threads = 2};
    assert_int_equal(send_abc_run(&pb, &o, &other, NULL), DES_OK);
    assert_true(memcmp(other.theta, r[0].theta, sizeof(double) * 2 * (size_t)r[0].n) != 0);
    send_abc_result_free(&other);
    for (int i = 0; i < 3; i++)
        send_abc_result_free(&r[i]);
}

static void test_budget(void **state)
{
    (void)state;
    send_abc_problem pb = problem(NULL);
    send_abc_result r;
    send_abc_opts o = {.particles = 100, .seed = 1, .threads = 1, .max_simulations = 260};
    assert_int_equal(send_abc_run(&pb, &o, &r, NULL), DES_OK);
    /* 100 prior draws, then 50 a generation while the budget allows: 100 + 3 x 50 = 250 */
    assert_int_equal(r.simulations, 250);
    assert_int_equal(r.generations, 4);
    send_abc_result_free(&r);
    o.max_simulations = 0;
    o.max_generations = 2;
    assert_int_equal(send_abc_run(&pb, &o, &r, NULL), DES_OK);
    assert_int_equal(r.generations, 2);
    assert_int_equal(r.simulations, 150);
    send_abc_result_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    normal_ctx c = {.fail_limit = INFINITY};
    send_abc_problem pb = problem(&c);
    send_abc_result r;
    des_error err = {0};
    send_abc_opts o = {.particles = 3, .seed = 1};
    assert_int_equal(send_abc_run(&pb, &o, &r, &err), DES_EINVAL);
    assert_string_equal(err.msg, "'particles' must be at least 4, got 3");
    o = (send_abc_opts){.particles = 10, .alpha = 1.5, .seed = 1};
    assert_int_equal(send_abc_run(&pb, &o, &r, &err), DES_EINVAL);
    assert_string_equal(err.msg, "'alpha' and 'p_acc_min' must lie in (0, 1)");
    /* a failing simulation stops the run with its message (the lowest failing index, so the
     * same message for any thread count) */
    c.fail_limit = 0.0;
    o = (send_abc_opts){.particles = 50, .seed = 3, .threads = 2};
    assert_int_equal(send_abc_run(&pb, &o, &r, &err), DES_EINVAL);
    char first[DES_ERROR_MSG_MAX];
    strcpy(first, err.msg);
    assert_non_null(strstr(first, "is too large"));
    o.threads = 1;
    assert_int_equal(send_abc_run(&pb, &o, &r, &err), DES_EINVAL);
    assert_string_equal(err.msg, first);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_posterior),
        cmocka_unit_test(test_wide_prior_ess),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
