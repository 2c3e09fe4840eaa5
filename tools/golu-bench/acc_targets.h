/*
 * golu-bench --accuracy: the project's accuracy targets, checked on the measured tables:
 *   1. every region's library figure (fwd, bwd, bwd abs, NaN/inf) at or below the seed's;
 *   2. f32 forward within 4 ulp for x >= -1;
 *   3. backward within 2 ulp of alpha * |dy| everywhere, every dtype;
 *   4. no NaN or inf from the library for finite x;
 *   5. f64 forward within 4 ulp of MPFR in every region of the sample.
 * Each target lists what fails (dtype, region, error, worst x, the library's value, the
 * reference); a target whose dtype was not measured is reported as not checked. The final line
 * is PASS or FAIL. The targets are stated for alpha = beta = gamma = 1.
 */
#ifndef GOLU_BENCH_ACC_TARGETS_H
#define GOLU_BENCH_ACC_TARGETS_H

#include "acc_sweep.h"

#include <stddef.h>
#include <stdio.h>

/* @return : 1 when every checked target is met, else 0. */
int acc_targets_report(FILE *out, const acc_result *results, size_t count,
                       const golu_params *params);

#endif
