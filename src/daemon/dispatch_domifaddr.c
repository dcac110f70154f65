/*
 * dispatch_domifaddr.c: DOMAIN_INTERFACE_ADDRESSES, a guest's interfaces
 * and their addresses (virsh domifaddr), whose reply is an array of
 * structs gen_rpc.py does not map.  Runs on a worker thread and fills
 * ret (freed by the daemon with xdr_free).
 */
#include <string.h>

#include "daemon/dispatch.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "rpc/dispatch_gen.h"
#include "util/error.h"

/* Fill w from iface: strings copied (freed with the reply). */
static void dispatch_domain_iface_put(const vireo_domain_interface *iface,
                                      remote_domain_interface *w)
{
    w->name = g_strdup(iface->name ? iface->name : "");
    if (iface->hwaddr) {
        w->hwaddr = g_new(char *, 1);
        *w->hwaddr = g_strdup(iface->hwaddr);
    }
    w->addrs.addrs_len = iface->naddrs;
    w->addrs.addrs_val = g_new0(remote_domain_ip_addr, iface->naddrs ? iface->naddrs : 1);
    for (unsigned int i = 0; i < iface->naddrs; i++) {
        w->addrs.addrs_val[i].type = iface->addrs[i].type;
        w->addrs.addrs_val[i].addr = g_strdup(iface->addrs[i].addr ? iface->addrs[i].addr : "");
        w->addrs.addrs_val[i].prefix = iface->addrs[i].prefix;
    }
}

/* The driver's answer fits one reply: libvirt's limits on interfaces
 * and on the addresses of each. */
static int dispatch_domain_ifaces_check(vireo_domain_interface **ifaces, int n)
{
    if (dispatch_list_check(n, REMOTE_DOMAIN_INTERFACE_MAX, "interfaces") < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (dispatch_list_check((int)MIN(ifaces[i]->naddrs, (unsigned int)G_MAXINT),
                                REMOTE_DOMAIN_IP_ADDR_MAX, "IP addresses") < 0)
            return -1;
    }
    return 0;
}

int dispatch_domain_interface_addresses(daemon_client *client,
                                        const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                        void *ret_)
{
    remote_domain_interface_addresses_args *args = args_;
    remote_domain_interface_addresses_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);
    vireo_domain_interface **ifaces = NULL;
    vireo_domain *dom;
    int n;

    if (!conn->driver->domain || !conn->driver->domain->interface_addresses) {
        dispatch_no_support("virDomainInterfaceAddresses");
        return -1;
    }
    /* asking the guest agent changes nothing, but libvirt keeps it from
     * read-only connections */
    if (args->source == VIREO_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT && conn->read_only) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_DENIED,
                     "read only access prevents virDomainInterfaceAddresses");
        return -1;
    }
    if (!(dom = dispatch_domain_get(conn, &args->dom)))
        return -1;
    n = conn->driver->domain->interface_addresses(dom, &ifaces, args->source, args->flags);
    domain_handle_unref(dom);
    if (n >= 0 && dispatch_domain_ifaces_check(ifaces, n) < 0) {
        for (int i = 0; i < n; i++)
            vireo_domain_interface_free(ifaces[i]);
        n = -1;
    }
    if (n > 0) {
        ret->ifaces.ifaces_len = (u_int)n;
        ret->ifaces.ifaces_val = g_new0(remote_domain_interface, n);
        for (int i = 0; i < n; i++) {
            dispatch_domain_iface_put(ifaces[i], &ret->ifaces.ifaces_val[i]);
            vireo_domain_interface_free(ifaces[i]);
        }
    }
    g_free(ifaces);
    return n < 0 ? -1 : 0;
}
