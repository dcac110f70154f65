/*
 * remote_client.c: one socket, one I/O thread, many callers.
 *
 * Callers never touch the socket: remote_client_call() finishes the
 * packet with the next serial, queues it, wakes the I/O thread through
 * an eventfd and sleeps on the client's condition until the I/O thread
 * files the reply under that serial or the connection dies.  The socket
 * is non-blocking and polled by the I/O thread alone, so a stuck server
 * can delay calls but never blocks a caller in write(), and keepalive
 * keeps running while everybody waits.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "remote/remote_client.h"
#include "rpc/fdpass.h"
#include "rpc/transport.h"
#include "util/error.h"

/* One waiting call; lives on its caller's stack, filed in client->calls. */
typedef struct client_call {
    bool done;                  /* the reply is in (guarded by lock) */
    rpc_header reply_hdr;
    GByteArray *reply;          /* whole packet, handed to the caller */
    GArray *fds;                /* REPLY_WITH_FDS: its descriptors (int), handed over */
} client_call;

/* A stream opened by a call: where its packets go.  Shared by the table
 * and the I/O thread while it delivers a packet. */
typedef struct client_stream {
    gint refs;                  /* atomic */
    remote_client_stream_fn fn;
    void *opaque;               /* released with free_opaque with the last reference */
    GDestroyNotify free_opaque;
} client_stream;

static void client_stream_unref(client_stream *cs)
{
    if (!g_atomic_int_dec_and_test(&cs->refs))
        return;
    if (cs->free_opaque)
        cs->free_opaque(cs->opaque);
    g_free(cs);
}

struct remote_client {
    rpc_transport *t;           /* the connection's bytes (owned; only the I/O thread
                                 * reads/writes it) */
    int fd;                     /* t's socket, for poll */
    int wake_fd;                /* eventfd that wakes the I/O thread (owned) */
    GThread *thread;            /* the I/O thread, joined by remote_client_free */
    remote_client_event_fn on_event;
    void *opaque;               /* on_event's, borrowed */

    GMutex lock;
    GCond cond;                 /* a call completed, or the client died */
    /* guarded by lock: */
    GQueue *outq;               /* GByteArray * (owned) waiting to be written */
    gsize out_off;              /* bytes of the head packet already written */
    GHashTable *calls;          /* serial -> client_call * (borrowed) */
    GHashTable *streams;        /* serial -> client_stream * (one reference each) */
    uint32_t next_serial;
    bool quit;                  /* remote_client_free is stopping the thread */
    vireo_error *dead;          /* why the connection died; NULL while alive (owned) */
    sasl_session *sasl_next;    /* the SASL layer to put on before the next write (borrowed) */
    int ka_interval_ms;         /* 0: no keepalive of ours */
    int ka_count;
    int ka_sent;                /* PINGs sent since the last packet came in */
    gint64 last_rx;             /* monotonic time of the last packet byte in */

    /* I/O thread only: */
    bool want_out;              /* the last EAGAIN of a read waits for POLLOUT (TLS) */
    GByteArray *in;             /* the packet being read */
    guint in_want;              /* bytes in needs before the next step */
    int in_nfds;                /* > 0: in is a whole REPLY_WITH_FDS whose descriptors
                                 * are being received into in_fds (rpc/fdpass.h) */
    GArray *in_fds;             /* of int, owned (closed unless handed to a caller) */
};

static void client_fds_close(GArray *fds)
{
    for (guint i = 0; fds && i < fds->len; i++)
        close(g_array_index(fds, int, i));
    if (fds)
        g_array_unref(fds);
}

static vireo_error *client_error_copy(const vireo_error *err)
{
    vireo_error *copy = g_new0(vireo_error, 1);

    *copy = *err;
    copy->message = g_strdup(err->message);
    copy->str1 = g_strdup(err->str1);
    copy->str2 = g_strdup(err->str2);
    copy->str3 = g_strdup(err->str3);
    return copy;
}

static void client_error_set(const vireo_error *err)
{
    error_set_full(err->domain, err->code, err->level, err->message, err->str1, err->str2,
                   err->str3, err->int1, err->int2);
}

static void client_wake(remote_client *client)
{
    uint64_t one = 1;

    /* cannot fail short of a bug: the counter does not overflow */
    if (write(client->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        g_warning("remote: cannot wake the I/O thread: %s", g_strerror(errno));
}

/* Called with lock held: take err as the reason of death (first one
 * wins) and release every waiting caller. */
static void client_die_locked(remote_client *client, vireo_error *err)
{
    if (client->dead) {
        error_free(err);
        return;
    }
    client->dead = err;
    g_queue_free_full(client->outq, (GDestroyNotify)g_byte_array_unref);
    client->outq = g_queue_new();
    g_cond_broadcast(&client->cond);
}

/* On the I/O thread: the thread's error is the reason the peer is lost. */
static void client_die(remote_client *client)
{
    vireo_error *err = error_save();

    if (!err) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_INTERNAL_ERROR, "client socket is closed");
        err = error_save();
    }
    g_mutex_lock(&client->lock);
    client_die_locked(client, err);
    g_mutex_unlock(&client->lock);
}

void remote_client_fail(remote_client *client)
{
    const vireo_error *err = error_last();

    if (!err) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_INTERNAL_ERROR, "client socket is closed");
        err = error_last();
    }
    g_mutex_lock(&client->lock);
    client_die_locked(client, client_error_copy(err));
    g_mutex_unlock(&client->lock);
    client_wake(client);
}

bool remote_client_is_alive(remote_client *client)
{
    bool alive;

    g_mutex_lock(&client->lock);
    alive = !client->dead;
    g_mutex_unlock(&client->lock);
    return alive;
}

/* Called with lock held: queue a keepalive message (no body). */
static void client_queue_keepalive_locked(remote_client *client, int proc)
{
    rpc_header hdr = {
        .prog = RPC_KEEPALIVE_PROGRAM, .vers = RPC_PROTOCOL_VERSION, .proc = proc,
        .type = RPC_MESSAGE, .serial = 0, .status = RPC_OK,
    };
    GByteArray *pkt = rpc_packet_new(&hdr);

    rpc_packet_finish(pkt, &hdr);
    g_queue_push_tail(client->outq, pkt);
}

/* A REPLY came in: hand it to the caller waiting on its serial. */
static void client_complete(remote_client *client, const rpc_header *hdr)
{
    client_call *call;

    g_mutex_lock(&client->lock);
    call = g_hash_table_lookup(client->calls, GUINT_TO_POINTER(hdr->serial));
    if (call) {
        g_hash_table_remove(client->calls, GUINT_TO_POINTER(hdr->serial));
        call->reply_hdr = *hdr;
        call->reply = g_steal_pointer(&client->in);
        call->fds = g_steal_pointer(&client->in_fds);
        call->done = true;
        g_cond_broadcast(&client->cond);
    }
    /* else: a reply nobody waits for (its caller gave up): dropped */
    g_mutex_unlock(&client->lock);
    client_fds_close(g_steal_pointer(&client->in_fds));
    if (!client->in)
        client->in = g_byte_array_new();
}

/* A STREAM packet: to the stream its call opened (none: a late packet
 * of a stream already gone, dropped). */
static void client_stream_packet(remote_client *client, const rpc_header *hdr)
{
    client_stream *cs;

    g_mutex_lock(&client->lock);
    cs = g_hash_table_lookup(client->streams, GUINT_TO_POINTER(hdr->serial));
    if (cs)
        g_atomic_int_inc(&cs->refs);
    g_mutex_unlock(&client->lock);
    if (!cs)
        return;
    cs->fn(cs->opaque, hdr, client->in->data, client->in->len);
    client_stream_unref(cs);
}

/* The connection died: tell every stream, once (I/O thread). */
static void client_streams_die(remote_client *client)
{
    g_autoptr(GHashTable) streams = NULL;
    GHashTableIter it;
    gpointer value;

    g_mutex_lock(&client->lock);
    if (g_hash_table_size(client->streams)) {
        streams = g_steal_pointer(&client->streams);
        client->streams = g_hash_table_new_full(NULL, NULL, NULL,
                                                (GDestroyNotify)client_stream_unref);
        client_error_set(client->dead);
    }
    g_mutex_unlock(&client->lock);
    if (!streams)
        return;
    g_hash_table_iter_init(&it, streams);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        client_stream *cs = value;

        cs->fn(cs->opaque, NULL, NULL, 0);
    }
    error_reset();
}

/* One whole packet is in client->in: route it. */
static void client_dispatch(remote_client *client)
{
    rpc_header hdr;

    if (rpc_header_decode(client->in->data, client->in->len, &hdr) < 0)
        return; /* cannot happen: the length was checked */
    if (hdr.prog == RPC_KEEPALIVE_PROGRAM) {
        if (hdr.proc == RPC_KEEPALIVE_PING) {
            g_mutex_lock(&client->lock);
            client_queue_keepalive_locked(client, RPC_KEEPALIVE_PONG);
            g_mutex_unlock(&client->lock);
        }
        return; /* a PONG only proves the peer alive, as any packet does */
    }
    switch (hdr.type) {
    case RPC_REPLY:
    case RPC_REPLY_WITH_FDS:
        client_complete(client, &hdr);
        break;
    case RPC_MESSAGE:
        if (client->on_event)
            client->on_event(client->opaque, &hdr, client->in->data, client->in->len);
        break;
    case RPC_STREAM:
    case RPC_STREAM_HOLE:
        client_stream_packet(client, &hdr);
        break;
    default:
        break;
    }
}

/* Check the length word just read; false (the peer is lost) when it is
 * outside the limits. */
static bool client_take_length(remote_client *client)
{
    uint32_t len = rpc_packet_length(client->in->data);

    if (!len) {
        uint32_t raw;

        memcpy(&raw, client->in->data, sizeof(raw));
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                     "packet of %u bytes received from server is outside the limits (%u to %u)",
                     GUINT32_FROM_BE(raw), RPC_LEN_SIZE + RPC_HEADER_SIZE, RPC_MAX_PACKET);
        client_die(client);
        return false;
    }
    client->in_want = len;
    return true;
}

/* A whole packet is in: when it is a REPLY_WITH_FDS, start receiving
 * its descriptors (true).  false when it is not one or carries none; the
 * connection dies on a count it cannot take (*dead). */
static bool client_fds_start(remote_client *client, bool *dead)
{
    rpc_header hdr;
    int n;

    *dead = false;
    if (rpc_header_decode(client->in->data, client->in->len, &hdr) < 0 ||
        hdr.type != RPC_REPLY_WITH_FDS)
        return false;
    n = rpc_packet_nfds(client->in->data, client->in->len);
    if (n < 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                     "Unable to decode the file descriptor count of a reply");
        *dead = true;
    } else if (n > 0 && !rpc_fd_socket_ok(client->fd)) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_INTERNAL_ERROR,
                     "Receiving file descriptors is not supported on this socket");
        *dead = true;
    }
    if (*dead) {
        client_die(client);
        return false;
    }
    client->in_nfds = n;
    client->in_fds = g_array_sized_new(FALSE, FALSE, sizeof(int), n);
    return n > 0;
}

/* Receive the descriptors of the REPLY_WITH_FDS in client->in.  1 all
 * in, 0 when the socket has no more now, -1 when the connection died. */
static int client_fds_read(remote_client *client)
{
    while ((int)client->in_fds->len < client->in_nfds) {
        int fd = -1;
        int rc = rpc_fd_recv(client->fd, &fd);

        if (rc == 0)
            return 0;
        if (rc < 0) {
            error_report_system(VIREO_FROM_RPC, errno, "Failed to recv file descriptor");
            client_die(client);
            return -1;
        }
        g_array_append_val(client->in_fds, fd);
    }
    client->in_nfds = 0;
    return 1;
}

/* Read what the socket has and dispatch each whole packet.  false when
 * the connection died. */
static bool client_read(remote_client *client)
{
    for (;;) {
        guint have = client->in->len;
        ssize_t n;
        bool dead;

        if (client->in_nfds > 0) {
            int rc = client_fds_read(client);

            if (rc <= 0)
                return rc == 0;
            client_dispatch(client);
            client_fds_close(g_steal_pointer(&client->in_fds));
            g_byte_array_set_size(client->in, 0);
            client->in_want = RPC_LEN_SIZE;
            continue;
        }

        g_byte_array_set_size(client->in, client->in_want);
        n = rpc_transport_recv(client->t, client->in->data + have, client->in_want - have);
        g_byte_array_set_size(client->in, have + MAX(n, 0));
        if (n < 0 && errno == EAGAIN) {
            client->want_out = rpc_transport_wants(client->t) == G_IO_OUT;
            return true;
        }
        if (n <= 0) {
            if (n < 0 && errno == EPROTO)
                error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "Cannot recv data: %s",
                             rpc_transport_error(client->t));
            else if (n < 0)
                error_report_system(VIREO_FROM_RPC, errno, "Cannot recv data");
            else
                error_report_system(VIREO_FROM_RPC, EIO, "End of file while reading data");
            client_die(client);
            return false;
        }
        g_mutex_lock(&client->lock);
        client->last_rx = g_get_monotonic_time();
        client->ka_sent = 0;
        g_mutex_unlock(&client->lock);
        if (client->in->len < client->in_want)
            continue;
        if (client->in_want == RPC_LEN_SIZE) {
            if (!client_take_length(client))
                return false;
            continue;
        }
        if (client_fds_start(client, &dead))
            continue;
        if (dead)
            return false;
        client_dispatch(client);
        client_fds_close(g_steal_pointer(&client->in_fds));
        g_byte_array_set_size(client->in, 0);
        client->in_want = RPC_LEN_SIZE;
    }
}

/* Write queued packets until the socket would block.  false when the
 * connection died. */
static bool client_write(remote_client *client)
{
    GByteArray *pkt;
    int err = 0;

    g_mutex_lock(&client->lock);
    if (client->sasl_next) {
        /* queued with the packet that follows it: never written plain */
        rpc_transport_set_sasl(client->t, client->sasl_next);
        client->sasl_next = NULL;
    }
    while ((pkt = g_queue_peek_head(client->outq))) {
        ssize_t n = rpc_transport_send(client->t, pkt->data + client->out_off,
                                       pkt->len - client->out_off);

        if (n < 0) {
            if (errno != EAGAIN)
                err = errno;
            break;
        }
        client->out_off += n;
        if (client->out_off == pkt->len) {
            g_byte_array_unref(g_queue_pop_head(client->outq));
            client->out_off = 0;
            g_cond_broadcast(&client->cond);    /* a sender waits for room */
        }
    }
    g_mutex_unlock(&client->lock);
    if (!err)
        return true;
    if (err == EPROTO)
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "Cannot write data: %s",
                     rpc_transport_error(client->t));
    else
        error_report_system(VIREO_FROM_RPC, err, "Cannot write data");
    client_die(client);
    return false;
}

/* Called with lock held: ms until the keepalive needs attention (-1:
 * never). */
static int client_keepalive_timeout_locked(remote_client *client)
{
    gint64 due;

    if (client->ka_interval_ms <= 0)
        return -1;
    due = client->last_rx + (gint64)client->ka_interval_ms * 1000 * (client->ka_sent + 1);
    return (int)CLAMP((due - g_get_monotonic_time() + 999) / 1000, 0, G_MAXINT);
}

/* Send a PING when the line has been idle an interval; declare the peer
 * dead when count PINGs went unanswered.  false when it died. */
static bool client_keepalive_tick(remote_client *client)
{
    bool dead = false;

    g_mutex_lock(&client->lock);
    if (client->ka_interval_ms > 0 && client_keepalive_timeout_locked(client) == 0) {
        if (client->ka_sent >= client->ka_count)
            dead = true;
        else {
            client_queue_keepalive_locked(client, RPC_KEEPALIVE_PING);
            client->ka_sent++;
        }
    }
    g_mutex_unlock(&client->lock);
    if (!dead)
        return true;
    error_report(VIREO_FROM_RPC, VIREO_ERR_INTERNAL_ERROR,
                 "connection closed due to keepalive timeout");
    client_die(client);
    return false;
}

static void client_drain_wake(remote_client *client)
{
    uint64_t count;

    if (read(client->wake_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
        g_warning("remote: cannot read the wake counter: %s", g_strerror(errno));
}

static gpointer client_thread(gpointer data)
{
    remote_client *client = data;

    for (;;) {
        struct pollfd fds[2] = {
            { .fd = client->wake_fd, .events = POLLIN },
            { .fd = client->fd, .events = POLLIN },
        };
        nfds_t nfds = 2;
        int timeout;

        g_mutex_lock(&client->lock);
        if (client->quit) {
            g_mutex_unlock(&client->lock);
            return NULL;
        }
        if (client->sasl_next) {
            /* between packets: the reply that completed SASL is read */
            rpc_transport_set_sasl(client->t, client->sasl_next);
            client->sasl_next = NULL;
        }
        if (!g_queue_is_empty(client->outq) || client->want_out)
            fds[1].events |= POLLOUT;
        timeout = client_keepalive_timeout_locked(client);
        if (client->dead) {
            nfds = 1; /* nothing more to read or write: wait to be freed */
            timeout = -1;
        }
        g_mutex_unlock(&client->lock);
        if (nfds == 1)
            client_streams_die(client);

        if (poll(fds, nfds, timeout) < 0 && errno != EINTR) {
            error_report_system(VIREO_FROM_RPC, errno, "Cannot poll the socket");
            client_die(client);
            continue;
        }
        if (fds[0].revents)
            client_drain_wake(client);
        if (nfds < 2)
            continue;
        client->want_out = false;
        if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR | POLLOUT)) && !client_read(client))
            continue;
        if ((fds[1].revents & POLLOUT) && !client_write(client))
            continue;
        client_keepalive_tick(client);
    }
}

remote_client *remote_client_new(int fd, remote_client_event_fn on_event, void *opaque)
{
    return remote_client_new_transport(rpc_transport_new(fd), on_event, opaque);
}

remote_client *remote_client_new_transport(rpc_transport *t, remote_client_event_fn on_event,
                                           void *opaque)
{
    remote_client *client = g_new0(remote_client, 1);

    client->t = t;
    client->fd = rpc_transport_fd(t);
    g_unix_set_fd_nonblocking(client->fd, TRUE, NULL);
    client->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    client->on_event = on_event;
    client->opaque = opaque;
    g_mutex_init(&client->lock);
    g_cond_init(&client->cond);
    client->outq = g_queue_new();
    client->calls = g_hash_table_new(NULL, NULL);
    client->streams = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)client_stream_unref);
    client->last_rx = g_get_monotonic_time();
    client->in = g_byte_array_new();
    client->in_want = RPC_LEN_SIZE;
    client->thread = g_thread_new("vireo-remote-io", client_thread, client);
    return client;
}

void remote_client_free(remote_client *client)
{
    if (!client)
        return;
    g_mutex_lock(&client->lock);
    client->quit = true;
    g_cond_broadcast(&client->cond);
    g_mutex_unlock(&client->lock);
    client_wake(client);
    g_thread_join(client->thread);

    rpc_transport_free(client->t);
    close(client->wake_fd);
    g_queue_free_full(client->outq, (GDestroyNotify)g_byte_array_unref);
    g_hash_table_unref(client->calls);
    g_hash_table_unref(client->streams);
    error_free(client->dead);
    g_byte_array_unref(client->in);
    client_fds_close(client->in_fds);
    g_mutex_clear(&client->lock);
    g_cond_clear(&client->cond);
    g_free(client);
}

tls_session *remote_client_tls(remote_client *client)
{
    /* set before the I/O thread started, never changed */
    return rpc_transport_tls(client->t);
}

void remote_client_set_sasl(remote_client *client, sasl_session *sess)
{
    g_mutex_lock(&client->lock);
    client->sasl_next = sess;
    g_mutex_unlock(&client->lock);
    client_wake(client);
}

void remote_client_keepalive_start(remote_client *client, int interval_ms, int count)
{
    g_mutex_lock(&client->lock);
    client->ka_interval_ms = MAX(interval_ms, 0);
    client->ka_count = count;
    client->ka_sent = 0;
    g_mutex_unlock(&client->lock);
    client_wake(client); /* recompute the poll timeout */
}

int remote_client_call(remote_client *client, rpc_header *hdr, GByteArray *pkt,
                       rpc_header *reply_hdr, GByteArray **reply)
{
    return remote_client_call_stream(client, hdr, pkt, reply_hdr, reply, NULL, NULL, NULL);
}

/* Why a call cannot go out: the reason the connection died, or that it
 * was closed (client->lock held). */
static void client_closed_error(remote_client *client)
{
    if (client->dead)
        client_error_set(client->dead);
    else
        error_report(VIREO_FROM_RPC, VIREO_ERR_INTERNAL_ERROR, "client socket is closed");
}

static int client_call_full(remote_client *client, rpc_header *hdr, GByteArray *pkt,
                            rpc_header *reply_hdr, GByteArray **reply,
                            remote_client_stream_fn fn, void *opaque,
                            GDestroyNotify free_opaque, GArray **fds);

int remote_client_call_stream(remote_client *client, rpc_header *hdr, GByteArray *pkt,
                              rpc_header *reply_hdr, GByteArray **reply,
                              remote_client_stream_fn fn, void *opaque,
                              GDestroyNotify free_opaque)
{
    return client_call_full(client, hdr, pkt, reply_hdr, reply, fn, opaque, free_opaque, NULL);
}

int remote_client_call_fds(remote_client *client, rpc_header *hdr, GByteArray *pkt,
                           rpc_header *reply_hdr, GByteArray **reply, GArray **fds)
{
    *fds = NULL;
    return client_call_full(client, hdr, pkt, reply_hdr, reply, NULL, NULL, NULL, fds);
}

static int client_call_full(remote_client *client, rpc_header *hdr, GByteArray *pkt,
                            rpc_header *reply_hdr, GByteArray **reply,
                            remote_client_stream_fn fn, void *opaque,
                            GDestroyNotify free_opaque, GArray **fds)
{
    client_call call = { 0 };
    uint32_t serial;

    g_mutex_lock(&client->lock);
    if (client->dead || client->quit) {
        g_mutex_unlock(&client->lock);
        error_report(VIREO_FROM_RPC, VIREO_ERR_INTERNAL_ERROR, "client socket is closed");
        return -1;
    }
    serial = hdr->serial = client->next_serial++;
    hdr->type = RPC_CALL;
    hdr->status = RPC_OK;
    rpc_packet_finish(pkt, hdr);
    g_hash_table_insert(client->calls, GUINT_TO_POINTER(serial), &call);
    if (fn) {
        /* filed before the CALL leaves: the server may send stream data
         * ahead of its reply */
        client_stream *cs = g_new0(client_stream, 1);

        cs->refs = 1;
        cs->fn = fn;
        cs->opaque = opaque;
        cs->free_opaque = free_opaque;
        g_hash_table_replace(client->streams, GUINT_TO_POINTER(serial), cs);
    }
    g_queue_push_tail(client->outq, g_byte_array_ref(pkt));
    client_wake(client);
    while (!call.done && !client->dead && !client->quit)
        g_cond_wait(&client->cond, &client->lock);
    if (!call.done) {
        g_hash_table_remove(client->calls, GUINT_TO_POINTER(serial));
        if (fn)
            g_hash_table_remove(client->streams, GUINT_TO_POINTER(serial));
        client_closed_error(client);
        g_mutex_unlock(&client->lock);
        return -1;
    }
    g_mutex_unlock(&client->lock);
    *reply_hdr = call.reply_hdr;
    *reply = call.reply;
    if (fds)
        *fds = call.fds;
    else
        client_fds_close(call.fds);
    return 0;
}

void remote_client_stream_remove(remote_client *client, uint32_t serial)
{
    client_stream *cs;

    g_mutex_lock(&client->lock);
    cs = g_hash_table_lookup(client->streams, GUINT_TO_POINTER(serial));
    if (cs)
        g_hash_table_steal(client->streams, GUINT_TO_POINTER(serial));
    g_mutex_unlock(&client->lock);
    if (cs)
        client_stream_unref(cs);
}

int remote_client_send(remote_client *client, GByteArray *pkt)
{
    g_autoptr(GByteArray) owned = pkt;

    g_mutex_lock(&client->lock);
    /* a stream's sender goes no faster than the socket (bounded memory) */
    while (!client->dead && !client->quit &&
           g_queue_get_length(client->outq) >= REMOTE_CLIENT_SEND_QUEUE_MAX)
        g_cond_wait(&client->cond, &client->lock);
    if (client->dead || client->quit) {
        client_closed_error(client);
        g_mutex_unlock(&client->lock);
        return -1;
    }
    g_queue_push_tail(client->outq, g_steal_pointer(&owned));
    client_wake(client);
    g_mutex_unlock(&client->lock);
    return 0;
}
