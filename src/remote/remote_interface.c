/*
 * remote_interface.c: the host interface list, the guest interface
 * addresses (DOMAIN_INTERFACE_ADDRESSES), and the interface handles of
 * the generated stubs.  The mirror image of
 * src/daemon/dispatch_interface.c and dispatch_domifaddr.c.
 */
#include <string.h>

#include "remote/remote_priv.h"
#include "rpc/remote_gen.h"
#include "util/error.h"

/* ---- handles (remote_priv.h) ---- */

vireo_interface *remote_iface_from_wire(vireo_conn *conn, const remote_nonnull_interface *i)
{
    return iface_handle_new(conn, i->name, i->mac);
}

void remote_iface_to_wire(vireo_interface *iface, remote_nonnull_interface *i)
{
    i->name = iface->name;
    i->mac = iface->mac ? iface->mac : (char *)"";
}

int remote_proc_connect_list_all_interfaces(vireo_conn *conn, vireo_interface ***ifaces,
                                            unsigned int flags)
{
    remote_connect_list_all_interfaces_args args = { .need_results = ifaces != NULL,
                                                     .flags = flags };
    remote_connect_list_all_interfaces_ret ret;
    int n;

    memset(&ret, 0, sizeof(ret));
    if (remote_call(conn, REMOTE_PROC_CONNECT_LIST_ALL_INTERFACES,
                    (xdrproc_t)xdr_remote_connect_list_all_interfaces_args, &args,
                    (xdrproc_t)xdr_remote_connect_list_all_interfaces_ret, &ret) < 0)
        return -1;
    n = (int)ret.ret;
    if (ifaces) {
        n = (int)ret.ifaces.ifaces_len;
        *ifaces = g_new0(vireo_interface *, ret.ifaces.ifaces_len + 1);
        for (u_int i = 0; i < ret.ifaces.ifaces_len; i++)
            (*ifaces)[i] = remote_iface_from_wire(conn, &ret.ifaces.ifaces_val[i]);
    }
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_interfaces_ret, &ret);
    return n;
}

/* ---- a guest's interface addresses ---- */

static vireo_domain_interface *remote_domain_iface_from_wire(const remote_domain_interface *w)
{
    vireo_domain_interface *iface = g_new0(vireo_domain_interface, 1);

    iface->name = g_strdup(w->name);
    iface->hwaddr = w->hwaddr ? g_strdup(*w->hwaddr) : NULL;
    iface->naddrs = w->addrs.addrs_len;
    iface->addrs = w->addrs.addrs_len ? g_new0(vireo_domain_ip_address, w->addrs.addrs_len)
                                      : NULL;
    for (u_int i = 0; i < w->addrs.addrs_len; i++) {
        iface->addrs[i].type = w->addrs.addrs_val[i].type;
        iface->addrs[i].addr = g_strdup(w->addrs.addrs_val[i].addr);
        iface->addrs[i].prefix = w->addrs.addrs_val[i].prefix;
    }
    return iface;
}

int remote_proc_domain_interface_addresses(vireo_domain *dom, vireo_domain_interface ***ifaces,
                                           unsigned int source, unsigned int flags)
{
    remote_domain_interface_addresses_args args = { .source = source, .flags = flags };
    remote_domain_interface_addresses_ret ret;
    int n;

    memset(&ret, 0, sizeof(ret));
    remote_domain_to_wire(dom, &args.dom);
    if (remote_call(dom->conn, REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES,
                    (xdrproc_t)xdr_remote_domain_interface_addresses_args, &args,
                    (xdrproc_t)xdr_remote_domain_interface_addresses_ret, &ret) < 0)
        return -1;
    n = (int)ret.ifaces.ifaces_len;
    *ifaces = n ? g_new0(vireo_domain_interface *, n) : NULL;
    for (int i = 0; i < n; i++)
        (*ifaces)[i] = remote_domain_iface_from_wire(&ret.ifaces.ifaces_val[i]);
    xdr_free((xdrproc_t)xdr_remote_domain_interface_addresses_ret, &ret);
    return n;
}
