/* assessment.c - the EHC needs assessment: a SEN caseworker, then educational psychology (EP),
 * health and (for some) social care advice in parallel, each a capacity-limited resource with
 * a FIFO queue.
 *
 * A case agreed for assessment first waits for a caseworker's caseload place (places = FTE x
 * caseload per officer); it holds the place while its advice is gathered, through the D2 panel,
 * drafting and consultation, until the final plan (ass_final) or a decision not to issue
 * (ass_not_issued), when the next case waiting takes it; a plan late for other reasons
 * (drafting.late_share) gives it up once drafted and consulted on (ass_drafted) and waits for
 * its issue without it. EP slots follow the EP FTE on
 * statutory work: slots = FTE x statutory hours per FTE-week x mean weeks of one advice /
 * hours per assessment. Every capacity is a step series: at its dates (ev_staff) capacities
 * are set again and waiters admitted as far as they grow. When the last advice of a case is
 * in, the case goes to the D2 panel (requests.c), whose cases per sitting (and the D1
 * panel's) may also step by date, set here with the staff. The opening caseload's assessments
 * under way start here too.
 *
 * Capacity that follows demand (cap_elasticity > 0): caseworker and EP capacity are the FTE
 * series times a factor (D / D0) ^ elasticity, set again at each month's start (ass_month),
 * where D counts the assessments started over the 12 months ending cap_lag_months ago and D0
 * those of the first 12 months (the FTE series is sized for the first year's demand); the
 * factor is 1 until D is known. The opening caseload's assessments are not demand. With the
 * elasticity 1 the capacity keeps the first year's ratio to demand, so the queue stays bounded
 * when that ratio leaves headroom (tests/test_capacity.c).
 *
 * Capacity that follows the backlog (cap_backlog_months = T > 0; a recovery plan: agency
 * staff, overtime): at each month's start the caseworkers and the EPs each get, on top of the
 * above, the extra places that would clear the cases waiting for them within T months at the
 * throughput their places had: extra = ceil(Q x h / T), Q the cases waiting, h = B x M / A
 * the months a place is held (Little's law: B places busy, A cases admitted over the last M
 * months, M up to 12). The places go when the queue does (a case holding one keeps it), so a
 * backlog is worked down instead of growing without bound while capacity falls short.
 *
 * Prioritised cases (priority_share; simple cases, tribunal-ordered assessments) wait at a
 * lower priority value than the rest in every stage's queue, so they overtake the backlog;
 * with no share the queues are first come, first served.
 *
 * Each stage's wait is counted when the case begins it (C_STAGE_*, by calendar year). State:
 * the four resources and the monthly demand ring (emptied by ass_reset, storage kept).
 * Complexity: O(log n) per advice (queue, calendar), O(1) per caseworker step, O(12) a month.
 */
#include "model_internal.h"

#include <string.h>

static int slots_from(double v) { return v >= 1e6 ? 1000000 : (int)floor(v + 0.5); }

/* Concurrent EP advice cases fte EPs hold: fte x statutory hours a week x mean weeks of one
 * advice / hours per assessment (not above 0 when the advice takes no time). */
static double ep_cases(const send_params *p, double fte)
{
    double mean_weeks = des_dist_mean(&p->ep_duration) / 7.0;
    return fte * p->ep_hours_per_fte_week * mean_weeks / p->ep_hours_per_assessment;
}

static int ep_slots(const send_params *p, des_date d, double factor)
{
    double fte = send_steps_at(&p->ep_fte, d) * factor;
    if (!(des_dist_mean(&p->ep_duration) > 0))
        return fte > 0 ? 1000000 : 0;
    int n = slots_from(ep_cases(p, fte));
    return fte > 0 && n < 1 ? 1 : n;
}

static int cw_slots(const send_params *p, des_date d, double factor)
{
    double fte = send_steps_at(&p->caseworker_fte, d);
    if (fte < 1e6)
        fte *= factor;
    int n = slots_from(fte * p->caseload_per_officer);
    return fte > 0 && n < 1 ? 1 : n;
}

/* The four resources in the order of the stage metrics (SEND_STAGE_*). */
static des_resource *stage_res(send_model *m, int s)
{
    switch (s) {
    case SEND_STAGE_CASEWORKER: return &m->ass.cw;
    case SEND_STAGE_EP: return &m->ass.ep;
    case SEND_STAGE_HEALTH: return &m->ass.health;
    default: return &m->ass.social;
    }
}

static int stage_slots(const send_model *m, int s, des_date d)
{
    const send_params *p = m->p;
    switch (s) {
    case SEND_STAGE_CASEWORKER: {
        int n = cw_slots(p, d, m->ass.factor);
        return n >= 1000000 ? n : n + m->ass.extra[0];
    }
    case SEND_STAGE_EP: return ep_slots(p, d, m->ass.factor) + m->ass.extra[1];
    case SEND_STAGE_HEALTH: return slots_from(send_steps_at(&p->health_slots, d));
    default: return slots_from(send_steps_at(&p->social_slots, d));
    }
}

/* Prioritised cases need a priority queue; without them first come, first served. */
static des_discipline discipline(const send_params *p)
{
    return p->priority_share > 0 ? DES_PRIORITY : DES_FIFO;
}

static unsigned prio_of(const child *c) { return (c->flags & CF_PRIORITY) ? 0u : 1u; }

int ass_init(send_model *m, des_error *err)
{
    m->ass.factor = 1;
    for (int s = 0; s < SEND_NSTAGE; s++)
        if (des_res_init(stage_res(m, s), stage_slots(m, s, m->p->start), discipline(m->p), 0,
                         err))
            return err ? err->code : DES_ENOMEM;
    return DES_OK;
}

/* Panel throughput by date (d1/d2_panel.capacity_by_date, when given): cases per sitting on
 * day d. A D2 panel deciding on receipt keeps its unlimited sitting. */
static void panel_capacity(send_model *m, des_date d)
{
    const send_params *p = m->p;
    if (p->d1_capacity_steps.n > 0)
        m->req.k.d1.per_sitting = (int)send_steps_at(&p->d1_capacity_steps, d);
    if (p->d2_capacity_steps.n > 0 && p->d2_period > 0)
        m->req.k.d2.per_sitting = (int)send_steps_at(&p->d2_capacity_steps, d);
}

void ass_reset(send_model *m)
{
    m->ass.factor = 1;
    m->ass.month_starts = 0;
    m->ass.n_months = 0;
    m->ass.base = 0;
    memset(m->ass.adm_prev, 0, sizeof m->ass.adm_prev);
    memset(m->ass.adm_ring, 0, sizeof m->ass.adm_ring);
    memset(m->ass.extra, 0, sizeof m->ass.extra);
    for (int s = 0; s < SEND_NSTAGE; s++)
        des_res_reset(stage_res(m, s), stage_slots(m, s, m->p->start), 0);
    m->ass.n_ongoing = 0;
    panel_capacity(m, m->p->start);
}

void ass_free(send_model *m)
{
    for (int s = 0; s < SEND_NSTAGE; s++)
        des_res_free(stage_res(m, s));
}

/* A case begins stage s, having waited for it since t0. */
static void stage_began(send_model *m, int s, double t0)
{
    cy_add(m, C_STAGE_STARTED + s, 1);
    cy_add(m, C_STAGE_WEEKS + s, (now(m) - t0) / 7.0);
}

/* The first in stage s's queue takes a free server (after a release or a capacity rise):
 * *next gets it; 0 if nobody does. */
static int stage_admit(send_model *m, int s, uint32_t *next)
{
    des_resource *r = stage_res(m, s);
    double t0 = des_queue_len(&r->q) ? des_queue_head_time(&r->q) : now(m);
    if (!des_res_admit(r, now(m), next))
        return 0;
    stage_began(m, s, t0);
    return 1;
}

/* A server of stage s is given up; the first waiting, if any, takes it: *next gets it, and
 * 1 is returned. */
static int stage_release(send_model *m, int s, uint32_t *next)
{
    des_resource *r = stage_res(m, s);
    double t0 = des_queue_len(&r->q) ? des_queue_head_time(&r->q) : now(m);
    if (!des_res_release(r, now(m), next))
        return 0;
    stage_began(m, s, t0);
    return 1;
}

static const int done_event[SEND_NSTAGE] = {0, EV_EP_DONE, EV_HEALTH_DONE, EV_SOCIAL_DONE};

static const des_dist *advice_time(const send_params *p, int s)
{
    return s == SEND_STAGE_EP ? &p->ep_duration
           : s == SEND_STAGE_HEALTH ? &p->health_duration
                                    : &p->social_duration;
}

static void advice_started(send_model *m, uint32_t h, int s)
{
    sched_child(m, h, des_dist_sample(advice_time(m->p, s), m->r[S_ADVICE]), done_event[s]);
}

static void advice_request(send_model *m, uint32_t h, int s)
{
    int rc = des_res_request(stage_res(m, s), now(m), h, prio_of(kid(m, h)));
    assert(rc >= 0);
    if (rc == 1) {
        stage_began(m, s, now(m));
        advice_started(m, h, s);
    }
}

/* Case h has its caseworker: the advice it needs is requested. */
static void advise(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    const send_params *p = m->p;
    c->stage = STG_ADVICE;
    c->flags |= CF_CASEWORKER;
    int social = p->p_social_advice > 0 && unif(m, S_ADVICE) < p->p_social_advice;
    c->advice_left = (uint8_t)(2 + social);
    advice_request(m, h, SEND_STAGE_EP);
    advice_request(m, h, SEND_STAGE_HEALTH);
    if (social)
        advice_request(m, h, SEND_STAGE_SOCIAL);
}

/* Case h gives up its caseworker's place, which the next case waiting takes. */
static void caseworker_free(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    if (!(c->flags & CF_CASEWORKER))
        return;
    c->flags &= (uint8_t)~CF_CASEWORKER;
    uint32_t next;
    if (stage_release(m, SEND_STAGE_CASEWORKER, &next))
        advise(m, next);
}

/* Case h is to be assessed: it waits for a caseworker, then its advice is requested. */
void ass_start(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    const send_params *p = m->p;
    c->stage = STG_CASEWORKER;
    cy_add(m, C_ASSESS_STARTED, 1);
    m->ass.n_ongoing++;
    m->ass.month_starts++;
    c->flags &= (uint8_t)~CF_PRIORITY;
    if (p->priority_share > 0 && unif(m, S_PRIORITY) < p->priority_share)
        c->flags |= CF_PRIORITY;
    int rc = des_res_request(&m->ass.cw, now(m), h, prio_of(c));
    assert(rc >= 0);
    if (rc == 1) {
        stage_began(m, SEND_STAGE_CASEWORKER, now(m));
        advise(m, h);
    }
}

/* Advice of stage s (EP, health or social care) of case h is in: the adviser takes the next
 * case waiting, and a case with all its advice goes to the D2 panel. */
void ev_advice_done(send_model *m, uint32_t h, int s)
{
    const send_params *p = m->p;
    uint32_t next;
    if (stage_release(m, s, &next))
        advice_started(m, next, s);
    child *c = kid(m, h);
    tr(m, h, TR_ADVICE_DONE, s - SEND_STAGE_EP, 0);
    if (--c->advice_left == 0) {
        c->stage = STG_D2;
        des_panel_submit(&m->req.k.d2, now(m), h, 0);
        if (p->d2_period <= 0) /* decide on receipt: a sitting now, just for this case */
            sched(m, now(m), PRIO_EVENT, EV_D2_SIT, 1);
    }
}

/* The D2 panel decided on an assessment (to issue or not): it is no longer ongoing. */
void ass_decided(send_model *m) { m->ass.n_ongoing--; }

/* The D2 panel decided not to issue: the caseworker is free, the family may disagree. */
void ass_not_issued(send_model *m, uint32_t h)
{
    caseworker_free(m, h);
    dis_not_issued(m, h);
}

/* Case h is withdrawn after its assessment started (at the D2 panel): its caseworker is
 * free and the child goes back to SEN Support. Every way out of an assessment before its
 * final plan must come through here, ass_not_issued or ass_final, or a caseload place leaks. */
void ass_withdrawn(send_model *m, uint32_t h)
{
    m->ass.n_ongoing--;
    caseworker_free(m, h);
    sen_return(m, h);
}

void ass_drafted(send_model *m, uint32_t h) { caseworker_free(m, h); }

/* Case h's final plan is issued: its caseworker is free, the family may appeal. */
void ass_final(send_model *m, uint32_t h)
{
    caseworker_free(m, h);
    dis_new_plan(m, h);
}

/* Every capacity as of day d set again, and waiters admitted as far as a capacity grew. */
static void capacities_set(send_model *m, des_date d)
{
    uint32_t next;
    for (int s = 0; s < SEND_NSTAGE; s++) {
        des_res_set_capacity(stage_res(m, s), now(m), stage_slots(m, s, d));
        while (stage_admit(m, s, &next)) {
            if (s == SEND_STAGE_CASEWORKER)
                advise(m, next);
            else
                advice_started(m, next, s);
        }
    }
}

/* Staffing changes on a date (review caseworkers are read at each review sitting): every
 * capacity, and the panels' cases per sitting, are set again, and waiters admitted as far as
 * a capacity grew (a panel takes its waiters at its next sitting). */
void ev_staff(send_model *m)
{
    des_date d = day_of(m, now(m));
    panel_capacity(m, d);
    capacities_set(m, d);
}

/* The extra places of the backlog response for resource r (i: caseworkers 0, EPs 1) after
 * month n_months ended: see the header. */
static int backlog_extra(send_model *m, int i, des_resource *r)
{
    ass_model *a = &m->ass;
    a->adm_ring[i][(a->n_months - 1) % 12] = (int64_t)(r->admitted - a->adm_prev[i]);
    a->adm_prev[i] = r->admitted;
    size_t q = des_queue_len(&r->q);
    if (q == 0 || r->busy <= 0)
        return 0;
    int months = a->n_months < 12 ? a->n_months : 12;
    double admitted = 0;
    for (int k = 0; k < months; k++)
        admitted += (double)a->adm_ring[i][k];
    if (!(admitted > 0))
        return 0;
    double held = (double)r->busy * months / admitted; /* months a place is held */
    double extra = ceil((double)q * held / m->p->cap_backlog_months);
    return extra >= 1e6 ? 1000000 : (int)extra;
}

/* A month has ended (called at the next month's start): its assessments started join the
 * ring; with cap_backlog_months set the backlog response's places are set again from the
 * queues now; with cap_elasticity set the capacity factor follows the demand of the 12 months
 * ending cap_lag_months ago, relative to the first 12 months'. Capacities are set again only
 * when either changed. */
void ass_month(send_model *m)
{
    const send_params *p = m->p;
    ass_model *a = &m->ass;
    a->ring[a->n_months % ASS_RING] = a->month_starts;
    a->month_starts = 0;
    a->n_months++;
    int changed = 0;
    if (p->cap_backlog_months > 0) {
        int cw = backlog_extra(m, 0, &a->cw), ep = backlog_extra(m, 1, &a->ep);
        changed = cw != a->extra[0] || ep != a->extra[1];
        a->extra[0] = cw;
        a->extra[1] = ep;
    }
    if (p->cap_elasticity > 0) {
        int lag = p->cap_lag_months < 0 ? 0
                  : p->cap_lag_months > SEND_CAP_LAG_MAX ? SEND_CAP_LAG_MAX : p->cap_lag_months;
        if (a->n_months == 12)
            for (int i = 0; i < 12; i++)
                a->base += (double)a->ring[i];
        if (a->n_months >= 12 + lag) {
            double demand = 0;
            for (int i = a->n_months - lag - 12; i < a->n_months - lag; i++)
                demand += (double)a->ring[i % ASS_RING];
            if (a->base > 0 && demand > 0) {
                double f = pow(demand / a->base, p->cap_elasticity);
                changed |= f != a->factor;
                a->factor = f;
            }
        }
    }
    if (changed)
        capacities_set(m, day_of(m, now(m)));
}

/* The FTE in force on day d: caseworkers (ep 0; -1 when not limited) or EPs (ep 1), the
 * series times the demand factor plus the backlog response's places in FTE. */
double ass_fte(const send_model *m, int ep, des_date d)
{
    const send_params *p = m->p;
    if (!ep) {
        double cw = send_steps_at(&p->caseworker_fte, d);
        if (cw >= 1e6)
            return -1;
        return cw * m->ass.factor +
               (p->caseload_per_officer > 0 ? m->ass.extra[0] / p->caseload_per_officer : 0);
    }
    double per_fte = ep_cases(p, 1.0);
    return send_steps_at(&p->ep_fte, d) * m->ass.factor +
           (per_fte > 0 ? m->ass.extra[1] / per_fte : 0);
}

/* A case of the opening pipeline at stage `stage` (requests.c too): aged and of a need drawn as
 * the opening SEN Support's, in process. */
uint32_t ass_open_case(send_model *m, int stage)
{
    const send_params *p = m->p;
    int age = pick(p->sen_initial_age, SEND_AGES, unif(m, S_INIT));
    int need = pick_cum(m->sen.k.need_sen_cum, NEED_COUNT, unif(m, S_INIT));
    uint32_t h = new_child(m, age < 0 ? 8 : age, need, S_INIT);
    child *c = kid(m, h);
    c->state = ST_PROCESS;
    c->stage = (uint8_t)stage;
    m->req.s.n_process++;
    return h;
}

/* Plans decided before the start and being drafted or consulted on (initial.in_drafting): each
 * has done a share u of its own drafting and consultation (draws, their sum post) and is issued
 * after the rest, late for other reasons with the first day's drafting.late_share (then as any
 * late plan: past its 20 weeks by late_by). It was requested the D1 preparation and sitting
 * wait, its EP advice and a D2 sitting wait (draws) before that share. It holds a caseworker's
 * place when one is free (these come before the assessments under way, which the places were
 * sized for with them), else none. */
static void ass_open_drafting(send_model *m, double late)
{
    const send_params *p = m->p;
    gsl_rng *r = m->r[S_INIT];
    long n = lround(p->initial_in_drafting);
    for (long i = 0; i < n; i++) {
        uint32_t h = ass_open_case(m, STG_DRAFT);
        child *c = kid(m, h);
        double post = fmax(0, des_dist_sample(&p->draft_time, r)) +
                      fmax(0, des_dist_sample(&p->consult_time, r));
        double u = unif(m, S_INIT);
        double before = fmax(0, des_dist_sample(&p->d1_prep, r)) +
                        (p->d1_period > 0 ? unif(m, S_INIT) * p->d1_period : 0) +
                        fmax(0, des_dist_sample(&p->ep_duration, r)) +
                        (p->d2_period > 0 ? unif(m, S_INIT) * p->d2_period : 0);
        c->t_mark = -(before + u * post);
        if (m->ass.cw.busy < m->ass.cw.capacity) {
            int rc = des_res_request(&m->ass.cw, now(m), h, prio_of(c));
            assert(rc == 1);
            (void)rc;
            c->flags |= CF_CASEWORKER;
        }
        if (late > 0 && unif(m, S_LATE) < late)
            c->flags |= CF_LATE;
        sched_child(m, h, (1 - u) * post, EV_FINAL);
    }
}

/* Assessments under way at the start: requested up to 12 weeks before, advice requested now.
 * With plans late for other reasons (drafting.late_share L at the start), a share of them are
 * such plans already drafted and waiting past their 20 weeks, as many as a steady flow leaves:
 * pi = q L w / (140 + q L w), q the share of assessments issued, w the mean of drafting.late_by
 * in days (at least a day); each waits a draw of late_by for its issue, has waited another draw
 * past its 20 weeks (both exact for an exponential late_by, whose wait is memoryless) and holds
 * no caseworker. */
void ass_open(send_model *m)
{
    const send_params *p = m->p;
    double late = send_steps_at(&p->late_share, day_of(m, 0.0)), w = des_dist_mean(&p->late_by);
    ass_open_drafting(m, late);
    long n_ass = lround(p->initial_in_assessment), n_late = 0;
    double qlw = p->p_issue * late * (w > 1 ? w : 1), pi = qlw > 0 ? qlw / (140.0 + qlw) : 0;
    for (long i = 0; i < n_ass; i++) {
        uint32_t h = ass_open_case(m, STG_NONE);
        child *c = kid(m, h);
        if (pi > 0 && unif(m, S_INIT) < pi) {
            double past = des_dist_sample(&p->late_by, m->r[S_INIT]);
            double left = des_dist_sample(&p->late_by, m->r[S_INIT]);
            c->t_mark = -140.0 - (past > 0 ? past : 0);
            c->stage = STG_DRAFT;
            sched_child(m, h, left > 1 ? left : 1, EV_FINAL);
            n_late++;
            continue;
        }
        c->t_mark = -unif(m, S_INIT) * 84.0;
        ass_start(m, h);
    }
    m->ass.month_starts -= n_ass - n_late; /* under way already: not the demand capacity follows */
}
