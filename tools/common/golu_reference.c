#include "golu_reference.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* exp(v) overflows long double above this and is below half its smallest subnormal under its
 * negation (also for IEEE quad and double long doubles): expl would return +inf or 0 there, but
 * takes a slow path (about 4x its usual time in glibc) that half of all f32 inputs would hit. */
#define REF_EXP_LIMIT 12000.0L

/* u = -gamma * x, z = beta * exp(u) and the gate t = exp(-z) of a non-NaN x, with the limits
 * taken explicitly (no 0 * inf for infinite x). */
static void gate_terms(long double x, double beta, double gamma, long double *u_out,
                       long double *z_out, long double *t_out)
{
    long double u = -(long double)gamma * x;
    if (isnan(u)) /* gamma == 0 and x = +-inf: e = 1 */
        u = 0.0L;
    long double e = u > REF_EXP_LIMIT ? (long double)INFINITY
                    : u < -REF_EXP_LIMIT ? 0.0L
                                         : expl(u);
    long double z = beta == 0.0 ? 0.0L : (long double)beta * e;
    *u_out = u;
    *z_out = z;
    *t_out = z > REF_EXP_LIMIT ? 0.0L : expl(-z);
}

/* The gate t = exp(-beta * exp(-gamma * x)) and helpers, computed so that no 0 * inf appears for
 * infinite x. One pair of expl() serves both results. */
void golu_ref_both(long double x, double alpha, double beta, double gamma, long double *forward,
                   long double *derivative)
{
    if (isnan(x)) {
        *forward = x;
        *derivative = x;
        return;
    }
    long double u, z, t;
    gate_terms(x, beta, gamma, &u, &z, &t);
    if (t == 0.0L)
        *forward = copysignl(0.0L, x) * (long double)alpha;
    else
        *forward = (long double)alpha * x * t;
    /* t * (1 + beta*gamma*x*e) = t - u * (z * t); z * t -> 0 when t underflows */
    long double zt = t == 0.0L ? 0.0L : z * t;
    long double ut = (zt == 0.0L) ? 0.0L : u * zt;
    *derivative = (long double)alpha * (t - ut);
}

long double golu_ref_forward(long double x, double alpha, double beta, double gamma)
{
    long double f, d;
    golu_ref_both(x, alpha, beta, gamma, &f, &d);
    return f;
}

long double golu_ref_derivative(long double x, double alpha, double beta, double gamma)
{
    long double f, d;
    golu_ref_both(x, alpha, beta, gamma, &f, &d);
    return d;
}

/* exp(v) with the same limits as above: +inf and 0 beyond REF_EXP_LIMIT. */
static long double ref_exp(long double v)
{
    return v > REF_EXP_LIMIT ? (long double)INFINITY : v < -REF_EXP_LIMIT ? 0.0L : expl(v);
}

/* a * b where b == 0 means a factor that vanished at a limit: 0 (with the product's sign), also
 * for infinite a. */
static long double times_vanishing(long double a, long double b)
{
    return b == 0.0L ? copysignl(0.0L, a) * b : a * b;
}

void golu_ref_param_derivatives(long double x, double alpha, double beta, double gamma,
                                long double d[3])
{
    if (isnan(x)) {
        d[0] = d[1] = d[2] = x;
        return;
    }
    long double u = -(long double)gamma * x;
    if (isnan(u)) /* gamma == 0 and x = +-inf: e = 1 */
        u = 0.0L;
    long double e = ref_exp(u);
    long double z = beta == 0.0 ? 0.0L : (long double)beta * e;
    long double g = ref_exp(-z);
    /* e * g = exp(u - z), 0 where z is infinite (e overflowed, the gate vanished before) */
    long double eg = isinf(z) ? 0.0L : ref_exp(u - z);
    long double xeg = times_vanishing(x, eg);
    d[0] = times_vanishing(x, g);
    d[1] = alpha == 0.0 ? 0.0L : -(long double)alpha * xeg;
    d[2] = (alpha == 0.0 || beta == 0.0) ? 0.0L
                                         : (long double)alpha * (long double)beta *
                                               times_vanishing(x, xeg);
}

float golu_f16_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t man = h & 0x3ff;
    float f;
    if (exp == 0x1f) {
        uint32_t bits = sign | 0x7f800000u | (man << 13);
        memcpy(&f, &bits, 4);
        return f;
    }
    f = ldexpf((float)(exp ? (man | 0x400) : man), (exp ? (int)exp : 1) - 25);
    return sign ? -f : f;
}

uint16_t golu_double_to_f16(double v)
{
    return golu_ld_to_f16(v);
}

/* Rounds v once, to nearest even, to a 16-bit binary format with `exp_bits` exponent bits and
 * `man_bits` stored significand bits (f16: 5, 10; bf16: 8, 7): subnormals, overflow to inf (at
 * half an ulp above the largest finite value), NaN kept as a quiet NaN of the same sign. Rounding
 * from the long double itself: going through double first could round twice. */
static uint16_t round_to_16(long double v, int exp_bits, int man_bits)
{
    const int bias = (1 << (exp_bits - 1)) - 1;
    const uint16_t inf = (uint16_t)(((1u << exp_bits) - 1u) << man_bits);
    uint16_t sign = signbit(v) ? 0x8000 : 0;
    if (isnan(v))
        return (uint16_t)(sign | inf | (1u << (man_bits - 1)));
    long double a = fabsl(v);
    /* half an ulp above the largest finite value rounds to inf; a comparison also catches inf
     * itself (and works where long double is emulated at lower precision, as under valgrind) */
    if (a >= ldexpl(2.0L - ldexpl(1.0L, -(man_bits + 1)), bias))
        return (uint16_t)(sign | inf);
    if (a < ldexpl(1.0L, 1 - bias)) { /* subnormal range: multiples of 2^(1 - bias - man_bits) */
        long double q = nearbyintl(ldexpl(a, bias - 1 + man_bits)); /* default mode: nearest even */
        return (uint16_t)(sign | (uint16_t)q); /* q == 2^man_bits is the smallest normal: right */
    }
    int e;
    long double m = frexpl(a, &e); /* a = m * 2^e, m in [0.5, 1) */
    long double q = nearbyintl(ldexpl(m, man_bits + 1));
    if (q == ldexpl(1.0L, man_bits + 1)) {
        q = ldexpl(1.0L, man_bits);
        e += 1;
    }
    int biased = e - 1 + bias;
    if (biased >= (1 << exp_bits) - 1)
        return (uint16_t)(sign | inf);
    const uint16_t man_mask = (uint16_t)((1u << man_bits) - 1u);
    return (uint16_t)(sign | (uint16_t)(biased << man_bits) | ((uint16_t)q & man_mask));
}

uint16_t golu_ld_to_f16(long double v) { return round_to_16(v, 5, 10); }

float golu_bf16_to_float(uint16_t b)
{
    uint32_t bits = (uint32_t)b << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

uint16_t golu_double_to_bf16(double v)
{
    return golu_ld_to_bf16(v);
}

uint16_t golu_ld_to_bf16(long double v) { return round_to_16(v, 8, 7); }

/* One ulp at |v| of a binary format with `precision` significand bits whose normal range starts
 * at min_normal; below it, the smallest subnormal; above max, the ulp of max. */
static double ulp_of(long double v, long double min_normal, long double max, int precision)
{
    long double a = fabsl(v);
    if (a < min_normal)
        return (double)ldexpl(min_normal, 1 - precision);
    if (a > max)
        a = max;
    int e;
    frexpl(a, &e);
    return ldexp(1.0, e - precision);
}

double golu_ulp_f32(double v) { return ulp_of(v, FLT_MIN, FLT_MAX, 24); }

double golu_ulp_f64(long double v) { return ulp_of(v, DBL_MIN, DBL_MAX, 53); }

/* Map a 16-bit sign-magnitude pattern to a position on the line of values. */
static int32_t ordered16(uint16_t v)
{
    int32_t mag = v & 0x7fff;
    return (v & 0x8000) ? -mag : mag;
}

double golu_ulp_distance_16(uint16_t a, uint16_t b, int is_bf16)
{
    uint16_t inf = is_bf16 ? 0x7f80 : 0x7c00;
    int a_nan = (a & 0x7fff) > inf, b_nan = (b & 0x7fff) > inf;
    if (a_nan || b_nan)
        return (a_nan && b_nan) ? 0.0 : 1e30;
    return fabs((double)ordered16(a) - (double)ordered16(b));
}

uint64_t golu_rand_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double golu_rand_uniform(uint64_t *state, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(golu_rand_next(state) >> 11) * 0x1p-53);
}

static long double reference(int backward, long double x, long double dy, double alpha, double beta,
                             double gamma)
{
    if (!backward)
        return golu_ref_forward(x, alpha, beta, gamma);
    return dy * golu_ref_derivative(x, alpha, beta, gamma);
}

/* The documented bound of an f32 or f64 result whose reference is ref (golu_reference.h). */
static double wide_bound(int is_f64, int backward, double x, double dy, long double ref,
                         double alpha)
{
    double ulp_ref = is_f64 ? golu_ulp_f64(ref) : golu_ulp_f32((double)ref);
    /* 4 ulp, plus a few units of the smallest subnormal scaled by |alpha*x| (|alpha*dy| for the
     * backward): where the gate itself is subnormal, its absolute rounding is multiplied. */
    double denorm_min = is_f64 ? 0x1p-1074 : 0x1p-149;
    double scale_factor = backward ? fabs(alpha * dy) : fabs(alpha * x);
    double bound = 4.0 * ulp_ref + 2.0 * (1.0 + scale_factor) * denorm_min;
    if (backward) {
        double scale = fabs(alpha * dy);
        bound += 4.0 * (is_f64 ? golu_ulp_f64(scale) : golu_ulp_f32(scale));
    }
    return bound;
}

static golu_check_result check_wide(int is_f64, int backward, double x, double dy, double got,
                                    double alpha, double beta, double gamma)
{
    golu_check_result r = {0, 0.0, 0.0};
    long double ref = reference(backward, x, dy, alpha, beta, gamma);
    double ref_rounded = is_f64 ? (double)ref : (double)(float)ref;
    r.ref = (double)ref;
    if (isnan(ref) || isnan(got)) {
        r.ok = isnan(ref) && isnan(got);
        r.ulps = r.ok ? 0.0 : INFINITY;
        return r;
    }
    if (isinf(ref_rounded) || isinf(got)) {
        r.ok = ref_rounded == got;
        r.ulps = r.ok ? 0.0 : INFINITY;
        return r;
    }
    double err = fabs((double)((long double)got - ref));
    if (backward) {
        double scale = fabs(alpha * dy);
        r.ulps = err / (is_f64 ? golu_ulp_f64(scale) : golu_ulp_f32(scale));
    } else {
        r.ulps = err / (is_f64 ? golu_ulp_f64(ref) : golu_ulp_f32((double)ref));
    }
    r.ok = err <= wide_bound(is_f64, backward, x, dy, ref, alpha);
    return r;
}

golu_check_result golu_check_f32(int backward, float x, float dy, float got, double alpha,
                                 double beta, double gamma)
{
    return check_wide(0, backward, x, dy, got, (float)alpha, (float)beta, (float)gamma);
}

golu_check_result golu_check_f64(int backward, double x, double dy, double got, double alpha,
                                 double beta, double gamma)
{
    return check_wide(1, backward, x, dy, got, alpha, beta, gamma);
}

golu_check_result golu_check_16(int is_bf16, int backward, uint16_t x, uint16_t dy, uint16_t got,
                                double alpha, double beta, double gamma)
{
    golu_check_result r = {0, 0.0, 0.0};
    double xv = is_bf16 ? golu_bf16_to_float(x) : golu_f16_to_float(x);
    double dyv = is_bf16 ? golu_bf16_to_float(dy) : golu_f16_to_float(dy);
    /* The kernels receive the parameters rounded to float. */
    long double ref = reference(backward, xv, dyv, (float)alpha, (float)beta, (float)gamma);
    uint16_t want = is_bf16 ? golu_double_to_bf16((double)ref) : golu_double_to_f16((double)ref);
    r.ref = (double)ref;
    r.ulps = golu_ulp_distance_16(got, want, is_bf16);
    r.ok = r.ulps <= 1.0;
    return r;
}

/* ---- blending and the fused bias --------------------------------------------------------------- */

static int is_16(golu_ref_format fmt)
{
    return fmt == GOLU_REF_F16 || fmt == GOLU_REF_BF16;
}

double golu_ref_compute(golu_ref_format fmt, long double v)
{
    return fmt == GOLU_REF_F64 ? (double)v : (double)(float)v;
}

/* One ulp of the format at |v| (the 16-bit formats' as golu_ulp_f32 is float's). */
static double ulp_format(golu_ref_format fmt, long double v)
{
    switch (fmt) {
    case GOLU_REF_F16: return ulp_of(v, 0x1p-14L, 65504.0L, 11);
    case GOLU_REF_BF16: return ulp_of(v, 0x1p-126L, 0x1.fep127L, 8);
    case GOLU_REF_F64: return golu_ulp_f64(v);
    default: return golu_ulp_f32((double)v);
    }
}

/* v rounded to the format (f16/bf16: once, to nearest even, from the long double). */
static double round_format(golu_ref_format fmt, long double v)
{
    switch (fmt) {
    case GOLU_REF_F16: return golu_f16_to_float(golu_ld_to_f16(v));
    case GOLU_REF_BF16: return golu_bf16_to_float(golu_ld_to_bf16(v));
    case GOLU_REF_F64: return (double)v;
    default: return (double)(float)v;
    }
}

/* NaN exactly where the reference is NaN, an infinity exactly where the reference rounds to it:
 * 1 and *r filled when that decides; 0 when both are finite. */
static int decide_special(golu_ref_format fmt, long double ref, double got, golu_check_result *r)
{
    if (isnan(ref) || isnan(got)) {
        r->ok = isnan(ref) && isnan(got);
        r->ulps = r->ok ? 0.0 : INFINITY;
        return 1;
    }
    double rounded = round_format(fmt, ref);
    if (isinf(rounded) || isinf(got)) {
        r->ok = rounded == got;
        r->ulps = r->ok ? 0.0 : INFINITY;
        return 1;
    }
    return 0;
}

/* The float error of the 16-bit kernels' gradient s*alpha*dy*(g - u*z*g) (u = -gamma*x,
 * z = beta*e^u, gate g = e^-z) where its two terms cancel, for `ady` = |s*alpha*dy|: a few float
 * roundings of each term, u's own rounding reaching g through z (z*|u| times) and u*z*g through
 * e^u and e^-z ((1 + |u|) * (1 + z) times). Both terms vanish in the left tail, the second in the
 * right one, so this is a few float ulps of ady at most there; near the gradient's zero it is
 * what is left of the value. */
static double float_cancellation_slack(double x, long double ady, double beta, double gamma)
{
    long double u, z, g;
    gate_terms(x, beta, gamma, &u, &z, &g);
    long double uzg = g == 0.0L ? 0.0L : fabsl(u * z * g);
    long double slack = 0x1p-22L * ady *
                        (g * (1.0L + z * fabsl(u)) + uzg * (1.0L + fabsl(u)) * (1.0L + z));
    return isfinite(slack) ? (double)slack : 0.0;
}

golu_check_result golu_check_blend(golu_ref_format fmt, int backward, double x, double dy,
                                   double old, double got, double s, double t, double alpha,
                                   double beta, double gamma)
{
    golu_check_result r = {0, 0.0, 0.0};
    s = golu_ref_compute(fmt, s);
    t = golu_ref_compute(fmt, t);
    alpha = golu_ref_compute(fmt, alpha);
    beta = golu_ref_compute(fmt, beta);
    gamma = golu_ref_compute(fmt, gamma);
    long double v = reference(backward, x, dy, alpha, beta, gamma);
    long double sv = (long double)s * v;
    long double told = t == 0.0 ? 0.0L : (long double)t * old;
    long double ref = sv + told;
    r.ref = (double)ref;
    if (decide_special(fmt, ref, got, &r))
        return r;
    double err = fabs((double)((long double)got - ref));
    long double scale = fabsl(sv) + fabsl(told);
    /* the backward's error is relative to alpha*dy, not to the gradient (golu_check_f32) */
    long double unit = backward ? fabsl((long double)s * alpha * dy) + fabsl(told) : scale;
    r.ulps = err / ulp_format(fmt, unit);
    if (is_16(fmt)) {
        uint16_t want = fmt == GOLU_REF_BF16 ? golu_ld_to_bf16(ref) : golu_ld_to_f16(ref);
        uint16_t have = fmt == GOLU_REF_BF16 ? golu_double_to_bf16(got) : golu_double_to_f16(got);
        const double ulp_got = ulp_format(fmt, got);
        r.ok = golu_ulp_distance_16(have, want, fmt == GOLU_REF_BF16) <= 1.0 ||
               err <= ulp_got + 0x1p-14 * (double)scale ||
               (backward && err <= ulp_got + float_cancellation_slack(x, unit - fabsl(told), beta,
                                                                      gamma));
        return r;
    }
    int is_f64 = fmt == GOLU_REF_F64;
    double bound = fabs(s) * wide_bound(is_f64, backward, x, dy, v, alpha) +
                   ulp_format(fmt, sv) + ulp_format(fmt, told) + ulp_format(fmt, ref);
    r.ok = err <= bound;
    return r;
}

void golu_ref_column_add(golu_ref_column *c, golu_ref_format fmt, double x, double dy,
                         double alpha, double beta, double gamma)
{
    alpha = golu_ref_compute(fmt, alpha);
    long double g = (long double)dy * golu_ref_derivative(x, alpha, golu_ref_compute(fmt, beta),
                                                          golu_ref_compute(fmt, gamma));
    c->sum += g;
    c->abs_g += fabsl(g);
    c->abs_ady += fabsl((long double)alpha * dy);
    c->terms++;
}

golu_check_result golu_check_column(golu_ref_format fmt, const golu_ref_column *c, double old,
                                    double got, double s, double t)
{
    golu_check_result r = {0, 0.0, 0.0};
    s = golu_ref_compute(fmt, s);
    t = golu_ref_compute(fmt, t);
    long double ssum = (long double)s * c->sum;
    long double ref = ssum + (t == 0.0 ? 0.0L : (long double)t * old);
    r.ref = (double)ref;
    if (decide_special(fmt, ref, got, &r))
        return r;
    const int wide = fmt == GOLU_REF_F64;
    const double u = wide ? 0x1p-53 : 0x1p-24;
    const double m = wide ? 0x1p-1074 : 0x1p-149;
    const double term = fmt == GOLU_REF_F32 ? 0x1p-21 : wide ? 0x1p-50 : 0x1p-16;
    double bound = fabs(s) * (term * (double)(c->abs_g + c->abs_ady) + 8.0 * u * (double)c->abs_g +
                              2.0 * m * ((double)c->terms + (double)c->abs_ady)) +
                   2.0 * u * (double)(fabsl(ssum) + fabsl(ref));
    if (is_16(fmt))
        bound += ulp_format(fmt, ref);
    double err = fabs((double)((long double)got - ref));
    double scale = (double)(fabsl(s * c->abs_g) + (t == 0.0 ? 0.0L : fabsl((long double)t * old)));
    r.ulps = scale > 0.0 ? err / scale : (err > 0.0 ? INFINITY : 0.0);
    r.ok = err <= bound;
    return r;
}
