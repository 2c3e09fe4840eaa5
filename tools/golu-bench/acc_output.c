/* golu-bench --accuracy: table and CSV writers (see acc_output.h). */
#include "acc_output.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>

/* ---- table ---------------------------------------------------------------------------------- */

/* An error in ulps as table text: "-" when not measured, "inf", two decimals below 10^4. */
static const char *ulps_text(char *buf, size_t size, double ulps)
{
    if (ulps < 0.0)
        snprintf(buf, size, "-");
    else if (isinf(ulps))
        snprintf(buf, size, "inf");
    else if (ulps < 1e4)
        snprintf(buf, size, "%.2f", ulps);
    else
        snprintf(buf, size, "%.3g", ulps);
    return buf;
}

static const char *reference_text(golu_dtype dtype)
{
    if (dtype == GOLU_F64)
        return "MPFR, 200 bits";
    return LDBL_MANT_DIG >= 64 ? "long double, 64-bit significand"
                               : "long double (NOT extended here: too coarse below 1 ulp)";
}

static void table_begin(FILE *out, const bench_options *o, const bench_device *d)
{
    const golu_params *p = &o->params;
    fprintf(out, "golu-bench --accuracy, libgolu %s  \n", golu_version_string());
    fprintf(out, "device: %s (%s; %s)  \n", d->device_name, d->platform_name, d->device_version);
    fprintf(out, "alpha = %.17g, beta = %.17g, gamma = %.17g; backward with dy = 1  \n", p->alpha,
            p->beta, p->gamma);
    fputs("lib: libgolu's kernels; seed: the plain formula (golu-bench's own OpenCL program, "
          "float; f64: double)\n\n",
          out);
}

static void table_dtype(FILE *out, const acc_result *r)
{
    fprintf(out, "### %s: %s\n\nreference: %s; %.0f s\n\n", golu_dtype_name(r->dtype),
            r->inputs_text, reference_text(r->dtype), r->seconds);
    fputs("| x region      |      count | lib fwd | lib bwd | lib bwd abs | lib NaN/inf |"
          " seed fwd | seed bwd | seed bwd abs | seed NaN/inf | seed masked |\n",
          out);
    fputs("|---------------|-----------:|--------:|--------:|------------:|------------:|"
          "---------:|---------:|-------------:|-------------:|------------:|\n",
          out);
    for (int k = 0; k < GOLU_ACC_REGIONS; k++) {
        const golu_acc_stats *lib = &r->lib.region[k], *seed = &r->seed.region[k];
        char a[32], b[32], c[32], d[32], e[32], f[32];
        fprintf(out,
                "| %-13s | %10" PRIu64 " | %7s | %7s | %11s | %11" PRIu64 " | %8s | %8s | %12s | "
                "%12" PRIu64 " | %11" PRIu64 " |\n",
                golu_acc_region_name(k), lib->count, ulps_text(a, sizeof a, lib->fwd.ulps),
                ulps_text(b, sizeof b, lib->bwd.ulps), ulps_text(c, sizeof c, lib->bwd_abs.ulps),
                lib->nonfinite, ulps_text(d, sizeof d, seed->fwd.ulps),
                ulps_text(e, sizeof e, seed->bwd.ulps), ulps_text(f, sizeof f, seed->bwd_abs.ulps),
                seed->nonfinite, seed->masked);
    }
    fputc('\n', out);
}

/* --worst: the library's worst element per region and error column. */
static void worst_row(FILE *out, const char *region, const char *column, const golu_acc_worst *w,
                      int digits)
{
    char a[32];
    if (w->ulps < 0.0)
        return;
    fprintf(out, "| %s | %s | %s | %.*g | %.*g | %.*g |\n", region, column,
            ulps_text(a, sizeof a, w->ulps), digits, w->x, digits, w->got, digits + 2, w->ref);
}

static void table_worst(FILE *out, const acc_result *r)
{
    const int digits = r->dtype == GOLU_F64 ? 17 : 9;
    fprintf(out, "%s, the library's worst element per region and column:\n\n",
            golu_dtype_name(r->dtype));
    fputs("| x region | error | ulp | x | library | reference |\n|---|---|--:|--:|--:|--:|\n", out);
    for (int k = 0; k < GOLU_ACC_REGIONS; k++) {
        const golu_acc_stats *s = &r->lib.region[k];
        const char *name = golu_acc_region_name(k);
        if (s->count == 0)
            continue;
        worst_row(out, name, "fwd", &s->fwd, digits);
        worst_row(out, name, "bwd", &s->bwd, digits);
        worst_row(out, name, "bwd abs", &s->bwd_abs, digits);
    }
    fputc('\n', out);
}

static void table_legend(FILE *out)
{
    fputs("fwd: max |y - ref| / ulp(ref rounded to the dtype); for f16/bf16 the distance in ulps "
          "between the result and the correctly rounded result. bwd: the same for dx (dy = 1), "
          "a relative error, unbounded where the gradient crosses 0 (x = -0.567). bwd abs: max "
          "|dx - ref| / ulp(alpha * |dy|). NaN/inf: outputs (fwd and bwd) that are NaN or infinite "
          "for finite x where the correctly rounded reference is finite. masked: seed dx = 0 "
          "where the correctly rounded gradient is not 0 (what its NaN-to-0 mask can hide; plain "
          "underflow to 0 counts too).\n\n",
          out);
}

/* ---- csv ------------------------------------------------------------------------------------ */

static void csv_ulps(FILE *out, double ulps)
{
    fputc(',', out);
    if (isinf(ulps))
        fputs("inf", out);
    else if (ulps >= 0.0)
        fprintf(out, "%.6g", ulps);
}

static void csv_x(FILE *out, const golu_acc_worst *w, int digits)
{
    fputc(',', out);
    if (w->ulps >= 0.0)
        fprintf(out, "%.*g", digits, w->x);
}

static void csv_rows(FILE *out, const acc_result *r, const char *impl, const golu_acc_table *t)
{
    const int digits = r->dtype == GOLU_F64 ? 17 : 9;
    for (int k = 0; k < GOLU_ACC_REGIONS; k++) {
        const golu_acc_stats *s = &t->region[k];
        fprintf(out, "%s,%s,\"%s\",%" PRIu64, golu_dtype_name(r->dtype), impl,
                golu_acc_region_name(k), s->count);
        csv_ulps(out, s->fwd.ulps);
        csv_x(out, &s->fwd, digits);
        csv_ulps(out, s->bwd.ulps);
        csv_x(out, &s->bwd, digits);
        csv_ulps(out, s->bwd_abs.ulps);
        csv_x(out, &s->bwd_abs, digits);
        fprintf(out, ",%" PRIu64 ",%" PRIu64 "\n", s->nonfinite, s->masked);
    }
}

/* ---- dispatch ------------------------------------------------------------------------------- */

void acc_output_begin(FILE *out, const bench_options *o, const bench_device *d)
{
    if (o->format == BENCH_FORMAT_CSV)
        fputs(ACC_CSV_HEADER "\n", out);
    else
        table_begin(out, o, d);
    fflush(out);
}

void acc_output_dtype(FILE *out, const bench_options *o, const acc_result *r)
{
    if (o->format == BENCH_FORMAT_CSV) {
        csv_rows(out, r, "lib", &r->lib);
        csv_rows(out, r, "seed", &r->seed);
    } else {
        table_dtype(out, r);
        if (o->worst)
            table_worst(out, r);
    }
    fflush(out);
}

void acc_output_end(FILE *out, const bench_options *o)
{
    if (o->format != BENCH_FORMAT_CSV)
        table_legend(out);
    fflush(out);
}
