/*
 * golu-startup: the time a new process needs for its first GoLU result, i.e. what the program
 * cache saves. It times golu_context_create_default() and the first golu_forward_host() of 1024
 * f32 elements (which builds the f32 program, or loads it from the cache), checks the result
 * against the reference, and prints one line:
 *
 *     create_ms=1.23 first_forward_ms=4.56 total_ms=5.79
 *
 * Cold and warm: run it twice with the same GOLU_CACHE_DIR, the first time on an empty folder.
 * PoCL keeps a kernel cache of its own; point POCL_CACHE_DIR at an empty folder too for a real
 * cold start. Exit status: 0, or 1 on a library error or a wrong result.
 */
#include <golu.h>

#include "golu_reference.h"

#include <stdio.h>
#include <time.h>

#define N 1024

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

int main(void)
{
    static float x[N], y[N];
    uint64_t seed = 1;
    for (int i = 0; i < N; i++)
        x[i] = (float)golu_rand_uniform(&seed, -8.0, 8.0);

    double t0 = now_ms();
    golu_context *ctx = NULL;
    golu_status s = golu_context_create_default(&ctx);
    if (s != GOLU_OK) {
        fprintf(stderr, "golu_context_create_default: %s: %s\n", golu_status_name(s),
                golu_last_create_detail());
        return 1;
    }
    double t1 = now_ms();
    s = golu_forward_host(ctx, GOLU_F32, N, x, y, NULL);
    double t2 = now_ms();
    if (s != GOLU_OK) {
        fprintf(stderr, "golu_forward_host: %s: %s\n", golu_status_name(s), golu_context_detail(ctx));
        golu_context_destroy(ctx);
        return 1;
    }
    golu_context_destroy(ctx);

    int wrong = 0;
    for (int i = 0; i < N; i++)
        wrong += !golu_check_f32(0, x[i], 1.0f, y[i], 1.0, 1.0, 1.0).ok;
    printf("create_ms=%.2f first_forward_ms=%.2f total_ms=%.2f\n", t1 - t0, t2 - t1, t2 - t0);
    if (wrong)
        fprintf(stderr, "%d of %d results outside the bound\n", wrong, N);
    return wrong ? 1 : 0;
}
