/*
 * instances.c: a driver's instances by key, counted (see instances.h).
 */
#include <stdlib.h>

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

static gpointer instance_io_main(gpointer data)
{
    GMainLoop *loop = data;
    GMainContext *ctx = g_main_loop_get_context(loop);

    g_main_context_push_thread_default(ctx);
    g_main_loop_run(loop);
    g_main_context_pop_thread_default(ctx);
    return NULL;
}

GThread *instance_io_start(const char *name, GMainLoop *loop)
{
    return g_thread_new(name, instance_io_main, loop);
}

static gboolean instance_io_quit(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

void instance_io_stop(GMainLoop *loop, GThread *thread)
{
    g_autoptr(GSource) quit = g_idle_source_new();

    g_source_set_callback(quit, instance_io_quit, loop, NULL);
    g_source_attach(quit, g_main_loop_get_context(loop));
    g_thread_join(thread);
}

int instance_job_timeout(const vireo_uri *uri, const char *env, int dflt)
{
    const char *text = uri->params ? g_hash_table_lookup(uri->params, "job_timeout_ms") : NULL;
    long ms;

    if (!text)
        text = g_getenv(env);
    if (!text)
        return dflt;
    ms = strtol(text, NULL, 10);
    return ms > 0 && ms < G_MAXINT ? (int)ms : dflt;
}
