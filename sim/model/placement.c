/* placement.c - placement and sufficiency: places in capacity pools, waiting for a place,
 * overflow to independent schools, the level-4 joint panel, phase transfers and new places.
 *
 * A provision's places may be split into pools by area and need; a child's own pool is the
 * most specific one that matches its area and need. When it is full the child takes a free
 * place in the first pool of its fallback list (placement.fallback: less specific pools that
 * serve its area, then other areas' pools for its need, then for any need). With none free it
 * waits (PROV_AWAITING, counted as waiting for the provision wanted) in its own pool's FIFO
 * queue; a place freed in a pool goes to the longest waiter among its own queue and the queues
 * of the pools whose waiters fall back to it. After max_wait_days a waiter overflows to the overflow provision
 * (usually independent), unless the independent-reduction lever makes it wait another spell.
 * New placements may first go to the level-4 panel (level4.from). Builds change a pool's
 * capacity on a date (plus a random slippage) and admit waiters.
 *
 * Invariants: a pool never admits above its capacity (diag.capacity_violations); occ[q] is the
 * number of children in provision q; waiting[q] the number waiting for q; a child waits only
 * while no pool of its fallback list has a free place. Complexity: O(log n) per placement
 * (queue, calendar) plus O(pools x fallback list) to find who takes a freed place; O(provisions) per choice of
 * provision.
 */
#include "model_internal.h"

#include <string.h>

/* Specificity of a pool: 3 for one area and one need, 2 one area, 1 one need, 0 neither. */
static int pool_score(const send_pool_spec *s) { return (s->area >= 0) * 2 + (s->need >= 0); }

/* The own pool of a child of area a and need n in provision q: the most specific pool serving
 * both (the first of equals), or -1 when none does (places not limited for it). */
static int own_pool(const send_params *p, int q, int a, int n)
{
    int best = -1, score = -1;
    for (int i = 0; i < p->n_pools; i++) {
        const send_pool_spec *s = &p->pools[i];
        if (s->provision != q || (s->area >= 0 && s->area != a) || (s->need >= 0 && s->need != n))
            continue;
        if (pool_score(s) > score) {
            score = pool_score(s);
            best = i;
        }
    }
    return best;
}

/* Where pool i stands in the fallback order of a child of area a and need n (lower first), or
 * -1 when it is not a fallback for the child: its own pool is not. Less specific pools serving
 * the area rank 1-3 (area and need, area only, need only, neither: the own pool's score order),
 * other areas' pools 4 (for the need) and 5 (any need). A pool's own children all wait in its
 * queue, so each child has one queue. */
static int fallback_rank(const send_params *p, int i, int a, int n)
{
    const send_pool_spec *s = &p->pools[i];
    if ((s->need >= 0 && s->need != n) || i == own_pool(p, s->provision, a, n))
        return -1;
    if (s->area < 0 || s->area == a)
        return p->fallback_general ? 3 - pool_score(s) : -1;
    return p->fallback_out_of_area ? (s->need >= 0 ? 4 : 5) : -1;
}

int place_init(send_model *m, des_error *err)
{
    const send_params *p = m->p;
    place_model *pm = &m->place;
    if (des_panel_init(&pm->k.l4, p->l4_first, p->l4_period > 0 ? p->l4_period : 1,
                       p->l4_capacity, DES_FIFO, err))
        return err ? err->code : DES_ENOMEM;
    for (int i = 0; i < p->n_pools; i++)
        if (des_res_init(&pm->k.pool[i], p->pools[i].places, DES_FIFO, 0, err))
            return err ? err->code : DES_ENOMEM;
    /* most specific pool for each (provision, area, need) */
    for (int q = 0; q < PROV_COUNT; q++)
        for (int a = 0; a < SEND_MAX_AREAS; a++)
            for (int n = 0; n < NEED_COUNT; n++) {
                int best = own_pool(p, q, a, n);
                pm->k.pool_of[q][a][n] = (int8_t)best;
                if (best >= 0)
                    pm->k.prov_has_pool[q] = 1;
            }
    /* fallback lists: the pools of the same provision as the child's own, by rank */
    for (int a = 0; a < p->n_areas; a++)
        for (int n = 0; n < NEED_COUNT; n++) {
            int nf = 0;
            for (int r = 0; r < 6; r++)
                for (int i = 0; i < p->n_pools; i++)
                    if (fallback_rank(p, i, a, n) == r)
                        pm->k.fallback[a][n][nf++] = (int8_t)i;
            pm->k.n_fallback[a][n] = (uint8_t)nf;
        }
    return DES_OK;
}

void place_reset(send_model *m)
{
    place_model *pm = &m->place;
    memset(&pm->s, 0, sizeof pm->s);
    for (int q = 0; q < PROV_COUNT; q++)
        des_timeavg_init(&pm->s.occ_ta[q], 0, 0);
    des_panel_reset(&pm->k.l4, 0);
    for (int i = 0; i < m->p->n_pools; i++)
        des_res_reset(&pm->k.pool[i], m->p->pools[i].places, 0);
}

void place_free(send_model *m)
{
    des_panel_free(&m->place.k.l4);
    for (int i = 0; i < SEND_MAX_POOLS; i++)
        des_res_free(&m->place.k.pool[i]);
}

/* Called right after an admission: the pool must not be above its capacity. */
static void check_capacity(send_model *m, int pi)
{
    if (m->place.k.pool[pi].busy > m->place.k.pool[pi].capacity)
        m->c.diag.capacity_violations++;
}

/* A wait for a place has ended after `waited` days: placed as wanted, or in the overflow
 * provision after the longest wait. Both count towards mean_wait_for_place_weeks. */
static void wait_ended(send_model *m, double waited)
{
    cy_add(m, C_WAITS_ENDED, 1);
    cy_add(m, C_WEEKS_WAITED, waited / 7.0);
}

/* Child c starts (d = +1) or stops (-1) waiting for a pool place in provision prov. */
static void pool_wait(send_model *m, const child *c, int prov, int d)
{
    m->place.s.waiting[prov] += d;
    m->place.s.wait_cell[prov][c->area][c->need] += d;
}

/* The breakdown rows of month k (send_breakdown_name gives the layout). */
void place_snapshot(send_model *m, int k)
{
    send_output *o = m->out;
    if (!o->n_breakdown)
        return;
    const send_params *p = m->p;
    const place_model *pm = &m->place;
    int row = SEND_METRIC_COUNT;
    for (int i = 0; i < p->n_pools; i++) {
        const des_resource *r = &pm->k.pool[i];
        int q = p->pools[i].provision;
        double demand = 0;
        for (int a = 0; a < p->n_areas; a++)
            for (int n = 0; n < NEED_COUNT; n++)
                if (pm->k.pool_of[q][a][n] == i)
                    demand += pm->s.occ_cell[q][a][n] + pm->s.wait_cell[q][a][n];
        send_output_row(o, row++)[k] = r->capacity;
        send_output_row(o, row++)[k] = r->busy;
        send_output_row(o, row++)[k] = (double)des_queue_len(&r->q);
        send_output_row(o, row++)[k] = demand - r->capacity;
    }
    for (int q = 0; q < PROV_COUNT; q++) {
        if (!pm->k.prov_has_pool[q])
            continue;
        for (int a = 0; a < p->n_areas; a++)
            for (int n = 0; n < NEED_COUNT; n++) {
                send_output_row(o, row++)[k] = pm->s.occ_cell[q][a][n];
                send_output_row(o, row++)[k] = pm->s.wait_cell[q][a][n];
            }
    }
    assert(row == SEND_METRIC_COUNT + o->n_breakdown);
}

/* Waiter h has been given a place in pool pi (its own, or one it falls back to). */
static void admit_waiter(send_model *m, uint32_t h, int pi)
{
    child *c = kid(m, h);
    int prov = c->want;
    c->wait_stamp = 0;
    pool_wait(m, c, prov, -1);
    c->pool = (int16_t)pi;
    c->want_pool = -1;
    check_capacity(m, c->pool);
    double waited = now(m) - c->t_mark;
    wait_ended(m, waited);
    set_prov(m, c, prov);
    tr(m, h, TR_PLACED, prov, (int)waited);
}

/* The longest waiter who may take a place in pool pi: the head of its own queue or of the queue
 * of a pool whose waiters fall back to pi (each waiter's own fallback list decides). Returns
 * the pool whose queue it heads (pi for its own), or -1 when nobody waits; *who and *t_enq
 * get the child and when it began waiting. O(pools + fallback list per head). */
static int next_claim(send_model *m, int pi, uint32_t *who, double *t_enq)
{
    place_model *pm = &m->place;
    int from = -1, q = m->p->pools[pi].provision;
    *t_enq = INFINITY;
    for (int j = 0; j < m->p->n_pools; j++) {
        const des_queue *qu = &pm->k.pool[j].q;
        if (!des_queue_len(qu) || m->p->pools[j].provision != q)
            continue;
        const des_qitem *head = &qu->items[qu->head]; /* FIFO: a ring buffer from head */
        if (head->t_enq >= *t_enq) /* ties: the lower-numbered pool */
            continue;
        int ok = j == pi;
        const child *c = kid(m, head->ent);
        for (int k = 0; k < pm->k.n_fallback[c->area][c->need] && !ok; k++)
            ok = pm->k.fallback[c->area][c->need][k] == pi;
        if (ok) {
            *t_enq = head->t_enq;
            *who = head->ent;
            from = j;
        }
    }
    return from;
}

/* A place of pool pi is free (passed = 0: capacity grew) or being given up now (passed = 1):
 * it goes to the longest waiter who may take it. Returns 0 when nobody may. */
static int hand_place(send_model *m, int pi, int passed)
{
    des_resource *r = &m->place.k.pool[pi];
    uint32_t who = 0, next;
    double t_enq;
    int from = next_claim(m, pi, &who, &t_enq);
    if (from < 0)
        return 0;
    if (from == pi) {
        int ok = passed ? des_res_release(r, now(m), &next) : des_res_admit(r, now(m), &next);
        (void)ok;
        assert(ok && next == who);
    } else {
        des_res_withdraw(&m->place.k.pool[from], now(m), who);
        des_res_hand(r, now(m), t_enq, passed);
    }
    admit_waiter(m, who, pi);
    return 1;
}

/* Pool pi may have free places (a build): each goes to the longest waiter who may take it. */
static void fill_pool(send_model *m, int pi)
{
    des_resource *r = &m->place.k.pool[pi];
    while (r->busy < r->capacity && hand_place(m, pi, 0))
        ;
}

/* Child h gives up its place (the next waiter takes it) and stops waiting for one. */
void place_release(send_model *m, uint32_t h, child *c)
{
    place_model *pm = &m->place;
    if (c->pool >= 0) {
        uint32_t next;
        int pi = c->pool;
        c->pool = -1;
        des_resource *r = &pm->k.pool[pi];
        if (r->busy > r->capacity || !hand_place(m, pi, 1)) /* above capacity: a closure */
            des_res_release(r, now(m), &next);
    }
    if (c->want_pool >= 0) {
        des_res_withdraw(&pm->k.pool[c->want_pool], now(m), h);
        pool_wait(m, c, c->want, -1);
        c->want_pool = -1;
        c->wait_stamp = 0;
    }
}

/* Child h's plan ends: it leaves its place, its wait and the level-4 panel's queue. */
void place_leave(send_model *m, uint32_t h, child *c)
{
    place_model *pm = &m->place;
    place_release(m, h, c);
    if (c->stage == STG_L4) {
        des_queue_remove(&pm->k.l4.q, h);
        des_timeavg_set(&pm->k.l4.qlen, now(m), (double)des_queue_len(&pm->k.l4.q));
        pm->s.waiting[PROV_RESIDENTIAL]--;
    }
    set_prov(m, c, PROV_COUNT);
}

static double indep_factor(const send_model *m)
{
    const send_params *p = m->p;
    des_date d = day_of(m, now(m));
    if (p->indep_reduction <= 0 || d < p->indep_reduction_from)
        return 1.0;
    double years = (d - p->indep_reduction_from) / YEAR_DAYS;
    return pow(1.0 - p->indep_reduction, floor(years) + 1.0);
}

/* Whether pool pi has a place free now (none is while others wait for it). */
static int has_free_place(const des_resource *r)
{
    return r->busy < r->capacity && !des_queue_len(&r->q);
}

/* The pool where child c, whose own pool is `own`, finds a free place now: its own, else the
 * first of its fallback list with one; -1 when none has. */
static int free_pool(send_model *m, int own, const child *c)
{
    place_model *pm = &m->place;
    if (has_free_place(&pm->k.pool[own]))
        return own;
    int q = m->p->pools[own].provision;
    for (int k = 0; k < pm->k.n_fallback[c->area][c->need]; k++) {
        int j = pm->k.fallback[c->area][c->need][k];
        if (m->p->pools[j].provision == q && has_free_place(&pm->k.pool[j]))
            return j;
    }
    return -1;
}

/* A placement decision for child h: a place in `prov` now, or a wait for one. Any earlier
 * wait or opening timer of the child is superseded. */
void place_child(send_model *m, uint32_t h, int prov)
{
    place_model *pm = &m->place;
    child *c = kid(m, h);
    c->wait_stamp = 0;
    int pi = pm->k.pool_of[prov][c->area][c->need];
    if (pi < 0) {
        set_prov(m, c, prov);
        tr(m, h, TR_PLACED, prov, 0);
        return;
    }
    int fb = free_pool(m, pi, c);
    if (fb >= 0)
        pi = fb;
    int rc = des_res_request(&pm->k.pool[pi], now(m), h, 0);
    assert(rc >= 0);
    if (rc == 1) {
        check_capacity(m, pi);
        c->pool = (int16_t)pi;
        set_prov(m, c, prov);
        tr(m, h, TR_PLACED, prov, 0);
        return;
    }
    c->want = (uint8_t)prov;
    c->want_pool = (int16_t)pi;
    c->t_mark = now(m);
    pool_wait(m, c, prov, +1);
    set_prov(m, c, PROV_AWAITING);
    cy_add(m, C_WAITED_FOR_PLACE, 1);
    tr(m, h, TR_WAITING, prov, 0);
    if (m->p->max_wait_days > 0 && prov != m->p->overflow_provision)
        sched_timer(m, h, &c->wait_stamp, m->p->max_wait_days, EV_WAIT_LIMIT);
}

/* Child h has waited the limit for a place (its timer is live). */
void ev_wait_limit(send_model *m, uint32_t h)
{
    place_model *pm = &m->place;
    child *c = kid(m, h);
    if (c->state != ST_PLAN || c->want_pool < 0)
        return;
    if (m->p->overflow_provision == PROV_INDEPENDENT && unif(m, S_PLACE) >= indep_factor(m)) {
        /* reduction target: wait another spell for a local place, then ask again */
        sched_timer(m, h, &c->wait_stamp, m->p->max_wait_days, EV_WAIT_LIMIT);
        return;
    }
    int wanted = c->want;
    des_res_withdraw(&pm->k.pool[c->want_pool], now(m), h);
    pool_wait(m, c, wanted, -1);
    c->want_pool = -1;
    c->wait_stamp = 0;
    wait_ended(m, now(m) - c->t_mark);
    cy_add(m, C_OVERFLOW, 1);
    place_child(m, h, m->p->overflow_provision);
    tr(m, h, TR_OVERFLOW, wanted, m->p->overflow_provision);
}

/* A new placement decision that names an independent school takes a free local special place
 * instead, when the scenario says so (placement.local_first). Phase transfers and reviews that
 * move a child to an independent school are left alone: they stand for needs the special
 * school could not meet. */
int place_local_first(send_model *m, const child *c, int q)
{
    if (q != PROV_INDEPENDENT || !m->p->local_first || !valid_age(m->p, PROV_SPECIAL, age_of(m, c)))
        return q;
    int sp = m->place.k.pool_of[PROV_SPECIAL][c->area][c->need];
    if (sp < 0)
        return q;
    return free_pool(m, sp, c) >= 0 ? PROV_SPECIAL : q;
}

/* Choose a provision for a new plan or a redirected placement. */
int place_choose(send_model *m, const child *c, int stream)
{
    const send_params *p = m->p;
    int ph = send_phase_of_age(age_of(m, c));
    double w[PROV_COUNT];
    for (int q = 0; q < PROV_COUNT; q++)
        w[q] = p->choice[ph][q] * p->need_mult[c->need][q];
    w[PROV_INDEPENDENT] *= indep_factor(m);
    w[PROV_AWAITING] = 0;
    int q = pick(w, PROV_COUNT, unif(m, stream));
    return q < 0 ? PROV_MAINSTREAM : q;
}

/* The placement of a new plan: a provision chosen, perhaps by way of the level-4 panel. */
void place_decide(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    int q = place_local_first(m, c, place_choose(m, c, S_PLACE));
    double p4 = m->p->p_level4[c->need] * m->p->l4_from[q];
    if (p4 > 0 && unif(m, S_L4) < p4) {
        c->stage = STG_L4;
        c->want = (uint8_t)q;
        m->place.s.waiting[PROV_RESIDENTIAL]++;
        set_prov(m, c, PROV_AWAITING);
        des_panel_submit(&m->place.k.l4, now(m), h, 0);
        return;
    }
    place_child(m, h, q);
}

/* A child of the opening caseload awaiting provision (initial.awaiting): an interim spell
 * drawn uniformly over the wait limit (or initial.awaiting_interim), then a placement decision;
 * or that decision now. */
void place_opening_awaiting(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    if (m->p->opening_awaiting_waits) {
        place_child(m, h, place_local_first(m, c, place_choose(m, c, S_PLACE)));
        return;
    }
    set_prov(m, c, PROV_AWAITING);
    double wait = m->p->max_wait_days > 0 ? m->p->max_wait_days : m->p->opening_interim_days;
    sched_timer(m, h, &c->wait_stamp, unif(m, S_INIT) * wait, EV_OPENING_PLACE);
}

/* The opening caseload's child awaiting provision is placed after its interim spell. */
void ev_opening_place(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    c->wait_stamp = 0;
    place_child(m, h, place_local_first(m, c, place_choose(m, c, S_PLACE)));
}

void ev_l4_sit(send_model *m)
{
    size_t n = panel_sit(m, &m->place.k.l4);
    for (size_t i = 0; i < n; i++) {
        uint32_t h = m->scratch[i];
        child *c = kid(m, h);
        c->stage = STG_NONE;
        m->place.s.waiting[PROV_RESIDENTIAL]--;
        int ok = unif(m, S_L4) < m->p->p_l4_approve;
        tr(m, h, TR_LEVEL4, ok, 0);
        place_child(m, h, ok ? PROV_RESIDENTIAL : c->want);
    }
    if (m->p->l4_period > 0)
        sched(m, des_panel_next_sitting(&m->place.k.l4, now(m), 0), PRIO_EVENT, EV_L4_SIT, 0);
}

/* Plan holder h reached transfer age k (0..3: ages 4, 11, 16, 19) on 1 September. */
void place_transfer(send_model *m, uint32_t h, int k)
{
    child *c = kid(m, h);
    const send_params *p = m->p;
    if (c->stage == STG_L4)
        return;
    int from = c->prov == PROV_AWAITING ? c->want : c->prov;
    int to;
    if (p->transfer_set[k][from]) {
        to = pick(p->transfer[k][from], PROV_COUNT, unif(m, S_TRANSFER));
        if (to < 0)
            to = from;
    } else if (valid_age(p, from, age_of(m, c))) {
        to = from;
    } else {
        to = place_choose(m, c, S_TRANSFER);
    }
    tr(m, h, TR_TRANSFER, from, to);
    if (to == from && c->prov != PROV_AWAITING)
        return;
    if (to == from && c->want_pool >= 0)
        return; /* still waiting for the same kind of place */
    place_release(m, h, c);
    place_child(m, h, to);
}

void ev_build(send_model *m, int b)
{
    const send_build *bd = &m->p->builds[b];
    int pi = 0; /* the pool named by the build itself (send_params_check ensures it exists) */
    for (int i = 0; i < m->p->n_pools; i++)
        if (m->p->pools[i].provision == bd->provision && m->p->pools[i].area == bd->area &&
            m->p->pools[i].need == bd->need)
            pi = i;
    des_resource *r = &m->place.k.pool[pi];
    int cap = r->capacity + bd->count;
    des_res_set_capacity(r, now(m), cap < 0 ? 0 : cap);
    fill_pool(m, pi);
}
