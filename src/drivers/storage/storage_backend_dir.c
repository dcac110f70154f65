/*
 * storage_backend_dir.c: a pool that is a folder of the host's file
 * system; its volumes are the files in it.
 */
#include "drivers/storage/storage_backend.h"
#include "drivers/storage/storage_folder.h"

static int dir_start(node_state *node, const storage_pool_def *pool)
{
    (void)node;
    return storage_folder_check_target(pool);
}

const storage_backend storage_backend_dir = {
    .type = STORAGE_POOL_DIR,
    .build = storage_folder_build,
    .start = dir_start,
    STORAGE_FOLDER_BACKEND_VOLUMES,
};
