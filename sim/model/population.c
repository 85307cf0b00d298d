/* population.c - population and levels: the rates at which children flow into SEN Support and
 * from it into requests for assessment, as they stand on a given day.
 *
 * The population by single year of age grows at a stepped annual rate; entries to SEN Support
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
 * constant and set at the reset. Complexity: O(ages + shocks + bands) per recomputation.
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
    draw_year_mult(m);
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
    double years = now(m) / YEAR_DAYS;
    double growth = pow(1.0 + send_steps_at(&p->population_growth, d), years);
    double trend = send_steps_at(&p->sen_entry_trend, d);
    double w[SEND_AGES];
    for (int a = 0; a < SEND_AGES; a++)
        w[a] = p->population[a] * growth * p->sen_entry_per_1000[a] / 1000.0;
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
    double direct = 0;
    for (int b = 0; b < BAND_COUNT; b++)
        direct += p->direct_requests[b];
    s->direct_rate = direct * rt / YEAR_DAYS;
    observed_requests(m, d, direct);
}
