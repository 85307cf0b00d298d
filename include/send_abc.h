/* send_abc.h - approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), generic.
 *
 * Adaptive population Monte Carlo ABC (Beaumont, Cornuet, Marin & Robert 2009, with the
 * adaptive tolerance of Del Moral, Doucet & Jasra 2012 and Lenormand, Jabot & Deffuant 2013):
 *
 *   generation 0: N parameter vectors from the prior, each simulated once; weights 1.
 *   then repeat:  the tolerance eps is the alpha-quantile of the current distances and the
 *                 K = alpha N closest particles are kept; M = N - K new particles are proposed
 *                 by picking a kept particle j with probability w_j and perturbing it with a
 *                 Gaussian kernel of covariance 2 x the weighted covariance of the kept set;
 *                 each is simulated once; the acceptance rate is the share of new particles
 *                 closer than eps; the kept set (every draw so far within the new tolerance)
 *                 is weighted pi(theta) / q(theta), q the mixture of every generation's
 *                 proposal density in proportion to its draws (the prior for generation 0; a
 *                 kernel mixture restricted to the prior's support otherwise), so that the
 *                 few prior draws that survive do not take nearly all the weight;
 *   until the acceptance rate falls below p_acc_min (or a generation or simulation budget ends).
 * The result is the K kept particles, their normalised importance weights and distances, and
 * the final tolerance (the largest kept distance). Cost: N + (generations - 1) x M simulations.
 *
 * The problem is three callbacks: a prior draw, a normalised log prior density (-INFINITY
 * outside its support) and a distance (one simulation at theta with the given seed, on worker
 * `slot` < threads, so that the caller can keep per-thread scratch). Simulations run in parallel
 * with OpenMP; every random number (prior draw, parent pick, perturbation, simulation seed) comes
 * from a generator seeded by (seed, generation, proposal index) alone, and results are stored by
 * index, so the result is identical for any thread count. A distance that is NaN counts as
 * +infinity (the simulation is never kept).
 */
#ifndef SEND_ABC_H
#define SEND_ABC_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "des_error.h"

typedef struct send_abc_problem {
    int dim; /* parameters, >= 1 */
    void (*prior_draw)(void *ctx, gsl_rng *rng, double *theta);
    double (*prior_logpdf)(void *ctx, const double *theta);
    /* One simulation at theta; *dist its distance to the observations. DES_OK or an error,
     * which stops the run. Called concurrently from different slots. */
    int (*distance)(void *ctx, int slot, const double *theta, uint64_t seed, double *dist,
                    des_error *err);
    void *ctx;
} send_abc_problem;

typedef struct send_abc_opts {
    int particles;         /* N, >= 4 */
    double alpha;          /* share kept each generation, in (0, 1); 0 = 0.5 */
    double p_acc_min;      /* stop below this acceptance rate, in (0, 1); 0 = 0.05 */
    int max_generations;   /* 0 = no limit */
    long max_simulations;  /* 0 = no limit; a generation is never cut short */
    uint64_t seed;
    int threads;           /* <= 0: all cores */
} send_abc_opts;

typedef struct send_abc_result {
    int n, dim;         /* n = kept particles (alpha N) */
    double *theta;      /* n x dim, row-major, ordered by distance (ties by index) */
    double *weight;     /* n, summing to 1 */
    double *dist;       /* n */
    double epsilon;     /* final tolerance: the largest kept distance */
    double acc_rate;    /* acceptance rate of the last generation (1 if only generation 0) */
    int generations;    /* including generation 0 */
    long simulations;
    double ess;         /* effective sample size 1 / sum w^2 */
    double dist0_median; /* median distance of the prior draws (generation 0) */
} send_abc_result;

/* Run ABC-SMC. DES_EINVAL for bad options, DES_ENOMEM, or the distance callback's error. */
int send_abc_run(const send_abc_problem *pb, const send_abc_opts *opts, send_abc_result *res,
                 des_error *err);
void send_abc_result_free(send_abc_result *res);

/* Weighted mean and covariance (dim x dim, row-major, divisor 1 - sum w^2 for normalised
 * weights: unbiased for independent draws) of a result's particles. */
void send_abc_moments(const send_abc_result *res, double *mean, double *cov);

#endif
