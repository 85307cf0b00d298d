/* metrics.c - the registry of output metrics: name, period kind, unit and meaning, indexed by
 * the M_, C_ and F_ indices of send_model.h. Names are the contract of the summary CSV
 * (snake_case, documented in docs/guide.md, "Metrics").
 *
 * Invariant: each row is placed by its index (designated initialisers), so a row can never
 * shift onto another metric's index. A deleted row leaves a hole (send_metric returns NULL
 * for it), which tests/test_metrics.c fails on: the only holes allowed are the two rows that
 * would describe waiting for, or the capacity of, "awaiting provision", which is not a place.
 * Two rows for one index are a compile error (-Woverride-init below).
 *
 * Lookup by name is a linear scan (a few hundred string compares), done only when parsing user
 * requests, never in the event loop. */
#include "send_model.h"

#include <string.h>

#pragma GCC diagnostic error "-Woverride-init"

static const send_metric_info metrics[SEND_METRIC_COUNT] = {
    [M_EHCP_TOTAL] = {"ehcp_total", SEND_MONTHLY, "plans", "EHC plans in place on the first day of the month"},
    [M_EHCP_BAND + BAND_UNDER5] = {"ehcp_age_under5", SEND_MONTHLY, "plans", "EHC plans of children under 5 (academic age)"},
    [M_EHCP_BAND + BAND_5_10] = {"ehcp_age_5_10", SEND_MONTHLY, "plans", "EHC plans of children aged 5-10 (academic age)"},
    [M_EHCP_BAND + BAND_11_15] = {"ehcp_age_11_15", SEND_MONTHLY, "plans", "EHC plans of children aged 11-15 (academic age)"},
    [M_EHCP_BAND + BAND_16_19] = {"ehcp_age_16_19", SEND_MONTHLY, "plans", "EHC plans of children aged 16-19 (academic age)"},
    [M_EHCP_BAND + BAND_20_25] = {"ehcp_age_20_25", SEND_MONTHLY, "plans", "EHC plans of children aged 20-25 (academic age)"},
    [M_SEN_SUPPORT] = {"sen_support_total", SEND_MONTHLY, "children", "children at SEN Support"},
    [M_ASSESSMENT_QUEUE] = {"assessment_queue", SEND_MONTHLY, "children", "requests received and not yet concluded (decision, assessment, drafting, appeal)"},
    [M_EP_QUEUE] = {"ep_queue", SEND_MONTHLY, "children", "assessments waiting for an educational psychologist"},
    [M_REVIEWS_OVERDUE] = {"reviews_overdue", SEND_MONTHLY, "reviews", "annual reviews due and waiting for a caseworker"},
    [M_LEVEL4_TOTAL] = {"level4_total", SEND_MONTHLY, "children", "children in level-4 jointly funded packages"},
    [M_PLACEMENTS + PROV_MAINSTREAM] = {"placements_mainstream", SEND_MONTHLY, "children", "plan holders in mainstream school"},
    [M_PLACEMENTS + PROV_RESOURCED] = {"placements_resourced", SEND_MONTHLY, "children", "plan holders in resourced provision / SEN unit"},
    [M_PLACEMENTS + PROV_SPECIAL] = {"placements_special", SEND_MONTHLY, "children", "plan holders in maintained special school or special academy"},
    [M_PLACEMENTS + PROV_INDEPENDENT] = {"placements_independent", SEND_MONTHLY, "children", "plan holders in independent or non-maintained special school"},
    [M_PLACEMENTS + PROV_RESIDENTIAL] = {"placements_residential", SEND_MONTHLY, "children", "plan holders in level-4 residential package"},
    [M_PLACEMENTS + PROV_FE_COLLEGE] = {"placements_fe_college", SEND_MONTHLY, "children", "plan holders in FE or sixth-form college"},
    [M_PLACEMENTS + PROV_SPECIALIST_POST16] = {"placements_specialist_post16", SEND_MONTHLY, "children", "plan holders in specialist post-16 institution"},
    [M_PLACEMENTS + PROV_AP] = {"placements_ap", SEND_MONTHLY, "children", "plan holders in alternative provision"},
    [M_PLACEMENTS + PROV_EARLY_YEARS] = {"placements_early_years", SEND_MONTHLY, "children", "plan holders in early-years setting"},
    [M_PLACEMENTS + PROV_OTHER] = {"placements_other", SEND_MONTHLY, "children", "plan holders in elsewhere (home education, NEET, other)"},
    [M_PLACEMENTS + PROV_AWAITING] = {"placements_awaiting", SEND_MONTHLY, "children", "plan holders in awaiting provision (interim)"},
    [M_WAITING + PROV_MAINSTREAM] = {"waiting_for_place_mainstream", SEND_MONTHLY, "children", "plan holders waiting for a place in mainstream school"},
    [M_WAITING + PROV_RESOURCED] = {"waiting_for_place_resourced", SEND_MONTHLY, "children", "plan holders waiting for a place in resourced provision / SEN unit"},
    [M_WAITING + PROV_SPECIAL] = {"waiting_for_place_special", SEND_MONTHLY, "children", "plan holders waiting for a place in maintained special school or special academy"},
    [M_WAITING + PROV_INDEPENDENT] = {"waiting_for_place_independent", SEND_MONTHLY, "children", "plan holders waiting for a place in independent or non-maintained special school"},
    [M_WAITING + PROV_RESIDENTIAL] = {"waiting_for_place_residential", SEND_MONTHLY, "children", "plan holders waiting for a place in level-4 residential package"},
    [M_WAITING + PROV_FE_COLLEGE] = {"waiting_for_place_fe_college", SEND_MONTHLY, "children", "plan holders waiting for a place in FE or sixth-form college"},
    [M_WAITING + PROV_SPECIALIST_POST16] = {"waiting_for_place_specialist_post16", SEND_MONTHLY, "children", "plan holders waiting for a place in specialist post-16 institution"},
    [M_WAITING + PROV_AP] = {"waiting_for_place_ap", SEND_MONTHLY, "children", "plan holders waiting for a place in alternative provision"},
    [M_WAITING + PROV_EARLY_YEARS] = {"waiting_for_place_early_years", SEND_MONTHLY, "children", "plan holders waiting for a place in early-years setting"},
    [M_WAITING + PROV_OTHER] = {"waiting_for_place_other", SEND_MONTHLY, "children", "plan holders waiting for a place in elsewhere (home education, NEET, other)"},
    [M_CAPACITY + PROV_MAINSTREAM] = {"capacity_mainstream", SEND_MONTHLY, "places", "places in mainstream school (-1 = not limited)"},
    [M_CAPACITY + PROV_RESOURCED] = {"capacity_resourced", SEND_MONTHLY, "places", "places in resourced provision / SEN unit (-1 = not limited)"},
    [M_CAPACITY + PROV_SPECIAL] = {"capacity_special", SEND_MONTHLY, "places", "places in maintained special school or special academy (-1 = not limited)"},
    [M_CAPACITY + PROV_INDEPENDENT] = {"capacity_independent", SEND_MONTHLY, "places", "places in independent or non-maintained special school (-1 = not limited)"},
    [M_CAPACITY + PROV_RESIDENTIAL] = {"capacity_residential", SEND_MONTHLY, "places", "places in level-4 residential package (-1 = not limited)"},
    [M_CAPACITY + PROV_FE_COLLEGE] = {"capacity_fe_college", SEND_MONTHLY, "places", "places in FE or sixth-form college (-1 = not limited)"},
    [M_CAPACITY + PROV_SPECIALIST_POST16] = {"capacity_specialist_post16", SEND_MONTHLY, "places", "places in specialist post-16 institution (-1 = not limited)"},
    [M_CAPACITY + PROV_AP] = {"capacity_ap", SEND_MONTHLY, "places", "places in alternative provision (-1 = not limited)"},
    [M_CAPACITY + PROV_EARLY_YEARS] = {"capacity_early_years", SEND_MONTHLY, "places", "places in early-years setting (-1 = not limited)"},
    [M_CAPACITY + PROV_OTHER] = {"capacity_other", SEND_MONTHLY, "places", "places in elsewhere (home education, NEET, other) (-1 = not limited)"},
    [C_REQUESTS] = {"requests", SEND_CY, "requests", "initial requests for an EHC needs assessment"},
    [C_REFUSED] = {"requests_refused", SEND_CY, "requests", "requests refused at the decision-to-assess panel"},
    [C_ASSESSMENTS] = {"assessments_completed", SEND_CY, "assessments", "assessments concluded at the decision-to-issue panel"},
    [C_NEW_PLANS] = {"new_plans", SEND_CY, "plans", "new EHC plans issued"},
    [C_CEASED] = {"plans_ceased", SEND_CY, "plans", "plans ceased, all reasons"},
    [C_CEASED_MOVED] = {"plans_ceased_moved", SEND_CY, "plans", "plans ceased: moved to another authority"},
    [C_CEASED_LEFT] = {"plans_ceased_left_education", SEND_CY, "plans", "plans ceased: left education or training"},
    [C_CEASED_NEEDS_MET] = {"plans_ceased_needs_met", SEND_CY, "plans", "plans ceased: needs met at review"},
    [C_CEASED_AGE] = {"plans_ceased_age", SEND_CY, "plans", "plans ceased: reached the age limit"},
    [C_PCT_20W] = {"pct_within_20_weeks", SEND_CY, "percent", "new plans issued within 20 weeks of the request"},
    [C_MEAN_WEEKS] = {"mean_weeks_to_issue", SEND_CY, "weeks", "mean weeks from request to final plan"},
    [C_MEDIATIONS] = {"mediations", SEND_CY, "cases", "mediations after a refusal to assess"},
    [C_APPEALS] = {"tribunal_appeals", SEND_CY, "appeals", "tribunal appeals against a refusal to assess"},
    [C_APPEALS_WON] = {"tribunal_appeals_won", SEND_CY, "appeals", "appeals decided for the family"},
    [C_TRANSFERS_MS] = {"transfers_mainstream_to_special", SEND_CY, "children", "moves from mainstream to special at a review"},
    [C_TRANSFERS_SM] = {"transfers_special_to_mainstream", SEND_CY, "children", "moves from special to mainstream at a review"},
    [C_WAITED_FOR_PLACE] = {"children_waited_for_place", SEND_CY, "children", "placement decisions that had to wait for a place"},
    [C_OVERFLOW_INDEP] = {"overflow_to_independent", SEND_CY, "children", "children placed independently after waiting too long"},
    [C_MEAN_WAIT_PLACE_WEEKS] = {"mean_wait_for_place_weeks", SEND_CY, "weeks", "mean wait for a place among waits that ended in the year (placed as wanted, or in the overflow provision after the longest wait)"},
    [C_REVIEWS_DONE] = {"reviews_completed", SEND_CY, "reviews", "annual reviews completed"},
    [C_WITHIN_20W] = {"new_plans_within_20_weeks", SEND_CY, "plans", "new EHC plans issued within 20 weeks of the request (numerator of pct_within_20_weeks)"},
    [C_WEEKS_TO_ISSUE] = {"weeks_to_issue_total", SEND_CY, "weeks", "weeks from request to final plan, summed over new plans (numerator of mean_weeks_to_issue)"},
    [C_WAITS_ENDED] = {"waits_for_place_ended", SEND_CY, "children", "waits for a place that ended: placed as wanted, or in the overflow provision after the longest wait"},
    [C_WEEKS_WAITED] = {"weeks_waited_for_place_total", SEND_CY, "weeks", "weeks of the waits for a place that ended, summed (numerator of mean_wait_for_place_weeks)"},
    [F_SPEND] = {"hn_spend_gbp", SEND_FY, "GBP", "high-needs spend on plans, transport, assessments and early intervention"},
    [F_SPEND_PROV + PROV_MAINSTREAM] = {"hn_spend_mainstream_gbp", SEND_FY, "GBP", "high-needs spend on mainstream school"},
    [F_SPEND_PROV + PROV_RESOURCED] = {"hn_spend_resourced_gbp", SEND_FY, "GBP", "high-needs spend on resourced provision / SEN unit"},
    [F_SPEND_PROV + PROV_SPECIAL] = {"hn_spend_special_gbp", SEND_FY, "GBP", "high-needs spend on maintained special school or special academy"},
    [F_SPEND_PROV + PROV_INDEPENDENT] = {"hn_spend_independent_gbp", SEND_FY, "GBP", "high-needs spend on independent or non-maintained special school"},
    [F_SPEND_PROV + PROV_RESIDENTIAL] = {"hn_spend_residential_gbp", SEND_FY, "GBP", "high-needs spend on level-4 residential package"},
    [F_SPEND_PROV + PROV_FE_COLLEGE] = {"hn_spend_fe_college_gbp", SEND_FY, "GBP", "high-needs spend on FE or sixth-form college"},
    [F_SPEND_PROV + PROV_SPECIALIST_POST16] = {"hn_spend_specialist_post16_gbp", SEND_FY, "GBP", "high-needs spend on specialist post-16 institution"},
    [F_SPEND_PROV + PROV_AP] = {"hn_spend_ap_gbp", SEND_FY, "GBP", "high-needs spend on alternative provision"},
    [F_SPEND_PROV + PROV_EARLY_YEARS] = {"hn_spend_early_years_gbp", SEND_FY, "GBP", "high-needs spend on early-years setting"},
    [F_SPEND_PROV + PROV_OTHER] = {"hn_spend_other_gbp", SEND_FY, "GBP", "high-needs spend on elsewhere (home education, NEET, other)"},
    [F_SPEND_PROV + PROV_AWAITING] = {"hn_spend_awaiting_gbp", SEND_FY, "GBP", "high-needs spend on awaiting provision (interim)"},
    [F_SPEND_TRANSPORT] = {"hn_spend_transport_gbp", SEND_FY, "GBP", "SEND home-to-school transport"},
    [F_SPEND_ASSESS] = {"hn_spend_assessment_gbp", SEND_FY, "GBP", "needs assessments and tribunal appeals"},
    [F_SPEND_EI] = {"hn_spend_early_intervention_gbp", SEND_FY, "GBP", "early intervention at SEN Support"},
    [F_GRANT] = {"hn_grant_gbp", SEND_FY, "GBP", "high-needs grant"},
    [F_BALANCE] = {"hn_balance_gbp", SEND_FY, "GBP", "in-year balance: grant minus spend (negative = overspend)"},
    [F_DEFICIT] = {"hn_deficit_gbp", SEND_FY, "GBP", "cumulative deficit at the end of the financial year"},
};

const send_metric_info *send_metric(int index)
{
    if (index < 0 || index >= SEND_METRIC_COUNT || !metrics[index].name)
        return NULL;
    return &metrics[index];
}

int send_metric_find(const char *name)
{
    for (int i = 0; i < SEND_METRIC_COUNT; i++)
        if (metrics[i].name && !strcmp(metrics[i].name, name))
            return i;
    return -1;
}
