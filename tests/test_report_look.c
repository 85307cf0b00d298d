/* test_report_look.c - how the report reads: the title the user sets, comparison sections
 * named by their scenarios with differences largest first, zeros folded away and plain names
 * with units; chart text large enough at the size the page shows it, keys outside the
 * plotting area, a sufficiency overlay among the comparison charts, and a print stylesheet.
 * Runs the built binary on the small test scenario. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/test_cli.h"

#define BASE "tests/data/load/base.yaml"

static char dir[32], h5[80];

static int setup(void **state)
{
    (void)state;
    make_out_dir(dir);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s/r", dir);
    snprintf(h5, sizeof h5, "%s.h5", prefix);
    cli_result r;
    run_cli(&r, "run", BASE, "-n", "3", "--no-plots", "-q", "-o", prefix, (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "run: %s", r.err);
    cli_result_free(&r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *report(const char *out, const char *a1, const char *a2, const char *a3)
{
    char page[96];
    snprintf(page, sizeof page, "%s/%s", dir, out);
    cli_result r;
    run_cli(&r, "report", h5, "--no-charts", "-q", "-o", page, a1, a2, a3, (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "report: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    return slurp(page);
}

static void test_title(void **state)
{
    (void)state;
    char *html = report("t.html", "--title", "Shire <&> Council", NULL);
    assert_non_null(strstr(html, "<title>Shire &lt;&amp;&gt; Council - SEND forecast: small"
                                 "</title>"));
    assert_non_null(strstr(html, "<h1>Shire &lt;&amp;&gt; Council</h1>"));
    assert_non_null(strstr(html, "SEND forecast: <b>small</b>"));
    free(html);
    html = report("u.html", NULL, NULL, NULL); /* without: the scenario, as before */
    assert_non_null(strstr(html, "<h1>SEND forecast: small</h1>"));
    free(html);
}

/* Position of needle in hay, failing when absent. */
static size_t at(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    if (!p)
        fail_msg("expected to find '%s'", needle);
    return (size_t)(p - hay);
}

static void test_comparison_section(void **state)
{
    (void)state;
    char csv[80];
    snprintf(csv, sizeof csv, "%s/x-compare.csv", dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    /* in file order: a zero row, a small sure difference, a large sure one, noise */
    fputs("scenario,metric,period,diff_mean,diff_p10,diff_p50,diff_p90,diff_ci95_low,"
          "diff_ci95_high,verdict,reference\n"
          "more-places,ehcp_total,2021-01,0,0,0,0,0,0,no difference,baseline\n"
          "more-places,new_plans,2021,3,1,3,5,1,5,higher,baseline\n"
          "more-places,hn_spend_gbp,2020-21,-5000000,-6000000,-5000000,-4000000,-6000000,"
          "-4000000,lower,baseline\n"
          "more-places,pct_within_20_weeks,2021,0.5,-1,0.5,2,-0.5,1.5,not distinguishable from "
          "noise,baseline\n",
          f);
    assert_int_equal(fclose(f), 0);
    char *html = report("c.html", csv, NULL, NULL);
    char *sec = strstr(html, "<section id=\"compare-1\">");
    assert_non_null(sec);
    char *sec_end = strstr(sec, "</section>");
    assert_non_null(sec_end);
    *sec_end = '\0';
    assert_non_null(strstr(sec, "<h2>Comparison 1: more-places against baseline</h2>"));
    /* plain names with units; the code only as a tooltip */
    size_t spend = at(sec, "<span title=\"hn_spend_gbp\">High-needs block expenditure, the sum "
                           "of the DSG expenditure lines (\xC2\xA3)</span>");
    size_t plans = at(sec, "<span title=\"new_plans\">New EHC plans issued (plans)</span>");
    size_t noise = at(sec, "<span title=\"pct_within_20_weeks\">New plans issued within 20 "
                           "weeks of the request (%)</span>");
    assert_null(strstr(sec, "<td class=\"k\">"));
    /* largest (against its interval) first: spend 5 half-widths, plans 1.5, then noise */
    assert_true(spend < plans);
    assert_true(plans < noise);
    /* the zero row is folded away, after the table */
    size_t fold = at(sec, "<details class=\"same\"><summary>1 row with no difference");
    size_t table_end = at(sec, "</table>");
    assert_true(fold > table_end);
    assert_true(at(sec, "<span title=\"ehcp_total\">") > fold);
    assert_null(strstr(sec, "<td class=\"v-same\">"));
    free(html);
}

/* Every key sits outside the plotting area: no template puts one inside. */
static void test_keys_outside(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob("plots/*.gp", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 6);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char *text = slurp(g.gl_pathv[i]);
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
            line += strspn(line, " \t");
            if (*line != '#' && strstr(line, "set key") && strstr(line, " inside"))
                fail_msg("%s: a key inside the graph: %s", g.gl_pathv[i], line);
        }
        free(text);
    }
    globfree(&g);
}

/* The smallest text of an SVG chart (font-size attributes, in its own pixels). */
static double smallest_font(const char *svg)
{
    double least = 1e9;
    for (const char *p = svg; (p = strstr(p, "font-size=\"")) != NULL; p += 11) {
        double v = atof(p + 11);
        if (v > 0 && v < least)
            least = v;
    }
    return least;
}

/* Chart text is at least 12 px as drawn (900 px wide), and the page shows a chart at no more
 * than its drawn width and, on a wide screen, not smaller: one chart a row. The comparison charts include a sufficiency overlay. */
static void test_chart_text_and_layout(void **state)
{
    (void)state;
    if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
        printf("(gnuplot not installed: the chart text is not checked)\n");
        skip();
    }
    char prefix[64], kid[80];
    snprintf(prefix, sizeof prefix, "%s/cmp", dir);
    snprintf(kid, sizeof kid, "%s/more-places.yaml", dir);
    char cwd[4096], text[4300];
    assert_non_null(getcwd(cwd, sizeof cwd));
    FILE *f = fopen(kid, "w");
    assert_non_null(f);
    snprintf(text, sizeof text, "extends: %s/" BASE "\n", cwd);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    cli_result r;
    run_cli(&r, "compare", BASE, kid, "-n", "3", "-q", "--format", "svg", "-o", prefix,
            (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "compare: %s", r.err);
    cli_result_free(&r);
    char pat[96];
    snprintf(pat, sizeof pat, "%s/cmp-compare-overlay-waiting-special.svg", dir);
    if (access(pat, R_OK) != 0)
        fail_msg("no sufficiency overlay among the comparison charts (%s)", pat);
    char page[96], csv[96];
    snprintf(page, sizeof page, "%s/look.html", dir);
    snprintf(csv, sizeof csv, "%s-compare.csv", prefix);
    run_cli(&r, "report", h5, csv, "-q", "-o", page, (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "report: %s", r.err);
    cli_result_free(&r);
    char *html = slurp(page);
    int charts = 0;
    for (const char *p = html; (p = strstr(p, "<svg")) != NULL; p += 4) {
        const char *end = strstr(p, "</svg>");
        assert_non_null(end);
        char *one = strndup(p, (size_t)(end - p));
        assert_non_null(strstr(one, "width=\"900\""));
        double least = smallest_font(one);
        if (least < 12)
            fail_msg("chart %d: text of %.1f px at 900 px wide", charts + 1, least);
        free(one);
        charts++;
    }
    assert_true(charts >= 10);
    assert_non_null(strstr(html, "Children waiting for a special school place by scenario"));
    /* shown one a row, never wider than drawn (900 px plus the figure's padding and border) */
    assert_non_null(strstr(html, ".charts,.figs{display:grid;grid-template-columns:1fr;"));
    assert_non_null(strstr(html, "figure{margin:0;border:1px solid #ddd;padding:6px;"
                                 "background:#fff;max-width:914px}"));
    free(html);
}

static void test_print_stylesheet(void **state)
{
    (void)state;
    char *html = report("p.html", NULL, NULL, NULL);
    assert_non_null(strstr(html, "@page{size:A4;margin:12mm}"));
    const char *print = strstr(html, "@media print{");
    assert_non_null(print);
    assert_non_null(strstr(print, "nav,details{display:none}"));
    assert_non_null(strstr(print, "figure,.card,tr{break-inside:avoid}"));
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_title),
        cmocka_unit_test(test_comparison_section),
        cmocka_unit_test(test_keys_outside),
        cmocka_unit_test(test_chart_text_and_layout),
        cmocka_unit_test(test_print_stylesheet),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
