/*
 * client.h: one client of vireod, as the procedure handlers see it.
 *
 * The daemon owns every daemon_client (one per accepted socket); handlers
 * borrow it for the duration of a call.  All functions are thread-safe:
 * several calls of one client may run at once on different workers.
 */
#ifndef VIREO_DAEMON_CLIENT_H
#define VIREO_DAEMON_CLIENT_H

#include <stdbool.h>
#include <sys/types.h>

#include "vireo/vireo.h"

typedef struct daemon_client daemon_client;

/* Who a client is, as far as its socket and authentication tell (issue
 * 10).  Filled on the main thread while the client connects and
 * authenticates (identity.c: the unix peer; the TLS layer: x509_dn;
 * SASL: sasl_user), fixed once it is authenticated: calls only read it.
 * Strings owned by the client. */
typedef struct daemon_identity {
    bool local;             /* unix socket: uid, gid, pid are the peer's (SO_PEERCRED) */
    uid_t uid;
    gid_t gid;
    pid_t pid;
    char *user, *group;     /* names of uid and gid (local), NULL when unknown */
    char *address;          /* "IP;PORT" of a TCP peer, NULL on a unix socket */
    char *x509_dn;          /* DN of the TLS client certificate, NULL when none */
    char *sasl_user;        /* the SASL user name once authenticated, NULL when none */
} daemon_identity;

/* The caller's identity (borrowed, valid during the call). */
const daemon_identity *daemon_client_identity(daemon_client *c);
/* The identity in words for logs and the audit log: "uid 0 (root) gid 0
 * (root) pid 42" / "address 10.0.0.2;4711 x509 'CN=a' sasl 'alice'".
 * Caller frees. */
char *daemon_identity_describe(const daemon_identity *id);

/* The client's open connection (borrowed), NULL before CONNECT_OPEN. */
vireo_conn *daemon_client_conn(daemon_client *c);

/* CONNECT_OPEN: open uri (NULL or "": the daemon's default) with the
 * in-process drivers only, read-only when the client came in on the
 * read-only socket.  0, or -1 with the error set. */
int daemon_client_open(daemon_client *c, const char *uri, unsigned int flags);

/* CONNECT_CLOSE: drop the connection and every event registration. */
int daemon_client_close(daemon_client *c);

/* The client came in on the read-only socket. */
bool daemon_client_read_only(daemon_client *c);

/* The client passed its listener's authentication (always true where
 * the listener's auth is "none"); thread-safe. */
bool daemon_client_authenticated(daemon_client *c);

/* CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY: deliver event_id events (of
 * dom, or every domain when NULL) to this client as MESSAGE packets
 * carrying the returned callback id.  0, or -1 with the error set. */
int daemon_client_event_register(daemon_client *c, int event_id, vireo_domain *dom,
                                 int *callback_id);
/* CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY */
int daemon_client_event_deregister(daemon_client *c, int callback_id);
/* The same for CONNECT_STORAGE_POOL_EVENT_{REGISTER,DEREGISTER}_ANY and
 * CONNECT_SECRET_EVENT_{REGISTER,DEREGISTER}_ANY (events.c); each
 * deregistration only removes a registration of its own kind. */
int daemon_client_pool_event_register(daemon_client *c, int event_id, vireo_storage_pool *pool,
                                      int *callback_id);
int daemon_client_pool_event_deregister(daemon_client *c, int callback_id);
int daemon_client_secret_event_register(daemon_client *c, int event_id, vireo_secret *secret,
                                        int *callback_id);
int daemon_client_secret_event_deregister(daemon_client *c, int callback_id);
/* And CONNECT_NETWORK_EVENT_{REGISTER,DEREGISTER}_ANY (issue 9). */
int daemon_client_network_event_register(daemon_client *c, int event_id, vireo_network *net,
                                         int *callback_id);
int daemon_client_network_event_deregister(daemon_client *c, int callback_id);

/* CONNECT_REGISTER_CLOSE_CALLBACK / UNREGISTER: whether the client wants
 * to hear when the connection closes under it. */
void daemon_client_set_close_callback(daemon_client *c, bool wanted);

/* CONNECT_SUPPORTS_FEATURE(PROGRAM_KEEPALIVE): the client speaks
 * keepalive; the daemon starts PINGing it when it falls silent. */
void daemon_client_start_keepalive(daemon_client *c);

#endif
