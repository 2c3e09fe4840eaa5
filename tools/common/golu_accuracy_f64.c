/* The f64 measurement against MPFR, and the f64 input sample (see golu_accuracy.h). Without MPFR
 * (GOLU_HAVE_MPFR undefined) the measurement is absent: golu_acc_have_f64() says so. */
#include "golu_accuracy.h"

#include "golu_reference.h"

#include <float.h>
#include <math.h>
#include <string.h>

#if GOLU_HAVE_MPFR
#include <mpfr.h>

int golu_acc_have_f64(void)
{
    return 1;
}

int golu_acc_f64_thread_safe(void)
{
    return mpfr_buildopt_tls_p() != 0;
}

/* Scratch numbers for one golu_acc_add_f64 call. */
typedef struct {
    mpfr_t u, z, t, y, d, tmp;
} mp_vars;

/* y and d = alpha * (t - u*(z*t)), u = -gamma*x, z = beta*exp(u), t = exp(-z), for finite x.
 * u is exact; everything else carries a relative error near 2^-GOLU_ACC_MPFR_BITS, amplified at
 * most z-fold in t (z < 2^11 wherever a double result is not 0). */
static void mp_reference(mp_vars *v, double x, double alpha, double beta, double gamma)
{
    mpfr_set_d(v->u, x, MPFR_RNDN);
    mpfr_mul_d(v->u, v->u, -gamma, MPFR_RNDN);
    if (beta == 0.0) {
        mpfr_set_zero(v->z, 1);
    } else {
        mpfr_exp(v->z, v->u, MPFR_RNDN); /* may overflow to +inf: t is 0 then */
        mpfr_mul_d(v->z, v->z, beta, MPFR_RNDN);
    }
    mpfr_neg(v->t, v->z, MPFR_RNDN);
    mpfr_exp(v->t, v->t, MPFR_RNDN);
    if (mpfr_zero_p(v->t)) { /* far below any double: the limits */
        mpfr_set_zero(v->y, signbit(x) ? -1 : 1);
        mpfr_mul_d(v->y, v->y, alpha, MPFR_RNDN);
        mpfr_set_zero(v->d, 1);
        return;
    }
    mpfr_mul_d(v->y, v->t, x, MPFR_RNDN);
    mpfr_mul_d(v->y, v->y, alpha, MPFR_RNDN);
    mpfr_mul(v->tmp, v->z, v->t, MPFR_RNDN);
    mpfr_mul(v->tmp, v->tmp, v->u, MPFR_RNDN);
    mpfr_sub(v->d, v->t, v->tmp, MPFR_RNDN);
    mpfr_mul_d(v->d, v->d, alpha, MPFR_RNDN);
}

/* |got - ref| / ulp, with golu_acc_error's rules for NaN and infinities. */
static double mp_error(mp_vars *v, double got, mpfr_srcptr ref, double rounded, double ulp)
{
    if (isnan(got) || isinf(got) || isinf(rounded))
        return golu_acc_error(got, rounded, rounded, ulp);
    mpfr_set_d(v->tmp, got, MPFR_RNDN);
    mpfr_sub(v->tmp, v->tmp, ref, MPFR_RNDN);
    mpfr_abs(v->tmp, v->tmp, MPFR_RNDN);
    mpfr_div_d(v->tmp, v->tmp, ulp, MPFR_RNDN);
    return mpfr_get_d(v->tmp, MPFR_RNDU);
}

/* x[i] = +-inf or NaN: the long-double reference takes the exact limits. */
static void add_nonfinite(const double *x, size_t i, const golu_acc_impl *impls, size_t num_impls,
                          double alpha, double beta, double gamma, double ulp_scale)
{
    long double f, d;
    golu_ref_both(x[i], alpha, beta, gamma, &f, &d);
    for (size_t k = 0; k < num_impls; k++) {
        golu_acc_element e = {x[i], -1.0, -1.0, -1.0, NAN, NAN, NAN, NAN, 0, 0};
        if (impls[k].y) {
            double got = ((const double *)impls[k].y)[i];
            e.fwd = golu_acc_error(got, (double)f, (double)f, golu_ulp_f64(f));
            e.y_got = got;
            e.y_ref = (double)f;
        }
        if (impls[k].dx) {
            double got = ((const double *)impls[k].dx)[i];
            e.bwd = golu_acc_error(got, (double)d, (double)d, golu_ulp_f64(d));
            e.bwd_abs = golu_acc_error(got, (double)d, (double)d, ulp_scale);
            e.dx_got = got;
            e.dx_ref = (double)d;
            e.masked = got == 0.0 && d != 0.0L && !isnan(d);
        }
        golu_acc_record(impls[k].table, &e);
    }
}

void golu_acc_add_f64(const double *x, size_t n, const golu_acc_impl *impls, size_t num_impls,
                      double alpha, double beta, double gamma)
{
    const double ulp_scale = golu_ulp_f64(fabs(alpha));
    mp_vars v;
    mpfr_inits2(GOLU_ACC_MPFR_BITS, v.u, v.z, v.t, v.y, v.d, v.tmp, (mpfr_ptr)0);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            add_nonfinite(x, i, impls, num_impls, alpha, beta, gamma, ulp_scale);
            continue;
        }
        mp_reference(&v, x[i], alpha, beta, gamma);
        const double yr = mpfr_get_d(v.y, MPFR_RNDN), dr = mpfr_get_d(v.d, MPFR_RNDN);
        for (size_t k = 0; k < num_impls; k++) {
            golu_acc_element e = {x[i], -1.0, -1.0, -1.0, NAN, NAN, NAN, NAN, 0, 0};
            if (impls[k].y) {
                double got = ((const double *)impls[k].y)[i];
                e.fwd = mp_error(&v, got, v.y, yr, golu_ulp_f64(yr));
                e.y_got = got;
                e.y_ref = yr;
                e.nonfinite += !isfinite(got) && isfinite(yr);
            }
            if (impls[k].dx) {
                double got = ((const double *)impls[k].dx)[i];
                e.bwd = mp_error(&v, got, v.d, dr, golu_ulp_f64(dr));
                e.bwd_abs = mp_error(&v, got, v.d, dr, ulp_scale);
                e.dx_got = got;
                e.dx_ref = dr;
                e.nonfinite += !isfinite(got) && isfinite(dr);
                e.masked = got == 0.0 && dr != 0.0;
            }
            golu_acc_record(impls[k].table, &e);
        }
    }
    mpfr_clears(v.u, v.z, v.t, v.y, v.d, v.tmp, (mpfr_ptr)0);
    /* This thread's cached constants (log 2, ...): a worker thread that ends would leak them. */
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
}

#else /* !GOLU_HAVE_MPFR */

int golu_acc_have_f64(void)
{
    return 0;
}

int golu_acc_f64_thread_safe(void)
{
    return 0;
}

void golu_acc_add_f64(const double *x, size_t n, const golu_acc_impl *impls, size_t num_impls,
                      double alpha, double beta, double gamma)
{
    (void)x;
    (void)n;
    (void)impls;
    (void)num_impls;
    (void)alpha;
    (void)beta;
    (void)gamma;
}

#endif

/* ---- the sample ------------------------------------------------------------------------------ */

/* Where the outer regions are sampled uniformly: the gate is 0 or 1 in f64 well inside these. */
#define SAMPLE_LOW (-50.0)
#define SAMPLE_HIGH 750.0

static size_t add_specials(double *x, size_t n)
{
    static const double fixed[] = {
        0.0, -0.0, INFINITY, -INFINITY, NAN, DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MIN, -DBL_MIN,
        DBL_MAX, -DBL_MAX, 1.0, -1.0, 1e-300, -1e-300, 1e-10, -1e-10,
        -0.5671432904097838,  /* the gradient's zero, -W(1) */
        -708.0, 708.0, -745.2, 745.2, -6.6, -4.56, 37.0, -37.0};
    size_t k = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0] && k < n; i++)
        x[k++] = fixed[i];
    for (int r = 1; r < GOLU_ACC_FINITE_REGIONS && k + 3 <= n; r++) {
        double b = golu_acc_region_lo(r);
        x[k++] = b;
        x[k++] = nextafter(b, -INFINITY);
        x[k++] = nextafter(b, INFINITY);
    }
    return k;
}

/* A random double that is not NaN, any magnitude. */
static double random_pattern(uint64_t *state)
{
    for (;;) {
        uint64_t bits = golu_rand_next(state);
        double d;
        memcpy(&d, &bits, sizeof d);
        if (!isnan(d))
            return d;
    }
}

void golu_acc_sample_f64(double *x, size_t n, uint64_t seed)
{
    uint64_t state = seed;
    size_t k = add_specials(x, n);
    for (size_t i = 0; k < n; i++, k++) {
        int r = (int)(i % (GOLU_ACC_FINITE_REGIONS + 1));
        if (r == GOLU_ACC_FINITE_REGIONS) {
            x[k] = random_pattern(&state);
            continue;
        }
        double lo = golu_acc_region_lo(r), hi = golu_acc_region_hi(r);
        if (isinf(lo))
            lo = SAMPLE_LOW;
        if (isinf(hi))
            hi = SAMPLE_HIGH;
        x[k] = golu_rand_uniform(&state, lo, hi);
        if (x[k] >= hi) /* rounding at the top end */
            x[k] = nextafter(hi, lo);
    }
}
