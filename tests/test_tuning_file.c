/*
 * test_tuning_file: per-device tuning. The parser (src/tuning_file.c, linked in from the
 * library's own object) on good and damaged files; the library finding the file
 * (GOLU_TUNING_FILE, the cache folder's tuning.txt, "off"), using an entry for this device and
 * ignoring the others, ignoring a malformed file with a note and no failure; golu_set_tuning()'s
 * arguments; and forward and backward results, checked against the long-double reference, under
 * tuned vector widths 1, 4 and 16 (forward and backward different too), extreme work-group sizes
 * and group counts, at sizes and offsets that exercise the aligned and unaligned kernels and the
 * tails. Every case uses its own folder under $GOLU_TEST_SCRATCH; no user file is touched.
 */
#include "test_scratch.h"
#include "test_support.h"

#include "tuning_file.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- files and folders ----------------------------------------------------------------------- */

static void write_text(const char *path, const char *text) { ts_write_file(path, text, strlen(text)); }

static int count_entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, "golu-", 5) == 0 && strstr(e->d_name, ".bin") != NULL;
    closedir(d);
    return n;
}

/* The environment variables the cases change, put back after each. */
static char *saved_tuning, *saved_cache;

static char *dup_env(const char *name)
{
    const char *v = getenv(name);
    return v ? strdup(v) : NULL;
}

static void put_env(const char *name, const char *value)
{
    if (value)
        assert_int_equal(setenv(name, value, 1), 0);
    else
        assert_int_equal(unsetenv(name), 0);
}

static int save_env(void **state)
{
    (void)state;
    saved_tuning = dup_env("GOLU_TUNING_FILE");
    saved_cache = dup_env("GOLU_CACHE_DIR");
    return 0;
}

static int restore_env(void **state)
{
    (void)state;
    put_env("GOLU_TUNING_FILE", saved_tuning);
    put_env("GOLU_CACHE_DIR", saved_cache);
    free(saved_tuning);
    free(saved_cache);
    saved_tuning = saved_cache = NULL;
    return 0;
}

/* ---- the parser -------------------------------------------------------------------------------- */

#define ENTRY_REST " dtype=f32 pass=forward vw=16 local=1024 groups_per_cu=16 unroll=1\n"
#define GOOD_ENTRY "device=\"cpu\" driver=\"5.0\"" ENTRY_REST

static int parse_text(const char *text, size_t size, golu_tuning_table *t, char *why)
{
    return golu_tuning_parse(text, size, t, why, GOLU_TUNING_WHY_MAX);
}

static void test_parser_accepts_good_file(void **state)
{
    (void)state;
    static const char text[] =
        "# a comment\n"
        "\n"
        "   # an indented comment, CRLF\r\n"
        "golu-tuning 1\n"
        "device=\"cpu \\\"x\\\" \\\\ y #\" driver=\"5.0\" dtype=f32 pass=forward vw=16 "
        "local=1024 groups_per_cu=16 unroll=1\n"
        "\tpass=backward groups_per_cu=1 unroll=4 local=1 vw=1 dtype=bf16 driver=\"\" "
        "device=\"gpu\"  \r\n"
        "device=\"cpu \\\"x\\\" \\\\ y #\" driver=\"5.0\" dtype=f32 pass=backward vw=2 local=4096 "
        "groups_per_cu=1024 unroll=2\n"
        "device=\"\xc3\xa9t\xc3\xa9\" driver=\"5.0\" dtype=f64 pass=forward vw=8 local=2 "
        "groups_per_cu=7 unroll=1\n";
    golu_tuning_table t;
    char why[GOLU_TUNING_WHY_MAX];
    if (!parse_text(text, sizeof text - 1, &t, why))
        fail_msg("a good file was refused: %s", why);
    assert_int_equal(t.count, 4);
    assert_string_equal(t.records[0].device, "cpu \"x\" \\ y #");
    assert_string_equal(t.records[0].driver, "5.0");
    assert_int_equal(t.records[0].dtype, GOLU_F32);
    assert_int_equal(t.records[0].pass, GOLU_PASS_FORWARD);
    assert_int_equal(t.records[0].tuning.vector_width, 16);
    assert_int_equal(t.records[0].tuning.local_size, 1024);
    assert_int_equal(t.records[0].tuning.groups_per_compute_unit, 16);
    assert_int_equal(t.records[0].tuning.unroll, 1);
    assert_int_equal(t.records[0].line, 5);
    assert_string_equal(t.records[1].device, "gpu");
    assert_string_equal(t.records[1].driver, "");
    assert_int_equal(t.records[1].dtype, GOLU_BF16);
    assert_int_equal(t.records[1].pass, GOLU_PASS_BACKWARD);
    assert_int_equal(t.records[1].tuning.vector_width, 1);
    assert_int_equal(t.records[1].tuning.local_size, 1);
    assert_int_equal(t.records[1].tuning.groups_per_compute_unit, 1);
    assert_int_equal(t.records[1].tuning.unroll, 4);
    assert_int_equal(t.records[2].pass, GOLU_PASS_BACKWARD);
    assert_int_equal(t.records[2].tuning.vector_width, 2);
    assert_int_equal(t.records[2].tuning.local_size, 4096);
    assert_int_equal(t.records[2].tuning.groups_per_compute_unit, 1024);
    assert_int_equal(t.records[2].tuning.unroll, 2);
    assert_string_equal(t.records[3].device, "\xc3\xa9t\xc3\xa9");
    assert_int_equal(t.records[3].dtype, GOLU_F64);
    assert_int_equal(t.records[3].tuning.groups_per_compute_unit, 7);
    golu_tuning_table_free(&t);

    /* A header alone is a valid, empty file. */
    assert_true(parse_text("golu-tuning 1\n", 14, &t, why));
    assert_int_equal(t.count, 0);
    golu_tuning_table_free(&t);
}

typedef struct {
    const char *name;
    const char *text;
    size_t size; /* 0: strlen(text) */
    const char *reason; /* a part of the expected reason */
} damaged_case;

static const damaged_case damaged[] = {
    {"empty", "", 0, "no header line 'golu-tuning 1' (empty file)"},
    {"comments only", "# nothing\n\n", 0, "no header line"},
    {"no header", GOOD_ENTRY, 0, "line 1: expected the header 'golu-tuning 1'"},
    {"version 2", "golu-tuning 2\n" GOOD_ENTRY, 0, "line 1: format version '2'"},
    {"text after header", "golu-tuning 1 x\n", 0, "line 1: text after the header"},
    {"second header", "golu-tuning 1\ngolu-tuning 1\n", 0, "line 2: 'golu-tuning': expected"},
    {"cut after a digit", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward "
                          "vw=1", 0, "line 2: no newline at the end (a cut file?)"},
    {"cut in a string", "golu-tuning 1\ndevice=\"cp", 0, "no newline at the end"},
    {"binary garbage", "golu-tuning 1\n\x7f" "ELF\x02\x01\x01\x00\x00\xff\xfe\n", 26,
     "line 2: control byte 0x7f"},
    {"NUL byte", "golu-tuning 1\n# a \0 b\n", 22, "line 2: control byte 0x00 at column 5"},
    {"huge number", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward "
                    "vw=99999999999999999999 local=1 groups_per_cu=1 unroll=1\n", 0,
     "vw=99999999999999999999: expected a decimal number"},
    {"vw=3", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=3 local=1 "
             "groups_per_cu=1 unroll=1\n", 0, "line 2: vw=3: expected 1, 2, 4, 8 or 16"},
    {"vw=32", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=32 "
              "local=1 groups_per_cu=1 unroll=1\n", 0, "vw=32: expected 1, 2, 4, 8 or 16"},
    {"vw=0", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=0 local=1 "
             "groups_per_cu=1 unroll=1\n", 0, "vw=0: expected 1, 2, 4, 8 or 16"},
    {"local=1000", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                   "local=1000 groups_per_cu=1 unroll=1\n", 0, "local=1000: expected a power of two"},
    {"local=8192", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                   "local=8192 groups_per_cu=1 unroll=1\n", 0, "local=8192: expected a power of two"},
    {"groups 0", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                 "local=8 groups_per_cu=0 unroll=1\n", 0, "groups_per_cu=0: expected 1 to 1024"},
    {"groups 1025", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                    "local=8 groups_per_cu=1025 unroll=1\n", 0,
     "groups_per_cu=1025: expected 1 to 1024"},
    {"unroll=3", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                 "local=8 groups_per_cu=1 unroll=3\n", 0, "line 2: unroll=3: expected 1, 2 or 4"},
    {"unroll=0", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                 "local=8 groups_per_cu=1 unroll=0\n", 0, "unroll=0: expected 1, 2 or 4"},
    {"unroll=8", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                 "local=8 groups_per_cu=1 unroll=8\n", 0, "unroll=8: expected 1, 2 or 4"},
    {"unroll=02", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                  "local=8 groups_per_cu=1 unroll=02\n", 0, "unroll=02: expected a decimal"},
    {"no unroll (an entry of before the key)",
     "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 local=8 "
     "groups_per_cu=1\n", 0, "line 2: no unroll"},
    {"unroll twice", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                     "local=8 unroll=2 groups_per_cu=1 unroll=2\n", 0,
     "line 2: unroll given twice"},
    {"leading zero", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=04 "
                     "local=8 groups_per_cu=1 unroll=1\n", 0, "vw=04: expected a decimal number"},
    {"sign", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=+4 "
             "local=8 groups_per_cu=1 unroll=1\n", 0, "vw=+4: expected a decimal number"},
    {"hex", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
            "local=0x10 groups_per_cu=1 unroll=1\n", 0, "local=0x10: expected a decimal number"},
    {"unknown key", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                    "local=8 groups_per_cu=1 epi=4\n", 0, "line 2: unknown key 'epi'"},
    {"missing key", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                    "groups_per_cu=1 unroll=1\n", 0, "line 2: no local"},
    {"repeated key", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 "
                     "vw=4 local=8 groups_per_cu=1 unroll=1\n", 0, "line 2: vw given twice"},
    {"duplicate entry", "golu-tuning 1\n" GOOD_ENTRY "# again:\n"
                        "device=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw=4 local=8 "
                        "groups_per_cu=1 unroll=1\n", 0,
     "line 4: a second entry for this device, driver, dtype f32 and pass forward (the first is "
     "on line 2)"},
    {"bad dtype", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f8 pass=forward vw=4 "
                  "local=8 groups_per_cu=1 unroll=1\n", 0, "dtype=f8: expected f32, f16, bf16 or f64"},
    {"bad pass", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=fwd vw=4 local=8 "
                 "groups_per_cu=1 unroll=1\n", 0, "pass=fwd: expected forward or backward"},
    {"bad escape", "golu-tuning 1\ndevice=\"c\\n\" driver=\"5.0\"" ENTRY_REST, 0,
     "device: only \\\" and \\\\ are escapes"},
    {"no closing quote", "golu-tuning 1\ndevice=\"cpu\n", 0, "device: no closing quote"},
    {"unquoted", "golu-tuning 1\ndevice=cpu driver=\"5.0\"" ENTRY_REST, 0,
     "device: expected a quoted string"},
    {"glued values", "golu-tuning 1\ndevice=\"cpu\"driver=\"5.0\"" ENTRY_REST, 0,
     "device: expected a space after the value"},
    {"no value", "golu-tuning 1\ndevice=\"cpu\" driver=\"5.0\" dtype=f32 pass=forward vw "
                 "local=8 groups_per_cu=1 unroll=1\n", 0, "'vw': expected key=value"},
    {"control byte in a string", "golu-tuning 1\ndevice=\"c\x01pu\" driver=\"5.0\"" ENTRY_REST, 0,
     "line 2: control byte 0x01"},
    {"lone CR", "golu-tuning 1\r\r\n", 0, "line 1: control byte 0x0d"},
    {"tab in a string", "golu-tuning 1\ndevice=\"c\tpu\" driver=\"5.0\"" ENTRY_REST, 0,
     "line 2: device: a tab inside the string"},
    {"one bad line among good ones", "golu-tuning 1\n" GOOD_ENTRY
                                     "device=\"gpu\" driver=\"1\" dtype=f16 pass=backward vw=4 "
                                     "local=64 groups_per_cu=8 unroll=1\n"
                                     "device=\"gpu\" driver=\"1\" dtype=f16 pass=forward vw=4 "
                                     "local=64 groups_per_cu=8 unroll=1 \n"
                                     "device=\"gpu\" driver=\"1\" dtype=f32 pass=forward vw=12 "
                                     "local=64 groups_per_cu=8 unroll=1\n", 0, "line 5: vw=12"},
};

static void expect_refused(const char *name, const char *text, size_t size, const char *reason)
{
    golu_tuning_table t;
    char why[GOLU_TUNING_WHY_MAX];
    memset(why, 'x', sizeof why);
    if (parse_text(text, size, &t, why)) {
        golu_tuning_table_free(&t);
        fail_msg("%s: a damaged file was accepted", name);
    }
    assert_null(t.records);
    assert_int_equal(t.count, 0);
    if (!strstr(why, reason))
        fail_msg("%s: reason \"%s\" lacks \"%s\"", name, why, reason);
}

static void test_parser_refuses_damage(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof damaged / sizeof damaged[0]; i++) {
        const damaged_case *c = &damaged[i];
        expect_refused(c->name, c->text, c->size ? c->size : strlen(c->text), c->reason);
    }
}

/* Limits: strings, lines and entries one past the largest allowed are refused; at the limit
 * they are accepted. */
static void test_parser_limits(void **state)
{
    (void)state;
    golu_tuning_table t;
    char why[GOLU_TUNING_WHY_MAX];
    /* static, not malloc'd: GCC's -Warray-bounds takes a checked malloc for one that failed */
    static char text[32 + (GOLU_TUNING_ENTRIES_MAX + 1) * 96];
    size_t cap = sizeof text;
    for (int extra = 0; extra <= 1; extra++) {
        char name[GOLU_TUNING_STRING_MAX + 2];
        memset(name, 'n', sizeof name);
        name[GOLU_TUNING_STRING_MAX + extra] = '\0';
        snprintf(text, cap, "golu-tuning 1\ndevice=\"%s\" driver=\"5\"" ENTRY_REST, name);
        int ok = parse_text(text, strlen(text), &t, why);
        assert_int_equal(ok, !extra);
        if (ok)
            assert_int_equal(strlen(t.records[0].device), GOLU_TUNING_STRING_MAX);
        else
            assert_non_null(strstr(why, "device: longer than 1024 bytes"));
        golu_tuning_table_free(&t);

        size_t len = (size_t)GOLU_TUNING_LINE_MAX + (size_t)extra;
        memcpy(text, "golu-tuning 1\n#", 15);
        memset(text + 15, 'c', len - 1);
        memcpy(text + 14 + len, "\n", 2);
        ok = parse_text(text, strlen(text), &t, why);
        assert_int_equal(ok, !extra);
        if (!ok)
            assert_non_null(strstr(why, "line 2: longer than 8192 bytes"));
        golu_tuning_table_free(&t);
        /* the same line ended by CRLF: the CR is not part of the line */
        memcpy(text + 14 + len, "\r\n", 3);
        ok = parse_text(text, strlen(text), &t, why);
        assert_int_equal(ok, !extra);
        golu_tuning_table_free(&t);
    }

    /* GOLU_TUNING_ENTRIES_MAX distinct entries (each under 96 bytes) pass; one more does not. */
    size_t k = (size_t)snprintf(text, cap, "golu-tuning 1\n");
    for (int i = 0; i < GOLU_TUNING_ENTRIES_MAX; i++)
        k += (size_t)snprintf(text + k, cap - k, "device=\"d%d\" driver=\"1\"" ENTRY_REST, i);
    assert_true(parse_text(text, k, &t, why));
    assert_int_equal(t.count, GOLU_TUNING_ENTRIES_MAX);
    golu_tuning_table_free(&t);
    k += (size_t)snprintf(text + k, cap - k, "device=\"last\" driver=\"1\"" ENTRY_REST);
    expect_refused("one entry too many", text, k, "more than 4096 entries");
}

/* Random bytes, and random damage to a good file: never a crash (ASan/valgrind in CI watch the
 * reads), and whatever is accepted has only valid values. */
static void test_parser_random_bytes(void **state)
{
    (void)state;
    static const char good[] = "golu-tuning 1\n" GOOD_ENTRY
                               "device=\"gpu\" driver=\"1\" dtype=f16 pass=backward vw=4 local=64 "
                               "groups_per_cu=8 unroll=1\n";
    uint64_t s = 0x7e57ull;
    char buf[sizeof good + 64];
    for (int round = 0; round < 20000; round++) {
        size_t size;
        if (round % 2) {
            size = golu_rand_next(&s) % sizeof buf;
            for (size_t i = 0; i < size; i++)
                buf[i] = (char)golu_rand_next(&s);
        } else {
            size = sizeof good - 1;
            memcpy(buf, good, size);
            int flips = 1 + (int)(golu_rand_next(&s) % 3);
            for (int f = 0; f < flips; f++)
                buf[golu_rand_next(&s) % size] = (char)golu_rand_next(&s);
            if (golu_rand_next(&s) % 4 == 0)
                size = golu_rand_next(&s) % size;
        }
        golu_tuning_table t;
        char why[GOLU_TUNING_WHY_MAX];
        if (parse_text(buf, size, &t, why)) {
            for (size_t i = 0; i < t.count; i++)
                assert_true(golu_tuning_check(&t.records[i].tuning, why, sizeof why));
            golu_tuning_table_free(&t);
        } else {
            assert_true(why[0] != '\0');
        }
    }
}

/* What the writer produces parses back to the same records; what it cannot write it refuses. */
static void test_writer_round_trip(void **state)
{
    (void)state;
    golu_tuning_record in[3] = {
        {"cpu \"quoted\" \\ back", "PoCL 5.0+debian", GOLU_F32, GOLU_PASS_FORWARD, {16, 1024, 16, 1},
         0},
        {"cpu \"quoted\" \\ back", "PoCL 5.0+debian", GOLU_F32, GOLU_PASS_BACKWARD, {1, 1, 1, 4},
         0},
        {"NVIDIA H200", "", GOLU_BF16, GOLU_PASS_BACKWARD, {8, 4096, 1024, 2}, 0},
    };
    size_t size = 0;
    char why[GOLU_TUNING_WHY_MAX];
    char *text = golu_tuning_format(in, 3, &size, why, sizeof why);
    assert_non_null(text);
    assert_int_equal(strlen(text), size);
    golu_tuning_table t;
    if (!parse_text(text, size, &t, why))
        fail_msg("the writer's output was refused: %s\n%s", why, text);
    assert_int_equal(t.count, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(t.records[i].device, in[i].device);
        assert_string_equal(t.records[i].driver, in[i].driver);
        assert_int_equal(t.records[i].dtype, in[i].dtype);
        assert_int_equal(t.records[i].pass, in[i].pass);
        assert_memory_equal(&t.records[i].tuning, &in[i].tuning, sizeof in[i].tuning);
    }
    golu_tuning_table_free(&t);
    free(text);

    golu_tuning_record bad = in[0];
    bad.device = "two\nlines";
    assert_null(golu_tuning_format(&bad, 1, &size, why, sizeof why));
    assert_non_null(strstr(why, "control byte 0x0a"));
    bad = in[0];
    bad.tuning.local_size = 48;
    assert_null(golu_tuning_format(&bad, 1, &size, why, sizeof why));
    assert_non_null(strstr(why, "local=48"));
    bad = in[0];
    bad.tuning.unroll = 3;
    assert_null(golu_tuning_format(&bad, 1, &size, why, sizeof why));
    assert_non_null(strstr(why, "unroll=3"));
    golu_tuning_record twice[2] = {in[0], in[0]};
    assert_null(golu_tuning_format(twice, 2, &size, why, sizeof why));
    assert_non_null(strstr(why, "repeats"));
}

/* ---- the library and the file -------------------------------------------------------------------- */

static ts_env env; /* the device, its cl_context and queue (its own golu_context is not used) */
static char dev_name[GOLU_TUNING_STRING_MAX + 1], dev_driver[GOLU_TUNING_STRING_MAX + 1];

static int group_setup(void **state)
{
    (void)state;
    ts_env_init(&env);
    ts_cl_check(clGetDeviceInfo(env.device, CL_DEVICE_NAME, sizeof dev_name, dev_name, NULL));
    ts_cl_check(clGetDeviceInfo(env.device, CL_DRIVER_VERSION, sizeof dev_driver, dev_driver,
                                NULL));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    ts_env_free(&env);
    return 0;
}

/* A golu_context on the env's device, created now (it reads the tuning file now). */
static golu_context *new_context(void)
{
    golu_context *ctx = NULL;
    golu_status st = golu_context_create(env.cl_ctx, 1, &env.device, &ctx);
    if (st != GOLU_OK)
        fail_msg("golu_context_create: %s (%s)", golu_status_name(st), golu_last_create_detail());
    return ctx;
}

/* An entry line for this device (driver NULL: this device's driver). */
static void entry_line(char *out, size_t cap, const char *name, const char *driver,
                       golu_dtype dtype, golu_pass pass, unsigned vw, unsigned local,
                       unsigned groups, unsigned unroll)
{
    golu_tuning_record r = {name ? name : dev_name, driver ? driver : dev_driver, dtype, pass,
                            {vw, local, groups, unroll}, 0};
    size_t size;
    char why[GOLU_TUNING_WHY_MAX];
    char *text = golu_tuning_format(&r, 1, &size, why, sizeof why);
    if (!text)
        fail_msg("golu_tuning_format: %s", why);
    const char *line = strstr(text, "\ndevice=");
    assert_non_null(line);
    snprintf(out, cap, "%s", line + 1);
    free(text);
}

static void expect_tuning(golu_context *ctx, golu_dtype dtype, golu_pass pass,
                          golu_tuning_source want_source, unsigned vw, unsigned local,
                          unsigned groups, unsigned unroll)
{
    golu_tuning t;
    golu_tuning_source source;
    ts_assert_status(ctx, golu_get_tuning(ctx, env.device, dtype, pass, &t, &source), GOLU_OK);
    if (source != want_source || t.vector_width != vw || t.local_size != local ||
        t.groups_per_compute_unit != groups || t.unroll != unroll)
        fail_msg("%s %s: got source %d vw %u local %u groups %u unroll %u, expected %d %u %u %u "
                 "%u",
                 golu_dtype_name(dtype), golu_tuning_pass_name(pass), (int)source,
                 t.vector_width, t.local_size, t.groups_per_compute_unit, t.unroll,
                 (int)want_source, vw, local, groups, unroll);
}

/* The built-in configuration of (dtype, pass), from a context that reads no file. */
static golu_tuning builtin(golu_dtype dtype, golu_pass pass)
{
    char *old = dup_env("GOLU_TUNING_FILE");
    put_env("GOLU_TUNING_FILE", "off");
    golu_context *ctx = new_context();
    golu_tuning t;
    golu_tuning_source source;
    ts_assert_status(ctx, golu_get_tuning(ctx, env.device, dtype, pass, &t, &source), GOLU_OK);
    assert_int_equal(source, GOLU_TUNING_BUILTIN);
    assert_true(golu_tuning_check(&t, NULL, 0));
    golu_context_destroy(ctx);
    put_env("GOLU_TUNING_FILE", old);
    free(old);
    return t;
}

/* ---- running and checking ---------------------------------------------------------------------- */

/* The blending variants over `out` holding `old`: s * value + t * old, checked element by element.
 * @return : the number of elements outside the bound. */
static size_t run_blend(golu_context *ctx, golu_dtype dt, int backward, size_t n, size_t off,
                        cl_mem bx, cl_mem bdy, cl_mem bout, const void *x, const void *dy,
                        const void *old, void *out, const char *label)
{
    const size_t es = golu_dtype_size(dt);
    const golu_blend blend = {0.75, -1.5};
    ts_write(&env, bout, off * es, n * es, old);
    golu_status st =
        backward ? golu_enqueue_backward_blend(ctx, env.queue, dt, n, bdy, off, bx, off, bout, off,
                                               NULL, &blend, 0, NULL, NULL)
                 : golu_enqueue_forward_blend(ctx, env.queue, dt, n, bx, off, bout, off, NULL,
                                              &blend, 0, NULL, NULL);
    ts_assert_status(ctx, st, GOLU_OK);
    ts_read(&env, bout, off * es, n * es, out);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        double xv = ts_get(dt, x, i), dyv = backward ? ts_get(dt, dy, i) : 0.0;
        double ov = ts_get(dt, old, i), gv = ts_get(dt, out, i);
        golu_check_result r = golu_check_blend((golu_ref_format)dt, backward, xv, dyv, ov, gv,
                                               blend.s, blend.t, 1.0, 1.0, 1.0);
        if (!r.ok && ++bad <= 5)
            print_message("%s blend [%zu]: x=%.9g dy=%.9g old=%.9g got=%.9g ref=%.17g\n", label,
                          i, xv, dyv, ov, gv, r.ref);
    }
    return bad;
}

/* Forward and backward of n elements at element offset `off` in every array (so that off = 0 runs
 * the aligned kernels and an odd off the unaligned ones), plain and blending, checked element by
 * element. */
static void run_and_check(golu_context *ctx, golu_dtype dt, size_t n, size_t off, const char *what)
{
    const size_t es = golu_dtype_size(dt);
    void *x = ts_alloc(dt, n), *dy = ts_alloc(dt, n), *out = ts_alloc(dt, n);
    void *old = ts_alloc(dt, n);
    ts_fill_uniform(dt, x, n, -12.0, 12.0, 0x7a11u + n + off);
    ts_fill_uniform(dt, dy, n, -3.0, 3.0, 0xd1u + n);
    ts_fill_uniform(dt, old, n, -4.0, 4.0, 0x01du + n * 5);
    cl_mem bx = ts_buffer(&env, (off + n) * es), bdy = ts_buffer(&env, (off + n) * es);
    cl_mem bout = ts_buffer(&env, (off + n) * es);
    ts_write(&env, bx, off * es, n * es, x);
    ts_write(&env, bdy, off * es, n * es, dy);
    char label[200];
    for (int backward = 0; backward <= 1; backward++) {
        golu_status st =
            backward ? golu_enqueue_backward(ctx, env.queue, dt, n, bdy, off, bx, off, bout, off,
                                             NULL, 0, NULL, NULL)
                     : golu_enqueue_forward(ctx, env.queue, dt, n, bx, off, bout, off, NULL, 0,
                                            NULL, NULL);
        ts_assert_status(ctx, st, GOLU_OK);
        ts_read(&env, bout, off * es, n * es, out);
        snprintf(label, sizeof label, "%s n=%zu off=%zu", what, n, off);
        size_t bad = ts_check(dt, backward, n, x, backward ? dy : NULL, out, NULL, NULL, label);
        if (bad)
            fail_msg("%s: %zu of %zu %s results outside the bound", label, bad, n,
                     backward ? "backward" : "forward");
        bad = run_blend(ctx, dt, backward, n, off, bx, bdy, bout, x, dy, old, out, label);
        if (bad)
            fail_msg("%s: %zu of %zu %s blend results outside the bound", label, bad, n,
                     backward ? "backward" : "forward");
    }
    clReleaseMemObject(bx);
    clReleaseMemObject(bdy);
    clReleaseMemObject(bout);
    free(x);
    free(dy);
    free(out);
    free(old);
}

/* Sizes around the vector widths and a few grid-stride rounds; offsets aligned and not. */
static void run_sizes(golu_context *ctx, golu_dtype dt, const char *what)
{
    const size_t sizes[] = {1, 15, 16, 17, 4099, ts_size(65537, 3001)};
    const size_t offsets[] = {0, 3};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (size_t o = 0; o < 2; o++)
            run_and_check(ctx, dt, sizes[i], offsets[o], what);
}

/* ---- the library finds and uses the file ------------------------------------------------------ */

static void test_entry_for_this_device_is_used(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX + 16], line[4][4096], text[20000];
    ts_scratch_dir("test_tuning_file.scratch", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/my-tuning.txt", dir);
    entry_line(line[0], sizeof line[0], NULL, NULL, GOLU_F32, GOLU_PASS_FORWARD, 4, 64, 8, 2);
    entry_line(line[1], sizeof line[1], NULL, NULL, GOLU_F32, GOLU_PASS_BACKWARD, 1, 128, 4,
               4);
    /* Another device, and this device under another driver version: neither applies. */
    entry_line(line[2], sizeof line[2], "not this device", NULL, GOLU_F16, GOLU_PASS_FORWARD, 2,
               2, 2, 1);
    entry_line(line[3], sizeof line[3], NULL, "another driver", GOLU_F16, GOLU_PASS_BACKWARD, 2,
               2, 2, 1);
    snprintf(text, sizeof text, "# test\ngolu-tuning 1\n%s%s%s%s", line[0], line[1], line[2],
             line[3]);
    write_text(path, text);
    put_env("GOLU_TUNING_FILE", path);

    golu_context *ctx = new_context();
    assert_string_equal(golu_context_tuning_file(ctx), path);
    assert_string_equal(golu_context_tuning_note(ctx), "");
    expect_tuning(ctx, GOLU_F32, GOLU_PASS_FORWARD, GOLU_TUNING_FILE, 4, 64, 8, 2);
    expect_tuning(ctx, GOLU_F32, GOLU_PASS_BACKWARD, GOLU_TUNING_FILE, 1, 128, 4, 4);
    for (int p = 0; p < 2; p++) {
        golu_tuning b = builtin(GOLU_F16, (golu_pass)p);
        expect_tuning(ctx, GOLU_F16, (golu_pass)p, GOLU_TUNING_BUILTIN, b.vector_width,
                      b.local_size, b.groups_per_compute_unit, b.unroll);
    }
    run_sizes(ctx, GOLU_F32, "file f32 fwd vw4 unroll2 / bwd vw1 unroll4");
    run_sizes(ctx, GOLU_F16, "file f16 (built-in)");
    assert_string_equal(golu_context_detail(ctx), "");
    golu_context_destroy(ctx);
}

/* Without GOLU_TUNING_FILE the cache folder's tuning.txt is read; "off", "OFF" and "0" read
 * nothing; with the cache off there is no default file; a missing default file says nothing. */
static void test_location_and_off(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX + 16], line[4096], text[8192];
    ts_scratch_dir("test_tuning_file.scratch", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/tuning.txt", dir);
    put_env("GOLU_CACHE_DIR", dir);
    put_env("GOLU_TUNING_FILE", NULL);

    golu_context *ctx = new_context(); /* no file yet: silence, built-in */
    assert_string_equal(golu_context_tuning_file(ctx), path);
    assert_string_equal(golu_context_tuning_note(ctx), "");
    golu_tuning b = builtin(GOLU_F32, GOLU_PASS_BACKWARD);
    expect_tuning(ctx, GOLU_F32, GOLU_PASS_BACKWARD, GOLU_TUNING_BUILTIN, b.vector_width,
                  b.local_size, b.groups_per_compute_unit, b.unroll);
    golu_context_destroy(ctx);

    entry_line(line, sizeof line, NULL, NULL, GOLU_F32, GOLU_PASS_BACKWARD, 2, 32, 3, 2);
    snprintf(text, sizeof text, "golu-tuning 1\n%s", line);
    write_text(path, text);
    put_env("GOLU_TUNING_FILE", ""); /* empty counts as unset */
    ctx = new_context();
    assert_string_equal(golu_context_tuning_file(ctx), path);
    expect_tuning(ctx, GOLU_F32, GOLU_PASS_BACKWARD, GOLU_TUNING_FILE, 2, 32, 3, 2);
    run_and_check(ctx, GOLU_F32, 1001, 1, "default location");
    golu_context_destroy(ctx);

    const char *offs[] = {"off", "OFF", "0"};
    for (int i = 0; i < 3; i++) {
        put_env("GOLU_TUNING_FILE", offs[i]);
        ctx = new_context();
        assert_string_equal(golu_context_tuning_file(ctx), "");
        assert_string_equal(golu_context_tuning_note(ctx), "");
        expect_tuning(ctx, GOLU_F32, GOLU_PASS_BACKWARD, GOLU_TUNING_BUILTIN, b.vector_width,
                      b.local_size, b.groups_per_compute_unit, b.unroll);
        golu_context_destroy(ctx);
    }

    put_env("GOLU_TUNING_FILE", NULL);
    put_env("GOLU_CACHE_DIR", "off");
    ctx = new_context();
    assert_string_equal(golu_context_tuning_file(ctx), "");
    expect_tuning(ctx, GOLU_F32, GOLU_PASS_BACKWARD, GOLU_TUNING_BUILTIN, b.vector_width,
                  b.local_size, b.groups_per_compute_unit, b.unroll);
    golu_context_destroy(ctx);
}

/* A file that cannot be used: built-in tuning, a note that says why, no failure, right results. */
static void expect_ignored(const char *path, const char *note_part)
{
    put_env("GOLU_TUNING_FILE", path);
    golu_context *ctx = new_context();
    const char *note = golu_context_tuning_note(ctx);
    if (!strstr(note, note_part) || strncmp(note, path, strlen(path)) != 0)
        fail_msg("note \"%s\" lacks the path or \"%s\"", note, note_part);
    golu_tuning b = builtin(GOLU_F32, GOLU_PASS_FORWARD);
    expect_tuning(ctx, GOLU_F32, GOLU_PASS_FORWARD, GOLU_TUNING_BUILTIN, b.vector_width,
                  b.local_size, b.groups_per_compute_unit, b.unroll);
    run_and_check(ctx, GOLU_F32, 333, 0, "ignored file");
    assert_string_equal(golu_context_detail(ctx), ""); /* not a failure */
    golu_context_destroy(ctx);
}

static void test_malformed_file_is_ignored(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX + 32], good[4096], text[16384];
    ts_scratch_dir("test_tuning_file.scratch", dir, sizeof dir);
    entry_line(good, sizeof good, NULL, NULL, GOLU_F32, GOLU_PASS_FORWARD, 1, 2, 3, 1);

    /* A good entry for this device, then a bad line: the good one is not used either. */
    snprintf(path, sizeof path, "%s/bad-vw.txt", dir);
    snprintf(text, sizeof text, "golu-tuning 1\n%sdevice=\"x\" driver=\"y\" dtype=f32 "
             "pass=forward vw=3 local=1 groups_per_cu=1 unroll=1\n", good);
    write_text(path, text);
    expect_ignored(path, ": line 3: vw=3: expected 1, 2, 4, 8 or 16; file ignored");

    /* Cut short: the last line has lost its newline (and its last digit). */
    snprintf(path, sizeof path, "%s/cut.txt", dir);
    snprintf(text, sizeof text, "golu-tuning 1\n%s", good);
    ts_write_file(path, text, strlen(text) - 2);
    expect_ignored(path, "line 2: no newline at the end (a cut file?); file ignored");

    /* Binary garbage. */
    snprintf(path, sizeof path, "%s/garbage.bin", dir);
    unsigned char junk[4096];
    uint64_t s = 99;
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)golu_rand_next(&s);
    ts_write_file(path, junk, sizeof junk);
    expect_ignored(path, "; file ignored");

    /* A huge number, and a duplicate entry. */
    snprintf(path, sizeof path, "%s/huge.txt", dir);
    snprintf(text, sizeof text, "golu-tuning 1\ndevice=\"x\" driver=\"y\" dtype=f32 pass=forward "
             "vw=4 local=1 groups_per_cu=18446744073709551617 unroll=1\n");
    write_text(path, text);
    expect_ignored(path, "groups_per_cu=18446744073709551617: expected a decimal number");
    snprintf(path, sizeof path, "%s/duplicate.txt", dir);
    snprintf(text, sizeof text, "golu-tuning 1\n%s%s", good, good);
    write_text(path, text);
    expect_ignored(path, "line 3: a second entry");

    /* Over the size cap (a valid file otherwise: comment lines). */
    snprintf(path, sizeof path, "%s/large.txt", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("golu-tuning 1\n", f);
    for (int i = 0; i < 20000; i++)
        fputs("# padding padding padding padding padding padding padding padding\n", f);
    fclose(f);
    expect_ignored(path, "larger than 1048576 bytes; ignored");

    /* Not regular files: a folder, and a FIFO, which must not block the context's creation. */
    expect_ignored(dir, "not a regular file; ignored");
    snprintf(path, sizeof path, "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    expect_ignored(path, "not a regular file; ignored");

    /* Named but missing: a note (at the default location it would be silence). */
    snprintf(path, sizeof path, "%s/missing.txt", dir);
    expect_ignored(path, "cannot open: No such file or directory; ignored");
}

static void test_set_tuning_arguments(void **state)
{
    (void)state;
    put_env("GOLU_TUNING_FILE", "off");
    golu_context *ctx = new_context();
    golu_tuning ok = {4, 64, 8, 2}, t;
    assert_int_equal(golu_set_tuning(NULL, env.device, GOLU_F32, GOLU_PASS_FORWARD, &ok),
                     GOLU_ERROR_NULL_ARGUMENT);
    ts_assert_status(ctx, golu_set_tuning(ctx, NULL, GOLU_F32, GOLU_PASS_FORWARD, &ok),
                     GOLU_ERROR_NULL_ARGUMENT);
    ts_assert_status(ctx, golu_set_tuning(ctx, env.device, (golu_dtype)4, GOLU_PASS_FORWARD, &ok),
                     GOLU_ERROR_INVALID_DTYPE);
    ts_assert_status(ctx, golu_set_tuning(ctx, env.device, GOLU_F32, (golu_pass)2, &ok),
                     GOLU_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(golu_context_detail(ctx), "pass 2"));
    /* Unroll 0 is also what a configuration written before the field existed holds. */
    const golu_tuning bad[] = {{3, 64, 8, 1}, {0, 64, 8, 1},    {32, 64, 8, 1}, {4, 0, 8, 1},
                               {4, 96, 8, 1}, {4, 8192, 8, 1},  {4, 64, 0, 1},  {4, 64, 1025, 1},
                               {4, 64, 8, 0}, {4, 64, 8, 3},    {4, 64, 8, 8}};
    const char *why[] = {"vw=3",     "vw=0",       "vw=32",           "local=0",
                         "local=96", "local=8192", "groups_per_cu=0", "groups_per_cu=1025",
                         "unroll=0: expected 1, 2 or 4", "unroll=3", "unroll=8"};
    for (int i = 0; i < 11; i++) {
        ts_assert_status(ctx, golu_set_tuning(ctx, env.device, GOLU_F32, GOLU_PASS_FORWARD,
                                              &bad[i]),
                         GOLU_ERROR_INVALID_ARGUMENT);
        assert_non_null(strstr(golu_context_detail(ctx), why[i]));
    }
    cl_device_id stranger = (cl_device_id)(uintptr_t)0x1000; /* never dereferenced: compared */
    ts_assert_status(ctx, golu_set_tuning(ctx, stranger, GOLU_F32, GOLU_PASS_FORWARD, &ok),
                     GOLU_ERROR_DEVICE_NOT_IN_CONTEXT);
    assert_int_equal(golu_get_tuning(NULL, env.device, GOLU_F32, GOLU_PASS_FORWARD, &t, NULL),
                     GOLU_ERROR_NULL_ARGUMENT);
    ts_assert_status(ctx, golu_get_tuning(ctx, env.device, GOLU_F32, GOLU_PASS_FORWARD, NULL,
                                          NULL),
                     GOLU_ERROR_NULL_ARGUMENT);
    ts_assert_status(ctx, golu_get_tuning(ctx, env.device, (golu_dtype)-1, GOLU_PASS_FORWARD, &t,
                                          NULL),
                     GOLU_ERROR_INVALID_DTYPE);
    ts_assert_status(ctx, golu_get_tuning(ctx, stranger, GOLU_F32, GOLU_PASS_FORWARD, &t, NULL),
                     GOLU_ERROR_DEVICE_NOT_IN_CONTEXT);

    /* A refused call changed nothing; an accepted one shows, and NULL goes back. */
    golu_tuning b = builtin(GOLU_F32, GOLU_PASS_FORWARD);
    expect_tuning(ctx, GOLU_F32, GOLU_PASS_FORWARD, GOLU_TUNING_BUILTIN, b.vector_width,
                  b.local_size, b.groups_per_compute_unit, b.unroll);
    ts_assert_status(ctx, golu_set_tuning(ctx, env.device, GOLU_F32, GOLU_PASS_FORWARD, &ok),
                     GOLU_OK);
    expect_tuning(ctx, GOLU_F32, GOLU_PASS_FORWARD, GOLU_TUNING_FORCED, 4, 64, 8, 2);
    ts_assert_status(ctx, golu_set_tuning(ctx, env.device, GOLU_F32, GOLU_PASS_FORWARD, NULL),
                     GOLU_OK);
    expect_tuning(ctx, GOLU_F32, GOLU_PASS_FORWARD, GOLU_TUNING_BUILTIN, b.vector_width,
                  b.local_size, b.groups_per_compute_unit, b.unroll);
    golu_context_destroy(ctx);
}

/* ---- results under tuned configurations ------------------------------------------------------- */

typedef struct {
    golu_tuning forward, backward;
} pass_pair;

/* Vector widths 1, 4, 16 and unrolls 1, 2, 4 (forward and backward alike and different), a
 * single work-item in all, the largest work-group and group count, and odd group counts. Small
 * grids make the sizes of run_sizes() take many loop steps: unrolled ones, then the plain ones
 * that finish (0 to unroll - 1 of them), then the tail elements. */
static const pass_pair configs[] = {
    {{1, 1, 1, 1}, {1, 1, 1, 4}},
    {{4, 64, 4, 2}, {4, 256, 128, 2}},
    {{16, 4096, 1024, 4}, {16, 1024, 16, 1}},
    {{16, 32, 2, 2}, {1, 2, 3, 4}},
    {{1, 128, 7, 4}, {4, 16, 64, 2}},
    {{4, 8, 1, 4}, {4, 8, 1, 4}},
};

/* Each distinct (vw, unroll) is a program compile on PoCL: seconds each natively, tens of seconds
 * under AddressSanitizer (LLVM's allocations through ASan's allocator). The sanitizer build (CI's
 * asan stage, which is there for memory errors) runs the first two configurations on f32 only;
 * the plain build (`meson test`) runs them all. */
#define TUNED_CONFIGS (TS_UNDER_ASAN ? (size_t)2 : sizeof configs / sizeof configs[0])
#define TUNED_F32_ONLY TS_UNDER_ASAN

static void test_results_under_forced_tuning(void **state)
{
    (void)state;
    put_env("GOLU_TUNING_FILE", "off");
    golu_context *ctx = new_context();
    for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
        golu_dtype dt = ts_all_dtypes[d];
        if (!ts_dtype_ok(&env, dt)) {
            print_message("skipping %s: the device does not support it\n", golu_dtype_name(dt));
            continue;
        }
        if (TUNED_F32_ONLY && dt != GOLU_F32)
            continue;
        for (size_t c = 0; c < TUNED_CONFIGS; c++) {
            /* f32 under every configuration, the other dtypes under every other one (in turn,
             * so each configuration still meets three dtypes): each distinct (vw, unroll) is a
             * program compile of its own, seconds each on PoCL on 2 cores. */
            if (dt != GOLU_F32 && (c + (size_t)d) % 2 != 0)
                continue;
            const pass_pair *p = &configs[c];
            ts_assert_status(ctx, golu_set_tuning(ctx, env.device, dt, GOLU_PASS_FORWARD,
                                                  &p->forward), GOLU_OK);
            ts_assert_status(ctx, golu_set_tuning(ctx, env.device, dt, GOLU_PASS_BACKWARD,
                                                  &p->backward), GOLU_OK);
            char what[128];
            snprintf(what, sizeof what, "forced fwd {%u,%u,%u,%u} bwd {%u,%u,%u,%u}",
                     p->forward.vector_width, p->forward.local_size,
                     p->forward.groups_per_compute_unit, p->forward.unroll,
                     p->backward.vector_width, p->backward.local_size,
                     p->backward.groups_per_compute_unit, p->backward.unroll);
            run_sizes(ctx, dt, what);
        }
    }
    golu_context_destroy(ctx);
}

/* The same through the file, for each dtype; and the two passes share one program (one cache
 * entry) when their vector widths and unrolls agree, two otherwise. */
static void test_results_under_file_tuning(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX + 16], text[65536];
    for (size_t c = 0; c < TUNED_CONFIGS; c++) {
        const pass_pair *p = &configs[c];
        ts_scratch_dir("test_tuning_file.scratch", dir, sizeof dir);
        snprintf(path, sizeof path, "%s/tuning.txt", dir);
        size_t k = (size_t)snprintf(text, sizeof text, "golu-tuning 1\n");
        for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
            for (int pass = 0; pass < 2; pass++) {
                const golu_tuning *t = pass ? &p->backward : &p->forward;
                entry_line(text + k, sizeof text - k, NULL, NULL, ts_all_dtypes[d],
                           (golu_pass)pass, t->vector_width, t->local_size,
                           t->groups_per_compute_unit, t->unroll);
                k += strlen(text + k);
            }
        }
        write_text(path, text);
        put_env("GOLU_CACHE_DIR", dir); /* the default location, and a fresh program cache */
        put_env("GOLU_TUNING_FILE", NULL);
        golu_context *ctx = new_context();
        assert_string_equal(golu_context_tuning_note(ctx), "");
        ts_assert_status(ctx, golu_prepare(ctx, GOLU_F32), GOLU_OK);
        const int shared = p->forward.vector_width == p->backward.vector_width &&
                           p->forward.unroll == p->backward.unroll;
        assert_int_equal(count_entries(dir), shared ? 1 : 2);
        for (int d = 0; d < GOLU_DTYPE_COUNT; d++) {
            golu_dtype dt = ts_all_dtypes[d];
            expect_tuning(ctx, dt, GOLU_PASS_FORWARD, GOLU_TUNING_FILE, p->forward.vector_width,
                          p->forward.local_size, p->forward.groups_per_compute_unit,
                          p->forward.unroll);
            expect_tuning(ctx, dt, GOLU_PASS_BACKWARD, GOLU_TUNING_FILE,
                          p->backward.vector_width, p->backward.local_size,
                          p->backward.groups_per_compute_unit, p->backward.unroll);
            if (!ts_dtype_ok(&env, dt) || (dt != GOLU_F32 && (c % 2 || TUNED_F32_ONLY)))
                continue; /* the rest: the forced test (its own subset under ASan) */
            char what[64];
            snprintf(what, sizeof what, "file config %zu", c);
            run_and_check(ctx, dt, ts_size(65537, 3001), 0, what);
            run_and_check(ctx, dt, 4099, 5, what);
        }
        golu_context_destroy(ctx);
    }
}

int main(void)
{
    const struct CMUnitTest parser[] = {
        cmocka_unit_test(test_parser_accepts_good_file),
        cmocka_unit_test(test_parser_refuses_damage),
        cmocka_unit_test(test_parser_limits),
        cmocka_unit_test(test_parser_random_bytes),
        cmocka_unit_test(test_writer_round_trip),
    };
    const struct CMUnitTest library[] = {
        cmocka_unit_test_setup_teardown(test_entry_for_this_device_is_used, save_env, restore_env),
        cmocka_unit_test_setup_teardown(test_location_and_off, save_env, restore_env),
        cmocka_unit_test_setup_teardown(test_malformed_file_is_ignored, save_env, restore_env),
        cmocka_unit_test_setup_teardown(test_set_tuning_arguments, save_env, restore_env),
        cmocka_unit_test_setup_teardown(test_results_under_forced_tuning, save_env, restore_env),
        cmocka_unit_test_setup_teardown(test_results_under_file_tuning, save_env, restore_env),
    };
    int failed = cmocka_run_group_tests_name("parser", parser, NULL, NULL);
    failed += cmocka_run_group_tests_name("library", library, group_setup, group_teardown);
    ts_scratch_cleanup(failed);
    return failed;
}
