/* common.c - helpers shared by subcommands: option parsing from a table (getopt_long), number
 * parsing, interrupt flag, progress bar. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "common.h"
#include "scenario_io.h"
#include "send_io.h"
#include "send_plot.h"
#include "send_run.h"
#include "send_scenario.h"

#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t cli_interrupted = 0;

static void on_signal(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

void cli_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL); /* a closed terminal: stop and clean up like Ctrl-C */
}

int cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!(isdigit((unsigned char)*s) || *s == '-') || errno || end == s || *end || v < lo ||
        v > hi) {
        fprintf(stderr, "sendsim %s: %s: expected an integer in [%ld, %ld], got '%s'\n", cmd, opt,
                lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sendsim %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (try 'sendsim %s --help')\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s)) { /* strtoull would skip spaces and wrap " -5" */
        fprintf(stderr, "sendsim %s: %s: expected a non-negative integer, got '%s'\n", cmd, opt, s);
        return -1;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) {
        fprintf(stderr, "sendsim %s: %s: expected a non-negative integer, got '%s'\n", cmd, opt, s);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void cli_progress_init(cli_progress *p, int quiet)
{
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->start = wall();
    p->shown = 0;
}

void cli_progress_cb(void *ctx, int done, int total)
{
    cli_progress *p = ctx;
    if (!p->enabled)
        return;
    double el = wall() - p->start;
    if (el < 1.0 && done < total)
        return; /* runs shorter than a second stay quiet */
    double eta = done > 0 ? el * (total - done) / done : 0;
    int width = 30, fill = total ? done * width / total : width;
    fprintf(stderr, "\r[%.*s%*s] %d/%d replications, %.1fs elapsed, ~%.1fs left ", fill,
            "##############################", width - fill, "", done, total, el, eta);
    p->shown = 1;
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}

void cli_progress_end(cli_progress *p)
{
    if (p->enabled && p->shown)
        fputs("\r\033[K", stderr);
}

int cli_ensure_parent_dir(const char *prefix)
{
    const char *slash = strrchr(prefix, '/');
    if (!slash || slash == prefix)
        return 0;
    char dir[4096];
    size_t n = (size_t)(slash - prefix);
    if (n >= sizeof dir)
        return -1;
    memcpy(dir, prefix, n);
    dir[n] = '\0';
    struct stat st;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : -1;
    /* several MPI ranks may race to create it */
    return mkdir(dir, 0777) == 0 || (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
               ? 0
               : -1;
}

int cli_split_prefix(const char *prefix, char **dir, char **stem)
{
    const char *slash = strrchr(prefix, '/');
    const char *base = slash ? slash + 1 : prefix;
    size_t blen = strlen(base);
    if (blen > 3 && !strcmp(base + blen - 3, ".h5"))
        blen -= 3;
    *stem = strndup(base, blen);
    *dir = slash ? strndup(prefix, (size_t)(slash - prefix) + (slash == prefix)) : strdup(".");
    if (!*stem || !*dir) {
        free(*stem);
        free(*dir);
        *stem = *dir = NULL;
        return -1;
    }
    return 0;
}

int cli_charts_outcome(const char *cmd, int rc, int no_gnuplot,
                       const struct send_plot_list *list, const char *dir, const char *stem,
                       int quiet, const char *errmsg)
{
    if (rc != 0) {
        if (cli_interrupted)
            return 130;
        fprintf(stderr, "sendsim %s: %s\n", cmd, errmsg);
        return rc == DES_EINPUT ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (no_gnuplot) {
        fprintf(stderr,
                "sendsim %s: gnuplot not found: wrote the chart data files (%s-*.dat) in '%s' "
                "but no images\n",
                cmd, stem, dir);
    } else if (!quiet) {
        for (int i = 0; i < list->n; i++)
            printf("wrote %s (%s)\n", list->paths[i], list->titles[i]);
    }
    return EXIT_OK;
}

void cli_sim_opts_init(cli_sim_opts *o)
{
    *o = (cli_sim_opts){.reps = 200, .threads = 0, .seed = 1, .format = "png"};
}

int cli_same_file(const char *x, const char *y)
{
    struct stat sx, sy;
    return !strcmp(x, y) || (stat(x, &sx) == 0 && stat(y, &sy) == 0 && sx.st_dev == sy.st_dev &&
                             sx.st_ino == sy.st_ino);
}

#define CLI_MAX_OPTS 40
#define CLI_VAL_BASE 256 /* getopt values of options without a short name: CLI_VAL_BASE + i */

void cli_print_help(const cli_command *c, FILE *f)
{
    fputs(c->usage, f);
    fputs("\noptions:\n", f);
    for (int i = 0; i <= c->n_opts; i++) {
        const cli_opt *o = i < c->n_opts ? &c->opts[i] : NULL;
        char left[64], sh[8] = "   ";
        if (o && o->short_name)
            snprintf(sh, sizeof sh, "-%c,", o->short_name);
        if (!o)
            snprintf(left, sizeof left, "-h, --help");
        else
            snprintf(left, sizeof left, "%s --%s%s%s", sh, o->name, o->kind == CLI_FLAG ? "" : " ",
                     o->kind == CLI_FLAG ? "" : o->arg);
        fprintf(f, "  %-24s  %s\n", left, o ? o->help : "show this help");
    }
}

/* The option nearest to an unknown word, or NULL when none is close. */
static const char *nearest_option(const cli_command *c, const char *word)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (int i = 0; i < c->n_opts; i++) {
        size_t d = scn_edit_distance(word, c->opts[i].name);
        if (d < best_d) {
            best_d = d;
            best = c->opts[i].name;
        }
    }
    size_t len = strlen(word);
    return best && best_d <= (len > 9 ? len / 3 : 3) && best_d < len ? best : NULL;
}

static int unknown_option(const cli_command *c, const char *arg)
{
    char word[128];
    const char *w = arg + strspn(arg, "-");
    snprintf(word, sizeof word, "%.*s", (int)strcspn(w, "="), w);
    const char *near = arg[1] == '-' ? nearest_option(c, word) : NULL;
    if (near)
        fprintf(stderr, "sendsim %s: unknown option '%.*s' (did you mean '--%s'?)\n", c->name,
                (int)strcspn(arg, "="), arg, near);
    else
        cli_usage_error(c->name, "unknown option '%.*s'", (int)strcspn(arg, "="), arg);
    return -1;
}

static int take_value(const cli_command *c, const cli_opt *o, const char *v)
{
    char opt[80];
    snprintf(opt, sizeof opt, "--%s", o->name);
    if (o->kind != CLI_FLAG && !*v) {
        cli_usage_error(c->name, "%s: expected a non-empty value", opt);
        return -1;
    }
    switch (o->kind) {
    case CLI_FLAG:
        *(int *)o->dest = (int)o->lo;
        return 0;
    case CLI_STRING:
        *(const char **)o->dest = v;
        return 0;
    case CLI_LIST: {
        cli_list *l = o->dest;
        l->v[l->n++] = v;
        return 0;
    }
    case CLI_LONG:
        return cli_parse_long(c->name, opt, v, o->lo, o->hi, o->dest);
    case CLI_U64:
        return cli_parse_u64(c->name, opt, v, o->dest);
    case CLI_CHOICE:
        for (const char *p = o->arg; *p;) {
            size_t n = strcspn(p, "|");
            if (strlen(v) == n && !strncmp(p, v, n)) {
                *(const char **)o->dest = v;
                return 0;
            }
            p += n + (p[n] == '|');
        }
        {
            char words[128];
            size_t k = 0;
            for (const char *p = o->arg; *p && k + 5 < sizeof words; p++) {
                if (*p == '|') {
                    memcpy(words + k, " or ", 4);
                    k += 4;
                } else {
                    words[k++] = *p;
                }
            }
            words[k] = '\0';
            fprintf(stderr, "sendsim %s: %s: expected %s, got '%s'\n", c->name, opt, words, v);
        }
        return -1;
    }
    return -1;
}

int cli_parse_args(const cli_command *c, int argc, char **argv, const char **pos, int max_pos,
                   int *n_pos)
{
    struct option lo[CLI_MAX_OPTS + 2];
    char shorts[3 * CLI_MAX_OPTS + 4] = ":h";
    size_t ns = 2;
    int n = c->n_opts < CLI_MAX_OPTS ? c->n_opts : CLI_MAX_OPTS;
    for (int i = 0; i < n; i++) {
        const cli_opt *o = &c->opts[i];
        int has_arg = o->kind == CLI_FLAG ? no_argument : required_argument;
        lo[i] = (struct option){o->name, has_arg, NULL, o->short_name ? o->short_name
                                                                      : CLI_VAL_BASE + i};
        if (o->short_name) {
            shorts[ns++] = o->short_name;
            if (has_arg == required_argument)
                shorts[ns++] = ':';
        }
    }
    lo[n] = (struct option){"help", no_argument, NULL, 'h'};
    lo[n + 1] = (struct option){0, 0, 0, 0};
    shorts[ns] = '\0';
    *n_pos = 0;
    opterr = 0;
    optind = 0; /* glibc: start afresh */
    for (;;) {
        int prev = optind ? optind : 1;
        int ch = getopt_long(argc, argv, shorts, lo, NULL);
        if (ch == -1)
            break;
        if (ch == 'h') {
            cli_print_help(c, stdout);
            return 1;
        }
        const cli_opt *o = NULL;
        int key = ch == ':' || ch == '?' ? optopt : ch;
        for (int i = 0; i < n && !o; i++)
            if ((c->opts[i].short_name ? c->opts[i].short_name : CLI_VAL_BASE + i) == key &&
                key != 0)
                o = &c->opts[i];
        if (ch == ':') {
            if (o)
                cli_usage_error(c->name, "--%s: a value is required", o->name);
            else
                cli_usage_error(c->name, "%s: a value is required", argv[optind - 1]);
            return -1;
        }
        if (ch == '?') {
            if (o && o->kind == CLI_FLAG) {
                cli_usage_error(c->name, "--%s takes no value", o->name);
                return -1;
            }
            if (optopt && optopt < CLI_VAL_BASE && !o) {
                char arg[3] = {'-', (char)optopt, 0};
                return unknown_option(c, arg);
            }
            const char *bad = argv[optind - 1 >= prev ? optind - 1 : prev];
            if (!strncmp(bad, "--", 2)) {
                /* an abbreviation that fits several options, or no option at all */
                char word[128];
                snprintf(word, sizeof word, "%.*s", (int)strcspn(bad + 2, "="), bad + 2);
                int fits = 0;
                for (int i = 0; i <= n; i++)
                    fits += word[0] && !strncmp(lo[i].name, word, strlen(word));
                if (fits > 1) {
                    cli_usage_error(c->name, "option '--%s' is ambiguous", word);
                    return -1;
                }
            }
            return unknown_option(c, bad);
        }
        if (!o) /* cannot happen: every value in the table is an option's */
            return unknown_option(c, argv[optind - 1]);
        if (take_value(c, o, o->kind == CLI_FLAG ? "" : optarg))
            return -1;
    }
    for (int i = optind; i < argc; i++) {
        if (*n_pos == max_pos) {
            cli_usage_error(c->name, "unexpected argument '%s'", argv[i]);
            return -1;
        }
        pos[(*n_pos)++] = argv[i];
    }
    return 0;
}

const char *cli_shipped(const char *path, char *buf, size_t len)
{
    if (access(path, F_OK) == 0)
        return path;
    char *found = send_shared_path(path);
    if (!found || strlen(found) >= len) {
        free(found);
        return path;
    }
    strcpy(buf, found);
    free(found);
    return buf;
}

int cli_make_temp_dir(const char *stem, char *buf, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, len, "%s/sendsim-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", stem);
    return mkdtemp(buf) ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0; /* keep going: remove what can be removed */
}

void cli_remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

double cli_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_print_discrepancy(const send_discrepancy *d, double cpu)
{
    printf("forecast-error term as of %d: back-tests of %d authorities from", d->as_of,
           d->authorities);
    for (int i = 0; i < d->n_origins; i++)
        printf(" %d", d->origins[i]);
    printf(" (%d replications each), %.1f s CPU\n", d->replications, cpu);
    printf("  %-20s %9s %26s %7s %s\n", "metric", "horizons", "P90/P10 at 1 / 3 / 5 years",
           "tails", "growth beyond the measured horizons");
    for (int m = 0; m < d->n_metrics; m++) {
        char band[40], g[80];
        double r[3];
        const int t[3] = {1, 3, 5};
        for (int k = 0; k < 3; k++)
            r[k] = send_discrepancy_band_ratio(d, m, t[k]);
        snprintf(band, sizeof band, "%.2f / %.2f / %.2f", r[0], r[1], r[2]);
        if (d->growth_term[m])
            snprintf(g, sizeof g, "(t/%d)^%.2f, the term's own errors at 1-%d years", d->n_h[m],
                     d->growth[m], d->n_h[m]);
        else if (d->growth_h[m] >= 2)
            snprintf(g, sizeof g, "(t/%d)^%.2f, naive-trend errors at 1-%d years", d->n_h[m],
                     d->growth[m], d->growth_h[m]);
        else
            snprintf(g, sizeof g, "(t/%d)^%.2f, assumed (random walk)", d->n_h[m],
                     d->growth[m]);
        printf("  %-20s %9d %26s %7.2f %s\n", send_metric(d->metric[m])->name, d->n_h[m], band,
               send_discrepancy_tail_ratio(d, m), g);
    }
    printf("  (tails: (Q97.5 - Q2.5) / (Q90 - Q10) of the 1-year errors; a normal has 1.53)\n");
    if (!d->has_corr)
        return;
    printf("  errors' correlation (normal scores, %d authority-origin-horizons; replications "
           "draw the measures' factors with it):\n", d->corr_n);
    for (int a = 0; a < d->n_metrics; a++) {
        printf("    %-20s", send_metric(d->metric[a])->name);
        for (int b = 0; b <= a; b++)
            printf(" %5.2f", d->corr[a][b]);
        printf("\n");
    }
}
