/* golu-bench --accuracy: the run from dtype selection to the PASS/FAIL line (see accuracy.h). */
#include "accuracy.h"

#include "acc_output.h"
#include "acc_seed.h"
#include "acc_sweep.h"
#include "acc_targets.h"
#include "errors.h"
#include "golu_accuracy.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>

/* The dtypes to measure: those asked for that the device runs (f64 also needs MPFR); each one
 * dropped gets a note. @return : 0, or -1 (reported). */
static int measurable(const bench_options *o, const bench_device *d, golu_dtype *out,
                      size_t *count)
{
    *count = 0;
    for (size_t i = 0; i < o->num_dtypes; i++) {
        golu_dtype t = o->dtypes[i];
        golu_status s = golu_dtype_supported(d->golu, d->device, t);
        if (s == GOLU_ERROR_UNSUPPORTED_DTYPE) {
            fprintf(stderr, "golu-bench: accuracy: skipping %s: not supported by %s\n",
                    golu_dtype_name(t), d->device_name);
            continue;
        }
        if (s != GOLU_OK) {
            bench_report_golu(d->golu, "golu_dtype_supported", s);
            return -1;
        }
        if (t == GOLU_F64 && !golu_acc_have_f64()) {
            fputs("golu-bench: accuracy: skipping f64: golu-bench was built without MPFR, the "
                  "f64 reference (Debian: libmpfr-dev, then reconfigure)\n",
                  stderr);
            continue;
        }
        s = golu_prepare(d->golu, t);
        if (s != GOLU_OK) {
            bench_report_golu(d->golu, "golu_prepare", s);
            return -1;
        }
        out[(*count)++] = t;
    }
    return 0;
}

static int has(const golu_dtype *dtypes, size_t count, golu_dtype t)
{
    for (size_t i = 0; i < count; i++)
        if (dtypes[i] == t)
            return 1;
    return 0;
}

int bench_accuracy(const bench_options *o, const bench_device *d)
{
    golu_dtype dtypes[GOLU_DTYPE_COUNT];
    size_t count;
    bench_seed seed;
    if (measurable(o, d, dtypes, &count) != 0)
        return BENCH_EXIT_ERROR;
    if (count == 0) {
        fputs("golu-bench: accuracy: nothing to measure\n", stderr);
        return BENCH_EXIT_ERROR;
    }
    if (LDBL_MANT_DIG < 64)
        fprintf(stderr, "golu-bench: accuracy: note: long double has %d bits here, too few to "
                "resolve f32 errors below 1 ulp exactly\n", LDBL_MANT_DIG);
    if (bench_seed_build(d, has(dtypes, count, GOLU_F64), &seed) != 0)
        return BENCH_EXIT_ERROR;
    acc_result *results = malloc(count * sizeof *results);
    if (!results) {
        fputs("golu-bench: out of host memory\n", stderr);
        bench_seed_release(&seed);
        return BENCH_EXIT_ERROR;
    }
    int rc = BENCH_EXIT_OK;
    acc_output_begin(stdout, o, d);
    for (size_t i = 0; i < count && rc == BENCH_EXIT_OK; i++) {
        if (acc_sweep(d, &seed, o, dtypes[i], &results[i]) != 0)
            rc = BENCH_EXIT_ERROR;
        else
            acc_output_dtype(stdout, o, &results[i]);
    }
    if (rc == BENCH_EXIT_OK) {
        acc_output_end(stdout, o);
        /* CSV keeps stdout to its rows: the verdict goes to stderr. */
        FILE *verdict = o->format == BENCH_FORMAT_CSV ? stderr : stdout;
        if (!acc_targets_report(verdict, results, count, &o->params))
            rc = BENCH_EXIT_MISMATCH;
    }
    free(results);
    bench_seed_release(&seed);
    return rc;
}
