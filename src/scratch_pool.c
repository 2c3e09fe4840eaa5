/* The scratch buffers of the two-kernel reductions (partial sums between a reduction's kernels),
 * lent per call from a pool of the context and given back from the completion callback of the
 * last command that uses them.
 *
 * Reuse: a buffer whose commands have all completed may go to any call. A buffer still in use
 * may go to a call on the same in-order queue that uses it, once the call that has it enqueued
 * all its commands (another thread's kernel must not land between a reduction's two): that queue
 * runs the new call's kernels after the old ones, so back-to-back calls on one queue share one
 * buffer however far the device lags behind (completion callbacks can come late). The queue is
 * compared by address only while the buffer has uses on it; OpenCL deletes a released queue only
 * once its commands have finished, so should the address have been reused by a new queue before
 * the last callback ran, the old commands are complete and sharing with the new queue is safe.
 *
 * Why a pool rather than a buffer per call: clCreateBuffer per call costs microseconds on a GPU
 * driver, a page mapping on a CPU one. Why the buffers start as zeros, although every kernel
 * reads only partials that its first kernel wrote: Oclgrind 21.10's --uninitialized check gives
 * a new buffer the shadow of a released one that had its index, sized as that one, and then
 * reports reads of what the kernels did write (tests/sanitizers/oclgrind_stale_shadow.c shows it
 * without libgolu); a buffer made from host memory gets a shadow of its own size. A pooled buffer
 * is made once, so the zeros cost nothing per call.
 *
 * Lifetime: the pool outlives its context while buffers are in use (a command enqueued before
 * golu_context_destroy() completes normally and then gives its buffer back): `refs` counts the
 * context and each loan, and the last to drop it frees the pool. */
#include "golu_internal.h"

#include <stdlib.h>

/* Buffers kept between calls: at most this many, each at most this large. A call that finds none
 * big enough makes one, which replaces the smallest idle kept one when the pool is full; one that
 * cannot be kept (too large, or the pool full of buffers in use) is made for the call,
 * uninitialised, and released after it. Sizes are rounded up to a power of two from the minimum,
 * so that calls of nearby shapes share buffers. */
#define SCRATCH_KEEP_COUNT 8
#define SCRATCH_KEEP_BYTES ((size_t)64 << 20)
#define SCRATCH_MIN_BYTES ((size_t)4096)

struct golu_scratch {
    golu_scratch_pool *pool;
    cl_mem mem;
    size_t size;
    int kept;                 /* 1: in the pool's list, stays after use */
    unsigned uses;            /* loans whose last command has not completed */
    cl_command_queue queue;   /* while uses > 0 and all of them are on one in-order queue */
    int enqueuing;            /* a call holds it and has not enqueued all its commands yet */
    struct golu_scratch *next;
};

struct golu_scratch_pool {
    pthread_mutex_t lock;
    unsigned refs;   /* 1 for the context while it lives, + 1 per loan */
    int closed;      /* the context is gone: buffers are released when their uses end */
    unsigned count;  /* buffers in `list`, and those being made to join it */
    golu_scratch *list;
};

golu_scratch_pool *golu_scratch_pool_create(void)
{
    golu_scratch_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    pthread_mutex_init(&pool->lock, NULL);
    pool->refs = 1;
    return pool;
}

static void scratch_free(golu_scratch *s)
{
    clReleaseMemObject(s->mem);
    free(s);
}

/* Drops one reference; called with the lock held, which it releases. */
static void pool_unref_unlock(golu_scratch_pool *pool)
{
    int last = --pool->refs == 0;
    pthread_mutex_unlock(&pool->lock);
    if (last) {
        pthread_mutex_destroy(&pool->lock);
        free(pool);
    }
}

/* Takes s out of the pool's list (the lock held). */
static void unlink_scratch(golu_scratch_pool *pool, golu_scratch *s)
{
    for (golu_scratch **p = &pool->list; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            pool->count--;
            return;
        }
    }
}

void golu_scratch_pool_close(golu_scratch_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->closed = 1;
    golu_scratch *idle = NULL;
    golu_scratch **p = &pool->list;
    while (*p) {
        golu_scratch *s = *p;
        if (s->uses == 0) {
            *p = s->next;
            pool->count--;
            s->next = idle;
            idle = s;
        } else {
            p = &s->next; /* released by its last give-back */
        }
    }
    pool_unref_unlock(pool);
    while (idle) { /* released outside the lock, which callbacks on runtime threads take */
        golu_scratch *next = idle->next;
        scratch_free(idle);
        idle = next;
    }
}

static size_t rounded_size(size_t bytes)
{
    size_t size = SCRATCH_MIN_BYTES;
    while (size < bytes && size <= SCRATCH_KEEP_BYTES / 2)
        size *= 2;
    return size < bytes ? bytes : size;
}

/* A new buffer of `size` bytes; made from zeros when it is to be kept (see the top of the file). */
static golu_status scratch_make(golu_context *ctx, size_t size, int keep, golu_scratch **out)
{
    golu_scratch *s = calloc(1, sizeof *s);
    void *zeros = keep ? calloc(1, size) : NULL;
    if (!s || (keep && !zeros)) {
        free(s);
        free(zeros);
        return golu_fail(ctx, GOLU_ERROR_OUT_OF_HOST_MEMORY,
                         "out of host memory (a scratch buffer of %zu bytes)", size);
    }
    cl_int err;
    s->mem = clCreateBuffer(ctx->cl_ctx, CL_MEM_READ_WRITE | (keep ? CL_MEM_COPY_HOST_PTR : 0),
                            size, zeros, &err);
    free(zeros);
    if (!s->mem) {
        free(s);
        return golu_fail(ctx, GOLU_ERROR_OPENCL, "clCreateBuffer(%zu bytes of partial sums): %s (%d)",
                         size, golu_cl_error_name(err), (int)err);
    }
    s->pool = ctx->scratch;
    s->size = size;
    *out = s;
    return GOLU_OK;
}

/* The buffer for a call on `queue` (in_order: an in-order queue): one still in use on the same
 * in-order queue first, else the smallest idle one that fits; NULL when none fits (the lock
 * held). */
static golu_scratch *find(golu_scratch_pool *pool, cl_command_queue queue, int in_order,
                          size_t size)
{
    golu_scratch *idle = NULL;
    for (golu_scratch *s = pool->list; s; s = s->next) {
        if (s->size < size)
            continue;
        if (in_order && s->uses > 0 && s->queue == queue && !s->enqueuing)
            return s;
        if (s->uses == 0 && (!idle || s->size < idle->size))
            idle = s; /* the smallest that fits: large buffers stay for large calls */
    }
    return idle;
}

golu_status golu_scratch_take(golu_context *ctx, cl_command_queue queue, size_t bytes,
                              golu_scratch **out)
{
    golu_scratch_pool *pool = ctx->scratch;
    const size_t size = rounded_size(bytes);
    cl_command_queue_properties props = 0;
    int in_order = clGetCommandQueueInfo(queue, CL_QUEUE_PROPERTIES, sizeof props, &props,
                                         NULL) == CL_SUCCESS &&
                   !(props & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
    pthread_mutex_lock(&pool->lock);
    golu_scratch *s = size <= SCRATCH_KEEP_BYTES ? find(pool, queue, in_order, size) : NULL;
    if (s) {
        s->queue = in_order && (s->uses == 0 || s->queue == queue) ? queue : NULL;
        s->uses++;
        s->enqueuing = 1;
        pool->refs++;
        pthread_mutex_unlock(&pool->lock);
        *out = s;
        return GOLU_OK;
    }
    /* A new buffer. It is kept if there is room, or if an idle kept one (all of them smaller,
     * or find() would have lent it) can make room; its slot is counted now, so that calls on
     * other threads do not take it too. */
    int keep = size <= SCRATCH_KEEP_BYTES;
    golu_scratch *evicted = NULL;
    if (keep && pool->count >= SCRATCH_KEEP_COUNT) {
        for (golu_scratch *t = pool->list; t; t = t->next)
            if (t->uses == 0 && (!evicted || t->size < evicted->size))
                evicted = t;
        if (evicted)
            unlink_scratch(pool, evicted);
        else
            keep = 0;
    }
    if (keep)
        pool->count++;
    pthread_mutex_unlock(&pool->lock);
    if (evicted)
        scratch_free(evicted);

    golu_status status = scratch_make(ctx, size, keep, &s);
    pthread_mutex_lock(&pool->lock);
    if (status != GOLU_OK) {
        if (keep)
            pool->count--;
        pthread_mutex_unlock(&pool->lock);
        return status;
    }
    s->uses = 1;
    s->enqueuing = 1;
    s->queue = in_order ? queue : NULL;
    if (keep) {
        s->kept = 1;
        s->next = pool->list;
        pool->list = s;
    }
    pool->refs++;
    pthread_mutex_unlock(&pool->lock);
    *out = s;
    return GOLU_OK;
}

cl_mem golu_scratch_mem(const golu_scratch *s) { return s->mem; }

static void give_back(golu_scratch *s)
{
    golu_scratch_pool *pool = s->pool;
    golu_scratch *dead = NULL;
    pthread_mutex_lock(&pool->lock);
    if (--s->uses == 0) {
        s->queue = NULL;
        if (!s->kept || pool->closed) {
            if (s->kept)
                unlink_scratch(pool, s);
            dead = s;
        }
    }
    pool_unref_unlock(pool);
    if (dead)
        scratch_free(dead);
}

static void CL_CALLBACK give_back_callback(cl_event done, cl_int status, void *scratch)
{
    (void)done;
    (void)status; /* a failed command no longer uses the buffer either */
    give_back(scratch);
}

void golu_scratch_give_back_when_done(golu_scratch *s, cl_event last)
{
    pthread_mutex_lock(&s->pool->lock);
    s->enqueuing = 0; /* every command of the call is enqueued */
    pthread_mutex_unlock(&s->pool->lock);
    if (last && clSetEventCallback(last, CL_COMPLETE, give_back_callback, s) == CL_SUCCESS)
        return;
    if (last) {
        /* The runtime cannot call back and commands may still use the buffer: it leaves the
         * pool, so that no later call gets it, and is released with its last use (OpenCL deletes
         * a released buffer only once the commands that use it have finished). Not waiting here:
         * the wait list may hold an event the caller sets after this call returns. */
        pthread_mutex_lock(&s->pool->lock);
        if (s->kept) {
            unlink_scratch(s->pool, s);
            s->kept = 0;
        }
        pthread_mutex_unlock(&s->pool->lock);
    }
    give_back(s);
}
