/*
 * client_api.c: what procedure handlers may ask of their client
 * (client.h): its connection, opening and closing it.
 *
 * A call runs with its own reference on the client's connection, taken
 * when the call begins (client_call_begin), so a CONNECT_CLOSE running
 * on another worker at the same time cannot free it under the call.
 */
#include "daemon/daemon_priv.h"
#include "util/error.h"
#include "util/log.h"
#include "libvireo-priv.h"

#define LOG_CATEGORY "daemon.client"

/* libvirt's VIR_CONNECT_RO */
#define CLIENT_CONNECT_RO 1u

/* The call this worker thread runs: its client and connection. */
static __thread daemon_client *call_client;
static __thread vireo_conn *call_conn;     /* one reference, or NULL */

void client_call_begin(daemon_client *c)
{
    call_client = c;
    g_mutex_lock(&c->lock);
    call_conn = c->conn;
    if (call_conn)
        vireo_conn_ref(call_conn);
    g_mutex_unlock(&c->lock);
}

void client_call_end(daemon_client *c)
{
    (void)c;
    if (call_conn)
        vireo_conn_close(g_steal_pointer(&call_conn));
    call_client = NULL;
}

vireo_conn *daemon_client_conn(daemon_client *c)
{
    vireo_conn *conn;

    if (c == call_client)
        return call_conn;
    g_mutex_lock(&c->lock);
    conn = c->conn;
    g_mutex_unlock(&c->lock);
    return conn;
}

bool daemon_client_read_only(daemon_client *c)
{
    return c->kind == LISTEN_RO;
}

int daemon_client_open(daemon_client *c, const char *uri, unsigned int flags)
{
    bool read_only = daemon_client_read_only(c) || (flags & CLIENT_CONNECT_RO);
    vireo_conn *conn;
    bool busy;

    if (!uri || !*uri)
        uri = c->srv->cfg->uri_default;
    g_mutex_lock(&c->lock);
    busy = c->conn != NULL;
    g_mutex_unlock(&c->lock);
    if (busy) {
        error_report(VIREO_FROM_REMOTE, VIREO_ERR_INTERNAL_ERROR, "connection already open");
        return -1;
    }
    conn = api_conn_open_local(uri, read_only);
    if (!conn)
        return -1;
    g_mutex_lock(&c->lock);
    /* two CONNECT_OPENs raced (the first one won), or the client left
     * while this one ran: its connection was released already */
    busy = c->conn != NULL || c->closed;
    if (!busy)
        c->conn = conn;
    g_mutex_unlock(&c->lock);
    if (busy) {
        vireo_conn_close(conn);
        error_report(VIREO_FROM_REMOTE, VIREO_ERR_INTERNAL_ERROR, "connection already open");
        return -1;
    }
    log_info("client %d: opened '%s'%s", c->id, uri, read_only ? " read-only" : "");
    if (c == call_client && !call_conn) {
        vireo_conn_ref(conn);
        call_conn = conn;
    }
    return 0;
}

void client_release_conn(daemon_client *c)
{
    g_autoptr(GHashTable) events = NULL;
    vireo_conn *conn;

    g_mutex_lock(&c->lock);
    conn = g_steal_pointer(&c->conn);
    events = g_steal_pointer(&c->events);
    c->events = g_hash_table_new(g_direct_hash, g_direct_equal);
    c->close_cb_wanted = false;
    g_mutex_unlock(&c->lock);
    if (!conn)
        return;
    events_release(conn, events);
    vireo_conn_close(conn);
}

int daemon_client_close(daemon_client *c)
{
    client_release_conn(c);
    return 0;
}

void daemon_client_set_close_callback(daemon_client *c, bool wanted)
{
    g_mutex_lock(&c->lock);
    c->close_cb_wanted = wanted;
    g_mutex_unlock(&c->lock);
}
