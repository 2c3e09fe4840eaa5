/*
 * test_exhaustive16: all 65,536 f16 and all 65,536 bf16 bit patterns as x (NaNs, infinities and
 * subnormals included), forward and backward with dy = 1 and with random dy patterns; each result
 * within 1 ulp of the correctly rounded reference and NaN exactly where the reference is NaN
 * (golu_check_16); and the forward with gamma < 0 (forward_mirrored()).
 */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>

#define ALL 65536u

static uint16_t *all_patterns(void)
{
    uint16_t *x = malloc(ALL * sizeof *x);
    assert_non_null(x);
    for (uint32_t i = 0; i < ALL; i++)
        x[i] = (uint16_t)i;
    return x;
}

static void report(golu_dtype dt, const char *what, const ts_stats *st)
{
    print_message("%s %s: %zu patterns, max error %.0f ulp (at x = %.9g), %zu failures\n",
                  golu_dtype_name(dt), what, st->checked, st->max_ulps, st->max_ulps_x,
                  st->failures);
}

static void forward_all(ts_env *env, golu_dtype dt)
{
    uint16_t *x = all_patterns();
    uint16_t *y = malloc(ALL * sizeof *y);
    assert_non_null(y);
    ts_assert_status(env->ctx, ts_forward(env, dt, ALL, x, y, NULL), GOLU_OK);
    ts_stats st = {0, 0, 0.0, 0.0};
    size_t bad = ts_check(dt, 0, ALL, x, NULL, y, NULL, &st, "exhaustive");
    report(dt, "forward", &st);
    assert_int_equal(st.checked, ALL);
    assert_int_equal(bad, 0);
    free(x);
    free(y);
}

/* gamma < 0 mirrors the curve: every pattern within 1 ulp of the reference, except x = +inf,
 * which golu.h makes NaN (the gate's limit 0 times inf; the reference takes the limit 0). CPU
 * devices compute a tiny gate rescaled (cl/golu_common.cl): at +inf that NaN must survive. */
static void forward_mirrored(ts_env *env, golu_dtype dt)
{
    const golu_params p = {1.5, 0.5, -2.0};
    const uint16_t inf = dt == GOLU_BF16 ? 0x7f80 : 0x7c00;
    uint16_t *x = all_patterns();
    uint16_t *y = malloc(ALL * sizeof *y);
    assert_non_null(y);
    ts_assert_status(env->ctx, ts_forward(env, dt, ALL, x, y, &p), GOLU_OK);
    assert_true(isnan(ts_get(dt, y, inf)));
    ts_stats st = {0, 0, 0.0, 0.0};
    size_t bad = ts_check(dt, 0, inf, x, NULL, y, &p, &st, "exhaustive gamma -2") +
                 ts_check(dt, 0, ALL - inf - 1, x + inf + 1, NULL, y + inf + 1, &p, &st,
                          "exhaustive gamma -2");
    report(dt, "forward alpha 1.5 beta 0.5 gamma -2, x != +inf", &st);
    assert_int_equal(st.checked, ALL - 1);
    assert_int_equal(bad, 0);
    free(x);
    free(y);
}

/* dy_kind 0: dy = 1; 1: a random 16-bit pattern per element (any value, NaN and inf included);
 * 2: a random finite pattern. */
static void backward_all(ts_env *env, golu_dtype dt, int dy_kind)
{
    const uint16_t inf = dt == GOLU_BF16 ? 0x7f80 : 0x7c00;
    uint16_t *x = all_patterns();
    uint16_t *dy = malloc(ALL * sizeof *dy);
    uint16_t *dx = malloc(ALL * sizeof *dx);
    assert_non_null(dy);
    assert_non_null(dx);
    uint64_t s = 0xe4a5ull + (uint64_t)dy_kind * 1000u + (uint64_t)dt;
    for (uint32_t i = 0; i < ALL; i++) {
        if (dy_kind == 0) {
            ts_set(dt, dy, i, 1.0);
        } else {
            uint16_t v;
            do
                v = (uint16_t)golu_rand_next(&s);
            while (dy_kind == 2 && (v & 0x7fff) >= inf);
            dy[i] = v;
        }
    }
    ts_assert_status(env->ctx, ts_backward(env, dt, ALL, dy, x, dx, NULL), GOLU_OK);
    ts_stats st = {0, 0, 0.0, 0.0};
    size_t bad = ts_check(dt, 1, ALL, x, dy, dx, NULL, &st, "exhaustive");
    static const char *names[] = {"backward dy=1", "backward dy=random pattern",
                                  "backward dy=random finite"};
    report(dt, names[dy_kind], &st);
    assert_int_equal(st.checked, ALL);
    assert_int_equal(bad, 0);
    free(x);
    free(dy);
    free(dx);
}

/* The check itself must be able to fail: a result off by 2 ulp, or a NaN where the reference is
 * finite, is rejected (guards against a vacuous comparison). */
static void test_check_is_strict(void **state)
{
    (void)state;
    uint16_t x = golu_double_to_f16(1.5);
    double ref = (double)golu_ref_forward(golu_f16_to_float(x), 1.0, 1.0, 1.0);
    uint16_t want = golu_double_to_f16(ref);
    assert_true(golu_check_16(0, 0, x, 0, want, 1, 1, 1).ok);
    assert_true(golu_check_16(0, 0, x, 0, (uint16_t)(want + 1), 1, 1, 1).ok);
    assert_false(golu_check_16(0, 0, x, 0, (uint16_t)(want + 2), 1, 1, 1).ok);
    assert_false(golu_check_16(0, 0, x, 0, 0x7e00, 1, 1, 1).ok);
    assert_false(golu_check_16(1, 0, 0x7fc0, 0, 0x3f80, 1, 1, 1).ok); /* NaN in, 1.0 out */
}

static void test_f16_forward(void **state) { forward_all(*state, GOLU_F16); }
static void test_bf16_forward(void **state) { forward_all(*state, GOLU_BF16); }
static void test_f16_forward_mirrored(void **state) { forward_mirrored(*state, GOLU_F16); }
static void test_bf16_forward_mirrored(void **state) { forward_mirrored(*state, GOLU_BF16); }
static void test_f16_backward_dy1(void **state) { backward_all(*state, GOLU_F16, 0); }
static void test_bf16_backward_dy1(void **state) { backward_all(*state, GOLU_BF16, 0); }
static void test_f16_backward_dy_random(void **state) { backward_all(*state, GOLU_F16, 1); }
static void test_bf16_backward_dy_random(void **state) { backward_all(*state, GOLU_BF16, 1); }
static void test_f16_backward_dy_finite(void **state) { backward_all(*state, GOLU_F16, 2); }
static void test_bf16_backward_dy_finite(void **state) { backward_all(*state, GOLU_BF16, 2); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_is_strict),
        cmocka_unit_test(test_f16_forward),
        cmocka_unit_test(test_bf16_forward),
        cmocka_unit_test(test_f16_forward_mirrored),
        cmocka_unit_test(test_bf16_forward_mirrored),
        cmocka_unit_test(test_f16_backward_dy1),
        cmocka_unit_test(test_bf16_backward_dy1),
        cmocka_unit_test(test_f16_backward_dy_random),
        cmocka_unit_test(test_bf16_backward_dy_random),
        cmocka_unit_test(test_f16_backward_dy_finite),
        cmocka_unit_test(test_bf16_backward_dy_finite),
    };
    return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
