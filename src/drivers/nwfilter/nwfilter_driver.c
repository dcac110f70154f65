/*
 * nwfilter_driver.c: nwfilter_node_driver, the node's filter table.
 *
 * A redefinition replaces the filter and rebuilds the rules of every
 * interface using it; when one cannot be rebuilt the old filter stays
 * (in the table, the file and the rules).
 */
#include <string.h>

#include "drivers/driver.h"
#include "drivers/driver_common.h"
#include "drivers/nwfilter/nwfilter_priv.h"
#include "drivers/nwfilter/nwfilter_rules.h"
#include "drivers/nwfilter/nwfilter_state.h"
#include "util/error.h"
#include "util/log.h"
#include "util/uuid.h"

#define LOG_CATEGORY "nwfilter.driver"

static vireo_nwfilter *handle_of(vireo_conn *conn, const nwfilter_def *def)
{
    return nwfilter_handle_new(conn, def->name, def->uuid);
}

static nwfilter_def *find_uuid(nwfilter_state *state, const unsigned char *uuid)
{
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, state->filters);
    while (g_hash_table_iter_next(&it, NULL, &v))
        if (memcmp(((nwfilter_def *)v)->uuid, uuid, VIREO_UUID_BUFLEN) == 0)
            return v;
    return NULL;
}

static void report_no_uuid(const unsigned char *uuid)
{
    char text[VIREO_UUID_STRING_BUFLEN];

    uuid_format(uuid, text);
    error_report(VIREO_FROM_NWFILTER, VIREO_ERR_NO_NWFILTER,
                 "no nwfilter with matching uuid '%s'", text);
}

static vireo_nwfilter *nwf_lookup_by_name(vireo_conn *conn, const char *name)
{
    nwfilter_state *state = nwfilter_state_of_conn(conn);
    vireo_nwfilter *ret = NULL;
    nwfilter_def *def;

    if (!state)
        return NULL;
    g_mutex_lock(&state->lock);
    if ((def = g_hash_table_lookup(state->filters, name)))
        ret = handle_of(conn, def);
    g_mutex_unlock(&state->lock);
    if (!ret)
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_NO_NWFILTER,
                     "no nwfilter with matching name '%s'", name);
    return ret;
}

static vireo_nwfilter *nwf_lookup_by_uuid(vireo_conn *conn, const unsigned char *uuid)
{
    nwfilter_state *state = nwfilter_state_of_conn(conn);
    vireo_nwfilter *ret = NULL;
    nwfilter_def *def;

    if (!state)
        return NULL;
    g_mutex_lock(&state->lock);
    if ((def = find_uuid(state, uuid)))
        ret = handle_of(conn, def);
    g_mutex_unlock(&state->lock);
    if (!ret)
        report_no_uuid(uuid);
    return ret;
}

static gint handle_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp((*(vireo_nwfilter *const *)a)->name, (*(vireo_nwfilter *const *)b)->name);
}

static int nwf_list_all(vireo_conn *conn, vireo_nwfilter ***filters, unsigned int flags)
{
    nwfilter_state *state = nwfilter_state_of_conn(conn);
    GPtrArray *found;
    GHashTableIter it;
    gpointer v;
    int n;

    if (!state || !driver_flags_ok(VIREO_FROM_NWFILTER, flags, 0, __func__))
        return -1;
    found = g_ptr_array_new();
    g_mutex_lock(&state->lock);
    g_hash_table_iter_init(&it, state->filters);
    while (g_hash_table_iter_next(&it, NULL, &v))
        g_ptr_array_add(found, handle_of(conn, v));
    g_mutex_unlock(&state->lock);
    g_ptr_array_sort(found, handle_cmp);
    n = (int)found->len;
    if (!filters) {
        for (guint i = 0; i < found->len; i++)
            nwfilter_handle_unref(found->pdata[i]);
        g_ptr_array_free(found, TRUE);
        return n;
    }
    g_ptr_array_add(found, NULL);
    *filters = (vireo_nwfilter **)g_ptr_array_free(found, FALSE);
    return n;
}

/* A new definition against the table: the name/UUID pairing and loops */
static int define_check(nwfilter_state *state, nwfilter_def *def)
{
    nwfilter_def *same_name = g_hash_table_lookup(state->filters, def->name);
    nwfilter_def *same_uuid;
    char uuid[VIREO_UUID_STRING_BUFLEN];

    if (same_name && def->uuid_generated)
        memcpy(def->uuid, same_name->uuid, VIREO_UUID_BUFLEN);
    if (same_name && memcmp(same_name->uuid, def->uuid, VIREO_UUID_BUFLEN) != 0) {
        uuid_format(same_name->uuid, uuid);
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_OPERATION_FAILED,
                     "filter '%s' already exists with uuid %s", def->name, uuid);
        return -1;
    }
    same_uuid = find_uuid(state, def->uuid);
    if (same_uuid && strcmp(same_uuid->name, def->name) != 0) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_OPERATION_FAILED,
                     "filter with same UUID but different name ('%s') already exists",
                     same_uuid->name);
        return -1;
    }
    return 0;
}

/* Whether def, once in the table, reaches itself through its filterrefs */
static bool define_loops(nwfilter_state *state, const nwfilter_def *def)
{
    for (guint i = 0; i < def->entries->len; i++) {
        const nwfilter_entry *e = def->entries->pdata[i];

        if (e->ref && nwfilter_tree_references(nwfilter_state_lookup, state, e->ref, def->name))
            return true;
    }
    return false;
}

/* Put def in the table and apply it where used; on failure the old one
 * (or none) is back and applied again.  Takes def. */
static int define_apply(nwfilter_state *state, nwfilter_def *def)
{
    g_autofree char *name = g_strdup(def->name);
    nwfilter_def *old = g_hash_table_lookup(state->filters, name);
    g_autoptr(vireo_error) err = NULL;

    g_hash_table_steal(state->filters, name);
    g_hash_table_insert(state->filters, def->name, def);
    if (define_loops(state, def)) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER,
                     "filter '%s' would reference itself through its filterrefs", name);
    } else if (nwfilter_reapply(state, name) == 0 && nwfilter_state_save(state, def) == 0) {
        if (old)
            nwfilter_def_free(old);
        return 0;
    }
    err = error_save();
    g_hash_table_remove(state->filters, name);
    if (old) {
        g_hash_table_insert(state->filters, old->name, old);
        if (nwfilter_reapply(state, name) < 0)
            log_warn("filter '%s': the old rules could not be restored: %s", name,
                     error_last()->message);
    }
    error_restore(g_steal_pointer(&err));
    return -1;
}

static vireo_nwfilter *nwf_define_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    nwfilter_state *state = nwfilter_state_of_conn(conn);
    nwfilter_def *def;
    vireo_nwfilter *ret = NULL;

    if (!state || !driver_flags_ok(VIREO_FROM_NWFILTER, flags, 0, __func__))
        return NULL;
    if (!(def = nwfilter_def_parse(xml)))
        return NULL;
    g_mutex_lock(&state->lock);
    if (define_check(state, def) < 0) {
        nwfilter_def_free(def);
    } else {
        ret = handle_of(conn, def);
        if (define_apply(state, def) < 0)
            g_clear_pointer(&ret, nwfilter_handle_unref);
    }
    g_mutex_unlock(&state->lock);
    if (ret)
        log_info("filter '%s' defined", ret->name);
    return ret;
}

/* The filter (other than name) that references name, NULL when none */
static const char *referenced_by(nwfilter_state *state, const char *name)
{
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, state->filters);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        const nwfilter_def *def = v;

        for (guint i = 0; i < def->entries->len; i++) {
            const nwfilter_entry *e = def->entries->pdata[i];

            if (e->ref && strcmp(e->ref, name) == 0 && strcmp(def->name, name) != 0)
                return def->name;
        }
    }
    return NULL;
}

static int nwf_undefine(vireo_nwfilter *filter)
{
    nwfilter_state *state = nwfilter_state_of_conn(filter->conn);
    nwfilter_def *def;
    const char *user;
    int ret = -1;

    if (!state)
        return -1;
    g_mutex_lock(&state->lock);
    def = find_uuid(state, filter->uuid);
    if (!def) {
        report_no_uuid(filter->uuid);
    } else if (nwfilter_in_use(state, def->name)) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_OPERATION_INVALID,
                     "nwfilter '%s' is in use by an interface", def->name);
    } else if ((user = referenced_by(state, def->name))) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_OPERATION_INVALID,
                     "nwfilter '%s' is in use: filter '%s' references it", def->name, user);
    } else if (nwfilter_state_remove_file(state, def->name) == 0) {
        g_hash_table_remove(state->filters, def->name);
        ret = 0;
    }
    g_mutex_unlock(&state->lock);
    return ret;
}

static char *nwf_get_xml_desc(vireo_nwfilter *filter, unsigned int flags)
{
    nwfilter_state *state = nwfilter_state_of_conn(filter->conn);
    nwfilter_def *def;
    char *xml = NULL;

    if (!state || !driver_flags_ok(VIREO_FROM_NWFILTER, flags, 0, __func__))
        return NULL;
    g_mutex_lock(&state->lock);
    if ((def = find_uuid(state, filter->uuid)))
        xml = nwfilter_def_format(def);
    g_mutex_unlock(&state->lock);
    if (!def)
        report_no_uuid(filter->uuid);
    return xml;
}

const nwfilter_driver nwfilter_node_driver = {
    .list_all = nwf_list_all,
    .lookup_by_name = nwf_lookup_by_name,
    .lookup_by_uuid = nwf_lookup_by_uuid,
    .define_xml = nwf_define_xml,
    .undefine = nwf_undefine,
    .get_xml_desc = nwf_get_xml_desc,
};
