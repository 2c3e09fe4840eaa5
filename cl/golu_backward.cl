/*
 * libgolu backward family:
 *   dx = dy * alpha * exp(-beta*e) * (1 + beta*gamma*x*e),  e = exp(-gamma*x)
 * (the derivative of Das et al. 2025, arXiv:2502.03654, eq. 1). Needs golu_common.cl before it.
 *
 * With u = -gamma*x, z = beta*e and t = exp(-z): beta*gamma*x*e = -u*z, so the derivative is
 * t - u*(z*t), evaluated as one fma. golu_gate() keeps u and w = z*t finite (w <= 1/e), so no
 * 0 * inf arises for any finite or infinite x, and no NaN needs masking.
 */

/* golu_backward_value(x, dy, alpha, beta, gamma) is in golu_common.cl, next to the gate. */

/* Variants as in the forward family: plain, and blending (dx = s * gradient + t * dx); the loop
 * as there (GOLU_UNROLL loads of x and dy, then the computes and stores). */
#if GOLU_UNROLL > 1
#define GOLU_BACKWARD_LOAD_U(u, LOADV, STOREV, OUT)                                                \
    const realV x##u = LOADV(xp, i + u * stride);                                                  \
    const realV dy##u = LOADV(dyp, i + u * stride);
#define GOLU_BACKWARD_STORE_U(u, LOADV, STOREV, OUT)                                               \
    STOREV(dxp, i + u * stride,                                                                    \
           OUT(golu_backward_value(x##u, dy##u, alpha, beta, gamma), LOADV(dxp, i + u * stride)));
#define GOLU_BACKWARD_UNROLLED(LOADV, STOREV, OUT)                                                 \
    for (; i + (GOLU_UNROLL - 1) * stride < nvec; i += GOLU_UNROLL * stride) {                     \
        GOLU_UNROLL_EACH(GOLU_BACKWARD_LOAD_U, LOADV, STOREV, OUT)                                 \
        GOLU_UNROLL_EACH(GOLU_BACKWARD_STORE_U, LOADV, STOREV, OUT)                                \
    }
#else
#define GOLU_BACKWARD_UNROLLED(LOADV, STOREV, OUT) /* not used: GOLU_GRID_LOOP drops it */
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
        GOLU_GRID_LOOP(GOLU_BACKWARD_UNROLLED(LOADV, STOREV, OUT))                                 \
            STOREV(dxp, i,                                                                         \
                   OUT(golu_backward_value(LOADV(xp, i), LOADV(dyp, i), alpha, beta, gamma),       \
                       LOADV(dxp, i)));                                                            \
        if (gid < n - nvec * GOLU_VW) {                                                            \
            const ulong k = nvec * GOLU_VW + gid;                                                  \
            realV v = golu_backward_value((realV)(GOLU_LOAD1(xp, k)), (realV)(GOLU_LOAD1(dyp, k)), \
                                          alpha, beta, gamma);                                     \
            GOLU_STORE1(dxp, k, GOLU_LANE0(OUT(v, GOLU_LOAD1(dxp, k))));                           \
        }                                                                                          \
    }

GOLU_BACKWARD_KERNEL(golu_backward_aligned, GOLU_LOAD_ALIGNED, GOLU_STORE_ALIGNED, , GOLU_OUT_PLAIN)
GOLU_BACKWARD_KERNEL(golu_backward, GOLU_LOAD, GOLU_STORE, , GOLU_OUT_PLAIN)
GOLU_BACKWARD_KERNEL(golu_backward_blend_aligned, GOLU_LOAD_ALIGNED, GOLU_STORE_ALIGNED,
                     GOLU_BLEND_ARGS, GOLU_OUT_BLEND)
GOLU_BACKWARD_KERNEL(golu_backward_blend, GOLU_LOAD, GOLU_STORE, GOLU_BLEND_ARGS, GOLU_OUT_BLEND)
