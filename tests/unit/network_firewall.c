/* Tests of drivers/network/network_firewall: a network's nftables table
 * for each forward mode, in the test's own network namespace, with
 * foreign tables beside it that must stay byte for byte as they were,
 * and real traffic from a "guest" namespace behind the bridge to an
 * "outside" namespace (TCP: the outside tells the address it saw).
 *
 * tests/network/firewall/NAME.xml -> NAME.nft: the script each network
 * gets, loaded into nftables too.  VIREO_REGENERATE=1 rewrites the .nft
 * files (review them by eye). */
#define _GNU_SOURCE   /* unshare, setns */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <glib.h>

#include "check.h"
#include "netns_test.h"
#include "conf/network_def.h"
#include "drivers/network/network_firewall.h"
#include "util/error.h"
#include "util/netdev.h"
#include "util/nft.h"

#define BR "vbr-fw"
#define TABLE "vireo_vbr_x2dfw"
#define PORT 7777

static const char *last_message(void)
{
    const vireo_error *e = error_last();

    return e && e->message ? e->message : "";
}

/* CHECK, and when it fails a note with the thread's error */
#define CHECK_E(cond, ...) \
    (CHECK(cond, __VA_ARGS__) || (NOTE("error: %s", last_message()), false))

static network_def *def_for(const char *mode_xml, const char *name)
{
    g_autofree char *xml = g_strdup_printf(
        "<network><name>%s</name>%s<bridge name='" BR "'/>"
        "<ip address='192.168.150.1' netmask='255.255.255.0'><dhcp>"
        "<range start='192.168.150.2' end='192.168.150.254'/></dhcp></ip>"
        "<ip family='ipv6' address='fd00:150::1' prefix='64'/></network>",
        name, mode_xml);
    network_def *def = network_def_parse(xml);

    if (!def)
        NOTE("cannot parse the test network %s: %s", name, last_message());
    return def;
}

static char *table_text(void)
{
    return nft_run_output(VIREO_FROM_NETWORK, "test", "list table inet " TABLE "\n");
}

static char *foreign_text(void)
{
    return netns_test_capture("nft list table inet other; nft list table ip nat");
}

static bool has(const char *text, const char *needle)
{
    if (text && strstr(text, needle))
        return true;
    NOTE("missing: %s", needle);
    return false;
}

static void test_rules(void)
{
    g_autoptr(network_def) nat = def_for("<forward mode='nat'/>", "fwnat");
    g_autoptr(network_def) route = def_for("<forward mode='route'/>", "fwroute");
    g_autoptr(network_def) iso = def_for("", "fwiso");
    g_autoptr(network_def) open = def_for("<forward mode='open'/>", "fwopen");
    g_autofree char *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL;
    g_auto(GStrv) tables = NULL;

    if (!nat || !route || !iso || !open) {
        CHECK(false, "firewall: test networks parse");
        return;
    }
    CHECK_E(network_firewall_add(nat, BR) == 0, "nat: add");
    t1 = table_text();
    CHECK(has(t1, "masquerade to :1024-65535") && has(t1, "meta l4proto tcp") &&
              has(t1, "meta l4proto udp") &&
              has(t1, "ip saddr 192.168.150.0/24 ip daddr 224.0.0.0/24 return") &&
              has(t1, "ip saddr 192.168.150.0/24 ip daddr 255.255.255.255 return") &&
              has(t1, "ip saddr 192.168.150.0/24 ip daddr != 192.168.150.0/24 masquerade\n"),
          "nat: masquerade rules");
    CHECK(has(t1, "oifname \"" BR "\" ip daddr 192.168.150.0/24 ct state established,related accept") &&
              has(t1, "iifname \"" BR "\" ip saddr 192.168.150.0/24 accept") &&
              has(t1, "oifname \"" BR "\" ip6 daddr fd00:150::/64 accept") &&
              has(t1, "oifname \"" BR "\" reject") && has(t1, "iifname \"" BR "\" reject"),
          "nat: forward rules (IPv4 replies only, IPv6 routed)");
    CHECK(has(t1, "udp dport { 53, 67, 547 } accept") && has(t1, "tcp dport 53 accept") &&
              has(t1, "udp dport { 68, 546 } accept"),
          "nat: DHCP and DNS to the host accepted");
    CHECK(network_firewall_add(nat, BR) == 0, "nat: add again");
    t2 = table_text();
    CHECK(g_strcmp0(t1, t2) == 0, "nat: add twice leaves the same table");
    tables = network_firewall_tables();
    CHECK(tables && g_strv_length(tables) == 1 && strcmp(tables[0], TABLE) == 0,
          "tables: lists the one table");

    CHECK_E(network_firewall_add(route, BR) == 0, "route: replaces nat");
    t3 = table_text();
    CHECK(t3 && !strstr(t3, "masquerade") && !strstr(t3, "ct state") &&
              has(t3, "oifname \"" BR "\" ip daddr 192.168.150.0/24 accept") &&
              has(t3, "iifname \"" BR "\" ip saddr 192.168.150.0/24 accept"),
          "route: forwarding both ways, no NAT");

    CHECK_E(network_firewall_add(iso, BR) == 0, "isolated: add");
    t4 = table_text();
    CHECK(t4 && !strstr(t4, "masquerade") && !strstr(t4, "192.168.150.0/24 accept") &&
              has(t4, "oifname \"" BR "\" reject") && has(t4, "iifname \"" BR "\" reject") &&
              has(t4, "udp dport { 53, 67, 547 } accept"),
          "isolated: only rejects, DHCP/DNS to the host");

    CHECK(network_firewall_add(open, BR) == 0 && !nft_table_exists("inet", TABLE),
          "open: no table");
    CHECK(network_firewall_remove(BR) == 0, "remove: when there is none, no error");
    CHECK(network_firewall_add(nat, BR) == 0 && network_firewall_remove(BR) == 0 &&
              !nft_table_exists("inet", TABLE),
          "remove: the table goes");

    /* refused input: nothing made; a refused script keeps the old table */
    error_reset();
    CHECK_E(network_firewall_add(nat, "vbr\"x") < 0 && error_last() &&
              error_last()->code == VIREO_ERR_BUILD_FIREWALL && strstr(last_message(), "fwnat"),
          "refused: a bridge name nft cannot hold names the network");
    CHECK(network_firewall_add(nat, BR) == 0, "refused: old table in place");
    nat->nat_port_start = 1024;
    nat->nat_port_end = 70000;
    error_reset();
    CHECK_E(network_firewall_add(nat, BR) < 0 && error_last() &&
              error_last()->code == VIREO_ERR_BUILD_FIREWALL &&
              error_last()->domain == VIREO_FROM_NETWORK && strstr(last_message(), "fwnat"),
          "refused: nft refuses port 70000, BUILD_FIREWALL naming the network");
    g_free(t2);
    t2 = table_text();
    CHECK(g_strcmp0(t1, t2) == 0, "refused: the previous table is untouched");
    nat->nat_port_start = 0;
    nat->nat_port_end = 0;
    nat->nat_addr_start = g_strdup("10.99.0.1");
    CHECK(network_firewall_add(nat, BR) == 0, "nat: with <address start=''>");
    g_free(t2);
    t2 = table_text();
    CHECK(has(t2, "snat ip to 10.99.0.1:1024-65535") && has(t2, "snat ip to 10.99.0.1\n"),
          "nat: snat to the given address");
    g_clear_pointer(&nat->nat_addr_start, g_free);
    network_firewall_remove(BR);
}

static void test_expected(void)
{
    const char *top = g_getenv("VIREO_TOP");
    bool regen = g_strcmp0(g_getenv("VIREO_REGENERATE"), "1") == 0;
    g_autofree char *dir = g_build_filename(top ? top : ".", "tests/network/firewall", NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    int count = 0;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *xml_path = NULL, *nft_path = NULL, *xml = NULL, *want = NULL;
        g_autofree char *got = NULL, *base = NULL;
        g_autoptr(network_def) def = NULL;

        if (!g_str_has_suffix(n, ".xml"))
            continue;
        count++;
        base = g_strndup(n, strlen(n) - 4);
        xml_path = g_build_filename(dir, n, NULL);
        nft_path = g_strdup_printf("%s/%s.nft", dir, base);
        g_file_get_contents(xml_path, &xml, NULL, NULL);
        def = xml ? network_def_parse(xml) : NULL;
        got = def ? network_firewall_script(def, def->bridge) : NULL;
        if (!CHECK(got, "expected %s: a script (%s)", base, last_message()))
            continue;
        if (regen)
            g_file_set_contents(nft_path, got, -1, NULL);
        g_file_get_contents(nft_path, &want, NULL, NULL);
        if (!CHECK(g_strcmp0(got, want) == 0, "expected %s: script as %s.nft", base, base))
            NOTE("got:\n%s", got);
        CHECK_E(network_firewall_add(def, def->bridge) == 0 &&
                  network_firewall_remove(def->bridge) == 0,
              "expected %s: nftables takes it", base);
    }
    if (d)
        g_dir_close(d);
    CHECK(count >= 6, "expected: %d networks in %s", count, dir);
}

/* A process holding a new network namespace; its pid */
static pid_t ns_new(void)
{
    int p[2];
    char c;
    pid_t pid;

    if (pipe(p) < 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        close(p[0]);
        if (unshare(CLONE_NEWNET) < 0)
            _exit(1);
        if (write(p[1], "x", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    if (pid < 0 || read(p[0], &c, 1) != 1) {
        close(p[0]);
        return -1;
    }
    close(p[0]);
    return pid;
}

static bool ns_sh(pid_t ns, const char *cmd)
{
    g_autofree char *full = g_strdup_printf("nsenter -t %d -n sh -c '%s'", (int)ns, cmd);

    if (system(full) == 0)
        return true;
    NOTE("failed: %s", full);
    return false;
}

static bool ns_join(pid_t ns)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/ns/net", (int)ns);
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    return fd >= 0 && setns(fd, CLONE_NEWNET) == 0;
}

/* In ns: a TCP server telling each client the address it came from */
static pid_t server_start(pid_t ns)
{
    pid_t pid = fork();

    if (pid == 0) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT) };
        int one = 1, s;

        if (!ns_join(ns))
            _exit(1);
        s = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 8) < 0)
            _exit(1);
        for (;;) {
            struct sockaddr_in peer;
            socklen_t len = sizeof(peer);
            int c = accept(s, (struct sockaddr *)&peer, &len);
            char buf[INET_ADDRSTRLEN] = "";

            if (c < 0)
                continue;
            inet_ntop(AF_INET, &peer.sin_addr, buf, sizeof(buf));
            if (write(c, buf, strlen(buf)) < 0)
                _exit(1);
            close(c);
        }
    }
    return pid;
}

/* From ns, connect to addr:PORT; the address the server saw, or "" */
static char *client_ask(pid_t ns, const char *addr)
{
    int p[2];
    char buf[64] = "";
    ssize_t n;
    pid_t pid;

    if (pipe(p) < 0)
        return g_strdup("");
    pid = fork();
    if (pid == 0) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT) };
        struct timeval tv = { .tv_sec = 2 };
        int s;
        ssize_t r;

        close(p[0]);
        if (!ns_join(ns))
            _exit(1);
        inet_pton(AF_INET, addr, &a.sin_addr);
        s = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
            _exit(0);
        r = read(s, buf, sizeof(buf) - 1);
        if (r > 0 && write(p[1], buf, (size_t)r) < 0)
            _exit(1);
        _exit(0);
    }
    close(p[1]);
    n = read(p[0], buf, sizeof(buf) - 1);
    close(p[0]);
    waitpid(pid, NULL, 0);
    buf[n > 0 ? n : 0] = '\0';
    return g_strdup(buf);
}

static void test_traffic(void)
{
    g_autoptr(network_def) nat = def_for("<forward mode='nat'/>", "fwnat");
    g_autoptr(network_def) route = def_for("<forward mode='route'/>", "fwroute");
    g_autoptr(network_def) iso = def_for("", "fwiso");
    g_autofree char *seen = NULL, *cmd = NULL;
    pid_t guest, outside, server;
    bool ok;

    if (system("command -v nsenter >/dev/null") != 0) {
        SKIP("traffic through the rules", "no nsenter (util-linux) to configure the namespaces");
        return;
    }
    guest = ns_new();
    outside = ns_new();
    if (guest < 0 || outside < 0 || !nat || !route || !iso) {
        CHECK(false, "traffic: namespaces for guest and outside");
        return;
    }
    cmd = g_strdup_printf(
        "ip link add vfw-g type veth peer name vfw-gi netns %d && "
        "ip link add vfw-o type veth peer name vfw-oi netns %d && "
        "ip link set vfw-g up && ip addr add 10.99.0.1/24 dev vfw-o && ip link set vfw-o up",
        (int)guest, (int)outside);
    ok = netdev_bridge_create(BR, NULL, 0, false, 0) == 0 &&
         netdev_add_address(BR, "192.168.150.1", 24) == 0 && netdev_set_up(BR, true) == 0 &&
         system(cmd) == 0 && netdev_bridge_attach(BR, "vfw-g") == 0 &&
         netdev_sysctl_set("net/ipv4/ip_forward", "1") == 0 &&
         ns_sh(guest, "ip link set lo up && ip addr add 192.168.150.10/24 dev vfw-gi && "
                      "ip link set vfw-gi up && ip route add default via 192.168.150.1") &&
         ns_sh(outside, "ip link set lo up && ip addr add 10.99.0.2/24 dev vfw-oi && "
                        "ip link set vfw-oi up");
    server = ok ? server_start(outside) : -1;
    if (!CHECK_E(ok && server > 0, "traffic: bridge, guest and outside wired"))
        goto out;
    g_usleep(300000);

    seen = client_ask(guest, "10.99.0.2");
    CHECK(strcmp(seen, "") == 0, "no rules, no route back: the guest cannot reach out (%s)", seen);

    CHECK(network_firewall_add(nat, BR) == 0, "traffic: nat rules");
    g_free(seen);
    seen = client_ask(guest, "10.99.0.2");
    CHECK(strcmp(seen, "10.99.0.1") == 0, "nat: the guest reaches out as the host (%s)", seen);

    CHECK(network_firewall_add(iso, BR) == 0, "traffic: isolated rules");
    ns_sh(outside, "ip route add 192.168.150.0/24 via 10.99.0.1");
    g_free(seen);
    seen = client_ask(guest, "10.99.0.2");
    CHECK(strcmp(seen, "") == 0, "isolated: no forwarding, even with a route back (%s)", seen);

    CHECK(network_firewall_add(route, BR) == 0, "traffic: route rules");
    g_free(seen);
    seen = client_ask(guest, "10.99.0.2");
    CHECK(strcmp(seen, "192.168.150.10") == 0, "route: forwarded with the guest's address (%s)",
          seen);
    ns_sh(outside, "ip route del 192.168.150.0/24 via 10.99.0.1");
    g_free(seen);
    seen = client_ask(guest, "10.99.0.2");
    CHECK(strcmp(seen, "") == 0, "route: no rewriting (no route back, no answer) (%s)", seen);
    network_firewall_remove(BR);

 out:
    if (server > 0)
        kill(server, SIGKILL);
    kill(guest, SIGKILL);
    kill(outside, SIGKILL);
    while (wait(NULL) > 0)
        ;
    system("ip link del vfw-o 2>/dev/null");
    netdev_delete(BR);
}

int main(void)
{
    const char *why = netns_test_enter();
    const char *nowhy = NULL;
    g_autofree char *before = NULL, *after = NULL, *stateless1 = NULL, *stateless2 = NULL;
    g_auto(GStrv) tables = NULL;

    if (why) {
        SKIP("network firewall", why);
        return 0;
    }
    if (!nft_available(&nowhy)) {
        SKIP("network firewall", nowhy);
        return 0;
    }
    CHECK_E(nft_run(VIREO_FROM_NETWORK, "foreign tables",
                  "table inet other {\n  chain c {\n    type filter hook forward priority 0; "
                  "policy accept;\n    counter\n  }\n}\n"
                  "table ip nat {\n  chain post {\n    type nat hook postrouting priority 100; "
                  "policy accept;\n    ip saddr 10.0.0.0/8 oifname \"nowhere\" masquerade\n  }\n}\n") == 0,
          "foreign tables made");
    before = foreign_text();
    stateless1 = netns_test_capture("nft -s list table inet other; nft -s list table ip nat");
    test_rules();
    test_expected();
    after = foreign_text();
    CHECK(strlen(before) > 100 && strcmp(before, after) == 0,
          "foreign tables byte for byte the same after the adds and removes");
    test_traffic();
    stateless2 = netns_test_capture("nft -s list table inet other; nft -s list table ip nat");
    CHECK(strstr(stateless1, "masquerade") && strcmp(stateless1, stateless2) == 0,
          "foreign tables the same after the traffic tests (but their counters)");
    tables = network_firewall_tables();
    CHECK(tables && !tables[0], "no vireo table left");
    error_reset();
    CHECK_E(nft_run(VIREO_FROM_NETWORK, "network 'x'", "add tabel inet x\n") < 0 &&
              error_last()->code == VIREO_ERR_BUILD_FIREWALL &&
              strstr(last_message(), "network 'x'") && strstr(last_message(), "syntax error"),
          "nft_run: a bad script reports what nft said");
    return check_exit();
}
