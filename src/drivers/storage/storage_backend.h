/*
 * storage_backend.h: what a pool type does, one file per type
 * (storage_backend_dir.c, _fs.c, _netfs.c, _logical.c, _disk.c,
 * _iscsi_direct.c, _iscsi.c).
 *
 * The pool core (storage_pool.c and friends) keeps the pool objects,
 * their files and jobs; it calls a backend with the pool's job held (one
 * call at a time per pool) and no lock held, so a backend may block, but
 * only for a bounded time: external commands run through storage_run()
 * (storage_run.h), which kills them at the job's deadline.
 *
 * A NULL entry: the type has no such operation (the core answers
 * NO_SUPPORT / OPERATION_UNSUPPORTED naming the pool type).
 */
#ifndef VIREO_DRIVERS_STORAGE_BACKEND_H
#define VIREO_DRIVERS_STORAGE_BACKEND_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf/storage_pool.h"
#include "conf/storage_vol.h"
#include "drivers/node.h"

typedef struct storage_backend {
    storage_pool_type type;
    /* Whether this host can run the type (tools, kernel support): 0, or
     * -1 with an error saying what is missing (NO_SUPPORT).  NULL: always. */
    int (*check)(void);
    int (*build)(const storage_pool_def *pool, unsigned int flags);
    /* Make the pool usable (mount, log in); stop undoes it. */
    int (*start)(node_state *node, const storage_pool_def *pool);
    int (*stop)(node_state *node, const storage_pool_def *pool);
    int (*delete)(const storage_pool_def *pool, unsigned int flags);
    /* Measure the pool (pool->capacity, allocation, available) and list
     * its volumes into vols (storage_vol_def *, with name, key, path,
     * type, format, capacity and allocation filled). */
    int (*refresh)(node_state *node, storage_pool_def *pool, GPtrArray *vols);
    /* Make vol (name, capacity, format from the caller; the backend fills
     * key, path and type).  from: the volume to copy, or NULL. */
    int (*vol_create)(node_state *node, const storage_pool_def *pool, storage_vol_def *vol,
                      const storage_vol_def *from, unsigned int flags);
    int (*vol_delete)(const storage_pool_def *pool, const storage_vol_def *vol,
                      unsigned int flags);
    int (*vol_resize)(node_state *node, const storage_pool_def *pool,
                      const storage_vol_def *vol, uint64_t capacity, unsigned int flags);
    int (*vol_wipe)(const storage_pool_def *pool, const storage_vol_def *vol,
                    unsigned int flags);
    /* <sources> XML of the pools of this type the host has. */
    char *(*find_sources)(const char *src_spec, unsigned int flags);
    /* Added by the pool core: whether an active pool that a previous
     * vireod left (run file) still has its storage in place (mounted,
     * logged in) in *running.  NULL: the run file is enough. */
    int (*check_running)(const storage_pool_def *pool, bool *running);
} storage_backend;

/* The backend of type (never NULL for a parsed type); each file defines
 * one, e.g. storage_backend_dir. */
const storage_backend *storage_backend_for(storage_pool_type type);

extern const storage_backend storage_backend_dir;
extern const storage_backend storage_backend_fs;
extern const storage_backend storage_backend_netfs;
extern const storage_backend storage_backend_logical;
extern const storage_backend storage_backend_disk;
extern const storage_backend storage_backend_iscsi;
extern const storage_backend storage_backend_iscsi_direct;

#endif
