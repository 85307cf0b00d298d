/* common.h - helpers shared by the subcommands. */
#ifndef SENDSIM_CLI_COMMON_H
#define SENDSIM_CLI_COMMON_H

#include <signal.h>
#include <stdio.h>
#include <stdint.h>

#include "cli.h"

/* Set by SIGINT, SIGTERM or SIGHUP once cli_install_signals() has run; long operations poll it and
 * abandon their temporary files. */
extern volatile sig_atomic_t cli_interrupted;
void cli_install_signals(void);

/* Parse an option value; on error print "sendsim CMD: OPT: expected ..." and return -1. The
 * text must start with a digit (or '-' for cli_parse_long): " -5" is not a seed. */
int cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out);
/* Print "sendsim CMD: <message> (try 'sendsim CMD --help')" on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A progress bar on stderr when it is a terminal, for runs longer than a second. */
typedef struct cli_progress {
    int enabled, shown;
    double start;
} cli_progress;
void cli_progress_init(cli_progress *p, int quiet);
void cli_progress_cb(void *ctx, int done, int total);
void cli_progress_end(cli_progress *p);

/* Create the directory part of an output prefix ("results/x" -> "results") if missing.
 * Returns 0, or -1 if it cannot be created or is not a directory. */
int cli_ensure_parent_dir(const char *prefix);

/* A command's options, parsed by getopt_long from a table: `--name VALUE`, `--name=VALUE`,
 * `-x VALUE` and abbreviations of long names all work, options and arguments in any order.
 * The table also writes the command's help, so the two cannot disagree. */
enum cli_kind {
    CLI_FLAG,   /* no value: stores lo into the int */
    CLI_STRING, /* a non-empty text into the const char * */
    CLI_LONG,   /* an integer in [lo, hi] into the long */
    CLI_U64,    /* a non-negative integer into the uint64_t */
    CLI_CHOICE, /* one of the '|'-separated words in arg into the const char * */
    CLI_LIST    /* repeatable text, appended to the cli_list */
};
typedef struct cli_list {
    const char **v;
    int n;
} cli_list;
typedef struct cli_opt {
    const char *name; /* long name without "--" */
    char short_name;  /* 0 when there is none */
    enum cli_kind kind;
    void *dest;
    long lo, hi;
    const char *arg;  /* the value's name in the help; CLI_CHOICE: the choices "png|svg" */
    const char *help; /* one line */
} cli_opt;
#define CLI_OPT_FLAG(n, s, d, help) {n, s, CLI_FLAG, d, 1, 0, NULL, help}
#define CLI_OPT_SET(n, s, d, v, help) {n, s, CLI_FLAG, d, v, 0, NULL, help}
#define CLI_OPT_STR(n, s, d, arg, help) {n, s, CLI_STRING, d, 0, 0, arg, help}
#define CLI_OPT_LONG(n, s, d, lo, hi, arg, help) {n, s, CLI_LONG, d, lo, hi, arg, help}
#define CLI_OPT_U64(n, s, d, arg, help) {n, s, CLI_U64, d, 0, 0, arg, help}
#define CLI_OPT_CHOICE(n, s, d, choices, help) {n, s, CLI_CHOICE, d, 0, 0, choices, help}
#define CLI_OPT_LIST(n, s, d, arg, help) {n, s, CLI_LIST, d, 0, 0, arg, help}

typedef struct cli_command {
    const char *name;  /* "run" */
    const char *usage; /* "usage: sendsim run ...\n\nWhat it does.\n" */
    const cli_opt *opts;
    int n_opts;
} cli_command;

/* Parse argv[1..] against c's options (every cli_list's v must hold argc entries); the
 * positional arguments go to pos (at most max_pos, else "unexpected argument"; pos must hold
 * argc entries when max_pos is argc). Returns 0, 1 when --help was asked for (printed on
 * stdout), or -1 after one line on stderr: an unknown option (with the nearest known one),
 * a missing, empty or bad value, a value given to a flag, or an argument too many. */
int cli_parse_args(const cli_command *c, int argc, char **argv, const char **pos, int max_pos,
                   int *n_pos);
/* The command's usage text, then one line per option. */
void cli_print_help(const cli_command *c, FILE *f);
/* The shared options of run and compare, as table rows over a cli_sim_opts. */
#define CLI_SIM_OPTS(o)                                                                         \
    CLI_OPT_LONG("replications", 'n', &(o).reps, 1, 10000000, "N",                              \
                 "replications (default 200)"),                                                \
    CLI_OPT_U64("seed", 's', &(o).seed, "S", "master seed (default 1): fixes the random numbers"), \
    CLI_OPT_LONG("threads", 'j', &(o).threads, 1, 4096, "J",                                    \
                 "threads (default: all cores); results do not depend on it"),                 \
    CLI_OPT_STR("out", 'o', &(o).out, "PREFIX", "output prefix"),                               \
    CLI_OPT_CHOICE("format", 'f', &(o).format, "png|svg", "chart images (default png)"),        \
    CLI_OPT_FLAG("no-plots", 0, &(o).no_plots, "draw no charts"),                              \
    CLI_OPT_FLAG("quiet", 'q', &(o).quiet, "print nothing but warnings and errors")

/* The shipped data files, and where a default is found: path itself when it exists, else the
 * copy installed with the program or in its source tree (send_shared_path), copied into buf;
 * else path (so that an error names it). */
#define CLI_DEFAULT_DATA "data/la-sen2.csv"
#define CLI_DEFAULT_ENGLAND "data/england-sen2.csv"
const char *cli_shipped(const char *path, char *buf, size_t len);

/* Whether two names denote the same existing file (or are the same name). */
int cli_same_file(const char *x, const char *y);

/* The options `run` and `compare` share, with their defaults. */
typedef struct cli_sim_opts {
    long reps, threads;       /* 200; 0 = all cores */
    uint64_t seed;            /* 1 */
    const char *out, *format; /* NULL; "png" */
    int no_plots, quiet;
} cli_sim_opts;
void cli_sim_opts_init(cli_sim_opts *o);

/* Split an output prefix "dir/stem" (a trailing ".h5" dropped) into malloc'd dir ("." when
 * none) and stem. Returns 0, or -1 when out of memory. */
int cli_split_prefix(const char *prefix, char **dir, char **stem);

struct send_plot_list;
/* Tell the user how drawing charts went (rc and no_gnuplot from send_plot_*): the images
 * written (unless quiet), "gnuplot not found" once, or the error. Returns the exit status
 * the charts alone call for: 0, 130 when interrupted, 2 for bad input, 1 otherwise. */
int cli_charts_outcome(const char *cmd, int rc, int no_gnuplot,
                       const struct send_plot_list *list, const char *dir, const char *stem,
                       int quiet, const char *errmsg);

/* A private directory "$TMPDIR/sendsim-STEM-XXXXXX" (default /tmp) into buf: 0, or -1 with
 * errno. cli_remove_tree removes a directory and everything under it (what it can). */
int cli_make_temp_dir(const char *stem, char *buf, size_t len);
void cli_remove_tree(const char *dir);

/* CPU seconds of the process so far. */
double cli_cpu_seconds(void);

/* The forecast-error term in a few lines: where it came from and its CPU time, then per metric
 * the horizons measured, the width of its P10-P90 as a ratio at 1, 3 and 5 years, the tails at
 * 1 year against a normal's, and how the spread grows beyond the measured horizons and from
 * what. */
struct send_discrepancy;
void cli_print_discrepancy(const struct send_discrepancy *d, double cpu);

#endif
