/* golu_select_device(): walks the ICD loader's platforms and devices and applies a parsed
 * selection string (device_spec.c). */
#include "golu_internal.h"

#include <stdio.h>
#include <stdlib.h>

#define GOLU_MAX_PLATFORMS 64
#define GOLU_MAX_DEVICES 256

/* "platform name / device name", for name matching. */
static void describe(cl_platform_id p, cl_device_id d, char *buf, size_t cap)
{
    char pname[256] = "", dname[256] = "";
    clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof pname - 1, pname, NULL);
    clGetDeviceInfo(d, CL_DEVICE_NAME, sizeof dname - 1, dname, NULL);
    snprintf(buf, cap, "%s / %s", pname, dname);
}

static int matches(const golu_device_spec *spec, cl_platform_id p, cl_device_id d,
                   unsigned long pi, unsigned long di, unsigned long ordinal)
{
    switch (spec->kind) {
    case GOLU_SPEC_DEFAULT:
        return 1;
    case GOLU_SPEC_INDEX:
        return pi == spec->platform && di == spec->device;
    case GOLU_SPEC_ORDINAL:
        return ordinal == spec->device;
    case GOLU_SPEC_TYPE: {
        cl_device_type type = 0;
        clGetDeviceInfo(d, CL_DEVICE_TYPE, sizeof type, &type, NULL);
        return (type & spec->type) != 0;
    }
    case GOLU_SPEC_NAME: {
        char text[520];
        describe(p, d, text, sizeof text);
        return golu_contains_ignore_case(text, spec->text);
    }
    }
    return 0;
}

/* Finds the first device matching `spec`; for the default rule a GPU wins over the first device. */
static int find(const golu_device_spec *spec, cl_platform_id *platform, cl_device_id *device)
{
    cl_platform_id platforms[GOLU_MAX_PLATFORMS];
    cl_uint np = 0;
    if (clGetPlatformIDs(GOLU_MAX_PLATFORMS, platforms, &np) != CL_SUCCESS)
        return 0;
    if (np > GOLU_MAX_PLATFORMS)
        np = GOLU_MAX_PLATFORMS;
    int found_any = 0;
    unsigned long ordinal = 0;
    for (cl_uint pi = 0; pi < np; pi++) {
        cl_device_id devices[GOLU_MAX_DEVICES];
        cl_uint nd = 0;
        if (clGetDeviceIDs(platforms[pi], CL_DEVICE_TYPE_ALL, GOLU_MAX_DEVICES, devices, &nd) !=
            CL_SUCCESS)
            continue;
        if (nd > GOLU_MAX_DEVICES)
            nd = GOLU_MAX_DEVICES;
        for (cl_uint di = 0; di < nd; di++, ordinal++) {
            if (!matches(spec, platforms[pi], devices[di], pi, di, ordinal))
                continue;
            if (spec->kind == GOLU_SPEC_DEFAULT) {
                cl_device_type type = 0;
                clGetDeviceInfo(devices[di], CL_DEVICE_TYPE, sizeof type, &type, NULL);
                if (!found_any || (type & CL_DEVICE_TYPE_GPU)) {
                    *platform = platforms[pi];
                    *device = devices[di];
                    found_any = 1;
                }
                if (type & CL_DEVICE_TYPE_GPU)
                    return 1;
                continue;
            }
            *platform = platforms[pi];
            *device = devices[di];
            return 1;
        }
    }
    return found_any;
}

golu_status golu_select_device(const char *spec, cl_platform_id *platform, cl_device_id *device)
{
    if (!platform || !device)
        return golu_fail(NULL, GOLU_ERROR_NULL_ARGUMENT, "golu_select_device: platform or device is NULL");
    golu_device_spec parsed;
    if (golu_parse_device_spec(spec, &parsed) != GOLU_OK)
        return golu_fail(NULL, GOLU_ERROR_INVALID_DEVICE_SPEC,
                         "device selection \"%s\": expected \"P:D\", \"N\", gpu, cpu, accelerator or a name",
                         spec);
    if (!find(&parsed, platform, device))
        return golu_fail(NULL, GOLU_ERROR_NO_DEVICE, "%s%s%s", "no OpenCL device",
                         parsed.kind == GOLU_SPEC_DEFAULT ? " found (is an ICD installed?)" : " matches ",
                         parsed.kind == GOLU_SPEC_DEFAULT ? "" : spec);
    return GOLU_OK;
}
