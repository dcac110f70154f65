/*
 * tls.h: TLS with x509 certificates (GnuTLS), for both ends.
 *
 * A tls_context holds the credentials of one side, loaded once from
 * libvirt's file layout (FACTS: CA at ca_file, own certificate and key,
 * optional CRL); a tls_session is one connection's TLS state on a
 * non-blocking fd.  Errors are libvirt's: VIREO_FROM_RPC with
 * VIREO_ERR_SYSTEM_ERROR for unreadable files, VIREO_ERR_AUTH_FAILED
 * for a peer certificate refused, the message naming the file or the
 * reason ("certificate has expired", "not signed by the CA",
 * "DN 'CN=x' is not in tls_allowed_dn_list").
 */
#ifndef VIREO_RPC_TLS_H
#define VIREO_RPC_TLS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct tls_context tls_context;
typedef struct tls_session tls_session;

/* Where the files are.  NULL fields take libvirt's defaults from root
 * ("/" for the system: /etc/pki/CA/cacert.pem, /etc/pki/CA/cacrl.pem,
 * /etc/pki/libvirt/{server,client}cert.pem,
 * /etc/pki/libvirt/private/{server,client}key.pem; for a client,
 * pkipath= of the URI names a folder holding cacert.pem, clientcert.pem,
 * clientkey.pem instead). */
typedef struct tls_files {
    const char *ca_file, *crl_file, *cert_file, *key_file;
} tls_files;

/* Server side: verify_peer requires and checks a client certificate
 * (tls_no_verify_certificate = 0); allowed_dn (NULL-terminated glob
 * patterns as libvirt's tls_allowed_dn_list, NULL: any) limits its DN.
 * Client side: the server certificate is always checked against the CA
 * and the host name dialled.  NULL with the error set. */
tls_context *tls_context_new_server(const tls_files *files, bool verify_peer,
                                    const char *const *allowed_dn);
tls_context *tls_context_new_client(const tls_files *files);
/* Drops the owner's reference: each session holds its own (H1), so a
 * client may free the context once its session exists. */
void tls_context_free(tls_context *ctx);
/* Added (H1): whether the peer's certificate is checked (the client's
 * no_verify=1 turns it off; the server's is set at creation). */
void tls_context_set_verify_peer(tls_context *ctx, bool verify_peer);
/* Added (H1): the GnuTLS priority string (tls_priority, NULL: "NORMAL").
 * 0, or -1 with the error set when GnuTLS does not take it. */
int tls_context_set_priority(tls_context *ctx, const char *priority);

/* A session on fd (not owned).  hostname: the name the client dialled
 * (checked against the server certificate), NULL on the server. */
tls_session *tls_session_new(tls_context *ctx, int fd, const char *hostname);
void tls_session_free(tls_session *sess);

/* Drive the handshake on a non-blocking fd, then check the peer (its
 * certificate, expiry, CA, allowed DN).  1 done, 0 call again when the
 * fd is ready (for writing when tls_session_wants_write), -1 with the error set (the
 * caller closes). */
int tls_session_handshake(tls_session *sess);
bool tls_session_wants_write(const tls_session *sess);

/* After the handshake: the peer certificate's DN ("C=GB,O=...,CN=..."),
 * NULL when the peer sent none (borrowed); the cipher's key size in bytes
 * (SASL's external SSF). */
const char *tls_session_peer_dn(const tls_session *sess);
int tls_session_key_size(const tls_session *sess);

/* Record I/O, used by transport.c only: as recv/send (-1 with errno,
 * EAGAIN or EPROTO with tls_session_error set). */
ssize_t tls_session_recv(tls_session *sess, void *buf, size_t len);
ssize_t tls_session_send(tls_session *sess, const void *buf, size_t len);
size_t tls_session_pending(const tls_session *sess);
const char *tls_session_error(const tls_session *sess);

#endif
