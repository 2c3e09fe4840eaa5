/*
 * libgolu forward family:  y = alpha * x * exp(-beta * exp(-gamma * x))
 * (Das et al. 2025, arXiv:2502.03654). Needs golu_common.cl before it.
 */

/* golu_forward_value(x, alpha, beta, gamma) is in golu_common.cl, next to the gate it uses, and
 * golu_forward_value_plain(), the plain kernels' value (their tail elements too). */

/* Each work-item handles GOLU_VW consecutive elements per step of a grid-stride loop over the
 * n / GOLU_VW whole vectors; the n % GOLU_VW tail elements go to the first work-items. A step
 * loads GOLU_UNROLL vectors (i, i + stride, ...), then computes and stores them, and a loop of
 * one vector a step finishes the rest. With GOLU_LOAD_AHEAD (the host sets it on CPU devices)
 * and GOLU_UNROLL 1, each step's x is loaded one step ahead instead: the next vector's load is
 * issued before this one is computed and stored (PoCL here, 2^24: f32 forward 16.0-16.4 ->
 * 15.5 ms, backward 20.1-20.3 -> 17.5 ms; on an H200 it moved the bf16 forward from 96.5-97.3
 * to 97.3-98.5 % of copy but cost its backward 8 points, so GPUs keep the plain loop). Every
 * store goes to the place of a load already made, and no load is from a place already stored:
 * in-place (x == y) stays correct. EXTRA_ARGS and OUT
 * make the variants: plain (nothing, the value itself) and blending (GOLU_BLEND_ARGS,
 * y = s * value + t * y: golu_enqueue_forward_blend()). */
#define GOLU_FORWARD_STEP(j, xv, LOADV, STOREV, OUT)                                               \
    STOREV(yp, j, OUT(GOLU_CAT(OUT, _FORWARD)(xv, alpha, beta, gamma), LOADV(yp, j)));
#if GOLU_UNROLL == 1 && GOLU_LOAD_AHEAD
#define GOLU_FORWARD_LOOP(LOADV, STOREV, OUT)                                                      \
    if (gid < nvec) {                                                                              \
        ulong i = gid;                                                                             \
        realV xi = LOADV(xp, i);                                                                   \
        for (; i + stride < nvec; i += stride) {                                                   \
            const realV x_next = LOADV(xp, i + stride);                                            \
            GOLU_FORWARD_STEP(i, xi, LOADV, STOREV, OUT)                                           \
            xi = x_next;                                                                           \
        }                                                                                          \
        GOLU_FORWARD_STEP(i, xi, LOADV, STOREV, OUT)                                               \
    }
#else
#define GOLU_FORWARD_LOAD_U(u, LOADV, STOREV, OUT)                                                 \
    GOLU_PREFETCH(OUT, xp, i + GOLU_UNROLL * stride)                                               \
    const realV x##u = LOADV(xp, i + u * stride);
#define GOLU_FORWARD_STORE_U(u, LOADV, STOREV, OUT)                                                \
    GOLU_FORWARD_STEP(i + u * stride, x##u, LOADV, STOREV, OUT)
#define GOLU_FORWARD_LOOP(LOADV, STOREV, OUT)                                                      \
    ulong i = gid;                                                                                 \
    for (; i + (GOLU_UNROLL - 1) * stride < nvec; i += GOLU_UNROLL * stride) {                     \
        GOLU_UNROLL_EACH(GOLU_FORWARD_LOAD_U, LOADV, STOREV, OUT)                                  \
        GOLU_UNROLL_EACH(GOLU_FORWARD_STORE_U, LOADV, STOREV, OUT)                                 \
    }                                                                                              \
    for (; i < nvec; i += stride)                                                                  \
        GOLU_FORWARD_STEP(i, LOADV(xp, i), LOADV, STOREV, OUT)
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
        GOLU_DEFAULTS_SPECIALISED(GOLU_SPECIALISE_FORWARD,                                         \
                                  GOLU_FORWARD_LOOP(LOADV, STOREV, OUT))                           \
        if (gid < n - nvec * GOLU_VW) {                                                            \
            const ulong k = nvec * GOLU_VW + gid;                                                  \
            realV v = GOLU_CAT(OUT, _FORWARD)((realV)(GOLU_LOAD1(xp, k)), alpha, beta, gamma);     \
            GOLU_STORE1(yp, k, GOLU_LANE0(OUT(v, GOLU_LOAD1(yp, k))));                             \
        }                                                                                          \
    }

GOLU_FORWARD_KERNEL(golu_forward_aligned, GOLU_LOAD_ALIGNED, GOLU_STORE_ALIGNED, , GOLU_OUT_PLAIN)
GOLU_FORWARD_KERNEL(golu_forward, GOLU_LOAD, GOLU_STORE, , GOLU_OUT_PLAIN)
GOLU_FORWARD_KERNEL(golu_forward_blend_aligned, GOLU_LOAD_ALIGNED, GOLU_STORE_ALIGNED,
                    GOLU_BLEND_ARGS, GOLU_OUT_BLEND)
GOLU_FORWARD_KERNEL(golu_forward_blend, GOLU_LOAD, GOLU_STORE, GOLU_BLEND_ARGS, GOLU_OUT_BLEND)
