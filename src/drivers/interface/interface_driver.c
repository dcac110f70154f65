/*
 * interface_driver.c: the host's interfaces for connections (read-only),
 * answered from /sys/class/net at each call: nothing is cached, so a
 * device that comes or goes is seen at once.
 *
 * As libvirt's udev backend: "active" is an operstate of "up"; a
 * bridge's ports and a bond's slaves are not listed (they appear inside
 * their master's XML) but can be looked up.
 */
#include <string.h>

#include "drivers/driver.h"
#include "drivers/driver_common.h"
#include "drivers/handles.h"
#include "drivers/interface/interface_driver.h"
#include "drivers/interface/interface_priv.h"
#include "util/error.h"
#include "util/mac.h"

static void report_no_name(const char *name)
{
    error_report(VIREO_FROM_INTERFACE, VIREO_ERR_NO_INTERFACE,
                 "couldn't find interface named '%s'", name);
}

static int iface_list_all(vireo_conn *conn, vireo_interface ***ifaces, unsigned int flags)
{
    const unsigned int filters = VIREO_LIST_INTERFACES_ACTIVE | VIREO_LIST_INTERFACES_INACTIVE;
    g_auto(GStrv) names = NULL;
    GPtrArray *found;
    int n;

    if (!driver_flags_ok(VIREO_FROM_INTERFACE, flags, filters, __func__))
        return -1;
    /* neither bit or both: every interface */
    if ((flags & filters) == filters)
        flags = 0;
    names = host_iface_names();
    found = g_ptr_array_new();
    for (int i = 0; names[i]; i++) {
        g_autoptr(host_iface) iface = host_iface_read(names[i]);

        if (!iface || iface->is_port)
            continue;   /* gone meanwhile, or shown inside its master */
        if ((flags & VIREO_LIST_INTERFACES_ACTIVE) && !host_iface_is_up(iface))
            continue;
        if ((flags & VIREO_LIST_INTERFACES_INACTIVE) && host_iface_is_up(iface))
            continue;
        g_ptr_array_add(found, iface_handle_new(conn, iface->name, iface->mac));
    }
    n = (int)found->len;
    if (!ifaces) {
        for (guint i = 0; i < found->len; i++)
            iface_handle_unref(found->pdata[i]);
        g_ptr_array_free(found, TRUE);
        return n;
    }
    g_ptr_array_add(found, NULL);
    *ifaces = (vireo_interface **)g_ptr_array_free(found, FALSE);
    return n;
}

static vireo_interface *iface_lookup_by_name(vireo_conn *conn, const char *name)
{
    g_autofree char *mac = host_iface_mac(name);

    if (!mac) {
        report_no_name(name);
        return NULL;
    }
    return iface_handle_new(conn, name, mac);
}

static vireo_interface *iface_lookup_by_mac_string(vireo_conn *conn, const char *mac)
{
    unsigned char raw[MAC_BUFLEN];
    char want[MAC_STRING_BUFLEN];
    g_auto(GStrv) names = NULL;
    g_autofree char *match = NULL;
    int matches = 0;

    if (mac_parse(mac, raw) == 0) {
        mac_format(raw, want);
        names = host_iface_names();
        /* every device, ports too: a bridge often shares its port's MAC */
        for (int i = 0; names[i]; i++) {
            g_autofree char *m = host_iface_mac(names[i]);

            if (m && strcmp(m, want) == 0 && matches++ == 0)
                match = g_strdup(names[i]);
        }
    }
    if (matches == 0) {
        error_report(VIREO_FROM_INTERFACE, VIREO_ERR_NO_INTERFACE,
                     "couldn't find interface with MAC address '%s'", mac);
        return NULL;
    }
    if (matches > 1) {
        error_report(VIREO_FROM_INTERFACE, VIREO_ERR_MULTIPLE_INTERFACES,
                     "the MAC address %s matches multiple interfaces", mac);
        return NULL;
    }
    return iface_handle_new(conn, match, want);
}

static char *iface_get_xml_desc(vireo_interface *handle, unsigned int flags)
{
    g_autoptr(host_iface) iface = NULL;

    /* INACTIVE: the udev backend has no other definition to show */
    if (!driver_flags_ok(VIREO_FROM_INTERFACE, flags, VIREO_INTERFACE_XML_INACTIVE, __func__))
        return NULL;
    iface = host_iface_read(handle->name);
    if (!iface) {
        report_no_name(handle->name);
        return NULL;
    }
    return host_iface_format(iface);
}

static int iface_is_active(vireo_interface *handle)
{
    g_autoptr(host_iface) iface = host_iface_read(handle->name);

    if (!iface) {
        report_no_name(handle->name);
        return -1;
    }
    return host_iface_is_up(iface) ? 1 : 0;
}

const interface_driver host_interface_driver = {
    .list_all = iface_list_all,
    .lookup_by_name = iface_lookup_by_name,
    .lookup_by_mac_string = iface_lookup_by_mac_string,
    .get_xml_desc = iface_get_xml_desc,
    .is_active = iface_is_active,
};
