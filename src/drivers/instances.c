/*
 * instances.c: a driver's instances by key, counted (see instances.h).
 */
#include "drivers/instances.h"

typedef struct instance_entry {
    void *inst;     /* the driver's */
    int refs;       /* connections, plus one for a lasting instance */
} instance_entry;

void *instance_acquire(instance_registry *r, const instance_ops *ops, const char *key,
                       bool lasting, void *arg)
{
    instance_entry *e;
    void *inst = NULL;

    g_mutex_lock(&r->lock);
    if (!r->entries) {
        r->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        r->autostarted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    e = g_hash_table_lookup(r->entries, key);
    if (!e && (inst = ops->create(arg))) {
        e = g_new0(instance_entry, 1);
        e->inst = inst;
        e->refs = lasting ? 1 : 0;
        g_hash_table_insert(r->entries, g_strdup(key), e);
        if (lasting && ops->autostart && !g_hash_table_contains(r->autostarted, key)) {
            g_hash_table_add(r->autostarted, g_strdup(key));
            ops->autostart(inst);
        }
    }
    if (e) {
        e->refs++;
        inst = e->inst;
    }
    g_mutex_unlock(&r->lock);
    return inst;
}

void instance_release(instance_registry *r, const instance_ops *ops, const char *key)
{
    instance_entry *e;
    void *last = NULL;

    g_mutex_lock(&r->lock);
    e = g_hash_table_lookup(r->entries, key);
    if (e && --e->refs == 0) {
        last = e->inst;
        g_hash_table_remove(r->entries, key);
    }
    g_mutex_unlock(&r->lock);
    if (last)
        ops->destroy(last);
}
