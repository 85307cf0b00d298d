/* test_backtest.c - the back-test (send_backtest_*, send_bt_*) and `sendsim backtest`.
 *
 * tests/data/backtest/small.csv holds authority A (101) with figures chosen so that the naive
 * trend is worked out by hand below, one value that a forecast as of 2019 must not see
 * (new_plans 2019 = 1000, published in 2020), and authority B (102) with too little data.
 * The model path runs the small loader scenario (tests/data/backtest/scenario.yaml) through a
 * scenario step of the test's own, so these tests do not depend on `init`'s derivations; the
 * command-line tests use the real step on three authorities cut from data/la-sen2.csv.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gsl/gsl_errno.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "des_stats.h"
#include "send_backtest.h"
#include "send_io.h"
#include "send_keys.h"
#include "send_run.h"
#include "send_scenario.h"
#include "support/test_cli.h"
#include "support/test_util.h"

#define DATA "tests/data/backtest/"

static int small_scenario(const send_sen2 *d, size_t la, int as_of, const char *path, void *ctx,
                          des_error *err)
{
    (void)d, (void)la, (void)as_of;
    io_atomic f;
    int rc = io_atomic_open(&f, path, err);
    if (rc != DES_OK)
        return rc;
    fprintf(f.f, "extends: \"%s\"\n", (const char *)ctx);
    return io_atomic_commit(&f, NULL, err);
}

typedef struct fixture {
    send_sen2 *d;
    char scen[PATH_MAX];
    char dir[32];
    send_bt_opts o;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    des_error err = {0};
    fx->d = send_sen2_read(DATA "small.csv", &err);
    if (!fx->d || !realpath(DATA "scenario.yaml", fx->scen))
        return -1;
    make_out_dir(fx->dir);
    fx->o = (send_bt_opts){.from = 2019, .replications = 8, .seed = 7, .threads = 1,
                           .scenario = small_scenario, .scenario_ctx = fx->scen,
                           .work_dir = fx->dir};
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    send_sen2_free(fx->d);
    remove_dir(fx->dir);
    free(fx);
    return 0;
}

static const send_bt_row *find_row(const send_bt_la *r, int naive, int metric, int period)
{
    for (size_t k = 0; k < r->n_rows; k++)
        if (r->rows[k].naive == naive && r->rows[k].metric == metric &&
            r->rows[k].period == period)
            return &r->rows[k];
    return NULL;
}

static void expect_naive(const send_bt_la *r, int metric, int period, int horizon,
                         double observed, double forecast)
{
    const send_bt_row *x = find_row(r, 1, metric, period);
    if (!x)
        fail_msg("no naive row for %s %d", send_bt_sen2_metric[metric], period);
    assert_int_equal(x->horizon, horizon);
    assert_close(x->observed, observed, 0);
    assert_close(x->p50, forecast, 1e-9);
    assert_close(x->p10, forecast, 1e-9);
    assert_close(x->p90, forecast, 1e-9);
}

/* The least-squares line through the last three published values, by hand. */
static void test_naive_by_hand(void **state)
{
    fixture *fx = *state;
    send_bt_la r;
    assert_int_equal(send_backtest_la(fx->d, 0, fx->d, &fx->o, &r), DES_OK);
    /* ehcp_total 100, 110, 130 (Jan 2017-2019): mean 113.33 at 2018, slope 15 */
    expect_naive(&r, BT_EHCP_TOTAL, 2020, 1, 150, 340.0 / 3 + 30);
    expect_naive(&r, BT_EHCP_TOTAL, 2021, 2, 160, 340.0 / 3 + 45);
    /* new_plans 10, 20, 30 (2016-2018): the 2019 figure (1000) is not published as of 2019,
     * so the trend ignores it and compares with it: 40 at horizon 1, 50 at horizon 2. */
    expect_naive(&r, BT_NEW_PLANS, 2019, 1, 1000, 40);
    expect_naive(&r, BT_NEW_PLANS, 2020, 2, 50, 50);
    expect_naive(&r, BT_INITIAL_REQUESTS, 2019, 1, 8, 5);
    /* 70, 85, 100 -> 115, kept at 100 per cent */
    expect_naive(&r, BT_PCT_20W, 2019, 1, 90, 100);
    /* 3, 2, 1 -> -1 in 2020, kept at 0; nothing observed in 2019 */
    expect_naive(&r, BT_PLANS_CEASED, 2020, 2, 4, 0);
    assert_null(find_row(&r, 1, BT_PLANS_CEASED, 2019));
    /* nothing at or before the start is compared */
    for (size_t k = 0; k < r.n_rows; k++)
        assert_true(r.rows[k].horizon >= 1);
    assert_null(find_row(&r, 1, BT_EHCP_TOTAL, 2019));
    assert_null(find_row(&r, 1, BT_NEW_PLANS, 2018));
    send_bt_la_free(&r);
}

static void test_model_rows(void **state)
{
    fixture *fx = *state;
    send_bt_la r;
    assert_int_equal(send_backtest_la(fx->d, 0, fx->d, &fx->o, &r), DES_OK);
    assert_int_equal(r.has_model, 1);
    int model_rows = 0;
    for (size_t k = 0; k < r.n_rows; k++) {
        const send_bt_row *x = &r.rows[k];
        if (x->naive)
            continue;
        model_rows++;
        assert_true(x->p10 <= x->p50 && x->p50 <= x->p90);
        assert_true(x->p10 >= 0);
        assert_true(find_row(&r, 1, x->metric, x->period) || x->metric == BT_PLANS_CEASED);
    }
    /* ehcp_total 2020, 2021; new_plans 2019, 2020; requests 2019; ceased 2020 at least */
    assert_true(model_rows >= 6);
    assert_non_null(find_row(&r, 0, BT_EHCP_TOTAL, 2021)); /* horizon stretched to 2021 */
    assert_non_null(find_row(&r, 0, BT_NEW_PLANS, 2020));
    send_bt_la_free(&r);
}

static void test_too_little_data(void **state)
{
    fixture *fx = *state;
    send_bt_la r;
    assert_int_equal(send_backtest_la(fx->d, 1, fx->d, &fx->o, &r), DES_EINPUT);
    assert_string_equal(r.err.msg, "authority '102' (B): too little data as of 2019: expected "
                                   "January caseload (ehcp_total) for 2017-2019, found 2019 only");
    assert_int_equal(r.n_rows, 0);
    assert_int_equal(r.stage, BT_AT_DATA);
    assert_true(send_bt_skipped(&r));
    send_bt_la_free(&r);
    fx->o.from = 2021; /* A has 2019-2021 as of 2021 but not 2020-2021 for B */
    assert_int_equal(send_backtest_la(fx->d, 1, fx->d, &fx->o, &r), DES_EINPUT);
    assert_string_equal(r.err.msg, "authority '102' (B): too little data as of 2021: expected "
                                   "January caseload (ehcp_total) for 2019-2021, found 2019-2020");
    send_bt_la_free(&r);
    fx->o.from = 2019;
}

static int bad_scenario(const send_sen2 *d, size_t la, int as_of, const char *path, void *ctx,
                        des_error *err)
{
    (void)d, (void)la, (void)as_of, (void)ctx;
    io_atomic f;
    int rc = io_atomic_open(&f, path, err);
    if (rc != DES_OK)
        return rc;
    fputs("name: broken\nstart: 2019-01-01\nend: 2018-12-31\n", f.f);
    return io_atomic_commit(&f, NULL, err);
}

/* A scenario step that writes a scenario the loader refuses is a failure, not a skip. */
static void test_scenario_fails(void **state)
{
    fixture *fx = *state;
    fx->o.scenario = bad_scenario;
    send_bt_la r;
    assert_int_equal(send_backtest_la(fx->d, 0, fx->d, &fx->o, &r), DES_EINPUT);
    assert_int_equal(r.stage, BT_AT_LOAD);
    assert_false(send_bt_skipped(&r));
    assert_int_equal(r.has_model, 0);
    send_bt_la_free(&r);
}

/* A separate observed file: A is found by its old code; only its periods are compared. */
static void test_observed_file(void **state)
{
    fixture *fx = *state;
    des_error err = {0};
    send_sen2 *obs = send_sen2_read(DATA "observed.csv", &err);
    assert_non_null(obs);
    send_bt_la r;
    assert_int_equal(send_backtest_la(fx->d, 0, obs, &fx->o, &r), DES_OK);
    expect_naive(&r, BT_EHCP_TOTAL, 2022, 3, 170, 340.0 / 3 + 60);
    assert_null(find_row(&r, 1, BT_EHCP_TOTAL, 2021)); /* not in the observed file */
    assert_null(find_row(&r, 1, BT_NEW_PLANS, 2019));
    assert_non_null(find_row(&r, 0, BT_EHCP_TOTAL, 2022));
    send_bt_la_free(&r);
    /* A is not in another authority's file */
    send_sen2 *other = send_sen2_read("tests/data/sen2/single.csv", &err);
    assert_non_null(other);
    assert_int_equal(send_backtest_la(fx->d, 0, other, &fx->o, &r), DES_EINPUT);
    assert_string_equal(r.err.msg, "authority '101' (A) is not in the observed file "
                                   "'tests/data/sen2/single.csv'");
    assert_int_equal(r.n_rows, 0);
    send_bt_la_free(&r);
    send_sen2_free(other);
    send_sen2_free(obs);
}

/* The placement mix. Published, by hand: January 2020 has mainstream 500 (100 of them
 * resourced), special 150 + 50, independent 40 + non-maintained 10, FE 100, early years 20 and
 * elsewhere 30 (alternative provision unpublished: 0): 400 : 100 : 200 : 50 : 100 : 0 : 50 of
 * 900. January 2021 publishes no mainstream total: not compared; January 2019 is the start.
 * The model's shares are the means over the replications of its January placements, computed
 * here from a run of the same scenario, the authority's own seed and the replications (January
 * 2020 and 2021 are months 12 and 24 of a run from January 2019). */
static void test_placement_mix(void **state)
{
    fixture *fx = *state;
    char obs_path[96], csv[96];
    snprintf(obs_path, sizeof obs_path, "%s/mix.csv", fx->dir);
    snprintf(csv, sizeof csv, "%s/mix-placements.csv", fx->dir);
    char *base = slurp(DATA "small.csv");
    FILE *fp = fopen(obs_path, "w");
    assert_non_null(fp);
    fputs(base, fp);
    free(base);
    static const char *const rows[] = {
        "placement_mainstream_total,2020,500", "placement_mainstream_rp_senunit,2020,100",
        "placement_special_la_maintained,2020,150", "placement_special_academy_free,2020,50",
        "placement_special_independent,2020,40", "placement_special_non_maintained,2020,10",
        "placement_fe_total,2020,100", "placement_early_years,2020,20",
        "placement_elsewhere_neet_other,2020,30", "placement_mainstream_total,2019,400",
        "placement_special_la_maintained,2021,170"};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char m[64];
        int y, v;
        assert_int_equal(sscanf(rows[i], "%63[^,],%d,%d", m, &y, &v), 3);
        fprintf(fp, "A,E0000101,101,%s,%d,jan_caseload,%d,test\n", m, y, v);
    }
    assert_int_equal(fclose(fp), 0);
    des_error err = {0};
    send_sen2 *obs = send_sen2_read(obs_path, &err);
    if (!obs)
        fail_msg("%s", err.msg);
    send_bt_la r;
    assert_int_equal(send_backtest_la(fx->d, 0, obs, &fx->o, &r), DES_OK);
    const double hand[BT_MIX_TYPES] = {400.0 / 900, 100.0 / 900, 200.0 / 900, 50.0 / 900,
                                       100.0 / 900, 0, 50.0 / 900};
    for (int g = 0; g < BT_MIX_TYPES; g++) {
        assert_close(r.mix_observed[0][g], hand[g], 1e-15);
        for (int k = 1; k < BT_MIX_YEARS; k++)
            assert_true(isnan(r.mix_observed[k][g]));
    }

    /* the model's shares from a run of its own */
    send_params p;
    char path[96];
    snprintf(path, sizeof path, "%s/101-2019.yaml", fx->dir);
    assert_int_equal(send_scenario_load(path, &p, NULL, &err), DES_OK);
    send_results res;
    send_run_opts ro = {.seed = send_bt_la_seed(fx->o.seed, send_sen2_la_at(fx->d, 0)),
                        .replications = fx->o.replications, .threads = 1};
    assert_int_equal(send_run(&p, &ro, &res, &err), DES_OK);
    static const char *const groups[BT_MIX_TYPES][3] = {
        {"placements_mainstream"}, {"placements_resourced"}, {"placements_special"},
        {"placements_independent", "placements_residential"},
        {"placements_fe_college", "placements_specialist_post16"}, {"placements_ap"},
        {"placements_early_years", "placements_other", "placements_awaiting"}};
    for (int k = 0; k < 2; k++) {
        double c[BT_MIX_TYPES] = {0}, sum = 0;
        for (int g = 0; g < BT_MIX_TYPES; g++) {
            for (int i = 0; i < 3 && groups[g][i]; i++)
                for (int rep = 0; rep < res.n; rep++)
                    c[g] += send_output_row(&res.reps[rep], send_metric_find(groups[g][i]))[12 * (k + 1)] / res.n;
            sum += c[g];
        }
        for (int g = 0; g < BT_MIX_TYPES; g++)
            assert_close(r.mix_model[k][g], c[g] / sum, 1e-12);
    }
    assert_true(isnan(r.mix_model[2][0])); /* January 2022 is beyond the run */
    send_results_free(&res);
    send_params_free(&p);

    /* the table: one row per type for January 2020 only; the summary over it */
    assert_int_equal(send_bt_write_mix_csv(csv, fx->d, &r, 1, 2019, NULL, &err), DES_OK);
    char *t = slurp(csv);
    const char *head = "la_code,la_name,placement,period,horizon_years,observed_share,"
                       "model_share,error_points\n101,A,mainstream,2020,1,0.4444444444,";
    assert_true(!strncmp(t, head, strlen(head)));
    int lines = 0;
    for (const char *q = t; *q; q++)
        lines += *q == '\n';
    assert_int_equal(lines, 1 + BT_MIX_TYPES);
    assert_null(strstr(t, ",2021,"));
    free(t);
    send_bt_mix_summary sm;
    send_bt_mix_summarise(&r, 1, &sm);
    for (int g = 0; g < BT_MIX_TYPES; g++) {
        assert_int_equal(sm.n[g], 1);
        double e = 100 * (r.mix_model[0][g] - hand[g]);
        assert_close(sm.mean_error[g], e, 1e-12);
        assert_close(sm.mean_abs_error[g], fabs(e), 1e-12);
    }
    send_bt_la_free(&r);
    send_sen2_free(obs);
}

static void rows_equal(const send_bt_la *a, const send_bt_la *b)
{
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->n_rows, b->n_rows);
    for (size_t k = 0; k < a->n_rows; k++)
        assert_memory_equal(&a->rows[k], &b->rows[k], sizeof a->rows[k]);
    assert_memory_equal(a->mix_observed, b->mix_observed, sizeof a->mix_observed);
    assert_memory_equal(a->mix_model, b->mix_model, sizeof a->mix_model);
}

/* A calibration that records the seed it was handed and extends the scenario unchanged. */
static int seed_recorder(const send_sen2 *d, size_t la, int as_of, const char *in_path,
                         const char *out_path, uint64_t seed, void *ctx, des_error *err)
{
    (void)d, (void)la, (void)as_of;
    *(uint64_t *)ctx = seed;
    char full[PATH_MAX];
    if (!realpath(in_path, full))
        return des_error_set(err, DES_EIO, "%s: cannot resolve", in_path);
    io_atomic f;
    int rc = io_atomic_open(&f, out_path, err);
    if (rc != DES_OK)
        return rc;
    fprintf(f.f, "extends: \"%s\"\n", full);
    return io_atomic_commit(&f, NULL, err);
}

/* Each authority's seed: the master seed mixed with its old LA code (its new code without one),
 * the same whatever else is in the file; never 0. Its calibration is handed that seed and its
 * forecast runs on it (the placement mix above is reproduced from it). */
static void test_la_seed(void **state)
{
    fixture *fx = *state;
    send_sen2_la a = {.name = "X", .new_code = "E10000018", .old_code = "855", .region = ""};
    send_sen2_la b = a, c = a;
    b.old_code = "856";
    c.old_code = "";
    uint64_t s = send_bt_la_seed(1, &a);
    assert_true(s != 0);
    assert_true(s == send_bt_la_seed(1, &a));
    assert_true(s != send_bt_la_seed(2, &a));
    assert_true(s != send_bt_la_seed(1, &b));
    assert_true(s != 1 && s != send_bt_la_seed(1, &c)); /* the old code, not the new, when both */
    for (uint64_t m = 0; m < 1000; m++)
        assert_true(send_bt_la_seed(m, &a) != 0 && send_bt_la_seed(m, &c) != 0);

    uint64_t handed = 0;
    fx->o.calibrate = seed_recorder;
    fx->o.calibrate_ctx = &handed;
    send_bt_la r;
    assert_int_equal(send_backtest_la(fx->d, 0, fx->d, &fx->o, &r), DES_OK);
    assert_true(handed == send_bt_la_seed(fx->o.seed, send_sen2_la_at(fx->d, 0)));
    assert_true(handed != fx->o.seed);
    /* the calibrated file extends the scenario unchanged, so the forecast is the uncalibrated
     * one: the same seed gives the same rows */
    fx->o.calibrate = NULL;
    send_bt_la u;
    assert_int_equal(send_backtest_la(fx->d, 0, fx->d, &fx->o, &u), DES_OK);
    assert_int_equal(r.n_rows, u.n_rows);
    for (size_t k = 0; k < r.n_rows; k++)
        assert_memory_equal(&r.rows[k], &u.rows[k], sizeof r.rows[k]);
    send_bt_la_free(&r);
    send_bt_la_free(&u);
}

/* The same table for one thread and two; a different seed moves the model's bands. */
static void test_threads_identical(void **state)
{
    fixture *fx = *state;
    size_t las[2] = {0, 1};
    send_bt_la one[2], two[2], other[2];
    assert_int_equal(send_backtest_run(fx->d, las, 2, fx->d, &fx->o, one), DES_OK);
    fx->o.threads = 2;
    assert_int_equal(send_backtest_run(fx->d, las, 2, fx->d, &fx->o, two), DES_OK);
    fx->o.seed = 8;
    assert_int_equal(send_backtest_run(fx->d, las, 2, fx->d, &fx->o, other), DES_OK);
    fx->o.threads = 1;
    fx->o.seed = 7;
    for (int i = 0; i < 2; i++)
        rows_equal(&one[i], &two[i]);
    assert_int_equal(one[1].status, DES_EINPUT);
    int differs = 0;
    for (size_t k = 0; k < one[0].n_rows; k++)
        differs |= !one[0].rows[k].naive &&
                   (one[0].rows[k].p50 != other[0].rows[k].p50 ||
                    one[0].rows[k].p10 != other[0].rows[k].p10);
    assert_true(differs);
    for (int i = 0; i < 2; i++) {
        send_bt_la_free(&one[i]);
        send_bt_la_free(&two[i]);
        send_bt_la_free(&other[i]);
    }
}

static void test_csv_and_summary(void **state)
{
    fixture *fx = *state;
    size_t las[2] = {0, 1};
    send_bt_la r[2];
    assert_int_equal(send_backtest_run(fx->d, las, 2, fx->d, &fx->o, r), DES_OK);
    char path[64];
    snprintf(path, sizeof path, "%s/x-backtest.csv", fx->dir);
    des_error err = {0};
    assert_int_equal(send_bt_write_csv(path, fx->d, r, 2, NULL, &err), DES_OK);
    char *s = slurp(path);
    const char *head = "la_code,la_name,metric,period,horizon_years,observed,p10,p50,p90,"
                       "inside_p10_p90,abs_pct_error\n";
    assert_true(strncmp(s, head, strlen(head)) == 0);
    /* |143.33 - 150| / 150 = 4.44%; B has no rows */
    assert_non_null(strstr(s, "\n101,A,naive_ehcp_total,2020,1,150,143.3333333,143.3333333,"
                              "143.3333333,,4.444444444\n"));
    assert_non_null(strstr(s, "\n101,A,naive_new_plans,2020,2,50,50,50,50,,0\n"));
    assert_null(strstr(s, "\n102,"));
    assert_int_equal(count_lines(s), 1 + r[0].n_rows);
    /* every model row's inside flag agrees with its band */
    for (size_t k = 0; k < r[0].n_rows; k++) {
        const send_bt_row *x = &r[0].rows[k];
        if (x->naive)
            continue;
        char want[256];
        snprintf(want, sizeof want, "\n101,A,%s,%d,%d,%.10g,", send_bt_sen2_metric[x->metric],
                 x->period, x->horizon, x->observed);
        const char *line = strstr(s, want);
        assert_non_null(line);
        const char *eol = strchr(line + 1, '\n');
        const char *c = eol;
        while (*--c != ',')
            ;
        assert_int_equal(c[-1] - '0', x->observed >= x->p10 && x->observed <= x->p90);
    }
    free(s);

    send_bt_summary sum;
    assert_int_equal(send_bt_summarise(r, 2, &sum, &err), DES_OK);
    assert_int_equal(sum.n[1][BT_EHCP_TOTAL], 2);
    assert_close(sum.median_ape[1][BT_EHCP_TOTAL][1], (150 - 430.0 / 3) / 150 * 100, 1e-9);
    assert_close(sum.median_ape[1][BT_EHCP_TOTAL][2], (160 - 475.0 / 3) / 160 * 100, 1e-9);
    /* new plans at horizon 1: |40 - 1000| / 1000; at 2: 0 */
    assert_close(sum.median_ape[1][BT_NEW_PLANS][1], 96, 1e-9);
    assert_close(sum.median_ape[1][BT_NEW_PLANS][2], 0, 1e-12);
    assert_true(isnan(sum.coverage[1][BT_EHCP_TOTAL])); /* no band for the naive trend */
    int inside = 0, n = 0;
    for (size_t k = 0; k < r[0].n_rows; k++)
        if (!r[0].rows[k].naive && r[0].rows[k].metric == BT_EHCP_TOTAL) {
            n++;
            inside += r[0].rows[k].observed >= r[0].rows[k].p10 &&
                      r[0].rows[k].observed <= r[0].rows[k].p90;
        }
    assert_int_equal(sum.n[0][BT_EHCP_TOTAL], n);
    assert_close(sum.coverage[0][BT_EHCP_TOTAL], (double)inside / n, 1e-12);
    assert_true(isnan(send_bt_abs_pct_error(5, 0)));
    for (int i = 0; i < 2; i++)
        send_bt_la_free(&r[i]);
}

/* ---- the command ------------------------------------------------------------------------- */

static void test_cli_errors(void **state)
{
    (void)state;
    char dir[32], out[64];
    make_out_dir(dir);
    snprintf(out, sizeof out, "%s/x", dir);
    cli_result r;
    run_cli(&r, "backtest", "--la", "B", "--from", "2019", "--data", DATA "small.csv", "--out",
            out, NULL);
    if (r.status != 2 ||
        strcmp(r.err, "sendsim backtest: authority '102' (B): too little data as of 2019: "
                      "expected January caseload (ehcp_total) for 2017-2019, found 2019 only\n"))
        cli_fail(&r, "too little data");
    cli_result_free(&r);
    run_cli(&r, "backtest", "--la", "Dorset", "--from", "2019", "--out", out, NULL);
    if (r.status != 2 || !strstr(r.err, "authority 'Dorset' is ambiguous in 'data/la-sen2.csv': "
                                        "give its code (835 Dorset [E10000009], 838 Dorset "
                                        "[E06000059])"))
        cli_fail(&r, "ambiguous");
    cli_result_free(&r);
    run_cli(&r, "backtest", "--la", "855", "--out", out, NULL);
    if (r.status != 2 || !strstr(r.err, "--from YEAR is required"))
        cli_fail(&r, "no --from");
    cli_result_free(&r);
    run_cli(&r, "backtest", "--la", "855", "--all", "--from", "2019", NULL);
    if (r.status != 2)
        cli_fail(&r, "--la and --all");
    cli_result_free(&r);
    run_cli(&r, "backtest", "--all", "--from", "2019", "--data", "tests/data/sen2/err_value.csv",
            "--out", out, NULL);
    if (r.status != 2 || strcmp(r.err, "sendsim backtest: tests/data/sen2/err_value.csv:4: "
                                       "value: expected a number, found '12x'\n"))
        cli_fail(&r, "bad data");
    cli_result_free(&r);
    assert_dir_empty(dir);
    remove_dir(dir);
}

/* Four small authorities cut from the shipped file, with `init`'s scenarios and calibration
 * (priors pooled across the file's authorities need more than one): the CSV is byte-identical
 * for one thread and two, and the one with too little data is listed. */
static void test_cli_threads_identical(void **state)
{
    (void)state;
    char dir[32], sub[64], a[64], b[64], ca[128], cb[128];
    make_out_dir(dir);
    snprintf(sub, sizeof sub, "%s/sub.csv", dir);
    write_four_authorities(sub);
    snprintf(a, sizeof a, "%s/one", dir);
    snprintf(b, sizeof b, "%s/two", dir);
    cli_result r;
    run_cli(&r, "backtest", "--all", "--from", "2022", "--data", sub, "--replications", "4",
            "--threads", "1", "--out", a, NULL);
    if (r.status != 0 || !strstr(r.err, "skipped: authority '836' (Poole): too little data as "
                                        "of 2022: expected January caseload (ehcp_total) for "
                                        "2020-2022, found 2010-2019") ||
        !strstr(r.out, "back-test from 2022: 3 authorities compared, 0 with nothing published after the "
                                        "start, 1 not back-tested") ||
        !strstr(r.out, "placement mix, January (share of plans placed, model - published, "
                       "points): 9 authority-Januaries") ||
        !strstr(r.out, "-placements.csv\n") ||
        !strstr(r.out, "pct_within_20_weeks bands from below 1% to above 99% (they hold nearly "
                       "any value): all "))
        cli_fail(&r, "one thread");
    cli_result_free(&r);
    run_cli(&r, "backtest", "--all", "--from", "2022", "--data", sub, "--replications", "4",
            "--threads", "2", "--out", b, "--quiet", NULL);
    if (r.status != 0)
        cli_fail(&r, "two threads");
    cli_result_free(&r);
    snprintf(ca, sizeof ca, "%s-backtest.csv", a);
    snprintf(cb, sizeof cb, "%s-backtest.csv", b);
    char *x = slurp(ca), *y = slurp(cb);
    assert_string_equal(x, y);
    assert_non_null(strstr(x, "\n857,Rutland,ehcp_total,2023,1,"));
    assert_non_null(strstr(x, "\n805,Hartlepool,naive_plans_ceased,2024,3,"));
    free(x);
    free(y);
    /* init wrote the history, so its request growth (shrunk from the own caseload) is drawn
     * from the prior, not fitted; the fit carries the pooled observation error */
    snprintf(ca, sizeof ca, "%s-scenarios/857-2022-calibrated.yaml", a);
    x = slurp(ca);
    char *keys = strstr(x, "  keys: [");
    assert_non_null(keys);
    assert_null(strstr(strtok(keys, "\n"), "requests.growth,"));
    assert_non_null(strstr(keys + strlen(keys) + 1, "keys_drawn_not_fitted: 1\n"));
    assert_non_null(strstr(keys + strlen(keys) + 1, "observation_sd_plans_ceased: 0."));
    free(x);
    /* the placement mix: 3 authorities x January 2023-2025 x 7 types, the same for 2 threads */
    snprintf(ca, sizeof ca, "%s-placements.csv", a);
    snprintf(cb, sizeof cb, "%s-placements.csv", b);
    x = slurp(ca), y = slurp(cb);
    assert_string_equal(x, y);
    assert_int_equal(count_lines(x), 1 + 3 * 3 * BT_MIX_TYPES);
    assert_non_null(strstr(x, "\n857,Rutland,independent,2025,3,"));
    free(x);
    free(y);
    /* the error-by-horizon chart's data: horizons 1-3 (January 2023-2025), model and naive */
    snprintf(ca, sizeof ca, "%s-error-ehcp_total.dat", a);
    x = slurp(ca);
    assert_int_equal(count_lines(x), 2 + 3);
    assert_non_null(strstr(x, "\n1 "));
    assert_non_null(strstr(x, "\n3 "));
    free(x);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* --pool: a one-authority file back-tested with the pool of four others' series. The scenario
 * the back-test writes is byte for byte `init --pool`'s as of the same year, and a pool with
 * nothing published by then is an input error naming it. */
static void test_cli_pool(void **state)
{
    (void)state;
    char dir[32], sub[64], prefix[64], made[128], own[128], cmd[256];
    make_out_dir(dir);
    snprintf(sub, sizeof sub, "%s/pool.csv", dir);
    write_four_authorities(sub);
    snprintf(prefix, sizeof prefix, "%s/bt", dir);
    cli_result r;
    run_cli(&r, "backtest", "--la", "855", "--data", "data/leicestershire-sen2.csv", "--pool",
            sub, "--from", "2022", "--no-calibrate", "--replications", "2", "--threads", "1",
            "--no-plots", "--out", prefix, NULL);
    if (r.status != 0 || !strstr(r.out, "back-test from 2022: 1 authorities compared"))
        cli_fail(&r, "backtest --pool");
    cli_result_free(&r);
    snprintf(own, sizeof own, "%s/init.yaml", dir);
    run_cli(&r, "init", "--la", "855", "--data", "data/leicestershire-sen2.csv", "--pool", sub,
            "--as-of", "2022", "--out", own, NULL);
    if (r.status != 0)
        cli_fail(&r, "init --pool");
    cli_result_free(&r);
    snprintf(made, sizeof made, "%s-scenarios/855-2022.yaml", prefix);
    char *x = slurp(made), *y = slurp(own);
    assert_non_null(strstr(x, sub)); /* the pool is named where pooled values come from */
    assert_string_equal(x, y);
    assert_null(strstr(x, "backlog_months"));
    free(x);
    free(y);
    /* --reverting-timeliness reaches init: the same file as init's with it */
    run_cli(&r, "backtest", "--la", "855", "--data", "data/leicestershire-sen2.csv", "--pool",
            sub, "--from", "2022", "--no-calibrate", "--replications", "2", "--threads", "1",
            "--no-plots", "--reverting-timeliness", "--out", prefix, NULL);
    if (r.status != 0)
        cli_fail(&r, "backtest --reverting-timeliness");
    cli_result_free(&r);
    run_cli(&r, "init", "--la", "855", "--data", "data/leicestershire-sen2.csv", "--pool", sub,
            "--as-of", "2022", "--reverting-timeliness", "--out", own, NULL);
    if (r.status != 0 || !strstr(r.out, " --reverting-timeliness\n"))
        cli_fail(&r, "init --reverting-timeliness");
    cli_result_free(&r);
    x = slurp(made);
    y = slurp(own);
    assert_string_equal(x, y);
    assert_non_null(strstr(x, "    backlog_months: "));
    free(x);
    free(y);
    /* calibrated, the forecast-error term's back-tests run over the pool's four authorities
     * (too few to pool 20 errors at a horizon: recorded empty, and said so); with
     * --reverting-timeliness the history calibration fits and the term's scenarios have it too */
    run_cli(&r, "backtest", "--la", "855", "--data", "data/leicestershire-sen2.csv", "--pool",
            sub, "--from", "2022", "--replications", "2", "--threads", "2", "--no-plots",
            "--reverting-timeliness", "--out", prefix, NULL);
    char term[200];
    snprintf(term, sizeof term, "no forecast-error term: the back-tests of the 4 authorities of "
             "'%s' pool fewer than 20 errors at any horizon", sub);
    if (r.status != 0 || !strstr(r.out, term))
        cli_fail(&r, "backtest --pool, calibrated");
    cli_result_free(&r);
    snprintf(made, sizeof made, "%s-scenarios/855-2022-calibrated.yaml", prefix);
    x = slurp(made);
    assert_non_null(strstr(x, "  discrepancy:\n"));
    /* the pool's four back-tested (Leicestershire's file alone would give 1), none with
     * enough errors for a horizon */
    assert_non_null(strstr(x, "    origins: [2017, 2019, 2021]\n    authorities: 4\n"));
    assert_non_null(strstr(x, "    metrics:\n  fit:\n"));
    free(x);
    static const char *const with_it[] = {"855-2022-calibrated-history.yaml", "857-2017.yaml",
                                          "857-2021-calibrated-history.yaml"};
    for (int i = 0; i < 3; i++) {
        snprintf(made, sizeof made, "%s-scenarios/%s", prefix, with_it[i]);
        x = slurp(made);
        if (!strstr(x, "    backlog_months: "))
            fail_msg("%s: no backlog_months", made);
        free(x);
    }
    run_cli(&r, "backtest", "--la", "855", "--data", "data/leicestershire-sen2.csv", "--pool",
            sub, "--from", "2009", "--out", prefix, NULL);
    char want[200];
    snprintf(want, sizeof want, "sendsim backtest: the pool '%s' holds no ehcp_total published "
             "by 2009\n", sub);
    if (r.status != 2 || strcmp(r.err, want))
        cli_fail(&r, "a pool with nothing published by the start");
    cli_result_free(&r);
    run_cli(&r, "backtest", "--la", "855", "--pool", "tests/data/sen2/err_value.csv", "--from",
            "2022", "--out", prefix, NULL);
    if (r.status != 2 || strcmp(r.err, "sendsim backtest: tests/data/sen2/err_value.csv:4: "
                                       "value: expected a number, found '12x'\n"))
        cli_fail(&r, "a bad pool file");
    cli_result_free(&r);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* Sharpness, interval score and (for a percentage) the bands that hold nearly any value,
 * beside coverage, worked by hand on rows made up for it. */
static void test_summary_sharpness(void **state)
{
    (void)state;
    send_bt_row rows[] = {
        {.metric = BT_EHCP_TOTAL, .horizon = 1, .observed = 100, .p10 = 90, .p50 = 100, .p90 = 110},
        {.metric = BT_EHCP_TOTAL, .horizon = 1, .observed = 200, .p10 = 100, .p50 = 120, .p90 = 150},
        {.metric = BT_EHCP_TOTAL, .horizon = 2, .observed = 50, .p10 = 60, .p50 = 90, .p90 = 120},
        {.metric = BT_EHCP_TOTAL, .naive = 1, .horizon = 1, .observed = 100, .p10 = 1, .p50 = 1,
         .p90 = 1},
        {.metric = BT_PCT_20W, .horizon = 1, .observed = 40, .p10 = 0, .p50 = 20, .p90 = 50},
        /* bands that hold nearly any value: P10 below 1 and P90 above 99, both strictly */
        {.metric = BT_PCT_20W, .horizon = 2, .observed = 40, .p10 = 0.5, .p50 = 60, .p90 = 100},
        {.metric = BT_PCT_20W, .horizon = 2, .observed = 40, .p10 = 1, .p50 = 60, .p90 = 100},
        {.metric = BT_PCT_20W, .horizon = 2, .observed = 40, .p10 = 0, .p50 = 60, .p90 = 99},
    };
    send_bt_la la = {.rows = rows, .n_rows = sizeof rows / sizeof *rows};
    /* width + (2 / alpha) x the miss */
    assert_close(send_interval_score(100, 150, 200, 0.2), 50 + 10 * 50, 1e-12);
    assert_close(send_interval_score(60, 120, 50, 0.2), 60 + 10 * 10, 1e-12);
    assert_close(send_interval_score(90, 110, 100, 0.2), 20, 1e-12);
    send_bt_summary s;
    des_error err = {0};
    assert_int_equal(send_bt_summarise(&la, 1, &s, &err), DES_OK);
    int e = BT_EHCP_TOTAL;
    assert_close(s.coverage_h[e][1], 0.5, 0);
    assert_close(s.ratio_h[e][1], 0.5 * (110.0 / 90 + 1.5), 1e-12);
    assert_close(s.score_h[e][1], 0.5 * (20 + 550.0 / 200 * 100), 1e-12); /* 20%, 275% */
    assert_close(s.coverage_h[e][2], 0, 0);
    assert_close(s.ratio_h[e][2], 2, 1e-12);
    assert_close(s.score_h[e][2], 160.0 / 50 * 100, 1e-12);
    assert_close(s.coverage_h[e][0], 1.0 / 3, 1e-12); /* every horizon; the naive row left out */
    assert_close(s.ratio_h[e][0], 1.5, 1e-12);
    assert_close(s.score_h[e][0], (20 + 275 + 320) / 3.0, 1e-12);
    assert_true(isnan(s.coverage_h[e][3]));
    /* a percentage: in points, not relative; P10 at 0 is an unbounded ratio */
    assert_close(s.coverage_h[BT_PCT_20W][1], 1, 0);
    assert_true(isinf(s.ratio_h[BT_PCT_20W][1]));
    assert_close(s.score_h[BT_PCT_20W][1], 50, 1e-12);
    assert_close(s.whole_h[BT_PCT_20W][1], 0, 0);
    assert_close(s.whole_h[BT_PCT_20W][2], 1.0 / 3, 1e-12);
    assert_close(s.whole_h[BT_PCT_20W][0], 1.0 / 4, 1e-12);
    assert_true(isnan(s.whole_h[BT_PCT_20W][3]));
    assert_true(isnan(s.whole_h[e][1]) && isnan(s.whole_h[e][0])); /* counts: not defined */
}

/* ---- the forecast-error term --------------------------------------------------------------- */

/* A term of one metric (ehcp_total) at two horizons, worked by hand. */
static send_discrepancy hand_term(void)
{
    send_discrepancy d = {.n_metrics = 1, .n_q = 3, .levels = {0.25, 0.5, 0.75},
                          .metric = {send_metric_find("ehcp_total")}, .n_h = {2},
                          .n = {{30, 20}}, .growth = {1}, .growth_h = {3},
                          .growth_spread = {{0.1, 0.2, 0.3}}, .as_of = 2019, .n_origins = 2,
                          .origins = {2016, 2017}, .authorities = 9, .replications = 3};
    double q1[3] = {-0.1, 0, 0.1}, q2[3] = {-0.2, 0.05, 0.3};
    memcpy(d.q[0][0], q1, sizeof q1);
    memcpy(d.q[0][1], q2, sizeof q2);
    return d;
}

static void test_discrepancy_factor(void **state)
{
    (void)state;
    send_discrepancy d = hand_term();
    assert_close(send_discrepancy_log_factor(&d, 0, 0, 0.75), 0, 0);
    assert_close(send_discrepancy_log_factor(&d, 0, 0.5, 0.75), 0.05, 1e-15);  /* half of 0.1 */
    assert_close(send_discrepancy_log_factor(&d, 0, 1, 0.625), 0.05, 1e-15);   /* between levels */
    assert_close(send_discrepancy_log_factor(&d, 0, 1.5, 0.5), 0.025, 1e-15);  /* 0 .. 0.05 */
    assert_close(send_discrepancy_log_factor(&d, 0, 2, 0.1), -0.2, 1e-15);     /* below the levels */
    /* beyond horizon 2: the median 0.05 held, the spread about it (0.25) doubled at 4 years */
    assert_close(send_discrepancy_log_factor(&d, 0, 4, 0.75), 0.05 + 0.25 * 2, 1e-15);
    assert_close(send_discrepancy_log_factor(&d, 0, 4, 0.5), 0.05, 1e-15);
    /* growth 0.5 (a random walk): the spread at 8 years is sqrt(8 / 2) = 2 times horizon 2's */
    d.growth[0] = 0.5;
    assert_close(send_discrepancy_log_factor(&d, 0, 8, 0.75), 0.05 + 0.25 * 2, 1e-15);
    assert_close(send_discrepancy_log_factor(&d, 0, 8, 0.25), 0.05 - 0.25 * 2, 1e-15);
    assert_close(send_discrepancy_log_factor(&d, 0, 2, 0.75), 0.3, 1e-15); /* measured: as is */
    /* growth 0: the last measured horizon's quantiles held */
    d.growth[0] = 0;
    assert_close(send_discrepancy_log_factor(&d, 0, 6, 0.75), 0.3, 1e-15);
}

/* Net of the forecast's own spread (worked by hand): the term's P90 - P10 is 0.2 at one year
 * (u 0.1 and 0.9 lie beyond the levels: -0.1 and 0.1), 0.5 at two, 0.75 at three and 1.0 at
 * four (about the median 0.05, growing linearly); with own spreads 0.12, 0.4, 0.5 and 2.0 the
 * scales are sqrt(1 - 0.6^2) = 0.8, sqrt(1 - 0.8^2) = 0.6, sqrt(1 - (2/3)^2) = sqrt(5)/3 and
 * 0 (the own spread is already wider than the term's). */
static void test_discrepancy_net(void **state)
{
    (void)state;
    send_discrepancy d = hand_term();
    const double own[4] = {0.12, 0.4, 0.5, 2.0};
    memcpy(d.own[0], own, sizeof own);
    d.n_own[0] = 4;
    assert_close(send_discrepancy_net_scale(&d, 0, 1), 0.8, 1e-15);
    assert_close(send_discrepancy_net_scale(&d, 0, 0.5), 0.8, 1e-15); /* held before 1 */
    assert_close(send_discrepancy_net_scale(&d, 0, 2), 0.6, 1e-15);
    assert_close(send_discrepancy_net_scale(&d, 0, 1.5), 0.7, 1e-15); /* linear between */
    assert_close(send_discrepancy_net_scale(&d, 0, 3), sqrt(5) / 3, 1e-15);
    assert_close(send_discrepancy_net_scale(&d, 0, 4), 0, 0);
    assert_close(send_discrepancy_net_scale(&d, 0, 7), 0, 0); /* held after n_own */
    assert_close(send_discrepancy_log_factor(&d, 0, 0, 0.75), 0, 0);
    assert_close(send_discrepancy_log_factor(&d, 0, 1, 0.75), 0.08, 1e-15);
    assert_close(send_discrepancy_log_factor(&d, 0, 0.5, 0.75), 0.04, 1e-15);
    assert_close(send_discrepancy_log_factor(&d, 0, 2, 0.25), 0.05 - 0.25 * 0.6, 1e-15);
    /* 1.5 years: gross 0.2 about the median 0.025, scale 0.7 */
    assert_close(send_discrepancy_log_factor(&d, 0, 1.5, 0.75), 0.025 + 0.175 * 0.7, 1e-15);
    /* the medians are never moved */
    assert_close(send_discrepancy_log_factor(&d, 0, 2, 0.5), 0.05, 1e-15);
    assert_close(send_discrepancy_log_factor(&d, 0, 4, 0.75), 0.05, 1e-15);
    assert_close(send_discrepancy_log_factor(&d, 0, 6, 0.1), 0.05, 1e-15);
    /* no own spread measured: the term as it is */
    d.n_own[0] = 0;
    assert_close(send_discrepancy_net_scale(&d, 0, 2), 1, 0);
    assert_close(send_discrepancy_log_factor(&d, 0, 2, 0.25), -0.2, 1e-15);
}

/* The golden scenario to `end` with a one-set ensemble (requests.growth 0) and the term d,
 * written to path and loaded twice: *p as written, *q with its term taken out. */
static void term_scenarios(const char *path, const char *end, const send_discrepancy *d,
                           send_params *p, send_params *q)
{
    char golden[PATH_MAX];
    assert_non_null(realpath("tests/golden/golden.yaml", golden));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "extends: \"%s\"\nend: %s\nensemble:\n  keys: [requests.growth]\n"
               "  sets: [[0.0]]\n", golden, end);
    send_discrepancy_yaml_print(f, d, "  ");
    fclose(f);
    des_error err = {0};
    if (send_scenario_load(path, p, NULL, &err) != DES_OK ||
        send_scenario_load(path, q, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    free(q->ensemble->discrepancy);
    q->ensemble->discrepancy = NULL;
}

/* The golden scenario to the end of 2021 with term d (p) and without it (q), in a new directory
 * dir, and p run for 3 replications with seed on 2 threads into a. */
static void term_run(char dir[32], const send_discrepancy *d, uint64_t seed, send_params *p,
                     send_params *q, send_results *a)
{
    char path[64];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/m.yaml", dir);
    term_scenarios(path, "2021-12-31", d, p, q);
    send_run_opts ro = {.seed = seed, .replications = 3, .threads = 2};
    des_error err = {0};
    if (send_run(p, &ro, a, &err) != DES_OK)
        fail_msg("%s", err.msg);
}

/* Written into an ensemble, read back bit for bit; a run multiplies each replication's
 * ehcp_total by exp(log factor) at its horizon for its recorded uniform, nothing else. */
static void test_discrepancy_run(void **state)
{
    (void)state;
    char dir[32], path[64];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/d.yaml", dir);
    send_discrepancy d = hand_term();
    d.growth_term[0] = 1; /* read back as written */
    d.own[0][0] = 0.12; /* net of an own spread at one year: scale 0.8 */
    d.n_own[0] = 1;
    d.own_replications = 100;
    send_params p, q;
    des_error err = {0};
    term_scenarios(path, "2019-12-31", &d, &p, &q);
    assert_non_null(p.ensemble->discrepancy);
    assert_memory_equal(p.ensemble->discrepancy, &d, sizeof d);
    send_run_opts ro = {.seed = 3, .replications = 4, .threads = 2};
    send_results a, b;
    assert_int_equal(send_run(&p, &ro, &a, &err), DES_OK);
    assert_int_equal(send_run(&q, &ro, &b, &err), DES_OK);
    assert_int_equal(a.n_params, 3);
    assert_string_equal(a.param_paths[2], "discrepancy.ehcp_total");
    int e = send_metric_find("ehcp_total"), np = send_metric_find("new_plans");
    int stratum[4] = {0};
    for (int r = 0; r < 4; r++) {
        double u = a.param_values[r * 3 + 2];
        /* stratified: the 4 replications' uniforms in the 4 quarters of (0, 1), one each */
        stratum[(int)(u * 4)]++;
        for (int i = 1; i < 12; i++) {
            double x = send_output_row(&a.reps[r], e)[i], y = send_output_row(&b.reps[r], e)[i];
            assert_close(x, y * exp(send_discrepancy_log_factor(&d, 0, i / 12.0, u)), 1e-9 * y);
        }
        assert_close(send_output_row(&a.reps[r], e)[0], send_output_row(&b.reps[r], e)[0], 0);
        assert_close(send_output_row(&a.reps[r], np)[0], send_output_row(&b.reps[r], np)[0], 0);
    }
    for (int k = 0; k < 4; k++)
        assert_int_equal(stratum[k], 1);
    send_results_free(&a);
    send_results_free(&b);
    send_params_free(&p);
    send_params_free(&q);
    remove_dir(dir);
}

/* The money follows the plans' term: each replication of a scenario whose term has ehcp_total
 * runs with per-child costs multiplied, month k, by exp(log factor at (k + 0.5) / 12 years) for
 * its own uniform: the same replication run by hand from its seeds without the term, with those
 * factors, gives the same money to the penny; without them it gives other money. */
static void test_discrepancy_money(void **state)
{
    (void)state;
    char dir[32];
    send_discrepancy d = hand_term();
    send_params p, q;
    send_results a;
    des_error err = {0};
    term_run(dir, &d, 3, &p, &q, &a);
    assert_int_equal(send_param_set(&q, "requests.growth", 0.0, &err), DES_OK);
    int money[] = {send_metric_find("hn_spend_gbp"), send_metric_find("dsg_balance_gbp"),
                   send_metric_find("dsg_topup_special_gbp"),
                   send_metric_find("gf_transport_gbp"), send_metric_find("sc_spend_gbp"),
                   send_metric_find("dsg_place_special_gbp")};
    double fac[36];
    for (int r = 0; r < 3; r++) {
        double u = a.param_values[r * 3 + 2];
        for (int k = 0; k < 36; k++)
            fac[k] = exp(send_discrepancy_log_factor(&d, 0, (k + 0.5) / 12.0, u));
        send_output by[2];
        for (int w = 0; w < 2; w++) {
            q.child_cost_factor = w ? fac : NULL;
            q.n_child_cost_factor = w ? 36 : 0;
            assert_int_equal(send_output_init(&by[w], &q, &err), DES_OK);
            send_model *m = send_model_create(&q, &err);
            assert_non_null(m);
            assert_int_equal(send_model_run(m, a.seeds + (size_t)r * a.seeds_per_rep, &by[w],
                                            &err), DES_OK);
            send_model_destroy(m);
        }
        int n = send_output_periods(&by[1], money[0]), moved = 0;
        assert_true(n >= 2);
        for (size_t j = 0; j < sizeof money / sizeof money[0]; j++)
            for (int i = 0; i < n; i++) {
                double x = send_output_row(&a.reps[r], money[j])[i];
                assert_close(x, send_output_row(&by[1], money[j])[i], 0.005);
                moved |= fabs(x - send_output_row(&by[0], money[j])[i]) > 1;
            }
        assert_true(moved);
        send_output_free(&by[0]);
        send_output_free(&by[1]);
    }
    q.child_cost_factor = NULL;
    send_results_free(&a);
    send_params_free(&p);
    send_params_free(&q);
    remove_dir(dir);
}

/* The plans' parts follow the term: in each month of each replication the age bands are the
 * run without the term times the plans' factor, so they still add up to the plans; the
 * placements are the run's own. */
static void test_discrepancy_parts(void **state)
{
    (void)state;
    char dir[32];
    send_discrepancy d = hand_term();
    send_params p, q;
    send_results a, b;
    des_error err = {0};
    term_run(dir, &d, 5, &p, &q, &a);
    send_run_opts ro = {.seed = 5, .replications = 3, .threads = 2};
    assert_int_equal(send_run(&q, &ro, &b, &err), DES_OK);
    int e = send_metric_find("ehcp_total"), band = send_metric_find("ehcp_age_under5");
    int place = send_metric_find("placements_mainstream");
    int n = send_output_periods(&a.reps[0], e), moved = 0;
    for (int r = 0; r < 3; r++) {
        send_output *x = &a.reps[r], *y = &b.reps[r];
        for (int i = 0; i < n; i++) {
            double f = send_output_row(x, e)[i] / send_output_row(y, e)[i], sum = 0, sy = 0;
            moved |= fabs(f - 1) > 0.01;
            for (int k = 0; k < BAND_COUNT; k++) {
                assert_close(send_output_row(x, band + k)[i], f * send_output_row(y, band + k)[i],
                             1e-9 * send_output_row(x, e)[i]);
                sum += send_output_row(x, band + k)[i];
                sy += send_output_row(y, band + k)[i];
            }
            if (fabs(sy - send_output_row(y, e)[i]) < 1e-9)
                assert_close(sum, send_output_row(x, e)[i], 1e-9 * sum);
            for (int k = 0; k < PROV_COUNT; k++)
                assert_close(send_output_row(x, place + k)[i], send_output_row(y, place + k)[i], 0);
        }
    }
    assert_true(moved);
    send_results_free(&a);
    send_results_free(&b);
    send_params_free(&p);
    send_params_free(&q);
    remove_dir(dir);
}

/* A bad own_spread or growth_from in a written term: file:line:column, the key's path, what
 * was expected. */
static void test_discrepancy_bad_fields(void **state)
{
    (void)state;
    char dir[32], path[64], golden[PATH_MAX], want[256];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/d.yaml", dir);
    assert_non_null(realpath("tests/golden/golden.yaml", golden));
    static const char *const own[3] = {"own_spread: [0.1, -0.2]",
                                       "own_spread: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]",
                                       "growth_from: trend"};
    static const char *const msg[3] = {
        "%s:11:27: ensemble.discrepancy.metrics.ehcp_total.own_spread[1]: expected a number in "
        "[0, 100], got -0.2",
        "%s:11:21: ensemble.discrepancy.metrics.ehcp_total.own_spread: expected at most 8 "
        "horizons",
        "%s:11:22: ensemble.discrepancy.metrics.ehcp_total.growth_from: expected one of: naive, "
        "term"};
    for (int k = 0; k < 3; k++) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "extends: \"%s\"\nensemble:\n  keys: [requests.growth]\n  sets: [[0.0]]\n"
                   "  discrepancy:\n    levels: [0.25, 0.5, 0.75]\n    metrics:\n"
                   "      ehcp_total:\n        quantiles:\n          - [-0.1, 0, 0.1]\n"
                   "        %s\n", golden, own[k]);
        fclose(f);
        send_params p;
        des_error err = {0};
        assert_int_equal(send_scenario_load(path, &p, NULL, &err), DES_EINPUT);
        snprintf(want, sizeof want, msg[k], path);
        assert_string_equal(err.msg, want);
    }
    remove_dir(dir);
}

static char *term_text(const send_discrepancy *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    send_discrepancy_yaml_print(f, d, "");
    fclose(f);
    return buf;
}

/* The term as of 2022 from three authorities of the shipped file (init's scenarios, no
 * calibration, 3 replications): the same bytes when the data after June 2022 are cut off, and
 * for one thread or two; origins 2017, 2019, 2021 (requests are published from 2016, and a
 * calibration needs one year of history); errors only where a value was published. */
static void test_discrepancy_as_of(void **state)
{
    (void)state;
    char dir[32], full[64], cut[64], cmd[512];
    make_out_dir(dir);
    snprintf(full, sizeof full, "%s/full.csv", dir);
    snprintf(cut, sizeof cut, "%s/cut.csv", dir);
    snprintf(cmd, sizeof cmd,
             "grep -E '^(#|la_name|Rutland,|Hartlepool,|Darlington,)' data/la-sen2.csv > %s && "
             "awk -F, '/^#|^la_name/ || ($6 == \"jan_caseload\" && $5 <= 2022) || "
             "($6 == \"calendar_year_activity\" && $5 <= 2021)' %s > %s",
             full, full, cut);
    assert_int_equal(system(cmd), 0);
    des_error err = {0};
    send_sen2 *a = send_sen2_read(full, &err), *b = send_sen2_read(cut, &err),
              *eng = send_sen2_read("data/england-sen2.csv", &err);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(eng);
    assert_true(strcmp(send_sen2_sha256(a), send_sen2_sha256(b)) != 0);
    send_bt_init_ctx ictx = {.england = eng, .priors = 1};
    send_bt_opts o = {.replications = 3, .seed = 5, .threads = 1, .scenario_ctx = &ictx,
                      .work_dir = dir};
    size_t las[3] = {0, 1, 2};
    send_discrepancy d1, d2;
    assert_int_equal(send_bt_discrepancy(a, las, 3, 2022, &o, 1, &d1, &err), DES_OK);
    o.threads = 2;
    assert_int_equal(send_bt_discrepancy(b, las, 3, 2022, &o, 1, &d2, &err), DES_OK);
    char *x = term_text(&d1), *y = term_text(&d2);
    assert_string_equal(x, y);
    assert_int_equal(d1.n_origins, 3);
    assert_int_equal(d1.origins[0], 2017);
    assert_int_equal(d1.origins[1], 2019);
    assert_int_equal(d1.origins[2], 2021);
    assert_int_equal(d1.authorities, 3);
    assert_int_equal(d1.n_metrics, 5);
    /* centred: every measured horizon's quantiles are the errors less their median, so the
     * term spreads a forecast without moving its median */
    for (int s = 0; s < d1.n_metrics; s++)
        for (int h = 0; h < d1.n_h[s]; h++) {
            assert_true(d1.q[s][h][SEND_DISC_Q / 2] == 0);
            for (int j = 1; j < SEND_DISC_Q; j++)
                assert_true(d1.q[s][h][j] >= d1.q[s][h][j - 1]);
            assert_true(d1.q[s][h][SEND_DISC_Q - 1] > d1.q[s][h][0]);
        }
    /* January caseload: from 2017, 2019, 2021 to January 2022 at most: 5 horizons; at horizon 1
     * one value per authority and origin; at horizons 4 and 5 only 2017's */
    assert_int_equal(d1.metric[0], send_metric_find("ehcp_total"));
    assert_int_equal(d1.n_h[0], 5);
    assert_int_equal(d1.n[0][0], 9);
    assert_int_equal(d1.n[0][3], 3);
    assert_int_equal(d1.n[0][4], 3);
    /* how the spread grows: the naive trend's errors on January caseload, published from 2010,
     * reach every horizon up to SEND_DISC_H; horizon 1's P90 - P10 by hand (the trend through
     * January O-2..O, at O+1: mean + 2 x slope, for every origin O with the values), and the
     * exponent the least-squares slope of log spread on log horizon */
    assert_int_equal(d1.growth_h[0], SEND_DISC_H);
    double x1[64], lv[2] = {0.1, 0.9}, q[2];
    size_t k1 = 0;
    for (size_t i = 0; i < 3; i++)
        for (int org = 2011; org <= 2021; org++) {
            double y0 = send_sen2_value(a, i, "ehcp_total", org - 2, org),
                   y1 = send_sen2_value(a, i, "ehcp_total", org - 1, org),
                   y2 = send_sen2_value(a, i, "ehcp_total", org, org),
                   obs = send_sen2_value(a, i, "ehcp_total", org + 1, 2022);
            double f = (y0 + y1 + y2) / 3 + (y2 - y0);
            if (!isnan(y0 + y1 + y2 + obs) && obs > 0 && f > 0)
                x1[k1++] = log(obs / f);
        }
    assert_true(k1 >= 20);
    des_quantiles(x1, k1, lv, 2, q);
    assert_close(d1.growth_spread[0][0], q[1] - q[0], 1e-12);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int h = 1; h <= SEND_DISC_H; h++) {
        double lx = log(h), ly = log(d1.growth_spread[0][h - 1]);
        sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
    }
    double slope = (SEND_DISC_H * sxy - sx * sy) / (SEND_DISC_H * sxx - sx * sx);
    assert_close(d1.growth[0], slope < 0 ? 0 : slope > 1.5 ? 1.5 : slope, 1e-12);
    assert_int_equal(d1.growth_term[0], 0); /* 8 naive horizons against the term's 5 */
    /* requests, published from 2016: trends from 2019 on, at most 3 horizons as of 2022 */
    assert_true(d1.growth_h[1] <= 3);
    /* every measure: where the term has at least two horizons and no fewer than the naive
     * trend's, its growth is the slope of its own P90 - P10 (levels 0.1 and 0.9) on the
     * horizon, log-log, recomputed here; else the naive trend's (0.5 below two of those) */
    int from_term = 0;
    for (int s = 0; s < d1.n_metrics; s++) {
        int h = d1.n_h[s];
        if (h >= 2 && h >= d1.growth_h[s]) {
            double ax = 0, ay = 0, axx = 0, axy = 0;
            for (int k = 1; k <= h; k++) {
                double lx = log(k), ly = log(d1.q[s][k - 1][18] - d1.q[s][k - 1][2]);
                ax += lx, ay += ly, axx += lx * lx, axy += lx * ly;
            }
            double bt = (h * axy - ax * ay) / (h * axx - ax * ax);
            assert_int_equal(d1.growth_term[s], 1);
            assert_close(d1.growth[s], bt < 0 ? 0 : bt > 1.5 ? 1.5 : bt, 1e-12);
            from_term++;
        } else {
            assert_int_equal(d1.growth_term[s], 0);
            if (d1.growth_h[s] < 2)
                assert_close(d1.growth[s], 0.5, 0);
        }
    }
    print_message("growth from the term's own horizons for %d of %d measures\n", from_term,
                  d1.n_metrics);
    assert_true(from_term >= 1);
    /* how the measures' errors move together: over at least SEND_BT_CORR_MIN records, a
     * correlation matrix (1 on the diagonal, symmetric, positive definite), in the bytes above
     * (so the same when the later data are cut, and for any thread count) */
    print_message("correlation over %d authority-origin-horizons, plans-new plans %.2f\n",
                  d1.corr_n, d1.corr[0][2]);
    assert_int_equal(d1.has_corr, 1);
    assert_true(d1.corr_n >= SEND_BT_CORR_MIN);
    assert_true(strstr(x, "correlation:") != NULL);
    double cm[25], cl[25];
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            assert_true(d1.corr[i][j] == d1.corr[j][i]);
            assert_true(fabs(d1.corr[i][j]) <= 1);
            cm[i * 5 + j] = d1.corr[i][j];
        }
    for (int i = 0; i < 5; i++)
        assert_true(d1.corr[i][i] == 1);
    assert_close(des_corr_cholesky(cm, 5, cl), 1, 0);
    /* a term as of 2023 from the full data sees later figures: it differs */
    send_discrepancy d3;
    o.threads = 2;
    assert_int_equal(send_bt_discrepancy(a, las, 3, 2023, &o, 1, &d3, &err), DES_OK);
    char *z = term_text(&d3);
    assert_true(strcmp(x, z) != 0);
    free(x);
    free(y);
    free(z);
    send_sen2_free(a);
    send_sen2_free(b);
    send_sen2_free(eng);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    gsl_set_error_handler_off(); /* as the program does (sim/cli/main.c) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_naive_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_model_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_little_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_observed_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_placement_mix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scenario_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads_identical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_la_seed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_and_summary, setup, teardown),
        cmocka_unit_test(test_cli_errors),
        cmocka_unit_test(test_cli_threads_identical),
        cmocka_unit_test(test_cli_pool),
        cmocka_unit_test(test_summary_sharpness),
        cmocka_unit_test(test_discrepancy_factor),
        cmocka_unit_test(test_discrepancy_net),
        cmocka_unit_test(test_discrepancy_run),
        cmocka_unit_test(test_discrepancy_money),
        cmocka_unit_test(test_discrepancy_parts),
        cmocka_unit_test(test_discrepancy_bad_fields),
        cmocka_unit_test(test_discrepancy_as_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
