/* des_pool.h - entity pool: fixed-size records addressed by integer handles, with a free list.
 *
 * Handles are uint32 indices, stable for the life of the entity. Storage grows by doubling, so
 * a pointer from des_pool_get() is valid only until the next des_pool_alloc(); keep handles,
 * not pointers. Each slot carries a generation, bumped when it is freed, so a (handle,
 * generation) pair held elsewhere can be checked for staleness. Allocation and free are O(1).
 */
#ifndef DES_POOL_H
#define DES_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "des_error.h"

#define DES_NONE UINT32_MAX

typedef struct des_pool des_pool;

/* A pool of records of elem_size bytes, with room for `capacity` before the first growth. */
des_pool *des_pool_create(size_t elem_size, size_t capacity, des_error *err);
void des_pool_destroy(des_pool *pool);

/* Free every entity (generations are kept and bumped); storage is kept. */
void des_pool_clear(des_pool *pool);

/* A zeroed record's handle, or DES_NONE when memory runs out. Lowest free handles are reused
 * last-freed-first. */
uint32_t des_pool_alloc(des_pool *pool);
/* Return a live handle to the free list. Freeing a dead handle is a bug (asserted). */
void des_pool_free(des_pool *pool, uint32_t h);

void *des_pool_get(des_pool *pool, uint32_t h);
int des_pool_is_live(const des_pool *pool, uint32_t h);
uint32_t des_pool_gen(const des_pool *pool, uint32_t h);
size_t des_pool_live(const des_pool *pool);
/* One past the highest handle ever allocated: iterate 0..bound-1 and test is_live. */
uint32_t des_pool_bound(const des_pool *pool);

/* Make *p, an array of elem-byte items with room for *cap, hold at least need items: doubles
 * its room (from 4) with realloc and updates *p and *cap. 0, or -1 when memory runs out or
 * the size would overflow (*p and *cap are then unchanged, and *p still valid). The one
 * growth rule for the project's growable arrays. */
int des_grow(void **p, size_t *cap, size_t need, size_t elem);

#endif
