/* bench_common.h - argument parsing, failure exits and timing shared by the benchmark programs.
 * Header-only (each benchmark is one translation unit); the including file defines
 * `static const char *prog` before including it. Bad arguments exit 2, runtime failures 1. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "des_error.h"

static inline void die_arg(const char *opt, const char *val, const char *want)
{
    fprintf(stderr, "%s: invalid %s '%s': %s\n", prog, opt, val, want);
    exit(2);
}

static inline uint64_t parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '+' || *s == ' ')
        die_arg(opt, s, "expected a whole number");
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno)
        die_arg(opt, s, "expected a whole number");
    if (v < min || v > max) {
        char want[96];
        snprintf(want, sizeof want, "expected a whole number from %" PRIu64 " to %" PRIu64,
                 min, max);
        die_arg(opt, s, want);
    }
    return (uint64_t)v;
}

/* The option at argv[*i], which must be "--name" followed by a value: returns the name, sets
 * *val and moves *i onto the value; a stray argument or a missing value exits 2. */
static inline const char *next_option(int argc, char **argv, int *i, const char **val)
{
    const char *a = argv[*i];
    if (strncmp(a, "--", 2) != 0) {
        fprintf(stderr, "%s: unexpected argument '%s'\n", prog, a);
        exit(2);
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "%s: option '%s' needs a value\n", prog, a);
        exit(2);
    }
    *val = argv[++*i];
    return a;
}

static inline void fail(const char *what, const des_error *err)
{
    fprintf(stderr, "%s: %s%s%s\n", prog, what, err && err->msg[0] ? ": " : "",
            err ? err->msg : "");
    exit(1);
}

static inline double seconds_since(clockid_t clk, const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(clk, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

#endif
