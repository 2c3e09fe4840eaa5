/*
 * fuzz_cache_parser: golu_binary_cache_parse() on any bytes (a cache file is read from a folder
 * other processes can write, so every byte is untrusted), plus the encoder/parser round trip.
 * libFuzzer hands over an exactly-sized heap copy, so ASan catches any read past the end.
 */
#include "golu_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_SIZE 44 /* binary_cache.c's layout; checked against the encoder below */

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_cache_parser: %s\n", what);
    abort();
}

/* A view must lie inside the input and account for every byte after the header. */
static void check_view(const unsigned char *data, size_t size, const golu_cache_view *v)
{
    const unsigned char *end = data + size;
    if (v->driver_version != data + HEADER_SIZE ||
        v->device_name != v->driver_version + v->driver_version_size ||
        v->payload != v->device_name + v->device_name_size || v->payload_size == 0 ||
        v->payload + v->payload_size != end)
        fail("view does not tile the file");
    if (v->driver_version_size > GOLU_CACHE_STRING_MAX || v->device_name_size > GOLU_CACHE_STRING_MAX)
        fail("view string longer than GOLU_CACHE_STRING_MAX");
}

/* A NUL-terminated copy, or NULL when the bytes hold a NUL (the encoder takes C strings). */
static char *c_string(const unsigned char *bytes, size_t len)
{
    if (memchr(bytes, '\0', len))
        return NULL;
    char *s = malloc(len + 1);
    if (!s)
        abort();
    memcpy(s, bytes, len);
    s[len] = '\0';
    return s;
}

/* Re-encoding a valid file from its own view must give the same bytes back. */
static void check_round_trip(const unsigned char *data, size_t size, const golu_cache_view *v)
{
    char *driver = c_string(v->driver_version, v->driver_version_size);
    char *device = c_string(v->device_name, v->device_name_size);
    if (driver && device) {
        golu_cache_expect header = {v->key, driver, device};
        size_t again_size = 0;
        unsigned char *again = golu_binary_cache_encode(&header, v->payload, v->payload_size,
                                                        &again_size);
        if (!again || again_size != size || memcmp(again, data, size) != 0)
            fail("re-encoding a valid file changed it");
        if (golu_binary_cache_parse(data, size, &header, NULL) != GOLU_CACHE_VALID)
            fail("a valid file does not match its own header");
        free(again);
    }
    free(driver);
    free(device);
}

/* The input read the other way: fields for the encoder, whose output must parse as VALID and
 * give the fields back. */
static void check_encode(const unsigned char *data, size_t size)
{
    if (size < 3)
        return;
    size_t driver_len = data[0] % 24, device_len = data[1] % 24;
    data += 2, size -= 2;
    if (driver_len + device_len >= size)
        return;
    char *driver = c_string(data, driver_len);
    char *device = c_string(data + driver_len, device_len);
    const unsigned char *payload = data + driver_len + device_len;
    size_t payload_size = size - driver_len - device_len;
    if (driver && device) {
        golu_cache_expect header = {payload_size * 0x9e3779b97f4a7c15u, driver, device};
        size_t file_size = 0;
        unsigned char *file = golu_binary_cache_encode(&header, payload, payload_size, &file_size);
        golu_cache_view v;
        if (!file || file_size != HEADER_SIZE + driver_len + device_len + payload_size)
            fail("encoder: wrong size");
        if (golu_binary_cache_parse(file, file_size, &header, &v) != GOLU_CACHE_VALID)
            fail("encoder output does not parse as VALID");
        check_view(file, file_size, &v);
        if (v.key != header.key || memcmp(v.payload, payload, payload_size) != 0)
            fail("encoder output parses to other fields");
        /* Every strict prefix is a broken file, never a valid one. */
        size_t cut = payload[0] % file_size;
        if (golu_binary_cache_parse(file, cut, NULL, NULL) == GOLU_CACHE_VALID)
            fail("a truncated file parses as VALID");
        free(file);
    }
    free(driver);
    free(device);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    golu_cache_view v;
    golu_cache_verdict verdict = golu_binary_cache_parse(data, size, NULL, &v);
    if (verdict == GOLU_CACHE_VALID) {
        check_view(data, size, &v);
        check_round_trip(data, size, &v);
    } else if (verdict == GOLU_CACHE_OTHER_KEY || verdict == GOLU_CACHE_STALE) {
        fail("OTHER_KEY or STALE without an expectation");
    }
    /* With an expectation the verdict may only get more specific, never turn a broken file
     * into a usable one. */
    golu_cache_expect expect = {0x0123456789abcdefu, "PoCL 5.0", "cpu"};
    golu_cache_verdict with = golu_binary_cache_parse(data, size, &expect, &v);
    if (verdict != GOLU_CACHE_VALID ? with != verdict
                                    : !(with == GOLU_CACHE_VALID || with == GOLU_CACHE_OTHER_KEY ||
                                        with == GOLU_CACHE_STALE))
        fail("the expectation changed a structural verdict");
    if (with != verdict)
        check_view(data, size, &v);
    check_encode(data, size);
    return 0;
}
