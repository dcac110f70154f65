/*
 * handles.c: reference-counted connection, domain, pool, volume and
 * secret handles.
 *
 * Counts are atomic so handles can be shared between threads without a
 * lock; what a handle names (name, UUID, id) never changes after it is
 * made.
 */
#include <string.h>

#include "drivers/driver.h"
#include "drivers/event.h"
#include "drivers/handles.h"
#include "drivers/node.h"

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
    if (conn->node)
        node_release(conn->node);
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

vireo_storage_vol *vol_handle_new(vireo_conn *conn, const char *pool, const char *name,
                                  const char *key)
{
    vireo_storage_vol *vol = g_new0(vireo_storage_vol, 1);

    vol->refs = 1;
    conn_handle_ref(conn);
    vol->conn = conn;
    vol->pool = g_strdup(pool);
    vol->name = g_strdup(name);
    vol->key = g_strdup(key);
    return vol;
}

void vol_handle_ref(vireo_storage_vol *vol)
{
    g_atomic_int_inc(&vol->refs);
}

int vol_handle_unref(vireo_storage_vol *vol)
{
    int old = g_atomic_int_add(&vol->refs, -1);

    if (old > 1)
        return old - 1;
    conn_handle_unref(vol->conn);
    g_free(vol->pool);
    g_free(vol->name);
    g_free(vol->key);
    g_free(vol);
    return 0;
}

vireo_secret *secret_handle_new(vireo_conn *conn, const unsigned char uuid[VIREO_UUID_BUFLEN],
                                int usage_type, const char *usage_id)
{
    vireo_secret *secret = g_new0(vireo_secret, 1);

    secret->refs = 1;
    conn_handle_ref(conn);
    secret->conn = conn;
    memcpy(secret->uuid, uuid, VIREO_UUID_BUFLEN);
    secret->usage_type = usage_type;
    secret->usage_id = g_strdup(usage_id ? usage_id : "");
    return secret;
}

void secret_handle_ref(vireo_secret *secret)
{
    g_atomic_int_inc(&secret->refs);
}

int secret_handle_unref(vireo_secret *secret)
{
    int old = g_atomic_int_add(&secret->refs, -1);

    if (old > 1)
        return old - 1;
    conn_handle_unref(secret->conn);
    g_free(secret->usage_id);
    g_free(secret);
    return 0;
}

/* Pools, networks and network filters: a name and a UUID. */
#define NAMED_HANDLE(kind, type)                                                              \
    type *kind##_handle_new(vireo_conn *conn, const char *name,                              \
                            const unsigned char uuid[VIREO_UUID_BUFLEN])                     \
    {                                                                                         \
        type *h = g_new0(type, 1);                                                            \
                                                                                              \
        h->refs = 1;                                                                          \
        conn_handle_ref(conn);                                                                \
        h->conn = conn;                                                                       \
        h->name = g_strdup(name);                                                             \
        memcpy(h->uuid, uuid, VIREO_UUID_BUFLEN);                                             \
        return h;                                                                             \
    }                                                                                         \
    void kind##_handle_ref(type *h)                                                           \
    {                                                                                         \
        g_atomic_int_inc(&h->refs);                                                           \
    }                                                                                         \
    int kind##_handle_unref(type *h)                                                          \
    {                                                                                         \
        int old = g_atomic_int_add(&h->refs, -1);                                             \
                                                                                              \
        if (old > 1)                                                                          \
            return old - 1;                                                                   \
        conn_handle_unref(h->conn);                                                           \
        g_free(h->name);                                                                      \
        g_free(h);                                                                            \
        return 0;                                                                             \
    }

NAMED_HANDLE(pool, vireo_storage_pool)
NAMED_HANDLE(network, vireo_network)
NAMED_HANDLE(nwfilter, vireo_nwfilter)

vireo_interface *iface_handle_new(vireo_conn *conn, const char *name, const char *mac)
{
    vireo_interface *iface = g_new0(vireo_interface, 1);

    iface->refs = 1;
    conn_handle_ref(conn);
    iface->conn = conn;
    iface->name = g_strdup(name);
    iface->mac = g_strdup(mac);
    return iface;
}

void iface_handle_ref(vireo_interface *iface)
{
    g_atomic_int_inc(&iface->refs);
}

int iface_handle_unref(vireo_interface *iface)
{
    int old = g_atomic_int_add(&iface->refs, -1);

    if (old > 1)
        return old - 1;
    conn_handle_unref(iface->conn);
    g_free(iface->name);
    g_free(iface->mac);
    g_free(iface);
    return 0;
}

void dhcp_lease_free(gpointer p)
{
    vireo_network_dhcp_lease *lease = p;

    if (!lease)
        return;
    g_free(lease->iface);
    g_free(lease->mac);
    g_free(lease->iaid);
    g_free(lease->ipaddr);
    g_free(lease->hostname);
    g_free(lease->clientid);
    g_free(lease);
}

void domain_iface_free(gpointer p)
{
    vireo_domain_interface *iface = p;

    if (!iface)
        return;
    for (unsigned int i = 0; i < iface->naddrs; i++)
        g_free(iface->addrs[i].addr);
    g_free(iface->addrs);
    g_free(iface->name);
    g_free(iface->hwaddr);
    g_free(iface);
}
