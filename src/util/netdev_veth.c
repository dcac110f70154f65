/*
 * netdev_veth.c: veth pairs and moving a device into another process's
 * network namespace (the LXC driver's interfaces).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "util/error.h"
#include "util/netdev.h"
#include "util/netdev_nl.h"

/* Names tried for one template before giving up (as many as the kernel
 * would look at for a "%d" under its lock). */
#define VETH_TRIES 4096

/* Send msg on a new socket and wait for the kernel's answer: 0 or
 * libnl's negative code (what names the call for a failed socket). */
static int nl_request(struct nl_msg *msg, const char *what, const char *name, bool *no_sock)
{
    struct nl_sock *sk = netdev_nl_open(what, name);
    int rc;

    *no_sock = !sk;
    if (!sk)
        return -NLE_BAD_SOCK;
    rc = nl_send_auto(sk, msg);
    if (rc >= 0)
        rc = nl_wait_for_ack(sk);
    nl_socket_free(sk);
    return rc < 0 ? rc : 0;
}

/* One RTM_NEWLINK creating both ends: the kernel registers them together
 * and unregisters both when either fails. */
static struct nl_msg *veth_msg(const char *host, const char *peer)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    struct nlattr *info, *data, *peer_attr;

    if (!msg)
        return NULL;
    if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
        nla_put_string(msg, IFLA_IFNAME, host) < 0 ||
        !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
        nla_put_string(msg, IFLA_INFO_KIND, "veth") < 0 ||
        !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
        !(peer_attr = nla_nest_start(msg, VETH_INFO_PEER)) ||
        nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
        nla_put_string(msg, IFLA_IFNAME, peer) < 0) {
        nlmsg_free(msg);
        return NULL;
    }
    nla_nest_end(msg, peer_attr);
    nla_nest_end(msg, data);
    nla_nest_end(msg, info);
    return msg;
}

/* the lowest name of tmpl (a name, or a template with one %d) from
 * index *next on that no device has; the index after it in *next */
static bool name_next(const char *tmpl, unsigned int *next, char out[IFNAMSIZ])
{
    if (!strstr(tmpl, "%d")) {
        if (*next > 0)
            return false;
        *next = 1;
        return g_strlcpy(out, tmpl, IFNAMSIZ) < IFNAMSIZ;
    }
    for (; *next < VETH_TRIES; (*next)++) {
        g_autofree char *name = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        name = g_strdup_printf(tmpl, (int)*next);
#pragma GCC diagnostic pop
        if (strlen(name) < IFNAMSIZ && !netdev_exists(name)) {
            g_strlcpy(out, name, IFNAMSIZ);
            (*next)++;
            return true;
        }
    }
    return false;
}

/* a template holds at most one conversion, and it is %d */
static bool template_ok(const char *tmpl)
{
    const char *pct = tmpl ? strchr(tmpl, '%') : NULL;

    if (!tmpl || !*tmpl || strlen(tmpl) >= IFNAMSIZ + 2)
        return false;
    return !pct || (pct[1] == 'd' && !strchr(pct + 2, '%'));
}

/* The kernel resolves a "%d" of either end by itself, but its answer does
 * not say which names it chose; so the names are chosen here, the lowest
 * free, and a name taken meanwhile by someone else (EEXIST) moves on to
 * the next one. */
int netdev_veth_create(const char *host_tmpl, const char *peer_tmpl, char **host, char **peer)
{
    unsigned int host_next = 0, peer_next = 0;
    char host_name[IFNAMSIZ], peer_name[IFNAMSIZ];
    int rc = -NLE_EXIST;

    if (!template_ok(host_tmpl) || !template_ok(peer_tmpl)) {
        error_report_system(VIREO_FROM_NONE, EINVAL, "cannot create veth pair '%s' / '%s'",
                            host_tmpl ? host_tmpl : "", peer_tmpl ? peer_tmpl : "");
        return -1;
    }
    while (rc == -NLE_EXIST) {
        struct nl_msg *msg;
        bool no_sock;

        bool named = name_next(host_tmpl, &host_next, host_name);

        /* one template for both ends: the peer's name comes after the host's */
        if (strcmp(host_tmpl, peer_tmpl) == 0)
            peer_next = MAX(peer_next, host_next);
        if (!named || !name_next(peer_tmpl, &peer_next, peer_name)) {
            error_report_system(VIREO_FROM_NONE, EEXIST, "cannot create veth pair '%s' / '%s'",
                                host_tmpl, peer_tmpl);
            return -1;
        }
        msg = veth_msg(host_name, peer_name);
        if (!msg) {
            error_report_system(VIREO_FROM_NONE, ENOMEM, "cannot create veth pair '%s' / '%s'",
                                host_name, peer_name);
            return -1;
        }
        rc = nl_request(msg, "create veth", host_name, &no_sock);
        nlmsg_free(msg);
        if (no_sock)
            return -1;
    }
    if (rc < 0) {
        netdev_nl_report(rc, "cannot create veth pair '%s' / '%s'", host_name, peer_name);
        return -1;
    }
    if (host)
        *host = g_strdup(host_name);
    if (peer)
        *peer = g_strdup(peer_name);
    return 0;
}

/* whether pid's network namespace has a device dev (its /proc/PID/net
 * is that namespace's) */
static bool netns_has_device(int pid, const char *dev)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/net/dev", pid);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return false;
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *colon = strchr(*l, ':');

        if (colon) {
            *colon = '\0';
            if (strcmp(g_strstrip(*l), dev) == 0)
                return true;
        }
    }
    return false;
}

int netdev_move_to_netns(const char *name, int pid, const char *newname)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    unsigned int index = name ? if_nametoindex(name) : 0;
    struct nl_msg *msg;
    bool no_sock;
    int rc;

    if (!index) {
        error_report_system(VIREO_FROM_NONE, name ? errno : EINVAL,
                            "cannot move '%s' into the network namespace of process %d",
                            name ? name : "", pid);
        return -1;
    }
    if (newname && (!*newname || strlen(newname) >= IFNAMSIZ)) {
        error_report_system(VIREO_FROM_NONE, EINVAL,
                            "cannot move '%s' into the network namespace of process %d as '%s'",
                            name, pid, newname);
        return -1;
    }
    /* the kernel moves first and renames there after, so a name taken
     * there would leave the device moved under its old name */
    if (netns_has_device(pid, newname ? newname : name)) {
        error_report_system(VIREO_FROM_NONE, EEXIST,
                            "cannot move '%s' into the network namespace of process %d as '%s'",
                            name, pid, newname ? newname : name);
        return -1;
    }
    ifi.ifi_index = (int)index;
    msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
    if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
        nla_put_u32(msg, IFLA_NET_NS_PID, (uint32_t)pid) < 0 ||
        (newname && nla_put_string(msg, IFLA_IFNAME, newname) < 0)) {
        nlmsg_free(msg);
        error_report_system(VIREO_FROM_NONE, ENOMEM,
                            "cannot move '%s' into the network namespace of process %d", name,
                            pid);
        return -1;
    }
    rc = nl_request(msg, "move", name, &no_sock);
    nlmsg_free(msg);
    if (no_sock)
        return -1;
    if (rc < 0) {
        if (newname)
            netdev_nl_report(rc, "cannot move '%s' into the network namespace of process %d as '%s'",
                             name, pid, newname);
        else
            netdev_nl_report(rc, "cannot move '%s' into the network namespace of process %d",
                             name, pid);
        return -1;
    }
    return 0;
}
