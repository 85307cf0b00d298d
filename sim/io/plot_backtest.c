/* plot_backtest.c - the charts of a back-test (send_plot_backtest), drawn from
 * plots/backtest.gp with the machinery of plot.c.
 *
 * One authority: for each compared metric, the forecast made as of the start year (median and
 * P10-P90 band by period), the naive trend and the published values. Several authorities: for
 * each metric, the median absolute % error across authorities by horizon, the model against
 * the naive trend (from send_bt_summarise). Each chart has its data file beside the image.
 * O(rows x metrics).
 */
#include "plot_internal.h"
#include "send_backtest.h"

#include <math.h>
#include <stdlib.h>

static const char *const bt_titles[BT_METRICS] = {
    "EHC plans in January", "Initial requests for an assessment", "New EHC plans",
    "New plans issued within 20 weeks", "EHC plans ceased"};
static const char *const bt_ylabels[BT_METRICS] = {
    "EHC plans (January)", "requests in the calendar year", "plans in the calendar year",
    "per cent of new plans", "plans in the calendar year"};

typedef struct bt_plot_arg {
    const send_sen2 *data;
    const send_bt_la *res;
    size_t n;
    int from;
    const send_bt_summary *sum;
} bt_plot_arg;

static const send_bt_la *single(const bt_plot_arg *a)
{
    const send_bt_la *one = NULL;
    for (size_t i = 0; i < a->n; i++)
        if (a->res[i].status == DES_OK) {
            if (one)
                return NULL;
            one = &a->res[i];
        }
    return one;
}

static int chart(plot_ctx *c, const bt_plot_arg *a, const send_bt_la *one, int m)
{
    char part[64], title[200];
    snprintf(part, sizeof part, "%s%s", one ? "" : "error-", send_bt_sen2_metric[m]);
    io_atomic f;
    char *data = NULL;
    int rc = plot_dat_open(c, part, &f, &data);
    if (rc)
        return rc;
    int rows = 0;
    if (one) {
        const send_sen2_la *la = send_sen2_la_at(a->data, one->la);
        fprintf(f.f, "# %s (%s), %s, forecast as of %d\n# year p10 p50 p90 published naive\n",
                bt_titles[m], send_bt_sen2_metric[m], la->name, a->from);
        int lo = 0, hi = -1;
        for (size_t k = 0; k < one->n_rows; k++)
            if (one->rows[k].metric == m) {
                int p = one->rows[k].period;
                lo = hi < lo ? p : (p < lo ? p : lo);
                hi = p > hi ? p : hi;
            }
        for (int p = lo; p <= hi; p++) {
            double v[5] = {NAN, NAN, NAN, NAN, NAN};
            for (size_t k = 0; k < one->n_rows; k++) {
                const send_bt_row *r = &one->rows[k];
                if (r->metric != m || r->period != p)
                    continue;
                v[3] = r->observed;
                if (r->naive) {
                    v[4] = r->p50;
                } else {
                    v[0] = r->p10, v[1] = r->p50, v[2] = r->p90;
                }
            }
            if (isnan(v[3]))
                continue;
            fprintf(f.f, "%d", p);
            for (int j = 0; j < 5; j++)
                plot_dat_num(f.f, v[j]);
            fputc('\n', f.f);
            rows++;
        }
        snprintf(title, sizeof title, "%s, %s: forecast as of %d against published", bt_titles[m],
                 la->name, a->from);
    } else {
        fprintf(f.f, "# %s (%s): median absolute %% error across authorities, forecast as of "
                     "%d\n# horizon_years model naive\n",
                bt_titles[m], send_bt_sen2_metric[m], a->from);
        for (int h = 1; h <= BT_MAX_H; h++) {
            if (!a->sum->n_h[0][m][h] && !a->sum->n_h[1][m][h])
                continue;
            fprintf(f.f, "%d", h);
            plot_dat_num(f.f, a->sum->median_ape[0][m][h]);
            plot_dat_num(f.f, a->sum->median_ape[1][m][h]);
            fputc('\n', f.f);
            rows++;
        }
        snprintf(title, sizeof title, "%s: median absolute %% error by horizon, from %d",
                 bt_titles[m], a->from);
    }
    rc = plot_dat_commit(c, &f);
    if (!rc && rows > 0) {
        rc = plot_begin(c, part, title);
        if (!rc) {
            plot_set_str(c, "data", data);
            plot_set_str(c, "mode", one ? "fan" : "error");
            plot_set_str(c, "ylabel", one ? bt_ylabels[m] : "median absolute % error");
            plot_end(c, "backtest.gp");
        }
    }
    free(data);
    return rc;
}

static int build(plot_ctx *c, const void *varg)
{
    const bt_plot_arg *a = varg;
    const send_bt_la *one = single(a);
    for (int m = 0; m < BT_METRICS; m++) {
        int rc = chart(c, a, one, m);
        if (rc)
            return rc;
    }
    return DES_OK;
}

int send_plot_backtest(const send_sen2 *data, const send_bt_la *res, size_t n, int from,
                       const send_bt_summary *sum, const send_plot_opts *o, send_plot_list *out,
                       int *no_gnuplot, des_error *err)
{
    *out = (send_plot_list){0};
    *no_gnuplot = 0;
    bt_plot_arg arg = {data, res, n, from, sum};
    return plot_draw(o, "backtest", build, &arg, out, no_gnuplot, err);
}
