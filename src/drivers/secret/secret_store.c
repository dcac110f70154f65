/* secret_store.c: SCAFFOLD for the session's helpers, replaced by the secret driver. */
#include "drivers/secret/secret_driver.h"
#include "drivers/secret/secret_store.h"
#include "util/error.h"

struct secret_store {
    node_state *node;
};

secret_store *secret_store_open(node_state *node)
{
    secret_store *store = g_new0(secret_store, 1);

    store->node = node;
    return store;
}

void secret_store_close(secret_store *store)
{
    g_free(store);
}

int secret_store_get_value(node_state *node, const unsigned char uuid[VIREO_UUID_BUFLEN],
                           uint8_t **value, size_t *len)
{
    (void)node, (void)uuid, (void)value, (void)len;
    error_report(VIREO_FROM_SECRET, VIREO_ERR_NO_SECRET, "Secret not found");
    return -1;
}

int secret_store_lookup_usage(node_state *node, int usage_type, const char *usage_id,
                              unsigned char uuid[VIREO_UUID_BUFLEN])
{
    (void)node, (void)usage_type, (void)uuid;
    error_report(VIREO_FROM_SECRET, VIREO_ERR_NO_SECRET,
                 "Secret not found: no secret with matching usage '%s'", usage_id);
    return -1;
}

const secret_driver secret_node_driver = { 0 };
