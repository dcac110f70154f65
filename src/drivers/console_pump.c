/*
 * console_pump.c: a console session between a device's fd and a stream
 * (see the header).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>

#include "drivers/console_pump.h"
#include "drivers/stream.h"
#include "util/unix_socket.h"
#include "util/error.h"

#define CONSOLE_READ_MAX 4096

struct console_pump {
    gint refs;              /* atomic: the owner's slot, the stream, each watch */
    GMainContext *ctx;      /* a reference */
    int err_domain;
    console_pump_end_fn on_end;
    void *opaque;           /* the owner's, released with free_opaque */
    GDestroyNotify free_opaque;
    GMutex lock;
    /* guarded by lock: */
    int fd;                 /* the device's host end; -1 once ended */
    GSource *in_src;        /* reading watch on ctx */
    GSource *out_src;       /* writing watch, while out has bytes */
    GByteArray *out;        /* bytes for the device not yet written */
    vireo_stream *st;       /* one reference until the session ends */
};

console_pump *console_pump_ref(console_pump *p)
{
    g_atomic_int_inc(&p->refs);
    return p;
}

void console_pump_unref(console_pump *p)
{
    if (!p || !g_atomic_int_dec_and_test(&p->refs))
        return;
    /* ended before the last reference goes (the watches hold some) */
    if (p->fd >= 0)
        close(p->fd);
    stream_unref(p->st);
    g_byte_array_unref(p->out);
    if (p->free_opaque)
        p->free_opaque(p->opaque);
    g_main_context_unref(p->ctx);
    g_mutex_clear(&p->lock);
    g_free(p);
}

static void pump_unref_cb(gpointer data)
{
    console_pump_unref(data);
}

console_pump *console_pump_new(int fd, vireo_stream *st, GMainContext *ctx, int err_domain,
                               console_pump_end_fn on_end, void *opaque,
                               GDestroyNotify free_opaque)
{
    console_pump *p = g_new0(console_pump, 1);

    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    p->refs = 1;
    p->ctx = g_main_context_ref(ctx);
    p->err_domain = err_domain;
    p->on_end = on_end;
    p->opaque = opaque;
    p->free_opaque = free_opaque;
    p->fd = fd;
    p->out = g_byte_array_new();
    p->st = stream_ref(st);
    g_mutex_init(&p->lock);
    return p;
}

void console_pump_end(console_pump *p, const vireo_error *err, bool quiet)
{
    vireo_stream *st;

    g_mutex_lock(&p->lock);
    if (p->fd < 0) {
        g_mutex_unlock(&p->lock);
        return;
    }
    console_pump_ref(p);    /* on_end may drop the owner's last one */
    if (p->in_src)
        g_source_destroy(p->in_src);
    if (p->out_src)
        g_source_destroy(p->out_src);
    g_clear_pointer(&p->in_src, g_source_unref);
    g_clear_pointer(&p->out_src, g_source_unref);
    close(p->fd);
    p->fd = -1;
    st = g_steal_pointer(&p->st);
    g_mutex_unlock(&p->lock);
    if (p->on_end)
        p->on_end(p, p->opaque);
    if (st && !quiet) {
        if (err)
            stream_push_error(st, err);
        else
            stream_push_eof(st);
    }
    stream_unref(st);
    console_pump_unref(p);
}

void console_pump_take_over(console_pump *p)
{
    vireo_error *saved = error_save();

    error_report(p->err_domain, VIREO_ERR_OPERATION_FAILED,
                 "console session was taken over by another client");
    console_pump_end(p, error_last(), false);
    error_reset();
    error_restore(saved);
}

/* ---- the pump (ctx) ---- */

static gboolean pump_on_readable(gint fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED,
                                 gpointer data)
{
    console_pump *p = data;
    g_autoptr(vireo_stream) st = NULL;
    char buf[CONSOLE_READ_MAX];
    ssize_t n;

    g_mutex_lock(&p->lock);
    if (p->fd < 0) {
        g_mutex_unlock(&p->lock);
        return G_SOURCE_REMOVE;
    }
    do
        n = read(p->fd, buf, sizeof(buf));
    while (n < 0 && errno == EINTR);
    if (n > 0 && p->st)
        st = stream_ref(p->st);
    g_mutex_unlock(&p->lock);
    if (n > 0) {
        if (st)
            stream_push_data(st, buf, (size_t)n);
        return G_SOURCE_CONTINUE;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return G_SOURCE_CONTINUE;
    /* end of file, or EIO: the other end closed (the domain stopped) */
    console_pump_end(p, NULL, false);
    return G_SOURCE_REMOVE;
}

/* Write what p->out holds until the fd would block (with p->lock).
 * false when the device failed (errno says why). */
static bool pump_flush_locked(console_pump *p)
{
    while (p->out->len) {
        ssize_t n = write(p->fd, p->out->data, p->out->len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK;
        g_byte_array_remove_range(p->out, 0, (guint)n);
    }
    return true;
}

static gboolean pump_on_writable(gint fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED,
                                 gpointer data)
{
    console_pump *p = data;
    bool ok;
    int err = 0;

    g_mutex_lock(&p->lock);
    if (p->fd < 0) {
        g_mutex_unlock(&p->lock);
        return G_SOURCE_REMOVE;
    }
    ok = pump_flush_locked(p);
    err = errno;
    if (ok && p->out->len) {
        g_mutex_unlock(&p->lock);
        return G_SOURCE_CONTINUE;
    }
    g_clear_pointer(&p->out_src, g_source_unref);
    g_mutex_unlock(&p->lock);
    if (!ok) {
        error_report_system(p->err_domain, err, "cannot write to the console");
        console_pump_end(p, error_last(), false);
        error_reset();
    }
    return G_SOURCE_REMOVE;
}

/* A watch on p->fd for cond, on ctx (with p->lock). */
static GSource *pump_watch_locked(console_pump *p, GIOCondition cond, GUnixFDSourceFunc fn)
{
    GSource *src = g_unix_fd_source_new(p->fd, cond);

    g_source_set_callback(src, (GSourceFunc)(void (*)(void))fn, console_pump_ref(p),
                          pump_unref_cb);
    g_source_attach(src, p->ctx);
    return src;
}

/* ---- the stream's producer ops (the consumer's thread) ---- */

static int pump_write(vireo_stream *st G_GNUC_UNUSED, const char *data, size_t len, void *opaque)
{
    console_pump *p = opaque;
    bool ok;

    g_mutex_lock(&p->lock);
    if (p->fd < 0) {
        g_mutex_unlock(&p->lock);
        error_report(p->err_domain, VIREO_ERR_OPERATION_INVALID,
                     "the console session has ended");
        return -1;
    }
    g_byte_array_append(p->out, (const guint8 *)data, (guint)len);
    ok = pump_flush_locked(p);
    if (!ok)
        error_report_system(p->err_domain, errno, "cannot write to the console");
    else if (p->out->len && !p->out_src)
        p->out_src = pump_watch_locked(p, G_IO_OUT, pump_on_writable);
    g_mutex_unlock(&p->lock);
    return ok ? 0 : -1;
}

static int pump_close(vireo_stream *st G_GNUC_UNUSED, bool abort G_GNUC_UNUSED, void *opaque)
{
    console_pump_end(opaque, NULL, true);
    return 0;
}

static const stream_producer_ops pump_ops = {
    .write = pump_write,
    .close = pump_close,
};

int console_pump_start(console_pump *p)
{
    vireo_stream *st;

    g_mutex_lock(&p->lock);
    st = p->st ? stream_ref(p->st) : NULL;
    g_mutex_unlock(&p->lock);
    if (!st) {
        error_report(p->err_domain, VIREO_ERR_OPERATION_INVALID,
                     "the console session has ended");
        return -1;
    }
    if (stream_attach(st, &pump_ops, console_pump_ref(p), pump_unref_cb) < 0) {
        console_pump_unref(p);          /* the attach's, refused */
        console_pump_end(p, NULL, true);
        stream_unref(st);
        return -1;
    }
    stream_unref(st);
    g_mutex_lock(&p->lock);
    if (p->fd >= 0)
        p->in_src = pump_watch_locked(p, G_IO_IN | G_IO_HUP | G_IO_ERR, pump_on_readable);
    g_mutex_unlock(&p->lock);
    return 0;
}

bool console_pump_in_use(console_pump *p)
{
    g_autoptr(vireo_stream) st = NULL;

    g_mutex_lock(&p->lock);
    st = p->st ? stream_ref(p->st) : NULL;
    g_mutex_unlock(&p->lock);
    return st && stream_consumer_alive(st);
}

int console_pump_open_fd(const char *path, bool is_socket, int err_domain)
{
    struct termios t;
    int fd;

    if (is_socket) {
        fd = unix_socket_connect(path);
        if (fd < 0) {
            error_report_system(err_domain, errno, "cannot connect to console socket '%s'",
                                path);
            return -1;
        }
    } else {
        fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            error_report_system(err_domain, errno, "cannot open console '%s'", path);
            return -1;
        }
        if (tcgetattr(fd, &t) == 0) {
            cfmakeraw(&t);
            tcsetattr(fd, TCSANOW, &t);
        }
    }
    return fd;
}

/* ---- a domain's slot ---- */

int console_pump_slot_take(console_pump **slot, GMutex *lock, console_pump *p, bool force,
                           bool (*running)(void *opaque), void *opaque, int err_domain,
                           console_pump **old)
{
    console_pump *cur = NULL;
    bool busy;
    int ret = -1;

    *old = NULL;
    g_mutex_lock(lock);
    if (*slot)
        cur = console_pump_ref(*slot);
    g_mutex_unlock(lock);
    /* asking the consumer takes its locks: not under the driver's lock */
    busy = cur && !force && console_pump_in_use(cur);
    g_mutex_lock(lock);
    if (!running(opaque))
        error_report(err_domain, VIREO_ERR_OPERATION_INVALID, "domain is not running");
    else if (busy || (*slot && *slot != cur))     /* another open came first */
        error_report(err_domain, VIREO_ERR_OPERATION_FAILED,
                     "Active console session exists for this domain");
    else {
        *old = g_steal_pointer(slot);
        *slot = console_pump_ref(p);
        ret = 0;
    }
    g_mutex_unlock(lock);
    console_pump_unref(cur);
    return ret;
}

int console_pump_slot_run(console_pump **slot, GMutex *lock, console_pump *p, bool force,
                          bool (*running)(void *opaque), void *opaque, int err_domain)
{
    console_pump *old;
    int rc;

    if (console_pump_slot_take(slot, lock, p, force, running, opaque, err_domain, &old) < 0) {
        console_pump_end(p, NULL, true);
        console_pump_unref(p);
        return -1;
    }
    rc = console_pump_start(p);     /* a failure leaves the slot too */
    if (old) {
        console_pump_take_over(old);
        console_pump_unref(old);
    }
    console_pump_unref(p);
    return rc;
}

int console_pump_slot_clear(console_pump **slot, GMutex *lock, bool force, int err_domain)
{
    console_pump *cur = NULL;

    g_mutex_lock(lock);
    if (*slot)
        cur = console_pump_ref(*slot);
    g_mutex_unlock(lock);
    if (cur && !force && console_pump_in_use(cur)) {
        console_pump_unref(cur);
        error_report(err_domain, VIREO_ERR_OPERATION_FAILED,
                     "Active console session exists for this domain");
        return -1;
    }
    if (cur)
        console_pump_take_over(cur);
    console_pump_unref(cur);
    return 0;
}

void console_pump_slot_drop(console_pump **slot, GMutex *lock, console_pump *p)
{
    bool was = false;

    g_mutex_lock(lock);
    if (*slot == p) {
        *slot = NULL;
        was = true;
    }
    g_mutex_unlock(lock);
    if (was)
        console_pump_unref(p);
}

void console_pump_slot_stop(console_pump **slot, GMutex *lock)
{
    console_pump *p;

    g_mutex_lock(lock);
    p = g_steal_pointer(slot);
    g_mutex_unlock(lock);
    if (!p)
        return;
    console_pump_end(p, NULL, false);
    console_pump_unref(p);
}
