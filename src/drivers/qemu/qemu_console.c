/*
 * qemu_console.c: the guest's serial console over a stream.
 *
 * A console session opens the character device's host end (the pty QEMU
 * made, or its unix socket) and pumps bytes both ways on drv->ctx, the
 * driver's I/O thread: what the guest writes is pushed to the stream,
 * what the stream's consumer writes goes to the guest (at once when the
 * fd takes it, else queued until it is writable).  The session is the
 * stream's producer (drivers/stream.h).
 *
 * One session per domain (dom->console): a second open fails unless
 * FORCE, which ends the first with an error.  A session whose consumer
 * went away (a vireod client that disconnected) is taken over without
 * FORCE.  The session ends, with the end of data, when the domain stops
 * (qemu_console_stop) or the device hangs up.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>

#include "drivers/qemu/qemu_priv.h"
#include "drivers/stream.h"
#include "util/error.h"

#define CONSOLE_READ_MAX 4096

typedef struct qemu_console {
    gint refs;              /* atomic: the domain's slot, the stream, each watch */
    qemu_dom *dom;          /* one reference */
    GMutex lock;
    /* guarded by lock: */
    int fd;                 /* the device's host end; -1 once ended */
    GSource *in_src;        /* reading watch on drv->ctx */
    GSource *out_src;       /* writing watch, while out has bytes */
    GByteArray *out;        /* bytes for the guest not yet written */
    vireo_stream *st;       /* one reference until the session ends */
} qemu_console;

static qemu_console *console_ref(qemu_console *c)
{
    g_atomic_int_inc(&c->refs);
    return c;
}

static void console_unref(gpointer data)
{
    qemu_console *c = data;

    if (!c || !g_atomic_int_dec_and_test(&c->refs))
        return;
    /* ended before the last reference goes: the fd and watches are gone */
    g_byte_array_unref(c->out);
    qemu_dom_unref(c->dom);
    g_mutex_clear(&c->lock);
    g_free(c);
}

/* Drop c from its domain's slot if it is still there (without drv->lock). */
static void console_unslot(qemu_console *c)
{
    qemu_drv *drv = c->dom->drv;
    bool was = false;

    g_mutex_lock(&drv->lock);
    if (c->dom->console == c) {
        c->dom->console = NULL;
        was = true;
    }
    g_mutex_unlock(&drv->lock);
    if (was)
        console_unref(c);
}

/* End c once: stop the pump, close the fd, and tell the stream (err:
 * an error; NULL: the end of data; quiet: nothing, its consumer closed). */
static void console_end(qemu_console *c, const vireo_error *err, bool quiet)
{
    vireo_stream *st;

    g_mutex_lock(&c->lock);
    if (c->fd < 0) {
        g_mutex_unlock(&c->lock);
        return;
    }
    if (c->in_src)
        g_source_destroy(c->in_src);
    if (c->out_src)
        g_source_destroy(c->out_src);
    g_clear_pointer(&c->in_src, g_source_unref);
    g_clear_pointer(&c->out_src, g_source_unref);
    close(c->fd);
    c->fd = -1;
    st = g_steal_pointer(&c->st);
    g_mutex_unlock(&c->lock);
    console_unslot(c);
    if (st && !quiet) {
        if (err)
            stream_push_error(st, err);
        else
            stream_push_eof(st);
    }
    stream_unref(st);
}

/* ---- the pump (drv->ctx) ---- */

static gboolean console_on_readable(gint fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED,
                                    gpointer data)
{
    qemu_console *c = data;
    g_autoptr(vireo_stream) st = NULL;
    char buf[CONSOLE_READ_MAX];
    ssize_t n;

    g_mutex_lock(&c->lock);
    if (c->fd < 0) {
        g_mutex_unlock(&c->lock);
        return G_SOURCE_REMOVE;
    }
    do
        n = read(c->fd, buf, sizeof(buf));
    while (n < 0 && errno == EINTR);
    if (n > 0 && c->st)
        st = stream_ref(c->st);
    g_mutex_unlock(&c->lock);
    if (n > 0) {
        if (st)
            stream_push_data(st, buf, (size_t)n);
        return G_SOURCE_CONTINUE;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return G_SOURCE_CONTINUE;
    /* end of file, or EIO: QEMU closed its end (the domain stopped) */
    console_end(c, NULL, false);
    return G_SOURCE_REMOVE;
}

/* Write what c->out holds until the fd would block (with c->lock).
 * false when the device failed. */
static bool console_flush_locked(qemu_console *c)
{
    while (c->out->len) {
        ssize_t n = write(c->fd, c->out->data, c->out->len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK;
        g_byte_array_remove_range(c->out, 0, (guint)n);
    }
    return true;
}

static gboolean console_on_writable(gint fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED,
                                    gpointer data)
{
    qemu_console *c = data;
    bool ok;

    g_mutex_lock(&c->lock);
    if (c->fd < 0) {
        g_mutex_unlock(&c->lock);
        return G_SOURCE_REMOVE;
    }
    ok = console_flush_locked(c);
    if (ok && c->out->len) {
        g_mutex_unlock(&c->lock);
        return G_SOURCE_CONTINUE;
    }
    g_clear_pointer(&c->out_src, g_source_unref);
    g_mutex_unlock(&c->lock);
    if (!ok) {
        error_report_system(VIREO_FROM_QEMU, errno, "cannot write to the console");
        console_end(c, error_last(), false);
        error_reset();
    }
    return G_SOURCE_REMOVE;
}

/* A watch on c->fd for cond, on drv->ctx (with c->lock). */
static GSource *console_watch_locked(qemu_console *c, GIOCondition cond, GUnixFDSourceFunc fn)
{
    GSource *src = g_unix_fd_source_new(c->fd, cond);

    g_source_set_callback(src, (GSourceFunc)(void (*)(void))fn, console_ref(c), console_unref);
    g_source_attach(src, c->dom->drv->ctx);
    return src;
}

/* ---- the stream's producer ops (the consumer's thread) ---- */

static int console_write(vireo_stream *st G_GNUC_UNUSED, const char *data, size_t len,
                         void *opaque)
{
    qemu_console *c = opaque;
    bool ok;

    g_mutex_lock(&c->lock);
    if (c->fd < 0) {
        g_mutex_unlock(&c->lock);
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "the console session has ended");
        return -1;
    }
    g_byte_array_append(c->out, (const guint8 *)data, (guint)len);
    ok = console_flush_locked(c);
    if (!ok)
        error_report_system(VIREO_FROM_QEMU, errno, "cannot write to the console");
    else if (c->out->len && !c->out_src)
        c->out_src = console_watch_locked(c, G_IO_OUT, console_on_writable);
    g_mutex_unlock(&c->lock);
    return ok ? 0 : -1;
}

static int console_close(vireo_stream *st G_GNUC_UNUSED, bool abort G_GNUC_UNUSED,
                         void *opaque)
{
    console_end(opaque, NULL, true);
    return 0;
}

static const stream_producer_ops console_ops = {
    .write = console_write,
    .close = console_close,
};

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
static char *console_path(qemu_dom *dom, const char *dev_name, bool *is_socket)
{
    const domain_def *live = dom->live;
    const device_chr *c;

    if (!qemu_dom_active(dom) || !live) {
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

/* Open the host end: a pty in raw mode (no echo, no line editing), or a
 * connection to a unix socket.  The fd, or -1 with the error set. */
static int console_open_fd(const char *path, bool is_socket)
{
    struct termios t;
    int fd;

    if (is_socket) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };

        if (strlen(path) >= sizeof(sa.sun_path)) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                         "console socket path '%s' is too long", path);
            return -1;
        }
        g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            error_report_system(VIREO_FROM_QEMU, errno, "cannot connect to console socket '%s'",
                                path);
            if (fd >= 0)
                close(fd);
            return -1;
        }
    } else {
        fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            error_report_system(VIREO_FROM_QEMU, errno, "cannot open console '%s'", path);
            return -1;
        }
        if (tcgetattr(fd, &t) == 0) {
            cfmakeraw(&t);
            tcsetattr(fd, TCSANOW, &t);
        }
    }
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    return fd;
}

/* Whether c still serves a consumer that reads. */
static bool console_in_use(qemu_console *c)
{
    g_autoptr(vireo_stream) st = NULL;

    g_mutex_lock(&c->lock);
    st = c->st ? stream_ref(c->st) : NULL;
    g_mutex_unlock(&c->lock);
    return st && stream_consumer_alive(st);
}

/* Put c in dom's slot: refused (with the error) when another live
 * session holds it and not force; else *old is the one put out (the
 * slot's reference, now the caller's). */
static int console_take_slot(qemu_dom *dom, qemu_console *c, guint run, bool force,
                             qemu_console **old)
{
    qemu_drv *drv = dom->drv;
    qemu_console *cur = NULL;
    bool busy;
    int ret = -1;

    *old = NULL;
    g_mutex_lock(&drv->lock);
    if (dom->console)
        cur = console_ref(dom->console);
    g_mutex_unlock(&drv->lock);
    /* asking the consumer takes its locks: not under drv->lock */
    busy = cur && !force && console_in_use(cur);
    g_mutex_lock(&drv->lock);
    if (!qemu_dom_active(dom) || dom->run != run)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID, "domain is not running");
    else if (busy || dom->console != cur)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "Active console session exists for this domain");
    else {
        *old = g_steal_pointer(&dom->console);
        dom->console = console_ref(c);
        ret = 0;
    }
    g_mutex_unlock(&drv->lock);
    console_unref(cur);
    return ret;
}

/* Put out the session that held the console before (its slot reference
 * is the caller's). */
static void console_put_out(qemu_console *old)
{
    vireo_error *saved = error_save();

    error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                 "console session was taken over by another client");
    console_end(old, error_last(), false);
    error_reset();
    error_restore(saved);
    console_unref(old);
}

int qemu_domain_open_console(vireo_domain *handle, const char *dev_name, vireo_stream *st,
                             unsigned int flags)
{
    g_autoptr(qemu_dom) dom = NULL;
    g_autofree char *path = NULL;
    qemu_console *c, *old;
    bool is_socket = false;
    guint run;
    int fd;

    if (!qemu_flags_ok(flags, VIREO_DOMAIN_CONSOLE_FORCE | VIREO_DOMAIN_CONSOLE_SAFE, __func__) ||
        !(dom = qemu_dom_from_handle(handle)))
        return -1;
    g_mutex_lock(&dom->drv->lock);
    path = console_path(dom, dev_name, &is_socket);
    run = dom->run;
    g_mutex_unlock(&dom->drv->lock);
    if (!path || (fd = console_open_fd(path, is_socket)) < 0)
        return -1;

    c = g_new0(qemu_console, 1);
    c->refs = 1;
    c->dom = qemu_dom_ref(dom);
    c->fd = fd;
    c->out = g_byte_array_new();
    c->st = stream_ref(st);
    g_mutex_init(&c->lock);
    if (console_take_slot(dom, c, run, flags & VIREO_DOMAIN_CONSOLE_FORCE, &old) < 0) {
        console_end(c, NULL, true);
        console_unref(c);
        return -1;
    }
    if (stream_attach(st, &console_ops, console_ref(c), console_unref) < 0) {
        console_end(c, NULL, true);     /* leaves the slot too */
        console_unref(c);               /* the attach's, refused */
        console_unref(c);
        if (old)
            console_put_out(old);
        return -1;
    }
    if (old)
        console_put_out(old);
    g_mutex_lock(&c->lock);
    if (c->fd >= 0)
        c->in_src = console_watch_locked(c, G_IO_IN | G_IO_HUP | G_IO_ERR, console_on_readable);
    g_mutex_unlock(&c->lock);
    console_unref(c);
    return 0;
}

void qemu_console_stop(qemu_dom *dom)
{
    qemu_console *c;

    g_mutex_lock(&dom->drv->lock);
    c = g_steal_pointer(&dom->console);
    g_mutex_unlock(&dom->drv->lock);
    if (!c)
        return;
    console_end(c, NULL, false);
    console_unref(c);
}
