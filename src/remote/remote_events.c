/*
 * remote_events.c: domain event registrations through the wire.
 *
 * Each local registration is one server-side registration
 * (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, which returns the server's
 * callbackID) and one drivers/event.h registration whose source key is
 * its own remote_event_reg.  An event MESSAGE carries the server's
 * callbackID; remote_event_source() turns it into that key and event.c
 * delivers it on the registering thread's main context, as for a local
 * driver.
 */
#include <string.h>

#include "drivers/event.h"
#include "remote/remote_conn.h"
#include "remote/remote_priv.h"
#include "rpc/remote_gen.h"
#include "util/error.h"

static int remote_events_call_deregister(vireo_conn *conn, int remote_id)
{
    remote_connect_domain_event_callback_deregister_any_args args = { .callbackID = remote_id };

    return remote_call(conn, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                       (xdrproc_t)xdr_remote_connect_domain_event_callback_deregister_any_args,
                       &args, RPC_XDR_VOID, NULL);
}

int remote_proc_connect_domain_event_callback_register_any(vireo_conn *conn, vireo_domain *dom,
                                                           int event_id, void (*cb)(void),
                                                           void *opaque, vireo_free_cb freecb)
{
    remote_conn *rc = conn->priv;
    remote_connect_domain_event_callback_register_any_args args = { .eventID = event_id };
    remote_connect_domain_event_callback_register_any_ret ret = { 0 };
    remote_nonnull_domain wire_dom;
    remote_event_reg *reg;
    int local_id;

    if (dom) {
        remote_domain_to_wire(dom, &wire_dom);
        args.dom = &wire_dom;
    }
    if (remote_call(conn, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                    (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args, &args,
                    (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_ret,
                    &ret) < 0)
        return -1;

    reg = g_new0(remote_event_reg, 1);
    reg->remote_id = ret.callbackID;
    g_mutex_lock(&rc->lock);
    g_ptr_array_add(rc->event_regs, reg); /* the key outlives the registration */
    g_mutex_unlock(&rc->lock);

    local_id = event_register(conn, reg, dom, event_id, cb, opaque, freecb);
    if (local_id < 0) {
        g_autoptr(vireo_error) saved = error_save();

        remote_events_call_deregister(conn, reg->remote_id);
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

int remote_proc_connect_domain_event_callback_deregister_any(vireo_conn *conn, int callback_id)
{
    remote_conn *rc = conn->priv;
    remote_event_reg *reg;

    g_mutex_lock(&rc->lock);
    reg = remote_events_find_locked(rc, callback_id);
    if (reg) {
        reg->active = false;
        g_hash_table_remove(rc->events, GINT_TO_POINTER(reg->remote_id));
    }
    g_mutex_unlock(&rc->lock);
    if (event_deregister(conn, callback_id) < 0)
        return -1; /* not ours: event.c names the id */
    if (!reg)
        return 0;
    return remote_events_call_deregister(conn, reg->remote_id);
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

int remote_event_device_removed(vireo_conn *conn, const uint8_t *pkt, size_t len)
{
    remote_domain_event_callback_device_removed_msg m;
    const void *source;

    memset(&m, 0, sizeof(m));
    if (rpc_packet_decode(pkt, len, (xdrproc_t)xdr_remote_domain_event_callback_device_removed_msg,
                          &m) < 0) {
        error_reset();
        return -1;
    }
    source = remote_event_source(conn, m.callbackID);
    if (source)
        event_emit_device_removed(source, m.msg.dom.name, (const unsigned char *)m.msg.dom.uuid,
                                  m.msg.dom.id, m.msg.devAlias);
    xdr_free((xdrproc_t)xdr_remote_domain_event_callback_device_removed_msg, &m);
    return 0;
}
