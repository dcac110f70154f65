/*
 * libvireo-stream.c: the public API for streams and consoles.  The
 * stream object itself is drivers/stream.c; a call such as
 * vireo_domain_open_console hands it to the driver, which attaches as
 * its producer.
 */
#include "libvireo-priv.h"
#include "drivers/handles.h"
#include "drivers/stream.h"

/* st is a stream handle; reports VIREO_ERR_INVALID_ARG naming func. */
static bool api_stream_ok(vireo_stream *st, const char *func)
{
    error_reset();
    if (!st)
        api_invalid_arg(func, "stream");
    return st != NULL;
}

vireo_stream *vireo_stream_new(vireo_conn *conn, unsigned int flags)
{
    error_reset();
    if (!api_conn_ok(conn, __func__))
        return NULL;
    if (flags & ~(unsigned int)VIREO_STREAM_NONBLOCK) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "%s: unsupported flags (0x%x)", __func__,
                     flags & ~(unsigned int)VIREO_STREAM_NONBLOCK);
        return NULL;
    }
    return stream_new(conn, flags);
}

int vireo_stream_send(vireo_stream *st, const char *data, size_t nbytes)
{
    if (!api_stream_ok(st, __func__))
        return -1;
    if (!data && nbytes) {
        api_invalid_arg(__func__, "data");
        return -1;
    }
    if (nbytes > G_MAXINT)
        nbytes = G_MAXINT;
    if (stream_write(st, data, nbytes) < 0)
        return -1;
    return (int)nbytes;
}

int vireo_stream_recv(vireo_stream *st, char *data, size_t nbytes)
{
    return vireo_stream_recv_timeout(st, data, nbytes, -1);
}

int vireo_stream_recv_timeout(vireo_stream *st, char *data, size_t nbytes, int timeout_ms)
{
    if (!api_stream_ok(st, __func__))
        return -1;
    if (!data && nbytes) {
        api_invalid_arg(__func__, "data");
        return -1;
    }
    return stream_recv(st, data, nbytes, timeout_ms);
}

int vireo_stream_recv_flags(vireo_stream *st, char *data, size_t nbytes, unsigned int flags)
{
    if (!api_stream_ok(st, __func__))
        return -1;
    if (!data && nbytes) {
        api_invalid_arg(__func__, "data");
        return -1;
    }
    if (flags & ~(unsigned int)VIREO_STREAM_RECV_STOP_AT_HOLE) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG, "%s: unsupported flags (0x%x)",
                     __func__, flags & ~(unsigned int)VIREO_STREAM_RECV_STOP_AT_HOLE);
        return -1;
    }
    return stream_recv_flags(st, data, nbytes, -1, flags);
}

int vireo_stream_send_hole(vireo_stream *st, long long length, unsigned int flags)
{
    if (!api_stream_ok(st, __func__))
        return -1;
    if (flags) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG, "%s: unsupported flags (0x%x)",
                     __func__, flags);
        return -1;
    }
    if (length < 0) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "%s: a hole of %lld bytes: the length must not be negative", __func__,
                     length);
        return -1;
    }
    return stream_write_hole(st, length);
}

int vireo_stream_recv_hole(vireo_stream *st, long long *length, unsigned int flags)
{
    if (!api_stream_ok(st, __func__))
        return -1;
    if (!length) {
        api_invalid_arg(__func__, "length");
        return -1;
    }
    if (flags) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG, "%s: unsupported flags (0x%x)",
                     __func__, flags);
        return -1;
    }
    return stream_recv_hole(st, length);
}

int vireo_stream_finish(vireo_stream *st)
{
    if (!api_stream_ok(st, __func__))
        return -1;
    return stream_finish(st);
}

int vireo_stream_abort(vireo_stream *st)
{
    if (!api_stream_ok(st, __func__))
        return -1;
    return stream_abort(st);
}

int vireo_stream_free(vireo_stream *st)
{
    if (!api_stream_ok(st, __func__))
        return -1;
    /* a stream freed while open is aborted, so the producer lets go of
     * what it holds (a console) at once */
    if (stream_consumer_alive(st)) {
        vireo_error *saved = error_save();

        stream_abort(st);
        error_restore(saved);
    }
    stream_unref(st);
    return 0;
}

int vireo_domain_open_console(vireo_domain *dom, const char *dev_name, vireo_stream *st,
                              unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, open_console, true, -1);
    if (!st) {
        api_invalid_arg(__func__, "stream");
        return -1;
    }
    if (stream_conn(st) != dom->conn) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "%s: the stream belongs to another connection", __func__);
        return -1;
    }
    return dom->conn->driver->domain->open_console(dom, dev_name, st, flags);
}
