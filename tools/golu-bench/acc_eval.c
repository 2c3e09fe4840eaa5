/* golu-bench --accuracy: the host-side comparison, over threads (see acc_eval.h). */
#include "acc_eval.h"

#include "parallel.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const acc_batch *batch;
    size_t begin, end;
    golu_acc_table tables[2];
} part;

static const void *at(const void *base, size_t index, size_t esize)
{
    return base ? (const unsigned char *)base + index * esize : NULL;
}

static void evaluate_part(void *arg, unsigned t)
{
    part *p = (part *)arg + t;
    const acc_batch *b = p->batch;
    const size_t esize = golu_dtype_size(b->dtype), n = p->end - p->begin;
    golu_acc_impl impls[2];
    for (size_t k = 0; k < b->num_impls; k++) {
        golu_acc_table_init(&p->tables[k]);
        impls[k].y = at(b->y[k], p->begin, esize);
        impls[k].dx = at(b->dx[k], p->begin, esize);
        impls[k].table = &p->tables[k];
    }
    const golu_params *q = &b->params;
    const void *x = at(b->x, p->begin, esize);
    switch (b->dtype) {
    case GOLU_F32:
        golu_acc_add_f32(x, n, impls, b->num_impls, q->alpha, q->beta, q->gamma);
        break;
    case GOLU_F16:
    case GOLU_BF16:
        golu_acc_add_16(b->dtype == GOLU_BF16, x, n, impls, b->num_impls, q->alpha, q->beta,
                        q->gamma);
        break;
    case GOLU_F64:
        golu_acc_add_f64(x, n, impls, b->num_impls, q->alpha, q->beta, q->gamma);
        break;
    }
}

int acc_evaluate(const acc_batch *b, unsigned threads)
{
    if (threads < 1)
        threads = 1;
    if (threads > BENCH_THREADS_MAX)
        threads = BENCH_THREADS_MAX;
    if ((size_t)threads > b->n)
        threads = b->n > 0 ? (unsigned)b->n : 1u;
    part *parts = malloc(threads * sizeof *parts);
    if (!parts) {
        fputs("golu-bench: out of host memory\n", stderr);
        return -1;
    }
    for (unsigned t = 0; t < threads; t++) {
        parts[t].batch = b;
        parts[t].begin = b->n * t / threads;
        parts[t].end = b->n * (t + 1) / threads;
    }
    bench_parallel(threads, evaluate_part, parts);
    for (unsigned t = 0; t < threads; t++)
        for (size_t k = 0; k < b->num_impls; k++)
            golu_acc_table_merge(b->tables[k], &parts[t].tables[k]);
    free(parts);
    return 0;
}
