/*
 * network_driver_change.c: the entries of network_node_driver that
 * change a network: define, create, undefine, start, destroy,
 * autostart, update.  Each follows one shape: find the network, take
 * its job, check its state, act (files first, so a failure changes
 * nothing), emit the event, end the job.
 */
#include <string.h>

#include "drivers/driver_common.h"
#include "drivers/network/network_dnsmasq.h"
#include "drivers/network/network_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "network.driver"

/* A client's definition, parsed and filled; with state->add_lock held
 * on success (the caller lists the network or drops the lock) */
static network_def *parse_locked(network_state *state, const char *xml, network_obj **existing)
{
    g_autoptr(network_def) def = network_def_parse(xml);

    if (!def)
        return NULL;
    g_mutex_lock(&state->add_lock);
    if (network_define_prepare(state, def) < 0 ||
        network_define_check_duplicate(state, def, existing) < 0) {
        g_mutex_unlock(&state->add_lock);
        return NULL;
    }
    return g_steal_pointer(&def);
}

vireo_network *network_driver_define_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    network_state *state = conn->node->networks;
    g_autoptr(network_def) def = NULL;
    g_autoptr(network_obj) obj = NULL;

    if (!driver_flags_ok(VIREO_FROM_NETWORK, flags, VIREO_NETWORK_DEFINE_VALIDATE, __func__))
        return NULL;
    if (!(def = parse_locked(state, xml, &obj)))
        return NULL;
    if (!obj) {
        if (network_state_save_config(state, def) < 0) {
            g_mutex_unlock(&state->add_lock);
            return NULL;
        }
        obj = network_obj_new(state, def->name, def->uuid);
        obj->config = g_steal_pointer(&def);
        network_obj_list_add(obj);
        g_mutex_unlock(&state->add_lock);
    } else {
        g_mutex_unlock(&state->add_lock);
        if (network_obj_job_begin(obj, "define") < 0)
            return NULL;
        if (network_state_save_config(state, def) < 0) {
            network_obj_job_end(obj);
            return NULL;
        }
        /* an active transient network becomes persistent; a running
         * one keeps its live definition until it stops */
        g_mutex_lock(&state->lock);
        network_def_free(obj->config);
        obj->config = g_steal_pointer(&def);
        g_mutex_unlock(&state->lock);
        network_obj_job_end(obj);
    }
    log_info("network '%s': defined", obj->name);
    network_obj_emit(obj, VIREO_NETWORK_EVENT_DEFINED);
    return network_obj_handle(conn, obj);
}

vireo_network *network_driver_create_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    network_state *state = conn->node->networks;
    g_autoptr(network_def) def = NULL;
    g_autoptr(network_obj) obj = NULL;
    int rc;

    if (!driver_flags_ok(VIREO_FROM_NETWORK, flags, VIREO_NETWORK_CREATE_VALIDATE, __func__))
        return NULL;
    if (!(def = parse_locked(state, xml, &obj)))
        return NULL;
    if (obj) {
        g_mutex_unlock(&state->add_lock);
        if (network_obj_job_begin(obj, "create") < 0)
            return NULL;
        /* libvirt: an existing inactive network of that name and UUID is
         * started with this definition, which lasts until it stops */
        g_mutex_lock(&state->lock);
        rc = obj->active ? -1 : 0;
        if (rc == 0)
            obj->live = g_steal_pointer(&def);
        g_mutex_unlock(&state->lock);
        if (rc < 0)
            error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID,
                         "network is already active as '%s'", obj->name);
        else if ((rc = network_start(obj)) < 0) {
            g_mutex_lock(&state->lock);
            g_clear_pointer(&obj->live, network_def_free);
            g_mutex_unlock(&state->lock);
        }
        network_obj_job_end(obj);
        if (rc < 0)
            return NULL;
    } else {
        obj = network_obj_new(state, def->name, def->uuid);
        obj->live = g_steal_pointer(&def);
        obj->job = true; /* nobody sees it before it is listed */
        obj->job_what = "create";
        network_obj_list_add(obj);
        g_mutex_unlock(&state->add_lock);
        rc = network_start(obj);
        network_obj_job_end(obj);
        if (rc < 0) {
            network_obj_list_remove(obj);
            return NULL;
        }
    }
    network_obj_emit(obj, VIREO_NETWORK_EVENT_STARTED);
    return network_obj_handle(conn, obj);
}

int network_driver_undefine(vireo_network *net)
{
    network_obj *obj = network_obj_begin(net, "undefine");
    network_state *state;
    bool active;

    if (!obj)
        return -1;
    state = obj->state;
    g_mutex_lock(&state->lock);
    active = obj->active;
    if (!obj->config) {
        g_mutex_unlock(&state->lock);
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID,
                     "can't undefine transient network");
        network_obj_end(obj);
        return -1;
    }
    g_mutex_unlock(&state->lock);
    if (network_state_remove_config(state, obj->name) < 0) {
        network_obj_end(obj);
        return -1;
    }
    g_mutex_lock(&state->lock);
    g_clear_pointer(&obj->config, network_def_free);
    obj->autostart = false;
    g_mutex_unlock(&state->lock);
    /* a running network goes on, transient now */
    if (!active)
        network_obj_list_remove(obj);
    log_info("network '%s': undefined", obj->name);
    network_obj_emit(obj, VIREO_NETWORK_EVENT_UNDEFINED);
    network_obj_end(obj);
    return 0;
}

int network_driver_create(vireo_network *net)
{
    network_obj *obj = network_obj_begin(net, "start");
    int rc;

    if (!obj)
        return -1;
    rc = network_start(obj);
    if (rc == 0)
        network_obj_emit(obj, VIREO_NETWORK_EVENT_STARTED);
    network_obj_end(obj);
    return rc;
}

int network_driver_destroy(vireo_network *net)
{
    network_obj *obj = network_obj_begin(net, "destroy");
    bool transient;

    if (!obj)
        return -1;
    if (!network_obj_is_active(obj)) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID,
                     "network '%s' is not active", obj->name);
        network_obj_end(obj);
        return -1;
    }
    network_stop(obj);
    g_mutex_lock(&obj->state->lock);
    transient = !obj->config;
    g_mutex_unlock(&obj->state->lock);
    network_obj_emit(obj, VIREO_NETWORK_EVENT_STOPPED);
    if (transient)
        network_obj_list_remove(obj);
    network_obj_end(obj);
    return 0;
}

int network_driver_set_autostart(vireo_network *net, int autostart)
{
    network_obj *obj = network_obj_begin(net, "autostart");
    bool persistent;
    int rc = 0;

    if (!obj)
        return -1;
    g_mutex_lock(&obj->state->lock);
    persistent = obj->config != NULL;
    g_mutex_unlock(&obj->state->lock);
    if (!persistent) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID,
                     "cannot set autostart for transient network");
        network_obj_end(obj);
        return -1;
    }
    if (network_state_set_autostart(obj->state, obj->name, autostart != 0) < 0)
        rc = -1;
    if (rc == 0) {
        g_mutex_lock(&obj->state->lock);
        obj->autostart = autostart != 0;
        g_mutex_unlock(&obj->state->lock);
    }
    network_obj_end(obj);
    return rc;
}

/* --- update --- */

/* Which flags the update touches: CURRENT means live when active, else
 * the configuration (libvirt) */
static unsigned int update_targets(network_obj *obj, unsigned int flags)
{
    bool active = network_obj_is_active(obj);

    if ((flags & (VIREO_NETWORK_UPDATE_AFFECT_LIVE | VIREO_NETWORK_UPDATE_AFFECT_CONFIG)) == 0)
        flags |= active ? VIREO_NETWORK_UPDATE_AFFECT_LIVE : VIREO_NETWORK_UPDATE_AFFECT_CONFIG;
    return flags;
}

/* Make the running network take def: dnsmasq rereads its hosts for the
 * host sections, and is restarted for the others it reads */
static int update_apply_live(network_obj *obj, const network_def *def, unsigned int section)
{
    network_state *state = obj->state;
    pid_t pid, fresh;

    g_mutex_lock(&state->lock);
    pid = obj->dnsmasq_pid;
    g_mutex_unlock(&state->lock);
    if (!network_mode_has_bridge(def->forward))
        return 0;
    switch (section) {
    case VIREO_NETWORK_SECTION_IP_DHCP_HOST:
    case VIREO_NETWORK_SECTION_DNS_HOST:
        if (pid > 0)
            return dnsmasq_reload(def, state->files.run_dir, pid);
        break;
    case VIREO_NETWORK_SECTION_IP_DHCP_RANGE:
    case VIREO_NETWORK_SECTION_DNS_TXT:
    case VIREO_NETWORK_SECTION_DNS_SRV:
        break;
    default:
        return 0;
    }
    /* dnsmasq reads the rest only at its start (or is needed now) */
    if (!dnsmasq_needed(def) && pid <= 0)
        return 0;
    if (pid > 0)
        dnsmasq_stop(def->name, state->files.run_dir, pid);
    fresh = dnsmasq_needed(def) ? dnsmasq_start(def, def->bridge, state->files.run_dir) : 0;
    g_mutex_lock(&state->lock);
    obj->dnsmasq_pid = fresh > 0 ? fresh : 0;
    g_mutex_unlock(&state->lock);
    return fresh < 0 ? -1 : 0;
}

static int update_live(network_obj *obj, unsigned int command, unsigned int section,
                       int parent_index, const char *xml)
{
    network_state *state = obj->state;
    g_autoptr(network_def) def = NULL;
    network_def *old;

    g_mutex_lock(&state->lock);
    def = obj->active ? network_def_copy(obj->live) : NULL;
    g_mutex_unlock(&state->lock);
    if (!def) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID, "network is not running");
        return -1;
    }
    if (network_def_update(def, command, section, parent_index, xml) < 0 ||
        network_state_save_run(state, def) < 0)
        return -1;
    g_mutex_lock(&state->lock);
    old = obj->live;
    obj->live = network_def_copy(def);
    g_mutex_unlock(&state->lock);
    network_def_free(old);
    return update_apply_live(obj, def, section);
}

static int update_config(network_obj *obj, unsigned int command, unsigned int section,
                         int parent_index, const char *xml)
{
    network_state *state = obj->state;
    g_autoptr(network_def) def = NULL;
    network_def *old;

    g_mutex_lock(&state->lock);
    def = obj->config ? network_def_copy(obj->config) : NULL;
    g_mutex_unlock(&state->lock);
    if (!def) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID,
                     "cannot change persistent config of a transient network");
        return -1;
    }
    if (network_def_update(def, command, section, parent_index, xml) < 0 ||
        network_state_save_config(state, def) < 0)
        return -1;
    g_mutex_lock(&state->lock);
    old = obj->config;
    obj->config = g_steal_pointer(&def);
    g_mutex_unlock(&state->lock);
    network_def_free(old);
    return 0;
}

int network_driver_update(vireo_network *net, unsigned int command, unsigned int section,
                          int parent_index, const char *xml, unsigned int flags)
{
    network_obj *obj;
    unsigned int targets;
    int rc = 0;

    if (!driver_flags_ok(VIREO_FROM_NETWORK, flags,
                         VIREO_NETWORK_UPDATE_AFFECT_LIVE | VIREO_NETWORK_UPDATE_AFFECT_CONFIG,
                         __func__))
        return -1;
    if (!(obj = network_obj_begin(net, "update")))
        return -1;
    targets = update_targets(obj, flags);
    /* both checked before either changes: a refused half changes nothing */
    g_mutex_lock(&obj->state->lock);
    if ((targets & VIREO_NETWORK_UPDATE_AFFECT_LIVE) && !obj->active) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID, "network is not running");
        rc = -1;
    } else if ((targets & VIREO_NETWORK_UPDATE_AFFECT_CONFIG) && !obj->config) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID,
                     "cannot change persistent config of a transient network");
        rc = -1;
    }
    g_mutex_unlock(&obj->state->lock);
    if (rc == 0 && (targets & VIREO_NETWORK_UPDATE_AFFECT_CONFIG))
        rc = update_config(obj, command, section, parent_index, xml);
    if (rc == 0 && (targets & VIREO_NETWORK_UPDATE_AFFECT_LIVE))
        rc = update_live(obj, command, section, parent_index, xml);
    network_obj_end(obj);
    return rc;
}
