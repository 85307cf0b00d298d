/* test_compare.c - paired differences between scenarios, their pairing check and verdict
 * (sim/model/results.c), the comparison CSV (sim/io/compare_csv.c) and `sendsim compare`.
 *
 * Known answers: hand-built replications with chosen values give the mean, sd, Student-t
 * interval, percentiles and verdict computed here independently. Common random numbers: a
 * scenario compared with itself differs by exactly zero everywhere; a scenario that changes
 * only costs has exactly the same demand (zero difference in requests) and a spend difference
 * in every replication. One pair: no interval, so a difference is noise and only an exact
 * zero is "no difference". Errors: unpaired runs (each check's exact message), files that
 * cannot be written, a horizon mismatch on the command line. Tests run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "send_compare.h"
#include "send_run.h"
#include "send_scenario.h"
#include "send_services.h"
#include "support/test_cli.h"
#include "support/test_util.h"

#define BASE "tests/data/load/base.yaml"

/* n hand-made replications with one CY value each for C_NEW_PLANS. */
static void fake_results(send_results *r, int n, const double *v, uint64_t seed)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    r->master_seed = seed;
    r->reps = calloc((size_t)n, sizeof *r->reps);
    assert_non_null(r->reps);
    for (int i = 0; i < n; i++) {
        send_output *o = &r->reps[i];
        o->n_months = 12;
        o->n_years = 1;
        o->n_fys = 0;
        o->first_month_index = (2020 - 1970) * 12;
        o->first_year = 2020;
        o->row_len = 12;
        o->values = calloc((size_t)SEND_METRIC_COUNT * 12, sizeof *o->values);
        o->weeks_hist = calloc(SEND_WEEKS_BINS, sizeof *o->weeks_hist);
        assert_non_null(o->values);
        send_output_row(o, C_NEW_PLANS)[0] = v[i];
    }
}

static void test_known_answer(void **state)
{
    (void)state;
    /* differences 1, 2, 3, 4, 10 (and a NaN pair that must be skipped) */
    double a[6] = {10, 20, 30, 40, 50, 60}, b[6] = {11, 22, 33, 44, 60, NAN};
    send_results ra, rb;
    fake_results(&ra, 6, a, 5);
    fake_results(&rb, 6, b, 5);
    double scratch[6];
    send_diff d;
    des_error err = {0};
    assert_int_equal(send_paired_diff(&ra, &rb, C_NEW_PLANS, 0, scratch, &d, &err), DES_OK);
    assert_int_equal(d.n, 5);
    double mean = 4.0, sd = sqrt((9 + 4 + 1 + 0 + 36) / 4.0);
    assert_close(d.mean, mean, 1e-12);
    assert_close(d.sd, sd, 1e-12);
    /* t(0.975, 4) = 2.7764451051977987 */
    double h = 2.7764451051977987 * sd / sqrt(5.0);
    assert_close(d.ci_low, mean - h, 1e-9);
    assert_close(d.ci_high, mean + h, 1e-9);
    /* percentiles of {1,2,3,4,10} by linear interpolation between order statistics */
    assert_close(d.p50, 3.0, 1e-12);
    assert_close(d.p10, 1.4, 1e-12);
    assert_close(d.p90, 7.6, 1e-12);
    assert_int_equal(d.verdict, SEND_NOISE); /* 4 - 4.39 < 0 < 4 + 4.39 */

    /* consistent differences: higher, then the mirror image: lower */
    double c[6] = {15, 25, 36, 45, 56, 66};
    send_results rc;
    fake_results(&rc, 6, c, 5);
    assert_int_equal(send_paired_diff(&ra, &rc, C_NEW_PLANS, 0, scratch, &d, &err), DES_OK);
    assert_int_equal(d.verdict, SEND_HIGHER);
    assert_true(d.ci_low > 0);
    assert_int_equal(send_paired_diff(&rc, &ra, C_NEW_PLANS, 0, scratch, &d, &err), DES_OK);
    assert_int_equal(d.verdict, SEND_LOWER);
    assert_true(d.ci_high < 0);
    assert_string_equal(send_verdict_names[SEND_NOISE], "not distinguishable from noise");

    /* errors: another seed, another replication count, a bad metric or period */
    send_results rs;
    fake_results(&rs, 6, c, 6);
    assert_int_equal(send_paired_diff(&ra, &rs, C_NEW_PLANS, 0, scratch, &d, &err), DES_EINPUT);
    assert_string_equal(err.msg, "scenario 'alternative' was run with seed 6 and 'base' with 5 "
                                 "(paired differences need the same seed)");
    send_results rn;
    fake_results(&rn, 5, c, 5);
    assert_int_equal(send_paired_diff(&ra, &rn, C_NEW_PLANS, 0, scratch, &d, &err), DES_EINPUT);
    assert_string_equal(err.msg, "scenario 'alternative' has 5 replications and 'base' 6 "
                                 "(paired differences need the same number)");
    assert_int_equal(send_results_pair_check(&ra, &rn, "a", "b", &err), DES_EINPUT);
    assert_string_equal(err.msg, "scenario 'b' has 5 replications and 'a' 6 (paired differences "
                                 "need the same number)");
    send_results empty = {0};
    assert_int_equal(send_results_pair_check(&ra, &empty, "a", "b", &err), DES_EINVAL);
    assert_string_equal(err.msg, "scenario 'b' has no replications");
    assert_int_equal(send_results_pair_check(&empty, &ra, "a", "b", &err), DES_EINVAL);
    assert_string_equal(err.msg, "scenario 'a' has no replications");
    assert_int_equal(send_paired_diff(&ra, &rc, C_NEW_PLANS, 1, scratch, &d, &err), DES_EINVAL);
    assert_int_equal(send_paired_diff(&ra, &rc, -1, 0, scratch, &d, &err), DES_EINVAL);
    send_results_free(&rn);
    send_results rp; /* periods differ */
    fake_results(&rp, 6, c, 5);
    rp.reps[0].first_year = 2021;
    assert_int_equal(send_paired_diff(&ra, &rp, C_NEW_PLANS, 0, scratch, &d, &err), DES_EINPUT);
    assert_string_equal(err.msg, "scenario 'alternative' covers a different horizon from 'base' "
                                 "(paired differences need the same start and end)");
    send_results_free(&rp);
    send_results_free(&ra);
    send_results_free(&rb);
    send_results_free(&rc);
    send_results_free(&rs);
}

/* One replication (or one pair left after NaN): no interval exists, so a nonzero difference is
 * not distinguishable from noise whatever its size, and an exact zero is no difference. The
 * same rule (send_verdict_from_ci) judges the interval written to the comparison CSV. */
/* Issue 14, item 3: waits compared on the census day alone hide a September surge. Here the
 * alternative's waiting list is the base's in January (up to noise) and 100 higher in
 * September in every replication: January's verdict is noise, the peak's (derived by
 * send_output_ratios from the monthly rows) is "higher"; and `compare` reports the peak, ahead
 * of the census day. */
static void test_verdict_on_peak(void **state)
{
    (void)state;
    double zeros[8] = {0};
    send_results ra, rb;
    fake_results(&ra, 8, zeros, 5);
    fake_results(&rb, 8, zeros, 5);
    for (int i = 0; i < 8; i++) {
        double *wa = send_output_row(&ra.reps[i], M_WAITING_TOTAL);
        double *wb = send_output_row(&rb.reps[i], M_WAITING_TOTAL);
        for (int k = 0; k < 12; k++)
            wa[k] = wb[k] = 20 + i;
        wb[0] += i % 2 ? 3 : -3;       /* January: differences +-3, mean 0 */
        wa[8] = 200 + 10 * i;          /* September */
        wb[8] = wa[8] + 100;
        send_output_ratios(&ra.reps[i]);
        send_output_ratios(&rb.reps[i]);
        assert_true(send_output_row(&ra.reps[i], C_WAITING_TOTAL_PEAK)[0] == wa[8]);
    }
    double scratch[8];
    send_diff d;
    assert_int_equal(send_paired_diff(&ra, &rb, M_WAITING_TOTAL, 0, scratch, &d, NULL), DES_OK);
    assert_int_equal(d.verdict, SEND_NOISE);
    assert_int_equal(send_paired_diff(&ra, &rb, C_WAITING_TOTAL_PEAK, 0, scratch, &d, NULL),
                     DES_OK);
    assert_int_equal(d.verdict, SEND_HIGHER);
    assert_close(d.mean, 100, 1e-12);
    /* the peak comes before the census day in the compared metrics */
    int peak_at = -1, census_at = -1;
    for (int j = 0; j < send_compare_n_metrics; j++) {
        if (send_compare_metrics[j] == C_WAITING_TOTAL_PEAK)
            peak_at = j;
        if (send_compare_metrics[j] == M_WAITING + PROV_SPECIAL)
            census_at = j;
    }
    assert_true(peak_at >= 0 && census_at > peak_at);
    send_results_free(&ra);
    send_results_free(&rb);
}

static void test_single_pair(void **state)
{
    (void)state;
    double a[2] = {10, NAN}, b[2] = {1000, 3}, z[2] = {10, 7};
    send_results ra, rb, rz;
    fake_results(&ra, 1, a, 5);
    fake_results(&rb, 1, b, 5);
    fake_results(&rz, 1, z, 5);
    double scratch[2];
    send_diff d;
    des_error err = {0};
    assert_int_equal(send_paired_diff(&ra, &rb, C_NEW_PLANS, 0, scratch, &d, &err), DES_OK);
    assert_int_equal(d.n, 1);
    assert_close(d.mean, 990, 0);
    assert_close(d.sd, 0, 0);
    assert_close(d.p10, 990, 0);
    assert_true(isnan(d.ci_low) && isnan(d.ci_high));
    assert_int_equal(d.verdict, SEND_NOISE);
    send_verdict v = SEND_HIGHER;
    assert_int_equal(send_verdict_from_ci(d.ci_low, d.ci_high, &v), -1);
    assert_int_equal(v, SEND_HIGHER); /* left as it was */
    assert_int_equal(send_paired_diff(&ra, &rz, C_NEW_PLANS, 0, scratch, &d, &err), DES_OK);
    assert_close(d.ci_low, 0, 0);
    assert_close(d.ci_high, 0, 0);
    assert_int_equal(d.verdict, SEND_SAME);
    send_results_free(&ra);
    send_results_free(&rb);
    send_results_free(&rz);

    /* two replications of which one pair is NaN: one pair left, the same rule */
    send_results r2a, r2b;
    fake_results(&r2a, 2, a, 5);
    fake_results(&r2b, 2, b, 5);
    assert_int_equal(send_paired_diff(&r2a, &r2b, C_NEW_PLANS, 0, scratch, &d, &err), DES_OK);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.verdict, SEND_NOISE);
    assert_true(isnan(d.ci_low));
    /* and the CSV writes the interval empty and the verdict that goes with it */
    char dir[64], path[128];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/one.csv", dir);
    const char *names[2] = {"base", "alt"};
    const send_results *rs[2] = {&r2a, &r2b};
    assert_int_equal(send_write_compare_csv(path, 2, names, rs, NULL, &err), DES_OK);
    char *text = slurp(path);
    assert_non_null(strstr(text, "\nalt,new_plans,2020,990,990,990,990,,,not distinguishable "
                                 "from noise,base\n"));
    free(text);
    remove_dir(dir);
    send_results_free(&r2a);
    send_results_free(&r2b);
}

static void run_base(send_params *p, send_results *r, uint64_t seed)
{
    des_error err = {0};
    send_run_opts o = {.seed = seed, .replications = 12, .threads = 2};
    if (send_run(p, &o, r, &err) != DES_OK)
        fail_msg("%s", err.msg);
}

/* A scenario against itself: every paired difference is exactly zero. A scenario changing
 * only a cost: identical demand, a spend difference of the same sign in every replication. */
static void test_common_random_numbers(void **state)
{
    (void)state;
    send_params p;
    des_error err = {0};
    if (send_scenario_load(BASE, &p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    send_results a, b, c;
    run_base(&p, &a, 9);
    run_base(&p, &b, 9);
    p.cost[PROV_SPECIAL] *= 1.5;
    run_base(&p, &c, 9);
    double scratch[12];
    const send_output *o = &a.reps[0];
    for (int j = 0; j < send_compare_n_metrics; j++) {
        int m = send_compare_metrics[j];
        for (int i = 0; i < send_output_periods(o, m); i++) {
            send_diff d;
            assert_int_equal(send_paired_diff(&a, &b, m, i, scratch, &d, &err), DES_OK);
            if (d.n == 0)
                continue;
            assert_true(d.mean == 0 && d.p10 == 0 && d.p90 == 0 && d.ci_low == 0 &&
                        d.ci_high == 0);
            assert_int_equal(d.verdict, SEND_SAME);
            if (m == C_REQUESTS || m == M_EHCP_TOTAL) { /* demand does not see costs */
                assert_int_equal(send_paired_diff(&a, &c, m, i, scratch, &d, &err), DES_OK);
                assert_int_equal(d.verdict, SEND_SAME);
            }
        }
    }
    send_diff d;
    assert_int_equal(send_paired_diff(&a, &c, F_SPEND, 0, scratch, &d, &err), DES_OK);
    assert_int_equal(d.verdict, SEND_HIGHER);
    assert_true(d.p10 > 0); /* every replication pays more, not just on average */

    /* the CSV: header, one row per compared metric and period, zeros for the twin */
    char dir[64], path[128];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/x-compare.csv", dir);
    const send_results *rs[3] = {&a, &b, &c};
    const char *names[3] = {"small", "twin", "dear, \"special\""};
    assert_int_equal(send_write_compare_csv(path, 3, names, rs, NULL, &err), DES_OK);
    char *text = slurp(path);
    const char *hdr = "scenario,metric,period,diff_mean,diff_p10,diff_p50,diff_p90,"
                      "diff_ci95_low,diff_ci95_high,verdict,reference\n";
    assert_int_equal(strncmp(text, hdr, strlen(hdr)), 0);
    size_t rows = 0;
    for (int j = 0; j < send_compare_n_metrics; j++)
        if (send_compare_metrics[j] < M_LEVEL) /* no services in these runs */
            rows += (size_t)send_output_periods(o, send_compare_metrics[j]);
    for (int j = 0; j < send_compare_n_metrics; j++)
        assert_int_equal(send_compare_skip(&a, &c, send_compare_metrics[j]),
                         send_compare_metrics[j] >= M_LEVEL);
    assert_int_equal(count_lines(text), 1 + 2 * rows);
    assert_non_null(strstr(text, "\ntwin,ehcp_total,2020-01,0,0,0,0,0,0,no difference,small\n"));
    assert_non_null(
        strstr(text, "\ntwin,hn_spend_gbp,2020-21,0,0,0,0,0,0,no difference,small\n"));
    assert_non_null(strstr(text, "\n\"dear, \"\"special\"\"\",hn_spend_gbp,2020-21,"));
    assert_non_null(strstr(text, ",higher,small\n"));
    free(text);
    /* fewer than two scenarios; unpaired runs; an unwritable place: no file left */
    assert_int_equal(send_write_compare_csv(path, 1, names, rs, NULL, &err), DES_EINVAL);
    unlink(path);
    send_results other;
    run_base(&p, &other, 10);
    const send_results *bad[2] = {&a, &other};
    assert_int_equal(send_write_compare_csv(path, 2, names, bad, NULL, &err), DES_EINPUT);
    assert_int_not_equal(access(path, F_OK), 0);
    char nowhere[160];
    snprintf(nowhere, sizeof nowhere, "%s/missing/x.csv", dir);
    assert_int_not_equal(send_write_compare_csv(nowhere, 3, names, rs, NULL, &err), DES_OK);
    assert_dir_empty(dir);
    remove_dir(dir);
    send_results_free(&other);
    send_results_free(&a);
    send_results_free(&b);
    send_results_free(&c);
    send_params_free(&p);
}

/* Every metric of the services (from M_LEVEL on) has exactly one row in send_service_lines,
 * and compare covers each of them exactly once: a scenario with every service on against one
 * with the edge-of-care lever gives rows for every service metric and every period. */
static void test_service_metrics_compared(void **state)
{
    (void)state;
    for (int m = M_LEVEL; m < SEND_METRIC_COUNT; m++) {
        int rows = 0, compared = 0;
        for (int i = 0; i < send_service_n_lines; i++)
            rows += send_service_lines[i].metric == m;
        for (int j = 0; j < send_compare_n_metrics; j++)
            compared += send_compare_metrics[j] == m;
        if (rows != 1)
            fail_msg("metric %s has %d rows in send_service_lines (sim/model/services.c), "
                     "expected 1", send_metric(m)->name, rows);
        if (compared != 1)
            fail_msg("metric %s is in send_compare_metrics %d times, expected once",
                     send_metric(m)->name, compared);
    }
    for (int i = 0; i < send_service_n_lines; i++)
        assert_true(send_service_lines[i].metric >= M_LEVEL && send_service_lines[i].label[0]);
    for (int s = 0; s < SEND_SVC_COUNT; s++)
        assert_true(strlen(send_services[s].title) <= 31); /* Excel's limit on sheet names */

    send_params p;
    des_error err = {0};
    if (send_scenario_load("scenarios/leicestershire-services.yaml", &p, NULL, &err) != DES_OK)
        fail_msg("scenario: %s", err.msg);
    p.end = des_date_from_ymd(2027, 12, 31);
    p.fd_p_core = 0.3; /* the shipped scenario has single assessments only */
    assert_int_equal(des_dist_constant(&p.fd_core_time, 20, &err), DES_OK);
    p.sb_capacity = 400; /* full from the start, so requests wait */
    p.care_entries = 150; /* entries the edge-of-care lever acts on (the scenario has none) */
    send_run_opts o = {.seed = 5, .replications = 6, .threads = 1};
    send_results a, b;
    assert_int_equal(send_run(&p, &o, &a, &err), DES_OK);
    p.edge_active = 1;
    p.edge_from = p.start;
    p.edge_effect = 0.3;
    p.edge_cost = 250000;
    assert_int_equal(send_run(&p, &o, &b, &err), DES_OK);
    char dir[64], path[128];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/svc-compare.csv", dir);
    const send_results *rs[2] = {&a, &b};
    const char *names[2] = {"services", "edge"};
    assert_int_equal(send_write_compare_csv(path, 2, names, rs, NULL, &err), DES_OK);
    char *text = slurp(path);
    const send_output *o0 = &a.reps[0];
    for (int i = 0; i < send_service_n_lines; i++) {
        int m = send_service_lines[i].metric;
        if (send_compare_skip(&a, &b, m))
            fail_msg("compare skips %s (zero in both runs)", send_metric(m)->name);
        for (int k = 0; k < send_output_periods(o0, m); k++) {
            char label[16], key[128];
            send_output_period_label(o0, m, k, label, sizeof label);
            snprintf(key, sizeof key, "\nedge,%s,%s,", send_metric(m)->name, label);
            if (!strstr(text, key))
                fail_msg("compare CSV: no row for %s %s", send_metric(m)->name, label);
        }
    }
    /* the lever costs money and takes children away from care: both show */
    assert_non_null(strstr(text, "\nedge,sc_edge_of_care_spend_gbp,2026-27,250000,"));
    assert_non_null(strstr(text, "\nedge,care_entries,2027,-"));
    assert_non_null(strstr(text, ",lower,services\n"));
    free(text);
    remove_dir(dir);
    send_results_free(&a);
    send_results_free(&b);
    send_params_free(&p);
}

static void test_cli(void **state)
{
    (void)state;
    char dir[64], prefix[128], path[192];
    make_out_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/c", dir);
    cli_result r;
    run_cli(&r, "compare", BASE, BASE, "-n", "4", "-j", "2", "--out", prefix, (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "small-2 minus small"));
    assert_non_null(strstr(r.out, "no difference"));
    cli_result_free(&r);
    /* the CSV, two results files, and the charts' data (images too when gnuplot is here) */
    const char *want[] = {"-small.h5", "-small-2.h5", "-compare-overlay-ehcp.dat",
                          "-compare-diff-deficit-small-2.dat"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        snprintf(path, sizeof path, "%s%s", prefix, want[i]);
        if (access(path, F_OK) != 0)
            fail_msg("compare did not write %s", path);
    }
    snprintf(path, sizeof path, "%s-compare.csv", prefix);
    char *text = slurp(path);
    /* every row of the twin is an exact zero (or undefined) */
    for (char *line = strchr(text, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        assert_int_equal(strncmp(line, "small-2,", 8), 0);
        char *eol = strchr(line, '\n');
        assert_non_null(eol);
        *eol = '\0';
        if (!strstr(line, ",,,,,,,"))
            assert_non_null(strstr(line, ",0,0,0,0,0,0,no difference"));
        *eol = '\n';
    }
    free(text);
    remove_dir(dir);

    /* horizons differ: exit 2, one line naming both files, nothing written */
    make_out_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/c", dir);
    run_cli(&r, "compare", BASE, "tests/data/results/short.yaml", "-n", "2", "--out", prefix,
            (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "paired differences need the same start and end"));
    assert_int_equal(count_lines(r.err), 1);
    cli_result_free(&r);
    assert_dir_empty(dir);
    /* one scenario only; a bad option; a scenario with an error */
    run_cli(&r, "compare", BASE, "--out", prefix, (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "at least two scenario files"));
    cli_result_free(&r);
    run_cli(&r, "compare", BASE, BASE, "--frobnicate", (char *)NULL);
    assert_int_equal(r.status, 2);
    cli_result_free(&r);
    run_cli(&r, "compare", BASE, "tests/data/load/err_range.yaml", "--out", prefix,
            (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "err_range.yaml:3:12: d1_panel.refusal"));
    cli_result_free(&r);
    assert_dir_empty(dir);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_single_pair),
        cmocka_unit_test(test_verdict_on_peak),
        cmocka_unit_test(test_common_random_numbers),
        cmocka_unit_test(test_service_metrics_compared),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
