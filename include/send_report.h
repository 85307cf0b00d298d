/* send_report.h - the HTML report of a run, and the comparison tables it can include.
 *
 * `sendsim report` turns a results file into one self-contained HTML page for people who plan
 * services: a headline summary, the charts (SVG, inlined), the key tables, the scenario's
 * assumptions with their sources, and provenance. Nothing in the page is fetched from
 * anywhere: styles are inline, charts are inline SVG with scripts removed, there are no fonts,
 * images or scripts to load. All text from files is escaped for HTML.
 *
 * Comparison tables are the CSV files written by `sendsim compare`, read by their header
 * names: scenario,metric,period,diff_mean,diff_p10,diff_p50,diff_p90,diff_ci95_low,
 * diff_ci95_high,verdict,reference. Columns after diff_mean may be missing; a missing verdict is
 * computed from the 95% interval.
 */
#ifndef SEND_REPORT_H
#define SEND_REPORT_H

#include <signal.h>
#include <stdio.h>

#include "des_error.h"
#include "send_backtest.h"
#include "send_compare.h"
#include "send_h5.h"
#include "send_plot.h"
#include "send_results.h"

/* ---- Comparison tables -------------------------------------------------------------------- */

/* One row: a difference (scenario minus the reference scenario) of one metric in one period.
 * Numbers missing from the file (absent column or empty cell) are NaN. */
typedef struct send_compare_row {
    char *scenario, *metric, *period;
    double mean, p10, p50, p90, ci_low, ci_high;
    int has_verdict;      /* 0: neither a verdict nor an interval was given */
    send_verdict verdict; /* as written, else from the interval; a written "higher" or
                             "lower" whose interval contains zero becomes SEND_NOISE */
} send_compare_row;

typedef struct send_compare_table {
    char *path;            /* the CSV file as given */
    char *reference;       /* the scenario the rows are measured against (the `reference`
                              column), NULL when the file does not say */
    int n;
    send_compare_row *rows;
    send_plot_list charts; /* "<PREFIX>-compare-*.svg" beside the CSV */
} send_compare_table;

/* Read a comparison CSV. Errors are one line, "FILE:LINE: what was expected" (DES_EINPUT), or
 * "cannot open 'FILE' (reason)" (DES_EIO); on failure t is left empty. */
int send_compare_read(const char *path, send_compare_table *t, des_error *err);

/* Find the charts beside a comparison CSV: for "DIR/PREFIX-compare.csv" (or "DIR/PREFIX.csv")
 * every "DIR/PREFIX-compare-*.svg", titled from the rest of the file name: the overlays of
 * `sendsim compare` ("overlay-*") first, then its paired differences ("diff-*"), then any
 * others, each group by name. Replaces t->charts. A directory that cannot be read gives no
 * charts, not an error. */
int send_compare_find_charts(send_compare_table *t, des_error *err);

void send_compare_free(send_compare_table *t);

/* ---- Back-test tables ----------------------------------------------------------------------- */

/* A PREFIX-backtest.csv of `sendsim backtest` read back: its rows grouped by authority (a new
 * group at each change of la_code), in the form send_bt_summarise() takes, so the report's
 * coverage and errors are the figures `sendsim backtest` printed. With the PREFIX-placements.csv
 * beside it read too (send_bt_table_read_mix), each authority's .mix_observed / .mix_model hold
 * its placement mix, in the form send_bt_mix_summarise() takes. */
typedef struct send_bt_table {
    char *path;
    size_t n_la;
    send_bt_la *las;  /* .rows, .n_rows, .la (group index), .status DES_OK; .mix_* NaN until
                         send_bt_table_read_mix fills them */
    char **la_codes, **la_names;
    send_plot_list charts; /* SVG charts of `sendsim backtest` beside the CSV */
    char *mix_path;        /* the placements CSV looked for beside it (send_bt_table_read_mix) */
    int has_mix;           /* 1: mix_path was there and read */
    int mix_from;          /* its start year (period - horizon_years) */
} send_bt_table;

/* Read a back-test CSV; every column of the header is required (extra ones are ignored).
 * Errors are one line, "FILE:LINE: what was expected" (DES_EINPUT): a missing column, a
 * metric not compared, a period or horizon not a whole number (horizon 1..BT_MAX_H), a number
 * that is not one (observed must be given; an empty p10, p50 or p90 is NaN, as written), inside_p10_p90 not 0/1 or not matching observed against p10..p90, or not
 * empty on a naive row. On failure t is left empty. */
int send_bt_table_read(const char *path, send_bt_table *t, des_error *err);
void send_bt_table_free(send_bt_table *t);

/* Read the placement mix `sendsim backtest` wrote beside the table: for "DIR/PREFIX-backtest.csv"
 * (or "DIR/PREFIX.csv") the file "DIR/PREFIX-placements.csv" (la_code,la_name,placement,period,
 * horizon_years,observed_share,model_share,error_points; every column required, extra ones
 * ignored). No such file (a back-test written before the placement mix was) is not an error:
 * t->has_mix stays 0. Errors are one line, "FILE:LINE: column: what was expected"
 * (DES_EINPUT): an authority not in the table, a placement type not one of send_bt_mix_names,
 * horizon_years not a whole number from 1 to BT_MIX_YEARS, a period other than the start year
 * (the table's, else the first row's) + horizon_years, a share not a number from 0 to 1,
 * error_points not 100 x (model_share - observed_share) within 0.001, or a second row for the
 * same authority, type and period. On failure the mix is left empty (has_mix 0, shares NaN)
 * and the rest of t as it was. */
int send_bt_table_read_mix(send_bt_table *t, des_error *err);

/* Find the SVG charts `sendsim backtest --format svg` wrote beside "DIR/PREFIX-backtest.csv":
 * for each metric in order, "DIR/PREFIX-<metric>.svg" (forecast against published) then
 * "DIR/PREFIX-error-<metric>.svg" (median error by horizon), those that exist. Replaces
 * t->charts. */
int send_bt_table_find_charts(send_bt_table *t, des_error *err);

/* ---- The report --------------------------------------------------------------------------- */

typedef struct send_report_input {
    const send_results *res;     /* every replication's output (at least one) */
    const send_meta *meta;       /* provenance, parameter rows, observed history */
    const char *results_path;    /* the results file shown as the source (may be NULL) */
    const send_plot_list *charts; /* SVG files to inline (NULL or n == 0: none) */
    const char *no_charts_reason; /* shown when there are no charts, e.g. "gnuplot was not
                                     found"; NULL = a generic sentence */
    int n_compare;
    const send_compare_table *compare;
    int n_backtest;
    const send_bt_table *backtest;
    const char *generated;       /* time the report was made (ISO 8601), may be NULL */
    const char *title;           /* the page's title (e.g. the council's name); NULL = "SEND
                                    forecast: <scenario>" */
} send_report_input;

/* Write the page to f. Fails (DES_EIO) when a chart file cannot be read or holds no <svg>
 * element, DES_ENOMEM when memory runs out; f may then hold part of a page. */
int send_report_html(FILE *f, const send_report_input *in, des_error *err);

/* Write the page to path atomically (see send_io.h); nothing is left under path on failure or
 * when cancel (may be NULL) becomes set. */
int send_report_write(const char *path, const send_report_input *in,
                      const volatile sig_atomic_t *cancel, des_error *err);

/* Helpers the page is built from, exposed for tests. */

/* Write s with & < > " ' escaped, and control characters other than tab and newline
 * dropped. */
void send_html_escape(FILE *f, const char *s);

/* A number for people by unit: counts rounded with thousands separators ("4,222"), "GBP"
 * in millions of pounds ("£12.3m"), "percent" with one decimal ("48.3%"), "weeks" with one
 * decimal. NaN gives "–". */
void send_report_format(double v, const char *unit, char *buf, size_t len);

/* The text of an SVG file made fit to inline: everything before "<svg" dropped (XML prolog,
 * doctype, comments), <script> elements removed, and every id (and each reference to one by
 * "#id" or "url(#id)") prefixed with id_prefix so that several charts on a page cannot
 * collide. Returns a malloc'd string, or NULL with err set. */
char *send_report_svg_inline(const char *path, const char *id_prefix, des_error *err);

#endif
