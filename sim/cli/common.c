/* common.c - helpers shared by subcommands: number parsing, interrupt flag, progress bar. */
#include "common.h"
#include "send_plot.h"

#include <errno.h>
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
}

int cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
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
    if (*s == '-' || !*s) {
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

int cli_sim_option(const char *cmd, int argc, char **argv, int *i, cli_sim_opts *o)
{
    const char *s = argv[*i];
    int takes = !strcmp(s, "--replications") || !strcmp(s, "-n") || !strcmp(s, "--threads") ||
                !strcmp(s, "-j") || !strcmp(s, "--seed") || !strcmp(s, "--out") ||
                !strcmp(s, "-o") || !strcmp(s, "--format");
    if (!strcmp(s, "--quiet") || !strcmp(s, "-q")) {
        o->quiet = 1;
        return 1;
    }
    if (!strcmp(s, "--no-plots")) {
        o->no_plots = 1;
        return 1;
    }
    if (!takes)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "sendsim %s: %s: a value is required\n", cmd, s);
        return -1;
    }
    const char *v = argv[++*i];
    if (!strcmp(s, "--replications") || !strcmp(s, "-n"))
        return cli_parse_long(cmd, s, v, 1, 10000000, &o->reps) ? -1 : 1;
    if (!strcmp(s, "--threads") || !strcmp(s, "-j"))
        return cli_parse_long(cmd, s, v, 1, 4096, &o->threads) ? -1 : 1;
    if (!strcmp(s, "--seed"))
        return cli_parse_u64(cmd, s, v, &o->seed) ? -1 : 1;
    if (!strcmp(s, "--format")) {
        if (strcmp(v, "png") && strcmp(v, "svg")) {
            fprintf(stderr, "sendsim %s: --format: expected png or svg, got '%s'\n", cmd, v);
            return -1;
        }
        o->format = v;
        return 1;
    }
    o->out = v;
    return 1;
}
