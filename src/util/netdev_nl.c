/*
 * netdev_nl.c: rtnetlink sockets and libnl's errors for util/netdev*.
 */
#include <errno.h>
#include <stdarg.h>

#include <netlink/errno.h>

#include "util/error.h"
#include "util/netdev_nl.h"

int netdev_nl_errno(int nlerr)
{
    /* libnl folds the kernel's errno into its own codes; undo the common
     * ones so the message reads like the kernel's */
    static const struct { int nle, err; } map[] = {
        { NLE_EXIST, EEXIST }, { NLE_NODEV, ENODEV }, { NLE_OBJ_NOTFOUND, ENODEV },
        { NLE_PERM, EPERM }, { NLE_NOACCESS, EACCES }, { NLE_INVAL, EINVAL },
        { NLE_BUSY, EBUSY }, { NLE_NOMEM, ENOMEM }, { NLE_OPNOTSUPP, EOPNOTSUPP },
        { NLE_RANGE, ERANGE }, { NLE_AGAIN, EAGAIN }, { NLE_NOADDR, EADDRNOTAVAIL },
        { NLE_AF_NOSUPPORT, EAFNOSUPPORT }, { NLE_PROTO_MISMATCH, EPROTONOSUPPORT },
        { NLE_MSGSIZE, EMSGSIZE }, { NLE_BAD_SOCK, EBADF }, { NLE_INTR, EINTR },
        { NLE_NOATTR, ENODATA }, { NLE_MSG_TOOSHORT, EINVAL },
        { NLE_MSG_TRUNC, EMSGSIZE }, { NLE_SEQ_MISMATCH, EPROTO },
    };
    int nle = nlerr < 0 ? -nlerr : nlerr;

    for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
        if (map[i].nle == nle)
            return map[i].err;
    return EIO;
}

void netdev_nl_report(int nlerr, const char *fmt, ...)
{
    g_autofree char *detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (netdev_nl_errno(nlerr) == EIO)
        error_report(VIREO_FROM_NONE, VIREO_ERR_SYSTEM_ERROR, "%s: %s", detail,
                     nl_geterror(nlerr));
    else
        error_report_system(VIREO_FROM_NONE, netdev_nl_errno(nlerr), "%s", detail);
}

struct nl_sock *netdev_nl_open(const char *what, const char *name)
{
    struct nl_sock *sk = nl_socket_alloc();
    int rc;

    if (!sk) {
        error_report_system(VIREO_FROM_NONE, ENOMEM, "cannot %s '%s'", what, name);
        return NULL;
    }
    rc = nl_connect(sk, NETLINK_ROUTE);
    if (rc < 0) {
        netdev_nl_report(rc, "cannot %s '%s': no netlink socket", what, name);
        nl_socket_free(sk);
        return NULL;
    }
    return sk;
}

struct rtnl_link *netdev_nl_link(struct nl_sock *sk, const char *what, const char *name)
{
    struct rtnl_link *link = NULL;
    int rc = rtnl_link_get_kernel(sk, 0, name, &link);

    if (rc < 0) {
        netdev_nl_report(rc, "cannot %s '%s'", what, name);
        return NULL;
    }
    return link;
}

int netdev_nl_change(const char *name, struct rtnl_link *changes, const char *fmt, ...)
{
    g_autofree char *detail = NULL;
    struct nl_sock *sk = NULL;
    struct rtnl_link *link = NULL;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    sk = nl_socket_alloc();
    if (!sk) {
        error_report_system(VIREO_FROM_NONE, ENOMEM, "%s", detail);
        return -1;
    }
    rc = nl_connect(sk, NETLINK_ROUTE);
    if (rc >= 0)
        rc = rtnl_link_get_kernel(sk, 0, name, &link);
    if (rc >= 0)
        rc = rtnl_link_change(sk, link, changes, 0);
    if (link)
        rtnl_link_put(link);
    nl_socket_free(sk);
    if (rc < 0) {
        netdev_nl_report(rc, "%s", detail);
        return -1;
    }
    return 0;
}
