/*
 * remote_events.c: event registrations through the wire (domains,
 * storage pools, secrets, networks).
 *
 * Each local registration is one server-side registration
 * (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, CONNECT_STORAGE_POOL_...,
 * CONNECT_SECRET_..., each returning the server's callbackID) and one
 * drivers/event.h registration whose source key is its own
 * remote_event_reg.  An event MESSAGE carries the server's callbackID;
 * remote_event_source() turns it into that key and event.c delivers it
 * on the registering thread's main context, as for a local driver.
 */
#include <string.h>

#include "drivers/event.h"
#include "remote/remote_conn.h"
#include "remote/remote_priv.h"
#include "rpc/remote_gen.h"
#include "util/error.h"

/* The server's side of a registration goes: every kind's deregistration
 * arguments are one callbackID. */
static int remote_events_call_deregister(vireo_conn *conn, int proc, int remote_id)
{
    remote_connect_domain_event_callback_deregister_any_args dom = { .callbackID = remote_id };
    remote_connect_storage_pool_event_deregister_any_args pool = { .callbackID = remote_id };
    remote_connect_secret_event_deregister_any_args secret = { .callbackID = remote_id };
    remote_connect_network_event_deregister_any_args net = { .callbackID = remote_id };

    if (proc == REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY)
        return remote_call(conn, proc,
                           (xdrproc_t)xdr_remote_connect_storage_pool_event_deregister_any_args,
                           &pool, RPC_XDR_VOID, NULL);
    if (proc == REMOTE_PROC_CONNECT_SECRET_EVENT_DEREGISTER_ANY)
        return remote_call(conn, proc,
                           (xdrproc_t)xdr_remote_connect_secret_event_deregister_any_args,
                           &secret, RPC_XDR_VOID, NULL);
    if (proc == REMOTE_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY)
        return remote_call(conn, proc,
                           (xdrproc_t)xdr_remote_connect_network_event_deregister_any_args, &net,
                           RPC_XDR_VOID, NULL);
    return remote_call(conn, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                       (xdrproc_t)xdr_remote_connect_domain_event_callback_deregister_any_args,
                       &dom, RPC_XDR_VOID, NULL);
}

/* A new source key for the server's registration remote_id, not yet
 * active.  Kept by conn until it is freed: the key outlives the
 * registration, so a late event finds nothing under it. */
static remote_event_reg *remote_events_key_new(vireo_conn *conn, int remote_id,
                                               int deregister_proc)
{
    remote_conn *rc = conn->priv;
    remote_event_reg *reg = g_new0(remote_event_reg, 1);

    reg->remote_id = remote_id;
    reg->deregister_proc = deregister_proc;
    g_mutex_lock(&rc->lock);
    g_ptr_array_add(rc->event_regs, reg);
    g_mutex_unlock(&rc->lock);
    return reg;
}

/* Route the server's events for reg to the local registration local_id
 * and return it; when the local registration failed (-1, error set),
 * drop the server's side and return -1 with that error. */
static int remote_events_activate(vireo_conn *conn, remote_event_reg *reg, int local_id)
{
    remote_conn *rc = conn->priv;

    if (local_id < 0) {
        g_autoptr(vireo_error) saved = error_save();

        remote_events_call_deregister(conn, reg->deregister_proc, reg->remote_id);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    g_mutex_lock(&rc->lock);
    reg->local_id = local_id;
    reg->active = true;
    g_hash_table_insert(rc->events, GINT_TO_POINTER(reg->remote_id), reg);
    g_mutex_unlock(&rc->lock);
    return local_id;
}

int remote_proc_connect_domain_event_callback_register_any(vireo_conn *conn, vireo_domain *dom,
                                                           int event_id, void (*cb)(void),
                                                           void *opaque, vireo_free_cb freecb)
{
    remote_connect_domain_event_callback_register_any_args args = { .eventID = event_id };
    remote_connect_domain_event_callback_register_any_ret ret = { 0 };
    remote_nonnull_domain wire_dom;
    remote_event_reg *reg;

    if (dom) {
        remote_domain_to_wire(dom, &wire_dom);
        args.dom = &wire_dom;
    }
    if (remote_call(conn, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                    (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args, &args,
                    (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_ret,
                    &ret) < 0)
        return -1;
    reg = remote_events_key_new(conn, ret.callbackID,
                                REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY);
    return remote_events_activate(conn, reg,
                                  event_register(conn, reg, dom, event_id, cb, opaque, freecb));
}

int remote_proc_connect_storage_pool_event_register_any(vireo_conn *conn, vireo_storage_pool *pool,
                                                        int event_id, void (*cb)(void),
                                                        void *opaque, vireo_free_cb freecb)
{
    remote_connect_storage_pool_event_register_any_args args = { .eventID = event_id };
    remote_connect_storage_pool_event_register_any_ret ret = { 0 };
    remote_nonnull_storage_pool wire_pool;
    remote_event_reg *reg;

    if (pool) {
        remote_pool_to_wire(pool, &wire_pool);
        args.pool = &wire_pool;
    }
    if (remote_call(conn, REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY,
                    (xdrproc_t)xdr_remote_connect_storage_pool_event_register_any_args, &args,
                    (xdrproc_t)xdr_remote_connect_storage_pool_event_register_any_ret, &ret) < 0)
        return -1;
    reg = remote_events_key_new(conn, ret.callbackID,
                                REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY);
    return remote_events_activate(
        conn, reg, event_register_pool(conn, reg, pool, event_id, cb, opaque, freecb));
}

int remote_proc_connect_secret_event_register_any(vireo_conn *conn, vireo_secret *secret,
                                                  int event_id, void (*cb)(void), void *opaque,
                                                  vireo_free_cb freecb)
{
    remote_connect_secret_event_register_any_args args = { .eventID = event_id };
    remote_connect_secret_event_register_any_ret ret = { 0 };
    remote_nonnull_secret wire_secret;
    remote_event_reg *reg;

    if (secret) {
        remote_secret_to_wire(secret, &wire_secret);
        args.secret = &wire_secret;
    }
    if (remote_call(conn, REMOTE_PROC_CONNECT_SECRET_EVENT_REGISTER_ANY,
                    (xdrproc_t)xdr_remote_connect_secret_event_register_any_args, &args,
                    (xdrproc_t)xdr_remote_connect_secret_event_register_any_ret, &ret) < 0)
        return -1;
    reg = remote_events_key_new(conn, ret.callbackID,
                                REMOTE_PROC_CONNECT_SECRET_EVENT_DEREGISTER_ANY);
    return remote_events_activate(
        conn, reg, event_register_secret(conn, reg, secret, event_id, cb, opaque, freecb));
}

int remote_proc_connect_network_event_register_any(vireo_conn *conn, vireo_network *net,
                                                   int event_id, void (*cb)(void), void *opaque,
                                                   vireo_free_cb freecb)
{
    remote_connect_network_event_register_any_args args = { .eventID = event_id };
    remote_connect_network_event_register_any_ret ret = { 0 };
    remote_nonnull_network wire_net;
    remote_event_reg *reg;

    if (net) {
        remote_network_to_wire(net, &wire_net);
        args.net = &wire_net;
    }
    if (remote_call(conn, REMOTE_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY,
                    (xdrproc_t)xdr_remote_connect_network_event_register_any_args, &args,
                    (xdrproc_t)xdr_remote_connect_network_event_register_any_ret, &ret) < 0)
        return -1;
    reg = remote_events_key_new(conn, ret.callbackID,
                                REMOTE_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY);
    return remote_events_activate(
        conn, reg, event_register_network(conn, reg, net, event_id, cb, opaque, freecb));
}

/* Called with rc->lock held: the active registration with local id. */
static remote_event_reg *remote_events_find_locked(remote_conn *rc, int local_id)
{
    for (guint i = 0; i < rc->event_regs->len; i++) {
        remote_event_reg *reg = g_ptr_array_index(rc->event_regs, i);

        if (reg->active && reg->local_id == local_id)
            return reg;
    }
    return NULL;
}

/* Remove the local registration callback_id, which must have been made
 * through the register procedure whose deregistration is proc, and the
 * server's side of it. */
static int remote_events_deregister(vireo_conn *conn, int callback_id, int proc)
{
    remote_conn *rc = conn->priv;
    remote_event_reg *reg;

    g_mutex_lock(&rc->lock);
    reg = remote_events_find_locked(rc, callback_id);
    if (reg && reg->deregister_proc != proc) {
        g_mutex_unlock(&rc->lock);
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "could not find event callback %d for deletion", callback_id);
        return -1; /* another kind's: its own deregistration removes it */
    }
    if (reg) {
        reg->active = false;
        g_hash_table_remove(rc->events, GINT_TO_POINTER(reg->remote_id));
    }
    g_mutex_unlock(&rc->lock);
    if (event_deregister(conn, callback_id) < 0)
        return -1; /* not ours: event.c names the id */
    if (!reg)
        return 0;
    return remote_events_call_deregister(conn, proc, reg->remote_id);
}

int remote_proc_connect_domain_event_callback_deregister_any(vireo_conn *conn, int callback_id)
{
    return remote_events_deregister(conn, callback_id,
                                    REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY);
}

int remote_proc_connect_storage_pool_event_deregister_any(vireo_conn *conn, int callback_id)
{
    return remote_events_deregister(conn, callback_id,
                                    REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY);
}

int remote_proc_connect_secret_event_deregister_any(vireo_conn *conn, int callback_id)
{
    return remote_events_deregister(conn, callback_id,
                                    REMOTE_PROC_CONNECT_SECRET_EVENT_DEREGISTER_ANY);
}

int remote_proc_connect_network_event_deregister_any(vireo_conn *conn, int callback_id)
{
    return remote_events_deregister(conn, callback_id,
                                    REMOTE_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY);
}

const void *remote_event_source(vireo_conn *conn, int callback_id)
{
    remote_conn *rc = conn->priv;
    remote_event_reg *reg;

    if (!rc)
        return NULL;
    g_mutex_lock(&rc->lock);
    reg = g_hash_table_lookup(rc->events, GINT_TO_POINTER(callback_id));
    g_mutex_unlock(&rc->lock);
    return reg;
}

void remote_events_forget(vireo_conn *conn)
{
    remote_conn *rc = conn->priv;

    if (!rc)
        return;
    /* the daemon drops its side with CONNECT_CLOSE or the socket */
    g_mutex_lock(&rc->lock);
    for (guint i = 0; i < rc->event_regs->len; i++)
        ((remote_event_reg *)g_ptr_array_index(rc->event_regs, i))->active = false;
    g_hash_table_remove_all(rc->events);
    g_mutex_unlock(&rc->lock);
}

/* ---- incoming events ---- */

/* Decode one event; a bad one is the transport's to log, not the
 * caller's error. */
static int remote_events_decode(const uint8_t *pkt, size_t len, xdrproc_t filter, void *msg)
{
    if (rpc_packet_decode(pkt, len, filter, msg) < 0) {
        error_reset();
        return -1;
    }
    return 0;
}

int remote_event_device_removed(vireo_conn *conn, const uint8_t *pkt, size_t len)
{
    remote_domain_event_callback_device_removed_msg m;
    const void *source;

    memset(&m, 0, sizeof(m));
    if (remote_events_decode(pkt, len,
                             (xdrproc_t)xdr_remote_domain_event_callback_device_removed_msg,
                             &m) < 0)
        return -1;
    source = remote_event_source(conn, m.callbackID);
    if (source)
        event_emit_device_removed(source, m.msg.dom.name, (const unsigned char *)m.msg.dom.uuid,
                                  m.msg.dom.id, m.msg.devAlias);
    xdr_free((xdrproc_t)xdr_remote_domain_event_callback_device_removed_msg, &m);
    return 0;
}

static int remote_event_pool(vireo_conn *conn, int proc, const uint8_t *pkt, size_t len)
{
    remote_storage_pool_event_lifecycle_msg life;
    remote_storage_pool_event_refresh_msg refresh;
    const void *source;

    memset(&life, 0, sizeof(life));
    memset(&refresh, 0, sizeof(refresh));
    if (proc == REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE) {
        if (remote_events_decode(pkt, len, (xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg,
                                 &life) < 0)
            return -1;
        source = remote_event_source(conn, life.callbackID);
        if (source)
            event_emit_pool_lifecycle(source, life.pool.name, (const unsigned char *)life.pool.uuid,
                                      life.event, life.detail);
        xdr_free((xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg, &life);
        return 0;
    }
    if (remote_events_decode(pkt, len, (xdrproc_t)xdr_remote_storage_pool_event_refresh_msg,
                             &refresh) < 0)
        return -1;
    source = remote_event_source(conn, refresh.callbackID);
    if (source)
        event_emit_pool_refresh(source, refresh.pool.name, (const unsigned char *)refresh.pool.uuid);
    xdr_free((xdrproc_t)xdr_remote_storage_pool_event_refresh_msg, &refresh);
    return 0;
}

static int remote_event_secret(vireo_conn *conn, int proc, const uint8_t *pkt, size_t len)
{
    remote_secret_event_lifecycle_msg life;
    remote_secret_event_value_changed_msg changed;
    const void *source;

    memset(&life, 0, sizeof(life));
    memset(&changed, 0, sizeof(changed));
    if (proc == REMOTE_PROC_SECRET_EVENT_LIFECYCLE) {
        if (remote_events_decode(pkt, len, (xdrproc_t)xdr_remote_secret_event_lifecycle_msg,
                                 &life) < 0)
            return -1;
        source = remote_event_source(conn, life.callbackID);
        if (source)
            event_emit_secret_lifecycle(source, (const unsigned char *)life.secret.uuid,
                                        life.secret.usageType, life.secret.usageID, life.event,
                                        life.detail);
        xdr_free((xdrproc_t)xdr_remote_secret_event_lifecycle_msg, &life);
        return 0;
    }
    if (remote_events_decode(pkt, len, (xdrproc_t)xdr_remote_secret_event_value_changed_msg,
                             &changed) < 0)
        return -1;
    source = remote_event_source(conn, changed.callbackID);
    if (source)
        event_emit_secret_value_changed(source, (const unsigned char *)changed.secret.uuid,
                                        changed.secret.usageType, changed.secret.usageID);
    xdr_free((xdrproc_t)xdr_remote_secret_event_value_changed_msg, &changed);
    return 0;
}

int remote_event_storage_dispatch(vireo_conn *conn, int proc, const uint8_t *pkt, size_t len)
{
    switch (proc) {
    case REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE:
    case REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH:
        return remote_event_pool(conn, proc, pkt, len);
    case REMOTE_PROC_SECRET_EVENT_LIFECYCLE:
    case REMOTE_PROC_SECRET_EVENT_VALUE_CHANGED:
        return remote_event_secret(conn, proc, pkt, len);
    default:
        return -1;
    }
}

int remote_event_network(vireo_conn *conn, const uint8_t *pkt, size_t len)
{
    remote_network_event_lifecycle_msg life;
    const void *source;

    memset(&life, 0, sizeof(life));
    if (remote_events_decode(pkt, len, (xdrproc_t)xdr_remote_network_event_lifecycle_msg,
                             &life) < 0)
        return -1;
    source = remote_event_source(conn, life.callbackID);
    if (source)
        event_emit_network_lifecycle(source, life.net.name, (const unsigned char *)life.net.uuid,
                                     life.event, life.detail);
    xdr_free((xdrproc_t)xdr_remote_network_event_lifecycle_msg, &life);
    return 0;
}
