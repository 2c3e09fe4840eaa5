/* golu-bench --accuracy: the targets and the PASS/FAIL line (see acc_targets.h). */
#include "acc_targets.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#define TARGETS 5
#define MAX_DETAILS 12 /* failing cells listed per target */
/* At most 6 checks per (dtype, region) can fail. */
#define MAX_FAILURES (GOLU_DTYPE_COUNT * GOLU_ACC_REGIONS * 6)

static const char *const target_names[TARGETS] = {
    "library <= seed in every region and column (fwd, bwd, bwd abs, NaN/inf; ties within "
    "0.05 ulp, f16/bf16 within their 1-ulp contract, relative bwd not compared where the "
    "gradient crosses zero)",
    "f32 forward <= 4 ulp for x >= -1",
    "backward <= 2 ulp of alpha*|dy| everywhere",
    "no NaN/inf from the library for finite x",
    "f64 forward within 4 ulp of MPFR on the sample"};

/* One failing cell: an error column above its limit, or a NaN/inf count. */
typedef struct {
    int target;
    const acc_result *r;
    int region;
    const char *column;
    const golu_acc_worst *w; /* NULL for a count */
    double limit;
    uint64_t count, count_limit;
} failure;

typedef struct {
    int checked[TARGETS];
    failure list[MAX_FAILURES];
    size_t num;
} findings;

static void add(findings *f, failure x)
{
    if (f->num < MAX_FAILURES)
        f->list[f->num++] = x;
}

static void bound(findings *f, int target, const acc_result *r, int region, const char *column,
                  const golu_acc_worst *w, double limit)
{
    if (w->ulps < 0.0)
        return;
    f->checked[target] = 1;
    if (w->ulps > limit)
        add(f, (failure){target, r, region, column, w, limit, 0, 0});
}

static void count_bound(findings *f, int target, const acc_result *r, int region,
                        const char *column, uint64_t count, uint64_t limit)
{
    f->checked[target] = 1;
    if (count > limit)
        add(f, (failure){target, r, region, column, NULL, 0.0, count, limit});
}

/* Where the derivative t*(1 - u*z) is 0: u*beta*exp(u) = 1, u = W(1/beta), x = -u/gamma. A
 * relative error there has no meaning (the reference is ~0), so the comparison with the seed
 * skips the relative backward column of that region; its absolute column still counts. */
static double gradient_zero(const golu_params *p)
{
    if (!(p->beta > 0.0) || p->gamma == 0.0)
        return NAN;
    double u = 0.5; /* Newton on u + log(u) + log(beta) = 0 */
    for (int i = 0; i < 60; i++)
        u -= (u + log(u) + log(p->beta)) / (1.0 + 1.0 / u);
    return -u / p->gamma;
}

/* The seed's figure, with the allowances of target 0. */
static double seed_limit(const acc_result *r, double seed_ulps)
{
    const int half = r->dtype == GOLU_F16 || r->dtype == GOLU_BF16;
    return fmax(seed_ulps + 0.05, half ? 1.0 : 0.0);
}

static void check_result(findings *f, const acc_result *r, const golu_params *params)
{
    const double zero = gradient_zero(params);
    for (int k = 0; k < GOLU_ACC_REGIONS; k++) {
        const golu_acc_stats *lib = &r->lib.region[k], *seed = &r->seed.region[k];
        if (lib->count == 0)
            continue;
        if (seed->count == lib->count) {
            const int has_zero = k != GOLU_ACC_NONFINITE && zero >= golu_acc_region_lo(k) &&
                                 zero < golu_acc_region_hi(k);
            bound(f, 0, r, k, "fwd", &lib->fwd, seed_limit(r, seed->fwd.ulps));
            if (!has_zero)
                bound(f, 0, r, k, "bwd", &lib->bwd, seed_limit(r, seed->bwd.ulps));
            bound(f, 0, r, k, "bwd abs", &lib->bwd_abs, seed_limit(r, seed->bwd_abs.ulps));
            count_bound(f, 0, r, k, "NaN/inf", lib->nonfinite, seed->nonfinite);
        }
        if (r->dtype == GOLU_F32 && k != GOLU_ACC_NONFINITE && golu_acc_region_lo(k) >= -1.0)
            bound(f, 1, r, k, "fwd", &lib->fwd, 4.0);
        bound(f, 2, r, k, "bwd abs", &lib->bwd_abs, 2.0);
        count_bound(f, 3, r, k, "NaN/inf", lib->nonfinite, 0);
        if (r->dtype == GOLU_F64)
            bound(f, 4, r, k, "fwd", &lib->fwd, 4.0);
    }
}

static void print_failure(FILE *out, const failure *x)
{
    const char *dtype = golu_dtype_name(x->r->dtype);
    const char *region = golu_acc_region_name(x->region);
    if (!x->w) {
        fprintf(out, "    - %s %s, x in %s: %" PRIu64 " > %s%" PRIu64 "\n", dtype, x->column,
                region, x->count, x->target == 0 ? "seed's " : "", x->count_limit);
        return;
    }
    const int digits = x->r->dtype == GOLU_F64 ? 17 : 9;
    fprintf(out,
            "    - %s %s, x in %s: %.3g ulp > %s%.3g; worst x = %.*g (%a): library %.*g, "
            "reference %.*g\n",
            dtype, x->column, region, x->w->ulps, x->target == 0 ? "seed's " : "", x->limit,
            digits, x->w->x, x->w->x, digits, x->w->got, digits + 2, x->w->ref);
}

int acc_targets_report(FILE *out, const acc_result *results, size_t count,
                       const golu_params *params)
{
    static findings f; /* a few kilobytes: not on the stack */
    int met = 0, missed = 0;
    const int defaults = params->alpha == 1.0 && params->beta == 1.0 && params->gamma == 1.0;
    f.num = 0;
    for (int i = 0; i < TARGETS; i++)
        f.checked[i] = 0;
    for (size_t r = 0; r < count; r++)
        check_result(&f, &results[r], params);

    fprintf(out, "### targets%s\n\n",
            defaults ? "" : " (stated for alpha = beta = gamma = 1; checked as they are)");
    for (int i = 0; i < TARGETS; i++) {
        size_t fails = 0;
        for (size_t j = 0; j < f.num; j++)
            fails += f.list[j].target == i;
        const char *verdict = !f.checked[i] ? "not checked" : fails ? "FAIL" : "PASS";
        fprintf(out, "- %s: %s\n", verdict, target_names[i]);
        for (size_t j = 0, shown = 0; j < f.num && shown < MAX_DETAILS; j++)
            if (f.list[j].target == i) {
                print_failure(out, &f.list[j]);
                shown++;
            }
        if (fails > MAX_DETAILS)
            fprintf(out, "    - ... %zu failing cells in all\n", fails);
        if (f.checked[i] && fails)
            missed++;
        else if (f.checked[i])
            met++;
    }
    if (missed)
        fprintf(out, "\nFAIL: %d of %d checked targets not met\n", missed, met + missed);
    else
        fprintf(out, "\nPASS: all %d checked targets met\n", met);
    fflush(out);
    return missed == 0;
}
