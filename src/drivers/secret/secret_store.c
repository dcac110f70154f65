/*
 * secret_store.c: the node's secrets in memory: opening the store (its
 * folder, its master key, its files), the table, and the values for
 * vireod's own users (secret_store.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "drivers/handles.h"
#include "drivers/node.h"
#include "drivers/secret/secret_priv.h"
#include "util/error.h"
#include "util/uuid.h"

void secret_facts_clear(secret_facts *f)
{
    g_clear_pointer(&f->usage_id, g_free);
}

void secret_facts_fill(secret_facts *f, const secret_def *def)
{
    uuid_format(def->uuid, f->uuid);
    memcpy(f->raw_uuid, def->uuid, VIREO_UUID_BUFLEN);
    f->usage_type = def->usage;
    f->usage_id = g_strdup(def->usage_id);
    f->ephemeral = def->ephemeral;
    f->is_private = def->is_private;
}

void secret_report_no_uuid(const unsigned char uuid[VIREO_UUID_BUFLEN])
{
    char text[VIREO_UUID_STRING_BUFLEN];

    uuid_format(uuid, text);
    error_report(VIREO_FROM_SECRET, VIREO_ERR_NO_SECRET, "no secret with matching uuid '%s'",
                 text);
}

void secret_obj_free(secret_obj *obj)
{
    if (!obj)
        return;
    secret_value_free(obj->value, obj->value_len);
    secret_def_free(obj->def);
    g_free(obj);
}

void secret_obj_set_value(secret_obj *obj, const uint8_t *value, size_t len)
{
    secret_value_free(obj->value, obj->value_len);
    /* one byte more, so an empty value is still "a value" (non-NULL) */
    obj->value = g_malloc(len + 1);
    if (len)
        memcpy(obj->value, value, len);
    obj->value_len = len;
}

secret_obj *secret_table_find(secret_store *store, const unsigned char uuid[VIREO_UUID_BUFLEN])
{
    char text[VIREO_UUID_STRING_BUFLEN];

    uuid_format(uuid, text);
    return g_hash_table_lookup(store->by_uuid, text);
}

secret_obj *secret_table_find_usage(secret_store *store, int usage_type, const char *usage_id)
{
    GHashTableIter it;
    gpointer value;

    if (usage_type == SECRET_USAGE_NONE || !usage_id)
        return NULL;
    g_hash_table_iter_init(&it, store->by_uuid);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        secret_obj *obj = value;

        if ((int)obj->def->usage == usage_type && g_strcmp0(obj->def->usage_id, usage_id) == 0)
            return obj;
    }
    return NULL;
}

void secret_table_add(secret_store *store, secret_obj *obj)
{
    char text[VIREO_UUID_STRING_BUFLEN];

    uuid_format(obj->def->uuid, text);
    g_hash_table_replace(store->by_uuid, g_strdup(text), obj);
}

void secret_table_remove(secret_store *store, const unsigned char uuid[VIREO_UUID_BUFLEN])
{
    char text[VIREO_UUID_STRING_BUFLEN];

    uuid_format(uuid, text);
    g_hash_table_remove(store->by_uuid, text);
}

secret_store *secret_store_of_conn(vireo_conn *conn)
{
    if (!conn || !conn->node || !conn->node->secrets) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_NO_SUPPORT,
                     "this connection has no secret store");
        return NULL;
    }
    return conn->node->secrets;
}

static void secret_store_free(secret_store *store)
{
    if (store->by_uuid)
        g_hash_table_destroy(store->by_uuid);
    secret_key_free(store->key);
    g_mutex_clear(&store->lock);
    g_mutex_clear(&store->files_lock);
    g_free(store->dir);
    g_free(store);
}

/* config_base/secrets, private to the daemon's user whatever it was */
static int secret_dir_make(const char *dir)
{
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        error_report_system(VIREO_FROM_SECRET, errno, "cannot create secret folder '%s'", dir);
        return -1;
    }
    if (g_chmod(dir, 0700) < 0) {
        error_report_system(VIREO_FROM_SECRET, errno, "cannot make secret folder '%s' private",
                            dir);
        return -1;
    }
    return 0;
}

secret_store *secret_store_open(node_state *node)
{
    secret_store *store = g_new0(secret_store, 1);
    g_autofree char *key_path = NULL;

    store->node = node;
    store->dir = g_build_filename(node->config_base, "secrets", NULL);
    g_mutex_init(&store->lock);
    g_mutex_init(&store->files_lock);
    store->by_uuid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify)secret_obj_free);
    key_path = g_build_filename(store->dir, "master.key", NULL);
    /* a bad key is fatal, not skipped: a new key would lose every value */
    if (secret_dir_make(store->dir) < 0 ||
        !(store->key = secret_key_load(key_path, VIREO_FROM_SECRET))) {
        secret_store_free(store);
        return NULL;
    }
    g_mutex_lock(&store->files_lock);
    secret_files_load_all(store);
    g_mutex_unlock(&store->files_lock);
    return store;
}

void secret_store_close(secret_store *store)
{
    if (store)
        secret_store_free(store);
}

static secret_store *secret_store_of_node(node_state *node)
{
    if (!node || !node->secrets) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INTERNAL_ERROR, "the node has no secret store");
        return NULL;
    }
    return node->secrets;
}

int secret_store_get_value(node_state *node, const unsigned char uuid[VIREO_UUID_BUFLEN],
                           uint8_t **value, size_t *len)
{
    secret_store *store = secret_store_of_node(node);
    secret_obj *obj;
    int ret = -1;

    if (!store)
        return -1;
    g_mutex_lock(&store->lock);
    obj = secret_table_find(store, uuid);
    if (!obj) {
        secret_report_no_uuid(uuid);
    } else if (!obj->value) {
        char text[VIREO_UUID_STRING_BUFLEN];

        uuid_format(uuid, text);
        error_report(VIREO_FROM_SECRET, VIREO_ERR_NO_SECRET, "secret '%s' does not have a value",
                     text);
    } else {
        /* NUL-terminated past the end, as secret_decrypt's values are */
        *value = g_malloc(obj->value_len + 1);
        memcpy(*value, obj->value, obj->value_len);
        (*value)[obj->value_len] = 0;
        *len = obj->value_len;
        ret = 0;
    }
    g_mutex_unlock(&store->lock);
    return ret;
}

int secret_store_lookup_usage(node_state *node, int usage_type, const char *usage_id,
                              unsigned char uuid[VIREO_UUID_BUFLEN])
{
    secret_store *store = secret_store_of_node(node);
    secret_obj *obj;

    if (!store)
        return -1;
    g_mutex_lock(&store->lock);
    obj = secret_table_find_usage(store, usage_type, usage_id);
    if (obj)
        memcpy(uuid, obj->def->uuid, VIREO_UUID_BUFLEN);
    g_mutex_unlock(&store->lock);
    if (!obj) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_NO_SECRET,
                     "no secret with matching usage '%s'", usage_id ? usage_id : "");
        return -1;
    }
    return 0;
}
