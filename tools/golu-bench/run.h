/*
 * golu-bench: running one cell. Buffers are allocated for the cell and freed after it, so memory
 * use is bounded by the largest cell, not by the sum of the run.
 */
#ifndef GOLU_BENCH_RUN_H
#define GOLU_BENCH_RUN_H

#include "cells.h"
#include "check.h"
#include "devices.h"
#include "options.h"

#include <stdint.h>

typedef struct {
    bench_cell cell;
    double median_us;     /* device time, median over reps */
    double min_us;        /* device time, minimum over reps */
    double wall_us;       /* host wall time per call over reps back-to-back calls */
    double gb_per_s;      /* bytes moved / median device time; NAN if the time reads 0 */
    double copy_gb_per_s; /* clEnqueueCopyBuffer of the same n elements, median, 2n bytes */
    double pct_of_copy;   /* 100 * gb_per_s / copy_gb_per_s */
    int checked;          /* --check ran on this cell: `check` is valid */
    bench_check_stats check;
} bench_result;

typedef enum {
    BENCH_CELL_DONE,    /* `*r` is filled */
    BENCH_CELL_SKIPPED, /* too large for the device; said on stderr */
    BENCH_CELL_FAILED   /* an OpenCL/golu call failed; said on stderr */
} bench_cell_outcome;

/* Times (and with o->check, verifies) `cell`; the inputs come from `seed`. */
bench_cell_outcome bench_run_cell(const bench_device *dev, const bench_options *o,
                                  const bench_cell *cell, uint64_t seed, bench_result *r);

/* The parameters every cell runs and is checked with: GoLU's defaults. */
extern const golu_params bench_params;

/* The blend of the blending passes: {1, 1}, gradient accumulation (the output is read too). The
 * bias passes run unblended. */
extern const golu_blend bench_blend;

#endif
