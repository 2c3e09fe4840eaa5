/* golu-bench: random inputs (see inputs.h). */
#include "inputs.h"

#include "golu_reference.h"
#include "parallel.h"

#include <math.h>
#include <stdlib.h>

/* Elements per chunk: each chunk has a generator state of its own, derived from the array's seed
 * and the chunk's index, so the values do not depend on the number of threads. */
#define CHUNK ((uint64_t)1 << 16)

static double random_x(uint64_t *state)
{
    uint64_t pick = golu_rand_next(state) & 63;
    if (pick == 0) {
        double sign = golu_rand_next(state) & 1 ? -1.0 : 1.0;
        return sign * pow(10.0, golu_rand_uniform(state, log10(30.0), 3.0));
    }
    if (pick < 4)
        return golu_rand_uniform(state, -30.0, 30.0);
    return golu_rand_uniform(state, -6.0, 6.0);
}

static double random_dy(uint64_t *state)
{
    double sign = golu_rand_next(state) & 1 ? -1.0 : 1.0;
    return sign * exp2(golu_rand_uniform(state, -4.0, 2.0));
}

typedef struct {
    golu_dtype dtype;
    void *buf;
    uint64_t n, seed;
    double (*gen)(uint64_t *);
    unsigned threads;
} job;

/* Stores v rounded once to the dtype's storage, as a framework would hold it, at buf[i].
 * @return : 1 when the stored value is a zero. */
static int store_rounded(golu_dtype dtype, void *buf, uint64_t i, double v)
{
    uint16_t bits;
    switch (dtype) {
    case GOLU_F32: ((float *)buf)[i] = (float)v; return (float)v == 0.0f;
    case GOLU_F64: ((double *)buf)[i] = v; return v == 0.0;
    case GOLU_F16: bits = golu_double_to_f16(v); break;
    default: bits = golu_double_to_bf16(v); break;
    }
    ((uint16_t *)buf)[i] = bits;
    return (bits & 0x7fff) == 0;
}

/* The rounding to f16/bf16 (exact, in long double) costs most: `golu-bench --device cpu --sizes
 * 2^25 --dtype f16 --pass fwd,bwd --reps 1` took 16.2 s here (two cores, this libgolu) with
 * c57874a's golu-bench, which made the inputs on one thread, and 8.4-8.5 s with them over both.
 * A value that rounds to zero (f16: |x| <= 2^-25) is drawn again. */
static void fill_chunks(void *arg, unsigned thread)
{
    const job *j = arg;
    for (uint64_t c = thread; c * CHUNK < j->n; c += j->threads) {
        uint64_t state = j->seed ^ (c * 0x9E3779B97F4A7C15u);
        golu_rand_next(&state);
        const uint64_t end = (c + 1) * CHUNK < j->n ? (c + 1) * CHUNK : j->n;
        for (uint64_t i = c * CHUNK; i < end; i++)
            while (store_rounded(j->dtype, j->buf, i, j->gen(&state)))
                ;
    }
}

static void *make_array(golu_dtype dtype, uint64_t n, uint64_t *state,
                        double (*gen)(uint64_t *))
{
    job j = {dtype, malloc((size_t)n * golu_dtype_size(dtype)), n, golu_rand_next(state), gen,
             bench_threads()};
    if (!j.buf)
        return NULL;
    uint64_t chunks = (n + CHUNK - 1) / CHUNK;
    if (j.threads > chunks)
        j.threads = chunks ? (unsigned)chunks : 1u;
    bench_parallel(j.threads, fill_chunks, &j);
    return j.buf;
}

void *bench_make_x(golu_dtype dtype, uint64_t n, uint64_t *state)
{
    return make_array(dtype, n, state, random_x);
}

void *bench_make_dy(golu_dtype dtype, uint64_t n, uint64_t *state)
{
    return make_array(dtype, n, state, random_dy);
}
