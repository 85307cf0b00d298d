/* authorities.c - one replication of several authorities summed into one output, and the
 * headline metrics kept per authority.
 *
 * Parts are added in authority order, so a sum is the same whatever thread computes it.
 * Additive metrics (stocks on the first of the month, flows, money, the conservation counts,
 * the weeks-to-issue histogram and events) are plain sums. Ratios are rebuilt from their
 * numerators and denominators: % within 20 weeks and mean weeks to issue from each part's new
 * plans (the model's own denominator, so exact); the mean wait for a place from each part's
 * children who had to wait in that year, since the model does not output the number placed
 * after a wait (an approximation, documented in the README). Capacity is -1 (not limited) as
 * soon as one part is not limited. A single part is copied bit for bit, so a one-authority list
 * reproduces its template's results.
 *
 * Cost: O(metrics x periods) per part; O(calendar years) scratch per sum.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_core.h"

int run_acc_init(run_acc *acc, int n_years, des_error *err)
{
    memset(acc, 0, sizeof *acc);
    size_t n = n_years > 0 ? (size_t)n_years : 1;
    acc->within = calloc(4 * n, sizeof *acc->within);
    if (!acc->within)
        return des_error_set(err, DES_ENOMEM, "cannot allocate the sum of %d calendar years",
                             n_years);
    acc->weeks = acc->within + n;
    acc->wait_num = acc->weeks + n;
    acc->wait_den = acc->wait_num + n;
    acc->n_years = n_years;
    return DES_OK;
}

void run_acc_free(run_acc *acc)
{
    if (acc) {
        free(acc->within);
        memset(acc, 0, sizeof *acc);
    }
}

static double row_at(const send_output *o, int metric, int i)
{
    return o->values[(size_t)metric * (size_t)o->row_len + (size_t)i];
}

/* Fold one part's ratio numerators and weights into the accumulators. */
static void acc_ratios(run_acc *acc, const send_output *part)
{
    for (int y = 0; y < acc->n_years; y++) {
        double n = row_at(part, C_NEW_PLANS, y);
        double pct = row_at(part, C_PCT_20W, y), mw = row_at(part, C_MEAN_WEEKS, y);
        if (n > 0 && !isnan(pct)) {
            acc->within[y] += nearbyint(pct * n / 100.0); /* a count of plans */
            acc->weeks[y] += mw * n;
        }
        double wait = row_at(part, C_MEAN_WAIT_PLACE_WEEKS, y);
        if (!isnan(wait)) {
            double w = row_at(part, C_WAITED_FOR_PLACE, y);
            if (!(w > 0))
                w = 1;
            acc->wait_num[y] += wait * w;
            acc->wait_den[y] += w;
        }
    }
}

void run_acc_add(run_acc *acc, send_output *sum, const send_output *part)
{
    size_t cells = (size_t)SEND_METRIC_COUNT * (size_t)sum->row_len;
    size_t bins = (size_t)sum->n_years * SEND_WEEKS_BINS;
    if (acc->parts == 0) {
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
        /* capacity: not limited if any part is not; undo the sum of a -1 */
        for (int q = 0; q < PROV_COUNT; q++) {
            double *s = send_output_row(sum, M_CAPACITY + q);
            const double *pp = part->values + (size_t)(M_CAPACITY + q) * (size_t)part->row_len;
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
    acc_ratios(acc, part);
    acc->parts++;
}

void run_acc_end(run_acc *acc, send_output *sum)
{
    if (acc->parts < 2)
        return; /* one part: its own ratios stand, bit for bit */
    for (int y = 0; y < acc->n_years; y++) {
        double n = send_output_row(sum, C_NEW_PLANS)[y];
        send_output_row(sum, C_PCT_20W)[y] = n > 0 ? 100.0 * acc->within[y] / n : NAN;
        send_output_row(sum, C_MEAN_WEEKS)[y] = n > 0 ? acc->weeks[y] / n : NAN;
        send_output_row(sum, C_MEAN_WAIT_PLACE_WEEKS)[y] =
            acc->wait_den[y] > 0 ? acc->wait_num[y] / acc->wait_den[y] : NAN;
    }
}

int send_output_sum(send_output *sum, const send_output *const *parts, int n, des_error *err)
{
    if (n < 1)
        return des_error_set(err, DES_EINVAL, "'n' must be at least 1, got %d", n);
    run_acc acc;
    if (run_acc_init(&acc, sum->n_years, err) != DES_OK)
        return DES_ENOMEM;
    for (int i = 0; i < n; i++)
        run_acc_add(&acc, sum, parts[i]);
    run_acc_end(&acc, sum);
    run_acc_free(&acc);
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
