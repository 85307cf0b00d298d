/* plot_compare.c - the charts of a comparison of k scenarios run with common random numbers.
 *
 * Overlays: each scenario's median with its P10-P90 band for EHC plans (monthly), high-needs
 * spend and cumulative deficit (financial years), one data file per chart with three columns
 * per scenario. Difference fans: for each scenario i >= 1 and each of those metrics, the
 * percentiles of the paired difference (scenario i minus scenario 0, replication by
 * replication: replication r draws the same random numbers in every scenario) with a zero
 * line. Pairing needs the same horizon, the same number of replications and the same master
 * seed; anything else is refused. O(k x metrics x periods x n log n) time, O(n) scratch.
 */
#include "plot_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct cmp_in {
    plot_ctx *c;
    int k;
    const char *const *names;
    const send_results *const *res;
    double *scratch;
} cmp_in;

typedef struct cmp_metric {
    const char *part;   /* file name part: ehcp, spend, deficit */
    const char *title;  /* what it is */
    const char *ylabel;
    int metric;
    double scale;
    int zero;
} cmp_metric;

static const cmp_metric cmp_metrics[] = {
    {"ehcp", "EHC plans in place", "EHC plans (first day of the month)", M_EHCP_TOTAL, 1, 0},
    {"spend", "High-needs spend", "\xc2\xa3 millions a year", F_SPEND, 1e-6, 0},
    {"deficit", "Cumulative DSG high-needs balance",
     "\xc2\xa3 millions at 31 March (negative = deficit)", F_DSG_BALANCE, 1e-6, 1},
};

/* A scenario name as part of a file name (letters, digits, '.', '_', '-'; others '_'). */
static void file_part(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s", name && *name ? name : "scenario");
    for (char *q = buf; *q; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
              *q == '.' || *q == '_' || *q == '-'))
            *q = '_';
}

/* Scenario s's name in file names, made unique: a name that repeats an earlier scenario's
 * gets "-<position>" (1-based), so no chart overwrites another. */
static void scenario_part(const cmp_in *in, int s, char *buf, size_t len)
{
    file_part(in->names[s], buf, len);
    for (int t = 0; t < s; t++) {
        char other[96];
        file_part(in->names[t], other, sizeof other);
        if (!strcmp(other, buf)) {
            size_t n = strlen(buf);
            snprintf(buf + n, len - n, "-%d", s + 1);
            return;
        }
    }
}

static void put_x(FILE *f, const send_output *o, int metric, int i)
{
    char label[16];
    send_output_period_label(o, metric, i, label, sizeof label);
    int y, m, d;
    des_date_to_ymd(send_output_period_start(o, metric, i), &y, &m, &d);
    if (send_metric(metric)->kind == SEND_MONTHLY)
        fprintf(f, "%04d-%02d-%02d %s", y, m, d, label);
    else
        fprintf(f, "%d %s", y, label);
}

static void set_xkind(plot_ctx *c, const send_output *o, int metric)
{
    if (send_metric(metric)->kind == SEND_MONTHLY) {
        plot_set_str(c, "xkind", "month");
        plot_set_num(c, "months", o->n_months);
    } else {
        plot_set_str(c, "xkind", send_metric(metric)->kind == SEND_FY ? "fy" : "cy");
    }
}

static int chart_overlay(cmp_in *in, const cmp_metric *cm)
{
    const send_output *o = &in->res[0]->reps[0];
    int np = send_output_periods(o, cm->metric);
    if (np == 0)
        return DES_OK;
    char part[64];
    snprintf(part, sizeof part, "overlay-%s", cm->part);
    io_atomic a;
    char *data = NULL;
    int rc = plot_dat_open(in->c, part, &a, &data);
    if (rc)
        return rc;
    fprintf(a.f, "# %s (%s%s), median and P10-P90 across replications of each scenario\n",
            cm->title, send_metric(cm->metric)->name, cm->scale != 1 ? ", GBP millions" : "");
    fprintf(a.f, "# %s period", send_metric(cm->metric)->kind == SEND_MONTHLY ? "date" : "year");
    for (int s = 0; s < in->k; s++) {
        char nm[96];
        file_part(in->names[s], nm, sizeof nm);
        fprintf(a.f, " %s_p10 %s_p50 %s_p90", nm, nm, nm);
    }
    fputc('\n', a.f);
    for (int i = 0; i < np; i++) {
        put_x(a.f, o, cm->metric, i);
        for (int s = 0; s < in->k; s++) {
            const send_results *r = in->res[s];
            send_stat st;
            send_results_get_stat(r, cm->metric, i, in->scratch, &st);
            plot_dat_num(a.f, st.q[1] * cm->scale);
            plot_dat_num(a.f, st.q[3] * cm->scale);
            plot_dat_num(a.f, st.q[5] * cm->scale);
        }
        fputc('\n', a.f);
    }
    rc = plot_dat_commit(in->c, &a);
    char title[160];
    snprintf(title, sizeof title, "%s by scenario", cm->title);
    if (!rc)
        rc = plot_begin(in->c, part, title);
    if (!rc) {
        plot_set_str(in->c, "data", data);
        set_xkind(in->c, o, cm->metric);
        plot_set_str(in->c, "ylabel", cm->ylabel);
        plot_set_num(in->c, "zero", cm->zero);
        plot_set_num(in->c, "k", in->k);
        fprintf(in->c->script, "array names[%d]\n", in->k);
        for (int s = 0; s < in->k; s++) {
            fprintf(in->c->script, "names[%d] = ", s + 1);
            plot_put_quoted(in->c->script, in->names[s]);
            fputc('\n', in->c->script);
        }
        plot_end(in->c, "overlay.gp");
    }
    free(data);
    return rc;
}

static int chart_diff(cmp_in *in, const cmp_metric *cm, int s)
{
    const send_output *o = &in->res[0]->reps[0];
    int np = send_output_periods(o, cm->metric);
    if (np == 0)
        return DES_OK;
    char nm[96], part[160];
    scenario_part(in, s, nm, sizeof nm);
    snprintf(part, sizeof part, "diff-%s-%s", cm->part, nm);
    io_atomic a;
    char *data = NULL;
    int rc = plot_dat_open(in->c, part, &a, &data);
    if (rc)
        return rc;
    const send_results *r0 = in->res[0], *r1 = in->res[s];
    fprintf(a.f, "# %s (%s%s): '%s' minus '%s', replication by replication; percentiles "
                 "across %d paired replications\n",
            cm->title, send_metric(cm->metric)->name, cm->scale != 1 ? ", GBP millions" : "",
            in->names[s], in->names[0], r0->n);
    fprintf(a.f, "# %s period p05 p10 p25 p50 p75 p90 p95\n",
            send_metric(cm->metric)->kind == SEND_MONTHLY ? "date" : "year");
    for (int i = 0; i < np; i++) {
        double q[SEND_NQ];
        for (int j = 0; j < r0->n; j++)
            in->scratch[j] = (send_output_row(&r1->reps[j], cm->metric)[i] -
                              send_output_row(&r0->reps[j], cm->metric)[i]) *
                             cm->scale;
        plot_quantiles(in->scratch, r0->n, q);
        put_x(a.f, o, cm->metric, i);
        for (int j = 0; j < SEND_NQ; j++)
            plot_dat_num(a.f, q[j]);
        fputc('\n', a.f);
    }
    rc = plot_dat_commit(in->c, &a);
    char title[300], ylabel[200];
    snprintf(title, sizeof title, "%s: %s minus %s", cm->title, in->names[s], in->names[0]);
    snprintf(ylabel, sizeof ylabel, "difference, %s", cm->ylabel);
    if (!rc)
        rc = plot_begin(in->c, part, title);
    if (!rc) {
        plot_set_str(in->c, "data", data);
        plot_set_str(in->c, "observed", "");
        set_xkind(in->c, o, cm->metric);
        plot_set_str(in->c, "ylabel", ylabel);
        plot_set_num(in->c, "zero", 1);
        plot_end(in->c, "fan.gp");
    }
    free(data);
    return rc;
}

static int check_compare(int k, const char *const *names, const send_results *const *res,
                         des_error *err)
{
    if (k < 1 || !names || !res)
        return des_error_set(err, DES_EINVAL, "no scenarios to compare");
    for (int s = 0; s < k; s++) {
        if (!res[s] || res[s]->n < 1 || !res[s]->reps)
            return des_error_set(err, DES_EINVAL, "scenario '%s' has no replications",
                                 names[s] ? names[s] : "?");
        if (!names[s])
            return des_error_set(err, DES_EINVAL, "scenario %d has no name", s + 1);
    }
    for (int s = 1; s < k; s++) {
        int rc = send_results_pair_check(res[0], res[s], names[0], names[s], err);
        if (rc != DES_OK)
            return rc;
    }
    return DES_OK;
}

static char *compare_footer(int k, const char *const *names, const send_results *const *res)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (!f)
        return NULL;
    fputs("scenarios ", f);
    for (int i = 0; i < k; i++)
        fprintf(f, "%s%s", i ? ", " : "", names[i]);
    fprintf(f, " \xc2\xb7 %d replications each \xc2\xb7 seed %llu", res[0]->n,
            (unsigned long long)res[0]->master_seed);
    if (k > 1)
        fputs(" \xc2\xb7 common random numbers", f);
    fclose(f);
    return s;
}

typedef struct compare_arg {
    int k;
    const char *const *names;
    const send_results *const *res;
} compare_arg;

static int compare_charts(plot_ctx *c, const void *arg)
{
    const compare_arg *ca = arg;
    int k = ca->k;
    const char *const *names = ca->names;
    const send_results *const *res = ca->res;
    int nmax = 0;
    for (int s = 0; s < k; s++)
        nmax = res[s]->n > nmax ? res[s]->n : nmax;
    cmp_in in = {c, k, names, res, malloc((size_t)nmax * sizeof(double))};
    c->footer = compare_footer(k, names, res);
    if (!in.scratch || !c->footer) {
        free(in.scratch);
        return des_error_set(c->err, DES_ENOMEM, "cannot allocate chart data");
    }
    int rc = DES_OK;
    const int nm = (int)(sizeof cmp_metrics / sizeof cmp_metrics[0]);
    for (int m = 0; !rc && m < nm; m++)
        rc = chart_overlay(&in, &cmp_metrics[m]);
    for (int s = 1; !rc && s < k; s++)
        for (int m = 0; !rc && m < nm; m++)
            rc = chart_diff(&in, &cmp_metrics[m], s);
    free(in.scratch);
    return rc;
}

int send_plot_compare_script(int k, const char *const *names, const send_results *const *res,
                             const send_plot_opts *o, FILE *script, des_error *err)
{
    int rc = check_compare(k, names, res, err);
    compare_arg arg = {k, names, res};
    return rc ? rc : plot_script(o, "compare", compare_charts, &arg, script, err);
}

int send_plot_compare(int k, const char *const *names, const send_results *const *res,
                      const send_plot_opts *o, send_plot_list *out, int *no_gnuplot,
                      des_error *err)
{
    *out = (send_plot_list){0};
    *no_gnuplot = 0;
    int rc = check_compare(k, names, res, err);
    compare_arg arg = {k, names, res};
    return rc ? rc : plot_draw(o, "compare", compare_charts, &arg, out, no_gnuplot, err);
}
