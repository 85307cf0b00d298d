/* hold.c - the classic "hold" benchmark of the bare future-event list (des_calendar).
 *
 *   build/bench/hold --pending P [--ops N] [--seed S] [--live-rng]
 *
 * The calendar is filled with P events at exponential times (mean 1); then each hold pops the
 * earliest event and schedules one at now + an exponential increment (mean 1), so exactly P
 * events stay pending. A warm-up of max(2P, 10^5) holds (untimed) lets the heap reach its
 * steady shape; N holds are then timed.
 *
 * By default the increments come from a table of 2^15 exponential variates drawn before the
 * run and used cyclically, so ns_per_hold measures the event list alone (one pop with its
 * sift-down plus one schedule with its sift-up); --live-rng draws each increment with
 * des_exponential instead, to show the cost of a hold in a real model.
 *
 * Invariants checked: popped times never decrease, P events stay pending, every pop succeeds.
 * Output: key=value lines (pending=, operations=, seconds=, ns_per_hold=, ...); seconds and
 * ns_per_hold are wall-clock, cpu_seconds and cpu_ns_per_hold process CPU time (less inflated
 * by other programs on a shared machine), both for the timed holds only.
 * Complexity: O(log4 P) per hold (4-ary heap); memory O(P) events of 32 bytes.
 * Errors in the arguments: one line on stderr, exit 2.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "des_calendar.h"
#include "des_dist.h"
#include "des_rng.h"

#define TABLE_BITS 15
#define TABLE_LEN (1u << TABLE_BITS)

static const char *prog = "hold";

#include "bench_common.h"

/* One hold: pop the minimum, push it back at now + inc. Returns 0 on any failure. */
static inline int hold_once(des_calendar *cal, double inc, double *last)
{
    des_event ev;
    if (!des_cal_next(cal, &ev) || ev.time < *last)
        return 0;
    *last = ev.time;
    return des_cal_schedule(cal, ev.time + inc, 0, ev.type, DES_NO_OWNER, ev.arg) == DES_OK;
}

int main(int argc, char **argv)
{
    uint64_t pending = 1000, ops = 10000000, seed = 1;
    int live_rng = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("usage: %s --pending P [--ops N] [--seed S] [--live-rng]\n", prog);
            return 0;
        }
        if (!strcmp(a, "--live-rng")) {
            live_rng = 1;
            continue;
        }
        const char *v;
        a = next_option(argc, argv, &i, &v);
        if (!strcmp(a, "--pending"))
            pending = parse_u64(a, v, 1, UINT64_C(100000000));
        else if (!strcmp(a, "--ops"))
            ops = parse_u64(a, v, 1, UINT64_MAX / 2);
        else if (!strcmp(a, "--seed"))
            seed = parse_u64(a, v, 0, UINT64_MAX);
        else {
            fprintf(stderr, "%s: unknown option '%s'\n", prog, a);
            return 2;
        }
    }

    des_error err;
    des_error_clear(&err);
    uint32_t s1;
    des_streams st;
    if (des_rng_seed_table(seed, 1, 1, &s1, &err) != DES_OK ||
        des_streams_init(&st, &s1, 1, &err) != DES_OK)
        fail("cannot create random stream", &err);
    gsl_rng *rng = st.rng[0];

    double *inc = malloc(TABLE_LEN * sizeof *inc);
    if (!inc)
        fail("out of memory", NULL);
    for (unsigned i = 0; i < TABLE_LEN; i++)
        inc[i] = des_exponential(rng, 1.0);

    des_calendar *cal = des_cal_create((size_t)pending, &err);
    if (!cal)
        fail("cannot create calendar", &err);
    for (uint64_t i = 0; i < pending; i++)
        if (des_cal_schedule(cal, des_exponential(rng, 1.0), 0, 0, DES_NO_OWNER, (uint32_t)i))
            fail("cannot fill the calendar", NULL);

    double last = 0.0;
    int ok = 1;
    uint64_t warm = 2 * pending > 100000 ? 2 * pending : 100000;
    for (uint64_t i = 0; i < warm && ok; i++)
        ok = hold_once(cal, inc[i & (TABLE_LEN - 1)], &last);

    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    if (live_rng) {
        for (uint64_t i = 0; i < ops && ok; i++)
            ok = hold_once(cal, des_exponential(rng, 1.0), &last);
    } else {
        for (uint64_t i = 0; i < ops && ok; i++)
            ok = hold_once(cal, inc[i & (TABLE_LEN - 1)], &last);
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);

    if (!ok || des_cal_pending(cal) != pending)
        fail("event list misbehaved (time went backwards, or an event was lost)", NULL);

    printf("pending=%" PRIu64 "\n", pending);
    printf("operations=%" PRIu64 "\n", ops);
    printf("increments=%s\n", live_rng ? "des_exponential" : "table");
    printf("seconds=%.4f\n", secs);
    printf("ns_per_hold=%.2f\n", 1e9 * secs / (double)ops);
    printf("holds_per_sec=%.0f\n", (double)ops / secs);
    printf("cpu_seconds=%.4f\n", cpu);
    printf("cpu_ns_per_hold=%.2f\n", 1e9 * cpu / (double)ops);
    printf("sim_time=%.6g\n", des_cal_now(cal));

    des_cal_destroy(cal);
    free(inc);
    des_streams_free(&st);
    return 0;
}
