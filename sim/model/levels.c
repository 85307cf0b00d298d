/* levels.c - levels 1-4 of need for every child of the population, by single year of age.
 *
 * The continuum the council documents draw (domain.md section 2): level 1 universal, 2
 * targeted (early help, SEN Support), 3 specialist (an EHC plan, a child in need), 4 highly
 * specialist. Children are counted by (academic age, level); within a cell they are
 * exchangeable, so a count is enough. At the start each age's population is split among the
 * levels by the scenario's shares (multinomial, as for independent draws child by child). On
 * each month's first day, before the snapshot, the month just gone is stepped: every child of
 * level L moves up one level at rate up[L][band] and down one at rate down[L][band] per year
 * (competing risks over the step: leaving with probability 1 - exp(-(u + d) dt), up with
 * probability u / (u + d) among those leaving; binomial draws on the start-of-step counts);
 * then each age is brought to the population now (pop_children, rounded): children born or
 * arriving join level 1, children leaving are taken from level 1 first, then 2, 3, 4. Each
 * 1 September every age moves up a year; the oldest leave and the youngest start at level 1
 * (then each age is fitted to its population again).
 *
 * Tied to the records (levels.from_records, the default): levels 3 and 4 hold the children
 * the other sub-models follow. A plan holder is at level 4 in a level-4 package (the joint
 * panel's residential placement) or in a residential care placement, else at level 3, at its
 * own age; a child in care without a plan is at level 4 in a residential placement, else at
 * level 3 (every child in care is a child in need), and since care.c keeps no ages these are
 * spread over ages 0-17 in proportion to the population (largest remainders: assumption). The
 * counts above are then those of the children who are neither (the rest of the population by
 * age: their level 3 is the children in need and their level 4 other highly specialist
 * support), and each age's records are taken out of its population before the fit; records
 * beyond an age's population are cut, level 3 first (never met with real populations). A
 * child in care with a plan is one record, counted once. With the front door on, its open
 * child-in-need cases (social_care.c) are at level 3 too, spread over ages 0-17 the same way;
 * its cases are not children's records, so the model cannot tell whether a child in need also
 * holds a plan or is in care: it assumes none does (a child-in-need plan is the front door's
 * outcome for a child who is neither in care nor on a child protection plan, and the overlap
 * with plan holders is not in the documents: assumption), so each is counted once.
 *
 * Invariant (tests/test_services.c): at every snapshot every child is at exactly one level:
 * the four counts of each age are >= 0 and sum to the rounded population of that age.
 *
 * The plan holders at level 4 are counted by age0 (lev4_mark, at every change of a record's
 * provision or care placement), so a month's records cost O(ages), not O(plan holders).
 *
 * State: lev_state. Draws on S_LEVELS only when levels_on. Complexity: O(ages x levels) per
 * month and per 1 September.
 */
#include "model_internal.h"

#include <gsl/gsl_randist.h>
#include <string.h>

void lev_reset(send_model *m) { memset(&m->lev, 0, sizeof m->lev); }

/* n spread over ages 0..CARE_AGES-1 in proportion to the population (largest remainders by
 * cumulative rounding: the parts sum to n exactly), added to rec[a][l]. */
#define CARE_AGES 18
static void spread_by_population(send_model *m, int64_t n, int l)
{
    double w[CARE_AGES], tot = 0;
    for (int a = 0; a < CARE_AGES; a++)
        tot += w[a] = pop_children(m, a);
    double acc = 0;
    int64_t prev = 0;
    for (int a = 0; a < CARE_AGES; a++) {
        acc += w[a];
        int64_t cum = tot > 0 ? (int64_t)llround((double)n * acc / tot) : a == CARE_AGES - 1 ? n : 0;
        m->lev.rec[a][l] += cum - prev;
        prev = cum;
    }
}

/* The records at levels 3 and 4 by age now (levels.from_records), each age's cut to its
 * population. */
static void lev_records(send_model *m, const int64_t *want)
{
    memset(m->lev.rec, 0, sizeof m->lev.rec);
    if (!m->p->levels_from_records)
        return;
    for (int a = 0; a < PLAN_AGES; a++) {
        int aa = a < SEND_AGES ? a : SEND_AGES - 1, i = a - m->plan.s.septs + LEV_AGE0_OFF;
        int64_t l4 = i >= 0 && i < LEV_AGE0_N ? m->lev.l4_age0[i] : 0;
        m->lev.rec[aa][1] += l4;
        m->lev.rec[aa][0] += (int64_t)m->plan.k.plans[a].n - l4;
    }
    if (m->p->care_on) {
        int64_t res = m->care.n[CARE_RESIDENTIAL][0], other = -res;
        for (int t = 0; t < CARE_COUNT; t++)
            other += m->care.n[t][0];
        spread_by_population(m, other, 0);
        spread_by_population(m, res, 1);
    }
    if (m->p->fd_on) /* the front door's children in need: neither plan holders nor in care */
        spread_by_population(m, m->fd.s.cin, 0);
    for (int a = 0; a < SEND_AGES; a++) {
        int64_t *r = m->lev.rec[a], over = r[0] + r[1] - (want[a] > 0 ? want[a] : 0);
        for (int l = 0; l < 2 && over > 0; l++) {
            int64_t t = r[l] < over ? r[l] : over;
            r[l] -= t;
            over -= t;
        }
    }
}

/* The population of each age now (rounded), less its records at levels 3 and 4. */
static void lev_targets(send_model *m, int64_t *want)
{
    for (int a = 0; a < SEND_AGES; a++)
        want[a] = (int64_t)llround(pop_children(m, a));
    lev_records(m, want);
    for (int a = 0; a < SEND_AGES; a++)
        want[a] -= m->lev.rec[a][0] + m->lev.rec[a][1];
}

/* Each age brought to its population now (rounded), less its records. */
static void lev_fit_population(send_model *m)
{
    int64_t target[SEND_AGES];
    lev_targets(m, target);
    for (int a = 0; a < SEND_AGES; a++) {
        int64_t *n = m->lev.n[a];
        int64_t want = target[a];
        int64_t have = n[0] + n[1] + n[2] + n[3];
        if (want >= have) {
            n[0] += want - have;
            continue;
        }
        int64_t out = have - want;
        for (int l = 0; l < 4 && out > 0; l++) {
            int64_t t = n[l] < out ? n[l] : out;
            n[l] -= t;
            out -= t;
        }
    }
}

void lev_open(send_model *m)
{
    const send_params *p = m->p;
    if (!p->levels_on)
        return;
    double w[4] = {1.0 - p->level_share[0] - p->level_share[1] - p->level_share[2],
                   p->level_share[0], p->level_share[1], p->level_share[2]};
    if (w[0] < 0)
        w[0] = 0;
    int64_t target[SEND_AGES];
    lev_targets(m, target);
    for (int a = 0; a < SEND_AGES; a++) {
        int64_t want = target[a];
        unsigned got[4];
        if (want <= 0)
            continue;
        gsl_ran_multinomial(m->r[S_LEVELS], 4, (unsigned)want, w, got);
        for (int l = 0; l < 4; l++)
            m->lev.n[a][l] = got[l];
    }
    m->lev.last_step = now(m);
}

/* The month since the last step: moves between levels, then the population now. */
void lev_step(send_model *m)
{
    const send_params *p = m->p;
    if (!p->levels_on)
        return;
    double dt = (now(m) - m->lev.last_step) / YEAR_DAYS;
    m->lev.last_step = now(m);
    if (dt > 0) {
        gsl_rng *r = m->r[S_LEVELS];
        for (int a = 0; a < SEND_AGES; a++) {
            int b = band_of(a);
            int64_t *n = m->lev.n[a], d[4] = {0};
            for (int l = 0; l < 4; l++) {
                double u = l < 3 ? p->level_up[l][b] : 0, dn = l > 0 ? p->level_down[l - 1][b] : 0;
                if (!n[l] || !(u + dn > 0))
                    continue;
                unsigned leave = gsl_ran_binomial(r, -expm1(-(u + dn) * dt), (unsigned)n[l]);
                unsigned up = !leave || !(u > 0) ? 0
                              : !(dn > 0)        ? leave
                                                 : gsl_ran_binomial(r, u / (u + dn), leave);
                d[l] -= leave;
                if (up) {
                    d[l + 1] += up;
                    cy_add(m, C_LEVEL_UP + l, up);
                }
                if (leave - up) {
                    d[l - 1] += leave - up;
                    cy_add(m, C_LEVEL_DOWN + l - 1, leave - up);
                }
            }
            for (int l = 0; l < 4; l++)
                n[l] += d[l];
        }
    }
    lev_fit_population(m);
}

/* 1 September: every age moves up a year; the oldest leave, the youngest start at level 1,
 * and each age is brought to its population again. */
void lev_september(send_model *m)
{
    if (!m->p->levels_on)
        return;
    memmove(m->lev.n[1], m->lev.n[0], sizeof m->lev.n[0] * (SEND_AGES - 1));
    memset(m->lev.n[0], 0, sizeof m->lev.n[0]);
    lev_fit_population(m);
}

/* Children at levels 3 and 4 now (as of the last monthly step), records included; 0 without
 * levels. */
int64_t lev_at_3_4(const send_model *m)
{
    int64_t n = 0;
    if (!m->p->levels_on)
        return 0;
    for (int a = 0; a < SEND_AGES; a++)
        n += m->lev.n[a][2] + m->lev.n[a][3] + m->lev.rec[a][0] + m->lev.rec[a][1];
    return n;
}

void lev_snapshot(send_model *m, int k)
{
    if (!m->p->levels_on)
        return;
    int64_t tot[4] = {0}, band[4][BAND_COUNT] = {{0}};
    int64_t rec[2] = {0};
    for (int a = 0; a < SEND_AGES; a++)
        for (int l = 0; l < 4; l++) {
            int64_t n = m->lev.n[a][l] + (l >= 2 ? m->lev.rec[a][l - 2] : 0);
            assert(m->lev.n[a][l] >= 0 && n >= 0);
            tot[l] += n;
            band[l][band_of(a)] += n;
            if (l >= 2)
                rec[l - 2] += m->lev.rec[a][l - 2];
        }
    for (int l = 0; l < 4; l++) {
        send_output_row(m->out, M_LEVEL + l)[k] = (double)tot[l];
        for (int b = 0; b < BAND_COUNT; b++)
            send_output_row(m->out, M_LEVEL_BAND + l * BAND_COUNT + b)[k] = (double)band[l][b];
    }
    for (int l = 0; l < 2; l++)
        send_output_row(m->out, M_LEVEL_RECORDS + l)[k] = (double)rec[l];
}
