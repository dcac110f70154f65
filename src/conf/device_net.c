/*
 * device_net.c: <interface> read and written as libvirt does.
 */
#include <string.h>

#include "conf/bandwidth.h"
#include "conf/device_priv.h"
#include "util/mac.h"
#include "util/uuid.h"

static const char *const net_types[] = { "network", "bridge", "user", "direct", "ethernet", NULL };
static const char *const direct_modes[] = { "vepa", "private", "bridge", "passthrough", NULL };
static const char *const driver_names[] = { "qemu", "vhost", NULL };
static const char *const txmodes[] = { "iothread", "timer", NULL };
static const char *const link_states[] = { "up", "down", NULL };
static const char *const yes_no[] = { "yes", "no", NULL };
static const char *const vport_types[] = { "802.1Qbg", "802.1Qbh", "openvswitch", "midonet", NULL };

static void param_free(gpointer p)
{
    device_param *param = p;

    g_free(param->name);
    g_free(param->value);
    g_free(param);
}

static int net_mac_parse(xml_doc *d, xmlNode *node, device_interface *net)
{
    xmlNode *m = xml_child(d, node, "mac");
    g_autofree char *addr = m ? xml_attr(d, m, "address") : NULL;

    if (!addr)
        return 0;
    if (mac_parse(addr, net->mac) < 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "unable to parse mac address '%s' of <interface> at line %ld", addr,
                     DEV_LINE(m));
        return -1;
    }
    if (mac_is_multicast(net->mac)) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "expected unicast mac address, found multicast '%s' in <interface> at line %ld",
                     addr, DEV_LINE(m));
        return -1;
    }
    net->has_mac = true;
    return 0;
}

/* portid='' of a network interface: what the network driver calls the
 * running interface's port; only a live definition has one. */
static int net_portid_parse(xml_doc *d, xmlNode *s, device_interface *net)
{
    g_autofree char *portid = xml_attr(d, s, "portid");

    if (!portid)
        return 0;
    if (uuid_parse(portid, net->portid) < 0) {
        xml_report_invalid(d, s, "portid", portid);
        return -1;
    }
    net->has_portid = true;
    return 0;
}

static int net_source_parse(xml_doc *d, xmlNode *node, device_interface *net)
{
    xmlNode *s = xml_child(d, node, "source");

    if (!s) {
        if (strcmp(net->type, "network") == 0) {
            xml_report_missing(d, node, "<source network=''/>");
            return -1;
        }
        return 0;
    }
    if (strcmp(net->type, "network") == 0) {
        net->source_network = xml_attr(d, s, "network");
        net->source_portgroup = xml_attr(d, s, "portgroup");
        if (!net->source_network) {
            xml_report_missing(d, s, "attribute 'network'");
            return -1;
        }
        /* where the network put the interface: state of a run, written
         * only in live XML (read always, as libvirt, so a live XML given
         * back defines) */
        net->source_bridge = xml_attr(d, s, "bridge");
        if (net_portid_parse(d, s, net) < 0)
            return -1;
    } else if (strcmp(net->type, "bridge") == 0) {
        net->source_bridge = xml_attr(d, s, "bridge");
    } else if (strcmp(net->type, "direct") == 0) {
        net->source_dev = xml_attr(d, s, "dev");
        if (xml_attr_choice(d, s, "mode", direct_modes, &net->source_mode) < 0)
            return -1;
    }
    /* user and ethernet take no <source>: left unread, so refused */
    return 0;
}

static void params_parse(xml_doc *d, xmlNode *node, GPtrArray *out)
{
    g_autoptr(GPtrArray) params = xml_children(d, node, "parameter");

    for (guint i = 0; i < params->len; i++) {
        device_param *p = g_new0(device_param, 1);

        p->name = xml_attr(d, params->pdata[i], "name");
        p->value = xml_attr(d, params->pdata[i], "value");
        g_ptr_array_add(out, p);
    }
}

static int net_virtualport_parse(xml_doc *d, xmlNode *node, device_interface *net)
{
    xmlNode *v = xml_child(d, node, "virtualport");
    xmlNode *p;

    if (!v)
        return 0;
    if (xml_attr_choice(d, v, "type", vport_types, &net->virtualport_type) < 0)
        return -1;
    if ((p = xml_child(d, v, "parameters"))) {
        for (xmlAttr *a = p->properties; a; a = a->next) {
            device_param *param = g_new0(device_param, 1);

            param->name = g_strdup((const char *)a->name);
            param->value = xml_attr(d, p, param->name);
            g_ptr_array_add(net->virtualport_params, param);
        }
    }
    return 0;
}

static int net_model_driver_parse(xml_doc *d, xmlNode *node, device_interface *net)
{
    xmlNode *x;

    if ((x = xml_child(d, node, "model"))) {
        net->model = xml_attr(d, x, "type");
        if (net->model && !g_regex_match_simple("^[a-zA-Z0-9_-]+$", net->model, 0, 0)) {
            xml_report_invalid(d, x, "type", net->model);
            return -1;
        }
    }
    if ((x = xml_child(d, node, "driver"))) {
        if (xml_attr_choice(d, x, "name", driver_names, &net->driver_name) < 0 ||
            xml_attr_choice(d, x, "txmode", txmodes, &net->driver_txmode) < 0 ||
            dev_attr_number(d, x, "queues", &net->driver_queues) < 0 ||
            dev_attr_number(d, x, "rx_queue_size", &net->driver_rx_queue_size) < 0 ||
            dev_attr_number(d, x, "tx_queue_size", &net->driver_tx_queue_size) < 0)
            return -1;
    }
    return 0;
}

static int net_parse_body(xml_doc *d, xmlNode *node, device_interface *net, unsigned int flags)
{
    xmlNode *x;

    if (xml_attr_choice(d, node, "type", net_types, &net->type) < 0)
        return -1;
    if (!net->type) {
        xml_report_missing(d, node, "attribute 'type'");
        return -1;
    }
    if (net_mac_parse(d, node, net) < 0 || net_source_parse(d, node, net) < 0 ||
        net_virtualport_parse(d, node, net) < 0)
        return -1;
    if ((x = xml_child(d, node, "target"))) {
        net->target_dev = xml_attr(d, x, "dev");
        if (xml_attr_choice(d, x, "managed", yes_no, &net->target_managed) < 0)
            return -1;
        /* a name the host picked last run is not the user's choice (libvirt) */
        if (net->target_dev && !(flags & DOMAIN_PARSE_LIVE) &&
            dev_interface_target_is_generated(net->target_dev))
            g_clear_pointer(&net->target_dev, g_free);
    }
    if ((x = xml_child(d, node, "guest"))) {
        net->guest_dev = xml_attr(d, x, "dev");
        net->guest_actual = xml_attr(d, x, "actual");
        if (!(flags & DOMAIN_PARSE_LIVE))
            g_clear_pointer(&net->guest_actual, g_free);
    }
    if (net_model_driver_parse(d, node, net) < 0 ||
        bandwidth_parse_floor(d, node, strcmp(net->type, "network") == 0, &net->bandwidth) < 0)
        return -1;
    if ((x = xml_child(d, node, "filterref"))) {
        net->filterref = xml_attr(d, x, "filter");
        params_parse(d, x, net->filter_params);
    }
    if ((x = xml_child(d, node, "link")) &&
        xml_attr_choice(d, x, "state", link_states, &net->link_state) < 0)
        return -1;
    if ((x = xml_child(d, node, "mtu")) && xml_attr_uint(d, x, "size", &net->mtu) < 0)
        return -1;
    return dev_info_parse(d, node, &net->info, flags);
}

device_interface *dev_interface_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    device_interface *net = g_new0(device_interface, 1);

    net->filter_params = g_ptr_array_new_with_free_func(param_free);
    net->virtualport_params = g_ptr_array_new_with_free_func(param_free);
    if (net_parse_body(d, node, net, flags) < 0) {
        dev_interface_free(net);
        return NULL;
    }
    return net;
}

static void net_virtualport_format(xml_buf *b, const device_interface *net)
{
    dev_elem e;
    xml_buf at;

    if (!net->virtualport_type)
        return;
    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "type", net->virtualport_type);
    xbuf_init(&at, 0);
    for (guint i = 0; i < net->virtualport_params->len; i++) {
        const device_param *p = net->virtualport_params->pdata[i];

        xbuf_attr(&at, p->name, p->value);
    }
    xbuf_element(&e.kids, "parameters", &at, NULL);
    xbuf_clear(&at);
    dev_elem_close(&e, b, "virtualport");
}

static void net_filterref_format(xml_buf *b, const device_interface *net)
{
    dev_elem e;

    if (!net->filterref)
        return;
    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "filter", net->filterref);
    for (guint i = 0; i < net->filter_params->len; i++) {
        const device_param *p = net->filter_params->pdata[i];
        xml_buf at;

        xbuf_init(&at, 0);
        xbuf_attr(&at, "name", p->name);
        xbuf_attr(&at, "value", p->value);
        xbuf_element(&e.kids, "parameter", &at, NULL);
        xbuf_clear(&at);
    }
    dev_elem_close(&e, b, "filterref");
}

bool dev_interface_target_is_generated(const char *dev)
{
    return g_str_has_prefix(dev, "vnet") || g_str_has_prefix(dev, "macvtap") ||
           g_str_has_prefix(dev, "macvlan");
}

static void net_source_format(xml_buf *b, const device_interface *net, unsigned int flags)
{
    bool live = !(flags & VIREO_DOMAIN_XML_INACTIVE);
    bool network = strcmp(net->type, "network") == 0;
    xml_buf at;

    xbuf_init(&at, 0);
    xbuf_attr(&at, "network", net->source_network);
    xbuf_attr(&at, "portgroup", net->source_portgroup);
    if (network && live && net->has_portid) {
        char id[VIREO_UUID_STRING_BUFLEN];

        uuid_format(net->portid, id);
        xbuf_attr(&at, "portid", id);
    }
    if (!network || live)
        xbuf_attr(&at, "bridge", net->source_bridge);
    xbuf_attr(&at, "dev", net->source_dev);
    xbuf_attr(&at, "mode", net->source_mode);
    xbuf_element(b, "source", &at, NULL);
    xbuf_clear(&at);
}

void dev_interface_format(xml_buf *b, const device_interface *net, unsigned int flags)
{
    dev_elem e;
    xml_buf at;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "type", net->type);
    if (net->has_mac) {
        char mac[MAC_STRING_BUFLEN];

        mac_format(net->mac, mac);
        xbuf_add(&e.kids, "<mac address='%s'/>\n", mac);
    }
    net_source_format(&e.kids, net, flags);
    net_virtualport_format(&e.kids, net);
    xbuf_init(&at, 0);
    if (net->target_dev &&
        !((flags & VIREO_DOMAIN_XML_INACTIVE) && dev_interface_target_is_generated(net->target_dev)))
        xbuf_attr(&at, "dev", net->target_dev);
    if (!xbuf_empty(&at))
        xbuf_attr(&at, "managed", net->target_managed);
    xbuf_element(&e.kids, "target", &at, NULL);
    xbuf_attr(&at, "dev", net->guest_dev);
    if (!(flags & VIREO_DOMAIN_XML_INACTIVE))
        xbuf_attr(&at, "actual", net->guest_actual);
    xbuf_element(&e.kids, "guest", &at, NULL);
    xbuf_clear(&at);
    xbuf_escape(&e.kids, "<model type='%s'/>\n", net->model);
    xbuf_init(&at, 0);
    xbuf_attr(&at, "name", net->driver_name);
    xbuf_attr(&at, "txmode", net->driver_txmode);
    xbuf_attr(&at, "queues", net->driver_queues);
    xbuf_attr(&at, "rx_queue_size", net->driver_rx_queue_size);
    xbuf_attr(&at, "tx_queue_size", net->driver_tx_queue_size);
    xbuf_element(&e.kids, "driver", &at, NULL);
    xbuf_clear(&at);
    net_filterref_format(&e.kids, net);
    bandwidth_format(e.kids.str, net->bandwidth, e.kids.indent);
    xbuf_escape(&e.kids, "<link state='%s'/>\n", net->link_state);
    if (net->mtu)
        xbuf_add(&e.kids, "<mtu size='%u'/>\n", net->mtu);
    dev_info_format(&e.kids, &net->info, flags);
    dev_elem_close(&e, b, "interface");
}

void dev_interface_free(gpointer p)
{
    device_interface *net = p;

    if (!net)
        return;
    g_free(net->type);
    g_free(net->source_network);
    g_free(net->source_portgroup);
    g_free(net->source_bridge);
    g_free(net->source_dev);
    g_free(net->source_mode);
    g_free(net->target_dev);
    g_free(net->target_managed);
    g_free(net->guest_dev);
    g_free(net->guest_actual);
    bandwidth_free(net->bandwidth);
    g_free(net->model);
    g_free(net->driver_name);
    g_free(net->driver_queues);
    g_free(net->driver_txmode);
    g_free(net->driver_rx_queue_size);
    g_free(net->driver_tx_queue_size);
    g_free(net->link_state);
    g_free(net->filterref);
    g_clear_pointer(&net->filter_params, g_ptr_array_unref);
    g_free(net->virtualport_type);
    g_clear_pointer(&net->virtualport_params, g_ptr_array_unref);
    dev_info_clear(&net->info);
    g_free(net);
}
