/* lxc_protocol.c: the XDR filter of the LXC program's one argument struct. */
#include "rpc/lxc_protocol.h"

bool_t xdr_lxc_domain_open_namespace_args(XDR *xdrs, lxc_domain_open_namespace_args *objp)
{
    return xdr_remote_nonnull_domain(xdrs, &objp->dom) && xdr_u_int(xdrs, &objp->flags);
}
