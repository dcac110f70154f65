/*
 * remote_storage.c: the storage pool and volume stubs gen_rpc.py does
 * not write, and the pool/volume handles of the generated ones.
 *
 * The mirror image of src/daemon/dispatch_storage.c: the two lists
 * (arrays of handles) and the volume streams, which open a stream on
 * the call as DOMAIN_OPEN_CONSOLE does (remote_stream_open).  Each is
 * one remote_call(); -1 with the thread's error.
 */
#include <string.h>

#include "remote/remote_priv.h"
#include "rpc/remote_gen.h"
#include "util/error.h"

/* ---- handles (remote_priv.h) ---- */

vireo_storage_pool *remote_pool_from_wire(vireo_conn *conn, const remote_nonnull_storage_pool *p)
{
    return pool_handle_new(conn, p->name, (const unsigned char *)p->uuid);
}

void remote_pool_to_wire(vireo_storage_pool *pool, remote_nonnull_storage_pool *p)
{
    p->name = pool->name;
    memcpy(p->uuid, pool->uuid, VIREO_UUID_BUFLEN);
}

vireo_storage_vol *remote_vol_from_wire(vireo_conn *conn, const remote_nonnull_storage_vol *v)
{
    return vol_handle_new(conn, v->pool, v->name, v->key);
}

void remote_vol_to_wire(vireo_storage_vol *vol, remote_nonnull_storage_vol *v)
{
    v->pool = vol->pool;
    v->name = vol->name;
    v->key = vol->key;
}

/* ---- lists ---- */

int remote_proc_connect_list_all_storage_pools(vireo_conn *conn, vireo_storage_pool ***pools,
                                               unsigned int flags)
{
    remote_connect_list_all_storage_pools_args args = { .need_results = pools != NULL,
                                                        .flags = flags };
    remote_connect_list_all_storage_pools_ret ret;
    int n;

    memset(&ret, 0, sizeof(ret));
    if (remote_call(conn, REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS,
                    (xdrproc_t)xdr_remote_connect_list_all_storage_pools_args, &args,
                    (xdrproc_t)xdr_remote_connect_list_all_storage_pools_ret, &ret) < 0)
        return -1;
    n = (int)ret.ret;
    if (pools) {
        n = (int)ret.pools.pools_len;
        *pools = g_new0(vireo_storage_pool *, ret.pools.pools_len + 1);
        for (u_int i = 0; i < ret.pools.pools_len; i++)
            (*pools)[i] = remote_pool_from_wire(conn, &ret.pools.pools_val[i]);
    }
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_storage_pools_ret, &ret);
    return n;
}

int remote_proc_storage_pool_list_all_volumes(vireo_storage_pool *pool, vireo_storage_vol ***vols,
                                              unsigned int flags)
{
    remote_storage_pool_list_all_volumes_args args = { .need_results = vols != NULL,
                                                       .flags = flags };
    remote_storage_pool_list_all_volumes_ret ret;
    int n;

    memset(&ret, 0, sizeof(ret));
    remote_pool_to_wire(pool, &args.pool);
    if (remote_call(pool->conn, REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES,
                    (xdrproc_t)xdr_remote_storage_pool_list_all_volumes_args, &args,
                    (xdrproc_t)xdr_remote_storage_pool_list_all_volumes_ret, &ret) < 0)
        return -1;
    n = (int)ret.ret;
    if (vols) {
        n = (int)ret.vols.vols_len;
        *vols = g_new0(vireo_storage_vol *, ret.vols.vols_len + 1);
        for (u_int i = 0; i < ret.vols.vols_len; i++)
            (*vols)[i] = remote_vol_from_wire(pool->conn, &ret.vols.vols_val[i]);
    }
    xdr_free((xdrproc_t)xdr_remote_storage_pool_list_all_volumes_ret, &ret);
    return n;
}

/* ---- streams ---- */

int remote_proc_storage_vol_upload(vireo_storage_vol *vol, vireo_stream *st,
                                   unsigned long long offset, unsigned long long length,
                                   unsigned int flags)
{
    remote_storage_vol_upload_args args = { .offset = offset, .length = length, .flags = flags };

    remote_vol_to_wire(vol, &args.vol);
    return remote_stream_open(vol->conn, REMOTE_PROC_STORAGE_VOL_UPLOAD,
                              (xdrproc_t)xdr_remote_storage_vol_upload_args, &args, st);
}

int remote_proc_storage_vol_download(vireo_storage_vol *vol, vireo_stream *st,
                                     unsigned long long offset, unsigned long long length,
                                     unsigned int flags)
{
    remote_storage_vol_download_args args = { .offset = offset, .length = length,
                                               .flags = flags };

    remote_vol_to_wire(vol, &args.vol);
    return remote_stream_open(vol->conn, REMOTE_PROC_STORAGE_VOL_DOWNLOAD,
                              (xdrproc_t)xdr_remote_storage_vol_download_args, &args, st);
}
