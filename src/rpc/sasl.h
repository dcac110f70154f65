/*
 * sasl.h: SASL authentication (Cyrus SASL), for both ends.
 *
 * The server runs under the service name "libvirt" (as libvirtd: its
 * config is sasl2/libvirt.conf, naming mech_list and sasldb_path); vireod
 * points Cyrus at ROOT/etc/sasl2 (sasl_server_setup), so an instance
 * under --root keeps its own user database (ROOT/etc/libvirt/passwd.db,
 * made with saslpasswd2 -f).  Mechanisms: SCRAM-SHA-256 where the
 * channel is already secure (unix socket, TLS); on plain TCP the client
 * demands SSF >= 56 (libvirt's rule), which only a mechanism with a
 * security layer meets (DIGEST-MD5 here; GSSAPI with Kerberos): the
 * layer then wraps every later byte (transport.h).
 *
 * Errors: VIREO_FROM_AUTH with VIREO_ERR_AUTH_FAILED, the message saying
 * what failed (Cyrus' own detail too).
 */
#ifndef VIREO_RPC_SASL_H
#define VIREO_RPC_SASL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct sasl_session sasl_session;

/* Once per process, before any server session: Cyrus reads its config
 * (libvirt.conf) from conf_dir.  0, or -1 with the error set. */
int sasl_server_setup(const char *conf_dir);
/* Once per process, before any client session. */
int sasl_client_setup(void);

/* A server session for one client.  local/remote: "IP;PORT" addresses
 * or NULL (unix socket); ext_ssf: the TLS key size in bits, 0 without
 * TLS; secure: the channel needs no security layer (unix, TLS).  NULL
 * with the error set. */
sasl_session *sasl_session_new_server(const char *local, const char *remote, int ext_ssf,
                                      bool secure);
/* A client session; host: the server's name. */
sasl_session *sasl_session_new_client(const char *host, const char *local, const char *remote,
                                      int ext_ssf, bool secure);
void sasl_session_free(sasl_session *s);

/* The server's mechanisms, comma-separated (AUTH_SASL_INIT's reply).
 * Caller frees. */
char *sasl_session_list_mechs(sasl_session *s);

/* One step of the exchange.  Server: start (mech, client's first data)
 * then step; client: start (mech_list from the server; *mech chosen)
 * then step.  out: data for the peer (borrowed until the next call),
 * may be NULL.  Returns 1 when complete, 0 when another step follows,
 * -1 with the error set (wrong password: AUTH_FAILED). */
int sasl_session_server_start(sasl_session *s, const char *mech, const char *in, size_t inlen,
                              const char **out, size_t *outlen);
int sasl_session_server_step(sasl_session *s, const char *in, size_t inlen, const char **out,
                             size_t *outlen);
/* Client: credentials come from the callbacks (user, password) the
 * caller sets first. */
void sasl_session_set_credentials(sasl_session *s, const char *user, const char *password);
int sasl_session_client_start(sasl_session *s, const char *mech_list, const char **mech,
                              const char **out, size_t *outlen);
int sasl_session_client_step(sasl_session *s, const char *in, size_t inlen, const char **out,
                             size_t *outlen);

/* After completion: the authenticated user name (borrowed) and the
 * security layer's strength (0: none). */
const char *sasl_session_username(sasl_session *s);
int sasl_session_ssf(sasl_session *s);

/* Security layer (transport.c): encode plain bytes into what goes on the
 * wire, decode what came from it.  out borrowed until the next call of
 * the same direction; a decode of a partial frame yields 0 bytes.  0, or
 * -1 with a message in *err (static or borrowed). */
int sasl_session_encode(sasl_session *s, const char *in, size_t inlen, const char **out,
                        size_t *outlen, const char **err);
int sasl_session_decode(sasl_session *s, const char *in, size_t inlen, const char **out,
                        size_t *outlen, const char **err);
/* The largest plain chunk one encode takes. */
size_t sasl_session_max_encode(sasl_session *s);

#endif
