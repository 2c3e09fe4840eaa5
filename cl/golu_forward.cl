/*
 * libgolu forward family:  y = alpha * x * exp(-beta * exp(-gamma * x))
 * (Das et al. 2025, arXiv:2502.03654). Needs golu_common.cl before it.
 */

/* golu_forward_value(x, alpha, beta, gamma) is in golu_common.cl, next to the gate it uses. */

/* Each work-item handles GOLU_VW consecutive elements per step of a grid-stride loop over the
 * n / GOLU_VW whole vectors; the n % GOLU_VW tail elements go to the first work-items.
 * EXTRA_ARGS and OUT make the variants: plain (nothing, the value itself) and blending
 * (GOLU_BLEND_ARGS, y = s * value + t * y: golu_enqueue_forward_blend()). */
#define GOLU_FORWARD_KERNEL(NAME, LOADV, STOREV, EXTRA_ARGS, OUT)                                  \
    __kernel void NAME(__global const storage_t *x, ulong x_off, __global storage_t *y,             \
                       ulong y_off, ulong n, real alpha, real beta, real gamma EXTRA_ARGS)          \
    {                                                                                              \
        __global const storage_t *xp = x + x_off;                                                  \
        __global storage_t *yp = y + y_off;                                                        \
        const ulong nvec = n / GOLU_VW;                                                            \
        const ulong gid = get_global_id(0);                                                        \
        const ulong stride = get_global_size(0);                                                   \
        for (ulong i = gid; i < nvec; i += stride)                                                 \
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
