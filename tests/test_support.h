/*
 * Helpers shared by the libgolu test programs: one OpenCL device and golu_context per program,
 * buffers filled from and read into host arrays, forward/backward through golu_enqueue_* on real
 * cl_mem buffers, and the element-wise comparison with the reference in tools/common.
 *
 * Host arrays hold the dtype's storage: float, double, or the 16-bit patterns of f16/bf16.
 * Every helper asserts with cmocka, so a failing OpenCL call fails the test that made it.
 */
#ifndef GOLU_TEST_SUPPORT_H
#define GOLU_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "golu.h"
#include "golu_reference.h"

/* The device of a test program, its own cl_context and in-order queue, and a golu_context on it. */
typedef struct {
    cl_platform_id platform;
    cl_device_id device;
    cl_context cl_ctx;
    cl_command_queue queue;
    golu_context *ctx;
} ts_env;

/* The device chosen as golu_select_device() chooses it, from GOLU_DEVICE if set (the default rule:
 * first GPU, else first device, e.g. PoCL's CPU device). Fails the test if there is none. */
void ts_env_init(ts_env *env);
void ts_env_free(ts_env *env);

/* cmocka group setup/teardown that put a heap-allocated ts_env in *state. */
int ts_group_setup(void **state);
int ts_group_teardown(void **state);

/* `full`, or `quick` when GOLU_TEST_QUICK is set and not "0": CI's oclgrind and valgrind stages
 * (tools/ci-checks.sh), where kernels and the host run 100x slower, shrink the test sizes so. */
size_t ts_size(size_t full, size_t quick);

/* TS_UNDER_ASAN: 1 in a build with AddressSanitizer (GCC's and clang's spellings). */
#if defined(__SANITIZE_ADDRESS__)
#define TS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TS_UNDER_ASAN 1
#endif
#endif
#ifndef TS_UNDER_ASAN
#define TS_UNDER_ASAN 0
#endif

/* Names of the dtypes, in the order the tests walk them. */
extern const golu_dtype ts_all_dtypes[GOLU_DTYPE_COUNT];

/* Skips the current test (cmocka skip()) when the env's device cannot run `dtype`. Returns only
 * when it can. */
void ts_require_dtype(ts_env *env, golu_dtype dtype);
/* 1 when the env's device can run `dtype` (asserts the answer is OK or UNSUPPORTED_DTYPE). */
int ts_dtype_ok(ts_env *env, golu_dtype dtype);

/* ---- host arrays of a dtype ---------------------------------------------------------------- */

void *ts_alloc(golu_dtype dtype, size_t n);                      /* zeroed, n may be 0 */
double ts_get(golu_dtype dtype, const void *a, size_t i);        /* the element's value */
void ts_set(golu_dtype dtype, void *a, size_t i, double v);      /* rounded to the dtype (RNE) */
/* n values uniform in [lo, hi], rounded to the dtype, from a splitmix64 stream seeded with seed. */
void ts_fill_uniform(golu_dtype dtype, void *a, size_t n, double lo, double hi, uint64_t seed);

/* ---- buffers ---------------------------------------------------------------------------------- */

cl_mem ts_buffer(ts_env *env, size_t bytes);                     /* CL_MEM_READ_WRITE, bytes >= 1 */
void ts_write(ts_env *env, cl_mem buf, size_t byte_offset, size_t bytes, const void *src);
void ts_read(ts_env *env, cl_mem buf, size_t byte_offset, size_t bytes, void *dst);
/* The sentinel byte pattern used to detect stray writes: byte k of a buffer is ts_sentinel(k). */
unsigned char ts_sentinel(size_t k);
void ts_fill_sentinel(unsigned char *bytes, size_t count);
/* A buffer of `bytes` bytes holding the sentinel pattern. */
cl_mem ts_sentinel_buffer(ts_env *env, size_t bytes);
/* Number of bytes in [begin, end) of `bytes` that differ from the sentinel pattern. */
size_t ts_count_sentinel_changes(const unsigned char *bytes, size_t begin, size_t end);

/* ---- running the operations (blocking: enqueue, wait, read back) ---------------------------- */

/* y = GoLU(x) for n elements through buffers made for the call (on env->queue). Returns the
 * library's status; on GOLU_OK the result is in y. */
golu_status ts_forward(ts_env *env, golu_dtype dtype, size_t n, const void *x, void *y,
                       const golu_params *params);
/* dx = dy * GoLU'(x) likewise. */
golu_status ts_backward(ts_env *env, golu_dtype dtype, size_t n, const void *dy, const void *x,
                        void *dx, const golu_params *params);
/* The same on a given queue and golu_context (for several devices or contexts). */
golu_status ts_forward_on(golu_context *ctx, cl_context cl_ctx, cl_command_queue queue,
                          golu_dtype dtype, size_t n, const void *x, void *y,
                          const golu_params *params);
golu_status ts_backward_on(golu_context *ctx, cl_context cl_ctx, cl_command_queue queue,
                           golu_dtype dtype, size_t n, const void *dy, const void *x, void *dx,
                           const golu_params *params);

/* ---- checking against the reference ------------------------------------------------------- */

typedef struct {
    size_t checked;
    size_t failures;
    double max_ulps;      /* the largest error seen, in golu_check_*'s unit */
    double max_ulps_x;    /* the x where it was seen */
} ts_stats;

/* Checks every element of a forward (dy NULL) or backward result with golu_check_f32/f64/16,
 * accumulating into stats (may be NULL) and printing the first few failures. Returns the number
 * of failing elements. `dy` NULL in a backward check means dy = 1. */
size_t ts_check(golu_dtype dtype, int backward, size_t n, const void *x, const void *dy,
                const void *got, const golu_params *params, ts_stats *stats, const char *what);

/* The default parameters as a golu_params value. */
golu_params ts_default_params(void);

/* Fails the test with the status names and the context detail when `got` != `want`. */
#define ts_assert_status(env_ctx, got, want) \
    ts_assert_status_at((env_ctx), (got), (want), #got, __FILE__, __LINE__)
void ts_assert_status_at(const golu_context *ctx, golu_status got, golu_status want,
                         const char *expr, const char *file, int line);

/* Fails the test when an OpenCL call did not return CL_SUCCESS. */
#define ts_cl_check(err) ts_cl_check_at((err), #err, __FILE__, __LINE__)
void ts_cl_check_at(cl_int err, const char *expr, const char *file, int line);

#endif
