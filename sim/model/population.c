/* population.c - population and levels: the rates at which children flow into SEN Support and
 * from it into requests for assessment, as they stand on a given day.
 *
 * The population by single year of (academic) age starts as population.by_age and ages on each
 * 1 September: every cohort moves up a year and the new cohort at age 0 is last year's; each
 * (the new one too) is multiplied by 1 + the growth rate in force that day, so growth is applied
 * year by year and a change of rate moves only the years after it (with a flat age profile the
 * total grows exactly by that rate; the 25-year-olds leave). Entries to SEN Support
 * are per 1,000 children of each age times a stepped trend; the request multiplier is the
 * request trend times every shock in force, less the early-intervention effect once that lever
 * has started, times the request growth (compound from the start; with a drift, the growth takes
 * a random-walk step each 1 January on a stream of its own, S_GROWTH, drawn only when the drift
 * is not 0), times the year's variation (a mean-one lognormal factor per calendar year from the
 * start, on its own stream S_YEAR, drawn only when its sd is not 0); direct requests (from
 * outside SEN Support) follow the same multiplier. Nothing
 * here changes a child: the clocks that use these rates are redrawn by redraw_all_clocks
 * (model.c) each month and on every date a rate steps.
 *
 * State: pop_state, all of it derived again at each recomputation except exit_hazard, which is
 * constant and set at the reset, and the population by age, rolled each 1 September. Complexity: O(ages + shocks + bands) per recomputation.
 */
#include "model_internal.h"

#include <gsl/gsl_randist.h>
#include <string.h>

static double shock_mult(const send_model *m, des_date d)
{
    double x = 1;
    for (int i = 0; i < m->p->n_shocks; i++)
        if (d >= m->p->shocks[i].from && d < m->p->shocks[i].to)
            x *= m->p->shocks[i].multiplier;
    return x;
}

static int ei_active(const send_model *m, des_date d)
{
    return m->p->ei_active && d >= m->p->ei_from;
}

/* This calendar year's factor on request rates, a mean-one lognormal, drawn on S_YEAR (so that
 * neither this key's draws nor the drift's move when the other is 0). */
static void draw_year_mult(send_model *m)
{
    double sd = m->p->request_year_sd;
    if (sd > 0)
        m->pop.year_mult = exp(sd * gsl_ran_ugaussian(m->r[S_YEAR]) - 0.5 * sd * sd);
}

void pop_reset(send_model *m)
{
    memset(&m->pop, 0, sizeof m->pop);
    m->pop.exit_hazard = m->p->sen_exit_rate / YEAR_DAYS;
    m->pop.growth_g = m->p->request_growth;
    m->pop.growth_level = 1;
    m->pop.year_mult = 1;
    memcpy(m->pop.pop_age, m->p->population, sizeof m->pop.pop_age);
    draw_year_mult(m);
}

double pop_children_of_age(const send_model *m, int age)
{
    return age >= 0 && age < SEND_AGES ? m->pop.pop_age[age] : 0;
}

/* 1 September: the cohort roll (see the opening comment). O(ages). */
void pop_september(send_model *m)
{
    double *n = m->pop.pop_age;
    double g = 1.0 + send_steps_at(&m->p->population_growth, day_of(m, now(m)));
    for (int a = SEND_AGES - 1; a > 0; a--)
        n[a] = n[a - 1] * g;
    n[0] *= g;
}

void pop_new_year(send_model *m)
{
    pop_state *s = &m->pop;
    double t = now(m);
    s->growth_level *= pow(1.0 + s->growth_g, (t - s->growth_t0) / YEAR_DAYS);
    s->growth_t0 = t;
    if (m->p->request_growth_drift_sd > 0)
        s->growth_g = fmax(s->growth_g + gsl_ran_gaussian(m->r[S_GROWTH],
                                                          m->p->request_growth_drift_sd),
                           -0.9);
    draw_year_mult(m);
}

/* Requests driven by a published yearly count (requests.observed) while one is given for day
 * d: both request clocks are scaled so that the requests expected in a year at today's SEN
 * Support weights equal it, in place of trend, growth, shocks, variation and early
 * intervention. The weights drift within a month (the clock thins on the current ones), so
 * the count is matched in expectation to within that drift. */
static void observed_requests(send_model *m, des_date d, double direct)
{
    const send_steps *o = &m->p->requests_observed;
    if (o->n == 0 || d < o->from[0])
        return;
    double base = m->sen.s.W * YEAR_DAYS + direct; /* expected a year at multiplier 1 */
    double f = base > 0 ? send_steps_at(o, d) / base : 0;
    m->pop.req_mult = f;
    m->pop.direct_rate = direct * f / YEAR_DAYS;
}

void pop_recompute_rates(send_model *m)
{
    const send_params *p = m->p;
    pop_state *s = &m->pop;
    des_date d = day_of(m, now(m));
    double trend = send_steps_at(&p->sen_entry_trend, d);
    double w[SEND_AGES];
    for (int a = 0; a < SEND_AGES; a++)
        w[a] = s->pop_age[a] * p->sen_entry_per_1000[a] / 1000.0;
    cumulate(w, SEND_AGES, s->sen_age_cum);
    s->sen_age_lo = 0;
    while (s->sen_age_lo < SEND_AGES - 1 && !(s->sen_age_cum[s->sen_age_lo] > 0))
        s->sen_age_lo++;
    s->sen_rate = s->sen_age_cum[SEND_AGES - 1] * trend / YEAR_DAYS;
    double rt = send_steps_at(&p->request_trend, d) * shock_mult(m, d) * s->year_mult *
                s->growth_level *
                pow(1.0 + s->growth_g, (now(m) - s->growth_t0) / YEAR_DAYS);
    s->ei_on = ei_active(m, d);
    s->req_mult = rt * (s->ei_on ? 1.0 - p->ei_effect : 1.0) / YEAR_DAYS;
    /* early help (early_help.averted_requests): each 2b case open now, with its lead
     * professional, averts that many requests from SEN Support a year, taken off the requests
     * expected a year at today's weights (never below none) */
    if (p->eh_on && p->eh_requests_averted > 0) {
        double expected = m->sen.s.W * s->req_mult * YEAR_DAYS;
        double averted = p->eh_requests_averted * (double)m->eh.s.open2b;
        s->req_mult *= expected > averted ? 1.0 - averted / expected : 0.0;
    }
    double direct = 0;
    for (int b = 0; b < BAND_COUNT; b++)
        direct += p->direct_requests[b];
    s->direct_rate = direct * rt / YEAR_DAYS;
    observed_requests(m, d, direct);
}

/* Children of academic age `age` today: the population by age times its growth since the
 * start (the same population whose SEN Support entries pop_recompute_rates derives). */
double pop_children(const send_model *m, int age)
{
    const send_params *p = m->p;
    double g = send_steps_at(&p->population_growth, day_of(m, now(m)));
    return p->population[age] * pow(1.0 + g, now(m) / YEAR_DAYS);
}
