/* send_io.h - result files: atomic writes and the summary CSV.
 *
 * Every result file is written under a temporary name beside its final name
 * ("<final>.tmp.<pid>") and renamed into place only when complete and flushed to disk, so a
 * failed or interrupted run never leaves a half-written file under the final name.
 */
#ifndef SEND_IO_H
#define SEND_IO_H

#include <signal.h>
#include <stdio.h>

#include "des_error.h"

/* Only the summary CSV needs the results type (send_results.h); the rest of this header needs
 * nothing of the model, so the file helpers carry no model, GSL or OpenMP headers with them. */
struct send_results;

/* A file the program ships, REL ("plots/style.gp", "data/la-sen2.csv"), as found under the
 * current directory, else under <exe>/../share/sendsim (installed), else under <exe>/.. (a
 * source tree's build/): a malloc'd path, or NULL when it is in none of them. */
char *send_shared_path(const char *rel);

/* s written to f as one POSIX shell word: as it is when it holds only [A-Za-z0-9._/+-], else
 * in single quotes (a quote inside as '\'' ). For commands run (gnuplot) or shown to the user. */
void send_shell_word(FILE *f, const char *s);

typedef struct io_atomic {
    FILE *f;
    char *final_path;
    char *tmp_path;
} io_atomic;

/* Create the temporary file (and nothing else). */
int io_atomic_open(io_atomic *a, const char *path, des_error *err);
/* Flush, fsync and rename into place; on any failure the temporary file is removed.
 * If cancel is non-NULL and set, abort instead and return DES_ESTATE. */
int io_atomic_commit(io_atomic *a, const volatile sig_atomic_t *cancel, des_error *err);
/* Close and remove the temporary file. Safe after commit (does nothing). */
void io_atomic_abort(io_atomic *a);

/* A growable text buffer: zero-initialise, append, check `oom` once, free(b.s). s is NULL
 * until something is appended, NUL-terminated after. */
typedef struct io_buf {
    char *s;
    size_t n, cap;
    int oom;
} io_buf;
void io_buf_add(io_buf *b, const char *s, size_t n);
void io_buf_str(io_buf *b, const char *s);
/* The whole file as a malloc'd NUL-terminated buffer of *len bytes (the file may hold NULs),
 * or NULL with err: "cannot open 'FILE' (reason)" / "cannot read ..." (DES_EIO), DES_ENOMEM.
 * Only a regular file of at most 1 GiB is read ("not a regular file", "larger than 1 GiB"). */
char *io_read_file(const char *path, size_t *len, des_error *err);

/* A CSV field: quoted only when it holds a comma, quote or line break (quotes doubled). */
void io_csv_field(FILE *f, const char *s);
/* ",<number>" as %.10g (no "-0"); just "," for NaN. */
void io_csv_num(FILE *f, double v);

/* The summary CSV: scenario,metric,period,mean,sd,p05,p10,p25,p50,p75,p90,p95, one row per
 * metric and period, metrics in registry order, periods in time order. */
int send_write_summary_csv(const char *path, const char *scenario,
                           const struct send_results *res, const volatile sig_atomic_t *cancel,
                           des_error *err);

#endif
