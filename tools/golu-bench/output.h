/*
 * golu-bench: the results on stdout, as an aligned table, CSV or JSON. Rows are written as cells
 * finish (so a long run shows results early and a failed run keeps what it measured); the JSON
 * array is closed by bench_output_end(), which the caller also runs after a failure.
 */
#ifndef GOLU_BENCH_OUTPUT_H
#define GOLU_BENCH_OUTPUT_H

#include "devices.h"
#include "options.h"
#include "run.h"

#include <stddef.h>
#include <stdio.h>

typedef struct {
    FILE *out;
    bench_format format;
    int check; /* the table gets mismatch and max-ulp columns */
    const bench_device *dev;
    size_t rows;
} bench_output;

/* The CSV header, fixed by the project issue: scripts depend on it. */
#define BENCH_CSV_HEADER \
    "device,dtype,pass,batch,size,n,median_us,min_us,wall_us,gb_per_s,copy_gb_per_s,pct_of_copy"

void bench_output_begin(bench_output *w, FILE *out, const bench_options *o,
                        const bench_device *dev);
void bench_output_row(bench_output *w, const bench_result *r);
void bench_output_end(bench_output *w);

#endif
