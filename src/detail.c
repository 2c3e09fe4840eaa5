/* The detail message: what went wrong, in words. The library never prints; callers read it. */
#include "golu_internal.h"

#include <stdio.h>
#include <string.h>

/* Failures of golu_context_create*() have no context to hold their message. */
static _Thread_local char create_detail[1024];

const char *golu_last_create_detail(void) { return create_detail; }

static char *detail_buffer(golu_context *ctx, size_t *capacity)
{
    if (ctx) {
        *capacity = sizeof ctx->detail;
        return ctx->detail;
    }
    *capacity = sizeof create_detail;
    return create_detail;
}

golu_status golu_fail(golu_context *ctx, golu_status status, const char *fmt, ...)
{
    size_t capacity;
    char *buf = detail_buffer(ctx, &capacity);
    va_list ap;
    va_start(ap, fmt);
    if (ctx)
        pthread_mutex_lock(&ctx->detail_lock);
    vsnprintf(buf, capacity, fmt, ap);
    if (ctx)
        pthread_mutex_unlock(&ctx->detail_lock);
    va_end(ap);
    return status;
}

golu_status golu_fail_cl(golu_context *ctx, const char *what, cl_int err)
{
    return golu_fail(ctx, GOLU_ERROR_OPENCL, "%s: %s (%d)", what, golu_cl_error_name(err), (int)err);
}

void golu_detail_append(golu_context *ctx, const char *text)
{
    size_t capacity;
    char *buf = detail_buffer(ctx, &capacity);
    if (ctx)
        pthread_mutex_lock(&ctx->detail_lock);
    size_t used = strlen(buf);
    if (used + 1 < capacity)
        snprintf(buf + used, capacity - used, "%s", text);
    if (ctx)
        pthread_mutex_unlock(&ctx->detail_lock);
}

const char *golu_context_detail(const golu_context *ctx)
{
    return ctx ? ctx->detail : "golu_context_detail: ctx is NULL";
}
