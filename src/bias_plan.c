/* How golu_enqueue_backward_bias() splits its column sums over work-items: a pure function of the
 * shape, the vector width and the device's launch configuration, so that one device adds the
 * same numbers in the same order on every run (the sums are bit-identical run to run). */
#include "golu_internal.h"

/* Rows per block at least: each block writes cols partial sums in the compute type, which the
 * final pass reads back. With 8 rows that is 2 * 4 / 8 = 1 byte per element at most (f16, whose
 * dy, x and dx move 6 bytes), 2 * 8 / 8 = 2 of f64's 24. More parallelism than a grid of
 * (rows / 8) x (cols / vw) work-items is not needed at the sizes where bandwidth matters. */
#define MIN_ROWS_PER_BLOCK 8
/* Blocks at most: the final pass adds each column's partial sums one after another. */
#define MAX_BLOCKS 256

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

void golu_bias_plan_make(uint64_t rows, uint64_t cols, unsigned vw, uint64_t work_items,
                         golu_bias_plan *out)
{
    out->strips = ceil_div(cols, vw);
    /* Enough blocks to give every work-item of a full grid one (strip, block) task, no more. */
    uint64_t per_block = ceil_div(rows * out->strips, work_items ? work_items : 1);
    if (per_block < MIN_ROWS_PER_BLOCK)
        per_block = MIN_ROWS_PER_BLOCK;
    if (ceil_div(rows, per_block) > MAX_BLOCKS)
        per_block = ceil_div(rows, MAX_BLOCKS);
    if (per_block > rows)
        per_block = rows;
    out->rows_per_block = per_block;
    out->blocks = ceil_div(rows, per_block);
    out->tasks = out->blocks * out->strips;
}
