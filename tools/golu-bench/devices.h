/*
 * golu-bench: finding devices. --list-devices prints every device with the "P:D" index that
 * --device (and GOLU_DEVICE) accept; bench_device_open() selects one through golu_select_device()
 * and sets up the bench's own OpenCL context, profiling queue and golu_context on it.
 */
#ifndef GOLU_BENCH_DEVICES_H
#define GOLU_BENCH_DEVICES_H

#include <golu.h>

#include <stdio.h>

typedef struct {
    cl_platform_id platform;
    cl_device_id device;
    cl_context cl_ctx;
    cl_command_queue queue; /* in-order, CL_QUEUE_PROFILING_ENABLE */
    golu_context *golu;
    char platform_name[256];
    char device_name[256];
    char device_version[256]; /* CL_DEVICE_VERSION, e.g. "OpenCL 3.0 PoCL ..." */
    cl_ulong max_alloc;       /* CL_DEVICE_MAX_MEM_ALLOC_SIZE: larger cells are skipped */
} bench_device;

/* Prints the device list on `out`. @return : BENCH_EXIT_OK, or BENCH_EXIT_ERROR if none found. */
int bench_list_devices(FILE *out);

/* Selects a device by `spec` (NULL: the GOLU_DEVICE environment variable, else the library's
 * default rule) and creates everything in bench_device. @return : 0, or BENCH_EXIT_ERROR after a
 * message on stderr (everything already created is released). */
int bench_device_open(const char *spec, bench_device *d);

/* Releases what bench_device_open() created; safe on a partly opened or zeroed bench_device. */
void bench_device_close(bench_device *d);

#endif
