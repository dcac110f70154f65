/*
 * remote_stream.c: the client end of streams (src/remote/remote_stream.c)
 * against a scripted server on the other end of a socketpair.
 *
 * Download: the server sends data and STREAM_HOLE packets as fast as the
 * socket takes them while the application does not read; the client
 * stops reading the socket once STREAM_BACKLOG_MAX bytes wait for the
 * application.  Then the application reads with STOP_AT_HOLE and gets
 * every byte, -3 at each hole and the hole's length.  Upload: the
 * application's holes go out as STREAM_HOLE packets.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>

#include "check.h"
#include "rpc_peer.h"
#include "drivers/handles.h"
#include "drivers/stream.h"
#include "remote/remote_conn.h"
#include "remote/remote_priv.h"
#include "rpc/remote_protocol.h"
#include "util/error.h"

#define PROC 209
#define CHUNK (256 * 1024)
#define NCHUNKS 96                  /* 24 MiB: far over STREAM_BACKLOG_MAX */
#define HOLE_LEN (1LL << 30)
#define SOCKBUF (64 * 1024)

/* ---- the scripted server ---- */

/* Write all of pkt (taken), counting what went into the socket in
 * *sent as it goes. */
static bool srv_send(int fd, GByteArray *pkt, gint64 *sent)
{
    g_autoptr(GByteArray) owned G_GNUC_UNUSED = pkt; /* frees pkt; clang counts it unused */
    size_t off = 0;

    while (off < pkt->len) {
        ssize_t n = write(fd, pkt->data + off, pkt->len - off);

        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            g_usleep(1000);
            continue;
        }
        if (n <= 0)
            return false;
        off += (size_t)n;
        if (sent)
            g_atomic_pointer_add(sent, n);
    }
    return true;
}

static GByteArray *srv_packet(uint32_t serial, int type, int status)
{
    rpc_header h = { .prog = RPC_REMOTE_PROGRAM, .vers = RPC_PROTOCOL_VERSION, .proc = PROC,
                     .type = type, .serial = serial, .status = status };

    return rpc_packet_new(&h);
}

static void srv_finish(GByteArray *pkt, uint32_t serial, int type, int status)
{
    rpc_header h = { .prog = RPC_REMOTE_PROGRAM, .vers = RPC_PROTOCOL_VERSION, .proc = PROC,
                     .type = type, .serial = serial, .status = status };

    rpc_packet_finish(pkt, &h);
}

typedef struct server {
    int fd;
    bool upload;
    gint64 sent;                /* atomic: bytes written into the socket */
    long long got_hole;         /* upload: the STREAM_HOLE length received */
    GString *got_data;          /* upload: data received */
    bool finish_seen;           /* the client's OK came */
} server;

static GByteArray *srv_data(uint32_t serial, char fill)
{
    GByteArray *pkt = srv_packet(serial, RPC_STREAM, RPC_CONTINUE);
    guint off = pkt->len;

    g_byte_array_set_size(pkt, off + CHUNK);
    memset(pkt->data + off, fill, CHUNK);
    srv_finish(pkt, serial, RPC_STREAM, RPC_CONTINUE);
    return pkt;
}

static GByteArray *srv_hole(uint32_t serial, long long length)
{
    GByteArray *pkt = srv_packet(serial, RPC_STREAM_HOLE, RPC_CONTINUE);
    remote_stream_hole hole = { length, 0 };

    rpc_packet_encode(pkt, (xdrproc_t)xdr_remote_stream_hole, &hole);
    srv_finish(pkt, serial, RPC_STREAM_HOLE, RPC_CONTINUE);
    return pkt;
}

/* The CALL, its OK reply, then the stream's packets; the end; wait for
 * the client's finish and confirm it. */
static gpointer server_run(gpointer data)
{
    server *s = data;
    rpc_header h;
    GByteArray *pkt = rpc_peer_recv(s->fd, &h);
    uint32_t serial;

    if (!pkt)
        return NULL;
    serial = h.serial;
    g_byte_array_unref(pkt);
    pkt = srv_packet(serial, RPC_REPLY, RPC_OK);
    srv_finish(pkt, serial, RPC_REPLY, RPC_OK);
    srv_send(s->fd, pkt, NULL);
    if (!s->upload) {
        for (int i = 0; i < NCHUNKS; i++) {
            if (!srv_send(s->fd, srv_data(serial, (char)('a' + i % 26)), &s->sent))
                return NULL;
            if (i % 2 == 1 && !srv_send(s->fd, srv_hole(serial, HOLE_LEN), &s->sent))
                return NULL;
        }
        pkt = srv_packet(serial, RPC_STREAM, RPC_CONTINUE);   /* the end of our data */
        srv_finish(pkt, serial, RPC_STREAM, RPC_CONTINUE);
        srv_send(s->fd, pkt, &s->sent);
    }
    while ((pkt = rpc_peer_recv(s->fd, &h))) {
        if (h.type == RPC_STREAM_HOLE) {
            remote_stream_hole hole = { 0, 0 };

            rpc_packet_decode(pkt->data, pkt->len, (xdrproc_t)xdr_remote_stream_hole, &hole);
            s->got_hole += hole.length;
        } else if (h.type == RPC_STREAM && h.status == RPC_CONTINUE) {
            g_string_append_len(s->got_data, (const char *)pkt->data + 28, pkt->len - 28);
        } else if (h.type == RPC_STREAM && h.status == RPC_OK) {
            s->finish_seen = true;
            g_byte_array_unref(pkt);
            pkt = srv_packet(serial, RPC_STREAM, RPC_OK);
            srv_finish(pkt, serial, RPC_STREAM, RPC_OK);
            srv_send(s->fd, pkt, NULL);
            break;
        }
        g_byte_array_unref(pkt);
    }
    return NULL;
}

/* ---- the client ---- */

typedef struct client_end {
    vireo_conn *conn;
    remote_conn *rc;
    server srv;
    GThread *srv_thread;
    vireo_stream *st;
    int sndbuf;
} client_end;

static void client_open(client_end *e, bool upload)
{
    int sv[2];
    int buf = SOCKBUF;
    socklen_t len = sizeof(e->sndbuf);

    g_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
    setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
    getsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &e->sndbuf, &len);
    g_unix_set_fd_nonblocking(sv[1], TRUE, NULL);
    e->conn = conn_handle_new("vireo+unix:///test", false);
    e->rc = g_new0(remote_conn, 1);
    e->rc->client = remote_client_new(sv[0], NULL, NULL);
    e->conn->priv = e->rc;
    e->srv = (server){ .fd = sv[1], .upload = upload, .got_data = g_string_new(NULL) };
    e->srv_thread = g_thread_new("server", server_run, &e->srv);
    e->st = stream_new(e->conn, 0);
}

static void client_close(client_end *e)
{
    g_thread_join(e->srv_thread);
    stream_unref(e->st);
    remote_client_free(e->rc->client);
    g_free(e->rc);
    e->conn->priv = NULL;
    close(e->srv.fd);
    g_string_free(e->srv.got_data, TRUE);
    conn_handle_unref(e->conn);
}

static void test_download(void)
{
    client_end e;
    char *buf = g_malloc(CHUNK);
    size_t data = 0;
    int holes = 0;
    long long hole_bytes = 0;
    bool in_order = true;
    gint64 sent_paused, bound;
    int n;

    client_open(&e, false);
    CHECK(remote_stream_open(e.conn, PROC, RPC_XDR_VOID, NULL, e.st) == 0,
          "a call that opens a stream attaches the remote driver");
    /* the application does not read: the client must stop reading */
    g_usleep(500 * 1000);
    sent_paused = g_atomic_pointer_get(&e.srv.sent);
    /* what may be in flight: the backlog, the packet being read, one
     * packet over the limit, the socket's buffers */
    bound = STREAM_BACKLOG_MAX + 3 * (CHUNK + 28) + 4 * (gint64)e.sndbuf;
    CHECK(sent_paused >= STREAM_BACKLOG_MAX && sent_paused <= bound,
          "an application that does not read stops the client reading near "
          "STREAM_BACKLOG_MAX (%" G_GINT64_FORMAT " bytes taken, bound %" G_GINT64_FORMAT ")",
          sent_paused, bound);
    /* through the public API, as an application reads */
    while ((n = vireo_stream_recv_flags(e.st, buf, CHUNK, VIREO_STREAM_RECV_STOP_AT_HOLE)) != 0) {
        if (n == -3) {
            long long len = 0;

            vireo_stream_recv_hole(e.st, &len, 0);
            in_order &= len == HOLE_LEN && data == (size_t)(holes + 1) * 2 * CHUNK;
            hole_bytes += len;
            holes++;
            continue;
        }
        if (n < 0)
            break;
        in_order &= buf[0] == 'a' + (int)((data / CHUNK) % 26);
        data += (size_t)n;
    }
    CHECK(n == 0 && data == (size_t)NCHUNKS * CHUNK && holes == NCHUNKS / 2 &&
          hole_bytes == (long long)holes * HOLE_LEN,
          "then every byte and every hole arrives (%zu bytes, %d holes, last %d)", data, holes,
          n);
    CHECK(in_order, "STOP_AT_HOLE gives -3 at each hole, in its place among the data");
    CHECK(stream_finish(e.st) == 0 && e.srv.finish_seen,
          "finish sends OK and returns once the server confirms");
    client_close(&e);
    g_free(buf);
}

static void test_upload(void)
{
    client_end e;

    client_open(&e, true);
    CHECK(remote_stream_open(e.conn, PROC, RPC_XDR_VOID, NULL, e.st) == 0, "upload opened");
    CHECK(vireo_stream_send(e.st, "head", 4) == 4 &&
          vireo_stream_send_hole(e.st, 3LL << 32, 0) == 0 &&
          vireo_stream_send(e.st, "tail", 4) == 4, "data and a hole go out");
    CHECK(vireo_stream_send_hole(e.st, -1, 0) == -1 &&
          error_last()->code == VIREO_ERR_INVALID_ARG, "a negative hole is refused");
    CHECK(vireo_stream_send_hole(e.st, 1, 4) == -1 &&
          error_last()->code == VIREO_ERR_INVALID_ARG, "a hole with unknown flags is refused");
    CHECK(vireo_stream_recv_flags(e.st, (char[4]){ 0 }, 4, 2) == -1 &&
          error_last()->code == VIREO_ERR_INVALID_ARG, "recv with unknown flags is refused");
    CHECK(vireo_stream_recv_hole(e.st, NULL, 0) == -1 &&
          error_last()->code == VIREO_ERR_INVALID_ARG, "recv_hole without a length is refused");
    CHECK(stream_finish(e.st) == 0, "finish is confirmed");
    CHECK(e.srv.got_hole == 3LL << 32 && g_str_equal(e.srv.got_data->str, "headtail"),
          "the server gets the data and one STREAM_HOLE of the hole's length");
    client_close(&e);
}

int main(void)
{
    test_download();
    test_upload();
    return check_exit();
}
