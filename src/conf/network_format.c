/*
 * network_format.c: network_def -> the XML libvirt writes for it.
 *
 * Element and attribute order, what is left out when empty or default,
 * and the layout follow libvirt's virNetworkDefFormat; the corpus in
 * tests/xml/network (outputs made by libvirt's own virsh, test driver)
 * holds the proof.  libvirt writes a few things even when empty:
 * <bridge stp delay/> for the modes with a bridge of their own, <ip>
 * and <portgroup> as open and close tags, <bandwidth> around rates
 * that are all zero.
 */
#include <sys/socket.h>

#include "conf/network_priv.h"
#include "util/uuid.h"

static void format_lease(xml_buf *b, unsigned long long seconds, bool infinite, int unit)
{
    static const unsigned long long secs[] = { 1, 60, 3600 };

    if (infinite)
        xbuf_add(b, "  <lease expiry='0'/>\n");
    else
        xbuf_add(b, "  <lease expiry='%llu' unit='%s'/>\n", seconds / secs[unit],
                 network_lease_units[unit]);
}

static void format_range(xml_buf *b, const network_dhcp_range *r)
{
    xbuf_add(b, "<range start='%s' end='%s'", r->start, r->end);
    if (!r->lease_infinite && !r->lease_seconds) {
        xbuf_add(b, "/>\n");
        return;
    }
    xbuf_add(b, ">\n");
    format_lease(b, r->lease_seconds, r->lease_infinite, r->lease_unit);
    xbuf_add(b, "</range>\n");
}

static void format_host(xml_buf *b, const network_dhcp_host *h)
{
    xbuf_add(b, "<host");
    xbuf_escape_exact(b, " mac='%s'", h->mac, true);
    xbuf_escape_exact(b, " id='%s'", h->id, true);
    xbuf_escape_exact(b, " name='%s'", h->name, true);
    xbuf_escape_exact(b, " ip='%s'", h->ip, true);
    if (!h->lease_infinite && !h->lease_seconds) {
        xbuf_add(b, "/>\n");
        return;
    }
    xbuf_add(b, ">\n");
    format_lease(b, h->lease_seconds, h->lease_infinite, h->lease_unit);
    xbuf_add(b, "</host>\n");
}

static void format_dhcp(xml_buf *b, const network_ip *ip)
{
    xml_buf c;

    if (!ip->ranges->len && !ip->hosts->len)
        return;
    xbuf_init_child(&c, b);
    for (guint i = 0; i < ip->ranges->len; i++)
        format_range(&c, ip->ranges->pdata[i]);
    for (guint i = 0; i < ip->hosts->len; i++)
        format_host(&c, ip->hosts->pdata[i]);
    if (ip->bootp_file) {
        xbuf_escape_exact(&c, "<bootp file='%s'", ip->bootp_file, true);
        xbuf_escape_exact(&c, " server='%s'", ip->bootp_server, true);
        xbuf_add(&c, "/>\n");
    }
    xbuf_add(b, "<dhcp>\n");
    g_string_append(b->str, c.str->str);
    xbuf_add(b, "</dhcp>\n");
    xbuf_clear(&c);
}

static void format_ip(xml_buf *b, const network_ip *ip)
{
    xml_buf c;

    xbuf_add(b, "<ip");
    if (ip->has_family)
        xbuf_add(b, " family='%s'", ip->family == AF_INET6 ? "ipv6" : "ipv4");
    xbuf_escape_exact(b, " address='%s'", ip->address, true);
    xbuf_escape_exact(b, " netmask='%s'", ip->netmask, true);
    if (ip->has_prefix && !ip->netmask)
        xbuf_add(b, " prefix='%u'", ip->prefix);
    xbuf_escape_exact(b, " localPtr='%s'", ip->localptr, true);
    xbuf_add(b, ">\n");
    xbuf_init_child(&c, b);
    xbuf_escape_exact(&c, "<tftp root='%s'/>\n", ip->tftp_root, true);
    format_dhcp(&c, ip);
    g_string_append(b->str, c.str->str);
    xbuf_clear(&c);
    xbuf_add(b, "</ip>\n");
}

static void format_dns_records(xml_buf *c, const network_dns *dns)
{
    for (guint i = 0; i < dns->forwarders->len; i++) {
        const network_dns_forwarder *f = dns->forwarders->pdata[i];

        xbuf_add(c, "<forwarder");
        xbuf_escape_exact(c, " domain='%s'", f->domain, true);
        xbuf_escape_exact(c, " addr='%s'", f->addr, true);
        xbuf_add(c, "/>\n");
    }
    for (guint i = 0; i < dns->txts->len; i++) {
        const network_dns_txt *t = dns->txts->pdata[i];

        xbuf_escape_exact(c, "<txt name='%s' ", t->name, true);
        xbuf_escape_exact(c, "value='%s'/>\n", t->value ? t->value : "", true);
    }
    for (guint i = 0; i < dns->srvs->len; i++) {
        const network_dns_srv *s = dns->srvs->pdata[i];

        if (!s->service || !s->protocol)
            continue;
        xbuf_escape_exact(c, "<srv service='%s' ", s->service, true);
        xbuf_escape_exact(c, "protocol='%s'", s->protocol, true);
        xbuf_escape_exact(c, " domain='%s'", s->domain, true);
        xbuf_escape_exact(c, " target='%s'", s->target, true);
        if (s->port)
            xbuf_add(c, " port='%u'", s->port);
        if (s->priority)
            xbuf_add(c, " priority='%u'", s->priority);
        if (s->weight)
            xbuf_add(c, " weight='%u'", s->weight);
        xbuf_add(c, "/>\n");
    }
    for (guint i = 0; i < dns->hosts->len; i++) {
        const network_dns_host *h = dns->hosts->pdata[i];

        xbuf_escape_exact(c, "<host ip='%s'>\n", h->ip, true);
        for (guint j = 0; j < h->hostnames->len; j++)
            xbuf_escape_exact(c, "  <hostname>%s</hostname>\n", h->hostnames->pdata[j], false);
        xbuf_add(c, "</host>\n");
    }
}

static void format_dns(xml_buf *b, const network_dns *dns)
{
    xml_buf c;

    xbuf_init_child(&c, b);
    format_dns_records(&c, dns);
    if (dns->enable < 0 && dns->forward_plain_names < 0 && xbuf_empty(&c)) {
        xbuf_clear(&c);
        return;
    }
    xbuf_add(b, "<dns");
    if (dns->enable >= 0)
        xbuf_add(b, " enable='%s'", dns->enable ? "yes" : "no");
    if (dns->forward_plain_names >= 0)
        xbuf_add(b, " forwardPlainNames='%s'", dns->forward_plain_names ? "yes" : "no");
    if (xbuf_empty(&c)) {
        xbuf_add(b, "/>\n");
    } else {
        xbuf_add(b, ">\n");
        g_string_append(b->str, c.str->str);
        xbuf_add(b, "</dns>\n");
    }
    xbuf_clear(&c);
}

static void format_nat(xml_buf *b, const network_def *def)
{
    bool addr = def->nat_addr_start != NULL;
    bool port = def->nat_port_start || def->nat_port_end;

    if (!addr && !port && def->nat_ipv6 < 0)
        return;
    xbuf_add(b, "<nat");
    if (def->nat_ipv6 >= 0)
        xbuf_add(b, " ipv6='%s'", def->nat_ipv6 ? "yes" : "no");
    if (!addr && !port) {
        xbuf_add(b, "/>\n");
        return;
    }
    xbuf_add(b, ">\n");
    if (addr) {
        xbuf_add(b, "  <address start='%s'", def->nat_addr_start);
        xbuf_escape_exact(b, " end='%s'", def->nat_addr_end, true);
        xbuf_add(b, "/>\n");
    }
    if (port) {
        xbuf_add(b, "  <port start='%u'", def->nat_port_start);
        if (def->nat_port_end)
            xbuf_add(b, " end='%u'", def->nat_port_end);
        xbuf_add(b, "/>\n");
    }
    xbuf_add(b, "</nat>\n");
}

static void format_forward(xml_buf *b, const network_def *def)
{
    xml_buf c;

    if (def->forward == NETWORK_FORWARD_NONE)
        return;
    xbuf_add(b, "<forward");
    xbuf_escape_exact(b, " dev='%s'", def->forward_dev, true);
    xbuf_add(b, " mode='%s'", network_forward_names[def->forward]);
    if (def->forward == NETWORK_FORWARD_HOSTDEV)
        xbuf_add(b, " managed='%s'", def->forward_managed ? "yes" : "no");
    xbuf_init_child(&c, b);
    if (def->forward == NETWORK_FORWARD_NAT)
        format_nat(&c, def);
    for (guint i = 0; i < def->forward_ifaces->len; i++)
        xbuf_escape_exact(&c, "<interface dev='%s'/>\n", def->forward_ifaces->pdata[i], true);
    if (xbuf_empty(&c)) {
        xbuf_add(b, "/>\n");
    } else {
        xbuf_add(b, ">\n");
        g_string_append(b->str, c.str->str);
        xbuf_add(b, "</forward>\n");
    }
    xbuf_clear(&c);
}

static void format_bridge(xml_buf *b, const network_def *def)
{
    bool own = def->forward == NETWORK_FORWARD_NONE || def->forward == NETWORK_FORWARD_NAT ||
               def->forward == NETWORK_FORWARD_ROUTE || def->forward == NETWORK_FORWARD_OPEN;

    if (!own && !def->bridge)
        return;
    xbuf_add(b, "<bridge");
    xbuf_escape_exact(b, " name='%s'", def->bridge, true);
    xbuf_escape_exact(b, " zone='%s'", def->zone, true);
    if (own)
        xbuf_add(b, " stp='%s' delay='%u'", def->stp == 0 ? "off" : "on", def->delay);
    xbuf_add(b, "/>\n");
}

static void format_portgroup(xml_buf *b, const network_portgroup *pg)
{
    xbuf_escape_exact(b, "<portgroup name='%s'", pg->name, true);
    if (pg->is_default)
        xbuf_add(b, " default='yes'");
    if (pg->trust_guest_rx_filters >= 0)
        xbuf_add(b, " trustGuestRxFilters='%s'", pg->trust_guest_rx_filters ? "yes" : "no");
    xbuf_add(b, ">\n");
    bandwidth_format(b->str, pg->bandwidth, b->indent + 2);
    xbuf_add(b, "</portgroup>\n");
}

static void format_body(xml_buf *c, const network_def *def)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];

    xbuf_escape_exact(c, "<name>%s</name>\n", def->name, false);
    if (!uuid_is_null(def->uuid)) {
        uuid_format(def->uuid, uuid);
        xbuf_add(c, "<uuid>%s</uuid>\n", uuid);
    }
    xbuf_escape_exact(c, "<title>%s</title>\n", def->title, false);
    xbuf_escape_exact(c, "<description>%s</description>\n", def->description, false);
    format_forward(c, def);
    format_bridge(c, def);
    if (def->mtu)
        xbuf_add(c, "<mtu size='%u'/>\n", def->mtu);
    xbuf_escape_exact(c, "<mac address='%s'/>\n", def->mac, true);
    if (def->domain_name) {
        xbuf_escape_exact(c, "<domain name='%s'", def->domain_name, true);
        if (def->domain_local_only >= 0)
            xbuf_add(c, " localOnly='%s'", def->domain_local_only ? "yes" : "no");
        xbuf_add(c, "/>\n");
    }
    format_dns(c, &def->dns);
    bandwidth_format(c->str, def->bandwidth, c->indent);
    for (guint i = 0; i < def->ips->len; i++)
        format_ip(c, def->ips->pdata[i]);
    for (guint i = 0; i < def->portgroups->len; i++)
        format_portgroup(c, def->portgroups->pdata[i]);
}

char *network_def_format(const network_def *def)
{
    xml_buf b, c;

    xbuf_init(&b, 0);
    xbuf_add(&b, "<network");
    if (def->ipv6 == 1)
        xbuf_add(&b, " ipv6='yes'");
    if (def->trust_guest_rx_filters >= 0)
        xbuf_add(&b, " trustGuestRxFilters='%s'", def->trust_guest_rx_filters ? "yes" : "no");
    xbuf_add(&b, ">\n");
    xbuf_init_child(&c, &b);
    format_body(&c, def);
    g_string_append(b.str, c.str->str);
    xbuf_clear(&c);
    xbuf_add(&b, "</network>\n");
    return xbuf_steal(&b);
}
