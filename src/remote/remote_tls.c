/*
 * remote_tls.c: qemu+tls:// on the client side: libvirt's client files,
 * the handshake (blocking: the connection is being opened, nothing else
 * waits on it), and the server's confirmation byte, which says our
 * certificate passed its checks (libvirt's protocol: the server checks
 * after the handshake, then writes '\1' or closes).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "remote/remote_tls.h"
#include "util/error.h"

/* Seconds the handshake and the confirmation may take. */
#define REMOTE_TLS_TIMEOUT_S 30

/* libvirt's folders: pkipath=DIR; root: /etc/pki; others ~/.pki/libvirt */
static void remote_tls_paths(const vireo_uri *uri, char **ca, char **cert, char **key)
{
    const char *pki = uri->params ? g_hash_table_lookup(uri->params, "pkipath") : NULL;

    if (pki && *pki) {
        *ca = g_build_filename(pki, "cacert.pem", NULL);
        *cert = g_build_filename(pki, "clientcert.pem", NULL);
        *key = g_build_filename(pki, "clientkey.pem", NULL);
    } else if (geteuid() == 0) {
        *ca = g_strdup("/etc/pki/CA/cacert.pem");
        *cert = g_strdup("/etc/pki/libvirt/clientcert.pem");
        *key = g_strdup("/etc/pki/libvirt/private/clientkey.pem");
    } else {
        g_autofree char *dir = g_build_filename(g_get_home_dir(), ".pki", "libvirt", NULL);

        *ca = g_build_filename(dir, "cacert.pem", NULL);
        *cert = g_build_filename(dir, "clientcert.pem", NULL);
        *key = g_build_filename(dir, "clientkey.pem", NULL);
    }
}

/* Wait until fd is ready in the direction given; -1 with the error set. */
static int remote_tls_wait(int fd, bool write)
{
    struct pollfd pfd = { .fd = fd, .events = write ? POLLOUT : POLLIN };
    int rc;

    while ((rc = poll(&pfd, 1, REMOTE_TLS_TIMEOUT_S * 1000)) < 0 && errno == EINTR)
        ;
    if (rc > 0)
        return 0;
    error_report_system(VIREO_FROM_RPC, rc == 0 ? ETIMEDOUT : errno,
                        "TLS handshake with the server failed");
    return -1;
}

static int remote_tls_handshake(tls_session *sess, int fd)
{
    int rc;

    while ((rc = tls_session_handshake(sess)) == 0)
        if (remote_tls_wait(fd, tls_session_wants_write(sess)) < 0)
            return -1;
    return rc < 0 ? -1 : 0;
}

/* The server's '\1' once it accepted our certificate; end of file when
 * it refused (its log says why). */
static int remote_tls_confirmation(tls_session *sess, int fd)
{
    unsigned char byte = 0;
    ssize_t n;

    for (;;) {
        n = tls_session_recv(sess, &byte, 1);
        if (n >= 0 || errno != EAGAIN)
            break;
        if (remote_tls_wait(fd, tls_session_wants_write(sess)) < 0)
            return -1;
    }
    if (n <= 0) {
        error_report_system(VIREO_FROM_RPC, EIO, "Unable to read TLS confirmation");
        return -1;
    }
    if (byte != 1) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                     "server verification (of our certificate or IP address) failed");
        return -1;
    }
    return 0;
}

rpc_transport *remote_tls_open(const vireo_uri *uri, int fd)
{
    g_autofree char *ca = NULL, *cert = NULL, *key = NULL;
    const char *no_verify = uri->params ? g_hash_table_lookup(uri->params, "no_verify") : NULL;
    const char *priority = uri->params ? g_hash_table_lookup(uri->params, "tls_priority") : NULL;
    g_autoptr(rpc_transport) t = rpc_transport_new(fd);
    tls_context *ctx;
    tls_session *sess;
    tls_files files;

    remote_tls_paths(uri, &ca, &cert, &key);
    files = (tls_files){ .ca_file = ca, .cert_file = cert, .key_file = key };
    ctx = tls_context_new_client(&files);
    if (!ctx)
        return NULL;
    if (no_verify && g_str_equal(no_verify, "1"))
        tls_context_set_verify_peer(ctx, false);
    if (tls_context_set_priority(ctx, priority) < 0) {
        tls_context_free(ctx);
        return NULL;
    }
    sess = tls_session_new(ctx, fd, uri->host);
    tls_context_free(ctx);  /* the session holds it */
    if (!sess)
        return NULL;
    if (remote_tls_handshake(sess, fd) < 0 || remote_tls_confirmation(sess, fd) < 0) {
        tls_session_free(sess);
        return NULL;
    }
    rpc_transport_set_tls(t, sess);
    return g_steal_pointer(&t);
}
