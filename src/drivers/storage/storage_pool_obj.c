/*
 * storage_pool_obj.c: the node's pool objects: finding them, their job,
 * their volume lists (locking in storage_priv.h).
 */
#include <string.h>

#include "drivers/event.h"
#include "drivers/storage/storage_core.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"
#include "util/uuid.h"

/* A job holder runs tools bounded by storage_run's deadline; a waiter
 * gives it that long plus a margin for the bookkeeping around them. */
int storage_pool_job_timeout_ms(void)
{
    return storage_run_timeout_ms() + 2000;
}

static void vol_free(gpointer p)
{
    storage_vol_free(p);
}

storage_pool_obj *storage_pool_obj_new(storage_state *state, storage_pool_def *def)
{
    storage_pool_obj *obj = g_new0(storage_pool_obj, 1);

    obj->refs = 1;
    obj->state = state;
    obj->name = g_strdup(def->name);
    memcpy(obj->uuid, def->uuid, VIREO_UUID_BUFLEN);
    obj->def = def;
    obj->vols = g_ptr_array_new_with_free_func(vol_free);
    g_cond_init(&obj->job_cond);
    return obj;
}

storage_pool_obj *storage_pool_obj_ref(storage_pool_obj *obj)
{
    g_atomic_int_inc(&obj->refs);
    return obj;
}

void storage_pool_obj_unref(storage_pool_obj *obj)
{
    if (!obj || !g_atomic_int_dec_and_test(&obj->refs))
        return;
    storage_pool_free(obj->def);
    storage_pool_free(obj->new_def);
    g_ptr_array_unref(obj->vols);
    g_cond_clear(&obj->job_cond);
    g_free(obj->name);
    g_free(obj);
}

void storage_pool_obj_list_add(storage_pool_obj *obj)
{
    g_mutex_lock(&obj->state->lock);
    obj->listed = true;
    g_hash_table_insert(obj->state->pools, obj->name, storage_pool_obj_ref(obj));
    g_mutex_unlock(&obj->state->lock);
}

void storage_pool_obj_list_remove(storage_pool_obj *obj)
{
    storage_pool_obj *listed = NULL;

    g_mutex_lock(&obj->state->lock);
    if (obj->listed && g_hash_table_lookup(obj->state->pools, obj->name) == obj) {
        g_hash_table_steal(obj->state->pools, obj->name);
        listed = obj;
    }
    obj->listed = false;
    g_mutex_unlock(&obj->state->lock);
    storage_pool_obj_unref(listed);
}

static storage_pool_obj *find_locked(storage_state *state, const char *name)
{
    storage_pool_obj *obj = g_hash_table_lookup(state->pools, name);

    return obj ? storage_pool_obj_ref(obj) : NULL;
}

storage_pool_obj *storage_pool_obj_find(node_state *node, const char *name)
{
    storage_state *state = node->storage;
    storage_pool_obj *obj;

    g_mutex_lock(&state->lock);
    obj = find_locked(state, name);
    g_mutex_unlock(&state->lock);
    if (!obj)
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_STORAGE_POOL,
                     "no storage pool with matching name '%s'", name);
    return obj;
}

storage_pool_obj *storage_pool_obj_find_active(node_state *node, const char *name)
{
    storage_pool_obj *obj = storage_pool_obj_find(node, name);

    if (obj && !storage_pool_obj_is_active(obj)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "storage pool '%s' is not active", name);
        storage_pool_obj_unref(obj);
        return NULL;
    }
    return obj;
}

storage_pool_obj *storage_pool_obj_from_handle(vireo_storage_pool *pool)
{
    return storage_pool_obj_find(pool->conn->node, pool->name);
}

storage_pool_obj *storage_pool_obj_find_uuid(storage_state *state, const unsigned char *uuid)
{
    GHashTableIter it;
    gpointer value;
    storage_pool_obj *found = NULL;

    g_mutex_lock(&state->lock);
    g_hash_table_iter_init(&it, state->pools);
    while (!found && g_hash_table_iter_next(&it, NULL, &value)) {
        storage_pool_obj *obj = value;

        if (memcmp(obj->uuid, uuid, VIREO_UUID_BUFLEN) == 0)
            found = storage_pool_obj_ref(obj);
    }
    g_mutex_unlock(&state->lock);
    return found;
}

static gint obj_cmp_name(gconstpointer a, gconstpointer b)
{
    const storage_pool_obj *x = *(storage_pool_obj *const *)a;
    const storage_pool_obj *y = *(storage_pool_obj *const *)b;

    return strcmp(x->name, y->name);
}

GPtrArray *storage_pool_obj_list_all(storage_state *state)
{
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)storage_pool_obj_unref);
    GHashTableIter it;
    gpointer value;

    g_mutex_lock(&state->lock);
    g_hash_table_iter_init(&it, state->pools);
    while (g_hash_table_iter_next(&it, NULL, &value))
        g_ptr_array_add(all, storage_pool_obj_ref(value));
    g_mutex_unlock(&state->lock);
    g_ptr_array_sort(all, obj_cmp_name);
    return all;
}

static bool is_folder_type(storage_pool_type type)
{
    return type == STORAGE_POOL_DIR || type == STORAGE_POOL_FS || type == STORAGE_POOL_NETFS;
}

static const char *first_host(const storage_pool_source *src)
{
    return src->hosts->len ? ((storage_pool_host *)src->hosts->pdata[0])->name : NULL;
}

static const char *first_device(const storage_pool_source *src)
{
    return src->devices->len ? ((storage_pool_device *)src->devices->pdata[0])->path : NULL;
}

static bool same_text(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* Whether a and b name the same storage (libvirt's source conflict): two
 * folder pools on one target folder, or one source used twice.  (iSCSI
 * and disk pools share targets such as /dev/disk/by-path by design.) */
static bool same_source(const storage_pool_def *a, const storage_pool_def *b)
{
    const storage_pool_source *x = &a->source, *y = &b->source;

    if (is_folder_type(a->type) && is_folder_type(b->type) &&
        same_text(a->target_path, b->target_path))
        return true;
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case STORAGE_POOL_NETFS:
        return same_text(first_host(x), first_host(y)) && same_text(x->dir, y->dir);
    case STORAGE_POOL_LOGICAL:
        return same_text(x->name, y->name);
    case STORAGE_POOL_FS:
    case STORAGE_POOL_DISK:
        return same_text(first_device(x), first_device(y));
    case STORAGE_POOL_ISCSI:
    case STORAGE_POOL_ISCSI_DIRECT:
        return same_text(first_host(x), first_host(y)) &&
               same_text(first_device(x), first_device(y));
    default:
        return false;
    }
}

int storage_pool_obj_check_duplicate(storage_state *state, const storage_pool_def *def,
                                     storage_pool_obj **existing)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];
    GHashTableIter it;
    gpointer value;
    int ret = 0;

    *existing = NULL;
    g_mutex_lock(&state->lock);
    g_hash_table_iter_init(&it, state->pools);
    while (ret == 0 && g_hash_table_iter_next(&it, NULL, &value)) {
        storage_pool_obj *obj = value;
        bool same_name = strcmp(obj->name, def->name) == 0;
        bool same_uuid = memcmp(obj->uuid, def->uuid, VIREO_UUID_BUFLEN) == 0;

        if (same_uuid && !same_name) {
            uuid_format(obj->uuid, uuid);
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_FAILED,
                         "pool '%s' is already defined with uuid %s", obj->name, uuid);
            ret = -1;
        } else if (same_name && !same_uuid) {
            uuid_format(obj->uuid, uuid);
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_FAILED,
                         "pool '%s' already exists with uuid %s", obj->name, uuid);
            ret = -1;
        } else if (same_name) {
            *existing = storage_pool_obj_ref(obj);
        } else if (same_source(obj->def, def) ||
                   (obj->new_def && same_source(obj->new_def, def))) {
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_FAILED,
                         "Storage source conflict with pool: '%s'", obj->name);
            ret = -1;
        }
    }
    g_mutex_unlock(&state->lock);
    if (ret < 0 && *existing) {
        storage_pool_obj_unref(*existing);
        *existing = NULL;
    }
    return ret;
}

const char *storage_pool_obj_name(storage_pool_obj *obj)
{
    return obj->name;
}

node_state *storage_pool_obj_node(storage_pool_obj *obj)
{
    return obj->state->node;
}

const storage_pool_def *storage_pool_obj_def(storage_pool_obj *obj)
{
    return obj->def;
}

storage_pool_def *storage_pool_obj_def_copy(storage_pool_obj *obj)
{
    storage_pool_def *copy;

    g_mutex_lock(&obj->state->lock);
    copy = storage_pool_def_copy(obj->def);
    g_mutex_unlock(&obj->state->lock);
    return copy;
}

bool storage_pool_obj_is_active(storage_pool_obj *obj)
{
    bool active;

    g_mutex_lock(&obj->state->lock);
    active = obj->active;
    g_mutex_unlock(&obj->state->lock);
    return active;
}

void storage_pool_obj_sizes(storage_pool_obj *obj, uint64_t *capacity, uint64_t *allocation,
                            uint64_t *available)
{
    g_mutex_lock(&obj->state->lock);
    *capacity = obj->def->capacity;
    *allocation = obj->def->allocation;
    *available = obj->def->available;
    g_mutex_unlock(&obj->state->lock);
}

void storage_pool_obj_adjust(storage_pool_obj *obj, int64_t allocation_delta)
{
    storage_pool_def *def;

    g_mutex_lock(&obj->state->lock);
    def = obj->def;
    if (allocation_delta < 0 && (uint64_t)-allocation_delta > def->allocation)
        def->allocation = 0;
    else
        def->allocation += allocation_delta;
    if (allocation_delta > 0 && (uint64_t)allocation_delta > def->available)
        def->available = 0;
    else
        def->available -= allocation_delta;
    g_mutex_unlock(&obj->state->lock);
}

int storage_pool_job_begin(storage_pool_obj *obj, const char *what)
{
    storage_state *state = obj->state;
    gint64 deadline = g_get_monotonic_time() + (gint64)storage_pool_job_timeout_ms() * 1000;

    g_mutex_lock(&state->lock);
    while (obj->job) {
        if (!g_cond_wait_until(&obj->job_cond, &state->lock, deadline) && obj->job) {
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_TIMEOUT,
                         "cannot acquire job of storage pool '%s' for %s: held by %s",
                         obj->name, what, obj->job_what);
            g_mutex_unlock(&state->lock);
            return -1;
        }
    }
    obj->job = true;
    obj->job_what = what;
    g_mutex_unlock(&state->lock);
    return 0;
}

void storage_pool_job_end(storage_pool_obj *obj)
{
    g_mutex_lock(&obj->state->lock);
    obj->job = false;
    obj->job_what = NULL;
    g_cond_broadcast(&obj->job_cond);
    g_mutex_unlock(&obj->state->lock);
}

void storage_pool_obj_async_begin(storage_pool_obj *obj)
{
    g_mutex_lock(&obj->state->lock);
    obj->async++;
    g_mutex_unlock(&obj->state->lock);
}

void storage_pool_obj_async_end(storage_pool_obj *obj)
{
    g_mutex_lock(&obj->state->lock);
    obj->async--;
    g_mutex_unlock(&obj->state->lock);
}

static storage_vol_def *vol_find_locked(storage_pool_obj *obj, const char *name, guint *index)
{
    for (guint i = 0; i < obj->vols->len; i++) {
        storage_vol_def *vol = obj->vols->pdata[i];

        if (strcmp(vol->name, name) == 0) {
            if (index)
                *index = i;
            return vol;
        }
    }
    return NULL;
}

storage_vol_def *storage_pool_vol_lookup(storage_pool_obj *obj, const char *name)
{
    storage_vol_def *copy = NULL;
    storage_vol_def *vol;

    g_mutex_lock(&obj->state->lock);
    vol = vol_find_locked(obj, name, NULL);
    if (vol)
        copy = storage_vol_def_copy(vol);
    g_mutex_unlock(&obj->state->lock);
    if (!vol)
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_STORAGE_VOL,
                     "no storage vol with matching name '%s'", name);
    return copy;
}

void storage_pool_vol_add(storage_pool_obj *obj, storage_vol_def *vol)
{
    guint i;

    g_mutex_lock(&obj->state->lock);
    if (vol_find_locked(obj, vol->name, &i))
        g_ptr_array_remove_index(obj->vols, i);
    g_ptr_array_add(obj->vols, vol);
    g_mutex_unlock(&obj->state->lock);
}

bool storage_pool_vol_remove(storage_pool_obj *obj, const char *name)
{
    guint i;
    bool found;

    g_mutex_lock(&obj->state->lock);
    found = vol_find_locked(obj, name, &i) != NULL;
    if (found)
        g_ptr_array_remove_index(obj->vols, i);
    g_mutex_unlock(&obj->state->lock);
    return found;
}

void storage_pool_vol_replace_all(storage_pool_obj *obj, GPtrArray *vols)
{
    GPtrArray *old;
    GPtrArray *mine = g_ptr_array_new_with_free_func(vol_free);

    g_ptr_array_set_free_func(vols, NULL);
    for (guint i = 0; i < vols->len; i++)
        g_ptr_array_add(mine, vols->pdata[i]);
    g_ptr_array_set_size(vols, 0);
    g_mutex_lock(&obj->state->lock);
    old = obj->vols;
    obj->vols = mine;
    g_mutex_unlock(&obj->state->lock);
    g_ptr_array_unref(old);
}

static gint vol_cmp_name(gconstpointer a, gconstpointer b)
{
    const storage_vol_def *x = *(storage_vol_def *const *)a;
    const storage_vol_def *y = *(storage_vol_def *const *)b;

    return strcmp(x->name, y->name);
}

GPtrArray *storage_pool_vol_list(storage_pool_obj *obj)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(vol_free);

    g_mutex_lock(&obj->state->lock);
    for (guint i = 0; i < obj->vols->len; i++) {
        storage_vol_def *copy = storage_vol_def_copy(obj->vols->pdata[i]);

        if (copy)
            g_ptr_array_add(list, copy);
    }
    g_mutex_unlock(&obj->state->lock);
    g_ptr_array_sort(list, vol_cmp_name);
    return list;
}

static storage_pool_obj *vol_find_by(node_state *node, const char *what, const char *value,
                                     bool by_key, storage_vol_def **vol)
{
    storage_state *state = node->storage;
    storage_pool_obj *found = NULL;
    GHashTableIter it;
    gpointer p;

    g_mutex_lock(&state->lock);
    g_hash_table_iter_init(&it, state->pools);
    while (!found && g_hash_table_iter_next(&it, NULL, &p)) {
        storage_pool_obj *obj = p;

        for (guint i = 0; obj->active && !found && i < obj->vols->len; i++) {
            storage_vol_def *v = obj->vols->pdata[i];

            if (g_strcmp0(by_key ? v->key : v->path, value) == 0 &&
                (*vol = storage_vol_def_copy(v)))
                found = storage_pool_obj_ref(obj);
        }
    }
    g_mutex_unlock(&state->lock);
    if (!found)
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_STORAGE_VOL,
                     "no storage vol with matching %s '%s'", what, value);
    return found;
}

storage_pool_obj *storage_pool_vol_find_by_key(node_state *node, const char *key,
                                               storage_vol_def **vol)
{
    return vol_find_by(node, "key", key, true, vol);
}

storage_pool_obj *storage_pool_vol_find_by_path(node_state *node, const char *path,
                                                storage_vol_def **vol)
{
    return vol_find_by(node, "path", path, false, vol);
}

/* The formats write every field the parsers read, so a round trip is a
 * deep copy with no second list of fields to keep in step.  It fails only
 * for what XML cannot carry (a file name with control characters). */
storage_vol_def *storage_vol_def_copy(const storage_vol_def *vol)
{
    g_autofree char *xml = storage_vol_format(vol, 0);
    storage_vol_def *copy = xml ? storage_vol_parse(xml, STORAGE_VOL_PARSE_NO_CAPACITY) : NULL;

    if (!copy) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                     "volume '%s' cannot be described in XML", vol->name);
        return NULL;
    }
    copy->has_capacity = vol->has_capacity;
    return copy;
}

storage_pool_def *storage_pool_def_copy(const storage_pool_def *pool)
{
    g_autofree char *xml = storage_pool_format(pool, 0);
    storage_pool_def *copy = xml ? storage_pool_parse(xml, 0) : NULL;

    if (!copy)
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                     "pool '%s' cannot be described in XML", pool->name);
    return copy;
}

vireo_storage_pool *storage_pool_obj_handle(vireo_conn *conn, storage_pool_obj *obj)
{
    return pool_handle_new(conn, obj->name, obj->uuid);
}

void storage_pool_obj_emit(storage_pool_obj *obj, int event, int detail)
{
    event_emit_pool_lifecycle(obj->state->node, obj->name, obj->uuid, event, detail);
}

void storage_pool_obj_emit_refresh(storage_pool_obj *obj)
{
    event_emit_pool_refresh(obj->state->node, obj->name, obj->uuid);
}
