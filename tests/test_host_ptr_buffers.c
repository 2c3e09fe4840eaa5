/*
 * test_host_ptr_buffers: buffers that wrap the caller's memory (CL_MEM_USE_HOST_PTR) sit wherever
 * that memory is; malloc aligns to 16 bytes, not to a whole kernel vector. Every misalignment
 * from 0 to 60 bytes, every dtype, forward in-place and backward: results checked, no crash (the
 * aligned kernels once read float16 vectors from such memory and faulted on PoCL). Also the
 * buffer kinds the kernels cannot use: an input made CL_MEM_WRITE_ONLY, an output made
 * CL_MEM_READ_ONLY.
 */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#define N 4099

static void test_misaligned_host_memory(void **state)
{
    ts_env *env = *state;
    for (size_t t = 0; t < GOLU_DTYPE_COUNT; t++) {
        golu_dtype dtype = ts_all_dtypes[t];
        if (!ts_dtype_ok(env, dtype))
            continue;
        const size_t esize = golu_dtype_size(dtype), bytes = N * esize;
        for (size_t shift = 0; shift < 64; shift += esize) {
            unsigned char *raw = malloc(3 * bytes + 256);
            assert_non_null(raw);
            unsigned char *base = (unsigned char *)(((uintptr_t)raw + 127) / 128 * 128) + shift;
            void *x = ts_alloc(dtype, N), *dy = ts_alloc(dtype, N), *y = ts_alloc(dtype, N);
            ts_fill_uniform(dtype, x, N, -12.0, 12.0, 11 + shift);
            ts_fill_uniform(dtype, dy, N, -3.0, 3.0, 12 + shift);
            memcpy(base, x, bytes);                 /* in-place forward: y overwrites x */
            memcpy(base + bytes, x, bytes);         /* x for the backward */
            memcpy(base + 2 * bytes, dy, bytes);    /* dy, overwritten by dx */
            cl_int err;
            cl_mem buf = clCreateBuffer(env->cl_ctx, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR,
                                        3 * bytes, base, &err);
            ts_cl_check(err);
            ts_assert_status(env->ctx, golu_enqueue_forward(env->ctx, env->queue, dtype, N, buf, 0,
                                                            buf, 0, NULL, 0, NULL, NULL),
                             GOLU_OK);
            ts_assert_status(env->ctx, golu_enqueue_backward(env->ctx, env->queue, dtype, N, buf,
                                                             2 * N, buf, N, buf, 2 * N, NULL, 0,
                                                             NULL, NULL),
                             GOLU_OK);
            ts_cl_check(clEnqueueReadBuffer(env->queue, buf, CL_TRUE, 0, bytes, y, 0, NULL, NULL));
            assert_int_equal(ts_check(dtype, 0, N, x, NULL, y, NULL, NULL, "host-ptr forward"), 0);
            ts_cl_check(clEnqueueReadBuffer(env->queue, buf, CL_TRUE, 2 * bytes, bytes, y, 0, NULL,
                                            NULL));
            assert_int_equal(ts_check(dtype, 1, N, x, dy, y, NULL, NULL, "host-ptr backward"), 0);
            clReleaseMemObject(buf);
            free(x), free(dy), free(y), free(raw);
        }
    }
}

static void test_access_flags(void **state)
{
    ts_env *env = *state;
    cl_int err;
    cl_mem ro = clCreateBuffer(env->cl_ctx, CL_MEM_READ_ONLY, 64 * 4, NULL, &err);
    ts_cl_check(err);
    cl_mem wo = clCreateBuffer(env->cl_ctx, CL_MEM_WRITE_ONLY, 64 * 4, NULL, &err);
    ts_cl_check(err);
    cl_event sentinel = (cl_event)(uintptr_t)0x5e17;
    cl_event ev = sentinel;
    ts_assert_status(env->ctx, golu_enqueue_forward(env->ctx, env->queue, GOLU_F32, 64, ro, 0, ro,
                                                    0, NULL, 0, NULL, &ev),
                     GOLU_ERROR_INVALID_ARGUMENT);
    assert_true(ev == sentinel);
    assert_non_null(strstr(golu_context_detail(env->ctx), "y: buffer is CL_MEM_READ_ONLY"));
    ts_assert_status(env->ctx, golu_enqueue_forward(env->ctx, env->queue, GOLU_F32, 64, wo, 0, wo,
                                                    0, NULL, 0, NULL, &ev),
                     GOLU_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(golu_context_detail(env->ctx), "x: buffer is CL_MEM_WRITE_ONLY"));
    ts_assert_status(env->ctx, golu_enqueue_forward(env->ctx, env->queue, GOLU_F32, 64, ro, 0, wo,
                                                    0, NULL, 0, NULL, &ev),
                     GOLU_OK);
    ts_cl_check(clFinish(env->queue));
    clReleaseEvent(ev);
    clReleaseMemObject(ro);
    clReleaseMemObject(wo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_misaligned_host_memory),
        cmocka_unit_test(test_access_flags),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
