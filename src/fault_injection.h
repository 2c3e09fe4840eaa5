/*
 * Fault injection for tests: simulated device limits and enqueue failures, so that tests on
 * PoCL reach the library's retry and error paths. Compiled in only with GOLU_FAULT_INJECTION
 * (tests/meson.build builds a separate static copy of the library for that); the installed
 * library has none of it and the hooks below are constants.
 */
#ifndef GOLU_FAULT_INJECTION_H
#define GOLU_FAULT_INJECTION_H

#include "golu_internal.h"

typedef struct {
    size_t device_max_work_group; /* 0: real limits; else pretend the device allows no more */
    size_t enqueue_max_local;     /* 0: none; else an enqueue with a larger local size fails */
    cl_int enqueue_error;         /* the error such an enqueue (and each forced one) returns */
    int fail_next_enqueues;       /* this many enqueues fail whatever their size */
    int fail_explicit_local;      /* every enqueue with an explicit local size fails */
    int fail_runtime_local;       /* an enqueue with the runtime's choice (NULL) fails */
} golu_fault_plan;

#ifdef GOLU_FAULT_INJECTION
/* Installs `plan` (NULL: no faults) and resets the counters. Not thread-safe: tests only. */
void golu_fault_set(const golu_fault_plan *plan);
/* Enqueue attempts seen, and how many were failed, since golu_fault_set(). */
int golu_fault_attempts(void);
int golu_fault_injected(void);
/* The error to return instead of enqueuing with `local` work-items (0: NULL), or CL_SUCCESS. */
cl_int golu_fault_enqueue(size_t local);
size_t golu_fault_device_max_work_group(size_t real);
#define GOLU_FAULT_ENQUEUE(local) golu_fault_enqueue(local)
#define GOLU_FAULT_DEVICE_MAX_WORK_GROUP(real) golu_fault_device_max_work_group(real)
#else
#define GOLU_FAULT_ENQUEUE(local) ((void)(local), CL_SUCCESS)
#define GOLU_FAULT_DEVICE_MAX_WORK_GROUP(real) (real)
#endif

#endif
