/*
 * lxc_console.c: a container's console over a stream.
 *
 * The controller serves the container's console (the pty its init has as
 * /dev/console) on run_dir/NAME.console (lxc_monitor.h); a session
 * connects there and pumps it on drv->ctx (drivers/console_pump.h).  One
 * session per domain (lxc_dom.console): a second open fails unless FORCE,
 * which ends the first with an error; one whose consumer went away is
 * taken over without FORCE.  The controller serves the first console
 * only: libvirt's alias for it is "console0".
 */
#include <stdio.h>
#include <string.h>

#include "drivers/console_pump.h"
#include "drivers/lxc/lxc_monitor.h"
#include "drivers/lxc/lxc_priv.h"
#include "util/error.h"

static void console_ended(console_pump *p, void *opaque)
{
    dom_obj *dom = opaque;

    console_pump_slot_drop(&lxc_dom_of(dom)->console, &dom->table->lock, p);
}

static void console_dom_unref(gpointer data)
{
    dom_obj_unref(data);
}

/* Whether dev_name names the console the controller serves (with the
 * lock); else the error: libvirt's for a name no console has, NO_SUPPORT
 * for a further console of the definition. */
static bool console_name_ok(const domain_def *live, const char *dev_name)
{
    GPtrArray *cons = live->devices.consoles;
    unsigned int n;
    char end;

    if (!dev_name || strcmp(dev_name, "console0") == 0)
        return true;
    for (guint i = 0; cons && i < cons->len; i++) {
        const device_chr *c = cons->pdata[i];

        if (g_strcmp0(c->info.alias, dev_name) != 0)
            continue;
        if (i == 0)
            return true;
        break;
    }
    if (sscanf(dev_name, "console%u%c", &n, &end) == 1 && cons && n < cons->len) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_NO_SUPPORT,
                     "console device '%s': only the first console of a container is served",
                     dev_name);
        return false;
    }
    error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR, "cannot find console device '%s'",
                 dev_name);
    return false;
}

typedef struct console_run {
    dom_obj *dom;
    guint run;
} console_run;

/* With the lock: the run the session was opened for goes on. */
static bool console_still_running(void *opaque)
{
    const console_run *r = opaque;

    return dom_obj_active(r->dom) && r->dom->run == r->run && lxc_dom_of(r->dom)->init_pid > 0;
}

int lxc_domain_open_console(vireo_domain *handle, const char *dev_name, vireo_stream *st,
                            unsigned int flags)
{
    lxc_drv *drv = lxc_conn_drv(handle->conn);
    g_autoptr(dom_obj) dom = NULL;
    g_autofree char *path = NULL;
    console_pump *p;
    bool ok = false;
    guint run = 0;
    int fd;

    if (!lxc_flags_ok(flags, VIREO_DOMAIN_CONSOLE_FORCE | VIREO_DOMAIN_CONSOLE_SAFE, __func__) ||
        !(dom = dom_obj_from_handle(&drv->doms, handle)))
        return -1;
    g_mutex_lock(&drv->doms.lock);
    run = dom->run;
    if (!console_still_running(&(console_run){ dom, run }))
        dom_obj_state_error(dom, "not running");
    else
        ok = console_name_ok(dom->live, dev_name);
    if (ok)
        path = lxc_dom_path(drv, drv->run_dir, dom->live->name, LXC_CONSOLE_SUFFIX);
    g_mutex_unlock(&drv->doms.lock);
    /* the controller drops its old client when a new one connects: the
     * old session is put out first, so its consumer learns why */
    if (!ok ||
        console_pump_slot_clear(&lxc_dom_of(dom)->console, &drv->doms.lock,
                                flags & VIREO_DOMAIN_CONSOLE_FORCE, VIREO_FROM_LXC) < 0 ||
        (fd = console_pump_open_fd(path, true, VIREO_FROM_LXC)) < 0)
        return -1;

    p = console_pump_new(fd, st, drv->ctx, VIREO_FROM_LXC, console_ended, dom_obj_ref(dom),
                         console_dom_unref);
    return console_pump_slot_run(&lxc_dom_of(dom)->console, &drv->doms.lock, p,
                                 flags & VIREO_DOMAIN_CONSOLE_FORCE, console_still_running,
                                 &(console_run){ dom, run }, VIREO_FROM_LXC);
}

void lxc_console_stop(dom_obj *dom)
{
    console_pump_slot_stop(&lxc_dom_of(dom)->console, &dom->table->lock);
}
