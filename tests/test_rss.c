/*
 * test_rss: resident memory stays flat over 10^5 calls. One context and queue; a fixed cycle of
 * ten calls (forward and backward on f32, f16 and bf16, in place and not, with and without
 * parameters, events requested and released, wait lists, n == 0 markers, and four calls that
 * fail validation: buffer too small, invalid parameter, overlap, bad wait list), plus a pair of
 * host-pointer calls (which create and release buffers) every 1000 calls. After a warm-up of
 * 10^4 calls (programs built, PoCL's pools and the allocator's arenas at their working size) and
 * again after the last call, the test reads VmRSS from /proc/self/status and, with glibc, the
 * heap's bytes in use (mallinfo2: every arena, and mmapped blocks).
 *
 * Bounds, over the 9 x 10^4 measured calls:
 *   VmRSS growth < 2 MiB. Resident memory is what a long-running program pays for; but freed
 *     memory the allocator keeps mapped absorbs part of a small leak (200 bytes leaked by one
 *     call in ten, 1.8 MiB in all, grew VmRSS by 1.4 MiB), so this bound catches the larger ones:
 *     a leaked cl_event on each of the four paths that return one grew it by 10.9 MiB; a leaked
 *     host-call buffer would add 64 KiB each.
 *   heap bytes in use growth < 256 KiB (glibc only). Exact and insensitive to the allocator's
 *     slack: the smallest allocation is 32 bytes, so a leak of any allocation on a path taken
 *     by one call in ten (each error class, markers, each dtype: 9000 calls, 288 KiB) fails it
 *     (40 bytes leaked by one call in ten: +439 KiB).
 *     Measured on PoCL: 7-13 KiB, from PoCL's own caches; VmRSS: 0-400 KiB.
 * Skipped under AddressSanitizer (its quarantine holds freed memory, and it replaces malloc) and
 * with GOLU_TEST_QUICK (valgrind, Oclgrind).
 */
#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__GLIBC__)
#include <malloc.h>
#if __GLIBC_PREREQ(2, 33)
#define HAVE_MALLINFO2 1
#endif
#endif
#ifndef HAVE_MALLINFO2
#define HAVE_MALLINFO2 0
#endif

#define CALLS 100000
#define WARMUP 10000
#define FINISH_EVERY 100 /* clFinish, so the queue never holds more than this */
#define HOST_EVERY 1000
#define RSS_GROWTH_BOUND (2u << 20)
#define HEAP_GROWTH_BOUND (256u << 10)
#define N 4099           /* elements: odd, so every call also runs a vector tail */
#define HOST_N 16384     /* 64 KiB of f32 per host-pointer array */

static uint64_t vm_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    assert_non_null(f);
    char line[256];
    uint64_t kb = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtoull(line + 6, NULL, 10);
    fclose(f);
    assert_true(kb > 0);
    return kb * 1024;
}

/* Bytes the allocator has handed out and not had back, or -1 where mallinfo2() is missing. */
static int64_t heap_in_use(void)
{
#if HAVE_MALLINFO2
    struct mallinfo2 m = mallinfo2();
    return (int64_t)(m.uordblks + m.hblkhd);
#else
    return -1;
#endif
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
    ts_env *env;
    cl_mem x32, y32, x16, xb16;  /* N elements each (x16/xb16: 16-bit, used in place) */
    cl_event prev;               /* the latest event, the next call's wait list */
    float *host_x, *host_y;
} rss_state;

/* Keeps `ev` as the next call's wait list, releasing the one it replaces. */
static void keep_event(rss_state *s, cl_event ev)
{
    assert_non_null(ev);
    if (s->prev)
        ts_cl_check(clReleaseEvent(s->prev));
    s->prev = ev;
}

/* Call number `call` of the cycle. */
static void one_call(rss_state *s, int call)
{
    ts_env *env = s->env;
    golu_context *ctx = env->ctx;
    cl_command_queue q = env->queue;
    static const golu_params other = {0.75, 1.25, 0.5};
    static const golu_params negative_beta = {1.0, -1.0, 1.0};
    cl_event ev = NULL, *wait = s->prev ? &s->prev : NULL;
    cl_uint nwait = s->prev ? 1 : 0;
    switch (call % 10) {
    case 0:
        ts_assert_status(ctx, golu_enqueue_forward(ctx, q, GOLU_F32, N, s->x32, 0, s->y32, 0, NULL,
                                                   nwait, wait, &ev),
                         GOLU_OK);
        keep_event(s, ev);
        break;
    case 1:
        ts_assert_status(ctx, golu_enqueue_backward(ctx, q, GOLU_F32, N, s->x32, 0, s->x32, 0,
                                                    s->y32, 0, &other, nwait, wait, &ev),
                         GOLU_OK);
        keep_event(s, ev);
        break;
    case 2: /* f16 forward in place, twice over: a bounded value, no event */
        ts_assert_status(ctx, golu_enqueue_forward(ctx, q, GOLU_F16, N, s->x16, 0, s->x16, 0, NULL,
                                                   0, NULL, NULL),
                         GOLU_OK);
        break;
    case 3: /* bf16 backward, dx = dy = x, at an element offset: the unaligned kernel */
        ts_assert_status(ctx, golu_enqueue_backward(ctx, q, GOLU_BF16, N - 1, s->xb16, 1, s->xb16, 1,
                                                    s->xb16, 1, NULL, 0, NULL, &ev),
                         GOLU_OK);
        keep_event(s, ev);
        break;
    case 4: /* n == 0: a marker event */
        ts_assert_status(ctx, golu_enqueue_forward(ctx, q, GOLU_F32, 0, s->x32, 0, s->y32, 0, NULL,
                                                   nwait, wait, &ev),
                         GOLU_OK);
        keep_event(s, ev);
        break;
    case 5:
        ts_assert_status(ctx, golu_enqueue_forward(ctx, q, GOLU_F32, N + 1, s->x32, 0, s->y32, 0,
                                                   NULL, 0, NULL, &ev),
                         GOLU_ERROR_BUFFER_TOO_SMALL);
        assert_null(ev);
        break;
    case 6:
        ts_assert_status(ctx, golu_enqueue_backward(ctx, q, GOLU_F32, N, s->x32, 0, s->x32, 0,
                                                    s->y32, 0, &negative_beta, 0, NULL, &ev),
                         GOLU_ERROR_INVALID_PARAMETER);
        assert_null(ev);
        break;
    case 7:
        ts_assert_status(ctx, golu_enqueue_forward(ctx, q, GOLU_F32, N - 1, s->x32, 0, s->x32, 1,
                                                   NULL, 0, NULL, &ev),
                         GOLU_ERROR_OVERLAP);
        assert_null(ev);
        break;
    case 8:
        ts_assert_status(ctx, golu_enqueue_forward(ctx, q, GOLU_F32, N, s->x32, 0, s->y32, 0, NULL,
                                                   1, NULL, &ev),
                         GOLU_ERROR_INVALID_WAIT_LIST);
        assert_null(ev);
        break;
    case 9:
        ts_assert_status(ctx, golu_enqueue_forward(ctx, q, GOLU_F32, N, s->x32, 0, s->y32, 0, &other,
                                                   nwait, wait, NULL),
                         GOLU_OK);
        break;
    }
    if (call % HOST_EVERY == HOST_EVERY - 1) {
        ts_assert_status(ctx, golu_forward_host(ctx, GOLU_F32, HOST_N, s->host_x, s->host_y, NULL),
                         GOLU_OK);
        ts_assert_status(ctx, golu_backward_host(ctx, GOLU_F32, HOST_N, s->host_x, s->host_x,
                                                 s->host_y, NULL),
                         GOLU_OK);
    }
    if (call % FINISH_EVERY == FINISH_EVERY - 1)
        ts_cl_check(clFinish(q));
}

static cl_mem buffer_from(ts_env *env, const void *host, size_t bytes)
{
    cl_mem m = ts_buffer(env, bytes);
    ts_write(env, m, 0, bytes, host);
    return m;
}

static void test_rss_flat(void **state)
{
    ts_env *env = *state;
    if (TS_UNDER_ASAN) {
        print_message("AddressSanitizer: its quarantine keeps freed memory resident; skipped\n");
        skip();
    }
    if (ts_size(0, 1) == 1) {
        print_message("GOLU_TEST_QUICK: skipped (a run of 10^5 calls is for native runs)\n");
        skip();
    }
    rss_state s = {.env = env};
    float *x = ts_alloc(GOLU_F32, N);
    uint16_t *h = ts_alloc(GOLU_F16, N), *b = ts_alloc(GOLU_BF16, N);
    ts_fill_uniform(GOLU_F32, x, N, -8.0, 8.0, 11);
    ts_fill_uniform(GOLU_F16, h, N, -8.0, 8.0, 12);
    ts_fill_uniform(GOLU_BF16, b, N, -8.0, 8.0, 13);
    s.x32 = buffer_from(env, x, N * sizeof(float));
    s.y32 = ts_buffer(env, N * sizeof(float));
    s.x16 = buffer_from(env, h, N * 2);
    s.xb16 = buffer_from(env, b, N * 2);
    s.host_x = ts_alloc(GOLU_F32, HOST_N);
    s.host_y = ts_alloc(GOLU_F32, HOST_N);
    ts_fill_uniform(GOLU_F32, s.host_x, HOST_N, -8.0, 8.0, 14);

    for (int call = 0; call < WARMUP; call++)
        one_call(&s, call);
    ts_cl_check(clFinish(env->queue));
    uint64_t warm = vm_rss_bytes();
    int64_t heap_warm = heap_in_use();
    double t1 = now_s();
    for (int call = WARMUP; call < CALLS; call++)
        one_call(&s, call);
    ts_cl_check(clFinish(env->queue));
    uint64_t end = vm_rss_bytes();
    int64_t heap_end = heap_in_use();
    double t2 = now_s();
    if (s.prev)
        ts_cl_check(clReleaseEvent(s.prev));

    int64_t growth = (int64_t)end - (int64_t)warm;
    int64_t heap_growth = heap_end - heap_warm;
    print_message("VmRSS after %d calls %.2f MiB, after %d calls %.2f MiB: growth %+" PRId64
                  " KiB (bound %u KiB); %.0f calls/s\n",
                  WARMUP, (double)warm / 1048576.0, CALLS, (double)end / 1048576.0, growth / 1024,
                  RSS_GROWTH_BOUND / 1024, (CALLS - WARMUP) / (t2 - t1));
    if (HAVE_MALLINFO2)
        print_message("heap in use after %d calls %.2f MiB, after %d calls %.2f MiB: growth %+" PRId64
                      " bytes (bound %u KiB)\n",
                      WARMUP, (double)heap_warm / 1048576.0, CALLS, (double)heap_end / 1048576.0,
                      heap_growth, HEAP_GROWTH_BOUND / 1024);

    /* The calls computed: the last f32 backward (case 1 wrote y = dx with `other`) was followed
     * by a forward with `other` (case 9): y holds GoLU(x) with those parameters. */
    float *y = ts_alloc(GOLU_F32, N);
    ts_read(env, s.y32, 0, N * sizeof(float), y);
    static const golu_params other = {0.75, 1.25, 0.5};
    assert_int_equal(ts_check(GOLU_F32, 0, N, x, NULL, y, &other, NULL, "forward after 10^5 calls"),
                     0);
    ts_assert_status(env->ctx, golu_forward_host(env->ctx, GOLU_F32, HOST_N, s.host_x, s.host_y,
                                                 NULL),
                     GOLU_OK);
    assert_int_equal(ts_check(GOLU_F32, 0, HOST_N, s.host_x, NULL, s.host_y, NULL, NULL,
                              "host forward after 10^5 calls"),
                     0);

    clReleaseMemObject(s.x32), clReleaseMemObject(s.y32);
    clReleaseMemObject(s.x16), clReleaseMemObject(s.xb16);
    free(x), free(h), free(b), free(y), free(s.host_x), free(s.host_y);
    assert_true(growth < (int64_t)RSS_GROWTH_BOUND);
    if (HAVE_MALLINFO2)
        assert_true(heap_growth < (int64_t)HEAP_GROWTH_BOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rss_flat),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
