/*
 * The double-precision (x86: long double) C reference for GoLU, and the dtype conversions and ulp
 * measures that the tests and golu-bench share. Not part of the installed library.
 */
#ifndef GOLU_REFERENCE_H
#define GOLU_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

/* GoLU forward, evaluated in long double; exact limits at +-inf; NaN in gives NaN out. */
long double golu_ref_forward(long double x, double alpha, double beta, double gamma);

/* d GoLU / dx (the gradient for dy = 1), evaluated in long double. */
long double golu_ref_derivative(long double x, double alpha, double beta, double gamma);

/* Both at once (the two above in one evaluation of the gate: half the cost of calling both). */
void golu_ref_both(long double x, double alpha, double beta, double gamma, long double *forward,
                   long double *derivative);

/* The derivatives of GoLU with respect to its parameters at x, in long double: with
 * e = exp(-gamma*x) and g = exp(-beta*e),
 *     d[0] = dGoLU/dalpha = x*g,   d[1] = dGoLU/dbeta = -alpha*x*e*g,
 *     d[2] = dGoLU/dgamma = alpha*beta*x*x*e*g.
 * No 0 * inf: where e overflows the gate vanishes first (beta > 0), so e*g is 0; at x = -inf all
 * three are 0 and at x = +inf d[0] = +inf and d[1] = d[2] = 0 (beta, gamma > 0: the limits);
 * alpha = 0 makes d[1] and d[2] 0, beta = 0 makes d[2] 0. NaN in gives NaN in all three. */
void golu_ref_param_derivatives(long double x, double alpha, double beta, double gamma,
                                long double d[3]);

/* Conversions, all round-to-nearest-even, NaN kept NaN, +-inf kept. */
float golu_f16_to_float(uint16_t h);
uint16_t golu_double_to_f16(double v);
float golu_bf16_to_float(uint16_t b);
uint16_t golu_double_to_bf16(double v);
/* The same from a long double, rounded once (no intermediate rounding to double). */
uint16_t golu_ld_to_f16(long double v);
uint16_t golu_ld_to_bf16(long double v);

/* Size of one ulp of the dtype at |v| (for v = 0: the smallest subnormal). */
double golu_ulp_f32(double v);
double golu_ulp_f64(long double v);

/* Distance in ulps between two 16-bit patterns of the same format (f16 or bf16), counting along the
 * ordered line of finite values (so -0 and +0 are 0 apart). Either NaN: 0 if both NaN, else huge. */
double golu_ulp_distance_16(uint16_t a, uint16_t b, int is_bf16);

/* ---- the accuracy contract, shared by tests and golu-bench --check ----------------------- */

/* Outcome of comparing one device result with the reference. */
typedef struct {
    int ok;       /* 1 if within the documented bound (NaN exactly where the reference is NaN) */
    double ulps;  /* the error in ulps of the bound's unit (see golu_check_*), 0 if both NaN */
    double ref;   /* the reference value (before rounding to the dtype) */
} golu_check_result;

/* f32 and f64 results. forward: `dy` is ignored. Bounds (alpha, beta, gamma as given), with
 * s = |alpha*x| (forward) or |alpha*dy| (backward) and m the smallest subnormal:
 *   forward : |got - ref| <= 4 ulp(ref) + 2 (1 + s) m;
 *   backward: |got - ref| <= 4 ulp(alpha*dy) + 4 ulp(ref) + 2 (1 + s) m  (an absolute bound near
 *             the gradient's zero, relative elsewhere).
 * ulps reports |got - ref| / ulp(ref) for the forward and |got - ref| / ulp(alpha*dy) for the
 * backward. */
golu_check_result golu_check_f32(int backward, float x, float dy, float got, double alpha,
                                 double beta, double gamma);
golu_check_result golu_check_f64(int backward, double x, double dy, double got, double alpha,
                                 double beta, double gamma);

/* f16 / bf16 results, given as bit patterns: within 1 ulp of the correctly rounded reference
 * (computed from the exact values of the 16-bit x and dy); ulps is the distance in ulps. */
golu_check_result golu_check_16(int is_bf16, int backward, uint16_t x, uint16_t dy, uint16_t got,
                                double alpha, double beta, double gamma);

/* ---- blending and the fused bias (golu_enqueue_*_blend, golu_enqueue_*_bias) ------------- */

/* The storage formats, with golu_dtype's values (golu.h). */
typedef enum { GOLU_REF_F32 = 0, GOLU_REF_F16 = 1, GOLU_REF_BF16 = 2, GOLU_REF_F64 = 3 } golu_ref_format;

/* The value a kernel of the format computes in (float, or double for f64): x rounded to it. The
 * fused bias forms x + b so, once: golu_ref_compute(fmt, x + b) for x, b of the format (their
 * sum is exact in long double). */
double golu_ref_compute(golu_ref_format fmt, long double v);

/* One blended result: got against R = s * v + t * old, where v = GoLU(x) (forward; dy is
 * ignored) or dy * GoLU'(x) (backward) and old is the output's previous contents. With t == 0,
 * R = s * v and old is ignored (it may be NaN). x, dy, old and got are the values as the kernel
 * sees them: x in the compute type (golu_ref_compute(), also for x + b), the others decoded from
 * the format. s, t, alpha, beta and gamma are rounded to float except for f64, as the kernels
 * receive them. Bounds:
 *   f32, f64: |got - R| <= |s| * (golu_check_f32/f64's bound for v) + ulp(s*v) + ulp(t*old)
 *             + ulp(R): v's own error scaled by s, the rounding of s*v and of the fma, and one
 *             ulp of t*old for the blend's order of operations;
 *   f16, bf16: within 1 ulp of R correctly rounded; or, where s*v and t*old cancel, within
 *             ulp(got) + 2^-14 * (|s*v| + |t*old|) of R: float's error in v and s*v (at most a
 *             few hundred float ulps in the saturated tails, 2^-16 relative) shows through the
 *             cancellation before the one rounding at the store; the backward also within
 *             ulp(got) + 2^-22 * |s*alpha*dy| * (g * (1 + z*|u|) + |u*z*g| * (1 + |u|) *
 *             (1 + z)) of R (u = -gamma*x, z = beta*e^u, gate g = e^-z): where the gradient's
 *             two terms g and u*z*g cancel (x near -W(1/beta)/gamma, which the bias's float
 *             x + b can reach) their float roundings are all that is left of the value; in the
 *             left tail this allowance vanishes, in the right one it is 2^-22 * |s*alpha*dy|.
 * NaN exactly where R is NaN; infinities exactly where R rounds to one. ulps reports
 * |got - R| / ulp(|s*v| + |t*old|) in the format (backward: ulp(|s*alpha*dy| + |t*old|), as
 * golu_check_f32 reports the backward in ulps of alpha*dy). */
golu_check_result golu_check_blend(golu_ref_format fmt, int backward, double x, double dy,
                                   double old, double got, double s, double t, double alpha,
                                   double beta, double gamma);

/* One column of a fused-bias backward: the sum over its rows of the fresh gradient
 * g = dy * GoLU'(x) (x the compute-type x + b), exact to long double, and the magnitudes its
 * bound needs. Start from golu_ref_column c = {0}. */
typedef struct {
    long double sum;     /* sum of g */
    long double abs_g;   /* sum of |g| */
    long double abs_ady; /* sum of |alpha * dy| */
    uint64_t terms;
} golu_ref_column;

void golu_ref_column_add(golu_ref_column *c, golu_ref_format fmt, double x, double dy,
                         double alpha, double beta, double gamma);

/* db = s * sum + t * old (t == 0: old ignored) against the column's exact sum. The bound, with
 * u the compute type's unit roundoff (2^-24 float, 2^-53 double), m its smallest subnormal:
 *   |got - R| <= |s| * (E * (abs_g + abs_ady) + 8u * abs_g + 2m * (terms + abs_ady))
 *                + 2u * (|s * sum| + |R|)  [+ ulp(R) of the format for f16/bf16]
 * where E bounds each term's error relative to |g| + |alpha*dy|: 2^-21 for f32 (golu_check_f32's
 * 4 ulp), 2^-50 for f64, 2^-16 for f16/bf16 (float arithmetic, see golu_check_blend). The sums
 * are compensated (Kahan) per block of rows and over the blocks, and each block's sum is
 * rounded once: at most 8u * abs_g all told, whatever the number of rows. For f32 this is
 * about 1e-6 * (sum |g| + sum |alpha*dy|). Then the blend's product and fma, each rounded once,
 * and for f16/bf16 the store's rounding. ulps reports the relative error
 * |got - R| / (|s| * abs_g + |t * old|) (0 when both are 0). */
golu_check_result golu_check_column(golu_ref_format fmt, const golu_ref_column *c, double old,
                                    double got, double s, double t);

/* Deterministic pseudo-random numbers (splitmix64), so every run of a test sees the same inputs. */
uint64_t golu_rand_next(uint64_t *state);
double golu_rand_uniform(uint64_t *state, double lo, double hi);

#endif
