/* Per-device tuning, the public calls: which launch configuration a (device, dtype, pass) uses
 * (golu_get_tuning), forcing one (golu_set_tuning), and what the context's tuning file was. */
#include "golu_internal.h"

#include "tuning_file.h"

void golu_tuning_resolve(const golu_device *dev, golu_dtype dtype, golu_pass pass,
                         golu_tuning *out, golu_tuning_source *source)
{
    golu_tuning_source from = GOLU_TUNING_BUILTIN;
    if (dev->forced_tuning[dtype][pass].vector_width) {
        *out = dev->forced_tuning[dtype][pass];
        from = GOLU_TUNING_FORCED;
    } else if (dev->file_tuning[dtype][pass].vector_width) {
        *out = dev->file_tuning[dtype][pass];
        from = GOLU_TUNING_FILE;
    } else {
        golu_tuning_defaults(dev, dtype, pass, out);
    }
    if (source)
        *source = from;
}

/* The checks both calls share; *index receives the device's index in the context. */
static golu_status check_target(golu_context *ctx, const char *call, cl_device_id device,
                                golu_dtype dtype, golu_pass pass, cl_uint *index)
{
    if (!device)
        return golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "%s: device is NULL", call);
    if (golu_dtype_size(dtype) == 0)
        return golu_fail(ctx, GOLU_ERROR_INVALID_DTYPE, "%s: dtype %d is not a golu_dtype", call,
                         (int)dtype);
    if (pass != GOLU_PASS_FORWARD && pass != GOLU_PASS_BACKWARD)
        return golu_fail(ctx, GOLU_ERROR_INVALID_ARGUMENT, "%s: pass %d is not a golu_pass", call,
                         (int)pass);
    for (cl_uint d = 0; d < ctx->num_devices; d++) {
        if (ctx->devices[d].id == device) {
            *index = d;
            return GOLU_OK;
        }
    }
    return golu_fail(ctx, GOLU_ERROR_DEVICE_NOT_IN_CONTEXT,
                     "%s: device is not one of the context's", call);
}

golu_status golu_get_tuning(golu_context *ctx, cl_device_id device, golu_dtype dtype,
                            golu_pass pass, golu_tuning *out, golu_tuning_source *source)
{
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    if (!out)
        return golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "golu_get_tuning: out is NULL");
    cl_uint d = 0;
    golu_status status = check_target(ctx, "golu_get_tuning", device, dtype, pass, &d);
    if (status != GOLU_OK)
        return status;
    golu_device *dev = &ctx->devices[d];
    pthread_mutex_lock(&dev->build_lock[dtype]);
    golu_tuning_resolve(dev, dtype, pass, out, source);
    pthread_mutex_unlock(&dev->build_lock[dtype]);
    return GOLU_OK;
}

golu_status golu_set_tuning(golu_context *ctx, cl_device_id device, golu_dtype dtype,
                            golu_pass pass, const golu_tuning *tuning)
{
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    cl_uint d = 0;
    golu_status status = check_target(ctx, "golu_set_tuning", device, dtype, pass, &d);
    if (status != GOLU_OK)
        return status;
    char why[GOLU_TUNING_WHY_MAX];
    if (tuning && !golu_tuning_check(tuning, why, sizeof why))
        return golu_fail(ctx, GOLU_ERROR_INVALID_ARGUMENT, "golu_set_tuning: %s", why);
    golu_device *dev = &ctx->devices[d];
    pthread_mutex_lock(&dev->build_lock[dtype]);
    golu_tuning before, after;
    golu_tuning_resolve(dev, dtype, pass, &before, NULL);
    if (tuning)
        dev->forced_tuning[dtype][pass] = *tuning;
    else
        dev->forced_tuning[dtype][pass].vector_width = 0;
    golu_tuning_resolve(dev, dtype, pass, &after, NULL);
    /* Built again, with the new configuration, at the next use; an unchanged one keeps its
     * kernels (golu-bench --tune sets its chosen candidate again to check it). */
    if (!golu_tuning_equal(&before, &after))
        golu_program_release(&dev->programs[dtype][pass]);
    pthread_mutex_unlock(&dev->build_lock[dtype]);
    return GOLU_OK;
}

const char *golu_context_tuning_file(const golu_context *ctx)
{
    return ctx ? ctx->tuning_file : "";
}

const char *golu_context_tuning_note(const golu_context *ctx)
{
    return ctx ? ctx->tuning_note : "";
}
