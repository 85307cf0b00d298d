/* buf.c - a growable NUL-terminated text buffer for building strings of unknown length, and a
 * whole file read into one. Capacity doubles, so appending n bytes costs O(n) amortised. After
 * a failed allocation the buffer stops growing and records `oom`; callers check it once at the
 * end. */
#include "send_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define IO_READ_MAX (1L << 30) /* largest file read whole */

void io_buf_add(io_buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void io_buf_str(io_buf *b, const char *s) { io_buf_add(b, s, strlen(s)); }

char *io_read_file(const char *path, size_t *len, des_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        des_error_set(err, DES_EIO, "cannot open '%s' (%s)", path, strerror(errno));
        return NULL;
    }
    /* Only a regular file, of bounded size: a device (/dev/zero) or FIFO could be endless. */
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > IO_READ_MAX) {
        int reg = S_ISREG(st.st_mode);
        fclose(f);
        des_error_set(err, DES_EIO, "cannot open '%s' (%s)", path,
                      !reg ? "not a regular file" : "larger than 1 GiB");
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        if (cap > IO_READ_MAX) { /* grew past its size since fstat */
            free(buf);
            fclose(f);
            des_error_set(err, DES_EIO, "cannot open '%s' (%s)", path, "larger than 1 GiB");
            return NULL;
        }
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
        } else {
            buf = nb;
        }
    }
    int bad = !buf ? DES_ENOMEM : ferror(f) ? DES_EIO : DES_OK;
    int e = errno;
    fclose(f);
    if (bad) {
        free(buf);
        if (bad == DES_ENOMEM)
            des_error_set(err, bad, "cannot allocate memory for '%s'", path);
        else
            des_error_set(err, bad, "cannot read '%s' (%s)", path, strerror(e));
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
