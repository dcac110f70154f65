/*
 * dispatch_lxc.c: libvirt's LXC program (0x00068000, rpc/lxc_protocol.h),
 * served beside the remote program on the same connections.
 *
 * Its one procedure, DOMAIN_OPEN_NAMESPACE, answers with descriptors:
 * the handler hands them to the worker (dispatch_reply_fds), which sends
 * REPLY_WITH_FDS with the count and client.c passes them after the
 * packet.  Descriptors only cross unix sockets: over TCP or TLS the call
 * is refused with libvirt's error, before the driver opens anything.
 */
#include <stddef.h>

#include "daemon/daemon_priv.h"
#include "daemon/dispatch.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "rpc/lxc_protocol.h"
#include "util/error.h"

static int dispatch_lxc_open_namespace(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                       void *args_, void *ret G_GNUC_UNUSED)
{
    lxc_domain_open_namespace_args *args = args_;
    g_autofree int *fds = NULL;
    vireo_conn *conn;
    vireo_domain *dom;
    GArray *out;
    int n;

    if (client->via != LISTEN_UNIX) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_INTERNAL_ERROR,
                     "Sending file descriptors is not supported on this socket");
        return -1;
    }
    conn = daemon_client_conn(client);
    if (!conn->driver->domain || !conn->driver->domain->lxc_open_namespace) {
        dispatch_no_support("virDomainLxcOpenNamespace");
        return -1;
    }
    if (!(dom = dispatch_domain_get(conn, &args->dom)))
        return -1;
    n = conn->driver->domain->lxc_open_namespace(dom, &fds, args->flags);
    domain_handle_unref(dom);
    if (n < 0)
        return -1;
    out = g_array_sized_new(FALSE, FALSE, sizeof(int), n);
    g_array_append_vals(out, fds, n);
    dispatch_reply_fds(out);
    return 0;
}

static const dispatch_proc dispatch_lxc_procs[] = {
    [LXC_PROC_DOMAIN_OPEN_NAMESPACE] = {
        /* dispatch_api_name: virDomainLxcOpenNamespace */
        .name = "DOMAIN_LXC_OPEN_NAMESPACE",
        .args_filter = (xdrproc_t)xdr_lxc_domain_open_namespace_args,
        .args_size = sizeof(lxc_domain_open_namespace_args),
        .ret_filter = RPC_XDR_VOID,
        .ret_size = 0,
        .fn = dispatch_lxc_open_namespace,
        .needs_conn = true,
        .read_only = false,     /* libvirt's: refused on the read-only socket */
        .high_priority = false,
        .acl = { "domain.open_namespace" },
        .obj_kind = "domain",
        .obj_offset = offsetof(lxc_domain_open_namespace_args, dom),
        .name_offset = -1,
        .xml_offset = -1,
        .flags_offset = offsetof(lxc_domain_open_namespace_args, flags),
    },
};

const dispatch_proc *dispatch_lxc_lookup(int proc)
{
    if (proc <= 0 || proc >= (int)G_N_ELEMENTS(dispatch_lxc_procs))
        return NULL;
    return &dispatch_lxc_procs[proc];
}
