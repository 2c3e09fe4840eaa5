/* golu-bench --check for the blending and fused-bias passes (see check.h). */
#include "check.h"

#include "golu_reference.h"
#include "progress.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Enough examples to see the pattern of a failure without flooding the terminal. */
#define MAX_REPORTED 5

/* Counts one element's result into stats, reporting the first few misses. */
static void tally(const bench_cell *cell, const char *what, uint64_t i, const char *input,
                  double x, double got, const golu_check_result *r, int in_ulps,
                  bench_check_stats *stats)
{
    stats->checked++;
    double ulps = (isnan(r->ulps) || r->ulps >= 1e30) ? (double)INFINITY : r->ulps;
    if (in_ulps && ulps > stats->max_ulps)
        stats->max_ulps = ulps;
    if (r->ok)
        return;
    if (stats->mismatches++ < MAX_REPORTED) {
        bench_progress_clear();
        fprintf(stderr,
                "golu-bench: check %s %s %" PRIu64 "x%" PRIu64 ": %s %" PRIu64
                ": %s=%.17g got=%.17g ref=%.17g (%.3g %s)\n",
                golu_dtype_name(cell->dtype), bench_pass_name(cell->pass), cell->shape.batch,
                cell->shape.size, what, i, input, x, got, r->ref, ulps,
                in_ulps ? "ulp" : "of the column's magnitude");
    }
}

static void report_total(const bench_cell *cell, const bench_check_stats *stats)
{
    if (stats->mismatches > MAX_REPORTED)
        fprintf(stderr, "golu-bench: check %s %s n=%" PRIu64 ": ... %" PRIu64 " mismatches in all\n",
                golu_dtype_name(cell->dtype), bench_pass_name(cell->pass), cell->shape.n,
                stats->mismatches);
}

void bench_check_blend_cell(const bench_cell *cell, const void *x, const void *dy,
                            const void *old, const void *got, const golu_params *p,
                            const golu_blend *blend, bench_check_stats *stats)
{
    const golu_dtype dt = cell->dtype;
    const int bwd = bench_pass_info(cell->pass)->reads_dy;
    stats->checked = stats->mismatches = 0;
    stats->max_ulps = 0.0;
    for (uint64_t i = 0; i < cell->shape.n; i++) {
        double xv = bench_value_at(dt, x, i), gv = bench_value_at(dt, got, i);
        golu_check_result r =
            golu_check_blend((golu_ref_format)dt, bwd, xv, bwd ? bench_value_at(dt, dy, i) : 0.0,
                             bench_value_at(dt, old, i), gv, blend->s, blend->t, p->alpha, p->beta,
                             p->gamma);
        tally(cell, "element", i, "x", xv, gv, &r, 1, stats);
    }
    report_total(cell, stats);
}

void bench_check_bias_cell(const bench_cell *cell, const void *x, const void *dy, const void *b,
                           const void *got, const void *db, const golu_params *p,
                           bench_check_stats *stats)
{
    const golu_dtype dt = cell->dtype;
    const golu_ref_format fmt = (golu_ref_format)dt;
    const int bwd = bench_pass_info(cell->pass)->reads_dy;
    const uint64_t cols = cell->shape.size;
    golu_ref_column *sums = bwd ? calloc(cols, sizeof *sums) : NULL;
    stats->checked = stats->mismatches = 0;
    stats->max_ulps = 0.0;
    if (bwd && !sums) {
        fputs("golu-bench: out of host memory (column sums); db not checked\n", stderr);
        stats->mismatches++;
    }
    for (uint64_t i = 0; i < cell->shape.n; i++) {
        const uint64_t c = i % cols;
        double xb = golu_ref_compute(fmt, (long double)bench_value_at(dt, x, i) + bench_value_at(dt, b, c));
        double dyv = bwd ? bench_value_at(dt, dy, i) : 0.0, gv = bench_value_at(dt, got, i);
        golu_check_result r = golu_check_blend(fmt, bwd, xb, dyv, NAN, gv, 1.0, 0.0, p->alpha,
                                               p->beta, p->gamma);
        tally(cell, bwd ? "dx element" : "element", i, "x+b", xb, gv, &r, 1, stats);
        if (sums)
            golu_ref_column_add(&sums[c], fmt, xb, dyv, p->alpha, p->beta, p->gamma);
    }
    for (uint64_t c = 0; sums && c < cols; c++) {
        double gv = bench_value_at(dt, db, c);
        golu_check_result r = golu_check_column(fmt, &sums[c], NAN, gv, 1.0, 0.0);
        tally(cell, "db column", c, "sum |g|", (double)sums[c].abs_g, gv, &r, 0, stats);
    }
    free(sums);
    report_total(cell, stats);
}
