/*
 * netdev_link.c: any link's state (existence, MAC, MTU, up/down),
 * addresses, deletion and the net sysctls.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <netlink/route/addr.h>
#include <linux/if_addr.h>

#include "util/error.h"
#include "util/netdev.h"
#include "util/netdev_nl.h"

bool netdev_exists(const char *name)
{
    return name && *name && if_nametoindex(name) != 0;
}

int netdev_get_mac(const char *name, unsigned char mac[6])
{
    struct nl_sock *sk = netdev_nl_open("get the MAC address of", name);
    struct rtnl_link *link;
    struct nl_addr *addr;
    int ret = -1;

    if (!sk)
        return -1;
    link = netdev_nl_link(sk, "get the MAC address of", name);
    if (link) {
        addr = rtnl_link_get_addr(link);
        if (addr && nl_addr_get_len(addr) == 6) {
            memcpy(mac, nl_addr_get_binary_addr(addr), 6);
            ret = 0;
        } else {
            error_report_system(VIREO_FROM_NONE, EINVAL,
                                "cannot get the MAC address of '%s': not an Ethernet device",
                                name);
        }
        rtnl_link_put(link);
    }
    nl_socket_free(sk);
    return ret;
}

int netdev_set_mac(const char *name, const unsigned char mac[6])
{
    struct rtnl_link *changes = rtnl_link_alloc();
    struct nl_addr *addr = nl_addr_build(AF_LLC, mac, 6);
    int ret;

    rtnl_link_set_addr(changes, addr);
    ret = netdev_nl_change(name, changes, "cannot set the MAC address of '%s'", name);
    nl_addr_put(addr);
    rtnl_link_put(changes);
    return ret;
}

int netdev_get_mtu(const char *name)
{
    struct nl_sock *sk = netdev_nl_open("get the MTU of", name);
    struct rtnl_link *link;
    int mtu = -1;

    if (!sk)
        return -1;
    link = netdev_nl_link(sk, "get the MTU of", name);
    if (link) {
        mtu = (int)rtnl_link_get_mtu(link);
        rtnl_link_put(link);
    }
    nl_socket_free(sk);
    return mtu;
}

int netdev_set_mtu(const char *name, unsigned int mtu)
{
    struct rtnl_link *changes = rtnl_link_alloc();
    int ret;

    rtnl_link_set_mtu(changes, mtu);
    ret = netdev_nl_change(name, changes, "cannot set the MTU of '%s' to %u", name, mtu);
    rtnl_link_put(changes);
    return ret;
}

int netdev_set_up(const char *name, bool up)
{
    struct rtnl_link *changes = rtnl_link_alloc();
    int ret;

    if (up)
        rtnl_link_set_flags(changes, IFF_UP);
    else
        rtnl_link_unset_flags(changes, IFF_UP);
    ret = netdev_nl_change(name, changes, "cannot bring %s '%s'", up ? "up" : "down", name);
    rtnl_link_put(changes);
    return ret;
}

int netdev_is_up(const char *name)
{
    struct nl_sock *sk = netdev_nl_open("get the state of", name);
    struct rtnl_link *link;
    int ret = -1;

    if (!sk)
        return -1;
    link = netdev_nl_link(sk, "get the state of", name);
    if (link) {
        ret = (rtnl_link_get_flags(link) & IFF_UP) ? 1 : 0;
        rtnl_link_put(link);
    }
    nl_socket_free(sk);
    return ret;
}

int netdev_delete(const char *name)
{
    struct nl_sock *sk = netdev_nl_open("delete", name);
    struct rtnl_link *link;
    int rc;

    if (!sk)
        return -1;
    link = rtnl_link_alloc();
    rtnl_link_set_name(link, name);
    rc = rtnl_link_delete(sk, link);
    rtnl_link_put(link);
    nl_socket_free(sk);
    if (rc < 0) {
        netdev_nl_report(rc, "cannot delete '%s'", name);
        return -1;
    }
    return 0;
}

/* addr as libnl's address of family, with prefix; NULL when it is no
 * IPv4 / IPv6 address */
static struct nl_addr *address_parse(const char *addr, unsigned int prefix, int *family)
{
    unsigned char buf[16];
    struct nl_addr *a;

    if (inet_pton(AF_INET, addr, buf) == 1 && prefix <= 32)
        *family = AF_INET;
    else if (inet_pton(AF_INET6, addr, buf) == 1 && prefix <= 128)
        *family = AF_INET6;
    else
        return NULL;
    a = nl_addr_build(*family, buf, *family == AF_INET ? 4 : 16);
    nl_addr_set_prefixlen(a, (int)prefix);
    return a;
}

/* The IPv4 broadcast address of addr/prefix, as the kernel's `ip addr
 * add ... brd +` computes it; NULL for /31 and /32, which have none */
static struct nl_addr *address_broadcast(struct nl_addr *local, unsigned int prefix)
{
    uint32_t ip, mask;

    if (prefix >= 31)
        return NULL;
    memcpy(&ip, nl_addr_get_binary_addr(local), 4);
    mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
    ip |= ~mask;
    return nl_addr_build(AF_INET, &ip, 4);
}

int netdev_add_address(const char *name, const char *addr, unsigned int prefix)
{
    struct nl_sock *sk;
    struct rtnl_addr *ra;
    struct nl_addr *local, *brd = NULL;
    int family = AF_UNSPEC, ifindex, rc;

    local = address_parse(addr, prefix, &family);
    if (!local) {
        error_report_system(VIREO_FROM_NONE, EINVAL, "cannot add address '%s/%u' to '%s'",
                            addr, prefix, name);
        return -1;
    }
    ifindex = (int)if_nametoindex(name);
    if (ifindex == 0) {
        error_report_system(VIREO_FROM_NONE, ENODEV, "cannot add address '%s/%u' to '%s'",
                            addr, prefix, name);
        nl_addr_put(local);
        return -1;
    }
    sk = netdev_nl_open("add an address to", name);
    if (!sk) {
        nl_addr_put(local);
        return -1;
    }
    ra = rtnl_addr_alloc();
    rtnl_addr_set_ifindex(ra, ifindex);
    rtnl_addr_set_family(ra, family);
    rtnl_addr_set_local(ra, local);
    rtnl_addr_set_prefixlen(ra, (int)prefix);
    if (family == AF_INET && (brd = address_broadcast(local, prefix)))
        rtnl_addr_set_broadcast(ra, brd);
    if (family == AF_INET6)
        /* the bridge has no other node to conflict with, and DAD would
         * keep the address tentative (unusable by dnsmasq) for seconds */
        rtnl_addr_set_flags(ra, IFA_F_NODAD);
    rc = rtnl_addr_add(sk, ra, NLM_F_EXCL);
    rtnl_addr_put(ra);
    nl_addr_put(local);
    if (brd)
        nl_addr_put(brd);
    nl_socket_free(sk);
    if (rc < 0) {
        netdev_nl_report(rc, "cannot add address '%s/%u' to '%s'", addr, prefix, name);
        return -1;
    }
    return 0;
}

int netdev_sysctl_set(const char *path, const char *value)
{
    g_autofree char *file = NULL;
    size_t len = strlen(value);
    ssize_t n;
    int fd;

    if (strstr(path, "..")) {
        error_report_system(VIREO_FROM_NONE, EINVAL, "cannot set sysctl '%s'", path);
        return -1;
    }
    file = g_strdup_printf("/proc/sys/%s", path);
    fd = open(file, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        error_report_system(VIREO_FROM_NONE, errno, "cannot set sysctl '%s' to '%s'", path,
                            value);
        return -1;
    }
    n = write(fd, value, len);
    if (n != (ssize_t)len) {
        int err = n < 0 ? errno : EIO;

        close(fd);
        error_report_system(VIREO_FROM_NONE, err, "cannot set sysctl '%s' to '%s'", path, value);
        return -1;
    }
    if (close(fd) < 0) {
        error_report_system(VIREO_FROM_NONE, errno, "cannot set sysctl '%s' to '%s'", path,
                            value);
        return -1;
    }
    return 0;
}
