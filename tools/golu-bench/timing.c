/* golu-bench: profiling-event and wall-clock timing (see timing.h). */
#include "timing.h"

#include "errors.h"

#include <stdlib.h>
#include <time.h>

#ifdef _WIN32
#include <windows.h>
#endif

/* A monotonic clock: wall time must not jump with NTP adjustments mid-run. */
double bench_now_ns(void)
{
#ifdef _WIN32
    LARGE_INTEGER t, f;
    QueryPerformanceCounter(&t);
    QueryPerformanceFrequency(&f);
    return (double)t.QuadPart * 1e9 / (double)f.QuadPart;
#else
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
#endif
}

static int finish(cl_command_queue queue)
{
    cl_int err = clFinish(queue);
    if (err != CL_SUCCESS) {
        bench_report_cl("clFinish", err);
        return -1;
    }
    return 0;
}

int bench_warmup(cl_command_queue queue, bench_command cmd, void *arg, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        if (cmd(arg, NULL) != 0) {
            clFinish(queue); /* let what was enqueued drain before the caller frees buffers */
            return -1;
        }
    return finish(queue);
}

/* END(ev) - START(ev), or with `since` END(ev) - END(since). */
static int event_ns(cl_event ev, cl_event since, double *ns)
{
    cl_ulong start = 0, end = 0;
    cl_int err = since ? clGetEventProfilingInfo(since, CL_PROFILING_COMMAND_END, sizeof start,
                                                 &start, NULL)
                       : clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof start,
                                                 &start, NULL);
    if (err == CL_SUCCESS)
        err = clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL);
    if (err != CL_SUCCESS) {
        bench_report_cl("clGetEventProfilingInfo", err);
        return -1;
    }
    *ns = end >= start ? (double)(end - start) : 0.0;
    return 0;
}

static void release_events(cl_event *events, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        clReleaseEvent(events[i]);
}

/* bench_profile, with a marker before each run when `span`. */
static int profile(cl_command_queue queue, bench_command cmd, void *arg, unsigned reps, double *ns,
                   int span)
{
    cl_event *events = malloc(reps * sizeof *events);
    cl_event *marks = span ? malloc(reps * sizeof *marks) : NULL;
    unsigned enqueued = 0, marked = 0;
    int rc = 0;
    if (!events || (span && !marks)) {
        bench_report_cl("allocating events", CL_OUT_OF_HOST_MEMORY);
        free(events);
        free(marks);
        return -1;
    }
    /* All enqueued before any wait, so the device never idles while the host polls an event. */
    while (enqueued < reps && rc == 0) {
        if (span) {
            cl_int err = clEnqueueMarkerWithWaitList(queue, 0, NULL, &marks[marked]);
            if (err != CL_SUCCESS) {
                bench_report_cl("clEnqueueMarkerWithWaitList", err);
                rc = -1;
                break;
            }
            marked++;
        }
        rc = cmd(arg, &events[enqueued]);
        if (rc == 0)
            enqueued++;
    }
    if (finish(queue) != 0)
        rc = -1;
    for (unsigned i = 0; i < enqueued && rc == 0; i++)
        rc = event_ns(events[i], span ? marks[i] : NULL, &ns[i]);
    release_events(events, enqueued);
    if (span)
        release_events(marks, marked);
    free(events);
    free(marks);
    return rc;
}

int bench_profile(cl_command_queue queue, bench_command cmd, void *arg, unsigned reps, double *ns)
{
    return profile(queue, cmd, arg, reps, ns, 0);
}

int bench_profile_span(cl_command_queue queue, bench_command cmd, void *arg, unsigned reps,
                       double *ns)
{
    return profile(queue, cmd, arg, reps, ns, 1);
}

int bench_wall(cl_command_queue queue, bench_command cmd, void *arg, unsigned reps,
               double *ns_per_call)
{
    double t0 = bench_now_ns();
    for (unsigned i = 0; i < reps; i++)
        if (cmd(arg, NULL) != 0) {
            clFinish(queue);
            return -1;
        }
    if (finish(queue) != 0)
        return -1;
    *ns_per_call = (bench_now_ns() - t0) / reps;
    return 0;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, unsigned count)
{
    qsort(v, count, sizeof *v, compare_double);
    return count % 2 ? v[count / 2] : 0.5 * (v[count / 2 - 1] + v[count / 2]);
}

double bench_min(const double *v, unsigned count)
{
    double m = v[0];
    for (unsigned i = 1; i < count; i++)
        if (v[i] < m)
            m = v[i];
    return m;
}
