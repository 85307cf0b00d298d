/* plot_results.c - the charts of one run: EHC plans fan, requests and new plans, timeliness,
 * weeks to issue, sufficiency per limited provision, high-needs spend and deficit, and, for
 * each service beside the EHC pathway that ran, its charts ("services-*", send_plot_service_of).
 *
 * Each chart writes its data file(s) "<stem>-<chart>.dat" (whitespace-separated, '#' header
 * lines naming the columns) and appends a section to the gnuplot script. Percentiles are
 * across replications with the summary CSV's definition; derived series (demand = placed +
 * waiting) are summed per replication before taking percentiles. Observed history from the
 * scenario is written beside the forecast when the scenario has some for the chart's metrics.
 * O(charts x periods x n log n) time, O(n + periods) memory beyond the results.
 */
#include "plot_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "send_services.h"

typedef struct chart_in {
    plot_ctx *c;
    const send_results *res;
    const send_meta *meta;
    double *scratch; /* res->n doubles */
} chart_in;

/* x columns of period i of a metric: "2019-01-01 2019-01", "2019 2019" or "2019 2019-20". */
static void put_x(FILE *f, const send_output *o, int metric, int i)
{
    char label[16];
    send_output_period_label(o, metric, i, label, sizeof label);
    des_date d = send_output_period_start(o, metric, i);
    int y, m, dd;
    des_date_to_ymd(d, &y, &m, &dd);
    if (send_metric(metric)->kind == SEND_MONTHLY)
        fprintf(f, "%04d-%02d-%02d %s", y, m, dd, label);
    else
        fprintf(f, "%d %s", y, label);
}

static const char *xkind_of(int metric)
{
    switch (send_metric(metric)->kind) {
    case SEND_MONTHLY: return "month";
    case SEND_CY: return "cy";
    case SEND_FY: return "fy";
    }
    return "month";
}

/* Percentiles of metric in period i, times scale (> 0), from the run's summary when it has
 * one. */
static void stat_q(chart_in *in, int metric, int i, double scale, double q[SEND_NQ])
{
    send_stat st;
    send_results_get_stat(in->res, metric, i, in->scratch, &st);
    for (int j = 0; j < SEND_NQ; j++)
        q[j] = st.q[j] * scale;
}

static void put_q(FILE *f, const double q[SEND_NQ])
{
    for (int j = 0; j < SEND_NQ; j++)
        plot_dat_num(f, q[j]);
}

/* Write "<part>-observed.dat" with the scenario's observations of the given metrics (value
 * times scale): columns x (date for monthly metrics, else the starting year), metric, value.
 * *written says whether there were any; has[j] whether metric j had some. */
static int write_observed(chart_in *in, const char *part, const int *metrics, int nm,
                          double scale, int *written, int *has, char **path)
{
    *written = 0;
    *path = NULL;
    int any = 0;
    for (int j = 0; j < nm; j++) {
        if (has)
            has[j] = 0;
        for (int k = 0; in->meta && k < in->meta->n_obs; k++)
            if (in->meta->obs[k].metric == metrics[j]) {
                any = 1;
                if (has)
                    has[j] = 1;
            }
    }
    if (!any)
        return DES_OK;
    char *name = malloc(strlen(part) + 16);
    if (!name)
        return des_error_set(in->c->err, DES_ENOMEM, "cannot allocate a file name");
    sprintf(name, "%s-observed", part);
    io_atomic a;
    int rc = plot_dat_open(in->c, name, &a, path);
    free(name);
    if (rc)
        return rc;
    fprintf(a.f, "# observed history from the scenario '%s' (section observed)\n",
            in->meta->scenario_name ? in->meta->scenario_name : "");
    fprintf(a.f, "# %s metric value\n",
            send_metric(metrics[0])->kind == SEND_MONTHLY ? "date" : "year");
    for (int j = 0; j < nm; j++)
        for (int k = 0; k < in->meta->n_obs; k++) {
            const send_obs *ob = &in->meta->obs[k];
            if (ob->metric != metrics[j])
                continue;
            int y, m, d;
            des_date_to_ymd(ob->start, &y, &m, &d);
            if (send_metric(ob->metric)->kind == SEND_MONTHLY)
                fprintf(a.f, "%04d-%02d-%02d", y, m, d);
            else
                fprintf(a.f, "%d", y);
            fprintf(a.f, " %s", send_metric(ob->metric)->name);
            plot_dat_num(a.f, ob->value * scale);
            fputc('\n', a.f);
        }
    rc = plot_dat_commit(in->c, &a);
    if (rc == DES_OK)
        *written = 1;
    else {
        free(*path);
        *path = NULL;
    }
    return rc;
}

/* Months from the first to the last month on a monthly chart, observations included. */
static int months_spanned(const chart_in *in, int metric)
{
    const send_output *o = &in->res->reps[0];
    int lo = o->first_month_index, hi = o->first_month_index + o->n_months - 1;
    for (int k = 0; in->meta && k < in->meta->n_obs; k++)
        if (in->meta->obs[k].metric == metric) {
            int mi = des_date_month_index(in->meta->obs[k].start);
            lo = mi < lo ? mi : lo;
            hi = mi > hi ? mi : hi;
        }
    return hi - lo + 1;
}

/* A fan chart of one metric (template fan.gp), with an optional reference line (the median
 * of ref_metric) and observations. */
typedef struct fan_spec {
    const char *part, *title, *ylabel, *what;
    int metric;
    double scale;
    int ref_metric; /* -1: none */
    const char *ref_title;
    int zero;
    double ymin, ymax; /* NaN: automatic */
} fan_spec;

static int chart_fan(chart_in *in, const fan_spec *s)
{
    const send_output *o = &in->res->reps[0];
    int np = send_output_periods(o, s->metric);
    if (np == 0)
        return DES_OK;
    io_atomic a;
    char *data = NULL, *obs = NULL;
    int rc = plot_dat_open(in->c, s->part, &a, &data);
    if (rc)
        return rc;
    fprintf(a.f, "# %s: percentiles across %d replications\n", s->what, in->res->n);
    fprintf(a.f, "# %s period p05 p10 p25 p50 p75 p90 p95%s%s\n",
            send_metric(s->metric)->kind == SEND_MONTHLY ? "date" : "year",
            s->ref_metric >= 0 ? " " : "",
            s->ref_metric >= 0 ? send_metric(s->ref_metric)->name : "");
    for (int i = 0; i < np; i++) {
        double q[SEND_NQ];
        put_x(a.f, o, s->metric, i);
        stat_q(in, s->metric, i, s->scale, q);
        put_q(a.f, q);
        if (s->ref_metric >= 0) {
            stat_q(in, s->ref_metric, i, s->scale, q);
            plot_dat_num(a.f, q[3]);
        }
        fputc('\n', a.f);
    }
    rc = plot_dat_commit(in->c, &a);
    int has_obs = 0;
    if (!rc)
        rc = write_observed(in, s->part, &s->metric, 1, s->scale, &has_obs, NULL, &obs);
    if (!rc)
        rc = plot_begin(in->c, s->part, s->title);
    if (!rc) {
        plot_set_str(in->c, "data", data);
        plot_set_str(in->c, "observed", has_obs ? obs : "");
        plot_set_str(in->c, "xkind", xkind_of(s->metric));
        if (send_metric(s->metric)->kind == SEND_MONTHLY)
            plot_set_num(in->c, "months", months_spanned(in, s->metric));
        plot_set_str(in->c, "ylabel", s->ylabel);
        if (s->ref_metric >= 0)
            plot_set_str(in->c, "ref_title", s->ref_title);
        plot_set_num(in->c, "zero", s->zero);
        if (!isnan(s->ymin))
            plot_set_num(in->c, "ymin", s->ymin);
        if (!isnan(s->ymax))
            plot_set_num(in->c, "ymax", s->ymax);
        plot_end(in->c, "fan.gp");
    }
    free(data);
    free(obs);
    return rc;
}

/* Requests and new plans per calendar year (flows.gp). */
static int chart_flows(chart_in *in)
{
    const send_output *o = &in->res->reps[0];
    io_atomic a;
    char *data = NULL, *obs = NULL;
    int rc = plot_dat_open(in->c, "flows", &a, &data);
    if (rc)
        return rc;
    fprintf(a.f, "# requests for an EHC needs assessment and new EHC plans per calendar year: "
                 "percentiles across %d replications\n",
            in->res->n);
    fputs("# year period requests_p10 requests_p50 requests_p90 new_plans_p10 new_plans_p50 "
          "new_plans_p90\n",
          a.f);
    for (int i = 0; i < o->n_years; i++) {
        double q[SEND_NQ];
        put_x(a.f, o, C_REQUESTS, i);
        stat_q(in, C_REQUESTS, i, 1, q);
        plot_dat_num(a.f, q[1]);
        plot_dat_num(a.f, q[3]);
        plot_dat_num(a.f, q[5]);
        stat_q(in, C_NEW_PLANS, i, 1, q);
        plot_dat_num(a.f, q[1]);
        plot_dat_num(a.f, q[3]);
        plot_dat_num(a.f, q[5]);
        fputc('\n', a.f);
    }
    rc = plot_dat_commit(in->c, &a);
    const int metrics[2] = {C_REQUESTS, C_NEW_PLANS};
    int has_obs = 0, has[2] = {0, 0};
    if (!rc)
        rc = write_observed(in, "flows", metrics, 2, 1, &has_obs, has, &obs);
    if (!rc)
        rc = plot_begin(in->c, "flows", "Requests for assessment and new EHC plans");
    if (!rc) {
        plot_set_str(in->c, "data", data);
        plot_set_str(in->c, "observed", has_obs ? obs : "");
        plot_set_num(in->c, "obs_requests", has[0]);
        plot_set_num(in->c, "obs_new_plans", has[1]);
        plot_end(in->c, "flows.gp");
    }
    free(data);
    free(obs);
    return rc;
}

/* Weeks from request to final plan, pooled over replications (weeks.gp): the whole horizon,
 * and the final years (the last three calendar years, or fewer when the horizon is short). */
static int chart_weeks(chart_in *in)
{
    const send_output *o = &in->res->reps[0];
    int ny = o->n_years;
    int final_years = ny > 3 ? 3 : 0; /* a separate outline only when it differs */
    double all[SEND_WEEKS_BINS] = {0}, fin[SEND_WEEKS_BINS] = {0};
    double n_all = 0, n_fin = 0;
    for (int r = 0; r < in->res->n; r++) {
        const send_output *ro = &in->res->reps[r];
        for (int y = 0; y < ny; y++)
            for (int w = 0; w < SEND_WEEKS_BINS; w++) {
                double v = ro->weeks_hist[(size_t)y * SEND_WEEKS_BINS + (size_t)w];
                all[w] += v;
                n_all += v;
                if (final_years && y >= ny - final_years) {
                    fin[w] += v;
                    n_fin += v;
                }
            }
    }
    double in20_all = 0, in20_fin = 0;
    for (int w = 0; w < 20; w++) {
        in20_all += all[w];
        in20_fin += fin[w];
    }
    io_atomic a;
    char *data = NULL;
    int rc = plot_dat_open(in->c, "weeks-to-issue", &a, &data);
    if (rc)
        return rc;
    int y0 = o->first_year, y1 = o->first_year + ny - 1;
    fprintf(a.f, "# weeks from request to final EHC plan, pooled over %d replications: plans "
                 "issued after w to w+1 whole weeks (week 52: 52 or more)\n",
            in->res->n);
    if (final_years)
        fprintf(a.f, "# all = calendar years %d-%d, final = %d-%d\n", y0, y1,
                y1 - final_years + 1, y1);
    else
        fprintf(a.f, "# all = final = calendar years %d-%d\n", y0, y1);
    fputs("# week all_pct final_pct all_plans final_plans\n", a.f);
    for (int w = 0; w < SEND_WEEKS_BINS; w++) {
        fprintf(a.f, "%d", w);
        plot_dat_num(a.f, n_all > 0 ? 100.0 * all[w] / n_all : NAN);
        plot_dat_num(a.f, final_years ? (n_fin > 0 ? 100.0 * fin[w] / n_fin : NAN)
                                      : (n_all > 0 ? 100.0 * all[w] / n_all : NAN));
        plot_dat_num(a.f, all[w]);
        plot_dat_num(a.f, final_years ? fin[w] : all[w]);
        fputc('\n', a.f);
    }
    rc = plot_dat_commit(in->c, &a);
    if (!rc)
        rc = plot_begin(in->c, "weeks-to-issue", "Weeks from request to final EHC plan");
    if (!rc) {
        char t[160];
        plot_set_str(in->c, "data", data);
        if (n_all > 0)
            snprintf(t, sizeof t, "plans issued %d-%d (%.1f%% within 20 weeks)", y0, y1,
                     100.0 * in20_all / n_all);
        else
            snprintf(t, sizeof t, "%d-%d: no plans issued", y0, y1);
        plot_set_str(in->c, "all_title", t);
        if (final_years && n_fin > 0)
            snprintf(t, sizeof t, "plans issued %d-%d (%.1f%% within 20 weeks)",
                     y1 - final_years + 1, y1, 100.0 * in20_fin / n_fin);
        else
            t[0] = '\0';
        plot_set_str(in->c, "final_title", t);
        plot_end(in->c, "weeks.gp");
    }
    free(data);
    return rc;
}

/* A provision has limited places when any replication has a non-negative capacity in any
 * month. */
static int is_limited(const send_results *res, int prov)
{
    for (int r = 0; r < res->n; r++) {
        const double *row = send_output_row(&res->reps[r], M_CAPACITY + prov);
        for (int i = 0; i < res->reps[r].n_months; i++)
            if (row[i] >= 0)
                return 1;
    }
    return 0;
}

/* Places against demand and the waiting list for one provision (sufficiency.gp). */
static int chart_sufficiency(chart_in *in, int prov)
{
    const send_output *o = &in->res->reps[0];
    const char *pname = send_provision_names[prov];
    char part[96];
    snprintf(part, sizeof part, "sufficiency-%s", pname);
    io_atomic a;
    char *data = NULL;
    int rc = plot_dat_open(in->c, part, &a, &data);
    if (rc)
        return rc;
    fprintf(a.f, "# %s: demand = placements_%s + waiting_for_place_%s per replication; places "
                 "= capacity_%s; percentiles across %d replications\n",
            plot_provision_titles[prov], pname, pname, pname, in->res->n);
    fputs("# date period demand_p05 demand_p10 demand_p25 demand_p50 demand_p75 demand_p90 "
          "demand_p95 places_p10 places_p50 places_p90 waiting_p05 waiting_p10 waiting_p25 "
          "waiting_p50 waiting_p75 waiting_p90 waiting_p95\n",
          a.f);
    for (int i = 0; i < o->n_months; i++) {
        double q[SEND_NQ];
        put_x(a.f, o, M_CAPACITY + prov, i);
        for (int r = 0; r < in->res->n; r++) {
            send_output *ro = &in->res->reps[r];
            in->scratch[r] = send_output_row(ro, M_PLACEMENTS + prov)[i] +
                             send_output_row(ro, M_WAITING + prov)[i];
        }
        plot_quantiles(in->scratch, in->res->n, q);
        put_q(a.f, q);
        for (int r = 0; r < in->res->n; r++) {
            double v = send_output_row(&in->res->reps[r], M_CAPACITY + prov)[i];
            in->scratch[r] = v < 0 ? NAN : v; /* unlimited in this replication and month */
        }
        plot_quantiles(in->scratch, in->res->n, q);
        plot_dat_num(a.f, q[1]);
        plot_dat_num(a.f, q[3]);
        plot_dat_num(a.f, q[5]);
        stat_q(in, M_WAITING + prov, i, 1, q);
        put_q(a.f, q);
        fputc('\n', a.f);
    }
    rc = plot_dat_commit(in->c, &a);
    char title[160];
    snprintf(title, sizeof title, "Sufficiency: %s", plot_provision_titles[prov]);
    if (!rc)
        rc = plot_begin(in->c, part, title);
    if (!rc) {
        plot_set_str(in->c, "data", data);
        plot_set_str(in->c, "provision", plot_provision_titles[prov]);
        plot_set_num(in->c, "months", o->n_months);
        plot_end(in->c, "sufficiency.gp");
    }
    free(data);
    return rc;
}

/* ---- the services beside the EHC pathway ------------------------------------------------- */

/* A chart of related metrics of one service (overlay.gp): each metric's median over its
 * P10-P90 band, named by its line in send_service_lines. Drawn only when the service ran;
 * a metric that is zero throughout is left out. */
typedef struct svc_chart {
    send_service service;
    const char *part, *title, *ylabel;
    int logy;          /* 1: logarithmic y axis (values <= 0 are left out) */
    double ymin, ymax; /* NaN: automatic */
    int n, metrics[8];
} svc_chart;

static const svc_chart svc_charts[] = {
    {SEND_SVC_LEVELS, "services-levels", "Children at each level of need",
     "children on the first of the month (log scale)", 1, NAN, NAN, 4,
     {M_LEVEL + 0, M_LEVEL + 1, M_LEVEL + 2, M_LEVEL + 3}},
    {SEND_SVC_EARLY_HELP, "services-early-help", "Early help: open episodes and waiting",
     "children on the first of the month", 0, 0, NAN, 3, {M_EH_2A, M_EH_2B, M_EH_WAITING}},
    {SEND_SVC_FRONT_DOOR, "services-front-door", "Front door: from contacts to outcomes",
     "per calendar year (log scale)", 1, NAN, NAN, 7,
     {C_CONTACTS, C_REFERRALS, C_INITIAL, C_CORE, C_CIN_STARTS, C_CP_STARTS, C_CARE_FROM_FD}},
    {SEND_SVC_FRONT_DOOR, "services-front-door-on-time", "Front door: assessments on time",
     "% completed within the time limit", 0, 0, 100, 2,
     {C_PCT_INITIAL_ON_TIME, C_PCT_CORE_ON_TIME}},
    {SEND_SVC_CARE, "services-care", "Children in care by placement type",
     "children on the first of the month", 0, 0, NAN, CARE_COUNT,
     {M_CARE_TYPE + 0, M_CARE_TYPE + 1, M_CARE_TYPE + 2, M_CARE_TYPE + 3, M_CARE_TYPE + 4,
      M_CARE_TYPE + 5}},
    {SEND_SVC_SHORT_BREAKS, "services-short-breaks", "Short breaks: packages and waiting",
     "on the first of the month", 0, 0, NAN, 2, {M_SB_PACKAGES, M_SB_WAITING}},
    {SEND_SVC_SHORT_BREAKS, "services-short-break-hours", "Short breaks: hours delivered",
     "hours per calendar year", 0, 0, NAN, 1, {C_SB_HOURS}},
};

int send_plot_service_of(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot)
        return -1;
    for (size_t i = 0; i < sizeof svc_charts / sizeof svc_charts[0]; i++) {
        size_t n = strlen(svc_charts[i].part);
        if ((size_t)(dot - path) > n && dot[-(ptrdiff_t)n - 1] == '-' &&
            !strncmp(dot - n, svc_charts[i].part, n))
            return (int)svc_charts[i].service;
    }
    return -1;
}

static int chart_service(chart_in *in, const svc_chart *sc)
{
    int metrics[8], k = 0;
    for (int j = 0; j < sc->n; j++)
        if (send_results_has_value(in->res, sc->metrics[j]))
            metrics[k++] = sc->metrics[j];
    if (k == 0)
        return DES_OK;
    const send_output *o = &in->res->reps[0];
    int m0 = metrics[0], np = send_output_periods(o, m0);
    io_atomic a;
    char *data = NULL;
    int rc = plot_dat_open(in->c, sc->part, &a, &data);
    if (rc)
        return rc;
    fprintf(a.f, "# %s: P10, median and P90 across %d replications%s\n", sc->title, in->res->n,
            sc->logy ? " (values <= 0 written as NaN for the log scale)" : "");
    fprintf(a.f, "# %s period", send_metric(m0)->kind == SEND_MONTHLY ? "date" : "year");
    for (int j = 0; j < k; j++) {
        const char *nm = send_metric(metrics[j])->name;
        fprintf(a.f, " %s_p10 %s_p50 %s_p90", nm, nm, nm);
    }
    fputc('\n', a.f);
    for (int i = 0; i < np; i++) {
        put_x(a.f, o, m0, i);
        for (int j = 0; j < k; j++) {
            double q[SEND_NQ];
            stat_q(in, metrics[j], i, 1, q);
            for (int l = 1; l <= 5; l += 2)
                plot_dat_num(a.f, sc->logy && !(q[l] > 0) ? NAN : q[l]);
        }
        fputc('\n', a.f);
    }
    rc = plot_dat_commit(in->c, &a);
    if (!rc)
        rc = plot_begin(in->c, sc->part, sc->title);
    if (!rc) {
        plot_set_str(in->c, "data", data);
        plot_set_str(in->c, "xkind", xkind_of(m0));
        if (send_metric(m0)->kind == SEND_MONTHLY)
            plot_set_num(in->c, "months", o->n_months);
        plot_set_str(in->c, "ylabel", sc->ylabel);
        plot_set_num(in->c, "logy", sc->logy);
        plot_set_str(in->c, "keypos", "below left maxrows 4"); /* long names: the graph keeps its width */
        if (!isnan(sc->ymin))
            plot_set_num(in->c, "ymin", sc->ymin);
        if (!isnan(sc->ymax))
            plot_set_num(in->c, "ymax", sc->ymax);
        plot_set_num(in->c, "k", k);
        fprintf(in->c->script, "array names[%d]\n", k);
        for (int j = 0; j < k; j++) {
            int li = send_service_line_of(metrics[j]);
            fprintf(in->c->script, "names[%d] = ", j + 1);
            plot_put_quoted(in->c->script, li >= 0 ? send_service_lines[li].label
                                                   : send_metric(metrics[j])->name);
            fputc('\n', in->c->script);
        }
        plot_end(in->c, "overlay.gp");
    }
    free(data);
    return rc;
}

static char *results_footer(const send_results *res, const send_meta *meta)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (!f)
        return NULL;
    fprintf(f, "scenario %s \xc2\xb7 %d replication%s \xc2\xb7 seed %llu",
            meta && meta->scenario_name ? meta->scenario_name : "?", res->n,
            res->n == 1 ? "" : "s", (unsigned long long)res->master_seed);
    if (meta && meta->version && *meta->version)
        fprintf(f, " \xc2\xb7 sendsim %s", meta->version);
    if (meta && meta->finished && *meta->finished)
        fprintf(f, " \xc2\xb7 run %.10s", meta->finished);
    fclose(f);
    return s;
}

typedef struct results_arg {
    const send_results *res;
    const send_meta *meta;
} results_arg;

static int results_charts(plot_ctx *c, const void *arg)
{
    const send_results *res = ((const results_arg *)arg)->res;
    const send_meta *meta = ((const results_arg *)arg)->meta;
    chart_in in = {c, res, meta, malloc((size_t)res->n * sizeof(double))};
    c->footer = results_footer(res, meta);
    if (!in.scratch || !c->footer) {
        free(in.scratch);
        return des_error_set(c->err, DES_ENOMEM, "cannot allocate chart data");
    }
    const fan_spec ehcp = {.part = "ehcp-fan", .title = "EHC plans in place",
                           .ylabel = "EHC plans (first day of the month)",
                           .what = "EHC plans in place on the first day of the month",
                           .metric = M_EHCP_TOTAL, .scale = 1, .ref_metric = -1, .ymin = NAN,
                           .ymax = NAN};
    const fan_spec pct = {.part = "timeliness", .title = "New EHC plans issued within 20 weeks",
                          .ylabel = "% of new plans issued within 20 weeks of the request",
                          .what = "% of new plans issued within 20 weeks, by calendar year",
                          .metric = C_PCT_20W, .scale = 1, .ref_metric = -1, .ymin = 0,
                          .ymax = 100};
    const fan_spec spend = {.part = "spend", .title = "High-needs spend and income",
                            .ylabel = "\xc2\xa3 millions a year",
                            .what = "high-needs block expenditure (hn_spend_gbp) in GBP millions "
                                    "by financial year, and income (dsg_income_gbp, median)",
                            .metric = F_SPEND, .scale = 1e-6, .ref_metric = F_INCOME,
                            .ref_title = "high-needs income", .ymin = 0, .ymax = NAN};
    const fan_spec deficit = {.part = "deficit", .title = "Cumulative DSG high-needs balance",
                              .ylabel = "\xc2\xa3 millions at 31 March (negative = deficit)",
                              .what = "cumulative DSG high-needs balance (dsg_balance_gbp) in GBP "
                                      "millions at the end of each financial year, negative "
                                      "meaning a deficit",
                              .metric = F_DSG_BALANCE, .scale = 1e-6, .ref_metric = -1, .zero = 1,
                              .ymin = NAN, .ymax = NAN};
    int rc = chart_fan(&in, &ehcp);
    if (!rc)
        rc = chart_flows(&in);
    if (!rc)
        rc = chart_fan(&in, &pct);
    if (!rc)
        rc = chart_weeks(&in);
    for (int p = 0; !rc && p < PROV_COUNT; p++)
        if (send_provision_is_place((send_provision)p) && is_limited(res, p))
            rc = chart_sufficiency(&in, p);
    if (!rc)
        rc = chart_fan(&in, &spend);
    if (!rc)
        rc = chart_fan(&in, &deficit);
    for (size_t i = 0; !rc && i < sizeof svc_charts / sizeof svc_charts[0]; i++)
        if (send_service_ran(res, svc_charts[i].service))
            rc = chart_service(&in, &svc_charts[i]);
    free(in.scratch);
    return rc;
}

static int check_results(const send_results *res, des_error *err)
{
    if (!res || res->n < 1 || !res->reps)
        return des_error_set(err, DES_EINVAL, "no replications to chart");
    return DES_OK;
}

int send_plot_results_script(const send_results *res, const send_meta *meta,
                             const send_plot_opts *o, FILE *script, des_error *err)
{
    int rc = check_results(res, err);
    results_arg arg = {res, meta};
    return rc ? rc
              : plot_script(o, meta ? meta->scenario_name : NULL, results_charts, &arg, script,
                            err);
}

int send_plot_results(const send_results *res, const send_meta *meta, const send_plot_opts *o,
                      send_plot_list *out, int *no_gnuplot, des_error *err)
{
    *out = (send_plot_list){0};
    *no_gnuplot = 0;
    int rc = check_results(res, err);
    results_arg arg = {res, meta};
    return rc ? rc
              : plot_draw(o, meta ? meta->scenario_name : NULL, results_charts, &arg, out,
                          no_gnuplot, err);
}
