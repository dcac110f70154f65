/*
 * unix_socket.c: see unix_socket.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/unix_socket.h"

bool unix_socket_addr(struct sockaddr_un *sa, const char *path)
{
    size_t len = strlen(path);

    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (len >= sizeof(sa->sun_path)) {
        errno = ENAMETOOLONG;
        return false;
    }
    memcpy(sa->sun_path, path, len + 1);
    return true;
}

int unix_socket_connect(const char *path)
{
    struct sockaddr_un sa;
    int fd, err;

    if (!unix_socket_addr(&sa, path))
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        if (errno == EINTR)
            continue;
        err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}
