/*
 * remote_priv.h: the remote driver's transport, as its procedure stubs
 * see it.
 *
 * The stubs (remote_gen.c, generated from src/rpc/remote_protocol.x by
 * src/rpc/gen_rpc.py, and remote_special.c, the hand-written exceptions)
 * fill the driver tables of drivers/driver.h: each encodes its arguments,
 * calls remote_call(), and decodes the reply.
 */
#ifndef VIREO_REMOTE_PRIV_H
#define VIREO_REMOTE_PRIV_H

#include <rpc/rpc.h>

#include "drivers/driver.h"
#include "rpc/packet.h"
#include "rpc/remote_protocol.h"

/* Send one CALL of the remote program on conn and wait for its REPLY.
 * args and ret are encoded/decoded with their filters (xdr_void for
 * none); ret is zeroed by the caller and freed with xdr_free.  An ERROR
 * reply becomes the thread's error, unchanged (code, domain, message).
 * Many threads may call at once: replies are matched by serial.  Never
 * waits forever: a dead peer (keepalive) fails every waiting call.
 * 0, or -1 with the error set. */
int remote_call(vireo_conn *conn, int proc, xdrproc_t args_filter, void *args,
                xdrproc_t ret_filter, void *ret);

/* remote_call for any program (issue 11: the LXC program's call answers
 * with descriptors).  fds NULL: a reply carrying descriptors is an error;
 * else *fds gets them (GArray of int, the caller closes them), NULL when
 * none came, also when the decoding of the body then fails. */
int remote_call_fds(vireo_conn *conn, uint32_t prog, int proc, xdrproc_t args_filter, void *args,
                    xdrproc_t ret_filter, void *ret, GArray **fds);
/* The LXC program's DOMAIN_OPEN_NAMESPACE, the remote domain table's
 * lxc_open_namespace (remote_lxc.c). */
int remote_lxc_domain_open_namespace(vireo_domain *dom, int **fds, unsigned int flags);

/* A handle for a domain the wire named (new reference). */
vireo_domain *remote_domain_from_wire(vireo_conn *conn, const remote_nonnull_domain *d);
/* Fill d from dom (borrowed: d points into dom). */
void remote_domain_to_wire(vireo_domain *dom, remote_nonnull_domain *d);

/* The remote driver: claims URIs with a transport (driver+unix://...,
 * ?socket=) and, when no in-process driver claims it, any other URI;
 * reaches vireod (or libvirtd) over its unix socket. */
extern const driver remote_driver;

/* ---- Added for the generated stubs (issue 4, rpc helper) ----
 *
 * The driver tables of the remote driver, generated into remote_gen.c by
 * src/rpc/gen_rpc.py: every entry whose procedure is "@generate: both" or
 * "client", the hand-written ones of remote_special.c, and the transport
 * entries below.  remote_driver (remote_driver.c) points at them. */
extern const conn_driver remote_conn_driver;
extern const domain_driver remote_domain_driver;
extern const storage_driver remote_storage_driver;
extern const secret_driver remote_secret_driver;
extern const network_driver remote_network_driver;
extern const nwfilter_driver remote_nwfilter_driver;
extern const interface_driver remote_interface_driver;

/* ---- Added for storage and secrets (issue 8, rpc helper) ----
 * Handles for the pools, volumes and secrets the wire names (new
 * references), and the wire structs for handles (borrowed: they point
 * into the handle).  remote_storage.c, remote_secret.c. */
vireo_storage_pool *remote_pool_from_wire(vireo_conn *conn, const remote_nonnull_storage_pool *p);
void remote_pool_to_wire(vireo_storage_pool *pool, remote_nonnull_storage_pool *p);
vireo_storage_vol *remote_vol_from_wire(vireo_conn *conn, const remote_nonnull_storage_vol *v);
void remote_vol_to_wire(vireo_storage_vol *vol, remote_nonnull_storage_vol *v);
vireo_secret *remote_secret_from_wire(vireo_conn *conn, const remote_nonnull_secret *s);
void remote_secret_to_wire(vireo_secret *secret, remote_nonnull_secret *s);

/* ---- Added for networks, network filters and host interfaces (issue 9,
 * API and wire helper) ----
 * The same for networks, filters and host interfaces (remote_network.c,
 * remote_nwfilter.c, remote_interface.c). */
vireo_network *remote_network_from_wire(vireo_conn *conn, const remote_nonnull_network *n);
void remote_network_to_wire(vireo_network *net, remote_nonnull_network *n);
vireo_nwfilter *remote_nwfilter_from_wire(vireo_conn *conn, const remote_nonnull_nwfilter *f);
void remote_nwfilter_to_wire(vireo_nwfilter *filter, remote_nonnull_nwfilter *f);
vireo_interface *remote_iface_from_wire(vireo_conn *conn, const remote_nonnull_interface *i);
void remote_iface_to_wire(vireo_interface *iface, remote_nonnull_interface *i);
/* NETWORK_EVENT_LIFECYCLE (procedure 315), in remote_events.c: emitted as
 * remote_event_storage_dispatch emits pool events. */
int remote_event_network(vireo_conn *conn, const uint8_t *pkt, size_t len);

/* Make the CALL proc (args encoded with args_filter) that opens a stream
 * on conn, and on success become st's producer (drivers/stream.h): what
 * the server sends is pushed to st, what st's consumer writes goes out
 * as STREAM packets of the call.  DOMAIN_OPEN_CONSOLE and the volume
 * upload and download.  0, or -1 with the error (the server's, or the
 * transport's).  remote_stream.c. */
int remote_stream_open(vireo_conn *conn, int proc, xdrproc_t args_filter, void *args,
                       vireo_stream *st);

/* Transport entries, written in remote_driver.c, that the generated
 * remote_conn_driver table names: open (the prologue: AUTH_LIST,
 * SUPPORTS_FEATURE, CONNECT_OPEN, ...), close (the epilogue, then drop
 * the socket) and liveness. */
driver_open_result remote_driver_open(vireo_conn *conn, const vireo_uri *uri, unsigned int flags);
int remote_driver_close(vireo_conn *conn);
int remote_driver_is_alive(vireo_conn *conn);

/* Typed stubs for the procedures of the open prologue and epilogue
 * (remote_special.c).  Each is one remote_call(); -1 with the error set. */
/* AUTH_LIST: *types gets a g_new array of REMOTE_AUTH_* (caller g_free's). */
int remote_proc_auth_list(vireo_conn *conn, int **types, size_t *ntypes);
/* CONNECT_SUPPORTS_FEATURE: 1 supported, 0 not, -1 error. */
int remote_proc_connect_supports_feature(vireo_conn *conn, int feature);
/* CONNECT_OPEN: name is the URI the daemon should open (NULL: its default). */
int remote_proc_connect_open(vireo_conn *conn, const char *name, unsigned int flags);
int remote_proc_connect_close(vireo_conn *conn);
int remote_proc_connect_register_close_callback(vireo_conn *conn);
int remote_proc_connect_unregister_close_callback(vireo_conn *conn);

/* libvirt's feature numbers for CONNECT_SUPPORTS_FEATURE */
#define REMOTE_FEATURE_TYPED_PARAM_STRING 9
#define REMOTE_FEATURE_PROGRAM_KEEPALIVE 10
#define REMOTE_FEATURE_REMOTE_EVENT_CALLBACK 14
#define REMOTE_FEATURE_REMOTE_CLOSE_CALLBACK 15

/* A MESSAGE packet of the remote program arrived on conn (whole packet,
 * len bytes, length word included): decode it and emit it as a local
 * event to conn's registrations.  Called from the transport's reader;
 * 0, or -1 when the message is unknown or malformed (the caller logs and
 * goes on). */
int remote_event_dispatch(vireo_conn *conn, const rpc_header *hdr, const uint8_t *pkt, size_t len);
/* Its DEVICE_REMOVED case (procedure 333), in remote_events.c. */
int remote_event_device_removed(vireo_conn *conn, const uint8_t *pkt, size_t len);
/* Its storage pool and secret cases (procedures 370, 373, 382, 383), in
 * remote_events.c; -1 for any other procedure. */
int remote_event_storage_dispatch(vireo_conn *conn, int proc, const uint8_t *pkt, size_t len);

/* Forget conn's event registrations on the wire side (the connection is
 * closing); remote_driver_close calls it before dropping the socket.
 * (remote_events.c) */
void remote_events_forget(vireo_conn *conn);

/* ---- Added by the transport (remote_events.c) ----
 *
 * The event registration entries that the generated remote_domain_driver
 * names (remote_proc_connect_domain_event_callback_register_any and
 * remote_proc_connect_domain_event_callback_deregister_any, prototypes in
 * rpc/remote_gen.h) are written in remote_events.c, not in
 * remote_special.c: each local registration makes one
 * CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY and is delivered through
 * drivers/event.h with its own source key, found by: */

/* The source key (drivers/event.h) to emit an event carrying the server's
 * callback_id with: remote_event_dispatch calls
 * event_emit_lifecycle(remote_event_source(conn, msg.callbackID), ...).
 * NULL when no local registration has that id (drop the event).  Safe
 * from the transport's reader thread; the key stays valid until the
 * connection is freed. */
const void *remote_event_source(vireo_conn *conn, int callback_id);

#endif
