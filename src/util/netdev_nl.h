/*
 * netdev_nl.h: what the netdev_*.c files share (private to util/netdev*):
 * an rtnetlink socket per call and libnl's errors turned into
 * SYSTEM_ERROR.
 *
 * A socket per call rather than one shared: calls come from many
 * threads, and a netlink socket is cheap next to what the kernel does
 * for a link change.
 */
#ifndef VIREO_UTIL_NETDEV_NL_H
#define VIREO_UTIL_NETDEV_NL_H

#include <glib.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

/* A connected NETLINK_ROUTE socket (the caller frees it with
 * nl_socket_free), or NULL with SYSTEM_ERROR "cannot <what> '<name>'" */
struct nl_sock *netdev_nl_open(const char *what, const char *name);

/* libnl's -NLE_* code as the errno the kernel gave */
int netdev_nl_errno(int nlerr);

/* SYSTEM_ERROR with the detail fmt and the errno behind nlerr */
void netdev_nl_report(int nlerr, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* name's link from the kernel (the caller puts it with rtnl_link_put),
 * or NULL with SYSTEM_ERROR "cannot <what> '<name>'" */
struct rtnl_link *netdev_nl_link(struct nl_sock *sk, const char *what, const char *name);

/* Apply changes to name's link; on failure SYSTEM_ERROR with the
 * detail fmt ("cannot set the MTU of '%s'") */
int netdev_nl_change(const char *name, struct rtnl_link *changes, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

#endif
