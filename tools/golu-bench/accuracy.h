/*
 * golu-bench --accuracy: the library's kernels and the seed formula measured against a correct
 * reference over every f32 bit pattern (or 1 in --stride), all f16 and bf16 patterns and an f64
 * sample, reported per region of x (acc_output) and checked against the targets (acc_targets).
 */
#ifndef GOLU_BENCH_ACCURACY_H
#define GOLU_BENCH_ACCURACY_H

#include "devices.h"
#include "options.h"

/* @return : BENCH_EXIT_OK (every checked target met), BENCH_EXIT_MISMATCH (a target missed) or
 * BENCH_EXIT_ERROR. */
int bench_accuracy(const bench_options *o, const bench_device *d);

#endif
