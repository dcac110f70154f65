/*
 * storage_state.c: a node's pools at open and close, and their files.
 *
 *   config_dir/NAME.xml            a persistent pool (file_write_atomic)
 *   config_dir/autostart/NAME.xml  a symlink to it: start with the node
 *   run_dir/NAME.xml               an active pool's live definition
 *                                  (file_write_runtime), written before
 *                                  the call that started it answers
 *
 * Opening re-adopts and autostarts synchronously, before the hypervisor
 * driver autostarts guests that may use the pools (node.h); each pool
 * costs at most the tool deadline, so a dead NFS server delays the
 * start by that much and no more.
 *
 * Crash-only: at open, a pool whose run file exists and whose backend
 * still sees its storage in place (mounted, logged in) is active again,
 * as the QEMU driver re-attaches to guests (qemu_status.c); one whose
 * storage went away is inactive and its run file removed.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "drivers/storage/storage_core.h"
#include "drivers/storage/storage_file_vol.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

#define LOG_CATEGORY "storage.state"

int storage_state_save_config(storage_state *state, const storage_pool_def *def)
{
    g_autofree char *xml = storage_pool_format(def, 0);

    return xml ? def_files_save_config(&state->files, def->name, xml) : -1;
}

int storage_state_remove_config(storage_state *state, const char *name)
{
    return def_files_remove_config(&state->files, name);
}

int storage_state_save_run(storage_state *state, const storage_pool_def *def)
{
    g_autofree char *xml = storage_pool_format(def, 0);

    return xml ? def_files_save_run(&state->files, def->name, xml) : -1;
}

void storage_state_remove_run(storage_state *state, const char *name)
{
    def_files_remove_run(&state->files, name);
}

int storage_state_set_autostart(storage_state *state, const char *name, bool on)
{
    return def_files_set_autostart(&state->files, name, on);
}

static void *pool_parse(const char *xml)
{
    return storage_pool_parse(xml, 0);
}

static const char *pool_name(const void *def)
{
    return ((const storage_pool_def *)def)->name;
}

static void pool_def_free(gpointer def)
{
    storage_pool_free(def);
}

static void adopt_config(void *p, void *opaque)
{
    storage_state *state = opaque;
    storage_pool_def *def = p;
    storage_pool_obj *obj = storage_pool_obj_new(state, def);

    obj->persistent = true;
    obj->autostart = def_files_autostart(&state->files, def->name);
    storage_pool_obj_list_add(obj);
    storage_pool_obj_unref(obj);
}

/* A pool the previous vireod left active: active again when its storage
 * is still there, forgotten (and its run file removed) otherwise. */
static void adopt_run(void *p, void *opaque)
{
    storage_state *state = opaque;
    storage_pool_def *live = p;
    const storage_backend *backend = storage_backend_for(live->type);
    g_autoptr(storage_pool_obj) obj = NULL;
    bool running = true;

    if (backend->check_running && backend->check_running(live, &running) < 0)
        running = false;
    if (!running) {
        log_info("pool '%s': its storage is gone, marking it inactive", live->name);
        storage_state_remove_run(state, live->name);
        storage_pool_free(live);
        return;
    }
    g_mutex_lock(&state->lock);
    obj = g_hash_table_lookup(state->pools, live->name);
    if (obj)
        storage_pool_obj_ref(obj);
    g_mutex_unlock(&state->lock);
    if (obj && memcmp(obj->uuid, live->uuid, VIREO_UUID_BUFLEN) != 0) {
        log_warn("pool '%s': run file has another UUID, ignoring it", live->name);
        storage_state_remove_run(state, live->name);
        storage_pool_free(live);
        return;
    }
    if (!obj) {
        obj = storage_pool_obj_new(state, live);
        storage_pool_obj_list_add(obj);
    } else {
        g_mutex_lock(&state->lock);
        obj->new_def = obj->def;
        obj->def = live;
        g_mutex_unlock(&state->lock);
    }
    g_mutex_lock(&state->lock);
    obj->active = true;
    g_mutex_unlock(&state->lock);
    log_info("pool '%s': re-adopted as active", obj->name);
    if (storage_pool_job_begin(obj, "re-adopt") < 0)
        return;
    if (storage_pool_run_refresh(obj) < 0) {
        /* as libvirt: storage that cannot be read is not offered */
        log_warn("pool '%s': refresh failed, stopping it: %s", obj->name,
                 error_last() ? error_last()->message : "?");
        storage_pool_run_stop_after_failure(obj);
        if (!obj->persistent)
            storage_pool_obj_list_remove(obj);
    }
    storage_pool_job_end(obj);
}

static void autostart_all(storage_state *state)
{
    g_autoptr(GPtrArray) all = storage_pool_obj_list_all(state);

    for (guint i = 0; i < all->len; i++) {
        storage_pool_obj *obj = all->pdata[i];

        if (!obj->autostart || storage_pool_obj_is_active(obj))
            continue;
        if (storage_pool_job_begin(obj, "autostart") < 0)
            continue;
        if (storage_pool_run_start(obj, 0, false) < 0)
            log_warn("pool '%s': autostart failed: %s", obj->name,
                     error_last() ? error_last()->message : "?");
        else
            storage_pool_obj_emit(obj, VIREO_STORAGE_POOL_EVENT_STARTED, 0);
        storage_pool_job_end(obj);
    }
    error_reset();
}

static void pool_unref(gpointer p)
{
    storage_pool_obj_unref(p);
}

storage_state *storage_state_open(node_state *node)
{
    storage_state *state = g_new0(storage_state, 1);
    g_autofree char *config_dir = g_build_filename(node->config_base, "storage", NULL);
    g_autofree char *run_dir = g_build_filename(node->run_base, "storage", NULL);

    state->node = node;
    def_files_init(&state->files, "pool", VIREO_FROM_STORAGE, config_dir, run_dir);
    g_mutex_init(&state->lock);
    g_mutex_init(&state->add_lock);
    state->pools = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, pool_unref);
    if (def_files_mkdirs(&state->files) < 0) {
        storage_state_close(state);
        return NULL;
    }
    def_files_load(&state->files, state->files.config_dir, pool_parse, pool_name, pool_def_free,
                   adopt_config, state);
    def_files_load(&state->files, state->files.run_dir, pool_parse, pool_name, pool_def_free,
                   adopt_run, state);
    autostart_all(state);
    return state;
}

void storage_state_close(storage_state *state)
{
    g_autoptr(GPtrArray) all = NULL;

    if (!state)
        return;
    /* Let running jobs finish; pools stay as they are (crash-only: the
     * next vireod re-adopts them from their run files). */
    all = storage_pool_obj_list_all(state);
    for (guint i = 0; i < all->len; i++)
        if (storage_pool_job_begin(all->pdata[i], "shutdown") == 0)
            storage_pool_job_end(all->pdata[i]);
    g_clear_pointer(&all, g_ptr_array_unref);
    g_hash_table_destroy(state->pools);
    g_mutex_clear(&state->lock);
    g_mutex_clear(&state->add_lock);
    def_files_clear(&state->files);
    g_free(state);
}

int storage_vol_resolve(node_state *node, const char *pool, const char *volume, char **path,
                        char **format, int *vol_type, char **secret_uuid)
{
    g_autoptr(storage_pool_obj) obj = storage_pool_obj_find_active(node, pool);
    g_autoptr(storage_vol_def) vol = obj ? storage_pool_vol_lookup(obj, volume) : NULL;

    if (!vol)
        return -1;
    if (!vol->path) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "volume '%s' of pool '%s' has no path", volume, pool);
        return -1;
    }
    *secret_uuid = NULL;
    /* an encrypted file seen by a refresh: find its key's secret */
    if (vol->encryption && !(*secret_uuid = storage_file_vol_secret_uuid(node, vol)))
        return -1;
    *path = g_strdup(vol->path);
    *format = g_strdup(vol->format ? vol->format : "raw");
    *vol_type = storage_vol_type_number(vol->type);
    return 0;
}
