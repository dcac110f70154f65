/*
 * remote_sasl.c: the client's SASL exchange, as libvirt's client runs it:
 * AUTH_SASL_INIT for the server's mechanisms, then AUTH_SASL_START and
 * AUTH_SASL_STEP until both ends are done.  A channel that is secure
 * already (unix socket, TLS, ssh) takes any mechanism; plain TCP demands
 * a security layer of at least 56 bits (DIGEST-MD5, GSSAPI), which then
 * wraps every later byte.
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "remote/remote_auth.h"
#include "remote/remote_conn.h"
#include "remote/remote_priv.h"
#include "rpc/sasl.h"
#include "rpc/tls.h"
#include "util/error.h"

/* libvirt's minimum security layer where the channel is not secure. */
#define REMOTE_SASL_MIN_SSF 56

/* One line from the terminal, without echo when secret.  NULL at end of
 * input. */
static char *remote_sasl_prompt(const char *question, bool secret)
{
    struct termios old, quiet;
    bool restore = false;
    char buf[1024];
    char *line;

    fputs(question, stderr);
    fflush(stderr);
    if (secret && tcgetattr(STDIN_FILENO, &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
    line = fgets(buf, sizeof(buf), stdin);
    if (restore) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!line)
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    return g_strdup(buf);
}

/* The credentials for host: the auth file, else the terminal. */
static int remote_sasl_credentials(const vireo_uri *uri, const char *host, sasl_session *s)
{
    g_autofree char *authname = NULL;
    g_autofree char *password = NULL;
    int rc = remote_auth_file_lookup(uri, host, &authname, &password);

    if (rc < 0)
        return -1;
    if ((!authname || !password) && isatty(STDIN_FILENO)) {
        if (!authname)
            authname = remote_sasl_prompt("Please enter your authentication name: ", false);
        if (authname && !password)
            password = remote_sasl_prompt("Please enter your password: ", true);
    }
    if (!authname || !password) {
        error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED,
                     "no credentials for SASL on '%s': none in the auth file (LIBVIRT_AUTH_FILE, "
                     "~/.config/libvirt/auth.conf) and no terminal to ask on", host);
        return -1;
    }
    sasl_session_set_credentials(s, authname, password);
    memset(password, 0, strlen(password));
    return 0;
}

/* The mechanisms to offer Cyrus: the server's, or the one ?auth=sasl.MECH
 * asks for (refused when the server lacks it). */
static char *remote_sasl_mechs(const vireo_uri *uri, const char *server_list)
{
    const char *want = uri->params ? g_hash_table_lookup(uri->params, "auth") : NULL;
    g_auto(GStrv) have = NULL;

    if (!want || !g_str_has_prefix(want, "sasl."))
        return g_strdup(server_list);
    want += strlen("sasl.");
    have = g_strsplit(server_list, ",", -1);
    for (char **m = have; *m; m++) {
        if (g_ascii_strcasecmp(*m, want) == 0)
            return g_strdup(*m);
    }
    error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED,
                 "SASL mechanism %s not supported by server", want);
    return NULL;
}

static int remote_sasl_start(vireo_conn *conn, const char *mech, const char *out, size_t outlen,
                             int *complete, char **in, size_t *inlen)
{
    remote_auth_sasl_start_args args = { .mech = (char *)mech, .nil = out == NULL };
    remote_auth_sasl_start_ret ret = { 0 };

    args.data.data_val = (char *)out;
    args.data.data_len = out ? outlen : 0;
    if (remote_call(conn, REMOTE_PROC_AUTH_SASL_START,
                    (xdrproc_t)xdr_remote_auth_sasl_start_args, &args,
                    (xdrproc_t)xdr_remote_auth_sasl_start_ret, &ret) < 0)
        return -1;
    *complete = ret.complete;
    *in = ret.nil ? NULL : g_strndup(ret.data.data_val ? ret.data.data_val : "", ret.data.data_len);
    *inlen = ret.nil ? 0 : ret.data.data_len;
    xdr_free((xdrproc_t)xdr_remote_auth_sasl_start_ret, &ret);
    return 0;
}

static int remote_sasl_step(vireo_conn *conn, const char *out, size_t outlen, int *complete,
                            char **in, size_t *inlen)
{
    remote_auth_sasl_step_args args = { .nil = out == NULL };
    remote_auth_sasl_step_ret ret = { 0 };

    args.data.data_val = (char *)out;
    args.data.data_len = out ? outlen : 0;
    if (remote_call(conn, REMOTE_PROC_AUTH_SASL_STEP,
                    (xdrproc_t)xdr_remote_auth_sasl_step_args, &args,
                    (xdrproc_t)xdr_remote_auth_sasl_step_ret, &ret) < 0)
        return -1;
    *complete = ret.complete;
    *in = ret.nil ? NULL : g_strndup(ret.data.data_val ? ret.data.data_val : "", ret.data.data_len);
    *inlen = ret.nil ? 0 : ret.data.data_len;
    xdr_free((xdrproc_t)xdr_remote_auth_sasl_step_ret, &ret);
    return 0;
}

/* START, then STEP until the server says complete and Cyrus agrees. */
static int remote_sasl_exchange(vireo_conn *conn, sasl_session *s, const char *mechs)
{
    const char *mech = NULL, *out = NULL;
    g_autofree char *in = NULL;
    size_t outlen = 0, inlen = 0;
    int done_here, done_there = 0;

    done_here = sasl_session_client_start(s, mechs, &mech, &out, &outlen);
    if (done_here < 0 || remote_sasl_start(conn, mech, out, outlen, &done_there, &in, &inlen) < 0)
        return -1;
    for (int rounds = 0; !(done_there && done_here == 1); rounds++) {
        if (rounds > 64) {
            error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED,
                         "SASL negotiation did not end after %d steps", rounds);
            return -1;
        }
        /* the server's last data (success data) still goes to Cyrus */
        if (done_here != 1 || in) {
            done_here = sasl_session_client_step(s, in, inlen, &out, &outlen);
            if (done_here < 0)
                return -1;
        } else {
            out = NULL;
            outlen = 0;
        }
        g_clear_pointer(&in, g_free);
        inlen = 0;
        if (done_there) {
            if (done_here != 1) {
                error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED,
                             "the server completed SASL negotiation before the client");
                return -1;
            }
            break;
        }
        if (remote_sasl_step(conn, out, outlen, &done_there, &in, &inlen) < 0)
            return -1;
    }
    return 0;
}

int remote_sasl_authenticate(vireo_conn *conn, const vireo_uri *uri, const char *transport,
                             sasl_session **sess)
{
    remote_conn *rc = conn->priv;
    const char *host = uri->host && *uri->host ? uri->host : "localhost";
    bool secure = strcmp(transport, "tcp") != 0;
    struct tls_session *tls = remote_client_tls(rc->client);
    remote_auth_sasl_init_ret init = { 0 };
    g_autofree char *mechs = NULL;
    sasl_session *s;
    int ssf;

    *sess = NULL;
    if (sasl_client_setup() < 0)
        return -1;
    s = sasl_session_new_client(host, NULL, NULL, tls ? tls_session_key_size(tls) * 8 : 0,
                                secure);
    if (!s)
        return -1;
    if (remote_call(conn, REMOTE_PROC_AUTH_SASL_INIT, RPC_XDR_VOID, NULL,
                    (xdrproc_t)xdr_remote_auth_sasl_init_ret, &init) < 0)
        goto error;
    mechs = remote_sasl_mechs(uri, init.mechlist);
    xdr_free((xdrproc_t)xdr_remote_auth_sasl_init_ret, &init);
    if (!mechs || remote_sasl_credentials(uri, host, s) < 0 ||
        remote_sasl_exchange(conn, s, mechs) < 0)
        goto error;
    ssf = sasl_session_ssf(s);
    if (!secure && ssf < REMOTE_SASL_MIN_SSF) {
        error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED,
                     "negotiation SSF %d was not strong enough", ssf);
        goto error;
    }
    /* the reply completing SASL was read: later bytes go through the layer */
    if (ssf > 0 && !tls)
        remote_client_set_sasl(rc->client, s);
    *sess = s;
    return 0;

error:
    sasl_session_free(s);
    return -1;
}
