/* test_resource.c - queues, multi-server resources and periodic panels, and an M/M/1 check
 * against queueing theory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "des_calendar.h"
#include "des_resource.h"
#include "des_stats.h"

/* ---- des_queue ------------------------------------------------------------------------ */

static void test_queue_fifo(void **state)
{
    (void)state;
    des_queue q;
    des_error err;
    assert_int_equal(des_queue_init(&q, DES_FIFO, 3, &err), DES_OK);
    des_qitem it;
    assert_int_equal(des_queue_pop(&q, &it), 0);
    /* wrap the ring, then grow while wrapped, then keep order */
    uint32_t next_in = 0, next_out = 0;
    for (int round = 0; round < 200; round++) {
        int push = 1 + round % 5, pop = round % 4;
        for (int k = 0; k < push; k++) {
            assert_int_equal(des_queue_push(&q, (double)next_in, next_in, 7u * next_in), DES_OK);
            next_in++;
        }
        for (int k = 0; k < pop && des_queue_len(&q) > 0; k++) {
            assert_int_equal(des_queue_pop(&q, &it), 1);
            assert_int_equal(it.ent, next_out); /* priorities are ignored */
            assert_true(it.t_enq == (double)next_out);
            next_out++;
        }
        assert_int_equal(des_queue_len(&q), next_in - next_out);
    }
    assert_true(q.cap > 3);
    while (des_queue_pop(&q, &it)) {
        assert_int_equal(it.ent, next_out);
        next_out++;
    }
    assert_int_equal(next_out, next_in);
    assert_int_equal(des_queue_len(&q), 0);

    /* remove keeps order; removing a missing entity changes nothing */
    for (uint32_t e = 10; e < 20; e++)
        assert_int_equal(des_queue_push(&q, 0.0, e, 0), DES_OK);
    assert_int_equal(des_queue_remove(&q, 14), 1);
    assert_int_equal(des_queue_remove(&q, 10), 1); /* head */
    assert_int_equal(des_queue_remove(&q, 19), 1); /* tail */
    assert_int_equal(des_queue_remove(&q, 14), 0);
    assert_int_equal(des_queue_remove(&q, 99), 0);
    assert_int_equal(des_queue_len(&q), 7);
    const uint32_t expect[] = {11, 12, 13, 15, 16, 17, 18};
    for (int i = 0; i < 7; i++) {
        assert_int_equal(des_queue_pop(&q, &it), 1);
        assert_int_equal(it.ent, expect[i]);
    }
    des_queue_clear(&q);
    assert_int_equal(des_queue_len(&q), 0);
    des_queue_free(&q);
    des_queue_free(&q); /* twice is harmless */
}

/* Tags travel with their items through wrapping, growth, removal and the priority heap. */
static void test_queue_tags(void **state)
{
    (void)state;
    des_discipline discs[2] = {DES_FIFO, DES_PRIORITY};
    for (int d = 0; d < 2; d++) {
        des_queue q;
        assert_int_equal(des_queue_init(&q, discs[d], 2, NULL), DES_OK);
        for (uint32_t i = 0; i < 100; i++)
            assert_int_equal(des_queue_push_tag(&q, i, i, (i * 37) % 11, 0xabc00000u + i), DES_OK);
        assert_int_equal(des_queue_remove(&q, 50), 1);
        des_qitem it;
        size_t n = 0;
        while (des_queue_pop(&q, &it)) {
            assert_int_equal(it.tag, 0xabc00000u + it.ent);
            assert_true(it.ent != 50);
            n++;
        }
        assert_int_equal(n, 99);
        assert_int_equal(des_queue_push(&q, 0, 7, 0), DES_OK); /* untagged pushes carry 0 */
        assert_int_equal(des_queue_pop(&q, &it), 1);
        assert_int_equal(it.tag, 0);
        des_queue_free(&q);
    }
}

static void test_queue_priority(void **state)
{
    (void)state;
    des_queue q;
    assert_int_equal(des_queue_init(&q, DES_PRIORITY, 2, NULL), DES_OK);
    const unsigned prio[] = {3, 1, 3, 0, 1, 2, 0, 3};
    const uint32_t expect[] = {3, 6, 1, 4, 5, 0, 2, 7};
    for (uint32_t i = 0; i < 8; i++)
        assert_int_equal(des_queue_push(&q, (double)i, i, prio[i]), DES_OK);
    des_qitem it;
    for (int i = 0; i < 8; i++) {
        assert_int_equal(des_queue_pop(&q, &it), 1);
        assert_int_equal(it.ent, expect[i]);
        assert_int_equal(it.key >> 40, prio[it.ent]);
    }
    assert_int_equal(des_queue_pop(&q, &it), 0);
    /* the largest priority is accepted, one more is not */
    assert_int_equal(des_queue_push(&q, 0.0, 1, (1u << 24) - 1), DES_OK);
    assert_int_equal(des_queue_push(&q, 0.0, 2, 1u << 24), DES_EINVAL);
    assert_int_equal(des_queue_len(&q), 1);
    des_queue_free(&q);
}

/* The reference's next item: first waiting in arrival order (FIFO), or the lowest priority
 * and then the first (PRIORITY); `pushed` when nothing waits. */
static size_t expected_next(des_discipline disc, const unsigned char *in, const unsigned *pri,
                            size_t first, size_t pushed)
{
    size_t best = pushed;
    for (size_t i = first; i < pushed; i++) {
        if (!in[i])
            continue;
        if (best == pushed || (disc == DES_PRIORITY && pri[i] < pri[best]))
            best = i;
        if (disc == DES_FIFO)
            break;
    }
    return best;
}

/* Random push / pop / remove against a reference list, both disciplines. */
static void queue_random(des_discipline disc, unsigned long seed)
{
    gsl_rng *r = make_rng(seed);
    des_queue q;
    assert_int_equal(des_queue_init(&q, disc, 1, NULL), DES_OK);
    enum { MAXN = 4000, STEPS = 60000 };
    /* reference: items in arrival order with their priority; a slot is dead once out */
    uint32_t *ent = malloc(STEPS * sizeof *ent);
    unsigned *pri = malloc(STEPS * sizeof *pri);
    unsigned char *in = calloc(STEPS, 1);
    assert_non_null(ent);
    assert_non_null(pri);
    assert_non_null(in);
    size_t nin = 0, first = 0, pushed = 0;
    for (int s = 0; s < STEPS; s++) {
        double u = gsl_rng_uniform(r);
        if (nin == 0 || (u < 0.5 && nin < MAXN)) {
            unsigned p = (unsigned)gsl_rng_uniform_int(r, 6);
            ent[pushed] = (uint32_t)pushed;
            pri[pushed] = p;
            in[pushed] = 1;
            assert_int_equal(des_queue_push(&q, (double)s, (uint32_t)pushed, p), DES_OK);
            pushed++;
            nin++;
        } else if (u < 0.85) {
            size_t best = expected_next(disc, in, pri, first, pushed);
            des_qitem it;
            assert_int_equal(des_queue_pop(&q, &it), 1);
            if (best == pushed)
                fail_msg("the reference is empty but the queue is not");
            else
                in[best] = 0;
            assert_int_equal(it.ent, ent[best]);
            nin--;
        } else {
            /* remove a random waiting entity (or a missing one) */
            size_t i = first + gsl_rng_uniform_int(r, pushed - first);
            int was_in = in[i];
            assert_int_equal(des_queue_remove(&q, ent[i]), was_in);
            if (was_in) {
                in[i] = 0;
                nin--;
            }
        }
        while (first < pushed && !in[first])
            first++;
        assert_int_equal(des_queue_len(&q), nin);
    }
    /* drain in the expected order */
    des_qitem it;
    while (des_queue_pop(&q, &it)) {
        size_t best = expected_next(disc, in, pri, first, pushed);
        if (best == pushed)
            fail_msg("the reference is empty but the queue is not");
        else
            in[best] = 0;
        assert_int_equal(it.ent, ent[best]);
        nin--;
        while (first < pushed && !in[first])
            first++;
    }
    assert_int_equal(nin, 0);
    free(ent);
    free(pri);
    free(in);
    des_queue_free(&q);
    gsl_rng_free(r);
}

static void test_queue_random_fifo(void **state)
{
    (void)state;
    queue_random(DES_FIFO, 11);
}

static void test_queue_random_priority(void **state)
{
    (void)state;
    queue_random(DES_PRIORITY, 12);
}

/* ---- des_resource --------------------------------------------------------------------- */

/* Two servers, four arrivals, by hand:
 *   t=0 A seizes; t=1 B seizes; t=2 C waits; t=3 D waits; t=4 A ends, C seizes (waited 2);
 *   t=6 B ends, D seizes (waited 3); t=7 C ends; t=9 D ends; observe at t=10.
 * Waits 0, 0, 2, 3. Busy: 1 on [0,1), 2 on [1,7), 1 on [7,9), 0 after: area 15.
 * Queue: 1 on [2,3), 2 on [3,4), 1 on [4,6): area 5. */
static void test_resource_hand_fifo(void **state)
{
    (void)state;
    des_resource r;
    des_error err;
    assert_int_equal(des_res_init(&r, 2, DES_FIFO, 0.0, &err), DES_OK);
    enum { A = 1, B = 2, C = 3, D = 4 };
    uint32_t next = 0;
    assert_int_equal(des_res_request(&r, 0.0, A, 0), 1);
    assert_int_equal(des_res_request(&r, 1.0, B, 0), 1);
    assert_int_equal(des_res_request(&r, 2.0, C, 0), 0);
    assert_int_equal(des_res_request(&r, 3.0, D, 0), 0);
    assert_int_equal(r.busy, 2);
    assert_int_equal(des_queue_len(&r.q), 2);
    assert_int_equal(des_res_release(&r, 4.0, &next), 1);
    assert_int_equal(next, C);
    assert_int_equal(des_res_release(&r, 6.0, &next), 1);
    assert_int_equal(next, D);
    assert_int_equal(des_res_release(&r, 7.0, &next), 0);
    assert_int_equal(r.busy, 1);
    assert_int_equal(des_res_release(&r, 9.0, &next), 0);
    assert_int_equal(r.busy, 0);

    assert_int_equal(r.admitted, 4);
    assert_int_equal(r.wait.n, 4);
    assert_close(des_tally_mean(&r.wait), 1.25, 1e-15);
    assert_close(des_tally_var(&r.wait), 2.25, 1e-15);
    assert_close(r.wait.min, 0.0, 0.0);
    assert_close(r.wait.max, 3.0, 0.0);
    assert_close(des_timeavg_area(&r.inuse, 10.0), 15.0, 1e-12);
    assert_close(des_timeavg_mean(&r.inuse, 10.0), 1.5, 1e-12);
    assert_close(r.inuse.max, 2.0, 0.0);
    assert_close(des_timeavg_area(&r.qlen, 10.0), 5.0, 1e-12);
    assert_close(des_timeavg_mean(&r.qlen, 10.0), 0.5, 1e-12);
    assert_close(r.qlen.max, 2.0, 0.0);

    /* reset: empty, statistics restart at the new time, capacity changes */
    des_res_reset(&r, 1, 20.0);
    assert_int_equal(r.busy, 0);
    assert_int_equal(r.capacity, 1);
    assert_int_equal(r.admitted, 0);
    assert_int_equal(r.wait.n, 0);
    assert_int_equal(des_queue_len(&r.q), 0);
    assert_int_equal(des_res_request(&r, 20.0, A, 0), 1);
    assert_int_equal(des_res_request(&r, 21.0, B, 0), 0);
    assert_int_equal(des_res_release(&r, 24.0, &next), 1);
    assert_int_equal(next, B);
    assert_close(des_tally_mean(&r.wait), 1.5, 1e-15);   /* waits 0 and 3 */
    assert_close(des_timeavg_mean(&r.qlen, 30.0), 0.3, 1e-12);  /* 3 / 10 */
    assert_close(des_timeavg_mean(&r.inuse, 30.0), 1.0, 1e-12); /* still busy with B */
    des_res_free(&r);
}

static void test_resource_priority_order(void **state)
{
    (void)state;
    des_resource r;
    assert_int_equal(des_res_init(&r, 1, DES_PRIORITY, 0.0, NULL), DES_OK);
    assert_int_equal(des_res_request(&r, 0.0, 100, 9), 1); /* the server is free: seizes */
    const unsigned prio[] = {3, 1, 3, 0, 1};
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(des_res_request(&r, 1.0 + i, i, prio[i]), 0);
    const uint32_t expect[] = {3, 1, 4, 0, 2};
    const double served_at[] = {10.0, 11.0, 12.0, 13.0, 14.0};
    uint32_t next;
    double sum_wait = 0.0;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(des_res_release(&r, served_at[i], &next), 1);
        assert_int_equal(next, expect[i]);
        sum_wait += served_at[i] - (1.0 + next);
        assert_true(r.busy <= r.capacity);
    }
    assert_int_equal(des_res_release(&r, 15.0, &next), 0);
    assert_int_equal(r.wait.n, 6);
    assert_close(des_tally_mean(&r.wait), sum_wait / 6.0, 1e-12);
    des_res_free(&r);
}

static void test_resource_no_overtaking(void **state)
{
    (void)state;
    des_resource r;
    assert_int_equal(des_res_init(&r, 1, DES_PRIORITY, 0.0, NULL), DES_OK);
    uint32_t next;
    assert_int_equal(des_res_request(&r, 0.0, 1, 0), 1);
    assert_int_equal(des_res_request(&r, 1.0, 2, 5), 0);
    /* capacity raised, but the caller has not admitted yet: a newcomer must not jump the
     * queue by seizing the free server, even with a better priority */
    des_res_set_capacity(&r, 2.0, 2);
    assert_int_equal(des_res_request(&r, 2.0, 3, 0), 0);
    assert_int_equal(r.busy, 1);
    /* within the queue, priority decides */
    assert_int_equal(des_res_admit(&r, 2.0, &next), 1);
    assert_int_equal(next, 3);
    assert_int_equal(des_res_admit(&r, 2.0, &next), 0);
    assert_int_equal(r.busy, 2);
    assert_int_equal(des_queue_len(&r.q), 1);
    des_res_free(&r);

    /* FIFO: once someone waits, everyone behind waits too */
    assert_int_equal(des_res_init(&r, 0, DES_FIFO, 0.0, NULL), DES_OK);
    assert_int_equal(des_res_request(&r, 0.0, 1, 0), 0); /* no servers at all */
    des_res_set_capacity(&r, 0.5, 1);
    assert_int_equal(des_res_request(&r, 0.5, 2, 0), 0);
    assert_int_equal(des_res_admit(&r, 0.5, &next), 1);
    assert_int_equal(next, 1);
    assert_int_equal(des_res_release(&r, 1.5, &next), 1);
    assert_int_equal(next, 2);
    assert_close(des_tally_mean(&r.wait), (0.5 + 1.0) / 2.0, 1e-15);
    des_res_free(&r);
}

static void test_resource_capacity_changes(void **state)
{
    (void)state;
    des_resource r;
    uint32_t next;
    assert_int_equal(des_res_init(&r, 1, DES_FIFO, 0.0, NULL), DES_OK);
    assert_int_equal(des_res_request(&r, 0.0, 1, 0), 1);
    for (uint32_t e = 2; e <= 5; e++)
        assert_int_equal(des_res_request(&r, 1.0, e, 0), 0);
    /* increase at t=5: two more servers take the first two waiters */
    des_res_set_capacity(&r, 5.0, 3);
    assert_int_equal(des_res_admit(&r, 5.0, &next), 1);
    assert_int_equal(next, 2);
    assert_int_equal(des_res_admit(&r, 5.0, &next), 1);
    assert_int_equal(next, 3);
    assert_int_equal(des_res_admit(&r, 5.0, &next), 0);
    assert_int_equal(r.busy, 3);
    assert_int_equal(des_queue_len(&r.q), 2);
    /* decrease at t=6 to 1: nobody is interrupted */
    des_res_set_capacity(&r, 6.0, 1);
    assert_int_equal(r.busy, 3);
    assert_int_equal(des_res_admit(&r, 6.0, &next), 0);
    assert_int_equal(des_res_request(&r, 6.0, 6, 0), 0); /* newcomers wait */
    /* releases above the new capacity are not refilled */
    assert_int_equal(des_res_release(&r, 7.0, &next), 0);
    assert_int_equal(r.busy, 2);
    assert_int_equal(des_res_release(&r, 8.0, &next), 0);
    assert_int_equal(r.busy, 1);
    assert_int_equal(des_queue_len(&r.q), 3);
    /* now at capacity: the next release hands the server on */
    assert_int_equal(des_res_release(&r, 9.0, &next), 1);
    assert_int_equal(next, 4);
    assert_int_equal(r.busy, 1);
    /* to zero: the server finishes and nobody else starts */
    des_res_set_capacity(&r, 10.0, 0);
    assert_int_equal(des_res_release(&r, 11.0, &next), 0);
    assert_int_equal(r.busy, 0);
    assert_int_equal(des_res_admit(&r, 11.0, &next), 0);
    assert_int_equal(des_res_request(&r, 12.0, 7, 0), 0);
    /* waits: 0 (1), 4, 4 (2, 3), 8 (4) */
    assert_int_equal(r.wait.n, 4);
    assert_close(des_tally_mean(&r.wait), 16.0 / 4.0, 1e-15);
    /* busy: 1 on [0,5), 3 on [5,7), 2 on [7,8), 1 on [8,11), 0 on [11,20]: area 16 */
    assert_close(des_timeavg_area(&r.inuse, 20.0), 5.0 + 6.0 + 2.0 + 3.0, 1e-12);
    /* queue: 4 on [1,5), 2 on [5,6), 3 on [6,9), 2 on [9,12), 3 on [12,20]: area 57 */
    assert_close(des_timeavg_area(&r.qlen, 20.0), 16.0 + 2.0 + 9.0 + 6.0 + 24.0, 1e-12);
    assert_close(r.qlen.max, 4.0, 0.0);
    assert_close(r.inuse.max, 3.0, 0.0);
    des_res_free(&r);
}

static void test_resource_withdraw(void **state)
{
    (void)state;
    des_resource r;
    uint32_t next;
    assert_int_equal(des_res_init(&r, 1, DES_FIFO, 0.0, NULL), DES_OK);
    assert_int_equal(des_res_request(&r, 0.0, 1, 0), 1);
    assert_int_equal(des_res_request(&r, 0.0, 2, 0), 0);
    assert_int_equal(des_res_request(&r, 0.0, 3, 0), 0);
    assert_int_equal(des_res_request(&r, 0.0, 4, 0), 0);
    assert_int_equal(des_res_withdraw(&r, 2.0, 3), 1); /* reneges */
    assert_int_equal(des_res_withdraw(&r, 2.0, 3), 0); /* already gone */
    assert_int_equal(des_res_withdraw(&r, 2.0, 1), 0); /* in service, not waiting */
    assert_int_equal(des_res_withdraw(&r, 2.0, 42), 0);
    assert_int_equal(des_res_release(&r, 4.0, &next), 1);
    assert_int_equal(next, 2);
    assert_int_equal(des_res_release(&r, 5.0, &next), 1);
    assert_int_equal(next, 4);
    assert_int_equal(des_res_release(&r, 6.0, &next), 0);
    /* queue: 3 on [0,2), 2 on [2,4), 1 on [4,5): area 11; a withdrawn entity has no wait */
    assert_close(des_timeavg_area(&r.qlen, 6.0), 11.0, 1e-12);
    assert_int_equal(r.wait.n, 3);
    assert_close(des_tally_mean(&r.wait), (0.0 + 4.0 + 5.0) / 3.0, 1e-12);
    des_res_free(&r);

    assert_int_equal(des_res_init(&r, 1, DES_PRIORITY, 0.0, NULL), DES_OK);
    assert_int_equal(des_res_request(&r, 0.0, 1, 0), 1);
    for (uint32_t e = 2; e < 40; e++)
        assert_int_equal(des_res_request(&r, 0.0, e, e % 4), 0);
    for (uint32_t e = 2; e < 40; e += 3)
        assert_int_equal(des_res_withdraw(&r, 1.0, e), 1);
    unsigned last_prio = 0;
    uint32_t last_e = 0;
    while (des_res_release(&r, 2.0, &next)) {
        assert_true(next % 3 != 2);
        assert_true(next % 4 > last_prio || (next % 4 == last_prio && next > last_e));
        last_prio = next % 4;
        last_e = next;
    }
    assert_int_equal(des_queue_len(&r.q), 0);
    des_res_free(&r);
}

static void test_resource_queue_growth(void **state)
{
    (void)state;
    des_resource r;
    uint32_t next;
    assert_int_equal(des_res_init(&r, 1, DES_FIFO, 0.0, NULL), DES_OK);
    size_t cap0 = r.q.cap;
    enum { N = 5000 };
    assert_int_equal(des_res_request(&r, 0.0, 0, 0), 1);
    for (uint32_t e = 1; e < N; e++)
        assert_int_equal(des_res_request(&r, (double)e, e, 0), 0);
    assert_true(r.q.cap > cap0);
    assert_int_equal(des_queue_len(&r.q), N - 1);
    for (uint32_t e = 1; e < N; e++) {
        assert_int_equal(des_res_release(&r, (double)N, &next), 1);
        assert_int_equal(next, e);
    }
    assert_int_equal(des_res_release(&r, (double)N, &next), 0);
    /* waits N - e for e = 1..N-1, and one zero */
    assert_close(des_tally_mean(&r.wait), ((double)(N - 1) * N / 2.0) / N, 1e-9);
    des_res_free(&r);
}

/* Random traffic: capacity is never exceeded (no lowering here), nobody waits while a
 * server is free, and every entity is served exactly once. */
static void test_resource_random_invariants(void **state)
{
    (void)state;
    gsl_rng *g = make_rng(8);
    des_resource r;
    assert_int_equal(des_res_init(&r, 3, DES_PRIORITY, 0.0, NULL), DES_OK);
    enum { N = 20000 };
    unsigned char *served = calloc(N, 1);
    assert_non_null(served);
    uint32_t next, arrived = 0, done = 0;
    double t = 0.0;
    while (done < N) {
        t += gsl_rng_uniform(g);
        if (arrived < N && (r.busy == 0 || gsl_rng_uniform(g) < 0.5)) {
            int rc = des_res_request(&r, t, arrived, (unsigned)gsl_rng_uniform_int(g, 3));
            assert_true(rc == 0 || rc == 1);
            if (rc == 1)
                served[arrived] = 1;
            arrived++;
        } else if (r.busy > 0) {
            if (des_res_release(&r, t, &next)) {
                assert_false(served[next]);
                served[next] = 1;
            }
            done++;
        }
        if (gsl_rng_uniform(g) < 0.01) {
            des_res_set_capacity(&r, t, 1 + (int)gsl_rng_uniform_int(g, 4));
            while (des_res_admit(&r, t, &next)) {
                assert_false(served[next]);
                served[next] = 1;
            }
        }
        assert_true(r.busy >= 0);
        if (r.busy < r.capacity)
            assert_int_equal(des_queue_len(&r.q), 0);
        /* entities in the system: waiting + in service + done */
        assert_int_equal(des_queue_len(&r.q) + (size_t)r.busy + done, arrived);
        assert_int_equal(r.admitted, arrived - des_queue_len(&r.q));
    }
    for (uint32_t e = 0; e < N; e++)
        assert_true(served[e]);
    free(served);
    des_res_free(&r);
    gsl_rng_free(g);
}

static void test_resource_capacity_never_exceeded(void **state)
{
    (void)state;
    gsl_rng *g = make_rng(9);
    des_resource r;
    assert_int_equal(des_res_init(&r, 2, DES_FIFO, 0.0, NULL), DES_OK);
    uint32_t next;
    double t = 0.0;
    for (uint32_t i = 0; i < 20000; i++) {
        t += 0.1;
        if (r.busy == 0 || gsl_rng_uniform(g) < 0.55)
            assert_true(des_res_request(&r, t, i, 0) >= 0);
        else
            des_res_release(&r, t, &next);
        assert_true(r.busy <= r.capacity);
        assert_true(r.inuse.value <= r.capacity);
    }
    assert_true(r.inuse.max <= 2.0);
    des_res_free(&r);
    gsl_rng_free(g);
}

static void test_resource_init_errors(void **state)
{
    (void)state;
    des_resource r;
    des_error err;
    des_error_clear(&err);
    assert_int_equal(des_res_init(&r, -1, DES_FIFO, 0.0, &err), DES_EINVAL);
    assert_int_equal(err.code, DES_EINVAL);
    assert_true(strlen(err.msg) > 0);
    des_res_free(&r); /* safe after a failed init */
    assert_int_equal(des_res_init(&r, 1, DES_FIFO, NAN, NULL), DES_EINVAL);
    des_res_free(&r);
    assert_int_equal(des_res_init(&r, 1, (des_discipline)7, 0.0, NULL), DES_EINVAL);
    des_res_free(&r);
    /* a priority above the queue's range is refused, not folded */
    assert_int_equal(des_res_init(&r, 0, DES_PRIORITY, 0.0, NULL), DES_OK);
    assert_int_equal(des_res_request(&r, 0.0, 1, 1u << 24), -DES_EINVAL);
    assert_int_equal(des_queue_len(&r.q), 0);
    des_res_free(&r);
}

/* ---- des_panel ------------------------------------------------------------------------ */

static void test_panel_sitting_times(void **state)
{
    (void)state;
    des_panel p;
    des_error err;
    assert_int_equal(des_panel_init(&p, 10.0, 7.0, 5, DES_FIFO, &err), DES_OK);
    assert_close(des_panel_next_sitting(&p, 0.0, 0), 10.0, 0.0);
    assert_close(des_panel_next_sitting(&p, 0.0, 1), 10.0, 0.0);
    assert_close(des_panel_next_sitting(&p, -100.0, 0), 10.0, 0.0);
    assert_close(des_panel_next_sitting(&p, 10.0, 1), 10.0, 0.0);
    assert_close(des_panel_next_sitting(&p, 10.0, 0), 17.0, 0.0);
    assert_close(des_panel_next_sitting(&p, 12.5, 0), 17.0, 0.0);
    assert_close(des_panel_next_sitting(&p, 12.5, 1), 17.0, 0.0);
    assert_close(des_panel_next_sitting(&p, 17.0, 1), 17.0, 0.0);
    assert_close(des_panel_next_sitting(&p, 17.0, 0), 24.0, 0.0);
    assert_close(des_panel_next_sitting(&p, nextafter(17.0, 0.0), 0), 17.0, 0.0);
    assert_close(des_panel_next_sitting(&p, nextafter(17.0, 100.0), 1), 24.0, 0.0);
    assert_close(des_panel_next_sitting(&p, 10.0 + 7.0 * 1000, 1), 7010.0, 0.0);
    assert_close(des_panel_next_sitting(&p, 10.0 + 7.0 * 1000, 0), 7017.0, 0.0);
    assert_true(isnan(des_panel_next_sitting(&p, NAN, 0)));
    des_panel_free(&p);
}

/* Periods that are not binary fractions, over long horizons: walking sitting to sitting
 * gives exactly first + k*period (no accumulated drift), each time is recognised as a
 * sitting (inclusive) and the exclusive query moves on by exactly one. */
static void test_panel_long_horizon(void **state)
{
    (void)state;
    const double firsts[] = {0.3, 0.0, 1.0 / 3.0, 1234.567};
    const double periods[] = {0.1, 365.25 / 12.0, 1.0 / 3.0, 7.0 / 30.0};
    gsl_rng *g = make_rng(77);
    for (int c = 0; c < 4; c++) {
        des_panel p;
        assert_int_equal(des_panel_init(&p, firsts[c], periods[c], 1, DES_FIFO, NULL), DES_OK);
        double t = des_panel_next_sitting(&p, firsts[c] - 1.0, 0);
        double acc = t; /* naive accumulation, for contrast */
        int drift_seen = 0;
        for (long k = 0; k <= 200000; k++) {
            double want = firsts[c] + (double)k * periods[c];
            if (t != want)
                fail_msg("case %d: sitting %ld at %.17g, expected %.17g", c, k, t, want);
            assert_true(des_panel_next_sitting(&p, t, 1) == t);
            drift_seen |= acc != want;
            double nt = des_panel_next_sitting(&p, t, 0);
            assert_true(nt > t);
            t = nt;
            acc += periods[c];
        }
        if (c != 1) /* 365.25/12 is exact in binary; the others drift when accumulated */
            assert_true(drift_seen);
        /* random instants: the answer is a sitting, after now, and the one before is not */
        for (int i = 0; i < 20000; i++) {
            double now = firsts[c] + gsl_rng_uniform(g) * 1e5 * periods[c];
            if (i % 4 == 0) /* exactly on a sitting */
                now = firsts[c] + (double)gsl_rng_uniform_int(g, 100000) * periods[c];
            for (int incl = 0; incl <= 1; incl++) {
                double s = des_panel_next_sitting(&p, now, incl);
                double k = nearbyint((s - firsts[c]) / periods[c]);
                assert_true(s == firsts[c] + k * periods[c]);
                assert_true(incl ? s >= now : s > now);
                if (k > 0) {
                    double prev = firsts[c] + (k - 1.0) * periods[c];
                    assert_true(incl ? prev < now : prev <= now);
                }
            }
        }
        des_panel_free(&p);
    }
    /* far from the origin, a fine cadence still lands exactly */
    des_panel p;
    assert_int_equal(des_panel_init(&p, 0.0, 0.1, 1, DES_FIFO, NULL), DES_OK);
    double s = des_panel_next_sitting(&p, 36525.0, 1); /* a hundred years in days */
    assert_true(s == 365250.0 * 0.1);
    assert_true(s >= 36525.0 && s - 0.1 < 36525.0);
    des_panel_free(&p);
    gsl_rng_free(g);
}

static void test_panel_hearings(void **state)
{
    (void)state;
    des_panel p;
    des_error err;
    assert_int_equal(des_panel_init(&p, 10.0, 7.0, 3, DES_FIFO, &err), DES_OK);
    for (uint32_t i = 0; i < 5; i++) /* at 1, 2, 3, 4, 5 */
        assert_int_equal(des_panel_submit(&p, 1.0 + i, 100 + i, 0), DES_OK);
    uint32_t out[8];
    /* sitting at 10 hears three; the rest roll over */
    double t = des_panel_next_sitting(&p, 5.0, 1);
    assert_close(t, 10.0, 0.0);
    assert_int_equal(des_panel_sit(&p, t, out, 8), 3);
    assert_int_equal(out[0], 100);
    assert_int_equal(out[1], 101);
    assert_int_equal(out[2], 102);
    assert_int_equal(des_queue_len(&p.q), 2);
    assert_int_equal(des_panel_submit(&p, 11.0, 105, 0), DES_OK);
    assert_int_equal(des_panel_submit(&p, 12.0, 106, 0), DES_OK);
    /* sitting at 17 hears three, but the caller can take only two */
    t = des_panel_next_sitting(&p, t, 0);
    assert_close(t, 17.0, 0.0);
    assert_int_equal(des_panel_sit(&p, t, out, 2), 2);
    assert_int_equal(out[0], 103);
    assert_int_equal(out[1], 104);
    t = des_panel_next_sitting(&p, t, 0);
    assert_int_equal(des_panel_sit(&p, t, out, 8), 2); /* 24: the last two */
    assert_int_equal(out[0], 105);
    assert_int_equal(out[1], 106);
    t = des_panel_next_sitting(&p, t, 0);
    assert_int_equal(des_panel_sit(&p, t, out, 8), 0); /* 31: nothing left */
    assert_int_equal(p.sittings, 4);
    assert_int_equal(p.heard, 7);
    /* waits: 9 8 7 | 13 12 | 13 12 */
    assert_int_equal(p.wait.n, 7);
    assert_close(des_tally_mean(&p.wait), (9 + 8 + 7 + 13 + 12 + 13 + 12) / 7.0, 1e-12);
    assert_close(p.wait.min, 7.0, 0.0);
    assert_close(p.wait.max, 13.0, 0.0);
    /* queue length: 1..5 on [1,5) stepping, 5 on [5,10), 2 on [10,11), 3 on [11,12),
     * 4 on [12,17), 2 on [17,24), 0 after: area 1+2+3+4 + 25 + 2 + 3 + 20 + 14 = 74 */
    assert_close(des_timeavg_area(&p.qlen, 31.0), 74.0, 1e-12);
    assert_close(des_timeavg_mean(&p.qlen, 31.0), 74.0 / 31.0, 1e-12);

    /* per_sitting 0 hears nobody but the sitting counts */
    assert_int_equal(des_panel_configure(&p, 31.0, 14.0, 0, &err), DES_OK);
    assert_int_equal(des_panel_submit(&p, 32.0, 200, 0), DES_OK);
    t = des_panel_next_sitting(&p, 32.0, 1);
    assert_close(t, 45.0, 0.0);
    assert_int_equal(des_panel_sit(&p, t, out, 8), 0);
    assert_int_equal(p.sittings, 5);
    assert_int_equal(des_queue_len(&p.q), 1);
    /* max 0 hears nobody (out may be NULL) */
    assert_int_equal(des_panel_configure(&p, 31.0, 14.0, 10, &err), DES_OK);
    assert_int_equal(des_panel_sit(&p, 59.0, NULL, 0), 0);
    assert_int_equal(des_panel_sit(&p, 73.0, out, 8), 1);
    assert_int_equal(out[0], 200);
    assert_close(p.wait.max, 41.0, 0.0);

    des_panel_reset(&p, 100.0);
    assert_int_equal(p.sittings, 0);
    assert_int_equal(p.heard, 0);
    assert_int_equal(p.wait.n, 0);
    assert_int_equal(des_queue_len(&p.q), 0);
    assert_close(des_timeavg_mean(&p.qlen, 100.0), 0.0, 0.0);
    des_panel_free(&p);

    /* a priority panel hears urgent cases first */
    assert_int_equal(des_panel_init(&p, 0.0, 1.0, 2, DES_PRIORITY, &err), DES_OK);
    assert_int_equal(des_panel_submit(&p, 0.1, 1, 2), DES_OK);
    assert_int_equal(des_panel_submit(&p, 0.2, 2, 1), DES_OK);
    assert_int_equal(des_panel_submit(&p, 0.3, 3, 0), DES_OK);
    assert_int_equal(des_panel_submit(&p, 0.4, 4, 1), DES_OK);
    assert_int_equal(des_panel_sit(&p, 1.0, out, 8), 2);
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1], 2);
    assert_int_equal(des_panel_sit(&p, 2.0, out, 8), 2);
    assert_int_equal(out[0], 4);
    assert_int_equal(out[1], 1);
    des_panel_free(&p);
}

static void test_panel_config_errors(void **state)
{
    (void)state;
    des_panel p;
    des_error err;
    const double bad_period[] = {0.0, -7.0, NAN, INFINITY, -0.0};
    for (size_t i = 0; i < sizeof bad_period / sizeof bad_period[0]; i++) {
        des_error_clear(&err);
        assert_int_equal(des_panel_init(&p, 0.0, bad_period[i], 1, DES_FIFO, &err), DES_EINVAL);
        assert_int_equal(err.code, DES_EINVAL);
        assert_true(strlen(err.msg) > 0);
        des_panel_free(&p); /* safe after a failed init */
    }
    assert_int_equal(des_panel_init(&p, 0.0, 7.0, -1, DES_FIFO, &err), DES_EINVAL);
    des_panel_free(&p);
    assert_int_equal(des_panel_init(&p, NAN, 7.0, 1, DES_FIFO, &err), DES_EINVAL);
    des_panel_free(&p);

    assert_int_equal(des_panel_init(&p, 3.0, 7.0, 2, DES_FIFO, &err), DES_OK);
    for (size_t i = 0; i < sizeof bad_period / sizeof bad_period[0]; i++) {
        des_error_clear(&err);
        assert_int_equal(des_panel_configure(&p, 0.0, bad_period[i], 1, &err), DES_EINVAL);
        assert_int_equal(err.code, DES_EINVAL);
        assert_true(strlen(err.msg) > 0);
    }
    assert_int_equal(des_panel_configure(&p, 0.0, 7.0, -3, &err), DES_EINVAL);
    assert_int_equal(des_panel_configure(&p, INFINITY, 7.0, 3, NULL), DES_EINVAL);
    /* a failed configure leaves the panel as it was */
    assert_close(p.first, 3.0, 0.0);
    assert_close(p.period, 7.0, 0.0);
    assert_int_equal(p.per_sitting, 2);
    assert_close(des_panel_next_sitting(&p, 3.0, 0), 10.0, 0.0);
    /* a good one takes effect */
    assert_int_equal(des_panel_configure(&p, 5.0, 28.0, 4, &err), DES_OK);
    assert_close(des_panel_next_sitting(&p, 6.0, 0), 33.0, 0.0);
    assert_int_equal(p.per_sitting, 4);
    des_panel_free(&p);
}

/* ---- M/M/1 against theory ------------------------------------------------------------- */

enum { EV_ARRIVAL = 1, EV_DEPARTURE = 2 };

/* lambda = 0.5, mu = 1: rho = 0.5, Wq = rho / (mu - lambda) = 1, Lq = lambda * Wq = 0.5.
 * Waits of customers 10 000.. are split into 40 batches of 10 000; the batch means are
 * nearly independent at this load (the waits' correlation time is tens of customers), so
 * their spread gives a confidence interval for Wq. Fixed seed: the run is deterministic;
 * the checks below have a wide margin (4 standard errors) and a half-width small enough
 * (checked) to make the comparison meaningful. */
static void test_mm1(void **state)
{
    (void)state;
    const double lambda = 0.5, mu = 1.0;
    const double wq = (lambda / mu) / (mu - lambda);
    enum { WARM = 10000, BATCH = 10000, NBATCH = 40, NCUST = WARM + BATCH * NBATCH };

    gsl_rng *g = make_rng(20240101);
    des_error err;
    des_calendar *cal = des_cal_create(0, &err);
    assert_non_null(cal);
    des_resource r;
    assert_int_equal(des_res_init(&r, 1, DES_FIFO, 0.0, &err), DES_OK);
    double *arr_t = malloc(NCUST * sizeof *arr_t); /* arrival time of each customer */
    assert_non_null(arr_t);

    des_tally batch_means, batch;
    des_tally_init(&batch_means);
    des_tally_init(&batch);
    double sum_wait_all = 0.0;
    uint32_t narrived = 0, nstarted = 0;
    double warm_t = -1.0;

    assert_int_equal(
        des_cal_schedule(cal, gsl_ran_exponential(g, 1.0 / lambda), 0, EV_ARRIVAL, DES_NO_OWNER,
                         0),
        DES_OK);
    des_event ev;
    while (nstarted < NCUST && des_cal_next(cal, &ev)) {
        double now = des_cal_now(cal);
        uint32_t start = UINT32_MAX;
        if (ev.type == EV_ARRIVAL) {
            uint32_t c = ev.arg;
            arr_t[c] = now;
            narrived++;
            int rc = des_res_request(&r, now, c, 0);
            assert_true(rc >= 0);
            if (rc == 1)
                start = c;
            if (narrived < NCUST)
                assert_int_equal(des_cal_schedule(cal, now + gsl_ran_exponential(g, 1.0 / lambda),
                                                  0, EV_ARRIVAL, DES_NO_OWNER, narrived),
                                 DES_OK);
        } else {
            uint32_t next;
            if (des_res_release(&r, now, &next))
                start = next;
        }
        if (start != UINT32_MAX) {
            /* customers start service in arrival order (FIFO, one server) */
            assert_int_equal(start, nstarted);
            double w = now - arr_t[start];
            assert_true(w >= 0.0);
            sum_wait_all += w;
            if (start == WARM - 1) {
                warm_t = now;
                des_timeavg_restart(&r.qlen, now);
                des_timeavg_restart(&r.inuse, now);
            }
            if (start >= WARM) {
                des_tally_add(&batch, w);
                if (batch.n == BATCH) {
                    des_tally_add(&batch_means, des_tally_mean(&batch));
                    des_tally_init(&batch);
                }
            }
            nstarted++;
            assert_int_equal(des_cal_schedule(cal, now + gsl_ran_exponential(g, 1.0 / mu), 0,
                                              EV_DEPARTURE, DES_NO_OWNER, start),
                             DES_OK);
        }
        assert_true(r.busy <= 1);
    }
    assert_int_equal(nstarted, NCUST);
    assert_int_equal(batch_means.n, NBATCH);

    /* the resource's own tally saw exactly the waits computed here */
    assert_int_equal(r.wait.n, NCUST);
    assert_close(des_tally_mean(&r.wait), sum_wait_all / NCUST, 1e-9 * wq);

    double est = des_tally_mean(&batch_means);
    double half = des_tally_ci_half(&batch_means, 4.0);
    assert_true(half < 0.1 * wq); /* the interval is tight enough to mean something */
    if (!(fabs(est - wq) <= half))
        fail_msg("M/M/1 mean wait %.5f, theory %.5f, 4-sigma half-width %.5f", est, wq, half);

    /* time averages after the warm-up: server utilisation ~ rho, queue length ~ Lq */
    double now = des_cal_now(cal);
    assert_true(warm_t > 0.0 && now > warm_t);
    double util = des_timeavg_mean(&r.inuse, now);
    double lq = des_timeavg_mean(&r.qlen, now);
    assert_close(util, lambda / mu, 0.02);
    assert_close(lq, lambda * wq, 0.05);

    free(arr_t);
    des_res_free(&r);
    des_cal_destroy(cal);
    gsl_rng_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_fifo),
        cmocka_unit_test(test_queue_tags),
        cmocka_unit_test(test_queue_priority),
        cmocka_unit_test(test_queue_random_fifo),
        cmocka_unit_test(test_queue_random_priority),
        cmocka_unit_test(test_resource_hand_fifo),
        cmocka_unit_test(test_resource_priority_order),
        cmocka_unit_test(test_resource_no_overtaking),
        cmocka_unit_test(test_resource_capacity_changes),
        cmocka_unit_test(test_resource_withdraw),
        cmocka_unit_test(test_resource_queue_growth),
        cmocka_unit_test(test_resource_random_invariants),
        cmocka_unit_test(test_resource_capacity_never_exceeded),
        cmocka_unit_test(test_resource_init_errors),
        cmocka_unit_test(test_panel_sitting_times),
        cmocka_unit_test(test_panel_long_horizon),
        cmocka_unit_test(test_panel_hearings),
        cmocka_unit_test(test_panel_config_errors),
        cmocka_unit_test(test_mm1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
