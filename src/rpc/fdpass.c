/*
 * fdpass.c: one descriptor per one-byte message (see fdpass.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "rpc/fdpass.h"
#include "rpc/packet.h"

/* One byte with room for one descriptor: the message either way. */
typedef struct fd_msg {
    char byte;
    struct iovec iov;
    struct msghdr msg;
    union {                 /* last: struct cmsghdr ends in a flexible array */
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
} fd_msg;

static struct msghdr *fd_msg_init(fd_msg *m)
{
    memset(m, 0, sizeof(*m));
    m->iov.iov_base = &m->byte;
    m->iov.iov_len = 1;
    m->msg.msg_iov = &m->iov;
    m->msg.msg_iovlen = 1;
    m->msg.msg_control = m->ctl.buf;
    m->msg.msg_controllen = sizeof(m->ctl.buf);
    return &m->msg;
}

int rpc_fd_send(int sock, int fd)
{
    fd_msg m;
    struct msghdr *msg = fd_msg_init(&m);
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(msg);
    ssize_t n;

    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    do
        n = sendmsg(sock, msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    return 1;
}

int rpc_fd_recv(int sock, int *fd)
{
    fd_msg m;
    struct msghdr *msg = fd_msg_init(&m);
    struct cmsghdr *cmsg;
    ssize_t n;

    do
        n = recvmsg(sock, msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    if (n == 0) {
        errno = ECONNRESET;
        return -1;
    }
    cmsg = CMSG_FIRSTHDR(msg);
    if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
        cmsg->cmsg_len != CMSG_LEN(sizeof(int)) || (msg->msg_flags & MSG_CTRUNC)) {
        errno = EBADMSG;
        return -1;
    }
    memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
    return 1;
}

bool rpc_fd_socket_ok(int sock)
{
    int domain = -1, type = -1;
    socklen_t len = sizeof(domain);

    if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
        return false;
    len = sizeof(type);
    if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
        return false;
    return domain == AF_UNIX && type == SOCK_STREAM;
}

int rpc_packet_nfds(const uint8_t *pkt, size_t len)
{
    uint32_t n;

    if (len < RPC_LEN_SIZE + RPC_HEADER_SIZE + 4)
        return -1;
    memcpy(&n, pkt + RPC_LEN_SIZE + RPC_HEADER_SIZE, 4);
    n = GUINT32_FROM_BE(n);
    return n > RPC_MAX_FDS ? -1 : (int)n;
}
