/* test_lever_paths.c - each policy lever of the table of keys, set by its scenario path, moves what
 * it should and nothing else, under common random numbers (same seeds, same scenario
 * otherwise).
 *
 * A lever at zero strength must leave every metric of every replication bit for bit as without
 * it; at full strength its target moves the right way and metrics upstream of it do not move.
 * Adding a lever is a row in sim/model/keys.c, its model code, and a case here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "send_keys.h"
#include "send_run.h"
#include "send_scenario.h"

#define SCENARIO "tests/data/load/base.yaml"
#define NREP 4

static void load(send_params *p)
{
    des_error err = {0};
    if (send_scenario_load(SCENARIO, p, NULL, &err) != DES_OK)
        fail_msg("%s", err.msg);
}

static void set(send_params *p, const char *path, double v)
{
    des_error err = {0};
    if (send_param_set(p, path, v, &err) != DES_OK)
        fail_msg("%s", err.msg);
}

static void run(const send_params *p, send_results *r)
{
    des_error err = {0};
    send_run_opts o = {.seed = 11, .replications = NREP, .threads = 1};
    if (send_run(p, &o, r, &err) != DES_OK)
        fail_msg("%s", err.msg);
}

/* Sum of a metric over every replication and period. */
static double total(send_results *r, int metric)
{
    double s = 0;
    for (int i = 0; i < r->n; i++) {
        const double *row = send_output_row(&r->reps[i], metric);
        for (int k = 0; k < send_output_periods(&r->reps[i], metric); k++)
            s += row[k];
    }
    return s;
}

/* Every metric of every replication identical, bit for bit (NaN equal to NaN). */
static void assert_same_outputs(send_results *a, send_results *b)
{
    assert_int_equal(a->n, b->n);
    for (int i = 0; i < a->n; i++)
        for (int m = 0; m < SEND_METRIC_COUNT; m++) {
            if (!send_metric(m) || !send_metric(m)->name)
                continue;
            const double *x = send_output_row(&a->reps[i], m), *y = send_output_row(&b->reps[i], m);
            for (int k = 0; k < send_output_periods(&a->reps[i], m); k++)
                if (memcmp(&x[k], &y[k], sizeof x[k]) != 0)
                    fail_msg("rep %d, %s[%d]: %.17g vs %.17g", i, send_metric(m)->name, k, x[k],
                             y[k]);
        }
}

static void test_early_intervention(void **state)
{
    (void)state;
    send_params base, off, on;
    send_results rb, roff, ron;
    load(&base);
    run(&base, &rb);

    /* the lever present with no effect and no cost moves nothing */
    load(&off);
    off.ei_active = 1;
    set(&off, "levers.early_intervention.effect", 0);
    run(&off, &roff);
    assert_same_outputs(&rb, &roff);

    /* half the requests from SEN Support, at a cost per SEN Support child-year */
    load(&on);
    on.ei_active = 1;
    set(&on, "levers.early_intervention.effect", 0.5);
    set(&on, "levers.early_intervention.cost_per_child", 100);
    run(&on, &ron);
    double req0 = total(&rb, C_REQUESTS), req1 = total(&ron, C_REQUESTS);
    assert_true(req0 > 100);
    assert_true(req1 < 0.85 * req0);
    assert_true(total(&rb, F_SPEND_EI) == 0);
    assert_true(total(&ron, F_SPEND_EI) > 0);
    /* downstream: fewer plans */
    assert_true(total(&rb, M_EHCP_TOTAL) > total(&ron, M_EHCP_TOTAL));

    send_results_free(&rb);
    send_results_free(&roff);
    send_results_free(&ron);
    send_params_free(&base);
    send_params_free(&off);
    send_params_free(&on);
}

static void test_independent_reduction(void **state)
{
    (void)state;
    send_params base, off, on;
    send_results rb, roff, ron;
    load(&base);
    run(&base, &rb);

    load(&off);
    set(&off, "levers.independent_reduction.rate", 0);
    run(&off, &roff);
    assert_same_outputs(&rb, &roff);

    load(&on);
    set(&on, "levers.independent_reduction.rate", 1);
    run(&on, &ron);
    assert_true(total(&ron, M_PLACEMENTS + PROV_INDEPENDENT) <
                total(&rb, M_PLACEMENTS + PROV_INDEPENDENT));
    /* upstream of placement: requests and assessments do not move */
    assert_true(total(&ron, C_REQUESTS) == total(&rb, C_REQUESTS));
    assert_true(total(&ron, C_ASSESSMENTS) == total(&rb, C_ASSESSMENTS));

    send_results_free(&rb);
    send_results_free(&roff);
    send_results_free(&ron);
    send_params_free(&base);
    send_params_free(&off);
    send_params_free(&on);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_early_intervention),
        cmocka_unit_test(test_independent_reduction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
