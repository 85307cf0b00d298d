/* test_growth.c - requests.growth, requests.growth_drift_sd and requests.year_sd.
 *
 * A system fed only by direct requests (a Poisson process at D a year times the growth
 * multiplier, recomputed at each month start): with growth g the expected requests of calendar
 * year k are D x sum over its months of (days / 365.25) x (1 + g)^(month start in years), so
 * year k / year 0 = (1 + g)^k; the tolerance is 4 standard errors of a Poisson mean. A drift
 * (a random-walk step of the growth each 1 January, on its own stream) leaves the first year
 * bit for bit as without it (common random numbers) and widens the spread of later years.
 * A year-to-year variation of log sd s multiplies each calendar year's rate by an independent
 * mean-one lognormal M: a year's requests then have mean D and variance D + D^2 (e^(s^2) - 1),
 * and successive years are uncorrelated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "des_rng.h"
#include "des_stats.h"
#include "send_keys.h"
#include "send_model.h"
#include "send_scenario.h"

enum { YEARS = 6, Y0 = 2019 };
static const double D = 2000; /* direct requests a year (the scenario's) */

/* tests/data/growth/direct.yaml (6 years from January 2019) with the growth keys set by path. */
static void direct_only(send_params *p, double g, double sd)
{
    des_error err = {0};
    if (send_scenario_load("tests/data/growth/direct.yaml", p, NULL, &err) != DES_OK ||
        send_param_set(p, "requests.growth", g, &err) != DES_OK ||
        send_param_set(p, "requests.growth_drift_sd", sd, &err) != DES_OK)
        fail_msg("%s", err.msg);
}

/* requests[r * YEARS + y] for replications 0..reps-1 */
static void run_reps(const send_params *p, int reps, double *requests)
{
    des_error err = {0};
    uint32_t *seeds = malloc((size_t)reps * SEND_STREAMS * sizeof *seeds);
    assert_int_equal(des_rng_seed_table(5, (size_t)reps, SEND_STREAMS, seeds, NULL), DES_OK);
    send_model *m = send_model_create(p, &err);
    if (!m)
        fail_msg("model: %s", err.msg);
    send_output o;
    assert_int_equal(send_output_init(&o, p, &err), DES_OK);
    for (int r = 0; r < reps; r++) {
        if (send_model_run(m, seeds + (size_t)r * SEND_STREAMS, &o, &err) != DES_OK)
            fail_msg("run: %s", err.msg);
        for (int y = 0; y < YEARS; y++)
            requests[r * YEARS + y] = send_output_row(&o, C_REQUESTS)[y];
    }
    send_output_free(&o);
    send_model_destroy(m);
    free(seeds);
}

static void test_growth_compounds(void **state)
{
    (void)state;
    const double g = 0.08;
    enum { REPS = 24 };
    send_params p;
    direct_only(&p, g, 0);
    double *req = malloc(REPS * YEARS * sizeof *req);
    run_reps(&p, REPS, req);
    double expect[YEARS], mean[YEARS];
    for (int y = 0; y < YEARS; y++) {
        expect[y] = 0;
        for (int mo = 1; mo <= 12; mo++) {
            des_date a = des_date_from_ymd(Y0 + y, mo, 1);
            des_date b = mo < 12 ? des_date_from_ymd(Y0 + y, mo + 1, 1)
                                 : des_date_from_ymd(Y0 + y + 1, 1, 1);
            double t = (double)(a - p.start) / 365.25;
            expect[y] += D * (double)(b - a) / 365.25 * pow(1 + g, t);
        }
        mean[y] = 0;
        for (int r = 0; r < REPS; r++)
            mean[y] += req[r * YEARS + y] / REPS;
        assert_close(mean[y], expect[y], 4 * sqrt(expect[y] / REPS));
    }
    /* the ratio of years is the compound growth, year 5 / year 0 = 1.08^5, within 4 standard
     * errors of the ratio of two Poisson means plus the calendar's leap day */
    double ratio = pow(1 + g, YEARS - 1);
    double se = ratio * sqrt(1 / (REPS * expect[0]) + 1 / (REPS * expect[YEARS - 1]));
    assert_close(mean[YEARS - 1] / mean[0], ratio,
                 4 * se + fabs(expect[YEARS - 1] / expect[0] - ratio));
    free(req);
    send_params_free(&p);
}

static void test_drift_widens(void **state)
{
    (void)state;
    enum { REPS = 120 };
    send_params p0, p1;
    direct_only(&p0, 0, 0);
    direct_only(&p1, 0, 0.1);
    double *a = malloc(REPS * YEARS * sizeof *a), *b = malloc(REPS * YEARS * sizeof *b);
    run_reps(&p0, REPS, a);
    run_reps(&p1, REPS, b);
    /* the first year has no step yet: identical numbers (the drift draws on its own stream) */
    for (int r = 0; r < REPS; r++)
        assert_true(a[r * YEARS] == b[r * YEARS]);
    double sd0[YEARS], sd1[YEARS];
    for (int y = 0; y < YEARS; y++) {
        des_tally t0, t1;
        des_tally_init(&t0);
        des_tally_init(&t1);
        for (int r = 0; r < REPS; r++) {
            des_tally_add(&t0, a[r * YEARS + y]);
            des_tally_add(&t1, b[r * YEARS + y]);
        }
        sd0[y] = des_tally_sd(&t0);
        sd1[y] = des_tally_sd(&t1);
        /* without drift the spread is Poisson's, sqrt(D), within the sd's sampling error
         * (relative sd about 1 / sqrt(2 (REPS - 1)), 4 of them) */
        assert_close(sd0[y], sqrt(D), 4 * sqrt(D) / sqrt(2.0 * (REPS - 1)));
    }
    /* with a drift of 0.1 a year the log multiplier of year k has sd 0.1 sqrt(sum j^2, j <= k):
     * already about 0.22 (x D = 450 requests, against sqrt(D) = 45) in year 2, growing after */
    assert_true(sd1[2] > 4 * sd0[2]);
    for (int y = 2; y < YEARS; y++)
        assert_true(sd1[y] > sd1[y - 1]);
    free(a);
    free(b);
    send_params_free(&p0);
    send_params_free(&p1);
}

static void test_year_variation(void **state)
{
    (void)state;
    enum { REPS = 400 };
    const double s_log = 0.2;
    send_params p;
    des_error err = {0};
    direct_only(&p, 0, 0);
    if (send_param_set(&p, "requests.year_sd", s_log, &err) != DES_OK)
        fail_msg("%s", err.msg);
    double *a = malloc(REPS * YEARS * sizeof *a);
    run_reps(&p, REPS, a);
    double var = D + D * D * (exp(s_log * s_log) - 1), sd = sqrt(var);
    for (int y = 0; y < YEARS; y++) {
        des_tally t;
        des_tally_init(&t);
        for (int r = 0; r < REPS; r++)
            des_tally_add(&t, a[r * YEARS + y]);
        /* mean D within 4 standard errors; the sd within 5 of its own sampling errors (a
         * lognormal mixture has a little more kurtosis than a normal: 5, not 4) */
        assert_close(des_tally_mean(&t), D, 4 * sd / sqrt((double)REPS));
        assert_close(des_tally_sd(&t), sd, 5 * sd / sqrt(2.0 * (REPS - 1)));
    }
    /* independent years: the correlation of successive years' counts within 4 / sqrt(n) of 0 */
    for (int y = 0; y + 1 < YEARS; y++) {
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int r = 0; r < REPS; r++) {
            double x = a[r * YEARS + y], z = a[r * YEARS + y + 1];
            sx += x, sy += z, sxx += x * x, syy += z * z, sxy += x * z;
        }
        double n = REPS, cov = sxy / n - sx * sy / (n * n);
        double corr = cov / sqrt((sxx / n - sx * sx / (n * n)) * (syy / n - sy * sy / (n * n)));
        assert_true(fabs(corr) < 4 / sqrt(n));
    }
    free(a);
    send_params_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_growth_compounds),
        cmocka_unit_test(test_drift_widens),
        cmocka_unit_test(test_year_variation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
