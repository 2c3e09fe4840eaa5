/* golu-bench --accuracy: the seed formula's OpenCL program (see acc_seed.h). */
#include "acc_seed.h"

#include "errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One kernel pair per type; REAL is float or double. The expressions are the seed's, verbatim. */
static const char seed_source[] =
    "#define SEED_KERNELS(REAL, SUFFIX)                                                     \\\n"
    "__kernel void seed_forward_##SUFFIX(__global const REAL *x, __global REAL *y,           \\\n"
    "                                    REAL a, REAL b, REAL g)                            \\\n"
    "{                                                                                      \\\n"
    "    size_t i = get_global_id(0);                                                       \\\n"
    "    REAL v = x[i];                                                                     \\\n"
    "    y[i] = v*a*exp(-b*exp(-g*v));                                                      \\\n"
    "}                                                                                      \\\n"
    "__kernel void seed_backward_##SUFFIX(__global const REAL *dy, __global const REAL *x,   \\\n"
    "                                     __global REAL *dx, REAL a, REAL b, REAL g)        \\\n"
    "{                                                                                      \\\n"
    "    size_t i = get_global_id(0);                                                       \\\n"
    "    REAL v = x[i];                                                                     \\\n"
    "    REAL e = exp(-g*v);                                                                \\\n"
    "    REAL d = dy[i]*a*exp(-b*e)*(1+b*g*v*e);                                            \\\n"
    "    dx[i] = isnan(d) ? 0 : d;                                                          \\\n"
    "}\n"
    "SEED_KERNELS(float, f32)\n"
    "#ifdef SEED_FP64\n"
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    "SEED_KERNELS(double, f64)\n"
    "#endif\n";

static void print_build_log(const bench_device *d, cl_program program)
{
    size_t size = 0;
    if (clGetProgramBuildInfo(program, d->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &size)
            != CL_SUCCESS || size == 0)
        return;
    char *log = malloc(size + 1);
    if (!log)
        return;
    if (clGetProgramBuildInfo(program, d->device, CL_PROGRAM_BUILD_LOG, size, log, NULL)
        == CL_SUCCESS) {
        log[size] = '\0';
        fprintf(stderr, "golu-bench: seed program build log:\n%s\n", log);
    }
    free(log);
}

static cl_kernel make_kernel(cl_program program, const char *name)
{
    cl_int err;
    cl_kernel k = clCreateKernel(program, name, &err);
    if (!k) {
        char what[64];
        snprintf(what, sizeof what, "clCreateKernel(%s)", name);
        bench_report_cl(what, err);
    }
    return k;
}

int bench_seed_build(const bench_device *d, int fp64, bench_seed *s)
{
    const char *src = seed_source;
    cl_int err;
    memset(s, 0, sizeof *s);
    s->program = clCreateProgramWithSource(d->cl_ctx, 1, &src, NULL, &err);
    if (!s->program) {
        bench_report_cl("clCreateProgramWithSource(seed)", err);
        return -1;
    }
    /* No -cl-fast-relaxed-math, -cl-unsafe-math-optimizations or -cl-mad-enable. */
    err = clBuildProgram(s->program, 1, &d->device, fp64 ? "-DSEED_FP64" : "", NULL, NULL);
    if (err != CL_SUCCESS) {
        bench_report_cl("clBuildProgram(seed)", err);
        print_build_log(d, s->program);
        bench_seed_release(s);
        return -1;
    }
    s->forward[0] = make_kernel(s->program, "seed_forward_f32");
    s->backward[0] = make_kernel(s->program, "seed_backward_f32");
    if (fp64) {
        s->forward[1] = make_kernel(s->program, "seed_forward_f64");
        s->backward[1] = make_kernel(s->program, "seed_backward_f64");
    }
    if (!s->forward[0] || !s->backward[0] || (fp64 && (!s->forward[1] || !s->backward[1]))) {
        bench_seed_release(s);
        return -1;
    }
    return 0;
}

void bench_seed_release(bench_seed *s)
{
    for (int i = 0; i < 2; i++) {
        if (s->forward[i])
            clReleaseKernel(s->forward[i]);
        if (s->backward[i])
            clReleaseKernel(s->backward[i]);
    }
    if (s->program)
        clReleaseProgram(s->program);
    memset(s, 0, sizeof *s);
}

/* Sets the three parameters from argument `first` on, as float or double. */
static cl_int set_params(cl_kernel k, cl_uint first, int f64, const golu_params *p)
{
    cl_int err = CL_SUCCESS;
    const double v[3] = {p->alpha, p->beta, p->gamma};
    for (cl_uint i = 0; i < 3 && err == CL_SUCCESS; i++) {
        if (f64) {
            err = clSetKernelArg(k, first + i, sizeof(cl_double), &v[i]);
        } else {
            cl_float f = (cl_float)v[i];
            err = clSetKernelArg(k, first + i, sizeof f, &f);
        }
    }
    return err;
}

static int launch(const bench_device *d, cl_kernel k, size_t n, const char *what)
{
    cl_int err = clEnqueueNDRangeKernel(d->queue, k, 1, NULL, &n, NULL, 0, NULL, NULL);
    if (err != CL_SUCCESS) {
        bench_report_cl(what, err);
        return -1;
    }
    return 0;
}

int bench_seed_forward(const bench_device *d, const bench_seed *s, int f64, size_t n, cl_mem x,
                       cl_mem y, const golu_params *p)
{
    cl_kernel k = s->forward[f64 ? 1 : 0];
    cl_int err = clSetKernelArg(k, 0, sizeof x, &x);
    if (err == CL_SUCCESS)
        err = clSetKernelArg(k, 1, sizeof y, &y);
    if (err == CL_SUCCESS)
        err = set_params(k, 2, f64, p);
    if (err != CL_SUCCESS) {
        bench_report_cl("clSetKernelArg(seed_forward)", err);
        return -1;
    }
    return launch(d, k, n, "clEnqueueNDRangeKernel(seed_forward)");
}

int bench_seed_backward(const bench_device *d, const bench_seed *s, int f64, size_t n, cl_mem dy,
                        cl_mem x, cl_mem dx, const golu_params *p)
{
    cl_kernel k = s->backward[f64 ? 1 : 0];
    cl_int err = clSetKernelArg(k, 0, sizeof dy, &dy);
    if (err == CL_SUCCESS)
        err = clSetKernelArg(k, 1, sizeof x, &x);
    if (err == CL_SUCCESS)
        err = clSetKernelArg(k, 2, sizeof dx, &dx);
    if (err == CL_SUCCESS)
        err = set_params(k, 3, f64, p);
    if (err != CL_SUCCESS) {
        bench_report_cl("clSetKernelArg(seed_backward)", err);
        return -1;
    }
    return launch(d, k, n, "clEnqueueNDRangeKernel(seed_backward)");
}
