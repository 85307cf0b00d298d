/* test_queueing.c - the engine validated against analytic queueing theory.
 *
 * Models are built from the engine alone (des_calendar events, des_resource servers and
 * queues, des_panel sittings, des_streams generators, des_dist / des_exponential samplers,
 * des_pool entities, des_tally / des_timeavg statistics) and their long-run averages compared
 * with exact results:
 *   M/M/1 Wq = rho / (mu - lambda), Lq = rho^2 / (1 - rho)            rho = 0.5, 0.8, 0.9
 *   M/M/c Wq = C(c, a) / (c mu - lambda) (Erlang C), Lq = lambda Wq, P(wait > 0) = C(c, a)
 *                                                                    c = 2, 5, two loads each
 *   M/D/1 and M/G/1 (gamma, lognormal service): Pollaczek-Khinchine
 *         Wq = lambda E[S^2] / (2 (1 - rho)), E[S^2] = des_dist_var + des_dist_mean^2
 *   Little's law in an M/G/3 queue: L from a time average of the number in system, against
 *         lambda W from a tally of sojourn times (and the same identity sample path by path)
 *   A tandem of two M/M/1 stations (Jackson network): W = sum 1 / (mu_i - lambda)
 *   A periodic panel with Poisson arrivals: E[wait] = period / 2 when every case is heard at
 *         the next sitting; with a per-sitting limit K, E[wait] = period / 2 + E[B] / lambda,
 *         where B is the backlog left after a sitting, whose stationary law is that of the
 *         embedded Markov chain B' = max(B + A - K, 0), A ~ Poisson(lambda period), solved
 *         numerically below. (Each case waits a uniform residual to the next sitting, mean
 *         period / 2, plus one period for every sitting it is left over at. Over many sittings
 *         the left-over periods add up to period * sum of B, shared among lambda * period
 *         arrivals per sitting: E[B] / lambda per case.)
 *   Determinism: the same seed gives the same event-trace checksum, another seed another.
 *
 * Method: R independent replications (fixed seeds: one des_rng_seed_table row each), each
 * discarding a warm-up of several relaxation times before measuring. The replication means
 * are i.i.d. and nearly normal, so a confidence interval is mean +- t * sd / sqrt(R) with t the
 * Student quantile (R - 1 degrees of freedom) at the two-sided level of z = 3.5 (about 5e-4).
 * Every check asserts BOTH that the exact value lies inside the interval AND that the interval
 * half-width is below a stated fraction of the value (1-3%), so the test cannot pass by being
 * vague: a bias of a few percent in waiting times fails it (a 0.5% error in the arrival rate
 * fails ten of the thirteen tests).
 *
 * Run lengths are tuned for about 15 s at -O2 and under a minute under AddressSanitizer.
 * With SENDSIM_QUICK set (e.g. under valgrind) each replication is 8x shorter and the allowed
 * half-widths sqrt(8)x wider; the intervals must still contain the exact values.
 *
 * Invariants asserted on the way: every schedule and request succeeds; the number in system
 * (a time average's current value) equals the live entities of the pool; a sitting hears at
 * most its limit and the next sitting is strictly later; L = lambda_obs W and Lq = lambda_obs
 * E[wait] hold path by path to within edge effects (< 0.2%).
 *
 * Complexity: O(total events * log(pending)) time; memory O(peak number in system).
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
#include <time.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "des_calendar.h"
#include "des_dist.h"
#include "des_pool.h"
#include "des_resource.h"
#include "des_rng.h"
#include "des_stats.h"

#define Z_LEVEL 3.5
#define QUICK_DIV 8

static int quick;

static void init_quick(void)
{
    const char *q = getenv("SENDSIM_QUICK");
    quick = q && *q && strcmp(q, "0") != 0;
}

/* Measured customers per replication: n, or n / 8 in quick mode. */
static uint64_t run_len(uint64_t n) { return quick ? n / QUICK_DIV : n; }
/* Allowed relative half-width: tol, or tol * sqrt(8) in quick mode. */
static double hw_tol(double tol) { return quick ? tol * sqrt((double)QUICK_DIV) : tol; }

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The Student t quantile with the same two-sided tail as z = Z_LEVEL. */
static double t_quantile(uint64_t reps)
{
    double tail = gsl_cdf_ugaussian_Q(Z_LEVEL); /* one-sided */
    return gsl_cdf_tdist_Pinv(1.0 - tail, (double)(reps - 1));
}

/* Assert that `exact` lies in the CI of the replication means in `reps`, and that the
 * half-width is at most tol * scale (scale is normally the exact value itself). */
static void check_ci(const char *what, const des_tally *reps, double exact, double scale,
                     double tol)
{
    double m = des_tally_mean(reps);
    double hw = t_quantile(reps->n) * des_tally_sd(reps) / sqrt((double)reps->n);
    double lim = hw_tol(tol) * fabs(scale);
    int inside = fabs(m - exact) <= hw, narrow = hw <= lim;
    printf("  %-34s %10.5f +- %-8.5f exact %10.5f  (hw %.2f%% of %.4g, limit %.2f%%)%s\n",
           what, m, hw, exact, 100.0 * hw / fabs(scale), fabs(scale),
           100.0 * hw_tol(tol), inside && narrow ? "" : "  <-- FAIL");
    assert_true(reps->n >= 2);
    assert_true(inside);
    assert_true(narrow);
}

/* Erlang C: probability of waiting in M/M/c, a = lambda / mu < c (stable Erlang B recursion). */
static double erlang_c(int c, double a)
{
    double b = 1.0;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return c * b / (c - a * (1.0 - b));
}

static uint64_t fold(uint64_t h, const des_event *ev)
{
    uint64_t tb;
    memcpy(&tb, &ev->time, sizeof tb);
    h = des_mix64(h ^ tb);
    return des_mix64(h ^ ((uint64_t)ev->type << 32 | ev->arg));
}

/* ---- an open network: Poisson arrivals, 1 or 2 multi-server FIFO stations in tandem ------ */

enum { EV_ARRIVAL = 0, EV_DEPART0 = 1 /* EV_DEPART0 + s: service end at station s */ };
enum { S_ARRIVAL = 0, S_SERVICE0 = 1, NSTREAMS = 3 };
#define MAX_ST 2

typedef struct net_cfg {
    double lambda;
    int nst;
    int servers[MAX_ST];
    des_dist svc[MAX_ST];
    uint64_t warm, n; /* arrivals discarded, then measured, per replication */
    int reps;
    uint64_t seed;
} net_cfg;

typedef struct net_rep {
    double wq[MAX_ST], lq[MAX_ST], pdelay[MAX_ST];
    double sojourn;    /* mean time in system, customers leaving in the window */
    double l;          /* time-average number in system */
    double lambda_obs; /* arrivals in the window / its length */
    uint64_t checksum, events;
} net_rep;

typedef struct net_sim {
    des_calendar *cal;
    des_resource res[MAX_ST];
    des_pool *pool;
    des_streams st;
    uint32_t *seeds;
    int reps;
} net_sim;

typedef struct cust {
    double t_arr;
} cust;

static void net_open(net_sim *s, const net_cfg *cfg)
{
    des_error err;
    des_error_clear(&err);
    s->reps = cfg->reps;
    s->seeds = malloc((size_t)cfg->reps * NSTREAMS * sizeof *s->seeds);
    assert_non_null(s->seeds);
    assert_int_equal(des_rng_seed_table(cfg->seed, (size_t)cfg->reps, NSTREAMS, s->seeds, &err),
                     DES_OK);
    assert_int_equal(des_streams_init(&s->st, s->seeds, NSTREAMS, &err), DES_OK);
    s->cal = des_cal_create(0, &err);
    assert_non_null(s->cal);
    for (int i = 0; i < MAX_ST; i++)
        assert_int_equal(des_res_init(&s->res[i], 1, DES_FIFO, 0.0, &err), DES_OK);
    s->pool = des_pool_create(sizeof(cust), 1024, &err);
    assert_non_null(s->pool);
}

static void net_close(net_sim *s)
{
    des_pool_destroy(s->pool);
    for (int i = 0; i < MAX_ST; i++)
        des_res_free(&s->res[i]);
    des_cal_destroy(s->cal);
    des_streams_free(&s->st);
    free(s->seeds);
}

static void start_service(net_sim *s, const net_cfg *cfg, int st, double now, uint32_t e)
{
    double d = des_dist_sample(&cfg->svc[st], s->st.rng[S_SERVICE0 + st]);
    assert_int_equal(des_cal_schedule(s->cal, now + d, 0, EV_DEPART0 + st, DES_NO_OWNER, e),
                     DES_OK);
}

/* Returns 1 if the entity seized a server at once. */
static int enter(net_sim *s, const net_cfg *cfg, int st, double now, uint32_t e)
{
    int rq = des_res_request(&s->res[st], now, e, 0);
    assert_true(rq >= 0);
    if (rq == 1)
        start_service(s, cfg, st, now, e);
    return rq;
}

static void net_run_rep(net_sim *s, const net_cfg *cfg, int r, net_rep *out)
{
    des_streams_reseed(&s->st, s->seeds + (size_t)r * NSTREAMS);
    des_cal_reset(s->cal, 0.0);
    for (int i = 0; i < cfg->nst; i++)
        des_res_reset(&s->res[i], cfg->servers[i], 0.0);
    des_pool_clear(s->pool);

    const double mean_ia = 1.0 / cfg->lambda;
    const uint64_t n = run_len(cfg->n);
    gsl_rng *r_arr = s->st.rng[S_ARRIVAL];
    des_timeavg insys;
    des_timeavg_init(&insys, 0.0, 0.0);
    des_tally soj;
    des_tally_init(&soj);
    uint64_t immediate[MAX_ST] = {0}, arrivals = 0, h = 0xcbf29ce484222325u;
    double t_start = 0.0, t_end = 0.0;

    assert_int_equal(des_cal_schedule(s->cal, des_exponential(r_arr, mean_ia), 0, EV_ARRIVAL,
                                      DES_NO_OWNER, 0),
                     DES_OK);
    des_event ev;
    for (;;) {
        assert_true(des_cal_next(s->cal, &ev));
        h = fold(h, &ev);
        const double now = ev.time;
        if (ev.type == EV_ARRIVAL) {
            if (arrivals == cfg->warm) { /* end of warm-up: restart every statistic */
                t_start = now;
                for (int i = 0; i < cfg->nst; i++) {
                    des_tally_init(&s->res[i].wait);
                    des_timeavg_restart(&s->res[i].qlen, now);
                    des_timeavg_restart(&s->res[i].inuse, now);
                    immediate[i] = 0;
                }
                des_timeavg_restart(&insys, now);
                des_tally_init(&soj);
            }
            if (arrivals == cfg->warm + n) {
                t_end = now;
                break;
            }
            arrivals++;
            assert_int_equal(des_cal_schedule(s->cal, now + des_exponential(r_arr, mean_ia), 0,
                                              EV_ARRIVAL, DES_NO_OWNER, 0),
                             DES_OK);
            uint32_t e = des_pool_alloc(s->pool);
            assert_true(e != DES_NONE);
            ((cust *)des_pool_get(s->pool, e))->t_arr = now;
            des_timeavg_add(&insys, now, 1.0);
            immediate[0] += (uint64_t)enter(s, cfg, 0, now, e);
        } else {
            const int st = (int)(ev.type - EV_DEPART0);
            const uint32_t e = ev.arg;
            uint32_t next;
            if (des_res_release(&s->res[st], now, &next))
                start_service(s, cfg, st, now, next);
            if (st + 1 < cfg->nst) {
                immediate[st + 1] += (uint64_t)enter(s, cfg, st + 1, now, e);
            } else {
                des_tally_add(&soj, now - ((cust *)des_pool_get(s->pool, e))->t_arr);
                des_timeavg_add(&insys, now, -1.0);
                des_pool_free(s->pool, e);
            }
        }
    }
    for (int i = 0; i < cfg->nst; i++) {
        const des_resource *res = &s->res[i];
        out->wq[i] = des_tally_mean(&res->wait);
        out->lq[i] = des_timeavg_mean(&res->qlen, t_end);
        out->pdelay[i] = 1.0 - (double)immediate[i] / (double)res->wait.n;
    }
    out->sojourn = des_tally_mean(&soj);
    out->l = des_timeavg_mean(&insys, t_end);
    out->lambda_obs = (double)n / (t_end - t_start);
    out->checksum = h;
    out->events = des_cal_fired(s->cal);
    /* consistency of the model itself */
    assert_true(insys.value == (double)des_pool_live(s->pool));
}

/* Tallies of replication means. */
typedef struct net_summary {
    des_tally wq[MAX_ST], lq[MAX_ST], pdelay[MAX_ST], sojourn, l, lw, little_gap;
    double worst_path_gap; /* max over replications of |L - lambda_obs W| / L */
    uint64_t events;
} net_summary;

static void net_run(const net_cfg *cfg, net_summary *sum, const char *label)
{
    double t0 = now_s();
    net_sim s;
    net_open(&s, cfg);
    memset(sum, 0, sizeof *sum);
    for (int i = 0; i < MAX_ST; i++) {
        des_tally_init(&sum->wq[i]);
        des_tally_init(&sum->lq[i]);
        des_tally_init(&sum->pdelay[i]);
    }
    des_tally_init(&sum->sojourn);
    des_tally_init(&sum->l);
    des_tally_init(&sum->lw);
    des_tally_init(&sum->little_gap);
    for (int r = 0; r < cfg->reps; r++) {
        net_rep rep;
        net_run_rep(&s, cfg, r, &rep);
        for (int i = 0; i < cfg->nst; i++) {
            des_tally_add(&sum->wq[i], rep.wq[i]);
            des_tally_add(&sum->lq[i], rep.lq[i]);
            des_tally_add(&sum->pdelay[i], rep.pdelay[i]);
        }
        des_tally_add(&sum->sojourn, rep.sojourn);
        des_tally_add(&sum->l, rep.l);
        des_tally_add(&sum->lw, cfg->lambda * rep.sojourn);
        des_tally_add(&sum->little_gap, rep.l - cfg->lambda * rep.sojourn);
        double g = fabs(rep.l - rep.lambda_obs * rep.sojourn) / rep.l;
        if (g > sum->worst_path_gap)
            sum->worst_path_gap = g;
        sum->events += rep.events;
    }
    net_close(&s);
    printf("%s: %d replications x %llu customers (+%llu warm-up), %.3g events, %.2f s\n",
           label, cfg->reps, (unsigned long long)run_len(cfg->n), (unsigned long long)cfg->warm,
           (double)sum->events, now_s() - t0);
}

static void cfg_free(net_cfg *cfg)
{
    for (int i = 0; i < MAX_ST; i++)
        des_dist_free(&cfg->svc[i]);
}

/* ---- M/M/1 ------------------------------------------------------------------------------- */

static void mm1_case(double rho, uint64_t n, int reps, double tol)
{
    net_cfg cfg = {.lambda = rho, .nst = 1, .servers = {1, 1}, .warm = 20000, .n = n,
                   .reps = reps, .seed = 1000 + (uint64_t)(rho * 100)};
    assert_int_equal(des_dist_exponential(&cfg.svc[0], 1.0, NULL), DES_OK);
    net_summary sm;
    char label[64];
    snprintf(label, sizeof label, "M/M/1 rho=%.2f", rho);
    net_run(&cfg, &sm, label);
    const double wq = rho / (1.0 - rho), lq = rho * rho / (1.0 - rho);
    check_ci("Wq", &sm.wq[0], wq, wq, tol);
    check_ci("Lq (time average)", &sm.lq[0], lq, lq, tol);
    check_ci("W (sojourn)", &sm.sojourn, wq + 1.0, wq + 1.0, tol);
    cfg_free(&cfg);
}

static void test_mm1_rho05(void **state)
{
    (void)state;
    mm1_case(0.5, 200000, 20, 0.015);
}

static void test_mm1_rho08(void **state)
{
    (void)state;
    mm1_case(0.8, 600000, 24, 0.02);
}

static void test_mm1_rho09(void **state)
{
    (void)state;
    mm1_case(0.9, 800000, 30, 0.025);
}

/* ---- M/M/c (Erlang C) -------------------------------------------------------------------- */

static void mmc_case(int c, double rho, uint64_t n, int reps, double tol)
{
    const double mu = 1.0, lambda = rho * c * mu, a = lambda / mu;
    net_cfg cfg = {.lambda = lambda, .nst = 1, .servers = {c, 1}, .warm = 20000, .n = n,
                   .reps = reps, .seed = 2000 + 100 * (uint64_t)c + (uint64_t)(rho * 100)};
    assert_int_equal(des_dist_exponential(&cfg.svc[0], 1.0 / mu, NULL), DES_OK);
    net_summary sm;
    char label[64];
    snprintf(label, sizeof label, "M/M/%d rho=%.2f", c, rho);
    net_run(&cfg, &sm, label);
    const double pc = erlang_c(c, a), wq = pc / (c * mu - lambda);
    check_ci("P(wait > 0) = Erlang C", &sm.pdelay[0], pc, pc, tol);
    check_ci("Wq", &sm.wq[0], wq, wq, tol);
    check_ci("Lq (time average)", &sm.lq[0], lambda * wq, lambda * wq, tol);
    cfg_free(&cfg);
}

static void test_mmc_c2(void **state)
{
    (void)state;
    mmc_case(2, 0.6, 300000, 20, 0.025);
    mmc_case(2, 0.85, 400000, 24, 0.025);
}

static void test_mmc_c5(void **state)
{
    (void)state;
    mmc_case(5, 0.7, 400000, 24, 0.03);
    mmc_case(5, 0.9, 600000, 30, 0.03);
}

/* ---- M/D/1, M/G/1 (Pollaczek-Khinchine) --------------------------------------------------- */

static void mg1_case(const char *label, des_dist svc, double lambda, uint64_t n, int reps,
                     double tol, uint64_t seed)
{
    net_cfg cfg = {.lambda = lambda, .nst = 1, .servers = {1, 1}, .warm = 20000, .n = n,
                   .reps = reps, .seed = seed};
    cfg.svc[0] = svc;
    const double es = des_dist_mean(&svc), es2 = des_dist_var(&svc) + es * es;
    const double rho = lambda * es, wq = lambda * es2 / (2.0 * (1.0 - rho));
    net_summary sm;
    net_run(&cfg, &sm, label);
    printf("  E[S] = %g, E[S^2] = %g, rho = %g\n", es, es2, rho);
    check_ci("Wq (Pollaczek-Khinchine)", &sm.wq[0], wq, wq, tol);
    check_ci("Lq (time average)", &sm.lq[0], lambda * wq, lambda * wq, tol);
    cfg_free(&cfg);
}

static void test_md1(void **state)
{
    (void)state;
    des_dist d;
    assert_int_equal(des_dist_constant(&d, 1.0, NULL), DES_OK);
    assert_true(des_dist_var(&d) == 0.0);
    mg1_case("M/D/1 rho=0.80", d, 0.8, 500000, 20, 0.02, 3001);
}

static void test_mg1_gamma(void **state)
{
    (void)state;
    des_dist d;
    assert_int_equal(des_dist_gamma_mean_sd(&d, 1.0, 0.5, NULL), DES_OK);
    assert_true(fabs(des_dist_mean(&d) - 1.0) < 1e-12 && fabs(des_dist_var(&d) - 0.25) < 1e-12);
    mg1_case("M/G/1 gamma(mean 1, sd 0.5) rho=0.85", d, 0.85, 500000, 24, 0.025, 3002);
}

static void test_mg1_lognormal(void **state)
{
    (void)state;
    des_dist d;
    assert_int_equal(des_dist_lognormal_mean_sd(&d, 1.0, 1.5, NULL), DES_OK);
    assert_true(fabs(des_dist_mean(&d) - 1.0) < 1e-9 && fabs(des_dist_var(&d) - 2.25) < 1e-9);
    mg1_case("M/G/1 lognormal(mean 1, sd 1.5) rho=0.6", d, 0.6, 400000, 24, 0.025, 3003);
}

/* ---- Little's law ------------------------------------------------------------------------- */

static void test_little(void **state)
{
    (void)state;
    /* M/G/3, lognormal service (mean 1, sd 1): no closed form, so the law is the check. */
    net_cfg cfg = {.lambda = 2.4, .nst = 1, .servers = {3, 1}, .warm = 20000, .n = 400000,
                   .reps = 20, .seed = 4001};
    assert_int_equal(des_dist_lognormal_mean_sd(&cfg.svc[0], 1.0, 1.0, NULL), DES_OK);
    net_summary sm;
    net_run(&cfg, &sm, "Little's law, M/G/3 lognormal rho=0.80");
    const double l = des_tally_mean(&sm.l);
    printf("  L (time average) = %.5f, lambda W (tally) = %.5f\n", l, des_tally_mean(&sm.lw));
    /* L - lambda W over replications: zero in expectation, measured independently. */
    check_ci("L - lambda W", &sm.little_gap, 0.0, l, 0.01);
    /* Sample path by path, with the observed arrival rate, the law holds up to edge effects
     * (customers present at the window's ends): far below the statistical error. */
    printf("  worst |L - lambda_obs W| / L over replications: %.2e\n", sm.worst_path_gap);
    assert_true(sm.worst_path_gap < 2e-3);
    cfg_free(&cfg);
}

/* ---- tandem (Jackson) --------------------------------------------------------------------- */

static void test_tandem(void **state)
{
    (void)state;
    const double lambda = 0.8, mu1 = 1.0, mu2 = 1.25;
    net_cfg cfg = {.lambda = lambda, .nst = 2, .servers = {1, 1}, .warm = 20000, .n = 500000,
                   .reps = 24, .seed = 5001};
    assert_int_equal(des_dist_exponential(&cfg.svc[0], 1.0 / mu1, NULL), DES_OK);
    assert_int_equal(des_dist_exponential(&cfg.svc[1], 1.0 / mu2, NULL), DES_OK);
    net_summary sm;
    net_run(&cfg, &sm, "tandem M/M/1 -> M/M/1, rho = 0.80, 0.64");
    const double w = 1.0 / (mu1 - lambda) + 1.0 / (mu2 - lambda);
    const double wq1 = lambda / mu1 / (mu1 - lambda), wq2 = lambda / mu2 / (mu2 - lambda);
    check_ci("Wq station 1", &sm.wq[0], wq1, wq1, 0.025);
    check_ci("Wq station 2", &sm.wq[1], wq2, wq2, 0.025);
    check_ci("W total sojourn", &sm.sojourn, w, w, 0.02);
    cfg_free(&cfg);
}

/* ---- periodic panel ----------------------------------------------------------------------- */

enum { EV_SUBMIT = 0, EV_SIT = 1 };
#define OUT_MAX 4096

typedef struct panel_cfg {
    double lambda, period;
    int per_sitting;
    uint64_t warm, sittings; /* sittings discarded, then measured, per replication */
    int reps;
    uint64_t seed;
} panel_cfg;

typedef struct panel_rep {
    double wait, lq, lambda_obs;
    uint64_t checksum;
} panel_rep;

static void panel_run_rep(des_panel *p, des_calendar *cal, des_streams *st, const uint32_t *seed,
                          const panel_cfg *cfg, panel_rep *out)
{
    static uint32_t heard[OUT_MAX];
    des_streams_reseed(st, seed);
    des_cal_reset(cal, 0.0);
    des_panel_reset(p, 0.0);
    gsl_rng *rng = st->rng[0];
    const double mean_ia = 1.0 / cfg->lambda;
    const uint64_t n = run_len(cfg->sittings);
    uint64_t sittings = 0, submitted = 0, sub0 = 0, h = 0xcbf29ce484222325u;
    double t0 = 0.0;
    assert_int_equal(des_cal_schedule(cal, des_exponential(rng, mean_ia), 0, EV_SUBMIT,
                                      DES_NO_OWNER, 0),
                     DES_OK);
    assert_int_equal(des_cal_schedule(cal, des_panel_next_sitting(p, 0.0, 1), 0, EV_SIT,
                                      DES_NO_OWNER, 0),
                     DES_OK);
    des_event ev;
    for (;;) {
        assert_true(des_cal_next(cal, &ev));
        h = fold(h, &ev);
        const double now = ev.time;
        if (ev.type == EV_SUBMIT) {
            assert_int_equal(des_panel_submit(p, now, (uint32_t)submitted++, 0), DES_OK);
            assert_int_equal(des_cal_schedule(cal, now + des_exponential(rng, mean_ia), 0,
                                              EV_SUBMIT, DES_NO_OWNER, 0),
                             DES_OK);
            continue;
        }
        size_t k = des_panel_sit(p, now, heard, OUT_MAX);
        assert_true(k <= (size_t)cfg->per_sitting);
        sittings++;
        if (sittings == cfg->warm) {
            t0 = now;
            sub0 = submitted;
            des_tally_init(&p->wait);
            des_timeavg_restart(&p->qlen, now);
        }
        if (sittings == cfg->warm + n) {
            out->wait = des_tally_mean(&p->wait);
            out->lq = des_timeavg_mean(&p->qlen, now);
            out->lambda_obs = (double)(submitted - sub0) / (now - t0);
            out->checksum = h;
            return;
        }
        double next = des_panel_next_sitting(p, now, 0);
        assert_true(next > now);
        assert_int_equal(des_cal_schedule(cal, next, 0, EV_SIT, DES_NO_OWNER, 0), DES_OK);
    }
}

typedef struct panel_summary {
    des_tally wait;
    double worst_path_gap; /* |Lq - lambda_obs wait| / Lq */
    uint64_t checksum;     /* of replication 0 */
} panel_summary;

static void panel_run(const panel_cfg *cfg, panel_summary *sum, const char *label)
{
    double t0 = now_s();
    des_error err;
    des_error_clear(&err);
    uint32_t *seeds = malloc((size_t)cfg->reps * sizeof *seeds);
    assert_non_null(seeds);
    assert_int_equal(des_rng_seed_table(cfg->seed, (size_t)cfg->reps, 1, seeds, &err), DES_OK);
    des_streams st;
    assert_int_equal(des_streams_init(&st, seeds, 1, &err), DES_OK);
    des_calendar *cal = des_cal_create(0, &err);
    assert_non_null(cal);
    des_panel p;
    assert_int_equal(des_panel_init(&p, cfg->period, cfg->period, cfg->per_sitting, DES_FIFO,
                                    &err),
                     DES_OK);
    des_tally_init(&sum->wait);
    sum->worst_path_gap = 0.0;
    for (int r = 0; r < cfg->reps; r++) {
        panel_rep rep;
        panel_run_rep(&p, cal, &st, seeds + r, cfg, &rep);
        des_tally_add(&sum->wait, rep.wait);
        double g = fabs(rep.lq - rep.lambda_obs * rep.wait) / rep.lq;
        if (g > sum->worst_path_gap)
            sum->worst_path_gap = g;
        if (r == 0)
            sum->checksum = rep.checksum;
    }
    des_panel_free(&p);
    des_cal_destroy(cal);
    des_streams_free(&st);
    free(seeds);
    printf("%s: %d replications x %llu sittings, %.2f s\n", label, cfg->reps,
           (unsigned long long)run_len(cfg->sittings), now_s() - t0);
}

/* Stationary mean of the backlog chain B' = max(B + A - K, 0), A ~ Poisson(m), m < K, by
 * iterating the distribution from B = 0 to convergence on 0..nmax (mass beyond nmax is
 * checked to be negligible). */
static double backlog_mean(double m, int k)
{
    const int amax = (int)ceil(m + 15.0 * sqrt(m) + 30.0), nmax = 4000;
    double *pa = malloc((size_t)(amax + 1) * sizeof *pa);
    double *pi = calloc((size_t)nmax + 1, sizeof *pi), *nx = malloc(((size_t)nmax + 1) * sizeof *nx);
    assert_true(pa && pi && nx);
    for (int a = 0; a <= amax; a++)
        pa[a] = gsl_ran_poisson_pdf((unsigned)a, m);
    pi[0] = 1.0;
    double diff = 1.0;
    int it;
    for (it = 0; it < 200000 && diff > 1e-15; it++) {
        memset(nx, 0, ((size_t)nmax + 1) * sizeof *nx);
        for (int b = 0; b <= nmax; b++) {
            if (pi[b] == 0.0)
                continue;
            for (int a = 0; a <= amax; a++) {
                int j = b + a - k;
                j = j < 0 ? 0 : j > nmax ? nmax : j;
                nx[j] += pi[b] * pa[a];
            }
        }
        double tot = 0.0;
        for (int j = 0; j <= nmax; j++)
            tot += nx[j];
        diff = 0.0;
        for (int j = 0; j <= nmax; j++) {
            nx[j] /= tot; /* renormalise the truncated Poisson */
            diff += fabs(nx[j] - pi[j]);
        }
        double *t = pi;
        pi = nx;
        nx = t;
    }
    assert_true(diff <= 1e-15);
    assert_true(pi[nmax] < 1e-12);
    double mean = 0.0;
    for (int j = 0; j <= nmax; j++)
        mean += j * pi[j];
    printf("  backlog chain: %d iterations, E[B] = %.6f, P(B = 0) = %.6f\n", it, mean, pi[0]);
    free(pa);
    free(pi);
    free(nx);
    return mean;
}

static void test_panel_low_load(void **state)
{
    (void)state;
    /* Weekly panel, 3 cases a week on average, no practical limit: wait = period / 2. */
    panel_cfg cfg = {.lambda = 3.0 / 7.0, .period = 7.0, .per_sitting = 1000, .warm = 10,
                     .sittings = 20000, .reps = 20, .seed = 6001};
    panel_summary sm;
    panel_run(&cfg, &sm, "panel, period 7, lambda period = 3, unlimited");
    check_ci("E[wait] = period / 2", &sm.wait, 3.5, 3.5, 0.01);
    printf("  worst |Lq - lambda_obs wait| / Lq: %.2e\n", sm.worst_path_gap);
    assert_true(sm.worst_path_gap < 2e-3);
}

static void test_panel_backlog(void **state)
{
    (void)state;
    /* 9 cases a week on average, at most 10 heard per weekly sitting: a backlog builds. */
    const double period = 7.0, m = 9.0;
    const int k = 10;
    panel_cfg cfg = {.lambda = m / period, .period = period, .per_sitting = k, .warm = 200,
                     .sittings = 60000, .reps = 20, .seed = 6002};
    const double eb = backlog_mean(m, k), w = period / 2.0 + eb / cfg.lambda;
    panel_summary sm;
    panel_run(&cfg, &sm, "panel, period 7, lambda period = 9, 10 per sitting");
    check_ci("E[wait] = period/2 + E[B]/lambda", &sm.wait, w, w, 0.015);
    printf("  worst |Lq - lambda_obs wait| / Lq: %.2e\n", sm.worst_path_gap);
    assert_true(sm.worst_path_gap < 2e-3);
    /* The backlog term matters: the naive period / 2 is far outside the interval. */
    assert_true(w > 1.1 * period / 2.0);
}

/* ---- determinism -------------------------------------------------------------------------- */

static void test_determinism(void **state)
{
    (void)state;
    net_cfg cfg = {.lambda = 1.6, .nst = 2, .servers = {2, 3}, .warm = 1000, .n = 80000,
                   .reps = 1, .seed = 7001};
    assert_int_equal(des_dist_exponential(&cfg.svc[0], 1.0, NULL), DES_OK);
    assert_int_equal(des_dist_gamma_mean_sd(&cfg.svc[1], 1.5, 1.0, NULL), DES_OK);
    net_rep a, b, c;
    for (int run = 0; run < 3; run++) {
        net_sim s;
        cfg.seed = run < 2 ? 7001 : 7002;
        net_open(&s, &cfg);
        net_run_rep(&s, &cfg, 0, run == 0 ? &a : run == 1 ? &b : &c);
        net_close(&s);
    }
    printf("determinism: checksums %016llx %016llx (seed 7001 twice), %016llx (seed 7002); "
           "%llu events\n",
           (unsigned long long)a.checksum, (unsigned long long)b.checksum,
           (unsigned long long)c.checksum, (unsigned long long)a.events);
    assert_true(a.checksum == b.checksum);
    assert_true(a.events == b.events);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(a.checksum != c.checksum);
    assert_true(a.sojourn != c.sojourn);
    cfg_free(&cfg);

    /* The panel too. */
    panel_cfg pc = {.lambda = 1.0, .period = 7.0, .per_sitting = 8, .warm = 5, .sittings = 2000,
                    .reps = 1, .seed = 7003};
    panel_summary p1, p2, p3;
    panel_run(&pc, &p1, "panel determinism run 1");
    panel_run(&pc, &p2, "panel determinism run 2");
    pc.seed = 7004;
    panel_run(&pc, &p3, "panel determinism run 3");
    assert_true(p1.checksum == p2.checksum);
    assert_true(des_tally_mean(&p1.wait) == des_tally_mean(&p2.wait));
    assert_true(p1.checksum != p3.checksum);
}

int main(void)
{
    init_quick();
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (quick)
        printf("SENDSIM_QUICK: replications 1/%d as long, half-width limits x%.2f\n", QUICK_DIV,
               sqrt((double)QUICK_DIV));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mm1_rho05),      cmocka_unit_test(test_mm1_rho08),
        cmocka_unit_test(test_mm1_rho09),      cmocka_unit_test(test_mmc_c2),
        cmocka_unit_test(test_mmc_c5),         cmocka_unit_test(test_md1),
        cmocka_unit_test(test_mg1_gamma),      cmocka_unit_test(test_mg1_lognormal),
        cmocka_unit_test(test_little),         cmocka_unit_test(test_tandem),
        cmocka_unit_test(test_panel_low_load), cmocka_unit_test(test_panel_backlog),
        cmocka_unit_test(test_determinism),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
