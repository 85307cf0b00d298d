/* scenario_io.c - scenario files: YAML -> position-annotated tree -> typed, validated values.
 *
 * Loading: libfyaml's event parser (which gives a start mark for every node, unlike its
 * document API in 0.7) feeds a small builder that owns the tree: scalars keep their text and
 * whether they were quoted; mappings keep their keys in order with the key's own position;
 * aliases are deep copies of the anchored node (bounded by a total node limit against
 * alias bombs); merge keys (<<) insert the merged entries where the << stood, explicit keys
 * winning; duplicate explicit keys are errors. libfyaml's diagnostics go to a private
 * collecting fy_diag, never to stderr. `extends` is then resolved recursively (the chain of
 * realpaths detects cycles) and the child deep-merged over the parent; key paths are assigned
 * once, on the final tree.
 *
 * Invariants: every node has a file (interned in the document), a 1-based line and column and
 * a key path; scalar and null nodes have non-NULL text; a mapping's keys are unique; entries
 * of a sequence have key == NULL. `known` is set on a map entry exactly when a getter asked
 * for its key (or scn_at visited it); `asked` lists every key asked of a mapping, present or
 * not, in first-asked order; `consumed` exempts a subtree from the unknown-key check. The
 * document's error is set at most once (first error wins).
 *
 * Complexity: loading is O(size of the input + nodes x depth) for the key paths, plus
 * O(k log k) per mapping of k keys for the duplicate check; a getter is O(k) in the keys of its
 * mapping (linear lookup: scenario mappings are small); scn_check_unknown and scn_dump are
 * O(nodes); suggestions cost O(asked keys x key length^2).
 */
#include "scenario_io.h"

#include <errno.h>
#include <libfyaml.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "des_pool.h"

#define SCN_MAX_NODES (1u << 21)   /* total nodes per load, aliases expanded */
#define SCN_MAX_BYTES (8L << 20)   /* largest scenario file (or string) parsed */
#define SCN_MAX_BYTES_TEXT "8 MiB"
#define SCN_MAX_DEPTH 64           /* deepest nesting of collections */
#define SCN_QUOTE_MAX 40           /* user text quoted in messages is cut to this */

typedef struct scn_entry {
    char *key;                     /* NULL for sequence items */
    const char *kfile;
    int kline, kcol;
    unsigned char kquoted;
    unsigned char known;
    scn_node *value;
} scn_entry;

struct scn_node {
    scn_kind kind;
    unsigned char quoted;          /* scalar written in a non-plain style: a string */
    unsigned char consumed;
    char *text;                    /* scalars and nulls */
    const char *file;
    int line, col;
    char *path;
    scn_entry *e;
    size_t len, cap;
    char **asked;
    size_t nasked, capasked;
};

struct scn_doc {
    char *path;
    scn_node *root;
    char **files;
    size_t nfiles, capfiles;
    int failed;
    des_error err;
};

/* ------------------------------------------------------------------------------------------ */
/* small helpers                                                                              */

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static char *dup_s(const char *s)
{
    return dup_n(s, strlen(s));
}

/* A number as people write it: integers without decimals, otherwise up to 10 digits. */
static const char *fmt_num(char buf[40], double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, 40, "%.0f", v);
    else
        snprintf(buf, 40, "%.10g", v);
    return buf;
}

/* User text for a message: at most SCN_QUOTE_MAX bytes, control characters as '?'. */
static const char *clip(char buf[SCN_QUOTE_MAX + 4], const char *s)
{
    size_t i = 0;
    for (; s[i] && i < SCN_QUOTE_MAX; i++)
        buf[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    if (s[i]) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

static scn_node *M(const scn_node *n)
{
    /* Nodes are only ever allocated mutable; the const in the API protects callers' intent. */
    return (scn_node *)n;
}

size_t scn_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = malloc((lb + 1) * sizeof *row);
    if (!row)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

/* Index of the candidate closest to `word` if close enough (distance <= max(2, len/3) and
 * not a rewrite of the whole word), else -1. Ties go to the earlier candidate. */
static long suggest(const char *word, const char *const *cand, size_t n)
{
    size_t wl = strlen(word), limit = wl / 3 > 2 ? wl / 3 : 2;
    long best = -1;
    size_t bestd = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t d = scn_edit_distance(word, cand[i]);
        size_t cl = strlen(cand[i]);
        if (d <= limit && d < wl && d < cl && d < bestd) {
            bestd = d;
            best = (long)i;
        }
    }
    return best;
}

/* "a, b, c" into buf (cut with "..." when too long). */
static const char *join(char *buf, size_t size, const char *const *names, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        size_t need = l + (i ? 2 : 0);
        if (used + need + 4 >= size) {
            snprintf(buf + used, size - used, "%s...", i ? ", " : "");
            break;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
    }
    return buf;
}

/* s, or "..." and its last max - 3 bytes when it is longer than max (on a UTF-8 boundary). */
static const char *clip_head(char *buf, size_t size, const char *s, size_t max)
{
    size_t len = strlen(s);
    if (max >= size)
        max = size - 1;
    if (len <= max)
        return s;
    const char *t = s + len - (max - 3);
    while ((*t & 0xc0) == 0x80)
        t++;
    snprintf(buf, size, "...%s", t);
    return buf;
}

/* "file:line:col: path: message" in one error of DES_ERROR_MSG_MAX bytes: a long file name or
 * key path is cut at its start, so that the message (the reason) is never the part lost. */
static void vset_at(des_error *err, int code, const char *file, int line, int col,
                    const char *path, const char *fmt, va_list ap)
{
    char msg[DES_ERROR_MSG_MAX], fbuf[DES_ERROR_MSG_MAX], pbuf[DES_ERROR_MSG_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t mlen = strlen(msg), room = DES_ERROR_MSG_MAX - 32; /* 32: line, column, ": " */
    room = mlen + 128 < room ? room - mlen : 128;
    file = clip_head(fbuf, sizeof fbuf, file, room / 2);
    if (path && *path)
        path = clip_head(pbuf, sizeof pbuf, path, room - strlen(file));
    if (path && *path)
        des_error_set(err, code, "%s:%d:%d: %s: %s", file, line, col, path, msg);
    else
        des_error_set(err, code, "%s:%d:%d: %s", file, line, col, msg);
}

static void set_at(des_error *err, int code, const char *file, int line, int col,
                   const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

static void set_at(des_error *err, int code, const char *file, int line, int col,
                   const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset_at(err, code, file, line, col, path, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------------------------------ */
/* nodes                                                                                      */

typedef struct loader {
    scn_doc *doc;                  /* owns the interned file names */
    size_t nodes;
} loader;

static scn_node *node_new(loader *ld, scn_kind kind, const char *file, int line, int col)
{
    if (ld && ++ld->nodes > SCN_MAX_NODES)
        return NULL;
    scn_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    return n;
}

static void node_free(scn_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->len; i++) {
        free(n->e[i].key);
        node_free(n->e[i].value);
    }
    for (size_t i = 0; i < n->nasked; i++)
        free(n->asked[i]);
    free(n->asked);
    free(n->e);
    free(n->text);
    free(n->path);
    free(n);
}

/* Append an entry (takes ownership of key and value). */
static int node_append(scn_node *n, char *key, const char *kfile, int kline, int kcol,
                       int kquoted, scn_node *value)
{
    if (des_grow((void **)&n->e, &n->cap, n->len + 1, sizeof *n->e))
        return -1;
    n->e[n->len++] = (scn_entry){ key, kfile, kline, kcol, (unsigned char)kquoted, 0, value };
    return 0;
}

static scn_node *node_copy(loader *ld, const scn_node *src)
{
    scn_node *n = node_new(ld, src->kind, src->file, src->line, src->col);
    if (!n)
        return NULL;
    n->quoted = src->quoted;
    if (src->text && !(n->text = dup_s(src->text)))
        goto fail;
    for (size_t i = 0; i < src->len; i++) {
        const scn_entry *e = &src->e[i];
        char *key = NULL;
        if (e->key && !(key = dup_s(e->key)))
            goto fail;
        scn_node *v = node_copy(ld, e->value);
        if (!v || node_append(n, key, e->kfile, e->kline, e->kcol, e->kquoted, v)) {
            free(key);
            node_free(v);
            goto fail;
        }
    }
    return n;
fail:
    node_free(n);
    return NULL;
}

static scn_entry *find_entry(const scn_node *n, const char *key)
{
    if (!n || n->kind != SCN_MAP)
        return NULL;
    for (size_t i = 0; i < n->len; i++)
        if (strcmp(n->e[i].key, key) == 0)
            return &n->e[i];
    return NULL;
}

static int set_paths(scn_node *n, const char *path)
{
    free(n->path);
    if (!(n->path = dup_s(path)))
        return -1;
    for (size_t i = 0; i < n->len; i++) {
        const scn_entry *e = &n->e[i];
        size_t need = strlen(path) + (e->key ? strlen(e->key) + 2 : 24);
        char *p = malloc(need);
        if (!p)
            return -1;
        if (e->key)
            snprintf(p, need, "%s%s%s", path, *path ? "." : "", e->key);
        else
            snprintf(p, need, "%s[%zu]", path, i);
        int rc = set_paths(e->value, p);
        free(p);
        if (rc)
            return -1;
    }
    return 0;
}

static const char *intern(loader *ld, const char *name)
{
    scn_doc *d = ld->doc;
    for (size_t i = 0; i < d->nfiles; i++)
        if (strcmp(d->files[i], name) == 0)
            return d->files[i];
    char *s = dup_s(name);
    if (!s || des_grow((void **)&d->files, &d->capfiles, d->nfiles + 1, sizeof *d->files)) {
        free(s);
        return NULL;
    }
    d->files[d->nfiles++] = s;
    return s;
}

/* ------------------------------------------------------------------------------------------ */
/* YAML events -> tree                                                                        */

typedef struct frame {
    scn_node *node;
    char *key;                     /* pending key of a mapping, waiting for its value */
    const char *kfile;
    int kline, kcol, kquoted, has_key;
    long anchor;                   /* index in the anchor table, -1 if none */
} frame;

typedef struct anchor {
    char *name;
    scn_node *node;                /* private copy; NULL while the anchored node is open */
} anchor;

typedef struct builder {
    loader *ld;
    const char *file;
    des_error *err;
    frame *st;
    size_t depth, cap;
    anchor *an;
    size_t nan, capan;
    scn_node *root;
    int ndocs;
    int line, col;                 /* last known position (1-based) */
} builder;

static int b_fail(builder *b, int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int b_fail(builder *b, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset_at(b->err, DES_EINPUT, b->file, line, col, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

static int b_nomem(builder *b)
{
    if (b->ld->nodes > SCN_MAX_NODES)
        return b_fail(b, b->line, b->col, "yaml: too many nodes (more than %u after expanding aliases)",
                      SCN_MAX_NODES);
    des_error_set(b->err, DES_ENOMEM, "%s: out of memory", b->file);
    return -1;
}

/* Key path of the node at stack depth `depth` (the frames below it name its place). */
static void b_path(const builder *b, size_t depth, const char *last, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < depth && used < size; i++) {
        const frame *f = &b->st[i];
        if (f->node->kind == SCN_MAP)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "." : "",
                                     f->has_key ? f->key : "?");
        else
            used += (size_t)snprintf(buf + used, size - used, "[%zu]", f->node->len);
    }
    if (last && used < size)
        snprintf(buf + used, size - used, "%s%s", used ? "." : "", last);
}

static int b_add(builder *b, scn_node *n)
{
    if (b->depth == 0) {
        b->root = n;
        return 0;
    }
    frame *f = &b->st[b->depth - 1];
    if (f->node->kind == SCN_SEQ) {
        if (node_append(f->node, NULL, NULL, 0, 0, 0, n)) {
            node_free(n);
            return b_nomem(b);
        }
        return 0;
    }
    if (!f->has_key) {
        if (n->kind == SCN_MAP || n->kind == SCN_SEQ) {
            int rc = b_fail(b, n->line, n->col, "yaml: mapping keys must be scalars");
            node_free(n);
            return rc;
        }
        f->key = n->text;
        n->text = NULL;
        f->kfile = n->file;
        f->kline = n->line;
        f->kcol = n->col;
        f->kquoted = n->quoted;
        f->has_key = 1;
        node_free(n);
        return 0;
    }
    if (node_append(f->node, f->key, f->kfile, f->kline, f->kcol, f->kquoted, n)) {
        node_free(n);
        return b_nomem(b);
    }
    f->key = NULL;
    f->has_key = 0;
    return 0;
}

static int is_merge_key(const scn_entry *e)
{
    return !e->kquoted && strcmp(e->key, "<<") == 0;
}

typedef struct key_idx {
    const char *key;
    size_t idx;
} key_idx;

static int cmp_key_idx(const void *pa, const void *pb)
{
    const key_idx *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Duplicate explicit keys of a finished mapping (at stack depth `depth`): the later one. */
static int b_check_dups(builder *b, scn_node *m, size_t depth)
{
    if (m->len < 2)
        return 0;
    key_idx *k = malloc(m->len * sizeof *k);
    if (!k)
        return b_nomem(b);
    size_t n = 0;
    for (size_t i = 0; i < m->len; i++)
        if (!is_merge_key(&m->e[i]))
            k[n++] = (key_idx){ m->e[i].key, i };
    qsort(k, n, sizeof *k, cmp_key_idx);
    size_t dup = SIZE_MAX;
    for (size_t i = 1; i < n; i++)
        if (strcmp(k[i].key, k[i - 1].key) == 0 && k[i].idx < dup)
            dup = k[i].idx;
    free(k);
    if (dup == SIZE_MAX)
        return 0;
    const scn_entry *e = &m->e[dup];
    char path[DES_ERROR_MSG_MAX];
    b_path(b, depth, e->key, path, sizeof path);
    set_at(b->err, DES_EINPUT, e->kfile, e->kline, e->kcol, path, "duplicate key");
    return -1;
}

/* A candidate entry of a mapping being merged: its key, who wins a clash (0 for an explicit
 * key, then merge sources in order) and its place in the output. */
typedef struct merge_cand {
    const char *key;
    size_t prio, seq;
    scn_entry *e;
} merge_cand;

static int cmp_cand_key(const void *pa, const void *pb)
{
    const merge_cand *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    return a->prio < b->prio ? -1 : a->prio > b->prio;
}

static int cmp_cand_seq(const void *pa, const void *pb)
{
    const merge_cand *a = pa, *b = pb;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Replace each `<<: map` / `<<: [map, ...]` entry by the merged entries that no explicit key
 * of the mapping (and no earlier merge) already supplies. O(k log k) in the k candidate keys
 * (sorting decides each clash; a linear scan per key would be quadratic on a large map). */
static int b_merge_keys(builder *b, scn_node *m)
{
    size_t nmerge = 0, ncand = 0;
    for (size_t i = 0; i < m->len; i++) {
        const scn_node *v = m->e[i].value;
        if (!is_merge_key(&m->e[i])) {
            ncand++;
            continue;
        }
        nmerge++;
        int ok = v->kind == SCN_MAP;
        if (v->kind == SCN_SEQ) {
            ok = 1;
            for (size_t j = 0; j < v->len; j++)
                ok &= v->e[j].value->kind == SCN_MAP;
        }
        if (!ok)
            return b_fail(b, v->line, v->col,
                          "yaml: a merge key (<<) needs a mapping or a sequence of mappings");
        size_t nsrc = v->kind == SCN_MAP ? 1 : v->len;
        for (size_t s = 0; s < nsrc; s++)
            ncand += (v->kind == SCN_MAP ? v : v->e[s].value)->len;
    }
    if (!nmerge)
        return 0;
    merge_cand *c = malloc((ncand ? ncand : 1) * sizeof *c);
    scn_entry *out = malloc((ncand ? ncand : 1) * sizeof *out);
    if (!c || !out) {
        free(c);
        free(out);
        return b_nomem(b);
    }
    size_t k = 0, seq = 0;
    for (size_t i = 0; i < m->len; i++) {
        scn_entry *e = &m->e[i];
        if (!is_merge_key(e)) {
            c[k++] = (merge_cand){ e->key, 0, seq++, e };
            continue;
        }
        scn_node *v = e->value;
        size_t nsrc = v->kind == SCN_MAP ? 1 : v->len;
        for (size_t s = 0; s < nsrc; s++) {
            scn_node *src = v->kind == SCN_MAP ? v : v->e[s].value;
            for (size_t j = 0; j < src->len; j++, seq++)
                c[k++] = (merge_cand){ src->e[j].key, 1 + seq, seq, &src->e[j] };
        }
    }
    qsort(c, k, sizeof *c, cmp_cand_key);
    size_t keep = 0;
    for (size_t i = 0; i < k; i++)
        if (i == 0 || strcmp(c[i].key, c[i - 1].key) != 0)
            c[keep++] = c[i];
    qsort(c, keep, sizeof *c, cmp_cand_seq);
    for (size_t i = 0; i < keep; i++) {
        out[i] = *c[i].e;
        c[i].e->key = NULL;     /* moved: the husk is freed below without it */
        c[i].e->value = NULL;
    }
    free(c);
    /* Free what is left: merge entries and the husks of their sources. */
    for (size_t i = 0; i < m->len; i++) {
        free(m->e[i].key);
        node_free(m->e[i].value);
    }
    free(m->e);
    m->e = out;
    m->len = keep;
    m->cap = ncand ? ncand : 1;
    return 0;
}

static int is_null_text(const char *s)
{
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
           !strcmp(s, "NULL");
}

static void b_mark(builder *b, struct fy_event *ev)
{
    const struct fy_mark *m = fy_event_start_mark(ev);
    if (m && m->line >= 0 && m->column >= 0) {
        b->line = m->line + 1;
        b->col = m->column + 1;
    }
}

static long b_anchor_open(builder *b, struct fy_token *tok)
{
    if (!tok)
        return -1;
    size_t len = 0;
    const char *name = fy_token_get_text(tok, &len);
    if (!name)
        return -1;
    if (des_grow((void **)&b->an, &b->capan, b->nan + 1, sizeof *b->an))
        return -2;
    char *s = dup_n(name, len);
    if (!s)
        return -2;
    b->an[b->nan] = (anchor){ s, NULL };
    return (long)b->nan++;
}

static int b_anchor_close(builder *b, long idx, const scn_node *n)
{
    if (idx < 0)
        return 0;
    if (!(b->an[idx].node = node_copy(b->ld, n)))
        return b_nomem(b);
    return 0;
}

static int b_event(builder *b, struct fy_event *ev)
{
    b_mark(b, ev);
    switch (ev->type) {
    case FYET_DOCUMENT_START:
        if (b->ndocs++ > 0)
            return b_fail(b, b->line, b->col, "yaml: expected a single document");
        return 0;
    case FYET_SCALAR: {
        size_t len = 0;
        const char *t = fy_token_get_text(ev->scalar.value, &len);
        int quoted = fy_token_scalar_style(ev->scalar.value) != FYSS_PLAIN;
        if (ev->scalar.tag) {
            size_t tl = 0;
            const char *tag = fy_token_get_text(ev->scalar.tag, &tl);
            if (tag && tl == 21 && !memcmp(tag, "tag:yaml.org,2002:str", 21))
                quoted = 1;
        }
        /* Point at the opening quote, not at the text after it. */
        enum fy_scalar_style style = fy_token_scalar_style(ev->scalar.value);
        int col = b->col;
        if ((style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED) && col > 1)
            col--;
        scn_node *n = node_new(b->ld, SCN_SCALAR, b->file, b->line, col);
        if (!n)
            return b_nomem(b);
        n->quoted = (unsigned char)quoted;
        if (!(n->text = dup_n(t ? t : "", t ? len : 0))) {
            node_free(n);
            return b_nomem(b);
        }
        if (!quoted && is_null_text(n->text))
            n->kind = SCN_NULL;
        long a = b_anchor_open(b, ev->scalar.anchor);
        if (a == -2 || b_anchor_close(b, a, n)) {
            node_free(n);
            return b_nomem(b);
        }
        return b_add(b, n);
    }
    case FYET_ALIAS: {
        size_t len = 0;
        const char *name = fy_token_get_text(ev->alias.anchor, &len);
        if (!name)
            name = "";
        if (b->col > 1)
            b->col--;          /* the mark is on the name; point at the '*' before it */
        for (size_t i = b->nan; i-- > 0;) {
            if (strlen(b->an[i].name) != len || memcmp(b->an[i].name, name, len))
                continue;
            if (!b->an[i].node)
                return b_fail(b, b->line, b->col, "yaml: alias '%.*s' refers to itself",
                              (int)len, name);
            scn_node *n = node_copy(b->ld, b->an[i].node);
            if (!n)
                return b_nomem(b);
            return b_add(b, n);
        }
        return b_fail(b, b->line, b->col, "yaml: undefined alias '%.*s'", (int)len, name);
    }
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START: {
        int map = ev->type == FYET_MAPPING_START;
        if (b->depth >= SCN_MAX_DEPTH)
            return b_fail(b, b->line, b->col, "yaml: nested deeper than %d levels",
                          SCN_MAX_DEPTH);
        scn_node *n = node_new(b->ld, map ? SCN_MAP : SCN_SEQ, b->file, b->line, b->col);
        if (!n || des_grow((void **)&b->st, &b->cap, b->depth + 1, sizeof *b->st)) {
            node_free(n);
            return b_nomem(b);
        }
        long a = b_anchor_open(b, map ? ev->mapping_start.anchor : ev->sequence_start.anchor);
        if (a == -2) {
            node_free(n);
            return b_nomem(b);
        }
        b->st[b->depth++] = (frame){ n, NULL, NULL, 0, 0, 0, 0, a };
        return 0;
    }
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END: {
        if (b->depth == 0)
            return b_fail(b, b->line, b->col, "yaml: unbalanced collection end");
        frame f = b->st[--b->depth];
        free(f.key);
        if (f.node->kind == SCN_MAP &&
            (b_check_dups(b, f.node, b->depth) || b_merge_keys(b, f.node))) {
            node_free(f.node);
            return -1;
        }
        if (b_anchor_close(b, f.anchor, f.node)) {
            node_free(f.node);
            return -1;
        }
        return b_add(b, f.node);
    }
    default:
        return 0;
    }
}

static void diag_sink(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag; (void)user; (void)buf; (void)len;
}

/* The text must be well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF)
 * with no NUL or C0 control but tab, CR and LF, and at most SCN_MAX_BYTES: checked before the
 * YAML parser sees it (libfyaml 0.7 loops forever on some invalid bytes, e.g. "%\x89").
 * 0, or -1 with err at the offending byte. O(len). */
static int text_ok(const char *file, const char *text, size_t len, des_error *err)
{
    if (len > SCN_MAX_BYTES) {
        set_at(err, DES_EINPUT, file, 1, 1, NULL, "larger than " SCN_MAX_BYTES_TEXT);
        return -1;
    }
    const unsigned char *s = (const unsigned char *)text;
    int line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
                 : (c & 0xf8) == 0xf0 ? 4 : 0;
        unsigned cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
        for (size_t k = 1; n && k < n; k++) {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
                n = 0;
            else
                cp = cp << 6 | (s[i + k] & 0x3f);
        }
        static const unsigned min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
        if (!n || cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            set_at(err, DES_EINPUT, file, line, col, NULL,
                   "not valid UTF-8 (byte 0x%02x); save the file as UTF-8", c);
            return -1;
        }
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f) {
            set_at(err, DES_EINPUT, file, line, col, NULL,
                   "control character 0x%02x in the text", cp);
            return -1;
        }
        if (cp == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += n;
    }
    return 0;
}

/* Parse one YAML text into a tree (NULL + err on failure). `file` is interned. */
static scn_node *parse_yaml(loader *ld, const char *file, const char *text, size_t len,
                            des_error *err)
{
    if (text_ok(file, text, len, err))
        return NULL;
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = diag_sink;
    dc.user = NULL;
    dc.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dc);
    if (!diag) {
        des_error_set(err, DES_ENOMEM, "%s: out of memory", file);
        return NULL;
    }
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_JSON_NONE;
    cfg.diag = diag;
    struct fy_parser *p = fy_parser_create(&cfg);
    if (!p || fy_parser_set_string(p, text, len)) {
        if (p)
            fy_parser_destroy(p);
        fy_diag_destroy(diag);
        des_error_set(err, DES_ENOMEM, "%s: cannot start the YAML parser", file);
        return NULL;
    }

    builder b = { .ld = ld, .file = file, .err = err, .line = 1, .col = 1 };
    int rc = 0;
    struct fy_event *ev;
    while (rc == 0 && (ev = fy_parser_parse(p)) != NULL) {
        rc = b_event(&b, ev);
        fy_parser_event_free(p, ev);
    }
    if (rc == 0 && fy_parser_get_stream_error(p)) {
        rc = -1;
        void *it = NULL;
        struct fy_diag_error *de;
        const struct fy_diag_error *first = NULL;
        while ((de = fy_diag_errors_iterate(diag, &it)) != NULL)
            if (de->type >= FYET_ERROR && !first)
                first = de;
        if (first && first->msg) {
            char msg[DES_ERROR_MSG_MAX];
            size_t l = strlen(first->msg);
            while (l && (first->msg[l - 1] == '\n' || first->msg[l - 1] == ' '))
                l--;
            snprintf(msg, sizeof msg, "%.*s", (int)l, first->msg);
            for (char *c = msg; *c; c++)
                if (*c == '\n')
                    *c = ' ';
            b_fail(&b, first->line > 0 ? first->line : b.line,
                   first->column > 0 ? first->column : b.col, "yaml: %s", msg);
        } else {
            b_fail(&b, b.line, b.col, "yaml: invalid YAML");
        }
    }
    fy_parser_destroy(p);
    fy_diag_destroy(diag);

    for (size_t i = 0; i < b.depth; i++) {
        free(b.st[i].key);
        node_free(b.st[i].node);
    }
    free(b.st);
    for (size_t i = 0; i < b.nan; i++) {
        free(b.an[i].name);
        node_free(b.an[i].node);
    }
    free(b.an);
    if (rc) {
        node_free(b.root);
        return NULL;
    }
    if (!b.root) {
        /* An empty stream (or only comments): a null document. */
        scn_node *n = node_new(ld, SCN_NULL, file, 1, 1);
        if (!n || !(n->text = dup_s(""))) {
            node_free(n);
            des_error_set(err, DES_ENOMEM, "%s: out of memory", file);
            return NULL;
        }
        b.root = n;
    }
    return b.root;
}

/* ------------------------------------------------------------------------------------------ */
/* files and extends                                                                          */

typedef struct chain {
    const char *real;
    const struct chain *up;
} chain;

/* Whole regular file into memory; -1 with errno set on failure: EINVAL for anything but a
 * regular file (a device or FIFO could be endless), EFBIG past SCN_MAX_BYTES (see reason()). */
static int read_file(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    int e = fstat(fileno(f), &st) ? errno : !S_ISREG(st.st_mode) ? EINVAL
                                          : st.st_size > SCN_MAX_BYTES ? EFBIG : 0;
    if (e) {
        fclose(f);
        errno = e;
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *p = malloc(cap);
    if (!p) {
        fclose(f);
        errno = ENOMEM;
        return -1;
    }
    /* Read one byte past the size fstat gave: a file that grew meanwhile is still bounded. */
    n = fread(p, 1, cap, f);
    int bad = ferror(f);
    e = errno ? errno : EIO;
    fclose(f);
    if (bad || n > SCN_MAX_BYTES) {
        free(p);
        errno = bad ? e : EFBIG;
        return -1;
    }
    *buf = p;
    *len = n;
    return 0;
}

/* Why a file cannot be read, from read_file's errno. */
static const char *reason(int oe)
{
    if (oe == EINVAL)
        return "not a regular file";
    if (oe == EFBIG)
        return "larger than " SCN_MAX_BYTES_TEXT;
    return strerror(oe);
}

/* A mapping whose keys are all years (2019) or ISO dates is a time series: a child that gives
 * one means its whole series, so it replaces the parent's rather than merging step by step. */
static int is_series_map(const scn_node *n)
{
    if (n->kind != SCN_MAP || n->len == 0)
        return 0;
    for (size_t i = 0; i < n->len; i++) {
        const char *k = n->e[i].key;
        size_t len = k ? strlen(k) : 0;
        int year = len == 4, date = len == 10 && k[4] == '-' && k[7] == '-';
        if (!year && !date)
            return 0;
        for (size_t j = 0; j < len; j++)
            if (!(k[j] >= '0' && k[j] <= '9') && !(date && (j == 4 || j == 7)))
                return 0;
    }
    return 1;
}

/* A child's `{add: [...]}` or `{replace: [...]}` (one unquoted key): how it says what its list
 * (or, for replace, series) does to the parent's. Returns the wrapped value, or NULL. */
static scn_entry *list_intent(const scn_node *c, int *add)
{
    if (c->kind != SCN_MAP || c->len != 1 || c->e[0].kquoted)
        return NULL;
    *add = strcmp(c->e[0].key, "add") == 0;
    if (!*add && strcmp(c->e[0].key, "replace") != 0)
        return NULL;
    return &c->e[0];
}

/* First year of a series mapping (its keys are years or dates; see is_series_map). */
static int series_first_year(const scn_node *n)
{
    int first = INT_MAX;
    for (size_t i = 0; i < n->len; i++) {
        int y = atoi(n->e[i].key);
        if (y < first)
            first = y;
    }
    return first;
}

/* Take the value out of an add/replace wrapper (c is freed), recursively through mappings a
 * child gives that the parent does not have. */
static scn_node *unwrap_intents(scn_node *c)
{
    int add;
    scn_entry *w = list_intent(c, &add);
    if (w) {
        scn_node *v = w->value;
        w->value = NULL;
        node_free(c);
        return unwrap_intents(v);
    }
    if (c->kind == SCN_MAP)
        for (size_t i = 0; i < c->len; i++)
            c->e[i].value = unwrap_intents(c->e[i].value);
    return c;
}

/* Deep merge: child over parent (both consumed; *out is one of them, or NULL with err set).
 * Mappings merge key by key; scalars, time series (see is_series_map), priors (a mapping
 * with a `prior` key: a value given whole, in place of a number or series) and the top-level
 * `ensemble` (its keys, sets and weights line up: one value) are replaced whole.
 * A list the parent also gives must say what it does: `{add: [...]}` appends to the parent's
 * entries, `{replace: [...]}` drops them; a bare list there is an error, since either reading
 * could be meant and the wrong one changes a forecast silently. A series that starts after the
 * parent's first year is an error likewise (the years before it would be lost), unless given as
 * `{replace: ...}`. `path` is the key path of p and c. */
static int merge_tree(scn_node *p, scn_node *c, const char *path, scn_node **out,
                      des_error *err)
{
    const char *leaf = strrchr(path, '.') ? strrchr(path, '.') + 1 : path;
    int add = 0;
    scn_entry *w = list_intent(c, &add);
    const char *why = NULL;
    if (w) {
        scn_node *v = w->value;
        if (add && (p->kind != SCN_SEQ || v->kind != SCN_SEQ))
            why = p->kind != SCN_SEQ ? "'add' needs a list in '%s' to add to; give the value "
                                       "itself (or {replace: ...})"
                                     : "'add' expects a list ('%s' gives a list here)";
        if (why) {
            set_at(err, DES_EINPUT, v->file, v->line, v->col, path, why, p->file);
            node_free(p);
            node_free(c);
            return -1;
        }
        w->value = NULL;
        node_free(c);
        v = unwrap_intents(v);
        if (add) {
            for (size_t i = 0; i < v->len; i++) {
                if (node_append(p, NULL, NULL, 0, 0, 0, v->e[i].value)) {
                    node_free(p);
                    node_free(v);
                    des_error_set(err, DES_ENOMEM, "%s: out of memory", path);
                    return -1;
                }
                v->e[i].value = NULL;
            }
            node_free(v);
            *out = p;
        } else {
            node_free(p);
            *out = v;
        }
        return 0;
    }
    if (p->kind == SCN_SEQ && c->kind == SCN_SEQ) {
        set_at(err, DES_EINPUT, c->file, c->line, c->col, path,
               "'%s' also gives this list: say whether this one adds to it or replaces it, "
               "as '%s: {add: [...]}' or '%s: {replace: [...]}'",
               p->file, leaf, leaf);
        node_free(p);
        node_free(c);
        return -1;
    }
    if (is_series_map(p) && is_series_map(c) && series_first_year(c) > series_first_year(p)) {
        set_at(err, DES_EINPUT, c->file, c->line, c->col, path,
               "this series starts in %d but '%s' gives it from %d, and a series replaces the "
               "parent's whole series: give its steps from %d too, or say '%s: {replace: {...}}'",
               series_first_year(c), p->file, series_first_year(p), series_first_year(p), leaf);
        node_free(p);
        node_free(c);
        return -1;
    }
    if (p->kind != SCN_MAP || c->kind != SCN_MAP || is_series_map(c) || find_entry(c, "prior") ||
        strcmp(path, "ensemble") == 0) {
        node_free(p);
        *out = unwrap_intents(c);
        return 0;
    }
    int rc = 0;
    for (size_t i = 0; i < c->len; i++) {
        scn_entry *ce = &c->e[i];
        scn_entry *pe = find_entry(p, ce->key);
        if (rc)
            continue; /* after an error: what is left in c is freed with it */
        if (pe) {
            char sub[DES_ERROR_MSG_MAX];
            snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", ce->key);
            scn_node *pv = pe->value;
            pe->value = NULL;
            rc = merge_tree(pv, ce->value, sub, &pe->value, err);
            ce->value = NULL;
            if (rc) {
                /* pe->value is NULL: give it a placeholder so that p frees cleanly */
                free(ce->key);
                ce->key = NULL;
                continue;
            }
            pe->kfile = ce->kfile;
            pe->kline = ce->kline;
            pe->kcol = ce->kcol;
            pe->kquoted = ce->kquoted;
            free(ce->key);
        } else {
            ce->value = unwrap_intents(ce->value);
            if (node_append(p, ce->key, ce->kfile, ce->kline, ce->kcol, ce->kquoted,
                            ce->value)) {
                free(ce->key);
                node_free(ce->value);
                des_error_set(err, DES_ENOMEM, "%s: out of memory", path);
                rc = -1;
            }
        }
        ce->key = NULL;
        ce->value = NULL;
    }
    if (rc) {
        node_free(p);
        node_free(c);
        return -1;
    }
    p->file = c->file;
    p->line = c->line;
    p->col = c->col;
    node_free(c);
    *out = p;
    return 0;
}

static scn_node *load_tree(loader *ld, const char *path, const chain *up, des_error *err,
                           int *open_errno);

/* Apply a top-level `extends` of a tree read from `file` (dir: the directory that relative
 * parents are resolved against, "" for the current one). Consumes root. */
static scn_node *resolve_extends(loader *ld, scn_node *root, const char *dir, const chain *me,
                                 des_error *err)
{
    if (root->kind != SCN_MAP)
        return root;
    size_t idx = SIZE_MAX;
    for (size_t i = 0; i < root->len; i++)
        if (strcmp(root->e[i].key, "extends") == 0)
            idx = i;
    if (idx == SIZE_MAX)
        return root;
    const scn_node *v = root->e[idx].value;
    if (v->kind != SCN_SCALAR || !*v->text) {
        set_at(err, DES_EINPUT, v->file, v->line, v->col, "extends",
               "expected a string (the file to extend)");
        node_free(root);
        return NULL;
    }
    size_t need = strlen(dir) + strlen(v->text) + 2;
    char *ppath = malloc(need);
    if (!ppath) {
        des_error_set(err, DES_ENOMEM, "%s: out of memory", v->file);
        node_free(root);
        return NULL;
    }
    if (v->text[0] == '/' || !*dir)
        snprintf(ppath, need, "%s", v->text);
    else
        snprintf(ppath, need, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", v->text);

    scn_node *parent = NULL;
    char *real = realpath(ppath, NULL);
    int oe = real ? 0 : errno;
    for (const chain *c = me; c && real; c = c->up)
        if (c->real && strcmp(c->real, real) == 0) {
            set_at(err, DES_EINPUT, v->file, v->line, v->col, "extends", "cycle through '%s'",
                   v->text);
            free(real);
            free(ppath);
            node_free(root);
            return NULL;
        }
    free(real);
    if (!oe)
        parent = load_tree(ld, ppath, me, err, &oe);
    free(ppath);
    if (!parent) {
        if (oe)
            set_at(err, oe == ENOMEM ? DES_ENOMEM : DES_EIO, v->file, v->line, v->col, "extends",
                   "cannot open '%s' (%s)", v->text, reason(oe));
        node_free(root);
        return NULL;
    }
    free(root->e[idx].key);
    node_free(root->e[idx].value);
    memmove(&root->e[idx], &root->e[idx + 1], (root->len - idx - 1) * sizeof *root->e);
    root->len--;
    scn_node *out = NULL;
    return merge_tree(parent, root, "", &out, err) ? NULL : out;
}

/* Read, parse and resolve one file. A file that cannot be read sets *open_errno (err untouched)
 * so that the caller can say who asked for it. */
static scn_node *load_tree(loader *ld, const char *path, const chain *up, des_error *err,
                           int *open_errno)
{
    char *buf = NULL;
    size_t len = 0;
    *open_errno = 0;
    if (read_file(path, &buf, &len)) {
        *open_errno = errno ? errno : EIO;
        return NULL;
    }
    const char *file = intern(ld, path);
    if (!file) {
        free(buf);
        des_error_set(err, DES_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    scn_node *root = parse_yaml(ld, file, buf, len, err);
    free(buf);
    if (!root)
        return NULL;
    char *real = realpath(path, NULL);
    chain me = { real, up };
    const char *slash = strrchr(path, '/');
    char *dir = !slash ? dup_s("") : slash == path ? dup_s("/") : dup_n(path, (size_t)(slash - path));
    if (!dir) {
        free(real);
        node_free(root);
        des_error_set(err, DES_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    scn_node *out = resolve_extends(ld, root, dir, &me, err);
    free(dir);
    free(real);
    return out;
}

static scn_doc *doc_new(const char *path)
{
    scn_doc *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    if (!(d->path = dup_s(path))) {
        free(d);
        return NULL;
    }
    return d;
}

static scn_doc *finish(scn_doc *d, scn_node *root, des_error *err)
{
    if (!root) {
        scn_free(d);
        return NULL;
    }
    d->root = root;
    if (set_paths(root, "")) {
        des_error_set(err, DES_ENOMEM, "%s: out of memory", d->path);
        scn_free(d);
        return NULL;
    }
    des_error_clear(&d->err);
    return d;
}

scn_doc *scn_load(const char *path, des_error *err)
{
    des_error_clear(err);
    des_error tmp;
    if (!err)
        err = &tmp;
    if (!path) {
        des_error_set(err, DES_EIO, "(null): cannot open (no file name)");
        return NULL;
    }
    scn_doc *d = doc_new(path);
    if (!d) {
        des_error_set(err, DES_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    loader ld = { d, 0 };
    int oe = 0;
    scn_node *root = load_tree(&ld, path, NULL, err, &oe);
    if (!root && oe)
        des_error_set(err, oe == ENOMEM ? DES_ENOMEM : DES_EIO, "%s: cannot open (%s)", path,
                      reason(oe));
    return finish(d, root, err);
}

scn_doc *scn_load_string(const char *name, const char *text, des_error *err)
{
    des_error_clear(err);
    des_error tmp;
    if (!err)
        err = &tmp;
    if (!name)
        name = "<string>";
    if (!text) {
        des_error_set(err, DES_EINVAL, "%s: no text", name);
        return NULL;
    }
    scn_doc *d = doc_new(name);
    if (!d) {
        des_error_set(err, DES_ENOMEM, "%s: out of memory", name);
        return NULL;
    }
    loader ld = { d, 0 };
    const char *file = intern(&ld, name);
    scn_node *root = file ? parse_yaml(&ld, file, text, strlen(text), err) : NULL;
    if (!file)
        des_error_set(err, DES_ENOMEM, "%s: out of memory", name);
    if (root)
        root = resolve_extends(&ld, root, "", NULL, err);
    return finish(d, root, err);
}

void scn_free(scn_doc *doc)
{
    if (!doc)
        return;
    node_free(doc->root);
    for (size_t i = 0; i < doc->nfiles; i++)
        free(doc->files[i]);
    free(doc->files);
    free(doc->path);
    free(doc);
}

const scn_node *scn_root(const scn_doc *doc) { return doc ? doc->root : NULL; }
const char *scn_path(const scn_doc *doc) { return doc ? doc->path : NULL; }
size_t scn_nfiles(const scn_doc *doc) { return doc ? doc->nfiles : 0; }
const char *scn_file_at(const scn_doc *doc, size_t i)
{
    return doc && i < doc->nfiles ? doc->files[i] : NULL;
}
int scn_ok(const scn_doc *doc) { return doc && !doc->failed; }
const des_error *scn_error(const scn_doc *doc) { return doc ? &doc->err : NULL; }

/* ------------------------------------------------------------------------------------------ */
/* errors                                                                                     */

static int vfail(scn_doc *doc, const scn_node *at, const char *fmt, va_list ap)
{
    if (!doc || doc->failed)
        return -1;
    doc->failed = 1;
    if (at) {
        vset_at(&doc->err, DES_EINPUT, at->file, at->line, at->col, at->path, fmt, ap);
    } else {
        char msg[DES_ERROR_MSG_MAX];
        vsnprintf(msg, sizeof msg, fmt, ap);
        des_error_set(&doc->err, DES_EINPUT, "%s: %s", doc->path, msg);
    }
    return -1;
}

int scn_fail(scn_doc *doc, const scn_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(doc, at, fmt, ap);
    va_end(ap);
    return rc;
}

/* Error at a map entry's key (for unknown keys): the key path is the entry's. */
static int fail_key(scn_doc *doc, const scn_entry *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail_key(scn_doc *doc, const scn_entry *e, const char *fmt, ...)
{
    if (!doc || doc->failed)
        return -1;
    doc->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vset_at(&doc->err, DES_EINPUT, e->kfile, e->kline, e->kcol, e->value->path, fmt, ap);
    va_end(ap);
    return -1;
}

static int fail_nomem(scn_doc *doc)
{
    if (!doc || doc->failed)
        return -1;
    doc->failed = 1;
    des_error_set(&doc->err, DES_ENOMEM, "%s: out of memory", doc->path);
    return -1;
}

int scn_fail_missing(scn_doc *doc, const scn_node *map, const char *key)
{
    if (!map && doc)
        map = doc->root;
    return scn_fail(doc, map, "missing key '%s'", key ? key : "?");
}

/* ------------------------------------------------------------------------------------------ */
/* navigation                                                                                 */

scn_kind scn_kind_of(const scn_node *n) { return n ? n->kind : SCN_NULL; }
const char *scn_scalar(const scn_node *n) { return n && n->kind == SCN_SCALAR ? n->text : NULL; }
const char *scn_keypath(const scn_node *n) { return n && n->path ? n->path : ""; }
const char *scn_file(const scn_node *n) { return n ? n->file : ""; }
int scn_line(const scn_node *n) { return n ? n->line : 0; }
int scn_col(const scn_node *n) { return n ? n->col : 0; }

size_t scn_len(const scn_node *n)
{
    return n && (n->kind == SCN_MAP || n->kind == SCN_SEQ) ? n->len : 0;
}

const scn_node *scn_at(scn_doc *doc, const scn_node *n, size_t i)
{
    (void)doc;
    if (!n || (n->kind != SCN_MAP && n->kind != SCN_SEQ) || i >= n->len)
        return NULL;
    M(n)->e[i].known = 1;
    return n->e[i].value;
}

const char *scn_key_at(const scn_node *n, size_t i)
{
    if (!n || n->kind != SCN_MAP || i >= n->len)
        return NULL;
    return n->e[i].key;
}

void scn_consume(scn_doc *doc, const scn_node *n)
{
    (void)doc;
    if (n)
        M(n)->consumed = 1;
}

/* Record `key` as asked of map; find it. 1 present, 0 absent, -1 error. */
static int ask(scn_doc *doc, const scn_node *map, const char *key, scn_node **out)
{
    if (!doc || doc->failed)
        return -1;
    if (!key)
        return scn_fail(doc, map, "internal error: getter called without a key");
    if (!map || map->kind == SCN_NULL)
        return 0;
    if (map->kind != SCN_MAP)
        return scn_fail(doc, map, "expected a mapping");
    scn_node *m = M(map);
    size_t i = 0;
    while (i < m->nasked && strcmp(m->asked[i], key) != 0)
        i++;
    if (i == m->nasked) {
        char *s = dup_s(key);
        if (!s || des_grow((void **)&m->asked, &m->capasked, m->nasked + 1, sizeof *m->asked)) {
            free(s);
            return fail_nomem(doc);
        }
        m->asked[m->nasked++] = s;
    }
    for (i = 0; i < m->len; i++)
        if (strcmp(m->e[i].key, key) == 0) {
            m->e[i].known = 1;
            *out = m->e[i].value;
            return 1;
        }
    return 0;
}

const scn_node *scn_get(scn_doc *doc, const scn_node *map, const char *key)
{
    scn_node *v = NULL;
    return ask(doc, map, key, &v) == 1 ? v : NULL;
}

static int get_coll(scn_doc *doc, const scn_node *map, const char *key, scn_kind kind,
                    const scn_node **out)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    if (rc <= 0)
        return rc;
    if (v->kind != kind && v->kind != SCN_NULL)
        return scn_fail(doc, v, kind == SCN_MAP ? "expected a mapping" : "expected a sequence");
    *out = v;
    return 1;
}

int scn_map(scn_doc *doc, const scn_node *map, const char *key, const scn_node **out)
{
    return get_coll(doc, map, key, SCN_MAP, out);
}

int scn_seq(scn_doc *doc, const scn_node *map, const char *key, const scn_node **out)
{
    return get_coll(doc, map, key, SCN_SEQ, out);
}

/* ------------------------------------------------------------------------------------------ */
/* scalars                                                                                    */

/* A YAML-style decimal number: sign, digits with single underscores between them, optional
 * fraction and exponent. Returns 0 and *v on success. `integral` says there was no fraction
 * or exponent. */
static int parse_number(const char *s, double *v, int *integral)
{
    char buf[128];
    size_t n = 0;
    const char *p = s;
    int digits = 0, frac = 0;
    if (*p == '+' || *p == '-')
        buf[n++] = *p++;
    for (; *p && n < sizeof buf - 1; p++) {
        if (*p >= '0' && *p <= '9') {
            buf[n++] = *p;
            digits++;
        } else if (*p == '_') {
            if (!(p > s && p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' && p[1] <= '9'))
                return -1;
        } else if (*p == '.' || *p == 'e' || *p == 'E') {
            frac = 1;
            buf[n++] = *p;
        } else if ((*p == '+' || *p == '-') && n && (buf[n - 1] == 'e' || buf[n - 1] == 'E')) {
            buf[n++] = *p;
        } else {
            return -1;
        }
    }
    if (*p || !digits)
        return -1;
    buf[n] = '\0';
    char *end = NULL;
    errno = 0;
    double x = strtod(buf, &end);
    if (end == buf || *end || !isfinite(x))
        return -1;
    *v = x;
    if (integral)
        *integral = !frac;
    return 0;
}

static int plain_scalar(const scn_node *n)
{
    return n->kind == SCN_SCALAR && !n->quoted;
}

static const char *range_text(char *buf, size_t size, const char *noun, double lo, double hi)
{
    char a[40], b[40];
    if (isfinite(lo) && isfinite(hi))
        snprintf(buf, size, "%s in [%s, %s]", noun, fmt_num(a, lo), fmt_num(b, hi));
    else if (isfinite(lo))
        snprintf(buf, size, "%s >= %s", noun, fmt_num(a, lo));
    else if (isfinite(hi))
        snprintf(buf, size, "%s <= %s", noun, fmt_num(b, hi));
    else
        snprintf(buf, size, "%s", noun);
    return buf;
}

int scn_node_num(scn_doc *doc, const scn_node *n, double lo, double hi, double *out)
{
    if (!doc || doc->failed)
        return -1;
    if (!n)
        return 0;
    double v;
    if (!plain_scalar(n) || parse_number(n->text, &v, NULL))
        return scn_fail(doc, n, "expected a number");
    if (!(v >= lo && v <= hi)) {
        char r[128], q[SCN_QUOTE_MAX + 4];
        return scn_fail(doc, n, "expected %s, got %s", range_text(r, sizeof r, "a number", lo, hi),
                        clip(q, n->text));
    }
    *out = v;
    return 1;
}

int scn_num(scn_doc *doc, const scn_node *map, const char *key, double lo, double hi, double *out)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    return rc <= 0 ? rc : scn_node_num(doc, v, lo, hi, out);
}

static const char *int_range_text(char *buf, size_t size, long lo, long hi)
{
    if (lo == LONG_MIN && hi == LONG_MAX)
        snprintf(buf, size, "an integer");
    else if (hi == LONG_MAX)
        snprintf(buf, size, "an integer >= %ld", lo);
    else if (lo == LONG_MIN)
        snprintf(buf, size, "an integer <= %ld", hi);
    else
        snprintf(buf, size, "an integer in [%ld, %ld]", lo, hi);
    return buf;
}

int scn_node_int(scn_doc *doc, const scn_node *n, long lo, long hi, long *out)
{
    if (!doc || doc->failed)
        return -1;
    if (!n)
        return 0;
    double v;
    int integral = 0;
    char q[SCN_QUOTE_MAX + 4], r[128];
    if (!plain_scalar(n) || parse_number(n->text, &v, &integral))
        return scn_fail(doc, n, "expected an integer");
    long x;
    if (integral) {
        /* Exact for the whole range of long (a double is not). */
        char buf[128];
        size_t k = 0;
        for (const char *p = n->text; *p && k < sizeof buf - 1; p++)
            if (*p != '_')
                buf[k++] = *p;
        buf[k] = '\0';
        errno = 0;
        x = strtol(buf, NULL, 10);
        if (errno == ERANGE)
            return scn_fail(doc, n, "expected %s, got %s",
                            int_range_text(r, sizeof r, lo, hi),
                            clip(q, n->text));
    } else {
        if (v != floor(v))
            return scn_fail(doc, n, "expected an integer, got %s", clip(q, n->text));
        if (!(fabs(v) < 9007199254740992.0))   /* 2^53: beyond it the text was not exact */
            return scn_fail(doc, n, "expected %s, got %s",
                            int_range_text(r, sizeof r, lo, hi),
                            clip(q, n->text));
        x = (long)v;
    }
    if (x < lo || x > hi)
        return scn_fail(doc, n, "expected %s, got %s", int_range_text(r, sizeof r, lo, hi),
                        clip(q, n->text));
    *out = x;
    return 1;
}

int scn_int(scn_doc *doc, const scn_node *map, const char *key, long lo, long hi, long *out)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    return rc <= 0 ? rc : scn_node_int(doc, v, lo, hi, out);
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        if (x != *b)
            return 0;
    }
    return *a == *b;
}

int scn_node_bool(scn_doc *doc, const scn_node *n, int *out)
{
    if (!doc || doc->failed)
        return -1;
    if (!n)
        return 0;
    if (plain_scalar(n) && (ieq(n->text, "true") || ieq(n->text, "yes"))) {
        *out = 1;
        return 1;
    }
    if (plain_scalar(n) && (ieq(n->text, "false") || ieq(n->text, "no"))) {
        *out = 0;
        return 1;
    }
    return scn_fail(doc, n, "expected true or false");
}

int scn_bool(scn_doc *doc, const scn_node *map, const char *key, int *out)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    return rc <= 0 ? rc : scn_node_bool(doc, v, out);
}

int scn_node_str(scn_doc *doc, const scn_node *n, const char **out)
{
    if (!doc || doc->failed)
        return -1;
    if (!n)
        return 0;
    if (n->kind != SCN_SCALAR)
        return scn_fail(doc, n, "expected a string");
    *out = n->text;
    return 1;
}

int scn_str(scn_doc *doc, const scn_node *map, const char *key, const char **out)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    return rc <= 0 ? rc : scn_node_str(doc, v, out);
}

int scn_node_enum(scn_doc *doc, const scn_node *n, const char *const *names, size_t count,
                  int *out)
{
    if (!doc || doc->failed)
        return -1;
    if (!n)
        return 0;
    if (n->kind == SCN_SCALAR)
        for (size_t i = 0; i < count; i++)
            if (strcmp(n->text, names[i]) == 0) {
                *out = (int)i;
                return 1;
            }
    char list[384];
    join(list, sizeof list, names, count);
    long s = n->kind == SCN_SCALAR ? suggest(n->text, names, count) : -1;
    if (s >= 0)
        return scn_fail(doc, n, "expected one of: %s (did you mean '%s'?)", list, names[s]);
    return scn_fail(doc, n, "expected one of: %s", list);
}

int scn_enum(scn_doc *doc, const scn_node *map, const char *key, const char *const *names,
             size_t n, int *out)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    return rc <= 0 ? rc : scn_node_enum(doc, v, names, n, out);
}

/* Years a scenario may name: month indices count from January 1970 (des_date_month_index),
 * and the horizon (at most 60 years) must keep 4-digit years. */
static int year_ok(int y)
{
    return y >= SCN_YEAR_MIN && y <= SCN_YEAR_MAX;
}

int scn_node_date(scn_doc *doc, const scn_node *n, des_date *out)
{
    if (!doc || doc->failed)
        return -1;
    if (!n)
        return 0;
    if (n->kind != SCN_SCALAR)
        return scn_fail(doc, n, "expected a date (YYYY-MM-DD)");
    des_date d;
    char q[SCN_QUOTE_MAX + 4];
    if (des_date_parse(n->text, &d) != 0)
        return scn_fail(doc, n, "expected a valid date (YYYY-MM-DD), got '%s'", clip(q, n->text));
    if (!year_ok(atoi(n->text)))
        return scn_fail(doc, n, "expected a date in %d-%d, got '%s'", SCN_YEAR_MIN,
                        SCN_YEAR_MAX, clip(q, n->text));
    *out = d;
    return 1;
}

int scn_date(scn_doc *doc, const scn_node *map, const char *key, des_date *out)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    return rc <= 0 ? rc : scn_node_date(doc, v, out);
}

/* ---- durations ---- */

static const char *const unit_names[] = { "days", "weeks", "months", "years" };
static const double unit_days[] = { 1.0, 7.0, 365.25 / 12.0, 365.25 };

/* "day"/"days"/... -> index, -1 if not a unit. */
static int parse_unit(const char *s)
{
    for (int i = 0; i < 4; i++) {
        size_t l = strlen(unit_names[i]);
        if (strcmp(s, unit_names[i]) == 0 || (strncmp(s, unit_names[i], l - 1) == 0 && s[l - 1] == '\0'))
            return i;
    }
    return -1;
}

/* "6 weeks" -> 42. */
static int parse_duration(const char *s, double *days)
{
    const char *sp = strchr(s, ' ');
    if (!sp || sp == s)
        return -1;
    char num[128];
    size_t l = (size_t)(sp - s);
    if (l >= sizeof num)
        return -1;
    memcpy(num, s, l);
    num[l] = '\0';
    while (*sp == ' ')
        sp++;
    double v;
    int u = parse_unit(sp);
    if (u < 0 || parse_number(num, &v, NULL))
        return -1;
    *days = v * unit_days[u];
    return 0;
}

static int unit_of(scn_doc *doc, const scn_node *map, const char *key, int *u)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    if (rc <= 0)
        return rc;
    int i = v->kind == SCN_SCALAR ? parse_unit(v->text) : -1;
    if (i < 0) {
        char list[64];
        return scn_fail(doc, v, "expected one of: %s", join(list, sizeof list, unit_names, 4));
    }
    *u = i;
    return 1;
}

#define DURATION_EXPECTED "expected a duration with a unit, e.g. '6 weeks'"

int scn_node_duration(scn_doc *doc, const scn_node *n, double lo_days, double hi_days,
                      double *days)
{
    if (!doc || doc->failed)
        return -1;
    if (!n)
        return 0;
    double d;
    if (n->kind == SCN_MAP) {
        double v;
        int u = 0, rc;
        if ((rc = scn_num(doc, n, "value", -HUGE_VAL, HUGE_VAL, &v)) < 0)
            return -1;
        if (rc == 0)
            return scn_fail_missing(doc, n, "value");
        if ((rc = unit_of(doc, n, "unit", &u)) < 0)
            return -1;
        if (rc == 0)
            return scn_fail_missing(doc, n, "unit");
        d = v * unit_days[u];
    } else if (n->kind != SCN_SCALAR || parse_duration(n->text, &d)) {
        return scn_fail(doc, n, DURATION_EXPECTED);
    }
    if (!(d >= lo_days && d <= hi_days)) {
        char r[128], a[40];
        return scn_fail(doc, n, "expected %s days, got %s days",
                        range_text(r, sizeof r, "a duration", lo_days, hi_days), fmt_num(a, d));
    }
    *days = d;
    return 1;
}

int scn_duration(scn_doc *doc, const scn_node *map, const char *key, double lo_days,
                 double hi_days, double *days)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    return rc <= 0 ? rc : scn_node_duration(doc, v, lo_days, hi_days, days);
}

/* ------------------------------------------------------------------------------------------ */
/* distributions                                                                              */

enum { D_CONSTANT, D_EXPONENTIAL, D_GAMMA, D_LOGNORMAL, D_WEIBULL, D_TRIANGULAR, D_UNIFORM,
       D_EMPIRICAL, D_DISCRETE, D_POISSON, D_BINOMIAL, D_COUNT };

static const char *const dist_names[D_COUNT] = {
    "constant", "exponential", "gamma", "lognormal", "weibull", "triangular", "uniform",
    "empirical", "discrete", "poisson", "binomial"
};

typedef struct dist_args {
    int kind;
    int gamma_shape_scale;         /* gamma given as {shape, scale} */
    double p[3];                   /* scalar parameters in the file's unit */
    const char *keys[3];           /* their keys, for positioning errors */
    double *xa, *xb;               /* table parameters (empirical x/cdf, discrete values/p) */
    size_t len;
    const char *ka, *kb;
    unsigned trials;
} dist_args;

/* Build with time-valued parameters multiplied by f. */
static int dist_build(const dist_args *a, double f, des_dist *d, des_error *e)
{
    const double *p = a->p;
    switch (a->kind) {
    case D_CONSTANT: return des_dist_constant(d, p[0] * f, e);
    case D_EXPONENTIAL: return des_dist_exponential(d, p[0] * f, e);
    case D_GAMMA:
        return a->gamma_shape_scale ? des_dist_gamma(d, p[0], p[1] * f, e)
                                    : des_dist_gamma_mean_sd(d, p[0] * f, p[1] * f, e);
    case D_LOGNORMAL: return des_dist_lognormal_mean_sd(d, p[0] * f, p[1] * f, e);
    case D_WEIBULL: return des_dist_weibull(d, p[0] * f, p[1], e);
    case D_TRIANGULAR: return des_dist_triangular(d, p[0] * f, p[1] * f, p[2] * f, e);
    case D_UNIFORM: return des_dist_uniform(d, p[0] * f, p[1] * f, e);
    case D_EMPIRICAL:
    case D_DISCRETE: {
        double *xs = malloc((a->len ? a->len : 1) * sizeof *xs);
        if (!xs)
            return des_error_set(e, DES_ENOMEM, "out of memory");
        for (size_t i = 0; i < a->len; i++)
            xs[i] = a->xa[i] * f;
        int rc = a->kind == D_EMPIRICAL ? des_dist_empirical(d, xs, a->xb, a->len, e)
                                        : des_dist_discrete(d, xs, a->xb, a->len, e);
        free(xs);
        return rc;
    }
    case D_POISSON: return des_dist_poisson(d, p[0], e);
    case D_BINOMIAL: return des_dist_binomial(d, p[0], a->trials, e);
    default: return des_error_set(e, DES_EINVAL, "unknown distribution");
    }
}

/* The node a constructor's message is about: the first 'name' or 'name[i]' it quotes that is
 * one of the parameters; else the distribution's mapping. */
static const scn_node *dist_culprit(const scn_node *map, const dist_args *a, const char *msg)
{
    for (const char *q = strchr(msg, '\''); q; q = strchr(q + 1, '\'')) {
        const char *start = q + 1, *end = strchr(start, '\'');
        if (!end)
            break;
        size_t l = 0;
        while (start + l < end && start[l] != '[')
            l++;
        const char *keys[5] = { a->keys[0], a->keys[1], a->keys[2], a->ka, a->kb };
        for (int k = 0; k < 5; k++) {
            if (!keys[k] || strlen(keys[k]) != l || strncmp(keys[k], start, l))
                continue;
            const scn_entry *e = find_entry(map, keys[k]);
            if (!e)
                continue;
            /* A table parameter: the item if the message names one, as 'x[2]' or x[2]. */
            for (const char *h = strstr(msg, keys[k]); h && e->value->kind == SCN_SEQ;
                 h = strstr(h + 1, keys[k])) {
                char before = h == msg ? ' ' : h[-1];
                if (h[l] != '[' || before == '_' || (before >= 'a' && before <= 'z') ||
                    (before >= 'A' && before <= 'Z') || (before >= '0' && before <= '9'))
                    continue;
                size_t i = strtoul(h + l + 1, NULL, 10);
                if (i < e->value->len)
                    return e->value->e[i].value;
            }
            return e->value;
        }
        q = end;
    }
    return map;
}

static int need_num(scn_doc *doc, const scn_node *map, const char *key, double *out)
{
    int rc = scn_num(doc, map, key, -HUGE_VAL, HUGE_VAL, out);
    return rc == 0 ? scn_fail_missing(doc, map, key) : rc;
}

/* A sequence of numbers under `key` (required). */
static int need_table(scn_doc *doc, const scn_node *map, const char *key, double **out,
                      size_t *len)
{
    const scn_node *s = NULL;
    int rc = scn_seq(doc, map, key, &s);
    if (rc == 0)
        return scn_fail_missing(doc, map, key);
    if (rc < 0)
        return -1;
    size_t n = scn_len(s);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return fail_nomem(doc);
    for (size_t i = 0; i < n; i++)
        if (scn_node_num(doc, s->e[i].value, -HUGE_VAL, HUGE_VAL, &v[i]) < 0) {
            free(v);
            return -1;
        }
    *out = v;
    *len = n;
    return 1;
}

int scn_node_dist(scn_doc *doc, const scn_node *n, des_dist *out)
{
    if (!doc || doc->failed)
        return -1;
    if (!n)
        return 0;
    des_error e;
    des_error_clear(&e);
    if (n->kind == SCN_SCALAR ||
        (n->kind == SCN_MAP && !find_entry(n, "dist") && find_entry(n, "value"))) {
        double days;
        if (scn_node_duration(doc, n, -HUGE_VAL, HUGE_VAL, &days) < 0)
            return -1;
        des_dist d;
        if (des_dist_constant(&d, days, &e))
            return scn_fail(doc, n, "%s", e.msg);
        *out = d;
        return 1;
    }
    if (n->kind != SCN_MAP)
        return scn_fail(doc, n, "expected a distribution (a duration, or a mapping with 'dist')");

    dist_args a;
    memset(&a, 0, sizeof a);
    int rc = scn_enum(doc, n, "dist", dist_names, D_COUNT, &a.kind);
    if (rc == 0)
        return scn_fail_missing(doc, n, "dist");
    if (rc < 0)
        return -1;
    int unit = 0;
    if (a.kind != D_POISSON && a.kind != D_BINOMIAL && unit_of(doc, n, "unit", &unit) < 0)
        return -1;
    static const char *const params[D_COUNT][3] = {
        [D_CONSTANT] = { "value" },        [D_EXPONENTIAL] = { "mean" },
        [D_GAMMA] = { "mean", "sd" },      [D_LOGNORMAL] = { "mean", "sd" },
        [D_WEIBULL] = { "scale", "shape" }, [D_TRIANGULAR] = { "min", "mode", "max" },
        [D_UNIFORM] = { "min", "max" },    [D_POISSON] = { "mean" },
        [D_BINOMIAL] = { "p" },
    };
    for (int k = 0; k < 3; k++)
        a.keys[k] = params[a.kind][k];
    if (a.kind == D_GAMMA) {
        int ss = find_entry(n, "shape") || find_entry(n, "scale");
        int ms = find_entry(n, "mean") || find_entry(n, "sd");
        if (ss && ms)
            return scn_fail(doc, n, "gamma takes either 'mean' and 'sd' or 'shape' and 'scale'");
        if (ss) {
            a.gamma_shape_scale = 1;
            a.keys[0] = "shape";
            a.keys[1] = "scale";
        }
    }
    for (int k = 0; k < 3; k++)
        if (a.keys[k] && need_num(doc, n, a.keys[k], &a.p[k]) < 0)
            return -1;
    if (a.kind == D_BINOMIAL) {
        long t = 0;
        rc = scn_int(doc, n, "n", 0, (long)UINT_MAX, &t);
        if (rc == 0)
            return scn_fail_missing(doc, n, "n");
        if (rc < 0)
            return -1;
        a.trials = (unsigned)t;
    }
    if (a.kind == D_EMPIRICAL || a.kind == D_DISCRETE) {
        size_t la = 0, lb = 0;
        a.ka = a.kind == D_EMPIRICAL ? "x" : "values";
        a.kb = a.kind == D_EMPIRICAL ? "cdf" : "p";
        if (need_table(doc, n, a.ka, &a.xa, &la) < 0)
            return -1;
        if (need_table(doc, n, a.kb, &a.xb, &lb) < 0) {
            free(a.xa);
            return -1;
        }
        a.len = la;
        if (la != lb) {
            free(a.xa);
            free(a.xb);
            return scn_fail(doc, scn_get(doc, n, a.kb), "expected %zu items (as many as '%s'), got %zu",
                            la, a.ka, lb);
        }
    }
    /* Validate in the file's own unit first, so that messages quote the numbers as written
     * (positive scaling preserves every constructor's domain), then build in days. */
    des_dist d;
    double f = unit_days[unit];
    rc = dist_build(&a, 1.0, &d, &e);
    if (rc == DES_OK && f != 1.0) {
        des_dist_free(&d);
        rc = dist_build(&a, f, &d, &e);
    }
    free(a.xa);
    free(a.xb);
    if (rc != DES_OK) {
        if (rc == DES_ENOMEM)
            return fail_nomem(doc);
        return scn_fail(doc, dist_culprit(n, &a, e.msg), "%s", e.msg);
    }
    *out = d;
    return 1;
}

int scn_dist(scn_doc *doc, const scn_node *map, const char *key, des_dist *out)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    return rc <= 0 ? rc : scn_node_dist(doc, v, out);
}

/* ------------------------------------------------------------------------------------------ */
/* shares and series                                                                          */

static int unknown_name(scn_doc *doc, const scn_entry *e,
                        const char *const *names, size_t n)
{
    long s = suggest(e->key, names, n);
    if (s >= 0)
        return fail_key(doc, e, "unknown key (did you mean '%s'?)", names[s]);
    char list[384];
    return fail_key(doc, e, "unknown key (expected one of: %s)",
                    join(list, sizeof list, names, n));
}

int scn_node_shares(scn_doc *doc, const scn_node *n, const char *const *names, size_t count,
                    double *out)
{
    if (!doc || doc->failed)
        return -1;
    if (!n)
        return 0;
    if (n->kind != SCN_MAP)
        return scn_fail(doc, n, "expected a mapping");
    double *v = calloc(count ? count : 1, sizeof *v);
    if (!v)
        return fail_nomem(doc);
    double sum = 0;
    for (size_t i = 0; i < n->len; i++) {
        scn_entry *e = &M(n)->e[i];
        size_t k = 0;
        while (k < count && strcmp(names[k], e->key) != 0)
            k++;
        if (k == count) {
            free(v);
            return unknown_name(doc, e, names, count);
        }
        e->known = 1;
        if (scn_node_num(doc, e->value, 0.0, 1.0, &v[k]) < 0) {
            free(v);
            return -1;
        }
        sum += v[k];
    }
    if (fabs(sum - 1.0) > 0.001) {
        free(v);
        char a[40];
        return scn_fail(doc, n, "shares must sum to 1, got %s", fmt_num(a, sum));
    }
    memcpy(out, v, count * sizeof *v);
    free(v);
    M(n)->consumed = 1;
    return 1;
}

int scn_shares(scn_doc *doc, const scn_node *map, const char *key, const char *const *names,
               size_t n, double *out)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    return rc <= 0 ? rc : scn_node_shares(doc, v, names, n, out);
}

/* A series key: a year (4 digits) or an ISO date. */
static int series_key(const char *s, des_date *d)
{
    if (strlen(s) == 4 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
        s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9') {
        int y = atoi(s);
        if (!year_ok(y))
            return -1;
        *d = des_date_from_ymd(y, 1, 1);
        return 0;
    }
    return des_date_parse(s, d) || !year_ok(atoi(s)) ? -1 : 0;
}

int scn_node_series(scn_doc *doc, const scn_node *n, double lo, double hi, scn_series *out)
{
    if (!doc || doc->failed)
        return -1;
    if (!n)
        return 0;
    if (n->kind != SCN_MAP) {
        double v;
        if (n->kind != SCN_SCALAR)
            return scn_fail(doc, n, "expected a number or a mapping from years or dates to numbers");
        if (scn_node_num(doc, n, lo, hi, &v) < 0)
            return -1;
        des_date *from = malloc(sizeof *from);
        double *val = malloc(sizeof *val);
        if (!from || !val) {
            free(from);
            free(val);
            return fail_nomem(doc);
        }
        from[0] = 0;
        val[0] = v;
        *out = (scn_series){ 1, from, val };
        return 1;
    }
    if (n->len == 0)
        return scn_fail(doc, n, "expected at least one step (year or date: value)");
    des_date *from = malloc(n->len * sizeof *from);
    double *val = malloc(n->len * sizeof *val);
    if (!from || !val) {
        free(from);
        free(val);
        return fail_nomem(doc);
    }
    for (size_t i = 0; i < n->len; i++) {
        scn_entry *e = &M(n)->e[i];
        e->known = 1;
        int rc = 0;
        if (series_key(e->key, &from[i]))
            rc = fail_key(doc, e, "expected a year or a date (YYYY-MM-DD) in %d-%d as key",
                          SCN_YEAR_MIN, SCN_YEAR_MAX);
        else if (i > 0 && from[i] <= from[i - 1])
            rc = fail_key(doc, e, "keys must be strictly increasing, got %s after %s", e->key,
                          n->e[i - 1].key);
        else if (scn_node_num(doc, e->value, lo, hi, &val[i]) < 0)
            rc = -1;
        if (rc < 0) {
            free(from);
            free(val);
            return -1;
        }
    }
    *out = (scn_series){ n->len, from, val };
    M(n)->consumed = 1;
    return 1;
}

int scn_series_get(scn_doc *doc, const scn_node *map, const char *key, double lo, double hi,
                   scn_series *out)
{
    scn_node *v = NULL;
    int rc = ask(doc, map, key, &v);
    return rc <= 0 ? rc : scn_node_series(doc, v, lo, hi, out);
}

void scn_series_free(scn_series *s)
{
    if (!s)
        return;
    free(s->from);
    free(s->value);
    *s = (scn_series){ 0, NULL, NULL };
}

double scn_series_at(const scn_series *s, des_date day)
{
    if (!s || s->n == 0)
        return 0.0;
    /* last i with from[i] <= day, by bisection on the strictly increasing steps */
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->from[mid] <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return s->value[lo ? lo - 1 : 0];
}

/* ------------------------------------------------------------------------------------------ */
/* unknown keys                                                                               */

static int check_node(scn_doc *doc, const scn_node *n)
{
    if (n->consumed)
        return 0;
    for (size_t i = 0; i < n->len; i++) {
        const scn_entry *e = &n->e[i];
        if (n->kind == SCN_MAP && !e->known) {
            const char *const *asked = (const char *const *)n->asked;
            long s = suggest(e->key, asked, n->nasked);
            if (s >= 0)
                return fail_key(doc, e, "unknown key (did you mean '%s'?)", asked[s]);
            if (n->nasked == 0)
                return fail_key(doc, e, "unknown key");
            char list[384];
            return fail_key(doc, e, "unknown key (expected one of: %s)",
                            join(list, sizeof list, asked, n->nasked));
        }
        if (check_node(doc, e->value))
            return -1;
    }
    return 0;
}

int scn_check_unknown(scn_doc *doc)
{
    if (!doc || doc->failed)
        return -1;
    if (doc->root && doc->root->kind == SCN_MAP) {
        /* `extends` was consumed by the loader; offer it as a suggestion for typos. */
        scn_node *v = NULL;
        ask(doc, doc->root, "extends", &v);
    }
    return doc->root ? check_node(doc, doc->root) : 0;
}

/* ------------------------------------------------------------------------------------------ */
/* dump                                                                                       */

/* Can s be written as a plain scalar and read back as the same text? (conservative) */
static int plain_ok(const char *s)
{
    if (!strncmp(s, "---", 3) || !strncmp(s, "...", 3))
        return 0;     /* could read as a document marker */
    if (!*s || strchr("-?:,[]{}#&*!|>'\"%@` \t", s[0]))
        return s[0] == '-' && s[1] && s[1] != ' ' && plain_ok(s + 1);
    size_t l = strlen(s);
    if (s[l - 1] == ' ' || s[l - 1] == ':')
        return 0;
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return 0;
        if ((p[0] == ':' && p[1] == ' ') || (p[0] == ' ' && p[1] == '#'))
            return 0;
    }
    return 1;
}

static void put_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        case '\r': fputs("\\r", f); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\x%02x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void put_scalar(FILE *f, const char *s, int quoted)
{
    if (quoted || !plain_ok(s))
        put_quoted(f, s);
    else
        fputs(s, f);
}

static void put_inline(FILE *f, const scn_node *n)
{
    if (n->kind == SCN_NULL)
        fputs("null", f);
    else if (n->kind == SCN_SCALAR)
        put_scalar(f, n->text, n->quoted);
    else
        fputs(n->kind == SCN_MAP ? "{}" : "[]", f);
}

static int is_block(const scn_node *n)
{
    return (n->kind == SCN_MAP || n->kind == SCN_SEQ) && n->len > 0;
}

static void dump_node(FILE *f, const scn_node *n, int indent, int inline_first);

static void dump_map(FILE *f, const scn_node *n, int indent, int inline_first)
{
    for (size_t i = 0; i < n->len; i++) {
        const scn_entry *e = &n->e[i];
        if (i > 0 || !inline_first)
            fprintf(f, "%*s", indent, "");
        put_scalar(f, e->key, e->kquoted);
        fputc(':', f);
        if (is_block(e->value)) {
            fputc('\n', f);
            dump_node(f, e->value, indent + 2, 0);
        } else {
            fputc(' ', f);
            put_inline(f, e->value);
            fputc('\n', f);
        }
    }
}

static void dump_seq(FILE *f, const scn_node *n, int indent, int inline_first)
{
    for (size_t i = 0; i < n->len; i++) {
        const scn_node *v = n->e[i].value;
        if (i > 0 || !inline_first)
            fprintf(f, "%*s", indent, "");
        fputs("- ", f);
        if (is_block(v)) {
            dump_node(f, v, indent + 2, 1);
        } else {
            put_inline(f, v);
            fputc('\n', f);
        }
    }
}

static void dump_node(FILE *f, const scn_node *n, int indent, int inline_first)
{
    if (n->kind == SCN_MAP && n->len)
        dump_map(f, n, indent, inline_first);
    else if (n->kind == SCN_SEQ && n->len)
        dump_seq(f, n, indent, inline_first);
    else {
        put_inline(f, n);
        fputc('\n', f);
    }
}

int scn_dump(const scn_doc *doc, FILE *out)
{
    if (!doc || !doc->root || !out)
        return -1;
    dump_node(out, doc->root, 0, 0);
    return ferror(out) ? -1 : 0;
}

/* One node as one line of flow YAML ({a: 1, b: [2, 3]}). O(nodes under n). */
void scn_flow(const scn_node *n, FILE *out)
{
    if (!n || !is_block(n)) {
        if (n)
            put_inline(out, n);
        return;
    }
    fputc(n->kind == SCN_MAP ? '{' : '[', out);
    for (size_t i = 0; i < n->len; i++) {
        if (i)
            fputs(", ", out);
        if (n->e[i].key) {
            put_scalar(out, n->e[i].key, n->e[i].kquoted);
            fputs(": ", out);
        }
        scn_flow(n->e[i].value, out);
    }
    fputc(n->kind == SCN_MAP ? '}' : ']', out);
}

scn_doc *scn_load_parent(const char *path, des_error *err)
{
    des_error_clear(err);
    des_error tmp;
    if (!err)
        err = &tmp;
    scn_doc *d = doc_new(path ? path : "");
    if (!d) {
        des_error_set(err, DES_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    loader ld = { d, 0 };
    char *buf = NULL;
    size_t len = 0;
    int oe = 0;
    scn_node *root = NULL;
    const char *file = intern(&ld, path);
    if (!file) {
        des_error_set(err, DES_ENOMEM, "%s: out of memory", path);
    } else if (read_file(path, &buf, &len) == 0) {
        root = parse_yaml(&ld, file, buf, len, err);
        free(buf);
    } else {
        oe = errno ? errno : EIO;
        des_error_set(err, oe == ENOMEM ? DES_ENOMEM : DES_EIO, "%s: cannot open (%s)", path,
                      reason(oe));
        oe = 0;
    }
    const scn_entry *ext = root ? find_entry(root, "extends") : NULL;
    if (root && (!ext || ext->value->kind != SCN_SCALAR || !*ext->value->text)) {
        set_at(err, DES_EINPUT, file, root->line, root->col, NULL,
               "does not extend another scenario (no 'extends: FILE')");
        node_free(root);
        root = NULL;
    }
    if (root) {
        const char *slash = strrchr(path, '/');
        const char *pt = ext->value->text;
        size_t need = strlen(path) + strlen(pt) + 2;
        char *ppath = malloc(need);
        if (ppath) {
            if (pt[0] == '/' || !slash)
                snprintf(ppath, need, "%s", pt);
            else
                snprintf(ppath, need, "%.*s/%s", (int)(slash - path), path, pt);
        }
        const scn_node *v = ext->value;
        scn_node *parent = ppath ? load_tree(&ld, ppath, NULL, err, &oe) : NULL;
        if (!parent && (oe || !ppath))
            set_at(err, oe == ENOMEM || !ppath ? DES_ENOMEM : DES_EIO, v->file, v->line,
                   v->col, "extends", "cannot open '%s' (%s)", pt, reason(oe ? oe : ENOMEM));
        free(ppath);
        node_free(root);
        root = parent;
    }
    return finish(d, root, err);
}
