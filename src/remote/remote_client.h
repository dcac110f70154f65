/*
 * remote_client.h: one connection to vireod (or libvirtd) on a socket.
 *
 * A client owns the socket and one I/O thread that does all reading and
 * writing: callers queue a CALL and sleep until the I/O thread hands them
 * the REPLY with their serial.  The I/O thread also answers the server's
 * keepalive PINGs, sends its own when the line is idle, and passes event
 * MESSAGEs to the client's event function.  When the peer dies (end of
 * file, a read or write error, a packet outside the limits, keepalive
 * timeout) every waiting call fails with the reason and later calls fail
 * at once.  Knows framing only (rpc/packet.h), no procedure.
 */
#ifndef VIREO_REMOTE_CLIENT_H
#define VIREO_REMOTE_CLIENT_H

#include <glib.h>
#include <stdbool.h>

#include "rpc/packet.h"

typedef struct remote_client remote_client;

/* Called on the I/O thread, with no lock held, for each MESSAGE packet of
 * a program other than keepalive (pkt: the whole packet, len bytes, only
 * valid during the call).  Must not call remote_client_call(). */
typedef void (*remote_client_event_fn)(void *opaque, const rpc_header *hdr,
                                       const uint8_t *pkt, size_t len);

/* Take fd (a connected stream socket; closed by remote_client_free) and
 * start its I/O thread.  on_event may be NULL.  Never fails. */
remote_client *remote_client_new(int fd, remote_client_event_fn on_event, void *opaque);
/* The same over a transport (taken; TLS handshake done), issue 10. */
struct rpc_transport;
remote_client *remote_client_new_transport(struct rpc_transport *t,
                                           remote_client_event_fn on_event, void *opaque);
/* The TLS session of the connection (borrowed), NULL when none. */
struct tls_session *remote_client_tls(remote_client *client);
/* Put the SASL security layer on (sess borrowed, kept by the caller
 * until the client is freed): called by the thread that read the reply
 * completing SASL, before its next call; safe against the I/O thread. */
struct sasl_session;
void remote_client_set_sasl(remote_client *client, struct sasl_session *sess);

/* Stop the I/O thread, fail any waiting call, close the socket, free. */
void remote_client_free(remote_client *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(remote_client, remote_client_free)

/* Send pkt (built with rpc_packet_new(hdr) and rpc_packet_encode; the
 * header and length word are written here) as a CALL of hdr->prog /
 * hdr->proc with the next serial, and wait for its reply.  Thread-safe.
 * On success *reply is the whole reply packet (caller frees) and
 * *reply_hdr its header (status OK or ERROR: the caller decodes the
 * body).  -1 with the thread's error set when the connection is or goes
 * dead before the reply. */
int remote_client_call(remote_client *client, rpc_header *hdr, GByteArray *pkt,
                       rpc_header *reply_hdr, GByteArray **reply);

/* A STREAM or STREAM_HOLE packet of a stream (whole packet, len bytes,
 * valid during the call), on the I/O thread with no lock held; hdr NULL
 * once when the connection died (the thread's error says why), after
 * which the stream is forgotten.  Must not call remote_client_call(). */
typedef void (*remote_client_stream_fn)(void *opaque, const rpc_header *hdr,
                                        const uint8_t *pkt, size_t len);

/* remote_client_call for a call that opens a stream: fn gets the
 * stream's packets (those with the call's serial, hdr->serial once it
 * returns) from before the CALL leaves until remote_client_stream_remove
 * or the connection's death; free_opaque releases opaque then.  When the
 * call fails before a reply the stream is removed already. */
int remote_client_call_stream(remote_client *client, rpc_header *hdr, GByteArray *pkt,
                              rpc_header *reply_hdr, GByteArray **reply,
                              remote_client_stream_fn fn, void *opaque,
                              GDestroyNotify free_opaque);
/* remote_client_call for a call answered with descriptors (issue 11,
 * the LXC program): *fds gets the reply's (GArray of int, caller owns and
 * closes them), or NULL when it carried none. */
int remote_client_call_fds(remote_client *client, rpc_header *hdr, GByteArray *pkt,
                           rpc_header *reply_hdr, GByteArray **reply, GArray **fds);
/* Stop delivering serial's stream packets (a late one is dropped). */
void remote_client_stream_remove(remote_client *client, uint32_t serial);
/* Queue a finished packet (taken; a STREAM packet) without waiting for
 * a reply; waits while REMOTE_CLIENT_SEND_QUEUE_MAX packets are queued
 * (a stream's data: at most that many 256 KiB packets in memory).  Not
 * on the I/O thread.  0, or -1 with the error set when the connection is
 * dead. */
#define REMOTE_CLIENT_SEND_QUEUE_MAX 16
int remote_client_send(remote_client *client, GByteArray *pkt);

/* Send PINGs after interval_ms without traffic; after count unanswered
 * ones the connection is declared dead.  interval_ms 0 stops them. */
void remote_client_keepalive_start(remote_client *client, int interval_ms, int count);

/* Declare the connection dead with the calling thread's error as the
 * reason (e.g. a reply that does not decode: the stream can no longer be
 * trusted): every waiting call fails with a copy of it. */
void remote_client_fail(remote_client *client);

/* false once the connection is dead. */
bool remote_client_is_alive(remote_client *client);

#endif
