/* Built-in launch configurations by vendor and device type, measured with golu-bench
 * (docs/PERFORMANCE.md). They apply to every (dtype, pass) the tuning file has no entry for (and
 * without golu_set_tuning()): `golu-bench --tune` finds better values for one device. */
#include "golu_internal.h"

#define GOLU_VENDOR_ANY 0u

typedef struct {
    cl_device_type type;     /* matched with & */
    cl_uint vendor_id;       /* CL_DEVICE_VENDOR_ID, or GOLU_VENDOR_ANY */
    int nv_ptx;              /* 1: only devices whose 16-bit kernels use inline PTX (nv_ptx) */
    unsigned vector_width[GOLU_DTYPE_COUNT]; /* f32, f16, bf16, f64 */
    unsigned local_size;
    unsigned groups_per_compute_unit;
    unsigned unroll[GOLU_DTYPE_COUNT]; /* f32, f16, bf16, f64: every pass but the f32 forward */
    unsigned unroll_f32_forward;
} golu_tuning_row;

/* First match wins; the last row matches every device. Both passes start from the same values
 * but for the f32 forward's unroll (below). */
static const golu_tuning_row rows[] = {
    /* CPUs (measured on PoCL): the widest OpenCL vector maps to whole AVX-512 registers; large
     * work-groups amortise the per-group cost of its work-item loops; no unroll (the work-item
     * loops already keep many loads in flight). 64 groups per compute unit: PoCL runs each
     * work-item's whole grid-stride loop in turn, so a work-group reads as many streams as
     * there are loop steps; with 64 groups instead of 16 a 2^24 array takes 8 steps instead of
     * 32, which the hardware prefetchers follow (f32 forward 15.3-17.5 -> 11.2-11.3 ms at 2^24
     * here, f16 backward 17.8 -> 15.4, bf16 forward 13.4 -> 12.7, bf16 backward 18.8-19.9 ->
     * 17.3; 1024 x 64, 2048 x 32 and 4096 x 16 work-items alike). */
    {CL_DEVICE_TYPE_CPU, GOLU_VENDOR_ANY, 0, {16, 16, 16, 8}, 1024, 64, {1, 1, 1, 1}, 1},
    /* NVIDIA GPUs (measured on an H200): 16-byte loads for f32 and bf16; f16 reached 85 % of copy
     * 4 at a time against 41 % 8 at a time (its half conversions). 32 work-groups per compute
     * unit, then the kernels' grid-stride loop, loading two vectors per step (unroll 2): at
     * n = 2^24 and 2^26 this took the f32 backward to 98 % of copy and the f16 forward to 94 %
     * (from 93.9 % and 87.8 % with unroll 1, at 2^26). 128 groups per compute unit helped at
     * 2^26 only and cost 10-20 points at 2^24, where the grid then covers the array in one
     * step. bf16 keeps
     * unroll 1 (89 % against 82 % for its forward at 2^26). docs/PERFORMANCE.md has the runs. */
    /* The same with compute capability 8.0 or more, where f16 converts by inline PTX (two
     * floats per instruction) and so no longer pays for wide vectors: --tune on an H200 chose
     * 16 for the forward (19.5 against 20.0 us at 2^24) and found 8 and 16 alike for the
     * backward (27.2 against 28.1 us for 4). The f32 forward loads one vector per step: with
     * its loop specialised for the default parameters (cl/golu_common.cl) that ran at 2^24 in
     * 37.3-37.5 us against 38.4-38.8 with unroll 2 (groups 16 to 64 and work-groups of 128 to
     * 512 items changed it by at most a microsecond; unroll 4 and 8-element vectors were slower).
     * Unroll 1 is also what lets the f32 and bf16 forwards prefetch the next step (src/program.c). */
    {CL_DEVICE_TYPE_GPU, GOLU_VENDOR_NVIDIA, 1, {4, 16, 8, 2}, 256, 32, {2, 2, 1, 2}, 1},
    {CL_DEVICE_TYPE_GPU, GOLU_VENDOR_NVIDIA, 0, {4, 4, 8, 2}, 256, 32, {2, 2, 1, 2}, 1},
    /* Other GPUs and accelerators: not measured; the NVIDIA values, which use only what every
     * GPU has (16-byte loads, 256-item groups, several groups per compute unit). */
    {CL_DEVICE_TYPE_ALL, GOLU_VENDOR_ANY, 0, {4, 4, 8, 2}, 256, 32, {2, 2, 1, 2}, 1},
};

void golu_tuning_defaults(const golu_device *dev, golu_dtype dtype, golu_pass pass,
                          golu_tuning *out)
{
    const size_t count = sizeof rows / sizeof rows[0];
    const golu_tuning_row *row = &rows[count - 1];
    for (size_t i = 0; i < count; i++) {
        if ((dev->type & rows[i].type) &&
            (rows[i].vendor_id == GOLU_VENDOR_ANY || rows[i].vendor_id == dev->vendor_id) &&
            (!rows[i].nv_ptx || dev->nv_ptx)) {
            row = &rows[i];
            break;
        }
    }
    out->vector_width = row->vector_width[dtype];
    out->local_size = row->local_size;
    out->groups_per_compute_unit = row->groups_per_compute_unit;
    out->unroll = dtype == GOLU_F32 && pass == GOLU_PASS_FORWARD ? row->unroll_f32_forward
                                                                 : row->unroll[dtype];
}
