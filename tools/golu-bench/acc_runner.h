/*
 * golu-bench --accuracy: one chunk of inputs through the library's kernels (golu_enqueue_forward
 * and golu_enqueue_backward on real cl_mem buffers, dy = 1) and through the seed formula, on the
 * device, and the four results back on the host. Buffers are made once for the largest chunk and
 * reused; outputs are filled with NaN before each run, so an element a kernel fails to write
 * shows as an error instead of passing with an earlier value.
 */
#ifndef GOLU_BENCH_ACC_RUNNER_H
#define GOLU_BENCH_ACC_RUNNER_H

#include "acc_seed.h"
#include "devices.h"

#include <golu.h>

#include <stddef.h>

typedef struct {
    const bench_device *dev;
    const bench_seed *seed;
    golu_dtype dtype;
    golu_params params;
    size_t capacity; /* elements per chunk */
    int seed_f64;    /* the seed runs in double (f64), else in float */
    cl_mem x, y, dx, dy;         /* the library's, in the dtype's storage; dy holds ones */
    cl_mem sx, sy, sdx, sdy;     /* the seed's, float or double (for f32 / f64: x and dy again) */
} acc_runner;

/* @return : 0, or -1 after a message on stderr (nothing left to release then). */
int acc_runner_open(acc_runner *r, const bench_device *dev, const bench_seed *seed,
                    golu_dtype dtype, const golu_params *params, size_t capacity);
void acc_runner_close(acc_runner *r);

/* n <= capacity elements. x: the dtype's storage; seed_x: the same values as float (f32, f16,
 * bf16) or double (f64) - for f32 and f64 simply x. y, dx: the library's results (dtype storage);
 * seed_y, seed_dx: the seed's (float or double). @return : 0, or -1 after a message. */
int acc_runner_run(acc_runner *r, size_t n, const void *x, const void *seed_x, void *y, void *dx,
                   void *seed_y, void *seed_dx);

#endif
