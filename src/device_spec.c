/* The device selection grammar of GOLU_DEVICE and golu-bench --device; pure string work, so that
 * it can be tested and fuzzed without OpenCL. */
#include "golu_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Parses a whole string of decimal digits; 0 on anything else or overflow. */
static int parse_index(const char *s, size_t len, unsigned long *out)
{
    if (len == 0 || len > 9)
        return 0;
    unsigned long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    *out = v;
    return 1;
}

static int equals_ignore_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

int golu_contains_ignore_case(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return 1;
    for (; *haystack; haystack++) {
        size_t i = 0;
        while (i < n && haystack[i] &&
               tolower((unsigned char)haystack[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

golu_status golu_parse_device_spec(const char *spec, golu_device_spec *out)
{
    memset(out, 0, sizeof *out);
    out->text = spec;
    if (spec == NULL || spec[0] == '\0') {
        out->kind = GOLU_SPEC_DEFAULT;
        return GOLU_OK;
    }
    size_t len = strlen(spec);
    const char *colon = strchr(spec, ':');
    if (isdigit((unsigned char)spec[0])) {
        /* Anything that starts with a digit is an index: "P:D" or "N", nothing else. */
        if (colon) {
            if (!parse_index(spec, (size_t)(colon - spec), &out->platform) ||
                !parse_index(colon + 1, len - (size_t)(colon - spec) - 1, &out->device))
                return GOLU_ERROR_INVALID_DEVICE_SPEC;
            out->kind = GOLU_SPEC_INDEX;
            return GOLU_OK;
        }
        if (!parse_index(spec, len, &out->device))
            return GOLU_ERROR_INVALID_DEVICE_SPEC;
        out->kind = GOLU_SPEC_ORDINAL;
        return GOLU_OK;
    }
    if (equals_ignore_case(spec, "gpu")) {
        out->kind = GOLU_SPEC_TYPE;
        out->type = CL_DEVICE_TYPE_GPU;
    } else if (equals_ignore_case(spec, "cpu")) {
        out->kind = GOLU_SPEC_TYPE;
        out->type = CL_DEVICE_TYPE_CPU;
    } else if (equals_ignore_case(spec, "accelerator")) {
        out->kind = GOLU_SPEC_TYPE;
        out->type = CL_DEVICE_TYPE_ACCELERATOR;
    } else {
        out->kind = GOLU_SPEC_NAME;
    }
    return GOLU_OK;
}
