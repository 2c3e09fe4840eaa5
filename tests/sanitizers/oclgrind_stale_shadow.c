/*
 * oclgrind_stale_shadow: how Oclgrind 21.10's --uninitialized check sizes a buffer's shadow, and
 * so why libgolu's scratch buffers are created from zeros (src/scratch_pool.c) and why the tests
 * that run under Oclgrind write whole buffers from the host.
 *
 * Oclgrind 21.10 gives a global buffer a shadow (its record of which bytes are initialised) at
 * the buffer's last host write, sized as that write, or, when it has none, a poisoned one of the
 * buffer's size at the first kernel that uses it; a released buffer's shadow is never dropped,
 * and a new buffer that gets the released one's index inherits it. Here kernel `a` writes all 64
 * floats of p and kernel `b` reads them back: no report, unless a 4-byte buffer was written and
 * released just before p was made; then p has that 4-byte shadow, `a`'s stores past it are lost,
 * and `b` reads "uninitialised" memory at every load past p's first 4 bytes (64 reports). A
 * buffer made with CL_MEM_COPY_HOST_PTR, or written whole from the host, gets a shadow of its
 * own size.
 *
 * Not part of the build or of CI: a record of the tool's behaviour, to run by hand:
 *   cc tests/sanitizers/oclgrind_stale_shadow.c -o stale -lOpenCL
 *   oclgrind --uninitialized ./stale 0   # 0 reports
 *   oclgrind --uninitialized ./stale 1   # 64 reports
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>

static const char *source =
    "__kernel void a(__global float *p) { p[get_global_id(0)] = (float)get_global_id(0); }\n"
    "__kernel void b(__global const float *p, __global float *out) {\n"
    "    __local float t[64];\n"
    "    t[get_local_id(0)] = p[get_global_id(0)];\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    if (get_local_id(0) == 0) out[0] = t[0] + t[63];\n"
    "}\n";

int main(int argc, char **argv)
{
    const int small_first = argc > 1 && atoi(argv[1]) != 0;
    cl_platform_id platform;
    cl_device_id device;
    cl_int err;
    if (clGetPlatformIDs(1, &platform, NULL) != CL_SUCCESS ||
        clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, NULL) != CL_SUCCESS)
        return 1;
    cl_context ctx = clCreateContext(NULL, 1, &device, NULL, NULL, &err);
    cl_command_queue queue = clCreateCommandQueue(ctx, device, 0, &err);
    cl_program program = clCreateProgramWithSource(ctx, 1, &source, NULL, &err);
    if (clBuildProgram(program, 1, &device, "", NULL, NULL) != CL_SUCCESS)
        return 1;
    cl_kernel ka = clCreateKernel(program, "a", &err), kb = clCreateKernel(program, "b", &err);
    cl_mem out = clCreateBuffer(ctx, CL_MEM_READ_WRITE, sizeof(float), NULL, &err);
    if (small_first) {
        const float one = 1.0f;
        cl_mem small = clCreateBuffer(ctx, CL_MEM_READ_WRITE, sizeof one, NULL, &err);
        clEnqueueWriteBuffer(queue, small, CL_TRUE, 0, sizeof one, &one, 0, NULL, NULL);
        clReleaseMemObject(small);
    }
    cl_mem p = clCreateBuffer(ctx, CL_MEM_READ_WRITE, 64 * sizeof(float), NULL, &err);
    size_t global = 64;
    clSetKernelArg(ka, 0, sizeof p, &p);
    clEnqueueNDRangeKernel(queue, ka, 1, NULL, &global, NULL, 0, NULL, NULL);
    clSetKernelArg(kb, 0, sizeof p, &p);
    clSetKernelArg(kb, 1, sizeof out, &out);
    clEnqueueNDRangeKernel(queue, kb, 1, NULL, &global, &global, 0, NULL, NULL);
    float v = 0;
    clEnqueueReadBuffer(queue, out, CL_TRUE, 0, sizeof v, &v, 0, NULL, NULL);
    printf("out = %g (expected 63)\n", v);
    clReleaseMemObject(p);
    clReleaseMemObject(out);
    clReleaseKernel(ka);
    clReleaseKernel(kb);
    clReleaseProgram(program);
    clReleaseCommandQueue(queue);
    clReleaseContext(ctx);
    return v == 63.0f ? 0 : 1;
}
