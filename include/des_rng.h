/* des_rng.h - reproducible random-number streams.
 *
 * One GSL generator (taus2, a maximally equidistributed combined Tausworthe generator of period
 * about 2^88, among GSL's fastest of simulation quality) per (replication, stream). Its seed is derived from
 * (master seed, replication index, stream id) by a 64-bit mixing function (splitmix64 finaliser
 * applied in turn to each input), folded to 32 bits, never 0. The same replication index draws
 * the same numbers in every scenario (common random numbers). Stream ids are appended, never
 * renumbered, so adding a stream leaves the others' numbers unchanged.
 *
 * GSL seeds taus2 from 32 bits, so two (replication, stream) pairs could map to one seed.
 * des_rng_seed_table() derives the seeds of a whole run and resolves every collision
 * deterministically: scanning in (replication, stream) order, a seed already taken is re-mixed
 * with an attempt counter until it is fresh. A seed therefore depends only on the master seed
 * and on the pairs that come before it, not on threads or ranks.
 */
#ifndef DES_RNG_H
#define DES_RNG_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "des_error.h"

/* splitmix64 finaliser: a bijective 64-bit mixer. */
uint64_t des_mix64(uint64_t x);

/* The raw (collision-unchecked) 32-bit seed of one stream; never 0. */
uint32_t des_rng_seed_raw(uint64_t master, uint64_t replication, uint32_t stream, uint32_t attempt);

/* Fill seeds[r * nstreams + s] for r < nreps, s < nstreams with distinct non-zero seeds.
 * Returns DES_OK, DES_EINVAL (zero sizes or overflow) or DES_ENOMEM. */
int des_rng_seed_table(uint64_t master, size_t nreps, size_t nstreams, uint32_t *seeds,
                       des_error *err);

/* A set of nstreams generators for one replication. */
typedef struct des_streams {
    size_t n;
    gsl_rng **rng;
} des_streams;

/* Allocate generators seeded from seeds[0..n-1] (one row of a seed table). */
int des_streams_init(des_streams *s, const uint32_t *seeds, size_t n, des_error *err);
/* Re-seed existing generators (no allocation). */
void des_streams_reseed(des_streams *s, const uint32_t *seeds);
void des_streams_free(des_streams *s);

#endif
