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

static const stream_producer_ops fake_ops = { .write = fake_write, .close = fake_close };

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

static const stream_consumer_ops cons_ops = {
    .data = cons_data, .error = cons_error, .alive = cons_alive,
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

int main(void)
{
    test_buffer();
    test_error();
    test_consumer();
    test_threads();
    return check_exit();
}
