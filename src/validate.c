/* Argument checks for the enqueue calls. Each class of bad argument has its own status and a
 * detail message naming the argument; nothing is enqueued when any check fails. */
#include "golu_internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

/* 0, or a magnitude in [2^-60, 2^60]: the range over which the kernels' bounds, their NaN-free
 * results and the limits at +-inf are guaranteed (beyond it, intermediate products such as
 * beta * exp(-gamma * x) or alpha * x * t leave float's range first). */
static int in_range(double v)
{
    double a = fabs(v);
    return a == 0.0 || (a >= 0x1p-60 && a <= 0x1p60);
}

golu_status golu_validate_params(golu_context *ctx, const golu_params *p)
{
    if (!p)
        return GOLU_OK;
    if (!isfinite(p->alpha) || !isfinite(p->beta) || !isfinite(p->gamma))
        return golu_fail(ctx, GOLU_ERROR_INVALID_PARAMETER,
                         "params: alpha, beta and gamma must be finite (got %g, %g, %g)", p->alpha,
                         p->beta, p->gamma);
    if (p->beta < 0.0)
        return golu_fail(ctx, GOLU_ERROR_INVALID_PARAMETER, "params: beta must be >= 0 (got %g)",
                         p->beta);
    if (!in_range(p->alpha) || !in_range(p->beta) || !in_range(p->gamma))
        return golu_fail(ctx, GOLU_ERROR_INVALID_PARAMETER,
                         "params: alpha, beta and gamma must be 0 or of magnitude 2^-60 to 2^60 "
                         "(got %g, %g, %g)",
                         p->alpha, p->beta, p->gamma);
    return GOLU_OK;
}

golu_status golu_validate_blend(golu_context *ctx, golu_dtype dtype, const golu_blend *b)
{
    if (!b)
        return GOLU_OK;
    /* f32/f16/bf16 kernels take s and t as float: beyond FLT_MAX they would arrive as inf */
    const double limit = dtype == GOLU_F64 ? DBL_MAX : FLT_MAX;
    const char *const names[2] = {"blend.s", "blend.t"};
    const double values[2] = {b->s, b->t};
    for (int i = 0; i < 2; i++)
        if (!isfinite(values[i]) || fabs(values[i]) > limit)
            return golu_fail(ctx, GOLU_ERROR_INVALID_PARAMETER, "%s must be finite%s (got %g)",
                             names[i],
                             dtype == GOLU_F64 ? "" : " and of magnitude at most FLT_MAX for "
                                                      "f32, f16 and bf16",
                             values[i]);
    return GOLU_OK;
}

golu_status golu_validate_queue(golu_context *ctx, cl_command_queue queue, cl_uint *device_index)
{
    cl_context qctx = NULL;
    cl_device_id qdev = NULL;
    cl_int err = clGetCommandQueueInfo(queue, CL_QUEUE_CONTEXT, sizeof qctx, &qctx, NULL);
    if (err == CL_SUCCESS)
        err = clGetCommandQueueInfo(queue, CL_QUEUE_DEVICE, sizeof qdev, &qdev, NULL);
    if (err != CL_SUCCESS)
        return golu_fail(ctx, GOLU_ERROR_INVALID_ARGUMENT, "queue: clGetCommandQueueInfo: %s (%d)",
                         golu_cl_error_name(err), (int)err);
    if (qctx != ctx->cl_ctx)
        return golu_fail(ctx, GOLU_ERROR_DEVICE_NOT_IN_CONTEXT,
                         "queue: belongs to another cl_context than the golu_context's");
    for (cl_uint d = 0; d < ctx->num_devices; d++) {
        if (ctx->devices[d].id == qdev) {
            *device_index = d;
            return GOLU_OK;
        }
    }
    return golu_fail(ctx, GOLU_ERROR_DEVICE_NOT_IN_CONTEXT,
                     "queue: its device is not one of the golu_context's devices");
}

golu_status golu_validate_wait_list(golu_context *ctx, cl_uint num_events, const cl_event *list)
{
    if ((num_events > 0) != (list != NULL))
        return golu_fail(ctx, GOLU_ERROR_INVALID_WAIT_LIST,
                         "wait list: num_events is %u but the list is %s", (unsigned)num_events,
                         list ? "not NULL" : "NULL");
    for (cl_uint i = 0; i < num_events; i++) {
        if (!list[i])
            return golu_fail(ctx, GOLU_ERROR_INVALID_WAIT_LIST, "wait list: event %u is NULL",
                             (unsigned)i);
        /* OpenCL requires the queue's context (CL_INVALID_CONTEXT otherwise), but not every
         * runtime checks: PoCL 3.1 enqueues a kernel behind another context's event, and refuses
         * only a marker. Checked here, so that every call and every runtime answer alike. */
        cl_context owner = NULL;
        cl_int err = clGetEventInfo(list[i], CL_EVENT_CONTEXT, sizeof owner, &owner, NULL);
        if (err != CL_SUCCESS)
            return golu_fail(ctx, GOLU_ERROR_INVALID_WAIT_LIST,
                             "wait list: event %u: clGetEventInfo: %s (%d)", (unsigned)i,
                             golu_cl_error_name(err), (int)err);
        if (owner != ctx->cl_ctx)
            return golu_fail(ctx, GOLU_ERROR_INVALID_WAIT_LIST,
                             "wait list: event %u belongs to another cl_context than the "
                             "golu_context's",
                             (unsigned)i);
    }
    return GOLU_OK;
}

golu_status golu_validate_dtype(golu_context *ctx, const golu_device *dev, golu_dtype dtype)
{
    if (golu_dtype_size(dtype) == 0)
        return golu_fail(ctx, GOLU_ERROR_INVALID_DTYPE, "dtype: %d is not a golu_dtype", (int)dtype);
    if (dtype == GOLU_F64 && !dev->has_fp64)
        return golu_fail(ctx, GOLU_ERROR_UNSUPPORTED_DTYPE,
                         "dtype: f64 needs cl_khr_fp64, which this device does not have");
    return GOLU_OK;
}

/* The buffer an array really lives in (the parent of a sub-buffer) and its byte offset there. */
static golu_status resolve(golu_context *ctx, const golu_array_arg *a, cl_mem *root, size_t *origin,
                           size_t *size, uint64_t *address)
{
    cl_mem parent = NULL;
    cl_context owner = NULL;
    cl_mem_object_type type = 0;
    cl_mem_flags flags = 0;
    void *host_ptr = NULL;
    *origin = 0;
    cl_int err = clGetMemObjectInfo(a->mem, CL_MEM_CONTEXT, sizeof owner, &owner, NULL);
    if (err == CL_SUCCESS && owner != ctx->cl_ctx)
        return golu_fail(ctx, GOLU_ERROR_DEVICE_NOT_IN_CONTEXT,
                         "%s: buffer belongs to another cl_context than the golu_context's", a->name);
    if (err == CL_SUCCESS)
        err = clGetMemObjectInfo(a->mem, CL_MEM_TYPE, sizeof type, &type, NULL);
    if (err == CL_SUCCESS && type != CL_MEM_OBJECT_BUFFER)
        return golu_fail(ctx, GOLU_ERROR_INVALID_ARGUMENT, "%s: not a buffer (an image or pipe)",
                         a->name);
    if (err == CL_SUCCESS)
        err = clGetMemObjectInfo(a->mem, CL_MEM_FLAGS, sizeof flags, &flags, NULL);
    if (err == CL_SUCCESS && (flags & (a->is_output ? CL_MEM_READ_ONLY : CL_MEM_WRITE_ONLY)))
        return golu_fail(ctx, GOLU_ERROR_INVALID_ARGUMENT, "%s: buffer is %s", a->name,
                         a->is_output ? "CL_MEM_READ_ONLY but is written" : "CL_MEM_WRITE_ONLY but is read");
    if (err == CL_SUCCESS && (flags & CL_MEM_USE_HOST_PTR)) /* a sub-buffer's: host_ptr + origin */
        err = clGetMemObjectInfo(a->mem, CL_MEM_HOST_PTR, sizeof host_ptr, &host_ptr, NULL);
    if (err == CL_SUCCESS)
        err = clGetMemObjectInfo(a->mem, CL_MEM_SIZE, sizeof *size, size, NULL);
    if (err == CL_SUCCESS)
        err = clGetMemObjectInfo(a->mem, CL_MEM_ASSOCIATED_MEMOBJECT, sizeof parent, &parent, NULL);
    if (err == CL_SUCCESS && parent)
        err = clGetMemObjectInfo(a->mem, CL_MEM_OFFSET, sizeof *origin, origin, NULL);
    if (err != CL_SUCCESS)
        return golu_fail(ctx, GOLU_ERROR_INVALID_ARGUMENT, "%s: not a valid buffer (%s)", a->name,
                         golu_cl_error_name(err));
    *root = parent ? parent : a->mem;
    *address = host_ptr ? (uint64_t)(uintptr_t)host_ptr : (uint64_t)*origin;
    return GOLU_OK;
}

golu_status golu_validate_arrays(golu_context *ctx, golu_array_arg *arrays, int count,
                                 golu_dtype dtype, uint64_t n)
{
    cl_mem roots[GOLU_LAUNCH_MAX_ARRAYS];
    uint64_t begin[GOLU_LAUNCH_MAX_ARRAYS], end[GOLU_LAUNCH_MAX_ARRAYS];
    for (int i = 0; i < count; i++) {
        golu_array_arg *a = &arrays[i];
        if (!a->mem) { /* an optional array left out (dx of the reductions): overlaps nothing */
            roots[i] = NULL;
            begin[i] = end[i] = 0;
            a->address = 0;
            continue;
        }
        uint64_t esize = a->elem_size ? a->elem_size : golu_dtype_size(dtype);
        uint64_t len = a->length ? a->length : n;
        const char *what = a->length ? "length" : "n";
        if (a->offset > UINT64_MAX - len || (a->offset + len) > UINT64_MAX / esize)
            return golu_fail(ctx, GOLU_ERROR_SIZE_OVERFLOW,
                             "%s: (offset %llu + %s %llu) * %llu bytes overflows 64 bits", a->name,
                             (unsigned long long)a->offset, what, (unsigned long long)len,
                             (unsigned long long)esize);
        size_t size = 0, origin = 0;
        uint64_t address = 0;
        golu_status status = resolve(ctx, a, &roots[i], &origin, &size, &address);
        if (status != GOLU_OK)
            return status;
        uint64_t need = (a->offset + len) * esize;
        if (need > size)
            return golu_fail(ctx, GOLU_ERROR_BUFFER_TOO_SMALL,
                             "%s: buffer of %llu bytes is smaller than (offset %llu + %s %llu) * %llu bytes",
                             a->name, (unsigned long long)size, (unsigned long long)a->offset,
                             what, (unsigned long long)len, (unsigned long long)esize);
        a->address = address + a->offset * esize;
        begin[i] = origin + a->offset * esize;
        end[i] = begin[i] + len * esize;
    }
    /* An output may be exactly an input (in-place, unless it is exclusive), or disjoint from it;
     * nothing in between. Empty ranges overlap nothing. */
    for (int o = 0; o < count; o++) {
        if (!arrays[o].is_output || begin[o] == end[o])
            continue;
        for (int i = 0; i < count; i++) {
            if (i == o || roots[i] != roots[o] || begin[i] == end[i])
                continue;
            int exact = begin[i] == begin[o] && !arrays[o].exclusive && !arrays[i].exclusive;
            int disjoint = end[i] <= begin[o] || end[o] <= begin[i];
            if (!exact && !disjoint)
                return golu_fail(ctx, GOLU_ERROR_OVERLAP,
                                 "%s overlaps %s%s (bytes [%llu, %llu) and [%llu, %llu) of one buffer)",
                                 arrays[o].name, arrays[i].name,
                                 arrays[o].exclusive || arrays[i].exclusive
                                     ? ""
                                     : " without being exactly in-place",
                                 (unsigned long long)begin[o], (unsigned long long)end[o],
                                 (unsigned long long)begin[i], (unsigned long long)end[i]);
        }
    }
    return GOLU_OK;
}
