/* Reading the tuning file when a context is created: which file (GOLU_TUNING_FILE, else the
 * cache folder's tuning.txt), reading it safely (regular files only, never blocking on a FIFO,
 * at most GOLU_TUNING_FILE_MAX bytes), parsing it (tuning_file.c) and keeping the entries of the
 * context's devices. Nothing here can fail a call: a problem becomes the context's tuning note
 * and every device keeps the built-in defaults. */
#include "golu_internal.h"

#include "cache_folder.h"
#include "file_io.h"
#include "tuning_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void note(golu_context *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->tuning_note, sizeof ctx->tuning_note, fmt, ap);
    va_end(ap);
}

/* The file's path into ctx->tuning_file; 0 when there is none to look for. *named: the user
 * named it (GOLU_TUNING_FILE), so that its absence is worth a note. */
static int locate(golu_context *ctx, int *named)
{
    char *path = ctx->tuning_file;
    const size_t capacity = sizeof ctx->tuning_file;
    const char *env = getenv("GOLU_TUNING_FILE");
    path[0] = '\0';
    *named = env && env[0];
    if (*named) {
        if (golu_env_is_off(env))
            return 0;
        if (strlen(env) >= capacity) {
            note(ctx, "GOLU_TUNING_FILE: a path of %zu bytes is too long; ignored", strlen(env));
            return 0;
        }
        memcpy(path, env, strlen(env) + 1);
        return 1;
    }
    char dir[GOLU_CACHE_PATH_MAX];
    if (!golu_cache_folder(dir, sizeof dir))
        return 0;
    int len = snprintf(path, capacity, "%s/tuning.txt", dir);
    if (len < 0 || (size_t)len >= capacity) {
        path[0] = '\0';
        return 0;
    }
    return 1;
}

/* The whole file, or NULL (with a note unless it is simply absent at the default place). */
static char *read_tuning_file(golu_context *ctx, int named, size_t *size)
{
    const char *path = ctx->tuning_file;
    char *data = NULL;
    int e = 0;
    golu_read_result r = golu_read_regular_file(path, GOLU_TUNING_FILE_MAX, &data, size, &e);
    /* no note for a file absent from the default place */
    if (r != GOLU_READ_OK && (r != GOLU_READ_CANNOT_OPEN || e != ENOENT || named)) {
        char reason[256];
        golu_read_result_describe(r, e, GOLU_TUNING_FILE_MAX, reason, sizeof reason);
        note(ctx, "%s: %s; ignored", path, reason);
    }
    return data;
}

/* A device string, or "" with 0 when it does not fit (no entry can match it then). */
static int device_string(cl_device_id id, cl_device_info what, char *out, size_t capacity)
{
    out[0] = '\0';
    size_t size = 0;
    if (clGetDeviceInfo(id, what, 0, NULL, &size) != CL_SUCCESS || size == 0 || size > capacity ||
        clGetDeviceInfo(id, what, capacity, out, NULL) != CL_SUCCESS) {
        out[0] = '\0';
        return 0;
    }
    out[capacity - 1] = '\0';
    return 1;
}

static void apply(golu_context *ctx, const golu_tuning_table *table)
{
    char name[GOLU_TUNING_STRING_MAX + 1], driver[GOLU_TUNING_STRING_MAX + 1];
    for (cl_uint d = 0; d < ctx->num_devices; d++) {
        golu_device *dev = &ctx->devices[d];
        if (!device_string(dev->id, CL_DEVICE_NAME, name, sizeof name) ||
            !device_string(dev->id, CL_DRIVER_VERSION, driver, sizeof driver))
            continue;
        for (size_t i = 0; i < table->count; i++) {
            const golu_tuning_record *r = &table->records[i];
            if (strcmp(r->device, name) == 0 && strcmp(r->driver, driver) == 0)
                dev->file_tuning[r->dtype][r->pass] = r->tuning;
        }
    }
}

void golu_tuning_load(golu_context *ctx)
{
    ctx->tuning_note[0] = '\0';
    int named = 0;
    if (!locate(ctx, &named))
        return;
    size_t size = 0;
    char *data = read_tuning_file(ctx, named, &size);
    if (!data)
        return;
    golu_tuning_table table;
    char why[GOLU_TUNING_WHY_MAX];
    if (golu_tuning_parse(data, size, &table, why, sizeof why)) {
        apply(ctx, &table);
        golu_tuning_table_free(&table);
    } else {
        note(ctx, "%s: %s; file ignored", ctx->tuning_file, why);
    }
    free(data);
}
