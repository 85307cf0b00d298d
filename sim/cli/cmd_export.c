/* cmd_export.c - `sendsim export RESULTS.h5 --csv|--xlsx [--out FILE]`: a run's results file
 * as CSV tables for analysts or an Excel workbook for finance teams (send_export.h).
 * Usage errors and unreadable input exit 2 with one line on stderr and write nothing; a file
 * that cannot be written exits 1; Ctrl-C exits 130; neither leaves a file under a final name. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "send_export.h"
#include "send_h5.h"

static const char export_usage[] =
    "usage: sendsim export RESULTS.h5 (--csv | --xlsx) [--out FILE] [--quiet]\n"
    "\n"
    "Write a run's results file for spreadsheets. PREFIX is RESULTS.h5 without '.h5'.\n"
    "  --csv       PREFIX-summary.csv: mean, sd and percentiles of every metric and period\n"
    "              (as `sendsim run` writes it), and PREFIX-replications.csv: every\n"
    "              replication's value of every metric and period, exact to the last digit.\n"
    "              With --out FILE the summary goes to FILE and the replications to FILE\n"
    "              with '-summary.csv' or '.csv' replaced by '-replications.csv'.\n"
    "  --xlsx      PREFIX.xlsx (or FILE): sheets EHCP numbers, Flows and timeliness,\n"
    "              Sufficiency, Finance and Scenario, with P10/P50/P90 rows per line.\n"
    "  --out FILE  the output file (the directory is created if missing)\n"
    "  --quiet     do not list the files written\n";

typedef struct export_args {
    const char *in, *out;
    int csv, xlsx, quiet;
} export_args;

/* One line on stderr; the caller returns EXIT_USAGE. */
static int usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("sendsim export: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (try 'sendsim export --help')\n", stderr);
    va_end(ap);
    return -1;
}

/* 0: go on; 1: help was printed; -1: usage error (reported). */
static int parse(int argc, char **argv, export_args *a)
{
    *a = (export_args){0};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            fputs(export_usage, stdout);
            return 1;
        } else if (!strcmp(s, "--csv")) {
            a->csv = 1;
        } else if (!strcmp(s, "--xlsx")) {
            a->xlsx = 1;
        } else if (!strcmp(s, "--quiet") || !strcmp(s, "-q")) {
            a->quiet = 1;
        } else if (!strcmp(s, "--out") || !strcmp(s, "-o")) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return usage_error("%s: expected a file name", s);
            a->out = argv[++i];
        } else if (s[0] == '-' && s[1]) {
            return usage_error("unknown option '%s'", s);
        } else if (!a->in) {
            a->in = s;
        } else {
            return usage_error("unexpected argument '%s'", s);
        }
    }
    if (!a->in)
        return usage_error("a results file (RESULTS.h5) is required");
    if (a->csv && a->xlsx)
        return usage_error("give one of --csv and --xlsx, not both");
    if (!a->csv && !a->xlsx)
        return usage_error("give --csv or --xlsx");
    return 0;
}

/* Whether two names denote the same existing file. */
static int same_file(const char *x, const char *y)
{
    struct stat sx, sy;
    return stat(x, &sx) == 0 && stat(y, &sy) == 0 && sx.st_dev == sy.st_dev &&
           sx.st_ino == sy.st_ino;
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
    if (!strcmp(main_path, a.in) || same_file(main_path, a.in) ||
        (a.csv && (!strcmp(reps_path, a.in) || same_file(reps_path, a.in)))) {
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
