/* test_pool.c - entity pool: handles, reuse, generations, growth, clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "des_pool.h"

typedef struct rec {
    uint64_t id;
    double x;
    char tag[13]; /* odd size: records are not a power of two */
} rec;

static int is_zero(const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i])
            return 0;
    return 1;
}

static void test_alloc_free_reuse(void **state)
{
    (void)state;
    des_error err;
    des_pool *p = des_pool_create(sizeof(rec), 8, &err);
    assert_non_null(p);
    assert_int_equal(des_pool_live(p), 0);
    assert_int_equal(des_pool_bound(p), 0);
    assert_false(des_pool_is_live(p, 0));

    uint32_t h[6];
    for (uint32_t i = 0; i < 6; i++) {
        h[i] = des_pool_alloc(p);
        assert_int_equal(h[i], i); /* fresh handles are dense from 0 */
        rec *r = des_pool_get(p, h[i]);
        assert_true(is_zero(r, sizeof *r));
        r->id = 100 + i;
        r->x = 0.5 * i;
        memset(r->tag, 'a' + (int)i, sizeof r->tag);
        assert_true(des_pool_is_live(p, h[i]));
        assert_int_equal(des_pool_gen(p, h[i]), 0);
    }
    assert_int_equal(des_pool_live(p), 6);
    assert_int_equal(des_pool_bound(p), 6);

    des_pool_free(p, h[1]);
    assert_false(des_pool_is_live(p, h[1]));
    assert_int_equal(des_pool_gen(p, h[1]), 1);
    assert_int_equal(des_pool_live(p), 5);
    assert_int_equal(des_pool_bound(p), 6);
    /* the others are untouched */
    assert_int_equal(((rec *)des_pool_get(p, h[0]))->id, 100);
    assert_int_equal(((rec *)des_pool_get(p, h[2]))->id, 102);

    /* reuse: the freed slot comes back zeroed, with its bumped generation */
    uint32_t again = des_pool_alloc(p);
    assert_int_equal(again, h[1]);
    assert_true(des_pool_is_live(p, again));
    assert_int_equal(des_pool_gen(p, again), 1);
    assert_true(is_zero(des_pool_get(p, again), sizeof(rec)));
    assert_int_equal(des_pool_bound(p), 6);

    /* last freed, first reused */
    des_pool_free(p, 3);
    des_pool_free(p, 5);
    des_pool_free(p, 2);
    assert_int_equal(des_pool_live(p), 3);
    assert_int_equal(des_pool_alloc(p), 2);
    assert_int_equal(des_pool_alloc(p), 5);
    assert_int_equal(des_pool_alloc(p), 3);
    assert_int_equal(des_pool_alloc(p), 6); /* free list empty: a fresh handle */
    assert_int_equal(des_pool_bound(p), 7);
    assert_int_equal(des_pool_live(p), 7);

    /* out-of-range handles are not live and have generation 0 */
    assert_false(des_pool_is_live(p, 7));
    assert_false(des_pool_is_live(p, 1000));
    assert_false(des_pool_is_live(p, DES_NONE));
    assert_int_equal(des_pool_gen(p, 1000), 0);
    des_pool_destroy(p);
    des_pool_destroy(NULL);
}

static void test_generations(void **state)
{
    (void)state;
    des_pool *p = des_pool_create(4, 0, NULL);
    assert_non_null(p);
    uint32_t a = des_pool_alloc(p);
    uint32_t gen_held = des_pool_gen(p, a);
    for (uint32_t k = 1; k <= 10; k++) {
        des_pool_free(p, a);
        assert_int_equal(des_pool_gen(p, a), k);
        assert_true(des_pool_gen(p, a) != gen_held); /* a stale (handle, gen) pair is seen */
        assert_int_equal(des_pool_alloc(p), a);
        assert_int_equal(des_pool_gen(p, a), k); /* allocation does not bump */
    }
    des_pool_destroy(p);
}

static void test_growth_keeps_data(void **state)
{
    (void)state;
    des_pool *p = des_pool_create(sizeof(rec), 2, NULL);
    assert_non_null(p);
    enum { N = 20000 };
    for (uint32_t i = 0; i < N; i++) {
        if (i % 3 == 1 && i > 1) { /* refill the hole made on the previous step */
            uint32_t h2 = des_pool_alloc(p);
            assert_int_equal(h2, i - 2);
            rec *r2 = des_pool_get(p, h2);
            assert_true(is_zero(r2, sizeof *r2));
            r2->id = (uint64_t)h2 * 2654435761u;
            r2->x = h2 / 7.0;
            memset(r2->tag, (int)(h2 % 251), sizeof r2->tag);
        }
        uint32_t h = des_pool_alloc(p);
        assert_int_equal(h, i);
        rec *r = des_pool_get(p, h); /* valid only until the next alloc */
        assert_true(is_zero(r, sizeof *r));
        r->id = (uint64_t)i * 2654435761u;
        r->x = i / 7.0;
        memset(r->tag, (int)(i % 251), sizeof r->tag);
        if (i % 3 == 0 && i > 0) /* make a hole, refilled on the next step */
            des_pool_free(p, i - 1);
    }
    assert_int_equal(des_pool_bound(p), N);
    assert_int_equal(des_pool_live(p), N);
    for (uint32_t i = 0; i < N; i++) {
        assert_true(des_pool_is_live(p, i));
        rec *r = des_pool_get(p, i);
        assert_int_equal(r->id, (uint64_t)i * 2654435761u);
        assert_true(r->x == i / 7.0);
        for (size_t k = 0; k < sizeof r->tag; k++)
            assert_int_equal((unsigned char)r->tag[k], i % 251);
    }
    des_pool_destroy(p);
}

static void test_clear(void **state)
{
    (void)state;
    des_pool *p = des_pool_create(sizeof(rec), 4, NULL);
    assert_non_null(p);
    for (int i = 0; i < 10; i++)
        ((rec *)des_pool_get(p, des_pool_alloc(p)))->id = 1;
    des_pool_free(p, 4);
    des_pool_free(p, 7);
    /* gens: 4 and 7 are at 1 */
    des_pool_clear(p);
    assert_int_equal(des_pool_live(p), 0);
    assert_int_equal(des_pool_bound(p), 10);
    for (uint32_t h = 0; h < 10; h++) {
        assert_false(des_pool_is_live(p, h));
        /* every slot is at generation 1: live ones bumped by the clear, freed ones were
         * bumped when freed and are not bumped again */
        assert_int_equal(des_pool_gen(p, h), 1);
    }
    /* after a clear, handles are reused lowest first, zeroed, before any new one */
    for (uint32_t h = 0; h < 10; h++) {
        assert_int_equal(des_pool_alloc(p), h);
        assert_true(is_zero(des_pool_get(p, h), sizeof(rec)));
    }
    assert_int_equal(des_pool_alloc(p), 10);
    assert_int_equal(des_pool_bound(p), 11);
    assert_int_equal(des_pool_live(p), 11);

    /* clearing an empty pool is harmless */
    des_pool *e = des_pool_create(1, 1, NULL);
    assert_non_null(e);
    des_pool_clear(e);
    assert_int_equal(des_pool_live(e), 0);
    assert_int_equal(des_pool_alloc(e), 0);
    des_pool_destroy(e);
    des_pool_destroy(p);
}

static void test_bound_iteration(void **state)
{
    (void)state;
    des_pool *p = des_pool_create(sizeof(uint32_t), 0, NULL);
    assert_non_null(p);
    for (uint32_t i = 0; i < 100; i++)
        *(uint32_t *)des_pool_get(p, des_pool_alloc(p)) = i;
    for (uint32_t i = 0; i < 100; i += 3)
        des_pool_free(p, i);
    /* iterate 0..bound-1, testing is_live */
    size_t n = 0;
    uint64_t sum = 0;
    for (uint32_t h = 0; h < des_pool_bound(p); h++) {
        if (!des_pool_is_live(p, h))
            continue;
        n++;
        sum += *(uint32_t *)des_pool_get(p, h);
    }
    assert_int_equal(n, des_pool_live(p));
    assert_int_equal(n, 66);
    uint64_t expect = 0;
    for (uint32_t i = 0; i < 100; i++)
        if (i % 3)
            expect += i;
    assert_int_equal(sum, expect);
    assert_int_equal(des_pool_bound(p), 100); /* bound never shrinks */
    des_pool_destroy(p);
}

/* Random alloc/free against a model of liveness and generations. */
static void test_random_model(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, 2718);
    des_pool *p = des_pool_create(sizeof(uint64_t), 1, NULL);
    assert_non_null(p);
    enum { MAXH = 5000, STEPS = 200000 };
    unsigned char *live = calloc(MAXH, 1);
    uint32_t *gen = calloc(MAXH, sizeof *gen);
    uint32_t *handles = malloc(MAXH * sizeof *handles); /* live handles, unordered */
    assert_non_null(live);
    assert_non_null(gen);
    assert_non_null(handles);
    size_t nlive = 0, bound = 0;
    for (int s = 0; s < STEPS; s++) {
        int do_alloc = nlive == 0 || (nlive < MAXH - 1 && gsl_rng_uniform(r) < 0.52);
        if (do_alloc) {
            uint32_t h = des_pool_alloc(p);
            assert_true(h < MAXH);
            assert_false(live[h]);
            assert_true(h <= bound);
            if (h == bound)
                bound++;
            assert_int_equal(des_pool_gen(p, h), gen[h]);
            uint64_t *v = des_pool_get(p, h);
            assert_int_equal(*v, 0);
            *v = ((uint64_t)h << 32) | gen[h];
            live[h] = 1;
            handles[nlive++] = h;
        } else {
            size_t i = gsl_rng_uniform_int(r, nlive);
            uint32_t h = handles[i];
            handles[i] = handles[--nlive];
            assert_int_equal(*(uint64_t *)des_pool_get(p, h), ((uint64_t)h << 32) | gen[h]);
            des_pool_free(p, h);
            live[h] = 0;
            gen[h]++;
        }
        if (s % 1000 == 0) {
            assert_int_equal(des_pool_live(p), nlive);
            assert_int_equal(des_pool_bound(p), bound);
            for (uint32_t h = 0; h < bound; h++) {
                assert_int_equal(des_pool_is_live(p, h), live[h]);
                assert_int_equal(des_pool_gen(p, h), gen[h]);
            }
        }
    }
    free(live);
    free(gen);
    free(handles);
    des_pool_destroy(p);
    gsl_rng_free(r);
}

static void test_create_errors(void **state)
{
    (void)state;
    des_error err;
    des_error_clear(&err);
    assert_null(des_pool_create(0, 16, &err));
    assert_int_equal(err.code, DES_EINVAL);
    assert_true(strlen(err.msg) > 0);
    assert_null(des_pool_create(0, 16, NULL));
}

/* des_grow: room doubles from 4 to cover the need and keeps the items; a need within the room
 * changes nothing; a size that would overflow fails and leaves the array as it was. */
static void test_grow(void **state)
{
    (void)state;
    long *a = NULL;
    size_t cap = 0;
    assert_int_equal(des_grow((void **)&a, &cap, 0, sizeof *a), 0);
    assert_null(a);
    assert_int_equal(cap, 0);
    assert_int_equal(des_grow((void **)&a, &cap, 1, sizeof *a), 0);
    assert_int_equal(cap, 4);
    assert_int_equal(des_grow((void **)&a, &cap, 16, sizeof *a), 0);
    assert_int_equal(cap, 16);
    for (long i = 0; i < 16; i++)
        a[i] = 3 * i;
    long *before = a;
    assert_int_equal(des_grow((void **)&a, &cap, 16, sizeof *a), 0);
    assert_ptr_equal(a, before);
    assert_int_equal(cap, 16);
    assert_int_equal(des_grow((void **)&a, &cap, 100, sizeof *a), 0);
    assert_int_equal(cap, 128);
    for (long i = 0; i < 16; i++)
        assert_int_equal(a[i], 3 * i);
    a[127] = 7;
    before = a;
    assert_int_equal(des_grow((void **)&a, &cap, SIZE_MAX / 4, sizeof *a), -1);
    assert_ptr_equal(a, before);
    assert_int_equal(cap, 128);
    assert_int_equal(a[127], 7);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_free_reuse), cmocka_unit_test(test_generations),
        cmocka_unit_test(test_growth_keeps_data), cmocka_unit_test(test_clear),
        cmocka_unit_test(test_bound_iteration),  cmocka_unit_test(test_random_model),
        cmocka_unit_test(test_create_errors), cmocka_unit_test(test_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
