/* scenario_load.c - a scenario file (YAML, with `extends`) opened into a send_scenario.
 *
 * The reading is driven by the table of keys (send_keys.h): every row that maps onto a
 * parameter is read, in table order, with the scenario_io getter of its type and the row's
 * range, so every bad value is reported at its own file position; anything nobody asked for is
 * then an unknown key (with the nearest valid key suggested). A priorable key may hold a prior
 * ({prior: uniform, min, max} ...), kept in send_params with its central value in the parameter.
 * Structured sections and rules across keys (areas, shocks, places, a build that names no pool,
 * first sittings, level-4 funding, initial totals, observed, authorities) are code below, which
 * still takes each value's range from the table. Finally send_params_check() re-checks the
 * model's own invariants. O(keys x path length + size of the scenario).
 *
 * A scenario with an `authorities` section keeps only its name, description, horizon and
 * observed history at the top; each listed authority is its template scenario (a one-authority
 * scenario file, read once however many authorities name it) loaded into its own send_params,
 * with the top-level horizon and the entry's size factors applied. Errors inside a template are
 * reported at their own position in the template file. O(authorities x size of a template).
 */
#include "send_scenario.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "scenario_io.h"
#include "send_keys.h"

#define MAX_AUTHORITIES 1000
#define PANEL_UNLIMITED 1000000 /* the loader's largest panel capacity, and the default */

/* Template documents read for an `authorities` list, by real path. */
typedef struct tmpl_cache {
    size_t n, cap;
    char **real;
    scn_doc **doc;
} tmpl_cache;

typedef struct loader {
    scn_doc *doc;
    send_params *p;
    const char *area_names[SEND_MAX_AREAS];
    tmpl_cache *tmpl;  /* NULL while loading a template itself */
    int ext_failed;    /* ext_err holds an error found in another file (a template) */
    des_error ext_err;
} loader;

static const scn_node *section(loader *L, const scn_node *map, const char *key)
{
    const scn_node *n = NULL;
    scn_map(L->doc, map, key, &n);
    return n;
}

static int steps_from(loader *L, const scn_node *map, const char *key, double lo, double hi,
                      send_steps *out)
{
    scn_series s = {0};
    int rc = scn_series_get(L->doc, map, key, lo, hi, &s);
    if (rc == 1) {
        if (s.n > SEND_STEPS_MAX) {
            rc = scn_fail(L->doc, scn_get(L->doc, map, key), "at most %d steps expected, got %zu",
                          SEND_STEPS_MAX, s.n);
        } else {
            memset(out, 0, sizeof *out);
            out->n = (int)s.n;
            for (size_t i = 0; i < s.n; i++) {
                out->from[i] = s.from[i];
                out->value[i] = s.value[i];
            }
        }
    }
    scn_series_free(&s);
    return rc;
}

static int dist_from(loader *L, const scn_node *map, const char *key, des_dist *out)
{
    des_dist d;
    int rc = scn_dist(L->doc, map, key, &d);
    if (rc == 1) {
        if (d.kind == DES_DIST_POISSON || d.kind == DES_DIST_BINOMIAL) {
            des_dist_free(&d);
            return scn_fail(L->doc, scn_get(L->doc, map, key), "expected a duration distribution");
        }
        des_dist_free(out);
        *out = d;
    }
    return rc;
}

/* The age written at the start of s (digits only; more than three digits read as 1000, out of
 * any range, instead of overflowing: "4294967297" is not 1). Returns the text after the
 * digits, or NULL if s does not start with one. */
static const char *age_digits(const char *s, int *age)
{
    int n = 0, v = 0;
    for (; s[n] >= '0' && s[n] <= '9'; n++)
        v = v < 1000 ? v * 10 + (s[n] - '0') : 1000;
    *age = v > 1000 ? 1000 : v;
    return n ? s + n : NULL;
}

/* A mapping of ages ("7") or age ranges ("5-10") to numbers, written into v[0..25]. */
static int age_table(loader *L, const scn_node *map, const char *key, double lo, double hi,
                     double *v)
{
    const scn_node *t = NULL;
    int rc = scn_map(L->doc, map, key, &t);
    if (rc != 1)
        return rc;
    for (size_t i = 0; i < scn_len(t); i++) {
        const char *k = scn_key_at(t, i);
        const scn_node *val = scn_at(L->doc, t, i);
        int a0, a1;
        const char *rest = age_digits(k, &a0);
        if (rest && *rest == '-' && age_digits(rest + 1, &a1) && !*age_digits(rest + 1, &a1)) {
        } else if (rest && !*rest) {
            a1 = a0;
        } else {
            return scn_fail(L->doc, val,
                            "expected an age (e.g. '7') or an age range (e.g. '5-10')");
        }
        if (a0 < 0 || a1 > SEND_MAX_AGE || a0 > a1) {
            return scn_fail(L->doc, val, "ages must lie in 0-%d", SEND_MAX_AGE);
        }
        double x;
        if (scn_node_num(L->doc, val, lo, hi, &x) != 1)
            return -1;
        for (int a = a0; a <= a1; a++)
            v[a] = x;
    }
    return 1;
}

/* A mapping name -> number over a vocabulary, written into v[] (absent names keep v). */
static int named_numbers(loader *L, const scn_node *map, const char *key,
                         const char *const *names, int n, double lo, double hi, double *v)
{
    const scn_node *t = NULL;
    int rc = scn_map(L->doc, map, key, &t);
    for (int i = 0; rc == 1 && i < n; i++)
        if (scn_num(L->doc, t, names[i], lo, hi, &v[i]) < 0)
            rc = -1;
    return rc;
}

static int area_index(loader *L, const scn_node *item, const char *key, int *out)
{
    const scn_node *n = scn_get(L->doc, item, key);
    if (!n) {
        *out = -1;
        return 0;
    }
    const char *names[SEND_MAX_AREAS + 1];
    int k = 0;
    names[k++] = "any";
    for (int a = 0; a < L->p->n_areas; a++)
        names[k++] = L->area_names[a];
    int idx;
    if (scn_node_enum(L->doc, n, names, (size_t)k, &idx) != 1)
        return -1;
    *out = idx - 1;
    return 1;
}

static int need_index(loader *L, const scn_node *item, const char *key, int *out)
{
    const scn_node *n = scn_get(L->doc, item, key);
    if (!n) {
        *out = -1;
        return 0;
    }
    const char *names[NEED_COUNT + 1];
    names[0] = "any";
    for (int i = 0; i < NEED_COUNT; i++)
        names[i + 1] = send_need_names[i];
    int idx;
    if (scn_node_enum(L->doc, n, names, NEED_COUNT + 1, &idx) != 1)
        return -1;
    *out = idx - 1;
    return 1;
}

/* ---- keys of the table -------------------------------------------------------------------- */

/* The row of a key the code below reads itself, or NULL with an error recorded (the table and
 * this file are one unit: test_scenario_load's fixtures reach every such row). */
static const send_key *row(loader *L, const char *path)
{
    const send_key *k = send_key_find(path);
    if (!k)
        scn_fail(L->doc, NULL, "internal error: '%s' is not in the table of keys", path);
    return k;
}

/* The mapping that holds path's last component, asking for each parent section in turn (NULL
 * when a parent is absent); *leaf is set to the last component. */
static const scn_node *parent_of(loader *L, const scn_node *root, const char *path,
                                 const char **leaf)
{
    const scn_node *m = root;
    const char *s = path, *dot;
    char part[SEND_NAME_MAX];
    while ((dot = strchr(s, '.')) != NULL && m) {
        int n = (int)(dot - s);
        snprintf(part, sizeof part, "%.*s", n, s);
        m = section(L, m, part);
        s = dot + 1;
    }
    *leaf = strrchr(path, '.') ? strrchr(path, '.') + 1 : path;
    return m;
}

/* A mapping that names a prior: {prior: KIND, ...}. */
static int is_prior(const scn_node *n)
{
    if (scn_kind_of(n) != SCN_MAP)
        return 0;
    for (size_t i = 0; i < scn_len(n); i++)
        if (!strcmp(scn_key_at(n, i), "prior"))
            return 1;
    return 0;
}

/* {prior: uniform, min, max} or {prior: normal|lognormal|beta, mean, sd} for key k: the prior is
 * kept in the parameters and its central value written to dst. */
static int load_prior(loader *L, const scn_node *n, const send_key *k, void *dst)
{
    send_params *p = L->p;
    if (!(k->flags & SEND_KEY_PRIORABLE))
        return scn_fail(L->doc, n, "a prior is not allowed here (not a priorable key; see "
                                   "scenarios/KEYS.md)");
    int kind;
    if (scn_enum(L->doc, n, "prior", send_prior_kind_names, SEND_PRIOR_KIND_COUNT, &kind) != 1)
        return -1;
    const char *an = kind == SEND_PRIOR_UNIFORM ? "min" : "mean";
    const char *bn = kind == SEND_PRIOR_UNIFORM ? "max" : "sd";
    send_prior pr = {.key = send_key_index(k), .kind = (send_prior_kind)kind};
    if (scn_num(L->doc, n, an, -HUGE_VAL, HUGE_VAL, &pr.a) == 0)
        scn_fail_missing(L->doc, n, an);
    if (scn_num(L->doc, n, bn, -HUGE_VAL, HUGE_VAL, &pr.b) == 0)
        scn_fail_missing(L->doc, n, bn);
    if (!scn_ok(L->doc))
        return -1;
    des_error perr;
    if (send_prior_check(&pr, &perr) != DES_OK)
        return scn_fail(L->doc, n, "%s", perr.msg);
    for (int i = 0; i < p->n_priors; i++)
        if (p->priors[i].key == pr.key)
            return scn_fail(L->doc, n, "a second prior for this key");
    if (p->n_priors >= SEND_MAX_PRIORS)
        return scn_fail(L->doc, n, "at most %d priors expected", SEND_MAX_PRIORS);
    p->priors[p->n_priors++] = pr;
    double c = send_prior_centre(&pr);
    if (k->type == SEND_KEY_SERIES)
        send_steps_const(dst, c);
    else
        *(double *)dst = c;
    return 1;
}

/* Read key k, written as `leaf` in map, into dst (its field or a caller's variable) with the
 * row's type and range. A required key missing from a present map is an error. Returns the
 * getter's 1 / 0 / -1. */
static int load_key(loader *L, const scn_node *map, const send_key *k, const char *leaf,
                    void *dst)
{
    scn_doc *d = L->doc;
    int rc = 0;
    long v;
    if (!k)
        return -1;
    if (send_key_is_numeric(k) || k->type == SEND_KEY_NUMBER || k->type == SEND_KEY_SHARE) {
        const scn_node *n = scn_get(d, map, leaf);
        if (is_prior(n))
            return load_prior(L, n, k, dst);
    }
    switch (k->type) {
    case SEND_KEY_NUMBER:
    case SEND_KEY_SHARE:
        rc = scn_num(d, map, leaf, k->lo, k->hi, dst);
        break;
    case SEND_KEY_INTEGER:
        rc = scn_int(d, map, leaf, (long)k->lo, (long)k->hi, &v);
        if (rc == 1)
            *(int *)dst = (int)v;
        break;
    case SEND_KEY_BOOL:
        rc = scn_bool(d, map, leaf, dst);
        break;
    case SEND_KEY_DATE:
        rc = scn_date(d, map, leaf, dst);
        break;
    case SEND_KEY_DURATION:
        rc = scn_duration(d, map, leaf, k->lo, k->hi, dst);
        break;
    case SEND_KEY_CHOICE:
        rc = scn_enum(d, map, leaf, k->names, (size_t)k->n_names, dst);
        break;
    case SEND_KEY_SERIES:
        rc = steps_from(L, map, leaf, k->lo, k->hi, dst);
        break;
    case SEND_KEY_DIST:
        rc = dist_from(L, map, leaf, dst);
        break;
    case SEND_KEY_AGE_TABLE:
        rc = age_table(L, map, leaf, k->lo, k->hi, dst);
        break;
    case SEND_KEY_TABLE:
        rc = named_numbers(L, map, leaf, k->names, k->n_names, k->lo, k->hi, dst);
        break;
    case SEND_KEY_SHARES:
        rc = scn_shares(d, map, leaf, k->names, (size_t)k->n_names, dst);
        break;
    default:
        return 0;
    }
    if (rc == 0 && map && (k->flags & SEND_KEY_REQUIRED))
        rc = scn_fail_missing(d, map, leaf);
    return rc;
}

/* A field of a list item (a "list[].key" row) into a caller's variable. */
static int item_key(loader *L, const scn_node *item, const char *path, void *dst)
{
    const char *leaf = strrchr(path, '.') + 1;
    return load_key(L, item, row(L, path), leaf, dst);
}

/* Every row the table maps straight onto a parameter, in table order. */
static void load_table_keys(loader *L, const scn_node *root)
{
    for (size_t i = 0; i < send_key_count() && scn_ok(L->doc); i++) {
        const send_key *k = send_key_at(i);
        if ((k->flags & SEND_KEY_CODED) || k->offset == SEND_KEY_NO_FIELD ||
            k->type == SEND_KEY_SECTION || k->type == SEND_KEY_LIST)
            continue;
        const char *leaf;
        const scn_node *map = parent_of(L, root, k->path, &leaf);
        load_key(L, map, k, leaf, (char *)L->p + k->offset);
    }
}

/* ---- sections with rules across keys -------------------------------------------------------- */

static void load_top(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const char *name;
    if (scn_str(L->doc, root, "name", &name) == 1) {
        if (strlen(name) >= sizeof p->name)
            scn_fail(L->doc, scn_get(L->doc, root, "name"), "at most %zu characters expected",
                     sizeof p->name - 1);
        else
            strcpy(p->name, name);
    }
    /* A name inherited through `extends` (or none) would make this scenario's results
     * overwrite its parent's: a file without its own name is named after its stem. */
    const scn_node *own = scn_get(L->doc, root, "name");
    const char *top = scn_file_at(L->doc, 0);
    if (top && (!own || strcmp(scn_file(own), top) != 0)) {
        const char *base = strrchr(top, '/') ? strrchr(top, '/') + 1 : top;
        size_t n = strlen(base);
        if (n > 5 && !strcmp(base + n - 5, ".yaml"))
            n -= 5;
        else if (n > 4 && !strcmp(base + n - 4, ".yml"))
            n -= 4;
        snprintf(p->name, sizeof p->name, "%.*s", (int)n, base);
    }
    const char *desc;
    scn_str(L->doc, root, "description", &desc);
    /* Reported at the root mapping, whose key path is empty: name the key in the message. */
    if (scn_date(L->doc, root, "start", &p->start) == 0)
        scn_fail(L->doc, root, "start: missing key (expected a date, YYYY-MM-DD)");
    if (scn_date(L->doc, root, "end", &p->end) == 0)
        scn_fail(L->doc, root, "end: missing key (expected a date, YYYY-MM-DD)");
    if (!scn_ok(L->doc))
        return;
    int y, m, d;
    des_date_to_ymd(p->start, &y, &m, &d);
    if (d != 1)
        scn_fail(L->doc, scn_get(L->doc, root, "start"), "expected the first day of a month");
    else if (p->end < p->start)
        scn_fail(L->doc, scn_get(L->doc, root, "end"), "expected a date after 'start'");
    else if (p->end - p->start > 366 * 60)
        scn_fail(L->doc, scn_get(L->doc, root, "end"), "expected a horizon of at most 60 years");
    /* the table's default for the levers' `from` */
    p->ei_from = p->start;
    p->indep_reduction_from = p->start;
    p->edge_from = p->start;
}

static void load_areas(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *seq = NULL;
    if (scn_seq(L->doc, root, "areas", &seq) != 1)
        return;
    size_t n = scn_len(seq);
    if (n < 1 || n > SEND_MAX_AREAS) {
        scn_fail(L->doc, seq, "between 1 and %d areas expected, got %zu", SEND_MAX_AREAS, n);
        return;
    }
    p->n_areas = (int)n;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const scn_node *it = scn_at(L->doc, seq, i);
        const char *name = NULL;
        if (scn_str(L->doc, it, "name", &name) == 0)
            scn_fail_missing(L->doc, it, "name");
        item_key(L, it, "areas[].share", &p->areas[i].share);
        if (!scn_ok(L->doc))
            return;
        if (strlen(name) >= SEND_NAME_MAX || !strcmp(name, "any")) {
            scn_fail(L->doc, scn_get(L->doc, it, "name"),
                     "expected a name of fewer than %d characters other than 'any'",
                     SEND_NAME_MAX);
            return;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(L->area_names[j], name)) {
                scn_fail(L->doc, scn_get(L->doc, it, "name"), "area '%s' is listed twice", name);
                return;
            }
        strcpy(p->areas[i].name, name);
        L->area_names[i] = p->areas[i].name;
        sum += p->areas[i].share;
    }
    if (fabs(sum - 1) > 1e-3)
        scn_fail(L->doc, seq, "area shares must sum to 1, got %g", sum);
}

static void load_shocks(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *seq = NULL;
    if (scn_seq(L->doc, section(L, root, "requests"), "shocks", &seq) != 1)
        return;
    size_t n = scn_len(seq);
    if (n > SEND_MAX_SHOCKS) {
        scn_fail(L->doc, seq, "at most %d shocks expected", SEND_MAX_SHOCKS);
        return;
    }
    p->n_shocks = (int)n;
    for (size_t i = 0; i < n; i++) {
        const scn_node *it = scn_at(L->doc, seq, i);
        send_shock *k = &p->shocks[i];
        item_key(L, it, "requests.shocks[].from", &k->from);
        item_key(L, it, "requests.shocks[].to", &k->to);
        item_key(L, it, "requests.shocks[].multiplier", &k->multiplier);
        if (scn_ok(L->doc) && k->to <= k->from)
            scn_fail(L->doc, scn_get(L->doc, it, "to"), "expected a date after 'from'");
    }
}

/* The first sitting of a panel, as days after the start. */
static void load_first_sitting(loader *L, const scn_node *root, const char *path, double *first)
{
    const char *leaf;
    const scn_node *s = parent_of(L, root, path, &leaf);
    des_date d;
    if (load_key(L, s, row(L, path), leaf, &d) == 1) {
        if (d < L->p->start)
            scn_fail(L->doc, scn_get(L->doc, s, leaf), "expected a date on or after 'start'");
        *first = (double)(d - L->p->start);
    }
}

static const char *const transfer_keys[4] = {"age_4", "age_11", "age_16", "age_19"};

static void load_placement(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *s = section(L, root, "placement");
    const scn_node *ch = section(L, s, "choice");
    for (int ph = 0; ph < PHASE_COUNT; ph++)
        if (p->choice[ph][PROV_AWAITING] > 0)
            scn_fail(L->doc, scn_get(L->doc, ch, send_phase_names[ph]),
                     "'awaiting' is not a provision that can be chosen");
    const scn_node *pt = section(L, s, "phase_transfer");
    for (int k = 0; k < 4; k++) {
        const scn_node *t = section(L, pt, transfer_keys[k]);
        for (int f = 0; f < PROV_COUNT; f++)
            if (scn_shares(L->doc, t, send_provision_names[f], send_provision_names, PROV_COUNT,
                           p->transfer[k][f]) == 1)
                p->transfer_set[k][f] = 1;
    }
}

static void load_places(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *seq = NULL;
    if (scn_seq(L->doc, root, "places", &seq) == 1) {
        size_t n = scn_len(seq);
        if (n > SEND_MAX_POOLS) {
            scn_fail(L->doc, seq, "at most %d place pools expected", SEND_MAX_POOLS);
            return;
        }
        for (size_t i = 0; i < n && scn_ok(L->doc); i++) {
            const scn_node *it = scn_at(L->doc, seq, i);
            send_pool_spec *ps = &p->pools[i];
            item_key(L, it, "places[].provision", &ps->provision);
            area_index(L, it, "area", &ps->area);
            need_index(L, it, "need", &ps->need);
            item_key(L, it, "places[].places", &ps->places);
            if (!scn_ok(L->doc))
                return;
            for (size_t j = 0; j < i; j++)
                if (p->pools[j].provision == ps->provision && p->pools[j].area == ps->area &&
                    p->pools[j].need == ps->need) {
                    scn_fail(L->doc, it, "a pool with this provision, area and need is given twice");
                    return;
                }
            p->n_pools = (int)i + 1;
        }
    }
    if (scn_seq(L->doc, root, "new_places", &seq) == 1) {
        size_t n = scn_len(seq);
        if (n > SEND_MAX_BUILDS) {
            scn_fail(L->doc, seq, "at most %d new-place entries expected", SEND_MAX_BUILDS);
            return;
        }
        for (size_t i = 0; i < n && scn_ok(L->doc); i++) {
            const scn_node *it = scn_at(L->doc, seq, i);
            send_build *b = &p->builds[i];
            int count = 0;
            item_key(L, it, "new_places[].provision", &b->provision);
            area_index(L, it, "area", &b->area);
            need_index(L, it, "need", &b->need);
            item_key(L, it, "new_places[].count", &count);
            item_key(L, it, "new_places[].opens", &b->opens);
            if (scn_get(L->doc, it, "delay"))
                b->has_delay = item_key(L, it, "new_places[].delay", &b->delay) == 1;
            if (!scn_ok(L->doc))
                return;
            b->count = count;
            p->n_builds = (int)i + 1;
            int found = 0;
            for (int k = 0; k < p->n_pools; k++)
                found |= p->pools[k].provision == b->provision && p->pools[k].area == b->area &&
                         p->pools[k].need == b->need;
            if (!found) {
                scn_fail(L->doc, it,
                         "no entry in 'places' has this provision, area and need (add one, with "
                         "its current places)");
                return;
            }
        }
    }
}

static void load_level4_funding(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const send_key *k = row(L, "level4.funding");
    const char *leaf;
    if (!k)
        return;
    const scn_node *s = parent_of(L, root, k->path, &leaf);
    double f[3];
    if (scn_shares(L->doc, s, leaf, k->names, (size_t)k->n_names, f) == 1) {
        p->l4_share_education = f[0];
        p->l4_share_social = f[1];
        p->l4_share_health = f[2];
    }
}

/* finance: place funding only for provisions that have it, a band for every need or none, and
 * the allocation as consecutive financial years ("2019-20") with no gaps. */
static void load_finance(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    p->fee_cap_active = section(L, section(L, root, "levers"), "fee_cap") != NULL;
    const scn_node *fin = section(L, root, "finance");
    if (!fin || !scn_ok(L->doc))
        return;
    const send_key *k = row(L, "finance.place_funding");
    const scn_node *t = section(L, fin, "place_funding");
    for (int q = 0; k && t && q < PROV_COUNT; q++) {
        const scn_node *v = scn_get(L->doc, t, send_provision_names[q]);
        if (!v || scn_node_num(L->doc, v, k->lo, k->hi, &p->place_funding[q]) != 1)
            continue;
        if (!send_provision_has_place_funding(q) && p->place_funding[q] != 0) {
            scn_fail(L->doc, v, "no place funding for this provision (expected it only for "
                                "special, resourced, ap, fe_college or specialist_post16)");
            return;
        }
    }
    t = section(L, section(L, fin, "bands"), "by_need");
    const scn_node *missing = NULL;
    int miss_n = -1;
    for (int n = 0; t && n < NEED_COUNT; n++) {
        const scn_node *v = scn_get(L->doc, t, send_need_names[n]);
        long b;
        if (!v) {
            if (!missing)
                missing = t, miss_n = n;
            continue;
        }
        if (scn_node_int(L->doc, v, 1, SEND_BANDS, &b) != 1)
            return;
        p->band_of_need[n] = (double)b;
    }
    if (missing && scn_len(t) > 0) {
        scn_fail(L->doc, missing, "the bands must cover every need: expected a band 1-%d for '%s'",
                 SEND_BANDS, send_need_names[miss_n]);
        return;
    }
    const scn_node *g = section(L, fin, "grant");
    k = row(L, "finance.grant.allocation");
    t = section(L, g, "allocation");
    for (size_t i = 0; k && t && i < scn_len(t); i++) {
        const char *key = scn_key_at(t, i);
        const scn_node *v = scn_at(L->doc, t, i);
        int y = 0, yy = 0, used = 0;
        if (sscanf(key, "%4d-%2d%n", &y, &yy, &used) != 2 || key[used] != '\0' || used != 7 ||
            yy != (y + 1) % 100 || y < 1900 || y > 2200) {
            scn_fail(L->doc, v, "expected a financial year (YYYY-YY) as the period");
            return;
        }
        if (i == 0) {
            p->grant_fy0 = y;
        } else if (y != p->grant_fy0 + (int)i) {
            int w = p->grant_fy0 + (int)i;
            scn_fail(L->doc, v, "expected %04d-%02d next: the allocation must give every year "
                                "without gaps",
                     w, (w + 1) % 100);
            return;
        }
        if (i >= SEND_GRANT_MAX) {
            scn_fail(L->doc, v, "at most %d financial years expected", SEND_GRANT_MAX);
            return;
        }
        if (scn_node_num(L->doc, v, k->lo, k->hi, &p->grant_fy[i]) != 1)
            return;
        p->grant_n = (int)i + 1;
    }
    if (p->grant_n > 0 && scn_get(L->doc, g, "base"))
        scn_fail(L->doc, scn_get(L->doc, g, "base"),
                 "give either finance.grant.allocation or finance.grant.base, not both");
}

static void check_initial(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *s = section(L, root, "initial");
    if (!scn_ok(L->doc) || !s)
        return;
    double a = 0, b = 0;
    for (int i = 0; i < BAND_COUNT; i++)
        a += p->initial_band[i];
    for (int i = 0; i < PROV_COUNT; i++)
        b += p->initial_prov[i];
    if (fabs(a - b) > 0.5) {
        const scn_node *at = scn_get(L->doc, s, "ehcp_by_placement");
        scn_fail(L->doc, at ? at : s, "placements must add up to the plans by age (%g), got %g",
                 a, b);
    }
}

/* observed: {metric: {period: value}}: periods written as the metric's CSV labels. */
static void load_observed(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const send_key *key = row(L, "observed");
    const scn_node *s = section(L, root, "observed");
    for (size_t i = 0; key && s && i < scn_len(s); i++) {
        const char *name = scn_key_at(s, i);
        const scn_node *series = scn_at(L->doc, s, i);
        int metric = send_metric_find(name);
        if (metric < 0) {
            scn_fail(L->doc, series, "unknown metric (expected a metric name listed in docs/guide.md)");
            return;
        }
        if (scn_kind_of(series) != SCN_MAP) {
            scn_fail(L->doc, series, "expected a mapping of periods to values");
            return;
        }
        send_period_kind kind = send_metric(metric)->kind;
        static const char *const want[] = {"a month (YYYY-MM)", "a calendar year (YYYY)",
                                           "a financial year (YYYY-YY)"};
        for (size_t j = 0; j < scn_len(series); j++) {
            const char *k = scn_key_at(series, j);
            const scn_node *val = scn_at(L->doc, series, j);
            int y = 0, m = 0, used = 0, ok = 0;
            des_date start = 0;
            if (kind == SEND_MONTHLY) {
                ok = sscanf(k, "%4d-%2d%n", &y, &m, &used) == 2 && k[used] == '\0' && m >= 1 &&
                     m <= 12 && used == 7 && y >= SCN_YEAR_MIN && y <= SCN_YEAR_MAX;
                if (ok)
                    start = des_date_from_ymd(y, m, 1);
            } else if (kind == SEND_CY) {
                ok = sscanf(k, "%4d%n", &y, &used) == 1 && k[used] == '\0' && used == 4 &&
                     y >= SCN_YEAR_MIN && y <= SCN_YEAR_MAX;
                if (ok)
                    start = des_date_from_ymd(y, 1, 1);
            } else {
                ok = sscanf(k, "%4d-%2d%n", &y, &m, &used) == 2 && k[used] == '\0' &&
                     used == 7 && m == (y + 1) % 100;
                if (ok)
                    start = des_date_from_ymd(y, 4, 1);
            }
            if (!ok || y < 1900 || y > 2200) {
                scn_fail(L->doc, val, "expected %s as the period of '%s'", want[kind], name);
                return;
            }
            double x;
            if (scn_node_num(L->doc, val, key->lo, key->hi, &x) != 1)
                return;
            if (p->n_obs >= SEND_MAX_OBS) {
                scn_fail(L->doc, val, "at most %d observed values expected", SEND_MAX_OBS);
                return;
            }
            p->obs[p->n_obs++] = (send_obs){.metric = metric, .start = start, .value = x};
        }
    }
}

/* ensemble.discrepancy.correlation (optional): one row per metric, in the metrics' order, of
 * numbers in [-1, 1], 1 on the diagonal, symmetric and positive definite; correlation_n. */
static int load_correlation(scn_doc *doc, const scn_node *d, send_discrepancy *q)
{
    const scn_node *cr = NULL;
    long v = 0;
    if (scn_seq(doc, d, "correlation", &cr) < 0)
        return -1;
    if (scn_int(doc, d, "correlation_n", 0, 100000000, &v) < 0)
        return -1;
    if (!cr)
        return 0;
    q->corr_n = (int)v;
    int k = q->n_metrics;
    if (scn_len(cr) != (size_t)k)
        return scn_fail(doc, cr, "expected %d rows, one per metric", k);
    for (int a = 0; a < k; a++) {
        const scn_node *row = scn_at(doc, cr, (size_t)a);
        if (scn_kind_of(row) != SCN_SEQ || scn_len(row) != (size_t)k)
            return scn_fail(doc, row, "expected a list of %d numbers (one per metric)", k);
        for (int b = 0; b < k; b++) {
            const scn_node *it = scn_at(doc, row, (size_t)b);
            if (scn_node_num(doc, it, -1, 1, &q->corr[a][b]) != 1)
                return -1;
            if (a == b && q->corr[a][b] != 1)
                return scn_fail(doc, it, "expected 1 on the diagonal");
            if (b < a && q->corr[a][b] != q->corr[b][a])
                return scn_fail(doc, it, "expected %.17g, as in row %d column %d (the matrix is "
                                "symmetric)", q->corr[b][a], b + 1, a + 1);
        }
    }
    double kept = send_discrepancy_factor(q);
    if (kept < 0)
        return scn_fail(doc, cr, "cannot allocate the correlation's factor");
    if (kept != 1)
        return scn_fail(doc, cr, "expected a positive-definite correlation matrix");
    q->has_corr = 1;
    return 0;
}

/* ensemble.discrepancy: {as_of, origins: [YEAR, ...], authorities, replications,
 * levels: [l, ...], metrics: {METRIC: {n: [count by horizon], quantiles: [[q, ...], ...],
 * growth: g (default 1), growth_from: term|naive (default naive), growth_spread: [s, ...],
 * own_spread: [s, ...]}}, own_replications}:
 * levels strictly increasing in (0, 1); one row of len(levels) log-ratio quantiles per horizon
 * 1, 2, ..., each row non-decreasing. */
static send_discrepancy *load_discrepancy(scn_doc *doc, const scn_node *s)
{
    const scn_node *d = NULL, *lv = NULL, *org = NULL, *ms = NULL;
    if (scn_map(doc, s, "discrepancy", &d) != 1)
        return NULL;
    if (scn_seq(doc, d, "levels", &lv) == 0)
        scn_fail_missing(doc, d, "levels");
    if (scn_map(doc, d, "metrics", &ms) == 0)
        scn_fail_missing(doc, d, "metrics");
    scn_seq(doc, d, "origins", &org);
    if (!scn_ok(doc))
        return NULL;
    send_discrepancy *q = calloc(1, sizeof *q);
    if (!q) {
        scn_fail(doc, d, "cannot allocate the discrepancy term");
        return NULL;
    }
    long v;
    if (scn_int(doc, d, "as_of", 1990, 2100, &v) == 1)
        q->as_of = (int)v;
    if (scn_int(doc, d, "authorities", 0, 100000, &v) == 1)
        q->authorities = (int)v;
    if (scn_int(doc, d, "replications", 0, 10000000, &v) == 1)
        q->replications = (int)v;
    if (scn_int(doc, d, "own_replications", 0, 10000000, &v) == 1)
        q->own_replications = (int)v;
    if (scn_len(org) > SEND_DISC_H) {
        scn_fail(doc, org, "expected at most %d origins", SEND_DISC_H);
        goto bad;
    }
    q->n_origins = (int)scn_len(org);
    for (int i = 0; i < q->n_origins; i++) {
        if (scn_node_int(doc, scn_at(doc, org, (size_t)i), 1990, 2100, &v) != 1)
            goto bad;
        q->origins[i] = (int)v;
    }
    q->n_q = (int)scn_len(lv);
    if (q->n_q < 2 || q->n_q > SEND_DISC_Q) {
        scn_fail(doc, lv, "expected between 2 and %d levels", SEND_DISC_Q);
        goto bad;
    }
    for (int i = 0; i < q->n_q; i++) {
        const scn_node *it = scn_at(doc, lv, (size_t)i);
        if (scn_node_num(doc, it, 1e-9, 1 - 1e-9, &q->levels[i]) != 1)
            goto bad;
        if (i > 0 && !(q->levels[i] > q->levels[i - 1])) {
            scn_fail(doc, it, "expected levels in increasing order");
            goto bad;
        }
    }
    if (scn_len(ms) > SEND_DISC_METRICS) {
        scn_fail(doc, ms, "expected at most %d metrics", SEND_DISC_METRICS);
        goto bad;
    }
    for (size_t m = 0; m < scn_len(ms); m++) {
        const scn_node *one = scn_at(doc, ms, m), *nn = NULL, *qs = NULL;
        int metric = send_metric_find(scn_key_at(ms, m));
        if (metric < 0) {
            scn_fail(doc, one, "unknown metric (expected a metric name listed in the README)");
            goto bad;
        }
        if (scn_seq(doc, one, "quantiles", &qs) == 0)
            scn_fail_missing(doc, one, "quantiles");
        scn_seq(doc, one, "n", &nn);
        const scn_node *gs = NULL, *os = NULL;
        scn_seq(doc, one, "growth_spread", &gs);
        scn_seq(doc, one, "own_spread", &os);
        if (!scn_ok(doc))
            goto bad;
        q->growth[m] = 1; /* a term written without it: the spread grows linearly */
        if (scn_num(doc, one, "growth", 0, 3, &q->growth[m]) < 0)
            goto bad;
        if (scn_len(gs) > SEND_DISC_H) {
            scn_fail(doc, gs, "expected at most %d horizons", SEND_DISC_H);
            goto bad;
        }
        q->growth_h[m] = (int)scn_len(gs);
        static const char *const from_names[] = {"naive", "term"};
        if (scn_enum(doc, one, "growth_from", from_names, 2, &q->growth_term[m]) < 0)
            goto bad;
        for (size_t h = 0; h < scn_len(gs); h++)
            if (scn_node_num(doc, scn_at(doc, gs, h), 0, 100, &q->growth_spread[m][h]) != 1)
                goto bad;
        if (scn_len(os) > SEND_DISC_H) {
            scn_fail(doc, os, "expected at most %d horizons", SEND_DISC_H);
            goto bad;
        }
        q->n_own[m] = (int)scn_len(os);
        for (size_t h = 0; h < scn_len(os); h++)
            if (scn_node_num(doc, scn_at(doc, os, h), 0, 100, &q->own[m][h]) != 1)
                goto bad;
        size_t nh = scn_len(qs);
        if (nh < 1 || nh > SEND_DISC_H || (nn && scn_len(nn) != nh)) {
            scn_fail(doc, qs, "expected between 1 and %d horizons (and as many counts in n)",
                     SEND_DISC_H);
            goto bad;
        }
        q->metric[m] = metric;
        q->n_h[m] = (int)nh;
        for (size_t h = 0; h < nh; h++) {
            const scn_node *row = scn_at(doc, qs, h);
            if (scn_kind_of(row) != SCN_SEQ || scn_len(row) != (size_t)q->n_q) {
                scn_fail(doc, row, "expected a list of %d quantiles (one per level)", q->n_q);
                goto bad;
            }
            for (int i = 0; i < q->n_q; i++) {
                const scn_node *it = scn_at(doc, row, (size_t)i);
                if (scn_node_num(doc, it, -50, 50, &q->q[m][h][i]) != 1)
                    goto bad;
                if (i > 0 && q->q[m][h][i] < q->q[m][h][i - 1]) {
                    scn_fail(doc, it, "expected quantiles in non-decreasing order");
                    goto bad;
                }
            }
            if (nn) {
                if (scn_node_int(doc, scn_at(doc, nn, h), 0, 100000000, &v) != 1)
                    goto bad;
                q->n[m][h] = (int)v;
            }
        }
        q->n_metrics = (int)m + 1;
    }
    if (load_correlation(doc, d, q) != 0)
        goto bad;
    return q;
bad:
    free(q);
    return NULL;
}

/* The position of a file in the extends chain: 0 the top file, 1 its parent, ... */
static size_t chain_depth(const scn_doc *doc, const char *file)
{
    size_t i = 0;
    for (const char *f; (f = scn_file_at(doc, i)) != NULL; i++)
        if (file && !strcmp(f, file))
            return i;
    return i;
}

/* Keys of the ensemble that a file extending the ensemble's own sets itself: a lever on a
 * calibrated baseline (`d1_panel.refusal` as a series from 2026) means its value, so the key is
 * not drawn; its column is removed from every set (the set is still drawn for the rest, with
 * the same uniform, so common random numbers hold for the other keys). */
static void drop_overridden(loader *L, const scn_node *root, const scn_node *ens,
                            send_ensemble *e)
{
    size_t depth = chain_depth(L->doc, scn_file(ens));
    int nk = e->n_keys, kept = 0;
    int keep[SEND_ENSEMBLE_KEYS];
    for (int k = 0; k < nk; k++) {
        const char *leaf;
        const scn_node *m = parent_of(L, root, e->paths[k], &leaf);
        const scn_node *v = m && scn_kind_of(m) == SCN_MAP ? scn_get(L->doc, m, leaf) : NULL;
        keep[k] = !v || chain_depth(L->doc, scn_file(v)) >= depth;
        if (!keep[k]) {
            int o = e->n_overridden++;
            strcpy(e->overridden[o], e->paths[k]);
            snprintf(e->overridden_at[o], sizeof e->overridden_at[o], "%.255s:%d", scn_file(v),
                     scn_line(v));
        }
    }
    if (e->n_overridden == 0)
        return;
    for (int i = 0; i < e->n_sets; i++)
        for (int k = 0; k < nk; k++)
            if (keep[k])
                e->values[kept++] = e->values[(size_t)i * nk + k];
    kept = 0;
    for (int k = 0; k < nk; k++)
        if (keep[k] && kept++ != k)
            strcpy(e->paths[kept - 1], e->paths[k]);
    e->n_keys = kept;
}

/* ensemble: {keys: [path, ...], sets: [[v, ...], ...], weights: [...], method, data, sha256,
 * as_of, fit: {...}} - every value checked against its key's range; weights normalised. */
static void load_ensemble(loader *L, const scn_node *root)
{
    scn_doc *doc = L->doc;
    const scn_node *s = NULL, *keys = NULL, *sets = NULL, *wts = NULL, *fit = NULL;
    if (scn_map(doc, root, "ensemble", &s) != 1)
        return;
    if (scn_seq(doc, s, "keys", &keys) == 0)
        scn_fail_missing(doc, s, "keys");
    if (scn_seq(doc, s, "sets", &sets) == 0)
        scn_fail_missing(doc, s, "sets");
    scn_seq(doc, s, "weights", &wts);
    if (scn_map(doc, s, "fit", &fit) == 1)
        scn_consume(doc, fit);
    if (!scn_ok(doc))
        return;
    size_t nk = scn_len(keys), ns = scn_len(sets);
    if (nk < 1 || nk > SEND_ENSEMBLE_KEYS) {
        scn_fail(doc, keys, "expected between 1 and %d key paths, got %zu", SEND_ENSEMBLE_KEYS,
                 nk);
        return;
    }
    if (ns < 1) {
        scn_fail(doc, sets, "expected at least one set of values");
        return;
    }
    send_ensemble *e = calloc(1, sizeof *e);
    const send_key *row[SEND_ENSEMBLE_KEYS];
    if (e) {
        e->values = malloc(ns * nk * sizeof *e->values);
        e->weights = malloc(ns * sizeof *e->weights);
    }
    if (!e || !e->values || !e->weights) {
        send_ensemble_free(e);
        scn_fail(doc, s, "cannot allocate %zu sets", ns);
        return;
    }
    L->p->ensemble = e;
    e->n_keys = (int)nk;
    e->n_sets = (int)ns;
    for (size_t k = 0; k < nk; k++) {
        const scn_node *it = scn_at(doc, keys, k);
        const char *path = NULL;
        if (scn_node_str(doc, it, &path) != 1)
            return;
        row[k] = send_key_find(path);
        if (!row[k] || !send_key_is_numeric(row[k]) || strlen(path) >= SEND_PATH_MAX) {
            scn_fail(doc, it, "expected the path of a numeric scenario key, got '%s'", path);
            return;
        }
        for (size_t j = 0; j < k; j++)
            if (!strcmp(e->paths[j], path)) {
                scn_fail(doc, it, "key '%s' is listed twice", path);
                return;
            }
        strcpy(e->paths[k], path);
    }
    for (size_t i = 0; i < ns; i++) {
        const scn_node *set = scn_at(doc, sets, i);
        if (scn_kind_of(set) != SCN_SEQ || scn_len(set) != nk) {
            scn_fail(doc, set, "expected a list of %zu values (one per key)", nk);
            return;
        }
        for (size_t k = 0; k < nk; k++)
            if (scn_node_num(doc, scn_at(doc, set, k), row[k]->lo, row[k]->hi,
                             &e->values[i * nk + k]) != 1)
                return;
    }
    drop_overridden(L, root, s, e);
    double sum = 0;
    if (wts && scn_len(wts) != ns) {
        scn_fail(doc, wts, "expected %zu weights (one per set), got %zu", ns, scn_len(wts));
        return;
    }
    for (size_t i = 0; i < ns; i++) {
        e->weights[i] = 1;
        if (wts && scn_node_num(doc, scn_at(doc, wts, i), 0, 1e300, &e->weights[i]) != 1)
            return;
        sum += e->weights[i];
    }
    if (!(sum > 0)) {
        scn_fail(doc, wts, "expected some weight above 0");
        return;
    }
    for (size_t i = 0; i < ns; i++)
        e->weights[i] /= sum;
    const char *str = NULL;
    if (scn_str(doc, s, "method", &str) == 1)
        snprintf(e->method, sizeof e->method, "%s", str);
    if (scn_str(doc, s, "data", &str) == 1)
        snprintf(e->data, sizeof e->data, "%s", str);
    if (scn_str(doc, s, "sha256", &str) == 1) {
        if (strlen(str) != 64 || strspn(str, "0123456789abcdef") != 64) {
            scn_fail(doc, scn_get(doc, s, "sha256"), "expected 64 lower-case hex digits");
            return;
        }
        strcpy(e->sha256, str);
    }
    long as_of;
    if (scn_int(doc, s, "as_of", 1990, 2100, &as_of) == 1)
        e->as_of = (int)as_of;
    e->discrepancy = load_discrepancy(doc, s);
}

/* One-authority sections: the table's keys, then the rules across keys. */
/* Sizes one authority may have, checked before anything is simulated: every child in
 * assessment or with a plan is a record (and the model's handles are 31-bit), so a population
 * far beyond any council's ran out of memory after gigabytes, or hit an assertion. Each limit
 * is several times England's own (18 million aged 0-25, 1.2 million at SEN Support, 640,000
 * plans, 140,000 requests a year). */
#define LIMIT_POPULATION 2e7
#define LIMIT_SEN_SUPPORT 5e6
#define LIMIT_PLANS 2e6
#define LIMIT_DIRECT 1e6

static void size_limit(loader *L, const scn_node *root, const char *path, double got,
                       double max, const char *what)
{
    const char *leaf;
    const scn_node *m = parent_of(L, root, path, &leaf);
    const scn_node *at = m ? scn_get(L->doc, m, leaf) : NULL;
    if (got > max && scn_ok(L->doc))
        scn_fail(L->doc, at ? at : root,
                 "at most %.0f %s in all (several times England's), got %.0f", max, what, got);
}

static void size_limits(loader *L, const scn_node *root)
{
    const send_params *p = L->p;
    double pop = 0, direct = 0, plans = 0;
    for (int a = 0; a < SEND_AGES; a++)
        pop += p->population[a];
    for (int b = 0; b < BAND_COUNT; b++) {
        direct += p->direct_requests[b];
        plans += p->initial_band[b];
    }
    size_limit(L, root, "population.by_age", pop, LIMIT_POPULATION, "children");
    size_limit(L, root, "sen_support.initial", p->sen_initial, LIMIT_SEN_SUPPORT, "children");
    size_limit(L, root, "initial.ehcp_by_age", plans, LIMIT_PLANS, "plans");
    size_limit(L, root, "initial.in_assessment", p->initial_in_assessment, LIMIT_PLANS,
               "children");
    size_limit(L, root, "requests.direct", direct, LIMIT_DIRECT, "requests a year");
}

static void load_single(loader *L, const scn_node *root)
{
    load_areas(L, root);
    load_table_keys(L, root);
    if (!scn_ok(L->doc))
        return;
    L->p->ei_active = section(L, section(L, root, "levers"), "early_intervention") != NULL;
    L->p->edge_active = section(L, section(L, root, "levers"), "edge_of_care") != NULL;
    load_shocks(L, root);
    load_first_sitting(L, root, "d1_panel.first_sitting", &L->p->d1_first);
    load_first_sitting(L, root, "d2_panel.first_sitting", &L->p->d2_first);
    load_first_sitting(L, root, "level4.panel.first_sitting", &L->p->l4_first);
    load_placement(L, root);
    load_places(L, root);
    load_level4_funding(L, root);
    load_finance(L, root);
    check_initial(L, root);
    load_ensemble(L, root);
}

static void load_authorities(loader *L, const scn_node *root, const scn_node *sec);

/* A parsed scenario into p (initialised here); on failure p is left initialised and empty.
 * tmpl is NULL when doc is itself a template (which may not list authorities). */
static int load_doc(scn_doc *doc, const char *path, tmpl_cache *tmpl, send_params *p,
                    des_error *err)
{
    send_params_init(p);
    loader L = {.doc = doc, .p = p, .tmpl = tmpl};
    /* Without an `areas` section the default area still exists and may be named. */
    for (int a = 0; a < p->n_areas; a++)
        L.area_names[a] = p->areas[a].name;
    const scn_node *root = scn_root(doc);
    if (scn_kind_of(root) != SCN_MAP) {
        scn_fail(doc, root, "expected a mapping of scenario keys");
    } else {
        load_top(&L, root);
        const scn_node *auth = scn_get(doc, root, "authorities");
        if (auth && !tmpl)
            scn_fail(doc, auth, "not allowed in the template of an authority (authorities do "
                                "not nest)");
        else if (auth && scn_ok(doc))
            load_authorities(&L, root, auth);
        else if (!auth)
            load_single(&L, root);
        if (!auth && scn_ok(doc))
            size_limits(&L, root);
        if (!L.ext_failed) {
            load_observed(&L, root);
            if (scn_ok(doc))
                scn_check_unknown(doc);
        }
    }
    if (L.ext_failed || !scn_ok(doc)) {
        if (err) {
            *err = L.ext_failed ? L.ext_err : *scn_error(doc);
            if (err->code != DES_ENOMEM)
                err->code = DES_EINPUT;
        }
        send_params_free(p);
        send_params_init(p);
        return err && err->code == DES_ENOMEM ? DES_ENOMEM : DES_EINPUT;
    }
    des_error perr;
    if (send_params_check(p, &perr) != DES_OK) {
        des_error_set(err, DES_EINPUT, "%s: %s", path, perr.msg);
        send_params_free(p);
        send_params_init(p);
        return DES_EINPUT;
    }
    return DES_OK;
}

void send_scenario_close(send_scenario *s)
{
    if (!s)
        return;
    free(s->path);
    send_params_free(&s->params);
    free(s->yaml);
    free(s->source);
    send_param_rows_free(s->rows, s->n_rows);
    scn_free(s->doc);
    for (size_t i = 0; i < s->n_templates; i++)
        scn_free(s->templates[i]);
    free(s->templates);
    memset(s, 0, sizeof *s);
    send_params_init(&s->params);
}

int send_scenario_open(const char *path, send_scenario *s, des_error *err)
{
    memset(s, 0, sizeof *s);
    send_params_init(&s->params);
    scn_doc *doc = scn_load(path, err);
    if (!doc) {
        /* scn_load reports an unreadable file (or `extends` parent) as DES_EIO: to callers
         * that is bad input like any other, so the record matches the return code. */
        if (err && err->code != DES_ENOMEM)
            err->code = DES_EINPUT;
        return err && err->code == DES_ENOMEM ? DES_ENOMEM : DES_EINPUT;
    }
    s->doc = doc;
    tmpl_cache tmpl = {0};
    int rc = load_doc(doc, path, &tmpl, &s->params, err);
    /* the scenario owns the template documents from here on */
    for (size_t i = 0; i < tmpl.n; i++)
        free(tmpl.real[i]);
    free(tmpl.real);
    s->templates = tmpl.doc;
    s->n_templates = tmpl.n;
    if (rc != DES_OK) {
        send_scenario_close(s);
        return rc;
    }
    FILE *f = open_memstream(&s->yaml, &s->yaml_len);
    int bad = !f || scn_dump(doc, f) != 0;
    if (f)
        bad |= fclose(f) != 0;
    if (bad || !(s->path = strdup(path))) {
        send_scenario_close(s);
        return des_error_set(err, DES_ENOMEM, "cannot keep the resolved scenario text");
    }
    if ((rc = send_scenario_provenance(s, err)) != DES_OK) {
        send_scenario_close(s);
        return rc;
    }
    return DES_OK;
}

int send_scenario_load(const char *path, send_params *p, send_scenario_text *text,
                       des_error *err)
{
    send_scenario s;
    int rc = send_scenario_open(path, &s, err);
    if (rc != DES_OK) {
        send_params_init(p);
        return rc;
    }
    *p = s.params; /* moved: s no longer owns the parameters */
    send_params_init(&s.params);
    if (text) {
        text->text = s.yaml;
        text->len = s.yaml_len;
        s.yaml = NULL;
    }
    send_scenario_close(&s);
    return DES_OK;
}

/* ---- several authorities ------------------------------------------------------------------ */

/* The template document a `template` node names (path relative to the file it is written in),
 * read once per real path. NULL with the error recorded (in L->doc, or L->ext_err for errors
 * inside the template file). */
static scn_doc *template_doc(loader *L, const scn_node *node, const char *name)
{
    const char *file = scn_file(node);
    const char *slash = file ? strrchr(file, '/') : NULL;
    char path[PATH_MAX];
    int w;
    if (name[0] == '/' || !slash)
        w = snprintf(path, sizeof path, "%s", name);
    else
        w = snprintf(path, sizeof path, "%.*s/%s", (int)(slash - file), file, name);
    if (w < 0 || (size_t)w >= sizeof path) {
        scn_fail(L->doc, node, "path too long");
        return NULL;
    }
    char *real = realpath(path, NULL);
    if (!real) {
        scn_fail(L->doc, node, "cannot open '%s' (%s)", name, strerror(errno));
        return NULL;
    }
    tmpl_cache *c = L->tmpl;
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->real[i], real)) {
            free(real);
            return c->doc[i];
        }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 8;
        char **r = realloc(c->real, cap * sizeof *r);
        if (r)
            c->real = r;
        scn_doc **d = r ? realloc(c->doc, cap * sizeof *d) : NULL;
        if (d)
            c->doc = d;
        if (!r || !d) {
            free(real);
            L->ext_failed = 1;
            des_error_set(&L->ext_err, DES_ENOMEM, "out of memory reading templates");
            return NULL;
        }
        c->cap = cap;
    }
    scn_doc *doc = scn_load(path, &L->ext_err);
    if (!doc) {
        free(real);
        L->ext_failed = 1;
        return NULL;
    }
    c->real[c->n] = real;
    c->doc[c->n++] = doc;
    return doc;
}

static void scale_steps(send_steps *s, double f)
{
    for (int i = 0; i < s->n; i++)
        s->value[i] *= f;
}

static int scale_int(int v, double f, int lo)
{
    double x = nearbyint((double)v * f);
    return x < lo ? lo : x > INT_MAX / 2 ? INT_MAX / 2 : (int)x;
}

/* The entry's size factors, each times `scale` (1 leaves a value bit for bit unchanged). */
static void scale_authority(send_params *a, const double f[6])
{
    double pop = f[0] * f[1], cases = f[0] * f[2], places = f[0] * f[3], cap = f[0] * f[4],
           grant = f[0] * f[5];
    for (int i = 0; i < SEND_AGES; i++)
        a->population[i] *= pop;
    a->sen_initial *= pop;
    scale_steps(&a->requests_observed, pop); /* counts of requests, like direct requests */
    for (int b = 0; b < BAND_COUNT; b++) {
        a->direct_requests[b] *= pop;
        a->initial_band[b] *= cases;
    }
    for (int q = 0; q < PROV_COUNT; q++)
        a->initial_prov[q] *= cases;
    a->initial_in_assessment *= cases;
    for (int i = 0; i < a->n_pools; i++)
        a->pools[i].places = scale_int(a->pools[i].places, places, 0);
    for (int i = 0; i < a->n_builds; i++)
        a->builds[i].count = scale_int(a->builds[i].count, places, INT_MIN / 2);
    scale_steps(&a->ep_fte, cap);
    scale_steps(&a->review_fte, cap);
    scale_steps(&a->health_slots, cap);
    scale_steps(&a->social_slots, cap);
    scale_steps(&a->caseworker_fte, cap);
    scale_steps(&a->d1_capacity_steps, cap);
    scale_steps(&a->d2_capacity_steps, cap);
    /* panel capacities: 1,000,000 (the default) means unlimited and stays so */
    int *panels[3] = {&a->d1_capacity, &a->d2_capacity, &a->l4_capacity};
    for (int i = 0; i < 3; i++)
        if (*panels[i] < PANEL_UNLIMITED) {
            *panels[i] = scale_int(*panels[i], cap, 1);
            if (*panels[i] > PANEL_UNLIMITED)
                *panels[i] = PANEL_UNLIMITED;
        }
    for (int q = 0; q < PROV_COUNT; q++)
        a->commissioned[q] = nearbyint(a->commissioned[q] * places);
    a->grant_base *= grant;
    for (int i = 0; i < a->grant_n; i++)
        a->grant_fy[i] *= grant;
    send_steps *money[] = {&a->import_export, &a->schools_transfer, &a->other_income,
                           &a->sen_services, &a->hospital, &a->therapies};
    for (size_t i = 0; i < sizeof money / sizeof money[0]; i++)
        scale_steps(money[i], grant);
    a->opening_balance *= grant;
}

static const char *const top_keys_multi[] = {"name", "description", "start", "end",
                                             "authorities", "observed"};
static const char *const factor_keys[6] = {"scale", "population", "caseload", "places",
                                           "capacity", "grant"};

static void load_authorities(loader *L, const scn_node *root, const scn_node *sec)
{
    send_params *p = L->p;
    /* Everything else belongs in the templates: say so rather than "unknown key". */
    for (size_t i = 0; i < scn_len(root); i++) {
        const char *k = scn_key_at(root, i);
        int known = 0;
        for (size_t j = 0; j < sizeof top_keys_multi / sizeof *top_keys_multi; j++)
            known |= !strcmp(k, top_keys_multi[j]);
        if (!known) {
            scn_fail(L->doc, scn_at(L->doc, root, i),
                     "not allowed beside 'authorities' (set it in the authorities' template "
                     "scenario)");
            return;
        }
    }
    if (scn_kind_of(sec) != SCN_MAP) {
        scn_fail(L->doc, sec, "expected a mapping with 'template' and 'list'");
        return;
    }
    const scn_node *dflt = scn_get(L->doc, sec, "template");
    const char *dflt_name = NULL;
    scn_str(L->doc, sec, "template", &dflt_name);
    const scn_node *list = NULL;
    if (scn_seq(L->doc, sec, "list", &list) == 0)
        scn_fail_missing(L->doc, sec, "list");
    if (!scn_ok(L->doc))
        return;
    size_t n = scn_len(list);
    if (n < 1 || n > MAX_AUTHORITIES) {
        scn_fail(L->doc, list, "between 1 and %d authorities expected, got %zu", MAX_AUTHORITIES,
                 n);
        return;
    }
    p->authorities = calloc(n, sizeof *p->authorities);
    if (!p->authorities) {
        L->ext_failed = 1;
        des_error_set(&L->ext_err, DES_ENOMEM, "cannot allocate %zu authorities", n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const scn_node *it = scn_at(L->doc, list, i);
        const char *name = NULL, *tname = dflt_name;
        const scn_node *tnode = dflt;
        double f[6] = {1, 1, 1, 1, 1, 1};
        if (scn_str(L->doc, it, "name", &name) == 0)
            scn_fail_missing(L->doc, it, "name");
        if (scn_str(L->doc, it, "template", &tname) == 1)
            tnode = scn_get(L->doc, it, "template");
        else if (scn_ok(L->doc) && !tname)
            scn_fail(L->doc, it, "missing key 'template' (give it here or as "
                                 "authorities.template)");
        for (int k = 0; k < 6; k++) {
            char path[64];
            snprintf(path, sizeof path, "authorities.list[].%s", factor_keys[k]);
            item_key(L, it, path, &f[k]);
        }
        if (!scn_ok(L->doc))
            return;
        const scn_node *nnode = scn_get(L->doc, it, "name");
        if (!*name || strlen(name) >= sizeof p->name) {
            scn_fail(L->doc, nnode, "expected a name of 1 to %zu characters", sizeof p->name - 1);
            return;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(p->authorities[j].name, name)) {
                scn_fail(L->doc, nnode, "authority '%s' is listed twice", name);
                return;
            }
        scn_doc *tdoc = template_doc(L, tnode, tname);
        if (!tdoc)
            return;
        send_params *a = &p->authorities[i];
        if (load_doc(tdoc, scn_path(tdoc), NULL, a, &L->ext_err) != DES_OK) {
            L->ext_failed = 1;
            return;
        }
        p->n_authorities = (int)i + 1; /* from here on a is released with p */
        if (a->start != p->start) {
            char want[11], got[11];
            des_date_format(p->start, want);
            des_date_format(a->start, got);
            scn_fail(L->doc, tnode, "expected a template starting on %s (the scenario's "
                                    "start), got %s",
                     want, got);
            return;
        }
        a->end = p->end;
        a->n_obs = 0; /* observed history is the scenario's, at the top */
        strcpy(a->name, name);
        scale_authority(a, f);
    }
}

void send_scenario_text_free(send_scenario_text *t)
{
    if (t) {
        free(t->text);
        t->text = NULL;
        t->len = 0;
    }
}
