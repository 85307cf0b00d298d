/* des_dist.h - validated probability distributions for sampling durations and counts.
 *
 * A des_dist is a plain value: build it once with a des_dist_* constructor (which checks the
 * parameters and returns DES_EINVAL with a message naming the parameter when they are out of
 * domain), then sample it any number of times with des_dist_sample(). Empirical and discrete
 * tables own heap memory: release them with des_dist_free(). Sampling never allocates.
 *
 * des_dist_mean() and des_dist_var() give the analytic moments, used by tests and by queueing
 * formulas (Pollaczek-Khinchine needs E[S^2] = var + mean^2).
 */
#ifndef DES_DIST_H
#define DES_DIST_H

#include <stddef.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "des_error.h"

typedef enum des_dist_kind {
    DES_DIST_CONSTANT,
    DES_DIST_EXPONENTIAL,  /* a = mean */
    DES_DIST_GAMMA,        /* a = shape k, b = scale theta */
    DES_DIST_LOGNORMAL,    /* a = mu, b = sigma of the underlying normal */
    DES_DIST_WEIBULL,      /* a = scale lambda, b = shape k */
    DES_DIST_TRIANGULAR,   /* a = min, b = mode, c = max */
    DES_DIST_UNIFORM,      /* a = min, b = max */
    DES_DIST_EMPIRICAL,    /* piecewise-linear CDF through (x[i], cdf[i]) */
    DES_DIST_DISCRETE,     /* value x[i] with probability p[i] */
    DES_DIST_POISSON,      /* a = mean */
    DES_DIST_BINOMIAL      /* a = p, n = trials */
} des_dist_kind;

typedef struct des_dist {
    des_dist_kind kind;
    double a, b, c;
    unsigned n;
    size_t len;            /* table length (empirical, discrete) */
    double *x;             /* owned table values */
    double *cdf;           /* owned: cumulative probabilities (empirical) or normalised
                              probabilities (discrete) */
    gsl_ran_discrete_t *table; /* owned alias table (discrete) */
} des_dist;

int des_dist_constant(des_dist *d, double value, des_error *err);
int des_dist_exponential(des_dist *d, double mean, des_error *err);
int des_dist_gamma(des_dist *d, double shape, double scale, des_error *err);
int des_dist_gamma_mean_sd(des_dist *d, double mean, double sd, des_error *err);
int des_dist_lognormal_mean_sd(des_dist *d, double mean, double sd, des_error *err);
int des_dist_weibull(des_dist *d, double scale, double shape, des_error *err);
int des_dist_triangular(des_dist *d, double min, double mode, double max, des_error *err);
int des_dist_uniform(des_dist *d, double min, double max, des_error *err);
/* x strictly increasing, cdf non-decreasing from 0 to 1, len >= 2. Copies the arrays. */
int des_dist_empirical(des_dist *d, const double *x, const double *cdf, size_t len,
                       des_error *err);
/* p non-negative with a positive sum (normalised), len >= 1. Copies the arrays. */
int des_dist_discrete(des_dist *d, const double *values, const double *p, size_t len,
                      des_error *err);
int des_dist_poisson(des_dist *d, double mean, des_error *err);
int des_dist_binomial(des_dist *d, double p, unsigned n, des_error *err);

/* Release owned tables; safe on any initialised or zeroed des_dist. */
void des_dist_free(des_dist *d);
/* Deep copy (tables duplicated). */
int des_dist_copy(des_dist *dst, const des_dist *src, des_error *err);

double des_dist_sample(const des_dist *d, gsl_rng *r);
double des_dist_mean(const des_dist *d);
double des_dist_var(const des_dist *d);

/* Exponential variate with the given mean: the engine's hot-path sampler. */
double des_exponential(gsl_rng *r, double mean);

#endif
