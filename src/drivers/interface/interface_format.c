/*
 * interface_format.c: a host device's XML, laid out as libvirt's udev
 * backend writes it (interface.rng): <mtu> first; an ethernet device's
 * <link> and <mac>; a bridge's <bridge> with its ports, a bond's <bond>
 * with its slaves, a VLAN's <vlan>.  Ports inside are "bare": no <mtu>.
 * Like the udev backend, no <protocol>: addresses are not reported.
 */
#include "drivers/interface/interface_priv.h"
#include "util/xml.h"

static const char *const type_names[] = {
    [HOST_IFACE_ETHERNET] = "ethernet",
    [HOST_IFACE_BRIDGE] = "bridge",
    [HOST_IFACE_BOND] = "bond",
    [HOST_IFACE_VLAN] = "vlan",
};

static void format_one(xml_buf *b, const host_iface *iface, bool bare);

static void format_link(xml_buf *b, const host_iface *iface)
{
    xml_buf attrs;

    xbuf_init(&attrs, 0);
    if (iface->speed)
        xbuf_attr_printf(&attrs, "speed", "%u", iface->speed);
    xbuf_attr(&attrs, "state", iface->operstate);
    xbuf_element(b, "link", &attrs, NULL);
    xbuf_clear(&attrs);
}

static void format_ports(xml_buf *children, const host_iface *iface)
{
    for (guint i = 0; i < iface->ports->len; i++)
        format_one(children, g_ptr_array_index(iface->ports, i), true);
}

static void format_bridge(xml_buf *b, const host_iface *iface)
{
    xml_buf attrs, children;

    xbuf_init(&attrs, 0);
    xbuf_init_child(&children, b);
    xbuf_attr(&attrs, "stp", iface->stp ? "on" : "off");
    xbuf_attr_printf(&attrs, "delay", "%lu", iface->delay);
    format_ports(&children, iface);
    xbuf_element(b, "bridge", &attrs, &children);
    xbuf_clear(&attrs);
    xbuf_clear(&children);
}

static void format_bond(xml_buf *b, const host_iface *iface)
{
    static const char *const modes[] = { "balance-rr", "active-backup", "balance-xor",
                                         "broadcast", "802.3ad", "balance-tlb", "balance-alb",
                                         NULL };
    xml_buf attrs, children, mon;

    xbuf_init(&attrs, 0);
    xbuf_init_child(&children, b);
    xbuf_init(&mon, 0);
    if (iface->bond_mode && g_strv_contains(modes, iface->bond_mode))
        xbuf_attr(&attrs, "mode", iface->bond_mode);
    if (iface->miimon) {
        xbuf_attr_printf(&mon, "freq", "%u", iface->miimon);
        xbuf_attr_printf(&mon, "downdelay", "%u", iface->downdelay);
        xbuf_attr_printf(&mon, "updelay", "%u", iface->updelay);
        xbuf_attr(&mon, "carrier", iface->use_carrier ? "netif" : "ioctl");
        xbuf_element(&children, "miimon", &mon, NULL);
    } else if (iface->arp_interval && iface->arp_target) {
        static const char *const validates[] = { "none", "active", "backup", "all", NULL };

        xbuf_attr_printf(&mon, "interval", "%u", iface->arp_interval);
        xbuf_attr(&mon, "target", iface->arp_target);
        if (iface->arp_validate && g_strv_contains(validates, iface->arp_validate))
            xbuf_attr(&mon, "validate", iface->arp_validate);
        xbuf_element(&children, "arpmon", &mon, NULL);
    }
    format_ports(&children, iface);
    xbuf_element(b, "bond", &attrs, &children);
    xbuf_clear(&attrs);
    xbuf_clear(&children);
    xbuf_clear(&mon);
}

static void format_vlan(xml_buf *b, const host_iface *iface)
{
    xml_buf attrs, children, dev;

    xbuf_init(&attrs, 0);
    xbuf_init_child(&children, b);
    xbuf_init(&dev, 0);
    xbuf_attr_printf(&attrs, "tag", "%u", iface->vlan_tag);
    xbuf_attr(&dev, "name", iface->vlan_parent ? iface->vlan_parent : "");
    xbuf_element(&children, "interface", &dev, NULL);
    xbuf_element(b, "vlan", &attrs, &children);
    xbuf_clear(&attrs);
    xbuf_clear(&children);
    xbuf_clear(&dev);
}

static void format_one(xml_buf *b, const host_iface *iface, bool bare)
{
    /* a port inside a bridge or bond is written as an ethernet one
     * unless it is a VLAN or a bond itself (the schema's bare kinds) */
    host_iface_type type = iface->type == HOST_IFACE_BRIDGE ? HOST_IFACE_ETHERNET : iface->type;
    xml_buf attrs, children;

    if (!bare)
        type = iface->type;
    xbuf_init(&attrs, 0);
    xbuf_init_child(&children, b);
    xbuf_attr(&attrs, "type", type_names[type]);
    xbuf_attr(&attrs, "name", iface->name);
    if (!bare && iface->mtu)
        xbuf_add(&children, "<mtu size='%u'/>\n", iface->mtu);
    switch (type) {
    case HOST_IFACE_ETHERNET:
        format_link(&children, iface);
        xbuf_escape(&children, "<mac address='%s'/>\n", iface->mac);
        break;
    case HOST_IFACE_BRIDGE:
        format_bridge(&children, iface);
        break;
    case HOST_IFACE_BOND:
        format_link(&children, iface);
        format_bond(&children, iface);
        break;
    case HOST_IFACE_VLAN:
        format_link(&children, iface);
        format_vlan(&children, iface);
        break;
    }
    xbuf_element(b, "interface", &attrs, &children);
    xbuf_clear(&attrs);
    xbuf_clear(&children);
}

char *host_iface_format(const host_iface *iface)
{
    xml_buf b;

    xbuf_init(&b, 0);
    format_one(&b, iface, false);
    return xbuf_steal(&b);
}
