/* test_options.c - the command line as people type it: option forms (--name=value, --name
 * value, short options), per-command help, "did you mean" for unknown options, values that
 * must be refused (an empty --out, a seed with a sign), signals (SIGHUP, and SIGINT to the
 * process alone while gnuplot draws), outputs that would replace an input, and results files
 * that belong to another scenario (a scenario without its own name takes its file's stem).
 * Every check runs the built binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "send_h5.h"
#include "support/test_cli.h"

#define BASE "tests/data/load/base.yaml" /* scenario 'small', two years */

static void expect_error(cli_result *r, const char *want)
{
    if (r->status != 2 || r->out[0] || strcmp(r->err, want) != 0)
        cli_fail(r, "status %d, stdout '%s', stderr '%s'; expected 2 and '%s'", r->status, r->out,
                 r->err, want);
    cli_result_free(r);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static const char *bin(void)
{
    static char b[1024];
    const char *build = getenv("SENDSIM_BUILD");
    snprintf(b, sizeof b, "%s/sendsim", build && *build ? build : "build");
    return b;
}

/* --name=value, --name value and the short options give the same run. */
static void test_option_forms(void **state)
{
    (void)state;
    char dir[32], p[3][64], csv[3][80];
    make_out_dir(dir);
    for (int i = 0; i < 3; i++) {
        snprintf(p[i], sizeof p[i], "%s/p%d", dir, i);
        snprintf(csv[i], sizeof csv[i], "%s-summary.csv", p[i]);
    }
    char out0[80];
    snprintf(out0, sizeof out0, "--out=%s", p[0]);
    cli_result r;
    run_cli(&r, "run", BASE, "--replications=3", "--seed=5", "--threads=1", out0, "--no-plots",
            "--quiet", (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "--name=value: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    run_cli(&r, "run", "-n", "3", "-s", "5", "-j", "1", "-o", p[1], "-q", "--no-plots", BASE,
            (char *)NULL);
    if (r.status != 0)
        cli_fail(&r, "short options: exit %d: %s", r.status, r.err);
    assert_string_equal(r.out, ""); /* -q */
    cli_result_free(&r);
    run_cli(&r, "run", BASE, "--replications", "3", "--seed", "5", "--out", p[2], "--no-plots",
            "--quiet", (char *)NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    char *a = slurp(csv[0]), *b = slurp(csv[1]), *c = slurp(csv[2]);
    assert_true(strlen(a) > 1000);
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    free(a);
    free(b);
    free(c);
    remove_dir(dir);
}

/* `sendsim help CMD` is `sendsim CMD --help`, and every help lists every option. */
static void test_help(void **state)
{
    (void)state;
    static const char *const cmds[] = {"run",  "compare",   "export",   "plot", "report",
                                       "init", "calibrate", "backtest", "validate", "keys"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        cli_result h, o;
        run_cli(&h, "help", cmds[i], (char *)NULL);
        run_cli(&o, cmds[i], "--help", (char *)NULL);
        if (h.status != 0 || o.status != 0 || strcmp(h.out, o.out) != 0 || h.err[0])
            cli_fail(&h, "help %s: exit %d / %d, outputs differ or stderr '%s'", cmds[i],
                     h.status, o.status, h.err);
        char usage[64];
        snprintf(usage, sizeof usage, "usage: sendsim %s", cmds[i]);
        assert_int_equal(strncmp(h.out, usage, strlen(usage)), 0);
        assert_non_null(strstr(h.out, "\noptions:\n"));
        assert_non_null(strstr(h.out, "  -h, --help "));
        cli_result_free(&h);
        cli_result_free(&o);
    }
    cli_result r;
    run_cli(&r, "help", "run", (char *)NULL);
    static const char *const run_opts[] = {"-n, --replications N", "-s, --seed S",
                                           "-j, --threads J", "-o, --out PREFIX",
                                           "-f, --format png|svg", "    --no-plots",
                                           "    --force", "-q, --quiet"};
    for (size_t i = 0; i < sizeof run_opts / sizeof run_opts[0]; i++)
        if (!strstr(r.out, run_opts[i]))
            cli_fail(&r, "'help run' does not list '%s'", run_opts[i]);
    cli_result_free(&r);

    run_cli(&r, "--help", (char *)NULL);
    static const char *const top[] = {"--format png|svg", "--no-plots", "-q, --quiet",
                                      "-n, --replications N", "-j, --threads J",
                                      "-o, --out PREFIX", "sendsim help <command>",
                                      "--replications=10"};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        if (!strstr(r.out, top[i]))
            cli_fail(&r, "the top-level help does not mention '%s'", top[i]);
    cli_result_free(&r);

    run_cli(&r, "help", "nosuch", (char *)NULL);
    expect_error(&r, "sendsim: unknown command 'nosuch' (try 'sendsim --help')\n");
    run_cli(&r, "rn", (char *)NULL);
    expect_error(&r, "sendsim: unknown command 'rn' (did you mean 'run'?)\n");
}

static void test_unknown_options(void **state)
{
    (void)state;
    cli_result r;
    run_cli(&r, "run", BASE, "--replicatons", "3", (char *)NULL);
    expect_error(&r, "sendsim run: unknown option '--replicatons' (did you mean "
                     "'--replications'?)\n");
    run_cli(&r, "report", "r.h5", "--nocharts", (char *)NULL);
    expect_error(&r, "sendsim report: unknown option '--nocharts' (did you mean '--no-charts'?)\n");
    run_cli(&r, "run", BASE, "--threads=2", "--seeed=4", (char *)NULL);
    expect_error(&r, "sendsim run: unknown option '--seeed' (did you mean '--seed'?)\n");
    run_cli(&r, "run", BASE, "--frobnicate", (char *)NULL);
    expect_error(&r, "sendsim run: unknown option '--frobnicate' (try 'sendsim run --help')\n");
    run_cli(&r, "run", BASE, "-x", (char *)NULL);
    expect_error(&r, "sendsim run: unknown option '-x' (try 'sendsim run --help')\n");
    run_cli(&r, "backtest", "--all", "--from", "2019", "--no", (char *)NULL);
    expect_error(&r, "sendsim backtest: option '--no' is ambiguous (try 'sendsim backtest "
                     "--help')\n");
    run_cli(&r, "run", BASE, "--no-plots=1", (char *)NULL);
    expect_error(&r, "sendsim run: --no-plots takes no value (try 'sendsim run --help')\n");
    run_cli(&r, "run", BASE, "--seed", (char *)NULL);
    expect_error(&r, "sendsim run: --seed: a value is required (try 'sendsim run --help')\n");
    run_cli(&r, "validate", BASE, "--key", "--bogus", (char *)NULL);
    expect_error(&r, "sendsim validate: unknown option '--bogus' (try 'sendsim validate --help')\n");
}

/* Values that used to be taken: an empty output name (hidden files) and a seed with a space and
 * a sign (wrapped to a huge number). Nothing is written. */
static void test_bad_values(void **state)
{
    (void)state;
    char dir[32], cwd[4096];
    make_out_dir(dir);
    assert_non_null(getcwd(cwd, sizeof cwd));
    char base[4200];
    snprintf(base, sizeof base, "%s/" BASE, cwd);
    /* run from the empty directory, where an empty prefix would write "./.h5" */
    const char *build = getenv("SENDSIM_BUILD");
    char *saved = build ? strdup(build) : NULL;
    char abs_build[4200];
    build = build && *build ? build : "build";
    snprintf(abs_build, sizeof abs_build, "%s%s%s", *build == '/' ? "" : cwd,
             *build == '/' ? "" : "/", build);
    setenv("SENDSIM_BUILD", abs_build, 1);
    assert_int_equal(chdir(dir), 0);
    cli_result r;
    run_cli(&r, "run", base, "-n", "2", "--no-plots", "--out", "", (char *)NULL);
    expect_error(&r, "sendsim run: --out: expected a non-empty value (try 'sendsim run --help')\n");
    run_cli(&r, "run", base, "-n", "2", "--no-plots", "--out=", (char *)NULL);
    expect_error(&r, "sendsim run: --out: expected a non-empty value (try 'sendsim run --help')\n");
    run_cli(&r, "run", base, "-n", "2", "--no-plots", "--seed", " -5", (char *)NULL);
    expect_error(&r, "sendsim run: --seed: expected a non-negative integer, got ' -5'\n");
    run_cli(&r, "run", base, "-n", "2", "--no-plots", "--seed=-5", (char *)NULL);
    expect_error(&r, "sendsim run: --seed: expected a non-negative integer, got '-5'\n");
    run_cli(&r, "run", base, "--replications", " 3", "--no-plots", (char *)NULL);
    expect_error(&r, "sendsim run: --replications: expected an integer in [1, 10000000], got "
                     "' 3'\n");
    run_cli(&r, "export", "x.h5", "--csv", "--out", "", (char *)NULL);
    expect_error(&r, "sendsim export: --out: expected a non-empty value (try 'sendsim export "
                     "--help')\n");
    run_cli(&r, "report", "x.h5", "-o", "", (char *)NULL);
    expect_error(&r, "sendsim report: --out: expected a non-empty value (try 'sendsim report "
                     "--help')\n");
    assert_int_equal(chdir(cwd), 0);
    if (saved)
        setenv("SENDSIM_BUILD", saved, 1);
    else
        unsetenv("SENDSIM_BUILD");
    free(saved);
    assert_dir_empty(dir);
    remove_dir(dir);
}

static char *file_or_null(const char *path)
{
    return access(path, F_OK) == 0 ? slurp(path) : NULL;
}

/* `report` refuses an output that is one of its inputs, however it is spelled. */
static void test_report_output_is_input(void **state)
{
    (void)state;
    char dir[32], prefix[64], h5[80], alias[96], csv[80], bt[80];
    make_out_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/r", dir);
    snprintf(h5, sizeof h5, "%s.h5", prefix);
    snprintf(alias, sizeof alias, "%s/./r.h5", dir);
    snprintf(csv, sizeof csv, "%s/c-compare.csv", dir);
    snprintf(bt, sizeof bt, "%s/b-backtest.csv", dir);
    cli_result r;
    run_cli(&r, "run", BASE, "-n", "2", "--no-plots", "-q", "-o", prefix, (char *)NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    write_file(csv, "scenario,metric,period,diff_mean\n", 0644);
    write_file(bt, "la_code\n", 0644);
    struct stat before;
    assert_int_equal(stat(h5, &before), 0);
    char want[256];
    const char *cases[][6] = {{h5, "--out", h5}, {h5, "--no-charts", "--out", alias},
                              {h5, csv, "--out", csv}, {h5, "--backtest", bt, "-o", bt}};
    const char *inputs[] = {h5, h5, csv, bt};
    for (int i = 0; i < 4; i++) {
        const char *const *a = cases[i];
        run_cli(&r, "report", a[0], a[1], a[2], a[3], a[4], (char *)NULL);
        snprintf(want, sizeof want,
                 "sendsim report: '%s': the output would replace an input file\n", inputs[i]);
        expect_error(&r, want);
    }
    struct stat after;
    assert_int_equal(stat(h5, &after), 0);
    assert_int_equal(before.st_size, after.st_size);
    assert_int_equal(before.st_mtime, after.st_mtime);
    char *c = file_or_null(csv);
    assert_string_equal(c, "scenario,metric,period,diff_mean\n");
    free(c);
    remove_dir(dir);
}

/* A child scenario without `name:` is named after its file, and `run` does not replace the
 * results of another scenario unless --force. */
static void test_results_of_another_scenario(void **state)
{
    (void)state;
    char dir[32], cwd[4096], kid[80], text[4300], prefix[64], h5[80];
    make_out_dir(dir);
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(kid, sizeof kid, "%s/kid-1.yaml", dir);
    snprintf(text, sizeof text, "extends: %s/" BASE "\nend: 2020-12-31\n", cwd);
    write_file(kid, text, 0644);
    snprintf(prefix, sizeof prefix, "%s/x", dir);
    snprintf(h5, sizeof h5, "%s.h5", prefix);

    cli_result r;
    run_cli(&r, "validate", kid, (char *)NULL);
    assert_int_equal(r.status, 0);
    if (strncmp(r.out, "scenario kid-1: ", 16) != 0)
        cli_fail(&r, "the child is not named after its file: '%.60s'", r.out);
    cli_result_free(&r);

    run_cli(&r, "run", BASE, "-n", "2", "--no-plots", "-q", "-o", prefix, (char *)NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    struct stat before, after;
    assert_int_equal(stat(h5, &before), 0);
    char want[256];
    snprintf(want, sizeof want,
             "sendsim run: '%s' holds the results of scenario 'small', not 'kid-1' (give "
             "another --out, or --force to replace it)\n",
             h5);
    run_cli(&r, "run", kid, "-n", "2", "--no-plots", "-q", "-o", prefix, (char *)NULL);
    expect_error(&r, want);
    assert_int_equal(stat(h5, &after), 0);
    assert_int_equal(before.st_mtime, after.st_mtime);
    assert_int_equal(before.st_ino, after.st_ino);

    /* the same scenario again replaces its own results */
    run_cli(&r, "run", BASE, "-n", "2", "--no-plots", "-q", "-o", prefix, (char *)NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);

    /* a file that is not a results file is not replaced either */
    char junk[80], want2[256];
    snprintf(junk, sizeof junk, "%s/j.h5", dir);
    write_file(junk, "not hdf5\n", 0644);
    snprintf(want2, sizeof want2,
             "sendsim run: '%s': not an HDF5 file: not replaced (give another --out, or --force "
             "to replace it)\n",
             junk);
    snprintf(prefix, sizeof prefix, "%s/j", dir);
    run_cli(&r, "run", kid, "-n", "2", "--no-plots", "-q", "-o", prefix, (char *)NULL);
    expect_error(&r, want2);

    snprintf(prefix, sizeof prefix, "%s/x", dir);
    run_cli(&r, "run", kid, "-n", "2", "--no-plots", "-q", "--force", "-o", prefix,
            (char *)NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    des_error err = {0};
    char *name = send_h5_scenario_name(h5, &err);
    assert_non_null(name);
    assert_string_equal(name, "kid-1");
    free(name);
    remove_dir(dir);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* SIGHUP (a closed terminal) stops a run as Ctrl-C does: exit 130, nothing left behind. */
static void test_sighup(void **state)
{
    (void)state;
    char dir[32], prefix[64], out[80];
    make_out_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/x", dir);
    snprintf(out, sizeof out, "/tmp/sendsim-hup-%d.log", (int)getpid());
    char *argv[] = {(char *)bin(), "run", "scenarios/baseline.yaml", "-n", "3000", "-o",
                    prefix, NULL};
    pid_t pid = spawn_to_files(argv, out, out, 1);
    wait_for_handler(pid, SIGINT); /* the handlers are installed together */
    assert_int_equal(kill(pid, SIGHUP), 0);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    unlink(out);
    if (!WIFEXITED(st))
        fail_msg("sendsim run was ended by signal %d: SIGHUP is not handled", WTERMSIG(st));
    assert_int_equal(WEXITSTATUS(st), 130);
    assert_dir_empty(dir);
    remove_dir(dir);
}

/* SIGINT to the process alone (not its group, so gnuplot does not see it) while gnuplot draws:
 * gnuplot is stopped at once, no image is left, exit 130. */
static void test_sigint_during_charts(void **state)
{
    (void)state;
    char dir[32], prefix[64], h5[80], fake[80], marker[80], charts[80], out[80];
    make_out_dir(dir);
    snprintf(prefix, sizeof prefix, "%s/r", dir);
    snprintf(h5, sizeof h5, "%s.h5", prefix);
    snprintf(fake, sizeof fake, "%s/slow-gnuplot", dir);
    snprintf(marker, sizeof marker, "%s/started", dir);
    snprintf(charts, sizeof charts, "%s/charts", dir);
    snprintf(out, sizeof out, "%s/log", dir);
    cli_result r;
    run_cli(&r, "run", BASE, "-n", "2", "--no-plots", "-q", "-o", prefix, (char *)NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    char script[256];
    snprintf(script, sizeof script, "#!/bin/sh\ntouch '%s'\nexec sleep 60\n", marker);
    write_file(fake, script, 0755);
    setenv("SENDSIM_GNUPLOT", fake, 1);
    char *argv[] = {(char *)bin(), "plot", h5, "--out", charts, NULL};
    double t0 = now();
    pid_t pid = spawn_to_files(argv, out, out, 1);
    unsetenv("SENDSIM_GNUPLOT");
    for (int i = 0; access(marker, F_OK) != 0; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            fail_msg("sendsim plot ended (status %d) before gnuplot started", st);
        if (i > 60000)
            fail_msg("gnuplot did not start within 10 minutes");
        usleep(10 * 1000);
    }
    assert_int_equal(kill(pid, SIGINT), 0);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    double waited = now() - t0;
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 130);
    if (waited > 30)
        fail_msg("sendsim plot took %.0f s to honour SIGINT: it waited for gnuplot", waited);
    char pat[128];
    snprintf(pat, sizeof pat, "%s/*.png*", charts);
    glob_t g;
    int gr = glob(pat, 0, NULL, &g);
    if (gr == 0)
        fail_msg("an image was left: %s", g.gl_pathv[0]);
    globfree(&g);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option_forms),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_unknown_options),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_report_output_is_input),
        cmocka_unit_test(test_results_of_another_scenario),
        cmocka_unit_test(test_sighup),
        cmocka_unit_test(test_sigint_during_charts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
