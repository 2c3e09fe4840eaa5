/* Whole small files: read with the checks the library trusts them by (the kernel sources of
 * GOLU_KERNEL_DIR, program-cache entries, the tuning file), and replaced atomically (cache
 * entries, and golu-bench --tune's tuning file). */
#ifndef GOLU_FILE_IO_H
#define GOLU_FILE_IO_H

#include <stddef.h>

typedef enum {
    GOLU_READ_OK = 0,
    GOLU_READ_CANNOT_OPEN,  /* open() failed: *open_errno says why (ENOENT: absent) */
    GOLU_READ_NOT_REGULAR,  /* a folder, FIFO, device...: never read (and never waited on) */
    GOLU_READ_TOO_LARGE,    /* more than max_size bytes */
    GOLU_READ_NO_MEMORY,
    GOLU_READ_FAILED        /* read() failed or the file shrank while read */
} golu_read_result;

/* The whole regular file at `path`, at most `max_size` bytes, into a malloc'd buffer with a NUL
 * after the `*size` bytes (not counted). Opened with O_NONBLOCK, so that a FIFO cannot block the
 * calling thread. On any result but GOLU_READ_OK, *data is NULL. `open_errno` may be NULL. */
golu_read_result golu_read_regular_file(const char *path, size_t max_size, char **data,
                                        size_t *size, int *open_errno);

/* Why a read gave `result` (not GOLU_READ_OK), in words, into out[capacity]: "cannot open: <the
 * system's message>", "not a regular file", "larger than <max_size> bytes", "out of host
 * memory" or "read failed (changed while read?)". */
void golu_read_result_describe(golu_read_result result, int open_errno, size_t max_size,
                               char *out, size_t capacity);

/* Replaces (or creates) the file at `path` with `size` bytes of `data` so that readers see the
 * old file or the new one, never a mix: the bytes go to a unique temporary file in the same
 * folder (which must exist), which rename() puts in place in one step; racing writers each
 * rename a complete file, the last one wins. `sync`: fsync before the rename, so that a crash
 * cannot leave an empty or cut file either. 1 on success; 0 with errno set (the temporary file
 * removed). */
int golu_write_file_atomically(const char *path, const void *data, size_t size, int sync);

#endif
