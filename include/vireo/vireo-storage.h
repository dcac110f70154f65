/*
 * vireo-storage.h: storage pools, volumes and secrets (included by
 * vireo.h; do not include it alone).
 *
 * Same conventions as vireo.h.  Every number is libvirt's: pool and
 * volume states and types, flag bits, event ids.  Handles hold a
 * reference the caller drops with vireo_storage_pool_free(),
 * vireo_storage_vol_free(), vireo_secret_free().  Sizes are in bytes.
 */
#ifndef VIREO_VIREO_STORAGE_H
#define VIREO_VIREO_STORAGE_H

/* ------------------------------------------------------------------ */
/* Storage pools                                                       */
/* ------------------------------------------------------------------ */

/* virStoragePoolState */
enum {
    VIREO_STORAGE_POOL_INACTIVE = 0,
    VIREO_STORAGE_POOL_BUILDING = 1,
    VIREO_STORAGE_POOL_RUNNING = 2,
    VIREO_STORAGE_POOL_DEGRADED = 3,
    VIREO_STORAGE_POOL_INACCESSIBLE = 4,
};

typedef struct vireo_storage_pool_info {
    int state;                     /* VIREO_STORAGE_POOL_* */
    unsigned long long capacity;   /* bytes */
    unsigned long long allocation;
    unsigned long long available;
} vireo_storage_pool_info;

/* virStoragePoolBuildFlags (also for vireo_storage_pool_create's build) */
enum {
    VIREO_STORAGE_POOL_BUILD_NEW = 0,
    VIREO_STORAGE_POOL_BUILD_REPAIR = 1 << 0,
    VIREO_STORAGE_POOL_BUILD_RESIZE = 1 << 1,
    VIREO_STORAGE_POOL_BUILD_NO_OVERWRITE = 1 << 2,
    VIREO_STORAGE_POOL_BUILD_OVERWRITE = 1 << 3,
};
/* virStoragePoolCreateFlags */
enum {
    VIREO_STORAGE_POOL_CREATE_NORMAL = 0,
    VIREO_STORAGE_POOL_CREATE_WITH_BUILD = 1 << 0,
    VIREO_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE = 1 << 1,
    VIREO_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE = 1 << 2,
};
/* virStoragePoolDeleteFlags */
enum { VIREO_STORAGE_POOL_DELETE_NORMAL = 0, VIREO_STORAGE_POOL_DELETE_ZEROED = 1 << 0 };
/* virStoragePoolDefineFlags */
enum { VIREO_STORAGE_POOL_DEFINE_VALIDATE = 1 << 0 };
/* virStorageXMLFlags: the persistent definition, not the running one */
enum { VIREO_STORAGE_XML_INACTIVE = 1 << 0 };

/* virConnectListAllStoragePoolsFlags */
enum {
    VIREO_LIST_STORAGE_POOLS_INACTIVE = 1 << 0,
    VIREO_LIST_STORAGE_POOLS_ACTIVE = 1 << 1,
    VIREO_LIST_STORAGE_POOLS_PERSISTENT = 1 << 2,
    VIREO_LIST_STORAGE_POOLS_TRANSIENT = 1 << 3,
    VIREO_LIST_STORAGE_POOLS_AUTOSTART = 1 << 4,
    VIREO_LIST_STORAGE_POOLS_NO_AUTOSTART = 1 << 5,
    VIREO_LIST_STORAGE_POOLS_DIR = 1 << 6,
    VIREO_LIST_STORAGE_POOLS_FS = 1 << 7,
    VIREO_LIST_STORAGE_POOLS_NETFS = 1 << 8,
    VIREO_LIST_STORAGE_POOLS_LOGICAL = 1 << 9,
    VIREO_LIST_STORAGE_POOLS_DISK = 1 << 10,
    VIREO_LIST_STORAGE_POOLS_ISCSI = 1 << 11,
    VIREO_LIST_STORAGE_POOLS_ISCSI_DIRECT = 1 << 19,
};

const char *vireo_storage_pool_get_name(vireo_storage_pool *pool);
int vireo_storage_pool_get_uuid(vireo_storage_pool *pool, unsigned char uuid[VIREO_UUID_BUFLEN]);
int vireo_storage_pool_get_uuid_string(vireo_storage_pool *pool,
                                       char buf[VIREO_UUID_STRING_BUFLEN]);
vireo_conn *vireo_storage_pool_get_conn(vireo_storage_pool *pool);
int vireo_storage_pool_ref(vireo_storage_pool *pool);
int vireo_storage_pool_free(vireo_storage_pool *pool);

vireo_storage_pool *vireo_storage_pool_lookup_by_name(vireo_conn *conn, const char *name);
vireo_storage_pool *vireo_storage_pool_lookup_by_uuid(vireo_conn *conn,
                                                      const unsigned char uuid[VIREO_UUID_BUFLEN]);
vireo_storage_pool *vireo_storage_pool_lookup_by_uuid_string(vireo_conn *conn, const char *uuid);
vireo_storage_pool *vireo_storage_pool_lookup_by_volume(vireo_storage_vol *vol);
vireo_storage_pool *vireo_storage_pool_lookup_by_target_path(vireo_conn *conn, const char *path);

/* Every pool matching flags (VIREO_LIST_STORAGE_POOLS_*), sorted by name;
 * *pools a NULL-terminated array freed with vireo_storage_pool_list_free. */
int vireo_conn_list_all_storage_pools(vireo_conn *conn, vireo_storage_pool ***pools,
                                      unsigned int flags);
void vireo_storage_pool_list_free(vireo_storage_pool **pools);

vireo_storage_pool *vireo_storage_pool_define_xml(vireo_conn *conn, const char *xml,
                                                  unsigned int flags);
/* A transient pool, started at once (VIREO_STORAGE_POOL_CREATE_*). */
vireo_storage_pool *vireo_storage_pool_create_xml(vireo_conn *conn, const char *xml,
                                                  unsigned int flags);
int vireo_storage_pool_undefine(vireo_storage_pool *pool);
/* Start (VIREO_STORAGE_POOL_CREATE_*). */
int vireo_storage_pool_create(vireo_storage_pool *pool, unsigned int flags);
/* Make the pool's underlying storage (VIREO_STORAGE_POOL_BUILD_*). */
int vireo_storage_pool_build(vireo_storage_pool *pool, unsigned int flags);
/* Stop; the data stays. */
int vireo_storage_pool_destroy(vireo_storage_pool *pool);
/* Remove the underlying storage of an inactive pool. */
int vireo_storage_pool_delete(vireo_storage_pool *pool, unsigned int flags);
int vireo_storage_pool_refresh(vireo_storage_pool *pool, unsigned int flags);
int vireo_storage_pool_get_info(vireo_storage_pool *pool, vireo_storage_pool_info *info);
char *vireo_storage_pool_get_xml_desc(vireo_storage_pool *pool, unsigned int flags);
int vireo_storage_pool_get_autostart(vireo_storage_pool *pool, int *autostart);
int vireo_storage_pool_set_autostart(vireo_storage_pool *pool, int autostart);
int vireo_storage_pool_is_active(vireo_storage_pool *pool);
int vireo_storage_pool_is_persistent(vireo_storage_pool *pool);
int vireo_storage_pool_num_of_volumes(vireo_storage_pool *pool);

/* Pools the host has of type ("logical", "iscsi-direct"...), as a
 * <sources> document; src_spec: a <source> narrowing the search or NULL. */
char *vireo_conn_find_storage_pool_sources(vireo_conn *conn, const char *type,
                                           const char *src_spec, unsigned int flags);
/* <storagepoolCapabilities>: which pool types this host supports. */
char *vireo_conn_get_storage_pool_capabilities(vireo_conn *conn, unsigned int flags);

/* ------------------------------------------------------------------ */
/* Storage volumes                                                     */
/* ------------------------------------------------------------------ */

/* virStorageVolType */
enum {
    VIREO_STORAGE_VOL_FILE = 0,
    VIREO_STORAGE_VOL_BLOCK = 1,
    VIREO_STORAGE_VOL_DIR = 2,
    VIREO_STORAGE_VOL_NETWORK = 3,
    VIREO_STORAGE_VOL_NETDIR = 4,
};

typedef struct vireo_storage_vol_info {
    int type;                      /* VIREO_STORAGE_VOL_* */
    unsigned long long capacity;   /* bytes the guest sees */
    unsigned long long allocation; /* bytes used on the host */
} vireo_storage_vol_info;

/* virStorageVolCreateFlags */
enum {
    VIREO_STORAGE_VOL_CREATE_PREALLOC_METADATA = 1 << 0,
    VIREO_STORAGE_VOL_CREATE_REFLINK = 1 << 1,
    VIREO_STORAGE_VOL_CREATE_VALIDATE = 1 << 2,
};
/* virStorageVolDeleteFlags */
enum {
    VIREO_STORAGE_VOL_DELETE_NORMAL = 0,
    VIREO_STORAGE_VOL_DELETE_ZEROED = 1 << 0,
    VIREO_STORAGE_VOL_DELETE_WITH_SNAPSHOTS = 1 << 1,
};
/* virStorageVolWipeAlgorithm (ZERO is what vireo does) */
enum { VIREO_STORAGE_VOL_WIPE_ALG_ZERO = 0 };
/* virStorageVolResizeFlags */
enum {
    VIREO_STORAGE_VOL_RESIZE_ALLOCATE = 1 << 0,
    VIREO_STORAGE_VOL_RESIZE_DELTA = 1 << 1,
    VIREO_STORAGE_VOL_RESIZE_SHRINK = 1 << 2,
};
/* virStorageVolInfoFlags */
enum { VIREO_STORAGE_VOL_USE_ALLOCATION = 0, VIREO_STORAGE_VOL_GET_PHYSICAL = 1 << 0 };
/* virStorageVolUploadFlags / virStorageVolDownloadFlags */
enum { VIREO_STORAGE_VOL_UPLOAD_SPARSE_STREAM = 1 << 0 };
enum { VIREO_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM = 1 << 0 };

const char *vireo_storage_vol_get_name(vireo_storage_vol *vol);
/* The volume's key (for a file: its path), unique on the host. */
const char *vireo_storage_vol_get_key(vireo_storage_vol *vol);
/* The name of the pool the handle was made for (borrowed). */
const char *vireo_storage_vol_get_pool_name(vireo_storage_vol *vol);
vireo_conn *vireo_storage_vol_get_conn(vireo_storage_vol *vol);
int vireo_storage_vol_ref(vireo_storage_vol *vol);
int vireo_storage_vol_free(vireo_storage_vol *vol);

vireo_storage_vol *vireo_storage_vol_lookup_by_name(vireo_storage_pool *pool, const char *name);
vireo_storage_vol *vireo_storage_vol_lookup_by_key(vireo_conn *conn, const char *key);
vireo_storage_vol *vireo_storage_vol_lookup_by_path(vireo_conn *conn, const char *path);

/* Every volume of an active pool, sorted by name; *vols a NULL-terminated
 * array freed with vireo_storage_vol_list_free.  flags: none yet. */
int vireo_storage_pool_list_all_volumes(vireo_storage_pool *pool, vireo_storage_vol ***vols,
                                        unsigned int flags);
void vireo_storage_vol_list_free(vireo_storage_vol **vols);

vireo_storage_vol *vireo_storage_vol_create_xml(vireo_storage_pool *pool, const char *xml,
                                                unsigned int flags);
/* A new volume with clonevol's content (converted to the new format). */
vireo_storage_vol *vireo_storage_vol_create_xml_from(vireo_storage_pool *pool, const char *xml,
                                                     vireo_storage_vol *clonevol,
                                                     unsigned int flags);
int vireo_storage_vol_delete(vireo_storage_vol *vol, unsigned int flags);
int vireo_storage_vol_wipe(vireo_storage_vol *vol, unsigned int flags);
int vireo_storage_vol_wipe_pattern(vireo_storage_vol *vol, unsigned int algorithm,
                                   unsigned int flags);
int vireo_storage_vol_resize(vireo_storage_vol *vol, unsigned long long capacity,
                             unsigned int flags);
int vireo_storage_vol_get_info(vireo_storage_vol *vol, vireo_storage_vol_info *info);
int vireo_storage_vol_get_info_flags(vireo_storage_vol *vol, vireo_storage_vol_info *info,
                                     unsigned int flags);
char *vireo_storage_vol_get_xml_desc(vireo_storage_vol *vol, unsigned int flags);
char *vireo_storage_vol_get_path(vireo_storage_vol *vol);
/* Attach st to the volume's bytes from offset (length 0: to the end).
 * Upload: the caller sends; download: the caller receives. */
int vireo_storage_vol_upload(vireo_storage_vol *vol, vireo_stream *st,
                             unsigned long long offset, unsigned long long length,
                             unsigned int flags);
int vireo_storage_vol_download(vireo_storage_vol *vol, vireo_stream *st,
                               unsigned long long offset, unsigned long long length,
                               unsigned int flags);

/* ------------------------------------------------------------------ */
/* Secrets                                                             */
/* ------------------------------------------------------------------ */

/* virSecretUsageType */
enum {
    VIREO_SECRET_USAGE_TYPE_NONE = 0,
    VIREO_SECRET_USAGE_TYPE_VOLUME = 1,
    VIREO_SECRET_USAGE_TYPE_CEPH = 2,
    VIREO_SECRET_USAGE_TYPE_ISCSI = 3,
    VIREO_SECRET_USAGE_TYPE_TLS = 4,
    VIREO_SECRET_USAGE_TYPE_VTPM = 5,
};
/* virConnectListAllSecretsFlags */
enum {
    VIREO_LIST_SECRETS_EPHEMERAL = 1 << 0,
    VIREO_LIST_SECRETS_NO_EPHEMERAL = 1 << 1,
    VIREO_LIST_SECRETS_PRIVATE = 1 << 2,
    VIREO_LIST_SECRETS_NO_PRIVATE = 1 << 3,
};

int vireo_secret_get_uuid(vireo_secret *secret, unsigned char uuid[VIREO_UUID_BUFLEN]);
int vireo_secret_get_uuid_string(vireo_secret *secret, char buf[VIREO_UUID_STRING_BUFLEN]);
/* VIREO_SECRET_USAGE_TYPE_*, and the usage's id (borrowed) */
int vireo_secret_get_usage_type(vireo_secret *secret);
const char *vireo_secret_get_usage_id(vireo_secret *secret);
vireo_conn *vireo_secret_get_conn(vireo_secret *secret);
int vireo_secret_ref(vireo_secret *secret);
int vireo_secret_free(vireo_secret *secret);

vireo_secret *vireo_secret_lookup_by_uuid(vireo_conn *conn,
                                          const unsigned char uuid[VIREO_UUID_BUFLEN]);
vireo_secret *vireo_secret_lookup_by_uuid_string(vireo_conn *conn, const char *uuid);
vireo_secret *vireo_secret_lookup_by_usage(vireo_conn *conn, int usage_type, const char *usage_id);
int vireo_conn_list_all_secrets(vireo_conn *conn, vireo_secret ***secrets, unsigned int flags);
void vireo_secret_list_free(vireo_secret **secrets);

vireo_secret *vireo_secret_define_xml(vireo_conn *conn, const char *xml, unsigned int flags);
char *vireo_secret_get_xml_desc(vireo_secret *secret, unsigned int flags);
int vireo_secret_set_value(vireo_secret *secret, const unsigned char *value, size_t value_size,
                           unsigned int flags);
/* The value (caller frees with free()) and its size; a private secret's
 * value is never returned (INVALID_SECRET "secret is private", as libvirt). */
unsigned char *vireo_secret_get_value(vireo_secret *secret, size_t *value_size,
                                      unsigned int flags);
int vireo_secret_undefine(vireo_secret *secret);

/* ------------------------------------------------------------------ */
/* Storage and secret events                                           */
/* ------------------------------------------------------------------ */

/* virStoragePoolEventID, virStoragePoolEventLifecycleType */
enum { VIREO_STORAGE_POOL_EVENT_ID_LIFECYCLE = 0, VIREO_STORAGE_POOL_EVENT_ID_REFRESH = 1 };
enum {
    VIREO_STORAGE_POOL_EVENT_DEFINED = 0,
    VIREO_STORAGE_POOL_EVENT_UNDEFINED = 1,
    VIREO_STORAGE_POOL_EVENT_STARTED = 2,
    VIREO_STORAGE_POOL_EVENT_STOPPED = 3,
    VIREO_STORAGE_POOL_EVENT_CREATED = 4,
    VIREO_STORAGE_POOL_EVENT_DELETED = 5,
};
/* virSecretEventID, virSecretEventLifecycleType */
enum { VIREO_SECRET_EVENT_ID_LIFECYCLE = 0, VIREO_SECRET_EVENT_ID_VALUE_CHANGED = 1 };
enum { VIREO_SECRET_EVENT_DEFINED = 0, VIREO_SECRET_EVENT_UNDEFINED = 1 };

/* Callbacks; the handle is borrowed for the call.  detail is 0. */
typedef void (*vireo_storage_pool_event_lifecycle_cb)(vireo_conn *conn, vireo_storage_pool *pool,
                                                      int event, int detail, void *opaque);
typedef void (*vireo_storage_pool_event_generic_cb)(vireo_conn *conn, vireo_storage_pool *pool,
                                                    void *opaque);
typedef void (*vireo_secret_event_lifecycle_cb)(vireo_conn *conn, vireo_secret *secret,
                                                int event, int detail, void *opaque);
typedef void (*vireo_secret_event_generic_cb)(vireo_conn *conn, vireo_secret *secret,
                                              void *opaque);

/* As vireo_conn_domain_event_register_any: pool / secret NULL for all. */
int vireo_conn_storage_pool_event_register_any(vireo_conn *conn, vireo_storage_pool *pool,
                                               int event_id, void (*cb)(void), void *opaque,
                                               vireo_free_cb freecb);
int vireo_conn_storage_pool_event_deregister_any(vireo_conn *conn, int callback_id);
int vireo_conn_secret_event_register_any(vireo_conn *conn, vireo_secret *secret, int event_id,
                                         void (*cb)(void), void *opaque, vireo_free_cb freecb);
int vireo_conn_secret_event_deregister_any(vireo_conn *conn, int callback_id);

#endif
