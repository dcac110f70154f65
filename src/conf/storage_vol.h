/*
 * storage_vol.h: a storage volume's definition, parsed from and formatted
 * to libvirt's storage volume XML (storagevol.rng).
 *
 * A storage_vol_def is a plain tree of owned values: whoever holds the
 * pointer owns everything under it and frees it with storage_vol_free().
 * Sizes are in bytes.  Strings are g_malloc'd; NULL = absent.  The parser
 * knows no pool: what depends on one (the volume's type, key and path,
 * which formats the pool takes) is the driver's to fill and check.
 */
#ifndef VIREO_CONF_STORAGE_VOL_H
#define VIREO_CONF_STORAGE_VOL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf/storage_pool.h"

/* format type='' names a volume may carry (file, device and partition
 * formats: which apply depends on the pool) */
extern const char *const storage_vol_format_names[];

typedef struct storage_vol_extent {
    uint64_t start;
    uint64_t end;
} storage_vol_extent;

typedef struct storage_vol_device {
    char *path;
    GArray *extents;        /* storage_vol_extent */
} storage_vol_device;

typedef struct storage_vol_def {
    char *type;             /* file, block, dir, network, netdir; NULL: the pool's */
    char *name;
    char *key;
    GPtrArray *source;      /* storage_vol_device *: <source><device>; never NULL */
    uint64_t capacity;      /* bytes */
    uint64_t allocation;    /* bytes; the capacity when not given */
    uint64_t physical;      /* bytes; 0: not given */
    bool has_capacity;      /* <capacity> was given */
    char *path;             /* <target><path> */
    char *format;           /* <target><format type=''/> */
    storage_perms perms;
    char *encryption;       /* <encryption format=''>: default, qcow, luks, luks2 */
    char *encryption_engine;/* engine='': qemu, librbd */
    char *secret_uuid;      /* <secret type='passphrase' uuid=''/> ... */
    char *secret_usage;     /* ... or usage='' */
    char *compat;           /* <compat>1.1</compat> */
    bool nocow;
    uint64_t cluster_size;  /* bytes; 0: not given */
    bool lazy_refcounts;    /* <features><lazy_refcounts/> */
    bool extended_l2;       /* <features><extended_l2/> */
    char *backing_path;     /* <backingStore><path> */
    char *backing_format;
    storage_perms backing_perms;
} storage_vol_def;

enum {
    /* <capacity> may be left out (a clone takes its source's) */
    STORAGE_VOL_PARSE_NO_CAPACITY = 1 << 0,
};

/* Parse volume XML (flags: STORAGE_VOL_PARSE_*).  NULL with the error set
 * (VIREO_ERR_XML_ERROR naming the element, attribute and line for what is
 * unknown or invalid).  Caller frees with storage_vol_free. */
storage_vol_def *storage_vol_parse(const char *xml, unsigned int flags);
/* libvirt's layout (flags: none yet, pass 0).  Caller g_free()s. */
char *storage_vol_format(const storage_vol_def *def, unsigned int flags);
void storage_vol_free(storage_vol_def *def);
/* libvirt's number of a volume type name (virStorageVolType: file 0,
 * block 1, dir 2, network 3, netdir 4); file for NULL or an unknown name. */
int storage_vol_type_number(const char *type);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(storage_vol_def, storage_vol_free)

#endif
