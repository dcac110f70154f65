/*
 * dispatch_auth.c: the authentication procedures (AUTH_LIST,
 * AUTH_SASL_INIT, AUTH_SASL_START, AUTH_SASL_STEP), run before the
 * client is known; worker.c lets only these through until then.
 *
 * The exchange, as libvirtd runs it: INIT makes the client's SASL
 * session and lists the mechanisms; START and STEP pass Cyrus' data
 * until it completes.  Completion checks the security layer's strength
 * on a channel that is not secure and sasl_allowed_username_list, then
 * marks the client authenticated.  Any failure drops the session and
 * answers AUTH_FAILED "authentication failed" without detail (the
 * detail is logged and audited): the client may start over with INIT,
 * or hang up, as virsh does.
 */
#include <fnmatch.h>
#include <string.h>
#include <sys/socket.h>
#include <netdb.h>

#include "daemon/audit.h"
#include "daemon/daemon_priv.h"
#include "daemon/dispatch.h"
#include "rpc/dispatch_gen.h"
#include "rpc/sasl.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.auth"

/* libvirt's minimum security layer where the channel is not secure. */
#define AUTH_MIN_SSF 56

/* One exchange step at a time per daemon: Cyrus' calls are short (a
 * sasldb lookup), and this keeps a client's concurrent AUTH_* calls from
 * racing on its session.  c->sasl itself changes under c->lock too,
 * because client.c reads it from the main thread. */
static GMutex auth_lock;

int dispatch_auth_list(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                       void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_auth_list_ret *ret = ret_;

    ret->types.types_len = 1;
    ret->types.types_val = g_new0(remote_auth_type, 1);
    ret->types.types_val[0] = client->auth == LISTEN_AUTH_SASL ? REMOTE_AUTH_SASL
                                                                : REMOTE_AUTH_NONE;
    return 0;
}

/* "IP;PORT" of the socket's own end (Cyrus' iplocalport), NULL when
 * not TCP. */
static char *auth_local_address(daemon_client *c)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (c->via == LISTEN_UNIX || c->fd < 0 ||
        getsockname(c->fd, (struct sockaddr *)&ss, &len) < 0 ||
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port, sizeof(port),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return NULL;
    return g_strdup_printf("%s;%s", host, port);
}

/* Log, audit and answer a refused exchange; the session goes.  Called
 * with auth_lock held. */
static int auth_refuse(daemon_client *c, const char *why)
{
    g_autofree char *who = daemon_identity_describe(&c->ident);
    sasl_session *old;

    log_warn("client %d (%s): SASL authentication failed: %s", c->id, who, why);
    audit_auth_failure(c->srv->audit, &c->ident, "sasl", why);
    g_mutex_lock(&c->lock);
    old = g_steal_pointer(&c->sasl);
    g_mutex_unlock(&c->lock);
    sasl_session_free(old);
    error_reset();
    /* no detail for the client: it would tell users from passwords */
    error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED, "authentication failed");
    return -1;
}

/* The thread's error as the reason to log. */
static int auth_refuse_error(daemon_client *c)
{
    const vireo_error *err = error_last();
    g_autofree char *why = g_strdup(err && err->message ? err->message : "unknown error");

    return auth_refuse(c, why);
}

/* Whether c may start or continue an exchange; refuses when not. */
static bool auth_check_state(daemon_client *c, bool need_session)
{
    bool authenticated = daemon_client_authenticated(c);

    if (c->auth != LISTEN_AUTH_SASL || authenticated || (need_session && !c->sasl) ||
        (!need_session && c->sasl)) {
        auth_refuse(c, "client tried an invalid SASL request");
        return false;
    }
    return true;
}

static bool auth_username_allowed(daemon_client *c, const char *user)
{
    char **list = c->srv->cfg->sasl_allowed_username_list;

    if (!list)
        return true;
    for (char **p = list; *p; p++) {
        if (fnmatch(*p, user, 0) == 0)
            return true;
    }
    return false;
}

/* The exchange completed: check it, then the client is known.  Called
 * with auth_lock held; 0 or -1 refused. */
static int auth_finish(daemon_client *c)
{
    const char *user = sasl_session_username(c->sasl);
    int ssf = sasl_session_ssf(c->sasl);
    g_autofree char *who = NULL;

    if (c->via == LISTEN_TCP && ssf < AUTH_MIN_SSF) {
        g_autofree char *why = g_strdup_printf("negotiation SSF %d was not strong enough", ssf);

        return auth_refuse(c, why);
    }
    if (!user) {
        return auth_refuse(c, "no SASL user name after the exchange");
    }
    if (!auth_username_allowed(c, user)) {
        g_autofree char *why = g_strdup_printf(
            "SASL user '%s' is not in sasl_allowed_username_list", user);

        return auth_refuse(c, why);
    }
    g_mutex_lock(&c->lock);
    g_free(c->ident.sasl_user);
    c->ident.sasl_user = g_strdup(user);
    /* the reply completing SASL is not queued yet: client.c puts the
     * layer on once the queue (and so that reply) has gone out */
    if (ssf > 0 && c->via != LISTEN_TLS)
        c->sasl_layer_pending = true;
    c->authenticated = true;
    g_mutex_unlock(&c->lock);
    who = daemon_identity_describe(&c->ident);
    log_info("client %d (%s): authenticated with SASL (SSF %d)", c->id, who, ssf);
    return 0;
}

/* Copy Cyrus' output into a reply's data. */
static void auth_put_data(const char *out, size_t outlen, int *nil, u_int *len, char **val)
{
    *nil = out == NULL;
    *len = out ? (u_int)outlen : 0;
    *val = out && outlen ? g_memdup2(out, outlen) : NULL;
}

int dispatch_auth_sasl_init(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                            void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_auth_sasl_init_ret *ret = ret_;
    g_autofree char *local = NULL;
    sasl_session *s;
    int ext_ssf = 0;
    char *mechs;
    int rc = -1;

    g_mutex_lock(&auth_lock);
    if (!auth_check_state(client, false))
        goto out;
    if (client->via == LISTEN_TLS && client->tls)
        ext_ssf = tls_session_key_size(client->tls) * 8;
    local = auth_local_address(client);
    s = sasl_session_new_server(local, client->ident.address, ext_ssf,
                                client->via != LISTEN_TCP);
    if (!s) {
        auth_refuse_error(client);
        goto out;
    }
    g_mutex_lock(&client->lock);
    client->sasl = s;
    g_mutex_unlock(&client->lock);
    mechs = sasl_session_list_mechs(s);
    if (!mechs) {
        auth_refuse_error(client);
        goto out;
    }
    ret->mechlist = mechs;
    rc = 0;
out:
    g_mutex_unlock(&auth_lock);
    return rc;
}

/* After START or STEP returned rc with out: fill the reply or refuse. */
static int auth_step_done(daemon_client *c, int rc, const char *out, size_t outlen,
                          int *complete, int *nil, u_int *len, char **val)
{
    if (rc < 0)
        return auth_refuse_error(c);
    if (outlen > REMOTE_AUTH_SASL_DATA_MAX) {
        g_autofree char *why = g_strdup_printf("SASL reply data too long: %zu bytes", outlen);

        return auth_refuse(c, why);
    }
    if (rc == 1 && auth_finish(c) < 0)
        return -1;
    *complete = rc == 1;
    auth_put_data(out, outlen, nil, len, val);
    return 0;
}

int dispatch_auth_sasl_start(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                             void *args_, void *ret_)
{
    remote_auth_sasl_start_args *args = args_;
    remote_auth_sasl_start_ret *ret = ret_;
    const char *out = NULL;
    size_t outlen = 0;
    int rc = -1;

    g_mutex_lock(&auth_lock);
    if (auth_check_state(client, true)) {
        rc = sasl_session_server_start(client->sasl, args->mech,
                                       args->nil ? NULL : args->data.data_val,
                                       args->nil ? 0 : args->data.data_len, &out, &outlen);
        rc = auth_step_done(client, rc, out, outlen, &ret->complete, &ret->nil,
                            &ret->data.data_len, &ret->data.data_val);
    }
    g_mutex_unlock(&auth_lock);
    return rc;
}

int dispatch_auth_sasl_step(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                            void *args_, void *ret_)
{
    remote_auth_sasl_step_args *args = args_;
    remote_auth_sasl_step_ret *ret = ret_;
    const char *out = NULL;
    size_t outlen = 0;
    int rc = -1;

    g_mutex_lock(&auth_lock);
    if (auth_check_state(client, true)) {
        rc = sasl_session_server_step(client->sasl, args->nil ? NULL : args->data.data_val,
                                      args->nil ? 0 : args->data.data_len, &out, &outlen);
        rc = auth_step_done(client, rc, out, outlen, &ret->complete, &ret->nil,
                            &ret->data.data_len, &ret->data.data_val);
    }
    g_mutex_unlock(&auth_lock);
    return rc;
}
