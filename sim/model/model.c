/* model.c - one replication of the SEND system: the core (calendar, child records, random
 * streams, the level-2 clocks), the event dispatch, the monthly snapshot and the lifecycle.
 * The sub-models are in their own files (see model_internal.h for the list and the rule by
 * which each resets itself); every event handler the dispatch calls lives in one of them.
 *
 * Every child at levels 2-4 moves individually through time-stamped events; those in
 * assessment or with a plan have a record, those at SEN Support are counted by class.
 *
 * Flow: SEN Support entries (Poisson, by population and age) -> requests for an EHC needs
 * assessment (a Poisson clock whose rate is the sum of the SEN Support children's hazards,
 * plus direct requests) -> D1 panel (periodic batch server) -> refusal (mediation, tribunal)
 * or assessment (EP, health and social care advice in parallel, each a capacity-limited
 * resource) -> D2 panel -> draft, consultation, final plan (20-week clock) -> placement against
 * capacity pools (waiting, overflow to independent) or the level-4 joint panel -> annual
 * reviews heard weekly by caseworkers (finite capacity) -> phase transfers each 1 September ->
 * ceasing.
 *
 * The Poisson clocks of level 2 (entries, request and exit candidates, direct requests) and
 * the ceasing clock of plans are kept beside the calendar, not in it: the event loop takes
 * whichever of the calendar's next event and the earliest clock comes first (the calendar on
 * a tie), so some two thirds of all events cost no heap operation.
 *
 * Child timers that may be cancelled (the wait for a place, the opening caseload's placement)
 * carry a stamp: the child record holds the stamp of its live timer, and an event whose stamp
 * differs is skipped, so cancelling is one store and needs no table in the calendar. Stamps
 * come from one counter per replication and are never reused within it.
 *
 * Invariants (checked by tests): plans_open + plans_new - plans_ceased == plans_close and the
 * same for SEN Support; a place pool never admits above its capacity; panel decisions happen
 * only at sittings; occupancy counters equal the number of children in each provision; the
 * class counts sum to n_sen; the plan lists hold every plan holder once, at its age; a record
 * is free exactly when its state is 0.
 *
 * Complexity: O(log n) per calendar event, O(ages + needs) per level-2 transition or ceasing,
 * O(1) per child state change; the request, exit and ceasing clocks are thinned against bounds
 * renewed only when the rate outgrows them (exact for a state-dependent Poisson rate, by
 * memorylessness). Memory is proportional to the children in assessment or with a plan, not to
 * the horizon. The event loop allocates only when a pool, list, queue or bucket must double.
 */
#include "model_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- shared helpers ---------------------------------------------------------------------- */

/* Cumulative sums of w (negative weights count as 0), for pick_cum. */
void cumulate(const double *w, int n, double *cum)
{
    double acc = 0;
    for (int i = 0; i < n; i++) {
        acc += w[i] > 0 ? w[i] : 0;
        cum[i] = acc;
    }
}

/* The scratch list of handles (panel sittings, 1 September) holds at least n. */
void ensure_scratch(send_model *m, size_t n)
{
    if (n <= m->scratch_cap)
        return;
    size_t cap = m->scratch_cap ? m->scratch_cap : 256;
    while (cap < n)
        cap *= 2;
    uint32_t *s = realloc(m->scratch, cap * sizeof *s);
    assert(s);
    m->scratch = s;
    m->scratch_cap = cap;
}

/* Every level-2 clock redrawn at the rates now in force (each month and at each rate change;
 * the sums are recomputed first so that rounding cannot build up). */
void redraw_all_clocks(send_model *m)
{
    sen_resum(m);
    pop_recompute_rates(m);
    sen_count(m, 0); /* early intervention may have started */
    set_clock(m, CLK_SEN, m->pop.sen_rate, S_SEN);
    reset_request_clock(m);
    reset_exit_clock(m);
    set_clock(m, CLK_DIRECT, m->pop.direct_rate, S_DIRECT);
    plan_resum(m);
    plan_reset_cease_clock(m);
}

/* ---- snapshots ---------------------------------------------------------------------------- */

/* The calendar and financial year of the current month, as indices into the output rows (-1
 * outside them); set when each month opens, since every event between two month starts lies in
 * the same month. */
static void set_period(send_model *m, int month_index)
{
    int y = 1970 + month_index / 12, mo = month_index % 12 + 1;
    int yi = y - m->out->first_year, fi = (mo >= 4 ? y : y - 1) - m->out->first_fy;
    m->c.cur_year_i = yi >= 0 && yi < m->out->n_years ? yi : -1;
    m->c.cur_fy_i = fi >= 0 && fi < m->out->n_fys ? fi : -1;
}

static void snapshot(send_model *m, int k)
{
    send_output *o = m->out;
    send_output_row(o, M_EHCP_TOTAL)[k] = (double)m->plan.s.n_plan;
    int64_t band[BAND_COUNT] = {0};
    for (int a = 0; a < PLAN_AGES; a++)
        band[band_of(a)] += (int64_t)m->plan.k.plans[a].n;
    for (int b = 0; b < BAND_COUNT; b++)
        send_output_row(o, M_EHCP_BAND + b)[k] = (double)band[b];
    send_output_row(o, M_SEN_SUPPORT)[k] = (double)m->sen.s.n_sen;
    send_output_row(o, M_ASSESSMENT_QUEUE)[k] = (double)m->req.s.n_process;
    send_output_row(o, M_EP_QUEUE)[k] = (double)des_queue_len(&m->ass.ep.q);
    send_output_row(o, M_CASEWORKER_QUEUE)[k] = (double)des_queue_len(&m->ass.cw.q);
    send_output_row(o, M_HEALTH_QUEUE)[k] = (double)des_queue_len(&m->ass.health.q);
    send_output_row(o, M_SOCIAL_QUEUE)[k] = (double)des_queue_len(&m->ass.social.q);
    send_output_row(o, M_ASSESSMENTS_ONGOING)[k] = (double)m->ass.n_ongoing;
    /* staffing as it stood at 00:00, before a change that day (the start's own value at k 0) */
    des_date day = day_of(m, now(m)) - (k > 0);
    send_output_row(o, M_CASEWORKER_FTE)[k] = ass_fte(m, 0, day);
    send_output_row(o, M_EP_FTE)[k] = ass_fte(m, 1, day);
    send_output_row(o, M_REVIEWS_OVERDUE)[k] = (double)m->plan.s.reviews_waiting;
    send_output_row(o, M_LEVEL4_TOTAL)[k] = (double)m->place.s.occ[PROV_RESIDENTIAL];
    int64_t waiting = 0;
    for (int q = 0; q < PROV_COUNT; q++) {
        send_output_row(o, M_PLACEMENTS + q)[k] = (double)m->place.s.occ[q];
        send_output_row(o, M_WAITING + q)[k] = (double)m->place.s.waiting[q];
        double cap = -1;
        if (m->place.k.prov_has_pool[q]) {
            cap = 0;
            for (int i = 0; i < m->p->n_pools; i++)
                if (m->p->pools[i].provision == q)
                    cap += m->place.k.pool[i].capacity;
        }
        send_output_row(o, M_CAPACITY + q)[k] = cap;
        double shortfall = 0; /* over the provision's pools: placed + waiting - places */
        for (int i = 0; i < m->p->n_pools; i++)
            if (m->p->pools[i].provision == q) {
                const des_resource *r = &m->place.k.pool[i];
                shortfall += r->busy + (double)des_queue_len(&r->q) - r->capacity;
            }
        send_output_row(o, M_SHORTFALL + q)[k] = shortfall;
        waiting += m->place.s.waiting[q];
    }
    send_output_row(o, M_WAITING_TOTAL)[k] = (double)waiting;
    place_snapshot(m, k);
    lev_snapshot(m, k);
    care_snapshot(m, k);
    if (m->p->fd_on) {
        send_output_row(o, M_FD_OPEN)[k] = (double)m->fd.s.open;
        send_output_row(o, M_CIN)[k] = (double)m->fd.s.cin;
    }
    if (m->p->sb_on) {
        send_output_row(o, M_SB_PACKAGES)[k] = (double)m->sb.active;
        send_output_row(o, M_SB_WAITING)[k] = (double)m->sb.waiting;
        send_output_row(o, M_SB_PANEL_WAITING)[k] = (double)m->sb.pending;
    }
    eh_snapshot(m, k);
}

static void ev_month(send_model *m)
{
    if (m->c.month_k > 0 && (m->out->first_month_index + m->c.month_k) % 12 == 0)
        pop_new_year(m); /* 1 January after the start */
    if (m->c.month_k > 0) {
        ass_month(m);
        fin_accrue(m);
        care_accrue(m);
        sb_accrue(m);
        eh_accrue(m);
        fd_month(m);
        lev_step(m);
    }
    snapshot(m, m->c.month_k);
    set_period(m, m->out->first_month_index + m->c.month_k);
    care_month(m);
    sb_month(m);
    m->c.month_k++;
    if (m->c.month_k < m->out->n_months) {
        int idx = m->out->first_month_index + m->c.month_k;
        des_date d = des_date_from_ymd(1970 + idx / 12, idx % 12 + 1, 1);
        sched(m, t_of(m, d), PRIO_SNAPSHOT, EV_MONTH, 0);
    }
    redraw_all_clocks(m);
}

static void finish(send_model *m)
{
    send_output *o = m->out;
    fin_accrue(m);
    care_accrue(m);
    sb_accrue(m);
    eh_accrue(m);
    o->plans_close = m->plan.s.n_plan;
    o->sen_close = m->sen.s.n_sen;
    send_output_ratios(o);
    fin_close(m);
    sb_close(m);
    o->events = des_cal_fired(m->cal);
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

send_model *send_model_create(const send_params *p, des_error *err)
{
    if (send_params_check(p, err) != DES_OK)
        return NULL;
    send_model *m = calloc(1, sizeof *m);
    if (!m) {
        des_error_set(err, DES_ENOMEM, "cannot allocate model");
        return NULL;
    }
    m->p = p;
    m->cal = des_cal_create(1 << 12, err);
    m->kids = des_pool_create(sizeof(child), 1 << 13, err);
    if (!m->cal || !m->kids)
        goto fail;
    if (req_init(m, err) || ass_init(m, err) || place_init(m, err) || fd_init(m, err) ||
        eh_init(m, err))
        goto fail;
    sen_init(m);
    double area_w[SEND_MAX_AREAS];
    for (int a = 0; a < p->n_areas; a++)
        area_w[a] = p->areas[a].share;
    cumulate(area_w, p->n_areas, m->area_cum);
    plan_init(m);
    return m;
fail:
    send_model_destroy(m);
    return NULL;
}

void send_model_destroy(send_model *m)
{
    if (!m)
        return;
    des_cal_destroy(m->cal);
    des_pool_destroy(m->kids);
    if (m->have_streams)
        des_streams_free(&m->rs);
    req_free(m);
    ass_free(m);
    plan_free(m);
    place_free(m);
    fd_free(m);
    eh_free(m);
    care_free(m);
    free(m->scratch);
    free(m);
}

void send_model_set_trace(send_model *m, send_trace_fn fn, void *ctx)
{
    m->trace = fn;
    m->trace_ctx = ctx;
}

void send_model_get_diag(const send_model *m, send_model_diag *d)
{
    *d = m->c.diag;
    d->ep_mean_wait_days = des_tally_mean(&m->ass.ep.wait);
    d->ep_served = m->ass.ep.admitted;
    d->ep_mean_busy = des_timeavg_mean(&m->ass.ep.inuse, m->t_end);
    d->ep_servers = m->ass.ep.capacity;
    d->assessments_in_progress = 0;
    uint32_t bound = des_pool_bound(m->kids);
    for (uint32_t h = 0; h < bound; h++) {
        if (!des_pool_is_live(m->kids, h))
            continue;
        const child *c = (const child *)des_pool_get(m->kids, h);
        d->assessments_in_progress += c->state == ST_PROCESS &&
            (c->stage == STG_CASEWORKER || c->stage == STG_ADVICE || c->stage == STG_D2);
    }
}

/* The start of a replication: the core's state zeroed, then each sub-model resets its own. */
static void reset(send_model *m)
{
    des_cal_reset(m->cal, 0);
    /* free every record, and mark it free (state 0) for the loops that scan records */
    uint32_t bound = des_pool_bound(m->kids);
    if (bound)
        memset(des_pool_get(m->kids, 0), 0, (size_t)bound * sizeof(child));
    des_pool_clear(m->kids);
    memset(&m->c, 0, sizeof m->c);
    for (int i = 0; i < NCLOCKS; i++)
        m->c.clk[i] = INFINITY;
    m->c.cal_next = INFINITY; /* the calendar is empty */
    set_period(m, m->out->first_month_index);
    pop_reset(m);
    sen_reset(m);
    req_reset(m);
    ass_reset(m);
    plan_reset(m);
    place_reset(m);
    fin_reset(m);
    lev_reset(m);
    care_reset(m);
    fd_reset(m);
    sb_reset(m);
    eh_reset(m);
}

/* The calendar's fixed events, in an order that decides ties: months, the end, 1 September,
 * rate changes (steps, shocks, lever start dates), EP staffing, the first review sitting, new
 * places, the first panel sittings. */
static void schedule_calendar(send_model *m)
{
    const send_params *p = m->p;
    int y0, mo, d;
    des_date_to_ymd(p->start, &y0, &mo, &d);
    sched(m, 0, PRIO_SNAPSHOT, EV_MONTH, 0);
    sched(m, m->t_end, PRIO_SNAPSHOT, EV_END, 0);
    double sept = t_of(m, des_date_from_ymd(mo >= 9 && d > 1 ? y0 + 1 : y0, 9, 1));
    if (sept < 0)
        sept = t_of(m, des_date_from_ymd(y0 + 1, 9, 1));
    if (sept < m->t_end)
        sched(m, sept, PRIO_CALENDAR, EV_SEPT, 0);
    /* rate changes: steps, shocks, lever start dates */
    const send_steps *steps[] = {&p->sen_entry_trend, &p->request_trend, &p->population_growth};
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++)
        for (int i = 0; i < steps[s]->n; i++) {
            double t = t_of(m, steps[s]->from[i]);
            if (t > 0 && t < m->t_end)
                sched(m, t, PRIO_CALENDAR, EV_RATES, 0);
        }
    for (int i = 0; i < p->n_shocks; i++) {
        double t1 = t_of(m, p->shocks[i].from), t2 = t_of(m, p->shocks[i].to);
        if (t1 > 0 && t1 < m->t_end)
            sched(m, t1, PRIO_CALENDAR, EV_RATES, 0);
        if (t2 > 0 && t2 < m->t_end)
            sched(m, t2, PRIO_CALENDAR, EV_RATES, 0);
    }
    if (p->ei_active && t_of(m, p->ei_from) > 0 && t_of(m, p->ei_from) < m->t_end)
        sched(m, t_of(m, p->ei_from), PRIO_CALENDAR, EV_RATES, 0);
    const send_steps *staff[] = {&p->ep_fte, &p->caseworker_fte, &p->health_slots,
                                 &p->social_slots, &p->d1_capacity_steps, &p->d2_capacity_steps};
    for (size_t s = 0; s < sizeof staff / sizeof staff[0]; s++)
        for (int i = 0; i < staff[s]->n; i++) {
            double t = t_of(m, staff[s]->from[i]);
            if (t > 0 && t < m->t_end)
                sched(m, t, PRIO_CAPACITY, EV_STAFF, 0);
        }
    sched(m, 0, PRIO_EVENT, EV_REVIEW_SIT, 0);
    for (int b = 0; b < p->n_builds; b++) {
        const send_build *bd = &p->builds[b];
        double t = t_of(m, bd->opens);
        if (bd->has_delay)
            t += des_dist_sample(&bd->delay, m->r[S_BUILD]);
        if (t < 0)
            t = 0;
        if (t < m->t_end)
            sched(m, t, PRIO_CAPACITY, EV_BUILD, (uint32_t)b);
    }
    if (p->d1_period > 0)
        sched(m, des_panel_next_sitting(&m->req.k.d1, 0, 1), PRIO_EVENT, EV_D1_SIT, 0);
    if (p->d2_period > 0)
        sched(m, des_panel_next_sitting(&m->req.k.d2, 0, 1), PRIO_EVENT, EV_D2_SIT, 0);
    if (p->l4_period > 0)
        sched(m, des_panel_next_sitting(&m->place.k.l4, 0, 1), PRIO_EVENT, EV_L4_SIT, 0);
}

/* The opening state at t = 0, before the first snapshot: SEN Support, the plans, the
 * assessments under way (in this order: they share one random stream). */
static void init_state(send_model *m)
{
    sen_open(m);
    plan_open(m);
    ass_open(m);
    req_open(m);
    /* the services beside the EHC pathway, each on its own streams and only when on (care
     * before the levels, which count the children in care) */
    care_open(m);
    fd_open(m); /* before the levels: its children in need are at level 3 */
    lev_open(m);
    sb_open(m);
    eh_open(m);
    plan_open_transfers_in(m);
}

int send_model_run(send_model *m, const uint32_t *seeds, send_output *out, des_error *err)
{
    const send_params *p = m->p;
    if (!m->have_streams) {
        if (des_streams_init(&m->rs, seeds, SEND_STREAMS, err) != DES_OK)
            return err ? err->code : DES_ENOMEM;
        m->have_streams = 1;
        for (int s = 0; s < SEND_STREAMS; s++)
            m->r[s] = m->rs.rng[s];
    } else {
        des_streams_reseed(&m->rs, seeds);
    }
    memset(out->values, 0, sizeof(double) * (size_t)SEND_METRIC_COUNT * (size_t)out->row_len);
    memset(out->weeks_hist, 0, sizeof *out->weeks_hist * (size_t)out->n_years * SEND_WEEKS_BINS);
    out->plans_open = out->plans_new = out->plans_ceased = out->plans_close = 0;
    out->sen_open = out->sen_in = out->sen_out = out->sen_close = 0;
    m->out = out;
    m->t_end = t_of(m, p->end + 1);
    reset(m);
    schedule_calendar(m);
    /* Snapshot 0 happens at t = 0 after the opening state is in place. */
    init_state(m);
    for (;;) {
        int w = m->c.clk_first; /* the earliest level-2 clock */
        double tc = m->c.clk[w];
        des_event ev;
        /* A clock earlier than every calendar event fires without asking the calendar: events
         * enter it only through sched and sched_timer, which lower c.cal_next, and after each
         * pop c.cal_next is the new earliest time. (The calendar wins a tie.) */
        if (tc < m->c.cal_next || !des_cal_next_until(m->cal, tc, &ev)) {
            /* nothing in the calendar up to tc: the clock fires (if there is one) */
            if (!(tc < INFINITY))
                break;
            m->c.now = tc;
            m->c.diag.clock_events++;
            switch (w) {
            case CLK_SEN: ev_sen_arrival(m); break;
            case CLK_REQUEST: ev_request(m); break;
            case CLK_EXIT: ev_sen_exit(m); break;
            case CLK_DIRECT: ev_direct(m); break;
            case CLK_CEASE: ev_cease(m); break;
            case CLK_FD_CONTACT: ev_fd_contact(m); break;
            case CLK_EH_CAF: ev_eh_caf(m); break;
            default: ev_eh_end(m); break;
            }
            continue;
        }
        m->c.now = ev.time;
        m->c.cal_next = des_cal_peek_time(m->cal);
        switch (ev.type) {
        case EV_MONTH: ev_month(m); break;
        case EV_END: finish(m); return DES_OK;
        case EV_SEPT:
            ev_september(m);
            lev_september(m);
            break;
        case EV_RATES: redraw_all_clocks(m); break;
        case EV_BUILD: ev_build(m, (int)ev.arg); break;
        case EV_STAFF: ev_staff(m); break;
        case EV_D1_READY: ev_d1_ready(m, ev.arg); break;
        case EV_D1_SIT: ev_d1_sit(m); break;
        case EV_D2_SIT: ev_d2_sit(m, ev.arg == 1); break;
        case EV_L4_SIT: ev_l4_sit(m); break;
        case EV_MEDIATION_END: ev_mediation_end(m, ev.arg); break;
        case EV_TRIBUNAL_END: ev_tribunal_end(m, ev.arg); break;
        case EV_EP_DONE: ev_advice_done(m, ev.arg, SEND_STAGE_EP); break;
        case EV_HEALTH_DONE: ev_advice_done(m, ev.arg, SEND_STAGE_HEALTH); break;
        case EV_SOCIAL_DONE: ev_advice_done(m, ev.arg, SEND_STAGE_SOCIAL); break;
        case EV_PLACEMENT_APPEAL_END:
            if (kid(m, ev.arg)->serial == ev.gen)
                ev_placement_appeal_end(m, ev.arg);
            break;
        case EV_PLACEMENT_MEDIATION_END:
            if (kid(m, ev.arg)->serial == ev.gen)
                ev_placement_mediation_end(m, ev.arg);
            break;
        case EV_FINAL: ev_final(m, ev.arg); break;
        case EV_REVIEW_SIT: ev_review_sit(m); break;
        case EV_TRANSFER_IN: ev_transfer_in(m); break;
        /* timers: ev.gen is the stamp, stale once the child's record holds another */
        case EV_WAIT_LIMIT:
            if (kid(m, ev.arg)->wait_stamp == ev.gen)
                ev_wait_limit(m, ev.arg);
            break;
        case EV_OPENING_PLACE:
            if (kid(m, ev.arg)->wait_stamp == ev.gen)
                ev_opening_place(m, ev.arg);
            break;
        case EV_CARE:
            if (ev.gen == m->care.stamp)
                ev_care(m);
            break;
        case EV_SB:
            if (ev.gen == m->sb.stamp)
                ev_sb(m);
            break;
        case EV_FD_DONE: ev_fd_done(m, ev.arg); break;
        case EV_EH_SIT: ev_eh_sit(m, ev.arg); break;
        case EV_SB_SIT: ev_sb_sit(m); break;
        default: assert(!"unknown event type");
        }
    }
    return des_error_set(err, DES_ESTATE, "event list ran dry before the end of the horizon");
}
