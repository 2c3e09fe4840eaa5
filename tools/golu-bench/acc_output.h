/*
 * golu-bench --accuracy: the results on stdout. table: a header, then per dtype a markdown table
 * (pasteable into docs) with the library and the seed formula side by side per region of x, and
 * a legend; csv: one row per (dtype, implementation, region) under a fixed header.
 */
#ifndef GOLU_BENCH_ACC_OUTPUT_H
#define GOLU_BENCH_ACC_OUTPUT_H

#include "acc_sweep.h"
#include "devices.h"
#include "options.h"

#include <stdio.h>

#define ACC_CSV_HEADER                                                                             \
    "dtype,impl,region,count,fwd_ulp,fwd_worst_x,bwd_ulp,bwd_worst_x,bwd_abs_ulp,bwd_abs_worst_x," \
    "nonfinite,masked"

void acc_output_begin(FILE *out, const bench_options *o, const bench_device *d);
void acc_output_dtype(FILE *out, const bench_options *o, const acc_result *r);
void acc_output_end(FILE *out, const bench_options *o);

#endif
