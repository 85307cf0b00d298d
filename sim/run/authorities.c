/* authorities.c - one replication of several authorities summed into one output, and the
 * headline metrics kept per authority.
 *
 * Parts are added in authority order, so a sum is the same whatever thread computes it.
 * Additive metrics (stocks on the first of the month, flows, money, the conservation counts,
 * the weeks-to-issue histogram and events) are plain sums, and so are the numerators and
 * denominators of the ratio metrics, which are then derived from the sums
 * (send_output_ratios): the pooled ratio, exactly. Capacity is -1 (not limited) as soon as one
 * part is not limited. A single part is copied bit for bit, so a one-authority list reproduces
 * its template's results.
 *
 * Cost: O(metrics x periods) per part; no scratch.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run_core.h"

static double row_at(const send_output *o, int metric, int i)
{
    return o->values[(size_t)metric * (size_t)o->row_len + (size_t)i];
}

void run_sum_add(send_output *sum, const send_output *part, int first)
{
    size_t cells = (size_t)SEND_METRIC_COUNT * (size_t)sum->row_len;
    size_t bins = (size_t)sum->n_years * SEND_WEEKS_BINS;
    if (first) {
        memcpy(sum->values, part->values, cells * sizeof *sum->values);
        memcpy(sum->weeks_hist, part->weeks_hist, bins * sizeof *sum->weeks_hist);
        sum->plans_open = part->plans_open;
        sum->plans_new = part->plans_new;
        sum->plans_ceased = part->plans_ceased;
        sum->plans_close = part->plans_close;
        sum->sen_open = part->sen_open;
        sum->sen_in = part->sen_in;
        sum->sen_out = part->sen_out;
        sum->sen_close = part->sen_close;
        sum->events = part->events;
    } else {
        for (size_t i = 0; i < cells; i++)
            sum->values[i] += part->values[i];
        /* limits: not limited if any part is not; undo the sum of a -1 */
        for (int mt = 0; mt < M_MONTHLY_COUNT; mt++) {
            if (!send_metric_is_limit(mt))
                continue;
            double *s = send_output_row(sum, mt);
            const double *pp = part->values + (size_t)mt * (size_t)part->row_len;
            for (int k = 0; k < sum->n_months; k++) {
                double before = s[k] - pp[k];
                if (before == -1 || pp[k] == -1)
                    s[k] = -1;
            }
        }
        for (size_t i = 0; i < bins; i++)
            sum->weeks_hist[i] += part->weeks_hist[i];
        sum->plans_open += part->plans_open;
        sum->plans_new += part->plans_new;
        sum->plans_ceased += part->plans_ceased;
        sum->plans_close += part->plans_close;
        sum->sen_open += part->sen_open;
        sum->sen_in += part->sen_in;
        sum->sen_out += part->sen_out;
        sum->sen_close += part->sen_close;
        sum->events += part->events;
    }
}

int send_output_sum(send_output *sum, const send_output *const *parts, int n, des_error *err)
{
    if (n < 1)
        return des_error_set(err, DES_EINVAL, "'n' must be at least 1, got %d", n);
    for (int i = 0; i < n; i++)
        run_sum_add(sum, parts[i], i == 0);
    send_output_ratios(sum);
    return DES_OK;
}

void run_auth_headlines(const send_output *part, double *dst, int len)
{
    for (int h = 0; h < SEND_AUTH_HEADLINES; h++) {
        int metric = send_auth_headline_metric[h];
        double *row = dst + (size_t)h * (size_t)len;
        int np = send_auth_headline_periods(part, h);
        for (int i = 0; i < len; i++) {
            double v = NAN;
            if (i < np) {
                if (send_metric(metric)->kind == SEND_MONTHLY) {
                    int k = (part->first_year + i - 1970) * 12 - part->first_month_index;
                    if (k >= 0 && k < part->n_months)
                        v = row_at(part, metric, k);
                } else {
                    v = row_at(part, metric, i);
                }
            }
            row[i] = v;
        }
    }
}
