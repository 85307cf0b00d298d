/* test_authorities.c - scenarios with several authorities: the `authorities` section of the
 * loader (every error at its file position, size factors applied), the run that sums the
 * authorities of each replication (equal to the authorities run one by one with their own
 * streams, conservation of the sum, a one-authority list equal to its template), per-authority
 * headlines, and the block runner that MPI ranks share (any split of the replications into
 * blocks gives the same outputs as one run, at any thread count).
 *
 * Fixtures: tests/data/authorities/ (two.yaml: two authorities from tests/data/load/base.yaml;
 * err_*.yaml: one mistake each). Tests run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "des_rng.h"
#include "run/run_core.h"
#include "send_model.h"
#include "send_run.h"
#include "send_scenario.h"

#define DATA "tests/data/authorities/"

static send_params *load_ok(const char *path)
{
    send_params *p = malloc(sizeof *p);
    assert_non_null(p);
    memset(p, 0x5a, sizeof *p); /* the loader must not rely on the caller initialising p */
    des_error err = {0};
    if (send_scenario_load(path, p, NULL, &err) != DES_OK) {
        free(p);
        fail_msg("loading %s failed: %s", path, err.msg);
    }
    return p;
}

static void params_done(send_params *p)
{
    send_params_free(p);
    free(p);
}

static send_results run_or_fail(const send_params *p, int n, uint64_t seed, int threads)
{
    send_run_opts o = {.seed = seed, .replications = n, .threads = threads};
    send_results res;
    des_error err = {0};
    if (send_run(p, &o, &res, &err) != DES_OK)
        fail_msg("send_run: %s", err.msg);
    return res;
}

static size_t cells(const send_output *o) { return (size_t)SEND_METRIC_COUNT * (size_t)o->row_len; }

/* Bit-for-bit equality of two outputs (NaN cells compare by their bits). */
static void assert_outputs_equal(const send_output *a, const send_output *b)
{
    assert_int_equal(a->row_len, b->row_len);
    assert_int_equal(a->n_years, b->n_years);
    assert_memory_equal(a->values, b->values, cells(a) * sizeof(double));
    assert_memory_equal(a->weeks_hist, b->weeks_hist,
                        (size_t)a->n_years * SEND_WEEKS_BINS * sizeof(uint32_t));
    assert_true(a->plans_open == b->plans_open && a->plans_new == b->plans_new &&
                a->plans_ceased == b->plans_ceased && a->plans_close == b->plans_close);
    assert_true(a->sen_open == b->sen_open && a->sen_in == b->sen_in &&
                a->sen_out == b->sen_out && a->sen_close == b->sen_close);
    assert_true(a->events == b->events);
}

/* ---- loading ------------------------------------------------------------------------------- */

static const struct {
    const char *file, *want;
} load_errors[] = {
    {DATA "err_key.yaml", DATA "err_key.yaml:3:3: finance: not allowed beside 'authorities' (set "
                          "it in the authorities' template scenario)"},
    {DATA "err_factor.yaml",
     DATA "err_factor.yaml:7:25: authorities.list[0].places: expected a number in [0, 100], got -1"},
    {DATA "err_twice.yaml",
     DATA "err_twice.yaml:9:14: authorities.list[2].name: authority 'a' is listed twice"},
    {DATA "err_no_template.yaml",
     DATA "err_no_template.yaml:7:7: authorities.list[1]: missing key 'template' (give it here or "
          "as authorities.template)"},
    {DATA "err_missing.yaml",
     DATA "err_missing.yaml:8:27: authorities.list[1].template: cannot open "
          "'no_such_template.yaml' (No such file or directory)"},
    {DATA "err_start.yaml",
     DATA "err_start.yaml:5:13: authorities.template: expected a template starting on 2020-01-01 "
          "(the scenario's start), got 2021-01-01"},
    {DATA "err_nested.yaml", DATA "two.yaml:7:3: authorities: not allowed in the template of an "
                             "authority (authorities do not nest)"},
    {DATA "err_list.yaml",
     DATA "err_list.yaml:6:9: authorities.list: between 1 and 1000 authorities expected, got 0"},
    {DATA "err_unknown.yaml",
     DATA "err_unknown.yaml:7:17: authorities.list[0].scael: unknown key (did you mean 'scale'?)"},
    {DATA "err_in_template.yaml",
     DATA "../load/err_range.yaml:3:12: d1_panel.refusal: expected a number in [0, 1], got 1.5"},
    {DATA "err_not_map.yaml", DATA "err_not_map.yaml:4:14: authorities: expected a mapping with "
                              "'template' and 'list'"},
    {DATA "err_name.yaml", DATA "err_name.yaml:7:7: authorities.list[0]: missing key 'name'"},
    {DATA "err_no_list.yaml", DATA "err_no_list.yaml:5:3: authorities: missing key 'list'"},
};

static void test_load_errors(void **state)
{
    (void)state;
    regex_t re;
    assert_int_equal(regcomp(&re, "^[^: ]+\\.yaml:[0-9]+:[0-9]+: [][A-Za-z0-9_.-]+: [^\n]+$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    for (size_t i = 0; i < sizeof load_errors / sizeof load_errors[0]; i++) {
        send_params p;
        memset(&p, 0x5a, sizeof p);
        des_error err = {0};
        int rc = send_scenario_load(load_errors[i].file, &p, NULL, &err);
        if (rc == DES_OK) {
            send_params_free(&p);
            fail_msg("%s loaded, expected: %s", load_errors[i].file, load_errors[i].want);
        }
        assert_int_equal(rc, DES_EINPUT);
        assert_int_equal(err.code, DES_EINPUT);
        if (strcmp(err.msg, load_errors[i].want) != 0)
            fail_msg("%s:\n  got  '%s'\n  want '%s'", load_errors[i].file, err.msg,
                     load_errors[i].want);
        assert_int_equal(regexec(&re, err.msg, 0, NULL, 0), 0);
        /* p is back to the defaults and owns nothing */
        assert_int_equal(p.n_authorities, 0);
        assert_null(p.authorities);
        assert_string_equal(p.name, "unnamed");
        send_params_free(&p);
    }
    regfree(&re);
}

static double sum_of(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

static void test_load_factors(void **state)
{
    (void)state;
    send_params *p = load_ok(DATA "two.yaml");
    send_params *t = load_ok("tests/data/load/base.yaml");
    assert_string_equal(p->name, "pair");
    assert_int_equal(p->n_authorities, 2);
    assert_int_equal(p->n_obs, 1);
    const send_params *a = &p->authorities[0], *b = &p->authorities[1];
    assert_string_equal(a->name, "town");
    assert_string_equal(b->name, "city");
    assert_int_equal(a->n_obs, 0);
    assert_int_equal(a->start, p->start);
    assert_int_equal(b->end, p->end);

    /* the unscaled authority is its template, value for value */
    assert_memory_equal(a->population, t->population, sizeof t->population);
    assert_true(a->sen_initial == t->sen_initial && a->grant_base == t->grant_base);
    assert_int_equal(a->pools[0].places, t->pools[0].places);
    assert_int_equal(a->d1_capacity, t->d1_capacity);

    /* city: scale 2.5, places x 0.8, grant x 1.1 */
    assert_true(sum_of(b->population, SEND_AGES) == 2.5 * sum_of(t->population, SEND_AGES));
    assert_true(b->sen_initial == 2.5 * t->sen_initial);
    assert_true(b->direct_requests[BAND_UNDER5] == 2.5 * t->direct_requests[BAND_UNDER5]);
    assert_true(sum_of(b->initial_band, BAND_COUNT) == 250);
    assert_true(sum_of(b->initial_prov, PROV_COUNT) == 250);
    assert_int_equal(b->pools[0].places, 120); /* 60 x 2.5 x 0.8 */
    assert_int_equal(b->pools[1].places, 20);
    assert_int_equal(b->builds[0].count, 20);
    assert_true(b->ep_fte.value[0] == 5.0);
    assert_int_equal(b->d1_capacity, 50);
    assert_int_equal(b->d2_capacity, 1000000); /* not limited in the template: stays so */
    assert_true(fabs(b->grant_base - 3000000 * 2.5 * 1.1) < 1e-6);
    /* rates and costs are per child: unchanged */
    assert_memory_equal(b->request_hazard, t->request_hazard, sizeof t->request_hazard);
    assert_memory_equal(b->cost, t->cost, sizeof t->cost);
    /* each authority owns its distribution tables (freeing both must not double free) */
    assert_ptr_not_equal(a->mediation_time.x, b->mediation_time.x);
    params_done(t);
    params_done(p);

    /* the top-level end applies to every authority */
    p = load_ok(DATA "shorter.yaml");
    assert_int_equal(p->authorities[1].end, des_date_from_ymd(2020, 6, 30));
    assert_int_equal(p->authorities[1].start, des_date_from_ymd(2020, 1, 1));
    params_done(p);
}

/* ---- running ------------------------------------------------------------------------------- */

/* A one-authority list gives its template's outputs exactly: same streams, nothing rescaled. */
static void test_one_equals_template(void **state)
{
    (void)state;
    send_params *p1 = load_ok(DATA "one.yaml"), *t = load_ok("tests/data/load/base.yaml");
    send_results r1 = run_or_fail(p1, 4, 21, 2), rt = run_or_fail(t, 4, 21, 1);
    assert_int_equal(r1.seeds_per_rep, SEND_STREAMS);
    assert_memory_equal(r1.seeds, rt.seeds, 4 * SEND_STREAMS * sizeof *r1.seeds);
    for (int r = 0; r < 4; r++)
        assert_outputs_equal(&r1.reps[r], &rt.reps[r]);
    assert_int_equal(r1.n_authorities, 1);
    assert_string_equal(r1.authority_names[0], "only");
    assert_int_equal(rt.n_authorities, 0);
    assert_null(rt.authority_values);
    send_results_free(&r1);
    send_results_free(&rt);
    params_done(p1);
    params_done(t);
}

static double cell(const send_output *o, int metric, int i)
{
    return o->values[(size_t)metric * (size_t)o->row_len + (size_t)i];
}

/* Every replication is the sum of its authorities run alone with their own streams, the sum
 * conserves plans and SEN Support exactly, and the headlines are each authority's own. */
static void test_sum_of_parts(void **state)
{
    (void)state;
    send_params *p = load_ok(DATA "two.yaml");
    const int n = 3, A = 2;
    send_results res = run_or_fail(p, n, 11, 2);
    assert_int_equal(res.seeds_per_rep, A * SEND_STREAMS);
    assert_int_equal(res.authority_len, 2); /* 2 calendar years, 1 financial year */
    uint32_t seeds[3 * 2 * SEND_STREAMS];
    assert_int_equal(des_rng_seed_table(11, n, A * SEND_STREAMS, seeds, NULL), DES_OK);
    assert_memory_equal(res.seeds, seeds, sizeof seeds);

    for (int r = 0; r < n; r++) {
        send_output part[2];
        for (int a = 0; a < A; a++) {
            des_error err = {0};
            assert_int_equal(send_output_init(&part[a], &p->authorities[a], &err), DES_OK);
            send_model *m = send_model_create(&p->authorities[a], &err);
            assert_non_null(m);
            assert_int_equal(send_model_run(m, seeds + (r * A + a) * SEND_STREAMS, &part[a], &err),
                             DES_OK);
            send_model_destroy(m);
        }
        const send_output *s = &res.reps[r];
        for (int metric = 0; metric < SEND_METRIC_COUNT; metric++) {
            int np = send_output_periods(s, metric);
            int num, den;
            double scale;
            for (int i = 0; i < np; i++) {
                double x = cell(&part[0], metric, i), y = cell(&part[1], metric, i);
                double got = cell(s, metric, i), want;
                if (send_metric_is_limit(metric)) {
                    want = x == -1 || y == -1 ? -1 : x + y;
                } else if (metric >= C_PLACEMENTS_PEAK && metric < C_SHORTFALL_PEAK + PROV_COUNT) {
                    /* the busiest month of the summed monthly series (checked above, since
                     * monthly rows come first), not the sum of each part's busiest month */
                    int mon = metric < C_WAITING_PEAK         ? M_PLACEMENTS + metric - C_PLACEMENTS_PEAK
                              : metric < C_WAITING_TOTAL_PEAK ? M_WAITING + metric - C_WAITING_PEAK
                              : metric == C_WAITING_TOTAL_PEAK ? M_WAITING_TOTAL
                                                               : M_SHORTFALL + metric - C_SHORTFALL_PEAK;
                    want = NAN;
                    for (int k = 0; k < s->n_months; k++)
                        if ((s->first_month_index + k) / 12 + 1970 - s->first_year == i &&
                            !(cell(s, mon, k) <= want))
                            want = cell(s, mon, k);
                } else if (send_metric_ratio(metric, &num, &den, &scale)) {
                    /* the pooled ratio of the summed counts, exactly */
                    double d = cell(&part[0], den, i) + cell(&part[1], den, i);
                    double u = cell(&part[0], num, i) + cell(&part[1], num, i);
                    if (d == 0) {
                        assert_true(isnan(got));
                        continue;
                    }
                    want = scale * u / d;
                } else {
                    want = x + y;
                }
                if (got != want)
                    fail_msg("replication %d, %s period %d: %.17g, expected %.17g + %.17g", r,
                             send_metric(metric)->name, i, got, x, y);
            }
        }
        for (int i = 0; i < s->n_years * SEND_WEEKS_BINS; i++)
            assert_int_equal(s->weeks_hist[i], part[0].weeks_hist[i] + part[1].weeks_hist[i]);
        assert_true(s->plans_open == part[0].plans_open + part[1].plans_open);
        assert_true(s->plans_close == part[0].plans_close + part[1].plans_close);
        assert_true(s->events == part[0].events + part[1].events);
        /* conservation of the sum */
        assert_true(s->plans_open + s->plans_new - s->plans_ceased == s->plans_close);
        assert_true(s->sen_open + s->sen_in - s->sen_out == s->sen_close);
        assert_true(cell(s, M_EHCP_TOTAL, 0) == (double)s->plans_open);
        assert_true(cell(s, M_EHCP_TOTAL, 12) ==
                    cell(s, M_EHCP_TOTAL, 0) + cell(s, C_NEW_PLANS, 0) - cell(s, C_CEASED, 0));
        /* headlines: each authority's own figures */
        for (int a = 0; a < A; a++) {
            const double *e = send_results_authority_row(&res, r, a, 0);
            assert_true(e[0] == cell(&part[a], M_EHCP_TOTAL, 0));
            assert_true(e[1] == cell(&part[a], M_EHCP_TOTAL, 12));
            const double *np = send_results_authority_row(&res, r, a, 1);
            assert_true(np[1] == cell(&part[a], C_NEW_PLANS, 1));
            const double *sp = send_results_authority_row(&res, r, a, 3);
            assert_true(sp[0] == cell(&part[a], F_SPEND, 0));
            assert_true(isnan(sp[1])); /* only one financial year */
        }
        send_output_free(&part[0]);
        send_output_free(&part[1]);
    }
    assert_string_equal(res.authority_names[1], "city");
    char label[16];
    assert_int_equal(send_auth_headline_periods(&res.reps[0], 0), 2);
    assert_int_equal(send_auth_headline_periods(&res.reps[0], 4), 1);
    send_auth_headline_label(&res.reps[0], 0, 1, label, sizeof label);
    assert_string_equal(label, "2021-01");
    send_auth_headline_label(&res.reps[0], 2, 0, label, sizeof label);
    assert_string_equal(label, "2020");
    send_auth_headline_label(&res.reps[0], 3, 0, label, sizeof label);
    assert_string_equal(label, "2020-21");
    send_results_free(&res);
    params_done(p);
}

/* Splitting the replications into blocks (as MPI ranks do) and running them at different
 * thread counts gives outputs identical to one run: replication r's seeds are row r of the
 * whole run's table, whoever runs it. */
static void test_blocks_identical(void **state)
{
    (void)state;
    const char *files[] = {DATA "two.yaml", "tests/data/load/base.yaml"};
    for (int f = 0; f < 2; f++) {
        send_params *p = load_ok(files[f]);
        const int n = 7;
        send_results whole = run_or_fail(p, n, 5, 2);
        uint32_t *seeds;
        int per;
        assert_int_equal(run_seed_table(p, 5, n, &seeds, &per, NULL), DES_OK);
        assert_int_equal(per, whole.seeds_per_rep);
        assert_memory_equal(seeds, whole.seeds, (size_t)n * per * sizeof *seeds);
        int len;
        size_t stride = run_auth_stride(p, &len);
        assert_int_equal(stride, (size_t)p->n_authorities * SEND_AUTH_HEADLINES * len);
        static const int cuts[][3] = {{0, 3, 7}, {0, 1, 7}, {0, 6, 7}};
        for (int c = 0; c < 3; c++)
            for (int threads = 1; threads <= 2; threads++) {
                send_output outs[7];
                double *auth = stride ? malloc(n * stride * sizeof *auth) : NULL;
                assert_int_equal(run_outputs_init(p, outs, n, NULL), DES_OK);
                for (int b = 0; b < 2; b++) {
                    int r0 = cuts[c][b], r1 = cuts[c][b + 1];
                    int used = 0;
                    des_error err = {0};
                    int st = run_block(p, seeds, per, NULL, r0, r1, outs + r0,
                                       auth ? auth + r0 * stride : NULL, threads, NULL, &used,
                                       &err);
                    assert_int_equal(st, RUN_OK);
                    assert_true(used >= 1 && used <= threads);
                }
                for (int r = 0; r < n; r++) {
                    assert_outputs_equal(&outs[r], &whole.reps[r]);
                    send_output_free(&outs[r]);
                }
                if (stride)
                    assert_memory_equal(auth, whole.authority_values, n * stride * sizeof *auth);
                free(auth);
            }
        /* an empty block is nothing to do */
        assert_int_equal(run_block(p, seeds, per, NULL, 3, 3, NULL, NULL, 2, NULL, NULL, NULL), RUN_OK);
        free(seeds);
        send_results_free(&whole);
        params_done(p);
    }
}

static void test_run_errors(void **state)
{
    (void)state;
    send_params *p = load_ok(DATA "two.yaml");
    send_run_opts o = {.seed = 1, .replications = 2, .threads = 1};
    send_results res;
    des_error err = {0};

    /* an authority with broken parameters is named */
    int saved = p->authorities[1].d1_capacity;
    p->authorities[1].d1_capacity = 0;
    assert_int_equal(send_run(p, &o, &res, &err), DES_EINVAL);
    assert_string_equal(err.msg, "authority 'city': panel capacities must be at least 1");
    assert_null(res.reps);
    p->authorities[1].d1_capacity = saved;

    /* every authority must share the scenario's horizon */
    p->authorities[0].end = des_date_from_ymd(2022, 12, 31);
    assert_int_equal(send_run(p, &o, &res, &err), DES_EINVAL);
    assert_string_equal(err.msg, "authority 'town' must have the scenario's horizon");
    p->authorities[0].end = p->end;

    /* an interrupted run keeps nothing */
    volatile sig_atomic_t stop = 1;
    o.cancel = &stop;
    assert_int_equal(send_run(p, &o, &res, &err), DES_ESTATE);
    assert_string_equal(err.msg, "interrupted");
    assert_int_equal(res.n, 0);
    assert_null(res.authority_values);

    /* without MPI, send_run_dist is send_run on rank 0 */
    o.cancel = NULL;
    assert_int_equal(send_dist_rank(), 0);
    assert_int_equal(send_run_dist(p, &o, &res, &err), DES_OK);
    assert_int_equal(res.n, 2);
    assert_int_equal(res.ranks, 1);
    send_results_free(&res);
    params_done(p);
}

/* send_output_sum on hand-made parts: capacity, weighted ratios, a single part copied. */
static void test_output_sum(void **state)
{
    (void)state;
    send_params p;
    send_params_init(&p);
    p.start = des_date_from_ymd(2020, 1, 1);
    p.end = des_date_from_ymd(2020, 12, 31);
    send_output a, b, s;
    assert_int_equal(send_output_init(&a, &p, NULL), DES_OK);
    assert_int_equal(send_output_init(&b, &p, NULL), DES_OK);
    assert_int_equal(send_output_init(&s, &p, NULL), DES_OK);
    send_output_row(&a, M_CAPACITY + PROV_SPECIAL)[0] = 50;
    send_output_row(&b, M_CAPACITY + PROV_SPECIAL)[0] = 70;
    send_output_row(&a, M_CAPACITY + PROV_SPECIAL)[1] = -1;
    send_output_row(&b, M_CAPACITY + PROV_SPECIAL)[1] = 70;
    send_output_row(&a, M_CAPACITY + PROV_SPECIAL)[2] = 40;
    send_output_row(&b, M_CAPACITY + PROV_SPECIAL)[2] = -1;
    /* counts that are not round in binary; the parts' own ratios are stale on purpose, so
     * the sum must derive them from the counts */
    send_output_row(&a, C_NEW_PLANS)[0] = 10;
    send_output_row(&a, C_WITHIN_20W)[0] = 7;
    send_output_row(&a, C_WEEKS_TO_ISSUE)[0] = 183.7;
    send_output_row(&a, C_PCT_20W)[0] = 12345;
    send_output_row(&a, C_MEAN_WEEKS)[0] = NAN;
    send_output_row(&b, C_NEW_PLANS)[0] = 30;
    send_output_row(&b, C_WITHIN_20W)[0] = 9;
    send_output_row(&b, C_WEEKS_TO_ISSUE)[0] = 781.1;
    send_output_row(&a, C_WAITED_FOR_PLACE)[0] = 3;
    send_output_row(&a, C_WAITS_ENDED)[0] = 3;
    send_output_row(&a, C_WEEKS_WAITED)[0] = 31.3;
    send_output_row(&b, C_WAITED_FOR_PLACE)[0] = 0; /* waits that began in an earlier year */
    send_output_row(&b, C_WAITS_ENDED)[0] = 1;
    send_output_row(&b, C_WEEKS_WAITED)[0] = 2.2;
    send_output_row(&b, C_MEAN_WAIT_PLACE_WEEKS)[0] = -7;
    a.plans_open = 5;
    b.plans_open = 6;
    const send_output *parts[2] = {&a, &b};
    des_error err = {0};
    assert_int_equal(send_output_sum(&s, parts, 0, &err), DES_EINVAL);
    assert_int_equal(send_output_sum(&s, parts, 2, &err), DES_OK);
    assert_true(send_output_row(&s, M_CAPACITY + PROV_SPECIAL)[0] == 120);
    assert_true(send_output_row(&s, M_CAPACITY + PROV_SPECIAL)[1] == -1);
    assert_true(send_output_row(&s, M_CAPACITY + PROV_SPECIAL)[2] == -1);
    assert_true(send_output_row(&s, M_CAPACITY + PROV_RESOURCED)[0] == 0);
    assert_true(send_output_row(&s, C_NEW_PLANS)[0] == 40);
    /* the pooled ratios: the two authorities' plans and waits taken together */
    assert_true(send_output_row(&s, C_WITHIN_20W)[0] == 16);
    assert_true(send_output_row(&s, C_PCT_20W)[0] == 40);
    assert_true(send_output_row(&s, C_MEAN_WEEKS)[0] == (183.7 + 781.1) / 40);
    assert_true(send_output_row(&s, C_MEAN_WAIT_PLACE_WEEKS)[0] == (31.3 + 2.2) / 4);
    assert_true(s.plans_open == 11);
    /* a year without plans anywhere has no percentage */
    send_output_row(&a, C_NEW_PLANS)[0] = 0;
    send_output_row(&a, C_WITHIN_20W)[0] = 0;
    send_output_row(&b, C_NEW_PLANS)[0] = 0;
    send_output_row(&b, C_WITHIN_20W)[0] = 0;
    send_output_row(&a, C_WAITS_ENDED)[0] = 0;
    send_output_row(&b, C_WAITS_ENDED)[0] = 0;
    assert_int_equal(send_output_sum(&s, parts, 2, &err), DES_OK);
    assert_true(isnan(send_output_row(&s, C_PCT_20W)[0]));
    assert_true(isnan(send_output_row(&s, C_MEAN_WEEKS)[0]));
    assert_true(isnan(send_output_row(&s, C_MEAN_WAIT_PLACE_WEEKS)[0]));
    /* one part, with its ratios derived from its counts as the model's are, is reproduced
     * bit for bit */
    send_output_ratios(&b);
    assert_int_equal(send_output_sum(&s, parts + 1, 1, &err), DES_OK);
    assert_outputs_equal(&s, &b);
    send_output_free(&a);
    send_output_free(&b);
    send_output_free(&s);
    send_params_free(&p);
}

/* The shipped synthetic England: 152 authorities, about 638,700 plans at the start. */
static void test_england_synthetic(void **state)
{
    (void)state;
    send_params *p = load_ok("scenarios/england-synthetic.yaml");
    assert_int_equal(p->n_authorities, 152);
    double plans = 0, smallest = INFINITY, largest = 0;
    for (int a = 0; a < p->n_authorities; a++) {
        double x = sum_of(p->authorities[a].initial_band, BAND_COUNT);
        plans += x;
        smallest = fmin(smallest, x);
        largest = fmax(largest, x);
        assert_int_equal(p->authorities[a].start, p->start);
        assert_int_equal(p->authorities[a].end, p->end);
    }
    assert_true(fabs(plans - 638700) < 0.001 * 638700);
    assert_true(largest > 3 * plans / 152 && smallest < plans / 152 / 3);
    params_done(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_load_factors),
        cmocka_unit_test(test_one_equals_template),
        cmocka_unit_test(test_sum_of_parts),
        cmocka_unit_test(test_blocks_identical),
        cmocka_unit_test(test_run_errors),
        cmocka_unit_test(test_output_sum),
        cmocka_unit_test(test_england_synthetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
