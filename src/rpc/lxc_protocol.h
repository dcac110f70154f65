/*
 * lxc_protocol.h: libvirt's LXC program (its src/remote/lxc_protocol.x),
 * written by hand: one procedure, too small for a second rpcgen pass.
 *
 *   program 0x00068000 version 1
 *   LXC_PROC_DOMAIN_OPEN_NAMESPACE = 1  (@acl domain:open_namespace, not
 *       read-only, low priority)
 *   args { remote_nonnull_domain dom; unsigned int flags; }, no return
 *   struct: the reply is REPLY_WITH_FDS, a descriptor count and the
 *   namespace descriptors after the packet (rpc/fdpass.h).
 */
#ifndef VIREO_RPC_LXC_PROTOCOL_H
#define VIREO_RPC_LXC_PROTOCOL_H

#include "rpc/remote_protocol.h"

#define RPC_LXC_PROGRAM 0x00068000u
#define LXC_PROC_DOMAIN_OPEN_NAMESPACE 1

typedef struct lxc_domain_open_namespace_args {
    remote_nonnull_domain dom;
    u_int flags;
} lxc_domain_open_namespace_args;

bool_t xdr_lxc_domain_open_namespace_args(XDR *xdrs, lxc_domain_open_namespace_args *objp);

#endif
