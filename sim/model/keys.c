/* keys.c - the table of scenario keys and parameters addressed by path.
 *
 * Every key a scenario file may hold is one row below, in the order of the reference
 * (scenarios/KEYS.md, generated from this table by `sendsim keys --markdown`). A row's default
 * is what send_params_init() leaves in its field (tests/test_params.c checks every numeric one),
 * its range is the one the loader enforces, and its offset is where the loader writes. Rows with
 * "[]" in the path describe the fields of list items; they and the rows flagged SEND_KEY_CODED
 * are read by the loader's own code (cross-field rules), which still takes their ranges from
 * here. Lookups are linear scans over the rows (O(rows x path length)), for setup only.
 *
 * Priors: send_prior_draw() is an inverse CDF (GSL's gsl_cdf_*), so a draw is a deterministic
 * function of its uniform; truncation to the key's range maps u into [F(lo), F(hi)] first. An
 * inverse that fails the check against the CDF is replaced by bisection on the CDF.
 */
#include "send_keys.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#define MONEY 1e12
#define NF SEND_KEY_NO_FIELD
#define F(field) offsetof(send_params, field)
#define P SEND_KEY_PRIORABLE
#define R SEND_KEY_REQUIRED
#define C SEND_KEY_CODED

#define SEC(path, doc) {path, SEND_KEY_SECTION, 0, 0, "", NF, NULL, 0, "", doc, 0}
#define LIST(path, doc) {path, SEND_KEY_LIST, 0, 0, "", NF, NULL, 0, "", doc, C}
#define K(path, type, lo, hi, unit, off, dflt, flags, doc)                                      \
    {path, type, lo, hi, unit, off, NULL, 0, dflt, doc, flags}
#define V(path, type, lo, hi, unit, off, names, n, dflt, flags, doc)                            \
    {path, type, lo, hi, unit, off, names, n, dflt, doc, flags}

#define NUM SEND_KEY_NUMBER
#define SHR SEND_KEY_SHARE
#define INT SEND_KEY_INTEGER
#define DUR SEND_KEY_DURATION
#define SER SEND_KEY_SERIES
#define DST SEND_KEY_DIST
#define AGE SEND_KEY_AGE_TABLE
#define TAB SEND_KEY_TABLE
#define SHS SEND_KEY_SHARES
#define DAT SEND_KEY_DATE
#define TXT SEND_KEY_TEXT
#define CHO SEND_KEY_CHOICE

static const char *const awaiting_states[2] = {"interim", "waiting"};
static const char *const send_band_names[SEND_BANDS] = {"1", "2", "3", "4", "5"};
static const char *const funders[3] = {"education", "social_care", "health"};
static const char *const levels234[3] = {"level_2", "level_3", "level_4"};
static const char *const any_need[NEED_COUNT + 1] = {
    "any", "autism", "semh", "slcn", "mld", "sld_pmld", "physical_sensory", "other"};

static const send_key keys[] = {
    /* ---- the scenario itself ---- */
    K("extends", TXT, 0, 0, "", NF, "", C, "parent scenario file (relative to this one), merged under this file"),
    K("name", TXT, 0, 0, "", F(name), "unnamed", C, "scenario name, shown in outputs"),
    K("description", TXT, 0, 0, "", NF, "", C, "free text"),
    K("start", DAT, 0, 0, "", F(start), "", R | C, "first day simulated: the first day of a month"),
    K("end", DAT, 0, 0, "", F(end), "", R | C, "last day simulated (at most 60 years after start)"),
    LIST("areas", "geographical areas (default: one area named 'all')"),
    K("areas[].name", TXT, 0, 0, "", NF, "", R | C, "area name, other than 'any'"),
    K("areas[].share", SHR, 0, 1, "", NF, "", R | C, "share of population and caseload (shares sum to 1)"),

    /* ---- level 1: population ---- */
    SEC("population", "children and young people 0-25"),
    K("population.by_age", AGE, 0, 1e8, "children", F(population), "0 each", 0, "children by single year of age at the start"),
    K("population.growth", SER, -0.5, 0.5, "per year", F(population_growth), "0", P, "annual population growth rate"),

    /* ---- level 2: SEN Support ---- */
    SEC("sen_support", "SEN Support in schools"),
    K("sen_support.initial", NUM, 0, 1e8, "children", F(sen_initial), "0", P, "children at SEN Support at the start"),
    K("sen_support.initial_age", AGE, 0, 1e8, "weight", F(sen_initial_age), "0 each", 0, "age distribution weights of the initial stock"),
    K("sen_support.entry_per_1000", AGE, 0, 1000, "per 1,000 per year", F(sen_entry_per_1000), "0 each", 0, "arrivals per 1,000 children of that age per year"),
    K("sen_support.entry_trend", SER, 0, 100, "multiplier", F(sen_entry_trend), "1", P, "multiplier on entry rates by date"),
    K("sen_support.exit_rate", NUM, 0, 100, "per child-year", F(sen_exit_rate), "0", P, "leaving SEN Support (needs met, moved away)"),
    K("sen_support.leave_age", INT, 1, SEND_MAX_AGE + 1, "years", F(sen_leave_age), "16", 0, "academic age at which children leave SEN Support"),
    V("sen_support.need", SHS, 0, 1, "", F(need_share_sen), send_need_names, NEED_COUNT, "other: 1", 0, "primary need mix at SEN Support"),

    /* ---- requests for assessment ---- */
    SEC("requests", "requests for an EHC needs assessment"),
    K("requests.hazard_by_age", AGE, 0, 100, "per child-year", F(request_hazard), "0 each", 0, "request rate per SEN Support child-year, by age"),
    V("requests.need_multiplier", TAB, 0, 100, "multiplier", F(request_need_mult), send_need_names, NEED_COUNT, "1 each", 0, "relative request rate by primary need"),
    K("requests.trend", SER, 0, 1000, "multiplier", F(request_trend), "1", P, "multiplier on request rates and direct requests by date"),
    K("requests.growth", NUM, -0.5, 1, "per year", F(request_growth), "0", P, "annual compound growth of request rates from the start, on top of the trend"),
    K("requests.year_sd", NUM, 0, 2, "log sd", F(request_year_sd), "0", P, "year-to-year variation of request rates: each calendar year from the start they are multiplied by a mean-one lognormal factor with this log sd (0: none)"),
    K("requests.growth_drift_sd", NUM, 0, 1, "per year", F(request_growth_drift_sd), "0", P, "sd of the growth's random-walk step each 1 January after the start (0: fixed growth)"),
    V("requests.direct", TAB, 0, 1e7, "per year", F(direct_requests), send_ageband_names, BAND_COUNT, "0 each", 0, "requests from outside SEN Support, by age band"),
    V("requests.direct_need", SHS, 0, 1, "", F(need_share_direct), send_need_names, NEED_COUNT, "other: 1", 0, "primary need mix of direct requests"),
    LIST("requests.shocks", "multipliers on requests over periods (at most 16)"),
    K("requests.shocks[].from", DAT, 0, 0, "", NF, "", R | C, "first day of the shock"),
    K("requests.shocks[].to", DAT, 0, 0, "", NF, "", R | C, "day after the last (after 'from')"),
    K("requests.shocks[].multiplier", NUM, 0, 100, "multiplier", NF, "", R | C, "multiplier on requests while it lasts"),

    /* ---- levers ---- */
    SEC("levers", "policy levers (each off unless its section is present)"),
    SEC("levers.early_intervention", "early intervention at SEN Support: fewer requests, at a cost"),
    K("levers.early_intervention.from", DAT, 0, 0, "", F(ei_from), "start", 0, "date the lever starts"),
    K("levers.early_intervention.effect", SHR, 0, 1, "", F(ei_effect), "", P | R, "fractional reduction in the request rate"),
    K("levers.early_intervention.cost_per_child", NUM, 0, MONEY, "pounds per child-year", F(ei_cost_per_child), "0", P, "cost per SEN Support child-year while active"),
    SEC("levers.independent_reduction", "fewer new independent special school placements"),
    K("levers.independent_reduction.from", DAT, 0, 0, "", F(indep_reduction_from), "start", 0, "date the lever starts"),
    K("levers.independent_reduction.rate", SHR, 0, 1, "per year", F(indep_reduction), "", P | R, "yearly reduction in new independent placements"),
    SEC("levers.fee_cap", "a cap on the yearly uplift of independent, specialist post-16 and level-4 fees"),
    K("levers.fee_cap.from", DAT, 0, 0, "", F(fee_cap_from), "start", 0, "financial years starting on or after this date are capped"),
    K("levers.fee_cap.uplift", NUM, -0.5, 1, "per year", F(fee_cap), "", P | R, "largest yearly fee uplift"),

    /* ---- decision to assess ---- */
    SEC("d1_panel", "panel deciding whether to assess"),
    K("d1_panel.cadence", DUR, 0, 366, "days", F(d1_period), "7 days", 0, "time between sittings (0 = decide on receipt)"),
    K("d1_panel.first_sitting", DAT, 0, 0, "", F(d1_first), "start", C, "date of the first sitting (on or after start)"),
    K("d1_panel.capacity", INT, 1, 1000000, "cases per sitting", F(d1_capacity), "1000000", 0, "cases heard per sitting (1000000 = unlimited)"),
    K("d1_panel.preparation", DST, 0, 0, "days", F(d1_prep), "0 days", 0, "request to ready for the panel (evidence gathering)"),
    K("d1_panel.refusal", SER, 0, 1, "share", F(d1_refusal), "0", P, "share of requests refused"),

    SEC("disagreement", "mediation and tribunal after a refusal"),
    K("disagreement.mediation", SHR, 0, 1, "", F(p_mediation), "0", P, "share of refused families going to mediation"),
    K("disagreement.mediation_time", DST, 0, 0, "days", F(mediation_time), "0 days", 0, "duration of mediation"),
    K("disagreement.appeal", SHR, 0, 1, "", F(p_appeal), "0", P, "share of refused families appealing"),
    K("disagreement.tribunal_time", DST, 0, 0, "days", F(tribunal_time), "0 days", 0, "appeal to tribunal decision"),
    K("disagreement.parent_win", SHR, 0, 1, "", F(p_parent_win), "1", P, "share of appeals the family wins"),

    /* ---- assessment ---- */
    SEC("assessment", "advice gathered in parallel, each a capacity-limited resource"),
    SEC("assessment.ep", "educational psychology advice"),
    K("assessment.ep.fte", SER, 0, 10000, "FTE", F(ep_fte), "1", P, "EP full-time equivalents on statutory advice, by date"),
    K("assessment.ep.hours_per_assessment", NUM, 0.01, 1000, "hours", F(ep_hours_per_assessment), "1", P, "EP hours per assessment"),
    K("assessment.ep.hours_per_fte_week", NUM, 0.01, 168, "hours per week", F(ep_hours_per_fte_week), "1", P, "statutory hours per FTE per week"),
    K("assessment.ep.duration", DST, 0, 0, "days", F(ep_duration), "0 days", 0, "elapsed time of one EP advice once started"),
    SEC("assessment.health", "health advice"),
    K("assessment.health.slots", SER, 0, 1e6, "cases", F(health_slots), "1000000", P, "concurrent health advice cases, by date"),
    K("assessment.health.duration", DST, 0, 0, "days", F(health_duration), "0 days", 0, "elapsed time of health advice"),
    SEC("assessment.social_care", "social care advice"),
    K("assessment.social_care.share", SHR, 0, 1, "", F(p_social_advice), "0", P, "share of assessments needing social care advice"),
    K("assessment.social_care.slots", SER, 0, 1e6, "cases", F(social_slots), "1000000", P, "concurrent social care advice cases, by date"),
    K("assessment.social_care.duration", DST, 0, 0, "days", F(social_duration), "0 days", 0, "elapsed time of social care advice"),

    /* ---- decision to issue, drafting ---- */
    SEC("d2_panel", "panel deciding whether to issue a plan"),
    K("d2_panel.cadence", DUR, 0, 366, "days", F(d2_period), "7 days", 0, "time between sittings (0 = decide on receipt)"),
    K("d2_panel.first_sitting", DAT, 0, 0, "", F(d2_first), "start", C, "date of the first sitting (on or after start)"),
    K("d2_panel.capacity", INT, 1, 1000000, "cases per sitting", F(d2_capacity), "1000000", 0, "cases heard per sitting (1000000 = unlimited)"),
    K("d2_panel.issue", SHR, 0, 1, "", F(p_issue), "1", P, "share of completed assessments that lead to a plan"),
    SEC("drafting", "from the decision to issue to the final plan"),
    K("drafting.draft", DST, 0, 0, "days", F(draft_time), "0 days", 0, "decision to draft plan"),
    K("drafting.consultation", DST, 0, 0, "days", F(consult_time), "0 days", 0, "draft to final plan"),
    K("drafting.late_share", SER, 0, 1, "share", F(late_share), "0", P, "share of plans late for reasons other than the assessment queues (a consultation unanswered, a dispute over the draft), by the date of the decision to issue: drafted and consulted on, such a plan frees its caseworker and is issued drafting.late_by after the later of that day and 20 weeks from its request"),
    K("drafting.late_by", DST, 0, 0, "days", F(late_by), "0 days", 0, "how far past the 20 weeks (or past drafting and consultation, if later) a late plan is issued (at least a day)"),

    /* ---- placement ---- */
    SEC("placement", "where new plan holders are placed"),
    SEC("placement.choice", "provision mix of new plans, by phase"),
    V("placement.choice.early_years", SHS, 0, 1, "", F(choice[PHASE_EARLY]), send_provision_names, PROV_COUNT, "mainstream: 1", 0, "provision shares for ages 0-3"),
    V("placement.choice.primary", SHS, 0, 1, "", F(choice[PHASE_PRIMARY]), send_provision_names, PROV_COUNT, "mainstream: 1", 0, "provision shares for ages 4-10"),
    V("placement.choice.secondary", SHS, 0, 1, "", F(choice[PHASE_SECONDARY]), send_provision_names, PROV_COUNT, "mainstream: 1", 0, "provision shares for ages 11-15"),
    V("placement.choice.post16", SHS, 0, 1, "", F(choice[PHASE_POST16]), send_provision_names, PROV_COUNT, "mainstream: 1", 0, "provision shares for ages 16-18"),
    V("placement.choice.post19", SHS, 0, 1, "", F(choice[PHASE_POST19]), send_provision_names, PROV_COUNT, "mainstream: 1", 0, "provision shares for ages 19-25"),
    SEC("placement.need_weight", "relative weight of each provision, by primary need"),
    V("placement.need_weight.autism", TAB, 0, 1000, "weight", F(need_mult[NEED_ASD]), send_provision_names, PROV_COUNT, "1 each", 0, "weights for autism"),
    V("placement.need_weight.semh", TAB, 0, 1000, "weight", F(need_mult[NEED_SEMH]), send_provision_names, PROV_COUNT, "1 each", 0, "weights for social, emotional and mental health"),
    V("placement.need_weight.slcn", TAB, 0, 1000, "weight", F(need_mult[NEED_SLCN]), send_provision_names, PROV_COUNT, "1 each", 0, "weights for speech, language and communication"),
    V("placement.need_weight.mld", TAB, 0, 1000, "weight", F(need_mult[NEED_MLD]), send_provision_names, PROV_COUNT, "1 each", 0, "weights for moderate learning difficulty"),
    V("placement.need_weight.sld_pmld", TAB, 0, 1000, "weight", F(need_mult[NEED_SLD_PMLD]), send_provision_names, PROV_COUNT, "1 each", 0, "weights for severe or profound learning difficulty"),
    V("placement.need_weight.physical_sensory", TAB, 0, 1000, "weight", F(need_mult[NEED_PHYS_SENS]), send_provision_names, PROV_COUNT, "1 each", 0, "weights for physical and sensory needs"),
    V("placement.need_weight.other", TAB, 0, 1000, "weight", F(need_mult[NEED_OTHER]), send_provision_names, PROV_COUNT, "1 each", 0, "weights for other needs"),
    SEC("placement.phase_transfer", "moves at phase transfer: from provision -> shares of destinations"),
    V("placement.phase_transfer.age_4", SHS, 0, 1, "", NF, send_provision_names, PROV_COUNT, "keep provision", C, "{from: {to: share}} at age 4"),
    V("placement.phase_transfer.age_11", SHS, 0, 1, "", NF, send_provision_names, PROV_COUNT, "keep provision", C, "{from: {to: share}} at age 11"),
    V("placement.phase_transfer.age_16", SHS, 0, 1, "", NF, send_provision_names, PROV_COUNT, "keep provision", C, "{from: {to: share}} at age 16"),
    V("placement.phase_transfer.age_19", SHS, 0, 1, "", NF, send_provision_names, PROV_COUNT, "keep provision", C, "{from: {to: share}} at age 19"),
    K("placement.max_wait", DUR, 0, 3660, "days", F(max_wait_days), "0 days", 0, "longest wait for a place before overflow (0 = wait)"),
    K("placement.local_first", SEND_KEY_BOOL, 0, 1, "", F(local_first), "false", 0, "an independent placement becomes special if a place is free"),
    V("placement.overflow_to", CHO, 0, 0, "", F(overflow_provision), send_provision_names, PROV_COUNT - 1, "independent", 0, "provision taking children who waited too long"),

    LIST("places", "capacity pools: places of a provision, optionally by area and need"),
    V("places[].provision", CHO, 0, 0, "", NF, send_provision_names, PROV_COUNT - 1, "", R | C, "provision of the pool"),
    K("places[].area", CHO, 0, 0, "", NF, "any", C, "area name or 'any'"),
    V("places[].need", CHO, 0, 0, "", NF, any_need, NEED_COUNT + 1, "any", C, "primary need or 'any'"),
    K("places[].places", INT, 0, 10000000, "places", NF, "", R | C, "places at the start"),
    LIST("new_places", "blocks of places opening (or closing) later"),
    V("new_places[].provision", CHO, 0, 0, "", NF, send_provision_names, PROV_COUNT - 1, "", R | C, "provision (a pool in 'places' must match)"),
    K("new_places[].area", CHO, 0, 0, "", NF, "any", C, "area name or 'any'"),
    V("new_places[].need", CHO, 0, 0, "", NF, any_need, NEED_COUNT + 1, "any", C, "primary need or 'any'"),
    K("new_places[].count", INT, -1000000, 1000000, "places", NF, "", R | C, "places opened (negative: closed)"),
    K("new_places[].opens", DAT, 0, 0, "", NF, "", R | C, "planned opening date"),
    K("new_places[].delay", DST, 0, 0, "days", NF, "none", C, "random slippage after the planned date"),

    /* ---- level 4 ---- */
    SEC("level4", "joint complex-case panel and jointly funded packages"),
    V("level4.referral", TAB, 0, 1, "share", F(p_level4), send_need_names, NEED_COUNT, "0 each", 0, "share of new specialist placements referred, by need"),
    SEC("level4.panel", "the joint panel"),
    K("level4.panel.cadence", DUR, 0, 366, "days", F(l4_period), "28 days", 0, "time between sittings (0 = decide on receipt)"),
    K("level4.panel.first_sitting", DAT, 0, 0, "", F(l4_first), "start", C, "date of the first sitting (on or after start)"),
    K("level4.panel.capacity", INT, 1, 1000000, "cases per sitting", F(l4_capacity), "1000000", 0, "cases heard per sitting (1000000 = unlimited)"),
    K("level4.approve", SHR, 0, 1, "", F(p_l4_approve), "0", P, "share of referrals approved"),
    V("level4.funding", SHS, 0, 1, "", NF, funders, 3, "education: 1", C, "shares of a package's cost by funder"),

    /* ---- reviews and ceasing ---- */
    SEC("reviews", "annual reviews"),
    K("reviews.caseworker_fte", SER, 0, 1e6, "FTE", F(review_fte), "1000000", P, "caseworker FTE for reviews, by date"),
    K("reviews.reviews_per_fte_year", NUM, 0, 1e6, "reviews per FTE-year", F(reviews_per_fte_year), "1000000", P, "reviews one FTE completes in a year"),
    K("reviews.to_special", SHR, 0, 1, "per review", F(p_review_ms), "0", P, "mainstream to special at a review"),
    K("reviews.to_mainstream", SHR, 0, 1, "per review", F(p_review_sm), "0", P, "special to mainstream at a review"),
    K("reviews.cease_needs_met", SHR, 0, 1, "per review", F(p_review_cease), "0", P, "plan ceased, needs met, at a review"),
    SEC("ceasing", "plans ceasing outside reviews"),
    K("ceasing.moved_away", NUM, 0, 10, "per plan-year", F(cease_moved_rate), "0", P, "plans ceasing because the family moved away"),
    K("ceasing.left_education", AGE, 0, 10, "per plan-year", F(cease_left_rate), "0 each", 0, "plans ceasing on leaving education, by age"),
    K("ceasing.age_limit", INT, 1, SEND_MAX_AGE, "years", F(cease_age), "25", 0, "academic age at which plans cease"),

    /* ---- initial caseload ---- */
    SEC("initial", "plans in place at the start (January of the start year)"),
    V("initial.ehcp_by_age", TAB, 0, 1e7, "plans", F(initial_band), send_ageband_names, BAND_COUNT, "0 each", 0, "plans by age band"),
    V("initial.ehcp_by_placement", TAB, 0, 1e7, "plans", F(initial_prov), send_provision_names, PROV_COUNT, "0 each", 0, "plans by provision (adds up to the plans by age)"),
    K("initial.in_assessment", NUM, 0, 1e7, "children", F(initial_in_assessment), "0", P, "assessments under way at the start (agreed, not yet decided at the D2 panel)"),
    K("initial.awaiting_decision", NUM, 0, 1e7, "children", F(initial_awaiting_decision), "0", P, "requests made before the start and not yet decided on: each is at a point drawn over its d1_panel.preparation and comes to the D1 panel when that is done"),
    K("initial.in_drafting", NUM, 0, 1e7, "plans", F(initial_in_drafting), "0", P, "plans decided on before the start and being drafted or consulted on: each is at a point drawn over its drafting and consultation and is issued when they are done (late for other reasons with drafting.late_share of the first day), holding a caseworker's place while one is free"),
    V("initial.need", SHS, 0, 1, "", F(need_share_plans), send_need_names, NEED_COUNT, "other: 1", 0, "primary need mix of plans"),

    /* ---- finance: the high-needs block of the DSG in the management plan's lines ---- */
    SEC("finance", "high-needs block of the Dedicated Schools Grant: income, expenditure by the DfE management plan's lines, balance; budgets beside it"),
    V("finance.cost", TAB, 0, MONEY, "pounds per pupil-year", F(cost), send_provision_names, PROV_COUNT, "0 each", 0, "top-up per pupil beyond place funding at band factor 1 in the first full financial year; the whole fee for independent, specialist_post16 and residential (level-4 package, split by level4.funding); 'awaiting': interim cost"),
    K("finance.cost_level", NUM, 0.01, 100, "multiplier", F(cost_level), "1", P, "a multiplier on every finance.cost (top-ups, fees, level-4 packages, interim costs; not place funding, central services or transport): the authority's cost level against the costs given. A prior on it, e.g. {prior: lognormal, mean: 1, sd: 0.05}, carries unit-cost uncertainty into the money's bands"),
    V("finance.inflation", TAB, -0.5, 1, "per year", F(inflation), send_provision_names, PROV_COUNT, "0 each", 0, "annual uplift of top-ups and fees from the second financial year"),
    V("finance.place_funding", TAB, 0, MONEY, "pounds per place-year", F(place_funding), send_provision_names, PROV_COUNT, "0 each", C, "place funding per commissioned place, filled or not (special, resourced, ap, fe_college, specialist_post16 only)"),
    V("finance.commissioned", TAB, 0, 1e6, "places", F(commissioned), send_provision_names, PROV_COUNT, "0 each", 0, "places commissioned (a lever); 0 = the provision's capacity, or the places filled where capacity is not limited"),
    SEC("finance.bands", "top-up bands: each primary need has a band, bands move up over time"),
    V("finance.bands.by_need", TAB, 0, SEND_BANDS, "band", F(band_of_need), send_need_names, NEED_COUNT, "0 each", C, "top-up band 1-5 of each primary need (all needs, or none: factor 1)"),
    V("finance.bands.factor", TAB, 0, 100, "multiplier", F(band_factor), send_band_names, SEND_BANDS, "1 each", 0, "a band's top-up as a multiple of finance.cost"),
    K("finance.bands.drift", SHR, 0, 1, "per year", F(band_drift), "0", P, "share of pupils in each band below the top moving up one band each year"),
    SEC("finance.transport", "home-to-school transport: a general-fund cost"),
    K("finance.transport.cost_per_child", NUM, 0, MONEY, "pounds per year", F(transport_cost), "0", P, "cost per transported child-year"),
    K("finance.transport.inflation", NUM, -0.5, 1, "per year", F(transport_inflation), "0", P, "annual uplift of the transport cost"),
    V("finance.transport.share", TAB, 0, 1, "share", F(transport_share), send_provision_names, PROV_COUNT, "0 each", 0, "share of plan holders transported, by provision"),
    K("finance.assessment_cost", NUM, 0, MONEY, "pounds", F(assessment_cost), "0", P, "cost per completed assessment (general fund)"),
    K("finance.tribunal_cost", NUM, 0, MONEY, "pounds", F(tribunal_cost), "0", P, "cost per appeal (general fund)"),
    SEC("finance.dsg_includes", "general-fund costs an authority charges to the high-needs block"),
    K("finance.dsg_includes.transport", SEND_KEY_BOOL, 0, 1, "", F(dsg_transport), "false", 0, "count home-to-school transport in the DSG balance"),
    K("finance.dsg_includes.assessment", SEND_KEY_BOOL, 0, 1, "", F(dsg_assessment), "false", 0, "count assessment and tribunal costs in the DSG balance"),
    SEC("finance.services", "central high-needs services by financial year"),
    K("finance.services.sen_support", SER, 0, MONEY, "pounds per year", F(sen_services), "0", 0, "SEN support and inclusion services ({year: amount}: the value on 1 April holds for that financial year)"),
    K("finance.services.hospital", SER, 0, MONEY, "pounds per year", F(hospital), "0", 0, "hospital education"),
    K("finance.services.therapies", SER, 0, MONEY, "pounds per year", F(therapies), "0", 0, "therapies and other health-related services"),
    SEC("finance.grant", "high-needs block allocation"),
    K("finance.grant.allocation", NUM, 0, MONEY, "pounds", NF, "", C, "allocation by financial year {2019-20: amount, ...}, consecutive years without gaps; later years grow by growth, earlier ones are the first deflated by it"),
    K("finance.grant.base", NUM, 0, MONEY, "pounds", F(grant_base), "0", P, "allocation for the first full financial year when no allocation series is given"),
    K("finance.grant.growth", NUM, -0.5, 1, "per year", F(grant_growth), "0", P, "annual growth after the allocations given: the drift of the random walk year_sd spreads (init: the mean yearly growth of the published series year_sd comes from, else 5%, an assumption)"),
    K("finance.grant.published", INT, 0, 1000, "years", F(grant_published), "1000", 0, "how many of the allocation series' first years are published figures (default: all; 0: none, the first is an estimate too); the later ones are estimates and carry year_sd as the years after the series do"),
    K("finance.grant.year_sd", NUM, 0, 1, "log sd per year", F(grant_year_sd), "0", P, "uncertainty of each year's allocation growth after the allocations given: replication r draws its own yearly growths, log-normal about growth with this sd (a random walk; 0: the allocation is known)"),
    SEC("finance.income", "other high-needs income by financial year ({year: amount}: the value on 1 April holds for that financial year)"),
    K("finance.income.import_export", SER, -MONEY, MONEY, "pounds per year", F(import_export), "0", 0, "import/export adjustments (negative = net export)"),
    K("finance.income.schools_transfer", SER, -MONEY, MONEY, "pounds per year", F(schools_transfer), "0", 0, "transfer from the schools block (a lever: up to 0.5% with the schools forum's agreement)"),
    K("finance.income.other", SER, -MONEY, MONEY, "pounds per year", F(other_income), "0", 0, "safety valve, Delivering Better Value and other income"),
    K("finance.opening_balance", NUM, -MONEY, MONEY, "pounds", F(opening_balance), "0", P, "cumulative DSG high-needs balance brought forward into the first full financial year (negative = deficit)"),

    /* ---- published figures and several authorities ---- */
    K("observed", SEND_KEY_SECTION, -MONEY, MONEY, "", NF, "", C, "published figures {metric: {period: value}}, shown beside the forecast"),
    SEC("authorities", "several authorities, each a template scenario (then only name, description, start, end and observed beside it)"),
    K("authorities.template", TXT, 0, 0, "", NF, "", C, "default template scenario file (relative to this file)"),
    LIST("authorities.list", "the authorities (at most 1000)"),
    K("authorities.list[].name", TXT, 0, 0, "", NF, "", R | C, "authority name (unique)"),
    K("authorities.list[].template", TXT, 0, 0, "", NF, "authorities.template", C, "its template scenario file"),
    K("authorities.list[].scale", NUM, 0, 100, "factor", NF, "1", C, "multiplies all the size factors below"),
    K("authorities.list[].population", NUM, 0, 100, "factor", NF, "1", C, "population, SEN Support, direct and observed requests"),
    K("authorities.list[].caseload", NUM, 0, 100, "factor", NF, "1", C, "initial plans and assessments"),
    K("authorities.list[].places", NUM, 0, 100, "factor", NF, "1", C, "places and new places"),
    K("authorities.list[].capacity", NUM, 0, 100, "factor", NF, "1", C, "EP and caseworker FTE, advice slots, panel capacities"),
    K("authorities.list[].grant", NUM, 0, 100, "factor", NF, "1", C, "grant, income and services, opening balance"),
    /* ---- parameter sets that replications draw from ---- */
    SEC("ensemble", "parameter sets that replications draw from (e.g. written by `sendsim calibrate`); they override priors on the same keys"),
    K("ensemble.keys", TXT, 0, 0, "", NF, "", R | C, "the numeric keys the sets give, as paths (at most 32)"),
    K("ensemble.sets", NUM, -MONEY, MONEY, "", NF, "", R | C, "the sets: lists of values, one per key, each inside its key's range"),
    K("ensemble.weights", NUM, 0, MONEY, "", NF, "equal", C, "relative weight of each set (normalised)"),
    K("ensemble.method", TXT, 0, 0, "", NF, "", C, "how the sets were made (for the record)"),
    K("ensemble.data", TXT, 0, 0, "", NF, "", C, "data file the sets were fitted to (for the record)"),
    K("ensemble.sha256", TXT, 0, 0, "", NF, "", C, "SHA-256 of that file (64 hex digits)"),
    K("ensemble.as_of", INT, 1990, 2100, "year", NF, "", C, "only data published by June of this year were used"),
    K("ensemble.fit", SEND_KEY_SECTION, -MONEY, MONEY, "", NF, "", C, "fit statistics (for the record; not read)"),

    /* ---- capacity where the work is; disagreement beyond a refusal to assess ---- */
    SEC("assessment.caseworkers", "SEN caseworkers: a case holds a caseload place from the decision to assess until its draft plan is written (or the panel decides not to issue); places = FTE x caseload"),
    K("assessment.caseworkers.fte", SER, 0, 1e6, "FTE", F(caseworker_fte), "1000000", P, "caseworker FTE on new assessments, by date (1000000: not limited)"),
    K("assessment.caseworkers.caseload", NUM, 0.01, 1e4, "cases per FTE", F(caseload_per_officer), "1", P, "assessments one FTE coordinates at once"),
    K("requests.observed", SER, 0, 1e7, "requests per year", F(requests_observed), "", 0, "published requests per calendar year ({YEAR: count}): while a year is given, request rates (from SEN Support and direct) are scaled each month so that the year's expected requests equal it, replacing trend, growth, shocks, variation and early intervention; absent: not used"),
    K("disagreement.appeal_no_issue", SHR, 0, 1, "", F(p_appeal_no_issue), "0", P, "share of refusals to issue appealed (mediation first with the share 'disagreement.mediation'); a won appeal issues the plan"),
    K("disagreement.appeal_placement", SHR, 0, 1, "", F(p_appeal_placement), "0", P, "share of new plans appealed about content or placement (section I), heard after 'disagreement.tribunal_time'"),
    K("disagreement.placement_mediation", SHR, 0, 1, "", F(p_placement_mediation), "0", P, "share of placement disputes mediated first ('disagreement.mediation_time'); the appeal follows the mediation"),
    K("disagreement.placement_win", SHR, 0, 1, "", F(p_placement_win), "1", P, "share of placement appeals the family wins"),
    K("d1_panel.capacity_by_date", SER, 1, 1000000, "cases per sitting", F(d1_capacity_steps), "", 0, "cases heard per sitting, by date; when given it replaces 'd1_panel.capacity'"),
    K("d2_panel.capacity_by_date", SER, 1, 1000000, "cases per sitting", F(d2_capacity_steps), "", 0, "cases heard per sitting, by date (periodic panels only); when given it replaces 'd2_panel.capacity'"),
    V("disagreement.placement_won", CHO, 0, 0, "", F(placement_won_provision), send_provision_names, PROV_COUNT - 1, "independent", 0, "provision named when the family wins a placement appeal"),
    /* ---- placement rules (appended) ---- */
    SEC("placement.fallback", "where a child goes when its own pool (the most specific for its provision, area and need) is full: then out of area, then, after placement.max_wait, placement.overflow_to"),
    K("placement.fallback.general", SEND_KEY_BOOL, 0, 1, "", F(fallback_general), "true", 0, "take a free place in a less specific pool serving the child's area (need-specific, then general) before waiting"),
    K("placement.fallback.out_of_area", SEND_KEY_BOOL, 0, 1, "", F(fallback_out_of_area), "true", 0, "then a free place in another area's pool for the child's need, then for any need (assumption: travel is accepted before an independent place)"),
    SEC("placement.ages", "academic ages each provision admits (at phase transfers, reviews, the opening caseload and placement.local_first)"),
    V("placement.ages.from", TAB, 0, SEND_MAX_AGE, "age", F(age_min), send_provision_names, PROV_COUNT - 1, "early_years, other: 0; mainstream, resourced, special, ap: 2; independent, residential: 4; fe_college, specialist_post16: 16", 0, "youngest age admitted"),
    V("placement.ages.to", TAB, 0, SEND_MAX_AGE, "age", F(age_max), send_provision_names, PROV_COUNT - 1, "early_years: 4; mainstream, resourced, special, ap: 18; others: 25", 0, "oldest age admitted"),
    V("level4.from", TAB, 0, 1, "factor", F(l4_from), send_provision_names, PROV_COUNT - 1, "special, independent: 1; others: 0", 0, "new placements in a provision are referred to the joint panel at level4.referral x this (0 = never)"),
    V("initial.awaiting", CHO, 0, 0, "", F(opening_awaiting_waits), awaiting_states, 2, "interim", 0, "plans awaiting provision at the start: 'interim' (an interim spell, then a placement decision as for a new plan) or 'waiting' (on the waiting list of a provision chosen as for a new plan from the start)"),
    K("initial.awaiting_interim", DUR, 0.001, 3660, "days", F(opening_interim_days), "91.3 days", 0, "interim spells are uniform over [0, placement.max_wait), or over [0, this) when placement.max_wait is 0 (assumption: a school term and a half)"),
    /* ---- levels 1-4 for every child ---- */
    SEC("levels", "every child's level of need 1-4 by age (off unless enabled)"),
    K("levels.enabled", SEND_KEY_BOOL, 0, 1, "", F(levels_on), "false", 0, "simulate levels 1-4 for the whole population"),
    V("levels.share", TAB, 0, 1, "share", F(level_share), levels234, 3, "0 each", 0, "shares of each age at levels 2-4 at the start (level 1 takes the rest)"),
    V("levels.up_1_2", TAB, 0, 100, "per child-year", F(level_up[0]), send_ageband_names, BAND_COUNT, "0 each", 0, "escalation from level 1 to 2, by age band"),
    V("levels.up_2_3", TAB, 0, 100, "per child-year", F(level_up[1]), send_ageband_names, BAND_COUNT, "0 each", 0, "escalation from level 2 to 3, by age band"),
    V("levels.up_3_4", TAB, 0, 100, "per child-year", F(level_up[2]), send_ageband_names, BAND_COUNT, "0 each", 0, "escalation from level 3 to 4, by age band"),
    V("levels.down_2_1", TAB, 0, 100, "per child-year", F(level_down[0]), send_ageband_names, BAND_COUNT, "0 each", 0, "de-escalation from level 2 to 1, by age band"),
    V("levels.down_3_2", TAB, 0, 100, "per child-year", F(level_down[1]), send_ageband_names, BAND_COUNT, "0 each", 0, "de-escalation from level 3 to 2, by age band"),
    V("levels.down_4_3", TAB, 0, 100, "per child-year", F(level_down[2]), send_ageband_names, BAND_COUNT, "0 each", 0, "de-escalation from level 4 to 3, by age band"),

    /* ---- children in care ---- */
    SEC("care", "children in care: placements and their cost to social care (off unless enabled)"),
    K("care.enabled", SEND_KEY_BOOL, 0, 1, "", F(care_on), "false", 0, "simulate children in care"),
    K("care.initial", NUM, 0, 1e7, "children", F(care_initial), "0", P, "children in care at the start"),
    K("care.entries", NUM, 0, 1e7, "per year", F(care_entries), "0", P, "entries to care a year other than from the front door"),
    K("care.exit_rate", NUM, 0, 100, "per child-year", F(care_exit_rate), "0", P, "leaving care"),
    K("care.move_rate", NUM, 0, 100, "per child-year", F(care_move_rate), "0", P, "placement moves (breakdowns)"),
    V("care.placement_mix", SHS, 0, 1, "", F(care_mix), send_care_names, CARE_COUNT, "in_house_foster: 1", 0, "placement shares at entry and after a move"),
    V("care.weekly_cost", TAB, 0, MONEY, "pounds per week", F(care_weekly), send_care_names, CARE_COUNT, "0 each", 0, "weekly cost per child by placement"),
    K("care.ehcp_share", SHR, 0, 1, "", F(care_ehcp_share), "0", P, "share of children in care with an EHC plan"),
    SEC("levers.edge_of_care", "edge-of-care support: fewer entries to care, at a cost"),
    K("levers.edge_of_care.from", DAT, 0, 0, "", F(edge_from), "start", 0, "date the lever starts (in force from the first month start on or after it)"),
    K("levers.edge_of_care.effect", SHR, 0, 1, "", F(edge_effect), "", P | R, "fractional reduction in entries to care"),
    K("levers.edge_of_care.cost_per_year", NUM, 0, MONEY, "pounds per year", F(edge_cost), "0", P, "cost of the support a year while in force"),

    /* ---- the social-care front door ---- */
    SEC("front_door", "children's social care: contacts, referrals, assessments (off unless enabled)"),
    K("front_door.enabled", SEND_KEY_BOOL, 0, 1, "", F(fd_on), "false", 0, "simulate the social-care front door"),
    K("front_door.contacts", NUM, 0, 1e8, "per year", F(fd_contacts), "0", P, "contacts a year"),
    K("front_door.referral", SHR, 0, 1, "", F(fd_p_referral), "1", P, "share of contacts becoming referrals"),
    K("front_door.assessment", SHR, 0, 1, "", F(fd_p_assess), "1", P, "share of referrals given an initial (single) assessment"),
    K("front_door.social_worker_slots", NUM, 0, 1e6, "assessments", F(fd_slots), "1000000", P, "assessments social workers carry at once (1000000 = unlimited)"),
    K("front_door.initial_time", DST, 0, 0, "days", F(fd_initial_time), "0 days", 0, "working time of an initial assessment once a social worker has it"),
    K("front_door.initial_limit", DUR, 0, 366, "days", F(fd_initial_limit), "9 days", 0, "time limit from the referral (7 working days; 45 for a single assessment)"),
    K("front_door.core", SHR, 0, 1, "", F(fd_p_core), "0", P, "share of initial assessments going on to a core assessment"),
    K("front_door.core_time", DST, 0, 0, "days", F(fd_core_time), "0 days", 0, "working time of a core assessment once a social worker has it"),
    K("front_door.core_limit", DUR, 0, 366, "days", F(fd_core_limit), "49 days", 0, "time limit from the end of the initial assessment (35 working days)"),
    K("front_door.child_in_need", SHR, 0, 1, "", F(fd_p_cin), "0", P, "share of cases ending in a child-in-need plan"),
    K("front_door.child_protection", SHR, 0, 1, "", F(fd_p_cp), "0", P, "share of cases ending in a child protection plan"),
    K("front_door.care", SHR, 0, 1, "", F(fd_p_care), "0", P, "share of cases ending in care (entries to care when care is on)"),

    /* ---- short breaks ---- */
    SEC("short_breaks", "short breaks for disabled children (off unless enabled)"),
    K("short_breaks.enabled", SEND_KEY_BOOL, 0, 1, "", F(sb_on), "false", 0, "simulate short breaks"),
    K("short_breaks.initial", NUM, 0, 1e7, "packages", F(sb_initial), "0", P, "packages running at the start"),
    K("short_breaks.requests", NUM, 0, 1e7, "per year", F(sb_requests), "0", P, "requests for a package a year"),
    K("short_breaks.capacity", NUM, 0, 1e7, "packages", F(sb_capacity), "1000000", P, "packages that can run at once (1000000 = unlimited)"),
    K("short_breaks.end_rate", NUM, 0, 100, "per package-year", F(sb_end_rate), "0", P, "packages ending"),
    K("short_breaks.cost_per_package", NUM, 0, MONEY, "pounds per year", F(sb_cost), "0", P, "cost per package-year"),
    K("short_breaks.budget", SER, 0, MONEY, "pounds per year", F(sb_budget), "0", 0, "short-breaks budget per financial year (the value in force on 1 April)"),

    /* ---- early help ---- */
    SEC("early_help", "early help at level 2: Common Assessments (2a) and lead professionals (2b) through the area panel (off unless enabled)"),
    K("early_help.enabled", SEND_KEY_BOOL, 0, 1, "", F(eh_on), "false", 0, "simulate early help"),
    K("early_help.common_assessments", NUM, 0, 1e7, "per year", F(eh_cafs), "0", P, "Common Assessments (CAF) a year"),
    K("early_help.lead_professional", SHR, 0, 1, "", F(eh_p_lead), "0", P, "share needing a lead professional (level 2b), heard by the area panel"),
    K("early_help.end_rate_2a", NUM, 0, 100, "per case-year", F(eh_end_2a), "0", P, "2a episodes ending"),
    K("early_help.end_rate_2b", NUM, 0, 100, "per case-year", F(eh_end_2b), "0", P, "2b episodes ending"),
    SEC("early_help.panel", "the area panel (one for all areas unless per_area)"),
    K("early_help.panel.cadence", DUR, 1, 366, "days", F(eh_panel_period), "28 days", 0, "time between area panel sittings"),
    K("early_help.panel.capacity", INT, 1, 1000000, "cases per sitting", F(eh_panel_capacity), "1000000", 0, "cases heard per sitting (1000000 = unlimited)"),
    K("early_help.lead_professionals", NUM, 0, 1e6, "cases", F(eh_lead_professionals), "1000000", P, "2b cases lead professionals carry at once (1000000 = unlimited): the early-help capacity lever"),
    K("early_help.cost_per_case", NUM, 0, MONEY, "pounds per year", F(eh_cost_2b), "0", P, "cost per 2b case-year with a lead professional"),
    /* ---- every SEN2 outcome as its own flow; levels that move both ways ---- */
    K("requests.withdrawn", SHR, 0, 1, "", F(p_withdraw_request), "0", P, "share of requests withdrawn before the decision to assess; the child returns to SEN Support (SEN2 requests_withdrawn / initial_requests)"),
    K("assessment.withdrawn", SHR, 0, 1, "", F(p_withdraw_assessment), "0", P, "share of assessments withdrawn before the decision to issue; the child returns to SEN Support (SEN2 assessments_withdrawn / assessments_total_incl_withdrawn)"),
    K("reviews.needs_met_to_sen_support", SHR, 0, 1, "", F(p_needs_met_to_sen), "1", P, "share of needs-met ceasings of children of SEN Support age who return to SEN Support (the rest leave)"),
    K("ceasing.moved_outside_england", NUM, 0, 10, "per plan-year", F(cease_abroad_rate), "0", P, "plans ceasing because the family moved outside England (ceasing.moved_away: to another authority in England)"),
    K("ceasing.other", NUM, 0, 10, "per plan-year", F(cease_other_rate), "0", P, "plans ceasing for other reasons (SEN2 other, not recorded, deceased)"),
    K("transfers_in", NUM, 0, 1e6, "plans per year", F(transfer_in_rate), "0", P, "plans transferred in from other authorities: a Poisson stream of plan holders with ages and needs like the opening caseload's, placed as new plans are"),
    K("level4.escalate_at_review", SHR, 0, 1, "per review", F(p_review_escalate), "0", P, "plan holder below level 4 escalated to a level-4 residential package at an annual review"),
    K("level4.crisis_rate", NUM, 0, 10, "per plan-year", F(crisis_rate), "0", P, "crises (placement breakdown, exclusion) escalating a plan holder aged 4 or more below level 4 to a level-4 package at once"),
    K("level4.step_down_at_review", SHR, 0, 1, "per review", F(p_review_deescalate), "0", P, "level-4 plan holder stepped down to special school (specialist post-16 from 19) at an annual review"),
    SEC("placement.transfer_ages", "academic ages (on 1 September) of the phase transfers whose moves placement.phase_transfer gives"),
    K("placement.transfer_ages.primary", INT, 1, SEND_MAX_AGE, "years", F(transfer_age[0]), "4", 0, "transfer to primary (moves: phase_transfer.age_4)"),
    K("placement.transfer_ages.secondary", INT, 1, SEND_MAX_AGE, "years", F(transfer_age[1]), "11", 0, "transfer to secondary (moves: phase_transfer.age_11)"),
    K("placement.transfer_ages.post16", INT, 1, SEND_MAX_AGE, "years", F(transfer_age[2]), "16", 0, "transfer to post-16 (moves: phase_transfer.age_16)"),
    K("placement.transfer_ages.post19", INT, 1, SEND_MAX_AGE, "years", F(transfer_age[3]), "19", 0, "transfer to post-19 (moves: phase_transfer.age_19)"),
    V("reviews.to_special_from", TAB, 0, 1000, "multiplier", F(review_ms_from), send_provision_names, PROV_COUNT, "mainstream: 1, resourced: 1, others 0", 0, "which provisions a review may move to special, as multipliers of reviews.to_special (capped at 1 a review)"),
    V("reviews.to_mainstream_from", TAB, 0, 1000, "multiplier", F(review_sm_from), send_provision_names, PROV_COUNT, "special: 1, others 0", 0, "which provisions a review may move to mainstream, as multipliers of reviews.to_mainstream (capped at 1 a review)"),
    /* ---- the services tied to the EHC pathway's records, their panels and prices ---- */
    K("levels.from_records", SEND_KEY_BOOL, 0, 1, "", F(levels_from_records), "true", 0, "levels 3 and 4 count the plan holders (level 4: in a level-4 package or residential care) and the children in care (level 4: residential), the rest of each age following the level rates"),
    K("care.link_plans", SEND_KEY_BOOL, 0, 1, "", F(care_link_plans), "true", 0, "a child coming into care with an EHC plan (care.ehcp_share) is a plan holder under 18 drawn from the records, and leaves the overlap when the plan ceases (false: an independent count)"),
    K("care.inflation", NUM, -1, 1, "per year", F(care_inflation), "0", P, "yearly rise of care.weekly_cost, compounded from the second financial year"),
    K("short_breaks.inflation", NUM, -1, 1, "per year", F(sb_inflation), "0", P, "yearly rise of short_breaks.cost_per_package, compounded from the second financial year"),
    SEC("short_breaks.panel", "the Short Break and Family Wellbeing panel"),
    K("short_breaks.panel.cadence", DUR, 0, 366, "days", F(sb_panel_period), "0 days", 0, "time between sittings, the first one cadence after the start (0 = requests heard on receipt)"),
    K("short_breaks.panel.capacity", INT, 1, 1000000, "cases per sitting", F(sb_panel_capacity), "1000000", 0, "requests heard per sitting (1000000 = unlimited)"),
    K("early_help.panel.per_area", SEND_KEY_BOOL, 0, 1, "", F(eh_panel_per_area), "false", 0, "one area panel per area (the Area Placement and Support Panels), each with the cadence and capacity above; a case's area drawn from the areas' shares"),
    K("early_help.averted_requests", NUM, 0, 100, "per case-year", F(eh_requests_averted), "0", P, "requests for an EHC needs assessment from SEN Support averted a year by each 2b case open with a lead professional (updated monthly)"),
    SEC("assessment.response", "assessment capacity that follows demand and the backlog: caseworker and EP capacity are their FTE series times (assessments started over the 12 months ending 'lag' months ago / those of the first 12 months) ^ elasticity, set again each month (1 until known), plus the places that clear each one's queue within backlog_months"),
    K("assessment.response.elasticity", NUM, 0, 3, "", F(cap_elasticity), "0", P, "response of capacity to demand: 1 keeps the first year's ratio of capacity to demand, 0 leaves the FTE series alone"),
    K("assessment.response.lag", INT, 0, SEND_CAP_LAG_MAX, "months", F(cap_lag_months), "0", 0, "months the demand capacity follows lies behind (0: the last 12 months)"),
    K("assessment.response.backlog_months", NUM, 0, 120, "months", F(cap_backlog_months), "0", P, "capacity that follows the backlog (a recovery plan): each month caseworkers and EPs get the extra places that would clear the cases waiting for them within this many months at the throughput of their places over the last 12 months (agency staff, overtime); 0: none"),
    K("assessment.priority_share", SHR, 0, 1, "", F(priority_share), "0", P, "share of assessments prioritised (simple cases, tribunal-ordered): they overtake the cases waiting for a caseworker and for advice; 0: first come, first served"),
    K("short_breaks.hours_per_package", NUM, 0, 8784, "hours per package-year", F(sb_hours), "0", P, "hours of short breaks a package gives a year (the output short_break_hours, by calendar year)"),
    SEC("short_breaks.eligibility", "requests from the children at levels 3-4 with a disability (with levels on; else short_breaks.requests)"),
    K("short_breaks.eligibility.per_1000", NUM, 0, 1000, "per 1,000 per year", F(sb_per_1000), "0", P, "requests a year per 1,000 disabled children at levels 3-4, read again monthly (0: the fixed short_breaks.requests)"),
    K("short_breaks.eligibility.disabled_share", SHR, 0, 1, "", F(sb_disabled_share), "1", P, "share of the children at levels 3-4 with a disability"),
    SEC("front_door.children_in_need", "open child-in-need cases: the front door's child-in-need outcomes, closing at a rate (counted at level 3 with levels.from_records)"),
    K("front_door.children_in_need.initial", NUM, 0, 1e7, "cases", F(cin_initial), "0", P, "open child-in-need cases at the start"),
    K("front_door.children_in_need.close_rate", NUM, 0, 100, "per case-year", F(cin_close_rate), "0", P, "child-in-need cases closing"),
};

#define N_KEYS (sizeof keys / sizeof keys[0])

size_t send_key_count(void) { return N_KEYS; }

const send_key *send_key_at(size_t i) { return i < N_KEYS ? &keys[i] : NULL; }

const send_key *send_key_find(const char *path)
{
    if (!path)
        return NULL;
    for (size_t i = 0; i < N_KEYS; i++)
        if (!strcmp(keys[i].path, path))
            return &keys[i];
    return NULL;
}

int send_key_index(const send_key *k)
{
    return k && k >= keys && k < keys + N_KEYS ? (int)(k - keys) : -1;
}

const char *send_key_type_name(send_key_type t)
{
    static const char *const names[SEND_KEY_TYPE_COUNT] = {
        "section", "list", "text", "number", "share", "integer", "bool", "date", "duration",
        "choice", "series", "distribution", "age table", "named table", "shares"};
    return (unsigned)t < SEND_KEY_TYPE_COUNT ? names[t] : "?";
}

int send_key_is_numeric(const send_key *k)
{
    return k && k->offset != NF && !(k->flags & C) &&
           (k->type == NUM || k->type == SHR || k->type == INT || k->type == DUR ||
            k->type == SER);
}

static const send_key *numeric_key(const char *path, des_error *err)
{
    const send_key *k = send_key_find(path);
    if (!k) {
        des_error_set(err, DES_EINVAL, "'%s' is not a scenario key", path ? path : "(null)");
        return NULL;
    }
    if (!send_key_is_numeric(k)) {
        des_error_set(err, DES_EINVAL,
                      "'%s' is a %s, not a single number (expected a number, share, integer, "
                      "duration or series key)",
                      path, send_key_type_name(k->type));
        return NULL;
    }
    return k;
}

int send_param_get(const send_params *p, const char *path, double *out, des_error *err)
{
    const send_key *k = numeric_key(path, err);
    if (!k)
        return DES_EINVAL;
    const char *f = (const char *)p + k->offset;
    if (k->type == INT)
        *out = *(const int *)f;
    else if (k->type == SER)
        *out = ((const send_steps *)f)->n > 0 ? ((const send_steps *)f)->value[0] : 0.0;
    else
        *out = *(const double *)f;
    return DES_OK;
}

int send_param_set(send_params *p, const char *path, double v, des_error *err)
{
    const send_key *k = numeric_key(path, err);
    if (!k)
        return DES_EINVAL;
    if (!(v >= k->lo && v <= k->hi))
        return des_error_set(err, DES_EINVAL, "'%s' must lie in [%g, %g], got %g", path, k->lo,
                             k->hi, v);
    char *f = (char *)p + k->offset;
    if (k->type == INT) {
        if (v != floor(v))
            return des_error_set(err, DES_EINVAL, "'%s' must be a whole number, got %g", path,
                                 v);
        *(int *)f = (int)v;
    } else if (k->type == SER) {
        send_steps_const((send_steps *)f, v);
    } else {
        *(double *)f = v;
    }
    return DES_OK;
}

/* ---- priors ---------------------------------------------------------------------------- */

const char *const send_prior_kind_names[SEND_PRIOR_KIND_COUNT] = {"uniform", "normal",
                                                                   "lognormal", "beta"};

double send_prior_centre(const send_prior *pr)
{
    return pr->kind == SEND_PRIOR_UNIFORM ? 0.5 * (pr->a + pr->b) : pr->a;
}

int send_prior_check(send_prior *pr, des_error *err)
{
    const send_key *k = send_key_at((size_t)(pr->key < 0 ? N_KEYS : (size_t)pr->key));
    if (!k)
        return des_error_set(err, DES_EINVAL, "a prior must name a scenario key");
    if (!(k->flags & P))
        return des_error_set(err, DES_EINVAL,
                             "a prior is not allowed here ('%s' is not a priorable key)",
                             k->path);
    if ((unsigned)pr->kind >= SEND_PRIOR_KIND_COUNT)
        return des_error_set(err, DES_EINVAL, "unknown prior kind");
    if (!isfinite(pr->a) || !isfinite(pr->b))
        return des_error_set(err, DES_EINVAL, "prior parameters must be finite numbers");
    if (pr->kind == SEND_PRIOR_UNIFORM) {
        if (!(pr->a < pr->b))
            return des_error_set(err, DES_EINVAL, "expected min < max, got %g and %g", pr->a,
                                 pr->b);
        if (pr->a < k->lo || pr->b > k->hi)
            return des_error_set(err, DES_EINVAL,
                                 "expected min and max inside the key's range [%g, %g]", k->lo,
                                 k->hi);
    } else {
        if (!(pr->b > 0))
            return des_error_set(err, DES_EINVAL, "expected sd > 0, got %g", pr->b);
        if (pr->a < k->lo || pr->a > k->hi)
            return des_error_set(err, DES_EINVAL,
                                 "expected a mean inside the key's range [%g, %g], got %g",
                                 k->lo, k->hi, pr->a);
        if (pr->kind == SEND_PRIOR_LOGNORMAL && !(pr->a > 0))
            return des_error_set(err, DES_EINVAL, "expected a lognormal mean > 0, got %g",
                                 pr->a);
        if (pr->kind == SEND_PRIOR_BETA) {
            if (!(pr->a > 0 && pr->a < 1))
                return des_error_set(err, DES_EINVAL,
                                     "expected a beta mean strictly between 0 and 1, got %g",
                                     pr->a);
            if (!(pr->b * pr->b < pr->a * (1 - pr->a)))
                return des_error_set(err, DES_EINVAL,
                                     "expected a beta sd below sqrt(mean (1 - mean)) = %g, got %g",
                                     sqrt(pr->a * (1 - pr->a)), pr->b);
        }
    }
    pr->lo = k->lo;
    pr->hi = k->hi;
    if (pr->kind == SEND_PRIOR_LOGNORMAL && pr->lo < 0)
        pr->lo = 0;
    if (pr->kind == SEND_PRIOR_BETA) {
        pr->lo = pr->lo < 0 ? 0 : pr->lo;
        pr->hi = pr->hi > 1 ? 1 : pr->hi;
    }
    return DES_OK;
}

/* The prior's CDF (what 0), inverse CDF (1) or density (2), untruncated. */
static double prior_fn(const send_prior *pr, double x, int what)
{
    switch (pr->kind) {
    case SEND_PRIOR_UNIFORM:
        return what == 1 ? gsl_cdf_flat_Pinv(x, pr->a, pr->b)
             : what == 0 ? gsl_cdf_flat_P(x, pr->a, pr->b)
                         : gsl_ran_flat_pdf(x, pr->a, pr->b);
    case SEND_PRIOR_NORMAL:
        return what == 1 ? pr->a + gsl_cdf_gaussian_Pinv(x, pr->b)
             : what == 0 ? gsl_cdf_gaussian_P(x - pr->a, pr->b)
                         : gsl_ran_gaussian_pdf(x - pr->a, pr->b);
    case SEND_PRIOR_LOGNORMAL: {
        double s2 = log1p(pr->b * pr->b / (pr->a * pr->a));
        double mu = log(pr->a) - 0.5 * s2, s = sqrt(s2);
        return what == 1 ? gsl_cdf_lognormal_Pinv(x, mu, s)
             : what == 0 ? gsl_cdf_lognormal_P(x, mu, s)
                         : gsl_ran_lognormal_pdf(x, mu, s);
    }
    case SEND_PRIOR_BETA: {
        double nu = pr->a * (1 - pr->a) / (pr->b * pr->b) - 1;
        double al = pr->a * nu, be = (1 - pr->a) * nu;
        return what == 1 ? gsl_cdf_beta_Pinv(x, al, be)
             : what == 0 ? gsl_cdf_beta_P(x, al, be)
                         : gsl_ran_beta_pdf(x, al, be);
    }
    default:
        return NAN;
    }
}

double send_prior_logpdf(const send_prior *pr, double x)
{
    if (!(x >= pr->lo && x <= pr->hi))
        return -INFINITY;
    if (pr->kind == SEND_PRIOR_UNIFORM) {
        double a = fmax(pr->a, pr->lo), b = fmin(pr->b, pr->hi);
        return x >= a && x <= b && b > a ? -log(b - a) : -INFINITY;
    }
    double pdf = prior_fn(pr, x, 2), f0 = prior_fn(pr, pr->lo, 0), f1 = prior_fn(pr, pr->hi, 0);
    return pdf > 0 && f1 > f0 ? log(pdf) - log(f1 - f0) : -INFINITY;
}

/* The x in [lo, hi] (finite) where the prior's CDF reaches p, by bisection on the CDF: 200
 * halvings at most, stopping when the bracket no longer shrinks (the CDF is non-decreasing, so
 * the bracket always holds the answer). */
static double prior_bisect(const send_prior *pr, double p, double lo, double hi)
{
    for (int i = 0; i < 200; i++) {
        double mid = lo + 0.5 * (hi - lo);
        if (!(mid > lo && mid < hi))
            break;
        if (prior_fn(pr, mid, 0) < p)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 0.5 * (hi - lo);
}

int send_prior_draw_checked(const send_prior *pr, double u, double *out, int *fell_back)
{
    if (fell_back)
        *fell_back = 0;
    if (!(u > 0 && u < 1))
        return des_error_set(NULL, DES_EINVAL, "u outside (0, 1)");
    double f0 = prior_fn(pr, pr->lo, 0), f1 = prior_fn(pr, pr->hi, 0);
    double p = f0 + u * (f1 - f0);
    double x = prior_fn(pr, p, 1);
    /* GSL's inverse CDFs may fail (gsl_cdf_beta_Pinv does not always converge for a narrow
     * beta, and with the error handler off it returns NaN or a value that misses): check the
     * answer against the CDF and bisect on the CDF instead when it is not a number, outside
     * the range, or off by more than 1e-9 in probability. */
    int bad = isnan(x) || (isfinite(pr->lo) && x < pr->lo) || (isfinite(pr->hi) && x > pr->hi);
    if (!bad && isfinite(x) && fabs(prior_fn(pr, x, 0) - p) > 1e-9)
        bad = 1;
    if (bad && isfinite(pr->lo) && isfinite(pr->hi)) {
        x = prior_bisect(pr, p, pr->lo, pr->hi);
        if (fell_back)
            *fell_back = 1;
    }
    if (!(x >= pr->lo)) /* also NaN: the inverse at a CDF of 0 */
        x = pr->lo;
    if (x > pr->hi)
        x = pr->hi;
    *out = x;
    return DES_OK;
}

int send_prior_draw(const send_prior *pr, double u, double *out)
{
    return send_prior_draw_checked(pr, u, out, NULL);
}
