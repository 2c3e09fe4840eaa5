/* golu-bench --accuracy: the host-side comparison, over threads (see acc_eval.h). */
#include "acc_eval.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 64u

unsigned acc_eval_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > (long)MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

typedef struct {
    const acc_batch *batch;
    size_t begin, end;
    golu_acc_table tables[2];
} part;

static const void *at(const void *base, size_t index, size_t esize)
{
    return base ? (const unsigned char *)base + index * esize : NULL;
}

static void *evaluate_part(void *arg)
{
    part *p = arg;
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
    return NULL;
}

int acc_evaluate(const acc_batch *b, unsigned threads)
{
    if (threads < 1)
        threads = 1;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    if ((size_t)threads > b->n)
        threads = b->n > 0 ? (unsigned)b->n : 1u;
    part *parts = malloc(threads * sizeof *parts);
    pthread_t *ids = malloc(threads * sizeof *ids);
    int *started = calloc(threads, sizeof *started);
    if (!parts || !ids || !started) {
        fputs("golu-bench: out of host memory\n", stderr);
        free(parts);
        free(ids);
        free(started);
        return -1;
    }
    for (unsigned t = 0; t < threads; t++) {
        parts[t].batch = b;
        parts[t].begin = b->n * t / threads;
        parts[t].end = b->n * (t + 1) / threads;
    }
    /* Part 0 runs on this thread; a part whose thread cannot start runs here too. */
    for (unsigned t = 1; t < threads; t++)
        started[t] = pthread_create(&ids[t], NULL, evaluate_part, &parts[t]) == 0;
    evaluate_part(&parts[0]);
    for (unsigned t = 1; t < threads; t++) {
        if (started[t])
            pthread_join(ids[t], NULL);
        else
            evaluate_part(&parts[t]);
    }
    for (unsigned t = 0; t < threads; t++)
        for (size_t k = 0; k < b->num_impls; k++)
            golu_acc_table_merge(b->tables[k], &parts[t].tables[k]);
    free(parts);
    free(ids);
    free(started);
    return 0;
}
