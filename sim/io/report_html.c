/* report_html.c - the HTML report of a run: one self-contained page for a strategy workshop or
 * a commissioner.
 *
 * Order of the page: a one-screen headline (medians with P10-P90 in plain words), the charts
 * (inline SVG), the key tables (EHC plans by year, flows and timeliness, sufficiency, finance
 * by financial year), the services beside the EHC pathway that ran (their charts and a table
 * each, from send_service_lines; no section when none ran), one section per comparison table,
 * the scenario's assumptions with their sources, and provenance. Every figure is computed here from the replications with
 * send_results_stat, so the page agrees with the summary CSV. Every piece of text that comes
 * from a file is escaped; nothing on the page refers to anything outside it.
 * Time O(metrics x periods x n log n) for the statistics, plus the size of the charts.
 */
#include "send_report.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "send_io.h"
#include "send_services.h"

/* ---- text and numbers --------------------------------------------------------------------- */

void send_html_escape(FILE *f, const char *s)
{
    if (!s)
        return;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if (c >= 0x20 || c == '\n' || c == '\t')
                fputc(c, f);
        }
    }
}

/* "1234567" -> "1,234,567" (digits only, sign handled by the caller). */
static void group_thousands(const char *digits, char *out, size_t len)
{
    size_t n = strlen(digits), j = 0;
    for (size_t i = 0; i < n && j + 1 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0 && j + 2 < len)
            out[j++] = ',';
        out[j++] = digits[i];
    }
    out[j] = '\0';
}

void send_report_format(double v, const char *unit, char *buf, size_t len)
{
    if (isnan(v)) {
        snprintf(buf, len, "\xE2\x80\x93"); /* en dash */
        return;
    }
    const char *sign = v < 0 ? "-" : "";
    double a = fabs(v);
    if (unit && !strcmp(unit, "GBP")) {
        if (a >= 1e6 || a < 0.5)
            snprintf(buf, len, "%s\xC2\xA3%.1fm", sign, a / 1e6);
        else if (a >= 1e3)
            snprintf(buf, len, "%s\xC2\xA3%.0fk", sign, a / 1e3);
        else
            snprintf(buf, len, "%s\xC2\xA3%.0f", sign, a);
    } else if (unit && !strcmp(unit, "percent")) {
        snprintf(buf, len, "%s%.1f%%", sign, a);
    } else if (unit && !strcmp(unit, "weeks")) {
        snprintf(buf, len, "%s%.1f", sign, a);
    } else {
        char digits[64], grouped[96];
        snprintf(digits, sizeof digits, "%.0f", floor(a + 0.5));
        group_thousands(digits, grouped, sizeof grouped);
        if (!strcmp(grouped, "0"))
            sign = "";
        snprintf(buf, len, "%s%s", sign, grouped);
    }
}

/* Millions of pounds with one decimal and no symbol, for finance tables. */
static void format_millions(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "\xE2\x80\x93");
    else if (snprintf(buf, len, "%.1f", v / 1e6) > 0 && !strcmp(buf, "-0.0"))
        snprintf(buf, len, "0.0");
}

static const char *const month_names[12] = {"January", "February", "March",     "April",
                                             "May",     "June",     "July",      "August",
                                             "September", "October", "November", "December"};

/* ---- the page ----------------------------------------------------------------------------- */

typedef struct page {
    FILE *f;
    const send_report_input *in;
    const send_results *res;
    const send_output *o; /* replication 0: the shape of every series */
    const send_meta *meta;
    double *scratch;
    int chart_seq;
} page;

static void esc(page *pg, const char *s) { send_html_escape(pg->f, s); }

/* Whether a service beside the EHC pathway ran (then the page has its section). */
static int any_service(const send_results *res)
{
    for (int s = 0; s < SEND_SVC_COUNT; s++)
        if (send_service_ran(res, (send_service)s))
            return 1;
    return 0;
}

static send_stat stat_of(page *pg, int metric, int period)
{
    send_stat st;
    send_results_get_stat(pg->res, metric, period, pg->scratch, &st);
    return st;
}

static const char *unit_of(int metric)
{
    const send_metric_info *mi = send_metric(metric);
    return mi ? mi->unit : "";
}

/* Index of the January of calendar year y in the monthly series, or -1 outside it. */
static int january(const send_output *o, int y)
{
    int i = (y - 1970) * 12 - o->first_month_index;
    return i >= 0 && i < o->n_months ? i : -1;
}

/* A calendar year is complete when its January and its December are both in the horizon. */
static int year_complete(const send_output *o, int y)
{
    int j = january(o, y);
    return j >= 0 && j + 11 < o->n_months;
}

static void month_words(const send_output *o, int i, char *buf, size_t len)
{
    int idx = o->first_month_index + i;
    snprintf(buf, len, "1 %s %d", month_names[idx % 12], 1970 + idx / 12);
}

static void month_year(const send_output *o, int i, char *buf, size_t len)
{
    int idx = o->first_month_index + i;
    snprintf(buf, len, "%s %d", month_names[idx % 12], 1970 + idx / 12);
}

static void fy_label(const send_output *o, int f, char *buf, size_t len)
{
    send_output_period_label(o, F_SPEND, f, buf, len);
}

/* Observed value of a metric for the period starting on `start`, or NaN. */
static double observed(const send_meta *m, int metric, des_date start)
{
    if (!m)
        return NAN;
    for (int i = 0; i < m->n_obs; i++)
        if (m->obs[i].metric == metric && m->obs[i].start == start)
            return m->obs[i].value;
    return NAN;
}

static int has_observed(const send_meta *m, int metric)
{
    for (int i = 0; m && i < m->n_obs; i++)
        if (m->obs[i].metric == metric)
            return 1;
    return 0;
}

/* Earliest calendar year with an observation of metric (INT32_MAX if none). */
static int first_observed_year(const send_meta *m, int metric)
{
    int best = 1 << 30;
    for (int i = 0; m && i < m->n_obs; i++)
        if (m->obs[i].metric == metric) {
            int y, mo, d;
            des_date_to_ymd(m->obs[i].start, &y, &mo, &d);
            if (y < best)
                best = y;
        }
    return best;
}

static void fmt(double v, const char *unit, char *buf, size_t len)
{
    send_report_format(v, unit, buf, len);
}

/* "P10–P90 a to b", or "the same in every run". */
static void range_words(page *pg, const send_stat *st, const char *unit)
{
    char a[48], b[48];
    if (st->n == 0) {
        fputs("no value in any run", pg->f);
        return;
    }
    fmt(st->q[1], unit, a, sizeof a);
    fmt(st->q[5], unit, b, sizeof b);
    if (!strcmp(a, b))
        fputs("the same in every run", pg->f);
    else
        fprintf(pg->f, "P10\xE2\x80\x93P90 %s to %s", a, b);
}

/* A table cell: median, and the P10-P90 range below it in small type. */
static void td_stat(page *pg, int metric, int period)
{
    if (period < 0) {
        fputs("<td class=\"n\">\xE2\x80\x93</td>", pg->f);
        return;
    }
    send_stat st = stat_of(pg, metric, period);
    const char *unit = unit_of(metric);
    char m[48], a[48], b[48];
    fmt(st.q[3], unit, m, sizeof m);
    fmt(st.q[1], unit, a, sizeof a);
    fmt(st.q[5], unit, b, sizeof b);
    fprintf(pg->f, "<td class=\"n\">%s", m);
    if (st.n > 0 && strcmp(a, b))
        fprintf(pg->f, "<span class=\"rng\">%s\xE2\x80\x93%s</span>", a, b);
    fputs("</td>", pg->f);
}

static void td_num(page *pg, double v, const char *unit)
{
    char m[48];
    fmt(v, unit, m, sizeof m);
    fprintf(pg->f, "<td class=\"n\">%s</td>", m);
}

/* ---- head and headline -------------------------------------------------------------------- */

static const char css[] =
    "*{box-sizing:border-box}"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
    "sans-serif;color:#1b1b1b;background:#fff;margin:0 auto;max-width:1160px;padding:16px 20px;"
    "line-height:1.4}"
    "h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;margin:28px 0 8px;padding-top:8px;"
    "border-top:2px solid #1d4f91}h3{font-size:1.05em;margin:18px 0 6px}"
    "p.sub{color:#444;margin:0 0 8px}nav a{margin-right:14px;color:#1d4f91}"
    ".explain,.note{color:#444;font-size:.92em}.note{background:#fff6d6;padding:6px 10px;"
    "border-left:4px solid #d9a400}"
    ".cards{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}"
    "@media (max-width:900px){.cards{grid-template-columns:1fr 1fr}}"
    "@media (max-width:600px){.cards{grid-template-columns:1fr}}"
    ".card{border:1px solid #c8d3e3;border-radius:6px;padding:10px 12px;background:#f6f9fd}"
    ".card h3{margin:0 0 4px;font-size:.95em;color:#1d4f91;text-transform:uppercase;"
    "letter-spacing:.03em}.card .big{font-size:1.9em;font-weight:700;margin:0}"
    ".card p{margin:4px 0;font-size:.93em}"
    /* one chart a row, never wider than drawn (900 px): its text stays at its drawn size */
    ".charts,.figs{display:grid;grid-template-columns:1fr;gap:14px}"
    "figure{margin:0;border:1px solid #ddd;padding:6px;background:#fff;max-width:914px}"
    "figure svg{width:100%;height:auto;display:block}figcaption{font-size:.9em;color:#333;"
    "margin-top:4px}"
    "table{border-collapse:collapse;font-size:.88em;margin:6px 0 12px;"
    "font-variant-numeric:tabular-nums}"
    "th,td{border-bottom:1px solid #dde;padding:3px 8px;vertical-align:top;text-align:left}"
    "th{background:#eef2f8;font-weight:600}td.n,th.n{text-align:right}"
    "td.n,td.nw,th.nw{white-space:nowrap}td.ind{padding-left:20px}"
    ".tw{overflow-x:auto;max-width:100%}"
    ".rng{display:block;font-size:.82em;color:#5a5a5a;font-weight:400}td.obs{color:#7a3e00}"
    "tr.hist td{color:#666}.k{font-family:ui-monospace,Menlo,Consolas,monospace;"
    "font-size:.95em}tr.nosrc td.src{color:#a00}"
    ".v-higher,.v-lower{font-weight:600}.v-noise,.v-same{color:#666;font-style:italic}"
    ".cmp{display:block}.figs{margin-top:12px}"
    "details{margin:8px 0}summary{cursor:pointer;color:#1d4f91}"
    "pre{background:#f4f4f4;padding:8px;overflow-x:auto;font-size:.85em}"
    /* print: A4, no navigation or fold-outs (their content is in the files), charts the
     * width of the page (their text about 8 pt), tables that may break between rows */
    "@page{size:A4;margin:12mm}"
    "@media print{body{max-width:none;padding:0;font-size:10pt}nav,details{display:none}"
    "h2{break-after:avoid;margin-top:14px}figure,.card,tr{break-inside:avoid}"
    ".charts,.figs{gap:6px}figure{padding:2px;border:0;max-width:none}"
    "figcaption{font-size:8pt}table{font-size:8.5pt}.tw{overflow:visible}"
    "a{color:inherit;text-decoration:none}}";

static void head(page *pg)
{
    FILE *f = pg->f;
    const char *name = pg->meta && pg->meta->scenario_name ? pg->meta->scenario_name : "";
    fputs("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>", f);
    const char *title = pg->in->title && *pg->in->title ? pg->in->title : NULL;
    if (title) {
        esc(pg, title);
        fputs(" - ", f);
    }
    fputs("SEND forecast: ", f);
    esc(pg, name);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
    if (title) { /* the user's title leads; the scenario follows as the first words below */
        esc(pg, title);
        fputs("</h1>\n<p class=\"sub\">SEND forecast: <b>", f);
        esc(pg, name);
        fputs("</b>. ", f);
    } else {
        fputs("SEND forecast: ", f);
        esc(pg, name);
        fputs("</h1>\n<p class=\"sub\">", f);
    }
    char a[40], b[40];
    month_year(pg->o, 0, a, sizeof a);
    month_year(pg->o, pg->o->n_months - 1, b, sizeof b);
    fprintf(f, "From %s to %s, %d simulated futures (seed %llu)", a, b, pg->res->n,
            (unsigned long long)pg->res->master_seed);
    if (pg->meta && pg->meta->scenario_path) {
        fputs(", scenario file ", f);
        esc(pg, pg->meta->scenario_path);
    }
    if (pg->in->generated) {
        fputs(". Report made ", f);
        esc(pg, pg->in->generated);
    }
    fputs(".</p>\n<nav><a href=\"#headline\">Headline</a><a href=\"#charts\">Charts</a>"
          "<a href=\"#ehcp\">EHC plans</a><a href=\"#flows\">Flows and timeliness</a>"
          "<a href=\"#sufficiency\">Sufficiency</a><a href=\"#finance\">Finance</a>",
          f);
    if (any_service(pg->res))
        fputs("<a href=\"#services\">Services</a>", f);
    for (int i = 0; i < pg->in->n_compare; i++)
        fprintf(f, "<a href=\"#compare-%d\">Comparison %d</a>", i + 1, i + 1);
    for (int i = 0; i < pg->in->n_backtest; i++)
        fprintf(f, "<a href=\"#backtest-%d\">Back-test %d</a>", i + 1, i + 1);
    fputs("<a href=\"#assumptions\">Assumptions</a><a href=\"#provenance\">Provenance</a>"
          "</nav>\n</header>\n",
          f);
}

/* First and last complete calendar years (indices), or the first and last years. */
static void year_span(const send_output *o, int *y0, int *y1)
{
    *y0 = *y1 = -1;
    for (int y = 0; y < o->n_years; y++)
        if (year_complete(o, o->first_year + y)) {
            if (*y0 < 0)
                *y0 = y;
            *y1 = y;
        }
    if (*y0 < 0) {
        *y0 = 0;
        *y1 = o->n_years - 1;
    }
}

/* "<b>X</b> in YEAR (range)" for a calendar-year metric. */
static void year_phrase(page *pg, int metric, int y)
{
    const send_output *o = pg->o;
    send_stat st = stat_of(pg, metric, y);
    char m[48];
    fmt(st.q[3], unit_of(metric), m, sizeof m);
    fprintf(pg->f, "<b>%s</b> in %d%s (", m, o->first_year + y,
            year_complete(o, o->first_year + y) ? "" : " (part year)");
    range_words(pg, &st, unit_of(metric));
    fputs(")", pg->f);
}

/* The start of a headline card: its title and big figure, then the opening of the paragraph
 * that explains the figure (the caller writes the paragraph and closes both). */
static void card_open(page *pg, const char *id, const char *title, const char *big)
{
    fprintf(pg->f, "<div class=\"card\" id=\"%s\"><h3>%s</h3><p class=\"big\">%s</p><p>", id,
            title, big);
}

/* year_phrase of year y1, then ", against" that of year y0 when the two differ. */
static void year_against(page *pg, int metric, int y1, int y0)
{
    year_phrase(pg, metric, y1);
    if (y0 != y1) {
        fputs(", against ", pg->f);
        year_phrase(pg, metric, y0);
    }
}

/* Across replications, the largest monthly value of a metric in the 12 months from `first`
 * (fewer at the end of the horizon): its median and percentiles in out->q. */
static void busiest_month(page *pg, int metric, int first, send_stat *out)
{
    const send_output *o = pg->o;
    int end = first + 12 < o->n_months ? first + 12 : o->n_months;
    int k = 0;
    for (int r = 0; r < pg->res->n; r++) {
        const double *row = send_output_row(&pg->res->reps[r], metric);
        double mx = NAN;
        for (int i = first; i < end; i++)
            if (!isnan(row[i]) && (isnan(mx) || row[i] > mx))
                mx = row[i];
        pg->scratch[k++] = mx;
    }
    send_stat_of(pg->scratch, k, out);
}

/* What the bands hold besides chance: the keys each replication drew from a prior, the
 * calibrated ensemble's sets, the forecast-error term (from the results' parameter table) and
 * the allocation's growth (finance.grant.year_sd, the last value the scenario files set). */
static void bands_explain(page *pg)
{
    FILE *f = pg->f;
    const send_results *res = pg->res;
    int priors = 0, ensemble = 0, discrepancy = 0, money = 0;
    for (int j = 0; j < res->n_params; j++) {
        if (!strcmp(res->param_paths[j], "ensemble.set"))
            ensemble = 1;
        else if (!strncmp(res->param_paths[j], "discrepancy.", 12)) {
            discrepancy = 1;
            money |= !strcmp(res->param_paths[j], "discrepancy.ehcp_total");
        } else
            priors++;
    }
    double grant_sd = 0;
    for (int i = 0; pg->meta && i < pg->meta->n_params; i++)
        if (!strcmp(pg->meta->params[i].key, "finance.grant.year_sd"))
            grant_sd = strtod(pg->meta->params[i].value, NULL);
    fprintf(f, "<p class=\"explain\">Each figure is the median of %d simulated futures; "
               "P10\xE2\x80\x93P90 is the range that 8 in 10 of them fall within. ",
            res->n);
    if (!priors && !ensemble && !discrepancy && !(grant_sd > 0)) {
        fputs("The ranges show chance variation in demand and durations under this scenario's "
              "assumptions, not uncertainty in the assumptions themselves.</p>\n", f);
        return;
    }
    const char *part[4];
    char pr[96];
    int n = 0;
    if (priors) {
        snprintf(pr, sizeof pr, "the %d key%s given as priors", priors, priors == 1 ? "" : "s");
        part[n++] = pr;
    }
    if (ensemble)
        part[n++] = "the calibrated parameter sets";
    if (discrepancy)
        part[n++] = money ? "the forecast-error term measured in back-tests (on the published "
                            "measures and their parts, such as the age bands, and, through the "
                            "plans, the money; not on placements or waits for places)"
                          : "the forecast-error term measured in back-tests";
    if (grant_sd > 0)
        part[n++] = "the high-needs allocation's growth";
    fputs("The ranges show chance variation in demand and durations and, since each "
          "replication draws its own values, the uncertainty of ", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%s", i == 0 ? "" : i == n - 1 ? " and " : ", ", part[i]);
    fputs("; not the uncertainty of the scenario's other assumptions (listed under "
          "Assumptions).</p>\n", f);
}

static void headline(page *pg)
{
    FILE *f = pg->f;
    const send_output *o = pg->o;
    int last = o->n_months - 1, y0, y1;
    year_span(o, &y0, &y1);
    char w0[40], w1[40], m[48], m0[48];

    fputs("<section id=\"headline\">\n<h2>Headline</h2>\n", f);
    bands_explain(pg);
    fputs("<div class=\"cards\">\n", f);

    /* EHC plans now and at the end */
    send_stat s0 = stat_of(pg, M_EHCP_TOTAL, 0), s1 = stat_of(pg, M_EHCP_TOTAL, last);
    month_words(o, 0, w0, sizeof w0);
    month_words(o, last, w1, sizeof w1);
    fmt(s0.q[3], "plans", m0, sizeof m0);
    fmt(s1.q[3], "plans", m, sizeof m);
    card_open(pg, "h-ehcp", "EHC plans", m);
    fprintf(f, "EHC plans expected on %s (", w1);
    range_words(pg, &s1, "plans");
    fprintf(f, "), %s <b>%s</b> at the start of the forecast on %s (", 
            s1.q[3] >= s0.q[3] ? "up from" : "down from", m0, w0);
    range_words(pg, &s0, "plans");
    fputs(").</p></div>\n", f);

    /* new plans per year */
    fmt(stat_of(pg, C_NEW_PLANS, y1).q[3], "plans", m, sizeof m);
    card_open(pg, "h-new", "New EHC plans a year", m);
    fputs("New plans issued: ", f);
    year_against(pg, C_NEW_PLANS, y1, y0);
    fputs(".</p></div>\n", f);

    /* timeliness */
    fmt(stat_of(pg, C_PCT_20W, y1).q[3], "percent", m, sizeof m);
    card_open(pg, "h-20w", "Plans issued within 20 weeks", m);
    fputs("Share of new plans issued within 20 weeks of the request: ", f);
    year_against(pg, C_PCT_20W, y1, y0);
    fputs(".</p></div>\n", f);

    /* waiting for a place: on the last January census day, and at the busiest month of that
     * year (the count rises after each September transfer and falls as places free up) */
    int awaiting = M_PLACEMENTS + PROV_AWAITING, year = o->first_year + y1;
    int jan = january(o, year);
    if (jan < 0)
        jan = last;
    send_stat sw = stat_of(pg, awaiting, jan), peak;
    busiest_month(pg, awaiting, jan, &peak);
    month_words(o, jan, w0, sizeof w0);
    fmt(sw.q[3], "children", m, sizeof m);
    fmt(peak.q[3], "children", m0, sizeof m0);
    card_open(pg, "h-wait", "Children waiting for a place", m);
    fprintf(f, "Children with a plan waiting for a place (awaiting provision) on the census "
               "day, %s (", w0);
    range_words(pg, &sw, "children");
    fprintf(f, "); <b>%s</b> at the busiest month of %d (", m0, year);
    range_words(pg, &peak, "children");
    fputs("). Placement decisions that had to wait for a place: ", f);
    year_phrase(pg, C_WAITED_FOR_PLACE, y1);
    fputs(".</p></div>\n", f);

    /* money */
    if (o->n_fys > 0) {
        int fl = o->n_fys - 1;
        char fy[16];
        fy_label(o, fl, fy, sizeof fy);
        send_stat sp = stat_of(pg, F_SPEND, fl), sg = stat_of(pg, F_INCOME, fl);
        char g[48];
        fmt(sp.q[3], "GBP", m, sizeof m);
        fmt(sg.q[3], "GBP", g, sizeof g);
        card_open(pg, "h-spend", "High-needs spend", m);
        fprintf(f, "High-needs block expenditure in %s, the last financial year of the forecast "
                   "(",
                fy);
        range_words(pg, &sp, "GBP");
        fprintf(f, "), against high-needs income of %s. Transport and assessments are "
                   "general-fund costs beside it.</p></div>\n",
                g);

        send_stat sd = stat_of(pg, F_DSG_BALANCE, fl);
        fmt(sd.q[3], "GBP", m, sizeof m);
        int fy_start = o->first_fy + fl;
        card_open(pg, "h-deficit", "Cumulative DSG balance", m);
        fprintf(f, "Cumulative DSG high-needs balance carried forward on 31 March %d (",
                fy_start + 1);
        range_words(pg, &sd, "GBP");
        fputs(")", f);
        fputs(sd.q[3] < 0 ? "; negative: a deficit, as in the DfE template"
                          : "; not negative: no deficit",
              f);
        fputs(".</p></div>\n", f);
    } else {
        fputs("<div class=\"card\" id=\"h-spend\"><h3>High-needs spend and deficit</h3>"
              "<p>No complete financial year (April to March) lies inside the forecast, so "
              "spend and deficit are not reported.</p></div>\n",
              f);
    }
    fputs("</div>\n</section>\n", f);
}

/* ---- charts ------------------------------------------------------------------------------- */

static int inline_chart(page *pg, const char *path, const char *title, const char *prefix,
                        des_error *err)
{
    char *svg = send_report_svg_inline(path, prefix, err);
    if (!svg)
        return err ? err->code : DES_EIO;
    fputs("<figure>\n", pg->f);
    fputs(svg, pg->f);
    fputs("\n<figcaption>", pg->f);
    esc(pg, title && *title ? title : "");
    fputs("</figcaption>\n</figure>\n", pg->f);
    free(svg);
    return DES_OK;
}

static int charts(page *pg, des_error *err)
{
    FILE *f = pg->f;
    const send_plot_list *l = pg->in->charts;
    fputs("<section id=\"charts\">\n<h2>Charts</h2>\n", f);
    if (!l || l->n == 0) {
        fputs("<p class=\"note\">Charts were not drawn: ", f);
        esc(pg, pg->in->no_charts_reason ? pg->in->no_charts_reason
                                         : "no chart files were given");
        fputs(". The tables below hold the same figures.</p>\n</section>\n", f);
        return DES_OK;
    }
    fputs("<p class=\"explain\">Shaded bands are P10\xE2\x80\x93P90 (and wider percentiles "
          "where drawn) of the simulated futures around the median line; points are "
          "published figures where the scenario lists them.</p>\n<div class=\"charts\">\n",
          f);
    for (int i = 0; i < l->n; i++) {
        if (send_plot_service_of(l->paths[i]) >= 0)
            continue; /* in the services section */
        char prefix[32];
        snprintf(prefix, sizeof prefix, "c%d-", ++pg->chart_seq);
        int rc = inline_chart(pg, l->paths[i], l->titles ? l->titles[i] : NULL, prefix, err);
        if (rc)
            return rc;
    }
    fputs("</div>\n</section>\n", f);
    return DES_OK;
}

/* ---- tables by year ----------------------------------------------------------------------- */

typedef struct tcol {
    int metric;
    const char *label;
} tcol;

/* Rows by calendar year: monthly metrics at their January value, calendar-year metrics for
 * the year. Years before the forecast appear when a column has published figures for them;
 * published figures get their own column beside the forecast. */
static void year_table(page *pg, const tcol *cols, int ncols, const char *first_header)
{
    FILE *f = pg->f;
    const send_output *o = pg->o;
    int obs_col[32];
    int y_first = o->first_year, y_last = o->first_year + o->n_years - 1;
    for (int c = 0; c < ncols; c++) {
        obs_col[c] = has_observed(pg->meta, cols[c].metric);
        int fy = first_observed_year(pg->meta, cols[c].metric);
        if (obs_col[c] && fy < y_first)
            y_first = fy;
    }
    fprintf(f, "<div class=\"tw\"><table>\n<thead><tr><th>%s</th>", first_header);
    for (int c = 0; c < ncols; c++) {
        fprintf(f, "<th class=\"n\">%s</th>", cols[c].label);
        if (obs_col[c])
            fputs("<th class=\"n\">published</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (int y = y_first; y <= y_last; y++) {
        int yi = y - o->first_year;
        int in_forecast = yi >= 0;
        fprintf(f, "<tr%s><td>%d%s</td>", in_forecast ? "" : " class=\"hist\"", y,
                in_forecast && !year_complete(o, y) ? " (part)" : "");
        for (int c = 0; c < ncols; c++) {
            int m = cols[c].metric;
            const send_metric_info *mi = send_metric(m);
            int period = !in_forecast ? -1 : mi->kind == SEND_MONTHLY ? january(o, y) : yi;
            td_stat(pg, m, period);
            if (obs_col[c]) {
                char b[48];
                double ov = observed(pg->meta, m, des_date_from_ymd(y, 1, 1));
                fmt(ov, mi->unit, b, sizeof b);
                fprintf(f, "<td class=\"n%s\">%s</td>", isnan(ov) ? "" : " obs", b);
            }
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n", f);
}

static void ehcp_section(page *pg)
{
    FILE *f = pg->f;
    const send_output *o = pg->o;
    static const tcol cols[] = {
        {M_EHCP_TOTAL, "EHC plans"},
        {M_EHCP_BAND + BAND_UNDER5, "under 5"},
        {M_EHCP_BAND + BAND_5_10, "5\xE2\x80\x93" "10"},
        {M_EHCP_BAND + BAND_11_15, "11\xE2\x80\x93" "15"},
        {M_EHCP_BAND + BAND_16_19, "16\xE2\x80\x93" "19"},
        {M_EHCP_BAND + BAND_20_25, "20\xE2\x80\x93" "25"},
        {M_SEN_SUPPORT, "SEN Support"},
    };
    fputs("<section id=\"ehcp\">\n<h2>EHC plans by year</h2>\n<p class=\"explain\">Plans in "
          "place on the January census day, in total and by age band (academic age), and "
          "children at SEN Support: median, with P10\xE2\x80\x93P90 below. Published figures "
          "are shown beside the forecast where the scenario lists them.</p>\n",
          f);
    year_table(pg, cols, (int)(sizeof cols / sizeof cols[0]), "January");
    int last = o->n_months - 1;
    if ((o->first_month_index + last) % 12 != 0) {
        char w[40];
        month_words(o, last, w, sizeof w);
        fprintf(f, "<p class=\"explain\">At the end of the forecast, on %s: ", w);
        send_stat st = stat_of(pg, M_EHCP_TOTAL, last);
        char m[48];
        fmt(st.q[3], "plans", m, sizeof m);
        fprintf(f, "<b>%s</b> EHC plans (", m);
        range_words(pg, &st, "plans");
        fputs(").</p>\n", f);
    }
    fputs("</section>\n", f);
}

static void flows_section(page *pg)
{
    static const tcol cols[] = {
        {C_REQUESTS, "requests"},
        {C_REFUSED, "refused"},
        {C_ASSESSMENTS, "assessments"},
        {C_NEW_PLANS, "new plans"},
        {C_CEASED, "plans ceased"},
        {C_PCT_20W, "% within 20 weeks"},
        {C_MEAN_WEEKS, "mean weeks to issue"},
        {C_APPEALS, "tribunal appeals"},
    };
    fputs("<section id=\"flows\">\n<h2>Flows and timeliness</h2>\n<p class=\"explain\">By "
          "calendar year: requests for an EHC needs assessment, requests refused at the "
          "decision to assess, assessments concluded, new plans issued, plans ceased, the "
          "share of new plans issued within 20 weeks of the request and the mean weeks it "
          "took, and tribunal appeals against a refusal. A part year counts what happens "
          "inside the forecast.</p>\n",
          pg->f);
    year_table(pg, cols, (int)(sizeof cols / sizeof cols[0]), "year");
    fputs("</section>\n", pg->f);
}

/* ---- sufficiency -------------------------------------------------------------------------- */

/* Provision has a capacity limit in replication 0 at some month. */
static int is_limited(const send_output *o, int q)
{
    if (!send_metric(M_CAPACITY + q))
        return 0;
    const double *cap = send_output_row((send_output *)o, M_CAPACITY + q);
    for (int i = 0; i < o->n_months; i++)
        if (cap[i] >= 0)
            return 1;
    return 0;
}

static int ever_used(const send_results *res, int q)
{
    for (int r = 0; r < res->n; r++) {
        const send_output *o = &res->reps[r];
        const double *occ = send_output_row((send_output *)o, M_PLACEMENTS + q);
        for (int i = 0; i < o->n_months; i++)
            if (occ[i] != 0)
                return 1;
    }
    return 0;
}

static void sufficiency_section(page *pg)
{
    FILE *f = pg->f;
    const send_output *o = pg->o;
    int last = o->n_months - 1;
    char w0[40], w1[40];
    month_words(o, 0, w0, sizeof w0);
    month_words(o, last, w1, sizeof w1);
    fputs("<section id=\"sufficiency\">\n<h2>Sufficiency</h2>\n", f);
    fprintf(f, "<h3>Where children with a plan are placed</h3>\n<p class=\"explain\">Plan "
               "holders by provision at the start (%s) and the end (%s) of the forecast, the "
               "places available at the end, and children waiting for a place of that "
               "provision (counted under &#8216;awaiting provision&#8217; while they wait)."
               "</p>\n",
            w0, w1);
    fputs("<div class=\"tw\"><table>\n<thead><tr><th>provision</th><th class=\"n\">start</th>"
          "<th class=\"n\">end</th><th class=\"n\">places at the end</th>"
          "<th class=\"n\">waiting at the end</th></tr></thead>\n<tbody>\n",
          f);
    for (int q = 0; q < PROV_COUNT; q++) {
        int limited = is_limited(o, q);
        if (!limited && !ever_used(pg->res, q))
            continue;
        fputs("<tr><td>", f);
        const send_metric_info *mi = send_metric(M_PLACEMENTS + q);
        /* "plan holders in X" -> "X" */
        const char *d = mi->description;
        if (!strncmp(d, "plan holders in ", 16))
            d += 16;
        esc(pg, d);
        fputs("</td>", f);
        td_stat(pg, M_PLACEMENTS + q, 0);
        td_stat(pg, M_PLACEMENTS + q, last);
        if (limited)
            td_stat(pg, M_CAPACITY + q, last);
        else if (send_provision_is_place(q))
            fputs("<td class=\"n\">not limited</td>", f);
        else
            fputs("<td class=\"n\">\xE2\x80\x93</td>", f);
        if (send_metric(M_WAITING + q))
            td_stat(pg, M_WAITING + q, last);
        else
            fputs("<td class=\"n\">\xE2\x80\x93</td>", f);
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n", f);

    /* provisions with limited places: one group of columns each, a row per January */
    int lim[PROV_COUNT], nlim = 0;
    for (int q = 0; q < PROV_COUNT; q++)
        if (is_limited(o, q))
            lim[nlim++] = q;
    if (nlim > 0) {
        fputs("<h3>Provisions with a limited number of places, by January</h3>\n"
              "<p class=\"explain\">Places (the median over the futures, since new places may "
              "open late), children in place, and children waiting for a place of that "
              "provision, on the January census day.</p>\n<div class=\"tw\"><table>\n"
              "<thead><tr><th rowspan=\"2\">January</th>",
              f);
        for (int k = 0; k < nlim; k++) {
            fputs("<th class=\"n\" colspan=\"3\">", f);
            esc(pg, send_provision_names[lim[k]]);
            fputs("</th>", f);
        }
        fputs("</tr>\n<tr>", f);
        for (int k = 0; k < nlim; k++)
            fputs("<th class=\"n\">places</th><th class=\"n\">in place</th>"
                  "<th class=\"n\">waiting</th>",
                  f);
        fputs("</tr></thead>\n<tbody>\n", f);
        for (int y = o->first_year; y < o->first_year + o->n_years; y++) {
            int j = january(o, y);
            if (j < 0)
                continue;
            fprintf(f, "<tr><td>%d</td>", y);
            for (int k = 0; k < nlim; k++) {
                td_num(pg, stat_of(pg, M_CAPACITY + lim[k], j).q[3], "places");
                td_stat(pg, M_PLACEMENTS + lim[k], j);
                td_stat(pg, M_WAITING + lim[k], j);
            }
            fputs("</tr>\n", f);
        }
        fputs("</tbody>\n</table></div>\n", f);
    }

    static const tcol cols[] = {
        {M_PLACEMENTS + PROV_AWAITING, "awaiting provision in January"},
        {C_WAITED_FOR_PLACE, "decisions that waited"},
        {C_OVERFLOW, "placed in the overflow provision after waiting"},
        {C_MEAN_WAIT_PLACE_WEEKS, "mean wait (weeks)"},
    };
    fputs("<h3>Waiting for a place, by year</h3>\n<p class=\"explain\">Children awaiting "
          "provision on the January census day; placement decisions in the year that had to "
          "wait for a place; children placed independently (or wherever overflow goes) after "
          "waiting the longest allowed; and the mean wait among those placed after waiting."
          "</p>\n",
          f);
    year_table(pg, cols, (int)(sizeof cols / sizeof cols[0]), "year");
    fputs("</section>\n", f);
}

/* ---- finance ------------------------------------------------------------------------------ */

/* A row of the DSG summary table: a metric, its label, bold for totals. */
typedef struct fin_row {
    int metric;
    const char *label;
    int bold;
} fin_row;

/* Table cells of amounts in millions of pounds, one per value. */
static void millions_cells(FILE *f, const double *v, size_t n)
{
    char b[48];
    for (size_t c = 0; c < n; c++) {
        format_millions(v[c], b, sizeof b);
        fprintf(f, "<td class=\"n\">%s</td>", b);
    }
}

static void finance_section(page *pg)
{
    FILE *f = pg->f;
    const send_output *o = pg->o;
    fputs("<section id=\"finance\">\n<h2>Finance by financial year</h2>\n", f);
    if (o->n_fys == 0) {
        fputs("<p class=\"note\">No complete financial year (April to March) lies inside the "
              "forecast.</p>\n</section>\n",
              f);
        return;
    }
    fputs("<p class=\"explain\">The high-needs block of the Dedicated Schools Grant by "
          "financial year (April to March), in \xC2\xA3 million: P10, median (P50) and P90 of "
          "the simulated futures. Balances are negative when in deficit, as in the DfE's DSG "
          "management plan template.</p>\n"
          "<div class=\"tw\"><table>\n<thead><tr><th rowspan=\"2\">financial year</th>"
          "<th class=\"n\" colspan=\"3\">expenditure (\xC2\xA3m)</th><th class=\"n\" "
          "rowspan=\"2\">income (\xC2\xA3m, median)</th><th class=\"n\" colspan=\"3\">"
          "in-year balance (\xC2\xA3m)</th><th class=\"n\" colspan=\"3\">cumulative balance "
          "c/f (\xC2\xA3m)</th></tr>\n"
          "<tr><th class=\"n\">P10</th><th class=\"n\">P50</th><th class=\"n\">P90</th>"
          "<th class=\"n\">P10</th><th class=\"n\">P50</th><th class=\"n\">P90</th>"
          "<th class=\"n\">P10</th><th class=\"n\">P50</th><th class=\"n\">P90</th></tr>"
          "</thead>\n<tbody>\n",
          f);
    for (int i = 0; i < o->n_fys; i++) {
        char fy[16];
        fy_label(o, i, fy, sizeof fy);
        fprintf(f, "<tr><td>%s</td>", fy);
        send_stat sp = stat_of(pg, F_SPEND, i), sd = stat_of(pg, F_DSG_BALANCE, i),
                  si = stat_of(pg, F_DSG_INYEAR, i);
        double cells[] = {sp.q[1], sp.q[3], sp.q[5], stat_of(pg, F_INCOME, i).q[3],
                          si.q[1], si.q[3], si.q[5], sd.q[1], sd.q[3], sd.q[5]};
        millions_cells(f, cells, sizeof cells / sizeof cells[0]);
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n", f);

    /* what moves the balance: plans x cost per plan against income, split exactly */
    send_fin_driver *dr = malloc((size_t)o->n_fys * sizeof *dr);
    if (dr) {
        send_fin_drivers(pg->res, dr);
        fputs("<h3>What moves the balance (means over the simulated futures)</h3>\n"
              "<p class=\"explain\">Plans are the average caseload over the financial year; "
              "expenditure per plan is high-needs expenditure over them. The change of the "
              "in-year balance from the year before splits exactly into more plans at last "
              "year's cost per plan, each plan costing more (prices, bands, placement mix), and "
              "income growing; negative worsens the balance. \xC2\xA3 million unless said.</p>\n"
              "<div class=\"tw\"><table>\n<thead><tr><th>financial year</th>"
              "<th class=\"n\">plans</th><th class=\"n\">expenditure per plan "
              "(\xC2\xA3)</th><th class=\"n\">expenditure</th><th class=\"n\">income</th>"
              "<th class=\"n\">in-year</th><th class=\"n\">change</th><th class=\"n\">from "
              "more plans</th><th class=\"n\">from cost per plan</th><th class=\"n\">from "
              "income</th></tr></thead>\n<tbody>\n",
              f);
        for (int i = 0; i < o->n_fys; i++) {
            char fy[16], b[48];
            fy_label(o, i, fy, sizeof fy);
            fprintf(f, "<tr><td>%s</td><td class=\"n\">%.0f</td>", fy, dr[i].plans);
            if (isnan(dr[i].per_plan))
                snprintf(b, sizeof b, "\xE2\x80\x93");
            else
                snprintf(b, sizeof b, "%.0f", dr[i].per_plan);
            fprintf(f, "<td class=\"n\">%s</td>", b);
            double cells[] = {dr[i].spend,    dr[i].income, dr[i].inyear, dr[i].d_inyear,
                              dr[i].d_plans, dr[i].d_cost, dr[i].d_income};
            millions_cells(f, cells, sizeof cells / sizeof cells[0]);
            fputs("</tr>\n", f);
        }
        fputs("</tbody>\n</table></div>\n", f);
        free(dr);
    }

    /* published positions (observed dsg_inyear_gbp / dsg_balance_gbp) beside the forecast */
    static const int pub[2] = {F_DSG_INYEAR, F_DSG_BALANCE};
    if (has_observed(pg->meta, pub[0]) || has_observed(pg->meta, pub[1])) {
        fputs("<h3>Published positions beside the forecast (\xC2\xA3 million)</h3>\n"
              "<div class=\"tw\"><table>\n<thead><tr><th>financial year</th><th>measure</th>"
              "<th class=\"n\">published</th><th class=\"n\">forecast P10</th>"
              "<th class=\"n\">P50</th><th class=\"n\">P90</th></tr></thead>\n<tbody>\n",
              f);
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < pg->meta->n_obs; i++) {
                const send_obs *ob = &pg->meta->obs[i];
                if (ob->metric != pub[k])
                    continue;
                char fy[16], b[48];
                send_period_label(SEND_FY, ob->start, fy, sizeof fy);
                int y, mo, d;
                des_date_to_ymd(ob->start, &y, &mo, &d);
                int fi = y - o->first_fy;
                format_millions(ob->value, b, sizeof b);
                fprintf(f, "<tr><td>%s</td><td>%s</td><td class=\"n obs\">%s</td>", fy,
                        k == 0 ? "in-year balance" : "cumulative balance c/f", b);
                if (fi >= 0 && fi < o->n_fys) {
                    send_stat st = stat_of(pg, pub[k], fi);
                    double q[3] = {st.q[1], st.q[3], st.q[5]};
                    for (int c = 0; c < 3; c++) {
                        format_millions(q[c], b, sizeof b);
                        fprintf(f, "<td class=\"n\">%s</td>", b);
                    }
                } else {
                    fputs("<td class=\"n\" colspan=\"3\">before the first full financial "
                          "year: not forecast</td>",
                          f);
                }
                fputs("</tr>\n", f);
            }
        fputs("</tbody>\n</table></div>\n", f);
    }

    /* the management plan's high-needs summary, line by line, medians */
    fputs("<h3>DSG high-needs summary (median, \xC2\xA3 million)</h3>\n<p class=\"explain\">"
          "The lines of the DfE DSG management plan template's high-needs summary, in its "
          "order; each line's median separately, so lines need not add up to the total's "
          "median. Budgets beside the block follow.</p>\n<div class=\"tw\"><table>\n"
          "<thead><tr><th>line</th>",
          f);
    for (int i = 0; i < o->n_fys; i++) {
        char fy[16];
        fy_label(o, i, fy, sizeof fy);
        fprintf(f, "<th class=\"n nw\">%s</th>", fy);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    fin_row rows[DSG_LINE_COUNT + 10];
    int nr = 0;
    for (int l = 0; l < DSG_LINE_COUNT; l++) {
        rows[nr++] = (fin_row){F_DSG_LINE + l, send_dsg_line_labels[l], 0};
        if (l == DSG_INCOME_LINES - 1)
            rows[nr++] = (fin_row){F_INCOME, "Total income", 1};
    }
    rows[nr++] = (fin_row){F_SPEND, "Total expenditure", 1};
    rows[nr++] = (fin_row){F_DSG_INYEAR, "In-year surplus / (deficit)", 1};
    rows[nr++] = (fin_row){F_DSG_BF, "Cumulative balance brought forward", 1};
    rows[nr++] = (fin_row){F_DSG_BALANCE, "Cumulative balance carried forward", 1};
    rows[nr++] = (fin_row){F_SPEND_TRANSPORT, "Home-to-school transport (general fund)", 0};
    rows[nr++] = (fin_row){F_SPEND_ASSESS, "Assessments and tribunals (general fund)", 0};
    rows[nr++] = (fin_row){F_SOCIAL_CARE, "Social care (level-4 shares)", 0};
    rows[nr++] = (fin_row){F_HEALTH, "Health (level-4 shares)", 0};
    for (int r = 0; r < nr; r++) {
        /* every DSG line and total, as in the template; other budgets only when used */
        int m = rows[r].metric, nonzero = rows[r].bold || (m >= F_DSG_LINE && m < F_DSG_BF);
        for (int k = 0; k < pg->res->n && !nonzero; k++)
            for (int i = 0; i < o->n_fys; i++)
                if (send_output_row(&pg->res->reps[k], m)[i] != 0)
                    nonzero = 1;
        if (!nonzero)
            continue;
        fputs(rows[r].bold ? "<tr><td><b>" : "<tr><td>", f);
        esc(pg, rows[r].label);
        fputs(rows[r].bold ? "</b></td>" : "</td>", f);
        for (int i = 0; i < o->n_fys; i++) {
            char b[48];
            format_millions(stat_of(pg, m, i).q[3], b, sizeof b);
            fprintf(f, "<td class=\"n\">%s</td>", b);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n</section>\n", f);
}

/* ---- services beside the EHC pathway ------------------------------------------------------ */

static const char *const svc_kind_heading[3] = {
    [SEND_MONTHLY] = "on 1 January",
    [SEND_CY] = "in the calendar year",
    [SEND_FY] = "by financial year (April to March)",
};

/* Period of `kind` in the calendar year y (an index from the first year), or -1: the January,
 * the year itself, or the financial year that starts in its April. */
static int svc_period(const send_output *o, int kind, int y)
{
    int yr = o->first_year + y, f = yr - o->first_fy;
    if (kind == SEND_MONTHLY)
        return january(o, yr);
    if (kind == SEND_CY)
        return y;
    return f >= 0 && f < o->n_fys ? f : -1;
}

/* One service's table: a column per calendar year, its lines (send_service_lines) in blocks by
 * period kind, each block under a row naming its periods; lines zero throughout left out. */
static void service_table(page *pg, send_service s)
{
    FILE *f = pg->f;
    const send_output *o = pg->o;
    int kinds[3], nk = 0;
    for (int i = 0; i < send_service_n_lines; i++) {
        const send_service_line *ln = &send_service_lines[i];
        int k = (int)send_metric(ln->metric)->kind, seen = 0;
        for (int j = 0; j < nk; j++)
            seen |= kinds[j] == k;
        if (ln->service == s && !seen && send_results_has_value(pg->res, ln->metric))
            kinds[nk++] = k;
    }
    fputs("<div class=\"tw\"><table>\n<tbody>\n", f);
    for (int j = 0; j < nk; j++) {
        int k = kinds[j];
        fputs("<tr><th>", f);
        esc(pg, send_services[s].title);
        fprintf(f, " %s</th>", svc_kind_heading[k]);
        for (int y = 0; y < o->n_years; y++) {
            char label[24] = "\xE2\x80\x93";
            int p = svc_period(o, k, y);
            if (p >= 0 && k == SEND_MONTHLY)
                snprintf(label, sizeof label, "Jan %d", o->first_year + y);
            else if (p >= 0)
                send_output_period_label(o, k == SEND_CY ? C_REQUESTS : F_SPEND, p, label,
                                         sizeof label);
            fprintf(f, "<th class=\"n nw\">%s</th>", label);
        }
        fputs("</tr>\n", f);
        const char *group = NULL;
        for (int i = 0; i < send_service_n_lines; i++) {
            const send_service_line *ln = &send_service_lines[i];
            const send_metric_info *mi = send_metric(ln->metric);
            if (ln->service != s || (int)mi->kind != k ||
                !send_results_has_value(pg->res, ln->metric))
                continue;
            if (ln->group && (!group || strcmp(group, ln->group))) {
                fprintf(f, "<tr><td colspan=\"%d\"><b>", o->n_years + 1);
                esc(pg, ln->group);
                fputs("</b></td></tr>\n", f);
            }
            group = ln->group;
            fprintf(f, "<tr><td%s title=\"", group ? " class=\"ind\"" : "");
            esc(pg, mi->name);
            fputs("\">", f);
            esc(pg, ln->label);
            fputs(" (", f);
            esc(pg, send_unit_words(mi->unit));
            fputs(")</td>", f);
            for (int y = 0; y < o->n_years; y++)
                td_stat(pg, ln->metric, svc_period(o, k, y));
            fputs("</tr>\n", f);
        }
    }
    fputs("</tbody>\n</table></div>\n", f);
}

/* The services that ran, each with its charts (taken from the run's charts by name) and its
 * table; nothing at all when none ran. */
static int services_section(page *pg, des_error *err)
{
    if (!any_service(pg->res))
        return DES_OK;
    FILE *f = pg->f;
    const send_plot_list *l = pg->in->charts;
    fputs("<section id=\"services\">\n<h2>Services beside the EHC pathway</h2>\n"
          "<p class=\"explain\">Levels of need, early help, the social-care front door, "
          "children in care and short breaks, for those the scenario switches on. A column is "
          "a calendar year: stocks on 1 January of it, counts in it, money in the financial "
          "year that starts in its April. Each cell is the median of the simulated futures "
          "with P10\xE2\x80\x93P90 below; lines that are zero in every future are left out. "
          "Their costs are social care's and the short-breaks budget's, never part of the "
          "high-needs block.</p>\n",
          f);
    for (int s = 0; s < SEND_SVC_COUNT; s++) {
        if (!send_service_ran(pg->res, (send_service)s))
            continue;
        const send_service_info *si = &send_services[s];
        fprintf(f, "<h3 id=\"services-%s\">", si->name);
        esc(pg, si->title);
        fputs("</h3>\n<p class=\"explain\">", f);
        esc(pg, si->heading);
        if (si->budget) {
            fputs(". Costs are charged to ", f);
            esc(pg, si->budget);
        }
        fputs(".</p>\n", f);
        int nfig = 0;
        for (int i = 0; l && i < l->n; i++) {
            if (send_plot_service_of(l->paths[i]) != s)
                continue;
            if (nfig++ == 0)
                fputs("<div class=\"figs\">\n", f);
            char prefix[32];
            snprintf(prefix, sizeof prefix, "c%d-", ++pg->chart_seq);
            int rc = inline_chart(pg, l->paths[i], l->titles ? l->titles[i] : NULL, prefix, err);
            if (rc)
                return rc;
        }
        if (nfig)
            fputs("</div>\n", f);
        service_table(pg, (send_service)s);
    }
    fputs("</section>\n", f);
    return DES_OK;
}

/* ---- comparisons -------------------------------------------------------------------------- */

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* A difference for people: the metric's unit when it is known, a '+' on increases; counts
 * under 10 keep one decimal, so that a small mean difference does not read as none. */
static void format_diff(double v, const char *metric, char *buf, size_t len)
{
    int mi = send_metric_find(metric);
    const char *unit = mi >= 0 ? send_metric(mi)->unit : NULL;
    char b[40];
    if (isnan(v)) {
        snprintf(buf, len, "\xE2\x80\x93");
        return;
    }
    if (!unit)
        snprintf(b, sizeof b, "%.4g", v);
    else if (fabs(v) < 10 && v != floor(v) && strcmp(unit, "GBP") && strcmp(unit, "percent") &&
             strcmp(unit, "weeks"))
        snprintf(b, sizeof b, "%.1f", v);
    else
        send_report_format(v, unit, b, sizeof b);
    snprintf(buf, len, "%s%s", v > 0 && b[0] != '-' ? "+" : "", b);
}

static int key_row(const send_compare_row *r)
{
    static const char *const keys[] = {"ehcp_total", "new_plans", "pct_within_20_weeks",
                                       "waiting_for_place_total_peak", "shortfall_special_peak",
                                       "hn_spend_gbp", "dsg_balance_gbp",
                                       /* the services' headlines, when a run has them */
                                       "level_4_total", "early_help_2b", "initial_assessments",
                                       "children_in_care", "sc_care_spend_gbp",
                                       "short_break_packages", "sb_spend_gbp"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(r->metric, keys[i])) {
            /* monthly metrics at the January census only */
            const send_metric_info *mi = send_metric(send_metric_find(r->metric));
            size_t n = strlen(r->period);
            return mi->kind != SEND_MONTHLY || (n >= 3 && !strcmp(r->period + n - 3, "-01"));
        }
    return 0;
}

/* A cell: a difference with a range below it ("lo to hi"), either part may be missing. */
static void td_diff(page *pg, const char *metric, double v, double lo, double hi)
{
    char b[3][64];
    format_diff(v, metric, b[0], sizeof b[0]);
    fprintf(pg->f, "<td class=\"n\">%s", b[0]);
    if (!isnan(lo) && !isnan(hi)) {
        format_diff(lo, metric, b[1], sizeof b[1]);
        format_diff(hi, metric, b[2], sizeof b[2]);
        fprintf(pg->f, "<span class=\"rng\">%s to %s</span>", b[1], b[2]);
    }
    fputs("</td>", pg->f);
}

/* Every row names the same scenario. */
static int one_scenario(const send_compare_table *t)
{
    for (int i = 1; i < t->n; i++)
        if (strcmp(t->rows[i].scenario, t->rows[0].scenario))
            return 0;
    return 1;
}

/* A metric's plain name and unit ("New EHC plans issued (plans)"), its code as a tooltip. */
static void plain_metric(page *pg, const char *code)
{
    int m = send_metric_find(code);
    const send_metric_info *mi = m >= 0 ? send_metric(m) : NULL;
    if (!mi) {
        esc(pg, code);
        return;
    }
    char name[256];
    snprintf(name, sizeof name, "%s", mi->description);
    name[0] = (char)toupper((unsigned char)name[0]);
    const char *unit = send_unit_words(mi->unit);
    fputs("<span title=\"", pg->f);
    esc(pg, code);
    fputs("\">", pg->f);
    esc(pg, name);
    fputs(" (", pg->f);
    esc(pg, unit);
    fputs(")</span>", pg->f);
}

/* Rows in the order they are shown, a measure (scenario and metric) at a time with its periods
 * together in time order. Measures with a difference the interval is sure of come first, then
 * those that may be noise, then those without an interval; within each, the measure whose
 * largest difference against its interval (the mean over the interval's half-width; the mean
 * itself where there is no interval) is largest comes first. */
typedef struct cmp_order {
    const send_compare_row *r;
    int row, group;  /* the row's own group: 0 sure, 1 noise, 2 no interval */
    double size;
    int m_group;     /* its measure's best group, and its largest size in that group */
    double m_size;
} cmp_order;

static int cmp_same_measure(const cmp_order *a, const cmp_order *b)
{
    int c = strcmp(a->r->scenario, b->r->scenario);
    return c ? c : strcmp(a->r->metric, b->r->metric);
}

/* Within a measure: period labels (YYYY-MM, YYYY, YYYY-YY) sort as text in time order; the
 * file's order breaks ties. */
static int cmp_period(const cmp_order *a, const cmp_order *b)
{
    int c = strcmp(a->r->period, b->r->period);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

static int cmp_by_measure(const void *x, const void *y)
{
    const cmp_order *a = x, *b = y;
    int c = cmp_same_measure(a, b);
    return c ? c : cmp_period(a, b);
}

static int cmp_order_before(const void *x, const void *y)
{
    const cmp_order *a = x, *b = y;
    if (a->m_group != b->m_group)
        return a->m_group < b->m_group ? -1 : 1;
    if (a->m_size != b->m_size)
        return a->m_size > b->m_size ? -1 : 1;
    int c = cmp_same_measure(a, b);
    return c ? c : cmp_period(a, b);
}

/* Sort ord[0..n) into the order above. */
static void order_compare_rows(cmp_order *ord, int n)
{
    qsort(ord, (size_t)n, sizeof *ord, cmp_by_measure);
    for (int i = 0; i < n;) {
        int j = i, g = ord[i].group;
        double sz = -1;
        while (j < n && !cmp_same_measure(&ord[i], &ord[j]))
            j++;
        for (int k = i; k < j; k++)
            if (ord[k].group < g)
                g = ord[k].group;
        for (int k = i; k < j; k++)
            if (ord[k].group == g && ord[k].size > sz)
                sz = ord[k].size;
        for (int k = i; k < j; k++) {
            ord[k].m_group = g;
            ord[k].m_size = sz;
        }
        i = j;
    }
    qsort(ord, (size_t)n, sizeof *ord, cmp_order_before);
}

static void compare_rows(page *pg, const send_compare_table *t, int key_only)
{
    FILE *f = pg->f;
    int show_scenario = !one_scenario(t);
    cmp_order *ord = malloc((size_t)(t->n ? t->n : 1) * sizeof *ord);
    if (!ord)
        return;
    int n = 0, n_same = 0;
    for (int i = 0; i < t->n; i++) {
        const send_compare_row *r = &t->rows[i];
        if (key_only && !key_row(r))
            continue;
        if (r->has_verdict && r->verdict == SEND_SAME) {
            n_same++;
            continue;
        }
        double half = (r->ci_high - r->ci_low) / 2;
        double size = fabs(r->mean) / (half > 0 ? half : 1);
        ord[n++] = (cmp_order){.r = r, .row = i,
                               .group = !r->has_verdict ? 2 : r->verdict == SEND_NOISE ? 1 : 0,
                               .size = isnan(size) ? 0 : size};
    }
    order_compare_rows(ord, n);
    if (n > 0) {
        fprintf(f, "<div class=\"tw\"><table>\n<thead><tr>%s<th>measure</th><th>period</th>"
                   "<th class=\"n\">mean difference<span class=\"rng\">95%% interval</span></th>"
                   "<th class=\"n\">median difference<span class=\"rng\">P10 to P90</span></th>"
                   "<th>verdict</th></tr></thead>\n<tbody>\n",
                show_scenario ? "<th>scenario</th>" : "");
        for (int j = 0; j < n; j++) {
            const send_compare_row *r = &t->rows[ord[j].row];
            fputs("<tr>", f);
            if (show_scenario) {
                fputs("<td class=\"nw\">", f);
                esc(pg, r->scenario);
                fputs("</td>", f);
            }
            fputs("<td>", f);
            plain_metric(pg, r->metric);
            fputs("</td><td class=\"nw\">", f);
            esc(pg, r->period);
            fputs("</td>", f);
            td_diff(pg, r->metric, r->mean, r->ci_low, r->ci_high);
            td_diff(pg, r->metric, r->p50, r->p10, r->p90);
            static const char *const cls[] = {"v-same", "v-noise", "v-higher", "v-lower"};
            if (r->has_verdict)
                fprintf(f, "<td class=\"%s\">%s</td></tr>\n", cls[r->verdict],
                        send_verdict_names[r->verdict]);
            else
                fputs("<td>no interval given</td></tr>\n", f);
        }
        fputs("</tbody>\n</table></div>\n", f);
    }
    if (n_same > 0) { /* folded away: the rows the levers leave exactly as they were */
        fprintf(f, "<details class=\"same\"><summary>%d row%s with no difference (every paired "
                   "difference exactly zero)</summary>\n<p>",
                n_same, n_same == 1 ? "" : "s");
        int k = 0;
        for (int i = 0; i < t->n; i++) {
            const send_compare_row *r = &t->rows[i];
            if ((key_only && !key_row(r)) || !r->has_verdict || r->verdict != SEND_SAME)
                continue;
            fputs(k++ ? "; " : "", f);
            if (show_scenario) {
                esc(pg, r->scenario);
                fputs(": ", f);
            }
            plain_metric(pg, r->metric);
            fputc(' ', f);
            esc(pg, r->period);
        }
        fputs("</p></details>\n", f);
    }
    free(ord);
}

/* "a, b and c" of the scenarios the rows name, in file order. */
static void scenario_names(page *pg, const send_compare_table *t)
{
    int shown = 0, total = 0;
    for (int i = 0; i < t->n; i++) {
        int first = 1;
        for (int j = 0; j < i && first; j++)
            first = strcmp(t->rows[j].scenario, t->rows[i].scenario) != 0;
        total += first;
    }
    for (int i = 0; i < t->n; i++) {
        int first = 1;
        for (int j = 0; j < i && first; j++)
            first = strcmp(t->rows[j].scenario, t->rows[i].scenario) != 0;
        if (!first)
            continue;
        fputs(shown == 0 ? "" : shown == total - 1 ? " and " : ", ", pg->f);
        esc(pg, t->rows[i].scenario);
        shown++;
    }
}

static int compare_section(page *pg, int k, const send_compare_table *t, des_error *err)
{
    FILE *f = pg->f;
    fprintf(f, "<section id=\"compare-%d\">\n<h2>Comparison %d: ", k + 1, k + 1);
    if (t->n > 0) {
        scenario_names(pg, t);
        fputs(" against ", f);
        if (t->reference)
            esc(pg, t->reference);
        else
            fputs("the reference scenario", f);
    } else {
        esc(pg, base_name(t->path));
    }
    fputs("</h2>\n<p class=\"explain\">Differences of each scenario from the reference "
          "scenario (scenario minus reference), replication by replication: both were run "
          "with the same random numbers, so the differences come from the levers, not from "
          "chance. Each measure's periods are shown together in time order; the measure with "
          "the largest difference (against the width of its interval) comes first. A "
          "difference is labelled <i>not distinguishable from noise</i> when the 95% "
          "interval of its mean includes zero; rows with <i>no difference</i> (every paired "
          "difference exactly zero) are folded away.</p>\n",
          f);
    int n_key = 0, n_noise = 0;
    for (int i = 0; i < t->n; i++) {
        n_key += key_row(&t->rows[i]);
        n_noise += t->rows[i].has_verdict && t->rows[i].verdict == SEND_NOISE;
    }
    fprintf(f, "<p>%d rows from <span class=\"k\">", t->n);
    esc(pg, t->path);
    fprintf(f, "</span>; %d of them not distinguishable from noise.", n_noise);
    if (t->n > 0 && one_scenario(t)) {
        fputs(" Every row is <b>", f);
        esc(pg, t->rows[0].scenario);
        fputs("</b> minus ", f);
        if (t->reference) {
            fputs("<b>", f);
            esc(pg, t->reference);
            fputs("</b>.", f);
        } else {
            fputs("the reference.", f);
        }
    }
    fputs("</p>\n", f);
    fputs("<div class=\"cmp\">\n<div class=\"tbl\">\n", f);
    if (t->n == 0) {
        fputs("<p class=\"note\">The file holds no rows.</p>\n", f);
    } else if (n_key > 0 && n_key < t->n) {
        fputs("<h3>Key differences</h3>\n", f);
        compare_rows(pg, t, 1);
        fprintf(f, "<details><summary>All %d rows</summary>\n", t->n);
        compare_rows(pg, t, 0);
        fputs("</details>\n", f);
    } else {
        compare_rows(pg, t, 0);
    }
    fputs("</div>\n", f);
    if (t->charts.n > 0) {
        fputs("<div class=\"figs\">\n", f);
        for (int i = 0; i < t->charts.n; i++) {
            char prefix[32];
            snprintf(prefix, sizeof prefix, "k%d-%d-", k + 1, i + 1);
            int rc = inline_chart(pg, t->charts.paths[i], t->charts.titles[i], prefix, err);
            if (rc)
                return rc;
        }
        fputs("</div>\n", f);
    }
    fputs("</div>\n</section>\n", f);
    return DES_OK;
}

/* ---- back-test ------------------------------------------------------------------------------ */

#define BT_TARGET_LO 70.0 /* P10-P90 is nominally an 80% band: coverage 70-90% is on target */
#define BT_TARGET_HI 90.0

static const char *bt_unit(int m) { return m == BT_PCT_20W ? "percent" : ""; }

/* The naive trend's value for metric m in period (NaN when the table has none). */
static double bt_naive_at(const send_bt_la *g, int m, int period)
{
    for (size_t i = 0; i < g->n_rows; i++)
        if (g->rows[i].naive && g->rows[i].metric == m && g->rows[i].period == period)
            return g->rows[i].p50;
    return NAN;
}

/* The placement types in words (BT_MIX_* order; the groups of send_backtest.h). */
static const char *const bt_mix_words[BT_MIX_TYPES] = {
    "Mainstream schools (outside resourced provision)",
    "Resourced provision and SEN units",
    "Special schools (maintained and academies)",
    "Independent and non-maintained schools",
    "Further education and specialist post-16",
    "Alternative provision",
    "Other (early years, elsewhere, not recorded, awaiting a place)"};

/* Percentage points to one decimal, signed ("+3.9", "0.0", "-1.2"); NaN gives "–". */
static void fmt_points(double v, int sign, char *buf, size_t len)
{
    double r = round(v * 10) / 10;
    if (isnan(v))
        snprintf(buf, len, "\xE2\x80\x93");
    else
        snprintf(buf, len, sign && r != 0 ? "%+.1f" : "%.1f", r == 0 ? 0.0 : r);
}

/* The placement mix beside the table: per type the mean error and mean absolute error of its
 * share (the figures `sendsim backtest` printed: send_bt_mix_summarise), and for one authority
 * its shares by January. */
static void bt_mix_section(page *pg, const send_bt_table *t)
{
    FILE *f = pg->f;
    fputs("<h3>Placement mix</h3>\n<p class=\"explain\">Where plans place children sets most "
          "of the cost per plan (an independent place costs several times a special-school "
          "one), so a forecast whose placement mix drifts from what was published misstates "
          "spend even when its caseload is right. Each January after the start, each type's "
          "share of the plans placed, the model's (mean over replications) against SEN2's; "
          "error = model &minus; published, in percentage points: the mean error shows the "
          "direction of the drift (positive: the model places more children there than "
          "happened), the mean absolute error its size.</p>\n", f);
    if (!t->has_mix) {
        fputs("<p><b>No placement mix</b>: <span class=\"k\">", f);
        esc(pg, t->mix_path ? t->mix_path : "PREFIX-placements.csv");
        fputs("</span> is not beside this table (a back-test written before <span class=\"k\">"
              "sendsim backtest</span> compared the placement mix has none), so whether the "
              "forecast's placement mix drifted from the published one is not shown.</p>\n", f);
        return;
    }
    send_bt_mix_summary s;
    send_bt_mix_summarise(t->las, t->n_la, &s);
    int total = 0, worst = -1;
    for (int g = 0; g < BT_MIX_TYPES; g++) {
        total += s.n[g];
        if (s.n[g] && (worst < 0 || s.mean_abs_error[g] > s.mean_abs_error[worst]))
            worst = g;
    }
    fputs("<p>From <span class=\"k\">", f);
    esc(pg, t->mix_path);
    fputs("</span>.", f);
    if (!total) {
        fputs(" It holds no rows: no January after the start has both a published and a "
              "forecast placement mix.</p>\n", f);
        return;
    }
    char a[48], b[48];
    fmt_points(s.mean_error[worst], 1, a, sizeof a);
    fmt_points(s.mean_abs_error[worst], 0, b, sizeof b);
    fputs(" The largest drift is in <b>", f);
    esc(pg, bt_mix_words[worst]);
    if (*a == '+' || *a == '-')
        fprintf(f, "</b>: the model's share was on average %s points %s the published one "
                   "(mean absolute error %s points).</p>\n", a + 1,
                *a == '+' ? "above" : "below", b);
    else
        fprintf(f, "</b>: its errors balance out on average, but each January was %s points "
                   "off the published share, on average.</p>\n", b);
    fputs("<div class=\"tw\"><table>\n<thead><tr><th>placement</th><th class=\"n\">"
          "authority-Januaries</th><th class=\"n\">mean error (points)</th>"
          "<th class=\"n\">mean absolute error (points)</th></tr></thead>\n<tbody>\n", f);
    for (int g = 0; g < BT_MIX_TYPES; g++) {
        fmt_points(s.mean_error[g], 1, a, sizeof a);
        fmt_points(s.mean_abs_error[g], 0, b, sizeof b);
        fprintf(f, "<tr><td><span title=\"%s\">", send_bt_mix_names[g]);
        esc(pg, bt_mix_words[g]);
        fprintf(f, "</span></td><td class=\"n\">%d</td><td class=\"n\">%s</td>"
                   "<td class=\"n\">%s</td></tr>\n", s.n[g], a, b);
    }
    fputs("</tbody>\n</table></div>\n", f);
    if (t->n_la != 1)
        return;

    /* one authority: its shares by January, model against published */
    const send_bt_la *g0 = &t->las[0];
    int has[BT_MIX_YEARS] = {0};
    for (int y = 0; y < BT_MIX_YEARS; y++)
        for (int g = 0; g < BT_MIX_TYPES; g++)
            has[y] |= !isnan(g0->mix_observed[y][g]);
    fputs("<div class=\"tw\"><table>\n<thead><tr><th>placement</th>", f);
    for (int y = 0; y < BT_MIX_YEARS; y++)
        if (has[y])
            fprintf(f, "<th class=\"n\">January %d<span class=\"rng\">model | published"
                       "</span></th>", t->mix_from + 1 + y);
    fputs("</tr></thead>\n<tbody>\n", f);
    for (int g = 0; g < BT_MIX_TYPES; g++) {
        fprintf(f, "<tr><td><span title=\"%s\">", send_bt_mix_names[g]);
        esc(pg, bt_mix_words[g]);
        fputs("</span></td>", f);
        for (int y = 0; y < BT_MIX_YEARS; y++) {
            if (!has[y])
                continue;
            fmt(100 * g0->mix_model[y][g], "percent", a, sizeof a);
            fmt(100 * g0->mix_observed[y][g], "percent", b, sizeof b);
            fprintf(f, "<td class=\"n\">%s | %s</td>", a, b);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n", f);
}

static int backtest_section(page *pg, int k, const send_bt_table *t, des_error *err)
{
    FILE *f = pg->f;
    send_bt_summary s;
    int rc = send_bt_summarise(t->las, t->n_la, &s, err);
    if (rc != DES_OK)
        return rc;
    fprintf(f, "<section id=\"backtest-%d\">\n<h2>Back-test %d: ", k + 1, k + 1);
    esc(pg, base_name(t->path));
    fputs("</h2>\n<p class=\"explain\">Forecasts made as of a past year, compared with what was "
          "published since (from <span class=\"k\">", f);
    esc(pg, t->path);
    fputs("</span>, written by <span class=\"k\">sendsim backtest</span>). <i>Coverage</i> is "
          "the share of published values that fell inside the forecast's P10&ndash;P90 band; "
          "the band is meant to hold about 80% of them, so 70&ndash;90% is on target, less "
          "means the bands are too narrow, more that they are wider than needed. The "
          "<i>naive trend</i> projects the straight line through the last three published "
          "values: a forecast worth having should err less than it.</p>\n", f);
    if (t->n_la == 1) {
        fputs("<p>One authority: <b>", f);
        esc(pg, t->la_names[0]);
        fputs("</b> (", f);
        esc(pg, t->la_codes[0]);
        fputs(").</p>\n", f);
    } else {
        fprintf(f, "<p>%zu authorities.</p>\n", t->n_la);
    }

    /* coverage, with the plain-language verdict */
    fputs("<div class=\"tw\"><table>\n<thead><tr><th>metric</th><th class=\"n\">values</th>"
          "<th class=\"n\">P10&ndash;P90 coverage</th></tr></thead>\n<tbody>\n", f);
    for (int m = 0; m < BT_METRICS; m++) {
        fputs("<tr><td>", f);
        plain_metric(pg, send_bt_model_metric[m]);
        fprintf(f, "</td><td class=\"n\">%d</td>", s.n[0][m]);
        td_num(pg, 100.0 * s.coverage[0][m], "percent");
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n<p>", f);
    int any = 0;
    for (int m = 0; m < BT_METRICS; m++) {
        if (!s.n[0][m])
            continue;
        double c = 100.0 * s.coverage[0][m];
        char cb[48];
        fmt(c, "percent", cb, sizeof cb);
        fputs(any ? " " : "Target coverage is 70&ndash;90%. ", f);
        plain_metric(pg, send_bt_model_metric[m]);
        fprintf(f, ": %s of %d value%s inside the band, ", cb, s.n[0][m],
                s.n[0][m] == 1 ? "" : "s");
        if (c < BT_TARGET_LO)
            fputs("<b>below the target</b> (the bands are too narrow)", f);
        else if (c > BT_TARGET_HI)
            fputs("<b>above the target</b> (the bands are wider than needed)", f);
        else
            fputs("<b>on target</b>", f);
        fputs(s.n[0][m] < 10 ? "; too few values to say much.\n" : ".\n", f);
        any = 1;
    }
    if (!any)
        fputs("The table holds no model forecasts, so coverage cannot be judged.", f);
    fputs("</p>\n", f);

    /* median absolute % error by horizon */
    int hmax = 0;
    for (int nv = 0; nv < 2; nv++)
        for (int m = 0; m < BT_METRICS; m++)
            for (int h = 1; h <= BT_MAX_H; h++)
                if (s.n_h[nv][m][h] && h > hmax)
                    hmax = h;
    if (hmax > 0) {
        fputs("<h3>Median absolute % error by horizon</h3>\n<div class=\"tw\"><table>\n"
              "<thead><tr><th>metric</th>", f);
        for (int h = 1; h <= hmax; h++)
            fprintf(f, "<th class=\"n\">%d year%s<span class=\"rng\">model | naive trend</span>"
                       "</th>", h, h == 1 ? "" : "s");
        fputs("</tr></thead>\n<tbody>\n", f);
        for (int m = 0; m < BT_METRICS; m++) {
            fputs("<tr><td>", f);
            plain_metric(pg, send_bt_model_metric[m]);
            fputs("</td>", f);
            for (int h = 1; h <= hmax; h++) {
                char a[48], b[48];
                fmt(s.median_ape[0][m][h], "percent", a, sizeof a);
                fmt(s.median_ape[1][m][h], "percent", b, sizeof b);
                fprintf(f, "<td class=\"n\">%s | %s</td>", a, b);
            }
            fputs("</tr>\n", f);
        }
        fputs("</tbody>\n</table></div>\n", f);

        /* honest and useful: coverage beside the width of the band and the interval score */
        fputs("<h3>Coverage, sharpness and interval score by horizon</h3>\n<p class=\"explain\">"
              "A band that holds the published value 80% of the time is honest; it is useful "
              "only if it is also narrow. Each cell: the share of published values inside "
              "P10&ndash;P90, the median width of the band as P90 &divide; P10, and the mean "
              "interval score of the band (Gneiting &amp; Raftery 2007: its width plus 10 "
              "times any distance by which the published value falls outside it, as % of the "
              "published value; in percentage points for the share issued within 20 weeks; "
              "lower is better).</p>\n<div class=\"tw\"><table>\n<thead><tr>"
              "<th>metric</th><th class=\"n\">all<span class=\"rng\">coverage | P90/P10 | "
              "score</span></th>", f);
        for (int h = 1; h <= hmax; h++)
            fprintf(f, "<th class=\"n\">%d year%s</th>", h, h == 1 ? "" : "s");
        fputs("</tr></thead>\n<tbody>\n", f);
        for (int m = 0; m < BT_METRICS; m++) {
            fputs("<tr><td>", f);
            plain_metric(pg, send_bt_model_metric[m]);
            fputs("</td>", f);
            for (int h = 0; h <= hmax; h++) {
                char a[48];
                fmt(100.0 * s.coverage_h[m][h], "percent", a, sizeof a);
                if (isnan(s.coverage_h[m][h]))
                    fputs("<td class=\"n\">&ndash;</td>", f);
                else
                    fprintf(f, "<td class=\"n\">%s | %.2f | %.1f</td>", a, s.ratio_h[m][h],
                            s.score_h[m][h]);
            }
            fputs("</tr>\n", f);
        }
        fputs("</tbody>\n</table></div>\n", f);
        if (!isnan(s.whole_h[BT_PCT_20W][0])) {
            char a[48];
            fmt(100.0 * s.whole_h[BT_PCT_20W][0], "percent", a, sizeof a);
            fprintf(f, "<p class=\"explain\">Bands of the share issued within 20 weeks that run "
                    "from below %g%% to above %g%% hold nearly any value, so they cover by width "
                    "alone: %s of them over every horizon", SEND_BT_WHOLE_LO, SEND_BT_WHOLE_HI, a);
            for (int h = 1; h <= hmax; h++) {
                if (isnan(s.whole_h[BT_PCT_20W][h]))
                    continue;
                fmt(100.0 * s.whole_h[BT_PCT_20W][h], "percent", a, sizeof a);
                fprintf(f, "%s %s at %d year%s", h == 1 ? "; by year ahead:" : ",", a, h,
                        h == 1 ? "" : "s");
            }
            fputs(".</p>\n", f);
        }
    }

    /* one authority: forecast against published */
    if (t->n_la == 1) {
        const send_bt_la *g = &t->las[0];
        for (int m = 0; m < BT_METRICS; m++) {
            if (!s.n[0][m])
                continue;
            fputs("<h3>Forecast against published: ", f);
            plain_metric(pg, send_bt_model_metric[m]);
            fputs("</h3>\n<div class=\"tw\"><table>\n<thead><tr><th>period</th>"
                  "<th class=\"n\">published</th><th class=\"n\">P10</th>"
                  "<th class=\"n\">P50</th><th class=\"n\">P90</th><th>inside</th>"
                  "<th class=\"n\">naive trend</th></tr></thead>\n<tbody>\n",
                  f);
            for (size_t i = 0; i < g->n_rows; i++) {
                const send_bt_row *r = &g->rows[i];
                if (r->naive || r->metric != m)
                    continue;
                fprintf(f, "<tr><td class=\"nw\">%d</td>", r->period);
                td_num(pg, r->observed, bt_unit(m));
                td_num(pg, r->p10, bt_unit(m));
                td_num(pg, r->p50, bt_unit(m));
                td_num(pg, r->p90, bt_unit(m));
                fprintf(f, "<td>%s</td>",
                        r->observed >= r->p10 && r->observed <= r->p90 ? "yes" : "no");
                td_num(pg, bt_naive_at(g, m, r->period), bt_unit(m));
                fputs("</tr>\n", f);
            }
            fputs("</tbody>\n</table></div>\n", f);
        }
    }
    bt_mix_section(pg, t);
    if (t->charts.n > 0) {
        fputs("<div class=\"figs\">\n", f);
        for (int i = 0; i < t->charts.n; i++) {
            char prefix[32];
            snprintf(prefix, sizeof prefix, "b%d-%d-", k + 1, i + 1);
            rc = inline_chart(pg, t->charts.paths[i], t->charts.titles[i], prefix, err);
            if (rc)
                return rc;
        }
        fputs("</div>\n", f);
    }
    fputs("</section>\n", f);
    return DES_OK;
}

/* ---- assumptions and provenance ----------------------------------------------------------- */

static int mentions_assumption(const char *s)
{
    for (; s && *s; s++)
        if (!strncasecmp(s, "assum", 5))
            return 1;
    return 0;
}

/* A scenario key in the assumptions table: an observation ("observed.<metric>.<period>") by
 * its metric's plain name and its period, with the key as a tooltip; any other key as
 * written. */
static void param_key(page *pg, const char *key)
{
    const char *rest = !strncmp(key, "observed.", 9) ? key + 9 : NULL;
    const char *dot = rest ? strchr(rest, '.') : NULL;
    char code[128];
    if (dot && (size_t)(dot - rest) < sizeof code) {
        snprintf(code, sizeof code, "%.*s", (int)(dot - rest), rest);
        if (send_metric_find(code) >= 0) {
            fputs("<td title=\"", pg->f);
            esc(pg, key);
            fputs("\">Published: ", pg->f);
            plain_metric(pg, code);
            fputs(", ", pg->f);
            esc(pg, dot + 1);
            fputs("</td>", pg->f);
            return;
        }
    }
    fputs("<td class=\"k\">", pg->f);
    esc(pg, key);
    fputs("</td>", pg->f);
}

static void assumptions_section(page *pg)
{
    FILE *f = pg->f;
    const send_meta *m = pg->meta;
    int n = m ? m->n_params : 0, n_assumed = 0, n_none = 0;
    for (int i = 0; i < n; i++) {
        const char *note = m->params[i].note;
        if (!note || !*note)
            n_none++;
        else if (mentions_assumption(note))
            n_assumed++;
    }
    fputs("<section id=\"assumptions\">\n<h2>Assumptions and sources</h2>\n", f);
    if (n == 0) {
        fputs("<p class=\"note\">The results file lists no scenario parameters.</p>\n"
              "</section>\n",
              f);
        return;
    }
    fprintf(f, "<p class=\"explain\">Every value the scenario sets, as written in its files "
               "(after <span class=\"k\">extends</span>), with its note (the comment on its "
               "line and the comment lines directly above it): the published source it comes "
               "from, or that it is an assumption. The values that drive the caseload and the "
               "deficit most come first. %d values; %d "
               "noted as assumptions; %d without a note.</p>\n",
            n, n_assumed, n_none);
    fputs("<div class=\"tw\"><table>\n<thead><tr><th>key</th><th>value</th><th>source or note</th>"
          "<th>where</th></tr></thead>\n<tbody>\n",
          f);
    for (int i = 0; i < n; i++) {
        const send_param_row *r = &m->params[i];
        int none = !r->note || !*r->note;
        fprintf(f, "<tr%s>", none ? " class=\"nosrc\"" : "");
        param_key(pg, r->key);
        fputs("<td class=\"k\">", f);
        esc(pg, r->value);
        fputs("</td><td class=\"src\">", f);
        if (none)
            fputs("no note", f);
        else
            esc(pg, r->note);
        fputs("</td><td class=\"k\">", f);
        esc(pg, r->file);
        fprintf(f, ":%d</td></tr>\n", r->line);
    }
    fputs("</tbody>\n</table></div>\n</section>\n", f);
}

static void prov_row(page *pg, const char *label, const char *value)
{
    fprintf(pg->f, "<tr><th>%s</th><td>", label);
    if (value && *value)
        esc(pg, value);
    else
        fputs("\xE2\x80\x93", pg->f);
    fputs("</td></tr>\n", pg->f);
}

static void provenance_section(page *pg)
{
    FILE *f = pg->f;
    const send_meta *m = pg->meta;
    const send_results *res = pg->res;
    char b[64];
    fputs("<section id=\"provenance\">\n<h2>Provenance</h2>\n<div class=\"tw\"><table>\n"
          "<tbody>\n", f);
    prov_row(pg, "scenario", m ? m->scenario_name : NULL);
    prov_row(pg, "scenario file", m ? m->scenario_path : NULL);
    prov_row(pg, "results file", pg->in->results_path);
    snprintf(b, sizeof b, "%llu", (unsigned long long)res->master_seed);
    prov_row(pg, "seed", b);
    snprintf(b, sizeof b, "%d", res->n);
    prov_row(pg, "replications", b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)res->events);
    prov_row(pg, "events simulated", b);
    prov_row(pg, "program version", m ? m->version : NULL);
    prov_row(pg, "build", m ? m->build : NULL);
    prov_row(pg, "host", m ? m->host : NULL);
    prov_row(pg, "run started", m ? m->started : NULL);
    prov_row(pg, "run finished", m ? m->finished : NULL);
    if (m && m->threads > 0) {
        snprintf(b, sizeof b, "%d", m->threads);
        prov_row(pg, "threads", b);
    }
    if (m && m->wall_seconds > 0) {
        snprintf(b, sizeof b, "%.2f s", m->wall_seconds);
        prov_row(pg, "wall time", b);
    }
    prov_row(pg, "report made", pg->in->generated);
    fputs("</tbody>\n</table></div>\n", f);
    if (m && m->scenario_yaml) {
        fputs("<details><summary>Resolved scenario (after <span class=\"k\">extends</span>)"
              "</summary>\n<pre>",
              f);
        esc(pg, m->scenario_yaml);
        fputs("</pre>\n</details>\n", f);
    }
    if (m && m->scenario_source) {
        fputs("<details><summary>Scenario files as written</summary>\n<pre>", f);
        esc(pg, m->scenario_source);
        fputs("</pre>\n</details>\n", f);
    }
    fputs("</section>\n", f);
}

/* ---- entry points ------------------------------------------------------------------------- */

int send_report_html(FILE *f, const send_report_input *in, des_error *err)
{
    if (!in || !in->res || in->res->n < 1 || !in->res->reps)
        return des_error_set(err, DES_EINVAL, "a report needs at least one replication");
    const send_output *o = &in->res->reps[0];
    if (o->n_months < 1 || o->n_years < 1)
        return des_error_set(err, DES_EINVAL, "a report needs at least one month of results");
    page pg = {.f = f, .in = in, .res = in->res, .o = o, .meta = in->meta};
    pg.scratch = malloc((size_t)in->res->n * sizeof *pg.scratch);
    if (!pg.scratch)
        return des_error_set(err, DES_ENOMEM, "cannot allocate the report");
    head(&pg);
    headline(&pg);
    int rc = charts(&pg, err);
    if (rc == DES_OK) {
        ehcp_section(&pg);
        flows_section(&pg);
        sufficiency_section(&pg);
        finance_section(&pg);
        rc = services_section(&pg, err);
        for (int k = 0; k < in->n_compare && rc == DES_OK; k++)
            rc = compare_section(&pg, k, &in->compare[k], err);
        for (int k = 0; k < in->n_backtest && rc == DES_OK; k++)
            rc = backtest_section(&pg, k, &in->backtest[k], err);
    }
    if (rc == DES_OK) {
        assumptions_section(&pg);
        provenance_section(&pg);
        fputs("</body>\n</html>\n", f);
    }
    free(pg.scratch);
    if (rc == DES_OK && ferror(f))
        rc = des_error_set(err, DES_EIO, "cannot write the report");
    return rc;
}

int send_report_write(const char *path, const send_report_input *in,
                      const volatile sig_atomic_t *cancel, des_error *err)
{
    io_atomic a;
    int rc = io_atomic_open(&a, path, err);
    if (rc)
        return rc;
    rc = send_report_html(a.f, in, err);
    if (rc) {
        io_atomic_abort(&a);
        return rc;
    }
    return io_atomic_commit(&a, cancel, err);
}
