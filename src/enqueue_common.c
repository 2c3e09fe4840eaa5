/* What every enqueue call does the same way: the order of its argument checks, the marker event
 * of an empty call, the scalar arguments in the kernel's type, and the choice of the aligned
 * kernel variant. */
#include "golu_internal.h"

golu_status golu_validate_call(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                               const golu_params *params, const golu_blend *blend,
                               cl_uint num_events, const cl_event *wait_list,
                               golu_array_arg *arrays, int count, uint64_t n,
                               cl_uint *device_index)
{
    golu_status status;
    if ((status = golu_validate_params(ctx, params)) != GOLU_OK ||
        (status = golu_validate_blend(ctx, dtype, blend)) != GOLU_OK ||
        (status = golu_validate_wait_list(ctx, num_events, wait_list)) != GOLU_OK ||
        (status = golu_validate_queue(ctx, queue, device_index)) != GOLU_OK ||
        (status = golu_validate_dtype(ctx, &ctx->devices[*device_index], dtype)) != GOLU_OK ||
        (status = golu_validate_arrays(ctx, arrays, count, dtype, n)) != GOLU_OK)
        return status;
    return GOLU_OK;
}

/* Nothing to compute, but a requested event must still be a valid one: a marker, so that it is a
 * command of the queue like any other (profiling info included), complete once the wait list
 * (or, on an in-order queue, everything enqueued before it) is. */
golu_status golu_empty_event(golu_context *ctx, cl_command_queue queue, cl_uint num_events,
                             const cl_event *wait_list, cl_event *event)
{
    if (!event)
        return GOLU_OK;
    cl_int err = clEnqueueMarkerWithWaitList(queue, num_events, wait_list, event);
    return err == CL_SUCCESS ? GOLU_OK : golu_fail_cl(ctx, "clEnqueueMarkerWithWaitList", err);
}

int golu_blend_is_plain(const golu_blend *blend)
{
    return !blend || (blend->s == 1.0 && blend->t == 0.0);
}

void golu_scalars_pack(golu_scalars *s, golu_dtype dtype, const golu_params *params,
                       const golu_blend *blend)
{
    static const golu_params default_params = GOLU_PARAMS_DEFAULT_INIT;
    static const golu_blend default_blend = GOLU_BLEND_DEFAULT_INIT;
    const golu_params *p = params ? params : &default_params;
    const golu_blend *b = blend ? blend : &default_blend;
    const double values[GOLU_SCALARS_COUNT] = {p->alpha, p->beta, p->gamma, b->s, b->t};
    for (int i = 0; i < GOLU_SCALARS_COUNT; i++) {
        if (dtype == GOLU_F64)
            s->d[i] = values[i];
        else
            s->f[i] = (float)values[i];
    }
    s->size = golu_compute_size(dtype);
}

void golu_scalars_use(const golu_scalars *s, int first, int count, golu_launch_args *args)
{
    args->scalar_size = s->size;
    args->scalar_count = count;
    for (int i = 0; i < count; i++)
        args->scalars[i] = s->size == sizeof(double) ? (const void *)&s->d[first + i]
                                                     : (const void *)&s->f[first + i];
}

/* Whole-vector loads need every array's first element aligned to a whole vector: device buffers
 * and sub-buffer origins are aligned to CL_DEVICE_MEM_BASE_ADDR_ALIGN, but a CL_MEM_USE_HOST_PTR
 * buffer is wherever the caller's memory is (malloc: 16 bytes). */
int golu_arrays_aligned(const golu_array_arg *arrays, int count, uint64_t vector_bytes)
{
    int aligned = 1;
    for (int i = 0; i < count; i++)
        aligned &= arrays[i].address % vector_bytes == 0;
    return aligned;
}

golu_status golu_launch_failed(golu_context *ctx, golu_kernel_id id, golu_dtype dtype,
                               uint64_t rows, uint64_t cols, size_t global, size_t local,
                               cl_int err)
{
    if (cols == 0)
        return golu_fail(ctx, GOLU_ERROR_OPENCL, "%s(%s, n=%llu, global=%zu, local=%zu): %s (%d)",
                         golu_kernel_names[id], golu_dtype_name(dtype), (unsigned long long)rows,
                         global, local, golu_cl_error_name(err), (int)err);
    return golu_fail(ctx, GOLU_ERROR_OPENCL,
                     "%s(%s, rows=%llu, cols=%llu, global=%zu, local=%zu): %s (%d)",
                     golu_kernel_names[id], golu_dtype_name(dtype), (unsigned long long)rows,
                     (unsigned long long)cols, global, local, golu_cl_error_name(err), (int)err);
}
