/*
 * test_multi_device: one cl_context with two devices of one platform (on PoCL, run with
 * POCL_DEVICES="pthread basic"), a golu_context over both, and checked forward/backward on a
 * queue of each device, one after the other and both in flight at once. Also: a golu_context over
 * one of the two refuses the other's queue and device. Skipped when no platform has two devices.
 */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#define N 30011

typedef struct {
    cl_device_id dev[2];
    cl_context cl_ctx;
    cl_command_queue q[2];
    golu_context *ctx;
} multi;

static int setup(void **state)
{
    multi *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    *state = m;
    cl_platform_id plats[16];
    cl_uint np = 0;
    if (clGetPlatformIDs(16, plats, &np) != CL_SUCCESS)
        return 0;
    for (cl_uint p = 0; p < np && p < 16; p++) {
        cl_uint nd = 0;
        if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 2, m->dev, &nd) == CL_SUCCESS && nd >= 2) {
            cl_int err = CL_SUCCESS;
            cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)plats[p],
                                             0};
            m->cl_ctx = clCreateContext(props, 2, m->dev, NULL, NULL, &err);
            if (err != CL_SUCCESS) {
                print_message("clCreateContext with two devices: %d\n", (int)err);
                m->cl_ctx = NULL;
                continue;
            }
            for (int d = 0; d < 2; d++) {
                m->q[d] = clCreateCommandQueue(m->cl_ctx, m->dev[d], 0, &err);
                if (err != CL_SUCCESS)
                    return -1;
                char name[256] = "";
                clGetDeviceInfo(m->dev[d], CL_DEVICE_NAME, sizeof name - 1, name, NULL);
                print_message("device %d: %s\n", d, name);
            }
            golu_status s = golu_context_create(m->cl_ctx, 2, m->dev, &m->ctx);
            if (s != GOLU_OK) {
                print_message("golu_context_create with two devices: %s (%s)\n",
                              golu_status_name(s), golu_last_create_detail());
                return -1;
            }
            return 0;
        }
    }
    print_message("no platform with two devices (on PoCL set POCL_DEVICES=\"pthread basic\")\n");
    return 0;
}

static int teardown(void **state)
{
    multi *m = *state;
    if (!m)
        return 0;
    golu_context_destroy(m->ctx);
    for (int d = 0; d < 2; d++)
        if (m->q[d])
            clReleaseCommandQueue(m->q[d]);
    if (m->cl_ctx)
        clReleaseContext(m->cl_ctx);
    free(m);
    return 0;
}

static multi *need_two(void **state)
{
    multi *m = *state;
    if (!m->ctx)
        skip();
    return m;
}

static void test_context_has_both(void **state)
{
    multi *m = need_two(state);
    assert_int_equal(golu_context_num_devices(m->ctx), 2);
    assert_ptr_equal(golu_context_device(m->ctx, 0), m->dev[0]);
    assert_ptr_equal(golu_context_device(m->ctx, 1), m->dev[1]);
    assert_null(golu_context_device(m->ctx, 2));
    for (int d = 0; d < 2; d++)
        ts_assert_status(m->ctx, golu_dtype_supported(m->ctx, m->dev[d], GOLU_F32), GOLU_OK);
    ts_assert_status(m->ctx, golu_prepare(m->ctx, GOLU_BF16), GOLU_OK);
}

/* Forward and backward, checked, on each device's queue in turn, for every dtype both run. */
static void test_each_device(void **state)
{
    multi *m = need_two(state);
    for (int t = 0; t < GOLU_DTYPE_COUNT; t++) {
        golu_dtype dt = ts_all_dtypes[t];
        void *x = ts_alloc(dt, N), *dy = ts_alloc(dt, N), *y = ts_alloc(dt, N),
             *dx = ts_alloc(dt, N);
        ts_fill_uniform(dt, x, N, -20.0, 20.0, 71 + (uint64_t)t);
        ts_fill_uniform(dt, dy, N, -5.0, 5.0, 72 + (uint64_t)t);
        for (int d = 0; d < 2; d++) {
            if (golu_dtype_supported(m->ctx, m->dev[d], dt) != GOLU_OK) {
                print_message("device %d: no %s\n", d, golu_dtype_name(dt));
                continue;
            }
            const golu_params p = {1.0 + 0.5 * d, 1.0, 1.0 - 0.25 * d};
            memset(y, 0, N * golu_dtype_size(dt));
            memset(dx, 0, N * golu_dtype_size(dt));
            ts_assert_status(m->ctx, ts_forward_on(m->ctx, m->cl_ctx, m->q[d], dt, N, x, y, &p),
                             GOLU_OK);
            ts_assert_status(m->ctx,
                             ts_backward_on(m->ctx, m->cl_ctx, m->q[d], dt, N, dy, x, dx, &p),
                             GOLU_OK);
            assert_int_equal(ts_check(dt, 0, N, x, NULL, y, &p, NULL, "multi-device"), 0);
            assert_int_equal(ts_check(dt, 1, N, x, dy, dx, &p, NULL, "multi-device"), 0);
            print_message("device %d %s: forward and backward of %d elements checked\n", d,
                          golu_dtype_name(dt), N);
        }
        free(x);
        free(dy);
        free(y);
        free(dx);
    }
}

/* Both devices working at once on their own buffers, then a result handed from one to the other. */
static void test_both_in_flight(void **state)
{
    multi *m = need_two(state);
    const size_t bytes = N * sizeof(float);
    float *x = ts_alloc(GOLU_F32, N), *y = ts_alloc(GOLU_F32, N), *dx = ts_alloc(GOLU_F32, N);
    float *y2 = ts_alloc(GOLU_F32, N);
    ts_fill_uniform(GOLU_F32, x, N, -20.0, 20.0, 73);
    cl_int err = CL_SUCCESS;
    cl_mem bx = clCreateBuffer(m->cl_ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, bytes, x, &err);
    ts_cl_check(err);
    cl_mem by0 = clCreateBuffer(m->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err);
    ts_cl_check(err);
    cl_mem by1 = clCreateBuffer(m->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err);
    ts_cl_check(err);
    cl_mem bdx = clCreateBuffer(m->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err);
    ts_cl_check(err);
    cl_event e0 = NULL, e1 = NULL, e2 = NULL;
    /* (No user event holds device 0 back here: PoCL 3.1's "basic" driver deadlocks in
     * clSetUserEventStatus when a command of its queue waits on the user event.) */
    ts_assert_status(m->ctx, golu_enqueue_forward(m->ctx, m->q[0], GOLU_F32, N, bx, 0, by0, 0,
                                                  NULL, 0, NULL, &e0),
                     GOLU_OK);
    ts_assert_status(m->ctx, golu_enqueue_forward(m->ctx, m->q[1], GOLU_F32, N, bx, 0, by1, 0,
                                                  NULL, 0, NULL, &e1),
                     GOLU_OK);
    /* device 1's backward uses device 0's forward result as dy: ordered by e0 only */
    ts_assert_status(m->ctx, golu_enqueue_backward(m->ctx, m->q[1], GOLU_F32, N, by0, 0, bx, 0,
                                                   bdx, 0, NULL, 1, &e0, &e2),
                     GOLU_OK);
    ts_cl_check(clWaitForEvents(1, &e2));
    ts_cl_check(clWaitForEvents(1, &e1));
    ts_cl_check(clEnqueueReadBuffer(m->q[1], by0, CL_TRUE, 0, bytes, y, 0, NULL, NULL));
    ts_cl_check(clEnqueueReadBuffer(m->q[1], by1, CL_TRUE, 0, bytes, y2, 0, NULL, NULL));
    ts_cl_check(clEnqueueReadBuffer(m->q[1], bdx, CL_TRUE, 0, bytes, dx, 0, NULL, NULL));
    assert_int_equal(ts_check(GOLU_F32, 0, N, x, NULL, y, NULL, NULL, "device 0"), 0);
    assert_int_equal(ts_check(GOLU_F32, 0, N, x, NULL, y2, NULL, NULL, "device 1"), 0);
    assert_int_equal(ts_check(GOLU_F32, 1, N, x, y, dx, NULL, NULL, "device 1 after 0"), 0);
    clReleaseEvent(e0);
    clReleaseEvent(e1);
    clReleaseEvent(e2);
    clReleaseMemObject(bx);
    clReleaseMemObject(by0);
    clReleaseMemObject(by1);
    clReleaseMemObject(bdx);
    free(x);
    free(y);
    free(y2);
    free(dx);
}

/* A golu_context over device 1 only: device 0's queue (same cl_context) and device 0 itself are
 * not its own. A golu_context cannot take a device that its cl_context lacks. */
static void test_device_not_in_context(void **state)
{
    multi *m = need_two(state);
    golu_context *one = NULL;
    ts_assert_status(NULL, golu_context_create(m->cl_ctx, 1, &m->dev[1], &one), GOLU_OK);
    assert_int_equal(golu_dtype_supported(one, m->dev[0], GOLU_F32),
                     GOLU_ERROR_DEVICE_NOT_IN_CONTEXT);
    ts_assert_status(one, golu_dtype_supported(one, m->dev[1], GOLU_F32), GOLU_OK);

    cl_int err = CL_SUCCESS;
    cl_mem a = clCreateBuffer(m->cl_ctx, CL_MEM_READ_WRITE, 4096, NULL, &err);
    ts_cl_check(err);
    cl_mem b = clCreateBuffer(m->cl_ctx, CL_MEM_READ_WRITE, 4096, NULL, &err);
    ts_cl_check(err);
    cl_event ev = (cl_event)(uintptr_t)0x5e17e1;
    assert_int_equal(golu_enqueue_forward(one, m->q[0], GOLU_F32, 100, a, 0, b, 0, NULL, 0, NULL,
                                          &ev),
                     GOLU_ERROR_DEVICE_NOT_IN_CONTEXT);
    assert_true(ev == (cl_event)(uintptr_t)0x5e17e1);
    assert_true(strlen(golu_context_detail(one)) > 0);
    assert_int_equal(golu_enqueue_backward(one, m->q[0], GOLU_F32, 100, a, 0, a, 0, b, 0, NULL, 0,
                                           NULL, &ev),
                     GOLU_ERROR_DEVICE_NOT_IN_CONTEXT);
    assert_true(ev == (cl_event)(uintptr_t)0x5e17e1);
    ts_assert_status(one, golu_enqueue_forward(one, m->q[1], GOLU_F32, 100, a, 0, b, 0, NULL, 0,
                                               NULL, NULL),
                     GOLU_OK);
    ts_cl_check(clFinish(m->q[1]));
    golu_context_destroy(one);

    /* a cl_context holding device 0 only cannot be paired with device 1 */
    cl_context only0 = clCreateContext(NULL, 1, &m->dev[0], NULL, NULL, &err);
    ts_cl_check(err);
    golu_context *bad = (golu_context *)(uintptr_t)1;
    assert_int_equal(golu_context_create(only0, 1, &m->dev[1], &bad),
                     GOLU_ERROR_DEVICE_NOT_IN_CONTEXT);
    assert_null(bad);
    assert_true(strlen(golu_last_create_detail()) > 0);
    clReleaseContext(only0);
    clReleaseMemObject(a);
    clReleaseMemObject(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_context_has_both),
        cmocka_unit_test(test_each_device),
        cmocka_unit_test(test_both_in_flight),
        cmocka_unit_test(test_device_not_in_context),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
