/* plot_internal.h - shared machinery of the chart writers (plot.c, plot_results.c,
 * plot_compare.c): output naming, data files, the gnuplot script under construction, and
 * running gnuplot. Not a public interface.
 */
#ifndef SENDSIM_PLOT_INTERNAL_H
#define SENDSIM_PLOT_INTERNAL_H

#include <stdio.h>

#include "send_io.h"
#include "send_plot.h"

typedef struct plot_ctx {
    const char *fmt;      /* "png" or "svg" */
    char *dir;            /* output directory, without a trailing slash */
    char *stem;           /* file name stem */
    char *tmpl;           /* template directory as written into the script */
    char *footer;         /* provenance line under every chart */
    int tmp_images;       /* 1: the script writes images under temporary names */
    FILE *script;         /* the gnuplot script being built */
    send_plot_list images;/* final image paths and titles, in chart order */
    char **tmp;           /* temporary image paths, parallel to images (NULL if unused) */
    int cap;
    const volatile sig_atomic_t *cancel; /* from the options: stop gnuplot when set */
    des_error *err;
} plot_ctx;

/* Check the options, create the output directory and set the stem (o->stem, else
 * default_stem made safe for a file name). tmpl may be NULL (the script is then only kept
 * for inspection and names "plots"). */
int plot_ctx_init(plot_ctx *c, const send_plot_opts *o, const char *default_stem,
                  const char *tmpl, FILE *script, int tmp_images, des_error *err);
void plot_ctx_free(plot_ctx *c);

/* "<dir>/<stem>-<part>.<ext>" in a malloc'd string (NULL when out of memory). */
char *plot_path(const plot_ctx *c, const char *part, const char *ext);

/* Data files: opened under a temporary name, committed by rename. path (optional) receives
 * the final path, owned by the caller. */
int plot_dat_open(plot_ctx *c, const char *part, io_atomic *a, char **path);
int plot_dat_commit(plot_ctx *c, io_atomic *a);
/* A number for a data file: %.10g, "NaN" for missing values, no "-0". */
void plot_dat_num(FILE *f, double v);

/* Script sections. plot_begin starts one chart: it registers the image "<stem>-<part>.<fmt>"
 * with its title and writes `reset session` and the common variables (plotdir, fmt, out,
 * title, footer). plot_set_* add template parameters; plot_end loads the template and closes
 * the output. */
int plot_begin(plot_ctx *c, const char *part, const char *title);
void plot_set_str(plot_ctx *c, const char *var, const char *val);
void plot_set_num(plot_ctx *c, const char *var, double v);
void plot_end(plot_ctx *c, const char *template_name);
/* A gnuplot single-quoted string literal of s ('' for a quote, control characters as spaces). */
void plot_put_quoted(FILE *f, const char *s);

/* Find the gnuplot program (o->gnuplot, $SENDSIM_GNUPLOT, "gnuplot" on PATH); returns a
 * malloc'd path or NULL when it is not there. */
char *plot_find_gnuplot(const send_plot_opts *o);
/* The template directory (docs/guide.md, "sendsim plot": option, $SENDSIM_PLOTS, ./plots,
 * <exe>/../plots). */
int plot_find_templates(const send_plot_opts *o, char **dir, des_error *err);

/* Feed the script to gnuplot; on success move every image into place and hand the list to
 * out. If the shell cannot run gnuplot (status 127), *no_gnuplot is set and nothing is left
 * behind. On failure every temporary image is removed. */
int plot_run(plot_ctx *c, const char *gnuplot, const char *script, size_t len,
             send_plot_list *out, int *no_gnuplot);

/* A chart set: writes its data files and script sections into c. */
typedef int (*plot_build_fn)(plot_ctx *c, const void *arg);
/* Draw a chart set: find gnuplot and the templates, build, run gnuplot (see send_plot.h). */
int plot_draw(const send_plot_opts *o, const char *default_stem, plot_build_fn build,
              const void *arg, send_plot_list *out, int *no_gnuplot, des_error *err);
/* Build a chart set with a script naming the final images, without running gnuplot. */
int plot_script(const send_plot_opts *o, const char *default_stem, plot_build_fn build,
                const void *arg, FILE *script, des_error *err);

/* Across-replication percentiles (SEND_NQ levels) of the values x[0..n) (NaN left out);
 * sorts x in place; all NaN when no value. */
void plot_quantiles(double *x, int n, double q[SEND_NQ]);

/* Human names for provisions in chart titles. */
extern const char *const plot_provision_titles[];

#endif
