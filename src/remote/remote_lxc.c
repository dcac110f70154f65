/*
 * remote_lxc.c: libvirt's LXC program on the client side: the one call
 * that answers with descriptors (virDomainLxcOpenNamespace).
 */
#include <unistd.h>

#include "remote/remote_priv.h"
#include "rpc/lxc_protocol.h"
#include "util/error.h"

int remote_lxc_domain_open_namespace(vireo_domain *dom, int **fds, unsigned int flags)
{
    lxc_domain_open_namespace_args args = { .flags = flags };
    g_autoptr(GArray) got = NULL;
    int n;

    remote_domain_to_wire(dom, &args.dom);
    if (remote_call_fds(dom->conn, RPC_LXC_PROGRAM, LXC_PROC_DOMAIN_OPEN_NAMESPACE,
                        (xdrproc_t)xdr_lxc_domain_open_namespace_args, &args, RPC_XDR_VOID,
                        NULL, &got) < 0)
        return -1;
    n = got ? (int)got->len : 0;
    *fds = g_new(int, MAX(n, 1));
    for (int i = 0; i < n; i++)
        (*fds)[i] = g_array_index(got, int, i);
    return n;
}
