/*
 * unix_socket.h: the address and the connect of a unix stream socket,
 * which the daemon's listeners, vireo's client, the QEMU monitor, the
 * consoles and the LXC controller all need.  Errors are errno values:
 * each caller words the message for its own object.
 */
#ifndef VIREO_UTIL_UNIX_SOCKET_H
#define VIREO_UTIL_UNIX_SOCKET_H

#include <stdbool.h>
#include <sys/un.h>

/* sa for path; false with errno ENAMETOOLONG when path does not fit. */
bool unix_socket_addr(struct sockaddr_un *sa, const char *path);

/* A close-on-exec stream socket connected to path (EINTR retried), or -1
 * with errno (ENAMETOOLONG, ENOENT, ECONNREFUSED...). */
int unix_socket_connect(const char *path);

#endif
