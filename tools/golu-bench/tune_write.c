/* golu-bench --tune: updating the tuning file (see tune.h). The format, parser and writer are the
 * library's own (src/tuning_file.c), so that what is written is exactly what the library reads. */
#include "tune.h"

#include "cache_folder.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The current file: 1 with its bytes, 0 when there is none, -1 when it cannot be read. */
static int read_existing(const char *path, char **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        fprintf(stderr, "golu-bench: %s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    int rc = -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "golu-bench: %s: not a regular file\n", path);
    } else if ((size_t)st.st_size > GOLU_TUNING_FILE_MAX) {
        fprintf(stderr, "golu-bench: %s: larger than %zu bytes\n", path, GOLU_TUNING_FILE_MAX);
    } else if ((*data = malloc((size_t)st.st_size + 1)) == NULL) {
        fputs("golu-bench: out of host memory\n", stderr);
    } else {
        size_t done = 0;
        while (done < (size_t)st.st_size) {
            ssize_t got = read(fd, *data + done, (size_t)st.st_size - done);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            done += (size_t)got;
        }
        *size = done;
        rc = done == (size_t)st.st_size ? 1 : -1;
        if (rc < 0)
            fprintf(stderr, "golu-bench: %s: read failed\n", path);
    }
    close(fd);
    if (rc < 0) {
        free(*data);
        *data = NULL;
    }
    return rc;
}

static int same_key(const golu_tuning_record *a, const golu_tuning_record *b)
{
    return a->dtype == b->dtype && a->pass == b->pass && strcmp(a->device, b->device) == 0 &&
           strcmp(a->driver, b->driver) == 0;
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
            dropped |= same_key(&old->records[i], &drops[j]);
        if (dropped) {
            ++*removed;
            continue;
        }
        out[k] = old->records[i];
        for (size_t j = 0; j < count; j++) {
            if (same_key(&old->records[i], &records[j])) {
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

/* Readers see the old file or the new one, never a mix. fsync before the rename: unlike the
 * program cache, this file is the result of minutes of measuring. */
static int write_atomically(const char *path, const char *text, size_t size)
{
    char dir[4096], tmp[4096 + 16];
    folder_of(path, dir, sizeof dir);
    if (!golu_make_dirs(dir)) {
        fprintf(stderr, "golu-bench: cannot create the folder %s: %s\n", dir, strerror(errno));
        return -1;
    }
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp) {
        fprintf(stderr, "golu-bench: %s: path too long\n", path);
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "golu-bench: cannot create a file next to %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    size_t done = 0;
    int ok = 1;
    while (ok && done < size) {
        ssize_t put = write(fd, text + done, size - done);
        if (put < 0 && errno == EINTR)
            continue;
        ok = put > 0;
        done += ok ? (size_t)put : 0;
    }
    ok = ok && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "golu-bench: writing %s failed: %s\n", path, strerror(errno));
        unlink(tmp);
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
