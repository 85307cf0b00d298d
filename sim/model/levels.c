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
 * Invariant (tests/test_levels.c): at every snapshot every child is at exactly one level: the
 * four counts of each age are >= 0 and sum to the rounded population of that age. The levels
 * are not tied to the EHC pathway's records: they are the picture of the whole population
 * beside it, sharing its population.
 *
 * State: lev_state. Draws on S_LEVELS only when levels_on. Complexity: O(ages x levels) per
 * month and per 1 September.
 */
#include "model_internal.h"

#include <gsl/gsl_randist.h>
#include <string.h>

void lev_reset(send_model *m) { memset(&m->lev, 0, sizeof m->lev); }

/* Each age brought to its population now (rounded). */
static void lev_fit_population(send_model *m)
{
    for (int a = 0; a < SEND_AGES; a++) {
        int64_t *n = m->lev.n[a];
        int64_t want = (int64_t)llround(pop_children(m, a));
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
    for (int a = 0; a < SEND_AGES; a++) {
        long want = lround(pop_children(m, a));
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

void lev_snapshot(send_model *m, int k)
{
    if (!m->p->levels_on)
        return;
    int64_t tot[4] = {0}, band[4][BAND_COUNT] = {{0}};
    for (int a = 0; a < SEND_AGES; a++)
        for (int l = 0; l < 4; l++) {
            assert(m->lev.n[a][l] >= 0);
            tot[l] += m->lev.n[a][l];
            band[l][band_of(a)] += m->lev.n[a][l];
        }
    for (int l = 0; l < 4; l++) {
        send_output_row(m->out, M_LEVEL + l)[k] = (double)tot[l];
        for (int b = 0; b < BAND_COUNT; b++)
            send_output_row(m->out, M_LEVEL_BAND + l * BAND_COUNT + b)[k] = (double)band[l][b];
    }
}
