/* Reading a whole small file that the library trusts only as far as it checks it: the kernel
 * sources of GOLU_KERNEL_DIR, program-cache entries and the tuning file. */
#ifndef GOLU_FILE_READ_H
#define GOLU_FILE_READ_H

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

#endif
