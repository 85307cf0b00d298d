/* cmd_calibrate.c - `sendsim calibrate SCENARIO.yaml [--data FILE] [--la CODE] [--as-of YEAR]
 * [--history-from YEAR0] [--history FILE] [--particles N] [--simulations N] [--seed S]
 * [--threads J] [--no-discrepancy] [--gross-term] [--fit-growth] [--exact] [--out FILE.yaml]`: fit the scenario's priors to an
 * authority's published series (send_calibrate.h) and write the calibrated scenario, with the
 * forecast-error term that `backtest` computes (send_bt_discrepancy_default: pooled back-tests
 * of every authority of --data at earlier starts, in a private temporary directory removed
 * on every way out) unless --no-discrepancy.
 * Usage errors, bad data, an unknown authority, too little data and a scenario without priors
 * exit 2 with one line on stderr; a failed run or an unwritable file exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "send_backtest.h"
#include "send_calibrate.h"
#include "send_init.h"
#include "send_model.h"
#include "send_scenario.h"

static const char calibrate_usage[] =
    "usage: sendsim calibrate SCENARIO.yaml [--data FILE] [--pool FILE] [--england FILE]\n"
    "                         [--la CODE|NAME] [--as-of YEAR] [--history-from YEAR0]\n"
    "                         [--history FILE.yaml] [--particles N] [--simulations N] [--seed S]\n"
    "                         [--threads J] [--no-discrepancy] [--gross-term] [--fit-growth]\n"
    "                         [--exact] [--reverting-timeliness] [--out FILE.yaml] [--quiet]\n"
    "\n"
    "Fit the keys that carry priors in SCENARIO to an authority's published SEN2 series up to\n"
    "June of YEAR, by ABC-SMC over the engine, and write a scenario that extends SCENARIO with\n"
    "the posterior as an ensemble (replications draw one set each). The ensemble also carries\n"
    "the forecast-error term, as `sendsim backtest` computes it: back-tests of every authority\n"
    "of --data (of --pool when given, as of its last January up to YEAR) at earlier starts\n"
    "against the figures published by June of YEAR (about 1 CPU-second an authority as of\n"
    "2019 and 4 from 2021, i.e. 2 and 9 CPU-minutes for the shipped file); --no-discrepancy\n"
    "leaves it out (bands from the parameters and chance alone). The term is the whole spread\n"
    "of past forecasts' errors, so it is stored net of the calibrated forecast's own spread\n"
    "(measured on 100 replications without it): it adds only what that spread lacks\n"
    "(--gross-term: the term as measured, added in full).\n"
    "Each simulated value gets the published series' year-to-year noise (pooled over the\n"
    "authorities as of YEAR) before it is compared (--exact: none), and init's request growth,\n"
    "whose prior already used the authority's own caseload, is drawn from that prior, not\n"
    "fitted (--fit-growth: fitted too). --reverting-timeliness: the history and the term's\n"
    "scenarios as init --reverting-timeliness writes them (use it for a scenario init wrote so).\n";

/* The forecast-error term, through the code path of `backtest` (send_bt_discrepancy_default),
 * its pooled back-tests' scenarios in a private temporary directory removed on every way out. */
typedef struct term_ctx {
    const send_sen2 *data; /* the authorities back-tested: --pool when given, else --data */
    int pooled;            /* data is --pool: taken as of send_init_pool_year */
    send_bt_pool pool;
    int quiet, failed;
} term_ctx;

static int make_term(void *vctx, int as_of, send_discrepancy *out, des_error *err)
{
    term_ctx *t = vctx;
    if (t->pooled && !(as_of = send_init_pool_year(t->data, NULL, as_of, err))) {
        t->failed = 1;
        return err ? err->code : DES_EINPUT;
    }
    char tmp[4096];
    if (cli_make_temp_dir("pool", tmp, sizeof tmp) != 0) {
        t->failed = 1;
        return des_error_set(err, DES_EIO, "cannot create a temporary directory '%s'", tmp);
    }
    t->pool.work_dir = tmp;
    double c0 = cli_cpu_seconds();
    int rc = send_bt_discrepancy_default(t->data, as_of, &t->pool, out, err);
    cli_remove_tree(tmp);
    t->pool.work_dir = NULL;
    if (rc != DES_OK) {
        t->failed = 1;
        return rc;
    }
    if (!t->quiet && out->n_metrics > 0)
        cli_print_discrepancy(out, cli_cpu_seconds() - c0);
    else if (!t->quiet)
        printf("no forecast-error term: the back-tests of the %zu authorities of '%s' pool "
               "fewer than %d errors at any horizon (an empty term is recorded)\n",
               send_sen2_count(t->data),
               send_sen2_path(t->data), SEND_BT_DISC_MIN);
    return DES_OK;
}

int cli_calibrate(int argc, char **argv)
{
    const char *scen = NULL, *data = CLI_DEFAULT_DATA, *england = CLI_DEFAULT_ENGLAND;
    char data_buf[4096], england_buf[4096], pool_buf[4096];
    const char *la_key = NULL, *outp = NULL, *history = NULL, *pool = NULL;
    long as_of = 0, from = 0, particles = 200, sims = 2000, threads = 0;
    uint64_t seed = 1;
    int quiet = 0, no_disc = 0, fit_all = 0, exact = 0, gross = 0, reverting = 0;
    const cli_opt opts[] = {
        CLI_OPT_STR("data", 0, &data, "FILE",
                    "SEN2 series, long format (default data/la-sen2.csv)"),
        CLI_OPT_STR("pool", 0, &pool, "FILE",
                    "authorities to pool over for the history's shrinkage and priors, the "
                    "observation error and the forecast-error term's back-tests (default: the "
                    "--data file), as in init --pool"),
        CLI_OPT_STR("england", 0, &england, "FILE",
                    "England's series, for the history's national defaults"),
        CLI_OPT_STR("la", 0, &la_key, "CODE|NAME", "the authority (default: the scenario's name)"),
        CLI_OPT_LONG("as-of", 0, &as_of, 1990, 2200, "YEAR",
                     "default: the year of the scenario's start"),
        CLI_OPT_LONG("history-from", 0, &from, 1990, 2200, "YEAR0",
                     "the history starts on 1 January YEAR0 (default YEAR-4)"),
        CLI_OPT_STR("history", 0, &history, "FILE",
                    "use this history scenario (with the priors) instead of writing one"),
        CLI_OPT_LONG("particles", 0, &particles, 4, 1000000, "N",
                     "ABC-SMC population (default 200; half kept each generation)"),
        CLI_OPT_LONG("simulations", 0, &sims, 4, 100000000, "N",
                     "budget of history simulations (default 2000)"),
        CLI_OPT_U64("seed", 's', &seed, "S", "master seed (default 1)"),
        CLI_OPT_LONG("threads", 'j', &threads, 0, 4096, "J",
                     "threads (default: all cores); the result does not depend on it"),
        CLI_OPT_STR("out", 'o', &outp, "FILE",
                    "the calibrated scenario (default SCENARIO-calibrated.yaml)"),
        CLI_OPT_FLAG("no-discrepancy", 0, &no_disc,
                     "no forecast-error term (skips the pooled back-tests)"),
        CLI_OPT_FLAG("gross-term", 0, &gross,
                     "the term added in full, not net of the forecast's own spread"),
        CLI_OPT_FLAG("fit-growth", 0, &fit_all,
                     "fit init's request growth too (its prior already used the own history)"),
        CLI_OPT_FLAG("exact", 0, &exact,
                     "no observation error: compare simulated values as they are"),
        CLI_OPT_FLAG("reverting-timeliness", 0, &reverting,
                     "history and term as init --reverting-timeliness writes them"),
        CLI_OPT_FLAG("quiet", 'q', &quiet, "print nothing but errors"),
    };
    const cli_command cmd = {"calibrate", calibrate_usage, opts,
                             (int)(sizeof opts / sizeof opts[0])};
    int n_pos, r = cli_parse_args(&cmd, argc, argv, &scen, 1, &n_pos);
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (!strcmp(data, CLI_DEFAULT_DATA)) /* from any directory: the installed or source copy */
        data = cli_shipped(data, data_buf, sizeof data_buf);
    if (!strcmp(england, CLI_DEFAULT_ENGLAND))
        england = cli_shipped(england, england_buf, sizeof england_buf);
    if (pool && !strcmp(pool, CLI_DEFAULT_DATA))
        pool = cli_shipped(pool, pool_buf, sizeof pool_buf);
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
    send_sen2 *e = NULL, *P = NULL;
    int rc = EXIT_OK;
    if (pool && !(P = send_sen2_read(pool, &err))) {
        fprintf(stderr, "sendsim calibrate: %s\n", err.msg);
        rc = EXIT_USAGE;
        goto done;
    }
    if ((!history || !no_disc) && !(e = send_sen2_read(england, &err))) {
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
                         .pool = P,
                         .pool_label = pool,
                         .england_label = england,
                         .seed = seed,
                         .threads = (int)threads,
                         .stats = &st,
                         .fit_all = fit_all,
                         .exact = exact,
                         .gross_term = gross,
                         .reverting_timeliness = reverting};
    term_ctx tc = {.data = P ? P : d, .pooled = P != NULL,
                   .pool = {.england = e, .data_label = P ? pool : data,
                                       .england_label = england, .seed = seed,
                                       .threads = (int)threads, .cancel = &cli_interrupted,
                                       .fit_all = fit_all, .exact = exact,
                                       .reverting_timeliness = reverting},
                   .quiet = quiet};
    if (!no_disc) {
        o.make_discrepancy = make_term;
        o.make_discrepancy_ctx = &tc;
        cli_install_signals();
    }
    int s = send_calibrate(d, (size_t)la, (int)as_of, scen, outp, &o, &err);
    if (s != DES_OK) {
        fflush(stdout); /* the term's table first, as on a terminal, when stdout is a file */
        if (tc.failed && cli_interrupted) {
            fputs("sendsim calibrate: interrupted\n", stderr);
            rc = 130;
        } else {
            fprintf(stderr, "sendsim calibrate: %s%s\n", err.msg,
                    tc.failed && s == DES_EINPUT
                        ? " (give --no-discrepancy to calibrate without it)" : "");
            rc = s == DES_EINPUT ? EXIT_USAGE : s == DES_ESTATE && cli_interrupted ? 130
                                                                                 : EXIT_RUNTIME;
        }
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
        if (st.n_drawn)
            printf("  %d key%s drawn from the prior, not fitted (the prior used the own history)\n",
                   st.n_drawn, st.n_drawn == 1 ? "" : "s");
        printf("  observation error (log sd): ehcp_total %.3f, initial_requests %.3f, new_plans "
               "%.3f, plans_ceased %.3f%s\n",
               st.obs_sd[0], st.obs_sd[1], st.obs_sd[2], st.obs_sd[3], exact ? " (--exact)" : "");
        if (st.n_term > 0) {
            printf("  forecast-error term as stored%s, P90/P10 of its factor at 1 / 3 / 5 years:\n",
                   st.term_net ? " (net of this forecast's own spread)" : " (in full)");
            for (int m = 0; m < st.n_term; m++)
                printf("    %-20s %.2f / %.2f / %.2f\n", send_metric(st.term_metric[m])->name,
                       st.term_ratio[m][0], st.term_ratio[m][1], st.term_ratio[m][2]);
        }
    }
done:
    send_sen2_free(P);
    send_sen2_free(e);
    send_sen2_free(d);
    return rc;
}
