/*
 * test-storage-job: a pool's job (storage_priv.h) against the node state
 * itself: one holder at a time, a waiter that outlasts the job timeout
 * gets OPERATION_TIMEOUT naming the pool and the holder, and readers
 * (lookups, copies of the definition, the volume list) never wait for it.
 */
#include <glib.h>
#include <string.h>

#include "check.h"
#include "drivers/node.h"
#include "drivers/storage/storage_core.h"
#include "util/error.h"

typedef struct {
    storage_pool_obj *obj;
    int rc;
    int code;
    char *message;
    gint64 waited_ms;
} waiter;

static gpointer wait_job(gpointer p)
{
    waiter *w = p;
    gint64 t0 = g_get_monotonic_time();

    w->rc = storage_pool_job_begin(w->obj, "refresh");
    w->waited_ms = (g_get_monotonic_time() - t0) / 1000;
    if (w->rc < 0) {
        w->code = error_last()->code;
        w->message = g_strdup(error_last()->message);
    } else {
        storage_pool_job_end(w->obj);
    }
    return NULL;
}

int main(void)
{
    g_autofree char *root = g_dir_make_tmp("vireo-job-XXXXXX", NULL);
    g_autofree char *cfg = g_build_filename(root, "etc", NULL);
    g_autofree char *run = g_build_filename(root, "run", NULL);
    g_autofree char *xml = NULL;
    node_state *node;
    storage_pool_def *def;
    storage_pool_obj *obj;
    waiter w = { 0 };
    GThread *t;
    int timeout;

    /* job timeout = tool deadline (100 ms) + the 2 s margin */
    g_setenv("VIREO_STORAGE_TIMEOUT_MS", "100", TRUE);
    timeout = storage_pool_job_timeout_ms();
    node = node_acquire(cfg, run);
    if (!CHECK(node != NULL, "node state opens on an empty root"))
        return check_exit();
    xml = g_strdup_printf("<pool type='dir'><name>slow</name><target><path>%s</path></target>"
                          "</pool>", root);
    def = storage_pool_parse(xml, 0);
    obj = storage_pool_obj_new(node->storage, def);
    storage_pool_obj_list_add(obj);

    CHECK(storage_pool_job_begin(obj, "build") == 0, "the first caller takes the job");
    w.obj = obj;
    t = g_thread_new("waiter", wait_job, &w);
    {
        gint64 t0 = g_get_monotonic_time();
        storage_pool_obj *found = storage_pool_obj_find(node, "slow");
        storage_pool_def *copy = storage_pool_obj_def_copy(obj);
        GPtrArray *vols = storage_pool_vol_list(obj);
        gint64 took = (g_get_monotonic_time() - t0) / 1000;

        CHECK(found == obj && copy && vols && took < 100,
              "lookups and copies answer while the job is held (%" G_GINT64_FORMAT " ms)", took);
        storage_pool_obj_unref(found);
        storage_pool_free(copy);
        g_ptr_array_unref(vols);
    }
    g_thread_join(t);
    CHECK(w.rc < 0 && w.code == VIREO_ERR_OPERATION_TIMEOUT,
          "a waiter past the job timeout gets OPERATION_TIMEOUT");
    CHECK(w.message && strstr(w.message, "storage pool 'slow'") && strstr(w.message, "held by build"),
          "... naming the pool and the holder: %s", w.message ? w.message : "");
    CHECK(w.waited_ms >= timeout - 50 && w.waited_ms < timeout + 1000,
          "... after the job timeout (%" G_GINT64_FORMAT " ms of %d)", w.waited_ms, timeout);
    storage_pool_job_end(obj);
    g_free(w.message);
    w = (waiter){ .obj = obj };
    t = g_thread_new("waiter", wait_job, &w);
    g_thread_join(t);
    CHECK(w.rc == 0 && w.waited_ms < 100, "a free job is taken at once");

    storage_pool_obj_list_remove(obj);
    storage_pool_obj_unref(obj);
    node_release(node);
    {
        const char *argv[] = { "rm", "-rf", root, NULL };

        g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     NULL, NULL);
    }
    return check_exit();
}
