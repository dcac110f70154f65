/*
 * remote_driver.c: the remote driver's connection: which URIs it claims,
 * the open prologue and close epilogue virsh sends, remote_call() for the
 * procedure stubs, and the driver struct itself.
 *
 * The driver is offered a URI after every in-process driver declined
 * it, so it takes them all, as libvirt's client does: a URI with a
 * transport (test+unix:///default?socket=...) and any other one
 * (qemu:///system with no qemu driver in process).  Transports: unix,
 * tls (the default when a host is named), tcp and ssh.
 */
#include <string.h>
#include <unistd.h>

#include "remote/remote_auth.h"
#include "remote/remote_conn.h"
#include "remote/remote_priv.h"
#include "remote/remote_socket.h"
#include "remote/remote_tls.h"
#include "rpc/sasl.h"
#include "rpc/transport.h"
#include "util/error.h"

/* libvirt's VIR_CONNECT_RO */
#define REMOTE_CONNECT_RO 1
/* what virsh asks for: a PING after 5 s idle, dead after 6 unanswered */
#define REMOTE_KEEPALIVE_INTERVAL_MS 5000
#define REMOTE_KEEPALIVE_COUNT 6

/* libvirt's VIR_ERR_AUTH_FAILED (not in the public header yet) */
#define REMOTE_ERR_AUTH_FAILED 45

/* URI parameters that choose the transport: not sent to the daemon */
static const char *const remote_transport_params[] = {
    "socket", "name", "mode", "proxy", "command", "netcat", "keyfile", "no_verify",
    "no_tty", "pkipath", "known_hosts", "known_hosts_verify", "sshauth", "tls_priority",
    "auth", "authfile",
};

/* ---- the wire ---- */

/* An ERROR reply: its remote_error becomes the thread's error. */
static int remote_call_error(remote_conn *rc, const GByteArray *reply)
{
    remote_error err = { 0 };

    if (rpc_packet_decode(reply->data, reply->len, (xdrproc_t)xdr_remote_error, &err) < 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "Unable to unmarshal the error of a reply");
        remote_client_fail(rc->client);
        return -1;
    }
    error_set_full(err.domain, err.code, err.level, err.message ? *err.message : NULL,
                   err.str1 ? *err.str1 : NULL, err.str2 ? *err.str2 : NULL,
                   err.str3 ? *err.str3 : NULL, err.int1, err.int2);
    xdr_free((xdrproc_t)xdr_remote_error, (char *)&err);
    return -1;
}

int remote_call(vireo_conn *conn, int proc, xdrproc_t args_filter, void *args,
                xdrproc_t ret_filter, void *ret)
{
    return remote_call_fds(conn, RPC_REMOTE_PROGRAM, proc, args_filter, args, ret_filter, ret,
                           NULL);
}

/* An XDR filter for the descriptor count ahead of a REPLY_WITH_FDS body
 * (its value is checked by the reader, rpc_packet_nfds). */
typedef struct remote_fds_reply {
    xdrproc_t ret_filter;
    void *ret;
} remote_fds_reply;

static bool_t remote_xdr_fds_reply(XDR *xdrs, remote_fds_reply *r)
{
    u_int nfds;

    return xdr_u_int(xdrs, &nfds) && r->ret_filter(xdrs, r->ret, 0);
}

int remote_call_fds(vireo_conn *conn, uint32_t prog, int proc, xdrproc_t args_filter, void *args,
                    xdrproc_t ret_filter, void *ret, GArray **fds)
{
    remote_conn *rc = conn->priv;
    rpc_header hdr = { .prog = prog, .vers = RPC_PROTOCOL_VERSION, .proc = proc };
    rpc_header reply_hdr;
    g_autoptr(GByteArray) pkt = NULL;
    g_autoptr(GByteArray) reply = NULL;
    g_autoptr(GArray) got = NULL;
    remote_fds_reply with_fds = { ret_filter, ret };
    int rv;

    if (!rc) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_INTERNAL_ERROR, "client socket is closed");
        return -1;
    }
    pkt = rpc_packet_new(&hdr);
    if (rpc_packet_encode(pkt, args_filter, args) < 0)
        return -1;
    rv = fds ? remote_client_call_fds(rc->client, &hdr, pkt, &reply_hdr, &reply, &got)
             : remote_client_call(rc->client, &hdr, pkt, &reply_hdr, &reply);
    if (rv < 0)
        return -1;
    if (reply_hdr.status == RPC_ERROR)
        rv = remote_call_error(rc, reply);
    else if (reply_hdr.status != RPC_OK || reply_hdr.prog != prog || reply_hdr.proc != proc ||
             (reply_hdr.type == RPC_REPLY_WITH_FDS && !fds)) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                     "unexpected reply (program %#x, procedure %d, status %d) to procedure %d",
                     reply_hdr.prog, reply_hdr.proc, reply_hdr.status, proc);
        remote_client_fail(rc->client);
        rv = -1;
    } else if (reply_hdr.type == RPC_REPLY_WITH_FDS) {
        ret_filter = (xdrproc_t)remote_xdr_fds_reply;
        ret = &with_fds;
    }
    if (rv == 0 && rpc_packet_decode(reply->data, reply->len, ret_filter, ret) < 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                     "Unable to unmarshal the reply to procedure %d", proc);
        remote_client_fail(rc->client);
        rv = -1;
    }
    if (rv < 0) {
        for (guint i = 0; got && i < got->len; i++)
            close(g_array_index(got, int, i));
        return -1;
    }
    if (fds)
        *fds = g_steal_pointer(&got);
    return 0;
}

vireo_domain *remote_domain_from_wire(vireo_conn *conn, const remote_nonnull_domain *d)
{
    return domain_handle_new(conn, d->name, (const unsigned char *)d->uuid, d->id);
}

void remote_domain_to_wire(vireo_domain *dom, remote_nonnull_domain *d)
{
    d->name = dom->name;
    memcpy(d->uuid, dom->uuid, VIREO_UUID_BUFLEN);
    d->id = dom->id;
}

/* The I/O thread received a MESSAGE (an event). */
static void remote_on_event(void *opaque, const rpc_header *hdr, const uint8_t *pkt, size_t len)
{
    vireo_conn *conn = opaque;

    if (hdr->prog != RPC_REMOTE_PROGRAM)
        return;
    if (remote_event_dispatch(conn, hdr, pkt, len) < 0)
        g_debug("remote: event message %d dropped", hdr->proc);
    error_reset(); /* the I/O thread's own error matters to nobody */
}

/* ---- open ---- */

/* The transport a URI names: its +transport, else TLS when it names a
 * host (libvirt's default), else the unix socket.  NULL with libvirt's
 * error when it is none we know. */
static const char *remote_transport_of(const vireo_uri *uri)
{
    static const char *const known[] = { "unix", "tls", "tcp", "ssh", "libssh", "libssh2",
                                         "ext" };
    const char *transport = uri->transport;

    if (!transport)
        return uri->host && *uri->host ? "tls" : "unix";
    for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
        if (strcmp(transport, known[i]) == 0)
            return known[i];
    error_report(VIREO_FROM_REMOTE, VIREO_ERR_INVALID_ARG,
                 "remote_open: transport in URL not recognised "
                 "(should be tls|unix|ssh|ext|tcp|libssh2|libssh)");
    return NULL;
}

/* Connect by uri's transport: the connection's bytes, NULL with the
 * error set. */
static rpc_transport *remote_dial(const vireo_uri *uri, unsigned int flags)
{
    const char *transport = remote_transport_of(uri);
    g_autofree char *path = NULL;
    pid_t child = 0;
    rpc_transport *t;
    int fd;

    if (!transport)
        return NULL;
    if (strcmp(transport, "unix") == 0) {
        path = remote_socket_path(uri, flags & REMOTE_CONNECT_RO);
        fd = remote_socket_connect(path);
        return fd < 0 ? NULL : rpc_transport_new(fd);
    }
    if (strcmp(transport, "tcp") == 0) {
        fd = remote_tcp_connect(uri, "16509");
        return fd < 0 ? NULL : rpc_transport_new(fd);
    }
    if (strcmp(transport, "tls") == 0) {
        fd = remote_tcp_connect(uri, "16514");
        return fd < 0 ? NULL : remote_tls_open(uri, fd);
    }
    if (strcmp(transport, "ssh") == 0) {
        fd = remote_ssh_open(uri, flags & REMOTE_CONNECT_RO, &child);
        if (fd < 0)
            return NULL;
        t = rpc_transport_new(fd);
        rpc_transport_set_child(t, child);
        return t;
    }
    error_report(VIREO_FROM_REMOTE, VIREO_ERR_NO_SUPPORT,
                 "transport '%s' of URI '%s' is not supported", transport, uri->text);
    return NULL;
}

static bool remote_is_transport_param(const char *key)
{
    for (size_t i = 0; i < G_N_ELEMENTS(remote_transport_params); i++)
        if (strcmp(key, remote_transport_params[i]) == 0)
            return true;
    return false;
}

/* The URI the daemon opens: ?name= when given, else the caller's without
 * the transport, the host and the transport's parameters
 * ("test+unix:///default?socket=/x" -> "test:///default"). */
char *remote_daemon_uri(const vireo_uri *uri)
{
    const char *name = uri->params ? g_hash_table_lookup(uri->params, "name") : NULL;
    g_autoptr(GString) out = NULL;
    g_autoptr(GList) keys = NULL;
    char sep = '?';

    if (name)
        return g_strdup(name);
    out = g_string_new(uri->driver);
    g_string_append_printf(out, "://%s", uri->path ? uri->path : "/");
    keys = uri->params ? g_hash_table_get_keys(uri->params) : NULL;
    keys = g_list_sort(keys, (GCompareFunc)strcmp);
    for (GList *k = keys; k; k = k->next) {
        g_autofree char *value = NULL;

        if (remote_is_transport_param(k->data))
            continue;
        value = g_uri_escape_string(g_hash_table_lookup(uri->params, k->data), "/:", FALSE);
        g_string_append_printf(out, "%c%s=%s", sep, (const char *)k->data, value);
        sep = '&';
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* AUTH_LIST, then the first type the server lists, as libvirt's client
 * (?auth=sasl[.MECH] picks SASL when the server offers it). */
static int remote_authenticate(vireo_conn *conn, const vireo_uri *uri)
{
    static const char *const names[] = { "none", "sasl", "polkit" };
    remote_conn *rc = conn->priv;
    const char *want = uri->params ? g_hash_table_lookup(uri->params, "auth") : NULL;
    const char *transport = remote_transport_of(uri);
    g_autofree int *types = NULL;
    g_autofree char *message = NULL;
    size_t ntypes = 0;
    int type;

    if (!transport || remote_proc_auth_list(conn, &types, &ntypes) < 0)
        return -1;
    type = ntypes == 0 ? REMOTE_AUTH_NONE : types[0];
    for (size_t i = 0; want && g_str_has_prefix(want, "sasl") && i < ntypes; i++) {
        if (types[i] == REMOTE_AUTH_SASL)
            type = REMOTE_AUTH_SASL;
    }
    if (type == REMOTE_AUTH_NONE)
        return 0;
    if (type == REMOTE_AUTH_SASL)
        return remote_sasl_authenticate(conn, uri, transport, &rc->sasl);
    message = g_strdup_printf(
        "authentication failed: unsupported authentication type %s (%d)",
        type >= 0 && type < (int)G_N_ELEMENTS(names) ? names[type] : "unknown", type);
    error_set_full(VIREO_FROM_REMOTE, REMOTE_ERR_AUTH_FAILED, VIREO_ERR_LEVEL_ERROR, message,
                   NULL, NULL, NULL, 0, 0);
    return -1;
}

/* What virsh sends before any call: AUTH_LIST, the keepalive probe,
 * CONNECT_OPEN, the event callback probe. */
static int remote_open_prologue(vireo_conn *conn, const vireo_uri *uri, unsigned int flags)
{
    remote_conn *rc = conn->priv;
    g_autofree char *name = remote_daemon_uri(uri);
    int keepalive;

    if (remote_authenticate(conn, uri) < 0)
        return -1;
    keepalive = remote_proc_connect_supports_feature(conn, REMOTE_FEATURE_PROGRAM_KEEPALIVE);
    if (keepalive < 0 && !remote_client_is_alive(rc->client))
        return -1;
    error_reset(); /* an old daemon that does not know the probe: no keepalive */
    if (keepalive == 1)
        remote_client_keepalive_start(rc->client, REMOTE_KEEPALIVE_INTERVAL_MS,
                                      REMOTE_KEEPALIVE_COUNT);
    if (remote_proc_connect_open(conn, name, flags & REMOTE_CONNECT_RO) < 0)
        return -1;
    if (remote_proc_connect_supports_feature(conn, REMOTE_FEATURE_REMOTE_EVENT_CALLBACK) < 0)
        return -1;
    return 0;
}

static void remote_conn_free(remote_conn *rc)
{
    if (!rc)
        return;
    remote_client_free(rc->client);
    sasl_session_free(rc->sasl);    /* after the client, whose transport borrowed it */
    g_ptr_array_unref(rc->event_regs);
    g_hash_table_unref(rc->events);
    g_mutex_clear(&rc->lock);
    g_free(rc);
}

driver_open_result remote_driver_open(vireo_conn *conn, const vireo_uri *uri, unsigned int flags)
{
    rpc_transport *t = remote_dial(uri, flags);
    remote_conn *rc;

    if (!t)
        return DRIVER_OPEN_ERROR;
    rc = g_new0(remote_conn, 1);
    g_mutex_init(&rc->lock);
    rc->event_regs = g_ptr_array_new_with_free_func(g_free);
    rc->events = g_hash_table_new(NULL, NULL);
    conn->priv = rc; /* before the I/O thread starts: it reads conn->priv */
    rc->client = remote_client_new_transport(t, remote_on_event, conn);
    if (remote_open_prologue(conn, uri, flags) < 0) {
        g_autoptr(vireo_error) saved = NULL;

        if (uri->transport && strcmp(uri->transport, "ssh") == 0)
            remote_ssh_explain_failure(); /* ssh's own words: the key was refused ... */
        saved = error_save();

        remote_conn_free(rc); /* joins the I/O thread, which may read conn->priv */
        conn->priv = NULL;
        error_restore(g_steal_pointer(&saved));
        return DRIVER_OPEN_ERROR;
    }
    return DRIVER_OPEN_SUCCESS;
}

/* ---- the rest of the connection ---- */

int remote_driver_close(vireo_conn *conn)
{
    remote_conn *rc = conn->priv;
    g_autoptr(vireo_error) saved = error_save();

    if (!rc)
        return 0;
    remote_events_forget(conn);
    if (remote_client_is_alive(rc->client))
        remote_proc_connect_close(conn); /* the daemon drops our state even if this fails */
    remote_conn_free(rc); /* joins the I/O thread, which may read conn->priv */
    conn->priv = NULL;
    error_reset();
    error_restore(g_steal_pointer(&saved));
    return 0;
}

int remote_driver_is_alive(vireo_conn *conn)
{
    remote_conn *rc = conn->priv;

    return rc && remote_client_is_alive(rc->client) ? 1 : 0;
}

const driver remote_driver = {
    .name = "remote",
    .conn = &remote_conn_driver,
    .domain = &remote_domain_driver,
    .storage = &remote_storage_driver,
    .secret = &remote_secret_driver,
    .network = &remote_network_driver,
    .nwfilter = &remote_nwfilter_driver,
    .iface = &remote_interface_driver,
};
