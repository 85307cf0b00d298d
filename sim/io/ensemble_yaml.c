/* ensemble_yaml.c - write a scenario that extends another and adds an `ensemble` section;
 * print an ensemble for `validate`.
 *
 * The file is an ordinary scenario: `extends` names the parent (relative to the new file's
 * directory when they share it, else the parent's absolute path), then `name`, then the
 * ensemble: keys, sets and weights printed with 17 significant digits (read back bit for bit),
 * the method, data file, SHA-256 and as-of year, and `fit:` with the given statistics. Written
 * atomically (send_io.h). Cost: O(sets x keys).
 */
#include "send_scenario.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "des_stats.h"
#include "send_io.h"

/* The parent as `extends` should name it from the directory of out_path. */
static void extends_path(const char *out_path, const char *parent, char *buf, size_t cap)
{
    const char *so = strrchr(out_path, '/'), *sp = strrchr(parent, '/');
    size_t lo = so ? (size_t)(so - out_path) : 0, lp = sp ? (size_t)(sp - parent) : 0;
    if (lo == lp && !strncmp(out_path, parent, lo)) {
        snprintf(buf, cap, "%s", sp ? sp + 1 : parent);
        return;
    }
    char *abs = realpath(parent, NULL);
    snprintf(buf, cap, "%s", abs ? abs : parent);
    free(abs);
}

int send_ensemble_yaml_write(const char *out_path, const char *parent, const char *name,
                             const char *comment, const send_ensemble *e, int n_fit,
                             const char *const *fit_names, const double *fit_values,
                             des_error *err)
{
    io_atomic a;
    if (io_atomic_open(&a, out_path, err) != DES_OK)
        return err ? err->code : DES_EIO;
    FILE *f = a.f;
    char ext[PATH_MAX + 1];
    extends_path(out_path, parent, ext, sizeof ext);
    if (comment && comment[0]) {
        const char *s = comment;
        while (*s) {
            const char *nl = strchr(s, '\n');
            size_t n = nl ? (size_t)(nl - s) : strlen(s);
            fprintf(f, "# %.*s\n", (int)n, s);
            s += n + (nl != NULL);
        }
    }
    fprintf(f, "extends: \"%s\"\n", ext);
    fprintf(f, "name: \"%s\"\n", name);
    fprintf(f, "ensemble:\n  keys: [");
    for (int k = 0; k < e->n_keys; k++)
        fprintf(f, "%s%s", k ? ", " : "", e->paths[k]);
    fprintf(f, "]\n  sets:\n");
    for (int i = 0; i < e->n_sets; i++) {
        fprintf(f, "    - [");
        for (int k = 0; k < e->n_keys; k++)
            fprintf(f, "%s%.17g", k ? ", " : "", e->values[(size_t)i * e->n_keys + k]);
        fprintf(f, "]\n");
    }
    fprintf(f, "  weights: [");
    for (int i = 0; i < e->n_sets; i++)
        fprintf(f, "%s%.17g", i ? ", " : "", e->weights[i]);
    fprintf(f, "]\n");
    if (e->method[0])
        fprintf(f, "  method: \"%s\"\n", e->method);
    if (e->data[0])
        fprintf(f, "  data: \"%s\"\n", e->data);
    if (e->sha256[0])
        fprintf(f, "  sha256: %s\n", e->sha256);
    if (e->as_of)
        fprintf(f, "  as_of: %d\n", e->as_of);
    if (e->discrepancy)
        send_discrepancy_yaml_print(f, e->discrepancy, "  ");
    if (n_fit > 0) {
        fprintf(f, "  fit:\n");
        for (int i = 0; i < n_fit; i++)
            fprintf(f, "    %s: %.6g\n", fit_names[i], fit_values[i]);
    }
    return io_atomic_commit(&a, NULL, err);
}

/* x with the fewest of 15 or 17 significant digits that read back as x. */
static void put_exact(FILE *f, const char *sep, double x)
{
    char b[40];
    snprintf(b, sizeof b, "%.15g", x);
    if (strtod(b, NULL) != x)
        snprintf(b, sizeof b, "%.17g", x);
    fprintf(f, "%s%s", sep, b);
}

/* The level index of l in d->levels, or -1. */
static int level_at(const send_discrepancy *d, double l)
{
    for (int i = 0; i < d->n_q; i++)
        if (fabs(d->levels[i] - l) < 1e-9)
            return i;
    return -1;
}

double send_discrepancy_tail_ratio(const send_discrepancy *d, int m)
{
    int a = level_at(d, 0.025), b = level_at(d, 0.1), c = level_at(d, 0.9), e = level_at(d, 0.975);
    if (a < 0 || b < 0 || c < 0 || e < 0 || d->n_h[m] < 1)
        return NAN;
    const double *q = d->q[m][0];
    return q[c] > q[b] ? (q[e] - q[a]) / (q[c] - q[b]) : NAN;
}

double send_discrepancy_factor(send_discrepancy *d)
{
    int k = d->n_metrics;
    double c[SEND_DISC_METRICS * SEND_DISC_METRICS], L[SEND_DISC_METRICS * SEND_DISC_METRICS];
    for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++)
            c[a * k + b] = d->corr[a][b];
    double s = des_corr_cholesky(c, k, L);
    if (s < 0)
        return s;
    for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++) {
            d->corr[a][b] = c[a * k + b];
            d->corr_chol[a][b] = L[a * k + b];
        }
    return s;
}

void send_discrepancy_yaml_print(FILE *f, const send_discrepancy *d, const char *indent)
{
    fprintf(f, "%sdiscrepancy:\n", indent);
    if (d->as_of)
        fprintf(f, "%s  as_of: %d\n", indent, d->as_of);
    fprintf(f, "%s  origins: [", indent);
    for (int i = 0; i < d->n_origins; i++)
        fprintf(f, "%s%d", i ? ", " : "", d->origins[i]);
    fprintf(f, "]\n%s  authorities: %d\n%s  replications: %d\n", indent, d->authorities,
            indent, d->replications);
    if (d->own_replications > 0)
        fprintf(f, "%s  own_replications: %d   # the forecast's own spread measured on these, "
                   "without the term\n", indent, d->own_replications);
    fprintf(f, "%s  levels: [", indent);
    for (int i = 0; i < d->n_q; i++)
        put_exact(f, i ? ", " : "", d->levels[i]);
    fprintf(f, "]\n%s  metrics:\n", indent);
    for (int m = 0; m < d->n_metrics; m++) {
        fprintf(f, "%s    %s:\n%s      n: [", indent, send_metric(d->metric[m])->name, indent);
        for (int h = 0; h < d->n_h[m]; h++)
            fprintf(f, "%s%d", h ? ", " : "", d->n[m][h]);
        fprintf(f, "]\n%s      quantiles:\n", indent);
        for (int h = 0; h < d->n_h[m]; h++) {
            fprintf(f, "%s        - [", indent);
            for (int i = 0; i < d->n_q; i++)
                put_exact(f, i ? ", " : "", d->q[m][h][i]);
            fprintf(f, "]\n");
        }
        double tails = send_discrepancy_tail_ratio(d, m);
        if (!isnan(tails))
            fprintf(f, "%s      # tails at horizon 1: (Q97.5 - Q2.5) / (Q90 - Q10) = %.2f "
                       "(a normal: 1.53)\n", indent, tails);
        fprintf(f, "%s      growth:", indent);
        put_exact(f, " ", d->growth[m]);
        fprintf(f, "%s\n", d->growth_term[m] ? "" : d->growth_h[m] >= 2 ? ""
                : "   # assumed: a random walk (spread as sqrt(horizon))");
        if (d->growth_term[m])
            fprintf(f, "%s      growth_from: term   # the slope of log(P90 - P10) of the "
                       "quantiles above on log(horizon)\n", indent);
        fprintf(f, "%s      growth_spread: [", indent);
        for (int h = 0; h < d->growth_h[m]; h++)
            put_exact(f, h ? ", " : "", d->growth_spread[m][h]);
        fprintf(f, "]\n");
        if (d->n_own[m] > 0) {
            fprintf(f, "%s      own_spread: [", indent);
            for (int h = 0; h < d->n_own[m]; h++)
                put_exact(f, h ? ", " : "", d->own[m][h]);
            fprintf(f, "]   # the forecast's own P90 - P10 of log value at 1-%d years: the "
                       "term adds what it lacks\n", d->n_own[m]);
        }
    }
    if (d->has_corr) {
        fprintf(f, "%s  correlation_n: %d   # authority-origin-horizons holding two or more of "
                   "the measures' errors\n", indent, d->corr_n);
        fprintf(f, "%s  correlation:   # of those errors' normal scores, in the order of the "
                   "metrics above: each replication's uniforms are joined with it\n", indent);
        for (int a = 0; a < d->n_metrics; a++) {
            fprintf(f, "%s    - [", indent);
            for (int b = 0; b < d->n_metrics; b++)
                put_exact(f, b ? ", " : "", d->corr[a][b]);
            fprintf(f, "]\n");
        }
    }
}

void send_scenario_print_ensemble(const send_params *p, FILE *o)
{
    const send_ensemble *e = p->ensemble;
    if (!e)
        return;
    fprintf(o, "ensemble: %d sets of %d key%s (replications draw one set each, by weight)",
            e->n_sets, e->n_keys, e->n_keys == 1 ? "" : "s");
    if (e->method[0])
        fprintf(o, "; %s", e->method);
    if (e->data[0])
        fprintf(o, "; data %s", e->data);
    if (e->sha256[0])
        fprintf(o, " (sha256 %.12s...)", e->sha256);
    if (e->as_of)
        fprintf(o, "; as of %d", e->as_of);
    fprintf(o, "\n");
    const send_discrepancy *dq = e->discrepancy;
    if (dq) {
        fprintf(o, "  forecast-error term as of %d from back-tests of %d authorities at origins",
                dq->as_of, dq->authorities);
        for (int i = 0; i < dq->n_origins; i++)
            fprintf(o, " %d", dq->origins[i]);
        fprintf(o, ":");
        for (int m = 0; m < dq->n_metrics; m++)
            fprintf(o, " %s (%d horizon%s, spread beyond them x (t/%d)^%.2f%s%s)",
                    send_metric(dq->metric[m])->name, dq->n_h[m], dq->n_h[m] == 1 ? "" : "s",
                    dq->n_h[m], dq->growth[m],
                    dq->growth_term[m] ? " from the term's own horizons"
                    : dq->growth_h[m] >= 2 ? "" : " assumed",
                    dq->n_own[m] ? ", net of the forecast's own spread" : "");
        fprintf(o, "\n");
        if (dq->has_corr) {
            fprintf(o, "  the measures' factors drawn jointly, with their errors' correlation "
                       "(over %d authority-origin-horizons):", dq->corr_n);
            for (int a = 0; a < dq->n_metrics; a++)
                for (int b = 0; b < a; b++)
                    fprintf(o, "%s %s-%s %.2f", a == 1 && b == 0 ? "" : ",",
                            send_metric(dq->metric[b])->name, send_metric(dq->metric[a])->name,
                            dq->corr[a][b]);
            fprintf(o, "\n");
        } else if (dq->n_metrics > 1)
            fprintf(o, "  the measures' factors drawn independently (the term gives no "
                       "correlation)\n");
    }
    for (int k = 0; k < e->n_keys; k++) {
        double m = 0, v = 0, lo = INFINITY, hi = -INFINITY;
        for (int i = 0; i < e->n_sets; i++) {
            double x = e->values[(size_t)i * e->n_keys + k];
            m += e->weights[i] * x;
            lo = fmin(lo, x);
            hi = fmax(hi, x);
        }
        for (int i = 0; i < e->n_sets; i++) {
            double d = e->values[(size_t)i * e->n_keys + k] - m;
            v += e->weights[i] * d * d;
        }
        fprintf(o, "  %-36s weighted mean %g, sd %g, range [%g, %g]\n", e->paths[k], m, sqrt(v),
                lo, hi);
    }
    for (int k = 0; k < e->n_overridden; k++)
        fprintf(o, "  %-36s set at %s, in a file extending the ensemble's: that value is used, "
                   "not drawn\n", e->overridden[k], e->overridden_at[k]);
}
