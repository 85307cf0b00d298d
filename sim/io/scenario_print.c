/* scenario_print.c - the resolved parameters in model units, for `sendsim validate`.
 * Prints only non-default, meaningful values in sections that mirror the scenario format.
 * O(size of the parameter set). */
#include "send_scenario.h"

#include <math.h>

static void date_str(des_date d, char buf[11]) { des_date_format(d, buf); }

static void print_dist(FILE *o, const char *label, const des_dist *d)
{
    static const char *const kind[] = {"constant", "exponential", "gamma", "lognormal",
                                       "weibull", "triangular", "uniform", "empirical",
                                       "discrete", "poisson", "binomial"};
    fprintf(o, "  %-28s %s, mean %.4g days, sd %.4g days\n", label, kind[d->kind],
            des_dist_mean(d), sqrt(des_dist_var(d)));
}

static void print_steps(FILE *o, const char *label, const send_steps *s)
{
    fprintf(o, "  %-28s", label);
    for (int i = 0; i < s->n; i++) {
        char b[11];
        if (s->from[i] <= 0 && i == 0)
            fprintf(o, " %g", s->value[i]);
        else {
            date_str(s->from[i], b);
            fprintf(o, "%s from %s: %g", i ? "," : "", b, s->value[i]);
        }
    }
    fputc('\n', o);
}

static void print_shares(FILE *o, const char *label, const double *v, const char *const *names,
                         int n)
{
    fprintf(o, "  %-28s", label);
    int first = 1;
    for (int i = 0; i < n; i++)
        if (v[i] != 0) {
            fprintf(o, "%s %s %.10g", first ? "" : ",", names[i], v[i]);
            first = 0;
        }
    fputs(first ? " none\n" : "\n", o);
}

/* A scenario with several authorities: one line per authority with its sizes. */
static void print_authorities(const send_params *p, FILE *o)
{
    char a[11], b[11];
    date_str(p->start, a);
    date_str(p->end, b);
    fprintf(o, "scenario %s: %s to %s, %d authorities\n", p->name, a, b, p->n_authorities);
    fprintf(o, "%-28s %9s %11s %11s %9s %8s %14s\n", "authority", "plans", "SEN Support",
            "aged 0-25", "places", "EP FTE", "grant (GBP)");
    double tot[6] = {0};
    for (int i = 0; i < p->n_authorities; i++) {
        const send_params *q = &p->authorities[i];
        double v[6] = {0};
        for (int k = 0; k < BAND_COUNT; k++)
            v[0] += q->initial_band[k];
        v[1] = q->sen_initial;
        for (int k = 0; k < SEND_AGES; k++)
            v[2] += q->population[k];
        for (int k = 0; k < q->n_pools; k++)
            v[3] += q->pools[k].places;
        v[4] = send_steps_at(&q->ep_fte, q->start);
        v[5] = q->grant_n > 0 ? q->grant_fy[0] : q->grant_base;
        fprintf(o, "%-28.28s %9.0f %11.0f %11.0f %9.0f %8.1f %14.0f\n", q->name, v[0], v[1], v[2],
                v[3], v[4], v[5]);
        for (int k = 0; k < 6; k++)
            tot[k] += v[k];
    }
    fprintf(o, "%-28s %9.0f %11.0f %11.0f %9.0f %8.1f %14.0f\n", "total", tot[0], tot[1], tot[2],
            tot[3], tot[4], tot[5]);
    fprintf(o, "(plans and places at the start; each authority's other parameters are its "
               "template's: validate a template to see them)\n");
}

void send_scenario_print(const send_params *p, FILE *o)
{
    char a[11], b[11];
    if (p->n_authorities > 0) {
        print_authorities(p, o);
        return;
    }
    date_str(p->start, a);
    date_str(p->end, b);
    fprintf(o, "scenario %s: %s to %s\n", p->name, a, b);
    fprintf(o, "areas:");
    for (int i = 0; i < p->n_areas; i++)
        fprintf(o, " %s (%.3g)", p->areas[i].name, p->areas[i].share);
    double pop = 0;
    for (int i = 0; i < SEND_AGES; i++)
        pop += p->population[i];
    fprintf(o, "\npopulation:\n  %-28s %.0f\n", "children aged 0-25", pop);
    print_steps(o, "growth per year", &p->population_growth);
    fprintf(o, "sen_support:\n  %-28s %.0f\n  %-28s %.4g per child-year\n  %-28s %d\n",
            "initial", p->sen_initial, "exit rate", p->sen_exit_rate, "leave age", p->sen_leave_age);
    print_steps(o, "entry trend", &p->sen_entry_trend);
    print_shares(o, "need", p->need_share_sen, send_need_names, NEED_COUNT);
    fprintf(o, "requests:\n");
    print_steps(o, "trend", &p->request_trend);
    print_shares(o, "direct per year", p->direct_requests, send_ageband_names, BAND_COUNT);
    for (int i = 0; i < p->n_shocks; i++) {
        date_str(p->shocks[i].from, a);
        date_str(p->shocks[i].to, b);
        fprintf(o, "  %-28s x%.3g from %s to %s\n", "shock", p->shocks[i].multiplier, a, b);
    }
    if (p->ei_active) {
        date_str(p->ei_from, a);
        fprintf(o, "  %-28s -%.0f%% from %s at %.0f GBP per child-year\n", "early intervention",
                100 * p->ei_effect, a, p->ei_cost_per_child);
    }
    fprintf(o, "d1_panel:\n  %-28s every %.3g days from day %.3g, %d cases per sitting\n",
            "sittings", p->d1_period, p->d1_first, p->d1_capacity);
    print_dist(o, "preparation", &p->d1_prep);
    print_steps(o, "refusal share", &p->d1_refusal);
    fprintf(o, "  %-28s mediation %.3g, appeal %.3g, parents win %.3g\n", "after refusal",
            p->p_mediation, p->p_appeal, p->p_parent_win);
    print_dist(o, "mediation time", &p->mediation_time);
    print_dist(o, "tribunal time", &p->tribunal_time);
    fprintf(o, "  %-28s refusal to issue %.3g; placement %.3g (mediated first %.3g), parents "
               "win %.3g -> %s\n",
            "appeals", p->p_appeal_no_issue, p->p_appeal_placement, p->p_placement_mediation,
            p->p_placement_win, send_provision_names[p->placement_won_provision]);
    /* optional series: shown only when the scenario gives them */
    if (p->requests_observed.n)
        print_steps(o, "observed requests per year", &p->requests_observed);
    if (p->d1_capacity_steps.n)
        print_steps(o, "D1 cases per sitting by date", &p->d1_capacity_steps);
    if (p->d2_capacity_steps.n)
        print_steps(o, "D2 cases per sitting by date", &p->d2_capacity_steps);
    double mean_w = des_dist_mean(&p->ep_duration) / 7.0;
    double fte0 = send_steps_at(&p->ep_fte, p->start);
    double slots = fte0 * p->ep_hours_per_fte_week * mean_w / p->ep_hours_per_assessment;
    fprintf(o, "assessment:\n  %-28s %.4g FTE x %.4g h/week, %.4g h per assessment -> %.0f "
               "concurrent assessments, %.0f a year\n",
            "educational psychologists", fte0, p->ep_hours_per_fte_week,
            p->ep_hours_per_assessment, floor(slots + 0.5),
            mean_w > 0 ? floor(slots + 0.5) / mean_w * 52.18 : INFINITY);
    print_steps(o, "EP FTE by date", &p->ep_fte);
    print_dist(o, "EP advice", &p->ep_duration);
    print_steps(o, "health advice slots by date", &p->health_slots);
    print_dist(o, "health advice", &p->health_duration);
    fprintf(o, "  %-28s %.3g of assessments\n", "social care advice", p->p_social_advice);
    print_steps(o, "social care slots by date", &p->social_slots);
    print_steps(o, "assessment caseworkers (FTE)", &p->caseworker_fte);
    fprintf(o, "  %-28s %.4g assessments per FTE at once\n", "caseworker caseload",
            p->caseload_per_officer);
    print_dist(o, "social care advice", &p->social_duration);
    fprintf(o, "d2_panel:\n  %-28s every %.3g days from day %.3g, %d cases per sitting, "
               "issue %.3g\n",
            "sittings", p->d2_period, p->d2_first, p->d2_capacity, p->p_issue);
    print_dist(o, "draft", &p->draft_time);
    print_dist(o, "consultation", &p->consult_time);
    print_steps(o, "late for other reasons", &p->late_share);
    print_dist(o, "late plans issued after", &p->late_by);
    fprintf(o, "placement:\n");
    for (int ph = 0; ph < PHASE_COUNT; ph++)
        print_shares(o, send_phase_names[ph], p->choice[ph], send_provision_names, PROV_COUNT);
    fprintf(o, "  %-28s %.4g days, then %s\n", "maximum wait for a place", p->max_wait_days,
            send_provision_names[p->overflow_provision]);
    fprintf(o, "  %-28s %s\n", "local special place first",
            p->local_first ? "yes: an independent choice takes a free special place" : "no");
    const char *fb = p->fallback_general && p->fallback_out_of_area
                         ? "a free place in a less specific pool of its area, then another area's"
                     : p->fallback_general     ? "a free place in a less specific pool of its area"
                     : p->fallback_out_of_area ? "a free place in another area's pool"
                                               : "no fallback: it waits for its own pool";
    fprintf(o, "  %-28s %s\n", "when a child's pool is full", fb);
    if (p->indep_reduction > 0) {
        date_str(p->indep_reduction_from, a);
        fprintf(o, "  %-28s %.3g a year from %s\n", "independent reduction", p->indep_reduction, a);
    }
    fprintf(o, "places:\n");
    for (int i = 0; i < p->n_pools; i++) {
        const send_pool_spec *s = &p->pools[i];
        fprintf(o, "  %-28s %d places (area %s, need %s)\n", send_provision_names[s->provision],
                s->places, s->area < 0 ? "any" : p->areas[s->area].name,
                s->need < 0 ? "any" : send_need_names[s->need]);
    }
    for (int i = 0; i < p->n_builds; i++) {
        const send_build *s = &p->builds[i];
        date_str(s->opens, a);
        fprintf(o, "  %-28s %+d places from %s%s\n", send_provision_names[s->provision], s->count,
                a, s->has_delay ? " plus a random delay" : "");
        if (s->has_delay)
            print_dist(o, "  build delay", &s->delay);
    }
    fprintf(o, "reviews:\n  %-28s %.4g reviews a year per FTE\n", "caseworkers",
            p->reviews_per_fte_year);
    print_steps(o, "caseworker FTE by date", &p->review_fte);
    fprintf(o, "ceasing:\n  %-28s %.4g per plan-year; age limit %d\n", "moved away",
            p->cease_moved_rate, p->cease_age);
    fprintf(o, "initial:\n");
    print_shares(o, "plans by age", p->initial_band, send_ageband_names, BAND_COUNT);
    print_shares(o, "plans by placement", p->initial_prov, send_provision_names, PROV_COUNT);
    fprintf(o, "finance:\n");
    print_shares(o, "top-up or fee (GBP)", p->cost, send_provision_names, PROV_COUNT);
    print_shares(o, "place funding (GBP)", p->place_funding, send_provision_names, PROV_COUNT);
    print_shares(o, "inflation", p->inflation, send_provision_names, PROV_COUNT);
    fprintf(o, "  %-28s %.0f GBP per child-year (general fund%s)\n", "transport",
            p->transport_cost, p->dsg_transport ? ", counted in the DSG" : "");
    if (p->grant_n > 0)
        fprintf(o, "  %-28s %.0f GBP in %04d-%02d, %d years given, then growing %.3g a year\n",
                "high-needs allocation", p->grant_fy[0], p->grant_fy0, (p->grant_fy0 + 1) % 100,
                p->grant_n, p->grant_growth);
    else
        fprintf(o, "  %-28s %.0f GBP, growing %.3g a year\n", "high-needs allocation",
                p->grant_base, p->grant_growth);
    if (p->grant_year_sd > 0) {
        int known = send_grant_published_years(p);
        if (known == 0)
            fprintf(o, "  %-28s log sd %.3g a year from the first year (none published)\n",
                    "allocation uncertainty", p->grant_year_sd);
        else
            fprintf(o, "  %-28s log sd %.3g a year after the first %d year%s (published)\n",
                    "allocation uncertainty", p->grant_year_sd, known, known == 1 ? "" : "s");
    }
    fprintf(o, "  %-28s %.0f GBP (negative = deficit)\n", "opening DSG balance",
            p->opening_balance);
    /* the services beside the EHC pathway, when enabled */
    if (p->levels_on)
        fprintf(o, "levels:\n  %-28s level 2 %.3g, level 3 %.3g, level 4 %.3g\n",
                "shares at the start", p->level_share[0], p->level_share[1], p->level_share[2]);
    if (p->levels_on && p->levels_from_records)
        fprintf(o, "  %-28s plan holders and children in care at levels 3-4\n", "records");
    if (p->care_on) {
        fprintf(o, "care:\n  %-28s %.0f at the start, %.4g entries a year, exits %.3g and moves "
                   "%.3g per child-year, %.3g with an EHC plan\n",
                "children in care", p->care_initial, p->care_entries, p->care_exit_rate,
                p->care_move_rate, p->care_ehcp_share);
        print_shares(o, "placement mix", p->care_mix, send_care_names, CARE_COUNT);
        print_shares(o, "weekly cost (GBP)", p->care_weekly, send_care_names, CARE_COUNT);
        fprintf(o, "  %-28s %.3g a year; EHC plans %s\n", "cost inflation", p->care_inflation,
                p->care_link_plans ? "those of plan holders" : "an independent count");
        if (p->edge_active) {
            date_str(p->edge_from, a);
            fprintf(o, "  %-28s -%.0f%% entries from %s at %.0f GBP a year\n", "edge of care",
                    100 * p->edge_effect, a, p->edge_cost);
        }
    }
    if (p->fd_on) {
        fprintf(o, "front_door:\n  %-28s %.4g contacts a year, referral %.3g, assessment %.3g, "
                   "core %.3g, %.0f social-worker slots\n",
                "funnel", p->fd_contacts, p->fd_p_referral, p->fd_p_assess, p->fd_p_core,
                p->fd_slots);
        print_dist(o, "initial assessment", &p->fd_initial_time);
        print_dist(o, "core assessment", &p->fd_core_time);
        fprintf(o, "  %-28s initial %.4g days, core %.4g days\n", "time limits",
                p->fd_initial_limit, p->fd_core_limit);
    }
    if (p->sb_on) {
        fprintf(o, "short_breaks:\n  %-28s %.0f at the start, %.4g requests a year, capacity "
                   "%.0f, %.0f GBP per package-year rising %.3g a year\n",
                "packages", p->sb_initial, p->sb_requests, p->sb_capacity, p->sb_cost,
                p->sb_inflation);
        if (p->sb_panel_period > 0)
            fprintf(o, "  %-28s every %.3g days, %d a sitting\n", "short-break panel",
                    p->sb_panel_period, p->sb_panel_capacity);
    }
    if (p->eh_on)
        fprintf(o, "early_help:\n  %-28s %.4g a year, %.3g needing a lead professional; %s "
                   "every %.3g days, %d a sitting; %.0f lead-professional places; %.3g requests "
                   "averted per 2b case-year\n",
                "common assessments", p->eh_cafs, p->eh_p_lead,
                p->eh_panel_per_area && p->n_areas > 1 ? "a panel per area" : "panel",
                p->eh_panel_period, p->eh_panel_capacity, p->eh_lead_professionals,
                p->eh_requests_averted);
}
