/* params.c - the model's vocabularies (needs, provisions, phases, age bands), step functions,
 * and parameter defaults and consistency checks.
 *
 * Defaults are neutral (nothing happens): a scenario file supplies the real values. Checks
 * here are the model's own invariants (shares sum to 1, compatible ranges); the scenario loader
 * reports errors with file positions before these run, so these are a second line of defence
 * for parameters built by hand (tests, calibration). All O(size of the parameter set).
 */
#include "send_model.h"
#include "model_internal.h"
#include "send_keys.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const send_need_names[NEED_COUNT] = {
    "autism", "semh", "slcn", "mld", "sld_pmld", "physical_sensory", "other"};

const char *const send_provision_names[PROV_COUNT] = {
    "mainstream", "resourced", "special", "independent", "residential", "fe_college",
    "specialist_post16", "ap", "early_years", "other", "awaiting"};

const char *const send_phase_names[PHASE_COUNT] = {"early_years", "primary", "secondary",
                                                   "post16", "post19"};

const char *const send_stage_names[SEND_NSTAGE] = {"caseworker", "ep", "health",
                                                   "social_care"};

const char *const send_ageband_names[BAND_COUNT] = {"under5", "5_10", "11_15", "16_19",
                                                    "20_25"};

const char *const send_care_names[CARE_COUNT] = {
    "in_house_foster", "independent_fostering", "kinship", "residential", "supported_lodgings",
    "external_16plus"};

send_phase send_phase_of_age(int age)
{
    if (age < 4)
        return PHASE_EARLY;
    if (age < 11)
        return PHASE_PRIMARY;
    if (age < 16)
        return PHASE_SECONDARY;
    if (age < 19)
        return PHASE_POST16;
    return PHASE_POST19;
}

send_ageband send_ageband_of_age(int age)
{
    if (age < 5)
        return BAND_UNDER5;
    if (age < 11)
        return BAND_5_10;
    if (age < 16)
        return BAND_11_15;
    if (age < 20)
        return BAND_16_19;
    return BAND_20_25;
}

int send_provision_is_place(send_provision p) { return p != PROV_AWAITING && p < PROV_COUNT; }

double send_steps_at(const send_steps *s, des_date day)
{
    if (s->n == 0)
        return 0.0;
    int i = 0;
    while (i + 1 < s->n && s->from[i + 1] <= day)
        i++;
    return s->value[i];
}

void send_steps_const(send_steps *s, double v)
{
    memset(s, 0, sizeof *s);
    s->n = 1;
    s->from[0] = INT32_MIN;
    s->value[0] = v;
}

void send_params_init(send_params *p)
{
    memset(p, 0, sizeof *p);
    strcpy(p->name, "unnamed");
    p->start = des_date_from_ymd(2019, 1, 1);
    p->end = des_date_from_ymd(2019, 12, 31);
    p->n_areas = 1;
    strcpy(p->areas[0].name, "all");
    p->areas[0].share = 1.0;
    send_steps_const(&p->population_growth, 0.0);
    send_steps_const(&p->sen_entry_trend, 1.0);
    send_steps_const(&p->request_trend, 1.0);
    send_steps_const(&p->d1_refusal, 0.0);
    p->sen_leave_age = 16;
    for (int n = 0; n < NEED_COUNT; n++) {
        p->request_need_mult[n] = 1.0;
        for (int q = 0; q < PROV_COUNT; q++)
            p->need_mult[n][q] = 1.0;
    }
    p->need_share_sen[NEED_OTHER] = 1.0;
    p->need_share_direct[NEED_OTHER] = 1.0;
    p->need_share_plans[NEED_OTHER] = 1.0;
    p->d1_period = 7.0;
    p->d1_capacity = 1000000;
    p->grant_published = 1000; /* every year of an allocation series published */
    p->cost_level = 1;
    p->d2_period = 7.0;
    p->d2_capacity = 1000000;
    p->l4_period = 28.0;
    p->l4_capacity = 1000000;
    p->p_issue = 1.0;
    p->p_parent_win = 1.0;
    p->ep_hours_per_assessment = 1.0;
    p->ep_hours_per_fte_week = 1.0;
    send_steps_const(&p->ep_fte, 1.0);
    des_dist_constant(&p->ep_duration, 0.0, NULL);
    des_dist_constant(&p->health_duration, 0.0, NULL);
    des_dist_constant(&p->social_duration, 0.0, NULL);
    des_dist_constant(&p->d1_prep, 0.0, NULL);
    des_dist_constant(&p->mediation_time, 0.0, NULL);
    des_dist_constant(&p->tribunal_time, 0.0, NULL);
    des_dist_constant(&p->draft_time, 0.0, NULL);
    des_dist_constant(&p->consult_time, 0.0, NULL);
    send_steps_const(&p->late_share, 0.0);
    des_dist_constant(&p->late_by, 0.0, NULL);
    send_steps_const(&p->health_slots, 1e6);
    send_steps_const(&p->social_slots, 1e6);
    send_steps_const(&p->caseworker_fte, 1e6);
    p->caseload_per_officer = 1;
    p->p_placement_win = 1.0;
    p->placement_won_provision = PROV_INDEPENDENT;
    send_steps_const(&p->review_fte, 1e6);
    p->reviews_per_fte_year = 1e6;
    for (int ph = 0; ph < PHASE_COUNT; ph++)
        p->choice[ph][PROV_MAINSTREAM] = 1.0;
    p->overflow_provision = PROV_INDEPENDENT;
    p->cease_age = 25;
    p->l4_share_education = 1.0;
    p->ei_from = p->start;
    p->indep_reduction_from = p->start;
    p->fallback_general = 1;
    p->fallback_out_of_area = 1;
    /* ages each provision admits: the rules the model always had */
    static const double lo[PROV_COUNT] = {
        [PROV_MAINSTREAM] = 2, [PROV_RESOURCED] = 2, [PROV_SPECIAL] = 2, [PROV_AP] = 2,
        [PROV_FE_COLLEGE] = 16, [PROV_SPECIALIST_POST16] = 16, [PROV_INDEPENDENT] = 4,
        [PROV_RESIDENTIAL] = 4};
    for (int q = 0; q < PROV_COUNT; q++) {
        p->age_min[q] = lo[q];
        p->age_max[q] = SEND_MAX_AGE;
    }
    p->age_max[PROV_EARLY_YEARS] = 4;
    p->age_max[PROV_MAINSTREAM] = p->age_max[PROV_RESOURCED] = p->age_max[PROV_SPECIAL] =
        p->age_max[PROV_AP] = 18;
    p->l4_from[PROV_SPECIAL] = p->l4_from[PROV_INDEPENDENT] = 1;
    p->opening_interim_days = 91.3;
    for (int b = 0; b < SEND_BANDS; b++)
        p->band_factor[b] = 1.0;
    p->fee_cap_from = p->start;
    /* the services beside the EHC pathway: off, and neutral when switched on */
    p->care_mix[CARE_IN_HOUSE_FOSTER] = 1.0;
    p->edge_from = p->start;
    p->fd_p_referral = 1.0;
    p->fd_p_assess = 1.0;
    p->fd_slots = 1e6;
    des_dist_constant(&p->fd_initial_time, 0.0, NULL);
    des_dist_constant(&p->fd_core_time, 0.0, NULL);
    p->fd_initial_limit = 9.0; /* 7 working days */
    p->fd_core_limit = 49.0;   /* 35 working days */
    p->sb_capacity = 1e6;
    p->eh_panel_period = 28.0;
    p->eh_panel_capacity = 1000000;
    p->eh_lead_professionals = 1e6;
    send_steps_const(&p->sb_budget, 0.0);
    p->p_needs_met_to_sen = 1.0;
    static const int transfer_age[4] = {4, 11, 16, 19};
    memcpy(p->transfer_age, transfer_age, sizeof transfer_age);
    p->review_ms_from[PROV_MAINSTREAM] = p->review_ms_from[PROV_RESOURCED] = 1.0;
    p->review_sm_from[PROV_SPECIAL] = 1.0;
    p->levels_from_records = 1;
    p->care_link_plans = 1;
    p->sb_panel_capacity = 1000000;
    p->sb_disabled_share = 1; /* every child at levels 3-4 counts unless a share is set */
}

void send_params_free(send_params *p)
{
    if (!p)
        return;
    des_dist *d[] = {&p->d1_prep, &p->mediation_time, &p->tribunal_time, &p->ep_duration,
                     &p->health_duration, &p->social_duration, &p->draft_time,
                     &p->consult_time, &p->late_by, &p->fd_initial_time, &p->fd_core_time};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        des_dist_free(d[i]);
    for (int b = 0; b < p->n_builds; b++)
        des_dist_free(&p->builds[b].delay);
    for (int a = 0; a < p->n_authorities; a++)
        send_params_free(&p->authorities[a]);
    free(p->authorities);
    p->authorities = NULL;
    p->n_authorities = 0;
    send_ensemble_free(p->ensemble);
    p->ensemble = NULL;
}

void send_ensemble_free(send_ensemble *e)
{
    if (!e)
        return;
    free(e->values);
    free(e->weights);
    free(e->discrepancy);
    free(e);
}

static int check_shares(const double *v, int n, const char *what, des_error *err)
{
    double sum = 0;
    for (int i = 0; i < n; i++) {
        if (!(v[i] >= 0 && v[i] <= 1))
            return des_error_set(err, DES_EINVAL, "'%s' shares must lie in [0, 1]", what);
        sum += v[i];
    }
    if (fabs(sum - 1.0) > 1e-3)
        return des_error_set(err, DES_EINVAL, "'%s' shares must sum to 1, got %.4g", what, sum);
    return DES_OK;
}

int send_params_check(const send_params *p, des_error *err)
{
    int y, m, d;
    des_date_to_ymd(p->start, &y, &m, &d);
    if (d != 1)
        return des_error_set(err, DES_EINVAL, "'start' must be the first day of a month");
    if (p->end < p->start)
        return des_error_set(err, DES_EINVAL, "'end' must not be before 'start'");
    if (p->n_areas < 1 || p->n_areas > SEND_MAX_AREAS)
        return des_error_set(err, DES_EINVAL, "between 1 and %d areas expected", SEND_MAX_AREAS);
    double area_share[SEND_MAX_AREAS];
    for (int a = 0; a < p->n_areas; a++)
        area_share[a] = p->areas[a].share;
    if (check_shares(area_share, p->n_areas, "areas", err))
        return err ? err->code : DES_EINVAL;
    if (check_shares(p->need_share_sen, NEED_COUNT, "sen_support.need", err) ||
        check_shares(p->need_share_direct, NEED_COUNT, "requests.direct_need", err) ||
        check_shares(p->need_share_plans, NEED_COUNT, "initial.need", err))
        return DES_EINVAL;
    for (int ph = 0; ph < PHASE_COUNT; ph++)
        if (check_shares(p->choice[ph], PROV_COUNT, send_phase_names[ph], err))
            return DES_EINVAL;
    for (int k = 0; k < 4; k++)
        for (int f = 0; f < PROV_COUNT; f++)
            if (p->transfer_set[k][f] &&
                check_shares(p->transfer[k][f], PROV_COUNT, send_provision_names[f], err))
                return DES_EINVAL;
    /* Every share-valued key of the table, named by its scenario path. */
    for (size_t i = 0; i < send_key_count(); i++) {
        const send_key *k = send_key_at(i);
        if (k->type != SEND_KEY_SHARE || !send_key_is_numeric(k))
            continue;
        double v = *(const double *)((const char *)p + k->offset); /* a share is a double */
        if (!(v >= k->lo && v <= k->hi))
            return des_error_set(err, DES_EINVAL, "'%s' must be a probability in [0, 1], got %g",
                                 k->path, v);
    }
    if (check_shares(p->care_mix, CARE_COUNT, "care.placement_mix", err))
        return DES_EINVAL;
    if (p->fd_p_cin + p->fd_p_cp + p->fd_p_care > 1 + 1e-9)
        return des_error_set(err, DES_EINVAL,
                             "'front_door' outcome shares (child_in_need, child_protection, "
                             "care) must sum to at most 1, got %g",
                             p->fd_p_cin + p->fd_p_cp + p->fd_p_care);
    if (p->level_share[0] + p->level_share[1] + p->level_share[2] > 1 + 1e-9)
        return des_error_set(err, DES_EINVAL,
                             "'levels.share' shares of levels 2-4 must sum to at most 1, got %g",
                             p->level_share[0] + p->level_share[1] + p->level_share[2]);
    if (p->d1_period < 0 || p->d2_period < 0 || p->l4_period < 0)
        return des_error_set(err, DES_EINVAL, "panel periods must not be negative");
    if (p->d1_capacity < 1 || p->d2_capacity < 1 || p->l4_capacity < 1)
        return des_error_set(err, DES_EINVAL, "panel capacities must be at least 1");
    if (!(p->ep_hours_per_assessment > 0) || !(p->ep_hours_per_fte_week > 0))
        return des_error_set(err, DES_EINVAL, "EP hours must be positive");
    if (p->cease_age < 1 || p->cease_age > SEND_MAX_AGE)
        return des_error_set(err, DES_EINVAL, "'cease_age' must be in [1, %d]", SEND_MAX_AGE);
    for (int q = 0; q < PROV_COUNT; q++)
        if (!(p->age_min[q] <= p->age_max[q]))
            return des_error_set(err, DES_EINVAL,
                                 "'placement.ages.from.%s' (%g) must not be above "
                                 "'placement.ages.to.%s' (%g)",
                                 send_provision_names[q], p->age_min[q],
                                 send_provision_names[q], p->age_max[q]);
    if (!(p->opening_interim_days > 0))
        return des_error_set(err, DES_EINVAL, "'initial.awaiting_interim' must be above 0 days");
    for (int k = 0; k < 4; k++)
        if (p->transfer_age[k] < 1 || p->transfer_age[k] > SEND_MAX_AGE ||
            (k > 0 && p->transfer_age[k] <= p->transfer_age[k - 1]))
            return des_error_set(err, DES_EINVAL,
                                 "transfer ages must rise within [1, %d]", SEND_MAX_AGE);
    for (int i = 0; i < p->n_pools; i++) {
        const send_pool_spec *s = &p->pools[i];
        if (!send_provision_is_place((send_provision)s->provision) || s->area >= p->n_areas ||
            s->need >= NEED_COUNT || s->places < 0)
            return des_error_set(err, DES_EINVAL, "places pool %d is malformed", i);
        for (int j = 0; j < i; j++)
            if (p->pools[j].provision == s->provision && p->pools[j].area == s->area &&
                p->pools[j].need == s->need)
                return des_error_set(err, DES_EINVAL, "places pool for '%s' given twice",
                                     send_provision_names[s->provision]);
    }
    if (fin_check(p, err))
        return DES_EINVAL;
    for (int b = 0; b < p->n_builds; b++) {
        const send_build *bd = &p->builds[b];
        int found = 0;
        for (int i = 0; i < p->n_pools; i++)
            if (p->pools[i].provision == bd->provision && p->pools[i].area == bd->area &&
                p->pools[i].need == bd->need)
                found = 1;
        if (!found)
            return des_error_set(err, DES_EINVAL,
                                 "new places for '%s' name no places pool with that area and need",
                                 send_provision_names[bd->provision]);
    }
    return DES_OK;
}
