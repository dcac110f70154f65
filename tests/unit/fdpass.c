/*
 * fdpass.c: descriptors after a REPLY_WITH_FDS, as libvirt passes them
 * (rpc/fdpass.h), from vireod's write path (daemon/client.c
 * client_queue_fds) to the remote client's read path
 * (remote/remote_client.c remote_client_call_fds) over a socketpair.
 *
 * The client's CALL is read by hand from the daemon's end (the daemon's
 * main loop is never run for reading), the reply queued with the
 * descriptors of three pipes; the client must get descriptors of the
 * very same pipes, in order, and the next packet must still frame.  The
 * LXC program's dispatch entry is libvirt's (not read-only, its ACL).
 */
#define _GNU_SOURCE     /* pipe2 */
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib-unix.h>

#include "check.h"
#include "rpc_peer.h"
#include "daemon/daemon_priv.h"
#include "daemon/dispatch.h"
#include "remote/remote_client.h"
#include "rpc/fdpass.h"
#include "rpc/lxc_protocol.h"
#include "util/error.h"

static daemon_server srv;
static daemon_listener listener = { .srv = &srv, .kind = LISTEN_RW, .transport = LISTEN_UNIX };

typedef struct caller {
    remote_client *client;
    int rc;
    rpc_header reply_hdr;
    GByteArray *reply;
    GArray *fds;
    gint done;
} caller;

static gpointer caller_run(gpointer data)
{
    caller *c = data;
    rpc_header hdr = { .prog = RPC_LXC_PROGRAM, .vers = RPC_PROTOCOL_VERSION,
                       .proc = LXC_PROC_DOMAIN_OPEN_NAMESPACE };
    GByteArray *pkt = rpc_packet_new(&hdr);

    c->rc = remote_client_call_fds(c->client, &hdr, pkt, &c->reply_hdr, &c->reply, &c->fds);
    g_byte_array_unref(pkt);
    g_atomic_int_set(&c->done, 1);
    return NULL;
}

/* Run the daemon's loop (its writes) until c is done, at most 20 s. */
static void wait_done(caller *c)
{
    gint64 end = g_get_monotonic_time() + 20 * G_TIME_SPAN_SECOND;

    while (!g_atomic_int_get(&c->done) && g_get_monotonic_time() < end) {
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(1000);
    }
}

static bool same_file(int a, int b)
{
    struct stat sa, sb;

    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* A reply of the LXC call with serial, n descriptors announced and body
 * bytes of padding (0: none). */
static GByteArray *reply_packet(uint32_t serial, int type, u_int n)
{
    rpc_header h = { .prog = RPC_LXC_PROGRAM, .vers = RPC_PROTOCOL_VERSION,
                     .proc = LXC_PROC_DOMAIN_OPEN_NAMESPACE, .type = type,
                     .serial = serial, .status = RPC_OK };
    GByteArray *pkt = rpc_packet_new(&h);

    if (type == RPC_REPLY_WITH_FDS)
        rpc_packet_encode(pkt, (xdrproc_t)xdr_u_int, &n);
    rpc_packet_finish(pkt, &h);
    return pkt;
}

/* One call of c->client (c is reset first), answered from the daemon's
 * end sv: a reply of type announcing n descriptors, with fds (taken
 * over; NULL none) queued after it.  Whether the daemon's end read a
 * CALL of the LXC program's procedure 1. */
static bool call_answered(caller *c, int sv, daemon_client *dc, int type, u_int n, GArray *fds)
{
    remote_client *client = c->client;
    g_autoptr(GByteArray) call = NULL;
    rpc_header call_hdr = { 0 };
    GThread *t;

    memset(c, 0, sizeof(*c));
    c->client = client;
    t = g_thread_new("caller", caller_run, c);
    call = rpc_peer_recv(sv, &call_hdr);
    client_queue_fds(dc, reply_packet(call_hdr.serial, type, n), fds);
    wait_done(c);
    g_thread_join(t);
    return call && call_hdr.prog == RPC_LXC_PROGRAM && call_hdr.proc == 1 &&
           call_hdr.type == RPC_CALL;
}

static void test_pass(void)
{
    int sv[2], pipes[3][2];
    caller c = { 0 };
    daemon_client *dc;
    GArray *fds = g_array_new(FALSE, FALSE, sizeof(int));
    bool all_same = true;

    g_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    g_unix_set_fd_nonblocking(sv[0], TRUE, NULL);
    dc = client_new(&listener, sv[0]);
    c.client = remote_client_new(sv[1], NULL, NULL);
    for (int i = 0; i < 3; i++) {
        g_assert(pipe2(pipes[i], O_CLOEXEC) == 0);
        int dup = fcntl(pipes[i][0], F_DUPFD_CLOEXEC, 0);

        g_array_append_val(fds, dup);
    }

    CHECK(call_answered(&c, sv[0], dc, RPC_REPLY_WITH_FDS, 3, fds),
          "the client's CALL is of the LXC program, procedure 1");
    CHECK(c.rc == 0 && c.reply_hdr.type == RPC_REPLY_WITH_FDS,
          "the reply arrives as REPLY_WITH_FDS");
    CHECK(c.reply && rpc_packet_nfds(c.reply->data, c.reply->len) == 3,
          "its count word (after the 24-byte header) says 3");
    CHECK(c.fds && c.fds->len == 3, "three descriptors arrive after the packet");
    for (guint i = 0; c.fds && i < c.fds->len && i < 3; i++)
        all_same &= same_file(g_array_index(c.fds, int, i), pipes[i][0]);
    CHECK(c.fds && all_same, "each is the daemon's descriptor, in order");
    if (c.fds && c.fds->len)
        CHECK(fcntl(g_array_index(c.fds, int, 0), F_GETFD) & FD_CLOEXEC,
              "received descriptors are close-on-exec");
    for (guint i = 0; c.fds && i < c.fds->len; i++)
        close(g_array_index(c.fds, int, i));
    g_clear_pointer(&c.fds, g_array_unref);
    g_clear_pointer(&c.reply, g_byte_array_unref);

    /* the stream still frames: a plain reply after the descriptors */
    CHECK(call_answered(&c, sv[0], dc, RPC_REPLY, 0, NULL) && c.rc == 0 &&
          c.reply_hdr.type == RPC_REPLY && !c.fds,
          "the next reply (no descriptors) frames after them");
    g_clear_pointer(&c.reply, g_byte_array_unref);

    /* a count over RPC_MAX_FDS: the client drops the connection */
    call_answered(&c, sv[0], dc, RPC_REPLY_WITH_FDS, 40, NULL);
    CHECK(c.rc < 0 && !remote_client_is_alive(c.client),
          "a count over %d kills the connection, the call fails", RPC_MAX_FDS);
    error_reset();

    remote_client_free(c.client);
    client_disconnect(dc, "test over");
    for (int i = 0; i < 3; i++) {
        close(pipes[i][0]);
        close(pipes[i][1]);
    }
    while (g_main_context_iteration(NULL, FALSE))
        ;
}

static void test_plain_byte(void)
{
    int sv[2], fd = -1;

    g_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    g_unix_set_fd_nonblocking(sv[1], TRUE, NULL);
    CHECK(rpc_fd_recv(sv[1], &fd) == 0, "nothing there yet: 0 (poll again)");
    CHECK(write(sv[0], "x", 1) == 1, "a byte without a descriptor is written");
    CHECK(rpc_fd_recv(sv[1], &fd) < 0 && errno == EBADMSG,
          "a byte without a descriptor is EBADMSG");
    CHECK(rpc_fd_socket_ok(sv[0]), "a unix stream socket can carry descriptors");
    close(sv[0]);
    CHECK(rpc_fd_recv(sv[1], &fd) < 0 && errno == ECONNRESET, "end of file is ECONNRESET");
    close(sv[1]);
}

static void test_dispatch_entry(void)
{
    rpc_header h = { .prog = RPC_LXC_PROGRAM, .vers = 1, .proc = LXC_PROC_DOMAIN_OPEN_NAMESPACE };
    const dispatch_proc *p = dispatch_lookup(&h);
    g_autofree char *api = p ? dispatch_api_name(p->name) : NULL;

    CHECK(p && !p->read_only && p->needs_conn, "OPEN_NAMESPACE: not read-only, needs a connection");
    CHECK(p && g_strcmp0(p->acl[0], "domain.open_namespace") == 0 && p->obj_offset == 0,
          "its ACL is domain.open_namespace on the domain argument");
    CHECK(g_strcmp0(api, "virDomainLxcOpenNamespace") == 0, "its API name is libvirt's (%s)", api);
    h.proc = 2;
    CHECK(!dispatch_lookup(&h), "the LXC program has no procedure 2");

    /* over TCP or TLS the call is refused before the driver opens anything */
    daemon_client tcp = { .via = LISTEN_TLS };
    lxc_domain_open_namespace_args args = { 0 };
    const vireo_error *err;

    error_reset();
    CHECK(p && p->fn(&tcp, &h, &args, NULL) < 0, "over TLS the call fails");
    err = error_last();
    CHECK(err && err->code == VIREO_ERR_INTERNAL_ERROR &&
          g_strcmp0(err->message, "internal error: Sending file descriptors is not supported "
                                  "on this socket") == 0,
          "with libvirt's error (%s)", err ? err->message : "none");
    error_reset();
}

int main(void)
{
    srv.cfg = config_new();
    srv.clients = g_hash_table_new(g_direct_hash, g_direct_equal);
    srv.over_limit = g_hash_table_new(g_direct_hash, g_direct_equal);
    test_plain_byte();
    test_dispatch_entry();
    test_pass();
    return check_exit();
}
