/*
 * test_reduction_scratch: the scratch buffers of the two-kernel reductions,
 * golu_enqueue_backward_params() and golu_enqueue_backward_bias(), which a pool of the
 * golu_context lends per call and takes back from the completion callback of the call's last
 * command (src/scratch_pool.c). A buffer lent again while an earlier command still uses it, one
 * lent holding another call's partial sums (and larger than this call needs), or one released
 * under work still pending when the context goes, gives wrong sums and no error at all; so every
 * case checks the sums themselves: against the long-double reference, within test_param_grads'
 * tolerance (dparams) and golu_check_column's bound (db, as test_bias), and bit for bit against
 * the same call made where the pool cannot have interfered (a fresh context, or a single thread
 * before the others start). The cases: one context through shapes whose scratch grows from one
 * page to megabytes and back; 4 threads on one shared context, with a queue each and then all on
 * one in-order queue (where another thread's call can land between a call's two kernels); a
 * context destroyed while its gated calls wait; calls held by a user event on an out-of-order
 * queue, all in flight at once, and 12 of them, more than the pool keeps. Not for Oclgrind 21.10,
 * which runs neither concurrent enqueues nor user-event gates (CI's oclgrind stage leaves it out).
 */
#include "test_param_sums.h"
#include "test_support.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the reference --------------------------------------------------------------------------- */

static double acc_get(golu_dtype dt, const void *a, size_t i)
{
    if (dt == GOLU_F64) {
        double d;
        memcpy(&d, (const unsigned char *)a + i * sizeof d, sizeof d);
        return d;
    }
    float f;
    memcpy(&f, (const unsigned char *)a + i * sizeof f, sizeof f);
    return f;
}

/* dparams (3 elements of the accumulation type) of the first n elements of x and dy against the
 * long-double sums of dy * dGoLU/dparam: each within tolerance * sum |term|, plus the smallest
 * normal of the accumulation type per term (a term below its range, as at n = 1 with x = -6,
 * is 0 or subnormal there). Returns the misses. */
static int param_misses(golu_dtype dt, size_t n, const void *x, const void *dy,
                        const golu_params *params, const void *dparams, const char *what)
{
    static const char *const names[3] = {"alpha", "beta", "gamma"};
    const tps_sums r = tps_reference(dt, n, x, dy, params);
    int misses = 0;
    for (int k = 0; k < 3; k++) {
        const double got = acc_get(dt, dparams, (size_t)k);
        const long double err = fabsl((long double)got - r.sum[k]);
        const long double floor = (long double)n * (dt == GOLU_F64 ? DBL_MIN : FLT_MIN);
        const int ok = isfinite(got) && err <= tps_tolerance(dt) * r.abs[k] + floor;
        if (!ok && tps_judges(dt)) {
            misses++;
            print_message("%s %s n=%zu d%s: got %.17g ref %.17Lg (sum |term| %.6Lg, error %.3Lg "
                          "of it)  <-- MISS\n",
                          what, golu_dtype_name(dt), n, names[k], got, r.sum[k], r.abs[k],
                          r.abs[k] > 0 ? err / r.abs[k] : err);
        }
    }
    return misses;
}

/* db (cols elements of dt) of the [rows x cols] tensor at the start of x and dy, b of cols
 * elements, against the long-double column sums within golu_check_column's bound. Returns the
 * misses. */
static int db_misses(golu_dtype dt, size_t rows, size_t cols, const void *x, const void *dy,
                     const void *b, const golu_params *params, const void *db, const char *what)
{
    const golu_ref_format fmt = (golu_ref_format)dt;
    const golu_params p = tps_kernel_params(dt, params);
    golu_ref_column *ref = calloc(cols, sizeof *ref);
    assert_non_null(ref);
    for (size_t i = 0; i < rows * cols; i++) {
        const double xb =
            golu_ref_compute(fmt, (long double)ts_get(dt, x, i) + ts_get(dt, b, i % cols));
        golu_ref_column_add(&ref[i % cols], fmt, xb, ts_get(dt, dy, i), p.alpha, p.beta,
                            p.gamma);
    }
    int misses = 0;
    for (size_t c = 0; c < cols; c++) {
        golu_check_result r = golu_check_column(fmt, &ref[c], 0.0, ts_get(dt, db, c), 1.0, 0.0);
        if (!r.ok && tps_judges(dt) && ++misses <= 5)
            print_message("%s %s %zux%zu db[%zu]: got %.17g ref %.17g (error %.3g of sum |g|)  "
                          "<-- MISS\n",
                          what, golu_dtype_name(dt), rows, cols, c, ts_get(dt, db, c), r.ref,
                          r.ulps);
    }
    free(ref);
    return misses;
}

/* ---- inputs and blocking calls --------------------------------------------------------------- */

/* x and dy of n elements, b of cols, on the host and in buffers of their own. */
typedef struct {
    golu_dtype dt;
    size_t n, cols;
    void *x, *dy, *b;
    cl_mem mx, mdy, mb;
} inputs;

static void inputs_make(ts_env *env, inputs *in, golu_dtype dt, size_t n, size_t cols,
                        uint64_t seed)
{
    const size_t es = golu_dtype_size(dt);
    in->dt = dt;
    in->n = n;
    in->cols = cols;
    in->x = ts_alloc(dt, n);
    in->dy = ts_alloc(dt, n);
    in->b = ts_alloc(dt, cols);
    ts_fill_uniform(dt, in->x, n, -8.0, 8.0, seed);
    ts_fill_uniform(dt, in->dy, n, -1.0, 1.0, seed ^ 0x9e3779b97f4a7c15ull);
    ts_fill_uniform(dt, in->b, cols, -1.5, 1.5, seed + 0xb1a5ull);
    in->mx = ts_buffer(env, n * es);
    in->mdy = ts_buffer(env, n * es);
    in->mb = ts_buffer(env, cols * es);
    ts_write(env, in->mx, 0, n * es, in->x);
    ts_write(env, in->mdy, 0, n * es, in->dy);
    ts_write(env, in->mb, 0, cols * es, in->b);
}

static void inputs_free(inputs *in)
{
    clReleaseMemObject(in->mx);
    clReleaseMemObject(in->mdy);
    clReleaseMemObject(in->mb);
    free(in->x);
    free(in->dy);
    free(in->b);
    memset(in, 0, sizeof *in);
}

/* A buffer of `bytes` bytes of 0xFF (NaN in every dtype): an output the call never wrote shows. */
static cl_mem nan_buffer(ts_env *env, size_t bytes)
{
    cl_mem m = ts_buffer(env, bytes);
    unsigned char *ones = malloc(bytes);
    assert_non_null(ones);
    memset(ones, 0xFF, bytes);
    ts_write(env, m, 0, bytes, ones);
    free(ones);
    return m;
}

static void wait_release(cl_event ev)
{
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    cl_int exec = CL_QUEUED;
    ts_cl_check(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof exec, &exec, NULL));
    assert_int_equal(exec, CL_COMPLETE);
    ts_cl_check(clReleaseEvent(ev));
}

/* backward_params over the first n elements of `in`, on ctx and q, waited for: the 3 sums'
 * bytes into dp, and dx (n elements) into dx_out unless it is NULL (then dx NULL). */
static void params_call(ts_env *env, golu_context *ctx, cl_command_queue q, const inputs *in,
                        size_t n, const golu_params *params, void *dp, void *dx_out)
{
    const size_t es = golu_dtype_size(in->dt), as = tps_acc_size(in->dt);
    assert_true(n <= in->n);
    cl_mem mdx = dx_out ? nan_buffer(env, n * es) : NULL, mdp = nan_buffer(env, 3 * as);
    cl_event ev = NULL;
    ts_assert_status(ctx,
                     golu_enqueue_backward_params(ctx, q, in->dt, n, in->mdy, 0, in->mx, 0, mdx,
                                                  0, mdp, 0, params, NULL, 0, NULL, &ev),
                     GOLU_OK);
    wait_release(ev);
    ts_read(env, mdp, 0, 3 * as, dp);
    if (mdx) {
        ts_read(env, mdx, 0, n * es, dx_out);
        clReleaseMemObject(mdx);
    }
    clReleaseMemObject(mdp);
}

/* backward_bias on the [rows x cols] tensor at the start of `in`, waited for: db (cols elements)
 * into db, and dx into dx_out unless it is NULL (then dx NULL). */
static void bias_call(ts_env *env, golu_context *ctx, cl_command_queue q, const inputs *in,
                      size_t rows, size_t cols, const golu_params *params, void *db, void *dx_out)
{
    const size_t es = golu_dtype_size(in->dt), n = rows * cols;
    assert_true(n <= in->n && cols <= in->cols);
    cl_mem mdx = dx_out ? nan_buffer(env, n * es) : NULL, mdb = nan_buffer(env, cols * es);
    cl_event ev = NULL;
    ts_assert_status(ctx,
                     golu_enqueue_backward_bias(ctx, q, in->dt, rows, cols, in->mdy, 0, in->mx, 0,
                                                in->mb, 0, mdx, 0, mdb, 0, params, NULL, 0, NULL,
                                                &ev),
                     GOLU_OK);
    wait_release(ev);
    ts_read(env, mdb, 0, cols * es, db);
    if (mdx) {
        ts_read(env, mdx, 0, n * es, dx_out);
        clReleaseMemObject(mdx);
    }
    clReleaseMemObject(mdb);
}

static golu_context *new_context(ts_env *env)
{
    golu_context *gc = NULL;
    golu_status s = golu_context_create(env->cl_ctx, 1, &env->device, &gc);
    if (s != GOLU_OK)
        fail_msg("golu_context_create: %s (%s)", golu_status_name(s), golu_last_create_detail());
    assert_non_null(gc);
    return gc;
}

/* ---- 1. one context through growing and shrinking shapes ------------------------------------- */

/* The bias shapes on PoCL here (stage 1's full grid: 32768 work-items; f32 vectors of 16): 2500 x 3
 * is 250 blocks of 10 rows, 3000 bytes of partials (the pool's smallest size, 4096); 512 x 5000
 * is 64 blocks, 1.28 MB (a 2 MiB buffer), 24 x 1200 (GOLU_TEST_QUICK) 3 blocks, 14 KB; 300 x 64
 * (f64) 38 blocks. Each has more than one block on any device whose grid has more work-items than
 * a row has vectors. The params calls' partials fit in one page on PoCL (at most 32 triples). */
typedef struct {
    int bias;          /* 0: backward_params over n = rows elements */
    golu_dtype dt;
    size_t rows, cols;
} step;

static void test_reuse_across_shapes(void **state)
{
    ts_env *env = *state;
    const size_t big_rows = ts_size(512, 24), big_cols = ts_size(5000, 1200);
    const size_t odd_n = ts_size(100003, 20011);
    const int f64 = ts_dtype_ok(env, GOLU_F64);
    /* big (a buffer of its own), small (lent the big buffer, the only one, over the big call's
     * partials), small again, then params and f64 calls in whatever buffer fits best */
    const step steps[] = {
        {1, GOLU_F32, big_rows, big_cols},
        {1, GOLU_F32, 2500, 3},
        {1, GOLU_F32, 2500, 3},
        {0, GOLU_F32, 1, 0},
        {0, GOLU_F32, 1000, 0},
        {0, GOLU_F32, odd_n, 0},
        {1, GOLU_F32, big_rows, big_cols},
        {0, GOLU_F64, 1000, 0},
        {1, GOLU_F64, 300, 64},
        {0, GOLU_F32, odd_n, 0},
        {1, GOLU_F64, 2500, 3},
        {1, GOLU_F32, 2500, 3},
        {0, GOLU_F32, 1, 0},
    };
    const size_t count = sizeof steps / sizeof steps[0];
    inputs in32, in64;
    memset(&in64, 0, sizeof in64);
    const size_t most = big_rows * big_cols > odd_n ? big_rows * big_cols : odd_n;
    inputs_make(env, &in32, GOLU_F32, most, big_cols, 0x5c1a7c11ull);
    if (f64)
        inputs_make(env, &in64, GOLU_F64, odd_n, 64, 0x5c1a7c64ull);
    golu_context *shared = new_context(env);
    int checked[sizeof steps / sizeof steps[0]] = {0};
    size_t compared = 0;
    for (size_t k = 0; k < count; k++) {
        const step *st = &steps[k];
        if (st->dt == GOLU_F64 && !f64)
            continue;
        const inputs *in = st->dt == GOLU_F64 ? &in64 : &in32;
        const size_t es = golu_dtype_size(st->dt);
        const size_t n = st->bias ? st->rows * st->cols : st->rows;
        const size_t out_bytes = st->bias ? st->cols * es : 3 * tps_acc_size(st->dt);
        unsigned char *got = malloc(out_bytes), *fresh_got = malloc(out_bytes);
        void *dx = ts_alloc(st->dt, n), *fresh_dx = ts_alloc(st->dt, n);
        assert_true(got && fresh_got);
        char what[96];
        snprintf(what, sizeof what, "step %zu: %s %s %zu%s%zu", k,
                 st->bias ? "backward_bias" : "backward_params", golu_dtype_name(st->dt),
                 st->rows, st->bias ? "x" : "", st->bias ? st->cols : (size_t)0);
        golu_context *fresh = new_context(env);
        if (st->bias) {
            bias_call(env, shared, env->queue, in, st->rows, st->cols, NULL, got, dx);
            bias_call(env, fresh, env->queue, in, st->rows, st->cols, NULL, fresh_got, fresh_dx);
        } else {
            params_call(env, shared, env->queue, in, n, NULL, got, dx);
            params_call(env, fresh, env->queue, in, n, NULL, fresh_got, fresh_dx);
        }
        golu_context_destroy(fresh);
        if (memcmp(got, fresh_got, out_bytes) != 0) {
            for (size_t i = 0; i < out_bytes / es && i < 8; i++)
                print_message("%s [%zu]: %.17g on the shared context, %.17g on a fresh one\n",
                              what, i, st->bias ? ts_get(st->dt, got, i) : acc_get(st->dt, got, i),
                              st->bias ? ts_get(st->dt, fresh_got, i)
                                       : acc_get(st->dt, fresh_got, i));
            fail_msg("%s: the shared context's result differs from a fresh context's", what);
        }
        assert_memory_equal(dx, fresh_dx, n * es);
        /* against the reference once per distinct call (repeats are bit-identical to it) */
        int seen = 0;
        for (size_t j = 0; j < k; j++)
            seen |= checked[j] && steps[j].bias == st->bias && steps[j].dt == st->dt &&
                    steps[j].rows == st->rows && steps[j].cols == st->cols;
        if (!seen) {
            if (st->bias) {
                assert_int_equal(db_misses(st->dt, st->rows, st->cols, in->x, in->dy, in->b, NULL,
                                           got, what),
                                 0);
            } else {
                assert_int_equal(param_misses(st->dt, n, in->x, in->dy, NULL, got, what), 0);
                assert_int_equal(ts_check(st->dt, 1, n, in->x, in->dy, dx, NULL, NULL, what), 0);
            }
            checked[k] = 1;
        }
        compared++;
        free(got);
        free(fresh_got);
        free(dx);
        free(fresh_dx);
    }
    print_message("%zu calls on one context bit-identical to fresh contexts, within the "
                  "reference's bounds\n",
                  compared);
    golu_context_destroy(shared);
    inputs_free(&in32);
    if (f64)
        inputs_free(&in64);
}

/* ---- 2. threads on one context --------------------------------------------------------------- */

#define THREADS 4
#define CHUNK 5 /* calls a thread enqueues before it waits for its queue */

/* One thread: its queue, inputs and parameters; iteration i is backward_params (i even) or
 * backward_bias (i odd) on shape (i / 2) % 2 of its kind, writing into slot i of `out`. Threads
 * only record; the main thread checks (cmocka's asserts are not thread-safe). */
typedef struct {
    golu_context *ctx;
    cl_command_queue queue;
    golu_dtype dt;
    golu_params params;
    inputs in;
    size_t pn[2];            /* backward_params: n */
    size_t rows[2], cols[2]; /* backward_bias shapes */
    size_t slot;             /* elements of `out` per iteration (>= 3 and >= cols) */
    int iterations;
    cl_mem out;
    unsigned char *got;      /* `out` read back */
    unsigned char *want[4];  /* single-threaded results: params shape 0, 1, bias shape 0, 1 */
    golu_status status;
    int failed_at;
    cl_int cl_error;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    const size_t es = golu_dtype_size(w->dt);
    cl_int err = CL_SUCCESS;
    w->status = GOLU_OK;
    w->failed_at = -1;
    for (int i = 0; i < w->iterations && w->status == GOLU_OK && err == CL_SUCCESS; i++) {
        const int s = (i / 2) % 2;
        if (i % 2 == 0)
            w->status = golu_enqueue_backward_params(
                w->ctx, w->queue, w->dt, w->pn[s], w->in.mdy, 0, w->in.mx, 0, NULL, 0, w->out,
                (uint64_t)i * w->slot, &w->params, NULL, 0, NULL, NULL);
        else
            w->status = golu_enqueue_backward_bias(
                w->ctx, w->queue, w->dt, w->rows[s], w->cols[s], w->in.mdy, 0, w->in.mx, 0,
                w->in.mb, 0, NULL, 0, w->out, (uint64_t)i * w->slot, &w->params, NULL, 0, NULL,
                NULL);
        if (w->status != GOLU_OK)
            w->failed_at = i;
        else if ((i + 1) % CHUNK == 0)
            err = clFinish(w->queue);
    }
    if (err == CL_SUCCESS)
        err = clFinish(w->queue);
    if (err == CL_SUCCESS)
        err = clEnqueueReadBuffer(w->queue, w->out, CL_TRUE, 0,
                                  (size_t)w->iterations * w->slot * es, w->got, 0, NULL, NULL);
    w->cl_error = err;
    return NULL;
}

/* THREADS threads on env->ctx, each on a queue of its own (shared NULL) or all on `shared`, an
 * in-order queue (golu.h allows both). */
static void run_threads(ts_env *env, cl_command_queue shared)
{
    const int iterations = (int)ts_size(50, 8);
    const size_t p_big = ts_size(200003, 20011), r0 = ts_size(200, 40), c0 = ts_size(64, 33);
    const size_t r1 = ts_size(2000, 300);
    const int f64 = ts_dtype_ok(env, GOLU_F64);
    worker ws[THREADS];
    memset(ws, 0, sizeof ws);
    cl_int err = CL_SUCCESS;
    for (int t = 0; t < THREADS; t++) {
        worker *w = &ws[t];
        w->ctx = env->ctx;
        w->queue = shared ? shared : clCreateCommandQueue(env->cl_ctx, env->device, 0, &err);
        ts_cl_check(err);
        w->dt = t == THREADS - 1 && f64 ? GOLU_F64 : GOLU_F32;
        assert_int_equal(tps_acc_size(w->dt), golu_dtype_size(w->dt)); /* slots count both alike */
        w->params = (golu_params){1.0 + 0.25 * t, 1.0 - 0.2 * t, 0.5 + 0.5 * t};
        w->pn[0] = p_big - 1000 * (size_t)t;
        w->pn[1] = 777 + 13 * (size_t)t;
        w->rows[0] = r0 + 17 * (size_t)t, w->cols[0] = c0 + 5 * (size_t)t;
        w->rows[1] = r1 + 100 * (size_t)t, w->cols[1] = 3 + (size_t)t;
        size_t most = w->pn[0];
        for (int s = 0; s < 2; s++)
            most = w->rows[s] * w->cols[s] > most ? w->rows[s] * w->cols[s] : most;
        w->slot = w->cols[0] > w->cols[1] ? w->cols[0] : w->cols[1];
        inputs_make(env, &w->in, w->dt, most, w->slot, 0x7e4ea0ull + 131 * (uint64_t)t);
        w->iterations = iterations;
        const size_t out_bytes = (size_t)iterations * w->slot * golu_dtype_size(w->dt);
        w->out = nan_buffer(env, out_bytes);
        w->got = malloc(out_bytes);
        assert_non_null(w->got);
        /* the single-threaded results, on the same context and queue */
        for (int s = 0; s < 2; s++) {
            char what[64];
            w->want[s] = malloc(3 * tps_acc_size(w->dt));
            w->want[2 + s] = malloc(w->cols[s] * golu_dtype_size(w->dt));
            assert_true(w->want[s] && w->want[2 + s]);
            params_call(env, w->ctx, w->queue, &w->in, w->pn[s], &w->params, w->want[s], NULL);
            bias_call(env, w->ctx, w->queue, &w->in, w->rows[s], w->cols[s], &w->params,
                      w->want[2 + s], NULL);
            snprintf(what, sizeof what, "thread %d alone", t);
            assert_int_equal(param_misses(w->dt, w->pn[s], w->in.x, w->in.dy, &w->params,
                                          w->want[s], what),
                             0);
            assert_int_equal(db_misses(w->dt, w->rows[s], w->cols[s], w->in.x, w->in.dy, w->in.b,
                                       &w->params, w->want[2 + s], what),
                             0);
        }
    }
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, work, &ws[t]), 0);
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_join(th[t], NULL), 0);

    size_t calls = 0;
    for (int t = 0; t < THREADS; t++) {
        worker *w = &ws[t];
        const size_t es = golu_dtype_size(w->dt);
        if (w->status != GOLU_OK)
            fail_msg("thread %d, iteration %d: %s (%s)", t, w->failed_at,
                     golu_status_name(w->status), golu_context_detail(env->ctx));
        ts_cl_check(w->cl_error);
        for (int i = 0; i < iterations; i++) {
            const int s = (i / 2) % 2, bias = i % 2;
            const unsigned char *got = w->got + (size_t)i * w->slot * es;
            const unsigned char *want = w->want[2 * bias + s];
            const size_t count = bias ? w->cols[s] : 3;
            if (memcmp(got, want, count * es) != 0) {
                for (size_t c = 0; c < count && c < 6; c++)
                    print_message("thread %d iteration %d (%s) [%zu]: %.17g, alone %.17g\n", t, i,
                                  bias ? "db" : "dparams", c, ts_get(w->dt, got, c),
                                  ts_get(w->dt, want, c));
                fail_msg("thread %d, iteration %d: %s differs from the single-threaded result", t,
                         i, bias ? "db" : "dparams");
            }
            calls++;
        }
    }
    print_message("%d threads, %zu calls on one context, %s: every result bit-identical to "
                  "the single-threaded one\n",
                  THREADS, calls, shared ? "one shared queue" : "a queue each");
    for (int t = 0; t < THREADS; t++) {
        worker *w = &ws[t];
        if (!shared)
            clReleaseCommandQueue(w->queue);
        clReleaseMemObject(w->out);
        inputs_free(&w->in);
        free(w->got);
        for (int k = 0; k < 4; k++)
            free(w->want[k]);
    }
}

/* A queue per thread: calls of different queues never share a buffer in use. */
static void test_threads(void **state)
{
    run_threads(*state, NULL);
}

/* One in-order queue for all threads: another thread's call may be enqueued between the two
 * kernels of a call, so a buffer in use on that queue is not free for it either. */
static void test_threads_shared_queue(void **state)
{
    ts_env *env = *state;
    cl_int err = CL_SUCCESS;
    cl_command_queue q = clCreateCommandQueue(env->cl_ctx, env->device, 0, &err);
    ts_cl_check(err);
    run_threads(env, q);
    clReleaseCommandQueue(q);
}

/* ---- 3. destroy with work pending ------------------------------------------------------------ */

static void test_destroy_with_pending_work(void **state)
{
    ts_env *env = *state;
    const golu_dtype dt = GOLU_F32;
    const size_t n = ts_size(100003, 20011), rows = ts_size(256, 64), cols = ts_size(300, 40);
    inputs in;
    inputs_make(env, &in, dt, n, cols, 0xde57ull);
    /* the same calls on the test program's context, nothing pending */
    float want_dp[3], *want_db = ts_alloc(dt, cols), *dp = ts_alloc(dt, 3);
    float *db = ts_alloc(dt, cols), *dx = ts_alloc(dt, n), *bias_dx = ts_alloc(dt, rows * cols);
    float *want_bias_dx = ts_alloc(dt, rows * cols);
    params_call(env, env->ctx, env->queue, &in, n, NULL, want_dp, NULL);
    bias_call(env, env->ctx, env->queue, &in, rows, cols, NULL, want_db, want_bias_dx);

    golu_context *gc = new_context(env);
    {
        /* a call first, whose buffer the gated params call then takes back on the same queue */
        float warm[3];
        params_call(env, gc, env->queue, &in, n, NULL, warm, NULL);
    }
    cl_mem mdx = nan_buffer(env, n * 4), mdp = nan_buffer(env, 3 * 4);
    cl_mem mbdx = nan_buffer(env, rows * cols * 4), mdb = nan_buffer(env, cols * 4);
    cl_int err = CL_SUCCESS;
    cl_event gate = clCreateUserEvent(env->cl_ctx, &err);
    ts_cl_check(err);
    cl_event e1 = NULL, e2 = NULL;
    golu_status s1 = golu_enqueue_backward_params(gc, env->queue, dt, n, in.mdy, 0, in.mx, 0, mdx,
                                                  0, mdp, 0, NULL, NULL, 1, &gate, &e1);
    golu_status s2 = golu_enqueue_backward_bias(gc, env->queue, dt, rows, cols, in.mdy, 0, in.mx,
                                                0, in.mb, 0, mbdx, 0, mdb, 0, NULL, NULL, 1, &gate,
                                                &e2);
    cl_int before = CL_COMPLETE;
    if (e2)
        clGetEventInfo(e2, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof before, &before, NULL);
    golu_context_destroy(gc);
    /* open the gate before any assert, so that a failure never leaves the queue blocked */
    cl_int opened = clSetUserEventStatus(gate, CL_COMPLETE);
    ts_cl_check(opened);
    ts_assert_status(NULL, s1, GOLU_OK);
    ts_assert_status(NULL, s2, GOLU_OK);
    assert_true(before != CL_COMPLETE); /* the work was still pending at the destroy */
    wait_release(e1);
    wait_release(e2);
    ts_read(env, mdp, 0, 3 * 4, dp);
    ts_read(env, mdx, 0, n * 4, dx);
    ts_read(env, mdb, 0, cols * 4, db);
    ts_read(env, mbdx, 0, rows * cols * 4, bias_dx);
    assert_int_equal(param_misses(dt, n, in.x, in.dy, NULL, dp, "after destroy"), 0);
    assert_int_equal(ts_check(dt, 1, n, in.x, in.dy, dx, NULL, NULL, "after destroy"), 0);
    assert_int_equal(db_misses(dt, rows, cols, in.x, in.dy, in.b, NULL, db, "after destroy"), 0);
    assert_memory_equal(dp, want_dp, sizeof want_dp);
    assert_memory_equal(db, want_db, cols * 4);
    assert_memory_equal(bias_dx, want_bias_dx, rows * cols * 4);
    print_message("gated backward_params (n=%zu) and backward_bias (%zux%zu) right after "
                  "golu_context_destroy()\n",
                  n, rows, cols);
    clReleaseEvent(gate);
    clReleaseMemObject(mdx);
    clReleaseMemObject(mdp);
    clReleaseMemObject(mbdx);
    clReleaseMemObject(mdb);
    inputs_free(&in);
    free(want_db);
    free(dp);
    free(db);
    free(dx);
    free(bias_dx);
    free(want_bias_dx);
}

/* ---- 4. an out-of-order queue ---------------------------------------------------------------- */

/* An out-of-order queue on the test device; the test is skipped where there is none. */
static cl_command_queue out_of_order_queue_or_skip(ts_env *env)
{
    cl_int err = CL_SUCCESS;
    cl_command_queue q = clCreateCommandQueue(env->cl_ctx, env->device,
                                              CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, &err);
    if (err != CL_SUCCESS || !q) {
        print_message("no out-of-order queue on this device (%d): skipped\n", (int)err);
        skip();
    }
    return q;
}

static void test_out_of_order_queue(void **state)
{
    ts_env *env = *state;
    cl_command_queue ooo = out_of_order_queue_or_skip(env);
    const golu_dtype dt = GOLU_F32;
    const int rounds = (int)ts_size(10, 2);
    /* two params calls of different inputs and partial counts, two bias calls (several blocks) */
    const size_t na = ts_size(1000003, 20011), nb = ts_size(100003, 7919);
    const size_t rc = ts_size(256, 64), cc = ts_size(300, 40), rd = 2500, cd = 3;
    inputs a, b;
    inputs_make(env, &a, dt, na, cc, 0xa000ull);
    inputs_make(env, &b, dt, nb, cd, 0xb000ull);
    float want_a[3], want_b[3], *want_c = ts_alloc(dt, cc), *want_d = ts_alloc(dt, cd);
    params_call(env, env->ctx, env->queue, &a, na, NULL, want_a, NULL);
    params_call(env, env->ctx, env->queue, &b, nb, NULL, want_b, NULL);
    bias_call(env, env->ctx, env->queue, &a, rc, cc, NULL, want_c, NULL);
    bias_call(env, env->ctx, env->queue, &b, rd, cd, NULL, want_d, NULL);
    assert_int_equal(param_misses(dt, na, a.x, a.dy, NULL, want_a, "in order, a"), 0);
    assert_int_equal(param_misses(dt, nb, b.x, b.dy, NULL, want_b, "in order, b"), 0);
    assert_int_equal(db_misses(dt, rc, cc, a.x, a.dy, a.b, NULL, want_c, "in order, c"), 0);
    assert_int_equal(db_misses(dt, rd, cd, b.x, b.dy, b.b, NULL, want_d, "in order, d"), 0);

    float got_a[3], got_b[3], *got_c = ts_alloc(dt, cc), *got_d = ts_alloc(dt, cd);
    for (int r = 0; r < rounds; r++) {
        cl_mem pa = nan_buffer(env, 12), pb = nan_buffer(env, 12);
        cl_mem dc = nan_buffer(env, cc * 4), dd = nan_buffer(env, cd * 4);
        /* all four held by one user event, so that they are in flight at once */
        cl_int err = CL_SUCCESS;
        cl_event gate = clCreateUserEvent(env->cl_ctx, &err);
        ts_cl_check(err);
        golu_status st[4];
        st[0] = golu_enqueue_backward_params(env->ctx, ooo, dt, na, a.mdy, 0, a.mx, 0, NULL, 0, pa,
                                             0, NULL, NULL, 1, &gate, NULL);
        st[1] = golu_enqueue_backward_params(env->ctx, ooo, dt, nb, b.mdy, 0, b.mx, 0, NULL, 0, pb,
                                             0, NULL, NULL, 1, &gate, NULL);
        st[2] = golu_enqueue_backward_bias(env->ctx, ooo, dt, rc, cc, a.mdy, 0, a.mx, 0, a.mb, 0,
                                           NULL, 0, dc, 0, NULL, NULL, 1, &gate, NULL);
        st[3] = golu_enqueue_backward_bias(env->ctx, ooo, dt, rd, cd, b.mdy, 0, b.mx, 0, b.mb, 0,
                                           NULL, 0, dd, 0, NULL, NULL, 1, &gate, NULL);
        ts_cl_check(clSetUserEventStatus(gate, CL_COMPLETE)); /* before any assert */
        clReleaseEvent(gate);
        for (int k = 0; k < 4; k++)
            ts_assert_status(env->ctx, st[k], GOLU_OK);
        ts_cl_check(clFinish(ooo));
        ts_read(env, pa, 0, 12, got_a);
        ts_read(env, pb, 0, 12, got_b);
        ts_read(env, dc, 0, cc * 4, got_c);
        ts_read(env, dd, 0, cd * 4, got_d);
        /* exactly the in-order results, which are within the reference's bounds (above) */
        const struct {
            const char *name;
            const float *got, *want;
            size_t count;
        } outs[4] = {{"params a", got_a, want_a, 3},
                     {"params b", got_b, want_b, 3},
                     {"bias c", got_c, want_c, cc},
                     {"bias d", got_d, want_d, cd}};
        int wrong = 0;
        for (int k = 0; k < 4; k++) {
            if (memcmp(outs[k].got, outs[k].want, outs[k].count * 4) == 0)
                continue;
            wrong++;
            for (size_t c = 0; c < outs[k].count && c < 4; c++)
                print_message("round %d, %s [%zu]: %.9g, in order %.9g\n", r, outs[k].name, c,
                              outs[k].got[c], outs[k].want[c]);
        }
        if (wrong)
            fail_msg("round %d: %d of 4 reductions differ from the in-order queue's", r, wrong);
        clReleaseMemObject(pa);
        clReleaseMemObject(pb);
        clReleaseMemObject(dc);
        clReleaseMemObject(dd);
    }
    print_message("%d rounds of 4 reductions held by one event on an out-of-order queue: all "
                  "right\n",
                  rounds);
    clReleaseCommandQueue(ooo);
    inputs_free(&a);
    inputs_free(&b);
    free(want_c);
    free(want_d);
    free(got_c);
    free(got_d);
}

/* ---- 5. a full pool ---------------------------------------------------------------------- */

/* 12 reductions held by one user event on an out-of-order queue need 12 buffers at once: the
 * pool keeps 8 and makes the others for their call; then a bias call needing a larger buffer
 * than any kept one replaces the smallest idle one. Every result exactly the in-order one. */
static void test_pool_full(void **state)
{
    ts_env *env = *state;
    cl_command_queue ooo = out_of_order_queue_or_skip(env);
    cl_int err = CL_SUCCESS;
    enum { CALLS = 12 };
    const golu_dtype dt = GOLU_F32;
    const size_t n = ts_size(100003, 7919), rows = ts_size(256, 16), cols = ts_size(5000, 600);
    inputs a, c;
    inputs_make(env, &a, dt, n, 3, 0xf000ull);
    inputs_make(env, &c, dt, rows * cols, cols, 0xf001ull);
    float want[3], *want_db = ts_alloc(dt, cols), *got_db = ts_alloc(dt, cols);
    params_call(env, env->ctx, env->queue, &a, n, NULL, want, NULL);
    bias_call(env, env->ctx, env->queue, &c, rows, cols, NULL, want_db, NULL);
    assert_int_equal(param_misses(dt, n, a.x, a.dy, NULL, want, "in order"), 0);
    assert_int_equal(db_misses(dt, rows, cols, c.x, c.dy, c.b, NULL, want_db, "in order"), 0);

    golu_context *ctx = new_context(env);
    for (int round = 0; round < 2; round++) {
        cl_mem out[CALLS];
        golu_status st[CALLS];
        cl_event gate = clCreateUserEvent(env->cl_ctx, &err);
        ts_cl_check(err);
        for (int k = 0; k < CALLS; k++) {
            out[k] = nan_buffer(env, 12);
            st[k] = golu_enqueue_backward_params(ctx, ooo, dt, n, a.mdy, 0, a.mx, 0, NULL, 0,
                                                 out[k], 0, NULL, NULL, 1, &gate, NULL);
        }
        ts_cl_check(clSetUserEventStatus(gate, CL_COMPLETE)); /* before any assert */
        clReleaseEvent(gate);
        for (int k = 0; k < CALLS; k++)
            ts_assert_status(ctx, st[k], GOLU_OK);
        ts_cl_check(clFinish(ooo));
        for (int k = 0; k < CALLS; k++) {
            float got[3];
            ts_read(env, out[k], 0, sizeof got, got);
            if (memcmp(got, want, sizeof got) != 0)
                fail_msg("round %d, call %d of %d in flight: %.9g %.9g %.9g, in order %.9g %.9g "
                         "%.9g",
                         round, k, CALLS, got[0], got[1], got[2], want[0], want[1], want[2]);
            clReleaseMemObject(out[k]);
        }
        cl_mem db = nan_buffer(env, cols * 4);
        ts_assert_status(ctx,
                         golu_enqueue_backward_bias(ctx, ooo, dt, rows, cols, c.mdy, 0, c.mx, 0,
                                                    c.mb, 0, NULL, 0, db, 0, NULL, NULL, 0, NULL,
                                                    NULL),
                         GOLU_OK);
        ts_cl_check(clFinish(ooo));
        ts_read(env, db, 0, cols * 4, got_db);
        assert_memory_equal(got_db, want_db, cols * 4);
        clReleaseMemObject(db);
    }
    golu_context_destroy(ctx);
    clReleaseCommandQueue(ooo);
    inputs_free(&a);
    inputs_free(&c);
    free(want_db);
    free(got_db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reuse_across_shapes),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_threads_shared_queue),
        cmocka_unit_test(test_destroy_with_pending_work),
        cmocka_unit_test(test_out_of_order_queue),
        cmocka_unit_test(test_pool_full),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
