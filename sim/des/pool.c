/* pool.c - entity pool with an intrusive free list.
 *
 * Invariants: live[h] is 1 exactly for allocated handles; the free list links every handle
 * below `bound` that is not live, through next[]; nlive + free-list length == bound.
 * Complexity: alloc and free O(1) amortised (storage doubles when full).
 */
#include "des_pool.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct des_pool {
    unsigned char *data;
    uint32_t *next; /* free-list link, valid for free slots */
    uint32_t *gen;
    unsigned char *live;
    size_t elem, cap, nlive;
    uint32_t bound, free_head;
};

static int reserve(des_pool *p, size_t cap)
{
    unsigned char *d = realloc(p->data, cap * p->elem);
    if (!d)
        return DES_ENOMEM;
    p->data = d;
    uint32_t *nx = realloc(p->next, cap * sizeof *nx);
    if (!nx)
        return DES_ENOMEM;
    p->next = nx;
    uint32_t *g = realloc(p->gen, cap * sizeof *g);
    if (!g)
        return DES_ENOMEM;
    p->gen = g;
    unsigned char *l = realloc(p->live, cap);
    if (!l)
        return DES_ENOMEM;
    p->live = l;
    p->cap = cap;
    return DES_OK;
}

des_pool *des_pool_create(size_t elem_size, size_t capacity, des_error *err)
{
    if (elem_size == 0) {
        des_error_set(err, DES_EINVAL, "pool element size must be positive");
        return NULL;
    }
    des_pool *p = calloc(1, sizeof *p);
    if (!p) {
        des_error_set(err, DES_ENOMEM, "cannot allocate pool");
        return NULL;
    }
    p->elem = elem_size;
    p->free_head = DES_NONE;
    if (reserve(p, capacity ? capacity : 64) != DES_OK) {
        des_pool_destroy(p);
        des_error_set(err, DES_ENOMEM, "cannot allocate pool of %zu records", capacity);
        return NULL;
    }
    return p;
}

void des_pool_destroy(des_pool *p)
{
    if (!p)
        return;
    free(p->data);
    free(p->next);
    free(p->gen);
    free(p->live);
    free(p);
}

void des_pool_clear(des_pool *p)
{
    p->free_head = DES_NONE;
    for (uint32_t h = p->bound; h-- > 0;) {
        if (p->live[h])
            p->gen[h]++;
        p->live[h] = 0;
        p->next[h] = p->free_head;
        p->free_head = h;
    }
    p->nlive = 0;
}

uint32_t des_pool_alloc(des_pool *p)
{
    uint32_t h;
    if (p->free_head != DES_NONE) {
        h = p->free_head;
        p->free_head = p->next[h];
    } else {
        if (p->bound == DES_NONE - 1)
            return DES_NONE;
        if (p->bound == p->cap && reserve(p, 2 * p->cap) != DES_OK)
            return DES_NONE;
        h = p->bound++;
        p->gen[h] = 0;
    }
    p->live[h] = 1;
    p->nlive++;
    memset(p->data + (size_t)h * p->elem, 0, p->elem);
    return h;
}

void des_pool_free(des_pool *p, uint32_t h)
{
    assert(h < p->bound && p->live[h]);
    p->live[h] = 0;
    p->gen[h]++;
    p->next[h] = p->free_head;
    p->free_head = h;
    p->nlive--;
}

void *des_pool_get(des_pool *p, uint32_t h)
{
    assert(h < p->bound);
    return p->data + (size_t)h * p->elem;
}

int des_pool_is_live(const des_pool *p, uint32_t h) { return h < p->bound && p->live[h]; }
uint32_t des_pool_gen(const des_pool *p, uint32_t h) { return h < p->bound ? p->gen[h] : 0; }
size_t des_pool_live(const des_pool *p) { return p->nlive; }
uint32_t des_pool_bound(const des_pool *p) { return p->bound; }

int des_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 4;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem)
            return -1;
        c *= 2;
    }
    void *q = realloc(*p, c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}
