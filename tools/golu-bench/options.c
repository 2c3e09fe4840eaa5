/* golu-bench: command-line parsing (see options.h and help.c for the options themselves). */
#include "options.h"

#include "errors.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Upper bound for --reps and --warmup: beyond it a run takes hours, which is surely a typo. */
#define BENCH_MAX_REPS 1000000u

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("golu-bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\nTry 'golu-bench --help'.\n", stderr);
    va_end(ap);
    return BENCH_EXIT_ERROR;
}

/* Digits only: strtoull alone would accept signs, spaces and "0x". */
static int parse_digits(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int mul_overflows(uint64_t a, uint64_t b, uint64_t *out)
{
    if (a != 0 && b > UINT64_MAX / a)
        return 1;
    *out = a * b;
    return 0;
}

int bench_parse_count(const char *text, uint64_t *out)
{
    size_t len = strlen(text);
    const char *caret = strchr(text, '^');
    uint64_t v;
    if (caret) {
        uint64_t base, exp;
        if (parse_digits(text, (size_t)(caret - text), &base) != 0
            || parse_digits(caret + 1, strlen(caret + 1), &exp) != 0)
            return -1;
        v = 1;
        for (uint64_t i = 0; i < exp; i++)
            if (mul_overflows(v, base, &v))
                return -1;
    } else {
        uint64_t scale = 1;
        switch (len ? toupper((unsigned char)text[len - 1]) : 0) {
        case 'K': scale = 1ull << 10; len--; break;
        case 'M': scale = 1ull << 20; len--; break;
        case 'G': scale = 1ull << 30; len--; break;
        default: break;
        }
        if (parse_digits(text, len, &v) != 0 || mul_overflows(v, scale, &v))
            return -1;
    }
    if (v == 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_unsigned(const char *opt, const char *text, unsigned min, unsigned *out)
{
    uint64_t v;
    if (parse_digits(text, strlen(text), &v) != 0 || v < min || v > BENCH_MAX_REPS)
        return usage_error("%s: expected an integer in %u..%u, got '%s'", opt, min, BENCH_MAX_REPS,
                           text);
    *out = (unsigned)v;
    return 0;
}

/* Calls `item` on each element of a comma-separated list (empty elements are errors). */
static int for_each_item(const char *opt, const char *list, int (*item)(const char *, const char *,
                                                                           bench_options *),
                         bench_options *o)
{
    char buf[64];
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0 || len >= sizeof buf)
            return usage_error("%s: bad list '%s'", opt, list);
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (item(opt, buf, o) != 0)
            return BENCH_EXIT_ERROR;
        if (!end)
            return 0;
        p = end + 1;
    }
}

static int dtype_item(const char *opt, const char *name, bench_options *o)
{
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        if (strcmp(name, golu_dtype_name((golu_dtype)d)) != 0)
            continue;
        for (size_t i = 0; i < o->num_dtypes; i++)
            if (o->dtypes[i] == (golu_dtype)d)
                return 0;
        o->dtypes[o->num_dtypes++] = (golu_dtype)d;
        return 0;
    }
    return usage_error("%s: unknown dtype '%s' (expected f32, f16, bf16, f64)", opt, name);
}

const bench_pass_desc *bench_pass_info(int pass)
{
    static const bench_pass_desc passes[BENCH_PASS_COUNT] = {
        [BENCH_PASS_FWD] = {"fwd", "forward", "golu_enqueue_forward", 0, 0, 0},
        [BENCH_PASS_BWD] = {"bwd", "backward", "golu_enqueue_backward", 1, 0, 0},
        [BENCH_PASS_BWD_PARAMS] = {"bwd-params", "backward-params", "golu_enqueue_backward_params",
                                   1, 0, 0},
        [BENCH_PASS_FWD_BLEND] = {"fwd-blend", "forward-blend", "golu_enqueue_forward_blend", 0, 1,
                                  0},
        [BENCH_PASS_BWD_BLEND] = {"bwd-blend", "backward-blend", "golu_enqueue_backward_blend", 1,
                                  1, 0},
        [BENCH_PASS_FWD_BIAS] = {"fwd-bias", "forward-bias", "golu_enqueue_forward_bias", 0, 0, 1},
        [BENCH_PASS_BWD_BIAS] = {"bwd-bias", "backward-bias", "golu_enqueue_backward_bias", 1, 0,
                                 1},
    };
    return pass >= 0 && pass < BENCH_PASS_COUNT ? &passes[pass] : NULL;
}

const char *bench_pass_name(int pass)
{
    const bench_pass_desc *p = bench_pass_info(pass);
    return p ? p->name : "?";
}

static int pass_item(const char *opt, const char *name, bench_options *o)
{
    /* each pass by its label and by its long name */
    int pass = -1;
    for (int p = 0; p < BENCH_PASS_COUNT; p++)
        if (strcmp(name, bench_pass_info(p)->name) == 0 ||
            strcmp(name, bench_pass_info(p)->long_name) == 0)
            pass = p;
    if (pass < 0)
        return usage_error("%s: unknown pass '%s' (expected fwd, bwd, bwd-params, fwd-blend, "
                           "bwd-blend, fwd-bias, bwd-bias)",
                           opt, name);
    for (size_t i = 0; i < o->num_passes; i++)
        if (o->passes[i] == pass)
            return 0;
    o->passes[o->num_passes++] = pass;
    return 0;
}

/* An element count, or ROWSxCOLS (each a count): a batch of ROWS rows of COLS, the shape the
 * bias passes take (the others see ROWS * COLS elements). */
static int size_item(const char *opt, const char *text, bench_options *o)
{
    uint64_t rows = 1, n;
    char part[64];
    const char *x = strchr(text, 'x');
    if (x) {
        size_t len = (size_t)(x - text);
        memcpy(part, text, len); /* len < 64: for_each_item's items are shorter */
        part[len] = '\0';
        uint64_t cols;
        if (bench_parse_count(part, &rows) != 0 || bench_parse_count(x + 1, &cols) != 0 ||
            cols > UINT64_MAX / rows)
            return usage_error("%s: bad shape '%s' (e.g. 512x4096)", opt, text);
        n = rows * cols;
    } else if (bench_parse_count(text, &n) != 0) {
        return usage_error("%s: bad element count '%s' (e.g. 1000003, 2^24, 16M, 512x4096)", opt,
                           text);
    }
    if (o->num_sizes == BENCH_MAX_SIZES)
        return usage_error("%s: more than %d sizes", opt, BENCH_MAX_SIZES);
    o->size_rows[o->num_sizes] = rows;
    o->sizes[o->num_sizes++] = n;
    return 0;
}

static int parse_format(const char *opt, const char *text, bench_format *out)
{
    if (strcmp(text, "table") == 0)
        *out = BENCH_FORMAT_TABLE;
    else if (strcmp(text, "csv") == 0)
        *out = BENCH_FORMAT_CSV;
    else if (strcmp(text, "json") == 0)
        *out = BENCH_FORMAT_JSON;
    else
        return usage_error("%s: unknown format '%s' (expected table, csv, json)", opt, text);
    return 0;
}

static int parse_seed(const char *opt, const char *text, uint64_t *out)
{
    if (parse_digits(text, strlen(text), out) != 0)
        return usage_error("%s: expected a non-negative integer, got '%s'", opt, text);
    return 0;
}

/* A finite number (strtod syntax, the whole text). */
static int parse_real(const char *opt, const char *text, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v))
        return usage_error("%s: expected a finite number, got '%s'", opt, text);
    *out = v;
    return 0;
}

/* A count in 1..max, in any form bench_parse_count() reads. */
static int parse_bounded_count(const char *opt, const char *text, uint64_t max, uint64_t *out)
{
    if (bench_parse_count(text, out) != 0 || *out > max)
        return usage_error("%s: expected a count in 1..%" PRIu64 " (e.g. 97, 2^20, 1M), got '%s'",
                           opt, max, text);
    return 0;
}

static void set_defaults(bench_options *o)
{
    memset(o, 0, sizeof *o);
    o->warmup = 3;
    o->reps = 20;
    o->format = BENCH_FORMAT_TABLE;
    o->seed = 0x60105eedu;
    o->stride = BENCH_DEFAULT_STRIDE;
    o->f64_samples = BENCH_DEFAULT_F64_SAMPLES;
    o->params.alpha = 1.0;
    o->params.beta = 1.0;
    o->params.gamma = 1.0;
    o->tune_budget_s = BENCH_DEFAULT_TUNE_BUDGET;
}

/* Lists given on the command line replace the defaults; fill in whatever was not given. The
 * accuracy mode measures every dtype by default (f64 only where the device has it). */
static void finish_defaults(bench_options *o)
{
    if (o->num_dtypes == 0) {
        o->dtypes[0] = GOLU_F32;
        o->dtypes[1] = GOLU_F16;
        o->dtypes[2] = GOLU_BF16;
        o->num_dtypes = 3;
        if (o->accuracy)
            o->dtypes[o->num_dtypes++] = GOLU_F64;
    }
    if (o->num_passes == 0) {
        o->passes[0] = BENCH_PASS_FWD;
        o->passes[1] = BENCH_PASS_BWD;
        o->num_passes = 2;
    }
}

/* One option that takes a value; `value` is already split off "--opt=value" or the next arg. */
static int apply_valued(const char *opt, const char *value, bench_options *o)
{
    if (strcmp(opt, "--device") == 0) {
        o->device_spec = value;
        return 0;
    }
    if (strcmp(opt, "--dtype") == 0) {
        o->num_dtypes = 0;
        return for_each_item(opt, value, dtype_item, o);
    }
    if (strcmp(opt, "--pass") == 0) {
        o->num_passes = 0;
        return for_each_item(opt, value, pass_item, o);
    }
    if (strcmp(opt, "--sizes") == 0) {
        o->num_sizes = 0;
        return for_each_item(opt, value, size_item, o);
    }
    if (strcmp(opt, "--warmup") == 0) {
        o->warmup_given = 1;
        return parse_unsigned(opt, value, 0, &o->warmup);
    }
    if (strcmp(opt, "--reps") == 0) {
        o->reps_given = 1;
        return parse_unsigned(opt, value, 1, &o->reps);
    }
    if (strcmp(opt, "--tune-budget") == 0)
        return parse_unsigned(opt, value, 1, &o->tune_budget_s);
    if (strcmp(opt, "--tune-search") == 0) {
        if (strcmp(value, "coordinate") != 0 && strcmp(value, "full") != 0)
            return usage_error("%s: expected coordinate or full, got '%s'", opt, value);
        o->tune_full = strcmp(value, "full") == 0;
        return 0;
    }
    if (strcmp(opt, "--format") == 0)
        return parse_format(opt, value, &o->format);
    if (strcmp(opt, "--seed") == 0)
        return parse_seed(opt, value, &o->seed);
    if (strcmp(opt, "--stride") == 0)
        return parse_bounded_count(opt, value, UINT64_C(1) << 32, &o->stride);
    if (strcmp(opt, "--f64-samples") == 0)
        return parse_bounded_count(opt, value, UINT64_C(1) << 32, &o->f64_samples);
    if (strcmp(opt, "--alpha") == 0)
        return parse_real(opt, value, &o->params.alpha);
    if (strcmp(opt, "--beta") == 0)
        return parse_real(opt, value, &o->params.beta);
    if (strcmp(opt, "--gamma") == 0)
        return parse_real(opt, value, &o->params.gamma);
    return usage_error("unknown option '%s'", opt);
}

static int apply_flag(const char *opt, bench_options *o)
{
    if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0)
        o->help = 1;
    else if (strcmp(opt, "--version") == 0)
        o->version = 1;
    else if (strcmp(opt, "--list-devices") == 0)
        o->list_devices = 1;
    else if (strcmp(opt, "--check") == 0)
        o->check = 1;
    else if (strcmp(opt, "--accuracy") == 0)
        o->accuracy = 1;
    else if (strcmp(opt, "--exhaustive") == 0)
        o->exhaustive = 1;
    else if (strcmp(opt, "--worst") == 0)
        o->worst = 1;
    else if (strcmp(opt, "--tune") == 0)
        o->tune = 1;
    else
        return -1;
    return 0;
}

static int in_list(const char *opt, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(opt, list[i]) == 0)
            return 1;
    return 0;
}

static int takes_value(const char *opt)
{
    static const char *const valued[] = {
        "--device", "--dtype", "--pass",  "--sizes", "--warmup", "--reps",        "--format",
        "--seed",   "--stride", "--alpha", "--beta", "--gamma",  "--f64-samples",
        "--tune-budget", "--tune-search"};
    return in_list(opt, valued, sizeof valued / sizeof valued[0]);
}

/* Options that belong to one mode only. */
static int timing_only(const char *opt)
{
    static const char *const list[] = {"--pass", "--sizes", "--warmup", "--reps", "--check"};
    return in_list(opt, list, sizeof list / sizeof list[0]);
}

static int accuracy_only(const char *opt)
{
    static const char *const list[] = {"--exhaustive", "--stride", "--alpha", "--beta",
                                       "--gamma",      "--f64-samples", "--worst"};
    return in_list(opt, list, sizeof list / sizeof list[0]);
}

static int tune_only(const char *opt)
{
    static const char *const list[] = {"--tune-budget", "--tune-search"};
    return in_list(opt, list, sizeof list / sizeof list[0]);
}

/* --tune takes the timing options but --check (it checks its choices itself) and json. */
static int check_tune_mode(const bench_options *o, const char *tune_opt)
{
    if (!o->tune)
        return tune_opt ? usage_error("%s needs --tune", tune_opt) : 0;
    if (o->accuracy)
        return usage_error("--tune and --accuracy exclude each other");
    if (o->check)
        return usage_error("--check cannot be used with --tune (it always checks what it "
                           "chooses)");
    if (o->format == BENCH_FORMAT_JSON)
        return usage_error("--tune writes table or csv, not json");
    return 0;
}

/* The checks that need the whole command line. */
static int check_mode(const bench_options *o, const char *timing_opt, const char *accuracy_opt,
                      int stride_given)
{
    if (o->accuracy && timing_opt)
        return usage_error("%s cannot be used with --accuracy", timing_opt);
    if (!o->accuracy && accuracy_opt)
        return usage_error("%s needs --accuracy", accuracy_opt);
    if (o->accuracy && o->format == BENCH_FORMAT_JSON)
        return usage_error("--accuracy writes table or csv, not json");
    if (o->exhaustive && stride_given)
        return usage_error("--exhaustive and --stride exclude each other (--exhaustive is "
                           "--stride 1)");
    if (o->params.beta < 0.0)
        return usage_error("--beta must be >= 0 (got %g)", o->params.beta);
    return 0;
}

int bench_parse_options(int argc, char **argv, bench_options *o)
{
    const char *timing_opt = NULL, *accuracy_opt = NULL, *tune_opt = NULL;
    int stride_given = 0;
    set_defaults(o);
    for (int i = 1; i < argc; i++) {
        char opt[32];
        const char *arg = argv[i];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        if (strncmp(arg, "-", 1) != 0 || len >= sizeof opt)
            return usage_error("unexpected argument '%s'", arg);
        memcpy(opt, arg, len);
        opt[len] = '\0';
        if (timing_only(opt) && !timing_opt)
            timing_opt = argv[i];
        if (accuracy_only(opt) && !accuracy_opt)
            accuracy_opt = argv[i];
        if (tune_only(opt) && !tune_opt)
            tune_opt = argv[i];
        stride_given |= strcmp(opt, "--stride") == 0;
        if (!takes_value(opt)) {
            if (eq || apply_flag(opt, o) != 0)
                return usage_error("unknown option '%s'", arg);
            continue;
        }
        const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!value)
            return usage_error("%s needs a value", opt);
        if (apply_valued(opt, value, o) != 0)
            return BENCH_EXIT_ERROR;
    }
    if (check_mode(o, timing_opt, accuracy_opt, stride_given) != 0 ||
        check_tune_mode(o, tune_opt) != 0)
        return BENCH_EXIT_ERROR;
    if (o->exhaustive)
        o->stride = 1;
    finish_defaults(o);
    return 0;
}
