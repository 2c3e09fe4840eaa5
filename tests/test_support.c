#include "test_support.h"

#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const golu_dtype ts_all_dtypes[GOLU_DTYPE_COUNT] = {GOLU_F32, GOLU_F16, GOLU_BF16, GOLU_F64};

void ts_cl_check_at(cl_int err, const char *expr, const char *file, int line)
{
    if (err != CL_SUCCESS) {
        print_message("%s:%d: %s returned OpenCL error %d\n", file, line, expr, (int)err);
        fail_msg("OpenCL call failed: %s = %d", expr, (int)err);
    }
}

void ts_assert_status_at(const golu_context *ctx, golu_status got, golu_status want,
                         const char *expr, const char *file, int line)
{
    if (got != want) {
        print_message("%s:%d: %s returned %s (%d), expected %s (%d); detail: \"%s\"\n", file, line,
                      expr, golu_status_name(got), (int)got, golu_status_name(want), (int)want,
                      ctx ? golu_context_detail(ctx) : "(no context)");
        fail_msg("%s: got %s, expected %s", expr, golu_status_name(got), golu_status_name(want));
    }
}

size_t ts_size(size_t full, size_t quick)
{
    const char *q = getenv("GOLU_TEST_QUICK");
    return q && *q && strcmp(q, "0") != 0 ? quick : full;
}

void ts_env_init(ts_env *env)
{
    memset(env, 0, sizeof *env);
    const char *spec = getenv("GOLU_DEVICE");
    golu_status st = golu_select_device(spec, &env->platform, &env->device);
    if (st != GOLU_OK)
        fail_msg("golu_select_device(%s): %s", spec ? spec : "NULL", golu_status_name(st));
    assert_non_null(env->device);

    cl_int err = CL_SUCCESS;
    env->cl_ctx = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
    ts_cl_check(err);
    env->queue = clCreateCommandQueue(env->cl_ctx, env->device, 0, &err);
    ts_cl_check(err);
    st = golu_context_create(env->cl_ctx, 1, &env->device, &env->ctx);
    if (st != GOLU_OK)
        fail_msg("golu_context_create: %s (%s)", golu_status_name(st), golu_last_create_detail());
    assert_non_null(env->ctx);

    char name[256] = "";
    char pname[256] = "";
    clGetDeviceInfo(env->device, CL_DEVICE_NAME, sizeof name - 1, name, NULL);
    clGetPlatformInfo(env->platform, CL_PLATFORM_NAME, sizeof pname - 1, pname, NULL);
    print_message("device: %s / %s\n", pname, name);
}

void ts_env_free(ts_env *env)
{
    golu_context_destroy(env->ctx);
    if (env->queue)
        clReleaseCommandQueue(env->queue);
    if (env->cl_ctx)
        clReleaseContext(env->cl_ctx);
    memset(env, 0, sizeof *env);
}

int ts_group_setup(void **state)
{
    ts_env *env = calloc(1, sizeof *env);
    if (!env)
        return -1;
    ts_env_init(env);
    *state = env;
    return 0;
}

int ts_group_teardown(void **state)
{
    ts_env *env = *state;
    if (env) {
        ts_env_free(env);
        free(env);
    }
    *state = NULL;
    return 0;
}

int ts_dtype_ok(ts_env *env, golu_dtype dtype)
{
    golu_status st = golu_dtype_supported(env->ctx, env->device, dtype);
    if (st != GOLU_OK && st != GOLU_ERROR_UNSUPPORTED_DTYPE)
        fail_msg("golu_dtype_supported(%s): %s", golu_dtype_name(dtype), golu_status_name(st));
    return st == GOLU_OK;
}

void ts_require_dtype(ts_env *env, golu_dtype dtype)
{
    if (!ts_dtype_ok(env, dtype)) {
        print_message("skipping %s: the device does not support it\n", golu_dtype_name(dtype));
        skip();
    }
}

/* ---- host arrays ---------------------------------------------------------------------------- */

void *ts_alloc(golu_dtype dtype, size_t n)
{
    size_t size = golu_dtype_size(dtype);
    assert_true(size > 0);
    void *p = calloc(n ? n : 1, size);
    assert_non_null(p);
    return p;
}

double ts_get(golu_dtype dtype, const void *a, size_t i)
{
    switch (dtype) {
    case GOLU_F32:
        return ((const float *)a)[i];
    case GOLU_F64:
        return ((const double *)a)[i];
    case GOLU_F16:
        return golu_f16_to_float(((const uint16_t *)a)[i]);
    case GOLU_BF16:
        return golu_bf16_to_float(((const uint16_t *)a)[i]);
    }
    fail_msg("ts_get: bad dtype %d", (int)dtype);
    return 0.0;
}

void ts_set(golu_dtype dtype, void *a, size_t i, double v)
{
    switch (dtype) {
    case GOLU_F32:
        ((float *)a)[i] = (float)v;
        return;
    case GOLU_F64:
        ((double *)a)[i] = v;
        return;
    case GOLU_F16:
        ((uint16_t *)a)[i] = golu_double_to_f16(v);
        return;
    case GOLU_BF16:
        ((uint16_t *)a)[i] = golu_double_to_bf16(v);
        return;
    }
    fail_msg("ts_set: bad dtype %d", (int)dtype);
}

void ts_fill_uniform(golu_dtype dtype, void *a, size_t n, double lo, double hi, uint64_t seed)
{
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++)
        ts_set(dtype, a, i, golu_rand_uniform(&s, lo, hi));
}

/* ---- buffers -------------------------------------------------------------------------------- */

cl_mem ts_buffer(ts_env *env, size_t bytes)
{
    cl_int err = CL_SUCCESS;
    cl_mem m = clCreateBuffer(env->cl_ctx, CL_MEM_READ_WRITE, bytes ? bytes : 1, NULL, &err);
    ts_cl_check(err);
    assert_non_null(m);
    return m;
}

void ts_write(ts_env *env, cl_mem buf, size_t byte_offset, size_t bytes, const void *src)
{
    if (bytes == 0)
        return;
    ts_cl_check(clEnqueueWriteBuffer(env->queue, buf, CL_TRUE, byte_offset, bytes, src, 0, NULL,
                                     NULL));
}

void ts_read(ts_env *env, cl_mem buf, size_t byte_offset, size_t bytes, void *dst)
{
    if (bytes == 0)
        return;
    ts_cl_check(clEnqueueReadBuffer(env->queue, buf, CL_TRUE, byte_offset, bytes, dst, 0, NULL,
                                    NULL));
}

unsigned char ts_sentinel(size_t k)
{
    /* Varies with k so that a shifted or partial write is seen; never a constant run. */
    return (unsigned char)(0xA5u ^ (unsigned)(k * 37u + (k >> 8)));
}

void ts_fill_sentinel(unsigned char *bytes, size_t count)
{
    for (size_t k = 0; k < count; k++)
        bytes[k] = ts_sentinel(k);
}

cl_mem ts_sentinel_buffer(ts_env *env, size_t bytes)
{
    unsigned char *host = malloc(bytes ? bytes : 1);
    assert_non_null(host);
    ts_fill_sentinel(host, bytes);
    cl_mem m = ts_buffer(env, bytes);
    ts_write(env, m, 0, bytes, host);
    free(host);
    return m;
}

size_t ts_count_sentinel_changes(const unsigned char *bytes, size_t begin, size_t end)
{
    size_t changed = 0;
    for (size_t k = begin; k < end; k++)
        changed += bytes[k] != ts_sentinel(k);
    return changed;
}

/* ---- running -------------------------------------------------------------------------------- */

static cl_mem make_buffer(cl_context cl_ctx, size_t bytes)
{
    cl_int err = CL_SUCCESS;
    cl_mem m = clCreateBuffer(cl_ctx, CL_MEM_READ_WRITE, bytes ? bytes : 1, NULL, &err);
    ts_cl_check(err);
    return m;
}

static void upload(cl_command_queue q, cl_mem m, size_t bytes, const void *src)
{
    if (bytes)
        ts_cl_check(clEnqueueWriteBuffer(q, m, CL_TRUE, 0, bytes, src, 0, NULL, NULL));
}

/* Waits for the event the library returned, checks it completed, and reads the result. */
static void finish(cl_command_queue q, cl_event ev, cl_mem out, size_t bytes, void *dst)
{
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    cl_int exec = -1;
    ts_cl_check(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof exec, &exec, NULL));
    assert_int_equal(exec, CL_COMPLETE);
    clReleaseEvent(ev);
    if (bytes)
        ts_cl_check(clEnqueueReadBuffer(q, out, CL_TRUE, 0, bytes, dst, 0, NULL, NULL));
}

golu_status ts_forward_on(golu_context *ctx, cl_context cl_ctx, cl_command_queue queue,
                          golu_dtype dtype, size_t n, const void *x, void *y,
                          const golu_params *params)
{
    size_t bytes = n * golu_dtype_size(dtype);
    cl_mem bx = make_buffer(cl_ctx, bytes);
    cl_mem by = make_buffer(cl_ctx, bytes);
    upload(queue, bx, bytes, x);
    cl_event ev = NULL;
    golu_status st =
        golu_enqueue_forward(ctx, queue, dtype, n, bx, 0, by, 0, params, 0, NULL, &ev);
    if (st == GOLU_OK)
        finish(queue, ev, by, bytes, y);
    else
        assert_null(ev);
    clReleaseMemObject(bx);
    clReleaseMemObject(by);
    return st;
}

golu_status ts_backward_on(golu_context *ctx, cl_context cl_ctx, cl_command_queue queue,
                           golu_dtype dtype, size_t n, const void *dy, const void *x, void *dx,
                           const golu_params *params)
{
    size_t bytes = n * golu_dtype_size(dtype);
    cl_mem bdy = make_buffer(cl_ctx, bytes);
    cl_mem bx = make_buffer(cl_ctx, bytes);
    cl_mem bdx = make_buffer(cl_ctx, bytes);
    upload(queue, bdy, bytes, dy);
    upload(queue, bx, bytes, x);
    cl_event ev = NULL;
    golu_status st = golu_enqueue_backward(ctx, queue, dtype, n, bdy, 0, bx, 0, bdx, 0, params, 0,
                                           NULL, &ev);
    if (st == GOLU_OK)
        finish(queue, ev, bdx, bytes, dx);
    else
        assert_null(ev);
    clReleaseMemObject(bdy);
    clReleaseMemObject(bx);
    clReleaseMemObject(bdx);
    return st;
}

golu_status ts_forward(ts_env *env, golu_dtype dtype, size_t n, const void *x, void *y,
                       const golu_params *params)
{
    return ts_forward_on(env->ctx, env->cl_ctx, env->queue, dtype, n, x, y, params);
}

golu_status ts_backward(ts_env *env, golu_dtype dtype, size_t n, const void *dy, const void *x,
                        void *dx, const golu_params *params)
{
    return ts_backward_on(env->ctx, env->cl_ctx, env->queue, dtype, n, dy, x, dx, params);
}

/* ---- checking ------------------------------------------------------------------------------- */

golu_params ts_default_params(void)
{
    golu_params p = GOLU_PARAMS_DEFAULT_INIT;
    return p;
}

/* The f64 reference relies on long double being wider than double. Valgrind runs x87 arithmetic
 * at double precision (LDBL_MANT_DIG says 64, the sums say 53): there f64 results are still
 * computed (and memory-checked), but not judged. */
static int reference_judges_f64(void)
{
    static atomic_flag said = ATOMIC_FLAG_INIT;
    volatile long double one = 1.0L, tiny = LDBL_EPSILON;
    int emulated = LDBL_MANT_DIG > DBL_MANT_DIG && one + tiny == one;
    if (emulated && !atomic_flag_test_and_set(&said))
        print_message("note: long double runs at double precision here (valgrind?): f64 results "
                      "are not compared with the reference\n");
    return !emulated;
}

static uint16_t one_16(golu_dtype dtype)
{
    return dtype == GOLU_BF16 ? golu_double_to_bf16(1.0) : golu_double_to_f16(1.0);
}

size_t ts_check(golu_dtype dtype, int backward, size_t n, const void *x, const void *dy,
                const void *got, const golu_params *params, ts_stats *stats, const char *what)
{
    golu_params p = params ? *params : ts_default_params();
    const int judge = dtype != GOLU_F64 || reference_judges_f64();
    size_t failures = 0;
    enum { MAX_PRINTED = 8 };
    for (size_t i = 0; i < n; i++) {
        golu_check_result r;
        double xv = ts_get(dtype, x, i);
        double dyv = dy ? ts_get(dtype, dy, i) : 1.0;
        double gv = ts_get(dtype, got, i);
        switch (dtype) {
        case GOLU_F32:
            r = golu_check_f32(backward, ((const float *)x)[i], dy ? ((const float *)dy)[i] : 1.0f,
                               ((const float *)got)[i], p.alpha, p.beta, p.gamma);
            break;
        case GOLU_F64:
            r = golu_check_f64(backward, ((const double *)x)[i],
                               dy ? ((const double *)dy)[i] : 1.0, ((const double *)got)[i],
                               p.alpha, p.beta, p.gamma);
            break;
        default: {
            uint16_t dyb = dy ? ((const uint16_t *)dy)[i] : one_16(dtype);
            r = golu_check_16(dtype == GOLU_BF16, backward, ((const uint16_t *)x)[i], dyb,
                              ((const uint16_t *)got)[i], p.alpha, p.beta, p.gamma);
            break;
        }
        }
        if (stats) {
            stats->checked++;
            if (r.ulps > stats->max_ulps) {
                stats->max_ulps = r.ulps;
                stats->max_ulps_x = xv;
            }
        }
        if (!r.ok && judge) {
            failures++;
            if (failures <= MAX_PRINTED) {
                if (dtype == GOLU_F16 || dtype == GOLU_BF16)
                    print_message("%s %s %s [%zu]: x=%.9g (0x%04x) dy=%.9g got=%.9g (0x%04x) "
                                  "ref=%.17g ulps=%g (alpha %g beta %g gamma %g)\n",
                                  what ? what : "", golu_dtype_name(dtype),
                                  backward ? "backward" : "forward", i, xv,
                                  ((const uint16_t *)x)[i], dyv, gv, ((const uint16_t *)got)[i],
                                  r.ref, r.ulps, p.alpha, p.beta, p.gamma);
                else
                    print_message("%s %s %s [%zu]: x=%a (%.17g) dy=%.17g got=%a (%.17g) "
                                  "ref=%.17g ulps=%g (alpha %g beta %g gamma %g)\n",
                                  what ? what : "", golu_dtype_name(dtype),
                                  backward ? "backward" : "forward", i, xv, xv, dyv, gv, gv, r.ref,
                                  r.ulps, p.alpha, p.beta, p.gamma);
            }
        }
    }
    if (stats)
        stats->failures += failures;
    if (failures > MAX_PRINTED)
        print_message("%s %s %s: %zu of %zu elements outside the bound\n", what ? what : "",
                      golu_dtype_name(dtype), backward ? "backward" : "forward", failures, n);
    return failures;
}
