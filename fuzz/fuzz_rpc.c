/*
 * fuzz_rpc: vireod's RPC input, from the packet framing to every
 * procedure's argument decoding and handler.
 *
 * Each input is what one client sends on its socket: packets (4-byte
 * length, 24-byte header, XDR body) back to back.  A fresh client of an
 * in-process server (daemon_priv.h: the real client, dispatch, worker
 * pools and keepalive code) first opens test:///default as any client
 * does with CONNECT_OPEN, then each packet of the input goes through
 * dispatch_packet exactly as client.c hands it over, and the harness
 * waits for the call to finish before the next one, so a run is
 * deterministic.  Replies go to the other end of a socketpair and are
 * read and thrown away.  When the input ends the client disconnects and
 * the test driver's default node (shared by its connections) goes with
 * it: every input starts from the same state.
 *
 * Framing: the length word is read with the daemon's own decoder
 * (rpc_packet_length); a bad length ends the input as it ends the
 * client's connection.  A last packet shorter than its length word says
 * is cut to what is there (its length word corrected), so mutations that
 * shorten an input still reach dispatch.
 *
 * CONNECT_OPEN packets in the input are skipped: the harness opened the
 * connection, a second open is refused anyway, and after a CONNECT_CLOSE
 * an open could name qemu:/// (a real hypervisor driver) or a file.
 */
#include "fuzz_common.h"   /* first: it sets _GNU_SOURCE */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/daemon_priv.h"
#include "rpc/remote_protocol.h"

static daemon_server srv;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp;

    (void)argc;
    (void)argv;
    fuzz_quiet();
    tmp = fuzz_tmpdir();
    /* nothing should look there, but if a driver does, not at $HOME */
    g_setenv("HOME", tmp, TRUE);
    g_setenv("XDG_CONFIG_HOME", tmp, TRUE);
    g_setenv("XDG_CACHE_HOME", tmp, TRUE);
    g_setenv("XDG_RUNTIME_DIR", tmp, TRUE);
    signal(SIGPIPE, SIG_IGN);
    /* the harness is the main loop's thread, as vireod's main() is:
     * workers hand their replies and wake-ups to it */
    if (!g_main_context_acquire(NULL))
        abort();
    srv.cfg = config_new();
    srv.cfg->max_workers = 2;
    srv.cfg->min_workers = 2;
    srv.cfg->prio_workers = 1;
    srv.clients = g_hash_table_new(g_direct_hash, g_direct_equal);
    srv.loop = g_main_loop_new(NULL, FALSE);
    if (worker_pools_start(&srv) < 0)
        abort();
    return 0;
}

/* Read and drop what the daemon wrote to the client. */
static void fuzz_drain(int fd)
{
    char buf[65536];

    while (read(fd, buf, sizeof(buf)) > 0)
        ;
}

/* Run the main loop until no call of c is in flight and nothing is
 * pending (replies written, deliveries done). */
static void fuzz_settle(daemon_client *c, int peer)
{
    for (;;) {
        int n;

        fuzz_drain(peer);
        g_mutex_lock(&c->lock);
        n = c->calls_in_flight;
        g_mutex_unlock(&c->lock);
        if (n == 0)
            break;
        g_main_context_iteration(NULL, TRUE);
    }
    do
        fuzz_drain(peer);
    while (g_main_context_iteration(NULL, FALSE));
}

static GByteArray *fuzz_connect_open(void)
{
    rpc_header h = {
        .prog = RPC_REMOTE_PROGRAM, .vers = RPC_PROTOCOL_VERSION,
        .proc = REMOTE_PROC_CONNECT_OPEN, .type = RPC_CALL, .serial = 1, .status = RPC_OK,
    };
    char *uri = (char *)"test:///default";
    remote_connect_open_args args = { .name = &uri, .flags = 0 };
    GByteArray *pkt = rpc_packet_new(&h);

    if (rpc_packet_encode(pkt, (xdrproc_t)xdr_remote_connect_open_args, &args) < 0)
        abort();
    rpc_packet_finish(pkt, &h);
    return pkt;
}

/* The next packet of the input at *pos, or NULL when the input ends. */
static GByteArray *fuzz_next_packet(const uint8_t *data, size_t size, size_t *pos)
{
    uint32_t len;
    GByteArray *pkt;

    if (size - *pos < RPC_LEN_SIZE + RPC_HEADER_SIZE)
        return NULL;
    len = rpc_packet_length(data + *pos);
    if (!len)
        return NULL;
    len = MIN(len, size - *pos);
    pkt = g_byte_array_sized_new(len);
    g_byte_array_append(pkt, data + *pos, len);
    pkt->data[0] = len >> 24;
    pkt->data[1] = len >> 16;
    pkt->data[2] = len >> 8;
    pkt->data[3] = len;
    *pos += len;
    return pkt;
}

static bool fuzz_is_connect_open(const GByteArray *pkt)
{
    rpc_header h;

    return rpc_header_decode(pkt->data, pkt->len, &h) == 0 && h.prog == RPC_REMOTE_PROGRAM &&
           h.proc == REMOTE_PROC_CONNECT_OPEN;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    daemon_client *c;
    GByteArray *pkt;
    size_t pos = 0;
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    c = client_ref(client_new(&srv, sv[0], LISTEN_RW));
    dispatch_packet(c, fuzz_connect_open());
    fuzz_settle(c, sv[1]);
    while (c->fd >= 0 && (pkt = fuzz_next_packet(data, size, &pos))) {
        if (fuzz_is_connect_open(pkt)) {
            g_byte_array_unref(pkt);
            continue;
        }
        keepalive_heard(c);
        dispatch_packet(c, pkt);
        fuzz_settle(c, sv[1]);
    }
    client_disconnect(c, "end of the fuzz input");
    fuzz_settle(c, sv[1]);
    client_unref(c);
    close(sv[1]);
    error_reset();
    return 0;
}
