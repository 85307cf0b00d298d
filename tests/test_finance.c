/* test_finance.c - the high-needs block in the DSG's lines: each line worked out by hand on a
 * caseload that does not move (place funding on commissioned places filled or not, banded
 * top-ups with band drift, fees under a fee cap, the level-4 split to three budgets, transport
 * outside the block unless a key puts it in, the income lines and the allocation series),
 * conservation of money to the penny on the shipped back-test scenario, and bad finance input
 * as one `file:line:column: key: ...` line with exit 2.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "des_rng.h"
#include "send_model.h"
#include "send_results.h"
#include "send_scenario.h"
#include "support/test_cli.h"

#define PENNY 0.005
#define DATA "tests/data/finance/"

static des_date ymd(int y, int m, int d) { return des_date_from_ymd(y, m, d); }

static void run_rep(const send_params *p, uint64_t master, int rep, send_output *o)
{
    des_error err = {0};
    assert_int_equal(send_output_init(o, p, &err), DES_OK);
    send_model *m = send_model_create(p, &err);
    if (!m)
        fail_msg("model: %s", err.msg);
    uint32_t *all = malloc((size_t)(rep + 1) * SEND_STREAMS * sizeof *all);
    assert_non_null(all);
    assert_int_equal(des_rng_seed_table(master, (size_t)rep + 1, SEND_STREAMS, all, NULL), DES_OK);
    if (send_model_run(m, all + (size_t)rep * SEND_STREAMS, o, &err) != DES_OK)
        fail_msg("run: %s", err.msg);
    free(all);
    send_model_destroy(m);
}

static double at(send_output *o, int metric, int fi) { return send_output_row(o, metric)[fi]; }
static double line(send_output *o, int l, int fi) { return at(o, F_DSG_LINE + l, fi); }

#define assert_penny(got, want)                                                               \
    do {                                                                                      \
        double g_ = (got), w_ = (want);                                                       \
        if (!(fabs(g_ - w_) < PENNY))                                                         \
            fail_msg("%s = %.4f, expected %.4f", #got, g_, w_);                               \
    } while (0)

/* 60 autistic children in special (100 places), 10 in independent, 10 in residential packages,
 * nobody arriving or leaving, from January 2019 to December 2021 (FYs 2019-20 and 2020-21). */
static void still_caseload(send_params *p)
{
    send_params_init(p);
    p->start = ymd(2019, 1, 1);
    p->end = ymd(2021, 12, 31);
    p->initial_band[BAND_5_10] = 80;
    p->initial_prov[PROV_SPECIAL] = 60;
    p->initial_prov[PROV_INDEPENDENT] = 10;
    p->initial_prov[PROV_RESIDENTIAL] = 10;
    p->need_share_plans[NEED_OTHER] = 0;
    p->need_share_plans[NEED_ASD] = 1;
    p->n_pools = 1;
    p->pools[0] = (send_pool_spec){PROV_SPECIAL, -1, -1, 100};
    p->cost[PROV_SPECIAL] = 12000;
    p->place_funding[PROV_SPECIAL] = 10000;
    for (int n = 0; n < NEED_COUNT; n++)
        p->band_of_need[n] = 2;
    p->band_factor[1] = 1.5;
    p->band_factor[2] = 2.0;
    p->band_drift = 0.1;
    p->cost[PROV_INDEPENDENT] = 50000;
    p->inflation[PROV_INDEPENDENT] = 0.10;
    p->fee_cap_active = 1;
    p->fee_cap_from = ymd(2020, 4, 1);
    p->fee_cap = 0.03;
    p->cost[PROV_RESIDENTIAL] = 100000;
    p->l4_share_education = 0.5;
    p->l4_share_social = 0.3;
    p->l4_share_health = 0.2;
    p->transport_share[PROV_SPECIAL] = 0.5;
    p->transport_cost = 1000;
    p->grant_fy0 = 2019;
    p->grant_n = 1;
    p->grant_fy[0] = 1e6;
    p->grant_growth = 0.05;
    p->schools_transfer.n = 2;
    p->schools_transfer.from[0] = ymd(1970, 1, 1);
    p->schools_transfer.value[0] = 0;
    p->schools_transfer.from[1] = ymd(2020, 4, 1);
    p->schools_transfer.value[1] = 200000;
    send_steps_const(&p->other_income, 5000);
    send_steps_const(&p->import_export, -10000);
    send_steps_const(&p->sen_services, 300000);
    send_steps_const(&p->hospital, 40000);
    send_steps_const(&p->therapies, 60000);
    p->opening_balance = -2300000;
}

static void test_lines_by_hand(void **state)
{
    (void)state;
    send_params p;
    still_caseload(&p);
    send_output o;
    run_rep(&p, 1, 0, &o);
    assert_int_equal(o.first_fy, 2019);
    assert_int_equal(o.n_fys, 2);
    /* place funding on all 100 commissioned places though 60 are filled */
    assert_penny(line(&o, DSG_PLACE_SPECIAL, 0), 100 * 10000.0);
    assert_penny(line(&o, DSG_PLACE_SPECIAL, 1), 100 * 10000.0);
    /* band 2 (factor 1.5), then a tenth moves up to band 3 (factor 2) */
    assert_penny(line(&o, DSG_TOPUP_SPECIAL, 0), 60 * 12000 * 1.5);
    assert_penny(line(&o, DSG_TOPUP_SPECIAL, 1), 60 * 12000 * (0.9 * 1.5 + 0.1 * 2.0));
    /* fees: 10% inflation capped at 3% from 2020-21 */
    assert_penny(line(&o, DSG_INDEPENDENT, 0), 10 * 50000.0);
    assert_penny(line(&o, DSG_INDEPENDENT, 1), 10 * 50000 * 1.03);
    /* level-4 packages: half to the DSG, the rest to social care and health */
    for (int f = 0; f < 2; f++) {
        assert_penny(line(&o, DSG_LEVEL4, f), 10 * 100000 * 0.5);
        assert_penny(at(&o, F_SOCIAL_CARE, f), 10 * 100000 * 0.3);
        assert_penny(at(&o, F_HEALTH, f), 10 * 100000 * 0.2);
        assert_penny(at(&o, F_SPEND_TRANSPORT, f), 60 * 0.5 * 1000);
        assert_penny(line(&o, DSG_TRANSPORT, f), 0);
        assert_penny(line(&o, DSG_SEN_SUPPORT, f), 300000);
        assert_penny(line(&o, DSG_HOSPITAL, f), 40000);
        assert_penny(line(&o, DSG_THERAPIES, f), 60000);
        assert_penny(line(&o, DSG_OTHER_INCOME, f), 5000);
        assert_penny(line(&o, DSG_IMPORT_EXPORT, f), -10000);
    }
    /* income: the one allocation given, then 5% growth; the transfer from 2020-21 */
    assert_penny(line(&o, DSG_ALLOCATION, 0), 1e6);
    assert_penny(line(&o, DSG_ALLOCATION, 1), 1.05e6);
    assert_penny(line(&o, DSG_SCHOOLS_TRANSFER, 0), 0);
    assert_penny(line(&o, DSG_SCHOOLS_TRANSFER, 1), 200000);
    double in0 = 1e6 + 5000 - 10000, in1 = 1.05e6 + 200000 + 5000 - 10000;
    double sp0 = 1e6 + 60 * 12000 * 1.5 + 500000 + 500000 + 400000;
    double sp1 = 1e6 + 60 * 12000 * 1.55 + 515000 + 500000 + 400000;
    assert_penny(at(&o, F_INCOME, 0), in0);
    assert_penny(at(&o, F_INCOME, 1), in1);
    assert_penny(at(&o, F_SPEND, 0), sp0);
    assert_penny(at(&o, F_SPEND, 1), sp1);
    assert_penny(at(&o, F_DSG_INYEAR, 0), in0 - sp0);
    assert_penny(at(&o, F_DSG_BF, 0), -2300000);
    assert_penny(at(&o, F_DSG_BF, 1), -2300000 + in0 - sp0);
    assert_penny(at(&o, F_DSG_BALANCE, 1), -2300000 + in0 - sp0 + in1 - sp1);
    /* the provision view holds place funding and top-up together */
    assert_penny(at(&o, F_SPEND_PROV + PROV_SPECIAL, 0), 1e6 + 60 * 12000 * 1.5);
    send_output_free(&o);
    send_params_free(&p);
}

/* finance.cost_level multiplies every per-pupil cost (top-ups, fees, the whole level-4 package
 * and so its three shares) and nothing else: place funding, transport, central services and
 * income are as at level 1. */
static void test_cost_level_by_hand(void **state)
{
    (void)state;
    send_params p;
    still_caseload(&p);
    p.cost_level = 1.1;
    send_output o;
    run_rep(&p, 1, 0, &o);
    assert_penny(line(&o, DSG_TOPUP_SPECIAL, 0), 60 * 12000 * 1.5 * 1.1);
    assert_penny(line(&o, DSG_TOPUP_SPECIAL, 1), 60 * 12000 * (0.9 * 1.5 + 0.1 * 2.0) * 1.1);
    assert_penny(line(&o, DSG_INDEPENDENT, 0), 10 * 50000 * 1.1);
    assert_penny(line(&o, DSG_INDEPENDENT, 1), 10 * 50000 * 1.03 * 1.1);
    for (int f = 0; f < 2; f++) {
        assert_penny(line(&o, DSG_LEVEL4, f), 10 * 100000 * 0.5 * 1.1);
        assert_penny(at(&o, F_SOCIAL_CARE, f), 10 * 100000 * 0.3 * 1.1);
        assert_penny(at(&o, F_HEALTH, f), 10 * 100000 * 0.2 * 1.1);
        assert_penny(line(&o, DSG_PLACE_SPECIAL, f), 100 * 10000.0);
        assert_penny(at(&o, F_SPEND_TRANSPORT, f), 60 * 0.5 * 1000);
        assert_penny(line(&o, DSG_SEN_SUPPORT, f), 300000);
    }
    assert_penny(line(&o, DSG_ALLOCATION, 1), 1.05e6);
    double sp0 = 1e6 + (60 * 12000 * 1.5 + 500000 + 500000) * 1.1 + 400000;
    assert_penny(at(&o, F_SPEND, 0), sp0);
    send_output_free(&o);
    send_params_free(&p);
}

/* A multiplier by month on what each child costs (the plans' forecast-error term, set by the
 * run): 1.1 in every month of 2019-20 and 1.25 in every month of 2020-21 scale the top-ups,
 * fees, level-4 packages with their three shares and transport of that year by it, and leave
 * place funding, central services and income alone; the money is still conserved. */
static void test_child_cost_factor_by_hand(void **state)
{
    (void)state;
    send_params p;
    still_caseload(&p);
    double f[36];
    for (int k = 0; k < 36; k++) /* month 0 is January 2019: 2019-20 is months 3 to 14 */
        f[k] = k >= 3 && k <= 14 ? 1.1 : k >= 15 && k <= 26 ? 1.25 : 0.5;
    p.child_cost_factor = f;
    p.n_child_cost_factor = 36;
    send_output o;
    run_rep(&p, 1, 0, &o);
    const double g[2] = {1.1, 1.25};
    assert_penny(line(&o, DSG_TOPUP_SPECIAL, 0), 60 * 12000 * 1.5 * 1.1);
    assert_penny(line(&o, DSG_TOPUP_SPECIAL, 1), 60 * 12000 * (0.9 * 1.5 + 0.1 * 2.0) * 1.25);
    assert_penny(line(&o, DSG_INDEPENDENT, 0), 10 * 50000 * 1.1);
    assert_penny(line(&o, DSG_INDEPENDENT, 1), 10 * 50000 * 1.03 * 1.25);
    for (int y = 0; y < 2; y++) {
        assert_penny(line(&o, DSG_LEVEL4, y), 10 * 100000 * 0.5 * g[y]);
        assert_penny(at(&o, F_SOCIAL_CARE, y), 10 * 100000 * 0.3 * g[y]);
        assert_penny(at(&o, F_HEALTH, y), 10 * 100000 * 0.2 * g[y]);
        assert_penny(at(&o, F_SPEND_TRANSPORT, y), 60 * 0.5 * 1000 * g[y]);
        assert_penny(line(&o, DSG_PLACE_SPECIAL, y), 100 * 10000.0);
        assert_penny(line(&o, DSG_SEN_SUPPORT, y), 300000);
        assert_penny(line(&o, DSG_HOSPITAL, y), 40000);
    }
    assert_penny(line(&o, DSG_ALLOCATION, 1), 1.05e6);
    assert_penny(at(&o, F_SPEND, 0), 1e6 + (60 * 12000 * 1.5 + 500000 + 500000) * 1.1 + 400000);
    assert_penny(at(&o, F_SPEND_PROV + PROV_SPECIAL, 1),
                 1e6 + 60 * 12000 * (0.9 * 1.5 + 0.1 * 2.0) * 1.25);
    double bal = p.opening_balance;
    for (int y = 0; y < 2; y++) {
        double in = 0, sp = 0;
        for (int l = 0; l < DSG_LINE_COUNT; l++)
            *(l < DSG_INCOME_LINES ? &in : &sp) += line(&o, l, y);
        assert_penny(at(&o, F_SPEND, y), sp);
        assert_penny(at(&o, F_DSG_INYEAR, y), in - sp);
        bal += in - sp;
        assert_penny(at(&o, F_DSG_BALANCE, y), bal);
    }
    send_output_free(&o);
    send_params_free(&p);
}

/* Levers: commissioning fewer places cuts place funding; a key puts transport in the DSG. */
static void test_commissioned_and_transport_in(void **state)
{
    (void)state;
    send_params p;
    still_caseload(&p);
    p.commissioned[PROV_SPECIAL] = 80;
    p.dsg_transport = 1;
    send_output o;
    run_rep(&p, 1, 0, &o);
    assert_penny(line(&o, DSG_PLACE_SPECIAL, 0), 80 * 10000.0);
    assert_penny(line(&o, DSG_TRANSPORT, 0), 60 * 0.5 * 1000);
    assert_penny(at(&o, F_SPEND, 0),
                 80 * 10000.0 + 60 * 12000 * 1.5 + 500000 + 500000 + 400000 + 30000);
    send_output_free(&o);
    /* without capacity limits, place funding follows the places filled */
    p.n_pools = 0;
    p.commissioned[PROV_SPECIAL] = 0;
    run_rep(&p, 1, 0, &o);
    assert_penny(line(&o, DSG_PLACE_SPECIAL, 0), 60 * 10000.0);
    send_output_free(&o);
    send_params_free(&p);
}

/* Money conserved in one replication, to the penny: the lines add up to the totals, the two
 * views of expenditure agree, and the balance moves by income minus expenditure from the
 * opening balance. */
static void check_conserved(const send_params *p, send_output *o)
{
    assert_true(o->n_fys >= 3);
    double bal = p->opening_balance;
    for (int f = 0; f < o->n_fys; f++) {
        double in = 0, sp = 0, byprov = at(o, F_SPEND_EI, f);
        for (int l = 0; l < DSG_LINE_COUNT; l++)
            *(l < DSG_INCOME_LINES ? &in : &sp) += line(o, l, f);
        for (int q = 0; q < PROV_COUNT; q++)
            byprov += at(o, F_SPEND_PROV + q, f);
        byprov += line(o, DSG_SEN_SUPPORT, f) - at(o, F_SPEND_EI, f) + line(o, DSG_HOSPITAL, f) +
                  line(o, DSG_THERAPIES, f) + line(o, DSG_TRANSPORT, f) +
                  line(o, DSG_ASSESSMENT, f);
        assert_penny(at(o, F_INCOME, f), in);
        assert_penny(at(o, F_SPEND, f), sp);
        assert_penny(byprov, sp);
        if (p->dsg_assessment)
            assert_penny(line(o, DSG_ASSESSMENT, f), at(o, F_SPEND_ASSESS, f));
        assert_penny(at(o, F_DSG_BF, f), bal);
        assert_penny(at(o, F_DSG_INYEAR, f), in - sp);
        bal += in - sp;
        assert_penny(at(o, F_DSG_BALANCE, f), bal);
        assert_true(sp > 0 && at(o, F_SPEND_TRANSPORT, f) > 0);
    }
}

/* Mean 0 and sd `want` of the n values x[r * stride] (4 standard errors: the mean's
 * want / sqrt(n), the sd's about want / sqrt(2n)); want 0: every value exactly 0. */
static void assert_walk(const double *x, int n, int stride, double want, const char *what, int year)
{
    double m = 0, v = 0;
    for (int r = 0; r < n; r++)
        m += x[r * stride] / n;
    for (int r = 0; r < n; r++)
        v += (x[r * stride] - m) * (x[r * stride] - m) / (n - 1);
    int ok = want == 0 ? sqrt(v) < 1e-12 && fabs(m) < 1e-12
                       : fabs(m) < 4 * want / sqrt(n) && fabs(sqrt(v) - want) < 4 * want / sqrt(2.0 * n);
    if (!ok)
        fail_msg("%s, year %d: mean %.4f sd %.4f, expected 0 and %.4f", what, year, m, sqrt(v),
                 want);
}

/* finance.grant.year_sd: beyond the allocation given (2019-20), each year's growth is drawn
 * log-normal about growth, so log(allocation / given) - k log(1 + growth) after k years is a
 * random walk of k steps of sd year_sd: mean 0, sd year_sd sqrt(k), independent steps; the
 * given year stays exact, spending is untouched (its own streams: the same replication spends
 * the same with or without the draws) and money is still conserved to the penny. */
static void test_allocation_random_walk(void **state)
{
    (void)state;
    send_params p;
    still_caseload(&p);
    p.end = ymd(2024, 12, 31); /* FYs 2019-20 to 2023-24 */
    const double sd = 0.1, g = 0.05;
    enum { R = 400, NF = 5 };
    static double x[R][NF];
    for (int r = 0; r < R; r++) {
        send_output o, o0;
        p.grant_year_sd = sd;
        run_rep(&p, 5, r, &o);
        assert_int_equal(o.n_fys, NF);
        for (int f = 0; f < NF; f++)
            x[r][f] = log(line(&o, DSG_ALLOCATION, f) / 1e6) - f * log1p(g);
        if (r < 3) {
            check_conserved(&p, &o);
            p.grant_year_sd = 0;
            run_rep(&p, 5, r, &o0);
            for (int f = 0; f < NF; f++) {
                assert_penny(at(&o, F_SPEND, f), at(&o0, F_SPEND, f));
                assert_penny(line(&o0, DSG_ALLOCATION, f), 1e6 * pow(1 + g, f));
            }
            send_output_free(&o0);
        }
        send_output_free(&o);
    }
    for (int f = 0; f < NF; f++) /* the given year exact, then k steps */
        assert_walk(&x[0][f], R, NF, sd * sqrt(f), "after the series", f);
    /* successive steps uncorrelated */
    double c = 0, v1 = 0, v2 = 0;
    for (int r = 0; r < R; r++) {
        double a = x[r][1] - x[r][0], b = x[r][2] - x[r][1];
        c += a * b, v1 += a * a, v2 += b * b;
    }
    assert_true(fabs(c / sqrt(v1 * v2)) < 4 / sqrt((double)R));
    /* a series of three whose first year alone is published (finance.grant.published: 1): the
     * two estimated years carry the walk about their own values, the years after go on from
     * the last; with none, the first too; with all three published the series is exact */
    static const double given[3] = {1e6, 1.2e6, 1.3e6};
    p.grant_n = 3;
    memcpy(p.grant_fy, given, sizeof given);
    p.grant_published = 1;
    p.grant_year_sd = sd;
    for (int r = 0; r < R; r++) {
        send_output o;
        run_rep(&p, 6, r, &o);
        for (int f = 0; f < NF; f++)
            x[r][f] = log(line(&o, DSG_ALLOCATION, f) / (f < 3 ? given[f] : given[2] * pow(1 + g, f - 2)));
        send_output_free(&o);
    }
    for (int f = 0; f < NF; f++)
        assert_walk(&x[0][f], R, NF, sd * sqrt(f), "published 1", f);
    /* none published (0): the first year is an estimate too, one step from the start */
    p.grant_published = 0;
    for (int r = 0; r < R; r++) {
        send_output o;
        run_rep(&p, 7, r, &o);
        x[r][0] = log(line(&o, DSG_ALLOCATION, 0) / given[0]);
        send_output_free(&o);
    }
    assert_walk(&x[0][0], R, NF, sd, "published 0", 0);
    p.grant_published = 1000; /* the default: all three */
    send_output o;
    run_rep(&p, 6, 0, &o);
    for (int f = 0; f < 3; f++)
        assert_penny(line(&o, DSG_ALLOCATION, f), given[f]);
    assert_true(fabs(line(&o, DSG_ALLOCATION, 3) - given[2] * (1 + g)) > 1); /* drawn */
    send_output_free(&o);
    send_params_free(&p);
}

/* validate says how uncertain the allocation is and from which year: the shipped 2026
 * scenario (two published years, then estimates) and a key set by hand to none published. */
static void test_validate_allocation_uncertainty(void **state)
{
    (void)state;
    cli_result r;
    run_cli(&r, "validate", "scenarios/leicestershire-2026.yaml", (char *)NULL);
    if (r.status != 0 || !strstr(r.out, "  allocation uncertainty       log sd 0.06 a year after "
                                        "the first 2 years (published)\n"))
        cli_fail(&r, "validate leicestershire-2026.yaml");
    cli_result_free(&r);
    run_cli(&r, "validate", DATA "grant_none.yaml", (char *)NULL);
    if (r.status != 0 || !strstr(r.out, "  allocation uncertainty       log sd 0.1 a year from the "
                                        "first year (none published)\n"))
        cli_fail(&r, "validate grant_none.yaml");
    cli_result_free(&r);
    run_cli(&r, "validate", DATA "base.yaml", (char *)NULL);
    if (r.status != 0 || strstr(r.out, "allocation uncertainty"))
        cli_fail(&r, "validate base.yaml: no uncertainty line without year_sd");
    cli_result_free(&r);
}

/* Conservation on the shipped back-test, assessments charged to the DSG. */
static void test_conservation(void **state)
{
    (void)state;
    send_params p;
    des_error err = {0};
    if (send_scenario_load("scenarios/leicestershire-2019.yaml", &p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    p.end = ymd(2023, 12, 31);
    p.dsg_assessment = 1;
    for (int rep = 0; rep < 2; rep++) {
        send_output o;
        run_rep(&p, 11, rep, &o);
        assert_true(o.n_fys >= 4);
        check_conserved(&p, &o);
        send_output_free(&o);
    }
    send_params_free(&p);
}

/* ---- bad finance input: one line, file:line:column: key: what, exit 2 -------------------- */

static const struct {
    const char *file, *msg;
} bad[] = {
    {DATA "err_cost.yaml",
     DATA "err_cost.yaml:3:19: finance.cost.special: expected a number in [0, 1000000000000], "
          "got -100"},
    {DATA "err_bands.yaml",
     DATA "err_bands.yaml:4:14: finance.bands.by_need: the bands must cover every need: "
          "expected a band 1-5 for 'other'"},
    {DATA "err_band_value.yaml",
     DATA "err_band_value.yaml:4:23: finance.bands.by_need.autism: expected an integer in "
          "[1, 5], got 6"},
    {DATA "err_grant_gap.yaml",
     DATA "err_grant_gap.yaml:6:16: finance.grant.allocation.2021-22: expected 2020-21 next: "
          "the allocation must give every year without gaps"},
    {DATA "err_grant_both.yaml",
     DATA "err_grant_both.yaml:5:11: finance.grant.base: give either finance.grant.allocation "
          "or finance.grant.base, not both"},
    {DATA "err_fy_label.yaml",
     DATA "err_fy_label.yaml:4:27: finance.grant.allocation.2019-21: expected a financial "
          "year (YYYY-YY) as the period"},
    {DATA "err_grant_sd.yaml",
     DATA "err_grant_sd.yaml:3:34: finance.grant.year_sd: expected a number in [0, 1], got "
          "-0.06"},
    {DATA "err_place_funding.yaml",
     DATA "err_place_funding.yaml:3:47: finance.place_funding.mainstream: no place funding "
          "for this provision (expected it only for special, resourced, ap, fe_college or "
          "specialist_post16)"},
};

static void test_bad_input(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        send_params p;
        des_error err = {0};
        assert_int_equal(send_scenario_load(bad[i].file, &p, NULL, &err), DES_EINPUT);
        assert_string_equal(err.msg, bad[i].msg);
        send_params_free(&p);
        cli_result r;
        run_cli(&r, "validate", bad[i].file, (char *)NULL);
        char want[512];
        snprintf(want, sizeof want, "%s\n", bad[i].msg);
        if (r.status != 2 || strcmp(r.err, want) != 0 || r.out[0])
            cli_fail(&r, "validate %s: exit %d, stderr '%s'", bad[i].file, r.status, r.err);
        cli_result_free(&r);
    }
}

/* The allocation series loads year by year; the model's own check refuses a band table that
 * leaves a need out when parameters are set by hand. */
static void test_allocation_series_and_check(void **state)
{
    (void)state;
    send_params p;
    des_error err = {0};
    const char *path = "/tmp/sendsim-finance-alloc.yaml";
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("start: 2019-01-01\nend: 2022-12-31\nfinance:\n  grant:\n    allocation: {2019-20: 1000, "
          "2020-21: 1100, 2021-22: 1300}\n    growth: 0.1\n",
          f);
    fclose(f);
    assert_int_equal(send_scenario_load(path, &p, NULL, &err), DES_OK);
    assert_int_equal(p.grant_fy0, 2019);
    assert_int_equal(p.grant_n, 3);
    send_output o;
    run_rep(&p, 1, 0, &o);
    assert_int_equal(o.n_fys, 3);
    assert_penny(line(&o, DSG_ALLOCATION, 1), 1100);
    assert_penny(line(&o, DSG_ALLOCATION, 2), 1300);
    send_output_free(&o);
    p.band_of_need[NEED_ASD] = 2;
    assert_int_equal(send_params_check(&p, &err), DES_EINVAL);
    assert_string_equal(err.msg, "'finance.bands.by_need': every need needs a band 1-5, 'semh' "
                                 "has 0");
    send_params_free(&p);
    remove(path);
}

/* What moves the balance, by hand: two replications from January 2019 whose caseload is 100
 * through 2019-20, then 120 and 140 (the months of January to March 2019, outside any full
 * financial year, are 999 and must not count); expenditure 1.0m both, then 1.5m and 1.9m;
 * income 1.2m, then 1.26m. Means: P 100 -> 130, c 10,000 -> 1.7m / 130, I 1.2m -> 1.26m, so
 * the in-year balance moves 0.2m -> -0.44m = -0.64m: -30 x 10,000 from more plans,
 * -(1.7m - 1.3m) from cost per plan, +0.06m from income. */
static void test_drivers_by_hand(void **state)
{
    (void)state;
    send_params p;
    still_caseload(&p);
    send_output o[2];
    des_error err = {0};
    for (int r = 0; r < 2; r++) {
        assert_int_equal(send_output_init(&o[r], &p, &err), DES_OK);
        assert_int_equal(o[r].first_fy, 2019);
        assert_int_equal(o[r].n_fys, 2);
        for (int m = 0; m < o[r].n_months; m++)
            send_output_row(&o[r], M_EHCP_TOTAL)[m] = m < 3 ? 999 : m < 15 ? 100 : r ? 140 : 120;
        send_output_row(&o[r], F_SPEND)[0] = 1.0e6;
        send_output_row(&o[r], F_SPEND)[1] = r ? 1.9e6 : 1.5e6;
        send_output_row(&o[r], F_INCOME)[0] = 1.2e6;
        send_output_row(&o[r], F_INCOME)[1] = 1.26e6;
    }
    send_results res = {.n = 2, .reps = o};
    send_fin_driver d[2];
    send_fin_drivers(&res, d);
    assert_penny(d[0].plans, 100);
    assert_penny(d[0].per_plan, 10000);
    assert_penny(d[0].inyear, 0.2e6);
    assert_true(isnan(d[0].d_inyear) && isnan(d[0].d_plans));
    assert_penny(d[1].plans, 130);
    assert_penny(d[1].spend, 1.7e6);
    assert_penny(d[1].per_plan, 1.7e6 / 130);
    assert_penny(d[1].inyear, -0.44e6);
    assert_penny(d[1].d_inyear, -0.64e6);
    assert_penny(d[1].d_plans, -30 * 10000.0);
    assert_penny(d[1].d_cost, -0.4e6);
    assert_penny(d[1].d_income, 0.06e6);
    assert_penny(d[1].d_plans + d[1].d_cost + d[1].d_income, d[1].d_inyear);
    for (int r = 0; r < 2; r++)
        send_output_free(&o[r]);
    send_params_free(&p);
}

/* The recovery scenario validates, and under common random numbers (the same master seed and
 * replication index for both) every replication's cumulative DSG balance on 31 March 2029 is
 * better than the baseline's: its levers start in 2027, so 2027-28 and 2028-29 carry them. The
 * horizon is cut to March 2029 to keep the test short. */
static void test_recovery_improves_balance(void **state)
{
    (void)state;
    cli_result r;
    run_cli(&r, "validate", "scenarios/dsg-recovery.yaml", (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "validate: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    send_params base, alt;
    des_error err = {0};
    if (send_scenario_load("scenarios/baseline.yaml", &base, NULL, &err) != DES_OK ||
        send_scenario_load("scenarios/dsg-recovery.yaml", &alt, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    base.end = alt.end = ymd(2029, 3, 31);
    for (int rep = 0; rep < 3; rep++) {
        send_output ob, oa;
        run_rep(&base, 5, rep, &ob);
        run_rep(&alt, 5, rep, &oa);
        assert_int_equal(ob.n_fys, 3);
        /* nothing differs before the levers start */
        assert_penny(at(&oa, F_DSG_BALANCE, 0), at(&ob, F_DSG_BALANCE, 0));
        /* the transfer is exactly the schools-block line */
        assert_penny(line(&oa, DSG_SCHOOLS_TRANSFER, 1), 1900000);
        assert_penny(line(&ob, DSG_SCHOOLS_TRANSFER, 1), 0);
        check_conserved(&base, &ob);
        check_conserved(&alt, &oa);
        for (int f = 1; f < 3; f++)
            if (!(at(&oa, F_DSG_BALANCE, f) > at(&ob, F_DSG_BALANCE, f)))
                fail_msg("replication %d, FY %d: recovery balance %.0f not above baseline %.0f",
                         rep, f, at(&oa, F_DSG_BALANCE, f), at(&ob, F_DSG_BALANCE, f));
        send_output_free(&ob);
        send_output_free(&oa);
    }
    send_params_free(&base);
    send_params_free(&alt);
}

/* The report's finance section: the published positions beside the forecast (the in-year
 * balance 3.0m - 100 x (10,000 + 12,000) = 0.8m in every replication), and every DSG line in
 * the template's order, zero lines included. */
static void test_report_lines(void **state)
{
    (void)state;
    char dir[32];
    make_out_dir(dir);
    char prefix[64], page[80];
    snprintf(prefix, sizeof prefix, "%s/r", dir);
    snprintf(page, sizeof page, "%s/r.html", dir);
    cli_result r;
    run_cli(&r, "run", DATA "report.yaml", "--replications", "2", "--seed", "1", "--no-plots",
            "--quiet", "--out", prefix, (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "run: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    char h5[80];
    snprintf(h5, sizeof h5, "%s.h5", prefix);
    run_cli(&r, "report", h5, "--no-charts", "--quiet", "--out", page, (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "report: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    char *html = slurp(page);
    assert_non_null(strstr(html, "<tr><td>2019-20</td><td>in-year balance</td><td class=\"n obs\">"
                                 "-0.6</td><td class=\"n\">0.8</td><td class=\"n\">0.8</td>"
                                 "<td class=\"n\">0.8</td></tr>"));
    assert_non_null(strstr(html, "<tr><td>2018-19</td><td>in-year balance</td><td class=\"n obs\">"
                                 "-0.5</td><td class=\"n\" colspan=\"3\">before the first full "
                                 "financial year: not forecast</td></tr>"));
    /* what moves the balance: the first year has no change to split */
    assert_non_null(strstr(html, "What moves the balance"));
    const char *prev = strstr(html, "DSG high-needs summary");
    assert_non_null(prev);
    for (int l = 0; l < DSG_LINE_COUNT; l++) {
        char want[160];
        snprintf(want, sizeof want, "<tr><td>%s</td>", send_dsg_line_labels[l]);
        const char *at_l = strstr(prev, want);
        if (!at_l)
            fail_msg("line '%s' missing or out of the template's order", send_dsg_line_labels[l]);
        prev = at_l;
    }
    assert_non_null(strstr(html, "<tr><td>Place funding: special schools and academies</td>"
                                 "<td class=\"n\">1.0</td></tr>"));
    free(html);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_by_hand),
        cmocka_unit_test(test_cost_level_by_hand),
        cmocka_unit_test(test_child_cost_factor_by_hand),
        cmocka_unit_test(test_commissioned_and_transport_in),
        cmocka_unit_test(test_conservation),
        cmocka_unit_test(test_allocation_random_walk),
        cmocka_unit_test(test_validate_allocation_uncertainty),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_allocation_series_and_check),
        cmocka_unit_test(test_report_lines),
        cmocka_unit_test(test_drivers_by_hand),
        cmocka_unit_test(test_recovery_improves_balance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
