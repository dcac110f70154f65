/*
 * secret_def.h: libvirt's secret XML <-> secret_def.
 *
 *   <secret ephemeral='no' private='yes'>
 *     <uuid>...</uuid>                    generated when absent
 *     <description>...</description>
 *     <usage type='volume|ceph|iscsi|tls|vtpm'>
 *       <volume>/abs/path</volume>        (volume)
 *       <name>...</name>                  (ceph, tls, vtpm)
 *       <target>...</target>              (iscsi)
 *     </usage>
 *   </secret>
 *
 * Reading is strict (util/xml.h): anything unknown is refused naming it
 * and its line.  The value of a secret is not part of its XML; it is kept
 * apart, encrypted (util/secret_crypt.h).
 */
#ifndef VIREO_CONF_SECRET_DEF_H
#define VIREO_CONF_SECRET_DEF_H

#include <glib.h>
#include <stdbool.h>

#include "vireo/vireo.h"

/* libvirt's virSecretUsageType numbers (clients see them on the wire). */
typedef enum {
    SECRET_USAGE_NONE = 0,
    SECRET_USAGE_VOLUME = 1,
    SECRET_USAGE_CEPH = 2,
    SECRET_USAGE_ISCSI = 3,
    SECRET_USAGE_TLS = 4,
    SECRET_USAGE_VTPM = 5,
    SECRET_USAGE_LAST
} secret_usage_type;

/* "none", "volume", "ceph", "iscsi", "tls", "vtpm", NULL: indexed by
 * secret_usage_type. */
extern const char *const secret_usage_names[];

/* One secret's definition; owns its strings. */
typedef struct secret_def {
    unsigned char uuid[VIREO_UUID_BUFLEN];
    bool ephemeral;            /* kept in memory only, never written to disk */
    bool is_private;           /* the value is never given back to clients */
    char *description;         /* NULL when absent */
    secret_usage_type usage;
    char *usage_id;            /* the volume path, ceph/tls/vtpm name or iscsi
                                * target; NULL exactly when usage is NONE */
} secret_def;

/* Parse secret XML.  Caller frees with secret_def_free.  NULL with the
 * thread's error set (libvirt's codes, domain VIREO_FROM_SECRET). */
secret_def *secret_def_parse(const char *xml);

/* The XML, in libvirt's layout (ephemeral and private always written).
 * Caller g_free()s. */
char *secret_def_format(const secret_def *def);

void secret_def_free(secret_def *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(secret_def, secret_def_free)

/* What virSecretGetUsageID returns: the volume path, the ceph name, the
 * iscsi target, the tls or vtpm name; NULL for a secret without usage.
 * Borrowed from def. */
const char *secret_def_usage_id(const secret_def *def);

/* The element under <usage> holding the usage id for a type ("volume",
 * "name", "target"); NULL for NONE. */
const char *secret_usage_element(secret_usage_type usage);

#endif
