/* golu-bench: random inputs (see inputs.h). */
#include "inputs.h"

#include "golu_reference.h"

#include <math.h>
#include <stdlib.h>

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

/* Rounds each generated double to the dtype's storage once, as a framework would hold it. */
static void *make_array(golu_dtype dtype, uint64_t n, uint64_t *state,
                        double (*gen)(uint64_t *))
{
    size_t esize = golu_dtype_size(dtype);
    void *buf = malloc((size_t)n * esize);
    if (!buf)
        return NULL;
    for (uint64_t i = 0; i < n; i++) {
        double v = gen(state);
        switch (dtype) {
        case GOLU_F32: ((float *)buf)[i] = (float)v; break;
        case GOLU_F64: ((double *)buf)[i] = v; break;
        case GOLU_F16: ((uint16_t *)buf)[i] = golu_double_to_f16(v); break;
        case GOLU_BF16: ((uint16_t *)buf)[i] = golu_double_to_bf16(v); break;
        }
    }
    return buf;
}

void *bench_make_x(golu_dtype dtype, uint64_t n, uint64_t *state)
{
    return make_array(dtype, n, state, random_x);
}

void *bench_make_dy(golu_dtype dtype, uint64_t n, uint64_t *state)
{
    return make_array(dtype, n, state, random_dy);
}
