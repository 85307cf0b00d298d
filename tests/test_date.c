/* test_date.c - civil-date arithmetic (sim/des/date.c) against independent oracles.
 *
 * - day numbers against the C library's timegm() (seconds since the epoch / 86400) at
 *   anchors, and against a day counter walking every date from 1600 to 2400 (each date one
 *   more than the last, so leap-year rules are checked by counting, not by the same formula);
 * - ymd round trip over that range, and before 1970 (negative day numbers);
 * - month lengths and leap years (1900 no, 2000 yes, 2024 yes, 2023 no);
 * - parsing: exact "YYYY-MM-DD" only; every malformed or impossible date refused, with *out
 *   untouched; formatting round-trips;
 * - adding months clamps to the month's last day; financial year from 1 April, school year
 *   from 1 September, month index from January 1970.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "des_date.h"

/* The day number of a date by the C library: seconds since the epoch (UTC) / 86400. */
static des_date libc_day(int y, int m, int d)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = 12;
    time_t t = timegm(&tm);
    return (des_date)((t - 12 * 3600) / 86400);
}

static void test_anchors(void **state)
{
    (void)state;
    assert_int_equal(des_date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(des_date_from_ymd(1969, 12, 31), -1);
    assert_int_equal(des_date_from_ymd(2000, 1, 1), 10957); /* 946684800 s */
    assert_int_equal(des_date_from_ymd(2019, 1, 1), 17897); /* 1546300800 s */
    static const int dates[][3] = {{1970, 1, 1},  {1972, 2, 29}, {1999, 12, 31}, {2000, 2, 29},
                                   {2000, 3, 1},  {2019, 4, 1},  {2020, 9, 1},   {2038, 1, 19},
                                   {2100, 3, 1},  {1901, 12, 13}, {1950, 6, 15}, {2400, 2, 29}};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        assert_int_equal(des_date_from_ymd(dates[i][0], dates[i][1], dates[i][2]),
                         libc_day(dates[i][0], dates[i][1], dates[i][2]));
}

static void test_walk_every_day(void **state)
{
    (void)state;
    des_date expect = des_date_from_ymd(1600, 1, 1);
    assert_int_equal(expect, libc_day(1600, 1, 1));
    for (int y = 1600; y <= 2400; y++) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int days_in_year = 0;
        for (int m = 1; m <= 12; m++) {
            int dim = des_date_days_in_month(y, m);
            days_in_year += dim;
            for (int d = 1; d <= dim; d++, expect++) {
                des_date got = des_date_from_ymd(y, m, d);
                if (got != expect)
                    fail_msg("%04d-%02d-%02d: %d, expected %d", y, m, d, got, expect);
                int yy, mm, dd;
                des_date_to_ymd(got, &yy, &mm, &dd);
                if (yy != y || mm != m || dd != d)
                    fail_msg("%d: %04d-%02d-%02d, expected %04d-%02d-%02d", got, yy, mm, dd, y, m, d);
            }
        }
        assert_int_equal(days_in_year, 365 + leap);
    }
    assert_int_equal(expect, libc_day(2401, 1, 1));
}

static void test_month_lengths(void **state)
{
    (void)state;
    assert_int_equal(des_date_days_in_month(1900, 2), 28);
    assert_int_equal(des_date_days_in_month(2000, 2), 29);
    assert_int_equal(des_date_days_in_month(2024, 2), 29);
    assert_int_equal(des_date_days_in_month(2023, 2), 28);
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++)
        assert_int_equal(des_date_days_in_month(2019, m), len[m - 1]);
    assert_true(des_date_valid(2020, 2, 29));
    assert_false(des_date_valid(2019, 2, 29));
    assert_false(des_date_valid(2019, 4, 31));
    assert_false(des_date_valid(2019, 0, 1));
    assert_false(des_date_valid(2019, 13, 1));
    assert_false(des_date_valid(2019, 1, 0));
    assert_false(des_date_valid(0, 1, 1));
    assert_false(des_date_valid(10000, 1, 1));
    assert_true(des_date_valid(1, 1, 1));
    assert_true(des_date_valid(9999, 12, 31));
}

static void test_parse_and_format(void **state)
{
    (void)state;
    des_date d = 12345;
    assert_int_equal(des_date_parse("2019-01-01", &d), 0);
    assert_int_equal(d, 17897);
    assert_int_equal(des_date_parse("2020-02-29", &d), 0);
    assert_int_equal(d, des_date_from_ymd(2020, 2, 29));
    static const char *bad[] = {"2019-02-29", "2019-13-01", "2019-00-10", "2019-01-00",
                                "2019-04-31", "0000-01-01", "2019-1-01",  "2019-01-1",
                                "20190101",   "2019-01-01x", " 2019-01-01", "2019/01/01",
                                "abcd-ef-gh", "2019-0a-01", "",           "-019-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        d = 12345;
        if (des_date_parse(bad[i], &d) != -1)
            fail_msg("'%s' was accepted", bad[i]);
        assert_int_equal(d, 12345); /* untouched */
    }
    assert_int_equal(des_date_parse(NULL, &d), -1);

    char buf[11];
    des_date_format(des_date_from_ymd(2019, 4, 1), buf);
    assert_string_equal(buf, "2019-04-01");
    des_date_format(des_date_from_ymd(1, 1, 1), buf);
    assert_string_equal(buf, "0001-01-01");
    des_date_format(des_date_from_ymd(9999, 12, 31), buf);
    assert_string_equal(buf, "9999-12-31");
    for (des_date x = des_date_from_ymd(1999, 1, 1); x < des_date_from_ymd(2001, 1, 1); x += 7) {
        des_date back;
        des_date_format(x, buf);
        assert_int_equal(des_date_parse(buf, &back), 0);
        assert_int_equal(back, x);
    }
}

static void test_add_months(void **state)
{
    (void)state;
    des_date jan31 = des_date_from_ymd(2019, 1, 31);
    assert_int_equal(des_date_add_months(jan31, 1), des_date_from_ymd(2019, 2, 28));
    assert_int_equal(des_date_add_months(des_date_from_ymd(2020, 1, 31), 1),
                     des_date_from_ymd(2020, 2, 29));
    assert_int_equal(des_date_add_months(jan31, 3), des_date_from_ymd(2019, 4, 30));
    assert_int_equal(des_date_add_months(jan31, 12), des_date_from_ymd(2020, 1, 31));
    assert_int_equal(des_date_add_months(jan31, 0), jan31);
    assert_int_equal(des_date_add_months(des_date_from_ymd(2019, 12, 15), 1),
                     des_date_from_ymd(2020, 1, 15));
    assert_int_equal(des_date_add_months(des_date_from_ymd(2020, 1, 15), -1),
                     des_date_from_ymd(2019, 12, 15));
    assert_int_equal(des_date_add_months(des_date_from_ymd(2019, 3, 31), -1),
                     des_date_from_ymd(2019, 2, 28));
    assert_int_equal(des_date_add_months(des_date_from_ymd(2019, 6, 10), -30),
                     des_date_from_ymd(2016, 12, 10));
}

static void test_years_and_months(void **state)
{
    (void)state;
    assert_int_equal(des_date_fy(des_date_from_ymd(2019, 3, 31)), 2018);
    assert_int_equal(des_date_fy(des_date_from_ymd(2019, 4, 1)), 2019);
    assert_int_equal(des_date_fy(des_date_from_ymd(2020, 1, 1)), 2019);
    assert_int_equal(des_date_school_year(des_date_from_ymd(2019, 8, 31)), 2018);
    assert_int_equal(des_date_school_year(des_date_from_ymd(2019, 9, 1)), 2019);
    assert_int_equal(des_date_school_year(des_date_from_ymd(2020, 7, 20)), 2019);
    assert_int_equal(des_date_month_index(des_date_from_ymd(1970, 1, 15)), 0);
    assert_int_equal(des_date_month_index(des_date_from_ymd(1969, 12, 31)), -1);
    assert_int_equal(des_date_month_index(des_date_from_ymd(2019, 1, 1)), 49 * 12);
    assert_int_equal(des_date_month_index(des_date_from_ymd(2019, 12, 31)), 49 * 12 + 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anchors),
        cmocka_unit_test(test_walk_every_day),
        cmocka_unit_test(test_month_lengths),
        cmocka_unit_test(test_parse_and_format),
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_years_and_months),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
