/*
 * pidfile.c: a pid file locked with fcntl for the daemon's lifetime.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/pidfile.h"
#include "util/error.h"

int pidfile_acquire(const char *path)
{
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *text = NULL;
    int fd;

    if (g_mkdir_with_parents(dir, 0755) < 0) {
        error_report_system(VIREO_FROM_NONE, errno, "cannot create folder '%s'", dir);
        return -1;
    }
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_report_system(VIREO_FROM_NONE, errno, "cannot open pid file '%s'", path);
        return -1;
    }
    if (fcntl(fd, F_SETLK, &lk) < 0) {
        int err = errno;
        struct flock who = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

        if (err == EAGAIN || err == EACCES) {
            fcntl(fd, F_GETLK, &who);
            error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_INVALID,
                         "pid file '%s' is locked by process %d: another daemon runs on this "
                         "root", path, (int)who.l_pid);
        } else {
            error_report_system(VIREO_FROM_NONE, err, "cannot lock pid file '%s'", path);
        }
        close(fd);
        return -1;
    }
    text = g_strdup_printf("%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        error_report_system(VIREO_FROM_NONE, errno, "cannot write pid file '%s'", path);
        close(fd);
        return -1;
    }
    return fd;
}

void pidfile_release(const char *path, int fd)
{
    if (fd < 0)
        return;
    /* unlink while still holding the lock, so no one locks a file that
     * is about to disappear */
    unlink(path);
    close(fd);
}
