/* model_internal.h - the model's state, split by sub-model, and the helpers on its hot paths.
 *
 * Private to sim/model. One replication's state (struct send_model) is a core (the calendar,
 * the child records, the random streams, the level-2 clocks and the output being written) and
 * one member per sub-model, each defined below beside the file that owns it:
 *
 *   pop    population.c   population and the rates of the flows between levels
 *   sen    sen.c          SEN Support: children counted by class (age x need)
 *   req    requests.c     requests for assessment, the D1 and D2 panels
 *   ass    assessment.c   EP, health and social care advice
 *   (none) disagreement.c mediation and tribunal: no state of its own
 *   plan   plans.c        plan holders, reviews, ceasing, the opening caseload
 *   place  placement.c    places, capacity pools, the level-4 panel, phase transfers
 *   fin    finance.c      spend accrued from occupancy
 *   lev    levels.c       every child's level 1-4, by age (counts)
 *   care   care.c         children in care by placement type (counts), their cost
 *   fd     social_care.c  the social-care front door: contacts to assessments and outcomes
 *   sb     short_breaks.c short-break packages for disabled children, their cost
 *   eh     early_help.c   early help 2a/2b: Common Assessments, the area panel, lead
 *                         professionals
 *
 * A sub-model with parameters-derived data or storage kept between replications has two
 * parts: `k`, set up once by X_init (derived from the parameters, and objects whose storage is
 * kept, such as resources and lists), and `s`, the state of one replication. X_reset zeroes `s`
 * whole (memset) and then sets what starts other than zero, and empties the objects in `k`
 * through their own reset functions; so a field added to a state struct starts each
 * replication at zero without anyone having to remember it. A sub-model with no `k` is its
 * state struct.
 *
 * The event dispatch is in model.c (send_model_run); every handler it calls is in the file of
 * its sub-model. Helpers that run on nearly every event are static inline here, so the split
 * into files costs no calls on the hot paths.
 */
#ifndef SENDSIM_MODEL_INTERNAL_H
#define SENDSIM_MODEL_INTERNAL_H

#include "send_model.h"

#include <assert.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "des_calendar.h"
#include "des_pool.h"
#include "des_resource.h"
#include "des_rng.h"
#include "des_stats.h"

#define YEAR_DAYS 365.25
#define NCLASS (SEND_AGES * NEED_COUNT)

/* A child record's state; 0 marks a free record. */
enum { ST_FREE, ST_PROCESS, ST_PLAN };
enum { STG_NONE, STG_D1, STG_MEDIATION, STG_TRIBUNAL, STG_ADVICE, STG_D2, STG_DRAFT, STG_L4,
       STG_CASEWORKER /* agreed to assess, waiting for a caseworker */ };

/* Child flags: holds a caseworker's caseload place; its disagreement (STG_MEDIATION,
 * STG_TRIBUNAL) is about a refusal to issue (else a refusal to assess). */
enum {
    CF_CASEWORKER = 1,
    CF_DISPUTE_ISSUE = 2,
    CF_PRIORITY = 4, /* overtakes assessment queues */
    CF_LATE = 8      /* late for reasons other than the queues (drafting.late_share) */
};

enum {
    EV_MONTH, EV_END, EV_SEPT, EV_RATES, EV_BUILD, EV_STAFF,
    EV_D1_SIT, EV_D2_SIT, EV_L4_SIT,
    EV_D1_READY, EV_MEDIATION_END, EV_TRIBUNAL_END, EV_EP_DONE, EV_HEALTH_DONE, EV_SOCIAL_DONE,
    EV_FINAL, EV_REVIEW_SIT, EV_WAIT_LIMIT, EV_OPENING_PLACE,
    EV_PLACEMENT_APPEAL_END, EV_PLACEMENT_MEDIATION_END,
    EV_CARE, EV_FD_DONE, EV_SB, EV_EH_SIT,
    EV_TRANSFER_IN, EV_SB_SIT
};

/* Why a plan ceases (plan_cease): the SEN2 reasons the model produces. */
enum {
    CEASE_MOVED,     /* to another authority in England: plans_ceased_transfer_other_la */
    CEASE_LEFT,      /* left school or education: plans_ceased_left_school_education */
    CEASE_NEEDS_MET, /* at a review: back to SEN Support when of that age */
    CEASE_AGE,       /* the age limit, on 1 September: plans_ceased_max_age */
    CEASE_ABROAD,    /* moved outside England */
    CEASE_OTHER,     /* other reasons */
    CEASE_REASONS
};

/* The level-2 Poisson clocks kept beside the calendar (lower index first on a tie). */
enum {
    CLK_SEN, CLK_REQUEST, CLK_EXIT, CLK_DIRECT, CLK_CEASE, CLK_FD_CONTACT, CLK_EH_CAF, CLK_EH_END,
    NCLOCKS
};

/* Plan holders are listed by academic age 0..26 (26 only between 1 September's ageing and
 * the ceasing at the age limit that follows it). */
#define PLAN_AGES (SEND_AGES + 1)

/* Weekly review buckets kept: reviews fall due at most a year (53 weeks) after the sitting
 * that schedules them, so a ring of 64 covers every pending one. */
#define REVIEW_RING 64

/* Marks a September entry as a plan ceasing at the age limit (handles stay below 2^31). */
#define SEPT_CEASE (UINT32_C(1) << 31)

/* Priorities at equal times: the month snapshot sees the state at 00:00; then calendar
 * changes (September, rates, capacity); then ordinary events. */
enum { PRIO_SNAPSHOT = 0, PRIO_CALENDAR = 1, PRIO_CAPACITY = 2, PRIO_EVENT = 5 };

enum {
    S_INIT, S_SEN, S_SEN_EXIT, S_REQUEST, S_D1, S_TRIBUNAL, S_ADVICE, S_D2, S_PLACE, S_REVIEW,
    S_CEASE, S_BUILD, S_L4, S_TRANSFER, S_DIRECT, S_GROWTH, S_YEAR,
    S_LEVELS, S_CARE, S_FD, S_FD_TIME, S_SB, S_EH,
    S_OUTCOME,     /* withdrawals, needs-met returns: drawn only when their keys are set */
    S_LEVEL4,      /* escalation and de-escalation at reviews: drawn only when set */
    S_TRANSFER_IN, /* plans transferred in: drawn only when set */
    S_PRIORITY,    /* prioritised assessments: drawn only when assessment.priority_share is set */
    S_CIN,         /* child-in-need closures: drawn only when front_door.children_in_need.close_rate is set */
    S_GRANT,       /* the allocation's yearly growth beyond the series: only when finance.grant.year_sd is set */
    S_LATE,        /* plans late for other reasons: drawn only when drafting.late_share is set */
    S_LAST /* one past the last stream id; new sub-models append theirs just before it */
};
_Static_assert(S_LAST <= SEND_STREAMS, "a stream id beyond SEND_STREAMS");

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
    uint8_t flags;      /* CF_* below */
    uint8_t care;       /* in care (care.c, care.link_plans): placement type + 1, else 0 */
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

/* ---- sub-model state ---------------------------------------------------------------------- */

/* population.c: the rates of the flows between levels, recomputed whenever a rate can change
 * (each month, step dates, shocks, a lever's start). */
typedef struct pop_state {
    double sen_rate, req_mult, direct_rate, exit_hazard; /* per day */
    int ei_on;                /* early intervention in force */
    double sen_age_cum[SEND_AGES]; /* cumulative SEN Support entries by age */
    int sen_age_lo;           /* the first age with entries */
    /* Children by single year of (academic) age today: p->population at the start, rolled a
     * year on each 1 September, each cohort (and the new one at age 0) grown by the growth
     * rate then in force (pop_children_of_age reads it). */
    double pop_age[SEND_AGES];
    /* Request growth: the multiplier is growth_level x (1 + growth_g)^(years since growth_t0);
     * each 1 January folds the year into growth_level and (with a drift) steps growth_g. */
    double growth_g, growth_level, growth_t0;
    double year_mult;         /* this calendar year's variation factor (1 without one) */
} pop_state;

/* sen.c: SEN Support, children by class (age x need). */
typedef struct sen_model {
    struct {
        double cls_w[NCLASS]; /* request weight of one child of the class */
        double need_sen_cum[NEED_COUNT];
    } k;
    struct sen_state {
        int64_t cls_n[NCLASS];
        double W;                 /* sum over classes of members x weight */
        int64_t age_n[SEND_AGES]; /* SEN Support children by age */
        int age_lo, age_hi;       /* every age with children lies in [age_lo, age_hi] */
        double age_w[SEND_AGES];  /* their summed request weights */
        double req_span;  /* request thinning: candidates at req_span x req_mult a day >= W x mult */
        double exit_span; /* exit thinning: candidates at exit_span x hazard a day >= n_sen x hazard */
        int64_t n_sen;
    } s;
} sen_model;

/* requests.c: requests for assessment and the D1 and D2 panels. */
typedef struct req_model {
    struct {
        des_panel d1, d2;
        /* Cases getting ready for a periodic D1 panel: a binary min-heap on (t, seq). Only the
         * sittings need them, so they join the panel's queue, in order, when a sitting comes,
         * rather than each by an event of its own. Storage; its length is rdy_n below. */
        ready *rdy;
        size_t rdy_cap;
        double need_direct_cum[NEED_COUNT], direct_cum[BAND_COUNT];
    } k;
    struct req_state {
        size_t rdy_n;
        uint32_t rdy_seq;
        int64_t n_process; /* children in assessment (from request to final plan) */
    } s;
} req_model;

/* assessment.c: caseworkers, then advice in parallel, each a capacity-limited resource. No
 * state but theirs. */
#define ASS_RING (12 + SEND_CAP_LAG_MAX)
typedef struct ass_model {
    des_resource ep, health, social, cw;
    int64_t n_ongoing; /* assessments started and not yet decided at D2 */
    /* Demand that capacity follows (cap_elasticity > 0): assessments started this month, in
     * each past month (ring, month i at i % ASS_RING), those of the first 12 months (0 until
     * known), and the factor on caseworker and EP capacity in force. */
    int64_t month_starts;
    int64_t ring[ASS_RING];
    int n_months;
    double base, factor;
    /* Capacity that follows the backlog (cap_backlog_months > 0), for the caseworkers [0] and
     * the EPs [1]: cases admitted by the end of the last month, those admitted in each of the
     * last 12 months (ring), and the extra places in force. */
    uint64_t adm_prev[2];
    int64_t adm_ring[2][12];
    int extra[2];
} ass_model;

/* plans.c: plan holders, reviews and ceasing. */
typedef struct plan_model {
    struct {
        /* Plan holders by age, for ceasing (one thinned clock: a plan holder of age a ceases
         * at hazard cease_rate[a] a day, all independently), 1 September and the age bands.
         * A child's age is age0 + septs, so ageing everyone is a shift of these lists. */
        u32list plans[PLAN_AGES];
        /* Reviews: each plan's next review waits in the bucket of the weekly sitting at or
         * after its due date (no event per review); a sitting appends its bucket to the queue
         * of reviews due and hears as many as the caseworkers' weekly capacity allows. Entries
         * carry the child's serial, so a child who ceased in the meantime is skipped. Bucket k
         * is ring[k % RING]. */
        u64list ring[REVIEW_RING];
        u64list review_due; /* reviews due, oldest first, from review_head on */
        /* moved away + left education + moved abroad + other + crisis (ages 4 on), per day */
        double cease_rate[PLAN_AGES];
        int init_cells[BAND_COUNT][PROV_COUNT]; /* opening caseload, age band x provision */
        double need_plans_cum[NEED_COUNT];
    } k;
    struct plan_state {
        int64_t n_plan;
        int septs;          /* Septembers passed */
        double cease_R;     /* sum over plan holders of their hazard */
        double cease_bound; /* thinning bound >= cease_R */
        /* ring_live counts the entries of a bucket whose child still holds a plan, so the
         * number of reviews due and waiting is kept without touching the children when their
         * bucket comes due. */
        int64_t ring_live[REVIEW_RING];
        int64_t review_next_k; /* the next sitting to be held (its index: time / 7) */
        size_t review_head;
        double review_credit;
        int64_t reviews_waiting;
    } s;
} plan_model;

/* placement.c: places and their capacity pools, the level-4 panel. */
typedef struct place_model {
    struct {
        des_resource pool[SEND_MAX_POOLS];
        des_panel l4;
        int8_t pool_of[PROV_COUNT][SEND_MAX_AREAS][NEED_COUNT]; /* most specific pool or -1 */
        int prov_has_pool[PROV_COUNT];
        /* pools a child of (area, need) may take when its own is full, in the order tried
         * (placement.fallback); its own pool is not listed */
        int8_t fallback[SEND_MAX_AREAS][NEED_COUNT][SEND_MAX_POOLS];
        uint8_t n_fallback[SEND_MAX_AREAS][NEED_COUNT];
    } k;
    struct place_state {
        int64_t occ[PROV_COUNT], waiting[PROV_COUNT];
        /* the same by area and need: children in a provision, and waiting for one of its
         * pool places (not for the level-4 panel) */
        int32_t occ_cell[PROV_COUNT][SEND_MAX_AREAS][NEED_COUNT];
        int32_t wait_cell[PROV_COUNT][SEND_MAX_AREAS][NEED_COUNT];
        des_timeavg occ_ta[PROV_COUNT]; /* occupancy over time, for spend */
    } s;
} place_model;

/* finance.c: spend accrued from occupancy at each month's snapshot. occ_need is kept by
 * set_prov (every place change), so top-ups can follow the band of each primary need. */
typedef struct fin_state {
    des_timeavg ei_ta;      /* SEN Support children while early intervention is in force */
    des_timeavg occ_need[PROV_COUNT][NEED_COUNT]; /* occupancy by provision and need */
    double occ_mark[PROV_COUNT][NEED_COUNT], ei_mark, last_snapshot;
    int acc_fi;             /* financial year of the unit costs below, or -1 */
    double acc_unit[PROV_COUNT][NEED_COUNT], acc_transport;
} fin_state;

/* Money accrued from a stock over time, by financial year (care.c, short_breaks.c): the area
 * under the stock's curve since the last accrual, and the month of it. */
typedef struct accrual {
    des_timeavg ta;
    double mark, last;
} accrual;

/* levels.c: children at each level (1-4, index 0-3) by academic age. A record's age0 lies in
 * [-LEV_AGE0_OFF, SEND_AGES] for horizons of up to LEV_AGE0_OFF years. */
#define LEV_AGE0_OFF 160
#define LEV_AGE0_N (LEV_AGE0_OFF + SEND_AGES + 1)
typedef struct lev_state {
    int64_t n[SEND_AGES][4]; /* without levels.from_records: every child; with it, the
                                children who are neither plan holders nor in care */
    int64_t rec[SEND_AGES][2]; /* with levels.from_records: plan holders and children in
                                  care at levels 3 and 4, at the last fit */
    /* with levels.from_records: plan holders at level 4 (lev4_of), by age0 + LEV_AGE0_OFF,
     * kept by lev4_mark at every change of a record's provision or care placement, so that
     * a child's age is age0 + Septembers passed without touching its record */
    int64_t l4_age0[LEV_AGE0_N];
    double last_step; /* time of the last monthly step */
} lev_state;

/* care.c: children in care counted by placement type and whether they have an EHC plan. */
typedef struct care_state {
    int64_t n[CARE_COUNT][2];
    int64_t total;
    uint32_t stamp;                /* of the live next-transition event */
    accrual cost[CARE_COUNT], edge;
    u32list linked; /* care.link_plans: the plan holders in care (their records), any order;
                       storage kept between replications */
} care_state;

/* social_care.c: front-door cases (records in their own pool) and social workers. */
typedef struct fd_case {
    double t_clock; /* when the running time limit started */
    uint8_t stage;  /* 0 free, 1 initial, 2 core */
} fd_case;

typedef struct fd_model {
    struct {
        des_pool *cases;
        des_resource sw; /* assessments social workers carry at once */
    } k;
    struct fd_state {
        int64_t open; /* cases waiting for or in an assessment */
        int64_t cin;  /* open child-in-need cases */
        double cin_last; /* time of the last monthly closure step */
    } s;
} fd_model;

/* short_breaks.c: packages running and requests waiting for one. */
typedef struct sb_state {
    int64_t active, waiting;
    int64_t pending; /* requests waiting for the short-break panel's next sitting */
    uint32_t stamp;
    accrual cost;
    double hours_mark, hours_last; /* package-days and time of the last hours accrual */
} sb_state;

/* early_help.c: the area panel and lead professionals; episodes counted. */
typedef struct eh_model {
    struct {
        des_panel panel[SEND_MAX_AREAS]; /* the area panels: n_panels of them */
        int n_panels;
        des_resource lp;
    } k;
    struct eh_state {
        int64_t open2a, open2b;
        uint32_t seq; /* case numbers for the panel's and lead professionals' queues */
        accrual cost;
    } s;
} eh_model;

/* model.c: the core of one replication. */
typedef struct core_state {
    double now;      /* the simulation time: the calendar's clock, or a level-2 clock's */
    double cal_next; /* no calendar event is earlier (a lower bound: see send_model_run) */
    uint32_t stamps; /* last timer stamp handed out */
    uint32_t births; /* child records handed out (serials) */
    double clk[NCLOCKS];      /* next firing of each level-2 clock, or +INFINITY */
    int clk_first;            /* the clock that fires first (the lowest index on a tie) */
    double clk_mean[NCLOCKS]; /* mean time between firings, or 0 for a stopped clock */
    int month_k;
    int cur_year_i, cur_fy_i; /* output indices of the current month's CY and FY, or -1 */
    send_model_diag diag;
} core_state;

struct send_model {
    const send_params *p;
    des_calendar *cal;
    des_pool *kids;
    child *kid_base; /* des_pool_get(kids, 0), refreshed after each allocation */
    des_streams rs;
    int have_streams;
    gsl_rng *r[SEND_STREAMS];
    double area_cum[SEND_MAX_AREAS];
    double t_end;
    send_output *out;
    uint32_t *scratch;
    size_t scratch_cap;
    send_trace_fn trace;
    void *trace_ctx;
    core_state c;

    pop_state pop;
    sen_model sen;
    req_model req;
    ass_model ass;
    plan_model plan;
    place_model place;
    fin_state fin;
    lev_state lev;
    care_state care;
    fd_model fd;
    sb_state sb;
    eh_model eh;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static inline double now(const send_model *m) { return m->c.now; }
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
static inline int raw_age(const send_model *m, const child *c) { return c->age0 + m->plan.s.septs; }
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
static inline int pick(const double *w, int n, double u)
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

static inline int pick_cum(const double *cum, int n, double u)
{
    return pick_cum_from(cum, 0, n, u);
}

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

/* Every event enters the calendar here or in sched_timer, which keep c.cal_next a lower bound
 * of the calendar's earliest time. */
static inline void sched(send_model *m, double t, unsigned prio, int type, uint32_t arg)
{
    if (t < m->c.cal_next)
        m->c.cal_next = t;
    int rc = des_cal_schedule(m->cal, t, prio, (uint32_t)type, DES_NO_OWNER, arg);
    (void)rc;
    assert(rc == DES_OK);
}

/* The next step of a child in assessment, dt from now. An event that would fall after the
 * horizon is never needed, and leaving it out keeps the calendar small. */
static inline void sched_child(send_model *m, uint32_t h, double dt, int type)
{
    double t = now(m) + (dt > 0 ? dt : 0);
    if (t < m->t_end)
        sched(m, t, PRIO_EVENT, type, h);
}

/* A cancellable timer of child h, dt from now: *stamp (in the child's record) gets the
 * timer's stamp, or 0 when it would fall after the horizon. Cancel by setting *stamp to 0. */
static inline void sched_timer(send_model *m, uint32_t h, uint32_t *stamp, double dt, int type)
{
    double t = now(m) + (dt > 0 ? dt : 0);
    *stamp = 0;
    if (t < m->t_end) {
        *stamp = ++m->c.stamps;
        if (t < m->c.cal_next)
            m->c.cal_next = t;
        int rc = des_cal_schedule_tag(m->cal, t, PRIO_EVENT, (uint32_t)type, h, *stamp);
        (void)rc;
        assert(rc == DES_OK);
    }
}

/* An event of child h, dt from now, tagged with its serial: stale (the dispatch skips it) if
 * the record holds another child by then. Dropped when it would fall after the horizon. */
static inline void sched_for_serial(send_model *m, uint32_t h, double dt, int type)
{
    double t = now(m) + (dt > 0 ? dt : 0);
    if (t < m->t_end) {
        if (t < m->c.cal_next)
            m->c.cal_next = t;
        int rc = des_cal_schedule_tag(m->cal, t, PRIO_EVENT, (uint32_t)type, h, kid(m, h)->serial);
        (void)rc;
        assert(rc == DES_OK);
    }
}

/* Add v to the current calendar (financial) year's value of a CY (FY) metric. */
static inline void cy_add(send_model *m, int metric, double v)
{
    if (m->c.cur_year_i >= 0)
        send_output_row(m->out, metric)[m->c.cur_year_i] += v;
}

static inline void fy_add(send_model *m, int metric, double v)
{
    if (m->c.cur_fy_i >= 0)
        send_output_row(m->out, metric)[m->c.cur_fy_i] += v;
}

/* Whether provision `prov` takes a child of academic age `age` (key placement.ages). */
static inline int valid_age(const send_params *p, int prov, int age)
{
    return age >= p->age_min[prov] && age <= p->age_max[prov];
}

/* Make room for one more element in a growable array of elem-byte items (capacity doubles,
 * starting at first). */
static inline int room_for_one(void **v, size_t n, size_t *cap, size_t elem, size_t first)
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

/* A record for a child entering assessment or a plan; its area is drawn from `stream`. */
static inline uint32_t new_child(send_model *m, int age, int need, int stream)
{
    uint32_t h = des_pool_alloc(m->kids);
    assert(h != DES_NONE && h < SEPT_CEASE);
    m->kid_base = des_pool_get(m->kids, 0);
    child *c = kid(m, h);
    int area = m->p->n_areas > 1 ? pick_cum(m->area_cum, m->p->n_areas, unif(m, stream)) : 0;
    c->age0 = (int16_t)(age - m->plan.s.septs);
    c->need = (uint8_t)need;
    c->area = (uint8_t)(area < 0 ? 0 : area);
    c->pool = -1;
    c->want_pool = -1;
    c->review_k = -1;
    c->flags = 0;
    c->care = 0;
    c->prov = PROV_COUNT;
    c->serial = ++m->c.births;
    return h;
}

/* Release a record: its pending timers and review entry become stale with it. */
static inline void free_child(send_model *m, uint32_t h)
{
    child *c = kid(m, h);
    c->state = ST_FREE;
    c->serial = 0;
    c->wait_stamp = 0;
    des_pool_free(m->kids, h);
}

/* ---- level-2 clocks (model.c owns them; the sub-models drive them) ------------------------- */

/* Clock `which` next fires at t; keep clk_first up to date. */
static inline void clock_at(send_model *m, int which, double t)
{
    core_state *c = &m->c;
    c->clk[which] = t;
    int f = c->clk_first;
    if (which == f) { /* it may now come later than another */
        f = 0;
        for (int i = 1; i < NCLOCKS; i++)
            if (c->clk[i] < c->clk[f])
                f = i;
    } else if (t < c->clk[f] || (t == c->clk[f] && which < f)) {
        f = which;
    }
    c->clk_first = f;
}

/* Level-2 clock `which` runs at `rate` a day from now on (stopped if the rate is 0), and its
 * next firing is drawn. */
static inline void set_clock(send_model *m, int which, double rate, int stream)
{
    m->c.clk_mean[which] = rate > 0 ? 1.0 / rate : 0;
    clock_at(m, which, rate > 0 ? now(m) + des_exponential(m->r[stream], m->c.clk_mean[which])
                                : (double)INFINITY);
}

/* Clock `which` fired: its next firing, at the same rate. */
static inline void next_firing(send_model *m, int which, int stream)
{
    double mean = m->c.clk_mean[which];
    clock_at(m, which,
             mean > 0 ? now(m) + des_exponential(m->r[stream], mean) : (double)INFINITY);
}

/* ---- SEN Support counts (sen.c), inline for the level-2 events ----------------------------- */

static inline int class_of(int age, int need) { return age * NEED_COUNT + need; }

/* The SEN Support count changed by delta (early intervention spend follows it). */
static inline void sen_count(send_model *m, int64_t delta)
{
    m->sen.s.n_sen += delta;
    des_timeavg_set(&m->fin.ei_ta, now(m), m->pop.ei_on ? (double)m->sen.s.n_sen : 0);
}

/* d children (d may be negative) join class k. */
static inline void class_add(send_model *m, int k, int64_t d)
{
    struct sen_state *s = &m->sen.s;
    int age = k / NEED_COUNT;
    double dw = (double)d * m->sen.k.cls_w[k];
    s->cls_n[k] += d;
    s->age_n[age] += d;
    if (age < s->age_lo)
        s->age_lo = age;
    if (age > s->age_hi)
        s->age_hi = age;
    s->age_w[age] += dw;
    s->W += dw;
    if (s->W < 1e-12)
        s->W = 0;
    sen_count(m, d);
}

/* The class holding position x of a cumulative order, where each class counts n x weight
 * (weighted = 1) or n (weighted = 0): a scan over the ages present, then over the needs of
 * that age. Returns the class, or -1 if every class is empty. */
static inline int class_at(const send_model *m, double x, int weighted)
{
    const struct sen_state *s = &m->sen.s;
    int last = -1;
    double acc = 0;
    for (int a = s->age_lo; a <= s->age_hi; a++) {
        double wa = weighted ? s->age_w[a] : (double)s->age_n[a];
        if (s->age_n[a] == 0)
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
        if (!s->cls_n[k])
            continue;
        double wk = (double)s->cls_n[k] * (weighted ? m->sen.k.cls_w[k] : 1.0);
        k_last = k;
        if (x < acc + wk)
            break;
        acc += wk;
    }
    return k_last;
}

/* Requests from SEN Support are a Poisson process whose rate W x mult changes with every child
 * who joins or leaves. It is sampled by thinning: candidates arrive at a bound >= the rate and
 * are accepted with probability rate / bound. The bound is renewed (and the clock redrawn) when
 * the multiplier changes or W outgrows it; W shrinking needs nothing. Exact, and cheaper than
 * redrawing the clock after every change. The bound is kept as span x mult (span = 1.05 W when
 * renewed), so that a candidate is accepted when a uniform on [0, span) falls below W. */
static inline void reset_request_clock(send_model *m)
{
    m->sen.s.req_span = 1.05 * m->sen.s.W;
    set_clock(m, CLK_REQUEST, m->sen.s.req_span * m->pop.req_mult, S_REQUEST);
}

static inline void request_rate_grew(send_model *m)
{
    if (m->sen.s.W > m->sen.s.req_span && m->pop.req_mult > 0)
        reset_request_clock(m);
}

/* Exits from SEN Support (needs met, moved away) are at one constant hazard for every child, so
 * there is one clock at rate n x hazard, thinned like the request clock, that removes a child
 * chosen uniformly. Exact by memorylessness. */
static inline void reset_exit_clock(send_model *m)
{
    m->sen.s.exit_span = 1.05 * (double)m->sen.s.n_sen;
    set_clock(m, CLK_EXIT, m->sen.s.exit_span * m->pop.exit_hazard, S_SEN_EXIT);
}

static inline void sen_exit_rate_grew(send_model *m)
{
    if ((double)m->sen.s.n_sen > m->sen.s.exit_span && m->pop.exit_hazard > 0)
        reset_exit_clock(m);
}

/* ---- occupancy (placement.c), inline for every placement ---------------------------------- */

/* ---- level-4 plan holders (levels.c), inline for every place change ----------------------- */

/* Whether a plan holder is at level 4: in a level-4 package or in residential care. */
static inline int lev4_of(const child *c)
{
    return c->prov == PROV_RESIDENTIAL || c->care == CARE_RESIDENTIAL + 1;
}

/* Record c's level-4 mark goes from was (0 or 1) to what lev4_of says now. */
static inline void lev4_mark(send_model *m, const child *c, int was)
{
    int d = lev4_of(c) - was;
    if (d && m->p->levels_on && m->p->levels_from_records) {
        int i = c->age0 + LEV_AGE0_OFF;
        assert(i >= 0 && i < LEV_AGE0_N);
        m->lev.l4_age0[i] += d;
    }
}

static inline void set_prov(send_model *m, child *c, int prov)
{
    double t = now(m);
    int was4 = lev4_of(c);
    if (c->prov < PROV_COUNT) {
        m->place.s.occ[c->prov]--;
        m->place.s.occ_cell[c->prov][c->area][c->need]--;
        des_timeavg_add(&m->place.s.occ_ta[c->prov], t, -1);
        des_timeavg_add(&m->fin.occ_need[c->prov][c->need], t, -1);
    }
    c->prov = (uint8_t)prov;
    if (prov < PROV_COUNT) {
        m->place.s.occ[prov]++;
        m->place.s.occ_cell[prov][c->area][c->need]++;
        des_timeavg_add(&m->place.s.occ_ta[prov], t, +1);
        des_timeavg_add(&m->fin.occ_need[prov][c->need], t, +1);
    }
    lev4_mark(m, c, was4);
}

/* ---- functions shared between the files -------------------------------------------------- */

/* model.c */
void cumulate(const double *w, int n, double *cum);
void ensure_scratch(send_model *m, size_t n);
void redraw_all_clocks(send_model *m);

/* population.c */
void pop_reset(send_model *m);
void pop_recompute_rates(send_model *m);
void pop_new_year(send_model *m);
void pop_september(send_model *m);
/* Children of academic age `age` (0..25) in the authority today: the opening population by
 * age (population.by_age), aged a year each 1 September with each cohort grown by the growth
 * rate in force that day (population.growth), so a change of rate moves the future only. The
 * interface for sub-models that need the child population (levels 1-4, social care). O(1). */
double pop_children_of_age(const send_model *m, int age);

/* sen.c */
void sen_init(send_model *m);
void sen_reset(send_model *m);
void sen_resum(send_model *m);
void sen_open(send_model *m);
void sen_return(send_model *m, uint32_t h);
int sen_rejoin(send_model *m, int age, int need);
void sen_september(send_model *m);
void ev_sen_arrival(send_model *m);
void ev_sen_exit(send_model *m);

/* requests.c */
int req_init(send_model *m, des_error *err);
void req_reset(send_model *m);
void req_free(send_model *m);
void ev_request(send_model *m);
void ev_direct(send_model *m);
void ev_d1_ready(send_model *m, uint32_t h);
void ev_d1_sit(send_model *m);
void ev_d2_sit(send_model *m, int immediate);
size_t panel_sit(send_model *m, des_panel *pn);

/* assessment.c */
int ass_init(send_model *m, des_error *err);
void ass_reset(send_model *m);
void ass_free(send_model *m);
void ass_open(send_model *m);
void req_open(send_model *m);
uint32_t ass_open_case(send_model *m, int stage);
void ass_start(send_model *m, uint32_t h);
void ev_advice_done(send_model *m, uint32_t h, int which);
void ev_staff(send_model *m);
void ass_month(send_model *m);
double ass_fte(const send_model *m, int ep, des_date d);
void ass_not_issued(send_model *m, uint32_t h);
void ass_withdrawn(send_model *m, uint32_t h);
void ass_decided(send_model *m);
void ass_final(send_model *m, uint32_t h);
/* Case h's plan is drafted and consulted on but late for other reasons (CF_LATE): its
 * caseworker is free for the next case. */
void ass_drafted(send_model *m, uint32_t h);

/* disagreement.c */
void dis_refused(send_model *m, uint32_t h);
void ev_mediation_end(send_model *m, uint32_t h);
void ev_tribunal_end(send_model *m, uint32_t h);
void dis_not_issued(send_model *m, uint32_t h);
void dis_new_plan(send_model *m, uint32_t h);
void ev_placement_appeal_end(send_model *m, uint32_t h);
void ev_placement_mediation_end(send_model *m, uint32_t h);

/* plans.c */
void plan_init(send_model *m);
void plan_reset(send_model *m);
void plan_free(send_model *m);
void plan_open(send_model *m);
void plan_cease(send_model *m, uint32_t h, int reason);
void plan_resum(send_model *m);
void plan_reset_cease_clock(send_model *m);
void ev_final(send_model *m, uint32_t h);
void ev_review_sit(send_model *m);
void ev_cease(send_model *m);
void ev_september(send_model *m);
void plan_open_transfers_in(send_model *m);
void ev_transfer_in(send_model *m);

/* placement.c */
int place_init(send_model *m, des_error *err);
void place_reset(send_model *m);
void place_free(send_model *m);
void place_child(send_model *m, uint32_t h, int prov);
void place_release(send_model *m, uint32_t h, child *c);
void place_leave(send_model *m, uint32_t h, child *c);
void place_decide(send_model *m, uint32_t h);
void place_transfer(send_model *m, uint32_t h, int k);
int place_choose(send_model *m, const child *c, int stream);
int place_local_first(send_model *m, const child *c, int q);
void ev_l4_sit(send_model *m);
void ev_build(send_model *m, int b);
void ev_wait_limit(send_model *m, uint32_t h);
void ev_opening_place(send_model *m, uint32_t h);
void place_opening_awaiting(send_model *m, uint32_t h);
void place_snapshot(send_model *m, int k);

/* finance.c */
void fin_reset(send_model *m);
void fin_accrue(send_model *m);
void fin_close(send_model *m);
int fin_check(const send_params *p, des_error *err);
/* Charge an amount to a budget beside the high-needs block in the current financial year
 * (nothing outside the horizon's full financial years): F_SOCIAL_CARE, F_HEALTH, or the general
 * fund's F_SPEND_TRANSPORT and F_SPEND_ASSESS. Sub-models that cost social care use this. */
void fin_charge(send_model *m, int budget, double amount);

/* population.c (children of an academic age now) */
double pop_children(const send_model *m, int age);

/* levels.c */
void lev_reset(send_model *m);
void lev_open(send_model *m);
void lev_step(send_model *m);
void lev_september(send_model *m);
void lev_snapshot(send_model *m, int k);
int64_t lev_at_3_4(const send_model *m);

/* care.c */
void accrual_reset(accrual *a, double value);
void accrual_to(send_model *m, accrual *a, int metric, double per_day, double per_year,
                double inflation);
void care_reset(send_model *m);
void care_free(send_model *m);
void care_plan_ceased(send_model *m, uint32_t h);
void care_open(send_model *m);
void care_month(send_model *m);
void care_enter(send_model *m);
void ev_care(send_model *m);
void care_accrue(send_model *m);
void care_snapshot(send_model *m, int k);

/* social_care.c */
int fd_init(send_model *m, des_error *err);
void fd_reset(send_model *m);
void fd_free(send_model *m);
void fd_open(send_model *m);
void ev_fd_contact(send_model *m);
void fd_month(send_model *m);
void ev_fd_done(send_model *m, uint32_t h);

/* short_breaks.c */
void sb_reset(send_model *m);
void sb_open(send_model *m);
void sb_month(send_model *m);
void ev_sb(send_model *m);
void ev_sb_sit(send_model *m);
void sb_accrue(send_model *m);
void sb_close(send_model *m);

/* early_help.c */
int eh_init(send_model *m, des_error *err);
void eh_reset(send_model *m);
void eh_free(send_model *m);
void eh_open(send_model *m);
void ev_eh_caf(send_model *m);
void ev_eh_sit(send_model *m, uint32_t area);
void ev_eh_end(send_model *m);
void eh_accrue(send_model *m);
void eh_snapshot(send_model *m, int k);

#endif
