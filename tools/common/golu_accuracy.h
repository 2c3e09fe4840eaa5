/*
 * Accuracy measurement shared by golu-bench --accuracy and tests/test_accuracy.c: the regions of x
 * the errors are reported over, and the per-region accumulation of the errors of one or more
 * implementations (the library's kernels, the seed formula) against one reference evaluation.
 *
 * Errors, per element, for forward y and backward dx with dy = 1:
 *   fwd      |got - ref| / ulp(ref rounded to the dtype)            (f32, f64)
 *            ulps between the got pattern and the correctly rounded pattern   (f16, bf16)
 *   bwd      the same for dx: relative, unbounded near the gradient's zero at x = -0.567
 *   bwd_abs  |got - ref| / ulp(alpha * |dy|) in the dtype, dy = 1 (an absolute error)
 * where ref is the long-double reference (f32, f16, bf16; golu_ref_both) or MPFR at
 * GOLU_ACC_MPFR_BITS bits (f64). Both NaN counts as 0; a NaN against a number, or an infinity
 * against anything else, as +inf. f32/f16/bf16 references use alpha, beta, gamma rounded to
 * float, as the kernels receive them.
 */
#ifndef GOLU_ACCURACY_H
#define GOLU_ACCURACY_H

#include <stddef.h>
#include <stdint.h>

/* (-inf, -10), [-10, -4), [-4, -1), [-1, -0.25), [-0.25, 0.25), [0.25, 1), [1, 4), [4, 20),
 * [20, inf) for finite x, then one region for x = +-inf and NaN. */
#define GOLU_ACC_FINITE_REGIONS 9
#define GOLU_ACC_NONFINITE GOLU_ACC_FINITE_REGIONS
#define GOLU_ACC_REGIONS (GOLU_ACC_FINITE_REGIONS + 1)

/* Working precision of the f64 reference. */
#define GOLU_ACC_MPFR_BITS 200

/* The region of x (GOLU_ACC_NONFINITE for +-inf and NaN). */
int golu_acc_region(double x);
/* "(-inf, -10)", "[-10, -4)", ..., "[20, inf)", "inf, nan". */
const char *golu_acc_region_name(int region);
/* The region is [lo, hi) (the first one (lo, hi)); lo = -inf for the first, hi = +inf for the
 * last finite one. */
double golu_acc_region_lo(int region);
double golu_acc_region_hi(int region);

/* The worst element of one error column. ulps < 0: no element seen. */
typedef struct {
    double ulps;
    double x;
    double got;
    double ref; /* the reference, unrounded (as a double) */
} golu_acc_worst;

typedef struct {
    uint64_t count;           /* inputs in the region */
    golu_acc_worst fwd;       /* forward, in ulps of the rounded reference */
    golu_acc_worst bwd;       /* backward (dy = 1), in ulps of the rounded reference */
    golu_acc_worst bwd_abs;   /* backward, in ulps of alpha * |dy| */
    uint64_t nonfinite;       /* NaN/inf outputs (fwd and bwd counted apart) whose correctly
                               * rounded reference is finite */
    uint64_t masked;          /* backward gave +-0 where the correctly rounded reference is not 0 */
} golu_acc_stats;

typedef struct {
    golu_acc_stats region[GOLU_ACC_REGIONS];
} golu_acc_table;

void golu_acc_table_init(golu_acc_table *t);
/* Adds `from` into `into`; on equal errors the worst element already in `into` is kept, so
 * merging tables of consecutive ranges in order keeps the first worst element. */
void golu_acc_table_merge(golu_acc_table *into, const golu_acc_table *from);

/* One implementation's results for the n inputs given to a golu_acc_add_* call, in the dtype's
 * storage (float, double, or the 16-bit patterns of f16/bf16). y or dx NULL: that pass is not
 * measured (the table then keeps ulps < 0 in that column). */
typedef struct {
    const void *y;
    const void *dx; /* with dy = 1 */
    golu_acc_table *table;
} golu_acc_impl;

/* The reference is evaluated once per x and compared with each of the num_impls results.
 * Thread-safe for distinct tables. */
void golu_acc_add_f32(const float *x, size_t n, const golu_acc_impl *impls, size_t num_impls,
                      double alpha, double beta, double gamma);
void golu_acc_add_16(int is_bf16, const uint16_t *x, size_t n, const golu_acc_impl *impls,
                     size_t num_impls, double alpha, double beta, double gamma);

/* 1 when built with MPFR (golu_acc_add_f64 available), else 0. */
int golu_acc_have_f64(void);
/* 1 when golu_acc_add_f64 may run on several threads at once (MPFR built thread-safe). */
int golu_acc_f64_thread_safe(void);
/* Against MPFR at GOLU_ACC_MPFR_BITS bits; does nothing without MPFR. */
void golu_acc_add_f64(const double *x, size_t n, const golu_acc_impl *impls, size_t num_impls,
                      double alpha, double beta, double gamma);

/* A sample of n doubles covering every region: the specials first (+-0, +-inf, NaN,
 * subnormals, +-DBL_MAX, every region boundary and its neighbours, the gradient's zero), then in
 * turn uniform draws inside each finite region (the outer ones up to |x| = 750) and random bit
 * patterns (every magnitude). Deterministic for a given seed. */
void golu_acc_sample_f64(double *x, size_t n, uint64_t seed);

/* ---- for the per-dtype adders ---------------------------------------------------------------- */

/* One element's errors in ulps (negative: pass not measured) and the values behind them. */
typedef struct {
    double x;
    double fwd, bwd, bwd_abs;
    double y_got, y_ref, dx_got, dx_ref;
    unsigned nonfinite; /* 0, 1 or 2 */
    unsigned masked;    /* 0 or 1 */
} golu_acc_element;

void golu_acc_record(golu_acc_table *t, const golu_acc_element *e);

/* |got - ref| / ulp where both got and the rounded reference are finite; 0 when both are NaN or
 * the same infinity; +inf otherwise. Never NaN. In double: the reference's rounding to double
 * (2^-53 relative) moves an f32 error by less than 2^-29 ulp. */
double golu_acc_error(double got, double ref, double rounded, double ulp);

#endif
