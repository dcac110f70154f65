/*
 * stream.c: the vireo_stream object between a producer and a consumer
 * (see stream.h).
 */
#include <string.h>

#include "drivers/handles.h"
#include "drivers/stream.h"
#include "util/error.h"

#define STREAM_WAIT (-3)        /* stream_recv_ready_locked: nothing to return yet */

struct vireo_stream {
    gint refs;                  /* atomic */
    vireo_conn *conn;           /* one reference */
    unsigned int flags;         /* VIREO_STREAM_NONBLOCK; set once */

    /* the consumer, set once at creation (NULL ops: the buffer) */
    const stream_consumer_ops *cons;
    void *cons_opaque;          /* released with cons_free at the end */
    GDestroyNotify cons_free;

    GMutex lock;
    GCond cond;                 /* with lock: data, end, error or close */
    /* guarded by lock: */
    GByteArray *in;             /* the buffer consumer's unread bytes */
    bool attached;              /* a producer attached (it may have gone since) */
    bool eof;                   /* the producer ended its data */
    vireo_error *err;           /* the producer's error (owned), NULL if none */
    bool closed;                /* the consumer finished or aborted */
    const stream_producer_ops *prod;   /* NULL once let go */
    void *prod_opaque;
    GDestroyNotify prod_free;

    GMutex op_lock;             /* one consumer call into the producer at a time */
};

static vireo_stream *stream_alloc(vireo_conn *conn, unsigned int flags)
{
    vireo_stream *st = g_new0(vireo_stream, 1);

    st->refs = 1;
    if (conn)
        conn_handle_ref(conn);
    st->conn = conn;
    st->flags = flags;
    st->in = g_byte_array_new();
    g_mutex_init(&st->lock);
    g_cond_init(&st->cond);
    g_mutex_init(&st->op_lock);
    return st;
}

vireo_stream *stream_new(vireo_conn *conn, unsigned int flags)
{
    return stream_alloc(conn, flags);
}

vireo_stream *stream_new_consumer(vireo_conn *conn, const stream_consumer_ops *ops,
                                  void *opaque, GDestroyNotify free_opaque)
{
    vireo_stream *st = stream_alloc(conn, 0);

    st->cons = ops;
    st->cons_opaque = opaque;
    st->cons_free = free_opaque;
    return st;
}

vireo_stream *stream_ref(vireo_stream *st)
{
    g_atomic_int_inc(&st->refs);
    return st;
}

/* Take the producer away from st (with lock); the caller releases it. */
static void stream_take_producer_locked(vireo_stream *st, const stream_producer_ops **ops,
                                        void **opaque, GDestroyNotify *free_opaque)
{
    *ops = g_steal_pointer(&st->prod);
    *opaque = g_steal_pointer(&st->prod_opaque);
    *free_opaque = g_steal_pointer(&st->prod_free);
}

void stream_unref(vireo_stream *st)
{
    const stream_producer_ops *ops;
    void *opaque;
    GDestroyNotify free_opaque;

    if (!st || !g_atomic_int_dec_and_test(&st->refs))
        return;
    /* a producer still attached (nobody closed): abort it quietly */
    stream_take_producer_locked(st, &ops, &opaque, &free_opaque);
    if (ops) {
        vireo_error *saved = error_save();

        ops->close(st, true, opaque);
        error_restore(saved);
    }
    if (free_opaque)
        free_opaque(opaque);
    if (st->cons_free)
        st->cons_free(st->cons_opaque);
    g_byte_array_unref(st->in);
    error_free(st->err);
    g_mutex_clear(&st->lock);
    g_cond_clear(&st->cond);
    g_mutex_clear(&st->op_lock);
    if (st->conn)
        conn_handle_unref(st->conn);
    g_free(st);
}

vireo_conn *stream_conn(vireo_stream *st)
{
    return st->conn;
}

/* Make a copy of err the thread's error; -1. */
static int stream_raise(const vireo_error *err)
{
    error_set_full(err->domain, err->code, err->level, err->message, err->str1, err->str2,
                   err->str3, err->int1, err->int2);
    return -1;
}

/* ---- producer side ---- */

int stream_attach(vireo_stream *st, const stream_producer_ops *ops, void *opaque,
                  GDestroyNotify free_opaque)
{
    bool ok;

    g_mutex_lock(&st->lock);
    ok = !st->attached && !st->closed;
    if (ok) {
        st->attached = true;
        st->prod = ops;
        st->prod_opaque = opaque;
        st->prod_free = free_opaque;
    }
    g_mutex_unlock(&st->lock);
    if (!ok)
        error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_INVALID,
                     st->closed ? "stream is closed" : "stream is already in use");
    return ok ? 0 : -1;
}

/* Whether a push may still reach the consumer (with lock). */
static bool stream_accepts_locked(vireo_stream *st)
{
    return !st->closed && !st->eof && !st->err;
}

void stream_push_data(vireo_stream *st, const char *data, size_t len)
{
    bool ok;

    if (!len)
        return;
    g_mutex_lock(&st->lock);
    ok = stream_accepts_locked(st);
    if (ok && !st->cons) {
        g_byte_array_append(st->in, (const guint8 *)data, len);
        g_cond_broadcast(&st->cond);
    }
    g_mutex_unlock(&st->lock);
    if (ok && st->cons)
        st->cons->data(st, data, len, st->cons_opaque);
}

void stream_push_eof(vireo_stream *st)
{
    bool ok;

    g_mutex_lock(&st->lock);
    ok = stream_accepts_locked(st);
    if (ok) {
        st->eof = true;
        g_cond_broadcast(&st->cond);
    }
    g_mutex_unlock(&st->lock);
    if (ok && st->cons)
        st->cons->data(st, "", 0, st->cons_opaque);
}

void stream_push_error(vireo_stream *st, const vireo_error *err)
{
    vireo_error *copy = NULL;
    bool ok;

    vireo_error *saved = error_save();

    if (err || saved)
        stream_raise(err ? err : saved);
    else
        error_report(VIREO_FROM_NONE, VIREO_ERR_INTERNAL_ERROR, "stream ended with an error");
    copy = error_save();
    error_restore(saved);
    g_mutex_lock(&st->lock);
    ok = stream_accepts_locked(st);
    if (ok) {
        st->err = copy;
        g_cond_broadcast(&st->cond);
    }
    g_mutex_unlock(&st->lock);
    if (!ok)
        error_free(copy);
    else if (st->cons)
        st->cons->error(st, copy, st->cons_opaque);
}

bool stream_consumer_alive(vireo_stream *st)
{
    bool alive;

    g_mutex_lock(&st->lock);
    alive = !st->closed;
    g_mutex_unlock(&st->lock);
    if (alive && st->cons && st->cons->alive)
        alive = st->cons->alive(st, st->cons_opaque);
    return alive;
}

/* ---- consumer side ---- */

static int stream_closed_error(void)
{
    error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_INVALID, "stream is closed");
    return -1;
}

static int stream_unattached_error(void)
{
    error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_INVALID,
                 "stream is not open: no call attached it to anything");
    return -1;
}

int stream_write(vireo_stream *st, const char *data, size_t len)
{
    const stream_producer_ops *ops;
    void *opaque;
    int ret;

    g_mutex_lock(&st->op_lock);
    g_mutex_lock(&st->lock);
    ops = st->prod;
    opaque = st->prod_opaque;
    if (st->closed || (st->attached && !ops))
        ret = stream_closed_error();
    else if (!ops)
        ret = stream_unattached_error();
    else if (st->err)
        ret = stream_raise(st->err);
    else
        ret = 0;
    g_mutex_unlock(&st->lock);
    if (ret == 0 && len)
        ret = ops->write(st, data, len, opaque);
    g_mutex_unlock(&st->op_lock);
    return ret;
}

/* finish or abort: the producer's close, then let it go. */
static int stream_close(vireo_stream *st, bool abort)
{
    const stream_producer_ops *ops;
    void *opaque;
    GDestroyNotify free_opaque;
    vireo_error *err = NULL;
    bool was_closed;
    int ret = 0;

    g_mutex_lock(&st->op_lock);
    g_mutex_lock(&st->lock);
    was_closed = st->closed;
    st->closed = true;
    if (st->err && !abort)
        err = g_steal_pointer(&st->err);
    stream_take_producer_locked(st, &ops, &opaque, &free_opaque);
    g_cond_broadcast(&st->cond);
    g_mutex_unlock(&st->lock);
    if (ops)
        ret = ops->close(st, abort || err, opaque);
    if (free_opaque)
        free_opaque(opaque);
    g_mutex_unlock(&st->op_lock);
    if (was_closed)
        return stream_closed_error();
    if (err) {
        error_restore(err);
        return -1;
    }
    return abort ? 0 : ret;
}

int stream_finish(vireo_stream *st)
{
    return stream_close(st, false);
}

int stream_abort(vireo_stream *st)
{
    return stream_close(st, true);
}

/* What recv returns now, or STREAM_WAIT (with lock). */
static int stream_recv_ready_locked(vireo_stream *st, char *buf, size_t len)
{
    if (st->in->len) {
        size_t n = MIN(len, MIN(st->in->len, (size_t)G_MAXINT));

        memcpy(buf, st->in->data, n);
        g_byte_array_remove_range(st->in, 0, n);
        return (int)n;
    }
    if (st->err)
        return stream_raise(st->err);
    if (st->eof)
        return 0;
    if (st->closed)
        return stream_closed_error();
    if (!st->attached)
        return stream_unattached_error();
    return STREAM_WAIT;
}

int stream_recv(vireo_stream *st, char *buf, size_t len, int timeout_ms)
{
    gint64 deadline;
    int ret;

    if (st->cons) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_INVALID,
                     "stream is read by its own consumer");
        return -1;
    }
    if (!len)
        return 0;
    if (st->flags & VIREO_STREAM_NONBLOCK)
        timeout_ms = 0;
    deadline = g_get_monotonic_time() + (gint64)MAX(timeout_ms, 0) * 1000;
    g_mutex_lock(&st->lock);
    while ((ret = stream_recv_ready_locked(st, buf, len)) == STREAM_WAIT) {
        if (timeout_ms < 0)
            g_cond_wait(&st->cond, &st->lock);
        else if (timeout_ms == 0 || !g_cond_wait_until(&st->cond, &st->lock, deadline)) {
            ret = stream_recv_ready_locked(st, buf, len);
            if (ret == STREAM_WAIT)
                ret = -2;
            break;
        }
    }
    g_mutex_unlock(&st->lock);
    return ret;
}
