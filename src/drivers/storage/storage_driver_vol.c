/*
 * storage_driver_vol.c: the vol_* entries of storage_node_driver.
 *
 * Each changing entry follows one skeleton: find the active pool, take
 * its job, look the volume up again (it may have gone while we waited),
 * check, call the pool type's backend, update the pool's volume list,
 * end the job.  Reads (lookups, info, XML, path) take no job.
 *
 * Upload and download hold no job while the stream runs: they count as
 * the pool's asynchronous jobs (so it cannot be stopped under them) and
 * mark the volume in use (so it cannot be deleted, wiped or resized, and
 * not uploaded twice at once), as libvirt does.
 */
#include <string.h>

#include "drivers/driver_common.h"
#include "drivers/storage/storage_backend.h"
#include "drivers/storage/storage_file_stream.h"
#include "drivers/storage/storage_file_vol.h"
#include "drivers/storage/storage_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "storage.vol"

/* ---- volumes in use by a stream: "pool/name" -> count ---- */

static GMutex in_use_lock;
static GHashTable *in_use;      /* char * -> GINT, in_use_lock */

static char *in_use_key(const char *pool, const char *name)
{
    return g_strdup_printf("%s/%s", pool, name);
}

static int in_use_count(const char *pool, const char *name)
{
    g_autofree char *key = in_use_key(pool, name);
    int n;

    g_mutex_lock(&in_use_lock);
    n = in_use ? GPOINTER_TO_INT(g_hash_table_lookup(in_use, key)) : 0;
    g_mutex_unlock(&in_use_lock);
    return n;
}

static void in_use_add(const char *pool, const char *name, int delta)
{
    char *key = in_use_key(pool, name);
    int n;

    g_mutex_lock(&in_use_lock);
    if (!in_use)
        in_use = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    n = GPOINTER_TO_INT(g_hash_table_lookup(in_use, key)) + delta;
    if (n > 0)
        g_hash_table_replace(in_use, key, GINT_TO_POINTER(n));
    else
        g_hash_table_remove(in_use, key), g_free(key);
    g_mutex_unlock(&in_use_lock);
}

static int vol_check_unused(const char *pool, const storage_vol_def *vol)
{
    if (in_use_count(pool, vol->name) > 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "volume '%s' is still in use.", vol->name);
        return -1;
    }
    return 0;
}

/* ---- shared steps ---- */

static bool vol_is_file(const storage_vol_def *vol)
{
    return vol->type && (strcmp(vol->type, "file") == 0 || strcmp(vol->type, "dir") == 0);
}

/* The active pool of the handle and a copy of the volume.  NULL with
 * the error set. */
static storage_pool_obj *vol_find(vireo_storage_vol *vol, storage_vol_def **def)
{
    storage_pool_obj *obj = storage_pool_obj_find_active(vol->conn->node, vol->pool);

    if (!obj)
        return NULL;
    if (!(*def = storage_pool_vol_lookup(obj, vol->name))) {
        storage_pool_obj_unref(obj);
        return NULL;
    }
    return obj;
}

/* The same with the pool's job taken; release with vol_end. */
static storage_pool_obj *vol_begin(vireo_storage_vol *vol, const char *what,
                                   storage_vol_def **def)
{
    storage_pool_obj *obj = storage_pool_obj_find_active(vol->conn->node, vol->pool);

    if (!obj)
        return NULL;
    if (storage_pool_job_begin(obj, what) < 0) {
        storage_pool_obj_unref(obj);
        return NULL;
    }
    /* the pool may have stopped, the volume gone, while we waited */
    if (!storage_pool_obj_is_active(obj)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "storage pool '%s' is not active", storage_pool_obj_name(obj));
    } else if ((*def = storage_pool_vol_lookup(obj, vol->name))) {
        return obj;
    }
    storage_pool_job_end(obj);
    storage_pool_obj_unref(obj);
    return NULL;
}

static void vol_end(storage_pool_obj *obj)
{
    storage_pool_job_end(obj);
    storage_pool_obj_unref(obj);
}

static const storage_backend *pool_backend(storage_pool_obj *obj)
{
    return storage_backend_for(storage_pool_obj_def(obj)->type);
}

/* Re-read a changed volume into the list (files: probed again; others:
 * what the caller set). */
static void vol_update(storage_pool_obj *obj, storage_vol_def *def)
{
    if (vol_is_file(def) && storage_file_vol_probe(def->path, def) != 0) {
        log_warn("%s: cannot probe volume '%s' again: %s", storage_pool_obj_name(obj),
                 def->name, error_last() ? error_last()->message : "gone");
        error_reset();
    }
    storage_pool_vol_add(obj, def);
}

/* ---- lookups ---- */

vireo_storage_vol *storage_driver_vol_lookup_by_name(vireo_storage_pool *pool, const char *name)
{
    g_autoptr(storage_pool_obj) obj = storage_pool_obj_find_active(pool->conn->node, pool->name);
    g_autoptr(storage_vol_def) def = obj ? storage_pool_vol_lookup(obj, name) : NULL;

    if (!def)
        return NULL;
    return vol_handle_new(pool->conn, storage_pool_obj_name(obj), def->name, def->key);
}

vireo_storage_vol *storage_driver_vol_lookup_by_key(vireo_conn *conn, const char *key)
{
    g_autoptr(storage_vol_def) def = NULL;
    g_autoptr(storage_pool_obj) obj = storage_pool_vol_find_by_key(conn->node, key, &def);

    if (!obj)
        return NULL;
    return vol_handle_new(conn, storage_pool_obj_name(obj), def->name, def->key);
}

/* libvirt's cleaning of a looked-up path: no "//", no trailing "/". */
static char *path_sanitize(const char *path)
{
    GString *out = g_string_new(NULL);

    for (const char *p = path; *p; p++)
        if (!(*p == '/' && p[1] == '/'))
            g_string_append_c(out, *p);
    while (out->len > 1 && out->str[out->len - 1] == '/')
        g_string_truncate(out, out->len - 1);
    return g_string_free(out, FALSE);
}

vireo_storage_vol *storage_driver_vol_lookup_by_path(vireo_conn *conn, const char *path)
{
    g_autofree char *clean = path_sanitize(path);
    g_autoptr(storage_vol_def) def = NULL;
    g_autoptr(storage_pool_obj) obj = storage_pool_vol_find_by_path(conn->node, clean, &def);

    if (!obj)
        return NULL;
    return vol_handle_new(conn, storage_pool_obj_name(obj), def->name, def->key);
}

/* ---- create ---- */

/* VALIDATE asks for what the strict parser always does: anything
 * outside the schema is refused, naming it */
#define VOL_CREATE_FLAGS \
    (VIREO_STORAGE_VOL_CREATE_PREALLOC_METADATA | VIREO_STORAGE_VOL_CREATE_VALIDATE)

static storage_vol_def *vol_parse(const char *xml, bool clone)
{
    storage_vol_def *def = storage_vol_parse(xml, STORAGE_VOL_PARSE_NO_CAPACITY);

    /* <capacity> may be left out of a clone or a volume with a backing
     * store (it takes their size); anywhere else the parser says why not */
    if (def && !def->has_capacity && !clone && !def->backing_path) {
        storage_vol_free(def);
        def = storage_vol_parse(xml, 0);
    }
    if (def) {
        /* the key is the driver's to make */
        g_clear_pointer(&def->key, g_free);
    }
    return def;
}

static int vol_check_new(storage_pool_obj *obj, const storage_vol_def *def)
{
    g_autoptr(storage_vol_def) old = storage_pool_vol_lookup(obj, def->name);
    uint64_t capacity, allocation, available, need = 0;

    if (old) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_STORAGE_VOL_EXIST,
                     "'%s' in storage pool '%s'", def->name, storage_pool_obj_name(obj));
        return -1;
    }
    error_reset();
    /* what the volume takes at once: a raw file's allocation */
    if ((!def->format || strcmp(def->format, "raw") == 0) && !def->encryption)
        need = MIN(def->allocation, def->capacity);
    storage_pool_obj_sizes(obj, &capacity, &allocation, &available);
    if (need > available) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_FAILED,
                     "Not enough space left in storage pool '%s' for volume '%s' (%"
                     G_GUINT64_FORMAT " bytes asked, %" G_GUINT64_FORMAT " available)",
                     storage_pool_obj_name(obj), def->name, need, available);
        return -1;
    }
    return 0;
}

/* Make def in obj from src or nothing and add it to the list.  Called
 * with the pool's job, which it gives up while the backend builds the
 * volume: a long copy holds only the pool's async count (the pool cannot
 * stop or refresh under it) and the new name (no second create takes
 * it; deletes see it in use), never the job every other call on the pool
 * would wait for.  Returns with the job released: the new handle, or
 * NULL. */
static vireo_storage_vol *vol_make(vireo_conn *conn, storage_pool_obj *obj, storage_vol_def *def,
                                   const storage_vol_def *src, unsigned int flags)
{
    const storage_backend *backend = pool_backend(obj);
    const char *pool = storage_pool_obj_name(obj);
    g_autoptr(storage_pool_def) pool_def = NULL;
    vireo_storage_vol *handle = NULL;

    if (!backend->vol_create) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "storage pool '%s' does not support volume creation", pool);
        storage_pool_job_end(obj);
        return NULL;
    }
    if (vol_check_new(obj, def) < 0) {
        storage_pool_job_end(obj);
        return NULL;
    }
    if (in_use_count(pool, def->name) > 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_STORAGE_VOL_EXIST,
                     "'%s' in storage pool '%s' (being built)", def->name, pool);
        storage_pool_job_end(obj);
        return NULL;
    }
    pool_def = storage_pool_obj_def_copy(obj);
    in_use_add(pool, def->name, 1);
    storage_pool_obj_async_begin(obj);
    storage_pool_job_end(obj);
    if (backend->vol_create(storage_pool_obj_node(obj), pool_def, def, src, flags) == 0) {
        handle = vol_handle_new(conn, pool, def->name, def->key);
        storage_pool_obj_adjust(obj, (int64_t)def->allocation);
        log_info("%s: created volume '%s'", pool, def->name);
        storage_pool_vol_add(obj, def);
    }
    storage_pool_obj_async_end(obj);
    in_use_add(pool, def->name, -1);
    return handle;
}

vireo_storage_vol *storage_driver_vol_create_xml(vireo_storage_pool *pool, const char *xml,
                                                 unsigned int flags)
{
    g_autoptr(storage_pool_obj) obj = NULL;
    storage_vol_def *def;
    vireo_storage_vol *handle;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, VOL_CREATE_FLAGS, __func__))
        return NULL;
    flags &= ~(unsigned int)VIREO_STORAGE_VOL_CREATE_VALIDATE;
    if (!(obj = storage_pool_obj_find_active(pool->conn->node, pool->name)))
        return NULL;
    if (!(def = vol_parse(xml, false)))
        return NULL;
    if (storage_pool_job_begin(obj, "vol-create") < 0) {
        storage_vol_free(def);
        return NULL;
    }
    handle = vol_make(pool->conn, obj, def, NULL, flags);
    if (!handle)
        storage_vol_free(def);
    return handle;
}

vireo_storage_vol *storage_driver_vol_create_xml_from(vireo_storage_pool *pool, const char *xml,
                                                      vireo_storage_vol *clonevol,
                                                      unsigned int flags)
{
    g_autoptr(storage_pool_obj) obj = NULL, src_obj = NULL;
    g_autoptr(storage_vol_def) src = NULL;
    storage_vol_def *def;
    vireo_storage_vol *handle = NULL;
    bool same_pool = strcmp(pool->name, clonevol->pool) == 0;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, VOL_CREATE_FLAGS, __func__))
        return NULL;
    flags &= ~(unsigned int)VIREO_STORAGE_VOL_CREATE_VALIDATE;
    if (!(obj = storage_pool_obj_find_active(pool->conn->node, pool->name)) ||
        !(src_obj = vol_find(clonevol, &src)))
        return NULL;
    if (vol_check_unused(clonevol->pool, src) < 0 || !(def = vol_parse(xml, true)))
        return NULL;
    /* libvirt: never smaller than the original, which an omitted
     * capacity asks for */
    if (def->capacity < src->capacity)
        def->capacity = src->capacity;
    def->has_capacity = true;
    if (storage_pool_job_begin(obj, "vol-create-from") < 0) {
        storage_vol_free(def);
        return NULL;
    }
    /* the source's pool must not stop while we read it */
    if (!same_pool)
        storage_pool_obj_async_begin(src_obj);
    in_use_add(clonevol->pool, src->name, 1);
    handle = vol_make(pool->conn, obj, def, src, flags);
    in_use_add(clonevol->pool, src->name, -1);
    if (!same_pool)
        storage_pool_obj_async_end(src_obj);
    if (!handle)
        storage_vol_free(def);
    return handle;
}

/* ---- delete, wipe, resize ---- */

int storage_driver_vol_delete(vireo_storage_vol *vol, unsigned int flags)
{
    storage_vol_def *raw_def = NULL;
    g_autoptr(storage_vol_def) def = NULL;
    const storage_backend *backend;
    storage_pool_obj *obj;
    int rc = -1;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, VIREO_STORAGE_VOL_DELETE_ZEROED, __func__))
        return -1;
    if (!(obj = vol_begin(vol, "vol-delete", &raw_def)))
        return -1;
    def = raw_def;
    backend = pool_backend(obj);
    if (vol_check_unused(vol->pool, def) < 0)
        goto out;
    if (!backend->vol_delete) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "storage pool '%s' does not support vol deletion", vol->pool);
        goto out;
    }
    if ((flags & VIREO_STORAGE_VOL_DELETE_ZEROED) && backend->vol_wipe &&
        backend->vol_wipe(storage_pool_obj_def(obj), def, 0) < 0)
        goto out;
    if (backend->vol_delete(storage_pool_obj_def(obj), def,
                            flags & ~(unsigned int)VIREO_STORAGE_VOL_DELETE_ZEROED) < 0)
        goto out;
    storage_pool_vol_remove(obj, def->name);
    storage_pool_obj_adjust(obj, -(int64_t)def->allocation);
    log_info("%s: deleted volume '%s'", vol->pool, def->name);
    rc = 0;
out:
    vol_end(obj);
    return rc;
}

/* libvirt's wiping algorithms: zero (0) up to trim (9) */
#define VOL_WIPE_ALG_LAST 10

int storage_driver_vol_wipe_pattern(vireo_storage_vol *vol, unsigned int algorithm,
                                    unsigned int flags)
{
    storage_vol_def *def = NULL;
    const storage_backend *backend;
    storage_pool_obj *obj;
    int rc = -1;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, 0, __func__))
        return -1;
    if (algorithm >= VOL_WIPE_ALG_LAST) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "wiping algorithm %u not supported", algorithm);
        return -1;
    }
    if (algorithm != VIREO_STORAGE_VOL_WIPE_ALG_ZERO) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "wiping algorithm %u not supported for volume '%s': only zero (0) is",
                     algorithm, vol->name);
        return -1;
    }
    if (!(obj = vol_begin(vol, "vol-wipe", &def)))
        return -1;
    backend = pool_backend(obj);
    if (vol_check_unused(vol->pool, def) < 0)
        goto out;
    if (!backend->vol_wipe) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "storage pool '%s' doesn't support volume wiping", vol->pool);
        goto out;
    }
    if (backend->vol_wipe(storage_pool_obj_def(obj), def, flags) < 0)
        goto out;
    vol_update(obj, g_steal_pointer(&def));
    rc = 0;
out:
    storage_vol_free(def);
    vol_end(obj);
    return rc;
}

/* The absolute capacity asked for, checked as libvirt does.  0, or -1. */
static int vol_resize_target(storage_pool_obj *obj, const storage_vol_def *def,
                             unsigned long long capacity, unsigned int flags, uint64_t *target)
{
    uint64_t pool_capacity, pool_allocation, available, delta = 0;

    if (flags & VIREO_STORAGE_VOL_RESIZE_DELTA)
        *target = (flags & VIREO_STORAGE_VOL_RESIZE_SHRINK)
            ? def->capacity - MIN(capacity, def->capacity)
            : def->capacity + capacity;
    else
        *target = capacity;
    if (*target < def->allocation) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "can't shrink capacity below existing allocation (volume '%s')",
                     def->name);
        return -1;
    }
    if (*target < def->capacity && !(flags & VIREO_STORAGE_VOL_RESIZE_SHRINK)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "Can't shrink capacity below current capacity unless shrink flag "
                     "explicitly specified (volume '%s')", def->name);
        return -1;
    }
    if ((flags & VIREO_STORAGE_VOL_RESIZE_ALLOCATE) && *target > def->allocation)
        delta = *target - def->allocation;
    storage_pool_obj_sizes(obj, &pool_capacity, &pool_allocation, &available);
    if (delta > available) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_FAILED,
                     "Not enough space left in storage pool '%s' to resize volume '%s'",
                     storage_pool_obj_name(obj), def->name);
        return -1;
    }
    return 0;
}

int storage_driver_vol_resize(vireo_storage_vol *vol, unsigned long long capacity,
                              unsigned int flags)
{
    storage_vol_def *def = NULL;
    const storage_backend *backend;
    storage_pool_obj *obj;
    uint64_t target, old_allocation;
    int rc = -1;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags,
                         VIREO_STORAGE_VOL_RESIZE_ALLOCATE | VIREO_STORAGE_VOL_RESIZE_DELTA |
                         VIREO_STORAGE_VOL_RESIZE_SHRINK, __func__))
        return -1;
    if (!(obj = vol_begin(vol, "vol-resize", &def)))
        return -1;
    backend = pool_backend(obj);
    /* the checks compare with what the file holds now */
    if ((vol_is_file(def) && storage_file_vol_stat(def) < 0) ||
        vol_check_unused(vol->pool, def) < 0 ||
        vol_resize_target(obj, def, capacity, flags, &target) < 0)
        goto out;
    if (!backend->vol_resize) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "storage pool '%s' does not support changing of volume capacity",
                     vol->pool);
        goto out;
    }
    if (backend->vol_resize(storage_pool_obj_node(obj), storage_pool_obj_def(obj), def, target,
                            flags & ~(unsigned int)VIREO_STORAGE_VOL_RESIZE_DELTA) < 0)
        goto out;
    old_allocation = def->allocation;
    def->capacity = target;
    if (flags & VIREO_STORAGE_VOL_RESIZE_ALLOCATE)
        def->allocation = target;
    vol_update(obj, def);
    storage_pool_obj_adjust(obj, (int64_t)def->allocation - (int64_t)old_allocation);
    def = NULL;
    rc = 0;
out:
    storage_vol_free(def);
    vol_end(obj);
    return rc;
}

/* ---- reads ---- */

/* A copy of the volume with its sizes read again when that is cheap. */
static storage_vol_def *vol_current(vireo_storage_vol *vol)
{
    g_autoptr(storage_pool_obj) obj = NULL;
    storage_vol_def *def = NULL;

    if (!(obj = vol_find(vol, &def)))
        return NULL;
    if (vol_is_file(def) && storage_file_vol_stat(def) < 0) {
        storage_vol_free(def);
        return NULL;
    }
    return def;
}

int storage_driver_vol_get_info(vireo_storage_vol *vol, int *type, unsigned long long *capacity,
                                unsigned long long *allocation, unsigned int flags)
{
    g_autoptr(storage_vol_def) def = NULL;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, VIREO_STORAGE_VOL_GET_PHYSICAL, __func__) ||
        !(def = vol_current(vol)))
        return -1;
    *type = storage_vol_type_number(def->type);
    *capacity = def->capacity;
    *allocation = (flags & VIREO_STORAGE_VOL_GET_PHYSICAL) ? def->physical : def->allocation;
    return 0;
}

char *storage_driver_vol_get_xml_desc(vireo_storage_vol *vol, unsigned int flags)
{
    g_autoptr(storage_vol_def) def = NULL;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, 0, __func__) || !(def = vol_current(vol)))
        return NULL;
    return storage_vol_format(def, 0);
}

char *storage_driver_vol_get_path(vireo_storage_vol *vol)
{
    g_autoptr(storage_pool_obj) obj = NULL;
    g_autoptr(storage_vol_def) def = NULL;

    if (!(obj = vol_find(vol, &def)))
        return NULL;
    return g_strdup(def->path);
}

/* ---- upload, download ---- */

/* What a running transfer holds until its stream lets go. */
typedef struct vol_transfer {
    storage_pool_obj *obj;      /* a reference; its async count held */
    char *name;                 /* the volume; in use while we live */
    bool upload;                /* read the volume again at the end */
} vol_transfer;

static void vol_transfer_done(gpointer opaque)
{
    vol_transfer *t = opaque;

    if (t->upload) {
        /* the bytes may be another format now; no job needed for a
         * volume nothing else may change while it is in use */
        storage_vol_def *def = storage_pool_vol_lookup(t->obj, t->name);

        if (def)
            vol_update(t->obj, def);
        error_reset();
        /* libvirt refreshes the pool after an upload and says so */
        storage_pool_obj_emit_refresh(t->obj);
    }
    in_use_add(storage_pool_obj_name(t->obj), t->name, -1);
    storage_pool_obj_async_end(t->obj);
    storage_pool_obj_unref(t->obj);
    g_free(t->name);
    g_free(t);
}

/* Start a transfer of vol: checks, then the transfer record.  NULL with
 * the error set. */
static vol_transfer *vol_transfer_begin(vireo_storage_vol *vol, bool upload,
                                        storage_vol_def **def)
{
    storage_pool_obj *obj = vol_find(vol, def);
    vol_transfer *t;

    if (!obj)
        return NULL;
    if (!(*def)->path || (*def)->path[0] != '/') {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "storage pool '%s' doesn't support volume %s", vol->pool,
                     upload ? "upload" : "download");
    } else if (!upload || vol_check_unused(vol->pool, *def) == 0) {
        t = g_new0(vol_transfer, 1);
        t->obj = obj;
        t->name = g_strdup((*def)->name);
        t->upload = upload;
        in_use_add(vol->pool, t->name, 1);
        storage_pool_obj_async_begin(obj);
        return t;
    }
    storage_pool_obj_unref(obj);
    g_clear_pointer(def, storage_vol_free);
    return NULL;
}

int storage_driver_vol_upload(vireo_storage_vol *vol, vireo_stream *st, unsigned long long offset,
                              unsigned long long length, unsigned int flags)
{
    g_autoptr(storage_vol_def) def = NULL;
    vol_transfer *t;
    uint64_t size;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, VIREO_STORAGE_VOL_UPLOAD_SPARSE_STREAM,
                         __func__) ||
        !(t = vol_transfer_begin(vol, true, &def)))
        return -1;
    /* an image file may be larger than its virtual size */
    size = MAX(def->capacity, def->physical);
    if (offset > size) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "offset %llu is past the end of volume '%s' (%" G_GUINT64_FORMAT " bytes)",
                     offset, vol->name, size);
    } else if (length > size - offset) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "upload of %llu bytes at offset %llu does not fit in volume '%s' (%"
                     G_GUINT64_FORMAT " bytes)", length, offset, vol->name, size);
    } else if (storage_file_stream_upload(st, def->path, offset, length ? length : size - offset,
                                          vol_transfer_done, t) == 0) {
        return 0;
    }
    t->upload = false;
    vol_transfer_done(t);
    return -1;
}

int storage_driver_vol_download(vireo_storage_vol *vol, vireo_stream *st,
                                unsigned long long offset, unsigned long long length,
                                unsigned int flags)
{
    g_autoptr(storage_vol_def) def = NULL;
    vol_transfer *t;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, VIREO_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM,
                         __func__) ||
        !(t = vol_transfer_begin(vol, false, &def)))
        return -1;
    if (storage_file_stream_download(st, def->path, offset, length,
                                     flags & VIREO_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM,
                                     vol_transfer_done, t) == 0)
        return 0;
    vol_transfer_done(t);
    return -1;
}
