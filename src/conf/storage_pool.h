/*
 * storage_pool.h: a storage pool's definition, parsed from and formatted
 * to libvirt's storage pool XML (storagepool.rng).
 *
 * A storage_pool_def is a plain tree of owned values: whoever holds the
 * pointer owns everything under it and frees it with storage_pool_free().
 * Sizes are in bytes.  Strings are g_malloc'd; NULL = absent.
 */
#ifndef VIREO_CONF_STORAGE_POOL_H
#define VIREO_CONF_STORAGE_POOL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "vireo/vireo.h"

/* <pool type=...>; names in storage_pool_type_names */
typedef enum {
    STORAGE_POOL_DIR,
    STORAGE_POOL_FS,
    STORAGE_POOL_NETFS,
    STORAGE_POOL_LOGICAL,
    STORAGE_POOL_DISK,
    STORAGE_POOL_ISCSI,
    STORAGE_POOL_ISCSI_DIRECT,
    STORAGE_POOL_LAST
} storage_pool_type;
extern const char *const storage_pool_type_names[];

/* <permissions> of a pool's or volume's target */
typedef struct storage_perms {
    int mode;               /* -1: not given */
    int64_t owner;          /* uid, -1: not given */
    int64_t group;          /* gid, -1: not given */
    char *label;            /* SELinux label */
} storage_perms;

typedef struct storage_pool_host {
    char *name;
    unsigned int port;      /* 0: not given */
} storage_pool_host;

typedef struct storage_pool_device {
    char *path;
    char *part_separator;   /* "yes" / "no" (disk pools) */
} storage_pool_device;

typedef struct storage_pool_source {
    GPtrArray *hosts;       /* storage_pool_host *, never NULL after parse */
    GPtrArray *devices;     /* storage_pool_device *, never NULL after parse */
    char *dir;              /* <dir path=''/> (netfs) */
    char *name;             /* <name> (logical: the volume group) */
    char *format;           /* <format type=''/>, filled with the type's default */
    char *protocol_ver;     /* <protocol ver=''/> (netfs) */
    char *initiator_iqn;    /* <initiator><iqn name=''/> */
    char *auth_type;        /* <auth type=''>: "chap" / "ceph" */
    char *auth_username;
    char *auth_secret_uuid; /* <secret uuid=''/> ... */
    char *auth_secret_usage;/* ... or <secret usage=''/> */
    char *vendor;           /* <vendor name=''/> */
    char *product;          /* <product name=''/> */
} storage_pool_source;

typedef struct storage_pool_def {
    storage_pool_type type;
    char *name;
    unsigned char uuid[VIREO_UUID_BUFLEN];  /* generated when absent */
    uint64_t capacity;      /* bytes: what the driver last measured */
    uint64_t allocation;
    uint64_t available;
    char *cow;              /* <features><cow state=''/>: "yes" / "no" */
    storage_pool_source source;
    char *target_path;      /* cleaned; NULL only for iscsi-direct */
    storage_perms perms;    /* of the target */
} storage_pool_def;

/* Parse pool XML (flags: none yet, pass 0).  NULL with the error set
 * (VIREO_ERR_XML_ERROR naming the element, attribute and line for what is
 * unknown or invalid).  Caller frees with storage_pool_free. */
storage_pool_def *storage_pool_parse(const char *xml, unsigned int flags);
/* libvirt's layout (flags: none yet, pass 0).  Caller g_free()s. */
char *storage_pool_format(const storage_pool_def *def, unsigned int flags);
void storage_pool_free(storage_pool_def *def);
/* The <source><format type=''/> values of type, in libvirt's order, and
 * the default (NULL, NULL: the type has no source format). */
const char *const *storage_pool_source_formats(storage_pool_type type, const char **default_format);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(storage_pool_def, storage_pool_free)

#endif
