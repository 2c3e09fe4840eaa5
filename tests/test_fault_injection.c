/* The enqueue fallbacks and simulated device limits, through the test-only fault plan
 * (src/fault_injection.h). Linked against a static copy of the library built with
 * GOLU_FAULT_INJECTION; every case uses a fresh context, since slots remember what worked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../src/fault_injection.h"
#include "golu_reference.h"

#define N 4099 /* not a multiple of any vector width: the tail runs too */

/* Runs a forward over N values through the host call; returns its status, and checks every value
 * when it succeeded. */
static golu_status run_forward(golu_context *ctx)
{
    static float x[N], y[N];
    uint64_t state = 7;
    for (int i = 0; i < N; i++) {
        x[i] = (float)golu_rand_uniform(&state, -8.0, 8.0);
        y[i] = 12345.0f;
    }
    golu_status s = golu_forward_host(ctx, GOLU_F32, N, x, y, NULL);
    for (int i = 0; s == GOLU_OK && i < N; i++) {
        golu_check_result r = golu_check_f32(0, x[i], 0.0f, y[i], 1.0, 1.0, 1.0);
        if (!r.ok)
            fail_msg("x=%.9g got %.9g ref %.9g", (double)x[i], (double)y[i], r.ref);
    }
    return s;
}

static golu_context *fresh_context(void)
{
    golu_context *ctx = NULL;
    golu_fault_set(NULL);
    assert_int_equal(golu_context_create_default(&ctx), GOLU_OK);
    assert_int_equal(golu_prepare(ctx, GOLU_F32), GOLU_OK);
    return ctx;
}

/* A runtime that refuses groups above 64: halving finds 64, and later calls start there. */
static void test_halving_then_remembered(void **state)
{
    (void)state;
    golu_context *ctx = fresh_context();
    golu_fault_plan plan = {0, 64, CL_INVALID_WORK_GROUP_SIZE, 0, 0, 0};
    golu_fault_set(&plan);
    assert_int_equal(run_forward(ctx), GOLU_OK);
    int first_failures = golu_fault_injected();
    assert_true(first_failures >= 1);
    assert_int_equal(golu_fault_attempts(), first_failures + 1);

    golu_fault_set(&plan); /* counters back to 0, same limit */
    assert_int_equal(run_forward(ctx), GOLU_OK);
    assert_int_equal(golu_fault_injected(), 0);
    assert_int_equal(golu_fault_attempts(), 1);
    golu_context_destroy(ctx);
}

/* Every explicit size fails with CL_OUT_OF_RESOURCES: the runtime's choice (NULL) is used, and
 * the next call goes to it directly. */
static void test_runtime_choice_last(void **state)
{
    (void)state;
    golu_context *ctx = fresh_context();
    golu_fault_plan plan = {0, 0, CL_OUT_OF_RESOURCES, 0, 1, 0};
    golu_fault_set(&plan);
    assert_int_equal(run_forward(ctx), GOLU_OK);
    assert_true(golu_fault_injected() >= 2);
    assert_int_equal(golu_fault_attempts(), golu_fault_injected() + 1);
    golu_fault_set(&plan);
    assert_int_equal(run_forward(ctx), GOLU_OK);
    assert_int_equal(golu_fault_attempts(), 1);
    assert_int_equal(golu_fault_injected(), 0);
    golu_context_destroy(ctx);
}

/* Nothing works: a clear status, the OpenCL error's name in the detail. */
static void test_all_sizes_fail(void **state)
{
    (void)state;
    golu_context *ctx = fresh_context();
    golu_fault_plan plan = {0, 0, CL_OUT_OF_RESOURCES, 0, 1, 1};
    golu_fault_set(&plan);
    assert_int_equal(run_forward(ctx), GOLU_ERROR_OPENCL);
    assert_non_null(strstr(golu_context_detail(ctx), "CL_OUT_OF_RESOURCES"));
    golu_context_destroy(ctx);
    golu_fault_set(NULL);
}

/* An error a smaller group cannot cure is reported at once, without retries. */
static void test_other_errors_not_retried(void **state)
{
    (void)state;
    golu_context *ctx = fresh_context();
    golu_fault_plan plan = {0, 0, CL_INVALID_VALUE, 1, 0, 0};
    golu_fault_set(&plan);
    assert_int_equal(run_forward(ctx), GOLU_ERROR_OPENCL);
    assert_int_equal(golu_fault_attempts(), 1);
    assert_non_null(strstr(golu_context_detail(ctx), "CL_INVALID_VALUE"));
    golu_fault_set(NULL);
    assert_int_equal(run_forward(ctx), GOLU_OK); /* the next call is fine */
    golu_context_destroy(ctx);
}

/* A device that allows only 16 work-items per group: the chosen size respects it from the start. */
static void test_small_device_limit(void **state)
{
    (void)state;
    golu_fault_plan plan = {16, 16, CL_INVALID_WORK_GROUP_SIZE, 0, 0, 0};
    golu_fault_set(&plan);
    golu_context *ctx = NULL;
    assert_int_equal(golu_context_create_default(&ctx), GOLU_OK);
    golu_fault_set(&plan);
    assert_int_equal(run_forward(ctx), GOLU_OK);
    assert_int_equal(golu_fault_injected(), 0);
    golu_context_destroy(ctx);
    golu_fault_set(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_halving_then_remembered),
        cmocka_unit_test(test_runtime_choice_last),
        cmocka_unit_test(test_all_sizes_fail),
        cmocka_unit_test(test_other_errors_not_retried),
        cmocka_unit_test(test_small_device_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
