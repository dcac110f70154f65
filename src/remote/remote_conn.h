/*
 * remote_conn.h: what conn->priv of a remote connection holds (shared by
 * remote_driver.c and remote_events.c only).
 */
#ifndef VIREO_REMOTE_CONN_H
#define VIREO_REMOTE_CONN_H

#include <glib.h>
#include <stdbool.h>

#include "remote/remote_client.h"

/* One local event registration forwarded to the server.  Its address is
 * the source key of drivers/event.h, so it lives as long as the
 * connection even after deregistration (a late event then finds no
 * registration with that key). */
typedef struct remote_event_reg {
    int local_id;               /* event.c's callback id */
    int remote_id;              /* the server's callbackID */
    int deregister_proc;        /* REMOTE_PROC_CONNECT_*_DEREGISTER_ANY of its kind */
    bool active;                /* guarded by remote_conn.lock */
} remote_event_reg;

typedef struct remote_conn {
    remote_client *client;      /* owned: the socket and its I/O thread */
    struct sasl_session *sasl;  /* owned: SASL's session (its security layer is client's),
                                 * freed after client; NULL without SASL */
    GMutex lock;
    GPtrArray *event_regs;      /* remote_event_reg * (owned), guarded by lock */
    GHashTable *events;         /* remote_id -> active remote_event_reg (borrowed), guarded by lock */
} remote_conn;

#endif
