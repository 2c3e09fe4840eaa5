/*
 * golu-bench: the command line, parsed into one struct. Parsing only checks syntax and ranges; what
 * the device can run (f64, buffer sizes) is decided later, once a device is open. Three modes: the
 * timing run (default), --accuracy and --tune; options of one mode are refused in the others.
 */
#ifndef GOLU_BENCH_OPTIONS_H
#define GOLU_BENCH_OPTIONS_H

#include <golu.h>

#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_SIZES 256

/* The timed passes: the values of bench_options.passes and of bench_cell.backward, which is
 * non-zero for every pass that reads dy and writes dx. */
enum {
    BENCH_PASS_FWD = 0,        /* golu_enqueue_forward */
    BENCH_PASS_BWD = 1,        /* golu_enqueue_backward */
    BENCH_PASS_BWD_PARAMS = 2, /* golu_enqueue_backward_params: dx and the three parameter sums */
    BENCH_PASS_COUNT = 3
};

/* "fwd", "bwd", "bwd-params" (the --pass names and the output's labels). */
const char *bench_pass_name(int pass);

typedef enum { BENCH_FORMAT_TABLE, BENCH_FORMAT_CSV, BENCH_FORMAT_JSON } bench_format;

typedef struct {
    int help;
    int version;
    int list_devices;
    const char *device_spec; /* --device; NULL: GOLU_DEVICE, else the library's default rule */
    golu_dtype dtypes[GOLU_DTYPE_COUNT]; /* in the order given, without repeats */
    size_t num_dtypes;
    int passes[BENCH_PASS_COUNT]; /* BENCH_PASS_*, in the order given, without repeats */
    size_t num_passes;
    unsigned warmup;
    unsigned reps;
    uint64_t sizes[BENCH_MAX_SIZES]; /* --sizes; num_sizes == 0 means the seed table */
    size_t num_sizes;
    int check;
    bench_format format;
    uint64_t seed;
    /* --accuracy mode */
    int accuracy;
    int exhaustive;        /* every f32 bit pattern (stride 1) */
    uint64_t stride;       /* f32: every stride-th bit pattern (BENCH_DEFAULT_STRIDE) */
    uint64_t f64_samples;  /* size of the f64 sample (BENCH_DEFAULT_F64_SAMPLES) */
    int worst;             /* --worst: also list the library's worst element per region */
    golu_params params;    /* --alpha, --beta, --gamma (defaults 1) */
    /* --tune mode */
    int tune;
    unsigned tune_budget_s; /* --tune-budget: seconds for the whole search (BENCH_DEFAULT_TUNE_BUDGET) */
    int tune_full;          /* --tune-search full: every combination, not coordinate descent */
    int reps_given;         /* --reps / --warmup were given (--tune has its own defaults) */
    int warmup_given;
} bench_options;

#define BENCH_DEFAULT_STRIDE 97u
#define BENCH_DEFAULT_F64_SAMPLES 1000000u
#define BENCH_DEFAULT_TUNE_BUDGET 300u

/* Fills `o` from argv. @return : 0, or BENCH_EXIT_ERROR after a message on stderr. */
int bench_parse_options(int argc, char **argv, bench_options *o);

/* Parses one element count: decimal digits, "B^E" (e.g. 2^24), or digits with a K, M or G suffix
 * (powers of 1024, either case). @return : 0 and `*out` (>= 1), or -1. Exposed for reuse. */
int bench_parse_count(const char *text, uint64_t *out);

#endif
