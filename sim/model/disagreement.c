/* disagreement.c - a family's disagreement with a decision: a refusal to assess, a refusal to
 * issue a plan, or a new plan's content or placement (section I).
 *
 * After a refusal (to assess or to issue): mediation first (share disagreement.mediation),
 * then an appeal to the tribunal (share disagreement.appeal, or appeal_no_issue after a refusal
 * to issue), which the family may win (the assessment starts, or the plan is drafted and
 * issued) or lose (the child goes back to SEN Support). With appeal_no_issue 0 a refusal to
 * issue is accepted at once, as it always was. A new plan's placement may be appealed (share
 * appeal_placement; a share placement_mediation of them mediated first, the appeal following
 * the mediation): the plan holder keeps its placement meanwhile; a won appeal (share
 * placement_win) moves it to the provision the family asked for (placement_won, usually an
 * independent school), with that provision's cost from then on.
 *
 * No state of its own: a case in disagreement about a refusal is a child record at
 * STG_MEDIATION or STG_TRIBUNAL (CF_DISPUTE_ISSUE telling which refusal) with one pending
 * event; a placement appeal is one event tagged with the plan holder's serial, stale if the
 * plan ended meanwhile. Counts go to the output as they happen. Complexity: O(log n) per step.
 */
#include "model_internal.h"

/* Go to the tribunal or give up and go back to SEN Support. */
static void maybe_appeal(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    int issue = (c->flags & CF_DISPUTE_ISSUE) != 0;
    double pa = issue ? m->p->p_appeal_no_issue : m->p->p_appeal;
    if (pa > 0 && unif(m, S_TRIBUNAL) < pa) {
        c->stage = STG_TRIBUNAL;
        cy_add(m, issue ? C_APPEALS_NO_ISSUE : C_APPEALS, 1);
        cy_add(m, C_APPEALS_ALL, 1);
        fy_add(m, F_SPEND_ASSESS, m->p->tribunal_cost);
        sched_child(m, h, des_dist_sample(&m->p->tribunal_time, m->r[S_TRIBUNAL]),
                    EV_TRIBUNAL_END);
        return;
    }
    sen_return(m, h);
}

/* A refusal: mediation first (with probability p_mediation), then perhaps an appeal. */
static void disagree(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    if (m->p->p_mediation > 0 && unif(m, S_TRIBUNAL) < m->p->p_mediation) {
        c->stage = STG_MEDIATION;
        if (!(c->flags & CF_DISPUTE_ISSUE))
            cy_add(m, C_MEDIATIONS, 1);
        cy_add(m, C_MEDIATIONS_ALL, 1);
        sched_child(m, h, des_dist_sample(&m->p->mediation_time, m->r[S_TRIBUNAL]),
                    EV_MEDIATION_END);
    } else {
        maybe_appeal(m, h);
    }
}

/* The D1 panel refused to assess case h. */
void dis_refused(send_model *m, uint32_t h)
{
    kid(m, h)->flags &= (uint8_t)~CF_DISPUTE_ISSUE;
    disagree(m, h);
}

/* The D2 panel decided not to issue a plan for case h (its caseworker already freed). */
void dis_not_issued(send_model *m, uint32_t h)
{
    if (!(m->p->p_appeal_no_issue > 0)) {
        sen_return(m, h);
        return;
    }
    kid(m, h)->flags |= CF_DISPUTE_ISSUE;
    disagree(m, h);
}

void ev_mediation_end(send_model *m, uint32_t h)
{
    tr(m, h, TR_MEDIATION, 0, 0);
    maybe_appeal(m, h);
}

void ev_tribunal_end(send_model *m, uint32_t h)
{
    int won = unif(m, S_TRIBUNAL) < m->p->p_parent_win;
    child *c = kid(m, h);
    tr(m, h, TR_APPEAL, won, 0);
    if (!won) {
        sen_return(m, h);
        return;
    }
    cy_add(m, C_APPEALS_WON, 1);
    if (c->flags & CF_DISPUTE_ISSUE) {
        /* the tribunal orders the plan: drafted and consulted on (no caseworker queue), and
         * the 20-week clock still runs from the request */
        c->flags &= (uint8_t)~CF_DISPUTE_ISSUE;
        c->stage = STG_DRAFT;
        double draft = des_dist_sample(&m->p->draft_time, m->r[S_TRIBUNAL]);
        double consult = des_dist_sample(&m->p->consult_time, m->r[S_TRIBUNAL]);
        sched_child(m, h, (draft > 0 ? draft : 0) + (consult > 0 ? consult : 0), EV_FINAL);
        return;
    }
    c->t_mark = now(m);
    ass_start(m, h);
}

/* Plan holder h's new plan is final (and its placement decided): the family may appeal
 * about its content or placement. */
static void placement_appeal(send_model *m, uint32_t h)
{
    const send_params *p = m->p;
    cy_add(m, C_APPEALS_PLACEMENT, 1);
    cy_add(m, C_APPEALS_ALL, 1);
    fy_add(m, F_SPEND_ASSESS, p->tribunal_cost);
    sched_for_serial(m, h, des_dist_sample(&p->tribunal_time, m->r[S_TRIBUNAL]),
                     EV_PLACEMENT_APPEAL_END);
}

void dis_new_plan(send_model *m, uint32_t h)
{
    const send_params *p = m->p;
    if (!(p->p_appeal_placement > 0) || unif(m, S_TRIBUNAL) >= p->p_appeal_placement)
        return;
    if (p->p_placement_mediation > 0 && unif(m, S_TRIBUNAL) < p->p_placement_mediation) {
        cy_add(m, C_MEDIATIONS_ALL, 1);
        sched_for_serial(m, h, des_dist_sample(&p->mediation_time, m->r[S_TRIBUNAL]),
                         EV_PLACEMENT_MEDIATION_END);
        return;
    }
    placement_appeal(m, h);
}

/* Plan holder h's mediation about its placement ended: the appeal goes ahead while the plan
 * is still in place. */
void ev_placement_mediation_end(send_model *m, uint32_t h)
{
    if (kid(m, h)->state != ST_PLAN)
        return;
    tr(m, h, TR_MEDIATION, 1, 0);
    placement_appeal(m, h);
}

/* The tribunal decides plan holder h's placement appeal (the plan is still in place). */
void ev_placement_appeal_end(send_model *m, uint32_t h)
{
    const send_params *p = m->p;
    child *c = kid(m, h);
    if (c->state != ST_PLAN)
        return;
    int won = unif(m, S_TRIBUNAL) < p->p_placement_win;
    tr(m, h, TR_APPEAL, won, 1);
    if (!won)
        return;
    cy_add(m, C_APPEALS_WON, 1);
    int q = p->placement_won_provision;
    /* nothing changes for a child already there (or waiting for it), before the level-4
     * panel, or too young or old for that provision */
    if (c->prov == q || (c->want_pool >= 0 && c->want == q) || c->stage == STG_L4 ||
        !valid_age(m->p, q, age_of(m, c)))
        return;
    place_release(m, h, c);
    place_child(m, h, q);
    cy_add(m, C_PLACEMENT_CHANGED, 1);
}
