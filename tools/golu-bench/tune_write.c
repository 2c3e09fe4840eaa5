/* golu-bench --tune: updating the tuning file (see tune.h). The format, parser and writer are the
 * library's own (src/tuning_file.c), so that what is written is exactly what the library reads. */
#include "tune.h"

#include "cache_folder.h"
#include "file_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The current file: 1 with its bytes, 0 when there is none, -1 when it cannot be read. */
static int read_existing(const char *path, char **data, size_t *size)
{
    int e = 0;
    golu_read_result r = golu_read_regular_file(path, GOLU_TUNING_FILE_MAX, data, size, &e);
    if (r == GOLU_READ_OK)
        return 1;
    if (r == GOLU_READ_CANNOT_OPEN && e == ENOENT)
        return 0;
    char reason[256];
    golu_read_result_describe(r, e, GOLU_TUNING_FILE_MAX, reason, sizeof reason);
    fprintf(stderr, "golu-bench: %s: %s\n", path, reason);
    return -1;
}

/* The old records with the new ones in place of those they replace, the rest appended, and
 * those with the key of one of `drops` left out (counted in *removed). */
static golu_tuning_record *merge(const golu_tuning_table *old, const golu_tuning_record *records,
                                 size_t count, const golu_tuning_record *drops,
                                 size_t drop_count, size_t *merged_count, size_t *removed)
{
    golu_tuning_record *out = malloc((old->count + count + 1) * sizeof *out);
    if (!out)
        return NULL;
    size_t k = 0;
    int *used = calloc(count + 1, sizeof *used);
    if (!used) {
        free(out);
        return NULL;
    }
    *removed = 0;
    for (size_t i = 0; i < old->count; i++) {
        int dropped = 0;
        for (size_t j = 0; j < drop_count; j++)
            dropped |= golu_tuning_same_key(&old->records[i], &drops[j]);
        if (dropped) {
            ++*removed;
            continue;
        }
        out[k] = old->records[i];
        for (size_t j = 0; j < count; j++) {
            if (golu_tuning_same_key(&old->records[i], &records[j])) {
                out[k] = records[j];
                used[j] = 1;
            }
        }
        k++;
    }
    for (size_t j = 0; j < count; j++)
        if (!used[j])
            out[k++] = records[j];
    free(used);
    *merged_count = k;
    return out;
}

/* The folder part of `path` ("." for a bare file name). */
static void folder_of(const char *path, char *out, size_t capacity)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, capacity, ".");
    else if (slash == path)
        snprintf(out, capacity, "/");
    else
        snprintf(out, capacity, "%.*s", (int)(slash - path), path);
}

/* fsync before the rename: unlike the program cache, this file is the result of minutes of
 * measuring. */
static int write_atomically(const char *path, const char *text, size_t size)
{
    char dir[4096];
    folder_of(path, dir, sizeof dir);
    if (!golu_make_dirs(dir)) {
        fprintf(stderr, "golu-bench: cannot create the folder %s: %s\n", dir, strerror(errno));
        return -1;
    }
    if (!golu_write_file_atomically(path, text, size, 1)) {
        fprintf(stderr, "golu-bench: writing %s failed: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* What could not be written, so that the measurements are not lost. */
static void print_entries(const golu_tuning_record *records, size_t count)
{
    size_t size;
    char why[GOLU_TUNING_WHY_MAX];
    char *text = count ? golu_tuning_format(records, count, &size, why, sizeof why) : NULL;
    if (!text)
        return;
    fprintf(stderr, "golu-bench: the entries were:\n%s", strstr(text, "golu-tuning"));
    free(text);
}

int bench_tune_write(const char *path, const golu_tuning_record *records, size_t count,
                     const golu_tuning_record *drops, size_t drop_count, size_t *removed,
                     int *created)
{
    char *data = NULL;
    size_t size = 0;
    *removed = 0;
    int found = read_existing(path, &data, &size);
    *created = found == 0;
    if (found == 0 && count == 0)
        return 0; /* only removals, from no file */
    if (found < 0) {
        print_entries(records, count);
        return -1;
    }
    golu_tuning_table old = {0};
    char why[GOLU_TUNING_WHY_MAX];
    if (found && !golu_tuning_parse(data, size, &old, why, sizeof why)) {
        free(data);
        if (count == 0)
            return 0; /* only removals: the library ignores the whole file already */
        fprintf(stderr,
                "golu-bench: %s is malformed (%s); the library ignores it, and it is left as it "
                "is: fix or delete it and run again\n", path, why);
        print_entries(records, count);
        return -1;
    }
    free(data);
    size_t merged_count = 0;
    golu_tuning_record *merged =
        merge(&old, records, count, drops, drop_count, &merged_count, removed);
    if (merged && count == 0 && *removed == 0) { /* nothing changes */
        free(merged);
        golu_tuning_table_free(&old);
        return 0;
    }
    char *text = merged ? golu_tuning_format(merged, merged_count, &size, why, sizeof why) : NULL;
    int rc = -1;
    if (!merged)
        fputs("golu-bench: out of host memory\n", stderr);
    else if (!text)
        fprintf(stderr, "golu-bench: cannot write the tuning file: %s\n", why);
    else
        rc = write_atomically(path, text, size);
    if (rc != 0)
        print_entries(records, count);
    free(text);
    free(merged);
    golu_tuning_table_free(&old);
    return rc;
}
