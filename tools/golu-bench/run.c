/* golu-bench: one cell from allocation to release (see run.h). */
#include "run.h"

#include "errors.h"
#include "inputs.h"
#include "progress.h"
#include "timing.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const golu_params bench_params = GOLU_PARAMS_DEFAULT_INIT;
const golu_blend bench_blend = {1.0, 1.0};

/* Everything one cell holds; released together by release_cell(). */
typedef struct {
    const bench_device *dev;
    const bench_cell *cell;
    const bench_pass_desc *pass;
    size_t bytes;      /* of one array */
    size_t bias_bytes; /* of b and db (bias passes: size elements) */
    void *x_host, *dy_host, *out_host;
    void *old_host;    /* blending passes: the output's contents before each checked run */
    void *b_host, *db_host;
    cl_mem x, dy, out; /* out is y (forward) or dx (backward) */
    cl_mem b, db;      /* bias passes: b, and the backward's db */
    cl_mem dparams;    /* BENCH_PASS_BWD_PARAMS: the three sums, in float (double for f64) */
    double sums[3];    /* ... as read back by run_for_check */
    double *ns;        /* reps timings */
} cell_state;

static void release_cell(cell_state *s)
{
    if (s->x)
        clReleaseMemObject(s->x);
    if (s->dy)
        clReleaseMemObject(s->dy);
    if (s->out)
        clReleaseMemObject(s->out);
    if (s->dparams)
        clReleaseMemObject(s->dparams);
    if (s->b)
        clReleaseMemObject(s->b);
    if (s->db)
        clReleaseMemObject(s->db);
    free(s->x_host);
    free(s->dy_host);
    free(s->out_host);
    free(s->old_host);
    free(s->b_host);
    free(s->db_host);
    free(s->ns);
}

/* Bytes of one element of the parameter sums. */
static size_t sum_size(golu_dtype dtype)
{
    return dtype == GOLU_F64 ? sizeof(cl_double) : sizeof(cl_float);
}

/* bench_command for the GoLU kernel of the cell. */
static int enqueue_kernel(void *arg, cl_event *event)
{
    cell_state *s = arg;
    const bench_device *d = s->dev;
    const bench_cell *c = s->cell;
    const uint64_t n = c->shape.n, rows = c->shape.batch, cols = c->shape.size;
    golu_status st = GOLU_ERROR_INVALID_ARGUMENT;
    switch (c->pass) {
    case BENCH_PASS_FWD:
        st = golu_enqueue_forward(d->golu, d->queue, c->dtype, n, s->x, 0, s->out, 0,
                                  &bench_params, 0, NULL, event);
        break;
    case BENCH_PASS_BWD:
        st = golu_enqueue_backward(d->golu, d->queue, c->dtype, n, s->dy, 0, s->x, 0, s->out, 0,
                                   &bench_params, 0, NULL, event);
        break;
    case BENCH_PASS_BWD_PARAMS:
        st = golu_enqueue_backward_params(d->golu, d->queue, c->dtype, n, s->dy, 0, s->x, 0,
                                          s->out, 0, s->dparams, 0, &bench_params, NULL, 0, NULL,
                                          event);
        break;
    case BENCH_PASS_FWD_BLEND:
        st = golu_enqueue_forward_blend(d->golu, d->queue, c->dtype, n, s->x, 0, s->out, 0,
                                        &bench_params, &bench_blend, 0, NULL, event);
        break;
    case BENCH_PASS_BWD_BLEND:
        st = golu_enqueue_backward_blend(d->golu, d->queue, c->dtype, n, s->dy, 0, s->x, 0,
                                         s->out, 0, &bench_params, &bench_blend, 0, NULL, event);
        break;
    case BENCH_PASS_FWD_BIAS:
        st = golu_enqueue_forward_bias(d->golu, d->queue, c->dtype, rows, cols, s->x, 0, s->b, 0,
                                       s->out, 0, &bench_params, NULL, 0, NULL, event);
        break;
    case BENCH_PASS_BWD_BIAS:
        st = golu_enqueue_backward_bias(d->golu, d->queue, c->dtype, rows, cols, s->dy, 0, s->x, 0,
                                        s->b, 0, s->out, 0, s->db, 0, &bench_params, NULL, 0, NULL,
                                        event);
        break;
    }
    if (st != GOLU_OK) {
        bench_report_golu(d->golu, s->pass->call, st);
        return -1;
    }
    return 0;
}

/* bench_command for the reference copy: n elements x -> out, the same bytes a forward pass reads
 * and writes, so pct_of_copy says how close the kernel gets to the memory system's speed. */
static int enqueue_copy(void *arg, cl_event *event)
{
    cell_state *s = arg;
    cl_int err = clEnqueueCopyBuffer(s->dev->queue, s->x, s->out, 0, 0, s->bytes, 0, NULL, event);
    if (err != CL_SUCCESS) {
        bench_report_cl("clEnqueueCopyBuffer", err);
        return -1;
    }
    return 0;
}

static cl_mem create_buffer(const bench_device *d, cl_mem_flags flags, size_t bytes, void *host)
{
    cl_int err;
    cl_mem m = clCreateBuffer(d->cl_ctx, flags | (host ? CL_MEM_COPY_HOST_PTR : 0), bytes, host,
                              &err);
    if (!m)
        bench_report_cl("clCreateBuffer", err);
    return m;
}

/* Host inputs first (random, seeded per cell), then device buffers initialised from them. The
 * blending passes' output starts with random contents (blend {1, 1} reads them); the bias is
 * random like dy, never zero. */
static int setup_cell(cell_state *s, const bench_options *o, uint64_t seed)
{
    const bench_cell *c = s->cell;
    const bench_pass_desc *p = s->pass;
    const int params = c->pass == BENCH_PASS_BWD_PARAMS, db = p->bias && p->reads_dy;
    uint64_t state = seed;
    s->ns = malloc(o->reps * sizeof *s->ns);
    s->x_host = bench_make_x(c->dtype, c->shape.n, &state);
    if (p->reads_dy)
        s->dy_host = bench_make_dy(c->dtype, c->shape.n, &state);
    if (p->blends)
        s->old_host = bench_make_dy(c->dtype, c->shape.n, &state);
    if (p->bias)
        s->b_host = bench_make_dy(c->dtype, c->shape.size, &state);
    if (o->check)
        s->out_host = malloc(s->bytes);
    if (o->check && db)
        s->db_host = malloc(s->bias_bytes);
    if (!s->ns || !s->x_host || (p->reads_dy && !s->dy_host) || (p->blends && !s->old_host) ||
        (p->bias && !s->b_host) || (o->check && !s->out_host) || (o->check && db && !s->db_host)) {
        fputs("golu-bench: out of host memory\n", stderr);
        return -1;
    }
    int ok = (s->x = create_buffer(s->dev, CL_MEM_READ_ONLY, s->bytes, s->x_host)) != NULL;
    if (ok && p->reads_dy)
        ok = (s->dy = create_buffer(s->dev, CL_MEM_READ_ONLY, s->bytes, s->dy_host)) != NULL;
    if (ok)
        ok = (s->out = create_buffer(s->dev, CL_MEM_READ_WRITE, s->bytes, s->old_host)) != NULL;
    if (ok && p->bias)
        ok = (s->b = create_buffer(s->dev, CL_MEM_READ_ONLY, s->bias_bytes, s->b_host)) != NULL;
    if (ok && db)
        ok = (s->db = create_buffer(s->dev, CL_MEM_READ_WRITE, s->bias_bytes, NULL)) != NULL;
    if (ok && params)
        ok = (s->dparams = create_buffer(s->dev, CL_MEM_READ_WRITE, 3 * sum_size(c->dtype),
                                         NULL)) != NULL;
    return ok ? 0 : -1;
}

/* Device-time median and minimum of `cmd` in nanoseconds, after o->warmup untimed runs. */
static int profile(cell_state *s, const bench_options *o, bench_command cmd, double *median,
                   double *min)
{
    cl_command_queue q = s->dev->queue;
    /* the parameter and bias-gradient passes are two kernels (the second sums the first's
     * partial sums), and the event is the second's: time the whole span */
    int span = cmd == enqueue_kernel &&
               (s->cell->pass == BENCH_PASS_BWD_PARAMS || s->cell->pass == BENCH_PASS_BWD_BIAS);
    if (bench_warmup(q, cmd, s, o->warmup) != 0 ||
        (span ? bench_profile_span : bench_profile)(q, cmd, s, o->reps, s->ns) != 0)
        return -1;
    *min = bench_min(s->ns, o->reps);
    *median = bench_median(s->ns, o->reps);
    return 0;
}

/* The outputs are first filled with NaN patterns (0xFF bytes are NaN in all four dtypes), so an
 * element the kernel fails to write cannot pass by still holding an earlier run's value; a
 * blending pass's output gets back its initial contents instead, which the check adds in. */
static int run_for_check(cell_state *s)
{
    static const unsigned char poison = 0xFF;
    cl_command_queue q = s->dev->queue;
    const size_t sums_bytes = 3 * sum_size(s->cell->dtype);
    cl_int err =
        s->old_host
            ? clEnqueueWriteBuffer(q, s->out, CL_TRUE, 0, s->bytes, s->old_host, 0, NULL, NULL)
            : clEnqueueFillBuffer(q, s->out, &poison, 1, 0, s->bytes, 0, NULL, NULL);
    if (err == CL_SUCCESS && s->dparams)
        err = clEnqueueFillBuffer(q, s->dparams, &poison, 1, 0, sums_bytes, 0, NULL, NULL);
    if (err == CL_SUCCESS && s->db)
        err = clEnqueueFillBuffer(q, s->db, &poison, 1, 0, s->bias_bytes, 0, NULL, NULL);
    if (err != CL_SUCCESS) {
        bench_report_cl("preparing the check's outputs", err);
        return -1;
    }
    if (enqueue_kernel(s, NULL) != 0)
        return -1;
    err = clEnqueueReadBuffer(q, s->out, CL_TRUE, 0, s->bytes, s->out_host, 0, NULL, NULL);
    if (err == CL_SUCCESS && s->db)
        err = clEnqueueReadBuffer(q, s->db, CL_TRUE, 0, s->bias_bytes, s->db_host, 0, NULL, NULL);
    if (err == CL_SUCCESS && s->dparams) {
        union {
            cl_float f[3];
            cl_double d[3];
        } sums;
        err = clEnqueueReadBuffer(q, s->dparams, CL_TRUE, 0, sums_bytes, &sums, 0, NULL, NULL);
        for (int k = 0; k < 3; k++)
            s->sums[k] = s->cell->dtype == GOLU_F64 ? sums.d[k] : (double)sums.f[k];
    }
    if (err != CL_SUCCESS) {
        bench_report_cl("clEnqueueReadBuffer", err);
        return -1;
    }
    return 0;
}

/* Bytes per second over nanoseconds is GB/s; a zero time (coarse timer) gives NAN, not inf. */
static double gb_per_s(double bytes, double ns)
{
    return ns > 0.0 ? bytes / ns : (double)NAN;
}

static int too_large(const bench_device *d, const bench_cell *c, size_t *bytes)
{
    size_t esize = golu_dtype_size(c->dtype);
    if (c->shape.n > SIZE_MAX / 4 / esize) { /* leaves room for the 3n-byte totals below */
        bench_progress_clear();
        fprintf(stderr, "golu-bench: skipping %s n=%" PRIu64 ": too large for this host\n",
                golu_dtype_name(c->dtype), c->shape.n);
        return 1;
    }
    *bytes = (size_t)c->shape.n * esize;
    if (d->max_alloc && *bytes > d->max_alloc) {
        bench_progress_clear();
        fprintf(stderr,
                "golu-bench: skipping %s n=%" PRIu64 ": %zu bytes per buffer exceeds the "
                "device's CL_DEVICE_MAX_MEM_ALLOC_SIZE (%" PRIu64 ")\n",
                golu_dtype_name(c->dtype), c->shape.n, *bytes, (uint64_t)d->max_alloc);
        return 1;
    }
    return 0;
}

static int measure(cell_state *s, const bench_options *o, bench_result *r)
{
    double copy_median, copy_min, median, min, wall;
    if (profile(s, o, enqueue_copy, &copy_median, &copy_min) != 0
        || profile(s, o, enqueue_kernel, &median, &min) != 0
        || bench_wall(s->dev->queue, enqueue_kernel, s, o->reps, &wall) != 0)
        return -1;
    /* x in and y out, or dy and x in and dx out; blending also reads the output; the bias
     * passes read b (size elements) and the backward writes db */
    const bench_pass_desc *p = s->pass;
    double arrays = (p->reads_dy ? 3.0 : 2.0) + (p->blends ? 1.0 : 0.0);
    double moved = (double)s->bytes * arrays +
                   (p->bias ? (double)s->bias_bytes * (p->reads_dy ? 2.0 : 1.0) : 0.0);
    r->median_us = median / 1e3;
    r->min_us = min / 1e3;
    r->wall_us = wall / 1e3;
    r->gb_per_s = gb_per_s(moved, median);
    r->copy_gb_per_s = gb_per_s(2.0 * (double)s->bytes, copy_median);
    r->pct_of_copy = 100.0 * r->gb_per_s / r->copy_gb_per_s; /* NAN propagates */
    return 0;
}

bench_cell_outcome bench_run_cell(const bench_device *dev, const bench_options *o,
                                  const bench_cell *cell, uint64_t seed, bench_result *r)
{
    cell_state s;
    memset(&s, 0, sizeof s);
    memset(r, 0, sizeof *r);
    r->cell = *cell;
    s.dev = dev;
    s.cell = cell;
    s.pass = bench_pass_info(cell->pass);
    if (too_large(dev, cell, &s.bytes))
        return BENCH_CELL_SKIPPED;
    s.bias_bytes = (size_t)cell->shape.size * golu_dtype_size(cell->dtype); /* <= s.bytes */
    int rc = setup_cell(&s, o, seed);
    if (rc == 0)
        rc = measure(&s, o, r);
    if (rc == 0 && o->check) {
        rc = run_for_check(&s);
        if (rc == 0) {
            if (s.pass->bias)
                bench_check_bias_cell(cell, s.x_host, s.dy_host, s.b_host, s.out_host, s.db_host,
                                      &bench_params, &r->check);
            else if (s.pass->blends)
                bench_check_blend_cell(cell, s.x_host, s.dy_host, s.old_host, s.out_host,
                                       &bench_params, &bench_blend, &r->check);
            else
                bench_check_cell(cell, s.x_host, s.dy_host, s.out_host, &bench_params,
                                 &r->check);
            if (s.dparams)
                bench_check_param_sums(cell, s.x_host, s.dy_host, s.sums, &bench_params,
                                       &r->check);
            r->checked = 1;
        }
    }
    release_cell(&s);
    return rc == 0 ? BENCH_CELL_DONE : BENCH_CELL_FAILED;
}
