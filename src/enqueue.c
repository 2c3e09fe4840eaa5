/* golu_enqueue_forward() and golu_enqueue_backward(), and their blending forms: validate
 * everything, then set the kernel's arguments and enqueue it under the kernel's lock. */
#include "golu_internal.h"

#include <string.h>

/* The element-wise kernels: [pass][blending][aligned]. A NULL or {1, 0} blend runs the plain
 * kernels, which are exactly that; blending variants read the output only when t != 0. */
static const golu_kernel_id elementwise_kernels[GOLU_PASS_COUNT][2][2] = {
    [GOLU_PASS_FORWARD] = {{GOLU_KERNEL_FORWARD, GOLU_KERNEL_FORWARD_ALIGNED},
                           {GOLU_KERNEL_FORWARD_BLEND, GOLU_KERNEL_FORWARD_BLEND_ALIGNED}},
    [GOLU_PASS_BACKWARD] = {{GOLU_KERNEL_BACKWARD, GOLU_KERNEL_BACKWARD_ALIGNED},
                            {GOLU_KERNEL_BACKWARD_BLEND, GOLU_KERNEL_BACKWARD_BLEND_ALIGNED}},
};

static golu_status launch(golu_context *ctx, cl_command_queue queue, golu_dtype dtype, golu_pass pass,
                          uint64_t n, golu_array_arg *arrays, int count, const golu_params *params,
                          const golu_blend *blend, cl_uint num_events, const cl_event *wait_list,
                          cl_event *event)
{
    golu_status status;
    cl_uint dev_index = 0;
    if ((status = golu_validate_call(ctx, queue, dtype, params, blend, num_events, wait_list,
                                     arrays, count, n, &dev_index)) != GOLU_OK)
        return status;
    if (n == 0)
        return golu_empty_event(ctx, queue, num_events, wait_list, event);

    golu_program_slot *program;
    if ((status = golu_program_get(ctx, dev_index, dtype, pass, &program)) != GOLU_OK)
        return status;

    const int blending = !golu_blend_is_plain(blend);
    const int aligned =
        golu_arrays_aligned(arrays, count, program->vw * golu_dtype_size(dtype));
    golu_kernel_id id = elementwise_kernels[pass][blending][aligned];
    golu_kernel_slot *ks = &program->kernels[id];

    golu_scalars scalars;
    golu_scalars_pack(&scalars, dtype, params, blend);
    golu_launch_args args = {.count = count, .n = n};
    golu_scalars_use(&scalars, GOLU_SCALAR_ALPHA, blending ? 5 : 3, &args);
    for (int i = 0; i < count; i++) {
        args.mems[i] = arrays[i].mem;
        args.offsets[i] = arrays[i].offset;
    }
    size_t global, local;
    cl_int err = golu_kernel_launch(ks, &args, program->vw, queue, num_events, wait_list, event,
                                    &global, &local);
    if (err != CL_SUCCESS)
        return golu_launch_failed(ctx, id, dtype, n, 0, global, local, err);
    return GOLU_OK;
}

/* The arrays of each pass, checked for NULL with the calling function's name in the detail. */
static golu_status forward_call(const char *fn, golu_context *ctx, cl_command_queue queue,
                                golu_dtype dtype, uint64_t n, cl_mem x, uint64_t x_offset, cl_mem y,
                                uint64_t y_offset, const golu_params *params,
                                const golu_blend *blend, cl_uint num_events,
                                const cl_event *wait_list, cl_event *event)
{
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    if (!queue || !x || !y)
        return golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "%s: %s is NULL", fn,
                         !queue ? "queue" : !x ? "x" : "y");
    golu_array_arg arrays[2] = {{.name = "x", .mem = x, .offset = x_offset},
                                {.name = "y", .mem = y, .offset = y_offset, .is_output = 1}};
    return launch(ctx, queue, dtype, GOLU_PASS_FORWARD, n, arrays, 2, params, blend, num_events,
                  wait_list, event);
}

static golu_status backward_call(const char *fn, golu_context *ctx, cl_command_queue queue,
                                 golu_dtype dtype, uint64_t n, cl_mem dy, uint64_t dy_offset,
                                 cl_mem x, uint64_t x_offset, cl_mem dx, uint64_t dx_offset,
                                 const golu_params *params, const golu_blend *blend,
                                 cl_uint num_events, const cl_event *wait_list, cl_event *event)
{
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    if (!queue || !dy || !x || !dx)
        return golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "%s: %s is NULL", fn,
                         !queue ? "queue" : !dy ? "dy" : !x ? "x" : "dx");
    golu_array_arg arrays[3] = {{.name = "dy", .mem = dy, .offset = dy_offset},
                                {.name = "x", .mem = x, .offset = x_offset},
                                {.name = "dx", .mem = dx, .offset = dx_offset, .is_output = 1}};
    return launch(ctx, queue, dtype, GOLU_PASS_BACKWARD, n, arrays, 3, params, blend, num_events,
                  wait_list, event);
}

golu_status golu_enqueue_forward(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                                 uint64_t n, cl_mem x, uint64_t x_offset, cl_mem y,
                                 uint64_t y_offset, const golu_params *params, cl_uint num_events,
                                 const cl_event *wait_list, cl_event *event)
{
    return forward_call("golu_enqueue_forward", ctx, queue, dtype, n, x, x_offset, y, y_offset,
                        params, NULL, num_events, wait_list, event);
}

golu_status golu_enqueue_forward_blend(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                                       uint64_t n, cl_mem x, uint64_t x_offset, cl_mem y,
                                       uint64_t y_offset, const golu_params *params,
                                       const golu_blend *blend, cl_uint num_events,
                                       const cl_event *wait_list, cl_event *event)
{
    return forward_call("golu_enqueue_forward_blend", ctx, queue, dtype, n, x, x_offset, y,
                        y_offset, params, blend, num_events, wait_list, event);
}

golu_status golu_enqueue_backward(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                                  uint64_t n, cl_mem dy, uint64_t dy_offset, cl_mem x,
                                  uint64_t x_offset, cl_mem dx, uint64_t dx_offset,
                                  const golu_params *params, cl_uint num_events,
                                  const cl_event *wait_list, cl_event *event)
{
    return backward_call("golu_enqueue_backward", ctx, queue, dtype, n, dy, dy_offset, x, x_offset,
                         dx, dx_offset, params, NULL, num_events, wait_list, event);
}

golu_status golu_enqueue_backward_blend(golu_context *ctx, cl_command_queue queue,
                                        golu_dtype dtype, uint64_t n, cl_mem dy,
                                        uint64_t dy_offset, cl_mem x, uint64_t x_offset,
                                        cl_mem dx, uint64_t dx_offset, const golu_params *params,
                                        const golu_blend *blend, cl_uint num_events,
                                        const cl_event *wait_list, cl_event *event)
{
    return backward_call("golu_enqueue_backward_blend", ctx, queue, dtype, n, dy, dy_offset, x,
                         x_offset, dx, dx_offset, params, blend, num_events, wait_list, event);
}
