/* meta.c - provenance of a run: the scenario as written (every file of its `extends` chain),
 * the scenario as resolved, one row per parameter with the source comment from its line, and
 * facts about this program and machine.
 *
 * Parameter rows come from the resolved tree: every scalar leaf, and every flow collection
 * (`{a: 1, b: 2}` or `[1, 2]`) as one row, keyed by its dotted path; the note is the comment
 * after '#' on the line the value was read from. O(size of the scenario files).
 */
#include "send_h5.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scenario_io.h"
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
    for (int i = 0; i < m->n_params; i++) {
        free(m->params[i].key);
        free(m->params[i].value);
        free(m->params[i].note);
        free(m->params[i].file);
    }
    free(m->params);
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

/* ---- source files, split into lines ---- */

typedef struct src_file {
    const char *name;
    char *text;
    size_t len;
    const char **lines; /* start of each line (1-based: lines[1] is the first) */
    size_t nlines;
} src_file;

static int read_all(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    io_buf b = {0};
    char chunk[8192];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        io_buf_add(&b, chunk, k);
    int bad = ferror(f) || b.oom;
    fclose(f);
    if (bad) {
        free(b.s);
        return -1;
    }
    *text = b.s ? b.s : dup_s("");
    *len = b.n;
    return *text ? 0 : -1;
}

static int split_lines(src_file *f)
{
    size_t n = 2;
    for (size_t i = 0; i < f->len; i++)
        n += f->text[i] == '\n';
    f->lines = malloc(n * sizeof *f->lines);
    if (!f->lines)
        return -1;
    f->nlines = 0;
    f->lines[++f->nlines] = f->text;
    for (size_t i = 0; i < f->len; i++)
        if (f->text[i] == '\n' && i + 1 < f->len)
            f->lines[++f->nlines] = f->text + i + 1;
    return 0;
}

/* The comment on a line: text after a '#' that starts the line or follows a blank, outside
 * quotes; trimmed. Empty string if none. */
static char *line_comment(const char *line)
{
    char q = 0;
    for (const char *s = line; *s && *s != '\n'; s++) {
        if (q) {
            if (*s == q)
                q = 0;
        } else if (*s == '"' || *s == '\'') {
            q = *s;
        } else if (*s == '#' && (s == line || s[-1] == ' ' || s[-1] == '\t')) {
            s++;
            while (*s == ' ' || *s == '\t')
                s++;
            const char *e = s;
            while (*e && *e != '\n')
                e++;
            while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                e--;
            char *out = malloc((size_t)(e - s) + 1);
            if (out) {
                memcpy(out, s, (size_t)(e - s));
                out[e - s] = '\0';
            }
            return out;
        }
    }
    return dup_s("");
}

typedef struct walker {
    scn_doc *doc;
    const char *prefix; /* put before every key ("" for the scenario itself) */
    src_file *files;
    size_t nfiles;
    send_param_row *rows;
    int n, cap;
    int oom;
} walker;

static const src_file *find_file(const walker *w, const char *name)
{
    for (size_t i = 0; i < w->nfiles; i++)
        if (name && strcmp(w->files[i].name, name) == 0)
            return &w->files[i];
    return NULL;
}

static const char *line_of(const walker *w, const scn_node *n)
{
    const src_file *f = find_file(w, scn_file(n));
    int line = scn_line(n);
    if (!f || line < 1 || (size_t)line > f->nlines)
        return NULL;
    return f->lines[line];
}

/* A collection written in flow style ({...} or [...]) at its own position. */
static int is_flow(const walker *w, const scn_node *n)
{
    const char *l = line_of(w, n);
    int col = scn_col(n);
    if (!l || col < 1)
        return 0;
    for (int i = 0; i < col - 1; i++)
        if (l[i] == '\0' || l[i] == '\n')
            return 0;
    return l[col - 1] == '{' || l[col - 1] == '[';
}

static void flatten(walker *w, const scn_node *n, io_buf *b)
{
    scn_kind k = scn_kind_of(n);
    if (k == SCN_MAP || k == SCN_SEQ) {
        io_buf_str(b, k == SCN_MAP ? "{" : "[");
        for (size_t i = 0; i < scn_len(n); i++) {
            if (i)
                io_buf_str(b, ", ");
            if (k == SCN_MAP) {
                io_buf_str(b, scn_key_at(n, i));
                io_buf_str(b, ": ");
            }
            flatten(w, scn_at(w->doc, n, i), b);
        }
        io_buf_str(b, k == SCN_MAP ? "}" : "]");
    } else {
        const char *s = scn_scalar(n);
        io_buf_str(b, s ? s : "");
    }
}

static void emit(walker *w, const scn_node *n, char *value)
{
    if (!value || w->oom) {
        free(value);
        w->oom = 1;
        return;
    }
    if (w->n == w->cap) {
        int cap = w->cap ? 2 * w->cap : 64;
        send_param_row *r = realloc(w->rows, (size_t)cap * sizeof *r);
        if (!r) {
            free(value);
            w->oom = 1;
            return;
        }
        w->rows = r;
        w->cap = cap;
    }
    const char *l = line_of(w, n);
    send_param_row *r = &w->rows[w->n++];
    size_t kl = strlen(w->prefix) + strlen(scn_keypath(n)) + 1;
    r->key = malloc(kl);
    if (r->key)
        snprintf(r->key, kl, "%s%s", w->prefix, scn_keypath(n));
    r->value = value;
    r->note = l ? line_comment(l) : dup_s("");
    r->file = dup_s(scn_file(n));
    r->line = scn_line(n);
    if (!r->key || !r->note || !r->file)
        w->oom = 1;
}

static void walk(walker *w, const scn_node *n)
{
    scn_kind k = scn_kind_of(n);
    if ((k == SCN_MAP || k == SCN_SEQ) && !is_flow(w, n)) {
        for (size_t i = 0; i < scn_len(n); i++)
            walk(w, scn_at(w->doc, n, i));
        return;
    }
    io_buf b = {0};
    flatten(w, n, &b);
    if (b.oom) {
        free(b.s);
        w->oom = 1;
        return;
    }
    emit(w, n, b.s ? b.s : dup_s(""));
}

static int meta_set(char **dst, const char *s)
{
    free(*dst);
    *dst = dup_s(s);
    return *dst ? 0 : -1;
}

/* Read every file of doc not read yet (appending it to the source text), then add doc's rows
 * with keys under prefix. */
static int add_doc(walker *w, scn_doc *doc, const char *prefix, io_buf *src, des_error *err)
{
    w->doc = doc;
    w->prefix = prefix;
    for (size_t i = 0; i < scn_nfiles(doc); i++) {
        const char *name = scn_file_at(doc, i);
        if (find_file(w, name))
            continue;
        src_file *nf = realloc(w->files, (w->nfiles + 1) * sizeof *nf);
        if (!nf)
            return des_error_set(err, DES_ENOMEM, "cannot allocate the scenario's provenance");
        w->files = nf;
        src_file *f = &w->files[w->nfiles++];
        *f = (src_file){.name = name};
        if (read_all(f->name, &f->text, &f->len) != 0 || split_lines(f) != 0)
            return des_error_set(err, DES_EIO, "'%s': cannot read the scenario file again",
                                 f->name);
        io_buf_str(src, "# ---- file: ");
        io_buf_str(src, f->name);
        io_buf_str(src, "\n");
        io_buf_add(src, f->text, f->len);
        if (f->len && f->text[f->len - 1] != '\n')
            io_buf_str(src, "\n");
    }
    walk(w, scn_root(doc));
    return DES_OK;
}

/* The template files a scenario with several authorities names (authorities.template and
 * authorities.list[i].template), relative to the scenario's directory, each once. */
static int template_paths(scn_doc *doc, const char *scenario_path, char ***out, int *n)
{
    *out = NULL;
    *n = 0;
    const scn_node *auth = scn_get(doc, scn_root(doc), "authorities");
    if (scn_kind_of(auth) != SCN_MAP)
        return 0;
    const char *cands[1 + 4096];
    int nc = 0;
    const char *t = scn_scalar(scn_get(doc, auth, "template"));
    if (t)
        cands[nc++] = t;
    const scn_node *list = scn_get(doc, auth, "list");
    for (size_t i = 0; scn_kind_of(list) == SCN_SEQ && i < scn_len(list) && nc < 4097; i++) {
        const char *lt = scn_scalar(scn_get(doc, scn_at(doc, list, i), "template"));
        if (lt)
            cands[nc++] = lt;
    }
    const char *slash = strrchr(scenario_path, '/');
    int dlen = slash ? (int)(slash - scenario_path) + 1 : 0;
    char **v = calloc((size_t)(nc ? nc : 1), sizeof *v);
    if (!v)
        return -1;
    for (int i = 0; i < nc; i++) {
        size_t len = (size_t)dlen + strlen(cands[i]) + 1;
        char *path = malloc(len);
        if (!path)
            goto oom;
        if (cands[i][0] == '/')
            snprintf(path, len, "%s", cands[i]);
        else
            snprintf(path, len, "%.*s%s", dlen, scenario_path, cands[i]);
        int dup = 0;
        for (int j = 0; j < *n; j++)
            dup |= !strcmp(v[j], path);
        if (dup)
            free(path);
        else
            v[(*n)++] = path;
    }
    *out = v;
    return 0;
oom:
    for (int j = 0; j < *n; j++)
        free(v[j]);
    free(v);
    *n = 0;
    return -1;
}

int send_meta_from_scenario(send_meta *m, const char *scenario_path, const send_params *p,
                            des_error *err)
{
    scn_doc *doc = scn_load(scenario_path, err);
    if (!doc)
        return err ? err->code : DES_EINPUT;
    walker w = {.doc = doc, .prefix = ""};
    int rc = DES_OK;
    io_buf src = {0};
    char **tpl = NULL;
    int ntpl = 0;
    scn_doc **tdocs = NULL;
    if ((rc = add_doc(&w, doc, "", &src, err)) != DES_OK)
        goto out;
    if (template_paths(doc, scenario_path, &tpl, &ntpl) != 0 ||
        !(tdocs = calloc((size_t)(ntpl ? ntpl : 1), sizeof *tdocs))) {
        rc = des_error_set(err, DES_ENOMEM, "cannot allocate the scenario's provenance");
        goto out;
    }
    for (int i = 0; i < ntpl; i++) {
        /* rows of a template are keyed "template <path>: key" */
        char prefix[4200];
        snprintf(prefix, sizeof prefix, "template %s: ", tpl[i]);
        tdocs[i] = scn_load(tpl[i], err);
        if (!tdocs[i]) {
            rc = err ? err->code : DES_EINPUT;
            goto out;
        }
        char *kept = strdup(prefix); /* rows keep pointers only to their own copies */
        if (!kept || (rc = add_doc(&w, tdocs[i], kept, &src, err)) != DES_OK) {
            free(kept);
            if (rc == DES_OK)
                rc = des_error_set(err, DES_ENOMEM, "cannot allocate the scenario's provenance");
            goto out;
        }
        free(kept);
    }
    w.doc = doc;

    /* The resolved text, as `validate --resolved` would show it. */
    char *yaml = NULL;
    size_t ylen = 0;
    FILE *mf = open_memstream(&yaml, &ylen);
    int dump_bad = !mf || scn_dump(doc, mf) != 0;
    if (mf)
        dump_bad |= fclose(mf) != 0;
    if (w.oom || src.oom || dump_bad) {
        free(yaml);
        rc = des_error_set(err, DES_ENOMEM, "cannot allocate the scenario's provenance");
        goto out;
    }
    free(m->scenario_yaml);
    m->scenario_yaml = yaml;
    free(m->scenario_source);
    m->scenario_source = src.s ? src.s : dup_s("");
    src.s = NULL;
    m->params = w.rows;
    m->n_params = w.n;
    w.rows = NULL;
    w.n = 0;
    char host[256] = "unknown";
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    char build[256];
    snprintf(build, sizeof build, "%s%s%s", "C compiler " __VERSION__,
             SENDSIM_BUILD_INFO[0] ? "; " : "", SENDSIM_BUILD_INFO);
    if (meta_set(&m->scenario_name, p->name) || meta_set(&m->scenario_path, scenario_path) ||
        meta_set(&m->version, SENDSIM_VERSION) || meta_set(&m->build, build) ||
        meta_set(&m->host, host)) {
        rc = des_error_set(err, DES_ENOMEM, "cannot allocate the scenario's provenance");
        goto out;
    }
    free(m->obs);
    m->obs = NULL;
    m->n_obs = p->n_obs;
    if (p->n_obs) {
        m->obs = malloc((size_t)p->n_obs * sizeof *m->obs);
        if (!m->obs) {
            m->n_obs = 0;
            rc = des_error_set(err, DES_ENOMEM, "cannot allocate the scenario's provenance");
            goto out;
        }
        memcpy(m->obs, p->obs, (size_t)p->n_obs * sizeof *m->obs);
    }
out:
    for (int i = 0; i < w.n; i++) {
        free(w.rows[i].key);
        free(w.rows[i].value);
        free(w.rows[i].note);
        free(w.rows[i].file);
    }
    free(w.rows);
    for (size_t i = 0; w.files && i < w.nfiles; i++) {
        free(w.files[i].text);
        free(w.files[i].lines);
    }
    free(w.files);
    free(src.s);
    for (int i = 0; i < ntpl; i++) {
        free(tpl[i]);
        if (tdocs)
            scn_free(tdocs[i]);
    }
    free(tpl);
    free(tdocs);
    scn_free(doc);
    return rc;
}
