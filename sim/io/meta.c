/* meta.c - provenance of a run: copied from the opened scenario (send_scenario: the files as
 * written, the scenario as resolved, one row per parameter with the source comment from its
 * line; see scenario_prov.c), plus facts about this program and machine. Nothing here reads a
 * scenario file. O(size of the scenario's provenance).
 */
#include "send_h5.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scenario_internal.h"
#include "send_io.h"
#include "sendsim_version.h"

#ifndef SENDSIM_BUILD_INFO
#define SENDSIM_BUILD_INFO ""
#endif

static char *dup_s(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

void send_meta_free(send_meta *m)
{
    if (!m)
        return;
    free(m->scenario_name);
    free(m->scenario_path);
    free(m->scenario_yaml);
    free(m->scenario_source);
    free(m->version);
    free(m->build);
    free(m->host);
    free(m->started);
    free(m->finished);
    send_param_rows_free(m->params, m->n_params);
    free(m->obs);
    memset(m, 0, sizeof *m);
}

char *send_meta_now(void)
{
    time_t t = time(NULL);
    struct tm tm;
    char buf[32];
    if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, sizeof buf, "unknown");
    return dup_s(buf);
}

static int meta_set(char **dst, const char *s)
{
    free(*dst);
    *dst = dup_s(s);
    return *dst ? 0 : -1;
}

int send_meta_from_scenario(send_meta *m, const send_scenario *s, des_error *err)
{
    const send_params *p = &s->params;
    char host[256] = "unknown";
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    char build[256];
    snprintf(build, sizeof build, "%s%s%s", "C compiler " __VERSION__,
             SENDSIM_BUILD_INFO[0] ? "; " : "", SENDSIM_BUILD_INFO);
    if (meta_set(&m->scenario_name, p->name) || meta_set(&m->scenario_path, s->path) ||
        meta_set(&m->scenario_yaml, s->yaml) || meta_set(&m->scenario_source, s->source) ||
        meta_set(&m->version, SENDSIM_VERSION) || meta_set(&m->build, build) ||
        meta_set(&m->host, host))
        goto oom;
    send_param_rows_free(m->params, m->n_params);
    m->n_params = 0;
    m->params = calloc((size_t)(s->n_rows ? s->n_rows : 1), sizeof *m->params);
    if (!m->params)
        goto oom;
    for (int i = 0; i < s->n_rows; i++) {
        const send_param_row *r = &s->rows[i];
        send_param_row *d = &m->params[m->n_params++];
        *d = (send_param_row){.key = dup_s(r->key), .value = dup_s(r->value),
                              .note = dup_s(r->note), .file = dup_s(r->file), .line = r->line};
        if (!d->key || !d->value || !d->note || !d->file)
            goto oom;
    }
    free(m->obs);
    m->obs = NULL;
    m->n_obs = p->n_obs;
    if (p->n_obs) {
        m->obs = malloc((size_t)p->n_obs * sizeof *m->obs);
        if (!m->obs) {
            m->n_obs = 0;
            goto oom;
        }
        memcpy(m->obs, p->obs, (size_t)p->n_obs * sizeof *m->obs);
    }
    return DES_OK;
oom:
    return des_error_set(err, DES_ENOMEM, "cannot allocate the scenario's provenance");
}
