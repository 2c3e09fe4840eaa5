/* Names of golu's statuses and dtypes: the one place that maps each value to text. */
#include "golu.h"

const char *golu_status_name(golu_status status)
{
    switch (status) {
    case GOLU_OK: return "GOLU_OK";
    case GOLU_ERROR_NULL_ARGUMENT: return "GOLU_ERROR_NULL_ARGUMENT";
    case GOLU_ERROR_INVALID_DTYPE: return "GOLU_ERROR_INVALID_DTYPE";
    case GOLU_ERROR_UNSUPPORTED_DTYPE: return "GOLU_ERROR_UNSUPPORTED_DTYPE";
    case GOLU_ERROR_BUFFER_TOO_SMALL: return "GOLU_ERROR_BUFFER_TOO_SMALL";
    case GOLU_ERROR_SIZE_OVERFLOW: return "GOLU_ERROR_SIZE_OVERFLOW";
    case GOLU_ERROR_INVALID_PARAMETER: return "GOLU_ERROR_INVALID_PARAMETER";
    case GOLU_ERROR_OVERLAP: return "GOLU_ERROR_OVERLAP";
    case GOLU_ERROR_DEVICE_NOT_IN_CONTEXT: return "GOLU_ERROR_DEVICE_NOT_IN_CONTEXT";
    case GOLU_ERROR_INVALID_WAIT_LIST: return "GOLU_ERROR_INVALID_WAIT_LIST";
    case GOLU_ERROR_NO_DEVICE: return "GOLU_ERROR_NO_DEVICE";
    case GOLU_ERROR_INVALID_DEVICE_SPEC: return "GOLU_ERROR_INVALID_DEVICE_SPEC";
    case GOLU_ERROR_KERNEL_SOURCE: return "GOLU_ERROR_KERNEL_SOURCE";
    case GOLU_ERROR_BUILD_FAILED: return "GOLU_ERROR_BUILD_FAILED";
    case GOLU_ERROR_OPENCL: return "GOLU_ERROR_OPENCL";
    case GOLU_ERROR_OUT_OF_HOST_MEMORY: return "GOLU_ERROR_OUT_OF_HOST_MEMORY";
    case GOLU_ERROR_INVALID_ARGUMENT: return "GOLU_ERROR_INVALID_ARGUMENT";
    case GOLU_ERROR_TOO_LARGE: return "GOLU_ERROR_TOO_LARGE";
    }
    return "GOLU_UNKNOWN_STATUS";
}

const char *golu_dtype_name(golu_dtype dtype)
{
    switch (dtype) {
    case GOLU_F32: return "f32";
    case GOLU_F16: return "f16";
    case GOLU_BF16: return "bf16";
    case GOLU_F64: return "f64";
    }
    return NULL;
}

size_t golu_dtype_size(golu_dtype dtype)
{
    switch (dtype) {
    case GOLU_F32: return 4;
    case GOLU_F16: return 2;
    case GOLU_BF16: return 2;
    case GOLU_F64: return 8;
    }
    return 0;
}
