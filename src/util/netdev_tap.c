/*
 * netdev_tap.c: taps (/dev/net/tun) and macvtaps (rtnetlink, then their
 * /dev/tapN).
 */
#define _GNU_SOURCE   /* mkdtemp */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <netlink/route/link/macvtap.h>

#include "util/error.h"
#include "util/netdev.h"
#include "util/netdev_nl.h"

static void fds_close(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

/* One queue of the tap name (a template the first time: the kernel
 * picks the lowest free index under its own lock, so two callers racing
 * for "vnet%d" get different devices).  fd, or -1 with the error set;
 * *actual is the name the kernel gave. */
static int tap_open_queue(const char *name, short flags, char actual[IFNAMSIZ])
{
    struct ifreq ifr = { 0 };
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        error_report_system(VIREO_FROM_NONE, errno, "cannot create tap '%s': cannot open %s",
                            name, "/dev/net/tun");
        return -1;
    }
    g_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
    ifr.ifr_flags = flags;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int err = errno;

        close(fd);
        error_report_system(VIREO_FROM_NONE, err, "cannot create tap '%s'", name);
        return -1;
    }
    memcpy(actual, ifr.ifr_name, IFNAMSIZ);
    actual[IFNAMSIZ - 1] = '\0';
    return fd;
}

int netdev_tap_create(const char *name, const unsigned char mac[6], bool vnet_hdr, int *fds,
                      size_t queues, char **ifname)
{
    char actual[IFNAMSIZ] = "";
    short flags = IFF_TAP | IFF_NO_PI;

    if (!name || !*name || strlen(name) >= IFNAMSIZ || queues == 0) {
        error_report_system(VIREO_FROM_NONE, EINVAL, "cannot create tap '%s'",
                            name ? name : "");
        return -1;
    }
    if (vnet_hdr)
        flags |= IFF_VNET_HDR;
    if (queues > 1)
        flags |= IFF_MULTI_QUEUE;
    for (size_t i = 0; i < queues; i++)
        fds[i] = -1;
    for (size_t i = 0; i < queues; i++) {
        fds[i] = tap_open_queue(i == 0 ? name : actual, flags, actual);
        if (fds[i] < 0)
            goto error;
    }
    /* not persistent: closing the fds (here on failure, or the guest's
     * end) removes the device */
    if (mac && netdev_set_mac(actual, mac) < 0)
        goto error;
    if (ifname)
        *ifname = g_strdup(actual);
    return 0;

 error:
    fds_close(fds, queues);
    return -1;
}

/* The char device of macvtap ifname (/dev/tapN, N its ifindex) opened.
 * Without udev /dev may lack the node: then make one from sysfs's
 * major:minor in a private folder, open it, and remove it again. */
static int macvtap_open(const char *ifname)
{
    unsigned int index = if_nametoindex(ifname);
    g_autofree char *path = g_strdup_printf("/dev/tap%u", index);
    g_autofree char *sys = NULL, *dev = NULL, *dir = NULL, *node = NULL;
    unsigned int maj, min;
    int fd, err;

    if (index == 0) {
        error_report_system(VIREO_FROM_NONE, ENODEV, "cannot open the macvtap '%s'", ifname);
        return -1;
    }
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd >= 0 || errno != ENOENT) {
        if (fd < 0)
            error_report_system(VIREO_FROM_NONE, errno, "cannot open '%s' of macvtap '%s'",
                                path, ifname);
        return fd;
    }
    sys = g_strdup_printf("/sys/class/net/%s/macvtap/tap%u/dev", ifname, index);
    if (!g_file_get_contents(sys, &dev, NULL, NULL) || sscanf(dev, "%u:%u", &maj, &min) != 2) {
        error_report_system(VIREO_FROM_NONE, ENOENT, "cannot open '%s' of macvtap '%s'", path,
                            ifname);
        return -1;
    }
    dir = g_build_filename(g_get_tmp_dir(), "vireo-macvtap-XXXXXX", NULL);
    if (!mkdtemp(dir)) {
        error_report_system(VIREO_FROM_NONE, errno, "cannot open macvtap '%s': no folder for its node",
                            ifname);
        return -1;
    }
    node = g_build_filename(dir, "tap", NULL);
    fd = -1;
    if (mknod(node, S_IFCHR | 0600, makedev(maj, min)) == 0)
        fd = open(node, O_RDWR | O_CLOEXEC);
    err = errno;
    unlink(node);
    rmdir(dir);
    if (fd < 0)
        error_report_system(VIREO_FROM_NONE, err, "cannot open the device %u:%u of macvtap '%s'",
                            maj, min, ifname);
    return fd;
}

static int macvtap_mode(const char *mode)
{
    if (!mode || !*mode)
        mode = "vepa";  /* libvirt's default */
    if (strcmp(mode, "passthrough") == 0)
        mode = "passthru";
    return rtnl_link_macvtap_str2mode(mode);
}

/* Create macvtap name on link; 0, -EEXIST when name is taken (the caller
 * tries the next), or -1 with the error set */
static int macvtap_add(struct nl_sock *sk, const char *name, int link_index, int mode,
                       const unsigned char mac[6], const char *link)
{
    struct rtnl_link *mv = rtnl_link_macvtap_alloc();
    struct nl_addr *addr = NULL;
    int rc;

    if (!mv) {
        error_report_system(VIREO_FROM_NONE, ENOMEM, "cannot create a macvtap on '%s'", link);
        return -1;
    }
    rtnl_link_set_name(mv, name);
    rtnl_link_set_link(mv, link_index);
    rtnl_link_macvtap_set_mode(mv, (uint32_t)mode);
    if (mac) {
        addr = nl_addr_build(AF_LLC, mac, 6);
        rtnl_link_set_addr(mv, addr);
    }
    rc = rtnl_link_add(sk, mv, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(mv);
    if (addr)
        nl_addr_put(addr);
    if (rc == -NLE_EXIST)
        return -EEXIST;
    if (rc < 0) {
        netdev_nl_report(rc, "cannot create macvtap '%s' on '%s'", name, link);
        return -1;
    }
    return 0;
}

int netdev_macvtap_create(const char *link, const char *mode, const unsigned char mac[6],
                          int *fd, char **ifname)
{
    int mode_nr = macvtap_mode(mode);
    int link_index = link ? (int)if_nametoindex(link) : 0;
    char name[IFNAMSIZ];
    struct nl_sock *sk;
    int rc = -EEXIST;

    *fd = -1;
    if (mode_nr < 0) {
        error_report_system(VIREO_FROM_NONE, EINVAL, "cannot create a macvtap on '%s': mode '%s'",
                            link ? link : "", mode);
        return -1;
    }
    if (link_index == 0) {
        error_report_system(VIREO_FROM_NONE, ENODEV, "cannot create a macvtap on '%s'",
                            link ? link : "");
        return -1;
    }
    sk = netdev_nl_open("create a macvtap on", link);
    if (!sk)
        return -1;
    /* rtnetlink names a device from a template but does not say which
     * name it took: pick the lowest free one ourselves, and on a race
     * (EEXIST from the kernel) take the next */
    for (int i = 0; i < 4096 && rc == -EEXIST; i++) {
        g_snprintf(name, sizeof(name), "macvtap%d", i);
        if (!netdev_exists(name))
            rc = macvtap_add(sk, name, link_index, mode_nr, mac, link);
    }
    nl_socket_free(sk);
    if (rc == -EEXIST)
        error_report_system(VIREO_FROM_NONE, EEXIST, "cannot create a macvtap on '%s': no free name",
                            link);
    if (rc < 0)
        return -1;
    if (netdev_set_up(name, true) < 0 || (*fd = macvtap_open(name)) < 0) {
        g_autoptr(vireo_error) first = error_save();

        netdev_delete(name);
        error_restore(g_steal_pointer(&first));
        return -1;
    }
    if (ifname)
        *ifname = g_strdup(name);
    return 0;
}
