/* cmd_compare.c - `sendsim compare`: run two or more scenarios with common random numbers and
 * report the paired difference of each headline metric against the first scenario. Writes
 * PREFIX-compare.csv and one results file per scenario (PREFIX-<name>.h5); prints the
 * differences in the final year with their 95% intervals and verdicts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "send_compare.h"
#include "send_h5.h"
#include "send_io.h"
#include "send_plot.h"
#include "send_run.h"
#include "send_scenario.h"

#define MAX_SCENARIOS 16

static const char compare_usage[] =
    "usage: sendsim compare A.yaml B.yaml [C.yaml ...] [--replications N] [--seed S]\n"
    "                       [--threads J] [--out PREFIX] [--format png|svg] [--no-plots]\n"
    "                       [--quiet]\n"
    "\n"
    "Run every scenario with the same seeds (common random numbers) and write the paired\n"
    "difference of each headline metric against the first scenario to PREFIX-compare.csv,\n"
    "and each scenario's results to PREFIX-<scenario name>.h5 (default PREFIX:\n"
    "results/compare-<first scenario name>). N defaults to 200, S to 1. The scenarios must\n"
    "cover the same start and end dates. Charts: PREFIX-compare-overlay-*.png (medians and\n"
    "bands of every scenario) and PREFIX-compare-diff-*.png (paired-difference fans), or .svg.\n";

typedef struct cmp_args {
    const char *scen[MAX_SCENARIOS + 1];
    int k;
    cli_sim_opts o;
} cmp_args;

/* 0 go on, 1 help shown, -1 usage error (one line printed). */
static int parse(int argc, char **argv, cmp_args *a)
{
    a->k = 0;
    cli_sim_opts_init(&a->o);
    const cli_opt opts[] = {CLI_SIM_OPTS(a->o)};
    const cli_command cmd = {"compare", compare_usage, opts, (int)(sizeof opts / sizeof opts[0])};
    int r = cli_parse_args(&cmd, argc, argv, a->scen, MAX_SCENARIOS + 1, &a->k);
    if (r)
        return r;
    if (a->k > MAX_SCENARIOS)
        return cli_usage_error("compare", "at most %d scenarios", MAX_SCENARIOS), -1;
    if (a->k < 2)
        return cli_usage_error("compare", "at least two scenario files are required"), -1;
    return 0;
}

static void print_diffs(int k, char names[][SEND_NAME_MAX * 2 + 8],
                        const send_results *const *res)
{
    const send_output *o = &res[0]->reps[0];
    double *scratch = malloc((size_t)res[0]->n * sizeof *scratch);
    if (!scratch)
        return;
    for (int s = 1; s < k; s++) {
        printf("\n%s minus %s (paired over %d replications; 95%% interval of the mean)\n",
               names[s], names[0], res[0]->n);
        printf("%-32s %-8s %14s %30s  %s\n", "metric", "period", "mean", "95% interval",
               "verdict");
        printf("(money in GBP millions; _peak: the busiest month of the last year; other monthly "
               "stocks in the last January)\n");
        for (int j = 0; j < send_compare_n_metrics; j++) {
            int m = send_compare_metrics[j];
            int np = send_output_periods(o, m);
            int i = np - 1;
            if (send_metric(m)->kind == SEND_MONTHLY) /* the last January: the census view */
                while (i > 0 && (o->first_month_index + i) % 12 != 0)
                    i--;
            send_diff d;
            char label[16], ci[64];
            send_paired_diff(res[0], res[s], m, i, scratch, &d, NULL);
            send_output_period_label(o, m, i, label, sizeof label);
            char mean[32];
            if (!strcmp(send_metric(m)->unit, "GBP")) { /* money in millions */
                snprintf(mean, sizeof mean, "%.2fm", d.mean / 1e6);
                snprintf(ci, sizeof ci, "[%.2fm, %.2fm]", d.ci_low / 1e6, d.ci_high / 1e6);
            } else {
                snprintf(mean, sizeof mean, "%.4g", d.mean);
                snprintf(ci, sizeof ci, "[%.4g, %.4g]", d.ci_low, d.ci_high);
            }
            printf("%-32s %-8s %14s %30s  %s\n", send_metric(m)->name, label, mean, ci,
                   send_verdict_names[d.verdict]);
        }
    }
    free(scratch);
}

int cli_compare(int argc, char **argv)
{
    cmp_args a;
    int pr = parse(argc, argv, &a);
    if (pr)
        return pr > 0 ? EXIT_OK : EXIT_USAGE;
    int k = a.k, status = EXIT_OK;
    send_scenario *sc = calloc((size_t)k, sizeof *sc);
    send_results *res = calloc((size_t)k, sizeof *res);
    send_meta *meta = calloc((size_t)k, sizeof *meta);
    char(*names)[SEND_NAME_MAX * 2 + 8] = calloc((size_t)k, sizeof *names);
    char(*h5)[4300] = calloc((size_t)k, sizeof *h5);
    int loaded = 0;
    des_error err = {0};
    if (!sc || !res || !meta || !names || !h5) {
        fputs("sendsim compare: out of memory\n", stderr);
        status = EXIT_RUNTIME;
        goto out;
    }
    for (; loaded < k; loaded++) {
        if (send_scenario_open(a.scen[loaded], &sc[loaded], &err) != DES_OK) {
            fprintf(stderr, "%s\n", err.msg);
            status = EXIT_USAGE;
            goto out;
        }
        if (loaded > 0 && (sc[loaded].params.start != sc[0].params.start || sc[loaded].params.end != sc[0].params.end)) {
            char s0[11], e0[11], s1[11], e1[11];
            des_date_format(sc[0].params.start, s0);
            des_date_format(sc[0].params.end, e0);
            des_date_format(sc[loaded].params.start, s1);
            des_date_format(sc[loaded].params.end, e1);
            fprintf(stderr,
                    "sendsim compare: '%s' covers %s to %s but '%s' covers %s to %s (paired "
                    "differences need the same start and end)\n",
                    a.scen[loaded], s1, e1, a.scen[0], s0, e0);
            loaded++;
            status = EXIT_USAGE;
            goto out;
        }
        /* names label rows and files: keep them distinct */
        snprintf(names[loaded], sizeof names[loaded], "%s", sc[loaded].params.name);
        for (int j = 0, dup = 1; j < loaded; j++)
            if (!strcmp(names[j], names[loaded])) {
                snprintf(names[loaded], sizeof names[loaded], "%s-%d", sc[loaded].params.name, ++dup);
                j = -1;
            }
    }
    char prefix[4096];
    if (a.o.out)
        snprintf(prefix, sizeof prefix, "%s", a.o.out);
    else
        snprintf(prefix, sizeof prefix, "results/compare-%s", names[0]);
    if (cli_ensure_parent_dir(prefix) != 0) {
        fprintf(stderr, "sendsim compare: cannot create the directory of '%s'\n", prefix);
        status = EXIT_RUNTIME;
        goto out;
    }
    cli_install_signals();
    for (int s = 0; s < k; s++) {
        if (send_meta_from_scenario(&meta[s], &sc[s], &err) != DES_OK) {
            fprintf(stderr, "sendsim compare: %s\n", err.msg);
            status = EXIT_RUNTIME;
            goto out;
        }
        if (!a.o.quiet && k > 1)
            fprintf(stderr, "scenario %d of %d: %s\n", s + 1, k, names[s]);
        cli_progress prog;
        cli_progress_init(&prog, a.o.quiet);
        send_run_opts opts = {.seed = a.o.seed, .replications = (int)a.o.reps,
                              .threads = (int)a.o.threads, .cancel = &cli_interrupted,
                              .progress = cli_progress_cb, .progress_ctx = &prog};
        meta[s].started = send_meta_now();
        int rc = send_run(&sc[s].params, &opts, &res[s], &err);
        cli_progress_end(&prog);
        if (rc != DES_OK) {
            fprintf(stderr, "sendsim compare: %s: %s\n", names[s], err.msg);
            status = cli_interrupted ? 130 : EXIT_RUNTIME;
            goto out;
        }
        meta[s].finished = send_meta_now();
        meta[s].threads = res[s].threads_used;
        meta[s].wall_seconds = res[s].wall_seconds;
    }
    const send_results *rp[MAX_SCENARIOS];
    const char *np[MAX_SCENARIOS];
    for (int s = 0; s < k; s++) {
        rp[s] = &res[s];
        np[s] = names[s];
    }
    char csv[4200];
    snprintf(csv, sizeof csv, "%s-compare.csv", prefix);
    int written = 0, rc = DES_OK;
    while (written < k && rc == DES_OK) {
        snprintf(h5[written], sizeof h5[written], "%s-%s.h5", prefix, names[written]);
        rc = send_h5_write(h5[written], &res[written], &meta[written], &cli_interrupted, &err);
        written += rc == DES_OK;
    }
    if (rc == DES_OK)
        rc = send_write_compare_csv(csv, k, np, rp, &cli_interrupted, &err);
    if (rc != DES_OK) {
        for (int s = 0; s < written; s++) /* a comparison is whole or absent */
            unlink(h5[s]);
        fprintf(stderr, "sendsim compare: %s\n", err.msg);
        status = cli_interrupted ? 130 : EXIT_RUNTIME;
        goto out;
    }
    if (!a.o.quiet) {
        print_diffs(k, names, rp);
        printf("\nwrote %s\n", csv);
        for (int s = 0; s < k; s++)
            printf("      %s\n", h5[s]);
    }
    char *dir, *stem;
    if (!a.o.no_plots && cli_split_prefix(prefix, &dir, &stem) == 0) {
        char cstem[4200];
        snprintf(cstem, sizeof cstem, "%s-compare", stem);
        send_plot_opts po = {.format = a.o.format, .out_dir = dir, .stem = cstem,
                             .cancel = &cli_interrupted};
        send_plot_list list;
        int no_gnuplot = 0;
        rc = send_plot_compare(k, np, rp, &po, &list, &no_gnuplot, &err);
        status = cli_charts_outcome("compare", rc, no_gnuplot, &list, dir, cstem, a.o.quiet,
                                    err.msg);
        send_plot_list_free(&list);
        free(dir);
        free(stem);
    }
out:
    for (int s = 0; sc && s < loaded; s++)
        send_scenario_close(&sc[s]);
    for (int s = 0; res && meta && s < k; s++) {
        send_results_free(&res[s]);
        send_meta_free(&meta[s]);
    }
    free(sc);
    free(res);
    free(meta);
    free(names);
    free(h5);
    return status;
}
