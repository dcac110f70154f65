/*
 * netdev_bridge.c: Linux bridges and their ports.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "util/error.h"
#include "util/netdev.h"
#include "util/netdev_nl.h"

/* One RTM_NEWLINK with everything in it (libnl has no call for the
 * bridge's STP attributes): the kernel creates the bridge and applies
 * the attributes under one lock and unregisters it again when one of
 * them fails, so a refused create leaves no bridge behind. */
static struct nl_msg *bridge_msg(const char *name, const unsigned char *mac, unsigned int mtu,
                                 bool stp, unsigned int delay)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    struct nlattr *info, *data;

    if (!msg)
        return NULL;
    if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
        nla_put_string(msg, IFLA_IFNAME, name) < 0 ||
        (mac && nla_put(msg, IFLA_ADDRESS, 6, mac) < 0) ||
        (mtu && nla_put_u32(msg, IFLA_MTU, mtu) < 0) ||
        !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
        nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0 ||
        !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
        /* the delay before STP: the kernel refuses a delay under 2 s
         * once STP is on, and takes these attributes in this order */
        nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, delay * 100) < 0 ||
        nla_put_u32(msg, IFLA_BR_STP_STATE, stp ? 1 : 0) < 0) {
        nlmsg_free(msg);
        return NULL;
    }
    nla_nest_end(msg, data);
    nla_nest_end(msg, info);
    return msg;
}

int netdev_bridge_create(const char *name, const unsigned char *mac, unsigned int mtu,
                         bool stp, unsigned int delay)
{
    struct nl_sock *sk;
    struct nl_msg *msg;
    int rc;

    if (!name || !*name || strlen(name) >= IFNAMSIZ) {
        error_report_system(VIREO_FROM_NONE, EINVAL, "cannot create bridge '%s'",
                            name ? name : "");
        return -1;
    }
    if (netdev_exists(name)) {
        error_report_system(VIREO_FROM_NONE, EEXIST, "cannot create bridge '%s'", name);
        return -1;
    }
    msg = bridge_msg(name, mac, mtu, stp, delay);
    if (!msg) {
        error_report_system(VIREO_FROM_NONE, ENOMEM, "cannot create bridge '%s'", name);
        return -1;
    }
    sk = netdev_nl_open("create bridge", name);
    if (!sk) {
        nlmsg_free(msg);
        return -1;
    }
    rc = nl_send_auto(sk, msg);
    if (rc >= 0)
        rc = nl_wait_for_ack(sk);
    nlmsg_free(msg);
    nl_socket_free(sk);
    if (rc < 0) {
        netdev_nl_report(rc, "cannot create bridge '%s'", name);
        return -1;
    }
    return 0;
}

bool netdev_is_bridge(const char *name)
{
    struct nl_sock *sk = nl_socket_alloc();
    struct rtnl_link *link = NULL;
    bool ret = false;

    if (!sk)
        return false;
    if (nl_connect(sk, NETLINK_ROUTE) == 0 && rtnl_link_get_kernel(sk, 0, name, &link) == 0) {
        const char *type = rtnl_link_get_type(link);

        ret = type && strcmp(type, "bridge") == 0;
        rtnl_link_put(link);
    }
    nl_socket_free(sk);
    return ret;
}

int netdev_bridge_attach(const char *bridge, const char *ifname)
{
    struct rtnl_link *changes;
    int bridge_mtu, mtu, index, ret;

    if (!netdev_is_bridge(bridge)) {
        error_report_system(VIREO_FROM_NONE, netdev_exists(bridge) ? EINVAL : ENODEV,
                            "cannot attach '%s' to bridge '%s'%s", ifname, bridge,
                            netdev_exists(bridge) ? ": not a bridge" : "");
        return -1;
    }
    if (!netdev_exists(ifname)) {
        error_report_system(VIREO_FROM_NONE, ENODEV, "cannot attach '%s' to bridge '%s'", ifname,
                            bridge);
        return -1;
    }
    index = (int)if_nametoindex(bridge);
    bridge_mtu = netdev_get_mtu(bridge);
    mtu = netdev_get_mtu(ifname);
    if (bridge_mtu < 0 || mtu < 0 || index == 0)
        return -1;
    /* a port with a smaller MTU would pull the bridge's own down */
    if (bridge_mtu > mtu && netdev_set_mtu(ifname, (unsigned int)bridge_mtu) < 0)
        return -1;
    changes = rtnl_link_alloc();
    rtnl_link_set_master(changes, index);
    ret = netdev_nl_change(ifname, changes, "cannot attach '%s' to bridge '%s'", ifname, bridge);
    rtnl_link_put(changes);
    if (ret < 0 && bridge_mtu > mtu) {
        g_autoptr(vireo_error) first = error_save();

        netdev_set_mtu(ifname, (unsigned int)mtu);
        error_restore(g_steal_pointer(&first));
    }
    return ret;
}

int netdev_bridge_detach(const char *ifname)
{
    struct rtnl_link *changes = rtnl_link_alloc();
    int ret;

    rtnl_link_set_master(changes, 0);
    ret = netdev_nl_change(ifname, changes, "cannot detach '%s' from its bridge", ifname);
    rtnl_link_put(changes);
    return ret;
}

char *netdev_bridge_of(const char *ifname)
{
    struct nl_sock *sk = nl_socket_alloc();
    struct rtnl_link *link = NULL;
    char name[IFNAMSIZ];
    char *ret = NULL;
    int master = 0;

    if (!sk)
        return NULL;
    if (nl_connect(sk, NETLINK_ROUTE) == 0 && rtnl_link_get_kernel(sk, 0, ifname, &link) == 0) {
        master = rtnl_link_get_master(link);
        rtnl_link_put(link);
    }
    nl_socket_free(sk);
    if (master > 0 && if_indextoname((unsigned int)master, name) && netdev_is_bridge(name))
        ret = g_strdup(name);
    return ret;
}
