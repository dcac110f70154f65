/*
 * lxc_lifecycle.c: the LXC driver's calls that start and stop
 * containers and change their run state: start, create from XML,
 * destroy, shutdown, reboot, suspend, resume, autostart.
 *
 * Skeleton of every entry: check flags, find the domain, begin its job,
 * check the state, act (a signal to init, the cgroup freezer, the
 * process), record the new state and its event under the lock, save the
 * status, end the job.
 *
 * Shutdown and reboot are signals to the container's init, as libvirt's
 * (there is no initctl here: those flags fall back to the signal):
 * SIGTERM for a shutdown, SIGHUP for a reboot, and both return at once;
 * the end of init then shuts the domain off (or starts it again).  The
 * kernel delivers to a PID namespace's init only the signals it handles
 * (pid_namespaces(7)): an init that ignores SIGTERM or SIGHUP never
 * hears the request, and `virsh destroy` is the way out.  A reboot is
 * remembered, so whatever way its init ends next, the container starts
 * again.
 */
#define LOG_CATEGORY "lxc.lifecycle"

#include <errno.h>
#include <signal.h>

#include "drivers/lxc/lxc_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LXC_SHUTDOWN_INITCTL (1u << 2)
#define LXC_SHUTDOWN_SIGNAL (1u << 3)
#define LXC_DESTROY_GRACEFUL 1u

static dom_obj *lxc_dom_find(vireo_domain *handle)
{
    return dom_obj_from_handle(&lxc_conn_drv(handle->conn)->doms, handle);
}

int lxc_domain_create(vireo_domain *handle, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    lxc_drv *drv;
    bool active;
    int ret = -1;

    /* libvirt's AUTODESTROY (the domain dies with the connection) is not kept */
    if (!lxc_flags_ok(flags, 0, __func__) || !(dom = lxc_dom_find(handle)))
        return -1;
    drv = lxc_dom_drv(dom);
    if (dom_job_begin(dom, "start", 0) < 0)
        return -1;
    g_mutex_lock(&drv->doms.lock);
    active = dom_obj_active(dom);
    g_mutex_unlock(&drv->doms.lock);
    if (active)
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_INVALID,
                     "domain '%s' is already running", handle->name);
    else
        ret = lxc_process_start(dom, flags);
    dom_job_end(dom);
    return ret;
}

/* The domain create_xml runs: a new transient one, or the defined one
 * with the same name and UUID; either with def as its live definition
 * to start from.  A new reference, its job held; NULL with an error. */
static dom_obj *lxc_create_target(lxc_drv *drv, domain_def **def, bool *added)
{
    dom_obj *dom = NULL;

    *added = false;
    g_mutex_lock(&drv->doms.lock);
    if (dom_table_check_clash(&drv->doms, *def, &dom) == 0) {
        if (!dom) {
            dom = dom_obj_new(&drv->doms);
            dom->live = g_steal_pointer(def);
            /* it holds the job from the start, so nobody acts on it half-made */
            dom->job = "start";
            dom_table_add(&drv->doms, dom);
            *added = true;
        }
        dom_obj_ref(dom);
    }
    g_mutex_unlock(&drv->doms.lock);
    if (dom && !*added && dom_job_begin(dom, "start", 0) < 0)
        g_clear_pointer(&dom, dom_obj_unref);
    return dom;
}

/* As libvirt: XML naming a defined, inactive domain runs that XML (the
 * persistent definition stays as it is); naming a running one fails. */
vireo_domain *lxc_domain_create_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    lxc_drv *drv = lxc_conn_drv(conn);
    g_autoptr(dom_obj) dom = NULL;
    g_autoptr(domain_def) def = NULL;
    vireo_domain *handle = NULL;
    bool added;
    int r = -1;

    if (!lxc_flags_ok(flags, 0, __func__) || !(def = lxc_def_parse(drv, xml)))
        return NULL;
    if (!(dom = lxc_create_target(drv, &def, &added)))
        return NULL;
    if (added) {
        r = lxc_process_start(dom, flags);
    } else {
        g_mutex_lock(&drv->doms.lock);
        if (dom_obj_active(dom)) {
            error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_INVALID,
                         "domain '%s' is already running", def->name);
        } else {
            dom->live = g_steal_pointer(&def);
            r = 0;
        }
        g_mutex_unlock(&drv->doms.lock);
        if (r == 0)
            r = lxc_process_start(dom, flags);
    }
    g_mutex_lock(&drv->doms.lock);
    if (r == 0) {
        handle = dom_obj_handle(conn, dom);
    } else if (added) {
        dom_table_remove(&drv->doms, dom);
    } else if (dom->state == VIREO_DOMAIN_SHUTOFF) {
        /* the XML it was to run is not a run */
        g_clear_pointer(&dom->live, domain_def_free);
    }
    g_mutex_unlock(&drv->doms.lock);
    dom_job_end(dom);
    return handle;
}

int lxc_domain_destroy(vireo_domain *handle, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    lxc_drv *drv;
    lxc_dom *priv;
    pid_t init_pid = 0;
    bool running;
    int ret = -1;

    if (!lxc_flags_ok(flags, LXC_DESTROY_GRACEFUL, __func__) || !(dom = lxc_dom_find(handle)))
        return -1;
    drv = lxc_dom_drv(dom);
    priv = lxc_dom_of(dom);
    if (dom_job_begin(dom, "destroy", 0) < 0)
        return -1;
    g_mutex_lock(&drv->doms.lock);
    running = dom_obj_active(dom) && dom->state != VIREO_DOMAIN_SHUTOFF;
    if (running) {
        priv->destroying = true;
        init_pid = priv->init_pid;
    } else {
        dom_obj_state_error(dom, "running");
    }
    g_mutex_unlock(&drv->doms.lock);
    if (running && (flags & LXC_DESTROY_GRACEFUL) && init_pid > 0) {
        /* a chance to end by itself first (libvirt's SIGTERM before SIGKILL) */
        kill(init_pid, SIGTERM);
        for (int ms = 0; ms < LXC_STOP_GRACE_MS && kill(init_pid, 0) == 0; ms += 50)
            g_usleep(50 * 1000);
    }
    if (running && lxc_process_kill(dom, LXC_STOP_GRACE_MS) == 0) {
        lxc_process_ended(dom, SIGKILL);
        ret = 0;
    } else if (running) {
        g_mutex_lock(&drv->doms.lock);
        priv->destroying = false;
        g_mutex_unlock(&drv->doms.lock);
    }
    dom_job_end(dom);
    return ret;
}

/* Begin job on a domain in one of the states of want (a bit per state);
 * its init's pid into *init_pid.  A new reference, or NULL with the
 * error. */
static dom_obj *lxc_state_job(vireo_domain *handle, const char *job, unsigned int want,
                              const char *want_text, pid_t *init_pid)
{
    g_autoptr(dom_obj) dom = lxc_dom_find(handle);
    lxc_drv *drv;
    bool ok;

    if (!dom)
        return NULL;
    drv = lxc_dom_drv(dom);
    if (dom_job_begin(dom, job, 0) < 0)
        return NULL;
    g_mutex_lock(&drv->doms.lock);
    ok = dom_obj_active(dom) && (want & (1u << dom->state)) && lxc_dom_of(dom)->init_pid > 0;
    if (!ok)
        dom_obj_state_error(dom, want_text);
    *init_pid = lxc_dom_of(dom)->init_pid;
    g_mutex_unlock(&drv->doms.lock);
    if (!ok) {
        dom_job_end(dom);
        return NULL;
    }
    return g_steal_pointer(&dom);
}

/* Send sig to the container's init (shutdown, reboot). */
static int lxc_signal_init(vireo_domain *handle, const char *job, int sig, bool reboot)
{
    g_autoptr(dom_obj) dom = NULL;
    pid_t init_pid;
    int ret = 0;

    /* as libvirt: any active state; a frozen init gets it once thawed */
    if (!(dom = lxc_state_job(handle, job,
                              (1u << VIREO_DOMAIN_RUNNING) | (1u << VIREO_DOMAIN_PAUSED),
                              "running", &init_pid)))
        return -1;
    if (reboot) {
        g_mutex_lock(&lxc_dom_drv(dom)->doms.lock);
        lxc_dom_of(dom)->want_reboot = true;
        g_mutex_unlock(&lxc_dom_drv(dom)->doms.lock);
    }
    if (kill(init_pid, sig) < 0) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot send %s to the init (pid %d) of "
                            "container '%s'", sig == SIGHUP ? "SIGHUP" : "SIGTERM",
                            (int)init_pid, handle->name);
        ret = -1;
    }
    dom_job_end(dom);
    return ret;
}

int lxc_domain_shutdown(vireo_domain *handle, unsigned int flags)
{
    if (!lxc_flags_ok(flags, LXC_SHUTDOWN_INITCTL | LXC_SHUTDOWN_SIGNAL, __func__))
        return -1;
    return lxc_signal_init(handle, "shutdown", SIGTERM, false);
}

int lxc_domain_reboot(vireo_domain *handle, unsigned int flags)
{
    if (!lxc_flags_ok(flags, LXC_SHUTDOWN_INITCTL | LXC_SHUTDOWN_SIGNAL, __func__))
        return -1;
    return lxc_signal_init(handle, "reboot", SIGHUP, true);
}

/* Freeze or thaw the container (the cgroup freezer) and record it. */
static int lxc_freeze(vireo_domain *handle, bool frozen)
{
    g_autoptr(dom_obj) dom = NULL;
    lxc_drv *drv;
    lxc_dom *priv;
    pid_t init_pid;
    int ret = -1;

    /* as libvirt: suspending a paused domain succeeds and changes nothing */
    dom = lxc_state_job(handle, frozen ? "suspend" : "resume",
                        frozen ? (1u << VIREO_DOMAIN_RUNNING) | (1u << VIREO_DOMAIN_PAUSED)
                               : 1u << VIREO_DOMAIN_PAUSED,
                        frozen ? "running" : "paused", &init_pid);
    if (!dom)
        return -1;
    drv = lxc_dom_drv(dom);
    priv = lxc_dom_of(dom);
    if (!priv->cgroup)
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_INVALID,
                     "container '%s' has no cgroup to freeze", handle->name);
    else if (cgroup_freeze(priv->cgroup, frozen) == 0)
        ret = 0;
    if (ret == 0) {
        g_mutex_lock(&drv->doms.lock);
        if (frozen && dom->state == VIREO_DOMAIN_RUNNING) {
            dom->state = VIREO_DOMAIN_PAUSED;
            dom->reason = VIREO_DOMAIN_PAUSED_USER;
            dom_obj_emit(dom, VIREO_DOMAIN_EVENT_SUSPENDED, VIREO_DOMAIN_EVENT_SUSPENDED_PAUSED);
        } else if (!frozen && dom->state == VIREO_DOMAIN_PAUSED) {
            dom->state = VIREO_DOMAIN_RUNNING;
            dom->reason = VIREO_DOMAIN_RUNNING_UNPAUSED;
            dom_obj_emit(dom, VIREO_DOMAIN_EVENT_RESUMED, VIREO_DOMAIN_EVENT_RESUMED_UNPAUSED);
        }
        g_mutex_unlock(&drv->doms.lock);
        lxc_status_save(dom);
        error_reset();
    }
    dom_job_end(dom);
    return ret;
}

int lxc_domain_suspend(vireo_domain *handle)
{
    return lxc_freeze(handle, true);
}

int lxc_domain_resume(vireo_domain *handle)
{
    return lxc_freeze(handle, false);
}

void lxc_autostart_all(lxc_drv *drv)
{
    g_autoptr(GPtrArray) doms = NULL;

    g_mutex_lock(&drv->doms.lock);
    doms = dom_table_all(&drv->doms, true);
    for (guint i = 0; i < doms->len; i++) {
        dom_obj *dom = doms->pdata[i];

        if (dom->def && dom->autostart && !dom_obj_active(dom))
            lxc_task_push(dom, LXC_TASK_AUTOSTART, dom->run, -1);
    }
    g_mutex_unlock(&drv->doms.lock);
}
