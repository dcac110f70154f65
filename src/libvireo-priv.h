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

/* The start of every public domain call: clear the thread's error, check
 * the handle, refuse changes on a read-only connection and a missing
 * table entry.  Returns fail from the calling function on a failure. */
#define API_DOMAIN_ENTRY(dom, entry, changes, fail)                         \
    do {                                                                    \
        error_reset();                                                      \
        if (!api_domain_ok((dom), __func__))                                \
            return fail;                                                    \
        if ((changes) && !api_writable((dom)->conn, __func__))              \
            return fail;                                                    \
        if (!(dom)->conn->driver->domain || !(dom)->conn->driver->domain->entry) { \
            api_no_support(__func__);                                       \
            return fail;                                                    \
        }                                                                   \
    } while (0)

/* The same for calls on a connection's domain table. */
#define API_CONN_DOMAIN_ENTRY(conn, entry, changes, fail)                   \
    do {                                                                    \
        error_reset();                                                      \
        if (!api_conn_ok((conn), __func__))                                 \
            return fail;                                                    \
        if ((changes) && !api_writable((conn), __func__))                   \
            return fail;                                                    \
        if (!(conn)->driver->domain || !(conn)->driver->domain->entry) {    \
            api_no_support(__func__);                                       \
            return fail;                                                    \
        }                                                                   \
    } while (0)

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
