/*
 * stream_link.c: a vireo_stream carried by a call's wire stream in
 * vireod (src/daemon/stream_link.c, stream.c, client.c), seen from the
 * client's end of a socketpair speaking hand-built packets.
 *
 * Download: a producer thread pushes data and holes, pacing itself with
 * stream_push_wait; the peer reads slowly.  Holes arrive as STREAM_HOLE
 * packets in order, and while the peer does not read the producer stops
 * after STREAM_BACKLOG_MAX plus what the socket holds.  Upload: data and
 * STREAM_HOLE packets from the peer reach the producer's write and hole
 * ops; a producer without a hole op refuses the hole with a STREAM ERROR.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>

#include "check.h"
#include "rpc_peer.h"
#include "daemon/daemon_priv.h"
#include "daemon/stream.h"
#include "drivers/stream.h"
#include "rpc/remote_protocol.h"
#include "util/error.h"

#define CHUNK (256 * 1024)
#define TOTAL_DATA (48u * 1024 * 1024)     /* far over STREAM_BACKLOG_MAX */
#define HOLE_LEN (1LL << 30)
#define SOCKBUF (64 * 1024)

/* ---- the daemon's side: a client on one end of a socketpair ---- */

static daemon_server srv;
static daemon_listener listener = { .srv = &srv, .kind = LISTEN_RW, .transport = LISTEN_UNIX };

static daemon_client *daemon_side(int fd)
{
    if (!srv.cfg) {
        srv.cfg = config_new();
        srv.clients = g_hash_table_new(g_direct_hash, g_direct_equal);
        srv.over_limit = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    return client_new(&listener, fd);
}

/* One round of the main loop (the daemon's I/O), or a short sleep. */
static void loop_once(void)
{
    if (!g_main_context_iteration(NULL, FALSE))
        g_usleep(1000);
}

/* Run the main loop until *done (at most a minute). */
static void loop_until(gint *done)
{
    gint64 end = g_get_monotonic_time() + 60 * G_TIME_SPAN_SECOND;

    while (!g_atomic_int_get(done) && g_get_monotonic_time() < end)
        loop_once();
}

/* ---- the peer: hand-built packets ---- */

static rpc_header stream_hdr(uint32_t serial, int type, int status)
{
    rpc_header h = { .prog = RPC_REMOTE_PROGRAM, .vers = RPC_PROTOCOL_VERSION, .proc = 209,
                     .type = type, .serial = serial, .status = status };
    return h;
}

static void peer_send(int fd, GByteArray *pkt)
{
    g_assert(write(fd, pkt->data, pkt->len) == (ssize_t)pkt->len);
    g_byte_array_unref(pkt);
}

static GByteArray *pkt_data(uint32_t serial, const char *data, size_t len)
{
    rpc_header h = stream_hdr(serial, RPC_STREAM, RPC_CONTINUE);
    GByteArray *pkt = rpc_packet_new(&h);

    g_byte_array_append(pkt, (const guint8 *)data, len);
    rpc_packet_finish(pkt, &h);
    return pkt;
}

static GByteArray *pkt_hole(uint32_t serial, long long length)
{
    rpc_header h = stream_hdr(serial, RPC_STREAM_HOLE, RPC_CONTINUE);
    remote_stream_hole hole = { length, 0 };
    GByteArray *pkt = rpc_packet_new(&h);

    rpc_packet_encode(pkt, (xdrproc_t)xdr_remote_stream_hole, &hole);
    rpc_packet_finish(pkt, &h);
    return pkt;
}

static GByteArray *pkt_status(uint32_t serial, int status)
{
    rpc_header h = stream_hdr(serial, RPC_STREAM, status);
    GByteArray *pkt = rpc_packet_new(&h);

    if (status == RPC_ERROR)
        wire_encode_error(pkt, NULL);
    rpc_packet_finish(pkt, &h);
    return pkt;
}

/* ---- a producer that records and produces ---- */

typedef struct producer {
    vireo_stream *st;
    GString *written;           /* upload: data and "<hole N>" in order */
    gint closes;
    gint last_abort;
    gint64 produced;            /* atomic: data bytes pushed (download) */
    gint finished;              /* atomic: the producer thread ended */
    gint stopped_early;         /* push_wait said stop */
} producer;

static int prod_write(vireo_stream *st, const char *data, size_t len, void *opaque)
{
    producer *p = opaque;

    (void)st;
    g_string_append_len(p->written, data, (gssize)len);
    return 0;
}

static int prod_hole(vireo_stream *st, long long length, void *opaque)
{
    producer *p = opaque;

    (void)st;
    g_string_append_printf(p->written, "<hole %lld>", length);
    return 0;
}

static int prod_close(vireo_stream *st, bool abort, void *opaque)
{
    producer *p = opaque;

    (void)st;
    g_atomic_int_set(&p->last_abort, abort);
    g_atomic_int_inc(&p->closes);
    return 0;
}

static const stream_producer_ops sparse_ops = {
    .write = prod_write, .close = prod_close, .hole = prod_hole,
};
static const stream_producer_ops dense_ops = { .write = prod_write, .close = prod_close };

/* A download: data chunks with a hole after every fourth, as a volume
 * producer does: wait, read, push. */
static gpointer producer_run(gpointer data)
{
    producer *p = data;
    char *buf = g_malloc(CHUNK);
    unsigned int i = 0;

    for (size_t done = 0; done < TOTAL_DATA; done += CHUNK, i++) {
        if (!stream_push_wait(p->st)) {
            g_atomic_int_set(&p->stopped_early, 1);
            break;
        }
        memset(buf, 'a' + (int)(i % 26), CHUNK);
        stream_push_data(p->st, buf, CHUNK);
        g_atomic_pointer_add(&p->produced, CHUNK);
        if (i % 4 == 3)
            stream_push_hole(p->st, HOLE_LEN);
    }
    if (!g_atomic_int_get(&p->stopped_early))
        stream_push_eof(p->st);
    g_free(buf);
    g_atomic_int_set(&p->finished, 1);
    return NULL;
}

/* ---- download ---- */

typedef struct download_peer {
    int fd;
    producer *p;
    gint64 produced_while_paused;
    size_t data;                /* bytes received */
    long long holes;            /* hole bytes received */
    int nholes;
    bool in_order;              /* holes after every fourth chunk, data as produced */
    bool ended;                 /* the empty CONTINUE came */
    bool confirmed;             /* our finish was confirmed with OK */
    gint done;
} download_peer;

static gpointer download_peer_run(gpointer data)
{
    download_peer *d = data;
    size_t since_hole = 0;
    rpc_header h;
    GByteArray *pkt;

    /* the application does not read for a while: the producer must stop */
    g_usleep(500 * 1000);
    d->produced_while_paused = g_atomic_pointer_get(&d->p->produced);
    d->in_order = true;
    while ((pkt = rpc_peer_recv(d->fd, &h))) {
        size_t body = pkt->len - RPC_LEN_SIZE - RPC_HEADER_SIZE;
        const uint8_t *b = pkt->data + RPC_LEN_SIZE + RPC_HEADER_SIZE;

        if (h.type == RPC_STREAM_HOLE) {
            remote_stream_hole hole = { 0, 0 };

            rpc_packet_decode(pkt->data, pkt->len, (xdrproc_t)xdr_remote_stream_hole, &hole);
            d->holes += hole.length;
            d->nholes++;
            d->in_order &= since_hole == 4 * CHUNK && hole.length == HOLE_LEN;
            since_hole = 0;
        } else if (h.type == RPC_STREAM && h.status == RPC_CONTINUE && body) {
            d->in_order &= b[0] == 'a' + (int)((d->data / CHUNK) % 26) && h.serial == 9;
            d->data += body;
            since_hole += body;
        } else if (h.type == RPC_STREAM && h.status == RPC_CONTINUE) {
            d->ended = true;
            peer_send(d->fd, pkt_status(9, RPC_OK));    /* finish, as virStreamFinish */
        } else if (h.type == RPC_STREAM && h.status == RPC_OK) {
            d->confirmed = true;
            g_byte_array_unref(pkt);
            break;
        }
        g_byte_array_unref(pkt);
    }
    g_atomic_int_set(&d->done, 1);
    return NULL;
}

static void test_download(void)
{
    int sv[2];
    int sndbuf = SOCKBUF;
    socklen_t optlen = sizeof(sndbuf);
    rpc_header call = stream_hdr(9, RPC_CALL, RPC_OK);
    producer p = { .written = g_string_new(NULL) };
    download_peer d = { 0 };
    daemon_client *c;
    stream_link *link;
    GThread *prod, *peer;
    gint64 bound;

    g_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sndbuf, sizeof(sndbuf));
    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &optlen);
    g_unix_set_fd_nonblocking(sv[0], TRUE, NULL);
    c = daemon_side(sv[0]);
    link = stream_link_new(c, &call, NULL);
    p.st = stream_ref(stream_link_stream(link));
    stream_attach(p.st, &sparse_ops, &p, NULL);
    stream_link_opened(link, 0);

    d.fd = sv[1];
    d.p = &p;
    prod = g_thread_new("producer", producer_run, &p);
    peer = g_thread_new("peer", download_peer_run, &d);
    loop_until(&d.done);
    g_thread_join(peer);
    g_thread_join(prod);

    /* what the daemon may hold: the backlog, one chunk pushed over it, and
     * what the socket buffers hold (unix sockets count overhead twice) */
    bound = STREAM_BACKLOG_MAX + 2 * CHUNK + 4 * (gint64)sndbuf;
    CHECK(d.produced_while_paused <= bound && d.produced_while_paused >= STREAM_BACKLOG_MAX,
          "a reader that does not read stops the producer near STREAM_BACKLOG_MAX "
          "(%" G_GINT64_FORMAT " bytes produced, bound %" G_GINT64_FORMAT ")",
          d.produced_while_paused, bound);
    CHECK(d.data == TOTAL_DATA && d.nholes == (int)(TOTAL_DATA / CHUNK / 4) &&
          d.holes == (long long)d.nholes * HOLE_LEN,
          "every byte and every hole arrives (%zu bytes, %d holes)", d.data, d.nholes);
    CHECK(d.in_order, "holes come as STREAM_HOLE packets in their place among the data");
    CHECK(d.ended && d.confirmed, "the end is an empty CONTINUE; the client's finish gets OK");
    CHECK(g_atomic_int_get(&p.closes) == 1 && !g_atomic_int_get(&p.last_abort),
          "the producer is closed once, as a finish");
    stream_unref(p.st);
    client_disconnect(c, "test over");
    close(sv[1]);
    g_string_free(p.written, TRUE);
}

/* A client gone in the middle of a download: the producer stops. */
static void test_download_gone(void)
{
    int sv[2];
    rpc_header call = stream_hdr(10, RPC_CALL, RPC_OK);
    producer p = { .written = g_string_new(NULL) };
    daemon_client *c;
    stream_link *link;
    GThread *prod;

    g_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    g_unix_set_fd_nonblocking(sv[0], TRUE, NULL);
    c = daemon_side(sv[0]);
    client_ref(c);
    link = stream_link_new(c, &call, NULL);
    p.st = stream_ref(stream_link_stream(link));
    stream_attach(p.st, &sparse_ops, &p, NULL);
    stream_link_opened(link, 0);
    prod = g_thread_new("producer", producer_run, &p);
    while (g_atomic_pointer_get(&p.produced) < STREAM_BACKLOG_MAX)
        loop_once();
    close(sv[1]);       /* the client goes away without a word */
    for (int i = 0; i < 5000 && !g_atomic_int_get(&p.finished); i++)
        loop_once();
    CHECK(g_atomic_int_get(&p.finished) && g_atomic_int_get(&p.stopped_early),
          "a client that hangs up ends push_wait with false: the producer stops");
    CHECK(g_atomic_int_get(&p.closes) == 1 && g_atomic_int_get(&p.last_abort),
          "and the producer is closed as an abort");
    g_thread_join(prod);
    stream_unref(p.st);
    client_unref(c);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_string_free(p.written, TRUE);
}

/* ---- upload ---- */

typedef struct upload_peer {
    int fd;
    uint32_t serial;
    bool with_hole_error;       /* expect a STREAM ERROR after the hole */
    rpc_header reply;           /* the last packet's header */
    char message[256];
    gint done;
} upload_peer;

static gpointer upload_peer_run(gpointer data)
{
    upload_peer *u = data;
    GByteArray *pkt;

    peer_send(u->fd, pkt_data(u->serial, "abc", 3));
    peer_send(u->fd, pkt_hole(u->serial, HOLE_LEN));
    peer_send(u->fd, pkt_data(u->serial, "def", 3));
    peer_send(u->fd, pkt_hole(u->serial, 5));
    if (!u->with_hole_error)
        peer_send(u->fd, pkt_status(u->serial, RPC_OK));
    if ((pkt = rpc_peer_recv(u->fd, &u->reply))) {
        if (u->reply.status == RPC_ERROR) {
            remote_error err = { 0 };

            if (rpc_packet_decode(pkt->data, pkt->len, (xdrproc_t)xdr_remote_error, &err) == 0 &&
                err.message)
                g_strlcpy(u->message, *err.message, sizeof(u->message));
            xdr_free((xdrproc_t)xdr_remote_error, (char *)&err);
        }
        g_byte_array_unref(pkt);
    }
    g_atomic_int_set(&u->done, 1);
    return NULL;
}

static void upload_run(const stream_producer_ops *ops, upload_peer *u, producer *p)
{
    int sv[2];
    rpc_header call = stream_hdr(u->serial, RPC_CALL, RPC_OK);
    daemon_client *c;
    stream_link *link;
    GThread *peer;

    g_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    g_unix_set_fd_nonblocking(sv[0], TRUE, NULL);
    c = daemon_side(sv[0]);
    link = stream_link_new(c, &call, NULL);
    p->st = stream_ref(stream_link_stream(link));
    stream_attach(p->st, ops, p, NULL);
    stream_link_opened(link, 0);
    u->fd = sv[1];
    peer = g_thread_new("peer", upload_peer_run, u);
    loop_until(&u->done);
    g_thread_join(peer);
    stream_unref(p->st);
    client_disconnect(c, "test over");
    close(sv[1]);
}

static void test_upload(void)
{
    producer p = { .written = g_string_new(NULL) };
    upload_peer u = { .serial = 11 };
    g_autofree char *want = g_strdup_printf("abc<hole %lld>def<hole 5>", HOLE_LEN);

    upload_run(&sparse_ops, &u, &p);
    CHECK(g_str_equal(p.written->str, want),
          "the client's data and STREAM_HOLE packets reach the producer in order (%s)",
          p.written->str);
    CHECK(u.reply.type == RPC_STREAM && u.reply.status == RPC_OK && u.reply.serial == 11 &&
          g_atomic_int_get(&p.closes) == 1 && !g_atomic_int_get(&p.last_abort),
          "the client's finish closes the producer and is confirmed with OK");
    g_string_free(p.written, TRUE);

    p = (producer){ .written = g_string_new(NULL) };
    u = (upload_peer){ .serial = 12, .with_hole_error = true };
    upload_run(&dense_ops, &u, &p);
    CHECK(g_str_equal(p.written->str, "abc"), "a producer without holes gets the data before");
    CHECK(u.reply.type == RPC_STREAM && u.reply.status == RPC_ERROR &&
          strstr(u.message, "no holes") && g_atomic_int_get(&p.last_abort),
          "a hole it cannot take ends the stream with a STREAM ERROR saying so (%s)",
          u.message);
    g_string_free(p.written, TRUE);
}

int main(void)
{
    test_download();
    test_download_gone();
    test_upload();
    while (g_main_context_iteration(NULL, FALSE))
        ;   /* the links' last releases */
    g_hash_table_unref(srv.clients);
    g_hash_table_unref(srv.over_limit);
    config_free(srv.cfg);
    return check_exit();
}
