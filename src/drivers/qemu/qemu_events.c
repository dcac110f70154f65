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
 * shutdown.  on_poweroff is always "destroy" for now (the other actions
 * arrive with point 5's full set).  An exit without SHUTDOWN first is a crash: reason crashed,
 * event STOPPED_FAILED.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "drivers/event.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.events"

static void qemu_event_shutdown(qemu_dom *dom, json_t *data)
{
    json_t *guest = json_object_get(data, "guest");

    dom->got_shutdown = true;
    if (dom->destroying || !dom->proc || dom->state == VIREO_DOMAIN_SHUTDOWN)
        return;
    /* QEMU runs with -no-shutdown: the guest is off but the process
     * stays, paused.  on_poweroff is applied here: the process is told to
     * quit (SIGTERM, never blocking this thread); its exit then shuts the
     * domain off with reason shutdown.  The pid cannot be reused yet: the
     * exit watch that reaps it runs on this same thread. */
    if (dom->pid > 0 && !dom->exited && kill(dom->pid, SIGTERM) < 0)
        log_warn("%s: cannot stop QEMU (pid %d): %s", qemu_dom_current(dom)->name,
                 (int)dom->pid, g_strerror(errno));
    dom->state = VIREO_DOMAIN_SHUTDOWN;
    dom->reason = 0; /* VIR_DOMAIN_SHUTDOWN_UNKNOWN */
    qemu_dom_emit(dom, VIREO_DOMAIN_EVENT_SHUTDOWN,
                  json_is_true(guest) ? VIREO_DOMAIN_EVENT_SHUTDOWN_GUEST
                                      : VIREO_DOMAIN_EVENT_SHUTDOWN_HOST);
}

static void qemu_event_stop(qemu_dom *dom)
{
    bool ours = dom->job && strcmp(dom->job, "suspend") == 0;

    if (dom->state != VIREO_DOMAIN_RUNNING)
        return;
    dom->state = VIREO_DOMAIN_PAUSED;
    dom->reason = ours ? VIREO_DOMAIN_PAUSED_USER : VIREO_DOMAIN_PAUSED_UNKNOWN;
    qemu_dom_emit(dom, VIREO_DOMAIN_EVENT_SUSPENDED, VIREO_DOMAIN_EVENT_SUSPENDED_PAUSED);
}

static void qemu_event_resume(qemu_dom *dom)
{
    if (dom->state != VIREO_DOMAIN_PAUSED)
        return;
    dom->state = VIREO_DOMAIN_RUNNING;
    dom->reason = VIREO_DOMAIN_RUNNING_UNPAUSED;
    qemu_dom_emit(dom, VIREO_DOMAIN_EVENT_RESUMED, VIREO_DOMAIN_EVENT_RESUMED_UNPAUSED);
}

void qemu_on_event(qmp *mon, const char *event, json_t *data, void *opaque)
{
    qemu_dom *dom = opaque;
    const domain_def *def;

    (void)mon;
    g_mutex_lock(&dom->drv->lock);
    def = qemu_dom_current(dom);
    log_debug("%s: QEMU event %s", def->name, event);
    if (strcmp(event, "SHUTDOWN") == 0) {
        qemu_event_shutdown(dom, data);
    } else if (!dom->proc || dom->destroying) {
        /* not a recorded run (starting, stopping): its job decides */
    } else if (strcmp(event, "STOP") == 0) {
        qemu_event_stop(dom);
    } else if (strcmp(event, "RESUME") == 0) {
        qemu_event_resume(dom);
    } else if (strcmp(event, "RESET") == 0) {
        event_emit_reboot(dom->drv, def->name, def->uuid, dom->live ? dom->live->id : -1);
    } else if (strcmp(event, "GUEST_PANICKED") == 0) {
        dom->state = VIREO_DOMAIN_CRASHED;
        dom->reason = VIREO_DOMAIN_CRASHED_PANICKED;
        qemu_dom_emit(dom, VIREO_DOMAIN_EVENT_CRASHED, VIREO_DOMAIN_EVENT_CRASHED_PANICKED);
    }
    g_mutex_unlock(&dom->drv->lock);
}

void qemu_on_exit(qemu_proc *p, int status, void *opaque)
{
    qemu_dom *dom = opaque;
    qemu_drv *drv = dom->drv;
    qemu_task *task;

    (void)p;
    g_mutex_lock(&drv->lock);
    if (drv->closing) {
        /* the next open finds the status file and the process gone */
        g_mutex_unlock(&drv->lock);
        return;
    }
    dom->exited = true;
    task = g_new0(qemu_task, 1);
    task->kind = QEMU_TASK_EXITED;
    task->dom = qemu_dom_ref(dom);
    task->run = dom->run;
    log_debug("%s: QEMU exited (status %d)", qemu_dom_current(dom)->name, status);
    g_mutex_unlock(&drv->lock);
    g_thread_pool_push(drv->tasks, task, NULL);
}

/* QEMU of run exited by itself: shut the domain off, unless a job (destroy,
 * a failed start) already did. */
static void qemu_task_exited(qemu_dom *dom, guint run)
{
    bool mine, shutdown, destroyed;

    if (qemu_job_begin(dom, "exit", -1) < 0)
        return;
    g_mutex_lock(&dom->drv->lock);
    mine = dom->run == run && dom->proc;
    shutdown = dom->got_shutdown;
    destroyed = dom->destroying; /* a destroy killed it and waits for the job */
    g_mutex_unlock(&dom->drv->lock);
    if (mine && destroyed)
        qemu_dom_stopped(dom, VIREO_DOMAIN_SHUTOFF_DESTROYED,
                         VIREO_DOMAIN_EVENT_STOPPED_DESTROYED);
    else if (mine && shutdown)
        qemu_dom_stopped(dom, VIREO_DOMAIN_SHUTOFF_SHUTDOWN, VIREO_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    else if (mine)
        qemu_dom_stopped(dom, VIREO_DOMAIN_SHUTOFF_CRASHED, VIREO_DOMAIN_EVENT_STOPPED_FAILED);
    qemu_job_end(dom);
}

static void qemu_task_autostart(qemu_dom *dom)
{
    bool wanted;

    if (qemu_job_begin(dom, "autostart", dom->drv->job_timeout_ms) < 0)
        return;
    g_mutex_lock(&dom->drv->lock);
    wanted = dom->def && dom->autostart && !qemu_dom_active(dom);
    g_mutex_unlock(&dom->drv->lock);
    if (wanted && qemu_dom_start(dom, 0) < 0)
        log_error("%s: autostart failed: %s", dom->def->name,
                  error_last() ? error_last()->message : "unknown error");
    qemu_job_end(dom);
}

void qemu_task_run(gpointer data, gpointer user_data)
{
    qemu_task *task = data;

    (void)user_data;
    if (task->kind == QEMU_TASK_EXITED)
        qemu_task_exited(task->dom, task->run);
    else
        qemu_task_autostart(task->dom);
    error_reset();
    qemu_dom_unref(task->dom);
    g_free(task);
}
