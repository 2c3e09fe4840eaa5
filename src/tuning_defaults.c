/* Built-in launch configurations by vendor and device type, measured with golu-bench
 * (docs/PERFORMANCE.md). They apply to every (dtype, pass) the tuning file has no entry for (and
 * without golu_set_tuning()): `golu-bench --tune` finds better values for one device. */
#include "golu_internal.h"

#define GOLU_VENDOR_ANY 0u
#define GOLU_VENDOR_NVIDIA 0x10deu

typedef struct {
    cl_device_type type;     /* matched with & */
    cl_uint vendor_id;       /* CL_DEVICE_VENDOR_ID, or GOLU_VENDOR_ANY */
    unsigned vector_width[GOLU_DTYPE_COUNT]; /* f32, f16, bf16, f64 */
    unsigned local_size;
    unsigned groups_per_compute_unit;            /* every (dtype, pass) but the f32 forward */
    unsigned groups_per_compute_unit_f32_forward;
    unsigned unroll;
} golu_tuning_row;

/* First match wins; the last row matches every device. Both passes start from the same values
 * but for the f32 forward's group count (below). */
static const golu_tuning_row rows[] = {
    /* CPUs (measured on PoCL): the widest OpenCL vector maps to whole AVX-512 registers; large
     * work-groups amortise the per-group cost of its work-item loops; no unroll (the work-item
     * loops already keep many loads in flight). */
    {CL_DEVICE_TYPE_CPU, GOLU_VENDOR_ANY, {16, 16, 16, 8}, 1024, 16, 16, 1},
    /* NVIDIA GPUs (measured on an H200): 16-byte loads for f32 and bf16; f16 reached 85 % of copy
     * 4 at a time against 41 % 8 at a time (its half conversions). Several resident
     * work-groups per compute unit, then the kernels' grid-stride loop, loading two vectors per
     * step: at n = 2^26 unroll 2 with 128 groups per compute unit took the f32 backward from
     * 93.9 % to 101 % of copy and the f16 forward from 87.8 % to 97.3 %; the f32 forward, bound
     * by its exponentials there, lost a little with 128 groups (85.4 % against 87.1 % with 32)
     * and keeps 32 (docs/PERFORMANCE.md, "elements per work-item"). */
    {CL_DEVICE_TYPE_GPU, GOLU_VENDOR_NVIDIA, {4, 4, 8, 2}, 256, 128, 32, 2},
    /* Other GPUs and accelerators: not measured; the NVIDIA values, which use only what every
     * GPU has (16-byte loads, 256-item groups, several groups per compute unit). */
    {CL_DEVICE_TYPE_ALL, GOLU_VENDOR_ANY, {4, 4, 8, 2}, 256, 128, 32, 2},
};

void golu_tuning_defaults(const golu_device *dev, golu_dtype dtype, golu_pass pass,
                          golu_tuning *out)
{
    const size_t count = sizeof rows / sizeof rows[0];
    const golu_tuning_row *row = &rows[count - 1];
    for (size_t i = 0; i < count; i++) {
        if ((dev->type & rows[i].type) &&
            (rows[i].vendor_id == GOLU_VENDOR_ANY || rows[i].vendor_id == dev->vendor_id)) {
            row = &rows[i];
            break;
        }
    }
    out->vector_width = row->vector_width[dtype];
    out->local_size = row->local_size;
    out->groups_per_compute_unit = dtype == GOLU_F32 && pass == GOLU_PASS_FORWARD
                                       ? row->groups_per_compute_unit_f32_forward
                                       : row->groups_per_compute_unit;
    out->unroll = row->unroll;
}
