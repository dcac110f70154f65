/*
 * network_update.c: the edits of virNetworkUpdate on a network_def.
 *
 * libvirt's sections, commands, matching rules, codes and texts
 * (network_conf.c's virNetworkDefUpdateSection): DHCP hosts and ranges,
 * forward interfaces, portgroups and DNS host/TXT/SRV records may be
 * changed; bridge, domain, ip, forward and forward pf are refused with
 * OPERATION_UNSUPPORTED.  Each edit parses its element completely before
 * touching def, so a refused edit changes nothing.
 */
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/network_priv.h"
#include "util/error.h"

typedef enum { CMD_MODIFY, CMD_DELETE, CMD_ADD } cmd_kind;

static void report_no_support(const network_def *def, const char *section)
{
    error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_UNSUPPORTED,
                 "can't update '%s' section of network '%s'", section, def->name);
}

static int check_element(const network_def *def, xmlNode *node, const char *want)
{
    if (strcmp((const char *)node->name, want) != 0) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_XML_ERROR,
                     "unexpected element <%s>, expecting <%s>, while updating network '%s'",
                     node->name, want, def->name);
        return -1;
    }
    return 0;
}

static void report_no_modify(const char *what)
{
    error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_UNSUPPORTED,
                 "%s cannot be modified, only added or deleted", what);
}

static void report_invalid(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void report_invalid(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID, "%s", msg);
}

static guint insert_at(GPtrArray *arr, unsigned int command)
{
    return command == VIREO_NETWORK_UPDATE_COMMAND_ADD_FIRST ? 0 : arr->len;
}

static const char *or_unknown(const char *s)
{
    return s ? s : "unknown";
}

/* ---- <ip><dhcp> ---- */

/* parent_index >= 0: that <ip>; -1: the one with DHCP, else the first
 * IPv4, else the first IPv6 */
static network_ip *ip_by_index(network_def *def, int parent_index)
{
    if (parent_index >= 0) {
        if ((guint)parent_index < def->ips->len)
            return def->ips->pdata[parent_index];
        report_invalid("couldn't update dhcp host entry - no <ip> element found at index %d in "
                       "network '%s'", parent_index, def->name);
        return NULL;
    }
    for (guint i = 0; i < def->ips->len; i++) {
        network_ip *ip = def->ips->pdata[i];

        if (ip->ranges->len || ip->hosts->len)
            return ip;
    }
    for (int fam = 0; fam < 2; fam++)
        for (guint i = 0; i < def->ips->len; i++)
            if (((network_ip *)def->ips->pdata[i])->family == (fam ? AF_INET6 : AF_INET))
                return def->ips->pdata[i];
    report_invalid("couldn't update dhcp host entry - no <ip> element found in network '%s'",
                   def->name);
    return NULL;
}

static int check_multi_dhcp(const network_def *def, const network_ip *ip)
{
    for (guint i = 0; i < def->ips->len; i++) {
        const network_ip *o = def->ips->pdata[i];

        if (o != ip && o->family == ip->family && (o->ranges->len || o->hosts->len)) {
            report_invalid("dhcp is supported only for a single %s address on each network "
                           "(network '%s')", ip->family == AF_INET ? "IPv4" : "IPv6",
                           def->name);
            return -1;
        }
    }
    return 0;
}

static bool host_matches_any(const network_dhcp_host *h, const network_dhcp_host *e)
{
    return (h->mac && e->mac && g_ascii_strcasecmp(h->mac, e->mac) == 0) ||
           (h->ip && g_strcmp0(h->ip, e->ip) == 0) ||
           (h->name && g_strcmp0(h->name, e->name) == 0);
}

/* delete: every attribute given must match */
static bool host_matches_all(const network_dhcp_host *h, const network_dhcp_host *e)
{
    return (!h->mac || !e->mac || g_ascii_strcasecmp(h->mac, e->mac) == 0) &&
           (!h->name || g_strcmp0(h->name, e->name) == 0) &&
           (!h->ip || g_strcmp0(h->ip, e->ip) == 0);
}

static int apply_dhcp_host(network_def *def, network_ip *ip, network_dhcp_host *h,
                           unsigned int command, cmd_kind kind)
{
    guint i;

    for (i = 0; i < ip->hosts->len; i++)
        if (kind == CMD_DELETE ? host_matches_all(h, ip->hosts->pdata[i])
                               : host_matches_any(h, ip->hosts->pdata[i]))
            break;
    if (kind == CMD_MODIFY && i == ip->hosts->len) {
        report_invalid("couldn't locate an existing dhcp host entry with \"mac='%s'\" "
                       "\"name='%s'\" \"ip='%s'\" in network '%s'", or_unknown(h->mac),
                       h->name ? h->name : "(null)", or_unknown(h->ip), def->name);
        return -1;
    }
    if (kind == CMD_DELETE && i == ip->hosts->len) {
        report_invalid("couldn't locate a matching dhcp host entry in network '%s'", def->name);
        return -1;
    }
    if (kind == CMD_ADD && check_multi_dhcp(def, ip) < 0)
        return -1;
    if (kind == CMD_ADD && i < ip->hosts->len) {
        report_invalid("there is an existing dhcp host entry in network '%s' that matches "
                       "\"<host mac='%s' name='%s' ip='%s'/>\"", def->name, or_unknown(h->mac),
                       h->name ? h->name : "(null)", or_unknown(h->ip));
        return -1;
    }
    if (kind == CMD_DELETE) {
        g_ptr_array_remove_index(ip->hosts, i);
        network_dhcp_host_free(h);
    } else if (kind == CMD_MODIFY) {
        network_dhcp_host_free(ip->hosts->pdata[i]);
        ip->hosts->pdata[i] = h;
    } else {
        g_ptr_array_insert(ip->hosts, (gint)insert_at(ip->hosts, command), h);
        ip->has_dhcp = true;
    }
    return 0;
}

static int update_dhcp_host(network_def *def, xml_doc *d, xmlNode *node, unsigned int command,
                            cmd_kind kind, int parent_index)
{
    network_dhcp_host *h = NULL;
    network_ip *ip;

    if (check_element(def, node, "host") < 0 || !(ip = ip_by_index(def, parent_index)))
        return -1;
    if (network_dhcp_host_parse(d, node, def->name, ip, kind == CMD_DELETE, &h) < 0 ||
        xml_doc_check_unused(d) < 0 || apply_dhcp_host(def, ip, h, command, kind) < 0) {
        network_dhcp_host_free(h);
        return -1;
    }
    return 0;
}

static int update_dhcp_range(network_def *def, xml_doc *d, xmlNode *node, unsigned int command,
                             cmd_kind kind, int parent_index)
{
    network_dhcp_range *r = NULL;
    network_ip *ip;
    guint i;

    if (check_element(def, node, "range") < 0 || !(ip = ip_by_index(def, parent_index)))
        return -1;
    if (kind == CMD_MODIFY) {
        report_no_modify("dhcp ranges");
        return -1;
    }
    if (network_dhcp_range_parse(d, node, def->name, ip, &r) < 0 || xml_doc_check_unused(d) < 0)
        goto fail;
    for (i = 0; i < ip->ranges->len; i++) {
        const network_dhcp_range *e = ip->ranges->pdata[i];

        if (strcmp(e->start, r->start) == 0 && strcmp(e->end, r->end) == 0)
            break;
    }
    if (kind == CMD_ADD) {
        if (check_multi_dhcp(def, ip) < 0)
            goto fail;
        if (i < ip->ranges->len) {
            report_invalid("there is an existing dhcp range entry in network '%s' that matches "
                           "\"<range start='%s' end='%s'/>\"", def->name, r->start, r->end);
            goto fail;
        }
        g_ptr_array_insert(ip->ranges, (gint)insert_at(ip->ranges, command), r);
        ip->has_dhcp = true;
        return 0;
    }
    if (i == ip->ranges->len) {
        report_invalid("couldn't locate a matching dhcp range entry in network '%s'", def->name);
        goto fail;
    }
    g_ptr_array_remove_index(ip->ranges, i);
    network_dhcp_range_free(r);
    return 0;

fail:
    if (r)
        network_dhcp_range_free(r);
    return -1;
}

/* ---- <forward><interface> and <portgroup> ---- */

static int update_forward_iface(network_def *def, xml_doc *d, xmlNode *node,
                                unsigned int command, cmd_kind kind)
{
    g_autofree char *dev = NULL;
    guint i;

    if (check_element(def, node, "interface") < 0)
        return -1;
    if (kind == CMD_MODIFY) {
        report_no_modify("forward interface entries");
        return -1;
    }
    if (!(dev = xml_attr(d, node, "dev"))) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_XML_ERROR,
                     "missing dev attribute in <interface> element (network '%s')", def->name);
        return -1;
    }
    if (xml_doc_check_unused(d) < 0)
        return -1;
    for (i = 0; i < def->forward_ifaces->len; i++)
        if (strcmp(def->forward_ifaces->pdata[i], dev) == 0)
            break;
    if (kind == CMD_ADD && i < def->forward_ifaces->len) {
        report_invalid("there is an existing interface entry in network '%s' that matches "
                       "\"<interface dev='%s'>\"", def->name, dev);
        return -1;
    }
    if (kind == CMD_DELETE && i == def->forward_ifaces->len) {
        report_invalid("couldn't find an interface entry in network '%s' matching "
                       "<interface dev='%s'>", def->name, dev);
        return -1;
    }
    if (kind == CMD_ADD)
        g_ptr_array_insert(def->forward_ifaces, (gint)insert_at(def->forward_ifaces, command),
                           g_steal_pointer(&dev));
    else
        g_ptr_array_remove_index(def->forward_ifaces, i);
    /* <forward dev=''> is the pool's first device */
    g_free(def->forward_dev);
    def->forward_dev =
        def->forward_ifaces->len ? g_strdup(def->forward_ifaces->pdata[0]) : NULL;
    return 0;
}

static int apply_portgroup(network_def *def, network_portgroup *pg, unsigned int command,
                           cmd_kind kind)
{
    int found = -1, dflt = -1;

    for (guint i = 0; i < def->portgroups->len; i++) {
        const network_portgroup *e = def->portgroups->pdata[i];

        if (strcmp(e->name, pg->name) == 0)
            found = (int)i;
        if (e->is_default)
            dflt = (int)i;
    }
    if (found < 0 && kind != CMD_ADD) {
        report_invalid("couldn't find a portgroup entry in network '%s' matching "
                       "<portgroup name='%s'>", def->name, pg->name);
        return -1;
    }
    if (found >= 0 && kind == CMD_ADD) {
        report_invalid("there is an existing portgroup entry in network '%s' that matches "
                       "\"<portgroup name='%s'>\"", def->name, pg->name);
        return -1;
    }
    if (kind != CMD_DELETE && pg->is_default && dflt >= 0 && dflt != found) {
        report_invalid("a different portgroup entry in network '%s' is already set as the "
                       "default. Only one default is allowed.", def->name);
        return -1;
    }
    if (kind == CMD_MODIFY) {
        network_portgroup_free(def->portgroups->pdata[found]);
        def->portgroups->pdata[found] = pg;
    } else if (kind == CMD_ADD) {
        g_ptr_array_insert(def->portgroups, (gint)insert_at(def->portgroups, command), pg);
    } else {
        g_ptr_array_remove_index(def->portgroups, (guint)found);
        network_portgroup_free(pg);
    }
    return 0;
}

static int update_portgroup(network_def *def, xml_doc *d, xmlNode *node, unsigned int command,
                            cmd_kind kind)
{
    network_portgroup *pg = NULL;

    if (check_element(def, node, "portgroup") < 0)
        return -1;
    if (network_portgroup_parse(d, node, def->name, &pg) < 0 || xml_doc_check_unused(d) < 0 ||
        apply_portgroup(def, pg, command, kind) < 0) {
        network_portgroup_free(pg);
        return -1;
    }
    return 0;
}

/* ---- <dns> records ---- */

static bool dns_host_matches(const network_dns_host *h, const network_dns_host *e, bool add)
{
    if (h->ip && g_strcmp0(h->ip, e->ip) == 0)
        return true;
    /* adding: one name on several addresses is legitimate */
    for (guint j = 0; !add && j < h->hostnames->len; j++)
        for (guint k = 0; k < e->hostnames->len; k++)
            if (strcmp(h->hostnames->pdata[j], e->hostnames->pdata[k]) == 0)
                return true;
    return false;
}

static int apply_dns_host(network_def *def, network_dns_host *h, unsigned int command,
                          cmd_kind kind)
{
    GPtrArray *hosts = def->dns.hosts;
    guint found = 0, idx = 0;

    for (guint i = 0; i < hosts->len; i++) {
        if (dns_host_matches(h, hosts->pdata[i], kind == CMD_ADD)) {
            found++;
            idx = i;
        }
    }
    if (kind == CMD_ADD) {
        if (found) {
            report_invalid("there is already at least one DNS HOST record with a matching field "
                           "in network %s", def->name);
            return -1;
        }
        g_ptr_array_insert(hosts, (gint)insert_at(hosts, command), h);
        return 0;
    }
    if (found != 1) {
        report_invalid(found ? "multiple matching DNS HOST records were found in network %s"
                             : "couldn't locate a matching DNS HOST record in network %s",
                       def->name);
        return -1;
    }
    g_ptr_array_remove_index(hosts, idx);
    network_dns_host_free(h);
    return 0;
}

static int update_dns_host(network_def *def, xml_doc *d, xmlNode *node, unsigned int command,
                           cmd_kind kind)
{
    network_dns_host *h = NULL;

    if (kind == CMD_MODIFY) {
        report_no_modify("DNS HOST records");
        return -1;
    }
    if (check_element(def, node, "host") < 0 ||
        network_dns_host_parse(d, node, def->name, kind != CMD_ADD, &h) < 0 ||
        xml_doc_check_unused(d) < 0 || apply_dns_host(def, h, command, kind) < 0) {
        network_dns_host_free(h);
        return -1;
    }
    return 0;
}

static int apply_dns_txt(network_def *def, network_dns_txt *t, unsigned int command,
                         cmd_kind kind)
{
    GPtrArray *txts = def->dns.txts;
    guint i;

    for (i = 0; i < txts->len; i++)
        if (strcmp(((network_dns_txt *)txts->pdata[i])->name, t->name) == 0)
            break;
    if (kind == CMD_ADD) {
        if (i < txts->len) {
            report_invalid("there is already a DNS TXT record with name '%s' in network %s",
                           t->name, def->name);
            return -1;
        }
        g_ptr_array_insert(txts, (gint)insert_at(txts, command), t);
        return 0;
    }
    if (i == txts->len) {
        report_invalid("couldn't locate a matching DNS TXT record in network %s", def->name);
        return -1;
    }
    g_ptr_array_remove_index(txts, i);
    network_dns_txt_free(t);
    return 0;
}

static int update_dns_txt(network_def *def, xml_doc *d, xmlNode *node, unsigned int command,
                          cmd_kind kind)
{
    network_dns_txt *t = NULL;

    if (kind == CMD_MODIFY) {
        report_no_modify("DNS TXT records");
        return -1;
    }
    if (check_element(def, node, "txt") < 0 ||
        network_dns_txt_parse(d, node, def->name, kind != CMD_ADD, &t) < 0 ||
        xml_doc_check_unused(d) < 0 || apply_dns_txt(def, t, command, kind) < 0) {
        network_dns_txt_free(t);
        return -1;
    }
    return 0;
}

static bool srv_matches(const network_dns_srv *s, const network_dns_srv *e)
{
    return (!s->domain || g_strcmp0(s->domain, e->domain) == 0) &&
           (!s->service || g_strcmp0(s->service, e->service) == 0) &&
           (!s->protocol || g_strcmp0(s->protocol, e->protocol) == 0) &&
           (!s->target || g_strcmp0(s->target, e->target) == 0);
}

static int apply_dns_srv(network_def *def, network_dns_srv *s, unsigned int command,
                         cmd_kind kind)
{
    GPtrArray *srvs = def->dns.srvs;
    guint found = 0, idx = 0;

    for (guint i = 0; i < srvs->len; i++) {
        if (srv_matches(s, srvs->pdata[i])) {
            found++;
            idx = i;
        }
    }
    if (kind == CMD_ADD) {
        if (found) {
            report_invalid("there is already at least one DNS SRV record matching all specified "
                           "fields in network %s", def->name);
            return -1;
        }
        g_ptr_array_insert(srvs, (gint)insert_at(srvs, command), s);
        return 0;
    }
    if (found != 1) {
        report_invalid(found ? "multiple DNS SRV records matching all specified fields were "
                               "found in network %s"
                             : "couldn't locate a matching DNS SRV record in network %s",
                       def->name);
        return -1;
    }
    g_ptr_array_remove_index(srvs, idx);
    network_dns_srv_free(s);
    return 0;
}

static int update_dns_srv(network_def *def, xml_doc *d, xmlNode *node, unsigned int command,
                          cmd_kind kind)
{
    network_dns_srv *s = NULL;

    if (kind == CMD_MODIFY) {
        report_no_modify("DNS SRV records");
        return -1;
    }
    if (check_element(def, node, "srv") < 0 ||
        network_dns_srv_parse(d, node, def->name, kind != CMD_ADD, &s) < 0 ||
        xml_doc_check_unused(d) < 0 || apply_dns_srv(def, s, command, kind) < 0) {
        network_dns_srv_free(s);
        return -1;
    }
    return 0;
}

/* ---- dispatch ---- */

static int command_kind(unsigned int command, cmd_kind *kind)
{
    switch (command) {
    case VIREO_NETWORK_UPDATE_COMMAND_MODIFY: *kind = CMD_MODIFY; return 0;
    case VIREO_NETWORK_UPDATE_COMMAND_DELETE: *kind = CMD_DELETE; return 0;
    case VIREO_NETWORK_UPDATE_COMMAND_ADD_LAST:
    case VIREO_NETWORK_UPDATE_COMMAND_ADD_FIRST: *kind = CMD_ADD; return 0;
    default: break;
    }
    error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_UNSUPPORTED,
                 "unrecognized network update command code %u", command);
    return -1;
}

static int update_section(network_def *def, xml_doc *d, xmlNode *node, unsigned int command,
                          cmd_kind kind, unsigned int section, int parent_index)
{
    switch (section) {
    case VIREO_NETWORK_SECTION_IP_DHCP_HOST:
        return update_dhcp_host(def, d, node, command, kind, parent_index);
    case VIREO_NETWORK_SECTION_IP_DHCP_RANGE:
        return update_dhcp_range(def, d, node, command, kind, parent_index);
    case VIREO_NETWORK_SECTION_FORWARD_INTERFACE:
        return update_forward_iface(def, d, node, command, kind);
    case VIREO_NETWORK_SECTION_PORTGROUP:
        return update_portgroup(def, d, node, command, kind);
    case VIREO_NETWORK_SECTION_DNS_HOST:
        return update_dns_host(def, d, node, command, kind);
    case VIREO_NETWORK_SECTION_DNS_TXT:
        return update_dns_txt(def, d, node, command, kind);
    case VIREO_NETWORK_SECTION_DNS_SRV:
        return update_dns_srv(def, d, node, command, kind);
    default:
        break;
    }
    return -1;
}

int network_def_update(network_def *def, unsigned int command, unsigned int section,
                       int parent_index, const char *xml)
{
    static const char *const refused[] = {
        [VIREO_NETWORK_SECTION_BRIDGE] = "bridge", [VIREO_NETWORK_SECTION_DOMAIN] = "domain",
        [VIREO_NETWORK_SECTION_IP] = "ip", [VIREO_NETWORK_SECTION_FORWARD] = "forward",
        [VIREO_NETWORK_SECTION_FORWARD_PF] = "forward pf",
    };
    g_autoptr(xml_doc) d = xml_doc_parse(xml ? xml : "", "network_update_xml",
                                         VIREO_FROM_NETWORK);
    xmlNode *node;
    cmd_kind kind;

    if (!d)
        return -1;
    node = xmlDocGetRootElement(d->doc);
    xml_mark(d, node);
    if (section < G_N_ELEMENTS(refused) && refused[section]) {
        report_no_support(def, refused[section]);
        return -1;
    }
    if (section < VIREO_NETWORK_SECTION_IP_DHCP_HOST ||
        section > VIREO_NETWORK_SECTION_DNS_SRV) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "can't update unrecognized section of network '%s'", def->name);
        return -1;
    }
    if (command_kind(command, &kind) < 0)
        return -1;
    return update_section(def, d, node, command, kind, section, parent_index);
}
