/*
 * libgolu parameter-gradient family (learnable alpha, beta, gamma): golu_enqueue_backward_params().
 * Needs golu_common.cl before it.
 *
 * With e = exp(-gamma*x) and the gate g = exp(-beta*e), the forward y = alpha*x*g has
 *     dy/dalpha = x*g,   dy/dbeta = -alpha*x*e*g,   dy/dgamma = alpha*beta*x*x*e*g.
 * golu_backward_params writes dx (when dx is not NULL) exactly as the blending backward does (one
 * golu_backward_scaled_parts() gives s * dx and the gate the terms reuse) and
 * sums dy times each of the three over the whole array: each work-item in compensated sums
 * (TwoSum, the errors gathered apart), then a tree over the work-group in local memory, one
 * partial triple per work-group; golu_params_finish, one work-group, sums the partials in a fixed
 * order and blends them into dparams. Every order is fixed by the NDRange, which the host fixes by
 * n and the device: the result is bit-identical from run to run. Sums are in `real` (float for
 * f32/f16/bf16, double for f64), the accumulation type.
 */
#ifndef GOLU_REDUCE_LOCAL_MAX
#define GOLU_REDUCE_LOCAL_MAX 256 /* the host passes its own value; no launch has more work-items */
#endif

/* ---- the three terms ------------------------------------------------------------------------ */

/* 0, or NaN where x or dy is NaN: a term that is identically 0 for these parameters. */
inline realV golu_zero_or_nan(realV x, realV dy)
{
    return (isnan(x) || isnan(dy)) ? x + dy : (realV)0;
}

/* dy * dy/dalpha, dy * dy/dbeta, dy * dy/dgamma for one element (or GOLU_VW of them), given
 * the gate g = exp(-beta*e) that golu_backward_scaled_parts() computed for dx. e = exp(-gamma*x)
 * comes from the builtin exp, unclamped (the gate's own e is clamped, which does not matter to g
 * but would to x*e*g where gamma is small): the sums need a few ulp per term. Nothing is NaN for
 * finite x and dy:
 *   e may overflow (u = -gamma*x large): for beta > 0 the gate has vanished long before, so e*g
 *   is taken as 0, its limit (also where a finite e meets g == 0); beta = 0 keeps g = 1, and
 *   e*g = e overflows only where the true value does;
 *   x is clamped to the finite range where it multiplies a factor that vanishes at the infinity
 *   (g at -inf; e*g at both), so the limits are exact: at x = -inf all three terms are 0; at
 *   x = +inf dy/dalpha = x is infinite, so dy * dy/dalpha is dy * inf (NaN for dy = 0, as IEEE
 *   gives), and the other two are 0 (for beta, gamma > 0);
 *   alpha = 0 (beta = 0) makes the dbeta and dgamma (the dgamma) terms identically 0: they are
 *   set so, since e may be inf there.
 * NaN in x or dy gives NaN in all three. */
inline void golu_param_terms(realV x, realV dy, realV g, real alpha, real beta, real gamma,
                             realV *ta, realV *tb, realV *tg)
{
    realV e = exp(-gamma * x);
    realV eg = e * g;
    if (beta != (real)0)
        eg = e == (realV)INFINITY ? (realV)0 : eg;
    realV x_lo = x < (realV)(-GOLU_REAL_MAX) ? (realV)(-GOLU_REAL_MAX) : x;
    realV x_fin = golu_clamp(x, -GOLU_REAL_MAX, GOLU_REAL_MAX, GOLU_NAN_KEEPING);
    realV xeg = x_fin * eg;
    *ta = dy * (x_lo * g);
    *tb = -((alpha * xeg) * dy);
    *tg = ((alpha * beta) * (x_fin * xeg)) * dy;
    if (alpha == (real)0)
        *tb = *tg = golu_zero_or_nan(x, dy);
    else if (beta == (real)0)
        *tg = golu_zero_or_nan(x, dy);
}

/* ---- compensated sums ----------------------------------------------------------------------- */

/* s + v = (new s) + (rounding error), exactly (Knuth's TwoSum: any order of magnitudes); the
 * errors gather in c. T is real or realV. An infinite or NaN term leaves s inf or NaN and c NaN:
 * golu_sum_value() then returns s. */
#define GOLU_SUM_ADD(T, s, c, v)                                                                   \
    do {                                                                                           \
        T sum_ = (s) + (v);                                                                        \
        T vv_ = sum_ - (s);                                                                        \
        (c) += ((s) - (sum_ - vv_)) + ((v) - vv_);                                                 \
        (s) = sum_;                                                                                \
    } while (0)

inline real golu_sum_value(real s, real c)
{
    return isfinite(s) ? s + c : s;
}

#if GOLU_VW == 1
#define GOLU_SPILL(v, a) ((a)[0] = (v))
#else
#define GOLU_SPILL(v, a) GOLU_CAT(vstore, GOLU_VW)((v), 0, (a))
#endif

/* The lanes of per-lane sums (s, c), merged in lane order into sum[k], comp[k]. */
inline void golu_fold_lanes(realV s, realV c, real *sum, real *comp)
{
    real ls[GOLU_VW], lc[GOLU_VW];
    GOLU_SPILL(s, ls);
    GOLU_SPILL(c, lc);
    *sum = ls[0];
    *comp = lc[0];
    for (int j = 1; j < GOLU_VW; j++) {
        GOLU_SUM_ADD(real, *sum, *comp, ls[j]);
        *comp += lc[j];
    }
}

/* The work-group's tree over every work-item's three (sum, comp) pairs: at each level work-item i
 * takes in work-item i + step, for step the powers of two below the local size, so the order is
 * fixed by the local size alone. On return work-item 0 holds the group's pairs. `tree` holds
 * 6 * GOLU_REDUCE_LOCAL_MAX reals; every work-item of the group must call this. */
inline void golu_tree_sum3(__local real *tree, real *sum, real *comp)
{
    const uint lid = get_local_id(0);
    const uint size = get_local_size(0);
    for (int k = 0; k < 3; k++) {
        tree[k * GOLU_REDUCE_LOCAL_MAX + lid] = sum[k];
        tree[(3 + k) * GOLU_REDUCE_LOCAL_MAX + lid] = comp[k];
    }
    uint step = 1;
    while (step < size)
        step <<= 1;
    for (step >>= 1; step > 0; step >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < step && lid + step < size) {
            for (int k = 0; k < 3; k++) {
                real s = tree[k * GOLU_REDUCE_LOCAL_MAX + lid];
                real c = tree[(3 + k) * GOLU_REDUCE_LOCAL_MAX + lid];
                GOLU_SUM_ADD(real, s, c, tree[k * GOLU_REDUCE_LOCAL_MAX + lid + step]);
                c += tree[(3 + k) * GOLU_REDUCE_LOCAL_MAX + lid + step];
                tree[k * GOLU_REDUCE_LOCAL_MAX + lid] = s;
                tree[(3 + k) * GOLU_REDUCE_LOCAL_MAX + lid] = c;
            }
        }
    }
    if (lid == 0) {
        for (int k = 0; k < 3; k++) {
            sum[k] = tree[k * GOLU_REDUCE_LOCAL_MAX];
            comp[k] = tree[(3 + k) * GOLU_REDUCE_LOCAL_MAX];
        }
    }
}

/* ---- the kernels ---------------------------------------------------------------------------- */

/* dx (if write_dx) = s * dy * dGoLU/dx + t * dx, as golu_backward_blend; partials[3*group + k]
 * (k = alpha, beta, gamma) = the group's sum of dy * dy/dparam_k. The whole vectors go to the
 * work-items in a grid-stride loop, the n % GOLU_VW tail elements likewise, one at a time. */
#define GOLU_PARAMS_KERNEL(NAME, LOADV, STOREV)                                                    \
    __kernel void NAME(__global const storage_t *dy, ulong dy_off, __global const storage_t *x,     \
                       ulong x_off, __global storage_t *dx, ulong dx_off, __global real *partials, \
                       ulong partials_off, ulong n, ulong write_dx, real alpha, real beta,         \
                       real gamma, real s, real t)                                                 \
    {                                                                                              \
        __local real tree[6 * GOLU_REDUCE_LOCAL_MAX];                                              \
        __global const storage_t *dyp = dy + dy_off;                                               \
        __global const storage_t *xp = x + x_off;                                                  \
        __global storage_t *dxp = dx + dx_off; /* any buffer when !write_dx: never touched */      \
        const ulong nvec = n / GOLU_VW;                                                            \
        const ulong gid = get_global_id(0);                                                        \
        const ulong stride = get_global_size(0);                                                   \
        realV sa = (realV)0, sb = (realV)0, sg = (realV)0;                                         \
        realV ca = (realV)0, cb = (realV)0, cg = (realV)0;                                         \
        realV ta, tb, tg, g;                                                                       \
        for (ulong i = gid; i < nvec; i += stride) {                                               \
            realV xv = LOADV(xp, i), dyv = LOADV(dyp, i);                                          \
            realV v = golu_backward_scaled_parts(xv, dyv, alpha, beta, gamma, s, &g);              \
            if (write_dx)                                                                          \
                STOREV(dxp, i, GOLU_BLEND_SCALED(v, LOADV(dxp, i), t));                            \
            golu_param_terms(xv, dyv, g, alpha, beta, gamma, &ta, &tb, &tg);                       \
            GOLU_SUM_ADD(realV, sa, ca, ta);                                                       \
            GOLU_SUM_ADD(realV, sb, cb, tb);                                                       \
            GOLU_SUM_ADD(realV, sg, cg, tg);                                                       \
        }                                                                                          \
        for (ulong k = nvec * GOLU_VW + gid; k < n; k += stride) {                                 \
            realV xv = (realV)(GOLU_LOAD1(xp, k)), dyv = (realV)(GOLU_LOAD1(dyp, k));              \
            realV v = golu_backward_scaled_parts(xv, dyv, alpha, beta, gamma, s, &g);              \
            if (write_dx)                                                                          \
                GOLU_STORE1(dxp, k, GOLU_LANE0(GOLU_BLEND_SCALED(v, GOLU_LOAD1(dxp, k), t)));      \
            golu_param_terms(xv, dyv, g, alpha, beta, gamma, &ta, &tb, &tg);                       \
            real a0 = GOLU_LANE0(sa), b0 = GOLU_LANE0(sb), g0 = GOLU_LANE0(sg);                    \
            real ac = GOLU_LANE0(ca), bc = GOLU_LANE0(cb), gc = GOLU_LANE0(cg);                    \
            GOLU_SUM_ADD(real, a0, ac, GOLU_LANE0(ta));                                            \
            GOLU_SUM_ADD(real, b0, bc, GOLU_LANE0(tb));                                            \
            GOLU_SUM_ADD(real, g0, gc, GOLU_LANE0(tg));                                            \
            GOLU_LANE0(sa) = a0, GOLU_LANE0(sb) = b0, GOLU_LANE0(sg) = g0;                         \
            GOLU_LANE0(ca) = ac, GOLU_LANE0(cb) = bc, GOLU_LANE0(cg) = gc;                         \
        }                                                                                          \
        real sum[3], comp[3];                                                                      \
        golu_fold_lanes(sa, ca, &sum[0], &comp[0]);                                                \
        golu_fold_lanes(sb, cb, &sum[1], &comp[1]);                                                \
        golu_fold_lanes(sg, cg, &sum[2], &comp[2]);                                                \
        golu_tree_sum3(tree, sum, comp);                                                           \
        if (get_local_id(0) == 0) {                                                                \
            __global real *out = partials + partials_off + 3 * (ulong)get_group_id(0);             \
            for (int k = 0; k < 3; k++)                                                            \
                out[k] = golu_sum_value(sum[k], comp[k]);                                          \
        }                                                                                          \
    }

GOLU_PARAMS_KERNEL(golu_backward_params_aligned, GOLU_LOAD_ALIGNED, GOLU_STORE_ALIGNED)
GOLU_PARAMS_KERNEL(golu_backward_params, GOLU_LOAD, GOLU_STORE)

/* One work-group: work-item i sums partials i, i + local size, ... in order, then the tree;
 * dparams[k] = s * sum_k + t * dparams[k] (not read when t == 0). n counts partial triples, and may
 * be 0 (then the sums are 0). */
__kernel void golu_params_finish(__global const real *partials, ulong partials_off,
                                 __global real *dparams, ulong dparams_off, ulong n, real s,
                                 real t)
{
    __local real tree[6 * GOLU_REDUCE_LOCAL_MAX];
    real sum[3] = {0, 0, 0}, comp[3] = {0, 0, 0};
    __global const real *p = partials + partials_off;
    for (ulong j = get_local_id(0); j < n; j += get_local_size(0))
        for (int k = 0; k < 3; k++)
            GOLU_SUM_ADD(real, sum[k], comp[k], p[3 * j + k]);
    golu_tree_sum3(tree, sum, comp);
    if (get_local_id(0) == 0) {
        __global real *d = dparams + dparams_off;
        for (int k = 0; k < 3; k++)
            d[k] = GOLU_BLEND1(golu_sum_value(sum[k], comp[k]), d[k], s, t);
    }
}
