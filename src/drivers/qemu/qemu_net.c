/*
 * qemu_net.c: the host side of a guest's interfaces: what is plugged
 * before QEMU starts (or before a hotplug) and unplugged when the guest
 * or the interface goes.
 *
 * Per interface: a port of the network (type network, network_port.h),
 * a tap (netdev.h) into a bridge (bridge, or a network's bridge), a
 * macvtap (direct, or a network in a direct mode), or a tap left alone
 * (ethernet); then its bandwidth (tc) and its filter (nwfilter).  The
 * tap's name, the port's id and the network's bridge go into the live
 * definition (<target dev>, <source portid bridge>), so the status file
 * carries them across a vireod restart: the ports are then re-adopted
 * (qemu_net_readopt) and the rest is found by name.
 *
 * Taps are not persistent: QEMU holds their descriptors and the kernel
 * deletes them when the last one closes (QEMU exits, netdev_del).  A
 * macvtap is a link of its own and is deleted here.
 */
#define LOG_CATEGORY "qemu.net"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "conf/bandwidth.h"
#include "drivers/domain_ports.h"
#include "drivers/network/network_port.h"
#include "drivers/node.h"
#include "drivers/network/network_tc.h"
#include "drivers/nwfilter/nwfilter_apply.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mac.h"
#include "util/netdev.h"

#define QEMU_VHOST_NET "/dev/vhost-net"

static bool net_is_virtio(const device_interface *n)
{
    return g_strcmp0(n->model, "virtio") == 0;
}

/* /dev/vhost-net for n, or -1 when n does without (an error only when
 * <driver name='vhost'/> asked for it). */
static int net_open_vhost(const device_interface *n, const char *dom_name, int *fd)
{
    *fd = -1;
    if (strcmp(n->type, "user") == 0 || !net_is_virtio(n) || g_strcmp0(n->driver_name, "qemu") == 0)
        return 0;
    *fd = open(QEMU_VHOST_NET, O_RDWR | O_CLOEXEC);
    if (*fd >= 0 || g_strcmp0(n->driver_name, "vhost") != 0) {
        if (*fd < 0)
            log_debug("%s: no vhost-net (%s): QEMU moves the packets itself", dom_name,
                      g_strerror(errno));
        return 0;
    }
    error_report(VIREO_FROM_QEMU, VIREO_ERR_CONFIG_UNSUPPORTED,
                 "vhost-net was requested for an interface of domain '%s', but is unavailable: "
                 "cannot open %s: %s", dom_name, QEMU_VHOST_NET, g_strerror(errno));
    return -1;
}

/* The name to ask for: the user's <target dev>, unless the host names
 * such devices itself. */
static const char *net_tap_template(const device_interface *n)
{
    if (n->target_dev && !dev_interface_target_is_generated(n->target_dev))
        return n->target_dev;
    return "vnet%d";
}

/* A tap for n, up, into bridge (NULL: none), with mtu (0: the bridge's).
 * *fd and the tap's name into n->target_dev.  An ethernet interface
 * with <target managed='no'/> opens the user's existing tap as it is. */
static int net_tap_plug(device_interface *n, const char *bridge, unsigned int mtu, int *fd)
{
    bool unmanaged = g_strcmp0(n->target_managed, "no") == 0;
    unsigned char mac[6];
    g_autofree char *ifname = NULL;

    if (unmanaged && (!n->target_dev || !netdev_exists(n->target_dev))) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "interface with <target managed='no'/> needs an existing tap in "
                     "<target dev=''/> ('%s' is not there)", n->target_dev ? n->target_dev : "");
        return -1;
    }
    mac_host_side(n->mac, mac);
    if (netdev_tap_create(net_tap_template(n), unmanaged ? NULL : mac, net_is_virtio(n), fd, 1,
                          &ifname) < 0)
        return -1;
    if (unmanaged)
        mtu = 0;
    if ((mtu && netdev_set_mtu(ifname, mtu) < 0) ||
        (bridge && netdev_bridge_attach(bridge, ifname) < 0) || netdev_set_up(ifname, true) < 0) {
        close(*fd);
        *fd = -1;
        /* closing the last descriptor deleted a tap we made; a managed='no' one stays */
        return -1;
    }
    g_free(n->target_dev);
    n->target_dev = g_steal_pointer(&ifname);
    return 0;
}

static int net_macvtap_plug(device_interface *n, const char *dev, const char *mode, int *fd)
{
    g_autofree char *ifname = NULL;

    if (!dev) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "interface of type 'direct' needs <source dev=''/>");
        return -1;
    }
    if (netdev_macvtap_create(dev, mode ? mode : "vepa", n->mac, fd, &ifname) < 0)
        return -1;
    if (netdev_set_up(ifname, true) < 0) {
        close(*fd);
        *fd = -1;
        netdev_delete(ifname);
        return -1;
    }
    g_free(n->target_dev);
    n->target_dev = g_steal_pointer(&ifname);
    return 0;
}

/* Acquire n's port and plug it where the port says. */
static int net_network_plug(dom_obj *dom, const domain_def *live, device_interface *n, int *fd,
                            const vireo_bandwidth **bw)
{
    network_port *port = network_port_acquire(qemu_dom_drv(dom)->node, n->source_network,
                                              n->source_portgroup, n->mac, live->name,
                                              live->uuid);
    int rc;

    if (!port)
        return -1;
    if (port->kind == NETWORK_PORT_DIRECT)
        rc = net_macvtap_plug(n, port->dev, port->mode, fd);
    else
        rc = net_tap_plug(n, port->bridge, n->mtu ? n->mtu : port->mtu, fd);
    if (rc < 0) {
        g_autoptr(vireo_error) saved = error_save();

        network_port_release(qemu_dom_drv(dom)->node, port);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    if (!*bw)
        *bw = port->bandwidth;
    domain_ports_keep(&qemu_dom_of(dom)->net_ports, n, port);
    return 0;
}

bool qemu_net_is_macvtap(const device_interface *n)
{
    return n->target_dev && g_str_has_prefix(n->target_dev, "macvtap");
}

/* Bandwidth and filter on the plugged n. */
static int net_plug_extras(dom_obj *dom, device_interface *n, const vireo_bandwidth *bw)
{
    if (bw && network_tc_set(n->target_dev, bw, qemu_net_is_macvtap(n)) < 0)
        return -1;
    if (n->filterref &&
        nwfilter_instantiate(qemu_dom_drv(dom)->node, n->target_dev, n->mac,
                             strcmp(n->type, "network") == 0 ? n->source_network : NULL,
                             n->filterref, n->filter_params) < 0)
        return -1;
    return 0;
}

int qemu_net_plug(dom_obj *dom, const domain_def *live, device_interface *n, int *tapfd,
                  int *vhostfd)
{
    const vireo_bandwidth *bw = n->bandwidth;
    int rc = 0;

    *tapfd = *vhostfd = -1;
    if (strcmp(n->type, "user") == 0)
        return 0;
    if (net_open_vhost(n, live->name, vhostfd) < 0)
        return -1;
    if (strcmp(n->type, "network") == 0)
        rc = net_network_plug(dom, live, n, tapfd, &bw);
    else if (strcmp(n->type, "bridge") == 0)
        rc = net_tap_plug(n, n->source_bridge, n->mtu, tapfd);
    else if (strcmp(n->type, "direct") == 0)
        rc = net_macvtap_plug(n, n->source_dev, n->source_mode, tapfd);
    else
        rc = net_tap_plug(n, NULL, n->mtu, tapfd);
    if (rc == 0 && net_plug_extras(dom, n, bw) == 0) {
        log_info("%s: interface %s plugged as '%s'", live->name, n->type, n->target_dev);
        return 0;
    }
    {
        g_autoptr(vireo_error) saved = error_save();

        if (*tapfd >= 0)
            close(*tapfd);
        if (*vhostfd >= 0)
            close(*vhostfd);
        *tapfd = *vhostfd = -1;
        if (rc == 0)
            qemu_net_unplug(dom, n);
        error_restore(g_steal_pointer(&saved));
    }
    return -1;
}

void qemu_net_unplug(dom_obj *dom, const device_interface *n)
{
    node_state *node = qemu_dom_drv(dom)->node;
    const char *dev = n->target_dev;

    if (strcmp(n->type, "user") == 0)
        return;
    if (dev && n->filterref)
        nwfilter_teardown(node, dev);
    if (dev && netdev_exists(dev)) {
        network_tc_clear(dev);
        /* a macvtap is a link of its own; a tap goes with its last descriptor */
        if (qemu_net_is_macvtap(n) && netdev_delete(dev) < 0)
            log_warn("%s: cannot delete '%s': %s", dom->live ? dom->live->name : "?", dev,
                     error_last() ? error_last()->message : "?");
    }
    domain_ports_release(&qemu_dom_of(dom)->net_ports, node, dom->live, n);
    error_reset();
}

void qemu_net_start_clear(qemu_net_start *s)
{
    for (guint i = 0; s->fds && i < s->fds->len; i++)
        close(g_array_index(s->fds, int, i));
    g_clear_pointer(&s->fds, g_array_unref);
    g_clear_pointer(&s->nets, g_free);
}

/* fd joins what QEMU inherits; its number there. */
static int net_start_pass(qemu_net_start *s, int fd)
{
    if (fd < 0)
        return -1;
    g_array_append_val(s->fds, fd);
    return 3 + (int)s->fds->len - 1;
}

int qemu_net_prepare(dom_obj *dom, domain_def *live, qemu_net_start *s)
{
    GPtrArray *nets = live->devices.interfaces;

    s->fds = g_array_new(FALSE, FALSE, sizeof(int));
    s->nets = g_new0(qemu_command_net, nets->len + 1);
    for (guint i = 0; i < nets->len; i++) {
        int tapfd, vhostfd;

        if (qemu_net_plug(dom, live, nets->pdata[i], &tapfd, &vhostfd) < 0) {
            g_autoptr(vireo_error) saved = error_save();

            qemu_net_start_clear(s);
            while (i > 0)
                qemu_net_unplug(dom, nets->pdata[--i]);
            error_restore(g_steal_pointer(&saved));
            return -1;
        }
        s->nets[i].tapfd = net_start_pass(s, tapfd);
        s->nets[i].vhostfd = net_start_pass(s, vhostfd);
    }
    return 0;
}

void qemu_net_release_all(dom_obj *dom, const domain_def *live)
{
    if (live) {
        for (guint i = 0; i < live->devices.interfaces->len; i++)
            qemu_net_unplug(dom, live->devices.interfaces->pdata[i]);
    }
    /* whatever no interface names any more */
    g_clear_pointer(&qemu_dom_of(dom)->net_ports, g_hash_table_unref);
}

int qemu_net_set_links(qemu_proc *proc, const domain_def *live)
{
    for (guint i = 0; i < live->devices.interfaces->len; i++) {
        const device_interface *n = live->devices.interfaces->pdata[i];
        g_autofree char *alias = n->info.alias ? g_strdup(n->info.alias)
                                               : g_strdup_printf("net%u", i);
        json_t *r;

        if (g_strcmp0(n->link_state, "down") != 0)
            continue;
        r = qmp_call(proc->mon, "set_link", json_pack("{s:s,s:b}", "name", alias, "up", 0),
                     QEMU_MONITOR_TIMEOUT_MS);
        if (!r)
            return -1;
        json_decref(r);
    }
    return 0;
}

void qemu_net_readopt(dom_obj *dom, const domain_def *live)
{
    for (guint i = 0; i < live->devices.interfaces->len; i++) {
        const device_interface *n = live->devices.interfaces->pdata[i];
        bool on_network = strcmp(n->type, "network") == 0;

        /* the rules outlived the daemon in the kernel; instantiating again
         * tells this daemon's filter state which interface uses what (a
         * filter redefined later, an IP still to learn) */
        if (n->filterref && n->target_dev &&
            nwfilter_instantiate(qemu_dom_drv(dom)->node, n->target_dev, n->mac,
                                 on_network ? n->source_network : NULL, n->filterref,
                                 n->filter_params) < 0) {
            log_warn("%s: cannot filter '%s' again with '%s': %s", live->name, n->target_dev,
                     n->filterref, error_last() ? error_last()->message : "?");
            error_reset();
        }
        domain_ports_readopt(&qemu_dom_of(dom)->net_ports, qemu_dom_drv(dom)->node, live, n);
    }
}
