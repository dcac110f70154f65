/*
 * network_dnsmasq.c: a network's dnsmasq (src/drivers/network/
 * network_dnsmasq*.c): the files' text for a set of networks (checked
 * against the text libvirt writes and by dnsmasq --test itself), lease
 * file parsing, and the process life cycle with the real dnsmasq on a
 * bridge in a network namespace of the test's own.
 */
#define _GNU_SOURCE   /* unshare */
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/handles.h"
#include "check.h"
#include "drivers/network/network_dnsmasq.h"
#include "util/error.h"

/* ---- networks built by hand (the same trees network_def_parse makes) ---- */

static network_def *def_new(const char *name)
{
    network_def *d = g_new0(network_def, 1);

    d->name = g_strdup(name);
    d->forward = NETWORK_FORWARD_NAT;
    d->stp = d->ipv6 = d->nat_ipv6 = d->trust_guest_rx_filters = -1;
    d->domain_local_only = -1;
    d->dns.enable = d->dns.forward_plain_names = -1;
    d->ips = g_ptr_array_new();
    d->dns.forwarders = g_ptr_array_new();
    d->dns.txts = g_ptr_array_new();
    d->dns.srvs = g_ptr_array_new();
    d->dns.hosts = g_ptr_array_new();
    return d;
}

static network_ip *def_ip(network_def *d, int family, const char *addr, unsigned int prefix)
{
    network_ip *ip = g_new0(network_ip, 1);

    ip->family = family;
    ip->address = g_strdup(addr);
    ip->prefix = prefix;
    ip->ranges = g_ptr_array_new();
    ip->hosts = g_ptr_array_new();
    g_ptr_array_add(d->ips, ip);
    return ip;
}

static network_dhcp_range *ip_range(network_ip *ip, const char *start, const char *end)
{
    network_dhcp_range *r = g_new0(network_dhcp_range, 1);

    r->start = g_strdup(start);
    r->end = g_strdup(end);
    ip->has_dhcp = true;
    g_ptr_array_add(ip->ranges, r);
    return r;
}

static network_dhcp_host *ip_host(network_ip *ip, const char *mac, const char *id,
                                  const char *name, const char *addr)
{
    network_dhcp_host *h = g_new0(network_dhcp_host, 1);

    h->mac = g_strdup(mac);
    h->id = g_strdup(id);
    h->name = g_strdup(name);
    h->ip = g_strdup(addr);
    ip->has_dhcp = true;
    g_ptr_array_add(ip->hosts, h);
    return h;
}

static void dns_host(network_def *d, const char *addr, const char *n1, const char *n2)
{
    network_dns_host *h = g_new0(network_dns_host, 1);

    h->ip = g_strdup(addr);
    h->hostnames = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(h->hostnames, g_strdup(n1));
    if (n2)
        g_ptr_array_add(h->hostnames, g_strdup(n2));
    g_ptr_array_add(d->dns.hosts, h);
}

/* Frees what the builders above allocate */
static void def_free(network_def *d)
{
    for (guint i = 0; i < d->ips->len; i++) {
        network_ip *ip = g_ptr_array_index(d->ips, i);

        for (guint j = 0; j < ip->ranges->len; j++) {
            network_dhcp_range *r = g_ptr_array_index(ip->ranges, j);

            g_free(r->start), g_free(r->end), g_free(r);
        }
        for (guint j = 0; j < ip->hosts->len; j++) {
            network_dhcp_host *h = g_ptr_array_index(ip->hosts, j);

            g_free(h->mac), g_free(h->id), g_free(h->name), g_free(h->ip), g_free(h);
        }
        g_ptr_array_free(ip->ranges, TRUE);
        g_ptr_array_free(ip->hosts, TRUE);
        g_free(ip->address), g_free(ip->localptr), g_free(ip->bootp_file);
        g_free(ip->bootp_server), g_free(ip->tftp_root), g_free(ip);
    }
    for (guint i = 0; i < d->dns.forwarders->len; i++) {
        network_dns_forwarder *f = g_ptr_array_index(d->dns.forwarders, i);

        g_free(f->addr), g_free(f->domain), g_free(f);
    }
    for (guint i = 0; i < d->dns.txts->len; i++) {
        network_dns_txt *t = g_ptr_array_index(d->dns.txts, i);

        g_free(t->name), g_free(t->value), g_free(t);
    }
    for (guint i = 0; i < d->dns.srvs->len; i++) {
        network_dns_srv *s = g_ptr_array_index(d->dns.srvs, i);

        g_free(s->service), g_free(s->protocol), g_free(s->domain), g_free(s->target), g_free(s);
    }
    for (guint i = 0; i < d->dns.hosts->len; i++) {
        network_dns_host *h = g_ptr_array_index(d->dns.hosts, i);

        g_ptr_array_free(h->hostnames, TRUE);
        g_free(h->ip), g_free(h);
    }
    g_ptr_array_free(d->ips, TRUE);
    g_ptr_array_free(d->dns.forwarders, TRUE);
    g_ptr_array_free(d->dns.txts, TRUE);
    g_ptr_array_free(d->dns.srvs, TRUE);
    g_ptr_array_free(d->dns.hosts, TRUE);
    g_free(d->domain_name), g_free(d->name), g_free(d);
}
/* network_def's own cleanup frees with network_def_free (H1's parser) */
typedef network_def test_def;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(test_def, def_free)

static const char header_default[] =
    "##WARNING:  THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
    "##OVERWRITTEN AND LOST.  Changes to this configuration should be made using:\n"
    "##    virsh net-edit default\n"
    "## or other application using the libvirt API.\n"
    "##\n"
    "## dnsmasq conf file created by vireo\n";

/* dnsmasq itself reads the configuration: it must take every line */
static void check_dnsmasq_accepts(const char *conf, const char *what)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-dnsmasq-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "t.conf", NULL);
    g_autofree char *cmd = NULL, *out = NULL;
    const char *bin = dnsmasq_binary();
    int status = -1;

    if (!bin) {
        SKIP(what, "no dnsmasq binary");
        error_reset();
        return;
    }
    g_file_set_contents(path, conf, -1, NULL);
    cmd = g_strdup_printf("%s --test --conf-file=%s", bin, path);
    g_spawn_command_line_sync(cmd, NULL, &out, &status, NULL);
    CHECK(status == 0, "%s: dnsmasq --test accepts it (%s)", what, out ? g_strstrip(out) : "");
    unlink(path);
    rmdir(dir);
}

/* The configuration libvirt writes for the NAT network below (in C and
 * in XML) on virbr0 with files under /run/vireo/network */
static char *nat_conf_expected(void)
{
    return g_strconcat(header_default,
        "strict-order\n"
        "pid-file=/run/vireo/network/default.pid\n"
        "user=root\n"
        "server=8.8.8.8\n"
        "server=/example.com/192.168.1.1\n"
        "no-resolv\n"
        "domain=example.com\n"
        "expand-hosts\n"
        "local=/example.com/\n"
        "except-interface=lo\n"
        "bind-dynamic\n"
        "interface=virbr0\n"
        "txt-record=example,example value\n"
        "srv-host=_name._tcp.test-domain-name.com,test.example.com,1111,11\n"
        "dhcp-range=192.168.122.2,192.168.122.254,255.255.255.0\n"
        "dhcp-no-override\n"
        "dhcp-authoritative\n"
        "dhcp-leasefile=/run/vireo/network/default.leases\n"
        "dhcp-lease-max=253\n"
        "dhcp-hostsfile=/run/vireo/network/default.hostsfile\n"
        "addn-hosts=/run/vireo/network/default.addnhosts\n"
        "dhcp-option=option:mtu,9000\n"
        "dhcp-range=2001:db8:ac10:fe01::1,ra-only\n", NULL);
}

static void test_conf_nat(void)
{
    g_autoptr(test_def) d = def_new("default");
    network_ip *ip4 = def_ip(d, AF_INET, "192.168.122.1", 24);
    network_dns_forwarder *f1 = g_new0(network_dns_forwarder, 1);
    network_dns_forwarder *f2 = g_new0(network_dns_forwarder, 1);
    network_dns_txt *txt = g_new0(network_dns_txt, 1);
    network_dns_srv *srv = g_new0(network_dns_srv, 1);
    g_autofree char *conf = NULL, *hosts = NULL, *addn = NULL, *want = NULL;

    ip_range(ip4, "192.168.122.2", "192.168.122.254");
    ip_host(ip4, "00:16:3e:77:e2:ed", NULL, "a.example.com", "192.168.122.10");
    ip_host(ip4, "00:16:3e:3e:a9:1a", NULL, NULL, "192.168.122.11");
    ip_host(ip4, NULL, NULL, "byname", "192.168.122.12");
    def_ip(d, AF_INET6, "2001:db8:ac10:fe01::1", 64);
    f1->addr = g_strdup("8.8.8.8");
    f2->domain = g_strdup("example.com");
    f2->addr = g_strdup("192.168.1.1");
    g_ptr_array_add(d->dns.forwarders, f1);
    g_ptr_array_add(d->dns.forwarders, f2);
    txt->name = g_strdup("example");
    txt->value = g_strdup("example value");
    g_ptr_array_add(d->dns.txts, txt);
    srv->service = g_strdup("name");
    srv->protocol = g_strdup("tcp");
    srv->domain = g_strdup("test-domain-name.com");
    srv->target = g_strdup("test.example.com");
    srv->port = 1111, srv->has_port = true;
    srv->priority = 11, srv->has_priority = true;
    g_ptr_array_add(d->dns.srvs, srv);
    dns_host(d, "192.168.122.2", "myhost", "myhostalias");
    d->domain_name = g_strdup("example.com");
    d->domain_local_only = 1;
    d->mtu = 9000;

    CHECK(dnsmasq_needed(d), "a NAT network with DHCP needs dnsmasq");
    conf = dnsmasq_conf_format(d, "virbr0", "/run/vireo/network");
    want = nat_conf_expected();
    CHECK(strcmp(conf, want) == 0, "NAT network: the configuration libvirt writes");
    if (strcmp(conf, want) != 0)
        NOTE("got:\n%s", conf);
    check_dnsmasq_accepts(conf, "NAT network");

    hosts = dnsmasq_hostsfile_format(d);
    CHECK(strcmp(hosts, "00:16:3e:77:e2:ed,192.168.122.10,a.example.com\n"
                        "00:16:3e:3e:a9:1a,192.168.122.11\n"
                        "byname,192.168.122.12\n") == 0,
          "DHCP hosts: mac,ip,name / mac,ip / name,ip");
    addn = dnsmasq_addnhosts_format(d);
    CHECK(strcmp(addn, "192.168.122.2\tmyhost\tmyhostalias\n") == 0,
          "DNS hosts: the address and its names");
}

static const char nat_xml[] =
    "<network>\n"
    "  <name>default</name>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge name='virbr0'/>\n"
    "  <mtu size='9000'/>\n"
    "  <domain name='example.com' localOnly='yes'/>\n"
    "  <dns>\n"
    "    <txt name='example' value='example value'/>\n"
    "    <forwarder addr='8.8.8.8'/>\n"
    "    <forwarder domain='example.com' addr='192.168.1.1'/>\n"
    "    <srv service='name' protocol='tcp' domain='test-domain-name.com'"
    " target='test.example.com' port='1111' priority='11'/>\n"
    "    <host ip='192.168.122.2'>\n"
    "      <hostname>myhost</hostname>\n"
    "      <hostname>myhostalias</hostname>\n"
    "    </host>\n"
    "  </dns>\n"
    "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
    "      <host mac='00:16:3e:77:e2:ed' name='a.example.com' ip='192.168.122.10'/>\n"
    "      <host mac='00:16:3e:3e:a9:1a' ip='192.168.122.11'/>\n"
    "      <host name='byname' ip='192.168.122.12'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "  <ip family='ipv6' address='2001:db8:ac10:fe01::1' prefix='64'/>\n"
    "</network>\n";

/* The same network through network_def_parse (conf/network_def.c) */
static void test_conf_from_xml(void)
{
    g_autoptr(network_def) d = network_def_parse(nat_xml);
    g_autofree char *conf = NULL, *want = nat_conf_expected();

    CHECK(d != NULL, "the NAT network's XML parses (%s)", error_last() ? error_last()->message : "");
    if (!d)
        return;
    conf = dnsmasq_conf_format(d, "virbr0", "/run/vireo/network");
    CHECK(strcmp(conf, want) == 0, "from XML: the same configuration");
    if (strcmp(conf, want) != 0)
        NOTE("got:\n%s", conf);
    g_free(conf);
    conf = dnsmasq_hostsfile_format(d);
    CHECK(strcmp(conf, "00:16:3e:77:e2:ed,192.168.122.10,a.example.com\n"
                       "00:16:3e:3e:a9:1a,192.168.122.11\n"
                       "byname,192.168.122.12\n") == 0,
          "from XML: the same DHCP hosts");
}

static void test_conf_dhcp6(void)
{
    g_autoptr(test_def) d = def_new("default");
    network_ip *ip4 = def_ip(d, AF_INET, "192.168.122.1", 24);
    network_ip *ip6 = def_ip(d, AF_INET6, "2001:db8:ac10:fd01::1", 64);
    network_dhcp_range *r;
    network_dhcp_host *h;
    g_autofree char *conf = NULL, *hosts = NULL;

    r = ip_range(ip4, "192.168.122.2", "192.168.122.254");
    r->lease_seconds = 7200, r->lease_unit = 2;
    r = ip_range(ip6, "2001:db8:ac10:fd01::1:10", "2001:db8:ac10:fd01::1:ff");
    r->lease_infinite = true;
    h = ip_host(ip4, "00:16:3e:77:e2:ed", NULL, "a.example.com", "192.168.122.10");
    h->lease_seconds = 300, h->lease_unit = 1;
    ip_host(ip6, NULL, "0:4:7e:7d:f0:7d:a8:bc:c5:d2:13:32:11:ed:16:ea:84:63", NULL,
            "2001:db8:ac10:fd01::1:20");
    ip_host(ip6, NULL, NULL, "paul", "2001:db8:ac10:fd01::1:21");
    ip_host(ip6, NULL, "0:3:0:1:0:16:3e:11:22:33", "peter.xyz", "2001:db8:ac10:fd01::1:22");

    conf = dnsmasq_conf_format(d, "virbr0", "/r");
    CHECK(strstr(conf, "\ndhcp-range=192.168.122.2,192.168.122.254,255.255.255.0,2h\n"
                       "dhcp-no-override\ndhcp-authoritative\n"
                       "dhcp-range=2001:db8:ac10:fd01::1:10,2001:db8:ac10:fd01::1:ff,64,infinite\n"
                       "dhcp-leasefile=/r/default.leases\n"
                       "dhcp-lease-max=493\n") != NULL,
          "DHCPv4 and DHCPv6 ranges with lease times, prefix and the summed lease maximum");
    CHECK(g_str_has_suffix(conf, "addn-hosts=/r/default.addnhosts\nenable-ra\n"),
          "router advertisements with DHCPv6");
    check_dnsmasq_accepts(conf, "DHCPv6 network");
    hosts = dnsmasq_hostsfile_format(d);
    CHECK(strcmp(hosts, "00:16:3e:77:e2:ed,192.168.122.10,a.example.com,5m\n"
                        "id:0:4:7e:7d:f0:7d:a8:bc:c5:d2:13:32:11:ed:16:ea:84:63,"
                        "[2001:db8:ac10:fd01::1:20]\n"
                        "paul,[2001:db8:ac10:fd01::1:21]\n"
                        "id:0:3:0:1:0:16:3e:11:22:33,peter.xyz,[2001:db8:ac10:fd01::1:22]\n") == 0,
          "DHCPv6 hosts: id:DUID,name,[ip]");
}

static void test_conf_no_dns(void)
{
    g_autoptr(test_def) d = def_new("local");
    network_ip *ip4 = def_ip(d, AF_INET, "192.168.122.1", 24);
    g_autofree char *conf = NULL;

    d->forward = NETWORK_FORWARD_ROUTE;
    d->dns.enable = 0;
    CHECK(!dnsmasq_needed(d), "no DHCP, DNS off, no IPv6: no dnsmasq");
    ip_host(ip4, "00:16:3e:77:e2:ed", NULL, "a", "192.168.122.10");
    d->dns.forward_plain_names = 0;   /* meaningless with DNS off */
    CHECK(dnsmasq_needed(d), "static DHCP hosts alone need dnsmasq");
    conf = dnsmasq_conf_format(d, "virbr1", "/r");
    CHECK(strstr(conf, "\nuser=root\nport=0\nexcept-interface=lo\nbind-dynamic\ninterface=virbr1\n"
                       "dhcp-range=192.168.122.1,static,255.255.255.0\n") &&
              !strstr(conf, "addn-hosts") && !strstr(conf, "dhcp-lease-max") &&
              !strstr(conf, "domain-needed"),
          "DNS off: port=0, no DNS hosts; hosts only: a static range, no lease maximum");
    check_dnsmasq_accepts(conf, "routed network without DNS");

    d->forward = NETWORK_FORWARD_BRIDGE;
    CHECK(!dnsmasq_needed(d), "a host bridge network has no dnsmasq");
    d->forward = NETWORK_FORWARD_NONE;
    d->dns.enable = 1;
    d->dns.forward_plain_names = 0;
    g_free(conf);
    conf = dnsmasq_conf_format(d, "virbr1", "/r");
    CHECK(strstr(conf, "\nuser=root\ndomain-needed\nlocal=//\nexcept-interface=lo\n") != NULL,
          "forwardPlainNames='no': domain-needed and local=//");
}

static void test_leases_parse(void)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(dhcp_lease_free);
    const char *text =
        "2000000000 52:54:00:aa:bb:cc 192.168.122.50 guest1 01:52:54:00:aa:bb:cc\n"
        "0 52:54:00:AA:BB:DD 192.168.122.51 * *\n"
        "1000 52:54:00:aa:bb:ee 192.168.122.52 old *\n"
        "duid 00:01:00:01:2c:aa:bb:cc:52:54:00:11:22:33\n"
        "2000000000 1234 2001:db8:ac10:fd01::1:20 guest6 00:03:00:01:52:54:00:aa:bb:cc\n";
    vireo_network_dhcp_lease *l;

    dnsmasq_leases_parse(text, 1500000000, "virbr0", NULL, out);
    CHECK(out->len == 3, "expired leases and the duid line are skipped (%u)", out->len);
    if (out->len != 3)
        return;
    l = g_ptr_array_index(out, 0);
    CHECK(l->type == VIREO_IP_ADDR_TYPE_IPV4 && !strcmp(l->mac, "52:54:00:aa:bb:cc") &&
              !strcmp(l->ipaddr, "192.168.122.50") && !strcmp(l->hostname, "guest1") &&
              !strcmp(l->clientid, "01:52:54:00:aa:bb:cc") && l->expirytime == 2000000000 &&
              !strcmp(l->iface, "virbr0"),
          "an IPv4 lease: mac, address, hostname, client id, expiry, bridge");
    l = g_ptr_array_index(out, 1);
    CHECK(!l->hostname && !l->clientid && l->expirytime == 0 &&
              !strcmp(l->mac, "52:54:00:aa:bb:dd"),
          "'*' is no hostname, expiry 0 never expires, the mac in lower case");
    l = g_ptr_array_index(out, 2);
    CHECK(l->type == VIREO_IP_ADDR_TYPE_IPV6 && !l->mac && !strcmp(l->iaid, "1234") &&
              !strcmp(l->ipaddr, "2001:db8:ac10:fd01::1:20") &&
              !strcmp(l->clientid, "00:03:00:01:52:54:00:aa:bb:cc"),
          "an IPv6 lease: iaid, address, DUID");
    g_ptr_array_set_size(out, 0);
    dnsmasq_leases_parse(text, 1500000000, "virbr0", "52:54:00:AA:BB:CC", out);
    CHECK(out->len == 1, "a MAC filter keeps that MAC's leases only");
}

/* ---- the real dnsmasq, in a namespace of our own ---- */

static bool process_gone(pid_t pid, int ms)
{
    for (int i = 0; i < ms / 20; i++) {
        g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
        g_autofree char *stat = NULL;
        const char *paren;

        if (!g_file_get_contents(path, &stat, NULL, NULL))
            return true;
        paren = strrchr(stat, ')');
        if (paren && paren[1] == ' ' && paren[2] == 'Z')
            return true;   /* exited: init has not reaped it yet */
        g_usleep(20000);
    }
    return false;
}

static bool file_exists(const char *dir, const char *name)
{
    g_autofree char *p = g_build_filename(dir, name, NULL);

    return g_file_test(p, G_FILE_TEST_EXISTS);
}

static bool run(const char *cmd)
{
    return system(cmd) == 0;
}

static void test_process(void)
{
    g_autoptr(test_def) d = def_new("net1");
    network_ip *ip4 = def_ip(d, AF_INET, "10.77.0.1", 24);
    g_autofree char *dir = g_dir_make_tmp("vireo-dnsmasq-run-XXXXXX", NULL);
    g_autofree char *conf = NULL, *cmd = NULL;
    const vireo_error *e;
    pid_t pid, pid2;

    if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
        SKIP("dnsmasq life cycle", "cannot create a network namespace (not root?)");
        return;
    }
    if (!run("ip link set lo up && ip link add vbr0 type bridge && "
             "ip addr add 10.77.0.1/24 dev vbr0 && ip link set vbr0 up")) {
        SKIP("dnsmasq life cycle", "cannot create a bridge");
        return;
    }
    ip_range(ip4, "10.77.0.10", "10.77.0.20");
    dns_host(d, "10.77.0.5", "fixed", NULL);

    g_setenv("VIREO_DNSMASQ", "/nonexistent/dnsmasq", TRUE);
    pid = dnsmasq_start(d, "vbr0", dir);
    e = error_last();
    CHECK(pid == -1 && e && e->code == VIREO_ERR_OPERATION_FAILED &&
              strstr(e->message, "Cannot find '/nonexistent/dnsmasq' in path"),
          "a missing binary: OPERATION_FAILED naming it (%s)", e ? e->message : "");
    CHECK(!file_exists(dir, "net1.conf") && !file_exists(dir, "net1.hostsfile"),
          "a missing binary writes no file");
    g_unsetenv("VIREO_DNSMASQ");
    error_reset();

    pid = dnsmasq_start(d, "vbr0", dir);
    CHECK(pid > 0, "dnsmasq starts on the bridge (%s)", error_last() ? error_last()->message : "");
    if (pid <= 0)
        return;
    cmd = g_strdup_printf("test \"$(cat %s/net1.pid)\" = %d", dir, (int)pid);
    CHECK(run(cmd), "its pid file holds the pid returned");
    CHECK(getpgid(pid) != getpgid(0) && getsid(pid) != getsid(0),
          "it runs in a session of its own: a signal to vireod's group does not reach it");
    CHECK(dnsmasq_find("net1", dir) == pid, "found again from its pid file (a restarted vireod)");
    CHECK(dnsmasq_find("net2", dir) == 0, "another network's name finds nothing");

    /* a second dnsmasq on the same bridge cannot bind */
    {
        g_autoptr(test_def) d2 = def_new("net2");
        network_ip *ip = def_ip(d2, AF_INET, "10.77.0.1", 24);

        ip_range(ip, "10.77.0.30", "10.77.0.40");
        pid2 = dnsmasq_start(d2, "vbr0", dir);
        e = error_last();
        CHECK(pid2 == -1 && e && e->code == VIREO_ERR_INTERNAL_ERROR &&
                  strstr(e->message, "net2") && strstr(e->message, "dnsmasq: failed to create listening socket"),
              "a port in use: dnsmasq's own message (%s)", e ? e->message : "");
        CHECK(!file_exists(dir, "net2.conf") && !file_exists(dir, "net2.pid") &&
                  !file_exists(dir, "net2.leases") && !file_exists(dir, "net2.hostsfile") &&
                  !file_exists(dir, "net2.addnhosts"),
              "a failed start leaves no file");
        error_reset();
    }

    dns_host(d, "10.77.0.6", "added", NULL);
    CHECK(dnsmasq_reload(d, dir, pid) == 0, "reload");
    conf = g_build_filename(dir, "net1.addnhosts", NULL);
    cmd = (g_free(cmd), g_strdup_printf("grep -q added %s", conf));
    CHECK(run(cmd), "reload rewrites the DNS hosts");
    CHECK(dnsmasq_find("net1", dir) == pid, "and keeps the same dnsmasq");

    dnsmasq_stop("net1", dir, pid);
    CHECK(process_gone(pid, 3000), "stop ends dnsmasq");
    CHECK(!file_exists(dir, "net1.pid") && !file_exists(dir, "net1.conf"),
          "stop removes its pid file and configuration");
    CHECK(file_exists(dir, "net1.leases"), "the lease file stays, as libvirt's status");
    CHECK(dnsmasq_find("net1", dir) == 0, "a stopped dnsmasq is not found");
    CHECK(dnsmasq_reload(d, dir, pid) == -1, "reloading a stopped dnsmasq fails");
    error_reset();
    dnsmasq_stop("net1", dir, pid);   /* twice: harmless */
    cmd = (g_free(cmd), g_strdup_printf("rm -rf %s", dir));
    run(cmd);
}

int main(void)
{
    test_conf_nat();
    test_conf_from_xml();
    test_conf_dhcp6();
    test_conf_no_dns();
    test_leases_parse();
    test_process();
    return check_exit();
}
