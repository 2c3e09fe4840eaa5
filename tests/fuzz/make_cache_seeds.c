/*
 * make_cache_seeds: writes the seed corpus of fuzz_cache_parser with the library's own encoder,
 * so the seeds follow the format if it changes: a valid entry, truncations of it (mid-header,
 * mid-strings, mid-payload) and one with a flipped payload byte (a checksum failure).
 * Usage: make_cache_seeds <folder>
 */
#include "golu_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_seed(const char *dir, const char *name, const unsigned char *data, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        fprintf(stderr, "make_cache_seeds: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_cache_seeds <folder>\n");
        return 2;
    }
    static const unsigned char payload[] = "\x7f" "ELF fake program binary for the fuzzer";
    golu_cache_expect header = {0x0123456789abcdefu, "PoCL 5.0", "cpu"};
    size_t size = 0;
    unsigned char *file = golu_binary_cache_encode(&header, payload, sizeof payload - 1, &size);
    if (!file)
        return 1;
    int bad = write_seed(argv[1], "valid", file, size);
    bad |= write_seed(argv[1], "cut-header", file, 20);
    bad |= write_seed(argv[1], "cut-strings", file, 44 + 5);
    bad |= write_seed(argv[1], "cut-payload", file, size - 7);
    file[size - 1] ^= 1;
    bad |= write_seed(argv[1], "corrupt", file, size);
    free(file);
    return bad;
}
