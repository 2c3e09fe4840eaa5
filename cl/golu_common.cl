/*
 * libgolu: definitions shared by every GoLU kernel family. The host prepends
 *   #define GOLU_DTYPE <0 f32 | 1 f16 | 2 bf16 | 3 f64>   (golu_dtype's values)
 *   #define GOLU_VW    <1 | 2 | 4 | 8 | 16>               (elements per work-item per step)
 *   #define GOLU_UNROLL <1 | 2 | 4>                        (vectors loaded per step, see below)
 *   #define GOLU_HAS_FP16 <0 | 1>                          (device has cl_khr_fp16)
 *   #define GOLU_NV_PTX <0 | 1>                            (NVIDIA sm_80+: inline PTX, see below)
 *   #define GOLU_NV_PREFETCH <0 | 1>                       (NVIDIA sm_80+: L2 prefetch, see below)
 *   #define GOLU_LOAD_AHEAD <0 | 1>                        (CPU devices: the element-wise loops)
 *   #define GOLU_EXP2_POLY <0 | 1>                         (CPU devices: golu_exp2() below)
 * and concatenates this file with the family files. Each family defines two kernels: NAME_aligned,
 * which the host uses when every offset is a multiple of GOLU_VW (whole-vector loads and stores),
 * and NAME, which accepts any element offset.
 *
 * Storage vs compute: f32 and f64 compute in their own type; f16 (read with vload_half, so no
 * cl_khr_fp16 is needed) and bf16 (16-bit patterns in ushort) compute in float and are rounded
 * once, to nearest even, at the store.
 */
#ifndef GOLU_DTYPE
#define GOLU_DTYPE 0
#endif
#ifndef GOLU_VW
#define GOLU_VW 4
#endif
#ifndef GOLU_UNROLL
#define GOLU_UNROLL 1
#endif
#ifndef GOLU_HAS_FP16
#define GOLU_HAS_FP16 0 /* the host sets 1 when the device has cl_khr_fp16 */
#endif
#ifndef GOLU_NV_PTX
#define GOLU_NV_PTX 0
#endif
#ifndef GOLU_NV_PREFETCH
#define GOLU_NV_PREFETCH 0
#endif
#ifndef GOLU_LOAD_AHEAD
#define GOLU_LOAD_AHEAD 0
#endif
#ifndef GOLU_EXP2_POLY
#define GOLU_EXP2_POLY 0
#endif

#define GOLU_CAT_(a, b) a##b
#define GOLU_CAT(a, b) GOLU_CAT_(a, b)

/* GOLU_UNROLL_EACH(M, A, B, C): M(0, A, B, C) M(1, A, B, C) ... up to GOLU_UNROLL - 1. The
 * element-wise kernels' unrolled loop step (GOLU_UNROLL > 1) writes its loads and its stores with
 * it: an unroll by hand, so that no compiler keeps the step rolled or its vectors in memory. */
#if GOLU_UNROLL == 1
#define GOLU_UNROLL_EACH(M, A, B, C) M(0, A, B, C)
#elif GOLU_UNROLL == 2
#define GOLU_UNROLL_EACH(M, A, B, C) M(0, A, B, C) M(1, A, B, C)
#elif GOLU_UNROLL == 4
#define GOLU_UNROLL_EACH(M, A, B, C) M(0, A, B, C) M(1, A, B, C) M(2, A, B, C) M(3, A, B, C)
#else
#error "GOLU_UNROLL must be 1, 2 or 4"
#endif

#if GOLU_VW == 1
#define GOLU_VSUFFIX
#define GOLU_LANE0(v) (v)
#else
#define GOLU_VSUFFIX GOLU_VW
#define GOLU_LANE0(v) ((v).s0)
#endif

#if GOLU_DTYPE == 3
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define GOLU_REAL double
#define GOLU_REAL_MAX DBL_MAX
#else
#define GOLU_REAL float
#define GOLU_REAL_MAX FLT_MAX
#endif
typedef GOLU_REAL real;
typedef GOLU_CAT(GOLU_REAL, GOLU_VSUFFIX) realV;

/* ---- NVIDIA, compute capability 8.0 and later: inline PTX ---------------------------------- */
/* The host sets GOLU_NV_PTX only there (cl_nv_device_attribute_query). The 16-bit dtypes then
 * move whole vectors as GOLU_VW / 2 uints, uint j holding elements 2j (low half) and 2j + 1
 * (high half); cvt.rn.{bf16,f16}x2.f32 rounds two floats to nearest even and packs them in one
 * instruction (+-inf for overflow, the canonical NaN for NaN), and their aligned whole-vector
 * stores are st.global.cs (streaming: each output is written once and not read back), which
 * took the bf16 forward from 95 % to 97-98 % of copy on an H200. */
#if GOLU_NV_PTX && GOLU_VW > 1
#if GOLU_VW == 2
typedef uint golu_pairsV;
#define golu_as_pairs as_uint
#else
#if GOLU_VW == 4
#define GOLU_PAIRS_SUFFIX 2
#elif GOLU_VW == 8
#define GOLU_PAIRS_SUFFIX 4
#else
#define GOLU_PAIRS_SUFFIX 8
#endif
typedef GOLU_CAT(uint, GOLU_PAIRS_SUFFIX) golu_pairsV;
#define golu_as_pairs GOLU_CAT(as_uint, GOLU_PAIRS_SUFFIX)
#endif

inline void golu_st_cs_v4(__global uint *p, uint a, uint b, uint c, uint d)
{
    __asm__ volatile("st.global.cs.v4.u32 [%0], {%1, %2, %3, %4};"
                     :
                     : "l"(p), "r"(a), "r"(b), "r"(c), "r"(d)
                     : "memory");
}

/* Stores u at p (aligned to its size) with the streaming cache hint. */
inline void golu_store_pairs_cs(__global uint *p, golu_pairsV u)
{
#if GOLU_VW == 2
    __asm__ volatile("st.global.cs.u32 [%0], %1;" : : "l"(p), "r"(u) : "memory");
#elif GOLU_VW == 4
    __asm__ volatile("st.global.cs.v2.u32 [%0], {%1, %2};" : : "l"(p), "r"(u.s0), "r"(u.s1)
                     : "memory");
#elif GOLU_VW == 8
    golu_st_cs_v4(p, u.s0, u.s1, u.s2, u.s3);
#else
    golu_st_cs_v4(p, u.s0, u.s1, u.s2, u.s3);
    golu_st_cs_v4(p + 4, u.s4, u.s5, u.s6, u.s7);
#endif
}

/* NAME(lo, hi): the uint of lo (low half) and hi (high half) rounded by INSN, a two-float PTX
 * conversion (cvt.rn.bf16x2.f32, cvt.rn.f16x2.f32: the first source goes to the high half). */
#define GOLU_PTX_CVT_X2(NAME, INSN)                                                                \
    inline uint NAME(float lo, float hi)                                                           \
    {                                                                                              \
        uint d;                                                                                    \
        __asm__(INSN " %0, %1, %2;" : "=r"(d) : "f"(hi), "f"(lo));                                 \
        return d;                                                                                  \
    }

/* The pairs of a whole vector, from floats, by a two-float PTX conversion (CVT: bf16x2, f16x2). */
#define GOLU_PAIR(CVT, f, a, b) golu_##CVT##_rn((f).a, (f).b)
#if GOLU_VW == 2
#define GOLU_PAIRS(CVT, f) GOLU_PAIR(CVT, f, s0, s1)
#elif GOLU_VW == 4
#define GOLU_PAIRS(CVT, f) (golu_pairsV)(GOLU_PAIR(CVT, f, s0, s1), GOLU_PAIR(CVT, f, s2, s3))
#elif GOLU_VW == 8
#define GOLU_PAIRS(CVT, f)                                                                         \
    (golu_pairsV)(GOLU_PAIR(CVT, f, s0, s1), GOLU_PAIR(CVT, f, s2, s3), GOLU_PAIR(CVT, f, s4, s5), \
                  GOLU_PAIR(CVT, f, s6, s7))
#else
#define GOLU_PAIRS(CVT, f)                                                                         \
    (golu_pairsV)(GOLU_PAIR(CVT, f, s0, s1), GOLU_PAIR(CVT, f, s2, s3), GOLU_PAIR(CVT, f, s4, s5), \
                  GOLU_PAIR(CVT, f, s6, s7), GOLU_PAIR(CVT, f, s8, s9), GOLU_PAIR(CVT, f, sa, sb), \
                  GOLU_PAIR(CVT, f, sc, sd), GOLU_PAIR(CVT, f, se, sf))
#endif

/* The floats of a whole vector, from its pairs: W(u) widens one uint into two floats. */
#if GOLU_VW == 2
#define GOLU_UNPAIR(W, u) (realV)(W(u))
#elif GOLU_VW == 4
#define GOLU_UNPAIR(W, u) (realV)(W((u).s0), W((u).s1))
#elif GOLU_VW == 8
#define GOLU_UNPAIR(W, u) (realV)(W((u).s0), W((u).s1), W((u).s2), W((u).s3))
#else
#define GOLU_UNPAIR(W, u)                                                                          \
    (realV)(W((u).s0), W((u).s1), W((u).s2), W((u).s3), W((u).s4), W((u).s5), W((u).s6), W((u).s7))
#endif
#endif

/* ---- storage: load into realV, store from realV ------------------------------------------- */
/* p is already advanced by the array's element offset; i counts vectors of GOLU_VW elements
 * (LOAD1/STORE1: single elements). */

#if GOLU_DTYPE == 0 || GOLU_DTYPE == 3
typedef real storage_t;
typedef realV storageV;
#define GOLU_LOAD_ALIGNED(p, i) (((__global const storageV *)(p))[i])
#define GOLU_STORE_ALIGNED(p, i, v) (((__global storageV *)(p))[i] = (v))
#if GOLU_VW == 1
#define GOLU_LOAD(p, i) ((p)[i])
#define GOLU_STORE(p, i, v) ((p)[i] = (v))
#else
#define GOLU_LOAD(p, i) GOLU_CAT(vload, GOLU_VW)((i), (p))
#define GOLU_STORE(p, i, v) GOLU_CAT(vstore, GOLU_VW)((v), (i), (p))
#endif
#define GOLU_LOAD1(p, k) ((p)[k])
#define GOLU_STORE1(p, k, s) ((p)[k] = (s))

#elif GOLU_DTYPE == 1 && GOLU_HAS_FP16
/* With cl_khr_fp16 the conversions are single instructions; vstore_half_rte can be a slow
 * software routine (measured on NVIDIA's OpenCL: docs/PERFORMANCE.md). Same rounding. */
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
typedef half storage_t;
typedef GOLU_CAT(half, GOLU_VSUFFIX) storageV;
#define golu_to_real GOLU_CAT(convert_float, GOLU_VSUFFIX)
#define golu_to_half GOLU_CAT(GOLU_CAT(convert_half, GOLU_VSUFFIX), _rte)
#define GOLU_LOAD_ALIGNED(p, i) golu_to_real(((__global const storageV *)(p))[i])
#define GOLU_STORE_ALIGNED(p, i, v) (((__global storageV *)(p))[i] = golu_to_half(v))
#if GOLU_VW == 1
#define GOLU_LOAD(p, i) golu_to_real((p)[i])
#define GOLU_STORE(p, i, v) ((p)[i] = golu_to_half(v))
#else
#define GOLU_LOAD(p, i) golu_to_real(GOLU_CAT(vload, GOLU_VW)((i), (p)))
#define GOLU_STORE(p, i, v) GOLU_CAT(vstore, GOLU_VW)(golu_to_half(v), (i), (p))
#endif
#define GOLU_LOAD1(p, k) convert_float((p)[k])
#define GOLU_STORE1(p, k, s) ((p)[k] = convert_half_rte(s))

#elif GOLU_DTYPE == 1
/* Without cl_khr_fp16: whole-vector loads and stores move the 16-bit patterns as ushortN (one
 * wide memory access), and vload_halfN / vstore_halfN_rte convert them in private memory. */
typedef half storage_t;
typedef GOLU_CAT(ushort, GOLU_VSUFFIX) golu_half_bitsV;
#if GOLU_VW == 1
#define golu_vload_half vload_half
#define golu_vstore_half_rte vstore_half_rte
#else
#define golu_vload_half GOLU_CAT(vload_half, GOLU_VW)
#define golu_vstore_half_rte GOLU_CAT(GOLU_CAT(vstore_half, GOLU_VW), _rte)
#endif
#if GOLU_NV_PTX && GOLU_VW > 1
/* NVIDIA sm_80+ (above): cvt per element in, cvt.rn.f16x2.f32 per pair out. */
inline float2 golu_f16x2_to_float2(uint u)
{
    float2 f;
    __asm__("{\n\t.reg .b16 lo, hi;\n\tmov.b32 {lo, hi}, %2;\n\tcvt.f32.f16 %0, lo;\n\t"
            "cvt.f32.f16 %1, hi;\n\t}"
            : "=f"(f.s0), "=f"(f.s1)
            : "r"(u));
    return f;
}
GOLU_PTX_CVT_X2(golu_f16x2_rn, "cvt.rn.f16x2.f32")
#define GOLU_F16_PAIR(u) golu_f16x2_to_float2(u).s0, golu_f16x2_to_float2(u).s1
inline realV golu_half_bits_to_real(golu_half_bitsV b)
{
    golu_pairsV u = golu_as_pairs(b);
    return GOLU_UNPAIR(GOLU_F16_PAIR, u);
}
#define GOLU_STORE_ALIGNED(p, i, v)                                                                \
    golu_store_pairs_cs((__global uint *)((__global golu_half_bitsV *)(p) + (i)),                  \
                        GOLU_PAIRS(f16x2, (v)))
#else
inline realV golu_half_bits_to_real(golu_half_bitsV b)
{
    return golu_vload_half(0, (const __private half *)&b);
}
inline golu_half_bitsV golu_real_to_half_bits(realV v)
{
    golu_half_bitsV b;
    golu_vstore_half_rte(v, 0, (__private half *)&b);
    return b;
}
#define GOLU_STORE_ALIGNED(p, i, v) (((__global golu_half_bitsV *)(p))[i] = golu_real_to_half_bits(v))
#endif
#define GOLU_LOAD_ALIGNED(p, i) golu_half_bits_to_real(((__global const golu_half_bitsV *)(p))[i])
#if GOLU_NV_PTX && GOLU_VW > 1
/* any element offset: the bit patterns by vloadN/vstoreN, the conversions as above */
#define GOLU_LOAD(p, i)                                                                            \
    golu_half_bits_to_real(GOLU_CAT(vload, GOLU_VW)((i), (__global const ushort *)(p)))
#define GOLU_STORE(p, i, v)                                                                        \
    GOLU_CAT(vstore, GOLU_VW)(GOLU_CAT(as_ushort, GOLU_VSUFFIX)(GOLU_PAIRS(f16x2, (v))), (i),       \
                              (__global ushort *)(p))
#else
#define GOLU_LOAD(p, i) golu_vload_half((i), (p))
#define GOLU_STORE(p, i, v) golu_vstore_half_rte((v), (i), (p))
#endif
#define GOLU_LOAD1(p, k) vload_half((k), (p))
#define GOLU_STORE1(p, k, s) vstore_half_rte((s), (k), (p))

#elif GOLU_DTYPE == 2
typedef ushort storage_t;
typedef GOLU_CAT(ushort, GOLU_VSUFFIX) storageV;
typedef GOLU_CAT(uint, GOLU_VSUFFIX) uintV;

#if GOLU_NV_PTX && GOLU_VW > 1
/* NVIDIA sm_80+ (above): widening is one shift or mask per element, rounding one
 * cvt.rn.bf16x2.f32 per pair, where the integer rounding below costs about eight operations per
 * element (it made bf16 the slowest dtype on an H200). */
GOLU_PTX_CVT_X2(golu_bf16x2_rn, "cvt.rn.bf16x2.f32")
#define GOLU_BF16_PAIR(u) as_float((u) << 16), as_float((u) & 0xffff0000u)
inline realV golu_bf16_to_real(storageV b)
{
    golu_pairsV u = golu_as_pairs(b);
    return GOLU_UNPAIR(GOLU_BF16_PAIR, u);
}
inline storageV golu_real_to_bf16(realV f)
{
    return GOLU_CAT(as_ushort, GOLU_VSUFFIX)(GOLU_PAIRS(bf16x2, f));
}
#define GOLU_STORE_ALIGNED(p, i, v)                                                                \
    golu_store_pairs_cs((__global uint *)((__global storageV *)(p) + (i)), GOLU_PAIRS(bf16x2, (v)))
#else
/* bf16 -> float is exact: the pattern is the upper half of the binary32. */
inline realV golu_bf16_to_real(storageV b)
{
    return GOLU_CAT(as_float, GOLU_VSUFFIX)(GOLU_CAT(convert_uint, GOLU_VSUFFIX)(b) << 16);
}

/* float -> bf16, round to nearest even; +-inf stay inf, overflow rounds to inf, NaN stays a
 * (quiet) NaN of the same sign. */
inline storageV golu_real_to_bf16(realV f)
{
    uintV b = GOLU_CAT(as_uint, GOLU_VSUFFIX)(f);
    uintV rounded = (b + (uintV)0x7fffu + ((b >> 16) & (uintV)1u)) >> 16;
    uintV quiet_nan = (b >> 16) | (uintV)0x40u;
    return GOLU_CAT(convert_ushort, GOLU_VSUFFIX)(select(rounded, quiet_nan, isnan(f)));
}
#define GOLU_STORE_ALIGNED(p, i, v) (((__global storageV *)(p))[i] = golu_real_to_bf16(v))
#endif

inline float golu_bf16_to_real1(ushort b) { return as_float((uint)b << 16); }
inline ushort golu_real_to_bf16_1(float f)
{
    uint b = as_uint(f);
    return isnan(f) ? (ushort)((b >> 16) | 0x40u) : (ushort)((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}

#define GOLU_LOAD_ALIGNED(p, i) golu_bf16_to_real(((__global const storageV *)(p))[i])
#if GOLU_VW == 1
#define GOLU_LOAD(p, i) golu_bf16_to_real((p)[i])
#define GOLU_STORE(p, i, v) ((p)[i] = golu_real_to_bf16(v))
#else
#define GOLU_LOAD(p, i) golu_bf16_to_real(GOLU_CAT(vload, GOLU_VW)((i), (p)))
#define GOLU_STORE(p, i, v) GOLU_CAT(vstore, GOLU_VW)(golu_real_to_bf16(v), (i), (p))
#endif
#define GOLU_LOAD1(p, k) golu_bf16_to_real1((p)[k])
#define GOLU_STORE1(p, k, s) ((p)[k] = golu_real_to_bf16_1(s))

#else
#error "GOLU_DTYPE must be 0 (f32), 1 (f16), 2 (bf16) or 3 (f64)"
#endif

/* ---- prefetch: the next loop step's input, into L2 ---------------------------------------- */
/* GOLU_PREFETCH(OUT, p, j): with GOLU_NV_PREFETCH (the host sets it for the f32 and bf16 forwards
 * on NVIDIA sm_80+, where it was measured), the loop of one vector a step (GOLU_UNROLL 1, not
 * GOLU_LOAD_AHEAD's) and an OUT whose OUT_PREFETCH is 1 (the plain kernels: the blending ones
 * also read their output, and bf16's lost 17 points with it), asks the L2 cache for vector j of
 * p when j < nvec (the caller's vector count): PTX prefetch.global.L2, a hint, so no register
 * holds the data and nothing waits for it, and the next step's load finds it in L2 while this
 * step computes. Elsewhere nothing. */
#if GOLU_NV_PREFETCH
inline void golu_prefetch_l2(__global const storage_t *p, ulong j)
{
    __asm__ volatile("prefetch.global.L2 [%0];"
                     :
                     : "l"((__global const uchar *)p + j * (GOLU_VW * sizeof(storage_t))));
}
#define GOLU_PREFETCH(OUT, p, j)                                                                   \
    do {                                                                                           \
        if (GOLU_CAT(OUT, _PREFETCH) && GOLU_UNROLL == 1 && (j) < nvec)                            \
            golu_prefetch_l2((p), (j));                                                            \
    } while (0);
#else
#define GOLU_PREFETCH(OUT, p, j)
#endif

/* ---- the gate, shared by forward and backward ---------------------------------------------- */

/* For u = -gamma*x, z = beta*exp(u) and the gate t = exp(-z), golu_gate() returns
 *   t,  u (clamped to [GOLU_U_MIN, GOLU_U_MAX])  and  w = z*t,
 * all finite for any x but NaN, so that forward = alpha*x*t and backward = dy*alpha*(t - u*w)
 * need no masking. The clamp keeps beta*exp(u) finite: beyond it the gate is exactly 0 or 1 in
 * the dtype for 2^-60 <= beta <= 2^60, so results do not change (x = -inf gives t = 0: the
 * limits).
 *
 * GOLU_PRECISE (default for f32 and f64): z's relative error is amplified z-fold in t, which
 * costs the plain formula up to tens of ulp for x < -1. So exp(u) is evaluated here to about
 * twice the working precision (Cody-Waite reduction, exact products by fma, a double-word sum),
 * z is kept as z + z_lo, and t = exp(-z) * (1 - z_lo) with the builtin exp. The rounding of
 * -gamma*x is folded in the same way. Result: t within the builtin exp's error plus about
 * 0.5 ulp (f32: a little more, its r^3 terms are rounded once in the low part).
 *
 * Otherwise (f16, bf16: results are rounded to 8 or 11 bits, where float's error does not
 * show): the plain formula with exp2, which devices evaluate fast without relaxed math. */
#ifndef GOLU_PRECISE
#define GOLU_PRECISE (GOLU_DTYPE == 0 || GOLU_DTYPE == 3)
#endif

typedef struct {
    realV t;
    realV u;
    realV w;
} golu_gate_t;

/* Clamp v to [-limit, limit]. The backward needs NaN kept (compare and select); the forward
 * does not, since its result is x * t and x carries the NaN, so it takes the cheaper fmin/fmax. */
#define GOLU_NAN_KEEPING 1
#define GOLU_NAN_FREE 0
inline realV golu_clamp(realV v, real lo, real hi, int keep_nan)
{
    if (keep_nan) {
        v = v > (realV)hi ? (realV)hi : v;
        return v < (realV)lo ? (realV)lo : v;
    }
    return fmin(fmax(v, (realV)lo), (realV)hi);
}

/* alpha * x * t, in an order chosen by |alpha| (uniform): (alpha*x)*t for |alpha| <= 1, where
 * alpha*x cannot overflow and its underflow's error (2^-150 at most, then times t <= 1) is inside
 * golu.h's absolute term, 2*(1 + |alpha*x|) subnormal units; x*(alpha*t) for |alpha| > 1, where
 * alpha*t (<= 2^60) cannot overflow, the product with x is rounded once, and alpha*t's own
 * underflow error, times |x| < |alpha*x|, is inside that term too. Each fixed order fails
 * somewhere: alpha*(x*t), the order before this session, rounded x*t of a tiny x on the
 * subnormal grid and alpha multiplied that error (f32, alpha 1e15, x = 1.4e-42: 6525 ulp in
 * golu-bench --accuracy; bf16 x = 2^-133, alpha 2^60, beta 10.2: 32 ulp in a review's scalar
 * reproduction); x*(alpha*t) underflowed alpha*t for a small alpha and multiplied that by a large
 * |x| (a review's reproduction: alpha 0.01, gamma 0.1, x = -45.65, 3.4 times the bound; alpha
 * 2^-60, gamma 0, beta 90, x = 2^127: 0 for 2^-62.8; test_params saw f32
 * zeros). Written as two factors, one of
 * them 1 (exact), so that no element selects: on an H200 a per-element select between two orders
 * cost the f16 forward a fifth of its speed. f16 keeps alpha*(x*t): its results' resolution,
 * 2^-24, is far above any of these errors (at most |alpha| * 2^-150 <= 2^-90).
 * x = -inf is mapped to -REAL_MAX, so that a zero gate gives the limit -0 rather than -inf * 0
 * (NaN stays NaN: the comparison is false). With gamma <= 0 the gate at -inf is not 0, and the
 * forward there is finite, -REAL_MAX times alpha and the computed gate (golu.h), where the limit is
 * -inf: a mapping chosen by gamma's sign cost an H200's f16 forward 4 % at 2^24 (a uniform compare
 * against a register instead of a constant, measured against this mapping in one call). */
inline realV golu_scale_by_gate(realV x, realV t, real alpha)
{
    realV xf = x < (realV)(-GOLU_REAL_MAX) ? (realV)(-GOLU_REAL_MAX) : x;
#if GOLU_DTYPE == 1
    return alpha * (xf * t);
#else
    const int big = fabs(alpha) > (real)1; /* uniform */
    const real on_x = big ? (real)1 : alpha, on_t = big ? alpha : (real)1;
    return (xf * on_x) * (t * on_t);
#endif
}

/* The compute type's representation: exponent bias and mantissa bits, its same-sized integer
 * vectors (golu_intV: float only, for bf16's backward), and the shifter whose sum with v rounds
 * v to an integer held in the low bits (see golu_pow2_of_shifted()). */
#if GOLU_DTYPE == 3
#define GOLU_EXP_BIAS 1023
#define GOLU_MANT_BITS 52
typedef GOLU_CAT(ulong, GOLU_VSUFFIX) golu_uintV;
#define golu_as_uintV GOLU_CAT(as_ulong, GOLU_VSUFFIX)
#define golu_as_realV GOLU_CAT(as_double, GOLU_VSUFFIX)
#define GOLU_SHIFTER 0x1.8p52 /* 1.5 * 2^52: see golu_pow2_of_shifted() */
#define GOLU_SHIFTER_BITS 0x4338000000000000L
#else
#define GOLU_EXP_BIAS 127
#define GOLU_MANT_BITS 23
typedef GOLU_CAT(int, GOLU_VSUFFIX) golu_intV;
typedef GOLU_CAT(uint, GOLU_VSUFFIX) golu_uintV;
#define golu_as_uintV GOLU_CAT(as_uint, GOLU_VSUFFIX)
#define golu_as_realV GOLU_CAT(as_float, GOLU_VSUFFIX)
#define GOLU_SHIFTER 0x1.8p23f /* 1.5 * 2^23: see golu_pow2_of_shifted() */
#define GOLU_SHIFTER_BITS 0x4b400000
#endif

/* 2^k from sh = v + 1.5 * 2^MANT_BITS, whose one rounding (of the sum, or of an fma) makes v an
 * integer k (|v| < 2^(MANT_BITS - 1)): k = sh - that constant exactly, and sh's low bits
 * are k, so 2^k is an integer add and a shift from them (k in the normal exponent range). No
 * rint, no float-to-int conversion: on GPUs those go to a slower pipe than fma. */
inline realV golu_pow2_of_shifted(realV sh)
{
    /* unsigned: a NaN sh (the backward keeps NaN) must not make a signed shift overflow */
    return golu_as_realV((golu_as_uintV(sh) + (golu_uintV)(GOLU_EXP_BIAS - GOLU_SHIFTER_BITS))
                         << GOLU_MANT_BITS);
}

#if GOLU_PRECISE

#if GOLU_DTYPE == 3
#define GOLU_U_MAX 600.0 /* beta*exp(u) finite for beta <= 2^60; beyond it t == 0 for beta >= 2^-60 */
#define GOLU_U_MIN -708.0 /* exp(u) normal; below it t == 1 for beta <= 2^60 */
#define GOLU_INV_LN2 0x1.71547652b82fep+0
#define GOLU_LN2_HI 0x1.62e42fefa39efp-1 /* ln 2 rounded to double */
#define GOLU_LN2_LO 0x1.abc9e3b39803fp-56 /* ln 2 - GOLU_LN2_HI */
#define GOLU_Z_SUBNORMAL 700.0 /* exp(-z) is subnormal beyond ~708 */
#define GOLU_LN2_SHORT_HI 0x1.62e42fefa2000p-1 /* ln 2 to 40 bits: 64 * it - z is exact */
#define GOLU_LN2_SHORT_LO 0x1.9ef35793c7673p-41
/* (exp(r) - 1 - r - r^2/2 - r^3/6) / r^4 on |r| <= ln2/2: Taylor to r^12 (remainder < 2^-66).
 * f64 keeps r^3/6 apart, as a double-word, because its rounding (2^-60) would show in the tails. */
#define GOLU_SIXTH_HI 0x1.5555555555555p-3
#define GOLU_SIXTH_LO 0x1.5555555555555p-57
inline realV golu_exp_quartic_poly(realV r)
{
    realV q = fma(r, (realV)(1.0 / 1307674368000.0), (realV)(1.0 / 87178291200.0));
    q = fma(r, q, (realV)(1.0 / 6227020800.0));
    q = fma(r, q, (realV)(1.0 / 479001600.0));
    q = fma(r, q, (realV)(1.0 / 39916800.0));
    q = fma(r, q, (realV)(1.0 / 3628800.0));
    q = fma(r, q, (realV)(1.0 / 362880.0));
    q = fma(r, q, (realV)(1.0 / 40320.0));
    q = fma(r, q, (realV)(1.0 / 5040.0));
    q = fma(r, q, (realV)(1.0 / 720.0));
    q = fma(r, q, (realV)(1.0 / 120.0));
    return fma(r, q, (realV)(1.0 / 24.0));
}
/* r^3/6 + r^4*q(r) as hi + lo (|hi| <= 0.007); *lo gains lo and p_lo / 2. (The tail's product
 * with these terms is taken by golu_inner() in f64.) */
inline realV golu_exp_cubic_terms(realV r, realV p, realV p_lo, realV tail, realV *lo)
{
    (void)tail;
    realV r3 = r * p;
    realV r3_lo = fma(r, p, -r3) + r * p_lo;
    realV c = r3 * GOLU_SIXTH_HI;
    *lo += (fma(r3, (realV)GOLU_SIXTH_HI, -c) + (r3 * GOLU_SIXTH_LO + r3_lo * GOLU_SIXTH_HI) +
            (p * p) * golu_exp_quartic_poly(r)) + (real)0.5 * p_lo;
    return c;
}
#else
#define GOLU_U_MAX 46.5f /* beta*exp(u) finite for beta <= 2^60; beyond it t == 0 for beta >= 2^-60 */
#define GOLU_U_MIN -87.0f /* exp(u) normal; below it t == 1 for beta <= 2^60 */
#define GOLU_INV_LN2 0x1.715476p+0f
#define GOLU_LN2_HI 0x1.62e430p-1f  /* ln 2 rounded to float */
#define GOLU_LN2_LO -0x1.05c610p-29f /* ln 2 - GOLU_LN2_HI */
/* (exp(r) - 1 - r - r^2/2) / r^3 on |r| <= ln2/2 (and 2 % beyond): degree 4, fitted to r^3 times
 * it (Lawson's weighted least squares, float coefficients rounded one at a time from the top and
 * the rest refitted, mpmath at 120 bits): |r^3 * (q - that)| < 2^-31.6 over the range, against
 * 2^-32 of the degree-6 Taylor polynomial it replaced (two fma fewer per element). */
inline realV golu_exp_cubic_poly(realV r)
{
    realV q = fma(r, (realV)0x1.a1abb2p-13f, (realV)0x1.6d5b7cp-10f);
    q = fma(r, q, (realV)0x1.11108ap-7f);
    q = fma(r, q, (realV)0x1.5554dcp-5f);
    return fma(r, q, (realV)0x1.555556p-3f);
}
/* (r^3/6 + r^4/24 + ...) * (1 + tail): in f32 a single term (rounding 2^-31) is enough; *lo gains
 * p_lo / 2. The tail factor is taken here, off the polynomial's dependency chain (as hi's
 * product with it would put one more operation on it): without it, test_params' beta = 2^-60,
 * gamma = 0.37 case failed on 237 of 20,000 inputs (up to 8.9 ulp among those it printed). */
inline realV golu_exp_cubic_terms(realV r, realV p, realV p_lo, realV tail, realV *lo)
{
    *lo = fma((realV)0.5f, p_lo, *lo);
    const realV rp = r * p;
    return fma(rp, tail, rp) * golu_exp_cubic_poly(r);
}
#endif

/* z = beta * exp(-gamma*x) = (be + be_lo) * scale, and u = -gamma*x clamped. */
typedef struct {
    realV u;
    realV be;
    realV be_lo;
    realV scale;
} golu_inner_t;

inline golu_inner_t golu_inner(realV x, real beta, real gamma, int keep_nan)
{
    golu_inner_t in;
    realV u = -gamma * x;
    realV d = (realV)0; /* u + d == -gamma*x exactly; d == 0 for gamma == 1 (a uniform branch) */
    if (gamma != (real)1) {
        d = fma((realV)(-gamma), x, -u);
        /* x = +-inf, -gamma*x overflowed, or u is about to be clamped: no correction */
        d = (u > (realV)GOLU_U_MIN && u < (realV)GOLU_U_MAX && isfinite(d)) ? d : (realV)0;
    }
    u = golu_clamp(u, GOLU_U_MIN, GOLU_U_MAX, keep_nan);

    /* exp(u + d) = 2^k * exp(r + r_tail); r exact by fma, |r| <= ln2/2 */
    realV sh = fma(u, (realV)GOLU_INV_LN2, (realV)GOLU_SHIFTER);
    realV k = sh - (realV)GOLU_SHIFTER;
    realV r = fma(-k, (realV)GOLU_LN2_HI, u);
    realV r_tail = fma(-k, (realV)GOLU_LN2_LO, d);

    /* exp(r) = 1 + m, m = r + r^2/2 + (r^3/6 + ...), as the double-word hi + lo: each partial
     * sum's rounding error is taken exactly (Fast2Sum: the larger term first; |m| < 1) and the
     * small ones gather in lo */
    realV p = r * r;
    realV p_lo = fma(r, r, -p);
    realV h = (real)0.5 * p;
    realV m1 = r + h;
    realV lo = (r - m1) + h;
    realV c = golu_exp_cubic_terms(r, p, p_lo, r_tail, &lo);
#if GOLU_DTYPE == 3
    /* f64: c (r^3/6, up to 0.007) joins the high part, since its rounding in lo (2^-61) would
     * show in the tails; f64's lo holds r^4 terms (~5e-4, not a rounding) */
    realV m = m1 + c;
    lo += (m1 - m) + c;
    realV hi = (real)1 + m;
    lo += ((real)1 - hi) + m;
    lo = fma(hi, r_tail, fma(lo, r_tail, lo));
#else
    /* f32: c (already times 1 + r_tail) joins lo last, after the exact error terms: one
     * rounding of at most 2^-32 */
    realV hi = (real)1 + m1;
    lo += ((real)1 - hi) + m1;
    lo = fma(hi, r_tail, lo) + c;
#endif
    realV e = hi + lo;
    realV e_lo = (hi - e) + lo;

    /* z = beta * exp(u + d) as (be + be_lo) * 2^k */
    in.u = u;
    in.be = e;
    in.be_lo = e_lo;
    if (beta != (real)1) { /* a uniform branch: beta is a kernel argument */
        in.be = beta * e;
        in.be_lo = fma((realV)beta, e, -in.be) + beta * e_lo;
    }
    in.scale = golu_pow2_of_shifted(sh);
    return in;
}

/* t = exp(-z) * (1 - z_lo), z = be * scale exactly */
inline golu_gate_t golu_gate(realV x, real beta, real gamma)
{
    golu_gate_t g;
    golu_inner_t in = golu_inner(x, beta, gamma, GOLU_NAN_KEEPING);
    realV t0 = exp(-(in.be * in.scale));
    g.t = fma(-t0, in.be_lo * in.scale, t0);
    g.u = in.u;
    g.w = in.be * (in.scale * g.t); /* z*t; scale*t cannot overflow where t > 0 */
    return g;
}

#if GOLU_DTYPE == 3
/* f64: where the gate t = exp(-z) would be subnormal (z > GOLU_Z_SUBNORMAL) it is computed 2^64
 * times larger, as exp(-(z - 64*ln2)) with z - 64*ln2_short exact, and *back (2^-64, else 1)
 * scales the final result: the forward is then rounded once also where it is subnormal, and the
 * backward's t*(1 + u*z), normal where t is not, keeps its precision. (f32 skips this on GPUs: it
 * costs their compute-bound f32 forward; there the tails lose a few ulp, docs/ACCURACY.md. CPU
 * devices' plain f32 forward rescales its own way: golu_forward_value_plain().) */
inline realV golu_gate_rescaled(golu_inner_t in, realV *back)
{
    realV z = in.be * in.scale;
    realV z_lo = in.be_lo * in.scale;
    realV tiny = z > (realV)GOLU_Z_SUBNORMAL ? (realV)1 : (realV)0;
    realV t0 = exp(-fma(tiny, (realV)(-64 * GOLU_LN2_SHORT_HI), z));
    *back = tiny > (realV)0 ? (realV)0x1p-64 : (realV)1;
    return fma(-t0, fma(tiny, (realV)(-64 * GOLU_LN2_SHORT_LO), z_lo), t0);
}

inline realV golu_forward_value(realV x, real alpha, real beta, real gamma)
{
    realV back;
    realV t = golu_gate_rescaled(golu_inner(x, beta, gamma, GOLU_NAN_FREE), &back);
    return golu_scale_by_gate(x, t, alpha) * back;
}

/* The backward's derivative times dy; also the gate it computed, unscaled (see
 * golu_backward_value() below). */
inline realV golu_backward_parts(realV x, realV dy, real alpha, real beta, real gamma, realV *gate)
{
    golu_inner_t in = golu_inner(x, beta, gamma, GOLU_NAN_KEEPING);
    realV back;
    realV t = golu_gate_rescaled(in, &back);
    realV w = in.be * (in.scale * t); /* z*t, scaled like t */
    *gate = t * back;
    return ((alpha * fma(-in.u, w, t)) * dy) * back;
}
#define GOLU_HAVE_BACKWARD_PARTS 1
#else
inline realV golu_forward_value(realV x, real alpha, real beta, real gamma)
{
    golu_inner_t in = golu_inner(x, beta, gamma, GOLU_NAN_FREE);
    realV t0 = exp(-(in.be * in.scale));
    return golu_scale_by_gate(x, fma(-t0, in.be_lo * in.scale, t0), alpha);
}

#if GOLU_EXP2_POLY
/* The plain f32 forward kernels' value (CPU devices, where the host sets GOLU_EXP2_POLY). Float
 * arithmetic on subnormals (the gate t is below 2^-126 for x < -4.47 at the defaults: about 13 %
 * of golu-bench's inputs, in nearly every 16-lane vector) and PoCL's builtin exp kept this kernel
 * near its 60 %-of-copy target here (PoCL, 2^24: 9.1-10.3 ms, 60-80 % of copy; see
 * docs/PERFORMANCE.md for what this version runs in). So, as the 16-bit ones on CPU devices, it
 * computes exp(-z) itself, with no subnormal on the way for ordinary inputs:
 *   z = be*scale (clamped to 109: beyond, t = 0), -(z + z_lo) = k*ln2 + r' with r' the exact
 *   r of golu_inner()'s reduction plus c = -k*LN2_LO - z_lo, and exp(r') = 1 + r' + r'^2*(1/2 +
 *   r'*q(r')) (golu_exp_cubic_poly(); the gate within about 1 ulp);
 *   where z > 80 ("lifted") t' = t * 2^32, a normal float down to z = 109, and the result
 *   alpha*x*t' (below 2^105 there) is scaled back last: exactly by 2^-32 where that is normal,
 *   else rounded once onto the subnormal grid, q * 2^-149 with q = rint(|y'| * 2^117), by the
 *   sum with 2^23 (as golu_forward_value_plain() for bf16 does).
 * For z > 109 (t < 2^-157) the result is 0, as the builtin exp's t (0 beyond z = 103.97) gave
 * it. Only the plain kernels: blending, bias and parameter-gradient kernels keep
 * golu_forward_value(), whose bits the tests compare with theirs. */
#define GOLU_Z_LIFT 80.0f  /* z beyond: t' = t * 2^32 */
#define GOLU_Z_ZERO 109.0f /* z beyond: t = 0; 2^(k + 32) is normal up to here (k >= -157) */
inline realV golu_forward_value_plain(realV x, real alpha, real beta, real gamma)
{
    golu_inner_t in = golu_inner(x, beta, gamma, GOLU_NAN_FREE);
    const realV z = in.be * in.scale; /* >= 0 and finite: u is clamped */
    const realV zc = fmin(z, (realV)GOLU_Z_ZERO);
    const realV sh = fma(-zc, (realV)GOLU_INV_LN2, (realV)GOLU_SHIFTER);
    const realV k = sh - (realV)GOLU_SHIFTER;
    /* r exact; then r + c, c = -k*LN2_LO - z_lo, in one rounding (|r + c| < 1/2: 2^-26 at most,
     * 1/4 ulp of t): two more roundings, 1 + m's and a product by 1 + c, left the gate about
     * 1 ulp off and the forward 4.4 ulp at worst (a review: alpha -3.2, beta 0.0065, gamma
     * -4.35, x = 2.155, z about 76) */
    const realV r = fma(-k, (realV)GOLU_LN2_HI, -zc) +
                    fma(-k, (realV)GOLU_LN2_LO, -(in.be_lo * in.scale));
    const realV m = fma(r * r, fma(r, golu_exp_cubic_poly(r), (realV)0.5f), r);
    const golu_intV lifted = zc > (realV)GOLU_Z_LIFT;
    realV t = ((realV)1.0f + m) * golu_pow2_of_shifted(lifted != 0 ? sh + (realV)32.0f : sh);
    const golu_intV zero = z > (realV)GOLU_Z_ZERO;
    t = zero != 0 ? (realV)0.0f : t;
    const realV y = golu_scale_by_gate(x, t, alpha); /* 2^32 times too large where lifted */
    const golu_uintV bits = golu_as_uintV(y);
    const golu_uintV mag = bits & (golu_uintV)0x7fffffffu;
    /* the result is below 2^-126 (|y| < 2^-94, whose exponent field is 33) */
    const golu_intV sub = lifted & (mag < (golu_uintV)(33u << GOLU_MANT_BITS));
    const golu_uintV q = golu_as_uintV(fma(golu_as_realV(mag), (realV)0x1p117f, (realV)0x1p23f)) -
                         (golu_uintV)0x4b000000u;
    /* 2^-32 as an exponent-field subtraction, exact where the result is normal; y itself where
     * t = 0 (it is then +-0, or NaN: x = +inf with gamma < 0, golu.h) */
    const golu_uintV lift_bits = lifted != 0 ? (golu_uintV)(32u << GOLU_MANT_BITS) : (golu_uintV)0u;
    const golu_uintV scaled = sub != 0 ? (q | (bits ^ mag)) : bits - lift_bits;
    return golu_as_realV(zero != 0 ? bits : scaled);
}
#define GOLU_HAVE_PLAIN_VALUES 1
#endif
#endif

#else /* !GOLU_PRECISE */

#define GOLU_LOG2E 0x1.715476p+0f
#define GOLU_LN2 0x1.62e430p-1f
#define GOLU_U2_MAX 126.0f /* in log2 units: exp2 stays finite */

#if GOLU_EXP2_POLY
/* 2^v written out, for CPU devices (the host sets GOLU_EXP2_POLY there): PoCL's builtin exp2 (and
 * exp) made the 16-bit kernels slower per element than f32's; with this the f16 and bf16
 * forwards ran in 10.9-11.2 ms instead of 12.1-12.6 at 2^24 here, the backwards 13.4 and 16.7
 * instead of 13.8-15.3 and 17.1-19.5 (a variant that scaled once and selected 0 below 2^-150
 * ran the f16 and bf16 forwards in 7.9 and 8.4 ms; what costs here is subnormal arithmetic,
 * see golu_exp2_normal() below). v is
 * clamped to [-150, 126] (NaN kept); 2^v = 2^k * 2^f, k = rint(v) by the shifted sum, |f| <= 1/2,
 * 2^f by a degree-6 polynomial (weighted least squares toward the minimax, float coefficients
 * rounded one at a time and the rest refitted: relative error below 2^-25.9), times 2^k. The
 * 16-bit results need 8 or 11 bits: float's rounding does not show (the f16/bf16 exhaustive checks, docs/ACCURACY.md). */
inline realV golu_exp2_poly(realV f)
{
    realV p = fma(f, (realV)0x1.41fbaap-13f, (realV)0x1.5f3e6cp-10f);
    p = fma(f, p, (realV)0x1.3b2d4ep-7f);
    p = fma(f, p, (realV)0x1.c6aee8p-5f);
    p = fma(f, p, (realV)0x1.ebfbdcp-3f);
    p = fma(f, p, (realV)0x1.62e430p-1f);
    return fma(f, p, (realV)1.0f);
}
inline realV golu_exp2(realV v)
{
    v = golu_clamp(v, -150.0f, 126.0f, GOLU_NAN_KEEPING);
    realV sh = v + (realV)GOLU_SHIFTER;
    realV f = v - (sh - (realV)GOLU_SHIFTER);
    realV p = golu_exp2_poly(f);
    /* 2^k, k >= -150: below 2^-100 as 2^(k + 24) times 2^-24, so that the factor stays normal
     * and a subnormal result is rounded once (float selects: PoCL made integer min/max/select
     * and shift versions of this 1.5-2 times slower) */
    const realV low = v < (realV)-100.0f ? (realV)1.0f : (realV)0.0f;
    realV s = golu_pow2_of_shifted(fma(low, (realV)24.0f, sh));
    return (p * s) * fma(low, (realV)(0x1p-24f - 1.0f), (realV)1.0f);
}
/* The same where results below 2^-126 do not matter: 2^k scaled once, 0 for k = -127 (v clamped
 * to [-127, 126]), so a result below about 2^-126.5 is 0, with no subnormal arithmetic. For the
 * inner exponential e = 2^(u log2 e), u log2 e >= -GOLU_U2_MAX = -126: the same value as
 * golu_exp2(), a few operations fewer (bf16 backward 16.8-18.3 -> 14.1-14.5 ms at 2^24 here); and
 * for the plain f16 forward's gate (golu_forward_value_plain()). */
inline realV golu_exp2_normal(realV v)
{
    v = golu_clamp(v, -127.0f, 126.0f, GOLU_NAN_KEEPING);
    realV sh = v + (realV)GOLU_SHIFTER;
    return golu_exp2_poly(v - (sh - (realV)GOLU_SHIFTER)) * golu_pow2_of_shifted(sh);
}
#else
#define golu_exp2 exp2
#define golu_exp2_normal exp2
#endif
/* The gate times 2^shift (shift integral, >= 0): see golu_split_dy() for bf16. With
 * tiny_zero (a constant at each call), a gate below about 2^-126.5 may come out 0 (see
 * golu_exp2_normal()): only the plain f16 forward asks for it (golu_forward_value_plain()). */
inline golu_gate_t golu_gate_scaled(realV x, real beta, real gamma, realV shift, int keep_nan,
                                    int tiny_zero)
{
    golu_gate_t g;
    realV u2 = golu_clamp((-gamma * GOLU_LOG2E) * x, -GOLU_U2_MAX, GOLU_U2_MAX, keep_nan); /* u*log2(e) */
    realV e = golu_exp2_normal(u2);
    realV v = fma((realV)(-beta * GOLU_LOG2E), e, shift);
    g.t = tiny_zero ? golu_exp2_normal(v) : golu_exp2(v);
    g.u = u2 * GOLU_LN2;
    /* z*t without overflow or a lost underflow: t == 0 wherever z >= 2^100 (beta*e may be inf;
     * fmin then gives 2^100, and NaN from x yields to the NaN in t) */
    g.w = fmin(beta * e, (realV)0x1p100f) * g.t;
    return g;
}

inline golu_gate_t golu_gate(realV x, real beta, real gamma)
{
    return golu_gate_scaled(x, beta, gamma, (realV)0, GOLU_NAN_KEEPING, 0);
}

inline realV golu_forward_value(realV x, real alpha, real beta, real gamma)
{
    golu_gate_t g = golu_gate_scaled(x, beta, gamma, (realV)0, GOLU_NAN_FREE, 0);
    return golu_scale_by_gate(x, g.t, alpha);
}

#if GOLU_DTYPE == 1 && GOLU_EXP2_POLY
/* The plain f16 forward kernels' value (CPU devices): the gate's exp2 gives 0 below about
 * 2^-126.5 instead of a subnormal, whose arithmetic made the kernel twice as slow on PoCL. The
 * result does not change, bit for bit: alpha*x*t stays below 2^-50 there (alpha up to 2^60, |x|
 * up to 2^16), far under f16's least subnormal, 2^-24, so it is a zero with x's sign either way.
 * Not for the backward (its t - u*w would lose the sign of its zero, which golu_backward_params()
 * must reproduce bit for bit) nor for the blending, bias and parameter-gradient kernels: a
 * blend's s (any finite float) or a float sum can bring such a value back into range. */
inline realV golu_forward_value_plain(realV x, real alpha, real beta, real gamma)
{
    golu_gate_t g = golu_gate_scaled(x, beta, gamma, (realV)0, GOLU_NAN_FREE, 1);
    return golu_scale_by_gate(x, g.t, alpha);
}
#define GOLU_HAVE_PLAIN_VALUES 1
#endif

#if (GOLU_DTYPE == 1 || GOLU_DTYPE == 2) && GOLU_EXP2_POLY
/* golu_exp2(v) for v in [-151, 126] (the caller clamps), without its last factor 2^-24 where
 * v < -100 (*lifted: the comparison's mask there): the same p and 2^(k + 24), so a gate below
 * float's normal range stays normal; 0 for k = -151 (v < -150.5). See golu_forward_value_plain()
 * (bf16) and golu_backward_lifted(). */
inline realV golu_exp2_lifted(realV v, golu_intV *lifted)
{
    realV sh = v + (realV)GOLU_SHIFTER;
    realV p = golu_exp2_poly(v - (sh - (realV)GOLU_SHIFTER));
    *lifted = v < (realV)-100.0f;
    return p * golu_pow2_of_shifted(*lifted != 0 ? sh + (realV)24.0f : sh);
}
#endif

#if GOLU_DTYPE == 2 && GOLU_EXP2_POLY
/* The plain bf16 forward kernels' value (CPU devices). bf16 keeps float's exponent range, so
 * alpha*x*t must come out down to 2^-133 and may not be flushed as f16's is; but float arithmetic
 * on subnormals (the gate is below 2^-126 for x < -4.47: about 13 % of golu-bench's inputs, in
 * nearly every 16-lane vector) made this kernel slower per element than f32's (PoCL here, 2^24:
 * 11.1-12.0 ms against f32's 9.9-12.8; with this, 7.5-8.8 in the same runs). So the gate is
 * golu_exp2()'s without its last factor 2^-24 where v < -100 ("lifted": the same v, p and
 * 2^(k + 24)), alpha*x*t' is a normal float for ordinary inputs, and 2^-24 is applied to the
 * result: by a float product where that stays at least 2^-126 (exact), and below as bf16's
 * subnormal itself, q * 2^-133 with q = rint(|y'| * 2^109): an exact product rounded once to
 * nearest even by the sum with 2^23, whose bits 0x4b000000 + q leave q << 16 when shifted by 16
 * (q = 128 gives 2^-126); with y's sign, a float the store keeps as it is. No float operation
 * takes or gives a subnormal on the way for ordinary inputs (t' is one for v in [-150.5, -150),
 * and a subnormal x or a tiny alpha*x still take them).
 * Results: golu_forward_value()'s bits wherever that computed no subnormal on the way (every bf16
 * input with the default parameters); where it did (it rounded t or alpha*x*t to float's
 * subnormal grid, then to bf16's), one rounding of the lifted value: over 392 parameter sets
 * (alpha, beta, gamma up to 2^+-60) and all inputs, 777,072 results changed, 723,232 of them to
 * the correctly rounded one, none further from it but one near-tie (0.4999 -> 0.5001 ulp). The
 * lifted gate is 0 for v < -150.5 (golu_exp2(): v <= -150); there alpha*x*t is below 2^-134 at
 * the default parameters, and with a large alpha, or beta near 105, a tiny gamma and a huge |x|,
 * it can be a normal bf16 that both give as 0. The selects are the comparisons' masks and the
 * lift a masked add: with float 0/1 factors, as golu_exp2() has them, this ran 10.3-10.5 ms. */
inline realV golu_forward_value_plain(realV x, real alpha, real beta, real gamma)
{
    /* golu_gate_scaled()'s v: u2 is already in golu_exp2_normal()'s range, v <= 0, never NaN */
    realV u2 = golu_clamp((-gamma * GOLU_LOG2E) * x, -GOLU_U2_MAX, GOLU_U2_MAX, GOLU_NAN_FREE);
    realV sh = u2 + (realV)GOLU_SHIFTER;
    realV e = golu_exp2_poly(u2 - (sh - (realV)GOLU_SHIFTER)) * golu_pow2_of_shifted(sh);
    golu_intV lifted;
    realV t = golu_exp2_lifted(fmax((-beta * GOLU_LOG2E) * e, (realV)-151.0f), &lifted);
    realV y = golu_scale_by_gate(x, t, alpha); /* 2^24 times too large where lifted */
    realV ay = fabs(y);
    const golu_intV sub = lifted & (ay < (realV)0x1p-102f); /* the result is below 2^-126 */
    const golu_uintV q = golu_as_uintV(fma(ay, (realV)0x1p109f, (realV)0x1p23f)) << 16;
    /* 2^-24 as an exponent-field subtraction (lifted, |y| < 2^113), exact where the result is
     * normal; none where t' = 0 (y is then +-0, or NaN: x = +inf with gamma < 0, golu.h). The
     * float product it replaced, y * 2^-24 where lifted and not sub, took 8.40-8.50 ms here against
     * 7.61-7.70 (PoCL, 2^24, minimums of four alternating pairs). */
    const golu_uintV yb = golu_as_uintV(y);
    const golu_uintV lift_bits = (lifted & (t > (realV)0.0f)) != 0 ? (golu_uintV)(24u << 23)
                                                                  : (golu_uintV)0u;
    return golu_as_realV(sub != 0 ? q | (yb & (golu_uintV)0x80000000u) : yb - lift_bits);
}
#define GOLU_HAVE_PLAIN_VALUES 1
#endif

#if GOLU_DTYPE == 2
/* bf16 has float's exponent range: dy up to 2^128 times a derivative below float's smallest
 * subnormal (t < 2^-149 near x = -4.7) is still a normal bf16. So dy = m * 2^E (E clamped to
 * [0, 121], m exact) and the gate is computed as t * 2^E, which does not underflow there. Not
 * above 121: t - u*w reaches about (1 + 87/e) * 2^E (|u| <= 87.4, z*exp(-z) <= 1/e), which at
 * 2^126 overflowed before alpha scaled it (a review: beta 2^-30, x = -20.75, dy = 2^127 gave
 * -inf, and NaN with alpha = 0). The return value is E as a float; *unscale is 2^-E. */
inline realV golu_split_dy(realV dy, realV *m, realV *unscale)
{
    golu_intV E = ((GOLU_CAT(as_int, GOLU_VSUFFIX)(dy) >> 23) & 0xff) - 127;
    E = clamp(E, (golu_intV)0, (golu_intV)121);
    *unscale = GOLU_CAT(as_float, GOLU_VSUFFIX)((127 - E) << 23);
    *m = dy * *unscale;
    return GOLU_CAT(convert_float, GOLU_VSUFFIX)(E);
}
#endif

#if (GOLU_DTYPE == 1 || GOLU_DTYPE == 2) && GOLU_EXP2_POLY
/* The f16 and bf16 backward on CPU devices (one source for every backward kernel). Float
 * arithmetic on subnormals (t is below 2^-126 for x < -4.47 at the defaults, w = z*t and
 * t - u*w from about -4.53: about 13 % of golu-bench's inputs, in nearly every 16-lane vector)
 * made these kernels slower per element than f32's (PoCL here, 2^24: f16 12.7-13.8 ms, bf16
 * 14.1-14.6, f32 11.8-13.9).
 * So, as in golu_forward_value_plain() for bf16, where v < -100 the gate is golu_exp2()'s without
 * its last factor 2^-24 ("lifted": the same v, p and 2^(k + 24); 0 for v < -150.5): t', w' and
 * d = alpha*(t' - u*w')*dy stay normal for ordinary inputs (t' is subnormal for v in
 * [-150.5, -150)), and 2^-24 comes last (|d| < 2^14 for every valid alpha and finite dy: there
 * t' < 2^-76, t'*z < 2^-76 * 157, |u| <= 87.4, f16's |dy| < 2^16 and bf16's |m| < 2^7).
 *   plain == 0 (golu_backward_scaled_parts(): blends, parameter gradients; golu_backward_parts(),
 *   s = 1: bias, which applies its s afterwards) returns s * dx as d * (s * 2^-24): one rounding
 *   (s * 2^-24 is exact for |s| >= 2^-102), so a blend's large s brings back a full-precision
 *   value, and nothing overflows on the way.
 *   plain == 1 (the plain backward kernels, s = 1): the same value where it is at least 2^-126.
 *   Below, f16's result is a zero with d's sign either way (its least subnormal is 2^-24): d * 0.
 *   bf16 builds that float subnormal, rint(|d| * 2^125) * 2^-149 with d's sign, by integer
 *   operations (the exact product rounded to an integer by its sum with 2^23, whose bits are
 *   0x4b000000 plus it), so the store rounds the same float as plain == 0 gives.
 * So golu_backward() and golu_backward_params() write the same bits, and the plain kernels do no
 * subnormal float arithmetic: f16 8.6-9.7 ms, bf16 10.6-11.6 (f32 12.3-15.4 in the same runs); the
 * blending f16 and bf16 backward went from 14.4-14.8 and 16.5-17.5 to 10.1-10.8 and 11.0-11.7.
 * *gate is t', times 2^-24 where lifted (bf16: times 2^-E), golu_exp2()'s gate bit for bit: the
 * parameter gradients' sums do not change. Where v >= -100 every result is the former one, bit for bit;
 * where lifted, d is one rounding of the true value instead of several on float's subnormal grid
 * (over all 16-bit x, 23 parameter sets and 20 dy each: 83,376 dx changed, 82,363 to a closer
 * one, 12 farther but within 1 ulp; no zero's sign turned wrong, 722 turned right, as the former
 * t was 0 already for v <= -150; blends with s = 2^100 or -3e38: 1,093,329 changed, 1,092,378
 * to a closer result, 141 farther, none beyond 1 ulp where the former was within it). The
 * selects are the comparisons' masks (see golu_forward_value_plain()). */
inline realV golu_backward_lifted(realV x, realV dy, real alpha, real beta, real gamma, real s,
                                  realV *gate, int plain)
{
#if GOLU_DTYPE == 2
    realV m, unscale;
    realV shift = golu_split_dy(dy, &m, &unscale);
#else
    realV m = dy, shift = (realV)0;
#endif
    /* golu_gate_scaled()'s u2, e, v */
    realV u2 = golu_clamp((-gamma * GOLU_LOG2E) * x, -GOLU_U2_MAX, GOLU_U2_MAX, GOLU_NAN_KEEPING);
    realV e = golu_exp2_normal(u2);
    realV v = fma((realV)(-beta * GOLU_LOG2E), e, shift); /* <= 126 */
    golu_intV lifted;
    realV t = golu_exp2_lifted(v < (realV)-151.0f ? (realV)-151.0f : v, &lifted); /* NaN kept */
    realV w = fmin(beta * e, (realV)0x1p100f) * t;
    realV d = (alpha * fma(-(u2 * GOLU_LN2), w, t)) * m;
    realV t0 = t * (lifted != 0 ? (realV)0x1p-24f : (realV)1.0f);
#if GOLU_DTYPE == 2
    *gate = t0 * unscale;
#else
    *gate = t0;
#endif
    if (!plain)
        return d * (lifted != 0 ? (realV)(s * 0x1p-24f) : (realV)s);
    realV ad = fabs(d);
    const golu_intV sub = lifted & (ad < (realV)0x1p-102f); /* the result is below 2^-126 */
#if GOLU_DTYPE == 2
    realV q = golu_as_realV(golu_as_uintV(fma(ad, (realV)0x1p125f, (realV)0x1p23f)) -
                            (golu_uintV)0x4b000000u);
    realV big = d * ((lifted & ~sub) != 0 ? (realV)0x1p-24f : (realV)1.0f);
    return sub != 0 ? copysign(q, d) : big;
#else
    return d * (lifted != 0 ? (sub != 0 ? (realV)0.0f : (realV)0x1p-24f) : (realV)1.0f);
#endif
}
inline realV golu_backward_scaled_parts(realV x, realV dy, real alpha, real beta, real gamma,
                                       real s, realV *gate)
{
    return golu_backward_lifted(x, dy, alpha, beta, gamma, s, gate, 0);
}
inline realV golu_backward_parts(realV x, realV dy, real alpha, real beta, real gamma, realV *gate)
{
    return golu_backward_lifted(x, dy, alpha, beta, gamma, (real)1, gate, 0);
}
inline realV golu_backward_value_plain(realV x, realV dy, real alpha, real beta, real gamma)
{
    realV unused;
    return golu_backward_lifted(x, dy, alpha, beta, gamma, (real)1, &unused, 1);
}
#define GOLU_HAVE_BACKWARD_PARTS 1
#define GOLU_HAVE_SCALED_PARTS 1
#define GOLU_HAVE_PLAIN_BACKWARD 1
#elif GOLU_DTYPE == 2
inline realV golu_backward_parts(realV x, realV dy, real alpha, real beta, real gamma, realV *gate)
{
    realV m, unscale;
    realV shift = golu_split_dy(dy, &m, &unscale);
    golu_gate_t g = golu_gate_scaled(x, beta, gamma, shift, GOLU_NAN_KEEPING, 0);
    *gate = g.t * unscale;
    return (alpha * fma(-g.u, g.w, g.t)) * m;
}
#define GOLU_HAVE_BACKWARD_PARTS 1
#endif

#endif

#ifndef GOLU_HAVE_BACKWARD_PARTS
/* dx = alpha * dy * (t - u*w): the derivative t*(1 + beta*gamma*x*e) = t - u*(z*t) as one fma.
 * alpha (at most 2^60) scales the derivative (at most ~1.1 in magnitude) before dy does, so that
 * a finite dx near the dtype's largest value does not overflow on the way. */
inline realV golu_backward_parts(realV x, realV dy, real alpha, real beta, real gamma, realV *gate)
{
    golu_gate_t g = golu_gate(x, beta, gamma);
    *gate = g.t;
    return (alpha * fma(-g.u, g.w, g.t)) * dy;
}
#endif

/* dx = dy * dGoLU/dx for the backward kernels. golu_backward_parts() is the same computation
 * that also returns the gate t = exp(-beta*exp(-gamma*x)) it went through (the parameter
 * gradients need it): one source, so the two give bit-identical gradients, and here the unused
 * gate costs nothing. */
inline realV golu_backward_value(realV x, realV dy, real alpha, real beta, real gamma)
{
    realV unused;
    return golu_backward_parts(x, dy, alpha, beta, gamma, &unused);
}

/* s * dx, as the blending backward and the parameter gradients take it (GOLU_BLEND_SCALED), and
 * the gate: one source for both (golu_params.cl's dx is the blending backward's bit for bit). */
#ifndef GOLU_HAVE_SCALED_PARTS
inline realV golu_backward_scaled_parts(realV x, realV dy, real alpha, real beta, real gamma,
                                       real s, realV *gate)
{
    return s * golu_backward_parts(x, dy, alpha, beta, gamma, gate);
}
#endif
inline realV golu_backward_scaled_value(realV x, realV dy, real alpha, real beta, real gamma,
                                        real s)
{
    realV unused;
    return golu_backward_scaled_parts(x, dy, alpha, beta, gamma, s, &unused);
}

#ifndef GOLU_HAVE_PLAIN_VALUES
#define golu_forward_value_plain golu_forward_value
#endif
#ifndef GOLU_HAVE_PLAIN_BACKWARD
#define golu_backward_value_plain golu_backward_value
#endif

/* ---- the default parameters, specialised ------------------------------------------------- */
/* GOLU_DEFAULTS_SPECIALISED(ON, LOOP): with ON (0 or 1, a build option) the element-wise
 * kernels' loop twice: once with alpha, beta and gamma the constants 1 (block-scope constants
 * that shadow the kernel arguments, so the compiler folds their products and uniform branches
 * away) for a call with the defaults, and once for any values. The branches on the parameters
 * split each loop step into several basic blocks; NVIDIA's compiler then issued the second
 * vector's load only after the first vector's gate arithmetic (f32 forward, 57 instructions an
 * element in the loop, 45 specialised). The host sets GOLU_SPECIALISE_FORWARD and
 * GOLU_SPECIALISE_BACKWARD where it measured a gain (src/program.c). */
#ifndef GOLU_SPECIALISE_FORWARD
#define GOLU_SPECIALISE_FORWARD 0
#endif
#ifndef GOLU_SPECIALISE_BACKWARD
#define GOLU_SPECIALISE_BACKWARD 0
#endif
#define GOLU_DEFAULTS_SPECIALISED(ON, LOOP)                                                        \
    if ((ON) && alpha == (real)1 && beta == (real)1 && gamma == (real)1) {                         \
        const real alpha = (real)1, beta = (real)1, gamma = (real)1;                               \
        LOOP                                                                                       \
    } else {                                                                                       \
        LOOP                                                                                       \
    }

/* ---- blending: an output's s * value + t * (its previous contents) --------------------------- */
/* One fma in the compute type; f16/bf16 are then rounded once by the store. OLD is an expression
 * (the output's load) evaluated only when t != 0, so that with t == 0 the previous contents are
 * never read: NaN or uninitialised memory there is harmless. s and t are kernel arguments, the same
 * for every work-item: the branch is uniform. GOLU_BLEND takes realV values, GOLU_BLEND1 real. */
#define GOLU_BLEND(v, OLD, s, t) \
    ((t) == (real)0 ? (s) * (v) : fma((realV)(t), (realV)(OLD), (s) * (v)))
#define GOLU_BLEND1(v, OLD, s, t) \
    ((t) == (real)0 ? (s) * (v) : fma((real)(t), (real)(OLD), (s) * (v)))
/* The same, given sv = s * value already (golu_backward_scaled_value()). */
#define GOLU_BLEND_SCALED(sv, OLD, t) ((t) == (real)0 ? (sv) : fma((realV)(t), (realV)(OLD), (sv)))
/* The kernel arguments of a blending variant, after the plain ones. */
#define GOLU_BLEND_ARGS , real s, real t
/* The OUT of a family's two variants: the value itself, or the value blended with the output's
 * old contents (OLD is evaluated only when t != 0). */
#define GOLU_OUT_PLAIN(v, OLD) (v)
#define GOLU_OUT_BLEND(v, OLD) GOLU_BLEND((v), OLD, s, t)
/* The forward value each variant's loop calls (see golu_forward_value_plain()), whether its loop
 * prefetches (GOLU_PREFETCH), and the backward's output from x, dy and OLD (see
 * golu_backward_lifted()). */
#define GOLU_OUT_PLAIN_FORWARD golu_forward_value_plain
#define GOLU_OUT_BLEND_FORWARD golu_forward_value
#define GOLU_OUT_PLAIN_PREFETCH 1
#define GOLU_OUT_BLEND_PREFETCH 0
#define GOLU_OUT_PLAIN_BACKWARD(x, dy, OLD) golu_backward_value_plain((x), (dy), alpha, beta, gamma)
#define GOLU_OUT_BLEND_BACKWARD(x, dy, OLD)                                                        \
    GOLU_BLEND_SCALED(golu_backward_scaled_value((x), (dy), alpha, beta, gamma, s), OLD, t)
