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
    "deficit, and each service beside the EHC pathway that ran (services-*: levels, early\n"
    "help, the front door, children in care, short breaks). Images (default png) and the\n"
    "data behind each one (.dat) are written beside PREFIX.h5 as PREFIX-<chart>.png, or into\n"
    "DIR. Charts are drawn by gnuplot ($SENDSIM_GNUPLOT or gnuplot on PATH) from the templates\n"
    "in --templates DIR, $SENDSIM_PLOTS, ./plots or plots/ beside the program's directory.\n";

typedef struct plot_args {
    const char *file, *format, *out, *templates;
    int quiet;
} plot_args;

/* 0 ok, 1 help shown, -1 bad usage (one line printed). */
static int parse(int argc, char **argv, plot_args *a)
{
    *a = (plot_args){.format = "png"};
    const cli_opt opts[] = {
        CLI_OPT_CHOICE("format", 'f', &a->format, "png|svg", "chart images (default png)"),
        CLI_OPT_STR("out", 'o', &a->out, "DIR", "write the charts into DIR (created if missing)"),
        CLI_OPT_STR("templates", 0, &a->templates, "DIR", "the gnuplot templates (*.gp)"),
        CLI_OPT_FLAG("quiet", 'q', &a->quiet, "do not list the images written"),
    };
    const cli_command cmd = {"plot", plot_usage, opts, (int)(sizeof opts / sizeof opts[0])};
    int n_pos, r = cli_parse_args(&cmd, argc, argv, &a->file, 1, &n_pos);
    if (r)
        return r;
    if (!a->file)
        return cli_usage_error("plot", "a results file (PREFIX.h5) is required"), -1;
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
                        .templates = a.templates, .cancel = &cli_interrupted};
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
