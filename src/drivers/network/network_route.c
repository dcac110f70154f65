/*
 * network_route.c: whether a subnet is already routed on the host (the
 * check libvirt makes before it starts a network: the same subnet on
 * another device means guests could not reach it).
 *
 * Read from /proc/net/route and /proc/net/ipv6_route of the calling
 * process's network namespace: plain tables, no tool to run.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "drivers/network/network_priv.h"

/* prefix as an IPv4 netmask in network order */
static guint32 mask4(unsigned int prefix)
{
    return prefix == 0 ? 0 : htonl(0xffffffffu << (32 - (prefix > 32 ? 32 : prefix)));
}

static bool route4_in_use(const char *subnet, unsigned int prefix, const char *skip_dev,
                          char **dev)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    struct in_addr net;

    if (inet_pton(AF_INET, subnet, &net) != 1 ||
        !g_file_get_contents("/proc/net/route", &text, NULL, NULL))
        return false;
    lines = g_strsplit(text, "\n", -1);
    /* Iface Destination Gateway Flags RefCnt Use Metric Mask ...: the
     * kernel prints the raw (network order) words in hex */
    for (guint i = 1; lines[i]; i++) {
        char iface[64];
        unsigned int dest, gw, flags, refcnt, use, metric, mask;

        if (sscanf(lines[i], "%63s %x %x %x %u %u %u %x", iface, &dest, &gw, &flags, &refcnt,
                   &use, &metric, &mask) != 8)
            continue;
        if (skip_dev && strcmp(iface, skip_dev) == 0)
            continue;
        if (dest == net.s_addr && mask == mask4(prefix)) {
            *dev = g_strdup(iface);
            return true;
        }
    }
    return false;
}

static bool route6_in_use(const char *subnet, unsigned int prefix, const char *skip_dev,
                          char **dev)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    struct in6_addr net;
    char want[33];

    if (inet_pton(AF_INET6, subnet, &net) != 1 ||
        !g_file_get_contents("/proc/net/ipv6_route", &text, NULL, NULL))
        return false;
    for (int i = 0; i < 16; i++)
        snprintf(want + 2 * i, 3, "%02x", net.s6_addr[i]);
    lines = g_strsplit(text, "\n", -1);
    /* dest dest_prefix src src_prefix nexthop metric refcnt use flags iface */
    for (guint i = 0; lines[i]; i++) {
        char dest[33], src[33], hop[33], iface[64];
        unsigned int dplen, splen, metric, refcnt, use, flags;

        if (sscanf(lines[i], "%32s %x %32s %x %32s %x %x %x %x %63s", dest, &dplen, src, &splen,
                   hop, &metric, &refcnt, &use, &flags, iface) != 10)
            continue;
        if (skip_dev && strcmp(iface, skip_dev) == 0)
            continue;
        if (strcmp(iface, "lo") == 0)
            continue; /* the host's own addresses, not routes to a link */
        if (dplen == prefix && g_ascii_strcasecmp(dest, want) == 0) {
            *dev = g_strdup(iface);
            return true;
        }
    }
    return false;
}

bool network_route_in_use(int family, const char *subnet, unsigned int prefix,
                          const char *skip_dev, char **dev)
{
    *dev = NULL;
    if (family == AF_INET6)
        return route6_in_use(subnet, prefix, skip_dev, dev);
    return route4_in_use(subnet, prefix, skip_dev, dev);
}
