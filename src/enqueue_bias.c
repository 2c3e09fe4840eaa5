/* golu_enqueue_forward_bias() and golu_enqueue_backward_bias(): GoLU on x + b over a row-major
 * [rows x cols] tensor, with b broadcast over the rows; the backward also sums the gradient's
 * columns into db in two stages (bias_plan.c, cl/golu_bias.cl). */
#include "golu_internal.h"

#include <stdint.h>

/* golu_backward_bias's flags (cl/golu_bias.cl) */
#define BIAS_HAS_DX 1u
#define BIAS_FINAL 2u

static golu_status shape_elements(golu_context *ctx, uint64_t rows, uint64_t cols, uint64_t *n)
{
    if (cols != 0 && rows > UINT64_MAX / cols)
        return golu_fail(ctx, GOLU_ERROR_SIZE_OVERFLOW,
                         "rows %llu * cols %llu does not fit in 64 bits", (unsigned long long)rows,
                         (unsigned long long)cols);
    *n = rows * cols;
    return GOLU_OK;
}

golu_status golu_enqueue_forward_bias(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                                      uint64_t rows, uint64_t cols, cl_mem x, uint64_t x_offset,
                                      cl_mem b, uint64_t b_offset, cl_mem y, uint64_t y_offset,
                                      const golu_params *params, const golu_blend *blend,
                                      cl_uint num_events, const cl_event *wait_list,
                                      cl_event *event)
{
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    if (!queue || !x || !b || !y)
        return golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "golu_enqueue_forward_bias: %s is NULL",
                         !queue ? "queue" : !x ? "x" : !b ? "b" : "y");
    uint64_t n = 0;
    golu_status status = shape_elements(ctx, rows, cols, &n);
    if (status != GOLU_OK)
        return status;
    /* y may be exactly x; b (cols elements) may not overlap y at all */
    golu_array_arg arrays[3] = {
        {.name = "x", .mem = x, .offset = x_offset},
        {.name = "b", .mem = b, .offset = b_offset, .length = cols, .exclusive = 1},
        {.name = "y", .mem = y, .offset = y_offset, .is_output = 1}};
    cl_uint dev_index = 0;
    if ((status = golu_validate_call(ctx, queue, dtype, params, blend, num_events, wait_list,
                                     arrays, 3, n, &dev_index)) != GOLU_OK)
        return status;
    if (n == 0)
        return golu_empty_event(ctx, queue, num_events, wait_list, event);

    golu_program_slot *program;
    if ((status = golu_program_get(ctx, dev_index, dtype, GOLU_PASS_FORWARD, &program)) != GOLU_OK)
        return status;
    /* b is read with unaligned loads (a vector of it starts at any column): only x and y count */
    const golu_array_arg xy[2] = {arrays[0], arrays[2]};
    const golu_kernel_id id =
        golu_arrays_aligned(xy, 2, program->vw * golu_dtype_size(dtype))
            ? GOLU_KERNEL_FORWARD_BIAS_ALIGNED
            : GOLU_KERNEL_FORWARD_BIAS;

    golu_scalars scalars;
    golu_scalars_pack(&scalars, dtype, params, blend);
    golu_launch_args args = {.count = 3, .n = n, .count_count = 1, .counts = {cols}};
    golu_scalars_use(&scalars, GOLU_SCALAR_ALPHA, GOLU_SCALARS_COUNT, &args);
    for (int i = 0; i < 3; i++) {
        args.mems[i] = arrays[i].mem;
        args.offsets[i] = arrays[i].offset;
    }
    size_t global, local;
    cl_int err = golu_kernel_launch(&program->kernels[id], &args, program->vw, queue, num_events,
                                    wait_list, event, &global, &local);
    if (err != CL_SUCCESS)
        return golu_launch_failed(ctx, id, dtype, rows, cols, global, local, err);
    return GOLU_OK;
}

/* The arrays of a backward call, in kernel order; dx is left out when NULL. */
enum { BW_DY, BW_X, BW_B, BW_DX, BW_DB, BW_COUNT };

/* rows == 0: the column sums are 0, so db = s * 0 + t * db, by the final pass over no blocks. */
static golu_status scale_db(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                            golu_program_slot *program, uint64_t cols, cl_mem db,
                            uint64_t db_offset, const golu_scalars *scalars, cl_uint num_events,
                            const cl_event *wait_list, cl_event *event)
{
    /* no partial sums are read: db stands in for the partial-sum buffer */
    golu_launch_args args = {.count = 2, .mems = {db, db}, .offsets = {0, db_offset}, .n = cols,
                             .count_count = 1, .counts = {0}};
    golu_scalars_use(scalars, GOLU_SCALAR_S, 2, &args);
    size_t global, local;
    cl_int err = golu_kernel_launch(&program->kernels[GOLU_KERNEL_BIAS_FINISH], &args, 1, queue,
                                    num_events, wait_list, event, &global, &local);
    if (err != CL_SUCCESS)
        return golu_launch_failed(ctx, GOLU_KERNEL_BIAS_FINISH, dtype, 0, cols, global, local,
                                  err);
    return GOLU_OK;
}

/* Stage 1 on `plan`, then (with more than one block) stage 2 after it; *event is the last
 * command's. The partial sums go to a scratch buffer lent by the context's pool until both have
 * run (given back from stage 2's completion callback). */
static golu_status sum_columns(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                               golu_program_slot *program, const golu_array_arg *arrays,
                               int has_dx, uint64_t rows, uint64_t cols,
                               const golu_scalars *scalars, cl_uint num_events,
                               const cl_event *wait_list, cl_event *event)
{
    const golu_kernel_slot *first = &program->kernels[GOLU_KERNEL_BACKWARD_BIAS];
    golu_bias_plan plan;
    golu_bias_plan_make(rows, cols, program->vw, (uint64_t)first->max_groups *
                        first->group_size_for_global, &plan);

    golu_scratch *scratch = NULL;
    cl_mem partial = NULL;
    if (plan.blocks > 1) {
        /* blocks x cols partial sums: cols * size fits (it is no more than a validated buffer's
         * row), the product with blocks may not on a 32-bit host */
        if (plan.blocks > SIZE_MAX / (cols * scalars->size))
            return golu_fail(ctx, GOLU_ERROR_SIZE_OVERFLOW,
                             "golu_enqueue_backward_bias: %llu x %llu partial sums exceed the "
                             "host's size_t",
                             (unsigned long long)plan.blocks, (unsigned long long)cols);
        golu_status taken =
            golu_scratch_take(ctx, queue, (size_t)(plan.blocks * cols * scalars->size), &scratch);
        if (taken != GOLU_OK)
            return taken;
        partial = golu_scratch_mem(scratch);
    }

    /* dx NULL: x stands in (never written); one block: db stands in for the partial sums */
    const golu_array_arg *dx = has_dx ? &arrays[BW_DX] : &arrays[BW_X];
    golu_launch_args args = {
        .count = 6,
        .mems = {arrays[BW_DY].mem, arrays[BW_X].mem, arrays[BW_B].mem, dx->mem,
                 partial ? partial : arrays[BW_DB].mem, arrays[BW_DB].mem},
        .offsets = {arrays[BW_DY].offset, arrays[BW_X].offset, arrays[BW_B].offset, dx->offset, 0,
                    arrays[BW_DB].offset},
        .n = plan.tasks,
        .count_count = 4,
        .counts = {rows, cols, plan.rows_per_block,
                   (has_dx ? BIAS_HAS_DX : 0u) | (partial ? 0u : BIAS_FINAL)}};
    golu_scalars_use(scalars, GOLU_SCALAR_ALPHA, GOLU_SCALARS_COUNT, &args);
    /* whole-vector rows need cols a multiple of the width; b and db are read with unaligned
     * loads (once per task), so only dy, x and dx count */
    const uint64_t vector_bytes = program->vw * golu_dtype_size(dtype);
    const int aligned = cols % program->vw == 0 && golu_arrays_aligned(arrays, 2, vector_bytes) &&
                        golu_arrays_aligned(dx, 1, vector_bytes);
    const golu_kernel_id id =
        aligned ? GOLU_KERNEL_BACKWARD_BIAS_ALIGNED : GOLU_KERNEL_BACKWARD_BIAS;
    cl_event stage1 = NULL, done = NULL;
    size_t global, local;
    cl_int err = golu_kernel_launch(&program->kernels[id], &args, 1, queue, num_events, wait_list,
                                    partial ? &stage1 : event, &global, &local);
    golu_status status = GOLU_OK;
    if (err != CL_SUCCESS)
        status = golu_launch_failed(ctx, id, dtype, rows, cols, global, local, err);
    if (status == GOLU_OK && partial) {
        golu_launch_args fin = {.count = 2,
                                .mems = {partial, arrays[BW_DB].mem},
                                .offsets = {0, arrays[BW_DB].offset},
                                .n = cols,
                                .count_count = 1,
                                .counts = {plan.blocks}};
        golu_scalars_use(scalars, GOLU_SCALAR_S, 2, &fin);
        /* waits for stage 1 also on an out-of-order queue */
        err = golu_kernel_launch(&program->kernels[GOLU_KERNEL_BIAS_FINISH], &fin, 1, queue, 1,
                                 &stage1, &done, &global, &local);
        if (err != CL_SUCCESS)
            status = golu_launch_failed(ctx, GOLU_KERNEL_BIAS_FINISH, dtype, rows, cols, global,
                                        local, err);
    }
    if (scratch) /* stage 1's event when stage 2 could not be enqueued */
        golu_scratch_give_back_when_done(scratch, done ? done : stage1);
    if (stage1)
        clReleaseEvent(stage1);
    if (done && event)
        *event = done;
    else if (done)
        clReleaseEvent(done);
    return status;
}

golu_status golu_enqueue_backward_bias(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                                       uint64_t rows, uint64_t cols, cl_mem dy, uint64_t dy_offset,
                                       cl_mem x, uint64_t x_offset, cl_mem b, uint64_t b_offset,
                                       cl_mem dx, uint64_t dx_offset, cl_mem db,
                                       uint64_t db_offset, const golu_params *params,
                                       const golu_blend *blend, cl_uint num_events,
                                       const cl_event *wait_list, cl_event *event)
{
    if (!ctx)
        return GOLU_ERROR_NULL_ARGUMENT;
    if (!queue || !dy || !x || !b || !db)
        return golu_fail(ctx, GOLU_ERROR_NULL_ARGUMENT, "golu_enqueue_backward_bias: %s is NULL",
                         !queue ? "queue" : !dy ? "dy" : !x ? "x" : !b ? "b" : "db");
    uint64_t n = 0;
    golu_status status = shape_elements(ctx, rows, cols, &n);
    if (status != GOLU_OK)
        return status;
    /* dx may be exactly dy or x; b may not overlap dx, and db (cols elements) nothing at all */
    golu_array_arg arrays[BW_COUNT] = {
        [BW_DY] = {.name = "dy", .mem = dy, .offset = dy_offset},
        [BW_X] = {.name = "x", .mem = x, .offset = x_offset},
        [BW_B] = {.name = "b", .mem = b, .offset = b_offset, .length = cols, .exclusive = 1},
        [BW_DX] = {.name = "dx", .mem = dx, .offset = dx_offset, .is_output = 1},
        [BW_DB] = {.name = "db", .mem = db, .offset = db_offset, .length = cols, .is_output = 1,
                   .exclusive = 1}};
    const int has_dx = dx != NULL;
    cl_uint dev_index = 0;
    if ((status = golu_validate_call(ctx, queue, dtype, params, blend, num_events, wait_list,
                                     arrays, BW_COUNT, n, &dev_index)) != GOLU_OK)
        return status;
    const double t = blend ? blend->t : 0.0;
    if (cols == 0 || (rows == 0 && t == 1.0))
        return golu_empty_event(ctx, queue, num_events, wait_list, event);

    golu_program_slot *program;
    if ((status = golu_program_get(ctx, dev_index, dtype, GOLU_PASS_BACKWARD, &program)) != GOLU_OK)
        return status;
    golu_scalars scalars;
    golu_scalars_pack(&scalars, dtype, params, blend);
    if (rows == 0)
        return scale_db(ctx, queue, dtype, program, cols, db, db_offset, &scalars, num_events,
                        wait_list, event);
    return sum_columns(ctx, queue, dtype, program, arrays, has_dx, rows, cols, &scalars,
                       num_events, wait_list, event);
}
