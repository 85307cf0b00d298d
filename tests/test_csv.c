/* test_csv.c - the CSV pieces every CSV file is made of (sim/io/csv.c), the text buffer
 * (sim/io/buf.c) and the summary CSV built from them (sim/io/summary_csv.c).
 *
 * Fields are quoted exactly when they hold a comma, a quote or a line break, with quotes
 * doubled (RFC 4180), and read back to the same text; numbers are %.10g with no "-0" and an
 * empty field for NaN. The summary CSV of hand-made replications is checked row by row against
 * statistics worked out here (NaN left out, quantiles interpolated at rank (n-1)q). Errors: a
 * directory that does not exist and a cancelled write leave nothing under the final name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "send_io.h"
#include "send_results.h"
#include "support/test_cli.h"

/* What io_csv_field(text) writes, or io_csv_num(v) when text is NULL, as a malloc'd string. */
static char *capture(const char *text, double v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    if (text)
        io_csv_field(f, text);
    else
        io_csv_num(f, v);
    fclose(f);
    return buf;
}

/* Read one RFC 4180 field back (the test's own reader). */
static void unquote(const char *s, char *out)
{
    if (*s != '"') {
        strcpy(out, s);
        return;
    }
    for (s++; *s; s++) {
        if (*s == '"') {
            if (s[1] != '"')
                break;
            s++;
        }
        *out++ = *s;
    }
    *out = '\0';
}

static void test_fields(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"with space", "with space"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"\"", "\"\"\"\""},
        {"line\nbreak", "\"line\nbreak\""},
        {"cr\rhere", "\"cr\rhere\""},
        {"dear, \"special\"", "\"dear, \"\"special\"\"\""},
        {"semi;colon'apos", "semi;colon'apos"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = capture(cases[i].in, 0);
        assert_string_equal(got, cases[i].out);
        char back[64];
        unquote(got, back);
        assert_string_equal(back, cases[i].in);
        free(got);
    }
}

static void test_numbers(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *out;
    } cases[] = {
        {0.0, ",0"},
        {-0.0, ",0"},
        {1.0, ",1"},
        {-2.5, ",-2.5"},
        {1.0 / 3.0, ",0.3333333333"},
        {123456789012.0, ",1.23456789e+11"},
        {1e-7, ",1e-07"},
        {4222.0, ",4222"},
        {99.99999999999, ",100"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = capture(NULL, cases[i].v);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
    char *nan = capture(NULL, NAN);
    assert_string_equal(nan, ",");
    free(nan);
}

static void test_buf(void **state)
{
    (void)state;
    io_buf b = {0};
    assert_null(b.s);
    io_buf_str(&b, "");
    assert_non_null(b.s);
    assert_string_equal(b.s, "");
    /* grow well past the first capacity, byte by byte and in blocks */
    char block[1000];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < 5; i++)
        io_buf_add(&b, block, sizeof block);
    io_buf_str(&b, "end");
    io_buf_add(&b, "ignored tail", 0);
    assert_int_equal(b.n, 5003);
    assert_true(b.cap > b.n);
    assert_int_equal(strlen(b.s), 5003);
    assert_string_equal(b.s + 5000, "end");
    assert_int_equal(b.oom, 0);
    /* after a failed allocation nothing more is appended */
    b.oom = 1;
    io_buf_str(&b, "more");
    assert_int_equal(b.n, 5003);
    free(b.s);
}

/* Three replications of a one-year horizon: new_plans 1, NaN, 3 and ehcp_total 10, 20, 60 in
 * every month. */
static void fake_results(send_results *r)
{
    memset(r, 0, sizeof *r);
    r->n = 3;
    r->reps = calloc(3, sizeof *r->reps);
    assert_non_null(r->reps);
    static const double plans[3] = {1, NAN, 3}, ehcp[3] = {10, 20, 60};
    for (int i = 0; i < 3; i++) {
        send_output *o = &r->reps[i];
        o->n_months = 12;
        o->n_years = 1;
        o->n_fys = 0;
        o->first_month_index = (2020 - 1970) * 12;
        o->first_year = 2020;
        o->first_fy = 2020;
        o->row_len = 12;
        o->values = calloc((size_t)SEND_METRIC_COUNT * 12, sizeof *o->values);
        assert_non_null(o->values);
        send_output_row(o, C_NEW_PLANS)[0] = plans[i];
        for (int m = 0; m < 12; m++)
            send_output_row(o, M_EHCP_TOTAL)[m] = ehcp[i];
    }
}

static void test_summary_csv(void **state)
{
    (void)state;
    char dir[32], path[96];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/s.csv", dir);
    send_results r;
    fake_results(&r);
    des_error err = {0};
    assert_int_equal(send_write_summary_csv(path, "a, \"b\"", &r, NULL, &err), DES_OK);
    char *text = slurp(path);
    assert_int_equal(strncmp(text, "scenario,metric,period,mean,sd,p05,p10,p25,p50,p75,p90,p95\n",
                             59),
                     0);
    /* {10, 20, 60}: mean 30, sd sqrt(700) = 26.45751311; quantiles at rank 2q */
    assert_non_null(strstr(text, "\n\"a, \"\"b\"\"\",ehcp_total,2020-01,30,26.45751311,11,12,"
                                 "15,20,40,52,56\n"));
    assert_non_null(strstr(text, "\n\"a, \"\"b\"\"\",ehcp_total,2020-12,30,"));
    /* {1, 3} with the NaN left out: mean 2, sd sqrt(2); quantiles at rank q */
    assert_non_null(strstr(text, "\n\"a, \"\"b\"\"\",new_plans,2020,2,1.414213562,1.1,1.2,1.5,2,"
                                 "2.5,2.8,2.9\n"));
    /* one row per metric and period: monthly x 12, calendar-year x 1, no financial year */
    size_t rows = 0;
    for (int m = 0; m < SEND_METRIC_COUNT; m++)
        if (send_metric(m))
            rows += (size_t)send_output_periods(&r.reps[0], m);
    assert_int_equal(count_lines(text), 1 + rows);
    free(text);
    unlink(path);

    /* errors: no such directory, a cancelled write: nothing under the final name */
    char bad[128];
    snprintf(bad, sizeof bad, "%s/missing/s.csv", dir);
    assert_int_equal(send_write_summary_csv(bad, "x", &r, NULL, &err), DES_EIO);
    char want[192];
    snprintf(want, sizeof want, "cannot create '%s' (%s)", bad, strerror(ENOENT));
    assert_string_equal(err.msg, want);
    volatile sig_atomic_t cancel = 1;
    assert_int_equal(send_write_summary_csv(path, "x", &r, &cancel, &err), DES_ESTATE);
    assert_string_equal(err.msg, "interrupted");
    assert_dir_empty(dir);
    remove_dir(dir);
    send_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_summary_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
