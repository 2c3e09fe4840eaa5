/*
 * libgolu backward family:
 *   dx = dy * alpha * exp(-beta*e) * (1 + beta*gamma*x*e),  e = exp(-gamma*x)
 * (the derivative of Das et al. 2025, arXiv:2502.03654, eq. 1). Needs golu_common.cl before it.
 *
 * With u = -gamma*x, z = beta*e and t = exp(-z): beta*gamma*x*e = -u*z, so the derivative is
 * t - u*(z*t), evaluated as one fma. golu_gate() keeps u and w = z*t finite (w <= 1/e), so no
 * 0 * inf arises for any finite or infinite x, and no NaN needs masking.
 */

/* golu_backward_value(x, dy, alpha, beta, gamma) is in golu_common.cl, next to the gate, and
 * golu_backward_value_plain(), the plain kernels' value (their tail elements too). */

/* Variants and loops as in the forward family: plain, and blending (dx = s * gradient + t * dx);
 * a step loads GOLU_UNROLL of x and dy, then computes and stores them, or, with GOLU_LOAD_AHEAD
 * (CPU devices) and GOLU_UNROLL 1, loads the next step's x and dy before computing this one. */
#define GOLU_BACKWARD_STEP(j, xv, dyv, LOADV, STOREV, OUT)                                         \
    STOREV(dxp, j, GOLU_CAT(OUT, _BACKWARD)(xv, dyv, LOADV(dxp, j)));
#if GOLU_UNROLL == 1 && GOLU_LOAD_AHEAD
#define GOLU_BACKWARD_LOOP(LOADV, STOREV, OUT)                                                     \
    if (gid < nvec) {                                                                              \
        ulong i = gid;                                                                             \
        realV xi = LOADV(xp, i);                                                                   \
        realV dyi = LOADV(dyp, i);                                                                 \
        for (; i + stride < nvec; i += stride) {                                                   \
            const realV x_next = LOADV(xp, i + stride);                                            \
            const realV dy_next = LOADV(dyp, i + stride);                                          \
            GOLU_BACKWARD_STEP(i, xi, dyi, LOADV, STOREV, OUT)                                     \
            xi = x_next;                                                                           \
            dyi = dy_next;                                                                         \
        }                                                                                          \
        GOLU_BACKWARD_STEP(i, xi, dyi, LOADV, STOREV, OUT)                                         \
    }
#else
#define GOLU_BACKWARD_LOAD_U(u, LOADV, STOREV, OUT)                                                \
    const realV x##u = LOADV(xp, i + u * stride);                                                  \
    const realV dy##u = LOADV(dyp, i + u * stride);
#define GOLU_BACKWARD_STORE_U(u, LOADV, STOREV, OUT)                                               \
    GOLU_BACKWARD_STEP(i + u * stride, x##u, dy##u, LOADV, STOREV, OUT)
#define GOLU_BACKWARD_LOOP(LOADV, STOREV, OUT)                                                     \
    ulong i = gid;                                                                                 \
    for (; i + (GOLU_UNROLL - 1) * stride < nvec; i += GOLU_UNROLL * stride) {                     \
        GOLU_UNROLL_EACH(GOLU_BACKWARD_LOAD_U, LOADV, STOREV, OUT)                                 \
        GOLU_UNROLL_EACH(GOLU_BACKWARD_STORE_U, LOADV, STOREV, OUT)                                \
    }                                                                                              \
    for (; i < nvec; i += stride)                                                                  \
        GOLU_BACKWARD_STEP(i, LOADV(xp, i), LOADV(dyp, i), LOADV, STOREV, OUT)
#endif

#define GOLU_BACKWARD_KERNEL(NAME, LOADV, STOREV, EXTRA_ARGS, OUT)                                 \
    __kernel void NAME(__global const storage_t *dy, ulong dy_off, __global const storage_t *x,     \
                       ulong x_off, __global storage_t *dx, ulong dx_off, ulong n, real alpha,     \
                       real beta, real gamma EXTRA_ARGS)                                           \
    {                                                                                              \
        __global const storage_t *dyp = dy + dy_off;                                               \
        __global const storage_t *xp = x + x_off;                                                  \
        __global storage_t *dxp = dx + dx_off;                                                     \
        const ulong nvec = n / GOLU_VW;                                                            \
        const ulong gid = get_global_id(0);                                                        \
        const ulong stride = get_global_size(0);                                                   \
        GOLU_DEFAULTS_SPECIALISED(GOLU_SPECIALISE_BACKWARD,                                        \
                                  GOLU_BACKWARD_LOOP(LOADV, STOREV, OUT))                          \
        if (gid < n - nvec * GOLU_VW) {                                                            \
            const ulong k = nvec * GOLU_VW + gid;                                                  \
            realV v = GOLU_CAT(OUT, _BACKWARD)((realV)(GOLU_LOAD1(xp, k)),                         \
                                               (realV)(GOLU_LOAD1(dyp, k)), GOLU_LOAD1(dxp, k));   \
            GOLU_STORE1(dxp, k, GOLU_LANE0(v));                                                    \
        }                                                                                          \
    }

GOLU_BACKWARD_KERNEL(golu_backward_aligned, GOLU_LOAD_ALIGNED, GOLU_STORE_ALIGNED, , GOLU_OUT_PLAIN)
GOLU_BACKWARD_KERNEL(golu_backward, GOLU_LOAD, GOLU_STORE, , GOLU_OUT_PLAIN)
GOLU_BACKWARD_KERNEL(golu_backward_blend_aligned, GOLU_LOAD_ALIGNED, GOLU_STORE_ALIGNED,
                     GOLU_BLEND_ARGS, GOLU_OUT_BLEND)
GOLU_BACKWARD_KERNEL(golu_backward_blend, GOLU_LOAD, GOLU_STORE, GOLU_BLEND_ARGS, GOLU_OUT_BLEND)
