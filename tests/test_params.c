/* test_params.c - the params module (defaults, send_params_check's error paths) and the table
 * of scenario keys (send_keys.h): the table's own consistency, its defaults against
 * send_params_init(), parameters set and read by path, and priors (checks and inverse-CDF
 * draws against analytic quantiles). Error tests compare whole messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "send_keys.h"
#include "send_model.h"
#include "support/test_util.h"

static send_params *fresh(void)
{
    send_params *p = malloc(sizeof *p);
    assert_non_null(p);
    send_params_init(p);
    return p;
}

static void done(send_params *p)
{
    send_params_free(p);
    free(p);
}

/* ---- the table ------------------------------------------------------------------------ */

static void test_table_consistent(void **state)
{
    (void)state;
    size_t n = send_key_count();
    assert_true(n > 100);
    assert_null(send_key_at(n));
    for (size_t i = 0; i < n; i++) {
        const send_key *k = send_key_at(i);
        assert_non_null(k->path);
        assert_non_null(k->doc);
        assert_true(k->doc[0] != '\0');
        assert_ptr_equal(send_key_find(k->path), k);
        assert_int_equal(send_key_index(k), (int)i);
        /* each path once */
        for (size_t j = 0; j < i; j++)
            if (!strcmp(send_key_at(j)->path, k->path))
                fail_msg("'%s' is in the table twice", k->path);
        /* the parent of a.b.c is a section or list row listed before it */
        const char *dot = strrchr(k->path, '.');
        if (dot) {
            char parent[128];
            size_t len = (size_t)(dot - k->path);
            assert_true(len < sizeof parent);
            memcpy(parent, k->path, len);
            parent[len] = '\0';
            if (len > 2 && !strcmp(parent + len - 2, "[]"))
                parent[len - 2] = '\0';
            const send_key *pk = send_key_find(parent);
            if (!pk || (pk->type != SEND_KEY_SECTION && pk->type != SEND_KEY_LIST) ||
                send_key_index(pk) > (int)i)
                fail_msg("'%s' has no section or list '%s' before it", k->path, parent);
        }
        if (k->offset != SEND_KEY_NO_FIELD)
            assert_true(k->offset < sizeof(send_params));
        if (send_key_is_numeric(k))
            assert_true(k->lo <= k->hi);
        if (k->flags & SEND_KEY_PRIORABLE)
            if (!send_key_is_numeric(k) || k->type == SEND_KEY_INTEGER)
                fail_msg("'%s' is priorable but not a real-valued key", k->path);
        if (k->type == SEND_KEY_TABLE || k->type == SEND_KEY_SHARES ||
            k->type == SEND_KEY_CHOICE)
            if (strcmp(k->path + strlen(k->path) - 6, "].area") && (!k->names || k->n_names < 1))
                fail_msg("'%s' has no vocabulary", k->path);
    }
    assert_null(send_key_find("assessment.ep"
                              ".nope"));
    assert_null(send_key_find(NULL));
}

/* Each lever's parameters are rows of the table, exactly once. */
static void test_levers_in_table(void **state)
{
    (void)state;
    const send_key *k = send_key_find("levers.early_intervention.effect");
    assert_non_null(k);
    assert_int_equal(k->type, SEND_KEY_SHARE);
    assert_int_equal(k->offset, offsetof(send_params, ei_effect));
    assert_true(k->flags & SEND_KEY_PRIORABLE);
    assert_true(k->flags & SEND_KEY_REQUIRED);
    k = send_key_find("levers.independent_reduction.rate");
    assert_non_null(k);
    assert_int_equal(k->offset, offsetof(send_params, indep_reduction));
    int n = 0;
    for (size_t i = 0; i < send_key_count(); i++)
        n += send_key_at(i)->offset == offsetof(send_params, ei_effect);
    assert_int_equal(n, 1);
}

/* Every numeric default in the table is what send_params_init() leaves in the parameter
 * ("7 days" reads as 7 days), and the defaults pass the model's own check. */
static void test_defaults_match_init(void **state)
{
    (void)state;
    send_params *p = fresh();
    int checked = 0;
    for (size_t i = 0; i < send_key_count(); i++) {
        const send_key *k = send_key_at(i);
        if (!send_key_is_numeric(k) || !k->dflt[0])
            continue;
        char *end;
        double want = strtod(k->dflt, &end);
        if (end == k->dflt)
            fail_msg("'%s': default '%s' is not a number", k->path, k->dflt);
        if (k->type == SEND_KEY_DURATION)
            assert_string_equal(end, " days");
        else
            assert_string_equal(end, "");
        double got;
        assert_int_equal(send_param_get(p, k->path, &got, NULL), DES_OK);
        if (got != want)
            fail_msg("'%s': table default %g, send_params_init %g", k->path, want, got);
        checked++;
    }
    assert_true(checked >= 40);
    des_error err;
    assert_int_equal(send_params_check(p, &err), DES_OK);
    assert_int_equal(p->n_priors, 0);
    assert_int_equal(p->n_authorities, 0);
    done(p);
}

/* ---- send_params_check ------------------------------------------------------------------ */

static void check_fails(send_params *p, const char *msg)
{
    des_error err = {0};
    assert_int_equal(send_params_check(p, &err), DES_EINVAL);
    assert_string_equal(err.msg, msg);
    done(p);
}

static void test_check_errors(void **state)
{
    (void)state;
    send_params *p = fresh();
    p->start = des_date_from_ymd(2020, 1, 2);
    check_fails(p, "'start' must be the first day of a month");

    p = fresh();
    p->end = p->start - 1;
    check_fails(p, "'end' must not be before 'start'");

    p = fresh();
    p->areas[0].share = 0.5;
    check_fails(p, "'areas' shares must sum to 1, got 0.5");

    p = fresh();
    p->need_share_sen[NEED_ASD] = 0.5;
    check_fails(p, "'sen_support.need' shares must sum to 1, got 1.5");

    p = fresh();
    p->ei_effect = 1.5;
    check_fails(p, "'levers.early_intervention.effect' must be a probability in [0, 1], got 1.5");

    p = fresh();
    p->p_appeal = -0.1;
    check_fails(p, "'disagreement.appeal' must be a probability in [0, 1], got -0.1");

    p = fresh();
    p->d2_capacity = 0;
    check_fails(p, "panel capacities must be at least 1");

    p = fresh();
    p->ep_hours_per_fte_week = 0;
    check_fails(p, "EP hours must be positive");

    p = fresh();
    p->cease_age = 0;
    check_fails(p, "'cease_age' must be in [1, 25]");

    p = fresh();
    p->n_pools = 2;
    p->pools[0] = p->pools[1] = (send_pool_spec){PROV_SPECIAL, -1, -1, 10};
    check_fails(p, "places pool for 'special' given twice");

    p = fresh();
    p->n_builds = 1;
    p->builds[0].provision = PROV_SPECIAL;
    p->builds[0].area = p->builds[0].need = -1;
    check_fails(p, "new places for 'special' name no places pool with that area and need");
}

/* ---- parameters by path ----------------------------------------------------------------- */

static void test_set_get_by_path(void **state)
{
    (void)state;
    send_params *p = fresh();
    des_error err = {0};
    double v;

    /* a series: set makes it constant, get reads the first value */
    p->ep_fte.n = 2;
    p->ep_fte.value[1] = 7;
    assert_int_equal(send_param_set(p, "assessment.ep.fte", 12.5, &err), DES_OK);
    assert_int_equal(p->ep_fte.n, 1);
    assert_close(send_steps_at(&p->ep_fte, des_date_from_ymd(2030, 1, 1)), 12.5, 0);
    assert_int_equal(send_param_get(p, "assessment.ep.fte", &v, &err), DES_OK);
    assert_close(v, 12.5, 0);

    /* a share lands in its field */
    assert_int_equal(send_param_set(p, "levers.early_intervention.effect", 0.3, &err), DES_OK);
    assert_close(p->ei_effect, 0.3, 0);
    assert_int_equal(send_param_set(p, "d1_panel.refusal", 0.25, &err), DES_OK);
    assert_close(send_steps_at(&p->d1_refusal, p->start), 0.25, 0);

    /* an integer */
    assert_int_equal(send_param_set(p, "d1_panel.capacity", 40, &err), DES_OK);
    assert_int_equal(p->d1_capacity, 40);
    assert_int_equal(send_param_get(p, "d1_panel.capacity", &v, &err), DES_OK);
    assert_close(v, 40, 0);
    assert_int_equal(send_param_set(p, "d1_panel.capacity", 40.5, &err), DES_EINVAL);
    assert_string_equal(err.msg, "'d1_panel.capacity' must be a whole number, got 40.5");

    /* a duration, in days */
    assert_int_equal(send_param_set(p, "level4.panel.cadence", 14, &err), DES_OK);
    assert_close(p->l4_period, 14, 0);

    /* errors leave the parameter alone */
    assert_int_equal(send_param_set(p, "levers.early_intervention.effect", 1.5, &err),
                     DES_EINVAL);
    assert_string_equal(err.msg, "'levers.early_intervention.effect' must lie in [0, 1], got 1.5");
    assert_close(p->ei_effect, 0.3, 0);
    assert_int_equal(send_param_set(p, "assessment.ep.hours_per_fte_week", 0, &err), DES_EINVAL);
    assert_string_equal(err.msg, "'assessment.ep.hours_per_fte_week' must lie in [0.01, 168], got 0");
    assert_int_equal(send_param_set(p, "assessment.ep.fte", NAN, &err), DES_EINVAL);
    assert_int_equal(send_param_get(p, "assessment.ep.ftes", &v, &err), DES_EINVAL);
    assert_string_equal(err.msg, "'assessment.ep.ftes' is not a scenario key");
    assert_int_equal(send_param_set(p, "assessment.ep.duration", 3, &err), DES_EINVAL);
    assert_string_equal(err.msg, "'assessment.ep.duration' is a distribution, not a single number "
                                 "(expected a number, share, integer, duration or series key)");
    assert_int_equal(send_param_get(p, "assessment", &v, &err), DES_EINVAL);
    assert_string_equal(err.msg, "'assessment' is a section, not a single number (expected a "
                                 "number, share, integer, duration or series key)");
    assert_int_equal(send_param_get(p, "places[].places", &v, &err), DES_EINVAL);
    assert_int_equal(send_param_get(p, "placement.local_first", &v, &err), DES_EINVAL);
    done(p);
}

/* Every numeric key round-trips a value inside its range. */
static void test_set_get_every_numeric_key(void **state)
{
    (void)state;
    send_params *p = fresh();
    for (size_t i = 0; i < send_key_count(); i++) {
        const send_key *k = send_key_at(i);
        if (!send_key_is_numeric(k))
            continue;
        double want = k->type == SEND_KEY_INTEGER ? ceil(0.5 * (k->lo + k->hi))
                                                  : k->lo + 0.375 * (k->hi - k->lo), got;
        des_error err = {0};
        if (send_param_set(p, k->path, want, &err) != DES_OK)
            fail_msg("%s", err.msg);
        assert_int_equal(send_param_get(p, k->path, &got, &err), DES_OK);
        if (got != want)
            fail_msg("'%s': set %g, got %g", k->path, want, got);
    }
    done(p);
}

/* ---- priors ------------------------------------------------------------------------------ */

static send_prior prior(const char *path, send_prior_kind kind, double a, double b)
{
    const send_key *k = send_key_find(path);
    assert_non_null(k);
    return (send_prior){.key = send_key_index(k), .kind = kind, .a = a, .b = b};
}

static void expect_prior_error(send_prior pr, const char *msg)
{
    des_error err = {0};
    assert_int_equal(send_prior_check(&pr, &err), DES_EINVAL);
    assert_string_equal(err.msg, msg);
}

static void test_prior_check(void **state)
{
    (void)state;
    expect_prior_error(prior("d1_panel.refusal", SEND_PRIOR_UNIFORM, 0.3, 0.1),
                       "expected min < max, got 0.3 and 0.1");
    expect_prior_error(prior("d1_panel.refusal", SEND_PRIOR_UNIFORM, 0.3, 1.2),
                       "expected min and max inside the key's range [0, 1]");
    expect_prior_error(prior("d1_panel.refusal", SEND_PRIOR_NORMAL, 0.2, 0),
                       "expected sd > 0, got 0");
    expect_prior_error(prior("d1_panel.refusal", SEND_PRIOR_NORMAL, 1.2, 0.1),
                       "expected a mean inside the key's range [0, 1], got 1.2");
    expect_prior_error(prior("finance.grant.growth", SEND_PRIOR_LOGNORMAL, -0.1, 0.1),
                       "expected a lognormal mean > 0, got -0.1");
    expect_prior_error(prior("d1_panel.refusal", SEND_PRIOR_BETA, 0.5, 0.5),
                       "expected a beta sd below sqrt(mean (1 - mean)) = 0.5, got 0.5");
    expect_prior_error(prior("d1_panel.capacity", SEND_PRIOR_NORMAL, 10, 1),
                       "a prior is not allowed here ('d1_panel.capacity' is not a priorable key)");
    expect_prior_error(prior("d1_panel.refusal", (send_prior_kind)9, 0.2, 0.1),
                       "unknown prior kind");
    send_prior ok = prior("d1_panel.refusal", SEND_PRIOR_UNIFORM, 0.1, 0.3);
    assert_int_equal(send_prior_check(&ok, NULL), DES_OK);
    assert_close(ok.lo, 0, 0);
    assert_close(ok.hi, 1, 0);
    assert_close(send_prior_centre(&ok), 0.2, 1e-15);
    ok = prior("population.growth", SEND_PRIOR_NORMAL, 0.01, 0.002);
    assert_int_equal(send_prior_check(&ok, NULL), DES_OK);
    assert_close(send_prior_centre(&ok), 0.01, 0);
}

static double draw(send_prior pr, double u)
{
    assert_int_equal(send_prior_check(&pr, NULL), DES_OK);
    double x = NAN;
    assert_int_equal(send_prior_draw(&pr, u, &x), DES_OK);
    return x;
}

/* Draws are the analytic quantiles of the (truncated) prior. */
static void test_prior_draw_quantiles(void **state)
{
    (void)state;
    assert_close(draw(prior("d1_panel.refusal", SEND_PRIOR_UNIFORM, 0.1, 0.3), 0.25), 0.15,
                 1e-12);
    /* normal well inside the range: the plain normal quantile */
    assert_close(draw(prior("d1_panel.refusal", SEND_PRIOR_NORMAL, 0.5, 0.05), 0.9),
                 0.5 + 0.05 * gsl_cdf_ugaussian_Pinv(0.9), 1e-9);
    /* normal near a bound: truncated at 0, so the median is Phi^-1((Phi(-1) + 1) / 2) */
    double m = 0.1 * gsl_cdf_ugaussian_Pinv(0.5 * (gsl_cdf_ugaussian_P(-1) + 1)) + 0.1;
    assert_close(draw(prior("d1_panel.refusal", SEND_PRIOR_NORMAL, 0.1, 0.1), 0.5), m, 1e-9);
    assert_true(draw(prior("d1_panel.refusal", SEND_PRIOR_NORMAL, 0.1, 0.1), 1e-9) >= 0);
    /* lognormal: median exp(mu) = mean / sqrt(1 + cv^2) */
    assert_close(draw(prior("sen_support.exit_rate", SEND_PRIOR_LOGNORMAL, 2, 1), 0.5),
                 2 / sqrt(1.25), 1e-9);
    /* beta(mean 0.5) is symmetric: median 0.5; mean 0.2, sd 0.1 is beta(3, 12) */
    assert_close(draw(prior("d1_panel.refusal", SEND_PRIOR_BETA, 0.5, 0.1), 0.5), 0.5, 1e-9);
    assert_close(draw(prior("d1_panel.refusal", SEND_PRIOR_BETA, 0.2, 0.1), 0.3),
                 gsl_cdf_beta_Pinv(0.3, 3, 12), 1e-9);
    /* monotone in u and a function of u alone */
    send_prior pr = prior("population.growth", SEND_PRIOR_NORMAL, 0.01, 0.01);
    double last = -1;
    for (double u = 0.01; u < 1; u += 0.01) {
        double x = draw(pr, u);
        assert_true(x >= last);
        assert_true(x >= -0.5 && x <= 0.5);
        assert_close(draw(pr, u), x, 0);
        last = x;
    }
    double x;
    assert_int_equal(send_prior_draw(&pr, 0, &x), DES_EINVAL);
    assert_int_equal(send_prior_draw(&pr, 1, &x), DES_EINVAL);
}

/* A narrow beta prior on which GSL's inverse CDF does not converge (it returns NaN with the
 * error handler off, as the program runs): the draw falls back to bisection on the CDF and
 * lands where the CDF is u, inside (0, 1); where the inverse works the two agree. */
static void test_prior_draw_beta_fallback(void **state)
{
    (void)state;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double nu = 0.01 * 0.99 / (0.001 * 0.001) - 1, al = 0.01 * nu, be = 0.99 * nu;
    assert_true(isnan(gsl_cdf_beta_Pinv(0.51, al, be))); /* the failure the fallback is for */
    send_prior pr = prior("d1_panel.refusal", SEND_PRIOR_BETA, 0.01, 0.001);
    assert_int_equal(send_prior_check(&pr, NULL), DES_OK);
    double x = NAN;
    int fell = 0;
    assert_int_equal(send_prior_draw_checked(&pr, 0.51, &x, &fell), DES_OK);
    assert_int_equal(fell, 1);
    assert_true(x > 0.005 && x < 0.02);
    assert_close(gsl_cdf_beta_P(x, al, be), 0.51, 1e-9);
    /* every draw over u is a number in range, monotone in u */
    double last = 0;
    for (int k = 1; k < 1000; k++) {
        double u = k / 1000.0;
        assert_int_equal(send_prior_draw_checked(&pr, u, &x, &fell), DES_OK);
        assert_true(x >= last && x <= 1);
        assert_close(gsl_cdf_beta_P(x, al, be), u, 1e-9);
        last = x;
    }
    /* beta(3, 12): the library's inverse is right and is kept */
    send_prior ok = prior("d1_panel.refusal", SEND_PRIOR_BETA, 0.2, 0.1);
    assert_int_equal(send_prior_check(&ok, NULL), DES_OK);
    assert_int_equal(send_prior_draw_checked(&ok, 0.3, &x, &fell), DES_OK);
    assert_int_equal(fell, 0);
    assert_close(x, gsl_cdf_beta_Pinv(0.3, 3, 12), 0);
    gsl_set_error_handler(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_consistent),
        cmocka_unit_test(test_levers_in_table),
        cmocka_unit_test(test_defaults_match_init),
        cmocka_unit_test(test_check_errors),
        cmocka_unit_test(test_set_get_by_path),
        cmocka_unit_test(test_set_get_every_numeric_key),
        cmocka_unit_test(test_prior_check),
        cmocka_unit_test(test_prior_draw_quantiles),
        cmocka_unit_test(test_prior_draw_beta_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
