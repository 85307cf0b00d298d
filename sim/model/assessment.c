/* assessment.c - the EHC needs assessment: educational psychology (EP), health and (for some)
 * social care advice in parallel, each a capacity-limited resource with FIFO queues.
 *
 * EP slots follow the EP FTE on statutory work (a step series: capacity changes on its dates,
 * admitting waiters when it grows): slots = FTE x statutory hours per FTE-week x mean weeks of
 * one advice / hours per assessment. When the last advice of a case is in, the case goes to
 * the D2 panel (requests.c). The opening caseload's assessments under way start here too.
 *
 * State: the three resources only (emptied by ass_reset, storage kept). Complexity: O(log n)
 * per advice (queue, calendar).
 */
#include "model_internal.h"

#include <string.h>

static int ep_slots(const send_params *p, double fte)
{
    double mean_weeks = des_dist_mean(&p->ep_duration) / 7.0;
    if (!(mean_weeks > 0))
        return fte > 0 ? 1000000 : 0;
    double s = fte * p->ep_hours_per_fte_week * mean_weeks / p->ep_hours_per_assessment;
    int n = (int)floor(s + 0.5);
    return fte > 0 && n < 1 ? 1 : n;
}

static int slots_from(double v) { return v >= 1e6 ? 1000000 : (int)floor(v + 0.5); }

int ass_init(send_model *m, des_error *err)
{
    const send_params *p = m->p;
    if (des_res_init(&m->ass.ep, ep_slots(p, send_steps_at(&p->ep_fte, p->start)), DES_FIFO, 0,
                     err) ||
        des_res_init(&m->ass.health, slots_from(p->health_slots), DES_FIFO, 0, err) ||
        des_res_init(&m->ass.social, slots_from(p->social_slots), DES_FIFO, 0, err))
        return err ? err->code : DES_ENOMEM;
    return DES_OK;
}

void ass_reset(send_model *m)
{
    const send_params *p = m->p;
    des_res_reset(&m->ass.ep, ep_slots(p, send_steps_at(&p->ep_fte, p->start)), 0);
    des_res_reset(&m->ass.health, slots_from(p->health_slots), 0);
    des_res_reset(&m->ass.social, slots_from(p->social_slots), 0);
}

void ass_free(send_model *m)
{
    des_res_free(&m->ass.ep);
    des_res_free(&m->ass.health);
    des_res_free(&m->ass.social);
}

static void advice_request(send_model *m, uint32_t h, des_resource *r, const des_dist *dur,
                           int done_ev)
{
    int rc = des_res_request(r, now(m), h, 0);
    assert(rc >= 0);
    if (rc == 1)
        sched_child(m, h, des_dist_sample(dur, m->r[S_ADVICE]), done_ev);
}

/* Case h is to be assessed: the advice it needs is requested. */
void ass_start(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    const send_params *p = m->p;
    c->stage = STG_ADVICE;
    int social = p->p_social_advice > 0 && unif(m, S_ADVICE) < p->p_social_advice;
    c->advice_left = (uint8_t)(2 + social);
    advice_request(m, h, &m->ass.ep, &p->ep_duration, EV_EP_DONE);
    advice_request(m, h, &m->ass.health, &p->health_duration, EV_HEALTH_DONE);
    if (social)
        advice_request(m, h, &m->ass.social, &p->social_duration, EV_SOCIAL_DONE);
}

/* Advice `which` (0 EP, 1 health, 2 social care) of case h is in: the adviser takes the next
 * case waiting, and a case with all its advice goes to the D2 panel. */
void ev_advice_done(send_model *m, uint32_t h, int which)
{
    const send_params *p = m->p;
    des_resource *r = which == 0 ? &m->ass.ep : which == 1 ? &m->ass.health : &m->ass.social;
    const des_dist *dur = which == 0   ? &p->ep_duration
                          : which == 1 ? &p->health_duration
                                       : &p->social_duration;
    int done_ev = which == 0 ? EV_EP_DONE : which == 1 ? EV_HEALTH_DONE : EV_SOCIAL_DONE;
    uint32_t next;
    if (des_res_release(r, now(m), &next))
        sched_child(m, next, des_dist_sample(dur, m->r[S_ADVICE]), done_ev);
    child *c = kid(m, h);
    tr(m, h, TR_ADVICE_DONE, which, 0);
    if (--c->advice_left == 0) {
        c->stage = STG_D2;
        des_panel_submit(&m->req.k.d2, now(m), h, 0);
        if (p->d2_period <= 0) /* decide on receipt: a sitting now, just for this case */
            sched(m, now(m), PRIO_EVENT, EV_D2_SIT, 1);
    }
}

/* EP staffing changes on a date (caseworker levels are read at each review sitting). */
void ev_staff(send_model *m)
{
    des_date d = day_of(m, now(m));
    uint32_t next;
    des_res_set_capacity(&m->ass.ep, now(m), ep_slots(m->p, send_steps_at(&m->p->ep_fte, d)));
    while (des_res_admit(&m->ass.ep, now(m), &next))
        sched_child(m, next, des_dist_sample(&m->p->ep_duration, m->r[S_ADVICE]), EV_EP_DONE);
}

/* Assessments under way at the start: requested up to 12 weeks before, advice requested now. */
void ass_open(send_model *m)
{
    const send_params *p = m->p;
    long n_ass = lround(p->initial_in_assessment);
    for (long i = 0; i < n_ass; i++) {
        int age = pick(p->sen_initial_age, SEND_AGES, unif(m, S_INIT));
        int need = pick_cum(m->sen.k.need_sen_cum, NEED_COUNT, unif(m, S_INIT));
        uint32_t h = new_child(m, age < 0 ? 8 : age, need, S_INIT);
        child *c = kid(m, h);
        c->state = ST_PROCESS;
        c->t_mark = -unif(m, S_INIT) * 84.0;
        m->req.s.n_process++;
        ass_start(m, h);
    }
}
