/* test_calibrate.c - send_calibrate() against figures simulated at a known parameter.
 *
 * The history scenario (tests/data/calibrate/history.yaml, two years from January 2019) has a
 * prior on requests.growth only. The "published" file is the mean of 20 replications of it at
 * growth 0.12: January caseload 2020-2021 and activity 2019-2020, which is what is published by
 * June 2021; later periods hold poison values (ten times too large) that the as-of rule must
 * hide. Calibration as of 2021 must then
 *   - put the truth inside its posterior (within 3 posterior sd of the weighted mean), with a
 *     posterior sd well below the prior's 0.15;
 *   - write a scenario that loads, extends the input and carries the ensemble and provenance;
 *   - give the same ensemble with 1 and 2 threads;
 *   - refuse a scenario without priors and data too few, with their messages.
 * The observation error and the keys drawn rather than fitted (send_calibrate.h):
 *   - the noise estimator (send_init_year_sd) on authorities whose log series are a straight
 *     line plus a known residual pattern: its pooled sd is the analytic one, and calibration
 *     records it per series (for initial_requests less the history's requests.year_sd);
 *   - with it the posterior is wider than with `exact`, and still the same for 1 and 2 threads;
 *   - a growth prior built from the authority's own history and kept out of the fit: the data
 *     (simulated at 0.12) move a fitted growth away from its prior (mean 0, sd 0.02), but the
 *     calibrated scenario's replications draw the growth from the prior alone, while the other
 *     key is still fitted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "des_stats.h"
#include "send_calibrate.h"
#include "send_init.h"
#include "support/test_cli.h"
#include "send_run.h"
#include "send_scenario.h"

#define HIST "tests/data/calibrate/history.yaml"
static const double TRUTH = 0.12;

typedef struct fixture {
    char dir[64], data[128], pooled[128];
} fixture;

/* The pooled file's five other authorities: series s of authority i in period y is
 * BASE[s] (1 + i/10) exp(0.05 (y - 2019) + D[s] PAT[k]) over the window (k = 0..4: Januaries
 * 2017-2021, calendar years 2016-2020), PAT orthogonal to a straight line, so the residual
 * about each authority's own line is exactly D[s] PAT: sum of squares 10 D^2 on 3 degrees of
 * freedom each. One period before the window is a jump that must not count. */
static const char *const POOL_SERIES[] = {"ehcp_total", "initial_requests", "new_plans",
                                          "plans_ceased"};
static const double POOL_BASE[] = {4000, 900, 500, 150}, POOL_D[] = {0.02, 0.3, 0.15, 0.4};
static const double PAT[] = {1, -2, 0, 2, -1};
#define POOL_N 5

static double pool_value(int s, int i, int k)
{
    int y = (s == 0 ? 2017 : 2016) + k;
    double v = POOL_BASE[s] * (1 + i / 10.0) * exp(0.05 * (y - 2019) + POOL_D[s] * PAT[k]);
    return round(v * 1000) / 1000; /* as written, %.3f */
}

/* The pooled log sd of series s, worked out from the construction. */
static double pool_sd(int s)
{
    double inv = 0;
    for (int i = 0; i < POOL_N; i++)
        for (int k = 0; k < 5; k++)
            inv += 1 / pool_value(s, i, k);
    return sqrt(10 * POOL_D[s] * POOL_D[s] / 3 - inv / (POOL_N * 5));
}

static double mean_of(const send_results *r, int metric, int period)
{
    send_stat st;
    send_results_get_stat(r, metric, period, NULL, &st);
    return st.mean;
}

/* The published file: the mean of 20 replications at the true growth (rounded, as SEN2 is). */
static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/sendsim-calib-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->data, sizeof fx->data, "%s/published.csv", fx->dir);
    send_params p;
    des_error err = {0};
    if (send_scenario_load(HIST, &p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    p.n_priors = 0;
    p.request_growth = TRUTH;
    p.end = des_date_from_ymd(2021, 1, 31);
    send_results r;
    send_run_opts o = {.seed = 99, .replications = 20, .threads = 2};
    if (send_run(&p, &o, &r, &err) != DES_OK)
        fail_msg("%s", err.msg);
    FILE *f = fopen(fx->data, "w");
    assert_non_null(f);
    fprintf(f, "# simulated at requests.growth %.2f\n"
               "la_name,new_la_code,old_la_code,metric,period,period_type,value,source_file\n",
            TRUTH);
    const char *row = "Testshire,E99999999,999";
    for (int y = 2020; y <= 2021; y++)
        fprintf(f, "%s,ehcp_total,%d,jan_caseload,%.0f,sim\n", row, y,
                mean_of(&r, M_EHCP_TOTAL, (y - 2019) * 12));
    static const struct {
        const char *name;
        int metric;
    } cy[] = {{"initial_requests", C_REQUESTS}, {"new_plans", C_NEW_PLANS},
              {"plans_ceased", C_CEASED}};
    for (size_t s = 0; s < 3; s++)
        for (int y = 2019; y <= 2020; y++)
            fprintf(f, "%s,%s,%d,calendar_year_activity,%.0f,sim\n", row, cy[s].name, y,
                    mean_of(&r, cy[s].metric, y - 2019));
    /* published after June 2021: poison */
    fprintf(f, "%s,ehcp_total,2022,jan_caseload,99999,poison\n", row);
    for (size_t s = 0; s < 3; s++)
        fprintf(f, "%s,%s,2021,calendar_year_activity,99999,poison\n", row, cy[s].name);
    fclose(f);
    /* the same file with five more authorities, for the observation error */
    snprintf(fx->pooled, sizeof fx->pooled, "%s/pooled.csv", fx->dir);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", fx->data, fx->pooled);
    assert_int_equal(system(cmd), 0);
    f = fopen(fx->pooled, "a");
    assert_non_null(f);
    for (int i = 0; i < POOL_N; i++)
        for (int s = 0; s < 4; s++) {
            int y0 = s == 0 ? 2017 : 2016;
            const char *kind = s == 0 ? "jan_caseload" : "calendar_year_activity";
            fprintf(f, "Poolshire %d,E9999990%d,90%d,%s,%d,%s,%.3f,sim\n", i, i, i,
                    POOL_SERIES[s], y0 - 1, kind, 3 * pool_value(s, i, 0));
            for (int k = 0; k < 5; k++)
                fprintf(f, "Poolshire %d,E9999990%d,90%d,%s,%d,%s,%.3f,sim\n", i, i, i,
                        POOL_SERIES[s], y0 + k, kind, pool_value(s, i, k));
        }
    fclose(f);
    send_results_free(&r);
    send_params_free(&p);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    assert_int_equal(system(cmd), 0);
    free(fx);
    return 0;
}

static int calibrate(fixture *fx, const char *scenario, int threads, long sims, const char *out,
                     send_calib_stats *st, des_error *err)
{
    send_sen2 *d = send_sen2_read(fx->data, err);
    assert_non_null(d);
    send_calib_opts o = {.particles = 100, .max_simulations = sims, .history_path = HIST,
                         .seed = 5, .threads = threads, .stats = st};
    int rc = send_calibrate(d, 0, 2021, scenario, out, &o, err);
    send_sen2_free(d);
    return rc;
}

static void test_recovers_truth(void **state)
{
    fixture *fx = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/cal.yaml", fx->dir);
    send_calib_stats st = {0};
    des_error err = {0};
    if (calibrate(fx, HIST, 2, 800, out, &st, &err) != DES_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(st.n_keys, 1);
    assert_int_equal(st.n_obs, 8); /* 2 Januaries + 3 series x 2 years; no poison */
    assert_true(st.simulations <= 800);
    assert_true(st.dist_median < st.dist_prior_median);
    assert_true(st.rep_equivalents > 0);

    send_params p;
    if (send_scenario_load(out, &p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(p.name, "calibration history-calibrated");
    const send_ensemble *e = p.ensemble;
    assert_non_null(e);
    assert_int_equal(e->n_keys, 1);
    assert_string_equal(e->paths[0], "requests.growth");
    assert_int_equal(e->n_sets, 50);
    assert_int_equal(e->as_of, 2021);
    assert_string_equal(e->data, fx->data);
    assert_int_equal((int)strlen(e->sha256), 64);
    assert_non_null(strstr(e->method, "ABC-SMC"));
    double m = 0, v = 0;
    for (int i = 0; i < e->n_sets; i++)
        m += e->weights[i] * e->values[i];
    for (int i = 0; i < e->n_sets; i++)
        v += e->weights[i] * (e->values[i] - m) * (e->values[i] - m);
    double sd = sqrt(v);
    print_message("posterior growth %.4f sd %.4f (truth %.2f), distance %.3f -> %.3f, "
                  "%ld simulations, %.0f replication-equivalents\n",
                  m, sd, TRUTH, st.dist_prior_median, st.dist_median, st.simulations,
                  st.rep_equivalents);
    assert_close(m, TRUTH, 3 * sd);
    assert_true(sd < 0.15 / 3);
    /* the calibrated scenario is the input plus the ensemble */
    send_params base;
    if (send_scenario_load(HIST, &base, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    assert_memory_equal(p.request_hazard, base.request_hazard, sizeof p.request_hazard);
    assert_int_equal(p.n_priors, 1);
    send_params_free(&base);
    send_params_free(&p);
}

/* A beta prior whose density is infinite at its edge (d2_panel.issue mean 0.96, sd 0.09: shape
 * b = 0.13 < 1), beside the growth: calibration perturbs it on the logit scale and weighs it
 * with the Jacobian there. Every fitted issue rate maps back inside (0, 1], the growth is still
 * recovered and the weights stay spread (here the data hardly inform the issue rate, so the raw
 * scale did about as well; for Leicestershire as of 2019, where they push it to the edge, the
 * effective sample size went from 15 to 51 of 100: docs/guide.md). */
static void test_beta_edge_prior(void **state)
{
    fixture *fx = *state;
    char hist[160], out[160];
    snprintf(hist, sizeof hist, "%s/hist-beta.yaml", fx->dir);
    snprintf(out, sizeof out, "%s/cal-beta.yaml", fx->dir);
    FILE *f = fopen(hist, "w");
    assert_non_null(f);
    char here[4096];
    assert_non_null(getcwd(here, sizeof here));
    fprintf(f, "extends: %s/" HIST "\nname: calibration beta\n"
               "d2_panel:\n  issue: {prior: beta, mean: 0.96, sd: 0.09}   # assumption: for the test\n",
            here);
    fclose(f);
    send_sen2 *d = send_sen2_read(fx->data, NULL);
    assert_non_null(d);
    send_calib_stats st = {0};
    des_error err = {0};
    send_calib_opts o = {.particles = 100, .max_simulations = 800, .history_path = hist,
                         .seed = 5, .threads = 2, .stats = &st};
    if (send_calibrate(d, 0, 2021, hist, out, &o, &err) != DES_OK)
        fail_msg("%s", err.msg);
    send_sen2_free(d);
    assert_int_equal(st.n_keys, 2);
    print_message("beta edge: effective sample size %.1f of 50 kept\n", st.ess);
    assert_true(st.ess > 20);
    send_params p;
    if (send_scenario_load(out, &p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    const send_ensemble *e = p.ensemble;
    int ki = strcmp(e->paths[0], "d2_panel.issue") == 0 ? 0 : 1;
    double m = 0, v = 0;
    for (int i = 0; i < e->n_sets; i++) {
        double x = e->values[(size_t)i * 2 + ki];
        assert_true(x > 0 && x <= 1);
        double g = e->values[(size_t)i * 2 + (1 - ki)];
        m += e->weights[i] * g;
        v += e->weights[i] * g * g;
    }
    double sd = sqrt(fmax(0, v - m * m));
    assert_close(m, TRUTH, 3 * sd + 0.01);
    send_params_free(&p);
}

/* The ensemble part of a written file (the fit statistics hold CPU times). */
static char *ensemble_text(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *cut = strstr(buf, "  fit:");
    assert_non_null(cut);
    *cut = 0;
    return strdup(buf);
}

static void test_threads_identical(void **state)
{
    fixture *fx = *state;
    char a[160], b[160];
    snprintf(a, sizeof a, "%s/t1.yaml", fx->dir);
    snprintf(b, sizeof b, "%s/t2.yaml", fx->dir);
    des_error err = {0};
    if (calibrate(fx, HIST, 1, 200, a, NULL, &err) != DES_OK ||
        calibrate(fx, HIST, 2, 200, b, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    char *ta = ensemble_text(a), *tb = ensemble_text(b);
    assert_string_equal(ta, tb);
    assert_non_null(strstr(ta, "# Seed 5 (`calibrate --seed 5` draws the same random numbers).\n"));

    /* the back-test's form: the seed handed over replaces the options' own (5 over 9) */
    char c[160];
    snprintf(c, sizeof c, "%s/t3.yaml", fx->dir);
    send_sen2 *d = send_sen2_read(fx->data, &err);
    assert_non_null(d);
    send_calib_opts o = {.particles = 100, .max_simulations = 200, .history_path = HIST,
                         .seed = 9, .threads = 2};
    if (send_calibrate_bt(d, 0, 2021, HIST, c, 5, &o, &err) != DES_OK)
        fail_msg("%s", err.msg);
    char *tc = ensemble_text(c);
    assert_string_equal(ta, tc);
    if (send_calibrate_bt(d, 0, 2021, HIST, c, 9, &o, &err) != DES_OK)
        fail_msg("%s", err.msg);
    free(tc);
    tc = ensemble_text(c);
    assert_string_not_equal(ta, tc);
    send_sen2_free(d);
    free(ta);
    free(tb);
    free(tc);
}

static void test_errors(void **state)
{
    fixture *fx = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/bad.yaml", fx->dir);
    des_error err = {0};
    send_sen2 *d = send_sen2_read(fx->data, &err);
    assert_non_null(d);
    send_calib_opts o = {.particles = 10, .max_simulations = 20,
                         .history_path = "tests/data/calibrate/nopriors.yaml", .threads = 1};
    assert_int_equal(send_calibrate(d, 0, 2021, HIST, out, &o, &err), DES_EINPUT);
    assert_string_equal(err.msg, "'tests/data/calibrate/nopriors.yaml': no priors to calibrate "
                                 "(give keys a {prior: ...})");
    /* as of 2020 only January 2020 and the 2019 activity are published, and the history
     * starting in January 2019 would run to January 2020: 4 values - enough; as of 2019
     * nothing is */
    o.history_path = HIST;
    assert_int_equal(send_calibrate(d, 0, 2019, HIST, out, &o, &err), DES_EINPUT);
    assert_string_equal(err.msg, "too little data for 'Testshire' as of 2019: 0 published "
                                 "values of ehcp_total, initial_requests, new_plans and "
                                 "plans_ceased since 2019 (at least 3 needed)");
    assert_int_equal(access(out, F_OK), -1); /* nothing written */
    send_sen2_free(d);
}

/* The command: its output, and its errors with exit status 2 and nothing written. */
static void test_cli(void **state)
{
    fixture *fx = *state;
    char out[160], hist_out[180];
    snprintf(out, sizeof out, "%s/cli.yaml", fx->dir);
    cli_result r;
    run_cli(&r, "calibrate", HIST, "--data", fx->data, "--la", "999", "--as-of", "2021",
            "--history", HIST, "--particles", "20", "--simulations", "40", "--threads", "2",
            "--no-discrepancy", "--out", out, NULL);
    if (r.status != 0)
        cli_fail(&r, "calibrate failed");
    assert_null(strstr(r.out, "forecast-error term"));
    assert_non_null(strstr(r.out, "wrote "));
    assert_non_null(strstr(r.out, "(Testshire as of 2021)"));
    assert_non_null(strstr(r.out, "1 keys fitted to 8 published values; 40 simulations"));
    assert_non_null(strstr(r.out, "replication-equivalents"));
    assert_non_null(strstr(r.out, "observation error (log sd): ehcp_total 0.000"));
    cli_result_free(&r);
    run_cli(&r, "validate", out, NULL);
    if (r.status != 0)
        cli_fail(&r, "the calibrated scenario does not validate");
    cli_result_free(&r);

    run_cli(&r, "calibrate", HIST, "--data", fx->data, "--la", "999", "--as-of", "2021",
            "--history", HIST, "--particles", "20", "--simulations", "40", "--threads", "1",
            "--no-discrepancy", "--exact", "--fit-growth", "--out", out, NULL);
    if (r.status != 0 || !strstr(r.out, "observation error (log sd): ehcp_total 0.000, "
                                        "initial_requests 0.000, new_plans 0.000, plans_ceased "
                                        "0.000 (--exact)\n"))
        cli_fail(&r, "calibrate --exact");
    cli_result_free(&r);

    snprintf(out, sizeof out, "%s/none.yaml", fx->dir);
    /* with the forecast-error term (the default), the pooled back-tests need earlier starts
     * with a year of history: Testshire's requests begin in 2019, so as of 2020 there is none */
    run_cli(&r, "calibrate", HIST, "--data", fx->data, "--la", "999", "--as-of", "2020",
            "--history", HIST, "--particles", "20", "--simulations", "40", "--out", out, NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "sendsim calibrate: no earlier start for the forecast-error term "
                               "as of 2020: the data hold no initial_requests before 2019 (give "
                               "--no-discrepancy to calibrate without it)\n");
    cli_result_free(&r);
    /* with --pool the term's back-tests run over the pool's authorities instead, whose
     * requests begin in 2015 (the six here are too small to back-test: the term is empty) */
    char want[400], pool_out[180];
    snprintf(pool_out, sizeof pool_out, "%s/pool.yaml", fx->dir);
    snprintf(want, sizeof want, "no forecast-error term: the back-tests of the 6 authorities of "
             "'%s' pool fewer than 20 errors at any horizon", fx->pooled);
    run_cli(&r, "calibrate", HIST, "--data", fx->data, "--pool", fx->pooled, "--la", "999",
            "--as-of", "2021", "--history", HIST, "--particles", "20", "--simulations", "40",
            "--threads", "1", "--out", pool_out, NULL);
    if (r.status != 0 || !strstr(r.out, want))
        cli_fail(&r, "calibrate --pool: the term over the pool");
    cli_result_free(&r);
    run_cli(&r, "calibrate", HIST, "--data", fx->data, "--la", "Nowhere", "--history", HIST,
            "--out", out, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "sendsim calibrate: "));
    cli_result_free(&r);
    run_cli(&r, "calibrate", HIST, "--particles", "2", NULL);
    assert_int_equal(r.status, 2);
    cli_result_free(&r);
    run_cli(&r, "calibrate", HIST, "--data", fx->data, "--la", "999", "--as-of", "2021",
            "--history", "tests/data/calibrate/nopriors.yaml", "--out", out, NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "sendsim calibrate: 'tests/data/calibrate/nopriors.yaml': no "
                               "priors to calibrate (give keys a {prior: ...})\n");
    cli_result_free(&r);
    run_cli(&r, "calibrate", HIST, "--data", fx->data, "--la", "999", "--as-of", "2021",
            "--pool", "tests/data/calibrate/none.csv", "--out", out, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "sendsim calibrate: "));
    assert_non_null(strstr(r.err, "tests/data/calibrate/none.csv"));
    cli_result_free(&r);
    run_cli(&r, "calibrate", HIST, "--as-of", "2021", "--history-from", "2020", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "sendsim calibrate: --history-from: expected a year at most 2019 "
                               "(two years before --as-of), got 2020 (try 'sendsim calibrate "
                               "--help')\n");
    cli_result_free(&r);
    assert_int_equal(access(out, F_OK), -1);
    snprintf(hist_out, sizeof hist_out, "%s/none-history.yaml", fx->dir);
    assert_int_equal(access(hist_out, F_OK), -1);
}

/* The ensemble's weighted mean and sd of key `path` (NAN when it is not in the ensemble). */
static void ens_moments(const send_ensemble *e, const char *path, double *m, double *sd)
{
    *m = *sd = NAN;
    for (int k = 0; k < e->n_keys; k++)
        if (!strcmp(e->paths[k], path)) {
            double a = 0, b = 0;
            for (int i = 0; i < e->n_sets; i++) {
                double x = e->values[(size_t)i * e->n_keys + k];
                a += e->weights[i] * x;
                b += e->weights[i] * x * x;
            }
            *m = a;
            *sd = sqrt(fmax(0, b - a * a));
        }
}

static void test_year_sd_analytic(void **state)
{
    fixture *fx = *state;
    des_error err = {0};
    send_sen2 *d = send_sen2_read(fx->pooled, &err);
    if (!d)
        fail_msg("%s", err.msg);
    size_t n = send_sen2_count(d), used;
    double dof;
    for (int s = 0; s < 4; s++) {
        int y1 = s == 0 ? 2021 : 2020;
        double sd = send_init_year_sd(d, POOL_SERIES[s], y1 - 4, y1, 2021, 0, n, &used, &dof);
        assert_int_equal(used, POOL_N); /* Testshire has two periods only */
        assert_close(dof, 3.0 * POOL_N, 1e-12);
        assert_close(sd, pool_sd(s), 1e-6); /* values written to 3 decimals */
    }
    /* a series with fewer than 3 periods: nothing pooled, 0 */
    assert_close(send_init_year_sd(d, "ehcp_total", 2020, 2021, 2021, 0, n, &used, NULL), 0, 0);
    assert_int_equal(used, 0);
    send_sen2_free(d);
}

/* The history scenario's requests.year_sd, which the requests' observation error leaves out. */
static double hist_year_sd(void)
{
    send_params h;
    des_error err = {0};
    if (send_scenario_load(HIST, &h, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    double ysd = h.request_year_sd;
    send_params_free(&h);
    return ysd;
}

/* Calibration against the pooled file: each series' observation error is the pooled sd
 * (initial_requests less the history's year_sd); the posterior with it is wider than exact. */
static void test_observation_error(void **state)
{
    fixture *fx = *state;
    send_sen2 *d = send_sen2_read(fx->pooled, NULL);
    assert_non_null(d);
    des_error err = {0};
    double ysd = hist_year_sd();
    char out[2][160];
    double m[2], sd[2];
    for (int exact = 0; exact < 2; exact++) {
        snprintf(out[exact], sizeof out[exact], "%s/noise%d.yaml", fx->dir, exact);
        send_calib_stats st = {0};
        send_calib_opts o = {.particles = 100, .max_simulations = 800, .history_path = HIST,
                             .seed = 5, .threads = 2, .stats = &st, .exact = exact};
        if (send_calibrate(d, 0, 2021, HIST, out[exact], &o, &err) != DES_OK)
            fail_msg("%s", err.msg);
        for (int s = 0; s < 4; s++) {
            double want = exact ? 0 : pool_sd(s);
            if (s == 1 && !exact)
                want = sqrt(fmax(0, want * want - ysd * ysd));
            assert_close(st.obs_sd[s], want, 1e-6);
        }
        assert_int_equal(st.n_drawn, 0); /* a given history: every prior fitted */
        send_params p;
        if (send_scenario_load(out[exact], &p, NULL, &err) != DES_OK)
            fail_msg("%s", err.msg);
        ens_moments(p.ensemble, "requests.growth", &m[exact], &sd[exact]);
        send_params_free(&p);
    }
    print_message("growth with observation error %.4f sd %.4f, exact %.4f sd %.4f\n", m[0],
                  sd[0], m[1], sd[1]);
    assert_true(sd[0] > 1.5 * sd[1]);
    assert_close(m[0], TRUTH, 3 * sd[0]);
    /* with the noise drawn, still the same ensemble for 1 thread */
    char one[160];
    snprintf(one, sizeof one, "%s/noise-t1.yaml", fx->dir);
    send_calib_opts o = {.particles = 100, .max_simulations = 800, .history_path = HIST,
                         .seed = 5, .threads = 1};
    if (send_calibrate(d, 0, 2021, HIST, one, &o, &err) != DES_OK)
        fail_msg("%s", err.msg);
    char *ta = ensemble_text(out[0]), *tb = ensemble_text(one);
    assert_string_equal(ta, tb);
    free(ta);
    free(tb);
    send_sen2_free(d);
}

/* --pool: the one-authority file (Testshire: two periods a series, too few for the estimator)
 * pools nothing, so every observation error is 0; with the pooled file as the pool, each is the
 * pooled sd of test_observation_error, the same as calibrating against the pooled file itself.
 * The pool's as-of year is its last January published by then (0 when there is none). */
static void test_pool_observation_error(void **state)
{
    fixture *fx = *state;
    send_sen2 *d = send_sen2_read(fx->data, NULL), *pool = send_sen2_read(fx->pooled, NULL);
    assert_non_null(d);
    assert_non_null(pool);
    des_error err = {0};
    double ysd = hist_year_sd();
    char out[160];
    snprintf(out, sizeof out, "%s/pool.yaml", fx->dir);
    for (int with = 0; with < 2; with++) {
        send_calib_stats st = {0};
        send_calib_opts o = {.particles = 20, .max_simulations = 40, .history_path = HIST,
                             .seed = 5, .threads = 1, .stats = &st,
                             .pool = with ? pool : NULL, .pool_label = "pooled.csv"};
        if (send_calibrate(d, 0, 2021, HIST, out, &o, &err) != DES_OK)
            fail_msg("%s", err.msg);
        for (int s = 0; s < 4; s++) {
            double want = with ? pool_sd(s) : 0;
            if (s == 1 && with)
                want = sqrt(fmax(0, want * want - ysd * ysd));
            assert_close(st.obs_sd[s], want, 1e-6);
        }
        char *t = ensemble_text(out); /* the file says where the error was pooled */
        assert_non_null(strstr(t, with ? "pooled over pooled.csv\n# as of 2021):"
                                       : "published.csv\n# as of 2021):"));
        free(t);
    }
    /* the pool's as-of year: its last January published by then */
    assert_int_equal(send_init_pool_year(pool, NULL, 2021, NULL), 2021);
    assert_int_equal(send_init_pool_year(pool, NULL, 2030, NULL), 2022); /* Testshire's 2022 row */
    assert_int_equal(send_init_pool_year(pool, NULL, 2015, NULL), 0);
    send_sen2_free(pool);
    send_sen2_free(d);
}

/* A growth prior that already used the authority's own history (here a tight, wrong one: mean
 * 0, sd 0.02, while the figures were simulated at 0.12), beside a prior on the issue rate. */
static void test_drawn_not_fitted(void **state)
{
    fixture *fx = *state;
    char hist[160], here[4096];
    snprintf(hist, sizeof hist, "%s/hist-own.yaml", fx->dir);
    assert_non_null(getcwd(here, sizeof here));
    FILE *f = fopen(hist, "w");
    assert_non_null(f);
    fprintf(f, "extends: %s/" HIST "\nname: calibration own\n"
               "requests:\n  growth: {prior: normal, mean: 0.0, sd: 0.02}   # assumption: test\n"
               "d2_panel:\n  issue: {prior: beta, mean: 0.9, sd: 0.05}   # assumption: test\n",
            here);
    fclose(f);
    send_sen2 *d = send_sen2_read(fx->data, NULL);
    assert_non_null(d);
    static const char *const own[] = {"requests.growth"};
    des_error err = {0};
    double gm[2], gsd[2];
    char out[2][160];
    for (int all = 0; all < 2; all++) {
        snprintf(out[all], sizeof out[all], "%s/own%d.yaml", fx->dir, all);
        send_calib_stats st = {0};
        send_calib_opts o = {.particles = 100, .max_simulations = 800, .history_path = hist,
                             .seed = 5, .threads = 2, .stats = &st, .unfitted = own,
                             .n_unfitted = 1, .fit_all = all};
        if (send_calibrate(d, 0, 2021, hist, out[all], &o, &err) != DES_OK)
            fail_msg("%s", err.msg);
        assert_int_equal(st.n_keys, all ? 2 : 1);
        assert_int_equal(st.n_drawn, all ? 0 : 1);
        send_params p;
        if (send_scenario_load(out[all], &p, NULL, &err) != DES_OK)
            fail_msg("%s", err.msg);
        assert_int_equal(p.n_priors, 2); /* the scenario keeps both priors */
        assert_int_equal(p.ensemble->n_keys, all ? 2 : 1);
        double im, isd;
        ens_moments(p.ensemble, "d2_panel.issue", &im, &isd);
        assert_true(isfinite(im)); /* fitted either way */
        ens_moments(p.ensemble, "requests.growth", &gm[all], &gsd[all]);
        assert_true(all ? isfinite(gm[all]) : isnan(gm[all]));
        if (!all) {
            /* replications draw the growth from its prior, whichever set they draw */
            send_run_opts ro = {.seed = 3, .replications = 400, .threads = 2};
            p.end = des_date_from_ymd(2019, 3, 1); /* the draws are what matters */
            send_results r;
            if (send_run(&p, &ro, &r, &err) != DES_OK)
                fail_msg("%s", err.msg);
            int col = -1;
            for (int k = 0; k < r.n_params; k++)
                if (!strcmp(r.param_paths[k], "requests.growth"))
                    col = k;
            assert_true(col >= 0);
            double a = 0, b = 0;
            for (int i = 0; i < 400; i++) {
                double x = r.param_values[(size_t)i * r.n_params + col];
                a += x / 400;
                b += x * x / 400;
            }
            double s = sqrt(b - a * a);
            print_message("drawn growth: mean %.4f sd %.4f over 400 replications\n", a, s);
            assert_close(a, 0.0, 4 * 0.02 / sqrt(400));
            assert_close(s, 0.02, 0.004);
            send_results_free(&r);
        }
        send_params_free(&p);
    }
    print_message("fitted growth (prior 0 sd 0.02, data at %.2f): %.4f sd %.4f\n", TRUTH, gm[1],
                  gsd[1]);
    /* fitting uses the history again: the growth moves well away from its prior mean, by more
     * than a prior sd (0.034 here), and more than 8 sd of the drawn mean's error above */
    assert_true(gm[1] > 0.0 + 1.25 * 0.02);
    /* every prior drawn: nothing to fit */
    send_calib_opts o = {.particles = 10, .max_simulations = 20, .history_path = HIST,
                         .threads = 1, .unfitted = own, .n_unfitted = 1};
    assert_int_equal(send_calibrate(d, 0, 2021, HIST, out[0], &o, &err), DES_EINPUT);
    assert_string_equal(err.msg, "'" HIST "': no priors to calibrate: every one is drawn from "
                                 "its prior, not fitted (requests.growth)");
    send_sen2_free(d);
}

/* A term measured as of an earlier year (a pool whose last release precedes the authority's
 * own file) is stored with its own as_of; one as of a later year would use figures not yet
 * published at the calibration's date, and is refused before anything is written. */
static void test_term_as_of(void **state)
{
    fixture *fx = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/term-as-of.yaml", fx->dir);
    send_discrepancy t = {.n_metrics = 1, .n_q = 3, .levels = {0.1, 0.5, 0.9},
                          .metric = {send_metric_find("ehcp_total")}, .n_h = {1},
                          .n = {{10}}, .q = {{{-0.02, 0, 0.02}}}, .growth = {0.5},
                          .as_of = 2022, .n_origins = 1, .origins = {2019}, .authorities = 3,
                          .replications = 10};
    des_error err = {0};
    send_sen2 *d = send_sen2_read(fx->data, &err);
    assert_non_null(d);
    send_calib_opts o = {.particles = 20, .max_simulations = 60, .history_path = HIST,
                         .seed = 5, .threads = 1, .discrepancy = &t, .gross_term = 1};
    assert_int_equal(send_calibrate(d, 0, 2021, HIST, path, &o, &err), DES_EINVAL);
    assert_string_equal(err.msg, "the forecast-error term is as of 2022, after the calibration "
                                 "(as of 2021): it would use figures published later");
    assert_int_equal(access(path, F_OK), -1);
    t.as_of = 2020;
    if (send_calibrate(d, 0, 2021, HIST, path, &o, &err) != DES_OK)
        fail_msg("%s", err.msg);
    send_sen2_free(d);
    send_params p;
    if (send_scenario_load(path, &p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(p.ensemble->as_of, 2021);
    assert_int_equal(p.ensemble->discrepancy->as_of, 2020);
    assert_close(p.ensemble->discrepancy->q[0][0][2], 0.02, 1e-12);
    send_params_free(&p);
}

/* The forecast-error term stored net of the calibrated forecast's own spread: own_spread is
 * the P90 - P10 of log value over 100 replications of the written scenario run without the
 * term (same seed), at whole horizons from its start, measured again here independently; with
 * --gross-term (gross_term) the term is stored as given, and the rest of the file is the same.
 * A term whose spread the own spread exceeds adds nothing there. */
static void test_term_net_of_own_spread(void **state)
{
    fixture *fx = *state;
    char net[160], gross[160];
    snprintf(net, sizeof net, "%s/net.yaml", fx->dir);
    snprintf(gross, sizeof gross, "%s/gross.yaml", fx->dir);
    send_discrepancy t = {.n_metrics = 2, .n_q = 3, .levels = {0.1, 0.5, 0.9},
                          .metric = {send_metric_find("ehcp_total"),
                                     send_metric_find("requests")},
                          .n_h = {2, 2}, .n = {{10, 10}, {10, 10}}, .growth = {0.5, 0.5},
                          .as_of = 2021, .n_origins = 1, .origins = {2019}, .authorities = 3,
                          .replications = 10};
    for (int m = 0; m < 2; m++)
        for (int h = 0; h < 2; h++) {
            t.q[m][h][0] = -(m ? 0.05 : 0.01) * (h + 1);
            t.q[m][h][2] = (m ? 0.05 : 0.01) * (h + 1);
        }
    des_error err = {0};
    send_sen2 *d = send_sen2_read(fx->data, &err);
    assert_non_null(d);
    send_calib_stats st[2] = {{0}};
    for (int g = 0; g < 2; g++) {
        send_calib_opts o = {.particles = 20, .max_simulations = 60, .history_path = HIST,
                             .seed = 5, .threads = 2, .discrepancy = &t, .gross_term = g,
                             .stats = &st[g]};
        if (send_calibrate(d, 0, 2021, HIST, g ? gross : net, &o, &err) != DES_OK)
            fail_msg("%s", err.msg);
    }
    send_sen2_free(d);
    send_params p, q;
    if (send_scenario_load(gross, &q, NULL, &err) != DES_OK ||
        send_scenario_load(net, &p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    const send_discrepancy *dn = p.ensemble->discrepancy, *dg = q.ensemble->discrepancy;
    assert_int_equal(dg->own_replications, 0);
    assert_int_equal(dg->n_own[0] + dg->n_own[1], 0);
    assert_int_equal(dn->own_replications, 100);
    /* the history runs from January 2019 to 31 January 2021: Januaries 2020 and 2021 and
     * calendar years 2019 and 2020 are one and two years ahead */
    assert_int_equal(dn->n_own[0], 2);
    assert_int_equal(dn->n_own[1], 2);
    send_discrepancy *keep = p.ensemble->discrepancy;
    p.ensemble->discrepancy = NULL;
    send_results r;
    send_run_opts ro = {.seed = 5, .replications = 100, .threads = 1};
    assert_int_equal(send_run(&p, &ro, &r, &err), DES_OK);
    p.ensemble->discrepancy = keep;
    static const double lv[2] = {0.1, 0.9};
    for (int m = 0; m < 2; m++)
        for (int h = 1; h <= 2; h++) {
            double x[100], qq[2];
            int n = 0;
            for (int k = 0; k < r.n; k++) {
                const send_output *o = &r.reps[k];
                int i = m == 0 ? 12 * h : 2019 + h - 1 - o->first_year;
                double v = send_output_row((send_output *)o, t.metric[m])[i];
                if (v > 0)
                    x[n++] = log(v);
            }
            assert_true(2 * n >= r.n);
            des_quantiles(x, (size_t)n, lv, 2, qq);
            assert_close(dn->own[m][h - 1], qq[1] - qq[0], 1e-12);
            double term = (m ? 0.1 : 0.02) * h, sc = dn->own[m][h - 1] < term
                                            ? sqrt(1 - pow(dn->own[m][h - 1] / term, 2)) : 0;
            print_message("%s at %d year%s: own spread %.3f, term %.2f, scale %.3f\n",
                          m ? "requests" : "ehcp_total", h, h > 1 ? "s" : "",
                          dn->own[m][h - 1], term, sc);
            assert_close(send_discrepancy_net_scale(dn, m, h), sc, 1e-12);
            assert_true(sc > 0 && sc < 0.95); /* the netting matters here */
            assert_close(send_discrepancy_log_factor(dn, m, h, 0.9), term / 2 * sc, 1e-12);
        }
    send_results_free(&r);
    /* the statistics report the term as stored: P90 / P10 of its factor at 1, 3, 5 years */
    static const double at_t[3] = {1, 3, 5};
    for (int g = 0; g < 2; g++) {
        const send_discrepancy *dd = g ? dg : dn;
        assert_int_equal(st[g].n_term, 2);
        assert_int_equal(st[g].term_net, !g);
        for (int m = 0; m < 2; m++) {
            assert_int_equal(st[g].term_metric[m], t.metric[m]);
            for (int k = 0; k < 3; k++)
                assert_close(st[g].term_ratio[m][k],
                             exp(send_discrepancy_log_factor(dd, m, at_t[k], 0.9) -
                                 send_discrepancy_log_factor(dd, m, at_t[k], 0.1)),
                             1e-12);
        }
    }
    assert_true(st[0].term_ratio[1][0] < st[1].term_ratio[1][0]); /* the net term is narrower */
    /* everything but the own spread is the gross file's */
    for (int m = 0; m < 2; m++)
        assert_memory_equal(dn->q[m], dg->q[m], sizeof dn->q[m]);
    send_params_free(&p);
    send_params_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovers_truth),
        cmocka_unit_test(test_beta_edge_prior),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_year_sd_analytic),
        cmocka_unit_test(test_observation_error),
        cmocka_unit_test(test_pool_observation_error),
        cmocka_unit_test(test_drawn_not_fitted),
        cmocka_unit_test(test_term_as_of),
        cmocka_unit_test(test_term_net_of_own_spread),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
