/* golu_read_regular_file() and golu_write_file_atomically(): the one way libgolu reads and
 * writes a file. */
#include "file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_full(int fd, char *buf, size_t size)
{
    size_t done = 0;
    while (done < size) {
        ssize_t got = read(fd, buf + done, size - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return 0;
        done += (size_t)got;
    }
    return 1;
}

golu_read_result golu_read_regular_file(const char *path, size_t max_size, char **data,
                                        size_t *size, int *open_errno)
{
    *data = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (open_errno)
            *open_errno = errno;
        return GOLU_READ_CANNOT_OPEN;
    }
    golu_read_result result = GOLU_READ_OK;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        result = GOLU_READ_NOT_REGULAR;
    else if ((uintmax_t)st.st_size > max_size)
        result = GOLU_READ_TOO_LARGE;
    else if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
        result = GOLU_READ_NO_MEMORY;
    else if (!read_full(fd, buf, (size_t)st.st_size))
        result = GOLU_READ_FAILED;
    close(fd);
    if (result != GOLU_READ_OK) {
        free(buf);
        return result;
    }
    buf[st.st_size] = '\0';
    *data = buf;
    *size = (size_t)st.st_size;
    return GOLU_READ_OK;
}

static int write_full(int fd, const char *data, size_t size)
{
    size_t done = 0;
    while (done < size) {
        ssize_t put = write(fd, data + done, size - done);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0) {
            if (put == 0)
                errno = EIO;
            return 0;
        }
        done += (size_t)put;
    }
    return 1;
}

int golu_write_file_atomically(const char *path, const void *data, size_t size, int sync)
{
    char tmp[4096 + 16];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return 0;
    }
    int fd = mkstemp(tmp);
    if (fd < 0)
        return 0;
    int ok = write_full(fd, data, size) && (!sync || fsync(fd) == 0);
    int saved = errno;
    if (close(fd) != 0 && ok) { /* the write's error, else close's */
        ok = 0;
        saved = errno;
    }
    if (ok && rename(tmp, path) == 0)
        return 1;
    saved = ok ? errno : saved; /* rename's */
    unlink(tmp);
    errno = saved;
    return 0;
}

void golu_read_result_describe(golu_read_result result, int open_errno, size_t max_size,
                               char *out, size_t capacity)
{
    char why[128];
    switch (result) {
    case GOLU_READ_CANNOT_OPEN:
        if (strerror_r(open_errno, why, sizeof why) != 0)
            snprintf(why, sizeof why, "error %d", open_errno);
        snprintf(out, capacity, "cannot open: %s", why);
        break;
    case GOLU_READ_NOT_REGULAR:
        snprintf(out, capacity, "not a regular file");
        break;
    case GOLU_READ_TOO_LARGE:
        snprintf(out, capacity, "larger than %zu bytes", max_size);
        break;
    case GOLU_READ_NO_MEMORY:
        snprintf(out, capacity, "out of host memory");
        break;
    default:
        snprintf(out, capacity, "read failed (changed while read?)");
        break;
    }
}
