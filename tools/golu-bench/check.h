/*
 * golu-bench --check: every element of a device result against the long-double reference, with
 * the accuracy contract of golu.h as implemented by golu_check_f32/f64/16 in tools/common.
 */
#ifndef GOLU_BENCH_CHECK_H
#define GOLU_BENCH_CHECK_H

#include "cells.h"

#include <golu.h>

#include <stdint.h>

typedef struct {
    uint64_t checked;
    uint64_t mismatches;
    double max_ulps; /* worst error seen, in the unit golu_check_* reports (inf for a NaN miss) */
} bench_check_stats;

/* Checks got[0..n-1] for `cell` given the inputs x and dy (dy unused for the forward), printing
 * the first few mismatches on stderr. Fills `*stats` for this cell. */
void bench_check_cell(const bench_cell *cell, const void *x, const void *dy, const void *got,
                      const golu_params *params, bench_check_stats *stats);

/* The three sums of a BENCH_PASS_BWD_PARAMS cell against the long-double reference sums of
 * dy * dGoLU/dalpha, dbeta, dgamma: within 1e-5 (f32, f16, bf16) or 1e-12 (f64) of sum |term|,
 * as golu.h states. Adds 3 to stats->checked and each miss to stats->mismatches (reported on
 * stderr); max_ulps is left alone (these are not ulps). */
void bench_check_param_sums(const bench_cell *cell, const void *x, const void *dy,
                            const double sums[3], const golu_params *params,
                            bench_check_stats *stats);

/* check_fused.c: the blending and fused-bias passes, with golu_check_blend and
 * golu_check_column (tools/common/golu_reference.h), which state their bounds.
 * A blending cell: got[i] against s * value + t * old[i] (dy unused for the forward). */
void bench_check_blend_cell(const bench_cell *cell, const void *x, const void *dy,
                            const void *old, const void *got, const golu_params *params,
                            const golu_blend *blend, bench_check_stats *stats);

/* A fused-bias cell (rows = batch, cols = size, unblended): got (y, or dx) per element with
 * x + b formed in the compute type, and for the backward db per column against the
 * long-double column sums. Counts the columns in stats->checked too; max_ulps covers the
 * elements only (a column's error is a relative one, not in ulps). */
void bench_check_bias_cell(const bench_cell *cell, const void *x, const void *dy, const void *b,
                           const void *got, const void *db, const golu_params *params,
                           bench_check_stats *stats);

/* Element i of a host array of `dtype` (the 16-bit formats decoded), as a double. */
double bench_value_at(golu_dtype dtype, const void *a, uint64_t i);

/* Adds a cell's stats into a running total. */
void bench_check_accumulate(bench_check_stats *total, const bench_check_stats *cell);

#endif
