/*
 * client.c: one accepted socket: reading packets, the write queue, and
 * the client's lifetime.
 *
 * The main loop reads: it assembles whole packets (length word first)
 * and hands each to dispatch_packet().  Any thread queues packets to send
 * (client_queue); the main loop writes them, watching for POLLOUT only
 * while a write would block.  A client is freed when its last reference
 * goes: the server's (dropped at disconnect) and one per call in flight.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>

#include "daemon/daemon_priv.h"
#include "daemon/stream.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.client"

/* Read at most this much per wakeup, so one busy client cannot starve
 * the others. */
#define CLIENT_READ_BUDGET (256 * 1024)

static gboolean client_on_readable(gint fd, GIOCondition cond, gpointer opaque);
static gboolean client_on_writable(gint fd, GIOCondition cond, gpointer opaque);

daemon_client *client_new(daemon_server *srv, int fd, listen_kind kind)
{
    daemon_client *c = g_new0(daemon_client, 1);

    c->refs = 1;    /* the server's */
    c->srv = srv;
    c->id = ++srv->next_client_id;
    c->fd = fd;
    c->kind = kind;
    c->last_rx = g_get_monotonic_time();
    g_mutex_init(&c->lock);
    g_queue_init(&c->out);
    c->events = g_hash_table_new(g_direct_hash, g_direct_equal);
    c->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)daemon_stream_unref);
    c->read_watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, client_on_readable, c);
    g_hash_table_add(srv->clients, c);
    log_info("client %d: connected on the %s socket", c->id,
             kind == LISTEN_RO ? "read-only" : kind == LISTEN_ADMIN ? "admin" : "read-write");
    server_clients_changed(srv);
    return c;
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
    g_hash_table_unref(c->events);
    g_hash_table_unref(c->streams);
    if (c->in)
        g_byte_array_unref(c->in);
    g_mutex_clear(&c->lock);
    g_free(c);
}

/* Ask the main loop to write c's queue: from a worker, through an idle
 * source; the main loop itself writes at once. */
static gboolean client_kick(gpointer opaque);

void client_queue(daemon_client *c, GByteArray *pkt)
{
    bool kick = false;

    g_mutex_lock(&c->lock);
    if (c->closed) {
        g_mutex_unlock(&c->lock);
        g_byte_array_unref(pkt);
        return;
    }
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

/* Write what the socket takes; main thread.  -1 when the peer is gone. */
static int client_flush(daemon_client *c)
{
    g_mutex_lock(&c->lock);
    while (!c->closed && !g_queue_is_empty(&c->out)) {
        GByteArray *pkt = g_queue_peek_head(&c->out);
        ssize_t n = send(c->fd, pkt->data + c->out_off, pkt->len - c->out_off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0) {
            g_mutex_unlock(&c->lock);
            return -1;
        }
        c->out_off += n;
        if (c->out_off == pkt->len) {
            g_byte_array_unref(g_queue_pop_head(&c->out));
            c->out_off = 0;
        }
    }
    bool pending = !c->closed && !g_queue_is_empty(&c->out);
    g_mutex_unlock(&c->lock);

    if (pending && !c->write_watch && c->fd >= 0)
        c->write_watch = g_unix_fd_add(c->fd, G_IO_OUT, client_on_writable, c);
    else if (!pending && c->write_watch)
        g_clear_handle_id(&c->write_watch, g_source_remove);
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
    n = recv(c->fd, dst, want, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    if (n <= 0) {
        *why = n == 0 ? "closed by the peer" : g_strerror(errno);
        return -1;
    }
    c->in_got += n;
    if (!c->in && c->in_got == RPC_LEN_SIZE) {
        uint32_t len = rpc_packet_length(c->in_len);

        if (!len) {
            *why = "bad packet length (under 28 bytes or over 32 MiB)";
            return -1;
        }
        c->in = g_byte_array_sized_new(len);
        g_byte_array_set_size(c->in, len);
        memcpy(c->in->data, c->in_len, RPC_LEN_SIZE);
    }
    return c->in && c->in_got == c->in->len ? 1 : 0;
}

static gboolean client_on_readable(gint fd, GIOCondition cond, gpointer opaque)
{
    /* a call run here (worker.c) may write its reply and find the peer
     * gone: the disconnect must not free c under this loop */
    g_autoptr(daemon_client) c = client_ref(opaque);
    size_t budget = CLIENT_READ_BUDGET;
    const char *why = NULL;

    (void)fd;
    (void)cond;
    while (budget > 0 && !c->reading_paused && c->fd >= 0) {
        size_t before = c->in_got;
        int r = client_read_some(c, &why);

        if (r < 0) {
            c->read_watch = 0;  /* the source goes with this return */
            client_disconnect(c, why);
            return G_SOURCE_REMOVE;
        }
        if (r == 0 && c->in_got == before)
            break;
        budget -= MIN(budget, c->in_got - before);
        if (r == 1) {
            GByteArray *pkt = g_steal_pointer(&c->in);

            c->in_got = 0;
            c->last_rx = g_get_monotonic_time();
            keepalive_heard(c);
            dispatch_packet(c, pkt);
        }
    }
    if (c->reading_paused || c->fd < 0) {
        c->read_watch = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

/* Stop reading while the client has max_client_requests calls running:
 * its later calls wait in the socket, not in our memory. */
void client_call_started(daemon_client *c)
{
    g_mutex_lock(&c->lock);
    c->calls_in_flight++;
    bool full = c->calls_in_flight >= c->srv->cfg->max_client_requests;
    g_mutex_unlock(&c->lock);
    if (full)
        c->reading_paused = true;
}

static gboolean client_resume_reading(gpointer opaque)
{
    daemon_client *c = opaque;

    if (c->reading_paused && c->fd >= 0) {
        c->reading_paused = false;
        if (!c->read_watch)
            c->read_watch = g_unix_fd_add(c->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                          client_on_readable, c);
    }
    return G_SOURCE_REMOVE;
}

void client_call_done(daemon_client *c)
{
    g_mutex_lock(&c->lock);
    c->calls_in_flight--;
    g_mutex_unlock(&c->lock);
    g_main_context_invoke_full(NULL, G_PRIORITY_DEFAULT, client_resume_reading, client_ref(c),
                               (GDestroyNotify)client_unref);
}

void client_disconnect(daemon_client *c, const char *why)
{
    g_autoptr(GHashTable) streams = NULL;

    if (c->fd < 0)
        return;
    log_info("client %d: disconnected: %s", c->id, why);
    g_clear_handle_id(&c->read_watch, g_source_remove);
    g_clear_handle_id(&c->write_watch, g_source_remove);
    keepalive_stop(c);

    g_mutex_lock(&c->lock);
    c->closed = true;
    g_queue_clear_full(&c->out, (GDestroyNotify)g_byte_array_unref);
    c->out_off = 0;
    streams = g_steal_pointer(&c->streams);
    c->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)daemon_stream_unref);
    g_mutex_unlock(&c->lock);

    g_hash_table_foreach(streams, daemon_stream_abort_cb, NULL);
    client_release_conn(c);
    close(c->fd);
    c->fd = -1;
    g_hash_table_remove(c->srv->clients, c);
    server_clients_changed(c->srv);
    client_unref(c);    /* the server's */
}
