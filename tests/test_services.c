/* test_services.c - the services beside the EHC pathway: levels 1-4 (levels.c), children in
 * care (care.c), the social-care front door (social_care.c) and short breaks
 * (short_breaks.c), against invariants, hand-computed cases and analytic results.
 *
 * - levels: every child at exactly one level at every snapshot (the four counts are >= 0 and
 *   sum to the rounded population, computed here from the population and its growth), and
 *   the level totals move by exactly the flows counted between them;
 * - care: the stock moves by entries less exits, exactly; the EHC-plan overlap share within
 *   its binomial confidence interval; placement and edge-of-care spend to the penny, also
 *   with inflation; linked to the records, the children in care with a plan are plan holders
 *   (none without plan holders; they leave the overlap as their plans cease);
 * - levels tied to the records: levels 3 and 4 hold every plan holder and child in care, each
 *   once, and every child is still at exactly one level;
 * - front door: the funnel and the time limits of hand-computed cases (constant working
 *   times, unlimited and single social workers), and the Leeds 2006/07 funnel and on-time
 *   shares reproduced within confidence intervals from rates derived from them;
 * - short breaks: capacity never exceeded, waiting only when full, spend and balance to the
 *   penny (also with inflation); the panel hears only at its sittings, at most its capacity;
 * - early help: the area panel hears cases only at its sittings, at most its capacity each,
 *   and lead professionals never carry more than their capacity; one panel per area hears as
 *   many per sitting each; its effect on requests under
 *   common random numbers (none without the effect; with it, more lead professionals mean
 *   fewer requests, new plans and high-needs spend, by about the requests averted);
 * - switched off, none of them writes anything; the parameter checks' messages;
 * - determinism: the same seeds give the same numbers, also when the model is reused.
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
#include "send_scenario.h"
#include "support/test_util.h"

static des_date ymd(int y, int m, int d) { return des_date_from_ymd(y, m, d); }

static void seeds_for(uint64_t master, int rep, uint32_t *seeds)
{
    uint32_t *all = malloc((size_t)(rep + 1) * SEND_STREAMS * sizeof *all);
    assert_non_null(all);
    assert_int_equal(des_rng_seed_table(master, (size_t)rep + 1, SEND_STREAMS, all, NULL), DES_OK);
    memcpy(seeds, all + (size_t)rep * SEND_STREAMS, SEND_STREAMS * sizeof *seeds);
    free(all);
}

typedef struct trace_log {
    int n[2];          /* front-door assessments completed: initial, core */
    int min_b[2], max_b[2];
} trace_log;

static void on_trace(void *ctx, double t, uint32_t child, send_trace_kind kind, int a, int b)
{
    (void)t;
    trace_log *l = ctx;
    if (kind != TR_FD_ASSESSED)
        return;
    assert_int_equal(child, SEND_NO_CHILD);
    assert_true(a == 0 || a == 1);
    if (!l->n[a] || b < l->min_b[a])
        l->min_b[a] = b;
    if (!l->n[a] || b > l->max_b[a])
        l->max_b[a] = b;
    l->n[a]++;
}

/* One replication into o (initialised here); the trace goes to log when given. */
static void run_one(const send_params *p, uint64_t master, int rep, send_output *o,
                    trace_log *log)
{
    des_error err = {0};
    assert_int_equal(send_output_init(o, p, &err), DES_OK);
    send_model *m = send_model_create(p, &err);
    if (!m)
        fail_msg("model: %s", err.msg);
    if (log)
        send_model_set_trace(m, on_trace, log);
    uint32_t seeds[SEND_STREAMS];
    seeds_for(master, rep, seeds);
    if (send_model_run(m, seeds, o, &err) != DES_OK)
        fail_msg("run: %s", err.msg);
    send_model_destroy(m);
}

static double at(send_output *o, int metric, int i) { return send_output_row(o, metric)[i]; }

/* A bare authority: nothing of the EHC pathway happens. */
static void bare(send_params *p, int y0, int m0, int y1, int m1, int d1)
{
    send_params_init(p);
    p->start = ymd(y0, m0, 1);
    p->end = ymd(y1, m1, d1);
    p->ei_from = p->indep_reduction_from = p->edge_from = p->start;
}

/* ---- levels ------------------------------------------------------------------------------ */

static void levels_params(send_params *p, double growth)
{
    bare(p, 2019, 1, 2022, 12, 31);
    for (int a = 0; a < SEND_AGES; a++)
        p->population[a] = 1000.0 + 37.0 * a; /* unequal ages, so ageing moves children */
    send_steps_const(&p->population_growth, growth);
    p->levels_on = 1;
    p->level_share[0] = 0.30;
    p->level_share[1] = 0.03;
    p->level_share[2] = 0.004;
    for (int b = 0; b < BAND_COUNT; b++) {
        p->level_up[0][b] = 0.2 + 0.02 * b;
        p->level_up[1][b] = 0.02;
        p->level_up[2][b] = 0.03 + 0.01 * b;
        p->level_down[0][b] = 0.5;
        p->level_down[1][b] = 0.2 - 0.02 * b;
        p->level_down[2][b] = 0.25;
    }
}

static void test_levels_every_child_at_one_level(void **state)
{
    (void)state;
    send_params p;
    levels_params(&p, 0.03); /* growth: children keep arriving at level 1 */
    for (int rep = 0; rep < 3; rep++) {
        send_output o;
        run_one(&p, 11, rep, &o, NULL);
        for (int k = 0; k < o.n_months; k++) {
            int idx = o.first_month_index + k;
            double t = (double)(ymd(1970 + idx / 12, idx % 12 + 1, 1) - p.start);
            double want = 0, got = 0;
            for (int a = 0; a < SEND_AGES; a++)
                want += (double)llround(p.population[a] * pow(1.03, t / 365.25));
            for (int l = 0; l < 4; l++) {
                assert_true(at(&o, M_LEVEL + l, k) >= 0);
                got += at(&o, M_LEVEL + l, k);
                /* the age bands of a level add up to it */
                double by_band = 0;
                for (int b = 0; b < BAND_COUNT; b++)
                    by_band += at(&o, M_LEVEL_BAND + l * BAND_COUNT + b, k);
                assert_close(by_band, at(&o, M_LEVEL + l, k), 0);
            }
            assert_close(got, want, 0);
            /* and each band's four levels are its population */
            for (int b = 0; b < BAND_COUNT; b++) {
                double pb = 0, lb = 0;
                for (int a = 0; a < SEND_AGES; a++)
                    if (send_ageband_of_age(a) == (send_ageband)b)
                        pb += (double)llround(p.population[a] * pow(1.03, t / 365.25));
                for (int l = 0; l < 4; l++)
                    lb += at(&o, M_LEVEL_BAND + l * BAND_COUNT + b, k);
                assert_close(lb, pb, 0);
            }
        }
        /* the start: shares of each age, so about 30%, 3% and 0.4% of all */
        double n0 = 0;
        for (int l = 0; l < 4; l++)
            n0 += at(&o, M_LEVEL + l, 0);
        for (int l = 1; l < 4; l++) {
            double s = p.level_share[l - 1], sd = sqrt(s * (1 - s) / n0);
            assert_close(at(&o, M_LEVEL + l, 0) / n0, s, 5 * sd);
        }
        /* there were moves both ways at every step */
        for (int l = 0; l < 3; l++) {
            assert_true(at(&o, C_LEVEL_UP + l, 1) > 0);
            assert_true(at(&o, C_LEVEL_DOWN + l, 1) > 0);
        }
        send_output_free(&o);
    }
}

/* No growth and no 1 September inside the horizon: a level's total changes only by the moves
 * counted into and out of it. */
static void test_levels_flows_balance(void **state)
{
    (void)state;
    send_params p;
    levels_params(&p, 0);
    p.end = ymd(2019, 8, 31);
    send_output o;
    run_one(&p, 12, 0, &o, NULL);
    int k = o.n_months - 1; /* 1 August: the step for July is in */
    double up[3], down[3];
    for (int l = 0; l < 3; l++) {
        up[l] = at(&o, C_LEVEL_UP + l, 0);
        down[l] = at(&o, C_LEVEL_DOWN + l, 0);
    }
    double in[4] = {down[0], up[0] + down[1], up[1] + down[2], up[2]};
    double out[4] = {up[0], down[0] + up[1], down[1] + up[2], down[2]};
    for (int l = 0; l < 4; l++)
        assert_close(at(&o, M_LEVEL + l, k) - at(&o, M_LEVEL + l, 0), in[l] - out[l], 0);
    send_output_free(&o);
}

/* ---- children in care ---------------------------------------------------------------------- */

static void care_params(send_params *p)
{
    bare(p, 2019, 4, 2022, 3, 31);
    p->care_on = 1;
}

/* Ten children in residential care all year, nobody moving: 10 x 366 days x 4,100 / 7 in
 * 2019-20 (29 February 2020 included), 365 days in the next two. */
static void test_care_spend_to_the_penny(void **state)
{
    (void)state;
    send_params p;
    care_params(&p);
    p.care_initial = 10;
    memset(p.care_mix, 0, sizeof p.care_mix);
    p.care_mix[CARE_RESIDENTIAL] = 1;
    p.care_weekly[CARE_RESIDENTIAL] = 4100;
    p.care_weekly[CARE_IFA] = 800; /* unused: nobody there */
    /* the edge-of-care lever from 1 October 2019 at 120,000 a year: 183 of 366 days */
    p.edge_active = 1;
    p.edge_from = ymd(2019, 10, 1);
    p.edge_effect = 0.5;
    p.edge_cost = 120000;
    send_output o;
    run_one(&p, 3, 0, &o, NULL);
    assert_int_equal(o.n_fys, 3);
    assert_close(at(&o, F_CARE_SPEND, 0), 10 * 366 * 4100.0 / 7, 0.005);
    assert_close(at(&o, F_CARE_SPEND, 1), 10 * 365 * 4100.0 / 7, 0.005);
    assert_close(at(&o, F_EDGE_SPEND, 0), 120000.0 * 183 / 366, 0.005);
    assert_close(at(&o, F_EDGE_SPEND, 1), 120000.0, 0.005);
    assert_close(at(&o, M_CARE, o.n_months - 1), 10, 0);
    assert_close(at(&o, M_CARE_TYPE + CARE_RESIDENTIAL, 5), 10, 0);
    /* the high-needs block carries none of it */
    assert_close(at(&o, F_SPEND, 0), 0, 0);
    send_output_free(&o);
}

/* Moves between two placements of the same weekly cost leave the spend unchanged. */
static void test_care_moves_keep_spend(void **state)
{
    (void)state;
    send_params p;
    care_params(&p);
    p.care_initial = 40;
    memset(p.care_mix, 0, sizeof p.care_mix);
    p.care_mix[CARE_IN_HOUSE_FOSTER] = 0.5;
    p.care_mix[CARE_KINSHIP] = 0.5;
    p.care_weekly[CARE_IN_HOUSE_FOSTER] = p.care_weekly[CARE_KINSHIP] = 549;
    p.care_move_rate = 2;
    send_output o;
    run_one(&p, 4, 0, &o, NULL);
    assert_true(at(&o, C_CARE_MOVES, 1) > 40);
    assert_close(at(&o, F_CARE_SPEND, 1), 40 * 365 * 549.0 / 7, 0.005);
    for (int k = 0; k < o.n_months; k++)
        assert_close(at(&o, M_CARE_TYPE + CARE_IN_HOUSE_FOSTER, k) +
                         at(&o, M_CARE_TYPE + CARE_KINSHIP, k),
                     40, 0);
    send_output_free(&o);
}

/* Entries and exits: the stock moves by entries less exits, exactly, year by year; and the
 * share with an EHC plan is the overlap share within its binomial interval. */
static void test_care_stock_and_overlap(void **state)
{
    (void)state;
    send_params p;
    bare(&p, 2019, 1, 2021, 12, 31);
    p.care_on = 1;
    p.care_initial = 20000;
    p.care_entries = 7000;
    p.care_exit_rate = 0.356;
    p.care_ehcp_share = 0.18; /* (L) about 18% [domain 5] */
    p.care_link_plans = 0;    /* no plan holders here: the overlap as an independent count */
    send_output o;
    run_one(&p, 5, 0, &o, NULL);
    for (int y = 0; y < 2; y++) {
        int k0 = 12 * y, k1 = 12 * (y + 1);
        assert_close(at(&o, M_CARE, k1) - at(&o, M_CARE, k0),
                     at(&o, C_CARE_ENTRIES, y) - at(&o, C_CARE_EXITS, y), 0);
    }
    double n = at(&o, M_CARE, 0), s = at(&o, M_CARE_EHCP, 0) / n;
    assert_close(s, 0.18, 4 * sqrt(0.18 * 0.82 / n));
    /* entries at 7,000 a year: Poisson */
    assert_close(at(&o, C_CARE_ENTRIES, 1), 7000, 4 * sqrt(7000));
    send_output_free(&o);
}

/* ---- the front door ------------------------------------------------------------------------ */

static void fd_params(send_params *p)
{
    bare(p, 2019, 1, 2020, 12, 31);
    p->fd_on = 1;
    p->fd_contacts = 2000;
}

/* Constant working times and social workers enough for all: every initial assessment takes
 * exactly 5 days and every core one 40; against limits of 9 and 49 days all are on time,
 * against 4 and 39 none is (the limit is inclusive: 5 against 5 is on time). */
static void test_fd_time_limits_hand_computed(void **state)
{
    (void)state;
    const double lim[3][2] = {{9, 49}, {4, 39}, {5, 40}};
    const int on_time[3] = {1, 0, 1};
    for (int c = 0; c < 3; c++) {
        send_params p;
        fd_params(&p);
        p.fd_p_core = 1;
        des_dist_constant(&p.fd_initial_time, 5, NULL);
        des_dist_constant(&p.fd_core_time, 40, NULL);
        p.fd_initial_limit = lim[c][0];
        p.fd_core_limit = lim[c][1];
        send_output o;
        trace_log log = {{0}, {0}, {0}};
        run_one(&p, 6, 0, &o, &log);
        /* the funnel: every contact a referral, an initial and a core assessment */
        for (int y = 0; y < 2; y++) {
            assert_close(at(&o, C_REFERRALS, y), at(&o, C_CONTACTS, y), 0);
            assert_close(at(&o, C_INITIAL_ON_TIME, y), on_time[c] * at(&o, C_INITIAL, y), 0);
            assert_close(at(&o, C_CORE_ON_TIME, y), on_time[c] * at(&o, C_CORE, y), 0);
        }
        assert_int_equal(log.min_b[0], 5);
        assert_int_equal(log.max_b[0], 5);
        assert_int_equal(log.min_b[1], 40);
        assert_int_equal(log.max_b[1], 40);
        /* every assessment completed is in the trace; all contacts but those of the last 5
         * days of the horizon are through their initial assessment */
        double contacts = at(&o, C_CONTACTS, 0) + at(&o, C_CONTACTS, 1);
        double done = at(&o, C_INITIAL, 0) + at(&o, C_INITIAL, 1);
        assert_close(log.n[0], done, 0);
        assert_close(log.n[1], at(&o, C_CORE, 0) + at(&o, C_CORE, 1), 0);
        assert_true(done <= contacts && done >= contacts - 2000 * 5 / 365.0 - 4 * sqrt(30));
        assert_true(at(&o, C_CONTACTS, 0) > 1800);
        assert_close(at(&o, C_PCT_INITIAL_ON_TIME, 0), 100.0 * on_time[c], 1e-9);
        send_output_free(&o);
    }
}

/* One social worker, 10 days per assessment, far more referrals than she can take: the first
 * referral (at t0 < 5 days, all but certain at 1,000 a year) finishes at t0 + 10, then one
 * every 10 days, so 36 finish in the 365 days of 2019; only the first waited for nobody, so
 * only it is within a 10-day limit. */
static void test_fd_single_worker_hand_computed(void **state)
{
    (void)state;
    send_params p;
    fd_params(&p);
    p.end = ymd(2019, 12, 31);
    p.fd_contacts = 1000;
    p.fd_slots = 1;
    des_dist_constant(&p.fd_initial_time, 10, NULL);
    p.fd_initial_limit = 10;
    send_output o;
    run_one(&p, 7, 0, &o, NULL);
    assert_close(at(&o, C_INITIAL, 0), 36, 0);
    assert_close(at(&o, C_INITIAL_ON_TIME, 0), 1, 0);
    /* everyone else waits: on 1 December most of the year's referrals are still open */
    assert_true(at(&o, M_FD_OPEN, o.n_months - 1) > 700);
    send_output_free(&o);
}

/* The Leeds 2006/07 funnel [domain 7]: 9,076 contacts -> 4,669 initial assessments (76% within
 * 7 working days = 9 days) -> 1,148 core assessments (68% within a further 35 working days =
 * 49 days). With the shares 4,669 / 9,076 and 1,148 / 4,669 and exponential working times
 * whose means give those on-time shares (9 / -ln 0.24 and 49 / -ln 0.32 days), unlimited
 * social workers, a second full year reproduces the funnel within its confidence intervals. */
static void test_fd_leeds_funnel(void **state)
{
    (void)state;
    send_params p;
    fd_params(&p);
    p.fd_contacts = 9076;
    p.fd_p_referral = 4669.0 / 9076;
    p.fd_p_core = 1148.0 / 4669;
    des_dist_exponential(&p.fd_initial_time, 9 / -log(0.24), NULL);
    des_dist_exponential(&p.fd_core_time, 49 / -log(0.32), NULL);
    const int R = 8;
    double ini = 0, core = 0, pi = 0, pc = 0, con = 0;
    for (int r = 0; r < R; r++) {
        send_output o;
        run_one(&p, 8, r, &o, NULL);
        con += at(&o, C_CONTACTS, 1) / R;
        ini += at(&o, C_INITIAL, 1) / R;
        core += at(&o, C_CORE, 1) / R;
        pi += at(&o, C_PCT_INITIAL_ON_TIME, 1) / R;
        pc += at(&o, C_PCT_CORE_ON_TIME, 1) / R;
        send_output_free(&o);
    }
    /* counts are Poisson (thinned): sd sqrt(mean / R) of the mean of R years */
    assert_close(con, 9076, 4 * sqrt(9076.0 / R));
    assert_close(ini, 4669, 4 * sqrt(4669.0 / R));
    assert_close(core, 1148, 4 * sqrt(1148.0 / R));
    assert_close(pi, 76, 400 * sqrt(0.76 * 0.24 / (4669.0 * R)));
    assert_close(pc, 68, 400 * sqrt(0.68 * 0.32 / (1148.0 * R)));
}

/* ---- short breaks -------------------------------------------------------------------------- */

static void test_short_breaks_capacity_and_spend(void **state)
{
    (void)state;
    send_params p;
    bare(&p, 2019, 4, 2021, 3, 31);
    p.sb_on = 1;
    p.sb_initial = 20;
    p.sb_cost = 5200;
    send_steps_const(&p.sb_budget, 60000); /* (L) Aiming High 2008-09 [domain 7] */
    send_output o;
    run_one(&p, 9, 0, &o, NULL);
    /* twenty packages all year, nobody coming or going */
    assert_close(at(&o, F_SB_SPEND, 0), 20 * 5200.0, 0.005);
    assert_close(at(&o, F_SB_BUDGET, 1), 60000, 0);
    assert_close(at(&o, F_SB_BALANCE, 1), 60000 - 20 * 5200.0, 0.005);
    send_output_free(&o);

    p.sb_initial = 0;
    p.sb_requests = 300;
    p.sb_end_rate = 1;
    p.sb_capacity = 150;
    run_one(&p, 9, 1, &o, NULL);
    int waited = 0;
    for (int k = 0; k < o.n_months; k++) {
        assert_true(at(&o, M_SB_PACKAGES, k) <= 150);
        if (at(&o, M_SB_WAITING, k) > 0) {
            assert_close(at(&o, M_SB_PACKAGES, k), 150, 0);
            waited = 1;
        }
    }
    assert_true(waited);
    send_output_free(&o);
}

/* ---- early help ---------------------------------------------------------------------------- */

/* Every case needs a lead professional and no episode ends: the panel sits every 28 days from
 * the start (day 0 to day 364 = 31 December: 14 sittings in 2019, the first before any
 * referral) and hears at most 20 a sitting, so it hears exactly 13 x 20 = 260 in 2019 when far
 * more than that are referred;
 * with 150 lead-professional places the open 2b episodes grow to 150 and stay there. */
/* Early help alone, 2019 to June 2020: every Common Assessment needing a lead professional,
 * the area panel hearing 20 a sitting. */
static void eh_params(send_params *p, double cafs)
{
    bare(p, 2019, 1, 2020, 6, 30);
    p->eh_on = 1;
    p->eh_cafs = cafs;
    p->eh_p_lead = 1;
    p->eh_panel_capacity = 20;
}

static void test_early_help_panel_and_capacity(void **state)
{
    (void)state;
    send_params p;
    eh_params(&p, 2000);
    p.eh_lead_professionals = 150;
    send_output o;
    run_one(&p, 13, 0, &o, NULL);
    assert_close(at(&o, C_EH_HEARD, 0), 13 * 20, 0);
    for (int k = 0; k < o.n_months; k++) {
        assert_true(at(&o, M_EH_2B, k) <= 150);
        assert_close(at(&o, M_EH_2A, k), 0, 0);
    }
    assert_close(at(&o, M_EH_2B, o.n_months - 1), 150, 0);
    /* all referred are open, heard or waiting: CAFs to 1 January 2020 = 2B open + waiting */
    assert_close(at(&o, C_EH_CAFS, 0), at(&o, M_EH_2B, 12) + at(&o, M_EH_WAITING, 12), 0);
    send_output_free(&o);

    /* with no lead professional needed every CAF is a 2a episode at once */
    p.eh_p_lead = 0;
    run_one(&p, 13, 1, &o, NULL);
    assert_close(at(&o, M_EH_2A, 12), at(&o, C_EH_CAFS, 0), 0);
    assert_close(at(&o, C_EH_HEARD, 0), 0, 0);
    send_output_free(&o);
}

/* ---- levels and care tied to the records ---------------------------------------------------- */

/* An opening caseload of 600 plans aged 5-10 (580 mainstream, 20 in level-4 packages) and 60
 * children in care (a quarter residential), every one coming in with a plan while plan holders
 * last (ehcp_share 1), on the levels of levels_params. */
static void records_params(send_params *p)
{
    levels_params(p, 0.03);
    p->initial_band[BAND_5_10] = 600;
    p->initial_prov[PROV_MAINSTREAM] = 580;
    p->initial_prov[PROV_RESIDENTIAL] = 20;
    p->care_on = 1;
    p->care_initial = 60;
    p->care_entries = 20;
    p->care_exit_rate = 0.3;
    p->care_ehcp_share = 1;
    memset(p->care_mix, 0, sizeof p->care_mix);
    p->care_mix[CARE_IN_HOUSE_FOSTER] = 0.75;
    p->care_mix[CARE_RESIDENTIAL] = 0.25;
}

static void test_levels_tied_to_records(void **state)
{
    (void)state;
    send_params p;
    records_params(&p);
    for (int rep = 0; rep < 2; rep++) {
        send_output o;
        run_one(&p, 31, rep, &o, NULL);
        for (int k = 0; k < o.n_months; k++) {
            int idx = o.first_month_index + k;
            double t = (double)(ymd(1970 + idx / 12, idx % 12 + 1, 1) - p.start);
            double want = 0, got = 0;
            for (int a = 0; a < SEND_AGES; a++)
                want += (double)llround(p.population[a] * pow(1.03, t / 365.25));
            for (int l = 0; l < 4; l++) {
                assert_true(at(&o, M_LEVEL + l, k) >= 0);
                got += at(&o, M_LEVEL + l, k);
            }
            /* every child at exactly one level */
            assert_close(got, want, 0);
            /* the records at levels 3-4 are every plan holder and every child in care without
             * a plan: a child in care with a plan counted once */
            double plans = at(&o, M_EHCP_TOTAL, k), care = at(&o, M_CARE, k);
            double care_plan = at(&o, M_CARE_EHCP, k);
            assert_close(at(&o, M_LEVEL_RECORDS, k) + at(&o, M_LEVEL_RECORDS + 1, k),
                         plans + care - care_plan, 0);
            /* every level-4 package is at level 4, and levels hold their records */
            assert_true(at(&o, M_LEVEL_RECORDS + 1, k) >= at(&o, M_LEVEL4_TOTAL, k));
            assert_true(at(&o, M_LEVEL + 2, k) >= at(&o, M_LEVEL_RECORDS, k));
            assert_true(at(&o, M_LEVEL + 3, k) >= at(&o, M_LEVEL_RECORDS + 1, k));
            /* children in care with a plan are plan holders */
            assert_true(care_plan <= plans);
        }
        /* at the start every child in care came in with a plan, so the 20 packages and the
         * plan holders in residential care are at level 4 */
        assert_close(at(&o, M_CARE_EHCP, 0), 60, 0);
        assert_true(at(&o, M_LEVEL_RECORDS + 1, 0) >= 20);
        assert_true(at(&o, M_LEVEL_RECORDS + 1, 0) >= at(&o, M_CARE_TYPE + CARE_RESIDENTIAL, 0));
        assert_true(at(&o, M_CARE_TYPE + CARE_RESIDENTIAL, 0) > 0);
        send_output_free(&o);
    }
    /* without children in care, level 4's records are exactly the level-4 packages, as
     * plan holders go in (crises) and out (step-downs at reviews, ceasing) */
    p.care_on = 0;
    p.crisis_rate = 0.1;
    p.p_review_deescalate = 0.5;
    p.cease_other_rate = 0.2;
    {
        send_output o;
        run_one(&p, 33, 0, &o, NULL);
        double lo = 1e9, hi = 0;
        for (int k = 0; k < o.n_months; k++) {
            double l4 = at(&o, M_LEVEL4_TOTAL, k);
            assert_close(at(&o, M_LEVEL_RECORDS + 1, k), l4, 0);
            assert_close(at(&o, M_LEVEL_RECORDS, k), at(&o, M_EHCP_TOTAL, k) - l4, 0);
            lo = fmin(lo, l4);
            hi = fmax(hi, l4);
        }
        assert_true(hi - lo >= 10); /* the packages did move */
        send_output_free(&o);
    }
    /* the same without the records: levels 3-4 hold none of them */
    p.levels_from_records = 0;
    send_output o;
    run_one(&p, 31, 0, &o, NULL);
    assert_close(at(&o, M_LEVEL_RECORDS, 5) + at(&o, M_LEVEL_RECORDS + 1, 5), 0, 0);
    send_output_free(&o);
}

/* Linked to the records: with no plan holders nobody in care has a plan whatever the share;
 * with plans ceasing (and nobody coming into care) the overlap falls while the children stay
 * in care. */
static void test_care_overlap_is_plan_holders(void **state)
{
    (void)state;
    send_params p;
    records_params(&p);
    p.levels_on = 0;
    p.initial_band[BAND_5_10] = 0;
    p.initial_prov[PROV_MAINSTREAM] = p.initial_prov[PROV_RESIDENTIAL] = 0;
    send_output o;
    run_one(&p, 32, 0, &o, NULL);
    for (int k = 0; k < o.n_months; k++)
        assert_close(at(&o, M_CARE_EHCP, k), 0, 0);
    assert_true(at(&o, M_CARE, 0) == 60);
    send_output_free(&o);

    records_params(&p);
    p.levels_on = 0;
    p.care_entries = 0;
    p.care_exit_rate = 0;
    p.cease_other_rate = 1.0; /* plans cease at 1 a plan-year */
    run_one(&p, 32, 1, &o, NULL);
    assert_close(at(&o, M_CARE_EHCP, 0), 60, 0);
    for (int k = 1; k < o.n_months; k++) {
        assert_close(at(&o, M_CARE, k), 60, 0);
        assert_true(at(&o, M_CARE_EHCP, k) <= at(&o, M_CARE_EHCP, k - 1));
    }
    /* after a year about e^-1 of the plans (and so of the overlap) are left */
    double left = at(&o, M_CARE_EHCP, 12);
    assert_close(left, 60 * exp(-1.0), 4 * sqrt(60 * exp(-1.0) * (1 - exp(-1.0))));
    send_output_free(&o);
}

/* ---- cost inflation ------------------------------------------------------------------------- */

/* Ten children in residential care and twenty short-break packages all year, nobody moving,
 * with costs rising 4% and 3% a year from the second financial year: 2019-20 at the base
 * (366 days), 2020-21 x 1.04 and x 1.03, 2021-22 x 1.04^2 and x 1.03^2. */
static void test_care_and_short_break_inflation_to_the_penny(void **state)
{
    (void)state;
    send_params p;
    care_params(&p);
    p.care_initial = 10;
    memset(p.care_mix, 0, sizeof p.care_mix);
    p.care_mix[CARE_RESIDENTIAL] = 1;
    p.care_weekly[CARE_RESIDENTIAL] = 4100; /* (L) 2019/20 [domain 6] */
    p.care_inflation = 0.04;
    p.sb_on = 1;
    p.sb_initial = 20;
    p.sb_cost = 5200;
    p.sb_inflation = 0.03;
    send_output o;
    run_one(&p, 3, 0, &o, NULL);
    assert_int_equal(o.n_fys, 3);
    assert_close(at(&o, F_CARE_SPEND, 0), 10 * 366 * 4100.0 / 7, 0.005);
    assert_close(at(&o, F_CARE_SPEND, 1), 10 * 365 * 4100.0 / 7 * 1.04, 0.005);
    assert_close(at(&o, F_CARE_SPEND, 2), 10 * 365 * 4100.0 / 7 * 1.04 * 1.04, 0.005);
    assert_close(at(&o, F_SB_SPEND, 0), 20 * 5200.0, 0.005);
    assert_close(at(&o, F_SB_SPEND, 1), 20 * 5200.0 * 1.03, 0.005);
    assert_close(at(&o, F_SB_SPEND, 2), 20 * 5200.0 * 1.03 * 1.03, 0.005);
    send_output_free(&o);
}

/* ---- the short-break panel ------------------------------------------------------------------ */

/* Requests wait for sittings every 14 days from the start, at most 5 heard a sitting: in 2019
 * (days 0-364) it sits on days 14, 28, ..., 364, 26 times, so with far more requests than that
 * it hears 26 x 5 = 130; a package starts only at a sitting. */
static void test_short_break_panel(void **state)
{
    (void)state;
    send_params p;
    bare(&p, 2019, 1, 2020, 6, 30);
    p.sb_on = 1;
    p.sb_requests = 600;
    p.sb_panel_period = 14;
    p.sb_panel_capacity = 5;
    send_output o;
    run_one(&p, 14, 0, &o, NULL);
    assert_close(at(&o, C_SB_HEARD, 0), 26 * 5, 0);
    assert_close(at(&o, C_SB_STARTS, 0), 26 * 5, 0);
    /* nothing ends and places are unlimited: every request heard is running, none waits
     * for a place, and the rest wait for the panel */
    assert_close(at(&o, M_SB_PACKAGES, 12), 26 * 5, 0);
    for (int k = 0; k < o.n_months; k++)
        assert_close(at(&o, M_SB_WAITING, k), 0, 0);
    assert_true(at(&o, M_SB_PANEL_WAITING, 12) > 300);
    send_output_free(&o);

    /* without the panel (cadence 0) every request is heard at once */
    p.sb_panel_period = 0;
    run_one(&p, 14, 0, &o, NULL);
    assert_close(at(&o, C_SB_HEARD, 0), 0, 0);
    assert_true(at(&o, C_SB_STARTS, 0) > 500);
    assert_close(at(&o, M_SB_PANEL_WAITING, 12), 0, 0);
    send_output_free(&o);
}

/* ---- early help's effect on requests, under common random numbers --------------------------- */

static double sum_years(send_output *o, int metric, int from)
{
    double s = 0;
    for (int i = from; i < send_output_periods(o, metric); i++)
        s += at(o, metric, i);
    return s;
}

static void test_early_help_averts_requests(void **state)
{
    (void)state;
    send_params p;
    des_error err = {0};
    if (send_scenario_load("scenarios/leicestershire-services.yaml", &p, NULL, &err) != DES_OK)
        fail_msg("scenario: %s", err.msg);
    p.end = ymd(2028, 12, 31);
    /* without the effect, the early-help capacity lever moves nothing of the EHC pathway */
    p.eh_requests_averted = 0;
    p.eh_lead_professionals = 800;
    send_output a, b;
    run_one(&p, 41, 0, &a, NULL);
    p.eh_lead_professionals = 100;
    run_one(&p, 41, 0, &b, NULL);
    for (int i = 0; i < a.n_years; i++) {
        assert_true(at(&a, C_REQUESTS, i) == at(&b, C_REQUESTS, i));
        assert_true(at(&a, C_NEW_PLANS, i) == at(&b, C_NEW_PLANS, i));
    }
    for (int i = 0; i < a.n_fys; i++)
        assert_true(at(&a, F_SPEND, i) == at(&b, F_SPEND, i));
    send_output_free(&a);
    send_output_free(&b);
    /* with it: each 2b case open averts requests; more lead professionals, fewer requests,
     * plans and spend, by about the requests averted (the same seeds: common random numbers) */
    p.eh_requests_averted = 0.5;
    double dreq = 0, dplans = 0, dspend = 0, averted = 0;
    for (int rep = 0; rep < 2; rep++) {
        p.eh_lead_professionals = 800;
        run_one(&p, 42, rep, &a, NULL);
        p.eh_lead_professionals = 100;
        run_one(&p, 42, rep, &b, NULL);
        dreq += sum_years(&b, C_REQUESTS, 1) - sum_years(&a, C_REQUESTS, 1);
        dplans += sum_years(&b, C_NEW_PLANS, 1) - sum_years(&a, C_NEW_PLANS, 1);
        dspend += at(&b, F_SPEND, a.n_fys - 1) - at(&a, F_SPEND, a.n_fys - 1);
        /* requests averted a year = 0.5 x the extra 2b cases open, month by month */
        for (int k = 12; k < a.n_months - 1; k++)
            averted += 0.5 * (at(&a, M_EH_2B, k) - at(&b, M_EH_2B, k)) / 12;
        send_output_free(&a);
        send_output_free(&b);
    }
    print_message("early help: %.0f fewer requests, %.0f fewer plans, %.0f less spend in the "
                  "last year, %.0f averted expected\n", dreq, dplans, dspend, averted);
    assert_true(averted > 200);
    assert_true(dreq > 0 && dplans > 0 && dspend > 0);
    assert_close(dreq, averted, 0.25 * averted);
    send_params_free(&p);
}

/* The area panels, one per area: with three areas each panel hears up to its capacity a
 * sitting, so three panels hear 3 x 13 x 20 = 780 in 2019 when far more are referred; and one
 * area with nine tenths of the cases keeps most of them waiting. */
static void test_early_help_area_panels(void **state)
{
    (void)state;
    send_params p;
    eh_params(&p, 4000);
    p.eh_panel_per_area = 1;
    p.n_areas = 3;
    for (int a = 0; a < 3; a++) {
        snprintf(p.areas[a].name, sizeof p.areas[a].name, "area%d", a);
        p.areas[a].share = 1.0 / 3;
    }
    send_output o;
    run_one(&p, 15, 0, &o, NULL);
    assert_close(at(&o, C_EH_HEARD, 0), 3 * 13 * 20, 0);
    assert_close(at(&o, C_EH_CAFS, 0), at(&o, M_EH_2B, 12) + at(&o, M_EH_WAITING, 12), 0);
    send_output_free(&o);

    /* one panel for all: a third of that */
    p.eh_panel_per_area = 0;
    run_one(&p, 15, 0, &o, NULL);
    assert_close(at(&o, C_EH_HEARD, 0), 13 * 20, 0);
    send_output_free(&o);

    /* per area, with the cases arriving slower than three panels hear but mostly in one area:
     * 900 a year in area 0 against its 260, so the panels hear 260 + about 100 (Poisson) */
    p.eh_panel_per_area = 1;
    p.eh_cafs = 1000;
    p.areas[0].share = 0.9;
    p.areas[1].share = p.areas[2].share = 0.05;
    run_one(&p, 15, 1, &o, NULL);
    assert_close(at(&o, C_EH_HEARD, 0), 260 + 100, 4 * sqrt(100) + 1);
    send_output_free(&o);
}

/* ---- short-break hours, eligibility from levels 3-4, children in need ---------------------- */

/* Twenty packages running all of 2019 and 2020 (nobody coming or going), 120 hours a
 * package-year: 20 x 120 = 2,400 hours in each calendar year, the leap year too; from 1 April
 * the first year holds 275 of its 365 days. */
static void test_short_break_hours_by_hand(void **state)
{
    (void)state;
    send_params p;
    bare(&p, 2019, 1, 2020, 12, 31);
    p.sb_on = 1;
    p.sb_initial = 20;
    p.sb_hours = 120;
    send_output o;
    run_one(&p, 5, 0, &o, NULL);
    assert_int_equal(o.n_years, 2);
    assert_close(at(&o, C_SB_HOURS, 0), 2400, 1e-6);
    assert_close(at(&o, C_SB_HOURS, 1), 2400, 1e-6);
    send_output_free(&o);
    p.start = p.ei_from = p.indep_reduction_from = p.edge_from = ymd(2019, 4, 1);
    run_one(&p, 5, 0, &o, NULL);
    assert_close(at(&o, C_SB_HOURS, 0), 20 * 120 * 275 / 365.0, 1e-6);
    assert_close(at(&o, C_SB_HOURS, 1), 2400, 1e-6);
    send_output_free(&o);
    /* without hours a year, none */
    p.sb_hours = 0;
    run_one(&p, 5, 0, &o, NULL);
    assert_close(at(&o, C_SB_HOURS, 0), 0, 0);
    send_output_free(&o);
}

/* Requests expected over the horizon at the rate per 1,000 disabled children at levels 3-4:
 * month k runs at the rate of its first day's level 3 and 4 counts (the snapshot), over the
 * month's days. */
static double sb_expected(const send_params *p, send_output *o)
{
    double e = 0;
    for (int k = 0; k < o->n_months; k++) {
        int idx = o->first_month_index + k, idx1 = idx + 1;
        double days = (double)(ymd(1970 + idx1 / 12, idx1 % 12 + 1, 1) -
                               ymd(1970 + idx / 12, idx % 12 + 1, 1));
        double l34 = at(o, M_LEVEL + 2, k) + at(o, M_LEVEL + 3, k);
        e += p->sb_per_1000 / 1000 * p->sb_disabled_share * l34 * days / 365.25;
    }
    return e;
}

/* With levels on, requests follow the children at levels 3-4: with every request heard at
 * once, places unlimited and nothing ending, the packages started are the requests, each run
 * within 4 Poisson sd of its expectation from its own level counts; under common random
 * numbers, doubling the population doubles (about) the children at levels 3-4 and the
 * requests in proportion: the ratio of requests within 4 sd of the ratio of the expectations
 * (sd of a ratio of Poisson counts: ratio x sqrt(1/n1 + 1/n2)). With levels off the fixed
 * short_breaks.requests stays. */
static void test_short_break_requests_follow_levels(void **state)
{
    (void)state;
    send_params p;
    levels_params(&p, 0.03);
    p.sb_on = 1;
    p.sb_requests = 100; /* ignored while the rate per 1,000 is in force */
    p.sb_per_1000 = 500;
    p.sb_disabled_share = 0.4;
    double n[2], e[2];
    for (int v = 0; v < 2; v++) {
        if (v)
            for (int a = 0; a < SEND_AGES; a++)
                p.population[a] *= 2;
        send_output o;
        run_one(&p, 41, 0, &o, NULL);
        n[v] = sum_years(&o, C_SB_STARTS, 0);
        e[v] = sb_expected(&p, &o);
        assert_close(n[v], e[v], 4 * sqrt(e[v]));
        send_output_free(&o);
    }
    assert_true(e[1] > 1.8 * e[0]); /* the children at levels 3-4 did about double */
    double ratio = e[1] / e[0];
    assert_close(n[1] / n[0], ratio, 4 * ratio * sqrt(1 / e[0] + 1 / e[1]));
    /* levels off: the fixed rate, 100 a year over 4 years */
    p.levels_on = 0;
    send_output o;
    run_one(&p, 41, 0, &o, NULL);
    assert_close(sum_years(&o, C_SB_STARTS, 0), 400, 4 * sqrt(400));
    send_output_free(&o);
}

/* A front-door funnel for the children-in-need tests: half the contacts referred, every
 * referral assessed with no core assessment, 40% to child in need, cp to child protection,
 * none into care. */
static void cin_funnel(send_params *p, double cp)
{
    p->fd_p_referral = 0.5;
    p->fd_p_assess = 1;
    p->fd_p_core = 0;
    p->fd_p_cin = 0.4;
    p->fd_p_cp = cp;
    p->fd_p_care = 0;
}

/* Children in need as a stock: without closures it is the initial cases plus every
 * child-in-need outcome so far, exactly; with closures at 0.5 a case-year and no front-door
 * flow, 1,000 initial cases fall to 1000 exp(-0.5 t) within 4 binomial sd. */
static void test_children_in_need_stock(void **state)
{
    (void)state;
    send_params p;
    fd_params(&p);
    cin_funnel(&p, 0.1);
    p.cin_initial = 250;
    send_output o;
    run_one(&p, 7, 0, &o, NULL);
    assert_close(at(&o, M_CIN, 0), 250, 0);
    assert_close(at(&o, M_CIN, 12), 250 + at(&o, C_CIN_STARTS, 0), 0); /* 1 January 2020 */
    assert_true(at(&o, C_CIN_STARTS, 0) > 0);
    send_output_free(&o);

    p.fd_contacts = 0;
    p.cin_initial = 1000;
    p.cin_close_rate = 0.5;
    run_one(&p, 7, 0, &o, NULL);
    for (int k = 0; k < o.n_months; k++) {
        int idx = o.first_month_index + k;
        double t = (double)(ymd(1970 + idx / 12, idx % 12 + 1, 1) - p.start) / 365.25;
        double q = exp(-0.5 * t);
        assert_close(at(&o, M_CIN, k), 1000 * q, 4 * sqrt(1000 * q * (1 - q)) + 1e-9);
    }
    assert_true(at(&o, M_CIN, 12) < 700);
    send_output_free(&o);
}

/* With levels tied to the records and the front door on, its children in need are at level 3
 * beside the plan holders and children in care, each counted once, and every child is still
 * at exactly one level. */
static void test_children_in_need_at_level_3(void **state)
{
    (void)state;
    send_params p;
    records_params(&p);
    p.fd_on = 1;
    p.fd_contacts = 3000;
    cin_funnel(&p, 0);
    p.cin_initial = 300;
    p.cin_close_rate = 0.8;
    send_output o;
    run_one(&p, 43, 0, &o, NULL);
    for (int k = 0; k < o.n_months; k++) {
        int idx = o.first_month_index + k;
        double t = (double)(ymd(1970 + idx / 12, idx % 12 + 1, 1) - p.start);
        double want = 0, got = 0;
        for (int a = 0; a < SEND_AGES; a++)
            want += (double)llround(p.population[a] * pow(1.03, t / 365.25));
        for (int l = 0; l < 4; l++) {
            assert_true(at(&o, M_LEVEL + l, k) >= 0);
            got += at(&o, M_LEVEL + l, k);
        }
        assert_close(got, want, 0);
        double plans = at(&o, M_EHCP_TOTAL, k), care = at(&o, M_CARE, k);
        double recs = plans + care - at(&o, M_CARE_EHCP, k) + at(&o, M_CIN, k);
        assert_close(at(&o, M_LEVEL_RECORDS, k) + at(&o, M_LEVEL_RECORDS + 1, k), recs, 0);
        assert_true(at(&o, M_LEVEL + 2, k) >= at(&o, M_LEVEL_RECORDS, k));
    }
    assert_close(at(&o, M_CIN, 0), 300, 0);
    assert_true(at(&o, M_CIN, 24) > 300); /* about 600 starts a year against 0.8 closing */
    send_output_free(&o);
}

/* ---- off, checks, determinism -------------------------------------------------------------- */

static void test_off_writes_nothing(void **state)
{
    (void)state;
    send_params p;
    bare(&p, 2019, 1, 2020, 12, 31);
    for (int a = 0; a < SEND_AGES; a++)
        p.population[a] = 1000;
    p.level_share[0] = 0.3;
    p.care_initial = 100;
    p.fd_contacts = 1000;
    p.sb_initial = 10;
    p.eh_cafs = 100;
    send_output o;
    run_one(&p, 10, 0, &o, NULL);
    for (int m = M_LEVEL; m < SEND_METRIC_COUNT; m++)
        for (int i = 0; i < send_output_periods(&o, m); i++)
            if (m != C_PCT_INITIAL_ON_TIME && m != C_PCT_CORE_ON_TIME)
                assert_close(at(&o, m, i), 0, 0);
            else
                assert_true(isnan(at(&o, m, i)));
    send_output_free(&o);
}

static void test_checks(void **state)
{
    (void)state;
    send_params p;
    des_error err = {0};
    send_params_init(&p);
    p.fd_p_cin = 0.6;
    p.fd_p_cp = 0.3;
    p.fd_p_care = 0.2;
    assert_int_equal(send_params_check(&p, &err), DES_EINVAL);
    assert_string_equal(err.msg, "'front_door' outcome shares (child_in_need, child_protection, "
                                 "care) must sum to at most 1, got 1.1");
    send_params_init(&p);
    p.level_share[0] = 0.9;
    p.level_share[1] = 0.2;
    assert_int_equal(send_params_check(&p, &err), DES_EINVAL);
    assert_string_equal(err.msg,
                        "'levels.share' shares of levels 2-4 must sum to at most 1, got 1.1");
    send_params_init(&p);
    p.care_mix[CARE_KINSHIP] = 0.5;
    assert_int_equal(send_params_check(&p, &err), DES_EINVAL);
    assert_string_equal(err.msg, "'care.placement_mix' shares must sum to 1, got 1.5");
}

static void test_determinism_and_scenario(void **state)
{
    (void)state;
    send_params p;
    des_error err = {0};
    if (send_scenario_load("scenarios/leicestershire-services.yaml", &p, NULL, &err) != DES_OK)
        fail_msg("scenario: %s", err.msg);
    p.end = ymd(2027, 12, 31);
    assert_true(p.levels_on && p.care_on && p.fd_on && p.sb_on && p.eh_on);
    send_output a, b;
    assert_int_equal(send_output_init(&a, &p, &err), DES_OK);
    assert_int_equal(send_output_init(&b, &p, &err), DES_OK);
    send_model *m = send_model_create(&p, &err);
    assert_non_null(m);
    uint32_t s1[SEND_STREAMS], s2[SEND_STREAMS];
    seeds_for(21, 0, s1);
    seeds_for(21, 1, s2);
    assert_int_equal(send_model_run(m, s1, &a, &err), DES_OK);
    assert_int_equal(send_model_run(m, s2, &b, &err), DES_OK); /* another replication between */
    assert_int_equal(send_model_run(m, s1, &b, &err), DES_OK);
    size_t n = (size_t)SEND_METRIC_COUNT * (size_t)a.row_len;
    for (size_t i = 0; i < n; i++)
        if (!(isnan(a.values[i]) && isnan(b.values[i])))
            assert_true(a.values[i] == b.values[i]);
    /* the scenario's services are running */
    assert_true(at(&a, M_CARE, 0) == 582);
    assert_true(at(&a, C_INITIAL, 1) > 4500);
    assert_true(at(&a, M_SB_PACKAGES, 0) == 400);
    send_model_destroy(m);
    send_output_free(&a);
    send_output_free(&b);
    send_params_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels_every_child_at_one_level),
        cmocka_unit_test(test_levels_flows_balance),
        cmocka_unit_test(test_care_spend_to_the_penny),
        cmocka_unit_test(test_care_moves_keep_spend),
        cmocka_unit_test(test_care_stock_and_overlap),
        cmocka_unit_test(test_fd_time_limits_hand_computed),
        cmocka_unit_test(test_fd_single_worker_hand_computed),
        cmocka_unit_test(test_fd_leeds_funnel),
        cmocka_unit_test(test_short_breaks_capacity_and_spend),
        cmocka_unit_test(test_early_help_panel_and_capacity),
        cmocka_unit_test(test_off_writes_nothing),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_determinism_and_scenario),
        cmocka_unit_test(test_levels_tied_to_records),
        cmocka_unit_test(test_care_overlap_is_plan_holders),
        cmocka_unit_test(test_care_and_short_break_inflation_to_the_penny),
        cmocka_unit_test(test_short_break_panel),
        cmocka_unit_test(test_short_break_hours_by_hand),
        cmocka_unit_test(test_short_break_requests_follow_levels),
        cmocka_unit_test(test_children_in_need_stock),
        cmocka_unit_test(test_children_in_need_at_level_3),
        cmocka_unit_test(test_early_help_averts_requests),
        cmocka_unit_test(test_early_help_area_panels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
