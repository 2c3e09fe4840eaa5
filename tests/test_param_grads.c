/*
 * test_param_grads: golu_enqueue_backward_params(), the backward with the gradients of alpha, beta
 * and gamma. Each of the three sums is compared with the long-double reference sum of
 * dy * dGoLU/dparam (tools/common: golu_ref_param_derivatives), within TOL * sum_i |term_i|
 * (random dy of both signs) and within TOL * |sum| (dy > 0); dx is checked element by element as
 * the backward's, and bit for bit against golu_enqueue_backward / golu_enqueue_backward_blend.
 * Also: small and odd n, offsets, dx NULL, blending on dx and dparams, t = 0 over NaN, n = 0,
 * determinism, other parameters, special values, events, and every argument error.
 *
 * Tolerances (TOL): f32, f16, bf16 (all summed in float): 1e-5; f64 (in double): 1e-12.
 */
#include "test_param_sums.h"
#include "test_support.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG_N ts_size(1000000, 20000)
#define ODD_N ts_size(1000003, 20011)

static const char *const param_names[3] = {"alpha", "beta", "gamma"};

/* Each got[k] within tol * scale_k of the reference, where scale is sum |term| (relative_to_sum
 * 0) or |sum| (1). Prints the error in units of the scale; returns the number of misses. */
static int check_sums(golu_dtype dt, const double got[3], const tps_sums *r, int relative_to_sum,
                      double tol, const char *what)
{
    int misses = 0;
    for (int k = 0; k < 3; k++) {
        long double scale = relative_to_sum ? fabsl(r->sum[k]) : r->abs[k];
        long double err = fabsl((long double)got[k] - r->sum[k]);
        double ratio = scale > 0 ? (double)(err / scale) : (err > 0 ? INFINITY : 0.0);
        int ok;
        if (isnan(r->sum[k]) || isinf(r->sum[k])) /* the same NaN or infinity */
            ok = isnan(r->sum[k]) ? isnan(got[k]) : (long double)got[k] == r->sum[k];
        else
            ok = isfinite(got[k]) && (err <= tol * scale);
        print_message("%s %s d%s: got %.17g ref %.17Lg sum|t| %.6Lg err/%s %.3g%s\n", what,
                      golu_dtype_name(dt), param_names[k], got[k], r->sum[k], r->abs[k],
                      relative_to_sum ? "|sum|" : "sum|t|", ratio, ok ? "" : "  <-- MISS");
        misses += !ok && tps_judges(dt);
    }
    return misses;
}

/* ---- one call through buffers made for it --------------------------------------------------- */

typedef struct {
    size_t dy_off, x_off, dx_off, dp_off; /* elements (dp_off: of the accumulation type) */
    int with_dx;
} layout;

static const layout plain_layout = {0, 0, 0, 0, 1};

/* Runs the call on buffers holding dy and x (and dx_io's previous contents when with_dx) at the
 * layout's offsets, and dparams_io[0..2] at dp_off. On GOLU_OK dx_io and dparams_io hold the
 * results, and every byte outside them still holds what was written there. */
static golu_status run_params(ts_env *env, golu_dtype dt, size_t n, const void *dy, const void *x,
                              void *dx_io, double dparams_io[3], const layout *L,
                              const golu_params *params, const golu_blend *blend)
{
    const size_t es = golu_dtype_size(dt), as = tps_acc_size(dt), tail = 5;
    const size_t dy_bytes = (L->dy_off + n + tail) * es, x_bytes = (L->x_off + n + tail) * es;
    const size_t dx_bytes = (L->dx_off + n + tail) * es, dp_bytes = (L->dp_off + 3 + tail) * as;
    unsigned char *dy_img = malloc(dy_bytes), *x_img = malloc(x_bytes), *dx_img = malloc(dx_bytes);
    size_t most = dy_bytes > x_bytes ? dy_bytes : x_bytes;
    most = most > dx_bytes ? most : dx_bytes;
    most = most > dp_bytes ? most : dp_bytes;
    unsigned char *dp_img = malloc(dp_bytes), *back = malloc(most);
    assert_true(dy_img && x_img && dx_img && dp_img && back);
    ts_fill_sentinel(dy_img, dy_bytes);
    ts_fill_sentinel(x_img, x_bytes);
    ts_fill_sentinel(dx_img, dx_bytes);
    ts_fill_sentinel(dp_img, dp_bytes);
    memcpy(dy_img + L->dy_off * es, dy, n * es);
    memcpy(x_img + L->x_off * es, x, n * es);
    if (L->with_dx)
        memcpy(dx_img + L->dx_off * es, dx_io, n * es);
    for (int k = 0; k < 3; k++) {
        if (dt == GOLU_F64)
            memcpy(dp_img + (L->dp_off + k) * as, &dparams_io[k], as);
        else {
            float f = (float)dparams_io[k];
            memcpy(dp_img + (L->dp_off + k) * as, &f, as);
        }
    }
    cl_mem mdy = ts_buffer(env, dy_bytes), mx = ts_buffer(env, x_bytes);
    cl_mem mdx = L->with_dx ? ts_buffer(env, dx_bytes) : NULL, mdp = ts_buffer(env, dp_bytes);
    ts_write(env, mdy, 0, dy_bytes, dy_img);
    ts_write(env, mx, 0, x_bytes, x_img);
    if (mdx)
        ts_write(env, mdx, 0, dx_bytes, dx_img);
    ts_write(env, mdp, 0, dp_bytes, dp_img);

    cl_event ev = NULL;
    golu_status s = golu_enqueue_backward_params(env->ctx, env->queue, dt, n, mdy, L->dy_off, mx,
                                                 L->x_off, mdx, L->dx_off, mdp, L->dp_off, params,
                                                 blend, 0, NULL, &ev);
    if (s == GOLU_OK) {
        assert_non_null(ev);
        ts_cl_check(clWaitForEvents(1, &ev));
        cl_int exec = CL_QUEUED;
        ts_cl_check(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof exec, &exec, NULL));
        assert_int_equal(exec, CL_COMPLETE);
        ts_cl_check(clReleaseEvent(ev));
        /* dparams, and nothing else of its buffer */
        ts_read(env, mdp, 0, dp_bytes, back);
        for (int k = 0; k < 3; k++) {
            unsigned char *at = back + (L->dp_off + k) * as;
            if (dt == GOLU_F64) {
                memcpy(&dparams_io[k], at, as);
            } else {
                float f;
                memcpy(&f, at, as);
                dparams_io[k] = f;
            }
            memcpy(at, dp_img + (L->dp_off + k) * as, as);
        }
        assert_memory_equal(back, dp_img, dp_bytes);
        if (mdx) {
            ts_read(env, mdx, 0, dx_bytes, back);
            memcpy(dx_io, back + L->dx_off * es, n * es);
            memcpy(back + L->dx_off * es, dx_img + L->dx_off * es, n * es);
            assert_memory_equal(back, dx_img, dx_bytes);
        }
        ts_read(env, mdy, 0, dy_bytes, back);
        assert_memory_equal(back, dy_img, dy_bytes);
        ts_read(env, mx, 0, x_bytes, back);
        assert_memory_equal(back, x_img, x_bytes);
    } else {
        assert_null(ev);
    }
    clReleaseMemObject(mdy);
    clReleaseMemObject(mx);
    if (mdx)
        clReleaseMemObject(mdx);
    clReleaseMemObject(mdp);
    free(dy_img);
    free(x_img);
    free(dx_img);
    free(dp_img);
    free(back);
    return s;
}

/* dx of golu_enqueue_backward (blend NULL) or golu_enqueue_backward_blend on the same inputs,
 * dx starting as `old` (may be NULL for the plain backward). */
static void *backward_dx(ts_env *env, golu_dtype dt, size_t n, const void *dy, const void *x,
                         const void *old, const golu_params *params, const golu_blend *blend)
{
    const size_t bytes = n * golu_dtype_size(dt);
    void *out = ts_alloc(dt, n);
    cl_mem mdy = ts_buffer(env, bytes), mx = ts_buffer(env, bytes), mdx = ts_buffer(env, bytes);
    ts_write(env, mdy, 0, bytes, dy);
    ts_write(env, mx, 0, bytes, x);
    if (old)
        ts_write(env, mdx, 0, bytes, old);
    golu_status s = blend ? golu_enqueue_backward_blend(env->ctx, env->queue, dt, n, mdy, 0, mx, 0,
                                                        mdx, 0, params, blend, 0, NULL, NULL)
                          : golu_enqueue_backward(env->ctx, env->queue, dt, n, mdy, 0, mx, 0, mdx,
                                                  0, params, 0, NULL, NULL);
    ts_assert_status(env->ctx, s, GOLU_OK);
    ts_read(env, mdx, 0, bytes, out);
    clReleaseMemObject(mdy);
    clReleaseMemObject(mx);
    clReleaseMemObject(mdx);
    return out;
}

/* Random inputs: x uniform in [xlo, xhi], dy in [dylo, dyhi], from their own seeds. */
static void make_inputs(golu_dtype dt, size_t n, void **x, void **dy, double xlo, double xhi,
                        double dylo, double dyhi, uint64_t seed)
{
    *x = ts_alloc(dt, n);
    *dy = ts_alloc(dt, n);
    ts_fill_uniform(dt, *x, n, xlo, xhi, seed);
    ts_fill_uniform(dt, *dy, n, dylo, dyhi, seed ^ 0x9e3779b97f4a7c15ull);
}

/* One full check: sums against the reference (within tol of sum |term|, or of |sum| when
 * relative_to_sum), dx against the reference and bit for bit against golu_enqueue_backward. */
/* check_case(), also handing back the library's three sums in got[3]. */
static void check_case_sums(ts_env *env, golu_dtype dt, size_t n, const void *x, const void *dy,
                            const layout *L, const golu_params *params, int relative_to_sum,
                            const char *what, double got[3])
{
    void *dx = ts_alloc(dt, n);
    double dp[3] = {0, 0, 0};
    ts_assert_status(env->ctx, run_params(env, dt, n, dy, x, dx, dp, L, params, NULL), GOLU_OK);
    tps_sums r = tps_reference(dt, n, x, dy, params);
    char label[160];
    snprintf(label, sizeof label, "%s n=%zu offs %zu/%zu/%zu/%zu%s", what, n, L->dy_off, L->x_off,
             L->dx_off, L->dp_off, L->with_dx ? "" : " dx NULL");
    assert_int_equal(check_sums(dt, dp, &r, relative_to_sum, tps_tolerance(dt), label), 0);
    if (L->with_dx) {
        assert_int_equal(ts_check(dt, 1, n, x, dy, dx, params, NULL, label), 0);
        void *plain = backward_dx(env, dt, n, dy, x, NULL, params, NULL);
        assert_memory_equal(dx, plain, n * golu_dtype_size(dt));
        free(plain);
    }
    free(dx);
    for (int k = 0; k < 3; k++)
        got[k] = dp[k];
}

static void check_case(ts_env *env, golu_dtype dt, size_t n, const void *x, const void *dy,
                       const layout *L, const golu_params *params, int relative_to_sum,
                       const char *what)
{
    double got[3];
    check_case_sums(env, dt, n, x, dy, L, params, relative_to_sum, what, got);
}

/* ---- the tests ------------------------------------------------------------------------------- */

/* n = 10^6, x in [-8, 8], dy in [dylo, dyhi], every dtype the device runs. */
static void check_all_dtypes(ts_env *env, double dylo, double dyhi, uint64_t seed,
                             int relative_to_sum, const char *what)
{
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        void *x, *dy;
        make_inputs(dt, BIG_N, &x, &dy, -8.0, 8.0, dylo, dyhi, seed + (uint64_t)d);
        check_case(env, dt, BIG_N, x, dy, &plain_layout, NULL, relative_to_sum, what);
        free(x);
        free(dy);
    }
}

/* dy of both signs: within TOL * sum |term|. */
static void test_random_sums(void **state)
{
    check_all_dtypes(*state, -1.0, 1.0, 0x51, 0, "random dy");
}

/* dy > 0 everywhere: each sum within TOL of itself (no cancellation to hide behind). */
static void test_positive_dy(void **state)
{
    check_all_dtypes(*state, 0.01, 2.0, 0x77, 1, "dy > 0");
}

/* n = 1, 2, 7, 1000, 1000003 (odd) with offsets on every array, aligned and not, dx NULL. */
static void test_sizes_offsets(void **state)
{
    ts_env *env = *state;
    static const layout layouts[] = {
        {0, 0, 0, 0, 1}, {1, 3, 5, 2, 1}, {16, 32, 48, 1, 1}, {3, 0, 0, 5, 0}, {64, 64, 0, 0, 0},
    };
    const size_t sizes[] = {1, 2, 7, 1000, ODD_N};
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            void *x, *dy;
            make_inputs(dt, sizes[k], &x, &dy, -8.0, 8.0, -1.0, 1.0, 0x1000ull + sizes[k]);
            for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++) {
                if (sizes[k] == ODD_N && l % 2 == 1)
                    continue; /* the large size with a few layouts only */
                check_case(env, dt, sizes[k], x, dy, &layouts[l], NULL, 0, "sizes");
            }
            free(x);
            free(dy);
        }
    }
}

/* dx written in place over dy or x (same buffer and offset), sums as ever. */
static void test_in_place(void **state)
{
    ts_env *env = *state;
    const size_t n = 4099, off = 3;
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        const size_t es = golu_dtype_size(dt), bytes = (n + off) * es;
        void *x, *dy;
        make_inputs(dt, n, &x, &dy, -8.0, 8.0, -1.0, 1.0, 0x2000ull + (uint64_t)d);
        tps_sums r = tps_reference(dt, n, x, dy, NULL);
        for (int over_x = 0; over_x < 2; over_x++) {
            /* whole-buffer writes (sentinel bytes, then the array): Oclgrind 21.10 sizes a
             * buffer's shadow by the last host write (tests/sanitizers/oclgrind_stale_shadow.c) */
            cl_mem mdy = ts_buffer(env, bytes), mx = ts_buffer(env, bytes);
            cl_mem mdp = ts_buffer(env, 3 * tps_acc_size(dt));
            unsigned char *image = malloc(bytes);
            assert_non_null(image);
            ts_fill_sentinel(image, bytes);
            memcpy(image + off * es, dy, n * es);
            ts_write(env, mdy, 0, bytes, image);
            memcpy(image + off * es, x, n * es);
            ts_write(env, mx, 0, bytes, image);
            free(image);
            cl_mem target = over_x ? mx : mdy;
            ts_assert_status(env->ctx,
                             golu_enqueue_backward_params(env->ctx, env->queue, dt, n, mdy, off, mx,
                                                          off, target, off, mdp, 0, NULL, NULL, 0,
                                                          NULL, NULL),
                             GOLU_OK);
            ts_cl_check(clFinish(env->queue));
            void *dx = ts_alloc(dt, n);
            ts_read(env, target, off * es, n * es, dx);
            double got[3];
            if (dt == GOLU_F64) {
                ts_read(env, mdp, 0, sizeof got, got);
            } else {
                float f[3];
                ts_read(env, mdp, 0, sizeof f, f);
                for (int k = 0; k < 3; k++)
                    got[k] = f[k];
            }
            const char *what = over_x ? "dx == x" : "dx == dy";
            assert_int_equal(ts_check(dt, 1, n, x, dy, dx, NULL, NULL, what), 0);
            assert_int_equal(check_sums(dt, got, &r, 0, tps_tolerance(dt), what), 0);
            free(dx);
            clReleaseMemObject(mdy);
            clReleaseMemObject(mx);
            clReleaseMemObject(mdp);
        }
        free(x);
        free(dy);
    }
}

/* dparams[k] within TOL * |s| * sum |term| of s * sum + t * old, plus the blend's own roundings. */
static void check_blended_sums(golu_dtype dt, const double got[3], const tps_sums *r,
                               const double old[3], const golu_blend *b, const char *what)
{
    const double u = dt == GOLU_F64 ? 0x1p-53 : 0x1p-24;
    const double s = dt == GOLU_F64 ? b->s : (float)b->s, t = dt == GOLU_F64 ? b->t : (float)b->t;
    for (int k = 0; k < 3; k++) {
        long double sv = (long double)s * r->sum[k];
        long double told = t == 0.0 ? 0.0L : (long double)t * old[k];
        long double want = sv + told;
        long double bound = fabs(s) * tps_tolerance(dt) * r->abs[k] +
                            2.0L * u * (fabsl(sv) + fabsl(told) + fabsl(want));
        long double err = fabsl((long double)got[k] - want);
        print_message("%s %s blend {%g, %g} d%s: got %.17g want %.17Lg err %.3Lg bound %.3Lg\n",
                      what, golu_dtype_name(dt), s, t, param_names[k], got[k], want, err, bound);
        if (tps_judges(dt))
            assert_true(isfinite(got[k]) && err <= bound);
    }
}

/* Blending on dx and dparams alike: s * value + t * previous, the dx bit for bit as
 * golu_enqueue_backward_blend's; t = 0 never reads the previous contents (NaN there). */
static void test_blend(void **state)
{
    ts_env *env = *state;
    const size_t n = 10007;
    const golu_blend blends[] = {{0.5, 2.0}, {1.0, 1.0}, {-1.25, 0.75}, {2.0, 0.0}, {0.75, 0.0}};
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        void *x, *dy, *old = ts_alloc(dt, n), *dx = ts_alloc(dt, n);
        make_inputs(dt, n, &x, &dy, -8.0, 8.0, -1.0, 1.0, 0x3000ull + (uint64_t)d);
        tps_sums r = tps_reference(dt, n, x, dy, NULL);
        for (size_t b = 0; b < sizeof blends / sizeof blends[0]; b++) {
            const golu_blend *bl = &blends[b];
            const int nan_old = bl->t == 0.0;
            if (nan_old)
                memset(old, 0xff, n * golu_dtype_size(dt)); /* NaN in every dtype */
            else
                ts_fill_uniform(dt, old, n, -3.0, 3.0, 0x3100ull + b);
            double old_dp[3] = {1.5, -2.25, 3.0};
            if (nan_old)
                old_dp[0] = old_dp[1] = old_dp[2] = NAN;
            double dp[3] = {old_dp[0], old_dp[1], old_dp[2]};
            memcpy(dx, old, n * golu_dtype_size(dt));
            ts_assert_status(env->ctx,
                             run_params(env, dt, n, dy, x, dx, dp, &plain_layout, NULL, bl),
                             GOLU_OK);
            check_blended_sums(dt, dp, &r, old_dp, bl, "blend");
            size_t misses = 0;
            for (size_t i = 0; i < n; i++) {
                golu_check_result c = golu_check_blend((golu_ref_format)dt, 1, ts_get(dt, x, i),
                                                       ts_get(dt, dy, i), ts_get(dt, old, i),
                                                       ts_get(dt, dx, i), bl->s, bl->t, 1.0, 1.0,
                                                       1.0);
                if (!c.ok && tps_judges(dt) && misses++ < 5)
                    print_message("blend {%g, %g} %s [%zu]: x %.9g dy %.9g old %.9g got %.9g "
                                  "ref %.9g\n",
                                  bl->s, bl->t, golu_dtype_name(dt), i, ts_get(dt, x, i),
                                  ts_get(dt, dy, i), ts_get(dt, old, i), ts_get(dt, dx, i), c.ref);
            }
            assert_int_equal(misses, 0);
            void *want = backward_dx(env, dt, n, dy, x, old, NULL, bl);
            assert_memory_equal(dx, want, n * golu_dtype_size(dt));
            free(want);
        }
        free(x);
        free(dy);
        free(old);
        free(dx);
    }
}

/* n == 0: dparams = t * dparams, untouched (NaN included) for t == 1, never read for t == 0; a
 * requested event completes. */
static void test_n_zero(void **state)
{
    ts_env *env = *state;
    const golu_blend blends[] = {{1.0, 1.0}, {3.0, 0.5}, {3.0, 0.0}, {1.0, 0.0}};
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        for (size_t b = 0; b < sizeof blends / sizeof blends[0]; b++) {
            for (int with_nan = 0; with_nan < 2; with_nan++) {
                const golu_blend *bl = &blends[b];
                if (with_nan && bl->t != 0.0 && bl->t != 1.0)
                    continue;
                double old[3] = {with_nan ? NAN : -4.0, 6.5, -0.0};
                double dp[3] = {old[0], old[1], old[2]};
                layout L = {2, 1, 0, 4, b % 2};
                char unused = 0;
                ts_assert_status(env->ctx,
                                 run_params(env, dt, 0, &unused, &unused, &unused, dp, &L, NULL, bl),
                                 GOLU_OK);
                for (int k = 0; k < 3; k++) {
                    if (bl->t == 1.0) { /* bit for bit what was there */
                        if (isnan(old[k]))
                            assert_true(isnan(dp[k]));
                        else
                            assert_true(dp[k] == old[k] && signbit(dp[k]) == signbit(old[k]));
                    } else {
                        assert_true(dp[k] == (bl->t == 0.0 ? 0.0 : bl->t * old[k]));
                    }
                }
            }
        }
    }
}

/* Two runs, and a run on a second golu_context of the same device, are bit-identical. */
static void test_determinism(void **state)
{
    ts_env *env = *state;
    const size_t n = BIG_N;
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        void *x, *dy;
        make_inputs(dt, n, &x, &dy, -8.0, 8.0, -1.0, 1.0, 0x4000ull + (uint64_t)d);
        double dp[3][3];
        void *dx[3];
        golu_context *saved = env->ctx;
        for (int run = 0; run < 3; run++) {
            if (run == 2)
                ts_assert_status(NULL, golu_context_create(env->cl_ctx, 1, &env->device, &env->ctx),
                                 GOLU_OK);
            dx[run] = ts_alloc(dt, n);
            dp[run][0] = dp[run][1] = dp[run][2] = 0.0;
            ts_assert_status(env->ctx, run_params(env, dt, n, dy, x, dx[run], dp[run],
                                                  &plain_layout, NULL, NULL),
                             GOLU_OK);
            if (run == 2) {
                golu_context_destroy(env->ctx);
                env->ctx = saved;
            }
        }
        for (int run = 1; run < 3; run++) {
            print_message("%s run %d: %a %a %a\n", golu_dtype_name(dt), run, dp[run][0], dp[run][1],
                          dp[run][2]);
            assert_memory_equal(dp[run], dp[0], sizeof dp[0]);
            assert_memory_equal(dx[run], dx[0], n * golu_dtype_size(dt));
        }
        for (int run = 0; run < 3; run++)
            free(dx[run]);
        free(x);
        free(dy);
    }
}

/* Other alpha, beta, gamma, including beta = 0 and alpha = 0 (terms identically 0). */
static void test_other_params(void **state)
{
    ts_env *env = *state;
    const golu_params params[] = {{1.7, 0.6, 2.3}, {-0.8, 3.0, 0.5}, {1.3, 20.0, 0.3},
                                  {2.0, 0.0, 1.0}, {0.0, 1.0, 1.0},  {0.25, 0x1p-20, 4.0}};
    const size_t n = ts_size(100003, 5003);
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        void *x, *dy;
        make_inputs(dt, n, &x, &dy, -8.0, 8.0, -1.0, 1.0, 0x5000ull + (uint64_t)d);
        for (size_t p = 0; p < sizeof params / sizeof params[0]; p++) {
            char what[96];
            snprintf(what, sizeof what, "params {%g, %g, %g}", params[p].alpha, params[p].beta,
                     params[p].gamma);
            check_case(env, dt, n, x, dy, &plain_layout, &params[p], 0, what);
        }
        free(x);
        free(dy);
    }
}

/* NaN in x or dy gives NaN sums; huge and infinite x give the limits: finite sums, except that
 * dy/dalpha = x is infinite at x = +inf (dy * inf, NaN for dy = 0). */
static void test_special_values(void **state)
{
    ts_env *env = *state;
    const size_t n = 1000;
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        const double big = dt == GOLU_F16    ? 65504.0
                           : dt == GOLU_BF16 ? 0x1.fep127 /* FLT_MAX would round to inf */
                           : dt == GOLU_F64  ? DBL_MAX
                                             : FLT_MAX;
        void *x, *dy;
        make_inputs(dt, n, &x, &dy, -8.0, 8.0, -1.0, 1.0, 0x6000ull + (uint64_t)d);
        /* huge finite x of both signs, and -inf: every sum finite */
        const double huge[] = {-big, -big / 3, -1e4, -200.0, -90.0, 90.0, 1e4, big, -INFINITY};
        for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++)
            ts_set(dt, x, 11 * i + 5, huge[i]);
        double dp[3];
        check_case_sums(env, dt, n, x, dy, &plain_layout, NULL, 0, "huge x", dp);
        for (int k = 0; k < 3; k++)
            assert_true(isfinite(dp[k]));
        /* +inf x: the alpha sum is dy * inf, the others finite; with dy = 0 there, NaN */
        for (int zero_dy = 0; zero_dy < 2; zero_dy++) {
            void *xi = ts_alloc(dt, n), *dyi = ts_alloc(dt, n);
            memcpy(xi, x, n * golu_dtype_size(dt));
            memcpy(dyi, dy, n * golu_dtype_size(dt));
            ts_set(dt, xi, 500, INFINITY);
            ts_set(dt, dyi, 500, zero_dy ? 0.0 : -0.5);
            check_case(env, dt, n, xi, dyi, &plain_layout, NULL, 0,
                       zero_dy ? "+inf x, dy 0" : "+inf x");
            free(xi);
            free(dyi);
        }
        /* NaN in x, then in dy: all three sums NaN */
        for (int in_dy = 0; in_dy < 2; in_dy++) {
            void *xn = ts_alloc(dt, n), *dyn = ts_alloc(dt, n);
            memcpy(xn, x, n * golu_dtype_size(dt));
            memcpy(dyn, dy, n * golu_dtype_size(dt));
            ts_set(dt, in_dy ? dyn : xn, 321, NAN);
            void *dx = ts_alloc(dt, n);
            double dp[3] = {0, 0, 0};
            ts_assert_status(env->ctx, run_params(env, dt, n, dyn, xn, dx, dp, &plain_layout, NULL,
                                                  NULL),
                             GOLU_OK);
            print_message("%s NaN in %s: %g %g %g\n", golu_dtype_name(dt), in_dy ? "dy" : "x",
                          dp[0], dp[1], dp[2]);
            for (int k = 0; k < 3; k++)
                assert_true(isnan(dp[k]));
            assert_true(isnan(ts_get(dt, dx, 321)));
            assert_int_equal(ts_check(dt, 1, n, xn, dyn, dx, NULL, NULL, "NaN"), 0);
            free(xn);
            free(dyn);
            free(dx);
        }
        free(x);
        free(dy);
    }
}

/* The wait list holds the work back; the returned event completes after dx and dparams are
 * written; an out-of-order queue orders the two kernels by themselves. */
static void test_events(void **state)
{
    ts_env *env = *state;
    char platform[256] = "";
    clGetPlatformInfo(env->platform, CL_PLATFORM_NAME, sizeof platform - 1, platform, NULL);
    if (strstr(platform, "Oclgrind")) { /* Oclgrind 21.10 hangs on a user-event gate */
        print_message("skipping the event test on %s\n", platform);
        skip();
    }
    const size_t n = 5000;
    const golu_dtype dt = GOLU_F32;
    void *x, *dy;
    make_inputs(dt, n, &x, &dy, -8.0, 8.0, -1.0, 1.0, 0x7000ull);
    tps_sums r = tps_reference(dt, n, x, dy, NULL);
    cl_int err;
    cl_command_queue ooo = clCreateCommandQueue(env->cl_ctx, env->device,
                                                CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, &err);
    if (err != CL_SUCCESS) {
        print_message("no out-of-order queue (%d): the in-order queue only\n", (int)err);
        ooo = NULL;
    }
    for (int q = 0; q < (ooo ? 2 : 1); q++) {
        cl_command_queue queue = q ? ooo : env->queue;
        cl_mem mdy = ts_buffer(env, n * 4), mx = ts_buffer(env, n * 4);
        cl_mem mdx = ts_buffer(env, n * 4), mdp = ts_buffer(env, 3 * 4);
        ts_write(env, mdy, 0, n * 4, dy);
        ts_write(env, mx, 0, n * 4, x);
        cl_event gate = clCreateUserEvent(env->cl_ctx, &err);
        ts_cl_check(err);
        cl_event done = NULL;
        ts_assert_status(env->ctx,
                         golu_enqueue_backward_params(env->ctx, queue, dt, n, mdy, 0, mx, 0, mdx, 0,
                                                      mdp, 0, NULL, NULL, 1, &gate, &done),
                         GOLU_OK);
        assert_non_null(done);
        ts_cl_check(clFlush(queue));
        cl_int status = CL_COMPLETE;
        ts_cl_check(clGetEventInfo(done, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof status, &status,
                                   NULL));
        assert_true(status != CL_COMPLETE); /* still behind the gate */
        ts_cl_check(clSetUserEventStatus(gate, CL_COMPLETE));
        ts_cl_check(clWaitForEvents(1, &done));
        float dxv[5000], dpv[3];
        ts_cl_check(clEnqueueReadBuffer(queue, mdx, CL_TRUE, 0, n * 4, dxv, 0, NULL, NULL));
        ts_cl_check(clEnqueueReadBuffer(queue, mdp, CL_TRUE, 0, 3 * 4, dpv, 0, NULL, NULL));
        double got[3] = {dpv[0], dpv[1], dpv[2]};
        assert_int_equal(check_sums(dt, got, &r, 0, tps_tolerance(dt), q ? "out-of-order" : "gated"), 0);
        assert_int_equal(ts_check(dt, 1, n, x, dy, dxv, NULL, NULL, "events"), 0);
        clReleaseEvent(done);
        clReleaseEvent(gate);
        clReleaseMemObject(mdy);
        clReleaseMemObject(mx);
        clReleaseMemObject(mdx);
        clReleaseMemObject(mdp);
    }
    if (ooo)
        clReleaseCommandQueue(ooo);
    free(x);
    free(dy);
}

/* ---- argument errors --------------------------------------------------------------------------- */

#define SENTINEL_EVENT ((cl_event)(uintptr_t)0x5e17e1)
#define ARG_BYTES 512

/* One call, described so that each case changes only the argument at fault. */
typedef struct {
    golu_context *ctx;
    cl_command_queue queue;
    golu_dtype dtype;
    uint64_t n;
    cl_mem dy, x, dx, dp;
    uint64_t dy_off, x_off, dx_off, dp_off;
    const golu_params *params;
    const golu_blend *blend;
    cl_uint num_events;
    const cl_event *wait_list;
} call;

static golu_status do_call(const call *c, cl_event *ev)
{
    return golu_enqueue_backward_params(c->ctx, c->queue, c->dtype, c->n, c->dy, c->dy_off, c->x,
                                        c->x_off, c->dx, c->dx_off, c->dp, c->dp_off, c->params,
                                        c->blend, c->num_events, c->wait_list, ev);
}

typedef struct {
    cl_mem a, b, c, d, small;
} bufs;

static bufs make_bufs(ts_env *env)
{
    bufs B = {ts_sentinel_buffer(env, ARG_BYTES), ts_sentinel_buffer(env, ARG_BYTES),
              ts_sentinel_buffer(env, ARG_BYTES), ts_sentinel_buffer(env, ARG_BYTES),
              ts_sentinel_buffer(env, 16)};
    return B;
}

static void free_bufs(bufs *B)
{
    clReleaseMemObject(B->a);
    clReleaseMemObject(B->b);
    clReleaseMemObject(B->c);
    clReleaseMemObject(B->d);
    clReleaseMemObject(B->small);
}

static call valid_call(ts_env *env, const bufs *B, golu_dtype dt)
{
    call c;
    memset(&c, 0, sizeof c);
    c.ctx = env->ctx;
    c.queue = env->queue;
    c.dtype = dt;
    c.n = 16;
    c.dy = B->a;
    c.x = B->b;
    c.dx = B->c;
    c.dp = B->d;
    c.dy_off = 1;
    c.x_off = 3;
    c.dx_off = 2;
    c.dp_off = 1;
    return c;
}

static void read_all(ts_env *env, const bufs *B, unsigned char *out)
{
    const cl_mem m[5] = {B->a, B->b, B->c, B->d, B->small};
    ts_cl_check(clFinish(env->queue));
    for (int i = 0; i < 5; i++)
        ts_read(env, m[i], 0, i < 4 ? ARG_BYTES : 16, out + i * ARG_BYTES);
}

/* The call fails with `want`, leaves *event alone, sets a detail, and writes nothing. */
static void expect_error_at(ts_env *env, const bufs *B, const call *c, golu_status want,
                            const char *what, int line)
{
    unsigned char before[5 * ARG_BYTES], after[5 * ARG_BYTES];
    memset(before, 0, sizeof before);
    memset(after, 0, sizeof after);
    read_all(env, B, before);
    cl_event ev = SENTINEL_EVENT;
    golu_status got = do_call(c, &ev);
    if (got != want) {
        print_message("line %d, %s: got %s, expected %s; detail \"%s\"\n", line, what,
                      golu_status_name(got), golu_status_name(want),
                      c->ctx ? golu_context_detail(c->ctx) : "");
        if (got == GOLU_OK && ev != SENTINEL_EVENT && ev) {
            clWaitForEvents(1, &ev);
            clReleaseEvent(ev);
        }
        fail_msg("%s: wrong status", what);
    }
    assert_true(ev == SENTINEL_EVENT);
    if (c->ctx && strlen(golu_context_detail(c->ctx)) == 0)
        fail_msg("%s: empty detail after %s", what, golu_status_name(want));
    if (c->ctx)
        print_message("%s: %s \"%s\"\n", what, golu_status_name(want), golu_context_detail(c->ctx));
    assert_int_equal(do_call(c, NULL), want);
    read_all(env, B, after);
    assert_memory_equal(after, before, sizeof before);
}
#define expect_error(env, B, c, want, what) expect_error_at((env), (B), (c), (want), (what), __LINE__)

static void expect_ok(const call *c, const char *what)
{
    cl_event ev = NULL;
    golu_status got = do_call(c, &ev);
    if (got != GOLU_OK)
        print_message("%s: got %s; detail \"%s\"\n", what, golu_status_name(got),
                      golu_context_detail(c->ctx));
    ts_assert_status(c->ctx, got, GOLU_OK);
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    ts_cl_check(clReleaseEvent(ev));
}

static void test_argument_errors(void **state)
{
    ts_env *env = *state;
    bufs B = make_bufs(env);
    call c;
    /* NULLs; dx NULL is allowed */
    c = valid_call(env, &B, GOLU_F32), c.ctx = NULL;
    expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "ctx NULL");
    c = valid_call(env, &B, GOLU_F32), c.queue = NULL;
    expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "queue NULL");
    c = valid_call(env, &B, GOLU_F32), c.dy = NULL;
    expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "dy NULL");
    c = valid_call(env, &B, GOLU_F32), c.x = NULL;
    expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "x NULL");
    c = valid_call(env, &B, GOLU_F32), c.dp = NULL;
    expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "dparams NULL");
    assert_non_null(strstr(golu_context_detail(env->ctx), "dparams"));
    c = valid_call(env, &B, GOLU_F32), c.dp = NULL, c.n = 0;
    expect_error(env, &B, &c, GOLU_ERROR_NULL_ARGUMENT, "dparams NULL, n 0");
    /* dtype, parameters, blend */
    c = valid_call(env, &B, (golu_dtype)7);
    expect_error(env, &B, &c, GOLU_ERROR_INVALID_DTYPE, "invalid dtype");
    const golu_params bad_params = {1.0, -1.0, 1.0};
    c = valid_call(env, &B, GOLU_F32), c.params = &bad_params;
    expect_error(env, &B, &c, GOLU_ERROR_INVALID_PARAMETER, "beta < 0");
    const golu_blend bad_blends[] = {{NAN, 0.0}, {1.0, INFINITY}, {1.0, 1e39}, {-1e300, 1.0}};
    for (size_t i = 0; i < sizeof bad_blends / sizeof bad_blends[0]; i++) {
        c = valid_call(env, &B, GOLU_F32), c.blend = &bad_blends[i];
        expect_error(env, &B, &c, GOLU_ERROR_INVALID_PARAMETER, "bad blend");
    }
    /* wait list, queue of another context */
    c = valid_call(env, &B, GOLU_F32), c.num_events = 1;
    expect_error(env, &B, &c, GOLU_ERROR_INVALID_WAIT_LIST, "1 event, NULL list");
    cl_int err;
    cl_context other = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
    ts_cl_check(err);
    cl_command_queue oq = clCreateCommandQueue(other, env->device, 0, &err);
    ts_cl_check(err);
    c = valid_call(env, &B, GOLU_F32), c.queue = oq;
    expect_error(env, &B, &c, GOLU_ERROR_DEVICE_NOT_IN_CONTEXT, "queue of another context");
    /* dparams too small: (offset + 3) elements of the accumulation type; exact fit accepted */
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        const uint64_t cap = 16 / tps_acc_size(dt); /* elements in B.small */
        c = valid_call(env, &B, dt), c.dp = B.small, c.dp_off = cap - 2;
        expect_error(env, &B, &c, GOLU_ERROR_BUFFER_TOO_SMALL, "dparams one element short");
        assert_non_null(strstr(golu_context_detail(env->ctx), "dparams"));
        c.n = 0;
        expect_error(env, &B, &c, GOLU_ERROR_BUFFER_TOO_SMALL, "dparams short, n 0");
        c = valid_call(env, &B, dt), c.dp_off = UINT64_MAX - 1;
        expect_error(env, &B, &c, GOLU_ERROR_SIZE_OVERFLOW, "dparams offset overflows");
        c = valid_call(env, &B, dt), c.dx = B.small, c.dx_off = 0;
        expect_error(env, &B, &c, GOLU_ERROR_BUFFER_TOO_SMALL, "dx too small");
        cl_mem fit = ts_sentinel_buffer(env, 24);
        c = valid_call(env, &B, dt), c.dp = fit, c.dp_off = 24 / tps_acc_size(dt) - 3;
        expect_ok(&c, "dparams fits exactly");
        clReleaseMemObject(fit);
    }
    /* dparams may not overlap dy, x or dx at all, not even exactly; dx as the backward's */
    {
        c = valid_call(env, &B, GOLU_F32), c.dp = B.a, c.dp_off = 0; /* dy is a[1..17) */
        expect_error(env, &B, &c, GOLU_ERROR_OVERLAP, "dparams over dy");
        c = valid_call(env, &B, GOLU_F32), c.dp = B.b, c.dp_off = 18; /* x is b[3..19) */
        expect_error(env, &B, &c, GOLU_ERROR_OVERLAP, "dparams over x's end");
        c = valid_call(env, &B, GOLU_F32), c.dp = B.c, c.dp_off = 2; /* dx is c[2..18) */
        expect_error(env, &B, &c, GOLU_ERROR_OVERLAP, "dparams exactly at dx");
        c = valid_call(env, &B, GOLU_F32), c.dp = B.c, c.dx = NULL, c.dp_off = 2; /* no dx */
        expect_ok(&c, "dparams where dx would be, dx NULL");
        c = valid_call(env, &B, GOLU_F32), c.dp = B.b, c.dp_off = 19; /* right after x */
        expect_ok(&c, "dparams just after x");
        c = valid_call(env, &B, GOLU_F32), c.dx = B.a, c.dx_off = 2; /* dx partly over dy */
        expect_error(env, &B, &c, GOLU_ERROR_OVERLAP, "dx partly over dy");
        c = valid_call(env, &B, GOLU_F32), c.dx = B.a, c.dx_off = 1; /* dx exactly dy */
        expect_ok(&c, "dx == dy");
    }
    /* f64 where the device has no cl_khr_fp64 */
    if (!ts_dtype_ok(env, GOLU_F64)) {
        c = valid_call(env, &B, GOLU_F64);
        expect_error(env, &B, &c, GOLU_ERROR_UNSUPPORTED_DTYPE, "f64 unsupported");
    }
    clReleaseCommandQueue(oq);
    clReleaseContext(other);
    free_bufs(&B);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_sums),    cmocka_unit_test(test_positive_dy),
        cmocka_unit_test(test_sizes_offsets),  cmocka_unit_test(test_in_place),
        cmocka_unit_test(test_blend),          cmocka_unit_test(test_n_zero),
        cmocka_unit_test(test_determinism),    cmocka_unit_test(test_other_params),
        cmocka_unit_test(test_special_values), cmocka_unit_test(test_events),
        cmocka_unit_test(test_argument_errors),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
