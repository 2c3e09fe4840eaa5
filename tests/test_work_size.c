/* The launch rules of src/work_size.c, without a device: the NDRange on hand-made kernel slots
 * (the tuning's group cap, the growth of the element-wise kernels' grid past
 * GOLU_GPU_GRID_STEPS_MAX loop steps per work-item, the reductions' partial counts), which
 * kernels grow on which devices, and the CPU work-group cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/golu_internal.h"

/* A slot as golu_work_size_init() leaves it: local work-items, at most max_groups groups, and
 * steps_max (0: the grid does not grow). */
static golu_kernel_slot slot_of(golu_kernel_shape shape, size_t local, size_t max_groups,
                                uint64_t steps_max)
{
    golu_kernel_slot s = {0};
    s.shape = shape;
    s.local_size = local;
    s.group_size_for_global = local;
    s.max_groups = max_groups;
    s.steps_max = steps_max;
    return s;
}

/* Whole vectors per work-item of an NDRange, rounded up: the loop steps the kernel takes. */
static uint64_t steps_of(uint64_t n, unsigned vw, size_t global)
{
    return (n / vw + global - 1) / global;
}

static void test_cap_without_growth(void **state)
{
    (void)state;
    /* a slot that never grows (steps_max 0), with an H200's cap of 132 x 32 groups */
    golu_kernel_slot s = slot_of(GOLU_SHAPE_GRID, 256, 132 * 32, 0);
    size_t global = 0, local = 0;
    golu_work_size_for(&s, (uint64_t)1 << 28, 4, &global, &local);
    assert_int_equal(local, 256);
    assert_int_equal(global, (size_t)132 * 32 * 256);
    assert_int_equal(steps_of((uint64_t)1 << 28, 4, global), 63);
    /* fewer vectors than the cap: one work-item per vector, rounded up to whole groups */
    golu_work_size_for(&s, 1000 * 4 + 3, 4, &global, &local);
    assert_int_equal(global, 1024);
}

static void test_grid_grows_to_the_step_limit(void **state)
{
    (void)state;
    const uint64_t steps = GOLU_GPU_GRID_STEPS_MAX;
    golu_kernel_slot s = slot_of(GOLU_SHAPE_GRID, 256, 132 * 32, steps);
    size_t global = 0, local = 0;
    /* 2^24 f32 by 4: 3.9 steps with the tuned cap, below the limit: unchanged */
    golu_work_size_for(&s, (uint64_t)1 << 24, 4, &global, &local);
    assert_int_equal(global, (size_t)132 * 32 * 256);
    /* 2^28: the grid grows to n / (4 * 256 * steps) groups, each work-item takes `steps` */
    golu_work_size_for(&s, (uint64_t)1 << 28, 4, &global, &local);
    assert_int_equal(global, (size_t)((((uint64_t)1 << 26) / (256 * steps)) * 256));
    assert_int_equal(steps_of((uint64_t)1 << 28, 4, global), steps);
    /* a count that does not divide: never more than `steps`, never fewer groups than the cap */
    const uint64_t odd = ((uint64_t)1 << 28) + 12345;
    golu_work_size_for(&s, odd, 4, &global, &local);
    assert_true(steps_of(odd, 4, global) <= steps);
    assert_true(global / 256 >= 132 * 32);
    assert_int_equal(global % 256, 0);
    /* below the cap the grid is what the vectors need, as without growth */
    golu_work_size_for(&s, 4099, 4, &global, &local);
    assert_int_equal(global, 1024);
    /* f16's limit, one vector per work-item: 2^28 by 16 takes 2^24 work-items */
    golu_kernel_slot one = slot_of(GOLU_SHAPE_GRID, 256, 132 * 32, GOLU_GPU_GRID_STEPS_MAX_F16);
    golu_work_size_for(&one, (uint64_t)1 << 28, 16, &global, &local);
    assert_int_equal(global, (size_t)1 << 24);
    assert_int_equal(steps_of((uint64_t)1 << 28, 16, global), 1);
    /* a grown grid stays within GOLU_GRID_WORK_ITEMS_MAX work-items (2^36 f16 by 4: 2^34 vectors,
     * so 8 steps each), whole groups */
    golu_work_size_for(&one, (uint64_t)1 << 36, 4, &global, &local);
    assert_true((uint64_t)global <= GOLU_GRID_WORK_ITEMS_MAX);
    assert_int_equal(global % 256, 0);
    assert_int_equal((uint64_t)global, GOLU_GRID_WORK_ITEMS_MAX);
    assert_int_equal(steps_of((uint64_t)1 << 36, 4, global), 8);
}

static void test_reductions_count_partials_from_the_cap(void **state)
{
    (void)state;
    /* a reduction (one partial per group) keeps the tuned cap: steps_max 0 there */
    golu_kernel_slot s = slot_of(GOLU_SHAPE_REDUCE, 128, 64, 0);
    assert_int_equal(golu_work_groups_for(&s, (uint64_t)1 << 30, 8), 64);
    assert_int_equal(golu_work_groups_for(&s, 100, 8), 1);
    assert_int_equal(golu_work_groups_for(&s, 0, 8), 1);
}

/* Which kernels grow their grid (golu_work_size_init() takes steps_max from here): the plain and
 * blending ones on devices other than CPUs, to one vector per work-item for f16 and four for the
 * other dtypes; never the reductions or the bias kernels, whose partial sums are counted from the
 * group cap; nothing on CPUs. */
static void test_which_kernels_grow(void **state)
{
    (void)state;
    const golu_kernel_id grows[] = {
        GOLU_KERNEL_FORWARD,        GOLU_KERNEL_FORWARD_ALIGNED,
        GOLU_KERNEL_BACKWARD,       GOLU_KERNEL_BACKWARD_ALIGNED,
        GOLU_KERNEL_FORWARD_BLEND,  GOLU_KERNEL_FORWARD_BLEND_ALIGNED,
        GOLU_KERNEL_BACKWARD_BLEND, GOLU_KERNEL_BACKWARD_BLEND_ALIGNED};
    assert_int_equal(GOLU_GPU_GRID_STEPS_MAX, 4);
    assert_int_equal(GOLU_GPU_GRID_STEPS_MAX_F16, 1);
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        const golu_dtype dtype = (golu_dtype)d;
        const uint64_t limit = dtype == GOLU_F16 ? GOLU_GPU_GRID_STEPS_MAX_F16 : GOLU_GPU_GRID_STEPS_MAX;
        size_t growing = 0;
        for (int k = 0; k < GOLU_KERNEL_COUNT; k++) {
            int listed = 0;
            for (size_t i = 0; i < sizeof grows / sizeof grows[0]; i++)
                listed |= grows[i] == (golu_kernel_id)k;
            const uint64_t gpu = golu_grid_steps_max(CL_DEVICE_TYPE_GPU, (golu_kernel_id)k, dtype);
            assert_int_equal(gpu, listed ? limit : 0);
            assert_int_equal(golu_grid_steps_max(CL_DEVICE_TYPE_ACCELERATOR, (golu_kernel_id)k, dtype),
                             gpu);
            assert_int_equal(golu_grid_steps_max(CL_DEVICE_TYPE_CPU, (golu_kernel_id)k, dtype), 0);
            growing += gpu != 0;
        }
        assert_int_equal(growing, sizeof grows / sizeof grows[0]);
        assert_int_equal(golu_grid_steps_max(CL_DEVICE_TYPE_GPU, GOLU_KERNEL_BACKWARD_BIAS, dtype), 0);
        assert_int_equal(golu_grid_steps_max(CL_DEVICE_TYPE_GPU, GOLU_KERNEL_BACKWARD_PARAMS, dtype), 0);
    }
}

/* The CPU work-group cap: 64 KiB of a step's vectors; the CPU defaults (x16 f32/f16/bf16, x8
 * f64, unroll 1, 1024 work-items) sit at it; GPUs have none of their own. */
static void test_cpu_local_cap(void **state)
{
    (void)state;
    const golu_tuning f32_default = {16, 1024, 64, 1}, f64_default = {8, 1024, 64, 1};
    assert_int_equal(golu_local_cap(CL_DEVICE_TYPE_CPU, &f32_default, GOLU_F32), 1024);
    assert_int_equal(golu_local_cap(CL_DEVICE_TYPE_CPU, &f32_default, GOLU_F16), 1024);
    assert_int_equal(golu_local_cap(CL_DEVICE_TYPE_CPU, &f32_default, GOLU_BF16), 1024);
    assert_int_equal(golu_local_cap(CL_DEVICE_TYPE_CPU, &f64_default, GOLU_F64), 1024);
    /* f64 x16: 512 with unroll 1 (4096 crashed PoCL), 128 with unroll 4 */
    const golu_tuning wide = {16, 4096, 64, 1}, wide4 = {16, 4096, 64, 4};
    assert_int_equal(golu_local_cap(CL_DEVICE_TYPE_CPU, &wide, GOLU_F64), 512);
    assert_int_equal(golu_local_cap(CL_DEVICE_TYPE_CPU, &wide4, GOLU_F64), 128);
    assert_int_equal(golu_local_cap(CL_DEVICE_TYPE_GPU, &wide4, GOLU_F64), SIZE_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cap_without_growth),
        cmocka_unit_test(test_grid_grows_to_the_step_limit),
        cmocka_unit_test(test_reductions_count_partials_from_the_cap),
        cmocka_unit_test(test_which_kernels_grow),
        cmocka_unit_test(test_cpu_local_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
