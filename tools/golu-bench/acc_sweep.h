/*
 * golu-bench --accuracy: the inputs of each dtype, run chunk by chunk through acc_runner and
 * compared with the reference through acc_eval, into one table for the library and one for the
 * seed formula:
 *   f32        every o->stride-th of the 2^32 bit patterns (all of them with --exhaustive), in
 *              chunks of 2^24, with progress on stderr;
 *   f16, bf16  all 65,536 bit patterns; the seed runs in float on the same values and its result
 *              is rounded to the dtype (to nearest even) on the host;
 *   f64        o->f64_samples values from golu_acc_sample_f64 (o->seed), against MPFR.
 */
#ifndef GOLU_BENCH_ACC_SWEEP_H
#define GOLU_BENCH_ACC_SWEEP_H

#include "acc_seed.h"
#include "devices.h"
#include "golu_accuracy.h"
#include "options.h"

#include <golu.h>

#include <stdint.h>

typedef struct {
    golu_dtype dtype;
    char inputs_text[160]; /* e.g. "all 4294967296 bit patterns" */
    uint64_t inputs;
    double seconds;
    golu_acc_table lib;
    golu_acc_table seed;
} acc_result;

/* @return : 0 with `*res` filled, or -1 after a message on stderr. */
int acc_sweep(const bench_device *d, const bench_seed *seed, const bench_options *o,
              golu_dtype dtype, acc_result *res);

#endif
