/*
 * dispatch.h: how vireod turns one CALL into one REPLY.
 *
 * The table of procedures is generated at build time from
 * src/rpc/remote_protocol.x by src/rpc/gen_rpc.py (dispatch_gen.c), plus
 * the procedures marked "@generate: client" or "none" there, written by
 * hand in dispatch_special.c.  The daemon's worker looks a call up, checks
 * what the entry says (connection open, read-only socket), decodes the
 * arguments, runs fn, and encodes ret or the thread's error.
 */
#ifndef VIREO_DAEMON_DISPATCH_H
#define VIREO_DAEMON_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include <rpc/rpc.h>

#include "daemon/client.h"
#include "rpc/packet.h"

/* Permissions one procedure can need at most (gen_rpc.py ACL_MAX). */
#define DISPATCH_ACL_MAX 3

typedef struct dispatch_proc {
    const char *name;           /* "DOMAIN_SUSPEND" */
    xdrproc_t args_filter;      /* xdr_void when none */
    size_t args_size;
    xdrproc_t ret_filter;       /* xdr_void when none */
    size_t ret_size;
    /* Run the call: args decoded, ret zeroed.  0 with ret filled, or -1
     * with the thread's error set (util/error.h).  Runs on a worker
     * thread, never on the event loop. */
    int (*fn)(daemon_client *client, const rpc_header *hdr, void *args, void *ret);
    bool needs_conn;            /* refused until CONNECT_OPEN succeeded */
    bool read_only;             /* allowed on the read-only socket */
    bool high_priority;         /* may run even when every worker is busy */
    /* Access control (issue 10), from the @acl / @aclfilter annotations;
     * checked by the worker through acl.c when the rules file is on. */
    const char *acl[DISPATCH_ACL_MAX];      /* "domain.start", ...; NULL after the last */
    unsigned int acl_flags[DISPATCH_ACL_MAX]; /* 0: acl[i] always; else only when the
                                             * args' flags has one of these bits */
    unsigned int acl_flags_unset[DISPATCH_ACL_MAX]; /* nonzero: acl[i] only when the args'
                                             * flags has none of these bits (libvirt's
                                             * "domain:save:!CONFIG|LIVE": AFFECT_CURRENT) */
    const char *acl_filter;     /* list calls: what each listed object needs, else NULL */
    const char *obj_kind;       /* kind of obj_offset's argument: "domain", "storage_vol" */
    int obj_offset;             /* offset in args of the first remote_nonnull_<kind>, -1: none */
    int name_offset;            /* a `name` string naming the object (lookups), -1: none */
    int xml_offset;             /* the XML whose <name> is the object (define, create), -1 */
    int flags_offset;           /* the args' `unsigned int flags`, -1: none */
} dispatch_proc;

/* The entry for a procedure of the remote program, or NULL when vireo
 * does not implement it (the caller answers VIREO_ERR_NO_SUPPORT and the
 * connection stays up). */
const dispatch_proc *dispatch_remote_lookup(int proc);

/* ---- Added for the LXC program (issue 11, H5) ---- */
/* The entry for hdr's program (remote or LXC) and procedure, or NULL. */
const dispatch_proc *dispatch_lookup(const rpc_header *hdr);
/* The LXC program's entry (dispatch_lxc.c), or NULL. */
const dispatch_proc *dispatch_lxc_lookup(int proc);
/* A handler's reply carries descriptors (taken; closed once sent, or when
 * the call fails): the worker sends REPLY_WITH_FDS.  Worker thread only. */
void dispatch_reply_fds(GArray *fds);

/* ---- Added for the generated handlers (issue 4, rpc helper) ---- */

struct remote_nonnull_domain;
/* A domain handle on conn for the domain the wire named (new reference,
 * released with domain_handle_unref); the driver looks it up again by
 * UUID on use.  dispatch_special.c. */
vireo_domain *dispatch_domain_get(vireo_conn *conn, const struct remote_nonnull_domain *d);
/* Fill d from dom: name copied (freed with the reply), uuid, id. */
void dispatch_domain_put(vireo_domain *dom, struct remote_nonnull_domain *d);
/* Report VIREO_ERR_NO_SUPPORT naming api ("virDomainSuspend"): the
 * connection's driver has no entry for the call. */
void dispatch_no_support(const char *api);

/* ---- Added for storage and secrets (issue 8, rpc helper) ----
 * The same for the other objects the wire names: get makes a handle on
 * conn (new reference, released with pool/vol/secret_handle_unref); put
 * fills the wire struct from a handle (strings copied, freed with the
 * reply).  dispatch_storage.c, dispatch_secret.c. */
struct remote_nonnull_storage_pool;
struct remote_nonnull_storage_vol;
struct remote_nonnull_secret;
vireo_storage_pool *dispatch_pool_get(vireo_conn *conn, const struct remote_nonnull_storage_pool *p);
void dispatch_pool_put(vireo_storage_pool *pool, struct remote_nonnull_storage_pool *p);
vireo_storage_vol *dispatch_vol_get(vireo_conn *conn, const struct remote_nonnull_storage_vol *v);
void dispatch_vol_put(vireo_storage_vol *vol, struct remote_nonnull_storage_vol *v);
vireo_secret *dispatch_secret_get(vireo_conn *conn, const struct remote_nonnull_secret *s);
void dispatch_secret_put(vireo_secret *secret, struct remote_nonnull_secret *s);

/* ---- Added for networks, network filters and host interfaces (issue 9,
 * API and wire helper) ----
 * The same for networks (dispatch_network.c), network filters
 * (dispatch_nwfilter.c) and host interfaces (dispatch_interface.c). */
struct remote_nonnull_network;
struct remote_nonnull_nwfilter;
struct remote_nonnull_interface;
vireo_network *dispatch_network_get(vireo_conn *conn, const struct remote_nonnull_network *n);
void dispatch_network_put(vireo_network *net, struct remote_nonnull_network *n);
vireo_nwfilter *dispatch_nwfilter_get(vireo_conn *conn, const struct remote_nonnull_nwfilter *f);
void dispatch_nwfilter_put(vireo_nwfilter *filter, struct remote_nonnull_nwfilter *f);
vireo_interface *dispatch_iface_get(vireo_conn *conn, const struct remote_nonnull_interface *i);
void dispatch_iface_put(vireo_interface *iface, struct remote_nonnull_interface *i);

/* The checks of the list procedures of every kind: a list_all entry's
 * count n over what one reply carries (max) is an RPC error naming what
 * ("networks"): n, or -1 with the error set; so is a legacy name list's
 * maxnames outside 0..max: 0 or -1.  dispatch_network.c. */
int dispatch_list_check(int n, int max, const char *what);
int dispatch_maxnames_check(int maxnames, int max);

#endif
