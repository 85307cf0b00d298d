/* disagreement.c - a family's disagreement with a refusal to assess: mediation, then an appeal
 * to the tribunal, which the family may win (the assessment then starts) or lose (the child
 * goes back to SEN Support).
 *
 * No state of its own: a case in disagreement is a child record at STG_MEDIATION or
 * STG_TRIBUNAL with one pending event; counts go to the output as they happen. Complexity:
 * O(log n) per step (one calendar event).
 */
#include "model_internal.h"

/* Go to the tribunal (with probability p_appeal) or give up and go back to SEN Support. */
static void maybe_appeal(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    if (m->p->p_appeal > 0 && unif(m, S_TRIBUNAL) < m->p->p_appeal) {
        c->stage = STG_TRIBUNAL;
        cy_add(m, C_APPEALS, 1);
        fy_add(m, F_SPEND_ASSESS, m->p->tribunal_cost);
        sched_child(m, h, des_dist_sample(&m->p->tribunal_time, m->r[S_TRIBUNAL]),
                    EV_TRIBUNAL_END);
        return;
    }
    sen_return(m, h);
}

/* The D1 panel refused to assess case h: mediation first (with probability p_mediation). */
void dis_refused(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    if (m->p->p_mediation > 0 && unif(m, S_TRIBUNAL) < m->p->p_mediation) {
        c->stage = STG_MEDIATION;
        cy_add(m, C_MEDIATIONS, 1);
        sched_child(m, h, des_dist_sample(&m->p->mediation_time, m->r[S_TRIBUNAL]),
                    EV_MEDIATION_END);
    } else {
        maybe_appeal(m, h);
    }
}

void ev_mediation_end(send_model *m, uint32_t h)
{
    tr(m, h, TR_MEDIATION, 0, 0);
    maybe_appeal(m, h);
}

void ev_tribunal_end(send_model *m, uint32_t h)
{
    int won = unif(m, S_TRIBUNAL) < m->p->p_parent_win;
    tr(m, h, TR_APPEAL, won, 0);
    if (won) {
        cy_add(m, C_APPEALS_WON, 1);
        kid(m, h)->t_mark = now(m);
        ass_start(m, h);
    } else {
        sen_return(m, h);
    }
}
