/* Blocking host-pointer calls for simple programs: copy in, run on the default queue, copy out. */
#include "golu_internal.h"

/* Device copies of up to three host arrays; equal host pointers share one buffer (in-place). */
typedef struct {
    const void *host[3];
    cl_mem mem[3];
    int count;
} golu_staging;

static golu_status stage(golu_context *ctx, golu_staging *s, const void *host, size_t bytes, cl_mem *out)
{
    for (int i = 0; i < s->count; i++) {
        if (s->host[i] == host) {
            *out = s->mem[i];
            return GOLU_OK;
        }
    }
    cl_int err;
    cl_mem mem = clCreateBuffer(ctx->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err);
    if (err != CL_SUCCESS)
        return golu_fail_cl(ctx, "clCreateBuffer", err);
    s->host[s->count] = host;
    s->mem[s->count++] = mem;
    *out = mem;
    return GOLU_OK;
}

static void unstage(golu_staging *s)
{
    for (int i = 0; i < s->count; i++)
        clReleaseMemObject(s->mem[i]);
}

static golu_status upload(golu_context *ctx, cl_command_queue q, cl_mem mem, const void *host, size_t bytes)
{
    cl_int err = clEnqueueWriteBuffer(q, mem, CL_FALSE, 0, bytes, host, 0, NULL, NULL);
    return err == CL_SUCCESS ? GOLU_OK : golu_fail_cl(ctx, "clEnqueueWriteBuffer", err);
}

static golu_status download(golu_context *ctx, cl_command_queue q, cl_mem mem, void *host, size_t bytes)
{
    cl_int err = clEnqueueReadBuffer(q, mem, CL_TRUE, 0, bytes, host, 0, NULL, NULL);
    return err == CL_SUCCESS ? GOLU_OK : golu_fail_cl(ctx, "clEnqueueReadBuffer", err);
}

/* Checks shared by both calls; sets *bytes. */
static golu_status host_precheck(golu_context *ctx, golu_dtype dtype, uint64_t n, size_t *bytes,
                                 cl_command_queue *q)
{
    size_t esize = golu_dtype_size(dtype);
    if (esize == 0)
        return golu_fail(ctx, GOLU_ERROR_INVALID_DTYPE, "dtype: %d is not a golu_dtype", (int)dtype);
    if (n > SIZE_MAX / esize)
        return golu_fail(ctx, GOLU_ERROR_SIZE_OVERFLOW, "n = %llu elements do not fit in host memory",
                         (unsigned long long)n);
    *bytes = (size_t)n * esize;
    /* The default queue's device is the context's first. */
    if (*bytes > ctx->devices[0].max_mem_alloc_size)
        return golu_fail(ctx, GOLU_ERROR_TOO_LARGE,
                         "n = %llu %s elements (%zu bytes) exceed the device's largest allocation, "
                         "CL_DEVICE_MAX_MEM_ALLOC_SIZE = %llu bytes",
                         (unsigned long long)n, golu_dtype_name(dtype), *bytes,
                         (unsigned long long)ctx->devices[0].max_mem_alloc_size);
    *q = golu_context_default_queue(ctx);
    return *q ? GOLU_OK : GOLU_ERROR_OPENCL;
}

golu_status golu_forward_host(golu_context *ctx, golu_dtype dtype, uint64_t n, const void *x, void *y,
                              const golu_params *params)
{
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    if (!x || !y)
        return golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "golu_forward_host: %s is NULL", !x ? "x" : "y");
    size_t bytes = 0;
    cl_command_queue q = NULL;
    golu_status status = host_precheck(ctx, dtype, n, &bytes, &q);
    if (status != GOLU_OK || n == 0)
        return status == GOLU_OK ? golu_validate_params(ctx, params) : status;
    golu_staging s = {0};
    cl_mem xm = NULL, ym = NULL;
    if ((status = stage(ctx, &s, x, bytes, &xm)) == GOLU_OK &&
        (status = stage(ctx, &s, y, bytes, &ym)) == GOLU_OK &&
        (status = upload(ctx, q, xm, x, bytes)) == GOLU_OK &&
        (status = golu_enqueue_forward(ctx, q, dtype, n, xm, 0, ym, 0, params, 0, NULL, NULL)) == GOLU_OK)
        status = download(ctx, q, ym, y, bytes);
    clFinish(q);
    unstage(&s);
    return status;
}

golu_status golu_backward_host(golu_context *ctx, golu_dtype dtype, uint64_t n, const void *dy,
                               const void *x, void *dx, const golu_params *params)
{
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    if (!dy || !x || !dx)
        return golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "golu_backward_host: %s is NULL",
                         !dy ? "dy" : !x ? "x" : "dx");
    size_t bytes = 0;
    cl_command_queue q = NULL;
    golu_status status = host_precheck(ctx, dtype, n, &bytes, &q);
    if (status != GOLU_OK || n == 0)
        return status == GOLU_OK ? golu_validate_params(ctx, params) : status;
    golu_staging s = {0};
    cl_mem dym = NULL, xm = NULL, dxm = NULL;
    if ((status = stage(ctx, &s, dy, bytes, &dym)) == GOLU_OK &&
        (status = stage(ctx, &s, x, bytes, &xm)) == GOLU_OK &&
        (status = stage(ctx, &s, dx, bytes, &dxm)) == GOLU_OK &&
        (status = upload(ctx, q, dym, dy, bytes)) == GOLU_OK &&
        (xm == dym || (status = upload(ctx, q, xm, x, bytes)) == GOLU_OK) &&
        (status = golu_enqueue_backward(ctx, q, dtype, n, dym, 0, xm, 0, dxm, 0, params, 0, NULL,
                                        NULL)) == GOLU_OK)
        status = download(ctx, q, dxm, dx, bytes);
    clFinish(q);
    unstage(&s);
    return status;
}
