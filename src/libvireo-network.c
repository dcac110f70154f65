/*
 * libvireo-network.c: the public API for virtual networks, over the
 * connection's network table (src/drivers/driver.h).
 *
 * Same shape as libvireo-storage.c: handles are checked here, the
 * driver finds the network again by UUID and reports NO_NETWORK naming
 * it when it is gone.
 */
#include <stdlib.h>
#include <string.h>

#include "libvireo-priv.h"
#include "util/uuid.h"

/* ---- handles (leave the thread's error alone, see vireo.h) ---- */

const char *vireo_network_get_name(vireo_network *net)
{
    if (!api_network_ok(net, __func__))
        return NULL;
    return net->name;
}

int vireo_network_get_uuid(vireo_network *net, unsigned char uuid[VIREO_UUID_BUFLEN])
{
    if (!api_network_ok(net, __func__))
        return -1;
    if (!uuid) {
        api_invalid_arg(__func__, "uuid");
        return -1;
    }
    memcpy(uuid, net->uuid, VIREO_UUID_BUFLEN);
    return 0;
}

int vireo_network_get_uuid_string(vireo_network *net, char buf[VIREO_UUID_STRING_BUFLEN])
{
    if (!api_network_ok(net, __func__))
        return -1;
    if (!buf) {
        api_invalid_arg(__func__, "buf");
        return -1;
    }
    uuid_format(net->uuid, buf);
    return 0;
}

vireo_conn *vireo_network_get_conn(vireo_network *net)
{
    if (!api_network_ok(net, __func__))
        return NULL;
    return net->conn;
}

int vireo_network_ref(vireo_network *net)
{
    if (!api_network_ok(net, __func__))
        return -1;
    network_handle_ref(net);
    return 0;
}

int vireo_network_free(vireo_network *net)
{
    if (!api_network_ok(net, __func__))
        return -1;
    network_handle_unref(net);
    return 0;
}

void vireo_network_list_free(vireo_network **nets)
{
    if (!nets)
        return;
    for (size_t i = 0; nets[i]; i++)
        network_handle_unref(nets[i]);
    g_free(nets);
}

void vireo_network_dhcp_lease_free(vireo_network_dhcp_lease *lease)
{
    dhcp_lease_free(lease);
}

/* ---- lookups and lists ---- */

vireo_network *vireo_network_lookup_by_name(vireo_conn *conn, const char *name)
{
    API_CONN_NETWORK_ENTRY(conn, lookup_by_name, false, NULL);
    if (!name) {
        api_invalid_arg(__func__, "name");
        return NULL;
    }
    return conn->driver->network->lookup_by_name(conn, name);
}

vireo_network *vireo_network_lookup_by_uuid(vireo_conn *conn,
                                            const unsigned char uuid[VIREO_UUID_BUFLEN])
{
    API_CONN_NETWORK_ENTRY(conn, lookup_by_uuid, false, NULL);
    if (!uuid) {
        api_invalid_arg(__func__, "uuid");
        return NULL;
    }
    return conn->driver->network->lookup_by_uuid(conn, uuid);
}

vireo_network *vireo_network_lookup_by_uuid_string(vireo_conn *conn, const char *uuidstr)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];

    API_CONN_NETWORK_ENTRY(conn, lookup_by_uuid, false, NULL);
    if (api_uuid_parse(uuidstr, uuid, __func__) < 0)
        return NULL;
    return conn->driver->network->lookup_by_uuid(conn, uuid);
}

int vireo_conn_list_all_networks(vireo_conn *conn, vireo_network ***nets, unsigned int flags)
{
    API_CONN_NETWORK_ENTRY(conn, list_all, false, -1);
    if (!nets) {
        api_invalid_arg(__func__, "nets");
        return -1;
    }
    *nets = NULL;
    return conn->driver->network->list_all(conn, nets, flags);
}

/* ---- definition and lifecycle ---- */

vireo_network *vireo_network_define_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    API_CONN_NETWORK_ENTRY(conn, define_xml, true, NULL);
    if (!xml) {
        api_invalid_arg(__func__, "xml");
        return NULL;
    }
    return conn->driver->network->define_xml(conn, xml, flags);
}

vireo_network *vireo_network_create_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    API_CONN_NETWORK_ENTRY(conn, create_xml, true, NULL);
    if (!xml) {
        api_invalid_arg(__func__, "xml");
        return NULL;
    }
    return conn->driver->network->create_xml(conn, xml, flags);
}

int vireo_network_undefine(vireo_network *net)
{
    API_NETWORK_ENTRY(net, undefine, true, -1);
    return net->conn->driver->network->undefine(net);
}

int vireo_network_create(vireo_network *net)
{
    API_NETWORK_ENTRY(net, create, true, -1);
    return net->conn->driver->network->create(net);
}

int vireo_network_destroy(vireo_network *net)
{
    API_NETWORK_ENTRY(net, destroy, true, -1);
    return net->conn->driver->network->destroy(net);
}

int vireo_network_update(vireo_network *net, unsigned int command, unsigned int section,
                         int parent_index, const char *xml, unsigned int flags)
{
    API_NETWORK_ENTRY(net, update, true, -1);
    if (!xml) {
        api_invalid_arg(__func__, "xml");
        return -1;
    }
    return net->conn->driver->network->update(net, command, section, parent_index, xml, flags);
}

int vireo_network_set_autostart(vireo_network *net, int autostart)
{
    API_NETWORK_ENTRY(net, set_autostart, true, -1);
    return net->conn->driver->network->set_autostart(net, autostart);
}

/* ---- state ---- */

char *vireo_network_get_xml_desc(vireo_network *net, unsigned int flags)
{
    API_NETWORK_ENTRY(net, get_xml_desc, false, NULL);
    return net->conn->driver->network->get_xml_desc(net, flags);
}

char *vireo_network_get_bridge_name(vireo_network *net)
{
    API_NETWORK_ENTRY(net, get_bridge_name, false, NULL);
    return net->conn->driver->network->get_bridge_name(net);
}

int vireo_network_get_autostart(vireo_network *net, int *autostart)
{
    API_NETWORK_ENTRY(net, get_autostart, false, -1);
    if (!autostart) {
        api_invalid_arg(__func__, "autostart");
        return -1;
    }
    return net->conn->driver->network->get_autostart(net, autostart);
}

int vireo_network_is_active(vireo_network *net)
{
    API_NETWORK_ENTRY(net, is_active, false, -1);
    return net->conn->driver->network->is_active(net);
}

int vireo_network_is_persistent(vireo_network *net)
{
    API_NETWORK_ENTRY(net, is_persistent, false, -1);
    return net->conn->driver->network->is_persistent(net);
}

/* leases NULL: only the count (libvirt allows it) */
int vireo_network_get_dhcp_leases(vireo_network *net, const char *mac,
                                  vireo_network_dhcp_lease ***leases, unsigned int flags)
{
    vireo_network_dhcp_lease **got = NULL;
    int n;

    API_NETWORK_ENTRY(net, get_dhcp_leases, false, -1);
    if (leases)
        *leases = NULL;
    n = net->conn->driver->network->get_dhcp_leases(net, mac, &got, flags);
    if (n > 0 && leases) {
        *leases = got;
        return n;
    }
    for (int i = 0; got && i < n; i++)
        vireo_network_dhcp_lease_free(got[i]);
    g_free(got);
    return n;
}

/* ---- events ---- */

/* As vireo_conn_storage_pool_event_register_any (libvireo-events-storage.c). */
int vireo_conn_network_event_register_any(vireo_conn *conn, vireo_network *net, int event_id,
                                          void (*cb)(void), void *opaque, vireo_free_cb freecb)
{
    API_CONN_NETWORK_ENTRY(conn, event_register_any, false, -1);
    if (net && !api_network_ok(net, __func__))
        return -1;
    if (net && net->conn != conn) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "network '%s' in %s belongs to another connection", net->name, __func__);
        return -1;
    }
    if (!cb) {
        api_invalid_arg(__func__, "cb");
        return -1;
    }
    return conn->driver->network->event_register_any(conn, net, event_id, cb, opaque, freecb);
}

int vireo_conn_network_event_deregister_any(vireo_conn *conn, int callback_id)
{
    API_CONN_NETWORK_ENTRY(conn, event_deregister_any, false, -1);
    if (callback_id < 0) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG, "callback_id in %s must be >= 0",
                     __func__);
        return -1;
    }
    return conn->driver->network->event_deregister_any(conn, callback_id);
}
