/*
 * qemu_hotplug_net.c: update-device on an <interface> (domif-setlink
 * sends the interface's XML with a new <link state>): its link state
 * (QMP set_link), its bandwidth (tc on the tap) and its filter, live and
 * in the persistent definition.  Anything else about an interface (type,
 * source, model) cannot change in place: OPERATION_UNSUPPORTED naming it.
 */
#define LOG_CATEGORY "qemu.hotplug"

#include <string.h>

#include "conf/bandwidth.h"
#include "drivers/domain_ports.h"
#include "drivers/network/network_port.h"
#include "drivers/node.h"
#include "drivers/network/network_tc.h"
#include "drivers/nwfilter/nwfilter_apply.h"
#include "drivers/qemu/qemu_hotplug.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mac.h"

static bool rate_equal(const vireo_rate *a, const vireo_rate *b)
{
    return a->set == b->set && a->average == b->average && a->peak == b->peak &&
           a->burst == b->burst && a->floor == b->floor;
}

static bool bandwidth_equal(const vireo_bandwidth *a, const vireo_bandwidth *b)
{
    static const vireo_bandwidth none;

    a = a ? a : &none;
    b = b ? b : &none;
    return rate_equal(&a->in, &b->in) && rate_equal(&a->out, &b->out);
}

static bool filter_equal(const device_interface *a, const device_interface *b)
{
    if (g_strcmp0(a->filterref, b->filterref) != 0 ||
        a->filter_params->len != b->filter_params->len)
        return false;
    for (guint i = 0; i < a->filter_params->len; i++) {
        const device_param *p = a->filter_params->pdata[i], *q = b->filter_params->pdata[i];

        if (g_strcmp0(p->name, q->name) != 0 || g_strcmp0(p->value, q->value) != 0)
            return false;
    }
    return true;
}

static const char *link_of(const device_interface *n)
{
    return n->link_state ? n->link_state : "up";
}

/* The interface of devs new names (by MAC), refusing what cannot change.
 * -1 with the error. */
static int hp_net_find(const domain_devices *devs, const device_interface *new)
{
    int idx = devices_find_interface(devs, new);
    const device_interface *old;
    char mac[MAC_STRING_BUFLEN];

    mac_format(new->mac, mac);
    if (idx < 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_DEVICE_MISSING,
                     "device not found: no interface with MAC address %s", mac);
        return -1;
    }
    old = devs->interfaces->pdata[idx];
    if (g_strcmp0(old->type, new->type) != 0 ||
        g_strcmp0(old->source_network, new->source_network) != 0 ||
        g_strcmp0(old->source_portgroup, new->source_portgroup) != 0 ||
        (strcmp(new->type, "network") != 0 &&
         g_strcmp0(old->source_bridge, new->source_bridge) != 0) ||
        g_strcmp0(old->source_dev, new->source_dev) != 0 ||
        (new->model && g_strcmp0(old->model, new->model) != 0)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "cannot modify the type, source or model of interface %s in place: "
                     "only its link state, bandwidth and filter", mac);
        return -1;
    }
    return idx;
}

/* Copy what update-device may change from new into n. */
static void hp_net_take(device_interface *n, const device_interface *new)
{
    g_free(n->link_state);
    n->link_state = g_strdup(new->link_state);
    bandwidth_free(n->bandwidth);
    n->bandwidth = bandwidth_copy(new->bandwidth);
    if (!filter_equal(n, new)) {
        g_free(n->filterref);
        n->filterref = g_strdup(new->filterref);
        g_ptr_array_set_size(n->filter_params, 0);
        for (guint i = 0; i < new->filter_params->len; i++) {
            const device_param *p = new->filter_params->pdata[i];
            device_param *c = g_new0(device_param, 1);

            c->name = g_strdup(p->name);
            c->value = g_strdup(p->value);
            g_ptr_array_add(n->filter_params, c);
        }
    }
}

/* The filter of the running old becomes new's; old's comes back when
 * new's cannot be applied. */
static int hp_net_refilter(hp_op *op, const device_interface *old, const device_interface *new)
{
    node_state *node = qemu_dom_drv(op->dom)->node;
    const char *network = strcmp(old->type, "network") == 0 ? old->source_network : NULL;

    if (old->filterref)
        nwfilter_teardown(node, old->target_dev);
    if (!new->filterref || nwfilter_instantiate(node, old->target_dev, old->mac, network,
                                                new->filterref, new->filter_params) == 0)
        return 0;
    if (old->filterref) {
        g_autoptr(vireo_error) saved = error_save();

        nwfilter_instantiate(node, old->target_dev, old->mac, network, old->filterref,
                             old->filter_params);
        error_restore(g_steal_pointer(&saved));
    }
    return -1;
}

/* The bandwidth in force without the interface's own: its port's. */
static const vireo_bandwidth *hp_net_port_bandwidth(hp_op *op, const device_interface *n)
{
    const network_port *port = domain_ports_lookup(qemu_dom_of(op->dom)->net_ports, n);

    return port ? port->bandwidth : NULL;
}

int hp_net_update_live(hp_op *op, const device_interface *new)
{
    g_autoptr(domain_def) live = hp_live_copy(op);
    device_interface *old;
    bool host;
    int idx;

    if (!live || (idx = hp_net_find(&live->devices, new)) < 0)
        return -1;
    old = live->devices.interfaces->pdata[idx];
    host = strcmp(old->type, "user") != 0 && old->target_dev != NULL;
    if ((!bandwidth_equal(old->bandwidth, new->bandwidth) || !filter_equal(old, new)) && !host) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "interface '%s' of type '%s' has no host device to shape or filter",
                     old->info.alias, old->type);
        return -1;
    }
    if (!bandwidth_equal(old->bandwidth, new->bandwidth) &&
        network_tc_set(old->target_dev,
                       new->bandwidth ? new->bandwidth : hp_net_port_bandwidth(op, old),
                       qemu_net_is_macvtap(old)) < 0)
        return -1;
    if (!filter_equal(old, new) && hp_net_refilter(op, old, new) < 0)
        return -1;
    if (strcmp(link_of(old), link_of(new)) != 0) {
        json_t *r = hp_qmp(op, "set_link", json_pack("{s:s,s:b}", "name", old->info.alias, "up",
                                                     strcmp(link_of(new), "up") == 0));

        if (!r)
            return -1;
        json_decref(r);
    }
    hp_net_take(old, new);
    hp_commit_live(op, g_steal_pointer(&live));
    return 0;
}

int hp_net_update_config(hp_op *op, const device_interface *new)
{
    int idx = hp_net_find(&op->conf->devices, new);

    if (idx < 0)
        return -1;
    hp_net_take(op->conf->devices.interfaces->pdata[idx], new);
    return hp_commit_config(op);
}
