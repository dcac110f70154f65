/*
 * secret_change.c: the driver entries that change secrets: define, set
 * value, undefine.  Each one holds store->files_lock from its first read
 * of the table to its last write, and store->lock only around the table
 * (secret_priv.h).  Memory changes come after the files are written, so
 * a failed write leaves the secret as it was, in memory and on disk.
 */
#include <string.h>

#include "drivers/event.h"
#include "drivers/driver_common.h"
#include "drivers/handles.h"
#include "drivers/secret/secret_priv.h"
#include "util/error.h"
#include "util/log.h"
#include "util/uuid.h"

#define LOG_CATEGORY "secret.change"

static const char *usage_text(const char *usage_id)
{
    return usage_id ? usage_id : "no usage";
}

/* What libvirt refuses when a define meets the secrets already there.
 * store->lock held.  On success *old is the secret of the same UUID (or
 * NULL) and *value a copy of its value when it must now be written to
 * disk (an ephemeral secret becoming persistent). */
static int define_check(secret_store *store, const secret_def *def, secret_obj **old,
                        uint8_t **value, size_t *value_len)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];
    secret_obj *obj = secret_table_find(store, def->uuid);

    uuid_format(def->uuid, uuid);
    *old = obj;
    if (!obj) {
        obj = secret_table_find_usage(store, def->usage, def->usage_id);
        if (!obj)
            return 0;
        uuid_format(obj->def->uuid, uuid);
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INTERNAL_ERROR,
                     "a secret with UUID %s already defined for use with %s", uuid,
                     usage_text(def->usage_id));
        return -1;
    }
    if (obj->def->usage != def->usage || g_strcmp0(obj->def->usage_id, def->usage_id) != 0) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INTERNAL_ERROR,
                     "a secret with UUID %s is already defined for use with %s", uuid,
                     usage_text(obj->def->usage_id));
        return -1;
    }
    if (obj->def->is_private && !def->is_private) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INTERNAL_ERROR,
                     "cannot change private flag on existing secret");
        return -1;
    }
    if (obj->def->ephemeral && !def->ephemeral && obj->value) {
        *value = g_memdup2(obj->value, obj->value_len + 1);
        *value_len = obj->value_len;
    }
    return 0;
}

/* Bring the folder in line with def (files_lock held).  existed: a
 * secret of this UUID was defined; was_ephemeral: it was ephemeral. */
static int define_write(secret_store *store, const secret_def *def, bool existed,
                        bool was_ephemeral, const uint8_t *value, size_t value_len)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];

    uuid_format(def->uuid, uuid);
    if (def->ephemeral)
        return existed && !was_ephemeral ? secret_files_remove(store, uuid) : 0;
    /* a secret new to the disk has no value file: one left by a secret
     * of this UUID that failed to load must not become this one's */
    if (!value && (!existed || was_ephemeral) && secret_files_remove_value(store, uuid) < 0)
        return -1;
    if (value && secret_files_save_value(store, uuid, value, value_len) < 0)
        return -1;
    if (secret_files_save_def(store, def) < 0) {
        if (value) {
            g_autoptr(vireo_error) saved = error_save();

            secret_files_remove_value(store, uuid);
            error_restore(g_steal_pointer(&saved));
        }
        return -1;
    }
    return 0;
}

/* files_lock held.  Takes def over; fills *facts on success. */
static int define_locked(secret_store *store, secret_def *def_in, secret_facts *facts)
{
    g_autoptr(secret_def) def = def_in;
    secret_obj *old;
    bool existed, was_ephemeral = false;
    uint8_t *value = NULL;
    size_t value_len = 0;
    int rc;

    g_mutex_lock(&store->lock);
    rc = define_check(store, def, &old, &value, &value_len);
    existed = old != NULL;
    if (old)
        was_ephemeral = old->def->ephemeral;
    g_mutex_unlock(&store->lock);
    if (rc == 0)
        rc = define_write(store, def, existed, was_ephemeral, value, value_len);
    secret_value_free(value, value_len);
    if (rc < 0)
        return -1;

    secret_facts_fill(facts, def);
    g_mutex_lock(&store->lock);
    old = secret_table_find(store, def->uuid);
    if (old) {
        secret_def_free(old->def);
        old->def = g_steal_pointer(&def);
    } else {
        secret_obj *obj = g_new0(secret_obj, 1);

        obj->def = g_steal_pointer(&def);
        secret_table_add(store, obj);
    }
    g_mutex_unlock(&store->lock);
    return 0;
}

vireo_secret *secret_change_define(vireo_conn *conn, const char *xml, unsigned int flags)
{
    secret_store *store = secret_store_of_conn(conn);
    secret_facts facts = { 0 };
    vireo_secret *ret;
    secret_def *def;
    int rc;

    if (!store || !driver_flags_ok(VIREO_FROM_SECRET, flags, 0, __func__))
        return NULL;
    if (!(def = secret_def_parse(xml)))
        return NULL;
    g_mutex_lock(&store->files_lock);
    rc = define_locked(store, def, &facts);
    g_mutex_unlock(&store->files_lock);
    if (rc < 0)
        return NULL;
    log_info("%s: defined (usage %s)", facts.uuid, usage_text(facts.usage_id));
    event_emit_secret_lifecycle(store->node, facts.raw_uuid, facts.usage_type, facts.usage_id,
                                VIREO_SECRET_EVENT_DEFINED, 0);
    ret = secret_handle_new(conn, facts.raw_uuid, facts.usage_type, facts.usage_id);
    secret_facts_clear(&facts);
    return ret;
}

/* The facts of the secret handle names (store->lock taken here), -1
 * with NO_SECRET when it is gone. */
static int facts_of_handle(secret_store *store, vireo_secret *secret, secret_facts *facts)
{
    secret_obj *obj;

    g_mutex_lock(&store->lock);
    obj = secret_table_find(store, secret->uuid);
    if (obj)
        secret_facts_fill(facts, obj->def);
    g_mutex_unlock(&store->lock);
    if (!obj) {
        secret_report_no_uuid(secret->uuid);
        return -1;
    }
    return 0;
}

static int set_value_locked(secret_store *store, vireo_secret *secret, const uint8_t *value,
                            size_t len, secret_facts *facts)
{
    secret_obj *obj;

    if (facts_of_handle(store, secret, facts) < 0)
        return -1;
    if (!facts->ephemeral && secret_files_save_value(store, facts->uuid, value, len) < 0)
        return -1;
    g_mutex_lock(&store->lock);
    obj = secret_table_find(store, secret->uuid);
    secret_obj_set_value(obj, value, len);
    g_mutex_unlock(&store->lock);
    return 0;
}

int secret_change_set_value(vireo_secret *secret, const unsigned char *value, size_t value_size,
                            unsigned int flags)
{
    secret_store *store = secret_store_of_conn(secret->conn);
    secret_facts facts = { 0 };
    int rc;

    if (!store || !driver_flags_ok(VIREO_FROM_SECRET, flags, 0, __func__))
        return -1;
    if (value_size > SECRET_VALUE_MAX) {
        char uuid[VIREO_UUID_STRING_BUFLEN];

        uuid_format(secret->uuid, uuid);
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INVALID_ARG,
                     "secret '%s': a value of %zu bytes is more than the %d a secret holds", uuid,
                     value_size, SECRET_VALUE_MAX);
        return -1;
    }
    g_mutex_lock(&store->files_lock);
    rc = set_value_locked(store, secret, value, value_size, &facts);
    g_mutex_unlock(&store->files_lock);
    if (rc == 0) {
        log_info("%s: value set (%zu bytes)", facts.uuid, value_size);
        event_emit_secret_value_changed(store->node, facts.raw_uuid, facts.usage_type,
                                        facts.usage_id);
    }
    secret_facts_clear(&facts);
    return rc;
}

int secret_change_undefine(vireo_secret *secret)
{
    secret_store *store = secret_store_of_conn(secret->conn);
    secret_facts facts = { 0 };
    int rc;

    if (!store)
        return -1;
    g_mutex_lock(&store->files_lock);
    rc = facts_of_handle(store, secret, &facts);
    if (rc == 0 && !facts.ephemeral)
        rc = secret_files_remove(store, facts.uuid);
    if (rc == 0) {
        g_mutex_lock(&store->lock);
        secret_table_remove(store, secret->uuid);
        g_mutex_unlock(&store->lock);
    }
    g_mutex_unlock(&store->files_lock);
    if (rc == 0) {
        log_info("%s: undefined", facts.uuid);
        event_emit_secret_lifecycle(store->node, facts.raw_uuid, facts.usage_type,
                                    facts.usage_id, VIREO_SECRET_EVENT_UNDEFINED, 0);
    }
    secret_facts_clear(&facts);
    return rc;
}
