/*
 * golu-bench --accuracy: comparing a chunk's results with the reference on the host, spread over
 * the CPU's cores (the reference costs far more than the kernels). Each thread fills tables of its
 * own for a contiguous part of the chunk; they are merged in order, so the worst element reported
 * is the first one in input order whatever the thread count.
 */
#ifndef GOLU_BENCH_ACC_EVAL_H
#define GOLU_BENCH_ACC_EVAL_H

#include "golu_accuracy.h"

#include <golu.h>

#include <stddef.h>

/* One chunk: n inputs x of `dtype` and, per implementation (library, seed), its results in the
 * dtype's storage; the errors are added into tables[k]. */
typedef struct {
    golu_dtype dtype;
    size_t n;
    const void *x;
    const void *y[2];
    const void *dx[2];
    golu_acc_table *tables[2];
    size_t num_impls;
    golu_params params;
} acc_batch;

/* Over `threads` threads (bench_threads()). @return : 0, or -1 (out of memory; said on stderr). */
int acc_evaluate(const acc_batch *b, unsigned threads);

#endif
