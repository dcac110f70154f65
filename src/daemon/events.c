/*
 * events.c: domain, storage pool, secret and network events pushed to
 * clients.
 *
 * A registration asks the client's connection for events (delivered on
 * the main loop, the GLib default context) and turns each into a MESSAGE
 * packet (serial 0, status OK, the event's procedure) carrying the
 * callback id the client was given.  The client's table maps its
 * callback ids to the driver's (with the kind of object in the low bits,
 * so each deregistration procedure only removes its own kind); both go
 * when the client closes its connection or disconnects.
 */
#include <string.h>

#include "daemon/acl.h"
#include "daemon/daemon_priv.h"
#include "drivers/handles.h"
#include "rpc/remote_protocol.h"
#include "util/error.h"
#include "util/log.h"
#include "util/uuid.h"

#define LOG_CATEGORY "daemon.events"

/* The object kind of a registration: which public register/deregister
 * pair it goes through. */
typedef enum events_kind {
    EVENTS_DOMAIN,
    EVENTS_POOL,
    EVENTS_SECRET,
    EVENTS_NETWORK,
    EVENTS_KINDS
} events_kind;

/* A value of the client's table: the driver's callback id and the kind. */
#define EVENTS_SLOT(kind, driver_id) GINT_TO_POINTER((driver_id) * EVENTS_KINDS + (int)(kind))
#define EVENTS_SLOT_KIND(slot) ((events_kind)(GPOINTER_TO_INT(slot) % EVENTS_KINDS))
#define EVENTS_SLOT_ID(slot) (GPOINTER_TO_INT(slot) / EVENTS_KINDS)

/* One registration.  Owned by the driver's registration (freed by its
 * free callback); holds a reference on the client. */
typedef struct daemon_event {
    daemon_client *client;
    int callback_id;        /* the client's id */
    int event_id;
} daemon_event;

static void daemon_event_free(void *opaque)
{
    daemon_event *ev = opaque;

    client_unref(ev->client);
    g_free(ev);
}

static void events_wire_domain(vireo_domain *dom, remote_nonnull_domain *d)
{
    d->name = dom->name;
    memcpy(d->uuid, dom->uuid, VIREO_UUID_BUFLEN);
    d->id = dom->id;
}

/* Fill p / s from the handle (borrowed: they point into it). */
static void events_wire_pool(vireo_storage_pool *pool, remote_nonnull_storage_pool *p)
{
    p->name = pool->name;
    memcpy(p->uuid, pool->uuid, VIREO_UUID_BUFLEN);
}

static void events_wire_secret(vireo_secret *secret, remote_nonnull_secret *s)
{
    memcpy(s->uuid, secret->uuid, VIREO_UUID_BUFLEN);
    s->usageType = secret->usage_type;
    s->usageID = secret->usage_id;
}

static void events_wire_network(vireo_network *net, remote_nonnull_network *n)
{
    n->name = net->name;
    memcpy(n->uuid, net->uuid, VIREO_UUID_BUFLEN);
}

/* Whether ev's client may hear of the object called name: the getattr
 * permission of its kind (the @aclfilter of the registration), checked
 * at each delivery as libvirt does, since rules name single objects and
 * a registration for all of them must not leak the others. */
static bool events_may(daemon_event *ev, const char *perm, const char *name)
{
    if (acl_client_may(ev->client, perm, name))
        return true;
    log_debug("client %d: event of '%s' withheld (no %s)", ev->client->id, name, perm);
    return false;
}

static bool events_may_secret(daemon_event *ev, vireo_secret *secret)
{
    char buf[VIREO_UUID_STRING_BUFLEN];

    uuid_format(secret->uuid, buf);
    return events_may(ev, "secret.getattr", buf);
}

static void events_send(daemon_event *ev, int proc, xdrproc_t filter, void *msg)
{
    rpc_header h = {
        .prog = RPC_REMOTE_PROGRAM, .vers = RPC_PROTOCOL_VERSION, .proc = proc,
        .type = RPC_MESSAGE, .serial = 0, .status = RPC_OK,
    };
    g_autoptr(GByteArray) pkt = rpc_packet_new(&h);

    if (rpc_packet_encode(pkt, filter, msg) < 0) {
        log_warn("client %d: cannot encode event %d: %s", ev->client->id, proc,
                 error_last() ? error_last()->message : "?");
        error_reset();
        return;
    }
    rpc_packet_finish(pkt, &h);
    client_queue(ev->client, g_steal_pointer(&pkt));
}

static void events_on_lifecycle(vireo_conn *conn, vireo_domain *dom, int event, int detail,
                                void *opaque)
{
    daemon_event *ev = opaque;
    remote_domain_event_callback_lifecycle_msg msg = {
        .callbackID = ev->callback_id,
        .msg = { .event = event, .detail = detail },
    };

    (void)conn;
    if (!events_may(ev, "domain.getattr", dom->name))
        return;
    events_wire_domain(dom, &msg.msg.dom);
    log_debug("client %d: lifecycle event %d/%d of domain '%s' (callback %d)", ev->client->id,
              event, detail, dom->name, ev->callback_id);
    events_send(ev, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
                (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &msg);
}

static void events_on_reboot(vireo_conn *conn, vireo_domain *dom, void *opaque)
{
    daemon_event *ev = opaque;
    remote_domain_event_callback_reboot_msg msg = { .callbackID = ev->callback_id };

    (void)conn;
    if (!events_may(ev, "domain.getattr", dom->name))
        return;
    events_wire_domain(dom, &msg.msg.dom);
    events_send(ev, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT,
                (xdrproc_t)xdr_remote_domain_event_callback_reboot_msg, &msg);
}

static void events_on_device_removed(vireo_conn *conn, vireo_domain *dom, const char *alias,
                                     void *opaque)
{
    daemon_event *ev = opaque;
    remote_domain_event_callback_device_removed_msg msg = { .callbackID = ev->callback_id };

    (void)conn;
    if (!events_may(ev, "domain.getattr", dom->name))
        return;
    events_wire_domain(dom, &msg.msg.dom);
    msg.msg.devAlias = (char *)alias;
    events_send(ev, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
                (xdrproc_t)xdr_remote_domain_event_callback_device_removed_msg, &msg);
}

static void events_on_pool_lifecycle(vireo_conn *conn, vireo_storage_pool *pool, int event,
                                     int detail, void *opaque)
{
    daemon_event *ev = opaque;
    remote_storage_pool_event_lifecycle_msg msg = {
        .callbackID = ev->callback_id, .event = event, .detail = detail,
    };

    (void)conn;
    if (!events_may(ev, "storage_pool.getattr", pool->name))
        return;
    events_wire_pool(pool, &msg.pool);
    log_debug("client %d: lifecycle event %d/%d of pool '%s' (callback %d)", ev->client->id,
              event, detail, pool->name, ev->callback_id);
    events_send(ev, REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE,
                (xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg, &msg);
}

static void events_on_pool_refresh(vireo_conn *conn, vireo_storage_pool *pool, void *opaque)
{
    daemon_event *ev = opaque;
    remote_storage_pool_event_refresh_msg msg = { .callbackID = ev->callback_id };

    (void)conn;
    if (!events_may(ev, "storage_pool.getattr", pool->name))
        return;
    events_wire_pool(pool, &msg.pool);
    events_send(ev, REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH,
                (xdrproc_t)xdr_remote_storage_pool_event_refresh_msg, &msg);
}

static void events_on_secret_lifecycle(vireo_conn *conn, vireo_secret *secret, int event,
                                       int detail, void *opaque)
{
    daemon_event *ev = opaque;
    remote_secret_event_lifecycle_msg msg = {
        .callbackID = ev->callback_id, .event = event, .detail = detail,
    };

    (void)conn;
    if (!events_may_secret(ev, secret))
        return;
    events_wire_secret(secret, &msg.secret);
    events_send(ev, REMOTE_PROC_SECRET_EVENT_LIFECYCLE,
                (xdrproc_t)xdr_remote_secret_event_lifecycle_msg, &msg);
}

static void events_on_secret_value_changed(vireo_conn *conn, vireo_secret *secret, void *opaque)
{
    daemon_event *ev = opaque;
    remote_secret_event_value_changed_msg msg = { .callbackID = ev->callback_id };

    (void)conn;
    if (!events_may_secret(ev, secret))
        return;
    events_wire_secret(secret, &msg.secret);
    events_send(ev, REMOTE_PROC_SECRET_EVENT_VALUE_CHANGED,
                (xdrproc_t)xdr_remote_secret_event_value_changed_msg, &msg);
}

static void events_on_network_lifecycle(vireo_conn *conn, vireo_network *net, int event,
                                        int detail, void *opaque)
{
    daemon_event *ev = opaque;
    remote_network_event_lifecycle_msg msg = {
        .callbackID = ev->callback_id, .event = event, .detail = detail,
    };

    (void)conn;
    if (!events_may(ev, "network.getattr", net->name))
        return;
    events_wire_network(net, &msg.net);
    log_debug("client %d: lifecycle event %d/%d of network '%s' (callback %d)", ev->client->id,
              event, detail, net->name, ev->callback_id);
    events_send(ev, REMOTE_PROC_NETWORK_EVENT_LIFECYCLE,
                (xdrproc_t)xdr_remote_network_event_lifecycle_msg, &msg);
}

/* What each kind is called in messages */
static const char *const events_what[] = { "domain", "storage pool", "secret", "network" };

/* The callback that forwards event_id of kind, or NULL (NO_SUPPORT set). */
static void (*events_forwarder(events_kind kind, int event_id))(void)
{
    switch (kind) {
    case EVENTS_DOMAIN:
        if (event_id == VIREO_DOMAIN_EVENT_ID_LIFECYCLE)
            return (void (*)(void))events_on_lifecycle;
        if (event_id == VIREO_DOMAIN_EVENT_ID_REBOOT)
            return (void (*)(void))events_on_reboot;
        if (event_id == VIREO_DOMAIN_EVENT_ID_DEVICE_REMOVED)
            return (void (*)(void))events_on_device_removed;
        break;
    case EVENTS_POOL:
        if (event_id == VIREO_STORAGE_POOL_EVENT_ID_LIFECYCLE)
            return (void (*)(void))events_on_pool_lifecycle;
        if (event_id == VIREO_STORAGE_POOL_EVENT_ID_REFRESH)
            return (void (*)(void))events_on_pool_refresh;
        break;
    case EVENTS_SECRET:
        if (event_id == VIREO_SECRET_EVENT_ID_LIFECYCLE)
            return (void (*)(void))events_on_secret_lifecycle;
        if (event_id == VIREO_SECRET_EVENT_ID_VALUE_CHANGED)
            return (void (*)(void))events_on_secret_value_changed;
        break;
    case EVENTS_NETWORK:
        if (event_id == VIREO_NETWORK_EVENT_ID_LIFECYCLE)
            return (void (*)(void))events_on_network_lifecycle;
        break;
    case EVENTS_KINDS:
        break;
    }
    if (kind == EVENTS_DOMAIN)
        error_report(VIREO_FROM_REMOTE, VIREO_ERR_NO_SUPPORT, "domain event %d", event_id);
    else /* libvirt's code and words for pools, secrets and networks */
        error_report(VIREO_FROM_REMOTE, VIREO_ERR_INTERNAL_ERROR, "unsupported %s event ID %d",
                     events_what[kind], event_id);
    return NULL;
}

/* Register with the public API of kind (obj: a handle of that kind, or
 * NULL for every object).  The driver's id, or -1 (freecb ran).  A
 * worker has no thread-default context: callbacks come to the default
 * one, which the main loop runs. */
static int events_driver_register(vireo_conn *conn, events_kind kind, void *obj, int event_id,
                                  void (*cb)(void), daemon_event *ev)
{
    switch (kind) {
    case EVENTS_POOL:
        return vireo_conn_storage_pool_event_register_any(conn, obj, event_id, cb, ev,
                                                          daemon_event_free);
    case EVENTS_SECRET:
        return vireo_conn_secret_event_register_any(conn, obj, event_id, cb, ev,
                                                    daemon_event_free);
    case EVENTS_NETWORK:
        return vireo_conn_network_event_register_any(conn, obj, event_id, cb, ev,
                                                     daemon_event_free);
    case EVENTS_DOMAIN:
    case EVENTS_KINDS:
        break;
    }
    return vireo_conn_domain_event_register_any(conn, obj, event_id, cb, ev, daemon_event_free);
}

static int events_driver_deregister(vireo_conn *conn, gpointer slot)
{
    switch (EVENTS_SLOT_KIND(slot)) {
    case EVENTS_POOL:
        return vireo_conn_storage_pool_event_deregister_any(conn, EVENTS_SLOT_ID(slot));
    case EVENTS_SECRET:
        return vireo_conn_secret_event_deregister_any(conn, EVENTS_SLOT_ID(slot));
    case EVENTS_NETWORK:
        return vireo_conn_network_event_deregister_any(conn, EVENTS_SLOT_ID(slot));
    case EVENTS_DOMAIN:
    case EVENTS_KINDS:
        break;
    }
    return vireo_conn_domain_event_deregister_any(conn, EVENTS_SLOT_ID(slot));
}

static int events_client_register(daemon_client *c, events_kind kind, int event_id, void *obj,
                                  int *callback_id)
{
    vireo_conn *conn = daemon_client_conn(c);
    void (*cb)(void);
    daemon_event *ev;
    int driver_id;

    if (!conn) {
        error_report(VIREO_FROM_REMOTE, VIREO_ERR_INTERNAL_ERROR, "connection not open");
        return -1;
    }
    cb = events_forwarder(kind, event_id);
    if (!cb)
        return -1;
    ev = g_new0(daemon_event, 1);
    ev->client = client_ref(c);
    ev->event_id = event_id;
    g_mutex_lock(&c->lock);
    ev->callback_id = ++c->next_callback_id;
    g_mutex_unlock(&c->lock);

    driver_id = events_driver_register(conn, kind, obj, event_id, cb, ev);
    if (driver_id < 0)
        return -1;  /* the free callback released ev */
    g_mutex_lock(&c->lock);
    if (c->closed || c->conn != conn) {
        /* the client closed its connection or left meanwhile */
        g_mutex_unlock(&c->lock);
        events_driver_deregister(conn, EVENTS_SLOT(kind, driver_id));
        error_report(VIREO_FROM_REMOTE, VIREO_ERR_INTERNAL_ERROR, "connection not open");
        return -1;
    }
    g_hash_table_insert(c->events, GINT_TO_POINTER(ev->callback_id),
                        EVENTS_SLOT(kind, driver_id));
    *callback_id = ev->callback_id;
    g_mutex_unlock(&c->lock);
    return 0;
}

/* Remove the client's registration callback_id if it is of kind. */
static int events_client_deregister(daemon_client *c, events_kind kind, int callback_id)
{
    vireo_conn *conn = daemon_client_conn(c);
    gpointer slot;
    bool found;

    g_mutex_lock(&c->lock);
    found = g_hash_table_lookup_extended(c->events, GINT_TO_POINTER(callback_id), NULL, &slot) &&
            EVENTS_SLOT_KIND(slot) == kind;
    if (found)
        g_hash_table_remove(c->events, GINT_TO_POINTER(callback_id));
    g_mutex_unlock(&c->lock);
    if (!found || !conn) {
        /* libvirt answers INTERNAL_ERROR for pools, secrets and networks */
        error_report(VIREO_FROM_REMOTE,
                     kind == EVENTS_DOMAIN ? VIREO_ERR_INVALID_ARG : VIREO_ERR_INTERNAL_ERROR,
                     "%s event callback %d not registered", events_what[kind], callback_id);
        return -1;
    }
    return events_driver_deregister(conn, slot);
}

int daemon_client_event_register(daemon_client *c, int event_id, vireo_domain *dom,
                                 int *callback_id)
{
    return events_client_register(c, EVENTS_DOMAIN, event_id, dom, callback_id);
}

int daemon_client_event_deregister(daemon_client *c, int callback_id)
{
    return events_client_deregister(c, EVENTS_DOMAIN, callback_id);
}

int daemon_client_pool_event_register(daemon_client *c, int event_id, vireo_storage_pool *pool,
                                      int *callback_id)
{
    return events_client_register(c, EVENTS_POOL, event_id, pool, callback_id);
}

int daemon_client_pool_event_deregister(daemon_client *c, int callback_id)
{
    return events_client_deregister(c, EVENTS_POOL, callback_id);
}

int daemon_client_secret_event_register(daemon_client *c, int event_id, vireo_secret *secret,
                                        int *callback_id)
{
    return events_client_register(c, EVENTS_SECRET, event_id, secret, callback_id);
}

int daemon_client_secret_event_deregister(daemon_client *c, int callback_id)
{
    return events_client_deregister(c, EVENTS_SECRET, callback_id);
}

int daemon_client_network_event_register(daemon_client *c, int event_id, vireo_network *net,
                                         int *callback_id)
{
    return events_client_register(c, EVENTS_NETWORK, event_id, net, callback_id);
}

int daemon_client_network_event_deregister(daemon_client *c, int callback_id)
{
    return events_client_deregister(c, EVENTS_NETWORK, callback_id);
}

void events_release(vireo_conn *conn, GHashTable *events)
{
    GHashTableIter it;
    gpointer slot;

    g_hash_table_iter_init(&it, events);
    while (g_hash_table_iter_next(&it, NULL, &slot)) {
        if (events_driver_deregister(conn, slot) < 0)
            error_reset();
    }
}
