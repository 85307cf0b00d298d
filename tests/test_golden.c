/* test_golden.c - the golden output: a small fixed run whose summary CSV is committed.
 *
 * tests/golden/golden.yaml (a frozen two-year copy of the 2019 Leicestershire baseline) is run
 * with 8 replications, seed 7, on 1 and on 2 threads; both summaries must equal
 * tests/golden/golden-summary.csv byte for byte. Determinism tests elsewhere compare two runs
 * of one build; this one notices a change that moves any number at all. A deliberate change
 * regenerates the file with tests/golden/update and says why in its commit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/test_cli.h"

#define GOLDEN "tests/golden/golden-summary.csv"

/* Report the first line that differs, with both versions, so a failure says what moved. */
static void assert_same_text(const char *want, const char *got)
{
    if (!strcmp(want, got))
        return;
    size_t line = 1;
    const char *w = want, *g = got;
    while (*w && *w == *g) {
        if (*w == '\n')
            line++;
        w++;
        g++;
    }
    while (w > want && w[-1] != '\n')
        w--, g--;
    const char *we = strchr(w, '\n'), *ge = strchr(g, '\n');
    int wl = we ? (int)(we - w) : (int)strlen(w), gl = ge ? (int)(ge - g) : (int)strlen(g);
    fail_msg("summary differs from " GOLDEN " at line %zu:\n  golden: %.*s\n  now:    %.*s\n"
             "if the change is meant to move the numbers, run tests/golden/update and say why "
             "in the commit",
             line, wl, w, gl, g);
}

static void run_golden(const char *threads)
{
    char dir[32], prefix[64], csv[96];
    make_out_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/golden", dir);
    cli_result r;
    run_cli(&r, "run", "tests/golden/golden.yaml", "--replications", "8", "--seed", "7",
            "--threads", threads, "--no-plots", "--quiet", "--out", prefix, (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "golden run exited %d", r.status);
    cli_result_free(&r);
    snprintf(csv, sizeof csv, "%s-summary.csv", prefix);
    char *got = slurp(csv), *want = slurp(GOLDEN);
    assert_true(count_lines(want) > 1000); /* the committed file is the real thing */
    assert_same_text(want, got);
    free(got);
    free(want);
    remove_dir(dir);
}

static void test_golden_two_threads(void **state)
{
    (void)state;
    run_golden("2");
}

static void test_golden_one_thread(void **state)
{
    (void)state;
    run_golden("1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_two_threads),
        cmocka_unit_test(test_golden_one_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
