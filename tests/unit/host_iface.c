/*
 * host_iface.c: the host interface driver (src/drivers/interface/) on
 * real devices: in a network namespace of the test's own (with a fresh
 * sysfs mounted in a mount namespace of its own, as `ip netns exec`
 * does) a bridge with a veth port, the veth's peer, a second bridge
 * sharing a MAC, and lo.  Listing with the active/inactive filters,
 * types, lookups by name and MAC, the XML against interface.rng.
 */
#define _GNU_SOURCE   /* unshare */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "check.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "drivers/interface/interface_driver.h"
#include "util/error.h"

static const interface_driver *drv = &host_interface_driver;
static const char schema[] = "/usr/share/libvirt/schemas/interface.rng";

static bool run(const char *cmd)
{
    return system(cmd) == 0;
}

/* A private network namespace whose devices /sys/class/net shows */
static bool enter_namespace(void)
{
    if (geteuid() != 0 || unshare(CLONE_NEWNET | CLONE_NEWNS) < 0)
        return false;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return false;
    return mount("sysfs", "/sys", "sysfs", 0, NULL) == 0;
}

static bool validates(const char *xml, const char *what)
{
    g_autofree char *path = g_strdup_printf("/tmp/vireo-iface-%d.xml", (int)getpid());
    g_autofree char *cmd = g_strdup_printf("xmllint --noout --relaxng %s %s >/dev/null 2>&1",
                                           schema, path);
    bool ok;

    if (!g_file_test(schema, G_FILE_TEST_EXISTS)) {
        SKIP(what, "libvirt's interface.rng is not installed");
        return true;
    }
    g_file_set_contents(path, xml, -1, NULL);
    ok = run(cmd);
    unlink(path);
    CHECK(ok, "%s", what);
    if (!ok)
        NOTE("%s", xml);
    return ok;
}

/* The names listed with flags, space separated (new string) */
static char *list_names(vireo_conn *conn, unsigned int flags)
{
    vireo_interface **ifaces = NULL;
    GString *s = g_string_new(NULL);
    int n = drv->list_all(conn, &ifaces, flags);

    for (int i = 0; i < n; i++) {
        g_string_append_printf(s, "%s%s", i ? " " : "", ifaces[i]->name);
        iface_handle_unref(ifaces[i]);
    }
    g_free(ifaces);
    if (n < 0)
        g_string_assign(s, "ERROR");
    return g_string_free(s, FALSE);
}

static char *xml_of(vireo_conn *conn, const char *name)
{
    vireo_interface *iface = drv->lookup_by_name(conn, name);
    char *xml;

    if (!iface)
        return NULL;
    xml = drv->get_xml_desc(iface, 0);
    iface_handle_unref(iface);
    return xml;
}

static void test_devices(vireo_conn *conn)
{
    g_autofree char *all = NULL, *up = NULL, *down = NULL, *xml = NULL;
    vireo_interface *iface;
    const vireo_error *e;

    all = list_names(conn, 0);
    CHECK(strcmp(all, "br-t0 br-t1 lo vp1") == 0,
          "list: bridges, lo and the free veth, sorted; the bridge port is not listed (%s)", all);
    up = list_names(conn, VIREO_LIST_INTERFACES_ACTIVE);
    CHECK(strcmp(up, "br-t0 vp1") == 0,
          "ACTIVE: operstate up (the bridge with a live port, the veth) (%s)", up);
    down = list_names(conn, VIREO_LIST_INTERFACES_INACTIVE);
    CHECK(strcmp(down, "br-t1 lo") == 0,
          "INACTIVE: the rest; lo's operstate is 'unknown', as libvirt (%s)", down);
    g_free(all);
    all = list_names(conn, VIREO_LIST_INTERFACES_ACTIVE | VIREO_LIST_INTERFACES_INACTIVE);
    CHECK(strcmp(all, "br-t0 br-t1 lo vp1") == 0, "both filters: every interface");

    xml = xml_of(conn, "br-t0");
    CHECK(xml && g_str_has_prefix(xml, "<interface type='bridge' name='br-t0'>\n"
                                       "  <mtu size='1400'/>\n"
                                       "  <bridge stp='off' delay='") &&
              strstr(xml, "    <interface type='ethernet' name='vp0'>\n"
                          "      <link speed='10000' state='up'/>\n"
                          "      <mac address='52:54:00:77:00:10'/>\n"
                          "    </interface>\n  </bridge>\n</interface>\n"),
          "a bridge: its MTU, stp, delay and its port with link and MAC");
    if (xml)
        validates(xml, "the bridge's XML validates against interface.rng");
    g_free(xml);
    xml = xml_of(conn, "vp1");
    CHECK(xml && strcmp(xml, "<interface type='ethernet' name='vp1'>\n"
                             "  <mtu size='1400'/>\n"
                             "  <link speed='10000' state='up'/>\n"
                             "  <mac address='52:54:00:77:00:11'/>\n"
                             "</interface>\n") == 0,
          "an ethernet device: mtu, link speed and state, MAC");
    if (xml)
        validates(xml, "the veth's XML validates");
    g_free(xml);
    xml = xml_of(conn, "lo");
    CHECK(xml && strcmp(xml, "<interface type='ethernet' name='lo'>\n"
                             "  <mtu size='65536'/>\n"
                             "  <link state='unknown'/>\n"
                             "  <mac address='00:00:00:00:00:00'/>\n"
                             "</interface>\n") == 0,
          "lo as libvirt shows it");
    if (xml)
        validates(xml, "lo's XML validates");
    g_free(xml);
    xml = xml_of(conn, "br-t1");
    if (xml)
        validates(xml, "an empty, down bridge's XML validates");

    iface = drv->lookup_by_name(conn, "vp0");
    CHECK(iface && strcmp(iface->mac, "52:54:00:77:00:10") == 0,
          "a bridge port is found by name, with its MAC");
    CHECK(iface && drv->is_active(iface) == 1, "and is active");
    if (iface)
        iface_handle_unref(iface);
    iface = drv->lookup_by_name(conn, "br-t1");
    CHECK(iface && drv->is_active(iface) == 0, "a down bridge is inactive");
    if (iface)
        iface_handle_unref(iface);

    error_reset();
    CHECK(!drv->lookup_by_name(conn, "nosuch0"), "an unknown name is not found");
    e = error_last();
    CHECK(e && e->code == VIREO_ERR_NO_INTERFACE && e->domain == VIREO_FROM_INTERFACE &&
              strcmp(e->message, "Interface not found: couldn't find interface named 'nosuch0'") == 0,
          "NO_INTERFACE with libvirt's text (%s)", e ? e->message : "");
    error_reset();
    CHECK(!drv->lookup_by_name(conn, "../lo"), "a name with '/' is not found");

    iface = drv->lookup_by_mac_string(conn, "52:54:00:77:00:11");
    CHECK(iface && strcmp(iface->name, "vp1") == 0, "lookup by MAC finds the veth");
    if (iface)
        iface_handle_unref(iface);
    iface = drv->lookup_by_mac_string(conn, "52:54:00:77:00:1F");
    CHECK(iface && strcmp(iface->name, "br-t1") == 0 &&
              strcmp(iface->mac, "52:54:00:77:00:1f") == 0,
          "lookup by MAC ignores case and answers it in lower case");
    if (iface)
        iface_handle_unref(iface);
    error_reset();
    CHECK(!drv->lookup_by_mac_string(conn, "52:54:00:77:00:20"), "a shared MAC is refused");
    e = error_last();
    CHECK(e && e->code == VIREO_ERR_MULTIPLE_INTERFACES && strstr(e->message, "52:54:00:77:00:20"),
          "with MULTIPLE_INTERFACES naming the MAC (%s)", e ? e->message : "");
    error_reset();
    CHECK(!drv->lookup_by_mac_string(conn, "52:54:00:00:00:99"), "an unknown MAC is not found");
    e = error_last();
    CHECK(e && e->code == VIREO_ERR_NO_INTERFACE &&
              strstr(e->message, "couldn't find interface with MAC address '52:54:00:00:00:99'"),
          "NO_INTERFACE naming the MAC (%s)", e ? e->message : "");
    error_reset();

    /* a device that goes away after its lookup */
    iface = drv->lookup_by_name(conn, "vp1");
    run("ip link del vp1");   /* takes vp0 with it */
    CHECK(iface && !drv->get_xml_desc(iface, 0) && error_last() &&
              error_last()->code == VIREO_ERR_NO_INTERFACE,
          "a device removed after lookup: NO_INTERFACE");
    if (iface)
        iface_handle_unref(iface);
    g_free(all);
    all = list_names(conn, 0);
    CHECK(strcmp(all, "br-t0 br-t1 lo") == 0, "and it is gone from the list (%s)", all);
}

int main(void)
{
    vireo_conn *conn;

    if (!enter_namespace()) {
        SKIP("host interfaces", "cannot make a network namespace with its own sysfs (not root?)");
        return 0;
    }
    if (!run("ip link set lo up && ip link add br-t0 mtu 1400 type bridge && ip link add vp0 type veth peer name vp1 && "
             "ip link set vp0 address 52:54:00:77:00:10 mtu 1400 && "
             "ip link set vp1 address 52:54:00:77:00:11 mtu 1400 && "
             "ip link set vp0 master br-t0 && ip link set vp0 up && ip link set vp1 up && "
             "ip link set br-t0 up && "
             "ip link add br-t1 type bridge && ip link set br-t1 address 52:54:00:77:00:1f && "
             "ip link add vq0 type veth peer name vq1 && "
             "ip link set vq0 address 52:54:00:77:00:20 && ip link set vq1 address 52:54:00:77:00:20 && "
             "ip link set vq0 master br-t1 && ip link set vq1 master br-t1")) {
        SKIP("host interfaces", "cannot create bridges and veths");
        return 0;
    }
    /* vq0 and vq1, both ports of the down br-t1, share a MAC */
    conn = conn_handle_new("qemu:///system", false);
    /* wait for the veth pair's carrier: operstate turns up asynchronously */
    for (int i = 0; i < 100 && !run("grep -qx up /sys/class/net/vp1/operstate"); i++)
        g_usleep(20000);
    for (int i = 0; i < 100 && !run("grep -qx up /sys/class/net/br-t0/operstate"); i++)
        g_usleep(20000);
    test_devices(conn);
    conn_handle_unref(conn);
    return check_exit();
}
