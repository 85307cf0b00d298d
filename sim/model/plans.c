/* plans.c - EHC plans: the final plan, annual reviews, ceasing, 1 September, and the opening
 * caseload.
 *
 * Plan holders are listed by academic age: ceasing (moved away, left education), whose hazard
 * depends on age alone, is one thinned clock over the lists (a candidate picks an age in
 * proportion to its plans x hazard, then a plan of that age uniformly; exact by
 * memorylessness, also across 1 September's change of hazards), and a child's age is its age
 * when it got a record plus the Septembers since, so 1 September shifts the lists and touches
 * only the plans that transfer or cease. Reviews wait in a ring of weekly buckets a year long
 * (no event per review); a weekly sitting hears as many as the caseworkers' capacity allows
 * and the rest wait, overdue. The opening caseload (January of the start year) is fitted to
 * both published margins, age band and provision.
 *
 * Invariants: the lists hold every plan holder once, at its age (c->pos is its place);
 * cease_R is the sum of the holders' hazards (recomputed monthly); plans_open + plans_new -
 * plans_ceased == plans_close. Complexity: O(1) per plan added or removed, O(ages) per ceasing
 * candidate, O(reviews heard) per sitting; 1 September O(plans at transfer ages or past the
 * limit).
 */
#include "model_internal.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

/* Reviews heard at a sitting fetch the record of the review this many places ahead. */
#define REVIEW_PREFETCH 6
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

static const int band_lo[BAND_COUNT] = {0, 5, 11, 16, 20}, band_hi[BAND_COUNT] = {4, 10, 15, 19, 25};

/* Joint (age band x provision) counts of the opening caseload: iterative proportional fitting
 * of both published margins over the cells where the provision admits some age of the band,
 * then rounding each row by cumulative sums (row totals exact, columns within one). */
static void fit_initial_cells(const send_params *p, int cells[BAND_COUNT][PROV_COUNT])
{
    double x[BAND_COUNT][PROV_COUNT] = {{0}};
    double rows = 0, cols = 0;
    for (int b = 0; b < BAND_COUNT; b++)
        rows += p->initial_band[b];
    for (int q = 0; q < PROV_COUNT; q++)
        cols += p->initial_prov[q];
    for (int b = 0; b < BAND_COUNT; b++)
        for (int q = 0; q < PROV_COUNT; q++)
            for (int a = band_lo[b]; a <= band_hi[b]; a++)
                if (valid_age(p, q, a))
                    x[b][q] = 1;
    for (int it = 0; it < 500; it++) {
        for (int b = 0; b < BAND_COUNT; b++) {
            double s = 0;
            for (int q = 0; q < PROV_COUNT; q++)
                s += x[b][q];
            for (int q = 0; q < PROV_COUNT; q++)
                x[b][q] = s > 0 ? x[b][q] * p->initial_band[b] / s : 0;
        }
        for (int q = 0; q < PROV_COUNT; q++) {
            double s = 0, target = cols > 0 ? p->initial_prov[q] * rows / cols : 0;
            for (int b = 0; b < BAND_COUNT; b++)
                s += x[b][q];
            for (int b = 0; b < BAND_COUNT; b++)
                x[b][q] = s > 0 ? x[b][q] * target / s : 0;
        }
    }
    for (int b = 0; b < BAND_COUNT; b++) {
        double acc = 0;
        long prev = 0;
        for (int q = 0; q < PROV_COUNT; q++) {
            acc += x[b][q];
            long cum = lround(acc);
            cells[b][q] = (int)(cum - prev);
            prev = cum;
        }
    }
}

void plan_init(send_model *m)
{
    const send_params *p = m->p;
    cumulate(p->need_share_plans, NEED_COUNT, m->plan.k.need_plans_cum);
    for (int a = 0; a < SEND_AGES; a++)
        m->plan.k.cease_rate[a] = (p->cease_moved_rate + p->cease_left_rate[a] +
                                   p->cease_abroad_rate + p->cease_other_rate +
                                   (valid_age(p, PROV_RESIDENTIAL, a) ? p->crisis_rate : 0)) /
                                  YEAR_DAYS;
    m->plan.k.cease_rate[PLAN_AGES - 1] = 0; /* past the age limit: ceased on 1 September */
    fit_initial_cells(p, m->plan.k.init_cells);
}

void plan_reset(send_model *m)
{
    memset(&m->plan.s, 0, sizeof m->plan.s);
    for (int a = 0; a < PLAN_AGES; a++)
        m->plan.k.plans[a].n = 0;
    for (int k = 0; k < REVIEW_RING; k++)
        m->plan.k.ring[k].n = 0;
    m->plan.k.review_due.n = 0;
}

void plan_free(send_model *m)
{
    for (int k = 0; k < REVIEW_RING; k++)
        free(m->plan.k.ring[k].v);
    free(m->plan.k.review_due.v);
    for (int a = 0; a < PLAN_AGES; a++)
        free(m->plan.k.plans[a].v);
}

static int list_push(u64list *l, uint64_t v)
{
    if (room_for_one((void **)&l->v, l->n, &l->cap, sizeof *l->v, 16) != DES_OK)
        return DES_ENOMEM;
    l->v[l->n++] = v;
    return DES_OK;
}

static int u32_push(u32list *l, uint32_t v)
{
    if (room_for_one((void **)&l->v, l->n, &l->cap, sizeof *l->v, 64) != DES_OK)
        return DES_ENOMEM;
    l->v[l->n++] = v;
    return DES_OK;
}

/* ---- the ceasing clock ------------------------------------------------------------------- */

void plan_reset_cease_clock(send_model *m)
{
    m->plan.s.cease_bound = 1.05 * m->plan.s.cease_R;
    set_clock(m, CLK_CEASE, m->plan.s.cease_bound, S_CEASE);
}

/* The sum of the hazards afresh, so that rounding in the incremental updates cannot build up. */
void plan_resum(send_model *m)
{
    m->plan.s.cease_R = 0;
    for (int a = 0; a < PLAN_AGES; a++)
        m->plan.s.cease_R += (double)m->plan.k.plans[a].n * m->plan.k.cease_rate[a];
}

/* ---- plan holders ------------------------------------------------------------------------ */

static double review_interval(const send_model *m, const child *c)
{
    return age_of(m, c) < 5 ? YEAR_DAYS / 2 : YEAR_DAYS;
}

/* Child h now holds a plan: it joins the list of its age. */
static void plan_add(send_model *m, uint32_t h)
{
    plan_model *pl = &m->plan;
    child *c = kid(m, h);
    int a = age_of(m, c);
    c->age0 = (int16_t)(a - pl->s.septs); /* a child kept at 25 in assessment is 25 from now */
    c->pos = (uint32_t)pl->k.plans[a].n;
    int rc = u32_push(&pl->k.plans[a], h);
    (void)rc;
    assert(rc == DES_OK);
    pl->s.cease_R += pl->k.cease_rate[a];
    if (pl->s.cease_R > pl->s.cease_bound)
        plan_reset_cease_clock(m);
}

static void plan_remove(send_model *m, child *c)
{
    plan_model *pl = &m->plan;
    int a = raw_age(m, c);
    u32list *l = &pl->k.plans[a];
    uint32_t last = l->v[--l->n];
    if (c->pos < l->n) {
        l->v[c->pos] = last;
        kid(m, last)->pos = c->pos;
    }
    pl->s.cease_R -= pl->k.cease_rate[a];
    if (pl->s.cease_R < 0)
        pl->s.cease_R = 0;
}

/* Put a plan's next review, due at `due`, in the bucket of the first sitting at or after it
 * that is still to be held (a review already overdue goes to the next sitting). */
static void schedule_review(send_model *m, uint32_t h, double due)
{
    plan_model *pl = &m->plan;
    child *c = kid(m, h);
    c->next_review = due;
    c->review_k = -1;
    double w = due * (1.0 / 7.0) - 1e-9;
    int64_t ki = (int64_t)w; /* ceil(w) for w >= 0, without a call */
    ki += (double)ki < w;
    if (ki < pl->s.review_next_k)
        ki = pl->s.review_next_k;
    if ((double)ki * 7.0 >= m->t_end)
        return; /* due after the horizon */
    assert(ki - pl->s.review_next_k < REVIEW_RING);
    int rc = list_push(&pl->k.ring[(size_t)ki % REVIEW_RING], (uint64_t)c->serial << 32 | h);
    (void)rc;
    assert(rc == DES_OK);
    pl->s.ring_live[(size_t)ki % REVIEW_RING]++;
    c->review_k = (int32_t)ki;
}

/* A plan ends: its pending review, if any, no longer counts. */
static void drop_review(send_model *m, child *c)
{
    plan_model *pl = &m->plan;
    if (c->review_k < 0)
        return;
    if (c->review_k < pl->s.review_next_k)
        pl->s.reviews_waiting--; /* due and waiting: its entry is skipped when reached */
    else
        pl->s.ring_live[(size_t)c->review_k % REVIEW_RING]--;
    c->review_k = -1;
}

/* Plan h ceases for `reason` (CEASE_*). A child whose needs are met goes back to SEN Support
 * if of its ages (the share reviews.needs_met_to_sen_support of them; the draw, on S_OUTCOME,
 * only when that share is below 1); every other child leaves. */
void plan_cease(send_model *m, uint32_t h, int reason)
{
    child *c = kid(m, h);
    static const int reason_metric[CEASE_REASONS] = {C_CEASED_MOVED, C_CEASED_LEFT,
                                                     C_CEASED_NEEDS_MET, C_CEASED_AGE,
                                                     C_CEASED_ABROAD, C_CEASED_OTHER};
    int age = age_of(m, c), back = 0;
    place_leave(m, h, c);
    drop_review(m, c);
    plan_remove(m, c);
    if (c->care)
        care_plan_ceased(m, h);
    m->plan.s.n_plan--;
    m->out->plans_ceased++;
    cy_add(m, C_CEASED, 1);
    cy_add(m, reason_metric[reason], 1);
    if (reason == CEASE_NEEDS_MET &&
        (m->p->p_needs_met_to_sen >= 1 || unif(m, S_OUTCOME) < m->p->p_needs_met_to_sen)) {
        back = sen_rejoin(m, age, c->need);
        cy_add(m, C_NEEDS_MET_TO_SEN, back);
    }
    tr(m, h, TR_CEASE, reason, back);
    free_child(m, h);
}

/* Plan holder h moves to level 4 (a residential package) now: at a review or in a crisis. */
static void escalate(send_model *m, uint32_t h, child *c, int metric)
{
    place_release(m, h, c);
    cy_add(m, metric, 1);
    place_child(m, h, PROV_RESIDENTIAL);
}

/* Whether plan holder c is below level 4 and may be escalated: not in (or waiting for) a
 * residential package, not before the level-4 panel, of an age such packages take. */
static int may_escalate(const send_model *m, const child *c)
{
    return c->prov != PROV_RESIDENTIAL && !(c->want_pool >= 0 && c->want == PROV_RESIDENTIAL) &&
           c->stage != STG_L4 && valid_age(m->p, PROV_RESIDENTIAL, age_of(m, c));
}

/* The final plan of case h: the 20-week clock stops, the plan's first review is set and a
 * placement is decided. */
void ev_final(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    if (c->flags & CF_LATE) {
        /* drafted and consulted on, but late for other reasons: the caseworker moves on, and
         * the plan is issued late_by (at least a day) after the later of now and 20 weeks */
        c->flags &= (uint8_t)~CF_LATE;
        ass_drafted(m, h);
        double due = c->t_mark + 140.0, by = des_dist_sample(&m->p->late_by, m->r[S_LATE]);
        sched_child(m, h, (due > now(m) ? due - now(m) : 0) + (by > 1 ? by : 1), EV_FINAL);
        return;
    }
    double days = now(m) - c->t_mark;
    double weeks = days / 7.0;
    int yi = m->c.cur_year_i;
    cy_add(m, C_NEW_PLANS, 1);
    cy_add(m, C_WEEKS_TO_ISSUE, weeks);
    cy_add(m, C_WITHIN_20W, days <= 140.0 + 1e-9);
    if (yi >= 0) {
        int w = (int)floor(weeks);
        m->out->weeks_hist[yi * SEND_WEEKS_BINS + (w < SEND_WEEKS_BINS - 1 ? w : SEND_WEEKS_BINS - 1)]++;
    }
    m->c.diag.weeks_to_issue_sum += weeks;
    m->c.diag.plans_issued++;
    tr(m, h, TR_FINAL_PLAN, (int)floor(days), 0);
    m->req.s.n_process--;
    c->state = ST_PLAN;
    c->stage = STG_NONE;
    m->plan.s.n_plan++;
    plan_add(m, h);
    m->out->plans_new++;
    schedule_review(m, h, now(m) + review_interval(m, c));
    place_decide(m, h);
    ass_final(m, h);
}

/* ---- reviews ----------------------------------------------------------------------------- */

/* One review: the outcome, then the next one a year (six months under 5) after this due date. */
static void review_outcome(send_model *m, uint32_t h)
{
    const send_params *p = m->p;
    child *c = kid(m, h);
    cy_add(m, C_REVIEWS_DONE, 1);
    double u = unif(m, S_REVIEW);
    int outcome = 0;
    if (u < p->p_review_cease) {
        tr(m, h, TR_REVIEW, 3, 0);
        plan_cease(m, h, 2);
        return;
    }
    u -= p->p_review_cease;
    if (c->prov == PROV_RESIDENTIAL && p->p_review_deescalate > 0 &&
        unif(m, S_LEVEL4) < p->p_review_deescalate) {
        /* stepped down to a special school (specialist post-16 past its ages) */
        int to = valid_age(m->p, PROV_SPECIAL, age_of(m, c)) ? PROV_SPECIAL : PROV_SPECIALIST_POST16;
        place_release(m, h, c);
        cy_add(m, C_L4_STEP_DOWN, 1);
        place_child(m, h, to);
        tr(m, h, TR_REVIEW, 5, 0);
        schedule_review(m, h, c->next_review + review_interval(m, c));
        return;
    }
    if (p->p_review_escalate > 0 && may_escalate(m, c) &&
        unif(m, S_LEVEL4) < p->p_review_escalate) {
        escalate(m, h, c, C_L4_REVIEW);
        tr(m, h, TR_REVIEW, 4, 0);
        schedule_review(m, h, c->next_review + review_interval(m, c));
        return;
    }
    /* the moves a review may make, from the child's provision (reviews.to_*_from) */
    int q = c->prov < PROV_COUNT ? c->prov : PROV_AWAITING;
    double ms = q != PROV_SPECIAL ? p->p_review_ms * p->review_ms_from[q] : 0;
    double sm = q != PROV_MAINSTREAM ? p->p_review_sm * p->review_sm_from[q] : 0;
    if (ms > 0 && u < ms && valid_age(m->p, PROV_SPECIAL, age_of(m, c))) {
        outcome = 1;
        place_release(m, h, c);
        cy_add(m, C_TRANSFERS_MS, 1);
        place_child(m, h, PROV_SPECIAL);
    } else if (sm > 0 && u < sm) {
        outcome = 2;
        place_release(m, h, c);
        cy_add(m, C_TRANSFERS_SM, 1);
        place_child(m, h, PROV_MAINSTREAM);
    }
    tr(m, h, TR_REVIEW, outcome, 0);
    schedule_review(m, h, c->next_review + review_interval(m, c));
}

void ev_review_sit(send_model *m)
{
    const send_params *p = m->p;
    plan_model *pl = &m->plan;
    double t = now(m);
    int64_t k = (int64_t)floor(t / 7.0 + 0.5);
    /* this week's bucket joins the reviews due (its live entries were counted as they came) */
    u64list *b = &pl->k.ring[(size_t)k % REVIEW_RING];
    u64list *due = &pl->k.review_due;
    if (due->n + b->n > due->cap) {
        size_t cap = due->cap ? due->cap : 256;
        while (cap < due->n + b->n)
            cap *= 2;
        uint64_t *v = realloc(due->v, cap * sizeof *v);
        assert(v); /* out of memory is fatal for a simulation */
        due->v = v;
        due->cap = cap;
    }
    if (b->n)
        memcpy(due->v + due->n, b->v, b->n * sizeof *b->v);
    due->n += b->n;
    b->n = 0;
    pl->s.reviews_waiting += pl->s.ring_live[(size_t)k % REVIEW_RING];
    pl->s.ring_live[(size_t)k % REVIEW_RING] = 0;
    pl->s.review_next_k = k + 1;
    double fte = send_steps_at(&p->review_fte, day_of(m, t));
    pl->s.review_credit += fte * p->reviews_per_fte_year * 7.0 / YEAR_DAYS;
    while (pl->s.review_credit >= 1.0 && pl->s.review_head < due->n) {
        /* the records are scattered: fetch a few reviews ahead while this one is heard */
        if (pl->s.review_head + REVIEW_PREFETCH < due->n)
            PREFETCH(kid(m, (uint32_t)due->v[pl->s.review_head + REVIEW_PREFETCH]));
        uint64_t e = due->v[pl->s.review_head++];
        uint32_t h = (uint32_t)e, serial = (uint32_t)(e >> 32);
        child *c = kid(m, h);
        if (c->serial != serial)
            continue; /* the plan ceased (the record is free or holds a later child) */
        assert(c->state == ST_PLAN && c->review_k >= 0 && c->review_k < pl->s.review_next_k);
        c->review_k = -1;
        pl->s.reviews_waiting--;
        pl->s.review_credit -= 1.0;
        review_outcome(m, h);
    }
    /* keep the queue's storage proportional to the reviews waiting, not to all reviews ever due */
    if (pl->s.review_head == due->n) {
        due->n = pl->s.review_head = 0;
    } else if (pl->s.review_head > 1024 && pl->s.review_head > due->n / 2) {
        memmove(due->v, due->v + pl->s.review_head, (due->n - pl->s.review_head) * sizeof *due->v);
        due->n -= pl->s.review_head;
        pl->s.review_head = 0;
    }
    if (pl->s.review_credit > 1.0)
        pl->s.review_credit = 1.0; /* unused capacity is not banked */
    if (t + 7.0 < m->t_end)
        sched(m, t + 7.0, PRIO_EVENT, EV_REVIEW_SIT, 0);
}

/* ---- ceasing and 1 September ------------------------------------------------------------- */

/* A ceasing candidate (see plan_reset_cease_clock): accepted with probability sum / bound.
 * Where it falls within the chosen age's share picks the plan and the reason (moved away, left
 * education, moved outside England, other, or a crisis) in proportion to their hazards. A
 * crisis is not a ceasing: it escalates the plan holder to level 4, or does nothing to one who
 * may not be escalated (so the crisis rate of those who may is exactly level4.crisis_rate). */
void ev_cease(send_model *m)
{
    const send_params *p = m->p;
    plan_model *pl = &m->plan;
    double x = unif(m, S_CEASE) * pl->s.cease_bound;
    next_firing(m, CLK_CEASE, S_CEASE);
    if (!(x < pl->s.cease_R))
        return;
    double acc = 0;
    for (int a = 0; a < PLAN_AGES; a++) {
        double w = (double)pl->k.plans[a].n * pl->k.cease_rate[a];
        if (x < acc + w) {
            double y = (x - acc) / pl->k.cease_rate[a]; /* uniform on [0, plans of age a) */
            size_t n = pl->k.plans[a].n, j = (size_t)y;
            if (j >= n)
                j = n - 1;
            double cut[5] = {p->cease_moved_rate, p->cease_left_rate[a], p->cease_abroad_rate,
                             p->cease_other_rate,
                             valid_age(p, PROV_RESIDENTIAL, a) ? p->crisis_rate : 0};
            static const int reason[5] = {CEASE_MOVED, CEASE_LEFT, CEASE_ABROAD, CEASE_OTHER, -1};
            double tot = 0;
            for (int i = 0; i < 5; i++)
                tot += cut[i];
            double r = (y - (double)j) * tot, acc_r = 0;
            int i = 0;
            while (i < 4 && !(r < acc_r + cut[i] && cut[i] > 0)) /* the last positive one */
                acc_r += cut[i++];
            while (i > 0 && !(cut[i] > 0))
                i--;
            uint32_t h = pl->k.plans[a].v[j];
            if (reason[i] >= 0) {
                plan_cease(m, h, reason[i]);
            } else if (may_escalate(m, kid(m, h))) {
                tr(m, h, TR_LEVEL4, 3, 0);
                escalate(m, h, kid(m, h), C_L4_CRISIS);
            }
            return;
        }
        acc += w;
    }
}

/* Which phase transfer (0..3, placement.transfer_ages) happens at this age, or -1. */
static int transfer_index(const send_params *p, int age)
{
    for (int k = 0; k < 4; k++)
        if (p->transfer_age[k] == age)
            return k;
    return -1;
}

/* Append the plan holders of age a to the scratch list, each or-ed with `flag`. */
static size_t gather(send_model *m, int a, uint32_t flag, size_t n)
{
    const u32list *l = &m->plan.k.plans[a];
    ensure_scratch(m, n + l->n);
    for (size_t i = 0; i < l->n; i++)
        m->scratch[n + i] = l->v[i] | flag;
    return n + l->n;
}

/* 1 September: every child's academic age goes up (one more September passed; the lists of
 * plan holders by age shift). Plan holders past the age limit cease and those at a transfer
 * age (placement.transfer_ages: 4, 11, 16, 19 by default) get a new placement decision; these are heard in a random order, since
 * they happen at one instant and who takes a place that another frees the same day must not
 * depend on where the children's records happen to lie. Then SEN Support and the population
 * age, and every clock is redrawn at the new rates. */
void ev_september(send_model *m)
{
    const send_params *p = m->p;
    plan_model *pl = &m->plan;
    u32list top = pl->k.plans[PLAN_AGES - 1]; /* empty: last September ceased them */
    assert(top.n == 0);
    memmove(&pl->k.plans[1], &pl->k.plans[0], (PLAN_AGES - 1) * sizeof pl->k.plans[0]);
    pl->k.plans[0] = top;
    pl->s.septs++;
    if (m->trace) {
        uint32_t bound = des_pool_bound(m->kids);
        for (uint32_t h = 0; h < bound; h++)
            if (kid(m, h)->state != ST_FREE)
                tr(m, h, TR_AGE, raw_age(m, kid(m, h)), 0);
    }
    size_t n = 0;
    for (int a = p->cease_age + 1; a < PLAN_AGES; a++)
        n = gather(m, a, SEPT_CEASE, n);
    for (int k = 0; k < 4; k++)
        if (p->transfer_age[k] <= p->cease_age)
            n = gather(m, p->transfer_age[k], 0, n);
    for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)gsl_rng_uniform_int(m->r[S_TRANSFER], (unsigned long)i);
        uint32_t x = m->scratch[i - 1];
        m->scratch[i - 1] = m->scratch[j];
        m->scratch[j] = x;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t h = m->scratch[i] & ~SEPT_CEASE;
        if (m->scratch[i] & SEPT_CEASE)
            plan_cease(m, h, 3);
        else
            place_transfer(m, h, transfer_index(p, age_of(m, kid(m, h))));
    }
    sen_september(m);
    pop_september(m);
    redraw_all_clocks(m); /* hazards change with age, entries with the population */
    int y, mo, d;
    des_date_to_ymd(day_of(m, now(m)), &y, &mo, &d);
    double next = t_of(m, des_date_from_ymd(y + 1, 9, 1));
    if (next < m->t_end)
        sched(m, next, PRIO_CALENDAR, EV_SEPT, 0);
}

/* ---- the opening caseload ---------------------------------------------------------------- */

/* Plans at the start, provision by provision (so those awaiting provision queue behind
 * everyone placed): ages uniform over the band's ages the provision admits, reviews due
 * uniformly over the interval. */
void plan_open(send_model *m)
{
    for (int q = 0; q < PROV_COUNT; q++) {
        for (int b = 0; b < BAND_COUNT; b++) {
            int ages[SEND_AGES], na = 0;
            for (int a = band_lo[b]; a <= band_hi[b]; a++)
                if (valid_age(m->p, q, a))
                    ages[na++] = a;
            for (int i = 0; i < m->plan.k.init_cells[b][q] && na > 0; i++) {
                int age = ages[gsl_rng_uniform_int(m->r[S_INIT], (unsigned long)na)];
                int need = pick_cum(m->plan.k.need_plans_cum, NEED_COUNT, unif(m, S_INIT));
                uint32_t h = new_child(m, age, need, S_INIT);
                child *c = kid(m, h);
                c->state = ST_PLAN;
                m->plan.s.n_plan++;
                plan_add(m, h);
                double since = unif(m, S_INIT) * review_interval(m, c);
                schedule_review(m, h, review_interval(m, c) - since);
                if (q == PROV_AWAITING) {
                    place_opening_awaiting(m, h);
                } else {
                    place_child(m, h, q);
                }
            }
        }
    }
    m->out->plans_open = m->plan.s.n_plan;
}

/* ---- plans transferred in ---------------------------------------------------------------- */

/* The next plan transferred in from another authority: a Poisson stream at transfers_in a
 * year (drawn on S_TRANSFER_IN, so nothing else moves when it is set or not). */
static void next_transfer_in(send_model *m)
{
    double rate = m->p->transfer_in_rate;
    if (rate > 0)
        sched_child(m, SEND_NO_CHILD, des_exponential(m->r[S_TRANSFER_IN], YEAR_DAYS / rate),
                    EV_TRANSFER_IN);
}

void plan_open_transfers_in(send_model *m) { next_transfer_in(m); }

/* A plan holder arrives from another authority: an age band drawn in proportion to the opening
 * caseload's, an age uniformly over the band's ages below the age limit, a need from the plans'
 * need mix; its first review is due within the interval and it is placed as a new plan is.
 * An inflow of plans: it counts in the audit's plans_new, not in the new_plans metric. */
void ev_transfer_in(send_model *m)
{
    const send_params *p = m->p;
    next_transfer_in(m);
    int b = pick(p->initial_band, BAND_COUNT, unif(m, S_TRANSFER_IN));
    if (b < 0)
        b = BAND_5_10;
    int hi = band_hi[b] < p->cease_age ? band_hi[b] : p->cease_age;
    if (hi < band_lo[b])
        return;
    int age = band_lo[b] + (int)gsl_rng_uniform_int(m->r[S_TRANSFER_IN],
                                                    (unsigned long)(hi - band_lo[b] + 1));
    int need = pick_cum(m->plan.k.need_plans_cum, NEED_COUNT, unif(m, S_TRANSFER_IN));
    uint32_t h = new_child(m, age, need < 0 ? NEED_OTHER : need, S_TRANSFER_IN);
    child *c = kid(m, h);
    c->state = ST_PLAN;
    m->plan.s.n_plan++;
    plan_add(m, h);
    m->out->plans_new++;
    cy_add(m, C_TRANSFERS_IN, 1);
    schedule_review(m, h, now(m) + unif(m, S_TRANSFER_IN) * review_interval(m, c));
    place_decide(m, h);
}
