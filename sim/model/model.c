/* model.c - one replication of the SEND system: every child at levels 2-4 moves individually
 * through time-stamped events; those in assessment or with a plan have a record, those at SEN
 * Support are counted by class.
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
 * SEN Support children are exchangeable within their class (academic age x primary need):
 * their entries, exits and requests are at rates that depend on the class alone, and nothing
 * else about them is ever read. So SEN Support is held as a count per class, not as records:
 * a request takes one child out of a class and only then gives it a record (and an area, drawn
 * then: areas play no part before placement); a child refused or not issued a plan goes back
 * into its class. The Poisson clocks of level 2 (entries, request and exit candidates, direct
 * requests) and the ceasing clock of plans are kept beside the calendar, not in it: the event
 * loop takes whichever of the calendar's next event and the earliest clock comes first (the
 * calendar on a tie), so some two thirds of all events cost no heap operation.
 *
 * Plan holders are listed by age: ceasing, whose hazard depends on age alone, is one thinned
 * clock over the lists, and a child's age is its age when it got a record plus the Septembers
 * since, so 1 September shifts the lists and touches only the plans that transfer or cease.
 * Cases preparing for a periodic D1 panel wait in a small heap until a sitting, not as events.
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
 * Money is accrued without per-child bookkeeping: spend in a month is the time integral of each
 * provision's occupancy (des_timeavg) times its daily cost, so it is exact in child-days.
 *
 * Complexity: O(log n) per calendar event, O(ages + needs) per level-2 transition or ceasing,
 * O(1) per child state change; the request, exit and ceasing clocks are thinned against bounds
 * renewed only when the rate outgrows them (exact for a state-dependent Poisson rate, by
 * memorylessness). Each 1 September touches every class and the plans at transfer ages or past
 * the age limit. Memory is proportional to the children in assessment or with a plan (reviews
 * wait in a ring of weekly buckets a year long), not to the horizon. The event loop allocates
 * only when a pool, list, queue or bucket must double.
 */
#include "send_model.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "des_calendar.h"
#include "des_pool.h"
#include "des_resource.h"
#include "des_rng.h"
#include "des_stats.h"

#define YEAR_DAYS 365.25
#define NCLASS (SEND_AGES * NEED_COUNT)

/* A child record's state; 0 marks a free record. */
enum { ST_FREE, ST_PROCESS, ST_PLAN };
enum { STG_NONE, STG_D1, STG_MEDIATION, STG_TRIBUNAL, STG_ADVICE, STG_D2, STG_DRAFT, STG_L4 };

enum {
    EV_MONTH, EV_END, EV_SEPT, EV_RATES, EV_BUILD, EV_STAFF,
    EV_D1_SIT, EV_D2_SIT, EV_L4_SIT,
    EV_D1_READY, EV_MEDIATION_END, EV_TRIBUNAL_END, EV_EP_DONE, EV_HEALTH_DONE, EV_SOCIAL_DONE,
    EV_FINAL, EV_REVIEW_SIT, EV_WAIT_LIMIT, EV_OPENING_PLACE
};

/* The level-2 Poisson clocks kept beside the calendar (lower index first on a tie). */
enum { CLK_SEN, CLK_REQUEST, CLK_EXIT, CLK_DIRECT, CLK_CEASE, NCLOCKS };

/* Plan holders are listed by academic age 0..26 (26 only between 1 September's ageing and
 * the ceasing at the age limit that follows it). */
#define PLAN_AGES (SEND_AGES + 1)

/* Weekly review buckets kept: reviews fall due at most a year (53 weeks) after the sitting
 * that schedules them, so a ring of 64 covers every pending one. */
#define REVIEW_RING 64

/* Reviews heard at a sitting fetch the record of the review this many places ahead. */
#define REVIEW_PREFETCH 6
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Marks a September entry as a plan ceasing at the age limit (handles stay below 2^31). */
#define SEPT_CEASE (UINT32_C(1) << 31)

/* Priorities at equal times: the month snapshot sees the state at 00:00; then calendar
 * changes (September, rates, capacity); then ordinary events. */
enum { PRIO_SNAPSHOT = 0, PRIO_CALENDAR = 1, PRIO_CAPACITY = 2, PRIO_EVENT = 5 };

enum {
    S_INIT, S_SEN, S_SEN_EXIT, S_REQUEST, S_D1, S_TRIBUNAL, S_ADVICE, S_D2, S_PLACE, S_REVIEW,
    S_CEASE, S_BUILD, S_L4, S_TRANSFER, S_DIRECT, S_GROWTH
};
_Static_assert(S_GROWTH < SEND_STREAMS, "a stream id beyond SEND_STREAMS");

/* A child in assessment or with a plan: 48 bytes. */
typedef struct child {
    double t_mark;      /* in assessment: time of the request (20-week clock); waiting for a
                           place: when the wait began */
    double next_review; /* due date of the plan's next review */
    uint32_t serial;    /* birth number (0 once freed): tells a child from a later one in the
                           same record */
    uint32_t wait_stamp; /* stamp of the live wait (or opening-place) timer, 0 = none */
    int32_t review_k;   /* weekly sitting whose bucket holds the pending review, or -1 */
    uint32_t pos;       /* with a plan: position in the list of plan holders of its age */
    int16_t pool;       /* pool holding the child's place, or -1 */
    int16_t want_pool;  /* pool the child waits for, or -1 */
    int16_t age0;       /* academic age less the Septembers passed (see age_of) */
    uint8_t area, need, state;
    uint8_t stage, prov, want, advice_left;
} child;
_Static_assert(sizeof(child) == 48, "a child record is 48 bytes");

/* A case getting ready for the D1 panel (evidence gathering) until t. */
typedef struct ready {
    double t;
    uint32_t seq; /* order of requests: ties at equal t go in this order */
    uint32_t h;
} ready;

/* A growable array (doubling): plan holders of one age. */
typedef struct u32list {
    uint32_t *v;
    size_t n, cap;
} u32list;

/* A growable array (doubling): review buckets and the queue of reviews due. */
typedef struct u64list {
    uint64_t *v;
    size_t n, cap;
} u64list;

struct send_model {
    const send_params *p;
    des_calendar *cal;
    des_pool *kids;
    child *kid_base; /* des_pool_get(kids, 0), refreshed after each allocation */
    double now;      /* the simulation time: the calendar's clock, or a level-2 clock's */
    uint32_t stamps; /* last timer stamp handed out */
    des_streams rs;
    int have_streams;
    gsl_rng *r[SEND_STREAMS];

    /* SEN Support: children by class (age x need) */
    int64_t cls_n[NCLASS];
    double cls_w[NCLASS]; /* request weight of one child of the class */
    double W; /* sum over classes of members x weight */
    int64_t age_n[SEND_AGES]; /* SEN Support children by age */
    int age_lo, age_hi;       /* every age with children lies in [age_lo, age_hi] */
    double age_w[SEND_AGES];  /* their summed request weights */
    double req_span;  /* request thinning: candidates at req_span x req_mult a day >= W x mult */
    double exit_span; /* exit thinning: candidates at exit_span x hazard a day >= n_sen x hazard */
    double clk[NCLOCKS];      /* next firing of each level-2 clock, or +INFINITY */
    int clk_first;            /* the clock that fires first (the lowest index on a tie) */
    double clk_mean[NCLOCKS]; /* mean time between firings, or 0 for a stopped clock */
    int ei_on;           /* early intervention in force */
    /* Request growth: the multiplier is growth_level x (1 + growth_g)^(years since growth_t0);
     * each 1 January folds the year into growth_level and (with a drift) steps growth_g. */
    double growth_g, growth_level, growth_t0;

    /* cumulative weights for draws by inversion */
    double area_cum[SEND_MAX_AREAS];
    double need_sen_cum[NEED_COUNT], need_direct_cum[NEED_COUNT], need_plans_cum[NEED_COUNT];
    double direct_cum[BAND_COUNT];
    double sen_age_cum[SEND_AGES];
    int sen_age_lo; /* the first age with entries */

    des_panel d1, d2, l4;
    /* Cases getting ready for a periodic D1 panel: a binary min-heap on (t, seq). Only the
     * sittings need them, so they join the panel's queue, in order, when a sitting comes,
     * rather than each by an event of its own. */
    ready *rdy;
    size_t rdy_n, rdy_cap;
    uint32_t rdy_seq;
    des_resource ep, health, social;
    /* Reviews: each plan's next review waits in the bucket of the weekly sitting at or after its
     * due date (no event per review); a sitting appends its bucket to the queue of reviews due
     * and hears as many as the caseworkers' weekly capacity allows. Entries carry the child's
     * serial, so a child who ceased in the meantime is skipped. Bucket k is ring[k % RING];
     * ring_live counts its entries whose child still holds a plan, so the number of reviews
     * due and waiting is kept without touching the children when their bucket comes due. */
    u64list ring[REVIEW_RING];
    int64_t ring_live[REVIEW_RING];
    int64_t review_next_k; /* the next sitting to be held (its index: time / 7) */
    u64list review_due;    /* reviews due, oldest first, from review_head on */
    size_t review_head;
    double review_credit;
    int64_t reviews_waiting;
    uint32_t births;
    des_resource pool[SEND_MAX_POOLS];
    int8_t pool_of[PROV_COUNT][SEND_MAX_AREAS][NEED_COUNT];
    int prov_has_pool[PROV_COUNT];

    int64_t n_plan, n_sen, n_process, occ[PROV_COUNT], waiting[PROV_COUNT];

    /* Plan holders by age, for ceasing (one thinned clock: a plan holder of age a ceases at
     * hazard cease_rate[a] a day, all independently), 1 September and the age bands. A child's
     * age is age0 + septs, so ageing everyone is a shift of these lists. */
    u32list plans[PLAN_AGES];
    int septs;                   /* Septembers passed */
    double cease_rate[PLAN_AGES]; /* moved away + left education, per day */
    double cease_R;              /* sum over plan holders of their hazard */
    double cease_bound;          /* thinning bound >= cease_R */
    des_timeavg occ_ta[PROV_COUNT], ei_ta;
    double occ_mark[PROV_COUNT], ei_mark, last_snapshot;
    int acc_fi; /* financial year of the unit costs below, or -1 */
    double acc_unit[PROV_COUNT], acc_transport;
    int month_k;
    int cur_year_i, cur_fy_i; /* output indices of the current month's CY and FY, or -1 */

    double sen_rate, req_mult, direct_rate, exit_hazard; /* per day */

    int init_cells[BAND_COUNT][PROV_COUNT];
    double t_end;
    send_output *out;
    double *cy_weeks, *cy_within, *cy_wait_sum, *cy_wait_n;
    uint32_t *scratch;
    size_t scratch_cap;

    send_trace_fn trace;
    void *trace_ctx;
    send_model_diag diag;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static inline double now(const send_model *m) { return m->now; }
static inline des_date day_of(const send_model *m, double t)
{
    return m->p->start + (des_date)floor(t);
}
static inline double t_of(const send_model *m, des_date d)
{
    return (double)d - (double)m->p->start; /* in double: step series may start at INT32_MIN */
}
/* Children live in the pool's storage; its base is cached after every allocation (the only
 * time it can move), so looking a child up is one add. */
static inline child *kid(send_model *m, uint32_t h) { return m->kid_base + h; }

/* A child's academic age: its age when it got a record plus the Septembers since. raw_age is
 * above 25 only for a plan holder past the age limit, between 1 September's ageing and its
 * ceasing a moment later; age_of caps it at 25 (a child in assessment stays 25). */
static inline int raw_age(const send_model *m, const child *c) { return c->age0 + m->septs; }
static inline int age_of(const send_model *m, const child *c)
{
    int a = raw_age(m, c);
    return a < SEND_MAX_AGE ? a : SEND_MAX_AGE;
}

/* send_ageband_of_age as an inline table lookup (ages above 25 are in the top band). */
static inline int band_of(int age)
{
    static const uint8_t band[SEND_AGES] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2,
                                            2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4};
    return age < SEND_AGES ? band[age] : BAND_20_25;
}

static inline void tr(send_model *m, uint32_t h, send_trace_kind k, int a, int b)
{
    if (m->trace)
        m->trace(m->trace_ctx, now(m), h, k, a, b);
}

static inline double unif(send_model *m, int s) { return gsl_rng_uniform(m->r[s]); }

/* Index drawn with probability proportional to w[i] (non-negative); -1 if all are zero. */
static int pick(const double *w, int n, double u)
{
    double tot = 0;
    for (int i = 0; i < n; i++)
        tot += w[i];
    if (!(tot > 0))
        return -1;
    double x = u * tot, acc = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
        if (w[i] <= 0)
            continue;
        acc += w[i];
        last = i;
        if (x < acc)
            return i;
    }
    return last;
}

/* Cumulative sums of w (negative weights count as 0), for pick_cum. */
static void cumulate(const double *w, int n, double *cum)
{
    double acc = 0;
    for (int i = 0; i < n; i++) {
        acc += w[i] > 0 ? w[i] : 0;
        cum[i] = acc;
    }
}

/* pick() over weights given by their cumulative sums: the same index for the same u. The
 * scan starts at `lo`, below which every weight must be 0. */
static inline int pick_cum_from(const double *cum, int lo, int n, double u)
{
    double tot = cum[n - 1];
    if (!(tot > 0))
        return -1;
    double x = u * tot;
    for (int i = lo; i < n; i++)
        if (x < cum[i])
            return i;
    for (int i = n - 1; i > 0; i--) /* x rounded up to the total: the last positive weight */
        if (cum[i] > cum[i - 1])
            return i;
    return 0;
}

static int pick_cum(const double *cum, int n, double u) { return pick_cum_from(cum, 0, n, u); }

/* pick_cum, also giving where u fell within the chosen weight as a fresh uniform on [0, 1)
 * (independent of the index), so that one draw can make two choices. */
static inline int pick_cum_rest(const double *cum, int from, int n, double u, double *rest)
{
    int i = pick_cum_from(cum, from, n, u);
    *rest = 0;
    if (i >= 0) {
        double lo = i ? cum[i - 1] : 0, r = (u * cum[n - 1] - lo) / (cum[i] - lo);
        *rest = r >= 0 && r < 1 ? r : 0;
    }
    return i;
}

static void sched(send_model *m, double t, unsigned prio, int type, uint32_t arg)
{
    int rc = des_cal_schedule(m->cal, t, prio, (uint32_t)type, DES_NO_OWNER, arg);
    (void)rc;
    assert(rc == DES_OK);
}

/* The next step of a child in assessment, dt from now. An event that would fall after the
 * horizon is never needed, and leaving it out keeps the calendar small. */
static void sched_child(send_model *m, uint32_t h, double dt, int type)
{
    double t = now(m) + (dt > 0 ? dt : 0);
    if (t < m->t_end)
        sched(m, t, PRIO_EVENT, type, h);
}

/* A cancellable timer of child h, dt from now: *stamp (in the child's record) gets the
 * timer's stamp, or 0 when it would fall after the horizon. Cancel by setting *stamp to 0. */
static void sched_timer(send_model *m, uint32_t h, uint32_t *stamp, double dt, int type)
{
    double t = now(m) + (dt > 0 ? dt : 0);
    *stamp = 0;
    if (t < m->t_end) {
        *stamp = ++m->stamps;
        int rc = des_cal_schedule_tag(m->cal, t, PRIO_EVENT, (uint32_t)type, h, *stamp);
        (void)rc;
        assert(rc == DES_OK);
    }
}

/* The calendar and financial year of the current month, as indices into the output rows (-1
 * outside them); set when each month opens, since every event between two month starts lies in
 * the same month. */
static void set_period(send_model *m, int month_index)
{
    int y = 1970 + month_index / 12, mo = month_index % 12 + 1;
    int yi = y - m->out->first_year, fi = (mo >= 4 ? y : y - 1) - m->out->first_fy;
    m->cur_year_i = yi >= 0 && yi < m->out->n_years ? yi : -1;
    m->cur_fy_i = fi >= 0 && fi < m->out->n_fys ? fi : -1;
}

static void cy_add(send_model *m, int metric, double v)
{
    if (m->cur_year_i >= 0)
        send_output_row(m->out, metric)[m->cur_year_i] += v;
}

static void fy_add(send_model *m, int metric, double v)
{
    if (m->cur_fy_i >= 0)
        send_output_row(m->out, metric)[m->cur_fy_i] += v;
}

static int valid_age(int prov, int age)
{
    switch (prov) {
    case PROV_EARLY_YEARS: return age <= 4;
    case PROV_MAINSTREAM:
    case PROV_RESOURCED:
    case PROV_SPECIAL:
    case PROV_AP: return age >= 2 && age <= 18;
    case PROV_FE_COLLEGE:
    case PROV_SPECIALIST_POST16: return age >= 16;
    case PROV_INDEPENDENT:
    case PROV_RESIDENTIAL: return age >= 4;
    default: return 1;
    }
}

/* ---- SEN Support classes ------------------------------------------------------------------ */

/* Make room for one more element in a growable array of elem-byte items (capacity doubles,
 * starting at first). */
static int room_for_one(void **v, size_t n, size_t *cap, size_t elem, size_t first)
{
    if (n < *cap)
        return DES_OK;
    size_t nc = *cap ? 2 * *cap : first;
    void *nv = realloc(*v, nc * elem);
    if (!nv)
        return DES_ENOMEM;
    *v = nv;
    *cap = nc;
    return DES_OK;
}

static int list_push(u64list *l, uint64_t v)
{
    if (room_for_one((void **)&l->v, l->n, &l->cap, sizeof *l->v, 16) != DES_OK)
        return DES_ENOMEM;
    l->v[l->n++] = v;
    return DES_OK;
}

static inline int class_of(int age, int need) { return age * NEED_COUNT + need; }

static void sen_count(send_model *m, int64_t delta);

/* d children (d may be negative) join class k. */
static void class_add(send_model *m, int k, int64_t d)
{
    int age = k / NEED_COUNT;
    double dw = (double)d * m->cls_w[k];
    m->cls_n[k] += d;
    m->age_n[age] += d;
    if (age < m->age_lo)
        m->age_lo = age;
    if (age > m->age_hi)
        m->age_hi = age;
    m->age_w[age] += dw;
    m->W += dw;
    if (m->W < 1e-12)
        m->W = 0;
    sen_count(m, d);
}

/* Recompute the weight sums and the range of ages present from the class counts, so that
 * rounding in the incremental updates cannot accumulate (called monthly). */
static void class_resum(send_model *m)
{
    m->W = 0;
    m->age_lo = SEND_AGES;
    m->age_hi = -1;
    for (int a = 0; a < SEND_AGES; a++) {
        double w = 0;
        int64_t n_a = 0;
        for (int n = 0; n < NEED_COUNT; n++) {
            w += (double)m->cls_n[a * NEED_COUNT + n] * m->cls_w[a * NEED_COUNT + n];
            n_a += m->cls_n[a * NEED_COUNT + n];
        }
        m->age_n[a] = n_a;
        m->age_w[a] = w;
        m->W += w;
        if (n_a) {
            m->age_lo = a < m->age_lo ? a : m->age_lo;
            m->age_hi = a;
        }
    }
}

/* The class holding position x of a cumulative order, where each class counts n x weight
 * (weighted = 1) or n (weighted = 0): a scan over the ages present, then over the needs of
 * that age. Returns the class, or -1 if every class is empty. */
static inline int class_at(const send_model *m, double x, int weighted)
{
    int last = -1;
    double acc = 0;
    for (int a = m->age_lo; a <= m->age_hi; a++) {
        double wa = weighted ? m->age_w[a] : (double)m->age_n[a];
        if (m->age_n[a] == 0)
            continue;
        if (x >= acc + wa) {
            acc += wa;
            last = a;
            continue;
        }
        last = a;
        break;
    }
    if (last < 0)
        return -1;
    int k_last = -1;
    for (int n = 0; n < NEED_COUNT; n++) {
        int k = last * NEED_COUNT + n;
        if (!m->cls_n[k])
            continue;
        double wk = (double)m->cls_n[k] * (weighted ? m->cls_w[k] : 1.0);
        k_last = k;
        if (x < acc + wk)
            break;
        acc += wk;
    }
    return k_last;
}

/* ---- rates and clocks --------------------------------------------------------------------- */

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

static void recompute_rates(send_model *m)
{
    const send_params *p = m->p;
    des_date d = day_of(m, now(m));
    double years = now(m) / YEAR_DAYS;
    double growth = pow(1.0 + send_steps_at(&p->population_growth, d), years);
    double trend = send_steps_at(&p->sen_entry_trend, d);
    double w[SEND_AGES];
    for (int a = 0; a < SEND_AGES; a++)
        w[a] = p->population[a] * growth * p->sen_entry_per_1000[a] / 1000.0;
    cumulate(w, SEND_AGES, m->sen_age_cum);
    m->sen_age_lo = 0;
    while (m->sen_age_lo < SEND_AGES - 1 && !(m->sen_age_cum[m->sen_age_lo] > 0))
        m->sen_age_lo++;
    m->sen_rate = m->sen_age_cum[SEND_AGES - 1] * trend / YEAR_DAYS;
    double rt = send_steps_at(&p->request_trend, d) * shock_mult(m, d) * m->growth_level *
                pow(1.0 + m->growth_g, (now(m) - m->growth_t0) / YEAR_DAYS);
    m->ei_on = ei_active(m, d);
    m->req_mult = rt * (m->ei_on ? 1.0 - p->ei_effect : 1.0) / YEAR_DAYS;
    double direct = 0;
    for (int b = 0; b < BAND_COUNT; b++)
        direct += p->direct_requests[b];
    m->direct_rate = direct * rt / YEAR_DAYS;
}

/* Clock `which` next fires at t; keep clk_first up to date. */
static inline void clock_at(send_model *m, int which, double t)
{
    m->clk[which] = t;
    int f = m->clk_first;
    if (which == f) { /* it may now come later than another */
        f = 0;
        for (int i = 1; i < NCLOCKS; i++)
            if (m->clk[i] < m->clk[f])
                f = i;
    } else if (t < m->clk[f] || (t == m->clk[f] && which < f)) {
        f = which;
    }
    m->clk_first = f;
}

/* Level-2 clock `which` runs at `rate` a day from now on (stopped if the rate is 0), and its
 * next firing is drawn. */
static void set_clock(send_model *m, int which, double rate, int stream)
{
    m->clk_mean[which] = rate > 0 ? 1.0 / rate : 0;
    clock_at(m, which, rate > 0 ? now(m) + des_exponential(m->r[stream], m->clk_mean[which])
                                : (double)INFINITY);
}

/* Clock `which` fired: its next firing, at the same rate. */
static inline void next_firing(send_model *m, int which, int stream)
{
    double mean = m->clk_mean[which];
    clock_at(m, which,
             mean > 0 ? now(m) + des_exponential(m->r[stream], mean) : (double)INFINITY);
}

/* Requests from SEN Support are a Poisson process whose rate W x mult changes with every child
 * who joins or leaves. It is sampled by thinning: candidates arrive at a bound >= the rate and
 * are accepted with probability rate / bound. The bound is renewed (and the clock redrawn) when
 * the multiplier changes or W outgrows it; W shrinking needs nothing. Exact, and cheaper than
 * redrawing the clock after every change. The bound is kept as span x mult (span = 1.05 W when
 * renewed), so that a candidate is accepted when a uniform on [0, span) falls below W. */
static void reset_request_clock(send_model *m)
{
    m->req_span = 1.05 * m->W;
    set_clock(m, CLK_REQUEST, m->req_span * m->req_mult, S_REQUEST);
}

static inline void request_rate_grew(send_model *m)
{
    if (m->W > m->req_span && m->req_mult > 0)
        reset_request_clock(m);
}

/* Exits from SEN Support (needs met, moved away) are at one constant hazard for every child, so
 * there is one clock at rate n x hazard, thinned like the request clock, that removes a child
 * chosen uniformly. Exact by memorylessness. */
static void reset_exit_clock(send_model *m)
{
    m->exit_span = 1.05 * (double)m->n_sen;
    set_clock(m, CLK_EXIT, m->exit_span * m->exit_hazard, S_SEN_EXIT);
}

static inline void sen_exit_rate_grew(send_model *m)
{
    if ((double)m->n_sen > m->exit_span && m->exit_hazard > 0)
        reset_exit_clock(m);
}

/* Plans cease (moved away, left education) at a hazard that depends on age alone, so instead
 * of a timer per plan there is one clock at a bound >= the sum of the hazards, thinned like the
 * request clock: a candidate picks an age in proportion to its plans x hazard, then a plan of
 * that age uniformly. Exact by memorylessness, also across 1 September's change of hazards. */
static void reset_cease_clock(send_model *m)
{
    m->cease_bound = 1.05 * m->cease_R;
    set_clock(m, CLK_CEASE, m->cease_bound, S_CEASE);
}

/* The sum of the hazards afresh, so that rounding in the incremental updates cannot build up. */
static void cease_resum(send_model *m)
{
    m->cease_R = 0;
    for (int a = 0; a < PLAN_AGES; a++)
        m->cease_R += (double)m->plans[a].n * m->cease_rate[a];
}

static void redraw_all_clocks(send_model *m)
{
    class_resum(m);
    recompute_rates(m);
    sen_count(m, 0); /* early intervention may have started */
    set_clock(m, CLK_SEN, m->sen_rate, S_SEN);
    reset_request_clock(m);
    reset_exit_clock(m);
    set_clock(m, CLK_DIRECT, m->direct_rate, S_DIRECT);
    cease_resum(m);
    reset_cease_clock(m);
}

/* ---- occupancy ---------------------------------------------------------------------------- */

static void set_prov(send_model *m, child *c, int prov)
{
    double t = now(m);
    if (c->prov < PROV_COUNT) {
        m->occ[c->prov]--;
        des_timeavg_add(&m->occ_ta[c->prov], t, -1);
    }
    c->prov = (uint8_t)prov;
    if (prov < PROV_COUNT) {
        m->occ[prov]++;
        des_timeavg_add(&m->occ_ta[prov], t, +1);
    }
}

static void sen_count(send_model *m, int64_t delta)
{
    m->n_sen += delta;
    des_timeavg_set(&m->ei_ta, now(m), m->ei_on ? (double)m->n_sen : 0);
}

/* ---- children entering and leaving -------------------------------------------------------- */

/* A record for a child entering assessment or a plan; its area is drawn from `stream`. */
static uint32_t new_child(send_model *m, int age, int need, int stream)
{
    uint32_t h = des_pool_alloc(m->kids);
    assert(h != DES_NONE && h < SEPT_CEASE);
    m->kid_base = des_pool_get(m->kids, 0);
    child *c = kid(m, h);
    int area = m->p->n_areas > 1 ? pick_cum(m->area_cum, m->p->n_areas, unif(m, stream)) : 0;
    c->age0 = (int16_t)(age - m->septs);
    c->need = (uint8_t)need;
    c->area = (uint8_t)(area < 0 ? 0 : area);
    c->pool = -1;
    c->want_pool = -1;
    c->review_k = -1;
    c->prov = PROV_COUNT;
    c->serial = ++m->births;
    return h;
}

/* Release a record: its pending timers and review entry become stale with it. */
static void free_child(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    c->state = ST_FREE;
    c->serial = 0;
    c->wait_stamp = 0;
    des_pool_free(m->kids, h);
}

/* A child refused an assessment or a plan goes back to SEN Support, if of SEN Support age. */
static void return_to_sen(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    m->n_process--;
    int age = age_of(m, c);
    if (age >= 4 && age < m->p->sen_leave_age) {
        m->out->sen_in++;
        class_add(m, class_of(age, c->need), +1);
        sen_exit_rate_grew(m);
        request_rate_grew(m);
    }
    free_child(m, h);
}

/* ---- places ------------------------------------------------------------------------------- */

static void admit_waiter(send_model *m, uint32_t h);

static void release_place(send_model *m, uint32_t h, child *c)
{
    if (c->pool >= 0) {
        uint32_t next;
        int pi = c->pool;
        c->pool = -1;
        if (des_res_release(&m->pool[pi], now(m), &next))
            admit_waiter(m, next);
    }
    if (c->want_pool >= 0) {
        des_res_withdraw(&m->pool[c->want_pool], now(m), h);
        m->waiting[c->want]--;
        c->want_pool = -1;
        c->wait_stamp = 0;
    }
}

/* Called right after an admission: the pool must not be above its capacity. */
static void check_capacity(send_model *m, int pi)
{
    if (m->pool[pi].busy > m->pool[pi].capacity)
        m->diag.capacity_violations++;
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

/* A placement decision for child h: a place in `prov` now, or a wait for one. Any earlier
 * wait or opening timer of the child is superseded. */
static void place(send_model *m, uint32_t h, int prov)
{
    child *c = kid(m, h);
    c->wait_stamp = 0;
    int pi = m->pool_of[prov][c->area][c->need];
    if (pi < 0) {
        set_prov(m, c, prov);
        tr(m, h, TR_PLACED, prov, 0);
        return;
    }
    int rc = des_res_request(&m->pool[pi], now(m), h, 0);
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
    m->waiting[prov]++;
    set_prov(m, c, PROV_AWAITING);
    cy_add(m, C_WAITED_FOR_PLACE, 1);
    tr(m, h, TR_WAITING, prov, 0);
    if (m->p->max_wait_days > 0 && prov != m->p->overflow_provision)
        sched_timer(m, h, &c->wait_stamp, m->p->max_wait_days, EV_WAIT_LIMIT);
}

static void admit_waiter(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    int prov = c->want;
    c->wait_stamp = 0;
    m->waiting[prov]--;
    c->pool = c->want_pool;
    c->want_pool = -1;
    check_capacity(m, c->pool);
    double waited = now(m) - c->t_mark;
    int yi = m->cur_year_i;
    if (yi >= 0) {
        m->cy_wait_sum[yi] += waited / 7.0;
        m->cy_wait_n[yi] += 1;
    }
    set_prov(m, c, prov);
    tr(m, h, TR_PLACED, prov, (int)waited);
}

static void wait_limit(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    if (c->state != ST_PLAN || c->want_pool < 0)
        return;
    if (m->p->overflow_provision == PROV_INDEPENDENT && unif(m, S_PLACE) >= indep_factor(m)) {
        /* reduction target: wait another spell for a local place, then ask again */
        sched_timer(m, h, &c->wait_stamp, m->p->max_wait_days, EV_WAIT_LIMIT);
        return;
    }
    int wanted = c->want;
    des_res_withdraw(&m->pool[c->want_pool], now(m), h);
    m->waiting[wanted]--;
    c->want_pool = -1;
    c->wait_stamp = 0;
    cy_add(m, C_OVERFLOW_INDEP, 1);
    place(m, h, m->p->overflow_provision);
    tr(m, h, TR_OVERFLOW, wanted, m->p->overflow_provision);
}

/* A new placement decision that names an independent school takes a free local special place
 * instead, when the scenario says so (placement.local_first). Phase transfers and reviews that
 * move a child to an independent school are left alone: they stand for needs the special
 * school could not meet. */
static int local_first(send_model *m, const child *c, int q)
{
    if (q != PROV_INDEPENDENT || !m->p->local_first || !valid_age(PROV_SPECIAL, age_of(m, c)))
        return q;
    int sp = m->pool_of[PROV_SPECIAL][c->area][c->need];
    if (sp >= 0 && m->pool[sp].busy < m->pool[sp].capacity && !des_queue_len(&m->pool[sp].q))
        return PROV_SPECIAL;
    return q;
}

/* Choose a provision for a new plan or a redirected placement. */
static int choose_provision(send_model *m, const child *c, int stream)
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

/* ---- plans -------------------------------------------------------------------------------- */

static double review_interval(const send_model *m, const child *c)
{
    return age_of(m, c) < 5 ? YEAR_DAYS / 2 : YEAR_DAYS;
}

static int u32_push(u32list *l, uint32_t v)
{
    if (room_for_one((void **)&l->v, l->n, &l->cap, sizeof *l->v, 64) != DES_OK)
        return DES_ENOMEM;
    l->v[l->n++] = v;
    return DES_OK;
}

/* Child h now holds a plan: it joins the list of its age. */
static void plan_add(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    int a = age_of(m, c);
    c->age0 = (int16_t)(a - m->septs); /* a child kept at 25 in assessment is 25 from now */
    c->pos = (uint32_t)m->plans[a].n;
    int rc = u32_push(&m->plans[a], h);
    (void)rc;
    assert(rc == DES_OK);
    m->cease_R += m->cease_rate[a];
    if (m->cease_R > m->cease_bound)
        reset_cease_clock(m);
}

static void plan_remove(send_model *m, child *c)
{
    int a = raw_age(m, c);
    u32list *l = &m->plans[a];
    uint32_t last = l->v[--l->n];
    if (c->pos < l->n) {
        l->v[c->pos] = last;
        kid(m, last)->pos = c->pos;
    }
    m->cease_R -= m->cease_rate[a];
    if (m->cease_R < 0)
        m->cease_R = 0;
}

/* Put a plan's next review, due at `due`, in the bucket of the first sitting at or after it
 * that is still to be held (a review already overdue goes to the next sitting). */
static void schedule_review(send_model *m, uint32_t h, double due)
{
    child *c = kid(m, h);
    c->next_review = due;
    c->review_k = -1;
    double w = due * (1.0 / 7.0) - 1e-9;
    int64_t ki = (int64_t)w; /* ceil(w) for w >= 0, without a call */
    ki += (double)ki < w;
    if (ki < m->review_next_k)
        ki = m->review_next_k;
    if ((double)ki * 7.0 >= m->t_end)
        return; /* due after the horizon */
    assert(ki - m->review_next_k < REVIEW_RING);
    int rc = list_push(&m->ring[(size_t)ki % REVIEW_RING], (uint64_t)c->serial << 32 | h);
    (void)rc;
    assert(rc == DES_OK);
    m->ring_live[(size_t)ki % REVIEW_RING]++;
    c->review_k = (int32_t)ki;
}

/* A plan ends: its pending review, if any, no longer counts. */
static void drop_review(send_model *m, child *c)
{
    if (c->review_k < 0)
        return;
    if (c->review_k < m->review_next_k)
        m->reviews_waiting--; /* due and waiting: its entry is skipped when reached */
    else
        m->ring_live[(size_t)c->review_k % REVIEW_RING]--;
    c->review_k = -1;
}

static void cease_plan(send_model *m, uint32_t h, int reason)
{
    child *c = kid(m, h);
    static const int reason_metric[4] = {C_CEASED_MOVED, C_CEASED_LEFT, C_CEASED_NEEDS_MET,
                                         C_CEASED_AGE};
    release_place(m, h, c);
    if (c->stage == STG_L4) {
        des_queue_remove(&m->l4.q, h);
        des_timeavg_set(&m->l4.qlen, now(m), (double)des_queue_len(&m->l4.q));
        m->waiting[PROV_RESIDENTIAL]--;
    }
    drop_review(m, c);
    set_prov(m, c, PROV_COUNT);
    plan_remove(m, c);
    m->n_plan--;
    m->out->plans_ceased++;
    cy_add(m, C_CEASED, 1);
    cy_add(m, reason_metric[reason], 1);
    tr(m, h, TR_CEASE, reason, 0);
    free_child(m, h);
}

static void decide_placement(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    int q = local_first(m, c, choose_provision(m, c, S_PLACE));
    if ((q == PROV_SPECIAL || q == PROV_INDEPENDENT) && m->p->p_level4[c->need] > 0 &&
        unif(m, S_L4) < m->p->p_level4[c->need]) {
        c->stage = STG_L4;
        c->want = (uint8_t)q;
        m->waiting[PROV_RESIDENTIAL]++;
        set_prov(m, c, PROV_AWAITING);
        des_panel_submit(&m->l4, now(m), h, 0);
        return;
    }
    place(m, h, q);
}

static void final_plan(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    double days = now(m) - c->t_mark;
    double weeks = days / 7.0;
    int yi = m->cur_year_i;
    cy_add(m, C_NEW_PLANS, 1);
    if (yi >= 0) {
        m->cy_weeks[yi] += weeks;
        m->cy_within[yi] += days <= 140.0 + 1e-9;
        int w = (int)floor(weeks);
        m->out->weeks_hist[yi * SEND_WEEKS_BINS + (w < SEND_WEEKS_BINS - 1 ? w : SEND_WEEKS_BINS - 1)]++;
    }
    m->diag.weeks_to_issue_sum += weeks;
    m->diag.plans_issued++;
    tr(m, h, TR_FINAL_PLAN, (int)floor(days), 0);
    m->n_process--;
    c->state = ST_PLAN;
    c->stage = STG_NONE;
    m->n_plan++;
    plan_add(m, h);
    m->out->plans_new++;
    schedule_review(m, h, now(m) + review_interval(m, c));
    decide_placement(m, h);
}

/* ---- assessment --------------------------------------------------------------------------- */

static void advice_request(send_model *m, uint32_t h, des_resource *r, const des_dist *dur,
                           int done_ev)
{
    int rc = des_res_request(r, now(m), h, 0);
    assert(rc >= 0);
    if (rc == 1)
        sched_child(m, h, des_dist_sample(dur, m->r[S_ADVICE]), done_ev);
}

static void start_assessment(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    const send_params *p = m->p;
    c->stage = STG_ADVICE;
    int social = p->p_social_advice > 0 && unif(m, S_ADVICE) < p->p_social_advice;
    c->advice_left = (uint8_t)(2 + social);
    advice_request(m, h, &m->ep, &p->ep_duration, EV_EP_DONE);
    advice_request(m, h, &m->health, &p->health_duration, EV_HEALTH_DONE);
    if (social)
        advice_request(m, h, &m->social, &p->social_duration, EV_SOCIAL_DONE);
}

static void advice_done(send_model *m, uint32_t h, des_resource *r, const des_dist *dur,
                        int done_ev, int which)
{
    uint32_t next;
    if (des_res_release(r, now(m), &next))
        sched_child(m, next, des_dist_sample(dur, m->r[S_ADVICE]), done_ev);
    child *c = kid(m, h);
    tr(m, h, TR_ADVICE_DONE, which, 0);
    if (--c->advice_left == 0) {
        c->stage = STG_D2;
        des_panel_submit(&m->d2, now(m), h, 0);
        if (m->p->d2_period <= 0) /* decide on receipt: a sitting now, just for this case */
            sched(m, now(m), PRIO_EVENT, EV_D2_SIT, 1);
    }
}

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
    return_to_sen(m, h);
}

static void d1_decide(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    double refuse = send_steps_at(&m->p->d1_refusal, day_of(m, now(m)));
    if (unif(m, S_D1) < refuse) {
        cy_add(m, C_REFUSED, 1);
        tr(m, h, TR_D1_DECISION, 0, 0);
        if (m->p->p_mediation > 0 && unif(m, S_TRIBUNAL) < m->p->p_mediation) {
            c->stage = STG_MEDIATION;
            cy_add(m, C_MEDIATIONS, 1);
            sched_child(m, h,
                        des_dist_sample(&m->p->mediation_time, m->r[S_TRIBUNAL]),
                        EV_MEDIATION_END);
        } else {
            maybe_appeal(m, h);
        }
        return;
    }
    tr(m, h, TR_D1_DECISION, 1, 0);
    start_assessment(m, h);
}

static void d1_ready(send_model *m, uint32_t h)
{
    if (m->p->d1_period <= 0)
        d1_decide(m, h);
    else
        des_panel_submit(&m->d1, now(m), h, 0);
}

static inline int ready_before(const ready *a, const ready *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void ready_push(send_model *m, double t, uint32_t h)
{
    if (m->rdy_n == m->rdy_cap) {
        size_t cap = m->rdy_cap ? 2 * m->rdy_cap : 256;
        ready *v = realloc(m->rdy, cap * sizeof *v);
        assert(v); /* out of memory is fatal for a simulation */
        m->rdy = v;
        m->rdy_cap = cap;
    }
    ready x = {t, m->rdy_seq++, h};
    size_t i = m->rdy_n++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!ready_before(&x, &m->rdy[up]))
            break;
        m->rdy[i] = m->rdy[up];
        i = up;
    }
    m->rdy[i] = x;
}

/* Remove the earliest case (the heap must not be empty). */
static void ready_pop(send_model *m)
{
    ready x = m->rdy[--m->rdy_n];
    size_t n = m->rdy_n, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ready_before(&m->rdy[c + 1], &m->rdy[c]))
            c++;
        if (!ready_before(&m->rdy[c], &x))
            break;
        m->rdy[i] = m->rdy[c];
        i = c;
    }
    if (n)
        m->rdy[i] = x;
}

static void submit_request(send_model *m, uint32_t h, int direct)
{
    child *c = kid(m, h);
    c->state = ST_PROCESS;
    c->stage = STG_D1;
    c->t_mark = now(m);
    m->n_process++;
    cy_add(m, C_REQUESTS, 1);
    tr(m, h, TR_REQUEST, direct, 0);
    double prep = des_dist_sample(&m->p->d1_prep, m->r[S_D1]);
    if (!(prep > 0))
        d1_ready(m, h);
    else if (m->p->d1_period <= 0)
        sched_child(m, h, prep, EV_D1_READY); /* decided on receipt: an event at that time */
    else if (now(m) + prep < m->t_end)
        ready_push(m, now(m) + prep, h);
}

static void ensure_scratch(send_model *m, size_t n)
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

static size_t sit(send_model *m, des_panel *pn)
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

/* ---- events ------------------------------------------------------------------------------- */

static void ev_d1_sit(send_model *m)
{
    if (!at_sitting(&m->d1, now(m)))
        m->diag.d1_decisions_off_sitting++;
    /* cases ready by now join the queue, in the order they became ready */
    while (m->rdy_n && m->rdy[0].t <= now(m)) {
        des_panel_submit(&m->d1, now(m), m->rdy[0].h, 0);
        ready_pop(m);
    }
    size_t n = sit(m, &m->d1);
    for (size_t i = 0; i < n; i++)
        d1_decide(m, m->scratch[i]);
    if (m->p->d1_period > 0)
        sched(m, des_panel_next_sitting(&m->d1, now(m), 0), PRIO_EVENT, EV_D1_SIT, 0);
}

static void ev_d2_sit(send_model *m, int immediate)
{
    size_t n = sit(m, &m->d2);
    for (size_t i = 0; i < n; i++) {
        uint32_t h = m->scratch[i];
        child *c = kid(m, h);
        cy_add(m, C_ASSESSMENTS, 1);
        fy_add(m, F_SPEND_ASSESS, m->p->assessment_cost);
        int issue = unif(m, S_D2) < m->p->p_issue;
        tr(m, h, TR_D2_DECISION, issue, 0);
        if (issue) {
            /* drafting then consultation: nothing happens in between, so one event at the end */
            c->stage = STG_DRAFT;
            double draft = des_dist_sample(&m->p->draft_time, m->r[S_D2]);
            double consult = des_dist_sample(&m->p->consult_time, m->r[S_D2]);
            sched_child(m, h, (draft > 0 ? draft : 0) + (consult > 0 ? consult : 0), EV_FINAL);
        } else {
            return_to_sen(m, h);
        }
    }
    if (!immediate && m->p->d2_period > 0)
        sched(m, des_panel_next_sitting(&m->d2, now(m), 0), PRIO_EVENT, EV_D2_SIT, 0);
}

static void ev_l4_sit(send_model *m)
{
    size_t n = sit(m, &m->l4);
    for (size_t i = 0; i < n; i++) {
        uint32_t h = m->scratch[i];
        child *c = kid(m, h);
        c->stage = STG_NONE;
        m->waiting[PROV_RESIDENTIAL]--;
        int ok = unif(m, S_L4) < m->p->p_l4_approve;
        tr(m, h, TR_LEVEL4, ok, 0);
        place(m, h, ok ? PROV_RESIDENTIAL : c->want);
    }
    if (m->p->l4_period > 0)
        sched(m, des_panel_next_sitting(&m->l4, now(m), 0), PRIO_EVENT, EV_L4_SIT, 0);
}

/* A request candidate: accepted with probability W x mult / bound, from a class drawn in
 * proportion to its weight; the child then gets a record. */
static void ev_request(send_model *m)
{
    double x = unif(m, S_REQUEST) * m->req_span; /* accepted with probability W / span */
    next_firing(m, CLK_REQUEST, S_REQUEST);
    if (x < m->W) {
        int k = class_at(m, x, 1);
        if (k >= 0 && m->cls_w[k] > 0) {
            class_add(m, k, -1);
            m->out->sen_out++;
            uint32_t h = new_child(m, k / NEED_COUNT, k % NEED_COUNT, S_REQUEST);
            submit_request(m, h, 0);
        }
    }
}

static void ev_direct(send_model *m)
{
    int b = pick_cum(m->direct_cum, BAND_COUNT, unif(m, S_DIRECT));
    static const int lo[BAND_COUNT] = {0, 5, 11, 16, 20}, hi[BAND_COUNT] = {4, 10, 15, 19, 25};
    next_firing(m, CLK_DIRECT, S_DIRECT);
    if (b >= 0) {
        int age = lo[b] + (int)gsl_rng_uniform_int(m->r[S_DIRECT], (unsigned long)(hi[b] - lo[b] + 1));
        int need = pick_cum(m->need_direct_cum, NEED_COUNT, unif(m, S_DIRECT));
        uint32_t h = new_child(m, age, need, S_DIRECT);
        submit_request(m, h, 1);
    }
}

static void ev_sen_arrival(send_model *m)
{
    double rest;
    int age = pick_cum_rest(m->sen_age_cum, m->sen_age_lo, SEND_AGES, unif(m, S_SEN), &rest);
    if (age >= 0) {
        int need = pick_cum(m->need_sen_cum, NEED_COUNT, rest);
        class_add(m, class_of(age, need), +1);
        m->out->sen_in++;
        tr(m, SEND_NO_CHILD, TR_SEN_ENTRY, age, need);
        sen_exit_rate_grew(m);
    }
    next_firing(m, CLK_SEN, S_SEN);
    request_rate_grew(m);
}

/* An exit candidate: accepted with probability n x hazard / bound, from a class drawn in
 * proportion to its count (a child drawn uniformly). */
static void ev_sen_exit(send_model *m)
{
    double x = unif(m, S_SEN_EXIT) * m->exit_span; /* accepted with probability n / span */
    next_firing(m, CLK_EXIT, S_SEN_EXIT);
    if (x < (double)m->n_sen) {
        int k = class_at(m, x, 0);
        if (k >= 0) {
            class_add(m, k, -1);
            m->out->sen_out++;
            tr(m, SEND_NO_CHILD, TR_SEN_EXIT, 0, 0);
        }
    }
}

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
        cease_plan(m, h, 2);
        return;
    }
    u -= p->p_review_cease;
    if ((c->prov == PROV_MAINSTREAM || c->prov == PROV_RESOURCED) && u < p->p_review_ms &&
        valid_age(PROV_SPECIAL, age_of(m, c))) {
        outcome = 1;
        release_place(m, h, c);
        cy_add(m, C_TRANSFERS_MS, 1);
        place(m, h, PROV_SPECIAL);
    } else if (c->prov == PROV_SPECIAL && u < p->p_review_sm) {
        outcome = 2;
        release_place(m, h, c);
        cy_add(m, C_TRANSFERS_SM, 1);
        place(m, h, PROV_MAINSTREAM);
    }
    tr(m, h, TR_REVIEW, outcome, 0);
    schedule_review(m, h, c->next_review + review_interval(m, c));
}

static void ev_review_sit(send_model *m)
{
    const send_params *p = m->p;
    double t = now(m);
    int64_t k = (int64_t)floor(t / 7.0 + 0.5);
    /* this week's bucket joins the reviews due (its live entries were counted as they came) */
    u64list *b = &m->ring[(size_t)k % REVIEW_RING];
    u64list *due = &m->review_due;
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
    m->reviews_waiting += m->ring_live[(size_t)k % REVIEW_RING];
    m->ring_live[(size_t)k % REVIEW_RING] = 0;
    m->review_next_k = k + 1;
    double fte = send_steps_at(&p->review_fte, day_of(m, t));
    m->review_credit += fte * p->reviews_per_fte_year * 7.0 / YEAR_DAYS;
    while (m->review_credit >= 1.0 && m->review_head < due->n) {
        /* the records are scattered: fetch a few reviews ahead while this one is heard */
        if (m->review_head + REVIEW_PREFETCH < due->n)
            PREFETCH(kid(m, (uint32_t)due->v[m->review_head + REVIEW_PREFETCH]));
        uint64_t e = due->v[m->review_head++];
        uint32_t h = (uint32_t)e, serial = (uint32_t)(e >> 32);
        child *c = kid(m, h);
        if (c->serial != serial)
            continue; /* the plan ceased (the record is free or holds a later child) */
        assert(c->state == ST_PLAN && c->review_k >= 0 && c->review_k < m->review_next_k);
        c->review_k = -1;
        m->reviews_waiting--;
        m->review_credit -= 1.0;
        review_outcome(m, h);
    }
    /* keep the queue's storage proportional to the reviews waiting, not to all reviews ever due */
    if (m->review_head == due->n) {
        due->n = m->review_head = 0;
    } else if (m->review_head > 1024 && m->review_head > due->n / 2) {
        memmove(due->v, due->v + m->review_head, (due->n - m->review_head) * sizeof *due->v);
        due->n -= m->review_head;
        m->review_head = 0;
    }
    if (m->review_credit > 1.0)
        m->review_credit = 1.0; /* unused capacity is not banked */
    if (t + 7.0 < m->t_end)
        sched(m, t + 7.0, PRIO_EVENT, EV_REVIEW_SIT, 0);
}

/* A ceasing candidate (see reset_cease_clock): accepted with probability sum / bound. Where it
 * falls within the chosen age's share picks the plan and the reason (moved away or left
 * education) in proportion to their hazards. */
static void ev_cease(send_model *m)
{
    const send_params *p = m->p;
    double x = unif(m, S_CEASE) * m->cease_bound;
    next_firing(m, CLK_CEASE, S_CEASE);
    if (!(x < m->cease_R))
        return;
    double acc = 0;
    for (int a = 0; a < PLAN_AGES; a++) {
        double w = (double)m->plans[a].n * m->cease_rate[a];
        if (x < acc + w) {
            double y = (x - acc) / m->cease_rate[a]; /* uniform on [0, plans of age a) */
            size_t n = m->plans[a].n, j = (size_t)y;
            if (j >= n)
                j = n - 1;
            double moved = p->cease_moved_rate, left = p->cease_left_rate[a];
            int reason = (y - (double)j) * (moved + left) < moved ? 0 : 1;
            cease_plan(m, m->plans[a].v[j], reason);
            return;
        }
        acc += w;
    }
}

static int transfer_index(int age)
{
    switch (age) {
    case 4: return 0;
    case 11: return 1;
    case 16: return 2;
    case 19: return 3;
    default: return -1;
    }
}

static void phase_transfer(send_model *m, uint32_t h, int k)
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
    } else if (valid_age(from, age_of(m, c))) {
        to = from;
    } else {
        to = choose_provision(m, c, S_TRANSFER);
    }
    tr(m, h, TR_TRANSFER, from, to);
    if (to == from && c->prov != PROV_AWAITING)
        return;
    if (to == from && c->want_pool >= 0)
        return; /* still waiting for the same kind of place */
    release_place(m, h, c);
    place(m, h, to);
}

/* SEN Support on 1 September: every class moves up a year of age; those reaching the leaving
 * age (the end of year 11) leave. */
static void sen_september(send_model *m)
{
    const send_params *p = m->p;
    for (int a = SEND_MAX_AGE; a >= 0; a--)
        for (int n = 0; n < NEED_COUNT; n++) {
            int k = class_of(a, n);
            int64_t c = m->cls_n[k];
            if (!c)
                continue;
            m->cls_n[k] = 0;
            if (a + 1 >= p->sen_leave_age || a + 1 > SEND_MAX_AGE) {
                m->out->sen_out += c;
                m->n_sen -= c;
                for (int64_t i = 0; m->trace && i < c; i++)
                    tr(m, SEND_NO_CHILD, TR_SEN_EXIT, 1, 0);
            } else {
                m->cls_n[class_of(a + 1, n)] = c;
            }
        }
    class_resum(m);
    sen_count(m, 0);
}

/* Append the plan holders of age a to the scratch list, each or-ed with `flag`. */
static size_t gather(send_model *m, int a, uint32_t flag, size_t n)
{
    const u32list *l = &m->plans[a];
    ensure_scratch(m, n + l->n);
    for (size_t i = 0; i < l->n; i++)
        m->scratch[n + i] = l->v[i] | flag;
    return n + l->n;
}

/* 1 September: every child's academic age goes up (one more September passed; the lists of
 * plan holders by age shift). Plan holders past the age limit cease and those at a transfer
 * age (4, 11, 16, 19) get a new placement decision; these are heard in a random order, since
 * they happen at one instant and who takes a place that another frees the same day must not
 * depend on where the children's records happen to lie. */
static void ev_september(send_model *m)
{
    const send_params *p = m->p;
    u32list top = m->plans[PLAN_AGES - 1]; /* empty: last September ceased them */
    assert(top.n == 0);
    memmove(&m->plans[1], &m->plans[0], (PLAN_AGES - 1) * sizeof m->plans[0]);
    m->plans[0] = top;
    m->septs++;
    if (m->trace) {
        uint32_t bound = des_pool_bound(m->kids);
        for (uint32_t h = 0; h < bound; h++)
            if (kid(m, h)->state != ST_FREE)
                tr(m, h, TR_AGE, raw_age(m, kid(m, h)), 0);
    }
    size_t n = 0;
    for (int a = p->cease_age + 1; a < PLAN_AGES; a++)
        n = gather(m, a, SEPT_CEASE, n);
    static const int transfer_ages[4] = {4, 11, 16, 19};
    for (int k = 0; k < 4; k++)
        if (transfer_ages[k] <= p->cease_age)
            n = gather(m, transfer_ages[k], 0, n);
    for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)gsl_rng_uniform_int(m->r[S_TRANSFER], (unsigned long)i);
        uint32_t x = m->scratch[i - 1];
        m->scratch[i - 1] = m->scratch[j];
        m->scratch[j] = x;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t h = m->scratch[i] & ~SEPT_CEASE;
        if (m->scratch[i] & SEPT_CEASE)
            cease_plan(m, h, 3);
        else
            phase_transfer(m, h, transfer_index(age_of(m, kid(m, h))));
    }
    cease_resum(m); /* hazards change with age */
    reset_cease_clock(m);
    sen_september(m);
    request_rate_grew(m);
    int y, mo, d;
    des_date_to_ymd(day_of(m, now(m)), &y, &mo, &d);
    double next = t_of(m, des_date_from_ymd(y + 1, 9, 1));
    if (next < m->t_end)
        sched(m, next, PRIO_CALENDAR, EV_SEPT, 0);
}

static void ev_build(send_model *m, int b)
{
    const send_build *bd = &m->p->builds[b];
    int pi = 0; /* the pool named by the build itself (send_params_check ensures it exists) */
    for (int i = 0; i < m->p->n_pools; i++)
        if (m->p->pools[i].provision == bd->provision && m->p->pools[i].area == bd->area &&
            m->p->pools[i].need == bd->need)
            pi = i;
    des_resource *r = &m->pool[pi];
    int cap = r->capacity + bd->count;
    des_res_set_capacity(r, now(m), cap < 0 ? 0 : cap);
    uint32_t next;
    while (des_res_admit(r, now(m), &next))
        admit_waiter(m, next);
}

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

/* EP staffing changes on a date (caseworker levels are read at each review sitting). */
static void ev_staff(send_model *m)
{
    des_date d = day_of(m, now(m));
    uint32_t next;
    des_res_set_capacity(&m->ep, now(m), ep_slots(m->p, send_steps_at(&m->p->ep_fte, d)));
    while (des_res_admit(&m->ep, now(m), &next))
        sched_child(m, next, des_dist_sample(&m->p->ep_duration, m->r[S_ADVICE]),
                    EV_EP_DONE);
}

/* ---- snapshots and money ------------------------------------------------------------------ */

static double fy_days(int fy)
{
    return (double)(des_date_from_ymd(fy + 1, 4, 1) - des_date_from_ymd(fy, 4, 1));
}

/* Accrue spend for [last_snapshot, now): the interval lies inside one month, so one FY. */
static void accrue(send_model *m)
{
    const send_params *p = m->p;
    double t = now(m);
    int fy = des_date_fy(day_of(m, m->last_snapshot));
    int fi = fy - m->out->first_fy;
    double days_in = fy_days(fy);
    if (fi != m->acc_fi && fi >= 0 && fi < m->out->n_fys) {
        /* this financial year's unit costs, uplifted fi times */
        double k = (double)fi;
        for (int q = 0; q < PROV_COUNT; q++) {
            m->acc_unit[q] = p->cost[q] * pow(1.0 + p->inflation[q], k);
            if (q == PROV_RESIDENTIAL)
                m->acc_unit[q] *= p->l4_share_education;
        }
        m->acc_transport = p->transport_cost * pow(1.0 + p->transport_inflation, k);
        m->acc_fi = fi;
    }
    for (int q = 0; q < PROV_COUNT; q++) {
        double area = des_timeavg_area(&m->occ_ta[q], t);
        double cd = area - m->occ_mark[q];
        m->occ_mark[q] = area;
        if (fi < 0 || fi >= m->out->n_fys)
            continue;
        send_output_row(m->out, F_SPEND_PROV + q)[fi] += cd * m->acc_unit[q] / days_in;
        send_output_row(m->out, F_SPEND_TRANSPORT)[fi] +=
            cd * p->transport_share[q] * m->acc_transport / days_in;
    }
    double ea = des_timeavg_area(&m->ei_ta, t);
    if (fi >= 0 && fi < m->out->n_fys)
        send_output_row(m->out, F_SPEND_EI)[fi] += (ea - m->ei_mark) * p->ei_cost_per_child / days_in;
    m->ei_mark = ea;
    m->last_snapshot = t;
}

static void snapshot(send_model *m, int k)
{
    send_output *o = m->out;
    send_output_row(o, M_EHCP_TOTAL)[k] = (double)m->n_plan;
    int64_t band[BAND_COUNT] = {0};
    for (int a = 0; a < PLAN_AGES; a++)
        band[band_of(a)] += (int64_t)m->plans[a].n;
    for (int b = 0; b < BAND_COUNT; b++)
        send_output_row(o, M_EHCP_BAND + b)[k] = (double)band[b];
    send_output_row(o, M_SEN_SUPPORT)[k] = (double)m->n_sen;
    send_output_row(o, M_ASSESSMENT_QUEUE)[k] = (double)m->n_process;
    send_output_row(o, M_EP_QUEUE)[k] = (double)des_queue_len(&m->ep.q);
    send_output_row(o, M_REVIEWS_OVERDUE)[k] = (double)m->reviews_waiting;
    send_output_row(o, M_LEVEL4_TOTAL)[k] = (double)m->occ[PROV_RESIDENTIAL];
    for (int q = 0; q < PROV_COUNT; q++) {
        send_output_row(o, M_PLACEMENTS + q)[k] = (double)m->occ[q];
        send_output_row(o, M_WAITING + q)[k] = (double)m->waiting[q];
        double cap = -1;
        if (m->prov_has_pool[q]) {
            cap = 0;
            for (int i = 0; i < m->p->n_pools; i++)
                if (m->p->pools[i].provision == q)
                    cap += m->pool[i].capacity;
        }
        send_output_row(o, M_CAPACITY + q)[k] = cap;
    }
}

/* 1 January after the start: the year's growth is folded into the level, and the growth takes
 * its random-walk step (no draw when there is no drift, so other numbers do not move). */
static void growth_new_year(send_model *m)
{
    double t = now(m);
    m->growth_level *= pow(1.0 + m->growth_g, (t - m->growth_t0) / YEAR_DAYS);
    m->growth_t0 = t;
    if (m->p->request_growth_drift_sd > 0)
        m->growth_g = fmax(m->growth_g + gsl_ran_gaussian(m->r[S_GROWTH],
                                                          m->p->request_growth_drift_sd),
                           -0.9);
}

static void ev_month(send_model *m)
{
    if (m->month_k > 0 && (m->out->first_month_index + m->month_k) % 12 == 0)
        growth_new_year(m);
    if (m->month_k > 0)
        accrue(m);
    snapshot(m, m->month_k);
    set_period(m, m->out->first_month_index + m->month_k);
    m->month_k++;
    if (m->month_k < m->out->n_months) {
        int idx = m->out->first_month_index + m->month_k;
        des_date d = des_date_from_ymd(1970 + idx / 12, idx % 12 + 1, 1);
        sched(m, t_of(m, d), PRIO_SNAPSHOT, EV_MONTH, 0);
    }
    redraw_all_clocks(m);
}

static void finish(send_model *m)
{
    const send_params *p = m->p;
    send_output *o = m->out;
    accrue(m);
    o->plans_close = m->n_plan;
    o->sen_close = m->n_sen;
    for (int y = 0; y < o->n_years; y++) {
        double n = send_output_row(o, C_NEW_PLANS)[y];
        send_output_row(o, C_PCT_20W)[y] = n > 0 ? 100.0 * m->cy_within[y] / n : NAN;
        send_output_row(o, C_MEAN_WEEKS)[y] = n > 0 ? m->cy_weeks[y] / n : NAN;
        send_output_row(o, C_MEAN_WAIT_PLACE_WEEKS)[y] =
            m->cy_wait_n[y] > 0 ? m->cy_wait_sum[y] / m->cy_wait_n[y] : NAN;
    }
    double deficit = p->opening_deficit;
    for (int f = 0; f < o->n_fys; f++) {
        double s = send_output_row(o, F_SPEND_TRANSPORT)[f] + send_output_row(o, F_SPEND_ASSESS)[f] +
                   send_output_row(o, F_SPEND_EI)[f];
        for (int q = 0; q < PROV_COUNT; q++)
            s += send_output_row(o, F_SPEND_PROV + q)[f];
        double grant = p->grant_base * pow(1.0 + p->grant_growth, f);
        send_output_row(o, F_SPEND)[f] = s;
        send_output_row(o, F_GRANT)[f] = grant;
        send_output_row(o, F_BALANCE)[f] = grant - s;
        deficit += s - grant;
        send_output_row(o, F_DEFICIT)[f] = deficit;
    }
    o->events = des_cal_fired(m->cal);
}

/* ---- initial state ------------------------------------------------------------------------ */

static const int band_lo[BAND_COUNT] = {0, 5, 11, 16, 20}, band_hi[BAND_COUNT] = {4, 10, 15, 19, 25};

/* Joint (age band x provision) counts of the opening caseload: iterative proportional fitting
 * of both published margins over the cells where the provision admits some age of the band,
 * then rounding each row by cumulative sums (row totals exact, columns within one). */
static void fit_initial_cells(send_model *m)
{
    const send_params *p = m->p;
    double x[BAND_COUNT][PROV_COUNT] = {{0}};
    double rows = 0, cols = 0;
    for (int b = 0; b < BAND_COUNT; b++)
        rows += p->initial_band[b];
    for (int q = 0; q < PROV_COUNT; q++)
        cols += p->initial_prov[q];
    for (int b = 0; b < BAND_COUNT; b++)
        for (int q = 0; q < PROV_COUNT; q++)
            for (int a = band_lo[b]; a <= band_hi[b]; a++)
                if (valid_age(q, a))
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
            m->init_cells[b][q] = (int)(cum - prev);
            prev = cum;
        }
    }
}


static void init_state(send_model *m)
{
    const send_params *p = m->p;
    send_output *o = m->out;
    /* SEN Support: counts by age (weights sen_initial_age; all at 8 if none), then by need,
     * multinomial as for independent draws child by child */
    long n_sen = lround(p->sen_initial);
    if (n_sen > 0) {
        unsigned by_age[SEND_AGES] = {0}, by_need[NEED_COUNT];
        double wsum = 0;
        for (int a = 0; a < SEND_AGES; a++)
            wsum += p->sen_initial_age[a] > 0 ? p->sen_initial_age[a] : 0;
        if (wsum > 0) {
            double w[SEND_AGES];
            for (int a = 0; a < SEND_AGES; a++)
                w[a] = p->sen_initial_age[a] > 0 ? p->sen_initial_age[a] : 0;
            gsl_ran_multinomial(m->r[S_INIT], SEND_AGES, (unsigned)n_sen, w, by_age);
        } else {
            by_age[8] = (unsigned)n_sen;
        }
        for (int a = 0; a < SEND_AGES; a++) {
            if (!by_age[a])
                continue;
            gsl_ran_multinomial(m->r[S_INIT], NEED_COUNT, by_age[a], p->need_share_sen, by_need);
            for (int n = 0; n < NEED_COUNT; n++)
                if (by_need[n])
                    class_add(m, class_of(a, n), by_need[n]);
        }
    }
    o->sen_open = m->n_sen;
    /* plans: provision by provision, so those awaiting provision queue behind everyone placed */
    for (int q = 0; q < PROV_COUNT; q++) {
        for (int b = 0; b < BAND_COUNT; b++) {
            int ages[SEND_AGES], na = 0;
            for (int a = band_lo[b]; a <= band_hi[b]; a++)
                if (valid_age(q, a))
                    ages[na++] = a;
            for (int i = 0; i < m->init_cells[b][q] && na > 0; i++) {
                int age = ages[gsl_rng_uniform_int(m->r[S_INIT], (unsigned long)na)];
                int need = pick_cum(m->need_plans_cum, NEED_COUNT, unif(m, S_INIT));
                uint32_t h = new_child(m, age, need, S_INIT);
                child *c = kid(m, h);
                c->state = ST_PLAN;
                m->n_plan++;
                plan_add(m, h);
                double since = unif(m, S_INIT) * review_interval(m, c);
                schedule_review(m, h, review_interval(m, c) - since);
                if (q == PROV_AWAITING) {
                    /* awaiting provision in the census: placed (against capacity) after an
                     * interim spell drawn uniformly over the wait limit */
                    set_prov(m, c, PROV_AWAITING);
                    double wait = m->p->max_wait_days > 0 ? m->p->max_wait_days : 91.3;
                    sched_timer(m, h, &c->wait_stamp, unif(m, S_INIT) * wait, EV_OPENING_PLACE);
                } else {
                    place(m, h, q);
                }
            }
        }
    }
    o->plans_open = m->n_plan;
    /* assessments under way */
    long n_ass = lround(p->initial_in_assessment);
    for (long i = 0; i < n_ass; i++) {
        int age = pick(p->sen_initial_age, SEND_AGES, unif(m, S_INIT));
        int need = pick_cum(m->need_sen_cum, NEED_COUNT, unif(m, S_INIT));
        uint32_t h = new_child(m, age < 0 ? 8 : age, need, S_INIT);
        child *c = kid(m, h);
        c->state = ST_PROCESS;
        c->t_mark = -unif(m, S_INIT) * 84.0;
        m->n_process++;
        start_assessment(m, h);
    }
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
    if (des_panel_init(&m->d1, p->d1_first, p->d1_period > 0 ? p->d1_period : 1, p->d1_capacity,
                       DES_FIFO, err) ||
        des_panel_init(&m->d2, p->d2_first, p->d2_period > 0 ? p->d2_period : 1,
                       p->d2_period > 0 ? p->d2_capacity : 1000000, DES_FIFO, err) ||
        des_panel_init(&m->l4, p->l4_first, p->l4_period > 0 ? p->l4_period : 1, p->l4_capacity,
                       DES_FIFO, err) ||
        des_res_init(&m->ep, ep_slots(p, send_steps_at(&p->ep_fte, p->start)), DES_FIFO, 0, err) ||
        des_res_init(&m->health, slots_from(p->health_slots), DES_FIFO, 0, err) ||
        des_res_init(&m->social, slots_from(p->social_slots), DES_FIFO, 0, err))
        goto fail;
    for (int i = 0; i < p->n_pools; i++)
        if (des_res_init(&m->pool[i], p->pools[i].places, DES_FIFO, 0, err))
            goto fail;
    /* most specific pool for each (provision, area, need) */
    for (int q = 0; q < PROV_COUNT; q++)
        for (int a = 0; a < SEND_MAX_AREAS; a++)
            for (int n = 0; n < NEED_COUNT; n++) {
                int best = -1, score = -1;
                for (int i = 0; i < p->n_pools; i++) {
                    const send_pool_spec *s = &p->pools[i];
                    if (s->provision != q || (s->area >= 0 && s->area != a) ||
                        (s->need >= 0 && s->need != n))
                        continue;
                    int sc = (s->area >= 0) * 2 + (s->need >= 0);
                    if (sc > score) {
                        score = sc;
                        best = i;
                    }
                }
                m->pool_of[q][a][n] = (int8_t)best;
                if (best >= 0)
                    m->prov_has_pool[q] = 1;
            }
    for (int a = 0; a < SEND_AGES; a++)
        for (int n = 0; n < NEED_COUNT; n++)
            m->cls_w[a * NEED_COUNT + n] = p->request_hazard[a] * p->request_need_mult[n];
    double area_w[SEND_MAX_AREAS];
    for (int a = 0; a < p->n_areas; a++)
        area_w[a] = p->areas[a].share;
    cumulate(area_w, p->n_areas, m->area_cum);
    cumulate(p->need_share_sen, NEED_COUNT, m->need_sen_cum);
    cumulate(p->need_share_direct, NEED_COUNT, m->need_direct_cum);
    cumulate(p->need_share_plans, NEED_COUNT, m->need_plans_cum);
    cumulate(p->direct_requests, BAND_COUNT, m->direct_cum);
    for (int a = 0; a < SEND_AGES; a++)
        m->cease_rate[a] = (p->cease_moved_rate + p->cease_left_rate[a]) / YEAR_DAYS;
    m->cease_rate[PLAN_AGES - 1] = 0; /* past the age limit: ceased on 1 September */
    fit_initial_cells(m);
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
    des_panel_free(&m->d1);
    des_panel_free(&m->d2);
    des_panel_free(&m->l4);
    des_res_free(&m->ep);
    des_res_free(&m->health);
    des_res_free(&m->social);
    for (int k = 0; k < REVIEW_RING; k++)
        free(m->ring[k].v);
    free(m->review_due.v);
    for (int a = 0; a < PLAN_AGES; a++)
        free(m->plans[a].v);
    for (int i = 0; i < SEND_MAX_POOLS; i++)
        des_res_free(&m->pool[i]);
    free(m->cy_weeks);
    free(m->scratch);
    free(m->rdy);
    free(m);
}

void send_model_set_trace(send_model *m, send_trace_fn fn, void *ctx)
{
    m->trace = fn;
    m->trace_ctx = ctx;
}

void send_model_get_diag(const send_model *m, send_model_diag *d)
{
    *d = m->diag;
    d->ep_mean_wait_days = des_tally_mean(&m->ep.wait);
    d->ep_served = m->ep.admitted;
    d->ep_mean_busy = des_timeavg_mean(&m->ep.inuse, m->t_end);
    d->ep_servers = m->ep.capacity;
}

static void reset(send_model *m)
{
    const send_params *p = m->p;
    des_cal_reset(m->cal, 0);
    m->now = 0;
    m->stamps = 0;
    /* free every record, and mark it free (state 0) for the loops that scan records */
    uint32_t bound = des_pool_bound(m->kids);
    if (bound)
        memset(des_pool_get(m->kids, 0), 0, (size_t)bound * sizeof(child));
    des_pool_clear(m->kids);
    des_panel_reset(&m->d1, 0);
    des_panel_reset(&m->d2, 0);
    des_panel_reset(&m->l4, 0);
    des_res_reset(&m->ep, ep_slots(p, send_steps_at(&p->ep_fte, p->start)), 0);
    des_res_reset(&m->health, slots_from(p->health_slots), 0);
    des_res_reset(&m->social, slots_from(p->social_slots), 0);
    for (int k = 0; k < REVIEW_RING; k++) {
        m->ring[k].n = 0;
        m->ring_live[k] = 0;
    }
    m->review_due.n = m->review_head = 0;
    m->rdy_n = 0;
    m->rdy_seq = 0;
    m->review_next_k = 0;
    m->review_credit = 0;
    m->reviews_waiting = 0;
    m->births = 0;
    m->growth_g = p->request_growth;
    m->growth_level = 1;
    m->growth_t0 = 0;
    for (int i = 0; i < p->n_pools; i++)
        des_res_reset(&m->pool[i], p->pools[i].places, 0);
    memset(m->cls_n, 0, sizeof m->cls_n);
    m->W = 0;
    m->age_lo = SEND_AGES;
    m->age_hi = -1;
    memset(m->age_n, 0, sizeof m->age_n);
    memset(m->age_w, 0, sizeof m->age_w);
    m->req_span = m->exit_span = 0;
    m->exit_hazard = p->sen_exit_rate / YEAR_DAYS;
    for (int i = 0; i < NCLOCKS; i++) {
        m->clk[i] = INFINITY;
        m->clk_first = 0;
        m->clk_mean[i] = 0;
    }
    m->ei_on = 0;
    m->n_plan = m->n_sen = m->n_process = 0;
    for (int a = 0; a < PLAN_AGES; a++)
        m->plans[a].n = 0;
    m->septs = 0;
    m->cease_R = m->cease_bound = 0;
    memset(m->occ, 0, sizeof m->occ);
    memset(m->waiting, 0, sizeof m->waiting);
    for (int q = 0; q < PROV_COUNT; q++) {
        des_timeavg_init(&m->occ_ta[q], 0, 0);
        m->occ_mark[q] = 0;
    }
    des_timeavg_init(&m->ei_ta, 0, 0);
    m->ei_mark = 0;
    m->acc_fi = -1;
    m->last_snapshot = 0;
    m->month_k = 0;
    set_period(m, m->out->first_month_index);
    memset(&m->diag, 0, sizeof m->diag);
}

static int alloc_cy(send_model *m, int n_years)
{
    free(m->cy_weeks);
    m->cy_weeks = calloc((size_t)n_years * 4, sizeof(double));
    if (!m->cy_weeks)
        return DES_ENOMEM;
    m->cy_within = m->cy_weeks + n_years;
    m->cy_wait_sum = m->cy_within + n_years;
    m->cy_wait_n = m->cy_wait_sum + n_years;
    return DES_OK;
}

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
    for (int i = 0; i < p->ep_fte.n; i++) {
        double t = t_of(m, p->ep_fte.from[i]);
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
        sched(m, des_panel_next_sitting(&m->d1, 0, 1), PRIO_EVENT, EV_D1_SIT, 0);
    if (p->d2_period > 0)
        sched(m, des_panel_next_sitting(&m->d2, 0, 1), PRIO_EVENT, EV_D2_SIT, 0);
    if (p->l4_period > 0)
        sched(m, des_panel_next_sitting(&m->l4, 0, 1), PRIO_EVENT, EV_L4_SIT, 0);
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
    if (alloc_cy(m, out->n_years) != DES_OK)
        return des_error_set(err, DES_ENOMEM, "cannot allocate yearly tallies");
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
        int w = m->clk_first; /* the earliest level-2 clock */
        double tc = m->clk[w];
        des_event ev;
        if (!des_cal_next_until(m->cal, tc, &ev)) {
            /* nothing in the calendar up to tc: the clock fires (if there is one) */
            if (!(tc < INFINITY))
                break;
            m->now = tc;
            switch (w) {
            case CLK_SEN: ev_sen_arrival(m); break;
            case CLK_REQUEST: ev_request(m); break;
            case CLK_EXIT: ev_sen_exit(m); break;
            case CLK_DIRECT: ev_direct(m); break;
            default: ev_cease(m); break;
            }
            continue;
        }
        m->now = ev.time;
        switch (ev.type) {
        case EV_MONTH: ev_month(m); break;
        case EV_END: finish(m); return DES_OK;
        case EV_SEPT: ev_september(m); break;
        case EV_RATES: redraw_all_clocks(m); break;
        case EV_BUILD: ev_build(m, (int)ev.arg); break;
        case EV_STAFF: ev_staff(m); break;
        case EV_D1_READY: d1_ready(m, ev.arg); break;
        case EV_D1_SIT: ev_d1_sit(m); break;
        case EV_D2_SIT: ev_d2_sit(m, ev.arg == 1); break;
        case EV_L4_SIT: ev_l4_sit(m); break;
        case EV_MEDIATION_END: tr(m, ev.arg, TR_MEDIATION, 0, 0); maybe_appeal(m, ev.arg); break;
        case EV_TRIBUNAL_END: {
            int won = unif(m, S_TRIBUNAL) < p->p_parent_win;
            tr(m, ev.arg, TR_APPEAL, won, 0);
            if (won) {
                cy_add(m, C_APPEALS_WON, 1);
                kid(m, ev.arg)->t_mark = now(m);
                start_assessment(m, ev.arg);
            } else {
                return_to_sen(m, ev.arg);
            }
            break;
        }
        case EV_EP_DONE: advice_done(m, ev.arg, &m->ep, &p->ep_duration, EV_EP_DONE, 0); break;
        case EV_HEALTH_DONE:
            advice_done(m, ev.arg, &m->health, &p->health_duration, EV_HEALTH_DONE, 1);
            break;
        case EV_SOCIAL_DONE:
            advice_done(m, ev.arg, &m->social, &p->social_duration, EV_SOCIAL_DONE, 2);
            break;
        case EV_FINAL: final_plan(m, ev.arg); break;
        case EV_REVIEW_SIT: ev_review_sit(m); break;
        /* timers: ev.gen is the stamp, stale once the child's record holds another */
        case EV_WAIT_LIMIT:
            if (kid(m, ev.arg)->wait_stamp == ev.gen)
                wait_limit(m, ev.arg);
            break;
        case EV_OPENING_PLACE: {
            child *c = kid(m, ev.arg);
            if (c->wait_stamp != ev.gen)
                break;
            c->wait_stamp = 0;
            place(m, ev.arg, local_first(m, c, choose_provision(m, c, S_PLACE)));
            break;
        }
        default: assert(!"unknown event type");
        }
    }
    return des_error_set(err, DES_ESTATE, "event list ran dry before the end of the horizon");
}
