/*
 * test-remote: the remote driver's transport (src/remote/remote_client.c)
 * against a scripted server on the other end of a socketpair, and its
 * socket names (remote_socket.c).
 *
 * The server is this test's main thread speaking raw frames, so each
 * case controls exactly what the client sees: replies out of order,
 * PINGs, events, silence, a length outside the limits, a hang-up.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "remote/remote_client.h"
#include "remote/remote_socket.h"
#include "util/error.h"

#define PROC_A 3
#define PROC_B 4

/* ---- the scripted server ---- */

static bool srv_read_all(int fd, uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = read(fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= n;
    }
    return true;
}

/* Read one packet; its header in *hdr and its int body (if any) in *body. */
static bool srv_recv(int fd, rpc_header *hdr, int *body)
{
    uint8_t lenbuf[RPC_LEN_SIZE];
    uint32_t len;
    g_autofree uint8_t *pkt = NULL;

    if (!srv_read_all(fd, lenbuf, sizeof(lenbuf)))
        return false;
    len = rpc_packet_length(lenbuf);
    if (!len)
        return false;
    pkt = g_malloc(len);
    memcpy(pkt, lenbuf, RPC_LEN_SIZE);
    if (!srv_read_all(fd, pkt + RPC_LEN_SIZE, len - RPC_LEN_SIZE))
        return false;
    if (rpc_header_decode(pkt, len, hdr) < 0)
        return false;
    *body = -1;
    if (len >= RPC_LEN_SIZE + RPC_HEADER_SIZE + 4)
        rpc_packet_decode(pkt, len, (xdrproc_t)xdr_int, body);
    return true;
}

static void srv_send(int fd, uint32_t prog, int proc, int type, uint32_t serial, int body)
{
    rpc_header hdr = { .prog = prog, .vers = 1, .proc = proc, .type = type,
                       .serial = serial, .status = RPC_OK };
    g_autoptr(GByteArray) pkt = rpc_packet_new(&hdr);

    if (body >= 0)
        rpc_packet_encode(pkt, (xdrproc_t)xdr_int, &body);
    rpc_packet_finish(pkt, &hdr);
    if (write(fd, pkt->data, pkt->len) != (ssize_t)pkt->len)
        NOTE("server: short write");
}

/* ---- a calling thread ---- */

typedef struct caller {
    remote_client *client;
    int proc;
    int arg;
    int rc;
    int result;                 /* the reply's int body */
    char *error;                /* the thread's error message on failure */
} caller;

static gpointer caller_run(gpointer data)
{
    caller *c = data;
    rpc_header hdr = { .prog = RPC_REMOTE_PROGRAM, .vers = 1, .proc = c->proc };
    g_autoptr(GByteArray) pkt = rpc_packet_new(&hdr);
    g_autoptr(GByteArray) reply = NULL;
    rpc_header reply_hdr;

    rpc_packet_encode(pkt, (xdrproc_t)xdr_int, &c->arg);
    c->rc = remote_client_call(c->client, &hdr, pkt, &reply_hdr, &reply);
    if (c->rc == 0)
        rpc_packet_decode(reply->data, reply->len, (xdrproc_t)xdr_int, &c->result);
    else
        c->error = g_strdup(error_last() ? error_last()->message : "(none)");
    return NULL;
}

static GThread *caller_start(caller *c, remote_client *client, int proc, int arg)
{
    memset(c, 0, sizeof(*c));
    c->client = client;
    c->proc = proc;
    c->arg = arg;
    return g_thread_new("caller", caller_run, c);
}

typedef struct event_seen {
    GMutex lock;
    int count;
    int last_proc;
} event_seen;

static void on_event(void *opaque, const rpc_header *hdr, const uint8_t *pkt, size_t len)
{
    event_seen *seen = opaque;

    (void)pkt;
    (void)len;
    g_mutex_lock(&seen->lock);
    seen->count++;
    seen->last_proc = hdr->proc;
    g_mutex_unlock(&seen->lock);
}

static remote_client *pair_new(int *srv, event_seen *seen)
{
    int fds[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        return NULL;
    *srv = fds[1];
    return remote_client_new(fds[0], seen ? on_event : NULL, seen);
}

/* ---- cases ---- */

static void test_overlapping_calls(void)
{
    event_seen seen = { 0 };
    int srv;
    g_autoptr(remote_client) client = pair_new(&srv, &seen);
    caller a, b;
    GThread *ta = caller_start(&a, client, PROC_A, 10);
    GThread *tb = caller_start(&b, client, PROC_B, 20);
    rpc_header h1, h2, h;
    int b1 = 0, b2 = 0, body;
    bool got;

    got = srv_recv(srv, &h1, &b1) && srv_recv(srv, &h2, &b2);
    CHECK(got && h1.type == RPC_CALL && h2.type == RPC_CALL && h1.serial != h2.serial,
          "two threads' calls arrive with distinct serials");
    /* an event first, then the replies in the reverse order */
    srv_send(srv, RPC_REMOTE_PROGRAM, 318, RPC_MESSAGE, 0, 7);
    srv_send(srv, RPC_REMOTE_PROGRAM, h2.proc, RPC_REPLY, h2.serial, b2 + 1);
    srv_send(srv, RPC_REMOTE_PROGRAM, h1.proc, RPC_REPLY, h1.serial, b1 + 1);
    g_thread_join(ta);
    g_thread_join(tb);
    CHECK(a.rc == 0 && a.result == 11 && b.rc == 0 && b.result == 21,
          "replies out of order reach their callers by serial (%d %d)", a.result, b.result);
    CHECK(seen.count == 1 && seen.last_proc == 318, "an event MESSAGE goes to the event function");

    /* the server's PING is answered with a PONG */
    srv_send(srv, RPC_KEEPALIVE_PROGRAM, RPC_KEEPALIVE_PING, RPC_MESSAGE, 0, -1);
    got = srv_recv(srv, &h, &body);
    CHECK(got && h.prog == RPC_KEEPALIVE_PROGRAM && h.proc == RPC_KEEPALIVE_PONG &&
          h.type == RPC_MESSAGE, "a PING is answered with a PONG");
    CHECK(remote_client_is_alive(client), "the connection is alive");
    close(srv);
}

static void test_keepalive_timeout(void)
{
    int srv;
    g_autoptr(remote_client) client = pair_new(&srv, NULL);
    caller a;
    GThread *ta;
    rpc_header h;
    int body, pings = 0;

    remote_client_keepalive_start(client, 50, 2);
    ta = caller_start(&a, client, PROC_A, 1);
    /* read the call and the PINGs, answer nothing */
    while (srv_recv(srv, &h, &body)) {
        if (h.prog == RPC_KEEPALIVE_PROGRAM && h.proc == RPC_KEEPALIVE_PING)
            pings++;
        if (pings == 2)
            break;
    }
    g_thread_join(ta);
    CHECK(pings == 2, "the client PINGs an idle line (%d)", pings);
    CHECK(a.rc == -1 && g_strcmp0(a.error,
          "internal error: connection closed due to keepalive timeout") == 0,
          "unanswered PINGs fail the waiting call: %s", a.error);
    CHECK(!remote_client_is_alive(client), "then the connection is not alive");
    g_free(a.error);
    close(srv);
}

static void test_hangup(void)
{
    int srv;
    g_autoptr(remote_client) client = pair_new(&srv, NULL);
    caller a;
    GThread *ta = caller_start(&a, client, PROC_A, 1);
    rpc_header h;
    int body;

    srv_recv(srv, &h, &body);
    close(srv);
    g_thread_join(ta);
    CHECK(a.rc == -1 && g_strcmp0(a.error,
          "End of file while reading data: Input/output error") == 0,
          "the server hanging up fails the waiting call: %s", a.error);
    g_free(a.error);
    ta = caller_start(&a, client, PROC_A, 1);
    g_thread_join(ta);
    CHECK(a.rc == -1 && g_strcmp0(a.error, "internal error: client socket is closed") == 0,
          "a later call fails at once: %s", a.error);
    g_free(a.error);
}

static void test_bad_length(void)
{
    int srv;
    g_autoptr(remote_client) client = pair_new(&srv, NULL);
    caller a;
    GThread *ta = caller_start(&a, client, PROC_A, 1);
    rpc_header h;
    int body;
    uint8_t huge[4] = { 0x7f, 0xff, 0xff, 0xff };

    srv_recv(srv, &h, &body);
    if (write(srv, huge, sizeof(huge)) != sizeof(huge))
        NOTE("short write");
    g_thread_join(ta);
    CHECK(a.rc == -1 && a.error && strstr(a.error, "RPC error: packet of 2147483647 bytes"),
          "a length over the limit fails the call: %s", a.error);
    CHECK(!remote_client_is_alive(client), "and kills the connection");
    g_free(a.error);
    close(srv);
}

static void test_fail(void)
{
    int srv;
    g_autoptr(remote_client) client = pair_new(&srv, NULL);
    caller a;
    GThread *ta = caller_start(&a, client, PROC_A, 1);
    rpc_header h;
    int body;

    srv_recv(srv, &h, &body);
    error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "Unable to unmarshal the reply");
    remote_client_fail(client);
    g_thread_join(ta);
    CHECK(a.rc == -1 && g_strcmp0(a.error, "RPC error: Unable to unmarshal the reply") == 0,
          "remote_client_fail fails the waiting call with its reason: %s", a.error);
    g_free(a.error);
    close(srv);
}

static void test_socket_paths(void)
{
    g_autoptr(vireo_uri) given = uri_parse("test+unix:///default?socket=/tmp/x/sock");
    g_autoptr(vireo_uri) system = uri_parse("qemu:///system");
    g_autoptr(vireo_uri) session = uri_parse("qemu:///session");
    g_autofree char *p1 = remote_socket_path(given, false);
    g_autofree char *p2 = remote_socket_path(system, false);
    g_autofree char *p3 = remote_socket_path(system, true);
    g_autofree char *p4 = NULL;
    g_autofree char *want4 = NULL;

    g_setenv("XDG_RUNTIME_DIR", "/tmp/xdg-run", TRUE);
    p4 = remote_socket_path(session, true);
    want4 = g_strdup_printf("%s/libvirt/libvirt-sock", g_get_user_runtime_dir());
    CHECK(g_strcmp0(p1, "/tmp/x/sock") == 0, "?socket= names the socket");
    CHECK(g_strcmp0(p2, "/run/libvirt/libvirt-sock") == 0 ||
          g_strcmp0(p2, "/run/libvirt/virtqemud-sock") == 0, "system: %s", p2);
    CHECK(g_strcmp0(p3, "/run/libvirt/libvirt-sock-ro") == 0 ||
          g_strcmp0(p3, "/run/libvirt/virtqemud-sock-ro") == 0, "system read-only: %s", p3);
    CHECK(g_strcmp0(p4, want4) == 0, "session: %s", p4);
    CHECK(remote_socket_connect("/nonexistent/sock") == -1 && error_last() &&
          g_strcmp0(error_last()->message,
                    "Failed to connect socket to '/nonexistent/sock': No such file or directory") == 0 &&
          error_last()->code == VIREO_ERR_SYSTEM_ERROR && error_last()->domain == VIREO_FROM_RPC,
          "a missing socket: libvirt's error");
}

int main(void)
{
    test_overlapping_calls();
    test_keepalive_timeout();
    test_hangup();
    test_bad_length();
    test_fail();
    test_socket_paths();
    return check_exit();
}
