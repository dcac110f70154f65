/*
 * libvireo-events-storage.c: the public API for storage pool and secret
 * event registrations, over the connection's storage and secret tables.
 *
 * Same checks as vireo_conn_domain_event_register_any (libvireo.c): a
 * live connection, a handle of that connection or NULL for every object,
 * a callback, and an entry in the table.
 */
#include "libvireo-priv.h"
#include "util/uuid.h"

int vireo_conn_storage_pool_event_register_any(vireo_conn *conn, vireo_storage_pool *pool,
                                               int event_id, void (*cb)(void), void *opaque,
                                               vireo_free_cb freecb)
{
    API_CONN_STORAGE_ENTRY(conn, event_register_any, false, -1);
    if (pool && !api_pool_ok(pool, __func__))
        return -1;
    if (pool && pool->conn != conn) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "storage pool '%s' in %s belongs to another connection", pool->name,
                     __func__);
        return -1;
    }
    if (!cb) {
        api_invalid_arg(__func__, "cb");
        return -1;
    }
    return conn->driver->storage->event_register_any(conn, pool, event_id, cb, opaque, freecb);
}

int vireo_conn_storage_pool_event_deregister_any(vireo_conn *conn, int callback_id)
{
    API_CONN_STORAGE_ENTRY(conn, event_deregister_any, false, -1);
    if (callback_id < 0) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG, "callback_id in %s must be >= 0",
                     __func__);
        return -1;
    }
    return conn->driver->storage->event_deregister_any(conn, callback_id);
}

int vireo_conn_secret_event_register_any(vireo_conn *conn, vireo_secret *secret, int event_id,
                                         void (*cb)(void), void *opaque, vireo_free_cb freecb)
{
    API_CONN_SECRET_ENTRY(conn, event_register_any, false, -1);
    if (secret && !api_secret_ok(secret, __func__))
        return -1;
    if (secret && secret->conn != conn) {
        char uuid[VIREO_UUID_STRING_BUFLEN];

        uuid_format(secret->uuid, uuid);
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "secret '%s' in %s belongs to another connection", uuid, __func__);
        return -1;
    }
    if (!cb) {
        api_invalid_arg(__func__, "cb");
        return -1;
    }
    return conn->driver->secret->event_register_any(conn, secret, event_id, cb, opaque, freecb);
}

int vireo_conn_secret_event_deregister_any(vireo_conn *conn, int callback_id)
{
    API_CONN_SECRET_ENTRY(conn, event_deregister_any, false, -1);
    if (callback_id < 0) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG, "callback_id in %s must be >= 0",
                     __func__);
        return -1;
    }
    return conn->driver->secret->event_deregister_any(conn, callback_id);
}
