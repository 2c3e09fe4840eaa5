/* golu-bench --accuracy: the per-dtype inputs and the chunk loop (see acc_sweep.h). */
#include "acc_sweep.h"

#include "acc_eval.h"
#include "acc_runner.h"
#include "golu_reference.h"
#include "parallel.h"
#include "progress.h"
#include "timing.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_F32 (UINT64_C(1) << 24)
#define CHUNK_F64 (UINT64_C(1) << 20)
#define ALL_16 UINT64_C(65536)
#define ALL_32 (UINT64_C(1) << 32)

/* Host arrays for one chunk. */
typedef struct {
    void *x;          /* the dtype's storage (f64: the whole sample) */
    float *sx;        /* f16/bf16: x widened for the seed */
    void *y, *dx;     /* the library's results */
    void *sy, *sdx;   /* the seed's, float or double */
    uint16_t *sy16, *sdx16; /* f16/bf16: the seed's rounded to the dtype */
} host_arrays;

static void free_arrays(host_arrays *h)
{
    free(h->x);
    free(h->sx);
    free(h->y);
    free(h->dx);
    free(h->sy);
    free(h->sdx);
    free(h->sy16);
    free(h->sdx16);
}

static int alloc_arrays(host_arrays *h, golu_dtype dtype, uint64_t chunk, uint64_t total)
{
    const size_t esize = golu_dtype_size(dtype), c = (size_t)chunk;
    const size_t seed_esize = dtype == GOLU_F64 ? sizeof(double) : sizeof(float);
    const int narrow = dtype == GOLU_F16 || dtype == GOLU_BF16;
    memset(h, 0, sizeof *h);
    h->x = malloc((dtype == GOLU_F64 ? (size_t)total : c) * esize);
    h->y = malloc(c * esize);
    h->dx = malloc(c * esize);
    h->sy = malloc(c * seed_esize);
    h->sdx = malloc(c * seed_esize);
    if (narrow) {
        h->sx = malloc(c * sizeof *h->sx);
        h->sy16 = malloc(c * sizeof *h->sy16);
        h->sdx16 = malloc(c * sizeof *h->sdx16);
    }
    if (!h->x || !h->y || !h->dx || !h->sy || !h->sdx
        || (narrow && (!h->sx || !h->sy16 || !h->sdx16))) {
        fputs("golu-bench: out of host memory\n", stderr);
        free_arrays(h);
        return -1;
    }
    return 0;
}

/* The inputs of chunk [start, start + n): returns x (and sets *seed_x) for the runner. */
static const void *fill_chunk(host_arrays *h, golu_dtype dtype, const bench_options *o,
                              uint64_t start, size_t n, const void **seed_x)
{
    switch (dtype) {
    case GOLU_F32: {
        float *x = h->x;
        for (size_t i = 0; i < n; i++) {
            uint32_t bits = (uint32_t)((start + i) * o->stride);
            memcpy(&x[i], &bits, sizeof bits);
        }
        *seed_x = x;
        return x;
    }
    case GOLU_F16:
    case GOLU_BF16: {
        uint16_t *x = h->x;
        float (*to_float)(uint16_t) = dtype == GOLU_BF16 ? golu_bf16_to_float : golu_f16_to_float;
        for (size_t i = 0; i < n; i++) {
            x[i] = (uint16_t)(start + i);
            h->sx[i] = to_float(x[i]);
        }
        *seed_x = h->sx;
        return x;
    }
    case GOLU_F64: {
        const double *x = (const double *)h->x + start;
        *seed_x = x;
        return x;
    }
    }
    return NULL;
}

static void describe(acc_result *res, const bench_options *o, uint64_t total)
{
    switch (res->dtype) {
    case GOLU_F32:
        if (o->stride == 1)
            snprintf(res->inputs_text, sizeof res->inputs_text, "all %" PRIu64 " bit patterns",
                     total);
        else
            snprintf(res->inputs_text, sizeof res->inputs_text,
                     "1 in %" PRIu64 " of the 2^32 bit patterns (k * %" PRIu64 ", %" PRIu64
                     " inputs)", o->stride, o->stride, total);
        break;
    case GOLU_F16:
    case GOLU_BF16:
        snprintf(res->inputs_text, sizeof res->inputs_text, "all %" PRIu64 " bit patterns", total);
        break;
    case GOLU_F64:
        snprintf(res->inputs_text, sizeof res->inputs_text,
                 "%" PRIu64 " sampled values (seed %" PRIu64 ")", total, o->seed);
        break;
    }
}

static void show_progress(golu_dtype dtype, uint64_t done, uint64_t total, double t0)
{
    char text[160];
    double elapsed = (bench_now_ns() - t0) * 1e-9;
    double left = done > 0 ? elapsed * (double)(total - done) / (double)done : 0.0;
    snprintf(text, sizeof text, "accuracy %s: %" PRIu64 " of %" PRIu64 " inputs (%.1f%%), %.0f s "
             "elapsed, about %.0f s left", golu_dtype_name(dtype), done, total,
             100.0 * (double)done / (double)total, elapsed, left);
    bench_progress_text(text);
}

/* f16/bf16: the seed's float results, rounded once to the dtype. */
static void round_seed(host_arrays *h, golu_dtype dtype, size_t n)
{
    uint16_t (*round_16)(long double) = dtype == GOLU_BF16 ? golu_ld_to_bf16 : golu_ld_to_f16;
    const float *sy = h->sy, *sdx = h->sdx;
    for (size_t i = 0; i < n; i++) {
        h->sy16[i] = round_16(sy[i]);
        h->sdx16[i] = round_16(sdx[i]);
    }
}

static int run_chunks(acc_runner *r, host_arrays *h, const bench_options *o, acc_result *res,
                      uint64_t total, uint64_t chunk, unsigned threads)
{
    const golu_dtype dtype = res->dtype;
    const int narrow = dtype == GOLU_F16 || dtype == GOLU_BF16;
    const double t0 = bench_now_ns();
    for (uint64_t start = 0; start < total; start += chunk) {
        const size_t n = (size_t)(total - start < chunk ? total - start : chunk);
        const void *seed_x = NULL;
        const void *x = fill_chunk(h, dtype, o, start, n, &seed_x);
        if (acc_runner_run(r, n, x, seed_x, h->y, h->dx, h->sy, h->sdx) != 0)
            return -1;
        if (narrow)
            round_seed(h, dtype, n);
        acc_batch b = {dtype, n, x, {h->y, narrow ? (void *)h->sy16 : h->sy},
                       {h->dx, narrow ? (void *)h->sdx16 : h->sdx}, {&res->lib, &res->seed}, 2,
                       o->params};
        if (acc_evaluate(&b, threads) != 0)
            return -1;
        show_progress(dtype, start + n, total, t0);
    }
    bench_progress_clear();
    res->seconds = (bench_now_ns() - t0) * 1e-9;
    return 0;
}

int acc_sweep(const bench_device *d, const bench_seed *seed, const bench_options *o,
              golu_dtype dtype, acc_result *res)
{
    uint64_t total, chunk;
    unsigned threads = bench_threads();
    memset(res, 0, sizeof *res);
    res->dtype = dtype;
    golu_acc_table_init(&res->lib);
    golu_acc_table_init(&res->seed);
    switch (dtype) {
    case GOLU_F32:
        total = (ALL_32 + o->stride - 1) / o->stride;
        chunk = CHUNK_F32;
        break;
    case GOLU_F64:
        total = o->f64_samples;
        chunk = CHUNK_F64;
        if (!golu_acc_f64_thread_safe())
            threads = 1;
        break;
    default:
        total = ALL_16;
        chunk = ALL_16;
        break;
    }
    if (chunk > total)
        chunk = total;
    res->inputs = total;
    describe(res, o, total);

    host_arrays h;
    acc_runner r;
    if (alloc_arrays(&h, dtype, chunk, total) != 0)
        return -1;
    if (dtype == GOLU_F64)
        golu_acc_sample_f64(h.x, (size_t)total, o->seed);
    if (acc_runner_open(&r, d, seed, dtype, &o->params, (size_t)chunk) != 0) {
        free_arrays(&h);
        return -1;
    }
    int rc = run_chunks(&r, &h, o, res, total, chunk, threads);
    acc_runner_close(&r);
    free_arrays(&h);
    return rc;
}
