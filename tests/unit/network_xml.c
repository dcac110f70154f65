/*
 * network_xml.c: test-network-xml, libvirt's network XML
 * (src/conf/network_def.c and the files beside it, bandwidth.c).
 *
 * For each tests/xml/network/NAME.xml: parse -> format equals
 * NAME.out.xml, which libvirt itself wrote (tests/xml/network/oracle.sh
 * runs Debian's virsh on its test driver), format -> parse -> format is
 * the same, and the output validates against libvirt's network.rng.
 * Each bad-NAME.xml must fail with the code and message substring of
 * bad-NAME.err ("CODE substring"), leaking nothing (the ASan build runs
 * this too).  Then what the corpus cannot show: values kept for the
 * driver (uuid left empty, prefix from a netmask, lease seconds), and
 * the XML libvirt 9.0's schema does not know yet (<title>).
 */
#include <string.h>
#include <sys/socket.h>

#include <glib.h>

#include "check.h"
#include "xml_check.h"
#include "conf/network_def.h"
#include "conf/bandwidth.h"
#include "util/error.h"
#include "util/uuid.h"
#include "util/xml.h"

/* VIREO_REGENERATE does not apply: the expected files are libvirt's */
static char *check_one(const char *dir, const char *name, const char *tmp, bool regen)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *stem = g_strndup(name, strlen(name) - 4);
    g_autofree char *out_path = g_strdup_printf("%s/%s.out.xml", dir, stem);
    g_autofree char *xml = NULL, *out = NULL, *expected = NULL, *again = NULL;
    g_autoptr(network_def) def = NULL;
    g_autoptr(network_def) def2 = NULL;
    char *written;

    (void)regen;
    g_file_get_contents(path, &xml, NULL, NULL);
    def = xml ? network_def_parse(xml) : NULL;
    if (!CHECK(def != NULL, "%s parses", name)) {
        NOTE("%s", xml_check_error());
        return NULL;
    }
    out = network_def_format(def);
    g_file_get_contents(out_path, &expected, NULL, NULL);
    if (!CHECK(expected && strcmp(expected, out) == 0, "%s formats as libvirt does (%s.out.xml)",
               name, stem))
        NOTE("got:\n%s", out);
    def2 = network_def_parse(out);
    again = def2 ? network_def_format(def2) : NULL;
    if (!CHECK(again && strcmp(again, out) == 0, "%s: format -> parse -> format is identical",
               name))
        NOTE("%s", again ? again : xml_check_error());
    written = g_strdup_printf("%s/%s.xml", tmp, stem);
    g_file_set_contents(written, out, -1, NULL);
    return written;
}

static void run_corpus(const char *dir)
{
    g_autoptr(GPtrArray) names = xml_check_inputs(dir, false);

    CHECK(names->len >= 12, "corpus has at least 12 network XMLs (%u)", names->len);
    xml_check_corpus(dir, names, "vireo-network-xml-XXXXXX", check_one, "network.rng");
}

static bool network_refuses(const char *xml, const char *name)
{
    g_autoptr(network_def) def = network_def_parse(xml);

    (void)name;
    return def == NULL;
}

static void run_bad(const char *dir)
{
    g_autoptr(GPtrArray) names = xml_check_inputs(dir, true);

    CHECK(names->len >= 30, "at least 30 bad network XMLs (%u)", names->len);
    for (guint i = 0; i < names->len; i++)
        xml_check_bad(dir, names->pdata[i], VIREO_FROM_NETWORK, network_refuses);
}

static void check_driver_fields(void)
{
    g_autoptr(network_def) def = network_def_parse(
        "<network><name>n</name><forward/>"
        "<ip address='192.168.5.1' netmask='255.255.254.0'><dhcp>"
        "<range start='192.168.5.2' end='192.168.5.9'><lease expiry='2' unit='hours'/></range>"
        "<host mac='52:54:00:AB:CD:EF' ip='192.168.4.7'/></dhcp></ip>"
        "<ip family='ipv6' address='2001:DB8::1'/></network>");
    network_ip *v4, *v6;
    network_dhcp_range *r;
    network_dhcp_host *h;
    g_autofree char *out = def ? network_def_format(def) : NULL;

    if (!CHECK(def != NULL, "a NAT network with DHCP parses")) {
        NOTE("%s", xml_check_error());
        return;
    }
    v4 = def->ips->pdata[0];
    v6 = def->ips->pdata[1];
    r = v4->ranges->pdata[0];
    h = v4->hosts->pdata[0];
    CHECK(def->forward == NETWORK_FORWARD_NAT, "<forward/> without a mode is NAT");
    CHECK(uuid_is_null(def->uuid) && !def->bridge && !def->mac,
          "uuid, bridge and mac stay empty for the driver to fill");
    CHECK(out && !strstr(out, "<uuid>") && strstr(out, "<bridge stp='on' delay='0'/>"),
          "no <uuid> is written while it is empty; <bridge> is, as libvirt does");
    CHECK(v4->family == AF_INET && v4->prefix == 23 && v6->family == AF_INET6 &&
              v6->prefix == 64 && strcmp(v6->address, "2001:db8::1") == 0,
          "prefix from the netmask, IPv6's natural /64, addresses in canonical form");
    CHECK(r->lease_seconds == 7200 && !r->lease_infinite, "a lease of 2 hours is 7200 seconds");
    CHECK(strcmp(h->mac, "52:54:00:ab:cd:ef") == 0, "a DHCP host's MAC is kept in lower case");
    CHECK(network_def_dhcp_ip(def, AF_INET) == v4 && network_def_dhcp_ip(def, AF_INET6) == NULL,
          "network_def_dhcp_ip finds the <ip> with DHCP of each family");
}

static void check_title_and_copy(void)
{
    const char *xml = "<network>\n"
                      "  <name>t</name>\n"
                      "  <uuid>0b1cfc9b-2a8c-4d87-9c54-7c9d0f2b6aff</uuid>\n"
                      "  <title>A title &amp; more</title>\n"
                      "  <description>two\nlines &lt;here&gt;</description>\n"
                      "  <bridge name='virbr9' stp='on' delay='0'/>\n"
                      "  <ip address='10.9.0.1' prefix='16'>\n"
                      "  </ip>\n"
                      "</network>\n";
    g_autoptr(network_def) def = network_def_parse(xml);
    g_autoptr(network_def) copy = def ? network_def_copy(def) : NULL;
    g_autofree char *out = def ? network_def_format(def) : NULL;
    g_autofree char *out2 = copy ? network_def_format(copy) : NULL;

    /* libvirt 9.7 added these; Debian's 9.0 virsh and schema drop them */
    CHECK(out && strcmp(out, xml) == 0, "<title> and <description> are kept, after <uuid>");
    CHECK(out2 && strcmp(out2, xml) == 0 && copy != def, "network_def_copy copies everything");
}

/* what a guest <interface> (src/conf/device_net.c) gets from bandwidth.c */
static void check_bandwidth(void)
{
    g_autoptr(xml_doc) d = xml_doc_parse(
        "<interface><bandwidth><inbound average='1' floor='5' peak='2' burst='3'/>"
        "<outbound average='0'/></bandwidth></interface>", "t", VIREO_FROM_DOMAIN);
    g_autoptr(xml_doc) d2 = xml_doc_parse(
        "<interface><bandwidth><outbound average='1' floor='5'/></bandwidth></interface>", "t",
        VIREO_FROM_DOMAIN);
    g_autoptr(xml_doc) d3 = xml_doc_parse("<interface><bandwidth/></interface>", "t",
                                          VIREO_FROM_DOMAIN);
    vireo_bandwidth *bw = NULL, *bw2 = NULL, *bw3 = NULL, *copy;
    GString *out = g_string_new(NULL);

    CHECK(bandwidth_parse(d, xmlDocGetRootElement(d->doc), &bw) == 0 && bw && bw->in.set &&
              bw->in.floor == 5 && bw->out.set && bw->out.average == 0,
          "bandwidth_parse: a guest's inbound may have a floor");
    copy = bandwidth_copy(bw);
    bandwidth_format(out, copy, 2);
    CHECK(strcmp(out->str, "  <bandwidth>\n    <inbound average='1' peak='2' floor='5' "
                           "burst='3'/>\n  </bandwidth>\n") == 0,
          "bandwidth_format: libvirt's attribute order, a zero rate left out");
    CHECK(bandwidth_parse(d2, xmlDocGetRootElement(d2->doc), &bw2) < 0 && !bw2 &&
              error_last()->code == VIREO_ERR_CONFIG_UNSUPPORTED,
          "a floor on <outbound> is refused even for a guest");
    CHECK(bandwidth_parse(d3, xmlDocGetRootElement(d3->doc), &bw3) == 0 && !bw3,
          "an empty <bandwidth/> is no bandwidth");
    bandwidth_free(bw);
    bandwidth_free(copy);
    g_string_free(out, TRUE);
}

int main(void)
{
    const char *top = g_getenv("VIREO_TOP");
    g_autofree char *dir = g_build_filename(top ? top : ".", "tests", "xml", "network", NULL);

    check_driver_fields();
    check_title_and_copy();
    check_bandwidth();
    run_corpus(dir);
    run_bad(dir);
    return check_exit();
}
