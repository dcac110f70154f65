/*
 * stream.c: streams of data tied to a call (see stream.h).
 */
#include <string.h>

#include "daemon/daemon_priv.h"
#include "daemon/stream.h"
#include "rpc/remote_protocol.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.stream"

struct daemon_stream {
    gint refs;                  /* atomic */
    daemon_client *client;      /* one reference */
    rpc_header call;            /* prog, vers, proc, serial of the opening call */
    GMutex lock;
    bool open;                  /* lock */
    daemon_stream_recv_cb cb;   /* lock */
    void *opaque;               /* lock: released with free_opaque */
    GDestroyNotify free_opaque;
    daemon_stream_sent_cb sent; /* lock: called with opaque */
};

/* ---- framing ---- */

static rpc_header stream_header(const rpc_header *call, int type, int status)
{
    rpc_header h = *call;

    h.type = type;
    h.status = status;
    return h;
}

GByteArray *stream_packet_data(const rpc_header *call, const void *buf, size_t len)
{
    rpc_header h = stream_header(call, RPC_STREAM, RPC_CONTINUE);
    GByteArray *pkt = rpc_packet_new(&h);

    g_byte_array_append(pkt, buf, len);     /* raw bytes: no XDR */
    rpc_packet_finish(pkt, &h);
    return pkt;
}

GByteArray *stream_packet_end(const rpc_header *call)
{
    rpc_header h = stream_header(call, RPC_STREAM, RPC_OK);
    GByteArray *pkt = rpc_packet_new(&h);

    rpc_packet_finish(pkt, &h);
    return pkt;
}

GByteArray *stream_packet_error(const rpc_header *call, const vireo_error *err)
{
    rpc_header h = stream_header(call, RPC_STREAM, RPC_ERROR);

    return wire_error_packet(&h, err);
}

GByteArray *stream_packet_hole(const rpc_header *call, int64_t length, unsigned int flags)
{
    rpc_header h = stream_header(call, RPC_STREAM_HOLE, RPC_CONTINUE);
    GByteArray *pkt = rpc_packet_new(&h);
    remote_stream_hole hole = { length, flags };

    rpc_packet_encode(pkt, (xdrproc_t)xdr_remote_stream_hole, &hole);  /* 12 bytes: fits */
    rpc_packet_finish(pkt, &h);
    return pkt;
}

int stream_packet_parse(const uint8_t *pkt, size_t len, rpc_header *hdr, stream_input *in)
{
    remote_stream_hole hole = { 0, 0 };

    if (rpc_header_decode(pkt, len, hdr) < 0)
        return -1;
    memset(in, 0, sizeof(*in));
    in->type = hdr->type;
    in->status = hdr->status;
    in->data = pkt + RPC_LEN_SIZE + RPC_HEADER_SIZE;
    in->len = len - RPC_LEN_SIZE - RPC_HEADER_SIZE;
    if (hdr->type == RPC_STREAM) {
        /* CONTINUE: data; OK: end, no body; ERROR: a remote_error */
        if (hdr->status == RPC_OK && in->len)
            return -1;
        return hdr->status == RPC_OK || hdr->status == RPC_ERROR ||
               hdr->status == RPC_CONTINUE ? 0 : -1;
    }
    if (hdr->type != RPC_STREAM_HOLE)
        return -1;
    if (rpc_packet_decode(pkt, len, (xdrproc_t)xdr_remote_stream_hole, &hole) < 0 || hole.length < 0)
        return -1;
    in->hole_length = hole.length;
    in->hole_flags = hole.flags;
    return 0;
}

/* ---- stream objects ---- */

daemon_stream *daemon_stream_new(daemon_client *c, const rpc_header *call)
{
    daemon_stream *s = g_new0(daemon_stream, 1);
    daemon_stream *old;

    s->refs = 2;    /* the caller's and the client's table's */
    s->client = client_ref(c);
    s->call = *call;
    s->open = true;
    g_mutex_init(&s->lock);
    g_mutex_lock(&c->lock);
    if (c->closed)
        s->open = false;
    /* a client reusing the serial of an open stream: that stream ends as
     * if the client had aborted it, or its feeder would never let go */
    old = g_hash_table_lookup(c->streams, GUINT_TO_POINTER(call->serial));
    if (old)
        g_hash_table_steal(c->streams, GUINT_TO_POINTER(call->serial));
    g_hash_table_insert(c->streams, GUINT_TO_POINTER(call->serial), s);
    g_mutex_unlock(&c->lock);
    if (old) {
        daemon_stream_abort_cb(NULL, old, NULL);
        daemon_stream_unref(old);
    }
    log_debug("client %d: stream opened by serial %u", c->id, call->serial);
    return s;
}

daemon_stream *daemon_stream_ref(daemon_stream *s)
{
    g_atomic_int_inc(&s->refs);
    return s;
}

void daemon_stream_unref(daemon_stream *s)
{
    if (!s || !g_atomic_int_dec_and_test(&s->refs))
        return;
    if (s->free_opaque)
        s->free_opaque(s->opaque);
    client_unref(s->client);
    g_mutex_clear(&s->lock);
    g_free(s);
}

void daemon_stream_set_recv(daemon_stream *s, daemon_stream_recv_cb cb, void *opaque,
                            GDestroyNotify free_opaque)
{
    daemon_stream_set_callbacks(s, cb, NULL, opaque, free_opaque);
}

void daemon_stream_set_callbacks(daemon_stream *s, daemon_stream_recv_cb cb,
                                 daemon_stream_sent_cb sent, void *opaque,
                                 GDestroyNotify free_opaque)
{
    void *old;
    GDestroyNotify old_free;

    g_mutex_lock(&s->lock);
    old = s->opaque;
    old_free = s->free_opaque;
    s->cb = cb;
    s->sent = sent;
    s->opaque = opaque;
    s->free_opaque = free_opaque;
    g_mutex_unlock(&s->lock);
    if (old_free)
        old_free(old);
}

bool daemon_stream_is_open(daemon_stream *s)
{
    bool open;

    g_mutex_lock(&s->lock);
    open = s->open;
    g_mutex_unlock(&s->lock);
    return open;
}

/* Mark s closed and take it out of its client's table.  False when it
 * was closed already. */
static bool daemon_stream_close(daemon_stream *s)
{
    daemon_client *c = s->client;
    bool was_open;

    g_mutex_lock(&s->lock);
    was_open = s->open;
    s->open = false;
    g_mutex_unlock(&s->lock);
    g_mutex_lock(&c->lock);
    if (g_hash_table_lookup(c->streams, GUINT_TO_POINTER(s->call.serial)) == s)
        g_hash_table_remove(c->streams, GUINT_TO_POINTER(s->call.serial));
    g_mutex_unlock(&c->lock);
    return was_open;
}

static int daemon_stream_closed_error(daemon_stream *s)
{
    error_report(VIREO_FROM_RPC, VIREO_ERR_OPERATION_INVALID,
                 "stream of serial %u is closed", s->call.serial);
    return -1;
}

int daemon_stream_send(daemon_stream *s, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    if (!daemon_stream_is_open(s))
        return daemon_stream_closed_error(s);
    do {
        size_t n = MIN(len, STREAM_CHUNK_MAX);

        client_queue(s->client, stream_packet_data(&s->call, p, n));
        p += n;
        len -= n;
    } while (len > 0);
    return 0;
}

int daemon_stream_send_hole(daemon_stream *s, int64_t length, unsigned int flags)
{
    if (!daemon_stream_is_open(s))
        return daemon_stream_closed_error(s);
    client_queue(s->client, stream_packet_hole(&s->call, length, flags));
    return 0;
}

int daemon_stream_finish(daemon_stream *s)
{
    if (!daemon_stream_close(s))
        return daemon_stream_closed_error(s);
    client_queue(s->client, stream_packet_end(&s->call));
    return 0;
}

int daemon_stream_abort(daemon_stream *s, const vireo_error *err)
{
    if (!daemon_stream_close(s))
        return daemon_stream_closed_error(s);
    client_queue(s->client, stream_packet_error(&s->call, err ? err : error_last()));
    return 0;
}

void daemon_stream_drop(daemon_stream *s)
{
    daemon_stream_close(s);
}

/* The client is gone: its streams end as if it had aborted them, so
 * whatever feeds one lets go at once (a console is free again). */
void daemon_stream_abort_cb(gpointer key, gpointer value, gpointer user)
{
    daemon_stream *s = value;
    const stream_input in = { .type = RPC_STREAM, .status = RPC_ERROR };
    daemon_stream_recv_cb cb;
    void *opaque;

    (void)key;
    (void)user;
    g_mutex_lock(&s->lock);
    s->open = false;
    cb = s->cb;
    opaque = s->opaque;
    g_mutex_unlock(&s->lock);
    if (cb)
        cb(s, &in, opaque);
}

/* A data packet of ours left for c's socket: tell its stream's sender
 * how many bytes of data it carried. */
static void stream_packet_sent(daemon_client *c, const GByteArray *pkt)
{
    g_autoptr(daemon_stream) s = NULL;
    daemon_stream_sent_cb sent;
    void *opaque;
    rpc_header h;

    if (pkt->len <= RPC_LEN_SIZE + RPC_HEADER_SIZE ||
        rpc_header_decode(pkt->data, pkt->len, &h) < 0 || h.type != RPC_STREAM ||
        h.status != RPC_CONTINUE)
        return;
    g_mutex_lock(&c->lock);
    s = g_hash_table_lookup(c->streams, GUINT_TO_POINTER(h.serial));
    if (s)
        daemon_stream_ref(s);
    g_mutex_unlock(&c->lock);
    if (!s)
        return;
    g_mutex_lock(&s->lock);
    sent = s->sent;
    opaque = s->opaque;
    g_mutex_unlock(&s->lock);
    if (sent)
        sent(s, pkt->len - RPC_LEN_SIZE - RPC_HEADER_SIZE, opaque);
}

void stream_packets_sent(daemon_client *c, GQueue *sent)
{
    GByteArray *pkt;

    while ((pkt = g_queue_pop_head(sent))) {
        stream_packet_sent(c, pkt);
        g_byte_array_unref(pkt);
    }
}

void stream_dispatch(daemon_client *c, const rpc_header *hdr, GByteArray *pkt)
{
    g_autoptr(GByteArray) owned G_GNUC_UNUSED = pkt; /* frees pkt on every return */
    g_autoptr(daemon_stream) s = NULL;
    daemon_stream_recv_cb cb;
    void *opaque;
    rpc_header h;
    stream_input in;

    g_mutex_lock(&c->lock);
    s = g_hash_table_lookup(c->streams, GUINT_TO_POINTER(hdr->serial));
    if (s)
        daemon_stream_ref(s);
    g_mutex_unlock(&c->lock);
    if (!s) {
        log_debug("client %d: stream packet for serial %u, which has no stream", c->id,
                  hdr->serial);
        return;
    }
    if (stream_packet_parse(pkt->data, pkt->len, &h, &in) < 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "Malformed stream packet");
        daemon_stream_abort(s, error_last());
        error_reset();
        return;
    }
    /* the client's abort closes the stream, confirmed with OK as libvirt
     * does; after the client's end the handler confirms with
     * daemon_stream_finish */
    if (in.type == RPC_STREAM && in.status == RPC_ERROR && daemon_stream_close(s))
        client_queue(c, stream_packet_end(&s->call));
    g_mutex_lock(&s->lock);
    cb = s->cb;
    opaque = s->opaque;
    g_mutex_unlock(&s->lock);
    if (cb)
        cb(s, &in, opaque);
}
