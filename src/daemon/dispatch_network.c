/*
 * dispatch_network.c: the network handlers gen_rpc.py does not write,
 * and the network handles of the generated ones.
 *
 * CONNECT_LIST_ALL_NETWORKS carries an array of handles; the older count
 * and name-list procedures, which virsh and python3-libvirt still send
 * (numOfNetworks, listNetworks, listDefinedNetworks), are answered from
 * the same list entry: "networks" are the active ones, "defined" the
 * inactive ones, as in libvirt.  NETWORK_GET_DHCP_LEASES and the network
 * event registration are here too.  Prototypes come from the generated
 * rpc/dispatch_gen.h; each runs on a worker thread and fills ret (freed
 * by the daemon with xdr_free).
 */
#include <string.h>

#include "daemon/acl_list.h"
#include "daemon/dispatch.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "rpc/dispatch_gen.h"
#include "util/error.h"

/* ---- checks shared by the list procedures (dispatch.h) ---- */

int dispatch_list_check(int n, int max, const char *what)
{
    if (n > max) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "too many %s '%d' for limit '%d'", what, n,
                     max);
        return -1;
    }
    return n;
}

int dispatch_maxnames_check(int maxnames, int max)
{
    if (maxnames < 0 || maxnames > max) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "maxnames '%d' must be 0 .. %d", maxnames,
                     max);
        return -1;
    }
    return 0;
}

/* ---- handles (dispatch.h) ---- */

vireo_network *dispatch_network_get(vireo_conn *conn, const struct remote_nonnull_network *n)
{
    return network_handle_new(conn, n->name, (const unsigned char *)n->uuid);
}

void dispatch_network_put(vireo_network *net, struct remote_nonnull_network *n)
{
    n->name = g_strdup(net->name);
    memcpy(n->uuid, net->uuid, sizeof(n->uuid));
}

/* ---- lists ---- */

static void dispatch_networks_free(vireo_network **nets)
{
    for (size_t i = 0; nets && nets[i]; i++)
        network_handle_unref(nets[i]);
    g_free(nets);
}

/* Every network matching flags (new handles, NULL-terminated) and their
 * count, refusing more than one reply can carry. */
static int dispatch_network_list(daemon_client *client, unsigned int flags, vireo_network ***nets)
{
    vireo_conn *conn = daemon_client_conn(client);
    int n;

    *nets = NULL;
    if (!conn->driver->network || !conn->driver->network->list_all) {
        dispatch_no_support("virConnectListAllNetworks");
        return -1;
    }
    n = conn->driver->network->list_all(conn, nets, flags);
    if (n > 0)
        n = acl_list_networks(client, *nets, n);
    if (n >= 0)
        n = dispatch_list_check(n, REMOTE_NETWORK_LIST_MAX, "networks");
    if (n < 0)
        g_clear_pointer(nets, dispatch_networks_free);
    return n;
}

int dispatch_connect_list_all_networks(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                       void *args_, void *ret_)
{
    remote_connect_list_all_networks_args *args = args_;
    remote_connect_list_all_networks_ret *ret = ret_;
    vireo_network **nets;
    int n = dispatch_network_list(client, args->flags, &nets);

    if (n < 0)
        return -1;
    if (args->need_results) {
        ret->nets.nets_len = (u_int)n;
        ret->nets.nets_val = g_new0(remote_nonnull_network, n > 0 ? n : 1);
        for (int i = 0; i < n; i++)
            dispatch_network_put(nets[i], &ret->nets.nets_val[i]);
    }
    ret->ret = (unsigned int)n;
    dispatch_networks_free(nets);
    return 0;
}

/* ---- the older count and name-list procedures ---- */

static int dispatch_network_count(daemon_client *client, unsigned int flags, int *num)
{
    vireo_network **nets;
    int n = dispatch_network_list(client, flags, &nets);

    if (n < 0)
        return -1;
    *num = n;
    dispatch_networks_free(nets);
    return 0;
}

/* The names of the networks matching flags, at most maxnames of them. */
static int dispatch_network_names(daemon_client *client, unsigned int flags, int maxnames,
                                  u_int *len, char ***names)
{
    vireo_network **nets;
    int n;

    if (dispatch_maxnames_check(maxnames, REMOTE_NETWORK_LIST_MAX) < 0)
        return -1;
    if ((n = dispatch_network_list(client, flags, &nets)) < 0)
        return -1;
    n = MIN(n, maxnames);
    *len = (u_int)n;
    *names = g_new0(char *, n > 0 ? n : 1);
    for (int i = 0; i < n; i++)
        (*names)[i] = g_strdup(nets[i]->name);
    dispatch_networks_free(nets);
    return 0;
}

int dispatch_connect_num_of_networks(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                     void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_num_of_networks_ret *ret = ret_;

    return dispatch_network_count(client, VIREO_LIST_NETWORKS_ACTIVE, &ret->num);
}

int dispatch_connect_num_of_defined_networks(daemon_client *client,
                                             const rpc_header *hdr G_GNUC_UNUSED,
                                             void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_num_of_defined_networks_ret *ret = ret_;

    return dispatch_network_count(client, VIREO_LIST_NETWORKS_INACTIVE, &ret->num);
}

int dispatch_connect_list_networks(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                   void *args_, void *ret_)
{
    remote_connect_list_networks_args *args = args_;
    remote_connect_list_networks_ret *ret = ret_;

    return dispatch_network_names(client, VIREO_LIST_NETWORKS_ACTIVE, args->maxnames,
                                  &ret->names.names_len, &ret->names.names_val);
}

int dispatch_connect_list_defined_networks(daemon_client *client,
                                           const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                           void *ret_)
{
    remote_connect_list_defined_networks_args *args = args_;
    remote_connect_list_defined_networks_ret *ret = ret_;

    return dispatch_network_names(client, VIREO_LIST_NETWORKS_INACTIVE, args->maxnames,
                                  &ret->names.names_len, &ret->names.names_val);
}

/* ---- DHCP leases ---- */

/* A copy of s for a nullable wire string (freed with the reply). */
static char **dispatch_opt_string(const char *s)
{
    char **p;

    if (!s)
        return NULL;
    p = g_new(char *, 1);
    *p = g_strdup(s);
    return p;
}

static void dispatch_lease_put(const vireo_network_dhcp_lease *l, remote_network_dhcp_lease *w)
{
    w->iface = g_strdup(l->iface ? l->iface : "");
    w->expirytime = l->expirytime;
    w->type = l->type;
    w->mac = dispatch_opt_string(l->mac);
    w->iaid = dispatch_opt_string(l->iaid);
    w->ipaddr = g_strdup(l->ipaddr ? l->ipaddr : "");
    w->prefix = l->prefix;
    w->hostname = dispatch_opt_string(l->hostname);
    w->clientid = dispatch_opt_string(l->clientid);
}

int dispatch_network_get_dhcp_leases(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                     void *args_, void *ret_)
{
    remote_network_get_dhcp_leases_args *args = args_;
    remote_network_get_dhcp_leases_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);
    vireo_network_dhcp_lease **leases = NULL;
    vireo_network *net;
    int n;

    if (!conn->driver->network || !conn->driver->network->get_dhcp_leases) {
        dispatch_no_support("virNetworkGetDHCPLeases");
        return -1;
    }
    if (!(net = dispatch_network_get(conn, &args->net)))
        return -1;
    n = conn->driver->network->get_dhcp_leases(net, args->mac ? *args->mac : NULL, &leases,
                                               args->flags);
    network_handle_unref(net);
    if (n >= 0)
        n = dispatch_list_check(n, REMOTE_NETWORK_DHCP_LEASES_MAX, "leases");
    if (n >= 0 && args->need_results) {
        ret->leases.leases_len = (u_int)n;
        ret->leases.leases_val = g_new0(remote_network_dhcp_lease, n > 0 ? n : 1);
        for (int i = 0; i < n; i++)
            dispatch_lease_put(leases[i], &ret->leases.leases_val[i]);
    }
    for (int i = 0; leases && i < n; i++)
        vireo_network_dhcp_lease_free(leases[i]);
    g_free(leases);
    if (n < 0)
        return -1;
    ret->ret = (unsigned int)n;
    return 0;
}

/* ---- events (events.c does the forwarding) ---- */

int dispatch_connect_network_event_register_any(daemon_client *client,
                                                const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                                void *ret_)
{
    remote_connect_network_event_register_any_args *args = args_;
    remote_connect_network_event_register_any_ret *ret = ret_;
    vireo_network *net = NULL;
    int callback_id = -1;
    int rv;

    if (args->net)
        net = dispatch_network_get(daemon_client_conn(client), args->net);
    rv = daemon_client_network_event_register(client, args->eventID, net, &callback_id);
    if (net)
        network_handle_unref(net);
    if (rv < 0)
        return -1;
    ret->callbackID = callback_id;
    return 0;
}

int dispatch_connect_network_event_deregister_any(daemon_client *client,
                                                  const rpc_header *hdr G_GNUC_UNUSED,
                                                  void *args_, void *ret_ G_GNUC_UNUSED)
{
    remote_connect_network_event_deregister_any_args *args = args_;

    return daemon_client_network_event_deregister(client, args->callbackID);
}
