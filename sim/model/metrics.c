/* metrics.c - the registry of output metrics: name, period kind, unit and meaning, in the
 * order of the M_, C_ and F_ indices of send_model.h. Names are the contract of the summary
 * CSV (snake_case, documented in the README). Lookup by name is a linear scan (a few hundred
 * string compares), done only when parsing user requests, never in the event loop. */
#include "send_model.h"

#include <string.h>

static const send_metric_info metrics[SEND_METRIC_COUNT] = {
    {"ehcp_total", SEND_MONTHLY, "plans", "EHC plans in place on the first day of the month"},
    {"ehcp_age_under5", SEND_MONTHLY, "plans", "EHC plans of children under 5 (academic age)"},
    {"ehcp_age_5_10", SEND_MONTHLY, "plans", "EHC plans of children aged 5-10 (academic age)"},
    {"ehcp_age_11_15", SEND_MONTHLY, "plans", "EHC plans of children aged 11-15 (academic age)"},
    {"ehcp_age_16_19", SEND_MONTHLY, "plans", "EHC plans of children aged 16-19 (academic age)"},
    {"ehcp_age_20_25", SEND_MONTHLY, "plans", "EHC plans of children aged 20-25 (academic age)"},
    {"sen_support_total", SEND_MONTHLY, "children", "children at SEN Support"},
    {"assessment_queue", SEND_MONTHLY, "children", "requests received and not yet concluded (decision, assessment, drafting, appeal)"},
    {"ep_queue", SEND_MONTHLY, "children", "assessments waiting for an educational psychologist"},
    {"reviews_overdue", SEND_MONTHLY, "reviews", "annual reviews due and waiting for a caseworker"},
    {"level4_total", SEND_MONTHLY, "children", "children in level-4 jointly funded packages"},
    {"placements_mainstream", SEND_MONTHLY, "children", "plan holders in mainstream school"},
    {"placements_resourced", SEND_MONTHLY, "children", "plan holders in resourced provision / SEN unit"},
    {"placements_special", SEND_MONTHLY, "children", "plan holders in maintained special school or special academy"},
    {"placements_independent", SEND_MONTHLY, "children", "plan holders in independent or non-maintained special school"},
    {"placements_residential", SEND_MONTHLY, "children", "plan holders in level-4 residential package"},
    {"placements_fe_college", SEND_MONTHLY, "children", "plan holders in FE or sixth-form college"},
    {"placements_specialist_post16", SEND_MONTHLY, "children", "plan holders in specialist post-16 institution"},
    {"placements_ap", SEND_MONTHLY, "children", "plan holders in alternative provision"},
    {"placements_early_years", SEND_MONTHLY, "children", "plan holders in early-years setting"},
    {"placements_other", SEND_MONTHLY, "children", "plan holders in elsewhere (home education, NEET, other)"},
    {"placements_awaiting", SEND_MONTHLY, "children", "plan holders in awaiting provision (interim)"},
    {"waiting_for_place_mainstream", SEND_MONTHLY, "children", "plan holders waiting for a place in mainstream school"},
    {"waiting_for_place_resourced", SEND_MONTHLY, "children", "plan holders waiting for a place in resourced provision / SEN unit"},
    {"waiting_for_place_special", SEND_MONTHLY, "children", "plan holders waiting for a place in maintained special school or special academy"},
    {"waiting_for_place_independent", SEND_MONTHLY, "children", "plan holders waiting for a place in independent or non-maintained special school"},
    {"waiting_for_place_residential", SEND_MONTHLY, "children", "plan holders waiting for a place in level-4 residential package"},
    {"waiting_for_place_fe_college", SEND_MONTHLY, "children", "plan holders waiting for a place in FE or sixth-form college"},
    {"waiting_for_place_specialist_post16", SEND_MONTHLY, "children", "plan holders waiting for a place in specialist post-16 institution"},
    {"waiting_for_place_ap", SEND_MONTHLY, "children", "plan holders waiting for a place in alternative provision"},
    {"waiting_for_place_early_years", SEND_MONTHLY, "children", "plan holders waiting for a place in early-years setting"},
    {"waiting_for_place_other", SEND_MONTHLY, "children", "plan holders waiting for a place in elsewhere (home education, NEET, other)"},
    {NULL, SEND_MONTHLY, NULL, NULL},
    {"capacity_mainstream", SEND_MONTHLY, "places", "places in mainstream school (-1 = not limited)"},
    {"capacity_resourced", SEND_MONTHLY, "places", "places in resourced provision / SEN unit (-1 = not limited)"},
    {"capacity_special", SEND_MONTHLY, "places", "places in maintained special school or special academy (-1 = not limited)"},
    {"capacity_independent", SEND_MONTHLY, "places", "places in independent or non-maintained special school (-1 = not limited)"},
    {"capacity_residential", SEND_MONTHLY, "places", "places in level-4 residential package (-1 = not limited)"},
    {"capacity_fe_college", SEND_MONTHLY, "places", "places in FE or sixth-form college (-1 = not limited)"},
    {"capacity_specialist_post16", SEND_MONTHLY, "places", "places in specialist post-16 institution (-1 = not limited)"},
    {"capacity_ap", SEND_MONTHLY, "places", "places in alternative provision (-1 = not limited)"},
    {"capacity_early_years", SEND_MONTHLY, "places", "places in early-years setting (-1 = not limited)"},
    {"capacity_other", SEND_MONTHLY, "places", "places in elsewhere (home education, NEET, other) (-1 = not limited)"},
    {NULL, SEND_MONTHLY, NULL, NULL},
    {"requests", SEND_CY, "requests", "initial requests for an EHC needs assessment"},
    {"requests_refused", SEND_CY, "requests", "requests refused at the decision-to-assess panel"},
    {"assessments_completed", SEND_CY, "assessments", "assessments concluded at the decision-to-issue panel"},
    {"new_plans", SEND_CY, "plans", "new EHC plans issued"},
    {"plans_ceased", SEND_CY, "plans", "plans ceased, all reasons"},
    {"plans_ceased_moved", SEND_CY, "plans", "plans ceased: moved to another authority"},
    {"plans_ceased_left_education", SEND_CY, "plans", "plans ceased: left education or training"},
    {"plans_ceased_needs_met", SEND_CY, "plans", "plans ceased: needs met at review"},
    {"plans_ceased_age", SEND_CY, "plans", "plans ceased: reached the age limit"},
    {"pct_within_20_weeks", SEND_CY, "percent", "new plans issued within 20 weeks of the request"},
    {"mean_weeks_to_issue", SEND_CY, "weeks", "mean weeks from request to final plan"},
    {"mediations", SEND_CY, "cases", "mediations after a refusal to assess"},
    {"tribunal_appeals", SEND_CY, "appeals", "tribunal appeals against a refusal to assess"},
    {"tribunal_appeals_won", SEND_CY, "appeals", "appeals decided for the family"},
    {"transfers_mainstream_to_special", SEND_CY, "children", "moves from mainstream to special at a review"},
    {"transfers_special_to_mainstream", SEND_CY, "children", "moves from special to mainstream at a review"},
    {"children_waited_for_place", SEND_CY, "children", "placement decisions that had to wait for a place"},
    {"overflow_to_independent", SEND_CY, "children", "children placed independently after waiting too long"},
    {"mean_wait_for_place_weeks", SEND_CY, "weeks", "mean wait for a place among those placed after waiting"},
    {"reviews_completed", SEND_CY, "reviews", "annual reviews completed"},
    {"hn_spend_gbp", SEND_FY, "GBP", "high-needs spend on plans, transport, assessments and early intervention"},
    {"hn_spend_mainstream_gbp", SEND_FY, "GBP", "high-needs spend on mainstream school"},
    {"hn_spend_resourced_gbp", SEND_FY, "GBP", "high-needs spend on resourced provision / SEN unit"},
    {"hn_spend_special_gbp", SEND_FY, "GBP", "high-needs spend on maintained special school or special academy"},
    {"hn_spend_independent_gbp", SEND_FY, "GBP", "high-needs spend on independent or non-maintained special school"},
    {"hn_spend_residential_gbp", SEND_FY, "GBP", "high-needs spend on level-4 residential package"},
    {"hn_spend_fe_college_gbp", SEND_FY, "GBP", "high-needs spend on FE or sixth-form college"},
    {"hn_spend_specialist_post16_gbp", SEND_FY, "GBP", "high-needs spend on specialist post-16 institution"},
    {"hn_spend_ap_gbp", SEND_FY, "GBP", "high-needs spend on alternative provision"},
    {"hn_spend_early_years_gbp", SEND_FY, "GBP", "high-needs spend on early-years setting"},
    {"hn_spend_other_gbp", SEND_FY, "GBP", "high-needs spend on elsewhere (home education, NEET, other)"},
    {"hn_spend_awaiting_gbp", SEND_FY, "GBP", "high-needs spend on awaiting provision (interim)"},
    {"hn_spend_transport_gbp", SEND_FY, "GBP", "SEND home-to-school transport"},
    {"hn_spend_assessment_gbp", SEND_FY, "GBP", "needs assessments and tribunal appeals"},
    {"hn_spend_early_intervention_gbp", SEND_FY, "GBP", "early intervention at SEN Support"},
    {"hn_grant_gbp", SEND_FY, "GBP", "high-needs grant"},
    {"hn_balance_gbp", SEND_FY, "GBP", "in-year balance: grant minus spend (negative = overspend)"},
    {"hn_deficit_gbp", SEND_FY, "GBP", "cumulative deficit at the end of the financial year"},
};

_Static_assert(sizeof metrics / sizeof metrics[0] == SEND_METRIC_COUNT, "metric table size");

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
