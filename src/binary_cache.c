/* The program binary cache: compiled programs kept on disk between processes, so that a new
 * process loads its kernels instead of compiling them from source (hundreds of milliseconds on
 * PoCL, more on some GPU drivers). One file per (source, build options, platform, device,
 * driver): <folder>/golu-<key>.bin, with the key a hash of all of them.
 *
 * Everything here is best effort. A missing, unreadable, truncated, corrupt or stale entry means
 * "compile from source", and a failed store is dropped: the call that triggered the build
 * succeeds or fails on its own merits, so nothing here touches the detail message.
 *
 * File format (all integers little-endian, read byte by byte: no alignment or host byte order
 * assumed):
 *     0  8  magic "GOLUBIN\0"
 *     8  4  GOLU_CACHE_FORMAT_VERSION
 *    12  4  driver_len: bytes of CL_DRIVER_VERSION  (at most GOLU_CACHE_STRING_MAX, no NUL)
 *    16  4  device_len: bytes of CL_DEVICE_NAME     (likewise)
 *    20  8  key
 *    28  8  payload_len (> 0; the file ends exactly after the payload)
 *    36  8  checksum: FNV-1a 64 of every other byte of the file
 *    44     driver string, device string, payload (the CL_PROGRAM_BINARIES bytes)
 * The driver and device strings are kept next to the key so that a stale entry is caught even
 * if two keys collide. */
#include "golu_internal.h"

#include "cache_folder.h"
#include "file_io.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

enum {
    MAGIC_SIZE = 8,
    OFF_VERSION = 8,
    OFF_DRIVER_LEN = 12,
    OFF_DEVICE_LEN = 16,
    OFF_KEY = 20,
    OFF_PAYLOAD_LEN = 28,
    OFF_CHECKSUM = 36,
    HEADER_SIZE = 44
};

/* Larger files are not read: no real program binary comes near, and a damaged size must not
 * become a huge allocation. */
#define GOLU_CACHE_FILE_MAX ((size_t)256 << 20)

static const unsigned char magic[MAGIC_SIZE] = {'G', 'O', 'L', 'U', 'B', 'I', 'N', '\0'};

/* ---- hashing and byte order ------------------------------------------------------------------ */

static uint64_t fnv1a(uint64_t h, const unsigned char *data, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        h ^= data[i];
        h *= FNV_PRIME;
    }
    return h;
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t hash_u64(uint64_t h, uint64_t v)
{
    unsigned char bytes[8];
    put_le(bytes, v, 8);
    return fnv1a(h, bytes, sizeof bytes);
}

/* Each field is hashed with its length first, so that no two different lists of fields give the
 * same byte stream ("ab" + "c" vs "a" + "bc"). */
static uint64_t hash_field(uint64_t h, const char *text)
{
    size_t len = strlen(text);
    return fnv1a(hash_u64(h, len), (const unsigned char *)text, len);
}

/* The checksum of a whole file: every byte except the checksum field itself. */
static uint64_t file_checksum(const unsigned char *data, size_t size)
{
    uint64_t h = fnv1a(FNV_OFFSET, data, OFF_CHECKSUM);
    return fnv1a(h, data + HEADER_SIZE, size - HEADER_SIZE);
}

/* ---- the file format (pure: no I/O, so that it can be fuzzed) -------------------------------- */

static int same_string(const unsigned char *bytes, size_t len, const char *text)
{
    return strlen(text) == len && memcmp(bytes, text, len) == 0;
}

golu_cache_verdict golu_binary_cache_parse(const unsigned char *data, size_t size,
                                           const golu_cache_expect *expect, golu_cache_view *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (size == 0)
        return GOLU_CACHE_TRUNCATED;
    if (memcmp(data, magic, size < MAGIC_SIZE ? size : MAGIC_SIZE) != 0)
        return GOLU_CACHE_BAD_MAGIC;
    if (size < HEADER_SIZE)
        return GOLU_CACHE_TRUNCATED;
    if (get_le(data + OFF_VERSION, 4) != GOLU_CACHE_FORMAT_VERSION)
        return GOLU_CACHE_BAD_VERSION;
    uint64_t driver_len = get_le(data + OFF_DRIVER_LEN, 4);
    uint64_t device_len = get_le(data + OFF_DEVICE_LEN, 4);
    if (driver_len > GOLU_CACHE_STRING_MAX || device_len > GOLU_CACHE_STRING_MAX)
        return GOLU_CACHE_MALFORMED;
    /* Both lengths are small now, so this sum cannot overflow. */
    size_t strings_end = HEADER_SIZE + (size_t)driver_len + (size_t)device_len;
    if (size < strings_end)
        return GOLU_CACHE_TRUNCATED;
    uint64_t payload_len = get_le(data + OFF_PAYLOAD_LEN, 8);
    if (payload_len == 0)
        return GOLU_CACHE_MALFORMED;
    if (payload_len > size - strings_end)
        return GOLU_CACHE_TRUNCATED;
    if (payload_len < size - strings_end)
        return GOLU_CACHE_MALFORMED; /* bytes after the payload: not a file this code wrote */
    if (file_checksum(data, size) != get_le(data + OFF_CHECKSUM, 8))
        return GOLU_CACHE_CORRUPT;

    golu_cache_view view;
    view.key = get_le(data + OFF_KEY, 8);
    view.driver_version = data + HEADER_SIZE;
    view.driver_version_size = (size_t)driver_len;
    view.device_name = view.driver_version + driver_len;
    view.device_name_size = (size_t)device_len;
    view.payload = data + strings_end;
    view.payload_size = (size_t)payload_len;
    if (out)
        *out = view;
    if (!expect)
        return GOLU_CACHE_VALID;
    if (view.key != expect->key)
        return GOLU_CACHE_OTHER_KEY;
    if (!same_string(view.driver_version, view.driver_version_size, expect->driver_version) ||
        !same_string(view.device_name, view.device_name_size, expect->device_name))
        return GOLU_CACHE_STALE;
    return GOLU_CACHE_VALID;
}

unsigned char *golu_binary_cache_encode(const golu_cache_expect *header,
                                        const unsigned char *payload, size_t payload_size,
                                        size_t *size)
{
    size_t driver_len = strlen(header->driver_version);
    size_t device_len = strlen(header->device_name);
    if (driver_len > GOLU_CACHE_STRING_MAX || device_len > GOLU_CACHE_STRING_MAX ||
        payload_size == 0 || payload_size > SIZE_MAX - HEADER_SIZE - driver_len - device_len)
        return NULL;
    size_t total = HEADER_SIZE + driver_len + device_len + payload_size;
    unsigned char *file = malloc(total);
    if (!file)
        return NULL;
    memcpy(file, magic, MAGIC_SIZE);
    put_le(file + OFF_VERSION, GOLU_CACHE_FORMAT_VERSION, 4);
    put_le(file + OFF_DRIVER_LEN, driver_len, 4);
    put_le(file + OFF_DEVICE_LEN, device_len, 4);
    put_le(file + OFF_KEY, header->key, 8);
    put_le(file + OFF_PAYLOAD_LEN, payload_size, 8);
    memcpy(file + HEADER_SIZE, header->driver_version, driver_len);
    memcpy(file + HEADER_SIZE + driver_len, header->device_name, device_len);
    memcpy(file + HEADER_SIZE + driver_len + device_len, payload, payload_size);
    put_le(file + OFF_CHECKSUM, file_checksum(file, total), 8);
    *size = total;
    return file;
}

/* ---- where entries live (the folder: cache_folder.c) ------------------------------------------ */

static int entry_path(const golu_cache_entry *entry, char *out, size_t capacity)
{
    int len = snprintf(out, capacity, "%s/golu-%016" PRIx64 ".bin", entry->dir, entry->key);
    return len > 0 && (size_t)len < capacity;
}

/* ---- the key --------------------------------------------------------------------------------- */

/* A string query that fits in GOLU_CACHE_STRING_MAX bytes; 0 otherwise (the cache is then not
 * used for this build rather than keyed on a cut string). */
static int device_string(cl_device_id device, cl_device_info what, char *out)
{
    out[0] = '\0';
    if (clGetDeviceInfo(device, what, GOLU_CACHE_STRING_MAX + 1, out, NULL) != CL_SUCCESS)
        return 0;
    out[GOLU_CACHE_STRING_MAX] = '\0';
    return 1;
}

static int platform_string(cl_platform_id platform, cl_platform_info what, char *out)
{
    out[0] = '\0';
    if (clGetPlatformInfo(platform, what, GOLU_CACHE_STRING_MAX + 1, out, NULL) != CL_SUCCESS)
        return 0;
    out[GOLU_CACHE_STRING_MAX] = '\0';
    return 1;
}

/* Hashes everything that can change the compiled code or its validity: our file format, the
 * program text and options, and who compiles it (platform, device, driver). */
static int compute_key(cl_device_id device, const char *source, const char *options,
                       golu_cache_entry *entry)
{
    char scratch[GOLU_CACHE_STRING_MAX + 1];
    cl_platform_id platform = NULL;
    if (clGetDeviceInfo(device, CL_DEVICE_PLATFORM, sizeof platform, &platform, NULL) != CL_SUCCESS)
        return 0;
    uint64_t h = hash_u64(FNV_OFFSET, GOLU_CACHE_FORMAT_VERSION);
    h = hash_field(h, source);
    h = hash_field(h, options);
    if (!platform_string(platform, CL_PLATFORM_NAME, scratch))
        return 0;
    h = hash_field(h, scratch);
    if (!platform_string(platform, CL_PLATFORM_VERSION, scratch))
        return 0;
    h = hash_field(h, scratch);
    if (!device_string(device, CL_DEVICE_NAME, entry->device_name))
        return 0;
    h = hash_field(h, entry->device_name);
    if (!device_string(device, CL_DEVICE_VENDOR, scratch))
        return 0;
    h = hash_field(h, scratch);
    if (!device_string(device, CL_DRIVER_VERSION, entry->driver_version))
        return 0;
    h = hash_field(h, entry->driver_version);
    if (!device_string(device, CL_DEVICE_VERSION, scratch))
        return 0;
    entry->key = hash_field(h, scratch);
    return 1;
}

void golu_binary_cache_entry(cl_device_id device, const char *source, const char *options,
                             golu_cache_entry *out)
{
    out->enabled = golu_cache_folder(out->dir, sizeof out->dir) &&
                   compute_key(device, source, options, out);
}

/* ---- load ------------------------------------------------------------------------------------ */

static unsigned char *read_entry(const char *path, size_t *size)
{
    char *data;
    if (golu_read_regular_file(path, GOLU_CACHE_FILE_MAX, &data, size, NULL) != GOLU_READ_OK)
        return NULL;
    if (*size == 0) {
        free(data);
        return NULL;
    }
    return (unsigned char *)data;
}

/* A binary still needs clBuildProgram before kernels can be made from it. */
static cl_program program_from_binary(cl_context cl_ctx, cl_device_id device, const char *options,
                                      const unsigned char *binary, size_t size)
{
    cl_int err = CL_SUCCESS, binary_status = CL_SUCCESS;
    cl_program program =
        clCreateProgramWithBinary(cl_ctx, 1, &device, &size, &binary, &binary_status, &err);
    if (err != CL_SUCCESS || binary_status != CL_SUCCESS) {
        if (program && err == CL_SUCCESS)
            clReleaseProgram(program);
        return NULL;
    }
    if (clBuildProgram(program, 1, &device, options, NULL, NULL) != CL_SUCCESS) {
        clReleaseProgram(program);
        return NULL;
    }
    return program;
}

cl_program golu_binary_cache_load(cl_context cl_ctx, cl_device_id device, const char *options,
                                  const golu_cache_entry *entry)
{
    char path[GOLU_CACHE_PATH_MAX];
    if (!entry->enabled || !entry_path(entry, path, sizeof path))
        return NULL;
    size_t size = 0;
    unsigned char *data = read_entry(path, &size);
    if (!data)
        return NULL;
    golu_cache_expect expect = {entry->key, entry->driver_version, entry->device_name};
    golu_cache_view view;
    cl_program program = NULL;
    if (golu_binary_cache_parse(data, size, &expect, &view) == GOLU_CACHE_VALID)
        program = program_from_binary(cl_ctx, device, options, view.payload, view.payload_size);
    free(data);
    return program;
}

/* ---- store ----------------------------------------------------------------------------------- */

/* The binary of `device` (the program may belong to a context of several devices, of which only
 * this one was built). Caller frees. */
static unsigned char *program_binary(cl_program program, cl_device_id device, size_t *size)
{
    cl_uint count = 0;
    cl_int err = clGetProgramInfo(program, CL_PROGRAM_NUM_DEVICES, sizeof count, &count, NULL);
    if (err != CL_SUCCESS || count == 0)
        return NULL;
    cl_device_id *devices = calloc(count, sizeof *devices);
    size_t *sizes = calloc(count, sizeof *sizes);
    unsigned char **binaries = calloc(count, sizeof *binaries);
    unsigned char *binary = NULL;
    if (devices && sizes && binaries &&
        clGetProgramInfo(program, CL_PROGRAM_DEVICES, count * sizeof *devices, devices, NULL) ==
            CL_SUCCESS &&
        clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, count * sizeof *sizes, sizes, NULL) ==
            CL_SUCCESS) {
        for (cl_uint i = 0; i < count; i++) {
            if (devices[i] != device || sizes[i] == 0)
                continue;
            /* NULL entries of the array are skipped by the implementation. */
            binaries[i] = binary = malloc(sizes[i]);
            if (binary && clGetProgramInfo(program, CL_PROGRAM_BINARIES, count * sizeof *binaries,
                                           binaries, NULL) == CL_SUCCESS) {
                *size = sizes[i];
            } else {
                free(binary);
                binary = NULL;
            }
            break;
        }
    }
    free(devices);
    free(sizes);
    free(binaries);
    return binary;
}

/* Atomically (golu_write_file_atomically()). No fsync: after a crash the entry may be empty or
 * cut short, which the loader detects, and every first build would pay for it. */
static void write_entry(const golu_cache_entry *entry, const unsigned char *data, size_t size)
{
    char path[GOLU_CACHE_PATH_MAX];
    if (entry_path(entry, path, sizeof path) && golu_make_dirs(entry->dir))
        golu_write_file_atomically(path, data, size, 0);
}

void golu_binary_cache_store(cl_program program, cl_device_id device, const golu_cache_entry *entry)
{
    if (!entry->enabled)
        return;
    size_t binary_size = 0;
    unsigned char *binary = program_binary(program, device, &binary_size);
    if (!binary)
        return;
    golu_cache_expect header = {entry->key, entry->driver_version, entry->device_name};
    size_t file_size = 0;
    unsigned char *file = golu_binary_cache_encode(&header, binary, binary_size, &file_size);
    free(binary);
    if (file)
        write_entry(entry, file, file_size);
    free(file);
}
