/* export_csv.c - CSV export: the summary (send_write_summary_csv) and the long per-replication
 * table `scenario,replication,metric,period,value`.
 *
 * Every value of the long table is printed in the shortest form that strtod() reads back to the
 * same double (integers as integers), so an analyst's tools see exactly what the model wrote.
 * The shortest form is found by trying %.15g, %.16g and %.17g in turn: a normal double that
 * some decimal of at most 15 significant digits reads back to lies within half a unit of the
 * 15th digit of it, so %.15g prints that decimal (trailing zeros dropped); and the nearest
 * 16-digit decimal reads back if any does. Subnormals try every precision from 1.
 * Both files are written atomically (io_atomic); a pair is all or nothing.
 * O(replications x metrics x periods) time, O(1) memory beyond the results.
 */
#include "send_export.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_internal.h"
#include "send_io.h"

int send_export_format_double(double v, char *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (isnan(v)) {
        buf[0] = '\0';
        return 0;
    }
    if (v == 0)
        return snprintf(buf, len, "0"); /* no "-0" */
    if (fabs(v) < 9007199254740992.0 && v == trunc(v))
        return snprintf(buf, len, "%.0f", v);
    int n = 0;
    /* Subnormals carry fewer significant bits: search every precision. */
    for (int prec = fabs(v) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
        n = snprintf(buf, len, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
    return n;
}

int export_check(const send_results *res, const char *path, des_error *err)
{
    if (!res || res->n < 1 || !res->reps)
        return des_error_set(err, DES_EINVAL, "no replications to export to '%s'", path);
    return DES_OK;
}

int export_open(io_atomic *a, const char *path, const send_results *res, des_error *err)
{
    int rc = export_check(res, path, err);
    return rc ? rc : io_atomic_open(a, path, err);
}

int send_export_replications_csv(const char *path, const char *scenario, const send_results *res,
                                 const volatile sig_atomic_t *cancel, des_error *err)
{
    io_atomic a;
    int rc = export_open(&a, path, res, err);
    if (rc)
        return rc;
    if (!scenario)
        scenario = "";
    fputs("scenario,replication,metric,period,value\n", a.f);
    for (int r = 0; r < res->n; r++) {
        if (cancel && *cancel)
            break; /* io_atomic_commit sees the flag and removes the temporary file */
        const send_output *o = &res->reps[r];
        for (int m = 0; m < SEND_METRIC_COUNT; m++) {
            const send_metric_info *mi = send_metric(m);
            if (!mi)
                continue;
            const double *row = o->values + (size_t)m * (size_t)o->row_len;
            int np = send_output_periods(o, m);
            for (int i = 0; i < np; i++) {
                char label[16], num[40];
                send_output_period_label(o, m, i, label, sizeof label);
                send_export_format_double(row[i], num, sizeof num);
                io_csv_field(a.f, scenario);
                fprintf(a.f, ",%d,%s,%s,%s\n", r + 1, mi->name, label, num);
            }
        }
        for (int j = 0; j < res->n_breakdown; j++) { /* sufficiency by pool, area and need */
            const double *row = o->values + (size_t)(SEND_METRIC_COUNT + j) * (size_t)o->row_len;
            for (int i = 0; i < o->n_months; i++) {
                char label[16], num[40];
                send_output_period_label(o, M_EHCP_TOTAL, i, label, sizeof label);
                send_export_format_double(row[i], num, sizeof num);
                io_csv_field(a.f, scenario);
                fprintf(a.f, ",%d,", r + 1);
                io_csv_field(a.f, res->breakdown_names[j]);
                fprintf(a.f, ",%s,%s\n", label, num);
            }
        }
    }
    return io_atomic_commit(&a, cancel, err);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

int send_export_replications_path(const char *summary_path, char *buf, size_t len, des_error *err)
{
    size_t n = strlen(summary_path);
    if (ends_with(summary_path, "-summary.csv"))
        n -= strlen("-summary.csv");
    else if (ends_with(summary_path, ".csv"))
        n -= strlen(".csv");
    int w = snprintf(buf, len, "%.*s-replications.csv", (int)n, summary_path);
    if (w < 0 || (size_t)w >= len)
        return des_error_set(err, DES_EINVAL, "file name too long: '%s'", summary_path);
    return DES_OK;
}

int send_export_csv(const char *summary_path, const char *reps_path, const send_results *res,
                    const send_meta *meta, const volatile sig_atomic_t *cancel, des_error *err)
{
    int rc = export_check(res, summary_path, err);
    if (rc)
        return rc;
    if (!strcmp(summary_path, reps_path))
        return des_error_set(err, DES_EINVAL, "the summary and the replications table are both '%s'",
                             summary_path);
    const char *scenario = meta && meta->scenario_name ? meta->scenario_name : "";
    rc = send_export_replications_csv(reps_path, scenario, res, cancel, err);
    if (rc)
        return rc;
    rc = send_write_summary_csv(summary_path, scenario, res, cancel, err);
    if (rc)
        unlink(reps_path); /* all or nothing */
    return rc;
}
