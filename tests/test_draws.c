/* test_draws.c - per-replication parameter sets: priors, ensembles, their record.
 *
 * - replication r's value of a key with a prior is send_prior_draw(prior, u), u its uniform
 *   u(seed, r, path) stratified over the replications (one in each of the n strata), varies
 *   across replications, and is the same whatever other keys carry priors (common random
 *   numbers across scenarios);
 * - a run with priors is bit for bit the same with 1, 2 and 3 threads (outputs, summaries and
 *   the values recorded), and each replication's output equals a plain run of the scenario with
 *   its recorded values set (the copy is really applied, and only to its replication);
 * - an ensemble overrides a prior on its keys, draws sets by weight (stratified: exactly in
 *   proportion), records the set's index;
 * - a key of the ensemble that a file extending it sets itself is not drawn (a lever's value);
 * - the ensemble section's errors, each one line with the file position;
 * - the values round-trip through the results file;
 * - a forecast-error term's uniforms joined by its correlation (a Gaussian copula) and
 *   stratified over the replications: one in each stratum, their normal-score correlation the
 *   stored one; without the correlation, independent; the correlation's errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/test_util.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "des_rng.h"
#include "des_stats.h"
#include "send_h5.h"
#include "send_keys.h"
#include "send_run.h"
#include "send_scenario.h"
#include "support/test_cli.h"
#include "run/run_core.h"

#define DIR "tests/data/ensemble/"

static void load(const char *path, send_params *p)
{
    des_error err = {0};
    if (send_scenario_load(path, p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
}

static void add_prior(send_params *p, const char *path, send_prior_kind kind, double a,
                      double b)
{
    send_prior *pr = &p->priors[p->n_priors++];
    *pr = (send_prior){.key = send_key_index(send_key_find(path)), .kind = kind, .a = a, .b = b};
    des_error err = {0};
    if (send_prior_check(pr, &err) != DES_OK)
        fail_msg("%s: %s", path, err.msg);
}

/* One year of the golden scenario with two priors. */
static void with_priors(send_params *p)
{
    load("tests/golden/golden.yaml", p);
    p->end = des_date_from_ymd(2019, 12, 31);
    add_prior(p, "requests.growth", SEND_PRIOR_NORMAL, 0.05, 0.1);
    add_prior(p, "d2_panel.issue", SEND_PRIOR_BETA, 0.9, 0.05);
}

static int col(const send_results *r, const char *path)
{
    for (int j = 0; j < r->n_params; j++)
        if (!strcmp(r->param_paths[j], path))
            return j;
    fail_msg("no column '%s'", path);
    return -1;
}

static double val(const send_results *r, int rep, const char *path)
{
    return r->param_values[(size_t)rep * r->n_params + col(r, path)];
}

/* Replication i's uniform for path after stratification over n replications (draws.c): the
 * raw uniform ranked j of n becomes (j + the replication's "<path>.stratum" uniform) / n. */
static double stratified(uint64_t seed, int n, int i, const char *path)
{
    double ui = send_param_uniform(seed, i, path);
    int j = 0;
    for (int r = 0; r < n; r++) {
        double ur = send_param_uniform(seed, r, path);
        j += ur < ui || (ur == ui && r < i);
    }
    char sp[SEND_PATH_MAX + 16];
    snprintf(sp, sizeof sp, "%s.stratum", path);
    return (j + send_param_uniform(seed, i, sp)) / n;
}

static void test_prior_draws(void **state)
{
    (void)state;
    send_params p;
    with_priors(&p);
    send_results r;
    des_error err = {0};
    send_run_opts o = {.seed = 11, .replications = 6, .threads = 2};
    assert_int_equal(send_run(&p, &o, &r, &err), DES_OK);
    assert_int_equal(r.n_params, 2);
    assert_string_equal(r.param_paths[0], "requests.growth");
    assert_string_equal(r.param_paths[1], "d2_panel.issue");
    for (int k = 0; k < 2; k++) {
        int hit[6] = {0};
        for (int i = 0; i < r.n; i++) {
            double want, u = stratified(11, r.n, i, r.param_paths[k]);
            assert_int_equal(send_prior_draw(&p.priors[k], u, &want), DES_OK);
            assert_true(r.param_values[i * 2 + k] == want);
            hit[(int)(u * r.n)]++; /* one replication in each sixth of the prior */
        }
        for (int j = 0; j < 6; j++)
            assert_int_equal(hit[j], 1);
    }
    /* the draws vary across replications */
    assert_true(val(&r, 0, "requests.growth") != val(&r, 1, "requests.growth"));
    assert_true(val(&r, 0, "d2_panel.issue") != val(&r, 1, "d2_panel.issue"));

    /* common random numbers: a scenario with only the growth prior draws the same growth */
    send_params q;
    load("tests/golden/golden.yaml", &q);
    q.end = p.end;
    add_prior(&q, "requests.growth", SEND_PRIOR_NORMAL, 0.05, 0.1);
    send_results rq;
    assert_int_equal(send_run(&q, &o, &rq, &err), DES_OK);
    assert_int_equal(rq.n_params, 1);
    for (int i = 0; i < r.n; i++)
        assert_true(val(&rq, i, "requests.growth") == val(&r, i, "requests.growth"));

    /* each replication ran with its own values: replication 3 equals a plain run of the
     * scenario with those values set, on replication 3's seeds */
    send_params one;
    const char(*paths)[SEND_PATH_MAX] = (const char(*)[SEND_PATH_MAX])r.param_paths;
    assert_int_equal(send_params_set_many(&p, 2, paths, r.param_values + 3 * 2, &one, &err),
                     DES_OK);
    one.n_priors = 0;
    send_output out;
    assert_int_equal(send_output_init(&out, &one, &err), DES_OK);
    send_model *m = send_model_create(&one, &err);
    assert_non_null(m);
    assert_int_equal(send_model_run(m, r.seeds + 3 * r.seeds_per_rep, &out, &err), DES_OK);
    assert_memory_equal(out.values, r.reps[3].values,
                        sizeof(double) * SEND_METRIC_COUNT * (size_t)out.row_len);
    send_model_destroy(m);
    send_output_free(&out);
    send_results_free(&rq);
    send_results_free(&r);
    send_params_free(&q);
    send_params_free(&p);
}

static void test_threads_identical(void **state)
{
    (void)state;
    send_params p;
    with_priors(&p);
    send_results r[3];
    des_error err = {0};
    for (int t = 0; t < 3; t++) {
        send_run_opts o = {.seed = 5, .replications = 5, .threads = t + 1};
        assert_int_equal(send_run(&p, &o, &r[t], &err), DES_OK);
    }
    int len = r[0].reps[0].row_len;
    for (int t = 1; t < 3; t++) {
        assert_memory_equal(r[t].param_values, r[0].param_values, sizeof(double) * 5 * 2);
        for (int i = 0; i < 5; i++)
            assert_memory_equal(r[t].reps[i].values, r[0].reps[i].values,
                                sizeof(double) * SEND_METRIC_COUNT * (size_t)len);
        assert_memory_equal(r[t].summary, r[0].summary,
                            sizeof(send_stat) * SEND_METRIC_COUNT * (size_t)len);
    }
    for (int t = 0; t < 3; t++)
        send_results_free(&r[t]);
    send_params_free(&p);
}

static void test_ensemble(void **state)
{
    (void)state;
    send_params p;
    load(DIR "ensemble.yaml", &p);
    const send_ensemble *e = p.ensemble;
    assert_non_null(e);
    assert_int_equal(e->n_keys, 2);
    assert_int_equal(e->n_sets, 3);
    assert_string_equal(e->method, "abc-smc");
    assert_string_equal(e->data, "data/la-sen2.csv");
    assert_int_equal(e->as_of, 2019);
    assert_close(e->weights[1], 1.0, 0);
    /* a prior on an ensemble key is overridden; a prior on another key is still drawn */
    add_prior(&p, "d2_panel.issue", SEND_PRIOR_BETA, 0.9, 0.05);
    add_prior(&p, "ceasing.moved_away", SEND_PRIOR_UNIFORM, 0.01, 0.03);
    send_results r;
    des_error err = {0};
    send_run_opts o = {.seed = 3, .replications = 4, .threads = 2};
    assert_int_equal(send_run(&p, &o, &r, &err), DES_OK);
    assert_int_equal(r.n_params, 4);
    assert_string_equal(r.param_paths[0], "ensemble.set");
    assert_string_equal(r.param_paths[3], "ceasing.moved_away");
    for (int i = 0; i < 4; i++) {
        assert_true(val(&r, i, "ensemble.set") == 1);
        assert_true(val(&r, i, "requests.growth") == 0.3);
        assert_true(val(&r, i, "d2_panel.issue") == 0.5);
        double mv = val(&r, i, "ceasing.moved_away");
        assert_true(mv >= 0.01 && mv <= 0.03);
    }
    send_results_free(&r);
    send_params_free(&p);

    /* weights 1:3 - the set's uniform stratified over the 400 replications, exactly 3/4 of them
     * (those in the strata from 0.25 on) run the second set */
    load(DIR "weighted.yaml", &p);
    o.replications = 400;
    o.threads = 2;
    p.end = des_date_from_ymd(2019, 1, 31);
    assert_int_equal(send_run(&p, &o, &r, &err), DES_OK);
    int second = 0;
    for (int i = 0; i < r.n; i++) {
        double s = val(&r, i, "ensemble.set");
        assert_true(val(&r, i, "requests.growth") == (s == 1 ? 0.2 : 0.0));
        second += s == 1;
    }
    assert_int_equal(second, 300);
    send_results_free(&r);
    send_params_free(&p);
}

/* A file extending the ensemble's that sets one of its keys (a lever's value) has it
 * used, not the ensemble's: the key leaves the ensemble (recorded with where it was set), the
 * other key and the set are still drawn with the same uniforms (common random numbers), and the
 * run equals a run of the lever without the ensemble at the drawn value of the other key (so the
 * lever's 0.8 really is what ran, where the ensemble's 0.5 gives other plans). */
static void test_ensemble_key_set_by_a_lever(void **state)
{
    (void)state;
    send_params p, base, q;
    load(DIR "lever.yaml", &p);
    load(DIR "ensemble.yaml", &base);
    const send_ensemble *e = p.ensemble;
    assert_int_equal(e->n_keys, 1);
    assert_int_equal(e->n_sets, 3);
    assert_string_equal(e->paths[0], "requests.growth");
    assert_true(e->values[0] == 0.0 && e->values[1] == 0.3 && e->values[2] == -0.1);
    assert_int_equal(e->n_overridden, 1);
    assert_string_equal(e->overridden[0], "d2_panel.issue");
    assert_string_equal(e->overridden_at[0], DIR "lever.yaml:6");
    assert_int_equal(base.ensemble->n_keys, 2);
    assert_int_equal(base.ensemble->n_overridden, 0);

    des_error err = {0};
    send_run_opts o = {.seed = 3, .replications = 4, .threads = 2};
    send_results r, rb, rq;
    assert_int_equal(send_run(&p, &o, &r, &err), DES_OK);
    assert_int_equal(send_run(&base, &o, &rb, &err), DES_OK);
    assert_int_equal(r.n_params, 2);
    assert_string_equal(r.param_paths[1], "requests.growth");
    for (int i = 0; i < 4; i++) {
        assert_true(val(&r, i, "ensemble.set") == val(&rb, i, "ensemble.set"));
        assert_true(val(&r, i, "requests.growth") == 0.3);
    }
    /* the lever without its ensemble, requests.growth at the drawn 0.3 */
    load(DIR "lever.yaml", &q);
    send_ensemble_free(q.ensemble);
    q.ensemble = NULL;
    assert_int_equal(send_param_set(&q, "requests.growth", 0.3, &err), DES_OK);
    assert_int_equal(send_run(&q, &o, &rq, &err), DES_OK);
    int m = send_metric_find("new_plans"), differs = 0;
    for (int i = 0; i < 4; i++) {
        int n = send_output_periods(&r.reps[i], m);
        assert_memory_equal(send_output_row(&r.reps[i], m), send_output_row(&rq.reps[i], m),
                            sizeof(double) * (size_t)n);
        for (int k = 0; k < n; k++)
            differs |= send_output_row(&r.reps[i], m)[k] != send_output_row(&rb.reps[i], m)[k];
    }
    assert_true(differs); /* the ensemble's issue share (0.5) would have run otherwise */
    send_results_free(&r);
    send_results_free(&rb);
    send_results_free(&rq);
    send_params_free(&q);
    send_params_free(&base);
    send_params_free(&p);
}

static void test_ensemble_errors(void **state)
{
    (void)state;
    static const struct {
        const char *file, *msg;
    } cases[] = {
        {"err_key.yaml", ":3:27: ensemble.keys[1]: expected the path of a numeric scenario key, "
                         "got 'areas'"},
        {"err_len.yaml", ":4:22: ensemble.sets[1]: expected a list of 2 values (one per key)"},
        {"err_missing.yaml", ":3:3: ensemble: missing key 'keys'"},
        {"err_range.yaml", ":4:11: ensemble.sets[0][0]: expected a number in [0, 1], got 1.5"},
        {"err_weights.yaml", ":5:12: ensemble.weights: expected 2 weights (one per set), got 1"},
        {"err_corr_rows.yaml", ":23:7: ensemble.discrepancy.correlation: expected 3 rows, one "
                               "per metric"},
        {"err_corr_len.yaml", ":24:9: ensemble.discrepancy.correlation[1]: expected a list of 3 "
                              "numbers (one per metric)"},
        {"err_corr_diag.yaml", ":24:15: ensemble.discrepancy.correlation[1][1]: expected 1 on "
                               "the diagonal"},
        {"err_corr_sym.yaml", ":25:15: ensemble.discrepancy.correlation[2][1]: expected 0.5, as "
                              "in row 2 column 3 (the matrix is symmetric)"},
        {"err_corr_range.yaml", ":23:13: ensemble.discrepancy.correlation[0][1]: expected a "
                                "number in [-1, 1], got 1.7"},
        {"err_corr_pd.yaml", ":23:7: ensemble.discrepancy.correlation: expected a "
                             "positive-definite correlation matrix"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[128], want[256];
        snprintf(path, sizeof path, DIR "%s", cases[i].file);
        snprintf(want, sizeof want, "%s%s", path, cases[i].msg);
        send_params p;
        des_error err = {0};
        assert_int_equal(send_scenario_load(path, &p, NULL, &err), DES_EINPUT);
        assert_string_equal(err.msg, want);
        send_params_free(&p);
    }
}

/* The term's uniforms joined by its correlation and stratified, 4,000 replications drawn (no
 * simulation): each measure's values fill the 4,000 equal strata of (0, 1) one each, in the
 * order of the uniforms drawn for the first measure (any measure, without the correlation);
 * their normal-score correlation is the file's within 0.04 (its sd here is about 0.01), 0
 * without it. The file writes back as it was read. */
static void test_term_copula(void **state)
{
    (void)state;
    enum { N = 4000 };
    static const char *const path[3] = {"discrepancy.ehcp_total", "discrepancy.new_plans",
                                        "discrepancy.requests"};
    send_params p;
    load(DIR "copula.yaml", &p);
    send_discrepancy *dq = p.ensemble->discrepancy;
    assert_non_null(dq);
    assert_int_equal(dq->has_corr, 1);
    assert_int_equal(dq->corr_n, 500);
    assert_close(dq->corr[2][1], 0.5, 0);
    for (int joined = 1; joined >= 0; joined--) {
        dq->has_corr = joined;
        run_draws d;
        des_error err = {0};
        assert_int_equal(run_draws_make(&p, 7, N, &d, &err), DES_OK);
        int col[3];
        for (int m = 0; m < 3; m++) {
            col[m] = -1;
            for (int c = 0; c < d.k; c++)
                if (!strcmp(d.paths[c], path[m]))
                    col[m] = c;
            assert_true(col[m] >= 0);
        }
        double *u = malloc(N * 3 * sizeof *u), c[9];
        char *hit = calloc(N, 1);
        assert_non_null(u);
        assert_non_null(hit);
        for (int r = 0; r < N; r++)
            for (int m = 0; m < 3; m++)
                u[r * 3 + m] = d.values[(size_t)r * (size_t)d.k + (size_t)col[m]];
        for (int m = 0; m < 3; m++) {
            /* one value in each of the N strata, so exactly a tenth below 0.1 */
            memset(hit, 0, N);
            int below10 = 0;
            for (int r = 0; r < N; r++) {
                int k = (int)(u[r * 3 + m] * N);
                assert_in_range(k, 0, N - 1);
                assert_int_equal(hit[k], 0);
                hit[k] = 1;
                below10 += u[r * 3 + m] < 0.1;
            }
            assert_int_equal(below10, N / 10);
            /* in the order of the uniforms drawn (for the first measure, or any when
             * independent): replications 0 and r compare as their raw draws do */
            if (m == 0 || !joined)
                for (int r = 1; r < N; r++)
                    assert_int_equal(u[r * 3 + m] < u[m],
                                     send_param_uniform(7, r, path[m]) <
                                         send_param_uniform(7, 0, path[m]));
        }
        free(hit);
        assert_int_equal(des_normal_score_corr(u, NULL, N, 3, c), 0);
        assert_close(c[1], joined ? 0.7 : 0, 0.04);
        assert_close(c[2], joined ? 0.4 : 0, 0.04);
        assert_close(c[5], joined ? 0.5 : 0, 0.04);
        free(u);
        run_draws_free(&d);
    }
    dq->has_corr = 1;
    /* the term as printed, read back through a scenario that holds it */
    char scen[] = "/tmp/sendsim-copula-scen-XXXXXX";
    int fs = mkstemp(scen);
    assert_true(fs >= 0);
    FILE *g = fdopen(fs, "w");
    assert_non_null(g);
    char golden[4096];
    assert_non_null(realpath("tests/golden/golden.yaml", golden));
    fprintf(g, "extends: \"%s\"\nensemble:\n  keys: [requests.growth]\n  sets: [[0.0]]\n", golden);
    send_discrepancy_yaml_print(g, dq, "  ");
    fclose(g);
    send_params q;
    des_error err = {0};
    assert_int_equal(send_scenario_load(scen, &q, NULL, &err), DES_OK);
    assert_memory_equal(q.ensemble->discrepancy, dq, sizeof *dq);
    send_params_free(&q);
    unlink(scen);
    send_params_free(&p);
}

static void test_h5_round_trip(void **state)
{
    (void)state;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    send_scenario sc;
    des_error err = {0};
    if (send_scenario_open(DIR "ensemble.yaml", &sc, &err) != DES_OK)
        fail_msg("%s", err.msg);
    send_params *p = &sc.params;
    add_prior(p, "ceasing.moved_away", SEND_PRIOR_UNIFORM, 0.01, 0.03);
    send_results r, back;
    send_run_opts o = {.seed = 9, .replications = 3, .threads = 1};
    assert_int_equal(send_run(p, &o, &r, &err), DES_OK);
    send_meta meta = {0};
    assert_int_equal(send_meta_from_scenario(&meta, &sc, &err), DES_OK);
    meta.started = strdup("2026-01-02T03:04:05Z");
    meta.finished = send_meta_now();
    char path[64];
    snprintf(path, sizeof path, "/tmp/sendsim-draws-%ld.h5", (long)getpid());
    assert_int_equal(send_h5_write(path, &r, &meta, NULL, &err), DES_OK);
    send_meta mb = {0};
    if (send_h5_read(path, &back, &mb, &err) != DES_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(back.n_params, r.n_params);
    for (int j = 0; j < r.n_params; j++)
        assert_string_equal(back.param_paths[j], r.param_paths[j]);
    assert_memory_equal(back.param_values, r.param_values,
                        sizeof(double) * (size_t)r.n * (size_t)r.n_params);
    unlink(path);
    send_meta_free(&mb);
    send_meta_free(&meta);
    send_results_free(&back);
    send_results_free(&r);
    send_scenario_close(&sc);
}

/* The command: the summary CSV of a scenario with an ensemble and a prior is byte for byte the
 * same with 1 and 3 threads. */
static void test_cli_threads_identical(void **state)
{
    (void)state;
    char dir[32], a[96], b[96];
    make_out_dir(dir);
    snprintf(a, sizeof a, "%s/t1", dir);
    snprintf(b, sizeof b, "%s/t3", dir);
    cli_result r;
    run_cli(&r, "run", DIR "priors.yaml", "-n", "6", "--threads", "1", "--out", a, "--quiet",
            "--no-plots", NULL);
    if (r.status != 0)
        cli_fail(&r, "run --threads 1");
    cli_result_free(&r);
    run_cli(&r, "run", DIR "priors.yaml", "-n", "6", "--threads", "3", "--out", b, "--quiet",
            "--no-plots", NULL);
    if (r.status != 0)
        cli_fail(&r, "run --threads 3");
    cli_result_free(&r);
    char pa[128], pb[128];
    snprintf(pa, sizeof pa, "%s-summary.csv", a);
    snprintf(pb, sizeof pb, "%s-summary.csv", b);
    char *sa = slurp(pa), *sb = slurp(pb);
    assert_true(strlen(sa) > 1000);
    assert_string_equal(sa, sb);
    free(sa);
    free(sb);
    remove_dir(dir);
}

/* validate prints the ensemble: size, provenance, and per key the weighted mean (set 1 has all
 * the weight) and the range of the sets. */
static void test_cli_validate_prints_ensemble(void **state)
{
    (void)state;
    cli_result r;
    run_cli(&r, "validate", DIR "ensemble.yaml", NULL);
    if (r.status != 0)
        cli_fail(&r, "validate");
    assert_non_null(strstr(r.out, "ensemble: 3 sets of 2 keys (replications draw one set each, "
                                  "by weight); abc-smc; data data/la-sen2.csv (sha256 "
                                  "0123456789ab...); as of 2019\n"));
    assert_non_null(strstr(r.out, "  requests.growth                      weighted mean 0.3, "
                                  "sd 0, range [-0.1, 0.3]\n"));
    cli_result_free(&r);
    run_cli(&r, "validate", DIR "lever.yaml", NULL);
    if (r.status != 0)
        cli_fail(&r, "validate lever");
    assert_non_null(strstr(r.out, "ensemble: 3 sets of 1 key (replications"));
    assert_non_null(strstr(r.out, "  d2_panel.issue                       set at " DIR
                                  "lever.yaml:6, in a file extending the ensemble's: that "
                                  "value is used, not drawn\n"));
    cli_result_free(&r);
    run_cli(&r, "validate", DIR "copula.yaml", NULL);
    if (r.status != 0)
        cli_fail(&r, "validate copula");
    assert_non_null(strstr(r.out, "  the measures' factors drawn jointly, with their errors' "
                                  "correlation (over 500 authority-origin-horizons): "
                                  "ehcp_total-new_plans 0.70, ehcp_total-requests 0.40, "
                                  "new_plans-requests 0.50\n"));
    cli_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prior_draws),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_ensemble),
        cmocka_unit_test(test_ensemble_key_set_by_a_lever),
        cmocka_unit_test(test_ensemble_errors),
        cmocka_unit_test(test_term_copula),
        cmocka_unit_test(test_h5_round_trip),
        cmocka_unit_test(test_cli_threads_identical),
        cmocka_unit_test(test_cli_validate_prints_ensemble),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
