/*
 * libvireo-storage.c: the public API for storage pools, over the
 * connection's storage table (src/drivers/driver.h).
 *
 * Each call: clear the thread's error, check the handle and arguments,
 * refuse changing calls on a read-only connection, then hand over to the
 * driver, which reports its own errors.
 */
#include <string.h>

#include "libvireo-priv.h"
#include "util/uuid.h"

/* ---- handles ----
 *
 * These cannot fail on a valid handle and leave the thread's error alone
 * (see vireo.h). */

const char *vireo_storage_pool_get_name(vireo_storage_pool *pool)
{
    if (!api_pool_ok(pool, __func__))
        return NULL;
    return pool->name;
}

int vireo_storage_pool_get_uuid(vireo_storage_pool *pool, unsigned char uuid[VIREO_UUID_BUFLEN])
{
    if (!api_pool_ok(pool, __func__))
        return -1;
    if (!uuid) {
        api_invalid_arg(__func__, "uuid");
        return -1;
    }
    memcpy(uuid, pool->uuid, VIREO_UUID_BUFLEN);
    return 0;
}

int vireo_storage_pool_get_uuid_string(vireo_storage_pool *pool,
                                       char buf[VIREO_UUID_STRING_BUFLEN])
{
    if (!api_pool_ok(pool, __func__))
        return -1;
    if (!buf) {
        api_invalid_arg(__func__, "buf");
        return -1;
    }
    uuid_format(pool->uuid, buf);
    return 0;
}

vireo_conn *vireo_storage_pool_get_conn(vireo_storage_pool *pool)
{
    if (!api_pool_ok(pool, __func__))
        return NULL;
    return pool->conn;
}

int vireo_storage_pool_ref(vireo_storage_pool *pool)
{
    if (!api_pool_ok(pool, __func__))
        return -1;
    pool_handle_ref(pool);
    return 0;
}

int vireo_storage_pool_free(vireo_storage_pool *pool)
{
    if (!api_pool_ok(pool, __func__))
        return -1;
    pool_handle_unref(pool);
    return 0;
}

void vireo_storage_pool_list_free(vireo_storage_pool **pools)
{
    if (!pools)
        return;
    for (size_t i = 0; pools[i]; i++)
        pool_handle_unref(pools[i]);
    g_free(pools);
}

/* ---- lookups and lists ---- */

vireo_storage_pool *vireo_storage_pool_lookup_by_name(vireo_conn *conn, const char *name)
{
    API_CONN_STORAGE_ENTRY(conn, pool_lookup_by_name, false, NULL);
    if (!name) {
        api_invalid_arg(__func__, "name");
        return NULL;
    }
    return conn->driver->storage->pool_lookup_by_name(conn, name);
}

vireo_storage_pool *vireo_storage_pool_lookup_by_uuid(vireo_conn *conn,
                                                      const unsigned char uuid[VIREO_UUID_BUFLEN])
{
    API_CONN_STORAGE_ENTRY(conn, pool_lookup_by_uuid, false, NULL);
    if (!uuid) {
        api_invalid_arg(__func__, "uuid");
        return NULL;
    }
    return conn->driver->storage->pool_lookup_by_uuid(conn, uuid);
}

vireo_storage_pool *vireo_storage_pool_lookup_by_uuid_string(vireo_conn *conn, const char *uuidstr)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];

    API_CONN_STORAGE_ENTRY(conn, pool_lookup_by_uuid, false, NULL);
    if (api_uuid_parse(uuidstr, uuid, __func__) < 0)
        return NULL;
    return conn->driver->storage->pool_lookup_by_uuid(conn, uuid);
}

vireo_storage_pool *vireo_storage_pool_lookup_by_volume(vireo_storage_vol *vol)
{
    API_VOL_ENTRY(vol, pool_lookup_by_volume, false, NULL);
    return vol->conn->driver->storage->pool_lookup_by_volume(vol);
}

vireo_storage_pool *vireo_storage_pool_lookup_by_target_path(vireo_conn *conn, const char *path)
{
    API_CONN_STORAGE_ENTRY(conn, pool_lookup_by_target_path, false, NULL);
    if (!path) {
        api_invalid_arg(__func__, "path");
        return NULL;
    }
    return conn->driver->storage->pool_lookup_by_target_path(conn, path);
}

int vireo_conn_list_all_storage_pools(vireo_conn *conn, vireo_storage_pool ***pools,
                                      unsigned int flags)
{
    API_CONN_STORAGE_ENTRY(conn, pool_list_all, false, -1);
    if (!pools) {
        api_invalid_arg(__func__, "pools");
        return -1;
    }
    *pools = NULL;
    return conn->driver->storage->pool_list_all(conn, pools, flags);
}

/* ---- definition and lifecycle ---- */

vireo_storage_pool *vireo_storage_pool_define_xml(vireo_conn *conn, const char *xml,
                                                  unsigned int flags)
{
    API_CONN_STORAGE_ENTRY(conn, pool_define_xml, true, NULL);
    if (!xml) {
        api_invalid_arg(__func__, "xml");
        return NULL;
    }
    return conn->driver->storage->pool_define_xml(conn, xml, flags);
}

vireo_storage_pool *vireo_storage_pool_create_xml(vireo_conn *conn, const char *xml,
                                                  unsigned int flags)
{
    API_CONN_STORAGE_ENTRY(conn, pool_create_xml, true, NULL);
    if (!xml) {
        api_invalid_arg(__func__, "xml");
        return NULL;
    }
    return conn->driver->storage->pool_create_xml(conn, xml, flags);
}

int vireo_storage_pool_undefine(vireo_storage_pool *pool)
{
    API_POOL_ENTRY(pool, pool_undefine, true, -1);
    return pool->conn->driver->storage->pool_undefine(pool);
}

int vireo_storage_pool_create(vireo_storage_pool *pool, unsigned int flags)
{
    API_POOL_ENTRY(pool, pool_create, true, -1);
    return pool->conn->driver->storage->pool_create(pool, flags);
}

int vireo_storage_pool_build(vireo_storage_pool *pool, unsigned int flags)
{
    API_POOL_ENTRY(pool, pool_build, true, -1);
    return pool->conn->driver->storage->pool_build(pool, flags);
}

int vireo_storage_pool_destroy(vireo_storage_pool *pool)
{
    API_POOL_ENTRY(pool, pool_destroy, true, -1);
    return pool->conn->driver->storage->pool_destroy(pool);
}

int vireo_storage_pool_delete(vireo_storage_pool *pool, unsigned int flags)
{
    API_POOL_ENTRY(pool, pool_delete, true, -1);
    return pool->conn->driver->storage->pool_delete(pool, flags);
}

int vireo_storage_pool_refresh(vireo_storage_pool *pool, unsigned int flags)
{
    API_POOL_ENTRY(pool, pool_refresh, true, -1);
    return pool->conn->driver->storage->pool_refresh(pool, flags);
}

/* ---- state ---- */

int vireo_storage_pool_get_info(vireo_storage_pool *pool, vireo_storage_pool_info *info)
{
    API_POOL_ENTRY(pool, pool_get_info, false, -1);
    if (!info) {
        api_invalid_arg(__func__, "info");
        return -1;
    }
    memset(info, 0, sizeof(*info));
    return pool->conn->driver->storage->pool_get_info(pool, &info->state, &info->capacity,
                                                      &info->allocation, &info->available);
}

char *vireo_storage_pool_get_xml_desc(vireo_storage_pool *pool, unsigned int flags)
{
    API_POOL_ENTRY(pool, pool_get_xml_desc, false, NULL);
    return pool->conn->driver->storage->pool_get_xml_desc(pool, flags);
}

int vireo_storage_pool_get_autostart(vireo_storage_pool *pool, int *autostart)
{
    API_POOL_ENTRY(pool, pool_get_autostart, false, -1);
    if (!autostart) {
        api_invalid_arg(__func__, "autostart");
        return -1;
    }
    return pool->conn->driver->storage->pool_get_autostart(pool, autostart);
}

int vireo_storage_pool_set_autostart(vireo_storage_pool *pool, int autostart)
{
    API_POOL_ENTRY(pool, pool_set_autostart, true, -1);
    return pool->conn->driver->storage->pool_set_autostart(pool, autostart != 0);
}

int vireo_storage_pool_is_active(vireo_storage_pool *pool)
{
    API_POOL_ENTRY(pool, pool_is_active, false, -1);
    return pool->conn->driver->storage->pool_is_active(pool);
}

int vireo_storage_pool_is_persistent(vireo_storage_pool *pool)
{
    API_POOL_ENTRY(pool, pool_is_persistent, false, -1);
    return pool->conn->driver->storage->pool_is_persistent(pool);
}

int vireo_storage_pool_num_of_volumes(vireo_storage_pool *pool)
{
    API_POOL_ENTRY(pool, pool_num_of_volumes, false, -1);
    return pool->conn->driver->storage->pool_num_of_volumes(pool);
}

/* ---- the host ---- */

char *vireo_conn_find_storage_pool_sources(vireo_conn *conn, const char *type,
                                           const char *src_spec, unsigned int flags)
{
    /* a probe runs host tools: libvirt keeps it from read-only clients */
    API_CONN_STORAGE_ENTRY(conn, find_pool_sources, true, NULL);
    if (!type) {
        api_invalid_arg(__func__, "type");
        return NULL;
    }
    return conn->driver->storage->find_pool_sources(conn, type, src_spec, flags);
}

char *vireo_conn_get_storage_pool_capabilities(vireo_conn *conn, unsigned int flags)
{
    API_CONN_STORAGE_ENTRY(conn, get_pool_capabilities, false, NULL);
    return conn->driver->storage->get_pool_capabilities(conn, flags);
}
