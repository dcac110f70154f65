/*
 * dispatch_console.c: DOMAIN_OPEN_CONSOLE, a call that opens a stream.
 *
 * The call's wire stream (daemon/stream.h) is the consumer of a
 * vireo_stream (drivers/stream.h) that the driver produces into: a glue
 * joins the two both ways.
 *
 *   driver data   -> daemon_stream_send   (an empty CONTINUE: its end)
 *   driver error  -> daemon_stream_abort  (STREAM ERROR)
 *   client data   -> stream_write
 *   client end    -> stream_finish, confirmed with OK (as libvirtd does)
 *   client abort  -> stream_abort, confirmed with OK
 *
 * The glue lets both go (release) once the stream is over; when that is
 * decided on the driver's thread (its error, or data for a client that
 * is gone) the release runs later on the main loop, never inside the
 * driver's push.
 */
#include "daemon/daemon_priv.h"
#include "daemon/dispatch.h"
#include "daemon/stream.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "drivers/stream.h"
#include "rpc/dispatch_gen.h"
#include "rpc/remote_protocol.h"
#include "util/error.h"

typedef struct console_glue {
    gint refs;                  /* atomic: the handler, the two streams' callbacks */
    daemon_client *client;      /* one reference */
    rpc_header call;            /* the opening call */
    GMutex lock;
    daemon_stream *ds;          /* lock: one reference until released */
    vireo_stream *st;           /* lock: one reference until released */
    bool release_queued;        /* lock */
} console_glue;

static console_glue *glue_ref(console_glue *g)
{
    g_atomic_int_inc(&g->refs);
    return g;
}

static void glue_unref(gpointer data)
{
    console_glue *g = data;

    if (!g_atomic_int_dec_and_test(&g->refs))
        return;
    client_unref(g->client);
    g_mutex_clear(&g->lock);
    g_free(g);
}

/* End the vireo_stream (abort unless it was closed already) and drop
 * both streams.  Main loop or the handler's thread. */
static void glue_release(console_glue *g)
{
    daemon_stream *ds;
    vireo_stream *st;

    g_mutex_lock(&g->lock);
    ds = g_steal_pointer(&g->ds);
    st = g_steal_pointer(&g->st);
    g_mutex_unlock(&g->lock);
    if (st) {
        vireo_error *saved = error_save();

        if (stream_consumer_alive(st))
            stream_abort(st);
        error_restore(saved);
        stream_unref(st);
    }
    if (ds) {
        daemon_stream_set_recv(ds, NULL, NULL, NULL);   /* drops its glue reference */
        daemon_stream_unref(ds);
    }
}

static gboolean glue_release_idle(gpointer data)
{
    glue_release(data);
    return G_SOURCE_REMOVE;
}

/* From the driver's thread: release on the main loop. */
static void glue_release_later(console_glue *g)
{
    bool queue;

    g_mutex_lock(&g->lock);
    queue = !g->release_queued && g->st;
    g->release_queued = true;
    g_mutex_unlock(&g->lock);
    if (queue)
        g_idle_add_full(G_PRIORITY_DEFAULT, glue_release_idle, glue_ref(g), glue_unref);
}

/* A new reference on the glue's wire stream, NULL once released. */
static daemon_stream *glue_ds(console_glue *g)
{
    daemon_stream *ds;

    g_mutex_lock(&g->lock);
    ds = g->ds ? daemon_stream_ref(g->ds) : NULL;
    g_mutex_unlock(&g->lock);
    return ds;
}

/* ---- from the driver (its thread) ---- */

static void glue_on_data(vireo_stream *st G_GNUC_UNUSED, const char *data, size_t len,
                         void *opaque)
{
    console_glue *g = opaque;
    g_autoptr(daemon_stream) ds = glue_ds(g);

    /* len 0 is the driver's end: an empty CONTINUE tells the client, which
     * then finishes or aborts as libvirt's clients do */
    if (ds && daemon_stream_send(ds, data, len) == 0)
        return;
    error_reset();
    glue_release_later(g);      /* the client is gone */
}

static void glue_on_error(vireo_stream *st G_GNUC_UNUSED, const vireo_error *err, void *opaque)
{
    console_glue *g = opaque;
    g_autoptr(daemon_stream) ds = glue_ds(g);

    if (ds && daemon_stream_abort(ds, err) < 0)
        error_reset();
    glue_release_later(g);
}

static bool glue_alive(vireo_stream *st G_GNUC_UNUSED, void *opaque)
{
    console_glue *g = opaque;
    g_autoptr(daemon_stream) ds = glue_ds(g);

    return ds && daemon_stream_is_open(ds);
}

static const stream_consumer_ops glue_consumer = {
    .data = glue_on_data,
    .error = glue_on_error,
    .alive = glue_alive,
};

/* ---- from the client (main loop) ---- */

/* The client's end or abort: close the vireo_stream and confirm. */
static void glue_client_close(console_glue *g, daemon_stream *s, bool abort)
{
    g_autoptr(vireo_stream) st = NULL;
    int ret = 0;

    g_mutex_lock(&g->lock);
    st = g->st ? stream_ref(g->st) : NULL;
    g_mutex_unlock(&g->lock);
    if (st)
        ret = abort ? stream_abort(st) : stream_finish(st);
    /* a client's abort is confirmed by stream.c */
    if (!abort && ret < 0)
        daemon_stream_abort(s, NULL);
    else if (!abort)
        daemon_stream_finish(s);
    error_reset();
    glue_release(g);
}

static void glue_on_client(daemon_stream *s, const stream_input *in, void *opaque)
{
    console_glue *g = opaque;
    g_autoptr(vireo_stream) st = NULL;

    if (in->type != RPC_STREAM)
        return;     /* a hole: consoles have none */
    if (in->status == RPC_OK || in->status == RPC_ERROR) {
        glue_client_close(g, s, in->status == RPC_ERROR);
        return;
    }
    g_mutex_lock(&g->lock);
    st = g->st ? stream_ref(g->st) : NULL;
    g_mutex_unlock(&g->lock);
    if (!st || !in->len || stream_write(st, (const char *)in->data, in->len) == 0)
        return;
    daemon_stream_abort(s, NULL);
    error_reset();
    glue_release(g);
}

/* ---- the call ---- */

int dispatch_domain_open_console(daemon_client *client, const rpc_header *hdr, void *args_,
                                 void *ret G_GNUC_UNUSED)
{
    remote_domain_open_console_args *args = args_;
    vireo_conn *conn = daemon_client_conn(client);
    const char *dev_name = args->dev_name ? *args->dev_name : NULL;
    console_glue *g;
    vireo_domain *dom;
    int rv;

    if (!conn->driver->domain || !conn->driver->domain->open_console) {
        dispatch_no_support("virDomainOpenConsole");
        return -1;
    }
    if (!(dom = dispatch_domain_get(conn, &args->dom)))
        return -1;
    g = g_new0(console_glue, 1);
    g->refs = 1;
    g->client = client_ref(client);
    g->call = *hdr;
    g_mutex_init(&g->lock);
    g->ds = daemon_stream_new(client, hdr);
    g->st = stream_new_consumer(conn, &glue_consumer, glue_ref(g), glue_unref);
    daemon_stream_set_recv(g->ds, glue_on_client, glue_ref(g), glue_unref);

    rv = conn->driver->domain->open_console(dom, dev_name, g->st, args->flags);
    domain_handle_unref(dom);
    if (rv < 0) {
        vireo_error *saved = error_save();

        /* close the wire stream without a word: the reply says it all */
        daemon_stream_drop(g->ds);
        glue_release(g);
        error_restore(saved);
    }
    glue_unref(g);
    return rv;
}
