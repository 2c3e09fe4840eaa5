/* Work-group size and NDRange: chosen at run time from the device's and the kernel's limits. */
#include "fault_injection.h"

/* CPU runtimes such as PoCL run a work-group on one thread and keep its work-items' private
 * values on that thread's stack (pocl/pocl#1525), in proportion to the vectors a loop step holds.
 * PoCL's 8 MiB thread stack overflowed with f64 x16 at 4096 work-items (unroll 1, 512 KiB of
 * vectors), and, once the loops were specialised for the default parameters (two copies), at 2048
 * (unroll 1) and 1024 (unroll 2); 1024 with unroll 1 ran. Half of that: the CPU defaults (x16 f32,
 * f16 and bf16, x8 f64, 1024 work-items) sit at the limit. */
size_t golu_local_cap(cl_device_type type, const golu_tuning *tuning, golu_dtype dtype)
{
    if (!(type & CL_DEVICE_TYPE_CPU))
        return SIZE_MAX;
    return GOLU_CPU_GROUP_VECTOR_BYTES_MAX /
           ((size_t)tuning->vector_width * tuning->unroll * golu_compute_size(dtype));
}

/* A work-item's loop steps at most GOLU_GPU_GRID_STEPS_MAX, for the plain and blending kernels (n
 * elements in, n out, nothing per work-group) on GPUs. On an H200 with 32 groups per compute unit,
 * n = 2^28 took the f32 forward 62 steps (92.8 % of copy) against 15.5 with 128 groups (97.1 %)
 * and 3.9 with this rule (99.3 %); at 2^24, where the f32 forward takes 3.9 steps, 1.9 and 7.8
 * were slower, and at 2^28 the f32 and bf16 forwards lost 4-5 points with 2 or fewer. f16 takes
 * one vector per work-item: at 2^28 its forward ran at 73 % of copy with this rule and 99.4 %
 * with one step, its backward at 97.7 % and 105 % (16 halves a vector, 2 vectors a step; with one
 * a step, 88 % at 4 steps). The bias and parameter-gradient kernels size their partial sums from
 * max_groups and keep it; CPU devices keep theirs (PoCL's timings did not decide). */
uint64_t golu_grid_steps_max(cl_device_type type, golu_kernel_id kernel, golu_dtype dtype)
{
    if (type & CL_DEVICE_TYPE_CPU)
        return 0;
    switch (kernel) {
    case GOLU_KERNEL_FORWARD:
    case GOLU_KERNEL_FORWARD_ALIGNED:
    case GOLU_KERNEL_BACKWARD:
    case GOLU_KERNEL_BACKWARD_ALIGNED:
    case GOLU_KERNEL_FORWARD_BLEND:
    case GOLU_KERNEL_FORWARD_BLEND_ALIGNED:
    case GOLU_KERNEL_BACKWARD_BLEND:
    case GOLU_KERNEL_BACKWARD_BLEND_ALIGNED:
        return dtype == GOLU_F16 ? GOLU_GPU_GRID_STEPS_MAX_F16 : GOLU_GPU_GRID_STEPS_MAX;
    default:
        return 0;
    }
}

golu_status golu_work_size_init(golu_context *ctx, const golu_device *dev,
                                const golu_tuning *tuning, golu_dtype dtype,
                                golu_kernel_id kernel, golu_kernel_slot *slot)
{
    size_t kernel_max = 0, multiple = 1;
    cl_int err = clGetKernelWorkGroupInfo(slot->kernel, dev->id, CL_KERNEL_WORK_GROUP_SIZE,
                                          sizeof kernel_max, &kernel_max, NULL);
    if (err != CL_SUCCESS)
        return golu_fail_cl(ctx, "clGetKernelWorkGroupInfo(CL_KERNEL_WORK_GROUP_SIZE)", err);
    err = clGetKernelWorkGroupInfo(slot->kernel, dev->id,
                                   CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE, sizeof multiple,
                                   &multiple, NULL);
    if (err != CL_SUCCESS || multiple == 0)
        multiple = 1;

    /* Keep every launch within the kernel's own limit and the device's per-dimension limit. */
    size_t local = tuning->local_size;
    if (slot->shape != GOLU_SHAPE_GRID && local > GOLU_REDUCE_LOCAL_MAX)
        local = GOLU_REDUCE_LOCAL_MAX; /* the kernel's local-memory tree holds no more */
    size_t cap = golu_local_cap(dev->type, tuning, dtype); /* CPU devices' stacks */
    if (local > cap)
        local = cap;
    size_t device_max = GOLU_FAULT_DEVICE_MAX_WORK_GROUP(dev->max_work_group_size);
    if (local > device_max)
        local = device_max;
    if (local > dev->max_work_item_size0)
        local = dev->max_work_item_size0;
    if (local > kernel_max)
        local = kernel_max;
    if (local >= multiple)
        local -= local % multiple;
    if (local == 0)
        local = 1;
    slot->local_size = local;
    slot->group_size_for_global = local;
    slot->runtime_local = 0;
    size_t cus = dev->compute_units ? dev->compute_units : 1;
    slot->max_groups =
        slot->shape == GOLU_SHAPE_SINGLE_GROUP ? 1 : cus * tuning->groups_per_compute_unit;
    slot->steps_max = golu_grid_steps_max(dev->type, kernel, dtype);
    return GOLU_OK;
}

uint64_t golu_work_groups_for(const golu_kernel_slot *slot, uint64_t n, unsigned vw)
{
    size_t sizing = slot->group_size_for_global;
    uint64_t vectors = n / vw;
    uint64_t groups = (vectors + sizing - 1) / sizing;
    uint64_t cap = slot->max_groups;
    if (slot->steps_max) {
        uint64_t per_group = (uint64_t)sizing * slot->steps_max;
        uint64_t needed = (vectors + per_group - 1) / per_group;
        uint64_t most = GOLU_GRID_WORK_ITEMS_MAX / sizing;
        if (needed > most)
            needed = most;
        if (needed > cap)
            cap = needed;
    }
    if (groups > cap)
        groups = cap;
    return groups ? groups : 1;
}

void golu_work_size_for(const golu_kernel_slot *slot, uint64_t n, unsigned vw, size_t *global,
                        size_t *local)
{
    /* After a fallback to smaller groups the global size stays what the chosen size gave, so
     * the grid still covers the device; it remains a multiple of the (power-of-2 divided) local. */
    if (slot->shape != GOLU_SHAPE_GRID) {
        /* One partial per work-group: their number stays whatever local size a fallback uses. */
        *local = slot->local_size;
        *global = (size_t)golu_work_groups_for(slot, n, vw) * slot->local_size;
        return;
    }
    size_t sizing = slot->group_size_for_global;
    uint64_t groups = golu_work_groups_for(slot, n, vw);
    /* The n % vw tail elements go to work-items 0 .. vw-2: keep at least vw of them. */
    uint64_t min_groups = (vw + sizing - 1) / sizing;
    if (groups < min_groups)
        groups = min_groups;
    *local = slot->local_size;
    *global = (size_t)groups * sizing;
}
