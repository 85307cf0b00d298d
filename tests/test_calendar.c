/* test_calendar.c - the future-event list: ordering, ties, cancellation, limits, reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/test_util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "des_calendar.h"

/* What the test knows about every event it scheduled (arg = index into this table). */
typedef struct ev_info {
    double time;
    unsigned prio;
    uint32_t owner;
    uint32_t gen;  /* the owner's generation (in the test's own count) when scheduled */
    int fired;
} ev_info;

enum { NOWNERS = 500 };

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
    return h * UINT64_C(0xff51afd7ed558ccd);
}

static uint64_t time_bits(double t)
{
    uint64_t b;
    memcpy(&b, &t, sizeof b);
    return b;
}

/* (time, prio, seq) of a popped event compared with the previous one: must not decrease. */
static int tuple_less(double t1, unsigned p1, uint32_t s1, double t2, unsigned p2, uint32_t s2)
{
    if (t1 != t2)
        return t1 < t2;
    if (p1 != p2)
        return p1 < p2;
    return s1 < s2;
}

/* Random schedule / pop / cancel traffic checked against a model. Insert times are drawn on a
 * coarse grid (many exact ties), never before now, and an insert at exactly now has a
 * priority no lower than the last popped event's, so the whole popped sequence must be
 * non-decreasing in (time, priority, insertion order). Returns a checksum of the trace. */
static uint64_t stress(unsigned long seed, size_t nins, size_t init_cap)
{
    gsl_rng *r = make_rng(seed);
    des_error err;
    des_calendar *cal = des_cal_create(init_cap, &err);
    assert_non_null(cal);
    ev_info *info = calloc(nins, sizeof *info);
    uint32_t *gens = calloc(NOWNERS, sizeof *gens);
    assert_non_null(info);
    assert_non_null(gens);

    size_t nsched = 0, npop = 0, ncancel = 0;
    double last_t = -1.0;
    unsigned last_p = 0;
    uint32_t last_s = 0;
    uint64_t sum = 0;
    size_t max_pending = 0;

    des_event ev;
    while (nsched < nins || des_cal_pending(cal) > 0) {
        double u = gsl_rng_uniform(r);
        if (nsched < nins && u < 0.55) {
            double now = des_cal_now(cal);
            unsigned k = (unsigned)gsl_rng_uniform_int(r, 40);
            double t = now + 0.25 * k; /* exact ties on a 1/4 grid, including now itself */
            unsigned prio = gsl_rng_uniform_int(r, 8) == 0
                                ? (unsigned)gsl_rng_uniform_int(r, DES_PRIO_MAX + 1)
                                : (unsigned)gsl_rng_uniform_int(r, 3);
            if (k == 0 && npop > 0 && prio < last_p)
                prio = last_p;
            uint32_t owner = gsl_rng_uniform_int(r, 10) == 0
                                 ? DES_NO_OWNER
                                 : (uint32_t)gsl_rng_uniform_int(r, NOWNERS);
            info[nsched] = (ev_info){.time = t,
                                     .prio = prio,
                                     .owner = owner,
                                     .gen = owner == DES_NO_OWNER ? 0 : gens[owner],
                                     .fired = 0};
            assert_int_equal(des_cal_schedule(cal, t, prio, 7, owner, (uint32_t)nsched), DES_OK);
            nsched++;
            if (des_cal_pending(cal) > max_pending)
                max_pending = des_cal_pending(cal);
        } else if (u < 0.57) {
            uint32_t owner = (uint32_t)gsl_rng_uniform_int(r, NOWNERS);
            assert_int_equal(des_cal_cancel_owner(cal, owner), DES_OK);
            gens[owner]++;
            ncancel++;
        } else {
            uint64_t fired_before = des_cal_fired(cal);
            if (!des_cal_next(cal, &ev)) {
                /* nothing live: every pending event must have been cancelled */
                assert_int_equal(des_cal_pending(cal), 0);
                for (size_t i = 0; i < nsched; i++)
                    if (!info[i].fired)
                        assert_true(info[i].owner != DES_NO_OWNER &&
                                    info[i].gen != gens[info[i].owner]);
                continue;
            }
            assert_true(ev.arg < nsched);
            ev_info *e = &info[ev.arg];
            assert_int_equal(ev.type, 7);
            assert_int_equal(ev.owner, e->owner);
            assert_true(ev.time == e->time);
            assert_int_equal(ev.key >> 56, e->prio);
            assert_true(des_cal_now(cal) == ev.time);
            assert_int_equal(des_cal_fired(cal), fired_before + 1);
            /* never a cancelled event, never twice */
            assert_false(e->fired);
            assert_true(e->owner == DES_NO_OWNER || e->gen == gens[e->owner]);
            e->fired = 1;
            if (npop > 0 && tuple_less(ev.time, e->prio, ev.arg, last_t, last_p, last_s))
                fail_msg("out of order: (%g, %u, %u) after (%g, %u, %u)", ev.time, e->prio,
                         ev.arg, last_t, last_p, last_s);
            last_t = ev.time;
            last_p = e->prio;
            last_s = ev.arg;
            npop++;
            sum = mix(mix(sum, ev.arg), time_bits(ev.time));
        }
    }
    assert_false(des_cal_next(cal, &ev));
    assert_true(des_cal_peek_time(cal) == INFINITY);

    /* Each event fired at most once and only while live (checked at each pop); every event
     * that never fired was cancelled before its time came. */
    size_t nfired = 0;
    for (size_t i = 0; i < nsched; i++) {
        if (info[i].fired) {
            nfired++;
        } else {
            assert_true(info[i].owner != DES_NO_OWNER);
            assert_true(info[i].gen != gens[info[i].owner]);
        }
    }
    assert_int_equal(npop, nfired);
    assert_int_equal(des_cal_fired(cal), nfired);
    assert_true(ncancel > 0 && nfired < nsched); /* the run did exercise cancellation */
    assert_true(max_pending > init_cap);       /* ... and growth */

    des_cal_destroy(cal);
    free(info);
    free(gens);
    gsl_rng_free(r);
    return mix(sum, npop);
}

static void test_random_order_and_cancel(void **state)
{
    (void)state;
    stress(20240601, 150000, 16);
}

static void test_determinism(void **state)
{
    (void)state;
    uint64_t a = stress(31337, 20000, 0);
    uint64_t b = stress(31337, 20000, 0);
    uint64_t c = stress(31338, 20000, 0);
    assert_true(a == b);
    assert_true(a != c);
}

static void test_ties_priority_then_fifo(void **state)
{
    (void)state;
    des_calendar *cal = des_cal_create(0, NULL);
    assert_non_null(cal);
    /* scheduled in this order at the same time */
    const unsigned prio[] = {2, 1, 2, 0, 1, 255, 0, 2};
    const uint32_t expect[] = {3, 6, 1, 4, 0, 2, 7, 5};
    for (uint32_t i = 0; i < 8; i++)
        assert_int_equal(des_cal_schedule(cal, 5.0, prio[i], 0, DES_NO_OWNER, i), DES_OK);
    /* an earlier event with the worst priority still comes first */
    assert_int_equal(des_cal_schedule(cal, 4.5, DES_PRIO_MAX, 0, DES_NO_OWNER, 99), DES_OK);
    des_event ev;
    assert_int_equal(des_cal_next(cal, &ev), 1);
    assert_int_equal(ev.arg, 99);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(des_cal_next(cal, &ev), 1);
        assert_int_equal(ev.arg, expect[i]);
        assert_true(ev.time == 5.0);
    }
    assert_int_equal(des_cal_next(cal, &ev), 0);
    assert_int_equal(des_cal_fired(cal), 9);
    des_cal_destroy(cal);
}

/* Tagged events: the tag comes back in ev.gen untouched, order is the usual (time, priority,
 * sequence) interleaved with owned events, no cancellation reaches them, and bad times and
 * priorities are refused as by des_cal_schedule. Heap growth keeps the tags. */
static void test_schedule_tag(void **state)
{
    (void)state;
    des_calendar *cal = des_cal_create(2, NULL);
    assert_non_null(cal);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 99);
    enum { N = 3000 };
    double t[N];
    uint32_t tag[N];
    for (uint32_t i = 0; i < N; i++) {
        t[i] = floor(gsl_rng_uniform(r) * 500.0); /* many equal times */
        tag[i] = (uint32_t)gsl_rng_get(r);
        if (i % 3 == 0)
            assert_int_equal(des_cal_schedule(cal, t[i], i % 5, 1, 7, i), DES_OK);
        else
            assert_int_equal(des_cal_schedule_tag(cal, t[i], i % 5, 2, i, tag[i]), DES_OK);
    }
    /* cancelling owner 7 removes the owned events only; DES_NO_OWNER cannot be cancelled */
    assert_int_equal(des_cal_cancel_owner(cal, 7), DES_OK);
    assert_int_equal(des_cal_cancel_owner(cal, DES_NO_OWNER), DES_EINVAL);
    des_event ev;
    double last_t = -1;
    unsigned last_p = 0;
    uint32_t last_i = 0, seen = 0;
    while (des_cal_next(cal, &ev)) {
        assert_int_equal(ev.type, 2);
        assert_int_equal(ev.owner, DES_NO_OWNER);
        uint32_t i = ev.arg;
        assert_true(i < N && i % 3 != 0);
        assert_int_equal(ev.gen, tag[i]);
        assert_true(ev.time == t[i]);
        unsigned pr = i % 5;
        assert_true(ev.time > last_t || (ev.time == last_t && (pr > last_p ||
                                                               (pr == last_p && i > last_i))));
        last_t = ev.time;
        last_p = pr;
        last_i = i;
        seen++;
    }
    assert_int_equal(seen, N - (N + 2) / 3);
    assert_int_equal(des_cal_schedule_tag(cal, last_t - 1, 0, 0, 0, 1), DES_EINVAL);
    assert_int_equal(des_cal_schedule_tag(cal, NAN, 0, 0, 0, 1), DES_EINVAL);
    assert_int_equal(des_cal_schedule_tag(cal, INFINITY, 0, 0, 0, 1), DES_EINVAL);
    assert_int_equal(des_cal_schedule_tag(cal, last_t + 1, DES_PRIO_MAX + 1, 0, 0, 1),
                     DES_EINVAL);
    assert_int_equal(des_cal_pending(cal), 0);
    gsl_rng_free(r);
    des_cal_destroy(cal);
}

static void test_schedule_rejects(void **state)
{
    (void)state;
    des_error err;
    des_calendar *cal = des_cal_create(4, &err);
    assert_non_null(cal);
    assert_int_equal(des_cal_schedule(cal, 10.0, 0, 0, DES_NO_OWNER, 0), DES_OK);
    des_event ev;
    assert_int_equal(des_cal_next(cal, &ev), 1);
    assert_true(des_cal_now(cal) == 10.0);

    assert_int_equal(des_cal_schedule(cal, 9.999, 0, 0, DES_NO_OWNER, 0), DES_EINVAL);
    assert_int_equal(des_cal_schedule(cal, nextafter(10.0, 0.0), 0, 0, DES_NO_OWNER, 0),
                     DES_EINVAL);
    assert_int_equal(des_cal_schedule(cal, -1.0, 0, 0, DES_NO_OWNER, 0), DES_EINVAL);
    assert_int_equal(des_cal_schedule(cal, NAN, 0, 0, DES_NO_OWNER, 0), DES_EINVAL);
    assert_int_equal(des_cal_schedule(cal, INFINITY, 0, 0, DES_NO_OWNER, 0), DES_EINVAL);
    assert_int_equal(des_cal_schedule(cal, -INFINITY, 0, 0, DES_NO_OWNER, 0), DES_EINVAL);
    assert_int_equal(des_cal_schedule(cal, 11.0, DES_PRIO_MAX + 1, 0, DES_NO_OWNER, 0),
                     DES_EINVAL);
    assert_int_equal(des_cal_schedule(cal, 11.0, UINT32_MAX, 0, DES_NO_OWNER, 0), DES_EINVAL);
    assert_int_equal(des_cal_pending(cal), 0);

    /* the boundaries are accepted: now itself, and the highest priority value */
    assert_int_equal(des_cal_schedule(cal, 10.0, DES_PRIO_MAX, 1, DES_NO_OWNER, 1), DES_OK);
    assert_int_equal(des_cal_schedule(cal, 1e300, 0, 2, DES_NO_OWNER, 2), DES_OK);
    assert_int_equal(des_cal_pending(cal), 2);
    assert_int_equal(des_cal_next(cal, &ev), 1);
    assert_int_equal(ev.type, 1);
    assert_int_equal(des_cal_next(cal, &ev), 1);
    assert_int_equal(ev.type, 2);

    assert_int_equal(des_cal_cancel_owner(cal, DES_NO_OWNER), DES_EINVAL);
    des_cal_destroy(cal);
    des_cal_destroy(NULL);
}

static void test_next_until(void **state)
{
    (void)state;
    des_calendar *cal = des_cal_create(0, NULL);
    assert_non_null(cal);
    des_event ev;
    assert_true(des_cal_peek_time(cal) == INFINITY);
    assert_int_equal(des_cal_schedule(cal, 1.0, 0, 0, DES_NO_OWNER, 1), DES_OK);
    assert_int_equal(des_cal_schedule(cal, 2.0, 0, 0, DES_NO_OWNER, 2), DES_OK);
    assert_int_equal(des_cal_schedule(cal, 5.0, 0, 0, DES_NO_OWNER, 5), DES_OK);
    assert_true(des_cal_peek_time(cal) == 1.0);

    assert_int_equal(des_cal_next_until(cal, 3.0, &ev), 1);
    assert_int_equal(ev.arg, 1);
    assert_true(des_cal_now(cal) == 1.0);
    assert_int_equal(des_cal_next_until(cal, 3.0, &ev), 1);
    assert_int_equal(ev.arg, 2);
    assert_true(des_cal_now(cal) == 2.0);
    /* nothing up to 3: clock moves to 3, the event at 5 stays */
    assert_int_equal(des_cal_next_until(cal, 3.0, &ev), 0);
    assert_true(des_cal_now(cal) == 3.0);
    assert_int_equal(des_cal_pending(cal), 1);
    /* an earlier horizon never moves the clock back */
    assert_int_equal(des_cal_next_until(cal, 2.5, &ev), 0);
    assert_true(des_cal_now(cal) == 3.0);
    /* the horizon is inclusive */
    assert_int_equal(des_cal_next_until(cal, 5.0, &ev), 1);
    assert_int_equal(ev.arg, 5);
    assert_true(des_cal_now(cal) == 5.0);
    /* empty with an infinite horizon: the clock stays put */
    assert_int_equal(des_cal_next_until(cal, INFINITY, &ev), 0);
    assert_true(des_cal_now(cal) == 5.0);
    assert_int_equal(des_cal_next(cal, &ev), 0);
    assert_true(des_cal_now(cal) == 5.0);

    /* stale events before the horizon are dropped unseen */
    assert_int_equal(des_cal_schedule(cal, 6.0, 0, 0, 7, 6), DES_OK);
    assert_int_equal(des_cal_schedule(cal, 12.0, 0, 0, 8, 12), DES_OK);
    assert_int_equal(des_cal_cancel_owner(cal, 7), DES_OK);
    assert_int_equal(des_cal_pending(cal), 2); /* stale ones still count as pending */
    assert_int_equal(des_cal_next_until(cal, 10.0, &ev), 0);
    assert_true(des_cal_now(cal) == 10.0);
    assert_int_equal(des_cal_pending(cal), 1);
    assert_int_equal(des_cal_fired(cal), 3);
    assert_int_equal(des_cal_next_until(cal, 20.0, &ev), 1);
    assert_int_equal(ev.arg, 12);
    assert_true(des_cal_now(cal) == 12.0);
    des_cal_destroy(cal);
}

static void test_cancel_owner(void **state)
{
    (void)state;
    des_calendar *cal = des_cal_create(0, NULL);
    assert_non_null(cal);
    des_event ev;
    /* owner 3: two events cancelled, then a new one survives */
    assert_int_equal(des_cal_schedule(cal, 1.0, 0, 0, 3, 1), DES_OK);
    assert_int_equal(des_cal_schedule(cal, 2.0, 0, 0, 3, 2), DES_OK);
    assert_int_equal(des_cal_schedule(cal, 1.5, 0, 0, 4, 15), DES_OK);
    assert_int_equal(des_cal_cancel_owner(cal, 3), DES_OK);
    assert_int_equal(des_cal_schedule(cal, 3.0, 0, 0, 3, 3), DES_OK);
    /* a large owner id grows the generation table */
    const uint32_t big = 70000;
    assert_int_equal(des_cal_schedule(cal, 2.5, 0, 0, big, 25), DES_OK);
    assert_int_equal(des_cal_schedule(cal, 2.6, 0, 0, big - 1, 26), DES_OK);
    assert_int_equal(des_cal_cancel_owner(cal, big), DES_OK);
    /* cancelling an owner with nothing pending is harmless */
    assert_int_equal(des_cal_cancel_owner(cal, 9), DES_OK);
    const uint32_t expect[] = {15, 26, 3};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(des_cal_next(cal, &ev), 1);
        assert_int_equal(ev.arg, expect[i]);
    }
    assert_int_equal(des_cal_next(cal, &ev), 0);
    assert_int_equal(des_cal_fired(cal), 3);
    des_cal_destroy(cal);
}

static void test_reset(void **state)
{
    (void)state;
    des_calendar *cal = des_cal_create(2, NULL);
    assert_non_null(cal);
    des_event ev;
    for (uint32_t i = 0; i < 50; i++)
        assert_int_equal(des_cal_schedule(cal, 1.0 + i, 0, 0, i % 5, i), DES_OK);
    assert_int_equal(des_cal_cancel_owner(cal, 2), DES_OK);
    assert_int_equal(des_cal_next(cal, &ev), 1);
    assert_int_equal(des_cal_next(cal, &ev), 1);

    des_cal_reset(cal, 100.0);
    assert_int_equal(des_cal_pending(cal), 0);
    assert_int_equal(des_cal_fired(cal), 0);
    assert_true(des_cal_now(cal) == 100.0);
    assert_true(des_cal_peek_time(cal) == INFINITY);
    assert_int_equal(des_cal_next(cal, &ev), 0);
    assert_int_equal(des_cal_schedule(cal, 99.0, 0, 0, DES_NO_OWNER, 0), DES_EINVAL);
    /* owner 2's earlier cancellation does not carry over */
    assert_int_equal(des_cal_schedule(cal, 101.0, 0, 0, 2, 7), DES_OK);
    assert_int_equal(des_cal_schedule(cal, 100.0, 1, 0, DES_NO_OWNER, 8), DES_OK);
    assert_int_equal(des_cal_next(cal, &ev), 1);
    assert_int_equal(ev.arg, 8);
    assert_int_equal(des_cal_next(cal, &ev), 1);
    assert_int_equal(ev.arg, 7);
    assert_int_equal(des_cal_fired(cal), 2);

    /* a reset to an earlier time, and the sequence restarts (ties still FIFO) */
    des_cal_reset(cal, 0.0);
    for (uint32_t i = 0; i < 10; i++)
        assert_int_equal(des_cal_schedule(cal, 0.0, 0, 0, DES_NO_OWNER, i), DES_OK);
    for (uint32_t i = 0; i < 10; i++) {
        assert_int_equal(des_cal_next(cal, &ev), 1);
        assert_int_equal(ev.arg, i);
    }
    des_cal_destroy(cal);
}

/* Times before the origin (a reset to a negative start), both zeros, tiny and huge values:
 * ordered as real numbers and handed back unchanged (-0 may come back as +0: equal times). */
static void test_signed_times(void **state)
{
    (void)state;
    des_calendar *cal = des_cal_create(0, NULL);
    assert_non_null(cal);
    des_cal_reset(cal, -1e6);
    const double t[] = {3.0,  -0.0,   -7.5,    0.0,    -5.0, 1e-300, -1e-300,
                        -1e6, 1e300, -2.5e5, 2.5e-1, -0.0,   0.0,    DBL_MAX};
    enum { N = sizeof t / sizeof t[0] };
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(des_cal_schedule(cal, t[i], 0, 0, DES_NO_OWNER, i), DES_OK);
    assert_true(des_cal_peek_time(cal) == -1e6);
    /* expected: by value, the two zeros equal (so by insertion order among 1, 3, 11, 12) */
    const uint32_t expect[] = {7, 9, 2, 4, 6, 1, 3, 11, 12, 5, 10, 0, 8, 13};
    des_event ev;
    for (int i = 0; i < N; i++) {
        assert_int_equal(des_cal_next(cal, &ev), 1);
        assert_int_equal(ev.arg, expect[i]);
        assert_true(ev.time == t[ev.arg]);
        if (t[ev.arg] != 0.0) /* bit for bit (a zero may come back as either zero) */
            assert_memory_equal(&ev.time, &t[ev.arg], sizeof ev.time);
        assert_true(des_cal_now(cal) == ev.time);
    }
    assert_int_equal(des_cal_next(cal, &ev), 0);

    /* next_until across zero and with a negative horizon */
    des_cal_reset(cal, -10.0);
    assert_int_equal(des_cal_schedule(cal, -4.0, 0, 0, DES_NO_OWNER, 1), DES_OK);
    assert_int_equal(des_cal_schedule(cal, 0.5, 0, 0, DES_NO_OWNER, 2), DES_OK);
    assert_int_equal(des_cal_next_until(cal, -6.0, &ev), 0);
    assert_true(des_cal_now(cal) == -6.0);
    assert_int_equal(des_cal_next_until(cal, -4.0, &ev), 1);
    assert_int_equal(ev.arg, 1);
    assert_int_equal(des_cal_next_until(cal, -0.0, &ev), 0);
    assert_true(des_cal_now(cal) == 0.0);
    assert_int_equal(des_cal_schedule(cal, -1.0, 0, 0, DES_NO_OWNER, 3), DES_EINVAL);
    assert_int_equal(des_cal_schedule(cal, 0.0, 0, 0, DES_NO_OWNER, 4), DES_OK);
    assert_int_equal(des_cal_schedule(cal, -0.0, 0, 0, DES_NO_OWNER, 5), DES_OK);
    assert_int_equal(des_cal_next_until(cal, 0.0, &ev), 1);
    assert_int_equal(ev.arg, 4);
    assert_int_equal(des_cal_next_until(cal, 0.0, &ev), 1);
    assert_int_equal(ev.arg, 5);
    assert_int_equal(des_cal_next_until(cal, 0.0, &ev), 0);
    assert_int_equal(des_cal_next(cal, &ev), 1);
    assert_int_equal(ev.arg, 2);
    des_cal_destroy(cal);
}

/* Every small heap size with ascending, descending, constant, zigzag and random times, so
 * each new event in turn is the largest, the smallest, a tie, or in between, at every depth. */
static void test_small_heaps(void **state)
{
    (void)state;
    gsl_rng *r = make_rng(3);
    des_calendar *cal = des_cal_create(1, NULL);
    assert_non_null(cal);
    des_event ev;
    for (uint32_t n = 1; n <= 70; n++) {
        for (int pattern = 0; pattern < 24; pattern++) {
            des_cal_reset(cal, 0.0);
            double t[70];
            for (uint32_t i = 0; i < n; i++) {
                switch (pattern) {
                case 0: t[i] = (double)i; break;
                case 1: t[i] = (double)(n - i); break;
                case 2: t[i] = 1.0; break;
                case 3: t[i] = (i % 2) ? 100.0 - i : (double)i; break;
                default: t[i] = (double)gsl_rng_uniform_int(r, 2 * n); break;
                }
                assert_int_equal(des_cal_schedule(cal, t[i], 0, 0, DES_NO_OWNER, i), DES_OK);
            }
            double last_t = -1.0;
            uint32_t last_i = 0;
            for (uint32_t k = 0; k < n; k++) {
                assert_int_equal(des_cal_next(cal, &ev), 1);
                assert_true(ev.time == t[ev.arg]);
                assert_true(ev.time > last_t || (ev.time == last_t && ev.arg > last_i));
                last_t = ev.time;
                last_i = ev.arg;
            }
            assert_int_equal(des_cal_next(cal, &ev), 0);
        }
    }
    des_cal_destroy(cal);
    gsl_rng_free(r);
}

static void test_growth(void **state)
{
    (void)state;
    gsl_rng *r = make_rng(5);
    des_calendar *cal = des_cal_create(1, NULL);
    assert_non_null(cal);
    enum { N = 20000 };
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(des_cal_schedule(cal, gsl_rng_uniform(r) * 1000.0, 0, i, DES_NO_OWNER,
                                          i),
                         DES_OK);
    assert_int_equal(des_cal_pending(cal), N);
    des_event ev;
    double last = -1.0;
    unsigned char *seen = calloc(N, 1);
    assert_non_null(seen);
    for (uint32_t i = 0; i < N; i++) {
        assert_int_equal(des_cal_next(cal, &ev), 1);
        assert_true(ev.time >= last);
        assert_int_equal(ev.type, ev.arg); /* the payload survived the moves */
        assert_false(seen[ev.arg]);
        seen[ev.arg] = 1;
        last = ev.time;
    }
    assert_int_equal(des_cal_next(cal, &ev), 0);
    free(seen);
    des_cal_destroy(cal);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_order_and_cancel),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_ties_priority_then_fifo),
        cmocka_unit_test(test_schedule_rejects),
        cmocka_unit_test(test_schedule_tag),
        cmocka_unit_test(test_next_until),
        cmocka_unit_test(test_cancel_owner),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_signed_times),
        cmocka_unit_test(test_small_heaps),
        cmocka_unit_test(test_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
