/* test_scenario_load.c - the SEND scenario loader (send_scenario_load) and the command-line
 * behaviour of `sendsim validate` and `sendsim run` on good and bad input.
 *
 * Fixtures live in tests/data/load/ (tests run from the repository root): base.yaml is a
 * small self-contained valid scenario; err_*.yaml each carry one mistake, mostly as a child of
 * base.yaml so that the mistake's position is in a file of a few lines. Error tests compare
 * the whole one-line message, so a wrong file, line, column or key path fails them. The
 * shipped scenarios (every .yaml file in scenarios/) are only required to load.
 *
 * CLI tests run the built binary ($SENDSIM_BUILD/sendsim, default build/sendsim) in a child
 * process with stdout and stderr captured to files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <math.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "send_keys.h"
#include "send_scenario.h"
#include "support/test_cli.h"

#define DATA "tests/data/load/"

/* ---- helpers ------------------------------------------------------------------------------ */

/* The error line format: file:line:column: key.path: what was expected. */
static void assert_error_format(const char *msg)
{
    regex_t re;
    assert_int_equal(regcomp(&re, "^[^: ]+\\.yaml:[0-9]+:[0-9]+: [][A-Za-z0-9_.-]+: [^\n]+$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    int rc = regexec(&re, msg, 0, NULL, 0);
    regfree(&re);
    if (rc != 0)
        fail_msg("not in the form file:line:column: key.path: what: '%s'", msg);
}

static send_params *params_new(void)
{
    send_params *p = malloc(sizeof *p);
    assert_non_null(p);
    memset(p, 0xa5, sizeof *p); /* the loader must not rely on the caller initialising p */
    return p;
}

/* Load a scenario that must be valid; the caller frees p (and text). */
static send_params *load_ok(const char *path, send_scenario_text *text)
{
    send_params *p = params_new();
    des_error err = {0};
    int rc = send_scenario_load(path, p, text, &err);
    if (rc != DES_OK) {
        free(p);
        fail_msg("loading %s failed (%d): %s", path, rc, err.msg);
    }
    return p;
}

static void params_done(send_params *p)
{
    send_params_free(p);
    free(p);
}

/* The load must fail with DES_EINPUT and exactly `want`, leaving p freeable and text empty. */
static void load_fails(const char *path, const char *want)
{
    send_params *p = params_new();
    send_scenario_text text = {0};
    des_error err;
    memset(&err, 0, sizeof err);
    int rc = send_scenario_load(path, p, &text, &err);
    if (rc == DES_OK) {
        send_scenario_text_free(&text);
        params_done(p);
        fail_msg("loading %s succeeded, expected: %s", path, want);
    }
    assert_int_equal(rc, DES_EINPUT);
    assert_int_equal(err.code, DES_EINPUT);
    assert_string_equal(err.msg, want);
    assert_null(strchr(err.msg, '\n'));
    assert_null(text.text);
    /* p is back to the defaults, owning nothing from the failed load */
    assert_string_equal(p->name, "unnamed");
    assert_int_equal(p->n_pools, 0);
    assert_int_equal(p->n_builds, 0);
    send_params_free(p);
    send_params_free(p); /* freeing is idempotent */
    free(p);
    send_scenario_text_free(&text);
}

#define assert_steps(s, n_, ...)                                                              \
    do {                                                                                      \
        const double want_[] = {__VA_ARGS__};                                                 \
        assert_int_equal((s).n, (n_));                                                        \
        for (int i_ = 0; i_ < (n_); i_++)                                                     \
            assert_true((s).value[i_] == want_[i_]);                                          \
    } while (0)

static des_date ymd(int y, int m, int d) { return des_date_from_ymd(y, m, d); }

/* ---- 1. one line per kind of error, at the right place ------------------------------------ */

/* name, fixture, the exact message */
#define LOAD_ERRORS(X)                                                                        \
    X(syntax, "err_syntax.yaml",                                                              \
      DATA "err_syntax.yaml:4:2: yaml: invalid indentation in mapping")                       \
    X(unknown_key, "err_unknown_key.yaml",                                                    \
      DATA "err_unknown_key.yaml:4:5: assessment.ep.ftee: unknown key (did you mean 'fte'?)") \
    X(wrong_type, "err_type.yaml",                                                            \
      DATA "err_type.yaml:4:27: assessment.ep.hours_per_assessment: expected a number")       \
    X(out_of_range, "err_range.yaml",                                                         \
      DATA "err_range.yaml:3:12: d1_panel.refusal: expected a number in [0, 1], got 1.5")     \
    X(shares_sum, "err_shares.yaml",                                                          \
      DATA "err_shares.yaml:4:14: placement.choice.primary: shares must sum to 1, got 0.9")   \
    X(unknown_provision, "err_provision.yaml",                                                \
      DATA "err_provision.yaml:4:19: places[0].provision: expected one of: mainstream, "      \
           "resourced, special, independent, residential, fe_college, specialist_post16, ap, "\
           "early_years, other (did you mean 'special'?)")                                    \
    X(awaiting_state, "err_awaiting.yaml",                                                    \
      DATA "err_awaiting.yaml:3:13: initial.awaiting: expected one of: interim, waiting")     \
    X(unknown_area, "err_area.yaml",                                                          \
      DATA "err_area.yaml:5:36: places[1].area: expected one of: any, north, south")          \
    X(unknown_area_no_areas, "err_area_default.yaml",                                         \
      DATA "err_area_default.yaml:5:32: places[0].area: expected one of: any, all")           \
    X(unknown_need, "err_need.yaml",                                                          \
      DATA "err_need.yaml:5:34: places[1].need: expected one of: any, autism, semh, slcn, "   \
           "mld, sld_pmld, physical_sensory, other (did you mean 'autism'?)")                 \
    X(new_places_without_pool, "err_new_places.yaml",                                         \
      DATA "err_new_places.yaml:5:7: new_places[1]: no entry in 'places' has this "           \
           "provision, area and need (add one, with its current places)")                     \
    X(missing_parent, "err_missing_parent.yaml",                                              \
      DATA "err_missing_parent.yaml:1:10: extends: cannot open 'no_such_parent.yaml' (No "    \
           "such file or directory)")                                                         \
    X(cycle_a, "err_cycle_a.yaml",                                                            \
      DATA "err_cycle_b.yaml:3:10: extends: cycle through 'err_cycle_a.yaml'")                \
    X(cycle_b, "err_cycle_b.yaml",                                                            \
      DATA "err_cycle_a.yaml:2:10: extends: cycle through 'err_cycle_b.yaml'")                \
    X(age_wraps, "err_age_wrap.yaml",                                                         \
      DATA "err_age_wrap.yaml:3:24: population.by_age.4294967297: ages must lie in 0-25")     \
    X(start_before_1970, "err_start_1961.yaml",                                               \
      DATA "err_start_1961.yaml:2:8: start: expected a date in 1970-2199, got '1961-01-01'")  \
    X(population_too_large, "err_population.yaml",                                            \
      DATA "err_population.yaml:3:11: population.by_age: at most 20000000 children in all "  \
           "(several times England's), got 2600000000")                                      \
    X(direct_too_large, "err_direct.yaml",                                                    \
      DATA "err_direct.yaml:3:11: requests.direct: at most 1000000 requests a year in all "  \
           "(several times England's), got 10000000")                                        \
    X(start_not_first, "err_start_day.yaml",                                                  \
      DATA "err_start_day.yaml:2:8: start: expected the first day of a month")                \
    X(end_before_start, "err_end.yaml",                                                       \
      DATA "err_end.yaml:2:6: end: expected a date after 'start'")                            \
    X(initial_mismatch, "err_initial.yaml",                                                   \
      DATA "err_initial.yaml:4:5: initial.ehcp_by_placement: placements must add up to the "  \
           "plans by age (100), got 105")                                                     \
    X(initial_no_placement, "err_initial_missing.yaml",                                       \
      DATA "err_initial_missing.yaml:4:3: initial: placements must add up to the plans by "   \
           "age (10), got 0")                                                                 \
    X(missing_start, "err_missing_start.yaml",                                                \
      DATA "err_missing_start.yaml:2:1: start: missing key (expected a date, YYYY-MM-DD)")    \
    X(parent_value, "child_of_bad.yaml",                                                      \
      DATA "bad_parent.yaml:4:11: disagreement.appeal: expected a number in [0, 1], got 2")   \
    X(observed_period, "err_observed_period.yaml",                                            \
      DATA "err_observed_period.yaml:4:24: observed.new_plans.2019-01: expected a calendar "  \
           "year (YYYY) as the period of 'new_plans'")                                        \
    X(observed_metric, "err_observed_metric.yaml",                                            \
      DATA "err_observed_metric.yaml:3:16: observed.ehcp_totals: unknown metric (expected a " \
           "metric name listed in docs/guide.md)")                                            \
    X(observed_value, "err_observed_value.yaml",                                              \
      DATA "err_observed_value.yaml:3:38: observed.ehcp_total.2019-02: expected a number")    \
    X(parent_syntax, "child_of_syntax.yaml",                                                  \
      DATA "err_syntax.yaml:4:2: yaml: invalid indentation in mapping")                       \
    X(prior_kind, "err_prior_kind.yaml",                                                      \
      DATA "err_prior_kind.yaml:3:20: d1_panel.refusal.prior: expected one of: uniform, "     \
           "normal, lognormal, beta")                                                         \
    X(prior_sd, "err_prior_sd.yaml",                                                          \
      DATA "err_prior_sd.yaml:3:12: d1_panel.refusal: expected sd > 0, got 0")                \
    X(prior_min_max, "err_prior_minmax.yaml",                                                 \
      DATA "err_prior_minmax.yaml:3:12: d1_panel.refusal: expected min < max, got 0.3 and "   \
           "0.1")                                                                             \
    X(prior_not_priorable, "err_prior_key.yaml",                                              \
      DATA "err_prior_key.yaml:3:13: d1_panel.capacity: a prior is not allowed here (not a "  \
           "priorable key; see scenarios/KEYS.md)")                                           \
    X(prior_mean_range, "err_prior_mean.yaml",                                                \
      DATA "err_prior_mean.yaml:3:11: disagreement.appeal: expected a mean inside the key's " \
           "range [0, 1], got 1.5")                                                           \
    X(prior_params, "err_prior_param.yaml",                                                   \
      DATA "err_prior_param.yaml:3:12: d1_panel.refusal: missing key 'min'")

#define X_TEST(name, file, want)                                                              \
    static void test_error_##name(void **state)                                               \
    {                                                                                         \
        (void)state;                                                                          \
        assert_error_format(want);                                                            \
        load_fails(DATA file, want);                                                          \
    }
LOAD_ERRORS(X_TEST)

static const struct load_error {
    const char *file, *want;
} load_errors[] = {
#define X_ROW(name, file, want) {DATA file, want},
    LOAD_ERRORS(X_ROW)
};

static void test_error_missing_file(void **state)
{
    (void)state;
    /* No position exists for a file that is not there. */
    load_fails(DATA "no_such_scenario.yaml",
               DATA "no_such_scenario.yaml: cannot open (No such file or directory)");
}

/* ---- 2. extends through the real loader -------------------------------------------------- */

static void test_base(void **state)
{
    (void)state;
    send_params *p = load_ok(DATA "base.yaml", NULL);
    assert_string_equal(p->name, "small");
    assert_int_equal(p->start, ymd(2020, 1, 1));
    assert_int_equal(p->end, ymd(2021, 12, 31));
    assert_int_equal(p->n_areas, 2);
    assert_string_equal(p->areas[1].name, "south");
    assert_steps(p->d1_refusal, 2, 0.2, 0.25);
    assert_int_equal(p->d1_refusal.from[1], ymd(2021, 1, 1));
    assert_int_equal(p->d1_capacity, 20);
    assert_true(p->d1_first == 1.0);
    assert_int_equal(p->n_pools, 2);
    assert_int_equal(p->pools[1].provision, PROV_RESOURCED);
    assert_int_equal(p->pools[1].area, 0);
    assert_int_equal(p->pools[1].places, 10);
    assert_int_equal(p->n_builds, 1);
    assert_true(p->builds[0].has_delay);
    assert_int_equal(p->builds[0].delay.kind, DES_DIST_DISCRETE);
    assert_int_equal(p->mediation_time.kind, DES_DIST_EMPIRICAL);
    assert_true(p->cost[PROV_SPECIAL] == 22000);
    params_done(p);
}

static void test_extends_override_merge_replace(void **state)
{
    (void)state;
    send_params *p = load_ok(DATA "child.yaml", NULL);
    /* scalars overridden */
    assert_string_equal(p->name, "child");
    assert_true(p->p_appeal == 0.2);
    /* a step series given as a mapping in the base, replaced by a constant */
    assert_steps(p->d1_refusal, 1, 0.3);
    /* siblings of overridden keys come from the base */
    assert_true(p->p_mediation == 0.1);
    assert_int_equal(p->d1_capacity, 20);
    assert_true(p->d1_period == 7.0);
    /* finance.cost deep-merged: one key changed, the others kept */
    assert_true(p->cost[PROV_SPECIAL] == 30000);
    assert_true(p->cost[PROV_MAINSTREAM] == 6000);
    assert_true(p->cost[PROV_INDEPENDENT] == 55000);
    assert_true(p->transport_cost == 6800);
    /* places replaced wholesale: the base's resourced pool is gone */
    assert_int_equal(p->n_pools, 2);
    assert_int_equal(p->pools[0].provision, PROV_SPECIAL);
    assert_int_equal(p->pools[0].area, -1);
    assert_int_equal(p->pools[0].places, 80);
    assert_int_equal(p->pools[1].provision, PROV_INDEPENDENT);
    assert_int_equal(p->pools[1].need, NEED_ASD);
    assert_int_equal(p->pools[1].places, 5);
    /* untouched sections */
    assert_int_equal(p->start, ymd(2020, 1, 1));
    assert_int_equal(p->n_builds, 1);
    assert_int_equal(p->n_areas, 2);
    params_done(p);
}

static void test_extends_replaces_series(void **state)
{
    (void)state;
    send_params *p = load_ok(DATA "child_series.yaml", NULL);
    assert_int_equal(p->d1_refusal.n, 1);
    assert_int_equal(p->d1_refusal.from[0], ymd(2020, 7, 1));
    assert_true(p->d1_refusal.value[0] == 0.15);
    assert_int_equal(p->d1_capacity, 20); /* the rest of d1_panel still merges */
    params_done(p);
}

/* Priors: kept in the parameters, the parameter holding the central value; a child's prior
 * replaces the parent's series whole rather than merging into it. */
static void test_priors(void **state)
{
    (void)state;
    send_params *p = load_ok(DATA "priors.yaml", NULL);
    assert_int_equal(p->n_priors, 3);
    /* in the order of the key table */
    const send_prior *pr = &p->priors[0];
    assert_string_equal(send_key_at((size_t)pr->key)->path, "population.growth");
    assert_int_equal(pr->kind, SEND_PRIOR_NORMAL);
    assert_true(pr->lo == -0.5 && pr->hi == 0.5);
    assert_true(p->population_growth.n == 1 && p->population_growth.value[0] == 0.01);
    pr = &p->priors[1];
    assert_string_equal(send_key_at((size_t)pr->key)->path, "d1_panel.refusal");
    assert_int_equal(pr->kind, SEND_PRIOR_UNIFORM);
    assert_true(pr->a == 0.10 && pr->b == 0.30 && pr->lo == 0 && pr->hi == 1);
    assert_int_equal(p->d1_refusal.n, 1); /* the parent's two steps are replaced */
    assert_true(fabs(p->d1_refusal.value[0] - 0.2) < 1e-15);
    pr = &p->priors[2];
    assert_string_equal(send_key_at((size_t)pr->key)->path, "disagreement.appeal");
    assert_int_equal(pr->kind, SEND_PRIOR_BETA);
    assert_true(p->p_appeal == 0.2);
    params_done(p);
    /* without priors there are none */
    p = load_ok(DATA "base.yaml", NULL);
    assert_int_equal(p->n_priors, 0);
    params_done(p);
}

/* The placement rules' keys (issue 11, items 6 and 7) reach their parameters; those not given
 * keep the defaults, which are the rules the model had before they were keys. */
static void test_placement_rules(void **state)
{
    (void)state;
    send_params *p = load_ok(DATA "placement_rules.yaml", NULL);
    assert_int_equal(p->fallback_general, 0);
    assert_int_equal(p->fallback_out_of_area, 1);
    assert_true(p->age_min[PROV_SPECIAL] == 3 && p->age_max[PROV_SPECIAL] == 18);
    assert_true(p->age_min[PROV_FE_COLLEGE] == 16 && p->age_max[PROV_FE_COLLEGE] == 24);
    assert_true(p->age_min[PROV_EARLY_YEARS] == 0 && p->age_max[PROV_EARLY_YEARS] == 4);
    assert_true(p->age_min[PROV_INDEPENDENT] == 4 && p->age_max[PROV_INDEPENDENT] == 25);
    assert_true(p->l4_from[PROV_SPECIAL] == 0.5 && p->l4_from[PROV_MAINSTREAM] == 0.25);
    assert_true(p->l4_from[PROV_INDEPENDENT] == 1 && p->l4_from[PROV_AP] == 0);
    assert_int_equal(p->opening_awaiting_waits, 1);
    assert_true(p->opening_interim_days == 28);
    params_done(p);
    p = load_ok(DATA "base.yaml", NULL);
    assert_int_equal(p->fallback_general, 1);
    assert_int_equal(p->fallback_out_of_area, 1);
    assert_int_equal(p->opening_awaiting_waits, 0);
    assert_true(p->opening_interim_days == 91.3);
    params_done(p);
}

static void test_extends_three_levels(void **state)
{
    (void)state;
    send_params *p = load_ok(DATA "sub/leaf.yaml", NULL);
    assert_string_equal(p->name, "leaf");                  /* leaf */
    assert_true(p->d1_period == 14.0);                     /* leaf */
    assert_int_equal(p->d1_capacity, 25);                  /* mid */
    assert_steps(p->d1_refusal, 1, 0.3);                   /* mid: a series replaces the base series */
    assert_steps(p->ep_fte, 2, 2.0, 3.0);                  /* mid */
    assert_true(p->cost[PROV_INDEPENDENT] == 60000);       /* leaf */
    assert_true(p->cost[PROV_SPECIAL] == 22000);           /* base */
    assert_true(p->ep_hours_per_assessment == 17);         /* base */
    assert_int_equal(p->n_pools, 2);                       /* base */
    assert_int_equal(p->pools[1].provision, PROV_RESOURCED);
    params_done(p);

    p = load_ok(DATA "mid.yaml", NULL);
    assert_string_equal(p->name, "mid");
    assert_true(p->d1_period == 7.0);
    assert_int_equal(p->d1_capacity, 25);
    params_done(p);
}

/* Every scenario shipped in scenarios/ must load. */
static void test_shipped_scenarios(void **state)
{
    (void)state;
    glob_t g;
    int rc = glob("scenarios/*.yaml", 0, NULL, &g);
    if (rc != 0)
        fail_msg("no scenarios/*.yaml found (glob %d): run from the repository root", rc);
    int has_baseline = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        has_baseline |= strcmp(path, "scenarios/baseline.yaml") == 0;
        send_params p;
        send_scenario_text text = {0};
        des_error err = {0};
        rc = send_scenario_load(path, &p, &text, &err);
        if (rc != DES_OK) {
            char msg[DES_ERROR_MSG_MAX + 64];
            snprintf(msg, sizeof msg, "%s", err.msg);
            globfree(&g);
            fail_msg("shipped scenario does not load: %s", msg);
        }
        assert_non_null(text.text);
        if (!strcmp(path, "scenarios/baseline.yaml")) {
            /* observed history (through leicestershire-2026.yaml): every value kept, in
             * order, with its period start: ehcp_total Jan 2010-2026 [data/leicestershire-
             * sen2.csv] first, then initial_requests from 2016; the last is transfers special
             * to mainstream 2021 (4). 226 before the SEN2 outcome series; these add 59:
             * moved outside England 4 (2022-2025), other reason and left school or
             * education 12 each (2014-2021 as published, 2022-2025 as the sums of the series
             * SEN2 splits them into), requests withdrawn 3 (2023-2025), assessments
             * withdrawn 4 (2022-2025), assessed no plan 12 and assessed plan issued 12
             * (2014-2025): 59; then the published high-needs positions 2018-19 and 2019-20
             * [ref: Leics-2019] and the cumulative balance they make by March 2020 */
            assert_int_equal(p.n_obs, 288);
            assert_int_equal(p.obs[0].metric, send_metric_find("ehcp_total"));
            assert_int_equal(p.obs[0].start, ymd(2010, 1, 1));
            assert_true(p.obs[0].value == 2630);
            assert_true(p.obs[16].value == 8812);
            assert_int_equal(p.obs[17].metric, send_metric_find("requests"));
            assert_int_equal(p.obs[17].start, ymd(2016, 1, 1));
            assert_true(p.obs[17].value == 614);
            assert_true(p.obs[284].value == 4);
            assert_int_equal(p.obs[285].metric, send_metric_find("dsg_inyear_gbp"));
            assert_int_equal(p.obs[285].start, ymd(2018, 4, 1));
            assert_true(p.obs[286].value == -6100000);
            assert_int_equal(p.obs[287].metric, send_metric_find("dsg_balance_gbp"));
            assert_true(p.obs[287].value == -8400000);
        }
        send_scenario_text_free(&text);
        send_params_free(&p);
    }
    globfree(&g);
    assert_true(has_baseline);
}

/* ---- 3. the resolved text reloads to the same parameters --------------------------------- */

static void assert_doubles(const double *a, const double *b, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (!(a[i] == b[i]))
            fail_msg("%s[%zu]: %.17g after reloading, %.17g before", what, i, b[i], a[i]);
}

static void assert_same_steps(const send_steps *a, const send_steps *b, const char *what)
{
    if (a->n != b->n)
        fail_msg("%s: %d steps after reloading, %d before", what, b->n, a->n);
    for (int i = 0; i < a->n; i++)
        if (a->from[i] != b->from[i] || !(a->value[i] == b->value[i]))
            fail_msg("%s: step %d differs after reloading", what, i);
}

static void assert_same_dist(const des_dist *a, const des_dist *b, const char *what)
{
    if (a->kind != b->kind || !(a->a == b->a) || !(a->b == b->b) || !(a->c == b->c) ||
        a->n != b->n || a->len != b->len)
        fail_msg("%s: distribution differs after reloading", what);
    if (a->len) {
        assert_doubles(a->x, b->x, a->len, what);
        if (a->cdf || b->cdf) {
            assert_non_null(a->cdf);
            assert_non_null(b->cdf);
            assert_doubles(a->cdf, b->cdf, a->len, what);
        }
    }
}

static void assert_same_params(const send_params *a, const send_params *b)
{
    assert_int_equal(a->n_obs, b->n_obs);
    for (int i = 0; i < a->n_obs; i++) {
        assert_int_equal(a->obs[i].metric, b->obs[i].metric);
        assert_int_equal(a->obs[i].start, b->obs[i].start);
        assert_true(a->obs[i].value == b->obs[i].value);
    }
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->start, b->start);
    assert_int_equal(a->end, b->end);
    assert_int_equal(a->n_areas, b->n_areas);
    for (int i = 0; i < a->n_areas; i++) {
        assert_string_equal(a->areas[i].name, b->areas[i].name);
        assert_true(a->areas[i].share == b->areas[i].share);
    }
    assert_doubles(a->population, b->population, SEND_AGES, "population");
    assert_same_steps(&a->population_growth, &b->population_growth, "population_growth");
    assert_doubles(a->request_hazard, b->request_hazard, SEND_AGES, "request_hazard");
    assert_same_steps(&a->request_trend, &b->request_trend, "request_trend");
    assert_same_steps(&a->d1_refusal, &b->d1_refusal, "d1_refusal");
    assert_same_steps(&a->ep_fte, &b->ep_fte, "ep_fte");
    assert_same_steps(&a->review_fte, &b->review_fte, "review_fte");
    assert_true(a->d1_period == b->d1_period && a->d1_first == b->d1_first);
    assert_int_equal(a->d1_capacity, b->d1_capacity);
    assert_same_dist(&a->d1_prep, &b->d1_prep, "d1_prep");
    assert_same_dist(&a->mediation_time, &b->mediation_time, "mediation_time");
    assert_same_dist(&a->ep_duration, &b->ep_duration, "ep_duration");
    assert_doubles(&a->choice[0][0], &b->choice[0][0], PHASE_COUNT * PROV_COUNT, "choice");
    assert_doubles(&a->transfer[0][0][0], &b->transfer[0][0][0], 4 * PROV_COUNT * PROV_COUNT,
                   "transfer");
    assert_int_equal(a->n_pools, b->n_pools);
    for (int i = 0; i < a->n_pools; i++) {
        const send_pool_spec *x = &a->pools[i], *y = &b->pools[i];
        assert_int_equal(x->provision, y->provision);
        assert_int_equal(x->area, y->area);
        assert_int_equal(x->need, y->need);
        assert_int_equal(x->places, y->places);
    }
    assert_int_equal(a->n_builds, b->n_builds);
    for (int i = 0; i < a->n_builds; i++) {
        const send_build *x = &a->builds[i], *y = &b->builds[i];
        assert_int_equal(x->provision, y->provision);
        assert_int_equal(x->area, y->area);
        assert_int_equal(x->need, y->need);
        assert_int_equal(x->count, y->count);
        assert_int_equal(x->opens, y->opens);
        assert_int_equal(x->has_delay, y->has_delay);
        if (x->has_delay)
            assert_same_dist(&x->delay, &y->delay, "build delay");
    }
    assert_doubles(a->initial_band, b->initial_band, BAND_COUNT, "initial_band");
    assert_doubles(a->initial_prov, b->initial_prov, PROV_COUNT, "initial_prov");
    assert_doubles(a->cost, b->cost, PROV_COUNT, "cost");
    assert_doubles(a->inflation, b->inflation, PROV_COUNT, "inflation");
    assert_true(a->transport_cost == b->transport_cost);
    assert_true(a->grant_base == b->grant_base && a->grant_growth == b->grant_growth);
    assert_true(a->opening_balance == b->opening_balance);
}

static void round_trip(const char *path)
{
    send_scenario_text text = {0};
    send_params *a = load_ok(path, &text);
    assert_non_null(text.text);
    assert_true(text.len > 0);
    assert_int_equal(strlen(text.text), text.len);
    /* extends is resolved away */
    assert_null(strstr(text.text, "extends:"));

    char tmp[] = "/tmp/sendsim-resolved-XXXXXX.yaml";
    int fd = mkstemps(tmp, 5);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text.text, 1, text.len, f), text.len);
    assert_int_equal(fclose(f), 0);
    send_scenario_text_free(&text);
    assert_null(text.text);

    send_params *b = params_new();
    des_error err = {0};
    int rc = send_scenario_load(tmp, b, NULL, &err);
    unlink(tmp);
    if (rc != DES_OK) {
        params_done(a);
        params_done(b);
        fail_msg("the resolved text of %s does not reload: %s", path, err.msg);
    }
    assert_same_params(a, b);
    params_done(a);
    params_done(b);
}

static void test_resolved_text_reloads(void **state)
{
    (void)state;
    round_trip(DATA "base.yaml");
    round_trip(DATA "child.yaml");
    round_trip(DATA "sub/leaf.yaml");
    round_trip("scenarios/baseline.yaml");
}

/* ---- 4. the command line ------------------------------------------------------------------ */

/* Every load error, through `sendsim validate`: exit 2, the same one line on stderr, nothing
 * on stdout. */
static void test_cli_validate_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof load_errors / sizeof load_errors[0]; i++) {
        cli_result r;
        run_cli(&r, "validate", load_errors[i].file, (char *)NULL);
        char want[DES_ERROR_MSG_MAX + 2];
        snprintf(want, sizeof want, "%s\n", load_errors[i].want);
        if (r.status != 2 || strcmp(r.err, want) != 0 || r.out[0]) {
            cli_fail(&r, "sendsim validate %s: exit %d, stderr '%s', stdout '%.60s'; expected exit "
                     "2 and '%s'",
                     load_errors[i].file, r.status, r.err, r.out, load_errors[i].want);
        }
        assert_int_equal(count_lines(r.err), 1);
        r.err[strlen(r.err) - 1] = '\0';
        assert_error_format(r.err);
        cli_result_free(&r);
    }
}

static void test_cli_validate_ok(void **state)
{
    (void)state;
    cli_result r;
    run_cli(&r, "validate", DATA "base.yaml", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    assert_non_null(strstr(r.out, "scenario small: 2020-01-01 to 2021-12-31\n"));
    const char *ok = DATA "base.yaml: ok\n";
    size_t lo = strlen(r.out), lk = strlen(ok);
    assert_true(lo >= lk);
    assert_string_equal(r.out + lo - lk, ok);
    cli_result_free(&r);

    /* usage errors of validate */
    run_cli(&r, "validate", (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "sendsim validate: a scenario file is required (try 'sendsim "
                               "validate --help')\n");
    cli_result_free(&r);

    run_cli(&r, "validate", DATA "no_such_scenario.yaml", (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, DATA "no_such_scenario.yaml: cannot open (No such file or "
                                    "directory)\n");
    cli_result_free(&r);
}

static void test_cli_run_bad_scenario(void **state)
{
    (void)state;
    char dir[64], prefix[128];
    make_out_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/sub/x", dir); /* sub/ must not be created either */
    cli_result r;
    run_cli(&r, "run", DATA "err_range.yaml", "--replications", "3", "--out", prefix,
            (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, DATA "err_range.yaml:3:12: d1_panel.refusal: expected a number "
                                    "in [0, 1], got 1.5\n");
    cli_result_free(&r);
    assert_dir_empty(dir);

    snprintf(prefix, sizeof prefix, "%s/x", dir);
    run_cli(&r, "run", DATA "err_cycle_a.yaml", "--out", prefix, (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_int_equal(count_lines(r.err), 1);
    cli_result_free(&r);
    assert_dir_empty(dir);
    remove_dir(dir);
}

static void test_cli_run_bad_options(void **state)
{
    (void)state;
    char dir[64], prefix[128];
    make_out_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/x", dir);
    const char *base = DATA "base.yaml";
    static const struct {
        const char *a1, *a2, *a3, *a4, *a5, *a6, *want;
    } cases[] = {
        {"run", "BASE", "--replications", "0", "--out", "OUT",
         "sendsim run: --replications: expected an integer in [1, 10000000], got '0'\n"},
        {"run", "BASE", "--replications", "abc", "--out", "OUT",
         "sendsim run: --replications: expected an integer in [1, 10000000], got 'abc'\n"},
        {"run", "BASE", "--frobnicate", "--out", "OUT", NULL,
         "sendsim run: unknown option '--frobnicate' (try 'sendsim run --help')\n"},
        {"run", "--replications", "3", "--out", "OUT", NULL,
         "sendsim run: a scenario file is required (try 'sendsim run --help')\n"},
        {"run", "BASE", "--out", "OUT", "--replications", NULL, NULL},
        {"run", "BASE", "BASE", "--out", "OUT", NULL, "sendsim run: unexpected argument"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[6] = {cases[i].a1, cases[i].a2, cases[i].a3,
                               cases[i].a4, cases[i].a5, cases[i].a6};
        for (int k = 0; k < 6; k++)
            if (args[k] && !strcmp(args[k], "BASE"))
                args[k] = base;
            else if (args[k] && !strcmp(args[k], "OUT"))
                args[k] = prefix;
        cli_result r;
        run_cli(&r, args[0], args[1], args[2], args[3], args[4], args[5], (char *)NULL);
        if (r.status != 2)
            cli_fail(&r, "case %zu: exit %d, expected 2 (stderr: %s)", i, r.status, r.err);
        assert_string_equal(r.out, "");
        assert_int_equal(count_lines(r.err), 1); /* bad input: one line */
        if (cases[i].want && strncmp(r.err, cases[i].want, strlen(cases[i].want)) != 0)
            cli_fail(&r, "case %zu: stderr '%s', expected it to start with '%s'", i, r.err,
                     cases[i].want);
        cli_result_free(&r);
        assert_dir_empty(dir);
    }
    remove_dir(dir);
}

static void test_cli_run_ok(void **state)
{
    (void)state;
    char dir[64], prefix[128], csv[160];
    make_out_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/x", dir);
    snprintf(csv, sizeof csv, "%s-summary.csv", prefix);
    cli_result r;
    run_cli(&r, "run", DATA "base.yaml", "--replications", "3", "--out", prefix, "--no-plots",
            (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "sendsim run: exit %d, stderr: %s", r.status, r.err);
    assert_string_equal(r.err, "");
    assert_non_null(strstr(r.out, "over 3 replications of 'small'"));
    cli_result_free(&r);

    /* exactly the results file and the summary, no temporary file left beside them */
    char names[4][256];
    int n = dir_entries(dir, names, 4);
    assert_int_equal(n, 2);
    int seen = 0;
    for (int i = 0; i < n; i++)
        seen |= !strcmp(names[i], "x-summary.csv") ? 1 : !strcmp(names[i], "x.h5") ? 2 : 4;
    assert_int_equal(seen, 3);

    char *text = slurp(csv);
    const char *header = "scenario,metric,period,mean,sd,p05,p10,p25,p50,p75,p90,p95\n";
    assert_int_equal(strncmp(text, header, strlen(header)), 0);
    assert_non_null(strstr(text, "\nsmall,ehcp_total,2020-01,"));
    assert_true(count_lines(text) > 10);
    free(text);
    remove_dir(dir);
}

static int row_index(const send_scenario *sc, const char *key)
{
    for (int i = 0; i < sc->n_rows; i++)
        if (!strcmp(sc->rows[i].key, key))
            return i;
    fail_msg("no provenance row '%s'", key);
    return -1;
}

/* The assumptions table reads a block of comment lines directly above a value as its note (31
 * values of the shipped baseline had their source there and showed "no note"), and lists the
 * values that drive the headline first. */
static void test_provenance_notes_above(void **state)
{
    (void)state;
    send_scenario sc;
    des_error err = {0};
    if (send_scenario_open(DATA "notes.yaml", &sc, &err) != DES_OK)
        fail_msg("%s", err.msg);
    const send_param_row *r = sc.rows;
    assert_string_equal(r[row_index(&sc, "requests.trend")].note,
                        "Requests per child: SEN2 2025, scaled by the population (assumption)");
    assert_string_equal(r[row_index(&sc, "requests.growth")].note, "own-line note");
    assert_string_equal(r[row_index(&sc, "disagreement.appeal")].note, "");
    assert_string_equal(r[row_index(&sc, "disagreement.mediation")].note,
                        "above and on its line");
    /* drivers first, in the documented order; the rest keep file order */
    assert_int_equal(row_index(&sc, "requests.trend"), 0);
    assert_int_equal(row_index(&sc, "requests.growth"), 1);
    int first_other = row_index(&sc, "name");
    for (int i = 0; i < sc.n_rows; i++)
        if (!strncmp(r[i].key, "finance.cost", 12))
            assert_true(i < first_other);
    assert_true(row_index(&sc, "finance.cost.special") < row_index(&sc, "finance.grant"));
    assert_true(row_index(&sc, "finance.grant") < first_other);
    assert_true(row_index(&sc, "name") < row_index(&sc, "population.growth"));
    send_scenario_close(&sc);
}

/* Issue 9's bug: a scenario in another folder that extends a parent holding `authorities:`
 * validated but `run` failed with "cannot open", because provenance parsed the files again and
 * resolved the template relative to the top file. The scenario is now parsed once: the
 * template is resolved relative to the file that names it, for the parameters and the
 * provenance alike, and run succeeds. */
static void test_extends_authorities_from_another_folder(void **state)
{
    (void)state;
    char dir[64], sub[96], child[128], prefix[128], parent[PATH_MAX];
    make_out_dir(dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(child, sizeof child, "%s/x.yaml", sub);
    assert_non_null(realpath("tests/data/authorities/two.yaml", parent));
    FILE *f = fopen(child, "w");
    assert_non_null(f);
    fprintf(f, "extends: %s\nname: x\n", parent);
    fclose(f);

    send_scenario sc;
    des_error err = {0};
    if (send_scenario_open(child, &sc, &err) != DES_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(sc.params.name, "x");
    assert_int_equal(sc.params.n_authorities, 2);
    assert_int_equal((int)sc.n_templates, 1);
    /* the template's rows are keyed by the path the loader opened, beside the parent */
    char key[PATH_MAX + 64];
    snprintf(key, sizeof key, "template %.*s/../load/base.yaml: population.growth",
             (int)(strrchr(parent, '/') - parent), parent);
    int found = 0;
    for (int i = 0; i < sc.n_rows; i++)
        found |= !strcmp(sc.rows[i].key, key);
    if (!found)
        fail_msg("no provenance row '%s'", key);
    assert_non_null(strstr(sc.source, "/../load/base.yaml\n# Small self-contained"));
    send_scenario_close(&sc);

    cli_result r;
    run_cli(&r, "validate", child, (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "sendsim validate: exit %d, stderr: %s", r.status, r.err);
    cli_result_free(&r);
    snprintf(prefix, sizeof prefix, "%s/out", dir);
    run_cli(&r, "run", child, "--replications", "2", "--out", prefix, "--no-plots", "--quiet",
            (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "sendsim run: exit %d, stderr: %s", r.status, r.err);
    assert_string_equal(r.err, "");
    cli_result_free(&r);
    char path[160];
    snprintf(path, sizeof path, "%s/out.h5", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/out-summary.csv", dir);
    unlink(path);
    unlink(child);
    rmdir(sub);
    remove_dir(dir);
}

/* scenarios/KEYS.md is the output of `sendsim keys --markdown`: regenerate it with
 * `build/sendsim keys --markdown > scenarios/KEYS.md` when the table of keys changes. */
static void test_cli_keys_reference_current(void **state)
{
    (void)state;
    cli_result r;
    run_cli(&r, "keys", "--markdown", (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "sendsim keys --markdown: exit %d, stderr: %s", r.status, r.err);
    char *doc = slurp("scenarios/KEYS.md");
    if (strcmp(doc, r.out) != 0) {
        free(doc);
        cli_fail(&r, "scenarios/KEYS.md differs from `sendsim keys --markdown`: regenerate it");
    }
    free(doc);
    assert_non_null(strstr(r.out, "| `levers.early_intervention.effect` | share | 0 to 1 |  | "
                                  "required | prior | fractional reduction in the request "
                                  "rate |\n"));
    cli_result_free(&r);

    run_cli(&r, "keys", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    /* a header line, then one line per key of the table */
    assert_int_equal((int)count_lines(r.out), (int)send_key_count() + 1);
    assert_non_null(strstr(r.out, "\nassessment.ep.fte "));
    cli_result_free(&r);

    run_cli(&r, "keys", "--bogus", (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "sendsim keys: unknown option '--bogus' (try 'sendsim keys "
                               "--help')\n");
    cli_result_free(&r);
}

/* validate lists priors; validate --keys prints every numeric key by path. */
static void test_cli_validate_priors_and_keys(void **state)
{
    (void)state;
    cli_result r;
    run_cli(&r, "validate", DATA "priors.yaml", (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "exit %d, stderr: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "\n  d1_panel.refusal                     uniform, min 0.1, "
                                  "max 0.3, in [0, 1] -> 0.2\n"));
    cli_result_free(&r);
    run_cli(&r, "validate", DATA "priors.yaml", "--keys", (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "exit %d, stderr: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "\nd1_panel.refusal = 0.2 share (prior)\n"));
    assert_non_null(strstr(r.out, "\nd1_panel.capacity = 20 cases per sitting\n"));
    assert_non_null(strstr(r.out, "\ndisagreement.appeal = 0.2 (prior)\n"));
    cli_result_free(&r);
}

/* validate's summary has no empty entries: optional series the scenario does not give are left
 * out, and a set of shares that are all zero says "none". */
static void test_cli_validate_no_empty_lines(void **state)
{
    (void)state;
    const char *files[] = {"scenarios/baseline.yaml", "scenarios/fortnightly-panels.yaml",
                           "scenarios/england-synthetic-la.yaml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        cli_result r;
        run_cli(&r, "validate", files[i], (char *)NULL);
        if (r.status != 0)
            cli_fail(&r, "validate %s: exit %d, stderr: %s", files[i], r.status, r.err);
        for (const char *ln = r.out; *ln;) {
            const char *end = strchr(ln, '\n');
            size_t len = end ? (size_t)(end - ln) : strlen(ln);
            if (len && ln[len - 1] == ' ')
                cli_fail(&r, "validate %s: a line with no value: '%.*s'", files[i], (int)len, ln);
            ln += len + (end != NULL);
        }
        if (i == 0)
            assert_null(strstr(r.out, "observed requests per year"));
        if (i == 1) /* its sittings are a period and a capacity, not series */
            assert_non_null(strstr(r.out, "every 14 days"));
        if (i == 2)
            assert_non_null(strstr(r.out, "\n  place funding (GBP)          none\n"));
        cli_result_free(&r);
    }
}

/* validate --diff: what a child changes, key by key; a file that extends nothing is exit 2. */
static void test_cli_validate_diff(void **state)
{
    (void)state;
    cli_result r;
    run_cli(&r, "validate", DATA "child.yaml", "--diff", (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "exit %d, stderr: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "changes relative to " DATA "base.yaml:\n"));
    assert_non_null(strstr(r.out, "\ndisagreement.appeal: 0.1 -> 0.2\n"));
    assert_null(strstr(r.out, "population")); /* unchanged keys are not listed */
    cli_result_free(&r);
    run_cli(&r, "validate", DATA "base.yaml", "--diff", (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "does not extend another scenario"));
    cli_result_free(&r);
}

/* Ctrl-C during a run: exit 130 and nothing under a final name (nor a temporary file). The
 * signal is sent once the run catches it (not after a fixed delay, which under load can come
 * before the handler exists); results are written only after the last replication, so a signal
 * any time before that must leave nothing. */
static void test_cli_run_interrupted(void **state)
{
    (void)state;
    char dir[64], prefix[128];
    make_out_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/x", dir);
    const char *build = getenv("SENDSIM_BUILD");
    char bin[1024];
    snprintf(bin, sizeof bin, "%s/sendsim", build && *build ? build : "build");
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0)
            _exit(126);
        execl(bin, bin, "run", "scenarios/baseline.yaml", "--replications", "3000", "--out",
              prefix, (char *)NULL);
        _exit(127);
    }
    wait_for_handler(pid, SIGINT);
    assert_int_equal(kill(pid, SIGINT), 0);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    if (!WIFEXITED(st))
        fail_msg("sendsim run ended by signal %d, not by its own exit", WTERMSIG(st));
    assert_int_equal(WEXITSTATUS(st), 130);
    assert_dir_empty(dir);
    remove_dir(dir);
}

/* The same scenario and seed give a byte-identical summary with 1 and 2 threads. */
static void test_cli_threads_identical(void **state)
{
    (void)state;
    char dir[64], p1[128], p2[128], c1[160], c2[160];
    make_out_dir(dir);
    snprintf(p1, sizeof p1, "%s/t1", dir);
    snprintf(p2, sizeof p2, "%s/t2", dir);
    snprintf(c1, sizeof c1, "%s-summary.csv", p1);
    snprintf(c2, sizeof c2, "%s-summary.csv", p2);
    cli_result r;
    run_cli(&r, "run", DATA "base.yaml", "--replications", "7", "--seed", "99", "--threads", "1",
            "--quiet", "--out", p1, (char *)NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    run_cli(&r, "run", DATA "base.yaml", "--replications", "7", "--seed", "99", "--threads", "2",
            "--quiet", "--out", p2, (char *)NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    char *a = slurp(c1), *b = slurp(c2);
    assert_true(strlen(a) > 1000);
    assert_string_equal(a, b);
    free(a);
    free(b);
    remove_dir(dir);
}

static void test_cli_top_level(void **state)
{
    (void)state;
    cli_result r;
    run_cli(&r, "--help", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    assert_int_equal(strncmp(r.out, "usage: sendsim ", 15), 0);
    cli_result_free(&r);

    run_cli(&r, "run", "--help", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(strncmp(r.out, "usage: sendsim run ", 19), 0);
    cli_result_free(&r);

    run_cli(&r, "frobnicate", (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "sendsim: unknown command 'frobnicate' (try 'sendsim --help')\n");
    cli_result_free(&r);

    run_cli(&r, (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "usage: sendsim"));
    cli_result_free(&r);
}

int main(void)
{
#define X_ENTRY(name, file, want) cmocka_unit_test(test_error_##name),
    const struct CMUnitTest tests[] = {
        LOAD_ERRORS(X_ENTRY)
        cmocka_unit_test(test_error_missing_file),
        cmocka_unit_test(test_base),
        cmocka_unit_test(test_extends_override_merge_replace),
        cmocka_unit_test(test_extends_replaces_series),
        cmocka_unit_test(test_extends_three_levels),
        cmocka_unit_test(test_placement_rules),
        cmocka_unit_test(test_priors),
        cmocka_unit_test(test_shipped_scenarios),
        cmocka_unit_test(test_resolved_text_reloads),
        cmocka_unit_test(test_cli_validate_errors),
        cmocka_unit_test(test_cli_validate_ok),
        cmocka_unit_test(test_cli_run_bad_scenario),
        cmocka_unit_test(test_cli_run_bad_options),
        cmocka_unit_test(test_cli_run_ok),
        cmocka_unit_test(test_cli_keys_reference_current),
        cmocka_unit_test(test_cli_validate_priors_and_keys),
        cmocka_unit_test(test_cli_validate_diff),
        cmocka_unit_test(test_provenance_notes_above),
        cmocka_unit_test(test_extends_authorities_from_another_folder),
        cmocka_unit_test(test_cli_run_interrupted),
        cmocka_unit_test(test_cli_threads_identical),
        cmocka_unit_test(test_cli_top_level),
        cmocka_unit_test(test_cli_validate_no_empty_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
