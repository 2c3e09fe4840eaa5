/*
 * fuzz_arguments: golu_enqueue_forward/backward and their _blend forms with fuzzed n, offsets,
 * dtype, params, blend, wait list and buffers, on one PoCL context made once. The library's
 * checks are the only thing between a caller's numbers and a kernel writing device memory, so
 * every GOLU_OK is audited: the call must have been valid by the rules of golu.h (restated
 * here), and after it completes no byte outside the output range may have changed. All buffers
 * are small, so any valid n is small and a wrongly accepted huge n shows up as a failed audit (or
 * a crash) at once. Not yet reached: the _bias and _params calls (their own arrays and rules).
 */
#include "golu.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROOTS = 5, MEMS = 9, NULL_MEM = MEMS - 1 };

/* A cl_mem the fuzzer can pick, and where its bytes live for the audit. */
typedef struct {
    cl_mem mem;
    int root;      /* index into roots[] */
    size_t origin; /* byte offset in the root */
    size_t size;
    int readable, writable;
} fuzz_mem;

typedef struct {
    cl_mem mem;
    size_t size;
    unsigned char *before, *after;
} fuzz_root;

static cl_context cl_ctx;
static cl_command_queue queue;
static golu_context *ctx;
static cl_event done_event; /* a completed user event for wait lists */
static fuzz_root roots[ROOTS];
static fuzz_mem mems[MEMS];
static unsigned char *host_area; /* memory behind the CL_MEM_USE_HOST_PTR buffer */

static void die(const char *what, long code)
{
    fprintf(stderr, "fuzz_arguments: %s (%ld)\n", what, code);
    abort();
}

static cl_mem make_buffer(cl_mem_flags flags, size_t size, void *host)
{
    cl_int err;
    cl_mem m = clCreateBuffer(cl_ctx, flags, size, host, &err);
    if (err != CL_SUCCESS)
        die("clCreateBuffer", err);
    return m;
}

static void add_root(int r, cl_mem m, size_t size)
{
    roots[r] = (fuzz_root){m, size, malloc(size), malloc(size)};
    if (!roots[r].before || !roots[r].after)
        die("malloc", 0);
}

static void add_mem(int i, cl_mem m, int root, size_t origin, size_t size, int rd, int wr)
{
    mems[i] = (fuzz_mem){m, root, origin, size, rd, wr};
}

static cl_mem sub_buffer(cl_mem parent, size_t origin, size_t size)
{
    cl_buffer_region region = {origin, size};
    cl_int err;
    cl_mem m = clCreateSubBuffer(parent, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &region,
                                 &err);
    if (err != CL_SUCCESS)
        die("clCreateSubBuffer", err);
    return m;
}

static void snapshot(unsigned char *const *dst)
{
    for (int r = 0; r < ROOTS; r++) {
        cl_int err = clEnqueueReadBuffer(queue, roots[r].mem, CL_TRUE, 0, roots[r].size, dst[r], 0,
                                         NULL, NULL);
        if (err != CL_SUCCESS)
            die("clEnqueueReadBuffer", err);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    cl_platform_id platform = NULL;
    cl_device_id device = NULL;
    cl_int err = clGetPlatformIDs(1, &platform, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, NULL);
    if (err != CL_SUCCESS)
        die("no OpenCL device", err);
    cl_ctx = clCreateContext(NULL, 1, &device, NULL, NULL, &err);
    if (err != CL_SUCCESS)
        die("clCreateContext", err);
    queue = clCreateCommandQueue(cl_ctx, device, 0, &err);
    if (err != CL_SUCCESS)
        die("clCreateCommandQueue", err);
    golu_status st = golu_context_create(cl_ctx, 1, &device, &ctx);
    if (st != GOLU_OK)
        die(golu_last_create_detail(), st);
    /* Every program now, before libFuzzer's clock and its per-input -timeout start: PoCL's first
     * compile under ASan's allocator (full unwinding on every malloc) takes a minute or more on 2
     * cores, and would otherwise fall on whichever input first reaches a dtype and time it out.
     * Later runs load the programs from the caches in the build folder. */
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        st = golu_prepare(ctx, (golu_dtype)d);
        if (st != GOLU_OK && st != GOLU_ERROR_UNSUPPORTED_DTYPE)
            die(golu_context_detail(ctx), st);
    }
    done_event = clCreateUserEvent(cl_ctx, &err);
    if (err != CL_SUCCESS || clSetUserEventStatus(done_event, CL_COMPLETE) != CL_SUCCESS)
        die("clCreateUserEvent", err);

    /* Sub-buffer origins must be multiples of the base alignment. */
    cl_uint align_bits = 0;
    clGetDeviceInfo(device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof align_bits, &align_bits, NULL);
    size_t a = align_bits / 8 < 64 ? 64 : align_bits / 8;
    cl_mem parent = make_buffer(CL_MEM_READ_WRITE, 4 * a, NULL);
    add_root(0, parent, 4 * a);
    add_mem(0, parent, 0, 0, 4 * a, 1, 1);
    add_mem(1, sub_buffer(parent, 0, 2 * a), 0, 0, 2 * a, 1, 1);
    add_mem(2, sub_buffer(parent, a, a + 6), 0, a, a + 6, 1, 1); /* overlaps 1; odd size */
    add_mem(3, sub_buffer(parent, 2 * a, 2 * a), 0, 2 * a, 2 * a, 1, 1);
    add_root(1, make_buffer(CL_MEM_READ_WRITE, 100, NULL), 100);
    add_mem(4, roots[1].mem, 1, 0, 100, 1, 1);
    add_root(2, make_buffer(CL_MEM_READ_ONLY, 64, NULL), 64);
    add_mem(5, roots[2].mem, 2, 0, 64, 1, 0);
    add_root(3, make_buffer(CL_MEM_WRITE_ONLY, 64, NULL), 64);
    add_mem(6, roots[3].mem, 3, 0, 64, 0, 1);
    /* Wrapped host memory 4 bytes off a vector boundary: the unaligned kernels' path. */
    host_area = aligned_alloc(128, 256);
    if (!host_area)
        die("aligned_alloc", 0);
    memset(host_area, 0xa5, 256);
    add_root(4, make_buffer(CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, 120, host_area + 4), 120);
    add_mem(7, roots[4].mem, 4, 0, 120, 1, 1);
    add_mem(NULL_MEM, NULL, -1, 0, 0, 0, 0);

    /* Known contents, so that a stray write changes something. */
    for (int r = 0; r < ROOTS; r++) {
        for (size_t i = 0; i < roots[r].size; i++)
            roots[r].before[i] = (unsigned char)(i * 37 + r);
        err = clEnqueueWriteBuffer(queue, roots[r].mem, CL_TRUE, 0, roots[r].size, roots[r].before,
                                   0, NULL, NULL);
        if (err != CL_SUCCESS)
            die("clEnqueueWriteBuffer", err);
    }
    return 0;
}

/* ---- reading the input ---------------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t left;
} reader;

static uint64_t take(reader *r, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes && r->left; i++, r->left--)
        v |= (uint64_t)*r->p++ << (8 * i);
    return v;
}

/* Mostly small numbers (the interesting range near the buffer sizes), sometimes any 64 bits. */
static uint64_t take_count(reader *r)
{
    uint8_t mode = (uint8_t)take(r, 1);
    if (mode & 0x80)
        return take(r, 8);
    if (mode & 0x40)
        return UINT64_MAX - (mode & 0x3f);
    return take(r, 1) | (uint64_t)(mode & 0x3f) << 8;
}

static double take_param(reader *r)
{
    static const double picks[] = {1.0, 0.0, -0.0, 0x1p60, 0x1p-60, 0x1.0000000000001p60,
                                   0x1.fffffffffffffp-61, -1.0, INFINITY, NAN, 1e-300, 2.5};
    uint8_t mode = (uint8_t)take(r, 1);
    if (mode < 0xf0)
        return picks[mode % (sizeof picks / sizeof picks[0])];
    uint64_t bits = take(r, 8);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static double take_blend(reader *r)
{
    static const double picks[] = {1.0, 0.0, -0.0, 0.5, -2.0, FLT_MAX, -FLT_MAX,
                                   0x1.fffffe0000001p127, DBL_MAX, INFINITY, NAN, 1e-300};
    uint8_t mode = (uint8_t)take(r, 1);
    if (mode < 0xf0)
        return picks[mode % (sizeof picks / sizeof picks[0])];
    uint64_t bits = take(r, 8);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* ---- the rules of golu.h, restated ---------------------------------------------------------- */

/* s and t: finite, and within float's range unless the kernel takes them as double (f64). */
static int blend_ok(double v, golu_dtype dtype)
{
    return isfinite(v) && (dtype == GOLU_F64 || fabs(v) <= FLT_MAX);
}

static int param_ok(double v)
{
    double a = fabs(v);
    return isfinite(v) && (a == 0.0 || (a >= 0x1p-60 && a <= 0x1p60));
}

/* Byte range [begin, end) of an array in its root, if it fits its buffer. */
static int array_fits(const fuzz_mem *m, uint64_t offset, uint64_t n, uint64_t esize,
                      uint64_t *begin, uint64_t *end)
{
    if (offset > m->size || n > m->size || (offset + n) * esize > m->size)
        return 0;
    *begin = m->origin + offset * esize;
    *end = *begin + n * esize;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader rd = {data, size};
    uint8_t flags = (uint8_t)take(&rd, 1);
    int backward = flags & 1;
    int count = backward ? 3 : 2;
    golu_dtype dtype = (golu_dtype)(int8_t)take(&rd, 1); /* invalid values included */
    if ((unsigned)dtype < GOLU_DTYPE_COUNT || (flags & 2))
        dtype = (golu_dtype)((unsigned)dtype % GOLU_DTYPE_COUNT);
    uint64_t n = take_count(&rd);
    int pick[3];
    uint64_t offset[3];
    for (int i = 0; i < count; i++) {
        pick[i] = (int)(take(&rd, 1) % MEMS);
        offset[i] = take_count(&rd);
    }
    golu_params params = {take_param(&rd), take_param(&rd), take_param(&rd)};
    const golu_params *pp = (flags & 4) ? &params : NULL;
    cl_event list[1] = {(flags & 8) ? NULL : done_event};
    cl_uint num_events = (flags >> 4) & 1;
    const cl_event *wait_list = (flags & 0x20) ? list : NULL;
    cl_command_queue q = (flags & 0x40) ? NULL : queue;
    cl_event sentinel = (cl_event)(uintptr_t)0x5e5e, event = sentinel;
    cl_event *eventp = (flags & 0x80) ? &event : NULL;
    /* Read last, so that inputs from before the _blend calls keep their meaning (the plain call).
     * kind 0: plain call; 1: the _blend call with a NULL blend; 2: with this s and t. */
    int kind = (int)(take(&rd, 1) % 3);
    golu_blend blend = {take_blend(&rd), take_blend(&rd)};
    const golu_blend *bp = kind == 2 ? &blend : NULL;

    /* The verdict golu.h promises. Outputs are the last array. */
    size_t esize = golu_dtype_size(dtype);
    int valid = esize != 0 && q != NULL && (num_events > 0) == (wait_list != NULL) &&
                !(num_events && !list[0]);
    if (pp)
        valid &= param_ok(params.alpha) && param_ok(params.beta) && param_ok(params.gamma) &&
                 params.beta >= 0.0;
    if (bp)
        valid &= blend_ok(blend.s, dtype) && blend_ok(blend.t, dtype);
    uint64_t begin[3] = {0}, end[3] = {0};
    for (int i = 0; i < count && valid; i++) {
        const fuzz_mem *m = &mems[pick[i]];
        int is_output = i == count - 1;
        valid = m->mem && (is_output ? m->writable : m->readable) &&
                array_fits(m, offset[i], n, esize, &begin[i], &end[i]);
    }
    const fuzz_mem *out = &mems[pick[count - 1]];
    for (int i = 0; i < count - 1 && valid && n > 0; i++) {
        const fuzz_mem *in = &mems[pick[i]];
        if (in->root == out->root && begin[i] != begin[count - 1] &&
            !(end[i] <= begin[count - 1] || end[count - 1] <= begin[i]))
            valid = 0;
    }

    golu_status st;
    if (kind == 0)
        st = backward ? golu_enqueue_backward(ctx, q, dtype, n, mems[pick[0]].mem, offset[0],
                                              mems[pick[1]].mem, offset[1], mems[pick[2]].mem,
                                              offset[2], pp, num_events, wait_list, eventp)
                      : golu_enqueue_forward(ctx, q, dtype, n, mems[pick[0]].mem, offset[0],
                                             mems[pick[1]].mem, offset[1], pp, num_events,
                                             wait_list, eventp);
    else
        st = backward ? golu_enqueue_backward_blend(ctx, q, dtype, n, mems[pick[0]].mem, offset[0],
                                                    mems[pick[1]].mem, offset[1],
                                                    mems[pick[2]].mem, offset[2], pp, bp,
                                                    num_events, wait_list, eventp)
                      : golu_enqueue_forward_blend(ctx, q, dtype, n, mems[pick[0]].mem, offset[0],
                                                   mems[pick[1]].mem, offset[1], pp, bp,
                                                   num_events, wait_list, eventp);
    if (st != GOLU_OK) {
        if (valid && st != GOLU_ERROR_UNSUPPORTED_DTYPE && st != GOLU_ERROR_OPENCL &&
            st != GOLU_ERROR_BUILD_FAILED) {
            fprintf(stderr, "valid call rejected: %s: %s\n", golu_status_name(st),
                    golu_context_detail(ctx));
            die("a valid call was rejected", st);
        }
        if (event != sentinel)
            die("a failed call touched *event", st);
        return 0;
    }
    if (!valid) {
        fprintf(stderr, "accepted: backward %d kind %d dtype %d n %llu offsets %llu %llu %llu "
                        "mems %d %d %d blend %g %g\n",
                backward, kind, (int)dtype, (unsigned long long)n, (unsigned long long)offset[0],
                (unsigned long long)offset[1], (unsigned long long)offset[2], pick[0], pick[1],
                count > 2 ? pick[2] : -1, blend.s, blend.t);
        die("GOLU_OK for a call golu.h says is invalid", st);
    }
    if (eventp) {
        if (event == sentinel || event == NULL)
            die("GOLU_OK without an event", 0);
        clReleaseEvent(event);
    }
    if (clFinish(queue) != CL_SUCCESS)
        die("clFinish", 0);

    /* Audit: only the output's bytes may differ. */
    unsigned char *after[ROOTS];
    for (int r = 0; r < ROOTS; r++)
        after[r] = roots[r].after;
    snapshot(after);
    for (int r = 0; r < ROOTS; r++) {
        for (size_t b = 0; b < roots[r].size; b++) {
            int in_output = n > 0 && r == out->root && b >= begin[count - 1] && b < end[count - 1];
            if (!in_output && roots[r].before[b] != roots[r].after[b]) {
                fprintf(stderr, "byte %zu of root %d changed outside the output [%llu, %llu)\n", b,
                        r, (unsigned long long)begin[count - 1], (unsigned long long)end[count - 1]);
                die("out-of-bounds write", 0);
            }
        }
        memcpy(roots[r].before, roots[r].after, roots[r].size);
    }
    /* The wrapped host memory around the buffer: ASan cannot see the kernels' writes there. */
    for (size_t b = 0; b < 256; b++)
        if ((b < 4 || b >= 124) && host_area[b] != 0xa5)
            die("write outside the CL_MEM_USE_HOST_PTR buffer, at host byte", (long)b);
    return 0;
}
