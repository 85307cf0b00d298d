/* cmd_plot.c - `sendsim plot PREFIX.h5`: draw the charts of a results file with gnuplot.
 * Images and their data files go beside the results file (or into --out DIR), named
 * "<PREFIX>-<chart>.<png|svg>" and "<PREFIX>-<chart>.dat". Without gnuplot only the data
 * files are written, and one line says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "send_h5.h"
#include "send_plot.h"

static const char plot_usage[] =
    "usage: sendsim plot PREFIX.h5 [--format png|svg] [--out DIR] [--templates DIR] [--quiet]\n"
    "\n"
    "Draw the charts of a results file: EHC plans, requests and new plans, timeliness, weeks\n"
    "to issue, sufficiency of each provision with limited places, high-needs spend and\n"
    "deficit. Images (default png) and the data behind each one (.dat) are written beside\n"
    "PREFIX.h5 as PREFIX-<chart>.png, or into DIR. Charts are drawn by gnuplot ($SENDSIM_GNUPLOT\n"
    "or gnuplot on PATH) from the templates in --templates DIR, $SENDSIM_PLOTS, ./plots or\n"
    "plots/ beside the program's directory.\n";

typedef struct plot_args {
    const char *file, *format, *out, *templates;
    int quiet;
} plot_args;

/* 0 ok, 1 help shown, -1 bad usage (one line printed). */
static int parse(int argc, char **argv, plot_args *a)
{
    *a = (plot_args){.format = "png"};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        int has_val = i + 1 < argc;
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            fputs(plot_usage, stdout);
            return 1;
        } else if (!strcmp(s, "--quiet") || !strcmp(s, "-q")) {
            a->quiet = 1;
        } else if (!strcmp(s, "--format") || !strcmp(s, "--out") || !strcmp(s, "-o") ||
                   !strcmp(s, "--templates")) {
            if (!has_val) {
                fprintf(stderr, "sendsim plot: %s: a value is required\n", s);
                return -1;
            }
            const char *v = argv[++i];
            if (!strcmp(s, "--format"))
                a->format = v;
            else if (!strcmp(s, "--templates"))
                a->templates = v;
            else
                a->out = v;
        } else if (s[0] == '-' && s[1] != '\0') {
            fprintf(stderr, "sendsim plot: unknown option '%s' (try 'sendsim plot --help')\n",
                    s);
            return -1;
        } else if (!a->file) {
            a->file = s;
        } else {
            fprintf(stderr, "sendsim plot: unexpected argument '%s'\n", s);
            return -1;
        }
    }
    if (!a->file) {
        fputs("sendsim plot: a results file (PREFIX.h5) is required\n", stderr);
        return -1;
    }
    if (strcmp(a->format, "png") != 0 && strcmp(a->format, "svg") != 0) {
        fprintf(stderr, "sendsim plot: --format: expected png or svg, got '%s'\n", a->format);
        return -1;
    }
    return 0;
}

int cli_plot(int argc, char **argv)
{
    plot_args a;
    int pr = parse(argc, argv, &a);
    if (pr)
        return pr > 0 ? EXIT_OK : EXIT_USAGE;

    char *dir, *stem;
    if (cli_split_prefix(a.file, &dir, &stem) != 0) {
        fputs("sendsim plot: out of memory\n", stderr);
        return EXIT_RUNTIME;
    }

    send_results res;
    send_meta meta;
    des_error err = {0};
    if (send_h5_read(a.file, &res, &meta, &err) != DES_OK) {
        fprintf(stderr, "sendsim plot: %s\n", err.msg);
        free(stem);
        free(dir);
        return EXIT_USAGE;
    }
    cli_install_signals();
    send_plot_opts o = {.format = a.format, .out_dir = a.out ? a.out : dir, .stem = stem,
                        .templates = a.templates};
    send_plot_list list;
    int no_gnuplot = 0;
    int rc = send_plot_results(&res, &meta, &o, &list, &no_gnuplot, &err);
    int status = cli_charts_outcome("plot", rc, no_gnuplot, &list, o.out_dir, stem, a.quiet,
                                    err.msg);
    send_plot_list_free(&list);
    send_results_free(&res);
    send_meta_free(&meta);
    free(stem);
    free(dir);
    return status;
}
