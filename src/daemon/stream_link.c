/*
 * stream_link.c: a vireo_stream (drivers/stream.h) carried by the wire
 * stream of the call that opened it (daemon/stream.h), both ways.  Every
 * call that opens a stream uses one: console, volume upload, download.
 *
 *   driver data   -> daemon_stream_send       (an empty CONTINUE: its end)
 *   driver hole   -> daemon_stream_send_hole  (STREAM_HOLE)
 *   driver error  -> daemon_stream_abort      (STREAM ERROR)
 *   data sent     -> stream_consumed          (paces stream_push_wait)
 *   client data   -> stream_write
 *   client hole   -> stream_write_hole
 *   client end    -> stream_finish, confirmed with OK (as libvirtd does)
 *   client abort  -> stream_abort, confirmed with OK
 *
 * Whether holes flow at all is the driver's choice (it pushes holes only
 * for a call with the sparse flag, and takes them only then, through its
 * hole op): the link forwards what comes.
 *
 * The link lets both go (release) once the stream is over; when that is
 * decided on the driver's thread (its error, or data for a client that
 * is gone) the release runs later on the main loop, never inside the
 * driver's push.
 */
#include "daemon/daemon_priv.h"
#include "daemon/stream.h"
#include "drivers/stream.h"
#include "util/error.h"

struct stream_link {
    gint refs;                  /* atomic: the handler, the two streams' callbacks */
    GMutex lock;
    daemon_stream *ds;          /* lock: one reference until released */
    vireo_stream *st;           /* lock: one reference until released */
    bool release_queued;        /* lock */
};

static stream_link *link_ref(stream_link *l)
{
    g_atomic_int_inc(&l->refs);
    return l;
}

static void link_unref(gpointer data)
{
    stream_link *l = data;

    if (!g_atomic_int_dec_and_test(&l->refs))
        return;
    g_mutex_clear(&l->lock);
    g_free(l);
}

/* End the vireo_stream (abort unless it was closed already) and drop
 * both streams.  Main loop or the handler's thread. */
static void link_release(stream_link *l)
{
    daemon_stream *ds;
    vireo_stream *st;

    g_mutex_lock(&l->lock);
    ds = g_steal_pointer(&l->ds);
    st = g_steal_pointer(&l->st);
    g_mutex_unlock(&l->lock);
    if (st) {
        vireo_error *saved = error_save();

        /* whatever the wire stream's state: the producer must hear the
         * end, or it keeps its resources (and its reference on st) */
        stream_abort(st);
        error_restore(saved);
        stream_unref(st);
    }
    if (ds) {
        daemon_stream_set_recv(ds, NULL, NULL, NULL);   /* drops its link reference */
        daemon_stream_unref(ds);
    }
}

static gboolean link_release_idle(gpointer data)
{
    link_release(data);
    return G_SOURCE_REMOVE;
}

/* From the driver's thread: release on the main loop. */
static void link_release_later(stream_link *l)
{
    bool queue;

    g_mutex_lock(&l->lock);
    queue = !l->release_queued && l->st;
    l->release_queued = true;
    g_mutex_unlock(&l->lock);
    if (queue)
        g_idle_add_full(G_PRIORITY_DEFAULT, link_release_idle, link_ref(l), link_unref);
}

/* New references on the link's streams, NULL once released. */
static daemon_stream *link_ds(stream_link *l)
{
    daemon_stream *ds;

    g_mutex_lock(&l->lock);
    ds = l->ds ? daemon_stream_ref(l->ds) : NULL;
    g_mutex_unlock(&l->lock);
    return ds;
}

static vireo_stream *link_st(stream_link *l)
{
    vireo_stream *st;

    g_mutex_lock(&l->lock);
    st = l->st ? stream_ref(l->st) : NULL;
    g_mutex_unlock(&l->lock);
    return st;
}

/* ---- from the driver (its thread) ---- */

static void link_on_data(vireo_stream *st G_GNUC_UNUSED, const char *data, size_t len,
                         void *opaque)
{
    stream_link *l = opaque;
    g_autoptr(daemon_stream) ds = link_ds(l);

    /* len 0 is the driver's end: an empty CONTINUE tells the client, which
     * then finishes or aborts as libvirt's clients do */
    if (ds && daemon_stream_send(ds, data, len) == 0)
        return;
    error_reset();
    link_release_later(l);      /* the client is gone */
}

static void link_on_hole(vireo_stream *st G_GNUC_UNUSED, long long length, void *opaque)
{
    stream_link *l = opaque;
    g_autoptr(daemon_stream) ds = link_ds(l);

    if (ds && daemon_stream_send_hole(ds, length, 0) == 0)
        return;
    error_reset();
    link_release_later(l);
}

static void link_on_error(vireo_stream *st G_GNUC_UNUSED, const vireo_error *err, void *opaque)
{
    stream_link *l = opaque;
    g_autoptr(daemon_stream) ds = link_ds(l);

    if (ds && daemon_stream_abort(ds, err) < 0)
        error_reset();
    link_release_later(l);
}

static bool link_alive(vireo_stream *st G_GNUC_UNUSED, void *opaque)
{
    stream_link *l = opaque;
    g_autoptr(daemon_stream) ds = link_ds(l);

    return ds && daemon_stream_is_open(ds);
}

static const stream_consumer_ops link_consumer = {
    .data = link_on_data,
    .error = link_on_error,
    .alive = link_alive,
    .hole = link_on_hole,
};

/* ---- from the client (main loop) ---- */

/* Our data left for the socket: the driver may produce more. */
static void link_on_sent(daemon_stream *s G_GNUC_UNUSED, size_t len, void *opaque)
{
    g_autoptr(vireo_stream) st = link_st(opaque);

    if (st)
        stream_consumed(st, len);
}

/* The client's end or abort: close the vireo_stream and confirm. */
static void link_client_close(stream_link *l, daemon_stream *s, bool abort)
{
    g_autoptr(vireo_stream) st = link_st(l);
    int ret = 0;

    if (st)
        ret = abort ? stream_abort(st) : stream_finish(st);
    /* a client's abort is confirmed by stream.c */
    if (!abort && ret < 0)
        daemon_stream_abort(s, NULL);
    else if (!abort)
        daemon_stream_finish(s);
    error_reset();
    link_release(l);
}

static void link_on_client(daemon_stream *s, const stream_input *in, void *opaque)
{
    stream_link *l = opaque;
    g_autoptr(vireo_stream) st = NULL;
    int ret = 0;

    if (in->type == RPC_STREAM && (in->status == RPC_OK || in->status == RPC_ERROR)) {
        link_client_close(l, s, in->status == RPC_ERROR);
        return;
    }
    if (!(st = link_st(l)))
        return;
    if (in->type == RPC_STREAM_HOLE)
        ret = stream_write_hole(st, in->hole_length);
    else if (in->len)
        ret = stream_write(st, (const char *)in->data, in->len);
    if (ret == 0)
        return;
    /* the driver refused (a write error, a hole it takes not): the
     * client hears why and the stream is over */
    daemon_stream_abort(s, NULL);
    error_reset();
    link_release(l);
}

/* ---- the call ---- */

stream_link *stream_link_new(daemon_client *c, const rpc_header *call, vireo_conn *conn)
{
    stream_link *l = g_new0(stream_link, 1);

    l->refs = 1;
    g_mutex_init(&l->lock);
    l->ds = daemon_stream_new(c, call);
    l->st = stream_new_consumer(conn, &link_consumer, link_ref(l), link_unref);
    daemon_stream_set_callbacks(l->ds, link_on_client, link_on_sent, link_ref(l), link_unref);
    return l;
}

vireo_stream *stream_link_stream(stream_link *l)
{
    return l->st;
}

void stream_link_opened(stream_link *l, int rv)
{
    if (rv < 0) {
        vireo_error *saved = error_save();
        g_autoptr(daemon_stream) ds = link_ds(l);

        /* close the wire stream without a word: the reply says it all */
        if (ds)
            daemon_stream_drop(ds);
        link_release(l);
        error_restore(saved);
    }
    link_unref(l);
}
