/*
 * storage_driver_pool.c: the entries of storage_node_driver that change a
 * pool: define, undefine, create, build, start, destroy, delete, refresh,
 * autostart.  Each follows one shape: find the pool, take its job, check
 * its state, act (files first, so a failure changes nothing), emit the
 * event, end the job.
 */
#include <string.h>

#include "drivers/driver_common.h"
#include "drivers/storage/storage_core.h"
#include "drivers/storage/storage_driver_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "storage.driver"

static int require_active(storage_pool_obj *obj, bool want)
{
    if (storage_pool_obj_is_active(obj) == want)
        return 0;
    error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                 want ? "storage pool '%s' is not active" : "storage pool '%s' is still active",
                 obj->name);
    return -1;
}

static int require_no_async(storage_pool_obj *obj)
{
    int async;

    g_mutex_lock(&obj->state->lock);
    async = obj->async;
    g_mutex_unlock(&obj->state->lock);
    if (async == 0)
        return 0;
    error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                 "pool '%s' has asynchronous jobs running.", obj->name);
    return -1;
}

/* Take obj's job, and check it was not undefined (or a transient pool
 * stopped) while we waited.  0, or -1 with the error set. */
static int begin_obj(storage_pool_obj *obj, const char *what)
{
    bool listed;

    if (storage_pool_job_begin(obj, what) < 0)
        return -1;
    g_mutex_lock(&obj->state->lock);
    listed = obj->listed;
    g_mutex_unlock(&obj->state->lock);
    if (listed)
        return 0;
    storage_pool_job_end(obj);
    error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_STORAGE_POOL,
                 "no storage pool with matching name '%s'", obj->name);
    return -1;
}

/* The pool of a handle with its job taken; NULL with the error set. */
static storage_pool_obj *begin(vireo_storage_pool *pool, const char *what)
{
    storage_pool_obj *obj = storage_pool_obj_from_handle(pool);

    if (obj && begin_obj(obj, what) < 0) {
        storage_pool_obj_unref(obj);
        return NULL;
    }
    return obj;
}

static void end(storage_pool_obj *obj)
{
    storage_pool_job_end(obj);
    storage_pool_obj_unref(obj);
}

/* A definition a client sent, parsed, with the target every type but
 * iscsi-direct needs. */
static storage_pool_def *parse_client_xml(const char *xml)
{
    storage_pool_def *def = storage_pool_parse(xml, 0);

    if (def && def->type != STORAGE_POOL_ISCSI_DIRECT && !def->target_path) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_XML_ERROR,
                     "missing storage pool target path for pool '%s'", def->name);
        g_clear_pointer(&def, storage_pool_free);
    }
    return def;
}

vireo_storage_pool *storage_driver_pool_define_xml(vireo_conn *conn, const char *xml,
                                                   unsigned int flags)
{
    storage_state *state = conn->node->storage;
    g_autoptr(storage_pool_def) def = NULL;
    g_autoptr(storage_pool_obj) obj = NULL;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, VIREO_STORAGE_POOL_DEFINE_VALIDATE,
                         __func__))
        return NULL;
    if (!(def = parse_client_xml(xml)))
        return NULL;
    g_mutex_lock(&state->add_lock);
    if (storage_pool_obj_check_duplicate(state, def, &obj) < 0 ||
        (!obj && storage_state_save_config(state, def) < 0)) {
        g_mutex_unlock(&state->add_lock);
        return NULL;
    }
    if (!obj) {
        obj = storage_pool_obj_new(state, g_steal_pointer(&def));
        obj->persistent = true;
        storage_pool_obj_list_add(obj);
        g_mutex_unlock(&state->add_lock);
    } else {
        g_mutex_unlock(&state->add_lock);
        if (begin_obj(obj, "define") < 0)
            return NULL;
        if (storage_state_save_config(state, def) < 0) {
            storage_pool_job_end(obj);
            return NULL;
        }
        g_mutex_lock(&state->lock);
        if (obj->active) {
            storage_pool_free(obj->new_def);
            obj->new_def = g_steal_pointer(&def);
        } else {
            storage_pool_free(obj->def);
            obj->def = g_steal_pointer(&def);
        }
        obj->persistent = true;
        g_mutex_unlock(&state->lock);
        storage_pool_job_end(obj);
    }
    log_info("pool '%s': defined", obj->name);
    storage_pool_obj_emit(obj, VIREO_STORAGE_POOL_EVENT_DEFINED, 0);
    return storage_pool_obj_handle(conn, obj);
}

/* VIREO_STORAGE_POOL_CREATE_* to build flags; -1 for a bad mix. */
static int build_flags_of(unsigned int flags, unsigned int *build_flags, bool *build)
{
    unsigned int over = VIREO_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE;
    unsigned int noover = VIREO_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags,
                         VIREO_STORAGE_POOL_CREATE_WITH_BUILD | over | noover, "pool create"))
        return -1;
    if ((flags & over) && (flags & noover)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "flags 'overwrite' and 'no-overwrite' are mutually exclusive");
        return -1;
    }
    *build = flags != 0;
    *build_flags = (flags & over) ? VIREO_STORAGE_POOL_BUILD_OVERWRITE
                   : (flags & noover) ? VIREO_STORAGE_POOL_BUILD_NO_OVERWRITE : 0;
    return 0;
}

/* Start def as the live definition of existing, an inactive pool of the
 * same name and UUID, keeping its configuration for the next stop. */
static int create_over(storage_pool_obj *obj, storage_pool_def *def, unsigned int bflags,
                       bool build)
{
    storage_state *state = obj->state;

    if (begin_obj(obj, "create") < 0) {
        storage_pool_free(def);
        return -1;
    }
    if (storage_pool_obj_is_active(obj)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "pool is already active as '%s'", obj->name);
        storage_pool_free(def);
        storage_pool_job_end(obj);
        return -1;
    }
    g_mutex_lock(&state->lock);
    obj->new_def = obj->def;
    obj->def = def;
    g_mutex_unlock(&state->lock);
    if (storage_pool_run_start(obj, bflags, build) < 0) {
        g_mutex_lock(&state->lock);
        obj->def = g_steal_pointer(&obj->new_def);
        g_mutex_unlock(&state->lock);
        storage_pool_free(def);
        storage_pool_job_end(obj);
        return -1;
    }
    storage_pool_job_end(obj);
    return 0;
}

vireo_storage_pool *storage_driver_pool_create_xml(vireo_conn *conn, const char *xml,
                                                   unsigned int flags)
{
    storage_state *state = conn->node->storage;
    g_autoptr(storage_pool_def) def = NULL;
    g_autoptr(storage_pool_obj) obj = NULL;
    unsigned int bflags;
    bool build;

    if (build_flags_of(flags, &bflags, &build) < 0 || !(def = parse_client_xml(xml)))
        return NULL;
    g_mutex_lock(&state->add_lock);
    if (storage_pool_obj_check_duplicate(state, def, &obj) < 0) {
        g_mutex_unlock(&state->add_lock);
        return NULL;
    }
    if (obj) {
        g_mutex_unlock(&state->add_lock);
        if (create_over(obj, g_steal_pointer(&def), bflags, build) < 0)
            return NULL;
    } else {
        obj = storage_pool_obj_new(state, g_steal_pointer(&def));
        /* listed with its job held: a second create of the same name
         * meets it as a duplicate, others wait for the start to end */
        storage_pool_job_begin(obj, "create");
        storage_pool_obj_list_add(obj);
        g_mutex_unlock(&state->add_lock);
        if (storage_pool_run_start(obj, bflags, build) < 0) {
            storage_pool_obj_list_remove(obj);
            storage_pool_job_end(obj);
            return NULL;
        }
        storage_pool_job_end(obj);
    }
    storage_pool_obj_emit(obj, VIREO_STORAGE_POOL_EVENT_STARTED, 0);
    return storage_pool_obj_handle(conn, obj);
}

int storage_driver_pool_undefine(vireo_storage_pool *pool)
{
    storage_pool_obj *obj = begin(pool, "undefine");
    int ret = -1;

    if (!obj)
        return -1;
    if (require_active(obj, false) < 0 || require_no_async(obj) < 0)
        goto out;
    if (!obj->persistent) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "storage pool '%s' is not persistent", obj->name);
        goto out;
    }
    if (storage_state_remove_config(obj->state, obj->name) < 0)
        goto out;
    g_mutex_lock(&obj->state->lock);
    obj->persistent = false;
    obj->autostart = false;
    g_mutex_unlock(&obj->state->lock);
    storage_pool_obj_list_remove(obj);
    log_info("pool '%s': undefined", obj->name);
    storage_pool_obj_emit(obj, VIREO_STORAGE_POOL_EVENT_UNDEFINED, 0);
    ret = 0;
out:
    end(obj);
    return ret;
}

int storage_driver_pool_create(vireo_storage_pool *pool, unsigned int flags)
{
    storage_pool_obj *obj;
    unsigned int bflags;
    bool build;
    int ret = -1;

    if (build_flags_of(flags, &bflags, &build) < 0 || !(obj = begin(pool, "start")))
        return -1;
    if (storage_pool_obj_is_active(obj)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "storage pool '%s' is already active", obj->name);
        goto out;
    }
    if (storage_pool_run_start(obj, bflags, build) < 0)
        goto out;
    storage_pool_obj_emit(obj, VIREO_STORAGE_POOL_EVENT_STARTED, 0);
    ret = 0;
out:
    end(obj);
    return ret;
}

int storage_driver_pool_build(vireo_storage_pool *pool, unsigned int flags)
{
    unsigned int allowed = VIREO_STORAGE_POOL_BUILD_REPAIR | VIREO_STORAGE_POOL_BUILD_RESIZE |
                           VIREO_STORAGE_POOL_BUILD_NO_OVERWRITE |
                           VIREO_STORAGE_POOL_BUILD_OVERWRITE;
    storage_pool_obj *obj;
    const storage_backend *backend;
    int ret = -1;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, allowed, __func__))
        return -1;
    if ((flags & VIREO_STORAGE_POOL_BUILD_OVERWRITE) &&
        (flags & VIREO_STORAGE_POOL_BUILD_NO_OVERWRITE)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "flags 'overwrite' and 'no-overwrite' are mutually exclusive");
        return -1;
    }
    if (!(obj = begin(pool, "build")))
        return -1;
    if (storage_pool_obj_is_active(obj)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "storage pool '%s' is already active", obj->name);
        goto out;
    }
    backend = storage_backend_for(obj->def->type);
    if (backend->check && backend->check() < 0)
        goto out;
    if (storage_pool_run_build(obj, flags) < 0)
        goto out;
    storage_pool_obj_emit(obj, VIREO_STORAGE_POOL_EVENT_CREATED, 0);
    ret = 0;
out:
    end(obj);
    return ret;
}

/* After a stop: a transient pool is gone. */
static void stopped(storage_pool_obj *obj)
{
    storage_pool_obj_emit(obj, VIREO_STORAGE_POOL_EVENT_STOPPED, 0);
    if (!obj->persistent)
        storage_pool_obj_list_remove(obj);
}

int storage_driver_pool_destroy(vireo_storage_pool *pool)
{
    storage_pool_obj *obj = begin(pool, "destroy");
    int ret = -1;

    if (!obj)
        return -1;
    if (require_active(obj, true) < 0 || require_no_async(obj) < 0 ||
        storage_pool_run_stop(obj) < 0)
        goto out;
    stopped(obj);
    ret = 0;
out:
    end(obj);
    return ret;
}

int storage_driver_pool_delete(vireo_storage_pool *pool, unsigned int flags)
{
    storage_pool_obj *obj;
    const storage_backend *backend;
    int ret = -1;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, VIREO_STORAGE_POOL_DELETE_ZEROED, __func__) ||
        !(obj = begin(pool, "delete")))
        return -1;
    if (require_active(obj, false) < 0 || require_no_async(obj) < 0)
        goto out;
    backend = storage_backend_for(obj->def->type);
    if (!backend->delete) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "pool does not support pool deletion ('%s' is of type %s)", obj->name,
                     storage_pool_type_names[obj->def->type]);
        goto out;
    }
    if (storage_pool_run_delete(obj, flags) < 0)
        goto out;
    storage_pool_obj_emit(obj, VIREO_STORAGE_POOL_EVENT_DELETED, 0);
    ret = 0;
out:
    end(obj);
    return ret;
}

int storage_driver_pool_refresh(vireo_storage_pool *pool, unsigned int flags)
{
    storage_pool_obj *obj;
    int ret = -1;

    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, 0, __func__) ||
        !(obj = begin(pool, "refresh")))
        return -1;
    if (require_active(obj, true) < 0 || require_no_async(obj) < 0)
        goto out;
    if (storage_pool_run_refresh(obj) < 0) {
        storage_pool_run_stop_after_failure(obj);
        stopped(obj);
        goto out;
    }
    storage_pool_obj_emit_refresh(obj);
    ret = 0;
out:
    end(obj);
    return ret;
}

int storage_driver_pool_set_autostart(vireo_storage_pool *pool, int autostart)
{
    storage_pool_obj *obj = begin(pool, "autostart");
    int ret = -1;

    if (!obj)
        return -1;
    if (!obj->persistent) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                     "pool '%s' has no config file", obj->name);
        goto out;
    }
    if (storage_state_set_autostart(obj->state, obj->name, autostart != 0) < 0)
        goto out;
    g_mutex_lock(&obj->state->lock);
    obj->autostart = autostart != 0;
    g_mutex_unlock(&obj->state->lock);
    ret = 0;
out:
    end(obj);
    return ret;
}
