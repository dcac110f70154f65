/*
 * tls.c: x509 TLS with GnuTLS, for vireod's TLS listener and the remote
 * client (see tls.h).
 *
 * The handshake itself only proves the peer holds the key of the
 * certificate it sent; what makes the peer acceptable is checked after
 * it (tls_session_check): signed by our CA, inside its validity period,
 * not revoked, and then its DN against tls_allowed_dn_list (server) or
 * its names against the host dialled (client).  Every refusal carries a
 * reason a person can act on.
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "rpc/tls.h"
#include "util/error.h"

/* libvirt's VIR_ERR_AUTH_FAILED */
#define TLS_ERR_AUTH_FAILED 45

struct tls_context {
    gint refs;              /* atomic: its owner's and one per session */
    gnutls_certificate_credentials_t cred;
    bool server;
    bool verify_peer;       /* server: demand and check client certificates;
                             * client: check the server's (no_verify=0) */
    char **allowed_dn;      /* owned; NULL: any DN */
    char *priority;         /* owned; GnuTLS priority string */
};

struct tls_session {
    tls_context *ctx;       /* one reference */
    gnutls_session_t s;
    char *hostname;         /* owned; client: the name dialled */
    char *peer_dn;          /* owned; once checked */
    char *error;            /* owned; the last failure in words */
    bool done;              /* handshake and check passed */
};

/* The file must be readable: GnuTLS' own error would not name it. */
static int tls_check_file(const char *what, const char *path)
{
    if (access(path, R_OK) < 0) {
        error_report_system(VIREO_FROM_RPC, errno, "Cannot read %s '%s'", what, path);
        return -1;
    }
    return 0;
}

static int tls_gnutls_failed(int rc, const char *what, const char *path)
{
    error_report(VIREO_FROM_RPC, VIREO_ERR_SYSTEM_ERROR, "Unable to load %s '%s': %s", what,
                 path, gnutls_strerror(rc));
    return -1;
}

/* Load the CA, the optional CRL, and our certificate and key. */
static int tls_context_load(tls_context *ctx, const tls_files *files)
{
    const char *side = ctx->server ? "server" : "client";
    g_autofree char *cert_what = g_strdup_printf("%s certificate", side);
    g_autofree char *key_what = g_strdup_printf("%s private key", side);
    int rc;

    if (tls_check_file("CA certificate", files->ca_file) < 0)
        return -1;
    rc = gnutls_certificate_set_x509_trust_file(ctx->cred, files->ca_file, GNUTLS_X509_FMT_PEM);
    if (rc < 0)
        return tls_gnutls_failed(rc, "CA certificate", files->ca_file);
    if (rc == 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_SYSTEM_ERROR,
                     "Unable to load CA certificate '%s': no certificate in it", files->ca_file);
        return -1;
    }
    /* the CRL is optional: only one that is there is read */
    if (files->crl_file && access(files->crl_file, F_OK) == 0) {
        rc = gnutls_certificate_set_x509_crl_file(ctx->cred, files->crl_file,
                                                  GNUTLS_X509_FMT_PEM);
        if (rc < 0)
            return tls_gnutls_failed(rc, "certificate revocation list", files->crl_file);
    }
    if (tls_check_file(cert_what, files->cert_file) < 0 ||
        tls_check_file(key_what, files->key_file) < 0)
        return -1;
    rc = gnutls_certificate_set_x509_key_file(ctx->cred, files->cert_file, files->key_file,
                                              GNUTLS_X509_FMT_PEM);
    if (rc < 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_SYSTEM_ERROR,
                     "Unable to load %s '%s' with key '%s': %s", cert_what, files->cert_file,
                     files->key_file, gnutls_strerror(rc));
        return -1;
    }
    return 0;
}

static tls_context *tls_context_new(const tls_files *files, bool server)
{
    tls_context *ctx = g_new0(tls_context, 1);
    int rc;

    ctx->refs = 1;
    ctx->server = server;
    ctx->verify_peer = true;
    ctx->priority = g_strdup("NORMAL");
    rc = gnutls_certificate_allocate_credentials(&ctx->cred);
    if (rc < 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_SYSTEM_ERROR,
                     "Unable to allocate x509 credentials: %s", gnutls_strerror(rc));
        g_free(ctx->priority);
        g_free(ctx);
        return NULL;
    }
    if (tls_context_load(ctx, files) < 0) {
        tls_context_free(ctx);
        return NULL;
    }
    return ctx;
}

tls_context *tls_context_new_server(const tls_files *files, bool verify_peer,
                                    const char *const *allowed_dn)
{
    tls_context *ctx = tls_context_new(files, true);

    if (!ctx)
        return NULL;
    ctx->verify_peer = verify_peer;
    if (allowed_dn)
        ctx->allowed_dn = g_strdupv((char **)allowed_dn);
    return ctx;
}

tls_context *tls_context_new_client(const tls_files *files)
{
    return tls_context_new(files, false);
}

void tls_context_set_verify_peer(tls_context *ctx, bool verify_peer)
{
    ctx->verify_peer = verify_peer;
}

int tls_context_set_priority(tls_context *ctx, const char *priority)
{
    const char *where = NULL;
    gnutls_priority_t prio;
    int rc;

    if (!priority)
        return 0;
    rc = gnutls_priority_init(&prio, priority, &where);
    if (rc < 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "Unable to set TLS session priority '%s' (at '%s'): %s", priority,
                     where ? where : "", gnutls_strerror(rc));
        return -1;
    }
    gnutls_priority_deinit(prio);
    g_free(ctx->priority);
    ctx->priority = g_strdup(priority);
    return 0;
}

void tls_context_free(tls_context *ctx)
{
    if (!ctx || !g_atomic_int_dec_and_test(&ctx->refs))
        return;
    gnutls_certificate_free_credentials(ctx->cred);
    g_strfreev(ctx->allowed_dn);
    g_free(ctx->priority);
    g_free(ctx);
}

tls_session *tls_session_new(tls_context *ctx, int fd, const char *hostname)
{
    tls_session *sess = g_new0(tls_session, 1);
    int rc;

    sess->ctx = ctx;
    g_atomic_int_inc(&ctx->refs);
    sess->hostname = g_strdup(hostname);
    rc = gnutls_init(&sess->s, (ctx->server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NONBLOCK);
    if (rc < 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_SYSTEM_ERROR,
                     "Failed to initialize TLS session: %s", gnutls_strerror(rc));
        tls_context_free(ctx);
        g_free(sess->hostname);
        g_free(sess);
        return NULL;
    }
    rc = gnutls_priority_set_direct(sess->s, ctx->priority, NULL);
    if (rc >= 0)
        rc = gnutls_credentials_set(sess->s, GNUTLS_CRD_CERTIFICATE, ctx->cred);
    /* SNI only for names: an IP address is no server name (RFC 6066) */
    if (rc >= 0 && !ctx->server && hostname && !g_hostname_is_ip_address(hostname))
        rc = gnutls_server_name_set(sess->s, GNUTLS_NAME_DNS, hostname, strlen(hostname));
    if (rc < 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_SYSTEM_ERROR, "Failed to set up TLS session: %s",
                     gnutls_strerror(rc));
        tls_session_free(sess);
        return NULL;
    }
    if (ctx->server && ctx->verify_peer)
        gnutls_certificate_server_set_request(sess->s, GNUTLS_CERT_REQUEST);
    gnutls_transport_set_int(sess->s, fd);
    return sess;
}

void tls_session_free(tls_session *sess)
{
    if (!sess)
        return;
    gnutls_deinit(sess->s);
    tls_context_free(sess->ctx);
    g_free(sess->hostname);
    g_free(sess->peer_dn);
    g_free(sess->error);
    g_free(sess);
}

/* Record the failure: the thread's error (code) and the session's words. */
static int tls_session_refuse(tls_session *sess, int code, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static int tls_session_refuse(tls_session *sess, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_free(sess->error);
    sess->error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_report(VIREO_FROM_RPC, code, "%s", sess->error);
    return -1;
}

/* What verify_peers2's status says is wrong, in words; NULL: nothing. */
static const char *tls_status_reason(unsigned int status)
{
    if (status & GNUTLS_CERT_EXPIRED)
        return "the certificate has expired";
    if (status & GNUTLS_CERT_NOT_ACTIVATED)
        return "the certificate is not yet active";
    if (status & GNUTLS_CERT_REVOKED)
        return "the certificate has been revoked";
    if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
        return "the certificate is not signed by the CA (it hasn't got a known issuer)";
    if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
        return "the certificate is not signed by the CA (its signature does not verify)";
    if (status & GNUTLS_CERT_SIGNER_NOT_CA)
        return "the certificate's signer is not a CA";
    if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
        return "the certificate uses an insecure algorithm";
    if (status & GNUTLS_CERT_INVALID)
        return "the certificate is not trusted";
    return NULL;
}

/* The peer's first certificate, imported; NULL when it sent none. */
static gnutls_x509_crt_t tls_peer_cert(tls_session *sess)
{
    const gnutls_datum_t *certs;
    unsigned int n = 0;
    gnutls_x509_crt_t cert;

    certs = gnutls_certificate_get_peers(sess->s, &n);
    if (!certs || n == 0 || gnutls_x509_crt_init(&cert) < 0)
        return NULL;
    if (gnutls_x509_crt_import(cert, &certs[0], GNUTLS_X509_FMT_DER) < 0) {
        gnutls_x509_crt_deinit(cert);
        return NULL;
    }
    return cert;
}

static bool tls_dn_allowed(const tls_context *ctx, const char *dn)
{
    if (!ctx->allowed_dn)
        return true;
    for (char **p = ctx->allowed_dn; *p; p++)
        if (fnmatch(*p, dn, 0) == 0)
            return true;
    return false;
}

/* After the handshake: is the peer one we accept? */
static int tls_session_check(tls_session *sess, gnutls_x509_crt_t cert)
{
    const tls_context *ctx = sess->ctx;
    const char *who = ctx->server ? "client" : "server";
    gnutls_datum_t dn = { 0 };
    unsigned int status = 0;
    const char *reason;
    time_t now = time(NULL);
    int rc;

    if (gnutls_x509_crt_get_dn2(cert, &dn) == 0) {
        sess->peer_dn = g_strndup((const char *)dn.data, dn.size);
        gnutls_free(dn.data);
    } else {
        sess->peer_dn = g_strdup("");
    }
    rc = gnutls_certificate_verify_peers2(sess->s, &status);
    if (rc < 0)
        return tls_session_refuse(sess, TLS_ERR_AUTH_FAILED, "Unable to verify TLS peer: %s",
                                  gnutls_strerror(rc));
    reason = tls_status_reason(status);
    /* verify_peers2 checks the times too; say so even where it did not */
    if (!reason && gnutls_x509_crt_get_expiration_time(cert) < now)
        reason = "the certificate has expired";
    if (!reason && gnutls_x509_crt_get_activation_time(cert) > now)
        reason = "the certificate is not yet active";
    if (reason)
        return tls_session_refuse(sess, TLS_ERR_AUTH_FAILED,
                                  "The %s certificate '%s' failed validation: %s", who,
                                  sess->peer_dn, reason);
    if (ctx->server && !tls_dn_allowed(ctx, sess->peer_dn))
        return tls_session_refuse(sess, TLS_ERR_AUTH_FAILED,
                                  "Client's Distinguished Name '%s' is not in "
                                  "tls_allowed_dn_list", sess->peer_dn);
    if (!ctx->server && sess->hostname &&
        !gnutls_x509_crt_check_hostname(cert, sess->hostname))
        return tls_session_refuse(sess, TLS_ERR_AUTH_FAILED,
                                  "Certificate '%s' owner does not match the hostname %s",
                                  sess->peer_dn, sess->hostname);
    return 0;
}

static int tls_session_check_peer(tls_session *sess)
{
    gnutls_x509_crt_t cert;
    int rc;

    if (!sess->ctx->verify_peer) {
        /* still tell who it claims to be, for the logs */
        cert = tls_peer_cert(sess);
        if (cert) {
            gnutls_datum_t dn = { 0 };

            if (gnutls_x509_crt_get_dn2(cert, &dn) == 0) {
                sess->peer_dn = g_strndup((const char *)dn.data, dn.size);
                gnutls_free(dn.data);
            }
            gnutls_x509_crt_deinit(cert);
        }
        return 0;
    }
    cert = tls_peer_cert(sess);
    if (!cert)
        return tls_session_refuse(sess, TLS_ERR_AUTH_FAILED,
                                  "No certificate was presented by the %s",
                                  sess->ctx->server ? "client" : "server");
    rc = tls_session_check(sess, cert);
    gnutls_x509_crt_deinit(cert);
    return rc;
}

int tls_session_handshake(tls_session *sess)
{
    int rc;

    if (sess->done)
        return 1;
    rc = gnutls_handshake(sess->s);
    if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
        return 0;
    if (rc < 0)
        return tls_session_refuse(sess, VIREO_ERR_SYSTEM_ERROR, "TLS handshake failed: %s",
                                  gnutls_strerror(rc));
    if (tls_session_check_peer(sess) < 0)
        return -1;
    sess->done = true;
    return 1;
}

bool tls_session_wants_write(const tls_session *sess)
{
    return gnutls_record_get_direction(sess->s) == 1;
}

const char *tls_session_peer_dn(const tls_session *sess)
{
    return sess->peer_dn;
}

int tls_session_key_size(const tls_session *sess)
{
    return (int)gnutls_cipher_get_key_size(gnutls_cipher_get(sess->s));
}

/* A GnuTLS record error as errno (the words kept in the session). */
static ssize_t tls_session_io_error(tls_session *sess, ssize_t rc, const char *what)
{
    if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
        errno = EAGAIN;
        return -1;
    }
    g_free(sess->error);
    sess->error = g_strdup_printf("TLS %s failed: %s", what, gnutls_strerror((int)rc));
    errno = EPROTO;
    return -1;
}

ssize_t tls_session_recv(tls_session *sess, void *buf, size_t len)
{
    ssize_t rc = gnutls_record_recv(sess->s, buf, len);

    if (rc >= 0)
        return rc;
    /* the peer closed without close_notify: that is an end of file */
    if (rc == GNUTLS_E_PREMATURE_TERMINATION)
        return 0;
    return tls_session_io_error(sess, rc, "read");
}

ssize_t tls_session_send(tls_session *sess, const void *buf, size_t len)
{
    ssize_t rc = gnutls_record_send(sess->s, buf, len);

    if (rc >= 0)
        return rc;
    return tls_session_io_error(sess, rc, "write");
}

size_t tls_session_pending(const tls_session *sess)
{
    return gnutls_record_check_pending(sess->s);
}

const char *tls_session_error(const tls_session *sess)
{
    return sess->error;
}
