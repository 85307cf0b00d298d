/* results_h5.c - the HDF5 results file: write a run, read it back bit for bit.
 *
 * Layout (documented for users in results/README.md):
 *   /                          attributes: provenance (scenario, seeds, program, host, times)
 *   /seeds                     uint32 [replication][stream]
 *   /events                    uint64 [replication]
 *   /audit                     int64  [replication][8]: the conservation counts
 *   /periods/{monthly,calendar_year,financial_year}   period labels, strings
 *   /{monthly,calendar_year,financial_year}/<metric>  float64 [replication][period]
 *   /weeks_to_issue            uint32 [replication][calendar year][week bin]
 *   /summary/<kind>/<metric>   float64 [statistic][period]: mean, sd, p05 ... p95
 *   /scenario/parameters       table: key, value, note, file, line
 *   /observed                  table: metric, period, value
 *   /parameters_used/{keys,values}  key paths [key] and float64 [replication][key]: the values
 *                              each replication drew from priors or an ensemble (when any)
 *   /breakdown/{names,monthly} sufficiency by pool, area and need (when the scenario has
 *                              capacity pools): row names [row] and float64
 *                              [replication][row][month]
 * Per-replication datasets are chunked by blocks of replications (whole rows) and compressed
 * with shuffle + deflate. Every dataset carries `units` and `description` attributes.
 * Axes are HDF5 dimension scales (H5DS, the netCDF-4 convention), so generic tools label them:
 * /replication (0 .. n-1), the period labels in /periods/<kind>, /summary/statistic (mean, sd,
 * p05 ... p95) and /parameters_used/keys are scales, attached to the axes of every dataset
 * that has them.
 *
 * The file is built in memory and written under "<path>.tmp.<pid>", fsync'd and renamed (as
 * every output, send_io.h's io_atomic); any failure or a cancellation removes the temporary
 * file, and no HDF5 handle outlives a failure. Reading checks every object it needs and names the
 * missing or malformed one. Cost: O(replications x metrics x periods) time and memory, plus
 * the summary's sorting, O(metrics x periods x n log n).
 */
#include "send_h5.h"
#include "send_io.h"

#include <errno.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FORMAT_NAME "sendsim results"
#define FORMAT_VERSION 1
#define CHUNK_REPS 64
#define DEFLATE_LEVEL 4

static const char *const kind_group[] = {"monthly", "calendar_year", "financial_year"};
static const char *const kind_dim[] = {"month", "calendar year", "financial year (April-March)"};
static const char *const audit_names =
    "plans_open,plans_new,plans_ceased,plans_close,sen_open,sen_in,sen_out,sen_close";
static const char *const stat_names = "mean,sd,p05,p10,p25,p50,p75,p90,p95";

/* The root attributes, listed once: writing fills a root_rec from the run and writes every row;
 * reading reads every row into a root_rec and hands the values to the run and its provenance.
 * A row marked `since` may be missing from files written before it existed; its default (set
 * in root_defaults) then stands. New attributes are appended as optional rows. */
typedef struct root_rec {
    char *format;
    int format_version;
    char *scenario_name, *scenario_path, *scenario_yaml, *scenario_source;
    uint64_t master_seed;
    int replications, streams, ranks, authorities;
    char *program_version, *build, *host, *started, *finished;
    int threads;
    double wall_seconds;
    uint64_t events;
    char *first_month; /* YYYY-MM */
    int first_year, first_fy, months, years, financial_years, weeks_bins;
} root_rec;

typedef enum { AT_STR, AT_INT, AT_U64, AT_DBL } attr_type;

typedef struct root_attr {
    const char *name;
    attr_type type;
    size_t off;
    int optional; /* 1: absent in older files, the default stands */
} root_attr;

#define ROOT(field, type, optional) {#field, type, offsetof(root_rec, field), optional}
static const root_attr root_attrs[] = {
    ROOT(format, AT_STR, 0),          ROOT(format_version, AT_INT, 0),
    /* the two above are read and checked before the rest (ROOT_FORMAT_ROWS) */
    ROOT(scenario_name, AT_STR, 0),   ROOT(scenario_path, AT_STR, 0),
    ROOT(scenario_yaml, AT_STR, 0),   ROOT(scenario_source, AT_STR, 0),
    ROOT(master_seed, AT_U64, 0),     ROOT(replications, AT_INT, 0),
    ROOT(streams, AT_INT, 0),         ROOT(ranks, AT_INT, 1),
    ROOT(authorities, AT_INT, 1),     ROOT(program_version, AT_STR, 0),
    ROOT(build, AT_STR, 0),           ROOT(host, AT_STR, 0),
    ROOT(started, AT_STR, 0),         ROOT(finished, AT_STR, 0),
    ROOT(threads, AT_INT, 0),         ROOT(wall_seconds, AT_DBL, 0),
    ROOT(events, AT_U64, 0),          ROOT(first_month, AT_STR, 0),
    ROOT(first_year, AT_INT, 0),      ROOT(first_fy, AT_INT, 0),
    ROOT(months, AT_INT, 0),          ROOT(years, AT_INT, 0),
    ROOT(financial_years, AT_INT, 0), ROOT(weeks_bins, AT_INT, 0),
};
#undef ROOT
#define N_ROOT_ATTRS ((int)(sizeof root_attrs / sizeof root_attrs[0]))
#define ROOT_FORMAT_ROWS 2

static void root_defaults(root_rec *rr)
{
    memset(rr, 0, sizeof *rr);
    rr->ranks = 1;       /* files from before MPI runs */
    rr->authorities = 0; /* files from before several-authority scenarios */
}

static hid_t attr_mem_type(attr_type t)
{
    return t == AT_INT ? H5T_NATIVE_INT : t == AT_U64 ? H5T_NATIVE_UINT64 : H5T_NATIVE_DOUBLE;
}

/* ---- writing ---------------------------------------------------------------------------- */

typedef struct wctx {
    hid_t f;
    int failed;
    des_error *err;
    const char *path;
} wctx;

static int wfail(wctx *w, const char *what)
{
    if (!w->failed)
        des_error_set(w->err, DES_EIO, "'%s': cannot write %s", w->path, what);
    w->failed = 1;
    return -1;
}

static hid_t str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0) {
        H5Tset_size(t, H5T_VARIABLE);
        H5Tset_cset(t, H5T_CSET_UTF8);
    }
    return t;
}

static void attr_str(wctx *w, hid_t obj, const char *name, const char *value)
{
    if (w->failed)
        return;
    hid_t t = str_type(), s = H5Screate(H5S_SCALAR);
    hid_t a = t >= 0 && s >= 0 ? H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT) : -1;
    const char *v = value ? value : "";
    if (a < 0 || H5Awrite(a, t, &v) < 0)
        wfail(w, name);
    if (a >= 0)
        H5Aclose(a);
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
}

static void attr_num(wctx *w, hid_t obj, const char *name, hid_t type, const void *v)
{
    if (w->failed)
        return;
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = s >= 0 ? H5Acreate2(obj, name, type, s, H5P_DEFAULT, H5P_DEFAULT) : -1;
    if (a < 0 || H5Awrite(a, type, v) < 0)
        wfail(w, name);
    if (a >= 0)
        H5Aclose(a);
    if (s >= 0)
        H5Sclose(s);
}

static hid_t group(wctx *w, hid_t parent, const char *name)
{
    if (w->failed)
        return -1;
    hid_t g = H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        wfail(w, name);
    return g;
}

/* A dataset of rank 1-3; chunked and compressed when `chunk0` > 0 (rows per chunk). */
static hid_t dataset(wctx *w, hid_t parent, const char *name, hid_t type, int rank,
                     const hsize_t *dims, hsize_t chunk0, const void *data, const char *units,
                     const char *description)
{
    if (w->failed)
        return -1;
    hid_t s = H5Screate_simple(rank, dims, NULL);
    hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
    int empty = 0;
    for (int i = 0; i < rank; i++)
        empty |= dims[i] == 0;
    if (chunk0 > 0 && !empty && pl >= 0) {
        hsize_t c[4];
        for (int i = 0; i < rank; i++)
            c[i] = dims[i];
        c[0] = chunk0 < dims[0] ? chunk0 : dims[0];
        H5Pset_chunk(pl, rank, c);
        H5Pset_shuffle(pl);
        H5Pset_deflate(pl, DEFLATE_LEVEL);
    }
    hid_t d = s >= 0 && pl >= 0 ? H5Dcreate2(parent, name, type, s, H5P_DEFAULT, pl, H5P_DEFAULT)
                                : -1;
    if (d < 0 || (!empty && data && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0))
        wfail(w, name);
    if (pl >= 0)
        H5Pclose(pl);
    if (s >= 0)
        H5Sclose(s);
    if (d >= 0) {
        if (units)
            attr_str(w, d, "units", units);
        if (description)
            attr_str(w, d, "description", description);
    }
    return d;
}

static void close_d(hid_t d)
{
    if (d >= 0)
        H5Dclose(d);
}

static void close_g(hid_t g)
{
    if (g >= 0)
        H5Gclose(g);
}

static int kind_periods(const send_output *o, int kind)
{
    return kind == SEND_MONTHLY ? o->n_months : kind == SEND_CY ? o->n_years : o->n_fys;
}

/* First metric index of each kind, for period labels. */
static int first_metric_of(int kind)
{
    for (int m = 0; m < SEND_METRIC_COUNT; m++)
        if (send_metric(m) && (int)send_metric(m)->kind == kind)
            return m;
    return -1;
}

static void write_periods(wctx *w, const send_output *o)
{
    hid_t g = group(w, w->f, "periods");
    for (int k = 0; k < 3 && !w->failed; k++) {
        int np = kind_periods(o, k), m = first_metric_of(k);
        char **labels = calloc((size_t)(np ? np : 1), sizeof *labels);
        char *buf = malloc((size_t)(np ? np : 1) * 16);
        if (!labels || !buf) {
            free(labels);
            free(buf);
            wfail(w, "period labels");
            break;
        }
        for (int i = 0; i < np; i++) {
            labels[i] = buf + 16 * i;
            send_output_period_label(o, m, i, labels[i], 16);
        }
        hid_t t = str_type();
        hsize_t dims[1] = {(hsize_t)np};
        char desc[96];
        snprintf(desc, sizeof desc, "label of each %s", kind_dim[k]);
        close_d(dataset(w, g, kind_group[k], t, 1, dims, 0, labels, NULL, desc));
        H5Tclose(t);
        free(labels);
        free(buf);
    }
    close_g(g);
}

static void write_series(wctx *w, const send_results *res, const volatile sig_atomic_t *cancel)
{
    const send_output *o0 = &res->reps[0];
    int n = res->n;
    hid_t g[3];
    for (int k = 0; k < 3; k++)
        g[k] = group(w, w->f, kind_group[k]);
    double *buf = malloc((size_t)n * (size_t)o0->row_len * sizeof *buf);
    if (!buf)
        wfail(w, "the series (out of memory)");
    for (int m = 0; m < SEND_METRIC_COUNT && !w->failed; m++) {
        if (cancel && *cancel) {
            wfail(w, "the series (interrupted)");
            break;
        }
        const send_metric_info *mi = send_metric(m);
        if (!mi)
            continue;
        int np = send_output_periods(o0, m);
        for (int r = 0; r < n; r++)
            memcpy(buf + (size_t)r * np, send_output_row(&res->reps[r], m),
                   (size_t)np * sizeof *buf);
        hsize_t dims[2] = {(hsize_t)n, (hsize_t)np};
        hid_t d = dataset(w, g[mi->kind], mi->name, H5T_NATIVE_DOUBLE, 2, dims, CHUNK_REPS, buf,
                          mi->unit, mi->description);
        if (d >= 0) {
            char dim[96];
            snprintf(dim, sizeof dim, "replication, %s", kind_dim[mi->kind]);
            attr_str(w, d, "dimensions", dim);
        }
        close_d(d);
    }
    free(buf);
    for (int k = 0; k < 3; k++)
        close_g(g[k]);
}

static void write_summary(wctx *w, const send_results *res, const volatile sig_atomic_t *cancel)
{
    const send_output *o0 = &res->reps[0];
    hid_t top = group(w, w->f, "summary");
    if (top >= 0)
        attr_str(w, top, "statistics", stat_names);
    hid_t g[3];
    for (int k = 0; k < 3; k++)
        g[k] = group(w, top, kind_group[k]);
    double *scratch = malloc((size_t)res->n * sizeof *scratch);
    double *tab = malloc((size_t)(2 + SEND_NQ) * (size_t)o0->row_len * sizeof *tab);
    if (!scratch || !tab)
        wfail(w, "the summary (out of memory)");
    for (int m = 0; m < SEND_METRIC_COUNT && !w->failed; m++) {
        if (cancel && *cancel) {
            wfail(w, "the summary (interrupted)");
            break;
        }
        const send_metric_info *mi = send_metric(m);
        if (!mi)
            continue;
        int np = send_output_periods(o0, m);
        for (int i = 0; i < np; i++) {
            send_stat st;
            send_results_get_stat(res, m, i, scratch, &st);
            tab[0 * np + i] = st.mean;
            tab[1 * np + i] = st.sd;
            for (int j = 0; j < SEND_NQ; j++)
                tab[(size_t)(2 + j) * np + i] = st.q[j];
        }
        hsize_t dims[2] = {2 + SEND_NQ, (hsize_t)np};
        hid_t d = dataset(w, g[mi->kind], mi->name, H5T_NATIVE_DOUBLE, 2, dims, 0, tab, mi->unit,
                          mi->description);
        if (d >= 0)
            attr_str(w, d, "statistics", stat_names);
        close_d(d);
    }
    free(scratch);
    free(tab);
    for (int k = 0; k < 3; k++)
        close_g(g[k]);
    close_g(top);
}

typedef struct param_rec {
    const char *key, *value, *note, *file;
    int line;
} param_rec;

typedef struct obs_rec {
    const char *metric, *period;
    double value;
} obs_rec;

/* The compound types of the two tables, with variable-length string fields of type st. */
static hid_t param_type(hid_t st)
{
    hid_t pt = H5Tcreate(H5T_COMPOUND, sizeof(param_rec));
    H5Tinsert(pt, "key", HOFFSET(param_rec, key), st);
    H5Tinsert(pt, "value", HOFFSET(param_rec, value), st);
    H5Tinsert(pt, "note", HOFFSET(param_rec, note), st);
    H5Tinsert(pt, "file", HOFFSET(param_rec, file), st);
    H5Tinsert(pt, "line", HOFFSET(param_rec, line), H5T_NATIVE_INT);
    return pt;
}

static hid_t obs_type(hid_t st)
{
    hid_t ot = H5Tcreate(H5T_COMPOUND, sizeof(obs_rec));
    H5Tinsert(ot, "metric", HOFFSET(obs_rec, metric), st);
    H5Tinsert(ot, "period", HOFFSET(obs_rec, period), st);
    H5Tinsert(ot, "value", HOFFSET(obs_rec, value), H5T_NATIVE_DOUBLE);
    return ot;
}

static void write_tables(wctx *w, const send_meta *meta)
{
    hid_t st = str_type();
    hid_t pt = param_type(st);
    int np = meta->n_params;
    param_rec *pr = calloc((size_t)(np ? np : 1), sizeof *pr);
    obs_rec *orr = calloc((size_t)(meta->n_obs ? meta->n_obs : 1), sizeof *orr);
    char *labels = malloc((size_t)(meta->n_obs ? meta->n_obs : 1) * 16);
    if (!pr || !orr || !labels)
        wfail(w, "the scenario tables (out of memory)");
    hid_t g = group(w, w->f, "scenario");
    if (!w->failed) {
        for (int i = 0; i < np; i++)
            pr[i] = (param_rec){meta->params[i].key, meta->params[i].value,
                                meta->params[i].note, meta->params[i].file,
                                meta->params[i].line};
        hsize_t dims[1] = {(hsize_t)np};
        close_d(dataset(w, g, "parameters", pt, 1, dims, 0, pr, NULL,
                        "every scenario value as written: dotted key, value, the comment on its "
                        "line (source or assumption), file and line"));
    }
    hid_t ot = obs_type(st);
    if (!w->failed) {
        for (int i = 0; i < meta->n_obs; i++) {
            const send_metric_info *mi = send_metric(meta->obs[i].metric);
            send_period_label(mi->kind, meta->obs[i].start, labels + 16 * i, 16);
            orr[i] = (obs_rec){mi->name, labels + 16 * i, meta->obs[i].value};
        }
        hsize_t dims[1] = {(hsize_t)meta->n_obs};
        close_d(dataset(w, w->f, "observed", ot, 1, dims, 0, orr, NULL,
                        "published history from the scenario's `observed` section, in the "
                        "metric's units and period labels"));
    }
    close_g(g);
    free(pr);
    free(orr);
    free(labels);
    H5Tclose(ot);
    H5Tclose(pt);
    H5Tclose(st);
}

static void write_root_attrs(wctx *w, const send_results *res, const send_meta *meta)
{
    const send_output *o0 = &res->reps[0];
    char first[16];
    send_output_period_label(o0, first_metric_of(SEND_MONTHLY), 0, first, sizeof first);
    root_rec rr;
    root_defaults(&rr);
    /* strings are only read from here: the casts drop const for the shared record type */
    rr.format = (char *)FORMAT_NAME;
    rr.format_version = FORMAT_VERSION;
    rr.scenario_name = meta->scenario_name;
    rr.scenario_path = meta->scenario_path;
    rr.scenario_yaml = meta->scenario_yaml;
    rr.scenario_source = meta->scenario_source;
    rr.master_seed = res->master_seed;
    rr.replications = res->n;
    rr.streams = res->seeds_per_rep > 0 ? res->seeds_per_rep : SEND_STREAMS;
    rr.ranks = res->ranks > 0 ? res->ranks : 1;
    rr.authorities = res->n_authorities;
    rr.program_version = meta->version;
    rr.build = meta->build;
    rr.host = meta->host;
    rr.started = meta->started;
    rr.finished = meta->finished;
    rr.threads = meta->threads;
    rr.wall_seconds = meta->wall_seconds;
    rr.events = res->events;
    rr.first_month = first;
    rr.first_year = o0->first_year;
    rr.first_fy = o0->first_fy;
    rr.months = o0->n_months;
    rr.years = o0->n_years;
    rr.financial_years = o0->n_fys;
    rr.weeks_bins = SEND_WEEKS_BINS;
    for (int i = 0; i < N_ROOT_ATTRS; i++) {
        const root_attr *ra = &root_attrs[i];
        const char *field = (const char *)&rr + ra->off;
        if (ra->type == AT_STR)
            attr_str(w, w->f, ra->name, *(char *const *)field);
        else
            attr_num(w, w->f, ra->name, attr_mem_type(ra->type), field);
    }
}

static void write_per_rep(wctx *w, const send_results *res)
{
    int n = res->n;
    const send_output *o0 = &res->reps[0];
    hsize_t sd[2] = {(hsize_t)n,
                     (hsize_t)(res->seeds_per_rep > 0 ? res->seeds_per_rep : SEND_STREAMS)};
    close_d(dataset(w, w->f, "seeds", H5T_NATIVE_UINT32, 2, sd, 0, res->seeds, NULL,
                    "random-stream seeds of each replication, derived from master_seed (16 "
                    "streams per authority)"));
    uint64_t *ev = malloc((size_t)n * sizeof *ev);
    int64_t *au = malloc((size_t)n * SEND_AUDIT_N * sizeof *au);
    size_t hb = (size_t)o0->n_years * SEND_WEEKS_BINS;
    uint32_t *wh = malloc((size_t)n * (hb ? hb : 1) * sizeof *wh);
    if (!ev || !au || !wh)
        wfail(w, "per-replication data (out of memory)");
    if (!w->failed) {
        for (int r = 0; r < n; r++) {
            const send_output *o = &res->reps[r];
            ev[r] = o->events;
            send_output_audit_get(o, au + SEND_AUDIT_N * (size_t)r);
            memcpy(wh + hb * (size_t)r, o->weeks_hist, hb * sizeof *wh);
        }
        hsize_t ed[1] = {(hsize_t)n};
        close_d(dataset(w, w->f, "events", H5T_NATIVE_UINT64, 1, ed, 0, ev, "events",
                        "simulation events fired in each replication"));
        hsize_t ad[2] = {(hsize_t)n, SEND_AUDIT_N};
        hid_t d = dataset(w, w->f, "audit", H5T_NATIVE_INT64, 2, ad, CHUNK_REPS, au, "children",
                          "conservation counts over the horizon: plans open + new - ceased = "
                          "close; SEN Support open + in - out = close");
        if (d >= 0)
            attr_str(w, d, "columns", audit_names);
        close_d(d);
        hsize_t hd[3] = {(hsize_t)n, (hsize_t)o0->n_years, SEND_WEEKS_BINS};
        d = dataset(w, w->f, "weeks_to_issue", H5T_NATIVE_UINT32, 3, hd, CHUNK_REPS, wh, "plans",
                    "final plans issued in each calendar year by whole weeks from request "
                    "(bins 0-51; the last bin counts 52 weeks or more)");
        if (d >= 0)
            attr_str(w, d, "dimensions", "replication, calendar year, week");
        close_d(d);
    }
    free(ev);
    free(au);
    free(wh);
}

/* A one-dimensional string dataset `name` in g from n fixed-size rows of `stride` bytes each
 * (NUL-terminated text). Returns -1 (w failed) when the pointer array cannot be allocated. */
static int write_rows(wctx *w, hid_t g, const char *name, const char *rows, size_t stride,
                      int n, const char *desc)
{
    const char **ptrs = malloc((size_t)n * sizeof *ptrs);
    if (!ptrs) {
        char what[96];
        snprintf(what, sizeof what, "'%s' (out of memory)", name);
        wfail(w, what);
        return -1;
    }
    for (int i = 0; i < n; i++)
        ptrs[i] = rows + (size_t)i * stride;
    hid_t t = str_type();
    hsize_t nd[1] = {(hsize_t)n};
    close_d(dataset(w, g, name, t, 1, nd, 0, ptrs, NULL, desc));
    H5Tclose(t);
    free(ptrs);
    return 0;
}

/* Per-authority headlines of a scenario with several authorities. */
static void write_authorities(wctx *w, const send_results *res)
{
    if (res->n_authorities <= 0 || w->failed)
        return;
    int na = res->n_authorities;
    hid_t g = group(w, w->f, "authorities");
    if (write_rows(w, g, "names", res->authority_names[0], sizeof res->authority_names[0], na,
                   "authority names, in scenario order") != 0) {
        close_g(g);
        return;
    }
    char list[256] = "";
    for (int h = 0; h < SEND_AUTH_HEADLINES; h++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", h ? "," : "",
                 send_metric(send_auth_headline_metric[h])->name);
    hsize_t hd[4] = {(hsize_t)res->n, (hsize_t)na, SEND_AUTH_HEADLINES,
                     (hsize_t)res->authority_len};
    hid_t d = dataset(w, g, "headlines", H5T_NATIVE_DOUBLE, 4, hd, CHUNK_REPS,
                      res->authority_values, NULL,
                      "headline metrics of each authority: period i is calendar year "
                      "first_year + i (financial year first_fy + i for money; ehcp_total in "
                      "January), NaN where undefined");
    if (d >= 0) {
        attr_str(w, d, "headlines", list);
        attr_str(w, d, "dimensions", "replication, authority, headline, period");
    }
    close_d(d);
    close_g(g);
}

/* The sufficiency breakdown: row names and every replication's monthly rows. */
static void write_breakdown(wctx *w, const send_results *res)
{
    if (res->n_breakdown <= 0 || w->failed)
        return;
    int nb = res->n_breakdown, nm = res->reps[0].n_months;
    hid_t g = group(w, w->f, "breakdown");
    if (write_rows(w, g, "names", res->breakdown_names[0], sizeof res->breakdown_names[0], nb,
                   "sufficiency rows by pool, area and need: <measure>_<provision>.<area>.<need>"
                   " (README: sufficiency by area and need)") != 0) {
        close_g(g);
        return;
    }
    double *buf = malloc((size_t)res->n * nb * nm * sizeof *buf);
    if (!buf) {
        wfail(w, "'breakdown/monthly' (out of memory)");
        close_g(g);
        return;
    }
    for (int r = 0; r < res->n; r++)
        for (int j = 0; j < nb; j++)
            memcpy(buf + ((size_t)r * nb + j) * nm,
                   send_output_row(&res->reps[r], SEND_METRIC_COUNT + j), nm * sizeof *buf);
    hsize_t bd[3] = {(hsize_t)res->n, (hsize_t)nb, (hsize_t)nm};
    hid_t d = dataset(w, g, "monthly", H5T_NATIVE_DOUBLE, 3, bd, CHUNK_REPS, buf, "children",
                      "each breakdown row on the first day of each month (periods/monthly)");
    if (d >= 0)
        attr_str(w, d, "dimensions", "replication, row (names), month");
    close_d(d);
    close_g(g);
    free(buf);
}

/* The parameter values each replication used (priors or an ensemble). */
static void write_params_used(wctx *w, const send_results *res)
{
    if (res->n_params <= 0 || w->failed)
        return;
    int k = res->n_params;
    hid_t g = group(w, w->f, "parameters_used");
    if (write_rows(w, g, "keys", res->param_paths[0], sizeof res->param_paths[0], k,
                   "scenario key paths of the columns of 'values' (ensemble.set: the index of "
                   "the ensemble's set)") != 0) {
        close_g(g);
        return;
    }
    hsize_t vd[2] = {(hsize_t)res->n, (hsize_t)k};
    hid_t d = dataset(w, g, "values", H5T_NATIVE_DOUBLE, 2, vd, CHUNK_REPS, res->param_values,
                      NULL, "parameter values each replication drew, in the keys' units");
    if (d >= 0)
        attr_str(w, d, "dimensions", "replication, key");
    close_d(d);
    close_g(g);
}

/* The first USERBLOCK bytes of a results file (HDF5's user block, before its superblock) hold
 * SEAL_MAGIC and the SHA-256 of every byte after the block, in hex. The reader checks it before
 * HDF5 sees the file: libhdf5 1.10 can crash on a damaged file (a changed byte in a global heap),
 * and a damaged or cut file is then one clear error instead. Files without it (written before)
 * are read unchecked. */
#define USERBLOCK 512
#define SEAL_MAGIC "sendsim results sha256 "

static void sha256_hex(const unsigned char *p, size_t n, char hex[65])
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, n, p);
    sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* The user block for a file image (HDF5's image of a file with a user block leaves the block
 * out; it is written before the image). */
static void seal(char block[USERBLOCK], const unsigned char *image, size_t size)
{
    char hex[65];
    sha256_hex(image, size, hex);
    memset(block, 0, USERBLOCK);
    snprintf(block, USERBLOCK, "%s%s\n", SEAL_MAGIC, hex);
}

/* 0 if path is unsealed or its seal matches, else -1 with err. O(file size). */
static int check_seal(const char *path, des_error *err)
{
    size_t len = 0;
    char *b = io_read_file(path, &len, err);
    if (!b)
        return -1;
    int rc = 0;
    if (len >= USERBLOCK && !strncmp(b, SEAL_MAGIC, strlen(SEAL_MAGIC))) {
        char hex[65];
        sha256_hex((unsigned char *)b + USERBLOCK, len - USERBLOCK, hex);
        if (strncmp(b + strlen(SEAL_MAGIC), hex, 64) != 0) {
            des_error_set(err, DES_EINPUT,
                          "'%s': the file is damaged or incomplete (its SHA-256 does not match "
                          "the one written with it)", path);
            rc = -1;
        }
    }
    free(b);
    return rc;
}

/* ---- dimension scales ------------------------------------------------------------------- */

/* Make dataset `path` a dimension scale named `name`; returns it open, or -1 (w failed). */
static hid_t make_scale(wctx *w, const char *path, const char *name)
{
    if (w->failed)
        return -1;
    hid_t d = H5Dopen2(w->f, path, H5P_DEFAULT);
    if (d < 0 || H5DSset_scale(d, name) < 0) {
        wfail(w, path);
        if (d >= 0)
            H5Dclose(d);
        return -1;
    }
    return d;
}

/* Attach scales (-1 = none) to the axes of dataset `path`, labelling each axis. */
static void attach(wctx *w, const char *path, hid_t s0, const char *l0, hid_t s1, const char *l1)
{
    if (w->failed)
        return;
    hid_t d = H5Dopen2(w->f, path, H5P_DEFAULT);
    if (d < 0 || (s0 >= 0 && (H5DSattach_scale(d, s0, 0) < 0 || H5DSset_label(d, 0, l0) < 0)) ||
        (s1 >= 0 && (H5DSattach_scale(d, s1, 1) < 0 || H5DSset_label(d, 1, l1) < 0)))
        wfail(w, path);
    if (d >= 0)
        H5Dclose(d);
}

static void write_scales(wctx *w, const send_results *res)
{
    if (w->failed)
        return;
    int n = res->n;
    int *idx = malloc((size_t)(n ? n : 1) * sizeof *idx);
    if (!idx) {
        wfail(w, "the replication scale (out of memory)");
        return;
    }
    for (int r = 0; r < n; r++)
        idx[r] = r;
    hsize_t nd[1] = {(hsize_t)n};
    close_d(dataset(w, w->f, "replication", H5T_NATIVE_INT, 1, nd, 0, idx, NULL,
                    "replication index: the first axis of every per-replication dataset"));
    free(idx);
    static const char *const stat_rows[] = {"mean", "sd", "p05", "p10", "p25",
                                            "p50",  "p75", "p90", "p95"};
    hid_t g = w->failed ? -1 : H5Gopen2(w->f, "summary", H5P_DEFAULT);
    if (g >= 0) {
        hid_t t = str_type();
        hsize_t sd[1] = {sizeof stat_rows / sizeof stat_rows[0]};
        close_d(dataset(w, g, "statistic", t, 1, sd, 0, stat_rows, NULL,
                        "the statistic of each row of the summary datasets"));
        H5Tclose(t);
        H5Gclose(g);
    }
    hid_t rep = make_scale(w, "replication", "replication");
    hid_t st = make_scale(w, "summary/statistic", "statistic");
    hid_t per[3];
    char path[256];
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "periods/%s", kind_group[k]);
        per[k] = make_scale(w, path, kind_group[k]);
    }
    for (int m = 0; m < SEND_METRIC_COUNT && !w->failed; m++) {
        const send_metric_info *mi = send_metric(m);
        if (!mi)
            continue;
        snprintf(path, sizeof path, "%s/%s", kind_group[mi->kind], mi->name);
        attach(w, path, rep, "replication", per[mi->kind], kind_group[mi->kind]);
        snprintf(path, sizeof path, "summary/%s/%s", kind_group[mi->kind], mi->name);
        attach(w, path, st, "statistic", per[mi->kind], kind_group[mi->kind]);
    }
    attach(w, "seeds", rep, "replication", -1, NULL);
    attach(w, "events", rep, "replication", -1, NULL);
    attach(w, "audit", rep, "replication", -1, NULL);
    attach(w, "weeks_to_issue", rep, "replication", per[SEND_CY], kind_group[SEND_CY]);
    if (!w->failed && H5Lexists(w->f, "parameters_used", H5P_DEFAULT) > 0) {
        hid_t keys = make_scale(w, "parameters_used/keys", "key");
        attach(w, "parameters_used/values", rep, "replication", keys, "key");
        close_d(keys);
    }
    close_d(rep);
    close_d(st);
    for (int k = 0; k < 3; k++)
        close_d(per[k]);
}

int send_h5_write(const char *path, const send_results *res, const send_meta *meta,
                  const volatile sig_atomic_t *cancel, des_error *err)
{
    if (!res || res->n < 1 || !res->reps)
        return des_error_set(err, DES_EINVAL, "'%s': no replications to write", path);
    io_atomic a;
    int rc = io_atomic_open(&a, path, err);
    if (rc != DES_OK)
        return rc;
    /* The file is built in memory (HDF5's core driver, no backing store) and written out as
     * one image through io_atomic: a full disk is then a write error of ours, reported and
     * cleaned up, never a failed H5Fclose that leaves HDF5 to crash at exit; and the image is
     * fsync'd before its rename like every other output. */
    wctx w = {.err = err, .path = path};
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fapl < 0 || fcpl < 0 || H5Pset_fapl_core(fapl, 1 << 20, 0) < 0 ||
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 ||
        H5Pset_userblock(fcpl, USERBLOCK) < 0 ||
        (w.f = H5Fcreate(a.tmp_path, H5F_ACC_TRUNC, fcpl, fapl)) < 0) {
        if (fapl >= 0)
            H5Pclose(fapl);
        if (fcpl >= 0)
            H5Pclose(fcpl);
        io_atomic_abort(&a);
        return des_error_set(err, DES_EIO, "'%s': cannot create the results file", path);
    }
    H5Pclose(fapl);
    H5Pclose(fcpl);
    write_root_attrs(&w, res, meta);
    write_per_rep(&w, res);
    write_periods(&w, &res->reps[0]);
    write_series(&w, res, cancel);
    write_summary(&w, res, cancel);
    write_tables(&w, meta);
    write_authorities(&w, res);
    write_params_used(&w, res);
    write_breakdown(&w, res);
    write_scales(&w, res);
    void *image = NULL;
    ssize_t size = w.failed || H5Fflush(w.f, H5F_SCOPE_LOCAL) < 0
                       ? -1 : H5Fget_file_image(w.f, NULL, 0);
    if (size > 0 && (image = malloc((size_t)size)) != NULL &&
        H5Fget_file_image(w.f, image, (size_t)size) != size) {
        free(image);
        image = NULL;
    }
    if (H5Fclose(w.f) < 0 || !image)
        wfail(&w, "the file (closing)");
    if (!w.failed) {
        char block[USERBLOCK];
        seal(block, image, (size_t)size);
        /* a short write stays in ferror: io_atomic_commit reports it */
        if (fwrite(block, 1, USERBLOCK, a.f) == USERBLOCK)
            fwrite(image, 1, (size_t)size, a.f);
    }
    free(image);
    if (w.failed) {
        io_atomic_abort(&a);
        return err && err->code ? err->code : DES_EIO;
    }
    return io_atomic_commit(&a, cancel, err);
}

/* ---- reading ---------------------------------------------------------------------------- */

typedef struct rctx {
    hid_t f;
    int failed;
    des_error *err;
    const char *path;
} rctx;

static int rfail(rctx *r, const char *fmt, ...)
{
    if (!r->failed) {
        char what[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        des_error_set(r->err, DES_EINPUT, "'%s': %s", r->path, what);
    }
    r->failed = 1;
    return -1;
}

static char *read_attr_str(rctx *r, const char *name)
{
    if (r->failed)
        return NULL;
    if (H5Aexists(r->f, name) <= 0) {
        rfail(r, "attribute '%s' is missing (not a sendsim results file?)", name);
        return NULL;
    }
    hid_t a = H5Aopen(r->f, name, H5P_DEFAULT);
    hid_t t = str_type();
    char *v = NULL, *out = NULL;
    hid_t ft = a >= 0 ? H5Aget_type(a) : -1;
    if (a < 0 || ft < 0 || H5Tget_class(ft) != H5T_STRING || !H5Tis_variable_str(ft) ||
        H5Aread(a, t, &v) < 0) {
        rfail(r, "attribute '%s' is not a string", name);
    } else {
        out = strdup(v ? v : "");
        if (!out)
            rfail(r, "out of memory");
        if (v) {
            hid_t s = H5Screate(H5S_SCALAR);
            H5Dvlen_reclaim(t, s, H5P_DEFAULT, &v);
            H5Sclose(s);
        }
    }
    if (ft >= 0)
        H5Tclose(ft);
    H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return out;
}

static void read_attr_num(rctx *r, const char *name, hid_t mem, void *out)
{
    if (r->failed)
        return;
    if (H5Aexists(r->f, name) <= 0) {
        rfail(r, "attribute '%s' is missing (not a sendsim results file?)", name);
        return;
    }
    hid_t a = H5Aopen(r->f, name, H5P_DEFAULT);
    hid_t s = a >= 0 ? H5Aget_space(a) : -1;
    if (a < 0 || s < 0 || H5Sget_simple_extent_npoints(s) != 1 || H5Aread(a, mem, out) < 0)
        rfail(r, "attribute '%s' is not a number", name);
    if (s >= 0)
        H5Sclose(s);
    if (a >= 0)
        H5Aclose(a);
}

/* Open a dataset that must exist with exactly the given shape. */
static hid_t open_shaped(rctx *r, const char *name, int rank, const hsize_t *dims)
{
    if (r->failed)
        return -1;
    if (H5Lexists(r->f, name, H5P_DEFAULT) <= 0) {
        /* H5Lexists needs each intermediate group to exist: check them in order */
        rfail(r, "dataset '%s' is missing", name);
        return -1;
    }
    hid_t d = H5Dopen2(r->f, name, H5P_DEFAULT);
    if (d < 0) {
        rfail(r, "'%s' is not a dataset", name);
        return -1;
    }
    hid_t s = H5Dget_space(d);
    hsize_t got[4] = {0};
    int rk = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    int ok = rk == rank && rk <= 4;
    if (ok) {
        H5Sget_simple_extent_dims(s, got, NULL);
        for (int i = 0; i < rank; i++)
            ok &= got[i] == dims[i];
    }
    if (s >= 0)
        H5Sclose(s);
    if (!ok) {
        H5Dclose(d);
        char want[64] = "", have[64] = "";
        for (int i = 0; i < rank; i++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%llu", i ? "x" : "",
                     (unsigned long long)dims[i]);
        for (int i = 0; i < rk && i < 4; i++)
            snprintf(have + strlen(have), sizeof have - strlen(have), "%s%llu", i ? "x" : "",
                     (unsigned long long)got[i]);
        rfail(r, "dataset '%s' has shape %s, expected %s", name, rk > 0 ? have : "?", want);
        return -1;
    }
    return d;
}

static void read_into(rctx *r, const char *name, hid_t mem, int rank, const hsize_t *dims,
                      void *buf)
{
    int empty = 0;
    for (int i = 0; i < rank; i++)
        empty |= dims[i] == 0;
    hid_t d = open_shaped(r, name, rank, dims);
    if (d < 0)
        return;
    if (!empty && H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rfail(r, "dataset '%s' cannot be read as %s", name, "numbers");
    H5Dclose(d);
}

/* The one-dimensional string dataset `name` of n entries into n fixed-size rows of `stride`
 * bytes each (cut to fit, NUL-terminated); the reader's twin of write_rows. */
static void read_rows(rctx *r, const char *name, char *rows, size_t stride, int n)
{
    char **ptrs = calloc((size_t)n, sizeof *ptrs);
    if (!ptrs) {
        rfail(r, "out of memory for '%s'", name);
        return;
    }
    hsize_t nd[1] = {(hsize_t)n};
    hid_t t = str_type();
    read_into(r, name, t, 1, nd, ptrs);
    for (int i = 0; i < n && !r->failed; i++)
        snprintf(rows + (size_t)i * stride, stride, "%s", ptrs[i] ? ptrs[i] : "");
    if (!r->failed) {
        hid_t s1 = H5Screate_simple(1, nd, NULL);
        H5Dvlen_reclaim(t, s1, H5P_DEFAULT, ptrs);
        H5Sclose(s1);
    }
    H5Tclose(t);
    free(ptrs);
}

/* The length (1..max) of the one-dimensional dataset `name`, which must exist; 0 after a
 * failure ("is malformed"). */
static int list_len(rctx *r, const char *name, int max)
{
    hid_t d = H5Dopen2(r->f, name, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t kd[1] = {0};
    if (s < 0 || H5Sget_simple_extent_ndims(s) != 1 ||
        H5Sget_simple_extent_dims(s, kd, NULL) < 0 || kd[0] < 1 || kd[0] > (hsize_t)max)
        rfail(r, "dataset '%s' is malformed", name);
    if (s >= 0)
        H5Sclose(s);
    if (d >= 0)
        H5Dclose(d);
    return r->failed ? 0 : (int)kd[0];
}

static int has_path(hid_t f, const char *path)
{
    /* H5Lexists fails (not just returns 0) when an intermediate group is missing */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *s = buf + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (H5Lexists(f, buf, H5P_DEFAULT) <= 0)
                return 0;
            *s = '/';
        }
    return H5Lexists(f, buf, H5P_DEFAULT) > 0;
}

static void read_tables(rctx *r, send_meta *meta)
{
    if (r->failed)
        return;
    hid_t st = str_type();
    hid_t pt = param_type(st), ot = obs_type(st);

    for (int which = 0; which < 2 && !r->failed; which++) {
        const char *name = which == 0 ? "/scenario/parameters" : "/observed";
        if (!has_path(r->f, name)) {
            rfail(r, "dataset '%s' is missing", name);
            break;
        }
        hid_t d = H5Dopen2(r->f, name, H5P_DEFAULT);
        hid_t s = d >= 0 ? H5Dget_space(d) : -1;
        hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
        hid_t mt = which == 0 ? pt : ot;
        size_t rec = which == 0 ? sizeof(param_rec) : sizeof(obs_rec);
        void *buf = n >= 0 ? calloc((size_t)(n ? n : 1), rec) : NULL;
        if (d < 0 || n < 0 || !buf || (n > 0 && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                                         buf) < 0)) {
            rfail(r, "dataset '%s' is not a table of the expected columns", name);
        } else if (which == 0) {
            param_rec *pr = buf;
            meta->params = calloc((size_t)(n ? n : 1), sizeof *meta->params);
            if (!meta->params) {
                rfail(r, "out of memory");
            } else {
                meta->n_params = (int)n;
                for (hssize_t i = 0; i < n; i++) {
                    send_param_row *row = &meta->params[i];
                    row->key = strdup(pr[i].key ? pr[i].key : "");
                    row->value = strdup(pr[i].value ? pr[i].value : "");
                    row->note = strdup(pr[i].note ? pr[i].note : "");
                    row->file = strdup(pr[i].file ? pr[i].file : "");
                    row->line = pr[i].line;
                    if (!row->key || !row->value || !row->note || !row->file)
                        rfail(r, "out of memory");
                }
            }
        } else {
            obs_rec *orr = buf;
            meta->obs = calloc((size_t)(n ? n : 1), sizeof *meta->obs);
            if (!meta->obs)
                rfail(r, "out of memory");
            for (hssize_t i = 0; i < n && !r->failed; i++) {
                int m = send_metric_find(orr[i].metric ? orr[i].metric : "");
                int y = 0, mo = 1, used = 0;
                const char *lab = orr[i].period ? orr[i].period : "";
                if (m < 0) {
                    rfail(r, "'/observed' row %ld: unknown metric '%s'", (long)i,
                          orr[i].metric ? orr[i].metric : "");
                    break;
                }
                send_period_kind k = send_metric(m)->kind;
                int ok = k == SEND_CY ? sscanf(lab, "%4d%n", &y, &used) == 1
                                      : sscanf(lab, "%4d-%2d%n", &y, &mo, &used) == 2;
                if (!ok || lab[used] != '\0') {
                    rfail(r, "'/observed' row %ld: bad period '%s'", (long)i, lab);
                    break;
                }
                des_date start = k == SEND_MONTHLY ? des_date_from_ymd(y, mo, 1)
                                 : k == SEND_CY    ? des_date_from_ymd(y, 1, 1)
                                                   : des_date_from_ymd(y, 4, 1);
                meta->obs[meta->n_obs++] = (send_obs){m, start, orr[i].value};
            }
        }
        if (buf && n > 0 && s >= 0)
            H5Dvlen_reclaim(mt, s, H5P_DEFAULT, buf);
        free(buf);
        if (s >= 0)
            H5Sclose(s);
        if (d >= 0)
            H5Dclose(d);
    }
    H5Tclose(ot);
    H5Tclose(pt);
    H5Tclose(st);
}

/* Metrics added after files of format 1 were first written: a file without them is read with
 * NaN in their place (the ratios derived from them are stored, so nothing else is lost; the
 * capacity and appeal metrics are new series, NaN in older files). */
static int added_later(int metric)
{
    return (metric >= C_WITHIN_20W && metric <= C_WEEKS_WAITED) ||
           (metric >= M_CASEWORKER_QUEUE && metric < M_MONTHLY_COUNT) ||
           (metric >= C_D1_DECIDED && metric < C_CY_END) || metric >= F_INCOME;
}

/* Metrics renamed since files of format 1 were first written (to SEN2's names, or to the
 * budget that pays, or to what they count): a file that has the former name is read under it. */
static const char *former_name(int metric)
{
    switch (metric) {
    case C_CEASED_MOVED: return "plans_ceased_moved";
    case C_CEASED_LEFT: return "plans_ceased_left_education";
    case C_CEASED_AGE: return "plans_ceased_age";
    case F_SPEND_TRANSPORT: return "hn_spend_transport_gbp";
    case F_SPEND_ASSESS: return "hn_spend_assessment_gbp";
    case C_OVERFLOW: return "overflow_to_independent"; /* when the overflow was independent */
    default: return NULL;
    }
}

/* Read rows [from, to) of root_attrs into rr; an optional row that is absent keeps its
 * default. Strings are malloc'd (NULL after a failure). */
static void read_root(rctx *r, root_rec *rr, int from, int to)
{
    for (int i = from; i < to && !r->failed; i++) {
        const root_attr *ra = &root_attrs[i];
        char *field = (char *)rr + ra->off;
        if (ra->optional && H5Aexists(r->f, ra->name) <= 0)
            continue;
        if (ra->type == AT_STR)
            *(char **)field = read_attr_str(r, ra->name);
        else
            read_attr_num(r, ra->name, attr_mem_type(ra->type), field);
    }
}

/* Sizes a results file may declare: the scenario reader's years and horizon (61 years of
 * months), and far more replications than any run writes. */
#define RESULTS_YEAR_MIN 1970
#define RESULTS_YEAR_MAX 2260
#define RESULTS_MAX_MONTHS (61 * 12)

/* Before anything is allocated for the replications the root attributes declare: the datasets
 * that hold one row per replication must have that many rows, and the data they declare must
 * fit in the file's bytes at the best ratio deflate can reach (about 1032:1). A 1 MB file that
 * claims 100,000 replications is rejected here instead of after allocating gigabytes. */
static void check_declared_size(rctx *r, int n, int streams, int months, int years, int fys)
{
    if (r->failed)
        return;
    hsize_t sd[2] = {(hsize_t)n, (hsize_t)streams}, ed[1] = {(hsize_t)n};
    hid_t d = open_shaped(r, "/seeds", 2, sd);
    if (d >= 0)
        H5Dclose(d);
    d = open_shaped(r, "/events", 1, ed);
    if (d >= 0)
        H5Dclose(d);
    struct stat st;
    if (r->failed || stat(r->path, &st) != 0)
        return;
    int row_len = months > years ? months : years;
    if (fys > row_len)
        row_len = fys;
    double need = (double)n * ((double)SEND_METRIC_COUNT * row_len * sizeof(double) +
                               (double)streams * sizeof(uint32_t) +
                               (double)years * SEND_WEEKS_BINS * sizeof(uint32_t));
    double can = 1100.0 * (double)st.st_size + (1 << 20);
    if (need > can)
        rfail(r, "declares %d replications (%.0f MB of results) but holds only %lld bytes",
              n, need / 1e6, (long long)st.st_size);
}

int send_h5_read(const char *path, send_results *res, send_meta *meta, des_error *err)
{
    memset(res, 0, sizeof *res);
    memset(meta, 0, sizeof *meta);
    if (access(path, R_OK) != 0)
        return des_error_set(err, DES_EIO, "'%s': cannot open (%s)", path, strerror(errno));
    if (check_seal(path, err))
        return err && err->code ? err->code : DES_EINPUT;
    if (H5Fis_hdf5(path) <= 0)
        return des_error_set(err, DES_EINPUT, "'%s': not an HDF5 file", path);
    rctx r = {.err = err, .path = path};
    r.f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r.f < 0)
        return des_error_set(err, DES_EIO, "'%s': cannot open the HDF5 file", path);
    root_rec rr;
    root_defaults(&rr);
    read_root(&r, &rr, 0, ROOT_FORMAT_ROWS);
    if (!r.failed && strcmp(rr.format, FORMAT_NAME) != 0)
        rfail(&r, "not a sendsim results file (format '%s')", rr.format);
    if (!r.failed && rr.format_version != FORMAT_VERSION)
        rfail(&r, "results format version %d, this program reads version %d",
              rr.format_version, FORMAT_VERSION);
    read_root(&r, &rr, ROOT_FORMAT_ROWS, N_ROOT_ATTRS);
    /* provenance strings go to meta (freed with it on failure); the rest are read here */
    meta->scenario_name = rr.scenario_name;
    meta->scenario_path = rr.scenario_path;
    meta->scenario_yaml = rr.scenario_yaml;
    meta->scenario_source = rr.scenario_source;
    meta->version = rr.program_version;
    meta->build = rr.build;
    meta->host = rr.host;
    meta->started = rr.started;
    meta->finished = rr.finished;
    meta->threads = rr.threads;
    meta->wall_seconds = rr.wall_seconds;
    res->master_seed = rr.master_seed;
    res->events = rr.events;
    int n = rr.replications, streams = rr.streams, months = rr.months, years = rr.years,
        fys = rr.financial_years, fy0 = rr.first_fy, y0 = rr.first_year, bins = rr.weeks_bins,
        ranks = rr.ranks, n_auth = rr.authorities;
    int fm_y = 0, fm_m = 0;
    if (!r.failed && (sscanf(rr.first_month, "%4d-%2d", &fm_y, &fm_m) != 2 || fm_m < 1 ||
                      fm_m > 12))
        rfail(&r, "attribute 'first_month' is not YYYY-MM");
    free(rr.format);
    free(rr.first_month);
    if (!r.failed && (fm_y < RESULTS_YEAR_MIN || fm_y > RESULTS_YEAR_MAX ||
                      y0 < RESULTS_YEAR_MIN || y0 > RESULTS_YEAR_MAX ||
                      fy0 < RESULTS_YEAR_MIN - 1 || fy0 > RESULTS_YEAR_MAX))
        rfail(&r, "first month, year or financial year outside %d-%d", RESULTS_YEAR_MIN,
              RESULTS_YEAR_MAX);
    if (!r.failed && (n < 1 || streams < SEND_STREAMS || streams % SEND_STREAMS != 0 ||
                      streams > SEND_STREAMS * 100000 || n_auth < 0 || n_auth > 100000 ||
                      months < 1 || months > RESULTS_MAX_MONTHS || years < 1 ||
                      years > RESULTS_MAX_MONTHS / 12 + 2 || fys < 0 ||
                      fys > RESULTS_MAX_MONTHS / 12 + 2 || bins != SEND_WEEKS_BINS))
        rfail(&r, "inconsistent sizes (replications %d, streams %d, months %d, years %d, "
                  "weeks bins %d)",
              n, streams, months, years, bins);
    check_declared_size(&r, n, streams, months, years, fys);
    if (r.failed)
        goto fail;

    res->n = n;
    res->threads_used = meta->threads;
    res->wall_seconds = meta->wall_seconds;
    res->seeds_per_rep = streams;
    res->ranks = ranks;
    res->seeds = malloc((size_t)n * (size_t)streams * sizeof *res->seeds);
    res->reps = calloc((size_t)n, sizeof *res->reps);
    int row_len = months > years ? months : years;
    if (fys > row_len)
        row_len = fys;
    if (!res->seeds || !res->reps) {
        rfail(&r, "out of memory for %d replications", n);
        goto fail;
    }
    int nb = 0; /* sufficiency breakdown rows (files from before it have none) */
    if (has_path(r.f, "/breakdown/names")) {
        nb = list_len(&r, "/breakdown/names", 100000);
        res->breakdown_names = nb ? calloc((size_t)nb, sizeof *res->breakdown_names) : NULL;
        if (nb && !res->breakdown_names)
            rfail(&r, "out of memory for %d breakdown rows", nb);
        if (r.failed)
            goto fail;
        res->n_breakdown = nb;
        read_rows(&r, "/breakdown/names", res->breakdown_names[0],
                  sizeof res->breakdown_names[0], nb);
    }
    for (int i = 0; i < n; i++) {
        send_output *o = &res->reps[i];
        o->n_months = months;
        o->n_years = years;
        o->n_fys = fys;
        o->first_month_index = (fm_y - 1970) * 12 + fm_m - 1;
        o->first_year = y0;
        o->first_fy = fy0;
        o->row_len = row_len;
        o->n_breakdown = nb;
        o->values = calloc((size_t)(SEND_METRIC_COUNT + nb) * (size_t)row_len, sizeof *o->values);
        o->weeks_hist = calloc((size_t)years * SEND_WEEKS_BINS, sizeof *o->weeks_hist);
        if (!o->values || !o->weeks_hist) {
            rfail(&r, "out of memory for %d replications", n);
            goto fail;
        }
    }
    hsize_t sd[2] = {(hsize_t)n, (hsize_t)streams};
    read_into(&r, "/seeds", H5T_NATIVE_UINT32, 2, sd, res->seeds);
    if (n_auth > 0 && !r.failed) {
        int len = years > fys ? years : fys;
        res->n_authorities = n_auth;
        res->authority_len = len;
        res->authority_names = calloc((size_t)n_auth, sizeof *res->authority_names);
        res->authority_values = malloc((size_t)n * n_auth * SEND_AUTH_HEADLINES * (size_t)len *
                                       sizeof *res->authority_values);
        if (!res->authority_names || !res->authority_values) {
            rfail(&r, "out of memory for %d authorities", n_auth);
        } else {
            hsize_t hd[4] = {(hsize_t)n, (hsize_t)n_auth, SEND_AUTH_HEADLINES, (hsize_t)len};
            read_into(&r, "/authorities/headlines", H5T_NATIVE_DOUBLE, 4, hd,
                      res->authority_values);
            read_rows(&r, "/authorities/names", res->authority_names[0],
                      sizeof res->authority_names[0], n_auth);
        }
    }
    if (!r.failed && has_path(r.f, "/parameters_used/keys")) {
        int k = list_len(&r, "/parameters_used/keys", 4096);
        res->param_paths = r.failed ? NULL : calloc((size_t)k, sizeof *res->param_paths);
        res->param_values = r.failed ? NULL : malloc((size_t)n * k * sizeof *res->param_values);
        if (!r.failed && (!res->param_paths || !res->param_values)) {
            rfail(&r, "out of memory for %d parameter keys", k);
        } else if (!r.failed) {
            res->n_params = k;
            hsize_t vd[2] = {(hsize_t)n, (hsize_t)k};
            read_into(&r, "/parameters_used/values", H5T_NATIVE_DOUBLE, 2, vd,
                      res->param_values);
            read_rows(&r, "/parameters_used/keys", res->param_paths[0],
                      sizeof res->param_paths[0], k);
        }
    }
    uint64_t *ev = malloc((size_t)n * sizeof *ev);
    int64_t *au = malloc((size_t)n * SEND_AUDIT_N * sizeof *au);
    size_t hb = (size_t)years * SEND_WEEKS_BINS;
    uint32_t *wh = malloc((size_t)n * hb * sizeof *wh);
    double *buf = malloc((size_t)n * (size_t)row_len * sizeof *buf);
    if (!ev || !au || !wh || !buf)
        rfail(&r, "out of memory for %d replications", n);
    hsize_t ed[1] = {(hsize_t)n}, ad[2] = {(hsize_t)n, SEND_AUDIT_N},
            hd[3] = {(hsize_t)n, (hsize_t)years, SEND_WEEKS_BINS};
    read_into(&r, "/events", H5T_NATIVE_UINT64, 1, ed, ev);
    read_into(&r, "/audit", H5T_NATIVE_INT64, 2, ad, au);
    read_into(&r, "/weeks_to_issue", H5T_NATIVE_UINT32, 3, hd, wh);
    for (int i = 0; i < n && !r.failed; i++) {
        send_output *o = &res->reps[i];
        o->events = ev[i];
        send_output_audit_set(o, au + SEND_AUDIT_N * (size_t)i);
        memcpy(o->weeks_hist, wh + hb * (size_t)i, hb * sizeof *wh);
    }
    for (int m = 0; m < SEND_METRIC_COUNT && !r.failed; m++) {
        const send_metric_info *mi = send_metric(m);
        if (!mi)
            continue;
        int np = send_output_periods(&res->reps[0], m);
        char name[128];
        snprintf(name, sizeof name, "/%s/%s", kind_group[mi->kind], mi->name);
        if (!has_path(r.f, name) && former_name(m)) {
            char old[128];
            snprintf(old, sizeof old, "/%s/%s", kind_group[mi->kind], former_name(m));
            if (has_path(r.f, old))
                memcpy(name, old, sizeof name);
        }
        if (!has_path(r.f, name) && added_later(m)) {
            for (int i = 0; i < n; i++) /* a file from before the metric existed */
                for (int k = 0; k < np; k++)
                    send_output_row(&res->reps[i], m)[k] = NAN;
            continue;
        }
        if (!has_path(r.f, name)) {
            rfail(&r, "dataset '%s' is missing", name);
            break;
        }
        hsize_t dims[2] = {(hsize_t)n, (hsize_t)np};
        read_into(&r, name, H5T_NATIVE_DOUBLE, 2, dims, buf);
        for (int i = 0; i < n && !r.failed; i++)
            memcpy(send_output_row(&res->reps[i], m), buf + (size_t)i * np,
                   (size_t)np * sizeof *buf);
    }
    free(ev);
    free(au);
    free(wh);
    free(buf);
    if (nb > 0 && !r.failed) {
        double *bb = malloc((size_t)n * nb * months * sizeof *bb);
        hsize_t bd[3] = {(hsize_t)n, (hsize_t)nb, (hsize_t)months};
        if (!bb)
            rfail(&r, "out of memory for %d breakdown rows", nb);
        else
            read_into(&r, "/breakdown/monthly", H5T_NATIVE_DOUBLE, 3, bd, bb);
        for (int i = 0; i < n && !r.failed; i++)
            for (int j = 0; j < nb; j++)
                memcpy(send_output_row(&res->reps[i], SEND_METRIC_COUNT + j),
                       bb + ((size_t)i * nb + j) * months, (size_t)months * sizeof *bb);
        free(bb);
    }
    read_tables(&r, meta);
    if (r.failed)
        goto fail;
    H5Fclose(r.f);
    if (send_results_summarise(res, 0, err) != DES_OK) {
        send_results_free(res);
        send_meta_free(meta);
        return err && err->code ? err->code : DES_ENOMEM;
    }
    return DES_OK;
fail:
    H5Fclose(r.f);
    send_results_free(res);
    send_meta_free(meta);
    return err && err->code ? err->code : DES_EINPUT;
}

char *send_h5_scenario_name(const char *path, des_error *err)
{
    if (access(path, R_OK) != 0) {
        des_error_set(err, DES_EIO, "'%s': cannot open (%s)", path, strerror(errno));
        return NULL;
    }
    if (H5Fis_hdf5(path) <= 0) {
        des_error_set(err, DES_EINPUT, "'%s': not an HDF5 file", path);
        return NULL;
    }
    rctx r = {.err = err, .path = path};
    r.f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r.f < 0) {
        des_error_set(err, DES_EIO, "'%s': cannot open the HDF5 file", path);
        return NULL;
    }
    root_rec rr;
    root_defaults(&rr);
    read_root(&r, &rr, 0, ROOT_FORMAT_ROWS);
    if (!r.failed && strcmp(rr.format, FORMAT_NAME) != 0)
        rfail(&r, "not a sendsim results file (format '%s')", rr.format);
    char *name = read_attr_str(&r, "scenario_name");
    free(rr.format);
    H5Fclose(r.f);
    if (r.failed) {
        free(name);
        return NULL;
    }
    return name;
}
