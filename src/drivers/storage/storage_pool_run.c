/*
 * storage_pool_run.c: starting, stopping and refreshing a pool, with its
 * job held.
 *
 * Backends touch the pool's storage in this process too (stat, statvfs,
 * readdir), and on a dead NFS server or FUSE daemon those calls sleep in
 * the kernel where no signal reaches them.  So each backend call runs in
 * a thread of its own, on a copy of the definition, and the job holder
 * waits for it at most the tool deadline: past it the call fails with
 * OPERATION_TIMEOUT, the thread is left to finish (or never) on its own
 * copies, later calls on that pool fail at once until it returns, and
 * every other pool and domain keeps answering (libvirt's complaint #2).
 */
#include <string.h>

#include "drivers/storage/storage_core.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "storage.pool"

typedef enum { CALL_BUILD, CALL_START, CALL_STOP, CALL_DELETE, CALL_REFRESH } call_op;
static const char *const call_names[] = { "build", "start", "stop", "delete", "refresh" };

/* One backend call, shared by the waiting job holder and the thread
 * running it; the last of the two to let go frees it. */
typedef struct bounded_call {
    gint refs;                      /* atomic: 2 while both hold it */
    call_op op;
    unsigned int flags;
    storage_pool_obj *obj;          /* a reference */
    node_state *node;               /* borrowed */
    const storage_backend *backend;
    storage_pool_def *def;          /* owned: the copy the backend reads (fills) */
    GPtrArray *vols;                /* owned: storage_vol_def *, for refresh */
    GMutex lock;
    GCond cond;
    bool done;                      /* lock */
    bool abandoned;                 /* lock: the waiter gave up */
    int rc;                         /* lock, once done */
    vireo_error *err;               /* lock, once done; owned */
} bounded_call;

static void bounded_call_unref(bounded_call *c)
{
    if (!g_atomic_int_dec_and_test(&c->refs))
        return;
    storage_pool_obj_unref(c->obj);
    storage_pool_free(c->def);
    g_ptr_array_unref(c->vols);
    error_free(c->err);
    g_mutex_clear(&c->lock);
    g_cond_clear(&c->cond);
    g_free(c);
}

static int bounded_call_run(bounded_call *c)
{
    const storage_backend *b = c->backend;

    switch (c->op) {
    case CALL_BUILD:
        return b->build ? b->build(c->def, c->flags) : 0;
    case CALL_START:
        return b->start ? b->start(c->node, c->def) : 0;
    case CALL_STOP:
        return b->stop ? b->stop(c->node, c->def) : 0;
    case CALL_DELETE:
        return b->delete(c->def, c->flags);
    case CALL_REFRESH:
        return b->refresh ? b->refresh(c->node, c->def, c->vols) : 0;
    }
    return -1;
}

static gpointer bounded_call_thread(gpointer opaque)
{
    bounded_call *c = opaque;
    int rc = bounded_call_run(c);

    g_mutex_lock(&c->lock);
    c->rc = rc;
    c->err = rc < 0 ? error_save() : NULL;
    c->done = true;
    if (c->abandoned) {
        log_info("pool '%s': a %s given up on has returned", c->obj->name, call_names[c->op]);
        g_atomic_int_dec_and_test(&c->obj->stuck_calls);
    }
    g_cond_signal(&c->cond);
    g_mutex_unlock(&c->lock);
    bounded_call_unref(c);
    return NULL;
}

static void vol_free(gpointer p)
{
    storage_vol_free(p);
}

/* Run op of obj's backend on a copy of its definition in a thread, and
 * wait for it at most the tool deadline plus a second (so a tool's own
 * timeout, which names the tool, normally comes first).  For a refresh,
 * *refreshed gets the call with the measured copy and the volumes (the
 * caller unrefs it).  0, or -1 with the error set. */
static int bounded(storage_pool_obj *obj, call_op op, unsigned int flags,
                   bounded_call **refreshed)
{
    storage_pool_def *def = storage_pool_obj_def_copy(obj);
    int ms = storage_run_timeout_ms() + 1000;
    bounded_call *c;
    gint64 deadline;
    int rc = -1;

    if (!def)
        return -1;
    /* one thread stuck on a dead server is enough: do not pile up more */
    if (g_atomic_int_get(&obj->stuck_calls) > 0) {
        storage_pool_free(def);
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_TIMEOUT,
                     "storage pool '%s': an earlier call to its storage has not returned "
                     "yet (is its storage reachable?)", obj->name);
        return -1;
    }
    c = g_new0(bounded_call, 1);
    c->refs = 2;
    c->op = op;
    c->flags = flags;
    c->obj = storage_pool_obj_ref(obj);
    c->node = obj->state->node;
    c->backend = storage_backend_for(def->type);
    c->def = def;
    c->vols = g_ptr_array_new_with_free_func(vol_free);
    g_mutex_init(&c->lock);
    g_cond_init(&c->cond);
    g_thread_unref(g_thread_new("pool-call", bounded_call_thread, c));

    deadline = g_get_monotonic_time() + (gint64)ms * 1000;
    g_mutex_lock(&c->lock);
    while (!c->done && g_cond_wait_until(&c->cond, &c->lock, deadline))
        ;
    if (!c->done) {
        c->abandoned = true;
        g_atomic_int_inc(&obj->stuck_calls);
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_TIMEOUT,
                     "%s of storage pool '%s' did not finish within %d ms",
                     call_names[op], obj->name, ms);
        log_warn("pool '%s': %s timed out, leaving it to its thread", obj->name,
                 call_names[op]);
    } else if (c->rc < 0) {
        error_restore(g_steal_pointer(&c->err));
    } else {
        rc = 0;
    }
    g_mutex_unlock(&c->lock);
    if (rc == 0 && refreshed)
        *refreshed = g_steal_pointer(&c);
    else
        bounded_call_unref(c);
    return rc;
}

/* Measure obj and list its volumes into the object. */
static int refresh_bounded(storage_pool_obj *obj)
{
    bounded_call *c = NULL;

    if (bounded(obj, CALL_REFRESH, 0, &c) < 0)
        return -1;
    g_mutex_lock(&obj->state->lock);
    obj->def->capacity = c->def->capacity;
    obj->def->allocation = c->def->allocation;
    obj->def->available = c->def->available;
    g_mutex_unlock(&obj->state->lock);
    storage_pool_vol_replace_all(obj, c->vols);
    bounded_call_unref(c);
    return 0;
}

int storage_pool_run_build(storage_pool_obj *obj, unsigned int flags)
{
    return bounded(obj, CALL_BUILD, flags, NULL);
}

int storage_pool_run_delete(storage_pool_obj *obj, unsigned int flags)
{
    return bounded(obj, CALL_DELETE, flags, NULL);
}

int storage_pool_run_refresh(storage_pool_obj *obj)
{
    if (refresh_bounded(obj) < 0)
        return -1;
    /* the run file carries the sizes too, for a re-adopting vireod */
    if (storage_state_save_run(obj->state, obj->def) < 0)
        log_warn("pool '%s': cannot update its run file", obj->name);
    return 0;
}

static void mark_inactive(storage_pool_obj *obj)
{
    storage_state_remove_run(obj->state, obj->name);
    g_mutex_lock(&obj->state->lock);
    obj->active = false;
    g_ptr_array_set_size(obj->vols, 0);
    if (obj->new_def) {
        storage_pool_free(obj->def);
        obj->def = g_steal_pointer(&obj->new_def);
    }
    g_mutex_unlock(&obj->state->lock);
}

int storage_pool_run_start(storage_pool_obj *obj, unsigned int build_flags, bool build)
{
    const storage_backend *backend = storage_backend_for(obj->def->type);

    if (backend->check && backend->check() < 0)
        return -1;
    if (build && bounded(obj, CALL_BUILD, build_flags, NULL) < 0)
        return -1;
    if (bounded(obj, CALL_START, 0, NULL) < 0)
        return -1;
    if (storage_state_save_run(obj->state, obj->def) < 0)
        goto undo;
    g_mutex_lock(&obj->state->lock);
    obj->active = true;
    g_mutex_unlock(&obj->state->lock);
    if (storage_pool_run_refresh(obj) < 0)
        goto undo;
    log_info("pool '%s': started", obj->name);
    return 0;

undo: {
        g_autoptr(vireo_error) saved = error_save();

        if (bounded(obj, CALL_STOP, 0, NULL) < 0)
            log_warn("pool '%s': cannot undo its start: %s", obj->name,
                     error_last() ? error_last()->message : "?");
        g_mutex_lock(&obj->state->lock);
        obj->active = false;
        g_ptr_array_set_size(obj->vols, 0);
        g_mutex_unlock(&obj->state->lock);
        storage_state_remove_run(obj->state, obj->name);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
}

int storage_pool_run_stop(storage_pool_obj *obj)
{
    if (bounded(obj, CALL_STOP, 0, NULL) < 0)
        return -1;
    mark_inactive(obj);
    log_info("pool '%s': stopped", obj->name);
    return 0;
}

/* A failed refresh stops the pool (libvirt: its storage cannot be
 * trusted); the stop's own failure is only logged. */
void storage_pool_run_stop_after_failure(storage_pool_obj *obj)
{
    g_autoptr(vireo_error) saved = error_save();

    if (bounded(obj, CALL_STOP, 0, NULL) < 0)
        log_warn("pool '%s': stop after a failed refresh failed: %s", obj->name,
                 error_last() ? error_last()->message : "?");
    mark_inactive(obj);
    error_restore(g_steal_pointer(&saved));
}
