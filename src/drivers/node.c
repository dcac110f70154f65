/*
 * node.c: the registry of node states, one per root (see node.h).
 *
 * Secrets open before storage: pools and volumes may need a secret's
 * value (iSCSI CHAP, LUKS volumes) as soon as they start.  Networks
 * open (and autostart) before the hypervisor driver autostarts guests.
 */
#include <stdbool.h>

#include "drivers/node.h"
#include "drivers/network/network_state.h"
#include "drivers/nwfilter/nwfilter_state.h"
#include "drivers/secret/secret_store.h"
#include "drivers/storage/storage_state.h"

static GMutex node_registry_lock;
static GHashTable *node_registry; /* config_base -> node_state *, node_registry_lock */

static void node_free(node_state *node)
{
    if (node->storage)
        storage_state_close(node->storage);
    if (node->networks)
        network_state_close(node->networks);
    if (node->nwfilters)
        nwfilter_state_close(node->nwfilters);
    if (node->secrets)
        secret_store_close(node->secrets);
    g_free(node->config_base);
    g_free(node->run_base);
    g_free(node);
}

static node_state *node_new(const char *config_base, const char *run_base)
{
    node_state *node = g_new0(node_state, 1);

    node->config_base = g_strdup(config_base);
    node->run_base = g_strdup(run_base);
    node->secrets = secret_store_open(node);
    if (node->secrets)
        node->nwfilters = nwfilter_state_open(node);   /* before networks: guests' filters */
    /* networks before storage and guests: autostarted networks are up
     * before an autostarted guest plugs into one */
    if (node->nwfilters)
        node->networks = network_state_open(node);
    if (node->networks)
        node->storage = storage_state_open(node);
    if (!node->storage) {
        node_free(node);
        return NULL;
    }
    return node;
}

node_state *node_acquire(const char *config_base, const char *run_base)
{
    node_state *node;

    g_mutex_lock(&node_registry_lock);
    if (!node_registry)
        node_registry = g_hash_table_new(g_str_hash, g_str_equal);
    node = g_hash_table_lookup(node_registry, config_base);
    if (!node) {
        node = node_new(config_base, run_base);
        if (node)
            g_hash_table_insert(node_registry, node->config_base, node);
    }
    if (node)
        node->refs++;
    g_mutex_unlock(&node_registry_lock);
    return node;
}

node_state *node_ref(node_state *node)
{
    g_mutex_lock(&node_registry_lock);
    node->refs++;
    g_mutex_unlock(&node_registry_lock);
    return node;
}

void node_release(node_state *node)
{
    bool last;

    g_mutex_lock(&node_registry_lock);
    last = --node->refs == 0;
    if (last)
        g_hash_table_remove(node_registry, node->config_base);
    g_mutex_unlock(&node_registry_lock);
    /* outside the lock: closing waits for the node's pool jobs */
    if (last)
        node_free(node);
}
