/* test_levers.c - each lever moves what it should and nothing it should not, under common
 * random numbers.
 *
 * Every test runs the shipped baseline and the shipped scenario of one lever (or the baseline
 * with the lever set by hand) with the same seeds, replication by replication, over a
 * shortened horizon. Two kinds of check:
 *
 * - nothing moves before the lever starts: a lever changes no random draw before its start
 *   date, so every metric of every period that ends by that date (months whose snapshot is at
 *   or before it; calendar and financial years ending before it), the opening caseload and
 *   the yearly histograms are identical to the baseline's, bit for bit; quantities the lever
 *   has nothing to do with (grant, capacity) are identical over the whole horizon, and a
 *   placement lever leaves everything upstream of placement (SEN Support, requests,
 *   decisions, new and ceased plans) identical too;
 * - it moves what it should: exactly where the model makes the effect certain (early
 *   intervention of 100% stops every request from SEN Support from its start date; a request
 *   shock of 0 stops every request inside its window; a 100% independent reduction stops
 *   overflow to independent schools; new places add exactly their count to capacity; panel
 *   decisions fall on the lever's sittings), and on the mean over replications otherwise
 *   (requests, independent placements, EP queue, refusal share), with margins far outside the
 *   replication noise of the shortened baseline.
 *
 * The levers are those the shipped scenario files exercise: levers.early_intervention,
 * levers.independent_reduction, new_places, assessment.ep.fte, d1_panel/d2_panel cadence and
 * capacity, d1_panel.refusal steps and requests.shocks; and assessment.response.backlog_months,
 * whose shipped scenario extends the structural check of timeliness instead of the baseline.
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

#define REPS 4
#define END_YEAR 2029  /* the shipped baseline starts in January 2026 */
#define MASTER_SEED 20261206

static des_date ymd(int y, int m, int d) { return des_date_from_ymd(y, m, d); }

/* A scenario file, shortened to END_YEAR. */
static void load(const char *path, send_params *p)
{
    des_error err = {0};
    if (send_scenario_load(path, p, NULL, &err) != DES_OK)
        fail_msg("%s: %s", path, err.msg);
    p->end = ymd(END_YEAR, 12, 31);
}

/* Optional trace: the times of one kind of step (with a given `a`, or any if a_want < 0). */
typedef struct trace_log {
    send_trace_kind kind;
    int a_want;
    double *t;
    size_t n, cap;
} trace_log;

static void log_step(void *ctx, double t, uint32_t child, send_trace_kind kind, int a, int b)
{
    (void)child;
    (void)b;
    trace_log *l = ctx;
    if (kind != l->kind || (l->a_want >= 0 && a != l->a_want))
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->t = realloc(l->t, l->cap * sizeof *l->t);
        assert_non_null(l->t);
    }
    l->t[l->n++] = t;
}

/* REPS replications of p, seeds from MASTER_SEED (the same for every scenario: common random
 * numbers); outputs in o[0..REPS-1] (caller frees them); the last replication's diagnostics
 * in *diag if asked. */
static void run_reps_diag(const send_params *p, send_output *o, trace_log *log,
                          send_model_diag *diag)
{
    des_error err = {0};
    uint32_t seeds[REPS * SEND_STREAMS];
    assert_int_equal(des_rng_seed_table(MASTER_SEED, REPS, SEND_STREAMS, seeds, NULL), DES_OK);
    send_model *m = send_model_create(p, &err);
    if (!m)
        fail_msg("model: %s", err.msg);
    if (log)
        send_model_set_trace(m, log_step, log);
    for (int r = 0; r < REPS; r++) {
        assert_int_equal(send_output_init(&o[r], p, &err), DES_OK);
        if (send_model_run(m, seeds + r * SEND_STREAMS, &o[r], &err) != DES_OK)
            fail_msg("run: %s", err.msg);
    }
    if (diag)
        send_model_get_diag(m, diag);
    send_model_destroy(m);
}

static void run_reps(const send_params *p, send_output *o, trace_log *log)
{
    run_reps_diag(p, o, log, NULL);
}

static void free_reps(send_output *o)
{
    for (int r = 0; r < REPS; r++)
        send_output_free(&o[r]);
}

static int same(double x, double y) { return x == y || (isnan(x) && isnan(y)); }

/* Whether period i of `metric` is over by day d (its value then cannot depend on anything from
 * d on): a month's snapshot is taken at 00:00 of its first day, before any change that day;
 * a calendar or financial year is over when the next one starts by d. */
static int period_over_by(const send_output *o, int metric, int i, des_date d)
{
    if (send_metric(metric)->kind == SEND_MONTHLY)
        return send_output_period_start(o, metric, i) <= d;
    return send_output_period_start(o, metric, i + 1) <= d;
}

/* Every value of a and b over by day d is identical, as are the opening counts and the
 * yearly histograms of years over by d; returns how many values were compared. */
static int assert_same_before(const send_output *a, const send_output *b, des_date d)
{
    int compared = 0;
    assert_int_equal(a->plans_open, b->plans_open);
    assert_int_equal(a->sen_open, b->sen_open);
    for (int k = 0; k < SEND_METRIC_COUNT; k++) {
        int n = send_output_periods(a, k);
        const double *ra = a->values + (size_t)k * (size_t)a->row_len;
        const double *rb = b->values + (size_t)k * (size_t)b->row_len;
        for (int i = 0; i < n; i++) {
            if (!period_over_by(a, k, i, d))
                continue;
            if (!same(ra[i], rb[i]))
                fail_msg("%s period %d differs before the lever starts: %.17g vs %.17g",
                         send_metric(k)->name, i, ra[i], rb[i]);
            compared++;
        }
    }
    for (int y = 0; y < a->n_years; y++)
        if (ymd(a->first_year + y + 1, 1, 1) <= d)
            assert_memory_equal(a->weeks_hist + (size_t)y * SEND_WEEKS_BINS,
                                b->weeks_hist + (size_t)y * SEND_WEEKS_BINS,
                                SEND_WEEKS_BINS * sizeof *a->weeks_hist);
    return compared;
}

/* Every period of `metric` identical in a and b. */
static void assert_same_metric(const send_output *a, const send_output *b, int metric)
{
    int n = send_output_periods(a, metric);
    const double *ra = a->values + (size_t)metric * (size_t)a->row_len;
    const double *rb = b->values + (size_t)metric * (size_t)b->row_len;
    for (int i = 0; i < n; i++)
        if (!same(ra[i], rb[i]))
            fail_msg("%s period %d moved: %.17g vs %.17g", send_metric(metric)->name, i, ra[i],
                     rb[i]);
}

/* Everything upstream of placement identical: a placement lever draws only from the
 * placement streams and changes no child's way to or out of a plan, so SEN Support, requests,
 * decisions, assessments, new and ceased plans and the caseload are the baseline's. */
static void assert_same_upstream(const send_output *a, const send_output *b)
{
    static const int upstream[] = {M_SEN_SUPPORT, M_ASSESSMENT_QUEUE, M_EP_QUEUE, M_EHCP_TOTAL,
                                   C_REQUESTS, C_REFUSED, C_ASSESSMENTS, C_NEW_PLANS, C_CEASED,
                                   C_MEAN_WEEKS, F_SPEND_ASSESS};
    for (size_t i = 0; i < sizeof upstream / sizeof upstream[0]; i++)
        assert_same_metric(a, b, upstream[i]);
    assert_int_equal(a->plans_new, b->plans_new);
    assert_int_equal(a->plans_close, b->plans_close);
    assert_int_equal(a->sen_close, b->sen_close);
}

static double value(const send_output *o, int metric, int i)
{
    return o->values[(size_t)metric * (size_t)o->row_len + (size_t)i];
}

/* Mean over replications of the sum of a CY metric over calendar years y0..y1. */
static double mean_cy(const send_output *o, int metric, int y0, int y1)
{
    double s = 0;
    for (int r = 0; r < REPS; r++)
        for (int y = y0; y <= y1; y++)
            s += value(&o[r], metric, y - o[r].first_year);
    return s / REPS;
}

/* Mean over replications and over the months from (y, mo) to the end of a monthly metric. */
static double mean_months_from(const send_output *o, int metric, int y, int mo)
{
    double s = 0;
    int n = 0;
    for (int r = 0; r < REPS; r++) {
        int i0 = des_date_month_index(ymd(y, mo, 1)) - o[r].first_month_index;
        for (int i = i0; i < o[r].n_months; i++, n++)
            s += value(&o[r], metric, i);
    }
    return n ? s / n : NAN;
}

/* The mean over replications and the months [from, to) of a monthly metric. */
static double mean_months_between(const send_output *o, int metric, des_date from, des_date to)
{
    double s = 0;
    int n = 0;
    for (int r = 0; r < REPS; r++) {
        int i0 = des_date_month_index(from) - o[r].first_month_index;
        int i1 = des_date_month_index(to) - o[r].first_month_index;
        for (int i = i0 < 0 ? 0 : i0; i < i1 && i < o[r].n_months; i++, n++)
            s += value(&o[r], metric, i);
    }
    return n ? s / n : NAN;
}

static double t_of(const send_params *p, des_date d) { return (double)(d - p->start); }

/* ---- a lever against the baseline ------------------------------------------------------- */

/* The baseline and a lever's scenario (or the baseline, to be changed by hand), and their
 * replications under the same seeds. Large: allocated. */
typedef struct pair {
    send_params base, lev;
    send_output ob[REPS], ol[REPS];
} pair;

static pair *pair_load(const char *lev_path)
{
    pair *x = calloc(1, sizeof *x);
    assert_non_null(x);
    load("scenarios/baseline.yaml", &x->base);
    load(lev_path, &x->lev);
    return x;
}

/* Run both; then every period over by day `from` is identical replication by replication,
 * and the grant, which no lever touches, throughout. */
static void pair_run(pair *x, des_date from)
{
    run_reps(&x->base, x->ob, NULL);
    run_reps(&x->lev, x->ol, NULL);
    for (int r = 0; r < REPS; r++) {
        if (from > x->base.start)
            assert_true(assert_same_before(&x->ob[r], &x->ol[r], from) > 100);
        assert_same_metric(&x->ob[r], &x->ol[r], F_INCOME);
    }
}

static void pair_free_runs(pair *x)
{
    free_reps(x->ob);
    free_reps(x->ol);
}

static void pair_free(pair *x)
{
    pair_free_runs(x);
    send_params_free(&x->base);
    send_params_free(&x->lev);
    free(x);
}

/* ---- levers.early_intervention ------------------------------------------------------------ */

static void test_early_intervention(void **state)
{
    (void)state;
    pair *x = pair_load("scenarios/early-intervention.yaml");
    send_params *lev = &x->lev;
    assert_true(lev->ei_active && !x->base.ei_active);
    int y_from, mo_from, d_from;
    des_date_to_ymd(lev->ei_from, &y_from, &mo_from, &d_from);
    assert_true(y_from < END_YEAR);
    pair_run(x, lev->ei_from);
    for (int r = 0; r < REPS; r++) {
        const send_output *ob = &x->ob[r], *ol = &x->ol[r];
        for (int q = 0; q < PROV_COUNT; q++)
            assert_same_metric(ob, ol, M_CAPACITY + q);
        /* the lever's spend: none in the baseline, none before the start, some after */
        for (int f = 0; f < ob->n_fys; f++) {
            assert_true(value(ob, F_SPEND_EI, f) == 0);
            if (ymd(ol->first_fy + f + 1, 4, 1) <= lev->ei_from)
                assert_true(value(ol, F_SPEND_EI, f) == 0);
            if (ymd(ol->first_fy + f, 4, 1) >= lev->ei_from)
                assert_true(value(ol, F_SPEND_EI, f) > 0);
        }
    }
    /* fewer requests in the years after the start: a 15% lower hazard at SEN Support */
    double rb = mean_cy(x->ob, C_REQUESTS, y_from + 1, END_YEAR);
    double rl = mean_cy(x->ol, C_REQUESTS, y_from + 1, END_YEAR);
    assert_true(rb > 100);
    if (!(rl < 0.95 * rb))
        fail_msg("requests after the start: %.1f with the lever, %.1f without", rl, rb);
    pair_free_runs(x);

    /* at 100%, no request comes from SEN Support from the start date on (direct ones still
     * do), and none is lost before it */
    lev->ei_effect = 1.0;
    trace_log from_sen = {.kind = TR_REQUEST, .a_want = 0}, direct = {.kind = TR_REQUEST, .a_want = 1};
    run_reps(lev, x->ol, &from_sen);
    free_reps(x->ol);
    run_reps(lev, x->ol, &direct);
    double t0 = t_of(lev, lev->ei_from);
    size_t before = 0, direct_after = 0;
    for (size_t i = 0; i < from_sen.n; i++) {
        if (from_sen.t[i] >= t0)
            fail_msg("a request from SEN Support at day %.2f, after the start (day %.0f)",
                     from_sen.t[i], t0);
        before++;
    }
    for (size_t i = 0; i < direct.n; i++)
        direct_after += direct.t[i] >= t0;
    assert_true(before > 100);
    assert_true(direct_after > 10);
    free_reps(x->ol);
    memset(x->ol, 0, sizeof x->ol);
    free(from_sen.t);
    free(direct.t);
    pair_free(x);
}

/* ---- levers.independent_reduction --------------------------------------------------------- */

static void test_independent_reduction(void **state)
{
    (void)state;
    pair *x = pair_load("scenarios/independent-reduction.yaml");
    send_params *base = &x->base, *lev = &x->lev;
    assert_true(lev->indep_reduction > 0 && base->indep_reduction <= 0);
    int y_from, mo_from, d_from;
    des_date_to_ymd(lev->indep_reduction_from, &y_from, &mo_from, &d_from);
    /* the lever's second wait applies to waiters bought independent places; init's scenarios
     * keep waiters in mainstream (guide, "The placement mix"), so both overflow to independent */
    base->overflow_provision = lev->overflow_provision = PROV_INDEPENDENT;
    pair_run(x, lev->indep_reduction_from);
    for (int r = 0; r < REPS; r++)
        assert_same_upstream(&x->ob[r], &x->ol[r]);
    free_reps(x->ol);

    /* at 100% a year, no child overflows to an independent school after the start (each wait
     * limit starts another wait), and fewer are in independent schools at the end */
    lev->indep_reduction = 1.0;
    run_reps(lev, x->ol, NULL);
    assert_true(mean_cy(x->ob, C_OVERFLOW, y_from + 1, END_YEAR) > 0);
    assert_true(mean_cy(x->ol, C_OVERFLOW, y_from + 1, END_YEAR) == 0);
    double ib = mean_months_from(x->ob, M_PLACEMENTS + PROV_INDEPENDENT, END_YEAR, 12);
    double il = mean_months_from(x->ol, M_PLACEMENTS + PROV_INDEPENDENT, END_YEAR, 12);
    if (!(il < 0.9 * ib))
        fail_msg("independent places at the end: %.1f with the lever, %.1f without", il, ib);
    pair_free_runs(x);

    /* without overflow (no wait limit), the lever acts through the choice of provision for
     * new plans alone: still fewer in independent schools */
    base->max_wait_days = lev->max_wait_days = 0;
    pair_run(x, lev->indep_reduction_from);
    ib = mean_months_from(x->ob, M_PLACEMENTS + PROV_INDEPENDENT, END_YEAR, 12);
    il = mean_months_from(x->ol, M_PLACEMENTS + PROV_INDEPENDENT, END_YEAR, 12);
    if (!(il < 0.9 * ib))
        fail_msg("independent places without overflow: %.1f with the lever, %.1f without", il,
                 ib);
    pair_free(x);
}

/* ---- new_places --------------------------------------------------------------------------- */

static void test_new_places(void **state)
{
    (void)state;
    pair *x = pair_load("scenarios/baseline.yaml");
    /* 80 special places from 1 September 2026, no slippage */
    des_date opens = ymd(2026, 9, 1);
    send_build *b = &x->lev.builds[x->lev.n_builds++];
    *b = (send_build){.provision = PROV_SPECIAL, .area = -1, .need = -1, .count = 80,
                      .opens = opens};
    des_error err = {0};
    if (send_params_check(&x->lev, &err) != DES_OK)
        fail_msg("check: %s", err.msg);
    pair_run(x, opens);
    for (int r = 0; r < REPS; r++) {
        const send_output *ob = &x->ob[r], *ol = &x->ol[r];
        assert_same_upstream(ob, ol);
        for (int i = 0; i < ob->n_months; i++) {
            double extra = send_output_period_start(ob, M_CAPACITY, i) > opens ? 80 : 0;
            assert_true(value(ol, M_CAPACITY + PROV_SPECIAL, i) ==
                        value(ob, M_CAPACITY + PROV_SPECIAL, i) + extra);
            for (int q = 0; q < PROV_COUNT; q++)
                if (q != PROV_SPECIAL)
                    assert_true(value(ol, M_CAPACITY + q, i) == value(ob, M_CAPACITY + q, i));
        }
    }
    /* more children in special schools afterwards; fewer waiting for one in the school year
     * the places open (from 2027 on the baseline's list averages about the same with or
     * without them: it refills, waiters leaving it after placement.max_wait either way) */
    double sb = mean_months_from(x->ob, M_PLACEMENTS + PROV_SPECIAL, 2027, 1);
    double sl = mean_months_from(x->ol, M_PLACEMENTS + PROV_SPECIAL, 2027, 1);
    double wb = mean_months_between(x->ob, M_WAITING + PROV_SPECIAL, ymd(2026, 10, 1), ymd(2027, 9, 1));
    double wl = mean_months_between(x->ol, M_WAITING + PROV_SPECIAL, ymd(2026, 10, 1), ymd(2027, 9, 1));
    if (!(sl > sb + 20) || !(wl < wb))
        fail_msg("special: %.1f placed, %.1f waiting with the places; %.1f, %.1f without", sl,
                 wl, sb, wb);
    pair_free(x);
}

/* ---- assessment.ep.fte -------------------------------------------------------------------- */

static void test_ep_capacity(void **state)
{
    (void)state;
    pair *x = pair_load("scenarios/ep-capacity.yaml");
    pair_run(x, x->base.start); /* from the start: nothing before to compare */
    double qb = mean_months_from(x->ob, M_EP_QUEUE, 2026, 2);
    double ql = mean_months_from(x->ol, M_EP_QUEUE, 2026, 2);
    double wb = 0, wl = 0;
    for (int r = 0; r < REPS; r++) {
        const send_output *ob = &x->ob[r], *ol = &x->ol[r];
        /* the opening caseload and everything that does not pass through the EP stage */
        assert_int_equal(ob->plans_open, ol->plans_open);
        assert_int_equal(ob->sen_open, ol->sen_open);
        for (int q = 0; q < PROV_COUNT; q++)
            assert_same_metric(ob, ol, M_CAPACITY + q);
        for (int y = 1; y < ob->n_years; y++) {
            wb += value(ob, C_MEAN_WEEKS, y) / REPS;
            wl += value(ol, C_MEAN_WEEKS, y) / REPS;
        }
    }
    /* the 2026 baseline's EPs are rarely a bottleneck (a queue of a few cases), so the weeks
     * to issue may only not grow, beyond the noise of draws taken in another order */
    if (!(ql < 0.8 * qb) || !(wl < 1.01 * wb))
        fail_msg("EP queue %.1f, weeks %.1f with 1.5x EP; %.1f, %.1f without", ql, wl, qb, wb);
    pair_free_runs(x);

    /* a step: the baseline's FTE doubled from its last date inside the horizon. Nothing moves
     * before that date, and the EP slots at the end are twice the baseline's (within
     * rounding) */
    send_params_free(&x->lev);
    load("scenarios/baseline.yaml", &x->lev);
    send_steps *fte = &x->lev.ep_fte;
    int k = fte->n - 1;
    while (k > 0 && fte->from[k] > x->lev.end)
        k--;
    des_date step = fte->from[k];
    assert_true(step > x->lev.start && step < x->lev.end);
    for (int i = k; i < fte->n; i++)
        fte->value[i] *= 2;
    send_model_diag db, dl;
    run_reps_diag(&x->base, x->ob, NULL, &db);
    run_reps_diag(&x->lev, x->ol, NULL, &dl);
    for (int r = 0; r < REPS; r++)
        assert_true(assert_same_before(&x->ob[r], &x->ol[r], step) > 100);
    if (!(abs(dl.ep_servers - 2 * db.ep_servers) <= 1) || db.ep_servers < 5)
        fail_msg("EP slots at the end: %d with the FTE doubled, %d without", dl.ep_servers,
                 db.ep_servers);
    pair_free(x);
}

/* ---- assessment.response.backlog_months ------------------------------------------------- */

/* The shipped counterfactual against its parent, the structural check (both to 2024, their
 * own horizon): the backlog response acts only at a month's start when someone is waiting
 * for a caseworker or an EP, so both runs are identical, bit for bit, up to the day before
 * the first month the parent starts with such a queue; the caseworker and EP FTE in force are never below the
 * parent's (the series is the same, places are only added); and the collapse of 2022 is
 * gone: timeliness far higher, the caseworker queue far shorter. */
static void test_backlog_recovery(void **state)
{
    (void)state;
    send_params base, lev;
    des_error err = {0};
    if (send_scenario_load("scenarios/leicestershire-timeliness.yaml", &base, NULL, &err) ||
        send_scenario_load("scenarios/leicestershire-backlog-recovery.yaml", &lev, NULL, &err))
        fail_msg("%s", err.msg);
    assert_true(base.cap_backlog_months == 0 && lev.cap_backlog_months == 6);
    send_output ob[REPS], ol[REPS];
    run_reps(&base, ob, NULL);
    run_reps(&lev, ol, NULL);
    double pb = 0, pl = 0, qb = 0, ql = 0;
    for (int r = 0; r < REPS; r++) {
        int k = 1;
        while (k < ob[r].n_months && value(&ob[r], M_CASEWORKER_QUEUE, k) == 0 &&
               value(&ob[r], M_EP_QUEUE, k) == 0)
            k++;
        assert_true(k > 1 && k < ob[r].n_months); /* a backlog builds, not on day one */
        /* month k's own snapshot is taken after that day's capacities are set */
        des_date first = des_date_add_months(base.start, k) - 1;
        assert_true(assert_same_before(&ob[r], &ol[r], first) > 0);
        for (int i = 0; i < ob[r].n_months; i++) {
            assert_true(value(&ol[r], M_CASEWORKER_FTE, i) >= value(&ob[r], M_CASEWORKER_FTE, i));
            assert_true(value(&ol[r], M_EP_FTE, i) >= value(&ob[r], M_EP_FTE, i));
        }
        int y = 2022 - ob[r].first_year;
        pb += value(&ob[r], C_PCT_20W, y) / REPS;
        pl += value(&ol[r], C_PCT_20W, y) / REPS;
    }
    qb = mean_months_from(ob, M_CASEWORKER_QUEUE, 2021, 1);
    ql = mean_months_from(ol, M_CASEWORKER_QUEUE, 2021, 1);
    if (!(pl > pb + 40) || !(ql < 0.5 * qb))
        fail_msg("2022 within 20 weeks %.1f%% with the response, %.1f%% without; caseworker "
                 "queue from 2021 %.1f, %.1f", pl, pb, ql, qb);
    free_reps(ob);
    free_reps(ol);
    send_params_free(&base);
    send_params_free(&lev);
}

/* ---- d1_panel / d2_panel cadence and capacity --------------------------------------------- */

static void test_panel_cadence(void **state)
{
    (void)state;
    pair *x = pair_load("scenarios/fortnightly-panels.yaml");
    const send_params *lev = &x->lev;
    assert_true(lev->d1_period == 14 && lev->d2_period == 14);
    trace_log d1 = {.kind = TR_D1_DECISION, .a_want = -1}, d2 = {.kind = TR_D2_DECISION, .a_want = -1};
    run_reps(lev, x->ol, &d1);
    free_reps(x->ol);
    run_reps(lev, x->ol, &d2);
    const trace_log *logs[2] = {&d1, &d2};
    const double first[2] = {lev->d1_first, lev->d2_first};
    for (int k = 0; k < 2; k++) {
        assert_true(logs[k]->n > 100);
        for (size_t i = 0; i < logs[k]->n; i++) {
            double s = (logs[k]->t[i] - first[k]) / 14.0;
            if (fabs(s - floor(s + 0.5)) > 1e-9)
                fail_msg("D%d decision at day %.4f, not a sitting", k + 1, logs[k]->t[i]);
        }
    }
    free(d1.t);
    free(d2.t);
    pair_free(x);
}

/* ---- d1_panel.refusal steps ---------------------------------------------------------------- */

static void test_refusal_step(void **state)
{
    (void)state;
    pair *x = pair_load("scenarios/stricter-thresholds.yaml");
    const send_steps *refusal = &x->lev.d1_refusal;
    assert_true(refusal->n >= 2);
    des_date from = refusal->from[refusal->n - 1];
    int y_from, mo, d;
    des_date_to_ymd(from, &y_from, &mo, &d);
    pair_run(x, from);
    double share_b = mean_cy(x->ob, C_REFUSED, y_from + 1, END_YEAR) /
                     mean_cy(x->ob, C_REQUESTS, y_from + 1, END_YEAR);
    double share_l = mean_cy(x->ol, C_REFUSED, y_from + 1, END_YEAR) /
                     mean_cy(x->ol, C_REQUESTS, y_from + 1, END_YEAR);
    double step = send_steps_at(refusal, from) - send_steps_at(&x->base.d1_refusal, from);
    assert_true(step > 0.05);
    /* the refused share rises by about the step (requests and decisions differ by the queue) */
    if (!(share_l - share_b > 0.5 * step && share_l - share_b < 1.5 * step))
        fail_msg("refused share %.3f with the step, %.3f without (step %.3f)", share_l, share_b,
                 step);
    pair_free(x);
}

/* ---- requests.shocks ---------------------------------------------------------------------- */

static void test_request_shock(void **state)
{
    (void)state;
    pair *x = pair_load("scenarios/pandemic.yaml");
    send_params *lev = &x->lev;
    assert_true(lev->n_shocks >= 1 && lev->shocks[0].multiplier < 1);
    des_date from = lev->shocks[0].from, to = lev->shocks[0].to;
    for (int i = 1; i < lev->n_shocks; i++)
        assert_true(lev->shocks[i].from >= to);
    pair_run(x, from);
    /* fewer requests in the shock's year */
    int y, mo, d;
    des_date_to_ymd(from, &y, &mo, &d);
    assert_true(mean_cy(x->ol, C_REQUESTS, y, y) < mean_cy(x->ob, C_REQUESTS, y, y));
    free_reps(x->ol);

    /* a multiplier of 0: not one request, from SEN Support or direct, inside the window;
     * requests again after it */
    lev->shocks[0].multiplier = 0;
    trace_log req = {.kind = TR_REQUEST, .a_want = -1};
    run_reps(lev, x->ol, &req);
    double t0 = t_of(lev, from), t1 = t_of(lev, to);
    size_t after = 0;
    for (size_t i = 0; i < req.n; i++) {
        if (req.t[i] >= t0 && req.t[i] < t1)
            fail_msg("a request at day %.2f, inside the shock [%.0f, %.0f)", req.t[i], t0, t1);
        after += req.t[i] >= t1;
    }
    assert_true(after > 100);
    free(req.t);
    pair_free(x);
}

/* ---- levers.fee_cap and finance.income.schools_transfer: money only ---------------------- */

/* Fees capped from a date: nobody moves, every period before the cap is identical, and from
 * the first capped year the fee lines shrink by exactly the capped uplift over the uncapped. */
static void test_fee_cap(void **state)
{
    (void)state;
    pair *x = pair_load("scenarios/fee-cap.yaml");
    send_params *base = &x->base, *lev = &x->lev;
    assert_true(lev->fee_cap_active && !base->fee_cap_active);
    double u = base->inflation[PROV_INDEPENDENT];
    assert_true(u > lev->fee_cap);
    pair_run(x, lev->fee_cap_from);
    for (int r = 0; r < REPS; r++) {
        const send_output *ob = &x->ob[r], *ol = &x->ol[r];
        for (int m = 0; m < C_CY_END; m++)
            assert_same_metric(ob, ol, m);
        for (int f = 0; f < ob->n_fys; f++) {
            double b = value(ob, F_DSG_LINE + DSG_INDEPENDENT, f);
            double l = value(ol, F_DSG_LINE + DSG_INDEPENDENT, f);
            int k = ob->first_fy + f - 2027; /* capped years so far (fee-cap.yaml: 2027-28) */
            double want = k < 0 ? b : b * pow((1 + lev->fee_cap) / (1 + u), k + 1);
            if (!(fabs(l - want) <= 1e-9 * b))
                fail_msg("FY %d: independent fees %.2f with the cap, expected %.2f", f, l, want);
            assert_true(value(ol, F_DSG_BALANCE, f) >= value(ob, F_DSG_BALANCE, f));
        }
    }
    pair_free(x);
}

/* A schools-block transfer: exactly its amount more income each year from its start, so the
 * balance gains it year by year; expenditure and everything else identical. */
static void test_schools_transfer(void **state)
{
    (void)state;
    pair *x = pair_load("scenarios/schools-transfer.yaml");
    run_reps(&x->base, x->ob, NULL);
    run_reps(&x->lev, x->ol, NULL);
    for (int r = 0; r < REPS; r++) {
        const send_output *ob = &x->ob[r], *ol = &x->ol[r];
        for (int m = 0; m < C_CY_END; m++)
            assert_same_metric(ob, ol, m);
        assert_same_metric(ob, ol, F_SPEND);
        double gained = 0;
        for (int f = 0; f < ob->n_fys; f++) {
            double t = ob->first_fy + f >= 2027 ? 2e6 : 0;
            gained += t;
            assert_true(value(ol, F_DSG_LINE + DSG_SCHOOLS_TRANSFER, f) == t);
            assert_true(fabs(value(ol, F_INCOME, f) - value(ob, F_INCOME, f) - t) < 0.005);
            assert_true(fabs(value(ol, F_DSG_BALANCE, f) - value(ob, F_DSG_BALANCE, f) -
                             gained) < 0.005);
        }
        assert_true(gained > 0);
    }
    pair_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_early_intervention),
        cmocka_unit_test(test_independent_reduction),
        cmocka_unit_test(test_new_places),
        cmocka_unit_test(test_ep_capacity),
        cmocka_unit_test(test_backlog_recovery),
        cmocka_unit_test(test_panel_cadence),
        cmocka_unit_test(test_refusal_step),
        cmocka_unit_test(test_request_shock),
        cmocka_unit_test(test_fee_cap),
        cmocka_unit_test(test_schools_transfer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
