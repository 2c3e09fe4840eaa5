/*
 * test_host_calls: golu_forward_host / golu_backward_host on a context from
 * golu_context_create_default() (and on one from golu_context_create()), every dtype the device
 * runs, separate and in-place arrays, n = 0, other parameters; and GOLU_DEVICE's effect on
 * golu_context_create_default().
 */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#define N 10007

typedef struct {
    golu_context *ctx; /* from golu_context_create_default() */
} host_state;

static int setup(void **state)
{
    host_state *hs = calloc(1, sizeof *hs);
    if (!hs)
        return -1;
    golu_status s = golu_context_create_default(&hs->ctx);
    if (s != GOLU_OK) {
        print_message("golu_context_create_default: %s (%s)\n", golu_status_name(s),
                      golu_last_create_detail());
        free(hs);
        return -1;
    }
    *state = hs;
    return 0;
}

static int teardown(void **state)
{
    host_state *hs = *state;
    if (hs) {
        golu_context_destroy(hs->ctx);
        free(hs);
    }
    return 0;
}

static int supported(golu_context *ctx, golu_dtype dt)
{
    golu_status s = golu_dtype_supported(ctx, golu_context_device(ctx, 0), dt);
    assert_true(s == GOLU_OK || s == GOLU_ERROR_UNSUPPORTED_DTYPE);
    return s == GOLU_OK;
}

static void test_default_context(void **state)
{
    host_state *hs = *state;
    assert_int_equal(golu_context_num_devices(hs->ctx), 1);
    assert_non_null(golu_context_device(hs->ctx, 0));
    assert_non_null(golu_context_cl_context(hs->ctx));
    cl_command_queue q = golu_context_default_queue(hs->ctx);
    assert_non_null(q);
    cl_command_queue_properties props = 0;
    ts_cl_check(clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES, sizeof props, &props, NULL));
    assert_true(props & CL_QUEUE_PROFILING_ENABLE);
    cl_context qctx = NULL;
    ts_cl_check(clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, sizeof qctx, &qctx, NULL));
    assert_ptr_equal(qctx, golu_context_cl_context(hs->ctx));
    /* the default rule (or GOLU_DEVICE) picks the same device as golu_select_device */
    cl_platform_id p;
    cl_device_id d;
    ts_assert_status(NULL, golu_select_device(getenv("GOLU_DEVICE"), &p, &d), GOLU_OK);
    assert_ptr_equal(d, golu_context_device(hs->ctx, 0));
}

/* Every dtype: separate arrays, y == x, dx == dy, dx == x; default and other parameters. */
static void run_dtype(golu_context *ctx, golu_dtype dt)
{
    if (!supported(ctx, dt)) {
        print_message("skipping %s: the device does not support it\n", golu_dtype_name(dt));
        skip();
    }
    const size_t es = golu_dtype_size(dt);
    void *x = ts_alloc(dt, N), *y = ts_alloc(dt, N), *dy = ts_alloc(dt, N), *dx = ts_alloc(dt, N);
    void *buf = ts_alloc(dt, N);
    ts_fill_uniform(dt, x, N, -20.0, 20.0, 808 + (uint64_t)dt);
    ts_fill_uniform(dt, dy, N, -6.0, 6.0, 809 + (uint64_t)dt);
    const golu_params other = {1.5, 0.5, 1.5};
    const golu_params *ps[2] = {NULL, &other};
    for (int k = 0; k < 2; k++) {
        const golu_params *p = ps[k];
        memset(y, 0, N * es);
        ts_assert_status(ctx, golu_forward_host(ctx, dt, N, x, y, p), GOLU_OK);
        assert_int_equal(ts_check(dt, 0, N, x, NULL, y, p, NULL, "host forward"), 0);

        memcpy(buf, x, N * es); /* y == x */
        ts_assert_status(ctx, golu_forward_host(ctx, dt, N, buf, buf, p), GOLU_OK);
        assert_memory_equal(buf, y, N * es);

        memset(dx, 0, N * es);
        ts_assert_status(ctx, golu_backward_host(ctx, dt, N, dy, x, dx, p), GOLU_OK);
        assert_int_equal(ts_check(dt, 1, N, x, dy, dx, p, NULL, "host backward"), 0);

        memcpy(buf, dy, N * es); /* dx == dy */
        ts_assert_status(ctx, golu_backward_host(ctx, dt, N, buf, x, buf, p), GOLU_OK);
        assert_memory_equal(buf, dx, N * es);

        memcpy(buf, x, N * es); /* dx == x */
        ts_assert_status(ctx, golu_backward_host(ctx, dt, N, dy, buf, buf, p), GOLU_OK);
        assert_memory_equal(buf, dx, N * es);

        memcpy(buf, x, N * es); /* dy == x == dx */
        ts_assert_status(ctx, golu_backward_host(ctx, dt, N, buf, buf, buf, p), GOLU_OK);
        assert_int_equal(ts_check(dt, 1, N, x, x, buf, p, NULL, "host backward dy == x == dx"), 0);
    }
    /* the inputs were not written */
    void *again = ts_alloc(dt, N);
    ts_fill_uniform(dt, again, N, -20.0, 20.0, 808 + (uint64_t)dt);
    assert_memory_equal(again, x, N * es);
    free(again);
    free(x);
    free(y);
    free(dy);
    free(dx);
    free(buf);
}

static void test_f32(void **state) { run_dtype(((host_state *)*state)->ctx, GOLU_F32); }
static void test_f16(void **state) { run_dtype(((host_state *)*state)->ctx, GOLU_F16); }
static void test_bf16(void **state) { run_dtype(((host_state *)*state)->ctx, GOLU_BF16); }
static void test_f64(void **state) { run_dtype(((host_state *)*state)->ctx, GOLU_F64); }

static void test_zero_and_one(void **state)
{
    host_state *hs = *state;
    float x[1] = {-0.75f}, y[1] = {123.0f};
    ts_assert_status(hs->ctx, golu_forward_host(hs->ctx, GOLU_F32, 0, x, y, NULL), GOLU_OK);
    assert_true(y[0] == 123.0f); /* n = 0 writes nothing */
    ts_assert_status(hs->ctx, golu_backward_host(hs->ctx, GOLU_F32, 0, x, x, y, NULL), GOLU_OK);
    assert_true(y[0] == 123.0f);
    ts_assert_status(hs->ctx, golu_forward_host(hs->ctx, GOLU_F32, 1, x, y, NULL), GOLU_OK);
    assert_int_equal(ts_check(GOLU_F32, 0, 1, x, NULL, y, NULL, NULL, "n = 1"), 0);
    assert_true(y[0] < 0.0f && y[0] > -0.75f);
}

/* A context from golu_context_create(): the host calls use the queue the library makes. */
static void test_wrapped_context(void **state)
{
    (void)state;
    ts_env env;
    ts_env_init(&env);
    float *x = ts_alloc(GOLU_F32, N), *y = ts_alloc(GOLU_F32, N);
    ts_fill_uniform(GOLU_F32, x, N, -20.0, 20.0, 909);
    ts_assert_status(env.ctx, golu_forward_host(env.ctx, GOLU_F32, N, x, y, NULL), GOLU_OK);
    assert_int_equal(ts_check(GOLU_F32, 0, N, x, NULL, y, NULL, NULL, "wrapped context"), 0);
    assert_non_null(golu_context_default_queue(env.ctx));
    free(x);
    free(y);
    ts_env_free(&env);
}

/* GOLU_DEVICE steers golu_context_create_default(); a bad value is reported, not ignored. */
static void test_golu_device_env(void **state)
{
    (void)state;
    const char *old = getenv("GOLU_DEVICE");
    char *saved = old ? strdup(old) : NULL;
    static const struct {
        const char *spec;
        golu_status want;
    } cases[] = {
        {"nonexistent-device-xyz", GOLU_ERROR_NO_DEVICE},
        {"99:99", GOLU_ERROR_NO_DEVICE},
        {"0:", GOLU_ERROR_INVALID_DEVICE_SPEC},
        {"1:x", GOLU_ERROR_INVALID_DEVICE_SPEC},
        {"0:0", GOLU_OK},
    };
    int failed = -1;
    golu_status got = GOLU_OK;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] && failed < 0; i++) {
        setenv("GOLU_DEVICE", cases[i].spec, 1);
        golu_context *c = (golu_context *)(uintptr_t)1;
        got = golu_context_create_default(&c);
        if (got != cases[i].want) {
            failed = (int)i;
        } else if (got == GOLU_OK) {
            cl_platform_id p;
            cl_device_id d;
            golu_select_device("0:0", &p, &d);
            if (!c || golu_context_device(c, 0) != d)
                failed = (int)i;
            golu_context_destroy(c);
        } else {
            if (c != NULL || strlen(golu_last_create_detail()) == 0)
                failed = (int)i;
            else
                print_message("GOLU_DEVICE=%s: %s, \"%s\"\n", cases[i].spec,
                              golu_status_name(got), golu_last_create_detail());
        }
    }
    if (saved) {
        setenv("GOLU_DEVICE", saved, 1);
        free(saved);
    } else {
        unsetenv("GOLU_DEVICE");
    }
    if (failed >= 0)
        fail_msg("GOLU_DEVICE=%s: got %s, expected %s (or a wrong context / empty detail)",
                 cases[failed].spec, golu_status_name(got), golu_status_name(cases[failed].want));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_context), cmocka_unit_test(test_zero_and_one),
        cmocka_unit_test(test_f32),             cmocka_unit_test(test_f16),
        cmocka_unit_test(test_bf16),            cmocka_unit_test(test_f64),
        cmocka_unit_test(test_wrapped_context), cmocka_unit_test(test_golu_device_env),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
