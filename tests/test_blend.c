/*
 * test_blend: golu_enqueue_forward_blend() and golu_enqueue_backward_blend(). Every dtype the
 * device runs; outputs s * value + t * old checked element by element against the long-double
 * reference (golu_check_blend); t == 0 on outputs full of NaN (never read); t == 1 accumulation;
 * s = 2, t = -0.5; odd sizes, unaligned offsets and in-place forms; NULL and {1, 0} give exactly
 * the plain kernels' bits; invalid s and t are refused with nothing enqueued.
 */
#include "test_support.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAIL 13 /* elements after every array, to catch writes past its end */

enum { SEPARATE, OUT_IS_X, OUT_IS_DY };

typedef struct {
    size_t dy_off, x_off, out_off;
    int mode;
} layout;

/* 16 and 32 are multiples of every vector width; 1, 3, 5 of none. */
static const layout forward_layouts[] = {
    {0, 0, 0, SEPARATE}, {0, 16, 32, SEPARATE}, {0, 1, 3, SEPARATE}, {0, 5, 5, OUT_IS_X}};
static const layout backward_layouts[] = {{0, 0, 0, SEPARATE},   {16, 32, 48, SEPARATE},
                                          {3, 1, 5, SEPARATE},   {7, 2, 7, OUT_IS_DY},
                                          {0, 16, 16, OUT_IS_X}};

/* t == 0 cases run on an output full of NaN: blending must not read it. */
typedef struct {
    double s, t;
    int nan_old;
} blend_case;

static const blend_case blends[] = {
    {1.0, 0.0, 1},   /* the plain kernels */
    {2.0, 0.0, 1},   /* scaled, still never reading the output */
    {1.0, 1.0, 0},   /* gradient accumulation */
    {2.0, -0.5, 0},  /* both scales, with cancellation */
    {-0.3, 0.7, 0},  /* scales that round in float */
};

static golu_ref_format fmt(golu_dtype dt)
{
    return (golu_ref_format)dt; /* the same values, by golu_reference.h's promise */
}

/* A buffer holding the sentinel pattern, with `count` elements of `data` at element `off` (or,
 * with data NULL and nan set, NaN patterns there). */
static cl_mem make_buffer(ts_env *env, golu_dtype dt, size_t off, size_t count, const void *data,
                          int nan, unsigned char **image_out, size_t *bytes_out)
{
    const size_t es = golu_dtype_size(dt);
    const size_t bytes = (off + count + TAIL) * es;
    unsigned char *image = malloc(bytes);
    assert_non_null(image);
    ts_fill_sentinel(image, bytes);
    if (data)
        memcpy(image + off * es, data, count * es);
    else if (nan)
        memset(image + off * es, 0xFF, count * es); /* NaN in every dtype */
    cl_mem m = ts_buffer(env, bytes);
    ts_write(env, m, 0, bytes, image);
    *image_out = image;
    *bytes_out = bytes;
    return m;
}

/* Reads the buffer and fails when a byte outside [begin, end) differs from the image. */
static void expect_only_range_written(ts_env *env, cl_mem m, const unsigned char *image,
                                      size_t bytes, size_t begin, size_t end, unsigned char *back,
                                      const char *what)
{
    ts_read(env, m, 0, bytes, back);
    size_t changed = 0;
    for (size_t k = 0; k < bytes; k++)
        if ((k < begin || k >= end) && back[k] != image[k])
            changed++;
    if (changed)
        fail_msg("%s: %zu bytes changed outside the output range", what, changed);
}

static void run_case(ts_env *env, golu_dtype dt, int backward, size_t n, const layout *L,
                     const blend_case *bc, ts_stats *st)
{
    const size_t es = golu_dtype_size(dt);
    void *x = ts_alloc(dt, n), *dy = ts_alloc(dt, n), *old = ts_alloc(dt, n);
    void *got = ts_alloc(dt, n);
    ts_fill_uniform(dt, x, n, -12.0, 12.0, 0xb1e4dull + n + L->x_off);
    ts_fill_uniform(dt, dy, n, -3.0, 3.0, 0xd7ull + n * 3 + L->dy_off);
    ts_fill_uniform(dt, old, n, -4.0, 4.0, 0x01dull + n * 5);

    unsigned char *ix = NULL, *idy = NULL, *iout = NULL;
    size_t bx_bytes = 0, bdy_bytes = 0, bout_bytes = 0;
    cl_mem bx = NULL, bdy = NULL, bout = NULL;
    const void *old_values = old; /* what the output held before the call */
    if (L->mode == OUT_IS_X) {
        bx = make_buffer(env, dt, L->x_off, n, x, 0, &ix, &bx_bytes);
        bout = bx, iout = ix, bout_bytes = bx_bytes;
        old_values = x;
    } else {
        bx = make_buffer(env, dt, L->x_off, n, x, 0, &ix, &bx_bytes);
    }
    if (backward) {
        bdy = make_buffer(env, dt, L->dy_off, n, dy, 0, &idy, &bdy_bytes);
        if (L->mode == OUT_IS_DY) {
            bout = bdy, iout = idy, bout_bytes = bdy_bytes;
            old_values = dy;
        }
    }
    if (L->mode == SEPARATE)
        bout = make_buffer(env, dt, L->out_off, n, bc->nan_old ? NULL : old, bc->nan_old, &iout,
                           &bout_bytes);
    const int nan_old = L->mode == SEPARATE && bc->nan_old;

    char what[200];
    snprintf(what, sizeof what, "%s %s n=%zu offsets dy %zu x %zu out %zu%s, s=%g t=%g%s",
             golu_dtype_name(dt), backward ? "backward" : "forward", n, L->dy_off, L->x_off,
             L->out_off, L->mode == OUT_IS_X ? " out==x" : L->mode == OUT_IS_DY ? " out==dy" : "",
             bc->s, bc->t, nan_old ? " (output NaN before)" : "");
    golu_blend blend = {bc->s, bc->t};
    cl_event ev = NULL;
    golu_status s =
        backward ? golu_enqueue_backward_blend(env->ctx, env->queue, dt, n, bdy, L->dy_off, bx,
                                               L->x_off, bout, L->out_off, NULL, &blend, 0, NULL,
                                               &ev)
                 : golu_enqueue_forward_blend(env->ctx, env->queue, dt, n, bx, L->x_off, bout,
                                              L->out_off, NULL, &blend, 0, NULL, &ev);
    if (s != GOLU_OK)
        print_message("%s\n", what);
    ts_assert_status(env->ctx, s, GOLU_OK);
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    ts_cl_check(clReleaseEvent(ev));

    size_t max_bytes = bx_bytes > bdy_bytes ? bx_bytes : bdy_bytes;
    if (bout_bytes > max_bytes)
        max_bytes = bout_bytes;
    unsigned char *back = malloc(max_bytes);
    assert_non_null(back);
    expect_only_range_written(env, bout, iout, bout_bytes, L->out_off * es, (L->out_off + n) * es,
                              back, what);
    memcpy(got, back + L->out_off * es, n * es);
    if (bout != bx)
        expect_only_range_written(env, bx, ix, bx_bytes, 0, 0, back, what); /* read-only */
    if (backward && bout != bdy)
        expect_only_range_written(env, bdy, idy, bdy_bytes, 0, 0, back, what);

    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        double xv = ts_get(dt, x, i), dyv = backward ? ts_get(dt, dy, i) : 0.0;
        double ov = nan_old ? (double)NAN : ts_get(dt, old_values, i);
        double gv = ts_get(dt, got, i);
        golu_check_result r =
            golu_check_blend(fmt(dt), backward, xv, dyv, ov, gv, bc->s, bc->t, 1.0, 1.0, 1.0);
        st->checked++;
        if (r.ulps > st->max_ulps) {
            st->max_ulps = r.ulps;
            st->max_ulps_x = xv;
        }
        if (!r.ok && ++bad <= 5)
            print_message("%s [%zu]: x=%.9g dy=%.9g old=%.9g got=%.9g ref=%.17g (%.3g ulp)\n",
                          what, i, xv, dyv, ov, gv, r.ref, r.ulps);
    }
    if (bad)
        fail_msg("%s: %zu of %zu elements outside the bound", what, bad, n);

    free(back);
    clReleaseMemObject(bx);
    free(ix);
    if (bdy) {
        clReleaseMemObject(bdy);
        free(idy);
    }
    if (L->mode == SEPARATE) {
        clReleaseMemObject(bout);
        free(iout);
    }
    free(x);
    free(dy);
    free(old);
    free(got);
}

static void run_dtype(ts_env *env, golu_dtype dt)
{
    ts_require_dtype(env, dt);
    const size_t sizes[] = {1, 3, 17, 93, 1000, ts_size(100003, 4099)};
    const size_t num_sizes = sizeof sizes / sizeof sizes[0];
    ts_stats st[2] = {{0, 0, 0.0, 0.0}, {0, 0, 0.0, 0.0}};
    for (int bw = 0; bw < 2; bw++) {
        const layout *layouts = bw ? backward_layouts : forward_layouts;
        size_t num_layouts = bw ? sizeof backward_layouts / sizeof backward_layouts[0]
                                : sizeof forward_layouts / sizeof forward_layouts[0];
        for (size_t si = 0; si < num_sizes; si++)
            for (size_t li = 0; li < num_layouts; li++)
                for (size_t b = 0; b < sizeof blends / sizeof blends[0]; b++) {
                    /* the largest size: each blend once, on the first two layouts */
                    if (si == num_sizes - 1 && li > 1)
                        continue;
                    run_case(env, dt, bw, sizes[si], &layouts[li], &blends[b], &st[bw]);
                }
    }
    print_message("%s: forward %zu elements, max %.3g ulp; backward %zu, max %.3g ulp\n",
                  golu_dtype_name(dt), st[0].checked, st[0].max_ulps, st[1].checked,
                  st[1].max_ulps);
    assert_true(st[0].checked > sizes[num_sizes - 1]);
    assert_true(st[1].checked > sizes[num_sizes - 1]);
}

static void test_blend_f32(void **state) { run_dtype(*state, GOLU_F32); }
static void test_blend_f16(void **state) { run_dtype(*state, GOLU_F16); }
static void test_blend_bf16(void **state) { run_dtype(*state, GOLU_BF16); }
static void test_blend_f64(void **state) { run_dtype(*state, GOLU_F64); }

/* NULL and {1, 0} are the plain calls, bit for bit, even on an output full of NaN; {1, -0.0} too
 * (t == 0); t = 1 twice accumulates two gradients onto zeros exactly as s * g + g. */
static void test_plain_and_accumulate(void **state)
{
    ts_env *env = *state;
    const size_t n = 1003;
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        const size_t es = golu_dtype_size(dt), bytes = n * es;
        void *x = ts_alloc(dt, n), *dy = ts_alloc(dt, n), *want = ts_alloc(dt, n);
        void *got = ts_alloc(dt, n);
        ts_fill_uniform(dt, x, n, -10.0, 10.0, 77 + d);
        ts_fill_uniform(dt, dy, n, -2.0, 2.0, 78 + d);
        cl_mem bx = ts_buffer(env, bytes), bdy = ts_buffer(env, bytes), bout = ts_buffer(env, bytes);
        ts_write(env, bx, 0, bytes, x);
        ts_write(env, bdy, 0, bytes, dy);
        static const unsigned char nan_byte = 0xFF;
        const golu_blend plain = GOLU_BLEND_DEFAULT_INIT, minus_zero = {1.0, -0.0};
        const golu_blend *forms[3] = {NULL, &plain, &minus_zero};
        for (int bw = 0; bw < 2; bw++) {
            if (bw)
                ts_assert_status(env->ctx, ts_backward(env, dt, n, dy, x, want, NULL), GOLU_OK);
            else
                ts_assert_status(env->ctx, ts_forward(env, dt, n, x, want, NULL), GOLU_OK);
            for (int f = 0; f < 3; f++) {
                ts_cl_check(clEnqueueFillBuffer(env->queue, bout, &nan_byte, 1, 0, bytes, 0, NULL,
                                                NULL));
                golu_status s = bw ? golu_enqueue_backward_blend(env->ctx, env->queue, dt, n, bdy,
                                                                 0, bx, 0, bout, 0, NULL, forms[f],
                                                                 0, NULL, NULL)
                                   : golu_enqueue_forward_blend(env->ctx, env->queue, dt, n, bx, 0,
                                                                bout, 0, NULL, forms[f], 0, NULL,
                                                                NULL);
                ts_assert_status(env->ctx, s, GOLU_OK);
                ts_read(env, bout, 0, bytes, got);
                if (memcmp(got, want, bytes) != 0)
                    fail_msg("%s %s blend form %d differs from the plain call",
                             golu_dtype_name(dt), bw ? "backward" : "forward", f);
            }
        }
        /* accumulation: dx = 0, then dx = 1 * g + 1 * dx twice: 2g up to the blend's roundings */
        const golu_blend acc = {1.0, 1.0};
        /* zeros written, not filled: Oclgrind 21.10 (CI) takes filled memory as uninitialised */
        void *zeros = ts_alloc(dt, n);
        ts_write(env, bout, 0, bytes, zeros);
        free(zeros);
        for (int k = 0; k < 2; k++)
            ts_assert_status(env->ctx,
                             golu_enqueue_backward_blend(env->ctx, env->queue, dt, n, bdy, 0, bx,
                                                         0, bout, 0, NULL, &acc, 0, NULL, NULL),
                             GOLU_OK);
        ts_read(env, bout, 0, bytes, got);
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) {
            /* the first call made g (checked above: = want); the second g + want */
            golu_check_result r = golu_check_blend(fmt(dt), 1, ts_get(dt, x, i), ts_get(dt, dy, i),
                                                   ts_get(dt, want, i), ts_get(dt, got, i), 1.0,
                                                   1.0, 1.0, 1.0, 1.0);
            bad += !r.ok;
        }
        if (bad)
            fail_msg("%s accumulation: %zu of %zu elements wrong", golu_dtype_name(dt), bad, n);
        clReleaseMemObject(bx);
        clReleaseMemObject(bdy);
        clReleaseMemObject(bout);
        free(x);
        free(dy);
        free(want);
        free(got);
    }
}

/* Invalid s or t: GOLU_ERROR_INVALID_PARAMETER naming blend.s or blend.t, the event untouched,
 * the output unchanged; the same values are fine where they are valid (f64 beyond FLT_MAX). */
static void test_invalid_blend(void **state)
{
    ts_env *env = *state;
    const size_t n = 32;
    cl_mem x = ts_sentinel_buffer(env, n * 8), y = ts_sentinel_buffer(env, n * 8);
    unsigned char before[32 * 8], after[32 * 8];
    ts_read(env, y, 0, sizeof before, before);
    const struct {
        golu_blend b;
        const char *name;
        int only_float; /* invalid for f32/f16/bf16 only */
    } bad[] = {
        {{NAN, 0.0}, "blend.s", 0},       {{INFINITY, 0.0}, "blend.s", 0},
        {{-INFINITY, 1.0}, "blend.s", 0}, {{1.0, NAN}, "blend.t", 0},
        {{1.0, INFINITY}, "blend.t", 0},  {{1e39, 0.0}, "blend.s", 1},
        {{0.5, -1e39}, "blend.t", 1},     {{DBL_MAX, 0.0}, "blend.s", 1},
    };
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            for (int bw = 0; bw < 2; bw++) {
                cl_event ev = (cl_event)(uintptr_t)0x5e17e1;
                golu_status s =
                    bw ? golu_enqueue_backward_blend(env->ctx, env->queue, dt, n, x, 0, x, 0, y, 0,
                                                     NULL, &bad[i].b, 0, NULL, &ev)
                       : golu_enqueue_forward_blend(env->ctx, env->queue, dt, n, x, 0, y, 0, NULL,
                                                    &bad[i].b, 0, NULL, &ev);
                if (dt == GOLU_F64 && bad[i].only_float) {
                    ts_assert_status(env->ctx, s, GOLU_OK); /* valid for f64 */
                    ts_cl_check(clWaitForEvents(1, &ev));
                    ts_cl_check(clReleaseEvent(ev));
                    ts_write(env, y, 0, sizeof before, before);
                    continue;
                }
                ts_assert_status(env->ctx, s, GOLU_ERROR_INVALID_PARAMETER);
                assert_true(ev == (cl_event)(uintptr_t)0x5e17e1);
                const char *detail = golu_context_detail(env->ctx);
                if (!strstr(detail, bad[i].name))
                    fail_msg("detail \"%s\" does not name %s", detail, bad[i].name);
            }
        }
    }
    ts_cl_check(clFinish(env->queue));
    ts_read(env, y, 0, sizeof after, after);
    assert_memory_equal(before, after, sizeof before);
    /* the largest valid float scale */
    const golu_blend edge = {FLT_MAX, -FLT_MAX};
    ts_assert_status(env->ctx, golu_enqueue_forward_blend(env->ctx, env->queue, GOLU_F32, n, x, 0,
                                                          y, 0, NULL, &edge, 0, NULL, NULL),
                     GOLU_OK);
    ts_cl_check(clFinish(env->queue));
    clReleaseMemObject(x);
    clReleaseMemObject(y);
}

/* The blending calls share the plain calls' argument checks: a few of them, and n == 0. */
static void test_blend_arguments(void **state)
{
    ts_env *env = *state;
    cl_mem a = ts_sentinel_buffer(env, 256), b = ts_sentinel_buffer(env, 256);
    const golu_blend blend = {2.0, 0.5};
    cl_event ev = (cl_event)(uintptr_t)0x5e17e1;
    assert_int_equal(golu_enqueue_forward_blend(NULL, env->queue, GOLU_F32, 8, a, 0, b, 0, NULL,
                                                &blend, 0, NULL, &ev),
                     GOLU_ERROR_NULL_ARGUMENT);
    ts_assert_status(env->ctx, golu_enqueue_forward_blend(env->ctx, env->queue, GOLU_F32, 8, NULL,
                                                          0, b, 0, NULL, &blend, 0, NULL, &ev),
                     GOLU_ERROR_NULL_ARGUMENT);
    assert_non_null(strstr(golu_context_detail(env->ctx), "golu_enqueue_forward_blend"));
    ts_assert_status(env->ctx, golu_enqueue_backward_blend(env->ctx, env->queue, GOLU_F32, 8, a, 0,
                                                           a, 0, NULL, 0, NULL, &blend, 0, NULL,
                                                           &ev),
                     GOLU_ERROR_NULL_ARGUMENT);
    ts_assert_status(env->ctx, golu_enqueue_forward_blend(env->ctx, env->queue, GOLU_F32, 8, a, 0,
                                                          a, 2, NULL, &blend, 0, NULL, &ev),
                     GOLU_ERROR_OVERLAP);
    ts_assert_status(env->ctx, golu_enqueue_backward_blend(env->ctx, env->queue, GOLU_F32, 60, a,
                                                           0, a, 0, b, 10, NULL, &blend, 0, NULL,
                                                           &ev),
                     GOLU_ERROR_BUFFER_TOO_SMALL);
    ts_assert_status(env->ctx, golu_enqueue_forward_blend(env->ctx, env->queue, (golu_dtype)9, 8,
                                                          a, 0, b, 0, NULL, &blend, 0, NULL, &ev),
                     GOLU_ERROR_INVALID_DTYPE);
    const golu_params bad_params = {1.0, -1.0, 1.0};
    ts_assert_status(env->ctx, golu_enqueue_backward_blend(env->ctx, env->queue, GOLU_F32, 8, a, 0,
                                                           a, 0, b, 0, &bad_params, &blend, 0,
                                                           NULL, &ev),
                     GOLU_ERROR_INVALID_PARAMETER);
    assert_true(ev == (cl_event)(uintptr_t)0x5e17e1);
    /* n == 0: a marker event, nothing written */
    ev = NULL;
    ts_assert_status(env->ctx, golu_enqueue_backward_blend(env->ctx, env->queue, GOLU_F16, 0, a, 0,
                                                           a, 0, b, 0, NULL, &blend, 0, NULL, &ev),
                     GOLU_OK);
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    ts_cl_check(clReleaseEvent(ev));
    unsigned char back[256];
    ts_read(env, b, 0, sizeof back, back);
    assert_int_equal(ts_count_sentinel_changes(back, 0, sizeof back), 0);
    clReleaseMemObject(a);
    clReleaseMemObject(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blend_arguments), cmocka_unit_test(test_invalid_blend),
        cmocka_unit_test(test_plain_and_accumulate), cmocka_unit_test(test_blend_f32),
        cmocka_unit_test(test_blend_f16),       cmocka_unit_test(test_blend_bf16),
        cmocka_unit_test(test_blend_f64),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
