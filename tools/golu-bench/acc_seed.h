/*
 * golu-bench --accuracy: the seed formula, the plain expressions the project started from, as a
 * small OpenCL program of golu-bench's own (not the library's), built without any relaxed-math
 * option, so the accuracy tables can show the library beside it on the same device:
 *     forward   y  = x*a*exp(-b*exp(-g*x))
 *     backward  e  = exp(-g*x);  dx = dy*a*exp(-b*e)*(1+b*g*x*e);  dx = isnan(dx) ? 0 : dx
 * in float, and (on devices with fp64) the same expressions in double for the f64 table.
 */
#ifndef GOLU_BENCH_ACC_SEED_H
#define GOLU_BENCH_ACC_SEED_H

#include "devices.h"

#include <golu.h>

#include <stddef.h>

typedef struct {
    cl_program program;
    cl_kernel forward[2];  /* [0] float, [1] double (NULL without fp64) */
    cl_kernel backward[2];
} bench_seed;

/* Builds the program (the double kernels when `fp64`). @return : 0, or -1 after a message on
 * stderr (with the build log); `*s` is then released. */
int bench_seed_build(const bench_device *d, int fp64, bench_seed *s);
void bench_seed_release(bench_seed *s);

/* Enqueue y = seed(x), dx = seed'(x)*dy over n elements of float (f64 = 0) or double (f64 = 1)
 * buffers on d->queue, with the parameters rounded to the kernel's type.
 * @return : 0, or -1 after a message on stderr. */
int bench_seed_forward(const bench_device *d, const bench_seed *s, int f64, size_t n, cl_mem x,
                       cl_mem y, const golu_params *p);
int bench_seed_backward(const bench_device *d, const bench_seed *s, int f64, size_t n, cl_mem dy,
                        cl_mem x, cl_mem dx, const golu_params *p);

#endif
