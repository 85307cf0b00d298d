/* test_h5_scales.c - the results file's axes as HDF5 dimension scales: every series and
 * summary dataset has its replication (or statistic) axis and its period axis attached to the
 * right scale, labelled; and the three-line Python recipe of results/README.md, taken from the
 * README itself, runs against a fresh file when python3 with h5py is installed (skipped with a
 * message otherwise). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "send_model.h"
#include "support/test_cli.h"

static char dir[32], h5[64];

static int setup(void **state)
{
    (void)state;
    make_out_dir(dir);
    snprintf(h5, sizeof h5, "%s/r.h5", dir);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s/r", dir);
    cli_result r;
    run_cli(&r, "run", "tests/data/load/base.yaml", "-n", "3", "--no-plots", "-q", "-o", prefix,
            (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "run failed: %s", r.err);
    cli_result_free(&r);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The path of the scale attached to axis `axis` of dataset d (exactly one), and its label. */
static herr_t first_scale(hid_t did, unsigned dim, hid_t sid, void *out)
{
    (void)did;
    (void)dim;
    H5Iget_name(sid, out, 128);
    return 1; /* stop at the first */
}

static void expect_axis(hid_t f, const char *path, unsigned axis, const char *scale,
                        const char *label)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0)
        fail_msg("no dataset %s", path);
    if (H5DSget_num_scales(d, axis) != 1)
        fail_msg("%s: axis %u has %d scales, expected 1", path, axis, H5DSget_num_scales(d, axis));
    char got[128] = "";
    int idx = 0;
    H5DSiterate_scales(d, axis, &idx, first_scale, got);
    if (strcmp(got, scale) != 0)
        fail_msg("%s: axis %u is attached to '%s', expected '%s'", path, axis, got, scale);
    char lab[64] = "";
    H5DSget_label(d, axis, lab, sizeof lab);
    if (strcmp(lab, label) != 0)
        fail_msg("%s: axis %u is labelled '%s', expected '%s'", path, axis, lab, label);
    H5Dclose(d);
}

static void test_axes_are_scales(void **state)
{
    (void)state;
    hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    static const char *const kinds[] = {"monthly", "calendar_year", "financial_year"};
    static const char *const scales[] = {"/replication", "/periods/monthly",
                                         "/periods/calendar_year", "/periods/financial_year",
                                         "/summary/statistic"};
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        hid_t s = H5Dopen2(f, scales[i], H5P_DEFAULT);
        assert_true(s >= 0);
        if (H5DSis_scale(s) <= 0)
            fail_msg("%s is not a dimension scale", scales[i]);
        H5Dclose(s);
    }
    int checked = 0;
    for (int m = 0; m < SEND_METRIC_COUNT; m++) {
        const send_metric_info *mi = send_metric(m);
        if (!mi)
            continue;
        char path[160], per[64];
        snprintf(per, sizeof per, "/periods/%s", kinds[mi->kind]);
        snprintf(path, sizeof path, "/%s/%s", kinds[mi->kind], mi->name);
        expect_axis(f, path, 0, "/replication", "replication");
        expect_axis(f, path, 1, per, kinds[mi->kind]);
        snprintf(path, sizeof path, "/summary/%s/%s", kinds[mi->kind], mi->name);
        expect_axis(f, path, 0, "/summary/statistic", "statistic");
        expect_axis(f, path, 1, per, kinds[mi->kind]);
        checked++;
    }
    assert_true(checked > 50);
    expect_axis(f, "/seeds", 0, "/replication", "replication");
    expect_axis(f, "/weeks_to_issue", 1, "/periods/calendar_year", "calendar_year");

    /* the scales hold what they say: 0 .. n-1 and the statistics in the summary's order */
    int idx[3] = {-1, -1, -1};
    hid_t d = H5Dopen2(f, "/replication", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, idx) >= 0);
    H5Dclose(d);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[2], 2);
    char *stats[9] = {0};
    d = H5Dopen2(f, "/summary/statistic", H5P_DEFAULT);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, stats) >= 0);
    char joined[128] = "";
    for (int i = 0; i < 9; i++) {
        strcat(joined, i ? "," : "");
        strcat(joined, stats[i]);
    }
    hid_t g = H5Oopen(f, "/summary", H5P_DEFAULT);
    hid_t a = H5Aopen(g, "statistics", H5P_DEFAULT);
    char *attr = NULL;
    assert_true(H5Aread(a, t, &attr) >= 0);
    assert_string_equal(joined, attr); /* the rows' names, from the file's own attribute */
    hid_t sp = H5Dget_space(d);
    H5Dvlen_reclaim(t, sp, H5P_DEFAULT, stats);
    H5Sclose(sp);
    H5free_memory(attr);
    H5Aclose(a);
    H5Oclose(g);
    H5Tclose(t);
    H5Dclose(d);
    H5Fclose(f);
}

/* The ```python block after "<!-- recipe: python" in results/README.md, run on the file. */
static void test_python_recipe(void **state)
{
    (void)state;
    /* the python3 on PATH, else the system's (where Debian's python3-h5py goes) */
    static const char *const pythons[] = {"python3", "/usr/bin/python3"};
    const char *python = NULL;
    for (size_t i = 0; i < 2 && !python; i++) {
        char probe[128];
        snprintf(probe, sizeof probe, "%s -c 'import h5py' >/dev/null 2>&1", pythons[i]);
        if (system(probe) == 0)
            python = pythons[i];
    }
    if (!python) {
        printf("(python3 with h5py not installed: the Python recipe is not run)\n");
        skip();
    }
    char *readme = slurp("results/README.md");
    char *mark = strstr(readme, "<!-- recipe: python");
    assert_non_null(mark);
    char *code = strstr(mark, "```python\n");
    assert_non_null(code);
    code += strlen("```python\n");
    char *end = strstr(code, "```");
    assert_non_null(end);
    *end = '\0';
    char script[80], log[80];
    snprintf(script, sizeof script, "%s/recipe.py", dir);
    snprintf(log, sizeof log, "%s/recipe.log", dir);
    FILE *py = fopen(script, "w");
    assert_non_null(py);
    /* the recipe as written, reading this test's file, then checks of what it produced */
    fputs("import os\nos.chdir(os.path.dirname(os.path.abspath(__file__)))\n", py);
    for (char *line = code; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char *at = strstr(line, "results/baseline.h5");
        if (at && at < line + len)
            fprintf(py, "%.*sr.h5%.*s\n", (int)(at - line), line,
                    (int)(len - (size_t)(at - line) - strlen("results/baseline.h5")),
                    at + strlen("results/baseline.h5"));
        else
            fprintf(py, "%.*s\n", (int)len, line);
        line += len + (nl != NULL);
    }
    fputs("assert plans.shape == (3, 24), plans.shape\n"
          "assert list(months[:2]) == ['2020-01', '2020-02'], months[:2]\n"
          "assert d.dims[0].label == 'replication' and d.dims[1].label == 'monthly'\n"
          "print('ok', months[0], plans.shape)\n",
          py);
    assert_int_equal(fclose(py), 0);
    free(readme);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s '%s' >'%s' 2>&1", python, script, log);
    int rc = system(cmd);
    char *out = slurp(log);
    if (rc != 0 || strncmp(out, "ok 2020-01 (3, 24)", 18) != 0)
        fail_msg("the README's Python recipe failed:\n%s", out);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_axes_are_scales),
        cmocka_unit_test(test_python_recipe),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
