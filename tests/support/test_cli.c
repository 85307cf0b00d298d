/* test_cli.c - running the built sendsim binary (or another program) from tests, and temporary
 * directories. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_cli.h"

char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    return buf;
}

void cli_result_free(cli_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

pid_t spawn_to_files(char *const argv[], const char *out_path, const char *err_path,
                     int own_group)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (own_group)
            setpgid(0, 0);
        int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = strcmp(out_path, err_path) ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)
                                            : fo;
        if (fo < 0 || fe < 0 || dup2(fo, STDOUT_FILENO) < 0 || dup2(fe, STDERR_FILENO) < 0)
            _exit(126);
        close(fo);
        if (fe != fo)
            close(fe);
        execv(argv[0], argv);
        _exit(127);
    }
    if (own_group)
        setpgid(pid, pid); /* also here, so that it is in place before the caller signals it */
    return pid;
}

void wait_for_handler(pid_t pid, int sig)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    for (int i = 0; i < 60000; i++) {
        FILE *fp = fopen(path, "r");
        if (!fp)
            fail_msg("cannot read %s: %s", path, strerror(errno));
        char line[256];
        int named = 0, caught = 0;
        while (fgets(line, sizeof line, fp)) {
            if (!strncmp(line, "Name:", 5))
                named = strstr(line, "sendsim") != NULL; /* after the exec, not the forked test */
            else if (!strncmp(line, "SigCgt:", 7))
                caught = (int)((strtoull(line + 7, NULL, 16) >> (sig - 1)) & 1);
        }
        fclose(fp);
        if (named && caught)
            return;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            fail_msg("sendsim ended (wait status %d) before it installed its handler of signal %d",
                     st, sig);
        usleep(10 * 1000);
    }
    fail_msg("sendsim did not install a handler of signal %d within 10 minutes", sig);
}

int exit_status(int wait_status)
{
    return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

/* Run build/sendsim with the given arguments (NULL-terminated), capturing both streams. */
void run_cli(cli_result *r, ...)
{
    const char *build = getenv("SENDSIM_BUILD");
    char bin[1024];
    snprintf(bin, sizeof bin, "%s/sendsim", build && *build ? build : "build");
    if (access(bin, X_OK) != 0)
        fail_msg("%s is not built (run make)", bin);

    char *argv[32];
    int argc = 0;
    argv[argc++] = bin;
    va_list ap;
    va_start(ap, r);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;

    char dir[] = "/tmp/sendsim-cli-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out_path[64], err_path[64];
    snprintf(out_path, sizeof out_path, "%s/out", dir);
    snprintf(err_path, sizeof err_path, "%s/err", dir);

    pid_t pid = spawn_to_files(argv, out_path, err_path, 0);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    r->status = exit_status(st);
    r->out = slurp(out_path);
    r->err = slurp(err_path);
    unlink(out_path);
    unlink(err_path);
    rmdir(dir);
}

/* Fail with a message built from r's output, releasing r first. */
void cli_fail(cli_result *r, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_result_free(r);
    fail_msg("%s", msg);
}

size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Entries of a directory other than . and .. */
int dir_entries(const char *dir, char names[][256], int max)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n < max)
            snprintf(names[n], 256, "%s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

void assert_dir_empty(const char *dir)
{
    char names[4][256];
    int n = dir_entries(dir, names, 4);
    if (n)
        fail_msg("%s should be empty, holds %d entries, e.g. '%s'", dir, n, names[0]);
}

/* Remove a directory and the files directly inside it. */
void remove_dir(const char *dir)
{
    char names[64][256];
    int n = dir_entries(dir, names, 64);
    assert_true(n <= 64);
    for (int i = 0; i < n; i++) {
        char path[1024];
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path)
            fail_msg("path too long under %s", dir);
        if (unlink(path) != 0)
            rmdir(path);
    }
    assert_int_equal(rmdir(dir), 0);
}

void make_out_dir(char *dir)
{
    strcpy(dir, "/tmp/sendsim-out-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

void write_four_authorities(const char *path)
{
    char cmd[1200];
    if (snprintf(cmd, sizeof cmd, "grep -E '^(#|la_name|Rutland,|Hartlepool,|Darlington,|Poole,)' "
                 "data/la-sen2.csv > '%s'", path) >= (int)sizeof cmd)
        fail_msg("path too long: %s", path);
    assert_int_equal(system(cmd), 0);
}

