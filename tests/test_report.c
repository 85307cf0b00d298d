/* test_report.c - the HTML report (send_report_*), the comparison CSV reader, and the page as
 * a real browser draws it.
 *
 * The report is made from send_run() on the small scenario tests/data/load/base.yaml, a
 * hand-filled send_meta (parameter rows with awkward characters, observed history) and
 * hand-written SVG charts that carry everything a page must not: an XML prolog, a script, an
 * event handler, an external link, and ids that two charts share. Content tests check the
 * headline against the medians computed here, every parameter row, escaping, and that
 * nothing on the page points outside it. The rendering test runs headless Chromium on the
 * page and decodes the screenshot (zlib) to check its size, that it is not blank, and that the
 * inline chart was drawn; it is skipped when Chromium is not installed.
 */
#define _GNU_SOURCE /* strcasestr, memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "des_stats.h"
#include "send_report.h"
#include "send_run.h"
#include "send_scenario.h"
#include "send_services.h"
#include "support/test_cli.h"

#define SCENARIO "tests/data/load/base.yaml"
#define REPS 24

/* ---- helpers ------------------------------------------------------------------------------ */

/* The whole file and its length (binary safe). */
static char *read_bytes(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len_out = n;
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void make_dir(char *dir)
{
    strcpy(dir, "/tmp/sendsim-report-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static int dir_count(const char *dir)
{
    return dir_entries(dir, NULL, 0);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

#define assert_contains(hay, needle)                                                          \
    do {                                                                                      \
        if (!strstr((hay), (needle)))                                                         \
            fail_msg("expected to find \"%s\"", (needle));                                    \
    } while (0)

#define assert_lacks(hay, needle)                                                             \
    do {                                                                                      \
        const char *at_ = strstr((hay), (needle));                                            \
        if (at_)                                                                              \
            fail_msg("did not expect \"%s\", found at: %.80s", (needle), at_);                \
    } while (0)

/* The text of the element that opens with `open` (e.g. "<div class=\"card\" id=\"h-new\">")
 * up to the next `close`, as a malloc'd string. */
static char *extract(const char *html, const char *open, const char *close)
{
    const char *a = strstr(html, open);
    if (!a)
        fail_msg("no \"%s\" in the page", open);
    const char *b = strstr(a, close);
    assert_non_null(b);
    return strndup(a, (size_t)(b - a));
}

/* ---- fixture: a run, its meta, charts --------------------------------------------------- */

typedef struct fixture {
    send_params p;
    send_results res;
    send_meta meta;
    char dir[64];
    char chart1[128], chart2[128];
    send_plot_list charts;
} fixture;

static fixture fx;

static const char svg_chart[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
    "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
    "<!-- a comment before the element -->\n"
    "<svg width=\"600\" height=\"300\" viewBox=\"0 0 600 300\" "
    "xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
    "onload=\"if (typeof(gnuplot_svg)!='undefined') gnuplot_svg.Init(evt)\">\n"
    "<script type=\"text/javascript\" xlink:href=\"https://example.org/gnuplot_svg.js\"/>\n"
    "<script type=\"text/javascript\"><![CDATA[ var x = '<svg>'; ]]></script>\n"
    "<title>Gnuplot</title>\n"
    "<defs>\n"
    "  <clipPath id='gpclip_1'><rect x='0' y='0' width='600' height='300'/></clipPath>\n"
    "  <rect id='gpPt0' x='-1' y='-1' width='2' height='2'/>\n"
    "</defs>\n"
    "<g id=\"gnuplot_canvas\" clip-path=\"url(#gpclip_1)\">\n"
    "<rect x=\"0\" y=\"0\" width=\"600\" height=\"300\" fill=\"white\"/>\n"
    "<rect x=\"40\" y=\"40\" width=\"520\" height=\"220\" fill=\"#00c000\"/>\n"
    "<use xlink:href='#gpPt0' transform='translate(100,100) scale(3)'/>\n"
    "<a xlink:href=\"http://example.org/away\">"
    "<text x=\"50\" y=\"30\">a &lt; b &amp; c</text></a>\n"
    "<image href=\"https://example.org/pic.png\" x=\"0\" y=\"0\" width=\"1\" height=\"1\"/>\n"
    "</g>\n</svg>\n";

static const char svg_chart2[] =
    "<?xml version=\"1.0\"?>\n"
    "<svg viewBox=\"0 0 400 200\" xmlns=\"http://www.w3.org/2000/svg\">\n"
    "<defs><clipPath id=\"gpclip_1\"><rect x=\"0\" y=\"0\" width=\"10\" height=\"10\"/>"
    "</clipPath></defs>\n"
    "<g clip-path=\"url(#gpclip_1)\"><rect width=\"400\" height=\"200\" fill=\"#ddd\"/></g>\n"
    "</svg>\n";

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

static void meta_fill(send_meta *m)
{
    memset(m, 0, sizeof *m);
    m->scenario_name = xstrdup("small <test> & co");
    m->scenario_path = xstrdup(SCENARIO);
    m->scenario_yaml = xstrdup("name: small\nstart: 2020-01-01\nnote: \"<resolved & text>\"\n");
    m->scenario_source = xstrdup("# Small self-contained scenario\nname: small\n");
    m->version = xstrdup("9.8.7-test");
    m->build = xstrdup("cc -O2 -DTEST");
    m->host = xstrdup("testhost");
    m->started = xstrdup("2026-11-22T10:00:00Z");
    m->finished = xstrdup("2026-11-22T10:00:03Z");
    m->threads = 2;
    m->wall_seconds = 3.25;
    static const struct {
        const char *key, *value, *note, *file;
        int line;
    } rows[] = {
        {"name", "small", "", SCENARIO, 2},
        {"start", "2020-01-01", "the census day [sen2]", SCENARIO, 4},
        {"population.growth", "0.01", "assumption: <&> characters", SCENARIO, 12},
        {"finance.cost.special", "22000", "https://www.gov.uk/example-costs", "tests/data/x.yaml",
         61},
        {"d1_panel.refusal", "{2020: 0.2, 2021: 0.25}", "derived 'quoted' \"both\"", SCENARIO, 30},
    };
    m->n_params = (int)(sizeof rows / sizeof rows[0]);
    m->params = calloc((size_t)m->n_params, sizeof *m->params);
    assert_non_null(m->params);
    for (int i = 0; i < m->n_params; i++) {
        m->params[i].key = xstrdup(rows[i].key);
        m->params[i].value = xstrdup(rows[i].value);
        m->params[i].note = xstrdup(rows[i].note);
        m->params[i].file = xstrdup(rows[i].file);
        m->params[i].line = rows[i].line;
    }
    m->n_obs = 3;
    m->obs = calloc(3, sizeof *m->obs);
    assert_non_null(m->obs);
    m->obs[0] = (send_obs){M_EHCP_TOTAL, des_date_from_ymd(2018, 1, 1), 87654};
    m->obs[1] = (send_obs){M_EHCP_TOTAL, des_date_from_ymd(2019, 1, 1), 98765};
    m->obs[2] = (send_obs){C_NEW_PLANS, des_date_from_ymd(2019, 1, 1), 54321};
}

static int setup(void **state)
{
    (void)state;
    des_error err = {0};
    if (send_scenario_load(SCENARIO, &fx.p, NULL, &err) != DES_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    send_run_opts o = {.seed = 11, .replications = REPS, .threads = 1};
    if (send_run(&fx.p, &o, &fx.res, &err) != DES_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    meta_fill(&fx.meta);
    strcpy(fx.dir, "/tmp/sendsim-report-XXXXXX");
    if (!mkdtemp(fx.dir))
        return -1;
    snprintf(fx.chart1, sizeof fx.chart1, "%s/run-ehcp.svg", fx.dir);
    snprintf(fx.chart2, sizeof fx.chart2, "%s/run-spend.svg", fx.dir);
    FILE *f = fopen(fx.chart1, "w");
    FILE *g = fopen(fx.chart2, "w");
    if (!f || !g)
        return -1;
    fputs(svg_chart, f);
    fputs(svg_chart2, g);
    fclose(f);
    fclose(g);
    static char *paths[2], *titles[2];
    paths[0] = fx.chart1;
    paths[1] = fx.chart2;
    titles[0] = "EHC plans <fan>";
    titles[1] = "High-needs spend";
    fx.charts = (send_plot_list){.n = 2, .paths = paths, .titles = titles};
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_dir(fx.dir);
    send_meta_free(&fx.meta);
    send_results_free(&fx.res);
    send_params_free(&fx.p);
    return 0;
}

/* The report of the fixture run into a string, with `ncmp` comparison tables. */
static char *make_report(const send_plot_list *charts, const char *reason,
                         const send_compare_table *cmp, int ncmp)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    send_report_input in = {.res = &fx.res, .meta = &fx.meta, .results_path = "results/small.h5",
                            .charts = charts, .no_charts_reason = reason, .n_compare = ncmp,
                            .compare = cmp, .generated = "2026-11-22T11:00:00Z"};
    des_error err = {0};
    int rc = send_report_html(f, &in, &err);
    fclose(f);
    if (rc != DES_OK)
        fail_msg("report: %s", err.msg);
    return buf;
}

static const char compare_csv[] =
    "scenario,metric,period,diff_mean,diff_p10,diff_p50,diff_p90,diff_ci95_low,diff_ci95_high,"
    "verdict\n"
    "ep-capacity,ehcp_total,2021-01,12.5,3,12,22,8.25,16.75,higher\n"
    "ep-capacity,pct_within_20_weeks,2021,-0.4,-6,0,5,-2.5,1.7,lower\n"
    "ep-capacity,hn_spend_gbp,2020-21,-1500000,-2500000,-1400000,-500000,-1900000,-1100000,lower\n"
    "\"ep, <more>\",new_plans,2021,3,1,3,5,,,higher\n";

/* ---- formatting and escaping -------------------------------------------------------------- */

static void test_format(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *unit, *want;
    } cases[] = {
        {4222, "plans", "4,222"},
        {1234567.4, "children", "1,234,567"},
        {999.5, "plans", "1,000"},
        {-1500, "plans", "-1,500"},
        {-0.2, "plans", "0"},
        {-0.7, "plans", "-1"},
        {0, "plans", "0"},
        {2.5, "plans", "3"},
        {3.6, "children", "4"},
        {12.5, "plans", "13"},
        {12345678, "GBP", "\xC2\xA3" "12.3m"},
        {-2500000, "GBP", "-\xC2\xA3" "2.5m"},
        {45000, "GBP", "\xC2\xA3" "45k"},
        {750, "GBP", "\xC2\xA3" "750"},
        {0, "GBP", "\xC2\xA3" "0.0m"},
        {48.26, "percent", "48.3%"},
        {17.04, "weeks", "17.0"},
        {NAN, "plans", "\xE2\x80\x93"},
        {NAN, "GBP", "\xE2\x80\x93"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        send_report_format(cases[i].v, cases[i].unit, buf, sizeof buf);
        if (strcmp(buf, cases[i].want))
            fail_msg("format(%g, %s) = \"%s\", expected \"%s\"", cases[i].v, cases[i].unit, buf,
                     cases[i].want);
    }
}

static void test_escape(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    send_html_escape(f, "<a href=\"x\">&'\x01\x7f\tok\n\xC2\xA3");
    send_html_escape(f, NULL);
    fclose(f);
    assert_string_equal(buf, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\x7f\tok\n\xC2\xA3");
    free(buf);
}

/* ---- SVG inlining ------------------------------------------------------------------------- */

static void test_svg_inline(void **state)
{
    (void)state;
    des_error err = {0};
    char *s = send_report_svg_inline(fx.chart1, "c9-", &err);
    if (!s)
        fail_msg("%s", err.msg);
    assert_int_equal(strncmp(s, "<svg ", 5), 0);
    assert_lacks(s, "<?xml");
    assert_lacks(s, "DOCTYPE");
    assert_lacks(s, "<!--");
    assert_lacks(s, "script");
    assert_lacks(s, "onload");
    assert_lacks(s, "gnuplot_svg");
    assert_lacks(s, "example.org");
    /* ids and every reference to them are prefixed, in either quote style */
    assert_contains(s, "id='c9-gpclip_1'");
    assert_contains(s, "id='c9-gpPt0'");
    assert_contains(s, "id=\"c9-gnuplot_canvas\"");
    assert_contains(s, "clip-path=\"url(#c9-gpclip_1)\"");
    assert_contains(s, "xlink:href='#c9-gpPt0'");
    assert_lacks(s, "'gpPt0'");
    assert_lacks(s, "url(#gpclip_1)");
    /* the rest is kept as written */
    assert_contains(s, "xmlns=\"http://www.w3.org/2000/svg\"");
    assert_contains(s, "<text x=\"50\" y=\"30\">a &lt; b &amp; c</text>");
    assert_contains(s, "<a ><text");
    assert_contains(s, "<image  x=\"0\" y=\"0\" width=\"1\"");
    assert_contains(s, "fill=\"#00c000\"");
    assert_contains(s, "</g>\n</svg>");
    free(s);

    /* no <svg> element; no file */
    char path[160];
    snprintf(path, sizeof path, "%s/not-svg.svg", fx.dir);
    write_text(path, "<?xml version=\"1.0\"?>\n<svgfoo/><html></html>\n");
    assert_null(send_report_svg_inline(path, "x-", &err));
    assert_int_equal(err.code, DES_EIO);
    char want[256];
    snprintf(want, sizeof want, "chart '%s': no <svg> element", path);
    assert_string_equal(err.msg, want);
    unlink(path);
    assert_null(send_report_svg_inline(path, "x-", &err));
    assert_int_equal(err.code, DES_EIO);
    snprintf(want, sizeof want, "cannot open chart '%s' (No such file or directory)", path);
    assert_string_equal(err.msg, want);
}

/* ---- the page ----------------------------------------------------------------------------- */

/* Every attribute value on the page that mentions http must be an XML namespace; nothing is
 * loaded (src), linked (href) or imported from outside. Text may mention addresses. */
static void assert_self_contained(const char *html)
{
    static const char *const banned[] = {"<script", "<link", "<iframe", "<img", "<object",
                                         "<embed", "@import", "url(http", "url(//", "src="};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (strcasestr(html, banned[i]))
            fail_msg("the page holds \"%s\": %.80s", banned[i], strcasestr(html, banned[i]));
    for (const char *p = html; (p = strchr(p, '<')) != NULL; p++) {
        const char *end = strchr(p, '>');
        assert_non_null(end);
        if (!strncmp(p, "<!DOCTYPE", 9))
            continue;
        /* attributes: name="value" or name='value' */
        for (const char *q = p; q < end; q++) {
            if (*q != '=' || (q[1] != '"' && q[1] != '\''))
                continue;
            const char *v = q + 2, *ve = strchr(v, q[1]);
            assert_non_null(ve);
            const char *n = q;
            while (n > p && n[-1] != ' ' && n[-1] != '\n' && n[-1] != '\t')
                n--;
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(q - n), n);
            int mentions = memmem(v, (size_t)(ve - v), "http", 4) != NULL ||
                           memmem(v, (size_t)(ve - v), "//", 2) != NULL;
            if (mentions && strncmp(name, "xmlns", 5))
                fail_msg("attribute %s=\"%.*s\" points outside the page", name, (int)(ve - v),
                         v);
            if (!strcasecmp(name, "href") || !strcasecmp(name, "xlink:href"))
                if (*v != '#')
                    fail_msg("link %s=\"%.*s\" is not within the page", name, (int)(ve - v), v);
            q = ve;
        }
        if (end > p)
            p = end - 1;
    }
}

/* The statistics of a metric in one period of the fixture run. */
static send_stat stat_of(int metric, int period)
{
    double scratch[REPS];
    send_stat st;
    send_results_stat(&fx.res, metric, period, scratch, &st);
    return st;
}

/* The median of the quantiles q (send_quantile_levels order) and the phrase for its range,
 * exactly as the page prints them. */
static void median_and_range(const double *q, const char *unit, char *m, size_t mlen,
                             char *phrase, size_t plen)
{
    char a[64], b[64];
    send_report_format(q[3], unit, m, mlen);
    send_report_format(q[1], unit, a, sizeof a);
    send_report_format(q[5], unit, b, sizeof b);
    if (!strcmp(a, b))
        snprintf(phrase, plen, "the same in every run");
    else
        snprintf(phrase, plen, "P10\xE2\x80\x93P90 %s to %s", a, b);
}

/* Every parameter row of m is in html as the assumptions table prints it: key, value, note
 * (or "no note") and file:line, escaped. */
static void assert_param_rows(const char *html, const send_meta *m)
{
    for (int i = 0; i < m->n_params; i++) {
        const send_param_row *r = &m->params[i];
        char *row = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&row, &len);
        assert_non_null(f);
        /* an observation is shown by its metric's plain name and its period */
        char code[64];
        const char *dot = !strncmp(r->key, "observed.", 9) ? strchr(r->key + 9, '.') : NULL;
        int metric = -1;
        if (dot && dot - (r->key + 9) < (int)sizeof code) {
            snprintf(code, sizeof code, "%.*s", (int)(dot - (r->key + 9)), r->key + 9);
            metric = send_metric_find(code);
        }
        if (metric >= 0) {
            const send_metric_info *mi = send_metric(metric);
            fputs("<td title=\"", f);
            send_html_escape(f, r->key);
            fprintf(f, "\">Published: <span title=\"%s\">%c%s (%s)</span>, ", mi->name,
                    toupper((unsigned char)mi->description[0]), mi->description + 1,
                    send_unit_words(mi->unit));
            send_html_escape(f, dot + 1);
            fputs("</td>", f);
        } else {
            fputs("<td class=\"k\">", f);
            send_html_escape(f, r->key);
            fputs("</td>", f);
        }
        fputs("<td class=\"k\">", f);
        send_html_escape(f, r->value);
        fputs("</td><td class=\"src\">", f);
        send_html_escape(f, *r->note ? r->note : "no note");
        fputs("</td><td class=\"k\">", f);
        send_html_escape(f, r->file);
        fprintf(f, ":%d</td>", r->line);
        fclose(f);
        if (!strstr(html, row))
            fail_msg("parameter row %d not on the page: %s", i, row);
        free(row);
    }
}

/* Median and range phrase exactly as the page should print them. */
static void expect_stat(const char *card, int metric, int period, const char *unit)
{
    send_stat st = stat_of(metric, period);
    char m[64], phrase[160];
    median_and_range(st.q, unit, m, sizeof m, phrase, sizeof phrase);
    if (!strstr(card, m))
        fail_msg("metric %d period %d: median %s (%.17g) not in the headline card: %s", metric,
                 period, m, st.q[3], card);
    if (!strstr(card, phrase))
        fail_msg("metric %d period %d: \"%s\" not in the headline card: %s", metric, period,
                 phrase, card);
}

static void expect_big(const char *card, int metric, int period, const char *unit)
{
    send_stat st = stat_of(metric, period);
    char m[64], want[128];
    send_report_format(st.q[3], unit, m, sizeof m);
    snprintf(want, sizeof want, "<p class=\"big\">%s</p>", m);
    if (!strstr(card, want))
        fail_msg("big number %s not in the headline card: %s", want, card);
}

/* The headline card `id`, checked for the big number and the range of a metric in a period;
 * a malloc'd copy for further checks. */
static char *card_of(const char *head, const char *id, int metric, int period, const char *unit)
{
    char open[64];
    snprintf(open, sizeof open, "id=\"%s\"", id);
    char *c = extract(head, open, "</div>");
    expect_big(c, metric, period, unit);
    expect_stat(c, metric, period, unit);
    return c;
}

static void test_headline(void **state)
{
    (void)state;
    char *html = make_report(&fx.charts, NULL, NULL, 0);
    const send_output *o = &fx.res.reps[0];
    int last = o->n_months - 1;
    /* base.yaml runs 2020-01 to 2021-12: two whole years, one whole financial year */
    assert_int_equal(o->n_months, 24);
    assert_int_equal(o->n_years, 2);
    assert_int_equal(o->n_fys, 1);

    char *head = extract(html, "<section id=\"headline\">", "</section>");
    char *c = card_of(head, "h-ehcp", M_EHCP_TOTAL, last, "plans");
    expect_stat(c, M_EHCP_TOTAL, 0, "plans");
    assert_contains(c, "1 December 2021");
    assert_contains(c, "1 January 2020");
    free(c);

    c = card_of(head, "h-new", C_NEW_PLANS, 1, "plans");
    expect_stat(c, C_NEW_PLANS, 0, "plans");
    assert_contains(c, "in 2021 (");
    assert_contains(c, "in 2020 (");
    free(c);

    c = card_of(head, "h-20w", C_PCT_20W, 1, "percent");
    expect_stat(c, C_PCT_20W, 0, "percent");
    free(c);

    c = card_of(head, "h-wait", M_PLACEMENTS + PROV_AWAITING, 12, "children"); /* January 2021 */
    expect_stat(c, C_WAITED_FOR_PLACE, 1, "children");
    assert_contains(c, "on the census day, 1 January 2021 (");
    {
        /* the busiest month of 2021, worked out here from every replication */
        double peak[REPS], q[SEND_NQ], qs[SEND_NQ];
        for (int r = 0; r < REPS; r++) {
            const double *row = send_output_row(&fx.res.reps[r], M_PLACEMENTS + PROV_AWAITING);
            peak[r] = row[12];
            for (int i = 13; i < 24; i++)
                peak[r] = fmax(peak[r], row[i]);
        }
        for (int j = 0; j < SEND_NQ; j++)
            q[j] = send_quantile_levels[j] / 100.0;
        des_quantiles(peak, REPS, q, SEND_NQ, qs);
        char m[64], phrase[160], want[320];
        median_and_range(qs, "children", m, sizeof m, phrase, sizeof phrase);
        snprintf(want, sizeof want, "<b>%s</b> at the busiest month of 2021 (%s)", m, phrase);
        assert_contains(c, want);
    }
    free(c);

    c = card_of(head, "h-spend", F_SPEND, 0, "GBP");
    assert_contains(c, "2020-21");
    free(c);

    c = card_of(head, "h-deficit", F_DSG_BALANCE, 0, "GBP");
    assert_contains(c, "31 March 2021");
    free(c);

    /* the statistics vary between runs, so the ranges are real ranges */
    assert_contains(head, "P10\xE2\x80\x93P90 ");
    assert_contains(head, "of 24 simulated futures");
    /* no priors, ensemble, error term or allocation spread: the bands are chance alone */
    assert_contains(head, "under this scenario's assumptions, not uncertainty in the assumptions "
                          "themselves.");
    free(head);
    free(html);
}

/* The headline says what the bands hold: with drawn keys, an ensemble, the error term and an
 * allocation spread in the results, each is named (and the chance-only sentence is gone). */
static void test_headline_bands(void **state)
{
    (void)state;
    char paths[5][SEND_PATH_MAX] = {"ensemble.set", "requests.growth", "d1_panel.refusal",
                                    "discrepancy.ehcp_total", "discrepancy.new_plans"};
    send_results saved = fx.res;
    send_meta saved_meta = fx.meta;
    fx.res.n_params = 5;
    fx.res.param_paths = paths;
    send_param_row rows[2] = {
        {.key = "finance.grant.year_sd", .value = "0.05", .note = "assumption", .file = "a.yaml", .line = 3},
        {.key = "finance.grant.year_sd", .value = "0", .note = "known", .file = "b.yaml", .line = 4}};
    fx.meta.params = rows;
    fx.meta.n_params = 1;
    char *html = make_report(NULL, "not asked", NULL, 0);
    char *head = extract(html, "<section id=\"headline\">", "</section>");
    assert_contains(head, "the uncertainty of the 2 keys given as priors, the calibrated parameter "
                          "sets, the forecast-error term measured in back-tests (on the "
                          "published measures and their parts, such as the age bands, and, "
                          "through the plans, the money; not on placements or waits for "
                          "places) and the "
                          "high-needs allocation's growth; not the uncertainty");
    assert_false(strstr(head, "not uncertainty in the assumptions themselves"));
    free(head);
    free(html);

    /* a term without ehcp_total leaves the money alone, and says no more */
    char no_plans[2][SEND_PATH_MAX] = {"ensemble.set", "discrepancy.new_plans"};
    fx.res.n_params = 2;
    fx.res.param_paths = no_plans;
    html = make_report(NULL, "not asked", NULL, 0);
    head = extract(html, "<section id=\"headline\">", "</section>");
    assert_contains(head, "the uncertainty of the calibrated parameter sets, the forecast-error "
                          "term measured in back-tests and the high-needs allocation's growth; "
                          "not the uncertainty");
    free(head);
    free(html);

    /* the last value set wins: a child file's year_sd of 0 makes the allocation known */
    fx.res.n_params = 1;
    fx.res.param_paths = paths + 1;
    fx.meta.n_params = 2;
    html = make_report(NULL, "not asked", NULL, 0);
    head = extract(html, "<section id=\"headline\">", "</section>");
    assert_contains(head, "the uncertainty of the 1 key given as priors; not the uncertainty");
    assert_false(strstr(head, "allocation"));
    free(head);
    free(html);
    fx.res = saved;
    fx.meta = saved_meta;
}

/* Comparison rows: a measure's periods stay together in time order, the measures ordered by
 * their largest difference against its interval, measures with a sure difference before those
 * with only noise. */
static void test_compare_order(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "%s/order-compare.csv", fx.dir);
    write_text(path,
               "scenario,metric,period,diff_mean,diff_ci95_low,diff_ci95_high\n"
               /* requests: sure in 2022 (size 2), noise in 2021 */
               "alt,requests,2022,2,1,3\n"
               "alt,requests,2021,0.5,-1,2\n"
               /* new plans: sure, size 10 in 2021 and 3 in 2020: shown first */
               "alt,new_plans,2020,3,2,4\n"
               "alt,new_plans,2021,10,9,11\n"
               /* plans ceased: noise only, a large mean: after every sure measure */
               "alt,plans_ceased,2021,50,-1,101\n"
               "alt,plans_ceased,2020,1,-5,7\n"
               /* a service's headline: among the key differences, on its census day only */
               "alt,children_in_care,2021-01,-40,-50,-30\n"
               "alt,children_in_care,2021-02,-41,-51,-31\n");
    send_compare_table cmp;
    des_error err = {0};
    if (send_compare_read(path, &cmp, &err))
        fail_msg("%s", err.msg);
    char *html = make_report(NULL, NULL, &cmp, 1);
    char *c = extract(html, "<section id=\"compare-1\">", "</section>");
    const char *want[] = {"new_plans\">", "2020", "new_plans\">", "2021",
                          "requests\">", "2021", "requests\">", "2022",
                          "plans_ceased\">", "2020", "plans_ceased\">", "2021"};
    const char *at = c;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i += 2) {
        char period[64];
        snprintf(period, sizeof period, "<td class=\"nw\">%s</td>", want[i + 1]);
        const char *m = strstr(at, want[i]), *pd = m ? strstr(m, period) : NULL;
        if (!m || !pd || (strstr(m, "</tr>") && pd > strstr(m, "</tr>")))
            fail_msg("row %zu (%s %s) missing or out of order in:\n%s", i / 2, want[i],
                     want[i + 1], at);
        at = strstr(pd, "</tr>");
    }
    assert_contains(c, "Each measure's periods are shown together in time order");
    char *key = extract(c, "<h3>Key differences</h3>", "<details><summary>All 8 rows");
    assert_contains(key, "children_in_care\">");
    assert_contains(key, "<td class=\"nw\">2021-01</td>");
    assert_lacks(key, "<td class=\"nw\">2021-02</td>");
    assert_lacks(key, "requests\">");
    free(key);
    free(c);
    free(html);
    send_compare_free(&cmp);
}

/* The services section: only when a service ran; one heading per service that ran, with its
 * charts (picked from the run's charts by name) and its table of medians with P10-P90, the
 * lines by period kind under a row of their periods; lines zero throughout left out. */
static void test_services_section(void **state)
{
    (void)state;
    /* the fixture run has no services: no section, no link */
    char *html = make_report(NULL, NULL, NULL, 0);
    assert_lacks(html, "id=\"services\"");
    assert_lacks(html, "href=\"#services\"");
    free(html);

    send_params p;
    des_error err = {0};
    if (send_scenario_load("scenarios/leicestershire-services.yaml", &p, NULL, &err) != DES_OK)
        fail_msg("scenario: %s", err.msg);
    p.end = des_date_from_ymd(2027, 12, 31);
    p.eh_on = 0; /* one service off: its heading is left out */
    send_run_opts ro = {.seed = 3, .replications = 6, .threads = 1};
    send_results res;
    assert_int_equal(send_run(&p, &ro, &res, &err), DES_OK);
    /* two charts of the run's: a service chart goes to its service, the other stays above */
    char svg[2][200];
    const char *titles[2] = {"EHC plans in place", "Children in care by placement type"};
    for (int i = 0; i < 2; i++) {
        snprintf(svg[i], sizeof svg[i], "%s/r-%s.svg", fx.dir, i ? "services-care" : "ehcp-fan");
        write_text(svg[i], "<svg xmlns=\"http://www.w3.org/2000/svg\"><g id='a'/></svg>");
    }
    char *paths[2] = {svg[0], svg[1]}, *tl[2] = {(char *)titles[0], (char *)titles[1]};
    send_plot_list charts = {.n = 2, .paths = paths, .titles = tl};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    send_report_input in = {.res = &res, .meta = &fx.meta, .charts = &charts};
    assert_int_equal(send_report_html(f, &in, &err), DES_OK);
    fclose(f);
    assert_contains(buf, "<a href=\"#services\">Services</a>");
    char *chart_sec = extract(buf, "<section id=\"charts\">", "</section>");
    assert_contains(chart_sec, "EHC plans in place");
    assert_lacks(chart_sec, "Children in care by placement type");
    free(chart_sec);
    char *c = extract(buf, "<section id=\"services\">", "</section>");
    const char *heads[] = {"<h3 id=\"services-levels\">Levels</h3>",
                           "<h3 id=\"services-front-door\">Front door</h3>",
                           "<h3 id=\"services-care\">Children in care</h3>",
                           "<h3 id=\"services-short-breaks\">Short breaks</h3>"};
    const char *at = c;
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        const char *h = strstr(at, heads[i]);
        if (!h)
            fail_msg("'%s' missing or out of order", heads[i]);
        at = h;
    }
    assert_lacks(c, "services-early-help");
    char *care = extract(c, "<h3 id=\"services-care\">", "<h3 id=\"services-short-breaks\">");
    assert_contains(care, "<figcaption>Children in care by placement type</figcaption>");
    assert_contains(care, "Costs are charged to social care (not high-needs).");
    /* its blocks: cost by financial year (2027-28 is not whole inside the horizon), then
     * children in care on 1 January, then the year's flows */
    const char *blocks[] = {"<tr><th>Children in care by financial year (April to March)</th>"
                            "<th class=\"n nw\">2026-27</th><th class=\"n nw\">\xE2\x80\x93</th>"
                            "</tr>",
                            "<tr><th>Children in care on 1 January</th><th class=\"n nw\">Jan "
                            "2026</th><th class=\"n nw\">Jan 2027</th></tr>",
                            "<tr><th>Children in care in the calendar year</th>"
                            "<th class=\"n nw\">2026</th><th class=\"n nw\">2027</th></tr>"};
    at = care;
    for (size_t i = 0; i < 3; i++) {
        const char *b = strstr(at, blocks[i]);
        if (!b)
            fail_msg("block %zu missing or out of order: %s", i, blocks[i]);
        at = b;
    }
    /* a cell: children in care in January 2027, median with its P10-P90 */
    double *scratch = malloc((size_t)res.n * sizeof *scratch);
    assert_non_null(scratch);
    send_stat st;
    send_results_stat(&res, M_CARE, 12, scratch, &st);
    char m[48], a[48], b[48], want[400];
    send_report_format(st.q[3], "children", m, sizeof m);
    send_report_format(st.q[1], "children", a, sizeof a);
    send_report_format(st.q[5], "children", b, sizeof b);
    snprintf(want, sizeof want,
             "<td title=\"children_in_care\">Children in care (children)</td><td class=\"n\">"
             "582</td><td class=\"n\">%s<span class=\"rng\">%s\xE2\x80\x93%s</span></td></tr>",
             m, a, b);
    assert_contains(care, want);
    assert_contains(care, "<tr><td colspan=\"3\"><b>By placement type</b></td></tr>");
    /* no edge-of-care lever in the scenario: its line is zero throughout and left out */
    assert_lacks(care, "sc_edge_of_care_spend_gbp");
    free(scratch);
    free(care);
    free(c);
    free(buf);
    send_results_free(&res);
    send_params_free(&p);
}

static void test_content(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "%s/x-compare.csv", fx.dir);
    write_text(path, compare_csv);
    send_compare_table cmp;
    des_error err = {0};
    if (send_compare_read(path, &cmp, &err))
        fail_msg("%s", err.msg);
    char *html = make_report(&fx.charts, NULL, &cmp, 1);

    assert_int_equal(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en-GB\">", 35), 0);
    assert_contains(html, "<meta charset=\"utf-8\">");
    assert_non_null(strstr(html, "</body>\n</html>\n"));
    assert_self_contained(html);

    /* text from files is escaped */
    assert_contains(html, "<title>SEND forecast: small &lt;test&gt; &amp; co</title>");
    assert_lacks(html, "small <test>");
    assert_contains(html, "assumption: &lt;&amp;&gt; characters");
    assert_lacks(html, "<&>");
    assert_contains(html, "derived &#39;quoted&#39; &quot;both&quot;");
    assert_contains(html, "<figcaption>EHC plans &lt;fan&gt;</figcaption>");
    assert_contains(html, "note: &quot;&lt;resolved &amp; text&gt;&quot;");
    /* the address in a source note is text, not a link */
    assert_contains(html, "<td class=\"src\">https://www.gov.uk/example-costs</td>");

    /* every parameter row: key, value, note, file:line */
    char *ass = extract(html, "<section id=\"assumptions\">", "</section>");
    assert_int_equal(count_of(ass, "<tr"), 1 + (size_t)fx.meta.n_params);
    assert_param_rows(ass, &fx.meta);
    assert_contains(ass, "5 values; 1 noted as assumptions; 1 without a note");
    assert_contains(ass, "<tr class=\"nosrc\">");
    free(ass);

    /* charts: both inlined with their own id prefixes, scripts and prolog gone */
    char *charts = extract(html, "<section id=\"charts\">", "</section>");
    assert_int_equal(count_of(charts, "<figure>"), 2);
    assert_int_equal(count_of(charts, "<svg "), 2);
    assert_contains(charts, "id='c1-gpclip_1'");
    assert_contains(charts, "id=\"c2-gpclip_1\"");
    assert_contains(charts, "url(#c2-gpclip_1)");
    assert_lacks(charts, "<?xml");
    assert_lacks(charts, "Charts were not drawn");
    free(charts);

    /* tables: observed history beside the forecast, years before the forecast included */
    char *ehcp = extract(html, "<section id=\"ehcp\">", "</section>");
    assert_contains(ehcp, "<th class=\"n\">published</th>");
    assert_contains(ehcp, "<tr class=\"hist\"><td>2018</td>");
    assert_contains(ehcp, "87,654");
    assert_contains(ehcp, "98,765");
    assert_contains(ehcp, "<td>2021</td>");
    /* January 2021 total with its range, as the statistics give it */
    {
        send_stat st = stat_of(M_EHCP_TOTAL, 12);
        char m[64], cell[160];
        send_report_format(st.q[3], "plans", m, sizeof m);
        snprintf(cell, sizeof cell, "<td>2021</td><td class=\"n\">%s", m);
        assert_contains(ehcp, cell);
    }
    free(ehcp);
    char *flows = extract(html, "<section id=\"flows\">", "</section>");
    assert_contains(flows, "54,321");
    assert_contains(flows, "% within 20 weeks");
    free(flows);
    char *suff = extract(html, "<section id=\"sufficiency\">", "</section>");
    assert_contains(suff, "maintained special school or special academy");
    assert_contains(suff, "<td class=\"n\">not limited</td>");
    assert_contains(suff, "<th class=\"n\" colspan=\"3\">resourced</th>"
                          "<th class=\"n\" colspan=\"3\">special</th></tr>");
    assert_contains(suff, "<tr><td>2021</td><td class=\"n\">10</td>"); /* 10 resourced places */
    free(suff);
    char *fin = extract(html, "<section id=\"finance\">", "</section>");
    {
        send_stat st = stat_of(F_DSG_BALANCE, 0);
        char cells[160];
        snprintf(cells, sizeof cells, "<td class=\"n\">%.1f</td><td class=\"n\">%.1f</td>"
                 "<td class=\"n\">%.1f</td></tr>", st.q[1] / 1e6, st.q[3] / 1e6, st.q[5] / 1e6);
        assert_contains(fin, "<tr><td>2020-21</td>");
        assert_contains(fin, cells);
        /* the in-year balance with its band, then the cumulative one */
        send_stat iy = stat_of(F_DSG_INYEAR, 0);
        char both[320];
        snprintf(both, sizeof both, "<td class=\"n\">%.1f</td><td class=\"n\">%.1f</td>"
                 "<td class=\"n\">%.1f</td><td class=\"n\">%.1f</td>", iy.q[1] / 1e6,
                 iy.q[3] / 1e6, iy.q[5] / 1e6, st.q[1] / 1e6);
        assert_contains(fin, both);
        assert_contains(fin, "<th class=\"n\" colspan=\"3\">in-year balance (\xC2\xA3m)</th>");
    }
    free(fin);

    /* comparison: labels from the interval, charts absent */
    char *c = extract(html, "<section id=\"compare-1\">", "</section>");
    /* titled by the scenarios (the file names no reference), plain names with units */
    assert_contains(c, "Comparison 1: ep-capacity and ep, &lt;more&gt; against the reference "
                       "scenario</h2>");
    assert_contains(c, "4 rows from");
    assert_contains(c, "1 of them not distinguishable from noise");
    /* mean difference 12.5 plans, interval 8.25 to 16.75, median 12, P10 3, P90 22 */
    assert_contains(c, "<tr><td class=\"nw\">ep-capacity</td><td><span title=\"ehcp_total\">EHC "
                       "plans in place on the first day of the month (plans)</span></td>"
                       "<td class=\"nw\">2021-01</td>"
                       "<td class=\"n\">+13<span class=\"rng\">+8.2 to +17</span></td>"
                       "<td class=\"n\">+12<span class=\"rng\">+3 to +22</span></td>"
                       "<td class=\"v-higher\">higher</td></tr>");
    assert_contains(c, "<td class=\"n\">-0.4%<span class=\"rng\">-2.5% to +1.7%</span></td>"
                       "<td class=\"n\">0.0%<span class=\"rng\">-6.0% to +5.0%</span></td>"
                       "<td class=\"v-noise\">not distinguishable from noise</td>");
    assert_contains(c, "<td class=\"n\">-\xC2\xA3" "1.5m<span class=\"rng\">-\xC2\xA3"
                       "1.9m to -\xC2\xA3" "1.1m</span></td>");
    assert_contains(c, "<td class=\"nw\">ep, &lt;more&gt;</td>");
    assert_contains(c, "<td class=\"n\">+3</td><td class=\"n\">+3<span class=\"rng\">+1 to "
                       "+5</span></td><td class=\"v-higher\">higher</td>");
    assert_lacks(c, "minus the reference.</p>");
    assert_lacks(c, "<figure>");
    free(c);

    /* provenance */
    char *prov = extract(html, "<section id=\"provenance\">", "</section>");
    assert_contains(prov, "<tr><th>seed</th><td>11</td></tr>");
    assert_contains(prov, "<tr><th>replications</th><td>24</td></tr>");
    assert_contains(prov, "<tr><th>program version</th><td>9.8.7-test</td></tr>");
    assert_contains(prov, "<tr><th>build</th><td>cc -O2 -DTEST</td></tr>");
    assert_contains(prov, "<tr><th>host</th><td>testhost</td></tr>");
    assert_contains(prov, "<tr><th>run started</th><td>2026-11-22T10:00:00Z</td></tr>");
    assert_contains(prov, "<tr><th>run finished</th><td>2026-11-22T10:00:03Z</td></tr>");
    assert_contains(prov, "<tr><th>wall time</th><td>3.25 s</td></tr>");
    assert_contains(prov, "<tr><th>results file</th><td>results/small.h5</td></tr>");
    assert_contains(prov, "<details><summary>Resolved scenario");
    assert_contains(prov, "<pre>name: small\nstart: 2020-01-01\n");
    free(prov);

    free(html);
    send_compare_free(&cmp);
    unlink(path);
}

static void test_no_charts(void **state)
{
    (void)state;
    char *html = make_report(NULL, "gnuplot was not found", NULL, 0);
    assert_contains(html, "<p class=\"note\">Charts were not drawn: gnuplot was not found.");
    assert_lacks(html, "<figure");
    assert_lacks(html, "<svg");
    /* summary and tables are still there */
    assert_contains(html, "<section id=\"headline\">");
    assert_contains(html, "<section id=\"finance\">");
    assert_self_contained(html);
    free(html);

    send_plot_list empty = {0};
    html = make_report(&empty, NULL, NULL, 0);
    assert_contains(html, "Charts were not drawn: no chart files were given.");
    free(html);
}

/* send_report_write: atomic, nothing under the final name on any failure. */
static void test_write(void **state)
{
    (void)state;
    char dir[64], path[128];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/r.html", dir);
    send_report_input in = {.res = &fx.res, .meta = &fx.meta, .charts = &fx.charts};
    des_error err = {0};
    assert_int_equal(send_report_write(path, &in, NULL, &err), DES_OK);
    assert_int_equal(dir_count(dir), 1);
    size_t len;
    char *html = read_bytes(path, &len);
    assert_true(len > 5000);
    assert_non_null(strstr(html, "</html>\n"));
    free(html);
    unlink(path);

    /* a chart that cannot be read */
    char *bad_paths[] = {fx.chart1, "/nonexistent/chart.svg"};
    char *bad_titles[] = {"a", "b"};
    send_plot_list bad = {.n = 2, .paths = bad_paths, .titles = bad_titles};
    in.charts = &bad;
    assert_int_equal(send_report_write(path, &in, NULL, &err), DES_EIO);
    assert_string_equal(err.msg,
                        "cannot open chart '/nonexistent/chart.svg' (No such file or directory)");
    assert_int_equal(dir_count(dir), 0);

    /* interrupted */
    in.charts = NULL;
    volatile sig_atomic_t cancel = 1;
    assert_int_equal(send_report_write(path, &in, &cancel, &err), DES_ESTATE);
    assert_int_equal(dir_count(dir), 0);

    /* a directory that does not exist */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/no/r.html", dir);
    assert_int_equal(send_report_write(missing, &in, NULL, &err), DES_EIO);
    assert_non_null(strstr(err.msg, "cannot create"));

    /* nothing to report */
    send_results none = {0};
    in.res = &none;
    assert_int_equal(send_report_write(path, &in, NULL, &err), DES_EINVAL);
    assert_string_equal(err.msg, "a report needs at least one replication");
    assert_int_equal(dir_count(dir), 0);
    remove_dir(dir);
}

/* ---- comparison CSV ----------------------------------------------------------------------- */

static void test_compare_read(void **state)
{
    (void)state;
    char dir[64], path[128];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/a-compare.csv", dir);
    des_error err = {0};
    send_compare_table t;

    /* the full format; the interval decides the label over the written verdict */
    write_text(path, compare_csv);
    assert_int_equal(send_compare_read(path, &t, &err), DES_OK);
    assert_int_equal(t.n, 4);
    assert_string_equal(t.path, path);
    assert_string_equal(t.rows[0].scenario, "ep-capacity");
    assert_string_equal(t.rows[0].metric, "ehcp_total");
    assert_string_equal(t.rows[0].period, "2021-01");
    assert_true(t.rows[0].mean == 12.5 && t.rows[0].p10 == 3 && t.rows[0].p50 == 12 &&
                t.rows[0].p90 == 22 && t.rows[0].ci_low == 8.25 && t.rows[0].ci_high == 16.75);
    assert_true(t.rows[0].has_verdict && t.rows[1].has_verdict && t.rows[2].has_verdict);
    assert_int_equal(t.rows[0].verdict, SEND_HIGHER);
    assert_int_equal(t.rows[1].verdict, SEND_NOISE); /* written "lower", but spans 0 */
    assert_int_equal(t.rows[2].verdict, SEND_LOWER);
    assert_string_equal(t.rows[3].scenario, "ep, <more>");
    assert_true(isnan(t.rows[3].ci_low) && isnan(t.rows[3].ci_high));
    assert_int_equal(t.rows[3].verdict, SEND_HIGHER); /* as written: no interval */
    send_compare_free(&t);
    send_compare_free(&t); /* twice is harmless */
    send_compare_free(NULL);

    /* columns in another order, extra ones, CRLF, a byte-order mark, missing trailing
     * columns and cells, quoted newlines */
    write_text(path, "\xEF\xBB\xBF" "extra,metric,scenario,period,diff_mean,diff_ci95_low,"
                     "diff_ci95_high\r\n"
                     "x,new_plans,\"two\nlines\",2021,5,0,10\r\n"
                     "y,new_plans,b,2022,-5,-7,-3\r\n"
                     "\r\n"
                     "z,requests,c,2023,7\r\n");
    assert_int_equal(send_compare_read(path, &t, &err), DES_OK);
    assert_int_equal(t.n, 3);
    assert_string_equal(t.rows[0].scenario, "two\nlines");
    assert_int_equal(t.rows[0].verdict, SEND_NOISE); /* low = 0 spans zero */
    assert_true(isnan(t.rows[0].p10) && isnan(t.rows[0].p50) && isnan(t.rows[0].p90));
    assert_int_equal(t.rows[1].verdict, SEND_LOWER);
    assert_true(t.rows[1].mean == -5);
    assert_string_equal(t.rows[2].metric, "requests");
    assert_true(isnan(t.rows[2].ci_low));
    assert_false(t.rows[2].has_verdict);
    send_compare_free(&t);

    /* a header alone */
    write_text(path, "scenario,metric,period,diff_mean\n");
    assert_int_equal(send_compare_read(path, &t, &err), DES_OK);
    assert_int_equal(t.n, 0);
    send_compare_free(&t);

    /* the verdicts as `sendsim compare` writes them, and a written "no difference" */
    write_text(path, "scenario,metric,period,diff_mean,diff_ci95_low,diff_ci95_high,verdict\n"
                     "a,ehcp_total,2020-01,0,0,0,no difference\n"
                     "a,ehcp_total,2020-02,0,0,0\n"
                     "a,ehcp_total,2020-03,1,-1,3,not distinguishable from noise\n"
                     "a,ehcp_total,2020-04,-2,-3,-1,lower\n"
                     "a,ehcp_total,2020-05,,,,not distinguishable from noise\n");
    assert_int_equal(send_compare_read(path, &t, &err), DES_OK);
    assert_int_equal(t.n, 5);
    static const send_verdict want[] = {SEND_SAME, SEND_SAME, SEND_NOISE, SEND_LOWER,
                                        SEND_NOISE};
    for (int i = 0; i < 5; i++) {
        assert_true(t.rows[i].has_verdict);
        assert_int_equal(t.rows[i].verdict, want[i]);
    }
    send_compare_free(&t);

    send_verdict v = SEND_HIGHER;
    assert_int_equal(send_verdict_from_ci(NAN, 1, &v), -1);
    assert_int_equal(send_verdict_from_ci(1, NAN, &v), -1);
    assert_int_equal(v, SEND_HIGHER);
    static const struct {
        double lo, hi;
        send_verdict want;
    } ci[] = {{0, 0, SEND_SAME},      {0, 2, SEND_NOISE},        {-1e-9, 2, SEND_NOISE},
              {-2, 0, SEND_NOISE},    {1e-9, 2, SEND_HIGHER},   {-2, -1e-9, SEND_LOWER}};
    for (size_t i = 0; i < sizeof ci / sizeof ci[0]; i++) {
        assert_int_equal(send_verdict_from_ci(ci[i].lo, ci[i].hi, &v), 0);
        assert_int_equal(v, ci[i].want);
    }
    remove_dir(dir);
}

/* The malformed-file cases below: a body starting with '!' is the whole file (after the '!'),
 * any other follows the header hdr. */
static void write_case(const char *path, const char *hdr, const char *body)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    if (body[0] == '!')
        fputs(body + 1, f);
    else
        fprintf(f, "%s%s", hdr, body);
    fclose(f);
}

/* Case i failed with DES_EINPUT and the message "PATH:MSG". */
static void expect_input_error(size_t i, int rc, const des_error *err, const char *path,
                               const char *msg)
{
    char want[512];
    snprintf(want, sizeof want, "%s:%s", path, msg);
    if (rc != DES_EINPUT || strcmp(err->msg, want))
        fail_msg("case %zu: rc %d, \"%s\", expected \"%s\"", i, rc, err->msg, want);
}

/* ---- back-test tables ----------------------------------------------------------------------- */

#define BT_ONE "tests/data/backtest/one-backtest.csv"
#define BT_TWO "tests/data/backtest/two-backtest.csv"

/* The summary of a table read back, against figures worked out by hand from the rows. */
static void test_backtest_read(void **state)
{
    (void)state;
    send_bt_table t;
    send_bt_summary s;
    des_error err = {0};
    if (send_bt_table_read(BT_TWO, &t, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(t.n_la, 2);
    assert_string_equal(t.la_codes[1], "E2");
    assert_string_equal(t.la_names[1], "Other, Borough");
    assert_int_equal(t.las[0].n_rows, 1);
    assert_int_equal(t.las[1].n_rows, 3);
    assert_int_equal(send_bt_summarise(t.las, t.n_la, &s, &err), DES_OK);
    assert_int_equal(s.n[0][BT_EHCP_TOTAL], 3);
    assert_float_equal(s.coverage[0][BT_EHCP_TOTAL], 2.0 / 3.0, 1e-12);
    /* horizon 1: errors 10% (110 vs 100) and 15% (230 vs 200): median 12.5% */
    assert_float_equal(s.median_ape[0][BT_EHCP_TOTAL][1], 12.5, 1e-9);
    assert_float_equal(s.median_ape[0][BT_EHCP_TOTAL][2], 5.0, 1e-9);  /* 380 vs 400 */
    assert_float_equal(s.median_ape[1][BT_EHCP_TOTAL][1], 10.0, 1e-9); /* 180 vs 200 */
    assert_int_equal(s.n[1][BT_EHCP_TOTAL], 1);
    assert_true(isnan(s.coverage[1][BT_EHCP_TOTAL]));
    assert_int_equal(s.n[0][BT_NEW_PLANS], 0);
    assert_true(isnan(s.coverage[0][BT_NEW_PLANS]));
    send_bt_table_free(&t);
}

static void test_backtest_errors(void **state)
{
    (void)state;
    char dir[64], path[128];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/e-backtest.csv", dir);
    static const char hdr[] = "la_code,la_name,metric,period,horizon_years,observed,p10,p50,"
                              "p90,inside_p10_p90,abs_pct_error\n";
#define BT_WANT "expected a header la_code,la_name,metric,period,horizon_years,observed,p10," \
                "p50,p90,inside_p10_p90,abs_pct_error"
    static const struct {
        const char *body, *msg; /* as in test_compare_errors */
    } cases[] = {
        {"!", "1: " BT_WANT " (the file is empty)"},
        {"!scenario,metric,period,diff_mean\n", "1: " BT_WANT " (no 'la_code' column)"},
        {"!la_code,la_name,metric,period,horizon_years,observed,p10,p50,p90,abs_pct_error\n",
         "1: " BT_WANT " (no 'inside_p10_p90' column)"},
        {"E1,A,ehcp_total,2020,1,abc,90,110,120,1,10\n",
         "2: observed: expected a finite number, got 'abc'"},
        {"E1,A,ehcp_total,2020,1,100,90,1e,120,1,10\n",
         "2: p50: expected a finite number, got '1e'"},
        {"E1,A,ehcp_total,2020,1,,90,110,120,1,10\n",
         "2: observed: expected a finite number, got ''"},
        {"E1,A,ehcp_total,2020,1,nan,90,110,120,1,10\n",
         "2: observed: expected a finite number, got 'nan'"},
        {"E1,A,ehcp_total,2020,1,100,,110,120,1,10\n",
         "2: inside_p10_p90: expected 0 (observed 100 against p10 nan, p90 120), got '1'"},
        {"E1,A,caseload,2020,1,100,90,110,120,1,10\n",
         "2: metric: expected ehcp_total, initial_requests, new_plans, pct_within_20_weeks or "
         "plans_ceased, alone or after naive_, got 'caseload'"},
        {"E1,A,ehcp_total,2020-01,1,100,90,110,120,1,10\n",
         "2: period: expected a year, got '2020-01'"},
        {"E1,A,ehcp_total,2020,0,100,90,110,120,1,10\n",
         "2: horizon_years: expected a whole number from 1 to 10, got '0'"},
        {"E1,A,ehcp_total,2020,1,100,90,110,120,0,10\n",
         "2: inside_p10_p90: expected 1 (observed 100 against p10 90, p90 120), got '0'"},
        {"E1,A,naive_ehcp_total,2020,1,100,80,80,80,0,20\n",
         "2: inside_p10_p90: expected an empty field on a naive row, got '0'"},
        {"E1,A,ehcp_total,2020,1,100,90,110,120\n", "2: inside_p10_p90: expected a value, got none"},
    };
    des_error err = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_case(path, hdr, cases[i].body);
        send_bt_table t;
        memset(&t, 0x5a, sizeof t);
        int rc = send_bt_table_read(path, &t, &err);
        expect_input_error(i, rc, &err, path, cases[i].msg);
        assert_int_equal(t.n_la, 0);
        assert_null(t.las);
        assert_null(t.path);
    }
#undef BT_WANT
    remove_dir(dir);
}

/* The placement mix beside tests/data/backtest/one-backtest.csv (one-placements.csv), its
 * summary against the figures worked out by hand from its rows; a table with no placements
 * file beside it has no mix, and that is not an error. */
static void test_backtest_mix_read(void **state)
{
    (void)state;
    send_bt_table t;
    des_error err = {0};
    if (send_bt_table_read(BT_ONE, &t, &err) || send_bt_table_read_mix(&t, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(t.has_mix, 1);
    assert_string_equal(t.mix_path, "tests/data/backtest/one-placements.csv");
    assert_int_equal(t.mix_from, 2019);
    assert_float_equal(t.las[0].mix_observed[1][BT_MIX_INDEPENDENT], 0.07, 1e-12);
    assert_float_equal(t.las[0].mix_model[1][BT_MIX_INDEPENDENT], 0.15, 1e-12);
    assert_true(isnan(t.las[0].mix_model[1][BT_MIX_OTHER])); /* no row */
    assert_true(isnan(t.las[0].mix_model[2][BT_MIX_MAINSTREAM]));
    send_bt_mix_summary s;
    send_bt_mix_summarise(t.las, t.n_la, &s);
    /* errors, model - published in points, January 2020 and 2021: mainstream -2, -5;
     * resourced -1, +1; special -2, -2; independent +4, +8; post16 0, -2; ap 0, 0; other +1 */
    static const struct {
        int n;
        double mean, mae;
    } want[BT_MIX_TYPES] = {{2, -3.5, 3.5}, {2, 0, 1}, {2, -2, 2}, {2, 6, 6},
                            {2, -1, 1},     {2, 0, 0}, {1, 1, 1}};
    for (int g = 0; g < BT_MIX_TYPES; g++) {
        assert_int_equal(s.n[g], want[g].n);
        assert_float_equal(s.mean_error[g], want[g].mean, 1e-9);
        assert_float_equal(s.mean_abs_error[g], want[g].mae, 1e-9);
    }
    send_bt_table_free(&t);

    if (send_bt_table_read(BT_TWO, &t, &err) || send_bt_table_read_mix(&t, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(t.has_mix, 0);
    assert_string_equal(t.mix_path, "tests/data/backtest/two-placements.csv");
    assert_true(isnan(t.las[1].mix_observed[0][0]));
    send_bt_table_free(&t);
}

/* A malformed placements file: one line, "FILE:LINE: column: what was expected", and the
 * table read before it left as it was, without a mix. */
static void test_backtest_mix_errors(void **state)
{
    (void)state;
    char dir[64], table[128], path[128];
    make_dir(dir);
    snprintf(table, sizeof table, "%s/e-backtest.csv", dir);
    snprintf(path, sizeof path, "%s/e-placements.csv", dir);
    size_t len;
    char *csv = read_bytes(BT_ONE, &len); /* E1, Testshire, from 2019 */
    write_text(table, csv);
    free(csv);
    static const char hdr[] = "la_code,la_name,placement,period,horizon_years,observed_share,"
                              "model_share,error_points\n";
#define MIX_WANT "expected a header la_code,la_name,placement,period,horizon_years," \
                 "observed_share,model_share,error_points"
    char other[256];
    snprintf(other, sizeof other, "2: la_code: expected an authority of '%s', got 'E2'", table);
    const struct {
        const char *body, *msg; /* as in test_backtest_errors */
    } cases[] = {
        {"!", "1: " MIX_WANT " (the file is empty)"},
        {"!la_code,la_name,placement,period,horizon_years,observed_share,model_share\n",
         "1: " MIX_WANT " (no 'error_points' column)"},
        {"E2,Other,mainstream,2020,1,0.4,0.38,-2\n", other},
        {"E1,Testshire,special_school,2020,1,0.4,0.38,-2\n",
         "2: placement: expected mainstream, resourced, special, independent, post16, ap or "
         "other, got 'special_school'"},
        {"E1,Testshire,mainstream,2028,9,0.4,0.38,-2\n",
         "2: horizon_years: expected a whole number from 1 to 8, got '9'"},
        {"E1,Testshire,mainstream,2020-01,1,0.4,0.38,-2\n",
         "2: period: expected a year, got '2020-01'"},
        {"E1,Testshire,mainstream,2021,1,0.4,0.38,-2\n",
         "2: period: expected 2020 (the start year 2019 + horizon_years), got '2021'"},
        {"E1,Testshire,mainstream,2020,1,40,38,-200\n",
         "2: observed_share: expected a share from 0 to 1, got '40'"},
        {"E1,Testshire,mainstream,2020,1,0.4,,-2\n",
         "2: model_share: expected a share from 0 to 1, got ''"},
        {"E1,Testshire,mainstream,2020,1,0.4,0.38,2\n",
         "2: error_points: expected 100 x (model_share - observed_share) = -2, got '2'"},
        {"E1,Testshire,mainstream,2020,1,0.4,0.38,-2\nE1,Testshire,mainstream,2020,1,0.4,0.38,"
         "-2\n",
         "3: expected one row per authority, placement and period, got a second for E1, "
         "mainstream, 2020"},
        {"E1,Testshire,mainstream,2020,1,0.4,0.38\n",
         "2: error_points: expected a value, got none"},
        {"E1,\"Testshire,mainstream,2020,1,0.4,0.38,-2\n", "2: expected a closing quote"},
    };
    des_error err = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_case(path, hdr, cases[i].body);
        send_bt_table t;
        if (send_bt_table_read(table, &t, &err))
            fail_msg("%s", err.msg);
        int rc = send_bt_table_read_mix(&t, &err);
        expect_input_error(i, rc, &err, path, cases[i].msg);
        assert_int_equal(t.has_mix, 0);
        assert_true(isnan(t.las[0].mix_observed[0][BT_MIX_MAINSTREAM]));
        assert_int_equal(t.n_la, 1);
        assert_int_equal(t.las[0].n_rows, 8);
        send_bt_table_free(&t);
    }
#undef MIX_WANT
    remove_dir(dir);
}

static void test_compare_errors(void **state)
{
    (void)state;
    char dir[64], path[128];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/e.csv", dir);
    static const char hdr[] = "scenario,metric,period,diff_mean,diff_p10,diff_p50,diff_p90,"
                              "diff_ci95_low,diff_ci95_high,verdict\n";
    static const struct {
        const char *body; /* after hdr unless it starts with '!' (then the whole file) */
        const char *msg;  /* after "PATH:" */
    } cases[] = {
        {"!", "1: expected a header naming scenario,metric,period,diff_mean (the file is empty)"},
        {"!\n\n", "1: expected a header naming scenario,metric,period,diff_mean (the file is "
                  "empty)"},
        {"!scenario,metric,period,mean\na,b,c,1\n",
         "1: expected a header naming scenario,metric,period,diff_mean (no 'diff_mean' column)"},
        {"!metric,period,diff_mean\n",
         "1: expected a header naming scenario,metric,period,diff_mean (no 'scenario' column)"},
        {"!scenario,metric,period,diff_mean,metric\n", "1: column 'metric' appears twice"},
        {"!\"scenario,metric\n", "1: expected a closing quote"},
        {"a,ehcp_total,2020-01,1,0,1,2,0.5,1.5,higher\nb,ehcp_total,2020-02,abc\n",
         "3: diff_mean: expected a finite number (or an empty field), got 'abc'"},
        {"b,ehcp_total,2020-02,1,2,3,4x\n",
         "2: diff_p90: expected a finite number (or an empty field), got '4x'"},
        {"b,ehcp_total,2020-02,1,2,3,4,5,inf\n",
         "2: diff_ci95_high: expected a finite number (or an empty field), got 'inf'"},
        {"b,ehcp_total,2020-02,nan\n",
         "2: diff_mean: expected a finite number (or an empty field), got 'nan'"},
        {"b,ehcp_total,2020-02,1,2,3,-NaN\n",
         "2: diff_p90: expected a finite number (or an empty field), got '-NaN'"},
        {"b,ehcp_total,2020-02,1,2,3,4,5,6,up\n",
         "2: verdict: expected 'higher', 'lower', 'not distinguishable from noise' or 'no "
         "difference', got 'up'"},
        {"b,ehcp_total,2020-02,1,2,3,4,5,6,higher,extra\n",
         "2: expected at most 10 fields as in the header, got 11"},
        {"b,ehcp_total,2020-02\n", "2: diff_mean: expected a value, got none"},
        {",ehcp_total,2020-02,1\n", "2: scenario: expected a value, got an empty field"},
        {"b,,2020-02,1\n", "2: metric: expected a value, got an empty field"},
        {"b,ehcp_total,2020-02,1,,,,3,2\n",
         "2: diff_ci95_low: expected at most diff_ci95_high (3 > 2)"},
        {"a,ehcp_total,2020-01,1\n\"b,ehcp_total,2020-02,1\n", "3: expected a closing quote"},
        {"\"b\"x,ehcp_total,2020-02,1\n",
         "2: expected a comma or the end of the line after a quoted field"},
        {"\"multi\nline\",ehcp_total,2020-02,1\nc,d,e,zz\n",
         "4: diff_mean: expected a finite number (or an empty field), got 'zz'"},
        {"b,ehcp_total,2020-02,1234567890123456789012345678901234567890x\n",
         "2: diff_mean: expected a finite number (or an empty field), got "
         "'1234567890123456789012345678901234567...'"},
    };
    des_error err = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_case(path, hdr, cases[i].body);
        send_compare_table t;
        memset(&t, 0x5a, sizeof t);
        int rc = send_compare_read(path, &t, &err);
        expect_input_error(i, rc, &err, path, cases[i].msg);
        assert_int_equal(t.n, 0);
        assert_null(t.rows);
        assert_null(t.path);
    }
    /* a missing file */
    send_compare_table t;
    snprintf(path, sizeof path, "%s/missing.csv", dir);
    assert_int_equal(send_compare_read(path, &t, &err), DES_EIO);
    char want[256];
    snprintf(want, sizeof want, "cannot open '%s' (No such file or directory)", path);
    assert_string_equal(err.msg, want);
    /* too many fields in a row */
    snprintf(path, sizeof path, "%s/wide.csv", dir);
    FILE *f = fopen(path, "w");
    fputs(hdr, f);
    for (int i = 0; i < 70; i++)
        fputs("1,", f);
    fputs("1\n", f);
    fclose(f);
    assert_int_equal(send_compare_read(path, &t, &err), DES_EINPUT);
    snprintf(want, sizeof want,
             "%s:2: expected at most 10 fields as in the header, got more than 64", path);
    assert_string_equal(err.msg, want);
    remove_dir(dir);
}

static void test_compare_charts(void **state)
{
    (void)state;
    char dir[64], path[160];
    make_dir(dir);
    const char *files[] = {"X-compare.csv", "X-compare-b.svg", "X-compare-a_diff-fan.svg",
                           "X-other.svg", "Y-compare-z.svg", "X-compare-.svg",
                           "X-compare-c.png", "Z-compare-q.svg"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        write_text(path, "scenario,metric,period,diff_mean\n");
    }
    send_compare_table t;
    des_error err = {0};
    snprintf(path, sizeof path, "%s/X-compare.csv", dir);
    assert_int_equal(send_compare_read(path, &t, &err), DES_OK);
    assert_int_equal(t.charts.n, 0);
    assert_int_equal(send_compare_find_charts(&t, &err), DES_OK);
    assert_int_equal(t.charts.n, 2);
    char want[160];
    snprintf(want, sizeof want, "%s/X-compare-a_diff-fan.svg", dir);
    assert_string_equal(t.charts.paths[0], want);
    assert_string_equal(t.charts.titles[0], "a diff fan");
    snprintf(want, sizeof want, "%s/X-compare-b.svg", dir);
    assert_string_equal(t.charts.paths[1], want);
    assert_string_equal(t.charts.titles[1], "b");
    /* again: replaced, not appended */
    assert_int_equal(send_compare_find_charts(&t, &err), DES_OK);
    assert_int_equal(t.charts.n, 2);
    send_compare_free(&t);

    /* the charts of `sendsim compare`: overlays first, then differences, then the rest */
    const char *more[] = {"X-compare-diff-ehcp-alt.svg", "X-compare-overlay-spend.svg",
                          "X-compare-overlay-ehcp.svg"};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        snprintf(want, sizeof want, "%s/%s", dir, more[i]);
        write_text(want, "<svg/>");
    }
    assert_int_equal(send_compare_read(path, &t, &err), DES_OK);
    assert_int_equal(send_compare_find_charts(&t, &err), DES_OK);
    assert_int_equal(t.charts.n, 5);
    static const char *const titles[] = {
        "Scenarios side by side: ehcp", "Scenarios side by side: spend",
        "Difference from the reference: ehcp alt", "a diff fan", "b"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(t.charts.titles[i], titles[i]);
    snprintf(want, sizeof want, "%s/X-compare-overlay-ehcp.svg", dir);
    assert_string_equal(t.charts.paths[0], want);
    send_compare_free(&t);

    /* PREFIX.csv looks for PREFIX-compare-*.svg */
    snprintf(want, sizeof want, "%s/Z.csv", dir);
    assert_int_equal(rename(path, want), 0);
    assert_int_equal(send_compare_read(want, &t, &err), DES_OK);
    assert_int_equal(send_compare_find_charts(&t, &err), DES_OK);
    assert_int_equal(t.charts.n, 1);
    assert_string_equal(t.charts.titles[0], "q");
    send_compare_free(&t);
    remove_dir(dir);
}

/* A comparison with charts on the page: inlined beside the table. */
static void test_compare_section_charts(void **state)
{
    (void)state;
    char dir[64], path[160];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/k-compare-ehcp.svg", dir);
    write_text(path, svg_chart2);
    snprintf(path, sizeof path, "%s/k-compare.csv", dir);
    /* many rows: key rows shown first, all rows folded */
    FILE *f = fopen(path, "w");
    fputs("scenario,metric,period,diff_mean,diff_p10,diff_p50,diff_p90,diff_ci95_low,"
          "diff_ci95_high\n", f);
    for (int m = 1; m <= 12; m++)
        fprintf(f, "alt,ehcp_total,2020-%02d,%d,0,1,2,%d,%d\n", m, m, m - 3, m + 3);
    fputs("alt,sen_support_total,2020-01,1,0,1,2,0.5,1.5\n", f);
    fclose(f);
    send_compare_table t;
    des_error err = {0};
    assert_int_equal(send_compare_read(path, &t, &err), DES_OK);
    assert_int_equal(send_compare_find_charts(&t, &err), DES_OK);
    char *html = make_report(NULL, NULL, &t, 1);
    char *c = extract(html, "<section id=\"compare-1\">", "</section>");
    assert_contains(c, "<h3>Key differences</h3>");
    assert_contains(c, "<details><summary>All 13 rows</summary>");
    char *key = extract(c, "<h3>Key differences</h3>", "</table>");
    assert_int_equal(count_of(key, "<tr>"), 1 + 1); /* header, January */
    assert_contains(key, "<td class=\"nw\">2020-01</td>");
    free(key);
    assert_contains(c, "<figure>");
    assert_contains(c, "id=\"k1-1-gpclip_1\"");
    assert_contains(c, "<figcaption>ehcp</figcaption>");
    assert_contains(c, "3 of them not distinguishable from noise"); /* months 1, 2, 3 */
    assert_contains(c, "Every row is <b>alt</b> minus the reference.");
    assert_lacks(c, "<th>scenario</th>");
    free(c);
    assert_self_contained(html);
    free(html);
    send_compare_free(&t);
    remove_dir(dir);
}

/* ---- rendering in headless Chromium ------------------------------------------------------- */

static const char *find_chromium(char *buf, size_t len)
{
    const char *env = getenv("SENDSIM_CHROMIUM");
    if (env && *env)
        return access(env, X_OK) == 0 ? env : NULL;
    const char *names[] = {"chromium", "chromium-browser", "google-chrome"};
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *p = path;
        while (*p) {
            const char *colon = strchr(p, ':');
            size_t n = colon ? (size_t)(colon - p) : strlen(p);
            snprintf(buf, len, "%.*s/%s", (int)n, p, names[i]);
            if (n > 0 && access(buf, X_OK) == 0)
                return buf;
            p += n + (colon != NULL);
        }
    }
    return NULL;
}

typedef struct png_image {
    uint32_t w, h;
    int channels;
    unsigned char *px; /* h rows of w * channels bytes */
} png_image;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Decode an 8-bit RGB or RGBA non-interlaced PNG (what Chromium writes). */
static void png_decode(const unsigned char *d, size_t n, png_image *img)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assert_true(n > 33);
    assert_memory_equal(d, sig, 8);
    assert_memory_equal(d + 12, "IHDR", 4);
    img->w = be32(d + 16);
    img->h = be32(d + 20);
    int depth = d[24], ctype = d[25], interlace = d[28];
    assert_int_equal(depth, 8);
    assert_true(ctype == 2 || ctype == 6);
    assert_int_equal(interlace, 0);
    img->channels = ctype == 2 ? 3 : 4;
    unsigned char *z = malloc(n);
    assert_non_null(z);
    size_t zn = 0;
    for (size_t off = 8; off + 12 <= n;) {
        uint32_t len = be32(d + off);
        assert_true(off + 12 + len <= n);
        if (!memcmp(d + off + 4, "IDAT", 4)) {
            memcpy(z + zn, d + off + 8, len);
            zn += len;
        }
        if (!memcmp(d + off + 4, "IEND", 4))
            break;
        off += 12 + len;
    }
    size_t stride = (size_t)img->w * (size_t)img->channels;
    uLongf raw_len = (uLongf)((stride + 1) * img->h);
    unsigned char *raw = malloc(raw_len);
    assert_non_null(raw);
    assert_int_equal(uncompress(raw, &raw_len, z, (uLong)zn), Z_OK);
    assert_int_equal(raw_len, (stride + 1) * img->h);
    free(z);
    img->px = malloc(stride * img->h);
    assert_non_null(img->px);
    int bpp = img->channels;
    for (uint32_t y = 0; y < img->h; y++) {
        const unsigned char *in = raw + y * (stride + 1);
        unsigned char *out = img->px + y * stride;
        const unsigned char *up = y ? out - stride : NULL;
        int ft = in[0];
        in++;
        for (size_t x = 0; x < stride; x++) {
            int a = x >= (size_t)bpp ? out[x - bpp] : 0;
            int b = up ? up[x] : 0;
            int c = up && x >= (size_t)bpp ? up[x - bpp] : 0;
            int v = in[x];
            switch (ft) {
            case 0: break;
            case 1: v += a; break;
            case 2: v += b; break;
            case 3: v += (a + b) / 2; break;
            case 4: v += paeth(a, b, c); break;
            default: fail_msg("PNG row %u has filter type %d", y, ft);
            }
            out[x] = (unsigned char)v;
        }
    }
    free(raw);
}

/* Run chromium on url writing png; kill it after `limit` seconds. Returns its exit status,
 * or -1 when it had to be killed. */
static int run_chromium(const char *bin, const char *url, const char *png, const char *profile,
                        const char *log, int limit)
{
    char shot[256], prof[256];
    snprintf(shot, sizeof shot, "--screenshot=%s", png);
    snprintf(prof, sizeof prof, "--user-data-dir=%s", profile);
    char *argv[] = {(char *)bin, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--no-first-run", "--no-default-browser-check",
                    "--disable-extensions", "--disable-dev-shm-usage",
                    "--host-resolver-rules=MAP * ~NOTFOUND", prof, "--window-size=1200,2000",
                    shot, (char *)url, NULL};
    /* its own process group, so that every helper process can be killed */
    pid_t pid = spawn_to_files(argv, log, log, 1);
    int st = 0;
    for (int waited_ms = 0;; waited_ms += 100) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            break;
        assert_true(r == 0 || errno == EINTR);
        if (waited_ms >= limit * 1000) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            return -1;
        }
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(-pid, SIGKILL); /* helpers that outlive the browser */
    return exit_status(st);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Remove a directory made by make_dir and everything under it. */
static void remove_tree(const char *path)
{
    if (strncmp(path, "/tmp/sendsim-report-", 20))
        fail_msg("refusing to remove %s", path);
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_render_chromium(void **state)
{
    (void)state;
    char binbuf[1024];
    const char *bin = find_chromium(binbuf, sizeof binbuf);
    if (!bin) {
        printf("chromium not found: report rendering not checked\n");
        skip();
    }
    char dir[64], html[128], png[128], profile[128], log[128], url[160];
    make_dir(dir);
    snprintf(html, sizeof html, "%s/report.html", dir);
    snprintf(png, sizeof png, "%s/shot.png", dir);
    snprintf(profile, sizeof profile, "%s/profile", dir);
    snprintf(log, sizeof log, "%s/chromium.log", dir);
    snprintf(url, sizeof url, "file://%s", html);
    assert_int_equal(mkdir(profile, 0700), 0);
    send_report_input in = {.res = &fx.res, .meta = &fx.meta, .charts = &fx.charts};
    des_error err = {0};
    assert_int_equal(send_report_write(html, &in, NULL, &err), DES_OK);

    int rc = run_chromium(bin, url, png, profile, log, 60);
    struct stat sb;
    if (rc != 0 || stat(png, &sb) != 0) {
        char *l = slurp(log);
        size_t ll = strlen(l);
        fprintf(stderr, "chromium log (tail):\n%s\n", l + (ll > 2000 ? ll - 2000 : 0));
        free(l);
        remove_tree(dir);
        fail_msg("chromium %s", rc < 0 ? "did not finish in 60 s" : "wrote no screenshot");
    }
    size_t n;
    unsigned char *data = (unsigned char *)read_bytes(png, &n);
    png_image img;
    png_decode(data, n, &img);
    free(data);
    assert_int_equal(img.w, 1200);
    assert_int_equal(img.h, 2000);

    /* not blank: the page has text, tables and a chart, so grey levels vary widely */
    double sum = 0, sum2 = 0;
    size_t dark = 0, green = 0, npx = (size_t)img.w * img.h;
    for (size_t i = 0; i < npx; i++) {
        const unsigned char *p = img.px + i * (size_t)img.channels;
        double g = (p[0] + p[1] + p[2]) / 3.0;
        sum += g;
        sum2 += g * g;
        dark += g < 128;
        green += p[1] > 150 && p[0] < 60 && p[2] < 60; /* the chart's #00c000 rectangle */
    }
    double mean = sum / (double)npx, var = sum2 / (double)npx - mean * mean;
    printf("screenshot: %ux%u, mean grey %.1f, variance %.1f, dark pixels %.2f%%, "
           "chart pixels %zu\n",
           img.w, img.h, mean, var, 100.0 * (double)dark / (double)npx, green);
    assert_true(var > 200);                      /* a blank page has 0 */
    assert_true(dark > npx / 200);               /* at least 0.5% text and rules */
    /* the inline chart was drawn at a reasonable size (520 x 220 in a ~560 px figure) */
    assert_true(green > 40000);
    /* the headline (top 700 rows) has text in it */
    size_t dark_top = 0;
    for (size_t i = 0; i < (size_t)img.w * 700; i++) {
        const unsigned char *p = img.px + i * (size_t)img.channels;
        dark_top += (p[0] + p[1] + p[2]) < 3 * 128;
    }
    assert_true(dark_top > (size_t)img.w * 700 / 200);
    free(img.px);
    remove_tree(dir);
}

/* ---- the command line --------------------------------------------------------------------- */

#define OBSERVED "tests/data/results/observed.yaml"

/* Set an environment variable; returns a copy of its old value (NULL if unset) for
 * env_restore, which puts it back and frees the copy. */
static char *env_set(const char *name, const char *value)
{
    const char *old = getenv(name);
    char *saved = old ? xstrdup(old) : NULL;
    setenv(name, value, 1);
    return saved;
}

static void env_restore(const char *name, char *saved)
{
    if (saved)
        setenv(name, saved, 1);
    else
        unsetenv(name);
    free(saved);
}

/* The command succeeded (else fail with what it wrote on stderr); r is kept for more checks. */
static void assert_cli_ok(cli_result *r, const char *what)
{
    if (r->status != 0)
        cli_fail(r, "%s: exit %d: %s", what, r->status, r->err);
}

/* The command failed with `status` and its stderr starts with `prefix`; r is released. */
static void assert_cli_error(cli_result *r, int status, const char *prefix)
{
    assert_int_equal(r->status, status);
    assert_int_equal(strncmp(r->err, prefix, strlen(prefix)), 0);
    cli_result_free(r);
}

/* The page of a results file holds every parameter row of its meta and the headline medians
 * of its results, as read back from the file. */
static void check_page_against_h5(const char *html, const char *h5)
{
    send_results res;
    send_meta meta;
    des_error err = {0};
    if (send_h5_read(h5, &res, &meta, &err) != DES_OK)
        fail_msg("%s", err.msg);
    assert_true(meta.n_params > 20);
    assert_param_rows(html, &meta);
    double *scratch = malloc((size_t)res.n * sizeof *scratch);
    assert_non_null(scratch);
    const send_output *o = &res.reps[0];
    struct {
        int metric, period;
        const char *card;
    } big[] = {{M_EHCP_TOTAL, o->n_months - 1, "h-ehcp"},
               {C_NEW_PLANS, o->n_years - 1, "h-new"},
               {C_PCT_20W, o->n_years - 1, "h-20w"},
               {M_PLACEMENTS + PROV_AWAITING, o->n_months - 12, "h-wait"}, /* January */
               {F_SPEND, o->n_fys - 1, "h-spend"},
               {F_DSG_BALANCE, o->n_fys - 1, "h-deficit"}};
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        send_stat st;
        send_results_stat(&res, big[i].metric, big[i].period, scratch, &st);
        char m[64], want[256];
        send_report_format(st.q[3], send_metric(big[i].metric)->unit, m, sizeof m);
        snprintf(want, sizeof want, "id=\"%s\"><h3>", big[i].card);
        char *card = extract(html, want, "</div>");
        snprintf(want, sizeof want, "<p class=\"big\">%s</p>", m);
        if (!strstr(card, want))
            fail_msg("%s: expected %s in %s", big[i].card, want, card);
        free(card);
    }
    free(scratch);
    send_results_free(&res);
    send_meta_free(&meta);
}

static void test_cli_report(void **state)
{
    (void)state;
    char dir[64], prefix[128], h5[160], page[160], tmp[160];
    make_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/x", dir);
    snprintf(h5, sizeof h5, "%s.h5", prefix);
    snprintf(page, sizeof page, "%s-report.html", prefix);
    cli_result r;
    run_cli(&r, "run", OBSERVED, "--replications", "8", "--seed", "5", "--quiet", "--no-plots",
            "--out", prefix, (char *)NULL);
    assert_cli_ok(&r, "run");
    cli_result_free(&r);

    /* without charts */
    run_cli(&r, "report", h5, "--no-charts", (char *)NULL);
    assert_cli_ok(&r, "report");
    char want[256];
    snprintf(want, sizeof want, "wrote %s\n", page);
    assert_string_equal(r.out, want);
    assert_string_equal(r.err, "");
    cli_result_free(&r);
    char *html = slurp(page);
    assert_self_contained(html);
    assert_contains(html, "Charts were not drawn: they were not asked for (--no-charts).");
    assert_contains(html, "name kept short &lt;&amp;&gt; &quot;quoted&quot;");
    assert_contains(html, "<td class=\"n obs\">41</td>"); /* observed ehcp_total 2019-01 */
    assert_contains(html, "<tr><th>seed</th><td>5</td></tr>");
    assert_contains(html, "<tr><th>replications</th><td>8</td></tr>");
    snprintf(want, sizeof want, "<tr><th>results file</th><td>%s</td></tr>", h5);
    assert_contains(html, want);
    check_page_against_h5(html, h5);
    free(html);
    assert_int_equal(unlink(page), 0);

    /* with charts, their temporary directory under $TMPDIR removed afterwards; without
     * gnuplot the page says so */
    snprintf(tmp, sizeof tmp, "%s/tmp", dir);
    assert_int_equal(mkdir(tmp, 0700), 0);
    char *saved = env_set("TMPDIR", tmp);
    snprintf(want, sizeof want, "%s/out/r.html", dir); /* out/ is created */
    run_cli(&r, "report", h5, "--out", want, "--quiet", (char *)NULL);
    env_restore("TMPDIR", saved);
    assert_cli_ok(&r, "report with charts");
    assert_string_equal(r.out, "");
    cli_result_free(&r);
    assert_dir_empty(tmp);
    html = slurp(want);
    assert_self_contained(html);
    if (strstr(html, "Charts were not drawn")) {
        assert_contains(html, "Charts were not drawn: gnuplot was not found.");
        printf("gnuplot not found: charts in the report not checked\n");
    } else {
        char *charts = extract(html, "<section id=\"charts\">", "</section>");
        assert_true(count_of(charts, "<figure>") >= 4);
        assert_int_equal(count_of(charts, "<figure>"), count_of(charts, "<svg"));
        assert_int_equal(count_of(charts, "<figure>"), count_of(charts, "<figcaption>"));
        assert_lacks(charts, "<?xml");
        free(charts);
    }
    free(html);
    assert_int_equal(unlink(want), 0);
    snprintf(want, sizeof want, "%s/out", dir);
    assert_int_equal(rmdir(want), 0);
    assert_int_equal(rmdir(tmp), 0);
    unlink(h5);
    snprintf(want, sizeof want, "%s-summary.csv", prefix);
    unlink(want);
    remove_tree(dir);
}

/* A fresh directory dir (64 bytes) holding x.h5 and x-summary.csv of a quiet three-replication
 * run of the small scenario without charts; h5 (160 bytes) receives the results file's path. */
static void small_run(char *dir, char *h5)
{
    char prefix[128];
    make_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/x", dir);
    snprintf(h5, 160, "%s.h5", prefix);
    cli_result r;
    run_cli(&r, "run", SCENARIO, "--replications", "3", "--quiet", "--no-plots", "--out",
            prefix, (char *)NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
}

/* Run `sendsim report` with $SENDSIM_GNUPLOT and $TMPDIR set for the child only. */
static void run_report_env(cli_result *r, const char *gnuplot, const char *tmpdir,
                           const char *h5, const char *page)
{
    char *old_g = env_set("SENDSIM_GNUPLOT", gnuplot);
    char *old_t = env_set("TMPDIR", tmpdir);
    run_cli(r, "report", h5, "--out", page, (char *)NULL);
    env_restore("SENDSIM_GNUPLOT", old_g);
    env_restore("TMPDIR", old_t);
}

static void write_script(const char *path, const char *text)
{
    write_text(path, text);
    assert_int_equal(chmod(path, 0755), 0);
}

/* Charts that cannot be drawn, and Ctrl-C while they are drawn. gnuplot is replaced by small
 * scripts: one that is missing, one that fails, one that interrupts sendsim (its parent: the
 * plot code execs gnuplot from the shell of popen) and then exits. */
static void test_cli_report_charts_fail(void **state)
{
    (void)state;
    char dir[64], h5[160], page[160], tmp[160], prog[160];
    small_run(dir, h5);
    snprintf(page, sizeof page, "%s/page.html", dir);
    snprintf(tmp, sizeof tmp, "%s/tmp", dir);
    assert_int_equal(mkdir(tmp, 0700), 0);
    cli_result r;

    /* no gnuplot: a page without charts, and a warning */
    snprintf(prog, sizeof prog, "%s/no-such-gnuplot", dir);
    run_report_env(&r, prog, tmp, h5, page);
    assert_cli_ok(&r, "report");
    assert_string_equal(r.err, "sendsim report: gnuplot not found: the report has no charts\n");
    cli_result_free(&r);
    char *html = slurp(page);
    assert_contains(html, "Charts were not drawn: gnuplot was not found.");
    assert_contains(html, "<section id=\"finance\">");
    free(html);
    assert_dir_empty(tmp);
    assert_int_equal(unlink(page), 0);

    /* gnuplot fails: the page says why, the run still succeeds */
    snprintf(prog, sizeof prog, "%s/bad-gnuplot", dir);
    write_script(prog, "#!/bin/sh\ncat >/dev/null\necho 'line 1: broken <chart>' >&2\nexit 1\n");
    run_report_env(&r, prog, tmp, h5, page);
    assert_cli_ok(&r, "report");
    assert_int_equal(strncmp(r.err, "sendsim report: charts not drawn: gnuplot failed", 48), 0);
    cli_result_free(&r);
    html = slurp(page);
    assert_contains(html, "Charts were not drawn: drawing them failed (gnuplot failed");
    assert_contains(html, "broken &lt;chart&gt;");
    assert_lacks(html, "<figure");
    free(html);
    assert_dir_empty(tmp);
    assert_int_equal(unlink(page), 0);

    /* interrupted while drawing: exit 130, no page, no temporary directory */
    snprintf(prog, sizeof prog, "%s/interrupting-gnuplot", dir);
    write_script(prog, "#!/bin/sh\ncat >/dev/null\nkill -INT $PPID\nexit 0\n");
    run_report_env(&r, prog, tmp, h5, page);
    assert_int_equal(r.status, 130);
    cli_result_free(&r);
    assert_int_equal(access(page, F_OK), -1);
    assert_dir_empty(tmp);
    assert_int_equal(dir_count(dir), 5); /* x.h5, x-summary.csv, tmp, the two scripts */
    assert_int_equal(rmdir(tmp), 0);
    remove_tree(dir);
}

/* A comparison from `sendsim compare` in the report. */
static void test_cli_report_compare(void **state)
{
    (void)state;
    char dir[64], prefix[128], h5[160], csv[160], page[160];
    make_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/c", dir);
    snprintf(h5, sizeof h5, "%s-small.h5", prefix);
    snprintf(csv, sizeof csv, "%s-compare.csv", prefix);
    snprintf(page, sizeof page, "%s/page.html", dir);
    cli_result r;
    run_cli(&r, "compare", SCENARIO, OBSERVED, "--replications", "6", "--quiet", "--no-plots",
            "--out", prefix, (char *)NULL);
    assert_cli_ok(&r, "compare");
    cli_result_free(&r);
    run_cli(&r, "report", h5, csv, "--no-charts", "--quiet", "--out", page, (char *)NULL);
    assert_cli_ok(&r, "report");
    cli_result_free(&r);
    char *html = slurp(page);
    assert_self_contained(html);
    char *c = extract(html, "<section id=\"compare-1\">", "</section>");
    assert_contains(c, "Comparison 1: small-observed against small</h2>");
    /* the two scenarios differ only in their observed history: no difference anywhere, so
     * every row is folded away, named in plain words */
    assert_contains(c, "rows with no difference (every paired difference exactly zero)");
    assert_lacks(c, "<table>");
    assert_lacks(c, "v-higher");
    assert_lacks(c, "v-lower");
    assert_contains(c, "<span title=\"dsg_balance_gbp\">Cumulative DSG high-needs balance "
                       "carried forward at 31 March (negative = deficit) (\xC2\xA3)</span>");
    free(c);
    free(html);
    remove_tree(dir);
}

/* `report --backtest`: the section's figures are those worked out by hand from the rows of
 * tests/data/backtest/one-backtest.csv; a bad table is one line and exit 2. */
static void test_cli_report_backtest(void **state)
{
    (void)state;
    char dir[64], h5[160], page[160], bad[160], want[512];
    small_run(dir, h5);
    snprintf(page, sizeof page, "%s/page.html", dir);
    cli_result r;
    char *html, *c;
    run_cli(&r, "report", h5, "--backtest", BT_ONE, "--no-charts", "--quiet", "--out", page,
            (char *)NULL);
    assert_cli_ok(&r, "report --backtest");
    cli_result_free(&r);
    html = slurp(page);
    assert_self_contained(html);
    assert_contains(html, "<a href=\"#backtest-1\">Back-test 1</a>");
    c = extract(html, "<section id=\"backtest-1\">", "</section>");
    assert_contains(c, "Back-test 1: one-backtest.csv");
    assert_contains(c, "One authority: <b>Testshire</b> (E1)");
    /* ehcp_total: 2 of 3 inside (200 lies above 150-190); new_plans 1 of 1 */
    /* metrics by their plain names, the code as a tooltip */
#define BT_EHCP "<span title=\"ehcp_total\">EHC plans in place on the first day of the month (plans)</span>"
#define BT_NEW "<span title=\"new_plans\">New EHC plans issued (plans)</span>"
    assert_contains(c, "<tr><td>" BT_EHCP "</td><td class=\"n\">3</td>"
                       "<td class=\"n\">66.7%</td></tr>");
    assert_contains(c, "<tr><td>" BT_NEW "</td><td class=\"n\">1</td>"
                       "<td class=\"n\">100.0%</td></tr>");
    assert_contains(c, BT_EHCP ": 66.7% of 3 values inside the band, <b>below the target</b>");
    assert_contains(c, BT_NEW ": 100.0% of 1 value inside the band, <b>above the target</b>");
    assert_lacks(c, "class=\"k\">ehcp_total");
    /* errors |p50 - observed| / observed: model 10, 10, 5; naive 20, 25, 10 */
    assert_contains(c, "<tr><td>" BT_EHCP "</td><td class=\"n\">10.0% | 20.0%</td>"
                       "<td class=\"n\">10.0% | 25.0%</td><td class=\"n\">5.0% | 10.0%</td>"
                       "</tr>");
    assert_contains(c, "<tr><td>" BT_NEW "</td><td class=\"n\">\xE2\x80\x93 | "
                       "\xE2\x80\x93</td><td class=\"n\">10.0% | 10.0%</td>");
    /* coverage | P90/P10 | interval score (% of published) by horizon, all first: ehcp_total
     * 1: [90, 120] holds 100, 120/90, width 30 = 30%; 2: [150, 190] misses 200 by 10,
     * 190/150, 40 + 10 x 10 = 70%; 3: [250, 350] holds 300, 1.4, 100 = 33.3% */
    assert_contains(c, "<h3>Coverage, sharpness and interval score by horizon</h3>");
    assert_contains(c, "<tr><td>" BT_EHCP "</td><td class=\"n\">66.7% | 1.33 | "
                       "44.4</td><td class=\"n\">100.0% | 1.33 | 30.0</td><td class=\"n\">"
                       "0.0% | 1.27 | 70.0</td><td class=\"n\">100.0% | 1.40 | 33.3</td></tr>");
    /* new_plans at 2 years only: [40, 60] holds 50, 1.5, 20 = 40% */
    assert_contains(c, "<tr><td>" BT_NEW "</td><td class=\"n\">100.0% | 1.50 | "
                       "40.0</td><td class=\"n\">&ndash;</td><td class=\"n\">100.0% | 1.50 "
                       "| 40.0</td>");
    /* forecast against published, with the naive trend for the same period */
    assert_contains(c, "<tr><td class=\"nw\">2021</td><td class=\"n\">200</td>"
                       "<td class=\"n\">150</td><td class=\"n\">180</td><td class=\"n\">190</td>"
                       "<td>no</td><td class=\"n\">250</td></tr>");
    assert_int_equal(count_of(c, "<h3>Forecast against published"), 2);
    /* the placement mix of one-placements.csv beside it, worked out by hand (see
     * test_backtest_mix_read): per type values, mean error and mean absolute error in points */
    assert_contains(c, "<h3>Placement mix</h3>");
    assert_contains(c, "From <span class=\"k\">tests/data/backtest/one-placements.csv</span>.");
#define MIX_ROW(code, words, n, mean, mae)                                                       \
    "<tr><td><span title=\"" code "\">" words "</span></td><td class=\"n\">" n "</td>"        \
    "<td class=\"n\">" mean "</td><td class=\"n\">" mae "</td></tr>"
    assert_contains(c, MIX_ROW("mainstream", "Mainstream schools (outside resourced provision)",
                               "2", "-3.5", "3.5"));
    assert_contains(c, MIX_ROW("resourced", "Resourced provision and SEN units", "2", "0.0",
                               "1.0"));
    assert_contains(c, MIX_ROW("independent", "Independent and non-maintained schools", "2",
                               "+6.0", "6.0"));
    assert_contains(c, MIX_ROW("other", "Other (early years, elsewhere, not recorded, awaiting "
                               "a place)", "1", "+1.0", "1.0"));
#undef MIX_ROW
    assert_contains(c, "The largest drift is in <b>Independent and non-maintained schools</b>: "
                       "the model's share was on average 6.0 points above the published one "
                       "(mean absolute error 6.0 points).");
    /* one authority: its shares by January, model | published */
    assert_contains(c, "<th class=\"n\">January 2020<span class=\"rng\">model | published"
                       "</span></th><th class=\"n\">January 2021<span class=\"rng\">");
    assert_lacks(c, "January 2022");
    assert_contains(c, "<tr><td><span title=\"independent\">Independent and non-maintained "
                       "schools</span></td><td class=\"n\">12.0% | 8.0%</td><td class=\"n\">"
                       "15.0% | 7.0%</td></tr>");
    assert_contains(c, "<td class=\"n\">4.0% | 3.0%</td><td class=\"n\">\xE2\x80\x93 | "
                       "\xE2\x80\x93</td></tr>"); /* other: no row for January 2021 */
    assert_lacks(c, "No placement mix");
    assert_lacks(c, "hold nearly any value"); /* no timeliness rows in this table */
    free(c);
    free(html);

    /* timeliness bands that run from below 1% to above 99%, by horizon: 1 year [0.5, 99.5]
     * (yes) and [5, 100] (no); 2 years [0, 100] (yes); all 2 of 3 */
    {
        char pct[160];
        snprintf(pct, sizeof pct, "%s/pct-backtest.csv", dir);
        write_text(pct, "la_code,la_name,metric,period,horizon_years,observed,p10,p50,p90,"
                        "inside_p10_p90,abs_pct_error\n"
                        "E1,Testshire,pct_within_20_weeks,2019,1,50,0.5,60,99.5,1,20\n"
                        "E2,Otherby,pct_within_20_weeks,2019,1,50,5,60,100,1,20\n"
                        "E1,Testshire,pct_within_20_weeks,2020,2,50,0,60,100,1,20\n");
        run_cli(&r, "report", h5, "--backtest", pct, "--no-charts", "--quiet", "--out", page,
                (char *)NULL);
        assert_cli_ok(&r, "report --backtest with timeliness");
        cli_result_free(&r);
        html = slurp(page);
        assert_contains(html, "Bands of the share issued within 20 weeks that run from below 1% "
                              "to above 99% hold nearly any value, so they cover by width alone: "
                              "66.7% of them over every horizon; by year ahead: 50.0% at 1 year, "
                              "100.0% at 2 years.</p>");
        free(html);
    }

    /* the SVG charts `sendsim backtest --format svg` wrote beside the table are inlined, by
     * metric, forecast before error; other files are not */
    char copy[160], svg[192];
    size_t len;
    char *csv = read_bytes(BT_ONE, &len);
    snprintf(copy, sizeof copy, "%s/bt-backtest.csv", dir);
    write_text(copy, csv);
    free(csv);
    const char *names[] = {"bt-error-ehcp_total.svg", "bt-new_plans.svg", "bt-ehcp_total.svg",
                           "bt-error-caseload.svg", "bt-ehcp_total.png"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(svg, sizeof svg, "%s/%s", dir, names[i]);
        write_text(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"><g id=\"a\"/></svg>\n");
    }
    run_cli(&r, "report", h5, "--backtest", copy, "--no-charts", "--quiet", "--out", page,
            (char *)NULL);
    assert_cli_ok(&r, "report --backtest with charts");
    cli_result_free(&r);
    html = slurp(page);
    c = extract(html, "<section id=\"backtest-1\">", "</section>");
    assert_int_equal(count_of(c, "<figure>"), 3);
    const char *a1 = strstr(c, "<figcaption>Forecast against published: ehcp_total</figcaption>");
    const char *a2 = strstr(c, "<figcaption>Median error by horizon: ehcp_total</figcaption>");
    const char *a3 = strstr(c, "<figcaption>Forecast against published: new_plans</figcaption>");
    assert_true(a1 && a2 && a3 && a1 < a2 && a2 < a3);
    assert_contains(c, "id=\"b1-1-a\"");
    /* no bt-placements.csv beside the copy (an older back-test): said, not an error */
    snprintf(want, sizeof want, "<p><b>No placement mix</b>: <span class=\"k\">%s/"
             "bt-placements.csv</span> is not beside this table", dir);
    assert_contains(c, want);
    assert_lacks(c, "authority-Januaries");
    free(c);
    free(html);

    /* a malformed placements file beside it: one line, exit 2, no page */
    char mix[192];
    snprintf(mix, sizeof mix, "%s/bt-placements.csv", dir);
    write_text(mix, "la_code,la_name,placement,period,horizon_years,observed_share,model_share,"
                    "error_points\nE1,Testshire,independent,2020,1,0.08,0.12,4\n"
                    "E1,Testshire,independent,2021,2,0.07,0.15,0.08\n");
    assert_int_equal(unlink(page), 0);
    run_cli(&r, "report", h5, "--backtest", copy, "--no-charts", "--out", page, (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    snprintf(want, sizeof want, "%s:3: error_points: expected 100 x (model_share - "
             "observed_share) = 8, got '0.08'\n", mix);
    assert_string_equal(r.err, want);
    cli_result_free(&r);
    assert_int_equal(access(page, F_OK), -1);
    /* nor may the page replace it */
    write_text(mix, "la_code,la_name,placement,period,horizon_years,observed_share,model_share,"
                    "error_points\n");
    run_cli(&r, "report", h5, "--backtest", copy, "--no-charts", "--out", mix, (char *)NULL);
    assert_int_equal(r.status, 2);
    snprintf(want, sizeof want, "sendsim report: '%s': the output would replace an input file\n",
             mix);
    assert_string_equal(r.err, want);
    cli_result_free(&r);
    assert_int_equal(unlink(mix), 0);
    write_text(page, ""); /* as the checks below expect */

    /* a bad table: one line, exit 2, no page */
    snprintf(bad, sizeof bad, "%s/bad-backtest.csv", dir);
    write_text(bad, "la_code,la_name,metric,period,horizon_years,observed,p10,p50,p90,"
                    "inside_p10_p90,abs_pct_error\nE1,A,ehcp_total,2020,1,x,1,2,3,0,1\n");
    assert_int_equal(unlink(page), 0);
    run_cli(&r, "report", h5, "--backtest", bad, "--out", page, (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    snprintf(want, sizeof want, "%s:2: observed: expected a finite number, got 'x'\n", bad);
    assert_string_equal(r.err, want);
    cli_result_free(&r);
    assert_int_equal(access(page, F_OK), -1);
    /* a back-test table given as a comparison is read as one, so it fails as one */
    run_cli(&r, "report", h5, BT_ONE, "--out", page, (char *)NULL);
    assert_int_equal(r.status, 2);
    snprintf(want, sizeof want, "%s:1: expected a header naming scenario,metric,period,"
             "diff_mean (no 'scenario' column)\n", BT_ONE);
    assert_string_equal(r.err, want);
    cli_result_free(&r);
    run_cli(&r, "report", h5, "--backtest", (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "sendsim report: --backtest: a value is required (try 'sendsim "
                               "report --help')\n");
    cli_result_free(&r);
    remove_tree(dir);
}

static void test_cli_report_errors(void **state)
{
    (void)state;
    char dir[64], h5[160], bad[160], want[512];
    small_run(dir, h5);
    cli_result r;
    int before = dir_count(dir); /* x.h5, x-summary.csv */

    /* a malformed comparison table: one line naming file and line, exit 2, nothing written */
    snprintf(bad, sizeof bad, "%s/bad-compare.csv", dir);
    write_text(bad, "scenario,metric,period,diff_mean\nalt,ehcp_total,2020-01,abc\n");
    run_cli(&r, "report", h5, bad, (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    snprintf(want, sizeof want,
             "%s:2: diff_mean: expected a finite number (or an empty field), got 'abc'\n", bad);
    assert_string_equal(r.err, want);
    cli_result_free(&r);
    assert_int_equal(unlink(bad), 0);
    assert_int_equal(dir_count(dir), before);

    /* a missing comparison table */
    run_cli(&r, "report", h5, bad, (char *)NULL);
    assert_int_equal(r.status, 2);
    snprintf(want, sizeof want, "cannot open '%s' (No such file or directory)\n", bad);
    assert_string_equal(r.err, want);
    cli_result_free(&r);

    /* results files: missing, not HDF5 */
    snprintf(bad, sizeof bad, "%s/none.h5", dir);
    run_cli(&r, "report", bad, (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_int_equal(strncmp(r.err, "sendsim report: ", 16), 0);
    assert_non_null(strstr(r.err, "none.h5"));
    assert_int_equal(count_lines(r.err), 1);
    cli_result_free(&r);
    snprintf(bad, sizeof bad, "%s/x-summary.csv", dir);
    run_cli(&r, "report", bad, "--no-charts", (char *)NULL);
    assert_int_equal(count_lines(r.err), 1);
    assert_cli_error(&r, 2, "sendsim report: ");
    assert_int_equal(dir_count(dir), before);

    /* a template directory without templates: an input error, nothing written */
    run_cli(&r, "report", h5, "--templates", dir, (char *)NULL);
    assert_int_equal(r.status, 2);
    snprintf(want, sizeof want, "sendsim report: template directory '%s' holds no chart "
             "templates (style.gp)\n", dir);
    assert_string_equal(r.err, want);
    cli_result_free(&r);
    assert_int_equal(dir_count(dir), before);

    /* an output that cannot be written */
    run_cli(&r, "report", h5, "--no-charts", "--out", "/proc/sendsim-no/r.html", (char *)NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.err, "sendsim report: cannot create the directory of "
                               "'/proc/sendsim-no/r.html'\n");
    cli_result_free(&r);

    /* usage */
    run_cli(&r, "report", (char *)NULL);
    assert_cli_error(&r, 2, "sendsim report: a results file (PREFIX.h5) is required (try "
                            "'sendsim report --help')\n");
    run_cli(&r, "report", h5, "--frobnicate", (char *)NULL);
    assert_cli_error(&r, 2, "sendsim report: unknown option '--frobnicate' (try 'sendsim "
                            "report --help')\n");
    run_cli(&r, "report", h5, "--out", (char *)NULL);
    assert_cli_error(&r, 2, "sendsim report: --out: a value is required (try 'sendsim report "
                            "--help')\n");
    run_cli(&r, "report", "--help", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(strncmp(r.out, "usage: sendsim report PREFIX.h5", 31), 0);
    cli_result_free(&r);
    run_cli(&r, "--help", (char *)NULL);
    assert_non_null(strstr(r.out, "  report PREFIX.h5 [COMPARE.csv ...]"));
    cli_result_free(&r);
    assert_int_equal(dir_count(dir), before);
    remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_svg_inline),
        cmocka_unit_test(test_headline),
        cmocka_unit_test(test_headline_bands),
        cmocka_unit_test(test_content),
        cmocka_unit_test(test_compare_order),
        cmocka_unit_test(test_services_section),
        cmocka_unit_test(test_no_charts),
        cmocka_unit_test(test_write),
        cmocka_unit_test(test_compare_read),
        cmocka_unit_test(test_compare_errors),
        cmocka_unit_test(test_backtest_read),
        cmocka_unit_test(test_backtest_errors),
        cmocka_unit_test(test_backtest_mix_read),
        cmocka_unit_test(test_backtest_mix_errors),
        cmocka_unit_test(test_compare_charts),
        cmocka_unit_test(test_compare_section_charts),
        cmocka_unit_test(test_render_chromium),
        cmocka_unit_test(test_cli_report),
        cmocka_unit_test(test_cli_report_charts_fail),
        cmocka_unit_test(test_cli_report_compare),
        cmocka_unit_test(test_cli_report_backtest),
        cmocka_unit_test(test_cli_report_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
