/*
 * network_tc.c: <bandwidth> with tc (iproute2), the way libvirt does it:
 * egress shaped by an htb root qdisc whose default class has the rate,
 * ceil and burst, with an sfq under it for fairness between flows (on a
 * bridge, the two-level tree that floors need: network_tc_floor.c);
 * ingress policed by a u32 filter with a police action on the ingress
 * qdisc.
 *
 * Kernels without sfq still shape (sfq only shares a class fairly);
 * kernels without the police action (CONFIG_NET_ACT_POLICE) cannot
 * limit ingress at all: that is refused with CONFIG_UNSUPPORTED.
 */
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <glib.h>

#define LOG_CATEGORY "network.tc"
#include "drivers/network/network_tc.h"
#include "drivers/network/network_tc_priv.h"
#include "util/child.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netdev.h"

/* tc by its full path when it is in the usual places (a daemon's PATH
 * may lack sbin), else from PATH */
static const char *tc_path(void)
{
    static const char *const paths[] = { "/usr/sbin/tc", "/sbin/tc", NULL };

    for (int i = 0; paths[i]; i++)
        if (access(paths[i], X_OK) == 0)
            return paths[i];
    return "tc";
}

/* Run tc with args (NULL-terminated); 0, or -1 and *err what tc said
 * (new string) */
int network_tc_run(const char *const *args, char **err)
{
    const char *argv[32] = { tc_path() };
    GString *msg = g_string_new(NULL);
    int pipefd[2], devnull, status = 0;
    size_t n = 1;
    char buf[512];
    ssize_t r;
    pid_t pid;

    for (; args[n - 1] && n < G_N_ELEMENTS(argv) - 1; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
        *err = g_strdup_printf("cannot run tc: %s", g_strerror(errno));
        if (devnull >= 0)
            close(devnull);
        g_string_free(msg, TRUE);
        return -1;
    }
    pid = child_spawn(argv, devnull, pipefd[1]);
    close(devnull);
    close(pipefd[1]);
    if (pid < 0) {
        *err = g_strdup_printf("cannot run %s: %s", argv[0], g_strerror(errno));
        close(pipefd[0]);
        g_string_free(msg, TRUE);
        return -1;
    }
    while ((r = read(pipefd[0], buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
        if (r > 0)
            g_string_append_len(msg, buf, r);
    close(pipefd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        g_string_free(msg, TRUE);
        return 0;
    }
    g_strstrip(msg->str);
    g_strdelimit(msg->str, "\n", ' ');
    *err = g_string_free(msg, FALSE);
    if (!**err) {
        g_free(*err);
        *err = g_strdup("tc failed");
    }
    return -1;
}

/* Quietly remove the qdisc at parent ("root", "ingress") of ifname */
static void tc_del(const char *ifname, const char *parent)
{
    const char *args[] = { "qdisc", "del", "dev", ifname, parent, NULL };
    g_autofree char *err = NULL;

    network_tc_run(args, &err);
}

int network_tc_clear(const char *ifname)
{
    if (!netdev_exists(ifname))
        return 0;  /* gone with its qdiscs */
    tc_del(ifname, "root");
    tc_del(ifname, "ingress");
    return 0;
}

/* Report tc's refusal of what on ifname; CONFIG_UNSUPPORTED when the
 * kernel lacks the part */
void network_tc_report(const char *ifname, const char *what, const char *err)
{
    if (strstr(err, "Failed to load TC action module"))
        error_report(VIREO_FROM_NONE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "cannot %s on '%s': the kernel has no tc police action "
                     "(CONFIG_NET_ACT_POLICE): %s", what, ifname, err);
    else
        error_report(VIREO_FROM_NONE, VIREO_ERR_SYSTEM_ERROR, "cannot %s on '%s': tc: %s", what,
                     ifname, err);
}

/* Add an htb class (parent, classid) with rate, and ceil / burst when
 * set (KiB/s and KiB; tc's "kbps" and "kb" are kilobytes) */
int network_tc_class(const char *ifname, const char *verb, const char *parent,
                     const char *classid, unsigned long long rate, unsigned long long ceil,
                     unsigned long long burst, char **err)
{
    g_autofree char *r = g_strdup_printf("%llukbps", rate);
    g_autofree char *c = g_strdup_printf("%llukbps", ceil);
    g_autofree char *b = g_strdup_printf("%llukb", burst);
    const char *args[16] = { "class", verb, "dev", ifname, "parent", parent, "classid", classid,
                             "htb", "rate", r };
    int n = 11;

    if (ceil) {
        args[n++] = "ceil";
        args[n++] = c;
    }
    if (burst) {
        args[n++] = "burst";
        args[n++] = b;
    }
    args[n] = NULL;
    return network_tc_run(args, err);
}

/* An sfq under classid, for fairness between flows; kernels without
 * sfq shape all the same, so its absence is only logged */
void network_tc_sfq(const char *ifname, const char *classid, const char *handle)
{
    const char *args[] = { "qdisc", "add", "dev", ifname, "parent", classid, "handle", handle,
                           "sfq", "perturb", "10", NULL };
    g_autofree char *err = NULL;

    if (network_tc_run(args, &err) < 0)
        log_info("%s: no sfq under class %s (%s): shaped without per-flow fairness", ifname,
                 classid, err);
}

/* Shape what leaves ifname to rate.  On a bridge, libvirt's hierarchy:
 * 1:1 the whole rate, 1:2 under it the default for what no port's
 * floor claims (network_tc_plug adds 1:N beside it). */
static int tc_shape(const char *ifname, const vireo_rate *rate, bool hierarchy)
{
    const char *qdisc[] = { "qdisc", "add", "dev", ifname, "root", "handle", "1:", "htb",
                            "default", hierarchy ? "2" : "1", NULL };
    g_autofree char *err = NULL;

    if (network_tc_run(qdisc, &err) < 0 ||
        (hierarchy && network_tc_class(ifname, "add", "1:", "1:1", rate->average,
                                       rate->peak ? rate->peak : rate->average, 0, &err) < 0) ||
        network_tc_class(ifname, "add", hierarchy ? "1:1" : "1:", hierarchy ? "1:2" : "1:1",
                         rate->average, rate->peak, rate->burst, &err) < 0) {
        network_tc_report(ifname, "shape the outgoing traffic", err);
        return -1;
    }
    network_tc_sfq(ifname, hierarchy ? "1:2" : "1:1", "2:");
    return 0;
}

/* Police what enters ifname to rate: packets over it are dropped */
static int tc_police(const char *ifname, const vireo_rate *rate)
{
    g_autofree char *avg = g_strdup_printf("%llukbps", rate->average);
    /* libvirt's default burst is one second of the average rate */
    g_autofree char *burst = g_strdup_printf("%llukb", rate->burst ? rate->burst : rate->average);
    const char *qdisc[] = { "qdisc", "add", "dev", ifname, "ingress", NULL };
    const char *filter[] = { "filter", "add", "dev", ifname, "parent", "ffff:", "protocol",
                             "all", "u32", "match", "u32", "0", "0", "police", "rate", avg,
                             "burst", burst, "mtu", "64kb", "drop", "flowid", ":1", NULL };
    g_autofree char *err = NULL;

    if (network_tc_run(qdisc, &err) < 0 || network_tc_run(filter, &err) < 0) {
        network_tc_report(ifname, "police the incoming traffic", err);
        return -1;
    }
    return 0;
}

static bool rate_used(const vireo_rate *r)
{
    return r->set && (r->average || r->peak || r->burst || r->floor);
}

int network_tc_set(const char *ifname, const vireo_bandwidth *bw, bool swapped)
{
    const vireo_rate *egress, *ingress;

    if (!netdev_exists(ifname)) {
        error_report_system(VIREO_FROM_NONE, ENODEV, "cannot set the bandwidth of '%s'", ifname);
        return -1;
    }
    if (bw && (bw->in.floor || bw->out.floor)) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "cannot set the bandwidth of '%s': floor is only supported as a share of "
                     "a network's bridge (network_tc_plug), not on the device itself", ifname);
        return -1;
    }
    network_tc_clear(ifname);
    if (!bw)
        return 0;
    egress = swapped ? &bw->out : &bw->in;
    ingress = swapped ? &bw->in : &bw->out;
    if ((rate_used(egress) && !egress->average) || (rate_used(ingress) && !ingress->average)) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "cannot set the bandwidth of '%s': an average rate is required", ifname);
        return -1;
    }
    if ((rate_used(egress) && tc_shape(ifname, egress, netdev_is_bridge(ifname)) < 0) ||
        (rate_used(ingress) && tc_police(ifname, ingress) < 0)) {
        g_autoptr(vireo_error) first = error_save();

        network_tc_clear(ifname);
        error_restore(g_steal_pointer(&first));
        return -1;
    }
    return 0;
}
