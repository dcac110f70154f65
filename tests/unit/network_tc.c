/* Tests of drivers/network/network_tc: <bandwidth> as tc qdiscs on a
 * veth in the test's own network namespace, read back with tc(8). */
#define _GNU_SOURCE   /* unshare */
#include <limits.h>
#include <string.h>

#include <glib.h>

#include "check.h"
#include "netns_test.h"
#include "drivers/network/network_tc.h"
#include "util/error.h"
#include "util/netdev.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEV "vtc-a"

static const char *last_message(void)
{
    const vireo_error *e = error_last();

    return e && e->message ? e->message : "";
}

/* CHECK, and when it fails a note with the thread's error */
#define CHECK_E(cond, ...) \
    (CHECK(cond, __VA_ARGS__) || (NOTE("error: %s", last_message()), false))

static char *tc(const char *what)
{
    g_autofree char *cmd = g_strdup_printf("tc %s 2>&1", what);

    /* one line, so that it can be shown in a TAP line */
    return g_strdelimit(netns_test_capture(cmd), "\n", ' ');
}

static bool no_qdiscs(void)
{
    g_autofree char *q = tc("qdisc show dev " DEV);

    return !strstr(q, "htb") && !strstr(q, "ingress");
}

static void test_shape(void)
{
    vireo_bandwidth bw = { .in = { .set = true, .average = 1000, .peak = 2000, .burst = 256 } };
    g_autofree char *q = NULL, *c = NULL;

    CHECK_E(network_tc_set(DEV, &bw, false) == 0, "shape: inbound on a tap-like device");
    q = tc("qdisc show dev " DEV);
    c = tc("class show dev " DEV);
    CHECK(strstr(q, "qdisc htb 1: root") && strstr(q, "default 0x1"), "shape: htb root qdisc");
    CHECK(strstr(c, "class htb 1:1 root") && strstr(c, "rate 8Mbit ceil 16Mbit burst 256Kb"),
          "shape: class 1:1 rate 1000 KB/s, ceil 2000, burst 256 KB (%s)", g_strstrip(c));
    bw.in.average = 500;
    bw.in.peak = 0;
    bw.in.burst = 0;
    CHECK(network_tc_set(DEV, &bw, false) == 0, "shape: replaced");
    g_free(c);
    c = tc("class show dev " DEV);
    CHECK(strstr(c, "rate 4Mbit ceil 4Mbit"), "shape: the new rate alone (%s)", g_strstrip(c));
    CHECK(network_tc_clear(DEV) == 0 && no_qdiscs(), "clear: root qdisc gone");
    CHECK(network_tc_clear(DEV) == 0, "clear: again, no error");
    /* a macvtap's view of the guest: <outbound> shapes its egress */
    bw = (vireo_bandwidth){ .out = { .set = true, .average = 2000 } };
    CHECK(network_tc_set(DEV, &bw, true) == 0, "shape: outbound on a macvtap-like device (swapped)");
    g_free(c);
    c = tc("class show dev " DEV);
    CHECK(strstr(c, "rate 16Mbit"), "shape: swapped rate (%s)", g_strstrip(c));
    CHECK(network_tc_set(DEV, NULL, false) == 0 && no_qdiscs(), "set NULL clears");
}

static void test_police(void)
{
    vireo_bandwidth bw = { .in = { .set = true, .average = 1000 },
                           .out = { .set = true, .average = 500, .burst = 100 } };
    g_autofree char *f = NULL;
    int rc;

    error_reset();
    rc = network_tc_set(DEV, &bw, false);
    if (rc < 0 && error_last() && error_last()->code == VIREO_ERR_CONFIG_UNSUPPORTED) {
        CHECK_E(strstr(last_message(), DEV) && no_qdiscs(),
              "police: refused as unsupported, naming the device, nothing left");
        SKIP("police: ingress policing", "the kernel has no tc police action (CONFIG_NET_ACT_POLICE)");
        return;
    }
    CHECK_E(rc == 0, "police: outbound polices ingress");
    f = tc("filter show dev " DEV " parent ffff:");
    CHECK(strstr(f, "police") && strstr(f, "rate 4Mbit") && strstr(f, "burst 100Kb"),
          "police: filter with rate 500 KB/s, burst 100 KB (%s)", f);
    CHECK(network_tc_clear(DEV) == 0 && no_qdiscs(), "clear: ingress gone too");
}

static void test_refused(void)
{
    vireo_bandwidth bw = { .in = { .set = true, .average = ULLONG_MAX } };
    vireo_bandwidth floor = { .in = { .set = true, .average = 100, .floor = 50 } };
    vireo_bandwidth noavg = { .in = { .set = true, .peak = 100 } };

    error_reset();
    CHECK_E(network_tc_set(DEV, &bw, false) < 0 && error_last() &&
              error_last()->code == VIREO_ERR_SYSTEM_ERROR && strstr(last_message(), DEV) &&
              strstr(last_message(), "tc"),
          "refused: a rate tc refuses names the device and tc's message");
    CHECK(no_qdiscs(), "refused: no qdisc left");
    error_reset();
    CHECK_E(network_tc_set(DEV, &floor, false) < 0 &&
              error_last()->code == VIREO_ERR_CONFIG_UNSUPPORTED && strstr(last_message(), "floor"),
          "refused: floor is unsupported");
    error_reset();
    CHECK_E(network_tc_set(DEV, &noavg, false) < 0 &&
              error_last()->code == VIREO_ERR_CONFIG_UNSUPPORTED && no_qdiscs(),
          "refused: no average");
    error_reset();
    CHECK(network_tc_set("vtc-none", &floor, false) < 0 &&
              error_last()->code == VIREO_ERR_SYSTEM_ERROR && strstr(last_message(), "vtc-none"),
          "refused: missing device named");
}

/* Bytes sent through class classid of dev (tc -s), -1 when none */
static long long class_sent(const char *dev, const char *classid)
{
    g_autofree char *cmd = g_strdup_printf("tc -s class show dev %s", dev);
    g_autofree char *out = netns_test_capture(cmd);
    g_autofree char *head = g_strdup_printf("class htb %s ", classid);
    const char *p = strstr(out, head);
    long long n = -1;

    if (p && (p = strstr(p, " Sent ")))
        sscanf(p, " Sent %lld", &n);
    return n;
}

/* Wait (up to 3 s: htb lets them out at its rate) until class classid
 * of dev has sent at least want bytes; what it has sent */
static long long class_sent_wait(const char *dev, const char *classid, long long want)
{
    long long n = class_sent(dev, classid);

    for (int i = 0; i < 30 && n < want; i++) {
        g_usleep(100000);
        n = class_sent(dev, classid);
    }
    return n;
}

/* UDP datagrams from the host to addr: they leave through the bridge */
static void send_udp(const char *addr, int count)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9) };
    char buf[1000] = { 0 };
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    inet_pton(AF_INET, addr, &a.sin_addr);
    for (int i = 0; i < count; i++)
        sendto(s, buf, sizeof(buf), 0, (struct sockaddr *)&a, sizeof(a));
    close(s);
}

static void test_floor(void)
{
    const unsigned char mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    vireo_bandwidth net = { .in = { .set = true, .average = 1000, .peak = 2000 } };
    vireo_bandwidth none = { .out = { .set = true, .average = 1000 } };
    g_autofree char *c = NULL, *q = NULL, *f = NULL;
    g_autofree char *tap = NULL;
    long long before, other;
    int fd = -1;

    if (!CHECK_E(netdev_bridge_create("vtc-br", NULL, 0, false, 0) == 0 &&
                     netdev_add_address("vtc-br", "10.5.0.1", 24) == 0 &&
                     netdev_tap_create("vtc%d", NULL, false, &fd, 1, &tap) == 0 &&
                     netdev_bridge_attach("vtc-br", tap) == 0 && netdev_set_up(tap, true) == 0 &&
                     netdev_set_up("vtc-br", true) == 0,
                 "floor: a bridge with a tap"))
        return;
    CHECK_E(network_tc_set("vtc-br", &net, false) == 0, "floor: the network's inbound on its bridge");
    q = tc("qdisc show dev vtc-br");
    c = tc("class show dev vtc-br");
    CHECK(strstr(q, "qdisc htb 1: root") && strstr(q, "default 0x2"), "floor: htb, default 1:2");
    CHECK(strstr(c, "class htb 1:1 root rate 8Mbit ceil 16Mbit") &&
              strstr(c, "class htb 1:2 parent 1:1") && strstr(c, "rate 8Mbit ceil 16Mbit"),
          "floor: 1:1 the network, 1:2 under it (%s)", c);
    CHECK_E(network_tc_plug("vtc-br", &net, mac, 300, 3) == 0 &&
                network_tc_floor_update("vtc-br", &net, 300) == 0,
            "floor: plug 300 KiB/s as class 3");
    g_free(c);
    c = tc("class show dev vtc-br");
    f = tc("filter show dev vtc-br parent 1:");
    CHECK(strstr(c, "class htb 1:3 parent 1:1") && strstr(c, "rate 2400Kbit ceil 16Mbit"),
          "floor: class 1:3 with the floor as rate, the network's peak as ceil (%s)", c);
    CHECK(strstr(c, "rate 5600Kbit"), "floor: 1:2 keeps the rest, 700 KiB/s");
    CHECK(strstr(f, "flowid 1:3") && strstr(f, "00005254/0000ffff at -16") &&
              strstr(f, "00123456/ffffffff at -12"),
          "floor: a filter on the port's MAC (%s)", f);
    system("ip neigh replace 10.5.0.2 lladdr 52:54:00:12:34:56 dev vtc-br nud permanent && "
           "ip neigh replace 10.5.0.3 lladdr 52:54:00:99:99:99 dev vtc-br nud permanent");
    before = class_sent("vtc-br", "1:3");
    other = class_sent("vtc-br", "1:2");
    send_udp("10.5.0.2", 20);
    CHECK(class_sent_wait("vtc-br", "1:3", before + 20 * 1000) >= before + 20 * 1000,
          "floor: frames to the port's MAC go through its class (%lld -> %lld)", before,
          class_sent("vtc-br", "1:3"));
    CHECK(class_sent("vtc-br", "1:2") < other + 20 * 1000, "floor: not through the default class");
    before = class_sent("vtc-br", "1:2");
    send_udp("10.5.0.3", 20);
    CHECK(class_sent_wait("vtc-br", "1:2", before + 20 * 1000) >= before + 20 * 1000,
          "floor: frames to another MAC go through the default class");

    error_reset();
    CHECK(network_tc_floor_update("vtc-br", &net, 1000) < 0 &&
              error_last()->code == VIREO_ERR_OPERATION_INVALID,
          "floor: floors taking the whole average refused");
    CHECK_E(network_tc_unplug("vtc-br", 3) == 0 && network_tc_floor_update("vtc-br", &net, 0) == 0,
            "floor: unplug");
    g_free(c);
    g_free(f);
    c = tc("class show dev vtc-br");
    f = tc("filter show dev vtc-br parent 1:");
    CHECK(!strstr(c, "1:3") && !strstr(f, "1:3") && strstr(c, "rate 8Mbit ceil 16Mbit"),
          "floor: class and filter gone, 1:2 back to the whole rate");
    error_reset();
    CHECK(network_tc_plug("vtc-br", &none, mac, 300, 4) < 0 &&
              error_last()->code == VIREO_ERR_CONFIG_UNSUPPORTED &&
              strstr(last_message(), "vtc-br") && strstr(last_message(), "52:54:00:12:34:56"),
          "floor: a network without inbound QoS refuses");
    error_reset();
    CHECK(network_tc_plug("vtc-br", &net, mac, 300, 2) < 0 &&
              error_last()->code == VIREO_ERR_INTERNAL_ERROR,
          "floor: class id 2 is the network's");
    error_reset();
    CHECK(network_tc_plug("vtc-br", &net, mac, 1ULL << 62, 5) < 0 &&
              error_last()->code == VIREO_ERR_SYSTEM_ERROR,
          "floor: a floor tc refuses is refused");
    g_free(c);
    c = tc("class show dev vtc-br");
    CHECK(!strstr(c, "1:5"), "floor: and leaves no class");
    CHECK(network_tc_clear("vtc-br") == 0, "floor: clear the bridge");
    close(fd);
    netdev_delete("vtc-br");
}

int main(void)
{
    const char *why = netns_test_enter();

    if (why) {
        SKIP("network tc", why);
        return 0;
    }
    if (system("ip link add " DEV " type veth peer name vtc-b && ip link set " DEV " up") != 0) {
        SKIP("network tc", "cannot create a veth pair");
        return 0;
    }
    test_shape();
    test_police();
    test_refused();
    test_floor();
    return check_exit();
}
