/* test_init.c - `sendsim init` (send_init_scenario): values derived by hand from a small data
 * file, the as-of rule, the generated file validating and running, and the error paths; every
 * authority of data/la-sen2.csv as of 2019 and 2022 either loads or is refused as too little data.
 *
 * tests/data/init/la.csv holds two made-up authorities: Testshire (901), whose figures are
 * round enough to derive every parameter by hand below, and Othershire (902), with only its
 * totals. Every Testshire value published after June 2019 (calendar-2019 activity, the January
 * 2020 caseload) is the poison 777777 (77.7777 for a percentage), as is England's 2020 in
 * tests/data/init/england.csv: a generated file as of 2019 must show none of them. The expected
 * values are computed from the data by the arithmetic documented in docs/guide.md ("sendsim init"),
 * written out here step by step, not copied from the program's output.
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

#include "des_date.h"
#include "send_init.h"
#include "send_keys.h"
#include "send_scenario.h"
#include "support/test_cli.h"

#define LA_CSV "tests/data/init/la.csv"
#define ENG_CSV "tests/data/init/england.csv"

typedef struct fixture {
    send_sen2 *d, *e;
    char dir[32];
    char path[96];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    des_error err = {0};
    f->d = send_sen2_read(LA_CSV, &err);
    f->e = send_sen2_read(ENG_CSV, &err);
    if (!f->d || !f->e) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    make_out_dir(f->dir);
    snprintf(f->path, sizeof f->path, "%s/t.yaml", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    remove_dir(f->dir);
    send_sen2_free(f->d);
    send_sen2_free(f->e);
    free(f);
    return 0;
}

static send_init_opts opts(const fixture *f, int as_of, int priors)
{
    return (send_init_opts){.as_of = as_of, .data_label = LA_CSV, .england = f->e,
                            .england_label = ENG_CSV, .priors = priors};
}

static size_t find_la(const fixture *f, const char *key)
{
    des_error err = {0};
    long i = send_sen2_find(f->d, key, &err);
    assert_true(i >= 0);
    return (size_t)i;
}

#define assert_near(a, b, tol)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (tol)))                                                             \
            fail_msg("%s = %.10g, expected %.10g (+-%g)", #a, a_, b_, (double)(tol));              \
    } while (0)

/* Write the scenario of authority la of d with o into f->path and load it into p. */
static void init_load(const fixture *f, const send_sen2 *d, size_t la, const send_init_opts *o,
                      send_params *p)
{
    des_error err = {0};
    if (send_init_scenario(d, la, o, f->path, &err) != DES_OK ||
        send_scenario_load(f->path, p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
}

/* requests.year_sd, by hand. Pooled (tests/data/init/pool.csv: five authorities whose requests
 * 2016-2018 are 100, 122, 100): log requests L, L + d, L (d = ln 1.22 = 0.19885) about their
 * line (slope 0, mean L + d/3) leave residuals -d/3, 2d/3, -d/3, a sum of squares 6d^2/9 =
 * 0.026361 on 1 degree of freedom each; less the Poisson part, the mean of 1 / requests =
 * (2 / 100 + 1 / 122) / 3 = 0.0093989, the variance is 0.016962: sd 0.1302 -> 0.13 (0.16 if
 * chance were not taken off). Own series (Testshire's 300, 350, 400, with one other authority
 * in its file: too few to pool): the residuals' variance (0.0000709) is below Poisson's
 * (0.002897), so no variation: 0. */
static void test_year_sd_by_hand(void **state)
{
    fixture *f = *state;
    des_error err = {0};
    send_sen2 *pool = send_sen2_read("tests/data/init/pool.csv", &err);
    if (!pool)
        fail_msg("%s", err.msg);
    send_init_opts o = opts(f, 2019, 0);
    o.data_label = "tests/data/init/pool.csv";
    long la = send_sen2_find(pool, "913", &err);
    assert_true(la >= 0);
    send_params p;
    init_load(f, pool, (size_t)la, &o, &p);
    assert_near(p.request_year_sd, 0.13, 1e-12);
    char *text = slurp(f->path);
    assert_non_null(strstr(text, "pooled over 5 authorities as of 2019"));
    free(text);
    send_params_free(&p);
    send_sen2_free(pool);

    o = opts(f, 2019, 0);
    init_load(f, f->d, find_la(f, "901"), &o, &p);
    assert_near(p.request_year_sd, 0, 0);
    text = slurp(f->path);
    assert_non_null(strstr(text, "1 degree of freedom: too few authorities in the file to pool"));
    free(text);
    send_params_free(&p);
}

/* requests.growth shrunk toward the pooled growth, by hand: tests/data/init/pool.csv with the
 * January caseloads 2016-2019 of three of its five authorities replaced: 911 and 914 grow 10%
 * a year (1000, 1100, 1210, 1331), 912 20% (1000, 1200, 1440, 1728), 913 not at all (1000 x 4),
 * 915 by 20%, 0, 20% (1000, 1200, 1200, 1440: three-year growth 1.44^(1/3) - 1 = 0.129243,
 * yearly sample variance 0.0133333). gbar = (0.1 + 0.2 + 0 + 0.1 + 0.129243) / 5 = 0.1058486;
 * noise = (0.0133333 / 5) / 3 = 0.000888889; the growths' variance 0.0206842 / 4 = 0.00517105,
 * so tau2 = 0.00428216 and w = 0.828104. Authority 913: 0.1058486 + 0.828104 x (0 - 0.1058486)
 * = 0.0181951 -> 0.0182 (3 significant figures); with priors its sd is sqrt(w x noise) =
 * 0.027131 -> 0.027. Unchanged pool.csv (every growth 0.1): nothing to shrink, 0.1. */
/* tests/data/init/pool.csv with those Januaries replaced, written to path; rows of years after
 * upto left out. */
static void write_pool2(const char *path, int upto)
{
    char *s = slurp("tests/data/init/pool.csv");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    static const struct {
        const char *la;
        int year;
        const char *v;
    } rep[] = {{"912", 2017, "1200"}, {"912", 2018, "1440"}, {"912", 2019, "1728"},
               {"913", 2017, "1000"}, {"913", 2018, "1000"}, {"913", 2019, "1000"},
               {"915", 2017, "1200"}, {"915", 2018, "1200"}, {"915", 2019, "1440"}};
    int hits = 0;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        const char *v = NULL;
        for (size_t i = 0; i < sizeof rep / sizeof rep[0]; i++) {
            char key[64];
            snprintf(key, sizeof key, ",%s,ehcp_total,%d,", rep[i].la, rep[i].year);
            if (strstr(line, key))
                v = rep[i].v;
        }
        int year = 0;
        const char *c4 = line;
        for (int k = 0; k < 4 && c4; k++) /* the period, the fifth column */
            c4 = strchr(c4, ',') ? strchr(c4, ',') + 1 : NULL;
        if (c4 && line[0] != '#' && atoi(c4) > upto && (year = atoi(c4)) > 1900)
            continue;
        if (v) {
            char *c = strstr(line, "jan_caseload,");
            assert_non_null(c);
            fprintf(fp, "%.*sjan_caseload,%s,test\n", (int)(c - line), line, v);
            hits++;
        } else {
            fprintf(fp, "%s\n", line);
        }
    }
    fclose(fp);
    free(s);
    if (upto >= 2019)
        assert_int_equal(hits, 9);
}

/* write_pool2 into the fixture's directory, read back. */
static send_sen2 *read_pool2(const fixture *f, int upto)
{
    char path[128];
    snprintf(path, sizeof path, "%s/pool2.csv", f->dir);
    write_pool2(path, upto);
    des_error err = {0};
    send_sen2 *pool = send_sen2_read(path, &err);
    if (!pool)
        fail_msg("%s", err.msg);
    return pool;
}

static void test_growth_shrunk_by_hand(void **state)
{
    fixture *f = *state;
    des_error err = {0};
    send_sen2 *pool = read_pool2(f, 9999);
    long la = send_sen2_find(pool, "913", &err);
    assert_true(la >= 0);
    send_init_opts o = opts(f, 2019, 0);
    o.data_label = "pool2.csv";
    send_params p;
    init_load(f, pool, (size_t)la, &o, &p);
    assert_near(p.request_growth, 0.0182, 1e-12);
    /* reviews.cease_needs_met shrunk the same way: every authority ceased 1, 2, 3 plans with
     * needs met in 2016-2018; the exposures are the means of the Januaries either side */
    static const double jan[5][4] = {{1000, 1100, 1210, 1331}, {1000, 1200, 1440, 1728},
                                     {1000, 1000, 1000, 1000}, {1000, 1100, 1210, 1331},
                                     {1000, 1200, 1200, 1440}};
    double rs = 0, rs2 = 0, noise = 0, own = 0;
    for (int i = 0; i < 5; i++) {
        double r[3], num = 0, den = 0, mean = 0, ss = 0;
        for (int y = 0; y < 3; y++) {
            double e = (jan[i][y] + jan[i][y + 1]) / 2;
            r[y] = (y + 1) / e;
            num += y + 1;
            den += e;
            mean += r[y] / 3;
        }
        for (int y = 0; y < 3; y++)
            ss += (r[y] - mean) * (r[y] - mean);
        rs += num / den;
        rs2 += (num / den) * (num / den);
        noise += ss / 2 / 3 / 5;
        if (i == 2)
            own = num / den;
    }
    double rbar = rs / 5, tau2 = fmax(0, (rs2 - 5 * rbar * rbar) / 4 - noise);
    double want = rbar + tau2 / (tau2 + noise) * (own - rbar);
    assert_true(fabs(want - own) > 1e-5); /* the case does shrink */
    assert_near(p.p_review_cease, want, 5e-6); /* to 3 significant figures (0.00172) */
    char *text = slurp(f->path);
    assert_non_null(strstr(text, "over 5 authorities'"));
    free(text);
    send_params_free(&p);
    o.priors = 1;
    des_error e2 = {0};
    assert_int_equal(send_init_scenario(pool, (size_t)la, &o, f->path, &e2), DES_OK);
    text = slurp(f->path);
    assert_non_null(strstr(text, "growth: {prior: normal, mean: 0.0182, sd: 0.027}"));
    free(text);
    send_sen2_free(pool);

    pool = send_sen2_read("tests/data/init/pool.csv", &err);
    assert_non_null(pool);
    o = opts(f, 2019, 0);
    init_load(f, pool, (size_t)send_sen2_find(pool, "913", &err), &o, &p);
    assert_near(p.request_growth, 0.1, 1e-12);
    send_params_free(&p);
    send_sen2_free(pool);
}

/* --pool: the pooled values come from another file, as of its own last January when that is
 * earlier. Testshire (la.csv: two authorities, too few to pool) grew 10% a year over January
 * 2016-2019, so alone it is not shrunk (0.1); pooled with pool2.csv (the five authorities of
 * test_growth_shrunk_by_hand: gbar 0.1058486, w 0.828104) it is 0.1058486 + 0.828104 x (0.1 -
 * 0.1058486) = 0.1010054 -> 0.101, and the comments name the pool. With the pool cut at 2018,
 * its as-of year is 2018, whose four Januaries 2015-2018 it does not hold: not shrunk, saying
 * so with the pool's years. A pool with nothing published by the as-of year is an error. */
static void test_pool_file(void **state)
{
    fixture *f = *state;
    des_error err = {0};
    send_sen2 *pool = read_pool2(f, 9999);
    size_t la = find_la(f, "901");
    send_init_opts o = opts(f, 2019, 0);
    send_params p;
    init_load(f, f->d, la, &o, &p);
    assert_near(p.request_growth, 0.1, 1e-12);
    send_params_free(&p);
    o.pool = pool;
    o.pool_label = "pool2.csv";
    init_load(f, f->d, la, &o, &p);
    assert_near(p.request_growth, 0.101, 1e-12);
    send_params_free(&p);
    char *text = slurp(f->path);
    assert_non_null(strstr(text, "# response) from the 5 authorities of pool2.csv (sha256 "));
    assert_non_null(strstr(text, "as of 2019.\n"));
    assert_non_null(strstr(text, "over 5 authorities'\n  # ehcp_total Januaries 2016-2019 [pool2.csv]"));
    free(text);
    send_sen2_free(pool);

    pool = read_pool2(f, 2018);
    o.pool = pool;
    init_load(f, f->d, la, &o, &p);
    assert_near(p.request_growth, 0.1, 1e-12);
    send_params_free(&p);
    text = slurp(f->path);
    assert_non_null(strstr(text, "as of 2018.\n"));
    assert_non_null(strstr(text, "# not shrunk: fewer than 5 authorities in pool2.csv have "
                                 "ehcp_total for Januaries 2015-2018"));
    free(text);

    o.as_of = 2015;
    remove(f->path);
    assert_int_equal(send_init_scenario(f->d, la, &o, f->path, &err), DES_EINPUT);
    assert_string_equal(err.msg, "the pool 'pool2.csv' holds no ehcp_total published by 2015");
    assert_int_equal(access(f->path, F_OK), -1);
    send_sen2_free(pool);
}

/* Assessment capacity, by hand. Testshire (la.csv, two authorities: too few to pool) as of 2019:
 * caseworker places are sized to the assessments agreed in 2018, 400 - 80 = 320 (above the 300
 * completed), grown by the caseload trend (1000 -> 1331 over 3 Januaries: 10%) to 2019, held
 * 0.226 years, no headroom (61.5% within 20 weeks): 320 x 1.1 x 0.226 / 18 = 4.42 FTE; the
 * response is the assumption (elasticity 1, lag 0, no drift). Capshire (capacity.csv: ten
 * authorities whose completions follow agreed assessments exactly, dlog completed = 0.05 + 0.5
 * dlog agreed, 2016-2018; 777777 in 2019, not yet published): elasticity 0.5, lag 0, FTE
 * growing 5% a year. */
static void test_capacity_by_hand(void **state)
{
    fixture *f = *state;
    send_init_opts o = opts(f, 2019, 0);
    send_params p;
    init_load(f, f->d, find_la(f, "901"), &o, &p);
    assert_near(p.caseworker_fte.value[0], 4.42, 1e-9);
    assert_near(p.caseworker_fte.value[1], 4.42, 1e-9);
    assert_near(p.cap_elasticity, 1, 0);
    assert_int_equal(p.cap_lag_months, 0);
    char *text = slurp(f->path);
    assert_non_null(strstr(text, "assessments agreed (initial_requests - requests_refused) 2018 = 320"));
    assert_non_null(strstr(text, "assumption: capacity keeps pace with demand"));
    free(text);
    send_params_free(&p);

    des_error err = {0};
    send_sen2 *cap = send_sen2_read("tests/data/init/capacity.csv", &err);
    if (!cap)
        fail_msg("%s", err.msg);
    o = opts(f, 2019, 0);
    o.data_label = "tests/data/init/capacity.csv";
    long la = send_sen2_find(cap, "935", &err);
    assert_true(la >= 0);
    init_load(f, cap, (size_t)la, &o, &p);
    assert_near(p.cap_elasticity, 0.5, 1e-12);
    assert_int_equal(p.cap_lag_months, 0);
    for (int i = 1; i < p.caseworker_fte.n; i++) /* 3 significant figures */
        assert_near(p.caseworker_fte.value[i] / p.caseworker_fte.value[i - 1], 1.05, 0.01);
    text = slurp(f->path);
    assert_non_null(strstr(text, "pooled over 30 authority-years 2016-2018 (r = 1.00)"));
    assert_non_null(strstr(text, "growing 0.05 a year apart from demand"));
    free(text);
    send_params_free(&p);
    send_sen2_free(cap);
}

/* Timeliness that reverts (--reverting-timeliness), by hand. Capshire 2 (capacity.csv) as of
 * 2019: the pooled slope of
 * the departure from the year's mean is 0.5 a year on (30 pairs 2015-2018) and 0.25 two years
 * on (20 pairs); three years on has 10 pairs, too few, so the two-year slope stands for later
 * years. backlog_months = -12 / ln 0.5 = 17.3; the mean late share 2018 is 0.5 and Capshire 2's
 * own 1 - 46% = 0.54, so late_share is 0.5 + 0.5 x 0.04 = 0.52 in 2019 and 0.5 + 0.25 x 0.04 =
 * 0.51 from 2020; the 2019 values (77.7777, published June 2020) do not enter. Caseworkers get
 * the 10% headroom though the authority was late. Testshire (la.csv: two authorities, too few
 * pairs) gets backlog_months 0 and no late share, and no headroom below 90%. Without the option
 * neither key is written and Capshire 2's caseworkers get no headroom. */
static void test_timeliness_by_hand(void **state)
{
    fixture *f = *state;
    des_error err = {0};
    send_sen2 *cap = send_sen2_read("tests/data/init/capacity.csv", &err);
    if (!cap)
        fail_msg("%s", err.msg);
    send_init_opts o = opts(f, 2019, 0);
    o.data_label = "tests/data/init/capacity.csv";
    long la = send_sen2_find(cap, "932", &err);
    assert_true(la >= 0);
    send_params p;
    init_load(f, cap, (size_t)la, &o, &p);
    double fte_plain = p.caseworker_fte.value[0];
    assert_near(p.cap_backlog_months, 0, 0);
    assert_int_equal(p.late_share.n, 1);
    assert_near(p.late_share.value[0], 0, 0);
    char *text = slurp(f->path);
    assert_null(strstr(text, "backlog_months"));
    assert_null(strstr(text, "late_share"));
    free(text);
    send_params_free(&p);

    o.reverting_timeliness = 1;
    init_load(f, cap, (size_t)la, &o, &p);
    assert_near(p.caseworker_fte.value[0], 1.1 * fte_plain, 0.01 * fte_plain); /* 3 figures */
    assert_near(p.cap_backlog_months, 17.3, 1e-12);
    assert_true(p.late_share.n >= 10);
    assert_int_equal(p.late_share.from[0], des_date_from_ymd(2019, 1, 1));
    assert_near(p.late_share.value[0], 0.52, 1e-12);
    for (int i = 1; i < p.late_share.n; i++)
        assert_near(p.late_share.value[i], 0.51, 1e-12);
    assert_near(des_dist_mean(&p.late_by), 84, 1e-9);
    text = slurp(f->path);
    assert_non_null(strstr(text, "-12 / ln 0.500"));
    assert_non_null(strstr(text, "30 pairs 2015-2018"));
    assert_non_null(strstr(text, "(s_1..s_4: 0.500 0.250 - -; -: fewer than 20 pairs, the slope before stands)"));
    assert_non_null(strstr(text, "+10% headroom (assumption: drafting.late_share carries"));
    free(text);
    send_params_free(&p);
    send_sen2_free(cap);

    o = opts(f, 2019, 0);
    o.reverting_timeliness = 1;
    init_load(f, f->d, find_la(f, "901"), &o, &p);
    assert_near(p.cap_backlog_months, 0, 0);
    assert_near(send_steps_at(&p.late_share, des_date_from_ymd(2020, 1, 1)), 0, 0);
    text = slurp(f->path);
    assert_non_null(strstr(text, "no recovery plan: fewer than 20 pairs"));
    assert_null(strstr(text, "late_share"));
    assert_non_null(strstr(text, "no headroom as pct_within_20_weeks was below 90%"));
    free(text);
    send_params_free(&p);
}

/* finance.grant.growth is the drift of the random walk whose spread is year_sd: the mean yearly
 * log growth of the same published series. Testshire as of 2019 holds no series (5%, year_sd
 * 0.05, assumptions); Leicestershire from as-of 2018 its own 2013-14 to 2018-19 (both
 * allocations published the December before their year): exp(ln(65.98 / 49.56) / 5) - 1 =
 * 0.058904 -> 0.0589; another authority as of 2022 England's block 2015-16 to 2022-23:
 * exp(ln(8,981 / 5,247) / 7) - 1 = 0.079803 -> 0.0798, year_sd 0.048. */
static void test_grant_growth_by_hand(void **state)
{
    fixture *f = *state;
    send_params p;
    send_init_opts o = opts(f, 2019, 0);
    init_load(f, f->d, find_la(f, "901"), &o, &p);
    assert_near(p.grant_growth, 0.05, 0);
    assert_near(p.grant_year_sd, 0.05, 0);
    assert_int_equal(p.grant_published, 0);
    send_params_free(&p);

    des_error err = {0};
    send_sen2 *d = send_sen2_read("data/la-sen2.csv", &err);
    send_sen2 *e = send_sen2_read("data/england-sen2.csv", &err);
    if (!d || !e)
        fail_msg("%s", err.msg);
    o.england = e;
    o.data_label = "data/la-sen2.csv";
    o.england_label = "data/england-sen2.csv";
    long leics = send_sen2_find(d, "855", &err), other = send_sen2_find(d, "301", &err);
    assert_true(leics >= 0 && other >= 0);
    for (int as_of = 2018; as_of <= 2019; as_of++) {
        o.as_of = as_of;
        init_load(f, d, (size_t)leics, &o, &p);
        assert_int_equal(p.grant_fy0, 2017);
        assert_int_equal(p.grant_n, 2);
        assert_near(p.grant_fy[0], 63160000, 0);
        assert_near(p.grant_fy[1], 65980000, 0);
        assert_near(p.grant_growth, 0.0589, 0);
        assert_near(p.grant_year_sd, 0.06, 0);
        assert_true(send_grant_published_years(&p) >= 2);
        send_params_free(&p);
    }
    o.as_of = 2022;
    init_load(f, d, (size_t)other, &o, &p);
    assert_near(p.grant_growth, 0.0798, 0);
    assert_near(p.grant_year_sd, 0.048, 0);
    assert_int_equal(send_grant_published_years(&p), 0);
    char *text = slurp(f->path);
    assert_non_null(strstr(text, "mean yearly growth of England's high-needs block 2015-16 to 2022-23"));
    free(text);
    send_params_free(&p);
    send_sen2_free(d);
    send_sen2_free(e);
}

/* Every derived value of Testshire as of 2019, loaded back through the scenario loader. */
static void test_values_by_hand(void **state)
{
    fixture *f = *state;
    send_init_opts o = opts(f, 2019, 0);
    des_error err = {0};
    assert_int_equal(send_init_scenario(f->d, find_la(f, "901"), &o, f->path, &err), DES_OK);
    send_params p;
    if (send_scenario_load(f->path, &p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);

    assert_int_equal(p.start, des_date_from_ymd(2019, 1, 1));
    assert_int_equal(p.end, des_date_from_ymd(2028, 12, 31));
    /* opening caseload, January 2019 */
    const double band[5] = {31, 400, 500, 300, 100};
    for (int i = 0; i < 5; i++)
        assert_near(p.initial_band[i], band[i], 0);
    assert_near(p.initial_prov[PROV_MAINSTREAM], 600 - 100, 0);
    assert_near(p.initial_prov[PROV_RESOURCED], 100, 0);
    assert_near(p.initial_prov[PROV_SPECIAL], 200 + 150, 0);
    assert_near(p.initial_prov[PROV_INDEPENDENT], 60 + 5 - 5, 0);
    assert_near(p.initial_prov[PROV_RESIDENTIAL], 5, 0);
    assert_near(p.initial_prov[PROV_FE_COLLEGE], 200 - 20, 0);
    assert_near(p.initial_prov[PROV_SPECIALIST_POST16], 20, 0);
    assert_near(p.initial_prov[PROV_AP], 10, 0);
    assert_near(p.initial_prov[PROV_EARLY_YEARS], 20, 0);
    /* 1,331 plans by age, 1,325 by placement: the 6 go to `other` */
    assert_near(p.initial_prov[PROV_OTHER], 30 + 6, 0);
    assert_near(p.initial_prov[PROV_AWAITING], 50, 0);
    assert_near(p.initial_in_assessment, 90, 0);

    /* national defaults: England 217,000 plans aged 5-15 / 3.1% / 11 years x 1,331 / 133,100
     * = 6,363.6 a year of age -> 6,360; SEN Support 12 x 6,360 x 11.9% = 9,082 -> 9,080 */
    assert_near(p.population[10], 6360, 0);
    assert_near(p.sen_initial, 9080, 0);

    /* high-needs allocation in the formula's shape: basic entitlement 4,000 x 350 special
     * places of England's 30,000 (120m of 6.0bn), the rest by plans 1,331 / 133,100 = 0.01:
     * (1.4m + 5.88bn x 0.01) = 60.2m for 2019-20; services 5%, 1%, 1% of it */
    assert_int_equal(p.grant_n, 1);
    assert_int_equal(p.grant_fy0, 2019);
    assert_near(p.grant_fy[0], 60200000, 0);
    assert_near(send_steps_at(&p.sen_services, des_date_from_ymd(2019, 4, 1)), 3010000, 0);
    assert_near(send_steps_at(&p.hospital, des_date_from_ymd(2019, 4, 1)), 600000, 0);

    /* requests: growth (1,331 / 1,000)^(1/3) - 1 = 0.1; trend 1.1^0.5 = 1.0488 */
    assert_near(p.request_growth, 0.1, 1e-12);
    assert_near(p.request_trend.value[0], 1.049, 1e-9);
    /* mean need multiplier 1.059; k = 5.7 x 0.251 / (4.25 x 0.465) = 0.72395;
     * h_p = 400 x (1 - 0.284) x 10.45 / (9,080 x 1.059 x (5.7 + 4.25 k)) = 0.035463 -> 0.0355;
     * h_s = k h_p = 0.025673 -> 0.0257 */
    assert_near(p.request_hazard[4], 0.0355, 1e-12);
    assert_near(p.request_hazard[10], 0.0355, 1e-12);
    assert_near(p.request_hazard[11], 0.0257, 1e-12);
    assert_near(p.request_hazard[15], 0.0257, 1e-12);
    /* direct: 23% x 400 = 92 less 9,080 x 1.059 x 0.5 / 10.45 x 0.0355 = 16.3 -> 76;
     * 4.6% x 400 = 18.4 -> 18; 0.8% x 400 = 3.2 -> 3 */
    assert_near(p.direct_requests[BAND_UNDER5], 76, 0);
    assert_near(p.direct_requests[BAND_16_19], 18, 0);
    assert_near(p.direct_requests[BAND_20_25], 3, 0);

    /* withdrawn: 8 / 400 requests = 0.02; 15 / 315 assessments = 0.047619 -> 0.0476 */
    assert_near(p.p_withdraw_request, 0.02, 1e-12);
    assert_near(p.p_withdraw_assessment, 0.0476, 1e-12);
    /* panels: 80 / (400 x 0.98) = 0.20408 refused of those not withdrawn -> 0.204; 285 / 300
     * issued; 20 mediations / 80 refusals */
    assert_near(p.d1_refusal.value[0], 0.204, 1e-12);
    assert_near(p.p_issue, 0.95, 1e-12);
    assert_near(p.p_mediation, 0.25, 1e-12);

    /* ceasing 2016-2018: plan-years (1,000 + 1,100) / 2 + (1,100 + 1,210) / 2 + (1,210 +
     * 1,331) / 2 = 3,475.5; moved 5 + 6 + 7 = 18 -> 0.005179 -> 0.00518; needs met 6 ->
     * 0.001726 -> 0.00173; other 3 (2017) -> 0.000863; outside England none published -> 0;
     * left education (50-5-1) + (60-6-2-3) + (70-7-3) = 153 over 10.75 x (220 + 255 + 285) +
     * 27.5 x (50 + 70 + 90) = 13,945 -> c = 0.010972; transfers in = out: 18 / 3 = 6 a year */
    assert_near(p.cease_moved_rate, 0.00518, 1e-12);
    assert_near(p.p_review_cease, 0.00173, 1e-12);
    assert_near(p.cease_other_rate, 0.000863, 1e-12);
    assert_near(p.cease_abroad_rate, 0, 0);
    assert_near(p.p_needs_met_to_sen, 1, 0);
    assert_near(p.transfer_in_rate, 6, 0);
    assert_near(p.cease_left_rate[16], 0.011, 1e-12);
    assert_near(p.cease_left_rate[18], 0.011, 1e-12);
    assert_near(p.cease_left_rate[19], 0.439, 1e-12);
    assert_near(p.cease_left_rate[20], 0.439, 1e-12);
    assert_near(p.cease_left_rate[21], 0.274, 1e-12);
    assert_near(p.cease_left_rate[25], 0.274, 1e-12);
    /* review transfers 2018 over the January 2019 stock: 30 / 600, 7 / 350 */
    assert_near(p.p_review_ms, 0.05, 1e-12);
    assert_near(p.p_review_sm, 0.02, 1e-12);

    /* places: 350 x 1.02 = 357; 100 x 1.05 = 105; builds (350 - 260) / 3 = 30 each September */
    assert_int_equal(p.n_pools, 2);
    assert_int_equal(p.pools[0].provision, PROV_SPECIAL);
    assert_int_equal(p.pools[0].places, 357);
    assert_int_equal(p.pools[1].places, 105);
    assert_int_equal(p.n_builds, 10);
    assert_int_equal(p.builds[0].count, 30);
    assert_int_equal(p.builds[0].opens, des_date_from_ymd(2019, 9, 1));

    /* new plans placed as the January stock's school placements: 500 / 1,061 etc., rounded to
     * 0.001 with the remainder on the largest (mainstream 0.471 + 0.001) */
    assert_near(p.choice[PHASE_PRIMARY][PROV_MAINSTREAM], 0.472, 1e-9);
    assert_near(p.choice[PHASE_PRIMARY][PROV_SPECIAL], 0.330, 1e-9);
    assert_near(p.choice[PHASE_SECONDARY][PROV_INDEPENDENT], 0.061, 1e-9);

    /* observed: 39 published values (34 + assessed_plan_issued, requests_withdrawn and
     * assessments_withdrawn 2018, plans_ceased_other_reason 2017, and left school or education
     * 2018 = employment 4 + higher education 1 + no longer engaging 2, the series SEN2 splits
     * it into from 2022), none after the as-of date */
    assert_int_equal(p.n_obs, 39);
    int left = send_metric_find("plans_ceased_left_school_education"), found = 0;
    for (int i = 0; i < p.n_obs; i++)
        if (p.obs[i].metric == left) {
            assert_int_equal(p.obs[i].start, des_date_from_ymd(2018, 1, 1));
            assert_true(p.obs[i].value == 7);
            found++;
        }
    assert_int_equal(found, 1);
    for (int i = 0; i < p.n_obs; i++) {
        assert_true(p.obs[i].value < 7777);
        assert_true(p.obs[i].start < des_date_from_ymd(2019, 2, 1));
    }
    send_params_free(&p);
}

/* A value published after the as-of date never reaches the file, priors included. */
static void test_as_of_poison(void **state)
{
    fixture *f = *state;
    for (int priors = 0; priors <= 1; priors++) {
        send_init_opts o = opts(f, 2019, priors);
        des_error err = {0};
        assert_int_equal(send_init_scenario(f->d, find_la(f, "Testshire"), &o, f->path, &err),
                         DES_OK);
        char *s = slurp(f->path);
        if (strstr(s, "7777"))
            fail_msg("a value published after June 2019 leaked: ...%.60s", strstr(s, "7777") - 30);
        /* nor any period after the as-of date in observed */
        const char *obs = strstr(s, "\nobserved:");
        assert_non_null(obs);
        assert_null(strstr(obs, "2019:"));
        assert_null(strstr(obs, "2020-01"));
        if (priors) {
            /* Testshire grew 10% every year and the file has two authorities: the growth prior
             * falls back from pooling to the authority's own (zero) spread, then to |g|/2 + 0.02 */
            assert_non_null(strstr(s, "growth: {prior: normal, mean: 0.1, sd: 0.07}"));
            assert_non_null(strstr(s, "refusal: {prior: beta, mean: 0.204, sd:")); /* of 98% */
            assert_non_null(strstr(s, "issue: {prior: beta, mean: 0.95, sd:"));
            assert_non_null(strstr(s, "moved_away: {prior: lognormal, mean: 0.00518, sd:"));
        }
        free(s);
    }
}

/* LA_CSV with some of Testshire's values replaced: rows "metric,period" of repl[] get the value
 * given, written to path. */
typedef struct repl {
    const char *metric;
    int period;
    const char *value;
} repl;

static void write_variant(const char *path, const repl *r, size_t n)
{
    char *s = slurp(LA_CSV);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    size_t hits = 0;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        const char *v = NULL;
        for (size_t i = 0; i < n; i++) {
            char key[128];
            snprintf(key, sizeof key, "Testshire,E10000901,901,%s,%d,", r[i].metric, r[i].period);
            if (!strncmp(line, key, strlen(key)))
                v = r[i].value;
        }
        if (v) { /* metric,period,period_type,value,source: replace the value */
            char *f[8];
            int k = 0;
            for (char *t = line; k < 8 && t; t = strchr(t, ','), t = t ? t + 1 : NULL)
                f[k++] = t;
            assert_int_equal(k, 8);
            fprintf(fp, "%.*s%s,%s\n", (int)(f[6] - line), line, v, f[7]);
            hits++;
        } else {
            fprintf(fp, "%s\n", line);
        }
    }
    assert_int_equal(hits, n);
    fclose(fp);
    free(s);
}

static const send_prior *prior_of(const send_params *p, const char *key)
{
    int k = send_key_index(send_key_find(key));
    for (int i = 0; i < p->n_priors; i++)
        if (p->priors[i].key == k)
            return &p->priors[i];
    fail_msg("no prior for %s", key);
    return NULL;
}

/* Rates on the edge of their range (no refusal, every assessment issued, nobody moved away) still
 * give priors the loader takes: the mean moved inside by half a case, the sd the binomial
 * sampling sd of that mean (Testshire's own years hold one refusal rate and three zero moving
 * rates: no spread), each computed here from the data. */
static void test_priors_on_the_edge(void **state)
{
    fixture *f = *state;
    char csv[96];
    snprintf(csv, sizeof csv, "%s/edge.csv", f->dir);
    const repl r[] = {{"requests_refused", 2018, "0"},
                      {"assessed_plan_issued", 2018, "300"},
                      {"plans_ceased_transfer_other_la", 2016, "0"},
                      {"plans_ceased_transfer_other_la", 2017, "0"},
                      {"plans_ceased_transfer_other_la", 2018, "0"}};
    write_variant(csv, r, sizeof r / sizeof r[0]);
    des_error err = {0};
    send_sen2 *d = send_sen2_read(csv, &err);
    if (!d)
        fail_msg("%s", err.msg);
    send_init_opts o = opts(f, 2019, 1);
    assert_int_equal(send_init_scenario(d, 0, &o, f->path, &err), DES_OK);
    send_params p;
    if (send_scenario_load(f->path, &p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    /* refusal 0 / (400 less 2% withdrawn = 392): (0 + 1/2) / 393 = 0.0012723 -> 0.00127; sd
     * sqrt(0.00127 x 0.99873 / 392) = 0.0017988 -> 0.0018 (below half the beta's largest,
     * 0.5 sqrt(0.00127 x 0.99873) = 0.018) */
    const send_prior *pr = prior_of(&p, "d1_panel.refusal");
    assert_int_equal(pr->kind, SEND_PRIOR_BETA);
    assert_near(pr->a, 0.00127, 1e-12);
    assert_near(pr->b, 0.0018, 1e-12);
    /* issue 300 / 300: (300 + 1/2) / 301 = 0.99834, at most 0.995; sd sqrt(0.995 x 0.005 / 300)
     * = 0.0040723 -> 0.0041 */
    pr = prior_of(&p, "d2_panel.issue");
    assert_near(pr->a, 0.995, 1e-12);
    assert_near(pr->b, 0.0041, 1e-12);
    /* moved away 0 over 3,475.5 plan-years: (0 + 1/2) / 3,476.5 = 0.00014382 -> 0.000144;
     * floor sqrt(0.000144 x 0.999856 / 3,475.5) = 0.00020354, at most the mean -> 0.00014 */
    pr = prior_of(&p, "ceasing.moved_away");
    assert_int_equal(pr->kind, SEND_PRIOR_LOGNORMAL);
    assert_near(pr->a, 0.000144, 1e-12);
    assert_near(pr->b, 0.00014, 1e-12);
    send_params_free(&p);
    char *s = slurp(f->path);
    assert_non_null(strstr(s, "requests_refused / initial_requests not withdrawn 2018 = 0 / 392, on "
                              "the edge of the range: moved inside by half a case, (0 + 1/2) / (392 + 1) "));
    assert_non_null(strstr(s, "sd: floor sqrt(p (1 - p) / n), the binomial sampling sd of the "
                              "rate (n = 392): fewer than two yearly values of the authority's own"));
    assert_non_null(strstr(s, "(n = 3476): the authority's own yearly values spread less"));
    free(s);
    send_sen2_free(d);
}

/* More residential placements than independent and non-maintained ones (York, Herefordshire):
 * residential is capped at those, independent is 0 and never negative, and the placements still
 * add up to the plans by age with the rest unchanged. */
static void test_residential_beyond_independent(void **state)
{
    fixture *f = *state;
    char csv[96];
    snprintf(csv, sizeof csv, "%s/resid.csv", f->dir);
    const repl r[] = {{"residential_placements", 2019, "90"}}; /* > 60 + 5 */
    write_variant(csv, r, 1);
    des_error err = {0};
    send_sen2 *d = send_sen2_read(csv, &err);
    if (!d)
        fail_msg("%s", err.msg);
    send_init_opts o = opts(f, 2019, 0);
    send_params p;
    init_load(f, d, 0, &o, &p);
    assert_near(p.initial_prov[PROV_INDEPENDENT], 0, 0);
    assert_near(p.initial_prov[PROV_RESIDENTIAL], 60 + 5, 0);
    /* the other 25 stay where they are counted: special, other and the rest as by hand above */
    assert_near(p.initial_prov[PROV_SPECIAL], 200 + 150, 0);
    assert_near(p.initial_prov[PROV_MAINSTREAM], 600 - 100, 0);
    assert_near(p.initial_prov[PROV_OTHER], 30 + 6, 0);
    double sum = 0, bands = 0;
    for (int i = 0; i < PROV_COUNT; i++)
        sum += p.initial_prov[i];
    for (int i = 0; i < 5; i++)
        bands += p.initial_band[i];
    assert_near(sum, bands, 0);
    send_params_free(&p);
    char *s = slurp(f->path);
    assert_non_null(strstr(s, "residential_placements Jan 2019: residential_placements 90 exceed "
                              "those 65; residential is 65, the other 25 stay in the settings"));
    free(s);
    send_sen2_free(d);
}

/* A child who has waited placement.max_wait stays in mainstream, and the comment gives the
 * authority's own independent and non-maintained share of plans three years before and at the
 * start. Testshire publishes no such placements for January 2016: the comment is an assumption
 * alone. With 70 + 10 of them among 1,000 plans in January 2016 (8.0%) and 60 + 5 among 1,331 in
 * January 2019 (4.88%), both shares show; January 2020's (poison) is not read. */
static void test_overflow_stays_mainstream(void **state)
{
    fixture *f = *state;
    send_init_opts o = opts(f, 2019, 0);
    send_params p;
    init_load(f, f->d, find_la(f, "901"), &o, &p);
    assert_int_equal(p.overflow_provision, PROV_MAINSTREAM);
    send_params_free(&p);
    char *text = slurp(f->path);
    assert_non_null(strstr(text, "overflow_to: mainstream          # assumption: waiters stay in "
                                 "mainstream (hindcasts: guide, 'The placement mix')"));
    assert_null(strstr(text, "share of plans"));
    free(text);

    char csv[96];
    snprintf(csv, sizeof csv, "%s/ind.csv", f->dir);
    char *base = slurp(LA_CSV);
    FILE *fp = fopen(csv, "w");
    assert_non_null(fp);
    fputs(base, fp);
    fputs("Testshire,E10000901,901,placement_special_independent,2016,jan_caseload,70,test\n"
          "Testshire,E10000901,901,placement_special_non_maintained,2016,jan_caseload,10,test\n"
          "Testshire,E10000901,901,placement_special_independent,2020,jan_caseload,777777,test\n",
          fp);
    assert_int_equal(fclose(fp), 0);
    free(base);
    des_error err = {0};
    send_sen2 *d = send_sen2_read(csv, &err);
    if (!d)
        fail_msg("%s", err.msg);
    init_load(f, d, 0, &o, &p);
    assert_int_equal(p.overflow_provision, PROV_MAINSTREAM);
    send_params_free(&p);
    text = slurp(f->path);
    assert_non_null(strstr(text, "overflow_to: mainstream          # independent and non-maintained "
                                 "share of plans 8.0% Jan 2016, 4.9% Jan 2019 [tests/data/init/la.csv]; "
                                 "assumption: waiters stay in mainstream"));
    free(text);
    send_sen2_free(d);
}

/* Every value line carries a comment. */
static void test_every_value_commented(void **state)
{
    fixture *f = *state;
    send_init_opts o = opts(f, 2019, 0);
    des_error err = {0};
    assert_int_equal(send_init_scenario(f->d, 0, &o, f->path, &err), DES_OK);
    char *s = slurp(f->path);
    int in_obs = 0;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "observed:", 9))
            in_obs = 1; /* the history's source is named once per series */
        const char *colon = strchr(line, ':');
        if (in_obs || line[0] == '#' || !colon || strspn(line, " ") == strlen(line))
            continue;
        const char *rest = colon + 1;
        while (*rest == ' ')
            rest++;
        int is_value = *rest && *rest != '#';
        if (is_value && !strstr(line, "# ") && strncmp(line, "name:", 5) &&
            strncmp(line, "description:", 12) && !strstr(line, "{early_years:") &&
            !strstr(line, ": {fe_college") && !strstr(line, ": {mainstream") &&
            !strstr(line, ": {resourced") && !strstr(line, ": {special") &&
            !strstr(line, ": {independent") && !strstr(line, "fte: {") &&
            !strstr(line, "caseworker_fte: {"))
            fail_msg("value without a source comment: %s", line);
    }
    free(s);
}

static void test_start_before_as_of(void **state)
{
    fixture *f = *state;
    /* Testshire has no plans by age before 2019: the history start names what is missing */
    send_init_opts o = opts(f, 2019, 0);
    o.start_year = 2017;
    des_error err = {0};
    assert_int_equal(send_init_scenario(f->d, 0, &o, f->path, &err), DES_EINPUT);
    assert_string_equal(err.msg, "too little data for 'Testshire' as of 2019: ehcp_age_under5 "
                                 "2017 (plans by age) is not published in '" LA_CSV "'");
    o.start_year = 2020;
    assert_int_equal(send_init_scenario(f->d, 0, &o, f->path, &err), DES_EINPUT);
    assert_string_equal(err.msg, "start year 2020 is after the as-of year 2019");
    assert_int_equal(access(f->path, F_OK), -1); /* nothing written */
}

static void test_too_little_data(void **state)
{
    fixture *f = *state;
    send_init_opts o = opts(f, 2019, 0);
    des_error err = {0};
    assert_int_equal(send_init_scenario(f->d, find_la(f, "902"), &o, f->path, &err), DES_EINPUT);
    assert_string_equal(err.msg, "too little data for 'Othershire' as of 2019: ehcp_age_under5 "
                                 "2019 (plans by age) is not published in '" LA_CSV "'");
    /* as of 2018 Testshire has no January 2018 plans by age either */
    o = opts(f, 2018, 0);
    assert_int_equal(send_init_scenario(f->d, 0, &o, f->path, &err), DES_EINPUT);
    assert_non_null(strstr(err.msg, "too little data for 'Testshire' as of 2018: "));
    assert_int_equal(access(f->path, F_OK), -1);
}

/* The command: a file that validates and runs; the error paths and their exit status. */
static void test_cli(void **state)
{
    fixture *f = *state;
    cli_result r;
    run_cli(&r, "init", "--la", "E10000901", "--data", LA_CSV, "--england", ENG_CSV, "--as-of",
            "2019", "--end", "2021-12-31", "--no-priors", "--out", f->path, NULL);
    if (r.status != 0)
        cli_fail(&r, "init failed");
    cli_result_free(&r);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s/run", f->dir);
    run_cli(&r, "run", f->path, "--replications", "2", "--threads", "1", "--no-plots", "--quiet",
            "--out", prefix, NULL);
    if (r.status != 0)
        cli_fail(&r, "the generated scenario did not run");
    cli_result_free(&r);

    /* with priors, the next step is named with the same authority, year and data */
    run_cli(&r, "init", "--la", "E10000901", "--data", LA_CSV, "--england", ENG_CSV, "--as-of",
            "2019", "--end", "2021-12-31", "--out", f->path, NULL);
    if (r.status != 0)
        cli_fail(&r, "init with priors failed");
    char want[512];
    snprintf(want, sizeof want, "next: sendsim calibrate %s --la E10000901 --as-of 2019 --data %s\n",
             f->path, LA_CSV);
    assert_non_null(strstr(r.out, want));
    cli_result_free(&r);
    char spaced[256];
    snprintf(spaced, sizeof spaced, "%s/a b.yaml", f->dir);
    run_cli(&r, "init", "--la", "E10000901", "--data", LA_CSV, "--england", ENG_CSV, "--as-of",
            "2019", "--end", "2021-12-31", "--out", spaced, NULL);
    if (r.status != 0)
        cli_fail(&r, "init to a path with a space failed");
    snprintf(want, sizeof want, "next: sendsim calibrate '%s' --la E10000901", spaced);
    assert_non_null(strstr(r.out, want)); /* one shell word */
    cli_result_free(&r);
    unlink(spaced);

    run_cli(&r, "init", "--la", "Testshir", "--data", LA_CSV, "--england", ENG_CSV, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "Testshire")); /* the near match is listed */
    cli_result_free(&r);
    run_cli(&r, "init", "--la", "902", "--data", LA_CSV, "--england", ENG_CSV, "--as-of", "2019",
            "--out", f->path, NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "sendsim init: too little data for 'Othershire' as of 2019: "
                               "ehcp_age_under5 2019 (plans by age) is not published in '" LA_CSV
                               "'\n");
    cli_result_free(&r);
    run_cli(&r, "init", "--data", LA_CSV, NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "sendsim init: --la CODE|NAME is required (try 'sendsim init "
                               "--help')\n");
    cli_result_free(&r);
    run_cli(&r, "init", "--la", "901", "--end", "2030-13-01", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "sendsim init: --end: expected a date YYYY-MM-DD, got "
                               "'2030-13-01' (try 'sendsim init --help')\n");
    cli_result_free(&r);
    run_cli(&r, "init", "--la", "901", "--data", "tests/data/init/none.csv", NULL);
    assert_int_equal(r.status, 2);
    cli_result_free(&r);
    run_cli(&r, "init", "--la", "901", "--data", LA_CSV, "--pool", "tests/data/init/none.csv",
            "--england", ENG_CSV, "--as-of", "2019", "--out", f->path, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "sendsim init: "));
    assert_non_null(strstr(r.err, "tests/data/init/none.csv"));
    cli_result_free(&r);
    run_cli(&r, "init", "--la", "901", "--data", LA_CSV, "--england", ENG_CSV, "--as-of", "2019",
            "--out", "/nonexistent-dir/x.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "cannot create '/nonexistent-dir/x.yaml'"));
    cli_result_free(&r);
}

/* The shipped Leicestershire scenarios are exactly what init writes from the shipped data, so
 * that a change to init (or the data) that would change them is noticed: regenerate with the
 * commands in scenarios/README.md. */
static void check_shipped(const fixture *f, const char *data, const char *pool, int as_of,
                          const char *shipped)
{
    des_error err = {0};
    send_sen2 *d = send_sen2_read(data, &err);
    send_sen2 *e = send_sen2_read("data/england-sen2.csv", &err);
    send_sen2 *P = pool ? send_sen2_read(pool, &err) : NULL;
    if (!d || !e || (pool && !P))
        fail_msg("%s", err.msg);
    send_init_opts o = {.as_of = as_of, .data_label = data, .england = e,
                        .england_label = "data/england-sen2.csv", .priors = 1, .pool = P,
                        .pool_label = pool};
    long la = send_sen2_find(d, "855", &err);
    assert_true(la >= 0);
    assert_int_equal(send_init_scenario(d, (size_t)la, &o, f->path, &err), DES_OK);
    char *a = slurp(f->path), *b = slurp(shipped);
    if (strcmp(a, b) != 0)
        fail_msg("%s differs from init's output as of %d: regenerate it", shipped, as_of);
    free(a);
    free(b);
    send_sen2_free(d);
    send_sen2_free(e);
    send_sen2_free(P);
}

static void test_shipped_scenarios_regenerate(void **state)
{
    fixture *f = *state;
    check_shipped(f, "data/leicestershire-sen2.csv", "data/la-sen2.csv", 2026,
                  "scenarios/leicestershire-2026.yaml");
    check_shipped(f, "data/la-sen2.csv", NULL, 2019, "scenarios/leicestershire-2019.yaml");
}

/* Every authority of the shipped data, as of 2019 and 2022, with and without priors: init either
 * writes a scenario the loader takes or refuses with "too little data" (exit 2 from the command),
 * so no authority's published figures can make an unloadable file. No simulation is run. */
static void test_every_authority_loads(void **state)
{
    fixture *f = *state;
    des_error err = {0};
    send_sen2 *d = send_sen2_read("data/la-sen2.csv", &err);
    send_sen2 *e = send_sen2_read("data/england-sen2.csv", &err);
    if (!d || !e)
        fail_msg("%s", err.msg);
    const int years[2] = {2019, 2022};
    for (int yi = 0; yi < 2; yi++)
        for (int priors = 0; priors <= 1; priors++) {
            send_init_opts o = {.as_of = years[yi], .data_label = "data/la-sen2.csv",
                                .england = e, .england_label = "data/england-sen2.csv",
                                .priors = priors};
            size_t ok = 0, refused = 0;
            for (size_t la = 0; la < send_sen2_count(d); la++) {
                const send_sen2_la *a = send_sen2_la_at(d, la);
                remove(f->path);
                int rc = send_init_scenario(d, la, &o, f->path, &err);
                if (rc == DES_EINPUT && !strncmp(err.msg, "too little data", 15)) {
                    assert_int_equal(access(f->path, F_OK), -1);
                    refused++;
                    continue;
                }
                if (rc != DES_OK)
                    fail_msg("%s (%s) as of %d: init failed: %s", a->old_code, a->name,
                             years[yi], err.msg);
                send_params p;
                if (send_scenario_load(f->path, &p, NULL, &err) != DES_OK)
                    fail_msg("%s (%s) as of %d%s: %s", a->old_code, a->name, years[yi],
                             priors ? "" : " (no priors)", err.msg);
                send_params_free(&p);
                ok++;
            }
            print_message("as of %d%s: %zu authorities load, %zu too little data\n", years[yi],
                          priors ? "" : " (no priors)", ok, refused);
            /* most authorities publish enough: a regression refusing them all must show */
            assert_true(ok > refused);
        }
    send_sen2_free(d);
    send_sen2_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_values_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_year_sd_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grant_growth_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growth_shrunk_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeliness_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capacity_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_as_of_poison, setup, teardown),
        cmocka_unit_test_setup_teardown(test_priors_on_the_edge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_residential_beyond_independent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_stays_mainstream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_value_commented, setup, teardown),
        cmocka_unit_test_setup_teardown(test_start_before_as_of, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_little_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipped_scenarios_regenerate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_authority_loads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
