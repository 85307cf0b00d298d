/* compare.c - paired differences between scenarios run with common random numbers.
 *
 * For one metric and period, d_r = alt_r - base_r over the replications where both are defined
 * (a percentage in a year without plans is NaN). Mean and sample sd by Welford; the 95%
 * interval of the mean is mean -/+ t(0.975, n-1) sd / sqrt(n); P10/P50/P90 by the same
 * interpolation as the summaries. O(n log n) per metric and period.
 */
#include "send_compare.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "des_stats.h"

const int send_compare_metrics[] = {
    M_EHCP_TOTAL, M_SEN_SUPPORT, C_REQUESTS, C_NEW_PLANS, C_PCT_20W, C_MEAN_WEEKS,
    M_ASSESSMENT_QUEUE, M_PLACEMENTS + PROV_SPECIAL, M_PLACEMENTS + PROV_INDEPENDENT,
    M_WAITING + PROV_SPECIAL, C_WAITED_FOR_PLACE, C_OVERFLOW_INDEP, F_SPEND, F_DEFICIT,
};
const int send_compare_n_metrics = (int)(sizeof send_compare_metrics / sizeof send_compare_metrics[0]);

const char *const send_verdict_names[4] = {"no difference", "not distinguishable from noise",
                                           "higher", "lower"};

int send_compare_check(const send_results *base, const send_results *alt, des_error *err)
{
    if (base->n != alt->n)
        return des_error_set(err, DES_EINVAL, "runs of %d and %d replications cannot be paired",
                             base->n, alt->n);
    if (base->master_seed != alt->master_seed)
        return des_error_set(err, DES_EINVAL,
                             "runs with different seeds do not share random numbers");
    const send_output *a = &base->reps[0], *b = &alt->reps[0];
    if (a->first_month_index != b->first_month_index || a->n_months != b->n_months ||
        a->first_year != b->first_year || a->n_years != b->n_years ||
        a->first_fy != b->first_fy || a->n_fys != b->n_fys)
        return des_error_set(err, DES_EINVAL,
                             "the scenarios cover different periods (start and end must match)");
    return DES_OK;
}

int send_paired_diff(const send_results *base, const send_results *alt, int metric, int period,
                     double *scratch, send_diff *out, des_error *err)
{
    int rc = send_compare_check(base, alt, err);
    if (rc != DES_OK)
        return rc;
    if (!send_metric(metric) || period < 0 || period >= send_output_periods(&base->reps[0], metric))
        return des_error_set(err, DES_EINVAL, "no metric %d period %d", metric, period);
    des_tally t;
    des_tally_init(&t);
    int k = 0, nonzero = 0;
    for (int r = 0; r < base->n; r++) {
        double a = send_output_row(&base->reps[r], metric)[period];
        double b = send_output_row(&alt->reps[r], metric)[period];
        if (isnan(a) || isnan(b))
            continue;
        double d = b - a;
        scratch[k++] = d;
        nonzero |= d != 0;
        des_tally_add(&t, d);
    }
    memset(out, 0, sizeof *out);
    out->n = k;
    if (k == 0) {
        out->mean = out->sd = out->p10 = out->p50 = out->p90 = NAN;
        out->ci_low = out->ci_high = NAN;
        out->verdict = SEND_NOISE;
        return DES_OK;
    }
    out->mean = des_tally_mean(&t);
    out->sd = k > 1 ? des_tally_sd(&t) : 0.0;
    static const double q[3] = {0.10, 0.50, 0.90};
    double v[3];
    des_quantiles(scratch, (size_t)k, q, 3, v);
    out->p10 = v[0];
    out->p50 = v[1];
    out->p90 = v[2];
    if (k > 1) {
        double h = gsl_cdf_tdist_Pinv(0.975, k - 1) * out->sd / sqrt((double)k);
        out->ci_low = out->mean - h;
        out->ci_high = out->mean + h;
    } else {
        out->ci_low = out->ci_high = out->mean; /* one pair: no interval; judged below */
    }
    if (!nonzero)
        out->verdict = SEND_SAME;
    else if (k < 2 || (out->ci_low <= 0 && out->ci_high >= 0))
        out->verdict = SEND_NOISE;
    else
        out->verdict = out->mean > 0 ? SEND_HIGHER : SEND_LOWER;
    return DES_OK;
}
