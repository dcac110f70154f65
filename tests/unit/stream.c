/*
 * stream.c: the vireo_stream object between a producer and a consumer
 * (src/drivers/stream.c), with a fake producer and consumer.
 */
#include <string.h>

#include "check.h"
#include "drivers/stream.h"
#include "util/error.h"

/* A producer that records what the consumer did. */
typedef struct fake_producer {
    GString *written;
    int closes;
    bool last_abort;
    bool fail_write;
    bool released;
    long long holes;            /* bytes of holes written */
    int nholes;
} fake_producer;

static int fake_write(vireo_stream *st, const char *data, size_t len, void *opaque)
{
    fake_producer *p = opaque;

    (void)st;
    if (p->fail_write) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_FAILED, "device gone");
        return -1;
    }
    g_string_append_len(p->written, data, (gssize)len);
    return 0;
}

static int fake_close(vireo_stream *st, bool abort, void *opaque)
{
    fake_producer *p = opaque;

    (void)st;
    p->closes++;
    p->last_abort = abort;
    return 0;
}

static void fake_release(gpointer opaque)
{
    ((fake_producer *)opaque)->released = true;
}

static int fake_hole(vireo_stream *st, long long length, void *opaque)
{
    fake_producer *p = opaque;

    (void)st;
    p->holes += length;
    p->nholes++;
    return 0;
}

static const stream_producer_ops fake_ops = { .write = fake_write, .close = fake_close };
static const stream_producer_ops sparse_ops = {
    .write = fake_write, .close = fake_close, .hole = fake_hole,
};

static void fake_init(fake_producer *p)
{
    memset(p, 0, sizeof(*p));
    p->written = g_string_new(NULL);
}

static void test_buffer(void)
{
    fake_producer p;
    vireo_stream *st = stream_new(NULL, 0);
    char buf[16] = { 0 };

    fake_init(&p);
    CHECK(stream_recv(st, buf, sizeof(buf), 0) == -1 &&
          error_last()->code == VIREO_ERR_OPERATION_INVALID,
          "recv on a stream nothing attached fails");
    CHECK(stream_write(st, "x", 1) == -1, "write on a stream nothing attached fails");
    stream_push_data(st, "ab", 2);      /* before attach: kept */
    CHECK(stream_attach(st, &fake_ops, &p, fake_release) == 0, "a producer attaches");
    CHECK(stream_attach(st, &fake_ops, &p, NULL) == -1, "a second producer is refused");
    stream_push_data(st, "cd", 2);
    CHECK(stream_recv(st, buf, 3, -1) == 3 && memcmp(buf, "abc", 3) == 0,
          "recv returns pushed bytes in order, at most the size asked");
    CHECK(stream_recv(st, buf, sizeof(buf), -1) == 1 && buf[0] == 'd', "then the rest");
    CHECK(stream_recv(st, buf, sizeof(buf), 0) == -2, "nothing ready: -2 without waiting");
    CHECK(stream_recv(st, buf, sizeof(buf), 20) == -2, "nothing within the timeout: -2");
    CHECK(stream_write(st, "hello", 5) == 0 && strcmp(p.written->str, "hello") == 0,
          "writes reach the producer");
    stream_push_eof(st);
    stream_push_data(st, "late", 4);
    CHECK(stream_recv(st, buf, sizeof(buf), -1) == 0, "end of data: recv returns 0");
    CHECK(stream_consumer_alive(st), "the consumer is alive until it closes");
    CHECK(stream_finish(st) == 0 && p.closes == 1 && !p.last_abort && p.released,
          "finish closes the producer once and releases it");
    CHECK(!stream_consumer_alive(st), "a closed consumer is not alive");
    CHECK(stream_write(st, "x", 1) == -1, "write after finish fails");
    CHECK(stream_finish(st) == -1 && stream_abort(st) == -1 && p.closes == 1,
          "a second finish or abort fails and reaches nobody");
    stream_unref(st);
    g_string_free(p.written, TRUE);
}

static void test_error(void)
{
    fake_producer p;
    vireo_stream *st = stream_new(NULL, 0);
    char buf[8];

    fake_init(&p);
    stream_attach(st, &fake_ops, &p, fake_release);
    stream_push_data(st, "z", 1);
    error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED, "taken over");
    stream_push_error(st, NULL);
    error_reset();
    CHECK(stream_recv(st, buf, sizeof(buf), -1) == 1, "data before an error is still read");
    CHECK(stream_recv(st, buf, sizeof(buf), -1) == -1 &&
          error_last()->code == VIREO_ERR_OPERATION_FAILED &&
          strstr(error_last()->message, "taken over"), "then recv fails with the error");
    CHECK(stream_write(st, "x", 1) == -1 && error_last()->code == VIREO_ERR_OPERATION_FAILED,
          "write fails with the producer's error");
    CHECK(stream_finish(st) == -1 && error_last()->code == VIREO_ERR_OPERATION_FAILED &&
          p.closes == 1 && p.last_abort, "finish fails with it and aborts the producer");
    stream_unref(st);

    fake_init(&p);
    st = stream_new(NULL, 0);
    stream_attach(st, &fake_ops, &p, fake_release);
    p.fail_write = true;
    CHECK(stream_write(st, "x", 1) == -1 && strstr(error_last()->message, "device gone"),
          "the producer's write error reaches the writer");
    CHECK(stream_abort(st) == 0 && p.last_abort, "abort closes the producer with abort");
    stream_unref(st);

    fake_init(&p);
    st = stream_new(NULL, 0);
    stream_attach(st, &fake_ops, &p, fake_release);
    stream_unref(st);
    CHECK(p.closes == 1 && p.last_abort && p.released,
          "freeing an open stream aborts and releases its producer");
}

/* A callback consumer that records what it got. */
typedef struct fake_consumer {
    GString *data;
    int eofs;
    int errors;
    bool alive;
    bool freed;
    long long holes;
} fake_consumer;

static void cons_data(vireo_stream *st, const char *data, size_t len, void *opaque)
{
    fake_consumer *c = opaque;

    (void)st;
    if (len)
        g_string_append_len(c->data, data, (gssize)len);
    else
        c->eofs++;
}

static void cons_error(vireo_stream *st, const vireo_error *err, void *opaque)
{
    (void)st;
    (void)err;
    ((fake_consumer *)opaque)->errors++;
}

static bool cons_alive(vireo_stream *st, void *opaque)
{
    (void)st;
    return ((fake_consumer *)opaque)->alive;
}

static void cons_free(gpointer opaque)
{
    ((fake_consumer *)opaque)->freed = true;
}

static void cons_hole(vireo_stream *st, long long length, void *opaque)
{
    fake_consumer *c = opaque;

    (void)st;
    g_string_append_c(c->data, 'H');
    c->holes += length;
}

static const stream_consumer_ops cons_ops = {
    .data = cons_data, .error = cons_error, .alive = cons_alive,
};
static const stream_consumer_ops sparse_cons_ops = {
    .data = cons_data, .error = cons_error, .alive = cons_alive, .hole = cons_hole,
};

static void test_consumer(void)
{
    fake_consumer c = { .data = g_string_new(NULL), .alive = true };
    vireo_stream *st = stream_new_consumer(NULL, &cons_ops, &c, cons_free);
    char buf[4];

    stream_push_data(st, "12", 2);
    stream_push_data(st, "34", 2);
    CHECK(strcmp(c.data->str, "1234") == 0, "pushed data goes to the consumer's callback");
    CHECK(stream_recv(st, buf, sizeof(buf), 0) == -1, "recv is refused on a callback consumer");
    CHECK(stream_consumer_alive(st), "alive asks the consumer (alive)");
    c.alive = false;
    CHECK(!stream_consumer_alive(st), "alive asks the consumer (gone)");
    stream_push_eof(st);
    stream_push_eof(st);
    stream_push_error(st, NULL);
    CHECK(c.eofs == 1 && c.errors == 0, "the end is told once; an error after it is dropped");
    stream_unref(st);
    CHECK(c.freed, "the consumer's opaque is released with the stream");
    g_string_free(c.data, TRUE);
}

static gpointer pusher(gpointer data)
{
    stream_push_data(data, "wake", 4);
    return NULL;
}

static void test_threads(void)
{
    vireo_stream *st = stream_new(NULL, 0);
    fake_producer p;
    char buf[8] = { 0 };
    GThread *t;

    fake_init(&p);
    stream_attach(st, &fake_ops, &p, NULL);
    t = g_thread_new("pusher", pusher, st);
    CHECK(stream_recv(st, buf, sizeof(buf), -1) == 4 && memcmp(buf, "wake", 4) == 0,
          "a blocked recv wakes for data pushed by another thread");
    g_thread_join(t);
    stream_unref(st);

    st = stream_new(NULL, VIREO_STREAM_NONBLOCK);
    stream_attach(st, &fake_ops, &p, NULL);
    CHECK(stream_recv(st, buf, sizeof(buf), -1) == -2, "a NONBLOCK stream never waits");
    stream_abort(st);
    CHECK(stream_recv(st, buf, sizeof(buf), -1) == -1, "recv on an aborted stream fails");
    stream_unref(st);
    g_string_free(p.written, TRUE);
}

static void test_holes_buffer(void)
{
    fake_producer p;
    vireo_stream *st = stream_new(NULL, 0);
    char buf[16];
    long long len = -1;

    fake_init(&p);
    stream_attach(st, &sparse_ops, &p, NULL);
    stream_push_data(st, "ab", 2);
    stream_push_hole(st, 1000);
    stream_push_data(st, "cd", 2);
    stream_push_hole(st, 5);
    stream_push_hole(st, 7);
    stream_push_hole(st, 0);
    stream_push_data(st, "e", 1);
    stream_push_eof(st);
    CHECK(stream_recv_hole(st, &len) == 0 && len == 0, "recv_hole with data first: 0 bytes");
    CHECK(stream_recv_flags(st, buf, sizeof(buf), -1, VIREO_STREAM_RECV_STOP_AT_HOLE) == 2 &&
          memcmp(buf, "ab", 2) == 0, "STOP_AT_HOLE: a read stops before the hole");
    CHECK(stream_recv_flags(st, buf, sizeof(buf), -1, VIREO_STREAM_RECV_STOP_AT_HOLE) ==
          STREAM_RECV_HOLE, "STOP_AT_HOLE: -3 when the hole comes first");
    CHECK(stream_recv_hole(st, &len) == 0 && len == 1000, "recv_hole takes the hole (1000)");
    CHECK(stream_recv_flags(st, buf, sizeof(buf), -1, VIREO_STREAM_RECV_STOP_AT_HOLE) == 2 &&
          memcmp(buf, "cd", 2) == 0, "then the data after it");
    CHECK(stream_recv_flags(st, buf, sizeof(buf), -1, VIREO_STREAM_RECV_STOP_AT_HOLE) == -3 &&
          stream_recv_hole(st, &len) == 0 && len == 12, "two holes in a row are one (5 + 7)");
    CHECK(stream_recv_flags(st, buf, sizeof(buf), -1, VIREO_STREAM_RECV_STOP_AT_HOLE) == 1 &&
          buf[0] == 'e', "data after the merged hole");
    CHECK(stream_recv_flags(st, buf, sizeof(buf), -1, VIREO_STREAM_RECV_STOP_AT_HOLE) == 0,
          "then the end: 0");
    stream_abort(st);
    stream_unref(st);

    st = stream_new(NULL, 0);
    stream_attach(st, &sparse_ops, &p, NULL);
    stream_push_data(st, "x", 1);
    stream_push_hole(st, 20);
    stream_push_data(st, "y", 1);
    stream_push_eof(st);
    {
        char big[32];
        static const char want[22] = "x\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0y";
        int n = stream_recv(st, big, sizeof(big), -1);
        int m = n > 0 ? stream_recv(st, big + n, sizeof(big) - (size_t)n, -1) : -1;

        CHECK(n > 0 && n + MAX(m, 0) == 22 && memcmp(big, want, 22) == 0,
              "without the flag a hole reads as zeros, between the data (got %d + %d)", n, m);
        CHECK(stream_recv(st, buf, 4, -1) == 0, "and the end after it");
    }
    stream_abort(st);
    stream_unref(st);
    g_string_free(p.written, TRUE);
}

static void test_holes_write(void)
{
    fake_producer p;
    vireo_stream *st = stream_new(NULL, 0);

    fake_init(&p);
    CHECK(stream_write_hole(st, 10) == -1, "a hole on a stream nothing attached fails");
    stream_attach(st, &sparse_ops, &p, NULL);
    CHECK(stream_write_hole(st, 1LL << 40) == 0 && stream_write_hole(st, 0) == 0 &&
          p.holes == 1LL << 40 && p.nholes == 1,
          "a hole reaches the producer's hole op (an empty one does not)");
    CHECK(stream_write_hole(st, -1) == -1 && error_last()->code == VIREO_ERR_INVALID_ARG &&
          p.nholes == 1, "a negative hole is refused");
    stream_finish(st);
    CHECK(stream_write_hole(st, 1) == -1 && p.nholes == 1, "a hole after finish fails");
    stream_unref(st);

    st = stream_new(NULL, 0);
    stream_attach(st, &fake_ops, &p, NULL);
    CHECK(stream_write_hole(st, 4096) == -1 &&
          error_last()->code == VIREO_ERR_OPERATION_INVALID &&
          strstr(error_last()->message, "no holes"),
          "a producer without a hole op refuses holes");
    CHECK(stream_write(st, "ok", 2) == 0, "and the stream goes on");
    stream_abort(st);
    stream_unref(st);
    g_string_free(p.written, TRUE);
}

static void test_holes_consumer(void)
{
    fake_consumer c = { .data = g_string_new(NULL), .alive = true };
    vireo_stream *st = stream_new_consumer(NULL, &sparse_cons_ops, &c, NULL);
    char buf[4];
    long long len;

    stream_push_data(st, "a", 1);
    stream_push_hole(st, 65536);
    stream_push_data(st, "b", 1);
    CHECK(strcmp(c.data->str, "aHb") == 0 && c.holes == 65536,
          "holes reach a callback consumer in order with the data");
    CHECK(stream_recv_hole(st, &len) == -1 && stream_recv_flags(st, buf, 4, 0, 0) == -1,
          "recv and recv_hole are refused on a callback consumer");
    stream_unref(st);

    g_string_truncate(c.data, 0);
    st = stream_new_consumer(NULL, &cons_ops, &c, NULL);
    stream_push_hole(st, 100);
    stream_push_data(st, "z", 1);
    CHECK(c.errors == 1 && c.data->len == 0,
          "a hole to a consumer without a hole op ends the stream with an error");
    stream_unref(st);
    g_string_free(c.data, TRUE);
}

/* A producer thread blocked in stream_push_wait. */
typedef struct waiter {
    vireo_stream *st;
    gint done;          /* atomic: 0 waiting, 1 returned true, 2 returned false */
} waiter;

static gpointer waiter_run(gpointer data)
{
    waiter *w = data;

    g_atomic_int_set(&w->done, stream_push_wait(w->st) ? 1 : 2);
    return NULL;
}

/* Start a waiter; whether it is still waiting after ms. */
static GThread *waiter_start(waiter *w, vireo_stream *st)
{
    w->st = st;
    w->done = 0;
    return g_thread_new("waiter", waiter_run, w);
}

static int waiter_after(waiter *w, int ms)
{
    gint64 end = g_get_monotonic_time() + ms * 1000;

    while (!g_atomic_int_get(&w->done) && g_get_monotonic_time() < end)
        g_usleep(2000);
    return g_atomic_int_get(&w->done);
}

static void test_push_wait_buffer(void)
{
    vireo_stream *st = stream_new(NULL, 0);
    fake_producer p;
    size_t chunk = 256 * 1024;
    char *data = g_malloc0(chunk);
    char *buf = g_malloc(chunk);
    waiter w;
    GThread *t;

    fake_init(&p);
    stream_attach(st, &fake_ops, &p, NULL);
    for (size_t n = 0; n < STREAM_BACKLOG_MAX; n += chunk)
        stream_push_data(st, data, chunk);
    CHECK(stream_push_wait(st), "at STREAM_BACKLOG_MAX unread bytes push_wait returns at once");
    stream_push_hole(st, 1LL << 30);
    CHECK(stream_push_wait(st), "a hole adds nothing to the backlog");
    stream_push_data(st, data, chunk);
    t = waiter_start(&w, st);
    CHECK(waiter_after(&w, 200) == 0, "over STREAM_BACKLOG_MAX push_wait blocks");
    CHECK(stream_recv(st, buf, chunk, -1) == (int)chunk, "the reader takes a chunk");
    CHECK(waiter_after(&w, 2000) == 1, "and push_wait wakes and returns true");
    g_thread_join(t);

    stream_push_data(st, data, chunk);
    t = waiter_start(&w, st);
    CHECK(waiter_after(&w, 200) == 0, "push_wait blocks again");
    stream_abort(st);
    CHECK(waiter_after(&w, 2000) == 2, "the reader's abort wakes it with false");
    g_thread_join(t);
    CHECK(!stream_push_wait(st), "push_wait on a closed stream: false at once");
    stream_unref(st);
    g_free(data);
    g_free(buf);
    g_string_free(p.written, TRUE);
}

static void test_push_wait_consumer(void)
{
    fake_consumer c = { .data = g_string_new(NULL), .alive = true };
    vireo_stream *st = stream_new_consumer(NULL, &sparse_cons_ops, &c, NULL);
    size_t chunk = STREAM_BACKLOG_MAX / 2;
    char *data = g_malloc0(chunk);
    waiter w;
    GThread *t;

    for (int i = 0; i < 3; i++)
        stream_push_data(st, data, chunk);
    t = waiter_start(&w, st);
    CHECK(waiter_after(&w, 200) == 0, "a callback consumer's unreported bytes block push_wait");
    stream_consumed(st, chunk);
    CHECK(waiter_after(&w, 2000) == 1, "stream_consumed wakes it");
    g_thread_join(t);
    CHECK(stream_push_wait(st), "at the limit it does not block");

    stream_push_data(st, data, 1);
    t = waiter_start(&w, st);
    CHECK(waiter_after(&w, 200) == 0, "one byte more blocks again");
    c.alive = false;
    CHECK(waiter_after(&w, 3000) == 2, "a consumer that went away ends the wait with false");
    g_thread_join(t);

    c.alive = true;
    stream_consumed(st, (size_t)-1);
    CHECK(stream_push_wait(st), "consumed more than was pushed: the backlog is empty");
    stream_push_eof(st);
    CHECK(!stream_push_wait(st), "after the producer's end push_wait is false");
    stream_unref(st);
    g_free(data);
    g_string_free(c.data, TRUE);
}

int main(void)
{
    test_buffer();
    test_error();
    test_consumer();
    test_threads();
    test_holes_buffer();
    test_holes_write();
    test_holes_consumer();
    test_push_wait_buffer();
    test_push_wait_consumer();
    return check_exit();
}
