/* test_rng.c - seed derivation, collision resolution and MT19937 streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "des_rng.h"

#define GAMMA UINT64_C(0x9e3779b97f4a7c15)

/* ---- reference derivation, independent of sim/des/rng.c ---- */

static uint64_t ref_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Multiplicative inverse of an odd number modulo 2^64 (Newton iteration). */
static uint64_t inv_odd(uint64_t a)
{
    uint64_t x = a; /* correct to 3 bits; each step doubles the number of correct bits */
    for (int i = 0; i < 6; i++)
        x *= 2 - a * x;
    return x;
}

/* Inverse of x ^= x >> s for s >= 1. */
static uint64_t unxorshift(uint64_t y, unsigned s)
{
    uint64_t x = y;
    for (unsigned k = s; k < 64; k += s)
        x = y ^ (x >> s);
    return x;
}

static uint64_t ref_unmix(uint64_t z)
{
    z = unxorshift(z, 31);
    z *= inv_odd(UINT64_C(0x94d049bb133111eb));
    z = unxorshift(z, 27);
    z *= inv_odd(UINT64_C(0xbf58476d1ce4e5b9));
    return unxorshift(z, 30);
}

/* The 64-bit value before folding, as documented at the top of rng.c. */
static uint64_t ref_chain(uint64_t master, uint64_t rep, uint32_t stream, uint32_t attempt)
{
    uint64_t h = ref_mix(master + GAMMA);
    h = ref_mix((h ^ rep) + GAMMA);
    return ref_mix((h ^ (((uint64_t)stream << 32) | attempt)) + GAMMA);
}

static uint32_t ref_fold(uint64_t h)
{
    return (uint32_t)(h ^ (h >> 32));
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Number of adjacent equal values after sorting a copy. */
static size_t count_duplicates(const uint32_t *v, size_t n)
{
    uint32_t *c = malloc(n * sizeof *c);
    assert_non_null(c);
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_u32);
    size_t dup = 0;
    for (size_t i = 1; i < n; i++)
        dup += c[i] == c[i - 1];
    free(c);
    return dup;
}

/* ---- mixer ---- */

static void test_mix64_known_values(void **state)
{
    (void)state;
    /* The first three outputs of splitmix64 seeded with 0 (Vigna's reference code): state
     * advances by GAMMA and each output is the finaliser of the state. */
    assert_true(des_mix64(GAMMA) == UINT64_C(0xe220a8397b1dcdaf));
    assert_true(des_mix64(2 * GAMMA) == UINT64_C(0x6e789e6aa1b965f4));
    assert_true(des_mix64(3 * GAMMA) == UINT64_C(0x06c45d188009454f));
    assert_true(des_mix64(0) == 0);
}

static void test_mix64_bijective_sample(void **state)
{
    (void)state;
    for (uint64_t v = 0; v < 100000; v++) {
        uint64_t w = v * UINT64_C(0x2545f4914f6cdd1d) + 12345;
        assert_true(des_mix64(w) == ref_mix(w));
        assert_true(ref_unmix(des_mix64(w)) == w);
    }
}

/* ---- raw seeds ---- */

static void test_seed_raw_matches_reference(void **state)
{
    (void)state;
    const uint64_t masters[] = { 0, 1, 42, UINT64_MAX, UINT64_C(0x123456789abcdef0) };
    for (size_t m = 0; m < sizeof masters / sizeof *masters; m++)
        for (uint64_t r = 0; r < 20; r++)
            for (uint32_t s = 0; s < 8; s++)
                for (uint32_t a = 0; a < 3; a++) {
                    uint32_t want = ref_fold(ref_chain(masters[m], r, s, a));
                    uint32_t got = des_rng_seed_raw(masters[m], r, s, a);
                    assert_int_not_equal(got, 0);
                    if (want != 0)
                        assert_int_equal(got, want);
                }
}

static void test_seed_raw_deterministic_and_sensitive(void **state)
{
    (void)state;
    uint32_t s0 = des_rng_seed_raw(2024, 3, 5, 0);
    assert_int_equal(des_rng_seed_raw(2024, 3, 5, 0), s0);
    assert_int_not_equal(des_rng_seed_raw(2025, 3, 5, 0), s0);
    assert_int_not_equal(des_rng_seed_raw(2024, 4, 5, 0), s0);
    assert_int_not_equal(des_rng_seed_raw(2024, 3, 6, 0), s0);
    assert_int_not_equal(des_rng_seed_raw(2024, 3, 5, 1), s0);
    /* Swapping replication and stream must not give the same seed. */
    assert_int_not_equal(des_rng_seed_raw(7, 1, 2, 0), des_rng_seed_raw(7, 2, 1, 0));
}

/* Invert the chain to build a master seed whose fold is 0, and check it is replaced. */
static void test_seed_raw_never_zero(void **state)
{
    (void)state;
    const uint64_t rep = 17;
    const uint32_t stream = 3, attempt = 0;
    uint64_t key = ((uint64_t)stream << 32) | attempt;
    uint64_t h3 = 0;                              /* folds to 0 */
    uint64_t h2 = (ref_unmix(h3) - GAMMA) ^ key;  /* h3 = mix((h2 ^ key) + GAMMA) */
    uint64_t h1 = (ref_unmix(h2) - GAMMA) ^ rep;  /* h2 = mix((h1 ^ rep) + GAMMA) */
    uint64_t master = ref_unmix(h1) - GAMMA;      /* h1 = mix(master + GAMMA) */
    assert_true(ref_chain(master, rep, stream, attempt) == 0);

    uint32_t s = des_rng_seed_raw(master, rep, stream, attempt);
    assert_int_not_equal(s, 0);
    assert_int_equal(des_rng_seed_raw(master, rep, stream, attempt), s);
    /* A fold of 0 from another 64-bit value (high half == low half) maps to the same
     * substitute. */
    uint64_t h3b = UINT64_C(0x5555555555555555);
    uint64_t h2b = (ref_unmix(h3b) - GAMMA) ^ key;
    uint64_t h1b = (ref_unmix(h2b) - GAMMA) ^ rep;
    uint64_t master_b = ref_unmix(h1b) - GAMMA;
    assert_int_equal(ref_fold(ref_chain(master_b, rep, stream, attempt)), 0);
    assert_int_equal(des_rng_seed_raw(master_b, rep, stream, attempt), s);
}

/* ---- seed tables ---- */

static void test_seed_table_distinct_and_deterministic(void **state)
{
    (void)state;
    const size_t nreps = 2000, nstreams = 32, n = nreps * nstreams;
    uint32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    des_error err = { 0 };
    assert_int_equal(des_rng_seed_table(20240901, nreps, nstreams, a, &err), DES_OK);
    assert_int_equal(des_rng_seed_table(20240901, nreps, nstreams, b, &err), DES_OK);
    assert_memory_equal(a, b, n * sizeof *a);
    assert_int_equal(count_duplicates(a, n), 0);
    size_t raw = 0;
    for (size_t r = 0; r < nreps; r++)
        for (size_t s = 0; s < nstreams; s++) {
            assert_int_not_equal(a[r * nstreams + s], 0);
            raw += a[r * nstreams + s] == des_rng_seed_raw(20240901, r, (uint32_t)s, 0);
        }
    /* Birthday bound: about n^2 / 2^33 ~ 0.5 collisions expected, so almost all are raw. */
    assert_true(raw >= n - 10);

    /* A different master gives a different table. */
    assert_int_equal(des_rng_seed_table(20240902, nreps, nstreams, b, &err), DES_OK);
    size_t same = 0;
    for (size_t i = 0; i < n; i++)
        same += a[i] == b[i];
    assert_true(same < 10);
    free(a);
    free(b);
}

/* Seeds depend only on earlier pairs: fewer replications give a prefix of the table. */
static void test_seed_table_prefix_property(void **state)
{
    (void)state;
    const size_t nstreams = 16;
    uint32_t big[500 * 16], small[37 * 16];
    assert_int_equal(des_rng_seed_table(99, 500, nstreams, big, NULL), DES_OK);
    assert_int_equal(des_rng_seed_table(99, 37, nstreams, small, NULL), DES_OK);
    assert_memory_equal(small, big, sizeof small);
}

/* Find a master whose raw seeds collide, then check every entry against the rule: the first
 * attempt (0, 1, 2, ...) whose seed is not among the entries before it. */
static void test_seed_table_collision_resolution(void **state)
{
    (void)state;
    const size_t nreps = 4000, nstreams = 32, n = nreps * nstreams;
    uint32_t *raw = malloc(n * sizeof *raw), *seeds = malloc(n * sizeof *seeds);
    assert_non_null(raw);
    assert_non_null(seeds);

    uint64_t master = 0;
    size_t dups = 0;
    for (master = 1; master <= 64; master++) {
        for (size_t r = 0; r < nreps; r++)
            for (size_t s = 0; s < nstreams; s++)
                raw[r * nstreams + s] = des_rng_seed_raw(master, r, (uint32_t)s, 0);
        dups = count_duplicates(raw, n);
        if (dups > 0)
            break;
    }
    assert_true(dups > 0); /* about 1.9 collisions per master are expected */

    assert_int_equal(des_rng_seed_table(master, nreps, nstreams, seeds, NULL), DES_OK);
    assert_int_equal(count_duplicates(seeds, n), 0);

    size_t remixed = 0;
    for (size_t i = 0; i < n; i++) {
        if (seeds[i] == raw[i])
            continue; /* all distinct, so no earlier entry holds raw[i] */
        remixed++;
        size_t r = i / nstreams;
        uint32_t s = (uint32_t)(i % nstreams);
        uint32_t want = 0;
        for (uint32_t attempt = 0;; attempt++) {
            uint32_t cand = des_rng_seed_raw(master, r, s, attempt);
            int taken = 0;
            for (size_t j = 0; j < i && !taken; j++)
                taken = seeds[j] == cand;
            if (!taken) {
                want = cand;
                assert_true(attempt >= 1); /* attempt 0 must really have been taken */
                break;
            }
        }
        assert_int_equal(seeds[i], want);
        /* The re-mix path gives a value different from the raw one. */
        assert_int_not_equal(des_rng_seed_raw(master, r, s, 1), raw[i]);
    }
    assert_true(remixed >= dups);
    free(raw);
    free(seeds);
}

static void expect_einval(int rc, const des_error *err)
{
    assert_int_equal(rc, DES_EINVAL);
    assert_int_equal(err->code, DES_EINVAL);
    assert_true(strlen(err->msg) > 0);
}

static void test_seed_table_errors(void **state)
{
    (void)state;
    uint32_t seeds[4] = { 0 };
    des_error err = { 0 };
    expect_einval(des_rng_seed_table(1, 0, 4, seeds, &err), &err);
    expect_einval(des_rng_seed_table(1, 4, 0, seeds, &err), &err);
    expect_einval(des_rng_seed_table(1, 0, 0, seeds, &err), &err);
    expect_einval(des_rng_seed_table(1, 1, 1, NULL, &err), &err);
    /* nreps * nstreams overflows size_t. */
    expect_einval(des_rng_seed_table(1, SIZE_MAX / 2 + 1, 2, seeds, &err), &err);
    expect_einval(des_rng_seed_table(1, SIZE_MAX, SIZE_MAX, seeds, &err), &err);
    /* Stream ids are 32-bit. */
    expect_einval(des_rng_seed_table(1, 1, (size_t)UINT32_MAX + 1, seeds, &err), &err);
    assert_non_null(strstr(err.msg, "'nstreams'"));
    /* More entries than half of the 32-bit seed space. */
    expect_einval(des_rng_seed_table(1, (((size_t)1) << 31) + 1, 1, seeds, &err), &err);
    /* Nothing was written by the failed calls; a NULL error record is accepted. */
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(seeds[i], 0);
    assert_int_equal(des_rng_seed_table(1, 0, 4, seeds, NULL), DES_EINVAL);
    assert_int_equal(des_rng_seed_table(1, 2, 2, seeds, NULL), DES_OK);
}

/* ---- streams ---- */

/* An independent implementation of L'Ecuyer's taus88 with GSL's documented seeding (three
 * LCG steps of 69069, lower bounds 2, 8, 16, then six warm-up draws), as a known answer. */
typedef struct taus_ref { uint32_t s1, s2, s3; } taus_ref;

static uint32_t taus_ref_get(taus_ref *t)
{
#define TAUS(s, a, b, c, d) ((((s) & (c)) << (d)) ^ ((((s) << (a)) ^ (s)) >> (b)))
    t->s1 = TAUS(t->s1, 13, 19, 4294967294u, 12);
    t->s2 = TAUS(t->s2, 2, 25, 4294967288u, 4);
    t->s3 = TAUS(t->s3, 3, 11, 4294967280u, 17);
#undef TAUS
    return t->s1 ^ t->s2 ^ t->s3;
}

static void taus_ref_seed(taus_ref *t, uint32_t s)
{
    if (s == 0)
        s = 1;
    t->s1 = 69069u * s;
    if (t->s1 < 2)
        t->s1 += 2;
    t->s2 = 69069u * t->s1;
    if (t->s2 < 8)
        t->s2 += 8;
    t->s3 = 69069u * t->s2;
    if (t->s3 < 16)
        t->s3 += 16;
    for (int i = 0; i < 6; i++)
        taus_ref_get(t);
}

static void test_streams_taus2_known_answer(void **state)
{
    (void)state;
    uint32_t seeds[2] = { 5489, 0x9e3779b9u };
    des_streams s;
    assert_int_equal(des_streams_init(&s, seeds, 2, NULL), DES_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(gsl_rng_name(s.rng[0]), "taus2");
    for (int k = 0; k < 2; k++) {
        taus_ref ref;
        taus_ref_seed(&ref, seeds[k]);
        for (int i = 0; i < 1000; i++)
            assert_true(gsl_rng_get(s.rng[k]) == taus_ref_get(&ref));
    }
    des_streams_free(&s);
    assert_int_equal(s.n, 0);
    assert_null(s.rng);
}

static void test_streams_deterministic_and_reseed(void **state)
{
    (void)state;
    uint32_t seeds[3];
    assert_int_equal(des_rng_seed_table(7, 1, 3, seeds, NULL), DES_OK);
    des_streams a, b;
    assert_int_equal(des_streams_init(&a, seeds, 3, NULL), DES_OK);
    assert_int_equal(des_streams_init(&b, seeds, 3, NULL), DES_OK);
    unsigned long first[3][50];
    for (size_t i = 0; i < 3; i++)
        for (int k = 0; k < 50; k++) {
            first[i][k] = gsl_rng_get(a.rng[i]);
            assert_true(first[i][k] == gsl_rng_get(b.rng[i]));
        }
    /* Streams with different seeds differ. */
    assert_true(first[0][0] != first[1][0] || first[0][1] != first[1][1]);
    des_streams_reseed(&a, seeds);
    for (size_t i = 0; i < 3; i++)
        for (int k = 0; k < 50; k++)
            assert_true(gsl_rng_get(a.rng[i]) == first[i][k]);
    des_streams_free(&a);
    des_streams_free(&b);
    des_streams_free(&b); /* idempotent */
}

/* Pearson correlation of the first n uniforms of two generators. */
static double correlation(gsl_rng *x, gsl_rng *y, size_t n)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        double u = gsl_rng_uniform(x) - 0.5, v = gsl_rng_uniform(y) - 0.5;
        sx += u;
        sy += v;
        sxx += u * u;
        syy += v * v;
        sxy += u * v;
    }
    double cxy = sxy - sx * sy / n, cxx = sxx - sx * sx / n, cyy = syy - sy * sy / n;
    return cxy / sqrt(cxx * cyy);
}

static void test_streams_independence(void **state)
{
    (void)state;
    const size_t n = 100000;
    const double bound = 4.5 / sqrt((double)n); /* r ~ N(0, 1/n) under independence */
    uint32_t seeds[2 * 4];
    assert_int_equal(des_rng_seed_table(20240901, 2, 4, seeds, NULL), DES_OK);
    des_streams rep0, rep1;
    assert_int_equal(des_streams_init(&rep0, seeds, 4, NULL), DES_OK);
    assert_int_equal(des_streams_init(&rep1, seeds + 4, 4, NULL), DES_OK);
    /* Adjacent streams of one replication, and the same stream of adjacent replications. */
    double r01 = correlation(rep0.rng[0], rep0.rng[1], n);
    double r23 = correlation(rep0.rng[2], rep0.rng[3], n);
    double rr = correlation(rep0.rng[0], rep1.rng[0], n);
    assert_true(fabs(r01) < bound);
    assert_true(fabs(r23) < bound);
    assert_true(fabs(rr) < bound);
    /* The check has power: a stream against itself (re-seeded copy) correlates fully. */
    des_streams_reseed(&rep1, seeds);
    des_streams_reseed(&rep0, seeds);
    assert_true(correlation(rep0.rng[0], rep1.rng[0], 1000) > 0.999999);
    des_streams_free(&rep0);
    des_streams_free(&rep1);
}

static void test_streams_errors(void **state)
{
    (void)state;
    uint32_t seeds[2] = { 1, 2 };
    des_error err = { 0 };
    des_streams s = { 0 };
    expect_einval(des_streams_init(&s, seeds, 0, &err), &err);
    assert_int_equal(s.n, 0);
    assert_null(s.rng);
    expect_einval(des_streams_init(&s, NULL, 2, &err), &err);
    expect_einval(des_streams_init(NULL, seeds, 2, &err), &err);
    expect_einval(des_streams_init(&s, seeds, SIZE_MAX, &err), &err);
    assert_int_equal(des_streams_init(&s, seeds, 0, NULL), DES_EINVAL);
    /* Free and reseed on an empty or zeroed set are harmless. */
    des_streams z = { 0 };
    des_streams_reseed(&z, seeds);
    des_streams_free(&z);
    des_streams_free(NULL);
    des_streams_reseed(NULL, seeds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mix64_known_values),
        cmocka_unit_test(test_mix64_bijective_sample),
        cmocka_unit_test(test_seed_raw_matches_reference),
        cmocka_unit_test(test_seed_raw_deterministic_and_sensitive),
        cmocka_unit_test(test_seed_raw_never_zero),
        cmocka_unit_test(test_seed_table_distinct_and_deterministic),
        cmocka_unit_test(test_seed_table_prefix_property),
        cmocka_unit_test(test_seed_table_collision_resolution),
        cmocka_unit_test(test_seed_table_errors),
        cmocka_unit_test(test_streams_taus2_known_answer),
        cmocka_unit_test(test_streams_deterministic_and_reseed),
        cmocka_unit_test(test_streams_independence),
        cmocka_unit_test(test_streams_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
