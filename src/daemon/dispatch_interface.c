/*
 * dispatch_interface.c: the host interface handlers gen_rpc.py does not
 * write, and the interface handles of the generated ones.
 *
 * Host interfaces are read-only: defining, undefining, starting and
 * stopping them and the change transaction are not implemented, so
 * vireod answers them NO_SUPPORT.  The inactive definition is refused
 * on a read-only connection, as libvirt does.  CONNECT_LIST_ALL_INTERFACES carries
 * an array of handles; the older count and name-list procedures
 * ("interfaces" are the active ones, "defined" the inactive ones) are
 * answered from the same list entry.  Prototypes come from the generated
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

/* ---- handles (dispatch.h) ---- */

vireo_interface *dispatch_iface_get(vireo_conn *conn, const struct remote_nonnull_interface *i)
{
    return iface_handle_new(conn, i->name, i->mac);
}

void dispatch_iface_put(vireo_interface *iface, struct remote_nonnull_interface *i)
{
    i->name = g_strdup(iface->name);
    i->mac = g_strdup(iface->mac ? iface->mac : "");
}

/* ---- definitions ---- */

/* As libvirt: the inactive definition is for read-write connections. */
int dispatch_interface_get_xml_desc(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                    void *args_, void *ret_)
{
    remote_interface_get_xml_desc_args *args = args_;
    remote_interface_get_xml_desc_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);
    vireo_interface *iface;

    if (!conn->driver->iface || !conn->driver->iface->get_xml_desc) {
        dispatch_no_support("virInterfaceGetXMLDesc");
        return -1;
    }
    if ((args->flags & VIREO_INTERFACE_XML_INACTIVE) && conn->read_only) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_DENIED,
                     "read only access prevents virInterfaceGetXMLDesc");
        return -1;
    }
    if (!(iface = dispatch_iface_get(conn, &args->iface)))
        return -1;
    ret->xml = conn->driver->iface->get_xml_desc(iface, args->flags);
    iface_handle_unref(iface);
    return ret->xml ? 0 : -1;
}

/* ---- lists ---- */

static void dispatch_ifaces_free(vireo_interface **ifaces)
{
    for (size_t i = 0; ifaces && ifaces[i]; i++)
        iface_handle_unref(ifaces[i]);
    g_free(ifaces);
}

/* Every interface matching flags (new handles, NULL-terminated) and
 * their count, refusing more than one reply can carry. */
static int dispatch_iface_list(daemon_client *client, unsigned int flags, vireo_interface ***ifaces)
{
    vireo_conn *conn = daemon_client_conn(client);
    int n;

    *ifaces = NULL;
    if (!conn->driver->iface || !conn->driver->iface->list_all) {
        dispatch_no_support("virConnectListAllInterfaces");
        return -1;
    }
    n = conn->driver->iface->list_all(conn, ifaces, flags);
    if (n > 0)
        n = acl_list_ifaces(client, *ifaces, n);
    if (n >= 0)
        n = dispatch_list_check(n, REMOTE_INTERFACE_LIST_MAX, "interfaces");
    if (n < 0)
        g_clear_pointer(ifaces, dispatch_ifaces_free);
    return n;
}

int dispatch_connect_list_all_interfaces(daemon_client *client,
                                         const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                         void *ret_)
{
    remote_connect_list_all_interfaces_args *args = args_;
    remote_connect_list_all_interfaces_ret *ret = ret_;
    vireo_interface **ifaces;
    int n = dispatch_iface_list(client, args->flags, &ifaces);

    if (n < 0)
        return -1;
    if (args->need_results) {
        ret->ifaces.ifaces_len = (u_int)n;
        ret->ifaces.ifaces_val = g_new0(remote_nonnull_interface, n > 0 ? n : 1);
        for (int i = 0; i < n; i++)
            dispatch_iface_put(ifaces[i], &ret->ifaces.ifaces_val[i]);
    }
    ret->ret = (unsigned int)n;
    dispatch_ifaces_free(ifaces);
    return 0;
}

/* ---- the older count and name-list procedures ---- */

static int dispatch_iface_count(daemon_client *client, unsigned int flags, int *num)
{
    vireo_interface **ifaces;
    int n = dispatch_iface_list(client, flags, &ifaces);

    if (n < 0)
        return -1;
    *num = n;
    dispatch_ifaces_free(ifaces);
    return 0;
}

/* The names of the interfaces matching flags, at most maxnames of them. */
static int dispatch_iface_names(daemon_client *client, unsigned int flags, int maxnames,
                                u_int *len, char ***names)
{
    vireo_interface **ifaces;
    int n;

    if (dispatch_maxnames_check(maxnames, REMOTE_INTERFACE_LIST_MAX) < 0)
        return -1;
    if ((n = dispatch_iface_list(client, flags, &ifaces)) < 0)
        return -1;
    n = MIN(n, maxnames);
    *len = (u_int)n;
    *names = g_new0(char *, n > 0 ? n : 1);
    for (int i = 0; i < n; i++)
        (*names)[i] = g_strdup(ifaces[i]->name);
    dispatch_ifaces_free(ifaces);
    return 0;
}

int dispatch_connect_num_of_interfaces(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                       void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_num_of_interfaces_ret *ret = ret_;

    return dispatch_iface_count(client, VIREO_LIST_INTERFACES_ACTIVE, &ret->num);
}

int dispatch_connect_num_of_defined_interfaces(daemon_client *client,
                                               const rpc_header *hdr G_GNUC_UNUSED,
                                               void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_num_of_defined_interfaces_ret *ret = ret_;

    return dispatch_iface_count(client, VIREO_LIST_INTERFACES_INACTIVE, &ret->num);
}

int dispatch_connect_list_interfaces(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                     void *args_, void *ret_)
{
    remote_connect_list_interfaces_args *args = args_;
    remote_connect_list_interfaces_ret *ret = ret_;

    return dispatch_iface_names(client, VIREO_LIST_INTERFACES_ACTIVE, args->maxnames,
                                &ret->names.names_len, &ret->names.names_val);
}

int dispatch_connect_list_defined_interfaces(daemon_client *client,
                                             const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                             void *ret_)
{
    remote_connect_list_defined_interfaces_args *args = args_;
    remote_connect_list_defined_interfaces_ret *ret = ret_;

    return dispatch_iface_names(client, VIREO_LIST_INTERFACES_INACTIVE, args->maxnames,
                                &ret->names.names_len, &ret->names.names_val);
}
