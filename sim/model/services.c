/* services.c - the services beside the EHC pathway grouped for budget holders: one row per
 * metric saying which service it belongs to and its plain name (send_services.h). The table
 * is data, read by the workbook, the charts' tables, the report and the tests.
 *
 * Invariant: every metric from M_LEVEL on appears in exactly one row (tests/test_service_outputs.c).
 * Lookups are linear scans of about 80 rows, done once per sheet or table, never in the event
 * loop.
 */
#include "send_services.h"

#include <string.h>

const send_service_info send_services[SEND_SVC_COUNT] = {
    [SEND_SVC_LEVELS] = {"levels", "Levels",
                         "Children at each level of need, 1 (universal) to 4 (highly "
                         "specialist), and the moves between levels",
                         NULL},
    [SEND_SVC_EARLY_HELP] = {"early-help", "Early help",
                             "Early help at level 2: Common Assessments (2a), lead "
                             "professionals through the area panel (2b), and its cost",
                             "early help (social care; not high-needs)"},
    [SEND_SVC_FRONT_DOOR] = {"front-door", "Front door",
                             "The social-care front door: contacts, referrals, assessments, "
                             "their on-time shares and outcomes",
                             NULL},
    [SEND_SVC_CARE] = {"care", "Children in care",
                       "Children in care by placement type, entries, exits and moves, and "
                       "their cost to the social-care budget",
                       "social care (not high-needs)"},
    [SEND_SVC_SHORT_BREAKS] = {"short-breaks", "Short breaks",
                               "Short breaks for disabled children: packages, waiting, and the "
                               "short-breaks budget",
                               "the short-breaks budget (not high-needs)"},
};

#define LV(l, b, words)                                                                       \
    {SEND_SVC_LEVELS, M_LEVEL_BAND + ((l) - 1) * BAND_COUNT + (b), "Level " #l ", " words,     \
     "Level " #l " by age band (academic age)"}
#define LEVEL_BANDS(l)                                                                        \
    LV(l, BAND_UNDER5, "under 5"), LV(l, BAND_5_10, "aged 5 to 10"),                          \
        LV(l, BAND_11_15, "aged 11 to 15"), LV(l, BAND_16_19, "aged 16 to 19"),               \
        LV(l, BAND_20_25, "aged 20 to 25")

const send_service_line send_service_lines[] = {
    /* levels */
    {SEND_SVC_LEVELS, M_LEVEL + 0, "Level 1 (universal)", NULL},
    {SEND_SVC_LEVELS, M_LEVEL + 1, "Level 2 (targeted: early help, SEN Support)", NULL},
    {SEND_SVC_LEVELS, M_LEVEL + 2, "Level 3 (specialist: EHC plan, child in need)", NULL},
    {SEND_SVC_LEVELS, M_LEVEL + 3, "Level 4 (highly specialist)", NULL},
    {SEND_SVC_LEVELS, M_LEVEL_RECORDS + 0, "Level 3 from records (plan holders, children in care)",
     "Levels 3 and 4 from the pathway's records"},
    {SEND_SVC_LEVELS, M_LEVEL_RECORDS + 1, "Level 4 from records (level-4 packages, residential care)",
     "Levels 3 and 4 from the pathway's records"},
    LEVEL_BANDS(1), LEVEL_BANDS(2), LEVEL_BANDS(3), LEVEL_BANDS(4),
    {SEND_SVC_LEVELS, C_LEVEL_UP + 0, "Level 1 up to 2", "Moves up"},
    {SEND_SVC_LEVELS, C_LEVEL_UP + 1, "Level 2 up to 3", "Moves up"},
    {SEND_SVC_LEVELS, C_LEVEL_UP + 2, "Level 3 up to 4", "Moves up"},
    {SEND_SVC_LEVELS, C_LEVEL_DOWN + 0, "Level 2 down to 1", "Moves down"},
    {SEND_SVC_LEVELS, C_LEVEL_DOWN + 1, "Level 3 down to 2", "Moves down"},
    {SEND_SVC_LEVELS, C_LEVEL_DOWN + 2, "Level 4 down to 3", "Moves down"},
    /* early help */
    {SEND_SVC_EARLY_HELP, F_EH_SPEND, "Lead-professional (2b) cases", NULL},
    {SEND_SVC_EARLY_HELP, M_EH_2A, "Open 2a episodes (Common Assessment)", NULL},
    {SEND_SVC_EARLY_HELP, M_EH_2B, "Open 2b episodes (lead professional)", NULL},
    {SEND_SVC_EARLY_HELP, M_EH_WAITING, "2b cases waiting for the panel or a lead professional",
     NULL},
    {SEND_SVC_EARLY_HELP, C_EH_CAFS, "Common Assessments started", NULL},
    {SEND_SVC_EARLY_HELP, C_EH_HEARD, "Cases heard by the area panel", NULL},
    /* the front door */
    {SEND_SVC_FRONT_DOOR, C_CONTACTS, "Contacts", "Funnel"},
    {SEND_SVC_FRONT_DOOR, C_REFERRALS, "Referrals", "Funnel"},
    {SEND_SVC_FRONT_DOOR, C_INITIAL, "Initial (single) assessments completed", "Funnel"},
    {SEND_SVC_FRONT_DOOR, C_CORE, "Core assessments completed", "Funnel"},
    {SEND_SVC_FRONT_DOOR, C_INITIAL_ON_TIME, "Initial assessments on time", "On time"},
    {SEND_SVC_FRONT_DOOR, C_PCT_INITIAL_ON_TIME, "Initial assessments on time", "On time"},
    {SEND_SVC_FRONT_DOOR, C_CORE_ON_TIME, "Core assessments on time", "On time"},
    {SEND_SVC_FRONT_DOOR, C_PCT_CORE_ON_TIME, "Core assessments on time", "On time"},
    {SEND_SVC_FRONT_DOOR, C_CIN_STARTS, "Child in need plans", "Outcomes"},
    {SEND_SVC_FRONT_DOOR, C_CP_STARTS, "Child protection plans", "Outcomes"},
    {SEND_SVC_FRONT_DOOR, C_CARE_FROM_FD, "Into care", "Outcomes"},
    {SEND_SVC_FRONT_DOOR, M_FD_OPEN, "Assessments waiting or under way", NULL},
    /* children in care */
    {SEND_SVC_CARE, F_CARE_SPEND, "Placements of children in care", "Cost to social care"},
    {SEND_SVC_CARE, F_EDGE_SPEND, "Edge-of-care support", "Cost to social care"},
    {SEND_SVC_CARE, M_CARE, "Children in care", NULL},
    {SEND_SVC_CARE, M_CARE_EHCP, "of them with an EHC plan", NULL},
    {SEND_SVC_CARE, M_CARE_TYPE + CARE_IN_HOUSE_FOSTER, "In-house foster care", "By placement type"},
    {SEND_SVC_CARE, M_CARE_TYPE + CARE_IFA, "Independent fostering agency", "By placement type"},
    {SEND_SVC_CARE, M_CARE_TYPE + CARE_KINSHIP, "Kinship or connected carers", "By placement type"},
    {SEND_SVC_CARE, M_CARE_TYPE + CARE_RESIDENTIAL, "External residential home", "By placement type"},
    {SEND_SVC_CARE, M_CARE_TYPE + CARE_SUPPORTED_LODGINGS, "16+ supported lodgings",
     "By placement type"},
    {SEND_SVC_CARE, M_CARE_TYPE + CARE_EXTERNAL_16PLUS, "External 16+ accommodation",
     "By placement type"},
    {SEND_SVC_CARE, C_CARE_ENTRIES, "Entries into care", NULL},
    {SEND_SVC_CARE, C_CARE_EXITS, "Exits from care", NULL},
    {SEND_SVC_CARE, C_CARE_MOVES, "Placement moves (breakdowns)", NULL},
    /* short breaks */
    {SEND_SVC_SHORT_BREAKS, F_SB_BUDGET, "Budget", NULL},
    {SEND_SVC_SHORT_BREAKS, F_SB_SPEND, "Spend", NULL},
    {SEND_SVC_SHORT_BREAKS, F_SB_BALANCE, "Budget less spend (negative = overspend)", NULL},
    {SEND_SVC_SHORT_BREAKS, M_SB_PACKAGES, "Packages running", NULL},
    {SEND_SVC_SHORT_BREAKS, M_SB_WAITING, "Requests waiting for a package", NULL},
    {SEND_SVC_SHORT_BREAKS, C_SB_STARTS, "Packages started", NULL},
    {SEND_SVC_SHORT_BREAKS, M_SB_PANEL_WAITING, "Requests waiting for the short-break panel",
     "Short-break panel"},
    {SEND_SVC_SHORT_BREAKS, C_SB_HEARD, "Requests heard by the short-break panel",
     "Short-break panel"},
    {SEND_SVC_SHORT_BREAKS, C_SB_HOURS, "Hours of short breaks delivered", NULL},
    {SEND_SVC_FRONT_DOOR, M_CIN, "Children in need (open cases)", NULL},
};
const int send_service_n_lines = (int)(sizeof send_service_lines / sizeof send_service_lines[0]);

int send_service_line_of(int metric)
{
    for (int i = 0; i < send_service_n_lines; i++)
        if (send_service_lines[i].metric == metric)
            return i;
    return -1;
}

int send_service_ran(const send_results *res, send_service s)
{
    for (int i = 0; i < send_service_n_lines; i++)
        if (send_service_lines[i].service == s &&
            send_results_has_value(res, send_service_lines[i].metric))
            return 1;
    return 0;
}

const char *send_unit_words(const char *unit)
{
    if (!unit)
        return "";
    if (!strcmp(unit, "GBP"))
        return "\xC2\xA3";
    if (!strcmp(unit, "percent"))
        return "%";
    return unit;
}
