/* resource.c - waiting lines, multi-server resources and periodic panels.
 *
 * des_queue: FIFO is a ring buffer (items[head .. head+n-1] modulo cap, in arrival order);
 * PRIORITY is a binary min-heap on key = priority << 40 | arrival sequence (head stays 0), so
 * lower priority values come first and equal priorities are first come first served. Keys are
 * unique while fewer than 2^40 items have been pushed since the last clear. Storage doubles when
 * full (the ring is unwrapped in place after realloc) and never shrinks.
 *   push/pop: O(1) FIFO, O(log n) PRIORITY; remove: O(position) search, then a shift of the
 *   shorter side, O(min(i, n - i)) (FIFO, order kept), or O(log n) sift (PRIORITY).
 * Priorities above DES_QUEUE_PRIO_MAX are rejected with DES_EINVAL by a PRIORITY queue; a FIFO
 * queue ignores the priority (it is stored, saturated, in the key for information only).
 *
 * des_resource: capacity identical servers. Invariants: 0 <= busy; busy may exceed capacity
 * only after capacity was lowered (servers finish, and are not refilled until busy < capacity);
 * nobody waits while a server is free (busy < capacity => queue empty) as long as the caller
 * follows des_res_set_capacity() with des_res_admit() until it returns 0; a request never
 * overtakes entities already waiting. qlen and inuse always hold the current queue length and
 * busy count, updated on every change. wait gets one observation per admission (zero for an
 * immediate seizure). O(1) per request/release plus the queue's cost. des_res_request()
 * returns -DES_ENOMEM, or -DES_EINVAL for a priority out of range on a priority queue.
 *
 * des_panel: a batch server sitting at first + k*period (k = 0, 1, ...). Sitting times are
 * always computed as first + k*period with integral k, never by accumulating period, so a long
 * horizon does not drift and a time returned by des_panel_next_sitting() is recognised exactly
 * as a sitting when passed back with inclusive != 0. des_panel_sit() is O(h log n) for h cases
 * heard (O(h) FIFO); des_panel_next_sitting() is O(1) (an estimate of k from a division,
 * then at most a few exact corrections). The queue-length average of a new panel starts at
 * time 0, the simulation start; des_panel_reset() restarts it at any time.
 *
 * Nothing here schedules events, prints, or keeps global state.
 */
#include "des_resource.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PRIO_SHIFT 40
#define SEQ_MASK ((UINT64_C(1) << PRIO_SHIFT) - 1)
#define DES_QUEUE_PRIO_MAX ((1u << 24) - 1)
#define DEFAULT_QCAP 16

/* ---- queue ---------------------------------------------------------------------------- */

int des_queue_init(des_queue *q, des_discipline disc, size_t capacity, des_error *err)
{
    q->disc = disc;
    q->head = q->n = 0;
    q->seq = 0;
    q->cap = 0;
    q->items = NULL;
    if (disc != DES_FIFO && disc != DES_PRIORITY)
        return des_error_set(err, DES_EINVAL, "unknown queue discipline %d", (int)disc);
    size_t cap = capacity ? capacity : DEFAULT_QCAP;
    q->items = malloc(cap * sizeof *q->items);
    if (!q->items)
        return des_error_set(err, DES_ENOMEM, "cannot allocate queue of %zu entries", cap);
    q->cap = cap;
    return DES_OK;
}

void des_queue_free(des_queue *q)
{
    free(q->items);
    q->items = NULL;
    q->head = q->n = q->cap = 0;
}

void des_queue_clear(des_queue *q)
{
    q->head = q->n = 0;
    q->seq = 0;
}

/* Double the storage. A wrapped FIFO ring [head, cap) + [0, head) is unwrapped by moving the
 * [0, head) part to [cap, cap + head), which fits because the new size is 2 * cap. */
static int grow(des_queue *q)
{
    size_t ncap = q->cap ? 2 * q->cap : DEFAULT_QCAP;
    if (ncap < q->cap || ncap > SIZE_MAX / sizeof *q->items)
        return DES_ENOMEM;
    des_qitem *it = realloc(q->items, ncap * sizeof *it);
    if (!it)
        return DES_ENOMEM;
    if (q->disc == DES_FIFO && q->head + q->n > q->cap) {
        size_t wrapped = q->head + q->n - q->cap;
        memcpy(it + q->cap, it, wrapped * sizeof *it);
    }
    q->items = it;
    q->cap = ncap;
    return DES_OK;
}

static inline size_t ring_index(const des_queue *q, size_t i)
{
    size_t j = q->head + i;
    return j >= q->cap ? j - q->cap : j;
}

static void heap_sift_up(des_qitem *h, size_t i)
{
    des_qitem it = h[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h[p].key <= it.key)
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = it;
}

static void heap_sift_down(des_qitem *h, size_t n, size_t i)
{
    des_qitem it = h[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && h[c + 1].key < h[c].key)
            c++;
        if (it.key <= h[c].key)
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = it;
}

int des_queue_push(des_queue *q, double now, uint32_t ent, unsigned prio)
{
    return des_queue_push_tag(q, now, ent, prio, 0);
}

int des_queue_push_tag(des_queue *q, double now, uint32_t ent, unsigned prio, uint32_t tag)
{
    if (prio > DES_QUEUE_PRIO_MAX) {
        if (q->disc == DES_PRIORITY)
            return DES_EINVAL;
        prio = DES_QUEUE_PRIO_MAX;
    }
    if (q->n == q->cap && grow(q) != DES_OK)
        return DES_ENOMEM;
    des_qitem it = {.t_enq = now,
                    .key = (uint64_t)prio << PRIO_SHIFT | (q->seq++ & SEQ_MASK),
                    .ent = ent,
                    .tag = tag};
    if (q->disc == DES_FIFO) {
        q->items[ring_index(q, q->n)] = it;
        q->n++;
    } else {
        q->items[q->n] = it;
        heap_sift_up(q->items, q->n);
        q->n++;
    }
    return DES_OK;
}

int des_queue_pop(des_queue *q, des_qitem *out)
{
    if (q->n == 0)
        return 0;
    if (q->disc == DES_FIFO) {
        *out = q->items[q->head];
        q->head = q->head + 1 == q->cap ? 0 : q->head + 1;
        if (--q->n == 0)
            q->head = 0;
    } else {
        *out = q->items[0];
        if (--q->n > 0) {
            q->items[0] = q->items[q->n];
            heap_sift_down(q->items, q->n, 0);
        }
    }
    return 1;
}

int des_queue_remove(des_queue *q, uint32_t ent)
{
    if (q->disc == DES_FIFO) {
        size_t i = 0;
        while (i < q->n && q->items[ring_index(q, i)].ent != ent)
            i++;
        if (i == q->n)
            return 0;
        if (i < q->n / 2) {
            /* nearer the head: move the earlier items back one place and advance the head */
            for (; i > 0; i--)
                q->items[ring_index(q, i)] = q->items[ring_index(q, i - 1)];
            q->head = ring_index(q, 1);
        } else {
            for (; i + 1 < q->n; i++)
                q->items[ring_index(q, i)] = q->items[ring_index(q, i + 1)];
        }
        if (--q->n == 0)
            q->head = 0;
        return 1;
    }
    size_t i = 0;
    while (i < q->n && q->items[i].ent != ent)
        i++;
    if (i == q->n)
        return 0;
    size_t last = --q->n;
    if (i != last) {
        q->items[i] = q->items[last];
        if (i > 0 && q->items[i].key < q->items[(i - 1) / 2].key)
            heap_sift_up(q->items, i);
        else
            heap_sift_down(q->items, q->n, i);
    }
    return 1;
}

/* ---- resource ------------------------------------------------------------------------- */

static void res_stats_init(des_resource *r, double now)
{
    des_timeavg_init(&r->qlen, now, 0.0);
    des_timeavg_init(&r->inuse, now, 0.0);
    des_tally_init(&r->wait);
    r->admitted = 0;
}

int des_res_init(des_resource *r, int capacity, des_discipline disc, double now, des_error *err)
{
    memset(r, 0, sizeof *r);
    if (capacity < 0)
        return des_error_set(err, DES_EINVAL, "resource capacity must be non-negative, not %d",
                             capacity);
    if (!isfinite(now))
        return des_error_set(err, DES_EINVAL, "resource start time must be finite");
    int rc = des_queue_init(&r->q, disc, 0, err);
    if (rc != DES_OK)
        return rc;
    r->capacity = capacity;
    r->busy = 0;
    res_stats_init(r, now);
    return DES_OK;
}

void des_res_free(des_resource *r) { des_queue_free(&r->q); }

void des_res_reset(des_resource *r, int capacity, double now)
{
    assert(capacity >= 0);
    r->capacity = capacity > 0 ? capacity : 0;
    r->busy = 0;
    des_queue_clear(&r->q);
    res_stats_init(r, now);
}

/* Hand a server to the next waiter; the queue must be non-empty. */
static uint32_t seize_next(des_resource *r, double now)
{
    des_qitem it;
    int ok = des_queue_pop(&r->q, &it);
    assert(ok);
    (void)ok;
    r->busy++;
    r->admitted++;
    des_tally_add(&r->wait, now - it.t_enq);
    des_timeavg_set(&r->qlen, now, (double)des_queue_len(&r->q));
    des_timeavg_set(&r->inuse, now, (double)r->busy);
    return it.ent;
}

int des_res_request(des_resource *r, double now, uint32_t ent, unsigned prio)
{
    if (r->busy < r->capacity && des_queue_len(&r->q) == 0) {
        r->busy++;
        r->admitted++;
        des_tally_add(&r->wait, 0.0);
        des_timeavg_set(&r->inuse, now, (double)r->busy);
        return 1;
    }
    int rc = des_queue_push(&r->q, now, ent, prio);
    if (rc != DES_OK)
        return -rc;
    des_timeavg_set(&r->qlen, now, (double)des_queue_len(&r->q));
    return 0;
}

int des_res_release(des_resource *r, double now, uint32_t *next)
{
    assert(r->busy > 0);
    r->busy--;
    if (r->busy < r->capacity && des_queue_len(&r->q) > 0) {
        *next = seize_next(r, now);
        return 1;
    }
    des_timeavg_set(&r->inuse, now, (double)r->busy);
    return 0;
}

void des_res_set_capacity(des_resource *r, double now, int capacity)
{
    assert(capacity >= 0);
    (void)now; /* nothing time-weighted changes until servers are seized or released */
    r->capacity = capacity > 0 ? capacity : 0;
}

int des_res_admit(des_resource *r, double now, uint32_t *next)
{
    if (r->busy < r->capacity && des_queue_len(&r->q) > 0) {
        *next = seize_next(r, now);
        return 1;
    }
    return 0;
}

void des_res_hand(des_resource *r, double now, double t_enq, int passed)
{
    if (!passed) {
        assert(r->busy < r->capacity);
        r->busy++;
        des_timeavg_set(&r->inuse, now, (double)r->busy);
    }
    r->admitted++;
    des_tally_add(&r->wait, now - t_enq);
}

int des_res_withdraw(des_resource *r, double now, uint32_t ent)
{
    if (!des_queue_remove(&r->q, ent))
        return 0;
    des_timeavg_set(&r->qlen, now, (double)des_queue_len(&r->q));
    return 1;
}

/* ---- panel ---------------------------------------------------------------------------- */

static int panel_check(double first, double period, int per_sitting, des_error *err)
{
    if (!isfinite(first))
        return des_error_set(err, DES_EINVAL, "panel first sitting must be finite");
    if (!(period > 0.0) || !isfinite(period))
        return des_error_set(err, DES_EINVAL, "invalid panel period '%g': must be positive",
                             period);
    if (per_sitting < 0)
        return des_error_set(err, DES_EINVAL,
                             "invalid panel cases per sitting '%d': must be non-negative",
                             per_sitting);
    return DES_OK;
}

int des_panel_init(des_panel *p, double first, double period, int per_sitting,
                   des_discipline disc, des_error *err)
{
    memset(p, 0, sizeof *p);
    int rc = panel_check(first, period, per_sitting, err);
    if (rc != DES_OK)
        return rc;
    rc = des_queue_init(&p->q, disc, 0, err);
    if (rc != DES_OK)
        return rc;
    p->first = first;
    p->period = period;
    p->per_sitting = per_sitting;
    /* Simulation time starts at 0; des_panel_reset() restarts the statistics elsewhere. */
    des_timeavg_init(&p->qlen, 0.0, 0.0);
    des_tally_init(&p->wait);
    p->sittings = p->heard = 0;
    return DES_OK;
}

void des_panel_free(des_panel *p) { des_queue_free(&p->q); }

void des_panel_reset(des_panel *p, double now)
{
    des_queue_clear(&p->q);
    des_timeavg_init(&p->qlen, now, 0.0);
    des_tally_init(&p->wait);
    p->sittings = p->heard = 0;
}

int des_panel_submit(des_panel *p, double now, uint32_t ent, unsigned prio)
{
    int rc = des_queue_push(&p->q, now, ent, prio);
    if (rc != DES_OK)
        return rc;
    des_timeavg_set(&p->qlen, now, (double)des_queue_len(&p->q));
    return DES_OK;
}

size_t des_panel_sit(des_panel *p, double now, uint32_t *out, size_t max)
{
    size_t limit = (size_t)p->per_sitting < max ? (size_t)p->per_sitting : max;
    size_t k = 0;
    des_qitem it;
    while (k < limit && des_queue_pop(&p->q, &it)) {
        out[k++] = it.ent;
        des_tally_add(&p->wait, now - it.t_enq);
    }
    p->sittings++;
    p->heard += k;
    des_timeavg_set(&p->qlen, now, (double)des_queue_len(&p->q));
    return k;
}

/* Sitting k, computed the same way every time. */
static inline double sitting(const des_panel *p, double k) { return p->first + k * p->period; }

static inline int is_next(double t, double now, int inclusive)
{
    return inclusive ? t >= now : t > now;
}

double des_panel_next_sitting(const des_panel *p, double now, int inclusive)
{
    if (isnan(now))
        return NAN;
    if (now < p->first || (inclusive && now == p->first))
        return p->first;
    if (now == INFINITY)
        return INFINITY;
    /* Estimate k, then correct for rounding in the division: the answer is the smallest
     * integral k >= 0 with sitting(k) after now (sitting(k) is non-decreasing in k). */
    double k = floor((now - p->first) / p->period);
    if (k < 0.0)
        k = 0.0;
    int steps = 0;
    while (k > 0.0 && steps++ < 8 && is_next(sitting(p, k - 1.0), now, inclusive))
        k -= 1.0;
    steps = 0;
    while (steps++ < 8) {
        if (is_next(sitting(p, k), now, inclusive))
            return sitting(p, k);
        k += 1.0;
    }
    /* Only when the period is below the floating-point resolution at this time (or k is
     * beyond 2^53): sittings are no longer distinguishable, so answer the next instant. */
    return inclusive ? now : nextafter(now, INFINITY);
}

int des_panel_configure(des_panel *p, double first, double period, int per_sitting,
                        des_error *err)
{
    int rc = panel_check(first, period, per_sitting, err);
    if (rc != DES_OK)
        return rc;
    p->first = first;
    p->period = period;
    p->per_sitting = per_sitting;
    return DES_OK;
}
