/*
 * qemu_monitor.c: QMP over a unix socket, asynchronous.
 *
 * Threads: the socket is read and written only on ctx's thread, by one
 * GSource (qmp_source) that wakes on the fd and on a ready time that other
 * threads set after queueing a command.  A caller of qmp_call queues one
 * line, then waits on mon->cond for its own answer (matched by "id") with
 * a deadline; a QEMU that never answers costs only its own callers their
 * timeout, never the loop.  QMP is newline separated: bytes are gathered
 * until a newline, however the reads split them.
 */
#define LOG_CATEGORY "qemu.monitor"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "drivers/qemu/qemu_monitor.h"
#include "util/unix_socket.h"
#include "util/error.h"
#include "util/log.h"

/* Far above anything QEMU sends (query-qmp-schema is ~200 KiB). */
#define QMP_MAX_LINE (64 * 1024 * 1024)
/* Reads per wakeup, so one chatty monitor cannot starve the loop. */
#define QMP_READS_PER_DISPATCH 16

/* One command waiting for its answer.  It lives on the caller's stack and
 * is reachable through mon->pending (under mon->lock) until it is
 * answered, failed or abandoned by its caller. */
typedef struct qmp_pending {
    gint64 id;
    json_t *reply;          /* owned once set: the whole reply object */
    bool done;              /* answered, or the monitor closed (reply NULL) */
} qmp_pending;

typedef struct qmp_source {
    GSource base;
    qmp *mon;               /* a reference, dropped in finalize */
    gpointer tag;           /* the socket's fd tag */
} qmp_source;

struct qmp {
    gint refs;              /* atomic: the owner's, the source's, each caller's */
    char *path;             /* owned; for messages */
    int fd;                 /* owned; closed with the last reference */
    GMainContext *ctx;      /* a reference */
    GSource *source;        /* a reference; attached to ctx */
    qmp_event_cb on_event;
    qmp_eof_cb on_eof;
    void *opaque;
    GRecMutex cb_lock;      /* held while a callback runs, so qmp_close can wait it out */

    GString *in;            /* ctx thread only: bytes read, not yet a whole line */
    gsize scanned;          /* ctx thread only: in->str[0..scanned) has no newline */

    GMutex lock;            /* guards everything below */
    GCond cond;             /* broadcast on an answer, the greeting, or close */
    GString *out;           /* queued lines not written yet */
    GArray *out_fds;        /* qmp_out_fd: descriptors to send with a queued line */
    GHashTable *pending;    /* &qmp_pending.id -> qmp_pending* (borrowed) */
    gint64 next_id;
    bool greeted;
    bool eof;               /* the socket closed or failed */
    bool closed;            /* qmp_close was called */
};

/* A descriptor to pass (SCM_RIGHTS) with the queued line starting at
 * mon->out[at]; fd is a duplicate owned by the monitor until sent. */
typedef struct qmp_out_fd {
    gsize at;
    int fd;
} qmp_out_fd;

qmp *qmp_ref(qmp *mon)
{
    g_atomic_int_inc(&mon->refs);
    return mon;
}

void qmp_unref(qmp *mon)
{
    if (!g_atomic_int_dec_and_test(&mon->refs))
        return;
    if (mon->fd >= 0)
        close(mon->fd);
    g_main_context_unref(mon->ctx);
    g_string_free(mon->in, TRUE);
    g_string_free(mon->out, TRUE);
    for (guint i = 0; i < mon->out_fds->len; i++)
        close(g_array_index(mon->out_fds, qmp_out_fd, i).fd);
    g_array_unref(mon->out_fds);
    g_hash_table_unref(mon->pending);
    g_rec_mutex_clear(&mon->cb_lock);
    g_mutex_clear(&mon->lock);
    g_cond_clear(&mon->cond);
    g_free(mon->path);
    g_free(mon);
}

/* Wake every caller: their commands will never be answered.  Lock held. */
static void qmp_fail_pending_locked(qmp *mon)
{
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, mon->pending);
    while (g_hash_table_iter_next(&it, NULL, &value))
        ((qmp_pending *)value)->done = true;
    g_hash_table_remove_all(mon->pending);
    g_cond_broadcast(&mon->cond);
}

static bool qmp_is_closed(qmp *mon)
{
    bool closed;

    g_mutex_lock(&mon->lock);
    closed = mon->closed;
    g_mutex_unlock(&mon->lock);
    return closed;
}

/* ctx thread. */
static void qmp_emit_event(qmp *mon, json_t *msg)
{
    const char *name = json_string_value(json_object_get(msg, "event"));
    json_t *data = json_object_get(msg, "data");
    json_auto_t *empty = NULL;

    if (!name || !mon->on_event)
        return;
    if (!json_is_object(data))
        data = empty = json_object();
    g_rec_mutex_lock(&mon->cb_lock);
    if (!qmp_is_closed(mon))
        mon->on_event(mon, name, data, mon->opaque);
    g_rec_mutex_unlock(&mon->cb_lock);
}

/* One whole message.  ctx thread. */
static void qmp_handle_message(qmp *mon, json_t *msg)
{
    json_t *id = json_object_get(msg, "id");
    qmp_pending *p;
    gint64 key;

    if (json_object_get(msg, "event")) {
        qmp_emit_event(mon, msg);
        return;
    }
    g_mutex_lock(&mon->lock);
    if (json_object_get(msg, "QMP")) {
        mon->greeted = true;
        g_cond_broadcast(&mon->cond);
    } else if (json_is_integer(id)) {
        key = json_integer_value(id);
        p = g_hash_table_lookup(mon->pending, &key);
        if (p) {
            p->reply = json_incref(msg);
            p->done = true;
            g_hash_table_remove(mon->pending, &key);
            g_cond_broadcast(&mon->cond);
        } else {
            log_debug("%s: dropping the late answer to command %" G_GINT64_FORMAT, mon->path, key);
        }
    } else {
        log_warn("%s: message with neither event nor known id", mon->path);
    }
    g_mutex_unlock(&mon->lock);
}

static void qmp_handle_line(qmp *mon, const char *line, gsize len)
{
    json_error_t err;
    json_t *msg;

    while (len > 0 && g_ascii_isspace(line[len - 1]))
        len--;
    if (len == 0)
        return;
    msg = json_loadb(line, len, 0, &err);
    if (!json_is_object(msg)) {
        log_warn("%s: cannot parse a monitor message: %s", mon->path,
                 msg ? "not an object" : err.text);
        json_decref(msg);
        return;
    }
    qmp_handle_message(mon, msg);
    json_decref(msg);
}

/* Hand every complete line in mon->in over, keep the partial rest. */
static void qmp_take_lines(qmp *mon)
{
    gsize start = 0;
    char *nl;

    while ((nl = memchr(mon->in->str + mon->scanned, '\n', mon->in->len - mon->scanned))) {
        gsize end = nl - mon->in->str;

        qmp_handle_line(mon, mon->in->str + start, end - start);
        start = end + 1;
        mon->scanned = start;
    }
    g_string_erase(mon->in, 0, start);
    mon->scanned = mon->in->len;
}

/* Read what is there.  0, or -1 when the connection is over.  ctx thread. */
static int qmp_read(qmp *mon)
{
    char buf[65536];

    for (int i = 0; i < QMP_READS_PER_DISPATCH; i++) {
        ssize_t n = read(mon->fd, buf, sizeof(buf));

        if (n > 0) {
            g_string_append_len(mon->in, buf, n);
            qmp_take_lines(mon);
            if (mon->in->len > QMP_MAX_LINE) {
                log_error("%s: monitor message over %d bytes, closing", mon->path, QMP_MAX_LINE);
                return -1;
            }
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        /* QEMU exiting with bytes unread resets the connection: an EOF */
        if (n < 0 && errno != ECONNRESET)
            log_warn("%s: monitor read failed: %s", mon->path, g_strerror(errno));
        return -1;
    }
    return 0;
}

/* Send what may go in one call: the bytes before the next line that
 * carries a descriptor, or that line's bytes with the descriptor
 * (SCM_RIGHTS; QEMU takes it for its getfd/add-fd command).  Lock held. */
static ssize_t qmp_send_some(qmp *mon)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { .iov_base = mon->out->str, .iov_len = mon->out->len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    qmp_out_fd *next;
    struct cmsghdr *c;
    ssize_t n;

    if (mon->out_fds->len == 0)
        return send(mon->fd, mon->out->str, mon->out->len, MSG_NOSIGNAL);
    next = &g_array_index(mon->out_fds, qmp_out_fd, 0);
    if (next->at > 0)
        return send(mon->fd, mon->out->str, MIN(next->at, mon->out->len), MSG_NOSIGNAL);
    memset(&ctl, 0, sizeof(ctl));
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof(ctl.buf);
    c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &next->fd, sizeof(int));
    n = sendmsg(mon->fd, &msg, MSG_NOSIGNAL);
    if (n > 0) {
        /* the descriptor went with these bytes: QEMU holds its own copy */
        close(next->fd);
        g_array_remove_index(mon->out_fds, 0);
    }
    return n;
}

/* Write the queued lines; watch for writability while some remain.  0,
 * or -1 when the connection is over.  ctx thread. */
static int qmp_flush(qmp *mon, qmp_source *s)
{
    bool more;

    g_mutex_lock(&mon->lock);
    while (mon->out->len > 0) {
        ssize_t n = qmp_send_some(mon);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0) {
            log_warn("%s: monitor write failed: %s", mon->path, g_strerror(errno));
            g_mutex_unlock(&mon->lock);
            return -1;
        }
        g_string_erase(mon->out, 0, n);
        for (guint i = 0; i < mon->out_fds->len; i++)
            g_array_index(mon->out_fds, qmp_out_fd, i).at -= n;
    }
    more = mon->out->len > 0;
    g_mutex_unlock(&mon->lock);
    g_source_modify_unix_fd(&s->base, s->tag, G_IO_IN | (more ? G_IO_OUT : 0));
    return 0;
}

/* The connection is over: fail the callers, tell the owner once. */
static void qmp_hangup(qmp *mon)
{
    g_mutex_lock(&mon->lock);
    mon->eof = true;
    qmp_fail_pending_locked(mon);
    g_mutex_unlock(&mon->lock);
    log_debug("%s: monitor closed", mon->path);
    if (!mon->on_eof)
        return;
    g_rec_mutex_lock(&mon->cb_lock);
    if (!qmp_is_closed(mon))
        mon->on_eof(mon, mon->opaque);
    g_rec_mutex_unlock(&mon->cb_lock);
}

static gboolean qmp_source_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
    qmp_source *s = (qmp_source *)src;
    GIOCondition rev = g_source_query_unix_fd(src, s->tag);
    bool over = false;

    (void)cb;
    (void)data;
    /* reset before looking at mon->out: a caller queueing after this
     * sets it again, so no line is left behind */
    g_source_set_ready_time(src, -1);
    if (rev & (G_IO_IN | G_IO_HUP | G_IO_ERR))
        over = qmp_read(s->mon) < 0;
    if (!over)
        over = qmp_flush(s->mon, s) < 0;
    if (!over)
        return G_SOURCE_CONTINUE;
    qmp_hangup(s->mon);
    return G_SOURCE_REMOVE;
}

static void qmp_source_finalize(GSource *src)
{
    qmp_unref(((qmp_source *)src)->mon);
}

static GSourceFuncs qmp_source_funcs = {
    .dispatch = qmp_source_dispatch,
    .finalize = qmp_source_finalize,
};

static qmp *qmp_new(int fd, const char *path, GMainContext *ctx, qmp_event_cb on_event,
                    qmp_eof_cb on_eof, void *opaque)
{
    qmp *mon = g_new0(qmp, 1);
    qmp_source *s;

    mon->refs = 1;
    mon->fd = fd;
    mon->path = g_strdup(path);
    mon->ctx = g_main_context_ref(ctx);
    mon->on_event = on_event;
    mon->on_eof = on_eof;
    mon->opaque = opaque;
    g_rec_mutex_init(&mon->cb_lock);
    g_mutex_init(&mon->lock);
    g_cond_init(&mon->cond);
    mon->in = g_string_new(NULL);
    mon->out = g_string_new(NULL);
    mon->out_fds = g_array_new(FALSE, FALSE, sizeof(qmp_out_fd));
    mon->pending = g_hash_table_new(g_int64_hash, g_int64_equal);

    s = (qmp_source *)g_source_new(&qmp_source_funcs, sizeof(qmp_source));
    s->mon = qmp_ref(mon);
    s->tag = g_source_add_unix_fd(&s->base, fd, G_IO_IN);
    g_source_set_name(&s->base, "qmp");
    mon->source = &s->base;
    g_source_attach(mon->source, ctx);
    return mon;
}

/* Wait for the greeting until deadline (monotonic us).  0 or -1 with the
 * error set. */
static int qmp_wait_greeting(qmp *mon, gint64 deadline, int timeout_ms)
{
    g_mutex_lock(&mon->lock);
    while (!mon->greeted && !mon->eof) {
        if (!g_cond_wait_until(&mon->cond, &mon->lock, deadline))
            break;
    }
    bool greeted = mon->greeted, eof = mon->eof;
    g_mutex_unlock(&mon->lock);
    if (greeted)
        return 0;
    if (eof)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "QEMU monitor '%s' closed before its greeting", mon->path);
    else
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_TIMEOUT,
                     "QEMU monitor '%s' sent no greeting within %d ms", mon->path, timeout_ms);
    return -1;
}

qmp *qmp_open_fd(int fd, const char *path, GMainContext *ctx, int timeout_ms,
                 qmp_event_cb on_event, qmp_eof_cb on_eof, void *opaque)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    json_t *ret;
    qmp *mon;
    int left;

    if (g_main_context_is_owner(ctx)) {
        close(fd);
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                     "cannot open QEMU monitor '%s' from its own I/O thread", path);
        return NULL;
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "cannot set up QEMU monitor socket '%s'", path);
        close(fd);
        return NULL;
    }
    mon = qmp_new(fd, path, ctx, on_event, on_eof, opaque);
    if (qmp_wait_greeting(mon, deadline, timeout_ms) < 0) {
        qmp_close(mon);
        return NULL;
    }
    left = (int)MAX(1, (deadline - g_get_monotonic_time()) / 1000);
    ret = qmp_call(mon, "qmp_capabilities", NULL, left);
    if (!ret) {
        qmp_close(mon);
        return NULL;
    }
    json_decref(ret);
    log_debug("%s: monitor ready", path);
    return mon;
}

qmp *qmp_open(const char *path, GMainContext *ctx, int timeout_ms, qmp_event_cb on_event,
              qmp_eof_cb on_eof, void *opaque)
{
    int fd = unix_socket_connect(path);

    if (fd < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "failed to connect to monitor socket '%s'", path);
        return NULL;
    }
    return qmp_open_fd(fd, path, ctx, timeout_ms, on_event, on_eof, opaque);
}

/* Turn a finished (or abandoned) command into qmp_call's result. */
static json_t *qmp_result(qmp *mon, const char *cmd, qmp_pending *p, int timeout_ms)
{
    json_auto_t *reply = p->reply;
    json_t *err, *ret;

    if (!p->done) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_TIMEOUT,
                     "QEMU monitor '%s' did not answer command '%s' within %d ms",
                     mon->path, cmd, timeout_ms);
        return NULL;
    }
    if (!reply) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "QEMU monitor '%s' closed while running command '%s'", mon->path, cmd);
        return NULL;
    }
    err = json_object_get(reply, "error");
    if (err) {
        const char *desc = json_string_value(json_object_get(err, "desc"));

        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                     "unable to execute QEMU command '%s': %s", cmd, desc ? desc : "unknown error");
        return NULL;
    }
    ret = json_object_get(reply, "return");
    if (!ret) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                     "QEMU command '%s' answered with neither return nor error", cmd);
        return NULL;
    }
    return json_incref(ret);
}

/* Queue cmd as one line with a fresh id and register p.  0, or -1 when
 * the monitor is gone.  Lock held; wakes the loop to write it. */
static int qmp_queue_locked(qmp *mon, const char *cmd, json_t *args, int fd, qmp_pending *p)
{
    json_auto_t *msg = json_pack("{s:s}", "execute", cmd);
    g_autofree char *line = NULL;

    if (mon->eof || mon->closed)
        return -1;
    p->id = ++mon->next_id;
    if (args)
        json_object_set(msg, "arguments", args);
    json_object_set_new(msg, "id", json_integer(p->id));
    line = json_dumps(msg, JSON_COMPACT);
    if (fd >= 0) {
        qmp_out_fd of = { .at = mon->out->len, .fd = fd };

        g_array_append_val(mon->out_fds, of);
    }
    g_string_append(mon->out, line);
    g_string_append_c(mon->out, '\n');
    g_hash_table_insert(mon->pending, &p->id, p);
    /* under the lock: the source is not destroyed while eof is false */
    g_source_set_ready_time(mon->source, 0);
    return 0;
}

json_t *qmp_call(qmp *mon, const char *cmd, json_t *args, int timeout_ms)
{
    return qmp_call_fd(mon, cmd, args, -1, timeout_ms);
}

json_t *qmp_call_fd(qmp *mon, const char *cmd, json_t *args, int fd, int timeout_ms)
{
    json_auto_t *owned_args = args;
    qmp_pending p = { 0 };
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    json_t *ret;
    int dup_fd = -1;

    if (g_main_context_is_owner(mon->ctx)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                     "cannot wait for QEMU command '%s' on monitor '%s' from its own I/O thread",
                     cmd, mon->path);
        return NULL;
    }
    /* our own copy: the caller keeps fd whatever happens */
    if (fd >= 0 && (dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "cannot pass a file to QEMU monitor '%s'",
                            mon->path);
        return NULL;
    }
    qmp_ref(mon);
    g_mutex_lock(&mon->lock);
    if (qmp_queue_locked(mon, cmd, owned_args, dup_fd, &p) < 0) {
        g_mutex_unlock(&mon->lock);
        if (dup_fd >= 0)
            close(dup_fd);
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "QEMU monitor '%s' is closed: cannot run command '%s'", mon->path, cmd);
        qmp_unref(mon);
        return NULL;
    }
    log_debug("%s: command '%s' id %" G_GINT64_FORMAT, mon->path, cmd, p.id);
    while (!p.done) {
        if (!g_cond_wait_until(&mon->cond, &mon->lock, deadline))
            break;
    }
    if (!p.done)
        g_hash_table_remove(mon->pending, &p.id);
    g_mutex_unlock(&mon->lock);
    ret = qmp_result(mon, cmd, &p, timeout_ms);
    qmp_unref(mon);
    return ret;
}

void qmp_close(qmp *mon)
{
    if (!mon)
        return;
    g_mutex_lock(&mon->lock);
    mon->closed = true;
    qmp_fail_pending_locked(mon);
    g_mutex_unlock(&mon->lock);
    /* a callback checks closed under cb_lock before it runs: taking the
     * lock once waits out one already running (recursive when we are it) */
    g_rec_mutex_lock(&mon->cb_lock);
    g_rec_mutex_unlock(&mon->cb_lock);
    g_source_destroy(mon->source);
    g_source_unref(g_steal_pointer(&mon->source));
    qmp_unref(mon);
}

const char *qmp_path(qmp *mon)
{
    return mon->path;
}
