/*
 * network_def.c: libvirt's network XML -> network_def (parse, free,
 * copy).
 *
 * The checks are libvirt's parse-time checks (network_conf.c) plus those
 * of its network driver's define (one DHCP <ip> per family, one default
 * portgroup, the elements a forward mode allows), so a definition that
 * parses here can be started.  The uuid, bridge name and bridge MAC stay
 * empty when absent: the network driver fills them at define.
 * Everything is read through util/xml.h; what libvirt knows but vireo
 * does not model (<vlan>, <virtualport>, <route>, <dnsmasq:options>,
 * <forward><pf>...) is
 * refused with CONFIG_UNSUPPORTED naming it, and anything else unread by
 * xml_doc_check_unused() with XML_ERROR.
 */
#include <string.h>
#include <sys/socket.h>

#include "conf/network_priv.h"
#include "util/error.h"
#include "util/mac.h"
#include "util/uuid.h"

const char *const network_forward_names[] = {
    "none", "nat", "route", "open", "bridge", "private", "vepa", "passthrough", "hostdev", NULL,
};

void network_portgroup_free(gpointer p)
{
    network_portgroup *pg = p;

    if (!pg)
        return;
    g_free(pg->name);
    bandwidth_free(pg->bandwidth);
    g_free(pg);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_portgroup, network_portgroup_free)

void network_def_free(network_def *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_free(def->forward_dev);
    if (def->forward_ifaces)
        g_ptr_array_unref(def->forward_ifaces);
    g_free(def->nat_addr_start);
    g_free(def->nat_addr_end);
    g_free(def->bridge);
    g_free(def->mac);
    g_free(def->zone);
    g_free(def->domain_name);
    network_dns_clear(&def->dns);
    if (def->ips)
        g_ptr_array_unref(def->ips);
    if (def->portgroups)
        g_ptr_array_unref(def->portgroups);
    bandwidth_free(def->bandwidth);
    g_free(def);
}

/* A deep copy through the XML, as libvirt does: format writes all a
 * definition holds, and what parsed once parses again. */
network_def *network_def_copy(const network_def *def)
{
    g_autofree char *xml = network_def_format(def);
    network_def *copy = network_def_parse(xml);

    if (copy)
        memcpy(copy->uuid, def->uuid, sizeof(copy->uuid));
    return copy;
}

network_ip *network_def_dhcp_ip(const network_def *def, int family)
{
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        network_ip *ip = def->ips->pdata[i];

        if (ip->family == family && (ip->ranges->len || ip->hosts->len))
            return ip;
    }
    return NULL;
}

int network_refuse_unmodelled(xmlNode *parent, const char *const *names, const char *name)
{
    for (const char *const *n = names; *n; n++) {
        if ((*n)[0] == '@') {
            if (xmlHasProp(parent, (const xmlChar *)*n + 1)) {
                error_report(VIREO_FROM_NETWORK, VIREO_ERR_CONFIG_UNSUPPORTED,
                             "attribute '%s' of <%s> is not supported by vireo (network '%s', "
                             "line %ld)", *n + 1, parent->name, name, xmlGetLineNo(parent));
                return -1;
            }
            continue;
        }
        for (xmlNode *c = parent->children; c; c = c->next) {
            if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, *n) == 0) {
                bool ns = c->ns && c->ns->prefix;

                error_report(VIREO_FROM_NETWORK, VIREO_ERR_CONFIG_UNSUPPORTED,
                             "<%s%s%s> in <%s> is not supported by vireo (network '%s', line %ld)",
                             ns ? (const char *)c->ns->prefix : "", ns ? ":" : "", *n,
                             parent->name, name, xmlGetLineNo(c));
                return -1;
            }
        }
    }
    return 0;
}

int network_portgroup_parse(xml_doc *d, xmlNode *node, const char *name,
                            network_portgroup **out)
{
    static const char *const unmodelled[] = { "vlan", "virtualport", NULL };
    g_autoptr(network_portgroup) pg = g_new0(network_portgroup, 1);
    g_autofree char *dflt = NULL;
    bool b;
    int rc;

    pg->trust_guest_rx_filters = -1;
    if (!(pg->name = xml_attr(d, node, "name"))) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Missing required name attribute in portgroup (network '%s')", name);
        return -1;
    }
    dflt = xml_attr(d, node, "default");
    pg->is_default = dflt && g_ascii_strcasecmp(dflt, "yes") == 0;
    if ((rc = xml_attr_bool(d, node, "trustGuestRxFilters", &b)) < 0)
        return -1;
    if (rc)
        pg->trust_guest_rx_filters = b;
    if (network_refuse_unmodelled(node, unmodelled, name) < 0 ||
        bandwidth_parse_floor(d, node, false, &pg->bandwidth) < 0)
        return -1;
    *out = g_steal_pointer(&pg);
    return 0;
}

/* ---- the whole document ---- */

static int parse_names(xml_doc *d, xmlNode *root, network_def *def)
{
    xmlNode *uuid_node;
    g_autofree char *uuid = NULL;

    def->name = xml_child_text(d, root, "name");
    if (!def->name) {
        error_report(d->err_domain, VIREO_ERR_NO_NAME, "missing name of network");
        return -1;
    }
    /* '/' by libvirt's parser, a line break by its network driver */
    if (strchr(def->name, '/')) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL, "invalid char in name: / "
                     "(network '%s')", def->name);
        return -1;
    }
    if (strchr(def->name, '\n')) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL, "invalid char in name: 0x0a");
        return -1;
    }
    if ((uuid_node = xml_child(d, root, "uuid")) && (uuid = xml_text(d, uuid_node)) &&
        uuid_parse(g_strstrip(uuid), def->uuid) < 0) {
        error_report(d->err_domain, VIREO_ERR_INTERNAL_ERROR,
                     "malformed uuid element '%s' of network '%s' (line %ld)", uuid, def->name,
                     xmlGetLineNo(uuid_node));
        return -1;
    }
    def->title = xml_child_text(d, root, "title");
    if (def->title && strchr(def->title, '\n')) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Network title can't contain newlines (network '%s')", def->name);
        return -1;
    }
    def->description = xml_child_text(d, root, "description");
    return 0;
}

/* a tristate attribute (yes/no) into *out: -1 unset */
static int attr_tristate(xml_doc *d, xmlNode *node, const char *attr, int *out)
{
    bool b;
    int rc = xml_attr_bool(d, node, attr, &b);

    *out = rc == 1 ? b : -1;
    return rc < 0 ? -1 : 0;
}

static int parse_bridge(xml_doc *d, xmlNode *root, network_def *def, bool *stp_given)
{
    static const char *const onoff[] = { "off", "on", NULL };
    static const char *const unmodelled[] = { "@macTableManager", NULL };
    xmlNode *br = xml_child(d, root, "bridge");
    int stp = 1;
    int rc;

    def->stp = -1;
    *stp_given = false;
    if (!br)
        return 0;
    if (network_refuse_unmodelled(br, unmodelled, def->name) < 0)
        return -1;
    def->bridge = xml_attr(d, br, "name");
    def->zone = xml_attr(d, br, "zone");
    /* libvirt: anything but 'off' is on; vireo reads on/off only */
    if ((rc = xml_attr_enum(d, br, "stp", onoff, &stp)) < 0)
        return -1;
    if (rc) {
        def->stp = stp;
        *stp_given = true;
    }
    if (xml_attr_uint(d, br, "delay", &def->delay) < 0)
        return -1;
    return 0;
}

static int parse_mac_mtu(xml_doc *d, xmlNode *root, network_def *def)
{
    xmlNode *node;

    if ((node = xml_child(d, root, "mac"))) {
        unsigned char mac[MAC_BUFLEN];
        char buf[MAC_STRING_BUFLEN];

        def->mac = xml_attr(d, node, "address");
        if (def->mac && mac_parse(def->mac, mac) < 0) {
            error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                         "Invalid bridge mac address '%s' in network '%s'", def->mac, def->name);
            return -1;
        }
        if (def->mac && mac_is_multicast(mac)) {
            error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                         "Invalid multicast bridge mac address '%s' in network '%s'", def->mac,
                         def->name);
            return -1;
        }
        if (def->mac) {
            mac_format(mac, buf);
            g_free(def->mac);
            def->mac = g_strdup(buf);
        }
    }
    if ((node = xml_child(d, root, "mtu")) && xml_attr_uint(d, node, "size", &def->mtu) < 0)
        return -1;
    return 0;
}

static int parse_domain(xml_doc *d, xmlNode *root, network_def *def)
{
    xmlNode *node = xml_child(d, root, "domain");

    def->domain_local_only = -1;
    if (!node)
        return 0;
    def->domain_name = xml_attr(d, node, "name");
    return attr_tristate(d, node, "localOnly", &def->domain_local_only);
}

static int parse_lists(xml_doc *d, xmlNode *root, network_def *def)
{
    g_autoptr(GPtrArray) pgs = xml_children(d, root, "portgroup");
    g_autoptr(GPtrArray) ips = xml_children(d, root, "ip");
    xmlNode *dns;

    def->portgroups = g_ptr_array_new_with_free_func(network_portgroup_free);
    def->ips = g_ptr_array_new_with_free_func(network_ip_free);
    if ((dns = xml_child(d, root, "dns")) && network_dns_parse(d, dns, def->name, &def->dns) < 0)
        return -1;
    for (guint i = 0; i < pgs->len; i++) {
        network_portgroup *pg;

        if (network_portgroup_parse(d, pgs->pdata[i], def->name, &pg) < 0)
            return -1;
        g_ptr_array_add(def->portgroups, pg);
    }
    for (guint i = 0; i < ips->len; i++) {
        network_ip *ip;

        if (network_ip_parse(d, ips->pdata[i], def->name, &ip) < 0)
            return -1;
        g_ptr_array_add(def->ips, ip);
    }
    return 0;
}

static int parse_top(xml_doc *d, xmlNode *root, network_def *def, bool *stp_given)
{
    static const char *const unmodelled[] = {
        "metadata", "vlan", "virtualport", "port", "route", "options", "@connections", NULL,
    };
    int rc;
    bool b;

    if (parse_names(d, root, def) < 0)
        return -1;
    if (network_refuse_unmodelled(root, unmodelled, def->name) < 0)
        return -1;
    def->ipv6 = -1;
    if ((rc = xml_attr_bool(d, root, "ipv6", &b)) < 0)
        return -1;
    if (rc)
        def->ipv6 = b;
    if (attr_tristate(d, root, "trustGuestRxFilters", &def->trust_guest_rx_filters) < 0 ||
        parse_domain(d, root, def) < 0 ||
        bandwidth_parse_floor(d, root, false, &def->bandwidth) < 0 ||
        parse_bridge(d, root, def, stp_given) < 0 || parse_mac_mtu(d, root, def) < 0)
        return -1;
    return parse_lists(d, root, def);
}

network_def *network_def_parse(const char *xml)
{
    g_autoptr(xml_doc) d = xml_doc_parse(xml, "network_definition", VIREO_FROM_NETWORK);
    g_autoptr(network_def) def = NULL;
    bool stp_given = false;
    xmlNode *root;

    if (!d || !(root = xml_doc_root(d, "network")))
        return NULL;
    def = g_new0(network_def, 1);
    network_dns_init(&def->dns);
    def->forward_ifaces = g_ptr_array_new_with_free_func(g_free);
    def->nat_ipv6 = -1;
    if (parse_top(d, root, def, &stp_given) < 0 || network_forward_parse(d, root, def) < 0 ||
        network_def_check(def, stp_given) < 0 || xml_doc_check_unused(d) < 0)
        return NULL;
    return g_steal_pointer(&def);
}
