/*
 * test_binary_cache: the on-disk program cache (src/binary_cache.c). Every case points
 * GOLU_CACHE_DIR at a fresh folder under $GOLU_TEST_SCRATCH (in the build folder) before it makes
 * a context, and never touches the user's cache.
 *
 * How a cache hit is proven without timing: the test compiles a "poison" program of its own, with
 * the library's kernel names and arguments but writing 42 everywhere, and stores its binary under
 * the key of a real entry. A context that then answers 42 loaded it from the cache: nothing else
 * can produce those values. The damaged and stale entries of the other cases carry the same
 * poison, so wrongly accepting one shows as wrong results, not just as a missing rewrite.
 *
 * The parser and encoder are linked in from the library's own object file (pure functions); the
 * library itself is used only through golu.h. Separate processes are this same program run with
 * --child: it waits for its stdin to close (so that several start at once), computes 1024 f32
 * results with golu_context_create_default() and exits 0 (correct), 2 (all 42: the poison) or 1.
 */
#include "test_scratch.h"
#include "test_support.h"

#include "golu_internal.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 1000
#define CHILD_N 1024
#define POISON 42.0f

static const char *self_path; /* argv[0], run again for the child processes */

/* ---- files and folders ----------------------------------------------------------------------- */

static void use_cache_dir(const char *dir)
{
    assert_int_equal(setenv("GOLU_CACHE_DIR", dir, 1), 0);
}

static unsigned char *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *data = malloc(1 << 24);
    assert_non_null(data);
    *size = fread(data, 1, 1 << 24, f);
    fclose(f);
    return data;
}

/* Names of the files in dir: entries (golu-*.bin) in `entry` (the last one), others counted. */
typedef struct {
    int entries;
    int others;
    char entry[PATH_MAX];
} dir_listing;

static dir_listing list_dir(const char *dir)
{
    dir_listing l = {0, 0, ""};
    DIR *d = opendir(dir);
    if (!d)
        return l;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        size_t len = strlen(name);
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        if (strncmp(name, "golu-", 5) == 0 && len == 5 + 16 + 4 && strcmp(name + 21, ".bin") == 0) {
            l.entries++;
            snprintf(l.entry, sizeof l.entry, "%s/%s", dir, name);
        } else {
            l.others++;
        }
    }
    closedir(d);
    return l;
}

/* The key in an entry's file name. */
static uint64_t key_of(const char *path)
{
    const char *name = strrchr(path, '/');
    assert_non_null(name);
    return strtoull(name + 1 + 5, NULL, 16);
}

/* ---- the device's view of an entry ----------------------------------------------------------- */

static char driver_version[GOLU_CACHE_STRING_MAX + 1];
static char device_name[GOLU_CACHE_STRING_MAX + 1];

static golu_cache_expect expect_for(cl_device_id device, uint64_t key)
{
    ts_cl_check(clGetDeviceInfo(device, CL_DRIVER_VERSION, sizeof driver_version, driver_version,
                                NULL));
    ts_cl_check(clGetDeviceInfo(device, CL_DEVICE_NAME, sizeof device_name, device_name, NULL));
    golu_cache_expect e = {key, driver_version, device_name};
    return e;
}

static golu_cache_verdict verdict_of(const char *path, const golu_cache_expect *expect,
                                     unsigned char **payload, size_t *payload_size)
{
    size_t size = 0;
    unsigned char *data = read_all(path, &size);
    golu_cache_view view;
    golu_cache_verdict v = golu_binary_cache_parse(data, size, expect, &view);
    if (payload && v == GOLU_CACHE_VALID) {
        *payload = malloc(view.payload_size);
        assert_non_null(*payload);
        memcpy(*payload, view.payload, view.payload_size);
        *payload_size = view.payload_size;
    }
    free(data);
    return v;
}

/* ---- the poison program ---------------------------------------------------------------------- */

#define POISON_ARGS "ulong n, float a, float b, float c)\n"
#define POISON_FILL(OUT)                                                                           \
    "{ for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) " OUT " = 42.0f; }\n"
#define POISON_FORWARD(NAME)                                                                       \
    "__kernel void " NAME "(__global const float *x, ulong x_off, __global float *y, "             \
    "ulong y_off, " POISON_ARGS POISON_FILL("y[y_off + i]")
#define POISON_BACKWARD(NAME)                                                                      \
    "__kernel void " NAME "(__global const float *dy, ulong dy_off, __global const float *x, "     \
    "ulong x_off, __global float *dx, ulong dx_off, " POISON_ARGS POISON_FILL("dx[dx_off + i]")

/* The library creates every kernel of its program by name (src/program.c, golu_kernel_names[]):
 * the other kernels exist as stubs, since this test calls only the four plain ones. */
#define POISON_STUB(NAME) "__kernel void " NAME "(__global float *unused) { unused[0] = 42.0f; }\n"

/* The library's four plain kernels, with its argument lists, writing 42 to every output element,
 * and the rest as stubs. */
static const char *poison_source =
    POISON_FORWARD("golu_forward") POISON_FORWARD("golu_forward_aligned")
    POISON_BACKWARD("golu_backward") POISON_BACKWARD("golu_backward_aligned")
    POISON_STUB("golu_backward_params") POISON_STUB("golu_backward_params_aligned")
    POISON_STUB("golu_params_finish") POISON_STUB("golu_forward_blend")
    POISON_STUB("golu_forward_blend_aligned") POISON_STUB("golu_backward_blend")
    POISON_STUB("golu_backward_blend_aligned") POISON_STUB("golu_forward_bias")
    POISON_STUB("golu_forward_bias_aligned") POISON_STUB("golu_backward_bias")
    POISON_STUB("golu_backward_bias_aligned") POISON_STUB("golu_bias_finish");

/* The binary of the poison program for the env's device. Caller frees. */
static unsigned char *poison_binary(ts_env *env, size_t *size)
{
    cl_int err = CL_SUCCESS;
    cl_program p = clCreateProgramWithSource(env->cl_ctx, 1, &poison_source, NULL, &err);
    ts_cl_check(err);
    ts_cl_check(clBuildProgram(p, 1, &env->device, "", NULL, NULL));
    ts_cl_check(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof *size, size, NULL));
    unsigned char *binary = malloc(*size);
    assert_non_null(binary);
    ts_cl_check(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof binary, &binary, NULL));
    clReleaseProgram(p);
    return binary;
}

/* Writes an entry file holding `payload` under `header`. */
static void write_entry(const char *path, const golu_cache_expect *header,
                        const unsigned char *payload, size_t payload_size)
{
    size_t size = 0;
    unsigned char *file = golu_binary_cache_encode(header, payload, payload_size, &size);
    assert_non_null(file);
    ts_write_file(path, file, size);
    free(file);
}

/* ---- running forward in this process --------------------------------------------------------- */

static float *inputs(void)
{
    float *x = ts_alloc(GOLU_F32, N);
    ts_fill_uniform(GOLU_F32, x, N, -6.0, 6.0, 7);
    return x;
}

/* f32 forward on a new golu_context: 1 if every result is right, 0 if every one is the poison;
 * fails the test otherwise. */
static int forward_is_right(void)
{
    ts_env env;
    ts_env_init(&env);
    float *x = inputs(), *y = ts_alloc(GOLU_F32, N);
    ts_assert_status(env.ctx, ts_forward(&env, GOLU_F32, N, x, y, NULL), GOLU_OK);
    int poisoned = 1;
    for (int i = 0; i < N; i++)
        poisoned &= y[i] == POISON;
    int right = poisoned ? 0 : ts_check(GOLU_F32, 0, N, x, NULL, y, NULL, NULL, "forward") == 0;
    free(x);
    free(y);
    ts_env_free(&env);
    if (!poisoned && !right)
        fail_msg("forward results are neither right nor the poison");
    return right;
}

/* A valid entry for f32 on the default device in a fresh folder; returns its path and expect. */
static void make_real_entry(char *dir, size_t dir_capacity, char *path, golu_cache_expect *expect)
{
    ts_scratch_dir("test_binary_cache.scratch", dir, dir_capacity);
    use_cache_dir(dir);
    assert_true(forward_is_right());
    dir_listing l = list_dir(dir);
    assert_int_equal(l.entries, 1);
    assert_int_equal(l.others, 0);
    snprintf(path, PATH_MAX, "%s", l.entry);
    ts_env env;
    ts_env_init(&env);
    *expect = expect_for(env.device, key_of(path));
    ts_env_free(&env);
    assert_int_equal(verdict_of(path, expect, NULL, NULL), GOLU_CACHE_VALID);
}

static unsigned char *default_device_poison(size_t *size)
{
    ts_env env;
    ts_env_init(&env);
    unsigned char *binary = poison_binary(&env, size);
    ts_env_free(&env);
    return binary;
}

/* The entry at `path` is valid for `expect` and holds a real program, not the poison. */
static void assert_rewritten(const char *path, const golu_cache_expect *expect,
                             const unsigned char *poison, size_t poison_size)
{
    unsigned char *payload = NULL;
    size_t payload_size = 0;
    assert_int_equal(verdict_of(path, expect, &payload, &payload_size), GOLU_CACHE_VALID);
    assert_false(payload_size == poison_size && memcmp(payload, poison, poison_size) == 0);
    free(payload);
}

/* ---- child processes ------------------------------------------------------------------------- */

static int child_main(void)
{
    char c;
    while (read(0, &c, 1) > 0)
        ; /* the start signal: the parent closes the pipe */
    static float x[CHILD_N], y[CHILD_N];
    uint64_t seed = 3;
    for (int i = 0; i < CHILD_N; i++)
        x[i] = (float)golu_rand_uniform(&seed, -6.0, 6.0);
    golu_context *ctx = NULL;
    if (golu_context_create_default(&ctx) != GOLU_OK)
        return 1;
    golu_status s = golu_forward_host(ctx, GOLU_F32, CHILD_N, x, y, NULL);
    golu_context_destroy(ctx);
    if (s != GOLU_OK)
        return 1;
    int right = 1, poisoned = 1;
    for (int i = 0; i < CHILD_N; i++) {
        right &= golu_check_f32(0, x[i], 1.0f, y[i], 1.0, 1.0, 1.0).ok;
        poisoned &= y[i] == POISON;
    }
    return right ? 0 : poisoned ? 2 : 1;
}

/* What a reader saw of an entry while the children ran. */
typedef struct {
    int reads; /* times the entry existed and was read */
    int torn;  /* reads that were not a valid file */
} watch_counts;

/* Reads the entry in `dir` (if there is one yet) as another process would. */
static void watch_once(const char *dir, watch_counts *w)
{
    dir_listing l = list_dir(dir);
    if (l.entries == 0)
        return;
    FILE *f = fopen(l.entry, "rb");
    if (!f)
        return;
    static unsigned char data[1 << 24];
    size_t size = fread(data, 1, sizeof data, f);
    fclose(f);
    w->reads++;
    w->torn += golu_binary_cache_parse(data, size, NULL, NULL) != GOLU_CACHE_VALID;
}

/* Starts `count` children that wait on one pipe, releases them at once, and stores their exit
 * codes (-1 for a crash). With `watch_dir`, reads the entry there over and over until they end. */
static watch_counts run_children(int count, int *codes, const char *watch_dir)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pids[16];
    assert_true(count <= 16);
    fflush(NULL);
    for (int i = 0; i < count; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            dup2(fds[0], 0);
            close(fds[0]);
            close(fds[1]);
            execl(self_path, self_path, "--child", (char *)NULL);
            _exit(127);
        }
    }
    close(fds[0]);
    close(fds[1]); /* go */
    watch_counts w = {0, 0};
    for (int running = count; running > 0;) {
        running = 0;
        for (int i = 0; i < count; i++) {
            if (pids[i] == 0)
                continue;
            int status = 0;
            pid_t got = waitpid(pids[i], &status, watch_dir ? WNOHANG : 0);
            assert_true(got >= 0);
            if (got == 0) {
                running++;
                continue;
            }
            codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            pids[i] = 0;
        }
        if (watch_dir)
            watch_once(watch_dir, &w);
    }
    return w;
}

/* ---- the parser alone ------------------------------------------------------------------------ */

static const golu_cache_expect sample = {UINT64_C(0x0123456789abcdef), "driver 1.2", "device X"};

static unsigned char *sample_file(size_t *size)
{
    unsigned char payload[100];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (unsigned char)(i * 7 + 1);
    unsigned char *file = golu_binary_cache_encode(&sample, payload, sizeof payload, size);
    assert_non_null(file);
    return file;
}

/* Every cut and every changed byte of a valid file is refused, with or without an expectation. */
static void test_parser_rejects_damage(void **state)
{
    (void)state;
    size_t size = 0;
    unsigned char *file = sample_file(&size);
    golu_cache_view view;
    assert_int_equal(golu_binary_cache_parse(file, size, &sample, &view), GOLU_CACHE_VALID);
    assert_int_equal(view.payload_size, 100);
    assert_int_equal(view.key, sample.key);
    assert_memory_equal(view.driver_version, "driver 1.2", view.driver_version_size);
    assert_memory_equal(view.device_name, "device X", view.device_name_size);
    assert_int_equal(golu_binary_cache_parse(file, size, NULL, NULL), GOLU_CACHE_VALID);

    for (size_t cut = 0; cut < size; cut++) {
        assert_int_not_equal(golu_binary_cache_parse(file, cut, &sample, &view), GOLU_CACHE_VALID);
        assert_int_not_equal(golu_binary_cache_parse(file, cut, NULL, NULL), GOLU_CACHE_VALID);
    }
    static const unsigned char flips[] = {0x01, 0x80, 0xff};
    for (size_t i = 0; i < size; i++) {
        for (size_t f = 0; f < sizeof flips; f++) {
            file[i] ^= flips[f];
            assert_int_not_equal(golu_binary_cache_parse(file, size, NULL, NULL), GOLU_CACHE_VALID);
            assert_int_not_equal(golu_binary_cache_parse(file, size, &sample, NULL),
                                 GOLU_CACHE_VALID);
            file[i] ^= flips[f];
        }
    }
    unsigned char *longer = malloc(size + 1);
    assert_non_null(longer);
    memcpy(longer, file, size);
    longer[size] = 0;
    assert_int_equal(golu_binary_cache_parse(longer, size + 1, NULL, NULL), GOLU_CACHE_MALFORMED);
    free(longer);
    free(file);
}

/* Which verdict each kind of mismatch gets. */
static void test_parser_verdicts(void **state)
{
    (void)state;
    size_t size = 0;
    unsigned char *file = sample_file(&size);
    golu_cache_expect other = sample;
    other.key ^= 1;
    assert_int_equal(golu_binary_cache_parse(file, size, &other, NULL), GOLU_CACHE_OTHER_KEY);
    other = sample;
    other.driver_version = "driver 1.3";
    assert_int_equal(golu_binary_cache_parse(file, size, &other, NULL), GOLU_CACHE_STALE);
    other = sample;
    other.driver_version = "driver 1.2 ";
    assert_int_equal(golu_binary_cache_parse(file, size, &other, NULL), GOLU_CACHE_STALE);
    other = sample;
    other.device_name = "device Y";
    assert_int_equal(golu_binary_cache_parse(file, size, &other, NULL), GOLU_CACHE_STALE);

    assert_int_equal(golu_binary_cache_parse(file, 5, NULL, NULL), GOLU_CACHE_TRUNCATED);
    assert_int_equal(golu_binary_cache_parse(file, size - 1, NULL, NULL), GOLU_CACHE_TRUNCATED);
    assert_int_equal(golu_binary_cache_parse((const unsigned char *)"GOLUBIX", 7, NULL, NULL),
                     GOLU_CACHE_BAD_MAGIC);
    file[8] ^= 2; /* the format version */
    assert_int_equal(golu_binary_cache_parse(file, size, NULL, NULL), GOLU_CACHE_BAD_VERSION);
    file[8] ^= 2;
    file[size - 1] ^= 4; /* the last payload byte */
    assert_int_equal(golu_binary_cache_parse(file, size, NULL, NULL), GOLU_CACHE_CORRUPT);
    file[size - 1] ^= 4;
    /* Lengths at their extremes: refused without reading past the end or overflowing. */
    memset(file + 12, 0xff, 8);
    assert_int_equal(golu_binary_cache_parse(file, size, NULL, NULL), GOLU_CACHE_MALFORMED);
    memset(file + 12, 0, 8);
    memset(file + 28, 0xff, 8);
    assert_int_equal(golu_binary_cache_parse(file, size, NULL, NULL), GOLU_CACHE_TRUNCATED);
    memset(file + 28, 0, 8);
    assert_int_equal(golu_binary_cache_parse(file, size, NULL, NULL), GOLU_CACHE_MALFORMED);
    free(file);

    size_t dummy = 0;
    golu_cache_expect longname = sample;
    char name[GOLU_CACHE_STRING_MAX + 2];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    longname.device_name = name;
    assert_null(golu_binary_cache_encode(&longname, (const unsigned char *)"p", 1, &dummy));
    assert_null(golu_binary_cache_encode(&sample, (const unsigned char *)"", 0, &dummy));
}

/* Random bytes, and random bytes behind a valid magic and version, are never accepted. */
static void test_parser_random_bytes(void **state)
{
    (void)state;
    enum { MAX = 600 };
    unsigned char buf[MAX];
    uint64_t seed = 11;
    for (int round = 0; round < 20000; round++) {
        size_t size = (size_t)(golu_rand_next(&seed) % MAX);
        for (size_t i = 0; i < size; i++)
            buf[i] = (unsigned char)golu_rand_next(&seed);
        if (round % 2 && size >= 12) {
            memcpy(buf, "GOLUBIN", 8);
            buf[8] = (unsigned char)GOLU_CACHE_FORMAT_VERSION;
            buf[9] = buf[10] = buf[11] = 0;
            buf[13] = buf[14] = buf[15] = buf[17] = buf[18] = buf[19] = 0; /* lengths < 256 */
        }
        golu_cache_view view;
        assert_int_not_equal(golu_binary_cache_parse(buf, size, &sample, &view), GOLU_CACHE_VALID);
    }
}

/* ---- the cache with the library -------------------------------------------------------------- */

/* The first builds write exactly one valid entry per program, private to the user: one per
 * (device, dtype), or one per pass where the passes differ in vector width or unroll. */
static void test_one_entry_per_dtype(void **state)
{
    (void)state;
    char dir[PATH_MAX];
    ts_scratch_dir("test_binary_cache.scratch", dir, sizeof dir);
    use_cache_dir(dir);
    ts_env env;
    ts_env_init(&env);
    int expected = 0;
    for (int t = 0; t < GOLU_DTYPE_COUNT; t++) {
        golu_dtype dtype = ts_all_dtypes[t];
        if (!ts_dtype_ok(&env, dtype))
            continue;
        void *x = ts_alloc(dtype, N), *y = ts_alloc(dtype, N), *dx = ts_alloc(dtype, N);
        ts_fill_uniform(dtype, x, N, -6.0, 6.0, 5);
        ts_assert_status(env.ctx, ts_forward(&env, dtype, N, x, y, NULL), GOLU_OK);
        assert_int_equal(ts_check(dtype, 0, N, x, NULL, y, NULL, NULL, "forward"), 0);
        ts_assert_status(env.ctx, ts_backward(&env, dtype, N, x, x, dx, NULL), GOLU_OK);
        assert_int_equal(ts_check(dtype, 1, N, x, x, dx, NULL, NULL, "backward"), 0);
        /* forward and backward share one program when their vector width and unroll agree (the
         * defaults on PoCL); elsewhere (an H200's f32: unroll 1 and 2) each pass has its own */
        golu_tuning tf, tb;
        ts_assert_status(env.ctx, golu_get_tuning(env.ctx, env.device, dtype, GOLU_PASS_FORWARD,
                                                  &tf, NULL), GOLU_OK);
        ts_assert_status(env.ctx, golu_get_tuning(env.ctx, env.device, dtype, GOLU_PASS_BACKWARD,
                                                  &tb, NULL), GOLU_OK);
        expected += tf.vector_width == tb.vector_width && tf.unroll == tb.unroll ? 1 : 2;
        dir_listing l = list_dir(dir);
        assert_int_equal(l.entries, expected);
        assert_int_equal(l.others, 0);         /* no temporary file left behind */
        free(x), free(y), free(dx);
    }
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        golu_cache_expect expect = expect_for(env.device, key_of(path));
        assert_int_equal(verdict_of(path, &expect, NULL, NULL), GOLU_CACHE_VALID);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
    }
    closedir(d);
    ts_env_free(&env);
}

/* A warm entry is loaded, by a new context and by a new process, and is not rewritten. */
static void test_warm_entry_is_used(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX];
    golu_cache_expect expect;
    make_real_entry(dir, sizeof dir, path, &expect);
    size_t poison_size = 0;
    unsigned char *poison = default_device_poison(&poison_size);
    write_entry(path, &expect, poison, poison_size);
    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);

    assert_false(forward_is_right()); /* the poison: loaded from the cache */
    int code = -1;
    run_children(1, &code, NULL);
    assert_int_equal(code, 2); /* a new process loads it too */

    assert_int_equal(stat(path, &after), 0);
    assert_true(before.st_ino == after.st_ino && before.st_mtime == after.st_mtime);
    assert_int_equal(list_dir(dir).entries, 1);
    free(poison);
}

typedef enum { FLIP_PAYLOAD, FLIP_MAGIC, CUT_HALF, CUT_HEADER, EMPTY, GARBAGE, APPENDED } damage;

static void apply_damage(const char *path, damage kind)
{
    size_t size = 0;
    unsigned char *data = read_all(path, &size);
    switch (kind) {
    case FLIP_PAYLOAD:
        data[size - size / 3] ^= 0x10;
        break;
    case FLIP_MAGIC:
        data[2] ^= 0x01;
        break;
    case CUT_HALF:
        size /= 2;
        break;
    case CUT_HEADER:
        size = 20;
        break;
    case EMPTY:
        size = 0;
        break;
    case GARBAGE: {
        uint64_t seed = 99;
        for (size_t i = 0; i < size; i++)
            data[i] = (unsigned char)golu_rand_next(&seed);
        break;
    }
    case APPENDED:
        data[size++] = 0;
        break;
    }
    ts_write_file(path, data, size);
    free(data);
}

/* A damaged entry (holding the poison) is ignored: right results, and the entry rewritten. */
static void test_corrupt_entry_is_rebuilt(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX];
    golu_cache_expect expect;
    make_real_entry(dir, sizeof dir, path, &expect);
    size_t poison_size = 0;
    unsigned char *poison = default_device_poison(&poison_size);
    static const damage kinds[] = {FLIP_PAYLOAD, FLIP_MAGIC, CUT_HALF, CUT_HEADER,
                                   EMPTY,        GARBAGE,    APPENDED};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        write_entry(path, &expect, poison, poison_size);
        apply_damage(path, kinds[k]);
        assert_int_not_equal(verdict_of(path, &expect, NULL, NULL), GOLU_CACHE_VALID);
        assert_true(forward_is_right());
        assert_rewritten(path, &expect, poison, poison_size);
        assert_int_equal(list_dir(dir).others, 0);
    }
    free(poison);
}

/* An entry from another driver version, device or key (holding the poison) is ignored and
 * replaced; so is a well-formed entry whose binary the driver refuses. */
static void test_stale_entry_is_rebuilt(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX];
    golu_cache_expect expect;
    make_real_entry(dir, sizeof dir, path, &expect);
    size_t poison_size = 0;
    unsigned char *poison = default_device_poison(&poison_size);

    golu_cache_expect stale[3] = {expect, expect, expect};
    stale[0].driver_version = "0.0 (an older driver)";
    stale[1].device_name = "another device";
    stale[2].key = expect.key ^ 0x8000;
    for (int s = 0; s < 3; s++) {
        write_entry(path, &stale[s], poison, poison_size);
        assert_true(forward_is_right());
        assert_rewritten(path, &expect, poison, poison_size);
    }

    unsigned char junk[4096];
    uint64_t seed = 5;
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)golu_rand_next(&seed);
    write_entry(path, &expect, junk, sizeof junk);
    assert_int_equal(verdict_of(path, &expect, NULL, NULL), GOLU_CACHE_VALID);
    assert_true(forward_is_right());
    assert_rewritten(path, &expect, junk, sizeof junk);
    free(poison);
}

/* Processes that build and store the same entry at once all succeed, and leave one valid entry
 * and no temporary files; a reader polling the entry meanwhile never sees a partial file; then a
 * new process uses it. */
static void test_concurrent_writers(void **state)
{
    (void)state;
    enum { CHILDREN = 6 };
    for (int round = 0; round < 2; round++) {
        char dir[PATH_MAX];
        ts_scratch_dir("test_binary_cache.scratch", dir, sizeof dir);
        use_cache_dir(dir);
        int codes[CHILDREN];
        watch_counts w = run_children(CHILDREN, codes, dir);
        print_message("round %d: the entry was read %d times while being written\n", round,
                      w.reads);
        assert_int_equal(w.torn, 0);
        for (int i = 0; i < CHILDREN; i++)
            assert_int_equal(codes[i], 0);
        dir_listing l = list_dir(dir);
        assert_int_equal(l.entries, 1);
        assert_int_equal(l.others, 0);
        ts_env env;
        ts_env_init(&env);
        golu_cache_expect expect = expect_for(env.device, key_of(l.entry));
        ts_env_free(&env);
        assert_int_equal(verdict_of(l.entry, &expect, NULL, NULL), GOLU_CACHE_VALID);
        run_children(1, codes, NULL);
        assert_int_equal(codes[0], 0);
    }
}

/* ---- where the cache is ---------------------------------------------------------------------- */

/* Saved around the cases that change HOME, XDG_CACHE_HOME and the working folder. */
typedef struct {
    char *home, *xdg;
    char cwd[PATH_MAX];
} saved_env;

static char *dup_env(const char *name)
{
    const char *v = getenv(name);
    return v ? strdup(v) : NULL;
}

static void restore_var(const char *name, const char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}

static int save_env(void **state)
{
    saved_env *s = calloc(1, sizeof *s);
    if (!s || !getcwd(s->cwd, sizeof s->cwd))
        return -1;
    s->home = dup_env("HOME");
    s->xdg = dup_env("XDG_CACHE_HOME");
    *state = s;
    return 0;
}

static int restore_env(void **state)
{
    saved_env *s = *state;
    restore_var("HOME", s->home);
    restore_var("XDG_CACHE_HOME", s->xdg);
    int ok = chdir(s->cwd) == 0;
    free(s->home);
    free(s->xdg);
    free(s);
    return ok ? 0 : -1;
}

/* Files and folders under dir, recursively. */
static int count_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        count += 1 + count_tree(path);
    }
    closedir(d);
    return count;
}

static void point_home(const char *root, const char *xdg_suffix)
{
    char path[PATH_MAX + 20];
    snprintf(path, sizeof path, "%s/home", root);
    setenv("HOME", path, 1);
    if (xdg_suffix) {
        snprintf(path, sizeof path, "%s/%s", root, xdg_suffix);
        setenv("XDG_CACHE_HOME", path, 1);
    } else {
        unsetenv("XDG_CACHE_HOME");
    }
}

/* "off", "OFF" and "0" write nothing anywhere (not in a folder named so, nor in the default
 * place); a folder that cannot be created costs nothing but the cache. */
static void test_cache_off(void **state)
{
    (void)state;
    static const char *const offs[] = {"off", "OFF", "0"};
    for (int i = 0; i < 3; i++) {
        char root[PATH_MAX];
        ts_scratch_dir("test_binary_cache.scratch", root, sizeof root);
        assert_int_equal(chdir(root), 0);
        point_home(root, "xdg");
        use_cache_dir(offs[i]);
        assert_true(forward_is_right());
        assert_int_equal(count_tree(root), 0);
    }
    char root[PATH_MAX], blocked[PATH_MAX + 20];
    ts_scratch_dir("test_binary_cache.scratch", root, sizeof root);
    snprintf(blocked, sizeof blocked, "%s/file", root);
    ts_write_file(blocked, "x", 1);
    strcat(blocked, "/cache"); /* under a regular file: mkdir fails */
    use_cache_dir(blocked);
    assert_true(forward_is_right());
    assert_int_equal(count_tree(root), 1);
}

/* Without GOLU_CACHE_DIR (or with it empty): $XDG_CACHE_HOME/golu if absolute, else
 * $HOME/.cache/golu, created with mode 0700. */
static void test_default_locations(void **state)
{
    (void)state;
    struct {
        const char *cache_dir; /* NULL: unset */
        const char *xdg;       /* under the root, or NULL: unset */
        int relative_xdg;
        const char *where;     /* expected folder under the root */
        int items;             /* files and folders under the root: the folders and the entry */
    } cases[] = {
        {NULL, "xdg", 0, "xdg/golu", 3},
        {"", "xdg", 0, "xdg/golu", 3},
        {NULL, NULL, 0, "home/.cache/golu", 4},
        {NULL, NULL, 1, "home/.cache/golu", 4},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char root[PATH_MAX], where[PATH_MAX + 40];
        ts_scratch_dir("test_binary_cache.scratch", root, sizeof root);
        assert_int_equal(chdir(root), 0);
        point_home(root, cases[c].xdg);
        if (cases[c].relative_xdg)
            setenv("XDG_CACHE_HOME", "relative-xdg", 1);
        if (cases[c].cache_dir)
            use_cache_dir(cases[c].cache_dir);
        else
            unsetenv("GOLU_CACHE_DIR");
        assert_true(forward_is_right());
        snprintf(where, sizeof where, "%s/%s", root, cases[c].where);
        assert_int_equal(list_dir(where).entries, 1);
        struct stat st;
        assert_int_equal(stat(where, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0700);
        assert_int_equal(count_tree(root), cases[c].items);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--child") == 0)
        return child_main();
    self_path = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parser_rejects_damage),
        cmocka_unit_test(test_parser_verdicts),
        cmocka_unit_test(test_parser_random_bytes),
        cmocka_unit_test(test_one_entry_per_dtype),
        cmocka_unit_test(test_warm_entry_is_used),
        cmocka_unit_test(test_corrupt_entry_is_rebuilt),
        cmocka_unit_test(test_stale_entry_is_rebuilt),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test_setup_teardown(test_cache_off, save_env, restore_env),
        cmocka_unit_test_setup_teardown(test_default_locations, save_env, restore_env),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ts_scratch_cleanup(failed);
    return failed;
}
