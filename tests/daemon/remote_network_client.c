/*
 * remote-network-client URI BRIDGE MAC: vireo's own remote driver drives
 * the network, network filter, host interface and guest interface
 * address procedures of a running vireod (URI names its socket), through
 * the public C API: every generated client stub and the hand-written ones
 * (lists, DHCP leases, network events, interface addresses).  BRIDGE is a
 * host bridge with MAC in vireod's network namespace.  Run by
 * tests/daemon/test-wire-network.sh; prints TAP lines, exits non-zero on
 * a failure.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vireo/vireo.h"

#define NET_XML                                                                     \
    "<network><name>rnet</name><bridge name='vrem0'/>"                               \
    "<ip address='10.213.10.1' netmask='255.255.255.0'><dhcp>"                       \
    "<range start='10.213.10.100' end='10.213.10.150'/></dhcp></ip></network>"
#define HOST_XML "<host mac='52:54:00:7a:04:01' name='rh1' ip='10.213.10.11'/>"

static bool err_is(int code)
{
    const vireo_error *e = vireo_error_last();

    if (!e || e->code != code) {
        NOTE("error: code %d, message: %s", e ? e->code : 0,
             e && e->message ? e->message : "(none)");
        return false;
    }
    return true;
}

static bool contains(char *text, const char *part)
{
    bool found = text && strstr(text, part);

    g_free(text);
    return found;
}

/* The lifecycle events one registration received, "name:event" each */
static GString *events_seen;

static void on_lifecycle(vireo_conn *conn, vireo_network *net, int event, int detail,
                         void *opaque)
{
    (void)conn;
    (void)detail;
    (void)opaque;
    g_string_append_printf(events_seen, "%s:%d ", vireo_network_get_name(net), event);
}

static void events_wait(const char *want)
{
    gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (strcmp(events_seen->str, want) != 0 && g_get_monotonic_time() < end)
        vireo_event_run_once(100);
}

static bool names_have(vireo_network **nets, int n, const char *name)
{
    for (int i = 0; i < n; i++) {
        if (!strcmp(vireo_network_get_name(nets[i]), name))
            return true;
    }
    return false;
}

static void check_lists(vireo_conn *conn, bool active)
{
    vireo_network **nets = NULL;
    int n = vireo_conn_list_all_networks(conn, &nets, active ? VIREO_LIST_NETWORKS_ACTIVE
                                                              : VIREO_LIST_NETWORKS_INACTIVE);

    CHECK(n >= 1 && names_have(nets, n, "rnet"), "list_all_networks(%s) lists it",
          active ? "ACTIVE" : "INACTIVE");
    vireo_network_list_free(nets);
    n = vireo_conn_list_all_networks(conn, &nets, active ? VIREO_LIST_NETWORKS_INACTIVE
                                                         : VIREO_LIST_NETWORKS_ACTIVE);
    CHECK(n >= 0 && !names_have(nets, n, "rnet"), "and the other state's list leaves it out");
    vireo_network_list_free(nets);
}

static void check_running(vireo_network *net)
{
    vireo_network_dhcp_lease **leases = NULL;
    int n;

    CHECK(vireo_network_create(net) == 0 && vireo_network_is_active(net) == 1, "create");
    check_lists(vireo_network_get_conn(net), true);
    CHECK(vireo_network_update(net, VIREO_NETWORK_UPDATE_COMMAND_ADD_LAST,
                               VIREO_NETWORK_SECTION_IP_DHCP_HOST, -1, HOST_XML,
                               VIREO_NETWORK_UPDATE_AFFECT_LIVE |
                                   VIREO_NETWORK_UPDATE_AFFECT_CONFIG) == 0 &&
          contains(vireo_network_get_xml_desc(net, 0), "name='rh1'") &&
          contains(vireo_network_get_xml_desc(net, VIREO_NETWORK_XML_INACTIVE), "name='rh1'"),
          "update adds a DHCP host, live and config");
    n = vireo_network_get_dhcp_leases(net, NULL, &leases, 0);
    CHECK(n == 0 && leases == NULL, "get_dhcp_leases: none without guests (%d)", n);
    for (int i = 0; i < n; i++)
        vireo_network_dhcp_lease_free(leases[i]);
    free(leases);
    CHECK(vireo_network_destroy(net) == 0 && vireo_network_is_active(net) == 0, "destroy");
}

static void check_networks(vireo_conn *conn)
{
    vireo_network *net, *again;
    char uuid[VIREO_UUID_STRING_BUFLEN];
    int autostart = -1;
    int cb;

    events_seen = g_string_new("");
    cb = vireo_conn_network_event_register_any(conn, NULL, VIREO_NETWORK_EVENT_ID_LIFECYCLE,
                                               (void (*)(void))on_lifecycle, NULL, NULL);
    CHECK(cb >= 0, "network_event_register_any");
    net = vireo_network_define_xml(conn, NET_XML, 0);
    if (!CHECK(net != NULL, "network_define_xml"))
        return;
    CHECK(vireo_network_is_active(net) == 0 && vireo_network_is_persistent(net) == 1,
          "is_active 0, is_persistent 1");
    check_lists(conn, false);
    CHECK(vireo_network_get_uuid_string(net, uuid) == 0, "get_uuid_string");
    again = vireo_network_lookup_by_uuid_string(conn, uuid);
    CHECK(again && !strcmp(vireo_network_get_name(again), "rnet"), "lookup_by_uuid_string");
    if (again)
        vireo_network_free(again);
    again = vireo_network_lookup_by_name(conn, "rnet");
    CHECK(again != NULL, "lookup_by_name");
    if (again)
        vireo_network_free(again);
    CHECK(vireo_network_lookup_by_name(conn, "nosuch") == NULL && err_is(VIREO_ERR_NO_NETWORK),
          "an unknown network: NO_NETWORK, over the wire");
    CHECK(contains(vireo_network_get_bridge_name(net), "vrem0"), "get_bridge_name");
    CHECK(vireo_network_set_autostart(net, 1) == 0 &&
          vireo_network_get_autostart(net, &autostart) == 0 && autostart == 1,
          "set_autostart / get_autostart");
    vireo_network_set_autostart(net, 0);
    check_running(net);
    CHECK(vireo_network_undefine(net) == 0, "undefine");
    vireo_network_free(net);
    events_wait("rnet:0 rnet:2 rnet:3 rnet:1 ");
    CHECK(!strcmp(events_seen->str, "rnet:0 rnet:2 rnet:3 rnet:1 "),
          "the lifecycle events came, in order: %s", events_seen->str);
    CHECK(cb < 0 || vireo_conn_network_event_deregister_any(conn, cb) == 0,
          "network_event_deregister_any");
    g_string_free(events_seen, TRUE);
}

static void check_nwfilters(vireo_conn *conn)
{
    const char *xml = "<filter name='rfilter' chain='ipv4'><rule action='drop' direction='in' "
                      "priority='400'><tcp dstportstart='23'/></rule></filter>";
    vireo_nwfilter **filters = NULL;
    vireo_nwfilter *f, *again;
    bool builtin = false;
    int n = vireo_conn_list_all_nwfilters(conn, &filters, 0);

    for (int i = 0; i < n; i++)
        builtin |= !strcmp(vireo_nwfilter_get_name(filters[i]), "clean-traffic");
    CHECK(n > 0 && builtin, "list_all_nwfilters has clean-traffic");
    vireo_nwfilter_list_free(filters);
    f = vireo_nwfilter_define_xml(conn, xml, 0);
    if (!CHECK(f != NULL, "nwfilter_define_xml"))
        return;
    again = vireo_nwfilter_lookup_by_name(conn, "rfilter");
    CHECK(again && contains(vireo_nwfilter_get_xml_desc(again, 0), "23"),
          "lookup_by_name, get_xml_desc");
    if (again)
        vireo_nwfilter_free(again);
    CHECK(vireo_nwfilter_undefine(f) == 0, "nwfilter_undefine");
    vireo_nwfilter_free(f);
    CHECK(vireo_nwfilter_lookup_by_name(conn, "rfilter") == NULL &&
          err_is(VIREO_ERR_NO_NWFILTER), "an unknown filter: NO_NWFILTER");
}

static void check_interfaces(vireo_conn *conn, const char *bridge, const char *mac)
{
    vireo_interface **ifaces = NULL;
    vireo_interface *iface;
    bool seen = false;
    int n = vireo_conn_list_all_interfaces(conn, &ifaces, 0);

    for (int i = 0; i < n; i++)
        seen |= !strcmp(vireo_interface_get_name(ifaces[i]), bridge);
    CHECK(n >= 2 && seen, "list_all_interfaces has %s", bridge);
    vireo_interface_list_free(ifaces);
    iface = vireo_interface_lookup_by_mac_string(conn, mac);
    CHECK(iface && !strcmp(vireo_interface_get_name(iface), bridge) &&
          vireo_interface_is_active(iface) == 1 &&
          contains(vireo_interface_get_xml_desc(iface, 0), bridge),
          "lookup_by_mac_string, is_active, get_xml_desc");
    if (iface)
        vireo_interface_free(iface);
    CHECK(vireo_interface_lookup_by_name(conn, "nosuch0") == NULL &&
          err_is(VIREO_ERR_NO_INTERFACE), "an unknown interface: NO_INTERFACE");
}

int main(int argc, char **argv)
{
    vireo_conn *conn;

    if (argc != 4) {
        fprintf(stderr, "usage: remote-network-client URI BRIDGE MAC\n");
        return 2;
    }
    conn = vireo_conn_open(argv[1]);
    if (!CHECK(conn != NULL, "the remote driver connects to %s", argv[1]))
        return check_exit();
    check_networks(conn);
    check_nwfilters(conn);
    check_interfaces(conn, argv[2], argv[3]);
    vireo_conn_close(conn);
    return check_exit();
}
