/* error.c - filling the caller-provided error record. No allocation; messages are truncated
 * to DES_ERROR_MSG_MAX - 1 bytes. */
#include "des_error.h"

#include <stdarg.h>
#include <stdio.h>

int des_error_set(des_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void des_error_clear(des_error *err)
{
    if (err) {
        err->code = DES_OK;
        err->msg[0] = '\0';
    }
}
