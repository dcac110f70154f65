/*
 * network_port.c: guest interfaces plugged into networks (see
 * network_port.h).  A port is an entry in its network's port table,
 * keyed by its UUID, holding the host device it was given in the direct
 * modes (so the next port goes to the least used one).  Taken under the
 * state lock only: a guest start never waits for a network's job.
 */
#include <string.h>

#include "drivers/network/network_dnsmasq.h"
#include "drivers/network/network_port.h"
#include "drivers/network/network_priv.h"
#include "util/error.h"
#include "util/mac.h"
#include "util/uuid.h"

void network_port_free(network_port *port)
{
    if (!port)
        return;
    g_free(port->network);
    g_free(port->bridge);
    g_free(port->dev);
    g_free(port->mode);
    bandwidth_free(port->bandwidth);
    g_free(port);
}

static const char *direct_mode(network_forward_mode mode)
{
    switch (mode) {
    case NETWORK_FORWARD_PRIVATE:
        return "private";
    case NETWORK_FORWARD_VEPA:
        return "vepa";
    case NETWORK_FORWARD_PASSTHROUGH:
        return "passthrough";
    default:
        return "bridge";
    }
}

/* How many ports of obj use dev, with state->lock held */
static guint dev_uses_locked(network_obj *obj, const char *dev)
{
    GHashTableIter it;
    gpointer value;
    guint n = 0;

    g_hash_table_iter_init(&it, obj->ports);
    while (g_hash_table_iter_next(&it, NULL, &value))
        if (value && strcmp(value, dev) == 0)
            n++;
    return n;
}

/* The host device for a direct port: the least used of the pool (an
 * unused one for passthrough), with state->lock held */
static char *direct_dev_locked(network_obj *obj, const network_def *def)
{
    const char *best = NULL;
    guint best_uses = G_MAXUINT;
    g_autoptr(GPtrArray) pool = g_ptr_array_new();

    for (guint i = 0; def->forward_ifaces && i < def->forward_ifaces->len; i++)
        g_ptr_array_add(pool, def->forward_ifaces->pdata[i]);
    if (pool->len == 0 && def->forward_dev)
        g_ptr_array_add(pool, def->forward_dev);
    for (guint i = 0; i < pool->len; i++) {
        guint uses = dev_uses_locked(obj, pool->pdata[i]);

        if (uses < best_uses) {
            best = pool->pdata[i];
            best_uses = uses;
        }
    }
    if (!best) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_INTERNAL_ERROR,
                     "network '%s' uses a direct mode, but has no forward dev and no "
                     "interface pool", def->name);
        return NULL;
    }
    if (def->forward == NETWORK_FORWARD_PASSTHROUGH && best_uses > 0) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_INTERNAL_ERROR,
                     "network '%s' requires exclusive access to interfaces, but none are "
                     "available", def->name);
        return NULL;
    }
    return g_strdup(best);
}

/* The bandwidth of portgroup (NULL: the default portgroup's) */
static int port_bandwidth(const network_def *def, const char *portgroup,
                          vireo_bandwidth **out)
{
    *out = NULL;
    for (guint i = 0; def->portgroups && i < def->portgroups->len; i++) {
        network_portgroup *pg = def->portgroups->pdata[i];

        if (portgroup ? strcmp(pg->name, portgroup) == 0 : pg->is_default) {
            *out = pg->bandwidth ? bandwidth_copy(pg->bandwidth) : NULL;
            return 0;
        }
    }
    if (portgroup) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_INTERNAL_ERROR,
                     "Cannot find portgroup '%s' in network '%s'", portgroup, def->name);
        return -1;
    }
    return 0;
}

/* Fill port from the live definition and count it, with state->lock held */
static int port_fill_locked(network_obj *obj, network_port *port, const char *portgroup)
{
    const network_def *def = obj->live;
    char *dev = NULL;

    if (network_mode_has_bridge(def->forward) ||
        (def->forward == NETWORK_FORWARD_BRIDGE && def->bridge)) {
        port->kind = NETWORK_PORT_BRIDGE;
        port->bridge = g_strdup(def->bridge);
    } else {
        if (!(dev = direct_dev_locked(obj, def)))
            return -1;
        port->kind = NETWORK_PORT_DIRECT;
        port->dev = g_strdup(dev);
        port->mode = g_strdup(direct_mode(def->forward));
    }
    port->mtu = def->mtu;
    if (port_bandwidth(def, portgroup, &port->bandwidth) < 0) {
        g_free(dev);
        return -1;
    }
    g_hash_table_replace(obj->ports, g_bytes_new(port->uuid, VIREO_UUID_BUFLEN), dev);
    return 0;
}

static network_port *port_plug(node_state *node, const char *network, const char *portgroup,
                               const unsigned char *port_uuid)
{
    g_autoptr(network_obj) obj = network_obj_find(node->networks, network);
    network_port *port;
    int rc;

    if (!obj)
        return NULL;
    port = g_new0(network_port, 1);
    port->network = g_strdup(network);
    if (port_uuid)
        memcpy(port->uuid, port_uuid, VIREO_UUID_BUFLEN);
    else
        uuid_generate(port->uuid);
    g_mutex_lock(&obj->state->lock);
    if (!obj->active || !obj->live) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_INVALID,
                     "network '%s' is not active", network);
        rc = -1;
    } else {
        rc = port_fill_locked(obj, port, portgroup);
    }
    g_mutex_unlock(&obj->state->lock);
    if (rc < 0) {
        network_port_free(port);
        return NULL;
    }
    return port;
}

network_port *network_port_acquire(node_state *node, const char *network,
                                   const char *portgroup, const unsigned char mac[6],
                                   const char *dom_name, const unsigned char dom_uuid[16])
{
    (void)mac;
    (void)dom_name;
    (void)dom_uuid;
    return port_plug(node, network, portgroup, NULL);
}

network_port *network_port_reacquire(node_state *node, const char *network,
                                     const unsigned char port_uuid[16],
                                     const unsigned char mac[6], const char *dom_name,
                                     const unsigned char dom_uuid[16])
{
    (void)mac;
    (void)dom_name;
    (void)dom_uuid;
    return port_plug(node, network, NULL, port_uuid);
}

void network_port_release(node_state *node, network_port *port)
{
    g_autoptr(network_obj) obj = NULL;
    g_autoptr(GBytes) key = NULL;

    if (!port)
        return;
    obj = node && node->networks ? network_obj_lookup(node->networks, port->network) : NULL;
    if (obj) {
        key = g_bytes_new(port->uuid, VIREO_UUID_BUFLEN);
        g_mutex_lock(&obj->state->lock);
        g_hash_table_remove(obj->ports, key);
        g_mutex_unlock(&obj->state->lock);
    }
    network_port_free(port);
}

/* The active network's leases (mac NULL: all) into out; none when it is
 * not active or has no DHCP */
int network_obj_leases(network_obj *obj, const char *mac, GPtrArray *out)
{
    g_autoptr(network_def) def = NULL;

    g_mutex_lock(&obj->state->lock);
    if (obj->active && obj->live)
        def = network_def_copy(obj->live);
    g_mutex_unlock(&obj->state->lock);
    if (!def || !network_mode_has_bridge(def->forward) || !dnsmasq_needed(def))
        return 0;
    return dnsmasq_leases_read(def->name, obj->state->files.run_dir, def->bridge, mac, out);
}

int network_leases_for_mac(node_state *node, const char *network, const unsigned char mac[6],
                           GPtrArray *out)
{
    g_autoptr(network_obj) obj = network_obj_lookup(node->networks, network);
    char text[MAC_STRING_BUFLEN];

    if (!obj)
        return 0;
    mac_format(mac, text);
    return network_obj_leases(obj, text, out);
}
