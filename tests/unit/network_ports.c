/*
 * test-network-ports: what the QEMU driver asks of the network driver
 * (drivers/network/network_port.h), against the node state itself in
 * the test's own network namespace: a port on a NAT network is its
 * bridge with the network's MTU and the default portgroup's bandwidth;
 * a named portgroup gives its own; ports are counted (connections='N'
 * in the live XML, valid against network.rng) and released; a stopped
 * or unknown network is refused with libvirt's codes; the direct modes
 * hand out the least used device of the pool, passthrough only an
 * unused one; a reacquired port keeps its id; destroy drops the ports;
 * the network's <bandwidth> shapes its bridge.
 */
#define _GNU_SOURCE
#include <glib.h>
#include <string.h>

#include "check.h"
#include "drivers/driver.h"
#include "drivers/network/network_port.h"
#include "drivers/network/network_state.h"
#include "drivers/node.h"
#include "netns_test.h"
#include "util/error.h"

static const unsigned char mac1[6] = { 0x52, 0x54, 0x00, 0x10, 0x00, 0x01 };
static const unsigned char dom_uuid[16] = { 1, 2, 3 };

static const char nat_xml[] =
    "<network><name>pnat</name><forward mode='nat'/><mtu size='1450'/>"
    "<bandwidth><inbound average='1000'/></bandwidth>"
    "<portgroup name='slow' default='yes'><bandwidth><inbound average='100'/></bandwidth>"
    "</portgroup>"
    "<portgroup name='fast'><bandwidth><inbound average='5000'/></bandwidth></portgroup>"
    "<ip address='10.61.0.1' netmask='255.255.255.0'/></network>";
static const char private_xml[] =
    "<network><name>ppriv</name><forward mode='private'>"
    "<interface dev='ethA'/><interface dev='ethB'/></forward></network>";
static const char pass_xml[] =
    "<network><name>ppass</name><forward mode='passthrough'>"
    "<interface dev='ethP'/></forward></network>";

static int err_code(void)
{
    return error_last() ? error_last()->code : -1;
}

static bool xml_valid(const char *xml)
{
    g_autofree char *path = NULL;
    g_autofree char *cmd = NULL;
    int fd = g_file_open_tmp("vireo-port-XXXXXX.xml", &path, NULL);
    bool ok;

    if (fd < 0)
        return false;
    close(fd);
    g_file_set_contents(path, xml, -1, NULL);
    cmd = g_strdup_printf("xmllint --noout --relaxng /usr/share/libvirt/schemas/network.rng %s"
                          " >/dev/null 2>&1", path);
    ok = system(cmd) == 0;
    unlink(path);
    return ok;
}

static vireo_network *define_start(vireo_conn *conn, const char *xml)
{
    const network_driver *d = &network_node_driver;
    vireo_network *net = d->define_xml(conn, xml, 0);

    if (net && d->create(net) < 0) {
        NOTE("start: %s", error_last() ? error_last()->message : "?");
        network_handle_unref(net);
        return NULL;
    }
    return net;
}

static void test_bridge_ports(vireo_conn *conn)
{
    const network_driver *d = &network_node_driver;
    node_state *node = conn->node;
    vireo_network *net = define_start(conn, nat_xml);
    network_port *p1, *p2, *p3;
    g_autofree char *xml = NULL;
    unsigned char id[16];

    if (!CHECK(net != NULL, "a NAT network starts"))
        return;
    p1 = network_port_acquire(node, "pnat", NULL, mac1, "g1", dom_uuid);
    if (!CHECK(p1 != NULL, "a port on it"))
        return;
    {
        g_autofree char *cmd = g_strdup_printf("tc qdisc show dev %s", p1->bridge);
        g_autofree char *qd = netns_test_capture(cmd);

        /* <inbound>: into the network, the bridge's egress (the
         * kernels here lack tc police, which <outbound> needs) */
        CHECK(strstr(qd, "htb") != NULL, "the network's <bandwidth> shapes its bridge (htb)");
    }
    CHECK(p1->kind == NETWORK_PORT_BRIDGE && p1->bridge && g_str_has_prefix(p1->bridge, "virbr"),
          "the port is its bridge (%s)", p1->bridge);
    CHECK(p1->mtu == 1450, "with the network's MTU (%u)", p1->mtu);
    CHECK(p1->bandwidth && p1->bandwidth->in.average == 100,
          "and the default portgroup's bandwidth");
    p2 = network_port_acquire(node, "pnat", "fast", mac1, "g1", dom_uuid);
    CHECK(p2 && p2->bandwidth && p2->bandwidth->in.average == 5000,
          "a named portgroup gives its own bandwidth");
    CHECK(p2 && memcmp(p1->uuid, p2->uuid, 16) != 0, "each port has its own id");
    CHECK(network_port_acquire(node, "pnat", "nosuch", mac1, "g1", dom_uuid) == NULL,
          "an unknown portgroup is refused");
    xml = d->get_xml_desc(net, 0);
    CHECK(xml && g_str_has_prefix(xml, "<network connections='2'>"),
          "the live XML counts 2 connections");
    CHECK(xml && xml_valid(xml), "and validates against network.rng");
    g_clear_pointer(&xml, g_free);
    xml = d->get_xml_desc(net, VIREO_NETWORK_XML_INACTIVE);
    CHECK(xml && g_str_has_prefix(xml, "<network>"), "the inactive XML has no connections");
    g_clear_pointer(&xml, g_free);

    memcpy(id, p2->uuid, 16);
    network_port_release(node, p2);
    xml = d->get_xml_desc(net, 0);
    CHECK(xml && g_str_has_prefix(xml, "<network connections='1'>"),
          "a release counts down to 1");
    g_clear_pointer(&xml, g_free);
    p3 = network_port_reacquire(node, "pnat", id, mac1, "g1", dom_uuid);
    CHECK(p3 && memcmp(p3->uuid, id, 16) == 0, "a reacquired port keeps its id");
    xml = d->get_xml_desc(net, 0);
    CHECK(xml && g_str_has_prefix(xml, "<network connections='2'>"), "and counts again");
    g_clear_pointer(&xml, g_free);

    CHECK(d->destroy(net) == 0, "destroy with ports plugged in");
    CHECK(network_port_acquire(node, "pnat", NULL, mac1, "g1", dom_uuid) == NULL &&
              err_code() == VIREO_ERR_OPERATION_INVALID &&
              strstr(error_last()->message, "network 'pnat' is not active"),
          "a stopped network: OPERATION_INVALID \"network 'pnat' is not active\"");
    CHECK(d->create(net) == 0, "start again");
    xml = d->get_xml_desc(net, 0);
    CHECK(xml && g_str_has_prefix(xml, "<network>"), "the old ports went with the stop");
    g_clear_pointer(&xml, g_free);
    /* releasing ports of a network that restarted (or went) is harmless */
    network_port_release(node, p1);
    network_port_release(node, p3);
    CHECK(d->destroy(net) == 0 && d->undefine(net) == 0, "destroy and undefine");
    network_handle_unref(net);
}

static void test_direct_ports(vireo_conn *conn)
{
    const network_driver *d = &network_node_driver;
    node_state *node = conn->node;
    vireo_network *priv = define_start(conn, private_xml);
    vireo_network *pass = define_start(conn, pass_xml);
    network_port *a, *b, *c, *p, *q;

    if (!CHECK(priv && pass, "private and passthrough networks start"))
        return;
    a = network_port_acquire(node, "ppriv", NULL, mac1, "g1", dom_uuid);
    b = network_port_acquire(node, "ppriv", NULL, mac1, "g2", dom_uuid);
    c = network_port_acquire(node, "ppriv", NULL, mac1, "g3", dom_uuid);
    CHECK(a && a->kind == NETWORK_PORT_DIRECT && g_strcmp0(a->mode, "private") == 0,
          "a private port is a direct one in mode 'private'");
    CHECK(a && b && c && g_strcmp0(a->dev, "ethA") == 0 && g_strcmp0(b->dev, "ethB") == 0 &&
              g_strcmp0(c->dev, "ethA") == 0,
          "devices go to the least used of the pool (%s %s %s)", a ? a->dev : "-",
          b ? b->dev : "-", c ? c->dev : "-");
    p = network_port_acquire(node, "ppass", NULL, mac1, "g1", dom_uuid);
    CHECK(p && g_strcmp0(p->dev, "ethP") == 0 && g_strcmp0(p->mode, "passthrough") == 0,
          "passthrough gets its device");
    q = network_port_acquire(node, "ppass", NULL, mac1, "g2", dom_uuid);
    CHECK(!q && strstr(error_last()->message, "exclusive access"),
          "a second passthrough port is refused: none free");
    network_port_release(node, p);
    q = network_port_acquire(node, "ppass", NULL, mac1, "g2", dom_uuid);
    CHECK(q != NULL, "after a release the device is free again");
    network_port_release(node, q);
    network_port_release(node, a);
    network_port_release(node, b);
    network_port_release(node, c);
    d->destroy(priv);
    d->destroy(pass);
    d->undefine(priv);
    d->undefine(pass);
    network_handle_unref(priv);
    network_handle_unref(pass);
}

int main(void)
{
    g_autofree char *root = NULL;
    g_autofree char *cfg = NULL;
    g_autofree char *run = NULL;
    g_autofree char *cmd = NULL;
    const char *why = netns_test_enter();
    vireo_conn *conn;
    GPtrArray *leases;

    if (why) {
        SKIP("network ports", why);
        return 0;
    }
    root = g_dir_make_tmp("vireo-ports-XXXXXX", NULL);
    cfg = g_build_filename(root, "etc", NULL);
    run = g_build_filename(root, "run", NULL);
    conn = conn_handle_new("qemu:///embed", false);
    conn->node = node_acquire(cfg, run);
    if (!CHECK(conn->node != NULL, "the node opens"))
        return check_exit();
    CHECK(network_port_acquire(conn->node, "nosuch", NULL, mac1, "g1", dom_uuid) == NULL &&
              err_code() == VIREO_ERR_NO_NETWORK,
          "an unknown network: NO_NETWORK");
    leases = g_ptr_array_new();
    CHECK(network_leases_for_mac(conn->node, "nosuch", mac1, leases) == 0 && leases->len == 0,
          "leases of an unknown network: none");
    g_ptr_array_unref(leases);
    test_bridge_ports(conn);
    test_direct_ports(conn);
    conn_handle_unref(conn);
    cmd = g_strdup_printf("rm -rf %s", root);
    if (system(cmd) != 0)
        NOTE("cannot remove %s", root);
    return check_exit();
}
