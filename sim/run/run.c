/* run.c - replications in parallel and their across-replication statistics.
 *
 * Each OpenMP thread creates its own send_model and runs whole replications, chosen by a
 * dynamic schedule; every replication writes only its own send_output, so there is nothing to
 * lock, and the outputs are read back in replication order, so results do not depend on the
 * thread count or the schedule. Seeds come from des_rng_seed_table (distinct, and a function of
 * the master seed and replication index alone). A scenario with several authorities runs them
 * one after another inside each replication (a thread creates each authority's model when it
 * needs it and frees it after, so a thread holds one authority's children at a time) and sums
 * them in authority order (authorities.c). run_block() runs any contiguous block of
 * replications, which is how MPI ranks share a run (run_mpi.c).
 *
 * The results type and its statistics live in sim/model/results.c.
 *
 * Cost: O(replications x events per replication) time, O(replications x metrics x periods)
 * memory for the kept outputs, plus one model per thread.
 */
#include "send_run.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "des_rng.h"
#include "run_core.h"

int run_check(const send_params *p, int n, des_error *err)
{
    if (n < 1)
        return des_error_set(err, DES_EINVAL, "'replications' must be at least 1, got %d", n);
    des_error perr;
    for (int a = 0; a < run_n_auth(p); a++) {
        const send_params *ap = run_auth(p, a);
        if (send_params_check(ap, &perr) != DES_OK) {
            if (p->n_authorities > 0)
                return des_error_set(err, DES_EINVAL, "authority '%s': %s", ap->name, perr.msg);
            return des_error_set(err, DES_EINVAL, "%s", perr.msg);
        }
        if (ap->start != p->start || ap->end != p->end)
            return des_error_set(err, DES_EINVAL,
                                 "authority '%s' must have the scenario's horizon", ap->name);
        if (ap->n_authorities > 0)
            return des_error_set(err, DES_EINVAL,
                                 "authority '%s' must not list authorities itself", ap->name);
        if (p->n_authorities > 0 && (ap->n_priors > 0 || ap->ensemble))
            return des_error_set(err, DES_EINVAL,
                                 "authority '%s': priors and ensembles are drawn only in a "
                                 "one-authority scenario", ap->name);
    }
    return DES_OK;
}

size_t run_auth_stride(const send_params *p, int *len)
{
    send_output probe = {0};
    int L = 0;
    if (p->n_authorities > 0 && send_output_init(&probe, p, NULL) == DES_OK) {
        L = probe.n_years > probe.n_fys ? probe.n_years : probe.n_fys;
        send_output_free(&probe);
    }
    if (len)
        *len = L;
    return p->n_authorities > 0 ? (size_t)p->n_authorities * SEND_AUTH_HEADLINES * (size_t)L : 0;
}

int run_memory_check(const send_params *p, int count, des_error *err)
{
    /* Every replication's series are kept (percentiles need them all): refuse a run that could
     * not hold them rather than let the system kill it part-way. */
    send_output probe;
    if (send_output_init(&probe, p, err) != DES_OK)
        return err ? err->code : DES_ENOMEM;
    double per = (double)(SEND_METRIC_COUNT + probe.n_breakdown) * probe.row_len * sizeof(double) +
                 (double)run_auth_stride(p, NULL) * sizeof(double);
    send_output_free(&probe);
    double bytes = (double)count * per;
    double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (phys > 0 && bytes > 0.75 * phys)
        return des_error_set(err, DES_ENOMEM,
                             "%d replications need %.1f GB for their results, more than this "
                             "machine's memory allows (%.1f GB); run fewer",
                             count, bytes / 1e9, phys / 1e9);
    return DES_OK;
}

int run_seed_table(const send_params *p, uint64_t seed, int n, uint32_t **seeds, int *per_rep,
                   des_error *err)
{
    int k = SEND_STREAMS * run_n_auth(p);
    *seeds = malloc((size_t)n * (size_t)k * sizeof **seeds);
    if (!*seeds)
        return des_error_set(err, DES_ENOMEM, "cannot allocate the seeds of %d replications", n);
    if (des_rng_seed_table(seed, (size_t)n, (size_t)k, *seeds, err) != DES_OK) {
        free(*seeds);
        *seeds = NULL;
        return err ? err->code : DES_EINVAL;
    }
    *per_rep = k;
    return DES_OK;
}

int run_outputs_init(const send_params *p, send_output *outs, int count, des_error *err)
{
    for (int i = 0; i < count; i++)
        if (send_output_init(&outs[i], p, err) != DES_OK) {
            for (int j = 0; j < i; j++)
                send_output_free(&outs[j]);
            return err ? err->code : DES_ENOMEM;
        }
    return DES_OK;
}

/* One replication of a several-authority scenario into out, on thread-owned scratch. */
static int run_authorities(const send_params *p, const uint32_t *seeds, send_output *out,
                           send_output *part, double *auth_vals, int len,
                           const run_hooks *h, int *stop_status, des_error *err)
{
    for (int a = 0; a < p->n_authorities; a++) {
        if (h->cancel && *h->cancel) {
            *stop_status = RUN_INTERRUPTED;
            return DES_ESTATE;
        }
        if (h->poll && omp_get_thread_num() == 0 && h->poll(h->poll_ctx)) {
            *stop_status = RUN_STOPPED;
            return DES_ESTATE;
        }
        send_model *m = send_model_create(&p->authorities[a], err);
        if (!m)
            return err && err->code ? err->code : DES_ENOMEM;
        int rc = send_model_run(m, seeds + (size_t)a * SEND_STREAMS, part, err);
        send_model_destroy(m);
        if (rc != DES_OK)
            return rc;
        run_sum_add(out, part, a == 0);
        run_auth_headlines(part, auth_vals + (size_t)a * SEND_AUTH_HEADLINES * (size_t)len, len);
    }
    send_output_ratios(out);
    return DES_OK;
}

/* One replication of a one-authority scenario with its own parameter values. */
static int run_drawn(const send_params *p, const run_draws *d, int r, const uint32_t *seeds,
                     send_output *out, des_error *err)
{
    send_params q;
    if (send_params_set_many(p, d->k, (const char (*)[SEND_PATH_MAX])d->paths,
                             d->values + (size_t)r * (size_t)d->k, &q, err) != DES_OK)
        return err ? err->code : DES_EINVAL;
    /* the money follows the plans' forecast-error term: per-child costs by month */
    double *f = NULL;
    if (p->ensemble && p->ensemble->discrepancy) {
        int nm = des_date_month_index(p->end) - des_date_month_index(p->start) + 1;
        if (nm > 0 && !(f = malloc((size_t)nm * sizeof *f)))
            return des_error_set(err, DES_ENOMEM, "cannot allocate the cost factors");
        if (f && (q.n_child_cost_factor = run_child_cost_factors(p, d, r, f, nm)) > 0)
            q.child_cost_factor = f;
    }
    send_model *m = send_model_create(&q, err);
    if (!m) {
        free(f);
        return err && err->code ? err->code : DES_ENOMEM;
    }
    int rc = send_model_run(m, seeds, out, err);
    send_model_destroy(m);
    free(f);
    if (rc == DES_OK)
        run_apply_discrepancy(p, d, r, out);
    return rc;
}

int run_block(const send_params *p, const uint32_t *seeds, int per_rep, const run_draws *draws,
              int r0, int r1,
              send_output *outs, double *auth_vals, int threads, const run_hooks *hooks,
              int *threads_used, des_error *err)
{
    static const run_hooks none = {0};
    const run_hooks *h = hooks ? hooks : &none;
    int count = r1 - r0;
    int multi = p->n_authorities > 0;
    int drawn = draws && draws->k > 0;
    int len = 0;
    size_t stride = run_auth_stride(p, &len);
    if (threads <= 0)
        threads = omp_get_num_procs();
    if (threads > count)
        threads = count > 0 ? count : 1;
    if (threads_used)
        *threads_used = threads;
    if (count <= 0)
        return RUN_OK;

    int status = RUN_OK, done = 0;
    des_error first_err = {0};
#pragma omp parallel num_threads(threads)
    {
        des_error terr = {0};
        send_model *m = NULL;
        send_output part = {0};
        int ok;
        if (multi)
            ok = send_output_init(&part, p, &terr) == DES_OK;
        else if (!drawn)
            ok = (m = send_model_create(p, &terr)) != NULL;
        else
            ok = 1;
        if (!ok) {
#pragma omp critical(send_run_status)
            {
                if (status < RUN_FAILED)
                    first_err = terr;
                /* atomic: other threads read status outside the critical section */
#pragma omp atomic write
                status = RUN_FAILED;
            }
        }
#pragma omp for schedule(dynamic, 1)
        for (int r = r0; r < r1; r++) {
            int st;
#pragma omp atomic read
            st = status;
            int mine = RUN_OK;
            if (st != RUN_OK || !ok)
                continue;
            if (h->cancel && *h->cancel)
                mine = RUN_INTERRUPTED;
            else if (h->poll && omp_get_thread_num() == 0 && h->poll(h->poll_ctx))
                mine = RUN_STOPPED;
            else {
                const uint32_t *row = seeds + (size_t)r * (size_t)per_rep;
                int rc = multi ? run_authorities(p, row, &outs[r - r0], &part,
                                                 auth_vals + (size_t)(r - r0) * stride, len, h,
                                                 &mine, &terr)
                         : drawn ? run_drawn(p, draws, r, row, &outs[r - r0], &terr)
                                 : send_model_run(m, row, &outs[r - r0], &terr);
                if (rc != DES_OK && mine == RUN_OK)
                    mine = RUN_FAILED;
            }
            if (mine != RUN_OK) {
#pragma omp critical(send_run_status)
                {
                    if (mine == RUN_FAILED && status < RUN_FAILED)
                        first_err = terr;
                    if (mine > status) {
#pragma omp atomic write
                        status = mine;
                    }
                }
                continue;
            }
            int d;
#pragma omp atomic capture
            d = ++done;
            if (h->progress && omp_get_thread_num() == 0)
                h->progress(h->progress_ctx, d, count);
        }
        send_model_destroy(m);
        send_output_free(&part);
    }
    if (status == RUN_FAILED && err)
        *err = first_err;
    return status;
}

int send_run(const send_params *p, const send_run_opts *opts, send_results *res, des_error *err)
{
    memset(res, 0, sizeof *res);
    int n = opts->replications;
    if (run_check(p, n, err) != DES_OK || run_memory_check(p, n, err) != DES_OK)
        return err ? err->code : DES_EINVAL;
    int len = 0;
    size_t stride = run_auth_stride(p, &len);
    res->n = n;
    res->master_seed = opts->seed;
    res->ranks = 1;
    res->reps = calloc((size_t)n, sizeof *res->reps);
    if (stride) {
        res->n_authorities = p->n_authorities;
        res->authority_len = len;
        res->authority_names = calloc((size_t)p->n_authorities, sizeof *res->authority_names);
        res->authority_values = malloc((size_t)n * stride * sizeof *res->authority_values);
    }
    if (!res->reps || (stride && (!res->authority_names || !res->authority_values))) {
        send_results_free(res);
        return des_error_set(err, DES_ENOMEM, "cannot allocate %d replications", n);
    }
    for (int a = 0; a < res->n_authorities; a++)
        memcpy(res->authority_names[a], p->authorities[a].name, sizeof res->authority_names[a]);
    if (run_seed_table(p, opts->seed, n, &res->seeds, &res->seeds_per_rep, err) != DES_OK ||
        run_outputs_init(p, res->reps, n, err) != DES_OK ||
        send_results_name_breakdown(res, p, err) != DES_OK) {
        int code = err ? err->code : DES_ENOMEM;
        send_results_free(res);
        return code;
    }
    run_draws draws;
    if (run_draws_make(p, opts->seed, n, &draws, err) != DES_OK) {
        send_results_free(res);
        return err ? err->code : DES_ENOMEM;
    }
    run_hooks hooks = {.cancel = opts->cancel, .progress = opts->progress,
                       .progress_ctx = opts->progress_ctx};
    double t0 = omp_get_wtime();
    int st = run_block(p, res->seeds, res->seeds_per_rep, &draws, 0, n, res->reps,
                       res->authority_values, opts->threads, &hooks, &res->threads_used, err);
    res->wall_seconds = omp_get_wtime() - t0;
    run_results_take_draws(res, &draws);
    if (st != RUN_OK) {
        send_results_free(res);
        if (st == RUN_FAILED)
            return err && err->code ? err->code : DES_ESTATE;
        return des_error_set(err, DES_ESTATE, "interrupted");
    }
    if (opts->progress)
        opts->progress(opts->progress_ctx, n, n);
    for (int i = 0; i < n; i++)
        res->events += res->reps[i].events;
    if (send_results_summarise(res, opts->threads, err) != DES_OK) {
        send_results_free(res);
        return err ? err->code : DES_ENOMEM;
    }
    return DES_OK;
}
