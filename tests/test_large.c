/*
 * test_large: one call over more than 2^31 elements, where any 32-bit index, offset or byte count
 * in the host code or the kernels would wrap. A forward in place on 2^31 + 4099 f16 elements
 * (offset 0: the aligned kernel) and a backward on 2^31 + 4098 bf16 elements with dy, x and dx
 * all the same array (offset 1: the unaligned kernel), each in one buffer of about 4 GiB. Every
 * element is checked against the long-double reference (a memo per 16-bit input pattern keeps that
 * to a few reference calls per pattern), and the elements outside the call's range must keep their
 * values. The inputs are a hash of the index, so a result written to the wrong index shows. Then
 * a short forward between element offsets on either side of 2^31.
 *
 * The size needs CL_DEVICE_MAX_MEM_ALLOC_SIZE, CL_DEVICE_GLOBAL_MEM_SIZE and the host's available
 * memory to allow about 4 GiB (plus 1 GiB to spare on the host); otherwise the test runs and
 * checks the largest size that fits and reports itself skipped, not passed. GOLU_TEST_QUICK skips the large calls (the
 * valgrind and oclgrind stages). Also: GOLU_ERROR_TOO_LARGE for host-pointer calls just above
 * the device's CL_DEVICE_MAX_MEM_ALLOC_SIZE, for every dtype.
 */
#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LARGE_N ((UINT64_C(1) << 31) + 4099) /* elements of the forward; the backward: one less */
#define GUARD 8                              /* elements after the range, which must not change */
#define HOST_SPARE (UINT64_C(1) << 30)       /* host memory left free beyond the buffer */
#define GIB(b) ((double)(b) / (double)(UINT64_C(1) << 30))

/* A kB figure of /proc/meminfo in bytes, or 0 when it cannot be read. */
static uint64_t meminfo_bytes(const char *key)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return 0;
    char line[256];
    uint64_t kb = 0;
    size_t len = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, len) == 0 && line[len] == ':') {
            kb = strtoull(line + len + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kb * 1024;
}

/* PoCL's CPU device takes its memory size from hwloc, which on some virtual machines sees one
 * NUMA node's memory rather than the machine's (the 24 GiB machine this test was written on: a
 * node of 8 GiB, so CL_DEVICE_MAX_MEM_ALLOC_SIZE = 2 GiB, too small for 2^31 16-bit elements).
 * Unless a topology is already set, hwloc gets a synthetic one with the host's real memory and
 * processor count, and PoCL derives its limits from the real RAM as it would on other machines
 * (global: total - 2 GiB; largest allocation: a quarter of that, rounded up to a power of two).
 * Only hwloc's users (PoCL) read these variables. Runs before the first OpenCL call. */
static void pocl_sees_host_memory(void)
{
    if (getenv("HWLOC_SYNTHETIC") || getenv("HWLOC_XMLFILE"))
        return;
    uint64_t total = meminfo_bytes("MemTotal");
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (total == 0 || cpus < 1)
        return;
    char topology[128];
    snprintf(topology, sizeof topology, "numa:1(memory=%" PRIu64 ") pu:%ld", total, cpus);
    setenv("HWLOC_SYNTHETIC", topology, 0);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int quick(void)
{
    return ts_size(0, 1) == 1;
}

/* The 16-bit input pattern of element i: a multiplicative hash, so that neighbours differ and
 * every pattern (NaN, inf, subnormals and zeros included) occurs about 2^15 times. */
static inline uint16_t pattern(uint64_t i, uint64_t salt)
{
    return (uint16_t)(((i + salt) * UINT64_C(0x9E3779B97F4A7C15)) >> 48);
}

/* How many elements of 2 bytes the device and host allow in one buffer, up to `want`; prints the
 * limits and the choice. */
static uint64_t plan_elements(ts_env *env, uint64_t want, const char *what)
{
    cl_ulong max_alloc = 0, global = 0;
    ts_cl_check(clGetDeviceInfo(env->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc,
                                &max_alloc, NULL));
    ts_cl_check(clGetDeviceInfo(env->device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof global, &global,
                                NULL));
    uint64_t available = meminfo_bytes("MemAvailable");
    uint64_t limit = max_alloc < global ? max_alloc : global;
    /* The mapped view of the buffer is host memory on every device (on a CPU device, the buffer
     * itself is). No /proc/meminfo: trust the device's figures. */
    if (available > 0) {
        uint64_t host = available > HOST_SPARE ? available - HOST_SPARE : 0;
        limit = host < limit ? host : limit;
    }
    uint64_t fits = limit / 2 > GUARD + 3 ? limit / 2 - GUARD - 3 : 0; /* odd: a vector tail */
    uint64_t n = want < fits ? want : fits;
    print_message("%s: CL_DEVICE_MAX_MEM_ALLOC_SIZE %.2f GiB, CL_DEVICE_GLOBAL_MEM_SIZE %.2f GiB, "
                  "host MemAvailable %.2f GiB (%s): %" PRIu64 " elements, %s\n",
                  what, GIB(max_alloc), GIB(global), GIB(available),
                  getenv("HWLOC_SYNTHETIC") ? getenv("HWLOC_SYNTHETIC") : "hwloc's own topology",
                  n,
                  n > (UINT64_C(1) << 31) ? "more than 2^31"
                                          : "NOT more than 2^31: the largest size that fits here");
    return n;
}

static cl_mem make_buffer(ts_env *env, uint64_t elements)
{
    cl_int err;
    cl_mem buf = clCreateBuffer(env->cl_ctx, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR,
                                (size_t)elements * 2, NULL, &err);
    ts_cl_check(err);
    return buf;
}

/* Elements [first, first + count) of a 16-bit buffer, mapped. */
static uint16_t *map(ts_env *env, cl_mem buf, uint64_t first, uint64_t count, cl_map_flags flags)
{
    cl_int err;
    void *p = clEnqueueMapBuffer(env->queue, buf, CL_TRUE, flags, (size_t)first * 2,
                                 (size_t)count * 2, 0, NULL, NULL, &err);
    ts_cl_check(err);
    return p;
}

static void unmap(ts_env *env, cl_mem buf, uint16_t *p)
{
    ts_cl_check(clEnqueueUnmapMemObject(env->queue, buf, p, 0, NULL, NULL));
    ts_cl_check(clFinish(env->queue));
}

static void fill(ts_env *env, cl_mem buf, uint64_t elements, uint64_t salt)
{
    double t0 = now_s();
    uint16_t *p = map(env, buf, 0, elements, CL_MAP_WRITE_INVALIDATE_REGION);
    for (uint64_t i = 0; i < elements; i++)
        p[i] = pattern(i, salt);
    unmap(env, buf, p);
    print_message("  filled %" PRIu64 " elements in %.1f s\n", elements, now_s() - t0);
}

/* The last result accepted for each input pattern: the kernels are deterministic per input, so
 * the reference runs only for the first occurrence of a (pattern, result) pair. */
typedef struct {
    uint16_t got[65536];
    unsigned char known[65536];
} memo16;

/* Checks elements [begin, end) of a result (dy = x for the backward) and that every other
 * element of [0, elements) still holds its input. Returns the number of wrong elements. */
static uint64_t check(const uint16_t *p, uint64_t elements, uint64_t begin, uint64_t end,
                      int is_bf16, int backward, uint64_t salt)
{
    memo16 *memo = calloc(1, sizeof *memo);
    assert_non_null(memo);
    uint64_t bad = 0, reference_calls = 0;
    for (uint64_t i = 0; i < elements; i++) {
        uint16_t in = pattern(i, salt), got = p[i];
        if (i < begin || i >= end) {
            if (got != in && bad++ < 5)
                print_message("  element %" PRIu64 " outside the range changed: 0x%04x -> 0x%04x\n",
                              i, in, got);
            continue;
        }
        if (memo->known[in] && memo->got[in] == got)
            continue;
        reference_calls++;
        golu_check_result r = golu_check_16(is_bf16, backward, in, in, got, 1.0, 1.0, 1.0);
        if (r.ok) {
            memo->known[in] = 1;
            memo->got[in] = got;
        } else if (bad++ < 5) {
            print_message("  element %" PRIu64 ": x = 0x%04x gave 0x%04x, reference %.9g (%.1f ulp)\n",
                          i, in, got, r.ref, r.ulps);
        }
    }
    free(memo);
    print_message("  checked all %" PRIu64 " elements (%" PRIu64 " past index 2^31), %" PRIu64
                  " reference evaluations: %" PRIu64 " wrong\n",
                  elements, end > (UINT64_C(1) << 31) ? end - (UINT64_C(1) << 31) : 0,
                  reference_calls, bad);
    return bad;
}

static void wait_and_release(cl_event ev)
{
    ts_cl_check(clWaitForEvents(1, &ev));
    cl_int status = 1;
    ts_cl_check(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof status, &status, NULL));
    assert_int_equal(status, CL_COMPLETE);
    ts_cl_check(clReleaseEvent(ev));
}

/* A forward of m elements between offsets around 2^31 of the buffer (x from 2^31 - 999, so that
 * it straddles 2^31; y from 2^31 + 1003; both odd, so the element-wise kernel), whose values
 * are the previous results: the offsets themselves past 2^31 (and, for 2-byte elements, their
 * byte offsets past 2^32). x must be unchanged, and y computed from it. */
static uint64_t forward_at_large_offsets(ts_env *env, cl_mem buf)
{
    const uint64_t xo = (UINT64_C(1) << 31) - 999, yo = (UINT64_C(1) << 31) + 1003, m = 2000;
    uint16_t x[2000];
    uint16_t *p = map(env, buf, xo, m, CL_MAP_READ);
    memcpy(x, p, sizeof x);
    unmap(env, buf, p);
    cl_event ev = NULL;
    ts_assert_status(env->ctx,
                     golu_enqueue_forward(env->ctx, env->queue, GOLU_F16, m, buf, xo, buf, yo, NULL,
                                          0, NULL, &ev),
                     GOLU_OK);
    wait_and_release(ev);
    uint64_t bad = 0;
    p = map(env, buf, xo, yo + m - xo, CL_MAP_READ);
    for (uint64_t i = 0; i < m; i++) {
        uint16_t got = p[yo - xo + i];
        golu_check_result r = golu_check_16(0, 0, x[i], 0, got, 1.0, 1.0, 1.0);
        if ((!r.ok || p[i] != x[i]) && bad++ < 5)
            print_message("  offsets x %" PRIu64 ", y %" PRIu64 ", i %" PRIu64
                          ": x 0x%04x (now 0x%04x) gave 0x%04x, reference %.9g\n",
                          xo, yo, i, x[i], p[i], got, r.ref);
    }
    unmap(env, buf, p);
    print_message("  forward of %" PRIu64 " elements from offset %" PRIu64 " to offset %" PRIu64
                  ": %" PRIu64 " wrong\n",
                  m, xo, yo, bad);
    return bad;
}

/* The largest size that fits was run and checked; when that is not past 2^31 elements (a
 * device or host with less memory), the test says so as a skip rather than a pass. */
static void skip_unless_past_2_31(uint64_t n)
{
    if (n > (UINT64_C(1) << 31))
        return;
    print_message("  only %" PRIu64 " elements fit: not past 2^31, reported as skipped\n", n);
    skip();
}

/* y = GoLU(x) in place on f16, offset 0: the whole-vector kernel. */
static void test_forward_f16_in_place(void **state)
{
    ts_env *env = *state;
    if (quick())
        skip();
    uint64_t n = plan_elements(env, LARGE_N, "forward f16 in place");
    uint64_t elements = n + GUARD;
    const uint64_t salt = 0;
    cl_mem buf = make_buffer(env, elements);
    fill(env, buf, elements, salt);

    double t0 = now_s();
    cl_event ev = NULL;
    ts_assert_status(env->ctx,
                     golu_enqueue_forward(env->ctx, env->queue, GOLU_F16, n, buf, 0, buf, 0, NULL,
                                          0, NULL, &ev),
                     GOLU_OK);
    wait_and_release(ev);
    print_message("  forward of %" PRIu64 " elements: %.1f s\n", n, now_s() - t0);

    t0 = now_s();
    uint16_t *p = map(env, buf, 0, elements, CL_MAP_READ);
    uint64_t bad = check(p, elements, 0, n, 0, 0, salt);
    unmap(env, buf, p);
    print_message("  check: %.1f s\n", now_s() - t0);
    assert_int_equal(bad, 0);
    if (n >= (UINT64_C(1) << 31) + 3003)
        assert_int_equal(forward_at_large_offsets(env, buf), 0);
    clReleaseMemObject(buf);
    skip_unless_past_2_31(n);
}

/* dx = dy * GoLU'(x) on bf16 with dy, x and dx one array (allowed: dx exactly dy and exactly x),
 * offset 1: the element-wise kernel; element 0 and the guard must stay as they were. */
static void test_backward_bf16_offset(void **state)
{
    ts_env *env = *state;
    if (quick())
        skip();
    uint64_t n = plan_elements(env, LARGE_N - 1, "backward bf16, dx = dy = x, offset 1");
    uint64_t elements = 1 + n + GUARD;
    const uint64_t salt = 12345;
    cl_mem buf = make_buffer(env, elements);
    fill(env, buf, elements, salt);

    double t0 = now_s();
    cl_event ev = NULL;
    ts_assert_status(env->ctx,
                     golu_enqueue_backward(env->ctx, env->queue, GOLU_BF16, n, buf, 1, buf, 1, buf,
                                           1, NULL, 0, NULL, &ev),
                     GOLU_OK);
    wait_and_release(ev);
    print_message("  backward of %" PRIu64 " elements: %.1f s\n", n, now_s() - t0);

    t0 = now_s();
    uint16_t *p = map(env, buf, 0, elements, CL_MAP_READ);
    uint64_t bad = check(p, elements, 1, 1 + n, 1, 1, salt);
    unmap(env, buf, p);
    print_message("  check: %.1f s\n", now_s() - t0);
    clReleaseMemObject(buf);
    assert_int_equal(bad, 0);
    skip_unless_past_2_31(n);
}

/* Host-pointer calls one element above CL_DEVICE_MAX_MEM_ALLOC_SIZE, for each dtype's element
 * size: GOLU_ERROR_TOO_LARGE before anything is allocated or read (the small arrays are never
 * touched); a count whose bytes do not fit in size_t is GOLU_ERROR_SIZE_OVERFLOW. */
static void test_host_calls_too_large(void **state)
{
    ts_env *env = *state;
    cl_ulong max_alloc = 0;
    ts_cl_check(clGetDeviceInfo(env->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc,
                                &max_alloc, NULL));
    double small[4] = {1, 2, 3, 4}, out[4] = {0, 0, 0, 0};
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dtype = ts_all_dtypes[d];
        if (!ts_dtype_ok(env, dtype))
            continue;
        uint64_t n = max_alloc / golu_dtype_size(dtype) + 1;
        ts_assert_status(env->ctx, golu_forward_host(env->ctx, dtype, n, small, out, NULL),
                         GOLU_ERROR_TOO_LARGE);
        assert_non_null(strstr(golu_context_detail(env->ctx), "CL_DEVICE_MAX_MEM_ALLOC_SIZE"));
        ts_assert_status(env->ctx, golu_backward_host(env->ctx, dtype, n, small, small, out, NULL),
                         GOLU_ERROR_TOO_LARGE);
        ts_assert_status(env->ctx,
                         golu_forward_host(env->ctx, dtype, UINT64_MAX / golu_dtype_size(dtype) + 1,
                                           small, out, NULL),
                         GOLU_ERROR_SIZE_OVERFLOW);
    }
    assert_true(out[0] == 0.0 && out[3] == 0.0);
}

int main(void)
{
    pocl_sees_host_memory();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_calls_too_large),
        cmocka_unit_test(test_forward_f16_in_place),
        cmocka_unit_test(test_backward_bf16_offset),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
