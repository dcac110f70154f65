/*
 * network_state.c: a node's networks at open and close, and their files
 * (libvirt's layout):
 *
 *   config_base/qemu/networks/NAME.xml            a persistent network
 *   config_base/qemu/networks/autostart/NAME.xml  a symlink to it
 *   run_base/network/NAME.xml                     an active network's live
 *                                                 definition, written
 *                                                 before its start answers
 *   run_base/network/NAME.conf, .pid, ...         its dnsmasq (network_dnsmasq.h)
 *
 * Crash-only: the run file is the whole truth about a running network
 * (its bridge name, its dnsmasq through NAME.pid).  At open a network
 * whose run file exists and whose bridge is still there is active
 * again; its dnsmasq and rules are made whole.  One whose bridge went
 * away is inactive, and what is left of it (dnsmasq, rules, run file)
 * is removed.  Ports are counted again as the hypervisor driver
 * re-attaches its guests (network_port_reacquire).
 *
 * Opening autostarts synchronously, before the hypervisor driver
 * autostarts guests that plug into the networks (node.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "drivers/network/network_priv.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

#define LOG_CATEGORY "network.state"

int network_state_save_config(network_state *state, const network_def *def)
{
    g_autofree char *xml = network_def_format(def);

    return xml ? def_files_save_config(&state->files, def->name, xml) : -1;
}

int network_state_remove_config(network_state *state, const char *name)
{
    return def_files_remove_config(&state->files, name);
}

int network_state_save_run(network_state *state, const network_def *def)
{
    g_autofree char *xml = network_def_format(def);

    return xml ? def_files_save_run(&state->files, def->name, xml) : -1;
}

void network_state_remove_run(network_state *state, const char *name)
{
    def_files_remove_run(&state->files, name);
}

int network_state_set_autostart(network_state *state, const char *name, bool on)
{
    return def_files_set_autostart(&state->files, name, on);
}

static void *net_parse(const char *xml)
{
    return network_def_parse(xml);
}

static const char *net_name(const void *def)
{
    return ((const network_def *)def)->name;
}

static void net_def_free(gpointer def)
{
    network_def_free(def);
}

static void adopt_config(void *p, void *opaque)
{
    network_state *state = opaque;
    network_def *def = p;
    network_obj *obj = network_obj_new(state, def->name, def->uuid);

    obj->config = def;
    obj->autostart = def_files_autostart(&state->files, def->name);
    network_obj_list_add(obj);
    network_obj_unref(obj);
}

/* A network the previous vireod left running (its run file) */
static void adopt_run(void *p, void *opaque)
{
    network_state *state = opaque;
    network_def *live = p;
    g_autoptr(network_obj) obj = network_obj_lookup(state, live->name);

    if (obj && memcmp(obj->uuid, live->uuid, VIREO_UUID_BUFLEN) != 0) {
        log_warn("network '%s': run file has another UUID, ignoring it", live->name);
        network_state_remove_run(state, live->name);
        network_def_free(live);
        return;
    }
    if (!obj) {
        obj = network_obj_new(state, live->name, live->uuid);
        network_obj_list_add(obj);
    }
    g_mutex_lock(&state->lock);
    obj->live = live;
    obj->active = true;
    g_mutex_unlock(&state->lock);
    if (network_obj_job_begin(obj, "re-adopt") < 0)
        return;
    if (network_readopt(obj)) {
        log_info("network '%s': re-adopted as active", obj->name);
    } else {
        log_info("network '%s': its bridge is gone, marking it inactive", obj->name);
        network_stop(obj);
        if (!obj->config)
            network_obj_list_remove(obj);
    }
    network_obj_job_end(obj);
}

static void autostart_all(network_state *state)
{
    g_autoptr(GPtrArray) all = network_obj_list_all(state);

    for (guint i = 0; i < all->len; i++) {
        network_obj *obj = all->pdata[i];
        bool want;

        g_mutex_lock(&state->lock);
        want = obj->autostart && !obj->active;
        g_mutex_unlock(&state->lock);
        if (!want || network_obj_job_begin(obj, "autostart") < 0)
            continue;
        if (network_start(obj) < 0)
            log_warn("network '%s': autostart failed: %s", obj->name,
                     error_last() ? error_last()->message : "?");
        else
            network_obj_emit(obj, VIREO_NETWORK_EVENT_STARTED);
        network_obj_job_end(obj);
    }
    error_reset();
}

static void obj_unref(gpointer p)
{
    network_obj_unref(p);
}

network_state *network_state_open(node_state *node)
{
    network_state *state = g_new0(network_state, 1);
    g_autofree char *config_dir = g_build_filename(node->config_base, "qemu", "networks", NULL);
    g_autofree char *run_dir = g_build_filename(node->run_base, "network", NULL);
    bool first_start = !g_file_test(config_dir, G_FILE_TEST_IS_DIR);

    state->node = node;
    def_files_init(&state->files, "network", VIREO_FROM_NETWORK, config_dir, run_dir);
    g_mutex_init(&state->lock);
    g_mutex_init(&state->add_lock);
    state->nets = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, obj_unref);
    if (def_files_mkdirs(&state->files) < 0) {
        network_state_close(state);
        return NULL;
    }
    def_files_load(&state->files, state->files.config_dir, net_parse, net_name, net_def_free,
                   adopt_config, state);
    def_files_load(&state->files, state->files.run_dir, net_parse, net_name, net_def_free,
                   adopt_run, state);
    network_default_setup(state, first_start);
    autostart_all(state);
    return state;
}

void network_state_close(network_state *state)
{
    g_autoptr(GPtrArray) all = NULL;

    if (!state)
        return;
    /* Let running jobs finish; networks stay as they are (crash-only:
     * the next vireod re-adopts them from their run files). */
    all = network_obj_list_all(state);
    for (guint i = 0; i < all->len; i++)
        if (network_obj_job_begin(all->pdata[i], "shutdown") == 0)
            network_obj_job_end(all->pdata[i]);
    g_clear_pointer(&all, g_ptr_array_unref);
    g_hash_table_destroy(state->nets);
    g_mutex_clear(&state->lock);
    g_mutex_clear(&state->add_lock);
    def_files_clear(&state->files);
    g_free(state);
}
