/*
 * secret_driver.c: secret_node_driver, the node's secret table.  The
 * entries that only read (lookups, list, XML, value) are here, under
 * store->lock alone; the changes are in secret_change.c.
 */
#include <string.h>

#include "drivers/driver_common.h"
#include "drivers/event.h"
#include "drivers/handles.h"
#include "drivers/secret/secret_driver.h"
#include "drivers/secret/secret_priv.h"
#include "util/error.h"
#include "util/uuid.h"

#define LIST_FILTERS                                                                     \
    (VIREO_LIST_SECRETS_EPHEMERAL | VIREO_LIST_SECRETS_NO_EPHEMERAL |                    \
     VIREO_LIST_SECRETS_PRIVATE | VIREO_LIST_SECRETS_NO_PRIVATE)

static vireo_secret *handle_of(vireo_conn *conn, const secret_def *def)
{
    return secret_handle_new(conn, def->uuid, def->usage, def->usage_id);
}

static vireo_secret *secret_lookup_by_uuid(vireo_conn *conn, const unsigned char *uuid)
{
    secret_store *store = secret_store_of_conn(conn);
    vireo_secret *ret = NULL;
    secret_obj *obj;

    if (!store)
        return NULL;
    g_mutex_lock(&store->lock);
    obj = secret_table_find(store, uuid);
    if (obj)
        ret = handle_of(conn, obj->def);
    g_mutex_unlock(&store->lock);
    if (!ret)
        secret_report_no_uuid(uuid);
    return ret;
}

static vireo_secret *secret_lookup_by_usage(vireo_conn *conn, int usage_type,
                                            const char *usage_id)
{
    secret_store *store = secret_store_of_conn(conn);
    vireo_secret *ret = NULL;
    secret_obj *obj;

    if (!store)
        return NULL;
    g_mutex_lock(&store->lock);
    obj = secret_table_find_usage(store, usage_type, usage_id);
    if (obj)
        ret = handle_of(conn, obj->def);
    g_mutex_unlock(&store->lock);
    if (!ret)
        error_report(VIREO_FROM_SECRET, VIREO_ERR_NO_SECRET,
                     "no secret with matching usage '%s'", usage_id ? usage_id : "");
    return ret;
}

/* libvirt's filter: groups combine with AND, the two bits of a group
 * with OR, a group with no bit set does not filter. */
static bool list_match(const secret_def *def, unsigned int flags)
{
    unsigned int eph = flags & (VIREO_LIST_SECRETS_EPHEMERAL | VIREO_LIST_SECRETS_NO_EPHEMERAL);
    unsigned int priv = flags & (VIREO_LIST_SECRETS_PRIVATE | VIREO_LIST_SECRETS_NO_PRIVATE);

    if (eph && !(eph & (def->ephemeral ? VIREO_LIST_SECRETS_EPHEMERAL
                                       : VIREO_LIST_SECRETS_NO_EPHEMERAL)))
        return false;
    if (priv && !(priv & (def->is_private ? VIREO_LIST_SECRETS_PRIVATE
                                          : VIREO_LIST_SECRETS_NO_PRIVATE)))
        return false;
    return true;
}

static gint handle_cmp(gconstpointer a, gconstpointer b)
{
    const vireo_secret *x = *(vireo_secret *const *)a;
    const vireo_secret *y = *(vireo_secret *const *)b;

    return memcmp(x->uuid, y->uuid, VIREO_UUID_BUFLEN);
}

static int secret_list_all(vireo_conn *conn, vireo_secret ***secrets, unsigned int flags)
{
    secret_store *store = secret_store_of_conn(conn);
    GPtrArray *found;
    GHashTableIter it;
    gpointer value;
    int n;

    if (!store || !driver_flags_ok(VIREO_FROM_SECRET, flags, LIST_FILTERS, __func__))
        return -1;
    found = g_ptr_array_new();
    g_mutex_lock(&store->lock);
    g_hash_table_iter_init(&it, store->by_uuid);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        secret_obj *obj = value;

        if (list_match(obj->def, flags))
            g_ptr_array_add(found, handle_of(conn, obj->def));
    }
    g_mutex_unlock(&store->lock);
    /* byte order of the UUID is the order of its lowercase text */
    g_ptr_array_sort(found, handle_cmp);
    n = (int)found->len;
    if (!secrets) {
        for (guint i = 0; i < found->len; i++)
            secret_handle_unref(found->pdata[i]);
        g_ptr_array_free(found, TRUE);
        return n;
    }
    g_ptr_array_add(found, NULL);
    *secrets = (vireo_secret **)g_ptr_array_free(found, FALSE);
    return n;
}

static char *secret_get_xml_desc(vireo_secret *secret, unsigned int flags)
{
    secret_store *store = secret_store_of_conn(secret->conn);
    secret_obj *obj;
    char *xml = NULL;

    if (!store || !driver_flags_ok(VIREO_FROM_SECRET, flags, 0, __func__))
        return NULL;
    g_mutex_lock(&store->lock);
    obj = secret_table_find(store, secret->uuid);
    if (obj)
        xml = secret_def_format(obj->def);
    g_mutex_unlock(&store->lock);
    if (!obj)
        secret_report_no_uuid(secret->uuid);
    return xml;
}

/* A client's read of the value: a private secret's is refused (libvirt's
 * code and text); vireod's own users call secret_store_get_value. */
static unsigned char *secret_get_value(vireo_secret *secret, size_t *value_size,
                                       unsigned int flags)
{
    secret_store *store = secret_store_of_conn(secret->conn);
    secret_obj *obj;
    bool is_private = false;
    unsigned char *ret = NULL;

    if (!store || !driver_flags_ok(VIREO_FROM_SECRET, flags, 0, __func__))
        return NULL;
    g_mutex_lock(&store->lock);
    obj = secret_table_find(store, secret->uuid);
    if (obj)
        is_private = obj->def->is_private;
    if (obj && !is_private && obj->value) {
        ret = g_malloc(obj->value_len + 1);
        memcpy(ret, obj->value, obj->value_len);
        *value_size = obj->value_len;
    }
    g_mutex_unlock(&store->lock);
    if (ret)
        return ret;
    if (!obj) {
        secret_report_no_uuid(secret->uuid);
    } else if (is_private) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INVALID_SECRET, "secret is private");
    } else {
        char uuid[VIREO_UUID_STRING_BUFLEN];

        uuid_format(secret->uuid, uuid);
        error_report(VIREO_FROM_SECRET, VIREO_ERR_NO_SECRET, "secret '%s' does not have a value",
                     uuid);
    }
    return NULL;
}

static int secret_event_register_any(vireo_conn *conn, vireo_secret *secret, int event_id,
                                     void (*cb)(void), void *opaque, vireo_free_cb freecb)
{
    if (!secret_store_of_conn(conn))
        return -1;
    if (event_id != VIREO_SECRET_EVENT_ID_LIFECYCLE &&
        event_id != VIREO_SECRET_EVENT_ID_VALUE_CHANGED) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INVALID_ARG, "unknown secret event id %d",
                     event_id);
        return -1;
    }
    return event_register_secret(conn, conn->node, secret, event_id, cb, opaque, freecb);
}

static int secret_event_deregister_any(vireo_conn *conn, int callback_id)
{
    return event_deregister(conn, callback_id);
}

const secret_driver secret_node_driver = {
    .list_all = secret_list_all,
    .lookup_by_uuid = secret_lookup_by_uuid,
    .lookup_by_usage = secret_lookup_by_usage,
    .define_xml = secret_change_define,
    .get_xml_desc = secret_get_xml_desc,
    .set_value = secret_change_set_value,
    .get_value = secret_get_value,
    .undefine = secret_change_undefine,
    .event_register_any = secret_event_register_any,
    .event_deregister_any = secret_event_deregister_any,
};
