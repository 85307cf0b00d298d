/* test_mpi.c - the cluster build: `mpirun -n R build/sendsim-mpi run ...` against the
 * one-process build/sendsim.
 *
 * The summary CSV must be byte-identical for 1 process, 1 rank and 2 ranks (uneven blocks,
 * several authorities and one); only rank 0 prints or writes; ranks started with different
 * arguments refuse to run; Ctrl-C of mpirun, or SIGINT to one rank alone, stops every rank
 * with nothing written. Ranks are oversubscribed (--oversubscribe) so the test runs on any
 * machine; --allow-run-as-root is passed only when running as root.
 *
 * Skipped, with a message, when mpirun is not installed, or when neither sendsim-mpi nor mpicc
 * is there; `make test` builds sendsim-mpi whenever mpicc exists, so a missing binary with
 * mpicc present is a failure. The interruption tests wait a fixed time before the signal, like
 * the one-process interruption test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char serial_bin[1024], mpi_bin[1024], mpirun[1024];
static const char *skip_reason;

static int in_path(const char *name, char *out, size_t len)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char *copy = strdup(path);
    assert_non_null(copy);
    int found = 0;
    for (char *save = NULL, *d = strtok_r(copy, ":", &save); d && !found;
         d = strtok_r(NULL, ":", &save)) {
        snprintf(out, len, "%s/%s", *d ? d : ".", name);
        found = access(out, X_OK) == 0;
    }
    free(copy);
    return found;
}

static int setup(void **state)
{
    (void)state;
    const char *build = getenv("SENDSIM_BUILD");
    if (!build || !*build)
        build = "build";
    snprintf(serial_bin, sizeof serial_bin, "%s/sendsim", build);
    snprintf(mpi_bin, sizeof mpi_bin, "%s/sendsim-mpi", build);
    char mpicc[1024];
    if (!in_path("mpirun", mpirun, sizeof mpirun))
        skip_reason = "mpirun is not installed (Debian: openmpi-bin): the MPI tests are skipped";
    else if (getenv("SENDSIM_NO_MPI") && *getenv("SENDSIM_NO_MPI"))
        skip_reason = "SENDSIM_NO_MPI is set (this build has no sendsim-mpi): the MPI tests are "
                      "skipped";
    else if (access(mpi_bin, X_OK) != 0 && !in_path("mpicc", mpicc, sizeof mpicc))
        skip_reason = "mpicc is not installed (Debian: libopenmpi-dev), so sendsim-mpi is not "
                      "built: the MPI tests are skipped";
    if (skip_reason)
        fprintf(stderr, "test_mpi: %s\n", skip_reason);
    return 0;
}

static void need_mpi(void)
{
    if (skip_reason) {
        print_message("%s\n", skip_reason);
        skip();
    }
    if (access(mpi_bin, X_OK) != 0)
        fail_msg("%s is not built (make MPI=1; make test builds it when mpicc exists)", mpi_bin);
    if (access(serial_bin, X_OK) != 0)
        fail_msg("%s is not built (run make)", serial_bin);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

typedef struct proc {
    pid_t pid;
    char out[128], err[128];
} proc;

/* Start argv with stdout and stderr to files in dir. */
static void start(proc *p, const char *dir, char *const argv[])
{
    snprintf(p->out, sizeof p->out, "%s/.stdout", dir);
    snprintf(p->err, sizeof p->err, "%s/.stderr", dir);
    fflush(stdout);
    fflush(stderr);
    p->pid = fork();
    assert_true(p->pid >= 0);
    if (p->pid == 0) {
        int fo = open(p->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = open(p->err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fo < 0 || fe < 0 || dup2(fo, STDOUT_FILENO) < 0 || dup2(fe, STDERR_FILENO) < 0)
            _exit(126);
        if (argv[0] == mpirun) {
            /* Under AddressSanitizer (make asan) Open MPI's own allocations, never freed at
             * exit, would fail every rank: leaks are checked in the one-process build. */
            const char *old = getenv("ASAN_OPTIONS");
            char opts[1024];
            snprintf(opts, sizeof opts, "%s%sdetect_leaks=0", old ? old : "", old ? ":" : "");
            setenv("ASAN_OPTIONS", opts, 1);
        }
        execv(argv[0], argv);
        _exit(127);
    }
}

static int finish(proc *p, char **out, char **err)
{
    int st;
    while (waitpid(p->pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    *out = slurp(p->out);
    *err = slurp(p->err);
    unlink(p->out);
    unlink(p->err);
    assert_non_null(*out);
    assert_non_null(*err);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* argv for mpirun: the common options, then the rest (NULL-terminated). */
static int mpirun_argv(char **argv, int max, int ranks)
{
    static char nbuf[16];
    int k = 0;
    argv[k++] = mpirun;
    if (geteuid() == 0)
        argv[k++] = "--allow-run-as-root";
    argv[k++] = "--oversubscribe";
    argv[k++] = "-n";
    snprintf(nbuf, sizeof nbuf, "%d", ranks);
    argv[k++] = nbuf;
    assert_true(k < max);
    return k;
}

static void make_dir(char *dir)
{
    strcpy(dir, "/tmp/sendsim-mpi-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

/* Names in dir other than ., .. and the captured streams. */
static int entries(const char *dir, char names[][256], int max)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n < max)
            snprintf(names[n], 256, "%s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

static void remove_dir(const char *dir)
{
    char names[16][256];
    int n = entries(dir, names, 16);
    assert_true(n <= 16);
    for (int i = 0; i < n; i++) {
        char path[600];
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path)
            fail_msg("path too long under %s", dir);
        assert_int_equal(unlink(path), 0);
    }
    assert_int_equal(rmdir(dir), 0);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *s = hay; (s = strstr(s, needle)) != NULL; s++)
        n++;
    return n;
}

/* Run the one-process build, then sendsim-mpi on 1 and 2 ranks: identical CSVs. */
static void check_identical(const char *scenario, const char *reps, const char *title,
                            int min_ranks)
{
    char dir[64], p0[128], p1[128], p2[128], c[160];
    make_dir(dir);
    snprintf(p0, sizeof p0, "%s/serial", dir);
    snprintf(p1, sizeof p1, "%s/one", dir);
    snprintf(p2, sizeof p2, "%s/two", dir);
    proc pr;
    char *out, *err;
    char *sargv[] = {serial_bin, "run", (char *)scenario, "-n", (char *)reps, "--seed", "17",
                     "--threads", "2", "--quiet", "--out", p0, "--no-plots", NULL};
    start(&pr, dir, sargv);
    int rc = finish(&pr, &out, &err);
    if (rc != 0)
        fail_msg("sendsim run %s: exit %d: %s", scenario, rc, err);
    free(out);
    free(err);
    snprintf(c, sizeof c, "%s-summary.csv", p0);
    char *want = slurp(c);
    assert_non_null(want);
    assert_true(strlen(want) > 1000);

    for (int ranks = min_ranks; ranks <= 2; ranks++) {
        char *argv[32];
        int k = mpirun_argv(argv, 32, ranks);
        char *tail[] = {mpi_bin, "run", (char *)scenario, "-n", (char *)reps, "--seed", "17",
                        "--threads", "1", "--out", ranks == 1 ? p1 : p2, "--no-plots", NULL};
        for (size_t i = 0; i < sizeof tail / sizeof *tail; i++)
            argv[k++] = tail[i];
        start(&pr, dir, argv);
        rc = finish(&pr, &out, &err);
        if (rc != 0)
            fail_msg("mpirun -n %d sendsim-mpi run %s: exit %d: %s", ranks, scenario, rc, err);
        /* rank 0 alone prints the table */
        assert_int_equal(count_of(out, title), 1);
        assert_string_equal(err, "");
        free(out);
        free(err);
        snprintf(c, sizeof c, "%s-summary.csv", ranks == 1 ? p1 : p2);
        char *got = slurp(c);
        assert_non_null(got);
        if (strcmp(got, want) != 0)
            fail_msg("%d rank(s): the summary of %s differs from the one-process run", ranks,
                     scenario);
        free(got);
    }
    free(want);
    char names[8][256];
    /* each run's results file and CSV, no temporary files */
    assert_int_equal(entries(dir, names, 8), 2 * (1 + (2 - min_ranks + 1)));
    remove_dir(dir);
}

static void test_identical_authorities(void **state)
{
    (void)state;
    need_mpi();
    check_identical("tests/data/authorities/two.yaml", "5", "over 5 replications of 'pair'", 1);
}

static void test_identical_one_authority(void **state)
{
    (void)state;
    need_mpi();
    /* 3 replications on 2 ranks: blocks of 1 and 2 */
    check_identical("tests/data/load/base.yaml", "3", "over 3 replications of 'small'", 2);
}

static void test_identical_drawn_parameters(void **state)
{
    (void)state;
    need_mpi();
    /* each replication draws an ensemble set and a prior: the same on 1 and 2 ranks */
    check_identical("tests/data/ensemble/priors.yaml", "5",
                    "over 5 replications of 'ensemble-priors'", 1);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void append(char **argv, int *k, char *const *tail, size_t n)
{
    for (size_t i = 0; i < n; i++)
        argv[(*k)++] = tail[i];
}

static void assert_nothing_written(const char *dir)
{
    char names[4][256];
    int n = entries(dir, names, 4);
    if (n)
        fail_msg("%s holds '%s' after a failed or interrupted run", dir, names[0]);
}

/* `backtest --all` splits the authorities over the ranks (round robin) and their threads, the
 * forecast-error term's pooled back-tests too: the table is byte-identical to the one-process
 * run's on two threads; rank 0 alone prints. Four authorities cut from the shipped file, one
 * of them (Poole) skipped for want of data. */
static void test_backtest_identical(void **state)
{
    (void)state;
    need_mpi();
    char dir[64], sub[128], p0[128], p2[128], c0[256], c2[256], cmd[512];
    make_dir(dir);
    snprintf(sub, sizeof sub, "%s/sub.csv", dir);
    snprintf(cmd, sizeof cmd,
             "grep -E '^(#|la_name|Rutland,|Hartlepool,|Darlington,|Poole,)' data/la-sen2.csv > %s",
             sub);
    assert_int_equal(system(cmd), 0);
    snprintf(p0, sizeof p0, "%s/serial", dir);
    snprintf(p2, sizeof p2, "%s/two", dir);
    proc pr;
    char *out, *err;
    char *sargv[] = {serial_bin, "backtest", "--all", "--from", "2022", "--data", sub,
                     "--replications", "3", "--threads", "2", "--no-plots", "--quiet", "--out",
                     p0, NULL};
    start(&pr, dir, sargv);
    int rc = finish(&pr, &out, &err);
    if (rc != 0)
        fail_msg("sendsim backtest: exit %d: %s", rc, err);
    free(out);
    free(err);
    char *argv[32];
    int k = mpirun_argv(argv, 32, 2);
    char *tail[] = {mpi_bin, "backtest", "--all", "--from", "2022", "--data", sub,
                    "--replications", "3", "--threads", "1", "--no-plots", "--out", p2, NULL};
    append(argv, &k, tail, sizeof tail / sizeof *tail);
    start(&pr, dir, argv);
    rc = finish(&pr, &out, &err);
    if (rc != 0)
        fail_msg("mpirun -n 2 sendsim-mpi backtest: exit %d: %s", rc, err);
    assert_int_equal(count_of(out, "back-test from 2022: 3 authorities compared"), 1);
    assert_int_equal(count_of(err, "skipped: authority '836' (Poole)"), 1);
    free(out);
    free(err);
    snprintf(c0, sizeof c0, "%s-backtest.csv", p0);
    snprintf(c2, sizeof c2, "%s-backtest.csv", p2);
    char *want = slurp(c0), *got = slurp(c2);
    assert_non_null(want);
    assert_non_null(got);
    assert_non_null(strstr(want, "\n857,Rutland,ehcp_total,2023,1,"));
    assert_string_equal(got, want);
    free(want);
    free(got);
    /* the calibrated scenarios carry the same forecast-error term */
    snprintf(c0, sizeof c0, "%s-scenarios/857-2022-calibrated.yaml", p0);
    snprintf(c2, sizeof c2, "%s-scenarios/857-2022-calibrated.yaml", p2);
    want = slurp(c0);
    got = slurp(c2);
    assert_non_null(want);
    assert_non_null(got);
    char *a = strstr(want, "  discrepancy:"), *b = strstr(got, "  discrepancy:");
    assert_non_null(a);
    assert_non_null(b);
    *strstr(a, "  fit:") = '\0';
    *strstr(b, "  fit:") = '\0';
    assert_string_equal(a, b);
    free(want);
    free(got);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The failure paths, run side by side to keep the test short (each mpirun that ends with an
 * error takes over a second to tear down):
 *   - MPMD ranks given different replication counts refuse together, rank 0 saying why;
 *   - Ctrl-C of mpirun (which signals every rank) leaves nothing under a final name;
 *   - SIGINT to rank 1 alone: rank 1 tells rank 0, which stops, reports it, writes nothing. */
static void test_failures(void **state)
{
    (void)state;
    need_mpi();
    char d_all[64], d_one[64], d_dis[64], p_all[128], p_one[128], p_dis[128];
    char pidfile[128], script[3000];
    make_dir(d_all);
    make_dir(d_one);
    make_dir(d_dis);
    snprintf(p_all, sizeof p_all, "%s/x", d_all);
    snprintf(p_one, sizeof p_one, "%s/x", d_one);
    snprintf(p_dis, sizeof p_dis, "%s/x", d_dis);
    snprintf(pidfile, sizeof pidfile, "%s/.rank1", d_one);
    snprintf(script, sizeof script,
             "echo $$ > %s; exec %s run scenarios/baseline.yaml -n 3000 --threads 1 --out %s",
             pidfile, mpi_bin, p_one);
    proc all, one, dis;
    char *out, *err;

    char *a_argv[32];
    int k = mpirun_argv(a_argv, 32, 2);
    char *a_tail[] = {mpi_bin, "run", "scenarios/baseline.yaml", "-n", "3000", "--threads", "1",
                      "--out", p_all, NULL};
    append(a_argv, &k, a_tail, sizeof a_tail / sizeof *a_tail);
    start(&all, d_all, a_argv);

    char *o_argv[40];
    k = mpirun_argv(o_argv, 40, 1);
    char *o_tail[] = {mpi_bin, "run", "scenarios/baseline.yaml", "-n", "3000", "--threads", "1",
                      "--out", p_one, ":", "-n", "1", "/bin/sh", "-c", script, NULL};
    append(o_argv, &k, o_tail, sizeof o_tail / sizeof *o_tail);
    start(&one, d_one, o_argv);

    /* meanwhile: ranks that disagree */
    char *d_argv[40];
    k = mpirun_argv(d_argv, 40, 1);
    char *d_tail[] = {mpi_bin, "run", "tests/data/authorities/two.yaml", "-n", "4", "--out", p_dis,
                      ":", "-n", "1", mpi_bin, "run", "tests/data/authorities/two.yaml", "-n",
                      "5", "--out", p_dis, NULL};
    append(d_argv, &k, d_tail, sizeof d_tail / sizeof *d_tail);
    start(&dis, d_dis, d_argv);
    int rc = finish(&dis, &out, &err);
    assert_int_not_equal(rc, 0);
    assert_int_equal(count_of(err, "sendsim run: the 2 ranks were not started with the same "
                                   "scenario, replications and seed\n"),
                     1);
    assert_string_equal(out, "");
    free(out);
    free(err);
    assert_nothing_written(d_dis);
    remove_dir(d_dis);

    /* the long runs are well into their replications by now */
    char *pid = NULL;
    for (int i = 0; i < 300 && !(pid = slurp(pidfile)); i++)
        sleep_ms(100);
    assert_non_null(pid);
    pid_t rank1 = (pid_t)atol(pid);
    free(pid);
    assert_true(rank1 > 0);
    sleep_ms(500);
    assert_int_equal(kill(all.pid, SIGINT), 0);
    assert_int_equal(kill(rank1, SIGINT), 0);

    rc = finish(&all, &out, &err);
    assert_int_not_equal(rc, 0);
    assert_null(strstr(out, "wrote"));
    free(out);
    free(err);
    assert_nothing_written(d_all);
    remove_dir(d_all);

    rc = finish(&one, &out, &err);
    assert_int_not_equal(rc, 0);
    if (!strstr(err, "sendsim run: rank 1: interrupted\n"))
        fail_msg("expected rank 0 to report rank 1's interruption, stderr: %s", err);
    assert_null(strstr(out, "wrote"));
    free(out);
    free(err);
    unlink(pidfile);
    assert_nothing_written(d_one);
    remove_dir(d_one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical_authorities),
        cmocka_unit_test(test_identical_one_authority),
        cmocka_unit_test(test_identical_drawn_parameters),
        cmocka_unit_test(test_backtest_identical),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
