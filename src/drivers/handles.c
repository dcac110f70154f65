/*
 * handles.c: reference-counted connection and domain handles.
 *
 * Counts are atomic so handles can be shared between threads without a
 * lock; what a handle names (name, UUID, id) never changes after it is
 * made.
 */
#include <string.h>

#include "drivers/driver.h"
#include "drivers/event.h"
#include "drivers/handles.h"

vireo_conn *conn_handle_new(const char *uri, bool read_only)
{
    vireo_conn *conn = g_new0(vireo_conn, 1);

    conn->refs = 1;
    conn->uri = g_strdup(uri);
    conn->read_only = read_only;
    return conn;
}

void conn_handle_ref(vireo_conn *conn)
{
    g_atomic_int_inc(&conn->refs);
}

bool conn_handle_ref_if_alive(vireo_conn *conn)
{
    int refs = g_atomic_int_get(&conn->refs);

    while (refs > 0) {
        if (g_atomic_int_compare_and_exchange(&conn->refs, refs, refs + 1))
            return true;
        refs = g_atomic_int_get(&conn->refs);
    }
    return false;
}

int conn_handle_unref(vireo_conn *conn)
{
    int old = g_atomic_int_add(&conn->refs, -1);

    if (old > 1)
        return old - 1;
    /* last reference: no delivery can start on conn any more */
    event_conn_forget(conn);
    if (conn->driver && conn->driver->conn->conn_close)
        conn->driver->conn->conn_close(conn);
    g_free(conn->uri);
    g_free(conn);
    return 0;
}

vireo_domain *domain_handle_new(vireo_conn *conn, const char *name,
                                const unsigned char uuid[VIREO_UUID_BUFLEN], int id)
{
    vireo_domain *dom = g_new0(vireo_domain, 1);

    dom->refs = 1;
    conn_handle_ref(conn);
    dom->conn = conn;
    dom->name = g_strdup(name);
    memcpy(dom->uuid, uuid, VIREO_UUID_BUFLEN);
    dom->id = id;
    return dom;
}

void domain_handle_ref(vireo_domain *dom)
{
    g_atomic_int_inc(&dom->refs);
}

int domain_handle_unref(vireo_domain *dom)
{
    int old = g_atomic_int_add(&dom->refs, -1);

    if (old > 1)
        return old - 1;
    conn_handle_unref(dom->conn);
    g_free(dom->name);
    g_free(dom);
    return 0;
}
