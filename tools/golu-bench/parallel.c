/* golu-bench: host work over threads (see parallel.h). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "parallel.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

unsigned bench_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
#ifdef __linux__ /* a container's or taskset's CPU set */
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0)
        n = CPU_COUNT(&allowed);
#endif
    if (n < 1)
        return 1;
    return n > (long)BENCH_THREADS_MAX ? BENCH_THREADS_MAX : (unsigned)n;
}

typedef struct {
    void (*fn)(void *ctx, unsigned i);
    void *ctx;
    unsigned i;
} call;

static void *run_call(void *arg)
{
    call *c = arg;
    c->fn(c->ctx, c->i);
    return NULL;
}

void bench_parallel(unsigned count, void (*fn)(void *ctx, unsigned i), void *ctx)
{
    if (count < 1)
        return;
    if (count > BENCH_THREADS_MAX)
        count = BENCH_THREADS_MAX;
    call calls[BENCH_THREADS_MAX];
    pthread_t ids[BENCH_THREADS_MAX];
    int started[BENCH_THREADS_MAX] = {0};
    for (unsigned i = 0; i < count; i++)
        calls[i] = (call){fn, ctx, i};
    for (unsigned i = 1; i < count; i++)
        started[i] = pthread_create(&ids[i], NULL, run_call, &calls[i]) == 0;
    run_call(&calls[0]);
    for (unsigned i = 1; i < count; i++) {
        if (started[i])
            pthread_join(ids[i], NULL);
        else
            run_call(&calls[i]);
    }
}
