/* requests.c - requests for an EHC needs assessment and the two panels that decide on them.
 *
 * Requests come from SEN Support (a thinned clock over the classes' hazards: a candidate is
 * accepted with probability W x mult / bound, see reset_request_clock) and directly from
 * outside it (a clock per age band). A request gets a child record, gathers evidence for the
 * D1 panel (decision to assess; refusal goes to disagreement.c) and, once assessed
 * (assessment.c), waits for the D2 panel (decision to issue), then drafting and consultation
 * to the final plan (plans.c). A request may be withdrawn when the D1 panel would decide it,
 * and an assessment when the D2 panel would (requests.withdrawn, assessment.withdrawn, drawn
 * on S_OUTCOME only when set): the child goes back to SEN Support. Panels sit periodically and decide a limited number of cases
 * per sitting (period 0: decide on receipt).
 *
 * Cases preparing for a periodic D1 panel wait in a binary min-heap on (ready time, request
 * order), not as events: a sitting takes those ready by then, in order. Invariant: panel
 * decisions happen only at sittings (counted in diag.d1_decisions_off_sitting). Complexity:
 * O(log n) per request (heap, calendar), O(cases decided) per sitting.
 */
#include "model_internal.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

int req_init(send_model *m, des_error *err)
{
    const send_params *p = m->p;
    if (des_panel_init(&m->req.k.d1, p->d1_first, p->d1_period > 0 ? p->d1_period : 1,
                       p->d1_capacity, DES_FIFO, err) ||
        des_panel_init(&m->req.k.d2, p->d2_first, p->d2_period > 0 ? p->d2_period : 1,
                       p->d2_period > 0 ? p->d2_capacity : 1000000, DES_FIFO, err))
        return err ? err->code : DES_ENOMEM;
    cumulate(p->need_share_direct, NEED_COUNT, m->req.k.need_direct_cum);
    cumulate(p->direct_requests, BAND_COUNT, m->req.k.direct_cum);
    return DES_OK;
}

void req_reset(send_model *m)
{
    memset(&m->req.s, 0, sizeof m->req.s);
    des_panel_reset(&m->req.k.d1, 0);
    des_panel_reset(&m->req.k.d2, 0);
}

void req_free(send_model *m)
{
    des_panel_free(&m->req.k.d1);
    des_panel_free(&m->req.k.d2);
    free(m->req.k.rdy);
}

/* ---- cases getting ready for the D1 panel ------------------------------------------------ */

static inline int ready_before(const ready *a, const ready *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void ready_push(send_model *m, double t, uint32_t h)
{
    req_model *q = &m->req;
    if (q->s.rdy_n == q->k.rdy_cap) {
        size_t cap = q->k.rdy_cap ? 2 * q->k.rdy_cap : 256;
        ready *v = realloc(q->k.rdy, cap * sizeof *v);
        assert(v); /* out of memory is fatal for a simulation */
        q->k.rdy = v;
        q->k.rdy_cap = cap;
    }
    ready x = {t, q->s.rdy_seq++, h};
    ready *heap = q->k.rdy;
    size_t i = q->s.rdy_n++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!ready_before(&x, &heap[up]))
            break;
        heap[i] = heap[up];
        i = up;
    }
    heap[i] = x;
}

/* Remove the earliest case (the heap must not be empty). */
static void ready_pop(send_model *m)
{
    ready *heap = m->req.k.rdy;
    ready x = heap[--m->req.s.rdy_n];
    size_t n = m->req.s.rdy_n, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ready_before(&heap[c + 1], &heap[c]))
            c++;
        if (!ready_before(&heap[c], &x))
            break;
        heap[i] = heap[c];
        i = c;
    }
    if (n)
        heap[i] = x;
}

/* ---- panels ------------------------------------------------------------------------------ */

/* A sitting of panel pn: the cases it decides, in order, in m->scratch. */
size_t panel_sit(send_model *m, des_panel *pn)
{
    size_t want = des_queue_len(&pn->q);
    ensure_scratch(m, want ? want : 1);
    return des_panel_sit(pn, now(m), m->scratch, m->scratch_cap);
}

static int at_sitting(const des_panel *pn, double t)
{
    if (pn->period <= 0)
        return 1;
    double k = (t - pn->first) / pn->period;
    return fabs(k - floor(k + 0.5)) < 1e-9;
}

static void d1_decide(send_model *m, uint32_t h)
{
    if (m->p->p_withdraw_request > 0 && unif(m, S_OUTCOME) < m->p->p_withdraw_request) {
        cy_add(m, C_REQ_WITHDRAWN, 1);
        tr(m, h, TR_D1_DECISION, 2, 0);
        sen_return(m, h);
        return;
    }
    cy_add(m, C_D1_DECIDED, 1);
    cy_add(m, C_D1_WITHIN_6W, now(m) - kid(m, h)->t_mark <= 42.0 + 1e-9);
    double refuse = send_steps_at(&m->p->d1_refusal, day_of(m, now(m)));
    if (unif(m, S_D1) < refuse) {
        cy_add(m, C_REFUSED, 1);
        tr(m, h, TR_D1_DECISION, 0, 0);
        dis_refused(m, h);
        return;
    }
    tr(m, h, TR_D1_DECISION, 1, 0);
    ass_start(m, h);
}

/* Case h is ready for the D1 panel: decided now (period 0) or queued for the next sitting. */
void ev_d1_ready(send_model *m, uint32_t h)
{
    if (m->p->d1_period <= 0)
        d1_decide(m, h);
    else
        des_panel_submit(&m->req.k.d1, now(m), h, 0);
}

void ev_d1_sit(send_model *m)
{
    req_model *q = &m->req;
    if (!at_sitting(&q->k.d1, now(m)))
        m->c.diag.d1_decisions_off_sitting++;
    /* cases ready by now join the queue, in the order they became ready */
    while (q->s.rdy_n && q->k.rdy[0].t <= now(m)) {
        des_panel_submit(&q->k.d1, now(m), q->k.rdy[0].h, 0);
        ready_pop(m);
    }
    size_t n = panel_sit(m, &q->k.d1);
    for (size_t i = 0; i < n; i++)
        d1_decide(m, m->scratch[i]);
    if (m->p->d1_period > 0)
        sched(m, des_panel_next_sitting(&q->k.d1, now(m), 0), PRIO_EVENT, EV_D1_SIT, 0);
}

/* The share of plans late for other reasons, decided on today. */
static double late_share_at(send_model *m)
{
    return send_steps_at(&m->p->late_share, day_of(m, now(m)));
}

void ev_d2_sit(send_model *m, int immediate)
{
    size_t n = panel_sit(m, &m->req.k.d2);
    for (size_t i = 0; i < n; i++) {
        uint32_t h = m->scratch[i];
        child *c = kid(m, h);
        fy_add(m, F_SPEND_ASSESS, m->p->assessment_cost);
        if (m->p->p_withdraw_assessment > 0 && unif(m, S_OUTCOME) < m->p->p_withdraw_assessment) {
            cy_add(m, C_ASS_WITHDRAWN, 1);
            tr(m, h, TR_D2_DECISION, 2, 0);
            ass_withdrawn(m, h);
            continue;
        }
        cy_add(m, C_ASSESSMENTS, 1);
        ass_decided(m);
        int issue = unif(m, S_D2) < m->p->p_issue;
        cy_add(m, issue ? C_ASSESSED_PLAN : C_ASSESSED_NO_PLAN, 1);
        tr(m, h, TR_D2_DECISION, issue, 0);
        if (issue) {
            /* drafting then consultation: nothing happens in between, so one event at the end */
            c->stage = STG_DRAFT;
            double draft = des_dist_sample(&m->p->draft_time, m->r[S_D2]);
            double consult = des_dist_sample(&m->p->consult_time, m->r[S_D2]);
            c->flags &= (uint8_t)~CF_LATE;
            double late = late_share_at(m);
            if (late > 0 && unif(m, S_LATE) < late)
                c->flags |= CF_LATE;
            sched_child(m, h, (draft > 0 ? draft : 0) + (consult > 0 ? consult : 0), EV_FINAL);
        } else {
            ass_not_issued(m, h);
        }
    }
    if (!immediate && m->p->d2_period > 0)
        sched(m, des_panel_next_sitting(&m->req.k.d2, now(m), 0), PRIO_EVENT, EV_D2_SIT, 0);
}

/* ---- requests ---------------------------------------------------------------------------- */

static void submit_request(send_model *m, uint32_t h, int direct)
{
    child *c = kid(m, h);
    c->state = ST_PROCESS;
    c->stage = STG_D1;
    c->t_mark = now(m);
    m->req.s.n_process++;
    cy_add(m, C_REQUESTS, 1);
    tr(m, h, TR_REQUEST, direct, 0);
    double prep = des_dist_sample(&m->p->d1_prep, m->r[S_D1]);
    if (!(prep > 0))
        ev_d1_ready(m, h);
    else if (m->p->d1_period <= 0)
        sched_child(m, h, prep, EV_D1_READY); /* decided on receipt: an event at that time */
    else if (now(m) + prep < m->t_end)
        ready_push(m, now(m) + prep, h);
}

/* Requests made before the start and awaiting the D1 decision (initial.awaiting_decision):
 * each has been prepared for a share u of a draw d of d1_panel.preparation (requested u x d
 * ago) and is ready for the panel after the rest, as submit_request would have it. Not counted
 * among the year's requests. */
void req_open(send_model *m)
{
    const send_params *p = m->p;
    long n = lround(p->initial_awaiting_decision);
    for (long i = 0; i < n; i++) {
        uint32_t h = ass_open_case(m, STG_D1);
        child *c = kid(m, h);
        double d = fmax(0, des_dist_sample(&p->d1_prep, m->r[S_INIT])), u = unif(m, S_INIT);
        c->t_mark = -u * d;
        double left = (1 - u) * d;
        if (!(left > 0))
            ev_d1_ready(m, h);
        else if (p->d1_period <= 0)
            sched_child(m, h, left, EV_D1_READY);
        else if (left < m->t_end)
            ready_push(m, left, h);
    }
}

/* A request candidate: accepted with probability W x mult / bound, from a class drawn in
 * proportion to its weight; the child then gets a record. */
void ev_request(send_model *m)
{
    double x = unif(m, S_REQUEST) * m->sen.s.req_span; /* accepted with probability W / span */
    next_firing(m, CLK_REQUEST, S_REQUEST);
    if (x < m->sen.s.W) {
        int k = class_at(m, x, 1);
        if (k >= 0 && m->sen.k.cls_w[k] > 0) {
            class_add(m, k, -1);
            m->out->sen_out++;
            uint32_t h = new_child(m, k / NEED_COUNT, k % NEED_COUNT, S_REQUEST);
            submit_request(m, h, 0);
        }
    }
}

void ev_direct(send_model *m)
{
    int b = pick_cum(m->req.k.direct_cum, BAND_COUNT, unif(m, S_DIRECT));
    static const int lo[BAND_COUNT] = {0, 5, 11, 16, 20}, hi[BAND_COUNT] = {4, 10, 15, 19, 25};
    next_firing(m, CLK_DIRECT, S_DIRECT);
    if (b >= 0) {
        int age = lo[b] + (int)gsl_rng_uniform_int(m->r[S_DIRECT], (unsigned long)(hi[b] - lo[b] + 1));
        int need = pick_cum(m->req.k.need_direct_cum, NEED_COUNT, unif(m, S_DIRECT));
        uint32_t h = new_child(m, age, need, S_DIRECT);
        submit_request(m, h, 1);
    }
}
