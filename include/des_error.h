/* des_error.h - status codes and the caller-provided error record shared by every module.
 *
 * Functions that can fail return an int status (DES_OK on success) and, when given a non-NULL
 * des_error, fill it with a one-line message in git's style: lower case, the subject in quotes,
 * no full stop. Nothing in sim/ prints or exits; only sim/cli does.
 */
#ifndef DES_ERROR_H
#define DES_ERROR_H

#include <stddef.h>

enum {
    DES_OK = 0,
    DES_EINVAL = 1,  /* a parameter is out of its domain */
    DES_ENOMEM = 2,  /* an allocation failed */
    DES_EIO = 3,     /* a file could not be read or written */
    DES_EINPUT = 4,  /* user input (scenario, command line) is malformed */
    DES_ESTATE = 5   /* the call is not valid in the object's current state */
};

#define DES_ERROR_MSG_MAX 512

typedef struct des_error {
    int code;
    char msg[DES_ERROR_MSG_MAX];
} des_error;

/* Fill err (if non-NULL) with code and a printf-style message; returns code. */
int des_error_set(des_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reset err (if non-NULL) to DES_OK with an empty message. */
void des_error_clear(des_error *err);

#endif
