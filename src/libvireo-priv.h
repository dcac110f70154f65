/*
 * libvireo-priv.h: the checks every public call makes before it reaches
 * a driver table (shared by src/libvireo*.c, not installed).
 */
#ifndef VIREO_LIBVIREO_PRIV_H
#define VIREO_LIBVIREO_PRIV_H

#include <stdbool.h>

#include "drivers/driver.h"
#include "util/error.h"

/* Open uri with the in-process drivers only, never the remote driver
 * (vireod opens its clients' URIs with it, so it never dials itself).
 * NO_CONNECT naming the URI when none claims it.  Caller closes. */
vireo_conn *api_conn_open_local(const char *uri, bool read_only);

/* conn is a live connection; reports VIREO_ERR_INVALID_CONN naming func. */
bool api_conn_ok(vireo_conn *conn, const char *func);
/* dom is a live domain handle; reports VIREO_ERR_INVALID_DOMAIN. */
bool api_domain_ok(vireo_domain *dom, const char *func);
/* Refuse a changing call on a read-only connection (OPERATION_DENIED). */
bool api_writable(vireo_conn *conn, const char *func);
/* Report VIREO_ERR_NO_SUPPORT naming func. */
void api_no_support(const char *func);
/* Report VIREO_ERR_INVALID_ARG: "what in func must not be NULL" etc. */
void api_invalid_arg(const char *func, const char *what);
/* uuidstr (a *_lookup_by_uuid_string argument) into uuid; INVALID_ARG
 * naming func when it is NULL or malformed */
int api_uuid_parse(const char *uuidstr, unsigned char uuid[VIREO_UUID_BUFLEN], const char *func);

/* pool, vol, secret are live handles; each reports its own INVALID_*
 * code (INVALID_STORAGE_POOL, INVALID_STORAGE_VOL, INVALID_SECRET). */
bool api_pool_ok(vireo_storage_pool *pool, const char *func);
bool api_vol_ok(vireo_storage_vol *vol, const char *func);
bool api_secret_ok(vireo_secret *secret, const char *func);
/* The same for networks, network filters and host interfaces
 * (INVALID_NETWORK, INVALID_NWFILTER, INVALID_INTERFACE). */
bool api_network_ok(vireo_network *net, const char *func);
bool api_nwfilter_ok(vireo_nwfilter *filter, const char *func);
bool api_iface_ok(vireo_interface *iface, const char *func);

/* The start of every public call that reaches a driver table: clear the
 * thread's error, check the handle (handle_ok, evaluated once), refuse
 * changes on a read-only connection and a missing entry in conn's table
 * (domain, storage, secret, network, nwfilter, iface).  Returns fail
 * from the calling function on a failure.  conn is only evaluated once
 * handle_ok held. */
#define API_TABLE_ENTRY(handle_ok, conn, table, entry, changes, fail)       \
    do {                                                                    \
        error_reset();                                                      \
        if (!(handle_ok))                                                   \
            return fail;                                                    \
        if ((changes) && !api_writable((conn), __func__))                   \
            return fail;                                                    \
        if (!(conn)->driver->table || !(conn)->driver->table->entry) {      \
            api_no_support(__func__);                                       \
            return fail;                                                    \
        }                                                                   \
    } while (0)

/* Calls on a handle, and calls on a connection, per table. */
#define API_DOMAIN_ENTRY(dom, entry, changes, fail) \
    API_TABLE_ENTRY(api_domain_ok((dom), __func__), (dom)->conn, domain, entry, changes, fail)
#define API_CONN_DOMAIN_ENTRY(conn, entry, changes, fail) \
    API_TABLE_ENTRY(api_conn_ok((conn), __func__), (conn), domain, entry, changes, fail)
#define API_POOL_ENTRY(pool, entry, changes, fail) \
    API_TABLE_ENTRY(api_pool_ok((pool), __func__), (pool)->conn, storage, entry, changes, fail)
#define API_VOL_ENTRY(vol, entry, changes, fail) \
    API_TABLE_ENTRY(api_vol_ok((vol), __func__), (vol)->conn, storage, entry, changes, fail)
#define API_CONN_STORAGE_ENTRY(conn, entry, changes, fail) \
    API_TABLE_ENTRY(api_conn_ok((conn), __func__), (conn), storage, entry, changes, fail)
#define API_SECRET_ENTRY(sec, entry, changes, fail) \
    API_TABLE_ENTRY(api_secret_ok((sec), __func__), (sec)->conn, secret, entry, changes, fail)
#define API_CONN_SECRET_ENTRY(conn, entry, changes, fail) \
    API_TABLE_ENTRY(api_conn_ok((conn), __func__), (conn), secret, entry, changes, fail)
#define API_NETWORK_ENTRY(net, entry, changes, fail) \
    API_TABLE_ENTRY(api_network_ok((net), __func__), (net)->conn, network, entry, changes, fail)
#define API_CONN_NETWORK_ENTRY(conn, entry, changes, fail) \
    API_TABLE_ENTRY(api_conn_ok((conn), __func__), (conn), network, entry, changes, fail)
#define API_NWFILTER_ENTRY(filter, entry, changes, fail)                                    \
    API_TABLE_ENTRY(api_nwfilter_ok((filter), __func__), (filter)->conn, nwfilter, entry, \
                    changes, fail)
#define API_CONN_NWFILTER_ENTRY(conn, entry, changes, fail) \
    API_TABLE_ENTRY(api_conn_ok((conn), __func__), (conn), nwfilter, entry, changes, fail)
#define API_IFACE_ENTRY(iface, entry, changes, fail) \
    API_TABLE_ENTRY(api_iface_ok((iface), __func__), (iface)->conn, iface, entry, changes, fail)
#define API_CONN_IFACE_ENTRY(conn, entry, changes, fail) \
    API_TABLE_ENTRY(api_conn_ok((conn), __func__), (conn), iface, entry, changes, fail)

/* The same for calls on a connection's conn table. */
#define API_CONN_ENTRY(conn, entry, fail)                                   \
    do {                                                                    \
        error_reset();                                                      \
        if (!api_conn_ok((conn), __func__))                                 \
            return fail;                                                    \
        if (!(conn)->driver->conn->entry) {                                 \
            api_no_support(__func__);                                       \
            return fail;                                                    \
        }                                                                   \
    } while (0)

#endif
