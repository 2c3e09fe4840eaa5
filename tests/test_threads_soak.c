/*
 * test_threads_soak: one golu_context shared by 8 threads x 1000 calls each, every thread with
 * its own buffers and parameters, on a queue per thread and on one shared queue. A race on the
 * shared cl_kernel objects (clSetKernelArg is not thread-safe) would show as a result computed
 * with another thread's buffers or parameters. Each thread keeps its first results, every later
 * call must reproduce them bit for bit, and the main thread checks the first results against
 * the reference (cmocka's asserts are not thread-safe).
 */
#include "test_support.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define CALLS 1000

typedef struct {
    ts_env *env;
    cl_command_queue shared; /* NULL: a queue of its own */
    size_t n;
    golu_params params;
    float *x, *dy, *first_y, *first_dx, *scratch;
    int mismatches;          /* later calls that differ from the first */
    golu_status status;
    cl_int cl_error;
} soak_worker;

static void *soak(void *arg)
{
    soak_worker *w = arg;
    const size_t bytes = w->n * sizeof(float);
    cl_int err = CL_SUCCESS;
    cl_command_queue q = w->shared ? w->shared
                                   : clCreateCommandQueue(w->env->cl_ctx, w->env->device, 0, &err);
    cl_mem bx = err == CL_SUCCESS ? clCreateBuffer(w->env->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err) : NULL;
    cl_mem bdy = err == CL_SUCCESS ? clCreateBuffer(w->env->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err) : NULL;
    cl_mem bout = err == CL_SUCCESS ? clCreateBuffer(w->env->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err) : NULL;
    if (err == CL_SUCCESS)
        err = clEnqueueWriteBuffer(q, bx, CL_TRUE, 0, bytes, w->x, 0, NULL, NULL);
    if (err == CL_SUCCESS)
        err = clEnqueueWriteBuffer(q, bdy, CL_TRUE, 0, bytes, w->dy, 0, NULL, NULL);
    w->status = GOLU_OK;
    for (int call = 0; call < CALLS && err == CL_SUCCESS && w->status == GOLU_OK; call++) {
        int backward = call % 2;
        w->status = backward ? golu_enqueue_backward(w->env->ctx, q, GOLU_F32, w->n, bdy, 0, bx, 0,
                                                     bout, 0, &w->params, 0, NULL, NULL)
                             : golu_enqueue_forward(w->env->ctx, q, GOLU_F32, w->n, bx, 0, bout, 0,
                                                    &w->params, 0, NULL, NULL);
        if (w->status != GOLU_OK)
            break;
        float *dst = call == 0 ? w->first_y : call == 1 ? w->first_dx : w->scratch;
        err = clEnqueueReadBuffer(q, bout, CL_TRUE, 0, bytes, dst, 0, NULL, NULL);
        if (err == CL_SUCCESS && call > 1 &&
            memcmp(dst, backward ? w->first_dx : w->first_y, bytes) != 0)
            w->mismatches++;
    }
    w->cl_error = err;
    if (bout)
        clReleaseMemObject(bout);
    if (bdy)
        clReleaseMemObject(bdy);
    if (bx)
        clReleaseMemObject(bx);
    if (!w->shared && q)
        clReleaseCommandQueue(q);
    return NULL;
}

static void run_soak(ts_env *env, int shared_queue)
{
    soak_worker ws[THREADS];
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++) {
        soak_worker *w = &ws[t];
        memset(w, 0, sizeof *w);
        w->env = env;
        w->shared = shared_queue ? env->queue : NULL;
        w->n = 257 + 31 * (size_t)t; /* odd sizes: every thread also runs the tail path */
        w->params = (golu_params){0.75 + 0.125 * t, 0.5 + 0.25 * t, 1.5 - 0.125 * t};
        w->x = ts_alloc(GOLU_F32, w->n);
        w->dy = ts_alloc(GOLU_F32, w->n);
        w->first_y = ts_alloc(GOLU_F32, w->n);
        w->first_dx = ts_alloc(GOLU_F32, w->n);
        w->scratch = ts_alloc(GOLU_F32, w->n);
        ts_fill_uniform(GOLU_F32, w->x, w->n, -12.0, 12.0, 300 + (uint64_t)t);
        ts_fill_uniform(GOLU_F32, w->dy, w->n, -3.0, 3.0, 400 + (uint64_t)t);
    }
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, soak, &ws[t]), 0);
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_join(th[t], NULL), 0);
    for (int t = 0; t < THREADS; t++) {
        soak_worker *w = &ws[t];
        if (w->status != GOLU_OK)
            print_message("thread %d: %s (%s)\n", t, golu_status_name(w->status),
                          golu_context_detail(env->ctx));
        assert_int_equal(w->status, GOLU_OK);
        ts_cl_check(w->cl_error);
        assert_int_equal(w->mismatches, 0);
        assert_int_equal(ts_check(GOLU_F32, 0, w->n, w->x, NULL, w->first_y, &w->params, NULL,
                                  "soak forward"),
                         0);
        assert_int_equal(ts_check(GOLU_F32, 1, w->n, w->x, w->dy, w->first_dx, &w->params, NULL,
                                  "soak backward"),
                         0);
        free(w->x), free(w->dy), free(w->first_y), free(w->first_dx), free(w->scratch);
    }
}

static void test_queue_per_thread(void **state) { run_soak(*state, 0); }
static void test_shared_queue(void **state) { run_soak(*state, 1); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_per_thread),
        cmocka_unit_test(test_shared_queue),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
