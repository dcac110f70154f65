/*
 * storage_state.h: the node's storage pools, kept by vireod (see node.h).
 *
 * The public face is storage_node_driver (storage_driver.h); this header
 * is for the node and for hypervisor drivers that resolve a guest's
 * <disk type='volume'> to what QEMU opens.
 */
#ifndef VIREO_DRIVERS_STORAGE_STATE_H
#define VIREO_DRIVERS_STORAGE_STATE_H

#include "drivers/node.h"
#include "vireo/vireo.h"

typedef struct storage_state storage_state;

/* Load node->config_base/storage and the run state, re-adopt active
 * pools, start autostart ones.  NULL with the error set. */
storage_state *storage_state_open(node_state *node);
/* Waits for running pool jobs. */
void storage_state_close(storage_state *state);

/* What <source pool='' volume=''/> names, for a guest start.  *path:
 * the file or device (owned by caller), *format: the volume's format
 * name ("raw", "qcow2", ...; owned), *vol_type: VIREO_STORAGE_VOL_*,
 * *secret_uuid: the LUKS/qcow2 encryption secret's UUID string or NULL
 * (owned).  -1 with NO_STORAGE_POOL / NO_STORAGE_VOL / OPERATION_INVALID
 * (pool not active) naming what is missing. */
int storage_vol_resolve(node_state *node, const char *pool, const char *volume, char **path,
                        char **format, int *vol_type, char **secret_uuid);

#endif
