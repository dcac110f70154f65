/*
 * network_dns.c: <dns> of a network: forwarders, TXT, SRV and host
 * records, with libvirt's checks, codes (mostly XML_DETAIL) and texts.
 */
#include <string.h>
#include <sys/socket.h>

#include "conf/network_priv.h"
#include "util/error.h"

/* libvirt's limits (RFC 2782 record length less overhead) and the
 * characters it allows in SRV service and protocol names */
#define DNS_SRV_MAX_LEN (512 - 30)
#define SRV_PROTOCOL_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+/"
#define SRV_SERVICE_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/*"

void network_dns_host_free(gpointer p)
{
    network_dns_host *h = p;

    if (!h)
        return;
    g_free(h->ip);
    if (h->hostnames)
        g_ptr_array_unref(h->hostnames);
    g_free(h);
}

void network_dns_txt_free(gpointer p)
{
    network_dns_txt *t = p;

    if (!t)
        return;
    g_free(t->name);
    g_free(t->value);
    g_free(t);
}

void network_dns_srv_free(gpointer p)
{
    network_dns_srv *s = p;

    if (!s)
        return;
    g_free(s->service);
    g_free(s->protocol);
    g_free(s->domain);
    g_free(s->target);
    g_free(s);
}

void network_dns_forwarder_free(gpointer p)
{
    network_dns_forwarder *f = p;

    g_free(f->addr);
    g_free(f->domain);
    g_free(f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_dns_host, network_dns_host_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_dns_txt, network_dns_txt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_dns_srv, network_dns_srv_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_dns_forwarder, network_dns_forwarder_free)

void network_dns_init(network_dns *dns)
{
    dns->enable = -1;
    dns->forward_plain_names = -1;
    dns->forwarders = g_ptr_array_new_with_free_func(network_dns_forwarder_free);
    dns->txts = g_ptr_array_new_with_free_func(network_dns_txt_free);
    dns->srvs = g_ptr_array_new_with_free_func(network_dns_srv_free);
    dns->hosts = g_ptr_array_new_with_free_func(network_dns_host_free);
}

void network_dns_clear(network_dns *dns)
{
    g_clear_pointer(&dns->forwarders, g_ptr_array_unref);
    g_clear_pointer(&dns->txts, g_ptr_array_unref);
    g_clear_pointer(&dns->srvs, g_ptr_array_unref);
    g_clear_pointer(&dns->hosts, g_ptr_array_unref);
}

int network_dns_host_parse(xml_doc *d, xmlNode *node, const char *name, bool partial,
                           network_dns_host **out)
{
    g_autoptr(network_dns_host) h = g_new0(network_dns_host, 1);
    g_autoptr(GPtrArray) names = xml_children(d, node, "hostname");
    g_autofree char *ip = xml_attr(d, node, "ip");
    net_addr a;

    h->hostnames = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < names->len; i++) {
        char *n = xml_text(d, names->pdata[i]);

        if (!n) {
            error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                         "Missing hostname in network '%s' DNS HOST record", name);
            return -1;
        }
        g_ptr_array_add(h->hostnames, n);
    }
    if (!names->len && !partial) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "Missing hostname in network '%s' DNS HOST record", name);
        return -1;
    }
    if (ip) {
        if (net_addr_parse(ip, AF_UNSPEC, &a) < 0) {
            error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                         "Invalid IP address in network '%s' DNS HOST record", name);
            return -1;
        }
        h->ip = net_addr_format(&a);
    } else if (!partial) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "Missing IP address in network '%s' DNS HOST record", name);
        return -1;
    } else if (!names->len) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "Missing ip and hostname in network '%s' DNS HOST record", name);
        return -1;
    }
    *out = g_steal_pointer(&h);
    return 0;
}

int network_dns_txt_parse(xml_doc *d, xmlNode *node, const char *name, bool partial,
                          network_dns_txt **out)
{
    g_autoptr(network_dns_txt) t = g_new0(network_dns_txt, 1);

    if (!(t->name = xml_attr(d, node, "name"))) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "missing required name attribute in DNS TXT record of network %s", name);
        return -1;
    }
    if (strcspn(t->name, " ,") != strlen(t->name)) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "prohibited character in DNS TXT record name '%s' of network %s", t->name,
                     name);
        return -1;
    }
    if (!(t->value = xml_attr(d, node, "value")) && !partial) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "missing required value attribute in DNS TXT record named '%s' of network "
                     "%s", t->name, name);
        return -1;
    }
    *out = g_steal_pointer(&t);
    return 0;
}

/* port, priority or weight: only with a target, at most 65535 (a port
 * at least 1) */
static int srv_number(xml_doc *d, xmlNode *node, network_dns_srv *s, const char *attr,
                      const char *name, unsigned int *val, bool *has)
{
    g_autofree char *raw = xml_attr(d, node, attr);
    char *end = NULL;
    guint64 v = 0;

    if (!raw)
        return 0;
    if (!s->target) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "DNS SRV %s attribute not permitted without target for service '%s' in "
                     "network '%s'", attr, s->service ? s->service : "", name);
        return -1;
    }
    if (g_ascii_isdigit(raw[0]))
        v = g_ascii_strtoull(raw, &end, 10);
    if (!end || *end || v > 65535 || (v < 1 && strcmp(attr, "port") == 0)) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "invalid DNS SRV %s attribute for service '%s' in network '%s'", attr,
                     s->service ? s->service : "", name);
        return -1;
    }
    *val = (unsigned int)v;
    *has = true;
    return 0;
}

static int srv_check_names(xml_doc *d, const network_dns_srv *s, const char *name)
{
    if (s->service && strlen(s->service) > DNS_SRV_MAX_LEN) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "service attribute '%s' in network '%s' is too long, limit is %d bytes",
                     s->service, name, DNS_SRV_MAX_LEN);
        return -1;
    }
    if (s->service && strspn(s->service, SRV_SERVICE_CHARS) < strlen(s->service)) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "invalid character in service attribute '%s' in DNS SRV record of network "
                     "'%s'", s->service, name);
        return -1;
    }
    if (s->protocol && strspn(s->protocol, SRV_PROTOCOL_CHARS) < strlen(s->protocol)) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "invalid character in protocol attribute '%s' in DNS SRV record of "
                     "network '%s'", s->protocol, name);
        return -1;
    }
    return 0;
}

int network_dns_srv_parse(xml_doc *d, xmlNode *node, const char *name, bool partial,
                          network_dns_srv **out)
{
    g_autoptr(network_dns_srv) s = g_new0(network_dns_srv, 1);

    if (!(s->service = xml_attr(d, node, "service")) && !partial) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "missing required service attribute in DNS SRV record of network '%s'",
                     name);
        return -1;
    }
    if (!(s->protocol = xml_attr(d, node, "protocol")) && !partial) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "missing required protocol attribute in DNS SRV record '%s' of network "
                     "'%s'", s->service, name);
        return -1;
    }
    if (srv_check_names(d, s, name) < 0)
        return -1;
    s->domain = xml_attr(d, node, "domain");
    s->target = xml_attr(d, node, "target");
    if (srv_number(d, node, s, "port", name, &s->port, &s->has_port) < 0 ||
        srv_number(d, node, s, "priority", name, &s->priority, &s->has_priority) < 0 ||
        srv_number(d, node, s, "weight", name, &s->weight, &s->has_weight) < 0)
        return -1;
    *out = g_steal_pointer(&s);
    return 0;
}

static int parse_forwarders(xml_doc *d, xmlNode *node, const char *name, network_dns *dns)
{
    g_autoptr(GPtrArray) fwds = xml_children(d, node, "forwarder");

    for (guint i = 0; i < fwds->len; i++) {
        g_autoptr(network_dns_forwarder) f = g_new0(network_dns_forwarder, 1);
        g_autofree char *addr = xml_attr(d, fwds->pdata[i], "addr");
        net_addr a;

        if (addr) {
            if (net_addr_parse(addr, AF_UNSPEC, &a) < 0) {
                error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                             "Invalid forwarder IP address '%s' in network '%s'", addr, name);
                return -1;
            }
            f->addr = net_addr_format(&a);
        }
        f->domain = xml_attr(d, fwds->pdata[i], "domain");
        if (!f->addr && !f->domain) {
            error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                         "Invalid forwarder element, must contain at least one of addr or "
                         "domain (network '%s')", name);
            return -1;
        }
        g_ptr_array_add(dns->forwarders, g_steal_pointer(&f));
    }
    return 0;
}

static int parse_records(xml_doc *d, xmlNode *node, const char *name, network_dns *dns)
{
    g_autoptr(GPtrArray) hosts = xml_children(d, node, "host");
    g_autoptr(GPtrArray) srvs = xml_children(d, node, "srv");
    g_autoptr(GPtrArray) txts = xml_children(d, node, "txt");

    for (guint i = 0; i < hosts->len; i++) {
        network_dns_host *h;

        if (network_dns_host_parse(d, hosts->pdata[i], name, false, &h) < 0)
            return -1;
        g_ptr_array_add(dns->hosts, h);
    }
    for (guint i = 0; i < srvs->len; i++) {
        network_dns_srv *s;

        if (network_dns_srv_parse(d, srvs->pdata[i], name, false, &s) < 0)
            return -1;
        g_ptr_array_add(dns->srvs, s);
    }
    for (guint i = 0; i < txts->len; i++) {
        network_dns_txt *t;

        if (network_dns_txt_parse(d, txts->pdata[i], name, false, &t) < 0)
            return -1;
        g_ptr_array_add(dns->txts, t);
    }
    return 0;
}

int network_dns_parse(xml_doc *d, xmlNode *node, const char *name, network_dns *dns)
{
    bool b;
    int rc;

    if ((rc = xml_attr_bool(d, node, "enable", &b)) < 0)
        return -1;
    if (rc)
        dns->enable = b;
    if ((rc = xml_attr_bool(d, node, "forwardPlainNames", &b)) < 0)
        return -1;
    if (rc)
        dns->forward_plain_names = b;
    if (parse_forwarders(d, node, name, dns) < 0 || parse_records(d, node, name, dns) < 0)
        return -1;
    if (dns->enable == 0 &&
        (dns->forwarders->len || dns->hosts->len || dns->srvs->len || dns->txts->len)) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR, "Extra data in disabled network '%s'",
                     name);
        return -1;
    }
    return 0;
}
