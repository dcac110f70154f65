/*
 * qemu_lifecycle.c: the QEMU driver's calls that start and stop guests
 * and change their run state: start, create from XML, destroy, shutdown,
 * reboot, suspend, resume.
 *
 * Skeleton of every entry: check flags, find the domain, begin its job,
 * check the state, act (monitor or process, without drv->lock), record
 * the new state and its event under drv->lock, save status, end the job.
 *
 * Accelerator: type 'kvm' runs on KVM when qemu_kvm_probe() says /dev/kvm
 * runs guest code; otherwise it falls back to TCG, with a warning in the
 * domain's log and the driver's (libvirt refuses; vireo's hosts often have
 * a /dev/kvm that cannot run stock guests, see FACTS.md).  Type 'qemu'
 * always runs on TCG.
 *
 * Events follow QEMU's own: STOP and RESUME events and the answers to
 * stop/cont converge on one state change and one event (whichever comes
 * first records it); SHUTDOWN, RESET and the process exit are handled in
 * qemu_events.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers/event.h"
#include "drivers/qemu/qemu_caps.h"
#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.lifecycle"

#define QEMU_START_FLAGS (VIREO_DOMAIN_START_PAUSED | VIREO_DOMAIN_START_BYPASS_CACHE | \
                          VIREO_DOMAIN_START_FORCE_BOOT | 0x10u /* validate */)
#define QEMU_SHUTDOWN_FLAGS 0x1fu   /* acpi, agent, initctl, signal, paravirt: ACPI is used */
#define QEMU_DESTROY_GRACEFUL 1u

/* Append a line to the domain's log (a warning the user should see
 * beside QEMU's own output). */
static void qemu_log_append(const char *path, const char *text)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");
    g_autofree char *line = g_strdup_printf("%s: %s\n", stamp, text);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0)
        return;
    if (write(fd, line, strlen(line)) < 0)
        log_warn("cannot write to '%s': %s", path, g_strerror(errno));
    close(fd);
}

/* The live definition for a start, with the machine alias resolved; the
 * accelerator decided (see the top comment). */
static domain_def *qemu_start_prepare(dom_obj *dom, const domain_def *use, const qemu_caps *caps,
                                      const char *log_path, bool *kvm)
{
    g_autoptr(domain_def) live = NULL;
    const qemu_machine *machine;

    g_mutex_lock(&dom->table->lock);
    live = domain_def_copy(use ? use : dom->live ? dom->live : dom->def);
    g_mutex_unlock(&dom->table->lock);
    if (!live)
        return NULL;
    machine = qemu_caps_machine(caps, live->os.machine);
    if (!machine)
        return NULL;
    g_free(live->os.machine);
    live->os.machine = g_strdup(machine->name);
    *kvm = live->virt == DOMAIN_VIRT_KVM && caps->kvm;
    if (live->virt == DOMAIN_VIRT_KVM && !caps->kvm) {
        log_warn("%s: KVM cannot run guest code on this host: using TCG", live->name);
        qemu_log_append(log_path, "warning: KVM cannot run guest code on this host: using TCG");
    }
    return g_steal_pointer(&live);
}

/* Spawn QEMU for live, paused (-S), inheriting the interfaces'
 * descriptors of net.  NULL with QEMU's own error. */
static qemu_proc *qemu_start_spawn(dom_obj *dom, const domain_def *live, const qemu_caps *caps,
                                   bool kvm, const char *log_path, const char *incoming,
                                   const qemu_net_start *net)
{
    qemu_drv *drv = qemu_dom_drv(dom);
    g_autofree char *mon = qemu_dom_path(drv, drv->run_dir, live->name, ".monitor");
    g_autofree char *pid = qemu_dom_path(drv, drv->run_dir, live->name, ".pid");
    g_auto(GStrv) argv = NULL;
    qemu_command_opts opts = {
        .monitor_path = mon,
        .pid_path = pid,
        .chardev_dir = drv->run_dir,
        .kvm = kvm,
        .start_paused = true,
        .incoming = incoming,
        .nets = net->nets,
        .no_sandbox = !drv->conf->seccomp_sandbox || !caps->sandbox,
    };
    /* QEMU runs as qemu.conf's user and group (qemu_conf.c) */
    child_opts child = {
        .fds = (const int *)net->fds->data,
        .nfds = net->fds->len,
        .uid = qemu_conf_other_user(drv->conf) ? drv->conf->user : (uid_t)-1,
        .gid = qemu_conf_other_user(drv->conf) ? drv->conf->group : (gid_t)-1,
        .groups = drv->conf->groups,
        .ngroups = drv->conf->ngroups,
    };
    /* QEMU joins its cgroup before exec (qemu_cgroup.c) */
    g_auto(GStrv) procs = qemu_cgroup_procs(dom);

    child.cgroup_procs = (const char *const *)procs;

    argv = qemu_command_build(live, caps, &opts);
    if (!argv)
        return NULL;
    /* a killed daemon's spawn may have become QEMU after the sweeps looked */
    qemu_proc_kill_pid_file_holder(pid);
    /* qemu_proc_spawn_as writes the command line to the log first */
    return qemu_proc_spawn_as(argv, &child, log_path, mon, pid, drv->ctx, QEMU_START_TIMEOUT_MS,
                              qemu_on_event, qemu_on_exit, dom);
}

/* Put the pty QEMU gave each pty chardev into the live XML, as libvirt
 * does (<source path='/dev/pts/N'/>), so a client can find its console.
 * Chardev ids are the command line's: charserialN, charconsoleN. */
static int qemu_start_ptys(qemu_proc *proc, domain_def *live)
{
    json_t *list = qmp_call(proc->mon, "query-chardev", NULL, QEMU_MONITOR_TIMEOUT_MS);
    size_t i;
    json_t *c;

    if (!list)
        return -1;
    json_array_foreach(list, i, c) {
        const char *label = json_string_value(json_object_get(c, "label"));
        const char *file = json_string_value(json_object_get(c, "filename"));
        GPtrArray *devs = NULL;
        unsigned int n;

        if (!label || !file || !g_str_has_prefix(file, "pty:"))
            continue;
        if (sscanf(label, "charserial%u", &n) == 1)
            devs = live->devices.serials;
        else if (sscanf(label, "charconsole%u", &n) == 1)
            devs = live->devices.consoles;
        if (devs && n < devs->len) {
            device_chr *chr = devs->pdata[n];

            g_free(chr->source_path);
            chr->source_path = g_strdup(file + strlen("pty:"));
        }
    }
    json_decref(list);
    return 0;
}

/* Record the started domain: live, process, state, events. */
static void qemu_start_record(dom_obj *dom, domain_def *live, qemu_proc *proc, bool paused,
                              bool restored)
{
    qemu_dom *priv = qemu_dom_of(dom);
    qemu_drv *drv = qemu_dom_drv(dom);

    g_mutex_lock(&drv->doms.lock);
    domain_def_free(dom->live);
    dom->live = live;
    priv->proc = proc;
    priv->pid = proc->pid;
    dom->state = paused ? VIREO_DOMAIN_PAUSED : VIREO_DOMAIN_RUNNING;
    dom->reason = paused     ? VIREO_DOMAIN_PAUSED_USER
                  : restored ? VIREO_DOMAIN_RUNNING_RESTORED
                             : VIREO_DOMAIN_RUNNING_BOOTED;
    dom_obj_emit(dom, VIREO_DOMAIN_EVENT_STARTED,
                 restored ? VIREO_DOMAIN_EVENT_STARTED_RESTORED
                          : VIREO_DOMAIN_EVENT_STARTED_BOOTED);
    if (paused)
        dom_obj_emit(dom, VIREO_DOMAIN_EVENT_SUSPENDED,
                     restored ? VIREO_DOMAIN_EVENT_SUSPENDED_RESTORED
                              : VIREO_DOMAIN_EVENT_SUSPENDED_PAUSED);
    g_mutex_unlock(&drv->doms.lock);
}

/* Start dom with use (NULL: its own definition); with incoming_fd >= 0
 * QEMU loads the migration stream read from it instead of booting. */
static int qemu_dom_launch(dom_obj *dom, const domain_def *use, int incoming_fd,
                           unsigned int flags)
{
    qemu_dom *priv = qemu_dom_of(dom);
    qemu_drv *drv = qemu_dom_drv(dom);
    g_autoptr(qemu_caps) caps = NULL;
    g_autoptr(domain_def) live = NULL;
    g_autofree char *log_path = NULL;
    g_autofree char *emulator = NULL;
    qemu_net_start net = { 0 };
    json_t *reply = NULL;
    qemu_proc *proc;
    bool kvm = false;

    g_mutex_lock(&drv->doms.lock);
    log_path = qemu_dom_path(drv, drv->log_dir, dom_obj_current(dom)->name, ".log");
    emulator = g_strdup((use ? use : dom_obj_current(dom))->devices.emulator);
    g_mutex_unlock(&drv->doms.lock);
    caps = qemu_caps_get(emulator ? emulator : QEMU_EMULATOR_DEFAULT, drv->cache_dir);
    if (!caps || !(live = qemu_start_prepare(dom, use, caps, log_path, &kvm)) ||
        qemu_conf_check(drv->conf) < 0 ||
        (kvm && qemu_dac_check_access(drv, "/dev/kvm", R_OK | W_OK) < 0) ||
        qemu_storage_prepare(drv, live) < 0)
        return -1;
    if (qemu_dac_set(drv, live) < 0) {
        qemu_storage_cleanup(live);
        return -1;
    }
    if (qemu_net_prepare(dom, live, &net) < 0) {
        qemu_dac_restore(drv, live);
        qemu_storage_cleanup(live);
        return -1;
    }
    if (qemu_cgroup_setup(dom, live) < 0) {
        g_autoptr(vireo_error) saved = error_save();

        qemu_net_start_clear(&net);
        qemu_net_release_all(dom, live);
        qemu_dac_restore(drv, live);
        qemu_storage_cleanup(live);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    g_mutex_lock(&drv->doms.lock);
    live->id = dom_table_next_id(&drv->doms);
    dom->run++;
    priv->exited = false;
    priv->got_shutdown = false;
    priv->panicked = false;
    priv->destroying = false;
    g_mutex_unlock(&drv->doms.lock);
    proc = qemu_start_spawn(dom, live, caps, kvm, log_path, incoming_fd >= 0 ? "defer" : NULL,
                            &net);
    /* QEMU read the keys before its monitor answered, and holds its
     * copies of the taps */
    qemu_storage_cleanup(live);
    qemu_net_start_clear(&net);
    if (!proc) {
        g_autoptr(vireo_error) saved = error_save();

        qemu_net_release_all(dom, live);
        qemu_dac_restore(drv, live);
        qemu_cgroup_remove(dom, live->name);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    if (qemu_start_ptys(proc, live) < 0 || qemu_net_set_links(proc, live) < 0 ||
        (incoming_fd >= 0 && qemu_save_incoming(proc, incoming_fd, live->name) < 0) ||
        (!(flags & VIREO_DOMAIN_START_PAUSED) &&
         !(reply = qmp_call(proc->mon, "cont", NULL, QEMU_MONITOR_TIMEOUT_MS)))) {
        g_autoptr(vireo_error) saved = error_save();

        qemu_proc_kill(proc, 0);
        qemu_proc_free(proc);
        qemu_net_release_all(dom, live);
        qemu_dac_restore(drv, live);
        qemu_cgroup_remove(dom, live->name);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    json_decref(reply);
    qemu_start_record(dom, g_steal_pointer(&live), proc, flags & VIREO_DOMAIN_START_PAUSED,
                      incoming_fd >= 0);
    if (qemu_status_save(dom) < 0) {
        /* a guest no restarted daemon could find must not run */
        g_autoptr(vireo_error) saved = error_save();

        g_mutex_lock(&drv->doms.lock);
        priv->destroying = true;
        g_mutex_unlock(&drv->doms.lock);
        qemu_proc_kill(proc, 0);
        qemu_dom_stopped(dom, VIREO_DOMAIN_SHUTOFF_FAILED, VIREO_DOMAIN_EVENT_STOPPED_FAILED);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    return 0;
}

int qemu_dom_start(dom_obj *dom, const domain_def *use, unsigned int flags)
{
    return qemu_dom_launch(dom, use, -1, flags);
}

int qemu_dom_start_incoming(dom_obj *dom, const domain_def *def, int fd, unsigned int flags)
{
    return qemu_dom_launch(dom, def, fd, flags);
}

void qemu_dom_stopped(dom_obj *dom, int reason, int detail)
{
    qemu_dom *priv = qemu_dom_of(dom);
    qemu_drv *drv = qemu_dom_drv(dom);
    g_autofree char *name = NULL;
    qemu_proc *proc;

    g_mutex_lock(&drv->doms.lock);
    proc = g_steal_pointer(&priv->proc);
    name = g_strdup(dom_obj_current(dom)->name);
    g_mutex_unlock(&drv->doms.lock);
    /* without the lock: closing the monitor waits for its callbacks */
    if (proc)
        qemu_proc_free(proc);
    /* the job holder alone changes live: read without the lock */
    qemu_net_release_all(dom, dom->live);
    qemu_dac_restore(drv, dom->live);
    qemu_cgroup_remove(dom, name);
    qemu_console_stop(dom);
    qemu_status_remove(drv, name);
    g_mutex_lock(&drv->doms.lock);
    dom->state = VIREO_DOMAIN_SHUTOFF;
    dom->reason = reason;
    priv->pid = 0;
    priv->destroying = false;
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

/* ---- entries ---- */

int qemu_domain_create(vireo_domain *handle, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    bool active;
    int ret;

    if (!qemu_flags_ok(flags, QEMU_START_FLAGS, __func__) ||
        !(dom = qemu_dom_from_handle(handle)))
        return -1;
    if (dom_job_begin(dom, "start", qemu_dom_drv(dom)->job_timeout_ms) < 0)
        return -1;
    g_mutex_lock(&dom->table->lock);
    active = dom_obj_active(dom);
    g_mutex_unlock(&dom->table->lock);
    if (active) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "domain '%s' is already running", handle->name);
        ret = -1;
    } else {
        /* a managed save image: resume from it (qemu_save.c) */
        ret = qemu_managed_save_start(dom, flags);
        if (ret > 0)
            ret = qemu_dom_start(dom, NULL, flags & ~VIREO_DOMAIN_START_FORCE_BOOT);
    }
    dom_job_end(dom);
    return ret;
}

/* The domain create_xml runs: a new transient one (live set, not yet
 * started), or the defined one with the same name and UUID.  A new
 * reference, its job held; NULL with an error. */
static dom_obj *qemu_create_target(qemu_drv *drv, domain_def *def, bool *added)
{
    dom_obj *dom = NULL;

    *added = false;
    g_mutex_lock(&drv->doms.lock);
    if (dom_table_check_clash(&drv->doms, def, &dom) == 0) {
        if (!dom) {
            dom = dom_obj_new(&drv->doms);
            dom->live = def;
            /* it holds the job from the start, so nobody acts on it half-made */
            dom->job = "start";
            dom_table_add(&drv->doms, dom);
            *added = true;
        }
        dom_obj_ref(dom);
    }
    g_mutex_unlock(&drv->doms.lock);
    if (dom && !*added && dom_job_begin(dom, "start", drv->job_timeout_ms) < 0)
        g_clear_pointer(&dom, dom_obj_unref);
    return dom;
}

/* As libvirt: XML naming a defined, inactive domain runs that XML (the
 * persistent definition stays as it is); naming a running one fails. */
vireo_domain *qemu_domain_create_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    qemu_drv *drv = qemu_conn_drv(conn);
    g_autoptr(dom_obj) dom = NULL;
    g_autoptr(domain_def) def = NULL;
    vireo_domain *handle = NULL;
    bool added, active;
    int r = -1;

    if (!qemu_flags_ok(flags, QEMU_START_FLAGS & ~VIREO_DOMAIN_START_FORCE_BOOT, __func__) ||
        !(def = qemu_def_parse(drv, xml)))
        return NULL;
    if (!(dom = qemu_create_target(drv, def, &added)))
        return NULL;
    if (added) {
        def = NULL; /* the new domain's now */
        r = qemu_dom_start(dom, NULL, flags);
    } else {
        g_mutex_lock(&drv->doms.lock);
        active = dom_obj_active(dom);
        g_mutex_unlock(&drv->doms.lock);
        if (active)
            error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                         "domain '%s' is already running", def->name);
        else
            r = qemu_dom_start(dom, def, flags);
    }
    g_mutex_lock(&drv->doms.lock);
    if (r == 0)
        handle = dom_obj_handle(conn, dom);
    else if (added)
        dom_table_remove(&drv->doms, dom);
    g_mutex_unlock(&drv->doms.lock);
    dom_job_end(dom);
    return handle;
}

/* Begin destroy's job.  A job stuck on a QEMU that does not answer
 * (SIGSTOP) would hold it for a monitor timeout: destroy then kills the
 * process first, which ends that job's monitor call at once (libvirt
 * also kills before it takes the job).  *forced tells that it did. */
static int qemu_destroy_begin(dom_obj *dom, bool *forced)
{
    qemu_dom *priv = qemu_dom_of(dom);
    qemu_drv *drv = qemu_dom_drv(dom);
    g_autofree char *holder = NULL;
    pid_t pid = 0;

    *forced = false;
    if (dom_job_begin(dom, "destroy", drv->job_timeout_ms) == 0)
        return 0;
    if (error_last() && error_last()->code != VIREO_ERR_OPERATION_TIMEOUT)
        return -1;
    g_mutex_lock(&drv->doms.lock);
    if (!priv->exited && priv->pid > 0)
        pid = priv->pid;
    priv->destroying = true;
    holder = g_strdup(dom->job);
    g_mutex_unlock(&drv->doms.lock);
    if (pid > 0) {
        log_warn("%s: the job %s does not end: killing QEMU (pid %d)",
                 dom_obj_current(dom)->name, holder ? holder : "?", (int)pid);
        kill(pid, SIGKILL);
    }
    *forced = true;
    error_reset();
    return dom_job_begin(dom, "destroy", -1);
}

int qemu_domain_destroy(vireo_domain *handle, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    qemu_proc *proc = NULL;
    bool forced;
    int ret = -1;

    if (!qemu_flags_ok(flags, QEMU_DESTROY_GRACEFUL, __func__) ||
        !(dom = qemu_dom_from_handle(handle)))
        return -1;
    if (qemu_destroy_begin(dom, &forced) < 0)
        return -1;
    g_mutex_lock(&dom->table->lock);
    if (qemu_dom_of(dom)->proc && dom_obj_active(dom)) {
        qemu_dom_of(dom)->destroying = true;
        proc = qemu_dom_of(dom)->proc;
    } else if (forced) {
        ret = 0; /* the exit clean-up was first, with reason destroyed */
    } else {
        dom_obj_state_error(dom, "running");
    }
    g_mutex_unlock(&dom->table->lock);
    if (proc && qemu_proc_kill(proc, QEMU_KILL_GRACE_MS) == 0) {
        qemu_dom_stopped(dom, VIREO_DOMAIN_SHUTOFF_DESTROYED,
                         VIREO_DOMAIN_EVENT_STOPPED_DESTROYED);
        ret = 0;
    }
    dom_job_end(dom);
    return ret;
}

/* Run one monitor command for a changing call on a running domain: begin
 * the job, check the state is one of want (bit per state), call, end. */
static int qemu_monitor_job(vireo_domain *handle, const char *job, const char *cmd,
                            unsigned int want, const char *want_text, dom_obj **out)
{
    g_autoptr(dom_obj) dom = qemu_dom_from_handle(handle);
    json_t *reply = NULL;
    bool ok;

    if (!dom || dom_job_begin(dom, job, qemu_dom_drv(dom)->job_timeout_ms) < 0)
        return -1;
    g_mutex_lock(&dom->table->lock);
    ok = qemu_dom_of(dom)->proc && (want & (1u << dom->state));
    if (!ok)
        dom_obj_state_error(dom, want_text);
    g_mutex_unlock(&dom->table->lock);
    if (ok)
        reply = qmp_call(qemu_dom_of(dom)->proc->mon, cmd, NULL, QEMU_MONITOR_TIMEOUT_MS);
    if (!reply) {
        dom_job_end(dom);
        return -1;
    }
    json_decref(reply);
    *out = dom_obj_ref(dom);
    return 0;
}

int qemu_domain_shutdown(vireo_domain *handle, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;

    if (!qemu_flags_ok(flags, QEMU_SHUTDOWN_FLAGS, __func__))
        return -1;
    /* the ACPI power button: the guest decides; SHUTDOWN and the exit follow */
    if (qemu_monitor_job(handle, "shutdown", "system_powerdown",
                             1u << VIREO_DOMAIN_RUNNING, "running", &dom) < 0)
        return -1;
    dom_job_end(dom);
    return 0;
}

int qemu_domain_reboot(vireo_domain *handle, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;

    if (!qemu_flags_ok(flags, QEMU_SHUTDOWN_FLAGS, __func__))
        return -1;
    /* a reset in place; QEMU's RESET event sends the REBOOT event */
    if (qemu_monitor_job(handle, "reboot", "system_reset", 1u << VIREO_DOMAIN_RUNNING,
                             "running", &dom) < 0)
        return -1;
    dom_job_end(dom);
    return 0;
}

/* After stop/cont answered: record the state unless QEMU's STOP/RESUME
 * event already did (then its event is out too). */
static void qemu_run_state_record(dom_obj *dom, int from, int to, int reason, int event,
                                  int detail)
{
    g_mutex_lock(&dom->table->lock);
    if (dom->state == from) {
        dom->state = to;
        dom->reason = reason;
        dom_obj_emit(dom, event, detail);
    }
    g_mutex_unlock(&dom->table->lock);
    qemu_status_save(dom);
    dom_job_end(dom);
}

int qemu_domain_suspend(vireo_domain *handle)
{
    g_autoptr(dom_obj) dom = NULL;

    /* as libvirt: suspending a paused domain succeeds and changes nothing */
    if (qemu_monitor_job(handle, "suspend", "stop",
                             (1u << VIREO_DOMAIN_RUNNING) | (1u << VIREO_DOMAIN_PAUSED), "running",
                             &dom) < 0)
        return -1;
    qemu_run_state_record(dom, VIREO_DOMAIN_RUNNING, VIREO_DOMAIN_PAUSED,
                          VIREO_DOMAIN_PAUSED_USER, VIREO_DOMAIN_EVENT_SUSPENDED,
                          VIREO_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return 0;
}

int qemu_domain_resume(vireo_domain *handle)
{
    g_autoptr(dom_obj) dom = NULL;

    if (qemu_monitor_job(handle, "resume", "cont", 1u << VIREO_DOMAIN_PAUSED, "paused", &dom) < 0)
        return -1;
    qemu_run_state_record(dom, VIREO_DOMAIN_PAUSED, VIREO_DOMAIN_RUNNING,
                          VIREO_DOMAIN_RUNNING_UNPAUSED, VIREO_DOMAIN_EVENT_RESUMED,
                          VIREO_DOMAIN_EVENT_RESUMED_UNPAUSED);
    return 0;
}

int qemu_domain_reset(vireo_domain *handle, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;

    if (!qemu_flags_ok(flags, 0, __func__))
        return -1;
    /* the reset button: no guest involvement, any running or paused state */
    if (qemu_monitor_job(handle, "reset", "system_reset",
                         (1u << VIREO_DOMAIN_RUNNING) | (1u << VIREO_DOMAIN_PAUSED), "running",
                         &dom) < 0)
        return -1;
    dom_job_end(dom);
    return 0;
}
