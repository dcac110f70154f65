/* storage_state.c: SCAFFOLD for the session's helpers, replaced by the storage driver. */
#include "drivers/storage/storage_driver.h"
#include "drivers/storage/storage_state.h"
#include "util/error.h"

struct storage_state {
    node_state *node;
};

storage_state *storage_state_open(node_state *node)
{
    storage_state *state = g_new0(storage_state, 1);

    state->node = node;
    return state;
}

void storage_state_close(storage_state *state)
{
    g_free(state);
}

int storage_vol_resolve(node_state *node, const char *pool, const char *volume, char **path,
                        char **format, int *vol_type, char **secret_uuid)
{
    (void)node, (void)volume, (void)path, (void)format, (void)vol_type, (void)secret_uuid;
    error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_STORAGE_POOL,
                 "Storage pool not found: no storage pool with matching name '%s'", pool);
    return -1;
}

const storage_driver storage_node_driver = { 0 };
