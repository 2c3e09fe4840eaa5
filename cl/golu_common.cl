/*
 * libgolu: definitions shared by every GoLU kernel family. The host prepends
 *   #define GOLU_DTYPE <0 f32 | 1 f16 | 2 bf16 | 3 f64>   (golu_dtype's values)
 *   #define GOLU_VW    <1 | 2 | 4 | 8 | 16>               (elements per work-item per step)
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

#define GOLU_CAT_(a, b) a##b
#define GOLU_CAT(a, b) GOLU_CAT_(a, b)

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

#elif GOLU_DTYPE == 1
typedef half storage_t;
#if GOLU_VW == 1
#define GOLU_LOAD_ALIGNED(p, i) vload_half((i), (p))
#define GOLU_STORE_ALIGNED(p, i, v) vstore_half_rte((v), (i), (p))
#define GOLU_LOAD(p, i) vload_half((i), (p))
#define GOLU_STORE(p, i, v) vstore_half_rte((v), (i), (p))
#else
#define GOLU_LOAD_ALIGNED(p, i) GOLU_CAT(vloada_half, GOLU_VW)((i), (p))
#define GOLU_STORE_ALIGNED(p, i, v) GOLU_CAT(GOLU_CAT(vstorea_half, GOLU_VW), _rte)((v), (i), (p))
#define GOLU_LOAD(p, i) GOLU_CAT(vload_half, GOLU_VW)((i), (p))
#define GOLU_STORE(p, i, v) GOLU_CAT(GOLU_CAT(vstore_half, GOLU_VW), _rte)((v), (i), (p))
#endif
#define GOLU_LOAD1(p, k) vload_half((k), (p))
#define GOLU_STORE1(p, k, s) vstore_half_rte((s), (k), (p))

#elif GOLU_DTYPE == 2
typedef ushort storage_t;
typedef GOLU_CAT(ushort, GOLU_VSUFFIX) storageV;
typedef GOLU_CAT(uint, GOLU_VSUFFIX) uintV;

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

inline float golu_bf16_to_real1(ushort b) { return as_float((uint)b << 16); }
inline ushort golu_real_to_bf16_1(float f)
{
    uint b = as_uint(f);
    return isnan(f) ? (ushort)((b >> 16) | 0x40u) : (ushort)((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}

#define GOLU_LOAD_ALIGNED(p, i) golu_bf16_to_real(((__global const storageV *)(p))[i])
#define GOLU_STORE_ALIGNED(p, i, v) (((__global storageV *)(p))[i] = golu_real_to_bf16(v))
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

/* ---- the gate, shared by forward and backward ---------------------------------------------- */

/* +-inf -> +-REAL_MAX, everything else (NaN included) unchanged. Evaluating the formula at
 * +-REAL_MAX instead of +-inf gives the exact limits without any 0 * inf. */
inline realV golu_finite(realV v)
{
    return isinf(v) ? copysign((realV)GOLU_REAL_MAX, v) : v;
}

/* The parts of GoLU at x:  u = -gamma*x,  e = exp(u),  z = beta*e,  t = exp(-z) (the gate).
 * u's rounding error is folded back into e (one fma), so that gamma != 1 costs no accuracy. */
typedef struct {
    realV u;
    realV z;
    realV t;
} golu_gate_t;

inline golu_gate_t golu_gate(realV x, real beta, real gamma)
{
    golu_gate_t g;
    realV xf = golu_finite(x);
    realV u = golu_finite(-gamma * xf);
    realV u_err = fma((realV)(-gamma), xf, -u); /* exact: u + u_err == -gamma * xf */
    realV e = exp(u);
    realV d = isfinite(u_err) ? u_err : (realV)0;
    e = isinf(e) ? e : fma(e, d, e); /* exp(u + d) ~ e + e*d; inf stays inf */
    g.u = u;
    g.z = beta > (real)0 ? beta * e : (realV)0;    /* beta == 0: no 0 * inf */
    g.t = exp(-g.z);
    return g;
}
