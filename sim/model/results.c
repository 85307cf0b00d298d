/* results.c - the results of a run: their release, the one across-replication estimator, the
 * per-authority headlines, and paired differences between runs with their one pairing check
 * and one verdict rule.
 *
 * Invariants: every statistic a program prints, plots, exports or reports comes from
 * send_stat_of (so the summary CSV, charts, workbook and page agree to the last digit); a
 * summary is a function of the replications alone, whatever the thread count (each metric's
 * statistics are computed by one thread from the values in replication order). Paired
 * differences use the same interpolation as the summaries; the 95% interval of their mean is
 * mean -/+ t(0.975, n-1) sd / sqrt(n), which exists only for n >= 2 (or when every difference
 * is 0, where it is [0, 0]).
 *
 * Cost: send_stat_of O(n log n); send_results_summarise O(metrics x periods x n log n);
 * send_paired_diff O(n log n).
 */
#include "send_results.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "des_stats.h"

const double send_quantile_levels[SEND_NQ] = {5, 10, 25, 50, 75, 90, 95};

const int send_auth_headline_metric[SEND_AUTH_HEADLINES] = {M_EHCP_TOTAL, C_NEW_PLANS, C_PCT_20W,
                                                            F_SPEND, F_DSG_BALANCE};

const int send_compare_metrics[] = {
    M_EHCP_TOTAL, M_SEN_SUPPORT, C_REQUESTS, C_NEW_PLANS, C_PCT_20W, C_MEAN_WEEKS,
    M_ASSESSMENT_QUEUE, M_PLACEMENTS + PROV_SPECIAL, M_PLACEMENTS + PROV_INDEPENDENT,
    /* waits at the busiest month first, then on the census day (January, their low point) */
    C_WAITING_TOTAL_PEAK, C_WAITING_PEAK + PROV_SPECIAL, C_SHORTFALL_PEAK + PROV_SPECIAL,
    M_WAITING + PROV_SPECIAL, M_SHORTFALL + PROV_SPECIAL,
    C_WAITED_FOR_PLACE, C_OVERFLOW,
    /* the DSG high-needs summary, line by line, in the management plan's order */
    F_DSG_LINE + DSG_ALLOCATION, F_DSG_LINE + DSG_IMPORT_EXPORT, F_DSG_LINE + DSG_SCHOOLS_TRANSFER,
    F_DSG_LINE + DSG_OTHER_INCOME, F_INCOME, F_DSG_LINE + DSG_PLACE_SPECIAL,
    F_DSG_LINE + DSG_PLACE_RESOURCED, F_DSG_LINE + DSG_PLACE_AP, F_DSG_LINE + DSG_PLACE_POST16,
    F_DSG_LINE + DSG_TOPUP_EARLY_YEARS, F_DSG_LINE + DSG_TOPUP_MAINSTREAM,
    F_DSG_LINE + DSG_TOPUP_RESOURCED, F_DSG_LINE + DSG_TOPUP_SPECIAL, F_DSG_LINE + DSG_INDEPENDENT,
    F_DSG_LINE + DSG_AP, F_DSG_LINE + DSG_POST16, F_DSG_LINE + DSG_LEVEL4,
    F_DSG_LINE + DSG_OTHER_ARRANGEMENTS, F_DSG_LINE + DSG_SEN_SUPPORT, F_DSG_LINE + DSG_HOSPITAL,
    F_DSG_LINE + DSG_THERAPIES, F_DSG_LINE + DSG_TRANSPORT, F_DSG_LINE + DSG_ASSESSMENT, F_SPEND,
    F_DSG_INYEAR, F_DSG_BALANCE, F_SPEND_TRANSPORT, F_SPEND_ASSESS, F_SOCIAL_CARE, F_HEALTH,
    /* the services beside the EHC pathway, every metric of send_service_lines (compared only
     * where one of the runs has them): levels, early help, the front door, children in care,
     * short breaks */
    M_LEVEL + 0, M_LEVEL + 1, M_LEVEL + 2, M_LEVEL + 3,
#define LEVEL_BANDS(l)                                                                        \
    M_LEVEL_BAND + (l) * BAND_COUNT + BAND_UNDER5, M_LEVEL_BAND + (l) * BAND_COUNT + BAND_5_10, \
        M_LEVEL_BAND + (l) * BAND_COUNT + BAND_11_15,                                         \
        M_LEVEL_BAND + (l) * BAND_COUNT + BAND_16_19, M_LEVEL_BAND + (l) * BAND_COUNT + BAND_20_25
    LEVEL_BANDS(0), LEVEL_BANDS(1), LEVEL_BANDS(2), LEVEL_BANDS(3),
#undef LEVEL_BANDS
    C_LEVEL_UP + 0, C_LEVEL_UP + 1, C_LEVEL_UP + 2, C_LEVEL_DOWN + 0, C_LEVEL_DOWN + 1,
    C_LEVEL_DOWN + 2,
    F_EH_SPEND, M_EH_2A, M_EH_2B, M_EH_WAITING, C_EH_CAFS, C_EH_HEARD,
    C_CONTACTS, C_REFERRALS, C_INITIAL, C_CORE, C_INITIAL_ON_TIME, C_PCT_INITIAL_ON_TIME,
    C_CORE_ON_TIME, C_PCT_CORE_ON_TIME, C_CIN_STARTS, C_CP_STARTS, C_CARE_FROM_FD, M_FD_OPEN,
    F_CARE_SPEND, F_EDGE_SPEND, M_CARE, M_CARE_EHCP, M_CARE_TYPE + CARE_IN_HOUSE_FOSTER,
    M_CARE_TYPE + CARE_IFA, M_CARE_TYPE + CARE_KINSHIP, M_CARE_TYPE + CARE_RESIDENTIAL,
    M_CARE_TYPE + CARE_SUPPORTED_LODGINGS, M_CARE_TYPE + CARE_EXTERNAL_16PLUS, C_CARE_ENTRIES,
    C_CARE_EXITS, C_CARE_MOVES,
    F_SB_BUDGET, F_SB_SPEND, F_SB_BALANCE, M_SB_PACKAGES, M_SB_WAITING, C_SB_STARTS,
    M_LEVEL_RECORDS + 0, M_LEVEL_RECORDS + 1, M_SB_PANEL_WAITING, C_SB_HEARD,
    C_SB_HOURS, M_CIN,
};
const int send_compare_n_metrics =
    (int)(sizeof send_compare_metrics / sizeof send_compare_metrics[0]);

const char *const send_verdict_names[4] = {"no difference", "not distinguishable from noise",
                                           "higher", "lower"};

int send_results_has_value(const send_results *res, int metric)
{
    for (int r = 0; r < res->n; r++) {
        const send_output *o = &res->reps[r];
        for (int i = 0; i < send_output_periods(o, metric); i++) {
            double v = o->values[(size_t)metric * (size_t)o->row_len + (size_t)i];
            if (v != 0 && !isnan(v))
                return 1;
        }
    }
    return 0;
}

int send_compare_skip(const send_results *a, const send_results *b, int metric)
{
    return metric >= M_LEVEL && !send_results_has_value(a, metric) &&
           !send_results_has_value(b, metric);
}

void send_results_free(send_results *res)
{
    if (!res)
        return;
    if (res->reps)
        for (int i = 0; i < res->n; i++)
            send_output_free(&res->reps[i]);
    free(res->reps);
    free(res->seeds);
    free(res->summary);
    free(res->authority_names);
    free(res->authority_values);
    free(res->param_paths);
    free(res->param_values);
    free(res->breakdown_names);
    memset(res, 0, sizeof *res);
}

/* ---- the estimator ------------------------------------------------------------------------- */

void send_stat_of(double *x, int n, send_stat *out)
{
    int k = 0;
    des_tally t;
    des_tally_init(&t);
    for (int i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        x[k++] = x[i];
        des_tally_add(&t, x[i]);
    }
    out->n = k;
    if (k == 0) {
        out->mean = out->sd = NAN;
        for (int j = 0; j < SEND_NQ; j++)
            out->q[j] = NAN;
        return;
    }
    out->mean = des_tally_mean(&t);
    out->sd = k > 1 ? des_tally_sd(&t) : 0.0;
    double q[SEND_NQ];
    for (int j = 0; j < SEND_NQ; j++)
        q[j] = send_quantile_levels[j] / 100.0;
    des_quantiles(x, (size_t)k, q, SEND_NQ, out->q);
}

void send_results_stat(const send_results *res, int metric, int period, double *scratch,
                       send_stat *out)
{
    for (int i = 0; i < res->n; i++)
        scratch[i] = send_output_row(&res->reps[i], metric)[period];
    send_stat_of(scratch, res->n, out);
}

int send_results_summarise(send_results *res, int threads, des_error *err)
{
    if (res->n < 1 || !res->reps)
        return des_error_set(err, DES_EINVAL, "no replications to summarise");
    int row_len = res->reps[0].row_len;
    free(res->summary);
    res->summary = calloc((size_t)SEND_METRIC_COUNT * (size_t)row_len, sizeof *res->summary);
    if (!res->summary)
        return des_error_set(err, DES_ENOMEM, "cannot allocate the summary");
    if (threads <= 0)
        threads = omp_get_num_procs();
    int failed = 0;
#pragma omp parallel num_threads(threads)
    {
        double *scratch = malloc((size_t)res->n * sizeof *scratch);
        if (!scratch) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int m = 0; m < SEND_METRIC_COUNT; m++) {
            if (!scratch || !send_metric(m))
                continue;
            int np = send_output_periods(&res->reps[0], m);
            for (int i = 0; i < np; i++)
                send_results_stat(res, m, i, scratch, &res->summary[(size_t)m * row_len + i]);
        }
        free(scratch);
    }
    if (failed) {
        free(res->summary);
        res->summary = NULL;
        return des_error_set(err, DES_ENOMEM, "cannot allocate the summary");
    }
    return DES_OK;
}

void send_results_get_stat(const send_results *res, int metric, int period, double *scratch,
                           send_stat *out)
{
    if (res->summary)
        *out = res->summary[(size_t)metric * res->reps[0].row_len + period];
    else
        send_results_stat(res, metric, period, scratch, out);
}

/* ---- per-authority headlines ---------------------------------------------------------------- */

const double *send_results_authority_row(const send_results *res, int r, int a, int h)
{
    size_t stride = (size_t)res->n_authorities * SEND_AUTH_HEADLINES * (size_t)res->authority_len;
    return res->authority_values + (size_t)r * stride +
           ((size_t)a * SEND_AUTH_HEADLINES + (size_t)h) * (size_t)res->authority_len;
}

int send_auth_headline_periods(const send_output *shape, int h)
{
    int metric = send_auth_headline_metric[h];
    return send_metric(metric)->kind == SEND_FY ? shape->n_fys : shape->n_years;
}

void send_auth_headline_label(const send_output *shape, int h, int i, char *buf, size_t len)
{
    send_period_kind kind = send_metric(send_auth_headline_metric[h])->kind;
    des_date start = kind == SEND_FY ? des_date_from_ymd(shape->first_fy + i, 4, 1)
                                     : des_date_from_ymd(shape->first_year + i, 1, 1);
    send_period_label(kind, start, buf, len); /* monthly: the January of year i */
}

/* ---- pairs of runs ------------------------------------------------------------------------- */

int send_results_pair_check(const send_results *base, const send_results *alt,
                            const char *base_name, const char *alt_name, des_error *err)
{
    const char *bn = base_name ? base_name : "base", *an = alt_name ? alt_name : "alternative";
    if (!base || base->n < 1 || !base->reps)
        return des_error_set(err, DES_EINVAL, "scenario '%s' has no replications", bn);
    if (!alt || alt->n < 1 || !alt->reps)
        return des_error_set(err, DES_EINVAL, "scenario '%s' has no replications", an);
    const send_output *a = &base->reps[0], *b = &alt->reps[0];
    if (a->first_month_index != b->first_month_index || a->n_months != b->n_months ||
        a->first_year != b->first_year || a->n_years != b->n_years ||
        a->first_fy != b->first_fy || a->n_fys != b->n_fys)
        return des_error_set(err, DES_EINPUT,
                             "scenario '%s' covers a different horizon from '%s' (paired "
                             "differences need the same start and end)",
                             an, bn);
    if (alt->n != base->n)
        return des_error_set(err, DES_EINPUT,
                             "scenario '%s' has %d replications and '%s' %d (paired "
                             "differences need the same number)",
                             an, alt->n, bn, base->n);
    if (alt->master_seed != base->master_seed)
        return des_error_set(err, DES_EINPUT,
                             "scenario '%s' was run with seed %llu and '%s' with %llu "
                             "(paired differences need the same seed)",
                             an, (unsigned long long)alt->master_seed, bn,
                             (unsigned long long)base->master_seed);
    return DES_OK;
}

int send_verdict_from_ci(double low, double high, send_verdict *out)
{
    if (isnan(low) || isnan(high))
        return -1;
    if (low == 0 && high == 0)
        *out = SEND_SAME;
    else if (low > 0)
        *out = SEND_HIGHER;
    else if (high < 0)
        *out = SEND_LOWER;
    else
        *out = SEND_NOISE;
    return 0;
}

int send_paired_diff(const send_results *base, const send_results *alt, int metric, int period,
                     double *scratch, send_diff *out, des_error *err)
{
    int rc = send_results_pair_check(base, alt, NULL, NULL, err);
    if (rc != DES_OK)
        return rc;
    if (!send_metric(metric) || period < 0 || period >= send_output_periods(&base->reps[0], metric))
        return des_error_set(err, DES_EINVAL, "no metric %d period %d", metric, period);
    int nonzero = 0;
    for (int r = 0; r < base->n; r++) {
        /* NaN on either side makes the difference NaN, which the estimator leaves out */
        double d = send_output_row(&alt->reps[r], metric)[period] -
                   send_output_row(&base->reps[r], metric)[period];
        scratch[r] = d;
        nonzero |= !isnan(d) && d != 0;
    }
    send_stat st;
    send_stat_of(scratch, base->n, &st);
    memset(out, 0, sizeof *out);
    out->n = st.n;
    out->mean = st.mean;
    out->sd = st.sd;
    out->p10 = st.q[SEND_Q10];
    out->p50 = st.q[SEND_Q50];
    out->p90 = st.q[SEND_Q90];
    out->ci_low = out->ci_high = NAN;
    if (st.n > 0 && !nonzero) {
        out->ci_low = out->ci_high = 0; /* every difference is zero: no spread at all */
    } else if (st.n > 1) {
        double h = gsl_cdf_tdist_Pinv(0.975, st.n - 1) * st.sd / sqrt((double)st.n);
        out->ci_low = st.mean - h;
        out->ci_high = st.mean + h;
    }
    if (send_verdict_from_ci(out->ci_low, out->ci_high, &out->verdict) != 0)
        out->verdict = SEND_NOISE;
    return DES_OK;
}

int send_results_name_breakdown(send_results *res, const send_params *p, des_error *err)
{
    int nb = res->n > 0 && res->reps ? res->reps[0].n_breakdown : 0;
    res->n_breakdown = 0;
    if (nb <= 0)
        return DES_OK;
    res->breakdown_names = calloc((size_t)nb, sizeof *res->breakdown_names);
    if (!res->breakdown_names)
        return des_error_set(err, DES_ENOMEM, "cannot allocate the breakdown's names");
    for (int j = 0; j < nb; j++)
        send_breakdown_name(p, j, res->breakdown_names[j], sizeof res->breakdown_names[j]);
    res->n_breakdown = nb;
    return DES_OK;
}
