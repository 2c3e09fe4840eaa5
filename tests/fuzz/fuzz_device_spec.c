/*
 * fuzz_device_spec: the GOLU_DEVICE grammar (golu_parse_device_spec) and the name matcher
 * (golu_contains_ignore_case) on any text. GOLU_DEVICE comes from the environment, so it is
 * untrusted; both are pure, so each input is checked against a plain restatement of the rules.
 */
#include "golu_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, const char *spec)
{
    fprintf(stderr, "fuzz_device_spec: %s (spec \"%s\")\n", what, spec);
    abort();
}

/* The reference matcher: try every start, compare case-insensitively. */
static int contains_reference(const char *hay, const char *needle)
{
    size_t h = strlen(hay), n = strlen(needle);
    for (size_t s = 0; s + n <= h; s++) {
        size_t i = 0;
        while (i < n && tolower((unsigned char)hay[s + i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

static int is_index(const char *s, size_t len, unsigned long value)
{
    if (len == 0 || len > 9)
        return 0;
    unsigned long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    return v == value;
}

static void check_spec(const char *spec)
{
    golu_device_spec out;
    golu_status st = golu_parse_device_spec(spec, &out);
    if (out.text != spec)
        fail("text does not point at the spec", spec);
    if (spec[0] == '\0') {
        if (st != GOLU_OK || out.kind != GOLU_SPEC_DEFAULT)
            fail("empty spec is not the default", spec);
        return;
    }
    if (!isdigit((unsigned char)spec[0])) {
        /* Names and types never fail. */
        if (st != GOLU_OK || (out.kind != GOLU_SPEC_TYPE && out.kind != GOLU_SPEC_NAME))
            fail("a name or type spec was rejected", spec);
        return;
    }
    if (st != GOLU_OK) {
        if (st != GOLU_ERROR_INVALID_DEVICE_SPEC)
            fail("unexpected status", spec);
        return;
    }
    const char *colon = strchr(spec, ':');
    if (out.kind == GOLU_SPEC_INDEX) {
        if (!colon || !is_index(spec, (size_t)(colon - spec), out.platform) ||
            !is_index(colon + 1, strlen(colon + 1), out.device))
            fail("accepted an index that is not P:D", spec);
    } else if (out.kind == GOLU_SPEC_ORDINAL) {
        if (colon || !is_index(spec, strlen(spec), out.device))
            fail("accepted an ordinal that is not N", spec);
    } else {
        fail("a digit-led spec of another kind", spec);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The spec is the bytes up to the first NUL; after it, a second string for the matcher. */
    char *text = malloc(size + 2);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    text[size + 1] = '\0';
    check_spec(text);
    const char *needle = text + strlen(text) + 1;
    if (golu_contains_ignore_case(text, needle) != contains_reference(text, needle) ||
        golu_contains_ignore_case(needle, text) != contains_reference(needle, text))
        fail("golu_contains_ignore_case disagrees with the reference", text);
    free(text);
    return 0;
}
