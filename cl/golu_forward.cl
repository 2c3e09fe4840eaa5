/*
 * libgolu forward family:  y = alpha * x * exp(-beta * exp(-gamma * x))
 * (Das et al. 2025, arXiv:2502.03654). Needs golu_common.cl before it.
 */

inline realV golu_forward_value(realV x, real alpha, real beta, real gamma)
{
    golu_gate_t g = golu_gate(x, beta, gamma);
    /* Where the gate underflows to 0, x * t is +-0 for finite x and the limit 0 for x = -inf. */
    realV xt = g.t == (realV)0 ? copysign((realV)0, x) : x * g.t;
    return alpha * xt;
}

/* Each work-item handles GOLU_VW consecutive elements per step of a grid-stride loop over the
 * n / GOLU_VW whole vectors; the n % GOLU_VW tail elements go to the first work-items. */
#define GOLU_FORWARD_KERNEL(NAME, LOADV, STOREV)                                                   \
    __kernel void NAME(__global const storage_t *x, ulong x_off, __global storage_t *y,             \
                       ulong y_off, ulong n, real alpha, real beta, real gamma)                     \
    {                                                                                              \
        __global const storage_t *xp = x + x_off;                                                  \
        __global storage_t *yp = y + y_off;                                                        \
        const ulong nvec = n / GOLU_VW;                                                            \
        const ulong gid = get_global_id(0);                                                        \
        const ulong stride = get_global_size(0);                                                   \
        for (ulong i = gid; i < nvec; i += stride)                                                 \
            STOREV(yp, i, golu_forward_value(LOADV(xp, i), alpha, beta, gamma));                   \
        if (gid < n - nvec * GOLU_VW) {                                                            \
            const ulong k = nvec * GOLU_VW + gid;                                                  \
            realV v = (realV)(GOLU_LOAD1(xp, k));                                                  \
            GOLU_STORE1(yp, k, GOLU_LANE0(golu_forward_value(v, alpha, beta, gamma)));             \
        }                                                                                          \
    }

GOLU_FORWARD_KERNEL(golu_forward_aligned, GOLU_LOAD_ALIGNED, GOLU_STORE_ALIGNED)
GOLU_FORWARD_KERNEL(golu_forward, GOLU_LOAD, GOLU_STORE)
