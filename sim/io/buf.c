/* buf.c - a growable NUL-terminated text buffer for building strings of unknown length.
 * Capacity doubles, so appending n bytes costs O(n) amortised. After a failed allocation the
 * buffer stops growing and records `oom`; callers check it once at the end. */
#include "send_io.h"

#include <stdlib.h>
#include <string.h>

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
