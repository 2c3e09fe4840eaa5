/*
 * test_sizes: every dtype the device supports, sizes that are multiples of nothing, aligned and
 * unaligned element offsets on each array, in-place forms, forward and backward. Every element in
 * [offset, offset + n) is checked against the reference; every byte outside it, and every byte of
 * an input buffer, must still hold the sentinel pattern or the input written there.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const size_t fixed_sizes[] = {0, 1, 2, 3, 7, 93, 144, 255, 256, 257, 4096}; /* + BIG_SIZE */
/* GOLU_TEST_QUICK: still several grid-stride rounds under CI's oclgrind --max-wgsize 16 */
#define BIG_SIZE ts_size(1000003, 20011)
#define NUM_RANDOM_SIZES 3
#define TAIL 19 /* elements after the last one of every array, to catch writes past the end */

enum { SEPARATE, X_IS_Y, DX_IS_DY, DX_IS_X, DY_IS_X };

typedef struct {
    size_t dy_off, x_off, out_off; /* forward: dy_off unused; out = y or dx */
    int mode;
    int big; /* also run at BIG_SIZE */
} layout;

/* Offsets of 16 or 32 are multiples of every vector width; 8, 4, 2 of some; 1, 3, 5, 7, 9 of none. */
static const layout forward_layouts[] = {
    {0, 0, 0, SEPARATE, 1},  {0, 16, 32, SEPARATE, 1}, {0, 8, 24, SEPARATE, 0},
    {0, 1, 3, SEPARATE, 1},  {0, 4, 2, SEPARATE, 0},   {0, 5, 0, SEPARATE, 0},
    {0, 0, 0, X_IS_Y, 1},    {0, 3, 3, X_IS_Y, 0},     {0, 64, 64, X_IS_Y, 0},
};

static const layout backward_layouts[] = {
    {0, 0, 0, SEPARATE, 1},    {16, 32, 48, SEPARATE, 1}, {1, 2, 3, SEPARATE, 1},
    {3, 0, 5, SEPARATE, 0},    {8, 4, 12, SEPARATE, 0},   {0, 0, 0, DX_IS_DY, 1},
    {7, 2, 7, DX_IS_DY, 0},    {0, 5, 5, DX_IS_X, 1},     {16, 16, 16, DX_IS_X, 0},
    {4, 4, 9, DY_IS_X, 0},
};

/* One device buffer with its host image: the sentinel pattern, with inputs written into it. */
typedef struct {
    cl_mem mem;
    unsigned char *image;
    size_t bytes;
} tbuf;

static tbuf tbuf_make(ts_env *env, size_t bytes)
{
    tbuf b;
    b.bytes = bytes;
    b.image = malloc(bytes);
    assert_non_null(b.image);
    ts_fill_sentinel(b.image, bytes);
    b.mem = ts_buffer(env, bytes);
    return b;
}

static void tbuf_free(tbuf *b)
{
    if (b->mem)
        clReleaseMemObject(b->mem);
    free(b->image);
    memset(b, 0, sizeof *b);
}

/* Reads the buffer back and checks that every byte outside [begin, end) is as in the image. */
static void tbuf_expect_untouched(ts_env *env, const tbuf *b, size_t begin, size_t end,
                                  unsigned char *scratch, const char *what)
{
    ts_read(env, b->mem, 0, b->bytes, scratch);
    size_t changed = 0, first = 0;
    for (size_t k = 0; k < b->bytes; k++) {
        if (k >= begin && k < end)
            continue;
        if (scratch[k] != b->image[k]) {
            if (!changed)
                first = k;
            changed++;
        }
    }
    if (changed) {
        print_message("%s: %zu bytes changed outside [%zu, %zu) of %zu, first at byte %zu\n",
                      what, changed, begin, end, b->bytes, first);
        fail_msg("%s: stray write", what);
    }
}

static size_t random_size(uint64_t *s)
{
    return 1 + (size_t)(golu_rand_next(s) % ts_size(70000, 3000));
}

static void run_forward_case(ts_env *env, golu_dtype dt, size_t n, const layout *L, ts_stats *st)
{
    const size_t es = golu_dtype_size(dt);
    const int inplace = L->mode == X_IS_Y;
    void *x = ts_alloc(dt, n);
    void *y = ts_alloc(dt, n);
    ts_fill_uniform(dt, x, n, -20.0, 20.0, 0x5eedull + n * 31u + L->x_off);

    tbuf bx = tbuf_make(env, (L->x_off + n + TAIL) * es);
    tbuf by = inplace ? bx : tbuf_make(env, (L->out_off + n + TAIL) * es);
    memcpy(bx.image + L->x_off * es, x, n * es);
    ts_write(env, bx.mem, 0, bx.bytes, bx.image);
    if (!inplace)
        ts_write(env, by.mem, 0, by.bytes, by.image);

    cl_event ev = NULL;
    golu_status s = golu_enqueue_forward(env->ctx, env->queue, dt, n, bx.mem, L->x_off, by.mem,
                                         L->out_off, NULL, 0, NULL, &ev);
    char what[160];
    snprintf(what, sizeof what, "forward %s n=%zu x_off=%zu y_off=%zu%s", golu_dtype_name(dt), n,
             L->x_off, L->out_off, inplace ? " in-place" : "");
    if (s != GOLU_OK)
        print_message("%s\n", what);
    ts_assert_status(env->ctx, s, GOLU_OK);
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    clReleaseEvent(ev);

    unsigned char *scratch = malloc(by.bytes > bx.bytes ? by.bytes : bx.bytes);
    assert_non_null(scratch);
    tbuf_expect_untouched(env, &by, L->out_off * es, (L->out_off + n) * es, scratch, what);
    memcpy(y, scratch + L->out_off * es, n * es);
    if (!inplace)
        tbuf_expect_untouched(env, &bx, 0, 0, scratch, what); /* the input is read-only */

    size_t bad = ts_check(dt, 0, n, x, NULL, y, NULL, st, what);
    if (bad)
        print_message("%s: %zu failures\n", what, bad);
    assert_int_equal(bad, 0);

    free(scratch);
    if (!inplace)
        tbuf_free(&by);
    tbuf_free(&bx);
    free(x);
    free(y);
}

static void run_backward_case(ts_env *env, golu_dtype dt, size_t n, const layout *L, ts_stats *st)
{
    const size_t es = golu_dtype_size(dt);
    void *x = ts_alloc(dt, n);
    void *dy = ts_alloc(dt, n);
    void *dx = ts_alloc(dt, n);
    ts_fill_uniform(dt, x, n, -20.0, 20.0, 0xbacull + n * 17u + L->x_off);
    if (L->mode == DY_IS_X)
        memcpy(dy, x, n * es); /* one array serves as both */
    else
        ts_fill_uniform(dt, dy, n, -4.0, 4.0, 0xd1ull + n * 7u + L->dy_off);

    tbuf bdy = tbuf_make(env, (L->dy_off + n + TAIL) * es);
    tbuf bx, bdx;
    memset(&bx, 0, sizeof bx);
    memset(&bdx, 0, sizeof bdx);
    cl_mem mx, mdx;
    memcpy(bdy.image + L->dy_off * es, dy, n * es);
    switch (L->mode) {
    case DY_IS_X:
        mx = bdy.mem;
        bdx = tbuf_make(env, (L->out_off + n + TAIL) * es);
        mdx = bdx.mem;
        break;
    case DX_IS_DY:
        bx = tbuf_make(env, (L->x_off + n + TAIL) * es);
        memcpy(bx.image + L->x_off * es, x, n * es);
        mx = bx.mem;
        mdx = bdy.mem;
        break;
    case DX_IS_X:
        bx = tbuf_make(env, (L->x_off + n + TAIL) * es);
        memcpy(bx.image + L->x_off * es, x, n * es);
        mx = bx.mem;
        mdx = bx.mem;
        break;
    default:
        bx = tbuf_make(env, (L->x_off + n + TAIL) * es);
        memcpy(bx.image + L->x_off * es, x, n * es);
        bdx = tbuf_make(env, (L->out_off + n + TAIL) * es);
        mx = bx.mem;
        mdx = bdx.mem;
        break;
    }
    ts_write(env, bdy.mem, 0, bdy.bytes, bdy.image);
    if (bx.mem)
        ts_write(env, bx.mem, 0, bx.bytes, bx.image);
    if (bdx.mem)
        ts_write(env, bdx.mem, 0, bdx.bytes, bdx.image);

    static const char *mode_names[] = {"", "", " dx==dy", " dx==x", " dy==x"};
    char what[160];
    snprintf(what, sizeof what, "backward %s n=%zu dy_off=%zu x_off=%zu dx_off=%zu%s",
             golu_dtype_name(dt), n, L->dy_off, L->x_off, L->out_off, mode_names[L->mode]);

    cl_event ev = NULL;
    golu_status s = golu_enqueue_backward(env->ctx, env->queue, dt, n, bdy.mem, L->dy_off, mx,
                                          L->x_off, mdx, L->out_off, NULL, 0, NULL, &ev);
    if (s != GOLU_OK)
        print_message("%s\n", what);
    ts_assert_status(env->ctx, s, GOLU_OK);
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    clReleaseEvent(ev);

    size_t maxb = bdy.bytes;
    if (bx.bytes > maxb)
        maxb = bx.bytes;
    if (bdx.bytes > maxb)
        maxb = bdx.bytes;
    unsigned char *scratch = malloc(maxb);
    assert_non_null(scratch);
    const tbuf *out = L->mode == DX_IS_DY ? &bdy : L->mode == DX_IS_X ? &bx : &bdx;
    tbuf_expect_untouched(env, out, L->out_off * es, (L->out_off + n) * es, scratch, what);
    memcpy(dx, scratch + L->out_off * es, n * es);
    if (out != &bdy)
        tbuf_expect_untouched(env, &bdy, 0, 0, scratch, what);
    if (bx.mem && out != &bx)
        tbuf_expect_untouched(env, &bx, 0, 0, scratch, what);

    size_t bad = ts_check(dt, 1, n, x, dy, dx, NULL, st, what);
    if (bad)
        print_message("%s: %zu failures\n", what, bad);
    assert_int_equal(bad, 0);

    free(scratch);
    tbuf_free(&bdy);
    if (bx.mem)
        tbuf_free(&bx);
    if (bdx.mem)
        tbuf_free(&bdx);
    free(x);
    free(dy);
    free(dx);
}

static void run_all_sizes(ts_env *env, golu_dtype dt)
{
    ts_require_dtype(env, dt);
    size_t sizes[sizeof fixed_sizes / sizeof fixed_sizes[0] + 1 + NUM_RANDOM_SIZES];
    size_t count = 0;
    for (size_t i = 0; i < sizeof fixed_sizes / sizeof fixed_sizes[0]; i++)
        sizes[count++] = fixed_sizes[i];
    sizes[count++] = BIG_SIZE;
    uint64_t seed = 0x51e5ull;
    for (int i = 0; i < NUM_RANDOM_SIZES; i++)
        sizes[count++] = random_size(&seed);

    ts_stats fwd = {0, 0, 0.0, 0.0}, bwd = {0, 0, 0.0, 0.0};
    for (size_t si = 0; si < count; si++) {
        size_t n = sizes[si];
        for (size_t li = 0; li < sizeof forward_layouts / sizeof forward_layouts[0]; li++)
            if (n != BIG_SIZE || forward_layouts[li].big)
                run_forward_case(env, dt, n, &forward_layouts[li], &fwd);
        for (size_t li = 0; li < sizeof backward_layouts / sizeof backward_layouts[0]; li++)
            if (n != BIG_SIZE || backward_layouts[li].big)
                run_backward_case(env, dt, n, &backward_layouts[li], &bwd);
    }
    print_message("%s: %zu forward elements checked, max %.3g ulp; %zu backward, max %.3g ulp "
                  "(random sizes %zu %zu %zu)\n",
                  golu_dtype_name(dt), fwd.checked, fwd.max_ulps, bwd.checked, bwd.max_ulps,
                  sizes[count - 3], sizes[count - 2], sizes[count - 1]);
    assert_true(fwd.checked > BIG_SIZE);
    assert_true(bwd.checked > BIG_SIZE);
}

static void test_sizes_f32(void **state) { run_all_sizes(*state, GOLU_F32); }
static void test_sizes_f16(void **state) { run_all_sizes(*state, GOLU_F16); }
static void test_sizes_bf16(void **state) { run_all_sizes(*state, GOLU_BF16); }
static void test_sizes_f64(void **state) { run_all_sizes(*state, GOLU_F64); }

/* Two disjoint ranges of one buffer are not an overlap: x and y (and dy, x, dx) side by side. */
static void test_same_buffer_disjoint(void **state)
{
    ts_env *env = *state;
    const size_t n = 1001;
    float *x = ts_alloc(GOLU_F32, n), *dy = ts_alloc(GOLU_F32, n);
    float *y = ts_alloc(GOLU_F32, n), *dx = ts_alloc(GOLU_F32, n);
    ts_fill_uniform(GOLU_F32, x, n, -20.0, 20.0, 11);
    ts_fill_uniform(GOLU_F32, dy, n, -3.0, 3.0, 12);
    /* one buffer: x at 3, dy right after it, y / dx right after dy (touching, not overlapping) */
    const size_t xo = 3, dyo = 3 + n, oo = 3 + 2 * n;
    const size_t total = oo + n + TAIL;
    /* One whole-buffer write: oclgrind 21.10's --uninitialized forgets the rest of a buffer on a
     * partial clEnqueueWriteBuffer, and CI runs this test under it. */
    unsigned char *image = malloc(total * sizeof(float));
    assert_non_null(image);
    ts_fill_sentinel(image, total * sizeof(float));
    memcpy(image + xo * sizeof(float), x, n * sizeof(float));
    memcpy(image + dyo * sizeof(float), dy, n * sizeof(float));
    cl_mem b = ts_buffer(env, total * sizeof(float));
    ts_write(env, b, 0, total * sizeof(float), image);
    free(image);

    ts_assert_status(env->ctx, golu_enqueue_forward(env->ctx, env->queue, GOLU_F32, n, b, xo, b, oo,
                                                    NULL, 0, NULL, NULL),
                     GOLU_OK);
    ts_cl_check(clFinish(env->queue));
    ts_read(env, b, oo * sizeof(float), n * sizeof(float), y);
    assert_int_equal(ts_check(GOLU_F32, 0, n, x, NULL, y, NULL, NULL, "same-buffer forward"), 0);

    ts_assert_status(env->ctx, golu_enqueue_backward(env->ctx, env->queue, GOLU_F32, n, b, dyo, b,
                                                     xo, b, oo, NULL, 0, NULL, NULL),
                     GOLU_OK);
    ts_cl_check(clFinish(env->queue));
    ts_read(env, b, oo * sizeof(float), n * sizeof(float), dx);
    assert_int_equal(ts_check(GOLU_F32, 1, n, x, dy, dx, NULL, NULL, "same-buffer backward"), 0);

    /* the inputs and the bytes around them are intact */
    float *back = ts_alloc(GOLU_F32, total);
    ts_read(env, b, 0, total * sizeof(float), back);
    assert_memory_equal(back + xo, x, n * sizeof(float));
    assert_memory_equal(back + dyo, dy, n * sizeof(float));
    assert_int_equal(ts_count_sentinel_changes((unsigned char *)back, 0, xo * sizeof(float)), 0);
    assert_int_equal(ts_count_sentinel_changes((unsigned char *)back, (oo + n) * sizeof(float),
                                               total * sizeof(float)),
                     0);
    free(back);
    clReleaseMemObject(b);
    free(x);
    free(dy);
    free(y);
    free(dx);
}

/* n == 0: GOLU_OK, nothing written, and a requested event is valid and completes (after the wait
 * list when there is one). */
static void check_zero(ts_env *env, golu_dtype dt, int backward)
{
    const size_t es = golu_dtype_size(dt);
    const size_t bytes = 64 * es;
    cl_mem a = ts_sentinel_buffer(env, bytes), b = ts_sentinel_buffer(env, bytes);
    cl_mem c = ts_sentinel_buffer(env, bytes);
#define ENQ(nev, list, evp)                                                                         \
    (backward ? golu_enqueue_backward(env->ctx, env->queue, dt, 0, a, 5, b, 3, c, 7, NULL, (nev),  \
                                      (list), (evp))                                               \
              : golu_enqueue_forward(env->ctx, env->queue, dt, 0, a, 5, c, 7, NULL, (nev), (list), \
                                     (evp)))

    /* no event requested */
    ts_assert_status(env->ctx, ENQ(0, NULL, NULL), GOLU_OK);

    /* an event, no wait list: complete once waited on */
    cl_event ev = NULL;
    ts_assert_status(env->ctx, ENQ(0, NULL, &ev), GOLU_OK);
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    cl_int exec = -1;
    ts_cl_check(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof exec, &exec, NULL));
    assert_int_equal(exec, CL_COMPLETE);
    cl_context ectx = NULL;
    ts_cl_check(clGetEventInfo(ev, CL_EVENT_CONTEXT, sizeof ectx, &ectx, NULL));
    assert_ptr_equal(ectx, env->cl_ctx);
    ts_cl_check(clReleaseEvent(ev));

    /* an event with a wait list of one already complete event */
    cl_event done = NULL;
    ts_assert_status(env->ctx, ENQ(0, NULL, &done), GOLU_OK);
    ts_cl_check(clWaitForEvents(1, &done));
    ev = NULL;
    ts_assert_status(env->ctx, ENQ(1, &done, &ev), GOLU_OK);
    assert_non_null(ev);
    ts_cl_check(clWaitForEvents(1, &ev));
    exec = -1;
    ts_cl_check(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof exec, &exec, NULL));
    assert_int_equal(exec, CL_COMPLETE);
    ts_cl_check(clReleaseEvent(ev));
    ts_cl_check(clReleaseEvent(done));

    /* a wait list holding a user event: the returned event completes only after it */
    cl_int err = CL_SUCCESS;
    cl_event gate = clCreateUserEvent(env->cl_ctx, &err);
    ts_cl_check(err);
    ev = NULL;
    golu_status s = ENQ(1, &gate, &ev);
    cl_int before = -1;
    if (s == GOLU_OK && ev)
        clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof before, &before, NULL);
    ts_cl_check(clSetUserEventStatus(gate, CL_COMPLETE)); /* release the queue before asserting */
    ts_assert_status(env->ctx, s, GOLU_OK);
    assert_non_null(ev);
    assert_int_not_equal(before, CL_COMPLETE);
    ts_cl_check(clWaitForEvents(1, &ev));
    exec = -1;
    ts_cl_check(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof exec, &exec, NULL));
    assert_int_equal(exec, CL_COMPLETE);
    ts_cl_check(clReleaseEvent(ev));
    ts_cl_check(clReleaseEvent(gate));
#undef ENQ

    /* nothing was written anywhere */
    ts_cl_check(clFinish(env->queue));
    unsigned char *back = malloc(bytes);
    assert_non_null(back);
    cl_mem all[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        ts_read(env, all[i], 0, bytes, back);
        assert_int_equal(ts_count_sentinel_changes(back, 0, bytes), 0);
        clReleaseMemObject(all[i]);
    }
    free(back);
}

static void test_zero_elements(void **state)
{
    ts_env *env = *state;
    int ran = 0;
    for (int i = 0; i < GOLU_DTYPE_COUNT; i++) {
        if (!ts_dtype_ok(env, ts_all_dtypes[i]))
            continue;
        check_zero(env, ts_all_dtypes[i], 0);
        check_zero(env, ts_all_dtypes[i], 1);
        ran++;
    }
    assert_true(ran >= 3); /* f32, f16 and bf16 run everywhere */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_elements),
        cmocka_unit_test(test_same_buffer_disjoint),
        cmocka_unit_test(test_sizes_f32),
        cmocka_unit_test(test_sizes_f16),
        cmocka_unit_test(test_sizes_bf16),
        cmocka_unit_test(test_sizes_f64),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
