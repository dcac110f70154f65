/*
 * test_default.c: the default node, "test:///default", with the same
 * contents as libvirt's test driver: host info of a 16-CPU i686 box with
 * two NUMA cells, and domain 'test' running with id 1.
 *
 * libvirt's default node also has network 'default', pool
 * 'default-pool' and interface 'eth1'.  vireo has no network, storage or
 * interface API yet, so they are kept here as data only, ready for the
 * issues that add those drivers.
 */
#include <string.h>

#include "drivers/test/test_node.h"

static const char test_default_domain_xml[] =
    "<domain type='test'>\n"
    "  <name>test</name>\n"
    "  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n"
    "  <memory unit='KiB'>8388608</memory>\n"
    "  <currentMemory unit='KiB'>2097152</currentMemory>\n"
    "  <vcpu placement='static'>2</vcpu>\n"
    "  <os>\n"
    "    <type arch='i686'>hvm</type>\n"
    "    <boot dev='hd'/>\n"
    "  </os>\n"
    "  <clock offset='utc'/>\n"
    "  <on_poweroff>destroy</on_poweroff>\n"
    "  <on_reboot>restart</on_reboot>\n"
    "  <on_crash>destroy</on_crash>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <source file='/guest/diskimage1'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='aa:bb:cc:dd:ee:ff'/>\n"
    "      <source network='default'/>\n"
    "      <target dev='testnet0'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n"
    "    </interface>\n"
    "    <memballoon model='virtio'>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
    "    </memballoon>\n"
    "  </devices>\n"
    "</domain>\n";

/* Data only until vireo has a network driver (see the top comment). */
const char test_default_network_xml[] =
    "<network>\n"
    "  <name>default</name>\n"
    "  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge name='virbr0' stp='on' delay='0'/>\n"
    "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "</network>\n";

/* Data only until vireo has a storage driver (see the top comment). */
const char test_default_pool_xml[] =
    "<pool type='dir'>\n"
    "  <name>default-pool</name>\n"
    "  <uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>\n"
    "  <capacity unit='bytes'>107374182400</capacity>\n"
    "  <allocation unit='bytes'>0</allocation>\n"
    "  <available unit='bytes'>107374182400</available>\n"
    "  <source>\n"
    "  </source>\n"
    "  <target>\n"
    "    <path>/default-pool</path>\n"
    "  </target>\n"
    "</pool>\n";

void test_node_default_info(vireo_node_info *info)
{
    memset(info, 0, sizeof(*info));
    g_strlcpy(info->model, "i686", sizeof(info->model));
    info->memory = 3145728;
    info->cpus = 16;
    info->mhz = 1400;
    info->nodes = 2;
    info->sockets = 2;
    info->cores = 2;
    info->threads = 2;
}

test_node *test_node_new_default(void)
{
    g_autoptr(test_node) node = test_node_new("test:///default");
    test_dom *dom;
    domain_def *def = test_def_parse(test_default_domain_xml, 0);

    if (!def)
        return NULL;
    test_node_default_info(&node->info);
    node->default_cells = true;
    node->shared = true;
    dom = g_new0(test_dom, 1);
    dom->def = def;
    test_node_add(node, dom);
    /* libvirt reports the state reason of the node's domains as unknown */
    if (test_dom_start(node, dom, VIREO_DOMAIN_RUNNING_UNKNOWN) < 0)
        return NULL;
    return g_steal_pointer(&node);
}
