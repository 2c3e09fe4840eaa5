/* Built-in launch parameters per device type and dtype, measured with golu-bench
 * (docs/PERFORMANCE.md): used for every device until per-device tuning exists. */
#include "golu_internal.h"

void golu_tuning_defaults(const golu_device *dev, golu_dtype dtype, golu_tuning *out)
{
    if (dev->type & CL_DEVICE_TYPE_CPU) {
        /* PoCL: the widest OpenCL vector maps to whole AVX-512 registers; large work-groups
         * amortise the per-group cost of its work-item loops. */
        out->vector_width = dtype == GOLU_F64 ? 8 : 16;
        out->local_size = 1024;
        out->groups_per_compute_unit = 16;
        return;
    }
    /* GPUs (measured on an NVIDIA H200): 16-byte loads for f32 and bf16; f16 reached 85 % of
     * copy 4 at a time against 41 % 8 at a time (its half conversions). Several resident
     * work-groups per compute unit, then the kernels' grid-stride loop. */
    static const unsigned gpu_width[GOLU_DTYPE_COUNT] = {4, 4, 8, 2};
    out->vector_width = gpu_width[dtype];
    out->local_size = 256;
    out->groups_per_compute_unit = 32;
}
