/*
 * dispatch_events_storage.c: the hand-written server ends of the storage
 * pool and secret event registrations (procedures 368, 369, 380, 381).
 *
 * As CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY (dispatch_special.c):
 * the optional object narrows the registration to it, and the callback
 * id returned is the one the MESSAGE packets carry (events.c).
 */
#include "daemon/dispatch.h"
#include "drivers/handles.h"
#include "rpc/dispatch_gen.h"

int dispatch_connect_storage_pool_event_register_any(daemon_client *client,
                                                     const rpc_header *hdr G_GNUC_UNUSED,
                                                     void *args_, void *ret_)
{
    remote_connect_storage_pool_event_register_any_args *args = args_;
    remote_connect_storage_pool_event_register_any_ret *ret = ret_;
    vireo_storage_pool *pool = NULL;
    int callback_id = -1;
    int rv;

    if (args->pool)
        pool = dispatch_pool_get(daemon_client_conn(client), args->pool);
    rv = daemon_client_pool_event_register(client, args->eventID, pool, &callback_id);
    if (pool)
        pool_handle_unref(pool);
    if (rv < 0)
        return -1;
    ret->callbackID = callback_id;
    return 0;
}

int dispatch_connect_storage_pool_event_deregister_any(daemon_client *client,
                                                       const rpc_header *hdr G_GNUC_UNUSED,
                                                       void *args_, void *ret_ G_GNUC_UNUSED)
{
    remote_connect_storage_pool_event_deregister_any_args *args = args_;

    return daemon_client_pool_event_deregister(client, args->callbackID);
}

int dispatch_connect_secret_event_register_any(daemon_client *client,
                                               const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                               void *ret_)
{
    remote_connect_secret_event_register_any_args *args = args_;
    remote_connect_secret_event_register_any_ret *ret = ret_;
    vireo_secret *secret = NULL;
    int callback_id = -1;
    int rv;

    if (args->secret)
        secret = dispatch_secret_get(daemon_client_conn(client), args->secret);
    rv = daemon_client_secret_event_register(client, args->eventID, secret, &callback_id);
    if (secret)
        secret_handle_unref(secret);
    if (rv < 0)
        return -1;
    ret->callbackID = callback_id;
    return 0;
}

int dispatch_connect_secret_event_deregister_any(daemon_client *client,
                                                 const rpc_header *hdr G_GNUC_UNUSED,
                                                 void *args_, void *ret_ G_GNUC_UNUSED)
{
    remote_connect_secret_event_deregister_any_args *args = args_;

    return daemon_client_secret_event_deregister(client, args->callbackID);
}
