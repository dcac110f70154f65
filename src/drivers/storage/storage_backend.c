/*
 * storage_backend.c: the backend of each pool type.
 */
#include "drivers/storage/storage_backend.h"

const storage_backend *storage_backend_for(storage_pool_type type)
{
    static const storage_backend *const backends[STORAGE_POOL_LAST] = {
        [STORAGE_POOL_DIR] = &storage_backend_dir,
        [STORAGE_POOL_FS] = &storage_backend_fs,
        [STORAGE_POOL_NETFS] = &storage_backend_netfs,
        [STORAGE_POOL_LOGICAL] = &storage_backend_logical,
        [STORAGE_POOL_DISK] = &storage_backend_disk,
        [STORAGE_POOL_ISCSI] = &storage_backend_iscsi,
        [STORAGE_POOL_ISCSI_DIRECT] = &storage_backend_iscsi_direct,
    };

    g_assert((unsigned int)type < STORAGE_POOL_LAST);
    return backends[type];
}
