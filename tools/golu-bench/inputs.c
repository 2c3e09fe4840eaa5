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

/* Rounds each generated double to the dtype's storage once, as a framework would hold it. The
 * rounding to f16/bf16 (exact, in long double) costs most: 2^28 f16 elements took minutes on one
 * core, which at large sizes was most of a device run. */
static void fill_chunks(void *arg, unsigned thread)
{
    const job *j = arg;
    for (uint64_t c = thread; c * CHUNK < j->n; c += j->threads) {
        uint64_t state = j->seed ^ (c * 0x9E3779B97F4A7C15u);
        golu_rand_next(&state);
        const uint64_t end = (c + 1) * CHUNK < j->n ? (c + 1) * CHUNK : j->n;
        for (uint64_t i = c * CHUNK; i < end; i++) {
            int zero;
            do { /* a value that rounds to zero (f16: |x| <= 2^-25) is drawn again */
                double v = j->gen(&state);
                switch (j->dtype) {
                case GOLU_F32: ((float *)j->buf)[i] = (float)v; zero = (float)v == 0.0f; break;
                case GOLU_F64: ((double *)j->buf)[i] = v; zero = v == 0.0; break;
                case GOLU_F16: {
                    uint16_t h = golu_double_to_f16(v);
                    ((uint16_t *)j->buf)[i] = h;
                    zero = (h & 0x7fff) == 0;
                    break;
                }
                default: {
                    uint16_t b = golu_double_to_bf16(v);
                    ((uint16_t *)j->buf)[i] = b;
                    zero = (b & 0x7fff) == 0;
                    break;
                }
                }
            } while (zero);
        }
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
