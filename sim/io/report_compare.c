/* report_compare.c - reading the comparison CSV of `sendsim compare` for the HTML report, and
 * finding the comparison charts beside it; likewise the back-test table of `sendsim backtest`,
 * the placements CSV beside it (looked up by authority: O(rows x authorities) at worst) and
 * its charts.
 *
 * The CSV is read whole and split into records (RFC 4180: quoted fields may hold commas,
 * doubled quotes and newlines); columns are found by their header names, so extra columns are
 * ignored and trailing ones may be missing, in the header or in a row. Every error names the
 * file and the line the record starts on. Invariant: on failure the table is left empty.
 * O(file size) time and memory, plus O(n^2) to sort the n chart names (n is small).
 */
#include "send_report.h"
#include "des_pool.h"
#include "send_io.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void free_list(send_plot_list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->paths[i]);
        free(l->titles[i]);
    }
    free(l->paths);
    free(l->titles);
    memset(l, 0, sizeof *l);
}

void send_compare_free(send_compare_table *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->n; i++) {
        free(t->rows[i].scenario);
        free(t->rows[i].metric);
        free(t->rows[i].period);
    }
    free(t->rows);
    free(t->path);
    free(t->reference);
    free_list(&t->charts);
    memset(t, 0, sizeof *t);
}

/* ---- CSV records -------------------------------------------------------------------------- */

#define MAX_FIELDS 64

typedef struct csv_reader {
    char *buf; /* the whole file; fields are unquoted in place and NUL-terminated */
    size_t len, pos;
    int line;  /* line of the next character */
} csv_reader;

/* Split the next record into fields. Returns the number of fields (0 at the end of the file),
 * or -1 for an unterminated quote, -2 for text after a closing quote, -3 for too many fields.
 * *start_line is the line the record starts on. */
static int csv_next(csv_reader *r, char **fields, int *start_line)
{
    if (r->pos >= r->len)
        return 0;
    *start_line = r->line;
    int n = 0;
    for (;;) {
        if (n == MAX_FIELDS)
            return -3;
        char *out = r->buf + r->pos;
        fields[n++] = out;
        char *w = out;
        if (r->pos < r->len && r->buf[r->pos] == '"') {
            r->pos++;
            for (;;) {
                if (r->pos >= r->len)
                    return -1;
                char c = r->buf[r->pos++];
                if (c == '"') {
                    if (r->pos < r->len && r->buf[r->pos] == '"') {
                        *w++ = '"';
                        r->pos++;
                        continue;
                    }
                    break;
                }
                if (c == '\n')
                    r->line++;
                *w++ = c;
            }
            if (r->pos < r->len && r->buf[r->pos] != ',' && r->buf[r->pos] != '\n' &&
                r->buf[r->pos] != '\r')
                return -2;
        } else {
            while (r->pos < r->len && r->buf[r->pos] != ',' && r->buf[r->pos] != '\n' &&
                   r->buf[r->pos] != '\r')
                *w++ = r->buf[r->pos++];
        }
        /* at a separator, a line end or the end of the file; read it before the field's
         * terminator overwrites it (unquoted fields are unquoted in place) */
        char sep = r->pos < r->len ? r->buf[r->pos] : '\n';
        *w = '\0';
        if (sep == ',') {
            r->pos++;
            continue;
        }
        if (sep == '\r')
            r->pos++;
        if (sep == '\r' ? r->pos < r->len && r->buf[r->pos] == '\n' : sep == '\n')
            r->pos++;
        r->line++;
        return n;
    }
}

static int is_blank_record(int n, char **fields)
{
    return n == 1 && fields[0][0] == '\0';
}

/* The error for a record csv_next could not split (n < 0) or that has n > max fields. */
static int record_error(int n, const char *path, int line, int max, des_error *err)
{
    if (n == -1)
        return des_error_set(err, DES_EINPUT, "%s:%d: expected a closing quote", path, line);
    if (n == -2)
        return des_error_set(err, DES_EINPUT,
                             "%s:%d: expected a comma or the end of the line after a quoted "
                             "field", path, line);
    if (n == -3)
        return des_error_set(err, DES_EINPUT, "%s:%d: expected at most %d fields%s, got more "
                             "than %d", path, line, max, line == 1 ? "" : " as in the header",
                             MAX_FIELDS);
    return des_error_set(err, DES_EINPUT, "%s:%d: expected at most %d fields as in the header, "
                         "got %d", path, line, max, n);
}

/* Columns in the order of send_compare_row's numbers. */
enum { COL_SCENARIO, COL_METRIC, COL_PERIOD, COL_MEAN, COL_P10, COL_P50, COL_P90, COL_LOW,
       COL_HIGH, COL_VERDICT, COL_REFERENCE, NCOL };
static const char *const col_names[NCOL] = {
    "scenario", "metric", "period", "diff_mean", "diff_p10", "diff_p50", "diff_p90",
    "diff_ci95_low", "diff_ci95_high", "verdict", "reference"};
#define N_REQUIRED 4 /* scenario, metric, period, diff_mean */

/* A field quoted for an error message, shortened to 40 characters. */
static const char *shown(const char *s, char *buf, size_t len)
{
    if (strlen(s) <= 40)
        snprintf(buf, len, "%s", s);
    else
        snprintf(buf, len, "%.37s...", s);
    return buf;
}

static int parse_number(const char *s, double *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s) {
        *out = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == s || *end || !isfinite(v)) /* "nan" and "inf" alike: an empty field is undefined */
        return -1;
    *out = v;
    return 0;
}

/* A written verdict: 1 if one of send_verdict_names, 0 if empty, -1 otherwise. */
static int parse_verdict(const char *s, send_verdict *out)
{
    if (!*s)
        return 0;
    for (int v = 0; v < 4; v++)
        if (!strcmp(s, send_verdict_names[v])) {
            *out = (send_verdict)v;
            return 1;
        }
    return -1;
}

/* Read the whole file into r, past a byte-order mark from a spreadsheet. */
static int csv_open(csv_reader *r, const char *path, des_error *err)
{
    memset(r, 0, sizeof *r);
    r->line = 1;
    r->buf = io_read_file(path, &r->len, err);
    if (!r->buf)
        return err ? err->code : DES_EIO;
    if (r->len >= 3 && !memcmp(r->buf, "\xEF\xBB\xBF", 3))
        r->pos = 3;
    return DES_OK;
}

/* The next non-blank record, its fields mapped to the header's columns (v[c] is NULL where
 * column c is missing or the record is short); *got is 0 at the end of the file. Returns
 * DES_OK, or the error of a record that cannot be split or is longer than the header. */
static int next_record(csv_reader *r, const char *path, char **fields, int *line,
                       const int *col, int ncol, int n_header, const char **v, int *got,
                       des_error *err)
{
    *got = 0;
    for (;;) {
        int n = csv_next(r, fields, line);
        if (n == 0)
            return DES_OK;
        if (n < 0 || n > n_header)
            return record_error(n, path, *line, n_header, err);
        if (is_blank_record(n, fields))
            continue;
        for (int c = 0; c < ncol; c++)
            v[c] = col[c] >= 0 && col[c] < n ? fields[col[c]] : NULL;
        *got = 1;
        return DES_OK;
    }
}

/* The header record: col[c] = the field holding names[c] (-1 when absent; a name twice is an
 * error), the first n_req of them required; *n_header its number of fields. `expect` completes
 * "expected a header ..." in the messages. */
static int csv_header(csv_reader *r, const char *path, const char *expect,
                      const char *const *names, int ncol, int n_req, int *col, int *n_header,
                      des_error *err)
{
    char *fields[MAX_FIELDS];
    int line = 1;
    for (int c = 0; c < ncol; c++)
        col[c] = -1;
    int n = csv_next(r, fields, &line);
    if (n < 0)
        return record_error(n, path, line, MAX_FIELDS, err);
    if (n == 0 || is_blank_record(n, fields))
        return des_error_set(err, DES_EINPUT, "%s:1: expected a header %s (the file is empty)",
                             path, expect);
    for (int i = 0; i < n; i++)
        for (int c = 0; c < ncol; c++)
            if (!strcmp(fields[i], names[c])) {
                if (col[c] >= 0)
                    return des_error_set(err, DES_EINPUT, "%s:%d: column '%s' appears twice",
                                         path, line, names[c]);
                col[c] = i;
            }
    for (int c = 0; c < n_req; c++)
        if (col[c] < 0)
            return des_error_set(err, DES_EINPUT, "%s:%d: expected a header %s (no '%s' column)",
                                 path, line, expect, names[c]);
    *n_header = n;
    return DES_OK;
}

int send_compare_read(const char *path, send_compare_table *t, des_error *err)
{
    memset(t, 0, sizeof *t);
    csv_reader r;
    if (csv_open(&r, path, err) != DES_OK)
        return err ? err->code : DES_EIO;

    int rc = DES_OK;
    char *fields[MAX_FIELDS];
    char shown_buf[48];
    int line = 1, n;
    int col[NCOL];
    int cap = 0, n_header = 0;
    rc = csv_header(&r, path, "naming scenario,metric,period,diff_mean", col_names, NCOL,
                    N_REQUIRED, col, &n_header, err);
    if (rc != DES_OK)
        goto fail;
    if (!(t->path = strdup(path)))
        goto nomem;

    for (;;) {
        const char *v[NCOL];
        rc = next_record(&r, path, fields, &line, col, NCOL, n_header, v, &n, err);
        if (rc != DES_OK)
            goto fail;
        if (!n)
            break;
        for (int c = 0; c < N_REQUIRED; c++)
            if (!v[c] || (c < COL_MEAN && !*v[c])) {
                rc = des_error_set(err, DES_EINPUT, "%s:%d: %s: expected a value, got %s", path,
                                   line, col_names[c], v[c] ? "an empty field" : "none");
                goto fail;
            }
        send_compare_row row = {0};
        double *num[] = {&row.mean, &row.p10, &row.p50, &row.p90, &row.ci_low, &row.ci_high};
        for (int c = COL_MEAN; c <= COL_HIGH; c++) {
            *num[c - COL_MEAN] = NAN;
            if (v[c] && parse_number(v[c], num[c - COL_MEAN])) {
                rc = des_error_set(err, DES_EINPUT,
                                   "%s:%d: %s: expected a finite number (or an empty field), "
                                   "got '%s'",
                                   path, line, col_names[c],
                                   shown(v[c], shown_buf, sizeof shown_buf));
                goto fail;
            }
        }
        if (row.ci_low > row.ci_high) {
            rc = des_error_set(err, DES_EINPUT,
                               "%s:%d: diff_ci95_low: expected at most diff_ci95_high (%g > %g)",
                               path, line, row.ci_low, row.ci_high);
            goto fail;
        }
        int written = v[COL_VERDICT] ? parse_verdict(v[COL_VERDICT], &row.verdict) : 0;
        if (written < 0) {
            rc = des_error_set(err, DES_EINPUT,
                               "%s:%d: verdict: expected 'higher', 'lower', 'not "
                               "distinguishable from noise' or 'no difference', got '%s'",
                               path, line, shown(v[COL_VERDICT], shown_buf, sizeof shown_buf));
            goto fail;
        }
        send_verdict from_ci;
        int has_ci = send_verdict_from_ci(row.ci_low, row.ci_high, &from_ci) == 0;
        row.has_verdict = written || has_ci;
        if (!written && has_ci)
            row.verdict = from_ci;
        else if (written && has_ci && from_ci == SEND_NOISE &&
                 (row.verdict == SEND_HIGHER || row.verdict == SEND_LOWER))
            row.verdict = SEND_NOISE; /* the interval contains zero */
        if (t->n == cap) {
            int nc = cap ? cap * 2 : 64;
            send_compare_row *nr = realloc(t->rows, (size_t)nc * sizeof *nr);
            if (!nr)
                goto nomem;
            t->rows = nr;
            cap = nc;
        }
        if (!t->reference && v[COL_REFERENCE] && *v[COL_REFERENCE] &&
            !(t->reference = strdup(v[COL_REFERENCE])))
            goto nomem;
        row.scenario = strdup(v[COL_SCENARIO]);
        row.metric = strdup(v[COL_METRIC]);
        row.period = strdup(v[COL_PERIOD]);
        t->rows[t->n++] = row;
        if (!row.scenario || !row.metric || !row.period)
            goto nomem;
    }
    free(r.buf);
    return DES_OK;

nomem:
    rc = des_error_set(err, DES_ENOMEM, "cannot allocate memory for '%s'", path);
fail:
    free(r.buf);
    send_compare_free(t);
    return rc;
}

/* ---- charts beside the CSV ---------------------------------------------------------------- */

/* The charts of `sendsim compare` are "overlay-<metric>" (every scenario's median and band)
 * and "diff-<metric>-<scenario>" (the paired difference): overlays first, then differences,
 * then anything else, each by name. */
static const struct {
    const char *prefix, *title;
} chart_kinds[] = {{"overlay-", "Scenarios side by side: "},
                   {"diff-", "Difference from the reference: "}};
#define N_KINDS ((int)(sizeof chart_kinds / sizeof chart_kinds[0]))

static int kind_of(const char *rest)
{
    for (int k = 0; k < N_KINDS; k++)
        if (!strncmp(rest, chart_kinds[k].prefix, strlen(chart_kinds[k].prefix)))
            return k;
    return N_KINDS;
}

/* Order of two chart file names that both start with a prefix of length skip. */
static int chart_before(const char *x, const char *y, size_t skip)
{
    int kx = kind_of(x + skip), ky = kind_of(y + skip);
    return kx != ky ? kx < ky : strcmp(x, y) < 0;
}

/* Insertion sort: a comparison has a handful of charts. */
static void sort_charts(char **names, int n, size_t skip)
{
    for (int i = 1; i < n; i++) {
        char *x = names[i];
        int j = i;
        for (; j > 0 && chart_before(x, names[j - 1], skip); j--)
            names[j] = names[j - 1];
        names[j] = x;
    }
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

int send_compare_find_charts(send_compare_table *t, des_error *err)
{
    free_list(&t->charts);
    const char *path = t->path;
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) : 0;
    char *dir = slash ? strndup(path, dir_len == 0 ? 1 : dir_len) : strdup(".");
    const char *base = slash ? slash + 1 : path;
    /* the prefix charts start with: "PREFIX-compare-" */
    size_t blen = strlen(base);
    if (ends_with(base, "-compare.csv"))
        blen -= strlen("-compare.csv");
    else if (ends_with(base, ".csv"))
        blen -= strlen(".csv");
    char *want = malloc(blen + sizeof "-compare-");
    if (!dir || !want) {
        free(dir);
        free(want);
        return des_error_set(err, DES_ENOMEM, "cannot allocate chart names");
    }
    memcpy(want, base, blen);
    strcpy(want + blen, "-compare-");
    size_t wlen = strlen(want);

    char **names = NULL;
    int n = 0, cap = 0, rc = DES_OK;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strncmp(e->d_name, want, wlen) || !ends_with(e->d_name, ".svg") ||
                strlen(e->d_name) <= wlen + 4)
                continue;
            if (n == cap) {
                int nc = cap ? cap * 2 : 8;
                char **nn = realloc(names, (size_t)nc * sizeof *nn);
                if (!nn) {
                    rc = DES_ENOMEM;
                    break;
                }
                names = nn;
                cap = nc;
            }
            if (!(names[n] = strdup(e->d_name))) {
                rc = DES_ENOMEM;
                break;
            }
            n++;
        }
        closedir(d);
    }
    if (rc == DES_OK && n > 0) {
        sort_charts(names, n, wlen);
        t->charts.paths = calloc((size_t)n, sizeof *t->charts.paths);
        t->charts.titles = calloc((size_t)n, sizeof *t->charts.titles);
        if (!t->charts.paths || !t->charts.titles)
            rc = DES_ENOMEM;
        for (int i = 0; rc == DES_OK && i < n; i++) {
            size_t plen = strlen(names[i]) + (slash ? dir_len + 2 : 1);
            char *p = malloc(plen);
            const char *rest = names[i] + wlen;
            int kind = kind_of(rest);
            const char *lead = kind < N_KINDS ? chart_kinds[kind].title : "";
            size_t skip = kind < N_KINDS ? strlen(chart_kinds[kind].prefix) : 0;
            size_t tlen = strlen(rest) - 4 - skip; /* without ".svg" */
            char *title = malloc(strlen(lead) + tlen + 1);
            if (title) {
                strcpy(title, lead);
                strncat(title, rest + skip, tlen);
            }
            t->charts.paths[i] = p;
            t->charts.titles[i] = title;
            t->charts.n = i + 1;
            if (!p || !title) {
                rc = DES_ENOMEM;
                break;
            }
            if (slash)
                snprintf(p, plen, "%.*s/%s", (int)dir_len, path, names[i]);
            else
                snprintf(p, plen, "%s", names[i]);
            for (char *c = title + strlen(lead); *c; c++)
                if (*c == '-' || *c == '_')
                    *c = ' ';
        }
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(dir);
    free(want);
    if (rc != DES_OK) {
        free_list(&t->charts);
        return des_error_set(err, rc, "cannot allocate chart names");
    }
    return DES_OK;
}

/* ---- back-test tables ----------------------------------------------------------------------- */

void send_bt_table_free(send_bt_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_la; i++) {
        free(t->las[i].rows);
        free(t->la_codes[i]);
        free(t->la_names[i]);
    }
    free(t->las);
    free(t->la_codes);
    free(t->la_names);
    free(t->path);
    free(t->mix_path);
    free_list(&t->charts);
    memset(t, 0, sizeof *t);
}

enum { BC_CODE, BC_NAME, BC_METRIC, BC_PERIOD, BC_HORIZON, BC_OBSERVED, BC_P10, BC_P50, BC_P90,
       BC_INSIDE, BC_APE, BC_N };
static const char *const bt_cols[BC_N] = {
    "la_code", "la_name", "metric", "period", "horizon_years", "observed", "p10", "p50", "p90",
    "inside_p10_p90", "abs_pct_error"};
#define BT_HEADER "la_code,la_name,metric,period,horizon_years,observed,p10,p50,p90," \
                  "inside_p10_p90,abs_pct_error"

static int parse_whole(const char *s, int *out)
{
    double v;
    if (parse_number(s, &v) || isnan(v) || v != (double)(int)v)
        return -1;
    *out = (int)v;
    return 0;
}

/* Start a new authority group in t (codes and names copied). */
static int bt_new_group(send_bt_table *t, size_t *cap, const char *code, const char *name)
{
    if (t->n_la == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        send_bt_la *nl = realloc(t->las, nc * sizeof *nl);
        if (nl)
            t->las = nl;
        char **c = realloc(t->la_codes, nc * sizeof *c);
        if (c)
            t->la_codes = c;
        char **m = realloc(t->la_names, nc * sizeof *m);
        if (m)
            t->la_names = m;
        if (!nl || !c || !m)
            return -1;
        *cap = nc;
    }
    size_t i = t->n_la++;
    memset(&t->las[i], 0, sizeof t->las[i]);
    t->las[i].la = i;
    t->las[i].has_model = 1;
    send_bt_mix_clear(&t->las[i]);
    t->la_codes[i] = strdup(code);
    t->la_names[i] = strdup(name);
    return t->la_codes[i] && t->la_names[i] ? 0 : -1;
}

int send_bt_table_read(const char *path, send_bt_table *t, des_error *err)
{
    memset(t, 0, sizeof *t);
    csv_reader r;
    if (csv_open(&r, path, err) != DES_OK)
        return err ? err->code : DES_EIO;

    int rc = DES_OK, line = 1, n, col[BC_N];
    char *fields[MAX_FIELDS];
    char sb[48];
    size_t cap = 0, row_cap = 0;
    int n_header = 0;
    rc = csv_header(&r, path, BT_HEADER, bt_cols, BC_N, BC_N, col, &n_header, err);
    if (rc != DES_OK)
        goto fail;
    if (!(t->path = strdup(path)))
        goto nomem;

    for (;;) {
        const char *v[BC_N];
        rc = next_record(&r, path, fields, &line, col, BC_N, n_header, v, &n, err);
        if (rc != DES_OK)
            goto fail;
        if (!n)
            break;
        for (int c = 0; c < BC_N; c++) {
            if (!v[c]) {
                rc = des_error_set(err, DES_EINPUT, "%s:%d: %s: expected a value, got none",
                                   path, line, bt_cols[c]);
                goto fail;
            }
        }
        send_bt_row row = {.metric = -1};
        const char *m = v[BC_METRIC];
        if (!strncmp(m, "naive_", 6)) {
            row.naive = 1;
            m += 6;
        }
        for (int k = 0; k < BT_METRICS; k++)
            if (!strcmp(m, send_bt_sen2_metric[k]))
                row.metric = k;
        if (row.metric < 0) {
            rc = des_error_set(err, DES_EINPUT,
                               "%s:%d: metric: expected ehcp_total, initial_requests, new_plans, "
                               "pct_within_20_weeks or plans_ceased, alone or after naive_, got "
                               "'%s'", path, line, shown(v[BC_METRIC], sb, sizeof sb));
            goto fail;
        }
        if (parse_whole(v[BC_PERIOD], &row.period)) {
            rc = des_error_set(err, DES_EINPUT, "%s:%d: period: expected a year, got '%s'",
                               path, line, shown(v[BC_PERIOD], sb, sizeof sb));
            goto fail;
        }
        if (parse_whole(v[BC_HORIZON], &row.horizon) || row.horizon < 1 ||
            row.horizon > BT_MAX_H) {
            rc = des_error_set(err, DES_EINPUT,
                               "%s:%d: horizon_years: expected a whole number from 1 to %d, got "
                               "'%s'", path, line, BT_MAX_H,
                               shown(v[BC_HORIZON], sb, sizeof sb));
            goto fail;
        }
        double *num[] = {&row.observed, &row.p10, &row.p50, &row.p90};
        for (int c = BC_OBSERVED; c <= BC_P90; c++) /* an empty band cell: no forecast */
            if (parse_number(v[c], num[c - BC_OBSERVED]) ||
                (c == BC_OBSERVED && isnan(row.observed))) {
                rc = des_error_set(err, DES_EINPUT,
                                   "%s:%d: %s: expected a finite number, got '%s'", path, line,
                                   bt_cols[c], shown(v[c], sb, sizeof sb));
                goto fail;
            }
        int inside = row.observed >= row.p10 && row.observed <= row.p90;
        if (row.naive ? *v[BC_INSIDE] != '\0'
                      : strcmp(v[BC_INSIDE], inside ? "1" : "0") != 0) {
            if (row.naive)
                rc = des_error_set(err, DES_EINPUT,
                                   "%s:%d: inside_p10_p90: expected an empty field on a naive "
                                   "row, got '%s'", path, line, shown(v[BC_INSIDE], sb, sizeof sb));
            else
                rc = des_error_set(err, DES_EINPUT,
                                   "%s:%d: inside_p10_p90: expected %d (observed %g against "
                                   "p10 %g, p90 %g), got '%s'", path, line, inside, row.observed,
                                   row.p10, row.p90, shown(v[BC_INSIDE], sb, sizeof sb));
            goto fail;
        }
        if (!t->n_la || strcmp(t->la_codes[t->n_la - 1], v[BC_CODE])) {
            if (bt_new_group(t, &cap, v[BC_CODE], v[BC_NAME]))
                goto nomem;
            row_cap = 0;
        }
        send_bt_la *g = &t->las[t->n_la - 1];
        if (des_grow((void **)&g->rows, &row_cap, g->n_rows + 1, sizeof *g->rows))
            goto nomem;
        g->rows[g->n_rows++] = row;
    }
    free(r.buf);
    return DES_OK;

nomem:
    rc = des_error_set(err, DES_ENOMEM, "cannot allocate memory for '%s'", path);
fail:
    free(r.buf);
    send_bt_table_free(t);
    return rc;
}

/* The length of PREFIX in "DIR/PREFIX-backtest.csv" (or "DIR/PREFIX.csv"), the files written
 * beside a back-test table being "DIR/PREFIX-<something>". */
static size_t bt_prefix_len(const char *path)
{
    size_t plen = strlen(path);
    if (ends_with(path, "-backtest.csv"))
        plen -= strlen("-backtest.csv");
    else if (ends_with(path, ".csv"))
        plen -= strlen(".csv");
    return plen;
}

/* ---- the placement mix beside a back-test table --------------------------------------------- */

enum { MC_CODE, MC_NAME, MC_PLACEMENT, MC_PERIOD, MC_HORIZON, MC_OBSERVED, MC_MODEL, MC_ERROR,
       MC_N };
static const char *const mix_cols[MC_N] = {
    "la_code", "la_name", "placement", "period", "horizon_years", "observed_share",
    "model_share", "error_points"};
#define MIX_HEADER "la_code,la_name,placement,period,horizon_years,observed_share,model_share," \
                   "error_points"
#define MIX_TOLERANCE 0.001 /* points: error_points as written against the shares as written */

static void bt_mix_clear(send_bt_table *t)
{
    t->has_mix = 0;
    t->mix_from = 0;
    for (size_t i = 0; i < t->n_la; i++)
        send_bt_mix_clear(&t->las[i]);
}

/* The start year of the table's January caseload rows (period - horizon_years), 0 if none. */
static int bt_table_from(const send_bt_table *t)
{
    for (size_t i = 0; i < t->n_la; i++)
        for (size_t k = 0; k < t->las[i].n_rows; k++)
            if (t->las[i].rows[k].metric == BT_EHCP_TOTAL)
                return t->las[i].rows[k].period - t->las[i].rows[k].horizon;
    return 0;
}

/* One row of the placements CSV checked and stored in t (its mix arrays). */
static int mix_row(send_bt_table *t, const char *path, int line, const char *const *v,
                   size_t *la_hint, des_error *err)
{
    char sb[48];
    for (int c = 0; c < MC_N; c++)
        if (!v[c])
            return des_error_set(err, DES_EINPUT, "%s:%d: %s: expected a value, got none", path,
                                 line, mix_cols[c]);
    size_t la = *la_hint;
    if (la >= t->n_la || strcmp(t->la_codes[la], v[MC_CODE]))
        for (la = 0; la < t->n_la && strcmp(t->la_codes[la], v[MC_CODE]); la++)
            ;
    if (la == t->n_la)
        return des_error_set(err, DES_EINPUT, "%s:%d: la_code: expected an authority of '%s', "
                             "got '%s'", path, line, t->path, shown(v[MC_CODE], sb, sizeof sb));
    *la_hint = la;
    int g = 0;
    while (g < BT_MIX_TYPES && strcmp(v[MC_PLACEMENT], send_bt_mix_names[g]))
        g++;
    if (g == BT_MIX_TYPES)
        return des_error_set(err, DES_EINPUT, "%s:%d: placement: expected mainstream, resourced, "
                             "special, independent, post16, ap or other, got '%s'", path, line,
                             shown(v[MC_PLACEMENT], sb, sizeof sb));
    int period, h;
    if (parse_whole(v[MC_HORIZON], &h) || h < 1 || h > BT_MIX_YEARS)
        return des_error_set(err, DES_EINPUT, "%s:%d: horizon_years: expected a whole number "
                             "from 1 to %d, got '%s'", path, line, BT_MIX_YEARS,
                             shown(v[MC_HORIZON], sb, sizeof sb));
    if (parse_whole(v[MC_PERIOD], &period))
        return des_error_set(err, DES_EINPUT, "%s:%d: period: expected a year, got '%s'", path,
                             line, shown(v[MC_PERIOD], sb, sizeof sb));
    if (!t->mix_from)
        t->mix_from = period - h;
    if (period - h != t->mix_from)
        return des_error_set(err, DES_EINPUT, "%s:%d: period: expected %d (the start year %d + "
                             "horizon_years), got '%s'", path, line, t->mix_from + h,
                             t->mix_from, shown(v[MC_PERIOD], sb, sizeof sb));
    double num[3];
    for (int c = MC_OBSERVED; c <= MC_ERROR; c++) {
        double *x = &num[c - MC_OBSERVED];
        if (parse_number(v[c], x) || isnan(*x) || (c != MC_ERROR && (*x < 0 || *x > 1)))
            return des_error_set(err, DES_EINPUT, "%s:%d: %s: expected a %s, got '%s'", path,
                                 line, mix_cols[c],
                                 c == MC_ERROR ? "finite number" : "share from 0 to 1",
                                 shown(v[c], sb, sizeof sb));
    }
    double want = 100 * (num[1] - num[0]);
    if (fabs(num[2] - want) > MIX_TOLERANCE)
        return des_error_set(err, DES_EINPUT, "%s:%d: error_points: expected 100 x (model_share - "
                             "observed_share) = %.10g, got '%s'", path, line, want,
                             shown(v[MC_ERROR], sb, sizeof sb));
    send_bt_la *a = &t->las[la];
    if (!isnan(a->mix_observed[h - 1][g]))
        return des_error_set(err, DES_EINPUT, "%s:%d: expected one row per authority, placement "
                             "and period, got a second for %s, %s, %d", path, line,
                             t->la_codes[la], send_bt_mix_names[g], period);
    a->mix_observed[h - 1][g] = num[0];
    a->mix_model[h - 1][g] = num[1];
    return DES_OK;
}

int send_bt_table_read_mix(send_bt_table *t, des_error *err)
{
    bt_mix_clear(t);
    free(t->mix_path);
    size_t plen = bt_prefix_len(t->path);
    size_t len = plen + sizeof "-placements.csv";
    char *path = t->mix_path = malloc(len);
    if (!path)
        return des_error_set(err, DES_ENOMEM, "cannot allocate memory for '%s'", t->path);
    snprintf(path, len, "%.*s-placements.csv", (int)plen, t->path);
    if (access(path, F_OK) != 0) /* an older back-test, or the file was not kept */
        return DES_OK;
    csv_reader r;
    int rc = csv_open(&r, path, err), line = 1, n, col[MC_N], n_header = 0;
    if (rc != DES_OK)
        return rc;
    char *fields[MAX_FIELDS];
    size_t la_hint = 0;
    rc = csv_header(&r, path, MIX_HEADER, mix_cols, MC_N, MC_N, col, &n_header, err);
    t->mix_from = bt_table_from(t);
    while (rc == DES_OK) {
        const char *v[MC_N];
        rc = next_record(&r, path, fields, &line, col, MC_N, n_header, v, &n, err);
        if (rc != DES_OK || !n)
            break;
        rc = mix_row(t, path, line, v, &la_hint, err);
    }
    free(r.buf);
    if (rc != DES_OK) {
        bt_mix_clear(t);
        return rc;
    }
    t->has_mix = 1;
    return DES_OK;
}

int send_bt_table_find_charts(send_bt_table *t, des_error *err)
{
    free_list(&t->charts);
    size_t plen = bt_prefix_len(t->path);
    static const struct {
        const char *infix, *title;
    } kinds[] = {{"-", "Forecast against published: "}, {"-error-", "Median error by horizon: "}};
    int cap = 2 * BT_METRICS;
    t->charts.paths = calloc((size_t)cap, sizeof *t->charts.paths);
    t->charts.titles = calloc((size_t)cap, sizeof *t->charts.titles);
    if (!t->charts.paths || !t->charts.titles)
        goto nomem;
    for (int m = 0; m < BT_METRICS; m++)
        for (int k = 0; k < 2; k++) {
            const char *metric = send_bt_sen2_metric[m];
            size_t len = plen + strlen(kinds[k].infix) + strlen(metric) + sizeof ".svg";
            char *p = malloc(len);
            if (!p)
                goto nomem;
            snprintf(p, len, "%.*s%s%s.svg", (int)plen, t->path, kinds[k].infix, metric);
            if (access(p, R_OK) != 0) {
                free(p);
                continue;
            }
            size_t tlen = strlen(kinds[k].title) + strlen(metric) + 1;
            char *title = malloc(tlen);
            int i = t->charts.n++;
            t->charts.paths[i] = p;
            t->charts.titles[i] = title;
            if (!title)
                goto nomem;
            snprintf(title, tlen, "%s%s", kinds[k].title, metric);
        }
    return DES_OK;
nomem:
    free_list(&t->charts);
    return des_error_set(err, DES_ENOMEM, "cannot allocate chart names");
}
