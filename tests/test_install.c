/* test_install.c - `make install PREFIX=DIR` into a fresh directory, without root: the program,
 * templates, data, scenarios, bash completion and (with help2man) the man page; then the
 * installed program, run from another directory, finds its templates and data by itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/test_cli.h"

/* Run a shell command, failing with its output when it exits non-zero. */
static void sh(const char *log, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char full[4300];
    snprintf(full, sizeof full, "{ %s ; } >'%s' 2>&1", cmd, log);
    if (system(full) != 0) {
        char *out = slurp(log);
        fail_msg("'%s' failed:\n%s", cmd, out);
    }
}

static void assert_file(const char *prefix, const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", prefix, rel);
    if (access(p, R_OK) != 0)
        fail_msg("make install did not install %s", p);
}

static void test_install_and_run_elsewhere(void **state)
{
    (void)state;
    char prefix[32], work[32], log[64];
    make_out_dir(prefix);
    make_out_dir(work);
    snprintf(log, sizeof log, "%s/log", work);
    const char *build = getenv("SENDSIM_BUILD");
    build = build && *build ? build : "build";
    /* -o all: use the program as built (a sanitizer build stays one) */
    sh(log, "make -s --no-print-directory -o all install PREFIX='%s' BUILD='%s'", prefix, build);
    static const char *const files[] = {
        "bin/sendsim", "share/sendsim/plots/style.gp", "share/sendsim/plots/fan.gp",
        "share/sendsim/data/la-sen2.csv", "share/sendsim/data/england-sen2.csv",
        "share/sendsim/scenarios/baseline.yaml", "share/bash-completion/completions/sendsim"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        assert_file(prefix, files[i]);
    if (system("command -v help2man >/dev/null 2>&1") == 0) {
        assert_file(prefix, "share/man/man1/sendsim.1");
        char man[128];
        snprintf(man, sizeof man, "%s/share/man/man1/sendsim.1", prefix);
        char *page = slurp(man);
        assert_non_null(strstr(page, ".SH COMMANDS"));
        assert_non_null(strstr(page, "\n.SS sendsim backtest\n"));
        assert_non_null(strstr(page, "--replications N"));
        free(page);
    } else {
        printf("(help2man not installed: the man page is not checked)\n");
    }

    /* from another directory, with nothing pointing at the templates or the data */
    sh(log,
       "cd '%s' && env -u SENDSIM_PLOTS '%s/bin/sendsim' run '%s/share/sendsim/scenarios/"
       "baseline.yaml' -n 2 -j 1 -o out/b --format svg -q",
       work, prefix, prefix);
    char chart[128];
    snprintf(chart, sizeof chart, "%s/out/b-ehcp-fan.svg", work);
    char *warn = slurp(log);
    if (!strstr(warn, "gnuplot not found") && access(chart, R_OK) != 0)
        fail_msg("no chart drawn from the installed templates: %s", warn);
    free(warn);
    sh(log, "cd '%s' && '%s/bin/sendsim' init --la 855 --as-of 2019 -o l.yaml -q", work, prefix);
    char yaml[128];
    snprintf(yaml, sizeof yaml, "%s/l.yaml", work);
    char *text = slurp(yaml);
    char want[256];
    snprintf(want, sizeof want, "%s/share/sendsim/data/la-sen2.csv", prefix);
    assert_non_null(strstr(text, want)); /* the installed data, named as such */
    free(text);

    /* bash completion offers a command's options from its help */
    sh(log,
       "bash -c 'source \"%s/share/bash-completion/completions/sendsim\"; "
       "COMP_WORDS=(\"%s/bin/sendsim\" run --repl); COMP_CWORD=2; _sendsim; "
       "echo \"${COMPREPLY[*]}\"'",
       prefix, prefix);
    char *comp = slurp(log);
    assert_string_equal(comp, "--replications\n");
    free(comp);

    sh(log, "make -s --no-print-directory -o all uninstall PREFIX='%s' BUILD='%s'", prefix,
       build);
    char bin[64];
    snprintf(bin, sizeof bin, "%s/bin/sendsim", prefix);
    assert_int_equal(access(bin, F_OK), -1);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", prefix, work);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_install_and_run_elsewhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
