/*
 * network_update.c: test-network-update, the edits of virNetworkUpdate
 * (src/conf/network_update.c) and the subnet questions of
 * src/conf/network_addr.c.
 *
 * Each section is added to, deleted from and (where libvirt allows it)
 * modified, and the result compared as XML; every refused edit must
 * leave the definition byte-for-byte as it was, with libvirt's code.
 */
#include <string.h>
#include <sys/socket.h>

#include <glib.h>

#include "check.h"
#include "conf/network_def.h"
#include "util/error.h"
#include "vireo/vireo-network.h"

#define ADD_LAST VIREO_NETWORK_UPDATE_COMMAND_ADD_LAST
#define ADD_FIRST VIREO_NETWORK_UPDATE_COMMAND_ADD_FIRST
#define DELETE VIREO_NETWORK_UPDATE_COMMAND_DELETE
#define MODIFY VIREO_NETWORK_UPDATE_COMMAND_MODIFY

static const char *base_xml =
    "<network>\n"
    "  <name>upd</name>\n"
    "  <forward mode='nat'/>\n"
    "  <dns>\n"
    "    <txt name='t1' value='v1'/>\n"
    "    <srv service='ldap' protocol='tcp' target='ldap.upd' port='389'/>\n"
    "    <host ip='192.168.100.50'><hostname>h50</hostname></host>\n"
    "  </dns>\n"
    "  <ip address='192.168.100.1' prefix='24'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.100.10' end='192.168.100.20'/>\n"
    "      <host mac='52:54:00:00:00:01' name='one' ip='192.168.100.101'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "  <ip family='ipv6' address='fd00:1::1' prefix='64'/>\n"
    "  <portgroup name='pg1' default='yes'/>\n"
    "</network>\n";

static network_def *base(void)
{
    network_def *def = network_def_parse(base_xml);

    if (!def)
        NOTE("base does not parse: %s", error_last() ? error_last()->message : "?");
    return def;
}

/* one edit that must succeed; the formatted result must hold want
 * (and not hold gone, when given) */
static void edit_ok(unsigned int cmd, unsigned int section, int parent, const char *xml,
                    const char *want, const char *gone, const char *what)
{
    g_autoptr(network_def) def = base();
    g_autofree char *out = NULL;
    int rc;

    if (!def) {
        CHECK(false, "%s", what);
        return;
    }
    error_reset();
    rc = network_def_update(def, cmd, section, parent, xml);
    out = network_def_format(def);
    if (!CHECK(rc == 0 && strstr(out, want) && (!gone || !strstr(out, gone)), "%s", what))
        NOTE("rc %d, %s\n%s", rc, error_last() ? error_last()->message : "", out);
}

/* one edit that must be refused with code and substring, changing nothing */
static void edit_refused(unsigned int cmd, unsigned int section, int parent, const char *xml,
                         int code, const char *sub, const char *what)
{
    g_autoptr(network_def) def = base();
    g_autofree char *before = def ? network_def_format(def) : NULL;
    g_autofree char *after = NULL;
    const vireo_error *e;
    int rc;

    if (!def) {
        CHECK(false, "%s", what);
        return;
    }
    error_reset();
    rc = network_def_update(def, cmd, section, parent, xml);
    e = error_last();
    after = network_def_format(def);
    if (!CHECK(rc < 0 && e && e->code == code && e->domain == VIREO_FROM_NETWORK &&
                   strstr(e->message, sub) && strcmp(before, after) == 0,
               "%s: refused (%d) and nothing changed", what, code))
        NOTE("rc %d, code %d: %s\n%s", rc, e ? e->code : 0, e ? e->message : "", after);
}

static void run_dhcp_host(void)
{
    unsigned int s = VIREO_NETWORK_SECTION_IP_DHCP_HOST;

    edit_ok(ADD_LAST, s, -1, "<host mac='52:54:00:00:00:02' name='two' ip='192.168.100.102'/>",
            "name='one' ip='192.168.100.101'/>\n      <host mac='52:54:00:00:00:02' name='two'",
            NULL, "dhcp host: add-last goes after the existing host");
    edit_ok(ADD_FIRST, s, 0, "<host mac='52:54:00:00:00:02' ip='192.168.100.102'/>",
            "<host mac='52:54:00:00:00:02' ip='192.168.100.102'/>\n"
            "      <host mac='52:54:00:00:00:01'",
            NULL, "dhcp host: add-first on parent index 0 goes first");
    edit_ok(DELETE, s, -1, "<host mac='52:54:00:00:00:01'/>", "<range", "name='one'",
            "dhcp host: delete by mac alone");
    edit_ok(MODIFY, s, -1, "<host mac='52:54:00:00:00:01' name='uno' ip='192.168.100.111'/>",
            "name='uno' ip='192.168.100.111'", "name='one'", "dhcp host: modify matched by mac");
    edit_ok(ADD_LAST, s, 1, "<host id='0:1:2:3' name='v6' ip='fd00:1::99'/>",
            "<host id='0:1:2:3' name='v6' ip='fd00:1::99'/>", NULL,
            "dhcp host: add to the IPv6 <ip> (index 1) gives it a <dhcp>");
    edit_refused(ADD_LAST, s, -1, "<host mac='52:54:00:00:00:01' ip='192.168.100.150'/>",
                 VIREO_ERR_OPERATION_INVALID,
                 "there is an existing dhcp host entry in network 'upd'",
                 "dhcp host: the same mac added twice");
    edit_refused(ADD_LAST, s, -1, "<host mac='52:54:00:00:00:09' name='x' ip='192.168.100.101'/>",
                 VIREO_ERR_OPERATION_INVALID, "there is an existing dhcp host entry",
                 "dhcp host: the same ip added twice");
    edit_refused(DELETE, s, -1, "<host mac='52:54:00:00:00:77'/>", VIREO_ERR_OPERATION_INVALID,
                 "couldn't locate a matching dhcp host entry in network 'upd'",
                 "dhcp host: deleting a host that is not there");
    edit_refused(MODIFY, s, -1, "<host mac='52:54:00:00:00:77' ip='192.168.100.177'/>",
                 VIREO_ERR_OPERATION_INVALID, "couldn't locate an existing dhcp host entry",
                 "dhcp host: modify that matches nothing");
    edit_refused(ADD_LAST, s, 5, "<host mac='52:54:00:00:00:02' ip='192.168.100.102'/>",
                 VIREO_ERR_OPERATION_INVALID, "no <ip> element found at index 5",
                 "dhcp host: parent index past the last <ip>");
    edit_refused(ADD_LAST, s, -1, "<host mac='52:54:00:00:00:02' ip='10.1.1.1'/>",
                 VIREO_ERR_XML_ERROR, "is not within network",
                 "dhcp host: address outside the subnet");
    edit_refused(ADD_LAST, s, -1, "<host mac='52:54:00:00:00:02' ip='fd00:1::5'/>",
                 VIREO_ERR_OPERATION_INVALID, "address family of a host entry IP must match",
                 "dhcp host: IPv6 address on the IPv4 <ip>");
    edit_refused(ADD_LAST, s, -1, "<range start='192.168.100.30' end='192.168.100.40'/>",
                 VIREO_ERR_XML_ERROR, "unexpected element <range>, expecting <host>",
                 "dhcp host: the wrong element");
    edit_refused(ADD_LAST, s, -1, "<host mac='52:54:00:00:00:02' ip='192.168.100.102' bogus='1'/>",
                 VIREO_ERR_XML_ERROR, "unsupported attribute 'bogus'",
                 "dhcp host: an attribute vireo does not know");
    edit_refused(ADD_LAST, s, -1, "<host mac=", VIREO_ERR_XML_DETAIL, "",
                 "dhcp host: malformed XML");
}

static void run_dhcp_range(void)
{
    unsigned int s = VIREO_NETWORK_SECTION_IP_DHCP_RANGE;

    edit_ok(ADD_FIRST, s, -1, "<range start='192.168.100.30' end='192.168.100.40'/>",
            "<range start='192.168.100.30' end='192.168.100.40'/>\n"
            "      <range start='192.168.100.10'",
            NULL, "dhcp range: add-first");
    edit_ok(DELETE, s, -1, "<range start='192.168.100.10' end='192.168.100.20'/>",
            "<host mac", "<range", "dhcp range: delete");
    edit_refused(MODIFY, s, -1, "<range start='192.168.100.10' end='192.168.100.20'/>",
                 VIREO_ERR_OPERATION_UNSUPPORTED, "dhcp ranges cannot be modified",
                 "dhcp range: modify");
    edit_refused(ADD_LAST, s, -1, "<range start='192.168.100.10' end='192.168.100.20'/>",
                 VIREO_ERR_OPERATION_INVALID, "there is an existing dhcp range entry",
                 "dhcp range: added twice");
    edit_refused(DELETE, s, -1, "<range start='192.168.100.11' end='192.168.100.20'/>",
                 VIREO_ERR_OPERATION_INVALID, "couldn't locate a matching dhcp range entry",
                 "dhcp range: delete one that is not there");
    edit_refused(ADD_LAST, s, -1, "<range start='192.168.200.10' end='192.168.200.20'/>",
                 VIREO_ERR_INTERNAL_ERROR, "is not entirely within network",
                 "dhcp range: outside the subnet");
}

static void run_others(void)
{
    unsigned int fi = VIREO_NETWORK_SECTION_FORWARD_INTERFACE;
    unsigned int pg = VIREO_NETWORK_SECTION_PORTGROUP;

    edit_ok(ADD_LAST, fi, -1, "<interface dev='eth9'/>",
            "<forward dev='eth9' mode='nat'>\n    <interface dev='eth9'/>", NULL,
            "forward interface: add");
    edit_refused(DELETE, fi, -1, "<interface dev='eth9'/>", VIREO_ERR_OPERATION_INVALID,
                 "couldn't find an interface entry in network 'upd' matching",
                 "forward interface: delete one that is not there");
    edit_refused(MODIFY, fi, -1, "<interface dev='eth9'/>", VIREO_ERR_OPERATION_UNSUPPORTED,
                 "forward interface entries cannot be modified", "forward interface: modify");
    edit_ok(ADD_LAST, pg, -1, "<portgroup name='pg2'><bandwidth><inbound average='100'/>"
            "</bandwidth></portgroup>", "<portgroup name='pg2'>\n    <bandwidth>", NULL,
            "portgroup: add with bandwidth");
    edit_ok(MODIFY, pg, -1, "<portgroup name='pg1'/>", "<portgroup name='pg1'>", "default='yes'",
            "portgroup: modify drops default");
    edit_ok(DELETE, pg, -1, "<portgroup name='pg1'/>", "</ip>", "portgroup",
            "portgroup: delete");
    edit_refused(ADD_LAST, pg, -1, "<portgroup name='pg2' default='yes'/>",
                 VIREO_ERR_OPERATION_INVALID, "is already set as the default",
                 "portgroup: a second default");
    edit_refused(ADD_LAST, pg, -1, "<portgroup name='pg1'/>", VIREO_ERR_OPERATION_INVALID,
                 "there is an existing portgroup entry", "portgroup: added twice");
    edit_refused(MODIFY, pg, -1, "<portgroup name='nope'/>", VIREO_ERR_OPERATION_INVALID,
                 "couldn't find a portgroup entry", "portgroup: modify one that is not there");
}

static void run_dns(void)
{
    unsigned int h = VIREO_NETWORK_SECTION_DNS_HOST;
    unsigned int t = VIREO_NETWORK_SECTION_DNS_TXT;
    unsigned int s = VIREO_NETWORK_SECTION_DNS_SRV;

    edit_ok(ADD_LAST, h, -1, "<host ip='192.168.100.51'><hostname>h51</hostname></host>",
            "<host ip='192.168.100.51'>\n      <hostname>h51</hostname>", NULL, "dns host: add");
    edit_ok(ADD_LAST, h, -1, "<host ip='192.168.100.52'><hostname>h50</hostname></host>",
            "<host ip='192.168.100.52'>", NULL, "dns host: one name on a second address");
    edit_ok(DELETE, h, -1, "<host><hostname>h50</hostname></host>", "<txt", "h50",
            "dns host: delete by name");
    edit_refused(ADD_LAST, h, -1, "<host ip='192.168.100.50'><hostname>x</hostname></host>",
                 VIREO_ERR_OPERATION_INVALID, "already at least one DNS HOST record",
                 "dns host: same address added twice");
    edit_refused(DELETE, h, -1, "<host ip='192.168.100.99'/>", VIREO_ERR_OPERATION_INVALID,
                 "couldn't locate a matching DNS HOST record in network upd",
                 "dns host: delete one that is not there");
    edit_refused(MODIFY, h, -1, "<host ip='192.168.100.50'><hostname>x</hostname></host>",
                 VIREO_ERR_OPERATION_UNSUPPORTED, "DNS HOST records cannot be modified",
                 "dns host: modify");
    edit_ok(ADD_FIRST, t, -1, "<txt name='t0' value='v0'/>",
            "<txt name='t0' value='v0'/>\n    <txt name='t1'", NULL, "dns txt: add-first");
    edit_ok(DELETE, t, -1, "<txt name='t1'/>", "<srv", "<txt", "dns txt: delete by name");
    edit_refused(ADD_LAST, t, -1, "<txt name='t1' value='other'/>", VIREO_ERR_OPERATION_INVALID,
                 "there is already a DNS TXT record with name 't1'", "dns txt: added twice");
    edit_ok(ADD_LAST, s, -1, "<srv service='www' protocol='tcp'/>",
            "<srv service='www' protocol='tcp'/>", NULL, "dns srv: add");
    edit_ok(DELETE, s, -1, "<srv service='ldap'/>", "<txt", "ldap", "dns srv: delete");
    edit_refused(DELETE, s, -1, "<srv service='www'/>", VIREO_ERR_OPERATION_INVALID,
                 "couldn't locate a matching DNS SRV record", "dns srv: delete one not there");
    edit_refused(ADD_LAST, s, -1, "<srv service='ldap' protocol='tcp'/>",
                 VIREO_ERR_OPERATION_INVALID, "already at least one DNS SRV record",
                 "dns srv: added twice");
}

static void run_refused_sections(void)
{
    static const struct {
        unsigned int section;
        const char *xml, *name;
    } sections[] = {
        { VIREO_NETWORK_SECTION_BRIDGE, "<bridge name='virbr9'/>", "bridge" },
        { VIREO_NETWORK_SECTION_DOMAIN, "<domain name='x'/>", "domain" },
        { VIREO_NETWORK_SECTION_IP, "<ip address='10.0.0.1' prefix='8'/>", "ip" },
        { VIREO_NETWORK_SECTION_FORWARD, "<forward mode='route'/>", "forward" },
        { VIREO_NETWORK_SECTION_FORWARD_PF, "<pf dev='eth0'/>", "forward pf" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(sections); i++) {
        g_autofree char *sub =
            g_strdup_printf("can't update '%s' section of network 'upd'", sections[i].name);
        g_autofree char *what = g_strdup_printf("section %s", sections[i].name);

        edit_refused(MODIFY, sections[i].section, -1, sections[i].xml,
                     VIREO_ERR_OPERATION_UNSUPPORTED, sub, what);
    }
    edit_refused(MODIFY, 99, -1, "<x/>", VIREO_ERR_OPERATION_UNSUPPORTED,
                 "can't update unrecognized section", "an unknown section");
    edit_refused(42, VIREO_NETWORK_SECTION_DNS_TXT, -1, "<txt name='a' value='b'/>",
                 VIREO_ERR_OPERATION_UNSUPPORTED, "unrecognized network update command code 42",
                 "an unknown command");
}

/* ---- network_addr.c ---- */

static network_ip *mkip(const char *addr, unsigned int prefix)
{
    const char *fam = strchr(addr, ':') ? " family='ipv6'" : "";
    g_autofree char *xml = g_strdup_printf("<network><name>a</name><ip%s address='%s' "
                                           "prefix='%u'/></network>", fam, addr, prefix);
    g_autofree char *xml0 = g_strdup_printf("<network><name>a</name><ip%s address='%s'/>"
                                            "</network>", fam, addr);
    network_def *def = network_def_parse(prefix ? xml : xml0);
    network_ip *ip;

    g_assert(def);
    ip = g_ptr_array_steal_index(def->ips, 0);
    network_def_free(def);
    return ip;
}

static void ip_free(network_ip *ip)
{
    g_autoptr(network_def) def = network_def_parse("<network><name>a</name></network>");

    /* freed through a def, which owns the <ip> free function */
    g_ptr_array_add(def->ips, ip);
}

static void check_overlap(const char *a, unsigned int pa, const char *b, unsigned int pb,
                          bool want)
{
    network_ip *x = mkip(a, pa), *y = mkip(b, pb);

    CHECK(network_ip_overlaps(x, y) == want && network_ip_overlaps(y, x) == want,
          "%s/%u and %s/%u %s", a, pa, b, pb, want ? "overlap" : "do not overlap");
    ip_free(x);
    ip_free(y);
}

static void check_contains(const char *net, unsigned int p, const char *addr, bool want)
{
    network_ip *x = mkip(net, p);

    CHECK(network_ip_contains(x, addr) == want, "%s/%u %s %s", net, p,
          want ? "contains" : "does not contain", addr);
    ip_free(x);
}

static void run_addr(void)
{
    network_ip *x;
    g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL;

    check_overlap("192.168.122.1", 24, "192.168.122.200", 24, true);
    check_overlap("192.168.122.1", 24, "192.168.123.1", 24, false);
    check_overlap("10.0.0.1", 8, "10.200.3.1", 24, true);
    check_overlap("192.168.1.1", 32, "192.168.1.2", 32, false);
    check_overlap("192.168.1.1", 32, "192.168.1.0", 24, true);
    check_overlap("1.2.3.4", 1, "200.0.0.1", 24, false);
    check_overlap("2001:db8::1", 64, "2001:db8::ffff", 64, true);
    check_overlap("2001:db8::1", 64, "2001:db8:0:1::1", 64, false);
    check_overlap("2001:db8::1", 48, "2001:db8:0:1::1", 64, true);
    check_overlap("2001:db8::1", 128, "2001:db8::2", 128, false);
    check_overlap("10.0.0.1", 8, "fd00::1", 64, false);
    check_contains("192.168.122.1", 24, "192.168.122.254", true);
    check_contains("192.168.122.1", 24, "192.168.123.1", false);
    check_contains("192.168.122.1", 32, "192.168.122.1", true);
    check_contains("192.168.122.1", 32, "192.168.122.2", false);
    check_contains("2001:db8::1", 128, "2001:db8::1", true);
    check_contains("2001:db8::1", 128, "2001:db8::2", false);
    check_contains("2001:db8::1", 64, "2001:db8::abcd:1", true);
    check_contains("2001:db8::1", 64, "192.168.1.1", false);
    check_contains("10.1.2.3", 8, "not-an-address", false);
    x = mkip("0.0.0.0", 0);
    CHECK(x->prefix == 0 && network_ip_contains(x, "203.0.113.9"),
          "0.0.0.0 has prefix 0 and contains every IPv4 address");
    ip_free(x);
    x = mkip("::", 0);
    CHECK(x->prefix == 0 && network_ip_contains(x, "2001:db8::1") &&
              !network_ip_contains(x, "10.0.0.1"),
          ":: has prefix 0 and contains every IPv6 address, no IPv4 one");
    ip_free(x);
    check_overlap("::1", 128, "::", 1, true);
    check_overlap("8000::1", 1, "::1", 1, false);
    x = mkip("192.168.122.77", 24);
    s1 = network_ip_subnet(x);
    ip_free(x);
    x = mkip("2001:db8:1:2:3:4:5:6", 64);
    s2 = network_ip_subnet(x);
    ip_free(x);
    x = mkip("172.17.5.9", 0);
    s3 = network_ip_subnet(x);
    CHECK(x->prefix == 16, "172.17.5.9 without prefix has class B's /16");
    ip_free(x);
    CHECK(g_strcmp0(s1, "192.168.122.0") == 0 && g_strcmp0(s2, "2001:db8:1:2::") == 0 &&
              g_strcmp0(s3, "172.17.0.0") == 0,
          "network_ip_subnet: %s, %s, %s", s1, s2, s3);
}

int main(void)
{
    run_dhcp_host();
    run_dhcp_range();
    run_others();
    run_dns();
    run_refused_sections();
    run_addr();
    return check_exit();
}
