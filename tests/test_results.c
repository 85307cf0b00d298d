/* test_results.c - the results module (sim/model/results.c): the one estimator, the summary
 * of a run, the per-authority headline labels and release. Paired differences and their
 * verdicts are tested in test_compare.c, the summary CSV built on the estimator in test_csv.c.
 *
 * Known answers worked out here: NaN values left out, a single value (sd 0, every quantile the
 * value), none at all (NaN everywhere, n 0), quantiles interpolated at rank (n-1)q; the summary
 * is the same at any thread count and equals the estimator of each metric and period.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "send_results.h"
#include "support/test_util.h"

static void test_estimator(void **state)
{
    (void)state;
    send_stat st;
    double none[3] = {NAN, NAN, NAN};
    send_stat_of(none, 3, &st);
    assert_int_equal(st.n, 0);
    assert_true(isnan(st.mean) && isnan(st.sd));
    for (int j = 0; j < SEND_NQ; j++)
        assert_true(isnan(st.q[j]));
    send_stat_of(none, 0, &st);
    assert_int_equal(st.n, 0);

    double one[3] = {NAN, 7.5, NAN};
    send_stat_of(one, 3, &st);
    assert_int_equal(st.n, 1);
    assert_close(st.mean, 7.5, 0);
    assert_close(st.sd, 0, 0);
    for (int j = 0; j < SEND_NQ; j++)
        assert_close(st.q[j], 7.5, 0);

    /* 0..100 in steps of 10, shuffled, with NaN between: quantile q is 100q exactly */
    double x[14] = {50, NAN, 0, 100, 30, 90, NAN, 10, 70, 20, 60, NAN, 80, 40};
    send_stat_of(x, 14, &st);
    assert_int_equal(st.n, 11);
    assert_close(st.mean, 50, 1e-12);
    assert_close(st.sd, sqrt(11000.0 / 10), 1e-12); /* sum of squares 2 x (50^2+...+10^2) */
    for (int j = 0; j < SEND_NQ; j++)
        assert_close(st.q[j], send_quantile_levels[j], 1e-9);
    assert_close(st.q[SEND_Q10], 10, 1e-9);
    assert_close(st.q[SEND_Q50], 50, 1e-9);
    assert_close(st.q[SEND_Q90], 90, 1e-9);
}

/* n replications of a two-year horizon from January 2020 with a financial year. */
static void make_results(send_results *r, int n)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    r->reps = calloc((size_t)n, sizeof *r->reps);
    assert_non_null(r->reps);
    for (int i = 0; i < n; i++) {
        send_output *o = &r->reps[i];
        o->n_months = 24;
        o->n_years = 2;
        o->n_fys = 1;
        o->first_month_index = (2020 - 1970) * 12;
        o->first_year = 2020;
        o->first_fy = 2020;
        o->row_len = 24;
        o->values = calloc((size_t)SEND_METRIC_COUNT * 24, sizeof *o->values);
        assert_non_null(o->values);
        for (int m = 0; m < SEND_METRIC_COUNT; m++)
            for (int k = 0; k < 24; k++) /* distinct values; every 7th replication NaN */
                o->values[(size_t)m * 24 + k] = (i % 7 == 3 && k % 5 == 0)
                                                    ? NAN
                                                    : (double)((i * 7919 + m * 31 + k) % 1009);
    }
}

/* The same statistics, bit for bit (NaN equal to NaN); the struct's padding is not compared. */
static void assert_same_stat(const send_stat *a, const send_stat *b)
{
    assert_int_equal(a->n, b->n);
    assert_memory_equal(&a->mean, &b->mean, sizeof a->mean);
    assert_memory_equal(&a->sd, &b->sd, sizeof a->sd);
    assert_memory_equal(a->q, b->q, sizeof a->q);
}

static void test_summarise(void **state)
{
    (void)state;
    send_results r1, r4;
    make_results(&r1, 20);
    make_results(&r4, 20);
    des_error err = {0};
    assert_int_equal(send_results_summarise(&r1, 1, &err), DES_OK);
    assert_int_equal(send_results_summarise(&r4, 4, &err), DES_OK);
    double scratch[20];
    for (int m = 0; m < SEND_METRIC_COUNT; m++) {
        if (!send_metric(m))
            continue;
        int np = send_output_periods(&r1.reps[0], m);
        send_period_kind kind = send_metric(m)->kind;
        assert_int_equal(np, kind == SEND_MONTHLY ? 24 : kind == SEND_CY ? 2 : 1);
        for (int i = 0; i < np; i++) {
            send_stat a, b, c;
            send_results_get_stat(&r1, m, i, scratch, &a);
            send_results_get_stat(&r4, m, i, scratch, &b);
            send_results_stat(&r1, m, i, scratch, &c);
            assert_same_stat(&a, &b);
            assert_same_stat(&a, &c);
            assert_int_equal(a.n, i % 5 == 0 ? 17 : 20);
        }
    }
    /* nothing to summarise */
    send_results empty = {0};
    assert_int_equal(send_results_summarise(&empty, 1, &err), DES_EINVAL);
    assert_string_equal(err.msg, "no replications to summarise");
    send_results_free(&r1);
    send_results_free(&r4);
    assert_null(r4.reps);
    assert_null(r4.summary);
    send_results_free(NULL);
}

static void test_headline_labels(void **state)
{
    (void)state;
    send_output o = {.n_months = 24, .n_years = 2, .n_fys = 1, .first_year = 2020,
                     .first_fy = 2020, .first_month_index = (2020 - 1970) * 12};
    char buf[16];
    static const char *const want[SEND_AUTH_HEADLINES][2] = {
        {"2020-01", "2021-01"}, {"2020", "2021"}, {"2020", "2021"}, {"2020-21", NULL},
        {"2020-21", NULL}};
    for (int h = 0; h < SEND_AUTH_HEADLINES; h++) {
        int np = send_auth_headline_periods(&o, h);
        assert_int_equal(np, want[h][1] ? 2 : 1);
        for (int i = 0; i < np; i++) {
            send_auth_headline_label(&o, h, i, buf, sizeof buf);
            assert_string_equal(buf, want[h][i]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimator),
        cmocka_unit_test(test_summarise),
        cmocka_unit_test(test_headline_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
