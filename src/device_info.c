/* What the library needs to know about a device, queried once per context. */
#include "golu_internal.h"

#include <stdlib.h>
#include <string.h>

golu_status golu_device_query(golu_context *ctx, cl_device_id id, golu_device *out)
{
    memset(out, 0, sizeof *out);
    out->id = id;
    cl_int err = clGetDeviceInfo(id, CL_DEVICE_TYPE, sizeof out->type, &out->type, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(id, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof out->compute_units,
                              &out->compute_units, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(id, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof out->max_work_group_size,
                              &out->max_work_group_size, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof out->max_mem_alloc_size,
                              &out->max_mem_alloc_size, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(id, CL_DEVICE_VENDOR_ID, sizeof out->vendor_id, &out->vendor_id,
                              NULL);
    if (err != CL_SUCCESS)
        return golu_fail_cl(ctx, "clGetDeviceInfo", err);

    cl_uint dims = 0;
    err = clGetDeviceInfo(id, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS, sizeof dims, &dims, NULL);
    if (err != CL_SUCCESS || dims == 0)
        return golu_fail_cl(ctx, "clGetDeviceInfo(CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS)", err);
    size_t *sizes = calloc(dims, sizeof *sizes);
    if (!sizes)
        return golu_fail(ctx, GOLU_ERROR_OUT_OF_HOST_MEMORY, "out of host memory");
    err = clGetDeviceInfo(id, CL_DEVICE_MAX_WORK_ITEM_SIZES, dims * sizeof *sizes, sizes, NULL);
    out->max_work_item_size0 = sizes[0];
    free(sizes);
    if (err != CL_SUCCESS)
        return golu_fail_cl(ctx, "clGetDeviceInfo(CL_DEVICE_MAX_WORK_ITEM_SIZES)", err);

    /* f64 needs cl_khr_fp64 (or a double-precision capability reported by the device). */
    cl_device_fp_config fp64 = 0;
    clGetDeviceInfo(id, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp64, &fp64, NULL);
    size_t ext_size = 0;
    clGetDeviceInfo(id, CL_DEVICE_EXTENSIONS, 0, NULL, &ext_size);
    char *ext = calloc(ext_size + 1, 1);
    if (!ext)
        return golu_fail(ctx, GOLU_ERROR_OUT_OF_HOST_MEMORY, "out of host memory");
    clGetDeviceInfo(id, CL_DEVICE_EXTENSIONS, ext_size, ext, NULL);
    out->has_fp64 = strstr(ext, "cl_khr_fp64") != NULL && fp64 != 0;
    out->has_fp16 = strstr(ext, "cl_khr_fp16") != NULL;
    /* NVIDIA sm_80 and later round two floats to bf16 or f16 in one instruction
     * (cvt.rn.{bf16,f16}x2.f32), which the 16-bit kernels reach through inline PTX; the compute
     * capability comes from cl_nv_device_attribute_query. */
    cl_uint cc_major = 0;
    if (out->vendor_id == GOLU_VENDOR_NVIDIA && strstr(ext, "cl_nv_device_attribute_query") &&
        clGetDeviceInfo(id, GOLU_CL_DEVICE_COMPUTE_CAPABILITY_MAJOR_NV, sizeof cc_major, &cc_major,
                        NULL) == CL_SUCCESS)
        out->nv_ptx = cc_major >= 8;
    free(ext);
    return GOLU_OK;
}
