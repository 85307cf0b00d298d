/* send_model.h - the SEND system model: parameters, metrics and one replication.
 *
 * Plain data only. send_params holds every resolved scenario parameter in model units (time in
 * days, money in pounds, rates per year); sim/io fills it from a scenario file, tests fill it by
 * hand. send_model_run() simulates one replication from the scenario start to its end and
 * writes every metric series into a send_output. A send_model owns all of a replication's state
 * (calendar, children, resources, RNG streams), so replications run in parallel without locks.
 */
#ifndef SEND_MODEL_H
#define SEND_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "des_date.h"
#include "des_dist.h"
#include "des_error.h"

/* ---- Fixed vocabularies ------------------------------------------------------------------ */

typedef enum send_need {
    NEED_ASD,      /* autism / communication and interaction */
    NEED_SEMH,     /* social, emotional and mental health */
    NEED_SLCN,     /* speech, language and communication */
    NEED_MLD,      /* moderate learning difficulty (and specific LD) */
    NEED_SLD_PMLD, /* severe or profound and multiple learning difficulty */
    NEED_PHYS_SENS,/* physical, hearing, visual, multi-sensory */
    NEED_OTHER,
    NEED_COUNT
} send_need;

typedef enum send_provision {
    PROV_MAINSTREAM,      /* mainstream school with top-up */
    PROV_RESOURCED,       /* resourced provision / SEN unit in a mainstream school */
    PROV_SPECIAL,         /* maintained special school or special academy */
    PROV_INDEPENDENT,     /* independent or non-maintained special school */
    PROV_RESIDENTIAL,     /* level-4 residential / highly specialist package, jointly funded */
    PROV_FE_COLLEGE,      /* FE or sixth-form college */
    PROV_SPECIALIST_POST16, /* specialist post-16 institution */
    PROV_AP,              /* alternative provision / pupil referral unit */
    PROV_EARLY_YEARS,     /* early-years setting */
    PROV_OTHER,           /* elsewhere: home education, NEET, other arrangements */
    PROV_AWAITING,        /* awaiting provision (interim): not a place, a state */
    PROV_COUNT
} send_provision;

typedef enum send_phase {
    PHASE_EARLY,     /* ages 0-3 */
    PHASE_PRIMARY,   /* 4-10 */
    PHASE_SECONDARY, /* 11-15 */
    PHASE_POST16,    /* 16-18 */
    PHASE_POST19,    /* 19-25 */
    PHASE_COUNT
} send_phase;

/* Lines of the high-needs summary of the DfE's DSG management plan template, in its row
 * order: income first (DSG_INCOME_LINES of them), then expenditure. Transport and assessment
 * are general-fund costs; their lines hold money only when a scenario puts them in the DSG. */
typedef enum send_dsg_line {
    DSG_ALLOCATION,        /* high-needs block allocation */
    DSG_IMPORT_EXPORT,     /* import/export adjustments */
    DSG_SCHOOLS_TRANSFER,  /* transfer from the schools block */
    DSG_OTHER_INCOME,      /* safety valve, Delivering Better Value and other income */
    DSG_PLACE_SPECIAL,     /* place funding: special schools and academies */
    DSG_PLACE_RESOURCED,   /* place funding: resourced provision and SEN units */
    DSG_PLACE_AP,          /* place funding: alternative provision */
    DSG_PLACE_POST16,      /* place funding: post-16 further education */
    DSG_TOPUP_EARLY_YEARS,
    DSG_TOPUP_MAINSTREAM,
    DSG_TOPUP_RESOURCED,
    DSG_TOPUP_SPECIAL,
    DSG_INDEPENDENT,       /* independent and non-maintained special school fees */
    DSG_AP,                /* alternative provision top-up */
    DSG_POST16,            /* post-16 further education top-up and specialist institutions */
    DSG_LEVEL4,            /* level-4 joint packages: the education share */
    DSG_OTHER_ARRANGEMENTS,/* elsewhere and interim (awaiting provision) */
    DSG_SEN_SUPPORT,       /* SEN support and inclusion services (with early intervention) */
    DSG_HOSPITAL,          /* hospital education */
    DSG_THERAPIES,         /* therapies and other health-related services */
    DSG_TRANSPORT,         /* home-to-school transport, when finance.dsg_includes says so */
    DSG_ASSESSMENT,        /* assessment and tribunal costs, when finance.dsg_includes says so */
    DSG_LINE_COUNT
} send_dsg_line;
#define DSG_INCOME_LINES 4
extern const char *const send_dsg_line_names[DSG_LINE_COUNT];  /* metric name stems */
extern const char *const send_dsg_line_labels[DSG_LINE_COUNT]; /* the template's wording */
/* 1 for the provisions paid place funding (special, resourced, AP, post-16). */
int send_provision_has_place_funding(int prov);

/* Census age bands used by the SEN2 return. */
typedef enum send_ageband {
    BAND_UNDER5, BAND_5_10, BAND_11_15, BAND_16_19, BAND_20_25, BAND_COUNT
} send_ageband;

/* Placements of a child in care (care.c), with the Leicestershire 2019/20 weekly costs. */
typedef enum send_care_type {
    CARE_IN_HOUSE_FOSTER,   /* in-house foster care */
    CARE_IFA,               /* independent fostering agency */
    CARE_KINSHIP,           /* kinship / connected carers */
    CARE_RESIDENTIAL,       /* external residential children's home */
    CARE_SUPPORTED_LODGINGS,/* 16+ supported lodgings */
    CARE_EXTERNAL_16PLUS,   /* external 16+ supported accommodation */
    CARE_COUNT
} send_care_type;

#define SEND_MAX_AGE 25
#define SEND_AGES (SEND_MAX_AGE + 1)
#define SEND_MAX_AREAS 16
#define SEND_MAX_POOLS 64
#define SEND_MAX_BUILDS 64
#define SEND_MAX_SHOCKS 16
#define SEND_NAME_MAX 48

extern const char *const send_need_names[NEED_COUNT];
extern const char *const send_provision_names[PROV_COUNT];
extern const char *const send_phase_names[PHASE_COUNT];
extern const char *const send_ageband_names[BAND_COUNT];
extern const char *const send_care_names[CARE_COUNT];

send_phase send_phase_of_age(int age);
send_ageband send_ageband_of_age(int age);
/* Provisions that are real places with capacity semantics (all but PROV_AWAITING). */
int send_provision_is_place(send_provision p);

/* ---- Parameters ---------------------------------------------------------------------------- */

/* A value that steps at dates: value[i] holds from from[i]; value[0] before from[0]. */
#define SEND_STEPS_MAX 32
typedef struct send_steps {
    int n;
    des_date from[SEND_STEPS_MAX];
    double value[SEND_STEPS_MAX];
} send_steps;

double send_steps_at(const send_steps *s, des_date day);
void send_steps_const(send_steps *s, double v);

/* A multiplier applied over [from, to). */
typedef struct send_shock {
    des_date from, to;
    double multiplier;
} send_shock;

/* A block of places: `count` places in `provision` (area/need or -1 for any) opening on `opens`
 * plus a random slippage drawn from `delay` (days). Negative counts close places. */
typedef struct send_build {
    int provision, area, need;
    int count;
    des_date opens;
    des_dist delay;
    int has_delay;
} send_build;

/* A capacity pool: places of a provision, optionally restricted to one area and/or need. */
typedef struct send_pool_spec {
    int provision, area, need; /* area/need -1 = any */
    int places;                /* at the start date */
} send_pool_spec;

typedef struct send_area {
    char name[SEND_NAME_MAX];
    double share; /* of population and caseload */
} send_area;

/* A published figure for one metric and period, shown beside the forecast (not used by the
 * model). `start` is the first day of the period: the month, 1 January or 1 April. */
#define SEND_MAX_OBS 512
typedef struct send_obs {
    int metric;
    des_date start;
    double value;
} send_obs;

/* A prior on a priorable scenario key (see send_keys.h): the loader keeps it here and puts its
 * central value in the parameter, so a run that samples nothing uses that value. */
typedef enum send_prior_kind {
    SEND_PRIOR_UNIFORM, SEND_PRIOR_NORMAL, SEND_PRIOR_LOGNORMAL, SEND_PRIOR_BETA,
    SEND_PRIOR_KIND_COUNT
} send_prior_kind;

#define SEND_MAX_PRIORS 32
typedef struct send_prior {
    int key;               /* row of the key table: send_key_at(key) */
    send_prior_kind kind;
    double a, b;           /* uniform: min, max; normal, lognormal, beta: mean, sd */
    double lo, hi;         /* truncation: the key's range */
} send_prior;

#define SEND_GRANT_MAX 64 /* financial years of a high-needs allocation series */
#define SEND_BANDS 5      /* top-up bands */

typedef struct send_params {
    char name[SEND_NAME_MAX * 2];
    des_date start, end;

    /* Areas */
    int n_areas;
    send_area areas[SEND_MAX_AREAS];

    /* Population (level 1): children by single year of age at the start, growth per year. */
    double population[SEND_AGES];
    send_steps population_growth; /* annual rate, e.g. 0.005 */

    /* Level 2: SEN Support */
    double sen_initial;                   /* children at the start */
    double sen_initial_age[SEND_AGES];    /* age distribution weights of the initial stock */
    double sen_entry_per_1000[SEND_AGES]; /* arrivals per 1,000 children of that age per year */
    send_steps sen_entry_trend;           /* multiplier on entry rates by date */
    double sen_exit_rate;                 /* needs met / moved away, per child-year */
    int sen_leave_age;                    /* leaves SEN Support at this academic age */
    double need_share_sen[NEED_COUNT];    /* primary need mix at SEN Support */

    /* Requests for EHC needs assessment */
    double request_hazard[SEND_AGES];     /* per SEN Support child-year, by age */
    double request_need_mult[NEED_COUNT]; /* relative hazard by need */
    send_steps request_trend;             /* multiplier on hazard and direct requests by date */
    double request_growth;     /* annual compound growth of request rates from the start, on top
                                  of request_trend (0 = none) */
    double request_growth_drift_sd; /* each 1 January after the start the growth takes a
                                       random-walk step N(0, sd) (0 = fixed growth, no draws) */
    double request_year_sd;    /* year-to-year variation: each calendar year from the start,
                                  request rates are multiplied by exp(sd x N(0,1) - sd^2/2)
                                  (mean 1), independently by year (0 = none, no draws) */
    int n_shocks;
    send_shock shocks[SEND_MAX_SHOCKS];
    double direct_requests[BAND_COUNT];   /* per year, from outside SEN Support, by age band */
    double need_share_direct[NEED_COUNT];

    /* Early intervention lever at SEN Support */
    des_date ei_from;
    double ei_effect;        /* fractional reduction in request hazard, 0..1 */
    double ei_cost_per_child;/* per SEN Support child-year while active */
    int ei_active;

    /* D1 panel: decision to assess */
    des_dist d1_prep;           /* request to ready for the panel (evidence gathering) */
    double d1_period, d1_first; /* days; period 0 = decide on receipt */
    int d1_capacity;
    send_steps d1_refusal;      /* share refused */
    double p_mediation;         /* refused family goes to mediation */
    des_dist mediation_time;
    double p_appeal;            /* refused family appeals (after mediation or directly) */
    des_dist tribunal_time;
    double p_parent_win;

    /* Assessment: advice in parallel, each a capacity-limited resource */
    send_steps ep_fte;            /* EP FTE on statutory advice, by date */
    double ep_hours_per_assessment;
    double ep_hours_per_fte_week; /* statutory hours per FTE per week */
    des_dist ep_duration;         /* elapsed time of one EP advice once started */
    send_steps health_slots;      /* concurrent health advice cases, by date */
    des_dist health_duration;
    send_steps social_slots;      /* concurrent social care advice cases, by date */
    des_dist social_duration;
    double p_social_advice;       /* share of assessments needing social care advice */

    /* D2 panel: decision to issue */
    double d2_period, d2_first;
    int d2_capacity;
    double p_issue;              /* completed assessments that lead to a plan */
    des_dist draft_time;         /* D2 decision to draft plan */
    des_dist consult_time;       /* draft to final plan (parents 15 days, schools 15 days) */
    /* Plans late for reasons other than the caseworker and advice queues (a school slow to
     * answer its consultation, a dispute over the draft): on the day of the decision to issue,
     * share late_share (by date) of the plans are late; such a plan frees its caseworker when
     * drafted and consulted on, and is issued late_by after the later of that day and 20
     * weeks from its request. */
    send_steps late_share;
    des_dist late_by;

    /* Placement */
    double choice[PHASE_COUNT][PROV_COUNT];          /* new plans by phase */
    double need_mult[NEED_COUNT][PROV_COUNT];        /* relative weight by need (1 = none) */
    double transfer[4][PROV_COUNT][PROV_COUNT];      /* at ages 4, 11, 16, 19: from -> to shares */
    int transfer_set[4][PROV_COUNT];                 /* row given (else: keep provision) */
    int n_pools;
    send_pool_spec pools[SEND_MAX_POOLS];
    int n_builds;
    send_build builds[SEND_MAX_BUILDS];
    double max_wait_days;          /* then overflow to independent */
    int local_first;               /* an independent placement becomes special if a place is free */
    int overflow_provision;        /* usually PROV_INDEPENDENT */
    double indep_reduction;        /* yearly reduction in new independent placements */
    des_date indep_reduction_from;

    /* Level 4: joint complex-case panel */
    double p_level4[NEED_COUNT];   /* share of new specialist placements referred */
    double l4_period, l4_first;
    int l4_capacity;
    double p_l4_approve;
    double l4_share_education, l4_share_social, l4_share_health;

    /* Annual reviews, heard at weekly sittings: capacity = FTE x reviews per FTE-year x 7/365.25 */
    send_steps review_fte;    /* caseworker FTE for reviews, by date */
    double reviews_per_fte_year;
    double p_review_ms;       /* mainstream -> special at a review, per review */
    double p_review_sm;       /* special -> mainstream */
    double p_review_cease;    /* needs met */

    /* Ceasing */
    double cease_moved_rate;           /* per plan-year */
    double cease_left_rate[SEND_AGES]; /* left education per plan-year, by age */
    int cease_age;                     /* plans cease at this academic age */

    /* Initial caseload (January of the start year) */
    double initial_band[BAND_COUNT];
    double initial_prov[PROV_COUNT];
    double initial_in_assessment;
    double initial_awaiting_decision; /* requests made before the start, awaiting the D1 panel */
    double initial_in_drafting;       /* plans decided before the start, drafting or consultation */
    double need_share_plans[NEED_COUNT];

    /* Finance (see finance.c): the high-needs block of the Dedicated Schools Grant */
    double cost[PROV_COUNT];        /* per pupil-year in the first full financial year, beyond
                                       place funding: the top-up at band factor 1, or the whole
                                       fee (independent, specialist post-16, residential: the
                                       whole package); cost[PROV_AWAITING]: interim cost */
    double cost_level;              /* multiplier on every cost[] (default 1): the authority's
                                       cost level against the costs given; a prior on it
                                       carries unit-cost uncertainty into the bands */
    /* Per month from the start month, a multiplier on what each child costs (top-ups, fees,
     * level-4 packages with their social-care and health shares, interim costs, transport; not
     * place funding or central services): the forecast-error term of ehcp_total at mid-month,
     * set per replication by the run (run_child_cost_factors), so that the money follows the
     * plans' band. Borrowed, never freed through the params; NULL: 1. */
    const double *child_cost_factor;
    int n_child_cost_factor;
    double inflation[PROV_COUNT];   /* annual uplift from the second financial year */
    double transport_share[PROV_COUNT];
    double transport_cost;          /* per transported child-year (general fund) */
    double transport_inflation;
    double assessment_cost;         /* per completed assessment (general fund) */
    double tribunal_cost;           /* per appeal (general fund) */
    double grant_base;              /* high-needs block allocation for the first full FY when
                                       no allocation series is given */
    double grant_growth;            /* annual growth after the last allocation given */
    double grant_year_sd;           /* log sd of each year's growth after the last allocation
                                       given (a random walk about grant_growth; 0: none) */
    double opening_balance;         /* cumulative DSG balance brought forward into the first
                                       full FY (negative = deficit) */

    /* Observed history for charts and reports, in scenario order */
    int n_obs;
    send_obs obs[SEND_MAX_OBS];

    /* Priors given in the scenario, in the order of the key table (at most one per key) */
    int n_priors;
    send_prior priors[SEND_MAX_PRIORS];

    /* Several authorities (scenario key `authorities`): each a complete parameter set, simulated
     * independently in every replication and summed by send_run(). Owned; released by
     * send_params_free(). 0 and NULL for an ordinary one-authority scenario, which is all the
     * model itself ever simulates. */
    int n_authorities;
    struct send_params *authorities;

    /* Parameter sets that replications draw from (scenario section `ensemble`, e.g. the
     * posterior particles of `sendsim calibrate`); they override priors on the same keys.
     * Owned; released by send_params_free(). NULL for none. */
    struct send_ensemble *ensemble;

    /* SEN caseworkers: a case holds one caseload place from the decision to assess until its
     * draft plan is written (or the panel decides not to issue); places = FTE x caseload. */
    send_steps caseworker_fte;    /* caseworker FTE on new assessments, by date */
    double caseload_per_officer;  /* assessments one FTE coordinates at once */
    /* Requests driven by a published series: value i is the number of requests in the calendar
     * year starting from[i] (n = 0: not used; the request rates then follow their own keys). */
    send_steps requests_observed;
    /* Disagreement beyond a refusal to assess */
    double p_appeal_no_issue;     /* refusals to issue appealed (after mediation or directly) */
    double p_appeal_placement;    /* new plans appealed about content or placement (section I) */
    double p_placement_win;       /* placement appeals the family wins */
    double p_placement_mediation; /* placement disputes mediated before their appeal */
    int placement_won_provision;  /* provision named after a won placement appeal */
    /* Panel throughput by date: cases per sitting (n = 0: d1_capacity / d2_capacity hold) */
    send_steps d1_capacity_steps, d2_capacity_steps;
    /* Placement rules (keys placement.fallback.*, placement.ages.*, level4.from,
     * initial.awaiting*). A child whose own pool (the most specific one for its provision, area
     * and need) is full takes a free place in a less specific pool of the provision that serves
     * its area (fallback_general), then in another area's pool for its need or for any need
     * (fallback_out_of_area); with neither it waits for its own pool. */
    int fallback_general;
    int fallback_out_of_area;
    double age_min[PROV_COUNT], age_max[PROV_COUNT]; /* academic ages a provision admits */
    double l4_from[PROV_COUNT];    /* a new placement in this provision is referred to the
                                      level-4 panel at level4.referral x this (0 = never) */
    int opening_awaiting_waits;    /* children awaiting provision at the start: 0 = interim
                                      spell, then a placement decision; 1 = on the waiting list
                                      from the start */
    double opening_interim_days;   /* interim spells are uniform over [0, max_wait), or over
                                      [0, this) when placement.max_wait is 0 */
    /* Finance in the DSG's structure (finance.c). Amounts "by FY" are series whose value on
     * 1 April of a financial year holds for that year. */
    int grant_fy0, grant_n;          /* high-needs block allocation for FYs grant_fy0 ..
                                        grant_fy0 + grant_n - 1; grant_n 0: grant_base */
    int grant_published;             /* the series' first years that are published figures
                                        (>= grant_n: all, the default); the later ones carry
                                        grant_year_sd, from the first when 0 */
    double grant_fy[SEND_GRANT_MAX];
    send_steps import_export;        /* import/export adjustments by FY (negative = net export) */
    send_steps schools_transfer;     /* transfer from the schools block by FY */
    send_steps other_income;         /* safety valve, Delivering Better Value, other, by FY */
    send_steps sen_services;         /* SEN support and inclusion services by FY */
    send_steps hospital;             /* hospital education by FY */
    send_steps therapies;            /* therapies and other health-related services by FY */
    double place_funding[PROV_COUNT];/* per commissioned place-year (special, resourced, AP,
                                        post-16 only) */
    double commissioned[PROV_COUNT]; /* places commissioned; 0 = the provision's capacity, or
                                        the places filled where capacity is not limited */
    double band_of_need[NEED_COUNT]; /* top-up band 1..SEND_BANDS by primary need; 0 = none */
    double band_factor[SEND_BANDS];  /* top-up of a band as a multiple of finance.cost */
    double band_drift;               /* share of pupils moving up one band each year */
    int dsg_transport, dsg_assessment; /* general-fund costs counted in the DSG (1 = yes) */
    int fee_cap_active;              /* levers.fee_cap given */
    des_date fee_cap_from;
    double fee_cap;                  /* largest yearly fee uplift from fee_cap_from */
    /* Levels 1-4 for every child (levels.c): off unless levels_on. Shares at the start, and
     * the rates of moving up and down a level per child-year, by age band. */
    int levels_on;
    double level_share[3];            /* levels 2, 3 and 4 (level 1 takes the rest) */
    double level_up[3][BAND_COUNT];   /* 1->2, 2->3, 3->4 */
    double level_down[3][BAND_COUNT]; /* 2->1, 3->2, 4->3 */

    /* Children in care (care.c): off unless care_on. */
    int care_on;
    double care_initial;             /* children in care at the start */
    double care_entries;             /* entries a year other than from the front door */
    double care_exit_rate;           /* per child-year */
    double care_move_rate;           /* placement moves (breakdowns) per child-year */
    double care_mix[CARE_COUNT];     /* placement shares at entry and after a move */
    double care_weekly[CARE_COUNT];  /* weekly cost per child, pounds */
    double care_ehcp_share;          /* share of children in care with an EHC plan */
    int edge_active;                 /* edge-of-care support lever in force from edge_from */
    des_date edge_from;
    double edge_effect;              /* fractional reduction of entries */
    double edge_cost;                /* pounds a year while in force */

    /* The social-care front door (social_care.c): off unless fd_on. */
    int fd_on;
    double fd_contacts;              /* contacts a year */
    double fd_p_referral;            /* contacts that become referrals */
    double fd_p_assess;              /* referrals given an initial (single) assessment */
    double fd_slots;                 /* assessments social workers carry at once */
    des_dist fd_initial_time, fd_core_time; /* working time of one assessment once started */
    double fd_initial_limit, fd_core_limit; /* time limits, days (from referral; from the
                                               initial assessment's end) */
    double fd_p_core;                /* initial assessments leading to a core assessment */
    double fd_p_cin, fd_p_cp, fd_p_care; /* outcomes of a core assessment */

    /* Short breaks for disabled children (short_breaks.c): off unless sb_on. */
    int sb_on;
    double sb_initial;               /* packages at the start */
    double sb_requests;              /* new requests a year */
    double sb_capacity;              /* packages that can run at once */
    double sb_end_rate;              /* packages ending per package-year */
    double sb_cost;                  /* pounds per package-year */
    send_steps sb_budget;            /* short-breaks budget per financial year, by date */

    /* Early help at level 2 (early_help.c): off unless eh_on. Common Assessments (2a), a
     * share of them needing a lead professional (2b) through the area panel. */
    int eh_on;
    double eh_cafs;                  /* Common Assessments a year */
    double eh_p_lead;                /* share needing a lead professional (2b) */
    double eh_end_2a, eh_end_2b;     /* episodes ending per case-year */
    double eh_panel_period;          /* days between area panel sittings */
    int eh_panel_capacity;           /* cases heard per sitting */
    double eh_lead_professionals;    /* 2b cases lead professionals carry at once */
    double eh_cost_2b;               /* pounds per 2b case-year */
    /* Every SEN2 outcome as its own flow (withdrawals, ceasing by reason, transfers in) */
    double p_withdraw_request;    /* requests withdrawn before the decision to assess */
    double p_withdraw_assessment; /* assessments withdrawn before the decision to issue */
    double cease_abroad_rate;     /* plans ceasing: moved outside England, per plan-year */
    double cease_other_rate;      /* plans ceasing: other reasons, per plan-year */
    double p_needs_met_to_sen;    /* needs-met ceasings of SEN Support age that return there */
    double transfer_in_rate;      /* plans transferred in from other authorities, per year */

    /* Levels that move both ways: level 4 (a residential package) entered at a review or in a
     * crisis (placement breakdown, exclusion), and left at a review */
    double p_review_escalate;     /* per review of a plan below level 4 */
    double crisis_rate;           /* per plan-year below level 4 */
    double p_review_deescalate;   /* per review of a plan at level 4: back to special */

    /* Ages (academic, on 1 September) of the phase transfers: early years to primary, to
     * secondary, to post-16, to post-19 (placement.phase_transfer.age_* are their moves) */
    int transfer_age[4];

    /* Which moves a review may make: the review's move to special (p_review_ms) and to
     * mainstream (p_review_sm) are multiplied by these, by the child's current provision */
    double review_ms_from[PROV_COUNT]; /* default mainstream and resourced 1, others 0 */
    double review_sm_from[PROV_COUNT]; /* default special 1, others 0 */

    /* The services tied to the EHC pathway's records, their panels and prices */
    int levels_from_records;   /* levels 3-4 count plan holders and children in care (1) */
    int care_link_plans;       /* a child in care with a plan is a plan holder's record (1) */
    double care_inflation;     /* yearly rise of care_weekly from the second financial year */
    double sb_inflation;       /* yearly rise of sb_cost from the second financial year */
    double sb_panel_period;    /* days between short-break panel sittings (0 = on receipt) */
    int sb_panel_capacity;     /* requests heard per sitting */
    double eh_requests_averted; /* requests for assessment averted per 2b case-year */
    int eh_panel_per_area;     /* one area panel per area (1), else one for all */

    /* Assessment capacity that follows demand: caseworker and EP capacity are scaled by
     * (assessments started over 12 months ending cap_lag_months ago / those of the first 12
     * months) ^ cap_elasticity, set again monthly (0: the FTE series alone). A share of the
     * assessments (priority_share) is prioritised and overtakes the cases waiting. */
    double cap_elasticity;
    int cap_lag_months;           /* 0..SEND_CAP_LAG_MAX */
    /* Capacity that follows the backlog: each month, caseworker and EP capacity get the extra
     * places that would clear their queue in cap_backlog_months at the places' own throughput
     * (0: none). */
    double cap_backlog_months;
    double priority_share;

    /* Short-break hours and eligibility from levels 3-4; children in need as a stock */
    double sb_hours;             /* hours of short breaks a package gives a year */
    double sb_per_1000;          /* with levels on: requests a year per 1,000 disabled children
                                    at levels 3-4 (0: sb_requests, a fixed rate) */
    double sb_disabled_share;    /* share of the children at levels 3-4 with a disability */
    double cin_initial;          /* open child-in-need cases at the start */
    double cin_close_rate;       /* child-in-need cases closing per case-year */
} send_params;

/* An ensemble: n_sets values of n_keys numeric scalar keys (by path), drawn with probability
 * weights[i]; provenance of a calibration kept for the record (empty when not given). */
#define SEND_PATH_MAX 64
#define SEND_ENSEMBLE_KEYS 32
typedef struct send_ensemble {
    int n_keys, n_sets;
    char paths[SEND_ENSEMBLE_KEYS][SEND_PATH_MAX];
    double *values;  /* n_sets x n_keys, row-major */
    double *weights; /* n_sets, normalised to sum 1 */
    char method[64];
    char data[256];
    char sha256[65];
    int as_of;       /* 0 = not given */
    struct send_discrepancy *discrepancy; /* owned; NULL for none */
    /* Keys of the file's ensemble that a scenario extending that file sets itself (a lever's
     * own value or series): the scenario's value is used and they are not drawn, so they are
     * not among paths/values above; where each was set, "file:line". */
    int n_overridden;
    char overridden[SEND_ENSEMBLE_KEYS][SEND_PATH_MAX];
    char overridden_at[SEND_ENSEMBLE_KEYS][288];
} send_ensemble;

/* A forecast-error (model discrepancy) term: for each of up to SEND_DISC_METRICS model metrics,
 * quantiles of log(published / forecast median) at horizons 1..n_h years, pooled over earlier
 * back-tests of many authorities whose outcomes were all published by June of as_of. Replication
 * r multiplies the metric's series by exp(Q_t(u)), u its own uniform ("discrepancy.<metric>"),
 * Q_t interpolated in the horizon t (0 at the start; beyond n_h the median held and the spread
 * about it growing as (t / n_h)^growth: growth fitted to how the term's own spread grows over
 * its horizons when it has at least two and at least as many as the naive trend's errors
 * below; else to how the spread of the naive trend's errors on the same published series grows
 * with the horizon; else 0.5, a random walk).
 * The term is the whole spread of the forecast median's errors, so where the calibrated forecast's
 * own spread is known (own[m][h - 1], its P90 - P10 of log value at whole horizons 1..n_own[m],
 * measured without the term) the term adds only what that lacks: its deviations from their median
 * at horizon t are scaled by sqrt(max(0, 1 - (own_t / term_t)^2)), term_t its own P90 - P10 there
 * (the scale linear between whole horizons, held before the first and after n_own[m]), so that
 * the two added as variances give the term's spread once. n_own 0: the term as it is. */
#define SEND_DISC_METRICS 5
#define SEND_DISC_H 8
#define SEND_DISC_Q 21
typedef struct send_discrepancy {
    int n_metrics, n_q;
    double levels[SEND_DISC_Q];             /* increasing, in (0, 1) */
    int metric[SEND_DISC_METRICS];          /* model metric index */
    int n_h[SEND_DISC_METRICS];             /* horizons 1..n_h given */
    double q[SEND_DISC_METRICS][SEND_DISC_H][SEND_DISC_Q];
    int n[SEND_DISC_METRICS][SEND_DISC_H];  /* values pooled at each horizon */
    double growth[SEND_DISC_METRICS];       /* spread beyond n_h: x (t / n_h)^growth */
    int growth_h[SEND_DISC_METRICS];        /* horizons of the naive trend's errors (0: none) */
    int growth_term[SEND_DISC_METRICS];     /* 1: growth is the slope of the term's own P90 - P10
                                               over its n_h horizons; 0: the naive trend's over
                                               growth_h, or 0.5 assumed when growth_h < 2 */
    double growth_spread[SEND_DISC_METRICS][SEND_DISC_H]; /* the naive trend's P90 - P10 of
                                                             log(published / trend) there */
    double own[SEND_DISC_METRICS][SEND_DISC_H]; /* the forecast's own P90 - P10 (see above) */
    int n_own[SEND_DISC_METRICS];
    int own_replications;                   /* the replications own was measured on */
    /* How the measures' errors move together: the normal-score correlation of their log ratios
     * over the authority-origin-horizons holding them (corr_n of them), in metric order. With
     * has_corr the replication's uniforms are joined by a Gaussian copula with this
     * correlation; without it they are independent. Either way they are then stratified over
     * the replications (run_draws_make). */
    int has_corr, corr_n;
    double corr[SEND_DISC_METRICS][SEND_DISC_METRICS];
    double corr_chol[SEND_DISC_METRICS][SEND_DISC_METRICS]; /* its lower Cholesky factor, set
                                                               by send_discrepancy_factor */
    /* provenance */
    int as_of, n_origins, origins[SEND_DISC_H], authorities, replications;
} send_discrepancy;
void send_ensemble_free(send_ensemble *e); /* frees e itself too */

/* Fill p with neutral defaults (empty population, zero rates, unlimited places, weekly panels);
 * scenario files set the real values. */
void send_params_init(send_params *p);
/* Release owned distribution tables. */
void send_params_free(send_params *p);
/* Check internal consistency (shares sum to 1, ranges); DES_EINVAL with a message. */
int send_params_check(const send_params *p, des_error *err);
/* The high-needs allocation's published years: the first finance.grant.published of the
 * series (all of it by default), or 1 without a series (grant_base is the first year's). The
 * years after carry finance.grant.year_sd. */
int send_grant_published_years(const send_params *p);

/* ---- Metrics ------------------------------------------------------------------------------- */

typedef enum send_period_kind { SEND_MONTHLY, SEND_CY, SEND_FY } send_period_kind;

typedef struct send_metric_info {
    const char *name;
    send_period_kind kind;
    const char *unit;
    const char *description;
} send_metric_info;

/* Capacity-limited stages of an assessment, in the order of the stage metrics. */
enum { SEND_STAGE_CASEWORKER, SEND_STAGE_EP, SEND_STAGE_HEALTH, SEND_STAGE_SOCIAL, SEND_NSTAGE };
extern const char *const send_stage_names[SEND_NSTAGE];

/* Metric indices: monthly first, then calendar-year, then financial-year. Provision-specific
 * metrics are laid out as base + provision. */
enum {
    M_EHCP_TOTAL,
    M_EHCP_BAND,                         /* + BAND_COUNT */
    M_SEN_SUPPORT = M_EHCP_BAND + BAND_COUNT,
    M_ASSESSMENT_QUEUE,
    M_EP_QUEUE,
    M_REVIEWS_OVERDUE,
    M_LEVEL4_TOTAL,
    M_PLACEMENTS,                        /* + PROV_COUNT */
    M_WAITING = M_PLACEMENTS + PROV_COUNT, /* + PROV_COUNT */
    M_CAPACITY = M_WAITING + PROV_COUNT, /* + PROV_COUNT, -1 = unlimited */
    M_CASEWORKER_QUEUE = M_CAPACITY + PROV_COUNT, /* assessments waiting for a caseworker */
    M_HEALTH_QUEUE,
    M_SOCIAL_QUEUE,
    M_ASSESSMENTS_ONGOING,  /* assessments started and not yet decided at D2 */
    M_CASEWORKER_FTE,       /* staffing in force (for staff costs): -1 = not limited */
    M_EP_FTE,
    M_WAITING_TOTAL,                     /* every plan holder waiting for a place */
    M_SHORTFALL,                         /* + PROV_COUNT: children placed in or waiting for
                                            the provision's limited places, minus the places
                                            (0 where places are not limited) */
    M_MONTHLY_COUNT = M_SHORTFALL + PROV_COUNT,

    C_REQUESTS = M_MONTHLY_COUNT,
    C_REFUSED,
    C_ASSESSMENTS,
    C_NEW_PLANS,
    C_CEASED,
    C_CEASED_MOVED,
    C_CEASED_LEFT,
    C_CEASED_NEEDS_MET,
    C_CEASED_AGE,
    C_PCT_20W,
    C_MEAN_WEEKS,
    C_MEDIATIONS,
    C_APPEALS,
    C_APPEALS_WON,
    C_TRANSFERS_MS,
    C_TRANSFERS_SM,
    C_WAITED_FOR_PLACE,
    C_OVERFLOW,
    C_MEAN_WAIT_PLACE_WEEKS,
    C_REVIEWS_DONE,
    /* Numerators and denominators of the ratio metrics, recorded by the model; the ratios
     * themselves are derived from them (send_output_ratios), so sums over authorities are
     * exact. */
    C_WITHIN_20W,        /* new plans issued within 20 weeks (C_PCT_20W = 100 x this / new) */
    C_WEEKS_TO_ISSUE,    /* weeks from request to final plan, summed over new plans */
    C_WAITS_ENDED,       /* waits for a place that ended (placed as wanted, or overflowed) */
    C_WEEKS_WAITED,      /* weeks those waits lasted, summed */
    C_D1_DECIDED,        /* requests decided at the D1 panel */
    C_D1_WITHIN_6W,      /* of which within 6 weeks of the request */
    C_PCT_D1_6W,         /* ratio: 100 x within 6 weeks / decided */
    C_ASSESS_STARTED,    /* assessments started (agreed at D1, won on appeal, opening stock) */
    C_STAGE_STARTED,     /* + NSTAGE: cases that began a capacity-limited stage */
    C_STAGE_WEEKS = C_STAGE_STARTED + SEND_NSTAGE, /* + NSTAGE: weeks they waited, summed */
    C_STAGE_MEAN = C_STAGE_WEEKS + SEND_NSTAGE,   /* + NSTAGE: ratio, mean weeks waited */
    C_MEDIATIONS_ALL = C_STAGE_MEAN + SEND_NSTAGE, /* mediations, every kind of disagreement */
    C_APPEALS_NO_ISSUE,  /* appeals against a refusal to issue */
    C_APPEALS_PLACEMENT, /* appeals about plan content or placement */
    C_APPEALS_ALL,       /* appeals registered, every kind */
    C_PLACEMENT_CHANGED, /* placements changed by a won appeal */
    /* The monthly value of the busiest month of each calendar year (of the months inside the
     * horizon), derived from the monthly rows by send_output_ratios: names end in _peak */
    C_PLACEMENTS_PEAK,                          /* + PROV_COUNT */
    C_WAITING_PEAK = C_PLACEMENTS_PEAK + PROV_COUNT, /* + PROV_COUNT */
    C_WAITING_TOTAL_PEAK = C_WAITING_PEAK + PROV_COUNT,
    C_SHORTFALL_PEAK,                           /* + PROV_COUNT */
    C_REQ_WITHDRAWN = C_SHORTFALL_PEAK + PROV_COUNT, /* requests withdrawn before the decision to assess */
    C_ASS_WITHDRAWN,     /* assessments withdrawn before the decision to issue */
    C_ASSESSED_NO_PLAN,  /* assessments concluded with a decision not to issue */
    C_ASSESSED_PLAN,     /* assessments concluded with a decision to issue */
    C_CEASED_ABROAD,     /* plans ceased: moved outside England */
    C_CEASED_OTHER,      /* plans ceased: other reasons */
    C_TRANSFERS_IN,      /* plans transferred in from another authority */
    C_L4_REVIEW,         /* escalations to level 4 at a review */
    C_L4_CRISIS,         /* escalations to level 4 in a crisis */
    C_L4_STEP_DOWN,      /* de-escalations from level 4 at a review */
    C_NEEDS_MET_TO_SEN,  /* needs-met ceasings returned to SEN Support */
    C_CY_END,

    F_SPEND = C_CY_END,
    F_SPEND_PROV,                        /* + PROV_COUNT */
    F_SPEND_TRANSPORT = F_SPEND_PROV + PROV_COUNT,
    F_SPEND_ASSESS,
    F_SPEND_EI,
    F_INCOME,      /* total high-needs income (the DSG lines below DSG_INCOME_LINES) */
    F_DSG_INYEAR,  /* income minus expenditure (negative = deficit) */
    F_DSG_BALANCE, /* cumulative balance carried forward (negative = deficit) */
    F_DSG_LINE,    /* + DSG_LINE_COUNT: the management plan's lines (send_dsg_line) */
    F_DSG_BF = F_DSG_LINE + DSG_LINE_COUNT, /* cumulative balance brought forward */
    F_SOCIAL_CARE, /* spend charged to the social-care budget (level-4 shares, and sub-models
                      that charge it through fin_charge) */
    F_HEALTH,      /* spend charged to health (level-4 shares) */

    /* Levels 1-4, children in care, the social-care front door, short breaks (appended after
     * the first table, so their kinds interleave: the table gives each one's kind). */
    M_LEVEL,                           /* + 4: level_1_total .. level_4_total (monthly) */
    C_LEVEL_UP = M_LEVEL + 4,          /* + 3: moves 1->2, 2->3, 3->4 (CY) */
    C_LEVEL_DOWN = C_LEVEL_UP + 3,     /* + 3: moves 2->1, 3->2, 4->3 (CY) */
    M_CARE = C_LEVEL_DOWN + 3,         /* children in care (monthly) */
    M_CARE_EHCP,                       /* of them with an EHC plan (monthly) */
    M_CARE_TYPE,                       /* + CARE_COUNT (monthly) */
    C_CARE_ENTRIES = M_CARE_TYPE + CARE_COUNT,
    C_CARE_EXITS,
    C_CARE_MOVES,
    F_CARE_SPEND,                      /* placements of children in care (social care) */
    F_EDGE_SPEND,                      /* edge-of-care support (social care) */
    C_CONTACTS,
    C_REFERRALS,
    C_INITIAL,                         /* initial (single) assessments completed */
    C_INITIAL_ON_TIME,
    C_PCT_INITIAL_ON_TIME,
    C_CORE,
    C_CORE_ON_TIME,
    C_PCT_CORE_ON_TIME,
    C_CIN_STARTS,
    C_CP_STARTS,
    C_CARE_FROM_FD,
    M_FD_OPEN,                         /* assessments waiting or under way (monthly) */
    M_SB_PACKAGES,
    M_SB_WAITING,
    C_SB_STARTS,
    F_SB_SPEND,
    F_SB_BUDGET,
    F_SB_BALANCE,
    M_EH_2A,                           /* early help: open 2a episodes (monthly) */
    M_EH_2B,                           /* open 2b episodes with a lead professional */
    M_EH_WAITING,                      /* 2b cases waiting for the panel or a lead professional */
    C_EH_CAFS,
    C_EH_HEARD,
    F_EH_SPEND,
    M_LEVEL_BAND,                      /* + 4 x BAND_COUNT: level l (0-3), age band b at
                                          M_LEVEL_BAND + l x BAND_COUNT + b (monthly) */
    M_LEVEL_RECORDS = M_LEVEL_BAND + 4 * BAND_COUNT, /* + 2: of levels 3 and 4, the plan
                                          holders and children in care (monthly) */
    M_SB_PANEL_WAITING = M_LEVEL_RECORDS + 2, /* short-break requests waiting for the panel */
    C_SB_HEARD,                        /* short-break requests heard by the panel (CY) */
    C_SB_HOURS,                        /* short-break hours delivered (CY) */
    M_CIN,                             /* open child-in-need cases (monthly) */
    SEND_METRIC_COUNT
};

const send_metric_info *send_metric(int index);
/* Index of a metric by name, or -1. */
int send_metric_find(const char *name);

/* Per-replication results: values[metric][period]. Periods: monthly metrics have one value per
 * month from the start month to the end month; CY metrics one per calendar year from the start
 * year to the end year (a partial year counts what happened inside the horizon); FY metrics one
 * per financial year fully inside the horizon. */
#define SEND_WEEKS_BINS 53

typedef struct send_output {
    int n_months, n_years, n_fys;
    int first_month_index; /* des_date_month_index of the first month */
    int first_year, first_fy;
    double *values;        /* SEND_METRIC_COUNT rows, each row_len long */
    int row_len;           /* max(n_months, n_years, n_fys) */
    /* Final plans issued in calendar year y with whole weeks from request w (0..51; the last
     * bin counts 52 weeks or more): weeks_hist[y * SEND_WEEKS_BINS + w]. */
    uint32_t *weeks_hist;
    /* Conservation audit, exact integer counts over the horizon */
    int64_t plans_open, plans_new, plans_ceased, plans_close;
    int64_t sen_open, sen_in, sen_out, sen_close;
    uint64_t events;
    /* Sufficiency by area and need: n_breakdown monthly rows kept after the metric rows
     * (send_output_row(o, SEND_METRIC_COUNT + j)), described by send_breakdown_name; 0 for a
     * scenario with several authorities (their areas differ) */
    int n_breakdown;
} send_output;

/* The breakdown rows of a scenario (monthly, the same months as the monthly metrics). First,
 * for each capacity pool in scenario order, four rows named <measure>_<provision>.<area>.<need>
 * (area and need 'any' where the pool serves every one):
 *   pool_places_     places of the pool;
 *   pool_placed_     children in its places (its own children and those who fell back to it);
 *   pool_waiting_    children waiting for it (only a child's own pool has a waiting list);
 *   pool_shortfall_  demand minus places: the children whose own pool it is (the most specific
 *                    pool for their provision, area and need), placed in the provision in any
 *                    pool or waiting, less the pool's places (negative = spare places).
 * Then, for each provision with pools, each area and each need, two rows:
 *   placements_<provision>.<area>.<need>         children of that area and need placed there;
 *   waiting_for_place_<provision>.<area>.<need>  those waiting for a place there.
 * send_breakdown_name writes row j's name ("" when j is out of range). */
int send_breakdown_rows(const send_params *p);
void send_breakdown_name(const send_params *p, int j, char *buf, size_t len);

int send_output_init(send_output *o, const send_params *p, des_error *err);
/* The conservation counts as an array, in the order plans_open, plans_new, plans_ceased,
 * plans_close, sen_open, sen_in, sen_out, sen_close (for files and messages). */
#define SEND_AUDIT_N 8
void send_output_audit_get(const send_output *o, int64_t a[SEND_AUDIT_N]);
void send_output_audit_set(send_output *o, const int64_t a[SEND_AUDIT_N]);
void send_output_free(send_output *o);
static inline double *send_output_row(send_output *o, int metric)
{
    return o->values + (size_t)metric * (size_t)o->row_len;
}
int send_output_periods(const send_output *o, int metric);
/* Label of period i of a metric: "YYYY-MM", "YYYY" or "YYYY-YY". */
void send_output_period_label(const send_output *o, int metric, int i, char *buf, size_t len);
/* First day of period i of a metric (the month, 1 January, or 1 April). */
des_date send_output_period_start(const send_output *o, int metric, int i);
/* Derive the ratio metrics of every calendar year from their counts: pct_within_20_weeks =
 * 100 x new_plans_within_20_weeks / new_plans, mean_weeks_to_issue = weeks_to_issue_total /
 * new_plans, mean_wait_for_place_weeks = weeks_waited_for_place_total / waits_for_place_ended;
 * pct_initial_assessments_on_time and pct_core_assessments_on_time likewise;
 * NaN where the denominator is 0. Also the _peak metrics: each the largest monthly value of
 * its monthly metric within the calendar year (so never below the January census value).
 * Called when a replication ends and after outputs are summed. */
void send_output_ratios(send_output *o);
/* The parts of measure `metric` at period i times f, the measure itself left to the caller, so
 * that what adds up to it, or counts its cases, still does when it is scaled by f (the
 * forecast-error term):
 *   ehcp_total: the age bands;
 *   requests: refused, withdrawn, decided and decided within 6 weeks;
 *   new_plans: new plans within 20 weeks and weeks to issue summed (the mean is unchanged);
 *   pct_within_20_weeks: new plans within 20 weeks (f = the percentage's own change);
 *   plans_ceased: each reason, and needs-met ceasings returned to SEN Support.
 * Placements, waits for places and shortfalls are not parts: where extra children would be
 * placed depends on the places, which a factor on the total cannot know (scaled, a lever that
 * adds places would appear to create waiting). */
void send_output_scale_parts(send_output *o, int metric, int i, double f);
/* Whether `metric` is one of the ratios send_output_ratios derives: 1 with its numerator and
 * denominator metrics and scale (value = scale x numerator / denominator), else 0. */
int send_metric_ratio(int metric, int *num, int *den, double *scale);
/* Whether `metric` is a limit where -1 means "not limited" (capacity_<provision>,
 * caseworker_fte): a sum over authorities is -1 when any part is. */
int send_metric_is_limit(int metric);
/* Label of the period of `kind` that starts on `start` ("YYYY-MM", "YYYY" or "YYYY-YY"). */
void send_period_label(send_period_kind kind, des_date start, char *buf, size_t len);

/* ---- One replication --------------------------------------------------------------------- */

typedef struct send_model send_model;

/* Number of RNG streams a replication uses (stream ids are appended, never renumbered). */
#define SEND_STREAMS 32
/* The longest lag of assessment capacity behind demand, in months. */
#define SEND_CAP_LAG_MAX 60

send_model *send_model_create(const send_params *p, des_error *err);
void send_model_destroy(send_model *m);
/* Run one replication with the given stream seeds (SEND_STREAMS of them) into out (initialised
 * by send_output_init for the same params). Reusable: state is reset at the start. */
int send_model_run(send_model *m, const uint32_t *seeds, send_output *out, des_error *err);

/* Diagnostics for tests: EP stage statistics of the last run. */
typedef struct send_model_diag {
    double ep_mean_wait_days;   /* mean wait for an EP among advice requests */
    uint64_t ep_served;
    double ep_mean_busy;        /* time-average busy EP slots */
    int ep_servers;
    uint64_t d1_decisions_off_sitting; /* D1 decisions not at a sitting time (must be 0) */
    uint64_t capacity_violations;      /* place pools ever above capacity (must be 0) */
    double weeks_to_issue_sum;  uint64_t plans_issued;
    uint64_t clock_events;      /* level-2 and ceasing clock firings (not in the calendar) */
    /* At the end of the run: assessments started and not yet decided at the D2 panel (waiting
     * for a caseworker, gathering advice, or waiting for the panel), found by a scan. */
    uint64_t assessments_in_progress;
} send_model_diag;
void send_model_get_diag(const send_model *m, send_model_diag *d);

/* Optional trace of individual children, for tests and debugging: called (never by default)
 * at each step below with the simulation time in days, the child's record and two
 * kind-specific integers. Children at SEN Support are counted by class and have no record:
 * their steps (TR_SEN_ENTRY, TR_SEN_EXIT) come with child = SEND_NO_CHILD, and TR_AGE is
 * reported only for children with a record (in assessment or with a plan). */
#define SEND_NO_CHILD UINT32_MAX
typedef enum send_trace_kind {
    TR_SEN_ENTRY,      /* a = age, b = need */
    TR_SEN_EXIT,       /* a = reason (0 needs met/moved, 1 aged out) */
    TR_REQUEST,        /* a = 1 if direct (not from SEN Support) */
    TR_D1_DECISION,    /* a = 1 agreed to assess, 0 refused, 2 withdrawn */
    TR_MEDIATION,
    TR_APPEAL,         /* a = 1 parents won */
    TR_ADVICE_DONE,    /* a = 0 EP, 1 health, 2 social care */
    TR_D2_DECISION,    /* a = 1 issue, 0 not, 2 withdrawn */
    TR_FINAL_PLAN,     /* a = days from request, rounded down */
    TR_PLACED,         /* a = provision, b = days waited */
    TR_WAITING,        /* a = provision wanted */
    TR_OVERFLOW,       /* a = provision wanted, b = provision given */
    TR_TRANSFER,       /* a = from provision, b = to provision (phase transfer, age in trace) */
    TR_REVIEW,         /* a = outcome: 0 maintain, 1 to special, 2 to mainstream, 3 cease,
                          4 escalated to level 4, 5 stepped down from level 4 */
    TR_CEASE,          /* a = reason: 0 moved, 1 left education, 2 needs met, 3 age, 4 moved
                          outside England, 5 other; b = 1 if back to SEN Support */
    TR_LEVEL4,         /* a = 1 approved (0 not), 3 escalated in a crisis */
    TR_AGE,            /* a = new academic age (each 1 September) */
    TR_FD_ASSESSED     /* front door (child = SEND_NO_CHILD): a = 0 initial, 1 core;
                          b = whole days from the clock's start to completion */
} send_trace_kind;

typedef void (*send_trace_fn)(void *ctx, double t, uint32_t child, send_trace_kind kind, int a,
                              int b);
void send_model_set_trace(send_model *m, send_trace_fn fn, void *ctx);

#endif
