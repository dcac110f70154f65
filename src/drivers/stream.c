/*
 * stream.c: the vireo_stream object between a producer and a consumer
 * (see stream.h).
 *
 * The buffer consumer keeps what it has not read as a queue of chunks,
 * each the bytes of one push or a hole, so a read never moves the bytes
 * behind it and a hole keeps its place among the data.  backlog counts
 * the data bytes the consumer has not taken; stream_push_wait sleeps on
 * it, and every read, stream_consumed and close wakes it.
 */
#include <string.h>

#include "drivers/handles.h"
#include "drivers/stream.h"
#include "util/error.h"

#define STREAM_WAIT (-4)        /* stream_recv_ready_locked: nothing to return yet */

/* What the buffer consumer has not read yet: bytes, or a hole. */
typedef struct stream_chunk {
    long long hole;             /* > 0: a hole of this many bytes, no data */
    size_t len;                 /* bytes in data */
    size_t off;                 /* bytes of data already read */
    char data[];
} stream_chunk;

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
    GQueue in;                  /* the buffer consumer's unread stream_chunks, oldest first */
    size_t backlog;             /* data the consumer has not taken: unread bytes in in, or
                                 * bytes given to the callbacks not yet stream_consumed */
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
    g_queue_init(&st->in);
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
    g_queue_clear_full(&st->in, g_free);
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
        stream_chunk *c = g_malloc(sizeof(*c) + len);

        c->hole = 0;
        c->len = len;
        c->off = 0;
        memcpy(c->data, data, len);
        g_queue_push_tail(&st->in, c);
        g_cond_broadcast(&st->cond);
    }
    if (ok)
        st->backlog += len;
    g_mutex_unlock(&st->lock);
    if (ok && st->cons)
        st->cons->data(st, data, len, st->cons_opaque);
}

void stream_push_hole(vireo_stream *st, long long length)
{
    bool ok;

    if (length <= 0)
        return;
    g_mutex_lock(&st->lock);
    ok = stream_accepts_locked(st);
    if (ok && !st->cons) {
        stream_chunk *tail = g_queue_peek_tail(&st->in);

        /* two holes in a row are one hole */
        if (tail && tail->hole && tail->hole <= G_MAXINT64 - length) {
            tail->hole += length;
        } else {
            stream_chunk *c = g_new0(stream_chunk, 1);

            c->hole = length;
            g_queue_push_tail(&st->in, c);
        }
        g_cond_broadcast(&st->cond);
    }
    g_mutex_unlock(&st->lock);
    if (!ok || !st->cons)
        return;
    if (st->cons->hole) {
        st->cons->hole(st, length, st->cons_opaque);
    } else {
        vireo_error *saved = error_save();

        /* a consumer without holes never asked for a sparse stream */
        error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "the stream's reader takes no holes");
        stream_push_error(st, NULL);
        error_restore(saved);
    }
}

/* Whether the consumer still reads, asking its alive op (without lock). */
static bool stream_cons_alive(vireo_stream *st)
{
    return !st->cons || !st->cons->alive || st->cons->alive(st, st->cons_opaque);
}

bool stream_push_wait(vireo_stream *st)
{
    bool ok;

    g_mutex_lock(&st->lock);
    while ((ok = stream_accepts_locked(st)) && st->backlog > STREAM_BACKLOG_MAX) {
        /* a consumer that went away without closing is noticed within a
         * second */
        if (g_cond_wait_until(&st->cond, &st->lock, g_get_monotonic_time() + G_TIME_SPAN_SECOND))
            continue;
        g_mutex_unlock(&st->lock);
        ok = stream_cons_alive(st);
        g_mutex_lock(&st->lock);
        if (!ok)
            break;
    }
    g_mutex_unlock(&st->lock);
    return ok && stream_cons_alive(st);
}

void stream_consumed(vireo_stream *st, size_t len)
{
    g_mutex_lock(&st->lock);
    st->backlog -= MIN(len, st->backlog);
    g_cond_broadcast(&st->cond);
    g_mutex_unlock(&st->lock);
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

/* The producer to call for the consumer (with op_lock held): 0, or -1
 * with the error set when there is none or it failed. */
static int stream_producer_get(vireo_stream *st, const stream_producer_ops **ops, void **opaque)
{
    int ret = 0;

    g_mutex_lock(&st->lock);
    *ops = st->prod;
    *opaque = st->prod_opaque;
    if (st->closed || (st->attached && !*ops))
        ret = stream_closed_error();
    else if (!*ops)
        ret = stream_unattached_error();
    else if (st->err)
        ret = stream_raise(st->err);
    g_mutex_unlock(&st->lock);
    return ret;
}

int stream_write(vireo_stream *st, const char *data, size_t len)
{
    const stream_producer_ops *ops;
    void *opaque;
    int ret;

    g_mutex_lock(&st->op_lock);
    ret = stream_producer_get(st, &ops, &opaque);
    if (ret == 0 && len)
        ret = ops->write(st, data, len, opaque);
    g_mutex_unlock(&st->op_lock);
    return ret;
}

int stream_write_hole(vireo_stream *st, long long length)
{
    const stream_producer_ops *ops;
    void *opaque;
    int ret;

    if (length < 0) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "a hole of %lld bytes: the length must not be negative", length);
        return -1;
    }
    g_mutex_lock(&st->op_lock);
    ret = stream_producer_get(st, &ops, &opaque);
    if (ret == 0 && !ops->hole) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_INVALID,
                     "this stream takes no holes (it was not opened as a sparse stream)");
        ret = -1;
    }
    if (ret == 0 && length)
        ret = ops->hole(st, length, opaque);
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

/* Take up to len bytes off the head of the buffer (with lock): the
 * count, or STREAM_RECV_HOLE when a hole comes first and flags stop at
 * holes.  Without the flag a hole reads as zeros. */
static int stream_take_locked(vireo_stream *st, char *buf, size_t len, unsigned int flags)
{
    size_t got = 0;
    stream_chunk *c;

    while (got < len && (c = g_queue_peek_head(&st->in))) {
        size_t n;

        if (c->hole && (flags & VIREO_STREAM_RECV_STOP_AT_HOLE)) {
            if (!got)
                return STREAM_RECV_HOLE;
            break;
        }
        if (c->hole) {
            n = (size_t)MIN((unsigned long long)(len - got), (unsigned long long)c->hole);
            memset(buf + got, 0, n);
            c->hole -= (long long)n;
        } else {
            n = MIN(len - got, c->len - c->off);
            memcpy(buf + got, c->data + c->off, n);
            c->off += n;
            st->backlog -= MIN(n, st->backlog);
        }
        got += n;
        if (!c->hole && c->off == c->len)
            g_free(g_queue_pop_head(&st->in));
    }
    g_cond_broadcast(&st->cond);    /* a producer in stream_push_wait */
    return (int)got;
}

/* What recv returns now, or STREAM_WAIT (with lock). */
static int stream_recv_ready_locked(vireo_stream *st, char *buf, size_t len, unsigned int flags)
{
    if (!g_queue_is_empty(&st->in))
        return stream_take_locked(st, buf, len, flags);
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

/* -1 with the error when st is read by callbacks, not by recv. */
static int stream_buffer_check(vireo_stream *st)
{
    if (!st->cons)
        return 0;
    error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_INVALID,
                 "stream is read by its own consumer");
    return -1;
}

int stream_recv_flags(vireo_stream *st, char *buf, size_t len, int timeout_ms,
                      unsigned int flags)
{
    gint64 deadline;
    int ret;

    if (stream_buffer_check(st) < 0)
        return -1;
    if (!len)
        return 0;
    len = MIN(len, (size_t)G_MAXINT);
    if (st->flags & VIREO_STREAM_NONBLOCK)
        timeout_ms = 0;
    deadline = g_get_monotonic_time() + (gint64)MAX(timeout_ms, 0) * 1000;
    g_mutex_lock(&st->lock);
    while ((ret = stream_recv_ready_locked(st, buf, len, flags)) == STREAM_WAIT) {
        if (timeout_ms < 0)
            g_cond_wait(&st->cond, &st->lock);
        else if (timeout_ms == 0 || !g_cond_wait_until(&st->cond, &st->lock, deadline)) {
            ret = stream_recv_ready_locked(st, buf, len, flags);
            if (ret == STREAM_WAIT)
                ret = -2;
            break;
        }
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

int stream_recv(vireo_stream *st, char *buf, size_t len, int timeout_ms)
{
    return stream_recv_flags(st, buf, len, timeout_ms, 0);
}

int stream_recv_hole(vireo_stream *st, long long *length)
{
    stream_chunk *c;

    if (stream_buffer_check(st) < 0)
        return -1;
    *length = 0;
    g_mutex_lock(&st->lock);
    c = g_queue_peek_head(&st->in);
    if (c && c->hole) {
        *length = c->hole;
        g_free(g_queue_pop_head(&st->in));
    }
    g_mutex_unlock(&st->lock);
    return 0;
}
