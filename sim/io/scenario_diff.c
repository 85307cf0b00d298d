/* scenario_diff.c - what a scenario changes relative to the one it extends (`validate --diff`).
 *
 * Both trees are the loader's resolved ones (the child merged over its parent, and the parent
 * alone), walked together by key: mappings key by key, everything else compared as one line
 * of flow YAML. A list whose first entries are the parent's whole list is shown as the entries
 * the child adds. O(nodes x depth) for the flow texts.
 */
#include "send_scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_io.h"

/* n as one line of flow YAML (malloc'd; NULL when out of memory). */
static char *flow(const scn_node *n)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (!f)
        return NULL;
    scn_flow(n, f);
    if (fclose(f)) {
        free(s);
        return NULL;
    }
    return s;
}

static int is_series(const scn_node *n)
{
    if (scn_kind_of(n) != SCN_MAP || !scn_len(n))
        return 0;
    for (size_t i = 0; i < scn_len(n); i++) {
        const char *k = scn_key_at(n, i);
        if (strlen(k) < 4 || k[0] < '0' || k[0] > '9')
            return 0;
    }
    return 1;
}

static int walk(scn_doc *pd, const scn_node *p, scn_doc *cd, const scn_node *c,
                const char *path, FILE *out)
{
    if (p && scn_kind_of(p) == SCN_MAP && scn_kind_of(c) == SCN_MAP && !is_series(c)) {
        for (size_t i = 0; i < scn_len(c); i++) {
            const char *k = scn_key_at(c, i);
            size_t need = strlen(path) + strlen(k) + 2;
            char *sub = malloc(need);
            if (!sub)
                return -1;
            snprintf(sub, need, "%s%s%s", path, *path ? "." : "", k);
            int rc = walk(pd, scn_get(pd, p, k), cd, scn_at(cd, c, i), sub, out);
            free(sub);
            if (rc)
                return rc;
        }
        return 0;
    }
    char *cf = flow(c), *pf = p ? flow(p) : NULL;
    int rc = !cf || (p && !pf) ? -1 : 0;
    if (rc == 0 && !p) {
        fprintf(out, "%s: (new) %s\n", path, cf);
    } else if (rc == 0 && strcmp(pf, cf) != 0) {
        size_t np = scn_len(p), same = 0;
        int seqs = scn_kind_of(p) == SCN_SEQ && scn_kind_of(c) == SCN_SEQ && scn_len(c) > np;
        for (; seqs && same < np && rc == 0; same++) {
            char *a = flow(scn_at(pd, p, same)), *b = flow(scn_at(cd, c, same));
            rc = !a || !b ? -1 : 0;
            int eq = rc == 0 && strcmp(a, b) == 0;
            free(a);
            free(b);
            if (!eq)
                break;
        }
        if (rc == 0 && seqs && same == np) {
            for (size_t i = np; i < scn_len(c) && rc == 0; i++) {
                char *b = flow(scn_at(cd, c, i));
                if (b)
                    fprintf(out, "%s: + %s\n", path, b);
                rc = b ? 0 : -1;
                free(b);
            }
        } else if (rc == 0) {
            fprintf(out, "%s: %s -> %s\n", path, pf, cf);
        }
    }
    free(cf);
    free(pf);
    return rc;
}

int send_scenario_diff(const char *path, FILE *out, des_error *err)
{
    scn_doc *cd = scn_load(path, err);
    if (!cd)
        return err ? err->code : DES_EINPUT;
    scn_doc *pd = scn_load_parent(path, err);
    if (!pd) {
        scn_free(cd);
        return err ? err->code : DES_EINPUT;
    }
    fprintf(out, "changes relative to %s:\n", scn_file_at(pd, 1));
    int rc = walk(pd, scn_root(pd), cd, scn_root(cd), "", out);
    scn_free(pd);
    scn_free(cd);
    if (rc)
        return des_error_set(err, DES_ENOMEM, "%s: out of memory", path);
    return DES_OK;
}
