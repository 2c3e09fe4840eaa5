/*
 * golu-bench: exit codes and the one place that turns a failed OpenCL or golu call into a message
 * on stderr. Every failure is reported where it happens and then propagated as -1, so the caller
 * only has to release what it holds and return.
 */
#ifndef GOLU_BENCH_ERRORS_H
#define GOLU_BENCH_ERRORS_H

#include <golu.h>

/* Exit codes, documented in --help. */
enum {
    BENCH_EXIT_OK = 0,       /* every cell ran (and, with --check, matched the reference) */
    BENCH_EXIT_MISMATCH = 1, /* --check found at least one element outside the accuracy bound */
    BENCH_EXIT_ERROR = 2     /* usage error, no OpenCL device, or a failed OpenCL/golu call */
};

/* The CL_* name of an OpenCL error code, or "CL_UNKNOWN_ERROR". */
const char *bench_cl_error_name(cl_int err);

/* "golu-bench: WHAT: CL_NAME (code)" on stderr. */
void bench_report_cl(const char *what, cl_int err);

/* "golu-bench: WHAT: GOLU_STATUS_NAME: detail" on stderr; `ctx` may be NULL (no detail then). */
void bench_report_golu(const golu_context *ctx, const char *what, golu_status status);

#endif
