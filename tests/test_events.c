/*
 * test_events: the enqueue calls' OpenCL conventions for n > 0. The kernel waits on the wait list
 * (shown across two queues, where only the list orders the work), the returned event is the
 * kernel's own, forward -> backward chains through events (also on an out-of-order queue where
 * the device has one), and work still pending when its golu_context is destroyed completes.
 */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#define N 50000

static cl_command_queue second_queue(ts_env *env, cl_command_queue_properties props)
{
    cl_int err = CL_SUCCESS;
    cl_command_queue q = clCreateCommandQueue(env->cl_ctx, env->device, props, &err);
    ts_cl_check(err);
    return q;
}

static cl_int exec_status(cl_event ev)
{
    cl_int s = -1;
    ts_cl_check(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof s, &s, NULL));
    return s;
}

/* Queue A writes x after a user event; queue B runs the kernel with A's write in its wait list.
 * Only the wait list makes B wait: without it the kernel would read the buffer's old contents. */
static void check_wait_list(ts_env *env, golu_dtype dt, int backward)
{
    const size_t es = golu_dtype_size(dt);
    void *x = ts_alloc(dt, N), *dy = ts_alloc(dt, N), *out = ts_alloc(dt, N);
    ts_fill_uniform(dt, x, N, -20.0, 20.0, 303);
    ts_fill_uniform(dt, dy, N, -3.0, 3.0, 304);
    cl_mem bx = ts_sentinel_buffer(env, N * es), bdy = ts_buffer(env, N * es);
    cl_mem bout = ts_sentinel_buffer(env, N * es);
    ts_write(env, bdy, 0, N * es, dy);
    cl_command_queue qb = second_queue(env, 0);

    cl_int err = CL_SUCCESS;
    cl_event gate = clCreateUserEvent(env->cl_ctx, &err);
    ts_cl_check(err);
    cl_event written = NULL, done = NULL;
    ts_cl_check(clEnqueueWriteBuffer(env->queue, bx, CL_FALSE, 0, N * es, x, 1, &gate, &written));
    ts_cl_check(clFlush(env->queue));
    golu_status s =
        backward ? golu_enqueue_backward(env->ctx, qb, dt, N, bdy, 0, bx, 0, bout, 0, NULL, 1,
                                         &written, &done)
                 : golu_enqueue_forward(env->ctx, qb, dt, N, bx, 0, bout, 0, NULL, 1, &written,
                                        &done);
    clFlush(qb);
    cl_int before = done ? exec_status(done) : -1;
    ts_cl_check(clSetUserEventStatus(gate, CL_COMPLETE)); /* before any assert: never leave it */
    ts_assert_status(env->ctx, s, GOLU_OK);
    assert_non_null(done);
    assert_int_not_equal(before, CL_COMPLETE);
    ts_cl_check(clWaitForEvents(1, &done));
    assert_int_equal(exec_status(done), CL_COMPLETE);

    /* the event is the kernel's: its queue is qb, its command an NDRange */
    cl_command_queue evq = NULL;
    cl_command_type type = 0;
    ts_cl_check(clGetEventInfo(done, CL_EVENT_COMMAND_QUEUE, sizeof evq, &evq, NULL));
    ts_cl_check(clGetEventInfo(done, CL_EVENT_COMMAND_TYPE, sizeof type, &type, NULL));
    assert_ptr_equal(evq, qb);
    assert_int_equal(type, CL_COMMAND_NDRANGE_KERNEL);

    ts_read(env, bout, 0, N * es, out);
    assert_int_equal(ts_check(dt, backward, N, x, backward ? dy : NULL, out, NULL, NULL,
                              "after wait list"),
                     0);
    clReleaseEvent(gate);
    clReleaseEvent(written);
    clReleaseEvent(done);
    clReleaseCommandQueue(qb);
    clReleaseMemObject(bx);
    clReleaseMemObject(bdy);
    clReleaseMemObject(bout);
    free(x);
    free(dy);
    free(out);
}

static void test_wait_list_forward(void **state)
{
    check_wait_list(*state, GOLU_F32, 0);
    check_wait_list(*state, GOLU_BF16, 0);
}

static void test_wait_list_backward(void **state)
{
    check_wait_list(*state, GOLU_F32, 1);
    check_wait_list(*state, GOLU_F16, 1);
}

/* y = forward(x) on one queue, dx = backward(dy = y, x) on another, ordered by the event only;
 * then on an out-of-order queue if the device has one. */
static void chain(ts_env *env, cl_command_queue qa, cl_command_queue qb)
{
    float *x = ts_alloc(GOLU_F32, N), *y = ts_alloc(GOLU_F32, N), *dx = ts_alloc(GOLU_F32, N);
    ts_fill_uniform(GOLU_F32, x, N, -20.0, 20.0, 404);
    cl_mem bx = ts_buffer(env, N * 4), by = ts_sentinel_buffer(env, N * 4);
    cl_mem bdx = ts_sentinel_buffer(env, N * 4);
    cl_event w = NULL, f = NULL, b = NULL;
    ts_cl_check(clEnqueueWriteBuffer(qa, bx, CL_FALSE, 0, N * 4, x, 0, NULL, &w));
    ts_assert_status(env->ctx, golu_enqueue_forward(env->ctx, qa, GOLU_F32, N, bx, 0, by, 0, NULL,
                                                    1, &w, &f),
                     GOLU_OK);
    cl_event deps[2] = {w, f};
    ts_assert_status(env->ctx, golu_enqueue_backward(env->ctx, qb, GOLU_F32, N, by, 0, bx, 0, bdx,
                                                     0, NULL, 2, deps, &b),
                     GOLU_OK);
    ts_cl_check(clWaitForEvents(1, &b));
    ts_cl_check(clEnqueueReadBuffer(qb, by, CL_TRUE, 0, N * 4, y, 0, NULL, NULL));
    ts_cl_check(clEnqueueReadBuffer(qb, bdx, CL_TRUE, 0, N * 4, dx, 0, NULL, NULL));
    assert_int_equal(ts_check(GOLU_F32, 0, N, x, NULL, y, NULL, NULL, "chain forward"), 0);
    assert_int_equal(ts_check(GOLU_F32, 1, N, x, y, dx, NULL, NULL, "chain backward"), 0);
    clReleaseEvent(w);
    clReleaseEvent(f);
    clReleaseEvent(b);
    clReleaseMemObject(bx);
    clReleaseMemObject(by);
    clReleaseMemObject(bdx);
    free(x);
    free(y);
    free(dx);
}

static void test_chain_two_queues(void **state)
{
    ts_env *env = *state;
    cl_command_queue qb = second_queue(env, 0);
    chain(env, env->queue, qb);
    clReleaseCommandQueue(qb);
}

static void test_chain_out_of_order(void **state)
{
    ts_env *env = *state;
    cl_command_queue_properties props = 0;
    ts_cl_check(clGetDeviceInfo(env->device, CL_DEVICE_QUEUE_PROPERTIES, sizeof props, &props,
                                NULL));
    if (!(props & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE)) {
        print_message("the device has no out-of-order queues\n");
        skip();
    }
    cl_command_queue q = second_queue(env, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
    chain(env, q, q);
    clReleaseCommandQueue(q);
}

/* A profiling queue: the returned event carries the kernel's timestamps. */
static void test_profiling_event(void **state)
{
    ts_env *env = *state;
    cl_command_queue q = second_queue(env, CL_QUEUE_PROFILING_ENABLE);
    float *x = ts_alloc(GOLU_F32, N), *y = ts_alloc(GOLU_F32, N);
    ts_fill_uniform(GOLU_F32, x, N, -20.0, 20.0, 505);
    ts_assert_status(env->ctx, ts_forward_on(env->ctx, env->cl_ctx, q, GOLU_F32, N, x, y, NULL),
                     GOLU_OK);
    assert_int_equal(ts_check(GOLU_F32, 0, N, x, NULL, y, NULL, NULL, "profiling queue"), 0);
    cl_mem bx = ts_buffer(env, N * 4), by = ts_buffer(env, N * 4);
    ts_write(env, bx, 0, N * 4, x);
    cl_event ev = NULL;
    ts_assert_status(env->ctx, golu_enqueue_forward(env->ctx, q, GOLU_F32, N, bx, 0, by, 0, NULL,
                                                    0, NULL, &ev),
                     GOLU_OK);
    ts_cl_check(clWaitForEvents(1, &ev));
    cl_ulong start = 0, end = 0;
    ts_cl_check(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL));
    ts_cl_check(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL));
    assert_true(end >= start);
    assert_true(start > 0);
    print_message("f32 forward of %d elements: %.1f us of device time\n", N,
                  (double)(end - start) / 1e3);
    clReleaseEvent(ev);
    clReleaseMemObject(bx);
    clReleaseMemObject(by);
    clReleaseCommandQueue(q);
    free(x);
    free(y);
}

/* Work enqueued behind a user event, then its golu_context destroyed: it still runs, correctly. */
static void test_destroy_with_pending_work(void **state)
{
    ts_env *env = *state;
    /* NVIDIA's OpenCL (driver 580.159.04, H200) reads freed memory once the gate opens when the
     * pending kernels of two programs have had all their objects released: this f32 forward and
     * f16 backward crashed under MALLOC_PERTURB_ (which meson test sets), and so did a bare
     * OpenCL program of two programs with no libgolu in it (docs/API.md, "Known driver faults").
     * The library cannot tell pending work from finished; there only the forward (one program,
     * which did not crash) is left pending. */
    char platform[256] = "";
    ts_cl_check(clGetPlatformInfo(env->platform, CL_PLATFORM_NAME, sizeof platform - 1, platform,
                                  NULL));
    const int two_programs = strstr(platform, "NVIDIA") == NULL;
    if (!two_programs)
        print_message("%s: the forward alone (a driver fault, docs/API.md \"Known driver "
                      "faults\")\n", platform);
    golu_context *gc = NULL;
    ts_assert_status(NULL, golu_context_create(env->cl_ctx, 1, &env->device, &gc), GOLU_OK);
    float *x = ts_alloc(GOLU_F32, N), *y = ts_alloc(GOLU_F32, N), *dx = ts_alloc(GOLU_F32, N);
    ts_fill_uniform(GOLU_F32, x, N, -20.0, 20.0, 606);
    cl_mem bx = ts_buffer(env, N * 4), by = ts_sentinel_buffer(env, N * 4);
    cl_mem bdx = ts_sentinel_buffer(env, N * 4);
    ts_write(env, bx, 0, N * 4, x);
    cl_int err = CL_SUCCESS;
    cl_event gate = clCreateUserEvent(env->cl_ctx, &err);
    ts_cl_check(err);
    cl_event f = NULL, b = NULL;
    golu_status s1 = golu_enqueue_forward(gc, env->queue, GOLU_F32, N, bx, 0, by, 0, NULL, 1,
                                          &gate, &f);
    golu_status s2 = two_programs ? golu_enqueue_backward(gc, env->queue, GOLU_F16, N / 2, bx, 0,
                                                          bx, 0, bdx, 0, NULL, 1, &gate, &b)
                                  : GOLU_OK;
    golu_context_destroy(gc);
    ts_cl_check(clSetUserEventStatus(gate, CL_COMPLETE));
    ts_assert_status(NULL, s1, GOLU_OK);
    ts_assert_status(NULL, s2, GOLU_OK);
    ts_cl_check(clWaitForEvents(1, &f));
    ts_read(env, by, 0, N * 4, y);
    assert_int_equal(ts_check(GOLU_F32, 0, N, x, NULL, y, NULL, NULL, "after destroy"), 0);
    if (two_programs) { /* the f16 backward read the f32 bytes as f16 patterns: check it so */
        uint16_t *h = (uint16_t *)x, *hdx = malloc(N / 2 * 2);
        assert_non_null(hdx);
        ts_cl_check(clWaitForEvents(1, &b));
        ts_read(env, bdx, 0, N / 2 * 2, hdx);
        assert_int_equal(ts_check(GOLU_F16, 1, N / 2, h, h, hdx, NULL, NULL, "after destroy"), 0);
        free(hdx);
        clReleaseEvent(b);
    }
    clReleaseEvent(gate);
    clReleaseEvent(f);
    clReleaseMemObject(bx);
    clReleaseMemObject(by);
    clReleaseMemObject(bdx);
    free(x);
    free(y);
    free(dx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wait_list_forward),  cmocka_unit_test(test_wait_list_backward),
        cmocka_unit_test(test_chain_two_queues),   cmocka_unit_test(test_chain_out_of_order),
        cmocka_unit_test(test_profiling_event),    cmocka_unit_test(test_destroy_with_pending_work),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
