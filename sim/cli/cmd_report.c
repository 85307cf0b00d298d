/* cmd_report.c - `sendsim report`: one self-contained HTML page from a results file, with a
 * section for each comparison table and each back-test table given.
 *
 * Order of work: comparison and back-test tables are read first (a bad one is an input error before any
 * work), then the results file, then the charts are drawn as SVG into a private temporary
 * directory, inlined into the page, and the directory is removed on every path out. The page
 * is written atomically; Ctrl-C leaves neither the page nor the temporary directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "send_h5.h"
#include "send_plot.h"
#include "send_report.h"

static const char report_usage[] =
    "usage: sendsim report PREFIX.h5 [COMPARE.csv ...] [--backtest FILE-backtest.csv ...]\n"
    "                      [--out FILE.html] [--title TEXT] [--no-charts] [--templates DIR]\n"
    "                      [--quiet]\n"
    "\n"
    "Make one self-contained HTML page from a results file: a headline summary, charts,\n"
    "tables of EHC plans, flows and timeliness, sufficiency and finance, the scenario's\n"
    "assumptions with their sources, and provenance. Each COMPARE.csv (written by\n"
    "`sendsim compare`) adds a section of differences, with any PREFIX-compare-*.svg charts\n"
    "found beside it. Each --backtest FILE (the table of `sendsim backtest`) adds a\n"
    "back-test section: P10-P90 coverage per metric against the 70-90% target, median\n"
    "absolute % error by horizon beside the naive trend, the placement mix's errors by\n"
    "type (from the PREFIX-placements.csv beside a PREFIX-backtest.csv, when there is\n"
    "one), and for one authority its forecasts against the published values.\n"
    "Default --out: PREFIX-report.html. Charts need gnuplot; without it (or with\n"
    "--no-charts) the page says so and keeps everything else.\n";

typedef struct report_args {
    const char *h5, *out, *templates, *title;
    const char **pos, **csv; /* pos: the results file, then the comparison tables */
    cli_list bt;
    int n_csv;
    int no_charts, quiet;
} report_args;

/* 0 go on, 1 help shown, -1 usage error (one line printed). */
static int parse(int argc, char **argv, report_args *a)
{
    *a = (report_args){0};
    a->pos = calloc((size_t)argc, sizeof *a->pos);
    a->bt.v = calloc((size_t)argc, sizeof *a->bt.v);
    if (!a->pos || !a->bt.v) {
        fputs("sendsim report: out of memory\n", stderr);
        return -1;
    }
    const cli_opt opts[] = {
        CLI_OPT_LIST("backtest", 0, &a->bt, "FILE", "add a back-test section (repeatable)"),
        CLI_OPT_STR("out", 'o', &a->out, "FILE.html", "the page (default PREFIX-report.html)"),
        CLI_OPT_STR("title", 't', &a->title, "TEXT",
                    "the page's title, e.g. the council's name (default: the scenario)"),
        CLI_OPT_FLAG("no-charts", 0, &a->no_charts, "draw no charts"),
        CLI_OPT_STR("templates", 0, &a->templates, "DIR", "the gnuplot templates (*.gp)"),
        CLI_OPT_FLAG("quiet", 'q', &a->quiet, "do not print the file written"),
    };
    const cli_command cmd = {"report", report_usage, opts, (int)(sizeof opts / sizeof opts[0])};
    int n_pos, r = cli_parse_args(&cmd, argc, argv, a->pos, argc, &n_pos);
    if (r)
        return r;
    if (!n_pos)
        return cli_usage_error("report", "a results file (PREFIX.h5) is required"), -1;
    a->h5 = a->pos[0];
    a->csv = a->pos + 1;
    a->n_csv = n_pos - 1;
    return 0;
}

/* "dir/x.h5" -> "dir/x-report.html" (malloc'd). */
static char *default_out(const char *h5)
{
    size_t n = strlen(h5);
    if (n > 3 && !strcmp(h5 + n - 3, ".h5"))
        n -= 3;
    size_t len = n + sizeof "-report.html";
    char *s = malloc(len);
    if (s)
        snprintf(s, len, "%.*s-report.html", (int)n, h5);
    return s;
}

int cli_report(int argc, char **argv)
{
    report_args a;
    int pr = parse(argc, argv, &a);
    if (pr) {
        free(a.pos);
        free(a.bt.v);
        return pr > 0 ? EXIT_OK : EXIT_USAGE;
    }
    int status = EXIT_OK;
    des_error err = {0};
    char *out = NULL, *generated = NULL, *reason = NULL;
    char tmpdir[4096] = "";
    send_results res = {0};
    send_meta meta = {0};
    send_plot_list charts = {0};
    int have_results = 0, n_read = 0, n_bt_read = 0;
    send_compare_table *cmp = calloc((size_t)a.n_csv + 1, sizeof *cmp);
    send_bt_table *bt = calloc((size_t)a.bt.n + 1, sizeof *bt);
    out = a.out ? strdup(a.out) : default_out(a.h5);
    if (!cmp || !bt || !out) {
        fputs("sendsim report: out of memory\n", stderr);
        status = EXIT_RUNTIME;
        goto done;
    }
    /* the page must not replace what it is made from */
    for (int i = -1; i < a.n_csv + a.bt.n; i++) {
        const char *in = i < 0 ? a.h5 : i < a.n_csv ? a.csv[i] : a.bt.v[i - a.n_csv];
        if (cli_same_file(out, in)) {
            fprintf(stderr, "sendsim report: '%s': the output would replace an input file\n",
                    in);
            status = EXIT_USAGE;
            goto done;
        }
    }

    /* input first: comparison tables, then the results file */
    for (; n_read < a.n_csv; n_read++) {
        int rc = send_compare_read(a.csv[n_read], &cmp[n_read], &err);
        if (rc == DES_OK)
            rc = send_compare_find_charts(&cmp[n_read], &err);
        if (rc != DES_OK) {
            send_compare_free(&cmp[n_read]);
            fprintf(stderr, "%s\n", err.msg);
            status = rc == DES_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
            goto done;
        }
    }
    for (; n_bt_read < a.bt.n; n_bt_read++) {
        int rc = send_bt_table_read(a.bt.v[n_bt_read], &bt[n_bt_read], &err);
        if (rc == DES_OK)
            rc = send_bt_table_find_charts(&bt[n_bt_read], &err);
        if (rc == DES_OK)
            rc = send_bt_table_read_mix(&bt[n_bt_read], &err);
        if (rc == DES_OK && bt[n_bt_read].has_mix && cli_same_file(out, bt[n_bt_read].mix_path))
            rc = des_error_set(&err, DES_EINPUT, "sendsim report: '%s': the output would "
                               "replace an input file", bt[n_bt_read].mix_path);
        if (rc != DES_OK) {
            send_bt_table_free(&bt[n_bt_read]);
            fprintf(stderr, "%s\n", err.msg);
            status = rc == DES_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
            goto done;
        }
    }
    int rc = send_h5_read(a.h5, &res, &meta, &err);
    if (rc != DES_OK) {
        fprintf(stderr, "sendsim report: %s\n", err.msg);
        status = rc == DES_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        goto done;
    }
    have_results = 1;
    cli_install_signals();

    /* charts, as SVG in a private directory */
    if (a.no_charts) {
        reason = strdup("they were not asked for (--no-charts)");
    } else {
        if (cli_make_temp_dir("charts", tmpdir, sizeof tmpdir) != 0) {
            fprintf(stderr, "sendsim report: cannot create a temporary directory '%s'\n",
                    tmpdir);
            tmpdir[0] = '\0';
            status = EXIT_RUNTIME;
            goto done;
        }
        send_plot_opts po = {.format = "svg", .out_dir = tmpdir, .stem = "report",
                             .templates = a.templates, .cancel = &cli_interrupted};
        int no_gnuplot = 0;
        rc = send_plot_results(&res, &meta, &po, &charts, &no_gnuplot, &err);
        if (cli_interrupted) {
            status = 130;
            goto done;
        }
        if (rc == DES_EINPUT) { /* e.g. --templates names a directory without templates */
            fprintf(stderr, "sendsim report: %s\n", err.msg);
            status = EXIT_USAGE;
            goto done;
        }
        if (rc != DES_OK) {
            fprintf(stderr, "sendsim report: charts not drawn: %s\n", err.msg);
            size_t len = strlen(err.msg) + 64;
            if ((reason = malloc(len)) != NULL)
                snprintf(reason, len, "drawing them failed (%s)", err.msg);
            send_plot_list_free(&charts);
            memset(&charts, 0, sizeof charts);
        } else if (no_gnuplot) {
            fputs("sendsim report: gnuplot not found: the report has no charts\n", stderr);
            reason = strdup("gnuplot was not found");
            send_plot_list_free(&charts);
            memset(&charts, 0, sizeof charts);
        }
    }

    if (cli_ensure_parent_dir(out) != 0) {
        fprintf(stderr, "sendsim report: cannot create the directory of '%s'\n", out);
        status = EXIT_RUNTIME;
        goto done;
    }
    generated = send_meta_now();
    send_report_input in = {.res = &res, .meta = &meta, .results_path = a.h5,
                            .charts = &charts, .no_charts_reason = reason,
                            .n_compare = a.n_csv, .compare = cmp,
                            .n_backtest = a.bt.n, .backtest = bt, .generated = generated,
                            .title = a.title};
    rc = send_report_write(out, &in, &cli_interrupted, &err);
    if (rc != DES_OK) {
        if (cli_interrupted) {
            status = 130;
        } else {
            fprintf(stderr, "sendsim report: %s\n", err.msg);
            status = EXIT_RUNTIME;
        }
        goto done;
    }
    if (!a.quiet)
        printf("wrote %s\n", out);

done:
    if (tmpdir[0])
        cli_remove_tree(tmpdir);
    send_plot_list_free(&charts);
    for (int i = 0; cmp && i < n_read; i++)
        send_compare_free(&cmp[i]);
    free(cmp);
    for (int i = 0; bt && i < n_bt_read; i++)
        send_bt_table_free(&bt[i]);
    free(bt);
    if (have_results) {
        send_results_free(&res);
        send_meta_free(&meta);
    }
    free(out);
    free(generated);
    free(reason);
    free(a.pos);
    free(a.bt.v);
    return status;
}
