/*
 * devices.c: test-devices, the <devices> of domain XML: every device kind
 * round-trips, MACs and PCI addresses are assigned once and kept, bad
 * values are refused with libvirt's code and a message naming the device
 * and its line.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "check.h"
#include "conf/domain_def.h"
#include "util/error.h"

#define HEAD(machine)                                                                       \
    "<domain type='kvm'>\n  <name>t</name>\n  <memory>1048576</memory>\n"                   \
    "  <os>\n    <type arch='x86_64' machine='" machine "'>hvm</type>\n  </os>\n"         \
    "  <devices>\n"
#define TAIL "  </devices>\n</domain>\n"

/* One of each device kind, in the forms virt-install and Nova write. */
static const char *const every_kind =
    HEAD("pc")
    "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='qcow2' cache='none' io='native' discard='unmap'/>\n"
    "      <source file='/var/lib/libvirt/images/a.qcow2'/>\n"
    "      <backingStore/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "      <serial>abc</serial>\n"
    "      <boot order='1'/>\n"
    "    </disk>\n"
    "    <disk type='network' device='disk'>\n"
    "      <driver name='qemu' type='raw'/>\n"
    "      <auth username='admin'>\n"
    "        <secret type='ceph' uuid='1d3a9e5c-4b2f-4e1a-9d0c-8f7e6a5b4c3d'/>\n"
    "      </auth>\n"
    "      <source protocol='rbd' name='pool/img'>\n"
    "        <host name='10.0.0.1' port='6789'/>\n"
    "      </source>\n"
    "      <target dev='vdb' bus='virtio'/>\n"
    "    </disk>\n"
    "    <disk type='block' device='lun'>\n"
    "      <source dev='/dev/sdb'/>\n"
    "      <target dev='sda' bus='scsi'/>\n"
    "      <shareable/>\n"
    "      <wwn>5000c50015ea71ad</wwn>\n"
    "    </disk>\n"
    "    <disk type='volume' device='disk'>\n"
    "      <source pool='default' volume='v1'/>\n"
    "      <target dev='sdb' bus='sata'/>\n"
    "      <transient/>\n"
    "    </disk>\n"
    "    <disk type='file' device='cdrom'>\n"
    "      <target dev='hdc' bus='ide'/>\n"
    "    </disk>\n"
    "    <disk type='file' device='floppy'>\n"
    "      <source file='/tmp/f.img'/>\n"
    "      <target dev='fda'/>\n"
    "    </disk>\n"
    "    <controller type='scsi' index='0' model='virtio-scsi'>\n"
    "      <driver queues='4'/>\n"
    "    </controller>\n"
    "    <controller type='usb' index='0' model='qemu-xhci' ports='15'/>\n"
    "    <filesystem type='mount' accessmode='passthrough'>\n"
    "      <source dir='/srv'/>\n"
    "      <target dir='/mnt'/>\n"
    "      <readonly/>\n"
    "    </filesystem>\n"
    "    <interface type='network'>\n"
    "      <mac address='52:54:00:11:22:33'/>\n"
    "      <source network='default'/>\n"
    "      <model type='virtio'/>\n"
    "      <driver name='vhost' queues='2'/>\n"
    "      <filterref filter='clean-traffic'>\n"
    "        <parameter name='IP' value='10.0.0.1'/>\n"
    "      </filterref>\n"
    "      <link state='up'/>\n"
    "      <mtu size='1500'/>\n"
    "      <rom bar='off'/>\n"
    "    </interface>\n"
    "    <interface type='bridge'>\n"
    "      <source bridge='br0'/>\n"
    "      <virtualport type='openvswitch'/>\n"
    "      <model type='e1000'/>\n"
    "    </interface>\n"
    "    <interface type='direct'>\n"
    "      <source dev='eth0' mode='bridge'/>\n"
    "    </interface>\n"
    "    <interface type='ethernet'>\n"
    "      <target dev='tap0'/>\n"
    "    </interface>\n"
    "    <interface type='user'/>\n"
    "    <serial type='pty'>\n"
    "      <log file='/tmp/s.log' append='on'/>\n"
    "    </serial>\n"
    "    <serial type='tcp'>\n"
    "      <source mode='bind' host='127.0.0.1' service='4444'/>\n"
    "      <protocol type='telnet'/>\n"
    "    </serial>\n"
    "    <parallel type='file'>\n"
    "      <source path='/tmp/par'/>\n"
    "    </parallel>\n"
    "    <channel type='unix'>\n"
    "      <source mode='bind' path='/tmp/ga.sock'/>\n"
    "      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
    "    </channel>\n"
    "    <channel type='spicevmc'>\n"
    "      <target type='virtio' name='com.redhat.spice.0'/>\n"
    "    </channel>\n"
    "    <input type='tablet' bus='usb'/>\n"
    "    <input type='keyboard'/>\n"
    "    <tpm model='tpm-crb'>\n"
    "      <backend type='emulator' version='2.0'/>\n"
    "    </tpm>\n"
    "    <graphics type='vnc' port='-1' listen='127.0.0.1' passwd='secret' keymap='en-us'/>\n"
    "    <graphics type='spice' autoport='yes'>\n"
    "      <image compression='off'/>\n"
    "    </graphics>\n"
    "    <sound model='ich9'>\n"
    "      <codec type='micro'/>\n"
    "    </sound>\n"
    "    <video>\n"
    "      <model type='qxl' ram='65536' vram='65536' vgamem='16384' heads='1' primary='yes'>\n"
    "        <acceleration accel3d='no'/>\n"
    "      </model>\n"
    "    </video>\n"
    "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
    "      <source>\n"
    "        <address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/>\n"
    "      </source>\n"
    "    </hostdev>\n"
    "    <hostdev mode='subsystem' type='usb'>\n"
    "      <source>\n"
    "        <vendor id='0x1234'/>\n"
    "        <product id='0xbeef'/>\n"
    "      </source>\n"
    "    </hostdev>\n"
    "    <watchdog model='i6300esb' action='poweroff'/>\n"
    "    <memballoon model='virtio' autodeflate='on'>\n"
    "      <stats period='10'/>\n"
    "    </memballoon>\n"
    "    <rng model='virtio'>\n"
    "      <rate bytes='1024' period='1000'/>\n"
    "      <backend model='random'>/dev/urandom</backend>\n"
    "    </rng>\n"
    "    <rng model='virtio'>\n"
    "      <backend model='egd' type='tcp'>\n"
    "        <source mode='connect' host='1.2.3.4' service='1234'/>\n"
    "        <protocol type='raw'/>\n"
    "      </backend>\n"
    "    </rng>\n"
    "    <panic model='isa'/>\n"
    TAIL;

static char *format(const domain_def *def)
{
    return domain_def_format(def, VIREO_DOMAIN_XML_INACTIVE | VIREO_DOMAIN_XML_SECURE);
}

/* parse + assign + format; NULL (and a NOTE) on error */
static char *define(const char *xml)
{
    g_autoptr(domain_def) def = domain_def_parse(xml, 0);

    if (!def || domain_def_assign_addresses(def) < 0) {
        const vireo_error *e = error_last();

        NOTE("error: %s", e ? e->message : "?");
        return NULL;
    }
    return format(def);
}

static bool contains(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

static void test_every_kind(void)
{
    static const char *const expect[] = {
        "<emulator>/usr/bin/qemu-system-x86_64</emulator>",
        "<driver name='qemu' type='qcow2' cache='none' io='native' discard='unmap'/>",
        "<backingStore/>", "<source protocol='rbd' name='pool/img'>",
        "<host name='10.0.0.1' port='6789'/>", "<secret type='ceph'",
        "<wwn>5000c50015ea71ad</wwn>", "<transient/>", "<target dev='fda' bus='fdc'/>",
        "<address type='drive' controller='0' bus='0' target='0' unit='1'/>",
        "<controller type='ide' index='0'>", "<controller type='sata' index='0'>",
        "<controller type='fdc' index='0'/>", "<controller type='virtio-serial' index='0'>",
        "<driver queues='4'/>", "<filesystem type='mount' accessmode='passthrough'>",
        "<parameter name='IP' value='10.0.0.1'/>", "<mtu size='1500'/>", "<rom bar='off'/>",
        "<parameters interfaceid='", "<source dev='eth0' mode='bridge'/>",
        "<target dev='tap0'/>", "<log file='/tmp/s.log' append='on'/>",
        "<protocol type='telnet'/>", "<target type='serial' port='0'/>",
        "<address type='virtio-serial' controller='0' bus='0' port='1'/>",
        "<address type='virtio-serial' controller='0' bus='0' port='2'/>",
        "<input type='keyboard' bus='ps2'/>", "<backend type='emulator' version='2.0'/>",
        "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' keymap='en-us' passwd='secret'>",
        "<listen type='address' address='127.0.0.1'/>", "<image compression='off'/>",
        "<codec type='micro'/>", "<acceleration accel3d='no'/>",
        "<address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/>",
        "<product id='0xbeef'/>", "<watchdog model='i6300esb' action='poweroff'>",
        "<stats period='10'/>", "<backend model='random'>/dev/urandom</backend>",
        "<source mode='connect' host='1.2.3.4' service='1234'/>", "<panic model='isa'/>",
    };
    g_autofree char *once = define(every_kind);
    g_autoptr(domain_def) again = once ? domain_def_parse(once, 0) : NULL;
    g_autofree char *twice = NULL;

    CHECK(once != NULL, "every device kind parses and gets addresses");
    if (!once)
        return;
    for (size_t i = 0; i < G_N_ELEMENTS(expect); i++)
        if (!CHECK(contains(once, expect[i]), "output has %s", expect[i]))
            NOTE("%s", once);
    CHECK(again != NULL, "the output parses again");
    if (!again)
        return;
    CHECK(domain_def_assign_addresses(again) == 0, "reassigning succeeds");
    twice = format(again);
    CHECK(g_strcmp0(once, twice) == 0, "parse -> assign -> format is stable (guest ABI kept)");
}

/* every "<address type='pci' ...>" line, as the list of bus:slot.function */
static GPtrArray *pci_addresses(const char *xml)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GRegex) re = g_regex_new("<address type='pci' domain='(0x[0-9a-f]+)' bus='(0x[0-9a-f]+)' "
                                       "slot='(0x[0-9a-f]+)' function='(0x[0-9a-f]+)'",
                                       0, 0, NULL);
    GMatchInfo *m = NULL;

    g_regex_match(re, xml, 0, &m);
    while (g_match_info_matches(m)) {
        g_autofree char *bus = g_match_info_fetch(m, 2);
        g_autofree char *slot = g_match_info_fetch(m, 3);
        g_autofree char *fn = g_match_info_fetch(m, 4);

        g_ptr_array_add(out, g_strdup_printf("%s:%s.%s", bus, slot, fn));
        g_match_info_next(m, NULL);
    }
    g_match_info_free(m);
    return out;
}

static bool all_unique(GPtrArray *a)
{
    for (guint i = 0; i < a->len; i++)
        for (guint j = i + 1; j < a->len; j++)
            if (strcmp(a->pdata[i], a->pdata[j]) == 0)
                return false;
    return true;
}

static void test_pci_pc(void)
{
    g_autofree char *out = define(every_kind);
    g_autoptr(GPtrArray) addrs = out ? pci_addresses(out) : NULL;

    if (!CHECK(out != NULL, "pc: addresses assigned"))
        return;
    CHECK(addrs->len >= 14, "pc: PCI addresses for the PCI devices (%u)", addrs->len);
    CHECK(all_unique(addrs), "pc: PCI addresses unique");
    CHECK(contains(out, "<controller type='pci' index='0' model='pci-root'/>"), "pc: pci-root added");
    CHECK(contains(out, "slot='0x01' function='0x1'"), "pc: IDE at 00:01.1");
    CHECK(contains(out, "<model type='qxl' ram='65536' vram='65536' vgamem='16384' heads='1' primary='yes'>\n"
                        "        <acceleration accel3d='no'/>\n      </model>\n"
                        "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>"),
          "pc: primary video at 00:02.0");
    CHECK(contains(out, "<interface type='network'>\n      <mac address='52:54:00:11:22:33'/>"),
          "explicit MAC kept");
}

static void test_pci_stable_on_add(void)
{
    const char *base = HEAD("pc")
        "    <disk type='file'>\n      <source file='/a'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n"
        "    <interface type='network'>\n      <source network='default'/>\n      <model type='virtio'/>\n    </interface>\n"
        TAIL;
    g_autofree char *first = define(base);
    g_autofree char *grown = NULL;
    g_autofree char *second = NULL;
    g_autoptr(GPtrArray) a1 = NULL;
    g_autoptr(GPtrArray) a2 = NULL;
    const char *cut;

    if (!CHECK(first != NULL, "small guest defined"))
        return;
    cut = strstr(first, "  </devices>");
    grown = g_strdup_printf("%.*s    <interface type='user'>\n      <model type='virtio'/>\n    </interface>\n"
                            "    <rng model='virtio'>\n      <backend model='random'/>\n    </rng>\n%s",
                            (int)(cut - first), first, cut);
    second = define(grown);
    if (!CHECK(second != NULL, "guest with added devices defined"))
        return;
    a1 = pci_addresses(first);
    a2 = pci_addresses(second);
    CHECK(a2->len == a1->len + 2, "two more PCI addresses after adding two devices");
    for (guint i = 0; i < a1->len; i++)
        CHECK(g_ptr_array_find_with_equal_func(a2, a1->pdata[i], g_str_equal, NULL),
              "address %s kept after adding devices", (char *)a1->pdata[i]);
    CHECK(all_unique(a2), "no address reused");
}

static void test_mac(void)
{
    const char *xml = HEAD("pc") "    <interface type='user'/>\n    <interface type='user'/>\n" TAIL;
    g_autofree char *out = define(xml);
    g_autoptr(GRegex) re = g_regex_new("<mac address='52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}'/>", 0, 0, NULL);
    GMatchInfo *m = NULL;
    int n = 0;
    g_autofree char *again = NULL;

    if (!CHECK(out != NULL, "interfaces without MAC defined"))
        return;
    g_regex_match(re, out, 0, &m);
    for (; g_match_info_matches(m); g_match_info_next(m, NULL))
        n++;
    g_match_info_free(m);
    CHECK(n == 2, "both MACs generated in 52:54:00");
    again = define(out);
    CHECK(g_strcmp0(out, again) == 0, "generated MACs kept on redefine");
}

static void test_q35(void)
{
    const char *xml = HEAD("q35")
        "    <disk type='file'>\n      <source file='/a'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n"
        "    <disk type='file'>\n      <source file='/b'/>\n      <target dev='sdb' bus='sata'/>\n    </disk>\n"
        "    <disk type='file' device='cdrom'>\n      <target dev='sda' bus='sata'/>\n    </disk>\n"
        "    <interface type='network'>\n      <source network='default'/>\n      <model type='virtio'/>\n    </interface>\n"
        "    <video>\n      <model type='virtio'/>\n    </video>\n"
        TAIL;
    g_autofree char *out = define(xml);
    g_autofree char *again = NULL;

    if (!CHECK(out != NULL, "q35 guest defined"))
        return;
    CHECK(contains(out, "<controller type='pci' index='0' model='pcie-root'/>"), "q35: pcie-root");
    CHECK(contains(out, "<controller type='pci' index='1' model='pcie-root-port'>\n"
                        "      <model name='pcie-root-port'/>\n"
                        "      <target chassis='1' port='0x10'/>\n"
                        "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>"),
          "q35: first root port at 00:02.0");
    CHECK(contains(out, "slot='0x1f' function='0x2'"), "q35: SATA at 00:1f.2");
    CHECK(contains(out, "<target dev='sda' bus='sata'/>\n      <readonly/>\n"
                        "      <address type='drive' controller='0' bus='0' target='0' unit='0'/>"),
          "sda -> unit 0 (listed first)");
    CHECK(contains(out, "<target dev='sdb' bus='sata'/>\n"
                        "      <address type='drive' controller='0' bus='0' target='0' unit='1'/>"),
          "sdb -> unit 1");
    CHECK(contains(out, "bus='0x01' slot='0x00' function='0x0'"), "q35: a device behind root port 1");
    CHECK(contains(out, "slot='0x01' function='0x0'"), "q35: primary video at 00:01.0");
    again = define(out);
    CHECK(g_strcmp0(out, again) == 0, "q35: redefine keeps everything");
}

static void test_microvm(void)
{
    const char *xml = HEAD("microvm")
        "    <disk type='file'>\n      <source file='/a'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n"
        TAIL;
    g_autofree char *out = define(xml);

    CHECK(out && !contains(out, "type='pci'"), "microvm: no PCI addresses, no PCI controllers");
}

static void test_explicit_kept(void)
{
    const char *xml = HEAD("pc")
        "    <interface type='user'>\n      <mac address='52:54:00:aa:bb:cc'/>\n"
        "      <address type='pci' domain='0x0000' bus='0x00' slot='0x09' function='0x0'/>\n    </interface>\n"
        "    <interface type='user'/>\n"
        TAIL;
    g_autofree char *out = define(xml);
    g_autoptr(GPtrArray) addrs = out ? pci_addresses(out) : NULL;

    CHECK(contains(out, "<mac address='52:54:00:aa:bb:cc'/>\n"
                        "      <address type='pci' domain='0x0000' bus='0x00' slot='0x09' function='0x0'/>"),
          "explicit address kept");
    CHECK(addrs && all_unique(addrs), "assigned addresses avoid the explicit one");
}

/* xml (a <devices> body) must fail with code and a message holding each of subs */
static void expect_error(const char *what, const char *body, int code, const char *sub1,
                         const char *sub2)
{
    g_autofree char *xml = g_strdup_printf(HEAD("pc") "%s" TAIL, body);
    g_autoptr(domain_def) def = domain_def_parse(xml, 0);
    const vireo_error *e;

    error_reset();
    if (def && domain_def_assign_addresses(def) == 0) {
        CHECK(false, "%s refused", what);
        return;
    }
    if (!def) {
        def = domain_def_parse(xml, 0);
        g_clear_pointer(&def, domain_def_free);
    }
    e = error_last();
    if (!CHECK(e && e->code == code && contains(e->message, sub1) && (!sub2 || contains(e->message, sub2)),
               "%s refused with code %d naming '%s'", what, code, sub1))
        NOTE("got: %d %s", e ? e->code : -1, e ? e->message : "no error");
}

static void test_bad_values(void)
{
    expect_error("unknown disk bus",
                 "<disk type='file'><source file='/a'/><target dev='vda' bus='foo'/></disk>",
                 VIREO_ERR_XML_ERROR, "'foo'", "<target> in <disk> at line 8");
    expect_error("malformed MAC",
                 "<interface type='user'><mac address='52:54:00:zz:00:01'/></interface>",
                 VIREO_ERR_XML_ERROR, "52:54:00:zz:00:01", "<interface> at line 8");
    expect_error("multicast MAC",
                 "<interface type='user'><mac address='53:54:00:00:00:01'/></interface>",
                 VIREO_ERR_XML_ERROR, "multicast", "<interface> at line 8");
    expect_error("PCI slot > 31",
                 "<interface type='user'><address type='pci' domain='0x0000' bus='0x00' slot='0x20' function='0x0'/></interface>",
                 VIREO_ERR_XML_ERROR, "slot='0x20'", "<interface> at line 8");
    expect_error("PCI function > 7",
                 "<interface type='user'><address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x8'/></interface>",
                 VIREO_ERR_XML_ERROR, "function", "<interface> at line 8");
    expect_error("duplicate disk target",
                 "<disk type='file'><source file='/a'/><target dev='vda'/></disk>\n"
                 "<disk type='file'><source file='/b'/><target dev='vda'/></disk>",
                 VIREO_ERR_XML_ERROR, "target 'vda' duplicated", "'/a' and '/b'");
    expect_error("disk without target", "<disk type='file'><source file='/a'/></disk>",
                 20, "missing target information for device /a", NULL);
    expect_error("unknown interface type", "<interface type='foo'/>", VIREO_ERR_XML_ERROR,
                 "'foo'", "<interface>");
    expect_error("unknown address type",
                 "<interface type='user'><address type='foo'/></interface>",
                 VIREO_ERR_CONFIG_UNSUPPORTED, "unknown address type 'foo'", "<interface>");
    expect_error("two devices on one PCI slot",
                 "<interface type='user'><address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/></interface>\n"
                 "<interface type='user'><address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/></interface>",
                 VIREO_ERR_XML_ERROR, "double use of PCI Address 0000:00:03.0", NULL);
    expect_error("unknown device element", "<smartcard mode='host'/>", VIREO_ERR_XML_ERROR,
                 "<smartcard>", "line 8");
    expect_error("unknown disk attribute",
                 "<disk type='file' snapshot='no'><source file='/a'/><target dev='vda'/></disk>",
                 VIREO_ERR_XML_ERROR, "snapshot", "line 8");
}

/* test-devices --define FILE: print FILE parsed, assigned and formatted */
static int define_main(const char *path)
{
    g_autofree char *xml = NULL;
    g_autofree char *out = NULL;

    if (!g_file_get_contents(path, &xml, NULL, NULL) || !(out = define(xml)))
        return 1;
    fputs(out, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--define") == 0)
        return define_main(argv[2]);
    test_every_kind();
    test_pci_pc();
    test_pci_stable_on_add();
    test_mac();
    test_q35();
    test_microvm();
    test_explicit_kept();
    test_bad_values();
    return check_exit();
}
