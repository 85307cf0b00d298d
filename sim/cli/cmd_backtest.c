/* cmd_backtest.c - `sendsim backtest`: forecasts as of a past year for one authority or all,
 * compared with what was published since; writes PREFIX-backtest.csv and prints coverage and
 * median absolute % error by horizon, model beside the naive trend. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "send_backtest.h"
#include "send_calibrate.h"
#include "send_init.h"
#include "send_plot.h"
#include "send_run.h"
#include "send_sen2.h"

#define DEFAULT_DATA CLI_DEFAULT_DATA
#define DEFAULT_ENGLAND CLI_DEFAULT_ENGLAND

static const char bt_usage[] =
    "usage: sendsim backtest (--la CODE|NAME | --all) --from YEAR [--data FILE]\n"
    "                        [--observed FILE] [--replications N] [--seed S] [--threads J]\n"
    "                        [--england FILE] [--pool FILE] [--no-calibrate]\n"
    "                        [--no-discrepancy] [--gross-term] [--fit-growth] [--exact]\n"
    "                        [--reverting-timeliness] [--out PREFIX]\n"
    "                        [--format png|svg] [--no-plots] [--quiet]\n"
    "\n"
    "Forecast each authority as of YEAR from the data published by June of YEAR (January\n"
    "caseload to YEAR, activity to YEAR-1) and compare every later value in --observed\n"
    "(default: the --data file, default " DEFAULT_DATA ") with the forecast's P10-P90 band\n"
    "and with a naive forecast (the linear trend of the last three published values).\n"
    "Writes PREFIX-backtest.csv (default PREFIX: results/backtest-<code|all>-<YEAR>),\n"
    "PREFIX-placements.csv (the January placement mix by type, model against published) and\n"
    "the as-of scenarios under PREFIX-scenarios/. --la takes the old LA code (855), the new code\n"
    "(E10000018) or the name. --all splits the authorities over --threads threads (default\n"
    "all cores); the table is identical for any thread count. An authority with too little\n"
    "data is an input error (exit 2); with --all it is skipped and listed. The scenario of\n"
    "each authority is `sendsim init`'s as of YEAR (national defaults from --england, default\n"
    DEFAULT_ENGLAND ", read as of YEAR too), calibrated as `sendsim calibrate` does unless\n"
    "--no-calibrate (then replications draw from the priors). A calibrated scenario carries\n"
    "a forecast-error term from back-tests of every authority at earlier starts, compared\n"
    "with the data published by June of YEAR only (--no-discrepancy: without), net of the\n"
    "forecast's own spread (--gross-term: added in full; see sendsim calibrate). --pool FILE\n"
    "pools over FILE's authorities instead (as of its last January up to YEAR): init's\n"
    "shrinkage and priors, calibration's observation error and the forecast-error term's\n"
    "back-tests, for a --data file of one or a few authorities. Charts (PREFIX-<metric>.png:\n"
    "forecast against published for one authority; PREFIX-error-<metric>.png: median error\n"
    "by horizon, model against naive, for several) unless --no-plots. --reverting-timeliness:\n"
    "init writes plans late for other reasons and a backlog response from the pooled reversion\n"
    "of timeliness (see sendsim init), in the back-tested and the term's scenarios alike.\n";

typedef struct bt_args {
    const char *la, *data, *observed, *out, *england, *pool;
    int all, no_calibrate, no_discrepancy, gross_term, quiet, no_plots, fit_all, exact;
    int reverting;
    const char *format;
    long from, reps, threads;
    uint64_t seed;
    char data_buf[4096], england_buf[4096], pool_buf[4096];
} bt_args;

/* 0 go on, 1 help shown, -1 usage error (one line printed). One row per option: a new
 * option is a new row. */
static int parse(int argc, char **argv, bt_args *a)
{
    *a = (bt_args){.data = DEFAULT_DATA, .england = DEFAULT_ENGLAND, .format = "png", .reps = 200, .seed = 1};
    const cli_opt opts[] = {
        CLI_OPT_STR("la", 0, &a->la, "CODE|NAME", "the authority: old or new code, or name"),
        CLI_OPT_FLAG("all", 0, &a->all, "every authority of --data"),
        CLI_OPT_LONG("from", 0, &a->from, 1900, 2200, "YEAR", "forecast as of June of YEAR"),
        CLI_OPT_STR("data", 0, &a->data, "FILE", "SEN2 series (default " DEFAULT_DATA ")"),
        CLI_OPT_STR("observed", 0, &a->observed, "FILE", "published values to compare with"),
        CLI_OPT_STR("england", 0, &a->england, "FILE",
                    "England's series (default " DEFAULT_ENGLAND ")"),
        CLI_OPT_STR("pool", 0, &a->pool, "FILE",
                    "authorities to pool over (default: the --data file), as in init --pool"),
        CLI_OPT_LONG("replications", 'n', &a->reps, 1, 10000000, "N", "replications (default 200)"),
        CLI_OPT_U64("seed", 's', &a->seed, "S", "master seed (default 1), mixed with each authority's code"),
        CLI_OPT_LONG("threads", 'j', &a->threads, 1, 4096, "J", "threads (default: all cores)"),
        CLI_OPT_FLAG("no-calibrate", 0, &a->no_calibrate, "draw from the priors, uncalibrated"),
        CLI_OPT_FLAG("no-discrepancy", 0, &a->no_discrepancy,
                     "no forecast-error term in the calibrated scenarios"),
        CLI_OPT_FLAG("gross-term", 0, &a->gross_term,
                     "the term added in full, not net of the forecast's own spread"),
        CLI_OPT_FLAG("fit-growth", 0, &a->fit_all,
                     "calibration fits init's request growth too (see sendsim calibrate)"),
        CLI_OPT_FLAG("exact", 0, &a->exact,
                     "calibration without the observation error (see sendsim calibrate)"),
        CLI_OPT_FLAG("reverting-timeliness", 0, &a->reverting,
                     "init's timeliness from its pooled reversion (see sendsim init)"),
        CLI_OPT_STR("out", 'o', &a->out, "PREFIX", "output prefix"),
        CLI_OPT_CHOICE("format", 'f', &a->format, "png|svg", "chart images (default png)"),
        CLI_OPT_FLAG("no-plots", 0, &a->no_plots, "draw no charts"),
        CLI_OPT_FLAG("quiet", 'q', &a->quiet, "print nothing but warnings and errors"),
    };
    const cli_command cmd = {"backtest", bt_usage, opts, (int)(sizeof opts / sizeof opts[0])};
    int n_pos, r = cli_parse_args(&cmd, argc, argv, NULL, 0, &n_pos);
    if (r)
        return r;
    if (!strcmp(a->data, DEFAULT_DATA)) /* from any directory: the installed or source copy */
        a->data = cli_shipped(a->data, a->data_buf, sizeof a->data_buf);
    if (!strcmp(a->england, DEFAULT_ENGLAND))
        a->england = cli_shipped(a->england, a->england_buf, sizeof a->england_buf);
    if (a->pool && !strcmp(a->pool, DEFAULT_DATA))
        a->pool = cli_shipped(a->pool, a->pool_buf, sizeof a->pool_buf);
    if (!a->la == !a->all)
        return cli_usage_error("backtest", "give one of --la CODE|NAME and --all"), -1;
    if (!a->from)
        return cli_usage_error("backtest", "--from YEAR is required"), -1;
    return 0;
}

static void fmt_pct(char *buf, size_t len, double v)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f", v);
}

static int cmp_dbl(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Calibration CPU over one forecast replication's, per calibrated authority: the median. */
static double median_rep_equivalents(const send_bt_la *res, size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; v && i < n; i++)
        if (res[i].status == DES_OK && res[i].calib_cpu_seconds > 0 && res[i].rep_cpu_seconds > 0)
            v[k++] = res[i].calib_cpu_seconds / res[i].rep_cpu_seconds;
    double m = NAN;
    if (k) {
        qsort(v, k, sizeof *v, cmp_dbl);
        m = k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
    }
    free(v);
    return m;
}

/* The placement mix: per type, the mean error and mean absolute error of its share. */
static void print_mix(const send_bt_la *res, size_t n)
{
    send_bt_mix_summary s;
    send_bt_mix_summarise(res, n, &s);
    if (!s.n[BT_MIX_MAINSTREAM])
        return;
    printf("\nplacement mix, January (share of plans placed, model - published, points): "
           "%d authority-Januaries\n%-12s %10s %10s\n",
           s.n[BT_MIX_MAINSTREAM], "placement", "mean", "mean |.|");
    for (int g = 0; g < BT_MIX_TYPES; g++) /* an error that rounds to 0.0 prints unsigned */
        printf("%-12s %+10.1f %10.1f\n", send_bt_mix_names[g],
               fabs(s.mean_error[g]) < 0.05 ? 0.0 : s.mean_error[g], s.mean_abs_error[g]);
}

static void print_summary(const send_bt_summary *s, int from, size_t done, size_t empty,
                          size_t skipped, long reps, double cpu)
{
    int hmax = 0;
    for (int nv = 0; nv < 2; nv++)
        for (int m = 0; m < BT_METRICS; m++)
            for (int h = 1; h <= BT_MAX_H; h++)
                if (s->n_h[nv][m][h] && h > hmax)
                    hmax = h;
    printf("\nback-test from %d: %zu authorities compared, %zu with nothing published after the "
           "start, %zu not back-tested; %ld replications each\n",
           from, done - empty, empty, skipped, reps);
    printf("\n%-22s %8s %18s\n", "metric", "values", "P10-P90 coverage");
    for (int m = 0; m < BT_METRICS; m++) {
        char c[16];
        fmt_pct(c, sizeof c, 100.0 * s->coverage[0][m]);
        printf("%-22s %8d %17s%%\n", send_bt_sen2_metric[m], s->n[0][m], c);
    }
    printf("\nmedian absolute %% error by horizon in years: model | naive trend\n%-22s", "metric");
    for (int h = 1; h <= hmax; h++) {
        char hd[16];
        snprintf(hd, sizeof hd, "%dy", h);
        printf(" %15s", hd);
    }
    putchar('\n');
    for (int m = 0; m < BT_METRICS; m++) {
        printf("%-22s", send_bt_sen2_metric[m]);
        for (int h = 1; h <= hmax; h++) {
            char a[16], b[16], cell[40];
            fmt_pct(a, sizeof a, s->median_ape[0][m][h]);
            fmt_pct(b, sizeof b, s->median_ape[1][m][h]);
            snprintf(cell, sizeof cell, "%s | %s", a, b);
            printf(" %15s", cell);
        }
        putchar('\n');
    }
    printf("\nthe model's P10-P90 bands by horizon in years: coverage %% | median P90/P10 | "
           "mean interval score\n(%% of the published value; percentage points for "
           "pct_within_20_weeks; lower is better)\n%-22s %22s", "metric", "all");
    for (int h = 1; h <= hmax; h++) {
        char hd[16];
        snprintf(hd, sizeof hd, "%dy", h);
        printf(" %22s", hd);
    }
    putchar('\n');
    for (int m = 0; m < BT_METRICS; m++) {
        printf("%-22s", send_bt_sen2_metric[m]);
        for (int h = 0; h <= hmax; h++) {
            char cell[64], c[16];
            fmt_pct(c, sizeof c, 100.0 * s->coverage_h[m][h]);
            if (isnan(s->coverage_h[m][h]))
                snprintf(cell, sizeof cell, "-");
            else
                snprintf(cell, sizeof cell, "%s | %.2f | %.1f", c, s->ratio_h[m][h],
                         s->score_h[m][h]);
            printf(" %22s", cell);
        }
        putchar('\n');
    }
    if (!isnan(s->whole_h[BT_PCT_20W][0])) {
        char c[16];
        fmt_pct(c, sizeof c, 100.0 * s->whole_h[BT_PCT_20W][0]);
        printf("%s bands from below %g%% to above %g%% (they hold nearly any value): all %s%%",
               send_bt_sen2_metric[BT_PCT_20W], SEND_BT_WHOLE_LO, SEND_BT_WHOLE_HI, c);
        for (int h = 1; h <= hmax; h++)
            if (!isnan(s->whole_h[BT_PCT_20W][h])) {
                fmt_pct(c, sizeof c, 100.0 * s->whole_h[BT_PCT_20W][h]);
                printf(", %dy %s%%", h, c);
            }
        putchar('\n');
    }
    printf("\nCPU %.1f s (%.2f s per authority)\n", cpu, done ? cpu / (double)done : 0.0);
}

int cli_backtest(int argc, char **argv)
{
    bt_args a;
    int pr = parse(argc, argv, &a);
    if (pr)
        return pr > 0 ? EXIT_OK : EXIT_USAGE;
    /* Under mpirun (sendsim-mpi) the authorities are split over the ranks and their threads;
     * every rank ends with every result, and rank 0 alone prints and writes the table. */
    int rank = send_dist_rank();
    if (rank != 0 && (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)))
        return EXIT_RUNTIME;
    double cpu0 = cli_cpu_seconds();
    des_error err = {0};
    /* the inputs, each read once; the first that fails stops the command */
    send_sen2 *data = NULL, *obs = NULL, *england = NULL, *pool = NULL;
    int pool_year = (int)a.from;
    if (!(data = send_sen2_read(a.data, &err)) ||
        (a.observed && !(obs = send_sen2_read(a.observed, &err))) ||
        !(england = send_sen2_read(a.england, &err)) ||
        (a.pool && (!(pool = send_sen2_read(a.pool, &err)) ||
                    !(pool_year = send_init_pool_year(pool, a.pool, (int)a.from, &err))))) {
        fprintf(stderr, "sendsim backtest: %s\n", err.msg);
        send_sen2_free(pool);
        send_sen2_free(england);
        send_sen2_free(obs);
        send_sen2_free(data);
        return err.code == DES_EINPUT || err.code == DES_EIO ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (!obs)
        obs = data;
    /* Priors on the keys init marks: calibration fits them; without it, replications draw
     * from them. Calibration runs on the authority's own thread. */
    send_bt_init_ctx ictx = {.england = england, .data_label = a.data, .priors = 1,
                             .pool = pool, .pool_label = a.pool,
                             .reverting_timeliness = a.reverting};
    send_calib_opts copts = {.england = england, .data_label = a.data,
                             .pool = pool, .pool_label = a.pool,
                             .england_label = a.england, .seed = a.seed, .threads = 1,
                             .quiet = 1, .fit_all = a.fit_all, .exact = a.exact,
                             .gross_term = a.gross_term,
                             .reverting_timeliness = a.reverting};
    int status = EXIT_RUNTIME;
    size_t n = a.all ? send_sen2_count(data) : 1;
    size_t *las = malloc(n * sizeof *las);
    send_bt_la *res = calloc(n, sizeof *res);
    char prefix[4096], csv[4200], mix_csv[4200], work[4200] = "";
    if (!las || !res) {
        fputs("sendsim backtest: out of memory\n", stderr);
        goto done;
    }
    if (a.all) {
        for (size_t i = 0; i < n; i++)
            las[i] = i;
    } else {
        long k = send_sen2_find(data, a.la, &err);
        if (k < 0) {
            fprintf(stderr, "sendsim backtest: %s\n", err.msg);
            status = EXIT_USAGE;
            goto done;
        }
        las[0] = (size_t)k;
    }
    if (a.out) {
        snprintf(prefix, sizeof prefix, "%s", a.out);
    } else {
        const send_sen2_la *one = send_sen2_la_at(data, las[0]);
        snprintf(prefix, sizeof prefix, "results/backtest-%s-%ld",
                 a.all ? "all" : send_sen2_la_code(one), a.from);
    }
    snprintf(csv, sizeof csv, "%s-backtest.csv", prefix);
    snprintf(mix_csv, sizeof mix_csv, "%s-placements.csv", prefix);
    snprintf(work, sizeof work, "%s-scenarios", prefix);
    if (cli_ensure_parent_dir(prefix) != 0 ||
        (mkdir(work, 0777) != 0 && errno != EEXIST)) {
        fprintf(stderr, "sendsim backtest: cannot create the directory of '%s'\n", prefix);
        goto done;
    }
    cli_install_signals();
    send_bt_opts o = {.from = (int)a.from, .replications = (int)a.reps, .seed = a.seed,
                      .threads = (int)a.threads, .scenario_ctx = &ictx, .work_dir = work,
                      .calibrate = a.no_calibrate ? NULL : send_calibrate_bt,
                      .calibrate_ctx = &copts,
                      .cancel = &cli_interrupted, .ranks = 1};
    /* The forecast-error term: pooled back-tests of every authority of the data (of the pool,
     * as of its year) at earlier starts, on a smaller budget (fewer replications, a shorter
     * calibration). */
    send_discrepancy disc;
    if (!a.no_calibrate && !a.no_discrepancy) {
        send_bt_pool bp = {.england = england, .data_label = pool ? a.pool : a.data,
                             .england_label = a.england, .seed = a.seed,
                             .threads = (int)a.threads, .work_dir = work,
                             .cancel = &cli_interrupted, .ranks = 1,
                             .fit_all = a.fit_all, .exact = a.exact,
                             .reverting_timeliness = a.reverting};
        double d0 = cli_cpu_seconds();
        int drc = send_bt_discrepancy_default(pool ? pool : data, pool_year, &bp, &disc, &err);
        if (drc != DES_OK) {
            if (cli_interrupted) {
                fputs("sendsim backtest: interrupted\n", stderr);
                status = 130;
                goto done;
            }
            fprintf(stderr, "sendsim backtest: %s\n", err.msg);
            status = drc == DES_EINPUT ? EXIT_USAGE : EXIT_RUNTIME;
            goto done;
        }
        copts.discrepancy = &disc; /* of no metrics: recorded, changes nothing */
        if (!a.quiet && disc.n_metrics > 0)
            cli_print_discrepancy(&disc, cli_cpu_seconds() - d0);
        else if (!a.quiet)
            printf("no forecast-error term: the back-tests of the %zu authorities of '%s' pool "
                   "fewer than %d errors at any horizon (an empty term is recorded)\n",
                   send_sen2_count(pool ? pool : data), pool ? a.pool : a.data,
                   SEND_BT_DISC_MIN);
    }
    int rc = send_backtest_run(data, las, n, obs, &o, res);
    if (rc != DES_OK) {
        fputs("sendsim backtest: interrupted\n", stderr);
        status = 130;
        goto done;
    }
    size_t ok = 0, skipped = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (res[i].status == DES_OK)
            ok++;
        else if (send_bt_skipped(&res[i]))
            skipped++;
        else
            failed++;
    }
    if (!a.all && res[0].status != DES_OK) {
        fprintf(stderr, "sendsim backtest: %s%s\n",
                res[0].stage == BT_AT_LOAD ? "the as-of scenario does not load: " : "",
                res[0].err.msg);
        status = send_bt_skipped(&res[0]) ? EXIT_USAGE : EXIT_RUNTIME;
        goto done;
    }
    if (skipped || failed) {
        fprintf(stderr, "sendsim backtest: %zu of %zu authorities not back-tested:\n",
                skipped + failed, n);
        for (size_t i = 0; i < n; i++) {
            if (res[i].status == DES_OK)
                continue;
            const send_sen2_la *la = send_sen2_la_at(data, res[i].la);
            if (send_bt_skipped(&res[i]))
                fprintf(stderr, "  skipped: %s\n", res[i].err.msg);
            else
                fprintf(stderr, "  failed: authority '%s' (%s): %s%s\n", la->old_code, la->name,
                        res[i].stage == BT_AT_LOAD ? "the as-of scenario does not load: " : "",
                        res[i].err.msg);
        }
    }
    if (rank != 0) {
        status = ok ? (failed ? EXIT_RUNTIME : EXIT_OK) : EXIT_USAGE;
        goto done;
    }
    if (send_bt_write_csv(csv, data, res, n, &cli_interrupted, &err) != DES_OK ||
        send_bt_write_mix_csv(mix_csv, data, res, n, (int)a.from, &cli_interrupted, &err) != DES_OK) {
        fprintf(stderr, "sendsim backtest: %s\n", err.msg);
        status = cli_interrupted ? 130 : EXIT_RUNTIME;
        goto done;
    }
    send_bt_summary sum;
    if (send_bt_summarise(res, n, &sum, &err) != DES_OK) {
        fprintf(stderr, "sendsim backtest: %s\n", err.msg);
        goto done;
    }
    if (!a.quiet) {
        size_t empty = 0;
        for (size_t i = 0; i < n; i++)
            empty += res[i].status == DES_OK && res[i].n_rows == 0;
        print_summary(&sum, (int)a.from, ok, empty, skipped + failed, a.reps, cli_cpu_seconds() - cpu0);
        double calib = 0;
        for (size_t i = 0; i < n; i++)
            calib += res[i].calib_cpu_seconds;
        if (!a.no_calibrate)
            printf("calibration: %.1f s CPU, a median %.0f replication-equivalents per "
                   "authority\n", calib, median_rep_equivalents(res, n));
        print_mix(res, n);
        printf("data %s (sha256 %s)\nwrote %s\nwrote %s\n", send_sen2_path(data),
               send_sen2_sha256(data), csv, mix_csv);
    }
    status = ok ? (failed ? EXIT_RUNTIME : EXIT_OK) : EXIT_USAGE;
    char *dir, *stem;
    if (ok && !a.no_plots && cli_split_prefix(prefix, &dir, &stem) == 0) {
        send_plot_opts po = {.format = a.format, .out_dir = dir, .stem = stem,
                             .cancel = &cli_interrupted};
        send_plot_list list;
        int no_gnuplot = 0;
        rc = send_plot_backtest(data, res, n, (int)a.from, &sum, &po, &list, &no_gnuplot, &err);
        int cs = cli_charts_outcome("backtest", rc, no_gnuplot, &list, dir, stem, a.quiet,
                                    err.msg);
        if (status == EXIT_OK)
            status = cs;
        send_plot_list_free(&list);
        free(dir);
        free(stem);
    }
done:
    if (status != EXIT_OK && work[0])
        rmdir(work); /* only when empty: scenarios already written are kept */
    if (res)
        for (size_t i = 0; i < n; i++)
            send_bt_la_free(&res[i]);
    free(res);
    free(las);
    if (obs != data)
        send_sen2_free(obs);
    send_sen2_free(data);
    send_sen2_free(england);
    send_sen2_free(pool);
    return status;
}
