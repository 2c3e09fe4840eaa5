/*
 * golu-bench: host work spread over the CPU's cores (the accuracy reference, the random inputs
 * of large cells). Threads are POSIX threads, started per call and joined before it returns.
 */
#ifndef GOLU_BENCH_PARALLEL_H
#define GOLU_BENCH_PARALLEL_H

/* Threads to use: the CPUs this process may run on, 1 to BENCH_THREADS_MAX. */
#define BENCH_THREADS_MAX 64u
unsigned bench_threads(void);

/* Calls fn(ctx, i) for i = 0 .. count - 1 (count at most BENCH_THREADS_MAX), each on a thread of
 * its own, and returns when all have returned. Call 0 runs on the calling thread, and so does any
 * call whose thread could not start (after the others): the work is done whatever the threads. */
void bench_parallel(unsigned count, void (*fn)(void *ctx, unsigned i), void *ctx);

#endif
