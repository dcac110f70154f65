/*
 * events.c: domain events pushed to clients.
 *
 * A registration asks the client's connection for events (delivered on
 * the main loop, the GLib default context) and turns each into a MESSAGE
 * packet (serial 0, status OK, the event's procedure) carrying the
 * callback id the client was given.  The client's table maps its
 * callback ids to the driver's; both go when the client closes its
 * connection or disconnects.
 */
#include <string.h>

#include "daemon/daemon_priv.h"
#include "drivers/handles.h"
#include "rpc/remote_protocol.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.events"

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
    events_wire_domain(dom, &msg.msg.dom);
    msg.msg.devAlias = (char *)alias;
    events_send(ev, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
                (xdrproc_t)xdr_remote_domain_event_callback_device_removed_msg, &msg);
}

int daemon_client_event_register(daemon_client *c, int event_id, vireo_domain *dom,
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
    if (event_id == VIREO_DOMAIN_EVENT_ID_LIFECYCLE) {
        cb = (void (*)(void))events_on_lifecycle;
    } else if (event_id == VIREO_DOMAIN_EVENT_ID_REBOOT) {
        cb = (void (*)(void))events_on_reboot;
    } else if (event_id == VIREO_DOMAIN_EVENT_ID_DEVICE_REMOVED) {
        cb = (void (*)(void))events_on_device_removed;
    } else {
        error_report(VIREO_FROM_REMOTE, VIREO_ERR_NO_SUPPORT, "domain event %d", event_id);
        return -1;
    }
    ev = g_new0(daemon_event, 1);
    ev->client = client_ref(c);
    ev->event_id = event_id;
    g_mutex_lock(&c->lock);
    ev->callback_id = ++c->next_callback_id;
    g_mutex_unlock(&c->lock);

    /* a worker has no thread-default context: callbacks come to the
     * default one, which the main loop runs */
    driver_id = vireo_conn_domain_event_register_any(conn, dom, event_id, cb, ev,
                                                     daemon_event_free);
    if (driver_id < 0)
        return -1;  /* the free callback released ev */
    g_mutex_lock(&c->lock);
    if (c->closed || c->conn != conn) {
        /* the client closed its connection or left meanwhile */
        g_mutex_unlock(&c->lock);
        vireo_conn_domain_event_deregister_any(conn, driver_id);
        error_report(VIREO_FROM_REMOTE, VIREO_ERR_INTERNAL_ERROR, "connection not open");
        return -1;
    }
    g_hash_table_insert(c->events, GINT_TO_POINTER(ev->callback_id), GINT_TO_POINTER(driver_id));
    *callback_id = ev->callback_id;
    g_mutex_unlock(&c->lock);
    return 0;
}

int daemon_client_event_deregister(daemon_client *c, int callback_id)
{
    vireo_conn *conn = daemon_client_conn(c);
    gpointer driver_id;
    bool found;

    g_mutex_lock(&c->lock);
    found = g_hash_table_lookup_extended(c->events, GINT_TO_POINTER(callback_id), NULL,
                                         &driver_id);
    if (found)
        g_hash_table_remove(c->events, GINT_TO_POINTER(callback_id));
    g_mutex_unlock(&c->lock);
    if (!found || !conn) {
        error_report(VIREO_FROM_REMOTE, VIREO_ERR_INVALID_ARG,
                     "domain event callback %d not registered", callback_id);
        return -1;
    }
    return vireo_conn_domain_event_deregister_any(conn, GPOINTER_TO_INT(driver_id));
}

void events_release(vireo_conn *conn, GHashTable *events)
{
    GHashTableIter it;
    gpointer driver_id;

    g_hash_table_iter_init(&it, events);
    while (g_hash_table_iter_next(&it, NULL, &driver_id)) {
        if (vireo_conn_domain_event_deregister_any(conn, GPOINTER_TO_INT(driver_id)) < 0)
            error_reset();
    }
}
