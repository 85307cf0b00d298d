/* common.h - helpers shared by the subcommands. */
#ifndef SENDSIM_CLI_COMMON_H
#define SENDSIM_CLI_COMMON_H

#include <signal.h>
#include <stdint.h>

#include "cli.h"

/* Set by SIGINT/SIGTERM once cli_install_signals() has run; long operations poll it and
 * abandon their temporary files. */
extern volatile sig_atomic_t cli_interrupted;
void cli_install_signals(void);

/* Parse an option value; on error print "sendsim CMD: OPT: expected ..." and return -1. */
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

/* The options `run` and `compare` share, with their defaults. */
typedef struct cli_sim_opts {
    long reps, threads;       /* 200; 0 = all cores */
    uint64_t seed;            /* 1 */
    const char *out, *format; /* NULL; "png" */
    int no_plots, quiet;
} cli_sim_opts;
void cli_sim_opts_init(cli_sim_opts *o);
/* Try argv[*i] as one of the shared options, consuming its value (*i advances). Returns 1 when
 * consumed, 0 when it is not one of them, -1 on a bad or missing value (message printed). */
int cli_sim_option(const char *cmd, int argc, char **argv, int *i, cli_sim_opts *o);

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

#endif
