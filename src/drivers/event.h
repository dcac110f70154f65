/*
 * event.h: event registrations (domains, storage pools, secrets) and
 * their delivery.
 *
 * A driver emits an event for a source (an opaque key naming what the
 * event belongs to, e.g. one test node shared by several connections).
 * Every registration made for that source whose filter matches receives
 * it later, from an idle source on the GMainContext that was the
 * registering thread's default, never inside the call that caused it.
 *
 * Lock order: a driver may emit while holding its own lock; event.c
 * never calls back into a driver and never runs a callback with its own
 * lock held.
 */
#ifndef VIREO_DRIVERS_EVENT_H
#define VIREO_DRIVERS_EVENT_H

#include "vireo/vireo.h"
#include "drivers/handles.h"

/* Register cb on conn for events of source (dom NULL: every domain).
 * conn is borrowed: event_conn_forget() must run before it is freed.
 * Returns the callback id (>= 0), or -1 with an error. */
int event_register(vireo_conn *conn, const void *source, vireo_domain *dom, int event_id,
                   void (*cb)(void), void *opaque, vireo_free_cb freecb);

/* Remove the registration callback_id of conn.  Its free callback runs
 * now, or when a running delivery of it returns.  -1 with an error when
 * no such registration exists. */
int event_deregister(vireo_conn *conn, int callback_id);

/* Remove every registration of conn (the connection is closing). */
void event_conn_forget(vireo_conn *conn);

/* Queue a lifecycle event (VIREO_DOMAIN_EVENT_*, detail) of the domain
 * named by name/uuid/id for every matching registration of source. */
void event_emit_lifecycle(const void *source, const char *name,
                          const unsigned char uuid[VIREO_UUID_BUFLEN], int id, int event,
                          int detail);

/* Queue a reboot event (VIREO_DOMAIN_EVENT_ID_REBOOT). */
void event_emit_reboot(const void *source, const char *name,
                       const unsigned char uuid[VIREO_UUID_BUFLEN], int id);

/* Queue a device-removed event (VIREO_DOMAIN_EVENT_ID_DEVICE_REMOVED) with
 * the device's alias (copied). */
void event_emit_device_removed(const void *source, const char *name,
                               const unsigned char uuid[VIREO_UUID_BUFLEN], int id,
                               const char *alias);

/* Storage pools and secrets (source: the node_state).  Registration as
 * event_register, for one pool / secret or every one (NULL). */
int event_register_pool(vireo_conn *conn, const void *source, vireo_storage_pool *pool,
                        int event_id, void (*cb)(void), void *opaque, vireo_free_cb freecb);
int event_register_secret(vireo_conn *conn, const void *source, vireo_secret *secret,
                          int event_id, void (*cb)(void), void *opaque, vireo_free_cb freecb);
/* VIREO_STORAGE_POOL_EVENT_ID_LIFECYCLE (VIREO_STORAGE_POOL_EVENT_*) and
 * _REFRESH; VIREO_SECRET_EVENT_ID_LIFECYCLE and _VALUE_CHANGED. */
void event_emit_pool_lifecycle(const void *source, const char *name,
                               const unsigned char uuid[VIREO_UUID_BUFLEN], int event, int detail);
void event_emit_pool_refresh(const void *source, const char *name,
                             const unsigned char uuid[VIREO_UUID_BUFLEN]);
void event_emit_secret_lifecycle(const void *source, const unsigned char uuid[VIREO_UUID_BUFLEN],
                                 int usage_type, const char *usage_id, int event, int detail);
void event_emit_secret_value_changed(const void *source,
                                     const unsigned char uuid[VIREO_UUID_BUFLEN], int usage_type,
                                     const char *usage_id);

/* Networks (source: the node_state): VIREO_NETWORK_EVENT_ID_LIFECYCLE
 * (VIREO_NETWORK_EVENT_*), for one network or every one (NULL). */
int event_register_network(vireo_conn *conn, const void *source, vireo_network *net,
                           int event_id, void (*cb)(void), void *opaque, vireo_free_cb freecb);
void event_emit_network_lifecycle(const void *source, const char *name,
                                  const unsigned char uuid[VIREO_UUID_BUFLEN], int event,
                                  int detail);

/* Iterate the global default main context once, waiting at most
 * timeout_ms (-1: no limit). */
void event_run_once(int timeout_ms);

#endif
