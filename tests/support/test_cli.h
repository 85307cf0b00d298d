/* test_cli.h - helpers for tests that run the built binary ($SENDSIM_BUILD/sendsim, default
 * build/sendsim), or another program, in a child process with stdout and stderr captured,
 * and that check what a command left in an output directory. Include after <cmocka.h>. */
#ifndef SENDSIM_TEST_CLI_H
#define SENDSIM_TEST_CLI_H

#include <stddef.h>
#include <sys/types.h>

typedef struct cli_result {
    int status; /* exit status, or 128 + signal */
    char *out, *err;
} cli_result;

/* Run sendsim with the given arguments (NULL-terminated), capturing both streams. */
void run_cli(cli_result *r, ...);
void cli_result_free(cli_result *r);
/* Fail with a message built from r's output, releasing r first. */
void cli_fail(cli_result *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Start the program argv[0] (a path; argv NULL-terminated) in a child process with its stdout
 * written to out_path and its stderr to err_path (one file when the two names are equal), in a
 * process group of its own when own_group is set. Returns the child's pid. */
pid_t spawn_to_files(char *const argv[], const char *out_path, const char *err_path,
                     int own_group);
/* Wait until process pid runs sendsim and catches signal sig (Linux: its name and the SigCgt
 * mask in /proc/PID/status), so that a signal sent next reaches the program's handler whatever
 * the load on the machine. Fails if the process ends first; the bound (10 minutes) is a
 * failsafe only. */
void wait_for_handler(pid_t pid, int sig);
/* A wait status as an exit status: the program's own, or 128 + the signal that ended it. */
int exit_status(int wait_status);
/* The whole file as a NUL-terminated string (fails the test if unreadable). */
char *slurp(const char *path);
size_t count_lines(const char *s);
/* Entries of a directory other than . and .. (the first max names are copied). */
int dir_entries(const char *dir, char names[][256], int max);
void assert_dir_empty(const char *dir);
/* Remove a directory and the files directly inside it. */
void remove_dir(const char *dir);
/* Create a fresh directory under /tmp; dir must hold 32 bytes. */
void make_out_dir(char *dir);
/* Write to path the four small authorities cut from the shipped file (Rutland, Hartlepool,
 * Darlington and Poole, whose caseload stops in 2019), with the file's header lines. */
void write_four_authorities(const char *path);

#endif
