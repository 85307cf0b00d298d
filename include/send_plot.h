/* send_plot.h - charts of a run and of a comparison, drawn by gnuplot through a pipe.
 *
 * For each chart the data are written as a whitespace-separated data file beside the image
 * (so they survive when gnuplot is absent), and a gnuplot script built from a template in
 * plots/ (the .gp files) is fed to `gnuplot` through popen(). Without gnuplot the data files
 * are still written, *no_gnuplot is set, and the call succeeds.
 */
#ifndef SEND_PLOT_H
#define SEND_PLOT_H

#include <signal.h>
#include <stdio.h>

#include "des_error.h"
#include "send_h5.h"
#include "send_results.h"

typedef struct send_plot_opts {
    const char *format;    /* "png" (default) or "svg" */
    const char *out_dir;   /* directory for images and data files (created if missing) */
    const char *stem;      /* file name stem: "<stem>-ehcp-fan.png"; NULL = scenario name */
    const char *templates; /* directory of the *.gp templates; NULL = search (docs/guide.md) */
    const char *gnuplot;   /* program to run; NULL = $SENDSIM_GNUPLOT or "gnuplot" */
    /* When set and non-zero (an interrupt), gnuplot is stopped and the call fails with
     * DES_ESTATE, leaving no image under a final name; NULL = never. */
    const volatile sig_atomic_t *cancel;
} send_plot_opts;

/* Images written, in a fixed order, with a human title for each (owned strings). */
typedef struct send_plot_list {
    int n;
    char **paths;
    char **titles;
} send_plot_list;

void send_plot_list_free(send_plot_list *l);

/* The charts of one run. */
int send_plot_results(const send_results *res, const send_meta *meta, const send_plot_opts *o,
                      send_plot_list *out, int *no_gnuplot, des_error *err);

/* The service (send_services.h) whose chart of send_plot_results is the image at path, or -1:
 * service charts are named "<stem>-services-<service>[-<what>].<ext>", each service's in the
 * order of send_services. */
int send_plot_service_of(const char *path);

/* The charts of a comparison of k scenarios run with common random numbers: overlays of
 * medians with bands, and fans of the paired difference of each scenario against the first. */
int send_plot_compare(int k, const char *const *names, const send_results *const *res,
                      const send_plot_opts *o, send_plot_list *out, int *no_gnuplot,
                      des_error *err);

/* The same charts without running gnuplot: the data files are written into o->out_dir and
 * the gnuplot script that draws every image (under its final name, from the templates found
 * as send_plot_results finds them) is written to `script`. For tests, and for drawing by hand
 * later with `gnuplot < script`. */
int send_plot_results_script(const send_results *res, const send_meta *meta,
                             const send_plot_opts *o, FILE *script, des_error *err);
int send_plot_compare_script(int k, const char *const *names, const send_results *const *res,
                             const send_plot_opts *o, FILE *script, des_error *err);

#endif
