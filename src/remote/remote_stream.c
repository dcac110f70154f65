/*
 * remote_stream.c: streams over the wire, client end (DOMAIN_OPEN_CONSOLE,
 * STORAGE_VOL_UPLOAD and DOWNLOAD).
 *
 * The call that opens a stream files a route for its serial with the
 * transport before the CALL leaves (remote_client_call_stream): the
 * server may send data ahead of its reply.  The remote driver is then
 * the stream's producer (drivers/stream.h): what the server sends is
 * pushed to the consumer, what the consumer writes goes out as STREAM
 * packets of that serial.  As libvirt's client does, data packets are
 * fire and forget, while the end (OK) and the abort (ERROR) wait for the
 * server's confirmation; the server ends its data with an empty CONTINUE
 * and reports a failure with ERROR.
 *
 * Holes (sparse volumes) travel as STREAM_HOLE packets both ways.  What
 * the server sends waits in the stream's buffer for the application;
 * when that holds STREAM_BACKLOG_MAX bytes the I/O thread stops reading
 * the socket until the application reads (or ends the stream), so a
 * download never piles up in memory: the server's side then paces its
 * producer.  Meanwhile other calls on the connection wait too.  What the
 * application sends is queued at most REMOTE_CLIENT_SEND_QUEUE_MAX
 * packets deep (remote_client_send).
 */
#include <string.h>

#include "drivers/stream.h"
#include "remote/remote_conn.h"
#include "remote/remote_priv.h"
#include "rpc/remote_gen.h"
#include "util/error.h"

#define REMOTE_STREAM_CHUNK (256 * 1024)            /* libvirt's data packet size */
#define REMOTE_STREAM_CLOSE_TIMEOUT_MS 30000        /* the server's confirmation */

/* One stream of this connection.  Referenced by the transport's route
 * and by the stream (as its producer). */
typedef struct remote_stream {
    gint refs;                  /* atomic */
    remote_client *client;      /* borrowed: the stream holds the connection */
    rpc_header call;            /* prog, vers, proc, serial of the opening call */
    GMutex lock;
    GCond cond;                 /* done changed */
    /* guarded by lock: */
    vireo_stream *st;           /* borrowed while the consumer has not closed; then NULL */
    bool closing;               /* our end or abort is out, waiting for the confirmation */
    bool done;                  /* nothing more comes: confirmed, failed, or connection lost */
    vireo_error *err;           /* why it failed (owned), or NULL */
} remote_stream;

static remote_stream *remote_stream_ref(remote_stream *rs)
{
    g_atomic_int_inc(&rs->refs);
    return rs;
}

static void remote_stream_unref(gpointer data)
{
    remote_stream *rs = data;

    if (!g_atomic_int_dec_and_test(&rs->refs))
        return;
    error_free(rs->err);
    g_mutex_clear(&rs->lock);
    g_cond_clear(&rs->cond);
    g_free(rs);
}

/* ---- from the server (the transport's I/O thread) ---- */

/* A copy of err (owned by the caller). */
static vireo_error *remote_stream_error_copy(const vireo_error *err)
{
    vireo_error *saved = error_save();
    vireo_error *copy;

    error_set_full(err->domain, err->code, err->level, err->message, err->str1, err->str2,
                   err->str3, err->int1, err->int2);
    copy = error_save();
    error_restore(saved);
    return copy;
}

/* Mark rs done (err: why it failed, NULL: a clean end) and return the
 * stream to tell, if any (a new reference), unless we were waiting for
 * this as a confirmation. */
static vireo_stream *remote_stream_done(remote_stream *rs, const vireo_error *err)
{
    vireo_stream *st = NULL;

    g_mutex_lock(&rs->lock);
    if (!rs->done) {
        rs->done = true;
        if (err)
            rs->err = remote_stream_error_copy(err);
        if (!rs->closing && rs->st)
            st = stream_ref(rs->st);
        g_cond_broadcast(&rs->cond);
    }
    g_mutex_unlock(&rs->lock);
    return st;
}

/* An ERROR packet's remote_error as the thread's error. */
static void remote_stream_decode_error(const uint8_t *pkt, size_t len)
{
    remote_error err = { 0 };

    if (rpc_packet_decode(pkt, len, (xdrproc_t)xdr_remote_error, &err) < 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "Unable to unmarshal the error of a stream");
        return;
    }
    error_set_full(err.domain, err.code, err.level, err.message ? *err.message : NULL,
                   err.str1 ? *err.str1 : NULL, err.str2 ? *err.str2 : NULL,
                   err.str3 ? *err.str3 : NULL, err.int1, err.int2);
    xdr_free((xdrproc_t)xdr_remote_error, (char *)&err);
}

/* The end of the server's side: an ERROR, our confirmation, or the
 * connection's death (failed: the thread's error says why). */
static void remote_stream_on_end(remote_stream *rs, bool failed)
{
    g_autoptr(vireo_error) err = failed ? error_save() : NULL;
    g_autoptr(vireo_stream) st = NULL;

    if (failed && !err) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "stream ended with an error");
        err = error_save();
    }
    st = remote_stream_done(rs, err);
    if (st && err)
        stream_push_error(st, err);
    else if (st)
        stream_push_eof(st);
}

/* A STREAM_HOLE from the server: a hole for the application, or, when
 * it does not decode, the end of the stream with that error. */
static void remote_stream_on_hole(remote_stream *rs, vireo_stream *st, const uint8_t *pkt,
                                  size_t len)
{
    remote_stream_hole hole = { 0, 0 };

    if (rpc_packet_decode(pkt, len, (xdrproc_t)xdr_remote_stream_hole, &hole) == 0 &&
        hole.length >= 0) {
        stream_push_hole(st, hole.length);
        return;
    }
    error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "Malformed stream hole packet");
    remote_stream_on_end(rs, true);
    error_reset();
}

static void remote_stream_on_packet(void *opaque, const rpc_header *hdr, const uint8_t *pkt,
                                    size_t len)
{
    remote_stream *rs = opaque;
    g_autoptr(vireo_stream) st = NULL;
    size_t body = RPC_LEN_SIZE + RPC_HEADER_SIZE;

    if (!hdr) {
        remote_stream_on_end(rs, true);
        return;
    }
    if (hdr->type == RPC_STREAM && hdr->status == RPC_ERROR) {
        remote_stream_decode_error(pkt, len);
        remote_stream_on_end(rs, true);
        error_reset();
        remote_client_stream_remove(rs->client, hdr->serial);
        return;
    }
    if (hdr->type == RPC_STREAM && hdr->status == RPC_OK) {
        /* the confirmation of our end or abort (or a server that ends
         * the stream itself) */
        remote_stream_on_end(rs, false);
        remote_client_stream_remove(rs->client, hdr->serial);
        return;
    }
    g_mutex_lock(&rs->lock);
    if (!rs->done && rs->st)
        st = stream_ref(rs->st);
    g_mutex_unlock(&rs->lock);
    if (!st)
        return;
    if (hdr->type == RPC_STREAM_HOLE)
        remote_stream_on_hole(rs, st, pkt, len);
    else if (len > body && stream_push_wait(st))
        stream_push_data(st, (const char *)pkt + body, len - body);
    else if (len <= body)
        stream_push_eof(st);    /* an empty CONTINUE: the server's end of data */
    /* else the application ended the stream while we waited: dropped */
}

/* ---- toward the server (the consumer's thread) ---- */

static int remote_stream_send(remote_stream *rs, int status, const char *data, size_t len)
{
    rpc_header h = rs->call;
    GByteArray *pkt;

    h.type = RPC_STREAM;
    h.status = status;
    pkt = rpc_packet_new(&h);
    if (len)
        g_byte_array_append(pkt, (const guint8 *)data, len);     /* raw: no XDR */
    rpc_packet_finish(pkt, &h);
    return remote_client_send(rs->client, pkt);
}

/* The error a stream that is done gives a caller; -1. */
static int remote_stream_done_error(remote_stream *rs)
{
    if (rs->err)
        error_set_full(rs->err->domain, rs->err->code, rs->err->level, rs->err->message,
                       rs->err->str1, rs->err->str2, rs->err->str3, rs->err->int1,
                       rs->err->int2);
    else
        error_report(VIREO_FROM_RPC, VIREO_ERR_OPERATION_INVALID, "stream is closed");
    return -1;
}

/* 0 while rs may still send; -1 with the error of a stream that is done. */
static int remote_stream_check_open(remote_stream *rs)
{
    int ret = 0;

    g_mutex_lock(&rs->lock);
    if (rs->done)
        ret = remote_stream_done_error(rs);
    g_mutex_unlock(&rs->lock);
    return ret;
}

static int remote_stream_write(vireo_stream *st G_GNUC_UNUSED, const char *data, size_t len,
                               void *opaque)
{
    remote_stream *rs = opaque;

    if (remote_stream_check_open(rs) < 0)
        return -1;
    while (len) {
        size_t n = MIN(len, REMOTE_STREAM_CHUNK);

        if (remote_stream_send(rs, RPC_CONTINUE, data, n) < 0)
            return -1;
        data += n;
        len -= n;
    }
    return 0;
}

static int remote_stream_send_hole(vireo_stream *st G_GNUC_UNUSED, long long length, void *opaque)
{
    remote_stream *rs = opaque;
    remote_stream_hole hole = { length, 0 };
    rpc_header h = rs->call;
    GByteArray *pkt;

    if (remote_stream_check_open(rs) < 0)
        return -1;
    h.type = RPC_STREAM_HOLE;
    h.status = RPC_CONTINUE;
    pkt = rpc_packet_new(&h);
    rpc_packet_encode(pkt, (xdrproc_t)xdr_remote_stream_hole, &hole);  /* 12 bytes: fits */
    rpc_packet_finish(pkt, &h);
    return remote_client_send(rs->client, pkt);
}

static int remote_stream_close(vireo_stream *st G_GNUC_UNUSED, bool abort, void *opaque)
{
    remote_stream *rs = opaque;
    gint64 deadline = g_get_monotonic_time() + REMOTE_STREAM_CLOSE_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
    bool send;
    int ret = 0;

    g_mutex_lock(&rs->lock);
    rs->st = NULL;
    send = !rs->done;
    rs->closing = true;
    g_mutex_unlock(&rs->lock);
    if (send && remote_stream_send(rs, abort ? RPC_ERROR : RPC_OK, NULL, 0) < 0)
        send = false;
    g_mutex_lock(&rs->lock);
    while (send && !rs->done)
        if (!g_cond_wait_until(&rs->cond, &rs->lock, deadline))
            break;
    if (send && !rs->done && !abort) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_OPERATION_TIMEOUT,
                     "no confirmation of the end of the stream from the server");
        ret = -1;
    } else if (send && rs->err && !abort) {
        ret = remote_stream_done_error(rs);
    }
    g_mutex_unlock(&rs->lock);
    remote_client_stream_remove(rs->client, rs->call.serial);
    return ret;
}

static const stream_producer_ops remote_stream_ops = {
    .write = remote_stream_write,
    .close = remote_stream_close,
    .hole = remote_stream_send_hole,
};

/* ---- the call ---- */

/* The reply to the opening call proc: 0, or -1 with its error. */
static int remote_stream_reply(remote_client *client, int proc, const rpc_header *hdr,
                               const GByteArray *reply)
{
    if (hdr->status == RPC_ERROR) {
        remote_stream_decode_error(reply->data, reply->len);
        return -1;
    }
    if (hdr->status != RPC_OK || hdr->prog != RPC_REMOTE_PROGRAM ||
        hdr->proc != proc) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                     "unexpected reply (program %#x, procedure %d, status %d) to procedure %d",
                     hdr->prog, hdr->proc, hdr->status, proc);
        remote_client_fail(client);
        return -1;
    }
    return 0;
}

int remote_stream_open(vireo_conn *conn, int proc, xdrproc_t args_filter, void *args,
                       vireo_stream *st)
{
    remote_conn *rc = conn->priv;
    rpc_header hdr = { .prog = RPC_REMOTE_PROGRAM, .vers = RPC_PROTOCOL_VERSION, .proc = proc };
    rpc_header reply_hdr;
    g_autoptr(GByteArray) pkt = NULL;
    g_autoptr(GByteArray) reply = NULL;
    remote_stream *rs;
    int ret;

    if (!rc) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_INTERNAL_ERROR, "client socket is closed");
        return -1;
    }
    pkt = rpc_packet_new(&hdr);
    if (rpc_packet_encode(pkt, args_filter, args) < 0)
        return -1;

    rs = g_new0(remote_stream, 1);
    rs->refs = 1;
    rs->client = rc->client;
    rs->st = st;        /* the caller holds it for the call */
    g_mutex_init(&rs->lock);
    g_cond_init(&rs->cond);
    ret = remote_client_call_stream(rc->client, &hdr, pkt, &reply_hdr, &reply,
                                    remote_stream_on_packet, remote_stream_ref(rs),
                                    remote_stream_unref);
    rs->call = hdr;
    if (ret == 0 && remote_stream_reply(rc->client, proc, &reply_hdr, reply) < 0) {
        remote_client_stream_remove(rc->client, hdr.serial);
        ret = -1;
    }
    if (ret == 0 && stream_attach(st, &remote_stream_ops, rs, remote_stream_unref) == 0)
        return 0;
    g_mutex_lock(&rs->lock);
    rs->st = NULL;
    g_mutex_unlock(&rs->lock);
    if (ret == 0)   /* attach failed: let the server know */
        remote_stream_close(st, true, rs);
    remote_stream_unref(rs);
    return -1;
}

int remote_proc_domain_open_console(vireo_domain *dom, const char *dev_name, vireo_stream *st,
                                    unsigned int flags)
{
    remote_domain_open_console_args args = { .flags = flags };
    char *name = (char *)dev_name;

    remote_domain_to_wire(dom, &args.dom);
    args.dev_name = dev_name ? &name : NULL;
    return remote_stream_open(dom->conn, REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
                              (xdrproc_t)xdr_remote_domain_open_console_args, &args, st);
}
