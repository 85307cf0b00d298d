/* des_stats.h - statistics collectors.
 *
 * All collectors are plain structs updated in O(1) without allocation (the histogram's bins are
 * allocated once at init). Tallies use Welford's update for a numerically stable variance.
 * Time-weighted averages integrate a piecewise-constant signal. Percentiles across replications
 * sort a copy of the sample and interpolate (GSL's quantile definition).
 */
#ifndef DES_STATS_H
#define DES_STATS_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "des_error.h"

/* Observations: count, mean, variance, min, max. */
typedef struct des_tally {
    uint64_t n;
    double mean, m2, min, max;
} des_tally;

void des_tally_init(des_tally *t);
/* Inline: called on every admission of every resource. */
inline void des_tally_add(des_tally *t, double x)
{
    t->n++;
    double d = x - t->mean;
    t->mean += d / (double)t->n;
    t->m2 += d * (x - t->mean);
    if (x < t->min)
        t->min = x;
    if (x > t->max)
        t->max = x;
}
/* Combine b into a (Chan et al. parallel update): as if every observation of b went to a. */
void des_tally_merge(des_tally *a, const des_tally *b);
double des_tally_mean(const des_tally *t);     /* NAN when empty */
double des_tally_var(const des_tally *t);      /* sample variance (n-1); NAN when n < 2 */
double des_tally_sd(const des_tally *t);
/* Half-width of a normal-approximation confidence interval for the mean at level z (e.g. 1.96). */
double des_tally_ci_half(const des_tally *t, double z);

/* A piecewise-constant signal v(t) and its integral since `start`. */
typedef struct des_timeavg {
    double start, last_t, value, area, max;
} des_timeavg;

void des_timeavg_init(des_timeavg *a, double start, double value);
/* The signal changes to `value` at time t (t >= last update). Inline: called on every change
 * of every occupancy and queue. */
inline void des_timeavg_set(des_timeavg *a, double t, double value)
{
    assert(t >= a->last_t);
    a->area += a->value * (t - a->last_t);
    a->last_t = t;
    a->value = value;
    if (value > a->max)
        a->max = value;
}
inline void des_timeavg_add(des_timeavg *a, double t, double delta)
{
    des_timeavg_set(a, t, a->value + delta);
}
/* Time average over [start, t]; the current value when t == start. */
double des_timeavg_mean(const des_timeavg *a, double t);
/* Integral over [start, t]. */
double des_timeavg_area(const des_timeavg *a, double t);
/* Restart the integral at time t, keeping the current value (e.g. after a warm-up). */
void des_timeavg_restart(des_timeavg *a, double t);

/* Fixed-width bins on [lo, hi) with underflow and overflow counts. */
typedef struct des_hist {
    double lo, hi, width;
    size_t nbins;
    uint64_t *bins;
    uint64_t under, over, n;
} des_hist;

int des_hist_init(des_hist *h, double lo, double hi, size_t nbins, des_error *err);
void des_hist_free(des_hist *h);
void des_hist_add(des_hist *h, double x);
void des_hist_reset(des_hist *h);
/* Approximate q-quantile (0 <= q <= 1) by linear interpolation within the bin; NAN if empty. */
double des_hist_quantile(const des_hist *h, double q);

/* Quantiles of a sample across replications: sorts `x` in place (n >= 1), then writes
 * out[i] = quantile q[i]. */
void des_quantiles(double *x, size_t n, const double *q, size_t nq, double *out);

/* The normal-score (van der Waerden) correlation of k variables over n records, x row-major
 * (x[i * k + j]; NaN = missing): each variable's values are ranked within their group (group[i];
 * NULL = one group), ties sharing the mean rank, and replaced by Phi^-1((rank - 1/2) / m), m the
 * group's values present; corr[a * k + b] is Pearson's correlation of the scores of a and b over
 * the records holding both (0 when fewer than 3 do; 1 on the diagonal). It estimates a Gaussian
 * copula's correlation whatever the variables' own distributions. 0, or -1 out of memory. */
int des_normal_score_corr(const double *x, const int *group, size_t n, int k, double *corr);
/* The lower Cholesky factor L of the symmetric k x k matrix a (row-major; L may be a itself,
 * factored in place), zeros above the diagonal: 1, or 0 when a pivot is not above min_pivot
 * (a is then not positive definite enough; L is left part-written). Cholesky-Banachiewicz,
 * row by row. */
int des_cholesky(const double *a, int k, double *L, double min_pivot);
/* Make a k x k correlation matrix positive definite by shrinking its off-diagonal toward 0 in
 * steps of 5% (in place) and write its lower Cholesky factor L (row-major, zeros above the
 * diagonal). Returns the factor kept (1: unchanged; 0: only the identity factors; -1 out of
 * memory). */
double des_corr_cholesky(double *corr, int k, double *L);

#endif
