/*
 * storage_iscsi_sources.h: what iSCSI pools (iscsi and iscsi-direct)
 * share: the portal a <host> names, and find-storage-pool-sources' input
 * (<source><host/><initiator/></source>) and output (<sources>).
 */
#ifndef VIREO_DRIVERS_STORAGE_ISCSI_SOURCES_H
#define VIREO_DRIVERS_STORAGE_ISCSI_SOURCES_H

#include "conf/storage_pool.h"

#define ISCSI_DEFAULT_PORT 3260

/* "host:port" (port 0: 3260), an IPv6 address bracketed.  Caller frees. */
char *iscsi_portal(const storage_pool_host *host);

/* A parsed source spec.  Owns its strings. */
typedef struct iscsi_source_spec {
    storage_pool_host host;
    char *initiator;        /* NULL: not given */
} iscsi_source_spec;

/* Parse text (one <host>, optional <initiator>), for pools of type
 * type_name (named in messages).  -1 with the error set. */
int iscsi_source_spec_parse(const char *text, const char *type_name, iscsi_source_spec *spec);
void iscsi_source_spec_clear(iscsi_source_spec *spec);

/* <sources> with one <source> per target IQN (NULL-terminated), each
 * with the spec's host and initiator.  Caller frees. */
char *iscsi_sources_format(const iscsi_source_spec *spec, char *const *targets);

#endif
