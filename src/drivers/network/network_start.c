/*
 * network_start.c: a network's host side: its bridge, addresses,
 * forwarding switches, nftables table, dnsmasq and shaping, made in one
 * function with one undo path, and taken down again.
 *
 * Everything a start can refuse (an active network, hostdev, a missing
 * dnsmasq, a subnet in use, a bridge name taken) is refused before the
 * first change; a failure after it undoes what was made, in reverse, so
 * nothing half-built stays (no bridge, table or dnsmasq).  The caller
 * holds the network's job; the state lock is taken only to read and to
 * publish.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "drivers/network/network_dnsmasq.h"
#include "drivers/network/network_firewall.h"
#include "drivers/network/network_priv.h"
#include "drivers/network/network_tc.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mac.h"
#include "util/netdev.h"

#define LOG_CATEGORY "network.start"

/* What a start made so far (undone in reverse) */
typedef struct start_done {
    bool bridge;
    bool firewall;
    pid_t dnsmasq;
    bool tc;
} start_done;

static bool has_family(const network_def *def, int family)
{
    for (guint i = 0; def->ips && i < def->ips->len; i++)
        if (((network_ip *)def->ips->pdata[i])->family == family)
            return true;
    return false;
}

/* Refusals that change nothing */
static int check_startable(const network_def *def)
{
    if (def->forward == NETWORK_FORWARD_HOSTDEV) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "network '%s': forward mode 'hostdev' is not supported", def->name);
        return -1;
    }
    if (network_mode_has_bridge(def->forward) && dnsmasq_needed(def) && !dnsmasq_binary())
        return -1;
    if (network_mode_has_bridge(def->forward) && def->bridge && netdev_exists(def->bridge)) {
        error_report_system(VIREO_FROM_NETWORK, EEXIST, "error creating bridge interface %s",
                            def->bridge);
        return -1;
    }
    if (def->forward == NETWORK_FORWARD_BRIDGE && def->bridge &&
        !(netdev_exists(def->bridge) && netdev_is_bridge(def->bridge))) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_FAILED,
                     "network '%s': host bridge '%s' does not exist", def->name, def->bridge);
        return -1;
    }
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        network_ip *ip = def->ips->pdata[i];
        g_autofree char *subnet = network_ip_subnet(ip);
        g_autofree char *dev = NULL;

        if (subnet && network_route_in_use(ip->family, subnet, ip->prefix, def->bridge, &dev)) {
            error_report(VIREO_FROM_NETWORK, VIREO_ERR_INTERNAL_ERROR,
                         "Network is already in use by interface %s", dev);
            return -1;
        }
    }
    return 0;
}

/* Whether another running (or starting) network has a subnet of def,
 * with state->lock held */
static const char *subnet_taken_locked(network_obj *obj, const network_def *def)
{
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, obj->state->nets);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        network_obj *other = value;
        const network_def *od = other->active ? other->live : other->starting;

        if (other == obj || !od || !od->ips)
            continue;
        for (guint i = 0; def->ips && i < def->ips->len; i++)
            for (guint j = 0; j < od->ips->len; j++) {
                const network_ip *a = def->ips->pdata[i], *b = od->ips->pdata[j];

                if (a->family == b->family && network_ip_overlaps(a, b))
                    return od->bridge ? od->bridge : od->name;
            }
    }
    return NULL;
}

/* Check the collision with other networks and reserve def's subnets
 * (obj->starting) in one step, so two starts cannot both pass */
static int reserve(network_obj *obj, network_def *def)
{
    network_state *state = obj->state;
    const char *taken;
    int ret = 0;

    g_mutex_lock(&state->lock);
    if (obj->active) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID,
                     "network is already active");
        ret = -1;
    } else if ((taken = subnet_taken_locked(obj, def))) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_INTERNAL_ERROR,
                     "Network is already in use by interface %s", taken);
        ret = -1;
    } else {
        obj->starting = def;
    }
    g_mutex_unlock(&state->lock);
    return ret;
}

static void undo(network_obj *obj, const network_def *def, const start_done *done)
{
    g_autoptr(vireo_error) saved = error_save();

    if (done->tc)
        network_tc_clear(def->bridge);
    if (done->dnsmasq > 0)
        dnsmasq_stop(def->name, obj->state->files.run_dir, done->dnsmasq);
    if (done->firewall)
        network_firewall_remove(def->bridge);
    if (done->bridge && netdev_delete(def->bridge) < 0)
        log_warn("network '%s': cannot delete bridge '%s': %s", def->name, def->bridge,
                 error_last() ? error_last()->message : "?");
    error_restore(g_steal_pointer(&saved));
}

static int make_bridge(const network_def *def, start_done *done)
{
    unsigned char mac[MAC_BUFLEN];
    bool have_mac = def->mac && mac_parse(def->mac, mac) == 0;

    if (netdev_bridge_create(def->bridge, have_mac ? mac : NULL, def->mtu, def->stp != 0,
                             def->delay) < 0)
        return -1;
    done->bridge = true;
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        network_ip *ip = def->ips->pdata[i];

        if (netdev_add_address(def->bridge, ip->address, ip->prefix) < 0)
            return -1;
    }
    return netdev_set_up(def->bridge, true);
}

static int enable_forwarding(const network_def *def)
{
    if (def->forward != NETWORK_FORWARD_NAT && def->forward != NETWORK_FORWARD_ROUTE)
        return 0;
    if (has_family(def, AF_INET) && netdev_sysctl_set("net/ipv4/ip_forward", "1") < 0)
        return -1;
    if (has_family(def, AF_INET6) &&
        netdev_sysctl_set("net/ipv6/conf/all/forwarding", "1") < 0)
        return -1;
    return 0;
}

/* The host side of a network with its own bridge */
static int start_virtual(network_obj *obj, const network_def *def, start_done *done)
{
    if (make_bridge(def, done) < 0 || enable_forwarding(def) < 0)
        return -1;
    if (def->forward != NETWORK_FORWARD_OPEN) {
        if (network_firewall_add(def, def->bridge) < 0)
            return -1;
        done->firewall = true;
    }
    if (dnsmasq_needed(def)) {
        done->dnsmasq = dnsmasq_start(def, def->bridge, obj->state->files.run_dir);
        if (done->dnsmasq < 0) {
            done->dnsmasq = 0;
            return -1;
        }
    }
    if (def->bandwidth) {
        if (network_tc_set(def->bridge, def->bandwidth, false) < 0)
            return -1;
        done->tc = true;
    }
    return 0;
}

int network_start(network_obj *obj)
{
    network_state *state = obj->state;
    network_def *def;
    start_done done = { 0 };
    int rc = 0;

    g_mutex_lock(&state->lock);
    if (obj->active) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID,
                     "network is already active");
        def = NULL;
    } else {
        def = network_def_copy(obj->live ? obj->live : obj->config);
    }
    g_mutex_unlock(&state->lock);
    /* the host checks run without the lock: the job keeps this
     * network's state still, reserve() settles races with others */
    if (!def || check_startable(def) < 0 || reserve(obj, def) < 0) {
        network_def_free(def);
        return -1;
    }
    if (network_mode_has_bridge(def->forward))
        rc = start_virtual(obj, def, &done);
    if (rc == 0)
        rc = network_state_save_run(state, def);
    g_mutex_lock(&state->lock);
    obj->starting = NULL;
    if (rc == 0) {
        /* a transient network's definition is replaced by its copy */
        network_def_free(obj->live);
        obj->live = def;
        obj->active = true;
        obj->dnsmasq_pid = done.dnsmasq;
    }
    g_mutex_unlock(&state->lock);
    if (rc < 0) {
        undo(obj, def, &done);
        network_def_free(def);
        return -1;
    }
    log_info("network '%s': started (bridge %s, dnsmasq %d)", def->name,
             def->bridge ? def->bridge : "-", (int)done.dnsmasq);
    return 0;
}

void network_stop(network_obj *obj)
{
    network_state *state = obj->state;
    network_def *def;
    pid_t pid;

    g_mutex_lock(&state->lock);
    def = obj->live;
    pid = obj->dnsmasq_pid;
    obj->live = NULL;
    obj->active = false;
    obj->dnsmasq_pid = 0;
    /* the guests' ports went with the bridge (libvirt drops them too) */
    g_hash_table_remove_all(obj->ports);
    g_mutex_unlock(&state->lock);
    if (!def)
        return;
    if (network_mode_has_bridge(def->forward) && def->bridge) {
        if (!pid)
            pid = dnsmasq_find(def->name, state->files.run_dir);
        if (pid > 0)
            dnsmasq_stop(def->name, state->files.run_dir, pid);
        if (def->bandwidth && netdev_exists(def->bridge))
            network_tc_clear(def->bridge);
        if (def->forward != NETWORK_FORWARD_OPEN)
            network_firewall_remove(def->bridge);
        if (netdev_exists(def->bridge) && netdev_delete(def->bridge) < 0)
            log_warn("network '%s': cannot delete bridge '%s': %s", def->name, def->bridge,
                     error_last() ? error_last()->message : "?");
    }
    network_state_remove_run(state, def->name);
    log_info("network '%s': stopped", def->name);
    network_def_free(def);
    error_reset();
}

bool network_readopt(network_obj *obj)
{
    network_state *state = obj->state;
    g_autoptr(network_def) def = NULL;
    pid_t pid = 0;

    g_mutex_lock(&state->lock);
    def = network_def_copy(obj->live);
    g_mutex_unlock(&state->lock);
    if (!def)
        return false;
    if (def->forward == NETWORK_FORWARD_BRIDGE || !network_mode_has_bridge(def->forward))
        return true; /* the host's devices: nothing of ours to check */
    if (!def->bridge || !netdev_exists(def->bridge))
        return false;
    /* the table is replaced whole: re-adding is safe and repairs it */
    if (def->forward != NETWORK_FORWARD_OPEN && network_firewall_add(def, def->bridge) < 0)
        log_warn("network '%s': cannot restore its rules: %s", def->name,
                 error_last() ? error_last()->message : "?");
    if (dnsmasq_needed(def)) {
        pid = dnsmasq_find(def->name, state->files.run_dir);
        if (pid <= 0) {
            log_info("network '%s': its dnsmasq is gone, starting it again", def->name);
            pid = dnsmasq_start(def, def->bridge, state->files.run_dir);
            if (pid < 0) {
                log_warn("network '%s': cannot restart dnsmasq: %s", def->name,
                         error_last() ? error_last()->message : "?");
                pid = 0;
            }
        }
    }
    g_mutex_lock(&state->lock);
    obj->dnsmasq_pid = pid;
    g_mutex_unlock(&state->lock);
    error_reset();
    return true;
}
