/*
 * transport.h: the bytes of one RPC connection, through the layers it has.
 *
 * Bottom to top: a stream socket (unix, TCP, or a socketpair to an ssh
 * child); TLS over it when the transport is TLS (tls.h); a SASL security
 * layer over either once authentication negotiated one (sasl.h: SSF > 0
 * on a connection that is not TLS).  vireod's main loop (daemon/client.c)
 * and the remote client's I/O thread (remote/remote_client.c) read and
 * write packets through it and never see which layers there are.
 *
 * Non-blocking, like recv/send on an O_NONBLOCK socket.  One thread at a
 * time uses a transport.  Layers buffer: after a read, more decoded bytes
 * may wait inside (rpc_transport_pending) with nothing left to poll for on
 * the fd, so a reader that stops early (budget, paused) must come back by
 * itself, not by a poll.  A send that returned EAGAIN must be repeated
 * with the same bytes (GnuTLS wants that).
 */
#ifndef VIREO_RPC_TRANSPORT_H
#define VIREO_RPC_TRANSPORT_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "rpc/sasl.h"
#include "rpc/tls.h"

typedef struct rpc_transport rpc_transport;

/* A transport over fd (connected, non-blocking; owned: closed by free). */
rpc_transport *rpc_transport_new(int fd);
void rpc_transport_free(rpc_transport *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(rpc_transport, rpc_transport_free)

int rpc_transport_fd(const rpc_transport *t);

/* The connection is a socketpair to a child (ssh, for qemu+ssh): the
 * transport owns pid too, and free ends it (SIGTERM, then reaps it). */
void rpc_transport_set_child(rpc_transport *t, pid_t pid);

/* Put TLS on (sess taken: its handshake is done, tls_session_handshake
 * returned 1).  Every byte after goes through it. */
void rpc_transport_set_tls(rpc_transport *t, tls_session *sess);
/* The TLS session, or NULL (borrowed): its peer's DN, key size. */
tls_session *rpc_transport_tls(const rpc_transport *t);

/* Put the SASL security layer on (sess borrowed: the caller keeps it
 * until the transport is freed); only when sasl_session_ssf() > 0 and no
 * TLS.  Bytes already read from the socket are not decoded again, so
 * call it between packets: the server once the reply that completed
 * authentication is sent, the client once it has read that reply. */
void rpc_transport_set_sasl(rpc_transport *t, sasl_session *sess);

/* As recv(2): bytes read (> 0), 0 at end of file, or -1 with errno set
 * (EAGAIN: nothing now; EPROTO: a TLS or SASL failure, described by
 * rpc_transport_error). */
ssize_t rpc_transport_recv(rpc_transport *t, void *buf, size_t len);
/* As send(2) with MSG_NOSIGNAL: bytes taken (> 0), or -1 with errno
 * (EAGAIN, EPIPE, EPROTO ...). */
ssize_t rpc_transport_send(rpc_transport *t, const void *buf, size_t len);
/* Decoded bytes wait inside a layer: recv now, without polling. */
bool rpc_transport_pending(const rpc_transport *t);
/* Which way the last EAGAIN waits: G_IO_IN or G_IO_OUT (a TLS read may
 * have to write, and the other way round). */
GIOCondition rpc_transport_wants(const rpc_transport *t);
/* The last EPROTO failure in words (borrowed), or NULL. */
const char *rpc_transport_error(const rpc_transport *t);

#endif
