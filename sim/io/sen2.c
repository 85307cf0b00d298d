/* sen2.c - SEN2 series files (the long format of the files in data/) read into memory.
 *
 * The whole file is read once into a buffer (so its SHA-256 is of exactly the bytes parsed),
 * then split into lines: '#' lines are comments, the first other line is the header, which
 * must name at least metric, period, period_type and value (la_name, new_la_code and
 * old_la_code make it a per-authority file; any other column, e.g. source_file, is ignored).
 * Fields follow RFC 4180 quoting. Each row is appended to its authority (keyed by old code,
 * else new code, else name), metric names are interned once per file, and at the end each
 * authority's rows are sorted by (metric, period) so lookups are binary searches and duplicate
 * rows are found as neighbours. Invariants after a successful read: every metric has one kind;
 * no authority has two rows for one (metric, period). Reading is O(n log n) in rows; a lookup
 * O(log n) in the rows of one authority.
 *
 * A single-authority file (no la_* columns) takes its authority's name and codes from its
 * first comment when that reads "# NAME local authority (old LA code X, new code Y)" or
 * "# NAME (..." (England): otherwise the name is the file's base name.
 */
#include "send_sen2.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "des_pool.h"
#include "scenario_io.h"
#include "send_io.h"

#define PERIOD_MIN 1900
#define PERIOD_MAX 2200
#define NEAR_MAX 5

typedef struct row {
    int metric, period;
    double value;
    long line;
} row;

typedef struct la_rec {
    send_sen2_la pub;
    char *name, *new_code, *old_code, *region;
    row *rows;
    size_t n, cap;
} la_rec;

struct send_sen2 {
    char *path;
    char sha[2 * SHA256_DIGEST_SIZE + 1];
    char **metrics;  /* interned names */
    int *kinds;      /* per metric */
    size_t n_metrics, cap_metrics;
    la_rec *las;
    size_t n_las, cap_las;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static char *dupstr(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    if (d)
        strcpy(d, s);
    return d;
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static void lower(char *dst, size_t len, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < len; i++)
        dst[i] = (char)tolower((unsigned char)s[i]);
    dst[i] = '\0';
}

/* Split one line (no line break) into fields in place; quoted fields are unquoted. Returns the
 * number of fields (up to max), or -1 for an unterminated quote. */
static int split_fields(char *s, char **f, int max)
{
    int n = 0;
    for (;;) {
        char *out = s, *start = s;
        if (*s == '"') {
            s++;
            for (;;) {
                if (!*s)
                    return -1;
                if (*s == '"') {
                    if (s[1] == '"') {
                        *out++ = '"';
                        s += 2;
                        continue;
                    }
                    s++;
                    break;
                }
                *out++ = *s++;
            }
            while (*s && *s != ',') /* text after a closing quote: kept verbatim */
                *out++ = *s++;
        } else {
            while (*s && *s != ',')
                out++, s++;
        }
        int more = *s == ',';
        *out = '\0';
        if (n < max)
            f[n] = start;
        n++;
        if (!more)
            break;
        s++;
    }
    return n;
}

static const char *basename_of(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* ---- building ----------------------------------------------------------------------------- */

static long metric_id(send_sen2 *d, const char *name, int kind)
{
    for (size_t i = d->n_metrics; i-- > 0;)
        if (!strcmp(d->metrics[i], name))
            return (long)i;
    if (des_grow((void **)&d->metrics, &d->cap_metrics, d->n_metrics + 1, sizeof *d->metrics))
        return -1;
    int *k = realloc(d->kinds, d->cap_metrics * sizeof *k); /* kinds keeps metrics' capacity */
    if (!k)
        return -1;
    d->kinds = k;
    char *s = dupstr(name);
    if (!s)
        return -1;
    d->metrics[d->n_metrics] = s;
    d->kinds[d->n_metrics] = kind;
    return (long)d->n_metrics++;
}

static long la_add(send_sen2 *d, const char *name, const char *new_code, const char *old_code)
{
    if (des_grow((void **)&d->las, &d->cap_las, d->n_las + 1, sizeof *d->las))
        return -1;
    la_rec *r = &d->las[d->n_las];
    memset(r, 0, sizeof *r);
    r->name = dupstr(name);
    r->new_code = dupstr(new_code);
    r->old_code = dupstr(old_code);
    r->region = dupstr("");
    if (!r->name || !r->new_code || !r->old_code || !r->region) {
        free(r->name), free(r->new_code), free(r->old_code), free(r->region);
        return -1;
    }
    return (long)d->n_las++;
}

/* The authority a row belongs to: same old code (else new code, else name) as a known one. */
static long la_of(send_sen2 *d, long last, const char *name, const char *new_code,
                  const char *old_code)
{
    const char *key = *old_code ? old_code : *new_code ? new_code : name;
    int which = *old_code ? 0 : *new_code ? 1 : 2;
    for (size_t k = 0; k < d->n_las + 1; k++) {
        long i = k == 0 ? last : (long)k - 1;
        if (i < 0 || (size_t)i >= d->n_las)
            continue;
        const la_rec *r = &d->las[i];
        const char *have = which == 0 ? r->old_code : which == 1 ? r->new_code : r->name;
        if (!strcmp(have, key))
            return i;
    }
    return la_add(d, name, new_code, old_code);
}

static int cmp_row(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->metric != y->metric)
        return x->metric < y->metric ? -1 : 1;
    if (x->period != y->period)
        return x->period < y->period ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* "# Leicestershire local authority (old LA code 855, new code E10000018). ..." */
static void header_identity(const char *comment, char *name, size_t nlen, char *oldc,
                            size_t olen, char *newc, size_t clen)
{
    while (*comment == '#' || *comment == ' ')
        comment++;
    const char *end = strstr(comment, " local authority (");
    if (!end)
        end = strstr(comment, " (");
    if (!end || end == comment)
        return;
    snprintf(name, nlen, "%.*s", (int)(end - comment), comment);
    const char *o = strstr(end, "old LA code ");
    if (o)
        sscanf(o + 12, "%15[0-9]", oldc), (void)olen;
    const char *c = strstr(end, "new code ");
    if (c)
        sscanf(c + 9, "%15[A-Za-z0-9]", newc), (void)clen;
}

/* Region of each authority from la-coverage.csv beside the data file, when it is there. */
static void read_regions(send_sen2 *d)
{
    const char *b = basename_of(d->path);
    size_t dl = (size_t)(b - d->path);
    char *p = malloc(dl + 32);
    if (!p)
        return;
    snprintf(p, dl + 32, "%.*sla-coverage.csv", (int)dl, d->path);
    FILE *f = fopen(p, "r");
    free(p);
    if (!f)
        return;
    char line[2048], *fl[16];
    int col_old = -1, col_region = -1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#')
            continue;
        int n = split_fields(line, fl, 16);
        if (n < 0)
            break;
        if (col_old < 0) {
            for (int i = 0; i < n && i < 16; i++) {
                if (!strcmp(fl[i], "old_la_code"))
                    col_old = i;
                if (!strcmp(fl[i], "region_name"))
                    col_region = i;
            }
            if (col_old < 0 || col_region < 0)
                break;
            continue;
        }
        if (n <= col_old || n <= col_region)
            continue;
        for (size_t i = 0; i < d->n_las; i++)
            if (!strcmp(d->las[i].old_code, fl[col_old])) {
                char *r = dupstr(fl[col_region]);
                if (r) {
                    free(d->las[i].region);
                    d->las[i].region = r;
                }
            }
    }
    fclose(f);
}

enum { COL_NAME, COL_NEW, COL_OLD, COL_METRIC, COL_PERIOD, COL_TYPE, COL_VALUE, NCOLS };
static const char *const col_names[NCOLS] = {"la_name", "new_la_code", "old_la_code", "metric",
                                             "period", "period_type", "value"};
#define MAX_FIELDS 64

static int parse(send_sen2 *d, char *buf, size_t len, des_error *err)
{
    const char *path = d->path;
    int col[NCOLS];
    int ncols = 0, have_header = 0, per_la = 0;
    char name1[256] = "", old1[16] = "", new1[16] = "";
    int first_comment = 1;
    long cur = -1;
    long lineno = 0;
    char *s = buf, *end = buf + len;
    while (s < end) {
        char *nl = memchr(s, '\n', (size_t)(end - s));
        char *next = nl ? nl + 1 : end;
        if (nl)
            *nl = '\0';
        else
            *end = '\0';
        size_t l = strlen(s);
        if (l && s[l - 1] == '\r')
            s[--l] = '\0';
        lineno++;
        char *line = s;
        s = next;
        if (line[0] == '#') {
            if (first_comment && !have_header)
                header_identity(line, name1, sizeof name1, old1, sizeof old1, new1,
                                sizeof new1);
            first_comment = 0;
            continue;
        }
        if (!line[0])
            continue;
        char *f[MAX_FIELDS];
        int n = split_fields(line, f, MAX_FIELDS);
        if (n < 0)
            return des_error_set(err, DES_EINPUT, "%s:%ld: expected a closing '\"'", path,
                                 lineno);
        if (!have_header) {
            if (n > MAX_FIELDS)
                return des_error_set(err, DES_EINPUT, "%s:%ld: expected at most %d columns",
                                     path, lineno, MAX_FIELDS);
            for (int c = 0; c < NCOLS; c++) {
                col[c] = -1;
                for (int i = 0; i < n; i++)
                    if (!strcmp(f[i], col_names[c]))
                        col[c] = i;
            }
            for (int c = COL_METRIC; c < NCOLS; c++)
                if (col[c] < 0)
                    return des_error_set(err, DES_EINPUT,
                                         "%s:%ld: expected a header with columns metric, "
                                         "period, period_type and value (no '%s')",
                                         path, lineno, col_names[c]);
            int la_cols = (col[COL_NAME] >= 0) + (col[COL_NEW] >= 0) + (col[COL_OLD] >= 0);
            if (la_cols != 0 && la_cols != 3)
                return des_error_set(err, DES_EINPUT,
                                     "%s:%ld: expected all of la_name, new_la_code and "
                                     "old_la_code or none (no '%s')",
                                     path, lineno,
                                     col[COL_NAME] < 0  ? "la_name"
                                     : col[COL_NEW] < 0 ? "new_la_code"
                                                        : "old_la_code");
            per_la = la_cols == 3;
            if (!per_la) {
                if (!name1[0])
                    snprintf(name1, sizeof name1, "%s", basename_of(path));
                cur = la_add(d, name1, new1, old1);
                if (cur < 0)
                    return des_error_set(err, DES_ENOMEM, "out of memory reading '%s'", path);
            }
            ncols = n;
            have_header = 1;
            continue;
        }
        if (n != ncols)
            return des_error_set(err, DES_EINPUT, "%s:%ld: expected %d fields as in the header, "
                                 "found %d", path, lineno, ncols, n);
        const char *metric = f[col[COL_METRIC]];
        if (!metric[0])
            return des_error_set(err, DES_EINPUT, "%s:%ld: metric: expected a name, found an "
                                 "empty field", path, lineno);
        const char *type = f[col[COL_TYPE]];
        int kind;
        if (!strcmp(type, "jan_caseload"))
            kind = SEND_SEN2_JAN;
        else if (!strcmp(type, "calendar_year_activity"))
            kind = SEND_SEN2_CY;
        else
            return des_error_set(err, DES_EINPUT,
                                 "%s:%ld: period_type: expected jan_caseload or "
                                 "calendar_year_activity, found '%s'",
                                 path, lineno, type);
        char *e;
        const char *ps = f[col[COL_PERIOD]];
        errno = 0;
        long period = strtol(ps, &e, 10);
        if (!ps[0] || *e || errno || period < PERIOD_MIN || period > PERIOD_MAX)
            return des_error_set(err, DES_EINPUT, "%s:%ld: period: expected a year %d-%d, "
                                 "found '%s'", path, lineno, PERIOD_MIN, PERIOD_MAX, ps);
        const char *vs = f[col[COL_VALUE]];
        errno = 0;
        double v = strtod(vs, &e);
        if (!vs[0] || *e || errno || !isfinite(v))
            return des_error_set(err, DES_EINPUT, "%s:%ld: value: expected a number, found "
                                 "'%s'", path, lineno, vs);
        if (per_la) {
            const char *nm = f[col[COL_NAME]], *nc = f[col[COL_NEW]], *oc = f[col[COL_OLD]];
            if (!nm[0] && !nc[0] && !oc[0])
                return des_error_set(err, DES_EINPUT, "%s:%ld: expected an authority "
                                     "(la_name, new_la_code or old_la_code)", path, lineno);
            cur = la_of(d, cur, nm, nc, oc);
            if (cur < 0)
                return des_error_set(err, DES_ENOMEM, "out of memory reading '%s'", path);
        }
        long m = metric_id(d, metric, kind);
        if (m < 0)
            return des_error_set(err, DES_ENOMEM, "out of memory reading '%s'", path);
        if (d->kinds[m] != kind)
            return des_error_set(err, DES_EINPUT,
                                 "%s:%ld: period_type: expected %s for metric '%s' as on its "
                                 "earlier rows, found '%s'",
                                 path, lineno,
                                 d->kinds[m] == SEND_SEN2_JAN ? "jan_caseload"
                                                              : "calendar_year_activity",
                                 metric, type);
        la_rec *r = &d->las[cur];
        if (des_grow((void **)&r->rows, &r->cap, r->n + 1, sizeof *r->rows))
            return des_error_set(err, DES_ENOMEM, "out of memory reading '%s'", path);
        r->rows[r->n++] = (row){.metric = (int)m, .period = (int)period, .value = v,
                                .line = lineno};
    }
    if (!have_header)
        return des_error_set(err, DES_EINPUT, "%s:%ld: expected a header line (metric,period,"
                             "period_type,value,...)", path, lineno);
    /* Sort, then report the duplicate found on the earliest line. */
    long dup_line = 0, dup_first = 0;
    size_t dup_la = 0;
    const row *dup = NULL;
    for (size_t i = 0; i < d->n_las; i++) {
        la_rec *r = &d->las[i];
        if (r->n > 1) /* qsort of a NULL array is undefined even for 0 rows */
            qsort(r->rows, r->n, sizeof *r->rows, cmp_row);
        for (size_t k = 1; k < r->n; k++)
            if (r->rows[k].metric == r->rows[k - 1].metric &&
                r->rows[k].period == r->rows[k - 1].period &&
                (!dup_line || r->rows[k].line < dup_line)) {
                dup_line = r->rows[k].line;
                dup_first = r->rows[k - 1].line;
                dup = &r->rows[k];
                dup_la = i;
            }
    }
    if (dup) {
        const la_rec *r = &d->las[dup_la];
        return des_error_set(err, DES_EINPUT,
                             "%s:%ld: expected one row per authority, metric and period: "
                             "'%s' %s %d repeats line %ld",
                             path, dup_line, *r->old_code ? r->old_code : r->name,
                             d->metrics[dup->metric], dup->period, dup_first);
    }
    return DES_OK;
}

/* ---- public ------------------------------------------------------------------------------- */

send_sen2 *send_sen2_read(const char *path, des_error *err)
{
    size_t len = 0;
    char *buf = io_read_file(path, &len, err);
    if (!buf)
        return NULL;
    send_sen2 *d = calloc(1, sizeof *d);
    if (!d || !(d->path = dupstr(path))) {
        free(d);
        free(buf);
        des_error_set(err, DES_ENOMEM, "out of memory reading '%s'", path);
        return NULL;
    }
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)buf);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(d->sha + 2 * i, 3, "%02x", digest[i]);
    int rc = parse(d, buf, len, err);
    free(buf);
    if (rc != DES_OK) {
        send_sen2_free(d);
        return NULL;
    }
    read_regions(d);
    for (size_t i = 0; i < d->n_las; i++) {
        la_rec *r = &d->las[i];
        r->pub = (send_sen2_la){r->name, r->new_code, r->old_code, r->region};
    }
    return d;
}

void send_sen2_free(send_sen2 *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_las; i++) {
        la_rec *r = &d->las[i];
        free(r->name), free(r->new_code), free(r->old_code), free(r->region), free(r->rows);
    }
    for (size_t i = 0; i < d->n_metrics; i++)
        free(d->metrics[i]);
    free(d->metrics);
    free(d->kinds);
    free(d->las);
    free(d->path);
    free(d);
}

const char *send_sen2_path(const send_sen2 *d) { return d->path; }
const char *send_sen2_sha256(const send_sen2 *d) { return d->sha; }
size_t send_sen2_count(const send_sen2 *d) { return d->n_las; }

const send_sen2_la *send_sen2_la_at(const send_sen2 *d, size_t i)
{
    return i < d->n_las ? &d->las[i].pub : NULL;
}

const char *send_sen2_la_code(const send_sen2_la *a)
{
    return a->old_code[0] ? a->old_code : a->new_code;
}

static long metric_index(const send_sen2 *d, const char *metric)
{
    for (size_t i = 0; i < d->n_metrics; i++)
        if (!strcmp(d->metrics[i], metric))
            return (long)i;
    return -1;
}

int send_sen2_metric_kind(const send_sen2 *d, const char *metric)
{
    long m = metric_index(d, metric);
    return m < 0 ? -1 : d->kinds[m];
}

static int published(int kind, int period, int as_of)
{
    return as_of <= 0 || period <= send_sen2_last_period((send_sen2_kind)kind, as_of);
}

double send_sen2_value(const send_sen2 *d, size_t la, const char *metric, int period, int as_of)
{
    long m = metric_index(d, metric);
    if (m < 0 || la >= d->n_las || !published(d->kinds[m], period, as_of))
        return NAN;
    const la_rec *r = &d->las[la];
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const row *x = &r->rows[mid];
        if (x->metric < m || (x->metric == m && x->period < period))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < r->n && r->rows[lo].metric == m && r->rows[lo].period == period)
        return r->rows[lo].value;
    return NAN;
}

int send_sen2_span(const send_sen2 *d, size_t la, const char *metric, int as_of, int *first,
                   int *last)
{
    long m = metric_index(d, metric);
    if (m < 0 || la >= d->n_las)
        return 0;
    const la_rec *r = &d->las[la];
    int found = 0;
    for (size_t k = 0; k < r->n; k++) {
        const row *x = &r->rows[k];
        if (x->metric != m || !published(d->kinds[m], x->period, as_of))
            continue;
        if (!found)
            *first = x->period;
        *last = x->period;
        found = 1;
    }
    return found;
}

/* ---- finding an authority ------------------------------------------------------------------ */

long send_sen2_find(const send_sen2 *d, const char *key, des_error *err)
{
    if (!key || !key[0]) {
        des_error_set(err, DES_EINPUT, "expected an authority code or name, found ''");
        return -1;
    }
    for (size_t i = 0; i < d->n_las; i++)
        if ((d->las[i].old_code[0] && !strcmp(d->las[i].old_code, key)) ||
            (d->las[i].new_code[0] && ieq(d->las[i].new_code, key)))
            return (long)i;
    long hit = -1;
    int nhit = 0;
    for (size_t i = 0; i < d->n_las; i++)
        if (ieq(d->las[i].name, key)) {
            if (!nhit)
                hit = (long)i;
            nhit++;
        }
    if (nhit == 1)
        return hit;
    char msg[DES_ERROR_MSG_MAX];
    size_t off = 0;
#define ADDF(...)                                                                             \
    do {                                                                                      \
        if (off < sizeof msg) {                                                               \
            int w_ = snprintf(msg + off, sizeof msg - off, __VA_ARGS__);                     \
            off += w_ > 0 ? (size_t)w_ : 0;                                                   \
        }                                                                                     \
    } while (0)
    if (nhit > 1) {
        ADDF("authority '%s' is ambiguous in '%s': give its code (", key, d->path);
        int k = 0;
        for (size_t i = 0; i < d->n_las; i++)
            if (ieq(d->las[i].name, key))
                ADDF("%s%s %s%s%s%s", k++ ? ", " : "", d->las[i].old_code, d->las[i].name,
                     d->las[i].new_code[0] ? " [" : "", d->las[i].new_code,
                     d->las[i].new_code[0] ? "]" : "");
        ADDF(")");
        des_error_set(err, DES_EINPUT, "%s", msg);
        return -1;
    }
    /* Near matches: names containing the key (or contained in it) first, then the smallest
     * edit distances within max(2, len/3); ties in file order. */
    char lk[256], ln[256];
    lower(lk, sizeof lk, key);
    size_t klen = strlen(lk), limit = klen / 3 > 2 ? klen / 3 : 2;
    size_t best[NEAR_MAX], score[NEAR_MAX], nb = 0;
    for (size_t i = 0; i < d->n_las; i++) {
        lower(ln, sizeof ln, d->las[i].name);
        size_t sc;
        if (klen >= 3 && (strstr(ln, lk) || strstr(lk, ln)))
            sc = 0;
        else {
            size_t dist = scn_edit_distance(lk, ln);
            if (dist > limit)
                continue;
            sc = dist;
        }
        size_t pos = nb;
        while (pos > 0 && score[pos - 1] > sc)
            pos--;
        if (pos >= NEAR_MAX)
            continue;
        size_t last = nb < NEAR_MAX ? nb : NEAR_MAX - 1;
        for (size_t j = last; j > pos; j--)
            best[j] = best[j - 1], score[j] = score[j - 1];
        best[pos] = i, score[pos] = sc;
        if (nb < NEAR_MAX)
            nb++;
    }
    ADDF("unknown authority '%s' in '%s'", key, d->path);
    if (nb) {
        ADDF(" (did you mean ");
        for (size_t j = 0; j < nb; j++) {
            const la_rec *r = &d->las[best[j]];
            ADDF("%s'%s' (%s)", j ? ", " : "", r->name, send_sen2_la_code(&r->pub));
        }
        ADDF("?)");
    } else {
        ADDF(": expected an old LA code (855), a new code (E10000018) or a name");
    }
#undef ADDF
    des_error_set(err, DES_EINPUT, "%s", msg);
    return -1;
}
