/*
 * libgolu fused-bias family, on a row-major [rows x cols] tensor (row r starts at element
 * r * cols) with a bias b of cols elements broadcast over the rows:
 *   forward   y = s * GoLU(x + b) + t * y
 *   backward  g = dy * GoLU'(x + b);  dx = s * g + t * dx;  db = s * (column sums of g) + t * db
 * x + b is formed in the compute type and rounded once. Needs golu_common.cl before it.
 *
 * The column sums are deterministic: the host splits the rows into blocks of rows_per_block; one
 * work-item sums one block of one strip of GOLU_VW columns, row after row, with a compensated
 * (Kahan) sum in the compute type; golu_bias_finish then adds the blocks' partial sums of each
 * column in block order, again compensated. The split depends only on the shape and the device's
 * launch configuration, never on timing, so every run adds the same numbers in the same order.
 */

/* GOLU_VW consecutive reals (a private array, or partial sums in global memory) as a realV, and
 * back; any element alignment. */
#if GOLU_VW == 1
#define GOLU_REALS_LOAD(a) ((a)[0])
#define GOLU_REALS_STORE(v, a) ((a)[0] = (v))
#else
#define GOLU_REALS_LOAD(a) GOLU_CAT(vload, GOLU_VW)(0, (a))
#define GOLU_REALS_STORE(v, a) GOLU_CAT(vstore, GOLU_VW)((v), 0, (a))
#endif

/* sum + v by Kahan's compensated step, comp holding the negated low part (the value is
 * sum - comp). Where the sum overflows, comp would be inf - inf: it is reset to 0 instead, so an
 * overflowing sum ends as +-inf rather than NaN; a NaN term still makes the sum NaN. TYPE is real
 * or realV. */
#define GOLU_KAHAN_ADD(TYPE, sum, comp, v)                                                         \
    do {                                                                                           \
        const TYPE y_ = (v) - (comp);                                                              \
        const TYPE s_ = (sum) + y_;                                                                \
        const TYPE c_ = (s_ - (sum)) - y_;                                                         \
        (comp) = isfinite(c_) ? c_ : (TYPE)0;                                                      \
        (sum) = s_;                                                                                \
    } while (0)

/* ---- forward -------------------------------------------------------------------------------- */

/* b at the GOLU_VW columns c, c + 1, ... of a vector of the flat array, wrapping to column 0 after
 * cols - 1 (any number of times when cols < GOLU_VW). b is small and read by every row, so it
 * stays in cache; whole-vector loads where the vector does not wrap. */
inline realV golu_bias_lanes(__global const storage_t *bp, ulong c, ulong cols)
{
    if (c + GOLU_VW <= cols)
        return GOLU_LOAD(bp + c, 0);
    real lanes[GOLU_VW];
    for (int j = 0; j < GOLU_VW; j++) {
        lanes[j] = GOLU_LOAD1(bp, c);
        c = c + 1 == cols ? 0 : c + 1;
    }
    return GOLU_REALS_LOAD(lanes);
}

/* An element-wise pass over the flat n = rows * cols elements, as golu_forward's, each work-item
 * keeping the column of its vector up to date by additions (no division in the loop). */
#define GOLU_FORWARD_BIAS_KERNEL(NAME, LOADV, STOREV)                                              \
    __kernel void NAME(__global const storage_t *x, ulong x_off, __global const storage_t *b,       \
                       ulong b_off, __global storage_t *y, ulong y_off, ulong n, ulong cols,       \
                       real alpha, real beta, real gamma, real s, real t)                          \
    {                                                                                              \
        __global const storage_t *xp = x + x_off;                                                  \
        __global const storage_t *bp = b + b_off;                                                  \
        __global storage_t *yp = y + y_off;                                                        \
        const ulong nvec = n / GOLU_VW;                                                            \
        const ulong gid = get_global_id(0);                                                        \
        const ulong stride = get_global_size(0);                                                   \
        if (gid < nvec) {                                                                          \
            ulong c = (gid * GOLU_VW) % cols;                                                      \
            const ulong step = (stride * GOLU_VW) % cols;                                          \
            for (ulong i = gid; i < nvec; i += stride) {                                           \
                realV v = golu_forward_value(LOADV(xp, i) + golu_bias_lanes(bp, c, cols), alpha,   \
                                             beta, gamma);                                         \
                STOREV(yp, i, GOLU_BLEND(v, LOADV(yp, i), s, t));                                  \
                c += step;                                                                         \
                c = c >= cols ? c - cols : c;                                                      \
            }                                                                                      \
        }                                                                                          \
        if (gid < n - nvec * GOLU_VW) {                                                            \
            const ulong k = nvec * GOLU_VW + gid;                                                  \
            real xb = GOLU_LOAD1(xp, k) + GOLU_LOAD1(bp, k % cols);                                \
            real v = GOLU_LANE0(golu_forward_value((realV)(xb), alpha, beta, gamma));              \
            GOLU_STORE1(yp, k, GOLU_BLEND1(v, GOLU_LOAD1(yp, k), s, t));                           \
        }                                                                                          \
    }

GOLU_FORWARD_BIAS_KERNEL(golu_forward_bias_aligned, GOLU_LOAD_ALIGNED, GOLU_STORE_ALIGNED)
GOLU_FORWARD_BIAS_KERNEL(golu_forward_bias, GOLU_LOAD, GOLU_STORE)

/* ---- backward ------------------------------------------------------------------------------- */

/* flags of golu_backward_bias (src/enqueue_bias.c passes the same values) */
#define GOLU_BIAS_HAS_DX 1u /* write dx (else dx is a placeholder, never touched) */
#define GOLU_BIAS_FINAL 2u  /* one block of rows: write db directly (partial is a placeholder) */

/* Elements of x, dy, dx at flat element index e (a multiple of GOLU_VW in the aligned variant,
 * where cols is one too and every row starts on a whole vector). */
#define GOLU_AT_ALIGNED(p, e) GOLU_LOAD_ALIGNED((p), (e) / GOLU_VW)
#define GOLU_PUT_ALIGNED(p, e, v) GOLU_STORE_ALIGNED((p), (e) / GOLU_VW, (v))
#define GOLU_AT(p, e) GOLU_LOAD((p) + (e), 0)
#define GOLU_PUT(p, e, v) GOLU_STORE((p) + (e), 0, (v))

/* The column strip that is narrower than GOLU_VW (the last width = cols % GOLU_VW columns, or all
 * of them when cols < GOLU_VW), rows [r0, r1): its (row, column) elements are taken GOLU_VW at a
 * time in row-major order, so that the vector arithmetic stays full even for cols == 1. Writes
 * dx, and each column's compensated sum to sums[0 .. width-1]. */
inline void golu_bias_narrow_strip(__global const storage_t *dyp, __global const storage_t *xp,
                                   __global const storage_t *bp, __global storage_t *dxp,
                                   ulong rows_begin, ulong rows_end, ulong cols, ulong c0,
                                   uint width, real alpha, real beta, real gamma, real s, real t,
                                   ulong flags, real *sums)
{
    real sum[GOLU_VW], comp[GOLU_VW];
    for (uint j = 0; j < GOLU_VW; j++)
        sum[j] = comp[j] = (real)0;
    const ulong count = (rows_end - rows_begin) * width;
    ulong r = rows_begin;
    uint c = 0; /* the next element's row and column (relative to c0) */
    for (ulong q = 0; q < count; q += GOLU_VW) {
        real xs[GOLU_VW], dys[GOLU_VW], gs[GOLU_VW];
        ulong rr = r;
        uint cc = c;
        for (uint j = 0; j < GOLU_VW; j++) {
            const int live = q + j < count;
            const ulong e = rr * cols + c0 + cc;
            xs[j] = live ? GOLU_LOAD1(xp, e) + GOLU_LOAD1(bp, c0 + cc) : (real)0;
            dys[j] = live ? GOLU_LOAD1(dyp, e) : (real)0;
            cc = cc + 1 == width ? 0 : cc + 1;
            rr = cc == 0 ? rr + 1 : rr;
        }
        realV g = golu_backward_value(GOLU_REALS_LOAD(xs), GOLU_REALS_LOAD(dys), alpha, beta,
                                      gamma);
        GOLU_REALS_STORE(g, gs);
        for (uint j = 0; j < GOLU_VW && q + j < count; j++) {
            const ulong e = r * cols + c0 + c;
            if (flags & GOLU_BIAS_HAS_DX)
                GOLU_STORE1(dxp, e, GOLU_BLEND1(gs[j], GOLU_LOAD1(dxp, e), s, t));
            GOLU_KAHAN_ADD(real, sum[c], comp[c], gs[j]);
            c = c + 1 == width ? 0 : c + 1;
            r = c == 0 ? r + 1 : r;
        }
    }
    for (uint j = 0; j < width; j++)
        sums[j] = sum[j] - comp[j];
}

/* Stage 1. `tasks` = blocks * strips, strips = ceil(cols / GOLU_VW); task k is strip k % strips of
 * block k / strips, so neighbouring work-items read neighbouring columns of a row. Each writes its
 * strip's sums over its rows to partial[block * cols + column] (the compute type), or with
 * GOLU_BIAS_FINAL (a single block) db = s * sum + t * db itself. */
#define GOLU_BACKWARD_BIAS_KERNEL(NAME, AT, PUT)                                                   \
    __kernel void NAME(__global const storage_t *dy, ulong dy_off, __global const storage_t *x,     \
                       ulong x_off, __global const storage_t *b, ulong b_off,                      \
                       __global storage_t *dx, ulong dx_off, __global real *partial,               \
                       ulong partial_off, __global storage_t *db, ulong db_off, ulong tasks,       \
                       ulong rows, ulong cols, ulong rows_per_block, ulong flags, real alpha,      \
                       real beta, real gamma, real s, real t)                                      \
    {                                                                                              \
        __global const storage_t *dyp = dy + dy_off;                                               \
        __global const storage_t *xp = x + x_off;                                                  \
        __global const storage_t *bp = b + b_off;                                                  \
        __global storage_t *dxp = dx + dx_off;                                                     \
        __global real *pp = partial + partial_off;                                                 \
        __global storage_t *dbp = db + db_off;                                                     \
        const ulong strips = (cols + GOLU_VW - 1) / GOLU_VW;                                       \
        for (ulong task = get_global_id(0); task < tasks; task += get_global_size(0)) {            \
            const ulong block = task / strips;                                                     \
            const ulong c0 = (task - block * strips) * GOLU_VW;                                    \
            const ulong r0 = block * rows_per_block;                                               \
            const ulong r1 = min(r0 + rows_per_block, rows);                                       \
            if (c0 + GOLU_VW <= cols) {                                                            \
                const realV bv = GOLU_LOAD(bp + c0, 0);                                            \
                realV sum = (realV)0, comp = (realV)0;                                             \
                for (ulong r = r0; r < r1; r++) {                                                  \
                    const ulong e = r * cols + c0;                                                 \
                    realV g = golu_backward_value(AT(xp, e) + bv, AT(dyp, e), alpha, beta, gamma); \
                    if (flags & GOLU_BIAS_HAS_DX)                                                  \
                        PUT(dxp, e, GOLU_BLEND(g, AT(dxp, e), s, t));                              \
                    GOLU_KAHAN_ADD(realV, sum, comp, g);                                           \
                }                                                                                  \
                const realV total = sum - comp;                                                    \
                if (flags & GOLU_BIAS_FINAL)                                                       \
                    GOLU_STORE(dbp + c0, 0, GOLU_BLEND(total, GOLU_LOAD(dbp + c0, 0), s, t));       \
                else                                                                               \
                    GOLU_REALS_STORE(total, pp + block * cols + c0);                             \
            } else {                                                                               \
                const uint width = (uint)(cols - c0);                                              \
                real sums[GOLU_VW];                                                                \
                golu_bias_narrow_strip(dyp, xp, bp, dxp, r0, r1, cols, c0, width, alpha, beta,     \
                                       gamma, s, t, flags, sums);                                  \
                for (uint j = 0; j < width; j++) {                                                 \
                    const ulong c = c0 + j;                                                        \
                    if (flags & GOLU_BIAS_FINAL)                                                   \
                        GOLU_STORE1(dbp, c, GOLU_BLEND1(sums[j], GOLU_LOAD1(dbp, c), s, t));       \
                    else                                                                           \
                        pp[block * cols + c] = sums[j];                                            \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

GOLU_BACKWARD_BIAS_KERNEL(golu_backward_bias_aligned, GOLU_AT_ALIGNED, GOLU_PUT_ALIGNED)
GOLU_BACKWARD_BIAS_KERNEL(golu_backward_bias, GOLU_AT, GOLU_PUT)

/* Stage 2: db[c] = s * (the blocks' partial sums of column c, added in block order) + t * db[c],
 * one column per work-item. With blocks == 0 (rows == 0) it is db = t * db. */
__kernel void golu_bias_finish(__global const real *partial, ulong partial_off,
                               __global storage_t *db, ulong db_off, ulong cols, ulong blocks,
                               real s, real t)
{
    __global const real *pp = partial + partial_off;
    __global storage_t *dbp = db + db_off;
    for (ulong c = get_global_id(0); c < cols; c += get_global_size(0)) {
        real sum = (real)0, comp = (real)0;
        for (ulong k = 0; k < blocks; k++)
            GOLU_KAHAN_ADD(real, sum, comp, pp[k * cols + c]);
        GOLU_STORE1(dbp, c, GOLU_BLEND1(sum - comp, GOLU_LOAD1(dbp, c), s, t));
    }
}
