/* backtest.c - forecasts made as of a past year, compared with what was published since.
 *
 * One authority (send_backtest_la): the data check, the naive trend, then the model path
 * (scenario step -> optional calibration step -> the normal loader -> send_run on one thread)
 * and the comparison with every later published value. The scenario and calibration steps
 * are one call each, through function pointers, so that `init` and `calibrate` plug in
 * unchanged and tests can give a small scenario of their own.
 *
 * Several authorities (send_backtest_run): an OpenMP loop over authorities, dynamic
 * schedule, each iteration writing only its own slot of out[], so the table is the same for
 * any thread count. The as-of rule is enforced by reading the data only through
 * send_sen2_value(..., as_of) for everything that shapes a forecast; the observed file is read
 * without it, and only for periods after the last published one.
 *
 * Cost: per authority one send_run of opts->replications replications, plus O(rows) work.
 */
#include "send_backtest.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "des_pool.h"
#include "des_rng.h"
#include "des_stats.h"
#include "run_core.h"
#include "send_calibrate.h"
#include "send_init.h"
#include "send_run.h"
#include "send_scenario.h"

/* The placement mix's groups (named by send_bt_mix_names, sim/io/backtest_csv.c): the SEN2
 * series each sums (a leading '-' subtracts) and the model metrics each sums. The first SEN2
 * series of mainstream must be published for a January to be compared; any other missing
 * series counts 0 (most are published only in some years). */
#define MIX_MAX 4
static const char *const mix_sen2[BT_MIX_TYPES][MIX_MAX] = {
    [BT_MIX_MAINSTREAM] = {"placement_mainstream_total", "-placement_mainstream_rp_senunit"},
    [BT_MIX_RESOURCED] = {"placement_mainstream_rp_senunit"},
    [BT_MIX_SPECIAL] = {"placement_special_la_maintained", "placement_special_academy_free"},
    [BT_MIX_INDEPENDENT] = {"placement_special_independent", "placement_special_non_maintained"},
    [BT_MIX_POST16] = {"placement_fe_total"},
    [BT_MIX_AP] = {"placement_ap_pru"},
    [BT_MIX_OTHER] = {"placement_early_years", "placement_elsewhere_neet_other",
                      "placement_not_recorded", "placement_awaiting_provision"}};
static const char *const mix_model[BT_MIX_TYPES][MIX_MAX] = {
    [BT_MIX_MAINSTREAM] = {"placements_mainstream"},
    [BT_MIX_RESOURCED] = {"placements_resourced"},
    [BT_MIX_SPECIAL] = {"placements_special"},
    [BT_MIX_INDEPENDENT] = {"placements_independent", "placements_residential"},
    [BT_MIX_POST16] = {"placements_fe_college", "placements_specialist_post16"},
    [BT_MIX_AP] = {"placements_ap"},
    [BT_MIX_OTHER] = {"placements_early_years", "placements_other", "placements_awaiting"}};

/* counts[] as shares of their sum into share[] (NaN when the sum is not positive). */
static void mix_shares(const double *counts, double *share)
{
    double sum = 0;
    for (int g = 0; g < BT_MIX_TYPES; g++)
        sum += counts[g];
    for (int g = 0; g < BT_MIX_TYPES; g++)
        share[g] = sum > 0 ? counts[g] / sum : NAN;
}

/* The published mix of each January after the start (NaN where mainstream is not published). */
static void mix_observed(const send_sen2 *obs, long oi, int from, int obs_as_of, send_bt_la *out)
{
    for (int k = 0; k < BT_MIX_YEARS; k++) {
        int y = from + 1 + k;
        if (isnan(send_sen2_value(obs, (size_t)oi, mix_sen2[BT_MIX_MAINSTREAM][0], y, obs_as_of)))
            continue;
        double counts[BT_MIX_TYPES] = {0};
        for (int g = 0; g < BT_MIX_TYPES; g++)
            for (int i = 0; i < MIX_MAX && mix_sen2[g][i]; i++) {
                const char *sr = mix_sen2[g][i];
                double v = send_sen2_value(obs, (size_t)oi, sr + (sr[0] == '-'), y, obs_as_of);
                if (!isnan(v))
                    counts[g] += sr[0] == '-' ? -v : v;
            }
        mix_shares(counts, out->mix_observed[k]);
    }
}

/* The model's mix of each January after the start: the mean of each metric over replications. */
static void mix_model_of(const send_results *res, double *scratch, int from, send_bt_la *out)
{
    const send_output *o = &res->reps[0];
    for (int k = 0; k < BT_MIX_YEARS; k++) {
        int idx = des_date_month_index(des_date_from_ymd(from + 1 + k, 1, 1)) - o->first_month_index;
        double counts[BT_MIX_TYPES] = {0};
        int ok = 1;
        for (int g = 0; g < BT_MIX_TYPES && ok; g++)
            for (int i = 0; i < MIX_MAX && mix_model[g][i] && ok; i++) {
                int m = send_metric_find(mix_model[g][i]);
                send_stat st = {0};
                if (m >= 0 && idx >= 0 && idx < send_output_periods(o, m))
                    send_results_get_stat(res, m, idx, scratch, &st);
                ok = st.n > 0;
                counts[g] += ok ? st.mean : 0;
            }
        if (ok)
            mix_shares(counts, out->mix_model[k]);
    }
}

/* CPU seconds of the calling thread (a back-test of one authority runs on one thread). */
static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int metric_kind(int m) { return m == BT_EHCP_TOTAL ? SEND_SEN2_JAN : SEND_SEN2_CY; }

static int horizon_of(int m, int period, int from)
{
    return metric_kind(m) == SEND_SEN2_JAN ? period - from : period + 1 - from;
}

static int add_row(send_bt_la *r, size_t *cap, send_bt_row row)
{
    if (des_grow((void **)&r->rows, cap, r->n_rows + 1, sizeof *r->rows))
        return -1;
    r->rows[r->n_rows++] = row;
    return 0;
}

/* The authority of observed that is authority la of data: by old code, new code, then name. */
static long observed_index(const send_sen2 *data, size_t la, const send_sen2 *obs,
                           des_error *err)
{
    if (obs == data)
        return (long)la;
    const send_sen2_la *a = send_sen2_la_at(data, la);
    const char *keys[3] = {a->old_code, a->new_code, a->name};
    for (int k = 0; k < 3; k++) {
        if (!keys[k][0])
            continue;
        long i = send_sen2_find(obs, keys[k], NULL);
        if (i >= 0)
            return i;
    }
    des_error_set(err, DES_EINPUT, "authority '%s' (%s) is not in the observed file '%s'",
                  send_sen2_la_code(a), a->name, send_sen2_path(obs));
    return -1;
}

/* Least-squares line through the last three published values, at period t; NaN if any is
 * missing. Counts are kept >= 0 and percentages in [0, 100]. */
static double naive_at(const send_sen2 *d, size_t la, int m, int from, int t)
{
    int last = send_sen2_last_period((send_sen2_kind)metric_kind(m), from);
    double y[3];
    for (int k = 0; k < 3; k++) {
        y[k] = send_sen2_value(d, la, send_bt_sen2_metric[m], last - 2 + k, from);
        if (isnan(y[k]))
            return NAN;
    }
    double mean = (y[0] + y[1] + y[2]) / 3.0, slope = (y[2] - y[0]) / 2.0;
    double f = mean + slope * (double)(t - (last - 1));
    if (f < 0)
        f = 0;
    if (m == BT_PCT_20W && f > 100)
        f = 100;
    return f;
}

/* Everything observed after the start for metric m: calls fn(period, value) in period order. */
static int for_each_observed(const send_sen2 *obs, long oi, int m, int from, int obs_as_of,
                             int (*fn)(void *, int, double), void *ctx)
{
    int first, last;
    if (!send_sen2_span(obs, (size_t)oi, send_bt_sen2_metric[m], obs_as_of, &first, &last))
        return 0;
    int p0 = send_sen2_last_period((send_sen2_kind)metric_kind(m), from) + 1;
    for (int p = p0; p <= last; p++) {
        double v = send_sen2_value(obs, (size_t)oi, send_bt_sen2_metric[m], p, obs_as_of);
        if (!isnan(v) && fn(ctx, p, v))
            return -1;
    }
    return 0;
}

/* The latest observed period of any compared metric, as the last calendar year it touches. */
static int last_year_needed(const send_sen2 *obs, long oi, int from, int obs_as_of)
{
    int need = from;
    for (int m = 0; m < BT_METRICS; m++) {
        int first, last;
        if (send_sen2_span(obs, (size_t)oi, send_bt_sen2_metric[m], obs_as_of, &first, &last) &&
            last > need)
            need = last;
    }
    return need;
}

typedef struct cmp_ctx {
    send_bt_la *out;
    size_t *cap;
    int m, from;
    const send_sen2 *data;
    const send_results *res; /* NULL: naive rows */
    int model_metric;
    double *scratch;
} cmp_ctx;

static int compare_one(void *vctx, int period, double value)
{
    cmp_ctx *c = vctx;
    send_bt_row row = {.metric = c->m, .naive = c->res == NULL, .period = period,
                       .horizon = horizon_of(c->m, period, c->from), .observed = value};
    if (!c->res) {
        double f = naive_at(c->data, c->out->la, c->m, c->from, period);
        if (isnan(f))
            return 0;
        row.p10 = row.p50 = row.p90 = f;
    } else {
        const send_output *o = &c->res->reps[0];
        int idx;
        if (metric_kind(c->m) == SEND_SEN2_JAN)
            idx = des_date_month_index(des_date_from_ymd(period, 1, 1)) - o->first_month_index;
        else
            idx = period - o->first_year;
        if (idx < 0 || idx >= send_output_periods(o, c->model_metric))
            return 0;
        send_stat st;
        send_results_get_stat(c->res, c->model_metric, idx, c->scratch, &st);
        if (st.n == 0)
            return 0;
        row.p10 = st.q[1];
        row.p50 = st.q[3];
        row.p90 = st.q[5];
    }
    return add_row(c->out, c->cap, row);
}

/* Stretch the horizon so that every observed period lies inside it. */
static void extend_to(send_params *p, int last_year)
{
    des_date end = des_date_from_ymd(last_year, 12, 31);
    if (p->end < end)
        p->end = end;
    for (int a = 0; a < p->n_authorities; a++)
        if (p->authorities[a].end < end)
            p->authorities[a].end = end;
}

uint64_t send_bt_la_seed(uint64_t seed, const send_sen2_la *a)
{
    const char *code = send_sen2_la_code(a);
    uint64_t h = run_fnv(UINT64_C(0xcbf29ce484222325), code, strlen(code));
    uint64_t s = des_mix64(des_mix64(seed) ^ h);
    return s ? s : 1;
}

static int run_model(const send_sen2 *data, long oi, const send_sen2 *obs,
                     const send_bt_opts *o, send_bt_la *out, size_t *cap)
{
    const send_sen2_la *a = send_sen2_la_at(data, out->la);
    const uint64_t seed = send_bt_la_seed(o->seed, a);
    const char *code = send_sen2_la_code(a);
    if (!code[0])
        code = "la";
    const char *dir = o->work_dir ? o->work_dir : ".";
    size_t n = strlen(dir) + strlen(code) + 64;
    char *path = malloc(n), *cpath = malloc(n);
    if (!path || !cpath) {
        free(path), free(cpath);
        return des_error_set(&out->err, DES_ENOMEM, "out of memory");
    }
    snprintf(path, n, "%s/%s-%d.yaml", dir, code, o->from);
    snprintf(cpath, n, "%s/%s-%d-calibrated.yaml", dir, code, o->from);
    send_bt_scenario_fn make = o->scenario ? o->scenario : send_bt_default_scenario;
    out->stage = BT_AT_SCENARIO;
    int rc = make(data, out->la, o->from, path, o->scenario_ctx, &out->err);
    const char *use = path;
    if (rc == DES_OK && o->calibrate) {
        out->stage = BT_AT_CALIBRATE;
        double c0 = thread_cpu();
        rc = o->calibrate(data, out->la, o->from, path, cpath, seed, o->calibrate_ctx, &out->err);
        out->calib_cpu_seconds = thread_cpu() - c0;
        use = cpath;
    }
    send_params p;
    int loaded = 0;
    if (rc == DES_OK) {
        out->stage = BT_AT_LOAD;
        rc = send_scenario_load(use, &p, NULL, &out->err);
        loaded = rc == DES_OK;
    }
    send_results res;
    memset(&res, 0, sizeof res);
    int ran = 0;
    if (rc == DES_OK) {
        extend_to(&p, last_year_needed(obs, oi, o->from, o->observed_as_of));
        rc = send_params_check(&p, &out->err);
    }
    if (rc == DES_OK) {
        out->stage = BT_AT_RUN;
        send_run_opts ro = {.seed = seed, .replications = o->replications, .threads = 1,
                            .cancel = o->cancel};
        double r0 = thread_cpu();
        rc = send_run(&p, &ro, &res, &out->err);
        out->rep_cpu_seconds = (thread_cpu() - r0) / o->replications;
        ran = rc == DES_OK;
    }
    double *scratch = NULL;
    if (rc == DES_OK && !(scratch = malloc((size_t)res.n * sizeof *scratch)))
        rc = des_error_set(&out->err, DES_ENOMEM, "out of memory");
    for (int m = 0; rc == DES_OK && m < BT_METRICS; m++) {
        cmp_ctx c = {.out = out, .cap = cap, .m = m, .from = o->from, .data = data,
                     .res = &res, .model_metric = send_metric_find(send_bt_model_metric[m]),
                     .scratch = scratch};
        if (c.model_metric < 0 || for_each_observed(obs, oi, m, o->from, o->observed_as_of, compare_one, &c))
            rc = des_error_set(&out->err, DES_ENOMEM, "out of memory");
    }
    if (rc == DES_OK) {
        mix_model_of(&res, scratch, o->from, out);
        out->has_model = 1;
        out->stage = BT_DONE;
    }
    free(scratch);
    if (ran)
        send_results_free(&res);
    if (loaded)
        send_params_free(&p);
    free(path);
    free(cpath);
    return rc;
}

int send_backtest_la(const send_sen2 *data, size_t la, const send_sen2 *observed,
                     const send_bt_opts *o, send_bt_la *out)
{
    memset(out, 0, sizeof *out);
    out->la = la;
    send_bt_mix_clear(out);
    double t0 = thread_cpu();
    const send_sen2_la *a = send_sen2_la_at(data, la);
    const char *code = send_sen2_la_code(a);
    /* The naive trend and any forecast start from the last three January caseloads. */
    int have = 0;
    for (int y = o->from - 2; y <= o->from; y++)
        if (!isnan(send_sen2_value(data, la, "ehcp_total", y, o->from)))
            have |= 1 << (y - (o->from - 2));
    if (have != 7) {
        char found[64] = "none";
        int first, last;
        if (send_sen2_span(data, la, "ehcp_total", o->from, &first, &last)) {
            if (first == last)
                snprintf(found, sizeof found, "%d only", first);
            else
                snprintf(found, sizeof found, "%d-%d%s", first, last,
                         first <= o->from - 2 && last == o->from ? " with gaps" : "");
        }
        out->stage = BT_AT_DATA;
        out->status = des_error_set(&out->err, DES_EINPUT,
                                    "authority '%s' (%s): too little data as of %d: expected "
                                    "January caseload (ehcp_total) for %d-%d, found %s",
                                    code, a->name, o->from, o->from - 2, o->from, found);
        return out->status;
    }
    long oi = observed_index(data, la, observed, &out->err);
    if (oi < 0) {
        out->stage = BT_AT_OBSERVED;
        return out->status = DES_EINPUT;
    }
    mix_observed(observed, oi, o->from, o->observed_as_of, out);
    size_t cap = 0;
    int rc = DES_OK;
    for (int m = 0; rc == DES_OK && m < BT_METRICS; m++) {
        cmp_ctx c = {.out = out, .cap = &cap, .m = m, .from = o->from, .data = data};
        if (for_each_observed(observed, oi, m, o->from, o->observed_as_of, compare_one, &c))
            rc = des_error_set(&out->err, DES_ENOMEM, "out of memory");
    }
    if (rc == DES_OK)
        rc = run_model(data, oi, observed, o, out, &cap);
    out->cpu_seconds = thread_cpu() - t0;
    return out->status = rc;
}

int send_bt_skipped(const send_bt_la *r)
{
    return r->status == DES_EINPUT &&
           (r->stage == BT_AT_DATA || r->stage == BT_AT_OBSERVED ||
            r->stage == BT_AT_SCENARIO || r->stage == BT_AT_CALIBRATE);
}

void send_bt_la_free(send_bt_la *r)
{
    if (!r)
        return;
    free(r->rows);
    r->rows = NULL;
    r->n_rows = 0;
}

int send_backtest_run(const send_sen2 *data, const size_t *las, size_t n,
                      const send_sen2 *observed, const send_bt_opts *o, send_bt_la *out)
{
    int threads = o->threads > 0 ? o->threads : omp_get_num_procs();
    int rank = 0, size = 1;
    if (o->ranks)
        run_dist_layout(&rank, &size);
    for (size_t i = 0; i < n; i++)
        memset(&out[i], 0, sizeof out[i]);
    /* this rank's authorities: i = rank, rank + size, ... (round robin, as sizes vary) */
    long mine = n > (size_t)rank ? (long)((n - (size_t)rank + (size_t)size - 1) / (size_t)size) : 0;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (long k = 0; k < mine; k++) {
        size_t i = (size_t)rank + (size_t)k * (size_t)size;
        if (o->cancel && *o->cancel) {
            out[i].la = las[i];
            out[i].status = des_error_set(&out[i].err, DES_ESTATE, "interrupted");
            continue;
        }
        send_backtest_la(data, las[i], observed, o, &out[i]);
    }
    int cancelled = o->cancel && *o->cancel;
    if (size > 1) {
        des_error e = {0};
        if (run_bt_exchange(out, n, &cancelled, &e) != DES_OK)
            for (size_t i = 0; i < n; i++)
                if (!out[i].status && (size_t)rank != i % (size_t)size) {
                    out[i].status = e.code;
                    out[i].stage = BT_AT_RUN;
                    out[i].err = e;
                }
    }
    if (cancelled)
        return DES_ESTATE;
    return DES_OK;
}

/* ---- the forecast-error term ------------------------------------------------------------- */

/* The origins of the pooled back-tests as of as_of: the years O in [as_of - 6, as_of - 1]
 * whose calibration can run (its history starts by O - 1 and needs that year's initial
 * requests: O - 1 at or after the first year of requests of any authority), at most three:
 * the first, the middle and the last. */
static int disc_origins(const send_sen2 *d, const size_t *las, size_t n, int as_of, int *org)
{
    int first_act = INT32_MAX;
    for (size_t i = 0; i < n; i++) {
        int f, l;
        if (send_sen2_span(d, las[i], "initial_requests", as_of, &f, &l) && f < first_act)
            first_act = f;
    }
    if (first_act == INT32_MAX)
        return 0;
    int lo = as_of - 6 > first_act + 1 ? as_of - 6 : first_act + 1, hi = as_of - 1;
    if (hi < lo)
        return 0;
    int k = 0;
    org[k++] = lo;
    if (hi - lo >= 2)
        org[k++] = lo + (hi - lo) / 2;
    if (hi > lo)
        org[k++] = hi;
    return k;
}

/* The least-squares slope of log spread[h - 1] on log h over h = 1..k (k >= 2, each spread
 * positive; NaN otherwise), kept in [0, 1.5]. */
static double log_log_slope(const double *spread, int k)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int h = 0; h < k; h++) {
        if (!(spread[h] > 0))
            return NAN;
        double lx = log(h + 1.0), ly = log(spread[h]);
        sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
    }
    double b = (k * sxy - sx * sy) / (k * sxx - sx * sx);
    return b < 0 ? 0 : b > 1.5 ? 1.5 : b;
}

/* How the spread of forecast errors grows with the horizon, as of as_of, for metric m: the
 * naive trend (naive_at, from the three values published by each origin O) against every
 * value published by June of as_of, pooled over the authorities las and every origin O <
 * as_of whose trend exists (January caseload from 2010 gives up to eight horizons; activity
 * series fewer), log(published / trend) for both positive. spread[h - 1] = P90 - P10 of those
 * at horizon h, for h = 1, 2, ... while a horizon pools min_values; with two or more of them,
 * *growth is the least-squares slope of log spread on log h (each horizon one point), kept
 * in [0, 1.5], and the count of horizons is returned; with fewer, *growth = 0.5 (the spread
 * of a random walk, as sqrt(h): the stated assumption) and 0 is returned. -1: no memory.
 * Cost: O(authorities x origins x periods) look-ups, no simulation. */
static int disc_growth(const send_sen2 *d, const size_t *las, size_t n, int as_of, int m,
                       int min_values, double *growth, double spread[SEND_DISC_H])
{
    double *x[SEND_DISC_H] = {0};
    size_t nx[SEND_DISC_H] = {0}, cx[SEND_DISC_H] = {0};
    int kind = metric_kind(m), ok = 1;
    int p_last = send_sen2_last_period((send_sen2_kind)kind, as_of);
    for (size_t i = 0; ok && i < n; i++) {
        for (int o = as_of - SEND_DISC_H - 3; ok && o < as_of; o++) {
            for (int p = send_sen2_last_period((send_sen2_kind)kind, o) + 1; p <= p_last; p++) {
                int h = horizon_of(m, p, o);
                if (h < 1 || h > SEND_DISC_H)
                    continue;
                double obs = send_sen2_value(d, las[i], send_bt_sen2_metric[m], p, as_of);
                double f = naive_at(d, las[i], m, o, p);
                if (!(obs > 0 && f > 0))
                    continue;
                if (des_grow((void **)&x[h - 1], &cx[h - 1], nx[h - 1] + 1, sizeof *x[h - 1])) {
                    ok = 0;
                    break;
                }
                x[h - 1][nx[h - 1]++] = log(obs / f);
            }
        }
    }
    int k = 0;
    static const double lv[2] = {0.1, 0.9};
    while (ok && k < SEND_DISC_H && nx[k] >= (size_t)min_values) {
        double q[2];
        des_quantiles(x[k], nx[k], lv, 2, q);
        if (!(q[1] - q[0] > 0))
            break;
        spread[k] = q[1] - q[0];
        k++;
    }
    for (int h = 0; h < SEND_DISC_H; h++)
        free(x[h]);
    if (!ok)
        return -1;
    *growth = 0.5;
    if (k < 2)
        return 0;
    *growth = log_log_slope(spread, k);
    return k;
}

int send_bt_discrepancy(const send_sen2 *data, const size_t *las, size_t n, int as_of,
                        const send_bt_opts *pool, int min_values, send_discrepancy *out,
                        des_error *err)
{
    if (min_values <= 0)
        min_values = SEND_BT_DISC_MIN;
    memset(out, 0, sizeof *out);
    static const double levels[SEND_DISC_Q] = {0.025, 0.05, 0.1,  0.15, 0.2,  0.25, 0.3,
                                               0.35,  0.4,  0.45, 0.5,  0.55, 0.6,  0.65,
                                               0.7,   0.75, 0.8,  0.85, 0.9,  0.95, 0.975};
    enum { I10 = 2, I90 = 18 }; /* levels[I10] = 0.1, levels[I90] = 0.9 */
    int org[3];
    int n_org = disc_origins(data, las, n, as_of, org);
    if (n_org == 0)
        return des_error_set(err, DES_EINPUT,
                             "no earlier start for the forecast-error term as of %d: the data "
                             "hold no initial_requests before %d",
                             as_of, as_of - 1);
    send_bt_la *res = calloc(n ? n : 1, sizeof *res);
    /* log ratios by metric and horizon, grown as rows come */
    double *x[BT_METRICS][SEND_DISC_H] = {{0}};
    size_t nx[BT_METRICS][SEND_DISC_H] = {{0}}, cx[BT_METRICS][SEND_DISC_H] = {{0}};
    int rc = res ? DES_OK : des_error_set(err, DES_ENOMEM, "out of memory");
    char *used = calloc(n ? n : 1, 1);
    if (!used && rc == DES_OK)
        rc = des_error_set(err, DES_ENOMEM, "out of memory");
    /* the same errors by authority, origin and horizon (one record each), for their correlation */
    double *rec = NULL;
    int *rec_h = NULL;
    size_t n_rec = 0, c_rec = 0;
    for (int k = 0; rc == DES_OK && k < n_org; k++) {
        send_bt_opts o = *pool;
        o.from = org[k];
        o.observed_as_of = as_of;
        rc = send_backtest_run(data, las, n, data, &o, res);
        if (rc != DES_OK)
            rc = des_error_set(err, DES_ESTATE, "interrupted");
        for (size_t i = 0; rc == DES_OK && i < n; i++) {
            double one[SEND_DISC_H][BT_METRICS];
            for (int h = 0; h < SEND_DISC_H; h++)
                for (int m = 0; m < BT_METRICS; m++)
                    one[h][m] = NAN;
            for (size_t j = 0; res[i].status == DES_OK && j < res[i].n_rows; j++) {
                const send_bt_row *w = &res[i].rows[j];
                if (w->naive || !(w->observed > 0) || !(w->p50 > 0) || w->horizon < 1 ||
                    w->horizon > SEND_DISC_H)
                    continue;
                used[i] = 1;
                int m = w->metric, h = w->horizon - 1;
                if (des_grow((void **)&x[m][h], &cx[m][h], nx[m][h] + 1, sizeof *x[m][h])) {
                    rc = des_error_set(err, DES_ENOMEM, "out of memory");
                    break;
                }
                x[m][h][nx[m][h]++] = one[h][m] = log(w->observed / w->p50);
            }
            for (int h = 0; rc == DES_OK && h < SEND_DISC_H; h++) {
                int have = 0;
                for (int m = 0; m < BT_METRICS; m++)
                    have += !isnan(one[h][m]);
                if (have < 2)
                    continue;
                if (n_rec == c_rec) {
                    size_t c = c_rec ? 2 * c_rec : 256;
                    double *p = realloc(rec, c * BT_METRICS * sizeof *p);
                    int *q = p ? realloc(rec_h, c * sizeof *q) : NULL;
                    if (p)
                        rec = p;
                    if (!q) {
                        rc = des_error_set(err, DES_ENOMEM, "out of memory");
                        break;
                    }
                    rec_h = q;
                    c_rec = c;
                }
                memcpy(rec + n_rec * BT_METRICS, one[h], sizeof one[h]);
                rec_h[n_rec++] = h;
            }
        }
        for (size_t i = 0; i < n; i++)
            send_bt_la_free(&res[i]);
    }
    int slot_of[BT_METRICS]; /* the term's slot of each back-test metric, -1 for none */
    for (int m = 0; m < BT_METRICS; m++)
        slot_of[m] = -1;
    if (rc == DES_OK) {
        out->as_of = as_of;
        out->n_q = SEND_DISC_Q;
        memcpy(out->levels, levels, sizeof levels);
        out->n_origins = n_org;
        memcpy(out->origins, org, (size_t)n_org * sizeof *org);
        out->replications = pool->replications;
        for (size_t i = 0; i < n; i++)
            out->authorities += used[i];
        for (int m = 0; m < BT_METRICS; m++) {
            int s = out->n_metrics;
            out->metric[s] = send_metric_find(send_bt_model_metric[m]);
            /* horizons 1, 2, ... while each pools enough values to read its tails */
            int h = 0;
            while (h < SEND_DISC_H && nx[m][h] >= (size_t)min_values) {
                des_quantiles(x[m][h], nx[m][h], levels, SEND_DISC_Q, out->q[s][h]);
                /* centred: the spread only, no bias correction (a few origins' median is
                 * their years' common shock, which does not recur) */
                double med = out->q[s][h][SEND_DISC_Q / 2];
                for (int j = 0; j < SEND_DISC_Q; j++)
                    out->q[s][h][j] -= med;
                out->n[s][h] = (int)nx[m][h];
                h++;
            }
            out->n_h[s] = h;
            memset(out->growth_spread[s], 0, sizeof out->growth_spread[s]);
            int g = disc_growth(data, las, n, as_of, m, min_values, &out->growth[s],
                                out->growth_spread[s]);
            if (g < 0) {
                rc = des_error_set(err, DES_ENOMEM, "out of memory");
                break;
            }
            out->growth_h[s] = g;
            /* the term's own errors, where measured over at least as many horizons as the
             * naive trend's, say better how the model's errors grow than the naive's do */
            if (h >= 2 && h >= g) {
                double sp[SEND_DISC_H];
                for (int k = 0; k < h; k++)
                    sp[k] = out->q[s][k][I90] - out->q[s][k][I10];
                double gt = log_log_slope(sp, h);
                if (!isnan(gt)) {
                    out->growth[s] = gt;
                    out->growth_term[s] = 1;
                }
            }
            if (h > 0 && out->metric[s] >= 0)
                slot_of[m] = out->n_metrics++;
        }
    }
    if (rc == DES_OK && out->n_metrics > 1 && n_rec >= SEND_BT_CORR_MIN) {
        /* ranked within each horizon: the spread differs by horizon, the dependence is pooled */
        double c[BT_METRICS * BT_METRICS];
        if (des_normal_score_corr(rec, rec_h, n_rec, BT_METRICS, c) != 0)
            rc = des_error_set(err, DES_ENOMEM, "out of memory");
        for (int a = 0; rc == DES_OK && a < BT_METRICS; a++)
            for (int b = 0; b < BT_METRICS; b++)
                if (slot_of[a] >= 0 && slot_of[b] >= 0)
                    out->corr[slot_of[a]][slot_of[b]] = c[a * BT_METRICS + b];
        if (rc == DES_OK && send_discrepancy_factor(out) < 0)
            rc = des_error_set(err, DES_ENOMEM, "out of memory");
        out->has_corr = rc == DES_OK;
        out->corr_n = (int)n_rec;
    }
    free(rec);
    free(rec_h);
    for (int m = 0; m < BT_METRICS; m++)
        for (int h = 0; h < SEND_DISC_H; h++)
            free(x[m][h]);
    free(used);
    free(res);
    return rc;
}

int send_bt_discrepancy_default(const send_sen2 *data, int as_of, const send_bt_pool *p,
                                send_discrepancy *out, des_error *err)
{
    send_bt_init_ctx ictx = {.england = p->england, .data_label = p->data_label, .priors = 1,
                             .reverting_timeliness = p->reverting_timeliness};
    send_calib_opts copts = {.england = p->england, .data_label = p->data_label,
                             .england_label = p->england_label, .seed = p->seed, .threads = 1,
                             .quiet = 1, .particles = SEND_BT_POOL_PARTICLES,
                             .max_simulations = SEND_BT_POOL_SIMULATIONS,
                             .fit_all = p->fit_all, .exact = p->exact,
                             .reverting_timeliness = p->reverting_timeliness};
    send_bt_opts po = {.replications = SEND_BT_POOL_REPLICATIONS, .seed = p->seed,
                       .threads = p->threads, .scenario_ctx = &ictx, .work_dir = p->work_dir,
                       .calibrate = send_calibrate_bt, .calibrate_ctx = &copts,
                       .cancel = p->cancel, .ranks = p->ranks};
    size_t na = send_sen2_count(data);
    size_t *all = malloc((na ? na : 1) * sizeof *all);
    if (!all)
        return des_error_set(err, DES_ENOMEM, "out of memory");
    for (size_t i = 0; i < na; i++)
        all[i] = i;
    int rc = send_bt_discrepancy(data, all, na, as_of, &po, 0, out, err);
    free(all);
    return rc;
}

/* ---- the scenario step ------------------------------------------------------------------------ */

int send_bt_default_scenario(const send_sen2 *d, size_t la, int as_of, const char *path,
                             void *ctx, des_error *err)
{
    const send_bt_init_ctx *c = ctx;
    if (!c || !c->england)
        return des_error_set(err, DES_EINVAL, "the back-test scenario step needs England's series");
    send_init_opts io = {.as_of = as_of, .data_label = c->data_label ? c->data_label
                                                                       : send_sen2_path(d),
                         .england = c->england,
                         .england_label = c->england_label ? c->england_label
                                                           : send_sen2_path(c->england),
                         .priors = c->priors, .pool = c->pool,
                         .pool_label = c->pool_label,
                         .reverting_timeliness = c->reverting_timeliness};
    return send_init_scenario(d, la, &io, path, err);
}
