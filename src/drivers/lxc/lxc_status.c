/*
 * lxc_status.c: the status of each running container, re-attaching at
 * instance start and letting go at instance end.
 *
 * Two files in run_dir, each replaced whole (file_write_runtime):
 *   NAME.xml     the live definition, nothing else: the controller plans
 *                the container from it (--xml), so it is written before
 *                the spawn and again when the run changes it (the pty).
 *   NAME.state   "STATE REASON INIT_PID CONTROLLER_PID RUN\n"
 * A start cut short between the two leaves NAME.xml alone: the monitor
 * socket then says whether a container runs (state running, reason
 * unknown).  At instance start every NAME.xml gives its domain back
 * active with the job "attach" held, and a task connects the monitor:
 * a container that answers runs on with its cgroup and network ports;
 * one that does not is cleaned up as ended with an unknown status.
 */
#define LOG_CATEGORY "lxc.status"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/domain_cgroup.h"
#include "drivers/lxc/lxc_monitor.h"
#include "drivers/lxc/lxc_priv.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

#define LXC_STATE_SUFFIX ".state"
/* a container is never ended because its controller was slow to answer */
#define LXC_ATTACH_TIMEOUT_MS LXC_HANDSHAKE_TIMEOUT_MS

char *lxc_dom_path(lxc_drv *drv, const char *dir, const char *name, const char *suffix)
{
    (void)drv;
    return g_strdup_printf("%s/%s%s", dir, name, suffix);
}

int lxc_status_save(dom_obj *dom)
{
    lxc_drv *drv = lxc_dom_drv(dom);
    lxc_dom *priv = lxc_dom_of(dom);
    g_autofree char *xml = NULL;
    g_autofree char *state = NULL;
    g_autofree char *xml_path = NULL;
    g_autofree char *state_path = NULL;

    g_mutex_lock(&drv->doms.lock);
    if (dom->live) {
        xml = domain_def_format(dom->live, VIREO_DOMAIN_XML_SECURE);
        state = g_strdup_printf("%d %d %d %d %u\n", dom->state, dom->reason,
                                (int)priv->init_pid, (int)priv->controller_pid, dom->run);
        xml_path = lxc_dom_path(drv, drv->run_dir, dom->live->name, ".xml");
        state_path = lxc_dom_path(drv, drv->run_dir, dom->live->name, LXC_STATE_SUFFIX);
    }
    g_mutex_unlock(&drv->doms.lock);
    if (!xml_path)
        return 0;
    if (!xml)
        return -1;
    if (file_write_runtime(xml_path, xml, strlen(xml), 0600, VIREO_FROM_LXC) < 0 ||
        file_write_runtime(state_path, state, strlen(state), 0600, VIREO_FROM_LXC) < 0)
        return -1;
    return 0;
}

void lxc_status_remove(lxc_drv *drv, const char *name)
{
    /* the controller removes its own three; one killed with SIGKILL cannot */
    const char *suffixes[] = { ".xml", LXC_STATE_SUFFIX, LXC_MONITOR_SUFFIX,
                               LXC_CONSOLE_SUFFIX, LXC_PID_SUFFIX };

    for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        g_autofree char *path = lxc_dom_path(drv, drv->run_dir, name, suffixes[i]);

        if (unlink(path) < 0 && errno != ENOENT)
            log_warn("cannot remove '%s': %s", path, g_strerror(errno));
    }
}

/* The domain a status file belongs to, a new reference: the defined one
 * or a new transient one.  NULL when its name or UUID clash. */
static dom_obj *lxc_status_owner(lxc_drv *drv, const domain_def *live)
{
    dom_obj *dom = NULL;

    if (dom_table_check_clash(&drv->doms, live, &dom) < 0)
        return NULL;
    if (!dom) {
        dom = dom_obj_new(&drv->doms);
        dom->live = domain_def_copy(live);
        if (!dom->live) {
            dom_obj_unref(dom);
            return NULL;
        }
        dom_table_add(&drv->doms, dom);
    }
    return dom_obj_ref(dom);
}

static void lxc_status_load_one(lxc_drv *drv, const char *file)
{
    g_autofree char *path = g_build_filename(drv->run_dir, file, NULL);
    g_autofree char *name = g_strndup(file, strlen(file) - strlen(".xml"));
    g_autofree char *state_path = lxc_dom_path(drv, drv->run_dir, name, LXC_STATE_SUFFIX);
    g_autofree char *text = NULL;
    g_autofree char *state_text = NULL;
    g_autoptr(domain_def) live = NULL;
    g_autoptr(dom_obj) dom = NULL;
    int state = VIREO_DOMAIN_RUNNING, reason = VIREO_DOMAIN_RUNNING_UNKNOWN;
    int init_pid = 0, ctl_pid = 0;
    unsigned int run = 1;
    lxc_dom *priv;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        !(live = domain_def_parse(text, DOMAIN_PARSE_LIVE)) || strcmp(live->name, name) != 0) {
        log_error("removing unreadable status file '%s': %s", path,
                  error_last() ? error_last()->message : "unreadable");
        error_reset();
        unlink(path);
        return;
    }
    if (g_file_get_contents(state_path, &state_text, NULL, NULL) &&
        sscanf(state_text, "%d %d %d %d %u", &state, &reason, &init_pid, &ctl_pid, &run) != 5) {
        state = VIREO_DOMAIN_RUNNING;
        reason = VIREO_DOMAIN_RUNNING_UNKNOWN;
    }
    if (state != VIREO_DOMAIN_RUNNING && state != VIREO_DOMAIN_PAUSED)
        state = VIREO_DOMAIN_RUNNING;
    g_mutex_lock(&drv->doms.lock);
    dom = lxc_status_owner(drv, live);
    if (!dom) {
        g_mutex_unlock(&drv->doms.lock);
        log_error("status file '%s' names a domain that clashes with another", path);
        error_reset();
        return;
    }
    priv = lxc_dom_of(dom);
    if (live->id > drv->doms.last_id)
        drv->doms.last_id = live->id;
    domain_def_free(dom->live);
    dom->live = g_steal_pointer(&live);
    dom->state = state;
    dom->reason = reason;
    dom->run = run;
    priv->init_pid = init_pid;
    priv->controller_pid = ctl_pid;
    /* the job from now: no call acts on it before the monitor is back */
    dom->job = "attach";
    lxc_task_push(dom, LXC_TASK_ATTACH, run, -1);
    g_mutex_unlock(&drv->doms.lock);
}

/* The controller's pid from its pid file, 0 when none. */
static pid_t lxc_status_controller_pid(lxc_drv *drv, const char *name)
{
    g_autofree char *path = lxc_dom_path(drv, drv->run_dir, name, LXC_PID_SUFFIX);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    return (pid_t)strtol(text, NULL, 10);
}

/* job "attach" held since the status file was read */
void lxc_status_attach(dom_obj *dom, guint run)
{
    lxc_drv *drv = lxc_dom_drv(dom);
    lxc_dom *priv = lxc_dom_of(dom);
    g_autofree char *name = NULL;
    g_autofree char *pty = NULL;
    struct lxc_monitor *mon;
    pid_t init_pid = 0, ctl_pid;
    bool closing;

    g_mutex_lock(&drv->doms.lock);
    closing = drv->closing;
    if (dom->run != run || !dom->live || priv->mon || closing) {
        g_mutex_unlock(&drv->doms.lock);
        return;
    }
    name = g_strdup(dom->live->name);
    g_mutex_unlock(&drv->doms.lock);
    mon = lxc_monitor_open(dom, run, LXC_ATTACH_TIMEOUT_MS, &init_pid, &pty);
    if (!mon) {
        log_info("%s: no answer from its controller (%s): cleaning up", name,
                 error_last() ? error_last()->message : "?");
        error_reset();
        lxc_process_ended(dom, -1);
        return;
    }
    ctl_pid = lxc_status_controller_pid(drv, name);
    g_mutex_lock(&drv->doms.lock);
    priv->mon = mon;
    priv->init_pid = init_pid;
    if (ctl_pid > 0)
        priv->controller_pid = ctl_pid;
    g_free(priv->pty);
    priv->pty = g_steal_pointer(&pty);
    g_mutex_unlock(&drv->doms.lock);
    if (!priv->cgroup && geteuid() == 0) {
        domain_cgroup_opts o = lxc_cgroup_opts(drv);

        priv->cgroup = domain_cgroup_open(&o, name);
        if (!priv->cgroup)
            log_warn("%s: the container (init %d) runs without its cgroup", name, (int)init_pid);
    }
    lxc_net_readopt(dom, dom->live);
    lxc_status_save(dom);
    error_reset();
    log_info("%s: re-attached (init %d, controller %d)", name, (int)init_pid,
             (int)priv->controller_pid);
}

void lxc_status_load_all(lxc_drv *drv)
{
    g_autoptr(GDir) dir = NULL;
    const char *file;

    file_remove_leftovers(drv->run_dir);
    dir = g_dir_open(drv->run_dir, 0, NULL);
    while (dir && (file = g_dir_read_name(dir))) {
        if (g_str_has_suffix(file, ".xml") && strlen(file) > strlen(".xml"))
            lxc_status_load_one(drv, file);
    }
    error_reset();
}

void lxc_status_detach_all(lxc_drv *drv)
{
    g_autoptr(GPtrArray) doms = dom_table_all(&drv->doms, false);
    g_autoptr(GPtrArray) mons = g_ptr_array_new();

    g_mutex_lock(&drv->doms.lock);
    for (guint i = 0; i < doms->len; i++) {
        lxc_dom *priv = lxc_dom_of(doms->pdata[i]);

        if (priv && priv->mon)
            g_ptr_array_add(mons, g_steal_pointer(&priv->mon));
    }
    g_mutex_unlock(&drv->doms.lock);
    /* the controllers keep their sockets for the next instance */
    for (guint i = 0; i < mons->len; i++)
        lxc_monitor_close(mons->pdata[i]);
}
