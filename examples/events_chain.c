/* events_chain.c: a program that owns its OpenCL context and queue, wraps them in a golu_context,
 * and chains forward -> backward on device buffers with events, without waiting in between.
 * Checks a few values against the formula in double precision before it exits. */
#include <golu.h>
#include <math.h>
#include <stdio.h>

#define N 1000

static double golu(double x) { return x * exp(-exp(-x)); }
static double golu_grad(double x) { return exp(-exp(-x)) * (1.0 + x * exp(-x)); }

int main(void)
{
    cl_platform_id platform;
    cl_device_id device;
    if (golu_select_device(NULL, &platform, &device) != GOLU_OK) {
        fprintf(stderr, "no OpenCL device: %s\n", golu_last_create_detail());
        return 1;
    }
    cl_int err;
    cl_context cl_ctx = clCreateContext(NULL, 1, &device, NULL, NULL, &err);
    if (err != CL_SUCCESS)
        return 1;
    cl_command_queue queue = clCreateCommandQueue(cl_ctx, device, 0, &err);
    golu_context *ctx = NULL;
    golu_status s = err == CL_SUCCESS ? golu_context_create(cl_ctx, 1, &device, &ctx) : GOLU_ERROR_OPENCL;

    float x[N], ones[N], y[N], dx[N];
    for (int i = 0; i < N; i++) {
        x[i] = -6.0f + 12.0f * (float)i / (N - 1);
        ones[i] = 1.0f;
    }
    cl_mem bx = clCreateBuffer(cl_ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof x, x, &err);
    cl_mem bdy = clCreateBuffer(cl_ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof ones, ones, &err);
    cl_mem by = clCreateBuffer(cl_ctx, CL_MEM_READ_WRITE, sizeof y, NULL, &err);
    cl_mem bdx = clCreateBuffer(cl_ctx, CL_MEM_READ_WRITE, sizeof dx, NULL, &err);

    /* forward, then backward waiting on it (the queue is in-order anyway; the events show how an
     * out-of-order queue or a second queue would be ordered) */
    cl_event fwd = NULL, bwd = NULL;
    if (s == GOLU_OK)
        s = golu_enqueue_forward(ctx, queue, GOLU_F32, N, bx, 0, by, 0, NULL, 0, NULL, &fwd);
    if (s == GOLU_OK)
        s = golu_enqueue_backward(ctx, queue, GOLU_F32, N, bdy, 0, bx, 0, bdx, 0, NULL, 1, &fwd, &bwd);
    if (s != GOLU_OK)
        fprintf(stderr, "%s: %s\n", golu_status_name(s), ctx ? golu_context_detail(ctx) : "");
    int bad = s != GOLU_OK;
    if (s == GOLU_OK) {
        clEnqueueReadBuffer(queue, by, CL_TRUE, 0, sizeof y, y, 1, &bwd, NULL);
        clEnqueueReadBuffer(queue, bdx, CL_TRUE, 0, sizeof dx, dx, 0, NULL, NULL);
        for (int i = 0; i < N; i++) {
            bad |= fabs(y[i] - golu(x[i])) > 1e-6 * (1.0 + fabs(golu(x[i])));
            bad |= fabs(dx[i] - golu_grad(x[i])) > 1e-6;
        }
        printf("x=%.2f: y=%.6f dy/dx=%.6f; %d values %s\n", x[N - 1], y[N - 1], dx[N - 1], N,
               bad ? "WRONG" : "match the formula");
    }
    if (fwd)
        clReleaseEvent(fwd);
    if (bwd)
        clReleaseEvent(bwd);
    clReleaseMemObject(bx), clReleaseMemObject(bdy), clReleaseMemObject(by), clReleaseMemObject(bdx);
    golu_context_destroy(ctx);
    clReleaseCommandQueue(queue);
    clReleaseContext(cl_ctx);
    return bad;
}
