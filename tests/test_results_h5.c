/* test_results_h5.c - the HDF5 results file (sim/io/results_h5.c) and run provenance
 * (sim/io/meta.c).
 *
 * A small scenario (tests/data/results/observed.yaml, extending tests/data/load/base.yaml) is
 * run for a few replications; the file written is read back and every value, seed, count,
 * histogram bin, attribute, parameter row and observation is compared with what was written.
 * The summary datasets are checked against send_results_stat, and the datasets carry units.
 * Error paths: missing file, a file that is not HDF5, an HDF5 file of another kind, a missing
 * dataset, a dataset of the wrong shape, an unwritable directory and a cancelled write (nothing
 * left under the final name, no temporary file). Tests run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "send_h5.h"
#include "send_run.h"
#include "send_scenario.h"
#include "support/test_util.h"

#define SCENARIO "tests/data/results/observed.yaml"
#define NREP 6

typedef struct fixture {
    send_params p;
    send_results res;
    send_meta meta;
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    des_error err = {0};
    send_scenario sc;
    if (send_scenario_open(SCENARIO, &sc, &err) != DES_OK)
        fail_msg("%s", err.msg);
    if (send_meta_from_scenario(&fx->meta, &sc, &err) != DES_OK)
        fail_msg("%s", err.msg);
    fx->p = sc.params; /* moved out of the scenario */
    send_params_init(&sc.params);
    send_scenario_close(&sc);
    send_run_opts o = {.seed = 77, .replications = NREP, .threads = 2};
    if (send_run(&fx->p, &o, &fx->res, &err) != DES_OK)
        fail_msg("%s", err.msg);
    fx->meta.started = strdup("2026-01-02T03:04:05Z");
    fx->meta.finished = send_meta_now();
    fx->meta.threads = 2;
    fx->meta.wall_seconds = 0.25;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/sendsim-h5-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->path, sizeof fx->path, "%s/r.h5", fx->dir);
    *state = fx;
    return 0;
}

static int dir_count(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void clear_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
}

static int teardown(void **state)
{
    fixture *fx = *state;
    clear_dir(fx->dir);
    rmdir(fx->dir);
    send_results_free(&fx->res);
    send_meta_free(&fx->meta);
    send_params_free(&fx->p);
    free(fx);
    return 0;
}

static void write_ok(fixture *fx)
{
    des_error err = {0};
    if (send_h5_write(fx->path, &fx->res, &fx->meta, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
}

/* ---- provenance ---- */

static void test_meta_from_scenario(void **state)
{
    fixture *fx = *state;
    send_meta *m = &fx->meta;
    assert_string_equal(m->scenario_name, "small-observed");
    assert_string_equal(m->scenario_path, SCENARIO);
    /* the source holds both files verbatim, child first */
    const char *child = strstr(m->scenario_source, "# ---- file: " SCENARIO "\n");
    const char *parent = strstr(m->scenario_source, "base.yaml\n# Small self-contained");
    assert_non_null(child);
    assert_non_null(parent);
    assert_true(child < parent);
    /* the resolved text has the merged values and no comments */
    assert_non_null(strstr(m->scenario_yaml, "name: small-observed"));
    assert_non_null(strstr(m->scenario_yaml, "growth: 0.01"));
    assert_null(strstr(m->scenario_yaml, "invented"));
    /* parameter rows: a leaf from the child with its note, a flow mapping as one row, a leaf
     * from the parent with the parent's file and line */
    int found = 0;
    for (int i = 0; i < m->n_params; i++) {
        const send_param_row *r = &m->params[i];
        if (!strcmp(r->key, "name")) {
            assert_string_equal(r->value, "small-observed");
            assert_string_equal(r->note, "name kept short <&> \"quoted\"");
            assert_string_equal(r->file, SCENARIO);
            assert_int_equal(r->line, 3);
            found |= 1;
        } else if (!strcmp(r->key, "observed.ehcp_total")) {
            assert_string_equal(r->value, "{2019-01: 41, 2020-01: 45.5}");
            assert_string_equal(r->note, "invented numbers");
            found |= 2;
        } else if (!strcmp(r->key, "population.growth")) {
            assert_string_equal(r->value, "0.01");
            assert_non_null(strstr(r->file, "base.yaml"));
            assert_true(r->line > 3);
            found |= 4;
        } else if (!strcmp(r->key, "observed.new_plans.2019")) {
            assert_string_equal(r->value, "12");
            assert_string_equal(r->note, "invented");
            found |= 8;
        }
        assert_null(strstr(r->key, "extends"));
    }
    assert_int_equal(found, 15);
    assert_int_equal(m->n_obs, 4);
    assert_int_equal(m->obs[1].metric, M_EHCP_TOTAL);
    assert_true(m->obs[1].value == 45.5);
    assert_int_equal(m->obs[3].metric, F_SPEND);
    assert_int_equal(m->obs[3].start, des_date_from_ymd(2019, 4, 1));
    assert_non_null(m->version);
    assert_non_null(m->build);
    assert_true(strlen(m->host) > 0);
}

/* ---- round trip ---- */

static void assert_str_eq(const char *a, const char *b)
{
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
}

static void test_round_trip(void **state)
{
    fixture *fx = *state;
    write_ok(fx);
    assert_int_equal(dir_count(fx->dir), 1); /* the file, no temporary left */
    send_results r;
    send_meta m;
    des_error err = {0};
    if (send_h5_read(fx->path, &r, &m, &err) != DES_OK)
        fail_msg("%s", err.msg);
    const send_results *w = &fx->res;
    assert_int_equal(r.n, w->n);
    assert_true(r.master_seed == 77);
    assert_true(r.events == w->events);
    assert_memory_equal(r.seeds, w->seeds, (size_t)w->n * SEND_STREAMS * sizeof *r.seeds);
    for (int i = 0; i < w->n; i++) {
        const send_output *a = &w->reps[i];
        send_output *b = &r.reps[i];
        assert_int_equal(a->n_months, b->n_months);
        assert_int_equal(a->n_years, b->n_years);
        assert_int_equal(a->n_fys, b->n_fys);
        assert_int_equal(a->first_month_index, b->first_month_index);
        assert_int_equal(a->first_year, b->first_year);
        assert_int_equal(a->first_fy, b->first_fy);
        for (int k = 0; k < SEND_METRIC_COUNT; k++) {
            if (!send_metric(k))
                continue;
            int np = send_output_periods(a, k);
            /* bit for bit, NaN (a year without plans) included */
            assert_memory_equal(send_output_row((send_output *)a, k),
                                send_output_row(b, k), (size_t)np * sizeof(double));
        }
        assert_memory_equal(a->weeks_hist, b->weeks_hist,
                            (size_t)a->n_years * SEND_WEEKS_BINS * sizeof *a->weeks_hist);
        /* the sufficiency breakdown (pools by area: resourced in the north) */
        assert_true(a->n_breakdown > 0);
        assert_int_equal(b->n_breakdown, a->n_breakdown);
        for (int j = 0; j < a->n_breakdown; j++)
            assert_memory_equal(send_output_row((send_output *)a, SEND_METRIC_COUNT + j),
                                send_output_row(b, SEND_METRIC_COUNT + j),
                                (size_t)a->n_months * sizeof(double));
        assert_true(a->events == b->events);
        assert_true(a->plans_open == b->plans_open && a->plans_new == b->plans_new &&
                    a->plans_ceased == b->plans_ceased && a->plans_close == b->plans_close);
        assert_true(a->sen_open == b->sen_open && a->sen_in == b->sen_in &&
                    a->sen_out == b->sen_out && a->sen_close == b->sen_close);
    }
    assert_int_equal(r.n_breakdown, w->n_breakdown);
    for (int j = 0; j < w->n_breakdown; j++)
        assert_str_eq(r.breakdown_names[j], w->breakdown_names[j]);
    assert_str_eq(w->breakdown_names[4], "pool_places_resourced.north.any");
    const send_meta *x = &fx->meta;
    assert_str_eq(m.scenario_name, x->scenario_name);
    assert_str_eq(m.scenario_path, x->scenario_path);
    assert_str_eq(m.scenario_yaml, x->scenario_yaml);
    assert_str_eq(m.scenario_source, x->scenario_source);
    assert_str_eq(m.version, x->version);
    assert_str_eq(m.build, x->build);
    assert_str_eq(m.host, x->host);
    assert_str_eq(m.started, "2026-01-02T03:04:05Z");
    assert_str_eq(m.finished, x->finished);
    assert_int_equal(m.threads, 2);
    assert_true(m.wall_seconds == 0.25);
    assert_int_equal(m.n_params, x->n_params);
    for (int i = 0; i < x->n_params; i++) {
        assert_str_eq(m.params[i].key, x->params[i].key);
        assert_str_eq(m.params[i].value, x->params[i].value);
        assert_str_eq(m.params[i].note, x->params[i].note);
        assert_str_eq(m.params[i].file, x->params[i].file);
        assert_int_equal(m.params[i].line, x->params[i].line);
    }
    assert_int_equal(m.n_obs, x->n_obs);
    for (int i = 0; i < x->n_obs; i++) {
        assert_int_equal(m.obs[i].metric, x->obs[i].metric);
        assert_int_equal(m.obs[i].start, x->obs[i].start);
        assert_true(m.obs[i].value == x->obs[i].value);
    }
    send_results_free(&r);
    send_meta_free(&m);
}

/* The summary datasets hold send_results_stat of every metric and period; every series has
 * units; periods are labelled. Read with the plain HDF5 API, as a script would. */
static void test_summary_and_labels(void **state)
{
    fixture *fx = *state;
    write_ok(fx);
    hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    const send_output *o = &fx->res.reps[0];
    static const char *const group[] = {"monthly", "calendar_year", "financial_year"};
    double *scratch = malloc(NREP * sizeof *scratch);
    double *tab = malloc((2 + SEND_NQ) * (size_t)o->row_len * sizeof *tab);
    assert_non_null(scratch);
    assert_non_null(tab);
    int checked = 0;
    for (int k = 0; k < SEND_METRIC_COUNT; k++) {
        const send_metric_info *mi = send_metric(k);
        if (!mi)
            continue;
        int np = send_output_periods(o, k);
        char name[128];
        snprintf(name, sizeof name, "/summary/%s/%s", group[mi->kind], mi->name);
        hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
        assert_true(d >= 0);
        assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, tab) >= 0);
        H5Dclose(d);
        for (int i = 0; i < np; i++) {
            send_stat st;
            send_results_stat(&fx->res, k, i, scratch, &st);
            double want[2 + SEND_NQ] = {st.mean, st.sd};
            memcpy(want + 2, st.q, sizeof st.q);
            for (int j = 0; j < 2 + SEND_NQ; j++) {
                double got = tab[(size_t)j * np + i];
                if (isnan(want[j]))
                    assert_true(isnan(got));
                else
                    assert_true(got == want[j]);
                checked++;
            }
        }
        snprintf(name, sizeof name, "/%s/%s", group[mi->kind], mi->name);
        d = H5Dopen2(f, name, H5P_DEFAULT);
        assert_true(d >= 0);
        assert_true(H5Aexists(d, "units") > 0);
        assert_true(H5Aexists(d, "description") > 0);
        hid_t pl = H5Dget_create_plist(d);
        assert_int_equal(H5Pget_layout(pl), H5D_CHUNKED);
        H5Pclose(pl);
        H5Dclose(d);
    }
    assert_true(checked > 1000);
    /* period labels */
    hid_t d = H5Dopen2(f, "/periods/financial_year", H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    char *lab[8] = {0};
    assert_true(o->n_fys >= 1 && o->n_fys <= 8);
    assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, lab) >= 0);
    assert_string_equal(lab[0], "2020-21");
    hid_t s = H5Dget_space(d);
    H5Dvlen_reclaim(t, s, H5P_DEFAULT, lab);
    H5Sclose(s);
    H5Tclose(t);
    H5Dclose(d);
    H5Fclose(f);
    free(scratch);
    free(tab);
}

/* ---- errors ---- */

static void read_fails(const char *path, const char *want)
{
    send_results r;
    send_meta m;
    des_error err = {0};
    assert_int_not_equal(send_h5_read(path, &r, &m, &err), DES_OK);
    if (!strstr(err.msg, want))
        fail_msg("error '%s' does not mention '%s'", err.msg, want);
    assert_null(r.reps);
    assert_null(m.scenario_name);
}

/* Open a results file to change it with HDF5 itself: its checksum line is blanked first, as a
 * user must for a file changed after it was written (results/README.md). */
static hid_t open_rw(const char *path)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fputs("(checksum removed)     ", f);
    fclose(f);
    return H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
}

static void test_read_errors(void **state)
{
    fixture *fx = *state;
    char p[160];
    read_fails("/nonexistent/r.h5", "cannot open");
    read_fails(SCENARIO, "not an HDF5 file");
    /* an HDF5 file that is not ours */
    snprintf(p, sizeof p, "%s/other.h5", fx->dir);
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    H5Fclose(f);
    read_fails(p, "attribute 'format' is missing");
    /* a missing series */
    write_ok(fx);
    f = open_rw(fx->path);
    assert_true(H5Ldelete(f, "/calendar_year/new_plans", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    read_fails(fx->path, "dataset '/calendar_year/new_plans' is missing");
    /* a file from before the ratio metrics' counts (and the capacity and appeal metrics) were
     * recorded: read, those NaN, the stored ratios as written */
    write_ok(fx);
    f = open_rw(fx->path);
    static const char *const counts[] = {
        "/calendar_year/new_plans_within_20_weeks", "/calendar_year/weeks_to_issue_total",
        "/calendar_year/waits_for_place_ended", "/calendar_year/weeks_waited_for_place_total",
        "/monthly/caseworker_queue", "/calendar_year/tribunal_appeals_registered"};
    for (int i = 0; i < 6; i++)
        assert_true(H5Ldelete(f, counts[i], H5P_DEFAULT) >= 0);
    H5Fclose(f);
    {
        send_results old;
        send_meta om;
        des_error err = {0};
        if (send_h5_read(fx->path, &old, &om, &err) != DES_OK)
            fail_msg("%s", err.msg);
        for (int r = 0; r < old.n; r++)
            for (int y = 0; y < old.reps[r].n_years; y++) {
                assert_true(isnan(send_output_row(&old.reps[r], C_WAITS_ENDED)[y]));
                assert_true(isnan(send_output_row(&old.reps[r], C_APPEALS_ALL)[y]));
                assert_true(isnan(send_output_row(&old.reps[r], M_CASEWORKER_QUEUE)[y]));
                assert_memory_equal(&send_output_row(&old.reps[r], C_PCT_20W)[y],
                                    &send_output_row(&fx->res.reps[r], C_PCT_20W)[y],
                                    sizeof(double));
            }
        send_results_free(&old);
        send_meta_free(&om);
    }
    /* a dataset of the wrong shape */
    write_ok(fx);
    f = open_rw(fx->path);
    assert_true(H5Ldelete(f, "/events", H5P_DEFAULT) >= 0);
    hsize_t dims[1] = {NREP + 1};
    hid_t s = H5Screate_simple(1, dims, NULL);
    hid_t d = H5Dcreate2(f, "/events", H5T_NATIVE_UINT64, s, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    H5Dclose(d);
    H5Sclose(s);
    H5Fclose(f);
    read_fails(fx->path, "dataset '/events' has shape 7, expected 6");
    unlink(p);
}

static void set_int_attr(hid_t f, const char *name, int v)
{
    assert_true(H5Adelete(f, name) >= 0);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t at = H5Acreate2(f, name, H5T_NATIVE_INT, sp, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(at >= 0 && H5Awrite(at, H5T_NATIVE_INT, &v) >= 0);
    H5Aclose(at);
    H5Sclose(sp);
}

/* A chunked dataset of `rows` x `cols` with no chunk written: a huge extent in a tiny file. */
static void replace_empty(hid_t f, const char *name, hid_t type, hsize_t rows, hsize_t cols)
{
    assert_true(H5Ldelete(f, name, H5P_DEFAULT) >= 0);
    hsize_t dims[2] = {rows, cols}, chunk[2] = {64, cols};
    int rank = cols ? 2 : 1;
    hid_t s = H5Screate_simple(rank, dims, NULL);
    hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(pl, rank, chunk) >= 0);
    hid_t d = H5Dcreate2(f, name, type, s, H5P_DEFAULT, pl, H5P_DEFAULT);
    assert_true(d >= 0);
    H5Dclose(d);
    H5Pclose(pl);
    H5Sclose(s);
}

/* Declared sizes are checked against the file before anything is allocated (a 1 MB file that
 * claimed 100,000 replications took 6.8 GB before it was rejected), and so are the years
 * (a first month before 1970 gave labels like "1961--10"). */
static void test_read_declared_sizes(void **state)
{
    fixture *fx = *state;
    write_ok(fx);
    hid_t f = open_rw(fx->path);
    set_int_attr(f, "replications", 100000);
    H5Fclose(f);
    read_fails(fx->path, "dataset '/seeds' has shape 6x32, expected 100000x32");
    /* every per-replication dataset resized, but no data behind it */
    f = open_rw(fx->path);
    replace_empty(f, "/seeds", H5T_NATIVE_UINT32, 100000, SEND_STREAMS);
    replace_empty(f, "/events", H5T_NATIVE_UINT64, 100000, 0);
    H5Fclose(f);
    struct stat st;
    assert_int_equal(stat(fx->path, &st), 0);
    char want[160];
    int row_len = fx->res.reps[0].row_len;
    double need = 1e5 * ((double)SEND_METRIC_COUNT * row_len * 8 + SEND_STREAMS * 4 +
                         (double)fx->res.reps[0].n_years * SEND_WEEKS_BINS * 4);
    snprintf(want, sizeof want,
             "declares 100000 replications (%.0f MB of results) but holds only %lld bytes",
             need / 1e6, (long long)st.st_size);
    read_fails(fx->path, want);
    write_ok(fx);
    f = open_rw(fx->path);
    set_int_attr(f, "first_year", 1961);
    H5Fclose(f);
    read_fails(fx->path, "first month, year or financial year outside 1970-2260");
    write_ok(fx);
    f = open_rw(fx->path);
    set_int_attr(f, "months", 2000000000);
    H5Fclose(f);
    read_fails(fx->path, "inconsistent sizes");
}

/* The file carries the SHA-256 of its HDF5 image in its first 512 bytes (a user block): a
 * changed byte or a cut file is one clear error before libhdf5 (which can crash on a damaged
 * global heap) reads it; a file without the block is read unchecked. */
static void test_read_checksum(void **state)
{
    fixture *fx = *state;
    write_ok(fx);
    FILE *f = fopen(fx->path, "r+b");
    assert_non_null(f);
    char head[24] = {0};
    assert_int_equal(fread(head, 1, 23, f), 23);
    assert_string_equal(head, "sendsim results sha256 ");
    assert_int_equal(fseek(f, 4000, SEEK_SET), 0);
    int c = fgetc(f);
    assert_int_equal(fseek(f, 4000, SEEK_SET), 0);
    fputc(c ^ 1, f);
    fclose(f);
    read_fails(fx->path, "the file is damaged or incomplete (its SHA-256 does not match the "
                         "one written with it)");
    /* without the checksum line (a file from before it): read */
    write_ok(fx);
    f = fopen(fx->path, "r+b");
    assert_non_null(f);
    fputs("xxxxxxx", f);
    fclose(f);
    send_results r;
    send_meta m;
    des_error err = {0};
    if (send_h5_read(fx->path, &r, &m, &err) != DES_OK)
        fail_msg("%s", err.msg);
    send_results_free(&r);
    send_meta_free(&m);
}

static herr_t count_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    (void)loc;
    (void)name;
    (void)info;
    ++*(int *)data;
    return 0;
}

/* The root attributes: the file holds exactly the 26 the layout lists; each one removed makes
 * the file unreadable with a message naming it, except `ranks` and `authorities`, which files
 * from before MPI runs and several-authority scenarios lack (then 1 and 0). */
static void test_root_attributes(void **state)
{
    fixture *fx = *state;
    static const char *const names[] = {
        "format", "format_version", "scenario_name", "scenario_path", "scenario_yaml",
        "scenario_source", "master_seed", "replications", "streams", "ranks", "authorities",
        "program_version", "build", "host", "started", "finished", "threads", "wall_seconds",
        "events", "first_month", "first_year", "first_fy", "months", "years",
        "financial_years", "weeks_bins"};
    int n = (int)(sizeof names / sizeof names[0]);
    write_ok(fx);
    hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    int count = 0;
    assert_true(H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, count_attr, &count) >= 0);
    assert_int_equal(count, n);
    for (int i = 0; i < n; i++)
        if (H5Aexists(f, names[i]) <= 0)
            fail_msg("root attribute '%s' was not written", names[i]);
    H5Fclose(f);
    for (int i = 0; i < n; i++) {
        write_ok(fx);
        f = open_rw(fx->path);
        assert_true(H5Adelete(f, names[i]) >= 0);
        H5Fclose(f);
        if (!strcmp(names[i], "ranks") || !strcmp(names[i], "authorities")) {
            send_results r;
            send_meta m;
            des_error err = {0};
            if (send_h5_read(fx->path, &r, &m, &err) != DES_OK)
                fail_msg("without '%s': %s", names[i], err.msg);
            assert_int_equal(r.ranks, 1);
            assert_int_equal(r.n_authorities, 0);
            send_results_free(&r);
            send_meta_free(&m);
        } else {
            char want[128];
            snprintf(want, sizeof want, "attribute '%s' is missing (not a sendsim results file?)",
                     names[i]);
            read_fails(fx->path, want);
        }
    }
    /* a wrong format name and version are named before anything else */
    write_ok(fx);
    f = open_rw(fx->path);
    assert_true(H5Adelete(f, "format_version") >= 0);
    hid_t sp = H5Screate(H5S_SCALAR);
    int v = 99;
    hid_t at = H5Acreate2(f, "format_version", H5T_NATIVE_INT, sp, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(at >= 0 && H5Awrite(at, H5T_NATIVE_INT, &v) >= 0);
    H5Aclose(at);
    assert_true(H5Adelete(f, "replications") >= 0);
    H5Sclose(sp);
    H5Fclose(f);
    read_fails(fx->path, "results format version 99, this program reads version 1");
}

static void test_write_errors(void **state)
{
    fixture *fx = *state;
    des_error err = {0};
    /* a directory that does not exist */
    char p[160];
    snprintf(p, sizeof p, "%s/missing/r.h5", fx->dir);
    assert_int_equal(send_h5_write(p, &fx->res, &fx->meta, NULL, &err), DES_EIO);
    assert_non_null(strstr(err.msg, "cannot create"));
    /* cancelled: nothing under the final name, no temporary file */
    clear_dir(fx->dir);
    volatile sig_atomic_t cancel = 1;
    assert_int_not_equal(send_h5_write(fx->path, &fx->res, &fx->meta, &cancel, &err), DES_OK);
    assert_int_equal(dir_count(fx->dir), 0);
    /* an earlier complete file survives a cancelled rewrite untouched */
    write_ok(fx);
    struct stat a, b;
    assert_int_equal(stat(fx->path, &a), 0);
    assert_int_not_equal(send_h5_write(fx->path, &fx->res, &fx->meta, &cancel, &err), DES_OK);
    assert_int_equal(stat(fx->path, &b), 0);
    assert_true(a.st_ino == b.st_ino && a.st_size == b.st_size);
    assert_int_equal(dir_count(fx->dir), 1);
    /* nothing to write */
    send_results empty = {0};
    assert_int_equal(send_h5_write(fx->path, &empty, &fx->meta, NULL, &err), DES_EINVAL);
}

/* A full disk while writing (here: a file-size limit, which fails write() with EFBIG the way a
 * full disk fails it with ENOSPC): the error is reported, no temporary file is left, and the
 * process exits normally (HDF5 used to crash at exit on the file it had failed to close). */
static void test_write_full_disk(void **state)
{
    fixture *fx = *state;
    clear_dir(fx->dir);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {4096, 4096};
        setrlimit(RLIMIT_FSIZE, &rl);
        des_error err = {0};
        int rc = send_h5_write(fx->path, &fx->res, &fx->meta, NULL, &err);
        /* HDF5's own shutdown, which its exit handler would run (where a full disk used to
         * crash); then _exit, since other libraries' exit handlers are not meant to run in
         * a forked child (LLVM's OpenMP tool under ThreadSanitizer crashes in its own) */
        H5close();
        _exit(rc == DES_EIO && strstr(err.msg, "File too large") ? 0 : 3);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(dir_count(fx->dir), 0);
}

/* A scenario with several authorities: its wider seed rows and per-authority headlines
 * survive the round trip. */
static void test_authorities_round_trip(void **state)
{
    fixture *fx = *state;
    const char *scen = "tests/data/authorities/two.yaml";
    send_results w, r;
    send_meta m = {0}, mr;
    des_error err = {0};
    send_scenario sc;
    if (send_scenario_open(scen, &sc, &err) != DES_OK)
        fail_msg("%s", err.msg);
    send_run_opts o = {.seed = 3, .replications = 3, .threads = 1};
    if (send_run(&sc.params, &o, &w, &err) != DES_OK || send_meta_from_scenario(&m, &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(w.n_authorities, 2);
    assert_int_equal(w.seeds_per_rep, 2 * SEND_STREAMS);
    /* provenance holds the template as written, and its values as rows under its name */
    assert_non_null(strstr(m.scenario_source,
                           "# ---- file: tests/data/authorities/../load/base.yaml\n"));
    int tpl_rows = 0;
    for (int i = 0; i < m.n_params; i++)
        if (!strcmp(m.params[i].key,
                    "template tests/data/authorities/../load/base.yaml: population.growth")) {
            assert_string_equal(m.params[i].value, "0.01");
            tpl_rows++;
        }
    assert_int_equal(tpl_rows, 1);
    char path[160];
    snprintf(path, sizeof path, "%s/two.h5", fx->dir);
    if (send_h5_write(path, &w, &m, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
    if (send_h5_read(path, &r, &mr, &err) != DES_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(r.seeds_per_rep, w.seeds_per_rep);
    assert_memory_equal(r.seeds, w.seeds, (size_t)w.n * w.seeds_per_rep * sizeof *w.seeds);
    assert_int_equal(r.n_authorities, 2);
    assert_int_equal(r.authority_len, w.authority_len);
    assert_string_equal(r.authority_names[0], "town");
    assert_string_equal(r.authority_names[1], "city");
    assert_memory_equal(r.authority_values, w.authority_values,
                        (size_t)w.n * 2 * SEND_AUTH_HEADLINES * (size_t)w.authority_len *
                            sizeof(double));
    for (int i = 0; i < w.n; i++)
        for (int k = 0; k < SEND_METRIC_COUNT; k++)
            if (send_metric(k))
                assert_memory_equal(send_output_row(&r.reps[i], k),
                                    send_output_row(&w.reps[i], k),
                                    (size_t)send_output_periods(&w.reps[i], k) * sizeof(double));
    unlink(path);
    send_results_free(&w);
    send_results_free(&r);
    send_meta_free(&m);
    send_meta_free(&mr);
    send_scenario_close(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meta_from_scenario),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_summary_and_labels),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_read_declared_sizes),
        cmocka_unit_test(test_read_checksum),
        cmocka_unit_test(test_root_attributes),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_write_full_disk),
        cmocka_unit_test(test_authorities_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
