/* Where the OpenCL C text comes from: the copy embedded at build time from cl/, or, when
 * GOLU_KERNEL_DIR is set, the same files read from that folder (kernel work without a rebuild). */
#include "golu_internal.h"

#include "file_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const size_t golu_embedded_source_count;
extern const char *const golu_embedded_source_names[];
extern const char *const golu_embedded_sources[];

/* A kernel source file: 16 MiB is far beyond any real one (the library's are tens of KiB). */
#define GOLU_KERNEL_FILE_MAX ((size_t)16 << 20)

golu_status golu_kernel_source(golu_context *ctx, char **out)
{
    const char *dir = getenv("GOLU_KERNEL_DIR");
    char *parts[8] = {0};
    size_t sizes[8] = {0}, total = 0;
    size_t count = golu_embedded_source_count < 8 ? golu_embedded_source_count : 8;
    golu_status status = GOLU_OK;
    for (size_t i = 0; i < count; i++) {
        if (dir && dir[0]) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, golu_embedded_source_names[i]);
            int e = 0;
            golu_read_result r =
                golu_read_regular_file(path, GOLU_KERNEL_FILE_MAX, &parts[i], &sizes[i], &e);
            if (r != GOLU_READ_OK) {
                char reason[256];
                golu_read_result_describe(r, e, GOLU_KERNEL_FILE_MAX, reason, sizeof reason);
                status = golu_fail(ctx, GOLU_ERROR_KERNEL_SOURCE,
                                   "GOLU_KERNEL_DIR: cannot read %s: %s", path, reason);
                break;
            }
        } else {
            sizes[i] = strlen(golu_embedded_sources[i]);
        }
        total += sizes[i] + 1;
    }
    char *text = status == GOLU_OK ? malloc(total + 1) : NULL;
    if (status == GOLU_OK && !text)
        status = golu_fail(ctx, GOLU_ERROR_OUT_OF_HOST_MEMORY, "out of host memory");
    if (text) {
        size_t at = 0;
        for (size_t i = 0; i < count; i++) {
            memcpy(text + at, parts[i] ? parts[i] : golu_embedded_sources[i], sizes[i]);
            at += sizes[i];
            text[at++] = '\n';
        }
        text[at] = '\0';
        *out = text;
    }
    for (size_t i = 0; i < count; i++)
        free(parts[i]);
    return status;
}
