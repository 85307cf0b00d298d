/* fuzz_targets.c - the readers of outside input as fuzz targets (see fuzz_targets.h). Each
 * input is written to a private temporary file (the readers take paths, and reading the file is
 * part of what is tested: regular files only, sizes, encodings) and read back by the same
 * function the program calls. A reader must accept or reject every input with one line of
 * error; crashes, hangs, leaks and sanitizer reports are what the fuzzer finds. */
#include "fuzz_targets.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "send_h5.h"
#include "send_report.h"
#include "send_scenario.h"
#include "send_sen2.h"

const char *const sendsim_fuzz_targets[] = {"scenario", "sen2", "results", "compare",
                                            "backtest", "placements", NULL};

/* The back-test table a fuzzed placements file is read beside: one authority, from 2019. */
static const char mix_table[] =
    "la_code,la_name,metric,period,horizon_years,observed,p10,p50,p90,inside_p10_p90,"
    "abs_pct_error\nE1,Testshire,ehcp_total,2020,1,100,90,110,120,1,10\n";

/* Read the placements file beside a table at "<base>-backtest.csv" (base: path less its
 * "-placements.csv"). */
static int read_mix_beside(const char *path, des_error *err)
{
    char table[128];
    snprintf(table, sizeof table, "%.*s-backtest.csv",
             (int)(strlen(path) - strlen("-placements.csv")), path);
    FILE *f = fopen(table, "wb");
    if (!f || fputs(mix_table, f) == EOF || fclose(f) != 0) {
        perror(table);
        abort();
    }
    send_bt_table t;
    int rc = send_bt_table_read(table, &t, err);
    if (rc == DES_OK)
        rc = send_bt_table_read_mix(&t, err);
    if (rc == DES_OK && !t.has_mix)
        abort(); /* the file is there: it must be read or rejected */
    send_bt_table_free(&t);
    unlink(table);
    return rc;
}

int sendsim_fuzz_find(const char *name)
{
    for (int i = 0; sendsim_fuzz_targets[i]; i++)
        if (!strcmp(sendsim_fuzz_targets[i], name))
            return i;
    return -1;
}

static void check_message(const des_error *err)
{
    if (!err->msg[0] || strchr(err->msg, '\n')) {
        fprintf(stderr, "bad error message: '%s'\n", err->msg);
        abort();
    }
}

int sendsim_fuzz_run(int target, const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* as main does */
        gsl_set_error_handler_off();
        once = 1;
    }
    char path[96];
    snprintf(path, sizeof path, "%s/sendsim-fuzz-%ld-%s%s", P_tmpdir, (long)getpid(),
             sendsim_fuzz_targets[target], target == 5 ? ".csv" : "");
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(path);
        abort();
    }
    des_error err = {0};
    int rc = 0;
    switch (target) {
    case 0: {
        send_scenario s;
        rc = send_scenario_open(path, &s, &err);
        send_scenario_close(&s);
        break;
    }
    case 1: {
        send_sen2 *d = send_sen2_read(path, &err);
        rc = d ? DES_OK : DES_EINPUT;
        send_sen2_free(d);
        break;
    }
    case 2: {
        send_results r;
        send_meta m;
        rc = send_h5_read(path, &r, &m, &err);
        if (rc == DES_OK) {
            send_results_free(&r);
            send_meta_free(&m);
        }
        break;
    }
    case 3: {
        send_compare_table t;
        memset(&t, 0, sizeof t);
        rc = send_compare_read(path, &t, &err);
        send_compare_free(&t);
        break;
    }
    case 4: {
        send_bt_table t;
        memset(&t, 0, sizeof t);
        rc = send_bt_table_read(path, &t, &err);
        send_bt_table_free(&t);
        break;
    }
    case 5:
        rc = read_mix_beside(path, &err);
        break;
    default:
        abort();
    }
    unlink(path);
    if (rc != DES_OK)
        check_message(&err);
    return rc != DES_OK;
}
