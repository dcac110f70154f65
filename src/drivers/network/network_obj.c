/*
 * network_obj.c: the node's network objects: finding them, listing
 * them, their job (locking in network_priv.h).
 */
#include <string.h>

#include "drivers/event.h"
#include "drivers/network/network_priv.h"
#include "util/error.h"
#include "util/uuid.h"

network_obj *network_obj_new(network_state *state, const char *name,
                             const unsigned char uuid[VIREO_UUID_BUFLEN])
{
    network_obj *obj = g_new0(network_obj, 1);

    obj->refs = 1;
    obj->state = state;
    obj->name = g_strdup(name);
    memcpy(obj->uuid, uuid, VIREO_UUID_BUFLEN);
    obj->ports = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                       (GDestroyNotify)g_bytes_unref, g_free);
    g_cond_init(&obj->job_cond);
    return obj;
}

network_obj *network_obj_ref(network_obj *obj)
{
    g_atomic_int_inc(&obj->refs);
    return obj;
}

void network_obj_unref(network_obj *obj)
{
    if (!obj || !g_atomic_int_dec_and_test(&obj->refs))
        return;
    network_def_free(obj->config);
    network_def_free(obj->live);
    g_hash_table_unref(obj->ports);
    g_cond_clear(&obj->job_cond);
    g_free(obj->name);
    g_free(obj);
}

void network_obj_list_add(network_obj *obj)
{
    g_mutex_lock(&obj->state->lock);
    obj->listed = true;
    g_hash_table_insert(obj->state->nets, obj->name, network_obj_ref(obj));
    g_mutex_unlock(&obj->state->lock);
}

void network_obj_list_remove(network_obj *obj)
{
    network_obj *listed = NULL;

    g_mutex_lock(&obj->state->lock);
    if (obj->listed && g_hash_table_lookup(obj->state->nets, obj->name) == obj) {
        g_hash_table_steal(obj->state->nets, obj->name);
        listed = obj;
    }
    obj->listed = false;
    g_mutex_unlock(&obj->state->lock);
    network_obj_unref(listed);
}

network_obj *network_obj_lookup(network_state *state, const char *name)
{
    network_obj *obj;

    g_mutex_lock(&state->lock);
    obj = g_hash_table_lookup(state->nets, name);
    if (obj)
        network_obj_ref(obj);
    g_mutex_unlock(&state->lock);
    return obj;
}

network_obj *network_obj_lookup_uuid(network_state *state, const unsigned char *uuid)
{
    GHashTableIter it;
    gpointer value;
    network_obj *found = NULL;

    g_mutex_lock(&state->lock);
    g_hash_table_iter_init(&it, state->nets);
    while (!found && g_hash_table_iter_next(&it, NULL, &value)) {
        network_obj *obj = value;

        if (memcmp(obj->uuid, uuid, VIREO_UUID_BUFLEN) == 0)
            found = network_obj_ref(obj);
    }
    g_mutex_unlock(&state->lock);
    return found;
}

network_obj *network_obj_find(network_state *state, const char *name)
{
    network_obj *obj = network_obj_lookup(state, name);

    if (!obj)
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_NO_NETWORK,
                     "no network with matching name '%s'", name);
    return obj;
}

network_obj *network_obj_find_uuid(network_state *state, const unsigned char *uuid,
                                   const char *name_hint)
{
    network_obj *obj = network_obj_lookup_uuid(state, uuid);
    char text[VIREO_UUID_STRING_BUFLEN];

    if (obj)
        return obj;
    uuid_format(uuid, text);
    if (name_hint)
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_NO_NETWORK,
                     "no network with matching uuid '%s' (%s)", text, name_hint);
    else
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_NO_NETWORK,
                     "no network with matching uuid '%s'", text);
    return NULL;
}

static gint obj_cmp_name(gconstpointer a, gconstpointer b)
{
    const network_obj *x = *(network_obj *const *)a;
    const network_obj *y = *(network_obj *const *)b;

    return strcmp(x->name, y->name);
}

GPtrArray *network_obj_list_all(network_state *state)
{
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)network_obj_unref);
    GHashTableIter it;
    gpointer value;

    g_mutex_lock(&state->lock);
    g_hash_table_iter_init(&it, state->nets);
    while (g_hash_table_iter_next(&it, NULL, &value))
        g_ptr_array_add(all, network_obj_ref(value));
    g_mutex_unlock(&state->lock);
    g_ptr_array_sort(all, obj_cmp_name);
    return all;
}

int network_obj_job_begin(network_obj *obj, const char *what)
{
    network_state *state = obj->state;
    gint64 deadline = g_get_monotonic_time() + (gint64)NETWORK_JOB_TIMEOUT_MS * 1000;
    bool listed;

    g_mutex_lock(&state->lock);
    while (obj->job) {
        if (!g_cond_wait_until(&obj->job_cond, &state->lock, deadline) && obj->job) {
            error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_TIMEOUT,
                         "cannot acquire job of network '%s' for %s: held by %s", obj->name,
                         what, obj->job_what);
            g_mutex_unlock(&state->lock);
            return -1;
        }
    }
    /* undefined (or a transient one stopped) while we waited */
    listed = obj->listed;
    if (listed) {
        obj->job = true;
        obj->job_what = what;
    }
    g_mutex_unlock(&state->lock);
    if (!listed) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_NO_NETWORK,
                     "no network with matching name '%s'", obj->name);
        return -1;
    }
    return 0;
}

void network_obj_job_end(network_obj *obj)
{
    g_mutex_lock(&obj->state->lock);
    obj->job = false;
    obj->job_what = NULL;
    g_cond_broadcast(&obj->job_cond);
    g_mutex_unlock(&obj->state->lock);
}

network_obj *network_obj_begin(vireo_network *net, const char *what)
{
    network_obj *obj = network_obj_find_uuid(net->conn->node->networks, net->uuid, net->name);

    if (obj && network_obj_job_begin(obj, what) < 0) {
        network_obj_unref(obj);
        return NULL;
    }
    return obj;
}

void network_obj_end(network_obj *obj)
{
    network_obj_job_end(obj);
    network_obj_unref(obj);
}

vireo_network *network_obj_handle(vireo_conn *conn, network_obj *obj)
{
    return network_handle_new(conn, obj->name, obj->uuid);
}

void network_obj_emit(network_obj *obj, int event)
{
    event_emit_network_lifecycle(obj->state->node, obj->name, obj->uuid, event, 0);
}

network_def *network_obj_def_copy(network_obj *obj, bool inactive_wanted)
{
    network_def *copy;

    g_mutex_lock(&obj->state->lock);
    if (obj->live && (!inactive_wanted || !obj->config))
        copy = network_def_copy(obj->live);
    else
        copy = obj->config ? network_def_copy(obj->config) : NULL;
    g_mutex_unlock(&obj->state->lock);
    if (!copy)
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_NO_NETWORK,
                     "no network with matching name '%s'", obj->name);
    return copy;
}

bool network_obj_is_active(network_obj *obj)
{
    bool active;

    g_mutex_lock(&obj->state->lock);
    active = obj->active;
    g_mutex_unlock(&obj->state->lock);
    return active;
}

bool network_mode_has_bridge(network_forward_mode mode)
{
    return mode == NETWORK_FORWARD_NONE || mode == NETWORK_FORWARD_NAT ||
           mode == NETWORK_FORWARD_ROUTE || mode == NETWORK_FORWARD_OPEN;
}

const char *network_mode_name(network_forward_mode mode)
{
    static const char *const names[] = {
        "none", "nat", "route", "open", "bridge", "private", "vepa", "passthrough", "hostdev",
    };

    return (unsigned)mode < G_N_ELEMENTS(names) ? names[mode] : "?";
}
