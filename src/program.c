/* Programs: one per (device, dtype, pass), built on first use (from the on-disk binary cache, else
 * from the kernel source) with that pass's tuning, and kept in the context. GOLU_DTYPE, GOLU_VW and
 * GOLU_UNROLL are passed as -D options (and GOLU_LOAD_AHEAD and GOLU_EXP2_POLY, 1 on CPU devices,
 * GOLU_NV_PTX (f16, bf16) and GOLU_NV_PREFETCH (f32, bf16) on NVIDIA sm_80+, and
 * GOLU_SPECIALISE_FORWARD/BACKWARD: cl/golu_forward.cl and cl/golu_common.cl say why); no
 * relaxed-math option is ever used. The two passes of a dtype share one cl_program when their
 * vector widths and unrolls agree (all but NVIDIA's f32, whose forward has unroll 1), so that it
 * is compiled once. */
#include "golu_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const golu_kernel_names[GOLU_KERNEL_COUNT] = {
    [GOLU_KERNEL_FORWARD] = "golu_forward",
    [GOLU_KERNEL_FORWARD_ALIGNED] = "golu_forward_aligned",
    [GOLU_KERNEL_BACKWARD] = "golu_backward",
    [GOLU_KERNEL_BACKWARD_ALIGNED] = "golu_backward_aligned",
    [GOLU_KERNEL_BACKWARD_PARAMS] = "golu_backward_params",
    [GOLU_KERNEL_BACKWARD_PARAMS_ALIGNED] = "golu_backward_params_aligned",
    [GOLU_KERNEL_PARAMS_FINISH] = "golu_params_finish",
    [GOLU_KERNEL_FORWARD_BLEND] = "golu_forward_blend",
    [GOLU_KERNEL_FORWARD_BLEND_ALIGNED] = "golu_forward_blend_aligned",
    [GOLU_KERNEL_BACKWARD_BLEND] = "golu_backward_blend",
    [GOLU_KERNEL_BACKWARD_BLEND_ALIGNED] = "golu_backward_blend_aligned",
    [GOLU_KERNEL_FORWARD_BIAS] = "golu_forward_bias",
    [GOLU_KERNEL_FORWARD_BIAS_ALIGNED] = "golu_forward_bias_aligned",
    [GOLU_KERNEL_BACKWARD_BIAS] = "golu_backward_bias",
    [GOLU_KERNEL_BACKWARD_BIAS_ALIGNED] = "golu_backward_bias_aligned",
    [GOLU_KERNEL_BIAS_FINISH] = "golu_bias_finish",
};

/* Kernels not named here are GOLU_SHAPE_GRID. */
const golu_kernel_shape golu_kernel_shapes[GOLU_KERNEL_COUNT] = {
    [GOLU_KERNEL_BACKWARD_PARAMS] = GOLU_SHAPE_REDUCE,
    [GOLU_KERNEL_BACKWARD_PARAMS_ALIGNED] = GOLU_SHAPE_REDUCE,
    [GOLU_KERNEL_PARAMS_FINISH] = GOLU_SHAPE_SINGLE_GROUP,
};

static void append_build_log(golu_context *ctx, cl_program program, cl_device_id device)
{
    size_t size = 0;
    if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, NULL, &size) != CL_SUCCESS)
        return;
    char *log = malloc(size + 1);
    if (!log)
        return;
    if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, log, NULL) == CL_SUCCESS) {
        log[size] = '\0';
        golu_detail_append(ctx, log);
    }
    free(log);
}

/* Compiles the program text for one device. */
static golu_status compile(golu_context *ctx, golu_device *dev, golu_dtype dtype, const char *source,
                           const char *options, cl_program *out)
{
    cl_int err;
    cl_program program = clCreateProgramWithSource(ctx->cl_ctx, 1, &source, NULL, &err);
    if (err != CL_SUCCESS)
        return golu_fail_cl(ctx, "clCreateProgramWithSource", err);
    err = clBuildProgram(program, 1, &dev->id, options, NULL, NULL);
    if (err != CL_SUCCESS) {
        golu_fail(ctx, GOLU_ERROR_BUILD_FAILED, "clBuildProgram(%s, %s): %s (%d); build log:\n",
                  golu_dtype_name(dtype), options, golu_cl_error_name(err), (int)err);
        append_build_log(ctx, program, dev->id);
        clReleaseProgram(program);
        return GOLU_ERROR_BUILD_FAILED;
    }
    *out = program;
    return GOLU_OK;
}

/* Creates the kernels of a built program into `built`; releases everything on failure. */
static golu_status make_kernels(golu_context *ctx, golu_device *dev, golu_dtype dtype,
                                const golu_tuning *tuning, cl_program program,
                                golu_program_slot *built)
{
    golu_status status = GOLU_OK;
    cl_int err;
    memset(built, 0, sizeof *built);
    built->program = program;
    built->vw = tuning->vector_width;
    built->unroll = tuning->unroll;
    for (int k = 0; k < GOLU_KERNEL_COUNT && status == GOLU_OK; k++) {
        golu_kernel_slot *ks = &built->kernels[k];
        ks->kernel = clCreateKernel(program, golu_kernel_names[k], &err);
        if (err != CL_SUCCESS) {
            ks->kernel = NULL;
            status = golu_fail(ctx, GOLU_ERROR_OPENCL, "clCreateKernel(%s): %s (%d)",
                               golu_kernel_names[k], golu_cl_error_name(err), (int)err);
            break;
        }
        ks->shape = golu_kernel_shapes[k];
        status = golu_work_size_init(ctx, dev, tuning, dtype, (golu_kernel_id)k, ks);
    }
    if (status != GOLU_OK) {
        for (int k = 0; k < GOLU_KERNEL_COUNT; k++)
            if (built->kernels[k].kernel)
                clReleaseKernel(built->kernels[k].kernel);
        clReleaseProgram(program);
    }
    return status;
}

/* The cl_program for `options`: the other pass's when it was built with the same vector width and
 * unroll, else one from the program cache (binary_cache.c) that yields the kernels, else a
 * compile of the source, offered to the cache. On GOLU_OK `built` holds the program and its kernels. */
static golu_status build_program(golu_context *ctx, golu_device *dev, golu_dtype dtype,
                                 const golu_tuning *tuning, const golu_program_slot *other,
                                 golu_program_slot *built)
{
    if (other->built && other->vw == tuning->vector_width && other->unroll == tuning->unroll) {
        clRetainProgram(other->program);
        return make_kernels(ctx, dev, dtype, tuning, other->program, built);
    }
    const int cpu = (dev->type & CL_DEVICE_TYPE_CPU) != 0; /* GOLU_LOAD_AHEAD, GOLU_EXP2_POLY */
    /* The loops specialised for the default parameters (cl/golu_common.cl): the f32 and f64
     * forwards everywhere, their backwards on CPUs only (an H200's f32 backward lost 2-3 points
     * of copy with it, its f16 forward 4; PoCL's f32 forward went from 11.4-12.3 to 10.1-10.3 ms
     * at 2^24, its backward from 13.1-13.4 to 11.9-12.1 ms in one pair of runs and within the
     * noise in four more). */
    const int precise = dtype == GOLU_F32 || dtype == GOLU_F64;
    /* The forward's L2 prefetch of the next loop step (cl/golu_common.cl), where an H200 measured
     * it (two calls, alternating with the kernels before): f32 forward 2^24 37.5-37.8 ->
     * 36.9-37.2 us, 2^28 514.4-514.7 -> 506.0-506.1; bf16 forward 2^28 261.7-262.4 ->
     * 256.0-257.1, 2^24 within the noise. Prefetching the backward's dy and x cost its bf16 6
     * points, and the blending forward's x its bf16 17 (cl/golu_common.cl leaves it out there);
     * f16's forward, one vector a work-item, has no next step, and f64 was not measured. Only
     * loops of unroll 1 prefetch (the built-in f32 and bf16 forwards on NVIDIA:
     * src/tuning_defaults.c); a tuning of unroll 2 or 4 goes without it. */
    const int prefetch = dev->nv_ptx && (dtype == GOLU_F32 || dtype == GOLU_BF16);
    char options[320];
    snprintf(options, sizeof options,
             "-DGOLU_DTYPE=%d -DGOLU_VW=%u -DGOLU_UNROLL=%u -DGOLU_HAS_FP16=%d "
             "-DGOLU_NV_PTX=%d -DGOLU_NV_PREFETCH=%d -DGOLU_LOAD_AHEAD=%d -DGOLU_EXP2_POLY=%d "
             "-DGOLU_REDUCE_LOCAL_MAX=%d -DGOLU_SPECIALISE_FORWARD=%d -DGOLU_SPECIALISE_BACKWARD=%d",
             (int)dtype, tuning->vector_width, tuning->unroll, dev->has_fp16,
             (dtype == GOLU_F16 || dtype == GOLU_BF16) && dev->nv_ptx, prefetch, cpu, cpu,
             GOLU_REDUCE_LOCAL_MAX, precise, precise && cpu);
    char *source = NULL;
    golu_status status = golu_kernel_source(ctx, &source);
    if (status != GOLU_OK)
        return status;

    golu_cache_entry entry;
    golu_binary_cache_entry(dev->id, source, options, &entry);
    cl_program program = golu_binary_cache_load(ctx->cl_ctx, dev->id, options, &entry);
    /* A cached program that yields no kernels (a driver quirk, or a stale entry) falls back to
     * the source too. Its failure writes the detail message; a successful fallback puts back
     * what was there, since successes leave the detail as it was. */
    char *saved_detail = program ? strdup(ctx->detail) : NULL;
    status = program ? make_kernels(ctx, dev, dtype, tuning, program, built) : GOLU_ERROR_BUILD_FAILED;
    if (status != GOLU_OK) {
        status = compile(ctx, dev, dtype, source, options, &program);
        if (status == GOLU_OK)
            status = make_kernels(ctx, dev, dtype, tuning, program, built);
        if (status == GOLU_OK)
            golu_binary_cache_store(program, dev->id, &entry);
        if (status == GOLU_OK && saved_detail)
            golu_fail(ctx, GOLU_OK, "%s", saved_detail);
    }
    free(saved_detail);
    free(source);
    return status;
}

/* Builds the slot of (dtype, pass); called with dev->build_lock[dtype] held. */
static golu_status build(golu_context *ctx, golu_device *dev, golu_dtype dtype, golu_pass pass)
{
    golu_tuning tuning;
    golu_tuning_resolve(dev, dtype, pass, &tuning, NULL);
    golu_program_slot built;
    golu_program_slot *slot = &dev->programs[dtype][pass];
    golu_status status =
        build_program(ctx, dev, dtype, &tuning, &dev->programs[dtype][1 - pass], &built);
    if (status != GOLU_OK)
        return status;
    for (int k = 0; k < GOLU_KERNEL_COUNT; k++) {
        slot->kernels[k] = built.kernels[k];
        pthread_mutex_init(&slot->kernels[k].lock, NULL);
    }
    slot->program = built.program;
    slot->vw = built.vw;
    slot->unroll = built.unroll;
    slot->built = 1;
    return GOLU_OK;
}

golu_status golu_program_get(golu_context *ctx, cl_uint device_index, golu_dtype dtype,
                             golu_pass pass, golu_program_slot **out)
{
    golu_device *dev = &ctx->devices[device_index];
    golu_program_slot *slot = &dev->programs[dtype][pass];
    golu_status status = GOLU_OK;
    pthread_mutex_lock(&dev->build_lock[dtype]);
    if (!slot->built)
        status = build(ctx, dev, dtype, pass);
    pthread_mutex_unlock(&dev->build_lock[dtype]);
    if (status == GOLU_OK)
        *out = slot;
    return status;
}

void golu_program_release(golu_program_slot *slot)
{
    if (!slot->built)
        return;
    for (int k = 0; k < GOLU_KERNEL_COUNT; k++) {
        clReleaseKernel(slot->kernels[k].kernel);
        pthread_mutex_destroy(&slot->kernels[k].lock);
    }
    clReleaseProgram(slot->program);
    slot->built = 0;
}

golu_status golu_prepare(golu_context *ctx, golu_dtype dtype)
{
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    if (golu_dtype_size(dtype) == 0)
        return golu_fail(ctx, GOLU_ERROR_INVALID_DTYPE, "dtype %d is not a golu_dtype", (int)dtype);
    for (cl_uint d = 0; d < ctx->num_devices; d++) {
        if (dtype == GOLU_F64 && !ctx->devices[d].has_fp64)
            continue;
        for (int pass = 0; pass < GOLU_PASS_COUNT; pass++) {
            golu_program_slot *slot;
            golu_status status = golu_program_get(ctx, d, dtype, (golu_pass)pass, &slot);
            if (status != GOLU_OK)
                return status;
        }
    }
    return GOLU_OK;
}
