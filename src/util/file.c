/*
 * file.c: atomic file replacement (see file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

#define LOG_CATEGORY "util.file"

/* What a temporary file's name ends with: ".new-" and six random
 * characters (g_mkstemp's XXXXXX). */
#define FILE_TMP_MARK ".new-"
#define FILE_TMP_RANDOM 6

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

int file_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int ret, err;

    if (fd < 0)
        return -1;
    ret = fsync(fd);
    err = errno;
    close(fd);
    errno = err;
    return ret;
}

/* fsync the folder holding path, so a rename or unlink in it is durable */
static int file_sync_parent(const char *path, int err_domain)
{
    g_autofree char *dir = g_path_get_dirname(path);

    if (file_sync_dir(dir) < 0) {
        error_report_system(err_domain, errno, "cannot sync the folder of '%s'", path);
        return -1;
    }
    return 0;
}

static int file_write(const char *path, const char *data, size_t len, mode_t mode,
                      int err_domain, bool durable)
{
    g_autofree char *tmp = g_strdup_printf("%s" FILE_TMP_MARK "XXXXXX", path);
    int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, (int)mode);
    int err;

    if (fd < 0) {
        error_report_system(err_domain, errno, "cannot create a file beside '%s'", path);
        return -1;
    }
    if (file_write_all(fd, data, len) < 0 || (durable && fsync(fd) < 0)) {
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
    return durable ? file_sync_parent(path, err_domain) : 0;
}

int file_write_atomic(const char *path, const char *data, size_t len, mode_t mode,
                      int err_domain)
{
    return file_write(path, data, len, mode, err_domain, true);
}

int file_write_runtime(const char *path, const char *data, size_t len, mode_t mode,
                       int err_domain)
{
    return file_write(path, data, len, mode, err_domain, false);
}

int file_symlink_atomic(const char *target, const char *link, int err_domain)
{
    g_autofree char *tmp = NULL;

    /* symlink() has no mkstemp: try random names until one is free */
    for (int tries = 0; tries < 100; tries++) {
        g_free(tmp);
        tmp = g_strdup_printf("%s" FILE_TMP_MARK "%06x", link, g_random_int() & 0xffffff);
        if (symlink(target, tmp) == 0)
            break;
        if (errno != EEXIST) {
            error_report_system(err_domain, errno, "Failed to create symlink '%s' to '%s'", link,
                                target);
            return -1;
        }
    }
    if (rename(tmp, link) < 0) {
        int err = errno;

        unlink(tmp);
        error_report_system(err_domain, err, "Failed to create symlink '%s' to '%s'", link,
                            target);
        return -1;
    }
    return file_sync_parent(link, err_domain);
}

int file_remove_durable(const char *path, int err_domain)
{
    if (unlink(path) < 0) {
        if (errno == ENOENT)
            return 0;
        error_report_system(err_domain, errno, "cannot remove '%s'", path);
        return -1;
    }
    return file_sync_parent(path, err_domain);
}

static bool file_is_leftover(const char *name)
{
    size_t len = strlen(name), mark = strlen(FILE_TMP_MARK);

    return len > mark + FILE_TMP_RANDOM &&
           strncmp(name + len - FILE_TMP_RANDOM - mark, FILE_TMP_MARK, mark) == 0;
}

int file_remove_leftovers(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    int n = 0;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = NULL;

        if (!file_is_leftover(name))
            continue;
        path = g_build_filename(dir, name, NULL);
        if (unlink(path) < 0) {
            log_warn("cannot remove '%s', left by an interrupted write: %s", path,
                     g_strerror(errno));
            continue;
        }
        log_warn("removed '%s', left by an interrupted write", path);
        n++;
    }
    if (n > 0)
        file_sync_dir(dir);
    return n;
}
