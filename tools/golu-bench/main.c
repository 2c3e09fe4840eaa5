/*
 * golu-bench: times libgolu's GoLU forward and backward kernels per dtype and size on one OpenCL
 * device, against a buffer copy of the same bytes, and with --check verifies every element.
 * The pieces: options.c (command line), devices.c (listing, selection, setup), cells.c (what to
 * run), run.c (one cell), timing.c, inputs.c, check.c, output.c, progress.c, errors.c, help.c.
 * --accuracy (accuracy.c) measures the errors against a correct reference instead: acc_seed.c
 * (the seed formula's program), acc_runner.c (a chunk on the device), acc_eval.c (the host-side
 * comparison over threads), acc_sweep.c (the inputs per dtype), acc_output.c, acc_targets.c.
 * --tune (tune.c) searches the launch configuration per (dtype, pass) and records it in the
 * library's tuning file (tune_write.c).
 */
#include "accuracy.h"
#include "cells.h"
#include "check.h"
#include "devices.h"
#include "errors.h"
#include "help.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "run.h"
#include "tune.h"

#include <golu.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* Drops the dtypes the device cannot run, each with a note: asking for f64 on a device without
 * it is a normal request on a mixed fleet, not an error. @return : 0, or -1 (reported). */
static int supported_dtypes(const bench_options *o, const bench_device *d, golu_dtype *out,
                            size_t *count)
{
    *count = 0;
    for (size_t i = 0; i < o->num_dtypes; i++) {
        golu_status s = golu_dtype_supported(d->golu, d->device, o->dtypes[i]);
        if (s == GOLU_ERROR_UNSUPPORTED_DTYPE) {
            fprintf(stderr, "golu-bench: skipping %s: not supported by %s (no cl_khr_fp64)\n",
                    golu_dtype_name(o->dtypes[i]), d->device_name);
            continue;
        }
        if (s != GOLU_OK) {
            bench_report_golu(d->golu, "golu_dtype_supported", s);
            return -1;
        }
        out[(*count)++] = o->dtypes[i];
    }
    return 0;
}

/* Builds the programs up front, so a build failure is reported before any timing starts and the
 * first warm-up run does not carry the compile. @return : 0, or -1 (reported with the log). */
static int prepare_dtypes(const bench_device *d, const golu_dtype *dtypes, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        golu_status s = golu_prepare(d->golu, dtypes[i]);
        if (s != GOLU_OK) {
            char what[64];
            snprintf(what, sizeof what, "golu_prepare(%s)", golu_dtype_name(dtypes[i]));
            bench_report_golu(d->golu, what, s);
            return -1;
        }
    }
    return 0;
}

/* Totals per (dtype, pass), printed after the run. */
typedef struct {
    bench_check_stats stats[GOLU_DTYPE_COUNT][BENCH_PASS_COUNT];
} check_totals;

static int print_check_summary(const check_totals *t)
{
    int mismatch = 0;
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++)
        for (int p = 0; p < BENCH_PASS_COUNT; p++) {
            const bench_check_stats *s = &t->stats[d][p];
            if (s->checked == 0)
                continue;
            fprintf(stderr,
                    "golu-bench: check %s %s: %" PRIu64 " elements, %" PRIu64
                    " mismatches, max %.3g ulp\n",
                    golu_dtype_name((golu_dtype)d), bench_pass_name(p), s->checked, s->mismatches,
                    s->max_ulps);
            mismatch |= s->mismatches != 0;
        }
    return mismatch;
}

/* Runs every cell, writing a row for each. @return : an exit code. */
static int run_cells(const bench_options *o, const bench_device *d, const bench_cell *cells,
                     size_t count)
{
    bench_output w;
    check_totals totals = {{{{0, 0, 0.0}}}};
    int rc = BENCH_EXIT_OK;
    bench_output_begin(&w, stdout, o, d);
    for (size_t i = 0; i < count && rc == BENCH_EXIT_OK; i++) {
        bench_result r;
        /* Each cell's inputs depend only on the seed and its index: reruns see the same data. */
        uint64_t seed = o->seed + (uint64_t)i * UINT64_C(0x9e3779b97f4a7c15);
        bench_progress_show(i, count, &cells[i]);
        bench_cell_outcome outcome = bench_run_cell(d, o, &cells[i], seed, &r);
        bench_progress_clear();
        if (outcome == BENCH_CELL_FAILED)
            rc = BENCH_EXIT_ERROR;
        if (outcome != BENCH_CELL_DONE)
            continue;
        bench_output_row(&w, &r);
        if (r.checked)
            bench_check_accumulate(&totals.stats[r.cell.dtype][r.cell.pass], &r.check);
    }
    bench_output_end(&w);
    if (o->check && print_check_summary(&totals) && rc == BENCH_EXIT_OK)
        rc = BENCH_EXIT_MISMATCH;
    return rc;
}

static int bench(const bench_options *o, const bench_device *d)
{
    golu_dtype dtypes[GOLU_DTYPE_COUNT];
    size_t num_dtypes, num_cells;
    if (supported_dtypes(o, d, dtypes, &num_dtypes) != 0
        || prepare_dtypes(d, dtypes, num_dtypes) != 0)
        return BENCH_EXIT_ERROR;
    bench_cell *cells = bench_make_cells(o, dtypes, num_dtypes, &num_cells);
    if (!cells)
        return BENCH_EXIT_ERROR;
    int rc = run_cells(o, d, cells, num_cells);
    free(cells);
    return rc;
}

int main(int argc, char **argv)
{
    bench_options o;
    bench_device d;
    int rc = bench_parse_options(argc, argv, &o);
    if (rc != 0)
        return rc;
    if (o.help) {
        bench_print_help(stdout);
        return BENCH_EXIT_OK;
    }
    if (o.version) {
        bench_print_version(stdout);
        return BENCH_EXIT_OK;
    }
    if (o.list_devices)
        return bench_list_devices(stdout);
    if (bench_device_open(o.device_spec, &d) != 0)
        return BENCH_EXIT_ERROR;
    bench_progress_init();
    rc = o.accuracy ? bench_accuracy(&o, &d) : o.tune ? bench_tune(&o, &d) : bench(&o, &d);
    bench_device_close(&d);
    return rc;
}
