/*
 * test_threads: one golu_context used by several threads at once, as the header allows: on one
 * shared queue and on a queue per thread, each thread with its own parameters and arrays, and a
 * fresh context whose programs are first built by racing threads. Threads only record results;
 * the checks run on the main thread (cmocka's asserts are not thread-safe).
 */
#include "test_support.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4
#define ITERATIONS 12
#define N 6000

typedef struct {
    ts_env *env;
    golu_context *ctx;
    cl_command_queue queue; /* NULL: make one of its own */
    golu_dtype dtype;
    int index;
    golu_params params;
    void *x, *dy;
    void *y[ITERATIONS], *dx[ITERATIONS];
    golu_status status; /* first failure, or GOLU_OK */
    cl_int cl_error;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    const size_t bytes = N * golu_dtype_size(w->dtype);
    cl_int err = CL_SUCCESS;
    cl_command_queue q = w->queue;
    if (!q)
        q = clCreateCommandQueue(w->env->cl_ctx, w->env->device, 0, &err);
    cl_mem bx = err == CL_SUCCESS ? clCreateBuffer(w->env->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err) : NULL;
    cl_mem bdy = err == CL_SUCCESS ? clCreateBuffer(w->env->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err) : NULL;
    cl_mem out[2 * ITERATIONS] = {0};
    for (int i = 0; i < 2 * ITERATIONS && err == CL_SUCCESS; i++)
        out[i] = clCreateBuffer(w->env->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err);
    if (err == CL_SUCCESS)
        err = clEnqueueWriteBuffer(q, bx, CL_TRUE, 0, bytes, w->x, 0, NULL, NULL);
    if (err == CL_SUCCESS)
        err = clEnqueueWriteBuffer(q, bdy, CL_TRUE, 0, bytes, w->dy, 0, NULL, NULL);
    w->status = GOLU_OK;
    for (int i = 0; i < ITERATIONS && err == CL_SUCCESS && w->status == GOLU_OK; i++) {
        w->status = golu_enqueue_forward(w->ctx, q, w->dtype, N, bx, 0, out[2 * i], 0, &w->params,
                                         0, NULL, NULL);
        if (w->status == GOLU_OK)
            w->status = golu_enqueue_backward(w->ctx, q, w->dtype, N, bdy, 0, bx, 0,
                                              out[2 * i + 1], 0, &w->params, 0, NULL, NULL);
    }
    if (err == CL_SUCCESS)
        err = clFinish(q);
    for (int i = 0; i < ITERATIONS && err == CL_SUCCESS && w->status == GOLU_OK; i++) {
        err = clEnqueueReadBuffer(q, out[2 * i], CL_TRUE, 0, bytes, w->y[i], 0, NULL, NULL);
        if (err == CL_SUCCESS)
            err = clEnqueueReadBuffer(q, out[2 * i + 1], CL_TRUE, 0, bytes, w->dx[i], 0, NULL,
                                      NULL);
    }
    w->cl_error = err;
    for (int i = 0; i < 2 * ITERATIONS; i++)
        if (out[i])
            clReleaseMemObject(out[i]);
    if (bx)
        clReleaseMemObject(bx);
    if (bdy)
        clReleaseMemObject(bdy);
    if (!w->queue && q)
        clReleaseCommandQueue(q);
    return NULL;
}

static void run_threads(ts_env *env, golu_context *ctx, int shared_queue, const golu_dtype *dts)
{
    worker ws[THREADS];
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++) {
        worker *w = &ws[t];
        memset(w, 0, sizeof *w);
        w->env = env;
        w->ctx = ctx;
        w->queue = shared_queue ? env->queue : NULL;
        w->dtype = dts[t];
        w->index = t;
        w->params = (golu_params){1.0 + 0.25 * t, 1.0 - 0.2 * t, 0.5 + 0.5 * t};
        w->x = ts_alloc(w->dtype, N);
        w->dy = ts_alloc(w->dtype, N);
        ts_fill_uniform(w->dtype, w->x, N, -20.0, 20.0, 1000 + (uint64_t)t);
        ts_fill_uniform(w->dtype, w->dy, N, -4.0, 4.0, 2000 + (uint64_t)t);
        for (int i = 0; i < ITERATIONS; i++) {
            w->y[i] = ts_alloc(w->dtype, N);
            w->dx[i] = ts_alloc(w->dtype, N);
        }
    }
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, work, &ws[t]), 0);
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_join(th[t], NULL), 0);

    for (int t = 0; t < THREADS; t++) {
        worker *w = &ws[t];
        if (w->status != GOLU_OK)
            print_message("thread %d: %s (%s)\n", t, golu_status_name(w->status),
                          golu_context_detail(ctx));
        assert_int_equal(w->status, GOLU_OK);
        ts_cl_check(w->cl_error);
        for (int i = 0; i < ITERATIONS; i++) {
            /* each result matches this thread's own parameters, none another thread's */
            assert_int_equal(ts_check(w->dtype, 0, N, w->x, NULL, w->y[i], &w->params, NULL,
                                      "thread forward"),
                             0);
            assert_int_equal(ts_check(w->dtype, 1, N, w->x, w->dy, w->dx[i], &w->params, NULL,
                                      "thread backward"),
                             0);
        }
        free(w->x);
        free(w->dy);
        for (int i = 0; i < ITERATIONS; i++) {
            free(w->y[i]);
            free(w->dx[i]);
        }
    }
}

static void test_shared_queue(void **state)
{
    ts_env *env = *state;
    const golu_dtype dts[THREADS] = {GOLU_F32, GOLU_F32, GOLU_F32, GOLU_F32};
    run_threads(env, env->ctx, 1, dts);
}

static void test_queue_per_thread(void **state)
{
    ts_env *env = *state;
    const golu_dtype dts[THREADS] = {GOLU_F32, GOLU_F16, GOLU_F32, GOLU_BF16};
    run_threads(env, env->ctx, 0, dts);
}

/* A fresh context: the threads' first enqueues race to build the same programs. */
static void test_racing_first_build(void **state)
{
    ts_env *env = *state;
    golu_context *fresh = NULL;
    ts_assert_status(NULL, golu_context_create(env->cl_ctx, 1, &env->device, &fresh), GOLU_OK);
    const golu_dtype dts[THREADS] = {GOLU_BF16, GOLU_BF16, GOLU_F16, GOLU_F16};
    run_threads(env, fresh, 0, dts);
    golu_context_destroy(fresh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_queue),
        cmocka_unit_test(test_queue_per_thread),
        cmocka_unit_test(test_racing_first_build),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
