/*
 * lxc_net.c: the host side of a container's interfaces.
 *
 * Each <interface> (type network or bridge) is a veth pair made here in
 * the daemon's network namespace: the host end, named vnetN, goes on
 * the bridge (a network's, through its port, network_port.h, or
 * <source bridge=''>) and up; the container end (with the guest's MAC)
 * is handed to the controller (--veth END=GUESTDEV), which moves it
 * into the container and renames it.  The host end's name, the port's
 * id and the network's bridge go into the live definition, so the
 * status file carries them across a vireod restart.  Deleting the host
 * end deletes the pair; the kernel deletes it too when the container's
 * network namespace goes with its init.
 *
 * All with the domain's job held.
 */
#define LOG_CATEGORY "lxc.net"

#include <string.h>

#include "conf/bandwidth.h"
#include "drivers/domain_ports.h"
#include "drivers/lxc/lxc_priv.h"
#include "drivers/network/network_port.h"
#include "drivers/network/network_tc.h"
#include "drivers/node.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mac.h"
#include "util/netdev.h"

/* Unplug n: its host end deleted (when still there), its port released. */
static void net_unplug(dom_obj *dom, const domain_def *live, const device_interface *n)
{
    if (n->target_dev && netdev_exists(n->target_dev) && netdev_delete(n->target_dev) < 0)
        log_warn("%s: cannot delete '%s': %s", live->name, n->target_dev,
                 error_last() ? error_last()->message : "?");
    domain_ports_release(&lxc_dom_of(dom)->net_ports, lxc_dom_drv(dom)->node, live, n);
    error_reset();
}

/* The veth pair of n on bridge; its container end's name into *peer. */
static int net_veth_plug(const domain_def *live, device_interface *n, const char *bridge,
                         unsigned int mtu, const vireo_bandwidth *bw, char **peer)
{
    g_autofree char *host = NULL;
    unsigned char host_mac[6];

    if (!bridge) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "interface of type 'bridge' of container '%s' needs <source bridge=''/>",
                     live->name);
        return -1;
    }
    /* distinct templates: the container end is renamed inside anyway */
    if (netdev_veth_create("vnet%d", "vnetc%d", &host, peer) < 0)
        return -1;
    mac_host_side(n->mac, host_mac);
    if (netdev_set_mac(*peer, n->mac) < 0 || netdev_set_mac(host, host_mac) < 0 ||
        (mtu && (netdev_set_mtu(host, mtu) < 0 || netdev_set_mtu(*peer, mtu) < 0)) ||
        netdev_bridge_attach(bridge, host) < 0 || netdev_set_up(host, true) < 0 ||
        (bw && network_tc_set(host, bw, false) < 0)) {
        g_autoptr(vireo_error) saved = error_save();

        netdev_delete(host);
        g_clear_pointer(peer, g_free);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    g_free(n->target_dev);
    n->target_dev = g_steal_pointer(&host);
    return 0;
}

static int net_plug(dom_obj *dom, const domain_def *live, device_interface *n, char **peer)
{
    lxc_drv *drv = lxc_dom_drv(dom);
    network_port *port;

    if (strcmp(n->type, "bridge") == 0)
        return net_veth_plug(live, n, n->source_bridge, n->mtu, n->bandwidth, peer);
    if (strcmp(n->type, "network") != 0) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "interface type '%s' is not supported for container '%s' (network or "
                     "bridge)", n->type, live->name);
        return -1;
    }
    port = network_port_acquire(drv->node, n->source_network, n->source_portgroup, n->mac,
                                live->name, live->uuid);
    if (!port)
        return -1;
    if (port->kind != NETWORK_PORT_BRIDGE) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "network '%s' of container '%s' has no bridge (direct forward modes are "
                     "not supported for containers)", n->source_network, live->name);
        network_port_release(drv->node, port);
        return -1;
    }
    if (net_veth_plug(live, n, port->bridge, n->mtu ? n->mtu : port->mtu,
                      n->bandwidth ? n->bandwidth : port->bandwidth, peer) < 0) {
        g_autoptr(vireo_error) saved = error_save();

        network_port_release(drv->node, port);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    domain_ports_keep(&lxc_dom_of(dom)->net_ports, n, port);
    return 0;
}

int lxc_net_prepare(dom_obj *dom, domain_def *live, GPtrArray *veth_args)
{
    GPtrArray *nets = live->devices.interfaces;

    for (guint i = 0; nets && i < nets->len; i++) {
        device_interface *n = nets->pdata[i];
        g_autofree char *peer = NULL;
        g_autofree char *guest = n->guest_dev ? g_strdup(n->guest_dev)
                                              : g_strdup_printf("eth%u", i);

        if (net_plug(dom, live, n, &peer) < 0) {
            g_autoptr(vireo_error) saved = error_save();

            while (i > 0)
                net_unplug(dom, live, nets->pdata[--i]);
            error_restore(g_steal_pointer(&saved));
            return -1;
        }
        g_free(n->guest_actual);
        n->guest_actual = g_strdup(guest);
        g_ptr_array_add(veth_args, g_strdup_printf("%s=%s", peer, guest));
        log_info("%s: interface %s: '%s' on bridge '%s', '%s' inside", live->name, n->type,
                 n->target_dev, n->source_bridge ? n->source_bridge : "?", guest);
    }
    return 0;
}

void lxc_net_release_all(dom_obj *dom, const domain_def *live)
{
    lxc_dom *priv = lxc_dom_of(dom);

    for (guint i = 0; live && live->devices.interfaces && i < live->devices.interfaces->len; i++)
        net_unplug(dom, live, live->devices.interfaces->pdata[i]);
    /* whatever no interface names any more */
    g_clear_pointer(&priv->net_ports, g_hash_table_unref);
}

void lxc_net_readopt(dom_obj *dom, const domain_def *live)
{
    for (guint i = 0; live->devices.interfaces && i < live->devices.interfaces->len; i++)
        domain_ports_readopt(&lxc_dom_of(dom)->net_ports, lxc_dom_drv(dom)->node, live,
                             live->devices.interfaces->pdata[i]);
}
