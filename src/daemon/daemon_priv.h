/*
 * daemon_priv.h: vireod's server and client state, shared by the files
 * of src/daemon/ (not by the procedure handlers: they see client.h).
 *
 * Threads: the main thread runs the GLib main loop, which does all socket
 * I/O, timers and event delivery; worker threads run calls.  Fields
 * marked "main" are touched by the main thread only; fields marked
 * "lock" are guarded by daemon_client.lock.
 */
#ifndef VIREO_DAEMON_DAEMON_PRIV_H
#define VIREO_DAEMON_DAEMON_PRIV_H

#include <glib.h>
#include <stdbool.h>

#include "daemon/client.h"
#include "daemon/config.h"
#include "rpc/packet.h"
#include "rpc/transport.h"

typedef enum {
    LISTEN_RW,
    LISTEN_RO,
    LISTEN_ADMIN,
} listen_kind;

typedef struct daemon_server daemon_server;

/* The limits a client can hit; each refusal is logged (rate-limited) and
 * counted per limit (server.c). */
typedef enum {
    LIMIT_MAX_CLIENTS,      /* max_clients */
    LIMIT_CLIENT_QUEUE,     /* max_client_queue */
    LIMIT_PACKET_SIZE,      /* RPC_MAX_PACKET, or a length under the header */
    LIMIT_STRING_SIZE,      /* RPC_MAX_STRING inside a call */
    LIMIT_OPEN_FILES,       /* accept failed: RLIMIT_NOFILE (or the system's) reached */
    LIMIT_COUNT,
} daemon_limit;

/* One limit's refusals (server.c, under daemon_server.limits_lock). */
typedef struct limit_log {
    guint64 refused;        /* since the daemon started */
    guint64 suppressed;     /* lines not logged since the last one */
    gint64 last_us;         /* monotonic time of the last line logged */
} limit_log;

/* How a listener's clients authenticate (libvirt's auth_unix_ro,
 * auth_unix_rw, auth_tcp, auth_tls), REMOTE_AUTH_* numbers. */
typedef enum {
    LISTEN_AUTH_NONE = 0,   /* REMOTE_AUTH_NONE: authenticated once connected */
    LISTEN_AUTH_SASL = 1,   /* REMOTE_AUTH_SASL: only AUTH_* calls until SASL succeeds */
} listen_auth;

/* How a listener's bytes travel. */
typedef enum {
    LISTEN_UNIX,
    LISTEN_TCP,             /* plain TCP (16509) */
    LISTEN_TLS,             /* TLS over TCP (16514): handshake before any packet */
} listen_transport;

/* One listening socket.  Owned by daemon_server.listeners. */
typedef struct daemon_listener {
    daemon_server *srv;     /* borrowed */
    char *path;             /* owned: the unix socket's path, or "ADDR:PORT" for TCP */
    listen_transport transport;
    listen_auth auth;
    int fd;
    guint watch;            /* main: accept source */
    guint resume_timer;     /* main: accepting paused, out of file descriptors */
    listen_kind kind;
    bool created;           /* we made the socket file: unlink it at exit */
} daemon_listener;

struct daemon_server {
    daemon_config *cfg;         /* owned */
    GMainLoop *loop;            /* owned */
    GPtrArray *listeners;       /* main: of daemon_listener *, owned */
    GHashTable *clients;        /* main: daemon_client * -> itself, one reference each */
    GHashTable *over_limit;     /* main: clients accepted over max_clients, held only
                                 * to answer their first call with the error; one
                                 * reference each, at most SERVER_OVER_LIMIT_HELD */
    GThreadPool *pool;          /* calls */
    GThreadPool *prio_pool;     /* high-priority calls */
    vireo_conn *default_conn;   /* owned: the default URI opened for the daemon's
                                 * whole life, so a driver's state (the test
                                 * node) outlives any one client */
    vireo_conn *qemu_conn;      /* owned: the QEMU driver of this root, held likewise */
    char *root;                 /* owned: "/" or --root DIR (certificates, SASL, rules, audit) */
    struct tls_context *tls;    /* owned: the TLS listener's credentials, NULL without one */
    struct daemon_acl *acl;     /* owned: the access rules (acl.c), NULL when rules are off */
    struct daemon_audit *audit; /* owned: the audit log (audit.c) */
    int idle_timeout;           /* -t SECS, 0: none */
    guint idle_timer;           /* main */
    int next_client_id;         /* main */
    bool quitting;              /* main */
    int exit_status;            /* main */
    GMutex limits_lock;
    limit_log limits[LIMIT_COUNT];  /* limits_lock */
};

/* Over-limit connections (max_clients) held at once to tell them why;
 * beyond this they are closed at once without a word. */
#define SERVER_OVER_LIMIT_HELD 64
/* Seconds a refused client gets to read its error and close before
 * vireod closes it. */
#define CLIENT_LINGER_SECONDS 5

struct daemon_client {
    gint refs;                  /* atomic */
    daemon_server *srv;         /* borrowed: outlives every client */
    int id;                     /* for logs: "client 3" */
    int fd;                     /* main; -1 once closed */
    rpc_transport *transport;   /* main: owned, all I/O goes through it; NULL once closed */
    bool handshaking;           /* main: TLS handshake under way (tls below), no packets yet */
    guint handshake_timer;      /* main: ends a handshake that takes too long (H1) */
    guint pending_idle;         /* main: reads on bytes a layer holds, no poll needed (H1) */
    struct tls_session *tls;    /* main: the session while handshaking (then the transport's) */
    listen_kind kind;
    listen_transport via;       /* how it came in */
    listen_auth auth;           /* what its listener demands */
    bool authenticated;         /* lock: auth done (at once with LISTEN_AUTH_NONE): calls
                                 * other than AUTH_* are refused until then */
    struct sasl_session *sasl;  /* owned: the SASL exchange and security layer, NULL when none */
    bool sasl_layer_pending;    /* lock: SASL completed with SSF > 0: once the out queue has
                                 * drained (the reply that completed it is sent), client.c
                                 * puts sasl on the transport */
    daemon_identity ident;      /* see client.h: main until authenticated, then fixed */
    char *peer;                 /* "uid 1000, pid 42" for logs; owned */
    guint read_watch;           /* main */
    guint write_watch;          /* main: only while a write would block */
    GIOCondition write_watch_cond; /* main: what write_watch polls: G_IO_OUT, or G_IO_IN
                                 * when a TLS write must read first */
    guint read_out_watch;       /* main: a TLS read that must write first waits for room */
    bool reading_paused;        /* main: too much waiting in memory (calls or replies) */
    bool over_limit;            /* main: came in over max_clients (in srv->over_limit) */
    bool lingering;             /* main: its last reply is queued: input is read and
                                 * dropped until it closes or linger_timer fires */
    bool shut_wr;               /* main: lingering and everything sent */
    guint linger_timer;         /* main */

    /* incoming packet being assembled (main) */
    guint8 in_len[RPC_LEN_SIZE];
    size_t in_got;              /* bytes of the packet read so far */
    GByteArray *in;             /* the whole packet once its length is known */
    uint32_t in_refused_len;    /* non-zero: the length word of a packet to refuse;
                                 * in holds only its length word and header */

    /* calls read while max_client_requests run (main) */
    GQueue waiting;             /* of GByteArray *, whole CALL packets, oldest first */
    size_t waiting_bytes;
    bool draining;              /* client_drain is running: do not nest it */

    /* keepalive (main) */
    bool ka_enabled;
    int ka_unanswered;          /* PINGs sent since the peer last spoke */
    gint64 last_rx;             /* monotonic us of the last packet received */
    guint ka_timer;

    GMutex lock;
    bool closed;                /* lock: no more I/O; replies are dropped */
    GQueue out;                 /* lock: of GByteArray *, whole packets */
    size_t out_off;             /* lock: bytes of the head packet already sent */
    size_t out_bytes;           /* lock: bytes in out not yet sent */
    GHashTable *out_fds;        /* lock: packet in out -> GArray of int: descriptors sent
                                 * after its bytes (REPLY_WITH_FDS), owned: closed once
                                 * sent or dropped (issue 11) */
    guint out_fds_sent;         /* lock: of the head packet's descriptors */
    bool kick_pending;          /* lock: a write kick is queued to the loop */
    int calls_in_flight;        /* lock */
    vireo_conn *conn;           /* lock: NULL until CONNECT_OPEN; one reference */
    GHashTable *events;         /* lock: callback id -> daemon_event * (events.c) */
    int next_callback_id;       /* lock */
    bool close_cb_wanted;       /* lock */
    GHashTable *streams;        /* lock: serial -> daemon_stream * (stream.c) */
};

/* --- client.c (I/O and lifetime) --- */
/* Take over fd (accepted, non-blocking) as a new client of l; main
 * thread.  A TLS listener's client handshakes first (tls_session on
 * srv->tls), a refused certificate closes it (logged, audited). */
daemon_client *client_new(daemon_listener *l, int fd);
/* Take over fd, accepted over max_clients: its first packet is answered
 * with the error naming the limit, then it is closed (within
 * CLIENT_LINGER_SECONDS at most).  peer: for the log (taken). */
void client_new_over_limit(daemon_server *srv, int fd, listen_kind kind, char *peer);
/* "uid U, pid P" of the peer of a unix socket, or "peer unknown". */
char *client_peer_describe(int fd);
daemon_client *client_ref(daemon_client *c);
void client_unref(daemon_client *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(daemon_client, client_unref)
/* Queue a finished packet (taken) for sending; any thread.  Dropped when
 * the client is closed. */
void client_queue(daemon_client *c, GByteArray *pkt);
/* The same for a REPLY_WITH_FDS packet: fds (taken, closed once sent or
 * dropped) go out after its bytes, one per one-byte message (rpc/fdpass.h). */
void client_queue_fds(daemon_client *c, GByteArray *pkt, GArray *fds);
/* Close the socket, release the connection, events and streams, and
 * drop the server's reference; main thread.  why: for the log. */
void client_disconnect(daemon_client *c, const char *why);
/* A call of c was handed to a worker (main thread) / the worker is
 * done with it (any thread).  While max_client_requests calls are in
 * flight, the client's later calls wait in c->waiting (up to
 * max_client_queue; beyond, they are refused at once). */
void client_call_started(daemon_client *c);
void client_call_done(daemon_client *c);
/* A CALL of c failed to decode because a string in it passes
 * RPC_MAX_STRING (the thread's error says so): count and log it; any
 * thread. */
void client_refused_string(daemon_client *c, const rpc_header *hdr);

/* --- identity.c --- */
/* Fill id from a unix socket's peer (SO_PEERCRED, user and group names). */
void identity_from_unix(daemon_identity *id, int fd);
/* Fill id->address from a TCP socket's peer. */
void identity_from_tcp(daemon_identity *id, int fd);
void identity_clear(daemon_identity *id);

/* --- client_api.c --- */
/* Release the client's connection and its event registrations. */
void client_release_conn(daemon_client *c);
/* Around one call on a worker thread: the call holds its own reference
 * on the client's connection (daemon_client_conn returns it). */
void client_call_begin(daemon_client *c);
void client_call_end(daemon_client *c);

/* --- dispatch.c: one whole packet from a client; main thread --- */
void dispatch_packet(daemon_client *c, GByteArray *pkt);
/* The libvirt API name of a procedure name: "DOMAIN_GET_XML_DESC" ->
 * "virDomainGetXMLDesc".  Caller frees. */
char *dispatch_api_name(const char *proc_name);

/* --- wire.c: reply packets --- */
/* An ERROR reply to hdr (a CALL) carrying err (NULL: an internal error
 * saying so).  New packet, caller owns. */
GByteArray *wire_error_reply(const rpc_header *call, const vireo_error *err);
/* A finished packet with header h and err (NULL: a generic one) as body. */
GByteArray *wire_error_packet(const rpc_header *h, const vireo_error *err);
/* The header of the reply to call with status. */
rpc_header wire_reply_header(const rpc_header *call, int status);
/* Encode a remote_error body from err (NULL: generic) into pkt. */
int wire_encode_error(GByteArray *pkt, const vireo_error *err);

/* --- worker.c --- */
int worker_pools_start(daemon_server *srv);
/* Wait for running calls to finish and free the pools; main thread. */
void worker_pools_stop(daemon_server *srv);
/* Run the CALL in pkt (taken) for c on a worker. */
void worker_submit(daemon_client *c, const rpc_header *hdr, GByteArray *pkt);

/* --- keepalive.c (main thread) --- */
/* Start pinging c when idle (after the peer showed it speaks keepalive). */
void keepalive_start(daemon_client *c);
void keepalive_stop(daemon_client *c);
/* A keepalive-program packet from c. */
void keepalive_packet(daemon_client *c, const rpc_header *hdr);
/* Anything at all arrived from c. */
void keepalive_heard(daemon_client *c);

/* --- events.c --- */
/* Deregister every registration in events (a client's table, taken
 * away from it: callback id -> driver id) from conn. */
void events_release(vireo_conn *conn, GHashTable *events);

/* --- listen.c (main thread) --- */
/* Create and listen on every socket in dir.  0, or -1 with the error set
 * (another daemon answering, a path that is not a socket, ...). */
int listen_start(daemon_server *srv, const char *dir);
/* Stop accepting and remove the socket files we made. */
void listen_stop(daemon_server *srv);
/* A listener's auth from its setting (auth_unix_ro, auth_unix_rw,
 * auth_tcp, auth_tls; validated by config_validate), dflt when unset. */
listen_auth listen_auth_parse(const char *value, const char *dflt);
/* Once every listener exists: when any of them uses SASL, point Cyrus
 * at ROOT/etc/sasl2 (rpc/sasl.h).  0, or -1 with the error set. */
int listen_auth_setup(daemon_server *srv);
/* Start accepting on l (its fd listening), H1. */
void listen_watch(daemon_listener *l);

/* --- listen_tcp.c (main thread), H1 --- */
/* --listen: the TLS and TCP listeners the config asks for (after
 * listen_start); loads srv->tls.  0, or -1 with the error set naming the
 * file or the setting. */
int listen_tcp_start(daemon_server *srv);

/* --- server.c --- */
/* The number of clients changed; main thread (idle timeout). */
void server_clients_changed(daemon_server *srv);
/* Count a refusal by limit and log "what (N refused so far)" at warning
 * level, at most once a second per limit (the lines held back are
 * counted in the next one); any thread. */
void server_limit_refused(daemon_server *srv, daemon_limit limit, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
/* Refusals of limit so far; any thread. */
guint64 server_limit_count(daemon_server *srv, daemon_limit limit);

#endif
