/* test_export.c - CSV and Excel export (send_export.h) and `sendsim export`.
 *
 * The results are a real run: tests/data/load/base.yaml with its horizon stretched to
 * 2022-08-31 (so the last calendar year is partial, September 2022 is outside, and two
 * financial years are whole), 24 replications. The provenance is filled by hand, with a
 * scenario name that needs CSV quoting.
 *
 * CSV: every value of the long table is read back and compared bit for bit with the results;
 * every summary row is compared with send_results_stat (the summary prints 10 significant
 * digits). Excel: the .xlsx is opened as a zip with unzip(1) (the test is skipped with a message
 * when unzip is missing), and chosen cells of every sheet are compared with the results, their
 * percentiles recomputed here where the sheet derives them. Atomic writes: failures before and
 * after the data is written, and cancellation, leave no file under a final name and no
 * temporary file. The command line: each error path exits 2 with one line and writes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "send_export.h"
#include "send_h5.h"
#include "send_io.h"
#include "send_run.h"
#include "send_scenario.h"
#include "send_services.h"
#include "support/test_cli.h"
#include "support/test_util.h"

#define SCENARIO_NAME "small, \"export\" test"
#define N_REPS 24
#define SEED 7

static send_params g_params;
static send_results g_res;
static send_meta g_meta;

static send_param_row g_rows[] = {
    {"name", "small", "assumption", "tests/data/load/base.yaml", 2},
    {"d1_panel.refusal", "{2020: 0.2, 2021: 0.25}", "SEN2 2023, table 4, \"refusals\"",
     "tests/data/load/base.yaml", 25},
    {"finance.cost.special", "22000", "", "tests/data/load/base.yaml", 61},
};

/* ---- fixtures ------------------------------------------------------------------------------ */

static int setup(void **state)
{
    (void)state;
    des_error err = {0};
    if (send_scenario_load("tests/data/load/base.yaml", &g_params, NULL, &err) != DES_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    g_params.end = des_date_from_ymd(2022, 8, 31);
    send_run_opts o = {.seed = SEED, .replications = N_REPS, .threads = 1};
    if (send_run(&g_params, &o, &g_res, &err) != DES_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    g_meta = (send_meta){
        .scenario_name = SCENARIO_NAME,
        .scenario_path = "tests/data/load/base.yaml",
        .version = "0.1.0",
        .build = "cc -O2",
        .host = "testhost",
        .started = "2026-01-02T03:04:05Z",
        .finished = "2026-01-02T03:04:06Z",
        .threads = 1,
        .wall_seconds = 0.25,
        .n_params = (int)(sizeof g_rows / sizeof g_rows[0]),
        .params = g_rows,
    };
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    send_results_free(&g_res);
    send_params_free(&g_params);
    return 0;
}

/* Number of entries in dir; fails naming the first one when it is not `want`. */
static void assert_dir_holds(const char *dir, int want)
{
    char names[1][256] = {""};
    int n = dir_entries(dir, names, 1);
    if (n != want)
        fail_msg("%s holds %d entries (e.g. '%s'), expected %d", dir, n, names[0], want);
}

/* ---- CSV reading ---------------------------------------------------------------------------- */

/* Split one CSV record at *p into fields (quotes undone); advances *p past the line end.
 * Returns the number of fields, or -1 at the end of the text. */
static int csv_record(const char **p, char fields[][256], int max)
{
    const char *s = *p;
    if (!*s)
        return -1;
    int n = 0;
    for (;;) {
        assert_true(n < max);
        char *out = fields[n];
        size_t k = 0;
        if (*s == '"') {
            s++;
            for (;;) {
                assert_true(*s != '\0');
                if (*s == '"' && s[1] == '"') {
                    out[k++] = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    out[k++] = *s++;
                }
                assert_true(k < 255);
            }
        } else {
            while (*s && *s != ',' && *s != '\n') {
                out[k++] = *s++;
                assert_true(k < 255);
            }
        }
        out[k] = '\0';
        n++;
        if (*s == ',') {
            s++;
            continue;
        }
        assert_true(*s == '\n'); /* every record ends with a line break */
        s++;
        break;
    }
    *p = s;
    return n;
}

/* ---- number formatting ---------------------------------------------------------------------- */

static void test_format_double_known(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {0.1, "0.1"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1.0 / 3.0, "0.3333333333333333"},
        {-0.0, "0"},
        {0.0, "0"},
        {42, "42"},
        {-1, "-1"},
        {1e15, "1000000000000000"},
        {9007199254740991.0, "9007199254740991"},
        {9007199254740992.0, "9007199254740992"},
        {1e300, "1e+300"},
        {123456.5, "123456.5"},
        {-2.5e-7, "-2.5e-07"},
        {5e-324, "5e-324"},
        {2.5e-310, "2.5e-310"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[40];
        int n = send_export_format_double(cases[i].v, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
        assert_int_equal(n, (int)strlen(cases[i].want));
    }
    char buf[40] = "x";
    assert_int_equal(send_export_format_double(NAN, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
}

/* Random bit patterns (every exponent, subnormals included) read back exactly, and no shorter
 * precision would have: the digits printed are the fewest that round-trip. */
static void test_format_double_round_trip(void **state)
{
    (void)state;
    gsl_rng *r = make_rng(20261122);
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = ((uint64_t)gsl_rng_get(r) << 32) ^ (uint64_t)gsl_rng_get(r);
        if (i % 4 == 0) /* also values of everyday size */
            bits = (bits & 0x800FFFFFFFFFFFFFull) | ((uint64_t)(1023 + (int)(bits >> 52) % 40 - 20) << 52);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        char buf[40];
        send_export_format_double(v, buf, sizeof buf);
        char *end;
        double back = strtod(buf, &end);
        if (*end != '\0' || (back != v && !(v == 0 && back == 0)))
            fail_msg("%.17g printed as '%s' reads back as %.17g", v, buf, back);
        if (v != trunc(v) || fabs(v) >= 9007199254740992.0) {
            /* one significant digit fewer must not round-trip */
            int digits = 0;
            for (const char *s = buf; *s && *s != 'e'; s++)
                digits += *s >= '0' && *s <= '9';
            const char *s = buf + (buf[0] == '-');
            while (*s == '0' || *s == '.') /* leading zeros of 0.000ddd */
                digits -= *s++ == '0';
            char shorter[400];
            snprintf(shorter, sizeof shorter, "%.*g", digits - 1, v);
            if (digits > 1 && strtod(shorter, NULL) == v)
                fail_msg("%.17g printed as '%s' but '%s' also reads back", v, buf, shorter);
        }
    }
    gsl_rng_free(r);
}

/* ---- CSV export ------------------------------------------------------------------------------ */

static void test_replications_path(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"results/base-summary.csv", "results/base-replications.csv"},
        {"out/finance.csv", "out/finance-replications.csv"},
        {"finance", "finance-replications.csv"},
        {"a.b/x.txt", "a.b/x.txt-replications.csv"},
        {"-summary.csv", "-replications.csv"},
    };
    char buf[256];
    des_error err = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(send_export_replications_path(cases[i][0], buf, sizeof buf, &err), DES_OK);
        assert_string_equal(buf, cases[i][1]);
    }
    char small[20];
    assert_int_equal(send_export_replications_path("results/base-summary.csv", small, sizeof small,
                                                   &err),
                     DES_EINVAL);
    assert_string_equal(err.msg, "file name too long: 'results/base-summary.csv'");
}

/* The text of the CSV file at path, with *p just past its header record, which is split into
 * f (max fields) and must have nfields fields. */
static char *csv_read_header(const char *path, const char **p, char f[][256], int max,
                             int nfields)
{
    char *text = slurp(path);
    assert_non_null(text);
    *p = text;
    assert_int_equal(csv_record(p, f, max), nfields);
    return text;
}

/* Both CSV files of g_res in a fresh directory dir (64 bytes), named summary_name and
 * reps_name there; their paths in summary and reps (128 bytes each). */
static void export_csv_pair(char *dir, const char *summary_name, const char *reps_name,
                            char *summary, char *reps)
{
    make_out_dir(dir);
    snprintf(summary, 128, "%s/%s", dir, summary_name);
    snprintf(reps, 128, "%s/%s", dir, reps_name);
    des_error err = {0};
    assert_int_equal(send_export_csv(summary, reps, &g_res, &g_meta, NULL, &err), DES_OK);
}

/* The long table at path holds every value of every replication, metric and period of g_res,
 * in order, bit for bit. */
static void check_replications(const char *path)
{
    const char *p;
    char f[8][256];
    char *text = csv_read_header(path, &p, f, 8, 5);
    assert_string_equal(f[0], "scenario");
    assert_string_equal(f[1], "replication");
    assert_string_equal(f[2], "metric");
    assert_string_equal(f[3], "period");
    assert_string_equal(f[4], "value");
    long rows = 0, nans = 0, fractions = 0;
    for (int r = 0; r < g_res.n; r++) {
        const send_output *o = &g_res.reps[r];
        for (int m = 0; m < SEND_METRIC_COUNT; m++) {
            const send_metric_info *mi = send_metric(m);
            if (!mi)
                continue;
            for (int i = 0; i < send_output_periods(o, m); i++) {
                char label[16];
                send_output_period_label(o, m, i, label, sizeof label);
                int n = csv_record(&p, f, 8);
                if (n != 5)
                    fail_msg("row %ld: %d fields, expected 5", rows + 2, n);
                assert_string_equal(f[0], SCENARIO_NAME);
                assert_int_equal(atoi(f[1]), r + 1);
                assert_string_equal(f[2], mi->name);
                assert_string_equal(f[3], label);
                double want = o->values[(size_t)m * (size_t)o->row_len + (size_t)i];
                if (isnan(want)) {
                    assert_string_equal(f[4], "");
                    nans++;
                } else {
                    char *end;
                    double got = strtod(f[4], &end);
                    if (*end || f[4][0] == '\0' || got != want)
                        fail_msg("replication %d %s %s: '%s', expected %.17g", r + 1, mi->name,
                                 label, f[4], want);
                    fractions += want != trunc(want);
                }
                rows++;
            }
        }
        for (int j = 0; j < g_res.n_breakdown; j++) /* then the sufficiency breakdown */
            for (int i = 0; i < o->n_months; i++) {
                char label[16];
                send_output_period_label(o, M_EHCP_TOTAL, i, label, sizeof label);
                assert_int_equal(csv_record(&p, f, 8), 5);
                assert_int_equal(atoi(f[1]), r + 1);
                assert_string_equal(f[2], g_res.breakdown_names[j]);
                assert_string_equal(f[3], label);
                double want = o->values[(size_t)(SEND_METRIC_COUNT + j) * o->row_len + i];
                assert_true(strtod(f[4], NULL) == want);
                rows++;
            }
    }
    assert_true(g_res.n_breakdown > 0);
    assert_int_equal(csv_record(&p, f, 8), -1); /* nothing after the last row */
    /* the run exercises both the empty cells and non-integer values */
    assert_true(nans > 0);
    assert_true(fractions > 100);
    free(text);
}

static void test_replications_csv_exact(void **state)
{
    (void)state;
    char dir[64], summary[128], reps[128];
    export_csv_pair(dir, "x-summary.csv", "x-replications.csv", summary, reps);
    assert_dir_holds(dir, 2);
    check_replications(reps);
    remove_dir(dir);
}

/* The summary: every metric and period once, in registry and time order, matching
 * send_results_stat to the 10 significant digits the summary prints. */
static void test_summary_csv(void **state)
{
    (void)state;
    char dir[64], summary[128], reps[128];
    export_csv_pair(dir, "out.csv", "out-replications.csv", summary, reps);
    const char *p;
    char f[16][256];
    char *text = csv_read_header(summary, &p, f, 16, 12);
    assert_string_equal(f[0], "scenario");
    assert_string_equal(f[11], "p95");
    double *scratch = malloc((size_t)g_res.n * sizeof *scratch);
    assert_non_null(scratch);
    const send_output *o = &g_res.reps[0];
    for (int m = 0; m < SEND_METRIC_COUNT; m++) {
        const send_metric_info *mi = send_metric(m);
        if (!mi)
            continue;
        for (int i = 0; i < send_output_periods(o, m); i++) {
            char label[16];
            send_output_period_label(o, m, i, label, sizeof label);
            assert_int_equal(csv_record(&p, f, 16), 12);
            assert_string_equal(f[0], SCENARIO_NAME);
            assert_string_equal(f[1], mi->name);
            assert_string_equal(f[2], label);
            send_stat st;
            send_results_stat(&g_res, m, i, scratch, &st);
            double want[9] = {st.mean, st.sd};
            for (int j = 0; j < SEND_NQ; j++)
                want[2 + j] = st.q[j];
            for (int j = 0; j < 9; j++) {
                if (isnan(want[j])) {
                    assert_string_equal(f[3 + j], "");
                    continue;
                }
                assert_true(f[3 + j][0] != '\0');
                assert_close(strtod(f[3 + j], NULL), want[j], 5e-10 * fabs(want[j]));
            }
        }
    }
    /* then the sufficiency breakdown: each row every month, then its busiest month of each
     * year (never below any month's median, so never below the census day's) */
    assert_true(g_res.n_breakdown > 0);
    for (int j = 0; j < g_res.n_breakdown; j++) {
        double jan_p50 = NAN;
        for (int k = 0; k < o->n_months; k++) {
            char label[16];
            send_output_period_label(o, M_EHCP_TOTAL, k, label, sizeof label);
            assert_int_equal(csv_record(&p, f, 16), 12);
            assert_string_equal(f[1], g_res.breakdown_names[j]);
            assert_string_equal(f[2], label);
            for (int r = 0; r < g_res.n; r++)
                scratch[r] = send_output_row(&g_res.reps[r], SEND_METRIC_COUNT + j)[k];
            send_stat st;
            send_stat_of(scratch, g_res.n, &st);
            assert_close(strtod(f[8], NULL), st.q[SEND_Q50], 5e-10 * fabs(st.q[SEND_Q50]));
            if (k == 0)
                jan_p50 = st.q[SEND_Q50];
        }
        for (int y = 0; y < o->n_years; y++) {
            char name[SEND_BREAKDOWN_NAME_MAX + 8], label[16];
            snprintf(name, sizeof name, "%s_peak", g_res.breakdown_names[j]);
            snprintf(label, sizeof label, "%d", o->first_year + y);
            assert_int_equal(csv_record(&p, f, 16), 12);
            assert_string_equal(f[1], name);
            assert_string_equal(f[2], label);
            for (int r = 0; r < g_res.n; r++) {
                const double *v = send_output_row(&g_res.reps[r], SEND_METRIC_COUNT + j);
                scratch[r] = -INFINITY;
                for (int k = 0; k < o->n_months; k++)
                    if ((o->first_month_index + k) / 12 + 1970 == o->first_year + y)
                        scratch[r] = fmax(scratch[r], v[k]);
            }
            send_stat st;
            send_stat_of(scratch, g_res.n, &st);
            assert_close(strtod(f[8], NULL), st.q[SEND_Q50], 5e-10 * fabs(st.q[SEND_Q50]));
            if (y == 0 && o->first_month_index % 12 == 0)
                assert_true(strtod(f[8], NULL) >= jan_p50);
        }
    }
    assert_int_equal(csv_record(&p, f, 16), -1);
    free(scratch);
    free(text);
    remove_dir(dir);
}

/* A pair is all or nothing, and no temporary file survives a failure or a cancellation. */
static void test_csv_atomic(void **state)
{
    (void)state;
    char dir[64], ok[128], missing[128], sub[128];
    make_out_dir(dir);
    snprintf(ok, sizeof ok, "%s/a.csv", dir);
    snprintf(missing, sizeof missing, "%s/no/such/dir/b.csv", dir);
    des_error err = {0};

    /* the long table cannot be created: nothing at all */
    assert_int_equal(send_export_csv(ok, missing, &g_res, &g_meta, NULL, &err), DES_EIO);
    assert_non_null(strstr(err.msg, "cannot create '"));
    assert_non_null(strstr(err.msg, "no/such/dir/b.csv' (No such file or directory)"));
    assert_dir_holds(dir, 0);

    /* the long table is written, then the summary fails: the long table goes again */
    char reps[128];
    snprintf(reps, sizeof reps, "%s/a-replications.csv", dir);
    assert_int_equal(send_export_csv(missing, reps, &g_res, &g_meta, NULL, &err), DES_EIO);
    assert_dir_holds(dir, 0);

    /* the summary fails at the rename, after all its data is written */
    snprintf(sub, sizeof sub, "%s/taken", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(send_export_csv(sub, reps, &g_res, &g_meta, NULL, &err), DES_EIO);
    assert_non_null(strstr(err.msg, "cannot write '"));
    assert_dir_holds(dir, 1); /* only the directory */
    assert_dir_holds(sub, 0);

    /* cancelled (Ctrl-C) */
    volatile sig_atomic_t cancel = 1;
    assert_int_equal(send_export_csv(ok, reps, &g_res, &g_meta, &cancel, &err), DES_ESTATE);
    assert_string_equal(err.msg, "interrupted");
    assert_dir_holds(dir, 1);

    /* the same name twice, and no replications */
    assert_int_equal(send_export_csv(ok, ok, &g_res, &g_meta, NULL, &err), DES_EINVAL);
    send_results empty = {0};
    assert_int_equal(send_export_csv(ok, reps, &empty, &g_meta, NULL, &err), DES_EINVAL);
    assert_int_equal(send_export_replications_csv(reps, "x", &empty, NULL, &err), DES_EINVAL);
    assert_dir_holds(dir, 1);

    /* a read-only directory (root may write anyway: then this case says nothing) */
    if (geteuid() != 0) {
        assert_int_equal(chmod(sub, 0500), 0);
        char ro[160], ro_reps[160];
        snprintf(ro, sizeof ro, "%s/x.csv", sub);
        snprintf(ro_reps, sizeof ro_reps, "%s/x-replications.csv", sub);
        assert_int_equal(send_export_csv(ro, ro_reps, &g_res, &g_meta, NULL, &err), DES_EIO);
        assert_non_null(strstr(err.msg, "(Permission denied)"));
        assert_int_equal(chmod(sub, 0700), 0);
        assert_dir_holds(sub, 0);
    }
    remove_dir(dir);
}

/* ---- XLSX ------------------------------------------------------------------------------------ */

static int have_unzip(void)
{
    return system("command -v unzip >/dev/null 2>&1") == 0;
}

/* The text of one member of a zip file, via unzip -p. */
static char *zip_member(const char *zip, const char *member)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", zip, member);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t cap = 1 << 16, n = 0, k;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    int st = pclose(f);
    if (st != 0 || n == 0)
        fail_msg("cannot read %s from %s", member, zip);
    return buf;
}

/* XML text with the five predefined entities and numeric references undone (ASCII and
 * two-byte UTF-8 are enough here). */
static void xml_unescape(const char *s, size_t n, char *out, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 4 < len; i++) {
        if (s[i] != '&') {
            out[k++] = s[i];
            continue;
        }
        static const char *const ent[][2] = {
            {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
        int done = 0;
        for (size_t e = 0; e < 5 && !done; e++)
            if (!strncmp(s + i, ent[e][0], strlen(ent[e][0]))) {
                out[k++] = ent[e][1][0];
                i += strlen(ent[e][0]) - 1;
                done = 1;
            }
        if (!done && s[i + 1] == '#') {
            char *end;
            long c = strtol(s + i + 2, &end, 10);
            if (c < 0x80) {
                out[k++] = (char)c;
            } else {
                out[k++] = (char)(0xC0 | (c >> 6));
                out[k++] = (char)(0x80 | (c & 0x3F));
            }
            i = (size_t)(end - s);
            done = 1;
        }
        if (!done)
            out[k++] = '&';
    }
    out[k] = '\0';
}

typedef struct workbook {
    char *sheet[10]; /* from the sixth only when a test reads it */
    char **strings;
    int n_strings;
    char *styles, *book;
} workbook;

static void workbook_open(workbook *wb, const char *path)
{
    memset(wb, 0, sizeof *wb);
    for (int i = 0; i < 5; i++) {
        char member[64];
        snprintf(member, sizeof member, "xl/worksheets/sheet%d.xml", i + 1);
        wb->sheet[i] = zip_member(path, member);
    }
    wb->styles = zip_member(path, "xl/styles.xml");
    wb->book = zip_member(path, "xl/workbook.xml");
    char *ss = zip_member(path, "xl/sharedStrings.xml");
    int cap = 64;
    wb->strings = malloc((size_t)cap * sizeof *wb->strings);
    assert_non_null(wb->strings);
    for (const char *s = strstr(ss, "<si>"); s; s = strstr(s + 1, "<si>")) {
        const char *end = strstr(s, "</si>");
        assert_non_null(end);
        char *text = calloc(1, (size_t)(end - s) + 1);
        assert_non_null(text);
        for (const char *t = strstr(s, "<t"); t && t < end; t = strstr(t + 1, "<t")) {
            if (t[2] != '>' && t[2] != ' ')
                continue;
            const char *a = strchr(t, '>') + 1, *b = strstr(a, "</t>");
            char part[4096];
            xml_unescape(a, (size_t)(b - a), part, sizeof part);
            strcat(text, part);
        }
        if (wb->n_strings == cap) {
            cap *= 2;
            wb->strings = realloc(wb->strings, (size_t)cap * sizeof *wb->strings);
            assert_non_null(wb->strings);
        }
        wb->strings[wb->n_strings++] = text;
    }
    free(ss);
}

static void workbook_close_test(workbook *wb)
{
    for (int i = 0; i < 10; i++)
        free(wb->sheet[i]);
    for (int i = 0; i < wb->n_strings; i++)
        free(wb->strings[i]);
    free(wb->strings);
    free(wb->styles);
    free(wb->book);
}

/* The cell `ref` (e.g. "D7") of sheet `s` (0-based): 'n' with *num set, 's' with text, or 0 if
 * the sheet has no such cell. */
static int cell(const workbook *wb, int s, const char *ref, double *num, char *text, size_t len)
{
    char key[32];
    snprintf(key, sizeof key, "<c r=\"%s\"", ref);
    const char *c = strstr(wb->sheet[s], key);
    if (!c)
        return 0;
    const char *close = strchr(c, '>');
    int shared = 0;
    for (const char *a = c; a < close; a++)
        if (!strncmp(a, " t=\"s\"", 6))
            shared = 1;
    if (close[-1] == '/')
        return 0; /* an empty (formatted) cell */
    const char *v = strstr(close, "<v>");
    assert_non_null(v);
    v += 3;
    if (shared) {
        int idx = atoi(v);
        assert_true(idx >= 0 && idx < wb->n_strings);
        snprintf(text, len, "%s", wb->strings[idx]);
        return 's';
    }
    *num = strtod(v, NULL);
    return 'n';
}

static void expect_text(const workbook *wb, int s, const char *ref, const char *want)
{
    double num;
    char text[1024];
    int k = cell(wb, s, ref, &num, text, sizeof text);
    if (k != 's')
        fail_msg("sheet %d %s: expected text '%s', found %s", s + 1, ref, want,
                 k ? "a number" : "nothing");
    if (strcmp(text, want))
        fail_msg("sheet %d %s: '%s', expected '%s'", s + 1, ref, text, want);
}

static void expect_none(const workbook *wb, int s, const char *ref)
{
    double num;
    char text[1024];
    int k = cell(wb, s, ref, &num, text, sizeof text);
    if (k)
        fail_msg("sheet %d %s: expected no value, found %s", s + 1, ref,
                 k == 's' ? text : "a number");
}

/* The sheet stores 16 significant digits. */
static void expect_num(const workbook *wb, int s, const char *ref, double want)
{
    double num = 0;
    char text[1024];
    int k = cell(wb, s, ref, &num, text, sizeof text);
    if (k != 'n')
        fail_msg("sheet %d %s: expected %.17g, found %s", s + 1, ref, want,
                 k ? text : "nothing");
    if (!(fabs(num - want) <= 1e-15 * fabs(want)))
        fail_msg("sheet %d %s: %.17g, expected %.17g", s + 1, ref, num, want);
}

/* The workbook's sheets are named names[0..n), in that order. */
static void assert_sheets(const workbook *wb, const char *const *names, int n)
{
    const char *at = wb->book;
    for (int i = 0; i < n; i++) {
        char key[64];
        snprintf(key, sizeof key, "<sheet name=\"%s\"", names[i]);
        const char *f = strstr(at, key);
        if (!f)
            fail_msg("workbook.xml: sheet %d is not '%s' (or out of order)", i + 1, names[i]);
        at = f;
    }
}

/* Quantile q by linear interpolation between order statistics, computed here independently. */
static double quantile(double *x, int n, double q)
{
    for (int i = 1; i < n; i++) /* insertion sort: n is small */
        for (int j = i; j > 0 && x[j - 1] > x[j]; j--) {
            double t = x[j];
            x[j] = x[j - 1];
            x[j - 1] = t;
        }
    double h = (n - 1) * q;
    int lo = (int)floor(h);
    return lo + 1 < n ? x[lo] + (h - lo) * (x[lo + 1] - x[lo]) : x[lo];
}

/* P10/P50/P90 (k = 0, 1, 2) of metric (+ metric2 if >= 0) in a period, from the raw values. */
static double pq(int metric, int metric2, int period, int k)
{
    double x[N_REPS];
    int n = 0;
    for (int r = 0; r < g_res.n; r++) {
        const send_output *o = &g_res.reps[r];
        double v = o->values[(size_t)metric * (size_t)o->row_len + (size_t)period];
        if (metric2 >= 0)
            v += o->values[(size_t)metric2 * (size_t)o->row_len + (size_t)period];
        if (!isnan(v))
            x[n++] = v;
    }
    assert_true(n > 0);
    static const double lv[3] = {0.10, 0.50, 0.90};
    return quantile(x, n, lv[k]);
}

/* Month period of month m (1-12) of year y in the test run (which starts in January 2020). */
static int mp(int y, int m)
{
    return (y - 2020) * 12 + m - 1;
}

static void test_xlsx_contents(void **state)
{
    (void)state;
    if (!have_unzip()) {
        fprintf(stderr, "test_xlsx_contents: unzip is not installed; skipped\n");
        skip();
    }
    char dir[64], path[128];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/out.xlsx", dir);
    des_error err = {0};
    assert_int_equal(send_export_xlsx(path, &g_res, &g_meta, NULL, &err), DES_OK);
    assert_dir_holds(dir, 1);
    workbook wb;
    workbook_open(&wb, path);

    /* sheet order and names */
    const char *names[5] = {"EHCP numbers", "Flows and timeliness", "Sufficiency", "Finance",
                            "Scenario"};
    assert_sheets(&wb, names, 5);
    /* number formats: counts, money, one decimal */
    assert_non_null(strstr(wb.styles, "formatCode=\"#,##0\""));
    assert_true(strstr(wb.styles, "formatCode=\"\xC2\xA3#,##0\"") ||
                strstr(wb.styles, "formatCode=\"&#163;#,##0\""));
    assert_non_null(strstr(wb.styles, "formatCode=\"0.0\""));
    /* panes frozen below the header and right of the Statistic column on the theme sheets */
    for (int s = 0; s < 4; s++) {
        assert_non_null(strstr(wb.sheet[s], "<pane xSplit=\"3\" ySplit=\"4\" topLeftCell=\"D5\""));
        assert_non_null(strstr(wb.sheet[s], "state=\"frozen\""));
        assert_non_null(strstr(wb.sheet[s], "<cols>"));
        expect_text(&wb, s, "A4", "Line");
        expect_text(&wb, s, "B4", "Metric");
        expect_text(&wb, s, "C4", "Statistic");
    }
    assert_non_null(strstr(wb.sheet[4], "<pane xSplit=\"1\" ySplit=\"4\" topLeftCell=\"B5\""));

    /* EHCP numbers: Januaries 2020-2022 in D-F */
    expect_text(&wb, 0, "D4", "Jan 2020");
    expect_text(&wb, 0, "E4", "Jan 2021");
    expect_text(&wb, 0, "F4", "Jan 2022");
    expect_none(&wb, 0, "G4");
    expect_text(&wb, 0, "A5", "All EHC plans");
    expect_text(&wb, 0, "B5", "ehcp_total");
    expect_text(&wb, 0, "C5", "P10");
    expect_text(&wb, 0, "C6", "P50");
    expect_text(&wb, 0, "C7", "P90");
    expect_num(&wb, 0, "D6", pq(M_EHCP_TOTAL, -1, mp(2020, 1), 1));
    expect_num(&wb, 0, "E5", pq(M_EHCP_TOTAL, -1, mp(2021, 1), 0));
    expect_num(&wb, 0, "F7", pq(M_EHCP_TOTAL, -1, mp(2022, 1), 2));
    expect_text(&wb, 0, "A8", "By age band (SEN2)");
    expect_text(&wb, 0, "A9", "Under 5");
    expect_text(&wb, 0, "A15", "Aged 11 to 15"); /* band 2: rows 9 + 3 x 2 */
    expect_text(&wb, 0, "B16", "ehcp_age_11_15");
    expect_num(&wb, 0, "E16", pq(M_EHCP_BAND + BAND_11_15, -1, mp(2021, 1), 1));
    expect_num(&wb, 0, "F23", pq(M_EHCP_BAND + BAND_20_25, -1, mp(2022, 1), 2));
    expect_text(&wb, 0, "A24", "By placement type");
    expect_text(&wb, 0, "A31", "Maintained special school or special academy"); /* 25 + 3 x 2 */
    expect_text(&wb, 0, "B32", "placements_special");
    expect_num(&wb, 0, "F32", pq(M_PLACEMENTS + PROV_SPECIAL, -1, mp(2022, 1), 1));
    expect_num(&wb, 0, "D33", pq(M_PLACEMENTS + PROV_SPECIAL, -1, mp(2020, 1), 2));
    expect_text(&wb, 0, "A55", "Awaiting provision (interim)"); /* 25 + 3 x 10 */
    expect_none(&wb, 0, "A58");

    /* Flows and timeliness: 2020, 2021 and the partial 2022 */
    expect_text(&wb, 1, "D4", "2020");
    expect_text(&wb, 1, "E4", "2021");
    expect_text(&wb, 1, "F4", "2022 (part)");
    expect_text(&wb, 1, "B5", "requests");
    expect_num(&wb, 1, "D5", pq(C_REQUESTS, -1, 0, 0));
    expect_text(&wb, 1, "B14", "new_plans"); /* line 3: rows 5 + 3 x 3 */
    expect_num(&wb, 1, "E15", pq(C_NEW_PLANS, -1, 1, 1));
    expect_text(&wb, 1, "B20", "pct_within_20_weeks");
    expect_num(&wb, 1, "D22", pq(C_PCT_20W, -1, 0, 2));
    expect_text(&wb, 1, "B23", "mean_weeks_to_issue");
    expect_num(&wb, 1, "E24", pq(C_MEAN_WEEKS, -1, 1, 1));
    expect_text(&wb, 1, "B26", "tribunal_appeals");
    expect_num(&wb, 1, "F27", pq(C_APPEALS, -1, 2, 1));
    expect_none(&wb, 1, "A29");

    /* Sufficiency: January and September, September 2022 outside the horizon */
    const char *suff_cols[] = {"Jan 2020", "Sep 2020", "Jan 2021", "Sep 2021", "Jan 2022"};
    for (int c = 0; c < 5; c++) {
        char ref[8];
        snprintf(ref, sizeof ref, "%c4", 'D' + c);
        expect_text(&wb, 2, ref, suff_cols[c]);
    }
    expect_none(&wb, 2, "I4");
    expect_text(&wb, 2, "A5", "Mainstream school");
    expect_text(&wb, 2, "A6", "Capacity (places)");
    expect_text(&wb, 2, "D7", "not limited"); /* no mainstream pool */
    /* special: block 2 of 10 rows from row 5 */
    expect_text(&wb, 2, "A25", "Maintained special school or special academy");
    expect_text(&wb, 2, "B26", "capacity_special");
    expect_num(&wb, 2, "E27", pq(M_CAPACITY + PROV_SPECIAL, -1, mp(2020, 9), 1));
    expect_num(&wb, 2, "E27", 60);
    expect_text(&wb, 2, "A29", "Demand (placed + waiting)");
    expect_text(&wb, 2, "B29", "placements_special + waiting_for_place_special");
    expect_num(&wb, 2, "G30", pq(M_PLACEMENTS + PROV_SPECIAL, M_WAITING + PROV_SPECIAL, mp(2021, 9), 1));
    expect_num(&wb, 2, "H31", pq(M_PLACEMENTS + PROV_SPECIAL, M_WAITING + PROV_SPECIAL, mp(2022, 1), 2));
    expect_text(&wb, 2, "A32", "Waiting list");
    expect_num(&wb, 2, "F33", pq(M_WAITING + PROV_SPECIAL, -1, mp(2021, 1), 1));
    expect_text(&wb, 2, "A95", "Elsewhere (home education, NEET, other)"); /* 10th place type */
    expect_none(&wb, 2, "A105");

    /* Finance: 2020-21 and 2021-22 */
    expect_text(&wb, 3, "D4", "2020-21");
    expect_text(&wb, 3, "E4", "2021-22");
    expect_none(&wb, 3, "F4");
    /* the DSG management plan's order: income (4 lines and the total, 3 rows each after a
     * section row), expenditure (18 lines and the total), the balance, other budgets */
    expect_text(&wb, 3, "A5", "Income");
    expect_text(&wb, 3, "A6", "High-needs block allocation");
    expect_text(&wb, 3, "B6", "dsg_allocation_gbp");
    expect_num(&wb, 3, "D7", pq(F_DSG_LINE + DSG_ALLOCATION, -1, 0, 1));
    expect_text(&wb, 3, "B18", "dsg_income_gbp");
    expect_num(&wb, 3, "E20", pq(F_INCOME, -1, 1, 2));
    expect_text(&wb, 3, "A21", "Expenditure");
    expect_text(&wb, 3, "B22", "dsg_place_special_gbp");
    expect_num(&wb, 3, "D23", pq(F_DSG_LINE + DSG_PLACE_SPECIAL, -1, 0, 1));
    expect_text(&wb, 3, "B31", "dsg_place_post16_gbp");
    expect_text(&wb, 3, "B43", "dsg_topup_special_gbp");
    expect_num(&wb, 3, "E45", pq(F_DSG_LINE + DSG_TOPUP_SPECIAL, -1, 1, 2));
    expect_text(&wb, 3, "B73", "dsg_assessment_gbp");
    expect_text(&wb, 3, "A76", "Total expenditure");
    expect_text(&wb, 3, "B76", "hn_spend_gbp");
    expect_num(&wb, 3, "D77", pq(F_SPEND, -1, 0, 1));
    expect_num(&wb, 3, "E78", pq(F_SPEND, -1, 1, 2));
    expect_text(&wb, 3, "A79", "Balance (negative = deficit)");
    expect_text(&wb, 3, "B80", "dsg_inyear_gbp");
    expect_num(&wb, 3, "D81", pq(F_DSG_INYEAR, -1, 0, 1));
    expect_text(&wb, 3, "B83", "dsg_balance_bf_gbp");
    expect_text(&wb, 3, "B86", "dsg_balance_gbp");
    expect_num(&wb, 3, "E87", pq(F_DSG_BALANCE, -1, 1, 1));
    expect_num(&wb, 3, "D88", pq(F_DSG_BALANCE, -1, 0, 2));
    expect_text(&wb, 3, "A89", "Outside the high-needs block (other budgets)");
    expect_text(&wb, 3, "B90", "gf_transport_gbp");
    expect_num(&wb, 3, "D91", pq(F_SPEND_TRANSPORT, -1, 0, 1));
    expect_text(&wb, 3, "B99", "health_spend_gbp");
    expect_none(&wb, 3, "A102");

    /* Scenario: parameters from row 5, then provenance after one blank row */
    expect_text(&wb, 4, "A4", "Key");
    expect_text(&wb, 4, "D4", "Set in (file:line)");
    expect_text(&wb, 4, "A5", "name");
    expect_text(&wb, 4, "B6", "{2020: 0.2, 2021: 0.25}");
    expect_text(&wb, 4, "C6", "SEN2 2023, table 4, \"refusals\"");
    expect_text(&wb, 4, "D6", "tests/data/load/base.yaml:25");
    expect_text(&wb, 4, "B7", "22000");
    expect_none(&wb, 4, "C7"); /* no comment on that line */
    expect_none(&wb, 4, "A8");
    expect_text(&wb, 4, "A9", "Provenance");
    expect_text(&wb, 4, "A10", "Scenario");
    expect_text(&wb, 4, "B10", SCENARIO_NAME);
    expect_text(&wb, 4, "B11", "tests/data/load/base.yaml");
    expect_text(&wb, 4, "A12", "Seed");
    expect_text(&wb, 4, "B12", "7");
    expect_num(&wb, 4, "B13", N_REPS);
    expect_text(&wb, 4, "B14", "0.1.0");
    expect_text(&wb, 4, "B15", "cc -O2");
    expect_text(&wb, 4, "B16", "testhost");
    expect_text(&wb, 4, "B17", "2026-01-02T03:04:05Z");
    expect_text(&wb, 4, "B18", "2026-01-02T03:04:06Z");
    expect_text(&wb, 4, "A19", "Threads");
    expect_num(&wb, 4, "B19", 1);
    expect_num(&wb, 4, "B20", 0.25);

    workbook_close_test(&wb);
    remove_dir(dir);
}

/* The summary CSV at path as rows: metric, period, P10, P50 and P90. */
typedef struct sum_row {
    char metric[64], period[16];
    double q[3];
} sum_row;

static sum_row *read_summary(const char *path, int *n)
{
    const char *p;
    char f[16][256];
    char *text = csv_read_header(path, &p, f, 16, 12);
    assert_string_equal(f[6], "p10");
    assert_string_equal(f[8], "p50");
    assert_string_equal(f[10], "p90");
    int cap = 1024;
    sum_row *rows = malloc((size_t)cap * sizeof *rows);
    assert_non_null(rows);
    *n = 0;
    while (csv_record(&p, f, 16) == 12) {
        if (*n == cap) {
            cap *= 2;
            rows = realloc(rows, (size_t)cap * sizeof *rows);
            assert_non_null(rows);
        }
        sum_row *r = &rows[(*n)++];
        snprintf(r->metric, sizeof r->metric, "%.63s", f[1]);
        snprintf(r->period, sizeof r->period, "%.15s", f[2]);
        for (int k = 0; k < 3; k++)
            r->q[k] = f[6 + 2 * k][0] ? strtod(f[6 + 2 * k], NULL) : NAN;
    }
    free(text);
    return rows;
}

static const sum_row *find_summary(const sum_row *rows, int n, const char *metric,
                                   const char *period)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(rows[i].metric, metric) && !strcmp(rows[i].period, period))
            return &rows[i];
    return NULL;
}

/* A sheet column's period label in the summary's words: "Jan 2026" -> "2026-01", "2027
 * (part)" -> "2027", "2026-27" as it is. */
static void summary_period(const char *label, char *out, size_t len)
{
    int y;
    if (sscanf(label, "Jan %d", &y) == 1)
        snprintf(out, len, "%d-01", y);
    else
        snprintf(out, len, "%.*s", (int)strcspn(label, " "), label);
}

/* The services scenario (shortened to two years) writes one sheet per service, in the order of
 * send_services, between Finance and Scenario; every line of send_service_lines is on its
 * service's sheet as three rows, and every value equals the summary CSV's P10, P50 or P90 of
 * its metric in the period its block's row names over the column. Without the services, none
 * of these sheets is written. */
static void test_xlsx_service_sheets(void **state)
{
    (void)state;
    if (!have_unzip()) {
        fprintf(stderr, "test_xlsx_service_sheets: unzip is not installed; skipped\n");
        skip();
    }
    send_params p;
    des_error err = {0};
    if (send_scenario_load("scenarios/leicestershire-services.yaml", &p, NULL, &err) != DES_OK)
        fail_msg("scenario: %s", err.msg);
    p.end = des_date_from_ymd(2027, 12, 31);
    send_results res;
    send_run_opts o = {.seed = SEED, .replications = 8, .threads = 1};
    assert_int_equal(send_run(&p, &o, &res, &err), DES_OK);
    for (int s = 0; s < SEND_SVC_COUNT; s++)
        assert_true(send_service_ran(&res, (send_service)s));
    char dir[64], path[128], summary[128], reps[128];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/svc.xlsx", dir);
    snprintf(summary, sizeof summary, "%s/svc-summary.csv", dir);
    snprintf(reps, sizeof reps, "%s/svc-replications.csv", dir);
    assert_int_equal(send_export_xlsx(path, &res, &g_meta, NULL, &err), DES_OK);
    assert_int_equal(send_export_csv(summary, reps, &res, &g_meta, NULL, &err), DES_OK);
    int n_sum;
    sum_row *sum = read_summary(summary, &n_sum);

    workbook wb;
    workbook_open(&wb, path);
    const char *names[] = {"EHCP numbers", "Flows and timeliness", "Sufficiency", "Finance",
                           "Levels", "Early help", "Front door", "Children in care",
                           "Short breaks", "Scenario"};
    assert_sheets(&wb, names, 10);
    for (int s = 0; s < SEND_SVC_COUNT; s++)
        assert_string_equal(send_services[s].title, names[4 + s]);
    for (int s = 0; s < SEND_SVC_COUNT; s++) {
        int ws = 4 + s;
        char member[64];
        snprintf(member, sizeof member, "xl/worksheets/sheet%d.xml", ws + 1);
        free(wb.sheet[ws]);
        wb.sheet[ws] = zip_member(path, member);
        assert_non_null(strstr(wb.sheet[ws], "<pane xSplit=\"3\" ySplit=\"4\" topLeftCell=\"D5\""));
        expect_text(&wb, ws, "A4", "Line");
        expect_text(&wb, ws, "B4", "Metric");
        expect_text(&wb, ws, "C4", "Statistic");
        expect_text(&wb, ws, "D4", "2026");
        expect_text(&wb, ws, "E4", "2027");
        expect_none(&wb, ws, "F4");
        /* walk the rows: a block row gives each column's period; a line is three rows */
        char period[2][16] = {"", ""}, text[1024];
        int lines_seen[256] = {0}, values = 0, blank = 0;
        for (int row = 5; blank < 3; row++) {
            char ref[16];
            double num;
            snprintf(ref, sizeof ref, "A%d", row);
            if (!cell(&wb, ws, ref, &num, text, sizeof text)) {
                blank++;
                continue;
            }
            blank = 0;
            snprintf(ref, sizeof ref, "B%d", row);
            if (!cell(&wb, ws, ref, &num, text, sizeof text)) { /* a block or group row */
                for (int c = 0; c < 2; c++) {
                    snprintf(ref, sizeof ref, "%c%d", 'D' + c, row);
                    if (cell(&wb, ws, ref, &num, text, sizeof text) == 's')
                        summary_period(text, period[c], sizeof period[c]);
                }
                continue;
            }
            char metric[256];
            snprintf(metric, sizeof metric, "%.255s", text);
            int m = send_metric_find(metric), li = send_service_line_of(m);
            if (li < 0 || send_service_lines[li].service != (send_service)s)
                fail_msg("sheet '%s' row %d: %s is not one of its lines", names[ws], row, metric);
            snprintf(ref, sizeof ref, "A%d", row);
            char label[300];
            snprintf(label, sizeof label, "%s (%s)", send_service_lines[li].label,
                     send_unit_words(send_metric(m)->unit));
            expect_text(&wb, ws, ref, label);
            snprintf(ref, sizeof ref, "C%d", row);
            cell(&wb, ws, ref, &num, text, sizeof text);
            int k = !strcmp(text, "P10") ? 0 : !strcmp(text, "P50") ? 1 : 2;
            assert_string_equal(text, k == 0 ? "P10" : k == 1 ? "P50" : "P90");
            lines_seen[li]++;
            for (int c = 0; c < 2; c++) {
                snprintf(ref, sizeof ref, "%c%d", 'D' + c, row);
                const sum_row *sr = period[c][0] ? find_summary(sum, n_sum, metric, period[c])
                                                 : NULL;
                if (!sr || isnan(sr->q[k])) {
                    expect_none(&wb, ws, ref); /* no such period, or no value */
                    continue;
                }
                int kind = cell(&wb, ws, ref, &num, text, sizeof text);
                if (kind != 'n')
                    fail_msg("sheet '%s' %s (%s %s): no number", names[ws], ref, metric,
                             period[c]);
                if (!(fabs(num - sr->q[k]) <= 5e-10 * fabs(sr->q[k])))
                    fail_msg("sheet '%s' %s (%s %s): %.17g, summary %.17g", names[ws], ref,
                             metric, period[c], num, sr->q[k]);
                values++;
            }
        }
        assert_true(values > 0);
        for (int i = 0; i < send_service_n_lines; i++)
            if (send_service_lines[i].service == (send_service)s && lines_seen[i] != 3)
                fail_msg("sheet '%s': line %s has %d rows, expected 3", names[ws],
                         send_metric(send_service_lines[i].metric)->name, lines_seen[i]);
    }
    /* hand-placed checks: the care sheet opens with its cost by financial year (only 2026-27
     * is whole inside the horizon), then children in care on 1 January */
    int care = 4 + SEND_SVC_CARE;
    expect_text(&wb, care, "A5", "By financial year (April to March)");
    expect_text(&wb, care, "D5", "2026-27");
    expect_none(&wb, care, "E5");
    expect_text(&wb, care, "A6", "Cost to social care");
    expect_text(&wb, care, "B7", "sc_care_spend_gbp");
    expect_text(&wb, care, "A13", "On 1 January");
    expect_text(&wb, care, "E13", "Jan 2027");
    expect_text(&wb, care, "B14", "children_in_care");
    expect_num(&wb, care, "D15", 582); /* every replication starts with care.initial */
    workbook_close_test(&wb);
    free(sum);
    send_results_free(&res);
    send_params_free(&p);

    /* the run without services has none of these sheets */
    for (int s = 0; s < SEND_SVC_COUNT; s++)
        assert_false(send_service_ran(&g_res, (send_service)s));
    assert_int_equal(send_export_xlsx(path, &g_res, &g_meta, NULL, &err), DES_OK);
    char *book = zip_member(path, "xl/workbook.xml");
    for (int s = 0; s < SEND_SVC_COUNT; s++) {
        char key[64];
        snprintf(key, sizeof key, "<sheet name=\"%s\"", send_services[s].title);
        assert_null(strstr(book, key));
    }
    free(book);
    remove_dir(dir);
}

static void test_xlsx_atomic(void **state)
{
    (void)state;
    char dir[64], path[160];
    make_out_dir(dir);
    des_error err = {0};

    snprintf(path, sizeof path, "%s/missing/out.xlsx", dir);
    assert_int_equal(send_export_xlsx(path, &g_res, &g_meta, NULL, &err), DES_EIO);
    assert_non_null(strstr(err.msg, "missing/out.xlsx' (No such file or directory)"));
    assert_dir_holds(dir, 0);

    /* the whole workbook is written, then the rename fails */
    snprintf(path, sizeof path, "%s/taken.xlsx", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(send_export_xlsx(path, &g_res, &g_meta, NULL, &err), DES_EIO);
    assert_non_null(strstr(err.msg, "cannot write '"));
    assert_dir_holds(dir, 1);
    assert_int_equal(rmdir(path), 0);

    volatile sig_atomic_t cancel = 1;
    snprintf(path, sizeof path, "%s/out.xlsx", dir);
    assert_int_equal(send_export_xlsx(path, &g_res, &g_meta, &cancel, &err), DES_ESTATE);
    assert_string_equal(err.msg, "interrupted");
    assert_dir_holds(dir, 0);

    send_results empty = {0};
    assert_int_equal(send_export_xlsx(path, &empty, &g_meta, NULL, &err), DES_EINVAL);
    assert_dir_holds(dir, 0);

    /* an existing file is replaced only by a complete workbook */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("old", f);
    fclose(f);
    assert_int_equal(send_export_xlsx(path, &g_res, &g_meta, &cancel, &err), DES_ESTATE);
    char *old = slurp(path);
    assert_string_equal(old, "old");
    free(old);
    assert_int_equal(send_export_xlsx(path, &g_res, &g_meta, NULL, &err), DES_OK);
    char *book = slurp(path);
    assert_int_equal(memcmp(book, "PK\x03\x04", 4), 0);
    free(book);
    assert_dir_holds(dir, 1);
    remove_dir(dir);
}

/* ---- the command line ------------------------------------------------------------------------ */

/* The command exited with `status` and wrote exactly `out` and `err`; r is released. */
static void assert_cli(cli_result *r, const char *what, int status, const char *out,
                       const char *err)
{
    if (r->status != status || strcmp(r->out, out) || strcmp(r->err, err))
        cli_fail(r, "%s: exit %d, stdout '%.200s', stderr '%.200s'; expected exit %d, stdout "
                    "'%s', stderr '%.200s'",
                 what, r->status, r->out, r->err, status, out, err);
    cli_result_free(r);
}

/* The command exited with `status`, wrote nothing on stdout and one line on stderr that starts
 * with `prefix`; r is released. */
static void assert_cli_line(cli_result *r, int status, const char *prefix)
{
    if (r->status != status || r->out[0] || count_lines(r->err) != 1 ||
        strncmp(r->err, prefix, strlen(prefix)))
        cli_fail(r, "exit %d, stdout '%s', stderr '%s'", r->status, r->out, r->err);
    cli_result_free(r);
}

/* A directory holding r.h5 (g_res and g_meta) and notes.h5 (text, not HDF5). */
static void make_results_dir(char *dir)
{
    make_out_dir(dir);
    char path[128];
    des_error err = {0};
    snprintf(path, sizeof path, "%s/r.h5", dir);
    if (send_h5_write(path, &g_res, &g_meta, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    snprintf(path, sizeof path, "%s/notes.h5", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("scenario,metric\n", f);
    fclose(f);
}

static void test_cli_errors(void **state)
{
    (void)state;
    char dir[64];
    make_results_dir(dir);
    char r[128], none[128], notes[128];
    snprintf(r, sizeof r, "%s/r.h5", dir);
    snprintf(none, sizeof none, "%s/none.h5", dir);
    snprintf(notes, sizeof notes, "%s/notes.h5", dir);
    char want_none[256], want_notes[256], want_same[256], want_extra[256];
    snprintf(want_extra, sizeof want_extra,
             "sendsim export: unexpected argument '%s' (try 'sendsim export --help')\n", notes);
    snprintf(want_none, sizeof want_none,
             "sendsim export: '%s': cannot open (No such file or directory)\n", none);
    snprintf(want_notes, sizeof want_notes, "sendsim export: '%s': not an HDF5 file\n", notes);
    snprintf(want_same, sizeof want_same,
             "sendsim export: '%s': the output would replace the results file\n", r);
    const struct {
        const char *args[5];
        const char *want;
    } cases[] = {
        {{none, "--csv"}, want_none},
        {{notes, "--xlsx"}, want_notes},
        {{r, "--csv", "--xlsx"},
         "sendsim export: give one of --csv and --xlsx, not both (try 'sendsim export --help')\n"},
        {{r}, "sendsim export: give --csv or --xlsx (try 'sendsim export --help')\n"},
        {{r, "--csv", "--frobnicate"},
         "sendsim export: unknown option '--frobnicate' (try 'sendsim export --help')\n"},
        {{"--xlsx"},
         "sendsim export: a results file (RESULTS.h5) is required (try 'sendsim export --help')\n"},
        {{r, "--csv", "--out"},
         "sendsim export: --out: a value is required (try 'sendsim export --help')\n"},
        {{r, notes, "--csv"}, want_extra},
        {{r, "--xlsx", "--out", r}, want_same},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_result res;
        const char *const *a = cases[i].args;
        run_cli(&res, "export", a[0], a[1], a[2], a[3], a[4], (char *)NULL);
        char what[32];
        snprintf(what, sizeof what, "case %zu", i);
        assert_cli(&res, what, 2, "", cases[i].want);
        assert_dir_holds(dir, 2); /* nothing written */
    }
    /* an HDF5 file that is not a results file */
    char other[128];
    snprintf(other, sizeof other, "%s/other.h5", dir);
    hid_t h = H5Fcreate(other, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(h >= 0);
    H5Fclose(h);
    cli_result res;
    run_cli(&res, "export", other, "--xlsx", (char *)NULL);
    char prefix[160];
    snprintf(prefix, sizeof prefix, "sendsim export: '%s': ", other);
    assert_cli_line(&res, 2, prefix);
    assert_int_equal(unlink(other), 0);

    /* a name longer than the program's path buffers, as the input and as --out */
    static char long_name[5001];
    memset(long_name, 'x', 5000);
    char want_long[5100];
    snprintf(want_long, sizeof want_long, "sendsim export: file name too long: '%s'\n", long_name);
    for (int k = 0; k < 2; k++) {
        if (k == 0)
            run_cli(&res, "export", long_name, "--csv", (char *)NULL);
        else
            run_cli(&res, "export", r, "--xlsx", "--out", long_name, (char *)NULL);
        assert_cli(&res, k == 0 ? "long input name" : "long --out name", 2, "", want_long);
    }
    assert_dir_holds(dir, 2);
    remove_dir(dir);
}

static void test_cli_csv(void **state)
{
    (void)state;
    char dir[64], r[128];
    make_results_dir(dir);
    snprintf(r, sizeof r, "%s/r.h5", dir);
    cli_result res;
    run_cli(&res, "export", r, "--csv", (char *)NULL);
    char want[512];
    snprintf(want, sizeof want, "wrote %s/r-summary.csv and %s/r-replications.csv\n", dir, dir);
    assert_cli(&res, "export --csv", 0, want, "");
    assert_dir_holds(dir, 4);
    char path[160], lib[160];
    snprintf(path, sizeof path, "%s/r-replications.csv", dir);
    check_replications(path); /* through the results file, still bit for bit */
    /* the summary is the one `run` writes from the same results */
    des_error err = {0};
    snprintf(lib, sizeof lib, "%s/lib.csv", dir);
    assert_int_equal(send_write_summary_csv(lib, SCENARIO_NAME, &g_res, NULL, &err), DES_OK);
    snprintf(path, sizeof path, "%s/r-summary.csv", dir);
    char *a = slurp(path), *b = slurp(lib);
    assert_string_equal(a, b);
    free(a);
    free(b);

    /* --out: the summary to FILE, the long table beside it; the directory is created */
    snprintf(path, sizeof path, "%s/sub/fin.csv", dir);
    run_cli(&res, "export", "--quiet", "--out", path, "--csv", r, (char *)NULL);
    assert_cli(&res, "export --quiet --out", 0, "", "");
    char sub[128];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_dir_holds(sub, 2);
    snprintf(path, sizeof path, "%s/sub/fin-replications.csv", dir);
    check_replications(path);
    remove_dir(sub);
    remove_dir(dir);
}

static void test_cli_xlsx(void **state)
{
    (void)state;
    char dir[64], r[128], path[160];
    make_results_dir(dir);
    snprintf(r, sizeof r, "%s/r.h5", dir);
    cli_result res;
    run_cli(&res, "export", r, "--xlsx", (char *)NULL);
    char want[256];
    snprintf(want, sizeof want, "wrote %s/r.xlsx\n", dir);
    assert_cli(&res, "export --xlsx", 0, want, "");
    assert_dir_holds(dir, 3);
    if (have_unzip()) {
        workbook wb;
        snprintf(path, sizeof path, "%s/r.xlsx", dir);
        workbook_open(&wb, path);
        /* the parameter rows and provenance came through the results file */
        expect_text(&wb, 4, "A6", "d1_panel.refusal");
        expect_text(&wb, 4, "C6", "SEN2 2023, table 4, \"refusals\"");
        expect_text(&wb, 4, "D6", "tests/data/load/base.yaml:25");
        expect_text(&wb, 4, "B10", SCENARIO_NAME);
        expect_text(&wb, 4, "B12", "7");
        expect_num(&wb, 3, "E87", pq(F_DSG_BALANCE, -1, 1, 1));
        expect_num(&wb, 2, "G30",
                   pq(M_PLACEMENTS + PROV_SPECIAL, M_WAITING + PROV_SPECIAL, mp(2021, 9), 1));
        workbook_close_test(&wb);
    } else {
        fprintf(stderr, "test_cli_xlsx: unzip is not installed; cell checks skipped\n");
    }

    /* a write that fails after the workbook is complete: exit 1, one line, nothing left */
    snprintf(path, sizeof path, "%s/taken.xlsx", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    run_cli(&res, "export", r, "--xlsx", "--out", path, (char *)NULL);
    assert_cli_line(&res, 1, "sendsim export: cannot write '");
    assert_dir_holds(dir, 4);
    assert_int_equal(rmdir(path), 0);

    /* the directory of --out cannot be created: its parent is a file */
    snprintf(path, sizeof path, "%s/notes.h5/x.xlsx", dir);
    run_cli(&res, "export", r, "--xlsx", "--out", path, (char *)NULL);
    char want_dir[256];
    snprintf(want_dir, sizeof want_dir,
             "sendsim export: cannot create the directory of '%s'\n", path);
    assert_cli(&res, "--out in a file", 1, "", want_dir);
    assert_dir_holds(dir, 3);

    run_cli(&res, "export", "--help", (char *)NULL);
    assert_int_equal(res.status, 0);
    assert_int_equal(strncmp(res.out, "usage: sendsim export RESULTS.h5", 32), 0);
    cli_result_free(&res);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_double_known),
        cmocka_unit_test(test_format_double_round_trip),
        cmocka_unit_test(test_replications_path),
        cmocka_unit_test(test_replications_csv_exact),
        cmocka_unit_test(test_summary_csv),
        cmocka_unit_test(test_csv_atomic),
        cmocka_unit_test(test_xlsx_contents),
        cmocka_unit_test(test_xlsx_service_sheets),
        cmocka_unit_test(test_xlsx_atomic),
        cmocka_unit_test(test_cli_errors),
        cmocka_unit_test(test_cli_csv),
        cmocka_unit_test(test_cli_xlsx),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
