/*
 * lxc_process.c: a container's run, with the domain's job held: the
 * start (cgroup, veths, status file, the controller spawned and its
 * handshake read, the monitor), the kill, the end (everything released,
 * state and event, a wanted reboot started again), and the tasks the
 * driver's pool runs.
 *
 * The controller (vireo-lxc-controller, lxc_monitor.h) runs in its own
 * session, outside the container's cgroup; the container's init joins
 * the cgroup before it runs (--cgroup-procs), so the limits count the
 * container alone.  vireod only reaps the controller (a child watch on
 * drv->ctx); what happened to the container comes from the monitor.
 *
 * An init's end says what the guest wanted (pid_namespaces(7)): killed
 * by SIGHUP it rebooted, by SIGINT it halted or powered off.  Exits and
 * SIGINT/SIGTERM deaths are shutdowns (libvirt's reason shutdown); a
 * death by another signal no destroy sent is a crash (reason crashed,
 * event STOPPED_CRASHED); an end nobody saw (the controller gone while
 * no vireod watched) is reason unknown, event STOPPED_FAILED.
 */
#define _GNU_SOURCE /* pipe2 */
#define LOG_CATEGORY "lxc.process"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/domain_cgroup.h"
#include "drivers/event.h"
#include "drivers/lxc/lxc_monitor.h"
#include "drivers/lxc/lxc_plan.h"
#include "drivers/lxc/lxc_priv.h"
#include "util/child.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

/* How long the processes of a dying PID namespace may still count in its
 * cgroup after init's end was seen. */
#define LXC_CGROUP_DRAIN_MS 3000
/* A process still there this long after SIGKILL is stuck in the kernel. */
#define LXC_KILL_WAIT_MS 10000

/* The devices a container may open besides the ptys (libvirt's list). */
static const char *const lxc_device_acl[] = {
    "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
    "/dev/ptmx", NULL,
};

domain_cgroup_opts lxc_cgroup_opts(lxc_drv *drv)
{
    return (domain_cgroup_opts){
        .instance = drv->run_dir,
        .driver = "lxc",
        .device_acl = lxc_device_acl,
        .quota_threads = 1,
        .account = true,
    };
}

/* ---- small process helpers ---- */

/* Wait up to ms for the process of pidfd to exit; true when it has. */
static bool pidfd_exited(int pidfd, int ms)
{
    struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    for (;;) {
        int left = (int)MAX(0, (deadline - g_get_monotonic_time()) / 1000);
        int n = poll(&pfd, 1, left);

        if (n >= 0 || errno != EINTR)
            return n > 0;
    }
}

/* SIGKILL every process of cg (the leftovers of a controller that died
 * before its container). */
static void lxc_cgroup_kill_all(const cgroup *cg)
{
    g_auto(GStrv) files = cgroup_procs_files(cg);

    for (size_t i = 0; files && files[i]; i++) {
        g_autofree char *text = NULL;
        g_auto(GStrv) pids = NULL;

        if (!g_file_get_contents(files[i], &text, NULL, NULL))
            continue;
        pids = g_strsplit(text, "\n", -1);
        for (size_t j = 0; pids[j]; j++) {
            pid_t pid = (pid_t)strtol(pids[j], NULL, 10);

            if (pid > 0)
                kill(pid, SIGKILL);
        }
    }
}

/* Remove the container's cgroup once its processes are gone. */
static void lxc_cgroup_release(dom_obj *dom, const char *name, bool kill_rest)
{
    lxc_dom *priv = lxc_dom_of(dom);
    g_autoptr(cgroup) cg = g_steal_pointer(&priv->cgroup);

    if (!cg && geteuid() == 0) {
        domain_cgroup_opts o = lxc_cgroup_opts(lxc_dom_drv(dom));

        /* one a restarted daemon did not take back */
        cg = domain_cgroup_open(&o, name);
    }
    if (!cg)
        return;
    if (kill_rest) {
        lxc_cgroup_kill_all(cg);
        /* a frozen process dies only once thawed (v1 freezer) */
        cgroup_freeze(cg, false);
    }
    for (int ms = 0; ms < LXC_CGROUP_DRAIN_MS && cgroup_populated(cg); ms += 20)
        g_usleep(20 * 1000);
    if (cgroup_populated(cg)) {
        log_warn("%s: processes left in its cgroup after its end: killing them", name);
        lxc_cgroup_kill_all(cg);
        cgroup_freeze(cg, false);
        for (int ms = 0; ms < LXC_CGROUP_DRAIN_MS && cgroup_populated(cg); ms += 20)
            g_usleep(20 * 1000);
    }
    cgroup_remove(cg);
    error_reset();
}

/* What a run leaves on the host, released: ports and veths, cgroup,
 * status and controller files. */
static void lxc_run_release(dom_obj *dom, const domain_def *live, bool kill_rest)
{
    lxc_net_release_all(dom, live);
    lxc_cgroup_release(dom, live->name, kill_rest);
    lxc_status_remove(lxc_dom_drv(dom), live->name);
}

/* ---- start ---- */

static void lxc_child_reaped(GPid pid, gint status, gpointer data)
{
    (void)data;
    log_debug("controller %d reaped (status %d)", (int)pid, status);
}

/* The last line the controller wrote to its log (for an error). */
static char *lxc_log_last_line(const char *path)
{
    g_autofree char *text = NULL;
    gsize len;
    char *end, *start;

    if (!g_file_get_contents(path, &text, &len, NULL) || len == 0)
        return g_strdup("no output");
    end = text + len;
    while (end > text && (end[-1] == '\n' || end[-1] == ' '))
        end--;
    *end = '\0';
    start = strrchr(text, '\n');
    return g_strdup(start ? start + 1 : text);
}

/* Read the handshake line from fd within timeout_ms: init's pid and the
 * pty, or the controller's error reported as it said. */
static int lxc_handshake_read(int fd, const char *name, const char *log_path, pid_t *init_pid,
                              char **pty)
{
    g_autoptr(GString) pending = g_string_new(NULL);
    g_autofree char *line = NULL;
    int r = lxc_read_line(fd, pending, LXC_HANDSHAKE_TIMEOUT_MS, &line);

    if (r < 0) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_TIMEOUT,
                     "the controller of container '%s' did not answer within %d ms", name,
                     LXC_HANDSHAKE_TIMEOUT_MS);
        return -1;
    }
    if (r == 0) {
        g_autofree char *last = lxc_log_last_line(log_path);

        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_FAILED,
                     "the controller of container '%s' ended without an answer: %s", name, last);
        return -1;
    }
    if (g_str_has_prefix(line, "ok ")) {
        char *path = NULL;
        int pid = 0;

        if (sscanf(line, "ok %d %ms", &pid, &path) >= 1 && pid > 0) {
            *init_pid = pid;
            *pty = g_strdup(path);
            free(path);
            return 0;
        }
        free(path);
    } else if (g_str_has_prefix(line, "error ")) {
        char *end = NULL;
        long code = strtol(line + strlen("error "), &end, 10);

        if (end && end != line + strlen("error ") && code > 0) {
            const char *text = error_code_text((int)code);

            while (*end == ' ')
                end++;
            /* the controller's message may carry the code's text already */
            if (text && *text && g_str_has_prefix(end, text) &&
                g_str_has_prefix(end + strlen(text), ": "))
                end += strlen(text) + 2;
            error_report(VIREO_FROM_LXC, (int)code, "%s", end);
            return -1;
        }
    }
    error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR,
                 "the controller of container '%s' answered '%s'", name, line);
    return -1;
}

/* Spawn the controller for live: its pid, the read end of the handshake
 * pipe in *hs_fd.  -1 with the error. */
static pid_t lxc_controller_spawn(lxc_drv *drv, dom_obj *dom, const domain_def *live,
                                  const char *xml_path, GPtrArray *veth_args,
                                  const char *log_path, int *hs_fd)
{
    lxc_dom *priv = lxc_dom_of(dom);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) procs = priv->cgroup ? cgroup_procs_files(priv->cgroup) : NULL;
    int pipefd[2], logfd;
    child_opts opts = { .nfds = 1, .uid = (uid_t)-1, .gid = (gid_t)-1 };
    pid_t pid;

    g_ptr_array_add(argv, g_strdup(drv->controller));
    g_ptr_array_add(argv, g_strdup("--name"));
    g_ptr_array_add(argv, g_strdup(live->name));
    g_ptr_array_add(argv, g_strdup("--xml"));
    g_ptr_array_add(argv, g_strdup(xml_path));
    g_ptr_array_add(argv, g_strdup("--state-dir"));
    g_ptr_array_add(argv, g_strdup(drv->run_dir));
    for (guint i = 0; i < veth_args->len; i++) {
        g_ptr_array_add(argv, g_strdup("--veth"));
        g_ptr_array_add(argv, g_strdup(veth_args->pdata[i]));
    }
    for (size_t i = 0; procs && procs[i]; i++) {
        g_ptr_array_add(argv, g_strdup("--cgroup-procs"));
        g_ptr_array_add(argv, g_strdup(procs[i]));
    }
    g_ptr_array_add(argv, g_strdup("--handshake"));
    g_ptr_array_add(argv, g_strdup("3"));
    g_ptr_array_add(argv, NULL);

    logfd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (logfd < 0) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot open the log '%s'", log_path);
        return -1;
    }
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot make a pipe");
        close(logfd);
        return -1;
    }
    opts.fds = &pipefd[1];
    pid = child_spawn_as((const char *const *)argv->pdata, logfd, logfd, &opts);
    if (pid < 0)
        error_report_system(VIREO_FROM_LXC, errno, "cannot run the controller '%s'",
                            drv->controller);
    close(logfd);
    close(pipefd[1]);
    if (pid < 0) {
        close(pipefd[0]);
        return -1;
    }
    *hs_fd = pipefd[0];
    return pid;
}

/* The controller of a failed start: it ends by itself after an error
 * line; otherwise (no answer, a monitor that failed) it and its
 * container are killed. */
static void lxc_controller_end(pid_t pid, pid_t init_pid, bool kill_now)
{
    int pidfd = pidfd_open(pid, 0);

    if (pidfd < 0)
        return;
    if (!kill_now && pidfd_exited(pidfd, LXC_KILL_WAIT_MS)) {
        close(pidfd);
        return;
    }
    if (init_pid > 0)
        kill(init_pid, SIGKILL);
    pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
    if (!pidfd_exited(pidfd, LXC_KILL_WAIT_MS))
        log_warn("controller %d still there %d ms after SIGKILL", (int)pid, LXC_KILL_WAIT_MS);
    close(pidfd);
}

/* A controller that no longer answers on its monitor: SIGKILL, when its
 * pid file still names a live process (it removes the file as it exits,
 * so a pid reused since is not taken for it). */
static void lxc_controller_kill_stale(lxc_drv *drv, const char *name)
{
    g_autofree char *path = lxc_dom_path(drv, drv->run_dir, name, LXC_PID_SUFFIX);
    g_autofree char *text = NULL;
    pid_t pid;
    int pidfd;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        (pid = (pid_t)strtol(text, NULL, 10)) <= 0 || (pidfd = pidfd_open(pid, 0)) < 0)
        return;
    log_warn("%s: its controller %d does not answer: killing it", name, (int)pid);
    pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
    pidfd_exited(pidfd, LXC_KILL_WAIT_MS);
    close(pidfd);
}

/* The console's pty into live (libvirt's <source path=''/>). */
static void lxc_live_set_pty(domain_def *live, const char *pty)
{
    GPtrArray *cons = live->devices.consoles;

    if (!pty || !cons || cons->len == 0)
        return;
    device_chr *c = cons->pdata[0];

    if (g_strcmp0(c->type, "pty") == 0) {
        g_free(c->source_path);
        c->source_path = g_strdup(pty);
    }
}

static void lxc_record_stopped(dom_obj *dom, int reason, int detail);

/* Start dom; reboot: the run replaces an ended one (REBOOT event). */
static int lxc_launch(dom_obj *dom, unsigned int flags, bool reboot)
{
    lxc_drv *drv = lxc_dom_drv(dom);
    lxc_dom *priv = lxc_dom_of(dom);
    g_autoptr(domain_def) live = NULL;
    g_autoptr(GPtrArray) veth_args = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *xml_path = NULL;
    g_autofree char *log_path = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *pty = NULL;
    g_autofree char *mon_pty = NULL;
    domain_cgroup_opts o = lxc_cgroup_opts(drv);
    struct lxc_monitor *mon = NULL;
    pid_t pid, init_pid = 0, mon_init = 0;
    int hs_fd = -1;
    guint run;

    (void)flags;
    g_mutex_lock(&drv->doms.lock);
    live = domain_def_copy(dom->live ? dom->live : dom->def);
    g_mutex_unlock(&drv->doms.lock);
    if (!live || lxc_plan_check(live) < 0)
        return -1;
    xml_path = lxc_dom_path(drv, drv->run_dir, live->name, ".xml");
    log_path = lxc_dom_path(drv, drv->log_dir, live->name, ".log");
    if (geteuid() == 0 && (domain_cgroup_wanted(live) || domain_cgroup_useful(&o, live))) {
        priv->cgroup = domain_cgroup_create(&o, live);
        if (!priv->cgroup)
            return -1;
    } else if (domain_cgroup_wanted(live)) {
        log_warn("%s: <cputune>/<memtune>/<blkiotune> not applied: no cgroups", live->name);
    }
    g_mutex_lock(&drv->doms.lock);
    live->id = dom_table_next_id(&drv->doms);
    run = ++dom->run;
    priv->want_reboot = false;
    priv->destroying = false;
    g_mutex_unlock(&drv->doms.lock);
    if (lxc_net_prepare(dom, live, veth_args) < 0) {
        g_autoptr(vireo_error) saved = error_save();

        lxc_cgroup_release(dom, live->name, false);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    /* the controller plans from this file; a restarted vireod finds it */
    xml = domain_def_format(live, VIREO_DOMAIN_XML_SECURE);
    if (!xml || file_write_runtime(xml_path, xml, strlen(xml), 0600, VIREO_FROM_LXC) < 0 ||
        (pid = lxc_controller_spawn(drv, dom, live, xml_path, veth_args, log_path,
                                    &hs_fd)) < 0) {
        g_autoptr(vireo_error) saved = error_save();

        lxc_run_release(dom, live, false);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    {
        g_autoptr(GSource) watch = g_child_watch_source_new(pid);

        g_source_set_callback(watch, G_SOURCE_FUNC(lxc_child_reaped), NULL, NULL);
        g_source_attach(watch, drv->ctx);
    }
    log_info("%s: controller %d started", live->name, (int)pid);
    if (lxc_handshake_read(hs_fd, live->name, log_path, &init_pid, &pty) < 0 ||
        !(mon = lxc_monitor_open(dom, run, LXC_HANDSHAKE_TIMEOUT_MS, &mon_init, &mon_pty))) {
        g_autoptr(vireo_error) saved = error_save();

        close(hs_fd);
        /* after an error line it ends by itself, having left nothing */
        lxc_controller_end(pid, init_pid,
                           init_pid > 0 || !saved || saved->code == VIREO_ERR_OPERATION_TIMEOUT);
        lxc_run_release(dom, live, true);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    close(hs_fd);
    lxc_live_set_pty(live, pty);
    g_mutex_lock(&drv->doms.lock);
    domain_def_free(dom->live);
    /* the id is a pid in the container's cgroup, as libvirt's: virsh
     * lxc-enter-namespace joins the cgroup of the process the id names
     * (virDomainLxcEnterCGroup); init is the one that joined it */
    live->id = init_pid;
    dom->live = g_steal_pointer(&live);
    priv->mon = mon;
    priv->init_pid = init_pid;
    priv->controller_pid = pid;
    g_free(priv->pty);
    priv->pty = g_steal_pointer(&pty);
    dom->state = VIREO_DOMAIN_RUNNING;
    dom->reason = VIREO_DOMAIN_RUNNING_BOOTED;
    if (reboot)
        event_emit_reboot(drv->doms.event_source, dom->live->name, dom->live->uuid,
                          dom->live->id);
    else
        dom_obj_emit(dom, VIREO_DOMAIN_EVENT_STARTED, VIREO_DOMAIN_EVENT_STARTED_BOOTED);
    g_mutex_unlock(&drv->doms.lock);
    log_info("%s: running (init %d, console %s)", dom->live->name, (int)init_pid,
             priv->pty ? priv->pty : "none");
    if (lxc_status_save(dom) < 0) {
        /* a container no restarted daemon could find must not run */
        g_autoptr(vireo_error) saved = error_save();

        g_mutex_lock(&drv->doms.lock);
        priv->destroying = true;
        g_mutex_unlock(&drv->doms.lock);
        lxc_process_kill(dom, 0);
        g_mutex_lock(&drv->doms.lock);
        mon = g_steal_pointer(&priv->mon);
        g_mutex_unlock(&drv->doms.lock);
        lxc_monitor_close(mon);
        lxc_console_stop(dom);
        lxc_run_release(dom, dom->live, true);
        lxc_record_stopped(dom, VIREO_DOMAIN_SHUTOFF_FAILED, VIREO_DOMAIN_EVENT_STOPPED_FAILED);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    return 0;
}

int lxc_process_start(dom_obj *dom, unsigned int flags)
{
    return lxc_launch(dom, flags, false);
}

/* ---- kill ---- */

int lxc_process_kill(dom_obj *dom, int grace_ms)
{
    lxc_drv *drv = lxc_dom_drv(dom);
    lxc_dom *priv = lxc_dom_of(dom);
    g_autofree char *name = NULL;
    pid_t init_pid, ctl;
    int pidfd;

    g_mutex_lock(&drv->doms.lock);
    init_pid = priv->init_pid;
    ctl = priv->controller_pid;
    name = g_strdup(dom_obj_current(dom)->name);
    g_mutex_unlock(&drv->doms.lock);
    pidfd = ctl > 0 ? pidfd_open(ctl, 0) : -1;
    if (init_pid > 0 && kill(init_pid, SIGKILL) < 0 && errno != ESRCH)
        log_warn("%s: cannot kill init %d: %s", name, (int)init_pid, g_strerror(errno));
    /* a frozen init dies only once thawed (v1 freezer) */
    if (priv->cgroup)
        cgroup_freeze(priv->cgroup, false);
    error_reset();
    if (pidfd < 0) {
        /* no controller: whatever runs in the cgroup goes */
        if (priv->cgroup)
            lxc_cgroup_kill_all(priv->cgroup);
        return 0;
    }
    if (!pidfd_exited(pidfd, grace_ms)) {
        log_warn("%s: controller %d still there %d ms after init's SIGKILL: killing it", name,
                 (int)ctl, grace_ms);
        pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        if (priv->cgroup)
            lxc_cgroup_kill_all(priv->cgroup);
        if (!pidfd_exited(pidfd, LXC_KILL_WAIT_MS)) {
            close(pidfd);
            error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_FAILED,
                         "the controller (pid %d) of container '%s' did not exit %d ms after "
                         "SIGKILL", (int)ctl, name, LXC_KILL_WAIT_MS);
            return -1;
        }
    }
    close(pidfd);
    return 0;
}

/* ---- end ---- */

/* Record dom shut off (reason, STOPPED detail); a transient domain
 * leaves the tables. */
static void lxc_record_stopped(dom_obj *dom, int reason, int detail)
{
    lxc_drv *drv = lxc_dom_drv(dom);
    lxc_dom *priv = lxc_dom_of(dom);

    g_mutex_lock(&drv->doms.lock);
    dom->state = VIREO_DOMAIN_SHUTOFF;
    dom->reason = reason;
    priv->init_pid = 0;
    priv->controller_pid = 0;
    priv->want_reboot = false;
    priv->destroying = false;
    g_clear_pointer(&priv->pty, g_free);
    /* the event names the domain as it ran, with id -1 as libvirt's does */
    if (dom->live)
        dom->live->id = -1;
    dom_obj_emit(dom, VIREO_DOMAIN_EVENT_STOPPED, detail);
    if (!dom->def) {
        dom_table_remove(&drv->doms, dom); /* transient: gone with its run */
    } else {
        g_clear_pointer(&dom->live, domain_def_free);
        dom->updated = false;
    }
    g_mutex_unlock(&drv->doms.lock);
}

void lxc_process_ended(dom_obj *dom, int status)
{
    lxc_drv *drv = lxc_dom_drv(dom);
    lxc_dom *priv = lxc_dom_of(dom);
    struct lxc_monitor *mon;
    bool reboot, destroying, closing;
    int reason, detail;

    g_mutex_lock(&drv->doms.lock);
    mon = g_steal_pointer(&priv->mon);
    reboot = priv->want_reboot;
    destroying = priv->destroying;
    closing = drv->closing;
    g_mutex_unlock(&drv->doms.lock);
    lxc_monitor_close(mon);
    lxc_console_stop(dom);
    if (!dom->live)
        return;
    if (status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP)
        reboot = true;
    log_info("%s: ended (status %d%s%s)", dom->live->name, status, destroying ? ", destroyed" : "",
             reboot && !destroying ? ", reboot" : "");
    /* unknown: a controller that died may have left its container, one
     * that does not answer is ended with it */
    if (status == -1)
        lxc_controller_kill_stale(drv, dom->live->name);
    lxc_run_release(dom, dom->live, status == -1);
    if (destroying) {
        reason = VIREO_DOMAIN_SHUTOFF_DESTROYED;
        detail = VIREO_DOMAIN_EVENT_STOPPED_DESTROYED;
    } else if (status == -1) {
        reason = VIREO_DOMAIN_SHUTOFF_UNKNOWN;
        detail = VIREO_DOMAIN_EVENT_STOPPED_FAILED;
    } else if (reboot && !closing) {
        g_mutex_lock(&drv->doms.lock);
        /* a persistent domain boots its definition again, a transient one its run's */
        if (dom->def) {
            g_clear_pointer(&dom->live, domain_def_free);
            dom->updated = false;
        }
        g_mutex_unlock(&drv->doms.lock);
        if (lxc_launch(dom, 0, true) == 0)
            return;
        log_error("%s: cannot start again after a reboot: %s", dom_obj_current(dom)->name,
                  error_last() ? error_last()->message : "?");
        error_reset();
        reason = VIREO_DOMAIN_SHUTOFF_FAILED;
        detail = VIREO_DOMAIN_EVENT_STOPPED_FAILED;
    } else if (WIFEXITED(status) || reboot ||
               (WIFSIGNALED(status) &&
                (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM))) {
        reason = VIREO_DOMAIN_SHUTOFF_SHUTDOWN;
        detail = VIREO_DOMAIN_EVENT_STOPPED_SHUTDOWN;
    } else {
        reason = VIREO_DOMAIN_SHUTOFF_CRASHED;
        detail = VIREO_DOMAIN_EVENT_STOPPED_CRASHED;
    }
    lxc_record_stopped(dom, reason, detail);
}

/* ---- tasks ---- */

void lxc_task_push(dom_obj *dom, lxc_task_kind kind, guint run, int status)
{
    lxc_task *task = g_new0(lxc_task, 1);

    task->kind = kind;
    task->dom = dom_obj_ref(dom);
    task->run = run;
    task->status = status;
    g_thread_pool_push(lxc_dom_drv(dom)->tasks, task, NULL);
}

/* The container of run ended: clean up, unless a job (destroy, a failed
 * start, a reboot) already did. */
static void lxc_task_ended(dom_obj *dom, guint run, int status)
{
    lxc_drv *drv = lxc_dom_drv(dom);
    bool mine;

    if (dom_job_begin(dom, "exit", -1) < 0)
        return;
    g_mutex_lock(&drv->doms.lock);
    mine = dom->run == run && dom_obj_active(dom) && lxc_dom_of(dom)->mon && !drv->closing;
    g_mutex_unlock(&drv->doms.lock);
    if (mine)
        lxc_process_ended(dom, status);
    dom_job_end(dom);
}

static void lxc_task_autostart(dom_obj *dom)
{
    lxc_drv *drv = lxc_dom_drv(dom);
    bool wanted;

    if (dom_job_begin(dom, "autostart", 0) < 0)
        return;
    g_mutex_lock(&drv->doms.lock);
    wanted = dom->def && dom->autostart && !dom_obj_active(dom) && !drv->closing;
    g_mutex_unlock(&drv->doms.lock);
    if (wanted && lxc_process_start(dom, 0) < 0)
        log_error("%s: autostart failed: %s", dom->def->name,
                  error_last() ? error_last()->message : "unknown error");
    dom_job_end(dom);
}

void lxc_task_run(gpointer data, gpointer user_data)
{
    lxc_task *task = data;

    (void)user_data;
    switch (task->kind) {
    case LXC_TASK_ENDED:
        lxc_task_ended(task->dom, task->run, task->status);
        break;
    case LXC_TASK_AUTOSTART:
        lxc_task_autostart(task->dom);
        break;
    case LXC_TASK_ATTACH:
        /* the job was taken when the status file was read */
        lxc_status_attach(task->dom, task->run);
        dom_job_end(task->dom);
        break;
    }
    error_reset();
    dom_obj_unref(task->dom);
    g_free(task);
}
