/* test_sen2.c - the SEN2 series reader (send_sen2_*): both long formats, comments and quoting,
 * every bad-file error with its exact "file:line: what was expected" message, the as-of rule
 * (January caseload to YEAR, calendar-year activity to YEAR - 1), lookups by old code, new
 * code and name with near matches and the ambiguous "Dorset", the SHA-256 of the file (checked
 * against coreutils' sha256sum) and the shipped data files.
 *
 * Fixtures: tests/data/sen2/good.csv (three authorities and two Dorsets, rows out of order,
 * a quoted field with a comma and doubled quotes, a comment between rows), single.csv (the
 * one-authority form with its identity in the first comment) and err_*.csv, one mistake each.
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

#include "send_sen2.h"

#define DATA "tests/data/sen2/"

static send_sen2 *read_ok(const char *path)
{
    des_error err = {0};
    send_sen2 *d = send_sen2_read(path, &err);
    if (!d)
        fail_msg("reading '%s': %s", path, err.msg);
    return d;
}

static void expect_error(const char *file, int code, const char *msg)
{
    des_error err = {0};
    send_sen2 *d = send_sen2_read(file, &err);
    assert_null(d);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, msg);
}

static void test_per_authority(void **state)
{
    (void)state;
    send_sen2 *d = read_ok(DATA "good.csv");
    assert_int_equal(send_sen2_count(d), 4);
    const send_sen2_la *a = send_sen2_la_at(d, 0);
    assert_string_equal(a->name, "Alpha");
    assert_string_equal(a->new_code, "E0000001");
    assert_string_equal(a->old_code, "101");
    assert_string_equal(a->region, ""); /* no la-coverage.csv beside the file */
    assert_string_equal(send_sen2_la_at(d, 3)->name, "Bristol, City of");
    assert_null(send_sen2_la_at(d, 4));
    /* The row after the others (2017) is found: rows are sorted after reading. */
    assert_true(send_sen2_value(d, 0, "ehcp_total", 2017, 0) == 90);
    assert_true(send_sen2_value(d, 0, "ehcp_total", 2019, 0) == 110);
    assert_true(send_sen2_value(d, 0, "new_plans", 2019, 0) == 22.5);
    assert_true(isnan(send_sen2_value(d, 0, "ehcp_total", 2016, 0)));
    assert_true(isnan(send_sen2_value(d, 0, "no_such_metric", 2019, 0)));
    assert_true(isnan(send_sen2_value(d, 9, "ehcp_total", 2019, 0)));
    assert_int_equal(send_sen2_metric_kind(d, "ehcp_total"), SEND_SEN2_JAN);
    assert_int_equal(send_sen2_metric_kind(d, "new_plans"), SEND_SEN2_CY);
    assert_int_equal(send_sen2_metric_kind(d, "plans_ceased"), -1);
    int first = 0, last = 0;
    assert_int_equal(send_sen2_span(d, 0, "ehcp_total", 0, &first, &last), 1);
    assert_int_equal(first, 2017);
    assert_int_equal(last, 2020);
    assert_int_equal(send_sen2_span(d, 0, "plans_ceased", 0, &first, &last), 0);
    assert_int_equal(send_sen2_span(d, 1, "new_plans", 0, &first, &last), 0);
    assert_string_equal(send_sen2_path(d), DATA "good.csv");
    send_sen2_free(d);
    send_sen2_free(NULL);
}

/* As of 2019: January 2019 caseload is published (June 2019), calendar 2019 activity is not
 * (June 2020); calendar 2018 activity is. */
static void test_as_of(void **state)
{
    (void)state;
    send_sen2 *d = read_ok(DATA "good.csv");
    assert_true(send_sen2_value(d, 0, "ehcp_total", 2019, 2019) == 110);
    assert_true(isnan(send_sen2_value(d, 0, "ehcp_total", 2020, 2019)));
    assert_true(send_sen2_value(d, 0, "ehcp_total", 2020, 2020) == 125);
    assert_true(send_sen2_value(d, 0, "new_plans", 2018, 2019) == 20);
    assert_true(isnan(send_sen2_value(d, 0, "new_plans", 2019, 2019)));
    assert_true(send_sen2_value(d, 0, "new_plans", 2019, 2020) == 22.5);
    int first = 0, last = 0;
    assert_int_equal(send_sen2_span(d, 0, "ehcp_total", 2019, &first, &last), 1);
    assert_int_equal(first, 2017);
    assert_int_equal(last, 2019);
    assert_int_equal(send_sen2_span(d, 0, "new_plans", 2019, &first, &last), 1);
    assert_int_equal(last, 2018);
    assert_int_equal(send_sen2_span(d, 0, "new_plans", 2018, &first, &last), 0);
    assert_int_equal(send_sen2_last_period(SEND_SEN2_JAN, 2019), 2019);
    assert_int_equal(send_sen2_last_period(SEND_SEN2_CY, 2019), 2018);
    send_sen2_free(d);
}

static void test_single_authority(void **state)
{
    (void)state;
    send_sen2 *d = read_ok(DATA "single.csv");
    assert_int_equal(send_sen2_count(d), 1);
    const send_sen2_la *a = send_sen2_la_at(d, 0);
    assert_string_equal(a->name, "Testshire");
    assert_string_equal(a->old_code, "999");
    assert_string_equal(a->new_code, "E10000099");
    assert_true(send_sen2_value(d, 0, "ehcp_total", 2019, 0) == 500);
    assert_true(send_sen2_value(d, 0, "plans_ceased", 2018, 0) == 40);
    des_error err = {0};
    assert_int_equal(send_sen2_find(d, "999", &err), 0);
    assert_int_equal(send_sen2_find(d, "testshire", &err), 0);
    send_sen2_free(d);
}

static void test_find(void **state)
{
    (void)state;
    send_sen2 *d = read_ok(DATA "good.csv");
    des_error err = {0};
    assert_int_equal(send_sen2_find(d, "101", &err), 0);
    assert_int_equal(send_sen2_find(d, "e0000001", &err), 0); /* new codes in any case */
    assert_int_equal(send_sen2_find(d, "ALPHA", &err), 0);
    assert_int_equal(send_sen2_find(d, "838", &err), 2);
    assert_int_equal(send_sen2_find(d, "E10000009", &err), 1);
    assert_int_equal(send_sen2_find(d, "bristol, city of", &err), 3);

    assert_int_equal(send_sen2_find(d, "Dorset", &err), -1);
    assert_int_equal(err.code, DES_EINPUT);
    assert_string_equal(err.msg, "authority 'Dorset' is ambiguous in 'tests/data/sen2/good.csv': "
                                 "give its code (835 Dorset [E10000009], 838 Dorset [E06000059])");
    assert_int_equal(send_sen2_find(d, "Alpa", &err), -1);
    assert_string_equal(err.msg, "unknown authority 'Alpa' in 'tests/data/sen2/good.csv' (did "
                                 "you mean 'Alpha' (101)?)");
    /* A substring ranks before an edit-distance match. */
    assert_int_equal(send_sen2_find(d, "Bristol", &err), -1);
    assert_string_equal(err.msg, "unknown authority 'Bristol' in 'tests/data/sen2/good.csv' "
                                 "(did you mean 'Bristol, City of' (801)?)");
    assert_int_equal(send_sen2_find(d, "Dorsets", &err), -1);
    assert_string_equal(err.msg, "unknown authority 'Dorsets' in 'tests/data/sen2/good.csv' "
                                 "(did you mean 'Dorset' (835), 'Dorset' (838)?)");
    assert_int_equal(send_sen2_find(d, "Zanzibar", &err), -1);
    assert_string_equal(err.msg, "unknown authority 'Zanzibar' in 'tests/data/sen2/good.csv': "
                                 "expected an old LA code (855), a new code (E10000018) or a "
                                 "name");
    assert_int_equal(send_sen2_find(d, "", &err), -1);
    assert_int_equal(err.code, DES_EINPUT);
    send_sen2_free(d);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error(DATA "err_missing_column.csv", DES_EINPUT,
                 DATA "err_missing_column.csv:2: expected a header with columns metric, period, "
                      "period_type and value (no 'period_type')");
    expect_error(DATA "err_partial_la.csv", DES_EINPUT,
                 DATA "err_partial_la.csv:1: expected all of la_name, new_la_code and "
                      "old_la_code or none (no 'new_la_code')");
    expect_error(DATA "err_value.csv", DES_EINPUT,
                 DATA "err_value.csv:4: value: expected a number, found '12x'");
    expect_error(DATA "err_value_empty.csv", DES_EINPUT,
                 DATA "err_value_empty.csv:2: value: expected a number, found ''");
    expect_error(DATA "err_period_type.csv", DES_EINPUT,
                 DATA "err_period_type.csv:3: period_type: expected jan_caseload or "
                      "calendar_year_activity, found 'academic_year'");
    expect_error(DATA "err_period.csv", DES_EINPUT,
                 DATA "err_period.csv:2: period: expected a year 1900-2200, found '19x'");
    expect_error(DATA "err_duplicate.csv", DES_EINPUT,
                 DATA "err_duplicate.csv:5: expected one row per authority, metric and period: "
                      "'1' ehcp_total 2019 repeats line 2");
    expect_error(DATA "err_fields.csv", DES_EINPUT,
                 DATA "err_fields.csv:2: expected 4 fields as in the header, found 3");
    expect_error(DATA "err_kind.csv", DES_EINPUT,
                 DATA "err_kind.csv:3: period_type: expected jan_caseload for metric "
                      "'ehcp_total' as on its earlier rows, found 'calendar_year_activity'");
    expect_error(DATA "err_no_header.csv", DES_EINPUT,
                 DATA "err_no_header.csv:1: expected a header line (metric,period,period_type,"
                      "value,...)");
    expect_error(DATA "err_quote.csv", DES_EINPUT,
                 DATA "err_quote.csv:2: expected a closing '\"'");
    expect_error(DATA "err_no_la.csv", DES_EINPUT,
                 DATA "err_no_la.csv:2: expected an authority (la_name, new_la_code or "
                      "old_la_code)");
    expect_error(DATA "no_such_file.csv", DES_EIO,
                 "cannot open '" DATA "no_such_file.csv' (No such file or directory)");
    /* a device is never read (/dev/zero would fill memory), nor a directory */
    expect_error("/dev/zero", DES_EIO, "cannot open '/dev/zero' (not a regular file)");
    expect_error(DATA, DES_EIO, "cannot open '" DATA "' (not a regular file)");
}

static void test_sha256(void **state)
{
    (void)state;
    send_sen2 *d = read_ok(DATA "good.csv");
    FILE *p = popen("sha256sum " DATA "good.csv", "r");
    assert_non_null(p);
    char want[65] = "";
    assert_int_equal(fscanf(p, "%64s", want), 1);
    pclose(p);
    assert_int_equal(strlen(want), 64);
    assert_string_equal(send_sen2_sha256(d), want);
    send_sen2_free(d);
}

/* The shipped files read, with the figures the issue quotes and the regions of la-coverage. */
static void test_shipped(void **state)
{
    (void)state;
    send_sen2 *d = read_ok("data/la-sen2.csv");
    assert_int_equal(send_sen2_count(d), 137);
    des_error err = {0};
    long k = send_sen2_find(d, "E10000018", &err);
    assert_true(k >= 0);
    assert_string_equal(send_sen2_la_at(d, (size_t)k)->region, "East Midlands");
    assert_true(send_sen2_value(d, (size_t)k, "ehcp_total", 2019, 2019) == 4222);
    assert_true(isnan(send_sen2_value(d, (size_t)k, "ehcp_total", 2026, 0))); /* not in it */
    assert_int_equal(send_sen2_find(d, "Dorset", &err), -1);
    send_sen2_free(d);
    d = read_ok("data/leicestershire-sen2.csv");
    assert_string_equal(send_sen2_la_at(d, 0)->old_code, "855");
    assert_true(send_sen2_value(d, 0, "ehcp_total", 2026, 0) == 8812);
    assert_true(send_sen2_value(d, 0, "pct_within_20_weeks", 2022, 0) == 3.8);
    send_sen2_free(d);
    d = read_ok("data/england-sen2.csv");
    assert_string_equal(send_sen2_la_at(d, 0)->name, "England");
    send_sen2_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_authority), cmocka_unit_test(test_as_of),
        cmocka_unit_test(test_single_authority), cmocka_unit_test(test_find),
        cmocka_unit_test(test_errors), cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_shipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
