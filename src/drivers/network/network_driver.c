/*
 * network_driver.c: network_node_driver, the node's networks for
 * connections.  The entries here only read (lookups, lists, XML, info,
 * leases) and never wait for a network's job; the changing ones are in
 * network_driver_change.c.
 */
#include <string.h>

#include "drivers/driver_common.h"
#include "drivers/event.h"
#include "drivers/network/network_priv.h"
#include "util/error.h"
#include "util/mac.h"

static network_state *conn_state(vireo_conn *conn)
{
    return conn->node->networks;
}

/* One flag pair: neither or both set does not filter */
static bool pair_ok(unsigned int flags, unsigned int a, unsigned int b, bool value)
{
    if (!(flags & (a | b)) || (flags & (a | b)) == (a | b))
        return true;
    return (flags & a) ? value : !value;
}

/* with state->lock held */
static bool list_match(const network_obj *obj, unsigned int flags)
{
    return pair_ok(flags, VIREO_LIST_NETWORKS_ACTIVE, VIREO_LIST_NETWORKS_INACTIVE,
                   obj->active) &&
           pair_ok(flags, VIREO_LIST_NETWORKS_PERSISTENT, VIREO_LIST_NETWORKS_TRANSIENT,
                   obj->config != NULL) &&
           pair_ok(flags, VIREO_LIST_NETWORKS_AUTOSTART, VIREO_LIST_NETWORKS_NO_AUTOSTART,
                   obj->autostart);
}

static int net_list_all(vireo_conn *conn, vireo_network ***nets, unsigned int flags)
{
    network_state *state = conn_state(conn);
    unsigned int allowed = (VIREO_LIST_NETWORKS_NO_AUTOSTART << 1) - 1;
    g_autoptr(GPtrArray) all = NULL;
    GPtrArray *out;
    int n;

    if (!driver_flags_ok(VIREO_FROM_NETWORK, flags, allowed, __func__))
        return -1;
    all = network_obj_list_all(state);
    out = g_ptr_array_new();
    g_mutex_lock(&state->lock);
    for (guint i = 0; i < all->len; i++) {
        network_obj *obj = all->pdata[i];

        if (obj->listed && list_match(obj, flags))
            g_ptr_array_add(out, obj);
    }
    g_mutex_unlock(&state->lock);
    n = (int)out->len;
    if (!nets) {
        g_ptr_array_free(out, TRUE);
        return n;
    }
    for (guint i = 0; i < out->len; i++)
        out->pdata[i] = network_obj_handle(conn, out->pdata[i]);
    g_ptr_array_add(out, NULL);
    *nets = (vireo_network **)g_ptr_array_free(out, FALSE);
    return n;
}

static vireo_network *net_lookup_by_name(vireo_conn *conn, const char *name)
{
    g_autoptr(network_obj) obj = network_obj_find(conn_state(conn), name);

    return obj ? network_obj_handle(conn, obj) : NULL;
}

static vireo_network *net_lookup_by_uuid(vireo_conn *conn, const unsigned char *uuid)
{
    g_autoptr(network_obj) obj = network_obj_find_uuid(conn_state(conn), uuid, NULL);

    return obj ? network_obj_handle(conn, obj) : NULL;
}

static network_obj *obj_of(vireo_network *net)
{
    return network_obj_find_uuid(conn_state(net->conn), net->uuid, net->name);
}

/* libvirt shows the guests plugged in as connections='N' on <network> */
static char *add_connections(char *xml, guint ports)
{
    char *out;

    if (!xml || ports == 0 || !g_str_has_prefix(xml, "<network"))
        return xml;
    out = g_strdup_printf("<network connections='%u'%s", ports, xml + strlen("<network"));
    g_free(xml);
    return out;
}

static char *net_get_xml_desc(vireo_network *net, unsigned int flags)
{
    g_autoptr(network_obj) obj = obj_of(net);
    g_autoptr(network_def) def = NULL;
    bool inactive = flags & VIREO_NETWORK_XML_INACTIVE;
    guint ports = 0;

    if (!obj || !driver_flags_ok(VIREO_FROM_NETWORK, flags, VIREO_NETWORK_XML_INACTIVE, __func__))
        return NULL;
    if (!(def = network_obj_def_copy(obj, inactive)))
        return NULL;
    g_mutex_lock(&obj->state->lock);
    if (obj->active && !(inactive && obj->config))
        ports = g_hash_table_size(obj->ports);
    g_mutex_unlock(&obj->state->lock);
    return add_connections(network_def_format(def), ports);
}

static char *net_get_bridge_name(vireo_network *net)
{
    g_autoptr(network_obj) obj = obj_of(net);
    g_autoptr(network_def) def = obj ? network_obj_def_copy(obj, false) : NULL;

    if (!def)
        return NULL;
    if (!def->bridge) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_INTERNAL_ERROR,
                     "network '%s' does not have a bridge name.", def->name);
        return NULL;
    }
    return g_strdup(def->bridge);
}

static int net_get_autostart(vireo_network *net, int *autostart)
{
    g_autoptr(network_obj) obj = obj_of(net);

    if (!obj)
        return -1;
    g_mutex_lock(&obj->state->lock);
    *autostart = obj->autostart;
    g_mutex_unlock(&obj->state->lock);
    return 0;
}

static int net_is_active(vireo_network *net)
{
    g_autoptr(network_obj) obj = obj_of(net);

    return obj ? network_obj_is_active(obj) : -1;
}

static int net_is_persistent(vireo_network *net)
{
    g_autoptr(network_obj) obj = obj_of(net);
    int persistent;

    if (!obj)
        return -1;
    g_mutex_lock(&obj->state->lock);
    persistent = obj->config != NULL;
    g_mutex_unlock(&obj->state->lock);
    return persistent;
}

static int net_get_dhcp_leases(vireo_network *net, const char *mac,
                               vireo_network_dhcp_lease ***leases, unsigned int flags)
{
    g_autoptr(network_obj) obj = obj_of(net);
    g_autoptr(GPtrArray) out = NULL;
    g_autofree char *lower = NULL;
    unsigned char bytes[MAC_BUFLEN];
    int n;

    if (!obj || !driver_flags_ok(VIREO_FROM_NETWORK, flags, 0, __func__))
        return -1;
    if (mac) {
        if (mac_parse(mac, bytes) < 0) {
            error_report(VIREO_FROM_NETWORK, VIREO_ERR_INVALID_MAC,
                         "unable to parse mac '%s'", mac);
            return -1;
        }
        lower = g_ascii_strdown(mac, -1);
    }
    out = g_ptr_array_new_with_free_func(dhcp_lease_free);
    if (network_obj_leases(obj, lower, out) < 0)
        return -1;
    n = (int)out->len;
    if (leases) {
        *leases = n ? g_new(vireo_network_dhcp_lease *, n) : NULL;
        for (int i = 0; i < n; i++)
            (*leases)[i] = g_ptr_array_steal_index(out, 0);
    }
    return n;
}

static int net_event_register_any(vireo_conn *conn, vireo_network *net, int event_id,
                                  void (*cb)(void), void *opaque, vireo_free_cb freecb)
{
    return event_register_network(conn, conn->node, net, event_id, cb, opaque, freecb);
}

const network_driver network_node_driver = {
    .list_all = net_list_all,
    .lookup_by_name = net_lookup_by_name,
    .lookup_by_uuid = net_lookup_by_uuid,
    .define_xml = network_driver_define_xml,
    .create_xml = network_driver_create_xml,
    .undefine = network_driver_undefine,
    .create = network_driver_create,
    .destroy = network_driver_destroy,
    .get_xml_desc = net_get_xml_desc,
    .get_bridge_name = net_get_bridge_name,
    .get_autostart = net_get_autostart,
    .set_autostart = network_driver_set_autostart,
    .is_active = net_is_active,
    .is_persistent = net_is_persistent,
    .update = network_driver_update,
    .get_dhcp_leases = net_get_dhcp_leases,
    .event_register_any = net_event_register_any,
    .event_deregister_any = event_deregister,
};
