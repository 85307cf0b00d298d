/* share.c - files the program ships beside itself (chart templates, data), found from the
 * current directory, an installed prefix or a source tree.
 *
 * A file shipped as REL ("plots/style.gp", "data/la-sen2.csv") is looked for, in order, as
 * REL under the current directory, <exe>/../share/sendsim/REL (an installed copy: the program
 * in PREFIX/bin, the files in PREFIX/share/sendsim) and <exe>/../REL (build/sendsim in a
 * source tree). <exe> is the program's own directory (/proc/self/exe), so a program found on
 * PATH or by a relative name finds its files from any directory. Constant time. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "send_io.h"

char *send_shared_path(const char *rel)
{
    if (access(rel, R_OK) == 0)
        return strdup(rel);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    static const char *const under[] = {"/../share/sendsim/", "/../"};
    for (size_t i = 0; i < sizeof under / sizeof under[0]; i++) {
        size_t len = strlen(exe) + strlen(under[i]) + strlen(rel) + 1;
        char *cand = malloc(len);
        if (!cand)
            return NULL;
        snprintf(cand, len, "%s%s%s", exe, under[i], rel);
        char *real = access(cand, R_OK) == 0 ? realpath(cand, NULL) : NULL;
        free(cand);
        if (real)
            return real; /* "/opt/x/share/sendsim/...", not "/opt/x/bin/../share/..." */
    }
    return NULL;
}
