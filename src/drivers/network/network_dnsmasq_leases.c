/*
 * network_dnsmasq_leases.c: a network's DHCP leases, read from the
 * lease file dnsmasq keeps (dhcp-leasefile=NAME.leases).
 *
 * The file's lines: IPv4 "EXPIRY MAC IP HOSTNAME CLIENTID", then one
 * "duid SERVER-DUID" line when DHCPv6 is on, after which the lines are
 * IPv6 "EXPIRY IAID IP HOSTNAME DUID".  "*" is an empty field, EXPIRY 0
 * never expires.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>

#include "drivers/network/network_dnsmasq.h"
#include "util/error.h"

static char *field_or_null(const char *f)
{
    return f && strcmp(f, "*") != 0 ? g_strdup(f) : NULL;
}

/* One lease line; NULL when malformed, expired or filtered out */
static vireo_network_dhcp_lease *lease_parse_line(char **f, bool v6, gint64 now,
                                                  const char *bridge, const char *mac)
{
    vireo_network_dhcp_lease *l;
    char *end = NULL;
    gint64 expiry;

    if (g_strv_length(f) < 4)
        return NULL;
    expiry = g_ascii_strtoll(f[0], &end, 10);
    if (!end || *end || expiry < 0 || (expiry != 0 && expiry <= now))
        return NULL;
    /* IPv6 leases carry no MAC: a filter on one drops them, as libvirt */
    if (mac && (v6 || g_ascii_strcasecmp(f[1], mac) != 0))
        return NULL;
    l = g_new0(vireo_network_dhcp_lease, 1);
    l->iface = g_strdup(bridge);
    l->expirytime = expiry;
    l->type = v6 ? VIREO_IP_ADDR_TYPE_IPV6 : VIREO_IP_ADDR_TYPE_IPV4;
    if (v6)
        l->iaid = g_strdup(f[1]);
    else
        l->mac = g_ascii_strdown(f[1], -1);
    l->ipaddr = g_strdup(f[2]);
    l->hostname = field_or_null(f[3]);
    l->clientid = field_or_null(f[4]);
    return l;
}

int dnsmasq_leases_parse(const char *text, gint64 now, const char *bridge, const char *mac,
                         GPtrArray *out)
{
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

    for (guint i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);
        vireo_network_dhcp_lease *l;

        if (!f[0] || !*f[0] || strcmp(f[0], "duid") == 0)
            continue;
        /* the address tells the family: dnsmasq may omit the duid line */
        l = lease_parse_line(f, f[1] && f[2] && strchr(f[2], ':'), now, bridge, mac);
        if (l)
            g_ptr_array_add(out, l);
    }
    return 0;
}

/* The prefix of bridge's address whose subnet holds addr, 0 if none */
static unsigned int lease_prefix(struct ifaddrs *ifs, const char *bridge, int family,
                                 const char *addr)
{
    unsigned char a[16];
    int len = family == AF_INET6 ? 16 : 4;

    if (inet_pton(family, addr, a) != 1)
        return 0;
    for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
        const unsigned char *ip, *mask;
        unsigned int prefix = 0;
        bool same = true;

        if (!i->ifa_addr || !i->ifa_netmask || i->ifa_addr->sa_family != family ||
            strcmp(i->ifa_name, bridge) != 0)
            continue;
        ip = family == AF_INET6
                 ? ((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr.s6_addr
                 : (const unsigned char *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr;
        mask = family == AF_INET6
                   ? ((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr.s6_addr
                   : (const unsigned char *)&((struct sockaddr_in *)i->ifa_netmask)->sin_addr;
        for (int b = 0; b < len; b++) {
            same = same && (ip[b] & mask[b]) == (a[b] & mask[b]);
            prefix += __builtin_popcount(mask[b]);
        }
        if (same)
            return prefix;
    }
    return 0;
}

int dnsmasq_leases_read(const char *name, const char *run_dir, const char *bridge,
                        const char *mac, GPtrArray *out)
{
    g_autofree char *path = dnsmasq_path(run_dir, name, ".leases");
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    struct ifaddrs *ifs = NULL;
    guint first = out->len;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return 0;   /* no lease given yet */
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_SYSTEM_ERROR,
                     "network '%s': cannot read leases '%s': %s", name, path, err->message);
        return -1;
    }
    dnsmasq_leases_parse(text, g_get_real_time() / G_USEC_PER_SEC, bridge, mac, out);
    if (getifaddrs(&ifs) < 0)
        ifs = NULL;
    for (guint i = first; i < out->len; i++) {
        vireo_network_dhcp_lease *l = g_ptr_array_index(out, i);
        int family = l->type == VIREO_IP_ADDR_TYPE_IPV6 ? AF_INET6 : AF_INET;

        l->prefix = lease_prefix(ifs, bridge, family, l->ipaddr);
        if (!l->prefix)   /* the bridge is down or gone: the usual sizes */
            l->prefix = family == AF_INET6 ? 64 : 24;
    }
    if (ifs)
        freeifaddrs(ifs);
    return 0;
}
