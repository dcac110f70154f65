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
 *
 * Storage and secrets: the test driver has neither, and qemu:/// would
 * probe and launch QEMUs.  So once CONNECT_OPEN has answered, the
 * connection's table becomes a copy of the test driver's with vireod's
 * node storage and secret tables (drivers/storage, drivers/secret) on a
 * node made for this input in FUZZ_NODE_ROOT and removed after it: every
 * storage and secret procedure reaches its real handler, and every input
 * starts from an empty node.  Those tables act on the host (pool targets,
 * volume files, mounts, partitions), so the copy lets through only dir
 * pools whose target lies under FUZZ_NODE_ROOT/pools (other types run
 * mount, parted, LVM or iSCSI tools on whatever the XML names) and drops
 * source discovery (it dials the hosts the XML names) and volume upload
 * and download (see fuzz_tables_init); and the process
 * puts a small private tmpfs over FUZZ_NODE_ROOT (its own mount
 * namespace) so volume sizes, wipes and uploads stay bounded.
 *
 * Networks, network filters and host interfaces: the node's tables too,
 * in a network namespace of the process's own (only lo in it), so host
 * interface listing sees nothing of the host and nothing an input does
 * reaches the host's network.  Starting a network (create, create_xml)
 * is dropped: its bridge, rules and dnsmasq would outlive the input (the
 * node forgets running networks, it does not stop them), so the next
 * input would not start from the same state.  Every other network
 * procedure (define, update of the definition, leases, autostart,
 * events) and every filter procedure reaches its real handler.  Without
 * the network namespace, these tables stay out (NO_SUPPORT).
 */
#include "fuzz_common.h"   /* first: it sets _GNU_SOURCE */
#include <errno.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/storage_pool.h"
#include "daemon/daemon_priv.h"
#include "drivers/interface/interface_driver.h"
#include "drivers/network/network_state.h"
#include "drivers/node.h"
#include "drivers/nwfilter/nwfilter_state.h"
#include "drivers/secret/secret_driver.h"
#include "drivers/storage/storage_driver.h"
#include "drivers/test/test_driver.h"
#include "rpc/remote_protocol.h"
#include "util/error.h"

/* Fixed, so the seeds can name pool targets under it; private to this
 * process when the mount namespace could be made. */
#define FUZZ_NODE_ROOT "/tmp/vireo-fuzz-rpc"
#define FUZZ_POOLS FUZZ_NODE_ROOT "/pools/"

static daemon_server srv;
static daemon_listener listener = { .srv = &srv, .kind = LISTEN_RW, .transport = LISTEN_UNIX };
static driver fuzz_driver;          /* the test driver's table with storage and secrets */
static storage_driver fuzz_storage; /* storage_node_driver, guarded (fuzz_pool_allowed) */
static bool fuzz_node_private;      /* FUZZ_NODE_ROOT is this process's tmpfs */
static network_driver fuzz_network; /* network_node_driver without starts */
static bool fuzz_net_private;       /* this process has a network namespace of its own */

/* A network namespace of the process's own (lo, down). */
static void fuzz_net_unshare(void)
{
    if (unshare(CLONE_NEWNET) < 0) {
        fprintf(stderr, "fuzz_rpc: no private network namespace (%s): network, filter and "
                "host interface procedures are not supported\n", g_strerror(errno));
        return;
    }
    fuzz_net_private = true;
}

/* A small tmpfs over FUZZ_NODE_ROOT, seen by this process only. */
static void fuzz_node_mount(void)
{
    if (g_mkdir_with_parents(FUZZ_NODE_ROOT, 0700) < 0 || unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("tmpfs", FUZZ_NODE_ROOT, "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=0700") < 0) {
        fprintf(stderr, "fuzz_rpc: no private tmpfs on %s (%s): storage procedures refuse "
                "every pool\n", FUZZ_NODE_ROOT, g_strerror(errno));
        return;
    }
    fuzz_node_private = true;
}

/* Only dir pools under FUZZ_POOLS, and only on the private tmpfs.  XML
 * that does not parse goes through, to be refused by the real parser. */
static bool fuzz_pool_allowed(const char *xml)
{
    g_autoptr(storage_pool_def) def = storage_pool_parse(xml, 0);
    const char *t;

    if (!def) {
        error_reset();
        return true;
    }
    t = def->target_path;
    if (fuzz_node_private && def->type == STORAGE_POOL_DIR && t &&
        g_str_has_prefix(t, FUZZ_POOLS) && !strstr(t, "/..") && !strstr(t, "/./"))
        return true;
    error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_DENIED,
                 "fuzz_rpc: only dir pools under %s are made", FUZZ_POOLS);
    return false;
}

static vireo_storage_pool *fuzz_pool_define_xml(vireo_conn *conn, const char *xml,
                                                unsigned int flags)
{
    return fuzz_pool_allowed(xml) ? storage_node_driver.pool_define_xml(conn, xml, flags) : NULL;
}

static vireo_storage_pool *fuzz_pool_create_xml(vireo_conn *conn, const char *xml,
                                                unsigned int flags)
{
    return fuzz_pool_allowed(xml) ? storage_node_driver.pool_create_xml(conn, xml, flags) : NULL;
}

static void fuzz_tables_init(void)
{
    fuzz_storage = storage_node_driver;
    fuzz_storage.pool_define_xml = fuzz_pool_define_xml;
    fuzz_storage.pool_create_xml = fuzz_pool_create_xml;
    fuzz_storage.find_pool_sources = NULL;
    /* a transfer's thread outlives the input, and its clean-up runs on
     * the main loop the harness stops turning when the input ends (a
     * leak report that is the harness's, not vireod's); streams are
     * tested by test-stream-link, test-volumes and test-stream-flow */
    fuzz_storage.vol_upload = NULL;
    fuzz_storage.vol_download = NULL;
    fuzz_driver = test_driver;
    fuzz_driver.storage = &fuzz_storage;
    fuzz_driver.secret = &secret_node_driver;
    if (!fuzz_net_private)
        return;
    fuzz_network = network_node_driver;
    fuzz_network.create = NULL;
    fuzz_network.create_xml = NULL;
    fuzz_driver.network = &fuzz_network;
    fuzz_driver.nwfilter = &nwfilter_node_driver;
    fuzz_driver.iface = &host_interface_driver;
}

static int fuzz_remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* The node of one input: empty, in FUZZ_NODE_ROOT/node. */
static node_state *fuzz_node_new(void)
{
    node_state *node = node_acquire(FUZZ_NODE_ROOT "/node/etc", FUZZ_NODE_ROOT "/node/run");

    if (!node)
        abort();
    return node;
}

/* Everything the input left under FUZZ_NODE_ROOT, once its node is gone. */
static void fuzz_node_clear(void)
{
    g_autoptr(GDir) d = g_dir_open(FUZZ_NODE_ROOT, 0, NULL);
    const char *n;

    if (!fuzz_node_private)
        return;     /* not ours: never remove in a shared folder */
    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(FUZZ_NODE_ROOT, n, NULL);

        nftw(p, fuzz_remove_one, 16, FTW_DEPTH | FTW_PHYS);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp;

    (void)argc;
    (void)argv;
    /* first: threads made later (worker pools) share the namespaces */
    fuzz_node_mount();
    fuzz_net_unshare();
    fuzz_quiet();
    fuzz_tables_init();
    /* tools (qemu-img) end well before libFuzzer's -timeout=10 */
    g_setenv("VIREO_STORAGE_TIMEOUT_MS", "3000", TRUE);
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
    node_state *node = fuzz_node_new();

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    c = client_ref(client_new(&listener, sv[0]));
    dispatch_packet(c, fuzz_connect_open());
    fuzz_settle(c, sv[1]);
    /* no call of c runs now: give its connection storage and secrets */
    g_mutex_lock(&c->lock);
    if (!c->conn || c->conn->driver != &test_driver)
        abort();
    c->conn->driver = &fuzz_driver;
    c->conn->node = node_ref(node);
    g_mutex_unlock(&c->lock);
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
    node_release(node);     /* the last reference unless a handle leaked */
    fuzz_node_clear();
    error_reset();
    return 0;
}
