/* test_atomic.c - write-then-rename result files (sim/io/atomic.c).
 *
 * The contract: nothing ever appears under the final name unless the whole file was written,
 * flushed and renamed; a failure or a cancellation removes the temporary file and leaves a file
 * already under the final name untouched. Each error path is provoked with its exact message:
 * a directory that does not exist, a stream error while writing, a rename onto a directory, a
 * cancellation before commit. A process killed in the middle of a write (SIGKILL: no clean-up
 * runs) leaves its temporary file but nothing under the final name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "send_io.h"
#include "support/test_cli.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void assert_file(const char *path, const char *text)
{
    char *got = slurp(path);
    assert_string_equal(got, text);
    free(got);
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Open, write, commit: the file appears complete under its name, the temporary one
 * ("<final>.tmp.<pid>") is gone, and an older file under the name is replaced. */
static void test_commit(void **state)
{
    (void)state;
    char dir[32], path[96], tmp[128];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/r.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    write_file(path, "old\n");
    io_atomic a;
    des_error err = {0};
    assert_int_equal(io_atomic_open(&a, path, &err), DES_OK);
    assert_string_equal(a.tmp_path, tmp);
    assert_string_equal(a.final_path, path);
    assert_true(exists(tmp));
    fputs("new\n", a.f);
    assert_file(path, "old\n"); /* nothing under the final name until the commit */
    volatile sig_atomic_t cancel = 0;
    assert_int_equal(io_atomic_commit(&a, &cancel, &err), DES_OK);
    assert_file(path, "new\n");
    assert_false(exists(tmp));
    assert_null(a.f);
    assert_null(a.tmp_path);
    io_atomic_abort(&a); /* safe after a commit: does nothing */
    assert_file(path, "new\n");
    unlink(path);
    assert_dir_empty(dir);
    remove_dir(dir);
}

static void test_open_errors(void **state)
{
    (void)state;
    char dir[32], path[96];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/missing/r.csv", dir);
    io_atomic a;
    des_error err = {0};
    assert_int_equal(io_atomic_open(&a, path, &err), DES_EIO);
    char want[160];
    snprintf(want, sizeof want, "cannot create '%s' (%s)", path, strerror(ENOENT));
    assert_string_equal(err.msg, want);
    assert_null(a.f);
    assert_null(a.tmp_path);
    assert_null(a.final_path);
    io_atomic_abort(&a); /* safe on a failed open */
    assert_dir_empty(dir);
    remove_dir(dir);
}

/* Cancelled before the commit, aborted, or failing to write or rename: no temporary file, and
 * the file already under the final name is left as it was. */
static void test_nothing_left_on_failure(void **state)
{
    (void)state;
    char dir[32], path[96], sub[96];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/r.csv", dir);
    write_file(path, "kept\n");
    io_atomic a;
    des_error err = {0};

    /* cancellation */
    volatile sig_atomic_t cancel = 1;
    assert_int_equal(io_atomic_open(&a, path, &err), DES_OK);
    fputs("half a file", a.f);
    assert_int_equal(io_atomic_commit(&a, &cancel, &err), DES_ESTATE);
    assert_string_equal(err.msg, "interrupted");
    assert_file(path, "kept\n");

    /* abort */
    assert_int_equal(io_atomic_open(&a, path, &err), DES_OK);
    fputs("half a file", a.f);
    io_atomic_abort(&a);
    assert_file(path, "kept\n");

    /* a stream error while writing (the stream is read-only, so the write fails) */
    assert_int_equal(io_atomic_open(&a, path, &err), DES_OK);
    fclose(a.f);
    a.f = fopen(a.tmp_path, "r");
    assert_non_null(a.f);
    fputs("lost", a.f);
    assert_true(ferror(a.f));
    assert_int_equal(io_atomic_commit(&a, NULL, &err), DES_EIO);
    char want[160];
    snprintf(want, sizeof want, "cannot write '%s' (", path);
    assert_int_equal(strncmp(err.msg, want, strlen(want)), 0);
    assert_file(path, "kept\n");
    assert_null(a.tmp_path);

    /* the rename fails: the final name is a directory */
    snprintf(sub, sizeof sub, "%s/d", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(io_atomic_open(&a, sub, &err), DES_OK);
    fputs("x", a.f);
    assert_int_equal(io_atomic_commit(&a, NULL, &err), DES_EIO);
    snprintf(want, sizeof want, "cannot write '%s' (%s)", sub, strerror(EISDIR));
    assert_string_equal(err.msg, want);
    assert_int_equal(rmdir(sub), 0); /* still an empty directory */

    /* only the old file remains */
    char names[4][256];
    assert_int_equal(dir_entries(dir, names, 4), 1);
    assert_string_equal(names[0], "r.csv");
    remove_dir(dir);
}

/* A process killed while writing (no handler, no clean-up) never leaves a file under the
 * final name: only its temporary file, which names itself as one. */
static void test_killed_mid_write(void **state)
{
    (void)state;
    char dir[32], path[96];
    make_out_dir(dir);
    snprintf(path, sizeof path, "%s/r.csv", dir);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        io_atomic a;
        if (io_atomic_open(&a, path, NULL) != DES_OK)
            _exit(3);
        for (int i = 0; i < 10000; i++)
            fprintf(a.f, "row %d\n", i);
        fflush(a.f);
        if (write(ready[1], "x", 1) != 1)
            _exit(4);
        pause(); /* killed here, between writing and committing */
        _exit(5);
    }
    close(ready[1]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    kill(pid, SIGKILL);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    assert_false(exists(path));
    char tmp[128], names[4][256];
    snprintf(tmp, sizeof tmp, "r.csv.tmp.%ld", (long)pid);
    assert_int_equal(dir_entries(dir, names, 4), 1);
    assert_string_equal(names[0], tmp);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_nothing_left_on_failure),
        cmocka_unit_test(test_killed_mid_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
