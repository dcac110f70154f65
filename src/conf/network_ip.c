/*
 * network_ip.c: <ip> of a network, with its <dhcp> ranges, hosts and
 * bootp, and <tftp>.
 *
 * Error codes and texts are libvirt's (network_conf.c, and its range
 * checks in virsocketaddr.c, which report INTERNAL_ERROR); each names the
 * network.  Addresses are stored in canonical form (inet_ntop), as
 * libvirt writes them back.  One check is vireo's own: a static host's
 * address must lie in its <ip>'s subnet, since dnsmasq would never hand
 * it out otherwise.
 */
#include <string.h>
#include <sys/socket.h>

#include "conf/network_priv.h"
#include "util/error.h"
#include "util/mac.h"

const char *const network_lease_units[] = { "seconds", "minutes", "hours", NULL };
static const unsigned long long lease_unit_secs[] = { 1, 60, 3600 };

void network_dhcp_range_free(gpointer p)
{
    network_dhcp_range *r = p;

    g_free(r->start);
    g_free(r->end);
    g_free(r);
}

void network_dhcp_host_free(gpointer p)
{
    network_dhcp_host *h = p;

    if (!h)
        return;
    g_free(h->mac);
    g_free(h->id);
    g_free(h->name);
    g_free(h->ip);
    g_free(h);
}

void network_ip_free(gpointer p)
{
    network_ip *ip = p;

    if (!ip)
        return;
    g_free(ip->address);
    g_free(ip->netmask);
    g_free(ip->localptr);
    if (ip->ranges)
        g_ptr_array_unref(ip->ranges);
    if (ip->hosts)
        g_ptr_array_unref(ip->hosts);
    g_free(ip->bootp_file);
    g_free(ip->bootp_server);
    g_free(ip->tftp_root);
    g_free(ip);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_dhcp_range, network_dhcp_range_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_dhcp_host, network_dhcp_host_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_ip, network_ip_free)

int network_lease_parse(xml_doc *d, xmlNode *parent, unsigned long long *seconds, bool *infinite,
                        int *unit)
{
    xmlNode *lease = xml_child(d, parent, "lease");
    uint64_t expiry = 0;
    int rc, u = 1;  /* minutes, libvirt's default */

    if (!lease)
        return 0;
    /* without expiry libvirt ignores the element; its unit stays unread */
    if ((rc = xml_attr_u64(d, lease, "expiry", &expiry)) <= 0)
        return rc;
    if (xml_attr_enum(d, lease, "unit", network_lease_units, &u) < 0)
        return -1;
    if (expiry > 0 && ((u == 0 && expiry < 120) || (u == 1 && expiry < 2))) {
        error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "The minimum lease time should be greater than 2 minutes (line %ld)",
                     xmlGetLineNo(lease));
        return -1;
    }
    if (expiry > G_MAXUINT64 / lease_unit_secs[u]) {
        g_autofree char *v = g_strdup_printf("%" G_GUINT64_FORMAT, expiry);

        xml_report_invalid(d, lease, "expiry", v);
        return -1;
    }
    *unit = u;
    *infinite = expiry == 0;
    *seconds = expiry * lease_unit_secs[u];
    return 0;
}

/* The attribute attr of node as a canonical address of family, in *out;
 * *out NULL when absent.  -1 (no error set) when malformed. */
static int attr_addr(xml_doc *d, xmlNode *node, const char *attr, int family, char **out,
                     char **raw)
{
    net_addr a;

    *out = NULL;
    *raw = xml_attr(d, node, attr);
    if (!*raw)
        return 0;
    if (net_addr_parse(*raw, family, &a) < 0)
        return -1;
    *out = net_addr_format(&a);
    return 1;
}

/* libvirt's range checks, with start and end already parsed */
static int check_range(xml_doc *d, const char *name, const network_ip *ip, const net_addr *s,
                       const net_addr *e, const char *ss, const char *es)
{
    net_addr net, netaddr, bcast;
    int dom = d->err_domain;
    unsigned int n = s->family == AF_INET ? 4 : 16;

    network_ip_addr(ip, &net);
    if (s->family != e->family || s->family != net.family) {
        error_report(dom, VIREO_ERR_INTERNAL_ERROR,
                     "mismatch of address family in range %s - %s for network %s (network '%s')",
                     ss, es, ip->address, name);
        return -1;
    }
    if (!net_addr_same_subnet(s, &net, ip->prefix) || !net_addr_same_subnet(e, &net, ip->prefix)) {
        error_report(dom, VIREO_ERR_INTERNAL_ERROR,
                     "range %s - %s is not entirely within network %s/%u (network '%s')", ss, es,
                     ip->address, ip->prefix, name);
        return -1;
    }
    if (s->family == AF_INET) {
        net_addr_network(&net, ip->prefix, &netaddr);
        net_addr_broadcast(&net, ip->prefix, &bcast);
        if (net_addr_cmp(s, &netaddr) == 0) {
            error_report(dom, VIREO_ERR_INTERNAL_ERROR,
                         "start of range %s - %s in network %s/%u is the network address "
                         "(network '%s')", ss, es, ip->address, ip->prefix, name);
            return -1;
        }
        if (net_addr_cmp(e, &bcast) == 0) {
            error_report(dom, VIREO_ERR_INTERNAL_ERROR,
                         "end of range %s - %s in network %s/%u is the broadcast address "
                         "(network '%s')", ss, es, ip->address, ip->prefix, name);
            return -1;
        }
    }
    /* libvirt's legacy limit: only the last 16 bits may differ */
    if (memcmp(s->b, e->b, n - 2) != 0) {
        error_report(dom, VIREO_ERR_INTERNAL_ERROR, "range %s - %s is too large (> 65535) "
                     "(network '%s')", ss, es, name);
        return -1;
    }
    if (net_addr_cmp(s, e) > 0) {
        error_report(dom, VIREO_ERR_INTERNAL_ERROR, "range %s - %s %s (network '%s')", ss, es,
                     s->family == AF_INET ? "is reversed" : "start larger than end", name);
        return -1;
    }
    return 0;
}

int network_dhcp_range_parse(xml_doc *d, xmlNode *node, const char *name, const network_ip *ip,
                             network_dhcp_range **out)
{
    g_autoptr(network_dhcp_range) r = g_new0(network_dhcp_range, 1);
    g_autofree char *rs = NULL, *re = NULL;
    net_addr s, e;
    int rc;

    if ((rc = attr_addr(d, node, "start", AF_UNSPEC, &r->start, &rs)) == 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Missing 'start' attribute in dhcp range for network '%s'", name);
        return -1;
    }
    if (rc > 0 && (rc = attr_addr(d, node, "end", AF_UNSPEC, &r->end, &re)) == 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Missing 'end' attribute in dhcp range for network '%s'", name);
        return -1;
    }
    if (rc < 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Invalid address '%s' in dhcp range of network '%s'", re ? re : rs, name);
        return -1;
    }
    net_addr_parse(r->start, AF_UNSPEC, &s);
    net_addr_parse(r->end, AF_UNSPEC, &e);
    if (check_range(d, name, ip, &s, &e, r->start, r->end) < 0 ||
        network_lease_parse(d, node, &r->lease_seconds, &r->lease_infinite, &r->lease_unit) < 0)
        return -1;
    *out = g_steal_pointer(&r);
    return 0;
}

static int host_check_mac(xml_doc *d, network_dhcp_host *h, const char *name,
                          const network_ip *ip)
{
    unsigned char mac[MAC_BUFLEN];
    char buf[MAC_STRING_BUFLEN];

    if (ip->family == AF_INET6) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Invalid to specify MAC address '%s' in network '%s' IPv6 static host "
                     "definition", h->mac, name);
        return -1;
    }
    if (mac_parse(h->mac, mac) < 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Cannot parse MAC address '%s' in network '%s'", h->mac, name);
        return -1;
    }
    if (mac_is_multicast(mac)) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "expected unicast mac address, found multicast '%s' in network '%s'",
                     h->mac, name);
        return -1;
    }
    mac_format(mac, buf);
    g_free(h->mac);
    h->mac = g_strdup(buf);
    return 0;
}

static int host_check_names(xml_doc *d, const network_dhcp_host *h, const char *name)
{
    const char *bad;

    if (h->id && *(bad = h->id + strspn(h->id, "0123456789abcdefABCDEF:"))) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Invalid character '%c' in id '%s' of network '%s'", *bad, h->id, name);
        return -1;
    }
    if (h->name && !g_ascii_isalnum(h->name[0])) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Cannot use host name '%s' in network '%s'", h->name, name);
        return -1;
    }
    return 0;
}

/* what a full (not partial) host needs */
static int host_check_complete(xml_doc *d, const network_dhcp_host *h, const char *name,
                               const network_ip *ip)
{
    if (ip->family == AF_INET6 && !h->id && !h->name) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Static host definition in IPv6 network '%s' must have id or name "
                     "attribute", name);
        return -1;
    }
    if (ip->family == AF_INET && !h->mac && !h->name) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Static host definition in IPv4 network '%s' must have mac or name "
                     "attribute", name);
        return -1;
    }
    if (!h->ip) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Missing IP address in static host definition for network '%s'", name);
        return -1;
    }
    /* canonical IPv6 text always holds a ':', IPv4 never */
    if ((strchr(h->ip, ':') == NULL) != (ip->family == AF_INET)) {
        error_report(d->err_domain, VIREO_ERR_OPERATION_INVALID,
                     "the address family of a host entry IP must match the address family of "
                     "the dhcp element's parent (network '%s')", name);
        return -1;
    }
    if (!network_ip_contains(ip, h->ip)) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "host address '%s' is not within network %s/%u (network '%s')", h->ip,
                     ip->address, ip->prefix, name);
        return -1;
    }
    return 0;
}

int network_dhcp_host_parse(xml_doc *d, xmlNode *node, const char *name, const network_ip *ip,
                            bool partial, network_dhcp_host **out)
{
    g_autoptr(network_dhcp_host) h = g_new0(network_dhcp_host, 1);
    g_autofree char *raw = NULL;

    h->mac = xml_attr(d, node, "mac");
    if (h->mac && host_check_mac(d, h, name, ip) < 0)
        return -1;
    h->id = xml_attr(d, node, "id");
    h->name = xml_attr(d, node, "name");
    if (host_check_names(d, h, name) < 0)
        return -1;
    if (attr_addr(d, node, "ip", AF_UNSPEC, &h->ip, &raw) < 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Invalid IP address in static host definition for network '%s'", name);
        return -1;
    }
    if (partial && !h->mac && !h->name && !h->ip) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "At least one of name, mac, or ip attribute must be specified for static "
                     "host definition in network '%s'", name);
        return -1;
    }
    if (!partial && host_check_complete(d, h, name, ip) < 0)
        return -1;
    if (network_lease_parse(d, node, &h->lease_seconds, &h->lease_infinite, &h->lease_unit) < 0)
        return -1;
    *out = g_steal_pointer(&h);
    return 0;
}

static int parse_dhcp(xml_doc *d, xmlNode *dhcp, const char *name, network_ip *ip)
{
    g_autoptr(GPtrArray) ranges = xml_children(d, dhcp, "range");
    g_autoptr(GPtrArray) hosts = xml_children(d, dhcp, "host");
    xmlNode *bootp;

    ip->has_dhcp = true;
    for (guint i = 0; i < ranges->len; i++) {
        network_dhcp_range *r;

        if (network_dhcp_range_parse(d, ranges->pdata[i], name, ip, &r) < 0)
            return -1;
        g_ptr_array_add(ip->ranges, r);
    }
    for (guint i = 0; i < hosts->len; i++) {
        network_dhcp_host *h;

        if (network_dhcp_host_parse(d, hosts->pdata[i], name, ip, false, &h) < 0)
            return -1;
        g_ptr_array_add(ip->hosts, h);
    }
    /* libvirt reads <bootp> of IPv4 only; for IPv6 it stays unread */
    if (ip->family == AF_INET && (bootp = xml_child(d, dhcp, "bootp"))) {
        g_autofree char *raw = NULL;

        if (!(ip->bootp_file = xml_attr(d, bootp, "file"))) {
            xml_report_missing(d, bootp, "attribute 'file'");
            return -1;
        }
        if (attr_addr(d, bootp, "server", AF_UNSPEC, &ip->bootp_server, &raw) < 0) {
            error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                         "Invalid bootp server address '%s' in network '%s'", raw, name);
            return -1;
        }
    }
    return 0;
}

/* family='' against the address: libvirt's checks and codes */
static int check_family(xml_doc *d, const char *family, const net_addr *a, const char *address,
                        const char *name)
{
    if (!family || strcmp(family, "ipv4") == 0) {
        if (a->family != AF_INET) {
            error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "%s family specified for non-IPv4 address '%s' in network '%s'",
                         family ? "ipv4" : "no", address, name);
            return -1;
        }
    } else if (strcmp(family, "ipv6") == 0) {
        if (a->family != AF_INET6) {
            error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "Family 'ipv6' specified for non-IPv6 address '%s' in network '%s'",
                         address, name);
            return -1;
        }
    } else {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Unrecognized family '%s' in network '%s'", family, name);
        return -1;
    }
    return 0;
}

/* netmask='' and prefix='' into ip->prefix */
static int parse_prefix(xml_doc *d, xmlNode *node, const char *name, const net_addr *a,
                        network_ip *ip)
{
    unsigned int prefix = 0;
    net_addr m;
    int bits = 0;

    if (xml_attr_uint(d, node, "prefix", &prefix) < 0)
        return -1;
    if ((ip->netmask = xml_attr(d, node, "netmask"))) {
        if (net_addr_parse(ip->netmask, AF_UNSPEC, &m) < 0 ||
            (m.family == AF_INET && (bits = net_addr_mask_bits(&m)) < 0)) {
            error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                         "Invalid netmask '%s' in network '%s'", ip->netmask, name);
            return -1;
        }
        if (a->family == AF_INET6) {
            error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "netmask not allowed for IPv6 address '%s' in network '%s'",
                         ip->address, name);
            return -1;
        }
        if (m.family != AF_INET) {
            error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "Invalid netmask '%s' for address '%s' in network '%s' (both must be "
                         "IPv4)", ip->netmask, ip->address, name);
            return -1;
        }
        if (prefix > 0) {
            error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "Network '%s' IP address cannot have both a prefix and a netmask",
                         name);
            return -1;
        }
        g_free(ip->netmask);
        ip->netmask = net_addr_format(&m);
        ip->prefix = (unsigned int)bits;
        return 0;
    }
    if (prefix > (a->family == AF_INET ? 32u : 128u)) {
        error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "Invalid %s prefix '%u' in network '%s'",
                     a->family == AF_INET ? "IPv4" : "IPv6", prefix, name);
        return -1;
    }
    ip->has_prefix = prefix > 0;
    if (prefix > 0) {
        ip->prefix = prefix;
    } else if ((bits = net_addr_natural_prefix(a)) >= 0) {
        ip->prefix = (unsigned int)bits;
    } else {
        error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "address '%s' in network '%s' needs a prefix or netmask: it has no "
                     "natural one", ip->address, name);
        return -1;
    }
    return 0;
}

static int parse_ip_body(xml_doc *d, xmlNode *node, const char *name, network_ip *ip)
{
    static const char *const yesno[] = { "yes", "no", NULL };
    g_autofree char *family = xml_attr(d, node, "family");
    g_autofree char *raw = xml_attr(d, node, "address");
    xmlNode *dhcp, *tftp;
    net_addr a;

    ip->has_family = family != NULL;
    if (!raw) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Missing required address attribute in network '%s'", name);
        return -1;
    }
    if (net_addr_parse(raw, AF_UNSPEC, &a) < 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR, "Invalid address '%s' in network '%s'",
                     raw, name);
        return -1;
    }
    ip->address = net_addr_format(&a);
    ip->family = a.family;
    if (check_family(d, family, &a, raw, name) < 0 || parse_prefix(d, node, name, &a, ip) < 0 ||
        xml_attr_choice(d, node, "localPtr", yesno, &ip->localptr) < 0)
        return -1;
    if ((dhcp = xml_child(d, node, "dhcp")) && parse_dhcp(d, dhcp, name, ip) < 0)
        return -1;
    if ((tftp = xml_child(d, node, "tftp"))) {
        if (ip->family != AF_INET) {
            error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "Unsupported <tftp> element in an IPv6 element in network '%s'", name);
            return -1;
        }
        ip->tftp_root = xml_attr(d, tftp, "root");
    }
    return 0;
}

int network_ip_parse(xml_doc *d, xmlNode *node, const char *name, network_ip **out)
{
    g_autoptr(network_ip) ip = g_new0(network_ip, 1);

    ip->ranges = g_ptr_array_new_with_free_func(network_dhcp_range_free);
    ip->hosts = g_ptr_array_new_with_free_func(network_dhcp_host_free);
    if (parse_ip_body(d, node, name, ip) < 0)
        return -1;
    *out = g_steal_pointer(&ip);
    return 0;
}
