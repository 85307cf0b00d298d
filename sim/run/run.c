/* run.c - replications in parallel and their across-replication statistics.
 *
 * Each OpenMP thread creates its own send_model and runs whole replications, chosen by a
 * dynamic schedule; every replication writes only its own send_output, so there is nothing to
 * lock, and the outputs are read back in replication order, so results do not depend on the
 * thread count or the schedule. Seeds come from des_rng_seed_table (distinct, and a function of
 * the master seed and replication index alone).
 *
 * Cost: O(replications x events per replication) time, O(replications x metrics x periods)
 * memory for the kept outputs.
 */
#include "send_run.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "des_rng.h"
#include "des_stats.h"

const double send_quantile_levels[SEND_NQ] = {5, 10, 25, 50, 75, 90, 95};

void send_results_free(send_results *res)
{
    if (!res)
        return;
    if (res->reps)
        for (int i = 0; i < res->n; i++)
            send_output_free(&res->reps[i]);
    free(res->reps);
    free(res->seeds);
    free(res->summary);
    memset(res, 0, sizeof *res);
}

int send_run(const send_params *p, const send_run_opts *opts, send_results *res, des_error *err)
{
    memset(res, 0, sizeof *res);
    int n = opts->replications;
    if (n < 1)
        return des_error_set(err, DES_EINVAL, "'replications' must be at least 1, got %d", n);
    des_error perr;
    if (send_params_check(p, &perr) != DES_OK)
        return des_error_set(err, DES_EINVAL, "%s", perr.msg);
    /* Every replication's series are kept (percentiles need them all): refuse a run that could
     * not hold them rather than let the system kill it part-way. */
    send_output probe;
    if (send_output_init(&probe, p, err) != DES_OK)
        return err ? err->code : DES_ENOMEM;
    double bytes = (double)n * SEND_METRIC_COUNT * probe.row_len * sizeof(double);
    send_output_free(&probe);
    double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (phys > 0 && bytes > 0.75 * phys)
        return des_error_set(err, DES_ENOMEM,
                             "%d replications need %.1f GB for their results, more than this "
                             "machine's memory allows (%.1f GB); run fewer",
                             n, bytes / 1e9, phys / 1e9);
    res->n = n;
    res->master_seed = opts->seed;
    res->seeds = malloc((size_t)n * SEND_STREAMS * sizeof *res->seeds);
    res->reps = calloc((size_t)n, sizeof *res->reps);
    if (!res->seeds || !res->reps) {
        send_results_free(res);
        return des_error_set(err, DES_ENOMEM, "cannot allocate %d replications", n);
    }
    if (des_rng_seed_table(opts->seed, (size_t)n, SEND_STREAMS, res->seeds, err) != DES_OK) {
        send_results_free(res);
        return err ? err->code : DES_EINVAL;
    }
    for (int i = 0; i < n; i++)
        if (send_output_init(&res->reps[i], p, err) != DES_OK) {
            send_results_free(res);
            return err ? err->code : DES_ENOMEM;
        }
    int threads = opts->threads > 0 ? opts->threads : omp_get_num_procs();
    if (threads > n)
        threads = n;
    res->threads_used = threads;

    int failed = 0, done = 0, cancelled = 0;
    des_error first_err = {0};
    double t0 = omp_get_wtime();
#pragma omp parallel num_threads(threads)
    {
        des_error terr = {0};
        send_model *m = send_model_create(p, &terr);
        if (!m) {
#pragma omp critical(send_run_err)
            {
                if (!failed)
                    first_err = terr;
                failed = 1;
            }
        }
#pragma omp for schedule(dynamic, 1)
        for (int r = 0; r < n; r++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            if (stop || !m || (opts->cancel && *opts->cancel)) {
                if (opts->cancel && *opts->cancel) {
#pragma omp atomic write
                    cancelled = 1;
                }
                continue;
            }
            if (send_model_run(m, res->seeds + (size_t)r * SEND_STREAMS, &res->reps[r], &terr) !=
                DES_OK) {
#pragma omp critical(send_run_err)
                {
                    if (!failed)
                        first_err = terr;
                    failed = 1;
                }
                continue;
            }
            int d;
#pragma omp atomic capture
            d = ++done;
            if (opts->progress && omp_get_thread_num() == 0)
                opts->progress(opts->progress_ctx, d, n);
        }
        send_model_destroy(m);
    }
    res->wall_seconds = omp_get_wtime() - t0;
    if (failed) {
        send_results_free(res);
        if (err)
            *err = first_err;
        return first_err.code ? first_err.code : DES_ESTATE;
    }
    if (cancelled) {
        send_results_free(res);
        return des_error_set(err, DES_ESTATE, "interrupted");
    }
    if (opts->progress)
        opts->progress(opts->progress_ctx, n, n);
    for (int i = 0; i < n; i++)
        res->events += res->reps[i].events;
    if (send_results_summarise(res, threads, err) != DES_OK) {
        send_results_free(res);
        return err ? err->code : DES_ENOMEM;
    }
    return DES_OK;
}

int send_results_summarise(send_results *res, int threads, des_error *err)
{
    if (res->n < 1 || !res->reps)
        return des_error_set(err, DES_EINVAL, "no replications to summarise");
    int row_len = res->reps[0].row_len;
    free(res->summary);
    res->summary = calloc((size_t)SEND_METRIC_COUNT * (size_t)row_len, sizeof *res->summary);
    if (!res->summary)
        return des_error_set(err, DES_ENOMEM, "cannot allocate the summary");
    if (threads <= 0)
        threads = omp_get_num_procs();
    int failed = 0;
#pragma omp parallel num_threads(threads)
    {
        double *scratch = malloc((size_t)res->n * sizeof *scratch);
        if (!scratch) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int m = 0; m < SEND_METRIC_COUNT; m++) {
            if (!scratch || !send_metric(m))
                continue;
            int np = send_output_periods(&res->reps[0], m);
            for (int i = 0; i < np; i++)
                send_results_stat(res, m, i, scratch, &res->summary[(size_t)m * row_len + i]);
        }
        free(scratch);
    }
    if (failed) {
        free(res->summary);
        res->summary = NULL;
        return des_error_set(err, DES_ENOMEM, "cannot allocate the summary");
    }
    return DES_OK;
}

void send_results_get_stat(const send_results *res, int metric, int period, double *scratch,
                           send_stat *out)
{
    if (res->summary)
        *out = res->summary[(size_t)metric * res->reps[0].row_len + period];
    else
        send_results_stat(res, metric, period, scratch, out);
}

void send_results_stat(const send_results *res, int metric, int period, double *scratch,
                       send_stat *out)
{
    int k = 0;
    des_tally t;
    des_tally_init(&t);
    for (int i = 0; i < res->n; i++) {
        double v = send_output_row(&res->reps[i], metric)[period];
        if (isnan(v))
            continue;
        scratch[k++] = v;
        des_tally_add(&t, v);
    }
    out->n = k;
    if (k == 0) {
        out->mean = out->sd = NAN;
        for (int j = 0; j < SEND_NQ; j++)
            out->q[j] = NAN;
        return;
    }
    out->mean = des_tally_mean(&t);
    out->sd = k > 1 ? des_tally_sd(&t) : 0.0;
    double q[SEND_NQ];
    for (int j = 0; j < SEND_NQ; j++)
        q[j] = send_quantile_levels[j] / 100.0;
    des_quantiles(scratch, (size_t)k, q, SEND_NQ, out->q);
}
