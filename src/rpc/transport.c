/*
 * transport.c: the layers of one connection's bytes (see transport.h).
 *
 * The SASL layer frames: one encode of up to sasl_session_max_encode()
 * plain bytes makes one frame on the wire, and one frame must be sent
 * whole before the next is encoded.  So a send encodes a chunk once,
 * keeps the frame, and reports the chunk taken only when the whole frame
 * is out; a send that hits EAGAIN halfway is repeated by the caller with
 * the same bytes (as GnuTLS wants too) and goes on with the kept frame.
 * Reading decodes whole frames and keeps what the caller did not take.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rpc/transport.h"

/* How much raw data one SASL read takes from the socket at most. */
#define TRANSPORT_SASL_READ (64 * 1024)

struct rpc_transport {
    int fd;                     /* owned */
    pid_t child;                /* owned, 0: none */
    tls_session *tls;           /* owned, NULL: none */
    sasl_session *sasl;         /* borrowed, NULL: none */
    GIOCondition wants;         /* the direction of the last EAGAIN */
    char *error;                /* owned: the last EPROTO in words */

    GByteArray *sasl_in;        /* decoded bytes not taken yet */
    size_t sasl_in_off;
    GByteArray *sasl_out;       /* one encoded frame being sent */
    size_t sasl_out_off;
    size_t sasl_out_plain;      /* the plain bytes that frame carries */
};

rpc_transport *rpc_transport_new(int fd)
{
    rpc_transport *t = g_new0(rpc_transport, 1);

    t->fd = fd;
    t->wants = G_IO_IN;
    return t;
}

void rpc_transport_free(rpc_transport *t)
{
    if (!t)
        return;
    tls_session_free(t->tls);
    if (t->fd >= 0)
        close(t->fd);
    if (t->child > 0) {
        /* the ssh child sees its end of file too; SIGTERM for one that
         * would not notice */
        kill(t->child, SIGTERM);
        while (waitpid(t->child, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (t->sasl_in)
        g_byte_array_unref(t->sasl_in);
    if (t->sasl_out)
        g_byte_array_unref(t->sasl_out);
    g_free(t->error);
    g_free(t);
}

int rpc_transport_fd(const rpc_transport *t)
{
    return t->fd;
}

void rpc_transport_set_child(rpc_transport *t, pid_t pid)
{
    t->child = pid;
}

void rpc_transport_set_tls(rpc_transport *t, tls_session *sess)
{
    tls_session_free(t->tls);
    t->tls = sess;
}

tls_session *rpc_transport_tls(const rpc_transport *t)
{
    return t->tls;
}

void rpc_transport_set_sasl(rpc_transport *t, sasl_session *sess)
{
    t->sasl = sess;
    if (!t->sasl_in)
        t->sasl_in = g_byte_array_new();
}

static void transport_set_error(rpc_transport *t, const char *msg)
{
    g_free(t->error);
    t->error = g_strdup(msg ? msg : "unknown failure");
}

/* The socket, or TLS over it. */
static ssize_t transport_raw_recv(rpc_transport *t, void *buf, size_t len)
{
    ssize_t n;

    if (t->tls) {
        n = tls_session_recv(t->tls, buf, len);
        if (n < 0 && errno == EAGAIN)
            t->wants = tls_session_wants_write(t->tls) ? G_IO_OUT : G_IO_IN;
        else if (n < 0 && errno == EPROTO)
            transport_set_error(t, tls_session_error(t->tls));
        return n;
    }
    do
        n = recv(t->fd, buf, len, MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EWOULDBLOCK)
        errno = EAGAIN;
    if (n < 0 && errno == EAGAIN)
        t->wants = G_IO_IN;
    return n;
}

static ssize_t transport_raw_send(rpc_transport *t, const void *buf, size_t len)
{
    ssize_t n;

    if (t->tls) {
        n = tls_session_send(t->tls, buf, len);
        if (n < 0 && errno == EAGAIN)
            t->wants = tls_session_wants_write(t->tls) ? G_IO_OUT : G_IO_IN;
        else if (n < 0 && errno == EPROTO)
            transport_set_error(t, tls_session_error(t->tls));
        return n;
    }
    do
        n = send(t->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EWOULDBLOCK)
        errno = EAGAIN;
    if (n < 0 && errno == EAGAIN)
        t->wants = G_IO_OUT;
    return n;
}

/* Hand out decoded bytes kept from an earlier read. */
static size_t transport_sasl_take(rpc_transport *t, void *buf, size_t len)
{
    size_t n = MIN(len, t->sasl_in->len - t->sasl_in_off);

    memcpy(buf, t->sasl_in->data + t->sasl_in_off, n);
    t->sasl_in_off += n;
    if (t->sasl_in_off == t->sasl_in->len) {
        g_byte_array_set_size(t->sasl_in, 0);
        t->sasl_in_off = 0;
    }
    return n;
}

static ssize_t transport_sasl_recv(rpc_transport *t, void *buf, size_t len)
{
    g_autofree char *raw = NULL;

    if (t->sasl_in->len > t->sasl_in_off)
        return transport_sasl_take(t, buf, len);
    raw = g_malloc(TRANSPORT_SASL_READ);
    for (;;) {
        const char *out = NULL, *err = NULL;
        size_t outlen = 0;
        ssize_t n = transport_raw_recv(t, raw, TRANSPORT_SASL_READ);

        if (n <= 0)
            return n;
        if (sasl_session_decode(t->sasl, raw, n, &out, &outlen, &err) < 0) {
            g_autofree char *msg = g_strdup_printf("SASL decode failed: %s",
                                                   err ? err : "unknown failure");

            transport_set_error(t, msg);
            errno = EPROTO;
            return -1;
        }
        if (outlen == 0)
            continue;   /* part of a frame: read on */
        g_byte_array_append(t->sasl_in, (const guint8 *)out, outlen);
        return transport_sasl_take(t, buf, len);
    }
}

static ssize_t transport_sasl_send(rpc_transport *t, const void *buf, size_t len)
{
    if (!t->sasl_out) {
        size_t chunk = MIN(len, sasl_session_max_encode(t->sasl));
        const char *out = NULL, *err = NULL;
        size_t outlen = 0;

        if (chunk == 0)
            chunk = len;
        if (sasl_session_encode(t->sasl, buf, chunk, &out, &outlen, &err) < 0) {
            g_autofree char *msg = g_strdup_printf("SASL encode failed: %s",
                                                   err ? err : "unknown failure");

            transport_set_error(t, msg);
            errno = EPROTO;
            return -1;
        }
        t->sasl_out = g_byte_array_sized_new(outlen);
        g_byte_array_append(t->sasl_out, (const guint8 *)out, outlen);
        t->sasl_out_off = 0;
        t->sasl_out_plain = chunk;
    }
    while (t->sasl_out_off < t->sasl_out->len) {
        ssize_t n = transport_raw_send(t, t->sasl_out->data + t->sasl_out_off,
                                       t->sasl_out->len - t->sasl_out_off);

        if (n < 0)
            return -1;
        t->sasl_out_off += n;
    }
    size_t plain = t->sasl_out_plain;

    g_clear_pointer(&t->sasl_out, g_byte_array_unref);
    return (ssize_t)plain;
}

ssize_t rpc_transport_recv(rpc_transport *t, void *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (t->sasl)
        return transport_sasl_recv(t, buf, len);
    return transport_raw_recv(t, buf, len);
}

ssize_t rpc_transport_send(rpc_transport *t, const void *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (t->sasl)
        return transport_sasl_send(t, buf, len);
    return transport_raw_send(t, buf, len);
}

bool rpc_transport_pending(const rpc_transport *t)
{
    if (t->sasl && t->sasl_in && t->sasl_in->len > t->sasl_in_off)
        return true;
    return t->tls && tls_session_pending(t->tls) > 0;
}

GIOCondition rpc_transport_wants(const rpc_transport *t)
{
    return t->wants;
}

const char *rpc_transport_error(const rpc_transport *t)
{
    return t->error;
}
