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

/* The timed passes: the values of bench_options.passes and of bench_cell.pass. A new pass is
 * one more value here and one more row of bench_pass_info()'s table (options.c). */
enum {
    BENCH_PASS_FWD = 0,        /* golu_enqueue_forward */
    BENCH_PASS_BWD = 1,        /* golu_enqueue_backward */
    BENCH_PASS_BWD_PARAMS = 2, /* golu_enqueue_backward_params: dx and the three parameter sums */
    BENCH_PASS_FWD_BLEND = 3,  /* golu_enqueue_forward_blend, blend {1, 1}: y += GoLU(x) */
    BENCH_PASS_BWD_BLEND = 4,  /* golu_enqueue_backward_blend, blend {1, 1}: dx += gradient */
    BENCH_PASS_FWD_BIAS = 5,   /* golu_enqueue_forward_bias on batch x size, b of size elements */
    BENCH_PASS_BWD_BIAS = 6,   /* golu_enqueue_backward_bias: dx and the column sums db */
    BENCH_PASS_COUNT = 7
};

/* What a pass runs, reads and writes. */
typedef struct {
    const char *name;      /* the --pass name and the output's label: "fwd", "bwd-blend", ... */
    const char *long_name; /* also accepted by --pass: "forward", "backward-blend", ... */
    const char *call;      /* the libgolu call it times */
    int reads_dy;          /* dy and x in, dx out (else x in, y out) */
    int blends;            /* blend {1, 1}: the output's previous contents are read too */
    int bias;              /* rows = batch, cols = size, a bias b of cols elements in (the
                              backward: and its gradient db out) */
} bench_pass_desc;

/* The pass's description, or NULL for a value that is not a BENCH_PASS_*. */
const bench_pass_desc *bench_pass_info(int pass);

/* The pass's name ("fwd", "bwd", "bwd-params", "fwd-blend", ...), or "?". */
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
    uint64_t size_rows[BENCH_MAX_SIZES]; /* --sizes ROWSxCOLS: the rows (batch); 1 for a count */
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
