/* backtest_csv.c - the back-test table PREFIX-backtest.csv, written atomically.
 *
 * Columns (a contract, see docs/guide.md): la_code,la_name,metric,period,horizon_years,observed,
 * p10,p50,p90,inside_p10_p90,abs_pct_error. One row per compared value: authorities in the
 * order given, within each the model's rows then the naive trend's ("naive_<metric>", no band,
 * so inside_p10_p90 is empty), each in metric order then period order. Authorities whose
 * back-test failed have no rows. O(rows).
 *
 * The summary (coverage, median error by horizon) lives here too, below run/, so that
 * `sendsim backtest` and the report of a back-test table read back share one definition.
 */
#include "send_backtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "send_io.h"

const char *const send_bt_sen2_metric[BT_METRICS] = {
    "ehcp_total", "initial_requests", "new_plans", "pct_within_20_weeks", "plans_ceased"};
/* The model metric with the SEN2 meaning: EHC plans in place on 1 January; initial requests
 * for an EHC needs assessment; new plans issued; % of new plans issued within 20 weeks of the
 * request (SEN2's figure including exceptions: the model has none); plans ceased, all
 * reasons. */
const char *const send_bt_model_metric[BT_METRICS] = {
    "ehcp_total", "requests", "new_plans", "pct_within_20_weeks", "plans_ceased"};

/* The placement mix's types as the placements CSV names them (BT_MIX_* order). */
const char *const send_bt_mix_names[BT_MIX_TYPES] = {
    "mainstream", "resourced", "special", "independent", "post16", "ap", "other"};

int send_bt_write_csv(const char *path, const send_sen2 *data, const send_bt_la *res, size_t n,
                      const volatile sig_atomic_t *cancel, des_error *err)
{
    io_atomic f;
    int rc = io_atomic_open(&f, path, err);
    if (rc != DES_OK)
        return rc;
    fputs("la_code,la_name,metric,period,horizon_years,observed,p10,p50,p90,inside_p10_p90,"
          "abs_pct_error\n",
          f.f);
    for (size_t i = 0; i < n; i++) {
        if (res[i].status != DES_OK)
            continue;
        const send_sen2_la *a = send_sen2_la_at(data, res[i].la);
        for (int nv = 0; nv < 2; nv++)
            for (size_t k = 0; k < res[i].n_rows; k++) {
                const send_bt_row *r = &res[i].rows[k];
                if (r->naive != nv)
                    continue;
                io_csv_field(f.f, send_sen2_la_code(a));
                fputc(',', f.f);
                io_csv_field(f.f, a->name);
                fprintf(f.f, ",%s%s,%d,%d", nv ? "naive_" : "", send_bt_sen2_metric[r->metric],
                        r->period, r->horizon);
                io_csv_num(f.f, r->observed);
                io_csv_num(f.f, r->p10);
                io_csv_num(f.f, r->p50);
                io_csv_num(f.f, r->p90);
                if (nv)
                    fputc(',', f.f);
                else
                    fprintf(f.f, ",%d", r->observed >= r->p10 && r->observed <= r->p90);
                io_csv_num(f.f, send_bt_abs_pct_error(r->p50, r->observed));
                fputc('\n', f.f);
            }
    }
    return io_atomic_commit(&f, cancel, err);
}

int send_bt_write_mix_csv(const char *path, const send_sen2 *data, const send_bt_la *res,
                          size_t n, int from, const volatile sig_atomic_t *cancel, des_error *err)
{
    io_atomic f;
    int rc = io_atomic_open(&f, path, err);
    if (rc != DES_OK)
        return rc;
    fputs("la_code,la_name,placement,period,horizon_years,observed_share,model_share,"
          "error_points\n",
          f.f);
    for (size_t i = 0; i < n; i++) {
        if (res[i].status != DES_OK)
            continue;
        const send_sen2_la *a = send_sen2_la_at(data, res[i].la);
        for (int g = 0; g < BT_MIX_TYPES; g++)
            for (int k = 0; k < BT_MIX_YEARS; k++) {
                double ob = res[i].mix_observed[k][g], mo = res[i].mix_model[k][g];
                if (isnan(ob) || isnan(mo))
                    continue;
                io_csv_field(f.f, send_sen2_la_code(a));
                fputc(',', f.f);
                io_csv_field(f.f, a->name);
                fprintf(f.f, ",%s,%d,%d", send_bt_mix_names[g], from + 1 + k, k + 1);
                io_csv_num(f.f, ob);
                io_csv_num(f.f, mo);
                io_csv_num(f.f, 100 * (mo - ob));
                fputc('\n', f.f);
            }
    }
    return io_atomic_commit(&f, cancel, err);
}

void send_bt_mix_clear(send_bt_la *a)
{
    for (int k = 0; k < BT_MIX_YEARS; k++)
        for (int g = 0; g < BT_MIX_TYPES; g++)
            a->mix_observed[k][g] = a->mix_model[k][g] = NAN;
}

void send_bt_mix_summarise(const send_bt_la *res, size_t n, send_bt_mix_summary *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; res[i].status == DES_OK && k < BT_MIX_YEARS; k++)
            for (int g = 0; g < BT_MIX_TYPES; g++) {
                double e = 100 * (res[i].mix_model[k][g] - res[i].mix_observed[k][g]);
                if (isnan(e))
                    continue;
                s->n[g]++;
                s->mean_error[g] += e;
                s->mean_abs_error[g] += fabs(e);
            }
    for (int g = 0; g < BT_MIX_TYPES; g++) {
        s->mean_error[g] = s->n[g] ? s->mean_error[g] / s->n[g] : NAN;
        s->mean_abs_error[g] = s->n[g] ? s->mean_abs_error[g] / s->n[g] : NAN;
    }
}

/* ---- summary -------------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int send_bt_summarise(const send_bt_la *res, size_t n, send_bt_summary *s, des_error *err)
{
    memset(s, 0, sizeof *s);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += res[i].n_rows;
    double *v = malloc((total ? total : 1) * sizeof *v);
    if (!v)
        return des_error_set(err, DES_ENOMEM, "out of memory");
    for (int nv = 0; nv < 2; nv++)
        for (int m = 0; m < BT_METRICS; m++) {
            size_t inside = 0, cnt = 0;
            for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < res[i].n_rows; k++) {
                    const send_bt_row *r = &res[i].rows[k];
                    if (r->naive != nv || r->metric != m)
                        continue;
                    cnt++;
                    inside += r->observed >= r->p10 && r->observed <= r->p90;
                }
            s->n[nv][m] = (int)cnt;
            s->coverage[nv][m] = cnt && !nv ? (double)inside / (double)cnt : NAN;
            for (int h = 0; h <= BT_MAX_H; h++) {
                size_t k2 = 0;
                for (size_t i = 0; i < n; i++)
                    for (size_t k = 0; k < res[i].n_rows; k++) {
                        const send_bt_row *r = &res[i].rows[k];
                        if (r->naive != nv || r->metric != m || r->horizon != h)
                            continue;
                        double e = send_bt_abs_pct_error(r->p50, r->observed);
                        if (!isnan(e))
                            v[k2++] = e;
                    }
                s->n_h[nv][m][h] = (int)k2;
                s->median_ape[nv][m][h] = median(v, k2);
            }
        }
    /* the model's bands: coverage, sharpness and interval score by horizon (0: all) */
    for (int m = 0; m < BT_METRICS; m++)
        for (int h = 0; h <= BT_MAX_H; h++) {
            size_t cnt = 0, inside = 0, n_score = 0, whole = 0;
            double score = 0;
            for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < res[i].n_rows; k++) {
                    const send_bt_row *r = &res[i].rows[k];
                    if (r->naive || r->metric != m || (h && r->horizon != h) ||
                        (!h && (r->horizon < 1 || r->horizon > BT_MAX_H)))
                        continue;
                    v[cnt++] = r->p10 > 0 ? r->p90 / r->p10 : INFINITY;
                    inside += r->observed >= r->p10 && r->observed <= r->p90;
                    whole += r->p10 < SEND_BT_WHOLE_LO && r->p90 > SEND_BT_WHOLE_HI;
                    double is = send_interval_score(r->p10, r->p90, r->observed, 0.2);
                    if (m == BT_PCT_20W || r->observed > 0) { /* relative: a count of 0 has none */
                        score += m == BT_PCT_20W ? is : is * 100.0 / r->observed;
                        n_score++;
                    }
                }
            s->coverage_h[m][h] = cnt ? (double)inside / (double)cnt : NAN;
            s->ratio_h[m][h] = median(v, cnt);
            s->score_h[m][h] = n_score ? score / (double)n_score : NAN;
            s->whole_h[m][h] = m == BT_PCT_20W && cnt ? (double)whole / (double)cnt : NAN;
        }
    free(v);
    return DES_OK;
}
