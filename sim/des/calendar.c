/* calendar.c - the future-event list: a 4-ary min-heap of 32-byte event slots.
 *
 * Invariant: for every index i > 0, before(heap[(i-1)/4], heap[i]) or they are equal in time and
 * key, which cannot happen because keys are unique (the sequence number never repeats).
 * Order is (time, key) where key = priority << 56 | sequence, so equal times fire by priority
 * and then in scheduling order.
 *
 * A slot holds an event with its time stored as an order-preserving 64-bit integer image
 * (time_bits: the sign bit of a non-negative double is set, every bit of a negative one is
 * flipped, and -0 is first made +0), so that (time, key) compares as one 128-bit unsigned
 * integer. The image is exact and reversible: des_cal_next() hands back the same double.
 *
 * Complexity: schedule O(log4 n), next O(3 log4 n) comparisons; cancel O(1) by bumping an
 * owner generation (stale events are dropped when they reach the top). An event without owner
 * is never stale; its gen field holds the caller's tag (des_cal_schedule_tag), untouched.
 * A 4-ary heap of 32-byte slots halves the depth of a binary heap, and the heap is placed so
 * that &heap[1] is 64-byte aligned: the four children 4i+1 .. 4i+4 of a node then fill exactly
 * two cache lines. Moves use a hole rather than swaps.
 *
 * Speed (this is the event loop's hot path). Removing the root is "bottom-up": the hole walks
 * down to a leaf along smallest children without testing the displaced last slot at each level
 * (a test that would fail, unpredictably, only near the bottom), then that slot sifts up from
 * the leaf, usually zero or one step since it came from the bottom. On the way down the
 * smallest of four children is found with three integer compares feeding selects, not jumps,
 * because which child is smallest is a coin toss that a branch would often mispredict; in a
 * heap beyond PREFETCH_MIN slots the next level's candidates are prefetched, since the walk is
 * otherwise a chain of dependent cache misses. Schedule's sift-up keeps its branch: it usually
 * stops after a step or two, and a branch-free placement at the root was measured slower (it
 * turns a predicted branch into a data dependence through the root that every event waits on).
 * Measured with tests/bench/hold, this runs about twice as fast at 10^3 and 10^5 pending events
 * as a top-down sift with branching comparisons of (double time, key), and no slower at 10.
 *
 * Storage doubles when full and is never shrunk, so a warm event loop allocates nothing.
 */
#include "des_calendar.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_BITS 56
#define SEQ_MASK ((UINT64_C(1) << SEQ_BITS) - 1)
#define DEFAULT_CAPACITY 64
#define HEAP_ALIGN 64 /* a cache line: a power of two, a multiple of sizeof(slot) */
#define SIGN_BIT (UINT64_C(1) << 63)

typedef struct slot {
    uint64_t t;   /* time_bits(time) */
    uint64_t key; /* as in des_event */
    uint32_t type, owner, gen, arg;
} slot;

/* A slot has des_event's layout, so a popped slot is copied out whole and only its time field
 * converted back. */
_Static_assert(sizeof(slot) == sizeof(des_event) &&
                   offsetof(slot, key) == offsetof(des_event, key) &&
                   offsetof(slot, type) == offsetof(des_event, type) &&
                   offsetof(slot, owner) == offsetof(des_event, owner) &&
                   offsetof(slot, gen) == offsetof(des_event, gen) &&
                   offsetof(slot, arg) == offsetof(des_event, arg),
               "slot and des_event layouts differ");

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define NOINLINE __attribute__((noinline))
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define ALWAYS_INLINE inline
#define NOINLINE
#define PREFETCH(p) ((void)(p))
#endif
/* Prefetch on the way down once the heap holds this many slots (256 KiB): below it the heap
 * mostly sits in L1/L2 and the extra instructions cost more than they save. */
#define PREFETCH_MIN 8192

struct des_calendar {
    slot *heap;  /* cap slots; &heap[1] is HEAP_ALIGN-aligned */
    void *block; /* the allocation holding heap[], released by free() */
    size_t n, cap;
    uint32_t *gens; /* generation per owner */
    size_t ngens;
    uint64_t seq;
    uint64_t fired;
    double now;
};

/* Order-preserving image of a non-NaN double as an unsigned integer, and its inverse. */
static inline uint64_t time_bits(double t)
{
    uint64_t u;
    t += 0.0; /* -0 -> +0, so that the two zeros compare equal */
    memcpy(&u, &t, sizeof u);
    return u ^ ((uint64_t)((int64_t)u >> 63) | SIGN_BIT);
}

static inline double bits_time(uint64_t u)
{
    u ^= ~(uint64_t)((int64_t)u >> 63) | SIGN_BIT;
    double t;
    memcpy(&t, &u, sizeof t);
    return t;
}

/* a fires before b. */
static inline int before(const slot *a, const slot *b)
{
#ifdef __SIZEOF_INT128__
    unsigned __int128 x = (unsigned __int128)a->t << 64 | a->key;
    unsigned __int128 y = (unsigned __int128)b->t << 64 | b->key;
    return x < y;
#else
    return (a->t < b->t) | ((a->t == b->t) & (a->key < b->key));
#endif
}

/* Move the slots to new storage of cap slots with &heap[1] on a HEAP_ALIGN boundary.
 * Returns DES_OK or DES_ENOMEM (the calendar is then unchanged). */
static int alloc_heap(des_calendar *cal, size_t cap)
{
    if (cap > (SIZE_MAX - HEAP_ALIGN) / sizeof(slot))
        return DES_ENOMEM;
    void *block;
    if (posix_memalign(&block, HEAP_ALIGN, HEAP_ALIGN + cap * sizeof(slot)) != 0)
        return DES_ENOMEM;
    slot *heap = (slot *)((char *)block + HEAP_ALIGN - sizeof(slot));
    if (cal->n)
        memcpy(heap, cal->heap, cal->n * sizeof *heap);
    free(cal->block);
    cal->block = block;
    cal->heap = heap;
    cal->cap = cap;
    return DES_OK;
}

des_calendar *des_cal_create(size_t capacity, des_error *err)
{
    des_calendar *cal = calloc(1, sizeof *cal);
    if (!cal) {
        des_error_set(err, DES_ENOMEM, "cannot allocate calendar");
        return NULL;
    }
    if (alloc_heap(cal, capacity ? capacity : DEFAULT_CAPACITY) != DES_OK) {
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
    free(cal->block);
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

static int push_slow(des_calendar *cal, double time, unsigned prio, uint32_t type,
                     uint32_t owner, uint32_t gen, uint32_t arg);

/* Insert an event whose generation (or tag) is already known. */
static ALWAYS_INLINE int push(des_calendar *cal, double time, unsigned prio, uint32_t type,
                              uint32_t owner, uint32_t gen, uint32_t arg)
{
    if (!(time >= cal->now && fabs(time) <= DBL_MAX) || prio > DES_PRIO_MAX) /* NaN fails too */
        return DES_EINVAL;
    if (cal->n == cal->cap)
        return push_slow(cal, time, prio, type, owner, gen, arg);
    slot ev = {.t = time_bits(time),
               .key = (uint64_t)prio << SEQ_BITS | (cal->seq++ & SEQ_MASK),
               .type = type,
               .owner = owner,
               .gen = gen,
               .arg = arg};
    /* sift up with a hole */
    slot *h = cal->heap;
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

/* The heap is full: double it, then insert (kept out of the hot path). */
static NOINLINE int push_slow(des_calendar *cal, double time, unsigned prio, uint32_t type,
                              uint32_t owner, uint32_t gen, uint32_t arg)
{
    if (alloc_heap(cal, 2 * cal->cap) != DES_OK)
        return DES_ENOMEM;
    return push(cal, time, prio, type, owner, gen, arg);
}

int des_cal_schedule(des_calendar *cal, double time, unsigned prio, uint32_t type, uint32_t owner,
                     uint32_t arg)
{
    uint32_t gen = owner == DES_NO_OWNER ? 0 : owner_gen(cal, owner);
    return push(cal, time, prio, type, owner, gen, arg);
}

int des_cal_schedule_tag(des_calendar *cal, double time, unsigned prio, uint32_t type,
                         uint32_t arg, uint32_t tag)
{
    return push(cal, time, prio, type, DES_NO_OWNER, tag, arg);
}

/* Remove the root; the heap must be non-empty. */
static ALWAYS_INLINE void pop_root(des_calendar *cal)
{
    slot *h = cal->heap;
    size_t n = --cal->n; /* h[n], the last slot, is to be re-placed */
    if (n == 0)
        return;
    /* Walk the hole down along smallest children while a node has all four. In a large heap,
     * fetch the next level's candidates (the 16 grandchildren, 8 cache lines) while this
     * level's comparisons run: the walk is otherwise a chain of dependent cache misses. */
    const int prefetch = n >= PREFETCH_MIN;
    size_t i = 0, c;
    while ((c = 4 * i + 1) + 4 <= n) {
        if (prefetch && 4 * c + 1 < n) {
            for (size_t k = 4 * c + 1; k < 4 * c + 17; k += 2)
                PREFETCH(&h[k]);
        }
        size_t a = c + (size_t)before(&h[c + 1], &h[c]);
        size_t b = c + 2 + (size_t)before(&h[c + 3], &h[c + 2]);
        size_t m = before(&h[b], &h[a]) ? b : a;
        h[i] = h[m];
        i = m;
    }
    if (c < n) { /* one to three children, all leaves */
        size_t m = c;
        for (size_t k = c + 1; k < n; k++)
            m = before(&h[k], &h[m]) ? k : m;
        h[i] = h[m];
        i = m;
    }
    /* Sift the last slot up from the hole. */
    slot last = h[n];
    while (i > 0) {
        size_t p = (i - 1) >> 2;
        if (!before(&last, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = last;
}

static inline int is_stale(const des_calendar *cal, const slot *s)
{
    return s->owner != DES_NO_OWNER && s->gen != owner_gen(cal, s->owner);
}

/* Pop the first live slot with t <= until_bits into *ev (stale ones met on the way are dropped).
 * Returns 1, or 0 with nothing pending or the first live slot later than until_bits. */
static ALWAYS_INLINE int pop_live(des_calendar *cal, uint64_t until_bits, des_event *ev)
{
    while (cal->n > 0) {
        const slot *top = &cal->heap[0];
        int stale = is_stale(cal, top);
        if (!stale) {
            if (top->t > until_bits)
                return 0;
            memcpy(ev, top, sizeof *ev);
            ev->time = bits_time(top->t);
        }
        pop_root(cal);
        if (!stale) {
            cal->now = ev->time;
            cal->fired++;
            return 1;
        }
    }
    return 0;
}

/* A NaN `until` is treated as -INFINITY: no time is <= NaN, and the clock stays put. */
int des_cal_next_until(des_calendar *cal, double until, des_event *ev)
{
    if (isnan(until))
        until = -INFINITY;
    if (pop_live(cal, time_bits(until), ev))
        return 1;
    if (until > cal->now && until < INFINITY)
        cal->now = until;
    return 0;
}

int des_cal_next(des_calendar *cal, des_event *ev)
{
    return pop_live(cal, UINT64_MAX, ev);
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
    return cal->n ? bits_time(cal->heap[0].t) : INFINITY;
}
