/*
 * secret_files.c: the secrets folder, config_base/secrets:
 *
 *   UUID.xml     the definition (libvirt's secret XML), mode 0600
 *   UUID.bin     the value, encrypted with the master key and bound to
 *                the UUID (util/secret_crypt.h), mode 0600.  libvirt keeps
 *                UUID.base64, the value in clear; vireo keeps it encrypted
 *                so that a copy of the folder without master.key, or a
 *                backup of it, gives no value away.
 *   master.key   the store's key (secret_key_load)
 *
 * Every write is atomic and durable (util/file.h).  Loading is crash-only:
 * a file that cannot be read, parsed or decrypted is logged and skipped,
 * never fatal, and left where it is for a person to look at.
 */
#include <string.h>

#include "drivers/secret/secret_priv.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/uuid.h"

#define LOG_CATEGORY "secret.files"

static char *secret_path(secret_store *store, const char *uuid, const char *suffix)
{
    g_autofree char *name = g_strconcat(uuid, suffix, NULL);

    return g_build_filename(store->dir, name, NULL);
}

int secret_files_save_def(secret_store *store, const secret_def *def)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];
    g_autofree char *xml = secret_def_format(def);
    g_autofree char *path = NULL;

    uuid_format(def->uuid, uuid);
    path = secret_path(store, uuid, ".xml");
    return file_write_atomic(path, xml, strlen(xml), 0600, VIREO_FROM_SECRET);
}

int secret_files_save_value(secret_store *store, const char *uuid, const uint8_t *value,
                            size_t len)
{
    g_autofree char *path = secret_path(store, uuid, ".bin");
    g_autofree uint8_t *blob = NULL;
    size_t blob_len;

    blob = secret_encrypt(store->key, uuid, value, len, &blob_len, VIREO_FROM_SECRET);
    if (!blob)
        return -1;
    return file_write_atomic(path, (const char *)blob, blob_len, 0600, VIREO_FROM_SECRET);
}

int secret_files_remove_value(secret_store *store, const char *uuid)
{
    g_autofree char *path = secret_path(store, uuid, ".bin");

    return file_remove_durable(path, VIREO_FROM_SECRET);
}

int secret_files_remove(secret_store *store, const char *uuid)
{
    g_autofree char *xml = secret_path(store, uuid, ".xml");

    if (file_remove_durable(xml, VIREO_FROM_SECRET) < 0)
        return -1;
    /* the definition is gone: the secret is undefined whatever follows */
    if (secret_files_remove_value(store, uuid) < 0) {
        log_warn("%s: %s (removed at the next start)", uuid, error_last()->message);
        error_reset();
    }
    return 0;
}

/* The decrypted value of UUID.bin into obj; a missing file is no value.
 * -1 with the error set when the file is unreadable or does not decrypt. */
static int secret_load_value(secret_store *store, const char *uuid, secret_obj *obj)
{
    g_autofree char *path = secret_path(store, uuid, ".bin");
    g_autofree char *blob = NULL;
    g_autoptr(GError) gerr = NULL;
    size_t blob_len;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return 0;
    if (!g_file_get_contents(path, &blob, &blob_len, &gerr)) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INTERNAL_ERROR, "cannot read '%s': %s", path,
                     gerr->message);
        return -1;
    }
    if (blob_len > SECRET_VALUE_MAX + SECRET_CRYPT_OVERHEAD) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INTERNAL_ERROR,
                     "value file '%s' is %zu bytes, more than a secret can hold", path, blob_len);
        return -1;
    }
    obj->value = secret_decrypt(store->key, uuid, (const uint8_t *)blob, blob_len,
                                &obj->value_len, path, VIREO_FROM_SECRET);
    return obj->value ? 0 : -1;
}

/* The secret defined by file NAME.xml, NULL with the error set. */
static secret_obj *secret_load_one(secret_store *store, const char *name)
{
    g_autofree char *path = g_build_filename(store->dir, name, NULL);
    g_autofree char *xml = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(secret_def) def = NULL;
    char uuid[VIREO_UUID_STRING_BUFLEN];
    secret_obj *obj;

    if (!g_file_get_contents(path, &xml, NULL, &gerr)) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INTERNAL_ERROR, "cannot read '%s': %s", path,
                     gerr->message);
        return NULL;
    }
    if (!(def = secret_def_parse(xml)))
        return NULL;
    uuid_format(def->uuid, uuid);
    if (strlen(name) != strlen(uuid) + 4 || strncmp(name, uuid, strlen(uuid)) != 0) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INTERNAL_ERROR,
                     "<uuid> does not match secret file name '%s'", name);
        return NULL;
    }
    if (def->ephemeral) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INTERNAL_ERROR,
                     "'%s' defines an ephemeral secret, which is never kept on disk", name);
        return NULL;
    }
    if (secret_table_find(store, def->uuid) ||
        secret_table_find_usage(store, def->usage, def->usage_id)) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INTERNAL_ERROR,
                     "'%s' clashes with a secret already loaded (same usage '%s')", name,
                     def->usage_id);
        return NULL;
    }
    obj = g_new0(secret_obj, 1);
    obj->def = g_steal_pointer(&def);
    if (secret_load_value(store, uuid, obj) < 0) {
        secret_obj_free(obj);
        return NULL;
    }
    return obj;
}

/* A value file whose definition is gone: what an undefine interrupted
 * between its two removals leaves. */
static void secret_remove_orphan(secret_store *store, const char *name, GHashTable *names)
{
    g_autofree char *uuid = g_strndup(name, strlen(name) - 4);
    g_autofree char *xml_name = g_strconcat(uuid, ".xml", NULL);
    unsigned char raw[VIREO_UUID_BUFLEN];

    if (uuid_parse(uuid, raw) < 0 || g_hash_table_contains(names, xml_name))
        return;
    log_warn("removing '%s/%s': its secret is no longer defined", store->dir, name);
    if (secret_files_remove_value(store, uuid) < 0) {
        log_warn("%s", error_last()->message);
        error_reset();
    }
}

static gint name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs from secret_store_open, before anyone else sees the store: the
 * table is read here without store->lock. */
void secret_files_load_all(secret_store *store)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) sorted = g_ptr_array_new();
    const char *name;
    GHashTableIter it;
    gpointer key;

    file_remove_leftovers(store->dir);
    dir = g_dir_open(store->dir, 0, NULL);
    while (dir && (name = g_dir_read_name(dir)))
        g_hash_table_add(names, g_strdup(name));
    g_hash_table_iter_init(&it, names);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_ptr_array_add(sorted, key);
    /* the folder's order is the disk's: sort, so which of two clashing
     * files wins does not change from one start to the next */
    g_ptr_array_sort(sorted, name_cmp);
    for (guint i = 0; i < sorted->len; i++) {
        secret_obj *obj;

        name = sorted->pdata[i];
        if (!g_str_has_suffix(name, ".xml"))
            continue;
        error_reset();
        obj = secret_load_one(store, name);
        if (!obj) {
            log_error("skipping secret '%s/%s': %s", store->dir, name,
                      error_last() ? error_last()->message : "unreadable");
            continue;
        }
        g_mutex_lock(&store->lock);
        secret_table_add(store, obj);
        g_mutex_unlock(&store->lock);
    }
    for (guint i = 0; i < sorted->len; i++) {
        name = sorted->pdata[i];
        if (g_str_has_suffix(name, ".bin"))
            secret_remove_orphan(store, name, names);
    }
    error_reset();
}
