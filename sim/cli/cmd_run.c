/* cmd_run.c - `sendsim run`: simulate a scenario's replications, write the results file and the
 * summary CSV atomically, print a short table of medians with P10-P90 bands. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "send_h5.h"
#include "send_io.h"
#include "send_plot.h"
#include "send_run.h"
#include "send_scenario.h"

static const char run_usage[] =
    "usage: sendsim run SCENARIO.yaml [--replications N] [--seed S] [--threads J]\n"
    "                   [--out PREFIX] [--format png|svg] [--no-plots] [--force] [--quiet]\n"
    "\n"
    "Simulate N replications (default 200) of a scenario and write PREFIX.h5 (every\n"
    "replication's series and provenance) and PREFIX-summary.csv (default PREFIX:\n"
    "results/<scenario name>), then draw the charts (PREFIX-*.png, or .svg with --format svg)\n"
    "with gnuplot unless --no-plots. --threads defaults to all cores; results are\n"
    "identical for any thread count. --seed (default 1) fixes the random numbers.\n"
    "A results file written for another scenario is not replaced without --force.\n";

typedef struct run_args {
    const char *scenario;
    cli_sim_opts o;
    int force;
} run_args;

/* 0 go on, 1 help shown, -1 usage error (one line printed). */
static int parse(int argc, char **argv, run_args *a)
{
    *a = (run_args){0};
    cli_sim_opts_init(&a->o);
    const cli_opt opts[] = {
        CLI_SIM_OPTS(a->o),
        CLI_OPT_FLAG("force", 0, &a->force, "replace a results file of another scenario"),
    };
    const cli_command cmd = {"run", run_usage, opts, (int)(sizeof opts / sizeof opts[0])};
    int n_pos;
    int r = cli_parse_args(&cmd, argc, argv, &a->scenario, 1, &n_pos);
    if (r)
        return r;
    if (!n_pos)
        return cli_usage_error("run", "a scenario file is required"), -1;
    return 0;
}

/* "median [p10-p90]" of one metric and period, scaled. */
static void cell(const send_results *res, int metric, int period, double scale, int decimals,
                 double *scratch, char *buf, size_t len)
{
    send_stat st;
    send_results_get_stat(res, metric, period, scratch, &st);
    if (st.n == 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.*f [%.*f-%.*f]", decimals, st.q[3] * scale, decimals,
                 st.q[1] * scale, decimals, st.q[5] * scale);
}

static void print_table(const send_params *p, const send_results *res)
{
    const send_output *o = &res->reps[0];
    double *scratch = malloc((size_t)res->n * sizeof *scratch);
    if (!scratch)
        return;
    char c1[48], c2[48], c3[48], c4[48], c5[48];
    /* waits for a place at the year's busiest month (the January census day is their low
     * point) and the special-school shortfall (demand minus places) at its largest */
    printf("\n%-6s %-22s %-20s %-20s %-22s %-22s\n", "year", "EHC plans in January",
           "new plans", "% within 20 weeks", "waiting, peak month", "special places short,");
    printf("%-6s %-22s %-20s %-20s %-22s %-22s\n", "", "", "", "", "(children)",
           "peak (children)");
    for (int y = 0; y < o->n_years; y++) {
        int mi = (o->first_year + y) * 12 - 1970 * 12 - o->first_month_index; /* January */
        if (mi >= 0 && mi < o->n_months)
            cell(res, M_EHCP_TOTAL, mi, 1, 0, scratch, c1, sizeof c1);
        else
            snprintf(c1, sizeof c1, "-");
        cell(res, C_NEW_PLANS, y, 1, 0, scratch, c2, sizeof c2);
        cell(res, C_PCT_20W, y, 1, 1, scratch, c3, sizeof c3);
        cell(res, C_WAITING_TOTAL_PEAK, y, 1, 0, scratch, c4, sizeof c4);
        if (o->n_months > 0 && send_output_row((send_output *)o, M_CAPACITY + PROV_SPECIAL)[0] >= 0)
            cell(res, C_SHORTFALL_PEAK + PROV_SPECIAL, y, 1, 0, scratch, c5, sizeof c5);
        else
            snprintf(c5, sizeof c5, "not limited");
        printf("%-6d %-22s %-20s %-20s %-22s %-22s\n", o->first_year + y, c1, c2, c3, c4, c5);
    }
    printf("\n%-8s %-30s %-30s\n", "FY", "high-needs spend (GBP m)", "DSG balance c/f (GBP m; - = deficit)");
    for (int f = 0; f < o->n_fys; f++) {
        char label[16];
        send_output_period_label(o, F_SPEND, f, label, sizeof label);
        cell(res, F_SPEND, f, 1e-6, 1, scratch, c1, sizeof c1);
        cell(res, F_DSG_BALANCE, f, 1e-6, 1, scratch, c2, sizeof c2);
        printf("%-8s %-30s %-30s\n", label, c1, c2);
    }
    printf("\nmedian [P10-P90] over %d replications of '%s'\n", res->n, p->name);
    /* what moves the in-year balance, from the replications' means (the parts add up) */
    send_fin_driver *dr = o->n_fys > 1 ? malloc((size_t)o->n_fys * sizeof *dr) : NULL;
    if (dr) {
        send_fin_drivers(res, dr);
        printf("\n%-8s %-8s %-14s %-10s %-10s %-30s\n", "FY", "plans", "GBP per plan",
               "income", "in-year", "change = more plans + cost per plan + income (GBP m)");
        for (int f = 0; f < o->n_fys; f++) {
            char label[16];
            send_output_period_label(o, F_SPEND, f, label, sizeof label);
            printf("%-8s %-8.0f %-14.0f %-10.1f %-10.1f", label, dr[f].plans, dr[f].per_plan,
                   dr[f].income / 1e6, dr[f].inyear / 1e6);
            if (!isnan(dr[f].d_inyear))
                printf(" %.1f = %.1f + %.1f + %.1f", dr[f].d_inyear / 1e6, dr[f].d_plans / 1e6,
                       dr[f].d_cost / 1e6, dr[f].d_income / 1e6);
            printf("\n");
        }
        printf("means over the replications: average plans in the year, expenditure per plan\n");
        free(dr);
    }
    free(scratch);
}

int cli_run(int argc, char **argv)
{
    run_args a;
    int pr = parse(argc, argv, &a);
    if (pr)
        return pr > 0 ? EXIT_OK : EXIT_USAGE;
    send_scenario sc;
    des_error err = {0};
    if (send_scenario_open(a.scenario, &sc, &err) != DES_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return err.code == DES_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    const send_params *p = &sc.params;
    char prefix[4096];
    if (a.o.out)
        snprintf(prefix, sizeof prefix, "%s", a.o.out);
    else
        snprintf(prefix, sizeof prefix, "results/%s", p->name);
    char h5[4200], csv[4200];
    snprintf(h5, sizeof h5, "%s.h5", prefix);
    snprintf(csv, sizeof csv, "%s-summary.csv", prefix);
    if (!a.force && access(h5, F_OK) == 0) { /* before the work, not after it */
        char *old = send_h5_scenario_name(h5, &err);
        if (!old || strcmp(old, p->name) != 0) {
            if (old)
                fprintf(stderr, "sendsim run: '%s' holds the results of scenario '%s', not '%s' "
                                "(give another --out, or --force to replace it)\n",
                        h5, old, p->name);
            else
                fprintf(stderr, "sendsim run: %s: not replaced (give another --out, or --force "
                                "to replace it)\n",
                        err.msg);
            free(old);
            send_scenario_close(&sc);
            return EXIT_USAGE;
        }
        free(old);
    }
    if (cli_ensure_parent_dir(prefix) != 0) {
        fprintf(stderr, "sendsim run: cannot create the directory of '%s'\n", prefix);
        send_scenario_close(&sc);
        return EXIT_RUNTIME;
    }
    cli_install_signals();
    cli_progress prog;
    cli_progress_init(&prog, a.o.quiet);
    send_run_opts opts = {.seed = a.o.seed, .replications = (int)a.o.reps, .threads = (int)a.o.threads,
                          .cancel = &cli_interrupted, .progress = cli_progress_cb,
                          .progress_ctx = &prog};
    send_meta meta = {0};
    if (send_meta_from_scenario(&meta, &sc, &err) != DES_OK) {
        fprintf(stderr, "sendsim run: %s\n", err.msg);
        send_scenario_close(&sc);
        return EXIT_RUNTIME;
    }
    meta.started = send_meta_now();
    send_results res;
    int rc = send_run_dist(p, &opts, &res, &err);
    cli_progress_end(&prog);
    if (rc != DES_OK) {
        fprintf(stderr, "sendsim run: %s\n", err.msg);
        send_meta_free(&meta);
        send_scenario_close(&sc);
        return cli_interrupted ? 130 : EXIT_RUNTIME;
    }
    if (send_dist_rank() != 0) { /* MPI: rank 0 holds every replication and writes them */
        send_results_free(&res);
        send_meta_free(&meta);
        send_scenario_close(&sc);
        return EXIT_OK;
    }
    meta.finished = send_meta_now();
    meta.threads = res.threads_used;
    meta.wall_seconds = res.wall_seconds;
    rc = send_h5_write(h5, &res, &meta, &cli_interrupted, &err);
    if (rc == DES_OK)
        rc = send_write_summary_csv(csv, p->name, &res, &cli_interrupted, &err);
    if (rc != DES_OK) {
        /* the results file and the CSV belong together: keep neither if one failed */
        unlink(h5);
        fprintf(stderr, "sendsim run: %s\n", err.msg);
        send_results_free(&res);
        send_meta_free(&meta);
        send_scenario_close(&sc);
        return cli_interrupted ? 130 : EXIT_RUNTIME;
    }
    if (!a.o.quiet) {
        print_table(p, &res);
        printf("%d replications, %llu events, %.2f s on %d threads\nwrote %s\n      %s\n",
               res.n, (unsigned long long)res.events, res.wall_seconds, res.threads_used, h5,
               csv);
    }
    int status = EXIT_OK;
    char *dir, *stem;
    if (!a.o.no_plots && cli_split_prefix(prefix, &dir, &stem) == 0) {
        /* The results stand whatever happens to the charts; a chart failure is reported and
         * gives exit status 1, with every result file kept. */
        send_plot_opts po = {.format = a.o.format, .out_dir = dir, .stem = stem,
                             .cancel = &cli_interrupted};
        send_plot_list list;
        int no_gnuplot = 0;
        rc = send_plot_results(&res, &meta, &po, &list, &no_gnuplot, &err);
        status = cli_charts_outcome("run", rc, no_gnuplot, &list, dir, stem, a.o.quiet, err.msg);
        send_plot_list_free(&list);
        free(dir);
        free(stem);
    }
    send_results_free(&res);
    send_meta_free(&meta);
    send_scenario_close(&sc);
    return status;
}
