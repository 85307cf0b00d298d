/* sen.c - level 2, SEN Support: children counted by class (academic age x primary need).
 *
 * SEN Support children are exchangeable within their class: their entries, exits and requests
 * are at rates that depend on the class alone, and nothing else about them is ever read. So
 * SEN Support is held as a count per class, not as records: a request takes one child out of
 * a class and only then gives it a record; a child refused or not issued a plan, whose request
 * or assessment is withdrawn, or whose plan ceases with needs met, goes back into its class. Entries are a Poisson clock (by population and age, population.c); exits one
 * clock at a constant hazard per child, thinned against a bound (see reset_exit_clock in
 * model_internal.h); 1 September moves every class up a year and those reaching the leaving
 * age leave.
 *
 * Invariants: the class counts sum to n_sen; age_n and age_w are the per-age sums of the
 * classes (recomputed monthly so rounding cannot build up); every age with children lies in
 * [age_lo, age_hi]. Complexity: O(ages + needs) per entry, exit or request; O(classes) per
 * resum and per 1 September.
 */
#include "model_internal.h"

#include <gsl/gsl_randist.h>
#include <string.h>

void sen_init(send_model *m)
{
    const send_params *p = m->p;
    for (int a = 0; a < SEND_AGES; a++)
        for (int n = 0; n < NEED_COUNT; n++)
            m->sen.k.cls_w[a * NEED_COUNT + n] = p->request_hazard[a] * p->request_need_mult[n];
    cumulate(p->need_share_sen, NEED_COUNT, m->sen.k.need_sen_cum);
}

void sen_reset(send_model *m)
{
    memset(&m->sen.s, 0, sizeof m->sen.s);
    m->sen.s.age_lo = SEND_AGES;
    m->sen.s.age_hi = -1;
}

/* Recompute the weight sums and the range of ages present from the class counts, so that
 * rounding in the incremental updates cannot accumulate (called monthly). */
void sen_resum(send_model *m)
{
    struct sen_state *s = &m->sen.s;
    const double *cls_w = m->sen.k.cls_w;
    s->W = 0;
    s->age_lo = SEND_AGES;
    s->age_hi = -1;
    for (int a = 0; a < SEND_AGES; a++) {
        double w = 0;
        int64_t n_a = 0;
        for (int n = 0; n < NEED_COUNT; n++) {
            w += (double)s->cls_n[a * NEED_COUNT + n] * cls_w[a * NEED_COUNT + n];
            n_a += s->cls_n[a * NEED_COUNT + n];
        }
        s->age_n[a] = n_a;
        s->age_w[a] = w;
        s->W += w;
        if (n_a) {
            s->age_lo = a < s->age_lo ? a : s->age_lo;
            s->age_hi = a;
        }
    }
}

/* The opening stock: counts by age (weights sen_initial_age; all at 8 if none), then by need,
 * multinomial as for independent draws child by child. */
void sen_open(send_model *m)
{
    const send_params *p = m->p;
    long n_sen = lround(p->sen_initial);
    if (n_sen > 0) {
        unsigned by_age[SEND_AGES] = {0}, by_need[NEED_COUNT];
        double wsum = 0;
        for (int a = 0; a < SEND_AGES; a++)
            wsum += p->sen_initial_age[a] > 0 ? p->sen_initial_age[a] : 0;
        if (wsum > 0) {
            double w[SEND_AGES];
            for (int a = 0; a < SEND_AGES; a++)
                w[a] = p->sen_initial_age[a] > 0 ? p->sen_initial_age[a] : 0;
            gsl_ran_multinomial(m->r[S_INIT], SEND_AGES, (unsigned)n_sen, w, by_age);
        } else {
            by_age[8] = (unsigned)n_sen;
        }
        for (int a = 0; a < SEND_AGES; a++) {
            if (!by_age[a])
                continue;
            gsl_ran_multinomial(m->r[S_INIT], NEED_COUNT, by_age[a], p->need_share_sen, by_need);
            for (int n = 0; n < NEED_COUNT; n++)
                if (by_need[n])
                    class_add(m, class_of(a, n), by_need[n]);
        }
    }
    m->out->sen_open = m->sen.s.n_sen;
}

/* A child of this age and need (leaving assessment, or a plan whose needs are met) rejoins
 * SEN Support if of SEN Support age (4 to the leaving age): 1 if it did, 0 if not. */
int sen_rejoin(send_model *m, int age, int need)
{
    if (age < 4 || age >= m->p->sen_leave_age)
        return 0;
    m->out->sen_in++;
    class_add(m, class_of(age, need), +1);
    sen_exit_rate_grew(m);
    request_rate_grew(m);
    return 1;
}

/* A child refused an assessment or a plan, or whose request or assessment was withdrawn,
 * leaves assessment and goes back to SEN Support, if of SEN Support age; its record is freed
 * either way. */
void sen_return(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    m->req.s.n_process--;
    sen_rejoin(m, age_of(m, c), c->need);
    free_child(m, h);
}

void ev_sen_arrival(send_model *m)
{
    double rest;
    int age = pick_cum_rest(m->pop.sen_age_cum, m->pop.sen_age_lo, SEND_AGES, unif(m, S_SEN),
                            &rest);
    if (age >= 0) {
        int need = pick_cum(m->sen.k.need_sen_cum, NEED_COUNT, rest);
        class_add(m, class_of(age, need), +1);
        m->out->sen_in++;
        tr(m, SEND_NO_CHILD, TR_SEN_ENTRY, age, need);
        sen_exit_rate_grew(m);
    }
    next_firing(m, CLK_SEN, S_SEN);
    request_rate_grew(m);
}

/* An exit candidate: accepted with probability n x hazard / bound, from a class drawn in
 * proportion to its count (a child drawn uniformly). */
void ev_sen_exit(send_model *m)
{
    double x = unif(m, S_SEN_EXIT) * m->sen.s.exit_span; /* accepted with probability n / span */
    next_firing(m, CLK_EXIT, S_SEN_EXIT);
    if (x < (double)m->sen.s.n_sen) {
        int k = class_at(m, x, 0);
        if (k >= 0) {
            class_add(m, k, -1);
            m->out->sen_out++;
            tr(m, SEND_NO_CHILD, TR_SEN_EXIT, 0, 0);
        }
    }
}

/* SEN Support on 1 September: every class moves up a year of age; those reaching the leaving
 * age (the end of year 11) leave. */
void sen_september(send_model *m)
{
    const send_params *p = m->p;
    struct sen_state *s = &m->sen.s;
    for (int a = SEND_MAX_AGE; a >= 0; a--)
        for (int n = 0; n < NEED_COUNT; n++) {
            int k = class_of(a, n);
            int64_t c = s->cls_n[k];
            if (!c)
                continue;
            s->cls_n[k] = 0;
            if (a + 1 >= p->sen_leave_age || a + 1 > SEND_MAX_AGE) {
                m->out->sen_out += c;
                s->n_sen -= c;
                for (int64_t i = 0; m->trace && i < c; i++)
                    tr(m, SEND_NO_CHILD, TR_SEN_EXIT, 1, 0);
            } else {
                s->cls_n[class_of(a + 1, n)] = c;
            }
        }
    sen_resum(m);
    sen_count(m, 0);
}
