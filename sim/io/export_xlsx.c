/* export_xlsx.c - the Excel workbook for finance teams (libxlsxwriter).
 *
 * Four theme sheets laid out like the DfE DSG management plan template: a title, a provenance
 * line and a note (rows 1-3), a header row (row 4: Line, Metric, Statistic, then one column per
 * period), and from row 5 one block of three rows (P10, P50, P90 across replications) per line,
 * with section headings between groups. Panes are frozen below the header and right of the
 * Statistic column. Then one sheet per service beside the EHC pathway that ran (levels, early
 * help, the front door, children in care, short breaks), driven by send_service_lines: a
 * column per calendar year, the service's lines in blocks by period kind (stocks on 1
 * January, counts in the calendar year, money by financial year), each block opened by a row
 * with its own period labels. A last sheet lists every scenario parameter and the run's
 * provenance.
 * The exact layout is documented in docs/guide.md ("Exported files"); tests/test_export.c reads cells back.
 *
 * Percentiles of plain metrics come from send_results_get_stat (the run's shared summary);
 * those of a sum of two metrics (the demand for places) from send_stat_of over the
 * per-replication sums, the same estimator.
 * Capacity -1 (not limited) is written as the text "not limited". NaN cells are left empty.
 *
 * libxlsxwriter writes to a file name, so the workbook is written to the temporary name of an
 * io_atomic and committed (fsync, rename) through it: a failure or cancellation leaves no file
 * under the final name and no temporary file. O(lines x periods x n log n) time.
 */
#include "send_export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "export_internal.h"
#include "send_io.h"
#include "send_services.h"
#include "sendsim_version.h"

/* Excel's limit on the characters in a cell. */
#define XL_CELL_MAX 32767
#define XL_HEADER_ROW 3
#define XL_FIRST_DATA_ROW 4
#define XL_FIRST_PERIOD_COL 3
#define XL_MAX_COLS 512

/* Row labels of the provisions (the metric registry's wording). */
static const char *const prov_label[PROV_COUNT] = {
    "Mainstream school",
    "Resourced provision / SEN unit",
    "Maintained special school or special academy",
    "Independent or non-maintained special school",
    "Level-4 residential package",
    "FE or sixth-form college",
    "Specialist post-16 institution",
    "Alternative provision",
    "Early-years setting",
    "Elsewhere (home education, NEET, other)",
    "Awaiting provision (interim)",
};

/* SEN2 age bands. */
static const char *const band_label[BAND_COUNT] = {
    "Under 5", "Aged 5 to 10", "Aged 11 to 15", "Aged 16 to 19", "Aged 20 to 25",
};

static const char *const stat_label[3] = {"P10", "P50", "P90"};

typedef struct xl {
    lxw_workbook *wb;
    lxw_format *title, *note, *header, *header_right, *section, *label, *label_indent, *text,
        *count, *money, *decimal, *not_limited;
    lxw_error first_error; /* first failing libxlsxwriter call, reported at the end */
    const send_results *res;
    const send_meta *meta;
    const send_output *o0;
    double *scratch; /* res->n doubles */
    double width[3]; /* widest text in columns A-C of the data rows, in characters */
} xl;

typedef struct xcol {
    int period;
    char label[24];
} xcol;

/* One line of a theme sheet: a metric, or the sum of two (metric2 >= 0). */
typedef struct xline {
    const char *label;
    int metric, metric2, indent;
} xline;

static void note_error(xl *x, lxw_error e)
{
    if (e != LXW_NO_ERROR && x->first_error == LXW_NO_ERROR)
        x->first_error = e;
}

/* Write text, cut at Excel's cell limit on a UTF-8 character boundary. */
static void put_str(xl *x, lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
    if (!s || !*s)
        return;
    size_t n = strlen(s);
    if (n <= XL_CELL_MAX) {
        note_error(x, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, s, f));
        return;
    }
    char *cut = malloc(XL_CELL_MAX + 1);
    if (!cut) {
        note_error(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    n = XL_CELL_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(cut, s, n);
    cut[n] = '\0';
    note_error(x, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, cut, f));
    free(cut);
}

static void put_num(xl *x, lxw_worksheet *ws, int row, int col, double v, lxw_format *f)
{
    if (isnan(v))
        return;
    note_error(x, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f));
}

/* Text in one of the label columns A-C of a data row, widening the column to fit. */
static void put_label(xl *x, lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
    put_str(x, ws, row, col, s, f);
    double w = (double)strlen(s) + (f == x->label_indent ? 2 : 0);
    if (col < 3 && w > x->width[col])
        x->width[col] = w;
}

static lxw_format *unit_format(const xl *x, int metric)
{
    const send_metric_info *mi = send_metric(metric);
    if (!mi)
        return x->count;
    if (!strcmp(mi->unit, "GBP"))
        return x->money;
    if (!strcmp(mi->unit, "percent") || !strcmp(mi->unit, "weeks"))
        return x->decimal;
    return x->count;
}

static int is_capacity(int metric)
{
    return metric >= M_CAPACITY && metric < M_CAPACITY + PROV_COUNT;
}

/* P10, P50 and P90 across replications of a metric (plus metric2 if >= 0) in one period. */
static void line_quantiles(xl *x, int metric, int metric2, int period, double q[3])
{
    send_stat st;
    if (metric2 < 0) {
        send_results_get_stat(x->res, metric, period, x->scratch, &st);
    } else {
        for (int r = 0; r < x->res->n; r++) {
            const send_output *o = &x->res->reps[r];
            x->scratch[r] = o->values[(size_t)metric * (size_t)o->row_len + (size_t)period] +
                            o->values[(size_t)metric2 * (size_t)o->row_len + (size_t)period];
        }
        send_stat_of(x->scratch, x->res->n, &st);
    }
    q[0] = st.q[SEND_Q10];
    q[1] = st.q[SEND_Q50];
    q[2] = st.q[SEND_Q90];
}

/* Title, provenance line, note and header row of a theme sheet. */
static void sheet_head(xl *x, lxw_worksheet *ws, const char *title, const char *note,
                       const xcol *cols, int ncols)
{
    char line[1024];
    const send_meta *m = x->meta;
    put_str(x, ws, 0, 0, title, x->title);
    snprintf(line, sizeof line,
             "Scenario '%s' (%s), %d replications, seed %llu: P10, median (P50) and P90 of each "
             "line across replications.",
             m && m->scenario_name ? m->scenario_name : "", m && m->scenario_path ? m->scenario_path : "",
             x->res->n, (unsigned long long)x->res->master_seed);
    put_str(x, ws, 1, 0, line, x->note);
    put_str(x, ws, 2, 0, note, x->note);
    put_str(x, ws, XL_HEADER_ROW, 0, "Line", x->header);
    put_str(x, ws, XL_HEADER_ROW, 1, "Metric", x->header);
    put_str(x, ws, XL_HEADER_ROW, 2, "Statistic", x->header);
    for (int c = 0; c < ncols; c++)
        put_str(x, ws, XL_HEADER_ROW, XL_FIRST_PERIOD_COL + c, cols[c].label, x->header_right);
    x->width[0] = strlen("Line");
    x->width[1] = strlen("Metric");
    x->width[2] = strlen("Statistic");
}

/* Freeze panes, widths, filter and print set-up once a theme sheet is filled. */
static void sheet_finish(xl *x, lxw_worksheet *ws, int last_row, int ncols, double period_width)
{
    worksheet_freeze_panes(ws, XL_FIRST_DATA_ROW, XL_FIRST_PERIOD_COL);
    for (int c = 0; c < 3; c++) {
        double w = x->width[c] + 2;
        note_error(x, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w > 80 ? 80 : w, NULL));
    }
    if (ncols > 0)
        note_error(x, worksheet_set_column(ws, XL_FIRST_PERIOD_COL,
                                           (lxw_col_t)(XL_FIRST_PERIOD_COL + ncols - 1),
                                           period_width, NULL));
    if (last_row >= XL_FIRST_DATA_ROW)
        note_error(x, worksheet_autofilter(ws, XL_HEADER_ROW, 0, (lxw_row_t)last_row,
                                           (lxw_col_t)(XL_FIRST_PERIOD_COL + (ncols > 0 ? ncols - 1 : -1))));
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
}

static void section(xl *x, lxw_worksheet *ws, int *row, const char *title)
{
    put_str(x, ws, *row, 0, title, x->section);
    (*row)++;
}

/* Three rows (P10, P50, P90) of one line. */
static void line_rows(xl *x, lxw_worksheet *ws, int *row, const xline *ln, const xcol *cols,
                      int ncols)
{
    char metric[2 * 64];
    const send_metric_info *m1 = send_metric(ln->metric);
    const send_metric_info *m2 = ln->metric2 >= 0 ? send_metric(ln->metric2) : NULL;
    if (m2)
        snprintf(metric, sizeof metric, "%s + %s", m1->name, m2->name);
    else
        snprintf(metric, sizeof metric, "%s", m1->name);
    lxw_format *num = unit_format(x, ln->metric);
    double q[XL_MAX_COLS][3];
    for (int c = 0; c < ncols; c++) {
        if (cols[c].period >= 0)
            line_quantiles(x, ln->metric, ln->metric2, cols[c].period, q[c]);
        else /* no such period in this column's year */
            q[c][0] = q[c][1] = q[c][2] = NAN;
    }
    for (int s = 0; s < 3; s++) {
        int r = *row + s;
        put_label(x, ws, r, 0, ln->label, ln->indent ? x->label_indent : x->label);
        put_label(x, ws, r, 1, metric, x->text);
        put_label(x, ws, r, 2, stat_label[s], x->text);
        for (int c = 0; c < ncols; c++) {
            double v = q[c][s];
            if (is_capacity(ln->metric) && v < 0)
                put_str(x, ws, r, XL_FIRST_PERIOD_COL + c, "not limited", x->not_limited);
            else
                put_num(x, ws, r, XL_FIRST_PERIOD_COL + c, v, num);
        }
    }
    *row += 3;
}

/* Month index (within the outputs) of month `month` (1-12) of `year`, or -1 outside. */
static int month_period(const send_output *o, int year, int month)
{
    int i = (year - 1970) * 12 + (month - 1) - o->first_month_index;
    return i >= 0 && i < o->n_months ? i : -1;
}

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Columns for the given months (1-12, ascending) of every year inside the horizon. */
static int month_cols(const send_output *o, const int *months, int nm, xcol *cols)
{
    int n = 0;
    for (int y = 0; y < o->n_years && n < XL_MAX_COLS; y++)
        for (int k = 0; k < nm && n < XL_MAX_COLS; k++) {
            int yr = o->first_year + y, p = month_period(o, yr, months[k]);
            if (p < 0)
                continue;
            cols[n].period = p;
            snprintf(cols[n].label, sizeof cols[n].label, "%s %d", month_abbr[months[k] - 1], yr);
            n++;
        }
    return n;
}

/* ---- Sheets ------------------------------------------------------------------------------ */

/* A new worksheet, or NULL (the failure noted) when libxlsxwriter cannot make one. */
static lxw_worksheet *add_sheet(xl *x, const char *name)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (!ws)
        note_error(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return ws;
}

static void sheet_ehcp(xl *x)
{
    lxw_worksheet *ws = add_sheet(x, "EHCP numbers");
    if (!ws)
        return;
    xcol cols[XL_MAX_COLS];
    static const int jan[1] = {1};
    int nc = month_cols(x->o0, jan, 1, cols);
    sheet_head(x, ws, "EHC plans in January, by age band (SEN2) and placement type",
               "EHC plans in place on 1 January of each year. Percentiles are of each line "
               "separately, so the lines' P50s need not add up to the total's P50.",
               cols, nc);
    int row = XL_FIRST_DATA_ROW;
    line_rows(x, ws, &row, &(xline){"All EHC plans", M_EHCP_TOTAL, -1, 0}, cols, nc);
    section(x, ws, &row, "By age band (SEN2)");
    for (int b = 0; b < BAND_COUNT; b++)
        line_rows(x, ws, &row, &(xline){band_label[b], M_EHCP_BAND + b, -1, 1}, cols, nc);
    section(x, ws, &row, "By placement type");
    for (int p = 0; p < PROV_COUNT; p++)
        line_rows(x, ws, &row, &(xline){prov_label[p], M_PLACEMENTS + p, -1, 1}, cols, nc);
    sheet_finish(x, ws, row - 1, nc, 11);
}

static void sheet_flows(xl *x)
{
    lxw_worksheet *ws = add_sheet(x, "Flows and timeliness");
    if (!ws)
        return;
    const send_output *o = x->o0;
    xcol cols[XL_MAX_COLS];
    int nc = 0;
    int last_month = o->first_month_index + o->n_months - 1;
    for (int y = 0; y < o->n_years && nc < XL_MAX_COLS; y++, nc++) {
        int yr = o->first_year + y;
        int part = (y == 0 && o->first_month_index % 12 != 0) ||
                   (y == o->n_years - 1 && last_month % 12 != 11);
        cols[nc].period = y;
        snprintf(cols[nc].label, sizeof cols[nc].label, part ? "%d (part)" : "%d", yr);
    }
    sheet_head(x, ws, "Requests, assessments, plans, timeliness and appeals, by calendar year",
               "Counts in each calendar year; '(part)' marks a year only partly inside the horizon. "
               "The % within 20 weeks and mean weeks are of the plans issued in the year.",
               cols, nc);
    static const xline lines[] = {
        {"Requests for an EHC needs assessment", C_REQUESTS, -1, 0},
        {"Requests refused (decision not to assess)", C_REFUSED, -1, 0},
        {"Assessments completed", C_ASSESSMENTS, -1, 0},
        {"New EHC plans issued", C_NEW_PLANS, -1, 0},
        {"EHC plans ceased", C_CEASED, -1, 0},
        {"New plans issued within 20 weeks (%)", C_PCT_20W, -1, 0},
        {"Mean weeks from request to final plan", C_MEAN_WEEKS, -1, 0},
        {"Tribunal appeals against a refusal to assess", C_APPEALS, -1, 0},
    };
    int row = XL_FIRST_DATA_ROW;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        line_rows(x, ws, &row, &lines[i], cols, nc);
    sheet_finish(x, ws, row - 1, nc, 11);
}

static void sheet_sufficiency(xl *x)
{
    lxw_worksheet *ws = add_sheet(x, "Sufficiency");
    if (!ws)
        return;
    xcol cols[XL_MAX_COLS];
    static const int months[2] = {1, 9};
    int nc = month_cols(x->o0, months, 2, cols);
    sheet_head(x, ws,
               "Sufficiency of places by provision: capacity, demand and waiting list, January "
               "and September",
               "Stocks on the first day of the month. 1 September shows the waiting list at its "
               "height, just before the new school year's placements. Demand = children placed "
               "+ children waiting for a place of that type.",
               cols, nc);
    int row = XL_FIRST_DATA_ROW;
    for (int p = 0; p < PROV_COUNT; p++) {
        if (!send_provision_is_place((send_provision)p))
            continue;
        section(x, ws, &row, prov_label[p]);
        line_rows(x, ws, &row, &(xline){"Capacity (places)", M_CAPACITY + p, -1, 1}, cols, nc);
        line_rows(x, ws, &row,
                  &(xline){"Demand (placed + waiting)", M_PLACEMENTS + p, M_WAITING + p, 1}, cols,
                  nc);
        line_rows(x, ws, &row, &(xline){"Waiting list", M_WAITING + p, -1, 1}, cols, nc);
    }
    sheet_finish(x, ws, row - 1, nc, 11);
}

/* Columns for every financial year inside the horizon. */
static int fy_cols(const send_output *o, xcol *cols)
{
    int nc = 0;
    for (int f = 0; f < o->n_fys && nc < XL_MAX_COLS; f++, nc++) {
        cols[nc].period = f;
        send_output_period_label(o, F_SPEND, f, cols[nc].label, sizeof cols[nc].label);
    }
    return nc;
}

static void sheet_finance(xl *x)
{
    lxw_worksheet *ws = add_sheet(x, "Finance");
    if (!ws)
        return;
    xcol cols[XL_MAX_COLS];
    int nc = fy_cols(x->o0, cols);
    sheet_head(x, ws,
               "DSG high-needs summary in the row order of the DfE DSG management plan template: "
               "income, expenditure lines, in-year and cumulative balance, by financial year "
               "(GBP; negative balance = deficit)",
               "Financial years April to March wholly inside the horizon. Percentiles are of "
               "each line separately, so the lines' P50s need not add up to the total's P50. "
               "Transport and assessment are general-fund costs, outside the DSG unless the "
               "scenario's finance.dsg_includes puts them in.",
               cols, nc);
    int row = XL_FIRST_DATA_ROW;
    section(x, ws, &row, "Income");
    for (int l = 0; l < DSG_INCOME_LINES; l++)
        line_rows(x, ws, &row, &(xline){send_dsg_line_labels[l], F_DSG_LINE + l, -1, 1}, cols, nc);
    line_rows(x, ws, &row, &(xline){"Total income", F_INCOME, -1, 0}, cols, nc);
    section(x, ws, &row, "Expenditure");
    for (int l = DSG_INCOME_LINES; l < DSG_LINE_COUNT; l++)
        line_rows(x, ws, &row, &(xline){send_dsg_line_labels[l], F_DSG_LINE + l, -1, 1}, cols, nc);
    line_rows(x, ws, &row, &(xline){"Total expenditure", F_SPEND, -1, 0}, cols, nc);
    section(x, ws, &row, "Balance (negative = deficit)");
    line_rows(x, ws, &row, &(xline){"In-year surplus / (deficit)", F_DSG_INYEAR, -1, 0}, cols, nc);
    line_rows(x, ws, &row, &(xline){"Cumulative balance brought forward", F_DSG_BF, -1, 0}, cols,
              nc);
    line_rows(x, ws, &row, &(xline){"Cumulative balance carried forward", F_DSG_BALANCE, -1, 0},
              cols, nc);
    section(x, ws, &row, "Outside the high-needs block (other budgets)");
    line_rows(x, ws, &row,
              &(xline){"Home-to-school transport (general fund)", F_SPEND_TRANSPORT, -1, 1}, cols,
              nc);
    line_rows(x, ws, &row,
              &(xline){"Assessments and tribunal appeals (general fund)", F_SPEND_ASSESS, -1, 1},
              cols, nc);
    line_rows(x, ws, &row, &(xline){"Social care (level-4 shares)", F_SOCIAL_CARE, -1, 1}, cols,
              nc);
    line_rows(x, ws, &row, &(xline){"Health (level-4 shares)", F_HEALTH, -1, 1}, cols, nc);
    sheet_finish(x, ws, row - 1, nc, 14);
}

/* ---- Service sheets ----------------------------------------------------------------------- */

/* Columns of a service sheet: one per calendar year of the horizon. cols[kind][c] is the
 * period of that kind in column c's year (-1 when there is none: a January or a financial year
 * outside the horizon), labelled in the kind's own words ("Jan 2026", "2026", "2026-27"). */
static int service_cols(const send_output *o, xcol cols[3][XL_MAX_COLS])
{
    int nc = 0, last_month = o->first_month_index + o->n_months - 1;
    for (int y = 0; y < o->n_years && nc < XL_MAX_COLS; y++, nc++) {
        int yr = o->first_year + y, f = yr - o->first_fy;
        int part = (y == 0 && o->first_month_index % 12 != 0) ||
                   (y == o->n_years - 1 && last_month % 12 != 11);
        cols[SEND_MONTHLY][nc].period = month_period(o, yr, 1);
        snprintf(cols[SEND_MONTHLY][nc].label, sizeof cols[0][0].label, "Jan %d", yr);
        cols[SEND_CY][nc].period = y;
        snprintf(cols[SEND_CY][nc].label, sizeof cols[0][0].label, part ? "%d (part)" : "%d", yr);
        cols[SEND_FY][nc].period = f >= 0 && f < o->n_fys ? f : -1;
        if (f >= 0 && f < o->n_fys)
            send_output_period_label(o, F_SPEND, f, cols[SEND_FY][nc].label,
                                     sizeof cols[0][0].label);
        else
            cols[SEND_FY][nc].label[0] = '\0';
    }
    return nc;
}

static const char *const kind_heading[3] = {
    [SEND_MONTHLY] = "On 1 January",
    [SEND_CY] = "In the calendar year",
    [SEND_FY] = "By financial year (April to March)",
};

/* One sheet per service that ran (send_services.h): its lines grouped by period kind, each
 * kind's block in the order its first line has in the table, opened by a row naming the kind
 * with its own period labels over the year columns. */
static void sheet_service(xl *x, send_service s)
{
    if (!send_service_ran(x->res, s))
        return;
    const send_service_info *si = &send_services[s];
    lxw_worksheet *ws = add_sheet(x, si->title);
    if (!ws)
        return;
    xcol kc[3][XL_MAX_COLS];
    int nc = service_cols(x->o0, kc);
    xcol head_cols[XL_MAX_COLS];
    for (int c = 0; c < nc; c++) {
        head_cols[c].period = c;
        snprintf(head_cols[c].label, sizeof head_cols[c].label, "%d", x->o0->first_year + c);
    }
    char title[256], note[512];
    snprintf(title, sizeof title, "%s: %s", si->title, si->heading);
    snprintf(note, sizeof note,
             "Each column is a calendar year: stocks on 1 January of it, counts in it, money "
             "in the financial year that starts in its April. Percentiles are of each line "
             "separately.%s%s%s",
             si->budget ? " Costs are charged to " : "", si->budget ? si->budget : "",
             si->budget ? "." : "");
    sheet_head(x, ws, title, note, head_cols, nc);
    int row = XL_FIRST_DATA_ROW, kinds[3], nk = 0;
    for (int i = 0; i < send_service_n_lines; i++) {
        const send_service_line *ln = &send_service_lines[i];
        int k = (int)send_metric(ln->metric)->kind, seen = 0;
        for (int j = 0; j < nk; j++)
            seen |= kinds[j] == k;
        if (ln->service == s && !seen)
            kinds[nk++] = k;
    }
    for (int j = 0; j < nk; j++) {
        int k = kinds[j];
        put_str(x, ws, row, 0, kind_heading[k], x->section);
        for (int c = 0; c < nc; c++)
            put_str(x, ws, row, XL_FIRST_PERIOD_COL + c, kc[k][c].label, x->header_right);
        row++;
        const char *group = NULL;
        for (int i = 0; i < send_service_n_lines; i++) {
            const send_service_line *ln = &send_service_lines[i];
            const send_metric_info *mi = send_metric(ln->metric);
            if (ln->service != s || (int)mi->kind != k)
                continue;
            if (ln->group && (!group || strcmp(group, ln->group)))
                section(x, ws, &row, ln->group);
            group = ln->group;
            char label[256];
            snprintf(label, sizeof label, "%s (%s)", ln->label, send_unit_words(mi->unit));
            line_rows(x, ws, &row, &(xline){label, ln->metric, -1, group != NULL}, kc[k], nc);
        }
    }
    sheet_finish(x, ws, row - 1, nc, 11);
}

static void sheet_services(xl *x)
{
    for (int s = 0; s < SEND_SVC_COUNT && x->first_error == LXW_NO_ERROR; s++)
        sheet_service(x, (send_service)s);
}

/* Rows of a label (column A) and its text (column B), from *row on. */
static void label_rows(xl *x, lxw_worksheet *ws, int *row, const char *rows[][2], size_t n)
{
    for (size_t i = 0; i < n; i++, (*row)++) {
        put_str(x, ws, *row, 0, rows[i][0], x->label);
        put_str(x, ws, *row, 1, rows[i][1], x->text);
    }
}

static void sheet_scenario(xl *x)
{
    lxw_worksheet *ws = add_sheet(x, "Scenario");
    if (!ws)
        return;
    const send_meta *m = x->meta;
    put_str(x, ws, 0, 0, "Scenario parameters and provenance", x->title);
    put_str(x, ws, 1, 0,
            "Every value of the scenario as resolved (after extends), with the comment on its "
            "line (its source, or 'assumption') and the file and line that set it.",
            x->note);
    static const char *const head[4] = {"Key", "Value", "Source or assumption", "Set in (file:line)"};
    double width[4] = {20, 20, 30, 24};
    for (int c = 0; c < 4; c++)
        put_str(x, ws, XL_HEADER_ROW, c, head[c], x->header);
    int row = XL_FIRST_DATA_ROW;
    int np = m ? m->n_params : 0;
    for (int i = 0; i < np; i++, row++) {
        const send_param_row *pr = &m->params[i];
        char where[1200];
        if (pr->file && *pr->file)
            snprintf(where, sizeof where, "%s:%d", pr->file, pr->line);
        else
            where[0] = '\0';
        const char *cells[4] = {pr->key, pr->value, pr->note, where};
        for (int c = 0; c < 4; c++) {
            put_str(x, ws, row, c, cells[c], x->text);
            double w = cells[c] ? (double)strlen(cells[c]) + 2 : 0;
            if (w > width[c])
                width[c] = w;
        }
    }
    if (np == 0)
        put_str(x, ws, row++, 0, "(no parameters recorded)", x->note);
    row++;
    put_str(x, ws, row++, 0, "Provenance", x->section);
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)x->res->master_seed);
    const char *s_rows[][2] = {
        {"Scenario", m ? m->scenario_name : NULL},
        {"Scenario file", m ? m->scenario_path : NULL},
        {"Seed", seed},
    };
    label_rows(x, ws, &row, s_rows, sizeof s_rows / sizeof s_rows[0]);
    put_str(x, ws, row, 0, "Replications", x->label);
    put_num(x, ws, row++, 1, x->res->n, x->count);
    const char *t_rows[][2] = {
        {"Version", m ? m->version : NULL},   {"Build", m ? m->build : NULL},
        {"Host", m ? m->host : NULL},         {"Started (UTC)", m ? m->started : NULL},
        {"Finished (UTC)", m ? m->finished : NULL},
    };
    label_rows(x, ws, &row, t_rows, sizeof t_rows / sizeof t_rows[0]);
    put_str(x, ws, row, 0, "Threads", x->label);
    if (m)
        put_num(x, ws, row, 1, m->threads, x->count);
    row++;
    put_str(x, ws, row, 0, "Wall time (seconds)", x->label);
    if (m)
        put_num(x, ws, row, 1, m->wall_seconds, x->decimal);
    row++;
    put_str(x, ws, row, 0, "Exported by", x->label);
    put_str(x, ws, row, 1, "sendsim " SENDSIM_VERSION, x->text);

    worksheet_freeze_panes(ws, XL_FIRST_DATA_ROW, 1);
    for (int c = 0; c < 4; c++)
        note_error(x, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                                           width[c] > 70 ? 70 : width[c], NULL));
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
}

/* ---- Workbook ---------------------------------------------------------------------------- */

static int make_formats(xl *x)
{
    lxw_format **all[] = {&x->title, &x->note, &x->header, &x->header_right, &x->section,
                          &x->label, &x->label_indent, &x->text, &x->count, &x->money,
                          &x->decimal, &x->not_limited};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!(*all[i] = workbook_add_format(x->wb)))
            return -1;
    format_set_bold(x->title);
    format_set_font_size(x->title, 13);
    format_set_italic(x->note);
    format_set_bold(x->header);
    format_set_bottom(x->header, LXW_BORDER_THIN);
    format_set_bold(x->header_right);
    format_set_bottom(x->header_right, LXW_BORDER_THIN);
    format_set_align(x->header_right, LXW_ALIGN_RIGHT);
    format_set_bold(x->section);
    format_set_indent(x->label_indent, 1);
    format_set_num_format(x->count, "#,##0");
    format_set_num_format(x->money, "\xC2\xA3#,##0"); /* £#,##0 */
    format_set_num_format(x->decimal, "0.0");
    format_set_italic(x->not_limited);
    format_set_align(x->not_limited, LXW_ALIGN_RIGHT);
    return 0;
}

int send_export_xlsx(const char *path, const send_results *res, const send_meta *meta,
                     const volatile sig_atomic_t *cancel, des_error *err)
{
    io_atomic a;
    int rc = export_open(&a, path, res, err);
    if (rc)
        return rc;
    /* libxlsxwriter writes the temporary file by name; io_atomic commits it. */
    fclose(a.f);
    a.f = NULL;
    xl x = {.res = res, .meta = meta, .o0 = &res->reps[0]};
    x.scratch = malloc((size_t)res->n * sizeof *x.scratch);
    x.wb = x.scratch ? workbook_new(a.tmp_path) : NULL;
    if (!x.wb || make_formats(&x) != 0) {
        if (x.wb)
            lxw_workbook_free(x.wb);
        free(x.scratch);
        io_atomic_abort(&a);
        return des_error_set(err, DES_ENOMEM, "cannot allocate the workbook '%s'", path);
    }
    void (*const sheets[])(xl *) = {sheet_ehcp, sheet_flows, sheet_sufficiency, sheet_finance,
                                    sheet_services, sheet_scenario};
    for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
        if ((cancel && *cancel) || x.first_error != LXW_NO_ERROR)
            break;
        sheets[i](&x);
    }
    free(x.scratch);
    if ((cancel && *cancel) || x.first_error != LXW_NO_ERROR) {
        lxw_workbook_free(x.wb);
        io_atomic_abort(&a);
        if (cancel && *cancel)
            return des_error_set(err, DES_ESTATE, "interrupted");
        return des_error_set(err, DES_EIO, "cannot write '%s' (%s)", path,
                             lxw_strerror(x.first_error));
    }
    lxw_error e = workbook_close(x.wb); /* writes the file and frees the workbook */
    if (e != LXW_NO_ERROR) {
        io_atomic_abort(&a);
        return des_error_set(err, DES_EIO, "cannot write '%s' (%s)", path, lxw_strerror(e));
    }
    a.f = fopen(a.tmp_path, "a"); /* for io_atomic_commit's fsync; "a" keeps the contents */
    if (!a.f) {
        io_atomic_abort(&a);
        return des_error_set(err, DES_EIO, "cannot write '%s' (cannot reopen the temporary file)",
                             path);
    }
    return io_atomic_commit(&a, cancel, err);
}
