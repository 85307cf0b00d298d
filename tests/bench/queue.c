/* queue.c - M/M/c benchmark of the engine: calendar + des_resource + des_exponential + des_pool.
 *
 *   build/bench/queue --servers C --arrival-rate L --service-rate M --customers N --seed S
 *
 * Model: Poisson arrivals at rate L, C identical servers with exponential service at rate M,
 * one FIFO queue. Exactly N customers arrive; the run ends when the last one has left. Each
 * customer is an entity from a des_pool (its record holds the arrival time); arrivals and
 * service draws come from two des_streams generators seeded from S through des_rng_seed_table.
 * Events: ARRIVAL (one pending at a time) and DEPART (arg = entity handle, one per busy server).
 *
 * Output: key=value lines. mean_wait is the mean time from arrival to the start of service
 * (Wq) over all N customers, from the resource's own tally; analytic_wait is the Erlang C
 * value Wq = C(c, a) / (c M - L), a = L / M (inf when L >= c M). events counts events popped
 * from the calendar (2 per customer). seconds (wall clock) and cpu_seconds (process CPU time,
 * which other programs on a shared machine inflate less) cover the event loop only, not set-up;
 * the rates (events_per_sec, customers_per_sec) are per wall-clock second.
 *
 * Allocation check (mallocs_in_loop): this program replaces malloc, calloc, realloc,
 * aligned_alloc, memalign and posix_memalign with wrappers that forward to glibc's own
 * __libc_malloc / __libc_calloc / __libc_realloc / __libc_memalign and, while a flag is set
 * around the timed loop, count the calls and the bytes requested. Because the symbols are
 * defined in the executable, they interpose for every caller in the process, GSL and the
 * engine library included, so the count is of real calls, not an estimate. Before the loop the
 * engine's growable storage is pre-sized the way a warm run would leave it (calendar for C + 1
 * pending events, queue and pool for PRESIZE entries, then emptied with the reset functions,
 * which keep storage); in the loop a call would happen only if the queue passed that
 * high-water mark (a doubling: O(log) calls, never per event). Under AddressSanitizer, which
 * owns malloc, the wrappers are left out and mallocs_in_loop=unavailable is printed.
 *
 * Invariants checked at the end: every customer arrived, was admitted and left; the calendar
 * and the queue are empty; no entity is live. Complexity: O(N log C) time, memory O(peak
 * number in system). Errors in the arguments: one line on stderr, exit 2.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "des_calendar.h"
#include "des_dist.h"
#include "des_pool.h"
#include "des_resource.h"
#include "des_rng.h"

/* ---- allocation counting ----------------------------------------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
#define COUNT_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COUNT_MALLOC 0
#endif
#endif
#if !defined(COUNT_MALLOC) && defined(__GLIBC__)
#define COUNT_MALLOC 1
#endif
#ifndef COUNT_MALLOC
#define COUNT_MALLOC 0
#endif

static int alloc_counting;
static uint64_t alloc_calls, alloc_bytes;

#if COUNT_MALLOC
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

static inline void note_alloc(size_t n)
{
    if (alloc_counting) {
        alloc_calls++;
        alloc_bytes += n;
    }
}

void *malloc(size_t n)
{
    note_alloc(n);
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    note_alloc(n * size);
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    note_alloc(n);
    return __libc_realloc(p, n);
}

void free(void *p) { __libc_free(p); }

void *aligned_alloc(size_t align, size_t n)
{
    note_alloc(n);
    return __libc_memalign(align, n);
}

void *memalign(size_t align, size_t n);
void *memalign(size_t align, size_t n)
{
    note_alloc(n);
    return __libc_memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0)
        return EINVAL;
    note_alloc(n);
    void *p = __libc_memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
#endif

/* ---- arguments --------------------------------------------------------------------------- */

static const char *prog = "queue";

#include "bench_common.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: %s --servers C --arrival-rate L --service-rate M --customers N "
               "--seed S\n",
            prog);
}

static double parse_pos_double(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v) || !(v > 0.0))
        die_arg(opt, s, "expected a positive number");
    return v;
}

/* ---- model ------------------------------------------------------------------------------- */

enum { EV_ARRIVAL = 0, EV_DEPART = 1 };
enum { S_ARRIVAL = 0, S_SERVICE = 1, NSTREAMS = 2 };
#define PRESIZE 65536u

typedef struct customer {
    double t_arr;
} customer;

/* Erlang C: probability of waiting in M/M/c with offered load a = lambda/mu < c, from the
 * Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)), which is stable for large c. */
static double erlang_c(int c, double a)
{
    double b = 1.0;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return c * b / (c - a * (1.0 - b));
}

int main(int argc, char **argv)
{
    long servers = -1;
    double lambda = NAN, mu = NAN;
    uint64_t ncust = 0, seed = 0;
    int have_cust = 0, have_seed = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        const char *v;
        a = next_option(argc, argv, &i, &v);
        if (!strcmp(a, "--servers"))
            servers = (long)parse_u64(a, v, 1, 1000000);
        else if (!strcmp(a, "--arrival-rate"))
            lambda = parse_pos_double(a, v);
        else if (!strcmp(a, "--service-rate"))
            mu = parse_pos_double(a, v);
        else if (!strcmp(a, "--customers"))
            ncust = parse_u64(a, v, 1, UINT32_MAX - 1), have_cust = 1;
        else if (!strcmp(a, "--seed"))
            seed = parse_u64(a, v, 0, UINT64_MAX), have_seed = 1;
        else {
            fprintf(stderr, "%s: unknown option '%s'\n", prog, a);
            return 2;
        }
    }
    const char *missing = servers < 0      ? "--servers"
                          : isnan(lambda)  ? "--arrival-rate"
                          : isnan(mu)      ? "--service-rate"
                          : !have_cust     ? "--customers"
                          : !have_seed     ? "--seed"
                                           : NULL;
    if (missing) {
        fprintf(stderr, "%s: missing option '%s' (see --help)\n", prog, missing);
        return 2;
    }
    const int c = (int)servers;
    const double mean_ia = 1.0 / lambda, mean_svc = 1.0 / mu;

    /* ---- set-up (not timed) ---- */
    des_error err;
    des_error_clear(&err);
    uint32_t seeds[NSTREAMS];
    if (des_rng_seed_table(seed, 1, NSTREAMS, seeds, &err) != DES_OK)
        fail("cannot derive seeds", &err);
    des_streams st;
    if (des_streams_init(&st, seeds, NSTREAMS, &err) != DES_OK)
        fail("cannot create random streams", &err);
    gsl_rng *r_arr = st.rng[S_ARRIVAL], *r_svc = st.rng[S_SERVICE];

    des_calendar *cal = des_cal_create((size_t)c + 16, &err);
    if (!cal)
        fail("cannot create calendar", &err);
    des_resource res;
    if (des_res_init(&res, c, DES_FIFO, 0.0, &err) != DES_OK)
        fail("cannot create resource", &err);
    des_pool *pool = des_pool_create(sizeof(customer), PRESIZE, &err);
    if (!pool)
        fail("cannot create entity pool", &err);

    /* Pre-size: grow the queue to PRESIZE entries and the pool to PRESIZE records, then empty
     * them (the reset/clear functions keep storage). */
    des_res_reset(&res, 0, 0.0);
    for (uint32_t i = 0; i < PRESIZE; i++) {
        if (des_res_request(&res, 0.0, i, 0) != 0)
            fail("cannot pre-size the queue", NULL);
        if (des_pool_alloc(pool) == DES_NONE)
            fail("cannot pre-size the pool", NULL);
    }
    des_res_reset(&res, c, 0.0);
    des_pool_clear(pool);
    des_cal_reset(cal, 0.0);

    if (des_cal_schedule(cal, des_exponential(r_arr, mean_ia), 0, EV_ARRIVAL, DES_NO_OWNER, 0))
        fail("cannot schedule the first arrival", NULL);
    uint64_t arrived = 0;
    des_timeavg insys;
    des_timeavg_init(&insys, 0.0, 0.0);
    double sum_sojourn = 0.0;

    /* ---- the timed event loop ---- */
    struct timespec t0, c0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    alloc_counting = 1;
    des_event ev;
    int bad = 0;
    while (des_cal_next(cal, &ev)) {
        const double now = ev.time;
        if (ev.type == EV_ARRIVAL) {
            arrived++;
            if (arrived < ncust)
                bad |= des_cal_schedule(cal, now + des_exponential(r_arr, mean_ia), 0,
                                        EV_ARRIVAL, DES_NO_OWNER, 0);
            uint32_t e = des_pool_alloc(pool);
            if (e == DES_NONE) {
                bad = 1;
                break;
            }
            ((customer *)des_pool_get(pool, e))->t_arr = now;
            int rq = des_res_request(&res, now, e, 0);
            if (rq > 0)
                bad |= des_cal_schedule(cal, now + des_exponential(r_svc, mean_svc), 0,
                                        EV_DEPART, DES_NO_OWNER, e);
            else if (rq < 0)
                bad = 1;
        } else {
            uint32_t e = ev.arg, next;
            sum_sojourn += now - ((customer *)des_pool_get(pool, e))->t_arr;
            des_pool_free(pool, e);
            if (des_res_release(&res, now, &next))
                bad |= des_cal_schedule(cal, now + des_exponential(r_svc, mean_svc), 0,
                                        EV_DEPART, DES_NO_OWNER, next);
        }
        if (bad)
            break;
    }
    alloc_counting = 0;
    const double cpu = seconds_since(CLOCK_PROCESS_CPUTIME_ID, &c0);
    const double secs = seconds_since(CLOCK_MONOTONIC, &t0);

    if (bad)
        fail("event loop failed (scheduling or memory)", NULL);
    const uint64_t events = des_cal_fired(cal);
    if (arrived != ncust || res.admitted != ncust || des_pool_live(pool) != 0 ||
        des_queue_len(&res.q) != 0 || res.busy != 0 || des_cal_pending(cal) != 0 ||
        events != 2 * ncust)
        fail("inconsistent end state", NULL);

    const double a = lambda / mu;
    const double analytic = a < c ? erlang_c(c, a) / (c * mu - lambda) : INFINITY;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);

    printf("servers=%d\n", c);
    printf("arrival_rate=%g\n", lambda);
    printf("service_rate=%g\n", mu);
    printf("rho=%.6g\n", a / c);
    printf("seed=%" PRIu64 "\n", seed);
    printf("customers=%" PRIu64 "\n", ncust);
    printf("events=%" PRIu64 "\n", events);
    printf("sim_time=%.6g\n", des_cal_now(cal));
    printf("mean_wait=%.6f\n", des_tally_mean(&res.wait));
    printf("analytic_wait=%.6f\n", analytic);
    printf("mean_sojourn=%.6f\n", sum_sojourn / (double)ncust);
    printf("max_queue=%.0f\n", res.qlen.max);
    printf("seconds=%.4f\n", secs);
    printf("events_per_sec=%.0f\n", (double)events / secs);
    printf("customers_per_sec=%.0f\n", (double)ncust / secs);
    printf("ns_per_event=%.2f\n", 1e9 * secs / (double)events);
    printf("cpu_seconds=%.4f\n", cpu);
    printf("events_per_cpu_sec=%.0f\n", (double)events / cpu);
    printf("peak_rss_kb=%ld\n", ru.ru_maxrss);
    if (COUNT_MALLOC) {
        printf("mallocs_in_loop=%" PRIu64 "\n", alloc_calls);
        printf("malloc_bytes_in_loop=%" PRIu64 "\n", alloc_bytes);
    } else {
        printf("mallocs_in_loop=unavailable\n");
    }

    des_pool_destroy(pool);
    des_res_free(&res);
    des_cal_destroy(cal);
    des_streams_free(&st);
    return 0;
}
