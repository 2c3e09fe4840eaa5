/*
 * test_params: alpha, beta, gamma over {0.5, 1, 1.5}^3, plus large gamma, beta = 0 and a few
 * others, on every dtype (f32 with many values, f16/bf16/f64 fewer), and beta = 2^+-60 with gamma
 * 0.37 and 3.3 where their gate is steep (f32, f64), bf16's backward with dy up to its largest
 * values and a small beta, alpha up to 2^60 with tiny x and down to 2^-60 with large x (f32, bf16,
 * f64), the f32 gate near the CPU devices' lift, checked with golu_check_*;
 * changing the parameters between calls on one context gives each call its own correct result;
 * invalid parameters (non-finite, beta < 0) are rejected before anything is enqueued.
 */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N_F32 ts_size(40000, 2000)
#define N_SMALL ts_size(6000, 1000)

/* The 27 grid points, then the extras. */
static size_t param_list(golu_params *out)
{
    static const double v[] = {0.5, 1.0, 1.5};
    size_t k = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            for (int g = 0; g < 3; g++)
                out[k++] = (golu_params){v[a], v[b], v[g]};
    static const golu_params extra[] = {
        {1.0, 1.0, 10.0},  {1.0, 1.0, 100.0}, {1.5, 0.5, 10.0}, /* large gamma: a steep gate */
        {1.0, 0.0, 1.0},   {1.5, 0.0, 2.0},   /* beta = 0: y = alpha * x */
        {1.0, 5.0, 1.0},   {-1.0, 1.0, 1.0},  /* large beta, negative alpha */
        {1.0, 1.0, 0.0},   {0.0, 1.0, 1.0},   /* gamma = 0: a constant gate; alpha = 0 */
        {1.0, 1.0, 0.1},
    };
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        out[k++] = extra[i];
    return k;
}

/* The forward of x with p (and with a dy the backward too), each result checked against the
 * reference into fwd (and bwd); returns the number of failing elements. */
static size_t run_checked(ts_env *env, golu_dtype dt, size_t n, const void *x, const void *dy,
                          void *y, void *dx, const golu_params *p, ts_stats *fwd, ts_stats *bwd,
                          const char *what)
{
    ts_assert_status(env->ctx, ts_forward(env, dt, n, x, y, p), GOLU_OK);
    size_t bad = ts_check(dt, 0, n, x, NULL, y, p, fwd, what);
    if (dy) {
        ts_assert_status(env->ctx, ts_backward(env, dt, n, dy, x, dx, p), GOLU_OK);
        bad += ts_check(dt, 1, n, x, dy, dx, p, bwd, what);
    }
    return bad;
}

/* x uniform over the band where the gate's z = beta * exp(-gamma*x) runs from z_lo to z_hi
 * (gamma != 0); range gets the band's ends, lower first. */
static void fill_z_band(golu_dtype dt, void *x, size_t n, const golu_params *p, double z_lo,
                        double z_hi, uint64_t seed, double range[2])
{
    const double a = -log(z_lo / p->beta) / p->gamma, b = -log(z_hi / p->beta) / p->gamma;
    range[0] = fmin(a, b);
    range[1] = fmax(a, b);
    ts_fill_uniform(dt, x, n, range[0], range[1], seed);
}

static void run_grid(ts_env *env, golu_dtype dt, size_t n)
{
    ts_require_dtype(env, dt);
    golu_params ps[64];
    size_t np = param_list(ps);
    void *x = ts_alloc(dt, n), *y = ts_alloc(dt, n), *dy = ts_alloc(dt, n), *dx = ts_alloc(dt, n);
    ts_fill_uniform(dt, x, n, -20.0, 20.0, 0x9a7a + (uint64_t)dt);
    ts_fill_uniform(dt, dy, n, -5.0, 5.0, 0x9a7b + (uint64_t)dt);
    /* Some values near the gate's step and the gradient's zero, where gamma matters most. */
    for (size_t i = 0; i < n / 4; i++)
        ts_set(dt, x, i, ts_get(dt, x, i) / 16.0);

    ts_stats fwd = {0, 0, 0.0, 0.0}, bwd = {0, 0, 0.0, 0.0};
    for (size_t pi = 0; pi < np; pi++) {
        const golu_params *p = &ps[pi];
        ts_stats f1 = {0, 0, 0.0, 0.0}, b1 = {0, 0, 0.0, 0.0};
        size_t bad = run_checked(env, dt, n, x, dy, y, dx, p, &f1, &b1, "params");
        print_message("%s alpha %-4g beta %-4g gamma %-4g: forward max %.3g ulp, backward max "
                      "%.3g ulp\n",
                      golu_dtype_name(dt), p->alpha, p->beta, p->gamma, f1.max_ulps, b1.max_ulps);
        if (f1.max_ulps > fwd.max_ulps)
            fwd.max_ulps = f1.max_ulps;
        if (b1.max_ulps > bwd.max_ulps)
            bwd.max_ulps = b1.max_ulps;
        assert_int_equal(bad, 0);
    }
    print_message("%s: %zu parameter sets x %zu values: forward max %.3g ulp, backward max %.3g "
                  "ulp\n",
                  golu_dtype_name(dt), np, n, fwd.max_ulps, bwd.max_ulps);
    free(x);
    free(y);
    free(dy);
    free(dx);
}

static void test_grid_f32(void **state) { run_grid(*state, GOLU_F32, N_F32); }
static void test_grid_f16(void **state) { run_grid(*state, GOLU_F16, N_SMALL); }
static void test_grid_bf16(void **state) { run_grid(*state, GOLU_BF16, N_SMALL); }
static void test_grid_f64(void **state) { run_grid(*state, GOLU_F64, N_SMALL); }

/* Extreme beta with a gamma that is not a power of two: z = beta * exp(-gamma*x) is between 0.5
 * and 90 (where the gate amplifies z's error z-fold) only where |gamma*x| is about 41-46, and
 * there the rounding of -gamma*x and the k*ln2 tail are as large as they get; the gate's low
 * part must carry both (with one product dropped from it, 237 of 20,000 f32 inputs failed). */
static void run_extreme_beta(ts_env *env, golu_dtype dt)
{
    ts_require_dtype(env, dt);
    static const golu_params ps[] = {
        {1.0, 0x1p-60, 0.37}, {1.0, 0x1p60, 0.37}, {1.0, 0x1p-60, 3.3}, {1.0, 0x1p60, 3.3}};
    const size_t n = ts_size(20000, 2000);
    void *x = ts_alloc(dt, n), *y = ts_alloc(dt, n), *dy = ts_alloc(dt, n), *dx = ts_alloc(dt, n);
    ts_fill_uniform(dt, dy, n, -5.0, 5.0, 0xbe7a + (uint64_t)dt);
    for (size_t pi = 0; pi < sizeof ps / sizeof ps[0]; pi++) {
        const golu_params *p = &ps[pi];
        double r[2];
        fill_z_band(dt, x, n, p, 0.5, 90.0, 0xbe7b + pi, r);
        ts_stats f1 = {0, 0, 0.0, 0.0}, b1 = {0, 0, 0.0, 0.0};
        size_t bad = run_checked(env, dt, n, x, dy, y, dx, p, &f1, &b1, "extreme beta");
        print_message("%s beta %g gamma %g, x in [%g, %g]: forward max %.3g ulp, backward max "
                      "%.3g ulp\n",
                      golu_dtype_name(dt), p->beta, p->gamma, r[0], r[1], f1.max_ulps, b1.max_ulps);
        assert_int_equal(bad, 0);
    }
    free(x);
    free(y);
    free(dy);
    free(dx);
}

static void test_extreme_beta_f32(void **state) { run_extreme_beta(*state, GOLU_F32); }
static void test_extreme_beta_f64(void **state) { run_extreme_beta(*state, GOLU_F64); }

/* A large alpha with tiny x: y = alpha*x*t is a normal number, but x*t is subnormal (or nearly),
 * and computed first it was rounded on the subnormal grid before alpha scaled its error up (f32,
 * alpha 1e15: 6525 ulp at x = 1.4e-42). x = +-(1 + i/64) * 2^-k over the subnormals and the
 * smallest normals, both passes. */
static void run_large_alpha(ts_env *env, golu_dtype dt)
{
    ts_require_dtype(env, dt);
    /* beta 10.174: a small gate (about 2^-14.7), which left bf16's x*t of x = 2^-133 two bits
     * (32 ulp after alpha 2^60, a review) */
    static const golu_params ps[] = {
        {0x1p60, 1.0, 1.0}, {-0x1p40, 0.5, 2.0}, {1e15, 1.0, 1e-6}, {0x1p60, 10.174, 1.0}};
    const int k_lo = dt == GOLU_F64 ? 1000 : 100;
    const int k_hi = dt == GOLU_F64 ? 1074 : dt == GOLU_BF16 ? 133 : 149;
    const size_t n = (size_t)(k_hi - k_lo + 1) * 128;
    void *x = ts_alloc(dt, n), *y = ts_alloc(dt, n), *dy = ts_alloc(dt, n), *dx = ts_alloc(dt, n);
    for (size_t i = 0; i < n; i++) {
        const int k = k_lo + (int)(i / 128), j = (int)(i % 128);
        ts_set(dt, x, i, (j % 2 ? -1.0 : 1.0) * ldexp(1.0 + (double)(j / 2) / 64.0, -k));
        ts_set(dt, dy, i, 1.0 + (double)(j % 5));
    }
    for (size_t pi = 0; pi < sizeof ps / sizeof ps[0]; pi++) {
        const golu_params *p = &ps[pi];
        ts_stats f1 = {0, 0, 0.0, 0.0}, b1 = {0, 0, 0.0, 0.0};
        size_t bad = run_checked(env, dt, n, x, dy, y, dx, p, &f1, &b1, "large alpha, tiny x");
        print_message("%s alpha %g beta %g gamma %g, |x| 2^-%d..2^-%d: forward max %.3g ulp, "
                      "backward max %.3g ulp\n",
                      golu_dtype_name(dt), p->alpha, p->beta, p->gamma, k_hi, k_lo - 1,
                      f1.max_ulps, b1.max_ulps);
        assert_int_equal(bad, 0);
    }
    free(x);
    free(y);
    free(dy);
    free(dx);
}

/* A small alpha with a large |x| where the gate is subnormal (z about 85-103; f64 705-744): the
 * product alpha*t then underflows, and computed first its error was multiplied by |x| (a review:
 * alpha 0.01, gamma 0.1, x = -45.65, 3.4 times golu.h's bound; alpha 2^-60, gamma 0, beta 90,
 * x = 2^127: 0 for 2^-62.8). 4000 x per set. */
static void run_small_alpha(ts_env *env, golu_dtype dt)
{
    ts_require_dtype(env, dt);
    static const golu_params ps[] = {{0.01, 1.0, 0.1},
                                     {0x1p-10, 1.0, 0x1p-20},
                                     {-0x1p-60, 0x1p60, 0x1p-60},
                                     {0x1p-60, 90.0, 0.0}};
    const double z_lo = dt == GOLU_F64 ? 705.0 : 85.0, z_hi = dt == GOLU_F64 ? 744.0 : 103.0;
    const size_t n = 4000;
    void *x = ts_alloc(dt, n), *y = ts_alloc(dt, n);
    for (size_t pi = 0; pi < sizeof ps / sizeof ps[0]; pi++) {
        const golu_params *p = &ps[pi];
        double r[2] = {0x1p100, 0x1p127}; /* gamma 0: the gate is exp(-beta) for every x */
        if (p->gamma == 0.0)
            ts_fill_uniform(dt, x, n, r[0], r[1], 0x5a11 + pi);
        else
            fill_z_band(dt, x, n, p, z_lo, z_hi, 0x5a11 + pi, r);
        ts_stats f1 = {0, 0, 0.0, 0.0};
        size_t bad =
            run_checked(env, dt, n, x, NULL, y, NULL, p, &f1, NULL, "small alpha, large x");
        print_message("%s alpha %g beta %g gamma %g, x in [%g, %g]: forward max %.3g ulp\n",
                      golu_dtype_name(dt), p->alpha, p->beta, p->gamma, r[0], r[1], f1.max_ulps);
        assert_int_equal(bad, 0);
    }
    free(x);
    free(y);
}

static void test_small_alpha_f32(void **state) { run_small_alpha(*state, GOLU_F32); }
static void test_small_alpha_bf16(void **state) { run_small_alpha(*state, GOLU_BF16); }
static void test_small_alpha_f64(void **state) { run_small_alpha(*state, GOLU_F64); }

static void test_large_alpha_f32(void **state) { run_large_alpha(*state, GOLU_F32); }
static void test_large_alpha_bf16(void **state) { run_large_alpha(*state, GOLU_BF16); }
static void test_large_alpha_f64(void **state) { run_large_alpha(*state, GOLU_F64); }

/* Where the gate z is about 60-80 (under the CPU devices' lift at 80, cl/golu_common.cl), with
 * parameters a review found the f32 forward 4.1 and 4.4 ulp off there: its exp(-z) was rounded
 * three times. 20,000 x per set over that band, the review's two inputs among them. */
static void test_gate_near_lift_f32(void **state)
{
    ts_env *env = *state;
    static const struct {
        golu_params p;
        float x;
    } cases[] = {{{3.0, 108.0, -3.0}, -0x1.d59c74p-4f},
                 {{-0x1.9b9c08p+1, 0x1.a71532p-8, -0x1.162782p+2}, 0x1.13d52ep+1f}};
    const size_t n = ts_size(20000, 2000);
    float *x = ts_alloc(GOLU_F32, n), *y = ts_alloc(GOLU_F32, n);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const golu_params *p = &cases[c].p;
        double r[2];
        fill_z_band(GOLU_F32, x, n, p, 60.0, 80.0, 0x7a7e + c, r);
        x[0] = cases[c].x;
        ts_stats f1 = {0, 0, 0.0, 0.0};
        size_t bad = run_checked(env, GOLU_F32, n, x, NULL, y, NULL, p, &f1, NULL,
                                 "gate near the lift");
        print_message("f32 alpha %g beta %g gamma %g, x in [%g, %g]: forward max %.3g ulp\n",
                      p->alpha, p->beta, p->gamma, r[0], r[1], f1.max_ulps);
        assert_int_equal(bad, 0);
    }
    free(x);
    free(y);
}

/* bf16's backward with dy near its largest values: the gate is computed times dy's power of two
 * (cl/golu_common.cl, golu_split_dy), and with a small beta t - u*w reaches about 33 times that
 * near z = 1 (x about -20.75 for beta 2^-30); at 2^126 it overflowed to inf (NaN for alpha = 0)
 * where the true dx is finite (a review). */
static void test_large_dy_bf16(void **state)
{
    ts_env *env = *state;
    const golu_dtype dt = GOLU_BF16;
    static const golu_params ps[] = {
        {0x1p-60, 0x1p-30, 1.0}, {0.125, 0x1p-30, 1.0}, {0.0, 0x1p-30, 1.0}, {-1.0, 0x1p-40, 0.5}};
    const size_t n = 2000;
    void *x = ts_alloc(dt, n), *dy = ts_alloc(dt, n), *dx = ts_alloc(dt, n);
    for (size_t i = 0; i < n; i++) {
        const double m = (i % 2 ? -1.0 : 1.0) * (1.0 + (double)(i % 8) / 8.0);
        ts_set(dt, dy, i, ldexp(m, 120 + (int)(i % 8)));
    }
    for (size_t pi = 0; pi < sizeof ps / sizeof ps[0]; pi++) {
        const golu_params *p = &ps[pi];
        double r[2]; /* z from 1/8 to 8 */
        fill_z_band(dt, x, n, p, 0.125, 8.0, 0x1a7e + pi, r);
        ts_stats b1 = {0, 0, 0.0, 0.0};
        ts_assert_status(env->ctx, ts_backward(env, dt, n, dy, x, dx, p), GOLU_OK);
        size_t bad = ts_check(dt, 1, n, x, dy, dx, p, &b1, "large dy");
        print_message("bf16 alpha %g beta %g gamma %g, |dy| 2^120..2^128: backward max %.3g ulp\n",
                      p->alpha, p->beta, p->gamma, b1.max_ulps);
        assert_int_equal(bad, 0);
    }
    free(x);
    free(dy);
    free(dx);
}

/* NULL params means the defaults: identical bits to an explicit {1, 1, 1}. */
static void test_null_is_default(void **state)
{
    ts_env *env = *state;
    const size_t n = 5000;
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dt))
            continue;
        golu_params def = GOLU_PARAMS_DEFAULT_INIT;
        void *x = ts_alloc(dt, n), *a = ts_alloc(dt, n), *b = ts_alloc(dt, n);
        ts_fill_uniform(dt, x, n, -20.0, 20.0, 77);
        ts_assert_status(env->ctx, ts_forward(env, dt, n, x, a, NULL), GOLU_OK);
        ts_assert_status(env->ctx, ts_forward(env, dt, n, x, b, &def), GOLU_OK);
        assert_memory_equal(a, b, n * golu_dtype_size(dt));
        assert_int_equal(ts_check(dt, 0, n, x, NULL, a, NULL, NULL, "default"), 0);
        ts_assert_status(env->ctx, ts_backward(env, dt, n, x, x, a, NULL), GOLU_OK);
        ts_assert_status(env->ctx, ts_backward(env, dt, n, x, x, b, &def), GOLU_OK);
        assert_memory_equal(a, b, n * golu_dtype_size(dt));
        free(x);
        free(a);
        free(b);
    }
}

/* Alternating parameter sets on one context, all enqueued before one wait: each result matches
 * its own parameters (they are kernel arguments, captured at enqueue), and the sets really give
 * different results. */
static void test_switching(void **state)
{
    ts_env *env = *state;
    const size_t n = 20000, sets = 6;
    const golu_params ps[6] = {{1, 1, 1},     {1.5, 1, 1}, {1, 0.5, 1},
                               {1, 1, 1.5},   {1, 1, 1},   {0.5, 1.5, 100}};
    float *x = ts_alloc(GOLU_F32, n);
    ts_fill_uniform(GOLU_F32, x, n, -20.0, 20.0, 4242);
    cl_mem bx = ts_buffer(env, n * sizeof(float));
    ts_write(env, bx, 0, n * sizeof(float), x);
    cl_mem by[6];
    for (size_t s = 0; s < sets; s++) {
        by[s] = ts_buffer(env, n * sizeof(float));
        golu_params p = ps[s]; /* a local that changes after the call returns */
        ts_assert_status(env->ctx, golu_enqueue_forward(env->ctx, env->queue, GOLU_F32, n, bx, 0,
                                                        by[s], 0, &p, 0, NULL, NULL),
                         GOLU_OK);
        p.alpha = 1e6;
        p.beta = 1e6;
    }
    ts_cl_check(clFinish(env->queue));
    float *y[6];
    for (size_t s = 0; s < sets; s++) {
        y[s] = ts_alloc(GOLU_F32, n);
        ts_read(env, by[s], 0, n * sizeof(float), y[s]);
        assert_int_equal(ts_check(GOLU_F32, 0, n, x, NULL, y[s], &ps[s], NULL, "switching"), 0);
        clReleaseMemObject(by[s]);
    }
    assert_memory_equal(y[0], y[4], n * sizeof(float)); /* same parameters, same bits */
    for (size_t s = 1; s < sets; s++) {
        if (s == 4)
            continue;
        size_t differ = 0;
        for (size_t i = 0; i < n; i++)
            differ += y[s][i] != y[0][i];
        print_message("set %zu differs from the defaults in %zu of %zu values\n", s, differ, n);
        assert_true(differ > n / 10);
    }
    for (size_t s = 0; s < sets; s++)
        free(y[s]);
    clReleaseMemObject(bx);
    free(x);
}

/* Non-finite alpha/beta/gamma and beta < 0: GOLU_ERROR_INVALID_PARAMETER from the forward, the
 * backward and the host calls; nothing enqueued (the event is untouched and the output keeps its
 * sentinel). */
static void test_invalid(void **state)
{
    ts_env *env = *state;
    const golu_params bad[] = {
        {NAN, 1, 1},      {INFINITY, 1, 1}, {-INFINITY, 1, 1}, {1, NAN, 1},      {1, INFINITY, 1},
        {1, -INFINITY, 1}, {1, -1, 1},      {1, -1e-30, 1},    {1, 1, NAN},      {1, 1, INFINITY},
        {1, 1, -INFINITY}, {NAN, NAN, NAN}, {1, -0.5, 1},
    };
    const size_t n = 100, bytes = n * sizeof(float);
    float *x = ts_alloc(GOLU_F32, n), *out = ts_alloc(GOLU_F32, n);
    ts_fill_uniform(GOLU_F32, x, n, -5.0, 5.0, 5);
    cl_mem bx = ts_buffer(env, bytes);
    ts_write(env, bx, 0, bytes, x);
    cl_mem by = ts_sentinel_buffer(env, bytes);
    unsigned char *back = malloc(bytes);
    assert_non_null(back);
    cl_event sentinel_event = (cl_event)(uintptr_t)0x5e17e1;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const golu_params *p = &bad[i];
        for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
            golu_dtype dt = ts_all_dtypes[d];
            size_t m = bytes / golu_dtype_size(dt);
            cl_event ev = sentinel_event;
            golu_status s = golu_enqueue_forward(env->ctx, env->queue, dt, m, bx, 0, by, 0, p, 0,
                                                 NULL, &ev);
            if (dt == GOLU_F64 && s == GOLU_ERROR_UNSUPPORTED_DTYPE)
                continue;
            ts_assert_status(env->ctx, s, GOLU_ERROR_INVALID_PARAMETER);
            assert_true(ev == sentinel_event);
            assert_true(strlen(golu_context_detail(env->ctx)) > 0);
            ev = sentinel_event;
            s = golu_enqueue_backward(env->ctx, env->queue, dt, m, bx, 0, bx, 0, by, 0, p, 0, NULL,
                                      &ev);
            ts_assert_status(env->ctx, s, GOLU_ERROR_INVALID_PARAMETER);
            assert_true(ev == sentinel_event);
            assert_true(strlen(golu_context_detail(env->ctx)) > 0);
        }
        ts_cl_check(clFinish(env->queue));
        ts_read(env, by, 0, bytes, back);
        assert_int_equal(ts_count_sentinel_changes(back, 0, bytes), 0);
    }
    print_message("detail after an invalid parameter: \"%s\"\n", golu_context_detail(env->ctx));

    /* the host calls reject them too, and leave the output alone */
    golu_context *hctx = NULL;
    ts_assert_status(NULL, golu_context_create(env->cl_ctx, 1, &env->device, &hctx), GOLU_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (size_t k = 0; k < n; k++)
            out[k] = 42.0f;
        ts_assert_status(hctx, golu_forward_host(hctx, GOLU_F32, n, x, out, &bad[i]),
                         GOLU_ERROR_INVALID_PARAMETER);
        ts_assert_status(hctx, golu_backward_host(hctx, GOLU_F32, n, x, x, out, &bad[i]),
                         GOLU_ERROR_INVALID_PARAMETER);
        for (size_t k = 0; k < n; k++)
            assert_true(out[k] == 42.0f);
    }
    golu_context_destroy(hctx);

    /* valid edge values are accepted: beta = 0, alpha = 0, gamma = 0, negative alpha/gamma */
    const golu_params good[] = {{1, 0, 1}, {0, 1, 1}, {1, 1, 0}, {-2, 1, 1}, {1, 1, -1}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        ts_assert_status(env->ctx, ts_forward(env, GOLU_F32, n, x, out, &good[i]), GOLU_OK);
        assert_int_equal(ts_check(GOLU_F32, 0, n, x, NULL, out, &good[i], NULL, "edge params"), 0);
    }
    free(back);
    free(x);
    free(out);
    clReleaseMemObject(bx);
    clReleaseMemObject(by);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid),        cmocka_unit_test(test_null_is_default),
        cmocka_unit_test(test_switching),      cmocka_unit_test(test_grid_f32),
        cmocka_unit_test(test_grid_f16),       cmocka_unit_test(test_grid_bf16),
        cmocka_unit_test(test_grid_f64),       cmocka_unit_test(test_extreme_beta_f32),
        cmocka_unit_test(test_extreme_beta_f64), cmocka_unit_test(test_large_dy_bf16),
        cmocka_unit_test(test_large_alpha_f32), cmocka_unit_test(test_large_alpha_bf16),
        cmocka_unit_test(test_large_alpha_f64), cmocka_unit_test(test_gate_near_lift_f32),
        cmocka_unit_test(test_small_alpha_f32), cmocka_unit_test(test_small_alpha_bf16),
        cmocka_unit_test(test_small_alpha_f64),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
