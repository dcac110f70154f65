/*
 * stream.h: data streams as libvirt frames them (console, volume upload
 * and download, screenshots).
 *
 * A stream belongs to the call that opened it: every packet has type
 * STREAM (or STREAM_HOLE), the program, procedure and serial of that
 * call.  Status CONTINUE carries raw bytes (no XDR); an empty CONTINUE
 * is the sender's end of data.  OK (empty body) is the client's finish,
 * and the server's confirmation of the client's finish or abort (libvirt
 * clients wait for it; an OK they did not ask for drops the
 * connection).  ERROR carries a remote_error.  STREAM_HOLE carries an
 * XDR hyper length and an unsigned flags word.
 *
 * A handler opens a stream with daemon_stream_new() and returns its
 * reply as usual; data then flows both ways through the functions below.
 * A client's abort is confirmed here (OK, as libvirt); its receiver is
 * told, and is told the same when the client disconnects.
 * Thread-safe; incoming data is delivered on the main loop.
 */
#ifndef VIREO_DAEMON_STREAM_H
#define VIREO_DAEMON_STREAM_H

#include <glib.h>
#include <stdint.h>

#include "daemon/client.h"
#include "rpc/packet.h"

/* Data is sent in packets of at most this much, as libvirt does. */
#define STREAM_CHUNK_MAX (256 * 1024)

typedef struct daemon_stream daemon_stream;

/* A packet the client sent on the stream: type RPC_STREAM (status
 * CONTINUE: data; OK: the client finished; ERROR: it aborted, data is
 * the remote_error body) or RPC_STREAM_HOLE (hole_length and flags
 * set).  Runs on the main loop. */
typedef struct stream_input {
    int type;
    int status;
    const uint8_t *data;
    size_t len;
    int64_t hole_length;
    unsigned int hole_flags;
} stream_input;
typedef void (*daemon_stream_recv_cb)(daemon_stream *s, const stream_input *in, void *opaque);

/* Open a stream on c for the call hdr; the client keeps it until it
 * ends.  Returns a new reference for the caller. */
daemon_stream *daemon_stream_new(daemon_client *c, const rpc_header *call);
daemon_stream *daemon_stream_ref(daemon_stream *s);
void daemon_stream_unref(daemon_stream *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(daemon_stream, daemon_stream_unref)

/* Where the client's packets go (replaces any earlier callback). */
void daemon_stream_set_recv(daemon_stream *s, daemon_stream_recv_cb cb, void *opaque,
                            GDestroyNotify free_opaque);
/* One of our data packets left for the socket with len bytes of data
 * (flow control: the sender learns what the client took).  Main loop. */
typedef void (*daemon_stream_sent_cb)(daemon_stream *s, size_t len, void *opaque);
/* set_recv with a sent callback too (NULL: none); both get opaque. */
void daemon_stream_set_callbacks(daemon_stream *s, daemon_stream_recv_cb cb,
                                 daemon_stream_sent_cb sent, void *opaque,
                                 GDestroyNotify free_opaque);

/* Send data (split into STREAM_CHUNK_MAX packets; len 0: the end of
 * ours), a hole, the confirmation of the client's finish (finish), or
 * an error (NULL: the thread's error).  After finish or abort the stream
 * is closed: later sends fail.  0, or -1 with the error set. */
int daemon_stream_send(daemon_stream *s, const void *buf, size_t len);
int daemon_stream_send_hole(daemon_stream *s, int64_t length, unsigned int flags);
int daemon_stream_finish(daemon_stream *s);
int daemon_stream_abort(daemon_stream *s, const vireo_error *err);
/* Close without sending anything (the call that opened it failed, and
 * its error reply says why). */
void daemon_stream_drop(daemon_stream *s);
/* Whether the stream is still open (neither end finished nor aborted). */
bool daemon_stream_is_open(daemon_stream *s);

/* --- a vireo_stream carried by the call's wire stream (stream_link.c) ---
 * A handler whose call opens a stream makes a link, hands its vireo_stream
 * to the driver (which attaches as its producer), then reports the
 * driver's result with stream_link_opened:
 *
 *   stream_link *link = stream_link_new(client, hdr, conn);
 *   rv = conn->driver->storage->vol_download(vol, stream_link_stream(link), ...);
 *   stream_link_opened(link, rv);
 *
 * The link relays data, holes, the end and errors both ways, confirms the
 * client's finish and abort, and reports data as it leaves for the socket
 * (stream_consumed), so a producer pacing itself with stream_push_wait
 * holds at most STREAM_BACKLOG_MAX unsent bytes. */
typedef struct stream_link stream_link;
/* A link for the call hdr of c on conn; the handler holds one reference. */
stream_link *stream_link_new(daemon_client *c, const rpc_header *call, vireo_conn *conn);
/* The link's vireo_stream (borrowed while the handler holds the link). */
vireo_stream *stream_link_stream(stream_link *l);
/* The driver's result: rv < 0 closes the wire stream without a word (the
 * error reply says why; the thread's error is kept).  Releases the
 * handler's reference. */
void stream_link_opened(stream_link *l, int rv);

/* --- framing, pure (unit-tested) --- */
/* New packets for the stream of call; caller owns them. */
GByteArray *stream_packet_data(const rpc_header *call, const void *buf, size_t len);
GByteArray *stream_packet_end(const rpc_header *call);
GByteArray *stream_packet_error(const rpc_header *call, const vireo_error *err);
GByteArray *stream_packet_hole(const rpc_header *call, int64_t length, unsigned int flags);
/* Parse a whole STREAM or STREAM_HOLE packet into in (pointing into
 * pkt).  0, or -1 when malformed. */
int stream_packet_parse(const uint8_t *pkt, size_t len, rpc_header *hdr, stream_input *in);

/* --- for the daemon --- */
/* A STREAM or STREAM_HOLE packet from c (main thread). */
void stream_dispatch(daemon_client *c, const rpc_header *hdr, GByteArray *pkt);
/* Packets (taken: freed here) that client.c finished writing to c's
 * socket, oldest first; main thread, without c's lock. */
void stream_packets_sent(daemon_client *c, GQueue *sent);
/* GHFunc for a disconnected client's streams: close each without
 * sending anything, and tell its receiver the client aborted. */
void daemon_stream_abort_cb(gpointer key, gpointer value, gpointer user);

#endif
