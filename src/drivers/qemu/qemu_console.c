/*
 * qemu_console.c: the guest's serial console over a stream.
 *
 * A console session opens the character device's host end (the pty QEMU
 * made, or its unix socket) and pumps bytes both ways on drv->ctx, the
 * driver's I/O thread (drivers/console_pump.h).  This file picks the
 * device and keeps the domain's one session.
 *
 * One session per domain (qemu_dom's console): a second open fails unless
 * FORCE, which ends the first with an error.  A session whose consumer
 * went away (a vireod client that disconnected) is taken over without
 * FORCE.  The session ends, with the end of data, when the domain stops
 * (qemu_console_stop) or the device hangs up.
 */
#include <string.h>

#include "drivers/console_pump.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"

/* The pump ended: take it out of its domain's slot. */
static void console_ended(console_pump *p, void *opaque)
{
    dom_obj *dom = opaque;

    console_pump_slot_drop(&qemu_dom_of(dom)->console, &dom->table->lock, p);
}

static void console_dom_unref(gpointer data)
{
    dom_obj_unref(data);
}

/* ---- open ---- */

/* The character device dev_name names (NULL: the first console, else
 * the first serial port), as libvirt picks it; with drv->lock. */
static const device_chr *console_find(const domain_def *def, const char *dev_name)
{
    const domain_devices *d = &def->devices;
    const device_chr *c;
    unsigned int i;

    if (!dev_name) {
        if (d->consoles->len) {
            c = d->consoles->pdata[0];
            /* a serial console is serial port 0 itself */
            if (g_strcmp0(c->target_type, "virtio") != 0 && d->serials->len)
                return d->serials->pdata[0];
            return c;
        }
        return d->serials->len ? d->serials->pdata[0] : NULL;
    }
    for (i = 0; i < d->serials->len; i++) {
        g_autofree char *alias = g_strdup_printf("serial%u", i);

        c = d->serials->pdata[i];
        if (strcmp(dev_name, alias) == 0 || g_strcmp0(c->info.alias, dev_name) == 0)
            return c;
    }
    for (i = 0; i < d->consoles->len; i++) {
        g_autofree char *alias = g_strdup_printf("console%u", i);

        c = d->consoles->pdata[i];
        if (strcmp(dev_name, alias) != 0 && g_strcmp0(c->info.alias, dev_name) != 0)
            continue;
        if (i == 0 && g_strcmp0(c->target_type, "virtio") != 0 && d->serials->len)
            return d->serials->pdata[0];
        return c;
    }
    return NULL;
}

/* The host path of dom's device dev_name and whether it is a socket; a
 * new string, NULL with libvirt's error (with drv->lock). */
static char *console_path(dom_obj *dom, const char *dev_name, bool *is_socket)
{
    const domain_def *live = dom->live;
    const device_chr *c;

    if (!dom_obj_active(dom) || !live) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID, "domain is not running");
        return NULL;
    }
    if (!(c = console_find(live, dev_name))) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR, "cannot find character device %s",
                     dev_name ? dev_name : "<null>");
        return NULL;
    }
    *is_socket = g_strcmp0(c->type, "unix") == 0;
    if ((g_strcmp0(c->type, "pty") != 0 && !*is_socket) || !c->source_path) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "character device %s is not using a PTY",
                     dev_name ? dev_name : "<null>");
        return NULL;
    }
    return g_strdup(c->source_path);
}

/* With drv->lock: the run the session was opened for goes on. */
typedef struct console_run {
    dom_obj *dom;
    guint run;
} console_run;

static bool console_still_running(void *opaque)
{
    const console_run *r = opaque;

    return dom_obj_active(r->dom) && r->dom->run == r->run;
}

int qemu_domain_open_console(vireo_domain *handle, const char *dev_name, vireo_stream *st,
                             unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    g_autofree char *path = NULL;
    console_pump *p;
    bool is_socket = false;
    guint run;
    int fd;

    if (!qemu_flags_ok(flags, VIREO_DOMAIN_CONSOLE_FORCE | VIREO_DOMAIN_CONSOLE_SAFE, __func__) ||
        !(dom = qemu_dom_from_handle(handle)))
        return -1;
    g_mutex_lock(&dom->table->lock);
    path = console_path(dom, dev_name, &is_socket);
    run = dom->run;
    g_mutex_unlock(&dom->table->lock);
    if (!path || (fd = console_pump_open_fd(path, is_socket, VIREO_FROM_QEMU)) < 0)
        return -1;

    p = console_pump_new(fd, st, qemu_dom_drv(dom)->ctx, VIREO_FROM_QEMU, console_ended,
                         dom_obj_ref(dom), console_dom_unref);
    return console_pump_slot_run(&qemu_dom_of(dom)->console, &dom->table->lock, p,
                                 flags & VIREO_DOMAIN_CONSOLE_FORCE, console_still_running,
                                 &(console_run){ dom, run }, VIREO_FROM_QEMU);
}

void qemu_console_stop(dom_obj *dom)
{
    console_pump_slot_stop(&qemu_dom_of(dom)->console, &dom->table->lock);
}
