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

/* Deterministic pseudo-random numbers (splitmix64), so every run of a test sees the same inputs. */
uint64_t golu_rand_next(uint64_t *state);
double golu_rand_uniform(uint64_t *state, double lo, double hi);

#endif
