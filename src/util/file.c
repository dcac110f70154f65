/*
 * file.c: atomic file replacement (see file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "util/error.h"
#include "util/file.h"

static int file_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* fsync the folder holding path, so the rename itself is durable */
static int file_sync_dir(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int ret;

    if (fd < 0)
        return -1;
    ret = fsync(fd);
    close(fd);
    return ret;
}

int file_write_atomic(const char *path, const char *data, size_t len, mode_t mode,
                      int err_domain)
{
    g_autofree char *tmp = g_strdup_printf("%s.new-XXXXXX", path);
    int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, (int)mode);
    int err;

    if (fd < 0) {
        error_report_system(err_domain, errno, "cannot create a file beside '%s'", path);
        return -1;
    }
    if (file_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        err = errno;
        close(fd);
        unlink(tmp);
        error_report_system(err_domain, err, "cannot write '%s'", tmp);
        return -1;
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        err = errno;
        unlink(tmp);
        error_report_system(err_domain, err, "cannot replace '%s'", path);
        return -1;
    }
    if (file_sync_dir(path) < 0) {
        error_report_system(err_domain, errno, "cannot sync the folder of '%s'", path);
        return -1;
    }
    return 0;
}
