/*
 * golu-bench: timing one kind of command (a golu kernel or a buffer copy) three ways:
 *   warm-up   : enqueued and finished, not measured (first-use builds, caches, clocks);
 *   profiled  : device time END - START of each command's profiling event;
 *   wall      : host clock around `reps` back-to-back enqueues and one clFinish, per call, so it
 *               includes the library's enqueue overhead and any gaps between kernels.
 */
#ifndef GOLU_BENCH_TIMING_H
#define GOLU_BENCH_TIMING_H

#include <golu.h>

/* Enqueues one command on the bench's queue; `event` is NULL or receives the command's event.
 * @return : 0, or -1 after reporting the error on stderr. */
typedef int (*bench_command)(void *arg, cl_event *event);

/* Runs `cmd` `count` times and waits for them. @return : 0 or -1. */
int bench_warmup(cl_command_queue queue, bench_command cmd, void *arg, unsigned count);

/* Runs `cmd` `reps` times back to back, then reads each event's device time into ns[0..reps-1].
 * @return : 0 or -1. */
int bench_profile(cl_command_queue queue, bench_command cmd, void *arg, unsigned reps, double *ns);

/* As bench_profile, for a command of several kernels whose event is its last one's
 * (golu_enqueue_backward_params): the time of each run is END(its event) - END(a marker enqueued
 * on the in-order queue just before it), which spans every kernel of the call and the gaps
 * before and between them. @return : 0 or -1. */
int bench_profile_span(cl_command_queue queue, bench_command cmd, void *arg, unsigned reps,
                       double *ns);

/* Host wall-clock nanoseconds per call over `reps` back-to-back calls plus one clFinish.
 * @return : 0 or -1. */
int bench_wall(cl_command_queue queue, bench_command cmd, void *arg, unsigned reps,
               double *ns_per_call);

/* A monotonic clock, in nanoseconds from an arbitrary origin. */
double bench_now_ns(void);

/* Median (mean of the two middle values for an even count) and minimum; sorts `v`. */
double bench_median(double *v, unsigned count);
double bench_min(const double *v, unsigned count);

#endif
