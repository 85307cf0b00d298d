/* scenario_load.c - a scenario file (YAML, with `extends`) read into send_params.
 *
 * The reading is schema-by-code: each section below asks the scenario_io getters for the keys
 * it knows, with their ranges and units, so that every bad value is reported at its own file
 * position, and anything nobody asked for is then an unknown key (with the nearest valid key
 * suggested). Cross-field rules (a build that names no place pool, shares in tables) are
 * reported at the offending node too. Finally send_params_check() re-checks the model's own
 * invariants. O(size of the scenario).
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

#define MONEY_MAX 1e12
#define MAX_AUTHORITIES 1000
#define FACTOR_MAX 100
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

static void steps_from(loader *L, const scn_node *map, const char *key, double lo, double hi,
                       send_steps *out)
{
    scn_series s = {0};
    int rc = scn_series_get(L->doc, map, key, lo, hi, &s);
    if (rc == 1) {
        if (s.n > SEND_STEPS_MAX) {
            scn_fail(L->doc, scn_get(L->doc, map, key), "at most %d steps expected, got %zu",
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
}

static void dist_from(loader *L, const scn_node *map, const char *key, des_dist *out)
{
    des_dist d;
    if (scn_dist(L->doc, map, key, &d) == 1) {
        if (d.kind == DES_DIST_POISSON || d.kind == DES_DIST_BINOMIAL) {
            des_dist_free(&d);
            scn_fail(L->doc, scn_get(L->doc, map, key), "expected a duration distribution");
            return;
        }
        des_dist_free(out);
        *out = d;
    }
}

/* A mapping of ages ("7") or age ranges ("5-10") to numbers, written into v[0..25]. */
static void age_table(loader *L, const scn_node *map, const char *key, double lo, double hi,
                      double *v)
{
    const scn_node *t = NULL;
    if (scn_map(L->doc, map, key, &t) != 1)
        return;
    for (size_t i = 0; i < scn_len(t); i++) {
        const char *k = scn_key_at(t, i);
        const scn_node *val = scn_at(L->doc, t, i);
        int a0, a1, used = 0;
        if (sscanf(k, "%d-%d%n", &a0, &a1, &used) == 2 && k[used] == '\0') {
        } else if (sscanf(k, "%d%n", &a0, &used) == 1 && k[used] == '\0') {
            a1 = a0;
        } else {
            scn_fail(L->doc, val, "expected an age (e.g. '7') or an age range (e.g. '5-10')");
            return;
        }
        if (a0 < 0 || a1 > SEND_MAX_AGE || a0 > a1) {
            scn_fail(L->doc, val, "ages must lie in 0-%d", SEND_MAX_AGE);
            return;
        }
        double x;
        if (scn_node_num(L->doc, val, lo, hi, &x) != 1)
            return;
        for (int a = a0; a <= a1; a++)
            v[a] = x;
    }
}

/* A mapping name -> number over a vocabulary, written into v[] (absent names keep v). */
static void named_numbers(loader *L, const scn_node *map, const char *key,
                          const char *const *names, int n, double lo, double hi, double *v)
{
    const scn_node *t = section(L, map, key);
    if (!t)
        return;
    for (int i = 0; i < n; i++)
        scn_num(L->doc, t, names[i], lo, hi, &v[i]);
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

/* ---- sections ----------------------------------------------------------------------------- */

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
    p->ei_from = p->start;
    p->indep_reduction_from = p->start;
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
        if (scn_num(L->doc, it, "share", 0, 1, &p->areas[i].share) == 0)
            scn_fail_missing(L->doc, it, "share");
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

static void load_population(loader *L, const scn_node *root)
{
    const scn_node *s = section(L, root, "population");
    age_table(L, s, "by_age", 0, 1e8, L->p->population);
    steps_from(L, s, "growth", -0.5, 0.5, &L->p->population_growth);
}

static void load_sen(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *s = section(L, root, "sen_support");
    scn_num(L->doc, s, "initial", 0, 1e8, &p->sen_initial);
    age_table(L, s, "initial_age", 0, 1e8, p->sen_initial_age);
    age_table(L, s, "entry_per_1000", 0, 1000, p->sen_entry_per_1000);
    steps_from(L, s, "entry_trend", 0, 100, &p->sen_entry_trend);
    scn_num(L->doc, s, "exit_rate", 0, 100, &p->sen_exit_rate);
    long age;
    if (scn_int(L->doc, s, "leave_age", 1, SEND_MAX_AGE + 1, &age) == 1)
        p->sen_leave_age = (int)age;
    scn_shares(L->doc, s, "need", send_need_names, NEED_COUNT, p->need_share_sen);
}

static void load_requests(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *s = section(L, root, "requests");
    age_table(L, s, "hazard_by_age", 0, 100, p->request_hazard);
    named_numbers(L, s, "need_multiplier", send_need_names, NEED_COUNT, 0, 100,
                  p->request_need_mult);
    steps_from(L, s, "trend", 0, 1000, &p->request_trend);
    scn_num(L->doc, s, "growth", -0.5, 1, &p->request_growth);
    scn_num(L->doc, s, "growth_drift_sd", 0, 1, &p->request_growth_drift_sd);
    named_numbers(L, s, "direct", send_ageband_names, BAND_COUNT, 0, 1e7, p->direct_requests);
    scn_shares(L->doc, s, "direct_need", send_need_names, NEED_COUNT, p->need_share_direct);
    const scn_node *seq = NULL;
    if (scn_seq(L->doc, s, "shocks", &seq) == 1) {
        size_t n = scn_len(seq);
        if (n > SEND_MAX_SHOCKS) {
            scn_fail(L->doc, seq, "at most %d shocks expected", SEND_MAX_SHOCKS);
            return;
        }
        p->n_shocks = (int)n;
        for (size_t i = 0; i < n; i++) {
            const scn_node *it = scn_at(L->doc, seq, i);
            send_shock *k = &p->shocks[i];
            if (scn_date(L->doc, it, "from", &k->from) == 0)
                scn_fail_missing(L->doc, it, "from");
            if (scn_date(L->doc, it, "to", &k->to) == 0)
                scn_fail_missing(L->doc, it, "to");
            if (scn_num(L->doc, it, "multiplier", 0, 100, &k->multiplier) == 0)
                scn_fail_missing(L->doc, it, "multiplier");
            if (scn_ok(L->doc) && k->to <= k->from)
                scn_fail(L->doc, scn_get(L->doc, it, "to"), "expected a date after 'from'");
        }
    }
}

static void load_levers(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *s = section(L, root, "levers");
    const scn_node *ei = section(L, s, "early_intervention");
    if (ei) {
        p->ei_active = 1;
        scn_date(L->doc, ei, "from", &p->ei_from);
        if (scn_num(L->doc, ei, "effect", 0, 1, &p->ei_effect) == 0)
            scn_fail_missing(L->doc, ei, "effect");
        scn_num(L->doc, ei, "cost_per_child", 0, MONEY_MAX, &p->ei_cost_per_child);
    }
    const scn_node *ir = section(L, s, "independent_reduction");
    if (ir) {
        scn_date(L->doc, ir, "from", &p->indep_reduction_from);
        if (scn_num(L->doc, ir, "rate", 0, 1, &p->indep_reduction) == 0)
            scn_fail_missing(L->doc, ir, "rate");
    }
}

static void load_panel(loader *L, const scn_node *s, double *period, double *first, int *cap)
{
    send_params *p = L->p;
    scn_duration(L->doc, s, "cadence", 0, 366, period);
    des_date d;
    if (scn_date(L->doc, s, "first_sitting", &d) == 1) {
        if (d < p->start)
            scn_fail(L->doc, scn_get(L->doc, s, "first_sitting"),
                     "expected a date on or after 'start'");
        *first = (double)(d - p->start);
    }
    long c;
    if (scn_int(L->doc, s, "capacity", 1, 1000000, &c) == 1)
        *cap = (int)c;
}

static void load_process(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *d1 = section(L, root, "d1_panel");
    load_panel(L, d1, &p->d1_period, &p->d1_first, &p->d1_capacity);
    dist_from(L, d1, "preparation", &p->d1_prep);
    steps_from(L, d1, "refusal", 0, 1, &p->d1_refusal);

    const scn_node *dg = section(L, root, "disagreement");
    scn_num(L->doc, dg, "mediation", 0, 1, &p->p_mediation);
    dist_from(L, dg, "mediation_time", &p->mediation_time);
    scn_num(L->doc, dg, "appeal", 0, 1, &p->p_appeal);
    dist_from(L, dg, "tribunal_time", &p->tribunal_time);
    scn_num(L->doc, dg, "parent_win", 0, 1, &p->p_parent_win);

    const scn_node *as = section(L, root, "assessment");
    const scn_node *ep = section(L, as, "ep");
    steps_from(L, ep, "fte", 0, 10000, &p->ep_fte);
    scn_num(L->doc, ep, "hours_per_assessment", 0.01, 1000, &p->ep_hours_per_assessment);
    scn_num(L->doc, ep, "hours_per_fte_week", 0.01, 168, &p->ep_hours_per_fte_week);
    dist_from(L, ep, "duration", &p->ep_duration);
    const scn_node *he = section(L, as, "health");
    scn_num(L->doc, he, "slots", 0, 1e6, &p->health_slots);
    dist_from(L, he, "duration", &p->health_duration);
    const scn_node *so = section(L, as, "social_care");
    scn_num(L->doc, so, "share", 0, 1, &p->p_social_advice);
    scn_num(L->doc, so, "slots", 0, 1e6, &p->social_slots);
    dist_from(L, so, "duration", &p->social_duration);

    const scn_node *d2 = section(L, root, "d2_panel");
    load_panel(L, d2, &p->d2_period, &p->d2_first, &p->d2_capacity);
    scn_num(L->doc, d2, "issue", 0, 1, &p->p_issue);
    const scn_node *dr = section(L, root, "drafting");
    dist_from(L, dr, "draft", &p->draft_time);
    dist_from(L, dr, "consultation", &p->consult_time);
}

static const char *const transfer_keys[4] = {"age_4", "age_11", "age_16", "age_19"};

static void load_placement(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *s = section(L, root, "placement");
    const scn_node *ch = section(L, s, "choice");
    for (int ph = 0; ph < PHASE_COUNT; ph++)
        if (scn_shares(L->doc, ch, send_phase_names[ph], send_provision_names, PROV_COUNT,
                       p->choice[ph]) == 1 &&
            p->choice[ph][PROV_AWAITING] > 0)
            scn_fail(L->doc, scn_get(L->doc, ch, send_phase_names[ph]),
                     "'awaiting' is not a provision that can be chosen");
    const scn_node *nw = section(L, s, "need_weight");
    for (int n = 0; n < NEED_COUNT; n++)
        named_numbers(L, nw, send_need_names[n], send_provision_names, PROV_COUNT, 0, 1000,
                      p->need_mult[n]);
    const scn_node *pt = section(L, s, "phase_transfer");
    for (int k = 0; k < 4; k++) {
        const scn_node *t = section(L, pt, transfer_keys[k]);
        for (int f = 0; f < PROV_COUNT; f++)
            if (scn_shares(L->doc, t, send_provision_names[f], send_provision_names, PROV_COUNT,
                           p->transfer[k][f]) == 1)
                p->transfer_set[k][f] = 1;
    }
    scn_duration(L->doc, s, "max_wait", 0, 3660, &p->max_wait_days);
    scn_bool(L->doc, s, "local_first", &p->local_first);
    int ov;
    if (scn_enum(L->doc, s, "overflow_to", send_provision_names, PROV_COUNT - 1, &ov) == 1)
        p->overflow_provision = ov;
}

static int provision_of(loader *L, const scn_node *it, int *out)
{
    int rc = scn_enum(L->doc, it, "provision", send_provision_names, PROV_COUNT - 1, out);
    if (rc == 0)
        scn_fail_missing(L->doc, it, "provision");
    return rc;
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
            long places;
            provision_of(L, it, &ps->provision);
            area_index(L, it, "area", &ps->area);
            need_index(L, it, "need", &ps->need);
            if (scn_int(L->doc, it, "places", 0, 10000000, &places) == 0)
                scn_fail_missing(L->doc, it, "places");
            if (!scn_ok(L->doc))
                return;
            ps->places = (int)places;
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
            long count;
            provision_of(L, it, &b->provision);
            area_index(L, it, "area", &b->area);
            need_index(L, it, "need", &b->need);
            if (scn_int(L->doc, it, "count", -1000000, 1000000, &count) == 0)
                scn_fail_missing(L->doc, it, "count");
            if (scn_date(L->doc, it, "opens", &b->opens) == 0)
                scn_fail_missing(L->doc, it, "opens");
            if (scn_get(L->doc, it, "delay")) {
                dist_from(L, it, "delay", &b->delay);
                b->has_delay = scn_ok(L->doc);
            }
            if (!scn_ok(L->doc))
                return;
            b->count = (int)count;
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

static void load_level4(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *s = section(L, root, "level4");
    named_numbers(L, s, "referral", send_need_names, NEED_COUNT, 0, 1, p->p_level4);
    const scn_node *pn = section(L, s, "panel");
    load_panel(L, pn, &p->l4_period, &p->l4_first, &p->l4_capacity);
    scn_num(L->doc, s, "approve", 0, 1, &p->p_l4_approve);
    static const char *const funders[3] = {"education", "social_care", "health"};
    double f[3];
    if (scn_shares(L->doc, s, "funding", funders, 3, f) == 1) {
        p->l4_share_education = f[0];
        p->l4_share_social = f[1];
        p->l4_share_health = f[2];
    }
}

static void load_reviews(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *s = section(L, root, "reviews");
    steps_from(L, s, "caseworker_fte", 0, 1e6, &p->review_fte);
    scn_num(L->doc, s, "reviews_per_fte_year", 0, 1e6, &p->reviews_per_fte_year);
    scn_num(L->doc, s, "to_special", 0, 1, &p->p_review_ms);
    scn_num(L->doc, s, "to_mainstream", 0, 1, &p->p_review_sm);
    scn_num(L->doc, s, "cease_needs_met", 0, 1, &p->p_review_cease);

    const scn_node *c = section(L, root, "ceasing");
    scn_num(L->doc, c, "moved_away", 0, 10, &p->cease_moved_rate);
    age_table(L, c, "left_education", 0, 10, p->cease_left_rate);
    long age;
    if (scn_int(L->doc, c, "age_limit", 1, SEND_MAX_AGE, &age) == 1)
        p->cease_age = (int)age;
}

static void load_initial(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *s = section(L, root, "initial");
    named_numbers(L, s, "ehcp_by_age", send_ageband_names, BAND_COUNT, 0, 1e7, p->initial_band);
    named_numbers(L, s, "ehcp_by_placement", send_provision_names, PROV_COUNT, 0, 1e7,
                  p->initial_prov);
    scn_num(L->doc, s, "in_assessment", 0, 1e7, &p->initial_in_assessment);
    scn_shares(L->doc, s, "need", send_need_names, NEED_COUNT, p->need_share_plans);
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
    const scn_node *s = section(L, root, "observed");
    for (size_t i = 0; s && i < scn_len(s); i++) {
        const char *name = scn_key_at(s, i);
        const scn_node *series = scn_at(L->doc, s, i);
        int metric = send_metric_find(name);
        if (metric < 0) {
            scn_fail(L->doc, series, "unknown metric (expected a metric name listed in the README)");
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
                     m <= 12 && used == 7;
                if (ok)
                    start = des_date_from_ymd(y, m, 1);
            } else if (kind == SEND_CY) {
                ok = sscanf(k, "%4d%n", &y, &used) == 1 && k[used] == '\0' && used == 4;
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
            if (scn_node_num(L->doc, val, -MONEY_MAX, MONEY_MAX, &x) != 1)
                return;
            if (p->n_obs >= SEND_MAX_OBS) {
                scn_fail(L->doc, val, "at most %d observed values expected", SEND_MAX_OBS);
                return;
            }
            p->obs[p->n_obs++] = (send_obs){.metric = metric, .start = start, .value = x};
        }
    }
}

static void load_finance(loader *L, const scn_node *root)
{
    send_params *p = L->p;
    const scn_node *s = section(L, root, "finance");
    named_numbers(L, s, "cost", send_provision_names, PROV_COUNT, 0, MONEY_MAX, p->cost);
    named_numbers(L, s, "inflation", send_provision_names, PROV_COUNT, -0.5, 1, p->inflation);
    const scn_node *t = section(L, s, "transport");
    scn_num(L->doc, t, "cost_per_child", 0, MONEY_MAX, &p->transport_cost);
    scn_num(L->doc, t, "inflation", -0.5, 1, &p->transport_inflation);
    named_numbers(L, t, "share", send_provision_names, PROV_COUNT, 0, 1, p->transport_share);
    scn_num(L->doc, s, "assessment_cost", 0, MONEY_MAX, &p->assessment_cost);
    scn_num(L->doc, s, "tribunal_cost", 0, MONEY_MAX, &p->tribunal_cost);
    const scn_node *g = section(L, s, "grant");
    scn_num(L->doc, g, "base", 0, MONEY_MAX, &p->grant_base);
    scn_num(L->doc, g, "growth", -0.5, 1, &p->grant_growth);
    scn_num(L->doc, s, "opening_deficit", -MONEY_MAX, MONEY_MAX, &p->opening_deficit);
}

/* One-authority sections. */
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
}

static void load_single(loader *L, const scn_node *root)
{
    load_areas(L, root);
    load_population(L, root);
    load_sen(L, root);
    load_requests(L, root);
    load_levers(L, root);
    load_process(L, root);
    load_placement(L, root);
    load_places(L, root);
    load_level4(L, root);
    load_reviews(L, root);
    load_initial(L, root);
    load_finance(L, root);
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
    a->health_slots *= cap;
    a->social_slots *= cap;
    /* panel capacities: 1,000,000 (the default) means unlimited and stays so */
    int *panels[3] = {&a->d1_capacity, &a->d2_capacity, &a->l4_capacity};
    for (int i = 0; i < 3; i++)
        if (*panels[i] < PANEL_UNLIMITED) {
            *panels[i] = scale_int(*panels[i], cap, 1);
            if (*panels[i] > PANEL_UNLIMITED)
                *panels[i] = PANEL_UNLIMITED;
        }
    a->grant_base *= grant;
    a->opening_deficit *= grant;
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
        for (int k = 0; k < 6; k++)
            scn_num(L->doc, it, factor_keys[k], 0, FACTOR_MAX, &f[k]);
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
