/*
 * qemu_cgroup.c: each guest's QEMU in its own cgroup (drivers/domain_cgroup.h).
 *
 * Created with the limits and the device list before the spawn; QEMU
 * joins it between fork and exec (child_opts.cgroup_procs), so none of
 * its instructions runs outside.  Removed when the process is gone
 * (stop, crash, destroy, failed start); found again by name when a
 * restarted daemon re-attaches.  qemu.conf's cgroup_controllers limits
 * the controllers; an unprivileged daemon (qemu:///session) has no
 * cgroups of its own to make, and starts guests without (a debug line).
 *
 * All with the domain's job held.
 */
#include <unistd.h>

#include "drivers/domain_cgroup.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.cgroup"

/* libvirt's default cgroup_device_acl, with the nodes QEMU may open on
 * these hosts (the RTC, the HPET, the tap clone device) */
static const char *const qemu_device_acl[] = {
    "/dev/null", "/dev/full", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/ptmx",
    "/dev/kvm", "/dev/rtc", "/dev/hpet", "/dev/net/tun", NULL,
};

/* How long a just-exited QEMU's threads may still count in its cgroup */
#define QEMU_CGROUP_DRAIN_MS 2000

static bool qemu_cgroup_enabled(const qemu_drv *drv)
{
    if (geteuid() != 0) {
        log_debug("%s: not root: guests run without cgroups", drv->uri);
        return false;
    }
    if (drv->conf && drv->conf->cgroup_controllers && !drv->conf->cgroup_controllers[0]) {
        log_debug("%s: qemu.conf cgroup_controllers is empty: guests run without cgroups",
                  drv->uri);
        return false;
    }
    return true;
}

static domain_cgroup_opts qemu_cgroup_opts(const qemu_drv *drv, const domain_def *def)
{
    return (domain_cgroup_opts){
        .instance = drv->run_dir,
        .driver = "qemu",
        .controllers = drv->conf ? (const char *const *)drv->conf->cgroup_controllers : NULL,
        .device_acl = qemu_device_acl,
        .quota_threads = def && def->vcpu.max ? def->vcpu.max : 1,
    };
}

int qemu_cgroup_setup(dom_obj *dom, const domain_def *live)
{
    qemu_dom *priv = qemu_dom_of(dom);
    domain_cgroup_opts o = qemu_cgroup_opts(qemu_dom_drv(dom), live);

    if (!qemu_cgroup_enabled(qemu_dom_drv(dom))) {
        if (domain_cgroup_wanted(live))
            log_warn("%s: <cputune>/<memtune>/<blkiotune> not applied: no cgroups for this "
                     "daemon", live->name);
        return 0;
    }
    if (!domain_cgroup_wanted(live) && !domain_cgroup_useful(&o, live)) {
        log_debug("%s: no cgroup controller on this host", live->name);
        return 0;
    }
    priv->cgroup = domain_cgroup_create(&o, live);
    if (!priv->cgroup)
        return -1;
    log_info("%s: cgroup '%s'", live->name, priv->cgroup->name);
    return 0;
}

char **qemu_cgroup_procs(const dom_obj *dom)
{
    qemu_dom *priv = qemu_dom_of(dom);

    return priv->cgroup ? cgroup_procs_files(priv->cgroup) : NULL;
}

void qemu_cgroup_remove(dom_obj *dom, const char *name)
{
    g_autoptr(cgroup) cg = g_steal_pointer(&qemu_dom_of(dom)->cgroup);

    if (!cg && qemu_cgroup_enabled(qemu_dom_drv(dom))) {
        domain_cgroup_opts o = qemu_cgroup_opts(qemu_dom_drv(dom), NULL);

        /* one a restarted daemon did not take back */
        cg = domain_cgroup_open(&o, name);
    }
    if (!cg)
        return;
    /* the exit was seen: the threads leave the cgroup as they finish */
    for (int ms = 0; ms < QEMU_CGROUP_DRAIN_MS && cgroup_populated(cg); ms += 20)
        g_usleep(20 * 1000);
    cgroup_remove(cg);
}

void qemu_cgroup_readopt(dom_obj *dom, const domain_def *live, pid_t pid)
{
    qemu_dom *priv = qemu_dom_of(dom);
    domain_cgroup_opts o = qemu_cgroup_opts(qemu_dom_drv(dom), live);
    cgroup *cg;

    if (priv->cgroup || !qemu_cgroup_enabled(qemu_dom_drv(dom)))
        return;
    cg = domain_cgroup_open(&o, live->name);
    if (!cg) {
        if (domain_cgroup_wanted(live))
            log_warn("%s: QEMU (pid %d) runs without its cgroup", live->name, (int)pid);
        return;
    }
    if (!cgroup_has_pid(cg, pid))
        log_warn("%s: QEMU (pid %d) is not in its cgroup '%s'", live->name, (int)pid, cg->name);
    else
        log_info("%s: cgroup '%s' taken back", live->name, cg->name);
    priv->cgroup = cg;
}

int qemu_cgroup_allow_disk(dom_obj *dom, const device_disk *d)
{
    qemu_dom *priv = qemu_dom_of(dom);

    return priv->cgroup ? domain_cgroup_allow_disk(priv->cgroup, d) : 0;
}
