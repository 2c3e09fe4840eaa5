/* golu_context: create (from the caller's OpenCL objects, or a default device), destroy, and
 * accessors. */
#include "golu_internal.h"

#include <stdlib.h>
#include <string.h>

golu_status golu_context_create(cl_context cl_ctx, cl_uint num_devices, const cl_device_id *devices,
                                 golu_context **out)
{
    if (!out)
        return golu_fail(NULL, GOLU_ERROR_NULL_ARGUMENT, "golu_context_create: out is NULL");
    *out = NULL;
    if (!cl_ctx || !devices)
        return golu_fail(NULL, GOLU_ERROR_NULL_ARGUMENT, "golu_context_create: %s is NULL",
                         !cl_ctx ? "cl_ctx" : "devices");
    if (num_devices == 0)
        return golu_fail(NULL, GOLU_ERROR_INVALID_ARGUMENT, "golu_context_create: num_devices is 0");

    /* Every device must belong to cl_ctx. */
    cl_uint ctx_count = 0;
    cl_int err = clGetContextInfo(cl_ctx, CL_CONTEXT_NUM_DEVICES, sizeof ctx_count, &ctx_count, NULL);
    if (err != CL_SUCCESS)
        return golu_fail(NULL, GOLU_ERROR_INVALID_ARGUMENT, "cl_ctx: clGetContextInfo: %s (%d)",
                         golu_cl_error_name(err), (int)err);
    cl_device_id *ctx_devices = calloc(ctx_count ? ctx_count : 1, sizeof *ctx_devices);
    golu_context *ctx = calloc(1, sizeof *ctx);
    golu_device *devs = calloc(num_devices, sizeof *devs);
    golu_scratch_pool *scratch = golu_scratch_pool_create();
    if (!ctx_devices || !ctx || !devs || !scratch) {
        free(ctx_devices), free(ctx), free(devs);
        golu_scratch_pool_close(scratch);
        return golu_fail(NULL, GOLU_ERROR_OUT_OF_HOST_MEMORY, "out of host memory");
    }
    clGetContextInfo(cl_ctx, CL_CONTEXT_DEVICES, ctx_count * sizeof *ctx_devices, ctx_devices, NULL);
    pthread_mutex_init(&ctx->lock, NULL);
    pthread_mutex_init(&ctx->detail_lock, NULL);
    ctx->cl_ctx = cl_ctx;
    ctx->devices = devs;
    ctx->scratch = scratch;

    golu_status status = GOLU_OK;
    for (cl_uint i = 0; i < num_devices && status == GOLU_OK; i++) {
        int member = 0;
        for (cl_uint j = 0; j < ctx_count; j++)
            member |= ctx_devices[j] == devices[i];
        if (!member)
            status = golu_fail(ctx, GOLU_ERROR_DEVICE_NOT_IN_CONTEXT,
                               "golu_context_create: devices[%u] is not a device of cl_ctx", (unsigned)i);
        else
            status = golu_device_query(ctx, devices[i], &devs[i]);
    }
    free(ctx_devices);
    if (status != GOLU_OK) {
        golu_fail(NULL, status, "%s", ctx->detail);
        golu_scratch_pool_close(scratch);
        pthread_mutex_destroy(&ctx->lock);
        pthread_mutex_destroy(&ctx->detail_lock);
        free(devs);
        free(ctx);
        return status;
    }
    clRetainContext(cl_ctx);
    for (cl_uint i = 0; i < num_devices; i++) {
        clRetainDevice(devices[i]);
        for (int t = 0; t < GOLU_DTYPE_COUNT; t++)
            pthread_mutex_init(&devs[i].build_lock[t], NULL);
    }
    ctx->num_devices = num_devices;
    golu_tuning_load(ctx);
    *out = ctx;
    return GOLU_OK;
}

golu_status golu_context_create_default(golu_context **out)
{
    if (!out)
        return golu_fail(NULL, GOLU_ERROR_NULL_ARGUMENT, "golu_context_create_default: out is NULL");
    *out = NULL;
    cl_platform_id platform;
    cl_device_id device;
    golu_status status = golu_select_device(getenv("GOLU_DEVICE"), &platform, &device);
    if (status != GOLU_OK)
        return status;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)platform, 0};
    cl_int err;
    cl_context cl_ctx = clCreateContext(props, 1, &device, NULL, NULL, &err);
    if (err != CL_SUCCESS)
        return golu_fail_cl(NULL, "clCreateContext", err);
    status = golu_context_create(cl_ctx, 1, &device, out);
    clReleaseContext(cl_ctx); /* the golu_context holds its own reference */
    if (status != GOLU_OK)
        return status;
    if (!golu_context_default_queue(*out)) {
        golu_fail(NULL, GOLU_ERROR_OPENCL, "%s", (*out)->detail);
        golu_context_destroy(*out);
        *out = NULL;
        return GOLU_ERROR_OPENCL;
    }
    return GOLU_OK;
}

void golu_context_destroy(golu_context *ctx)
{
    if (!ctx)
        return;
    for (cl_uint d = 0; d < ctx->num_devices; d++) {
        for (int t = 0; t < GOLU_DTYPE_COUNT; t++) {
            for (int p = 0; p < GOLU_PASS_COUNT; p++)
                golu_program_release(&ctx->devices[d].programs[t][p]);
            pthread_mutex_destroy(&ctx->devices[d].build_lock[t]);
        }
        clReleaseDevice(ctx->devices[d].id);
    }
    if (ctx->default_queue)
        clReleaseCommandQueue(ctx->default_queue);
    golu_scratch_pool_close(ctx->scratch);
    clReleaseContext(ctx->cl_ctx);
    pthread_mutex_destroy(&ctx->lock);
    pthread_mutex_destroy(&ctx->detail_lock);
    free(ctx->devices);
    free(ctx);
}

cl_command_queue golu_context_default_queue(golu_context *ctx)
{
    if (!ctx)
        return NULL;
    pthread_mutex_lock(&ctx->lock);
    if (!ctx->default_queue) {
        cl_int err;
        cl_command_queue q = clCreateCommandQueue(ctx->cl_ctx, ctx->devices[0].id,
                                                  CL_QUEUE_PROFILING_ENABLE, &err);
        if (err == CL_SUCCESS)
            ctx->default_queue = q;
        else
            golu_fail_cl(ctx, "clCreateCommandQueue", err);
    }
    cl_command_queue q = ctx->default_queue;
    pthread_mutex_unlock(&ctx->lock);
    return q;
}

cl_context golu_context_cl_context(const golu_context *ctx) { return ctx ? ctx->cl_ctx : NULL; }

cl_uint golu_context_num_devices(const golu_context *ctx) { return ctx ? ctx->num_devices : 0; }

cl_device_id golu_context_device(const golu_context *ctx, cl_uint index)
{
    return (ctx && index < ctx->num_devices) ? ctx->devices[index].id : NULL;
}

golu_status golu_dtype_supported(golu_context *ctx, cl_device_id device, golu_dtype dtype)
{
    if (!ctx || !device)
        return ctx ? golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "golu_dtype_supported: device is NULL")
                   : GOLU_ERROR_NULL_ARGUMENT;
    for (cl_uint d = 0; d < ctx->num_devices; d++)
        if (ctx->devices[d].id == device)
            return golu_validate_dtype(ctx, &ctx->devices[d], dtype);
    return golu_fail(ctx, GOLU_ERROR_DEVICE_NOT_IN_CONTEXT,
                     "golu_dtype_supported: device is not one of the context's");
}
