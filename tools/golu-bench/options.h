/*
 * golu-bench: the command line, parsed into one struct. Parsing only checks syntax and ranges; what
 * the device can run (f64, buffer sizes) is decided later, once a device is open.
 */
#ifndef GOLU_BENCH_OPTIONS_H
#define GOLU_BENCH_OPTIONS_H

#include <golu.h>

#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_SIZES 256

typedef enum { BENCH_FORMAT_TABLE, BENCH_FORMAT_CSV, BENCH_FORMAT_JSON } bench_format;

typedef struct {
    int help;
    int version;
    int list_devices;
    const char *device_spec; /* --device; NULL: GOLU_DEVICE, else the library's default rule */
    golu_dtype dtypes[GOLU_DTYPE_COUNT]; /* in the order given, without repeats */
    size_t num_dtypes;
    int passes[2]; /* 0 = forward, 1 = backward, in the order given, without repeats */
    size_t num_passes;
    unsigned warmup;
    unsigned reps;
    uint64_t sizes[BENCH_MAX_SIZES]; /* --sizes; num_sizes == 0 means the seed table */
    size_t num_sizes;
    int check;
    bench_format format;
    uint64_t seed;
} bench_options;

/* Fills `o` from argv. @return : 0, or BENCH_EXIT_ERROR after a message on stderr. */
int bench_parse_options(int argc, char **argv, bench_options *o);

/* Parses one element count: decimal digits, "B^E" (e.g. 2^24), or digits with a K, M or G suffix
 * (powers of 1024, either case). @return : 0 and `*out` (>= 1), or -1. Exposed for reuse. */
int bench_parse_count(const char *text, uint64_t *out);

#endif
