/* test_output.c - per-replication result storage (sim/model/output.c).
 *
 * - the periods of a horizon, counted by hand: months from the start month to the end month,
 *   calendar years from the start year to the end year, financial years (April to March)
 *   wholly inside [start, end], at the edges (start on and after 1 April, end on and before
 *   31 March);
 * - storage: every value zero after init, one row per metric of row_len values, rows laid
 *   end to end; a horizon shorter than a month refused with its message;
 * - each metric's periods, first days and labels by its kind; an unknown metric has none;
 * - the conservation counts as an array, in the documented order, both ways;
 * - a measure's parts scaled with it (send_output_scale_parts), worked by hand: the plans' age
 *   bands (placements and waits untouched), the ceasing reasons, the requests' outcomes, new
 *   plans within 20 weeks;
 * - freeing twice is safe.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "send_model.h"
#include "support/test_util.h"

static des_date ymd(int y, int m, int d) { return des_date_from_ymd(y, m, d); }

/* An output for the horizon [start, end] (only the dates matter to send_output_init). */
static int init_for(send_output *o, des_date start, des_date end, des_error *err)
{
    static send_params p; /* large: not on the stack */
    memset(&p, 0, sizeof p);
    p.start = start;
    p.end = end;
    return send_output_init(o, &p, err);
}

static void check_periods(des_date start, des_date end, int months, int years, int first_year,
                          int fys, int first_fy)
{
    send_output o;
    des_error err = {0};
    assert_int_equal(init_for(&o, start, end, &err), DES_OK);
    assert_int_equal(o.n_months, months);
    assert_int_equal(o.n_years, years);
    assert_int_equal(o.first_year, first_year);
    assert_int_equal(o.n_fys, fys);
    if (fys > 0)
        assert_int_equal(o.first_fy, first_fy);
    assert_int_equal(o.first_month_index, des_date_month_index(start));
    int longest = months > years ? months : years;
    assert_int_equal(o.row_len, fys > longest ? fys : longest);
    send_output_free(&o);
}

static void test_periods(void **state)
{
    (void)state;
    /* 12 whole years from January: FYs 2019-20 .. 2029-30 (2030-31 ends after the horizon) */
    check_periods(ymd(2019, 1, 1), ymd(2030, 12, 31), 144, 12, 2019, 11, 2019);
    /* from 1 April: that FY counts */
    check_periods(ymd(2019, 4, 1), ymd(2020, 3, 31), 12, 2, 2019, 1, 2019);
    /* from 2 April: it does not */
    check_periods(ymd(2019, 4, 2), ymd(2021, 3, 31), 24, 3, 2019, 1, 2020);
    /* ending 30 March: the FY in progress does not count either */
    check_periods(ymd(2019, 4, 2), ymd(2021, 3, 30), 24, 3, 2019, 0, 0);
    /* mid-month to mid-month */
    check_periods(ymd(2019, 5, 10), ymd(2021, 4, 30), 24, 3, 2019, 1, 2020);
    /* one day */
    check_periods(ymd(2020, 2, 29), ymd(2020, 2, 29), 1, 1, 2020, 0, 0);
}

static void test_storage(void **state)
{
    (void)state;
    send_output o;
    des_error err = {0};
    assert_int_equal(init_for(&o, ymd(2019, 1, 1), ymd(2021, 12, 31), &err), DES_OK);
    assert_non_null(o.values);
    assert_non_null(o.weeks_hist);
    for (size_t i = 0; i < (size_t)SEND_METRIC_COUNT * (size_t)o.row_len; i++)
        assert_true(o.values[i] == 0);
    for (size_t i = 0; i < (size_t)o.n_years * SEND_WEEKS_BINS; i++)
        assert_int_equal(o.weeks_hist[i], 0);
    assert_int_equal(o.plans_open + o.plans_new + o.plans_ceased + o.plans_close, 0);
    assert_int_equal(o.sen_open + o.sen_in + o.sen_out + o.sen_close, 0);
    for (int k = 0; k < SEND_METRIC_COUNT; k++)
        assert_ptr_equal(send_output_row(&o, k), o.values + (size_t)k * (size_t)o.row_len);
    /* the last value of the last row is the last of the block */
    send_output_row(&o, SEND_METRIC_COUNT - 1)[o.row_len - 1] = 7;
    assert_true(o.values[(size_t)SEND_METRIC_COUNT * (size_t)o.row_len - 1] == 7);
    send_output_free(&o);
    assert_null(o.values);
    assert_null(o.weeks_hist);
    send_output_free(&o); /* twice: harmless */
    send_output_free(NULL);

    /* a horizon that ends before its first month */
    memset(&o, 0, sizeof o);
    assert_int_equal(init_for(&o, ymd(2019, 3, 1), ymd(2019, 2, 28), &err), DES_EINVAL);
    assert_string_equal(err.msg, "the horizon must cover at least one month");
    assert_null(o.values);
}

static void test_metric_periods_and_labels(void **state)
{
    (void)state;
    send_output o;
    des_error err = {0};
    assert_int_equal(init_for(&o, ymd(2019, 1, 1), ymd(2022, 12, 31), &err), DES_OK);
    char buf[16];
    /* monthly */
    assert_int_equal(send_output_periods(&o, M_EHCP_TOTAL), 48);
    assert_int_equal(send_output_period_start(&o, M_EHCP_TOTAL, 0), ymd(2019, 1, 1));
    assert_int_equal(send_output_period_start(&o, M_EHCP_TOTAL, 13), ymd(2020, 2, 1));
    assert_int_equal(send_output_period_start(&o, M_EHCP_TOTAL, 47), ymd(2022, 12, 1));
    send_output_period_label(&o, M_EHCP_TOTAL, 13, buf, sizeof buf);
    assert_string_equal(buf, "2020-02");
    /* calendar years */
    assert_int_equal(send_output_periods(&o, C_REQUESTS), 4);
    assert_int_equal(send_output_period_start(&o, C_REQUESTS, 2), ymd(2021, 1, 1));
    send_output_period_label(&o, C_REQUESTS, 3, buf, sizeof buf);
    assert_string_equal(buf, "2022");
    /* financial years: 2019-20 .. 2021-22 */
    assert_int_equal(send_output_periods(&o, F_SPEND), 3);
    assert_int_equal(send_output_period_start(&o, F_SPEND, 0), ymd(2019, 4, 1));
    assert_int_equal(send_output_period_start(&o, F_SPEND, 2), ymd(2021, 4, 1));
    send_output_period_label(&o, F_SPEND, 0, buf, sizeof buf);
    assert_string_equal(buf, "2019-20");
    /* each metric's periods follow its place in the first table (monthly, then CY, then FY)
     * and, for the metrics appended after it, its kind; a row the table leaves unnamed (no
     * such metric, e.g. waiting for "awaiting") has none */
    for (int k = 0; k < SEND_METRIC_COUNT; k++) {
        int want = k < M_MONTHLY_COUNT ? o.n_months : k < C_CY_END ? o.n_years : o.n_fys;
        if (k >= M_LEVEL)
            want = send_metric(k)->kind == SEND_MONTHLY ? o.n_months
                   : send_metric(k)->kind == SEND_CY    ? o.n_years
                                                        : o.n_fys;
        assert_int_equal(send_output_periods(&o, k), send_metric(k) ? want : 0);
    }
    /* the appended metrics the model writes as stocks, counts and money have those kinds */
    assert_int_equal(send_metric(M_LEVEL)->kind, SEND_MONTHLY);
    assert_int_equal(send_metric(M_CARE)->kind, SEND_MONTHLY);
    assert_int_equal(send_metric(C_INITIAL)->kind, SEND_CY);
    assert_int_equal(send_metric(F_CARE_SPEND)->kind, SEND_FY);
    assert_int_equal(send_metric(F_SB_BALANCE)->kind, SEND_FY);
    /* an unknown metric has no periods */
    assert_int_equal(send_output_periods(&o, -1), 0);
    assert_int_equal(send_output_periods(&o, SEND_METRIC_COUNT), 0);
    assert_int_equal(send_output_period_start(&o, SEND_METRIC_COUNT, 0), 0);
    send_output_period_label(&o, SEND_METRIC_COUNT, 0, buf, sizeof buf);
    assert_string_equal(buf, "?");
    /* a short buffer truncates, terminated */
    send_output_period_label(&o, M_EHCP_TOTAL, 0, buf, 5);
    assert_string_equal(buf, "2019");
    send_output_free(&o);

    /* labels of a period by kind and first day; the century turns in an FY label */
    send_period_label(SEND_MONTHLY, ymd(2019, 9, 1), buf, sizeof buf);
    assert_string_equal(buf, "2019-09");
    send_period_label(SEND_CY, ymd(2019, 1, 1), buf, sizeof buf);
    assert_string_equal(buf, "2019");
    send_period_label(SEND_FY, ymd(1999, 4, 1), buf, sizeof buf);
    assert_string_equal(buf, "1999-00");
    send_period_label(SEND_FY, ymd(2009, 4, 1), buf, sizeof buf);
    assert_string_equal(buf, "2009-10");
}

static void set(send_output *o, int metric, int i, double v) { send_output_row(o, metric)[i] = v; }
static double get(send_output *o, int metric, int i) { return send_output_row(o, metric)[i]; }

/* Worked by hand: the plans of month 3 by 1.1 scale their age bands and nothing placed; the
 * flows of year 0 scale their parts (the requests' outcomes by 0.5, the ceasing reasons by 1.5,
 * new plans within 20 weeks by 1.25 with new plans and 0.8 with the percentage: by 1.0). */
static void test_scale_parts(void **state)
{
    (void)state;
    static send_params p;
    memset(&p, 0, sizeof p);
    p.start = ymd(2019, 1, 1);
    p.end = ymd(2019, 12, 31);
    des_error err = {0};
    send_output o;
    assert_int_equal(send_output_init(&o, &p, &err), DES_OK);
    const double band[BAND_COUNT] = {17, 60, 70, 40, 10};
    for (int b = 0; b < BAND_COUNT; b++)
        set(&o, M_EHCP_BAND + b, 3, band[b]);
    set(&o, M_EHCP_TOTAL, 3, 197);
    set(&o, M_PLACEMENTS + PROV_SPECIAL, 3, 100);
    set(&o, M_WAITING + PROV_SPECIAL, 3, 6);
    set(&o, M_SHORTFALL + PROV_SPECIAL, 3, 6);
    set(&o, M_LEVEL4_TOTAL, 3, 3);
    send_output_scale_parts(&o, M_EHCP_TOTAL, 3, 1.1);
    for (int b = 0; b < BAND_COUNT; b++)
        assert_close(get(&o, M_EHCP_BAND + b, 3), 1.1 * band[b], 1e-12);
    assert_close(get(&o, M_EHCP_TOTAL, 3), 197, 0); /* the measure is the caller's */
    assert_close(get(&o, M_PLACEMENTS + PROV_SPECIAL, 3), 100, 0);
    assert_close(get(&o, M_WAITING + PROV_SPECIAL, 3), 6, 0);
    assert_close(get(&o, M_SHORTFALL + PROV_SPECIAL, 3), 6, 0);
    assert_close(get(&o, M_LEVEL4_TOTAL, 3), 3, 0);
    for (int b = 0; b < BAND_COUNT; b++) /* other months untouched */
        assert_close(get(&o, M_EHCP_BAND + b, 2), 0, 0);

    const int reasons[] = {C_CEASED_MOVED, C_CEASED_LEFT, C_CEASED_NEEDS_MET, C_CEASED_AGE,
                           C_CEASED_ABROAD, C_CEASED_OTHER, C_NEEDS_MET_TO_SEN};
    for (size_t k = 0; k < sizeof reasons / sizeof reasons[0]; k++)
        set(&o, reasons[k], 0, 10 + (double)k);
    const int outcomes[] = {C_REFUSED, C_REQ_WITHDRAWN, C_D1_DECIDED, C_D1_WITHIN_6W};
    for (size_t k = 0; k < sizeof outcomes / sizeof outcomes[0]; k++)
        set(&o, outcomes[k], 0, 20 + (double)k);
    set(&o, C_WITHIN_20W, 0, 30);
    set(&o, C_WEEKS_TO_ISSUE, 0, 800);
    set(&o, C_ASSESSMENTS, 0, 50);
    send_output_scale_parts(&o, C_CEASED, 0, 1.5);
    send_output_scale_parts(&o, C_REQUESTS, 0, 0.5);
    send_output_scale_parts(&o, C_NEW_PLANS, 0, 1.25);
    send_output_scale_parts(&o, C_PCT_20W, 0, 0.8);
    for (size_t k = 0; k < sizeof reasons / sizeof reasons[0]; k++)
        assert_close(get(&o, reasons[k], 0), 1.5 * (10 + (double)k), 1e-12);
    for (size_t k = 0; k < sizeof outcomes / sizeof outcomes[0]; k++)
        assert_close(get(&o, outcomes[k], 0), 0.5 * (20 + (double)k), 1e-12);
    assert_close(get(&o, C_WITHIN_20W, 0), 30, 1e-12);
    assert_close(get(&o, C_WEEKS_TO_ISSUE, 0), 1000, 1e-12);
    assert_close(get(&o, C_ASSESSMENTS, 0), 50, 0); /* not a part of any of them */
    send_output_free(&o);
}

static void test_audit_array(void **state)
{
    (void)state;
    send_output o = {0};
    const int64_t a[SEND_AUDIT_N] = {11, 22, 33, 44, 55, 66, 77, 88};
    send_output_audit_set(&o, a);
    /* the documented order: plans open, new, ceased, close; SEN Support open, in, out, close */
    assert_int_equal(o.plans_open, 11);
    assert_int_equal(o.plans_new, 22);
    assert_int_equal(o.plans_ceased, 33);
    assert_int_equal(o.plans_close, 44);
    assert_int_equal(o.sen_open, 55);
    assert_int_equal(o.sen_in, 66);
    assert_int_equal(o.sen_out, 77);
    assert_int_equal(o.sen_close, 88);
    int64_t b[SEND_AUDIT_N];
    send_output_audit_get(&o, b);
    assert_memory_equal(a, b, sizeof a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_storage),
        cmocka_unit_test(test_metric_periods_and_labels),
        cmocka_unit_test(test_audit_array),
        cmocka_unit_test(test_scale_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
