/* stats.c - statistics collectors: tallies, time-weighted averages, histograms, quantiles.
 *
 * Tally: Welford's running mean and sum of squared deviations (m2), with min and max; two
 * tallies combine with Chan et al.'s pairwise update, so per-thread or per-replication
 * tallies merge exactly as if every observation had gone to one of them.
 * Invariants: n == 0 => mean == 0, m2 == 0, min == +inf, max == -inf; m2 >= 0 up to rounding.
 *
 * Time average: integrates a piecewise-constant signal. Invariants: start <= last_t; area is
 * the integral of the signal over [start, last_t]; value is the signal since last_t; max is
 * the largest value taken since start. Time never goes backwards (asserted).
 *
 * Histogram: nbins equal bins on [lo, hi), allocated once at init. Values below lo go to
 * `under`, values at or above hi (and NaN) go to `over`; n counts every value added.
 * des_hist_quantile() walks the cumulative counts to the bin holding rank q*n and interpolates
 * linearly inside it, treating its observations as spread evenly across the bin. A quantile
 * that falls among the underflow returns -INFINITY, among the overflow +INFINITY: all that is
 * known is that it lies beyond the range (widen the range if that is a problem).
 *
 * des_quantiles: gsl_sort then gsl_stats_quantile_from_sorted_data (interpolation between
 * order statistics at rank (n-1)q).
 *
 * des_normal_score_corr: each variable's values ranked within their group (ties share the mean
 * rank), mapped to Phi^-1((rank - 1/2) / m), then Pearson's correlation of each pair over the
 * records holding both (van der Waerden scores: the Gaussian copula's correlation, whatever the
 * margins). des_corr_cholesky: Cholesky-Banachiewicz on the k x k matrix, its off-diagonal
 * shrunk by 5% steps toward the identity until it factors.
 *
 * Complexity: tally/time-average updates O(1) (des_tally_add, des_timeavg_set and _add are
 * inline in des_stats.h); histogram add O(1); histogram quantile O(nbins); des_quantiles
 * O(n log n + nq); normal-score correlation O(k n log n + k^2 n), allocating O(n). Nothing else
 * allocates except des_hist_init().
 */
#include "des_stats.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* ---- tally ---------------------------------------------------------------------------- */

void des_tally_init(des_tally *t)
{
    t->n = 0;
    t->mean = 0.0;
    t->m2 = 0.0;
    t->min = INFINITY;
    t->max = -INFINITY;
}

/* The external definitions of the inline functions in des_stats.h. */
extern inline void des_tally_add(des_tally *t, double x);
extern inline void des_timeavg_set(des_timeavg *a, double t, double value);
extern inline void des_timeavg_add(des_timeavg *a, double t, double delta);

void des_tally_merge(des_tally *a, const des_tally *b)
{
    if (b->n == 0)
        return;
    if (a->n == 0) {
        *a = *b;
        return;
    }
    double na = (double)a->n, nb = (double)b->n, n = na + nb;
    double d = b->mean - a->mean;
    a->mean += d * (nb / n);
    a->m2 += b->m2 + d * d * (na * nb / n);
    a->n += b->n;
    if (b->min < a->min)
        a->min = b->min;
    if (b->max > a->max)
        a->max = b->max;
}

double des_tally_mean(const des_tally *t) { return t->n ? t->mean : NAN; }

double des_tally_var(const des_tally *t)
{
    if (t->n < 2)
        return NAN;
    double v = t->m2 / (double)(t->n - 1);
    return v > 0.0 ? v : 0.0;
}

double des_tally_sd(const des_tally *t) { return sqrt(des_tally_var(t)); }

double des_tally_ci_half(const des_tally *t, double z)
{
    return z * des_tally_sd(t) / sqrt((double)t->n); /* NAN when n < 2 */
}

/* ---- time-weighted average ------------------------------------------------------------ */

void des_timeavg_init(des_timeavg *a, double start, double value)
{
    a->start = start;
    a->last_t = start;
    a->value = value;
    a->area = 0.0;
    a->max = value;
}

double des_timeavg_area(const des_timeavg *a, double t)
{
    assert(t >= a->last_t);
    return a->area + a->value * (t - a->last_t);
}

double des_timeavg_mean(const des_timeavg *a, double t)
{
    if (t == a->start)
        return a->value;
    return des_timeavg_area(a, t) / (t - a->start);
}

void des_timeavg_restart(des_timeavg *a, double t)
{
    assert(t >= a->last_t);
    a->start = t;
    a->last_t = t;
    a->area = 0.0;
    a->max = a->value;
}

/* ---- histogram ------------------------------------------------------------------------ */

int des_hist_init(des_hist *h, double lo, double hi, size_t nbins, des_error *err)
{
    h->lo = lo;
    h->hi = hi;
    h->width = 0.0;
    h->nbins = 0;
    h->bins = NULL;
    h->under = h->over = h->n = 0;
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
        return des_error_set(err, DES_EINVAL,
                             "invalid histogram range [%g, %g): need finite lo < hi", lo, hi);
    if (nbins == 0)
        return des_error_set(err, DES_EINVAL, "histogram needs at least one bin");
    double width = (hi - lo) / (double)nbins;
    if (!(width > 0.0) || !isfinite(width))
        return des_error_set(err, DES_EINVAL,
                             "histogram range [%g, %g) cannot hold %zu bins", lo, hi, nbins);
    h->bins = calloc(nbins, sizeof *h->bins);
    if (!h->bins)
        return des_error_set(err, DES_ENOMEM, "cannot allocate histogram of %zu bins", nbins);
    h->nbins = nbins;
    h->width = width;
    return DES_OK;
}

void des_hist_free(des_hist *h)
{
    free(h->bins);
    h->bins = NULL;
    h->nbins = 0;
}

void des_hist_add(des_hist *h, double x)
{
    h->n++;
    if (x < h->lo) {
        h->under++;
    } else if (x < h->hi) {
        size_t i = (size_t)((x - h->lo) / h->width);
        if (i >= h->nbins) /* rounding just below hi */
            i = h->nbins - 1;
        h->bins[i]++;
    } else {
        h->over++; /* x >= hi, or NaN */
    }
}

void des_hist_reset(des_hist *h)
{
    for (size_t i = 0; i < h->nbins; i++)
        h->bins[i] = 0;
    h->under = h->over = h->n = 0;
}

double des_hist_quantile(const des_hist *h, double q)
{
    if (h->n == 0 || !(q >= 0.0 && q <= 1.0))
        return NAN;
    double target = q * (double)h->n; /* rank in [0, n] */
    if (target < (double)h->under)
        return -INFINITY;
    double cum = (double)h->under;
    for (size_t i = 0; i < h->nbins; i++) {
        if (h->bins[i] == 0)
            continue;
        double k = (double)h->bins[i];
        if (target <= cum + k) {
            double frac = (target - cum) / k;
            if (frac < 0.0)
                frac = 0.0;
            return h->lo + ((double)i + frac) * h->width;
        }
        cum += k;
    }
    /* Beyond every binned observation: in the overflow, or (no overflow) all in underflow. */
    return h->over > 0 ? INFINITY : -INFINITY;
}

/* ---- quantiles of a sample ------------------------------------------------------------ */

void des_quantiles(double *x, size_t n, const double *q, size_t nq, double *out)
{
    assert(n >= 1);
    gsl_sort(x, 1, n);
    for (size_t i = 0; i < nq; i++)
        out[i] = gsl_stats_quantile_from_sorted_data(x, 1, n, q[i]);
}

/* ---- correlation of normal scores ------------------------------------------------------ */

typedef struct {
    double v;
    int g;
    size_t i;
} scored;

static int by_group_value(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->g != y->g)
        return x->g < y->g ? -1 : 1;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

int des_normal_score_corr(const double *x, const int *group, size_t n, int k, double *corr)
{
    double *z = malloc((n ? n : 1) * (size_t)k * sizeof *z);
    scored *s = malloc((n ? n : 1) * sizeof *s);
    if (!z || !s) {
        free(z);
        free(s);
        return -1;
    }
    for (int j = 0; j < k; j++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            z[i * (size_t)k + (size_t)j] = NAN;
            if (!isnan(x[i * (size_t)k + (size_t)j]))
                s[m++] = (scored){x[i * (size_t)k + (size_t)j], group ? group[i] : 0, i};
        }
        qsort(s, m, sizeof *s, by_group_value);
        for (size_t a = 0; a < m;) {
            size_t b = a; /* the group [a, b) */
            while (b < m && s[b].g == s[a].g)
                b++;
            for (size_t t = a; t < b;) {
                size_t u = t; /* ties [t, u) share the mean rank */
                while (u < b && s[u].v == s[t].v)
                    u++;
                double rank = (double)(t - a + u - a + 1) / 2.0;
                for (size_t w = t; w < u; w++)
                    z[s[w].i * (size_t)k + (size_t)j] = gsl_cdf_ugaussian_Pinv((rank - 0.5) / (double)(b - a));
                t = u;
            }
            a = b;
        }
    }
    for (int a = 0; a < k; a++)
        for (int b = 0; b <= a; b++) {
            double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
            size_t c = 0;
            for (size_t i = 0; i < n; i++) {
                double p = z[i * (size_t)k + (size_t)a], q = z[i * (size_t)k + (size_t)b];
                if (isnan(p) || isnan(q))
                    continue;
                c++;
                sa += p;
                sb += q;
                saa += p * p;
                sbb += q * q;
                sab += p * q;
            }
            double r = 0;
            if (a == b)
                r = 1;
            else if (c >= 3) {
                double va = saa - sa * sa / (double)c, vb = sbb - sb * sb / (double)c;
                r = va > 0 && vb > 0 ? (sab - sa * sb / (double)c) / sqrt(va * vb) : 0;
            }
            corr[a * k + b] = corr[b * k + a] = r;
        }
    free(z);
    free(s);
    return 0;
}

int des_cholesky(const double *a, int k, double *L, double min_pivot)
{
    for (int i = 0; i < k; i++)
        for (int j = 0; j <= i; j++) {
            double sum = a[i * k + j];
            for (int t = 0; t < j; t++)
                sum -= L[i * k + t] * L[j * k + t];
            if (i == j) {
                if (!(sum > min_pivot))
                    return 0;
                L[i * k + i] = sqrt(sum);
            } else
                L[i * k + j] = sum / L[j * k + j];
        }
    for (int i = 0; i < k; i++)
        for (int j = i + 1; j < k; j++)
            L[i * k + j] = 0;
    return 1;
}

double des_corr_cholesky(double *corr, int k, double *L)
{
    double *c0 = malloc((size_t)(k > 0 ? k * k : 1) * sizeof *c0);
    if (!c0)
        return -1;
    for (int i = 0; i < k * k; i++)
        c0[i] = corr[i];
    double s = 1;
    for (int step = 0; step <= 20; step++) {
        s = 1 - 0.05 * step;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                corr[i * k + j] = i == j ? 1 : s * c0[i * k + j];
        if (des_cholesky(corr, k, L, 1e-10))
            break;
    }
    free(c0);
    return s < 1e-12 ? 0 : s;
}
