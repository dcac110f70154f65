/* Unit tests for util/netdev: bridges, taps, macvtaps, veths, addresses, in the
 * test's own network namespace (real devices, nothing of the host's). */
#define _GNU_SOURCE   /* unshare */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "check.h"
#include "netns_test.h"
#include "util/error.h"
#include "util/netdev.h"

static const char *last_message(void)
{
    const vireo_error *e = error_last();

    return e && e->message ? e->message : "";
}

/* CHECK, and when it fails a note with the thread's error */
#define CHECK_E(cond, ...) \
    (CHECK(cond, __VA_ARGS__) || (NOTE("error: %s", last_message()), false))

static bool last_is_system_error_naming(const char *name)
{
    const vireo_error *e = error_last();

    return e && e->code == VIREO_ERR_SYSTEM_ERROR && e->message && strstr(e->message, name);
}

static char *sys_read(const char *dev, const char *file)
{
    g_autofree char *path = g_strdup_printf("/sys/class/net/%s/%s", dev, file);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return g_strdup("");
    return g_strstrip(text);
}

/* The devices of the namespace besides lo, sorted, space-separated */
static char *devices(void)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GDir *dir = g_dir_open("/sys/class/net", 0, NULL);
    const char *n;

    while (dir && (n = g_dir_read_name(dir)))
        if (strcmp(n, "lo") != 0)
            g_ptr_array_add(names, g_strdup(n));
    if (dir)
        g_dir_close(dir);
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" ", (char **)names->pdata);
}

static void test_bridge(void)
{
    const unsigned char mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x01 };
    unsigned char got[6];
    g_autofree char *stp = NULL, *delay = NULL, *addr = NULL, *left = NULL;

    CHECK_E(netdev_bridge_create("vbr-t0", mac, 9000, true, 2) == 0, "bridge: create vbr-t0");
    CHECK(netdev_exists("vbr-t0") && netdev_is_bridge("vbr-t0"), "bridge: exists, is a bridge");
    stp = sys_read("vbr-t0", "bridge/stp_state");
    delay = sys_read("vbr-t0", "bridge/forward_delay");
    addr = sys_read("vbr-t0", "address");
    CHECK(strcmp(stp, "1") == 0, "bridge: STP on in /sys (%s)", stp);
    CHECK(strcmp(delay, "200") == 0, "bridge: forward delay 2 s in /sys (%s)", delay);
    CHECK(strcmp(addr, "52:54:00:aa:bb:01") == 0, "bridge: MAC in /sys (%s)", addr);
    CHECK(netdev_get_mac("vbr-t0", got) == 0 && memcmp(got, mac, 6) == 0, "bridge: get_mac");
    CHECK(netdev_get_mtu("vbr-t0") == 9000, "bridge: MTU 9000 (%d)", netdev_get_mtu("vbr-t0"));
    CHECK(netdev_is_up("vbr-t0") == 0, "bridge: created down");
    CHECK(netdev_set_up("vbr-t0", true) == 0 && netdev_is_up("vbr-t0") == 1, "bridge: set up");

    /* libvirt's defaults: STP on, delay 0 */
    CHECK_E(netdev_bridge_create("vbr-t1", NULL, 0, true, 0) == 0, "bridge: STP on, delay 0");
    g_free(stp);
    stp = sys_read("vbr-t1", "bridge/stp_state");
    CHECK(strcmp(stp, "1") == 0 && netdev_get_mtu("vbr-t1") == 1500, "bridge: STP on, MTU 1500");
    g_free(stp);
    CHECK(netdev_bridge_create("vbr-t2", NULL, 0, false, 0) == 0, "bridge: STP off");
    stp = sys_read("vbr-t2", "bridge/stp_state");
    CHECK(strcmp(stp, "0") == 0, "bridge: STP off in /sys (%s)", stp);

    error_reset();
    CHECK_E(netdev_bridge_create("vbr-t0", NULL, 0, false, 0) < 0 &&
              last_is_system_error_naming("vbr-t0") && strstr(last_message(), "exists"),
          "bridge: existing name refused");
    CHECK(netdev_get_mtu("vbr-t0") == 9000, "bridge: the existing one untouched");
    error_reset();
    CHECK_E(netdev_bridge_create("vbr-bad", NULL, 70000, false, 0) < 0 &&
              last_is_system_error_naming("vbr-bad") && !netdev_exists("vbr-bad"),
          "bridge: refused MTU leaves no device");
    error_reset();
    {
        const unsigned char multicast[6] = { 0x01, 0x54, 0x00, 0xaa, 0xbb, 0x02 };

        CHECK_E(netdev_bridge_create("vbr-bad", multicast, 0, true, 2) < 0 &&
                  last_is_system_error_naming("vbr-bad") && !netdev_exists("vbr-bad"),
              "bridge: refused MAC leaves no device");
    }
    CHECK(netdev_bridge_create("name-longer-than-15", NULL, 0, false, 0) < 0 &&
              last_is_system_error_naming("name-longer-than-15"),
          "bridge: too long a name refused");

    CHECK(netdev_delete("vbr-t1") == 0 && netdev_delete("vbr-t2") == 0 &&
              !netdev_exists("vbr-t1"),
          "bridge: delete");
    error_reset();
    CHECK_E(netdev_delete("vbr-none") < 0 && last_is_system_error_naming("vbr-none"),
          "delete: a missing device names it");
    left = devices();
    CHECK(strcmp(left, "vbr-t0") == 0, "bridge: only vbr-t0 left (%s)", left);
}

/* Write a broadcast frame on from, find it on to */
static bool frame_crosses(int from, int to)
{
    unsigned char frame[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 1, 2, 3,
                                0x88, 0xb5 };  /* local experimental ethertype */
    unsigned char buf[2048];
    gint64 end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;

    memcpy(frame + 14, "vireo-netdev-test", 17);
    if (write(from, frame, sizeof(frame)) != (ssize_t)sizeof(frame))
        return false;
    while (g_get_monotonic_time() < end) {
        struct pollfd p = { .fd = to, .events = POLLIN };
        ssize_t n;

        if (poll(&p, 1, 200) <= 0)
            continue;
        n = read(to, buf, sizeof(buf));
        if (n >= 31 && memcmp(buf + 12, "\x88\xb5", 2) == 0 &&
            memcmp(buf + 14, "vireo-netdev-test", 17) == 0)
            return true;
    }
    return false;
}

static void test_taps(void)
{
    const unsigned char mac[6] = { 0xfe, 0x54, 0x00, 0x11, 0x22, 0x33 };
    unsigned char got[6];
    int fd0 = -1, fd1 = -1, mq[2] = { -1, -1 };
    g_autofree char *n0 = NULL, *n1 = NULL, *nmq = NULL, *of = NULL, *master = NULL;
    g_autofree char *left = NULL;

    /* no vnet header on the two the frame test writes raw frames to */
    CHECK_E(netdev_tap_create("vnet%d", mac, false, &fd0, 1, &n0) == 0 && fd0 >= 0,
          "tap: create from vnet%%d");
    CHECK(netdev_tap_create("vnet%d", NULL, false, &fd1, 1, &n1) == 0 && fd1 >= 0,
          "tap: create another");
    CHECK(g_strcmp0(n0, "vnet0") == 0 && g_strcmp0(n1, "vnet1") == 0, "tap: names vnet0, vnet1 (%s %s)",
          n0, n1);
    CHECK(netdev_get_mac("vnet0", got) == 0 && memcmp(got, mac, 6) == 0, "tap: host-side MAC set");
    CHECK(netdev_tap_create("vnet%d", NULL, true, mq, 2, &nmq) == 0 && mq[0] >= 0 && mq[1] >= 0 &&
              g_strcmp0(nmq, "vnet2") == 0,
          "tap: two queues on one device (%s)", nmq ? nmq : last_message());
    close(mq[0]);
    close(mq[1]);

    CHECK(netdev_bridge_create("vbr-tap", NULL, 0, false, 0) == 0 &&
              netdev_set_mtu("vbr-tap", 4000) == 0 && netdev_set_up("vbr-tap", true) == 0,
          "tap: a bridge for them, MTU 4000");
    error_reset();
    CHECK_E(netdev_bridge_attach("vbr-missing", "vnet0") < 0 &&
              last_is_system_error_naming("vbr-missing") && last_is_system_error_naming("vnet0"),
          "attach: a missing bridge names it");
    master = sys_read("vnet0", "master");
    CHECK(!netdev_bridge_of("vnet0") && !g_file_test("/sys/class/net/vnet0/master", G_FILE_TEST_EXISTS) &&
              netdev_get_mtu("vnet0") == 1500,
          "attach: refused attach changes nothing");
    error_reset();
    CHECK_E(netdev_bridge_attach("vbr-tap", "vnet-none") < 0 &&
              last_is_system_error_naming("vnet-none") && last_is_system_error_naming("vbr-tap"),
          "attach: a missing port names it");
    CHECK_E(netdev_bridge_attach("vbr-tap", "vnet0") == 0 &&
              netdev_bridge_attach("vbr-tap", "vnet1") == 0,
          "attach: both taps");
    of = netdev_bridge_of("vnet1");
    CHECK(g_strcmp0(of, "vbr-tap") == 0, "attach: bridge_of (%s)", of ? of : "NULL");
    CHECK(netdev_get_mtu("vnet0") == 4000, "attach: the port takes the bridge's larger MTU (%d)",
          netdev_get_mtu("vnet0"));
    CHECK(netdev_set_up("vnet0", true) == 0 && netdev_set_up("vnet1", true) == 0, "tap: up");
    CHECK(frame_crosses(fd0, fd1), "tap: a frame written on vnet0 is read on vnet1");
    CHECK(netdev_bridge_detach("vnet1") == 0 && !netdev_bridge_of("vnet1"), "detach: vnet1");
    CHECK(!frame_crosses(fd0, fd1), "detach: frames no longer cross");

    close(fd0);
    close(fd1);
    /* the kernel removes a closed tap at once, but give it a moment */
    for (int i = 0; i < 50 && (netdev_exists("vnet0") || netdev_exists("vnet2")); i++)
        g_usleep(20000);
    CHECK(!netdev_exists("vnet0") && !netdev_exists("vnet1") && !netdev_exists("vnet2"),
          "tap: gone when its fds close");
    netdev_delete("vbr-tap");
    left = devices();
    CHECK(strcmp(left, "vbr-t0") == 0, "tap: nothing left but vbr-t0 (%s)", left);
}

static void *tap_racer(void *arg)
{
    char **name = arg;
    int fd = -1;

    if (netdev_tap_create("vrace%d", NULL, false, &fd, 1, name) < 0)
        *name = NULL;
    return GINT_TO_POINTER(fd);
}

static void test_tap_race(void)
{
    pthread_t th[8];
    char *names[8] = { 0 };
    int fds[8];
    bool all = true, distinct = true;

    for (int i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, tap_racer, &names[i]);
    for (int i = 0; i < 8; i++) {
        void *r;

        pthread_join(th[i], &r);
        fds[i] = GPOINTER_TO_INT(r);
        all = all && names[i];
    }
    for (int i = 0; all && i < 8; i++)
        for (int j = i + 1; j < 8; j++)
            distinct = distinct && strcmp(names[i], names[j]) != 0;
    CHECK(all && distinct, "tap: 8 threads racing for vrace%%d get 8 devices");
    for (int i = 0; i < 8; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        g_free(names[i]);
    }
}

static bool has_addr(const char *dev, const char *needle, const char *flag)
{
    g_autofree char *cmd = g_strdup_printf("ip -o addr show dev %s", dev);
    g_autofree char *out = netns_test_capture(cmd);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);

    for (int i = 0; lines[i]; i++)
        if (strstr(lines[i], needle) && (!flag || strstr(lines[i], flag)))
            return true;
    return false;
}

static void test_addresses(void)
{
    g_autofree char *fwd = NULL;

    CHECK_E(netdev_add_address("vbr-t0", "192.168.77.1", 24) == 0, "address: IPv4");
    CHECK(has_addr("vbr-t0", "inet 192.168.77.1/24 brd 192.168.77.255", NULL),
          "address: IPv4 with its broadcast in ip addr");
    CHECK_E(netdev_add_address("vbr-t0", "fd00:77::1", 64) == 0, "address: IPv6");
    CHECK(has_addr("vbr-t0", "inet6 fd00:77::1/64", "nodad") &&
              !has_addr("vbr-t0", "fd00:77::1/64", "tentative"),
          "address: IPv6 nodad, not tentative");
    error_reset();
    CHECK_E(netdev_add_address("vbr-t0", "192.168.77.1", 24) < 0 &&
              last_is_system_error_naming("vbr-t0") && last_is_system_error_naming("192.168.77.1"),
          "address: twice refused");
    error_reset();
    CHECK(netdev_add_address("vbr-t0", "192.168.300.1", 24) < 0 &&
              last_is_system_error_naming("192.168.300.1"),
          "address: bad address refused");
    CHECK(netdev_add_address("vbr-nope", "10.1.1.1", 24) < 0 && last_is_system_error_naming("vbr-nope"),
          "address: missing device named");
    CHECK(netdev_sysctl_set("net/ipv4/ip_forward", "1") == 0, "sysctl: ip_forward in the namespace");
    g_file_get_contents("/proc/sys/net/ipv4/ip_forward", &fwd, NULL, NULL);
    CHECK(fwd && fwd[0] == '1', "sysctl: reads back 1");
    CHECK(netdev_sysctl_set("net/ipv4/../../kernel/hostname", "x") < 0, "sysctl: '..' refused");
}

static void test_macvtap(void)
{
    const unsigned char mac[6] = { 0x52, 0x54, 0x00, 0x33, 0x44, 0x55 };
    unsigned char got[6];
    g_autofree char *name = NULL, *left = NULL;
    int fd = -1;

    if (system("ip link add vmv-a type veth peer name vmv-b && ip link set vmv-a up") != 0) {
        SKIP("macvtap", "cannot create a veth pair");
        return;
    }
    if (system("ip link add vmv-probe link vmv-a type macvtap >/dev/null 2>&1") != 0) {
        SKIP("macvtap", "the kernel has no macvtap (CONFIG_MACVTAP)");
        system("ip link del vmv-a");
        return;
    }
    system("ip link del vmv-probe");
    CHECK_E(netdev_macvtap_create("vmv-a", "bridge", mac, &fd, &name) == 0 && fd >= 0,
          "macvtap: create on a veth");
    CHECK(g_strcmp0(name, "macvtap0") == 0, "macvtap: named macvtap0 (%s)", name ? name : "");
    CHECK(name && netdev_get_mac(name, got) == 0 && memcmp(got, mac, 6) == 0,
          "macvtap: the guest's MAC");
    CHECK(name && netdev_is_up(name) == 1, "macvtap: up");
    if (fd >= 0)
        close(fd);
    CHECK(name && netdev_delete(name) == 0 && !netdev_exists(name), "macvtap: delete");
    error_reset();
    CHECK_E(netdev_macvtap_create("vmv-none", "vepa", mac, &fd, NULL) < 0 &&
              last_is_system_error_naming("vmv-none") && fd == -1,
          "macvtap: missing link named");
    CHECK(netdev_macvtap_create("vmv-a", "sideways", mac, &fd, NULL) < 0 &&
              last_is_system_error_naming("vmv-a"),
          "macvtap: bad mode refused");
    system("ip link del vmv-a");
    left = devices();
    CHECK(strcmp(left, "vbr-t0") == 0, "macvtap: nothing left (%s)", left);
}

/* a child process in a network namespace of its own, waiting to be
 * killed: its pid, or -1 */
static pid_t netns_child(void)
{
    int ready[2];
    pid_t pid;
    char c;

    if (pipe(ready) < 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        close(ready[0]);
        if (unshare(CLONE_NEWNET) < 0)
            _exit(1);
        if (write(ready[1], "r", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(ready[1]);
    if (pid > 0 && read(ready[0], &c, 1) != 1) {
        waitpid(pid, NULL, 0);
        pid = -1;
    }
    close(ready[0]);
    return pid;
}

/* the device names in pid's network namespace, from /proc/PID/net/dev */
static bool netns_has(pid_t pid, const char *dev)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/net/dev", (int)pid);
    g_autofree char *text = NULL, *needle = g_strdup_printf(" %s:", dev);
    g_autofree char *padded = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return false;
    padded = g_strconcat(" ", text, NULL);
    g_strdelimit(padded, "\n", ' ');
    return strstr(padded, needle) != NULL;
}

static void test_veth(void)
{
    g_autofree char *h0 = NULL, *p0 = NULL, *h1 = NULL, *p1 = NULL, *left = NULL;
    pid_t pid;

    CHECK_E(netdev_veth_create("vvh%d", "vvp%d", &h0, &p0) == 0, "veth: create from templates");
    CHECK(g_strcmp0(h0, "vvh0") == 0 && g_strcmp0(p0, "vvp0") == 0,
          "veth: the lowest free names (%s %s)", h0 ? h0 : "", p0 ? p0 : "");
    CHECK(netdev_exists("vvh0") && netdev_exists("vvp0") && netdev_is_up("vvh0") == 0 &&
              netdev_is_up("vvp0") == 0,
          "veth: both ends exist, down");
    CHECK_E(netdev_veth_create("vvh%d", "vvp%d", &h1, &p1) == 0, "veth: a second pair");
    CHECK(g_strcmp0(h1, "vvh1") == 0 && g_strcmp0(p1, "vvp1") == 0,
          "veth: a second pair takes the next names (%s %s)", h1 ? h1 : "", p1 ? p1 : "");
    error_reset();
    CHECK_E(netdev_veth_create("vvh0", "vvx%d", NULL, NULL) < 0 &&
              last_is_system_error_naming("vvh0") && strstr(last_message(), "exists") &&
              !netdev_exists("vvx0"),
          "veth: an existing fixed name refused, nothing made");
    CHECK(netdev_veth_create("vvh%s", "vvp%d", NULL, NULL) < 0 &&
              last_is_system_error_naming("vvh%s"),
          "veth: a template other than %%d refused");
    CHECK(netdev_delete("vvp1") == 0 && !netdev_exists("vvh1"),
          "veth: deleting one end deletes the pair");
    {
        g_autofree char *a = NULL, *b = NULL;

        CHECK_E(netdev_veth_create("vvs%d", "vvs%d", &a, &b) == 0 && g_strcmp0(a, "vvs0") == 0 &&
                    g_strcmp0(b, "vvs1") == 0,
                "veth: one template for both ends gives two names (vvs0 vvs1)");
        netdev_delete("vvs0");
    }

    pid = netns_child();
    if (pid < 0) {
        SKIP("veth: move into a namespace", "cannot make a process in a network namespace");
        netdev_delete("vvh0");
        return;
    }
    CHECK_E(netdev_move_to_netns("vvp0", pid, "eth0") == 0, "move: vvp0 into a child's netns");
    CHECK(!netdev_exists("vvp0") && netns_has(pid, "eth0") && !netns_has(pid, "vvp0") &&
              netdev_exists("vvh0"),
          "move: there as eth0, gone here, the host end stays");
    g_clear_pointer(&h1, g_free);
    g_clear_pointer(&p1, g_free);
    /* vvp0 is free here again */
    CHECK_E(netdev_veth_create("vvh%d", "vvp%d", &h1, &p1) == 0 && g_strcmp0(p1, "vvp0") == 0,
            "move: another pair");
    error_reset();
    CHECK_E(netdev_move_to_netns("vvp0", pid, "eth0") < 0 && last_is_system_error_naming("vvp0") &&
              strstr(last_message(), "eth0") && strstr(last_message(), "exists") &&
              netdev_exists("vvp0"),
          "move: a name taken in the namespace refused, the device stays");
    CHECK_E(netdev_move_to_netns("vvp0", pid, NULL) == 0 && netns_has(pid, "vvp0"),
          "move: keeping its name");
    error_reset();
    CHECK(netdev_move_to_netns("vvnone", pid, "eth1") < 0 && last_is_system_error_naming("vvnone"),
          "move: a missing device named");
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    /* the namespace goes with its last process, and the veths in it with
     * their host ends (the kernel does it a little later) */
    for (int i = 0; i < 500 && (netdev_exists("vvh0") || netdev_exists("vvh1")); i++)
        g_usleep(20000);
    left = devices();
    CHECK(strcmp(left, "vbr-t0") == 0, "veth: none left once the namespace is gone (%s)", left);
}

int main(void)
{
    const char *why = netns_test_enter();
    g_autofree char *left = NULL;

    if (why) {
        SKIP("netdev", why);
        return 0;
    }
    test_bridge();
    test_taps();
    test_tap_race();
    test_addresses();
    test_macvtap();
    test_veth();
    CHECK(netdev_delete("vbr-t0") == 0, "delete: vbr-t0");
    left = devices();
    CHECK(strcmp(left, "") == 0, "nothing left in the namespace (%s)", left);
    return check_exit();
}
