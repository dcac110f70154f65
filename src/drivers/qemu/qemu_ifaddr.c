/*
 * qemu_ifaddr.c: a running guest's interface addresses (domifaddr), as
 * libvirt finds them: from the DHCP leases of the networks its
 * interfaces are on (source lease), or from the host's neighbour table
 * matched on the guests' MACs (source arp: /proc/net/arp of vireod's
 * network namespace).  No guest agent yet: source agent is refused.
 *
 * An interface appears only when something was found for it.
 */
#define LOG_CATEGORY "qemu.ifaddr"

#include <stdio.h>
#include <string.h>

#include "drivers/network/network_port.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"
#include "util/mac.h"

#define IFADDR_ARP_TABLE "/proc/net/arp"
#define IFADDR_ARP_COMPLETE 0x2     /* ATF_COM */

/* An entry for n with addrs (vireo_domain_ip_address, taken). */
static vireo_domain_interface *ifaddr_entry(const device_interface *n, GArray *addrs)
{
    vireo_domain_interface *iface = g_new0(vireo_domain_interface, 1);
    char mac[MAC_STRING_BUFLEN];

    mac_format(n->mac, mac);
    iface->name = g_strdup(n->target_dev ? n->target_dev : "-");
    iface->hwaddr = g_strdup(mac);
    iface->naddrs = addrs->len;
    iface->addrs = (vireo_domain_ip_address *)(void *)g_array_free(addrs, addrs->len == 0);
    return iface;
}

static void ifaddr_add(GArray *addrs, int type, const char *addr, unsigned int prefix)
{
    vireo_domain_ip_address a = { .type = type, .addr = g_strdup(addr), .prefix = prefix };

    g_array_append_val(addrs, a);
}

static void ifaddr_from_leases(qemu_drv *drv, const domain_def *live, GPtrArray *out)
{
    for (guint i = 0; i < live->devices.interfaces->len; i++) {
        const device_interface *n = live->devices.interfaces->pdata[i];
        g_autoptr(GPtrArray) leases = NULL;
        GArray *addrs;

        if (strcmp(n->type, "network") != 0 || !n->source_network)
            continue;
        leases = g_ptr_array_new_with_free_func(dhcp_lease_free);
        if (network_leases_for_mac(drv->node, n->source_network, n->mac, leases) < 0 ||
            leases->len == 0) {
            error_reset();
            continue;
        }
        addrs = g_array_new(FALSE, FALSE, sizeof(vireo_domain_ip_address));
        for (guint k = 0; k < leases->len; k++) {
            const vireo_network_dhcp_lease *l = leases->pdata[k];

            ifaddr_add(addrs, l->type, l->ipaddr, l->prefix);
        }
        g_ptr_array_add(out, ifaddr_entry(n, addrs));
    }
}

static void ifaddr_from_arp(const domain_def *live, GPtrArray *out)
{
    g_autofree char *table = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(IFADDR_ARP_TABLE, &table, NULL, NULL))
        return;
    lines = g_strsplit(table, "\n", -1);
    for (guint i = 0; i < live->devices.interfaces->len; i++) {
        const device_interface *n = live->devices.interfaces->pdata[i];
        GArray *addrs = g_array_new(FALSE, FALSE, sizeof(vireo_domain_ip_address));

        /* IP address, HW type, Flags, HW address, Mask, Device; a header first */
        for (guint k = 1; lines[k]; k++) {
            char ip[64], hw[32], mac[32], mask[32], dev[64];
            unsigned int flags;
            unsigned char bytes[MAC_BUFLEN];

            if (sscanf(lines[k], "%63s %31s %x %31s %31s %63s", ip, hw, &flags, mac, mask,
                       dev) != 6 || !(flags & IFADDR_ARP_COMPLETE) || mac_parse(mac, bytes) < 0 ||
                memcmp(bytes, n->mac, MAC_BUFLEN) != 0)
                continue;
            ifaddr_add(addrs, VIREO_IP_ADDR_TYPE_IPV4, ip, 0);
        }
        if (addrs->len)
            g_ptr_array_add(out, ifaddr_entry(n, addrs));
        else
            g_array_free(addrs, TRUE);
    }
}

int qemu_domain_interface_addresses(vireo_domain *handle, vireo_domain_interface ***ifaces,
                                    unsigned int source, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    g_autoptr(domain_def) live = NULL;
    g_autoptr(GPtrArray) out = NULL;
    bool active;
    int n;

    *ifaces = NULL;
    if (!qemu_flags_ok(flags, 0, __func__) || !(dom = qemu_dom_from_handle(handle)))
        return -1;
    if (source == VIREO_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_NO_SUPPORT,
                     "domain '%s': interface addresses from the guest agent are not supported "
                     "(no guest agent support): use the lease or arp source", handle->name);
        return -1;
    }
    if (source != VIREO_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE &&
        source != VIREO_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                     "Unknown IP address data source %u", source);
        return -1;
    }
    g_mutex_lock(&dom->table->lock);
    active = dom->live != NULL;
    if (active)
        live = domain_def_copy(dom->live);
    g_mutex_unlock(&dom->table->lock);
    if (!active)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID, "domain '%s' is not running",
                     handle->name);
    if (!live)
        return -1;
    out = g_ptr_array_new_with_free_func(domain_iface_free);
    if (source == VIREO_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE)
        ifaddr_from_leases(qemu_dom_drv(dom), live, out);
    else
        ifaddr_from_arp(live, out);
    n = (int)out->len;
    if (n) {
        g_ptr_array_set_free_func(out, NULL);
        *ifaces = (vireo_domain_interface **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
    }
    return n;
}
