/* golu-bench --accuracy: running one chunk on the device (see acc_runner.h). */
#include "acc_runner.h"

#include "errors.h"

#include <string.h>

static cl_mem create_buffer(const bench_device *d, size_t bytes)
{
    cl_int err;
    cl_mem m = clCreateBuffer(d->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err);
    if (!m)
        bench_report_cl("clCreateBuffer", err);
    return m;
}

/* dy = 1 in the buffer's element type. */
static int fill_ones(const bench_device *d, cl_mem m, golu_dtype dtype, size_t n)
{
    static const float one_f = 1.0f;
    static const double one_d = 1.0;
    static const cl_ushort one_f16 = 0x3c00, one_bf16 = 0x3f80;
    const void *pattern = &one_f;
    size_t size = sizeof one_f;
    if (dtype == GOLU_F64) {
        pattern = &one_d;
        size = sizeof one_d;
    } else if (dtype == GOLU_F16 || dtype == GOLU_BF16) {
        pattern = dtype == GOLU_F16 ? &one_f16 : &one_bf16;
        size = sizeof one_f16;
    }
    cl_int err = clEnqueueFillBuffer(d->queue, m, pattern, size, 0, n * size, 0, NULL, NULL);
    if (err != CL_SUCCESS) {
        bench_report_cl("clEnqueueFillBuffer", err);
        return -1;
    }
    return 0;
}

static cl_mem shared(cl_mem m)
{
    clRetainMemObject(m);
    return m;
}

int acc_runner_open(acc_runner *r, const bench_device *dev, const bench_seed *seed,
                    golu_dtype dtype, const golu_params *params, size_t capacity)
{
    memset(r, 0, sizeof *r);
    r->dev = dev;
    r->seed = seed;
    r->dtype = dtype;
    r->params = *params;
    r->capacity = capacity;
    r->seed_f64 = dtype == GOLU_F64;
    const size_t bytes = capacity * golu_dtype_size(dtype);
    const size_t seed_bytes = capacity * (r->seed_f64 ? sizeof(double) : sizeof(float));
    const int wide = dtype == GOLU_F32 || dtype == GOLU_F64; /* the seed reads the same x, dy */
    int ok = (r->x = create_buffer(dev, bytes)) && (r->y = create_buffer(dev, bytes))
             && (r->dx = create_buffer(dev, bytes)) && (r->dy = create_buffer(dev, bytes))
             && (r->sx = wide ? shared(r->x) : create_buffer(dev, seed_bytes))
             && (r->sdy = wide ? shared(r->dy) : create_buffer(dev, seed_bytes))
             && (r->sy = create_buffer(dev, seed_bytes))
             && (r->sdx = create_buffer(dev, seed_bytes));
    if (ok && fill_ones(dev, r->dy, dtype, capacity) != 0)
        ok = 0;
    if (ok && !wide && fill_ones(dev, r->sdy, GOLU_F32, capacity) != 0)
        ok = 0;
    if (!ok) {
        acc_runner_close(r);
        return -1;
    }
    return 0;
}

void acc_runner_close(acc_runner *r)
{
    cl_mem *all[] = {&r->x, &r->y, &r->dx, &r->dy, &r->sx, &r->sy, &r->sdx, &r->sdy};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (*all[i])
            clReleaseMemObject(*all[i]);
    memset(r, 0, sizeof *r);
}

static int write_buffer(const acc_runner *r, cl_mem m, size_t bytes, const void *src)
{
    cl_int err = clEnqueueWriteBuffer(r->dev->queue, m, CL_FALSE, 0, bytes, src, 0, NULL, NULL);
    if (err != CL_SUCCESS) {
        bench_report_cl("clEnqueueWriteBuffer", err);
        return -1;
    }
    return 0;
}

static int read_buffer(const acc_runner *r, cl_mem m, size_t bytes, void *dst)
{
    cl_int err = clEnqueueReadBuffer(r->dev->queue, m, CL_FALSE, 0, bytes, dst, 0, NULL, NULL);
    if (err != CL_SUCCESS) {
        bench_report_cl("clEnqueueReadBuffer", err);
        return -1;
    }
    return 0;
}

/* 0xFF bytes are a NaN in every dtype. */
static int poison(const acc_runner *r, cl_mem m, size_t bytes)
{
    static const unsigned char ff = 0xFF;
    cl_int err = clEnqueueFillBuffer(r->dev->queue, m, &ff, 1, 0, bytes, 0, NULL, NULL);
    if (err != CL_SUCCESS) {
        bench_report_cl("clEnqueueFillBuffer", err);
        return -1;
    }
    return 0;
}

static int run_library(acc_runner *r, size_t n)
{
    const bench_device *d = r->dev;
    golu_status s = golu_enqueue_forward(d->golu, d->queue, r->dtype, n, r->x, 0, r->y, 0,
                                         &r->params, 0, NULL, NULL);
    if (s != GOLU_OK) {
        bench_report_golu(d->golu, "golu_enqueue_forward", s);
        return -1;
    }
    s = golu_enqueue_backward(d->golu, d->queue, r->dtype, n, r->dy, 0, r->x, 0, r->dx, 0,
                              &r->params, 0, NULL, NULL);
    if (s != GOLU_OK) {
        bench_report_golu(d->golu, "golu_enqueue_backward", s);
        return -1;
    }
    return 0;
}

int acc_runner_run(acc_runner *r, size_t n, const void *x, const void *seed_x, void *y, void *dx,
                   void *seed_y, void *seed_dx)
{
    const size_t bytes = n * golu_dtype_size(r->dtype);
    const size_t seed_bytes = n * (r->seed_f64 ? sizeof(double) : sizeof(float));
    const bench_seed *s = r->seed;
    if (n == 0)
        return 0;
    if (write_buffer(r, r->x, bytes, x) != 0
        || (r->sx != r->x && write_buffer(r, r->sx, seed_bytes, seed_x) != 0)
        || poison(r, r->y, bytes) != 0 || poison(r, r->dx, bytes) != 0
        || poison(r, r->sy, seed_bytes) != 0 || poison(r, r->sdx, seed_bytes) != 0
        || run_library(r, n) != 0
        || bench_seed_forward(r->dev, s, r->seed_f64, n, r->sx, r->sy, &r->params) != 0
        || bench_seed_backward(r->dev, s, r->seed_f64, n, r->sdy, r->sx, r->sdx, &r->params) != 0
        || read_buffer(r, r->y, bytes, y) != 0 || read_buffer(r, r->dx, bytes, dx) != 0
        || read_buffer(r, r->sy, seed_bytes, seed_y) != 0
        || read_buffer(r, r->sdx, seed_bytes, seed_dx) != 0) {
        clFinish(r->dev->queue); /* nothing may still write into the caller's arrays */
        return -1;
    }
    cl_int err = clFinish(r->dev->queue);
    if (err != CL_SUCCESS) {
        bench_report_cl("clFinish", err);
        return -1;
    }
    return 0;
}
