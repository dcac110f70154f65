/*
 * storage_priv.h: the pool objects of one node, shared by the files of
 * src/drivers/storage only (pool core: storage_pool_obj.c, volumes:
 * storage_driver_vol.c, backends).
 *
 * Locking.  Each node has one short state lock guarding every pool's
 * fields below (def pointer, flags, volume list); it is never held across
 * I/O or a backend call.  Each pool has a job: whoever changes the pool
 * or runs a backend on it holds the job (at most one holder per pool,
 * waiters give up after the job timeout with OPERATION_TIMEOUT naming
 * the pool and the holder).  Lookups, lists, info and XML never wait for
 * a job: they copy what they need under the state lock.
 *
 * Lock order: job, then state lock.  Never begin a job with the state
 * lock held.
 */
#ifndef VIREO_DRIVERS_STORAGE_PRIV_H
#define VIREO_DRIVERS_STORAGE_PRIV_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf/storage_pool.h"
#include "conf/storage_vol.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "drivers/node.h"

typedef struct storage_pool_obj storage_pool_obj;

/* --- finding pools (each returns a new reference, release with
 * storage_pool_obj_unref; NULL with the error set) --- */

/* Any pool named name: NO_STORAGE_POOL "no storage pool with matching
 * name 'x'" when there is none. */
storage_pool_obj *storage_pool_obj_find(node_state *node, const char *name);
/* The same, and OPERATION_INVALID "storage pool 'x' is not active" when
 * it is not running. */
storage_pool_obj *storage_pool_obj_find_active(node_state *node, const char *name);
/* Through a handle: its connection's node, its name. */
storage_pool_obj *storage_pool_obj_from_handle(vireo_storage_pool *pool);
storage_pool_obj *storage_pool_obj_ref(storage_pool_obj *obj);
void storage_pool_obj_unref(storage_pool_obj *obj);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(storage_pool_obj, storage_pool_obj_unref)

/* The pool's name (borrowed; constant for the object's life). */
const char *storage_pool_obj_name(storage_pool_obj *obj);
node_state *storage_pool_obj_node(storage_pool_obj *obj);
/* The live definition, borrowed and read-only: stable while the caller
 * holds the pool's job (only job holders replace it; the sizes in it
 * change under the state lock, read them with storage_pool_obj_sizes). */
const storage_pool_def *storage_pool_obj_def(storage_pool_obj *obj);
/* A private copy of the live definition, without a job.  Caller frees. */
storage_pool_def *storage_pool_obj_def_copy(storage_pool_obj *obj);
bool storage_pool_obj_is_active(storage_pool_obj *obj);
void storage_pool_obj_sizes(storage_pool_obj *obj, uint64_t *capacity, uint64_t *allocation,
                            uint64_t *available);
/* After a volume was made / removed / resized: allocation += delta,
 * available -= delta (libvirt's bookkeeping until the next refresh). */
void storage_pool_obj_adjust(storage_pool_obj *obj, int64_t allocation_delta);

/* --- the pool's job --- */

/* Wait for the pool's job (at most the job timeout, storage_run_timeout_ms()
 * + a margin) and take it.  what: a static string saying why ("refresh",
 * "vol-create"), shown to waiters that time out.  0, or -1 with
 * OPERATION_TIMEOUT "cannot acquire job of storage pool 'x': held by ...". */
int storage_pool_job_begin(storage_pool_obj *obj, const char *what);
void storage_pool_job_end(storage_pool_obj *obj);

/* Long users that must not hold the job (a volume upload/download stream,
 * a clone running from another pool): while any is counted, destroy,
 * delete, refresh and undefine refuse with INTERNAL_ERROR (libvirt's
 * code) "pool 'x' has asynchronous jobs running.".  No job needed. */
void storage_pool_obj_async_begin(storage_pool_obj *obj);
void storage_pool_obj_async_end(storage_pool_obj *obj);

/* --- the pool's volume list (guarded by the state lock inside; callers
 * that change it hold the pool's job) --- */

/* A copy of volume name (caller frees), or NULL with NO_STORAGE_VOL
 * "no storage vol with matching name 'x'". */
storage_vol_def *storage_pool_vol_lookup(storage_pool_obj *obj, const char *name);
/* Add vol (ownership taken), replacing a volume of the same name. */
void storage_pool_vol_add(storage_pool_obj *obj, storage_vol_def *vol);
/* Remove volume name; false when there was none. */
bool storage_pool_vol_remove(storage_pool_obj *obj, const char *name);
/* Replace the whole list (a refresh): vols' contents are taken. */
void storage_pool_vol_replace_all(storage_pool_obj *obj, GPtrArray *vols);
/* Sorted copies of the volumes (storage_vol_def *, the array frees them). */
GPtrArray *storage_pool_vol_list(storage_pool_obj *obj);
/* The active pool holding a volume whose key (or path) is key; *vol a
 * copy of it.  NULL with NO_STORAGE_VOL "no storage vol with matching
 * key 'x'" (or "path"). */
storage_pool_obj *storage_pool_vol_find_by_key(node_state *node, const char *key,
                                               storage_vol_def **vol);
storage_pool_obj *storage_pool_vol_find_by_path(node_state *node, const char *path,
                                                storage_vol_def **vol);

/* Copies through the XML layer (the formats are complete).  Caller
 * frees; NULL with INTERNAL_ERROR for what XML cannot carry. */
storage_vol_def *storage_vol_def_copy(const storage_vol_def *vol);
storage_pool_def *storage_pool_def_copy(const storage_pool_def *pool);

/* Events for the node's registrations (source: the node_state). */
void storage_pool_obj_emit_refresh(storage_pool_obj *obj);

/* --- the vol_* entries of storage_node_driver (storage_driver_vol.c, D3) --- */

vireo_storage_vol *storage_driver_vol_lookup_by_name(vireo_storage_pool *pool, const char *name);
vireo_storage_vol *storage_driver_vol_lookup_by_key(vireo_conn *conn, const char *key);
vireo_storage_vol *storage_driver_vol_lookup_by_path(vireo_conn *conn, const char *path);
vireo_storage_vol *storage_driver_vol_create_xml(vireo_storage_pool *pool, const char *xml,
                                                 unsigned int flags);
vireo_storage_vol *storage_driver_vol_create_xml_from(vireo_storage_pool *pool, const char *xml,
                                                      vireo_storage_vol *clonevol,
                                                      unsigned int flags);
int storage_driver_vol_delete(vireo_storage_vol *vol, unsigned int flags);
int storage_driver_vol_wipe_pattern(vireo_storage_vol *vol, unsigned int algorithm,
                                    unsigned int flags);
int storage_driver_vol_resize(vireo_storage_vol *vol, unsigned long long capacity,
                              unsigned int flags);
int storage_driver_vol_get_info(vireo_storage_vol *vol, int *type, unsigned long long *capacity,
                                unsigned long long *allocation, unsigned int flags);
char *storage_driver_vol_get_xml_desc(vireo_storage_vol *vol, unsigned int flags);
char *storage_driver_vol_get_path(vireo_storage_vol *vol);
int storage_driver_vol_upload(vireo_storage_vol *vol, vireo_stream *st, unsigned long long offset,
                              unsigned long long length, unsigned int flags);
int storage_driver_vol_download(vireo_storage_vol *vol, vireo_stream *st,
                                unsigned long long offset, unsigned long long length,
                                unsigned int flags);

/* --- what the dir/fs/netfs backends call for refresh (storage_file_vol.c,
 * D3): list the volumes (regular files, with their format probed) under
 * dir into vols (storage_vol_def *).  0, or -1 with the error set. --- */
/* (declared in storage_file_vol.h) */

#endif
