/*
 * console_pump.c: a console session (src/drivers/console_pump.c) between
 * one end of a socket pair (the "device") and a stream, on an I/O thread
 * of its own: bytes both ways, the device's end of file, the domain's
 * one session (busy, FORCE, a consumer gone, stop), a refused connect.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "drivers/console_pump.h"
#include "drivers/stream.h"
#include "util/error.h"

static GMainContext *ctx;
static GMutex slot_lock;
static console_pump *slot;      /* the "domain's" session, guarded by slot_lock */
static bool dom_running = true; /* guarded by slot_lock */

static void on_end(console_pump *p, void *opaque)
{
    (void)opaque;
    console_pump_slot_drop(&slot, &slot_lock, p);
}

static bool running(void *opaque)
{
    (void)opaque;
    return dom_running;
}

static gpointer io_thread(gpointer data)
{
    GMainLoop *loop = data;

    g_main_context_push_thread_default(ctx);
    g_main_loop_run(loop);
    g_main_context_pop_thread_default(ctx);
    return NULL;
}

/* A session on a new socket pair: *dev is the device's far end.  Put in
 * the slot (force as given); NULL with the error when refused. */
static console_pump *session(vireo_stream *st, int *dev, bool force)
{
    int sv[2];
    console_pump *p;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return NULL;
    *dev = sv[1];
    p = console_pump_new(sv[0], st, ctx, VIREO_FROM_LXC, on_end, NULL, NULL);
    /* the test's reference, beside the one the session runs on */
    console_pump_ref(p);
    if (console_pump_slot_run(&slot, &slot_lock, p, force, running, NULL, VIREO_FROM_LXC) < 0) {
        console_pump_unref(p);
        close(*dev);
        *dev = -1;
        return NULL;
    }
    return p;
}

static bool slot_is(console_pump *p)
{
    bool is;

    g_mutex_lock(&slot_lock);
    is = slot == p;
    g_mutex_unlock(&slot_lock);
    return is;
}

/* What the device got, within a second. */
static bool dev_reads(int dev, const char *want)
{
    char buf[64] = { 0 };
    size_t got = 0;
    gint64 end = g_get_monotonic_time() + G_USEC_PER_SEC;

    while (got < strlen(want) && g_get_monotonic_time() < end) {
        ssize_t n = recv(dev, buf + got, sizeof(buf) - 1 - got, MSG_DONTWAIT);

        if (n > 0)
            got += (size_t)n;
        else
            g_usleep(10000);
    }
    return strcmp(buf, want) == 0;
}

/* The device's far end sees the session close its end, within a second. */
static bool dev_closed(int dev)
{
    char c;

    for (int i = 0; i < 100; i++) {
        if (recv(dev, &c, 1, MSG_DONTWAIT) == 0)
            return true;
        g_usleep(10000);
    }
    return false;
}

static bool gone_alive(vireo_stream *st, void *opaque)
{
    (void)st;
    (void)opaque;
    return false;
}

static void gone_data(vireo_stream *st, const char *data, size_t len, void *opaque)
{
    (void)st, (void)data, (void)len, (void)opaque;
}

static void gone_error(vireo_stream *st, const vireo_error *err, void *opaque)
{
    (void)st, (void)err, (void)opaque;
}

static const stream_consumer_ops gone_ops = {
    .data = gone_data, .error = gone_error, .alive = gone_alive,
};

int main(void)
{
    GMainLoop *loop;
    GThread *thr;
    vireo_stream *st1 = stream_new(NULL, 0), *st2 = stream_new(NULL, 0);
    vireo_stream *st3, *st4 = stream_new(NULL, 0);
    console_pump *p1, *p2, *p3, *p4;
    int dev1, dev2, dev3, dev4;
    char buf[64] = { 0 };
    int n;

    ctx = g_main_context_new();
    loop = g_main_loop_new(ctx, FALSE);
    thr = g_thread_new("io", io_thread, loop);

    p1 = session(st1, &dev1, false);
    CHECK(p1 && slot_is(p1), "a first session takes the slot");
    CHECK(write(dev1, "hello", 5) == 5 && stream_recv(st1, buf, sizeof(buf), 2000) == 5 &&
              memcmp(buf, "hello", 5) == 0,
          "the device's bytes reach the stream");
    CHECK(stream_write(st1, "ping", 4) == 0 && dev_reads(dev1, "ping"),
          "the consumer's bytes reach the device");

    p2 = session(st2, &dev2, false);
    CHECK(!p2 && error_last() && error_last()->code == VIREO_ERR_OPERATION_FAILED &&
              strstr(error_last()->message, "Active console session"),
          "a second session is refused while the first one's consumer reads (%s)",
          error_last() ? error_last()->message : "no error");
    CHECK(console_pump_slot_clear(&slot, &slot_lock, false, VIREO_FROM_LXC) < 0 &&
              error_last()->code == VIREO_ERR_OPERATION_FAILED && slot_is(p1),
          "clearing a busy slot without FORCE is refused, the session goes on");

    p2 = session(st2, &dev2, true);
    CHECK(p2 && slot_is(p2), "FORCE takes the slot");
    n = stream_recv(st1, buf, sizeof(buf), 2000);
    CHECK(n == -1 && error_last() && strstr(error_last()->message, "taken over"),
          "the first consumer is told it was taken over (%d, %s)", n,
          error_last() ? error_last()->message : "no error");
    CHECK(write(dev2, "x", 1) == 1 && stream_recv(st2, buf, sizeof(buf), 2000) == 1,
          "the new session pumps");

    /* the device hangs up: end of data, the slot is free */
    close(dev2);
    CHECK(stream_recv(st2, buf, sizeof(buf), 2000) == 0, "the device's end is the end of data");
    for (int i = 0; i < 100 && !slot_is(NULL); i++)
        g_usleep(10000);
    CHECK(slot_is(NULL), "an ended session leaves the slot");

    /* a consumer that went away is taken over without FORCE */
    st3 = stream_new_consumer(NULL, &gone_ops, NULL, NULL);
    p3 = session(st3, &dev3, false);
    CHECK(p3 && slot_is(p3), "a session whose consumer will go away");
    p4 = session(st4, &dev4, false);
    CHECK(p4 && slot_is(p4), "a gone consumer's session is taken over without FORCE");

    /* the consumer closes: the session ends quietly */
    CHECK(stream_abort(st4) == 0 && slot_is(NULL) && dev_closed(dev4),
          "the consumer's abort ends the session and frees the slot");

    /* the domain stops */
    console_pump_unref(p4);
    stream_unref(st4);
    st4 = stream_new(NULL, 0);
    p4 = session(st4, &dev4, false);
    console_pump_slot_stop(&slot, &slot_lock);
    CHECK(p4 && stream_recv(st4, buf, sizeof(buf), 2000) == 0 && slot_is(NULL),
          "the domain's stop ends its session with the end of data");
    g_mutex_lock(&slot_lock);
    dom_running = false;
    g_mutex_unlock(&slot_lock);
    {
        g_autoptr(vireo_stream) st5 = stream_new(NULL, 0);
        int dev5;

        CHECK(!session(st5, &dev5, true) && error_last()->code == VIREO_ERR_OPERATION_INVALID,
              "no session for a domain that stopped meanwhile");
    }
    n = console_pump_open_fd("/nonexistent/ct.console", true, VIREO_FROM_LXC);
    CHECK(n < 0 && error_last()->code == VIREO_ERR_SYSTEM_ERROR &&
              strstr(error_last()->message, "/nonexistent/ct.console") &&
              strstr(error_last()->message, g_strerror(ENOENT)),
          "a console socket that is not there: the path and the kernel's reason (%s)",
          error_last() ? error_last()->message : "no error");

    console_pump_unref(p1);
    console_pump_unref(p2);
    console_pump_unref(p3);
    console_pump_unref(p4);
    stream_unref(st1);
    stream_unref(st2);
    stream_unref(st3);
    stream_unref(st4);
    close(dev1);
    close(dev3);
    close(dev4);
    g_main_loop_quit(loop);
    g_thread_join(thr);
    g_main_loop_unref(loop);
    g_main_context_unref(ctx);
    return check_exit();
}
