/* golu_read_regular_file(): the one way libgolu reads a file. */
#include "file_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
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
