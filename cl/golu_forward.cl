/*
 * libgolu forward family:  y = alpha * x * exp(-beta * exp(-gamma * x))
 * (Das et al. 2025, arXiv:2502.03654). Needs golu_common.cl before it.
 */

/* golu_forward_value(x, alpha, beta, gamma) is in golu_common.cl, next to the gate it uses. */

/* Each work-item handles GOLU_VW consecutive elements per step of a grid-stride loop over the
 * n / GOLU_VW whole vectors; the n % GOLU_VW tail elements go to the first work-items. With
 * GOLU_UNROLL > 1, a step first loads GOLU_UNROLL vectors (i, i + stride, ...), then computes and
 * stores them; the plain loop of one vector a step (the whole loop when GOLU_UNROLL is 1)
 * finishes the rest. Loads before stores, each store to the place of its own load: in-place
 * (x == y) stays correct. EXTRA_ARGS and OUT make the variants: plain (nothing, the value
 * itself) and blending (GOLU_BLEND_ARGS, y = s * value + t * y: golu_enqueue_forward_blend()). */
#if GOLU_UNROLL > 1
#define GOLU_FORWARD_LOAD_U(u, LOADV, STOREV, OUT) const realV x##u = LOADV(xp, i + u * stride);
#define GOLU_FORWARD_STORE_U(u, LOADV, STOREV, OUT)                                                \
    STOREV(yp, i + u * stride,                                                                     \
           OUT(golu_forward_value(x##u, alpha, beta, gamma), LOADV(yp, i + u * stride)));
#define GOLU_FORWARD_UNROLLED(LOADV, STOREV, OUT)                                                  \
    for (; i + (GOLU_UNROLL - 1) * stride < nvec; i += GOLU_UNROLL * stride) {                     \
        GOLU_UNROLL_EACH(GOLU_FORWARD_LOAD_U, LOADV, STOREV, OUT)                                  \
        GOLU_UNROLL_EACH(GOLU_FORWARD_STORE_U, LOADV, STOREV, OUT)                                 \
    }
#else
#define GOLU_FORWARD_UNROLLED(LOADV, STOREV, OUT) /* not used: GOLU_GRID_LOOP drops it */
#endif

#define GOLU_FORWARD_KERNEL(NAME, LOADV, STOREV, EXTRA_ARGS, OUT)                                  \
    __kernel void NAME(__global const storage_t *x, ulong x_off, __global storage_t *y,             \
                       ulong y_off, ulong n, real alpha, real beta, real gamma EXTRA_ARGS)          \
    {                                                                                              \
        __global const storage_t *xp = x + x_off;                                                  \
        __global storage_t *yp = y + y_off;                                                        \
        const ulong nvec = n / GOLU_VW;                                                            \
        const ulong gid = get_global_id(0);                                                        \
        const ulong stride = get_global_size(0);                                                   \
        GOLU_GRID_LOOP(GOLU_FORWARD_UNROLLED(LOADV, STOREV, OUT))                                  \
            STOREV(yp, i,                                                                          \
                   OUT(golu_forward_value(LOADV(xp, i), alpha, beta, gamma), LOADV(yp, i)));       \
        if (gid < n - nvec * GOLU_VW) {                                                            \
            const ulong k = nvec * GOLU_VW + gid;                                                  \
            realV v = golu_forward_value((realV)(GOLU_LOAD1(xp, k)), alpha, beta, gamma);          \
            GOLU_STORE1(yp, k, GOLU_LANE0(OUT(v, GOLU_LOAD1(yp, k))));                             \
        }                                                                                          \
    }

GOLU_FORWARD_KERNEL(golu_forward_aligned, GOLU_LOAD_ALIGNED, GOLU_STORE_ALIGNED, , GOLU_OUT_PLAIN)
GOLU_FORWARD_KERNEL(golu_forward, GOLU_LOAD, GOLU_STORE, , GOLU_OUT_PLAIN)
GOLU_FORWARD_KERNEL(golu_forward_blend_aligned, GOLU_LOAD_ALIGNED, GOLU_STORE_ALIGNED,
                    GOLU_BLEND_ARGS, GOLU_OUT_BLEND)
GOLU_FORWARD_KERNEL(golu_forward_blend, GOLU_LOAD, GOLU_STORE, GOLU_BLEND_ARGS, GOLU_OUT_BLEND)
