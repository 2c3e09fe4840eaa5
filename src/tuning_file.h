/*
 * The tuning file's text format (described in golu.h): a pure parser from bytes to records and
 * the writer of the same format. No I/O and nothing of the library but golu.h's types, so that
 * the library (tuning_load.c), golu-bench --tune (which rewrites the file) and the fuzz target
 * share one definition of what a valid file is.
 */
#ifndef GOLU_TUNING_FILE_H
#define GOLU_TUNING_FILE_H

#include "golu.h"

#include <stddef.h>

#define GOLU_TUNING_FORMAT_VERSION 1
#define GOLU_TUNING_STRING_MAX 1024      /* bytes of a device or driver string, unescaped */
#define GOLU_TUNING_LINE_MAX 8192        /* bytes of a line, without its newline */
#define GOLU_TUNING_ENTRIES_MAX 4096
#define GOLU_TUNING_FILE_MAX ((size_t)1 << 20) /* the loader reads no larger file */
#define GOLU_TUNING_WHY_MAX 256          /* enough for any reason the parser gives */

/* One entry. The strings are NUL-terminated and owned by the table they came from. */
typedef struct {
    const char *device; /* CL_DEVICE_NAME */
    const char *driver; /* CL_DRIVER_VERSION */
    golu_dtype dtype;
    golu_pass pass;
    golu_tuning tuning;
    unsigned line;      /* 1-based line of the file (0 for records not parsed from one) */
} golu_tuning_record;

/* 1 when a and b are entries for the same (device, driver, dtype, pass). */
int golu_tuning_same_key(const golu_tuning_record *a, const golu_tuning_record *b);

/* 1 when a and b are the same launch configuration (every field). */
int golu_tuning_equal(const golu_tuning *a, const golu_tuning *b);

typedef struct {
    golu_tuning_record *records;
    size_t count;
    char *arena; /* the records' strings */
} golu_tuning_table;

/* Parses a whole file. @return : 1 with `*out` (release with golu_tuning_table_free()); 0 when
 * anything is malformed, with `*out` empty and the reason in `why` (e.g. "line 4: vw=3:
 * expected 1, 2, 4, 8 or 16"). `data` need not be NUL-terminated and may hold any bytes. */
int golu_tuning_parse(const char *data, size_t size, golu_tuning_table *out, char *why,
                      size_t why_capacity);

void golu_tuning_table_free(golu_tuning_table *table);

/* @return : 1 when every field of `t` is in range; else 0 and the reason in `why`
 * ("vw=3: expected 1, 2, 4, 8 or 16"). */
int golu_tuning_check(const golu_tuning *t, char *why, size_t why_capacity);

/* "forward", "backward", or NULL. */
const char *golu_tuning_pass_name(golu_pass pass);

/* The file for `records` (header, a comment, one line each, in the given order), malloc'd and
 * NUL-terminated, its length in `*size`. @return : NULL with the reason in `why` when a record
 * cannot be written (a string with a control character or over GOLU_TUNING_STRING_MAX bytes, a
 * value out of range, a repeated entry) or memory runs out. Its output parses back to the same
 * records. */
char *golu_tuning_format(const golu_tuning_record *records, size_t count, size_t *size, char *why,
                         size_t why_capacity);

#endif
