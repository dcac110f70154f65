/*
 * driver.h: the one seam between the public API and the hypervisors.
 *
 * A driver is a set of tables of function pointers, one per object kind,
 * filled with designated initialisers.  A NULL entry means "not
 * supported": the API layer reports VIREO_ERR_NO_SUPPORT naming the call.
 * The same tables serve the in-process drivers (test, qemu embed), the
 * remote driver (which forwards each entry over the wire) and vireod's
 * dispatcher (which calls the entries for its clients).
 *
 * Every entry reports its own errors (util/error.h) and returns -1 / NULL.
 * Entries are called without any lock held; a driver locks what it owns.
 * Returned vireo_domain handles are new references the caller frees.
 */
#ifndef VIREO_DRIVERS_DRIVER_H
#define VIREO_DRIVERS_DRIVER_H

#include "vireo/vireo.h"
#include "drivers/handles.h"

/* conn_open results */
typedef enum {
    DRIVER_OPEN_DECLINED = 0,  /* not my URI: try the next driver */
    DRIVER_OPEN_SUCCESS = 1,
    DRIVER_OPEN_ERROR = -1,    /* my URI, but it failed (error reported) */
} driver_open_result;

typedef struct conn_driver {
    /* Claim uri (parsed) or decline.  On success the driver may set
     * conn->priv (released by conn_close). */
    driver_open_result (*conn_open)(vireo_conn *conn, const vireo_uri *uri, unsigned int flags);
    int (*conn_close)(vireo_conn *conn);
    const char *(*conn_get_type)(vireo_conn *conn);
    int (*conn_get_version)(vireo_conn *conn, unsigned long *hv_ver);
    char *(*conn_get_hostname)(vireo_conn *conn);
    char *(*conn_get_capabilities)(vireo_conn *conn);
    char *(*conn_get_uri)(vireo_conn *conn);
    int (*conn_is_alive)(vireo_conn *conn);
    int (*node_get_info)(vireo_conn *conn, vireo_node_info *info);
} conn_driver;

typedef struct domain_driver {
    vireo_domain *(*lookup_by_name)(vireo_conn *conn, const char *name);
    vireo_domain *(*lookup_by_uuid)(vireo_conn *conn, const unsigned char *uuid);
    vireo_domain *(*lookup_by_id)(vireo_conn *conn, int id);
    /* *domains: NULL-terminated array of new handles, sorted by name */
    int (*list_all)(vireo_conn *conn, vireo_domain ***domains, unsigned int flags);
    vireo_domain *(*define_xml)(vireo_conn *conn, const char *xml, unsigned int flags);
    int (*undefine)(vireo_domain *dom, unsigned int flags);
    int (*create)(vireo_domain *dom, unsigned int flags);
    vireo_domain *(*create_xml)(vireo_conn *conn, const char *xml, unsigned int flags);
    int (*destroy)(vireo_domain *dom, unsigned int flags);
    int (*shutdown)(vireo_domain *dom, unsigned int flags);
    int (*reboot)(vireo_domain *dom, unsigned int flags);
    int (*suspend)(vireo_domain *dom);
    int (*resume)(vireo_domain *dom);
    int (*get_info)(vireo_domain *dom, vireo_domain_info *info);
    int (*get_state)(vireo_domain *dom, int *state, int *reason, unsigned int flags);
    char *(*get_os_type)(vireo_domain *dom);
    char *(*get_xml_desc)(vireo_domain *dom, unsigned int flags);
    int (*get_autostart)(vireo_domain *dom, int *autostart);
    int (*set_autostart)(vireo_domain *dom, int autostart);
    int (*is_active)(vireo_domain *dom);
    int (*is_persistent)(vireo_domain *dom);
    int (*is_updated)(vireo_domain *dom);
    int (*has_managed_save)(vireo_domain *dom, unsigned int flags);
    int (*reset)(vireo_domain *dom, unsigned int flags);

    /* Saving state to files (qemu_save.c).  dxml: an updated definition
     * for the image, or NULL.  restore works on the connection: the
     * image names its domain. */
    int (*save)(vireo_domain *dom, const char *to, const char *dxml, unsigned int flags);
    int (*restore)(vireo_conn *conn, const char *from, const char *dxml, unsigned int flags);
    char *(*save_image_get_xml_desc)(vireo_conn *conn, const char *file, unsigned int flags);
    int (*managed_save)(vireo_domain *dom, unsigned int flags);
    int (*managed_save_remove)(vireo_domain *dom, unsigned int flags);
    int (*core_dump)(vireo_domain *dom, const char *to, unsigned int flags);

    /* Live and persistent changes (VIREO_DOMAIN_AFFECT_*). */
    int (*attach_device)(vireo_domain *dom, const char *xml, unsigned int flags);
    int (*detach_device)(vireo_domain *dom, const char *xml, unsigned int flags);
    int (*update_device)(vireo_domain *dom, const char *xml, unsigned int flags);
    int (*set_vcpus)(vireo_domain *dom, unsigned int nvcpus, unsigned int flags);
    /* Returns the count the flags (VIREO_DOMAIN_VCPU_*) ask for. */
    int (*get_vcpus_flags)(vireo_domain *dom, unsigned int flags);
    /* memory in KiB */
    int (*set_memory)(vireo_domain *dom, unsigned long memory, unsigned int flags);

    /* Statistics.  Each returns what it filled: memory_stats the count
     * of stats (at most nr_stats); block_stats a new array in *params
     * (caller frees with vireo_typed_params_free) and its length in
     * *nparams; get_all_stats a NULL-terminated array of records (doms
     * NULL: every domain matching the VIREO_CONNECT_GET_ALL_DOMAINS_STATS_*
     * filters in flags), the count as its value. */
    int (*memory_stats)(vireo_domain *dom, vireo_domain_memory_stat *stats,
                        unsigned int nr_stats, unsigned int flags);
    int (*block_stats)(vireo_domain *dom, const char *disk, vireo_typed_param **params,
                       int *nparams, unsigned int flags);
    int (*interface_stats)(vireo_domain *dom, const char *device,
                           vireo_interface_stats *stats);
    /* *ifaces: count interfaces (g_new; each freed by vireo_domain_interface_free) */
    int (*interface_addresses)(vireo_domain *dom, vireo_domain_interface ***ifaces,
                               unsigned int source, unsigned int flags);
    int (*get_all_stats)(vireo_conn *conn, vireo_domain **doms, unsigned int ndoms,
                         unsigned int stats, vireo_domain_stats_record ***records,
                         unsigned int flags);

    /* Attach st to the domain's console dev_name (NULL: the first). */
    int (*open_console)(vireo_domain *dom, const char *dev_name, vireo_stream *st,
                        unsigned int flags);
    /* *msgs: a NULL-terminated array of new strings; returns the count. */
    int (*get_messages)(vireo_domain *dom, char ***msgs, unsigned int flags);

    /* dom NULL: every domain.  Returns a callback id. */
    int (*event_register_any)(vireo_conn *conn, vireo_domain *dom, int event_id,
                              void (*cb)(void), void *opaque, vireo_free_cb freecb);
    int (*event_deregister_any)(vireo_conn *conn, int callback_id);

    /* virDomainLxcOpenNamespace (issue 11): *fds (g_new) the descriptors
     * of the running container's namespaces; returns their count. */
    int (*lxc_open_namespace)(vireo_domain *dom, int **fds, unsigned int flags);
} domain_driver;

/* Storage pools and volumes.  Handles returned are new references.
 * Entries on a pool or volume find it again by name (the pool's, then
 * the volume's): a handle may outlive what it named (NO_STORAGE_POOL /
 * NO_STORAGE_VOL naming it). */
typedef struct storage_driver {
    /* *pools: NULL-terminated, sorted by name (VIREO_LIST_STORAGE_POOLS_*) */
    int (*pool_list_all)(vireo_conn *conn, vireo_storage_pool ***pools, unsigned int flags);
    vireo_storage_pool *(*pool_lookup_by_name)(vireo_conn *conn, const char *name);
    vireo_storage_pool *(*pool_lookup_by_uuid)(vireo_conn *conn, const unsigned char *uuid);
    vireo_storage_pool *(*pool_lookup_by_volume)(vireo_storage_vol *vol);
    vireo_storage_pool *(*pool_lookup_by_target_path)(vireo_conn *conn, const char *path);
    vireo_storage_pool *(*pool_define_xml)(vireo_conn *conn, const char *xml, unsigned int flags);
    vireo_storage_pool *(*pool_create_xml)(vireo_conn *conn, const char *xml, unsigned int flags);
    int (*pool_undefine)(vireo_storage_pool *pool);
    int (*pool_create)(vireo_storage_pool *pool, unsigned int flags);
    int (*pool_build)(vireo_storage_pool *pool, unsigned int flags);
    int (*pool_destroy)(vireo_storage_pool *pool);
    int (*pool_delete)(vireo_storage_pool *pool, unsigned int flags);
    int (*pool_refresh)(vireo_storage_pool *pool, unsigned int flags);
    /* state: VIREO_STORAGE_POOL_*; sizes in bytes */
    int (*pool_get_info)(vireo_storage_pool *pool, int *state, unsigned long long *capacity,
                         unsigned long long *allocation, unsigned long long *available);
    char *(*pool_get_xml_desc)(vireo_storage_pool *pool, unsigned int flags);
    int (*pool_get_autostart)(vireo_storage_pool *pool, int *autostart);
    int (*pool_set_autostart)(vireo_storage_pool *pool, int autostart);
    int (*pool_is_active)(vireo_storage_pool *pool);
    int (*pool_is_persistent)(vireo_storage_pool *pool);
    int (*pool_num_of_volumes)(vireo_storage_pool *pool);
    /* *vols: NULL-terminated, sorted by name */
    int (*pool_list_volumes)(vireo_storage_pool *pool, vireo_storage_vol ***vols,
                             unsigned int flags);
    char *(*find_pool_sources)(vireo_conn *conn, const char *type, const char *src_spec,
                               unsigned int flags);
    char *(*get_pool_capabilities)(vireo_conn *conn, unsigned int flags);

    vireo_storage_vol *(*vol_lookup_by_name)(vireo_storage_pool *pool, const char *name);
    vireo_storage_vol *(*vol_lookup_by_key)(vireo_conn *conn, const char *key);
    vireo_storage_vol *(*vol_lookup_by_path)(vireo_conn *conn, const char *path);
    vireo_storage_vol *(*vol_create_xml)(vireo_storage_pool *pool, const char *xml,
                                         unsigned int flags);
    vireo_storage_vol *(*vol_create_xml_from)(vireo_storage_pool *pool, const char *xml,
                                              vireo_storage_vol *clonevol, unsigned int flags);
    int (*vol_delete)(vireo_storage_vol *vol, unsigned int flags);
    int (*vol_wipe_pattern)(vireo_storage_vol *vol, unsigned int algorithm, unsigned int flags);
    int (*vol_resize)(vireo_storage_vol *vol, unsigned long long capacity, unsigned int flags);
    /* type: VIREO_STORAGE_VOL_*; flags VIREO_STORAGE_VOL_GET_PHYSICAL */
    int (*vol_get_info)(vireo_storage_vol *vol, int *type, unsigned long long *capacity,
                        unsigned long long *allocation, unsigned int flags);
    char *(*vol_get_xml_desc)(vireo_storage_vol *vol, unsigned int flags);
    char *(*vol_get_path)(vireo_storage_vol *vol);
    /* Attach st as producer (download) or consumer side (upload). */
    int (*vol_upload)(vireo_storage_vol *vol, vireo_stream *st, unsigned long long offset,
                      unsigned long long length, unsigned int flags);
    int (*vol_download)(vireo_storage_vol *vol, vireo_stream *st, unsigned long long offset,
                        unsigned long long length, unsigned int flags);

    /* pool NULL: every pool.  Returns a callback id. */
    int (*event_register_any)(vireo_conn *conn, vireo_storage_pool *pool, int event_id,
                              void (*cb)(void), void *opaque, vireo_free_cb freecb);
    int (*event_deregister_any)(vireo_conn *conn, int callback_id);
} storage_driver;

/* Secrets.  get_value never returns a private secret's value: code
 * inside vireod that needs it (a disk's key) asks the node's secret
 * store (drivers/secret/secret_store.h), not this table. */
typedef struct secret_driver {
    /* *secrets: NULL-terminated, sorted by UUID (VIREO_LIST_SECRETS_*) */
    int (*list_all)(vireo_conn *conn, vireo_secret ***secrets, unsigned int flags);
    vireo_secret *(*lookup_by_uuid)(vireo_conn *conn, const unsigned char *uuid);
    vireo_secret *(*lookup_by_usage)(vireo_conn *conn, int usage_type, const char *usage_id);
    vireo_secret *(*define_xml)(vireo_conn *conn, const char *xml, unsigned int flags);
    char *(*get_xml_desc)(vireo_secret *secret, unsigned int flags);
    int (*set_value)(vireo_secret *secret, const unsigned char *value, size_t value_size,
                     unsigned int flags);
    /* A new buffer (g_free) of *value_size bytes. */
    unsigned char *(*get_value)(vireo_secret *secret, size_t *value_size, unsigned int flags);
    int (*undefine)(vireo_secret *secret);
    /* secret NULL: every secret.  Returns a callback id. */
    int (*event_register_any)(vireo_conn *conn, vireo_secret *secret, int event_id,
                              void (*cb)(void), void *opaque, vireo_free_cb freecb);
    int (*event_deregister_any)(vireo_conn *conn, int callback_id);
} secret_driver;

/* Virtual networks (drivers/network).  Entries on a network find it
 * again by UUID; a handle may outlive it (NO_NETWORK naming it). */
typedef struct network_driver {
    /* *nets: NULL-terminated, sorted by name (VIREO_LIST_NETWORKS_*) */
    int (*list_all)(vireo_conn *conn, vireo_network ***nets, unsigned int flags);
    vireo_network *(*lookup_by_name)(vireo_conn *conn, const char *name);
    vireo_network *(*lookup_by_uuid)(vireo_conn *conn, const unsigned char *uuid);
    vireo_network *(*define_xml)(vireo_conn *conn, const char *xml, unsigned int flags);
    vireo_network *(*create_xml)(vireo_conn *conn, const char *xml, unsigned int flags);
    int (*undefine)(vireo_network *net);
    int (*create)(vireo_network *net);
    int (*destroy)(vireo_network *net);
    char *(*get_xml_desc)(vireo_network *net, unsigned int flags);
    char *(*get_bridge_name)(vireo_network *net);
    int (*get_autostart)(vireo_network *net, int *autostart);
    int (*set_autostart)(vireo_network *net, int autostart);
    int (*is_active)(vireo_network *net);
    int (*is_persistent)(vireo_network *net);
    int (*update)(vireo_network *net, unsigned int command, unsigned int section,
                  int parent_index, const char *xml, unsigned int flags);
    /* *leases: count leases (g_new; each freed by vireo_network_dhcp_lease_free) */
    int (*get_dhcp_leases)(vireo_network *net, const char *mac,
                           vireo_network_dhcp_lease ***leases, unsigned int flags);
    /* net NULL: every network.  Returns a callback id. */
    int (*event_register_any)(vireo_conn *conn, vireo_network *net, int event_id,
                              void (*cb)(void), void *opaque, vireo_free_cb freecb);
    int (*event_deregister_any)(vireo_conn *conn, int callback_id);
} network_driver;

/* Network filters (drivers/nwfilter). */
typedef struct nwfilter_driver {
    /* *filters: NULL-terminated, sorted by name */
    int (*list_all)(vireo_conn *conn, vireo_nwfilter ***filters, unsigned int flags);
    vireo_nwfilter *(*lookup_by_name)(vireo_conn *conn, const char *name);
    vireo_nwfilter *(*lookup_by_uuid)(vireo_conn *conn, const unsigned char *uuid);
    vireo_nwfilter *(*define_xml)(vireo_conn *conn, const char *xml, unsigned int flags);
    int (*undefine)(vireo_nwfilter *filter);
    char *(*get_xml_desc)(vireo_nwfilter *filter, unsigned int flags);
} nwfilter_driver;

/* The host's interfaces, read-only (drivers/interface). */
typedef struct interface_driver {
    /* *ifaces: NULL-terminated, sorted by name (VIREO_LIST_INTERFACES_*) */
    int (*list_all)(vireo_conn *conn, vireo_interface ***ifaces, unsigned int flags);
    vireo_interface *(*lookup_by_name)(vireo_conn *conn, const char *name);
    vireo_interface *(*lookup_by_mac_string)(vireo_conn *conn, const char *mac);
    char *(*get_xml_desc)(vireo_interface *iface, unsigned int flags);
    int (*is_active)(vireo_interface *iface);
} interface_driver;

/* A hypervisor driver: its name (for logs) and its tables.  storage,
 * secret, network and nwfilter are the node's (drivers/node.h), iface
 * the host's; NULL when the driver has none. */
typedef struct driver {
    const char *name;
    const conn_driver *conn;
    const domain_driver *domain;
    const storage_driver *storage;
    const secret_driver *secret;
    const network_driver *network;
    const nwfilter_driver *nwfilter;
    const interface_driver *iface;
} driver;

#endif
