/* test_metrics.c - the metric registry (sim/model/metrics.c): every index holds its own metric.
 *
 * The expected name of every index is written here independently of the table: the single
 * metrics by their enum constant, the families (age bands, provisions) from the vocabularies
 * of send_model.h. A row deleted, moved or given to the wrong index fails here, as does a hole
 * anywhere but the "awaiting provision" slots that describe no metric. The kinds follow the
 * layout of the enum (monthly, then calendar-year, then financial-year), names are snake_case
 * and unique, lookup by name finds each index, and out-of-range indices are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "send_model.h"

/* Metrics that are not members of a family, with the name each must have. */
static const struct {
    int index;
    const char *name;
} singles[] = {
    {M_EHCP_TOTAL, "ehcp_total"},
    {M_SEN_SUPPORT, "sen_support_total"},
    {M_ASSESSMENT_QUEUE, "assessment_queue"},
    {M_EP_QUEUE, "ep_queue"},
    {M_REVIEWS_OVERDUE, "reviews_overdue"},
    {M_LEVEL4_TOTAL, "level4_total"},
    {M_WAITING_TOTAL, "waiting_for_place_total"},
    {C_WAITING_TOTAL_PEAK, "waiting_for_place_total_peak"},
    {C_REQUESTS, "requests"},
    {C_REFUSED, "requests_refused"},
    {C_ASSESSMENTS, "assessments_completed"},
    {C_NEW_PLANS, "new_plans"},
    {C_CEASED, "plans_ceased"},
    {C_CEASED_MOVED, "plans_ceased_transfer_other_la"},
    {C_CEASED_LEFT, "plans_ceased_left_school_education"},
    {C_CEASED_NEEDS_MET, "plans_ceased_needs_met"},
    {C_CEASED_AGE, "plans_ceased_max_age"},
    {C_PCT_20W, "pct_within_20_weeks"},
    {C_MEAN_WEEKS, "mean_weeks_to_issue"},
    {C_MEDIATIONS, "mediations"},
    {C_APPEALS, "tribunal_appeals"},
    {C_APPEALS_WON, "tribunal_appeals_won"},
    {C_TRANSFERS_MS, "transfers_mainstream_to_special"},
    {C_TRANSFERS_SM, "transfers_special_to_mainstream"},
    {C_WAITED_FOR_PLACE, "children_waited_for_place"},
    {C_OVERFLOW, "overflow_placements"},
    {C_MEAN_WAIT_PLACE_WEEKS, "mean_wait_for_place_weeks"},
    {C_REVIEWS_DONE, "reviews_completed"},
    {C_WITHIN_20W, "new_plans_within_20_weeks"},
    {C_WEEKS_TO_ISSUE, "weeks_to_issue_total"},
    {C_WAITS_ENDED, "waits_for_place_ended"},
    {C_WEEKS_WAITED, "weeks_waited_for_place_total"},
    {C_REQ_WITHDRAWN, "requests_withdrawn"},
    {C_ASS_WITHDRAWN, "assessments_withdrawn"},
    {C_ASSESSED_NO_PLAN, "assessed_no_plan"},
    {C_ASSESSED_PLAN, "assessed_plan_issued"},
    {C_CEASED_ABROAD, "plans_ceased_moved_outside_england"},
    {C_CEASED_OTHER, "plans_ceased_other_reason"},
    {C_TRANSFERS_IN, "plans_transferred_in"},
    {C_L4_REVIEW, "level4_escalations_review"},
    {C_L4_CRISIS, "level4_escalations_crisis"},
    {C_L4_STEP_DOWN, "level4_deescalations"},
    {C_NEEDS_MET_TO_SEN, "plans_ceased_needs_met_to_sen_support"},
    {F_SPEND, "hn_spend_gbp"},
    {F_SPEND_TRANSPORT, "gf_transport_gbp"},
    {F_SPEND_ASSESS, "gf_assessment_gbp"},
    {F_SPEND_EI, "hn_spend_early_intervention_gbp"},
    {F_INCOME, "dsg_income_gbp"},
    {F_DSG_INYEAR, "dsg_inyear_gbp"},
    {F_DSG_BALANCE, "dsg_balance_gbp"},
    {F_DSG_LINE + DSG_ALLOCATION, "dsg_allocation_gbp"},
    {F_DSG_LINE + DSG_ASSESSMENT, "dsg_assessment_gbp"},
    {F_DSG_BF, "dsg_balance_bf_gbp"},
    {F_SOCIAL_CARE, "sc_spend_gbp"},
    {F_HEALTH, "health_spend_gbp"},
    {M_CASEWORKER_QUEUE, "caseworker_queue"},
    {M_HEALTH_QUEUE, "health_advice_queue"},
    {M_SOCIAL_QUEUE, "social_care_advice_queue"},
    {M_ASSESSMENTS_ONGOING, "assessments_ongoing"},
    {M_CASEWORKER_FTE, "caseworker_fte"},
    {M_EP_FTE, "ep_fte"},
    {C_D1_DECIDED, "requests_decided"},
    {C_D1_WITHIN_6W, "requests_decided_within_6_weeks"},
    {C_PCT_D1_6W, "requests_decided_within_6_weeks_pct"},
    {C_ASSESS_STARTED, "assessments_started"},
    {C_STAGE_STARTED + SEND_STAGE_CASEWORKER, "caseworker_allocations"},
    {C_STAGE_STARTED + SEND_STAGE_EP, "ep_advice_started"},
    {C_STAGE_STARTED + SEND_STAGE_HEALTH, "health_advice_started"},
    {C_STAGE_STARTED + SEND_STAGE_SOCIAL, "social_care_advice_started"},
    {C_STAGE_WEEKS + SEND_STAGE_CASEWORKER, "weeks_waiting_caseworker_total"},
    {C_STAGE_WEEKS + SEND_STAGE_EP, "weeks_waiting_ep_total"},
    {C_STAGE_WEEKS + SEND_STAGE_HEALTH, "weeks_waiting_health_total"},
    {C_STAGE_WEEKS + SEND_STAGE_SOCIAL, "weeks_waiting_social_care_total"},
    {C_STAGE_MEAN + SEND_STAGE_CASEWORKER, "mean_weeks_waiting_caseworker"},
    {C_STAGE_MEAN + SEND_STAGE_EP, "mean_weeks_waiting_ep"},
    {C_STAGE_MEAN + SEND_STAGE_HEALTH, "mean_weeks_waiting_health"},
    {C_STAGE_MEAN + SEND_STAGE_SOCIAL, "mean_weeks_waiting_social_care"},
    {C_MEDIATIONS_ALL, "mediations_held"},
    {C_APPEALS_NO_ISSUE, "tribunal_appeals_refusal_to_issue"},
    {C_APPEALS_PLACEMENT, "tribunal_appeals_placement"},
    {C_APPEALS_ALL, "tribunal_appeals_registered"},
    {C_PLACEMENT_CHANGED, "tribunal_placement_changes"},
    {M_CARE, "children_in_care"},
    {M_CARE_EHCP, "children_in_care_with_ehcp"},
    {C_CARE_ENTRIES, "care_entries"},
    {C_CARE_EXITS, "care_exits"},
    {C_CARE_MOVES, "care_placement_moves"},
    {F_CARE_SPEND, "sc_care_spend_gbp"},
    {F_EDGE_SPEND, "sc_edge_of_care_spend_gbp"},
    {C_CONTACTS, "contacts"},
    {C_REFERRALS, "referrals"},
    {C_INITIAL, "initial_assessments"},
    {C_INITIAL_ON_TIME, "initial_assessments_on_time"},
    {C_PCT_INITIAL_ON_TIME, "pct_initial_assessments_on_time"},
    {C_CORE, "core_assessments"},
    {C_CORE_ON_TIME, "core_assessments_on_time"},
    {C_PCT_CORE_ON_TIME, "pct_core_assessments_on_time"},
    {C_CIN_STARTS, "child_in_need_starts"},
    {C_CP_STARTS, "child_protection_starts"},
    {C_CARE_FROM_FD, "care_entries_front_door"},
    {M_FD_OPEN, "social_care_assessments_open"},
    {M_SB_PACKAGES, "short_break_packages"},
    {M_SB_WAITING, "short_break_waiting"},
    {C_SB_STARTS, "short_break_starts"},
    {F_SB_SPEND, "sb_spend_gbp"},
    {F_SB_BUDGET, "sb_budget_gbp"},
    {F_SB_BALANCE, "sb_balance_gbp"},
    {M_EH_2A, "early_help_2a"},
    {M_EH_2B, "early_help_2b"},
    {M_EH_WAITING, "early_help_waiting"},
    {C_EH_CAFS, "common_assessments"},
    {C_EH_HEARD, "area_panel_cases_heard"},
    {F_EH_SPEND, "eh_spend_gbp"},
    {M_LEVEL_RECORDS + 0, "level_3_records"},
    {M_LEVEL_RECORDS + 1, "level_4_records"},
    {M_SB_PANEL_WAITING, "short_break_panel_waiting"},
    {C_SB_HEARD, "short_break_panel_heard"},
    {C_SB_HOURS, "short_break_hours"},
    {M_CIN, "children_in_need"},
};
#define N_SINGLES ((int)(sizeof singles / sizeof singles[0]))

/* The name index i must have ("" for an allowed hole, NULL if the test does not know it). */
static void expected_name(int i, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int k = 0; k < N_SINGLES; k++)
        if (singles[k].index == i) {
            snprintf(buf, len, "%s", singles[k].name);
            return;
        }
    if (i >= M_EHCP_BAND && i < M_EHCP_BAND + BAND_COUNT) {
        snprintf(buf, len, "ehcp_age_%s", send_ageband_names[i - M_EHCP_BAND]);
        return;
    }
    if (i >= F_DSG_LINE && i < F_DSG_LINE + DSG_LINE_COUNT) {
        snprintf(buf, len, "dsg_%s_gbp", send_dsg_line_names[i - F_DSG_LINE]);
        return;
    }
    if (i >= M_LEVEL && i < M_LEVEL + 4) {
        snprintf(buf, len, "level_%d_total", i - M_LEVEL + 1);
        return;
    }
    if (i >= C_LEVEL_UP && i < C_LEVEL_UP + 3) {
        snprintf(buf, len, "level_moves_%d_to_%d", i - C_LEVEL_UP + 1, i - C_LEVEL_UP + 2);
        return;
    }
    if (i >= C_LEVEL_DOWN && i < C_LEVEL_DOWN + 3) {
        snprintf(buf, len, "level_moves_%d_to_%d", i - C_LEVEL_DOWN + 2, i - C_LEVEL_DOWN + 1);
        return;
    }
    if (i >= M_LEVEL_BAND && i < M_LEVEL_BAND + 4 * BAND_COUNT) {
        int l = (i - M_LEVEL_BAND) / BAND_COUNT, b = (i - M_LEVEL_BAND) % BAND_COUNT;
        snprintf(buf, len, "level_%d_age_%s", l + 1, send_ageband_names[b]);
        return;
    }
    if (i >= M_CARE_TYPE && i < M_CARE_TYPE + CARE_COUNT) {
        snprintf(buf, len, "care_%s", send_care_names[i - M_CARE_TYPE]);
        return;
    }
    static const struct {
        int base;
        const char *prefix, *suffix;
        int has_awaiting;
    } families[] = {
        {M_PLACEMENTS, "placements_", "", 1},
        {M_WAITING, "waiting_for_place_", "", 0},
        {M_CAPACITY, "capacity_", "", 0},
        {M_SHORTFALL, "shortfall_", "", 0},
        {C_PLACEMENTS_PEAK, "placements_", "_peak", 1},
        {C_WAITING_PEAK, "waiting_for_place_", "_peak", 0},
        {C_SHORTFALL_PEAK, "shortfall_", "_peak", 0},
        {F_SPEND_PROV, "hn_spend_", "_gbp", 1},
    };
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        int q = i - families[f].base;
        if (q < 0 || q >= PROV_COUNT)
            continue;
        if (q == PROV_AWAITING && !families[f].has_awaiting)
            return; /* a hole: awaiting provision is not a place */
        snprintf(buf, len, "%s%s%s", families[f].prefix, send_provision_names[q],
                 families[f].suffix);
        return;
    }
    snprintf(buf, len, "?unknown index %d", i);
}

static void test_every_index_holds_its_metric(void **state)
{
    (void)state;
    int holes = 0;
    for (int i = 0; i < SEND_METRIC_COUNT; i++) {
        char want[96];
        expected_name(i, want, sizeof want);
        const send_metric_info *mi = send_metric(i);
        if (!want[0]) {
            if (mi)
                fail_msg("index %d should be empty, holds '%s'", i, mi->name);
            holes++;
            continue;
        }
        if (!mi)
            fail_msg("index %d has no metric, expected '%s' (a row deleted?)", i, want);
        if (strcmp(mi->name, want) != 0)
            fail_msg("index %d holds '%s', expected '%s' (rows shifted?)", i, mi->name, want);
    }
    assert_int_equal(holes, 5); /* waiting_for_place_awaiting, capacity_awaiting,
                                   shortfall_awaiting and their _peak rows */
}

static void test_kinds_units_and_names(void **state)
{
    (void)state;
    for (int i = 0; i < SEND_METRIC_COUNT; i++) {
        const send_metric_info *mi = send_metric(i);
        if (!mi)
            continue;
        send_period_kind want = i < M_MONTHLY_COUNT ? SEND_MONTHLY : i < C_CY_END ? SEND_CY
                                                                                 : SEND_FY;
        /* the metrics appended after the first table: stocks monthly, money by FY, the rest
         * counts by calendar year */
        if (i >= M_LEVEL)
            want = (i >= M_LEVEL && i < M_LEVEL + 4) || i == M_CARE || i == M_CARE_EHCP ||
                           (i >= M_CARE_TYPE && i < M_CARE_TYPE + CARE_COUNT) ||
                           i == M_FD_OPEN || i == M_SB_PACKAGES || i == M_SB_WAITING ||
                           i == M_EH_2A || i == M_EH_2B || i == M_EH_WAITING ||
                           (i >= M_LEVEL_BAND && i < M_LEVEL_BAND + 4 * BAND_COUNT) ||
                           i == M_LEVEL_RECORDS || i == M_LEVEL_RECORDS + 1 ||
                           i == M_SB_PANEL_WAITING || i == M_CIN
                       ? SEND_MONTHLY
                   : i == F_CARE_SPEND || i == F_EDGE_SPEND || i == F_SB_SPEND ||
                           i == F_SB_BUDGET || i == F_SB_BALANCE || i == F_EH_SPEND
                       ? SEND_FY
                       : SEND_CY;
        if (mi->kind != want)
            fail_msg("'%s' (index %d) has period kind %d, expected %d", mi->name, i,
                     (int)mi->kind, (int)want);
        assert_non_null(mi->unit);
        assert_true(mi->unit[0] != '\0');
        assert_non_null(mi->description);
        assert_true(mi->description[0] != '\0');
        for (const char *c = mi->name; *c; c++)
            if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_'))
                fail_msg("'%s' is not snake_case", mi->name);
        /* unique, and found by name at its own index */
        assert_int_equal(send_metric_find(mi->name), i);
        if (want == SEND_FY)
            assert_string_equal(mi->unit, "GBP");
    }
    /* capacity and percentages: the units readers format by */
    assert_string_equal(send_metric(M_CAPACITY + PROV_SPECIAL)->unit, "places");
    assert_string_equal(send_metric(C_PCT_20W)->unit, "percent");
    assert_string_equal(send_metric(C_MEAN_WEEKS)->unit, "weeks");
}

static void test_lookup_refuses(void **state)
{
    (void)state;
    assert_null(send_metric(-1));
    assert_null(send_metric(SEND_METRIC_COUNT));
    assert_null(send_metric(M_WAITING + PROV_AWAITING));
    assert_int_equal(send_metric_find("no_such_metric"), -1);
    assert_int_equal(send_metric_find(""), -1);
    assert_int_equal(send_metric_find("EHCP_TOTAL"), -1); /* names are case-sensitive */
    assert_int_equal(send_metric_find("waiting_for_place_awaiting"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_index_holds_its_metric),
        cmocka_unit_test(test_kinds_units_and_names),
        cmocka_unit_test(test_lookup_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
