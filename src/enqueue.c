/* golu_enqueue_forward() and golu_enqueue_backward(): validate everything, then set the kernel's
 * arguments and enqueue it under the kernel's lock. */
#include "golu_internal.h"

#include <string.h>

/* n == 0: nothing to compute, but a requested event must still be a valid one: a marker, so that
 * it is a command of the queue like any other (profiling info included), complete once the wait
 * list (or, on an in-order queue, everything enqueued before it) is. */
static golu_status empty_event(golu_context *ctx, cl_command_queue queue, cl_uint num_events,
                               const cl_event *wait_list, cl_event *event)
{
    if (!event)
        return GOLU_OK;
    cl_int err = clEnqueueMarkerWithWaitList(queue, num_events, wait_list, event);
    return err == CL_SUCCESS ? GOLU_OK : golu_fail_cl(ctx, "clEnqueueMarkerWithWaitList", err);
}

/* The parameters in the kernel's scalar type: float, or double for f64. */
typedef union {
    float f[3];
    double d[3];
} golu_scalars;

static size_t pack_params(const golu_params *p, golu_dtype dtype, golu_scalars *s)
{
    static const golu_params defaults = GOLU_PARAMS_DEFAULT_INIT;
    if (!p)
        p = &defaults;
    if (dtype == GOLU_F64) {
        s->d[0] = p->alpha, s->d[1] = p->beta, s->d[2] = p->gamma;
        return sizeof(double);
    }
    s->f[0] = (float)p->alpha, s->f[1] = (float)p->beta, s->f[2] = (float)p->gamma;
    return sizeof(float);
}

static golu_status launch(golu_context *ctx, cl_command_queue queue, golu_dtype dtype, golu_pass pass,
                          uint64_t n, golu_array_arg *arrays, int count,
                          const golu_params *params, cl_uint num_events, const cl_event *wait_list,
                          cl_event *event)
{
    golu_status status;
    cl_uint dev_index = 0;
    if ((status = golu_validate_params(ctx, params)) != GOLU_OK ||
        (status = golu_validate_wait_list(ctx, num_events, wait_list)) != GOLU_OK ||
        (status = golu_validate_queue(ctx, queue, &dev_index)) != GOLU_OK ||
        (status = golu_validate_dtype(ctx, &ctx->devices[dev_index], dtype)) != GOLU_OK ||
        (status = golu_validate_arrays(ctx, arrays, count, dtype, n)) != GOLU_OK)
        return status;
    if (n == 0)
        return empty_event(ctx, queue, num_events, wait_list, event);

    golu_program_slot *program;
    if ((status = golu_program_get(ctx, dev_index, dtype, pass, &program)) != GOLU_OK)
        return status;

    /* Whole-vector loads need every array's first element aligned to a whole vector: device
     * buffers and sub-buffer origins are aligned to CL_DEVICE_MEM_BASE_ADDR_ALIGN, but a
     * CL_MEM_USE_HOST_PTR buffer is wherever the caller's memory is (malloc: 16 bytes). */
    const uint64_t vector_bytes = program->vw * golu_dtype_size(dtype);
    int aligned = 1;
    for (int i = 0; i < count; i++)
        aligned &= arrays[i].address % vector_bytes == 0;
    golu_kernel_id id = pass == GOLU_PASS_FORWARD
                            ? (aligned ? GOLU_KERNEL_FORWARD_ALIGNED : GOLU_KERNEL_FORWARD)
                            : (aligned ? GOLU_KERNEL_BACKWARD_ALIGNED : GOLU_KERNEL_BACKWARD);
    golu_kernel_slot *ks = &program->kernels[id];

    golu_scalars scalars;
    golu_launch_args args = {.count = count, .n = n};
    args.scalar_size = pack_params(params, dtype, &scalars);
    for (int i = 0; i < 3; i++)
        args.scalars[i] = dtype == GOLU_F64 ? (const void *)&scalars.d[i] : (const void *)&scalars.f[i];
    for (int i = 0; i < count; i++) {
        args.mems[i] = arrays[i].mem;
        args.offsets[i] = arrays[i].offset;
    }
    size_t global, local;
    cl_int err = golu_kernel_launch(ks, &args, program->vw, queue, num_events, wait_list, event,
                                    &global, &local);
    if (err != CL_SUCCESS)
        return golu_fail(ctx, GOLU_ERROR_OPENCL, "%s(%s, n=%llu, global=%zu, local=%zu): %s (%d)",
                         golu_kernel_names[id], golu_dtype_name(dtype), (unsigned long long)n,
                         global, local, golu_cl_error_name(err), (int)err);
    return GOLU_OK;
}

golu_status golu_enqueue_forward(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                                 uint64_t n, cl_mem x, uint64_t x_offset, cl_mem y,
                                 uint64_t y_offset, const golu_params *params, cl_uint num_events,
                                 const cl_event *wait_list, cl_event *event)
{
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    if (!queue || !x || !y)
        return golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "golu_enqueue_forward: %s is NULL",
                         !queue ? "queue" : !x ? "x" : "y");
    golu_array_arg arrays[2] = {{.name = "x", .mem = x, .offset = x_offset},
                                {.name = "y", .mem = y, .offset = y_offset, .is_output = 1}};
    return launch(ctx, queue, dtype, GOLU_PASS_FORWARD, n, arrays, 2, params, num_events, wait_list,
                  event);
}

golu_status golu_enqueue_backward(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                                  uint64_t n, cl_mem dy, uint64_t dy_offset, cl_mem x,
                                  uint64_t x_offset, cl_mem dx, uint64_t dx_offset,
                                  const golu_params *params, cl_uint num_events,
                                  const cl_event *wait_list, cl_event *event)
{
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    if (!queue || !dy || !x || !dx)
        return golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "golu_enqueue_backward: %s is NULL",
                         !queue ? "queue" : !dy ? "dy" : !x ? "x" : "dx");
    golu_array_arg arrays[3] = {
        {.name = "dy", .mem = dy, .offset = dy_offset},
        {.name = "x", .mem = x, .offset = x_offset},
        {.name = "dx", .mem = dx, .offset = dx_offset, .is_output = 1}};
    return launch(ctx, queue, dtype, GOLU_PASS_BACKWARD, n, arrays, 3, params, num_events,
                  wait_list, event);
}
