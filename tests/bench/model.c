/* model.c - the county model's cost per event, beside the bare engine's (queue.c).
 *
 *   build/bench/model --scenario FILE --replications N --seed S
 *
 * Loads FILE, creates one send_model and runs N replications one after another on this thread
 * (seeds from des_rng_seed_table, as `sendsim run` derives them), timing the replications only
 * (loading and the first model's set-up are outside). Counts both kinds of event: those fired
 * from the calendar (send_output.events, the kind queue.c's M/M/1 fires) and the level-2 and
 * ceasing clocks kept beside it (send_model_diag.clock_events), so the cost per calendar event
 * compares like with like against the engine and the cost per event (both kinds) shows what a
 * replication does per step.
 *
 * Output: key=value lines: calendar_events, clock_events, seconds and cpu_seconds (wall and
 * process CPU time of the timed loop), calendar_events_per_sec and events_per_sec (per wall
 * second), ns_per_calendar_event and ns_per_event (wall), cpu_ns_per_calendar_event and
 * cpu_ns_per_event (CPU time, which other programs on a shared machine inflate less), and
 * checksum (the sum over replications of
 * the closing caseload, so that two builds can be seen to simulate the same thing).
 * Errors in the arguments: one line on stderr, exit 2; a failed load or run: exit 1.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "des_rng.h"
#include "send_model.h"
#include "send_scenario.h"

static const char *prog = "model";
#include "bench_common.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: %s --scenario FILE --replications N --seed S\n", prog);
}

int main(int argc, char **argv)
{
    const char *scenario = NULL;
    uint64_t reps = 0, seed = 0;
    int have_reps = 0, have_seed = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        const char *v;
        a = next_option(argc, argv, &i, &v);
        if (!strcmp(a, "--scenario"))
            scenario = v;
        else if (!strcmp(a, "--replications"))
            reps = parse_u64(a, v, 1, 1000000), have_reps = 1;
        else if (!strcmp(a, "--seed"))
            seed = parse_u64(a, v, 0, UINT64_MAX), have_seed = 1;
        else {
            fprintf(stderr, "%s: unknown option '%s'\n", prog, a);
            return 2;
        }
    }
    const char *missing = !scenario ? "--scenario" : !have_reps ? "--replications"
                          : !have_seed ? "--seed" : NULL;
    if (missing) {
        fprintf(stderr, "%s: missing option '%s' (see --help)\n", prog, missing);
        return 2;
    }

    des_error err;
    des_error_clear(&err);
    send_params p;
    if (send_scenario_load(scenario, &p, NULL, &err) != DES_OK)
        fail("cannot load the scenario", &err);
    if (p.n_authorities > 0)
        fail("a scenario of several authorities is not one model", NULL);
    uint32_t *seeds = malloc(sizeof *seeds * (size_t)reps * SEND_STREAMS);
    if (!seeds || des_rng_seed_table(seed, (size_t)reps, SEND_STREAMS, seeds, &err) != DES_OK)
        fail("cannot derive seeds", &err);
    send_model *m = send_model_create(&p, &err);
    send_output out;
    if (!m || send_output_init(&out, &p, &err) != DES_OK)
        fail("cannot create the model", &err);

    uint64_t cal_events = 0, clk_events = 0;
    int64_t checksum = 0;
    struct timespec w0, c0;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    for (uint64_t r = 0; r < reps; r++) {
        if (send_model_run(m, seeds + r * SEND_STREAMS, &out, &err) != DES_OK)
            fail("replication failed", &err);
        send_model_diag d;
        send_model_get_diag(m, &d);
        cal_events += out.events;
        clk_events += d.clock_events;
        checksum += out.plans_close + out.sen_close;
    }
    double secs = seconds_since(CLOCK_MONOTONIC, &w0);
    double cpu = seconds_since(CLOCK_PROCESS_CPUTIME_ID, &c0);
    uint64_t all = cal_events + clk_events;
    printf("scenario=%s\nreplications=%" PRIu64 "\ncalendar_events=%" PRIu64
           "\nclock_events=%" PRIu64 "\nseconds=%.3f\ncpu_seconds=%.3f\n",
           scenario, reps, cal_events, clk_events, secs, cpu);
    printf("calendar_events_per_sec=%.0f\nevents_per_sec=%.0f\nns_per_calendar_event=%.1f\n"
           "ns_per_event=%.1f\ncpu_ns_per_calendar_event=%.1f\ncpu_ns_per_event=%.1f\n"
           "checksum=%" PRId64 "\n",
           (double)cal_events / secs, (double)all / secs, 1e9 * secs / (double)cal_events,
           1e9 * secs / (double)all, 1e9 * cpu / (double)cal_events, 1e9 * cpu / (double)all,
           checksum);
    send_output_free(&out);
    send_model_destroy(m);
    free(seeds);
    send_params_free(&p);
    return 0;
}
