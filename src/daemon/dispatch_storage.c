/*
 * dispatch_storage.c: the storage pool and volume handlers gen_rpc.py
 * does not write, and the pool/volume handles of the generated ones.
 *
 * Lists (CONNECT_LIST_ALL_STORAGE_POOLS, STORAGE_POOL_LIST_ALL_VOLUMES)
 * carry arrays of handles; the older count and name-list procedures
 * that old clients and virsh's fallbacks send are answered from the same
 * list entries; STORAGE_VOL_WIPE is the pattern wipe with libvirt's
 * default algorithm (zeros).  Upload and download open a stream on the
 * call, carried by a stream_link (daemon/stream.h) as consoles are.
 * Prototypes come from the generated rpc/dispatch_gen.h; each runs on a
 * worker thread and fills ret (freed by the daemon with xdr_free).
 */
#include <string.h>

#include "daemon/acl_list.h"
#include "daemon/dispatch.h"
#include "daemon/stream.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "rpc/dispatch_gen.h"
#include "util/error.h"

/* ---- handles (dispatch.h) ---- */

vireo_storage_pool *dispatch_pool_get(vireo_conn *conn, const struct remote_nonnull_storage_pool *p)
{
    return pool_handle_new(conn, p->name, (const unsigned char *)p->uuid);
}

void dispatch_pool_put(vireo_storage_pool *pool, struct remote_nonnull_storage_pool *p)
{
    p->name = g_strdup(pool->name);
    memcpy(p->uuid, pool->uuid, sizeof(p->uuid));
}

vireo_storage_vol *dispatch_vol_get(vireo_conn *conn, const struct remote_nonnull_storage_vol *v)
{
    return vol_handle_new(conn, v->pool, v->name, v->key);
}

void dispatch_vol_put(vireo_storage_vol *vol, struct remote_nonnull_storage_vol *v)
{
    v->pool = g_strdup(vol->pool);
    v->name = g_strdup(vol->name);
    v->key = g_strdup(vol->key);
}

/* ---- lists ---- */

static void dispatch_pools_free(vireo_storage_pool **pools)
{
    for (size_t i = 0; pools && pools[i]; i++)
        pool_handle_unref(pools[i]);
    g_free(pools);
}

static void dispatch_vols_free(vireo_storage_vol **vols)
{
    for (size_t i = 0; vols && vols[i]; i++)
        vol_handle_unref(vols[i]);
    g_free(vols);
}

/* Every pool matching flags (new handles, NULL-terminated) and their
 * count, refusing more than one reply can carry. */
static int dispatch_pool_list(daemon_client *client, unsigned int flags,
                              vireo_storage_pool ***pools)
{
    vireo_conn *conn = daemon_client_conn(client);
    int n;

    *pools = NULL;
    if (!conn->driver->storage || !conn->driver->storage->pool_list_all) {
        dispatch_no_support("virConnectListAllStoragePools");
        return -1;
    }
    n = conn->driver->storage->pool_list_all(conn, pools, flags);
    if (n > 0)
        n = acl_list_pools(client, *pools, n);
    if (n > REMOTE_STORAGE_POOL_LIST_MAX) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "too many storage pools '%d' for limit '%d'",
                     n, REMOTE_STORAGE_POOL_LIST_MAX);
        n = -1;
    }
    if (n < 0)
        g_clear_pointer(pools, dispatch_pools_free);
    return n;
}

/* The same for the volumes of the pool the wire names. */
static int dispatch_vol_list(daemon_client *client, const remote_nonnull_storage_pool *p,
                             unsigned int flags, vireo_storage_vol ***vols)
{
    vireo_conn *conn = daemon_client_conn(client);
    vireo_storage_pool *pool;
    int n;

    *vols = NULL;
    if (!conn->driver->storage || !conn->driver->storage->pool_list_volumes) {
        dispatch_no_support("virStoragePoolListAllVolumes");
        return -1;
    }
    if (!(pool = dispatch_pool_get(conn, p)))
        return -1;
    n = conn->driver->storage->pool_list_volumes(pool, vols, flags);
    if (n > 0)
        n = acl_list_vols(client, *vols, n);
    pool_handle_unref(pool);
    if (n > REMOTE_STORAGE_VOL_LIST_MAX) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "too many storage volumes '%d' for limit '%d'",
                     n, REMOTE_STORAGE_VOL_LIST_MAX);
        n = -1;
    }
    if (n < 0)
        g_clear_pointer(vols, dispatch_vols_free);
    return n;
}

static int dispatch_check_maxnames(int max, int limit)
{
    if (max < 0 || max > limit) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "maxnames '%d' must be 0 .. %d", max, limit);
        return -1;
    }
    return 0;
}

int dispatch_connect_list_all_storage_pools(daemon_client *client,
                                            const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                            void *ret_)
{
    remote_connect_list_all_storage_pools_args *args = args_;
    remote_connect_list_all_storage_pools_ret *ret = ret_;
    vireo_storage_pool **pools;
    int n = dispatch_pool_list(client, args->flags, &pools);

    if (n < 0)
        return -1;
    if (args->need_results) {
        ret->pools.pools_len = (u_int)n;
        ret->pools.pools_val = g_new0(remote_nonnull_storage_pool, n > 0 ? n : 1);
        for (int i = 0; i < n; i++)
            dispatch_pool_put(pools[i], &ret->pools.pools_val[i]);
    }
    ret->ret = (unsigned int)n;
    dispatch_pools_free(pools);
    return 0;
}

int dispatch_storage_pool_list_all_volumes(daemon_client *client,
                                           const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                           void *ret_)
{
    remote_storage_pool_list_all_volumes_args *args = args_;
    remote_storage_pool_list_all_volumes_ret *ret = ret_;
    vireo_storage_vol **vols;
    int n = dispatch_vol_list(client, &args->pool, args->flags, &vols);

    if (n < 0)
        return -1;
    if (args->need_results) {
        ret->vols.vols_len = (u_int)n;
        ret->vols.vols_val = g_new0(remote_nonnull_storage_vol, n > 0 ? n : 1);
        for (int i = 0; i < n; i++)
            dispatch_vol_put(vols[i], &ret->vols.vols_val[i]);
    }
    ret->ret = (unsigned int)n;
    dispatch_vols_free(vols);
    return 0;
}

/* ---- the older count and name-list procedures ---- */

static int dispatch_pool_count(daemon_client *client, unsigned int flags, int *num)
{
    vireo_storage_pool **pools;
    int n = dispatch_pool_list(client, flags, &pools);

    if (n < 0)
        return -1;
    *num = n;
    dispatch_pools_free(pools);
    return 0;
}

/* The names of the pools matching flags, at most maxnames of them. */
static int dispatch_pool_names(daemon_client *client, unsigned int flags, int maxnames,
                               u_int *len, char ***names)
{
    vireo_storage_pool **pools;
    int n;

    if (dispatch_check_maxnames(maxnames, REMOTE_STORAGE_POOL_LIST_MAX) < 0)
        return -1;
    if ((n = dispatch_pool_list(client, flags, &pools)) < 0)
        return -1;
    n = MIN(n, maxnames);
    *len = (u_int)n;
    *names = g_new0(char *, n > 0 ? n : 1);
    for (int i = 0; i < n; i++)
        (*names)[i] = g_strdup(pools[i]->name);
    dispatch_pools_free(pools);
    return 0;
}

int dispatch_connect_num_of_storage_pools(daemon_client *client,
                                          const rpc_header *hdr G_GNUC_UNUSED,
                                          void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_num_of_storage_pools_ret *ret = ret_;

    return dispatch_pool_count(client, VIREO_LIST_STORAGE_POOLS_ACTIVE, &ret->num);
}

int dispatch_connect_num_of_defined_storage_pools(daemon_client *client,
                                                  const rpc_header *hdr G_GNUC_UNUSED,
                                                  void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_num_of_defined_storage_pools_ret *ret = ret_;

    return dispatch_pool_count(client, VIREO_LIST_STORAGE_POOLS_INACTIVE, &ret->num);
}

int dispatch_connect_list_storage_pools(daemon_client *client,
                                        const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                        void *ret_)
{
    remote_connect_list_storage_pools_args *args = args_;
    remote_connect_list_storage_pools_ret *ret = ret_;

    return dispatch_pool_names(client, VIREO_LIST_STORAGE_POOLS_ACTIVE, args->maxnames,
                               &ret->names.names_len, &ret->names.names_val);
}

int dispatch_connect_list_defined_storage_pools(daemon_client *client,
                                                const rpc_header *hdr G_GNUC_UNUSED,
                                                void *args_, void *ret_)
{
    remote_connect_list_defined_storage_pools_args *args = args_;
    remote_connect_list_defined_storage_pools_ret *ret = ret_;

    return dispatch_pool_names(client, VIREO_LIST_STORAGE_POOLS_INACTIVE, args->maxnames,
                               &ret->names.names_len, &ret->names.names_val);
}

/* The count of a pool's volumes the caller may see: by hand (not
 * generated) because it must agree with the list under the access rules. */
int dispatch_storage_pool_num_of_volumes(daemon_client *client,
                                         const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                         void *ret_)
{
    remote_storage_pool_num_of_volumes_args *args = args_;
    remote_storage_pool_num_of_volumes_ret *ret = ret_;
    vireo_storage_vol **vols;
    int n;

    if ((n = dispatch_vol_list(client, &args->pool, 0, &vols)) < 0)
        return -1;
    dispatch_vols_free(vols);
    ret->num = n;
    return 0;
}

/* The names of a pool's volumes, at most maxnames of them. */
int dispatch_storage_pool_list_volumes(daemon_client *client,
                                       const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                       void *ret_)
{
    remote_storage_pool_list_volumes_args *args = args_;
    remote_storage_pool_list_volumes_ret *ret = ret_;
    vireo_storage_vol **vols;
    int n;

    if (dispatch_check_maxnames(args->maxnames, REMOTE_STORAGE_VOL_LIST_MAX) < 0)
        return -1;
    if ((n = dispatch_vol_list(client, &args->pool, 0, &vols)) < 0)
        return -1;
    n = MIN(n, args->maxnames);
    ret->names.names_len = (u_int)n;
    ret->names.names_val = g_new0(char *, n > 0 ? n : 1);
    for (int i = 0; i < n; i++)
        ret->names.names_val[i] = g_strdup(vols[i]->name);
    dispatch_vols_free(vols);
    return 0;
}

/* ---- volumes ---- */

/* The first wipe procedure: the pattern wipe with libvirt's default. */
int dispatch_storage_vol_wipe(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                              void *args_, void *ret_ G_GNUC_UNUSED)
{
    remote_storage_vol_wipe_args *args = args_;
    vireo_conn *conn = daemon_client_conn(client);
    vireo_storage_vol *vol;
    int rv;

    if (!conn->driver->storage || !conn->driver->storage->vol_wipe_pattern) {
        dispatch_no_support("virStorageVolWipe");
        return -1;
    }
    if (!(vol = dispatch_vol_get(conn, &args->vol)))
        return -1;
    rv = conn->driver->storage->vol_wipe_pattern(vol, VIREO_STORAGE_VOL_WIPE_ALG_ZERO, args->flags);
    vol_handle_unref(vol);
    return rv;
}

/* ---- streams ---- */

/* Upload (the client sends) or download (the daemon sends) through the
 * driver entry fn, on a stream carried by the call's wire stream. */
static int dispatch_vol_stream(daemon_client *client, const rpc_header *hdr,
                               const remote_nonnull_storage_vol *v, unsigned long long offset,
                               unsigned long long length, unsigned int flags, bool upload)
{
    vireo_conn *conn = daemon_client_conn(client);
    const storage_driver *drv = conn->driver->storage;
    int (*fn)(vireo_storage_vol *, vireo_stream *, unsigned long long, unsigned long long,
              unsigned int);
    stream_link *link;
    vireo_storage_vol *vol;
    int rv;

    fn = !drv ? NULL : upload ? drv->vol_upload : drv->vol_download;
    if (!fn) {
        dispatch_no_support(upload ? "virStorageVolUpload" : "virStorageVolDownload");
        return -1;
    }
    if (!(vol = dispatch_vol_get(conn, v)))
        return -1;
    link = stream_link_new(client, hdr, conn);
    rv = fn(vol, stream_link_stream(link), offset, length, flags);
    vol_handle_unref(vol);
    stream_link_opened(link, rv);
    return rv;
}

int dispatch_storage_vol_upload(daemon_client *client, const rpc_header *hdr, void *args_,
                                void *ret_ G_GNUC_UNUSED)
{
    remote_storage_vol_upload_args *args = args_;

    return dispatch_vol_stream(client, hdr, &args->vol, args->offset, args->length, args->flags,
                               true);
}

int dispatch_storage_vol_download(daemon_client *client, const rpc_header *hdr, void *args_,
                                  void *ret_ G_GNUC_UNUSED)
{
    remote_storage_vol_download_args *args = args_;

    return dispatch_vol_stream(client, hdr, &args->vol, args->offset, args->length, args->flags,
                               false);
}
