/* Regions, per-region error tables, and the f32 / f16 / bf16 measurements (see golu_accuracy.h). */
#include "golu_accuracy.h"

#include "golu_reference.h"

#include <math.h>

/* Lower bounds of the finite regions after the first. */
static const double region_bounds[GOLU_ACC_FINITE_REGIONS - 1] = {-10.0, -4.0, -1.0, -0.25,
                                                                  0.25,  1.0,  4.0,  20.0};

static const char *const region_names[GOLU_ACC_REGIONS] = {
    "(-inf, -10)", "[-10, -4)", "[-4, -1)", "[-1, -0.25)", "[-0.25, 0.25)",
    "[0.25, 1)",   "[1, 4)",    "[4, 20)",  "[20, inf)",   "inf, nan"};

int golu_acc_region(double x)
{
    if (!isfinite(x))
        return GOLU_ACC_NONFINITE;
    int r = 0;
    while (r < GOLU_ACC_FINITE_REGIONS - 1 && x >= region_bounds[r])
        r++;
    return r;
}

const char *golu_acc_region_name(int region)
{
    return region >= 0 && region < GOLU_ACC_REGIONS ? region_names[region] : "?";
}

double golu_acc_region_lo(int region)
{
    if (region <= 0 || region >= GOLU_ACC_FINITE_REGIONS)
        return -INFINITY;
    return region_bounds[region - 1];
}

double golu_acc_region_hi(int region)
{
    if (region < 0 || region >= GOLU_ACC_FINITE_REGIONS - 1)
        return INFINITY;
    return region_bounds[region];
}

/* ---- tables ---------------------------------------------------------------------------------- */

static void worst_init(golu_acc_worst *w)
{
    w->ulps = -1.0;
    w->x = NAN;
    w->got = NAN;
    w->ref = NAN;
}

void golu_acc_table_init(golu_acc_table *t)
{
    for (int r = 0; r < GOLU_ACC_REGIONS; r++) {
        golu_acc_stats *s = &t->region[r];
        s->count = 0;
        s->nonfinite = 0;
        s->masked = 0;
        worst_init(&s->fwd);
        worst_init(&s->bwd);
        worst_init(&s->bwd_abs);
    }
}

static void worst_update(golu_acc_worst *w, double ulps, double x, double got, double ref)
{
    if (ulps > w->ulps) {
        w->ulps = ulps;
        w->x = x;
        w->got = got;
        w->ref = ref;
    }
}

static void worst_merge(golu_acc_worst *into, const golu_acc_worst *from)
{
    if (from->ulps > into->ulps)
        *into = *from;
}

void golu_acc_table_merge(golu_acc_table *into, const golu_acc_table *from)
{
    for (int r = 0; r < GOLU_ACC_REGIONS; r++) {
        golu_acc_stats *a = &into->region[r];
        const golu_acc_stats *b = &from->region[r];
        a->count += b->count;
        a->nonfinite += b->nonfinite;
        a->masked += b->masked;
        worst_merge(&a->fwd, &b->fwd);
        worst_merge(&a->bwd, &b->bwd);
        worst_merge(&a->bwd_abs, &b->bwd_abs);
    }
}

void golu_acc_record(golu_acc_table *t, const golu_acc_element *e)
{
    golu_acc_stats *s = &t->region[golu_acc_region(e->x)];
    s->count++;
    s->nonfinite += e->nonfinite;
    s->masked += e->masked;
    worst_update(&s->fwd, e->fwd, e->x, e->y_got, e->y_ref);
    worst_update(&s->bwd, e->bwd, e->x, e->dx_got, e->dx_ref);
    worst_update(&s->bwd_abs, e->bwd_abs, e->x, e->dx_got, e->dx_ref);
}

double golu_acc_error(double got, double ref, double rounded, double ulp)
{
    if (isnan(got) || isnan(rounded))
        return (isnan(got) && isnan(rounded)) ? 0.0 : (double)INFINITY;
    if (isinf(got) || isinf(rounded))
        return got == rounded ? 0.0 : (double)INFINITY;
    double e = fabs(got - ref) / ulp;
    return isnan(e) ? (double)INFINITY : e;
}

static golu_acc_element element_init(double x)
{
    golu_acc_element e = {x, -1.0, -1.0, -1.0, NAN, NAN, NAN, NAN, 0, 0};
    return e;
}

/* ---- f32 ------------------------------------------------------------------------------------- */

void golu_acc_add_f32(const float *x, size_t n, const golu_acc_impl *impls, size_t num_impls,
                      double alpha, double beta, double gamma)
{
    const float a = (float)alpha, b = (float)beta, g = (float)gamma;
    const double ulp_scale = golu_ulp_f32(fabs((double)a)); /* ulp(alpha * |dy|), dy = 1 */
    for (size_t i = 0; i < n; i++) {
        long double f, d;
        golu_ref_both(x[i], a, b, g, &f, &d);
        const float fr = (float)f, dr = (float)d; /* rounded once, from the long double */
        const double fd = (double)f, dd = (double)d;
        const double ulp_f = golu_ulp_f32(fr), ulp_d = golu_ulp_f32(dr);
        const int finite_x = isfinite(x[i]);
        for (size_t k = 0; k < num_impls; k++) {
            golu_acc_element e = element_init(x[i]);
            if (impls[k].y) {
                float got = ((const float *)impls[k].y)[i];
                e.fwd = golu_acc_error(got, fd, fr, ulp_f);
                e.y_got = got;
                e.y_ref = fd;
                e.nonfinite += finite_x && !isfinite(got) && isfinite(fr);
            }
            if (impls[k].dx) {
                float got = ((const float *)impls[k].dx)[i];
                e.bwd = golu_acc_error(got, dd, dr, ulp_d);
                e.bwd_abs = golu_acc_error(got, dd, dr, ulp_scale);
                e.dx_got = got;
                e.dx_ref = dd;
                e.nonfinite += finite_x && !isfinite(got) && isfinite(dr);
                e.masked = got == 0.0f && dr != 0.0f && !isnan(dr);
            }
            golu_acc_record(impls[k].table, &e);
        }
    }
}

/* ---- f16 and bf16 ---------------------------------------------------------------------------- */

/* One ulp of the format at |v| (subnormal spacing below the smallest normal). */
static double ulp_16(int is_bf16, double v)
{
    const int mant = is_bf16 ? 7 : 10, emin = is_bf16 ? -126 : -14;
    const double max = is_bf16 ? 0x1.fep127 : 65504.0;
    double a = fabs(v);
    if (a < ldexp(1.0, emin))
        return ldexp(1.0, emin - mant);
    int e;
    frexp(a > max ? max : a, &e); /* a in [2^(e-1), 2^e) */
    return ldexp(1.0, e - 1 - mant);
}

/* Ulps between two patterns; a NaN against a number is +inf (golu_ulp_distance_16 says 1e30). */
static double distance_16(uint16_t got, uint16_t want, int is_bf16)
{
    double d = golu_ulp_distance_16(got, want, is_bf16);
    return d >= 1e30 ? (double)INFINITY : d;
}

void golu_acc_add_16(int is_bf16, const uint16_t *x, size_t n, const golu_acc_impl *impls,
                     size_t num_impls, double alpha, double beta, double gamma)
{
    float (*to_float)(uint16_t) = is_bf16 ? golu_bf16_to_float : golu_f16_to_float;
    uint16_t (*round_16)(long double) = is_bf16 ? golu_ld_to_bf16 : golu_ld_to_f16;
    const float a = (float)alpha, b = (float)beta, g = (float)gamma;
    const double ulp_scale = ulp_16(is_bf16, (double)a);
    for (size_t i = 0; i < n; i++) {
        const float xv = to_float(x[i]);
        long double f, d;
        golu_ref_both(xv, a, b, g, &f, &d);
        const uint16_t fw = round_16(f), dw = round_16(d); /* the correctly rounded patterns */
        const float fwv = to_float(fw), dwv = to_float(dw);
        const int finite_x = isfinite(xv);
        for (size_t k = 0; k < num_impls; k++) {
            golu_acc_element e = element_init(xv);
            if (impls[k].y) {
                uint16_t got = ((const uint16_t *)impls[k].y)[i];
                float gv = to_float(got);
                e.fwd = distance_16(got, fw, is_bf16);
                e.y_got = gv;
                e.y_ref = (double)f;
                e.nonfinite += finite_x && !isfinite(gv) && isfinite(fwv);
            }
            if (impls[k].dx) {
                uint16_t got = ((const uint16_t *)impls[k].dx)[i];
                float gv = to_float(got);
                e.bwd = distance_16(got, dw, is_bf16);
                e.bwd_abs = golu_acc_error(gv, (double)d, dwv, ulp_scale);
                e.dx_got = gv;
                e.dx_ref = (double)d;
                e.nonfinite += finite_x && !isfinite(gv) && isfinite(dwv);
                e.masked = gv == 0.0f && dwv != 0.0f && !isnan(dwv);
            }
            golu_acc_record(impls[k].table, &e);
        }
    }
}
