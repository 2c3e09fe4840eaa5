/*
 * test_arguments: every rejected argument gives its own status, a non-empty detail, an untouched
 * out event and an untouched output buffer (nothing enqueued); the names, sizes and version
 * functions; device selection strings; context creation errors and accessors.
 */
#include "test_support.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SENTINEL_EVENT ((cl_event)(uintptr_t)0x5e17e1)

/* One enqueue call, described so that each test changes only the argument at fault. */
typedef struct {
    int backward;
    golu_context *ctx;
    cl_command_queue queue;
    golu_dtype dtype;
    uint64_t n;
    cl_mem dy, x, out; /* forward: x -> out */
    uint64_t dy_off, x_off, out_off;
    const golu_params *params;
    cl_uint num_events;
    const cl_event *wait_list;
} call;

static golu_status do_call(const call *c, cl_event *ev)
{
    if (c->backward)
        return golu_enqueue_backward(c->ctx, c->queue, c->dtype, c->n, c->dy, c->dy_off, c->x,
                                     c->x_off, c->out, c->out_off, c->params, c->num_events,
                                     c->wait_list, ev);
    return golu_enqueue_forward(c->ctx, c->queue, c->dtype, c->n, c->x, c->x_off, c->out,
                                c->out_off, c->params, c->num_events, c->wait_list, ev);
}

/* Buffers of the env, all holding the sentinel pattern. */
#define BUF_BYTES 256
typedef struct {
    cl_mem a, b, c, small;
} bufs;

static bufs make_bufs(ts_env *env)
{
    bufs B;
    B.a = ts_sentinel_buffer(env, BUF_BYTES);
    B.b = ts_sentinel_buffer(env, BUF_BYTES);
    B.c = ts_sentinel_buffer(env, BUF_BYTES);
    B.small = ts_sentinel_buffer(env, 64);
    return B;
}

static void free_bufs(bufs *B)
{
    clReleaseMemObject(B->a);
    clReleaseMemObject(B->b);
    clReleaseMemObject(B->c);
    clReleaseMemObject(B->small);
}

/* A valid call: n elements from buffer a (dy: b) into c. */
static call valid_call(ts_env *env, const bufs *B, int backward, golu_dtype dt)
{
    call c;
    memset(&c, 0, sizeof c);
    c.backward = backward;
    c.ctx = env->ctx;
    c.queue = env->queue;
    c.dtype = dt;
    c.n = 16;
    c.x = B->a;
    c.dy = B->b;
    c.out = B->c;
    c.x_off = 3;
    c.dy_off = 1;
    c.out_off = 2;
    return c;
}

static size_t mem_size(cl_mem m)
{
    size_t s = 0;
    ts_cl_check(clGetMemObjectInfo(m, CL_MEM_SIZE, sizeof s, &s, NULL));
    return s;
}

/* The contents of the buffers a call names, to compare after it was rejected. */
typedef struct {
    cl_mem mem[3];
    unsigned char *bytes[3];
    size_t size[3];
} snapshot;

static void take_snapshot(ts_env *env, const call *c, snapshot *s)
{
    const cl_mem mems[3] = {c->out, c->x, c->backward ? c->dy : NULL};
    memset(s, 0, sizeof *s);
    ts_cl_check(clFinish(env->queue));
    for (int i = 0; i < 3; i++) {
        if (!mems[i])
            continue;
        s->mem[i] = mems[i];
        s->size[i] = mem_size(mems[i]);
        s->bytes[i] = malloc(s->size[i]);
        assert_non_null(s->bytes[i]);
        ts_read(env, mems[i], 0, s->size[i], s->bytes[i]);
    }
}

/* Asserts that every buffer of the snapshot still holds what it held, after clFinish. */
static void expect_unchanged(ts_env *env, snapshot *s, const char *what)
{
    ts_cl_check(clFinish(env->queue));
    for (int i = 0; i < 3; i++) {
        if (!s->mem[i])
            continue;
        unsigned char *now = malloc(s->size[i]);
        assert_non_null(now);
        ts_read(env, s->mem[i], 0, s->size[i], now);
        size_t changed = 0;
        for (size_t k = 0; k < s->size[i]; k++)
            changed += now[k] != s->bytes[i][k];
        free(now);
        free(s->bytes[i]);
        s->bytes[i] = NULL;
        if (changed)
            print_message("%s: %zu bytes of a buffer changed although the call was rejected\n",
                          what, changed);
        assert_int_equal(changed, 0);
    }
}

/* The call fails with `want`, leaves *event alone, sets a detail, and writes nothing. */
static void expect_error_at(ts_env *env, const call *c, golu_status want, const char *what,
                            int line)
{
    snapshot snap;
    take_snapshot(env, c, &snap);
    cl_event ev = SENTINEL_EVENT;
    golu_status got = do_call(c, &ev);
    if (got != want) {
        print_message("line %d, %s: got %s, expected %s; detail \"%s\"\n", line, what,
                      golu_status_name(got), golu_status_name(want),
                      c->ctx ? golu_context_detail(c->ctx) : "");
        if (got == GOLU_OK && ev != SENTINEL_EVENT && ev) {
            clWaitForEvents(1, &ev);
            clReleaseEvent(ev);
        }
        fail_msg("%s: wrong status", what);
    }
    assert_true(ev == SENTINEL_EVENT);
    if (c->ctx) {
        const char *detail = golu_context_detail(c->ctx);
        assert_non_null(detail);
        if (strlen(detail) == 0)
            fail_msg("%s: empty detail after %s", what, golu_status_name(want));
    }
    /* also with a NULL event pointer, the same status */
    assert_int_equal(do_call(c, NULL), want);
    expect_unchanged(env, &snap, what);
}
#define expect_error(env, c, want, what) expect_error_at((env), (c), (want), (what), __LINE__)

/* The call succeeds (the positive control of each negative test). */
static void expect_ok(ts_env *env, const call *c, const char *what)
{
    cl_event ev = NULL;
    golu_status got = do_call(c, &ev);
    if (got != GOLU_OK)
        print_message("%s: got %s; detail \"%s\"\n", what, golu_status_name(got),
                      golu_context_detail(c->ctx));
    ts_assert_status(c->ctx, got, GOLU_OK);
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    ts_cl_check(clReleaseEvent(ev));
    (void)env;
}

/* ---- names, sizes, version ------------------------------------------------------------------ */

static void test_status_names(void **state)
{
    (void)state;
    static const struct {
        golu_status s;
        int value;
        const char *name;
    } all[] = {
        {GOLU_OK, 0, "GOLU_OK"},
        {GOLU_ERROR_NULL_ARGUMENT, 1, "GOLU_ERROR_NULL_ARGUMENT"},
        {GOLU_ERROR_INVALID_DTYPE, 2, "GOLU_ERROR_INVALID_DTYPE"},
        {GOLU_ERROR_UNSUPPORTED_DTYPE, 3, "GOLU_ERROR_UNSUPPORTED_DTYPE"},
        {GOLU_ERROR_BUFFER_TOO_SMALL, 4, "GOLU_ERROR_BUFFER_TOO_SMALL"},
        {GOLU_ERROR_SIZE_OVERFLOW, 5, "GOLU_ERROR_SIZE_OVERFLOW"},
        {GOLU_ERROR_INVALID_PARAMETER, 6, "GOLU_ERROR_INVALID_PARAMETER"},
        {GOLU_ERROR_OVERLAP, 7, "GOLU_ERROR_OVERLAP"},
        {GOLU_ERROR_DEVICE_NOT_IN_CONTEXT, 8, "GOLU_ERROR_DEVICE_NOT_IN_CONTEXT"},
        {GOLU_ERROR_INVALID_WAIT_LIST, 9, "GOLU_ERROR_INVALID_WAIT_LIST"},
        {GOLU_ERROR_NO_DEVICE, 10, "GOLU_ERROR_NO_DEVICE"},
        {GOLU_ERROR_INVALID_DEVICE_SPEC, 11, "GOLU_ERROR_INVALID_DEVICE_SPEC"},
        {GOLU_ERROR_KERNEL_SOURCE, 12, "GOLU_ERROR_KERNEL_SOURCE"},
        {GOLU_ERROR_BUILD_FAILED, 13, "GOLU_ERROR_BUILD_FAILED"},
        {GOLU_ERROR_OPENCL, 14, "GOLU_ERROR_OPENCL"},
        {GOLU_ERROR_OUT_OF_HOST_MEMORY, 15, "GOLU_ERROR_OUT_OF_HOST_MEMORY"},
        {GOLU_ERROR_INVALID_ARGUMENT, 16, "GOLU_ERROR_INVALID_ARGUMENT"},
        {GOLU_ERROR_TOO_LARGE, 17, "GOLU_ERROR_TOO_LARGE"},
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_int_equal((int)all[i].s, all[i].value); /* pinned values */
        const char *name = golu_status_name(all[i].s);
        assert_non_null(name);
        assert_string_equal(name, all[i].name);
    }
    static const int unknown[] = {18, 19, 99, 100, 1000, -1, -100};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        assert_string_equal(golu_status_name((golu_status)unknown[i]), "GOLU_UNKNOWN_STATUS");
}

static void test_dtype_names(void **state)
{
    (void)state;
    assert_int_equal(GOLU_F32, 0);
    assert_int_equal(GOLU_F16, 1);
    assert_int_equal(GOLU_BF16, 2);
    assert_int_equal(GOLU_F64, 3);
    assert_int_equal(GOLU_DTYPE_COUNT, 4);
    assert_string_equal(golu_dtype_name(GOLU_F32), "f32");
    assert_string_equal(golu_dtype_name(GOLU_F16), "f16");
    assert_string_equal(golu_dtype_name(GOLU_BF16), "bf16");
    assert_string_equal(golu_dtype_name(GOLU_F64), "f64");
    assert_int_equal(golu_dtype_size(GOLU_F32), 4);
    assert_int_equal(golu_dtype_size(GOLU_F16), 2);
    assert_int_equal(golu_dtype_size(GOLU_BF16), 2);
    assert_int_equal(golu_dtype_size(GOLU_F64), 8);
    static const int bad[] = {4, 7, 100, -1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(golu_dtype_name((golu_dtype)bad[i]));
        assert_int_equal(golu_dtype_size((golu_dtype)bad[i]), 0);
    }
}

static void test_version(void **state)
{
    (void)state;
    assert_int_equal(golu_version_number(), GOLU_VERSION_NUMBER);
    assert_int_equal(GOLU_VERSION_NUMBER,
                     GOLU_VERSION_MAJOR * 10000 + GOLU_VERSION_MINOR * 100 + GOLU_VERSION_PATCH);
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", GOLU_VERSION_MAJOR, GOLU_VERSION_MINOR,
             GOLU_VERSION_PATCH);
    assert_non_null(golu_version_string());
    assert_string_equal(golu_version_string(), want);
}

static void test_destroy_null(void **state)
{
    (void)state;
    golu_context_destroy(NULL); /* must do nothing, and not crash */
    assert_null(golu_context_cl_context(NULL));
}

/* ---- device selection and contexts --------------------------------------------------------- */

static void test_select_device(void **state)
{
    (void)state;
    cl_platform_id p = NULL;
    cl_device_id d = NULL;
    ts_assert_status(NULL, golu_select_device("0:0", &p, &d), GOLU_OK);
    assert_non_null(p);
    assert_non_null(d);
    /* "0:0" is device 0 of platform 0 in the loader's order */
    cl_platform_id plats[1];
    cl_uint np = 0;
    ts_cl_check(clGetPlatformIDs(1, plats, &np));
    assert_ptr_equal(p, plats[0]);
    cl_device_id devs[1];
    ts_cl_check(clGetDeviceIDs(plats[0], CL_DEVICE_TYPE_ALL, 1, devs, NULL));
    assert_ptr_equal(d, devs[0]);

    p = NULL;
    d = NULL;
    ts_assert_status(NULL, golu_select_device(NULL, &p, &d), GOLU_OK);
    assert_non_null(d);
    d = NULL;
    ts_assert_status(NULL, golu_select_device("", &p, &d), GOLU_OK);
    assert_non_null(d);

    /* a name: part of the device's own name, in other case, selects it */
    char name[256] = "";
    ts_cl_check(clGetDeviceInfo(devs[0], CL_DEVICE_NAME, sizeof name - 1, name, NULL));
    char part[8] = "";
    size_t len = strlen(name) < 4 ? strlen(name) : 4;
    for (size_t i = 0; i < len; i++)
        part[i] = (char)((name[i] >= 'a' && name[i] <= 'z') ? name[i] - 32
                         : (name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32
                                                               : name[i]);
    if (len > 0 && ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'))) {
        d = NULL;
        ts_assert_status(NULL, golu_select_device(part, &p, &d), GOLU_OK);
        assert_non_null(d);
    }

    static const char *none[] = {"99:99", "0:99", "nonexistent-device-xyz"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        if (golu_select_device(none[i], &p, &d) != GOLU_ERROR_NO_DEVICE)
            fail_msg("golu_select_device(\"%s\") should give GOLU_ERROR_NO_DEVICE", none[i]);
    }
    static const char *bad[] = {"1:x", "0:", "0:0:0", "0:-1", "12:3x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        golu_status s = golu_select_device(bad[i], &p, &d);
        if (s != GOLU_ERROR_INVALID_DEVICE_SPEC)
            fail_msg("golu_select_device(\"%s\") gave %s, expected GOLU_ERROR_INVALID_DEVICE_SPEC",
                     bad[i], golu_status_name(s));
    }
    assert_int_equal(golu_select_device("0:0", NULL, &d), GOLU_ERROR_NULL_ARGUMENT);
    assert_int_equal(golu_select_device("0:0", &p, NULL), GOLU_ERROR_NULL_ARGUMENT);
}

static void test_context_create(void **state)
{
    ts_env *env = *state;
    golu_context *c = (golu_context *)(uintptr_t)1;
    assert_int_equal(golu_context_create(NULL, 1, &env->device, &c), GOLU_ERROR_NULL_ARGUMENT);
    assert_null(c);
    assert_true(strlen(golu_last_create_detail()) > 0);
    c = (golu_context *)(uintptr_t)1;
    assert_int_equal(golu_context_create(env->cl_ctx, 1, NULL, &c), GOLU_ERROR_NULL_ARGUMENT);
    assert_null(c);
    assert_int_equal(golu_context_create(env->cl_ctx, 1, &env->device, NULL),
                     GOLU_ERROR_NULL_ARGUMENT);
    c = (golu_context *)(uintptr_t)1;
    golu_status s = golu_context_create(env->cl_ctx, 0, &env->device, &c);
    assert_int_not_equal(s, GOLU_OK);
    assert_null(c);
    assert_int_equal(golu_context_create_default(NULL), GOLU_ERROR_NULL_ARGUMENT);

    /* a good one: accessors, a fresh detail, its own default queue */
    ts_assert_status(NULL, golu_context_create(env->cl_ctx, 1, &env->device, &c), GOLU_OK);
    assert_non_null(c);
    assert_ptr_equal(golu_context_cl_context(c), env->cl_ctx);
    assert_int_equal(golu_context_num_devices(c), 1);
    assert_ptr_equal(golu_context_device(c, 0), env->device);
    assert_null(golu_context_device(c, 1));
    assert_null(golu_context_device(c, 1000));
    assert_string_equal(golu_context_detail(c), "");
    cl_command_queue q = golu_context_default_queue(c);
    assert_non_null(q);
    assert_ptr_equal(golu_context_default_queue(c), q); /* the same one each time */
    cl_device_id qdev = NULL;
    ts_cl_check(clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof qdev, &qdev, NULL));
    assert_ptr_equal(qdev, env->device);
    const size_t n = 777;
    float *x = ts_alloc(GOLU_F32, n), *y = ts_alloc(GOLU_F32, n);
    ts_fill_uniform(GOLU_F32, x, n, -20.0, 20.0, 31);
    ts_assert_status(c, ts_forward_on(c, env->cl_ctx, q, GOLU_F32, n, x, y, NULL), GOLU_OK);
    assert_int_equal(ts_check(GOLU_F32, 0, n, x, NULL, y, NULL, NULL, "default queue"), 0);
    assert_string_equal(golu_context_detail(c), "");
    /* golu_prepare builds ahead of time */
    ts_assert_status(c, golu_prepare(c, GOLU_F16), GOLU_OK);
    assert_int_equal(golu_prepare(c, (golu_dtype)7), GOLU_ERROR_INVALID_DTYPE);
    /* the context keeps the cl_context alive by its own reference */
    cl_uint refs_before = 0, refs_after = 0;
    ts_cl_check(clGetContextInfo(env->cl_ctx, CL_CONTEXT_REFERENCE_COUNT, sizeof refs_before,
                                 &refs_before, NULL));
    golu_context_destroy(c);
    ts_cl_check(clGetContextInfo(env->cl_ctx, CL_CONTEXT_REFERENCE_COUNT, sizeof refs_after,
                                 &refs_after, NULL));
    assert_true(refs_after < refs_before);
    free(x);
    free(y);
}

/* golu_dtype_supported: f32/f16/bf16 always; f64 per cl_khr_fp64; invalid dtypes rejected. */
static void test_dtype_supported(void **state)
{
    ts_env *env = *state;
    ts_assert_status(env->ctx, golu_dtype_supported(env->ctx, env->device, GOLU_F32), GOLU_OK);
    ts_assert_status(env->ctx, golu_dtype_supported(env->ctx, env->device, GOLU_F16), GOLU_OK);
    ts_assert_status(env->ctx, golu_dtype_supported(env->ctx, env->device, GOLU_BF16), GOLU_OK);
    assert_int_equal(golu_dtype_supported(env->ctx, env->device, (golu_dtype)7),
                     GOLU_ERROR_INVALID_DTYPE);
    assert_int_equal(golu_dtype_supported(env->ctx, env->device, (golu_dtype)-1),
                     GOLU_ERROR_INVALID_DTYPE);

    char ext[8192] = "";
    ts_cl_check(clGetDeviceInfo(env->device, CL_DEVICE_EXTENSIONS, sizeof ext - 1, ext, NULL));
    int has_fp64 = strstr(ext, "cl_khr_fp64") != NULL;
    golu_status s = golu_dtype_supported(env->ctx, env->device, GOLU_F64);
    print_message("device has cl_khr_fp64: %s; golu_dtype_supported(f64) = %s\n",
                  has_fp64 ? "yes" : "no", golu_status_name(s));
    assert_int_equal(s, has_fp64 ? GOLU_OK : GOLU_ERROR_UNSUPPORTED_DTYPE);
}

/* f64 on a device without cl_khr_fp64: GOLU_ERROR_UNSUPPORTED_DTYPE and nothing enqueued. */
static void test_unsupported_dtype(void **state)
{
    ts_env *env = *state;
    if (ts_dtype_ok(env, GOLU_F64)) {
        print_message("the device runs f64: no unsupported dtype to test\n");
        skip();
    }
    bufs B = make_bufs(env);
    for (int bw = 0; bw < 2; bw++) {
        call c = valid_call(env, &B, bw, GOLU_F64);
        expect_error(env, &c, GOLU_ERROR_UNSUPPORTED_DTYPE, "f64 unsupported");
    }
    assert_int_equal(golu_prepare(env->ctx, GOLU_F64), GOLU_OK); /* nothing to build is fine */
    free_bufs(&B);
}

/* ---- enqueue argument errors ----------------------------------------------------------------- */

static void test_null_arguments(void **state)
{
    ts_env *env = *state;
    bufs B = make_bufs(env);
    for (int bw = 0; bw < 2; bw++) {
        call c = valid_call(env, &B, bw, GOLU_F32);
        c.ctx = NULL;
        expect_error(env, &c, GOLU_ERROR_NULL_ARGUMENT, "ctx NULL");
        c = valid_call(env, &B, bw, GOLU_F32);
        c.queue = NULL;
        expect_error(env, &c, GOLU_ERROR_NULL_ARGUMENT, "queue NULL");
        c = valid_call(env, &B, bw, GOLU_F32);
        c.x = NULL;
        expect_error(env, &c, GOLU_ERROR_NULL_ARGUMENT, "x NULL");
        c = valid_call(env, &B, bw, GOLU_F32);
        c.out = NULL;
        expect_error(env, &c, GOLU_ERROR_NULL_ARGUMENT, bw ? "dx NULL" : "y NULL");
        if (bw) {
            c = valid_call(env, &B, bw, GOLU_F32);
            c.dy = NULL;
            expect_error(env, &c, GOLU_ERROR_NULL_ARGUMENT, "dy NULL");
        }
        /* n == 0 does not excuse a NULL buffer */
        c = valid_call(env, &B, bw, GOLU_F32);
        c.n = 0;
        c.x = NULL;
        expect_error(env, &c, GOLU_ERROR_NULL_ARGUMENT, "x NULL, n 0");
        c = valid_call(env, &B, bw, GOLU_F32);
        expect_ok(env, &c, "valid call");
    }
    /* host calls */
    float v[4] = {1, 2, 3, 4}, out[4];
    assert_int_equal(golu_forward_host(NULL, GOLU_F32, 4, v, out, NULL), GOLU_ERROR_NULL_ARGUMENT);
    assert_int_equal(golu_forward_host(env->ctx, GOLU_F32, 4, NULL, out, NULL),
                     GOLU_ERROR_NULL_ARGUMENT);
    assert_true(strlen(golu_context_detail(env->ctx)) > 0);
    assert_int_equal(golu_forward_host(env->ctx, GOLU_F32, 4, v, NULL, NULL),
                     GOLU_ERROR_NULL_ARGUMENT);
    assert_int_equal(golu_backward_host(NULL, GOLU_F32, 4, v, v, out, NULL),
                     GOLU_ERROR_NULL_ARGUMENT);
    assert_int_equal(golu_backward_host(env->ctx, GOLU_F32, 4, NULL, v, out, NULL),
                     GOLU_ERROR_NULL_ARGUMENT);
    assert_int_equal(golu_backward_host(env->ctx, GOLU_F32, 4, v, NULL, out, NULL),
                     GOLU_ERROR_NULL_ARGUMENT);
    assert_int_equal(golu_backward_host(env->ctx, GOLU_F32, 4, v, v, NULL, NULL),
                     GOLU_ERROR_NULL_ARGUMENT);
    free_bufs(&B);
}

static void test_invalid_dtype(void **state)
{
    ts_env *env = *state;
    bufs B = make_bufs(env);
    static const int bad[] = {4, 7, 255, -1};
    for (int bw = 0; bw < 2; bw++) {
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            call c = valid_call(env, &B, bw, (golu_dtype)bad[i]);
            expect_error(env, &c, GOLU_ERROR_INVALID_DTYPE, "invalid dtype");
        }
    }
    float v[4] = {1, 2, 3, 4}, out[4] = {9, 9, 9, 9};
    assert_int_equal(golu_forward_host(env->ctx, (golu_dtype)7, 4, v, out, NULL),
                     GOLU_ERROR_INVALID_DTYPE);
    assert_int_equal(golu_backward_host(env->ctx, (golu_dtype)7, 4, v, v, out, NULL),
                     GOLU_ERROR_INVALID_DTYPE);
    assert_true(out[0] == 9 && out[3] == 9);
    free_bufs(&B);
}

/* (offset + n) * size > CL_MEM_SIZE for each array in turn; an exact fit is accepted. */
static void test_buffer_too_small(void **state)
{
    ts_env *env = *state;
    bufs B = make_bufs(env);
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        const uint64_t cap = 64 / golu_dtype_size(dt); /* elements in B.small */
        for (int bw = 0; bw < 2; bw++) {
            for (int which = 0; which < (bw ? 3 : 2); which++) {
                /* 0: x, 1: out, 2: dy is the small buffer */
                call c = valid_call(env, &B, bw, dt);
                c.n = cap - 2;
                cl_mem *slot = which == 0 ? &c.x : which == 1 ? &c.out : &c.dy;
                uint64_t *off = which == 0 ? &c.x_off : which == 1 ? &c.out_off : &c.dy_off;
                *slot = B.small;
                *off = 3; /* (3 + cap - 2) = cap + 1 elements: one too many */
                char what[96];
                snprintf(what, sizeof what, "%s %s: %s too small", golu_dtype_name(dt),
                         bw ? "backward" : "forward",
                         which == 0 ? "x" : which == 1 ? (bw ? "dx" : "y") : "dy");
                expect_error(env, &c, GOLU_ERROR_BUFFER_TOO_SMALL, what);
                *off = 0;
                c.n = cap + 1;
                expect_error(env, &c, GOLU_ERROR_BUFFER_TOO_SMALL, what);
                /* an offset alone past the end */
                *off = cap;
                c.n = 1;
                expect_error(env, &c, GOLU_ERROR_BUFFER_TOO_SMALL, what);
                /* exactly fitting: accepted (on copies, so the sentinel buffers stay clean) */
                cl_mem fit = ts_sentinel_buffer(env, 64);
                cl_mem others[3] = {ts_sentinel_buffer(env, BUF_BYTES),
                                    ts_sentinel_buffer(env, BUF_BYTES),
                                    ts_sentinel_buffer(env, BUF_BYTES)};
                c = valid_call(env, &B, bw, dt);
                c.x = others[0];
                c.out = others[1];
                c.dy = others[2];
                slot = which == 0 ? &c.x : which == 1 ? &c.out : &c.dy;
                off = which == 0 ? &c.x_off : which == 1 ? &c.out_off : &c.dy_off;
                *slot = fit;
                *off = 2;
                c.n = cap - 2;
                expect_ok(env, &c, what);
                clReleaseMemObject(fit);
                for (int k = 0; k < 3; k++)
                    clReleaseMemObject(others[k]);
            }
        }
    }
    print_message("detail example: \"%s\"\n", golu_context_detail(env->ctx));
    free_bufs(&B);
}

/* (offset + n) * size does not fit in 64 bits, for each array in turn. */
static void test_size_overflow(void **state)
{
    ts_env *env = *state;
    bufs B = make_bufs(env);
    /* The faulty array gets a huge offset and the others offset 0, so that n stays small and no
     * other array is at fault; the last case overflows through n alone (every array). */
    enum { NCASES = 5 };
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        for (int bw = 0; bw < 2; bw++) {
            for (int which = 0; which < (bw ? 3 : 2); which++) {
                const uint64_t es = golu_dtype_size(dt);
                const uint64_t offs[NCASES] = {UINT64_MAX, UINT64_MAX - 2, UINT64_MAX / es,
                                               (uint64_t)1 << 63, 0};
                const uint64_t ns[NCASES] = {1, 5, 1, 1, UINT64_MAX / es + 1};
                for (size_t k = 0; k < NCASES; k++) {
                    call c = valid_call(env, &B, bw, dt);
                    uint64_t *off = which == 0 ? &c.x_off : which == 1 ? &c.out_off : &c.dy_off;
                    c.x_off = c.out_off = c.dy_off = 0;
                    *off = offs[k];
                    c.n = ns[k];
                    if (offs[k] == 0 && which != 0)
                        continue; /* n alone: once is enough */
                    char what[96];
                    snprintf(what, sizeof what, "%s %s overflow case %zu on %s",
                             golu_dtype_name(dt), bw ? "backward" : "forward", k,
                             which == 0 ? "x" : which == 1 ? "out" : "dy");
                    expect_error(env, &c, GOLU_ERROR_SIZE_OVERFLOW, what);
                }
                /* one element less fits in 64 bits: just too small, not an overflow */
                call c = valid_call(env, &B, bw, dt);
                uint64_t *off = which == 0 ? &c.x_off : which == 1 ? &c.out_off : &c.dy_off;
                c.x_off = c.out_off = c.dy_off = 0;
                *off = UINT64_MAX / es - 1;
                c.n = 1;
                expect_error(env, &c, GOLU_ERROR_BUFFER_TOO_SMALL, "largest offset that fits");
            }
        }
    }
    free_bufs(&B);
}

/* Partial overlaps of an output with an input are rejected; exact in-place, disjoint ranges of
 * one buffer, and overlapping inputs (dy with x) are accepted. */
static void test_overlap(void **state)
{
    ts_env *env = *state;
    bufs B = make_bufs(env);
    const cl_mem A = B.a;
    for (int d = 0; d < 3; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        /* forward: x and y in one buffer */
        const uint64_t fw[][2] = {{0, 1}, {1, 0}, {5, 0}, {0, 15}, {15, 0}, {3, 10}};
        for (size_t k = 0; k < sizeof fw / sizeof fw[0]; k++) {
            call c = valid_call(env, &B, 0, dt);
            c.x = c.out = A;
            c.x_off = fw[k][0];
            c.out_off = fw[k][1];
            expect_error(env, &c, GOLU_ERROR_OVERLAP, "forward partial overlap");
        }
        /* backward: dx partly over dy, dx partly over x, dx == dy but partly over x */
        const uint64_t bw[][3] = {{0, 50, 1}, {7, 50, 0}, {50, 0, 3}, {50, 4, 0}, {0, 8, 0},
                                  {8, 0, 0}};
        for (size_t k = 0; k < sizeof bw / sizeof bw[0]; k++) {
            call c = valid_call(env, &B, 1, dt);
            c.dy = c.x = c.out = A;
            c.n = 12;
            c.dy_off = bw[k][0];
            c.x_off = bw[k][1];
            c.out_off = bw[k][2];
            char what[64];
            snprintf(what, sizeof what, "backward overlap dy %llu x %llu dx %llu",
                     (unsigned long long)bw[k][0], (unsigned long long)bw[k][1],
                     (unsigned long long)bw[k][2]);
            expect_error(env, &c, GOLU_ERROR_OVERLAP, what);
        }
    }

    /* accepted forms, with checked results */
    const size_t n = 40;
    float *host = ts_alloc(GOLU_F32, 3 * n + 8), *got = ts_alloc(GOLU_F32, 3 * n + 8);
    ts_fill_uniform(GOLU_F32, host, 3 * n + 8, -8.0, 8.0, 99);
    cl_mem m = ts_buffer(env, (3 * n + 8) * sizeof(float));
    /* dy and x overlapping partially (both inputs), dx disjoint after them */
    ts_write(env, m, 0, (3 * n + 8) * sizeof(float), host);
    ts_assert_status(env->ctx, golu_enqueue_backward(env->ctx, env->queue, GOLU_F32, n, m, 0, m, 5,
                                                     m, 2 * n, NULL, 0, NULL, NULL),
                     GOLU_OK);
    ts_cl_check(clFinish(env->queue));
    ts_read(env, m, 0, (3 * n + 8) * sizeof(float), got);
    assert_int_equal(ts_check(GOLU_F32, 1, n, host + 5, host, got + 2 * n, NULL, NULL,
                              "dy overlapping x"),
                     0);
    assert_memory_equal(got, host, 2 * n * sizeof(float)); /* inputs untouched */
    /* touching ranges: y starts right where x ends */
    ts_write(env, m, 0, (3 * n + 8) * sizeof(float), host);
    ts_assert_status(env->ctx, golu_enqueue_forward(env->ctx, env->queue, GOLU_F32, n, m, 1, m,
                                                    n + 1, NULL, 0, NULL, NULL),
                     GOLU_OK);
    ts_cl_check(clFinish(env->queue));
    ts_read(env, m, 0, (3 * n + 8) * sizeof(float), got);
    assert_int_equal(ts_check(GOLU_F32, 0, n, host + 1, NULL, got + n + 1, NULL, NULL, "touching"),
                     0);
    clReleaseMemObject(m);
    free(host);
    free(got);

    /* sub-buffers of one parent that overlap are an overlap too */
    cl_uint align_bits = 0;
    ts_cl_check(clGetDeviceInfo(env->device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof align_bits,
                                &align_bits, NULL));
    size_t align = align_bits / 8;
    if (align == 0)
        align = 128;
    const size_t sub_bytes = 4 * align;
    cl_mem parent = ts_sentinel_buffer(env, 8 * align);
    cl_int err = CL_SUCCESS;
    cl_buffer_region r0 = {0, sub_bytes}, r1 = {align, sub_bytes};
    cl_mem s0 = clCreateSubBuffer(parent, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &r0, &err);
    ts_cl_check(err);
    cl_mem s1 = clCreateSubBuffer(parent, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &r1, &err);
    ts_cl_check(err);
    {
        call c = valid_call(env, &B, 0, GOLU_F32);
        c.x = s0;
        c.out = s1;
        c.x_off = c.out_off = 0;
        c.n = sub_bytes / 4; /* s0 covers [0, 4a), s1 [a, 5a) */
        expect_error(env, &c, GOLU_ERROR_OVERLAP, "overlapping sub-buffers");
        c.x = parent;
        c.x_off = 1;
        c.out = s0;
        c.n = 8;
        expect_error(env, &c, GOLU_ERROR_OVERLAP, "parent and sub-buffer overlapping");
        /* disjoint parts through sub-buffers: fine */
        c.x = s0;
        c.x_off = 0;
        c.out = s1;
        c.out_off = 3 * align / 4; /* s1 element 3a/4 = parent byte 4a: just past s0's range */
        c.n = align / 4;
        expect_ok(env, &c, "disjoint sub-buffer ranges");
    }
    clReleaseMemObject(s0);
    clReleaseMemObject(s1);
    clReleaseMemObject(parent);
    free_bufs(&B);
}

static void test_wait_list(void **state)
{
    ts_env *env = *state;
    bufs B = make_bufs(env);
    cl_event dummy = NULL;
    {
        call c = valid_call(env, &B, 0, GOLU_F32);
        c.n = 0;
        ts_assert_status(env->ctx, do_call(&c, &dummy), GOLU_OK); /* a real, complete event */
        ts_cl_check(clWaitForEvents(1, &dummy));
    }
    for (int bw = 0; bw < 2; bw++) {
        call c = valid_call(env, &B, bw, GOLU_F32);
        c.num_events = 1;
        c.wait_list = NULL;
        expect_error(env, &c, GOLU_ERROR_INVALID_WAIT_LIST, "1 event, NULL list");
        c.num_events = 3;
        expect_error(env, &c, GOLU_ERROR_INVALID_WAIT_LIST, "3 events, NULL list");
        c.num_events = 0;
        c.wait_list = &dummy;
        expect_error(env, &c, GOLU_ERROR_INVALID_WAIT_LIST, "a list with count 0");
        /* n == 0 does not excuse a bad wait list */
        c.n = 0;
        c.num_events = 2;
        c.wait_list = NULL;
        expect_error(env, &c, GOLU_ERROR_INVALID_WAIT_LIST, "n 0, 2 events, NULL list");
    }
    /* An event of another cl_context (OpenCL: CL_INVALID_CONTEXT; PoCL would enqueue a kernel
     * behind it): refused by the library, for a kernel and for an n == 0 marker alike. */
    cl_int err = CL_SUCCESS;
    cl_context other = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
    ts_cl_check(err);
    cl_event foreign = clCreateUserEvent(other, &err);
    ts_cl_check(err);
    ts_cl_check(clSetUserEventStatus(foreign, CL_COMPLETE));
    for (int bw = 0; bw < 2; bw++) {
        call c = valid_call(env, &B, bw, GOLU_F32);
        cl_event list[2] = {dummy, foreign};
        c.num_events = 2;
        c.wait_list = list;
        expect_error(env, &c, GOLU_ERROR_INVALID_WAIT_LIST, "an event of another cl_context");
        assert_non_null(strstr(golu_context_detail(env->ctx), "event 1 belongs to another"));
        c.n = 0;
        expect_error(env, &c, GOLU_ERROR_INVALID_WAIT_LIST, "n 0, an event of another cl_context");
    }
    ts_cl_check(clReleaseEvent(foreign));
    ts_cl_check(clReleaseContext(other));
    ts_cl_check(clReleaseEvent(dummy));
    free_bufs(&B);
}

/* An image where a buffer belongs, as any of the arrays: GOLU_ERROR_INVALID_ARGUMENT naming it,
 * the event untouched and the output buffer unwritten. Needs image support (PoCL and Oclgrind
 * have it); skipped otherwise. */
static void test_image_argument(void **state)
{
    ts_env *env = *state;
    cl_bool images = CL_FALSE;
    ts_cl_check(clGetDeviceInfo(env->device, CL_DEVICE_IMAGE_SUPPORT, sizeof images, &images, NULL));
    if (!images)
        skip();
    cl_image_format format = {CL_R, CL_FLOAT};
    cl_image_desc desc;
    memset(&desc, 0, sizeof desc);
    desc.image_type = CL_MEM_OBJECT_IMAGE2D;
    desc.image_width = 64;
    desc.image_height = 4;
    cl_int err = CL_SUCCESS;
    cl_mem image = clCreateImage(env->cl_ctx, CL_MEM_READ_WRITE, &format, &desc, NULL, &err);
    ts_cl_check(err);
    bufs B = make_bufs(env);
    const char *const names[3] = {"x", "dy", "y"};
    for (int bw = 0; bw < 2; bw++) {
        for (int which = 0; which < 3; which++) {
            if (which == 1 && !bw)
                continue; /* the forward has no dy */
            call c = valid_call(env, &B, bw, GOLU_F32);
            cl_mem *slot = which == 0 ? &c.x : which == 1 ? &c.dy : &c.out;
            *slot = image;
            cl_event ev = SENTINEL_EVENT;
            ts_assert_status(env->ctx, do_call(&c, &ev), GOLU_ERROR_INVALID_ARGUMENT);
            assert_true(ev == SENTINEL_EVENT);
            const char *detail = golu_context_detail(env->ctx);
            const char *name = which == 2 && bw ? "dx" : names[which];
            if (strncmp(detail, name, strlen(name)) != 0 || !strstr(detail, "not a buffer"))
                fail_msg("%s as an image: detail \"%s\"", name, detail);
        }
    }
    ts_cl_check(clFinish(env->queue));
    unsigned char *bytes = malloc(BUF_BYTES);
    assert_non_null(bytes);
    ts_read(env, B.c, 0, BUF_BYTES, bytes);
    assert_int_equal(ts_count_sentinel_changes(bytes, 0, BUF_BYTES), 0);
    free(bytes);
    free_bufs(&B);
    clReleaseMemObject(image);
}

/* A queue of another cl_context (even on the same device) is refused. */
static void test_foreign_queue(void **state)
{
    ts_env *env = *state;
    bufs B = make_bufs(env);
    cl_int err = CL_SUCCESS;
    cl_context other = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
    ts_cl_check(err);
    cl_command_queue q = clCreateCommandQueue(other, env->device, 0, &err);
    ts_cl_check(err);
    for (int bw = 0; bw < 2; bw++) {
        call c = valid_call(env, &B, bw, GOLU_F32);
        c.queue = q;
        expect_error(env, &c, GOLU_ERROR_DEVICE_NOT_IN_CONTEXT, "queue of another cl_context");
    }
    /* and a golu_context on the other cl_context refuses this env's queue */
    golu_context *gc = NULL;
    ts_assert_status(NULL, golu_context_create(other, 1, &env->device, &gc), GOLU_OK);
    call c = valid_call(env, &B, 0, GOLU_F32);
    c.ctx = gc;
    expect_error(env, &c, GOLU_ERROR_DEVICE_NOT_IN_CONTEXT, "env queue, other golu_context");
    golu_context_destroy(gc);
    clReleaseCommandQueue(q);
    clReleaseContext(other);
    free_bufs(&B);
}

/* 1 when `word` appears in `text` with no letter or digit on either side. */
static int has_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
        int before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
        int after = isalnum((unsigned char)p[n]) || p[n] == '_';
        if (!before && !after)
            return 1;
    }
    return 0;
}

/* A failed call leaves the detail; a later success with a fresh context leaves it empty. */
static void test_detail_messages(void **state)
{
    ts_env *env = *state;
    golu_context *c = NULL;
    ts_assert_status(NULL, golu_context_create(env->cl_ctx, 1, &env->device, &c), GOLU_OK);
    assert_string_equal(golu_context_detail(c), "");
    bufs B = make_bufs(env);
    call k = valid_call(env, &B, 0, GOLU_F32);
    k.ctx = c;
    k.out = B.small;
    k.out_off = 10;
    k.n = 10;
    assert_int_equal(do_call(&k, NULL), GOLU_ERROR_BUFFER_TOO_SMALL);
    const char *d = golu_context_detail(c);
    print_message("BUFFER_TOO_SMALL detail: \"%s\"\n", d);
    assert_true(has_word(d, "y")); /* names the argument at fault */
    k = valid_call(env, &B, 1, GOLU_F32);
    k.ctx = c;
    k.dy = B.small;
    k.dy_off = 15;
    assert_int_equal(do_call(&k, NULL), GOLU_ERROR_BUFFER_TOO_SMALL);
    print_message("BUFFER_TOO_SMALL detail: \"%s\"\n", golu_context_detail(c));
    assert_true(has_word(golu_context_detail(c), "dy"));
    golu_context_destroy(c);
    free_bufs(&B);
}

/* GOLU_KERNEL_DIR: a folder without the .cl files gives GOLU_ERROR_KERNEL_SOURCE; one whose files
 * do not compile gives GOLU_ERROR_BUILD_FAILED with the build log in the detail. Nothing is
 * enqueued either way. */
static void test_kernel_dir_errors(void **state)
{
    ts_env *env = *state;
    const char *old = getenv("GOLU_KERNEL_DIR");
    char *saved = old ? strdup(old) : NULL;
    char dir[] = "/tmp/golu-test-kernels-XXXXXX";
    assert_non_null(mkdtemp(dir));
    bufs B = make_bufs(env);
    golu_context *c = NULL;

    setenv("GOLU_KERNEL_DIR", dir, 1); /* empty folder */
    ts_assert_status(NULL, golu_context_create(env->cl_ctx, 1, &env->device, &c), GOLU_OK);
    call k = valid_call(env, &B, 0, GOLU_F32);
    k.ctx = c;
    expect_error(env, &k, GOLU_ERROR_KERNEL_SOURCE, "GOLU_KERNEL_DIR without files");
    print_message("KERNEL_SOURCE detail: \"%s\"\n", golu_context_detail(c));
    assert_int_equal(golu_prepare(c, GOLU_F16), GOLU_ERROR_KERNEL_SOURCE);
    golu_context_destroy(c);

    /* every file of the program (cl/meson.build), so that the build itself fails */
    static const char *names[] = {"golu_common.cl", "golu_forward.cl", "golu_backward.cl",
                                  "golu_bias.cl", "golu_params.cl"};
    const int num_names = (int)(sizeof names / sizeof names[0]);
    char path[sizeof dir + 32];
    for (int i = 0; i < num_names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(i == 1 ? "__kernel void golu_forward(__global float *x) { x[0] = undefined_name; }\n"
                     : "/* empty */\n",
              f);
        fclose(f);
    }
    c = NULL;
    ts_assert_status(NULL, golu_context_create(env->cl_ctx, 1, &env->device, &c), GOLU_OK);
    k = valid_call(env, &B, 1, GOLU_BF16);
    k.ctx = c;
    expect_error(env, &k, GOLU_ERROR_BUILD_FAILED, "GOLU_KERNEL_DIR with broken kernels");
    const char *d = golu_context_detail(c);
    assert_non_null(d);
    /* d ? d : "": GCC's -Wformat-overflow in the sanitizer build cannot see that d is not NULL */
    const char *shown = d ? d : "";
    print_message("BUILD_FAILED detail (first line): \"%.*s\"\n", (int)strcspn(shown, "\n"),
                  shown);
    assert_non_null(strstr(d, "undefined_name")); /* the build log is in the detail */
    golu_context_destroy(c);

    if (saved) {
        setenv("GOLU_KERNEL_DIR", saved, 1);
        free(saved);
    } else {
        unsetenv("GOLU_KERNEL_DIR");
    }
    for (int i = 0; i < num_names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
    rmdir(dir);
    /* and the env's own context still works */
    k = valid_call(env, &B, 0, GOLU_F32);
    expect_ok(env, &k, "after the kernel-dir tests");
    free_bufs(&B);
}

/* The parameter range: 0 or magnitudes 2^-60 .. 2^60 (beta >= 0). Its edges are accepted, just
 * outside them is GOLU_ERROR_INVALID_PARAMETER for every dtype, nothing enqueued. */
static void test_parameter_range(void **state)
{
    ts_env *env = *state;
    /* x holds data: CI's Oclgrind stage flags kernels that read never-written memory */
    cl_mem x = ts_sentinel_buffer(env, 64 * 8), y = ts_buffer(env, 64 * 8);
    const golu_params ok[] = {{0x1p60, 0x1p60, 0x1p60}, {-0x1p60, 0x1p-60, -0x1p-60},
                              {0.0, 0.0, 0.0}, {-0x1p-60, 1.0, 0x1p60}};
    const golu_params bad[] = {{0x1p61, 1, 1}, {1, 0x1p61, 1}, {1, 1, 0x1p61}, {0x1p-61, 1, 1},
                               {1, 0x1p-61, 1}, {1, 1, 1e-50}, {-1e30, 1, 1}, {1, 1, -1e30}};
    for (size_t t = 0; t < GOLU_DTYPE_COUNT; t++) {
        golu_dtype dtype = ts_all_dtypes[t];
        if (!ts_dtype_ok(env, dtype))
            continue;
        for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
            ts_assert_status(env->ctx, golu_enqueue_forward(env->ctx, env->queue, dtype, 64, x, 0,
                                                            y, 0, &ok[i], 0, NULL, NULL),
                             GOLU_OK);
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            cl_event sentinel = (cl_event)(uintptr_t)0xbad, ev = sentinel;
            ts_assert_status(env->ctx, golu_enqueue_backward(env->ctx, env->queue, dtype, 64, x, 0,
                                                             x, 0, y, 0, &bad[i], 0, NULL, &ev),
                             GOLU_ERROR_INVALID_PARAMETER);
            assert_true(ev == sentinel);
            assert_non_null(strstr(golu_context_detail(env->ctx), "2^-60 to 2^60"));
        }
    }
    ts_cl_check(clFinish(env->queue));
    clReleaseMemObject(x);
    clReleaseMemObject(y);
}

/* Host-pointer calls whose arrays exceed the device's largest allocation: a clear status before
 * anything is allocated or read (the small host arrays here are never touched). */
static void test_host_call_too_large(void **state)
{
    ts_env *env = *state;
    cl_ulong max_alloc = 0;
    ts_cl_check(clGetDeviceInfo(env->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc,
                                &max_alloc, NULL));
    float small[4] = {1, 2, 3, 4}, out[4] = {0, 0, 0, 0};
    const uint64_t n = max_alloc / sizeof(float) + 1;
    ts_assert_status(env->ctx, golu_forward_host(env->ctx, GOLU_F32, n, small, out, NULL),
                     GOLU_ERROR_TOO_LARGE);
    assert_non_null(strstr(golu_context_detail(env->ctx), "CL_DEVICE_MAX_MEM_ALLOC_SIZE"));
    ts_assert_status(env->ctx, golu_backward_host(env->ctx, GOLU_F32, n, small, small, out, NULL),
                     GOLU_ERROR_TOO_LARGE);
    assert_true(out[0] == 0.0f && out[3] == 0.0f);
    ts_assert_status(env->ctx, golu_forward_host(env->ctx, GOLU_F32, 4, small, out, NULL), GOLU_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names),    cmocka_unit_test(test_dtype_names),
        cmocka_unit_test(test_version),         cmocka_unit_test(test_destroy_null),
        cmocka_unit_test(test_select_device),   cmocka_unit_test(test_context_create),
        cmocka_unit_test(test_dtype_supported), cmocka_unit_test(test_unsupported_dtype),
        cmocka_unit_test(test_null_arguments),  cmocka_unit_test(test_invalid_dtype),
        cmocka_unit_test(test_buffer_too_small), cmocka_unit_test(test_size_overflow),
        cmocka_unit_test(test_overlap),         cmocka_unit_test(test_wait_list),
        cmocka_unit_test(test_foreign_queue),   cmocka_unit_test(test_detail_messages),
        cmocka_unit_test(test_kernel_dir_errors), cmocka_unit_test(test_parameter_range),
        cmocka_unit_test(test_host_call_too_large), cmocka_unit_test(test_image_argument),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
