/* golu_enqueue_backward_params(): the backward that also sums the gradients of alpha, beta and
 * gamma. Two kernels of cl/golu_params.cl on the caller's queue: golu_backward_params writes dx
 * and one partial triple per work-group into a scratch buffer lent by the context's pool, then
 * golu_params_finish (one work-group) sums the partials in a fixed order into dparams. The number
 * of work-groups, hence of partials, is fixed by n and the device (golu_work_groups_for()), so the
 * sums are bit-identical from run to run. */
#include "golu_internal.h"

/* dparams = s * sum(partials) + t * dparams: the finishing kernel, after `num_events` events. */
static golu_status finish(golu_context *ctx, golu_program_slot *program, cl_command_queue queue,
                          golu_dtype dtype, cl_mem partials, uint64_t num_partials, cl_mem dparams,
                          uint64_t dparams_offset, const golu_blend *blend, cl_uint num_events,
                          const cl_event *wait_list, cl_event *event)
{
    golu_launch_args args = {.count = 2, .n = num_partials};
    args.mems[0] = partials;
    args.mems[1] = dparams;
    args.offsets[1] = dparams_offset;
    golu_scalars scalars;
    golu_scalars_pack(&scalars, dtype, NULL, blend);
    golu_scalars_use(&scalars, GOLU_SCALAR_S, 2, &args);
    size_t global, local;
    golu_kernel_slot *ks = &program->kernels[GOLU_KERNEL_PARAMS_FINISH];
    cl_int err = golu_kernel_launch(ks, &args, 1, queue, num_events, wait_list, event, &global,
                                    &local);
    if (err != CL_SUCCESS)
        return golu_launch_failed(ctx, GOLU_KERNEL_PARAMS_FINISH, dtype, num_partials, 0, global,
                                  local, err);
    return GOLU_OK;
}

/* No elements: the sums are 0, so dparams = t * dparams; t == 1 leaves it as it is (a marker stands
 * for the command when an event is asked for). */
static golu_status empty(golu_context *ctx, cl_uint dev_index, cl_command_queue queue,
                         golu_dtype dtype, cl_mem dparams, uint64_t dparams_offset,
                         const golu_blend *blend, cl_uint num_events, const cl_event *wait_list,
                         cl_event *event)
{
    if (blend->t == 1.0)
        return golu_empty_event(ctx, queue, num_events, wait_list, event);
    golu_program_slot *program;
    golu_status status = golu_program_get(ctx, dev_index, dtype, GOLU_PASS_BACKWARD, &program);
    if (status != GOLU_OK)
        return status;
    /* no partials: the kernel reads none, but its argument must still be a buffer */
    return finish(ctx, program, queue, dtype, dparams, 0, dparams, dparams_offset, blend,
                  num_events, wait_list, event);
}

golu_status golu_enqueue_backward_params(golu_context *ctx, cl_command_queue queue,
                                         golu_dtype dtype, uint64_t n, cl_mem dy,
                                         uint64_t dy_offset, cl_mem x, uint64_t x_offset,
                                         cl_mem dx, uint64_t dx_offset, cl_mem dparams,
                                         uint64_t dparams_offset, const golu_params *params,
                                         const golu_blend *blend, cl_uint num_events,
                                         const cl_event *wait_list, cl_event *event)
{
    static const golu_blend default_blend = GOLU_BLEND_DEFAULT_INIT;
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    if (!queue || !dy || !x || !dparams)
        return golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "golu_enqueue_backward_params: %s is NULL",
                         !queue ? "queue" : !dy ? "dy" : !x ? "x" : "dparams");
    /* dparams: 3 elements of the accumulation type (the size for f64 whatever the dtype says:
     * an invalid dtype is reported before the arrays are looked at), overlapping nothing at all */
    const size_t acc_size = dtype == GOLU_F64 ? sizeof(cl_double) : sizeof(cl_float);
    golu_array_arg arrays[4] = {{"dy", dy, dy_offset, 0, 0, 0, 0, 0},
                                {"x", x, x_offset, 0, 0, 0, 0, 0},
                                {"dx", dx, dx_offset, 1, 0, 0, 0, 0},
                                {"dparams", dparams, dparams_offset, 1, 0, 3, acc_size, 1}};
    golu_status status;
    cl_uint dev_index = 0;
    if ((status = golu_validate_call(ctx, queue, dtype, params, blend, num_events, wait_list,
                                     arrays, 4, n, &dev_index)) != GOLU_OK)
        return status;
    if (!blend)
        blend = &default_blend;
    if (n == 0)
        return empty(ctx, dev_index, queue, dtype, dparams, dparams_offset, blend, num_events,
                     wait_list, event);

    golu_program_slot *program;
    if ((status = golu_program_get(ctx, dev_index, dtype, GOLU_PASS_BACKWARD, &program)) != GOLU_OK)
        return status;
    /* Whole-vector loads need dy's, x's and dx's first elements aligned to a whole vector (see
     * enqueue.c); dparams is read one element at a time. */
    int aligned = golu_arrays_aligned(arrays, 3, program->vw * golu_dtype_size(dtype));
    golu_kernel_id id = aligned ? GOLU_KERNEL_BACKWARD_PARAMS_ALIGNED : GOLU_KERNEL_BACKWARD_PARAMS;
    golu_kernel_slot *ks = &program->kernels[id];

    const uint64_t num_partials = golu_work_groups_for(ks, n, program->vw);
    golu_scratch *scratch;
    status = golu_scratch_take(ctx, queue, (size_t)num_partials * 3 * acc_size, &scratch);
    if (status != GOLU_OK)
        return status;
    cl_mem partials = golu_scratch_mem(scratch);

    /* Without dx the kernel gets dy in its place, and write_dx = 0 keeps it from touching it: a
     * real buffer rather than a NULL one, which some runtimes (Oclgrind) treat as undefined. */
    golu_launch_args args = {.count = 4, .n = n, .count_count = 1, .counts = {dx ? 1 : 0}};
    args.mems[0] = dy, args.offsets[0] = dy_offset;
    args.mems[1] = x, args.offsets[1] = x_offset;
    args.mems[2] = dx ? dx : dy, args.offsets[2] = dx ? dx_offset : dy_offset;
    args.mems[3] = partials;
    golu_scalars scalars;
    golu_scalars_pack(&scalars, dtype, params, blend);
    golu_scalars_use(&scalars, GOLU_SCALAR_ALPHA, GOLU_SCALARS_COUNT, &args);
    size_t global, local;
    cl_event partials_done = NULL, done = NULL;
    cl_int err = golu_kernel_launch(ks, &args, program->vw, queue, num_events, wait_list,
                                    &partials_done, &global, &local);
    if (err != CL_SUCCESS)
        status = golu_launch_failed(ctx, id, dtype, n, 0, global, local, err);
    else
        status = finish(ctx, program, queue, dtype, partials, num_partials, dparams,
                        dparams_offset, blend, 1, &partials_done, &done);
    /* given back when the last command that uses it is done (the first one's event when the
     * second could not be enqueued) */
    golu_scratch_give_back_when_done(scratch, done ? done : partials_done);
    if (partials_done)
        clReleaseEvent(partials_done);
    if (done && event)
        *event = done;
    else if (done)
        clReleaseEvent(done);
    return status;
}
