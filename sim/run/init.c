/* init.c - `sendsim init`: a baseline scenario for one authority from its published SEN2 series.
 *
 * Reads the authority's series (and England's, for national defaults) through send_sen2 with
 * the as-of filter on every lookup, so no figure published after June of as_of can reach the
 * file; derives the model's parameters (the arithmetic is in docs/guide.md, "sendsim init") and
 * writes the scenario as YAML text, each value with a comment naming its series and year,
 * "national default scaled by ..." or "assumption". The file is written atomically.
 *
 * Invariants: the opening placements add up to the opening plans by age (the loader checks it);
 * request hazards are such that the expected requests of the opening SEN Support stock plus the
 * direct requests equal the base year's published initial requests; every prior has its mean
 * inside its key's range and a positive sd (rate_prior_of), so the loader takes it.
 * Cost: O(authorities x years) lookups (the pooled prior spreads), each O(log rows).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "send_init.h"
#include "send_io.h"
#include "send_model.h"

/* ---- lookups ------------------------------------------------------------------------------ */

typedef struct ictx {
    const send_sen2 *d;
    size_t la;
    const send_init_opts *o;
    int Y, Y0;          /* as-of year, start year */
    const char *src;    /* data label for comments */
    const send_sen2 *P; /* the authorities pooled for shrinkage, priors and the capacity response */
    int PY;             /* the pool's as-of year: Y, or the pool file's last January if earlier */
    const char *psrc;   /* the pool's label for comments */
    const char *esrc;   /* England data label */
    io_buf *b;
    des_error *err;
    int failed;
} ictx;

static double val(const ictx *c, const char *metric, int period)
{
    return send_sen2_value(c->d, c->la, metric, period, c->Y);
}

static double eng(const ictx *c, const char *metric, int period)
{
    return send_sen2_value(c->o->england, 0, metric, period, c->Y);
}

static double val0(const ictx *c, const char *metric, int period)
{
    double v = val(c, metric, period);
    return isnan(v) ? 0 : v;
}

/* Fail (once) naming a missing series. */
static double need(ictx *c, const char *metric, int period, const char *what)
{
    double v = val(c, metric, period);
    if (isnan(v) && !c->failed) {
        const send_sen2_la *a = send_sen2_la_at(c->d, c->la);
        des_error_set(c->err, DES_EINPUT,
                      "too little data for '%s' as of %d: %s %d (%s) is not published in '%s'",
                      a->name, c->Y, metric, period, what, c->src);
        c->failed = 1;
    }
    return isnan(v) ? 0 : v;
}

/* The share num / den of the latest year <= upto publishing both with den > 0 (a SEN2 measure
 * over its base, e.g. requests_withdrawn / initial_requests): the year, or 0 when none. */
static int latest_share(const ictx *c, const char *num_metric, const char *den_metric,
                           int upto, double *share)
{
    for (int y = upto; y >= 1990; y--) {
        double n = val(c, num_metric, y), d = val(c, den_metric, y);
        if (!isnan(n) && !isnan(d) && d > 0) {
            *share = fmin(1, n / d);
            return y;
        }
    }
    return 0;
}

/* The latest period <= upto holding a value of metric; 0 when none. */
static int latest(const ictx *c, const char *metric, int upto, double *v)
{
    for (int y = upto; y >= 1990; y--) {
        double x = val(c, metric, y);
        if (!isnan(x)) {
            *v = x;
            return y;
        }
    }
    return 0;
}

/* ---- YAML text ------------------------------------------------------------------------------ */

static void out(ictx *c, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof tmp) { /* a long block: format again into the heap */
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, ap2);
            io_buf_add(c->b, big, (size_t)n);
        } else {
            c->b->oom = 1;
        }
        free(big);
    } else if (n > 0) {
        io_buf_add(c->b, tmp, (size_t)n);
    }
    va_end(ap2);
}

/* "<indent>key: value" padded to column 36, then "# comment". */
static void kv(ictx *c, int indent, const char *key, const char *value, const char *fmt, ...)
{
    char head[512], com[512];
    int n = snprintf(head, sizeof head, "%*s%s: %s", indent, "", key, value);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(com, sizeof com, fmt, ap);
    va_end(ap);
    out(c, "%s%*s# %s\n", head, n < 35 ? 35 - n : 1, "", com);
}

/* Numbers as the file shows them: counts rounded, rates to 4 significant figures. */
static const char *num(char *s, double x)
{
    snprintf(s, 32, "%.4g", x);
    return s;
}
static const char *cnt(char *s, double x)
{
    snprintf(s, 32, "%.0f", round(x));
    return s;
}

static double round_sig(double x, int sig)
{
    char s[40];
    snprintf(s, sizeof s, "%.*g", sig, x);
    return strtod(s, NULL);
}

/* ---- national defaults ---------------------------------------------------------------------- */

/* School-census prevalence of SEN Support and EHC plans, England, January [ref: DfE-SEN];
 * published in June of that year. */
static const struct {
    int year;
    double sen_support, ehcp;
} prevalence[] = {{2017, 0.116, 0.028}, {2018, 0.117, 0.029}, {2019, 0.119, 0.031}};

/* A national figure and the year it was published: the latest published by as_of is used. */
typedef struct nat_fig {
    int published;
    double value;
    const char *source;
} nat_fig;

static const nat_fig cost_independent[] = {
    {2017, 52000, "independent special school average 2015/16 [ref: SW-FOI-2017]"},
    {2018, 53700, "derived: 565m / 10,520 pupils 2017/18 [ref: Tes-2018]"},
    {2026, 64000, "independent and non-maintained spend per pupil 2024/25 [ref: PQ-100030]"}};
static const nat_fig cost_special[] = {
    {2023, 24154, "derived: 10,000 place + top-up 11,088-17,220 (midpoint) 2022/23 [ref: Funding-rules, Devon-FOI-2023]"},
    {2026, 26000, "state special school average 2024/25 [ref: DfE-2026-ISS]"}};
static const nat_fig cost_transport[] = {
    {2023, 6800, "SEND transport per pupil, county areas 2018/19 [ref: Isos-CCN-2023]"},
    {2025, 9800, "SEND transport per pupil, county areas 2023/24 [ref: NAO-2025-HTST]"}};
static const nat_fig topup_mainstream[] = {
    {2023, 3100, "top-up: middle band 2022/23 [ref: Devon-FOI-2023]"}};
static const nat_fig infl_independent[] = {
    {2026, 0.043, "derived: 54,000 (2020/21) to 64,000 (2024/25) [ref: PQ-100030]"}};
static const nat_fig infl_transport[] = {
    {2025, 0.076, "derived: 6,800 (2018/19) to 9,800 (2023/24) [ref: Isos-CCN-2023, NAO-2025-HTST]"}};
static const nat_fig ep_hours[] = {
    {2026, 17.4, "EP hours per new plan [ref: DfE-2026-EP]"}};
static const nat_fig need_weights[] = {
    {2025, 1, "derived: need mix by placement vs all plans, Jan 2025 [ref: DfE-EHCP]"}};

/* The latest figure published by as_of, or the fallback labelled as an assumption. */
static double nat(const ictx *c, const nat_fig *f, size_t n, double fallback, char *label,
                  size_t cap)
{
    for (size_t i = n; i-- > 0;)
        if (f[i].published <= c->Y) {
            snprintf(label, cap, "%s", f[i].source);
            return f[i].value;
        }
    snprintf(label, cap, "assumption (no national figure published by %d)", c->Y);
    return fallback;
}
#define NAT(c, f, fb, lab) nat(c, f, sizeof f / sizeof f[0], fb, lab, sizeof lab)

/* ---- derived quantities -------------------------------------------------------------------- */

/* Geometric mean annual growth of metric over the longest window of up to maxk years ending
 * at last; the first year used in *y1. NaN when fewer than two years are published. */
static double growth(const send_sen2 *d, size_t la, const char *metric, int as_of, int last,
                     int maxk, int *y1)
{
    double r1 = send_sen2_value(d, la, metric, last, as_of);
    if (isnan(r1) || r1 <= 0)
        return NAN;
    for (int k = maxk; k >= 1; k--) {
        double r0 = send_sen2_value(d, la, metric, last - k, as_of);
        if (!isnan(r0) && r0 > 0) {
            if (y1)
                *y1 = last - k;
            return pow(r1 / r0, 1.0 / k) - 1;
        }
    }
    return NAN;
}

/* The request trend: requests grow as the caseload did over the last three Januaries (requests
 * per plan held steady). A two- or three-year growth of requests themselves is dominated by
 * single-year jumps (see docs/guide.md), so it is reported beside it, not extrapolated. */
#define TREND_METRIC "ehcp_total"
#define TREND_YEARS 3

static double ratio(const send_sen2 *d, size_t la, const char *num_m, const char *den_m, int y,
                    int as_of)
{
    double a = send_sen2_value(d, la, num_m, y, as_of);
    double b = send_sen2_value(d, la, den_m, y, as_of);
    return (isnan(a) || isnan(b) || b <= 0) ? NAN : a / b;
}

/* Sample standard deviation of the finite x[0..n); NaN when fewer than 2. */
static double sd_of(const double *x, size_t n)
{
    double s = 0, s2 = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i])) {
            s += x[i];
            m++;
        }
    if (m < 2)
        return NAN;
    double mean = s / (double)m;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            s2 += (x[i] - mean) * (x[i] - mean);
    return sqrt(s2 / (double)(m - 1));
}

/* The spread of a quantity for the prior's sd: across every authority of the file as of the
 * same date when it holds at least 5 with a value (pooling), else the authority's own
 * year-to-year spread over the published years. kind 0: request growth (up to 5 years); 1: a ratio
 * num/den of year as_of-1, its change from the year before (pooled) or its yearly values
 * (own). *pooled tells which. */
static double prior_sd(const ictx *c, int kind, const char *num_m, const char *den_m,
                       int *pooled, size_t *n_used)
{
    size_t n = send_sen2_count(c->P);
    double *x = malloc((n + 16) * sizeof *x);
    if (!x)
        return NAN;
    size_t m = 0;
    int plast = c->PY - 1, last = c->Y - 1;
    for (size_t i = 0; i < n; i++) {
        double v = kind == 0 ? growth(c->P, i, TREND_METRIC, c->PY, c->PY, TREND_YEARS, NULL)
                             : ratio(c->P, i, num_m, den_m, plast, c->PY) -
                                   ratio(c->P, i, num_m, den_m, plast - 1, c->PY);
        x[i] = v;
        if (isfinite(v))
            m++;
    }
    double s;
    if (m >= 5) {
        s = sd_of(x, n);
        *pooled = 1;
        *n_used = m;
    } else {
        m = 0;
        for (int y = last - 5; y <= last; y++) {
            double v;
            if (kind == 0) {
                double a = val(c, TREND_METRIC, y + 1), b = val(c, TREND_METRIC, y);
                v = (isnan(a) || isnan(b) || b <= 0) ? NAN : a / b - 1;
            } else {
                v = ratio(c->d, c->la, num_m, den_m, y, c->Y);
            }
            x[m++] = v;
        }
        s = sd_of(x, m);
        *pooled = 0;
        *n_used = 0;
        for (size_t i = 0; i < m; i++)
            *n_used += isfinite(x[i]) != 0;
    }
    free(x);
    return s;
}

/* The request growth shrunk toward the authorities' pooled growth (empirical Bayes, a random
 * effect per authority): each authority's yearly ehcp_total growth over the TREND_YEARS
 * Januaries to as_of is its own persistent growth plus independent yearly noise. Over every
 * authority of the file with all those Januaries published by as_of: gbar the mean of their
 * TREND_YEARS-year growths; noise the mean sample variance of their yearly growths over
 * TREND_YEARS (the variance of a TREND_YEARS-year mean); tau2 the variance of the growths less
 * that noise (at least 0). The authority's growth is gbar + w (g - gbar), w = tau2 / (tau2 +
 * noise), with sd sqrt(w noise) about it. This rule is fixed in advance and uses only data
 * published by as_of; it is why an authority whose caseload grew fast (or slowly) over three
 * years is not extrapolated at that rate for ten (see docs/guide.md, Forecast error by
 * component). Fewer than 5 such authorities: no pooling (w = 1, *n_used = 0). */
typedef struct growth_pool {
    double gbar, noise, tau2, w, g, sd;
    size_t n_used;
} growth_pool;

static growth_pool growth_shrunk(const ictx *c, double g_own)
{
    growth_pool r = {.w = 1, .g = g_own, .sd = NAN};
    double sg = 0, sg2 = 0, sv = 0;
    size_t n = send_sen2_count(c->P), m = 0;
    for (size_t i = 0; i < n; i++) {
        double v[TREND_YEARS + 1];
        int ok = 1;
        for (int k = 0; k <= TREND_YEARS && ok; k++) {
            v[k] = send_sen2_value(c->P, i, TREND_METRIC, c->PY - TREND_YEARS + k, c->PY);
            ok = isfinite(v[k]) && v[k] > 0;
        }
        if (!ok)
            continue;
        double gi = pow(v[TREND_YEARS] / v[0], 1.0 / TREND_YEARS) - 1, a[TREND_YEARS];
        for (int k = 0; k < TREND_YEARS; k++)
            a[k] = v[k + 1] / v[k] - 1;
        double s = sd_of(a, TREND_YEARS);
        sg += gi;
        sg2 += gi * gi;
        sv += s * s;
        m++;
    }
    if (m < 5)
        return r;
    r.n_used = m;
    r.gbar = sg / (double)m;
    r.noise = sv / (double)m / TREND_YEARS;
    double var = (sg2 - (double)m * r.gbar * r.gbar) / (double)(m - 1);
    r.tau2 = fmax(0, var - r.noise);
    r.w = r.tau2 + r.noise > 0 ? r.tau2 / (r.tau2 + r.noise) : 0;
    r.g = r.gbar + r.w * (g_own - r.gbar);
    r.sd = sqrt(r.w * r.noise);
    return r;
}

/* The year-to-year variation of a published series beyond its trend and beyond chance (see
 * send_init.h): for each authority of [from, to) with the metric at least 10 in at least 3 of
 * the periods y0..y1 (as published by as_of), the residuals of log(value) about its own
 * straight line in the period; their pooled variance (residual sum of squares over degrees of
 * freedom) less the Poisson part (the mean of 1 / value) is the square of the log sd. 0 when
 * nothing is left; *n_used the authorities pooled. O(authorities x periods). */
double send_init_year_sd(const send_sen2 *d, const char *metric, int y0, int y1, int as_of,
                         size_t from, size_t to, size_t *n_used, double *dof_out)
{
    enum { MAXP = 16 };
    double ss = 0, dof = 0, poisson = 0, npts = 0;
    *n_used = 0;
    if (y1 - y0 + 1 > MAXP)
        y0 = y1 - MAXP + 1;
    for (size_t i = from; i < to; i++) {
        double x[MAXP], y[MAXP], w[MAXP];
        int n = 0;
        for (int yr = y0; yr <= y1; yr++) {
            double r = send_sen2_value(d, i, metric, yr, as_of);
            if (isfinite(r) && r >= 10) {
                x[n] = yr;
                y[n] = log(r);
                w[n] = 1 / r;
                n++;
            }
        }
        if (n < 3)
            continue;
        double mx = 0, my = 0;
        for (int k = 0; k < n; k++)
            mx += x[k] / n, my += y[k] / n;
        double sxx = 0, sxy = 0;
        for (int k = 0; k < n; k++)
            sxx += (x[k] - mx) * (x[k] - mx), sxy += (x[k] - mx) * (y[k] - my);
        double b = sxy / sxx;
        for (int k = 0; k < n; k++) {
            double e = y[k] - my - b * (x[k] - mx);
            ss += e * e;
            poisson += w[k];
            npts += 1;
        }
        dof += n - 2;
        (*n_used)++;
    }
    if (dof_out)
        *dof_out = dof;
    if (dof <= 0)
        return 0;
    /* ss / dof estimates a point's variance about its line (the line's two parameters taken
     * off); of that, a Poisson count contributes 1 / value on the log scale */
    double excess = ss / dof - poisson / npts;
    return excess > 0 ? sqrt(excess) : 0;
}

/* The year-to-year variation of request rates (requests.year_sd): send_init_year_sd of
 * initial_requests over the 5 years to Y - 1, as of Y, for the authorities [from, to) of d. */
static double year_sd_over(const send_sen2 *d, int Y, size_t from, size_t to, size_t *n_used,
                           double *dof_out)
{
    return send_init_year_sd(d, "initial_requests", Y - 5, Y - 1, Y, from, to, n_used, dof_out);
}

/* year_sd_over pooled over every authority of the file when at least 5 qualify (*pooled = 1),
 * else over the authority's own series (*pooled = 0; *dof its degrees of freedom). */
static double year_sd_pooled(const ictx *c, int *pooled, size_t *n_used, double *dof)
{
    double s = year_sd_over(c->P, c->PY, 0, send_sen2_count(c->P), n_used, dof);
    *pooled = *n_used >= 5;
    if (!*pooled)
        s = year_sd_over(c->d, c->Y, c->la, c->la + 1, n_used, dof);
    return s;
}

int send_init_pool_year(const send_sen2 *pool, const char *label, int as_of, des_error *err)
{
    int last = 0;
    for (size_t i = 0; i < send_sen2_count(pool); i++) {
        int f, l;
        if (send_sen2_span(pool, i, "ehcp_total", as_of, &f, &l) && l > last)
            last = l;
    }
    if (!last)
        des_error_set(err, DES_EINPUT, "the pool '%s' holds no ehcp_total published by %d",
                      label ? label : send_sen2_path(pool), as_of);
    return last;
}

void send_init_slug(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < cap; p++)
        out[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a')
                   : ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) ? *p : '-';
    if (cap)
        out[n] = '\0';
}

/* The mean yearly log growth of a series x[0..n-1] (a random walk's drift). */
static double log_growth_mean(const double *x, int n)
{
    return log(x[n - 1] / x[0]) / (n - 1);
}

/* The sample sd of the yearly log growths of x[0..n-1] (n >= 3: at least two growths). */
static double log_growth_sd(const double *x, int n)
{
    double m = 0, ss = 0;
    for (int i = 1; i < n; i++)
        m += log(x[i] / x[i - 1]) / (n - 1);
    for (int i = 1; i < n; i++) {
        double d = log(x[i] / x[i - 1]) - m;
        ss += d * d;
    }
    return sqrt(ss / (n - 2));
}

/* A beta prior's sd: the spread found, at most half the largest a beta of that mean allows. */
static double beta_sd(double mean, double sd)
{
    return round_sig(fmin(sd, 0.5 * sqrt(mean * (1 - mean))), 2);
}

/* The prior of a rate k / n written by init: d1 refusal and d2 issue (shares, beta) and moving
 * away (per plan-year, lognormal). The mean must lie inside the key's range: a rate on an edge
 * (k = 0; k = n for a share) is moved inside by half a case, (k + 1/2) / (n + 1), and a beta
 * mean is at most 0.995 (written to 3 figures it stays below 1). The sd is the spread prior_sd
 * finds (pooled, or the authority's own years), never below the floor sqrt(p (1 - p) / n), the
 * binomial sampling sd of the rate: a spread of 0, or none, does not make the rate exact. Both
 * are positive whatever the data (n > 0). *mean_why and *sd_why say what the comment shows. */
typedef struct rate_prior {
    double mean, sd;
    char mean_why[160], sd_why[200];
} rate_prior;

static rate_prior rate_prior_of(const ictx *c, const char *num_m, const char *den_m, double k,
                                double n, int share, const char *pooled_text)
{
    rate_prior r = {0};
    if (share && k > n)
        k = n; /* issued after assessments completed the year before */
    int edge = k <= 0 || (share && k >= n);
    double p = edge ? (k + 0.5) / (n + 1) : k / n;
    r.mean = round_sig(share ? fmin(p, 0.995) : p, 3);
    int len = 0;
    if (edge)
        len = snprintf(r.mean_why, sizeof r.mean_why, "= %.0f / %.0f, on the edge of the range: "
                       "moved inside by half a case, (%.0f + 1/2) / (%.0f + 1) ", k, n, k, n);
    if (share && p > 0.995)
        snprintf(r.mean_why + len, sizeof r.mean_why - (size_t)len, "%sat most 0.995 ", len ? ", " : "");
    int pooled;
    size_t nu;
    double s = prior_sd(c, 1, num_m, den_m, &pooled, &nu);
    double fl = sqrt(r.mean * (1 - r.mean) / n);
    if (isfinite(s) && s >= fl) {
        r.sd = s;
        if (pooled && c->P != c->d)
            snprintf(r.sd_why, sizeof r.sd_why, "%s, %s as of %d", pooled_text, c->psrc, c->PY);
        else
            snprintf(r.sd_why, sizeof r.sd_why, "%s",
                     pooled ? pooled_text : "the authority's own yearly values");
    } else {
        r.sd = fl;
        snprintf(r.sd_why, sizeof r.sd_why,
                 "floor sqrt(p (1 - p) / n), the binomial sampling sd of the rate (n = %.0f): %s",
                 n, pooled ? "the spread across authorities (pooled) is smaller"
                    : isfinite(s) ? "the authority's own yearly values spread less"
                                  : "fewer than two yearly values of the authority's own");
    }
    /* a beta sd at most half the largest of its mean; a lognormal sd at most its mean */
    r.sd = share ? beta_sd(r.mean, r.sd) : round_sig(fmin(r.sd, r.mean), 2);
    return r;
}

/* ---- the scenario --------------------------------------------------------------------------- */

enum { P_MAIN, P_RES, P_SPEC, P_IND, P_RESID, P_FE, P_SP16, P_AP, P_EY, P_OTHER, P_AWAIT, P_N };
static const char *const prov_key[P_N] = {"mainstream", "resourced", "special", "independent",
                                          "residential", "fe_college", "specialist_post16", "ap",
                                          "early_years", "other", "awaiting"};
static const char *const band_metric[5] = {"ehcp_age_under5", "ehcp_age_5_10", "ehcp_age_11_15",
                                           "ehcp_age_16_19", "ehcp_age_20_25"};
static const char *const band_key[5] = {"under5", "5_10", "11_15", "16_19", "20_25"};

/* SEN Support need mix and request multipliers by need (the hand-set baseline's assumptions,
 * kept so that a user edits one place): the mean multiplier scales the hazards. */
static const struct {
    const char *need;
    double sen_share, mult;
    const char *share_src;
} needs[] = {{"mld", 0.25, 0.7, "[ref: DfE-SEN] MLD 25% (2017)"},
             {"slcn", 0.23, 0.8, "[ref: DfE-SEN] SLCN 23% (2019)"},
             {"semh", 0.18, 1.3, "assumption"},
             {"autism", 0.08, 2.5, "assumption"},
             {"sld_pmld", 0.02, 3.0, "assumption"},
             {"physical_sensory", 0.07, 1.0, "assumption"},
             {"other", 0.17, 0.8, "assumption (specific LD, other, not recorded)"}};

/* Opening SEN Support age weights (assumption): 4: 0.5, 5: 0.7, 6-10: 1.0, 11-15: 0.85. */
#define W_AGE4 0.5
#define W_5_10 5.7  /* 0.7 + 5 x 1.0 */
#define W_11_15 4.25
#define W_TOTAL 10.45
/* England new plans by age, 2019 [ref: DfE-EHCP]: the age mix of requests. */
#define NEW_U5 0.230
#define NEW_5_10 0.465
#define NEW_11_15 0.251
#define NEW_16_19 0.046
#define NEW_20_25 0.008
/* Left-education hazard shape by age (assumption): 16-18: 1, 19-20: 40, 21-25: 25. Per plan of
 * the 16-19 band (4 ages: 3 x 1 + 40) / 4, of the 20-25 band (40 + 5 x 25) / 6. */
#define SHAPE_16_18 1.0
#define SHAPE_19_20 40.0
#define SHAPE_21_25 25.0
#define SHAPE_B1619 ((3 * SHAPE_16_18 + SHAPE_19_20) / 4)
#define SHAPE_B2025 ((SHAPE_19_20 + 5 * SHAPE_21_25) / 6)
#define EP_HOURS_WEEK 16.0
#define EP_USE 0.85
/* SEN caseworkers: years a case holds a caseload place (advice about 5.3 weeks, D2 panel 0.5,
 * drafting 2, consultation 4: assumptions of the defaults below) and assessments one FTE holds
 * at once (11.3 case-officer hours per plan [ref: DfE-2026-EP] at 20 hours a week over 46 weeks
 * = 81 a year, each held HOLD_YEARS) */
#define CW_HOLD_YEARS 0.226
#define CW_CASELOAD 18

/* Ceasing parts of authority la in calendar year y, as published by as_of: counts moved
 * (transfer to another authority), abroad, other, needs met, left education (the rest of
 * plans_ceased less the age limit); exposures: plan-years (the mean of the Januaries either
 * side) for the first four, 16-25 plan-years in the age shape for left education. 0 when
 * plans_ceased or either January is not published. */
enum { CE_MOVED, CE_ABROAD, CE_OTHER, CE_NMET, CE_LEFT, CE_N };

static int cease_year(const ictx *c, size_t la, int y, double cnt_[CE_N], double expo[CE_N])
{
    const send_sen2 *d = c->P;
    const int Y = c->PY;
#define V0(m, yy) (isnan(send_sen2_value(d, la, m, yy, Y)) ? 0 : send_sen2_value(d, la, m, yy, Y))
    double ce = send_sen2_value(d, la, "plans_ceased", y, Y);
    double c0 = send_sen2_value(d, la, "ehcp_total", y, Y);
    double c1 = send_sen2_value(d, la, "ehcp_total", y + 1, Y);
    if (isnan(ce) || isnan(c0) || isnan(c1))
        return 0;
    cnt_[CE_MOVED] = V0("plans_ceased_transfer_other_la", y);
    cnt_[CE_ABROAD] = V0("plans_ceased_moved_outside_england", y);
    cnt_[CE_NMET] = V0("plans_ceased_needs_met", y);
    /* other reasons: one series to 2021, from 2022 other or not recorded and deceased */
    cnt_[CE_OTHER] = V0("plans_ceased_other_reason", y) + V0("plans_ceased_other_or_not_recorded", y) +
                     V0("plans_ceased_deceased", y);
    cnt_[CE_LEFT] = fmax(0, ce - cnt_[CE_MOVED] - cnt_[CE_ABROAD] - cnt_[CE_NMET] -
                                V0("plans_ceased_max_age", y) - cnt_[CE_OTHER]);
    double py = (c0 + c1) / 2;
    for (int k = 0; k < CE_LEFT; k++)
        expo[k] = py;
    expo[CE_LEFT] = SHAPE_B1619 * (V0("ehcp_age_16_19", y) + V0("ehcp_age_16_19", y + 1)) / 2 +
                    SHAPE_B2025 * (V0("ehcp_age_20_25", y) + V0("ehcp_age_20_25", y + 1)) / 2;
#undef V0
    return 1;
}

/* A ceasing rate shrunk toward the authorities' mean (empirical Bayes, as growth_shrunk): over
 * every authority of the file with parts published in at least two of the years A-2..A
 * (A = as_of - 1), its rate R_i = sum of counts / sum of exposures; noise the mean over them of
 * (the sample variance of their yearly rates) / years; tau2 the variance of the R_i less that
 * noise (at least 0); the rate is Rbar + w (own - Rbar), w = tau2 / (tau2 + noise). Fewer than
 * 5 authorities: the own rate (w = 1, n_used = 0). Rules fixed in advance, data published by
 * as_of only. */
typedef struct rate_pool {
    double rbar, noise, tau2, w, r;
    size_t n_used;
} rate_pool;

static rate_pool cease_shrunk(const ictx *c, int part, double own)
{
    rate_pool r = {.w = 1, .r = own};
    int A = c->PY - 1;
    double s = 0, s2 = 0, sv = 0;
    size_t m = 0, n = send_sen2_count(c->P);
    for (size_t i = 0; i < n; i++) {
        double yr[3], num = 0, den = 0;
        int k = 0;
        for (int y = A - 2; y <= A; y++) {
            double cn[CE_N], ex[CE_N];
            if (!cease_year(c, i, y, cn, ex) || !(ex[part] > 0))
                continue;
            yr[k++] = cn[part] / ex[part];
            num += cn[part];
            den += ex[part];
        }
        if (k < 2)
            continue;
        double ri = num / den, sd = sd_of(yr, (size_t)k);
        s += ri;
        s2 += ri * ri;
        sv += sd * sd / k;
        m++;
    }
    if (m < 5)
        return r;
    r.n_used = m;
    r.rbar = s / (double)m;
    r.noise = sv / (double)m;
    r.tau2 = fmax(0, (s2 - (double)m * r.rbar * r.rbar) / (double)(m - 1) - r.noise);
    r.w = r.tau2 + r.noise > 0 ? r.tau2 / (r.tau2 + r.noise) : 0;
    r.r = r.rbar + r.w * (own - r.rbar);
    return r;
}

/* ", shrunk to R (authorities' mean Rbar, weight w over N authorities)" for a comment. */
static const char *pool_note(const ictx *c, char *s, size_t cap, const rate_pool *p)
{
    if (p->n_used && c->P != c->d)
        snprintf(s, cap, ", shrunk to %.3g (mean %.3g of %zu authorities of %s as of %d, weight %.2g)",
                 p->r, p->rbar, p->n_used, c->psrc, c->PY, p->w);
    else if (p->n_used)
        snprintf(s, cap, ", shrunk to %.3g (mean %.3g of %zu authorities, weight %.2g)", p->r,
                 p->rbar, p->n_used, p->w);
    else
        snprintf(s, cap, " (too few authorities to pool)");
    return s;
}

/* ---- assessment capacity that follows demand ------------------------------------------------ */

/* The response of assessment throughput to demand, pooled over every authority of the file as
 * of the same date: for each authority and year t of the 4 to as_of - 1 (from 2016: changes
 * from 2015, the first full year of the 2014 reforms), the yearly change of log assessments_completed
 * against that of log assessments agreed (initial_requests - requests_refused) in year t - lag,
 * both at least CAP_MIN_COUNT; ordinary least squares with an intercept, for lag 0 and 1 year,
 * keeping the lag with the larger correlation. The slope is the elasticity of capacity to
 * demand (kept within the key's range [0, 3]), the intercept the yearly growth of throughput
 * whatever the demand. O(authorities x years). */
#define CAP_MIN_COUNT 20
#define CAP_MIN_PAIRS 20
#define CAP_YEARS 4

typedef struct cap_fit {
    double elasticity, drift, r;
    double r_other; /* the other lag's correlation (NaN: no fit) */
    int lag_years, n, y1, y2; /* pairs used, years t of the pairs */
    int ok;                   /* 0: too few pairs, the assumption is written */
} cap_fit;

static double agreed_of(const send_sen2 *d, int as_of, size_t la, int y)
{
    double r = send_sen2_value(d, la, "initial_requests", y, as_of);
    double f = send_sen2_value(d, la, "requests_refused", y, as_of);
    return isnan(r) || isnan(f) ? NAN : r - f;
}

static cap_fit cap_fit_lag(const ictx *c, int lag)
{
    cap_fit f = {.lag_years = lag, .y1 = 0, .y2 = 0};
    double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
    int last = c->PY - 1, first = last - CAP_YEARS + 1 < 2016 ? 2016 : last - CAP_YEARS + 1;
    size_t nla = send_sen2_count(c->P);
    for (size_t i = 0; i < nla; i++)
        for (int t = first; t <= last; t++) {
            double c1 = send_sen2_value(c->P, i, "assessments_completed", t, c->PY);
            double c0 = send_sen2_value(c->P, i, "assessments_completed", t - 1, c->PY);
            double a1 = agreed_of(c->P, c->PY, i, t - lag), a0 = agreed_of(c->P, c->PY, i, t - lag - 1);
            if (!(c1 >= CAP_MIN_COUNT && c0 >= CAP_MIN_COUNT && a1 >= CAP_MIN_COUNT &&
                  a0 >= CAP_MIN_COUNT))
                continue;
            double x = log(a1 / a0), y = log(c1 / c0);
            sx += x, sy += y, sxx += x * x, sxy += x * y, syy += y * y;
            f.n++;
            f.y1 = f.y1 && f.y1 < t ? f.y1 : t;
            f.y2 = f.y2 > t ? f.y2 : t;
        }
    if (f.n < CAP_MIN_PAIRS)
        return f;
    double n = f.n, vx = sxx - sx * sx / n, vy = syy - sy * sy / n, cxy = sxy - sx * sy / n;
    if (!(vx > 0 && vy > 0))
        return f;
    f.elasticity = fmin(3, fmax(0, cxy / vx));
    f.drift = (sy - (cxy / vx) * sx) / n;
    f.r = cxy / sqrt(vx * vy);
    f.ok = 1;
    return f;
}

static cap_fit cap_response_fit(const ictx *c)
{
    cap_fit f0 = cap_fit_lag(c, 0), f1 = cap_fit_lag(c, 1);
    f0.r_other = f1.ok ? f1.r : NAN;
    f1.r_other = f0.ok ? f0.r : NAN;
    if (f1.ok && (!f0.ok || f1.r > f0.r))
        return f1;
    return f0;
}

/* The assessments a year capacity is sized for: those agreed in year a (initial_requests -
 * requests_refused), the demand the model's caseworkers see, when published and above the
 * completions; else assessments_completed. Completions run at about 92% of agreements whether
 * an authority was timely or late (docs/guide.md), so sized to them the caseworkers would
 * start below the demand. *why names the series. */
static double cap_base(const ictx *c, int a, double completed, char *why, size_t cap)
{
    double ag = agreed_of(c->d, c->Y, c->la, a);
    if (isfinite(ag) && ag > completed) {
        snprintf(why, cap, "assessments agreed (initial_requests - requests_refused) %d = %.0f [%s]",
                 a, ag, c->src);
        return ag;
    }
    snprintf(why, cap, "assessments_completed %d = %.0f [%s]", a, completed, c->src);
    return completed;
}

/* Capacity's yearly growth apart from demand (the fit's intercept, 0 without a fit) and the
 * comment naming it. */
static double cap_drift(const cap_fit *f, const char *S, char *why, size_t cap)
{
    if (!f->ok) {
        snprintf(why, cap, "held flat apart from the response to demand (assumption)");
        return 0;
    }
    double d = round_sig(f->drift, 2);
    snprintf(why, cap, "growing %.2g a year apart from demand: the intercept of the pooled fit "
             "under 'response' [%s]", d, S);
    return d;
}

/* ---- timeliness that reverts: the backlog response and plans late for other reasons ---------- */

/* Published timeliness reverts to the year's mean: pooled over the authorities of the pool, the
 * slope s_h of an authority's departure from the year's mean (unweighted over the authorities
 * publishing pct_within_20_weeks) h years on against its departure in year y, through the
 * origin (both centred), over every pair with y + h <= the last published year. s_1 gives the
 * pace a backlog is worked down at (T = -12 / ln s_1 months), s_h the share of an authority's
 * own lateness still there h years on. O(authorities x years). */
#define T20_H 4
#define T20_FIRST 2014 /* the first year of the 2014 reforms' timeliness */
#define T20_MIN_PAIRS 20

typedef struct t20_fit {
    double mean_last; /* the year's mean late share, 1 - pct / 100, in the last year */
    double s[T20_H + 1];   /* NaN: fewer than T20_MIN_PAIRS pairs */
    double use[T20_H + 1]; /* the slope used h years on: s[h], else the last finite before it */
    int n[T20_H + 1], first, last, ok; /* first: the earliest year of a one-year pair */
} t20_fit;

static t20_fit t20_pool(const ictx *c, int last)
{
    t20_fit f = {.last = last};
    int ny = last - T20_FIRST + 1;
    size_t nla = send_sen2_count(c->P);
    if (ny < 2)
        return f;
    double *v = malloc(nla * (size_t)ny * sizeof *v), *mean = malloc((size_t)ny * sizeof *mean);
    if (!v || !mean) { /* out of memory: no fit, the keys' fallback is written */
        free(v);
        free(mean);
        return f;
    }
    /* each authority's departure from the year's mean (NaN where either is not published) */
    for (int k = 0; k < ny; k++) {
        double s = 0;
        int n = 0;
        for (size_t i = 0; i < nla; i++) {
            double x = v[i * (size_t)ny + (size_t)k] =
                send_sen2_value(c->P, i, "pct_within_20_weeks", T20_FIRST + k, c->PY);
            if (!isnan(x))
                s += x, n++;
        }
        mean[k] = n ? s / n : NAN;
        for (size_t i = 0; i < nla; i++)
            v[i * (size_t)ny + (size_t)k] -= mean[k];
    }
    f.mean_last = 1 - mean[ny - 1] / 100;
    for (int h = 1; h <= T20_H; h++) {
        double sxz = 0, sxx = 0;
        for (size_t i = 0; i < nla; i++)
            for (int k = 0; k + h < ny; k++) {
                double x = v[i * (size_t)ny + (size_t)k], z = v[i * (size_t)ny + (size_t)(k + h)];
                if (isnan(x) || isnan(z))
                    continue;
                sxz += x * z, sxx += x * x;
                f.n[h]++;
                if (h == 1 && (!f.first || T20_FIRST + k < f.first))
                    f.first = T20_FIRST + k;
            }
        f.s[h] = f.n[h] >= T20_MIN_PAIRS && sxx > 0 ? fmax(0, sxz / sxx) : NAN;
        f.use[h] = isfinite(f.s[h]) || h == 1 ? f.s[h] : f.use[h - 1];
    }
    free(v);
    free(mean);
    f.ok = !isnan(f.mean_last) && isfinite(f.s[1]) && f.s[1] > 0 && f.s[1] < 1;
    return f;
}

/* The response keys: the pooled fit, or elasticity 1 with no lag as the assumption. */
static void write_cap_response(ictx *c, const cap_fit *f)
{
    char v[64];
    out(c, "  response:\n");
    if (!f->ok) {
        kv(c, 4, "elasticity", "1", "assumption: capacity keeps pace with demand (fewer than "
           "%d authority-years of assessments_completed and requests published by %d)",
           CAP_MIN_PAIRS, c->Y);
        kv(c, 4, "lag", "0", "months (assumption)");
        return;
    }
    kv(c, 4, "elasticity", num(v, round_sig(f->elasticity, 2)),
       "slope of yearly change of log assessments_completed on log (initial_requests - "
       "requests_refused) %s, pooled over %d authority-years %d-%d (r = %.2f) [%s]",
       f->lag_years ? "of the year before" : "of the same year", f->n, f->y1, f->y2, f->r, c->psrc);
    snprintf(v, sizeof v, "%d", f->lag_years * 12);
    char other[64];
    if (isnan(f->r_other))
        snprintf(other, sizeof other, "no fit");
    else
        snprintf(other, sizeof other, "r = %.2f", f->r_other);
    kv(c, 4, "lag", v, "months: the %s's demand fits better than the %s's (%s)",
       f->lag_years ? "year before" : "same year", f->lag_years ? "same year" : "year before",
       other);
}

static void write_scenario(ictx *c)
{
    const send_sen2_la *la = send_sen2_la_at(c->d, c->la);
    const int Y = c->Y, Y0 = c->Y0, A = Y - 1; /* A: the last published activity year */
    const int endy = c->o->end_y ? c->o->end_y : Y + 9;
    const char *S = c->src;
    char v[256], w[64], lab[256], note[160];

    /* ---- opening caseload, January Y0 ---- */
    double band[5], T = 0;
    double total = need(c, "ehcp_total", Y0, "plans in January");
    for (int i = 0; i < 5; i++) {
        band[i] = i == 4 ? val0(c, band_metric[i], Y0) : need(c, band_metric[i], Y0, "plans by age");
        T += band[i];
    }
    double mt = need(c, "placement_mainstream_total", Y0, "placements");
    /* need() reports the first missing series: stop before dividing by it */
    if (c->failed)
        return;
    double pl[P_N] = {0};
    double rp = val0(c, "placement_mainstream_rp_senunit", Y0);
    double resid = val0(c, "residential_placements", Y0);
    double fe_total = val(c, "placement_fe_total", Y0);
    double sp16 = val0(c, "placement_specialist_post16", Y0);
    pl[P_MAIN] = mt - rp;
    pl[P_RES] = rp;
    pl[P_SPEC] = val0(c, "placement_special_la_maintained", Y0) +
                 val0(c, "placement_special_academy_free", Y0);
    /* residential placements are counted inside the independent and non-maintained ones; any
     * beyond those (residential maintained special schools, specialist colleges) stay in the
     * settings that count them, so no count goes negative and the parts keep their sum */
    double inm = val0(c, "placement_special_independent", Y0) +
                 val0(c, "placement_special_non_maintained", Y0);
    double resid_ext = fmin(resid, inm);
    pl[P_IND] = inm - resid_ext;
    pl[P_RESID] = resid_ext;
    pl[P_SP16] = sp16;
    pl[P_FE] = isnan(fe_total) ? 0 : fe_total - sp16;
    pl[P_AP] = val0(c, "placement_ap_pru", Y0);
    pl[P_EY] = val0(c, "placement_early_years", Y0);
    double elsewhere = val0(c, "placement_elsewhere_neet_other", Y0);
    double notrec = val0(c, "placement_not_recorded", Y0);
    pl[P_OTHER] = elsewhere + notrec;
    pl[P_AWAIT] = val0(c, "placement_awaiting_provision", Y0);
    double sum = 0;
    for (int i = 0; i < P_N; i++)
        sum += pl[i];
    double gap = T - sum; /* placement tables may not add up to the plans by age */
    int gap_to = gap >= -pl[P_OTHER] ? P_OTHER : P_MAIN;
    pl[gap_to] += gap;

    /* ---- requests ---- */
    double R_A = need(c, "initial_requests", A, "requests, the last published year");
    int B = Y0 < Y ? Y0 : A; /* base year: hazards give its requests at trend 1 */
    double R_B = need(c, "initial_requests", B, "requests in the base year");
    int gy1 = 0, ry1 = 0;
    double g = growth(c->d, c->la, TREND_METRIC, Y, Y, TREND_YEARS, &gy1);
    double rg = growth(c->d, c->la, "initial_requests", Y, A, 5, &ry1);
    if (isnan(g) && !c->failed) {
        des_error_set(c->err, DES_EINPUT,
                      "too little data for '%s' as of %d: %s needs two published "
                      "Januaries up to %d in '%s'", la->name, Y, TREND_METRIC, Y, S);
        c->failed = 1;
    }
    double refused = need(c, "requests_refused", A, "refusals");
    double completed = need(c, "assessments_completed", A, "assessments completed");
    double issued = need(c, "assessed_plan_issued", A, "plans issued after assessment");
    if (c->failed)
        return;
    if (R_A <= 0 || R_B <= 0 || completed <= 0 || T <= 0) {
        des_error_set(c->err, DES_EINPUT,
                      "too little data for '%s' as of %d: initial_requests %d, assessments_completed "
                      "%d and ehcp_total %d must be positive", la->name, Y, A, A, Y0);
        c->failed = 1;
        return;
    }
    double g_own = g;
    growth_pool gp = growth_shrunk(c, g_own);
    g = round_sig(gp.g, 3);

    /* ---- national defaults scaled to the authority ---- */
    size_t pi = 0;
    for (size_t i = 0; i < sizeof prevalence / sizeof prevalence[0]; i++)
        if (prevalence[i].year <= Y)
            pi = i;
    int prev_ok = prevalence[pi].year <= Y;
    int P = prevalence[pi].year;
    double e_total = eng(c, "ehcp_total", Y0);
    double e_school = eng(c, "ehcp_age_5_10", P) + eng(c, "ehcp_age_11_15", P);
    if ((isnan(e_total) || isnan(e_school)) && !c->failed) {
        des_error_set(c->err, DES_EINPUT,
                      "too little data in '%s' as of %d: England's ehcp_total %d and plans aged "
                      "5-15 in %d are needed for national defaults", c->esrc, Y, Y0, P);
        c->failed = 1;
        return;
    }
    double share = total / e_total;
    double eng_per_age = e_school / prevalence[pi].ehcp / 11;
    double per_age = round(eng_per_age * share / 10) * 10;
    double sen0 = round(per_age * 12 * prevalence[pi].sen_support / 10) * 10;
    char prevsrc[160];
    snprintf(prevsrc, sizeof prevsrc, "%sprevalence Jan %d [ref: DfE-SEN]",
             prev_ok ? "" : "assumption: earliest published ", P);

    double m = 0;
    for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
        m += needs[i].sen_share * needs[i].mult;
    /* Hazards: h_s = k h_p so that requests aged 5-10 : 11-15 = 46.5 : 25.1; the stock at
     * SEN Support and the direct requests give R_B (see docs/guide.md). */
    double k = W_5_10 * NEW_11_15 / (W_11_15 * NEW_5_10);
    double direct_share = NEW_U5 + NEW_16_19 + NEW_20_25;
    double h_p = (R_B * (1 - direct_share)) * W_TOTAL / (sen0 * m * (W_5_10 + W_11_15 * k));
    double h_s = k * h_p;
    h_p = round_sig(h_p, 3);
    h_s = round_sig(h_s, 3);
    double from4 = sen0 * m * W_AGE4 / W_TOTAL * h_p;
    double d_u5 = fmax(0, round(NEW_U5 * R_B - from4));
    double d_1619 = round(NEW_16_19 * R_B), d_2025 = round(NEW_20_25 * R_B);

    /* ---- header ---- */
    out(c, "# %s (old LA code %s, %s): baseline generated by `sendsim init` as of %d.\n",
        la->name, la->old_code[0] ? la->old_code : "-", la->new_code[0] ? la->new_code : "-", Y);
    out(c, "# Data: %s (sha256 %.16s...), national defaults from %s and reference-figures.md.\n",
        S, send_sen2_sha256(c->d), c->esrc);
    if (c->P != c->d)
        out(c, "# Pooled values (the shrinkage of growth and ceasing, the priors' spreads, the capacity\n"
               "# response) from the %zu authorities of %s (sha256 %.16s...) as of %d.\n",
            send_sen2_count(c->P), c->psrc, send_sen2_sha256(c->P), c->PY);
    out(c, "# Only figures published by June %d are used: January caseload to %d, calendar-year\n"
           "# activity to %d. Each value names its series and year, or says \"national default\n"
           "# scaled by ...\" or \"assumption\". Edit it, or extend it with your own figures.\n\n",
        Y, Y, A);
    char slug[128];
    send_init_slug(la->name, slug, sizeof slug);
    out(c, "name: %s-%d\n", slug, Y);
    out(c, "description: %s as of %d (sendsim init)\n", la->name, Y);
    snprintf(v, sizeof v, "%d-01-01", Y0);
    kv(c, 0, "start", v, "January %d census day [%s]", Y0, S);
    if (c->o->end_y)
        snprintf(v, sizeof v, "%04d-%02d-%02d", c->o->end_y, c->o->end_m, c->o->end_d);
    else
        snprintf(v, sizeof v, "%d-12-31", endy);
    kv(c, 0, "end", v, "planning horizon (assumption)");
    out(c, "\nareas:\n  - {name: %s, share: 1.0}   # assumption: one area\n\n", "authority");

    /* ---- population and SEN Support ---- */
    out(c, "population:\n");
    snprintf(v, sizeof v, "{0-17: %.0f, 18-25: %.0f}", per_age, per_age);
    kv(c, 2, "by_age", v,
       "national default scaled by caseload: England plans aged 5-15 Jan %d / plan %s / 11 "
       "years x ehcp_total %d share %.4f of England [%s; %s]",
       P, prevsrc, Y0, share, S, c->esrc);
    kv(c, 2, "growth", "0.005", "per year (assumption)");
    out(c, "\nsen_support:\n");
    kv(c, 2, "initial", cnt(v, sen0),
       "national default scaled: 12 year groups x %s x SEN Support %s", cnt(w, per_age), prevsrc);
    kv(c, 2, "initial_age", "{4: 0.5, 5: 0.7, 6-10: 1.0, 11-15: 0.85}", "relative stock by age (assumption)");
    /* entry holds SEN Support steady: exits + leaving at 16 + requests - returns after refusal */
    double returns = 0.75 * (refused + (completed - issued));
    double inflow = 0.12 * sen0 + sen0 * 0.85 / W_TOTAL + (R_B * (1 - direct_share) + from4) - returns;
    double e = fmax(0, inflow / (per_age * (7 * 37 + 3 * 23 + 2 * 9) / 1000.0) );
    snprintf(v, sizeof v, "{4-10: %.3g, 11-13: %.3g, 14-15: %.3g}", 37 * e, 23 * e, 9 * e);
    kv(c, 2, "entry_per_1000", v,
       "derived: inflow that holds SEN Support steady (exits 0.12, leaving at 16, requests "
       "%d, returns after refusal) in the shape 37:23:9 (assumption)", B);
    kv(c, 2, "entry_trend", "1.0", "multiplier (assumption: prevalence steady)");
    kv(c, 2, "exit_rate", "0.12", "per child-year: needs met or moved away (assumption)");
    kv(c, 2, "leave_age", "16", "SEN Support modelled to the end of year 11 (assumption)");
    out(c, "  need:                            # primary need at SEN Support\n");
    for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
        kv(c, 4, needs[i].need, num(v, needs[i].sen_share), "%s", needs[i].share_src);

    /* ---- requests ---- */
    out(c, "\nrequests:\n");
    out(c, "  # per SEN Support child-year: with the direct requests below, the opening stock gives\n"
           "  # initial_requests %d = %.0f [%s] at trend 1; split so that requests aged 5-10 : 11-15\n"
           "  # = 46.5 : 25.1 (England new plans by age 2019 [ref: DfE-EHCP])\n",
        B, R_B, S);
    snprintf(v, sizeof v, "{4-10: %.3g, 11-15: %.3g}", h_p, h_s);
    kv(c, 2, "hazard_by_age", v, "derived from initial_requests %d [%s]", B, S);
    out(c, "  need_multiplier:                 # relative hazard by need (assumption)\n");
    for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
        kv(c, 4, needs[i].need, num(v, needs[i].mult), "assumption");
    /* the model's multiplier is trend x (1 + growth)^(years since the start); the base year's
     * requests are centred mid-year, so trend = (1 + g)^(Y0 - B - 1/2) */
    snprintf(v, sizeof v, "{%d: %.4g}", Y0, pow(1 + g, Y0 - B - 0.5));
    kv(c, 2, "trend", v, "(1 + growth)^(%d - %d - 1/2): initial_requests %d centred mid-year", Y0, B, B);
    out(c, "  # growth: as ehcp_total grew Jan %d-%d [%s] (requests per plan steady); initial_requests\n"
           "  # grew %.3g a year %d-%d, a window too short and jumpy to extrapolate (see README)\n",
        gy1, Y, S, rg, ry1, A);
    if (gp.n_used)
        out(c, "  # shrunk toward the pooled growth: %.3g + %.3g x (%.3g - %.3g), over %zu authorities'\n"
               "  # ehcp_total Januaries %d-%d [%s]: the weight is tau2 / (tau2 + noise) = %.3g / (%.3g + %.3g),\n"
               "  # tau2 the spread of their growths beyond their yearly noise (empirical Bayes)\n",
            gp.gbar, gp.w, g_own, gp.gbar, gp.n_used, c->PY - TREND_YEARS, c->PY, c->psrc, gp.tau2, gp.tau2,
            gp.noise);
    else
        out(c, "  # not shrunk: fewer than 5 authorities in %s have ehcp_total for Januaries %d-%d\n",
            c->psrc, c->PY - TREND_YEARS, c->PY);
    if (c->o->priors) {
        int pooled;
        size_t nu;
        double sg = gp.n_used ? gp.sd : prior_sd(c, 0, NULL, NULL, &pooled, &nu);
        if (!isfinite(sg) || sg <= 0)
            sg = fabs(g) / 2 + 0.02;
        sg = round_sig(sg, 2);
        snprintf(v, sizeof v, "{prior: normal, mean: %.3g, sd: %.2g}", g, sg);
        if (gp.n_used)
            kv(c, 2, "growth", v, "sd: sqrt(weight x noise), the shrunk growth's own sd (pooled) [%s]", c->psrc);
        else
            kv(c, 2, "growth", v,
               "sd: the authority's own yearly ehcp_total growth, %zu years to %d (too few "
               "authorities in the file to pool) [%s]", nu, Y, S);
        snprintf(v, sizeof v, "{prior: uniform, min: 0, max: %.2g}", sg);
        kv(c, 2, "growth_drift_sd", v, "assumption: up to the growth prior's sd a year");
    } else {
        kv(c, 2, "growth", num(v, g), "ehcp_total Jan %d = %.0f to Jan %d = %.0f [%s]%s", gy1,
           val(c, TREND_METRIC, gy1), Y, val(c, TREND_METRIC, Y), S,
           gp.n_used ? ", shrunk as above" : "");
    }
    {
        size_t ny;
        int pooled;
        double dof;
        double ys = round_sig(year_sd_pooled(c, &pooled, &ny, &dof), 2);
        if (pooled)
            kv(c, 2, "year_sd", num(v, ys),
               "log sd of initial_requests about each authority's own line, %d-%d, beyond "
               "Poisson chance, pooled over %zu authorities as of %d [%s]", c->PY - 5, c->PY - 1, ny,
               c->PY, c->psrc);
        else
            kv(c, 2, "year_sd", num(v, ys),
               "log sd of initial_requests about the authority's own line, %d-%d, beyond Poisson "
               "chance (%.0f degree%s of freedom: too few authorities in the file to pool) [%s]",
               Y - 5, Y - 1, dof, dof == 1 ? "" : "s", S);
    }
    double wd_r = 0;
    int wy = latest_share(c, "requests_withdrawn", "initial_requests", A, &wd_r);
    if (wy)
        kv(c, 2, "withdrawn", num(v, round_sig(wd_r, 3)), "requests_withdrawn / initial_requests %d [%s]", wy, S);
    else
        kv(c, 2, "withdrawn", "0", "assumption: requests_withdrawn not published as of %d", Y);
    out(c, "  direct:                          # per year, not from SEN Support\n");
    kv(c, 4, "under5", cnt(v, d_u5),
       "derived: 23.0%% of initial_requests %d [%s; ref: DfE-EHCP new plans by age 2019] less %.0f "
       "from 4-year-olds at SEN Support", B, S, from4);
    kv(c, 4, "16_19", cnt(v, d_1619), "derived: 4.6%% of initial_requests %d [%s; ref: DfE-EHCP 2019]", B, S);
    kv(c, 4, "20_25", cnt(v, d_2025), "derived: 0.8%% of initial_requests %d [%s; ref: DfE-EHCP 2019]", B, S);
    kv(c, 2, "direct_need", "{slcn: 0.35, autism: 0.25, sld_pmld: 0.15, physical_sensory: 0.15, other: 0.10}", "assumption");

    /* ---- D1, disagreement ---- */
    /* withdrawn requests leave before the decision: the refusal share is of the rest */
    double refusal = round_sig(refused / (R_A * (1 - wd_r)), 3);
    out(c, "\nd1_panel:\n");
    kv(c, 2, "preparation", "{dist: lognormal, mean: 3, sd: 1, unit: weeks}", "decision due by week 6 [ref: SEND-Regs-2014] (assumption)");
    kv(c, 2, "cadence", "7 days", "weekly [domain, section 4] (assumption)");
    snprintf(v, sizeof v, "%d-01-03", Y0);
    kv(c, 2, "first_sitting", v, "assumption");
    double weekly = R_A * (1 + g) / 52;
    snprintf(v, sizeof v, "%.0f", fmax(40, ceil(weekly * 2 / 10) * 10));
    kv(c, 2, "capacity", v, "cases per sitting (assumption: twice the weekly requests)");
    if (c->o->priors) {
        rate_prior r = rate_prior_of(c, "requests_refused", "initial_requests", refused, R_A * (1 - wd_r), 1,
                                     "change from the year before across authorities (pooled)");
        snprintf(v, sizeof v, "{prior: beta, mean: %.3g, sd: %.2g}", r.mean, r.sd);
        kv(c, 2, "refusal", v, "mean: requests_refused / initial_requests%s %d %s[%s]; sd: %s",
           wy ? " not withdrawn" : "", A, r.mean_why, S, r.sd_why);
    } else {
        kv(c, 2, "refusal", num(v, refusal), "requests_refused / initial_requests %d = %.0f / %.0f%s [%s]", A, refused, R_A,
           wy ? " less the withdrawn share" : "", S);
    }
    double med = val(c, "mediations_held", A);
    out(c, "\ndisagreement:\n");
    if (!isnan(med) && refused > 0)
        kv(c, 2, "mediation", num(v, round_sig(fmin(1, med / refused), 3)), "mediations_held / requests_refused %d [%s]", A, S);
    else
        kv(c, 2, "mediation", "0.15", "assumption (mediations_held %d not published)", A);
    kv(c, 2, "mediation_time", "{dist: triangular, min: 4, mode: 6, max: 10, unit: weeks}", "assumption");
    kv(c, 2, "appeal", "0.15", "share of refusals appealed (assumption)");
    kv(c, 2, "tribunal_time", "{dist: lognormal, mean: 20, sd: 6, unit: weeks}", "91%% completed within 22 weeks [ref: MoJ-appeals]");
    kv(c, 2, "parent_win", "0.886", "decided wholly or partly for parents, 2017/18 [ref: PQ-183449]");
    /* appeals not after a refusal to assess are taken as about new plans (content, placement) */
    double appeals = val(c, "tribunal_appeals_registered", A), newp = val(c, "new_plans", A);
    if (!isnan(appeals) && !isnan(newp) && newp > 0)
        kv(c, 2, "appeal_placement",
           num(v, round_sig(fmax(0, fmin(1, (appeals - 0.15 * refused) / newp)), 2)),
           "(tribunal_appeals_registered - 0.15 x requests_refused) / new_plans %d = (%.0f - "
           "0.15 x %.0f) / %.0f [%s]: appeals not after a refusal, taken as about new plans",
           A, appeals, refused, newp, S);
    else
        kv(c, 2, "appeal_placement", "0.1", "assumption (tribunal_appeals_registered %d not published)", A);
    kv(c, 2, "placement_win", "0.3", "assumption: share of placement appeals ending in the independent place asked for");

    /* ---- assessment ---- */
    double hours = NAT(c, ep_hours, 17.4, lab);
    char base_why[256];
    double base = cap_base(c, A, completed, base_why, sizeof base_why);
    double fte0 = base * pow(1 + g, Y0 - A) * hours / (EP_HOURS_WEEK * 52.18 * EP_USE);
    cap_fit cf = cap_response_fit(c);
    char drift_why[256];
    double drift = cap_drift(&cf, c->psrc, drift_why, sizeof drift_why);
    out(c, "\nassessment:\n");
    write_cap_response(c, &cf);
    t20_fit tf = {0};
    if (c->o->reverting_timeliness)
        tf = t20_pool(c, A < c->PY - 1 ? A : c->PY - 1);
    if (tf.ok)
        kv(c, 4, "backlog_months", num(v, round_sig(-12 / log(tf.s[1]), 3)),
           "-12 / ln %.3f: a backlog worked down at the pace published timeliness reverts, the "
           "pooled slope of an authority's pct_within_20_weeks less the year's mean on the same a "
           "year before, %d pairs %d-%d [%s]", tf.s[1], tf.n[1], tf.first, tf.last, c->psrc);
    else if (c->o->reverting_timeliness)
        kv(c, 4, "backlog_months", "0", "no recovery plan: fewer than %d pairs of pct_within_20_weeks "
           "published by %d", T20_MIN_PAIRS, c->Y);
    out(c, "  ep:\n");
    out(c, "    # EP FTE on statutory advice: %s grown by the request\n"
           "    # trend to %d, at %g hours each, %g statutory hours a week and %.0f%% use (assumptions);\n"
           "    # then %s; timeliness (pct_within_20_weeks in observed) is the check on this capacity\n",
        base_why, Y0, hours, EP_HOURS_WEEK, EP_USE * 100, drift_why);
    out(c, "    fte: {");
    for (int y = Y0; y <= endy; y++)
        out(c, "%s%d: %.3g", y == Y0 ? "" : ", ", y, fte0 * pow(1 + drift, y - Y0));
    out(c, "}\n");
    kv(c, 4, "hours_per_assessment", num(v, hours), "%s", lab);
    kv(c, 4, "hours_per_fte_week", "16", "statutory hours per FTE (assumption: not published)");
    kv(c, 4, "duration", "{dist: lognormal, mean: 4, sd: 1.2, unit: weeks}", "advice due within 6 weeks [ref: SEND-Regs-2014] (assumption)");
    out(c, "  health:\n");
    snprintf(v, sizeof v, "%.0f", ceil(completed * (1 + g) / 4 / 10) * 10 + 10);
    kv(c, 4, "slots", v, "concurrent cases (assumption: not a bottleneck)");
    kv(c, 4, "duration", "{dist: lognormal, mean: 4.5, sd: 1.2, unit: weeks}", "due within 6 weeks [ref: SEND-Regs-2014] (assumption)");
    out(c, "  social_care:\n");
    kv(c, 4, "share", "0.3", "assumption");
    snprintf(v, sizeof v, "%.0f", ceil(completed * (1 + g) / 8 / 10) * 10 + 10);
    kv(c, 4, "slots", v, "assumption");
    kv(c, 4, "duration", "{dist: lognormal, mean: 4, sd: 1.2, unit: weeks}", "assumption");
    /* Caseworkers: the year's throughput held CW_HOLD_YEARS, from assessments_completed grown by
     * the trend; 10% headroom when the authority issued at least 90% of plans within 20 weeks
     * (its staff were not the limit) or when drafting.late_share carries its lateness
     * (--reverting-timeliness), none otherwise (its throughput was its capacity). */
    double t20 = val(c, "pct_within_20_weeks", A);
    double head = tf.ok || isnan(t20) || t20 >= 90 ? 1.1 : 1.0;
    double cw0 = base * pow(1 + g, Y0 - A) * CW_HOLD_YEARS * head / CW_CASELOAD;
    out(c, "  caseworkers:\n");
    out(c, "    # FTE: %s grown by the request trend to %d, each holding a\n"
           "    # caseload place %.3g years (assumption), %s;\n    # then %s\n    fte: {",
        base_why, Y0, CW_HOLD_YEARS,
        tf.ok ? "+10% headroom (assumption: drafting.late_share carries the published lateness)"
        : isnan(t20) ? "+10% headroom (pct_within_20_weeks not published; assumption)"
        : t20 >= 90 ? "+10% headroom as pct_within_20_weeks was at least 90% (assumption)"
                    : "no headroom as pct_within_20_weeks was below 90% (demand = capacity)",
        drift_why);
    for (int y = Y0; y <= endy; y++)
        out(c, "%s%d: %.3g", y == Y0 ? "" : ", ", y, cw0 * pow(1 + drift, y - Y0));
    out(c, "}\n");
    snprintf(v, sizeof v, "%d", CW_CASELOAD);
    kv(c, 4, "caseload", v, "11.3 case-officer hours per plan [ref: DfE-2026-EP] at 20 hours a week over 46 weeks, each held %.3g years (assumption)", CW_HOLD_YEARS);

    double wd_a = 0;
    int way = latest_share(c, "assessments_withdrawn", "assessments_total_incl_withdrawn", A, &wd_a);
    if (way)
        kv(c, 2, "withdrawn", num(v, round_sig(wd_a, 3)),
           "assessments_withdrawn / assessments_total_incl_withdrawn %d [%s]", way, S);
    else
        kv(c, 2, "withdrawn", "0", "assumption: assessments_withdrawn not published as of %d", Y);

    double issue = round_sig(issued / completed, 3);
    out(c, "\nd2_panel:\n");
    kv(c, 2, "cadence", "7 days", "weekly [domain, section 4] (assumption)");
    snprintf(v, sizeof v, "%d-01-04", Y0);
    kv(c, 2, "first_sitting", v, "assumption");
    snprintf(v, sizeof v, "%.0f", fmax(40, ceil(completed * (1 + g) / 52 * 2 / 10) * 10));
    kv(c, 2, "capacity", v, "assumption: twice the weekly assessments");
    if (c->o->priors) {
        rate_prior r = rate_prior_of(c, "assessed_plan_issued", "assessments_completed", issued,
                                     completed, 1,
                                     "change from the year before across authorities (pooled)");
        snprintf(v, sizeof v, "{prior: beta, mean: %.3g, sd: %.2g}", r.mean, r.sd);
        kv(c, 2, "issue", v, "mean: assessed_plan_issued / assessments_completed %d %s[%s]; sd: %s",
           A, r.mean_why, S, r.sd_why);
    } else {
        kv(c, 2, "issue", num(v, issue), "assessed_plan_issued / assessments_completed %d = %.0f / %.0f [%s]", A, issued, completed, S);
    }
    out(c, "\ndrafting:\n");
    kv(c, 2, "draft", "{dist: lognormal, mean: 2, sd: 0.5, unit: weeks}", "assumption");
    kv(c, 2, "consultation", "{dist: triangular, min: 3, mode: 4, max: 5, unit: weeks}", "15 days parents + 15 days schools [ref: SEND-Regs-2014]");
    if (tf.ok) {
        double own = isnan(t20) ? tf.mean_last : fmin(1, fmax(0, 1 - t20 / 100));
        char ownv[64];
        if (isnan(t20))
            snprintf(ownv, sizeof ownv, "own (not published %d: the mean)", A);
        else
            snprintf(ownv, sizeof ownv, "own %.3f in %d", own, A);
        out(c, "  # share of plans late for other reasons in year %d + h: the authorities' mean late share %d\n"
               "  # (1 - pct_within_20_weeks, unweighted over the pool) %.3f plus s_h x (the authority's %s\n"
               "  # - that mean), s_h the pooled slope of the departure h years on (s_1..s_%d:",
            A, tf.last, tf.mean_last, ownv, T20_H);
        int missing = 0;
        for (int h = 1; h <= T20_H; h++) {
            if (isfinite(tf.s[h]))
                out(c, " %.3f", tf.s[h]);
            else
                out(c, " -"), missing = 1;
        }
        if (missing)
            out(c, "; -: fewer than %d pairs, the slope before stands", T20_MIN_PAIRS);
        out(c, ") [%s]\n  late_share: {", c->psrc);
        for (int y = Y0; y <= endy; y++) {
            int h = y - A < 1 ? 1 : y - A > T20_H ? T20_H : y - A;
            double L = fmin(0.95, fmax(0, tf.mean_last + tf.use[h] * (own - tf.mean_last)));
            out(c, "%s%d: %.3f", y == Y0 ? "" : ", ", y, L);
        }
        out(c, "}\n");
        kv(c, 2, "late_by", "{dist: exponential, mean: 12, unit: weeks}", "assumption");
    }

    /* ---- placement ---- */
    double school = pl[P_MAIN] + pl[P_RES] + pl[P_SPEC] + pl[P_IND] + pl[P_RESID] + pl[P_AP] + pl[P_OTHER];
    double sh[6] = {pl[P_MAIN], pl[P_RES], pl[P_SPEC], pl[P_IND] + pl[P_RESID], pl[P_AP], pl[P_OTHER]};
    static const char *const sk[6] = {"mainstream", "resourced", "special", "independent", "ap", "other"};
    char mix[256];
    int len = 0;
    double acc = 0;
    int big = 0;
    for (int i = 0; i < 6; i++) {
        sh[i] = school > 0 ? round(sh[i] / school * 1000) / 1000 : (i == 0);
        acc += sh[i];
        if (sh[i] > sh[big])
            big = i;
    }
    sh[big] += 1 - acc; /* shares sum to 1 exactly as written */
    len += snprintf(mix + len, sizeof mix - (size_t)len, "{");
    for (int i = 0; i < 6; i++)
        len += snprintf(mix + len, sizeof mix - (size_t)len, "%s%s: %.3f", i ? ", " : "", sk[i], sh[i]);
    snprintf(mix + len, sizeof mix - (size_t)len, "}");
    out(c, "\nplacement:\n  choice:                          # placements named in new plans by phase\n");
    kv(c, 4, "early_years", "{early_years: 0.3, mainstream: 0.5, special: 0.2}", "assumption");
    kv(c, 4, "primary", mix, "derived: school placements of the January %d caseload [%s] (SEN2 has no placements of new plans)", Y0, S);
    kv(c, 4, "secondary", mix, "derived: as primary (assumption: same mix)");
    kv(c, 4, "post16", "{fe_college: 0.65, mainstream: 0.10, special: 0.12, specialist_post16: 0.03, independent: 0.06, other: 0.04}", "assumption");
    kv(c, 4, "post19", "{fe_college: 0.75, specialist_post16: 0.05, independent: 0.10, other: 0.10}", "assumption");
    const char *nws = need_weights[0].published <= Y ? need_weights[0].source : "assumption";
    out(c, "  need_weight:\n");
    kv(c, 4, "semh", "{independent: 1.8, ap: 3.0, special: 0.8}", "%s (ap: assumption)", nws);
    kv(c, 4, "autism", "{special: 1.2, independent: 1.2}", "%s", nws);
    kv(c, 4, "sld_pmld", "{special: 2.1, mainstream: 0.4, resourced: 0.5}", "%s (mainstream, resourced: assumption)", nws);
    out(c, "  phase_transfer:                  # where plan holders go at each transfer age (assumption)\n"
           "    age_4:\n"
           "      early_years: {mainstream: 0.65, special: 0.30, resourced: 0.05}\n"
           "    age_11:\n"
           "      mainstream: {mainstream: 0.85, resourced: 0.03, special: 0.08, independent: 0.03, ap: 0.01}\n"
           "      resourced: {resourced: 0.50, mainstream: 0.30, special: 0.20}\n"
           "      special: {special: 0.92, independent: 0.08}\n"
           "    age_16:\n"
           "      mainstream: {fe_college: 0.70, mainstream: 0.25, other: 0.05}\n"
           "      resourced: {fe_college: 0.60, mainstream: 0.30, specialist_post16: 0.10}\n"
           "      special: {special: 0.65, fe_college: 0.30, specialist_post16: 0.05}\n"
           "      independent: {independent: 0.85, specialist_post16: 0.15}\n"
           "      ap: {fe_college: 0.60, other: 0.40}\n"
           "    age_19:\n"
           "      mainstream: {fe_college: 0.80, other: 0.20}\n"
           "      resourced: {fe_college: 0.80, other: 0.20}\n"
           "      special: {fe_college: 0.65, specialist_post16: 0.10, other: 0.25}\n"
           "      independent: {specialist_post16: 0.20, independent: 0.50, other: 0.30}\n"
           "      ap: {fe_college: 0.50, other: 0.50}\n");
    kv(c, 2, "max_wait", "26 weeks", "then the child goes to overflow_to (assumption)");
    /* A child who waits max_wait for a place stays in mainstream: hindcasts started three years
     * before the as-of date (guide, "The placement mix") raised the independent share of the
     * caseload far above the published one when waiters were bought independent places, and
     * matched it when they stayed in mainstream. The authority's own shares say how it went. */
    int oy = Y0 - 3;
    double ind_then = val0(c, "placement_special_independent", oy) +
                      val0(c, "placement_special_non_maintained", oy),
           tot_then = val(c, "ehcp_total", oy);
    if (isfinite(tot_then) && tot_then > 0 && ind_then > 0)
        kv(c, 2, "overflow_to", "mainstream",
           "independent and non-maintained share of plans %.1f%% Jan %d, %.1f%% Jan %d [%s]; "
           "assumption: waiters stay in mainstream (hindcasts: guide, 'The placement mix')",
           100 * ind_then / tot_then, oy, 100 * inm / total, Y0, S);
    else
        kv(c, 2, "overflow_to", "mainstream",
           "assumption: waiters stay in mainstream (hindcasts: guide, 'The placement mix')");
    kv(c, 2, "local_first", "true", "assumption");

    /* capacity: the January stock with headroom; builds at the recent growth of special places */
    out(c, "\nplaces:                            # capacity pools (national default: the stock plus headroom)\n");
    out(c, "  - {provision: special, places: %.0f}   # special_la_maintained + special_academy_free Jan %d [%s] + 2%% (assumption)\n",
        ceil(pl[P_SPEC] * 1.02), Y0, S);
    out(c, "  - {provision: resourced, places: %.0f}   # mainstream_rp_senunit Jan %d [%s] + 5%% (assumption)\n",
        ceil(pl[P_RES] * 1.05), Y0, S);
    int sy = Y0 - 3;
    double s_then = val(c, "placement_special_la_maintained", sy) + val(c, "placement_special_academy_free", sy);
    double build = isnan(s_then) ? NAN : round((pl[P_SPEC] - s_then) / 3 / 10) * 10;
    if (isfinite(build) && build > 0) {
        out(c, "new_places:                        # special places grew by %.0f a year Jan %d-%d [%s]; assumption: as many each September\n",
            (pl[P_SPEC] - s_then) / 3, sy, Y0, S);
        for (int y = Y0; y <= endy; y++)
            out(c, "  - {provision: special, count: %.0f, opens: %d-09-01}   # assumption (see above)\n", build, y);
    }

    out(c, "\nlevel4:\n");
    kv(c, 2, "referral", "{autism: 0.01, semh: 0.02, sld_pmld: 0.03, physical_sensory: 0.005, slcn: 0.002, mld: 0.002, other: 0.005}", "assumption");
    snprintf(v, sizeof v, "{cadence: 28 days, first_sitting: %d-01-15, capacity: 10}", Y0);
    kv(c, 2, "panel", v, "monthly joint panel [domain, section 4]; date and capacity assumption");
    kv(c, 2, "approve", "0.7", "assumption");
    kv(c, 2, "funding", "{education: 0.5, social_care: 0.35, health: 0.15}", "assumption");
    kv(c, 2, "escalate_at_review", "0", "per review (assumption: escalations are not published; set from local panel records)");
    kv(c, 2, "crisis_rate", "0", "per plan-year (assumption: not published; set from local records)");
    kv(c, 2, "step_down_at_review", "0", "per review (assumption: not published; set from local records)");

    /* ---- reviews and ceasing: pooled over the last three published years ---- */
    double moved = 0, abroad = 0, oth = 0, nmet = 0, left = 0, plan_years = 0, shape_years = 0;
    int yfirst = 0, ylast = 0;
    for (int y = A - 2; y <= A; y++) {
        double ce = val(c, "plans_ceased", y), c0 = val(c, "ehcp_total", y),
               c1 = val(c, "ehcp_total", y + 1);
        if (isnan(ce) || isnan(c0) || isnan(c1))
            continue;
        double mv = val0(c, "plans_ceased_transfer_other_la", y);
        double ab = val0(c, "plans_ceased_moved_outside_england", y);
        double nm = val0(c, "plans_ceased_needs_met", y);
        /* other reasons: one series to 2021, from 2022 other or not recorded and deceased */
        double ot = val0(c, "plans_ceased_other_reason", y) +
                    val0(c, "plans_ceased_other_or_not_recorded", y) +
                    val0(c, "plans_ceased_deceased", y);
        double rest = ce - mv - ab - nm - val0(c, "plans_ceased_max_age", y) - ot;
        moved += mv;
        abroad += ab;
        oth += ot;
        nmet += nm;
        left += fmax(0, rest);
        plan_years += (c0 + c1) / 2;
        shape_years += SHAPE_B1619 * (val0(c, "ehcp_age_16_19", y) + val0(c, "ehcp_age_16_19", y + 1)) / 2 +
                       SHAPE_B2025 * (val0(c, "ehcp_age_20_25", y) + val0(c, "ehcp_age_20_25", y + 1)) / 2;
        if (!yfirst)
            yfirst = y;
        ylast = y;
    }
    if (!yfirst) {
        des_error_set(c->err, DES_EINPUT,
                      "too little data for '%s' as of %d: plans_ceased with ehcp_total the January "
                      "before and after is not published for any of %d-%d in '%s'",
                      la->name, Y, A - 2, A, S);
        c->failed = 1;
        return;
    }
    double r_moved = round_sig(moved / plan_years, 3);
    double r_abroad = round_sig(abroad / plan_years, 3);
    /* needs met, other and left education: shrunk toward the authorities' mean (see
     * cease_shrunk); moved away keeps its own rate (its prior is fitted by calibrate) */
    rate_pool pn = cease_shrunk(c, CE_NMET, nmet / plan_years);
    rate_pool po = cease_shrunk(c, CE_OTHER, oth / plan_years);
    rate_pool pc = cease_shrunk(c, CE_LEFT, shape_years > 0 ? left / shape_years : 0);
    double r_nmet = round_sig(pn.r, 3), r_oth = round_sig(po.r, 3);
    double cl = pc.r;
    double ms_n, ms_d, sm_n, sm_d;
    int ym = latest(c, "transfers_mainstream_to_special", A, &ms_n);
    int ys = latest(c, "transfers_special_to_mainstream", A, &sm_n);
    out(c, "\nreviews:\n");
    double fte_r = ceil(T * 1.1 / 200);
    double c3 = val(c, "ehcp_total", Y0 - 3); /* caseload growth over three Januaries, else 0 */
    double cgrow = c3 > 0 ? pow(total / c3, 1.0 / 3) - 1 : 0;
    out(c, "  # caseworker FTE: capacity 10%% above the January %d caseload at 200 reviews per FTE-year,\n"
           "  # growing %.3g a year (ehcp_total %d-%d [%s]) (assumption)\n  caseworker_fte: {",
        Y0, cgrow, Y0 - 3, Y0, S);
    for (int y = Y0; y <= endy; y++)
        out(c, "%s%d: %.3g", y == Y0 ? "" : ", ", y, fte_r * pow(1 + cgrow, y - Y0));
    out(c, "}\n");
    kv(c, 2, "reviews_per_fte_year", "200", "assumption");
    if (ym && !isnan(ms_d = val(c, "placement_mainstream_total", ym + 1)) && ms_d > 0)
        kv(c, 2, "to_special", num(v, round_sig(ms_n / ms_d, 3)),
           "transfers_mainstream_to_special %d / placement_mainstream_total Jan %d [%s]", ym, ym + 1, S);
    else
        kv(c, 2, "to_special", "0.03", "assumption (transfers not published)");
    double spec_sm = ys ? val0(c, "placement_special_la_maintained", ys + 1) + val0(c, "placement_special_academy_free", ys + 1) : 0;
    sm_d = spec_sm;
    if (ys && sm_d > 0)
        kv(c, 2, "to_mainstream", num(v, round_sig(sm_n / sm_d, 3)),
           "transfers_special_to_mainstream %d / special_la_maintained + special_academy_free Jan %d [%s]", ys, ys + 1, S);
    else
        kv(c, 2, "to_mainstream", "0.01", "assumption (transfers not published)");
    kv(c, 2, "cease_needs_met", num(v, r_nmet),
       "plans_ceased_needs_met %d-%d / mean ehcp_total (%.0f / %.0f plan-years)%s [%s]", yfirst,
       ylast, nmet, plan_years, pool_note(c, note, sizeof note, &pn), S);
    kv(c, 2, "needs_met_to_sen_support", "1", "assumption: a child whose plan ceases with needs met stays at SEN Support");

    out(c, "\nceasing:\n");
    if (c->o->priors) {
        rate_prior r = rate_prior_of(c, "plans_ceased_transfer_other_la", "ehcp_total", moved,
                                     plan_years, 0, "across authorities (pooled)");
        snprintf(v, sizeof v, "{prior: lognormal, mean: %.3g, sd: %.2g}", r.mean, r.sd);
        kv(c, 2, "moved_away", v, "mean: plans_ceased_transfer_other_la %d-%d / mean ehcp_total %s[%s]; sd: %s",
           yfirst, ylast, r.mean_why, S, r.sd_why);
    } else {
        kv(c, 2, "moved_away", num(v, r_moved),
           "plans_ceased_transfer_other_la %d-%d / mean ehcp_total (%.0f / %.0f plan-years) [%s]",
           yfirst, ylast, moved, plan_years, S);
    }
    kv(c, 2, "moved_outside_england", num(v, r_abroad),
       "plans_ceased_moved_outside_england %d-%d / mean ehcp_total (%.0f / %.0f plan-years; not published before 2022) [%s]",
       yfirst, ylast, abroad, plan_years, S);
    kv(c, 2, "other", num(v, r_oth),
       "plans_ceased_other_reason (to 2021), other_or_not_recorded + deceased (from 2022) %d-%d / mean ehcp_total (%.0f / %.0f plan-years)%s [%s]",
       yfirst, ylast, oth, plan_years, pool_note(c, note, sizeof note, &po), S);
    out(c, "  # left education: plans_ceased less moved, needs met, max age and other, %d-%d = %.0f\n"
           "  # [%s], over plans aged 16-25 in the age shape 1 : 40 : 25 (16-18 : 19-20 : 21-25, assumption):\n"
           "  # %.4g per shape-year%s\n",
        yfirst, ylast, left, S, shape_years > 0 ? left / shape_years : 0, pool_note(c, note, sizeof note, &pc));
    snprintf(v, sizeof v, "{16-18: %.3g, 19-20: %.3g, 21-25: %.3g}", cl * SHAPE_16_18, cl * SHAPE_19_20, cl * SHAPE_21_25);
    kv(c, 2, "left_education", v, "derived (see above)");
    kv(c, 2, "age_limit", "25", "plans run to age 25 [domain, section 3]");
    out(c, "\n");
    kv(c, 0, "transfers_in", cnt(v, moved / (ylast - yfirst + 1)),
       "plans per year (assumption: as many in as out, transfers in are not published: "
       "plans_ceased_transfer_other_la %d-%d a year [%s])", yfirst, ylast, S);

    /* ---- initial ---- */
    out(c, "\ninitial:\n");
    out(c, "  ehcp_by_age: {");
    for (int i = 0; i < 5; i++)
        out(c, "%s%s: %.0f", i ? ", " : "", band_key[i], band[i]);
    out(c, "}   # %s..%s Jan %d [%s]\n", band_metric[0], band_metric[4], Y0, S);
    out(c, "  ehcp_by_placement:               # Jan %d [%s]; total ehcp_total %.0f\n", Y0, S, total);
    static const char *const pl_src[P_N] = {
        "placement_mainstream_total less placement_mainstream_rp_senunit",
        "placement_mainstream_rp_senunit",
        "placement_special_la_maintained + placement_special_academy_free",
        "placement_special_independent + placement_special_non_maintained less residential_placements",
        "residential_placements",
        "placement_fe_total less placement_specialist_post16",
        "placement_specialist_post16",
        "placement_ap_pru",
        "placement_early_years",
        "placement_elsewhere_neet_other + placement_not_recorded",
        "placement_awaiting_provision (published to Jan 2022 only)"};
    for (int i = 0; i < P_N; i++) {
        if (i == P_IND && resid > inm)
            kv(c, 4, prov_key[i], cnt(v, pl[i]),
               "%s Jan %d: residential_placements %.0f exceed those %.0f; residential is %.0f, the "
               "other %.0f stay in the settings that count them (maintained special, post-16)",
               pl_src[i], Y0, resid, inm, inm, resid - inm);
        else if (i == P_RESID && resid > inm)
            kv(c, 4, prov_key[i], cnt(v, pl[i]),
               "residential_placements Jan %d = %.0f, at most placement_special_independent + "
               "placement_special_non_maintained (see independent)", Y0, resid);
        else if (i == gap_to && fabs(gap) >= 0.5)
            kv(c, 4, prov_key[i], cnt(v, pl[i]), "%s Jan %d, %+.0f so that placements add up to the plans by age", pl_src[i], Y0, gap);
        else
            kv(c, 4, prov_key[i], cnt(v, pl[i]), "%s Jan %d", pl_src[i], Y0);
    }
    double ongoing = val(c, "assessments_ongoing_at_year_end", Y0 - 1);
    if (!isnan(ongoing))
        kv(c, 2, "in_assessment", cnt(v, ongoing), "assessments_ongoing_at_year_end %d [%s]", Y0 - 1, S);
    else {
        int yb = Y0 - 1 <= A ? Y0 - 1 : A;
        double rq = val(c, "initial_requests", yb), rf = val(c, "requests_refused", yb);
        double est = (isnan(rq) ? R_A : rq) - (isnan(rf) ? 0 : rf);
        kv(c, 2, "in_assessment", cnt(v, est * 20 / 52.18),
           "derived: (initial_requests - requests_refused) %d x 20/52 weeks (ongoing assessments not published)", yb);
    }
    kv(c, 2, "need", "{autism: 0.29, slcn: 0.15, semh: 0.17, mld: 0.15, sld_pmld: 0.08, physical_sensory: 0.07, other: 0.09}",
       "autism 29%% 2019 [ref: DfE-SEN]; rest assumption");

    /* ---- finance: the DSG high-needs block in the management plan's lines ---- */
    char l_ind[256], l_sp[256], l_tr[256], l_ii[256], l_it[256], l_mt[256];
    double c_ind = NAT(c, cost_independent, 53700, l_ind);
    double c_sp = NAT(c, cost_special, 22000, l_sp);
    double c_tr = NAT(c, cost_transport, 6800, l_tr);
    double i_ind = NAT(c, infl_independent, 0.04, l_ii);
    double i_tr = NAT(c, infl_transport, 0.05, l_it);
    double c_mt = NAT(c, topup_mainstream, 4000, l_mt);
    const int leics = !strcmp(la->old_code, "855");
    out(c, "\nfinance:\n");
    out(c, "  place_funding:                   # per commissioned place, filled or not [ref: Funding-rules]\n");
    kv(c, 4, "special", "10000", "special schools and academies [ref: Funding-rules]");
    kv(c, 4, "ap", "10000", "alternative provision / PRU [ref: Funding-rules]");
    kv(c, 4, "resourced", "6000", "resourced provision and SEN units [ref: Funding-rules]");
    kv(c, 4, "fe_college", "6000", "post-16 FE element 2 [ref: Funding-rules]");
    out(c, "  cost:                            # top-up per pupil beyond place funding (band factor 1), or the whole fee (national defaults, not scaled)\n");
    kv(c, 4, "mainstream", cnt(v, c_mt), "%s; the school meets the first 6,000 [ref: Funding-rules]", l_mt);
    kv(c, 4, "resourced", "10000", "assumption: 16,000 with place funding, within 15k-20k [domain, section 6]");
    kv(c, 4, "special", cnt(v, c_sp - 10000), "%s, less 10,000 place funding", l_sp);
    kv(c, 4, "independent", cnt(v, c_ind), "fee: %s", l_ind);
    kv(c, 4, "residential", "213000", "whole package: external residential 4,100 a week [domain, section 6 (L)] (assumption elsewhere)");
    kv(c, 4, "fe_college", "6000", "assumption: 12,000 with place funding, within 10k-18k [domain, section 6]");
    kv(c, 4, "specialist_post16", "45000", "fee: assumption within 40k-60k [domain, section 6]");
    kv(c, 4, "ap", "10000", "assumption: 20,000 with place funding, within 18k-30k [domain, section 6]");
    kv(c, 4, "early_years", "5000", "assumption");
    kv(c, 4, "other", "2000", "assumption");
    kv(c, 4, "awaiting", "6000", "interim cost while waiting (assumption)");
    out(c, "  inflation:                       # annual uplift from the second financial year\n");
    kv(c, 4, "independent", num(v, i_ind), "%s", l_ii);
    kv(c, 4, "residential", "0.04", "assumption");
    static const char *const infl2[] = {"mainstream", "resourced", "special", "fe_college", "ap"};
    for (size_t i = 0; i < 5; i++)
        kv(c, 4, infl2[i], "0.02", "assumption");
    kv(c, 4, "specialist_post16", "0.03", "assumption");
    out(c, "  bands:                           # top-up bands by primary need\n");
    kv(c, 4, "by_need", "{mld: 2, slcn: 2, autism: 3, semh: 3, physical_sensory: 3, other: 3, sld_pmld: 4}", "assumption");
    kv(c, 4, "factor", "{1: 0.5, 2: 0.75, 3: 1.0, 4: 1.45, 5: 2.0}",
       Y >= 2023 ? "bands 1,600 / 3,100 / 4,500 relative to the middle 2022/23 [ref: Devon-FOI-2023]; 1 and 5 assumption"
                 : "assumption");
    kv(c, 4, "drift", "0.02", "share moving up a band each year (assumption)");
    out(c, "  transport:                       # a general-fund cost, outside the DSG\n");
    kv(c, 4, "cost_per_child", cnt(v, c_tr), "%s", l_tr);
    kv(c, 4, "inflation", num(v, i_tr), "%s", l_it);
    kv(c, 4, "share", "{mainstream: 0.10, resourced: 0.5, special: 0.8, independent: 0.9, residential: 0.5, fe_college: 0.2, specialist_post16: 0.6, ap: 0.5}", "assumption");
    kv(c, 2, "assessment_cost", "4400", "general fund: ~62 hours of professional time [ref: DfE-2026-EP] at ~70 an hour (assumption)");
    kv(c, 2, "tribunal_cost", "8000", "general fund (assumption)");
    kv(c, 2, "dsg_includes", "{transport: false, assessment: false}", "councils pay these from the general fund [domain, section 6] (assumption: set true where the authority charges the DSG)");
    /* The allocation: England's high-needs block shared out in the shape of the high-needs
     * national funding formula [ref: NFF-2017]: the basic entitlement (4,000 a pupil in special
     * schools and academies) by the authority's special-school placements, the rest (historic
     * spend, population aged 2-18 and the deprivation, health and attainment proxies, none of
     * them in the data) by its share of plans. England's block is the published series
     * [ref: PQ-129210, March 2022] from as-of 2022, else the figures answered by 2019 [ref:
     * NAO-2019, parliamentary answers]. Leicestershire's published allocations replace the
     * formula where known [ref: PQ-HNB-2018], continued with England's growth to 2022-23. */
    static const double e_hn_pub[] = {5247, 5300, 5827, 6115, 6279, 7063, 7906, 8981}; /* £m */
    const int e_fy0 = 2015, e_last = e_fy0 + (int)(sizeof e_hn_pub / sizeof e_hn_pub[0]) - 1;
    const int e_series = Y >= 2022; /* answered March 2022 */
    int fy_e = Y >= 2019 ? 2019 : 2018;
    double e_hn = Y >= 2019 ? 6.0e9 : 5.9e9;
    char e_lab[96];
    if (e_series) {
        fy_e = Y0 < e_fy0 ? e_fy0 : Y0 > e_last ? e_last : Y0;
        e_hn = e_hn_pub[fy_e - e_fy0] * 1e6;
        snprintf(e_lab, sizeof e_lab, "%.3fbn %d-%02d [ref: PQ-129210]", e_hn / 1e9, fy_e, (fy_e + 1) % 100);
    } else {
        snprintf(e_lab, sizeof e_lab, "%s [ref: NAO-2019, parliamentary answers]",
                 Y >= 2019 ? "6.0bn 2019/20" : "5.9bn 2018/19");
    }
    double e_sp = eng(c, "placement_special_la_maintained", Y0) + eng(c, "placement_special_academy_free", Y0);
    double la_sp = pl[P_SPEC];
    double be = isnan(e_sp) ? 0 : 4000.0 * e_sp;
    double hn_share = (4000.0 * (isnan(e_sp) ? 0 : la_sp) + (e_hn - be) * share) / e_hn;
    /* The published allocation series the allocation's growth after the last figure given
     * (the drift of a random walk of the log allocation: the series' mean yearly log growth)
     * and that growth's spread (year_sd, below) both come from: Leicestershire's own where
     * known [ref: PQ-HNB-2018], else England's block from as-of 2022 [ref: PQ-129210], else
     * none (5% and 0.05, assumptions). */
    static const double l_hn_pub[] = {49.56, 52.34, 52.84, 53.87, 63.16, 65.98}; /* 2013-14.. */
    const int l_series = leics && Y >= 2018;
    const double *ser = NULL;
    int ser_n = 0;
    char ser_lab[200];
    if (l_series) {
        ser = l_hn_pub;
        ser_n = 6;
        snprintf(ser_lab, sizeof ser_lab, "%s's high-needs block 2013-14 to 2018-19 [ref: "
                 "PQ-HNB-2018]", la->name);
    } else if (e_series) {
        ser = e_hn_pub;
        ser_n = fy_e - e_fy0 + 1;
        snprintf(ser_lab, sizeof ser_lab, "England's high-needs block 2015-16 to %d-%02d [ref: "
                 "PQ-129210]", fy_e, (fy_e + 1) % 100);
    }
    double gr = ser ? round_sig(exp(log_growth_mean(ser, ser_n)) - 1, 3) : 0.05;
    double gb = round(e_hn * hn_share * pow(1 + gr, Y0 - fy_e) / 1e5) * 1e5;
    out(c, "  grant:\n");
    if (l_series) {
        /* 2017-18 and 2018-19 published (each in the December before its financial year; the
         * answer [ref: PQ-HNB-2018] is the copy held); from as-of 2022 on to 2022-23 with
         * England's growth */
        int last = 2018;
        double a_last = 65.98e6;
        int n = snprintf(v, sizeof v, "{2017-18: 63160000, 2018-19: 65980000");
        if (e_series && Y >= 2019) {
            for (int y = 2019; y <= e_last; y++) {
                double a = round(65.98e6 * e_hn_pub[y - e_fy0] / e_hn_pub[2018 - e_fy0] / 1e4) * 1e4;
                n += snprintf(v + n, sizeof v - (size_t)n, ", %d-%02d: %.0f", y, (y + 1) % 100, a);
                last = y;
                a_last = a;
            }
        }
        snprintf(v + n, sizeof v - (size_t)n, "}");
        gb = round(a_last * pow(1 + gr, Y0 - last) / 1e5) * 1e5;
        kv(c, 4, "allocation", v,
           "high-needs block published for %s 2017-18 and 2018-19 (DfE's DSG allocations, each "
           "published the December before its year) [ref: PQ-HNB-2018]%s; later years grow by growth",
           la->name,
           e_series && Y >= 2019 ? "; 2019-20 to 2022-23 grown as England's high-needs block [ref: PQ-129210] (assumption: the same share of England's)" : "");
    } else if (isnan(e_sp)) {
        snprintf(v, sizeof v, "{%04d-%02d: %.0f}", Y0, (Y0 + 1) % 100, gb);
        kv(c, 4, "allocation", v,
           "national default scaled by caseload: England high-needs %s x ehcp_total share %.4f%s (no %s allocation in the data)",
           e_lab, share, Y0 > fy_e ? ", grown by growth" : "", la->name);
    } else {
        snprintf(v, sizeof v, "{%04d-%02d: %.0f}", Y0, (Y0 + 1) % 100, gb);
        kv(c, 4, "allocation", v,
           "high-needs formula shape [ref: NFF-2017]: England high-needs %s x share %.4f = basic entitlement 4,000 x %.0f special-school placements Jan %d (England %.0f) [%s; %s] + the rest by ehcp_total share %.4f (assumption: historic spend, population 2-18 and proxies are not in the data)%s; no %s allocation in the data",
           e_lab, hn_share, la_sp, Y0, e_sp, S, c->esrc, share,
           Y0 > fy_e ? "; grown by growth" : "", la->name);
    }
    if (ser)
        kv(c, 4, "growth", num(v, gr), "mean yearly growth of %s (the drift of the random walk "
           "year_sd spreads)", ser_lab);
    else
        kv(c, 4, "growth", num(v, gr), "national funding formula growth per year (assumption: "
           "no series of allocations published by %d)", Y);
    /* Which years of the series are published figures rather than estimates, and how
     * uncertain each later year's growth is (the spread of the series above). */
    if (leics && Y >= 2019 && e_series)
        kv(c, 4, "published", "2", "2017-18 and 2018-19 are %s's published allocations [ref: "
           "PQ-HNB-2018]; the later years above are estimates and carry year_sd", la->name);
    else if (!l_series)
        kv(c, 4, "published", "0", "the allocation above is an estimate, not %s's published "
           "figure: it carries year_sd from its first year (set the published allocations and "
           "their count here)", la->name);
    if (ser)
        kv(c, 4, "year_sd", num(v, round_sig(log_growth_sd(ser, ser_n), 2)),
           "sd of the yearly log growth of %s%s", ser_lab,
           l_series ? "" : " (an authority's own varies more: a lower bound)");
    else
        kv(c, 4, "year_sd", "0.05", "assumption: no series of allocations published by %d", Y);
    out(c, "  services:                        # central high-needs services by financial year\n");
    kv(c, 4, "sen_support", cnt(v, round(gb * 0.05 / 1e4) * 1e4), "SEN support and inclusion services: 5%% of the allocation (assumption)");
    kv(c, 4, "hospital", cnt(v, round(gb * 0.01 / 1e4) * 1e4), "1%% of the allocation (assumption)");
    kv(c, 4, "therapies", cnt(v, round(gb * 0.01 / 1e4) * 1e4), "1%% of the allocation (assumption)");
    out(c, "  income:\n");
    kv(c, 4, "import_export", "0", "assumption: no net import or export");
    kv(c, 4, "schools_transfer", "0", "assumption: no transfer from the schools block (a lever)");
    if (leics && Y0 == 2019)
        kv(c, 4, "other", "{2019: 1500000, 2020: 0}", "additional SEND funding of 1.5m in 2019/20 from the December 2018 settlement [ref: Leics-cabinet-2018-12]; the one-off 5.4m reported in autumn 2019 [ref: Leics-2019] is after this scenario's start and not used");
    else
        kv(c, 4, "other", "0", "assumption: no safety-valve or DBV income");
    if (leics && Y0 == 2019)
        kv(c, 2, "opening_balance", "-2300000", "2018/19 overspend [ref: Leics-2019] carried forward; the balance before 2018/19 is not in the data (assumption: 0)");
    else if (leics && Y >= 2020)
        kv(c, 2, "opening_balance", "-8400000", "2018/19 overspend 2.3m and 2019/20 forecast 6.1m [ref: Leics-2019]; later years are not in the data (assumption: no change since; set the published figure)");
    else
        kv(c, 2, "opening_balance", "0", "assumption: set the authority's own DSG balance brought forward (negative = deficit)");

    /* ---- observed ---- */
    static const struct {
        const char *sen2, *metric;
        int jan;
    } obs[] = {{"ehcp_total", "ehcp_total", 1},
               {"initial_requests", "requests", 0},
               {"new_plans", "new_plans", 0},
               {"pct_within_20_weeks", "pct_within_20_weeks", 0},
               {"plans_ceased", "plans_ceased", 0},
               {"requests_refused", "requests_refused", 0},
               {"assessments_completed", "assessments_completed", 0},
               {"plans_ceased_transfer_other_la", "plans_ceased_transfer_other_la", 0},
               {"plans_ceased_needs_met", "plans_ceased_needs_met", 0},
               {"plans_ceased_max_age", "plans_ceased_max_age", 0},
               {"plans_ceased_moved_outside_england", "plans_ceased_moved_outside_england", 0},
               {"plans_ceased_other_reason", "plans_ceased_other_reason", 0},
               {"plans_ceased_left_school_education", "plans_ceased_left_school_education", 0},
               {"requests_withdrawn", "requests_withdrawn", 0},
               {"assessments_withdrawn", "assessments_withdrawn", 0},
               {"assessed_no_plan", "assessed_no_plan", 0},
               {"assessed_plan_issued", "assessed_plan_issued", 0},
               {"ehcp_age_under5", "ehcp_age_under5", 1},
               {"ehcp_age_5_10", "ehcp_age_5_10", 1},
               {"ehcp_age_11_15", "ehcp_age_11_15", 1},
               {"ehcp_age_16_19", "ehcp_age_16_19", 1},
               {"ehcp_age_20_25", "ehcp_age_20_25", 1},
               {"mediations_held", "mediations", 0},
               {"transfers_mainstream_to_special", "transfers_mainstream_to_special", 0},
               {"transfers_special_to_mainstream", "transfers_special_to_mainstream", 0}};
    out(c, "\n# Published history to the as-of date (not used by the model; drawn beside the forecast).\n"
           "# Source for every value: %s, authority %s; caseload in January, activity by calendar year.\n"
           "observed:\n", S, la->old_code[0] ? la->old_code : la->name);
    /* series whose sum stands for a measure in the years it is not published (SEN2 split
     * these ceasing reasons from 2022), so the history runs across the break */
    static const struct {
        const char *sen2, *parts[3];
    } split[] = {{"plans_ceased_other_reason",
                  {"plans_ceased_other_or_not_recorded", "plans_ceased_deceased", NULL}},
                 {"plans_ceased_left_school_education",
                  {"plans_ceased_employment", "plans_ceased_higher_education",
                   "plans_ceased_no_longer_engaging"}}};
    int n_obs = 0;
    for (size_t i = 0; i < sizeof obs / sizeof obs[0]; i++) {
        const char *const *parts = NULL;
        for (size_t j = 0; j < sizeof split / sizeof split[0]; j++)
            if (!strcmp(split[j].sen2, obs[i].sen2))
                parts = split[j].parts;
        int f = 0, l = 0, pf, pt;
        int any = send_sen2_span(c->d, c->la, obs[i].sen2, Y, &f, &l);
        for (int q = 0; parts && q < 3 && parts[q]; q++)
            if (send_sen2_span(c->d, c->la, parts[q], Y, &pf, &pt)) {
                f = any && f < pf ? f : pf;
                l = any && l > pt ? l : pt;
                any = 1;
            }
        if (!any)
            continue;
        int wrote = 0;
        for (int y = f; y <= l && n_obs < SEND_MAX_OBS; y++) {
            double x = val(c, obs[i].sen2, y);
            if (isnan(x) && parts) { /* NaN unless every part is published */
                x = 0;
                for (int q = 0; q < 3 && parts[q]; q++)
                    x += val(c, parts[q], y);
            }
            if (isnan(x))
                continue;
            if (!wrote) {
                out(c, "  %s:%*s# %s", obs[i].metric, (int)(32 - strlen(obs[i].metric)), "", obs[i].sen2);
                for (int q = 0; parts && q < 3 && parts[q]; q++)
                    out(c, "%s%s", q ? " + " : "; where not published, ", parts[q]);
                out(c, " [%s]\n", S);
            }
            wrote = 1;
            if (obs[i].jan)
                out(c, "    %d-01: %.10g\n", y, x);
            else
                out(c, "    %d: %.10g\n", y, x);
            n_obs++;
        }
    }
    if (leics && Y >= 2019 && n_obs <= SEND_MAX_OBS - 3)
        out(c, "  dsg_inyear_gbp:                  # high-needs block position [ref: Leics-2019]\n"
               "    2018-19: -2300000              # overspend (outturn)\n"
               "    2019-20: -6100000              # forecast overspend, after a one-off extra 5.4m\n"
               "  dsg_balance_gbp:                 # derived: the positions above, from 0 before 2018/19 (assumption)\n"
               "    2019-20: -8400000\n");
}

int send_init_scenario(const send_sen2 *d, size_t la, const send_init_opts *o,
                       const char *out_path, des_error *err)
{
    if (!d || !o || !o->england || la >= send_sen2_count(d))
        return des_error_set(err, DES_EINVAL, "init: no data or authority");
    int Y = o->as_of, Y0 = o->start_year ? o->start_year : o->as_of;
    if (Y0 > Y)
        return des_error_set(err, DES_EINPUT, "start year %d is after the as-of year %d", Y0, Y);
    if (o->end_y && o->end_y < Y0)
        return des_error_set(err, DES_EINPUT, "end %04d-%02d-%02d is before the start %d-01-01",
                             o->end_y, o->end_m, o->end_d, Y0);
    /* the pool: as of Y, or of its own last January when that is earlier (a file of every
     * authority published a year before the authority's own file, say) */
    const send_sen2 *P = o->pool ? o->pool : d;
    int PY = P != d ? send_init_pool_year(P, o->pool_label, Y, err) : Y;
    if (!PY)
        return err ? err->code : DES_EINPUT;
    const char *src = o->data_label ? o->data_label : send_sen2_path(d);
    io_buf b = {0};
    ictx c = {.d = d,
              .la = la,
              .o = o,
              .Y = Y,
              .Y0 = Y0,
              .P = P,
              .PY = PY,
              .psrc = P == d ? src : (o->pool_label ? o->pool_label : send_sen2_path(P)),
              .src = src,
              .esrc = o->england_label ? o->england_label : send_sen2_path(o->england),
              .b = &b,
              .err = err};
    write_scenario(&c);
    if (c.failed) {
        free(b.s);
        return err ? err->code : DES_EINPUT;
    }
    if (b.oom) {
        free(b.s);
        return des_error_set(err, DES_ENOMEM, "cannot build the scenario text");
    }
    io_atomic f;
    int rc = io_atomic_open(&f, out_path, err);
    if (rc == DES_OK) {
        fwrite(b.s, 1, b.n, f.f);
        rc = io_atomic_commit(&f, NULL, err);
    }
    free(b.s);
    return rc;
}
