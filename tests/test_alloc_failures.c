/*
 * test_alloc_failures: each heap allocation libgolu makes fails in turn. malloc, calloc, realloc
 * and strdup are wrapped at link time (-Wl,--wrap), which reaches only the objects linked into
 * this program: a static copy of the library and this file, never PoCL or libc's own use.
 *
 * For k = 1, 2, ... the k-th allocation after arming fails, once, somewhere in a context's life:
 * create, the first forward (kernel text, program cache, tuning, build), a backward, an f16
 * host-pointer call (a second program, the default queue), destroy. Every call must return
 * GOLU_OK or GOLU_ERROR_OUT_OF_HOST_MEMORY (the program cache and the tuning file are best effort:
 * a failure there may cost a compile, never the call); a call that failed must succeed when made
 * again (nothing left half-built); every result is checked against the reference. The sweep ends
 * at the first k that no call reaches. With the program cache off, then on. Under CI's ASan stage,
 * LeakSanitizer also catches what a failure path forgets to free.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "golu.h"
#include "golu_reference.h"

#define N 4099

/* ---- the failing allocator ---- */

static atomic_long countdown; /* > 0: allocations until the one that fails; 0: none fails */
static atomic_int fired; /* allocations made to fail so far in this life (0 or 1) */

static int fail_now(void)
{
    if (atomic_load(&countdown) <= 0)
        return 0;
    if (atomic_fetch_sub(&countdown, 1) != 1)
        return 0;
    atomic_fetch_add(&fired, 1);
    return 1;
}

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);

void *__wrap_malloc(size_t size)
{
    return fail_now() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t count, size_t size)
{
    return fail_now() ? NULL : __real_calloc(count, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return fail_now() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
    return fail_now() ? NULL : __real_strdup(s);
}

/* ---- the scenario ---- */

typedef struct {
    cl_device_id device;
    cl_context cl_ctx;
    cl_command_queue queue;
    cl_mem x, y;
    float hx[N], hy[N];
    uint16_t h16x[N], h16y[N];
    long failures_seen; /* calls that returned GOLU_ERROR_OUT_OF_HOST_MEMORY */
} world;

/* A call's status is GOLU_OK or, only when an allocation was made to fail during that very call
 * (`fired` moved past `before`), OUT_OF_HOST_MEMORY: an earlier failure must leave nothing that
 * makes later calls fail. */
static int ok_or_oom(golu_status s, const char *what, long k, int before)
{
    if (s == GOLU_OK)
        return 1;
    if (s == GOLU_ERROR_OUT_OF_HOST_MEMORY && atomic_load(&fired) != before)
        return 0;
    fail_msg("allocation %ld failing: %s returned %s", k, what, golu_status_name(s));
    return 0;
}

static void check_f32(const world *w, int backward, const float *got, const char *what, long k)
{
    for (int i = 0; i < N; i++) {
        golu_check_result r = golu_check_f32(backward, w->hx[i], w->hx[i], got[i], 1.0, 1.0, 1.0);
        if (!r.ok)
            fail_msg("allocation %ld failing: %s[%d] = %.9g, reference %.9g", k, what, i,
                     (double)got[i], r.ref);
    }
}

/* One context's life with the k-th allocation failing. Returns 1 if that allocation happened. */
static int life(world *w, long k)
{
    float out[N];
    atomic_store(&fired, 0);
    atomic_store(&countdown, k);

    golu_context *ctx = NULL;
    int before = atomic_load(&fired);
    golu_status s = golu_context_create(w->cl_ctx, 1, &w->device, &ctx);
    if (!ok_or_oom(s, "golu_context_create", k, before)) {
        assert_null(ctx);
        w->failures_seen++;
        assert_int_equal(golu_context_create(w->cl_ctx, 1, &w->device, &ctx), GOLU_OK);
    }

    for (int backward = 0; backward < 2; backward++) {
        const char *what = backward ? "golu_enqueue_backward" : "golu_enqueue_forward";
        for (int attempt = 0; attempt < 2; attempt++) {
            before = atomic_load(&fired);
            s = backward ? golu_enqueue_backward(ctx, w->queue, GOLU_F32, N, w->x, 0, w->x, 0,
                                                 w->y, 0, NULL, 0, NULL, NULL)
                         : golu_enqueue_forward(ctx, w->queue, GOLU_F32, N, w->x, 0, w->y, 0, NULL,
                                                0, NULL, NULL);
            if (ok_or_oom(s, what, k, before))
                break;
            w->failures_seen++;
            assert_int_equal(attempt, 0); /* the second attempt must succeed */
        }
        assert_int_equal(clEnqueueReadBuffer(w->queue, w->y, CL_TRUE, 0, sizeof out, out, 0, NULL,
                                             NULL),
                         CL_SUCCESS);
        check_f32(w, backward, out, what, k);
    }

    for (int attempt = 0; attempt < 2; attempt++) {
        memset(w->h16y, 0, sizeof w->h16y);
        before = atomic_load(&fired);
        s = golu_forward_host(ctx, GOLU_F16, N, w->h16x, w->h16y, NULL);
        if (ok_or_oom(s, "golu_forward_host(f16)", k, before))
            break;
        w->failures_seen++;
        assert_int_equal(attempt, 0);
    }
    for (int i = 0; i < N; i++) {
        golu_check_result r = golu_check_16(0, 0, w->h16x[i], 0, w->h16y[i], 1.0, 1.0, 1.0);
        if (!r.ok)
            fail_msg("allocation %ld failing: f16 host forward[%d] = 0x%04x", k, i, w->h16y[i]);
    }
    golu_context_destroy(ctx);
    int reached = atomic_load(&fired);
    atomic_store(&countdown, 0);
    return reached;
}

static void sweep(const char *cache_dir)
{
    world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    cl_platform_id platform;
    assert_int_equal(golu_select_device(getenv("GOLU_DEVICE"), &platform, &w->device), GOLU_OK);
    cl_int err;
    w->cl_ctx = clCreateContext(NULL, 1, &w->device, NULL, NULL, &err);
    assert_int_equal(err, CL_SUCCESS);
    w->queue = clCreateCommandQueue(w->cl_ctx, w->device, 0, &err);
    assert_int_equal(err, CL_SUCCESS);
    uint64_t state = 5;
    for (int i = 0; i < N; i++) {
        w->hx[i] = (float)golu_rand_uniform(&state, -10.0, 10.0);
        w->h16x[i] = golu_double_to_f16(golu_rand_uniform(&state, -10.0, 10.0));
    }
    w->x = clCreateBuffer(w->cl_ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof w->hx, w->hx,
                          &err);
    assert_int_equal(err, CL_SUCCESS);
    w->y = clCreateBuffer(w->cl_ctx, CL_MEM_READ_WRITE, sizeof w->hx, NULL, &err);
    assert_int_equal(err, CL_SUCCESS);

    const char *saved = getenv("GOLU_CACHE_DIR");
    char *restore = saved ? strdup(saved) : NULL;
    setenv("GOLU_CACHE_DIR", cache_dir ? cache_dir : "off", 1);
    long k = 1;
    while (life(w, k))
        k++;
    print_message("program cache %s: %ld allocations made to fail in turn, %ld calls answered "
                  "GOLU_ERROR_OUT_OF_HOST_MEMORY (and succeeded when made again)\n",
                  cache_dir ? "on" : "off", k - 1, w->failures_seen);
    /* The scenario allocates: a sweep that reached none tested nothing. */
    assert_true(k > 5);
    assert_true(w->failures_seen > 0);
    if (restore)
        setenv("GOLU_CACHE_DIR", restore, 1);
    else
        unsetenv("GOLU_CACHE_DIR");
    free(restore);

    clReleaseMemObject(w->x);
    clReleaseMemObject(w->y);
    clReleaseCommandQueue(w->queue);
    clReleaseContext(w->cl_ctx);
    free(w);
}

static void test_cache_off(void **state)
{
    (void)state;
    sweep(NULL);
}

static void test_cache_on(void **state)
{
    (void)state;
    const char *dir = getenv("GOLU_CACHE_DIR");
    if (!dir || !*dir)
        skip(); /* never the user's own cache folder */
    char *copy = strdup(dir);
    assert_non_null(copy);
    sweep(copy);
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_off),
        cmocka_unit_test(test_cache_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
