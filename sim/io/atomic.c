/* atomic.c - write-then-rename result files.
 *
 * The temporary file lives in the same directory as the final one (rename is atomic only
 * within a file system) and is named "<final>.tmp.<pid>". Commit is fflush + fsync + fclose +
 * rename; any failure removes the temporary file and leaves an existing final file untouched.
 */
#include "send_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int io_atomic_open(io_atomic *a, const char *path, des_error *err)
{
    memset(a, 0, sizeof *a);
    size_t n = strlen(path) + 32;
    a->final_path = strdup(path);
    a->tmp_path = malloc(n);
    if (!a->final_path || !a->tmp_path) {
        io_atomic_abort(a);
        return des_error_set(err, DES_ENOMEM, "cannot allocate file name");
    }
    snprintf(a->tmp_path, n, "%s.tmp.%ld", path, (long)getpid());
    a->f = fopen(a->tmp_path, "w");
    if (!a->f) {
        int e = errno;
        free(a->tmp_path);
        a->tmp_path = NULL;
        io_atomic_abort(a);
        return des_error_set(err, DES_EIO, "cannot create '%s' (%s)", path, strerror(e));
    }
    return DES_OK;
}

void io_atomic_abort(io_atomic *a)
{
    if (a->f)
        fclose(a->f);
    if (a->tmp_path)
        unlink(a->tmp_path);
    free(a->tmp_path);
    free(a->final_path);
    memset(a, 0, sizeof *a);
}

int io_atomic_commit(io_atomic *a, const volatile sig_atomic_t *cancel, des_error *err)
{
    if (cancel && *cancel) {
        io_atomic_abort(a);
        return des_error_set(err, DES_ESTATE, "interrupted");
    }
    int bad = ferror(a->f) || fflush(a->f) != 0 || fsync(fileno(a->f)) != 0;
    int e = errno;
    if (fclose(a->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    a->f = NULL;
    if (!bad && cancel && *cancel) {
        io_atomic_abort(a);
        return des_error_set(err, DES_ESTATE, "interrupted");
    }
    if (bad || rename(a->tmp_path, a->final_path) != 0) {
        if (!bad)
            e = errno;
        des_error_set(err, DES_EIO, "cannot write '%s' (%s)", a->final_path, strerror(e));
        io_atomic_abort(a);
        return DES_EIO;
    }
    free(a->tmp_path);
    a->tmp_path = NULL;
    io_atomic_abort(a);
    return DES_OK;
}
