/*
 * qemu_events.c: what QEMU tells the driver, on the driver's I/O thread:
 * QMP events become state changes and libvirt's events, and a process
 * exit becomes a clean-up task that takes the domain's job.
 *
 * Nothing here blocks: handlers take drv->lock briefly; work that needs
 * the job (freeing the process, removing the status file) runs on
 * drv->tasks.  Events of a run not yet recorded (during start) or already
 * over are ignored: the job that owns the run records its own state.
 *
 * libvirt's order, kept: SHUTDOWN (detail guest or host, state "being
 * shut down"), then when QEMU has exited STOPPED_SHUTDOWN with reason
 * shutdown.  An exit without SHUTDOWN first is a failure: reason
 * crashed, event STOPPED_FAILED.
 *
 * The lifecycle actions.  QEMU runs with -no-shutdown, so a guest power
 * off leaves the process paused and the driver applies on_poweroff:
 * destroy (QEMU is told to quit) or restart (reset and continue in
 * place, libvirt's "fake reboot").  on_reboot=destroy makes QEMU turn a
 * guest reboot into a SHUTDOWN with reason guest-reset (-action
 * reboot=shutdown), handled the same way.  A panic (pvpanic) pauses the
 * guest with GUEST_PANICKED and the driver applies on_crash: destroy
 * (reason crashed), restart, preserve (left paused, crashed); the
 * coredump-* actions write a memory dump to the dump folder first.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "drivers/event.h"
#include "drivers/qemu/qemu_caps.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.events"

/* Tell QEMU to quit (SIGTERM, never blocking this thread); its exit
 * shuts the domain off.  The pid cannot be reused yet: the exit watch
 * that reaps it runs on this same thread. */
static void qemu_event_quit(dom_obj *dom)
{
    qemu_dom *priv = qemu_dom_of(dom);

    if (priv->pid > 0 && !priv->exited && kill(priv->pid, SIGTERM) < 0)
        log_warn("%s: cannot stop QEMU (pid %d): %s", dom_obj_current(dom)->name,
                 (int)priv->pid, g_strerror(errno));
}

static void qemu_event_shutdown(dom_obj *dom, json_t *data)
{
    qemu_dom *priv = qemu_dom_of(dom);
    const domain_def *def = dom_obj_current(dom);
    json_t *guest = json_object_get(data, "guest");
    const char *why = json_string_value(json_object_get(data, "reason"));
    bool reboot = why && strcmp(why, "guest-reset") == 0;
    domain_action action = reboot ? def->on_reboot : def->on_poweroff;

    priv->got_shutdown = true;
    if (priv->destroying || !priv->proc || dom->state == VIREO_DOMAIN_SHUTDOWN)
        return;
    dom->state = VIREO_DOMAIN_SHUTDOWN;
    dom->reason = 0; /* VIR_DOMAIN_SHUTDOWN_UNKNOWN */
    dom_obj_emit(dom, VIREO_DOMAIN_EVENT_SHUTDOWN,
                 json_is_true(guest) ? VIREO_DOMAIN_EVENT_SHUTDOWN_GUEST
                                     : VIREO_DOMAIN_EVENT_SHUTDOWN_HOST);
    if (!reboot && action == DOMAIN_ACTION_RESTART)
        qemu_task_push(dom, QEMU_TASK_RESTART, NULL);
    else
        qemu_event_quit(dom);
}

static void qemu_event_panicked(dom_obj *dom)
{
    qemu_dom *priv = qemu_dom_of(dom);
    domain_action action = dom_obj_current(dom)->on_crash;

    if (priv->panicked)
        return;
    priv->panicked = true;
    dom->state = VIREO_DOMAIN_CRASHED;
    dom->reason = VIREO_DOMAIN_CRASHED_PANICKED;
    dom_obj_emit(dom, VIREO_DOMAIN_EVENT_CRASHED, VIREO_DOMAIN_EVENT_CRASHED_PANICKED);
    if (action != DOMAIN_ACTION_PRESERVE)
        qemu_task_push(dom, QEMU_TASK_RESTART, NULL); /* the task applies the action */
}

static void qemu_event_stop(dom_obj *dom)
{
    bool ours = dom->job && strcmp(dom->job, "suspend") == 0;

    if (dom->state != VIREO_DOMAIN_RUNNING)
        return;
    dom->state = VIREO_DOMAIN_PAUSED;
    dom->reason = ours ? VIREO_DOMAIN_PAUSED_USER : VIREO_DOMAIN_PAUSED_UNKNOWN;
    dom_obj_emit(dom, VIREO_DOMAIN_EVENT_SUSPENDED, VIREO_DOMAIN_EVENT_SUSPENDED_PAUSED);
}

static void qemu_event_resume(dom_obj *dom)
{
    if (dom->state != VIREO_DOMAIN_PAUSED)
        return;
    dom->state = VIREO_DOMAIN_RUNNING;
    dom->reason = VIREO_DOMAIN_RUNNING_UNPAUSED;
    dom_obj_emit(dom, VIREO_DOMAIN_EVENT_RESUMED, VIREO_DOMAIN_EVENT_RESUMED_UNPAUSED);
}

void qemu_on_event(qmp *mon, const char *event, json_t *data, void *opaque)
{
    dom_obj *dom = opaque;
    const domain_def *def;

    (void)mon;
    g_mutex_lock(&dom->table->lock);
    def = dom_obj_current(dom);
    log_debug("%s: QEMU event %s", def->name, event);
    if (strcmp(event, "SHUTDOWN") == 0) {
        qemu_event_shutdown(dom, data);
    } else if (!qemu_dom_of(dom)->proc || qemu_dom_of(dom)->destroying) {
        /* not a recorded run (starting, stopping): its job decides */
    } else if (strcmp(event, "STOP") == 0) {
        qemu_event_stop(dom);
    } else if (strcmp(event, "RESUME") == 0) {
        qemu_event_resume(dom);
    } else if (strcmp(event, "RESET") == 0) {
        event_emit_reboot(qemu_dom_drv(dom), def->name, def->uuid, dom->live ? dom->live->id : -1);
    } else if (strcmp(event, "DEVICE_DELETED") == 0) {
        qemu_hotplug_device_deleted(dom, data);
    } else if (strcmp(event, "GUEST_PANICKED") == 0) {
        qemu_event_panicked(dom);
    }
    g_mutex_unlock(&dom->table->lock);
}

void qemu_on_exit(qemu_proc *p, int status, void *opaque)
{
    dom_obj *dom = opaque;
    qemu_drv *drv = qemu_dom_drv(dom);

    (void)p;
    g_mutex_lock(&drv->doms.lock);
    if (drv->closing) {
        /* the next open finds the status file and the process gone */
        g_mutex_unlock(&drv->doms.lock);
        return;
    }
    qemu_dom_of(dom)->exited = true;
    log_debug("%s: QEMU exited (status %d)", dom_obj_current(dom)->name, status);
    qemu_task_push(dom, QEMU_TASK_EXITED, NULL);
    g_mutex_unlock(&drv->doms.lock);
}

/* QEMU of run exited by itself: shut the domain off, unless a job (destroy,
 * a failed start) already did. */
static void qemu_task_exited(dom_obj *dom, guint run)
{
    qemu_dom *priv = qemu_dom_of(dom);
    bool mine, shutdown, destroyed, panicked;

    if (dom_job_begin(dom, "exit", -1) < 0)
        return;
    g_mutex_lock(&dom->table->lock);
    mine = dom->run == run && priv->proc;
    shutdown = priv->got_shutdown;
    destroyed = priv->destroying; /* a destroy killed it and waits for the job */
    panicked = priv->panicked;
    g_mutex_unlock(&dom->table->lock);
    if (mine && panicked && !destroyed)
        qemu_dom_stopped(dom, VIREO_DOMAIN_SHUTOFF_CRASHED, VIREO_DOMAIN_EVENT_STOPPED_CRASHED);
    else if (mine && destroyed)
        qemu_dom_stopped(dom, VIREO_DOMAIN_SHUTOFF_DESTROYED,
                         VIREO_DOMAIN_EVENT_STOPPED_DESTROYED);
    else if (mine && shutdown)
        qemu_dom_stopped(dom, VIREO_DOMAIN_SHUTOFF_SHUTDOWN, VIREO_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    else if (mine)
        qemu_dom_stopped(dom, VIREO_DOMAIN_SHUTOFF_CRASHED, VIREO_DOMAIN_EVENT_STOPPED_FAILED);
    dom_job_end(dom);
}

static void qemu_task_autostart(dom_obj *dom)
{
    bool wanted;
    int r;

    if (dom_job_begin(dom, "autostart", qemu_dom_drv(dom)->job_timeout_ms) < 0)
        return;
    g_mutex_lock(&dom->table->lock);
    wanted = dom->def && dom->autostart && !dom_obj_active(dom);
    g_mutex_unlock(&dom->table->lock);
    /* as start: from a managed save image when there is one */
    r = wanted ? qemu_managed_save_start(dom, 0) : 0;
    if (r > 0)
        r = qemu_dom_start(dom, NULL, 0);
    if (r < 0)
        log_error("%s: autostart failed: %s", dom->def->name,
                  error_last() ? error_last()->message : "unknown error");
    dom_job_end(dom);
}

/* The restart task: after a guest power off (on_poweroff=restart) or a
 * panic (on_crash).  A panic's destroy is also done here, with the job,
 * so a dump can come first. */
static void qemu_task_restart(dom_obj *dom, guint run)
{
    qemu_dom *priv = qemu_dom_of(dom);
    domain_action action;
    json_t *reply = NULL;
    bool mine, crash;

    if (dom_job_begin(dom, "restart", qemu_dom_drv(dom)->job_timeout_ms) < 0)
        return;
    g_mutex_lock(&dom->table->lock);
    mine = dom->run == run && priv->proc && !priv->exited && !priv->destroying;
    crash = priv->panicked;
    action = crash ? dom_obj_current(dom)->on_crash : DOMAIN_ACTION_RESTART;
    g_mutex_unlock(&dom->table->lock);
    if (mine && (action == DOMAIN_ACTION_COREDUMP_DESTROY ||
                 action == DOMAIN_ACTION_COREDUMP_RESTART))
        qemu_crash_dump(dom);
    if (mine && (action == DOMAIN_ACTION_DESTROY || action == DOMAIN_ACTION_COREDUMP_DESTROY)) {
        g_mutex_lock(&dom->table->lock);
        qemu_event_quit(dom);
        g_mutex_unlock(&dom->table->lock);
        mine = false;
    }
    /* libvirt's fake reboot: reset, then run; the guest boots again */
    if (mine && (reply = qmp_call(priv->proc->mon, "system_reset", NULL, QEMU_MONITOR_TIMEOUT_MS)))
        json_decref(reply);
    if (reply && (reply = qmp_call(priv->proc->mon, "cont", NULL, QEMU_MONITOR_TIMEOUT_MS))) {
        json_decref(reply);
        g_mutex_lock(&dom->table->lock);
        priv->got_shutdown = false;
        priv->panicked = false;
        dom->state = VIREO_DOMAIN_RUNNING;
        dom->reason = VIREO_DOMAIN_RUNNING_BOOTED;
        dom_obj_emit(dom, VIREO_DOMAIN_EVENT_RESUMED, VIREO_DOMAIN_EVENT_RESUMED_UNPAUSED);
        g_mutex_unlock(&dom->table->lock);
        qemu_status_save(dom);
    } else if (mine) {
        log_error("%s: cannot restart the guest: %s", dom_obj_current(dom)->name,
                  error_last() ? error_last()->message : "unknown error");
    }
    dom_job_end(dom);
}

void qemu_task_push(dom_obj *dom, qemu_task_kind kind, const char *monitor)
{
    qemu_task *task = g_new0(qemu_task, 1);

    task->kind = kind;
    task->dom = dom_obj_ref(dom);
    task->run = dom->run;
    task->monitor = g_strdup(monitor);
    g_thread_pool_push(qemu_dom_drv(dom)->tasks, task, NULL);
}

void qemu_task_push_drv(qemu_drv *drv, qemu_task_kind kind)
{
    qemu_task *task = g_new0(qemu_task, 1);

    task->kind = kind;
    g_thread_pool_push(drv->tasks, task, NULL);
}

void qemu_task_run(gpointer data, gpointer user_data)
{
    qemu_task *task = data;
    qemu_drv *drv = user_data;

    switch (task->kind) {
    case QEMU_TASK_CAPS:
        /* the first call that needs them (a client's getVersion) finds
         * them ready; a cold cache is left to that call */
        qemu_caps_warm(QEMU_EMULATOR_DEFAULT, drv->cache_dir);
        break;
    case QEMU_TASK_SWEEP:
        qemu_status_sweep_late(drv);
        break;
    case QEMU_TASK_EXITED:
        qemu_task_exited(task->dom, task->run);
        break;
    case QEMU_TASK_AUTOSTART:
        qemu_task_autostart(task->dom);
        break;
    case QEMU_TASK_ATTACH:
        /* the job was taken when the status file was read */
        qemu_status_attach(task->dom, task->run, task->monitor);
        dom_job_end(task->dom);
        break;
    case QEMU_TASK_RESTART:
        qemu_task_restart(task->dom, task->run);
        break;
    }
    error_reset();
    if (task->dom)
        dom_obj_unref(task->dom);
    g_free(task->monitor);
    g_free(task);
}
