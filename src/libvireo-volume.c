/*
 * libvireo-volume.c: the public API for storage volumes, over the
 * connection's storage table (src/drivers/driver.h).
 *
 * Same shape as libvireo-storage.c: clear the thread's error, check the
 * handle and arguments, refuse changes on a read-only connection, then
 * hand over to the driver.
 */
#include <string.h>

#include "libvireo-priv.h"
#include "drivers/stream.h"

/* ---- handles (leave the thread's error alone, see vireo.h) ---- */

const char *vireo_storage_vol_get_name(vireo_storage_vol *vol)
{
    if (!api_vol_ok(vol, __func__))
        return NULL;
    return vol->name;
}

const char *vireo_storage_vol_get_key(vireo_storage_vol *vol)
{
    if (!api_vol_ok(vol, __func__))
        return NULL;
    return vol->key;
}

const char *vireo_storage_vol_get_pool_name(vireo_storage_vol *vol)
{
    if (!api_vol_ok(vol, __func__))
        return NULL;
    return vol->pool;
}

vireo_conn *vireo_storage_vol_get_conn(vireo_storage_vol *vol)
{
    if (!api_vol_ok(vol, __func__))
        return NULL;
    return vol->conn;
}

int vireo_storage_vol_ref(vireo_storage_vol *vol)
{
    if (!api_vol_ok(vol, __func__))
        return -1;
    vol_handle_ref(vol);
    return 0;
}

int vireo_storage_vol_free(vireo_storage_vol *vol)
{
    if (!api_vol_ok(vol, __func__))
        return -1;
    vol_handle_unref(vol);
    return 0;
}

void vireo_storage_vol_list_free(vireo_storage_vol **vols)
{
    if (!vols)
        return;
    for (size_t i = 0; vols[i]; i++)
        vol_handle_unref(vols[i]);
    g_free(vols);
}

/* ---- lookups and lists ---- */

vireo_storage_vol *vireo_storage_vol_lookup_by_name(vireo_storage_pool *pool, const char *name)
{
    API_POOL_ENTRY(pool, vol_lookup_by_name, false, NULL);
    if (!name) {
        api_invalid_arg(__func__, "name");
        return NULL;
    }
    return pool->conn->driver->storage->vol_lookup_by_name(pool, name);
}

vireo_storage_vol *vireo_storage_vol_lookup_by_key(vireo_conn *conn, const char *key)
{
    API_CONN_STORAGE_ENTRY(conn, vol_lookup_by_key, false, NULL);
    if (!key) {
        api_invalid_arg(__func__, "key");
        return NULL;
    }
    return conn->driver->storage->vol_lookup_by_key(conn, key);
}

vireo_storage_vol *vireo_storage_vol_lookup_by_path(vireo_conn *conn, const char *path)
{
    API_CONN_STORAGE_ENTRY(conn, vol_lookup_by_path, false, NULL);
    if (!path) {
        api_invalid_arg(__func__, "path");
        return NULL;
    }
    return conn->driver->storage->vol_lookup_by_path(conn, path);
}

int vireo_storage_pool_list_all_volumes(vireo_storage_pool *pool, vireo_storage_vol ***vols,
                                        unsigned int flags)
{
    API_POOL_ENTRY(pool, pool_list_volumes, false, -1);
    if (!vols) {
        api_invalid_arg(__func__, "vols");
        return -1;
    }
    *vols = NULL;
    return pool->conn->driver->storage->pool_list_volumes(pool, vols, flags);
}

/* ---- create and remove ---- */

vireo_storage_vol *vireo_storage_vol_create_xml(vireo_storage_pool *pool, const char *xml,
                                                unsigned int flags)
{
    API_POOL_ENTRY(pool, vol_create_xml, true, NULL);
    if (!xml) {
        api_invalid_arg(__func__, "xml");
        return NULL;
    }
    return pool->conn->driver->storage->vol_create_xml(pool, xml, flags);
}

vireo_storage_vol *vireo_storage_vol_create_xml_from(vireo_storage_pool *pool, const char *xml,
                                                     vireo_storage_vol *clonevol,
                                                     unsigned int flags)
{
    API_POOL_ENTRY(pool, vol_create_xml_from, true, NULL);
    if (!xml) {
        api_invalid_arg(__func__, "xml");
        return NULL;
    }
    if (!api_vol_ok(clonevol, __func__))
        return NULL;
    return pool->conn->driver->storage->vol_create_xml_from(pool, xml, clonevol, flags);
}

int vireo_storage_vol_delete(vireo_storage_vol *vol, unsigned int flags)
{
    API_VOL_ENTRY(vol, vol_delete, true, -1);
    return vol->conn->driver->storage->vol_delete(vol, flags);
}

int vireo_storage_vol_wipe(vireo_storage_vol *vol, unsigned int flags)
{
    API_VOL_ENTRY(vol, vol_wipe_pattern, true, -1);
    return vol->conn->driver->storage->vol_wipe_pattern(vol, VIREO_STORAGE_VOL_WIPE_ALG_ZERO,
                                                        flags);
}

int vireo_storage_vol_wipe_pattern(vireo_storage_vol *vol, unsigned int algorithm,
                                   unsigned int flags)
{
    API_VOL_ENTRY(vol, vol_wipe_pattern, true, -1);
    return vol->conn->driver->storage->vol_wipe_pattern(vol, algorithm, flags);
}

int vireo_storage_vol_resize(vireo_storage_vol *vol, unsigned long long capacity,
                             unsigned int flags)
{
    API_VOL_ENTRY(vol, vol_resize, true, -1);
    return vol->conn->driver->storage->vol_resize(vol, capacity, flags);
}

/* ---- state ---- */

/* Both info calls, after their entry checks. */
static int vol_info_fill(vireo_storage_vol *vol, vireo_storage_vol_info *info,
                         unsigned int flags)
{
    memset(info, 0, sizeof(*info));
    return vol->conn->driver->storage->vol_get_info(vol, &info->type, &info->capacity,
                                                    &info->allocation, flags);
}

int vireo_storage_vol_get_info(vireo_storage_vol *vol, vireo_storage_vol_info *info)
{
    API_VOL_ENTRY(vol, vol_get_info, false, -1);
    if (!info) {
        api_invalid_arg(__func__, "info");
        return -1;
    }
    return vol_info_fill(vol, info, 0);
}

int vireo_storage_vol_get_info_flags(vireo_storage_vol *vol, vireo_storage_vol_info *info,
                                     unsigned int flags)
{
    API_VOL_ENTRY(vol, vol_get_info, false, -1);
    if (!info) {
        api_invalid_arg(__func__, "info");
        return -1;
    }
    return vol_info_fill(vol, info, flags);
}

char *vireo_storage_vol_get_xml_desc(vireo_storage_vol *vol, unsigned int flags)
{
    API_VOL_ENTRY(vol, vol_get_xml_desc, false, NULL);
    return vol->conn->driver->storage->vol_get_xml_desc(vol, flags);
}

char *vireo_storage_vol_get_path(vireo_storage_vol *vol)
{
    API_VOL_ENTRY(vol, vol_get_path, false, NULL);
    return vol->conn->driver->storage->vol_get_path(vol);
}

/* ---- data over streams ---- */

/* st is a stream made on vol's connection (the driver attaches to it). */
static bool vol_stream_ok(vireo_storage_vol *vol, vireo_stream *st, const char *func)
{
    if (!st) {
        api_invalid_arg(func, "stream");
        return false;
    }
    if (stream_conn(st) != vol->conn) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "stream in %s was made on another connection than volume '%s'", func,
                     vol->name);
        return false;
    }
    return true;
}

int vireo_storage_vol_upload(vireo_storage_vol *vol, vireo_stream *st,
                             unsigned long long offset, unsigned long long length,
                             unsigned int flags)
{
    API_VOL_ENTRY(vol, vol_upload, true, -1);
    if (!vol_stream_ok(vol, st, __func__))
        return -1;
    return vol->conn->driver->storage->vol_upload(vol, st, offset, length, flags);
}

int vireo_storage_vol_download(vireo_storage_vol *vol, vireo_stream *st,
                               unsigned long long offset, unsigned long long length,
                               unsigned int flags)
{
    /* libvirt refuses downloads to read-only clients too: the bytes may
     * be a guest's disk */
    API_VOL_ENTRY(vol, vol_download, true, -1);
    if (!vol_stream_ok(vol, st, __func__))
        return -1;
    return vol->conn->driver->storage->vol_download(vol, st, offset, length, flags);
}
