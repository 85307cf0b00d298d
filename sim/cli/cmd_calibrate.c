/* cmd_calibrate.c - `sendsim calibrate SCENARIO.yaml [--data FILE] [--la CODE] [--as-of YEAR]
 * [--history-from YEAR0] [--history FILE] [--particles N] [--simulations N] [--seed S]
 * [--threads J] [--out FILE.yaml]`: fit the scenario's priors to an authority's published
 * series (send_calibrate.h) and write the calibrated scenario.
 * Usage errors, bad data, an unknown authority, too little data and a scenario without priors
 * exit 2 with one line on stderr; a failed run or an unwritable file exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "send_calibrate.h"
#include "send_scenario.h"

static const char calibrate_usage[] =
    "usage: sendsim calibrate SCENARIO.yaml [--data FILE] [--england FILE] [--la CODE|NAME]\n"
    "                         [--as-of YEAR] [--history-from YEAR0] [--history FILE.yaml]\n"
    "                         [--particles N] [--simulations N] [--seed S] [--threads J]\n"
    "                         [--out FILE.yaml] [--quiet]\n"
    "\n"
    "Fit the keys that carry priors in SCENARIO to an authority's published SEN2 series up to\n"
    "June of YEAR, by ABC-SMC over the engine, and write a scenario that extends SCENARIO with\n"
    "the posterior as an ensemble (replications draw one set each).\n"
    "  --data FILE         SEN2 series in the long format (default data/la-sen2.csv)\n"
    "  --england FILE      England's series, for the history scenario's national defaults\n"
    "                      (default data/england-sen2.csv)\n"
    "  --la CODE|NAME      the authority (default: the scenario's name)\n"
    "  --as-of YEAR        default: the year of the scenario's start\n"
    "  --history-from Y0   the history starts on 1 January Y0 (default YEAR-4, later if the\n"
    "                      data are too few)\n"
    "  --history FILE      use this history scenario (with the priors) instead of writing one\n"
    "  --particles N       ABC-SMC population (default 200; half are kept each generation)\n"
    "  --simulations N     budget of history simulations (default 2000)\n"
    "  --seed S            master seed (default 1)\n"
    "  --threads J         threads (default: all cores); the result does not depend on it\n"
    "  --out FILE          the calibrated scenario (default SCENARIO-calibrated.yaml)\n"
    "  --quiet             print nothing but errors\n";

int cli_calibrate(int argc, char **argv)
{
    const char *scen = NULL, *data = "data/la-sen2.csv", *england = "data/england-sen2.csv";
    const char *la_key = NULL, *outp = NULL, *history = NULL;
    long as_of = 0, from = 0, particles = 200, sims = 2000, threads = 0;
    uint64_t seed = 1;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            fputs(calibrate_usage, stdout);
            return EXIT_OK;
        } else if (!strcmp(s, "--quiet") || !strcmp(s, "-q")) {
            quiet = 1;
        } else if (s[0] == '-' && s[1]) {
            if (!next || !next[0])
                return cli_usage_error("calibrate", "%s: expected a value", s);
            i++;
            int bad = 0;
            if (!strcmp(s, "--data"))
                data = next;
            else if (!strcmp(s, "--england"))
                england = next;
            else if (!strcmp(s, "--la"))
                la_key = next;
            else if (!strcmp(s, "--history"))
                history = next;
            else if (!strcmp(s, "--out") || !strcmp(s, "-o"))
                outp = next;
            else if (!strcmp(s, "--as-of"))
                bad = cli_parse_long("calibrate", s, next, 1990, 2200, &as_of);
            else if (!strcmp(s, "--history-from"))
                bad = cli_parse_long("calibrate", s, next, 1990, 2200, &from);
            else if (!strcmp(s, "--particles"))
                bad = cli_parse_long("calibrate", s, next, 4, 1000000, &particles);
            else if (!strcmp(s, "--simulations"))
                bad = cli_parse_long("calibrate", s, next, 4, 100000000, &sims);
            else if (!strcmp(s, "--threads"))
                bad = cli_parse_long("calibrate", s, next, 0, 4096, &threads);
            else if (!strcmp(s, "--seed"))
                bad = cli_parse_u64("calibrate", s, next, &seed);
            else
                return cli_usage_error("calibrate", "unknown option '%s'", s);
            if (bad)
                return EXIT_USAGE;
        } else if (!scen) {
            scen = s;
        } else {
            return cli_usage_error("calibrate", "unexpected argument '%s'", s);
        }
    }
    if (!scen)
        return cli_usage_error("calibrate", "SCENARIO.yaml is required");
    if (from && as_of && from > as_of - 2)
        return cli_usage_error("calibrate",
                               "--history-from: expected a year at most %ld (two years before "
                               "--as-of), got %ld",
                               as_of - 2, from);

    des_error err = {0};
    send_params p;
    if (send_scenario_load(scen, &p, NULL, &err) != DES_OK) {
        fprintf(stderr, "sendsim calibrate: %s\n", err.msg);
        return EXIT_USAGE;
    }
    char name[SEND_NAME_MAX * 2];
    snprintf(name, sizeof name, "%s", p.name);
    if (!as_of) {
        int y, m, d;
        des_date_to_ymd(p.start, &y, &m, &d);
        as_of = y;
    }
    send_params_free(&p);
    if (from && from > as_of - 2)
        return cli_usage_error("calibrate",
                               "--history-from: expected a year at most %ld (two years before "
                               "the as-of year), got %ld",
                               as_of - 2, from);

    send_sen2 *d = send_sen2_read(data, &err);
    if (!d) {
        fprintf(stderr, "sendsim calibrate: %s\n", err.msg);
        return EXIT_USAGE;
    }
    send_sen2 *e = NULL;
    int rc = EXIT_OK;
    if (!history && !(e = send_sen2_read(england, &err))) {
        fprintf(stderr, "sendsim calibrate: %s\n", err.msg);
        rc = EXIT_USAGE;
        goto done;
    }
    long la = send_sen2_find(d, la_key ? la_key : name, &err);
    if (la < 0) {
        fprintf(stderr, "sendsim calibrate: %s%s\n", err.msg,
                la_key ? "" : " (the scenario's name; give --la CODE)");
        rc = EXIT_USAGE;
        goto done;
    }
    char def[4096];
    if (!outp) {
        size_t n = strlen(scen);
        if (n > 5 && !strcmp(scen + n - 5, ".yaml"))
            n -= 5;
        snprintf(def, sizeof def, "%.*s-calibrated.yaml", (int)n, scen);
        outp = def;
    }
    send_calib_stats st = {0};
    send_calib_opts o = {.particles = (int)particles,
                         .max_simulations = sims,
                         .history_from = (int)from,
                         .history_path = history,
                         .england = e,
                         .data_label = data,
                         .england_label = england,
                         .seed = seed,
                         .threads = (int)threads,
                         .stats = &st};
    int s = send_calibrate(d, (size_t)la, (int)as_of, scen, outp, &o, &err);
    if (s != DES_OK) {
        fprintf(stderr, "sendsim calibrate: %s\n", err.msg);
        rc = s == DES_EINPUT ? EXIT_USAGE : EXIT_RUNTIME;
        goto done;
    }
    if (!quiet) {
        const send_sen2_la *a = send_sen2_la_at(d, (size_t)la);
        printf("wrote %s (%s as of %ld)\n", outp, a->name, as_of);
        printf("  %d keys fitted to %d published values; %ld simulations in %d generations\n",
               st.n_keys, st.n_obs, st.simulations, st.generations);
        printf("  distance (sum of relative errors): prior median %.3f, posterior median %.3f, "
               "tolerance %.3f\n",
               st.dist_prior_median, st.dist_median, st.epsilon);
        printf("  %d particles kept (effective %.0f); CPU %.1f s = %.0f replication-equivalents "
               "(one replication %.3f s)\n",
               st.kept, st.ess, st.cpu_seconds, st.rep_equivalents, st.rep_cpu_seconds);
    }
done:
    send_sen2_free(e);
    send_sen2_free(d);
    return rc;
}
