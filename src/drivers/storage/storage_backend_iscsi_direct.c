/*
 * storage_backend_iscsi_direct.c: a pool of an iSCSI target's LUNs,
 * reached with libiscsi (no kernel initiator, no block devices), like
 * libvirt's iscsi-direct pool.
 *
 * Volumes are the target's LUNs, named "unit:0:0:LUN" with key and path
 * "ip-HOST:PORT-iscsi-IQN-lun-LUN" as libvirt names them; QEMU opens them
 * as iscsi://HOST:PORT/IQN/LUN.  Each operation opens its own session
 * (nothing is held while the pool is active) bounded by the storage
 * deadline (storage_run_timeout_ms), so a dead portal fails the call
 * instead of holding the pool's job.
 */
#include <string.h>

#include "drivers/secret/secret_store.h"
#include "drivers/storage/storage_backend.h"
#include "drivers/storage/storage_iscsi_session.h"
#include "drivers/storage/storage_iscsi_sources.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"
#include "util/log.h"
#include "util/secret_crypt.h"
#include "util/uuid.h"

#define LOG_CATEGORY "storage.iscsi_direct"

#define ISCSI_VOL_PREFIX "unit:0:0:"

/* The pool's single host, or NULL with an error naming the pool. */
static const storage_pool_host *pool_host(const storage_pool_def *pool)
{
    if (pool->source.hosts->len != 1) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "storage pool '%s': an iscsi-direct pool needs exactly one <host>, not %u",
                     pool->name, pool->source.hosts->len);
        return NULL;
    }
    return pool->source.hosts->pdata[0];
}

/* The CHAP password of the pool's <auth> (from the node's secrets), as a
 * NUL-terminated string in *password (caller frees with secret_value_free
 * and *len + 1).  No <auth>: 0 and NULL. */
static int pool_chap_password(node_state *node, const storage_pool_def *pool,
                              uint8_t **password, size_t *len)
{
    const storage_pool_source *src = &pool->source;
    unsigned char uuid[VIREO_UUID_BUFLEN];
    uint8_t *raw = NULL;
    size_t raw_len = 0;

    *password = NULL;
    *len = 0;
    if (!src->auth_type)
        return 0;
    if (strcmp(src->auth_type, "chap") != 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_XML_ERROR,
                     "storage pool '%s': an iscsi-direct pool takes only auth type 'chap', "
                     "not '%s'", pool->name, src->auth_type);
        return -1;
    }
    if (src->auth_secret_uuid) {
        if (uuid_parse(src->auth_secret_uuid, uuid) < 0) {
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                         "storage pool '%s': invalid secret UUID '%s'", pool->name,
                         src->auth_secret_uuid);
            return -1;
        }
    } else if (secret_store_lookup_usage(node, VIREO_SECRET_USAGE_TYPE_ISCSI,
                                         src->auth_secret_usage, uuid) < 0) {
        return -1;
    }
    if (secret_store_get_value(node, uuid, &raw, &raw_len) < 0)
        return -1;
    /* libiscsi wants a C string */
    *password = g_malloc0(raw_len + 1);
    memcpy(*password, raw, raw_len);
    *len = raw_len;
    secret_value_free(raw, raw_len);
    return 0;
}

/* A session ends a little before the pool core's job deadline (the same
 * storage_run_timeout_ms), so the caller hears which step hung. */
static gint64 session_deadline(void)
{
    return g_get_monotonic_time() + (gint64)storage_run_timeout_ms() * 900;
}

/* Log in to the pool's target before the storage deadline. */
static iscsi_session *pool_session(node_state *node, const storage_pool_def *pool,
                                   char **portal_out)
{
    const storage_pool_host *host = pool_host(pool);
    g_autofree char *who = g_strdup_printf("storage pool '%s'", pool->name);
    g_autofree char *portal = NULL;
    uint8_t *password = NULL;
    size_t len = 0;
    iscsi_session *s;
    iscsi_login login = { 0 };

    if (!host || pool_chap_password(node, pool, &password, &len) < 0)
        return NULL;
    portal = iscsi_portal(host);
    login.who = who;
    login.initiator = pool->source.initiator_iqn;
    login.portal = portal;
    login.target = ((const storage_pool_device *)pool->source.devices->pdata[0])->path;
    login.chap_user = password ? pool->source.auth_username : NULL;
    login.chap_password = (const char *)password;
    s = iscsi_session_open(&login, session_deadline());
    if (password)
        secret_value_free(password, len + 1);
    if (s && portal_out)
        *portal_out = g_steal_pointer(&portal);
    return s;
}

/* Start: the portal answers and takes the login (CHAP included). */
static int iscsi_direct_start(node_state *node, const storage_pool_def *pool)
{
    g_autoptr(iscsi_session) s = pool_session(node, pool, NULL);

    return s ? 0 : -1;
}

/* Nothing is held between calls. */
static int iscsi_direct_stop(node_state *node, const storage_pool_def *pool)
{
    (void)node;
    (void)pool;
    return 0;
}

static storage_vol_def *lun_vol(const storage_pool_def *pool, const char *portal,
                                unsigned int lun, uint64_t bytes)
{
    const storage_pool_device *dev = pool->source.devices->pdata[0];
    storage_vol_def *vol = g_new0(storage_vol_def, 1);

    vol->source = g_ptr_array_new();
    vol->type = g_strdup("network");
    vol->name = g_strdup_printf(ISCSI_VOL_PREFIX "%u", lun);
    vol->key = g_strdup_printf("ip-%s-iscsi-%s-lun-%u", portal, dev->path, lun);
    vol->path = g_strdup(vol->key);
    vol->capacity = bytes;
    vol->allocation = bytes;
    vol->has_capacity = true;
    return vol;
}

static int iscsi_direct_refresh(node_state *node, storage_pool_def *pool, GPtrArray *vols)
{
    g_autofree char *portal = NULL;
    g_autoptr(iscsi_session) s = pool_session(node, pool, &portal);
    g_autoptr(GArray) luns = NULL;
    uint64_t total = 0;

    if (!s || !(luns = iscsi_session_luns(s)))
        return -1;
    for (guint i = 0; i < luns->len; i++) {
        unsigned int lun = g_array_index(luns, guint, i);
        uint64_t bytes;

        if (iscsi_session_lun_size(s, lun, &bytes) < 0)
            return -1;
        g_ptr_array_add(vols, lun_vol(pool, portal, lun, bytes));
        total += bytes;
    }
    pool->capacity = total;
    pool->allocation = total;
    pool->available = 0;
    log_debug("%s: %u LUNs, %" G_GUINT64_FORMAT " bytes", pool->name, luns->len, total);
    return 0;
}

/* ---- find-storage-pool-sources ---- */

static char *iscsi_direct_find_sources(const char *src_spec, unsigned int flags)
{
    iscsi_source_spec spec = { 0 };
    g_autofree char *portal = NULL;
    g_autofree char *who = NULL;
    g_auto(GStrv) targets = NULL;
    g_autoptr(iscsi_session) s = NULL;
    iscsi_login login = { 0 };
    char *xml = NULL;

    if (flags) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "unsupported flags (0x%x) for iscsi-direct pool sources", flags);
        return NULL;
    }
    if (iscsi_source_spec_parse(src_spec, "iscsi-direct", &spec) < 0)
        goto out;
    /* libvirt's rule: the discovery session logs in as some initiator */
    if (!spec.initiator) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "finding iscsi-direct pool sources needs the initiator IQN "
                     "(<initiator><iqn name=''/></initiator>, virsh --initiator)");
        goto out;
    }
    portal = iscsi_portal(&spec.host);
    who = g_strdup_printf("iSCSI discovery at '%s'", portal);
    login.who = who;
    login.initiator = spec.initiator;
    login.portal = portal;
    s = iscsi_session_open(&login, session_deadline());
    if (s && (targets = iscsi_session_discover(s)))
        xml = iscsi_sources_format(&spec, targets);
out:
    iscsi_source_spec_clear(&spec);
    return xml;
}

const storage_backend storage_backend_iscsi_direct = {
    .type = STORAGE_POOL_ISCSI_DIRECT,
    .start = iscsi_direct_start,
    .stop = iscsi_direct_stop,
    .refresh = iscsi_direct_refresh,
    .find_sources = iscsi_direct_find_sources,
};
