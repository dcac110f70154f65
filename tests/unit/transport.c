/*
 * transport.c: rpc_transport over a socketpair, plain and with TLS
 * (certificates made here by certtool): large transfers through full
 * socket buffers, reads in small pieces, bytes that wait inside TLS with
 * nothing to poll for, and the peer checks that refuse (host name,
 * expired certificate, DN not allowed).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "check.h"
#include "rpc/transport.h"
#include "util/error.h"

#define BIG (3 * 1024 * 1024 + 17)

static const char *tmp;

static void socketpair_nb(int sv[2])
{
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
        g_error("socketpair: %s", g_strerror(errno));
}

/* Move BIG bytes from a to b, reading piece bytes at a time, the
 * sender blocking (EAGAIN) many times on the way.  true when b read
 * exactly what a sent; *eagains counts the sends the socket cut short. */
static bool transfer(rpc_transport *a, rpc_transport *b, size_t piece, int *eagains)
{
    g_autofree guint8 *src = g_malloc(BIG);
    g_autofree guint8 *dst = g_malloc(BIG);
    size_t sent = 0, got = 0;
    int idle = 0;

    for (size_t i = 0; i < BIG; i++)
        src[i] = (guint8)(i * 7 + i / 251);
    *eagains = 0;
    while (got < BIG && idle < 1000) {
        bool moved = false;

        if (sent < BIG) {
            ssize_t n = rpc_transport_send(a, src + sent, BIG - sent);

            if (n > 0) {
                if ((size_t)n < BIG - sent)
                    (*eagains)++;   /* a short send: the socket was full */
                sent += n;
                moved = true;
            } else if (n < 0 && errno == EAGAIN) {
                (*eagains)++;
            } else {
                return false;
            }
        }
        for (int reads = 0; reads < 64 && got < BIG; reads++) {
            ssize_t n = rpc_transport_recv(b, dst + got, MIN(piece, BIG - got));

            if (n < 0 && errno == EAGAIN)
                break;
            if (n <= 0)
                return false;
            got += n;
            moved = true;
        }
        idle = moved ? 0 : idle + 1;
    }
    return got == BIG && memcmp(src, dst, BIG) == 0;
}

static void test_plain(void)
{
    int sv[2], eagains;
    g_autoptr(rpc_transport) a = NULL;
    g_autoptr(rpc_transport) b = NULL;
    char c;

    socketpair_nb(sv);
    a = rpc_transport_new(sv[0]);
    b = rpc_transport_new(sv[1]);
    CHECK(transfer(a, b, 4096, &eagains), "plain: %d bytes arrive intact in 4 KiB reads", BIG);
    CHECK(eagains > 1, "plain: the socket cut %d sends short, the sender went on", eagains);
    CHECK(rpc_transport_recv(b, &c, 1) < 0 && errno == EAGAIN &&
              rpc_transport_wants(b) == G_IO_IN,
          "plain: an empty socket reads EAGAIN, waiting for input");
    CHECK(!rpc_transport_pending(b), "plain: nothing pending without a layer");
    g_clear_pointer(&a, rpc_transport_free);   /* closes sv[0] */
    CHECK(rpc_transport_recv(b, &c, 1) == 0, "plain: the peer's close reads as end of file");
}

/* ---- certificates ---- */

static bool run(const char *cmd)
{
    g_autofree char *out = NULL, *err = NULL;
    int status = 0;

    if (!g_spawn_command_line_sync(cmd, &out, &err, &status, NULL) || status != 0) {
        NOTE("failed: %s: %s", cmd, err ? err : "");
        return false;
    }
    return true;
}

static char *path(const char *name)
{
    return g_build_filename(tmp, name, NULL);
}

static bool make_cert(const char *name, const char *template_text, bool self)
{
    g_autofree char *info = g_strdup_printf("%s/%s.info", tmp, name);
    g_autofree char *key = g_strdup_printf("%s/%skey.pem", tmp, name);
    g_autofree char *cert = g_strdup_printf("%s/%scert.pem", tmp, name);
    g_autofree char *gen = g_strdup_printf("certtool --generate-privkey --bits 2048 --outfile %s",
                                           key);
    g_autofree char *sign = NULL;

    if (!g_file_set_contents(info, template_text, -1, NULL) || !run(gen))
        return false;
    if (self)
        sign = g_strdup_printf("certtool --generate-self-signed --load-privkey %s "
                               "--template %s --outfile %s", key, info, cert);
    else
        sign = g_strdup_printf("certtool --generate-certificate --load-privkey %s "
                               "--load-ca-certificate %s/cacert.pem --load-ca-privkey "
                               "%s/cakey.pem --template %s --outfile %s",
                               key, tmp, tmp, info, cert);
    return run(sign);
}

/* The CA's revocation list, naming revcert.pem. */
static bool make_crl(void)
{
    g_autofree char *info = path("crl.info");
    g_autofree char *cmd = g_strdup_printf(
        "certtool --generate-crl --load-ca-privkey %s/cakey.pem --load-ca-certificate "
        "%s/cacert.pem --load-certificate %s/revcert.pem --template %s --outfile %s/cacrl.pem",
        tmp, tmp, tmp, info, tmp);

    return g_file_set_contents(info, "crl_next_update = 2\ncrl_number = 1\n", -1, NULL) &&
           run(cmd);
}

static bool make_pki(void)
{
    return make_cert("ca", "cn = unit CA\nca\ncert_signing_key\nexpiration_days = 2\n", true) &&
           make_cert("server", "cn = server\nip_address = 127.0.0.1\ntls_www_server\n"
                     "encryption_key\nsigning_key\nexpiration_days = 2\n", false) &&
           make_cert("client", "country = GB\norganization = unit\ncn = client1\n"
                     "tls_www_client\nencryption_key\nsigning_key\nexpiration_days = 2\n",
                     false) &&
           make_cert("old", "cn = old\ntls_www_client\nencryption_key\nsigning_key\n"
                     "activation_date = \"2019-01-01 00:00:00\"\n"
                     "expiration_date = \"2019-06-01 00:00:00\"\n", false) &&
           make_cert("rev", "cn = revoked\ntls_www_client\nencryption_key\nsigning_key\n"
                     "expiration_days = 2\n", false) &&
           make_crl();
}

static tls_context *context(const char *who, bool server, const char *const *allowed)
{
    g_autofree char *ca = path("cacert.pem");
    g_autofree char *crl = path("cacrl.pem");
    g_autofree char *cert = g_strdup_printf("%s/%scert.pem", tmp, who);
    g_autofree char *key = g_strdup_printf("%s/%skey.pem", tmp, who);
    tls_files files = { .ca_file = ca, .crl_file = crl, .cert_file = cert, .key_file = key };

    return server ? tls_context_new_server(&files, true, allowed)
                  : tls_context_new_client(&files);
}

/* Drive both handshakes until each is done or fails: rc of each. */
static void handshake(tls_session *srv, tls_session *cli, int *rs, int *rc)
{
    *rs = *rc = 0;
    for (int i = 0; i < 1000 && (*rs == 0 || *rc == 0); i++) {
        if (*rc == 0)
            *rc = tls_session_handshake(cli);
        if (*rs == 0)
            *rs = tls_session_handshake(srv);
        if (*rs < 0 || *rc < 0)
            break;
    }
}

/* One connection: server and client sessions, handshaken when ok. */
typedef struct pair {
    int sv[2];
    tls_session *s, *c;
    int rs, rc;
} pair;

static void pair_open(pair *p, tls_context *sctx, tls_context *cctx, const char *host)
{
    socketpair_nb(p->sv);
    p->s = tls_session_new(sctx, p->sv[0], NULL);
    p->c = tls_session_new(cctx, p->sv[1], host);
    handshake(p->s, p->c, &p->rs, &p->rc);
}

static void pair_close(pair *p)
{
    tls_session_free(p->s);
    tls_session_free(p->c);
    close(p->sv[0]);
    close(p->sv[1]);
}

static void test_tls(void)
{
    const char *const allowed[] = { "C=GB,O=unit,CN=client*", NULL };
    const char *const nobody[] = { "CN=somebody", NULL };
    g_autoptr(rpc_transport) a = NULL;
    g_autoptr(rpc_transport) b = NULL;
    tls_context *sctx = context("server", true, allowed);
    tls_context *cctx = context("client", false, NULL);
    tls_context *octx = context("old", false, NULL);
    tls_context *strict = context("server", true, nobody);
    tls_context *rctx = context("rev", false, NULL);
    pair p = { 0 }, q = { 0 };
    char buf[16];
    int eagains;

    if (!CHECK(sctx && cctx && octx && strict && rctx,
               "TLS: contexts load the certificates and the CRL"))
        return;
    pair_open(&p, sctx, cctx, "127.0.0.1");
    CHECK(p.rs == 1 && p.rc == 1, "TLS: the handshake completes on non-blocking sockets");
    CHECK(g_strcmp0(tls_session_peer_dn(p.s), "C=GB,O=unit,CN=client1") == 0,
          "TLS: the server sees the client's DN 'C=GB,O=unit,CN=client1' (got '%s')",
          tls_session_peer_dn(p.s));
    CHECK(tls_session_key_size(p.s) >= 16, "TLS: the cipher's key has %d bytes",
          tls_session_key_size(p.s));
    a = rpc_transport_new(p.sv[0]);
    b = rpc_transport_new(p.sv[1]);
    rpc_transport_set_tls(a, p.s);
    rpc_transport_set_tls(b, p.c);
    CHECK(rpc_transport_tls(a) == p.s, "TLS: the transport has the session");
    CHECK(transfer(a, b, 4096, &eagains), "TLS: %d bytes arrive intact in 4 KiB reads", BIG);
    CHECK(transfer(b, a, 100000, &eagains), "TLS: the other way, in 100 kB reads");
    CHECK(rpc_transport_send(a, "0123456789abcdef", 16) == 16, "TLS: a 16-byte record goes");
    while (rpc_transport_recv(b, buf, 3) < 0 && errno == EAGAIN)
        ;
    CHECK(rpc_transport_pending(b),
          "TLS: after a 3-byte read the rest of the record is pending (no poll would wake)");
    CHECK(rpc_transport_recv(b, buf, sizeof(buf)) == 13 && memcmp(buf, "3456789abcdef", 13) == 0,
          "TLS: the pending bytes read without waiting");
    CHECK(!rpc_transport_pending(b), "TLS: nothing pending once read");
    /* the transports own the sessions and the fds now */
    p.s = p.c = NULL;
    p.sv[0] = p.sv[1] = -1;

    pair_open(&q, sctx, cctx, "server.example");
    CHECK(q.rc < 0 && strstr(tls_session_error(q.c) ? tls_session_error(q.c) : "",
                             "does not match the hostname server.example"),
          "TLS: the client refuses a server certificate of another name: %s",
          tls_session_error(q.c));
    pair_close(&q);
    memset(&q, 0, sizeof(q));
    pair_open(&q, sctx, octx, "127.0.0.1");
    CHECK(q.rs < 0 && strstr(tls_session_error(q.s) ? tls_session_error(q.s) : "", "expired"),
          "TLS: the server refuses an expired client certificate: %s", tls_session_error(q.s));
    pair_close(&q);
    memset(&q, 0, sizeof(q));
    pair_open(&q, sctx, rctx, "127.0.0.1");
    CHECK(q.rs < 0 && strstr(tls_session_error(q.s) ? tls_session_error(q.s) : "", "revoked"),
          "TLS: the server refuses a client certificate in the CRL: %s", tls_session_error(q.s));
    pair_close(&q);
    memset(&q, 0, sizeof(q));
    pair_open(&q, strict, cctx, "127.0.0.1");
    CHECK(q.rs < 0 && strstr(tls_session_error(q.s) ? tls_session_error(q.s) : "",
                             "is not in tls_allowed_dn_list"),
          "TLS: the server refuses a DN outside tls_allowed_dn_list: %s", tls_session_error(q.s));
    pair_close(&q);
    tls_context_free(sctx);
    tls_context_free(cctx);
    tls_context_free(octx);
    tls_context_free(strict);
    tls_context_free(rctx);
    error_reset();
}

static void test_missing_files(void)
{
    tls_files files = { .ca_file = "/nonexistent/cacert.pem", .cert_file = "x", .key_file = "y" };
    const vireo_error *err;

    CHECK(!tls_context_new_client(&files), "a missing CA file fails");
    err = error_last();
    CHECK(err && err->message && strstr(err->message, "Cannot read CA certificate "
                                                      "'/nonexistent/cacert.pem'"),
          "the error names the file: %s", err && err->message ? err->message : "(none)");
    error_reset();
}

int main(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-transport-XXXXXX", NULL);
    g_autofree char *certtool = g_find_program_in_path("certtool");

    tmp = dir;
    test_plain();
    test_missing_files();
    if (!certtool)
        SKIP("TLS over the transport", "certtool (gnutls-bin) is not installed");
    else if (!make_pki())
        CHECK(false, "certtool makes the test certificates");
    else
        test_tls();
    if (dir) {
        g_autofree char *rm = g_strdup_printf("rm -rf %s", dir);

        run(rm);
    }
    return check_exit();
}
