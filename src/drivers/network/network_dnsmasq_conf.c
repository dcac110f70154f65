/*
 * network_dnsmasq_conf.c: the text of a network's dnsmasq files (the
 * configuration, the DHCP hosts file, the DNS hosts file), laid out as
 * libvirt lays out its own so that a reader of one knows the other.
 */
#include <arpa/inet.h>
#include <string.h>

#include "drivers/network/network_dnsmasq.h"

/* dnsmasq reads options from the file only: nothing of the host's
 * /etc/dnsmasq.conf, and it keeps root so it can rewrite our files. */
static const char conf_header[] =
    "##WARNING:  THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
    "##OVERWRITTEN AND LOST.  Changes to this configuration should be made using:\n"
    "##    virsh net-edit %s\n"
    "## or other application using the libvirt API.\n"
    "##\n"
    "## dnsmasq conf file created by vireo\n";

char *dnsmasq_path(const char *run_dir, const char *name, const char *suffix)
{
    g_autofree char *file = g_strconcat(name, suffix, NULL);

    return g_build_filename(run_dir, file, NULL);
}

static bool dns_enabled(const network_def *def)
{
    return def->dns.enable != 0;
}

static bool ip_has_dhcp(const network_ip *ip)
{
    return (ip->ranges && ip->ranges->len) || (ip->hosts && ip->hosts->len);
}

/* The first <ip> of family that serves DHCP (libvirt allows one each) */
static const network_ip *dhcp_ip(const network_def *def, int family)
{
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const network_ip *ip = g_ptr_array_index(def->ips, i);

        if (ip->family == family && ip_has_dhcp(ip))
            return ip;
    }
    return NULL;
}

bool dnsmasq_needed(const network_def *def)
{
    switch (def->forward) {
    case NETWORK_FORWARD_NONE:
    case NETWORK_FORWARD_NAT:
    case NETWORK_FORWARD_ROUTE:
    case NETWORK_FORWARD_OPEN:
        break;
    default:
        return false;   /* no bridge of ours to serve */
    }
    if (!def->ips || !def->ips->len)
        return false;   /* DNS and DHCP both need an address on the bridge */
    if (dns_enabled(def))
        return true;
    for (guint i = 0; i < def->ips->len; i++) {
        const network_ip *ip = g_ptr_array_index(def->ips, i);

        /* IPv6 gets router advertisements from dnsmasq even without DHCP */
        if (ip_has_dhcp(ip) || ip->family == AF_INET6)
            return true;
    }
    return false;
}

/* The prefix as a dotted netmask ("255.255.255.0") into buf */
static void prefix_netmask(unsigned int prefix, char buf[INET_ADDRSTRLEN])
{
    struct in_addr a = { .s_addr = htonl(prefix ? 0xffffffffu << (32 - MIN(prefix, 32)) : 0) };

    inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* The last up to 8 bytes of an address as a number */
static unsigned long long addr_low64(const unsigned char *a, int len)
{
    unsigned long long n = 0;

    for (int i = MAX(0, len - 8); i < len; i++)
        n = (n << 8) | a[i];
    return n;
}

/* How many addresses lie in [start, end], capped (it only sizes
 * dhcp-lease-max); 0 when unreadable */
static unsigned long long range_size(int family, const char *start, const char *end)
{
    const unsigned long long cap = 1ULL << 24;
    unsigned char s[16], e[16];
    unsigned long long lo, hi;
    int len = family == AF_INET6 ? 16 : 4;

    if (inet_pton(family, start, s) != 1 || inet_pton(family, end, e) != 1)
        return 0;
    if (len > 8 && memcmp(s, e, len - 8) != 0)
        return cap;
    lo = addr_low64(s, len);
    hi = addr_low64(e, len);
    return hi < lo ? 0 : MIN(hi - lo + 1, cap);
}

/* ",2h": in the unit it was written in, as libvirt */
static void append_lease(GString *buf, unsigned long long seconds, bool infinite, int unit)
{
    if (infinite)
        g_string_append(buf, ",infinite");
    else if (seconds && unit == 2 && seconds % 3600 == 0)
        g_string_append_printf(buf, ",%lluh", seconds / 3600);
    else if (seconds && unit == 1 && seconds % 60 == 0)
        g_string_append_printf(buf, ",%llum", seconds / 60);
    else if (seconds)
        g_string_append_printf(buf, ",%llus", seconds);
}

/* The reverse zone of ip's subnet ("122.168.192.in-addr.arpa"), NULL
 * when the prefix does not end on a label boundary */
static char *reverse_zone(const network_ip *ip)
{
    unsigned char a[16];
    GString *zone;

    if (inet_pton(ip->family, ip->address, a) != 1)
        return NULL;
    zone = g_string_new(NULL);
    if (ip->family == AF_INET) {
        if (ip->prefix % 8 || ip->prefix == 0 || ip->prefix > 24)
            return (g_string_free(zone, TRUE), NULL);
        for (int i = (int)ip->prefix / 8 - 1; i >= 0; i--)
            g_string_append_printf(zone, "%u.", a[i]);
        g_string_append(zone, "in-addr.arpa");
    } else {
        if (ip->prefix % 4 || ip->prefix == 0 || ip->prefix > 124)
            return (g_string_free(zone, TRUE), NULL);
        for (int n = (int)ip->prefix / 4 - 1; n >= 0; n--)
            g_string_append_printf(zone, "%x.", n % 2 ? a[n / 2] & 0xf : a[n / 2] >> 4);
        g_string_append(zone, "ip6.arpa");
    }
    return g_string_free(zone, FALSE);
}

/* The DNS part before the listening options: upstream servers, names
 * kept local, the domain */
static void conf_dns_upstream(GString *buf, const network_def *def)
{
    bool no_resolv = false;

    for (guint i = 0; def->dns.forwarders && i < def->dns.forwarders->len; i++) {
        const network_dns_forwarder *f = g_ptr_array_index(def->dns.forwarders, i);

        if (f->domain)
            g_string_append_printf(buf, "server=/%s/%s\n", f->domain, f->addr ? f->addr : "#");
        else if (f->addr) {
            g_string_append_printf(buf, "server=%s\n", f->addr);
            no_resolv = true;   /* the forwarders replace the host's resolv.conf */
        }
    }
    if (no_resolv)
        g_string_append(buf, "no-resolv\n");
    if (def->dns.forward_plain_names == 0)
        g_string_append(buf, "domain-needed\nlocal=//\n");
    if (def->domain_name) {
        g_string_append_printf(buf, "domain=%s\nexpand-hosts\n", def->domain_name);
        if (def->domain_local_only == 1)
            g_string_append_printf(buf, "local=/%s/\n", def->domain_name);
    }
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const network_ip *ip = g_ptr_array_index(def->ips, i);
        g_autofree char *zone = NULL;

        if (!ip->localptr || g_strcmp0(ip->localptr, "yes") != 0)
            continue;
        zone = reverse_zone(ip);
        if (zone)
            g_string_append_printf(buf, "local=/%s/\n", zone);
    }
}

static void conf_dns_records(GString *buf, const network_def *def)
{
    for (guint i = 0; def->dns.txts && i < def->dns.txts->len; i++) {
        const network_dns_txt *t = g_ptr_array_index(def->dns.txts, i);

        g_string_append_printf(buf, "txt-record=%s,%s\n", t->name, t->value ? t->value : "");
    }
    for (guint i = 0; def->dns.srvs && i < def->dns.srvs->len; i++) {
        const network_dns_srv *s = g_ptr_array_index(def->dns.srvs, i);

        g_string_append_printf(buf, "srv-host=_%s._%s", s->service, s->protocol);
        if (s->domain)
            g_string_append_printf(buf, ".%s", s->domain);
        if (s->target)
            g_string_append_printf(buf, ",%s", s->target);
        if (s->has_port)
            g_string_append_printf(buf, ",%u", s->port);
        if (s->has_priority)
            g_string_append_printf(buf, ",%u", s->priority);
        if (s->has_weight)
            g_string_append_printf(buf, ",%u", s->weight);
        g_string_append_c(buf, '\n');
    }
}

/* dhcp-range lines of one <ip>; returns the addresses it may lease */
static unsigned long long conf_dhcp_ranges(GString *buf, const network_ip *ip)
{
    char mask[INET_ADDRSTRLEN];
    g_autofree char *suffix = NULL;
    unsigned long long n = 0;

    if (ip->family == AF_INET) {
        prefix_netmask(ip->prefix, mask);
        suffix = g_strdup(mask);
    } else {
        suffix = g_strdup_printf("%u", ip->prefix);
    }
    for (guint i = 0; ip->ranges && i < ip->ranges->len; i++) {
        const network_dhcp_range *r = g_ptr_array_index(ip->ranges, i);

        g_string_append_printf(buf, "dhcp-range=%s,%s,%s", r->start, r->end, suffix);
        append_lease(buf, r->lease_seconds, r->lease_infinite, r->lease_unit);
        g_string_append_c(buf, '\n');
        n += range_size(ip->family, r->start, r->end);
    }
    /* hosts only: dnsmasq answers just the listed ones */
    if (!ip->ranges || !ip->ranges->len)
        g_string_append_printf(buf, "dhcp-range=%s,static,%s\n", ip->address, suffix);
    return n;
}

static void conf_dhcp(GString *buf, const network_def *def, const char *run_dir)
{
    const network_ip *ip4 = dhcp_ip(def, AF_INET);
    const network_ip *ip6 = dhcp_ip(def, AF_INET6);
    unsigned long long leases = 0;

    if (ip4) {
        leases += conf_dhcp_ranges(buf, ip4);
        g_string_append(buf, "dhcp-no-override\ndhcp-authoritative\n");
        if (ip4->tftp_root)
            g_string_append_printf(buf, "enable-tftp\ntftp-root=%s\n", ip4->tftp_root);
        if (ip4->bootp_file) {
            g_string_append_printf(buf, "dhcp-boot=%s", ip4->bootp_file);
            if (ip4->bootp_server)
                g_string_append_printf(buf, ",,%s", ip4->bootp_server);
            g_string_append_c(buf, '\n');
        }
    }
    if (ip6)
        leases += conf_dhcp_ranges(buf, ip6);
    if (ip4 || ip6) {
        g_autofree char *leasefile = dnsmasq_path(run_dir, def->name, ".leases");
        g_autofree char *hostsfile = dnsmasq_path(run_dir, def->name, ".hostsfile");

        g_string_append_printf(buf, "dhcp-leasefile=%s\n", leasefile);
        if (leases)
            g_string_append_printf(buf, "dhcp-lease-max=%llu\n", leases);
        g_string_append_printf(buf, "dhcp-hostsfile=%s\n", hostsfile);
    }
}

char *dnsmasq_conf_format(const network_def *def, const char *bridge, const char *run_dir)
{
    GString *buf = g_string_new(NULL);
    g_autofree char *pidfile = dnsmasq_path(run_dir, def->name, ".pid");
    const network_ip *ip4 = dhcp_ip(def, AF_INET);
    bool ra = false;

    g_string_append_printf(buf, conf_header, def->name);
    g_string_append(buf, "strict-order\n");
    g_string_append_printf(buf, "pid-file=%s\n", pidfile);
    g_string_append(buf, "user=root\n");
    if (!dns_enabled(def))
        g_string_append(buf, "port=0\n");
    else
        conf_dns_upstream(buf, def);
    g_string_append(buf, "except-interface=lo\nbind-dynamic\n");
    g_string_append_printf(buf, "interface=%s\n", bridge);
    if (dns_enabled(def))
        conf_dns_records(buf, def);
    conf_dhcp(buf, def, run_dir);
    if (dns_enabled(def)) {
        g_autofree char *addnhosts = dnsmasq_path(run_dir, def->name, ".addnhosts");

        g_string_append_printf(buf, "addn-hosts=%s\n", addnhosts);
    }
    if (def->mtu && ip4)
        g_string_append_printf(buf, "dhcp-option=option:mtu,%u\n", def->mtu);
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const network_ip *ip = g_ptr_array_index(def->ips, i);

        if (ip->family != AF_INET6)
            continue;
        if (ip_has_dhcp(ip))
            ra = true;
        else
            g_string_append_printf(buf, "dhcp-range=%s,ra-only\n", ip->address);
    }
    if (ra)
        g_string_append(buf, "enable-ra\n");
    return g_string_free(buf, FALSE);
}

static void hostsfile_ip(GString *buf, const network_ip *ip)
{
    for (guint i = 0; ip && ip->hosts && i < ip->hosts->len; i++) {
        const network_dhcp_host *h = g_ptr_array_index(ip->hosts, i);
        GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);

        if (ip->family == AF_INET) {
            if (h->mac)
                g_ptr_array_add(fields, g_strdup(h->mac));
            else if (h->name)
                g_ptr_array_add(fields, g_strdup(h->name));
            if (h->ip)
                g_ptr_array_add(fields, g_strdup(h->ip));
            if (h->mac && h->name)
                g_ptr_array_add(fields, g_strdup(h->name));
        } else {
            if (h->id)
                g_ptr_array_add(fields, g_strconcat("id:", h->id, NULL));
            if (h->name)
                g_ptr_array_add(fields, g_strdup(h->name));
            if (h->ip)
                g_ptr_array_add(fields, g_strdup_printf("[%s]", h->ip));
        }
        g_ptr_array_add(fields, NULL);
        if (fields->len > 1) {
            g_autofree char *line = g_strjoinv(",", (char **)fields->pdata);

            g_string_append(buf, line);
            append_lease(buf, h->lease_seconds, h->lease_infinite, h->lease_unit);
            g_string_append_c(buf, '\n');
        }
        g_ptr_array_free(fields, TRUE);
    }
}

char *dnsmasq_hostsfile_format(const network_def *def)
{
    GString *buf = g_string_new(NULL);

    hostsfile_ip(buf, dhcp_ip(def, AF_INET));
    hostsfile_ip(buf, dhcp_ip(def, AF_INET6));
    return g_string_free(buf, FALSE);
}

char *dnsmasq_addnhosts_format(const network_def *def)
{
    GString *buf = g_string_new(NULL);

    for (guint i = 0; def->dns.hosts && i < def->dns.hosts->len; i++) {
        const network_dns_host *h = g_ptr_array_index(def->dns.hosts, i);

        if (!h->hostnames || !h->hostnames->len)
            continue;
        g_string_append(buf, h->ip);
        for (guint j = 0; j < h->hostnames->len; j++)
            g_string_append_printf(buf, "\t%s", (char *)g_ptr_array_index(h->hostnames, j));
        g_string_append_c(buf, '\n');
    }
    return g_string_free(buf, FALSE);
}
