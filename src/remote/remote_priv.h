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

/* A handle for a domain the wire named (new reference). */
vireo_domain *remote_domain_from_wire(vireo_conn *conn, const remote_nonnull_domain *d);
/* Fill d from dom (borrowed: d points into dom). */
void remote_domain_to_wire(vireo_domain *dom, remote_nonnull_domain *d);

/* The remote driver: claims URIs with a transport (driver+unix://...,
 * ?socket=) and, when no in-process driver claims it, any other URI;
 * reaches vireod (or libvirtd) over its unix socket. */
extern const driver remote_driver;

#endif
