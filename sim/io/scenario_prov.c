/* scenario_prov.c - the provenance of an opened scenario: the source text of every file read
 * and one row per value written, with the comment from its line and the lines above it.
 *
 * Rows come from the parsed documents the loader resolved (the top document, then each
 * authority template, keyed "template PATH: key"): every scalar leaf, and every flow collection
 * (`{a: 1, b: 2}` or `[1, 2]`) as one row, keyed by its dotted path; the note is the block of
 * comment lines directly above the value's line followed by the comment after '#' on that
 * line. Rows that drive the headline most (headline_drivers below) come first, then the rest
 * in file order. The files are read again as text for their
 * comments (YAML parsers drop them), by the names the parser used, never re-resolved.
 * O(size of the scenario files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "scenario_io.h"
#include "send_io.h"

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
    *text = b.s ? b.s : strdup("");
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

/* The text of a comment that starts at s (just after its '#'), without the blanks around it
 * and up to the end of its line: returns its start, its length in *len. */
static const char *comment_text(const char *s, size_t *len)
{
    while (*s == ' ' || *s == '\t')
        s++;
    const char *e = s;
    while (*e && *e != '\n')
        e++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    *len = (size_t)(e - s);
    return s;
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
            size_t n;
            const char *t = comment_text(s + 1, &n);
            char *out = malloc(n + 1);
            if (out) {
                memcpy(out, t, n);
                out[n] = '\0';
            }
            return out;
        }
    }
    return strdup("");
}

/* The comment of a line that holds nothing else (indentation, '#', text), trimmed; NULL if the
 * line holds anything but a comment (or is blank). */
static const char *comment_only(const char *line, size_t *len)
{
    const char *s = line;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s != '#')
        return NULL;
    return comment_text(s + 1, len);
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

/* A value's note: the comment lines directly above its line (a block with no blank line
 * between it and the value, top to bottom), then the comment on its own line, joined by a
 * space. Sources are often written above a long value rather than after it. */
static char *note_of(const walker *w, const scn_node *n, const char *line)
{
    const src_file *f = find_file(w, scn_file(n));
    int first = scn_line(n);
    size_t len;
    while (first > 1 && comment_only(f->lines[first - 1], &len))
        first--;
    io_buf b = {0};
    for (int i = first; i < scn_line(n); i++) {
        const char *c = comment_only(f->lines[i], &len);
        if (len) {
            if (b.n)
                io_buf_str(&b, " ");
            io_buf_add(&b, c, len);
        }
    }
    char *own = line_comment(line);
    if (own && *own) {
        if (b.n)
            io_buf_str(&b, " ");
        io_buf_str(&b, own);
    }
    free(own);
    if (!own || b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s ? b.s : strdup("");
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
    r->note = l ? note_of(w, n, l) : strdup("");
    r->file = strdup(scn_file(n) ? scn_file(n) : "");
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
    emit(w, n, b.s ? b.s : strdup(""));
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

/* The keys that drive the headline (EHCP caseload and the DSG high-needs balance) most, most first,
 * until a sensitivity analysis measures it: requests are the inflow every plan comes from
 * (trend and growth compound over the horizon), the panels decide the share that becomes plans,
 * ceasing how long plans last, placement the mix of costly provisions, and finance turns plans
 * into pounds against the grant. A row matches a key or anything below it. */
static const char *const headline_drivers[] = {
    "requests.trend", "requests.growth", "requests.hazard_by_age", "requests.direct",
    "d1_panel.refusal", "d2_panel.issue", "ceasing", "placement.choice", "finance.cost",
    "finance.grant", "finance.inflation", "finance.opening_balance", "new_places", "places",
};

static int driver_rank(const char *key)
{
    const int n = (int)(sizeof headline_drivers / sizeof headline_drivers[0]);
    if (!strncmp(key, "template ", 9) && strstr(key, ": "))
        key = strstr(key, ": ") + 2;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(headline_drivers[i]);
        if (!strncmp(key, headline_drivers[i], l) &&
            (key[l] == '\0' || key[l] == '.' || key[l] == '['))
            return i;
    }
    return n;
}

typedef struct ranked_row {
    int rank, idx;
    send_param_row row;
} ranked_row;

static int cmp_ranked(const void *pa, const void *pb)
{
    const ranked_row *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Drivers of the headline first (in the order above), then the rest in file order. */
static int order_by_driver(send_param_row *rows, int n)
{
    ranked_row *r = malloc((size_t)(n ? n : 1) * sizeof *r);
    if (!r)
        return -1;
    for (int i = 0; i < n; i++)
        r[i] = (ranked_row){ driver_rank(rows[i].key), i, rows[i] };
    qsort(r, (size_t)n, sizeof *r, cmp_ranked);
    for (int i = 0; i < n; i++)
        rows[i] = r[i].row;
    free(r);
    return 0;
}

void send_param_rows_free(send_param_row *rows, int n)
{
    for (int i = 0; i < n; i++) {
        free(rows[i].key);
        free(rows[i].value);
        free(rows[i].note);
        free(rows[i].file);
    }
    free(rows);
}

int send_scenario_provenance(send_scenario *s, des_error *err)
{
    walker w = {.doc = s->doc, .prefix = ""};
    io_buf src = {0};
    char *prefix = NULL;
    int rc = add_doc(&w, s->doc, "", &src, err);
    for (size_t i = 0; rc == DES_OK && i < s->n_templates; i++) {
        const char *tp = scn_path(s->templates[i]);
        size_t len = strlen(tp) + 16;
        free(prefix);
        prefix = malloc(len);
        if (!prefix) {
            rc = des_error_set(err, DES_ENOMEM, "cannot allocate the scenario's provenance");
            break;
        }
        snprintf(prefix, len, "template %s: ", tp); /* rows copy it into their own keys */
        rc = add_doc(&w, s->templates[i], prefix, &src, err);
    }
    free(prefix);
    if (rc == DES_OK && (w.oom || src.oom || order_by_driver(w.rows, w.n)))
        rc = des_error_set(err, DES_ENOMEM, "cannot allocate the scenario's provenance");
    if (rc == DES_OK) {
        s->source = src.s ? src.s : strdup("");
        s->rows = w.rows;
        s->n_rows = w.n;
        if (!s->source)
            rc = des_error_set(err, DES_ENOMEM, "cannot allocate the scenario's provenance");
    } else {
        free(src.s);
        send_param_rows_free(w.rows, w.n);
    }
    for (size_t i = 0; w.files && i < w.nfiles; i++) {
        free(w.files[i].text);
        free(w.files[i].lines);
    }
    free(w.files);
    return rc;
}
