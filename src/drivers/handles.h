/*
 * handles.h: what a vireo_conn and a vireo_domain are inside.
 *
 * A handle is a small reference-counted object naming a thing on one
 * connection.  A domain handle carries name, UUID and id as they were
 * when it was made (as libvirt's virDomainPtr does, and as the wire
 * carries them); the driver looks the domain up again by UUID on use.
 */
#ifndef VIREO_DRIVERS_HANDLES_H
#define VIREO_DRIVERS_HANDLES_H

#include <glib.h>
#include <stdbool.h>

#include "vireo/vireo.h"
#include "util/uri.h"

struct driver;

struct vireo_conn {
    gint refs;                   /* atomic */
    const struct driver *driver; /* set once at open */
    void *priv;                  /* the driver's, released by its conn_close */
    bool read_only;              /* set once at open */
    char *uri;                   /* the URI as opened (owned) */
    struct node_state *node;     /* the node's storage and secrets (drivers/node.h),
                                  * set at open by drivers that have them; holds a
                                  * reference released at close */
};

struct vireo_domain {
    gint refs;                   /* atomic */
    vireo_conn *conn;            /* holds a reference */
    char *name;                  /* owned */
    unsigned char uuid[VIREO_UUID_BUFLEN];
    int id;                      /* -1 when inactive */
};

struct vireo_storage_pool {
    gint refs;                   /* atomic */
    vireo_conn *conn;            /* holds a reference */
    char *name;                  /* owned */
    unsigned char uuid[VIREO_UUID_BUFLEN];
};

struct vireo_storage_vol {
    gint refs;                   /* atomic */
    vireo_conn *conn;            /* holds a reference */
    char *pool;                  /* owned: the pool's name */
    char *name;                  /* owned */
    char *key;                   /* owned */
};

struct vireo_secret {
    gint refs;                   /* atomic */
    vireo_conn *conn;            /* holds a reference */
    unsigned char uuid[VIREO_UUID_BUFLEN];
    int usage_type;              /* VIREO_SECRET_USAGE_TYPE_* */
    char *usage_id;              /* owned; "" for usage none */
};

struct vireo_network {
    gint refs;                   /* atomic */
    vireo_conn *conn;            /* holds a reference */
    char *name;                  /* owned */
    unsigned char uuid[VIREO_UUID_BUFLEN];
};

struct vireo_nwfilter {
    gint refs;                   /* atomic */
    vireo_conn *conn;            /* holds a reference */
    char *name;                  /* owned */
    unsigned char uuid[VIREO_UUID_BUFLEN];
};

struct vireo_interface {
    gint refs;                   /* atomic */
    vireo_conn *conn;            /* holds a reference */
    char *name;                  /* owned */
    char *mac;                   /* owned: "52:54:00:..." ("00:00:00:00:00:00" for lo) */
};

/* A new connection handle with one reference, not yet bound to a
 * driver.  Released with conn_handle_unref(). */
vireo_conn *conn_handle_new(const char *uri, bool read_only);
void conn_handle_ref(vireo_conn *conn);
/* Take a reference unless the last one is already gone (the connection
 * is closing); true when taken. */
bool conn_handle_ref_if_alive(vireo_conn *conn);
/* Drop a reference; the last one forgets conn's event registrations,
 * calls the driver's conn_close and frees conn.  Returns the references
 * still held. */
int conn_handle_unref(vireo_conn *conn);

/* A new domain handle holding a reference on conn.  Caller frees with
 * vireo_domain_free() / domain_handle_unref(). */
vireo_domain *domain_handle_new(vireo_conn *conn, const char *name,
                                const unsigned char uuid[VIREO_UUID_BUFLEN], int id);
void domain_handle_ref(vireo_domain *dom);
/* Returns the references still held; the last one frees dom and drops
 * its reference on the connection. */
int domain_handle_unref(vireo_domain *dom);

/* The same for pools, volumes and secrets: new handles hold a reference
 * on conn; unref returns the references still held. */
vireo_storage_pool *pool_handle_new(vireo_conn *conn, const char *name,
                                    const unsigned char uuid[VIREO_UUID_BUFLEN]);
void pool_handle_ref(vireo_storage_pool *pool);
int pool_handle_unref(vireo_storage_pool *pool);
vireo_storage_vol *vol_handle_new(vireo_conn *conn, const char *pool, const char *name,
                                  const char *key);
void vol_handle_ref(vireo_storage_vol *vol);
int vol_handle_unref(vireo_storage_vol *vol);
vireo_secret *secret_handle_new(vireo_conn *conn, const unsigned char uuid[VIREO_UUID_BUFLEN],
                                int usage_type, const char *usage_id);
void secret_handle_ref(vireo_secret *secret);
int secret_handle_unref(vireo_secret *secret);
vireo_network *network_handle_new(vireo_conn *conn, const char *name,
                                  const unsigned char uuid[VIREO_UUID_BUFLEN]);
void network_handle_ref(vireo_network *net);
int network_handle_unref(vireo_network *net);
vireo_nwfilter *nwfilter_handle_new(vireo_conn *conn, const char *name,
                                    const unsigned char uuid[VIREO_UUID_BUFLEN]);
void nwfilter_handle_ref(vireo_nwfilter *filter);
int nwfilter_handle_unref(vireo_nwfilter *filter);
vireo_interface *iface_handle_new(vireo_conn *conn, const char *name, const char *mac);
void iface_handle_ref(vireo_interface *iface);
int iface_handle_unref(vireo_interface *iface);

/* The structs drivers hand out through the tables (the public
 * vireo_network_dhcp_lease_free and vireo_domain_interface_free are
 * these); NULL is fine */
void dhcp_lease_free(gpointer lease);
void domain_iface_free(gpointer iface);

#endif
