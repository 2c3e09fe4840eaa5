/*
 * test_bias: golu_enqueue_forward_bias() and golu_enqueue_backward_bias() on row-major
 * [rows x cols] tensors. Every dtype the device runs; y and dx element by element against the
 * long-double reference (golu_check_blend with x + b formed in the compute type); db against
 * long-double column sums (golu_check_column: about 1e-6 * (sum |g| + sum |dy|) for f32, see
 * golu_reference.h for the derivation); odd shapes (cols = 1, rows = 1, cols not a multiple of
 * any vector width, rows x cols with a tail), unaligned offsets, in-place forms, dx NULL, blends;
 * sums bit-identical from run to run; rows == 0 and cols == 0; every argument error with its
 * status, a detail and nothing enqueued.
 */
#include "test_support.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAIL 11 /* elements after every array, to catch writes past its end */

typedef struct {
    size_t rows, cols;
} shape;

/* Shapes whose two-stage split differs: one block (rows <= 8: db written by the first kernel),
 * several, and more rows than 256 blocks of 8 (longer blocks); narrow strips (cols < vector
 * width, cols % width != 0) and whole ones. */
static const shape shapes[] = {{1, 1},   {1, 1000}, {1000, 1}, {7, 3},    {3, 17},
                               {9, 5},   {33, 129}, {64, 256}, {17, 1001}, {300, 64},
                               {2500, 3}, {130, 333}};

enum { SEPARATE, OUT_IS_X, OUT_IS_DY, NO_DX };

typedef struct {
    size_t dy_off, x_off, b_off, out_off, db_off;
    int mode;
} layout;

static const layout forward_layouts[] = {
    {0, 0, 0, 0, 0, SEPARATE}, {0, 3, 1, 5, 0, SEPARATE}, {0, 16, 7, 32, 0, SEPARATE},
    {0, 2, 0, 2, 0, OUT_IS_X}};
static const layout backward_layouts[] = {
    {0, 0, 0, 0, 0, SEPARATE}, {16, 32, 3, 48, 5, SEPARATE}, {1, 2, 3, 4, 5, SEPARATE},
    {5, 1, 0, 5, 2, OUT_IS_DY}, {0, 16, 16, 16, 0, OUT_IS_X}, {3, 0, 1, 0, 9, NO_DX}};

typedef struct {
    double s, t;
} blend_case;

/* {1, 0} is also tried as a NULL blend; t == 0 runs on outputs full of NaN */
static const blend_case blends[] = {{1.0, 0.0}, {2.0, -0.5}, {1.0, 1.0}, {-0.3, 0.7}};

static golu_ref_format fmt(golu_dtype dt)
{
    return (golu_ref_format)dt;
}

/* A device buffer of `count` elements at element `off` between sentinel bytes, and its image. */
typedef struct {
    cl_mem mem;
    unsigned char *image;
    size_t bytes, off;
} tbuf;

static tbuf tbuf_make(ts_env *env, golu_dtype dt, size_t off, size_t count, const void *data,
                      int nan)
{
    const size_t es = golu_dtype_size(dt);
    tbuf b = {NULL, NULL, (off + count + TAIL) * es, off};
    b.image = malloc(b.bytes);
    assert_non_null(b.image);
    ts_fill_sentinel(b.image, b.bytes);
    if (nan)
        memset(b.image + off * es, 0xFF, count * es); /* NaN in every dtype */
    else if (data && count)
        memcpy(b.image + off * es, data, count * es);
    b.mem = ts_buffer(env, b.bytes);
    ts_write(env, b.mem, 0, b.bytes, b.image);
    return b;
}

static void tbuf_free(tbuf *b)
{
    if (b->mem)
        clReleaseMemObject(b->mem);
    free(b->image);
    memset(b, 0, sizeof *b);
}

/* Reads b back into `back` (b->bytes) and fails if a byte outside elements [off, off + count)
 * changed. */
static void tbuf_expect(ts_env *env, golu_dtype dt, const tbuf *b, size_t count,
                        unsigned char *back, const char *what)
{
    const size_t es = golu_dtype_size(dt);
    ts_read(env, b->mem, 0, b->bytes, back);
    size_t changed = 0;
    for (size_t k = 0; k < b->bytes; k++)
        if ((k < b->off * es || k >= (b->off + count) * es) && back[k] != b->image[k])
            changed++;
    if (changed)
        fail_msg("%s: %zu bytes changed outside the written range", what, changed);
}

/* The compute-type x + b of element (r, c). */
static double x_plus_b(golu_dtype dt, const void *x, const void *b, size_t cols, size_t i)
{
    return golu_ref_compute(fmt(dt), (long double)ts_get(dt, x, i) + ts_get(dt, b, i % cols));
}

typedef struct {
    size_t elements, columns;
    double max_ulps, max_col_rel;
} stats;

static void run_forward(ts_env *env, golu_dtype dt, shape sh, const layout *L,
                        const blend_case *bc, int null_blend, stats *st)
{
    const size_t n = sh.rows * sh.cols, es = golu_dtype_size(dt);
    void *x = ts_alloc(dt, n), *b = ts_alloc(dt, sh.cols), *old = ts_alloc(dt, n);
    void *got = ts_alloc(dt, n);
    ts_fill_uniform(dt, x, n, -8.0, 8.0, 0xf0b1ull + n + L->x_off);
    ts_fill_uniform(dt, b, sh.cols, -1.5, 1.5, 0xb1a5ull + sh.cols);
    ts_fill_uniform(dt, old, n, -3.0, 3.0, 0x01dull + n);
    const int nan_old = bc->t == 0.0 && L->mode == SEPARATE;

    tbuf bx = tbuf_make(env, dt, L->x_off, n, x, 0);
    tbuf bb = tbuf_make(env, dt, L->b_off, sh.cols, b, 0);
    tbuf by = L->mode == OUT_IS_X ? bx : tbuf_make(env, dt, L->out_off, n, old, nan_old);
    const void *old_values = L->mode == OUT_IS_X ? x : old;

    char what[200];
    snprintf(what, sizeof what,
             "forward bias %s %zux%zu offsets x %zu b %zu y %zu%s, s=%g t=%g%s",
             golu_dtype_name(dt), sh.rows, sh.cols, L->x_off, L->b_off, L->out_off,
             L->mode == OUT_IS_X ? " y==x" : "", bc->s, bc->t, null_blend ? " (NULL)" : "");
    const golu_blend blend = {bc->s, bc->t};
    cl_event ev = NULL;
    golu_status s = golu_enqueue_forward_bias(env->ctx, env->queue, dt, sh.rows, sh.cols, bx.mem,
                                              L->x_off, bb.mem, L->b_off, by.mem, L->out_off, NULL,
                                              null_blend ? NULL : &blend, 0, NULL, &ev);
    if (s != GOLU_OK)
        print_message("%s\n", what);
    ts_assert_status(env->ctx, s, GOLU_OK);
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    ts_cl_check(clReleaseEvent(ev));

    size_t max_bytes = bx.bytes > by.bytes ? bx.bytes : by.bytes;
    unsigned char *back = malloc(max_bytes > bb.bytes ? max_bytes : bb.bytes);
    assert_non_null(back);
    tbuf_expect(env, dt, &bb, 0, back, what);
    if (L->mode != OUT_IS_X)
        tbuf_expect(env, dt, &bx, 0, back, what);
    tbuf_expect(env, dt, &by, n, back, what);
    memcpy(got, back + L->out_off * es, n * es);

    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        double xb = x_plus_b(dt, x, b, sh.cols, i);
        double ov = nan_old ? (double)NAN : ts_get(dt, old_values, i);
        golu_check_result r = golu_check_blend(fmt(dt), 0, xb, 0.0, ov, ts_get(dt, got, i), bc->s,
                                               bc->t, 1.0, 1.0, 1.0);
        st->elements++;
        if (r.ulps > st->max_ulps)
            st->max_ulps = r.ulps;
        if (!r.ok && ++bad <= 5)
            print_message("%s [%zu]: x+b=%.9g old=%.9g got=%.9g ref=%.17g\n", what, i, xb, ov,
                          ts_get(dt, got, i), r.ref);
    }
    if (bad)
        fail_msg("%s: %zu of %zu elements outside the bound", what, bad, n);
    free(back);
    if (L->mode != OUT_IS_X)
        tbuf_free(&by);
    tbuf_free(&bx);
    tbuf_free(&bb);
    free(x);
    free(b);
    free(old);
    free(got);
}

/* The column sums of the reference, per column. */
static golu_ref_column *reference_columns(golu_dtype dt, shape sh, const void *x, const void *b,
                                          const void *dy)
{
    golu_ref_column *cols = calloc(sh.cols ? sh.cols : 1, sizeof *cols);
    assert_non_null(cols);
    for (size_t i = 0; i < sh.rows * sh.cols; i++)
        golu_ref_column_add(&cols[i % sh.cols], fmt(dt), x_plus_b(dt, x, b, sh.cols, i),
                            ts_get(dt, dy, i), 1.0, 1.0, 1.0);
    return cols;
}

static void run_backward(ts_env *env, golu_dtype dt, shape sh, const layout *L,
                         const blend_case *bc, int null_blend, stats *st)
{
    const size_t n = sh.rows * sh.cols, es = golu_dtype_size(dt);
    void *x = ts_alloc(dt, n), *b = ts_alloc(dt, sh.cols), *dy = ts_alloc(dt, n);
    void *old = ts_alloc(dt, n), *db_old = ts_alloc(dt, sh.cols);
    void *got = ts_alloc(dt, n), *db = ts_alloc(dt, sh.cols);
    ts_fill_uniform(dt, x, n, -8.0, 8.0, 0xbac0ull + n + L->x_off);
    ts_fill_uniform(dt, b, sh.cols, -1.5, 1.5, 0xb1a5ull + sh.cols);
    ts_fill_uniform(dt, dy, n, -2.0, 2.0, 0xd1ull + n + L->dy_off);
    ts_fill_uniform(dt, old, n, -3.0, 3.0, 0x01dull + n);
    ts_fill_uniform(dt, db_old, sh.cols, -50.0, 50.0, 0xdbull + sh.cols);
    const int nan_old = bc->t == 0.0;

    tbuf bdy = tbuf_make(env, dt, L->dy_off, n, dy, 0);
    tbuf bx = tbuf_make(env, dt, L->x_off, n, x, 0);
    tbuf bb = tbuf_make(env, dt, L->b_off, sh.cols, b, 0);
    tbuf bdb = tbuf_make(env, dt, L->db_off, sh.cols, db_old, nan_old);
    tbuf bdx = {NULL, NULL, 0, 0};
    const tbuf *out = NULL;
    const void *old_values = NULL;
    switch (L->mode) {
    case SEPARATE:
        bdx = tbuf_make(env, dt, L->out_off, n, old, nan_old);
        out = &bdx, old_values = old;
        break;
    case OUT_IS_DY: out = &bdy, old_values = dy; break;
    case OUT_IS_X: out = &bx, old_values = x; break;
    default: break;
    }

    char what[220];
    snprintf(what, sizeof what,
             "backward bias %s %zux%zu offsets dy %zu x %zu b %zu dx %zu db %zu%s, s=%g t=%g%s",
             golu_dtype_name(dt), sh.rows, sh.cols, L->dy_off, L->x_off, L->b_off, L->out_off,
             L->db_off,
             L->mode == OUT_IS_DY ? " dx==dy" : L->mode == OUT_IS_X ? " dx==x"
                                : L->mode == NO_DX       ? " dx NULL"
                                                         : "",
             bc->s, bc->t, null_blend ? " (NULL)" : "");
    const golu_blend blend = {bc->s, bc->t};
    cl_event ev = NULL;
    golu_status s = golu_enqueue_backward_bias(
        env->ctx, env->queue, dt, sh.rows, sh.cols, bdy.mem, L->dy_off, bx.mem, L->x_off, bb.mem,
        L->b_off, out ? out->mem : NULL, L->out_off, bdb.mem, L->db_off, NULL,
        null_blend ? NULL : &blend, 0, NULL, &ev);
    if (s != GOLU_OK)
        print_message("%s\n", what);
    ts_assert_status(env->ctx, s, GOLU_OK);
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    ts_cl_check(clReleaseEvent(ev));

    size_t max_bytes = bdy.bytes;
    const tbuf *all[5] = {&bdy, &bx, &bb, &bdb, &bdx};
    for (int i = 0; i < 5; i++)
        if (all[i]->bytes > max_bytes)
            max_bytes = all[i]->bytes;
    unsigned char *back = malloc(max_bytes);
    assert_non_null(back);
    tbuf_expect(env, dt, &bb, 0, back, what);
    tbuf_expect(env, dt, &bdy, out == &bdy ? n : 0, back, what);
    if (out == &bdy)
        memcpy(got, back + L->out_off * es, n * es);
    tbuf_expect(env, dt, &bx, out == &bx ? n : 0, back, what);
    if (out == &bx)
        memcpy(got, back + L->out_off * es, n * es);
    if (out == &bdx) {
        tbuf_expect(env, dt, &bdx, n, back, what);
        memcpy(got, back + L->out_off * es, n * es);
    }
    tbuf_expect(env, dt, &bdb, sh.cols, back, what);
    memcpy(db, back + L->db_off * es, sh.cols * es);

    size_t bad = 0;
    for (size_t i = 0; out && i < n; i++) {
        double xb = x_plus_b(dt, x, b, sh.cols, i);
        double ov = nan_old ? (double)NAN : ts_get(dt, old_values, i);
        golu_check_result r = golu_check_blend(fmt(dt), 1, xb, ts_get(dt, dy, i), ov,
                                               ts_get(dt, got, i), bc->s, bc->t, 1.0, 1.0, 1.0);
        st->elements++;
        if (r.ulps > st->max_ulps)
            st->max_ulps = r.ulps;
        if (!r.ok && ++bad <= 5)
            print_message("%s dx[%zu]: x+b=%.9g dy=%.9g old=%.9g got=%.9g ref=%.17g\n", what, i,
                          xb, ts_get(dt, dy, i), ov, ts_get(dt, got, i), r.ref);
    }
    golu_ref_column *ref = reference_columns(dt, sh, x, b, dy);
    for (size_t c = 0; c < sh.cols; c++) {
        double ov = nan_old ? (double)NAN : ts_get(dt, db_old, c);
        golu_check_result r =
            golu_check_column(fmt(dt), &ref[c], ov, ts_get(dt, db, c), bc->s, bc->t);
        st->columns++;
        if (r.ulps > st->max_col_rel)
            st->max_col_rel = r.ulps;
        if (!r.ok && ++bad <= 5)
            print_message("%s db[%zu]: got=%.17g ref=%.17g (sum |g| %.6Lg, error %.3g of it)\n",
                          what, c, ts_get(dt, db, c), r.ref, ref[c].abs_g, r.ulps);
    }
    if (bad)
        fail_msg("%s: %zu results outside the bound", what, bad);
    free(ref);
    free(back);
    tbuf_free(&bdy);
    tbuf_free(&bx);
    tbuf_free(&bb);
    tbuf_free(&bdb);
    if (bdx.mem)
        tbuf_free(&bdx);
    free(x);
    free(b);
    free(dy);
    free(old);
    free(db_old);
    free(got);
    free(db);
}

static void run_dtype(ts_env *env, golu_dtype dt)
{
    ts_require_dtype(env, dt);
    const int quick = ts_size(0, 1);
    stats fw = {0, 0, 0.0, 0.0}, bw = {0, 0, 0.0, 0.0};
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        if (quick && shapes[si].rows * shapes[si].cols > 20000)
            continue;
        for (size_t bi = 0; bi < sizeof blends / sizeof blends[0]; bi++) {
            /* every layout with the first blends, the first two layouts with the others */
            for (size_t li = 0; li < sizeof forward_layouts / sizeof forward_layouts[0]; li++)
                if (bi < 2 || li < 2)
                    run_forward(env, dt, shapes[si], &forward_layouts[li], &blends[bi], 0, &fw);
            for (size_t li = 0; li < sizeof backward_layouts / sizeof backward_layouts[0]; li++)
                if (bi < 2 || li < 2)
                    run_backward(env, dt, shapes[si], &backward_layouts[li], &blends[bi], 0, &bw);
        }
        run_forward(env, dt, shapes[si], &forward_layouts[1], &blends[0], 1, &fw);
        run_backward(env, dt, shapes[si], &backward_layouts[1], &blends[0], 1, &bw);
    }
    print_message("%s: forward %zu elements (max %.3g ulp); backward %zu dx elements (max %.3g "
                  "ulp), %zu db columns (largest relative error %.3g)\n",
                  golu_dtype_name(dt), fw.elements, fw.max_ulps, bw.elements, bw.max_ulps,
                  bw.columns, bw.max_col_rel);
    assert_true(fw.elements > 0 && bw.columns > 0);
}

static void test_bias_f32(void **state) { run_dtype(*state, GOLU_F32); }
static void test_bias_f16(void **state) { run_dtype(*state, GOLU_F16); }
static void test_bias_bf16(void **state) { run_dtype(*state, GOLU_BF16); }
static void test_bias_f64(void **state) { run_dtype(*state, GOLU_F64); }

/* Large enough for many blocks of rows and full grids: two runs give the same bits, db and dx;
 * and db against the long-double sums at a size where plain float summation would drift. */
static void test_deterministic(void **state)
{
    ts_env *env = *state;
    const shape shs[] = {{ts_size(20000, 600), 37}, {ts_size(1024, 64), ts_size(1024, 40)}};
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        for (size_t k = 0; k < sizeof shs / sizeof shs[0]; k++) {
            const shape sh = shs[k];
            const size_t n = sh.rows * sh.cols, es = golu_dtype_size(dt);
            void *x = ts_alloc(dt, n), *b = ts_alloc(dt, sh.cols), *dy = ts_alloc(dt, n);
            ts_fill_uniform(dt, x, n, -6.0, 6.0, 91 + k);
            ts_fill_uniform(dt, b, sh.cols, -1.0, 1.0, 92 + k);
            ts_fill_uniform(dt, dy, n, -1.0, 1.0, 93 + k);
            cl_mem mx = ts_buffer(env, n * es), mb = ts_buffer(env, sh.cols * es);
            cl_mem mdy = ts_buffer(env, n * es), mdx = ts_buffer(env, n * es);
            cl_mem mdb = ts_buffer(env, sh.cols * es);
            ts_write(env, mx, 0, n * es, x);
            ts_write(env, mb, 0, sh.cols * es, b);
            ts_write(env, mdy, 0, n * es, dy);
            unsigned char *dx_runs[2], *db_runs[2];
            for (int run = 0; run < 2; run++) {
                ts_assert_status(env->ctx,
                                 golu_enqueue_backward_bias(env->ctx, env->queue, dt, sh.rows,
                                                            sh.cols, mdy, 0, mx, 0, mb, 0, mdx, 0,
                                                            mdb, 0, NULL, NULL, 0, NULL, NULL),
                                 GOLU_OK);
                dx_runs[run] = malloc(n * es);
                db_runs[run] = malloc(sh.cols * es);
                assert_non_null(dx_runs[run]);
                assert_non_null(db_runs[run]);
                ts_read(env, mdx, 0, n * es, dx_runs[run]);
                ts_read(env, mdb, 0, sh.cols * es, db_runs[run]);
            }
            assert_memory_equal(dx_runs[0], dx_runs[1], n * es);
            assert_memory_equal(db_runs[0], db_runs[1], sh.cols * es);
            golu_ref_column *ref = reference_columns(dt, sh, x, b, dy);
            double worst = 0.0;
            for (size_t c = 0; c < sh.cols; c++) {
                golu_check_result r = golu_check_column(fmt(dt), &ref[c], 0.0,
                                                        ts_get(dt, db_runs[0], c), 1.0, 0.0);
                if (!r.ok)
                    fail_msg("%s %zux%zu db[%zu]: got %.17g, ref %.17g", golu_dtype_name(dt),
                             sh.rows, sh.cols, c, ts_get(dt, db_runs[0], c), r.ref);
                worst = r.ulps > worst ? r.ulps : worst;
            }
            print_message("%s %zux%zu: two runs bit-identical; db error at most %.3g of sum |g|\n",
                          golu_dtype_name(dt), sh.rows, sh.cols, worst);
            free(ref);
            for (int run = 0; run < 2; run++) {
                free(dx_runs[run]);
                free(db_runs[run]);
            }
            clReleaseMemObject(mx);
            clReleaseMemObject(mb);
            clReleaseMemObject(mdy);
            clReleaseMemObject(mdx);
            clReleaseMemObject(mdb);
            free(x);
            free(b);
            free(dy);
        }
    }
}

/* rows == 0: db = t * db (t = 0: zeros, even over NaN; t = 1: untouched, by a marker), nothing
 * else written; cols == 0: nothing written at all. Events are returned and complete. */
static void test_empty_shapes(void **state)
{
    ts_env *env = *state;
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        const size_t cols = 21, es = golu_dtype_size(dt);
        void *db_old = ts_alloc(dt, cols), *db = ts_alloc(dt, cols);
        ts_fill_uniform(dt, db_old, cols, -5.0, 5.0, 5);
        const double ts_[] = {0.5, 0.0, 1.0, -2.0};
        for (size_t k = 0; k < sizeof ts_ / sizeof ts_[0]; k++) {
            const int nan_old = ts_[k] == 0.0;
            tbuf bdb = tbuf_make(env, dt, 3, cols, db_old, nan_old);
            cl_mem other = ts_sentinel_buffer(env, 64 * es);
            const golu_blend blend = {3.0, ts_[k]};
            cl_event ev = NULL;
            ts_assert_status(env->ctx,
                             golu_enqueue_backward_bias(env->ctx, env->queue, dt, 0, cols, other,
                                                        0, other, 0, other, 0, other, 30, bdb.mem,
                                                        3, NULL, &blend, 0, NULL, &ev),
                             GOLU_OK);
            assert_non_null(ev);
            ts_cl_check(clWaitForEvents(1, &ev));
            ts_cl_check(clReleaseEvent(ev));
            unsigned char *back = malloc(bdb.bytes > 64 * es ? bdb.bytes : 64 * es);
            assert_non_null(back);
            tbuf_expect(env, dt, &bdb, cols, back, "rows 0");
            memcpy(db, back + 3 * es, cols * es);
            for (size_t c = 0; c < cols; c++) {
                double want = ts_[k] == 0.0 ? 0.0 : ts_[k] * ts_get(dt, db_old, c);
                if (ts_get(dt, db, c) != want)
                    fail_msg("%s rows 0, t=%g: db[%zu] = %.17g, expected %.17g",
                             golu_dtype_name(dt), ts_[k], c, ts_get(dt, db, c), want);
            }
            ts_read(env, other, 0, 64 * es, back);
            assert_int_equal(ts_count_sentinel_changes(back, 0, 64 * es), 0);
            free(back);
            tbuf_free(&bdb);
            clReleaseMemObject(other);
        }
        /* cols == 0 (and rows == 0 with cols == 0), forward and backward: nothing at all */
        cl_mem a = ts_sentinel_buffer(env, 64 * es), c = ts_sentinel_buffer(env, 64 * es);
        const golu_blend blend = {2.0, 0.5};
        for (int rows = 0; rows < 2; rows++) {
            cl_event ev = NULL;
            ts_assert_status(env->ctx,
                             golu_enqueue_backward_bias(env->ctx, env->queue, dt, rows * 5, 0, a, 0,
                                                        a, 0, a, 0, a, 0, c, 0, NULL, &blend, 0,
                                                        NULL, &ev),
                             GOLU_OK);
            assert_non_null(ev);
            ts_cl_check(clWaitForEvents(1, &ev));
            ts_cl_check(clReleaseEvent(ev));
            ev = NULL;
            ts_assert_status(env->ctx,
                             golu_enqueue_forward_bias(env->ctx, env->queue, dt, rows * 5, 0, a, 0,
                                                       a, 0, c, 0, NULL, &blend, 0, NULL, &ev),
                             GOLU_OK);
            assert_non_null(ev);
            ts_cl_check(clWaitForEvents(1, &ev));
            ts_cl_check(clReleaseEvent(ev));
        }
        /* rows == 0 with cols > 0: the forward writes nothing either */
        ts_assert_status(env->ctx,
                         golu_enqueue_forward_bias(env->ctx, env->queue, dt, 0, 9, a, 0, a, 0, c,
                                                   0, NULL, &blend, 0, NULL, NULL),
                         GOLU_OK);
        ts_cl_check(clFinish(env->queue));
        unsigned char back[64 * 8];
        ts_read(env, a, 0, 64 * es, back);
        assert_int_equal(ts_count_sentinel_changes(back, 0, 64 * es), 0);
        ts_read(env, c, 0, 64 * es, back);
        assert_int_equal(ts_count_sentinel_changes(back, 0, 64 * es), 0);
        clReleaseMemObject(a);
        clReleaseMemObject(c);
        free(db_old);
        free(db);
    }
}

/* ---- argument errors -------------------------------------------------------------------------- */

#define SENTINEL_EVENT ((cl_event)(uintptr_t)0x5e17e1)
#define BUF 512 /* bytes of each buffer below */

typedef struct {
    int backward;
    golu_context *ctx;
    cl_command_queue queue;
    golu_dtype dtype;
    uint64_t rows, cols;
    cl_mem dy, x, b, out, db; /* forward: x, b -> out */
    uint64_t dy_off, x_off, b_off, out_off, db_off;
    const golu_params *params;
    const golu_blend *blend;
    cl_uint num_events;
    const cl_event *wait_list;
} call;

static golu_status do_call(const call *c, cl_event *ev)
{
    if (c->backward)
        return golu_enqueue_backward_bias(c->ctx, c->queue, c->dtype, c->rows, c->cols, c->dy,
                                          c->dy_off, c->x, c->x_off, c->b, c->b_off, c->out,
                                          c->out_off, c->db, c->db_off, c->params, c->blend,
                                          c->num_events, c->wait_list, ev);
    return golu_enqueue_forward_bias(c->ctx, c->queue, c->dtype, c->rows, c->cols, c->x, c->x_off,
                                     c->b, c->b_off, c->out, c->out_off, c->params, c->blend,
                                     c->num_events, c->wait_list, ev);
}

/* Five sentinel buffers, one per array; a shared one for overlap cases. */
typedef struct {
    cl_mem m[5];
    cl_mem shared;
} bufs;

static bufs make_bufs(ts_env *env)
{
    bufs B;
    for (int i = 0; i < 5; i++)
        B.m[i] = ts_sentinel_buffer(env, BUF);
    B.shared = ts_sentinel_buffer(env, BUF);
    return B;
}

static void free_bufs(bufs *B)
{
    for (int i = 0; i < 5; i++)
        clReleaseMemObject(B->m[i]);
    clReleaseMemObject(B->shared);
}

/* A valid call: 4 x 6 f32 elements (96 bytes per tensor, 24 per vector). */
static call valid_call(ts_env *env, const bufs *B, int backward)
{
    call c;
    memset(&c, 0, sizeof c);
    c.backward = backward;
    c.ctx = env->ctx;
    c.queue = env->queue;
    c.dtype = GOLU_F32;
    c.rows = 4;
    c.cols = 6;
    c.dy = B->m[0];
    c.x = B->m[1];
    c.b = B->m[2];
    c.out = B->m[3];
    c.db = B->m[4];
    c.dy_off = 1;
    c.x_off = 2;
    c.b_off = 3;
    c.out_off = 4;
    c.db_off = 5;
    return c;
}

/* Fails unless the call returns `want`, leaves the event alone, sets a detail and changes no
 * byte of any buffer. */
static void expect_error_at(ts_env *env, const bufs *B, const call *c, golu_status want,
                            const char *what, int line)
{
    unsigned char before[6][BUF], after[BUF];
    ts_cl_check(clFinish(env->queue));
    for (int i = 0; i < 6; i++)
        ts_read(env, i < 5 ? B->m[i] : B->shared, 0, BUF, before[i]);
    cl_event ev = SENTINEL_EVENT;
    golu_status got = do_call(c, &ev);
    if (got != want) {
        if (got == GOLU_OK && ev != SENTINEL_EVENT) {
            clWaitForEvents(1, &ev);
            clReleaseEvent(ev);
        }
        fail_msg("line %d, %s: got %s, expected %s; detail \"%s\"", line, what,
                 golu_status_name(got), golu_status_name(want),
                 c->ctx ? golu_context_detail(c->ctx) : "");
    }
    assert_true(ev == SENTINEL_EVENT);
    if (c->ctx && strlen(golu_context_detail(c->ctx)) == 0)
        fail_msg("line %d, %s: empty detail", line, what);
    assert_int_equal(do_call(c, NULL), want);
    ts_cl_check(clFinish(env->queue));
    for (int i = 0; i < 6; i++) {
        ts_read(env, i < 5 ? B->m[i] : B->shared, 0, BUF, after);
        if (memcmp(before[i], after, BUF) != 0)
            fail_msg("line %d, %s: buffer %d changed although the call was rejected", line, what,
                     i);
    }
}
#define expect_error(env, B, c, want, what) expect_error_at((env), (B), (c), (want), (what), __LINE__)

static void expect_ok(ts_env *env, const call *c, const char *what)
{
    golu_status got = do_call(c, NULL);
    if (got != GOLU_OK)
        fail_msg("%s: got %s; detail \"%s\"", what, golu_status_name(got),
                 golu_context_detail(c->ctx));
    ts_cl_check(clFinish(env->queue));
}

static void test_argument_errors(void **state)
{
    ts_env *env = *state;
    bufs B = make_bufs(env);
    const golu_blend bad_blend = {1.0, NAN};
    const golu_params bad_params = {1.0, -1.0, 1.0};
    for (int bw = 0; bw < 2; bw++) {
        call c = valid_call(env, &B, bw);
        expect_ok(env, &c, "valid call");
        c.ctx = NULL;
        expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "ctx NULL");
        c = valid_call(env, &B, bw), c.queue = NULL;
        expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "queue NULL");
        c = valid_call(env, &B, bw), c.x = NULL;
        expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "x NULL");
        c = valid_call(env, &B, bw), c.b = NULL;
        expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "b NULL");
        c = valid_call(env, &B, bw), c.b = NULL, c.rows = 0;
        expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "b NULL, rows 0");
        if (bw) {
            c = valid_call(env, &B, bw), c.dy = NULL;
            expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "dy NULL");
            c = valid_call(env, &B, bw), c.db = NULL;
            expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "db NULL");
        } else {
            c = valid_call(env, &B, bw), c.out = NULL;
            expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "y NULL");
        }
        c = valid_call(env, &B, bw), c.dtype = (golu_dtype)5;
        expect_error(env, &B, &c, GOLU_ERROR_INVALID_DTYPE, "invalid dtype");
        c = valid_call(env, &B, bw), c.blend = &bad_blend;
        expect_error(env, &B, &c, GOLU_ERROR_INVALID_PARAMETER, "blend.t NaN");
        assert_non_null(strstr(golu_context_detail(env->ctx), "blend.t"));
        c = valid_call(env, &B, bw), c.params = &bad_params;
        expect_error(env, &B, &c, GOLU_ERROR_INVALID_PARAMETER, "beta < 0");
        c = valid_call(env, &B, bw), c.num_events = 1;
        expect_error(env, &B, &c, GOLU_ERROR_INVALID_WAIT_LIST, "wait list NULL");

        /* rows * cols beyond 64 bits; then within 64 bits but beyond the buffers */
        c = valid_call(env, &B, bw), c.rows = UINT64_C(1) << 33, c.cols = UINT64_C(1) << 31;
        expect_error(env, &B, &c, GOLU_ERROR_SIZE_OVERFLOW, "rows * cols overflows");
        assert_non_null(strstr(golu_context_detail(env->ctx), "rows"));
        c = valid_call(env, &B, bw), c.rows = UINT64_MAX, c.cols = 1;
        expect_error(env, &B, &c, GOLU_ERROR_SIZE_OVERFLOW, "(offset + n) * 4 overflows");
        c = valid_call(env, &B, bw), c.rows = 1000;
        expect_error(env, &B, &c, GOLU_ERROR_BUFFER_TOO_SMALL, "tensor too small");

        /* b holds cols elements from b_off: 128 floats fit in BUF */
        c = valid_call(env, &B, bw), c.cols = 126, c.rows = 1, c.b_off = 3;
        expect_error(env, &B, &c, GOLU_ERROR_BUFFER_TOO_SMALL, "b too small");
        assert_non_null(strstr(golu_context_detail(env->ctx), "b:"));
        c.b_off = 2, c.x_off = 0, c.dy_off = 0, c.out_off = 0, c.db_off = 0;
        expect_ok(env, &c, "b exactly fits");
        if (bw) {
            c = valid_call(env, &B, bw), c.cols = 126, c.rows = 1, c.x_off = 0, c.dy_off = 0,
            c.out_off = 0, c.b_off = 0, c.db_off = 3;
            expect_error(env, &B, &c, GOLU_ERROR_BUFFER_TOO_SMALL, "db too small");
            assert_non_null(strstr(golu_context_detail(env->ctx), "db:"));
        }

        /* overlaps: b with the output (even exactly at its start), partial in-place */
        c = valid_call(env, &B, bw), c.b = c.out, c.b_off = c.out_off;
        expect_error(env, &B, &c, GOLU_ERROR_OVERLAP, "b exactly at the output");
        c = valid_call(env, &B, bw), c.b = c.out, c.b_off = c.out_off + 20;
        expect_error(env, &B, &c, GOLU_ERROR_OVERLAP, "b inside the output");
        c = valid_call(env, &B, bw), c.b = c.out, c.b_off = c.out_off + 24;
        expect_ok(env, &c, "b right after the output");
        c = valid_call(env, &B, bw), c.out = c.x, c.out_off = c.x_off + 1;
        expect_error(env, &B, &c, GOLU_ERROR_OVERLAP, "output partly over x");
        c = valid_call(env, &B, bw), c.out = c.x, c.out_off = c.x_off;
        expect_ok(env, &c, "output exactly x");
        c = valid_call(env, &B, bw), c.b = c.x, c.b_off = c.x_off;
        expect_ok(env, &c, "b over x (both inputs)");
    }
    /* backward only: db may overlap nothing, not even exactly */
    {
        call c = valid_call(env, &B, 1);
        const struct {
            int which;
            const char *what;
        } targets[] = {{0, "db over dy"}, {1, "db over x"}, {2, "db over b"}, {3, "db over dx"}};
        for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++) {
            c = valid_call(env, &B, 1);
            cl_mem *mem = targets[k].which == 0   ? &c.dy
                          : targets[k].which == 1 ? &c.x
                          : targets[k].which == 2 ? &c.b
                                                  : &c.out;
            uint64_t *off = targets[k].which == 0   ? &c.dy_off
                            : targets[k].which == 1 ? &c.x_off
                            : targets[k].which == 2 ? &c.b_off
                                                    : &c.out_off;
            c.db = *mem;
            c.db_off = *off;
            expect_error(env, &B, &c, GOLU_ERROR_OVERLAP, targets[k].what);
            c.db_off = *off + 3;
            expect_error(env, &B, &c, GOLU_ERROR_OVERLAP, targets[k].what);
        }
        c = valid_call(env, &B, 1), c.out = NULL, c.db = c.x, c.db_off = c.x_off + 24;
        expect_ok(env, &c, "db after x, dx NULL");
        c = valid_call(env, &B, 1), c.out = NULL, c.db = c.x, c.db_off = c.x_off + 23;
        expect_error(env, &B, &c, GOLU_ERROR_OVERLAP, "db over x, dx NULL");
        c = valid_call(env, &B, 1), c.out = c.dy, c.out_off = c.dy_off;
        expect_ok(env, &c, "dx exactly dy");
        c = valid_call(env, &B, 1), c.out = B.shared, c.db = B.shared, c.out_off = 0,
        c.db_off = 24;
        expect_ok(env, &c, "dx and db side by side");
    }
    free_bufs(&B);
}

/* The 16-bit backward check where the gradient's two terms cancel (x + b = -W(1) ~ -0.5671433
 * for the default parameters, which a float x + b can come within 2^-17 of): there the result is
 * what float's roundings of the terms leave, and an H200 gave 1.7 bf16 ulp of it. The check
 * accepts that, rejects 4 times its allowance, in the left tail (x = -3, where the gradient is
 * about 2^-23 * |dy|) still rejects a 0 or a doubled value, and far right 4 ulps; the forward
 * keeps its 1-ulp bound. */
static void test_check_near_gradient_zero(void **state)
{
    (void)state;
    const golu_ref_format f = GOLU_REF_BF16;
    const double x = -0.567138671875, dy = 0.171875;
    const double ref = (double)(dy * golu_ref_derivative(x, 1.0, 1.0, 1.0));
    assert_true(fabs(ref) < 1e-5 * dy);
    /* the allowance at x: 2^-22 * |dy| * (g * (1 + z*|u|) + |u*z*g| * (1 + |u|) * (1 + z)) */
    const double u = -x, z = exp(u), g = exp(-z);
    const double slack = 0x1p-22 * dy * (g * (1.0 + z * u) + u * z * g * (1.0 + u) * (1.0 + z));
    /* 2.5 bf16 ulps off (the H200's was 1.7): beyond the 1-ulp rule, within the allowance */
    const double ulp16 = ldexp(1.0, ilogb(ref) - 7);
    golu_check_result r =
        golu_check_blend(f, 1, x, dy, NAN, ref + 2.5 * ulp16, 1.0, 0.0, 1.0, 1.0, 1.0);
    assert_true(r.ok);
    assert_true(2.5 * ulp16 < 0.5 * slack);
    r = golu_check_blend(f, 1, x, dy, NAN, ref + 0.5 * slack, 1.0, 0.0, 1.0, 1.0, 1.0);
    assert_true(r.ok);
    r = golu_check_blend(f, 1, x, dy, NAN, ref + 4.0 * slack, 1.0, 0.0, 1.0, 1.0, 1.0);
    assert_false(r.ok);
    const double tail = (double)(dy * golu_ref_derivative(-3.0, 1.0, 1.0, 1.0));
    assert_true(fabs(tail) < 0x1p-22 * dy);
    assert_false(golu_check_blend(f, 1, -3.0, dy, NAN, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0).ok);
    assert_false(golu_check_blend(f, 1, -3.0, dy, NAN, 2.0 * tail, 1.0, 0.0, 1.0, 1.0, 1.0).ok);
    assert_true(golu_check_blend(f, 1, -3.0, dy, NAN, tail, 1.0, 0.0, 1.0, 1.0, 1.0).ok);
    /* far right (x = 2^22, gradient ~ dy = 1): 4 bf16 ulps off fails (u's rounding no longer
     * counts there, z being 0) */
    const double right = (double)golu_ref_derivative(0x1p22, 1.0, 1.0, 1.0);
    assert_false(
        golu_check_blend(f, 1, 0x1p22, 1.0, NAN, right + 4 * 0x1p-7, 1.0, 0.0, 1.0, 1.0, 1.0).ok);
    const double y = (double)golu_ref_forward(1.5, 1.0, 1.0, 1.0);
    const double bf16_ulp = 0x1p-7; /* of y ~ 1.2 */
    assert_true(golu_check_blend(f, 0, 1.5, 0.0, NAN, y + bf16_ulp, 1.0, 0.0, 1.0, 1.0, 1.0).ok);
    assert_false(
        golu_check_blend(f, 0, 1.5, 0.0, NAN, y + 2.0 * bf16_ulp, 1.0, 0.0, 1.0, 1.0, 1.0).ok);
    r = golu_check_blend(f, 0, 1.5, 0.0, NAN, y + 3.0 * bf16_ulp, 1.0, 0.0, 1.0, 1.0, 1.0);
    assert_false(r.ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_argument_errors), cmocka_unit_test(test_empty_shapes),
        cmocka_unit_test(test_deterministic),   cmocka_unit_test(test_bias_f32),
        cmocka_unit_test(test_bias_f16),        cmocka_unit_test(test_bias_bf16),
        cmocka_unit_test(test_bias_f64),        cmocka_unit_test(test_check_near_gradient_zero),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
