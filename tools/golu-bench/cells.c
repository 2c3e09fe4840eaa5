/* golu-bench: the size table and the list of cells (see cells.h). */
#include "cells.h"

#include <stdio.h>
#include <stdlib.h>

/* The seed table of the project issue: typical MLP/transformer widths times typical batches. */
static const uint64_t seed_sizes[] = {128, 256, 512, 1024, 2048, 4096};
static const uint64_t seed_batches[] = {1, 32, 64, 128, 256, 512};

#define SEED_SIZES (sizeof seed_sizes / sizeof seed_sizes[0])
#define SEED_BATCHES (sizeof seed_batches / sizeof seed_batches[0])
#define MAX_SHAPES (BENCH_MAX_SIZES > SEED_SIZES * SEED_BATCHES ? BENCH_MAX_SIZES \
                                                                : SEED_SIZES * SEED_BATCHES)

static size_t make_shapes(const bench_options *o, bench_shape *shapes)
{
    size_t count = 0;
    if (o->num_sizes > 0) {
        for (size_t i = 0; i < o->num_sizes; i++)
            shapes[count++] = (bench_shape){o->size_rows[i], o->sizes[i] / o->size_rows[i],
                                            o->sizes[i]};
        return count;
    }
    for (size_t s = 0; s < SEED_SIZES; s++)
        for (size_t b = 0; b < SEED_BATCHES; b++)
            shapes[count++] = (bench_shape){seed_batches[b], seed_sizes[s],
                                            seed_batches[b] * seed_sizes[s]};
    return count;
}

bench_cell *bench_make_cells(const bench_options *o, const golu_dtype *dtypes, size_t num_dtypes,
                             size_t *count)
{
    bench_shape shapes[MAX_SHAPES];
    size_t num_shapes = make_shapes(o, shapes);
    size_t total = num_dtypes * o->num_passes * num_shapes;
    bench_cell *cells = malloc((total ? total : 1) * sizeof *cells);
    *count = 0;
    if (!cells) {
        fputs("golu-bench: out of host memory\n", stderr);
        return NULL;
    }
    for (size_t d = 0; d < num_dtypes; d++)
        for (size_t p = 0; p < o->num_passes; p++)
            for (size_t s = 0; s < num_shapes; s++)
                cells[(*count)++] = (bench_cell){dtypes[d], o->passes[p], shapes[s]};
    return cells;
}
