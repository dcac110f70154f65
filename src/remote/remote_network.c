/*
 * remote_network.c: the network stubs gen_rpc.py does not write, and the
 * network handles of the generated ones.
 *
 * The mirror image of src/daemon/dispatch_network.c: the list (an array
 * of handles) and the DHCP leases (an array of structs).  Each is one
 * remote_call(); -1 with the thread's error.
 */
#include <string.h>

#include "remote/remote_priv.h"
#include "rpc/remote_gen.h"
#include "util/error.h"

/* ---- handles (remote_priv.h) ---- */

vireo_network *remote_network_from_wire(vireo_conn *conn, const remote_nonnull_network *n)
{
    return network_handle_new(conn, n->name, (const unsigned char *)n->uuid);
}

void remote_network_to_wire(vireo_network *net, remote_nonnull_network *n)
{
    n->name = net->name;
    memcpy(n->uuid, net->uuid, VIREO_UUID_BUFLEN);
}

int remote_proc_connect_list_all_networks(vireo_conn *conn, vireo_network ***nets,
                                          unsigned int flags)
{
    remote_connect_list_all_networks_args args = { .need_results = nets != NULL,
                                                   .flags = flags };
    remote_connect_list_all_networks_ret ret;
    int n;

    memset(&ret, 0, sizeof(ret));
    if (remote_call(conn, REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS,
                    (xdrproc_t)xdr_remote_connect_list_all_networks_args, &args,
                    (xdrproc_t)xdr_remote_connect_list_all_networks_ret, &ret) < 0)
        return -1;
    n = (int)ret.ret;
    if (nets) {
        n = (int)ret.nets.nets_len;
        *nets = g_new0(vireo_network *, ret.nets.nets_len + 1);
        for (u_int i = 0; i < ret.nets.nets_len; i++)
            (*nets)[i] = remote_network_from_wire(conn, &ret.nets.nets_val[i]);
    }
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_networks_ret, &ret);
    return n;
}

/* ---- DHCP leases ---- */

static char *remote_opt_string(char **s)
{
    return s ? g_strdup(*s) : NULL;
}

static vireo_network_dhcp_lease *remote_lease_from_wire(const remote_network_dhcp_lease *w)
{
    vireo_network_dhcp_lease *l = g_new0(vireo_network_dhcp_lease, 1);

    l->iface = g_strdup(w->iface);
    l->expirytime = w->expirytime;
    l->type = w->type;
    l->mac = remote_opt_string(w->mac);
    l->iaid = remote_opt_string(w->iaid);
    l->ipaddr = g_strdup(w->ipaddr);
    l->prefix = w->prefix;
    l->hostname = remote_opt_string(w->hostname);
    l->clientid = remote_opt_string(w->clientid);
    return l;
}

int remote_proc_network_get_dhcp_leases(vireo_network *net, const char *mac,
                                        vireo_network_dhcp_lease ***leases, unsigned int flags)
{
    remote_network_get_dhcp_leases_args args = { .need_results = leases != NULL,
                                                 .flags = flags };
    remote_network_get_dhcp_leases_ret ret;
    int n;

    memset(&ret, 0, sizeof(ret));
    remote_network_to_wire(net, &args.net);
    args.mac = mac ? (char **)&mac : NULL;
    if (remote_call(net->conn, REMOTE_PROC_NETWORK_GET_DHCP_LEASES,
                    (xdrproc_t)xdr_remote_network_get_dhcp_leases_args, &args,
                    (xdrproc_t)xdr_remote_network_get_dhcp_leases_ret, &ret) < 0)
        return -1;
    n = (int)ret.ret;
    if (leases) {
        n = (int)ret.leases.leases_len;
        *leases = n ? g_new0(vireo_network_dhcp_lease *, n) : NULL;
        for (int i = 0; i < n; i++)
            (*leases)[i] = remote_lease_from_wire(&ret.leases.leases_val[i]);
    }
    xdr_free((xdrproc_t)xdr_remote_network_get_dhcp_leases_ret, &ret);
    return n;
}
