/*
 * golu-bench: random host inputs in a dtype's storage format (float, double, or the 16-bit
 * patterns of f16/bf16). Never zeros: a kernel fed zeros can take shortcuts (and a wrong kernel
 * can pass a check) that real activations never allow. Made over the CPU's threads in chunks with
 * generator states of their own: the values depend on the state passed in, not on the threads.
 */
#ifndef GOLU_BENCH_INPUTS_H
#define GOLU_BENCH_INPUTS_H

#include <golu.h>

#include <stdint.h>

/* x: mostly uniform over [-6, 6], where GoLU's shape lives; 1 in 16 uniform over [-30, 30] and
 * 1 in 64 of magnitude 30..1000, so the saturated tails and large activations are timed and
 * checked too. */
void *bench_make_x(golu_dtype dtype, uint64_t n, uint64_t *state);

/* dy: magnitude log-uniform over [1/16, 4] with a random sign; never zero, also after rounding
 * to f16/bf16. */
void *bench_make_dy(golu_dtype dtype, uint64_t n, uint64_t *state);

#endif
