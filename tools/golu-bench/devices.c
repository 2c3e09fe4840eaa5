/* golu-bench: --list-devices, and opening the selected device (see devices.h). */
#include "devices.h"

#include "errors.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Some drivers pad names with spaces; they would end up inside CSV and JSON fields. */
static void trim(char *s)
{
    size_t start = strspn(s, " \t"), len = strlen(s);
    while (len > start && isspace((unsigned char)s[len - 1]))
        len--;
    memmove(s, s + start, len - start);
    s[len - start] = '\0';
}

/* String info queries, truncated to the buffer (names are for display only). */
static void platform_string(cl_platform_id p, cl_platform_info what, char *buf, size_t size)
{
    if (clGetPlatformInfo(p, what, size, buf, NULL) != CL_SUCCESS)
        snprintf(buf, size, "?");
    buf[size - 1] = '\0';
    trim(buf);
}

static void device_string(cl_device_id d, cl_device_info what, char *buf, size_t size)
{
    if (clGetDeviceInfo(d, what, size, buf, NULL) != CL_SUCCESS)
        snprintf(buf, size, "?");
    buf[size - 1] = '\0';
    trim(buf);
}

static const char *type_name(cl_device_type t)
{
    if (t & CL_DEVICE_TYPE_GPU)
        return "gpu";
    if (t & CL_DEVICE_TYPE_CPU)
        return "cpu";
    if (t & CL_DEVICE_TYPE_ACCELERATOR)
        return "accelerator";
    return "other";
}

/* fp64 as the library decides it: a nonzero double config means cl_khr_fp64 (or OpenCL 1.2's
 * optional core double support) is there. */
static int has_fp64(cl_device_id d)
{
    cl_device_fp_config cfg = 0;
    if (clGetDeviceInfo(d, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof cfg, &cfg, NULL) != CL_SUCCESS)
        return 0;
    return cfg != 0;
}

/* The loader's platform list; NULL with *count 0 when there is none (not an error here). */
static cl_platform_id *get_platforms(cl_uint *count)
{
    *count = 0;
    if (clGetPlatformIDs(0, NULL, count) != CL_SUCCESS || *count == 0) {
        *count = 0;
        return NULL;
    }
    cl_platform_id *p = malloc(*count * sizeof *p);
    if (!p || clGetPlatformIDs(*count, p, NULL) != CL_SUCCESS) {
        free(p);
        *count = 0;
        return NULL;
    }
    return p;
}

static cl_device_id *get_devices(cl_platform_id p, cl_uint *count)
{
    *count = 0;
    if (clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, NULL, count) != CL_SUCCESS || *count == 0) {
        *count = 0;
        return NULL;
    }
    cl_device_id *d = malloc(*count * sizeof *d);
    if (!d || clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, *count, d, NULL) != CL_SUCCESS) {
        free(d);
        *count = 0;
        return NULL;
    }
    return d;
}

static void print_device_row(FILE *out, cl_uint pi, cl_uint di, const char *platform,
                             cl_device_id d, cl_device_id chosen)
{
    char name[256], index[32];
    cl_device_type type = 0;
    cl_uint units = 0;
    device_string(d, CL_DEVICE_NAME, name, sizeof name);
    clGetDeviceInfo(d, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    clGetDeviceInfo(d, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL);
    snprintf(index, sizeof index, "%u:%u%s", pi, di, d == chosen ? "*" : "");
    fprintf(out, "%-6s %-11s %4u  %-4s  %-28s %s\n", index, type_name(type), units,
            has_fp64(d) ? "yes" : "no", platform, name);
}

/* The device a run without --device would use, to mark it in the list; NULL if none. */
static cl_device_id default_device(void)
{
    cl_platform_id p;
    cl_device_id d;
    const char *spec = getenv("GOLU_DEVICE");
    return golu_select_device(spec && spec[0] ? spec : NULL, &p, &d) == GOLU_OK ? d : NULL;
}

int bench_list_devices(FILE *out)
{
    cl_device_id chosen = default_device();
    cl_uint num_platforms;
    cl_platform_id *platforms = get_platforms(&num_platforms);
    unsigned found = 0;
    for (cl_uint pi = 0; pi < num_platforms; pi++) {
        char pname[256];
        cl_uint num_devices;
        cl_device_id *devices = get_devices(platforms[pi], &num_devices);
        platform_string(platforms[pi], CL_PLATFORM_NAME, pname, sizeof pname);
        for (cl_uint di = 0; di < num_devices; di++) {
            if (found++ == 0)
                fprintf(out, "%-6s %-11s %4s  %-4s  %-28s %s\n", "index", "type", "CUs", "fp64",
                        "platform", "device");
            print_device_row(out, pi, di, pname, devices[di], chosen);
        }
        free(devices);
    }
    free(platforms);
    if (found > 0 && chosen)
        fputs("* the device used without --device (GOLU_DEVICE, else first GPU, else first "
              "device)\n", out);
    else if (found > 0 && getenv("GOLU_DEVICE"))
        fprintf(stderr, "golu-bench: note: GOLU_DEVICE='%s' selects none of these\n",
                getenv("GOLU_DEVICE"));
    if (found == 0) {
        fputs("golu-bench: no OpenCL device found (is an ICD installed in /etc/OpenCL/vendors?)\n",
              stderr);
        return BENCH_EXIT_ERROR;
    }
    return BENCH_EXIT_OK;
}

static int select_device(const char *spec, int from_env, bench_device *d)
{
    golu_status s = golu_select_device(spec, &d->platform, &d->device);
    if (s == GOLU_OK)
        return 0;
    const char *detail = golu_last_create_detail(); /* may say which platforms were seen */
    if (!detail)
        detail = "";
    fprintf(stderr, "golu-bench: no usable OpenCL device%s%s%s%s: %s%s%s\n",
            spec ? " for '" : "", spec ? spec : "", spec ? "'" : "",
            from_env ? " (from GOLU_DEVICE)" : "", golu_status_name(s), detail[0] ? ": " : "",
            detail);
    if (s == GOLU_ERROR_NO_DEVICE || s == GOLU_ERROR_INVALID_DEVICE_SPEC)
        fputs("golu-bench: see 'golu-bench --list-devices' for the devices and their P:D index\n",
              stderr);
    return BENCH_EXIT_ERROR;
}

/* Our own context and queue, not golu_context_create_default()'s: the bench needs profiling
 * events on a queue it controls, and exercises the wrap-a-caller-context path users take. */
static int create_cl_objects(bench_device *d)
{
    cl_int err;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)d->platform, 0};
    d->cl_ctx = clCreateContext(props, 1, &d->device, NULL, NULL, &err);
    if (!d->cl_ctx) {
        bench_report_cl("clCreateContext", err);
        return BENCH_EXIT_ERROR;
    }
    d->queue = clCreateCommandQueue(d->cl_ctx, d->device, CL_QUEUE_PROFILING_ENABLE, &err);
    if (!d->queue) {
        bench_report_cl("clCreateCommandQueue", err);
        return BENCH_EXIT_ERROR;
    }
    return 0;
}

static void query_device_info(bench_device *d)
{
    platform_string(d->platform, CL_PLATFORM_NAME, d->platform_name, sizeof d->platform_name);
    device_string(d->device, CL_DEVICE_NAME, d->device_name, sizeof d->device_name);
    device_string(d->device, CL_DEVICE_VERSION, d->device_version, sizeof d->device_version);
    if (clGetDeviceInfo(d->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof d->max_alloc,
                        &d->max_alloc, NULL) != CL_SUCCESS)
        d->max_alloc = 0; /* unknown: let clCreateBuffer decide */
}

int bench_device_open(const char *spec, bench_device *d)
{
    int from_env = !spec;
    memset(d, 0, sizeof *d);
    if (from_env)
        spec = getenv("GOLU_DEVICE"); /* golu_select_device(NULL) applies only the default rule */
    if (spec && !spec[0])
        spec = NULL;
    if (select_device(spec, from_env && spec, d) != 0)
        return BENCH_EXIT_ERROR;
    query_device_info(d);
    if (create_cl_objects(d) != 0) {
        bench_device_close(d);
        return BENCH_EXIT_ERROR;
    }
    golu_status s = golu_context_create(d->cl_ctx, 1, &d->device, &d->golu);
    if (s != GOLU_OK) {
        const char *detail = golu_last_create_detail();
        if (!detail)
            detail = "";
        fprintf(stderr, "golu-bench: golu_context_create: %s%s%s\n", golu_status_name(s),
                detail[0] ? ": " : "", detail);
        bench_device_close(d);
        return BENCH_EXIT_ERROR;
    }
    return 0;
}

void bench_device_close(bench_device *d)
{
    golu_context_destroy(d->golu); /* before the cl_context: it holds a reference of its own */
    if (d->queue)
        clReleaseCommandQueue(d->queue);
    if (d->cl_ctx)
        clReleaseContext(d->cl_ctx);
    memset(d, 0, sizeof *d);
}
