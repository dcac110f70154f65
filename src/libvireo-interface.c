/*
 * libvireo-interface.c: the public API for the host's interfaces
 * (read-only), over the connection's iface table (src/drivers/driver.h).
 * Same shape as libvireo-network.c.
 */
#include <string.h>

#include "libvireo-priv.h"

/* ---- handles (leave the thread's error alone, see vireo.h) ---- */

const char *vireo_interface_get_name(vireo_interface *iface)
{
    if (!api_iface_ok(iface, __func__))
        return NULL;
    return iface->name;
}

const char *vireo_interface_get_mac_string(vireo_interface *iface)
{
    if (!api_iface_ok(iface, __func__))
        return NULL;
    return iface->mac;
}

vireo_conn *vireo_interface_get_conn(vireo_interface *iface)
{
    if (!api_iface_ok(iface, __func__))
        return NULL;
    return iface->conn;
}

int vireo_interface_ref(vireo_interface *iface)
{
    if (!api_iface_ok(iface, __func__))
        return -1;
    iface_handle_ref(iface);
    return 0;
}

int vireo_interface_free(vireo_interface *iface)
{
    if (!api_iface_ok(iface, __func__))
        return -1;
    iface_handle_unref(iface);
    return 0;
}

void vireo_interface_list_free(vireo_interface **ifaces)
{
    if (!ifaces)
        return;
    for (size_t i = 0; ifaces[i]; i++)
        iface_handle_unref(ifaces[i]);
    g_free(ifaces);
}

/* ---- lookups, lists and state ---- */

vireo_interface *vireo_interface_lookup_by_name(vireo_conn *conn, const char *name)
{
    API_CONN_IFACE_ENTRY(conn, lookup_by_name, false, NULL);
    if (!name) {
        api_invalid_arg(__func__, "name");
        return NULL;
    }
    return conn->driver->iface->lookup_by_name(conn, name);
}

vireo_interface *vireo_interface_lookup_by_mac_string(vireo_conn *conn, const char *mac)
{
    API_CONN_IFACE_ENTRY(conn, lookup_by_mac_string, false, NULL);
    if (!mac) {
        api_invalid_arg(__func__, "mac");
        return NULL;
    }
    return conn->driver->iface->lookup_by_mac_string(conn, mac);
}

int vireo_conn_list_all_interfaces(vireo_conn *conn, vireo_interface ***ifaces,
                                   unsigned int flags)
{
    API_CONN_IFACE_ENTRY(conn, list_all, false, -1);
    if (!ifaces) {
        api_invalid_arg(__func__, "ifaces");
        return -1;
    }
    *ifaces = NULL;
    return conn->driver->iface->list_all(conn, ifaces, flags);
}

/* As libvirt: the inactive definition is for read-write connections */
char *vireo_interface_get_xml_desc(vireo_interface *iface, unsigned int flags)
{
    API_IFACE_ENTRY(iface, get_xml_desc, flags & VIREO_INTERFACE_XML_INACTIVE, NULL);
    return iface->conn->driver->iface->get_xml_desc(iface, flags);
}

int vireo_interface_is_active(vireo_interface *iface)
{
    API_IFACE_ENTRY(iface, is_active, false, -1);
    return iface->conn->driver->iface->is_active(iface);
}
