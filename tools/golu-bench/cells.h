/*
 * golu-bench: the cells of a run, one per (dtype, pass, shape). The default shapes are the seed
 * table, feature size x batch; --sizes gives flat element counts instead (batch 1, size n), or
 * ROWSxCOLS shapes (batch ROWS, size COLS).
 */
#ifndef GOLU_BENCH_CELLS_H
#define GOLU_BENCH_CELLS_H

#include "options.h"

#include <golu.h>

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t batch;
    uint64_t size; /* feature size */
    uint64_t n;    /* batch * size elements */
} bench_shape;

typedef struct {
    golu_dtype dtype;
    int pass; /* BENCH_PASS_* (options.h); bench_pass_info() says what it reads and writes */
    bench_shape shape;
} bench_cell;

/* The cells in run order (dtype, then pass, then shape), for the dtypes in `dtypes` (which may be
 * fewer than o->dtypes once unsupported ones are dropped). @return : a malloc'd array and
 * `*count`, or NULL (out of memory, reported). */
bench_cell *bench_make_cells(const bench_options *o, const golu_dtype *dtypes, size_t num_dtypes,
                             size_t *count);

#endif
