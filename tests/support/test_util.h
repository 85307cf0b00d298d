/* test_util.h - helpers shared by the cmocka tests: a double comparison with a readable
 * message (cmocka's float assertion works in float) and a seeded MT19937 generator for tests
 * that drive the engine with their own random numbers. Include after <cmocka.h>. */
#ifndef SENDSIM_TEST_UTIL_H
#define SENDSIM_TEST_UTIL_H

#include <math.h>

#include <gsl/gsl_rng.h>

/* |a - b| <= tol, else fail with both values printed in full. */
#define assert_close(a, b, tol)                                                               \
    do {                                                                                      \
        double a_ = (a), b_ = (b), t_ = (tol);                                                \
        if (!(fabs(a_ - b_) <= t_))                                                           \
            fail_msg("%s = %.17g, expected %s = %.17g (tolerance %g)", #a, a_, #b, b_, t_);   \
    } while (0)

static inline gsl_rng *make_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed);
    return r;
}

#endif
