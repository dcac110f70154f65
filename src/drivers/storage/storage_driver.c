/*
 * storage_driver.c: storage_node_driver, and its entries that only read:
 * lookups, lists, info, XML.  None of them waits for a pool's job; each
 * copies what it needs under the state lock (storage_priv.h), so a pool
 * stuck in a slow refresh answers them at once.
 */
#include <string.h>

#include "drivers/driver_common.h"
#include "drivers/event.h"
#include "drivers/storage/storage_core.h"
#include "drivers/storage/storage_driver.h"
#include "drivers/storage/storage_driver_priv.h"
#include "util/error.h"
#include "util/uuid.h"

static storage_state *conn_state(vireo_conn *conn)
{
    return conn->node->storage;
}

/* VIREO_LIST_STORAGE_POOLS_<TYPE> of a pool type */
static unsigned int type_flag(storage_pool_type type)
{
    if (type == STORAGE_POOL_ISCSI_DIRECT)
        return VIREO_LIST_STORAGE_POOLS_ISCSI_DIRECT;
    return VIREO_LIST_STORAGE_POOLS_DIR << type;
}

#define LIST_TYPES                                                                           \
    (VIREO_LIST_STORAGE_POOLS_DIR | VIREO_LIST_STORAGE_POOLS_FS |                            \
     VIREO_LIST_STORAGE_POOLS_NETFS | VIREO_LIST_STORAGE_POOLS_LOGICAL |                     \
     VIREO_LIST_STORAGE_POOLS_DISK | VIREO_LIST_STORAGE_POOLS_ISCSI | (0x7fu << 12) |        \
     VIREO_LIST_STORAGE_POOLS_ISCSI_DIRECT)

/* Whether a pair of opposite filters (a, b) lets value through. */
static bool pair_ok(unsigned int flags, unsigned int a, unsigned int b, bool value)
{
    if (!(flags & (a | b)) || (flags & (a | b)) == (a | b))
        return true;
    return (flags & a) ? value : !value;
}

static bool list_match(const storage_pool_obj *obj, unsigned int flags)
{
    return pair_ok(flags, VIREO_LIST_STORAGE_POOLS_ACTIVE, VIREO_LIST_STORAGE_POOLS_INACTIVE,
                   obj->active) &&
           pair_ok(flags, VIREO_LIST_STORAGE_POOLS_PERSISTENT,
                   VIREO_LIST_STORAGE_POOLS_TRANSIENT, obj->persistent) &&
           pair_ok(flags, VIREO_LIST_STORAGE_POOLS_AUTOSTART,
                   VIREO_LIST_STORAGE_POOLS_NO_AUTOSTART, obj->autostart) &&
           (!(flags & LIST_TYPES) || (flags & type_flag(obj->def->type)));
}

static int pool_list_all(vireo_conn *conn, vireo_storage_pool ***pools, unsigned int flags)
{
    storage_state *state = conn_state(conn);
    unsigned int allowed = LIST_TYPES | ((VIREO_LIST_STORAGE_POOLS_NO_AUTOSTART << 1) - 1);
    g_autoptr(GPtrArray) all = NULL;
    GPtrArray *out;
    int n;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, allowed, __func__))
        return -1;
    all = storage_pool_obj_list_all(state);
    out = g_ptr_array_new();
    g_mutex_lock(&state->lock);
    for (guint i = 0; i < all->len; i++) {
        storage_pool_obj *obj = all->pdata[i];

        if (obj->listed && list_match(obj, flags))
            g_ptr_array_add(out, obj);
    }
    g_mutex_unlock(&state->lock);
    n = (int)out->len;
    if (!pools) {
        g_ptr_array_free(out, TRUE);
        return n;
    }
    for (guint i = 0; i < out->len; i++)
        out->pdata[i] = storage_pool_obj_handle(conn, out->pdata[i]);
    g_ptr_array_add(out, NULL);
    *pools = (vireo_storage_pool **)g_ptr_array_free(out, FALSE);
    return n;
}

static vireo_storage_pool *pool_lookup_by_name(vireo_conn *conn, const char *name)
{
    g_autoptr(storage_pool_obj) obj = storage_pool_obj_find(conn->node, name);

    return obj ? storage_pool_obj_handle(conn, obj) : NULL;
}

static vireo_storage_pool *pool_lookup_by_uuid(vireo_conn *conn, const unsigned char *uuid)
{
    g_autoptr(storage_pool_obj) obj = storage_pool_obj_find_uuid(conn_state(conn), uuid);
    char text[VIREO_UUID_STRING_BUFLEN];

    if (!obj) {
        uuid_format(uuid, text);
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_STORAGE_POOL,
                     "no storage pool with matching uuid '%s'", text);
        return NULL;
    }
    return storage_pool_obj_handle(conn, obj);
}

static vireo_storage_pool *pool_lookup_by_volume(vireo_storage_vol *vol)
{
    return pool_lookup_by_name(vol->conn, vol->pool);
}

/* path as libvirt compares target paths: repeated and trailing slashes
 * dropped, a leading "//" kept. */
static char *path_clean(const char *path)
{
    GString *out = g_string_new(NULL);
    size_t lead = strncmp(path, "//", 2) == 0 && path[2] != '/' ? 2 : 0;

    g_string_append_len(out, path, (gssize)lead);
    for (const char *p = path + lead; *p; p++)
        if (*p != '/' || (out->len && out->str[out->len - 1] != '/') || out->len == 0)
            g_string_append_c(out, *p);
    while (out->len > 1 && out->str[out->len - 1] == '/')
        g_string_truncate(out, out->len - 1);
    return g_string_free(out, FALSE);
}

static vireo_storage_pool *pool_lookup_by_target_path(vireo_conn *conn, const char *path)
{
    storage_state *state = conn_state(conn);
    g_autofree char *clean = path_clean(path);
    g_autoptr(GPtrArray) all = storage_pool_obj_list_all(state);
    storage_pool_obj *found = NULL;

    g_mutex_lock(&state->lock);
    for (guint i = 0; !found && i < all->len; i++) {
        storage_pool_obj *obj = all->pdata[i];

        if (obj->active && g_strcmp0(obj->def->target_path, clean) == 0)
            found = obj;
    }
    g_mutex_unlock(&state->lock);
    if (!found && strcmp(path, clean) == 0)
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_STORAGE_POOL,
                     "no storage pool with matching target path '%s'", path);
    else if (!found)
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_STORAGE_POOL,
                     "no storage pool with matching target path '%s' (%s)", path, clean);
    if (!found)
        return NULL;
    return storage_pool_obj_handle(conn, found);
}

static int pool_get_info(vireo_storage_pool *pool, int *state, unsigned long long *capacity,
                         unsigned long long *allocation, unsigned long long *available)
{
    g_autoptr(storage_pool_obj) obj = storage_pool_obj_from_handle(pool);

    if (!obj)
        return -1;
    g_mutex_lock(&obj->state->lock);
    *state = obj->active ? VIREO_STORAGE_POOL_RUNNING : VIREO_STORAGE_POOL_INACTIVE;
    *capacity = obj->def->capacity;
    *allocation = obj->def->allocation;
    *available = obj->def->available;
    g_mutex_unlock(&obj->state->lock);
    return 0;
}

static char *pool_get_xml_desc(vireo_storage_pool *pool, unsigned int flags)
{
    g_autoptr(storage_pool_obj) obj = NULL;
    char *xml;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, VIREO_STORAGE_XML_INACTIVE, __func__) ||
        !(obj = storage_pool_obj_from_handle(pool)))
        return NULL;
    g_mutex_lock(&obj->state->lock);
    xml = storage_pool_format((flags & VIREO_STORAGE_XML_INACTIVE) && obj->new_def
                                  ? obj->new_def : obj->def, 0);
    g_mutex_unlock(&obj->state->lock);
    return xml;
}

/* One boolean of the pool, read under the state lock. */
static int pool_flag(vireo_storage_pool *pool, size_t offset)
{
    g_autoptr(storage_pool_obj) obj = storage_pool_obj_from_handle(pool);
    int value;

    if (!obj)
        return -1;
    g_mutex_lock(&obj->state->lock);
    value = *(bool *)((char *)obj + offset);
    g_mutex_unlock(&obj->state->lock);
    return value;
}

static int pool_get_autostart(vireo_storage_pool *pool, int *autostart)
{
    int value = pool_flag(pool, G_STRUCT_OFFSET(storage_pool_obj, autostart));

    if (value < 0)
        return -1;
    *autostart = value;
    return 0;
}

static int pool_is_active(vireo_storage_pool *pool)
{
    return pool_flag(pool, G_STRUCT_OFFSET(storage_pool_obj, active));
}

static int pool_is_persistent(vireo_storage_pool *pool)
{
    return pool_flag(pool, G_STRUCT_OFFSET(storage_pool_obj, persistent));
}

static int pool_num_of_volumes(vireo_storage_pool *pool)
{
    g_autoptr(storage_pool_obj) obj = storage_pool_obj_find_active(pool->conn->node, pool->name);
    int n;

    if (!obj)
        return -1;
    g_mutex_lock(&obj->state->lock);
    n = (int)obj->vols->len;
    g_mutex_unlock(&obj->state->lock);
    return n;
}

static gint handle_cmp(gconstpointer a, gconstpointer b)
{
    const vireo_storage_vol *x = *(vireo_storage_vol *const *)a;
    const vireo_storage_vol *y = *(vireo_storage_vol *const *)b;

    return strcmp(x->name, y->name);
}

static int pool_list_volumes(vireo_storage_pool *pool, vireo_storage_vol ***vols,
                             unsigned int flags)
{
    g_autoptr(storage_pool_obj) obj = NULL;
    GPtrArray *out;
    int n;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, 0, __func__) ||
        !(obj = storage_pool_obj_find_active(pool->conn->node, pool->name)))
        return -1;
    out = g_ptr_array_new();
    g_mutex_lock(&obj->state->lock);
    for (guint i = 0; i < obj->vols->len; i++) {
        storage_vol_def *v = obj->vols->pdata[i];

        g_ptr_array_add(out, vols ? vol_handle_new(pool->conn, obj->name, v->name, v->key)
                                  : NULL);
    }
    g_mutex_unlock(&obj->state->lock);
    n = (int)out->len;
    if (!vols) {
        g_ptr_array_free(out, TRUE);
        return n;
    }
    g_ptr_array_sort(out, handle_cmp);
    g_ptr_array_add(out, NULL);
    *vols = (vireo_storage_vol **)g_ptr_array_free(out, FALSE);
    return n;
}

static int pool_event_register_any(vireo_conn *conn, vireo_storage_pool *pool, int event_id,
                                   void (*cb)(void), void *opaque, vireo_free_cb freecb)
{
    return event_register_pool(conn, conn->node, pool, event_id, cb, opaque, freecb);
}

const storage_driver storage_node_driver = {
    .pool_list_all = pool_list_all,
    .pool_lookup_by_name = pool_lookup_by_name,
    .pool_lookup_by_uuid = pool_lookup_by_uuid,
    .pool_lookup_by_volume = pool_lookup_by_volume,
    .pool_lookup_by_target_path = pool_lookup_by_target_path,
    .pool_define_xml = storage_driver_pool_define_xml,
    .pool_create_xml = storage_driver_pool_create_xml,
    .pool_undefine = storage_driver_pool_undefine,
    .pool_create = storage_driver_pool_create,
    .pool_build = storage_driver_pool_build,
    .pool_destroy = storage_driver_pool_destroy,
    .pool_delete = storage_driver_pool_delete,
    .pool_refresh = storage_driver_pool_refresh,
    .pool_get_info = pool_get_info,
    .pool_get_xml_desc = pool_get_xml_desc,
    .pool_get_autostart = pool_get_autostart,
    .pool_set_autostart = storage_driver_pool_set_autostart,
    .pool_is_active = pool_is_active,
    .pool_is_persistent = pool_is_persistent,
    .pool_num_of_volumes = pool_num_of_volumes,
    .pool_list_volumes = pool_list_volumes,
    .find_pool_sources = storage_caps_find_sources,
    .get_pool_capabilities = storage_caps_format,
    .vol_lookup_by_name = storage_driver_vol_lookup_by_name,
    .vol_lookup_by_key = storage_driver_vol_lookup_by_key,
    .vol_lookup_by_path = storage_driver_vol_lookup_by_path,
    .vol_create_xml = storage_driver_vol_create_xml,
    .vol_create_xml_from = storage_driver_vol_create_xml_from,
    .vol_delete = storage_driver_vol_delete,
    .vol_wipe_pattern = storage_driver_vol_wipe_pattern,
    .vol_resize = storage_driver_vol_resize,
    .vol_get_info = storage_driver_vol_get_info,
    .vol_get_xml_desc = storage_driver_vol_get_xml_desc,
    .vol_get_path = storage_driver_vol_get_path,
    .vol_upload = storage_driver_vol_upload,
    .vol_download = storage_driver_vol_download,
    .event_register_any = pool_event_register_any,
    .event_deregister_any = event_deregister,
};
