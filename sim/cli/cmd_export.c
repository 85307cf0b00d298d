/* cmd_export.c - `sendsim export RESULTS.h5 --csv|--xlsx [--out FILE]`: a run's results file
 * as CSV tables for analysts or an Excel workbook for finance teams (send_export.h).
 * Usage errors and unreadable input exit 2 with one line on stderr and write nothing; a file
 * that cannot be written exits 1; Ctrl-C exits 130; neither leaves a file under a final name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "send_export.h"
#include "send_h5.h"

static const char export_usage[] =
    "usage: sendsim export RESULTS.h5 (--csv | --xlsx) [--out FILE] [--quiet]\n"
    "\n"
    "Write a run's results file for spreadsheets. PREFIX is RESULTS.h5 without '.h5'.\n"
    "--csv writes PREFIX-summary.csv (mean, sd and percentiles of every metric and period,\n"
    "as `sendsim run` writes it) and PREFIX-replications.csv (every replication's value of\n"
    "every metric and period, exact to the last digit); with --out FILE the summary goes to\n"
    "FILE and the replications to FILE with '-summary.csv' or '.csv' replaced by\n"
    "'-replications.csv'. --xlsx writes PREFIX.xlsx (or FILE): sheets EHCP numbers, Flows\n"
    "and timeliness, Sufficiency, Finance and Scenario, with P10/P50/P90 rows per line.\n";

typedef struct export_args {
    const char *in, *out;
    int csv, xlsx, quiet;
} export_args;

/* 0: go on; 1: help was printed; -1: usage error (reported). */
static int parse(int argc, char **argv, export_args *a)
{
    *a = (export_args){0};
    const cli_opt opts[] = {
        CLI_OPT_FLAG("csv", 0, &a->csv, "the summary and every replication as CSV"),
        CLI_OPT_FLAG("xlsx", 0, &a->xlsx, "the workbook for finance teams"),
        CLI_OPT_STR("out", 'o', &a->out, "FILE", "the output file (its directory is created)"),
        CLI_OPT_FLAG("quiet", 'q', &a->quiet, "do not list the files written"),
    };
    const cli_command cmd = {"export", export_usage, opts, (int)(sizeof opts / sizeof opts[0])};
    int n_pos, r = cli_parse_args(&cmd, argc, argv, &a->in, 1, &n_pos);
    if (r)
        return r;
    if (!a->in)
        return cli_usage_error("export", "a results file (RESULTS.h5) is required"), -1;
    if (a->csv && a->xlsx)
        return cli_usage_error("export", "give one of --csv and --xlsx, not both"), -1;
    if (!a->csv && !a->xlsx)
        return cli_usage_error("export", "give --csv or --xlsx"), -1;
    return 0;
}

int cli_export(int argc, char **argv)
{
    export_args a;
    int pr = parse(argc, argv, &a);
    if (pr)
        return pr > 0 ? EXIT_OK : EXIT_USAGE;

    /* Output names, before anything is read. */
    char prefix[4096], main_path[4200], reps_path[4300];
    size_t n = strlen(a.in);
    if (n > 3 && !strcmp(a.in + n - 3, ".h5"))
        n -= 3;
    if (n >= sizeof prefix) {
        fprintf(stderr, "sendsim export: file name too long: '%s'\n", a.in);
        return EXIT_USAGE;
    }
    memcpy(prefix, a.in, n);
    prefix[n] = '\0';
    int w = a.out ? snprintf(main_path, sizeof main_path, "%s", a.out)
                  : snprintf(main_path, sizeof main_path, "%s%s", prefix,
                             a.csv ? "-summary.csv" : ".xlsx");
    if (w < 0 || (size_t)w >= sizeof main_path) {
        fprintf(stderr, "sendsim export: file name too long: '%s'\n", a.out ? a.out : a.in);
        return EXIT_USAGE;
    }
    des_error err = {0};
    if (a.csv &&
        send_export_replications_path(main_path, reps_path, sizeof reps_path, &err) != DES_OK) {
        fprintf(stderr, "sendsim export: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (cli_same_file(main_path, a.in) || (a.csv && cli_same_file(reps_path, a.in))) {
        fprintf(stderr, "sendsim export: '%s': the output would replace the results file\n",
                a.in);
        return EXIT_USAGE;
    }

    send_results res;
    send_meta meta;
    int rc = send_h5_read(a.in, &res, &meta, &err);
    if (rc != DES_OK) {
        fprintf(stderr, "sendsim export: %s\n", err.msg);
        return rc == DES_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    if (cli_ensure_parent_dir(main_path) != 0) {
        fprintf(stderr, "sendsim export: cannot create the directory of '%s'\n", main_path);
        send_results_free(&res);
        send_meta_free(&meta);
        return EXIT_RUNTIME;
    }
    cli_install_signals();
    if (a.csv)
        rc = send_export_csv(main_path, reps_path, &res, &meta, &cli_interrupted, &err);
    else
        rc = send_export_xlsx(main_path, &res, &meta, &cli_interrupted, &err);
    send_results_free(&res);
    send_meta_free(&meta);
    if (rc != DES_OK) {
        fprintf(stderr, "sendsim export: %s\n", err.msg);
        return cli_interrupted ? 130 : EXIT_RUNTIME;
    }
    if (!a.quiet) {
        if (a.csv)
            printf("wrote %s and %s\n", main_path, reps_path);
        else
            printf("wrote %s\n", main_path);
    }
    return EXIT_OK;
}
