/* calendar.c - the future-event list: a 4-ary min-heap of des_event records.
 *
 * Invariant: for every index i > 0, before(heap[(i-1)/4], heap[i]) or they are equal in time and
 * key, which cannot happen because keys are unique (the sequence number never repeats).
 * Order is (time, key) where key = priority << 56 | sequence, so equal times fire by priority
 * and then in scheduling order.
 *
 * Complexity: schedule O(log4 n), next O(4 log4 n) comparisons; cancel O(1) by bumping an
 * owner generation (stale events are dropped when they reach the top). A 4-ary heap of 32-byte
 * records keeps the four children of a node in two cache lines, and halves the depth of a
 * binary heap. Moves use a hole rather than swaps.
 *
 * Storage doubles when full and is never shrunk, so a warm event loop allocates nothing.
 */
#include "des_calendar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_BITS 56
#define SEQ_MASK ((UINT64_C(1) << SEQ_BITS) - 1)
#define DEFAULT_CAPACITY 64

struct des_calendar {
    des_event *heap;
    size_t n, cap;
    uint32_t *gens; /* generation per owner */
    size_t ngens;
    uint64_t seq;
    uint64_t fired;
    double now;
};

static inline int before(const des_event *a, const des_event *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

des_calendar *des_cal_create(size_t capacity, des_error *err)
{
    des_calendar *cal = calloc(1, sizeof *cal);
    if (!cal) {
        des_error_set(err, DES_ENOMEM, "cannot allocate calendar");
        return NULL;
    }
    cal->cap = capacity ? capacity : DEFAULT_CAPACITY;
    cal->heap = malloc(cal->cap * sizeof *cal->heap);
    if (!cal->heap) {
        free(cal);
        des_error_set(err, DES_ENOMEM, "cannot allocate calendar of %zu events", capacity);
        return NULL;
    }
    return cal;
}

void des_cal_destroy(des_calendar *cal)
{
    if (!cal)
        return;
    free(cal->heap);
    free(cal->gens);
    free(cal);
}

void des_cal_reset(des_calendar *cal, double start)
{
    cal->n = 0;
    cal->seq = 0;
    cal->fired = 0;
    cal->now = start;
    if (cal->gens)
        memset(cal->gens, 0, cal->ngens * sizeof *cal->gens);
}

static int grow_gens(des_calendar *cal, uint32_t owner)
{
    size_t n = cal->ngens ? cal->ngens : 256;
    while (n <= owner)
        n *= 2;
    uint32_t *g = realloc(cal->gens, n * sizeof *g);
    if (!g)
        return DES_ENOMEM;
    memset(g + cal->ngens, 0, (n - cal->ngens) * sizeof *g);
    cal->gens = g;
    cal->ngens = n;
    return DES_OK;
}

static inline uint32_t owner_gen(const des_calendar *cal, uint32_t owner)
{
    return owner < cal->ngens ? cal->gens[owner] : 0;
}

int des_cal_schedule(des_calendar *cal, double time, unsigned prio, uint32_t type, uint32_t owner,
                     uint32_t arg)
{
    if (!(time >= cal->now) || !isfinite(time) || prio > DES_PRIO_MAX)
        return DES_EINVAL;
    if (cal->n == cal->cap) {
        des_event *h = realloc(cal->heap, 2 * cal->cap * sizeof *h);
        if (!h)
            return DES_ENOMEM;
        cal->heap = h;
        cal->cap *= 2;
    }
    des_event ev = {.time = time,
                    .key = (uint64_t)prio << SEQ_BITS | (cal->seq++ & SEQ_MASK),
                    .type = type,
                    .owner = owner,
                    .gen = owner == DES_NO_OWNER ? 0 : owner_gen(cal, owner),
                    .arg = arg};
    /* sift up with a hole */
    des_event *h = cal->heap;
    size_t i = cal->n++;
    while (i > 0) {
        size_t p = (i - 1) >> 2;
        if (!before(&ev, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = ev;
    return DES_OK;
}

/* Remove the root; the heap must be non-empty. */
static inline void pop_root(des_calendar *cal)
{
    des_event *h = cal->heap;
    size_t n = --cal->n;
    if (n == 0)
        return;
    des_event last = h[n];
    size_t i = 0;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        size_t best = c;
        size_t end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++)
            if (before(&h[k], &h[best]))
                best = k;
        if (!before(&h[best], &last))
            break;
        h[i] = h[best];
        i = best;
    }
    h[i] = last;
}

static inline int is_stale(const des_calendar *cal, const des_event *ev)
{
    return ev->owner != DES_NO_OWNER && ev->gen != owner_gen(cal, ev->owner);
}

int des_cal_next_until(des_calendar *cal, double until, des_event *ev)
{
    while (cal->n > 0) {
        des_event *top = &cal->heap[0];
        if (is_stale(cal, top)) {
            pop_root(cal);
            continue;
        }
        if (top->time > until)
            break;
        *ev = *top;
        pop_root(cal);
        cal->now = ev->time;
        cal->fired++;
        return 1;
    }
    if (until > cal->now && until < INFINITY)
        cal->now = until;
    return 0;
}

int des_cal_next(des_calendar *cal, des_event *ev)
{
    return des_cal_next_until(cal, INFINITY, ev);
}

int des_cal_cancel_owner(des_calendar *cal, uint32_t owner)
{
    if (owner == DES_NO_OWNER)
        return DES_EINVAL;
    if (owner >= cal->ngens && grow_gens(cal, owner) != DES_OK)
        return DES_ENOMEM;
    cal->gens[owner]++;
    return DES_OK;
}

double des_cal_now(const des_calendar *cal) { return cal->now; }
size_t des_cal_pending(const des_calendar *cal) { return cal->n; }
uint64_t des_cal_fired(const des_calendar *cal) { return cal->fired; }

double des_cal_peek_time(const des_calendar *cal)
{
    return cal->n ? cal->heap[0].time : INFINITY;
}
