/* test_plot.c - the charts: data files and gnuplot scripts checked without gnuplot, images
 * rendered with it, the paths without it or with a failing one, and `sendsim plot`.
 *
 * Most tests use synthetic results with known values (five replications whose values differ
 * by replication in a known way), so every percentile in a data file can be computed by
 * hand: for the sample {a, a+10, a+20, a+30, a+40} the 5/10/25/50/75/90/95th percentiles
 * (linear interpolation, the summary CSV's definition) are a + {2, 4, 10, 20, 30, 36, 38}.
 * Rendering tests are skipped when gnuplot is not installed; the missing-gnuplot tests name
 * a program that does not exist, so they run everywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "send_h5.h"
#include "send_plot.h"
#include "send_run.h"
#include "send_scenario.h"
#include "send_services.h"
#include "support/test_cli.h"
#include "support/test_util.h"

#define NREP 5

/* ---- synthetic results -------------------------------------------------------------------- */

/* 2020-01 to 2024-12: 60 months, calendar years 2020-2024, financial years 2020-21..2023-24.
 * shift[r] is added to replication r's EHC plans (for paired differences). */
static void make_results(send_results *res, uint64_t seed, const int *shift)
{
    send_params p;
    send_params_init(&p);
    p.start = des_date_from_ymd(2020, 1, 1);
    p.end = des_date_from_ymd(2024, 12, 31);
    memset(res, 0, sizeof *res);
    res->n = NREP;
    res->master_seed = seed;
    res->reps = calloc(NREP, sizeof *res->reps);
    res->seeds = calloc((size_t)NREP * SEND_STREAMS, sizeof *res->seeds);
    assert_non_null(res->reps);
    assert_non_null(res->seeds);
    for (int r = 0; r < NREP; r++) {
        send_output *o = &res->reps[r];
        assert_int_equal(send_output_init(o, &p, NULL), DES_OK);
        assert_int_equal(o->n_months, 60);
        assert_int_equal(o->n_years, 5);
        assert_int_equal(o->n_fys, 4);
        for (int m = 0; m < SEND_METRIC_COUNT; m++)
            if (m >= M_CAPACITY && m < M_CAPACITY + PROV_COUNT)
                for (int i = 0; i < o->n_months; i++)
                    send_output_row(o, m)[i] = -1; /* unlimited */
        for (int i = 0; i < o->n_months; i++) {
            send_output_row(o, M_EHCP_TOTAL)[i] = 100 + 10 * r + i + (shift ? shift[r] : 0);
            send_output_row(o, M_CAPACITY + PROV_SPECIAL)[i] = 50;
            send_output_row(o, M_PLACEMENTS + PROV_SPECIAL)[i] = 40 + r;
            send_output_row(o, M_WAITING + PROV_SPECIAL)[i] = r;
        }
        for (int y = 0; y < o->n_years; y++) {
            send_output_row(o, C_REQUESTS)[y] = 200 + 10 * r + y;
            send_output_row(o, C_NEW_PLANS)[y] = 150 + 10 * r + y;
            send_output_row(o, C_PCT_20W)[y] = 50 + 10 * r;
        }
        for (int f = 0; f < o->n_fys; f++) {
            send_output_row(o, F_SPEND)[f] = 1e6 * (10 + 10 * r + f);
            send_output_row(o, F_INCOME)[f] = 9e6;
            send_output_row(o, F_DSG_BALANCE)[f] = 1e6 * (-5 + 10 * r);
        }
        /* weeks to issue: 3 plans in week 10 of 2020, 1 in the 52+ bin in 2023, 1 in week 30
         * of 2024 */
        o->weeks_hist[0 * SEND_WEEKS_BINS + 10] = 3;
        o->weeks_hist[3 * SEND_WEEKS_BINS + 52] = 1;
        o->weeks_hist[4 * SEND_WEEKS_BINS + 30] = 1;
    }
    send_params_free(&p);
}

static send_obs test_obs[3];

static void make_meta(send_meta *m, const char *name)
{
    memset(m, 0, sizeof *m);
    m->scenario_name = (char *)name;
    m->version = (char *)"9.9.9";
    test_obs[0] = (send_obs){M_EHCP_TOTAL, des_date_from_ymd(2019, 1, 1), 95};
    test_obs[1] = (send_obs){C_NEW_PLANS, des_date_from_ymd(2019, 1, 1), 30};
    test_obs[2] = (send_obs){F_SPEND, des_date_from_ymd(2019, 4, 1), 2.5e6};
    m->n_obs = 3;
    m->obs = test_obs;
}

/* ---- helpers ------------------------------------------------------------------------------ */

/* Synthetic results and metadata for the scenario `name`, and a fresh output directory
 * (32 bytes); release with remove_dir(dir) and send_results_free(res). */
static void setup(send_results *res, send_meta *meta, char *dir, uint64_t seed, const char *name)
{
    make_results(res, seed, NULL);
    make_meta(meta, name);
    make_out_dir(dir);
}

/* Scenarios "base" and "alt" (seed 3) whose EHC plans differ by 8 0 6 2 4 replication by
 * replication, and a fresh output directory (32 bytes). */
static void setup_pair(send_results *a, send_results *b, char *dir)
{
    static const int shift[NREP] = {8, 0, 6, 2, 4}; /* paired differences 8 0 6 2 4 */
    make_results(a, 3, NULL);
    make_results(b, 3, shift);
    make_out_dir(dir);
}

static char *file_in(const char *dir, const char *name)
{
    static char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* The data line of a file whose first field is `key` (NULL if none); a static copy. */
static const char *data_line(const char *text, const char *key)
{
    static char line[2048];
    size_t kl = strlen(key);
    for (const char *s = text; *s;) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (s[0] != '#' && n > kl && !strncmp(s, key, kl) && s[kl] == ' ') {
            snprintf(line, sizeof line, "%.*s", (int)n, s);
            return line;
        }
        s += n + (e != NULL);
    }
    return NULL;
}

static void assert_line(const char *dir, const char *file, const char *key, const char *want)
{
    char *text = slurp(file_in(dir, file));
    const char *got = data_line(text, key);
    if (!got || strcmp(got, want) != 0) {
        char copy[2048];
        snprintf(copy, sizeof copy, "%s", got ? got : "(none)");
        free(text);
        fail_msg("%s: line '%s': got '%s', expected '%s'", file, key, copy, want);
    }
    free(text);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected to find [%s] in:\n%.3000s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("did not expect [%s]", needle);
}

/* A call returned status want with the error message msg. */
static void assert_error(int rc, int want, const des_error *err, const char *msg)
{
    assert_int_equal(rc, want);
    assert_string_equal(err->msg, msg);
}

/* No image and no temporary file in dir (only .dat files and directories). */
static void assert_only_data(const char *dir)
{
    char names[64][256];
    int n = dir_entries(dir, names, 64);
    for (int i = 0; i < n && i < 64; i++) {
        size_t l = strlen(names[i]);
        if (strstr(names[i], ".tmp") || l < 4 || strcmp(names[i] + l - 4, ".dat") != 0)
            fail_msg("unexpected file '%s' in %s", names[i], dir);
    }
}

static void assert_no_temps(const char *dir)
{
    char names[64][256];
    int n = dir_entries(dir, names, 64);
    for (int i = 0; i < n && i < 64; i++)
        if (strstr(names[i], ".tmp") || strstr(names[i], "gnuplot"))
            fail_msg("temporary file '%s' left in %s", names[i], dir);
}

static char *script_of_results(const send_results *res, const send_meta *meta,
                               const send_plot_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    des_error err = {0};
    int rc = send_plot_results_script(res, meta, o, f, &err);
    fclose(f);
    if (rc != DES_OK)
        fail_msg("send_plot_results_script: %s", err.msg);
    return buf;
}

/* The section of the script for one chart (from its "# ---- part:" line to the next). */
static char *section(const char *script, const char *part)
{
    char head[128];
    snprintf(head, sizeof head, "# ---- %s:", part);
    const char *s = strstr(script, head);
    if (!s) {
        fail_msg("no section '%s' in the script", part);
        return NULL;
    }
    const char *e = strstr(s + 1, "# ---- ");
    size_t n = e ? (size_t)(e - s) : strlen(s);
    char *out = strndup(s, n);
    assert_non_null(out);
    return out;
}

/* The section of the script for one chart holds each of the NULL-terminated texts. */
static void assert_section(const char *script, const char *part, ...)
{
    char *s = section(script, part);
    va_list ap;
    va_start(ap, part);
    for (const char *needle; (needle = va_arg(ap, const char *)) != NULL;)
        assert_contains(s, needle);
    va_end(ap);
    free(s);
}

/* Each of the n texts is in script, in that order. */
static void assert_in_order(const char *script, const char *const *texts, size_t n)
{
    const char *prev = script;
    for (size_t i = 0; i < n; i++) {
        const char *at = strstr(script, texts[i]);
        if (!at || at < prev)
            fail_msg("'%s' missing or out of order", texts[i]);
        prev = at;
    }
}

static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    char buf[PATH_MAX];
    while (path && *path) {
        const char *c = strchr(path, ':');
        size_t n = c ? (size_t)(c - path) : strlen(path);
        snprintf(buf, sizeof buf, "%.*s/gnuplot", (int)n, path);
        if (access(buf, X_OK) == 0)
            return 1;
        path += n + (c != NULL);
    }
    return 0;
}

/* ---- scripts and data files without gnuplot ---------------------------------------------- */

static void test_results_script_and_data(void **state)
{
    (void)state;
    send_results res;
    send_meta meta;
    char dir[32];
    setup(&res, &meta, dir, 42, "synth");
    send_plot_opts o = {.out_dir = dir, .templates = "plots"};
    char *script = script_of_results(&res, &meta, &o);

    /* charts in order, each loading its template, images under final names */
    const char *order[] = {"# ---- ehcp-fan:", "# ---- flows:", "# ---- timeliness:",
                           "# ---- weeks-to-issue:", "# ---- sufficiency-special:",
                           "# ---- spend:", "# ---- deficit:"};
    assert_in_order(script, order, sizeof order / sizeof order[0]);
    /* only the provision with limited places gets a sufficiency chart; no service ran */
    assert_lacks(script, "services-");
    assert_lacks(script, "sufficiency-mainstream");
    assert_lacks(script, "sufficiency-independent");

    char want[512];
    char *s = section(script, "ehcp-fan");
    assert_contains(s, "reset session\n");
    assert_contains(s, "load 'plots/fan.gp'\nset output\n");
    snprintf(want, sizeof want, "out = '%s/synth-ehcp-fan.png'\n", dir);
    assert_contains(s, want);
    snprintf(want, sizeof want, "data = '%s/synth-ehcp-fan.dat'\n", dir);
    assert_contains(s, want);
    snprintf(want, sizeof want, "observed = '%s/synth-ehcp-fan-observed.dat'\n", dir);
    assert_contains(s, want);
    assert_contains(s, "title = 'EHC plans in place'\n");
    assert_contains(s, "ylabel = 'EHC plans (first day of the month)'\n");
    assert_contains(s, "xkind = 'month'\n");
    assert_contains(s, "months = 72\n"); /* January 2019 (observed) to December 2024 */
    assert_contains(s, "fmt = 'png'\n");
    assert_contains(s, "footer = 'scenario synth \xc2\xb7 5 replications \xc2\xb7 seed 42 "
                       "\xc2\xb7 sendsim 9.9.9'\n");
    free(s);

    /* EHC plans: 100 + 10r + i in month i */
    assert_line(dir, "synth-ehcp-fan.dat", "2020-01-01", "2020-01-01 2020-01 102 104 110 120 130 136 138");
    assert_line(dir, "synth-ehcp-fan.dat", "2024-12-01", "2024-12-01 2024-12 161 163 169 179 189 195 197");
    assert_line(dir, "synth-ehcp-fan-observed.dat", "2019-01-01", "2019-01-01 ehcp_total 95");
    char *text = slurp(file_in(dir, "synth-ehcp-fan.dat"));
    assert_contains(text, "# date period p05 p10 p25 p50 p75 p90 p95\n");
    assert_int_equal(count_lines(text), 2 + 60);
    free(text);

    /* requests and new plans: P10, median, P90 of each; observed new plans only */
    assert_line(dir, "synth-flows.dat", "2021", "2021 2021 205 221 237 155 171 187");
    assert_line(dir, "synth-flows-observed.dat", "2019", "2019 new_plans 30");
    assert_section(script, "flows", "obs_requests = 0\n", "obs_new_plans = 1\n",
                   "load 'plots/flows.gp'", NULL);

    /* % within 20 weeks: a fan by calendar year on 0-100, no observations */
    assert_line(dir, "synth-timeliness.dat", "2022", "2022 2022 52 54 60 70 80 86 88");
    assert_section(script, "timeliness", "xkind = 'cy'\n", "observed = ''\n",
                   "ymin = 0\nymax = 100\n", NULL);
    assert_false(exists(file_in(dir, "synth-timeliness-observed.dat")));

    /* weeks to issue pooled over replications: all years 15/5/5 plans in weeks 10, 30, 52+;
     * final years (2022-2024) 0/5/5 */
    assert_line(dir, "synth-weeks-to-issue.dat", "10", "10 60 0 15 0");
    assert_line(dir, "synth-weeks-to-issue.dat", "30", "30 20 50 5 5");
    assert_line(dir, "synth-weeks-to-issue.dat", "52", "52 20 50 5 5");
    assert_line(dir, "synth-weeks-to-issue.dat", "0", "0 0 0 0 0");
    assert_section(script, "weeks-to-issue",
                   "all_title = 'plans issued 2020-2024 (60.0% within 20 weeks)'\n",
                   "final_title = 'plans issued 2022-2024 (0.0% within 20 weeks)'\n",
                   "load 'plots/weeks.gp'", NULL);
    /* the template draws the 20-week line */
    text = slurp("plots/weeks.gp");
    assert_contains(text, "set arrow 1 from 20, graph 0 to 20, graph 1");
    free(text);

    /* sufficiency: demand = placed (40 + r) + waiting (r), places 50, waiting r */
    assert_line(dir, "synth-sufficiency-special.dat", "2021-03-01",
                "2021-03-01 2021-03 40.4 40.8 42 44 46 47.2 47.6 50 50 50 0.2 0.4 1 2 3 3.6 3.8");
    assert_section(script, "sufficiency-special", "provision = 'special school'\n", NULL);

    /* spend in GBP millions with the grant's median, observed spend scaled alike */
    assert_line(dir, "synth-spend.dat", "2021", "2021 2021-22 13 15 21 31 41 47 49 9");
    assert_line(dir, "synth-spend-observed.dat", "2019", "2019 hn_spend_gbp 2.5");
    assert_section(script, "spend", "ref_title = 'high-needs income'\n", "xkind = 'fy'\n",
                   "ylabel = '\xc2\xa3 millions a year'\n", NULL);
    assert_line(dir, "synth-deficit.dat", "2023", "2023 2023-24 -3 -1 5 15 25 31 33");
    assert_section(script, "deficit", "zero = 1\n", NULL);

    /* a script alone draws nothing */
    assert_only_data(dir);
    free(script);
    remove_dir(dir);
    send_results_free(&res);
}

static void test_script_quoting_and_stem(void **state)
{
    (void)state;
    send_results res;
    send_meta meta;
    char dir[32];
    setup(&res, &meta, dir, 1, "it's a/b");
    meta.n_obs = 0;
    send_plot_opts o = {.out_dir = dir, .templates = "plots", .format = "svg"};
    char *script = script_of_results(&res, &meta, &o);
    /* the scenario name is safe in a file name, and quoted gnuplot-style in strings */
    assert_true(exists(file_in(dir, "it_s_a_b-ehcp-fan.dat")));
    assert_contains(script, "footer = 'scenario it''s a/b ");
    assert_contains(script, "fmt = 'svg'\n");
    char want[256];
    snprintf(want, sizeof want, "out = '%s/it_s_a_b-ehcp-fan.svg'\n", dir);
    assert_contains(script, want);
    assert_contains(script, "observed = ''\n");
    free(script);

    /* an explicit stem is used as given */
    o.stem = "run7";
    script = script_of_results(&res, &meta, &o);
    assert_true(exists(file_in(dir, "run7-deficit.dat")));
    free(script);
    remove_dir(dir);
    send_results_free(&res);
}

static void test_compare_script_and_data(void **state)
{
    (void)state;
    send_results a, b;
    char dir[32];
    setup_pair(&a, &b, dir);
    const char *names[2] = {"base", "alt"};
    const send_results *rs[2] = {&a, &b};
    send_plot_opts o = {.out_dir = dir, .templates = "plots"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    des_error err = {0};
    assert_int_equal(send_plot_compare_script(2, names, rs, &o, f, &err), DES_OK);
    fclose(f);

    /* overlays: P10, median, P90 per scenario; alt's values are 108 110 126 132 144 + i */
    assert_line(dir, "compare-overlay-ehcp.dat", "2020-01-01",
                "2020-01-01 2020-01 104 120 136 108.8 126 139.2");
    char *text = slurp(file_in(dir, "compare-overlay-ehcp.dat"));
    assert_contains(text, "# date period base_p10 base_p50 base_p90 alt_p10 alt_p50 alt_p90\n");
    free(text);
    assert_line(dir, "compare-overlay-spend.dat", "2020", "2020 2020-21 14 30 46 14 30 46");
    assert_section(buf, "overlay-ehcp",
                   "k = 2\narray names[2]\nnames[1] = 'base'\nnames[2] = 'alt'\n",
                   "load 'plots/overlay.gp'", NULL);
    assert_section(buf, "overlay-deficit", "zero = 1\n", NULL);

    /* the paired difference, replication by replication: {0 2 4 6 8}, median 4 (the
     * difference of the medians would be 6) */
    assert_line(dir, "compare-diff-ehcp-alt.dat", "2022-06-01",
                "2022-06-01 2022-06 0.4 0.8 2 4 6 7.2 7.6");
    assert_line(dir, "compare-diff-spend-alt.dat", "2021", "2021 2021-22 0 0 0 0 0 0 0");
    assert_section(buf, "diff-ehcp-alt", "title = 'EHC plans in place: alt minus base'\n",
                   "zero = 1\n", "load 'plots/fan.gp'", NULL);
    assert_contains(buf, "footer = 'scenarios base, alt \xc2\xb7 5 replications each \xc2\xb7 "
                         "seed 3 \xc2\xb7 common random numbers'");
    assert_only_data(dir);
    free(buf);

    /* pairing needs the same replications, seed and horizon */
    send_plot_list l;
    int ng;
    b.n = 4;
    assert_error(send_plot_compare(2, names, rs, &o, &l, &ng, &err), DES_EINPUT, &err,
                 "scenario 'alt' has 4 replications and 'base' 5 (paired differences need the "
                 "same number)");
    b.n = NREP;
    b.master_seed = 4;
    assert_error(send_plot_compare(2, names, rs, &o, &l, &ng, &err), DES_EINPUT, &err,
                 "scenario 'alt' was run with seed 4 and 'base' with 3 (paired differences need "
                 "the same seed)");
    b.master_seed = 3;
    b.reps[0].n_months = 59;
    assert_error(send_plot_compare(2, names, rs, &o, &l, &ng, &err), DES_EINPUT, &err,
                 "scenario 'alt' covers a different horizon from 'base' (paired differences "
                 "need the same start and end)");
    b.reps[0].n_months = 60;
    /* a scenario compared with itself gets its own file names, and zero differences */
    const char *same[3] = {"base", "alt", "alt"};
    const send_results *rs3[3] = {&a, &b, &b};
    f = open_memstream(&buf, &len);
    assert_int_equal(send_plot_compare_script(3, same, rs3, &o, f, &err), DES_OK);
    fclose(f);
    free(buf);
    assert_line(dir, "compare-diff-ehcp-alt-3.dat", "2022-06-01",
                "2022-06-01 2022-06 0.4 0.8 2 4 6 7.2 7.6");
    assert_true(exists(file_in(dir, "compare-diff-deficit-alt.dat")));
    assert_int_equal(send_plot_compare(0, names, rs, &o, &l, &ng, &err), DES_EINVAL);
    assert_int_equal(l.n, 0);
    remove_dir(dir);
    send_results_free(&a);
    send_results_free(&b);
}

static void test_option_errors(void **state)
{
    (void)state;
    send_results res;
    send_meta meta;
    char dir[32];
    setup(&res, &meta, dir, 1, "synth");
    send_plot_list l;
    int ng = 5;
    des_error err = {0};

    send_plot_opts o = {.out_dir = dir, .templates = "plots", .format = "gif"};
    assert_error(send_plot_results(&res, &meta, &o, &l, &ng, &err), DES_EINPUT, &err,
                 "unknown image format 'gif' (expected png or svg)");
    assert_int_equal(l.n, 0);
    assert_int_equal(ng, 0);

    o = (send_plot_opts){.out_dir = dir, .templates = "plots", .stem = "a/b"};
    assert_error(send_plot_results(&res, &meta, &o, &l, &ng, &err), DES_EINPUT, &err,
                 "bad file name stem 'a/b' (no '/', not empty)");

    /* an explicitly named template directory must hold the templates */
    o = (send_plot_opts){.out_dir = dir, .templates = "/nonexistent-templates"};
    assert_error(send_plot_results(&res, &meta, &o, &l, &ng, &err), DES_EINPUT, &err,
                 "template directory '/nonexistent-templates' holds no chart templates "
                 "(style.gp)");
    setenv("SENDSIM_PLOTS", "/nonexistent-env", 1);
    o.templates = NULL;
    assert_error(send_plot_results(&res, &meta, &o, &l, &ng, &err), DES_EINPUT, &err,
                 "SENDSIM_PLOTS '/nonexistent-env' holds no chart templates (style.gp)");
    unsetenv("SENDSIM_PLOTS");

    /* not found anywhere: not under the current directory, nor beside the test program */
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    char abs_dir[PATH_MAX];
    snprintf(abs_dir, sizeof abs_dir, "%s", dir);
    o = (send_plot_opts){.out_dir = abs_dir};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc = send_plot_results_script(&res, &meta, &o, f, &err);
    fclose(f);
    free(buf);
    assert_int_equal(chdir(cwd), 0);
    assert_error(rc, DES_EIO, &err,
                 "cannot find the chart templates 'plots/style.gp' (set SENDSIM_PLOTS to the "
                 "plots directory)");

    /* the output directory is created, nested; a file in its way is an error */
    char nested[128];
    snprintf(nested, sizeof nested, "%s/a/b", dir);
    o = (send_plot_opts){.out_dir = nested, .templates = "plots", .gnuplot = "/nonexistent/gp"};
    assert_int_equal(send_plot_results(&res, &meta, &o, &l, &ng, &err), DES_OK);
    assert_true(exists(file_in(nested, "synth-ehcp-fan.dat")));
    char blocker[128];
    snprintf(blocker, sizeof blocker, "%s/a/b/synth-ehcp-fan.dat/x", dir);
    o.out_dir = blocker;
    char want[300];
    snprintf(want, sizeof want, "'%s' is not a directory", blocker);
    assert_error(send_plot_results(&res, &meta, &o, &l, &ng, &err), DES_EIO, &err, want);
    remove_dir(nested);
    snprintf(nested, sizeof nested, "%s/a", dir);
    remove_dir(nested);

    /* no replications */
    send_results empty = {0};
    assert_error(send_plot_results(&empty, &meta, &o, &l, &ng, &err), DES_EINVAL, &err,
                 "no replications to chart");
    remove_dir(dir);
    send_results_free(&res);
}

/* ---- without gnuplot, and with a failing one ---------------------------------------------- */

static void run_expect_no_gnuplot(const char *gnuplot)
{
    send_results res;
    send_meta meta;
    char dir[32];
    setup(&res, &meta, dir, 1, "synth");
    send_plot_opts o = {.out_dir = dir, .templates = "plots", .gnuplot = gnuplot};
    send_plot_list l = {0};
    int ng = 0;
    des_error err = {0};
    int rc = send_plot_results(&res, &meta, &o, &l, &ng, &err);
    if (rc != DES_OK)
        fail_msg("send_plot_results: %s", err.msg);
    assert_int_equal(ng, 1);
    assert_int_equal(l.n, 0);
    /* every data file, no image, no temporary file */
    const char *files[] = {"synth-ehcp-fan.dat", "synth-ehcp-fan-observed.dat",
                           "synth-flows.dat", "synth-timeliness.dat",
                           "synth-weeks-to-issue.dat", "synth-sufficiency-special.dat",
                           "synth-spend.dat", "synth-deficit.dat"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (!exists(file_in(dir, files[i])))
            fail_msg("'%s' not written", files[i]);
    assert_only_data(dir);
    remove_dir(dir);
    send_results_free(&res);
}

static void test_no_gnuplot(void **state)
{
    (void)state;
    run_expect_no_gnuplot("/nonexistent/gnuplot");        /* a path */
    run_expect_no_gnuplot("sendsim-no-such-gnuplot-here"); /* a name not on PATH */
}

/* A stand-in for gnuplot: an executable shell script in dir. */
static void fake_gnuplot(const char *dir, const char *body, char *path, size_t len)
{
    snprintf(path, len, "%s/fake-gnuplot.sh", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    assert_int_equal(chmod(path, 0755), 0);
}

static void test_failing_gnuplot(void **state)
{
    (void)state;
    send_results res;
    send_meta meta;
    char dir[32], gdir[32], gp[128];
    setup(&res, &meta, dir, 1, "synth");
    make_out_dir(gdir);
    send_plot_opts o = {.out_dir = dir, .templates = "plots", .gnuplot = gp};
    send_plot_list l;
    int ng;
    des_error err = {0};

    /* the shell cannot run it (status 127): treated as no gnuplot */
    fake_gnuplot(gdir, "exit 127", gp, sizeof gp);
    assert_int_equal(send_plot_results(&res, &meta, &o, &l, &ng, &err), DES_OK);
    assert_int_equal(ng, 1);
    assert_int_equal(l.n, 0);
    assert_only_data(dir);

    /* gnuplot reports an error: its first error line, and the chart it was drawing */
    fake_gnuplot(gdir,
                 "cat >/dev/null\n"
                 "echo 'sendsim-chart ehcp-fan' >&2\n"
                 "echo '\"plots/fan.gp\" line 12: warning: Skipping data file' >&2\n"
                 "echo 'sendsim-chart flows' >&2\n"
                 "echo '\"plots/flows.gp\" line 30: undefined variable: x' >&2\n"
                 "exit 1",
                 gp, sizeof gp);
    assert_error(send_plot_results(&res, &meta, &o, &l, &ng, &err), DES_EIO, &err,
                 "gnuplot failed: chart 'flows': \"plots/flows.gp\" line 30: undefined "
                 "variable: x");
    assert_int_equal(ng, 0);
    assert_int_equal(l.n, 0);
    assert_only_data(dir);

    /* it stops without reading its script */
    fake_gnuplot(gdir, "exit 3", gp, sizeof gp);
    assert_error(send_plot_results(&res, &meta, &o, &l, &ng, &err), DES_EIO, &err,
                 "gnuplot failed: no message");
    assert_only_data(dir);

    /* it succeeds but draws nothing */
    fake_gnuplot(gdir, "cat >/dev/null", gp, sizeof gp);
    char want[256];
    snprintf(want, sizeof want, "gnuplot wrote no image '%s/synth-ehcp-fan.png'", dir);
    assert_error(send_plot_results(&res, &meta, &o, &l, &ng, &err), DES_EIO, &err, want);
    assert_only_data(dir);

    /* $SENDSIM_GNUPLOT names the program when the options do not */
    fake_gnuplot(gdir, "exit 127", gp, sizeof gp);
    setenv("SENDSIM_GNUPLOT", gp, 1);
    o.gnuplot = NULL;
    assert_int_equal(send_plot_results(&res, &meta, &o, &l, &ng, &err), DES_OK);
    assert_int_equal(ng, 1);
    unsetenv("SENDSIM_GNUPLOT");

    remove_dir(dir);
    remove_dir(gdir);
    send_results_free(&res);
}

/* ---- rendering with gnuplot --------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void assert_png(const char *path, uint32_t w, uint32_t h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("no image '%s'", path);
    unsigned char head[24];
    assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assert_memory_equal(head, sig, 8);
    assert_memory_equal(head + 12, "IHDR", 4);
    assert_int_equal(be32(head + 16), w);
    assert_int_equal(be32(head + 20), h);
    if (size < 10000 || size > 1000000)
        fail_msg("'%s' is %ld bytes, not a plausible chart", path, size);
}

/* Well-formed XML, roughly: tags nest and close, quoted attributes, comments and processing
 * instructions skipped. Returns the root element's name in root. */
static void assert_xml(const char *text, const char *path, char *root, size_t rlen)
{
    char stack[64][64];
    int depth = 0, seen_root = 0;
    root[0] = '\0';
    for (const char *s = text; (s = strchr(s, '<')) != NULL;) {
        if (!strncmp(s, "<?", 2) || !strncmp(s, "<!--", 4) || !strncmp(s, "<!", 2)) {
            const char *end = !strncmp(s, "<?", 2) ? strstr(s, "?>")
                              : !strncmp(s, "<!--", 4) ? strstr(s, "-->")
                                                       : strchr(s, '>');
            if (!end)
                fail_msg("%s: unterminated markup", path);
            s = end + 1;
            continue;
        }
        int closing = s[1] == '/';
        const char *n = s + 1 + closing;
        size_t nl = strcspn(n, " \t\r\n/>");
        if (nl == 0 || nl >= 64)
            fail_msg("%s: bad tag near '%.30s'", path, s);
        /* find the end of the tag, skipping quoted attribute values */
        const char *q = n + nl;
        char quote = 0;
        for (; *q && (quote || *q != '>'); q++)
            if (quote && *q == quote)
                quote = 0;
            else if (!quote && (*q == '"' || *q == '\''))
                quote = *q;
        if (!*q)
            fail_msg("%s: unterminated tag '%.*s'", path, (int)nl, n);
        int empty = q[-1] == '/';
        if (closing) {
            if (depth == 0 || strncmp(stack[depth - 1], n, nl) || stack[depth - 1][nl])
                fail_msg("%s: '</%.*s>' does not close '%s'", path, (int)nl, n,
                         depth ? stack[depth - 1] : "(nothing)");
            depth--;
        } else {
            if (!seen_root) {
                snprintf(root, rlen, "%.*s", (int)nl, n);
                seen_root = 1;
            } else if (depth == 0) {
                fail_msg("%s: a second root element '%.*s'", path, (int)nl, n);
            }
            if (!empty) {
                assert_true(depth < 64);
                snprintf(stack[depth++], 64, "%.*s", (int)nl, n);
            }
        }
        s = q + 1;
    }
    if (depth != 0)
        fail_msg("%s: '%s' is never closed", path, stack[depth - 1]);
}

/* After rendering: no temporary file left; release the list and the directory. */
static void finish_render(send_plot_list *l, const char *dir)
{
    assert_no_temps(dir);
    send_plot_list_free(l);
    remove_dir(dir);
}

static void test_render_png(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    send_results res;
    send_meta meta;
    char dir[32];
    setup(&res, &meta, dir, 1, "synth");
    send_plot_opts o = {.out_dir = dir, .templates = "plots"};
    send_plot_list l;
    int ng = 7;
    des_error err = {0};
    if (send_plot_results(&res, &meta, &o, &l, &ng, &err) != DES_OK)
        fail_msg("send_plot_results: %s", err.msg);
    assert_int_equal(ng, 0);
    assert_int_equal(l.n, 7);
    const char *names[7] = {"ehcp-fan", "flows", "timeliness", "weeks-to-issue",
                            "sufficiency-special", "spend", "deficit"};
    for (int i = 0; i < l.n; i++) {
        char want[256];
        snprintf(want, sizeof want, "%s/synth-%s.png", dir, names[i]);
        assert_string_equal(l.paths[i], want);
        assert_true(strlen(l.titles[i]) > 5);
        assert_png(l.paths[i], 900, strstr(names[i], "sufficiency") ? 720 : 540);
    }
    assert_string_equal(l.titles[0], "EHC plans in place");
    finish_render(&l, dir);
    send_results_free(&res);
}

static void test_render_svg(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    send_results a, b;
    char dir[32];
    setup_pair(&a, &b, dir);
    const char *names[2] = {"base", "alt"};
    const send_results *rs[2] = {&a, &b};
    send_plot_opts o = {.out_dir = dir, .templates = "plots", .format = "svg"};
    send_plot_list l;
    int ng;
    des_error err = {0};
    if (send_plot_compare(2, names, rs, &o, &l, &ng, &err) != DES_OK)
        fail_msg("send_plot_compare: %s", err.msg);
    assert_int_equal(ng, 0);
    assert_int_equal(l.n, 8); /* four overlays (sufficiency the fourth), four differences */
    assert_string_equal(l.titles[3], "Children waiting for a special school place by scenario");
    assert_string_equal(l.titles[4], "EHC plans in place: alt minus base");
    for (int i = 0; i < l.n; i++) {
        char *text = slurp(l.paths[i]);
        char root[64];
        assert_xml(text, l.paths[i], root, sizeof root);
        assert_string_equal(root, "svg");
        assert_contains(text, "width=\"900\" height=\"540\"");
        /* self-contained: no scripts, external images, stylesheets or fonts */
        assert_lacks(text, "<script");
        assert_lacks(text, "<image");
        assert_lacks(text, "href='http");
        assert_lacks(text, "href=\"http");
        assert_lacks(text, "@import");
        assert_lacks(text, "@font-face");
        /* every id carries the image's name, so charts can share one HTML page */
        const char *base = strrchr(l.paths[i], '/') + 1;
        char prefix[128];
        snprintf(prefix, sizeof prefix, "%.*s-", (int)(strlen(base) - 4), base);
        for (const char *s = text; (s = strstr(s, " id=")) != NULL; s += 4)
            if (strncmp(s + 5, prefix, strlen(prefix)) != 0)
                fail_msg("%s: id without the prefix '%s': %.40s", base, prefix, s);
        for (const char *s = text; (s = strstr(s, "href='#")) != NULL; s += 7)
            assert_int_equal(strncmp(s + 7, prefix, strlen(prefix)), 0);
        assert_contains(text, i >= 4 ? "alt minus base" : "by scenario");
        free(text);
    }
    finish_render(&l, dir);
    send_results_free(&a);
    send_results_free(&b);
}

/* The charts of a real (small) run draw without a gnuplot error or warning turned error. */
static void test_render_model_run(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    send_params p;
    des_error err = {0};
    assert_int_equal(send_scenario_load("tests/data/load/base.yaml", &p, NULL, &err), DES_OK);
    send_run_opts ro = {.seed = 5, .replications = 4, .threads = 1};
    send_results res;
    assert_int_equal(send_run(&p, &ro, &res, &err), DES_OK);
    send_meta meta;
    make_meta(&meta, p.name);
    char dir[32];
    make_out_dir(dir);
    send_plot_opts o = {.out_dir = dir, .templates = "plots"};
    send_plot_list l;
    int ng;
    if (send_plot_results(&res, &meta, &o, &l, &ng, &err) != DES_OK)
        fail_msg("send_plot_results: %s", err.msg);
    /* base.yaml limits special and resourced places */
    assert_int_equal(l.n, 8);
    assert_string_equal(l.titles[4], "Sufficiency: resourced provision / SEN unit");
    assert_string_equal(l.titles[5], "Sufficiency: special school");
    for (int i = 0; i < l.n; i++)
        assert_png(l.paths[i], 900, i == 4 || i == 5 ? 720 : 540);
    finish_render(&l, dir);
    send_results_free(&res);
    send_params_free(&p);
}

/* ---- the services beside the EHC pathway ------------------------------------------------ */

/* The services scenario, shortened to two years, 6 replications. */
static void run_services(send_params *p, send_results *res)
{
    des_error err = {0};
    if (send_scenario_load("scenarios/leicestershire-services.yaml", p, NULL, &err) != DES_OK)
        fail_msg("scenario: %s", err.msg);
    p->end = des_date_from_ymd(2027, 12, 31);
    send_run_opts ro = {.seed = 9, .replications = 6, .threads = 1};
    assert_int_equal(send_run(p, &ro, res, &err), DES_OK);
}

/* With the services on, each service gets its charts after the finance charts, drawn by
 * overlay.gp from one data file of P10, median and P90 per series, series named by their line
 * in send_service_lines; a series zero throughout (core assessments in this scenario) is left
 * out. A run without services has none of them. */
static void test_service_charts(void **state)
{
    (void)state;
    send_params p;
    send_results res;
    run_services(&p, &res);
    send_meta meta;
    make_meta(&meta, "svc");
    meta.n_obs = 0;
    char dir[32];
    make_out_dir(dir);
    send_plot_opts o = {.out_dir = dir, .templates = "plots"};
    char *script = script_of_results(&res, &meta, &o);
    const char *order[] = {"# ---- deficit:", "# ---- services-levels:",
                           "# ---- services-early-help:", "# ---- services-front-door:",
                           "# ---- services-front-door-on-time:", "# ---- services-care:",
                           "# ---- services-short-breaks:", "# ---- services-short-break-hours:"};
    assert_in_order(script, order, sizeof order / sizeof order[0]);
    char want[256];
    snprintf(want, sizeof want, "data = '%s/svc-services-care.dat'\n", dir);
    assert_section(script, "services-care", want, "load 'plots/overlay.gp'", "k = 6\n",
                   "names[1] = 'In-house foster care'\n",
                   "names[6] = 'External 16+ accommodation'\n", "xkind = 'month'\n", NULL);
    assert_section(script, "services-levels", "logy = 1\n", "k = 4\n",
                   "names[1] = 'Level 1 (universal)'\n", NULL);
    assert_section(script, "services-front-door", "xkind = 'cy'\n", "logy = 1\n", "k = 6\n",
                   "names[3] = 'Initial (single) assessments completed'\n",
                   "names[4] = 'Child in need plans'\n", NULL);
    assert_section(script, "services-front-door-on-time", "k = 1\n", "ymin = 0\nymax = 100\n",
                   NULL);
    /* the data: P10, median, P90 of each series, as the summary computes them */
    char *text = slurp(file_in(dir, "svc-services-care.dat"));
    double *scratch = malloc((size_t)res.n * sizeof *scratch);
    assert_non_null(scratch);
    const send_output *o0 = &res.reps[0];
    assert_int_equal(count_lines(text), 2 + o0->n_months);
    char line[1024];
    int n = snprintf(line, sizeof line, "2027-01-01 2027-01");
    for (int c = 0; c < CARE_COUNT; c++) {
        send_stat st;
        send_results_stat(&res, M_CARE_TYPE + c, 12, scratch, &st);
        for (int l = 1; l <= 5; l += 2)
            n += snprintf(line + n, sizeof line - (size_t)n, " %.10g", st.q[l]);
    }
    free(text);
    assert_line(dir, "svc-services-care.dat", "2027-01-01", line);
    /* on a log scale a zero is no value: the front door's series are all positive here */
    text = slurp(file_in(dir, "svc-services-front-door.dat"));
    assert_contains(text, "# year period contacts_p10 contacts_p50 contacts_p90 ");
    assert_lacks(text, "core_assessments");
    free(text);
    free(scratch);
    free(script);
    assert_only_data(dir);

    /* drawn by gnuplot, when there is one: every template parameter is accepted */
    if (have_gnuplot()) {
        send_plot_list l;
        int ng = 1;
        des_error err = {0};
        if (send_plot_results(&res, &meta, &o, &l, &ng, &err) != DES_OK)
            fail_msg("send_plot_results: %s", err.msg);
        assert_int_equal(ng, 0);
        int n_svc = 0;
        for (int i = 0; i < l.n; i++) {
            int s = send_plot_service_of(l.paths[i]);
            n_svc += s >= 0;
            assert_int_equal(s >= 0, strstr(l.paths[i], "-services-") != NULL);
            assert_png(l.paths[i], 900, strstr(l.paths[i], "sufficiency") ? 720 : 540);
        }
        assert_int_equal(n_svc, 7);
        send_plot_list_free(&l);
    }
    remove_dir(dir);
    send_results_free(&res);
    send_params_free(&p);

    /* the file names that mark a service's chart, and those that do not */
    assert_int_equal(send_plot_service_of("out/x-services-care.svg"), SEND_SVC_CARE);
    assert_int_equal(send_plot_service_of("x-services-front-door-on-time.png"),
                     SEND_SVC_FRONT_DOOR);
    assert_int_equal(send_plot_service_of("services-levels.svg"), -1); /* no stem */
    assert_int_equal(send_plot_service_of("a-services-care-b-ehcp-fan.svg"), -1);
    assert_int_equal(send_plot_service_of("a-xservices-care.svg"), -1);
    assert_int_equal(send_plot_service_of("a-services-care"), -1);
    assert_int_equal(send_plot_service_of(NULL), -1);
}

/* ---- the command line --------------------------------------------------------------------- */

static void assert_one_line_error(cli_result *r, const char *want)
{
    if (r->status != 2 || count_lines(r->err) != 1 || !strstr(r->err, want) || r->out[0])
        cli_fail(r, "status %d, stdout '%s', stderr '%s' (expected 2 and one line with '%s')",
                 r->status, r->out, r->err, want);
    cli_result_free(r);
}

/* Success with one line on stderr that holds want. */
static void assert_one_line_warning(cli_result *r, const char *want)
{
    if (r->status != 0 || count_lines(r->err) != 1 || !strstr(r->err, want))
        cli_fail(r, "status %d, stderr '%s'", r->status, r->err);
    cli_result_free(r);
}

static void test_cli(void **state)
{
    (void)state;
    cli_result r;
    run_cli(&r, "plot", (char *)NULL);
    assert_one_line_error(&r, "sendsim plot: a results file (PREFIX.h5) is required");
    run_cli(&r, "plot", "/nonexistent/x.h5", (char *)NULL);
    assert_one_line_error(&r, "sendsim plot: '/nonexistent/x.h5': cannot open");
    run_cli(&r, "plot", "x.h5", "--format", "gif", (char *)NULL);
    assert_one_line_error(&r, "sendsim plot: --format: expected png or svg, got 'gif'");
    run_cli(&r, "plot", "x.h5", "--format", (char *)NULL);
    assert_one_line_error(&r, "sendsim plot: --format: a value is required");
    run_cli(&r, "plot", "x.h5", "--colour", (char *)NULL);
    assert_one_line_error(&r, "sendsim plot: unknown option '--colour'");
    run_cli(&r, "plot", "x.h5", "y.h5", (char *)NULL);
    assert_one_line_error(&r, "sendsim plot: unexpected argument 'y.h5'");
    run_cli(&r, "plot", "--help", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "usage: sendsim plot PREFIX.h5");
    cli_result_free(&r);

    /* a results file from `run`; charts beside it, named after it */
    char dir[32], prefix[64], h5[80], sub[80];
    make_out_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/small", dir);
    snprintf(h5, sizeof h5, "%s.h5", prefix);
    run_cli(&r, "run", "tests/data/load/base.yaml", "--replications", "3", "--out", prefix,
            "--quiet", (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "run failed: %s", r.err);
    cli_result_free(&r);
    /* run draws its charts beside its results (quietly) */
    assert_true(exists(file_in(dir, "small-ehcp-fan.dat")));
    if (have_gnuplot())
        assert_true(exists(file_in(dir, "small-ehcp-fan.png")));
    /* run without gnuplot: results and data files, one line on stderr, success */
    char runprefix[96];
    snprintf(sub, sizeof sub, "%s/runnognuplot", dir);
    snprintf(runprefix, sizeof runprefix, "%s/r", sub);
    setenv("SENDSIM_GNUPLOT", "/nonexistent/gnuplot", 1);
    run_cli(&r, "run", "tests/data/load/base.yaml", "--replications", "2", "--out", runprefix,
            "--quiet", (char *)NULL);
    unsetenv("SENDSIM_GNUPLOT");
    assert_one_line_warning(&r, "sendsim run: gnuplot not found");
    assert_true(exists(file_in(sub, "r.h5")));
    assert_true(exists(file_in(sub, "r-summary.csv")));
    assert_true(exists(file_in(sub, "r-ehcp-fan.dat")));
    assert_false(exists(file_in(sub, "r-ehcp-fan.png")));
    remove_dir(sub);

    /* without gnuplot: data files, one line on stderr, success */
    snprintf(sub, sizeof sub, "%s/nognuplot", dir);
    setenv("SENDSIM_GNUPLOT", "/nonexistent/gnuplot", 1);
    run_cli(&r, "plot", h5, "--out", sub, (char *)NULL);
    unsetenv("SENDSIM_GNUPLOT");
    assert_one_line_warning(&r, "gnuplot not found");
    assert_true(exists(file_in(sub, "small-ehcp-fan.dat")));
    assert_only_data(sub);
    remove_dir(sub);

    if (have_gnuplot()) {
        run_cli(&r, "plot", h5, "--format", "svg", (char *)NULL);
        if (r.status != 0)
            cli_fail(&r, "plot failed: %s", r.err);
        char want[256];
        snprintf(want, sizeof want, "wrote %s/small-ehcp-fan.svg (EHC plans in place)\n", dir);
        assert_contains(r.out, want);
        assert_int_equal(count_lines(r.out), 8);
        cli_result_free(&r);
        assert_true(exists(file_in(dir, "small-deficit.svg")));
        assert_true(exists(file_in(dir, "small-deficit.dat")));
        assert_no_temps(dir);
    }
    remove_dir(dir);
}

int main(void)
{
    unsetenv("SENDSIM_PLOTS");
    unsetenv("SENDSIM_GNUPLOT");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_script_and_data),
        cmocka_unit_test(test_script_quoting_and_stem),
        cmocka_unit_test(test_compare_script_and_data),
        cmocka_unit_test(test_option_errors),
        cmocka_unit_test(test_no_gnuplot),
        cmocka_unit_test(test_failing_gnuplot),
        cmocka_unit_test(test_render_png),
        cmocka_unit_test(test_render_svg),
        cmocka_unit_test(test_render_model_run),
        cmocka_unit_test(test_service_charts),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
