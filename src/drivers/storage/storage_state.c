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

static char *pool_file(const char *dir, const char *name)
{
    return g_strdup_printf("%s/%s.xml", dir, name);
}

int storage_state_save_config(storage_state *state, const storage_pool_def *def)
{
    g_autofree char *path = pool_file(state->config_dir, def->name);
    g_autofree char *xml = storage_pool_format(def, 0);

    if (!xml)
        return -1;
    return file_write_atomic(path, xml, strlen(xml), 0600, VIREO_FROM_STORAGE);
}

int storage_state_remove_config(storage_state *state, const char *name)
{
    g_autofree char *path = pool_file(state->config_dir, name);

    if (storage_state_set_autostart(state, name, false) < 0)
        return -1;
    return file_remove_durable(path, VIREO_FROM_STORAGE);
}

int storage_state_save_run(storage_state *state, const storage_pool_def *def)
{
    g_autofree char *path = pool_file(state->run_dir, def->name);
    g_autofree char *xml = storage_pool_format(def, 0);

    if (!xml)
        return -1;
    return file_write_runtime(path, xml, strlen(xml), 0600, VIREO_FROM_STORAGE);
}

void storage_state_remove_run(storage_state *state, const char *name)
{
    g_autofree char *path = pool_file(state->run_dir, name);

    if (unlink(path) < 0 && errno != ENOENT)
        log_warn("pool '%s': cannot remove '%s': %s", name, path, g_strerror(errno));
}

int storage_state_set_autostart(storage_state *state, const char *name, bool on)
{
    g_autofree char *link = pool_file(state->autostart_dir, name);
    g_autofree char *target = pool_file(state->config_dir, name);

    if (on)
        return file_symlink_atomic(target, link, VIREO_FROM_STORAGE);
    return file_remove_durable(link, VIREO_FROM_STORAGE);
}

/* The pool defined by file name in dir, whose name must match the file's. */
static storage_pool_def *load_file(const char *dir, const char *file)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_autofree char *xml = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autofree char *expect = g_strndup(file, strlen(file) - 4);
    storage_pool_def *def;

    if (!g_file_get_contents(path, &xml, NULL, &gerr)) {
        log_warn("cannot read '%s': %s", path, gerr->message);
        return NULL;
    }
    if (!(def = storage_pool_parse(xml, 0))) {
        log_warn("ignoring '%s': %s", path, error_last() ? error_last()->message : "invalid");
        return NULL;
    }
    if (strcmp(def->name, expect) != 0) {
        log_warn("ignoring '%s': it defines pool '%s'", path, def->name);
        storage_pool_free(def);
        return NULL;
    }
    return def;
}

/* Each pool file of dir, as call(state, def, opaque) with def taken. */
static void load_dir(storage_state *state, const char *dir,
                     void (*call)(storage_state *, storage_pool_def *))
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *file;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

    if (!d)
        return;
    while ((file = g_dir_read_name(d)))
        if (g_str_has_suffix(file, ".xml") && file[0] != '.')
            g_ptr_array_add(names, g_strdup(file));
    for (guint i = 0; i < names->len; i++) {
        storage_pool_def *def = load_file(dir, names->pdata[i]);

        if (def)
            call(state, def);
    }
}

static void adopt_config(storage_state *state, storage_pool_def *def)
{
    g_autofree char *link = pool_file(state->autostart_dir, def->name);
    storage_pool_obj *obj = storage_pool_obj_new(state, def);

    obj->persistent = true;
    obj->autostart = g_file_test(link, G_FILE_TEST_EXISTS);
    storage_pool_obj_list_add(obj);
    storage_pool_obj_unref(obj);
}

/* A pool the previous vireod left active: active again when its storage
 * is still there, forgotten (and its run file removed) otherwise. */
static void adopt_run(storage_state *state, storage_pool_def *live)
{
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
    const char *dirs[3];

    state->node = node;
    state->config_dir = g_build_filename(node->config_base, "storage", NULL);
    state->autostart_dir = g_build_filename(state->config_dir, "autostart", NULL);
    state->run_dir = g_build_filename(node->run_base, "storage", NULL);
    g_mutex_init(&state->lock);
    g_mutex_init(&state->add_lock);
    state->pools = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, pool_unref);
    dirs[0] = state->config_dir;
    dirs[1] = state->autostart_dir;
    dirs[2] = state->run_dir;
    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (g_mkdir_with_parents(dirs[i], 0755) < 0) {
            error_report_system(VIREO_FROM_STORAGE, errno, "cannot create folder '%s'",
                                dirs[i]);
            storage_state_close(state);
            return NULL;
        }
        file_remove_leftovers(dirs[i]);
    }
    load_dir(state, state->config_dir, adopt_config);
    load_dir(state, state->run_dir, adopt_run);
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
    g_free(state->config_dir);
    g_free(state->autostart_dir);
    g_free(state->run_dir);
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
