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

static char *net_file(const char *dir, const char *name)
{
    return g_strdup_printf("%s/%s.xml", dir, name);
}

static int save_def(const char *path, const network_def *def, bool durable)
{
    g_autofree char *xml = network_def_format(def);

    if (!xml)
        return -1;
    if (durable)
        return file_write_atomic(path, xml, strlen(xml), 0600, VIREO_FROM_NETWORK);
    return file_write_runtime(path, xml, strlen(xml), 0600, VIREO_FROM_NETWORK);
}

int network_state_save_config(network_state *state, const network_def *def)
{
    g_autofree char *path = net_file(state->config_dir, def->name);

    return save_def(path, def, true);
}

int network_state_remove_config(network_state *state, const char *name)
{
    g_autofree char *path = net_file(state->config_dir, name);

    if (network_state_set_autostart(state, name, false) < 0)
        return -1;
    return file_remove_durable(path, VIREO_FROM_NETWORK);
}

int network_state_save_run(network_state *state, const network_def *def)
{
    g_autofree char *path = net_file(state->run_dir, def->name);

    return save_def(path, def, false);
}

void network_state_remove_run(network_state *state, const char *name)
{
    g_autofree char *path = net_file(state->run_dir, name);

    if (unlink(path) < 0 && errno != ENOENT)
        log_warn("network '%s': cannot remove '%s': %s", name, path, g_strerror(errno));
}

int network_state_set_autostart(network_state *state, const char *name, bool on)
{
    g_autofree char *link = net_file(state->autostart_dir, name);
    g_autofree char *target = net_file(state->config_dir, name);

    if (on)
        return file_symlink_atomic(target, link, VIREO_FROM_NETWORK);
    return file_remove_durable(link, VIREO_FROM_NETWORK);
}

/* The network defined by file in dir, whose name must match the file's */
static network_def *load_file(const char *dir, const char *file)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_autofree char *xml = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autofree char *expect = g_strndup(file, strlen(file) - 4);
    network_def *def;

    if (!g_file_get_contents(path, &xml, NULL, &gerr)) {
        log_warn("cannot read '%s': %s", path, gerr->message);
        return NULL;
    }
    if (!(def = network_def_parse(xml))) {
        log_warn("ignoring '%s': %s", path, error_last() ? error_last()->message : "invalid");
        return NULL;
    }
    if (strcmp(def->name, expect) != 0) {
        log_warn("ignoring '%s': it defines network '%s'", path, def->name);
        network_def_free(def);
        return NULL;
    }
    return def;
}

/* Each network file of dir, as call(state, def) with def taken */
static void load_dir(network_state *state, const char *dir,
                     void (*call)(network_state *, network_def *))
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *file;

    if (!d)
        return;
    while ((file = g_dir_read_name(d)))
        if (g_str_has_suffix(file, ".xml") && file[0] != '.')
            g_ptr_array_add(names, g_strdup(file));
    for (guint i = 0; i < names->len; i++) {
        network_def *def = load_file(dir, names->pdata[i]);

        if (def)
            call(state, def);
    }
}

static void adopt_config(network_state *state, network_def *def)
{
    g_autofree char *link = net_file(state->autostart_dir, def->name);
    network_obj *obj = network_obj_new(state, def->name, def->uuid);

    obj->config = def;
    obj->autostart = g_file_test(link, G_FILE_TEST_EXISTS);
    network_obj_list_add(obj);
    network_obj_unref(obj);
}

/* A network the previous vireod left running (its run file) */
static void adopt_run(network_state *state, network_def *live)
{
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
    const char *dirs[3];
    bool first_start;

    state->node = node;
    state->config_dir = g_build_filename(node->config_base, "qemu", "networks", NULL);
    state->autostart_dir = g_build_filename(state->config_dir, "autostart", NULL);
    state->run_dir = g_build_filename(node->run_base, "network", NULL);
    g_mutex_init(&state->lock);
    g_mutex_init(&state->add_lock);
    state->nets = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, obj_unref);
    first_start = !g_file_test(state->config_dir, G_FILE_TEST_IS_DIR);
    dirs[0] = state->config_dir;
    dirs[1] = state->autostart_dir;
    dirs[2] = state->run_dir;
    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (g_mkdir_with_parents(dirs[i], 0755) < 0) {
            error_report_system(VIREO_FROM_NETWORK, errno, "cannot create folder '%s'",
                                dirs[i]);
            network_state_close(state);
            return NULL;
        }
        file_remove_leftovers(dirs[i]);
    }
    load_dir(state, state->config_dir, adopt_config);
    load_dir(state, state->run_dir, adopt_run);
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
    g_free(state->config_dir);
    g_free(state->autostart_dir);
    g_free(state->run_dir);
    g_free(state);
}
