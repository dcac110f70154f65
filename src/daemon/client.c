/*
 * client.c: one accepted socket: reading packets, the write queue, and
 * the client's lifetime.
 *
 * The main loop reads: it assembles whole packets (length word first)
 * and hands each to dispatch_packet().  Any thread queues packets to send
 * (client_queue); the main loop writes them, watching for POLLOUT only
 * while a write would block.  A client is freed when its last reference
 * goes: the server's (dropped at disconnect) and one per call in flight.
 *
 * Limits.  max_client_requests calls of a client run at once; its later
 * CALLs wait in c->waiting, up to max_client_queue, and beyond that are
 * answered at once with an error naming the limit.  Reading goes on
 * meanwhile, so keepalive and stream packets are never held up behind
 * calls; it pauses only while too much waits in memory (queued calls or
 * unsent replies, CLIENT_WAITING_MAX / CLIENT_OUT_MAX), which bounds
 * what a client that never reads can make us hold.  A packet whose
 * length word passes RPC_MAX_PACKET has only its header read: it is
 * answered with the error on its serial, and the client "lingers":
 * what it sends is read and dropped, our write side is shut once the
 * error is out, and it is closed when it closes or after
 * CLIENT_LINGER_SECONDS.  A client accepted over max_clients lingers
 * likewise after its first packet.
 */
#define _GNU_SOURCE     /* struct ucred */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>

#include "daemon/audit.h"
#include "daemon/daemon_priv.h"
#include "daemon/dispatch.h"
#include "daemon/stream.h"
#include "rpc/fdpass.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.client"

/* Seconds a TLS client gets to finish its handshake: one that stalls
 * must not hold its place (max_clients) forever. */
#define CLIENT_HANDSHAKE_SECONDS 10

/* Read at most this much per wakeup, so one busy client cannot starve
 * the others. */
#define CLIENT_READ_BUDGET (256 * 1024)
/* Reading pauses while a client's waiting calls hold this much ... */
#define CLIENT_WAITING_MAX (16u * 1024 * 1024)
/* ... or this much of what we send it is not sent yet. */
#define CLIENT_OUT_MAX (8u * 1024 * 1024)

static gboolean client_on_readable(gint fd, GIOCondition cond, gpointer opaque);
static gboolean client_on_writable(gint fd, GIOCondition cond, gpointer opaque);
static void client_handshake_start(daemon_client *c);
static void client_handshake_step(daemon_client *c);

char *client_peer_describe(int fd)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
        return g_strdup("peer unknown");
    return g_strdup_printf("uid %u, pid %d", (unsigned)cred.uid, (int)cred.pid);
}

/* Descriptors of a queued REPLY_WITH_FDS: closed with it. */
static void client_fds_free(GArray *fds)
{
    for (guint i = 0; i < fds->len; i++)
        close(g_array_index(fds, int, i));
    g_array_unref(fds);
}

static daemon_client *client_alloc(daemon_server *srv, int fd, listen_kind kind)
{
    daemon_client *c = g_new0(daemon_client, 1);

    c->refs = 1;    /* the server's */
    c->srv = srv;
    c->id = ++srv->next_client_id;
    c->fd = fd;
    c->transport = rpc_transport_new(fd);
    c->kind = kind;
    c->last_rx = g_get_monotonic_time();
    g_mutex_init(&c->lock);
    g_queue_init(&c->out);
    g_queue_init(&c->waiting);
    c->events = g_hash_table_new(g_direct_hash, g_direct_equal);
    c->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)daemon_stream_unref);
    c->out_fds = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)client_fds_free);
    c->read_watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, client_on_readable, c);
    return c;
}

daemon_client *client_new(daemon_listener *l, int fd)
{
    daemon_server *srv = l->srv;
    daemon_client *c = client_alloc(srv, fd, l->kind);
    listen_kind kind = l->kind;

    c->via = l->transport;
    c->auth = l->auth;
    c->authenticated = l->auth == LISTEN_AUTH_NONE;
    if (l->transport == LISTEN_UNIX)
        identity_from_unix(&c->ident, fd);
    else
        identity_from_tcp(&c->ident, fd);
    c->peer = daemon_identity_describe(&c->ident);
    g_hash_table_add(srv->clients, c);
    if (l->transport == LISTEN_UNIX)
        log_info("client %d (%s): connected on the %s socket", c->id, c->peer,
                 kind == LISTEN_RO ? "read-only" : kind == LISTEN_ADMIN ? "admin" : "read-write");
    else
        log_info("client %d (%s): connected on %s (%s)", c->id, c->peer, l->path,
                 l->transport == LISTEN_TLS ? "TLS" : "TCP");
    server_clients_changed(srv);
    if (l->transport == LISTEN_TLS)
        client_handshake_start(c);
    return c;
}

static gboolean client_linger_expired(gpointer opaque);

void client_new_over_limit(daemon_server *srv, int fd, listen_kind kind, char *peer)
{
    daemon_client *c = client_alloc(srv, fd, kind);

    c->peer = peer;
    c->over_limit = true;
    g_hash_table_add(srv->over_limit, c);
    c->linger_timer = g_timeout_add_seconds(CLIENT_LINGER_SECONDS, client_linger_expired, c);
}

daemon_client *client_ref(daemon_client *c)
{
    g_atomic_int_inc(&c->refs);
    return c;
}

void client_unref(daemon_client *c)
{
    if (!c || !g_atomic_int_dec_and_test(&c->refs))
        return;
    /* client_disconnect already released the connection, events and
     * streams; what is left is memory */
    g_queue_clear_full(&c->out, (GDestroyNotify)g_byte_array_unref);
    g_queue_clear_full(&c->waiting, (GDestroyNotify)g_byte_array_unref);
    g_hash_table_unref(c->out_fds);
    g_hash_table_unref(c->events);
    g_hash_table_unref(c->streams);
    if (c->in)
        g_byte_array_unref(c->in);
    g_mutex_clear(&c->lock);
    identity_clear(&c->ident);
    if (c->handshaking)
        tls_session_free(c->tls);   /* else the transport's, gone already */
    rpc_transport_free(c->transport);
    sasl_session_free(c->sasl);     /* after the transport, which borrowed it */
    g_free(c->peer);
    g_free(c);
}

/* Ask the main loop to write c's queue: from a worker, through an idle
 * source; the main loop itself writes at once. */
static gboolean client_kick(gpointer opaque);

void client_queue(daemon_client *c, GByteArray *pkt)
{
    client_queue_fds(c, pkt, NULL);
}

void client_queue_fds(daemon_client *c, GByteArray *pkt, GArray *fds)
{
    bool kick = false;

    g_mutex_lock(&c->lock);
    if (c->closed) {
        g_mutex_unlock(&c->lock);
        g_byte_array_unref(pkt);
        if (fds)
            client_fds_free(fds);
        return;
    }
    if (fds)
        g_hash_table_insert(c->out_fds, pkt, fds);
    c->out_bytes += pkt->len;
    g_queue_push_tail(&c->out, pkt);
    if (!c->kick_pending) {
        c->kick_pending = true;
        kick = true;
    }
    g_mutex_unlock(&c->lock);
    if (kick)
        g_main_context_invoke_full(NULL, G_PRIORITY_DEFAULT, client_kick, client_ref(c),
                                   (GDestroyNotify)client_unref);
}

static void client_update_reading(daemon_client *c);

/* Whether c holds as much for it as it may: then reading pauses. */
static bool client_input_full(daemon_client *c)
{
    size_t out;

    g_mutex_lock(&c->lock);
    out = c->out_bytes;
    g_mutex_unlock(&c->lock);
    return c->waiting_bytes >= CLIENT_WAITING_MAX || out >= CLIENT_OUT_MAX;
}

/* The head packet pkt is written: send its descriptors (lock held).  1
 * all out (or none), 0 when the socket is full, -1 when the peer is gone
 * or cannot take descriptors. */
static int client_send_fds(daemon_client *c, GByteArray *pkt)
{
    GArray *fds = g_hash_table_lookup(c->out_fds, pkt);

    while (fds && c->out_fds_sent < fds->len) {
        int rc = rpc_fd_send(c->fd, g_array_index(fds, int, c->out_fds_sent));

        if (rc <= 0) {
            if (rc < 0)
                log_warn("client %d (%s): cannot send a file descriptor: %s", c->id, c->peer,
                         g_strerror(errno));
            return rc;
        }
        c->out_fds_sent++;
    }
    if (fds)
        g_hash_table_remove(c->out_fds, pkt);
    c->out_fds_sent = 0;
    return 1;
}

/* Write what the socket takes; main thread.  -1 when the peer is gone. */
static int client_flush(daemon_client *c)
{
    GQueue sent = G_QUEUE_INIT;     /* packets written: streams learn of them (flow control) */

    g_mutex_lock(&c->lock);
    if (c->shut_wr) {
        /* replies of calls that ran on after the refusal: nobody reads them */
        g_queue_clear_full(&c->out, (GDestroyNotify)g_byte_array_unref);
        g_hash_table_remove_all(c->out_fds);
        c->out_off = 0;
        c->out_bytes = 0;
        c->out_fds_sent = 0;
    }
    while (!c->closed && !g_queue_is_empty(&c->out)) {
        GByteArray *pkt = g_queue_peek_head(&c->out);
        ssize_t n = 0;

        if (c->out_off < pkt->len)
            n = rpc_transport_send(c->transport, pkt->data + c->out_off,
                                   pkt->len - c->out_off);
        if (n < 0 && errno == EAGAIN)
            break;
        if (n < 0) {
            if (errno == EPROTO)
                log_warn("client %d (%s): %s", c->id, c->peer,
                         rpc_transport_error(c->transport));
            g_mutex_unlock(&c->lock);
            g_queue_clear_full(&sent, (GDestroyNotify)g_byte_array_unref);
            return -1;
        }
        c->out_off += n;
        c->out_bytes -= n;
        if (c->out_off == pkt->len) {
            int fdrc = client_send_fds(c, pkt);

            if (fdrc == 0)
                break;
            if (fdrc < 0) {
                g_mutex_unlock(&c->lock);
                g_queue_clear_full(&sent, (GDestroyNotify)g_byte_array_unref);
                return -1;
            }
            g_queue_push_tail(&sent, g_queue_pop_head(&c->out));
            c->out_off = 0;
        }
    }
    bool pending = !c->closed && !g_queue_is_empty(&c->out);
    /* the send stopped on EAGAIN: a TLS record write may wait to READ
     * (GnuTLS finishing a renegotiation) and then only input wakes it, and
     * polling for room would spin on an always writable socket */
    GIOCondition cond = pending && rpc_transport_wants(c->transport) == G_IO_IN ? G_IO_IN
                                                                               : G_IO_OUT;
    /* the reply that completed SASL is out: what follows is wrapped (a
     * flush that sent nothing cannot have sent that reply: it may come
     * before the worker queued it) */
    if (!pending && !g_queue_is_empty(&sent) && c->sasl_layer_pending && c->sasl) {
        rpc_transport_set_sasl(c->transport, c->sasl);
        c->sasl_layer_pending = false;
    }
    g_mutex_unlock(&c->lock);
    stream_packets_sent(c, &sent);

    if (pending && c->write_watch && c->write_watch_cond != cond)
        g_clear_handle_id(&c->write_watch, g_source_remove);
    if (pending && !c->write_watch && c->fd >= 0) {
        c->write_watch = g_unix_fd_add(c->fd, cond, client_on_writable, c);
        c->write_watch_cond = cond;
    } else if (!pending && c->write_watch)
        g_clear_handle_id(&c->write_watch, g_source_remove);
    if (!pending && c->lingering && !c->shut_wr && c->fd >= 0) {
        /* our last word is out: the peer reads it, then end of file */
        shutdown(c->fd, SHUT_WR);
        c->shut_wr = true;
    }
    if (c->reading_paused)
        client_update_reading(c);
    return 0;
}

static gboolean client_kick(gpointer opaque)
{
    daemon_client *c = opaque;

    g_mutex_lock(&c->lock);
    c->kick_pending = false;
    g_mutex_unlock(&c->lock);
    if (c->fd >= 0 && client_flush(c) < 0)
        client_disconnect(c, "write failed");
    return G_SOURCE_REMOVE;
}

static gboolean client_on_writable(gint fd, GIOCondition cond, gpointer opaque)
{
    daemon_client *c = opaque;

    (void)fd;
    (void)cond;
    if (client_flush(c) < 0) {
        c->write_watch = 0;     /* the source goes with this return */
        client_disconnect(c, "write failed");
        return G_SOURCE_REMOVE;
    }
    if (!c->write_watch)
        return G_SOURCE_REMOVE;
    return G_SOURCE_CONTINUE;
}

/* Why a read or write through c's transport failed (borrowed). */
static const char *client_io_error(daemon_client *c)
{
    if (errno == EPROTO && rpc_transport_error(c->transport))
        return rpc_transport_error(c->transport);
    return g_strerror(errno);
}

/* The length word of the packet being read is complete: size c->in for
 * it.  A length over RPC_MAX_PACKET (or any length from a client over
 * max_clients) gets room for the header only, to answer it.  -1 to drop
 * the client. */
static int client_start_packet(daemon_client *c, const char **why)
{
    uint32_t len;

    memcpy(&len, c->in_len, sizeof(len));
    len = GUINT32_FROM_BE(len);
    if (len < RPC_LEN_SIZE + RPC_HEADER_SIZE) {
        server_limit_refused(c->srv, LIMIT_PACKET_SIZE,
                             "client %d (%s): packet length %u is under the %d-byte header: "
                             "closing", c->id, c->peer, len, RPC_LEN_SIZE + RPC_HEADER_SIZE);
        *why = "packet length under the header size";
        return -1;
    }
    if (len > RPC_MAX_PACKET || c->over_limit) {
        c->in_refused_len = len;
        len = RPC_LEN_SIZE + RPC_HEADER_SIZE;
    }
    c->in = g_byte_array_sized_new(len);
    g_byte_array_set_size(c->in, len);
    memcpy(c->in->data, c->in_len, RPC_LEN_SIZE);
    return 0;
}

static bool client_read_all(daemon_client *c);

/* A TLS record read can stop on EAGAIN wanting to WRITE (GnuTLS may
 * have to send records of its own, a renegotiation's, from inside a
 * read) when the socket's send buffer is full: no input comes to wake the
 * read watch, so wait for room and read again. */
static gboolean client_on_read_wants_out(gint fd, GIOCondition cond, gpointer opaque)
{
    g_autoptr(daemon_client) c = client_ref(opaque);

    (void)fd;
    (void)cond;
    c->read_out_watch = 0;  /* the source goes with this return */
    if (c->fd >= 0 && !c->handshaking && !c->reading_paused && !client_read_all(c))
        g_clear_handle_id(&c->read_watch, g_source_remove);
    return G_SOURCE_REMOVE;
}

/* A read returned EAGAIN: see client_on_read_wants_out. */
static void client_read_blocked(daemon_client *c)
{
    if (rpc_transport_wants(c->transport) == G_IO_OUT && !c->read_out_watch && c->fd >= 0)
        c->read_out_watch = g_unix_fd_add(c->fd, G_IO_OUT, client_on_read_wants_out, c);
}

/* Read into the packet being assembled.  1 when a whole packet is
 * ready, 0 when the socket has no more for now, -1 to drop the client
 * (why says why). */
static int client_read_some(daemon_client *c, const char **why)
{
    guint8 *dst;
    size_t want;
    ssize_t n;

    if (!c->in) {
        dst = c->in_len + c->in_got;
        want = RPC_LEN_SIZE - c->in_got;
    } else {
        dst = c->in->data + c->in_got;
        want = c->in->len - c->in_got;
    }
    n = rpc_transport_recv(c->transport, dst, want);
    if (n < 0 && errno == EAGAIN) {
        client_read_blocked(c);
        return 0;
    }
    if (n <= 0) {
        *why = n == 0 ? "closed by the peer" : client_io_error(c);
        return -1;
    }
    c->in_got += n;
    if (!c->in && c->in_got == RPC_LEN_SIZE && client_start_packet(c, why) < 0)
        return -1;
    return c->in && c->in_got == c->in->len ? 1 : 0;
}

/* A lingering client: read and drop.  Bytes read, 0 when none for now,
 * -1 when it closed. */
static ssize_t client_read_discard(daemon_client *c, const char **why)
{
    static guint8 sink[64 * 1024];  /* main thread only */
    ssize_t n = rpc_transport_recv(c->transport, sink, sizeof(sink));

    if (n < 0 && errno == EAGAIN) {
        client_read_blocked(c);
        return 0;
    }
    if (n <= 0) {
        *why = n == 0 ? "closed by the peer after its refusal" : client_io_error(c);
        return -1;
    }
    return n;
}

static gboolean client_linger_expired(gpointer opaque)
{
    daemon_client *c = opaque;

    c->linger_timer = 0;    /* the source goes with this return */
    client_disconnect(c, "refused, and did not close within "
                         G_STRINGIFY(CLIENT_LINGER_SECONDS) " s");
    return G_SOURCE_REMOVE;
}

/* The reply to hdr that refuses it (queued), then c lingers. */
static void client_refuse_and_close(daemon_client *c, const rpc_header *hdr, int code,
                                    const char *detail)
{
    g_autoptr(vireo_error) saved = error_save();

    /* lingering first: the flush that sends the reply then shuts our
     * write side, so the peer reads the error and then end of file */
    c->lingering = true;
    keepalive_stop(c);
    g_queue_clear_full(&c->waiting, (GDestroyNotify)g_byte_array_unref);
    c->waiting_bytes = 0;
    if (!c->linger_timer)
        c->linger_timer = g_timeout_add_seconds(CLIENT_LINGER_SECONDS, client_linger_expired, c);

    error_report(VIREO_FROM_RPC, code, "%s", detail);
    client_queue(c, wire_error_reply(hdr, error_last()));
    error_reset();
    if (saved)
        error_restore(g_steal_pointer(&saved));
}

/* Whether hdr reads as a call of a program we know, worth an answer. */
static bool client_plausible_call(const rpc_header *hdr)
{
    return (hdr->type == RPC_CALL || hdr->type == RPC_CALL_WITH_FDS) &&
           hdr->vers == RPC_PROTOCOL_VERSION &&
           (hdr->prog == RPC_REMOTE_PROGRAM || hdr->prog == RPC_QEMU_PROGRAM ||
            hdr->prog == RPC_ADMIN_PROGRAM);
}

/* The header of a packet to refuse (over RPC_MAX_PACKET, or from a
 * client over max_clients) is in: answer it on its serial. */
static void client_refuse_packet(daemon_client *c, GByteArray *pkt, uint32_t len)
{
    g_autoptr(GByteArray) owned G_GNUC_UNUSED = pkt;
    g_autofree char *detail = NULL;
    rpc_header hdr;

    rpc_header_decode(pkt->data, pkt->len, &hdr);   /* 28 bytes: cannot fail */
    if (!client_plausible_call(&hdr)) {
        /* garbage: no serial to answer on */
        if (!c->over_limit)
            server_limit_refused(c->srv, LIMIT_PACKET_SIZE,
                                 "client %d (%s): packet length %u is over the packet size limit "
                                 "of %u bytes (32 MiB) and no call follows: closing", c->id,
                                 c->peer, len, RPC_MAX_PACKET);
        client_disconnect(c, "packet over the size limit, or over max_clients, and no call");
        return;
    }
    if (c->over_limit) {
        detail = g_strdup_printf("too many clients: max_clients (%d) reached; try again later",
                                 c->srv->cfg->max_clients);
        client_refuse_and_close(c, &hdr, VIREO_ERR_OPERATION_FAILED, detail);
        return;
    }
    server_limit_refused(c->srv, LIMIT_PACKET_SIZE,
                         "client %d (%s): refused a packet of %u bytes (serial %u): over the "
                         "packet size limit of %u bytes (32 MiB); closing", c->id, c->peer,
                         len, hdr.serial, RPC_MAX_PACKET);
    detail = g_strdup_printf("packet of %u bytes is too large: the limit is %u bytes (32 MiB); "
                             "closing the connection", len, RPC_MAX_PACKET);
    client_refuse_and_close(c, &hdr, VIREO_ERR_RPC, detail);
}

static int client_in_flight(daemon_client *c)
{
    int n;

    g_mutex_lock(&c->lock);
    n = c->calls_in_flight;
    g_mutex_unlock(&c->lock);
    return n;
}

/* A whole packet from c.  A CALL that finds max_client_requests calls
 * running (or others waiting before it) waits its turn, or is refused
 * when max_client_queue wait already. */
static void client_packet(daemon_client *c, GByteArray *pkt)
{
    const daemon_config *cfg = c->srv->cfg;
    rpc_header hdr;

    if (c->in_refused_len) {
        uint32_t len = c->in_refused_len;

        c->in_refused_len = 0;
        client_refuse_packet(c, pkt, len);
        return;
    }
    rpc_header_decode(pkt->data, pkt->len, &hdr);   /* at least 28 bytes */
    if (hdr.type != RPC_CALL ||
        (g_queue_is_empty(&c->waiting) && client_in_flight(c) < cfg->max_client_requests)) {
        dispatch_packet(c, pkt);
        return;
    }
    if ((int)c->waiting.length >= cfg->max_client_queue) {
        g_autoptr(GByteArray) owned G_GNUC_UNUSED = pkt;
        g_autoptr(vireo_error) saved = error_save();

        server_limit_refused(c->srv, LIMIT_CLIENT_QUEUE,
                             "client %d (%s): refused a call (serial %u): max_client_queue (%d) "
                             "reached", c->id, c->peer, hdr.serial, cfg->max_client_queue);
        error_report(VIREO_FROM_RPC, VIREO_ERR_OPERATION_FAILED,
                     "too many calls queued for this client: max_client_queue (%d) reached "
                     "while max_client_requests (%d) run", cfg->max_client_queue,
                     cfg->max_client_requests);
        client_queue(c, wire_error_reply(&hdr, error_last()));
        error_reset();
        if (saved)
            error_restore(g_steal_pointer(&saved));
        return;
    }
    c->waiting_bytes += pkt->len;
    g_queue_push_tail(&c->waiting, pkt);
}

static gboolean client_on_pending(gpointer opaque);

/* Read what c has, up to the budget, and hand on each whole packet.
 * false when reading stops (paused, or c is gone): the read watch goes.
 * Bytes a layer (TLS, SASL) still holds when the budget runs out are
 * read on from an idle callback: no poll would wake for them. */
static bool client_read_all(daemon_client *c)
{
    size_t budget = CLIENT_READ_BUDGET;
    const char *why = NULL;

    while (budget > 0 && c->fd >= 0) {
        size_t before = c->in_got;
        ssize_t r;

        c->reading_paused = client_input_full(c);
        if (c->reading_paused)
            break;
        r = c->lingering ? client_read_discard(c, &why) : client_read_some(c, &why);

        if (r < 0) {
            client_disconnect(c, why);
            return false;
        }
        if (c->lingering) {
            if (r == 0)
                break;
            budget -= MIN(budget, (size_t)r);
            continue;
        }
        if (r == 0 && c->in_got == before)
            break;
        budget -= MIN(budget, c->in_got - before);
        if (r == 1) {
            GByteArray *pkt = g_steal_pointer(&c->in);

            c->in_got = 0;
            c->last_rx = g_get_monotonic_time();
            keepalive_heard(c);
            client_packet(c, pkt);
        }
    }
    if (c->reading_paused || c->fd < 0)
        return false;
    if (rpc_transport_pending(c->transport) && !c->pending_idle)
        c->pending_idle = g_idle_add_full(G_PRIORITY_DEFAULT, client_on_pending, client_ref(c),
                                          (GDestroyNotify)client_unref);
    return true;
}

static gboolean client_on_readable(gint fd, GIOCondition cond, gpointer opaque)
{
    /* a call run here (worker.c) may write its reply and find the peer
     * gone: the disconnect must not free c under this loop */
    g_autoptr(daemon_client) c = client_ref(opaque);
    guint watch = c->read_watch;

    (void)fd;
    (void)cond;
    if (c->handshaking) {
        c->read_watch = 0;  /* the handshake sets the watches it needs */
        client_handshake_step(c);
        return G_SOURCE_REMOVE;
    }
    if (!client_read_all(c)) {
        if (c->read_watch == watch)
            c->read_watch = 0;  /* the source goes with this return */
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static gboolean client_on_pending(gpointer opaque)
{
    daemon_client *c = opaque;

    c->pending_idle = 0;    /* the source goes with this return */
    if (c->fd >= 0 && !c->handshaking && !c->reading_paused && !client_read_all(c))
        g_clear_handle_id(&c->read_watch, g_source_remove);
    return G_SOURCE_REMOVE;
}

/* Read again once what paused reading has gone; main thread. */
static void client_update_reading(daemon_client *c)
{
    if (c->fd < 0 || !c->reading_paused || client_input_full(c))
        return;
    c->reading_paused = false;
    if (!c->read_watch)
        c->read_watch = g_unix_fd_add(c->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                      client_on_readable, c);
    /* what a layer already decoded raises no poll */
    if (rpc_transport_pending(c->transport) && !c->pending_idle)
        c->pending_idle = g_idle_add_full(G_PRIORITY_DEFAULT, client_on_pending, client_ref(c),
                                          (GDestroyNotify)client_unref);
}

/* ---- TLS handshake (main thread) ---- */

static gboolean client_handshake_expired(gpointer opaque)
{
    daemon_client *c = opaque;

    c->handshake_timer = 0;     /* the source goes with this return */
    log_warn("client %d (%s): TLS refused: no handshake within %d s", c->id, c->peer,
             CLIENT_HANDSHAKE_SECONDS);
    audit_auth_failure(c->srv->audit, &c->ident, "tls", "no TLS handshake in time");
    client_disconnect(c, "TLS handshake timed out");
    return G_SOURCE_REMOVE;
}

static gboolean client_on_handshake_io(gint fd, GIOCondition cond, gpointer opaque)
{
    daemon_client *c = opaque;

    (void)fd;
    (void)cond;
    c->write_watch = 0;     /* the source goes with this return */
    client_handshake_step(c);
    return G_SOURCE_REMOVE;
}

static void client_handshake_start(daemon_client *c)
{
    g_clear_handle_id(&c->read_watch, g_source_remove);
    c->tls = c->srv->tls ? tls_session_new(c->srv->tls, c->fd, NULL) : NULL;
    if (!c->tls) {
        log_warn("client %d (%s): TLS refused: %s", c->id, c->peer,
                 error_last() ? error_last()->message : "no TLS credentials");
        client_disconnect(c, "TLS session could not be set up");
        return;
    }
    c->handshaking = true;
    c->handshake_timer = g_timeout_add_seconds(CLIENT_HANDSHAKE_SECONDS,
                                               client_handshake_expired, c);
    client_handshake_step(c);
}

/* The handshake is done and the peer checked: packets may flow.  The
 * confirmation byte tells libvirt's client its certificate passed. */
static void client_handshake_done(daemon_client *c)
{
    static const guint8 confirm = 1;
    const char *dn = tls_session_peer_dn(c->tls);
    GByteArray *pkt = g_byte_array_new();

    c->handshaking = false;
    g_clear_handle_id(&c->handshake_timer, g_source_remove);
    /* the handshake's watches go: from here client_flush and reading own them */
    g_clear_handle_id(&c->write_watch, g_source_remove);
    rpc_transport_set_tls(c->transport, c->tls);    /* c->tls stays, borrowed */
    if (dn)
        c->ident.x509_dn = g_strdup(dn);
    g_free(c->peer);
    c->peer = daemon_identity_describe(&c->ident);
    log_info("client %d (%s): TLS handshake done (%d-bit key)", c->id, c->peer,
             tls_session_key_size(c->tls) * 8);
    g_byte_array_append(pkt, &confirm, 1);
    client_queue(c, pkt);
    if (!c->read_watch)
        c->read_watch = g_unix_fd_add(c->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                      client_on_readable, c);
}

static void client_handshake_step(daemon_client *c)
{
    int rc = tls_session_handshake(c->tls);

    if (rc < 0) {
        const char *reason = tls_session_error(c->tls);

        log_warn("client %d (%s): TLS refused: %s", c->id, c->peer,
                 reason ? reason : "handshake failed");
        audit_auth_failure(c->srv->audit, &c->ident, "tls", reason ? reason : "handshake failed");
        error_reset();
        client_disconnect(c, "TLS refused");
        return;
    }
    if (rc == 1) {
        client_handshake_done(c);
        return;
    }
    if (tls_session_wants_write(c->tls)) {
        if (!c->write_watch)
            c->write_watch = g_unix_fd_add(c->fd, G_IO_OUT, client_on_handshake_io, c);
    } else if (!c->read_watch) {
        c->read_watch = g_unix_fd_add(c->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                      client_on_readable, c);
    }
}

void client_call_started(daemon_client *c)
{
    g_mutex_lock(&c->lock);
    c->calls_in_flight++;
    g_mutex_unlock(&c->lock);
}

/* Run the waiting calls that now fit under max_client_requests; main
 * thread.  A call that runs on the main loop ends inside
 * dispatch_packet and lands here again: the outer loop goes on. */
static void client_drain(daemon_client *c)
{
    if (c->draining)
        return;
    c->draining = true;
    while (c->fd >= 0 && !g_queue_is_empty(&c->waiting) &&
           client_in_flight(c) < c->srv->cfg->max_client_requests) {
        GByteArray *pkt = g_queue_pop_head(&c->waiting);

        c->waiting_bytes -= pkt->len;
        dispatch_packet(c, pkt);
    }
    c->draining = false;
    client_update_reading(c);
}

static gboolean client_after_call(gpointer opaque)
{
    client_drain(opaque);
    return G_SOURCE_REMOVE;
}

void client_call_done(daemon_client *c)
{
    g_mutex_lock(&c->lock);
    c->calls_in_flight--;
    g_mutex_unlock(&c->lock);
    g_main_context_invoke_full(NULL, G_PRIORITY_DEFAULT, client_after_call, client_ref(c),
                               (GDestroyNotify)client_unref);
}

void client_refused_string(daemon_client *c, const rpc_header *hdr)
{
    const dispatch_proc *proc = dispatch_lookup(hdr);
    const vireo_error *err = error_last();

    server_limit_refused(c->srv, LIMIT_STRING_SIZE, "client %d (%s): refused %s (serial %u): %s",
                         c->id, c->peer, proc ? proc->name : "a call", hdr->serial,
                         err && err->message ? err->message : "a string passes 4 MiB");
}

void client_disconnect(daemon_client *c, const char *why)
{
    g_autoptr(GHashTable) streams = NULL;

    if (c->fd < 0)
        return;
    if (c->over_limit)
        log_debug("client over max_clients (%s): closed: %s", c->peer, why);
    else
        log_info("client %d: disconnected: %s", c->id, why);
    g_clear_handle_id(&c->read_watch, g_source_remove);
    g_clear_handle_id(&c->write_watch, g_source_remove);
    g_clear_handle_id(&c->read_out_watch, g_source_remove);
    g_clear_handle_id(&c->linger_timer, g_source_remove);
    g_clear_handle_id(&c->handshake_timer, g_source_remove);
    g_clear_handle_id(&c->pending_idle, g_source_remove);
    keepalive_stop(c);
    g_queue_clear_full(&c->waiting, (GDestroyNotify)g_byte_array_unref);
    c->waiting_bytes = 0;

    g_mutex_lock(&c->lock);
    c->closed = true;
    g_queue_clear_full(&c->out, (GDestroyNotify)g_byte_array_unref);
    g_hash_table_remove_all(c->out_fds);
    c->out_off = 0;
    c->out_bytes = 0;
    streams = g_steal_pointer(&c->streams);
    c->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)daemon_stream_unref);
    c->out_fds = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)client_fds_free);
    g_mutex_unlock(&c->lock);

    g_hash_table_foreach(streams, daemon_stream_abort_cb, NULL);
    client_release_conn(c);
    if (c->handshaking) {
        tls_session_free(c->tls);
        c->handshaking = false;
    }
    c->tls = NULL;
    g_clear_pointer(&c->transport, rpc_transport_free);    /* closes fd */
    c->fd = -1;
    if (c->over_limit) {
        g_hash_table_remove(c->srv->over_limit, c);
    } else {
        g_hash_table_remove(c->srv->clients, c);
        server_clients_changed(c->srv);
    }
    client_unref(c);    /* the server's */
}
