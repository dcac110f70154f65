/*
 * storage_core.h: the pool core's own insides (storage_pool_obj.c,
 * storage_state.c, storage_driver*.c, storage_caps.c); volumes and
 * backends use storage_priv.h only.
 */
#ifndef VIREO_DRIVERS_STORAGE_CORE_H
#define VIREO_DRIVERS_STORAGE_CORE_H

#include "drivers/def_files.h"
#include "drivers/storage/storage_backend.h"
#include "drivers/storage/storage_priv.h"
#include "drivers/storage/storage_state.h"

struct storage_state {
    node_state *node;       /* borrowed: the node owns this state */
    def_files files;        /* config_base/storage, run_base/storage */
    GMutex lock;            /* the state lock (storage_priv.h) */
    GHashTable *pools;      /* name -> storage_pool_obj * (a reference), lock */
    GMutex add_lock;        /* held from the duplicate check to the listing
                             * of a new pool, so two defines of one name
                             * cannot both pass; readers never take it */
};

struct storage_pool_obj {
    gint refs;                  /* atomic */
    storage_state *state;       /* borrowed: outlives every pool call */
    char *name;                 /* owned, constant */
    unsigned char uuid[VIREO_UUID_BUFLEN]; /* constant */
    /* the rest guarded by state->lock */
    storage_pool_def *def;      /* owned: the live definition, or the
                                 * configuration when inactive; replaced
                                 * whole by job holders only */
    storage_pool_def *new_def;  /* owned: configuration to take at the next
                                 * stop (defined while active), or NULL */
    GPtrArray *vols;            /* storage_vol_def *, owned */
    bool active;
    bool persistent;
    bool autostart;
    bool listed;                /* in state->pools */
    bool job;                   /* the job is held ... */
    const char *job_what;       /* ... for this (static string) */
    GCond job_cond;             /* signalled when the job ends */
    int async;                  /* storage_pool_obj_async_begin count */
    gint stuck_calls;           /* atomic: backend calls the job holder
                                 * gave up on that have not returned
                                 * (storage_pool_run.c) */
};

/* A new pool object of def (taken), not yet listed. */
storage_pool_obj *storage_pool_obj_new(storage_state *state, storage_pool_def *def);
/* List obj (takes a reference); remove it again. Both take the lock. */
void storage_pool_obj_list_add(storage_pool_obj *obj);
void storage_pool_obj_list_remove(storage_pool_obj *obj);
/* The pool of uuid, a new reference, or NULL (no error set). */
storage_pool_obj *storage_pool_obj_find_uuid(storage_state *state,
                                             const unsigned char *uuid);
/* New references to every listed pool, sorted by name. */
GPtrArray *storage_pool_obj_list_all(storage_state *state);
/* Whether def clashes with another listed pool (same name with another
 * UUID, same UUID with another name, same target path or source); -1
 * with libvirt's error.  *existing: the pool of the same name and UUID
 * (new reference) or NULL. */
int storage_pool_obj_check_duplicate(storage_state *state, const storage_pool_def *def,
                                     storage_pool_obj **existing);
/* A new handle on conn naming obj. */
vireo_storage_pool *storage_pool_obj_handle(vireo_conn *conn, storage_pool_obj *obj);
void storage_pool_obj_emit(storage_pool_obj *obj, int event, int detail);
int storage_pool_job_timeout_ms(void);

/* Files (storage_state.c).  Each 0 or -1 with the error set. */
int storage_state_save_config(storage_state *state, const storage_pool_def *def);
int storage_state_remove_config(storage_state *state, const char *name);
int storage_state_save_run(storage_state *state, const storage_pool_def *def);
void storage_state_remove_run(storage_state *state, const char *name);
int storage_state_set_autostart(storage_state *state, const char *name, bool on);

/* Pool lifecycle with the job held (storage_pool_run.c): each backend
 * call bounded by the tool deadline even when it hangs in the kernel. */
int storage_pool_run_build(storage_pool_obj *obj, unsigned int flags);
int storage_pool_run_delete(storage_pool_obj *obj, unsigned int flags);
int storage_pool_run_start(storage_pool_obj *obj, unsigned int build_flags, bool build);
int storage_pool_run_stop(storage_pool_obj *obj);
/* Refresh the active pool (bounded by the job deadline); the caller
 * stops it on failure (libvirt). */
int storage_pool_run_refresh(storage_pool_obj *obj);
/* Stop after a failed refresh, keeping its error (the stop's is logged). */
void storage_pool_run_stop_after_failure(storage_pool_obj *obj);

#endif
