/*
 * stream.h: what a vireo_stream is inside, for every layer.
 *
 * A stream joins two ends.  The producer is whatever serves the data: a
 * driver (the QEMU console pump) or, in a client process, the remote
 * driver relaying the wire.  The consumer is whoever opened it: the
 * public API (a buffer read by vireo_stream_recv, the default) or, in
 * vireod, the daemon's wire stream (callbacks, stream_new_consumer).
 *
 *   producer --stream_push_data/eof/error--> consumer
 *   consumer --stream_write/finish/abort--> producer's ops
 *
 * The producer attaches once (stream_attach) when the call that opens
 * the stream succeeds; it may push before that (data is kept).  The
 * stream ends when the consumer finishes or aborts: the producer's close
 * op runs once and its opaque is released.  A producer's end (eof, error)
 * only tells the consumer, which still finishes or aborts.
 *
 * Thread-safe.  Pushes take only the stream's lock, so a producer may
 * push from any thread, even while one of its ops runs; it must not
 * push while holding a lock its ops take.
 */
#ifndef VIREO_DRIVERS_STREAM_H
#define VIREO_DRIVERS_STREAM_H

#include <glib.h>
#include <stdbool.h>

#include "vireo/vireo.h"

/* The producer's side of the consumer's calls; opaque is the producer's. */
typedef struct stream_producer_ops {
    /* The consumer's bytes for the producer: 0, or -1 with the error set.
     * Must not wait for the producer's own thread to push. */
    int (*write)(vireo_stream *st, const char *data, size_t len, void *opaque);
    /* The consumer ends the stream: finish (abort false; may wait for the
     * peer to confirm) or abort.  Called once. 0, or -1 with the error. */
    int (*close)(vireo_stream *st, bool abort, void *opaque);
    /* The consumer's hole of length bytes (a sparse upload): 0, or -1
     * with the error set.  NULL: the stream takes no holes (the sender
     * gets an error). */
    int (*hole)(vireo_stream *st, long long length, void *opaque);
} stream_producer_ops;

/* A consumer that is not a buffer (vireod's wire stream).  Called on the
 * pushing thread, without the stream's lock. */
typedef struct stream_consumer_ops {
    /* Bytes from the producer; len 0: the producer's end of data. */
    void (*data)(vireo_stream *st, const char *data, size_t len, void *opaque);
    /* The producer failed or gave up the stream (err: why). */
    void (*error)(vireo_stream *st, const vireo_error *err, void *opaque);
    /* Whether the consumer is still there to read (NULL: always). */
    bool (*alive)(vireo_stream *st, void *opaque);
    /* A hole of length bytes from the producer (a sparse download). */
    void (*hole)(vireo_stream *st, long long length, void *opaque);
} stream_consumer_ops;

/* A new stream on conn (one reference, released with stream_unref), its
 * consumer the public API's buffer.  flags: VIREO_STREAM_NONBLOCK. */
vireo_stream *stream_new(vireo_conn *conn, unsigned int flags);
/* The same with a callback consumer; free_opaque releases opaque when
 * the stream is freed. */
vireo_stream *stream_new_consumer(vireo_conn *conn, const stream_consumer_ops *ops,
                                  void *opaque, GDestroyNotify free_opaque);
vireo_stream *stream_ref(vireo_stream *st);
void stream_unref(vireo_stream *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vireo_stream, stream_unref)
/* The connection the stream was made on (borrowed). */
vireo_conn *stream_conn(vireo_stream *st);

/* --- producer side --- */
/* Become st's producer; free_opaque releases opaque once the consumer
 * closed (or the stream is freed).  -1 (OPERATION_INVALID) when st
 * already has one or was closed. */
int stream_attach(vireo_stream *st, const stream_producer_ops *ops, void *opaque,
                  GDestroyNotify free_opaque);
/* Data (len > 0), the end of data, an error (NULL: the thread's).  The
 * first end or error wins; later pushes are dropped.  Dropped too once
 * the consumer closed. */
void stream_push_data(vireo_stream *st, const char *data, size_t len);
void stream_push_eof(vireo_stream *st);
/* A hole of length bytes (a run of zeros the consumer may keep sparse). */
void stream_push_hole(vireo_stream *st, long long length);
/* Flow control for producers of bulk data (volume download).  Such a
 * producer runs on a thread of its own (never vireod's main loop: that
 * is what drains a wire stream's backlog) and loops
 *
 *     while (more) {
 *         if (!stream_push_wait(st))
 *             break;                  (the reader is gone: stop, no eof)
 *         read a chunk (256 KiB);
 *         stream_push_data(st, ...) or, for a run of zeros when the call
 *         asked for a sparse stream, stream_push_hole(st, length);
 *     }
 *     stream_push_eof(st);            (or stream_push_error)
 *
 * then waits for its close op.  Holes count nothing against the backlog.
 * stream_push_wait waits while the consumer holds more than
 * STREAM_BACKLOG_MAX bytes it has not taken (a buffer consumer: not
 * yet received; a callback consumer: not yet reported with
 * stream_consumed).  false when the consumer closed or went away (its
 * alive op, asked each second): stop producing. */
#define STREAM_BACKLOG_MAX (4u << 20)
bool stream_push_wait(vireo_stream *st);
/* A callback consumer took len bytes of pushed data off its hands (the
 * daemon: written to the client's socket). */
void stream_consumed(vireo_stream *st, size_t len);
void stream_push_error(vireo_stream *st, const vireo_error *err);
/* Whether the consumer still reads: not closed, and its alive op says
 * so.  A producer that keeps one stream per resource uses it to take
 * back the resource from a consumer that went away. */
bool stream_consumer_alive(vireo_stream *st);

/* --- consumer side --- */
/* Send bytes to the producer (all of them).  0, or -1 with the error
 * set (no producer, closed, the producer's failure). */
int stream_write(vireo_stream *st, const char *data, size_t len);
/* Send a hole of length bytes to the producer (its hole op). */
int stream_write_hole(vireo_stream *st, long long length);
/* End the stream: the producer's close op, then it is let go.  finish
 * fails when the producer had reported an error (that error); abort
 * succeeds on any stream that was not closed yet. */
int stream_finish(vireo_stream *st);
int stream_abort(vireo_stream *st);
/* Buffer consumer: up to len bytes, waiting at most timeout_ms (-1: no
 * limit; 0, or a NONBLOCK stream: not at all).  The count, 0 at the end
 * of data, -2 when nothing came in time, -1 with the error set. */
int stream_recv(vireo_stream *st, char *buf, size_t len, int timeout_ms);
/* The same with flags: VIREO_STREAM_RECV_STOP_AT_HOLE stops before a
 * hole, and returns STREAM_RECV_HOLE when one comes first (without it a
 * hole reads as zeros).  A read takes data until the next hole at most. */
#define STREAM_RECV_HOLE (-3)
int stream_recv_flags(vireo_stream *st, char *buf, size_t len, int timeout_ms,
                      unsigned int flags);
/* Buffer consumer: take the hole at the head of the stream, *length its
 * bytes (0 when data or nothing comes first).  0, or -1 with the error. */
int stream_recv_hole(vireo_stream *st, long long *length);

#endif
