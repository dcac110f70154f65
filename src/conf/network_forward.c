/*
 * network_forward.c: <forward> of a network (mode, dev, interface pool,
 * <nat>), and the checks across elements made once everything is read.
 *
 * Codes and texts are libvirt's: XML_ERROR for what its parser refuses,
 * CONFIG_UNSUPPORTED for what its network driver refuses at define.  The
 * pool is kept as libvirt keeps it: forward_ifaces lists every device,
 * <forward dev=''> included as the first, and forward_dev is that first.
 */
#include <string.h>
#include <sys/socket.h>

#include "conf/network_priv.h"
#include "util/error.h"

static bool mode_is_l3(network_forward_mode m)
{
    return m == NETWORK_FORWARD_NONE || m == NETWORK_FORWARD_NAT ||
           m == NETWORK_FORWARD_ROUTE || m == NETWORK_FORWARD_OPEN;
}

static int nat_address(xml_doc *d, xmlNode *nat, network_def *def)
{
    g_autoptr(GPtrArray) addrs = xml_children(d, nat, "address");
    g_autofree char *start = NULL, *end = NULL;
    net_addr s, e;

    if (addrs->len > 1) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Only one <address> element is allowed in <nat> in <forward> in network %s",
                     def->name);
        return -1;
    }
    if (!addrs->len)
        return 0;
    if (!(start = xml_attr(d, addrs->pdata[0], "start")) ||
        !(end = xml_attr(d, addrs->pdata[0], "end"))) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "missing '%s' attribute in <address> element in <nat> in <forward> in "
                     "network %s", start ? "end" : "start", def->name);
        return -1;
    }
    if (net_addr_parse(start, AF_INET, &s) < 0 || net_addr_parse(end, AF_INET, &e) < 0) {
        bool bad_start = net_addr_parse(start, AF_INET, &s) < 0;

        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Bad ipv4 %s address '%s' in <nat> in <forward> in network '%s'",
                     bad_start ? "start" : "end", bad_start ? start : end, def->name);
        return -1;
    }
    def->nat_addr_start = net_addr_format(&s);
    def->nat_addr_end = net_addr_format(&e);
    if (memcmp(s.b, e.b, 2) != 0 || net_addr_cmp(&s, &e) > 0) {
        error_report(d->err_domain, VIREO_ERR_INTERNAL_ERROR, "range %s - %s is %s (network '%s')",
                     def->nat_addr_start, def->nat_addr_end,
                     memcmp(s.b, e.b, 2) != 0 ? "too large (> 65535)" : "reversed", def->name);
        return -1;
    }
    return 0;
}

static int nat_port(xml_doc *d, xmlNode *nat, network_def *def)
{
    g_autoptr(GPtrArray) ports = xml_children(d, nat, "port");
    xmlNode *port;
    uint64_t v = 0;

    if (ports->len > 1) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Only one <port> element is allowed in <nat> in <forward> in network %s",
                     def->name);
        return -1;
    }
    if (!ports->len)
        return 0;
    port = ports->pdata[0];
    if (xml_attr_u64(d, port, "start", &v) <= 0 || v > 65535) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "Missing or invalid 'start' attribute in <port> in <nat> in <forward> in "
                     "network %s", def->name);
        return -1;
    }
    def->nat_port_start = (unsigned int)v;
    if (xml_attr_u64(d, port, "end", &v) <= 0 || v > 65535 || v < def->nat_port_start) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "Missing or invalid 'end' attribute in <port> in <nat> in <forward> in "
                     "network %s", def->name);
        return -1;
    }
    def->nat_port_end = (unsigned int)v;
    return 0;
}

static int parse_nat(xml_doc *d, xmlNode *fwd, network_def *def)
{
    g_autoptr(GPtrArray) nats = xml_children(d, fwd, "nat");
    xmlNode *nat;
    bool b;
    int rc;

    if (!nats->len)
        return 0;
    if (nats->len > 1) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Only one <nat> element is allowed in <forward> of network %s", def->name);
        return -1;
    }
    if (def->forward != NETWORK_FORWARD_NAT) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "The <nat> element can only be used when <forward> 'mode' is 'nat' in "
                     "network %s", def->name);
        return -1;
    }
    nat = nats->pdata[0];
    if ((rc = xml_attr_bool(d, nat, "ipv6", &b)) < 0)
        return -1;
    if (rc)
        def->nat_ipv6 = b;
    if (nat_address(d, nat, def) < 0 || nat_port(d, nat, def) < 0)
        return -1;
    return 0;
}

static int parse_pool(xml_doc *d, xmlNode *fwd, network_def *def)
{
    g_autoptr(GPtrArray) ifaces = xml_children(d, fwd, "interface");
    g_autofree char *dev = xml_attr(d, fwd, "dev");

    if (dev)
        g_ptr_array_add(def->forward_ifaces, g_strdup(dev));
    for (guint i = 0; i < ifaces->len; i++) {
        g_autofree char *name = xml_attr(d, ifaces->pdata[i], "dev");

        if (!name) {
            error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                         "Missing required dev attribute in <forward> <interface> element of "
                         "network %s", def->name);
            return -1;
        }
        if (i == 0 && dev) {
            if (strcmp(name, dev) != 0) {
                error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                             "<forward dev='%s'> must match first <interface dev='%s'/> in "
                             "network %s", dev, name, def->name);
                return -1;
            }
            continue;
        }
        for (guint j = 0; j < def->forward_ifaces->len; j++) {
            if (strcmp(def->forward_ifaces->pdata[j], name) == 0) {
                error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                             "interface '%s' can only be listed once in network %s", name,
                             def->name);
                return -1;
            }
        }
        g_ptr_array_add(def->forward_ifaces, g_steal_pointer(&name));
    }
    if (def->forward_ifaces->len)
        def->forward_dev = g_strdup(def->forward_ifaces->pdata[0]);
    return 0;
}

int network_forward_parse(xml_doc *d, xmlNode *root, network_def *def)
{
    static const char *const unmodelled[] = { "driver", "pf", "address", NULL };
    xmlNode *fwd = xml_child(d, root, "forward");
    g_autofree char *mode = NULL;
    bool managed = false;
    int i;

    def->forward = NETWORK_FORWARD_NONE;
    if (!fwd)
        return 0;
    if (network_refuse_unmodelled(fwd, unmodelled, def->name) < 0)
        return -1;
    /* <forward> without a mode is NAT */
    mode = xml_attr(d, fwd, "mode");
    i = mode ? str_enum_index(network_forward_names, mode) : NETWORK_FORWARD_NAT;
    if (i < 0) {
        error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "unknown forwarding type '%s' (network '%s')", mode, def->name);
        return -1;
    }
    def->forward = (network_forward_mode)i;
    if (xml_attr_bool(d, fwd, "managed", &managed) < 0)
        return -1;
    def->forward_managed = managed;
    if (parse_nat(d, fwd, def) < 0 || parse_pool(d, fwd, def) < 0)
        return -1;
    return 0;
}

/* ---- checks across elements ---- */

static int check_l3(const network_def *def, const char *mode)
{
    if (def->ips->len == 0 && def->forward != NETWORK_FORWARD_NONE) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_XML_ERROR,
                     "%s forwarding requested, but no IP address provided for network '%s'",
                     mode, def->name);
        return -1;
    }
    if (def->forward_ifaces->len > 1) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_XML_ERROR,
                     "multiple forwarding interfaces specified for network '%s', only one is "
                     "supported", def->name);
        return -1;
    }
    if (def->forward == NETWORK_FORWARD_OPEN && def->forward_ifaces->len) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_XML_ERROR,
                     "forward dev not allowed for network '%s' with forward mode='%s'",
                     def->name, mode);
        return -1;
    }
    return 0;
}

/* what libvirt's network driver refuses in the modes without a host bridge of their own */
static int check_l2_elements(const network_def *def, const char *mode)
{
    const char *what = def->mac ? "<mac>"
                       : def->ips->len ? "<ip>"
                       : (def->dns.txts->len || def->dns.hosts->len || def->dns.srvs->len)
                           ? "<dns>"
                       : def->domain_name ? "<domain>"
                                          : NULL;

    if (what) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "Unsupported %s element in network %s with forward mode='%s'", what,
                     def->name, mode);
        return -1;
    }
    if (def->forward == NETWORK_FORWARD_HOSTDEV && def->forward_ifaces->len) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "hostdev network '%s' lists '%s' in the device pool, but hostdev networks "
                     "require all devices to be listed by PCI address, not network device name",
                     def->name, (char *)def->forward_ifaces->pdata[0]);
        return -1;
    }
    return 0;
}

static int check_l2(const network_def *def, const char *mode, bool stp_given)
{
    bool bridge_mode = def->forward == NETWORK_FORWARD_BRIDGE;

    if (!bridge_mode && (def->bridge || def->zone)) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_XML_ERROR,
                     "bridge %s not allowed in %s mode (network '%s')",
                     def->bridge ? "name" : "zone", mode, def->name);
        return -1;
    }
    if (def->delay || stp_given || def->zone) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_XML_ERROR,
                     "bridge delay/stp/zone options only allowed in route, nat, and isolated "
                     "mode, not in %s (network '%s')", mode, def->name);
        return -1;
    }
    if (def->bridge && def->forward_ifaces->len) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_XML_ERROR,
                     "A network with forward mode='%s' can specify a bridge name or a forward "
                     "dev, but not both (network '%s')", mode, def->name);
        return -1;
    }
    if (def->mtu) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_XML_ERROR,
                     "mtu size only allowed in open, route, nat, and isolated mode, not in %s "
                     "(network '%s')", mode, def->name);
        return -1;
    }
    return check_l2_elements(def, mode);
}

static int check_bandwidth(const network_def *def, const char *mode)
{
    bool allowed = mode_is_l3(def->forward) ||
                   (def->forward == NETWORK_FORWARD_BRIDGE && def->bridge);

    if (def->bandwidth && !allowed) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "Unsupported network-wide <bandwidth> element in network %s with forward "
                     "mode='%s'", def->name, mode);
        return -1;
    }
    for (guint i = 0; i < def->portgroups->len; i++) {
        const network_portgroup *pg = def->portgroups->pdata[i];

        if (pg->bandwidth && !allowed) {
            error_report(VIREO_FROM_NETWORK, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "Unsupported <bandwidth> element in network '%s' in portgroup '%s' "
                         "with forward mode='%s'", def->name, pg->name, mode);
            return -1;
        }
    }
    return 0;
}

static int check_portgroups(const network_def *def)
{
    const network_portgroup *dflt = NULL;

    for (guint i = 0; i < def->portgroups->len; i++) {
        const network_portgroup *pg = def->portgroups->pdata[i];

        if (pg->is_default && dflt) {
            error_report(VIREO_FROM_NETWORK, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "network '%s' has multiple default <portgroup> elements (%s and %s), "
                         "but only one default is allowed", def->name, dflt->name, pg->name);
            return -1;
        }
        if (pg->is_default)
            dflt = pg;
        for (guint j = i + 1; j < def->portgroups->len; j++) {
            if (strcmp(pg->name, ((network_portgroup *)def->portgroups->pdata[j])->name) == 0) {
                error_report(VIREO_FROM_NETWORK, VIREO_ERR_CONFIG_UNSUPPORTED,
                             "multiple <portgroup> elements with the same name (%s) in network "
                             "'%s'", pg->name, def->name);
                return -1;
            }
        }
    }
    return 0;
}

/* one DHCP <ip> per family; DHCPv6 (dnsmasq's ranges) on a /64 only */
static int check_dhcp(const network_def *def)
{
    bool seen4 = false, seen6 = false;

    for (guint i = 0; i < def->ips->len; i++) {
        const network_ip *ip = def->ips->pdata[i];
        bool *seen = ip->family == AF_INET ? &seen4 : &seen6;

        if (!ip->ranges->len && !ip->hosts->len)
            continue;
        if (*seen) {
            error_report(VIREO_FROM_NETWORK, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "Multiple %s dhcp sections found -- dhcp is supported only for a "
                         "single %s address on each network (network '%s')",
                         ip->family == AF_INET ? "IPv4" : "IPv6",
                         ip->family == AF_INET ? "IPv4" : "IPv6", def->name);
            return -1;
        }
        *seen = true;
        if (ip->family == AF_INET6 && ip->prefix != 64) {
            error_report(VIREO_FROM_NETWORK, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "DHCP on IPv6 address '%s' of network '%s' needs prefix 64, not %u",
                         ip->address, def->name, ip->prefix);
            return -1;
        }
    }
    return 0;
}

int network_def_check(const network_def *def, bool stp_given)
{
    const char *mode = network_forward_names[def->forward];

    if (mode_is_l3(def->forward) ? check_l3(def, mode) < 0
                                 : check_l2(def, mode, stp_given) < 0)
        return -1;
    if (check_bandwidth(def, mode) < 0 || check_portgroups(def) < 0 || check_dhcp(def) < 0)
        return -1;
    return 0;
}
