/* golu-bench --check: per-element verification (see check.h). */
#include "check.h"

#include "golu_reference.h"
#include "progress.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

/* Enough examples to see the pattern of a failure without flooding the terminal. */
#define MAX_REPORTED 5

/* One element, whatever the dtype; values are widened to double for the report. */
typedef struct {
    golu_check_result r;
    double x, dy, got;
} element_check;

static element_check check_element(const bench_cell *c, const void *x, const void *dy,
                                   const void *got, uint64_t i, const golu_params *p)
{
    element_check e = {{0, 0.0, 0.0}, 0.0, 0.0, 0.0};
    int bwd = bench_pass_info(c->pass)->reads_dy;
    switch (c->dtype) {
    case GOLU_F32: {
        float xv = ((const float *)x)[i], dv = bwd ? ((const float *)dy)[i] : 0.0f;
        float g = ((const float *)got)[i];
        e.r = golu_check_f32(bwd, xv, dv, g, p->alpha, p->beta, p->gamma);
        e.x = (double)xv;
        e.dy = (double)dv;
        e.got = (double)g;
        break;
    }
    case GOLU_F64: {
        double xv = ((const double *)x)[i], dv = bwd ? ((const double *)dy)[i] : 0.0;
        double g = ((const double *)got)[i];
        e.r = golu_check_f64(bwd, xv, dv, g, p->alpha, p->beta, p->gamma);
        e.x = xv;
        e.dy = dv;
        e.got = g;
        break;
    }
    case GOLU_F16:
    case GOLU_BF16: {
        int bf = c->dtype == GOLU_BF16;
        uint16_t xv = ((const uint16_t *)x)[i], dv = bwd ? ((const uint16_t *)dy)[i] : 0;
        uint16_t g = ((const uint16_t *)got)[i];
        float (*to_float)(uint16_t) = bf ? golu_bf16_to_float : golu_f16_to_float;
        e.r = golu_check_16(bf, bwd, xv, dv, g, p->alpha, p->beta, p->gamma);
        e.x = (double)to_float(xv);
        e.dy = (double)to_float(dv);
        e.got = (double)to_float(g);
        break;
    }
    }
    return e;
}

static void report_mismatch(const bench_cell *c, uint64_t i, const element_check *e)
{
    bench_progress_clear();
    fprintf(stderr, "golu-bench: check %s %s n=%" PRIu64 ": element %" PRIu64 ": x=%.17g",
            golu_dtype_name(c->dtype), bench_pass_name(c->pass), c->shape.n, i, e->x);
    if (bench_pass_info(c->pass)->reads_dy)
        fprintf(stderr, " dy=%.17g", e->dy);
    fprintf(stderr, " got=%.17g ref=%.17g (%.3g ulp)\n", e->got, e->r.ref,
            e->r.ulps >= 1e30 ? (double)INFINITY : e->r.ulps);
}

void bench_check_cell(const bench_cell *cell, const void *x, const void *dy, const void *got,
                      const golu_params *params, bench_check_stats *stats)
{
    stats->checked = cell->shape.n;
    stats->mismatches = 0;
    stats->max_ulps = 0.0;
    for (uint64_t i = 0; i < cell->shape.n; i++) {
        element_check e = check_element(cell, x, dy, got, i, params);
        /* NaN would hide from '>', and golu_ulp_distance_16 says "NaN versus a number" with
         * 1e30: both are an infinitely wrong element, shown as inf like the f32/f64 checks do. */
        double ulps = (isnan(e.r.ulps) || e.r.ulps >= 1e30) ? (double)INFINITY : e.r.ulps;
        if (ulps > stats->max_ulps)
            stats->max_ulps = ulps;
        if (e.r.ok)
            continue;
        if (stats->mismatches++ < MAX_REPORTED)
            report_mismatch(cell, i, &e);
    }
    if (stats->mismatches > MAX_REPORTED)
        fprintf(stderr, "golu-bench: check %s %s n=%" PRIu64 ": ... %" PRIu64 " mismatches in all\n",
                golu_dtype_name(cell->dtype), bench_pass_name(cell->pass), cell->shape.n,
                stats->mismatches);
}

/* The element's value, whatever the dtype. */
double bench_value_at(golu_dtype dtype, const void *a, uint64_t i)
{
    switch (dtype) {
    case GOLU_F32: return ((const float *)a)[i];
    case GOLU_F64: return ((const double *)a)[i];
    case GOLU_F16: return golu_f16_to_float(((const uint16_t *)a)[i]);
    case GOLU_BF16: return golu_bf16_to_float(((const uint16_t *)a)[i]);
    }
    return NAN;
}

void bench_check_param_sums(const bench_cell *cell, const void *x, const void *dy,
                            const double sums[3], const golu_params *params,
                            bench_check_stats *stats)
{
    static const char *const names[3] = {"alpha", "beta", "gamma"};
    const golu_dtype dt = cell->dtype;
    const double tol = dt == GOLU_F64 ? 1e-12 : 1e-5;
    /* the kernels receive the parameters rounded to float, except for f64 */
    const golu_ref_format fmt = (golu_ref_format)dt;
    const double alpha = golu_ref_compute(fmt, params->alpha);
    const double beta = golu_ref_compute(fmt, params->beta);
    const double gamma = golu_ref_compute(fmt, params->gamma);
    long double sum[3] = {0, 0, 0}, abs_sum[3] = {0, 0, 0};
    for (uint64_t i = 0; i < cell->shape.n; i++) {
        long double d[3], dyv = bench_value_at(dt, dy, i);
        golu_ref_param_derivatives(bench_value_at(dt, x, i), alpha, beta, gamma, d);
        for (int k = 0; k < 3; k++) {
            sum[k] += dyv * d[k];
            abs_sum[k] += fabsl(dyv * d[k]);
        }
    }
    for (int k = 0; k < 3; k++) {
        long double err = fabsl((long double)sums[k] - sum[k]);
        int ok = isfinite(sum[k]) ? isfinite(sums[k]) && err <= tol * abs_sum[k]
                                  : (isnan(sum[k]) ? isnan(sums[k]) : sums[k] == sum[k]);
        stats->checked++;
        if (ok)
            continue;
        stats->mismatches++;
        bench_progress_clear();
        fprintf(stderr,
                "golu-bench: check %s %s n=%" PRIu64 ": d%s sum %.17g, reference %.17Lg "
                "(error %.3Lg of sum |term| %.6Lg, bound %g)\n",
                golu_dtype_name(dt), bench_pass_name(cell->pass), cell->shape.n, names[k],
                sums[k], sum[k], abs_sum[k] > 0 ? err / abs_sum[k] : err, abs_sum[k], tol);
    }
}

void bench_check_accumulate(bench_check_stats *total, const bench_check_stats *cell)
{
    total->checked += cell->checked;
    total->mismatches += cell->mismatches;
    if (cell->max_ulps > total->max_ulps)
        total->max_ulps = cell->max_ulps;
}
