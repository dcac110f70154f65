/*
 * sasl.c: SASL authentication and security layer over Cyrus SASL (sasl.h).
 *
 * One sasl_session wraps one sasl_conn_t.  Cyrus is initialised once per
 * process and per side; its global state is thread-safe once initialised,
 * a session is used by one thread at a time (the caller's lock).
 */
#include <string.h>
#include <sasl/sasl.h>

#include <glib.h>

#include "rpc/sasl.h"
#include "util/error.h"

/* libvirt's security properties on a channel that is not secure: at
 * least DES strength, anything up to AES-256, no anonymous or plaintext
 * mechanism; and the largest buffer a layer may use. */
#define SASL_MIN_SSF 56
#define SASL_MAX_SSF 100000
#define SASL_MAX_BUF 100000

/* The service name: Cyrus reads <conf_dir>/libvirt.conf, as for libvirtd. */
#define SASL_APP_NAME "libvirt"

struct sasl_session {
    sasl_conn_t *conn;              /* owned */
    bool server;
    char *user;                     /* client: credentials (owned), NULL until set */
    sasl_secret_t *secret;          /* client: the password as Cyrus wants it (owned) */
    sasl_callback_t callbacks[5];   /* client: refer to this session */
    size_t max_encode;              /* after completion: SASL_MAXOUTBUF */
};

static int sasl_fail(sasl_session *s, int rc, const char *what)
{
    error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED, "%s: %d (%s)", what, rc,
                 s && s->conn ? sasl_errdetail(s->conn) : sasl_errstring(rc, NULL, NULL));
    return -1;
}

/* ---- process setup ---- */

/* Cyrus keeps every callback as int (*)(void); void (*)(void) in between
 * tells the compiler the cast is meant. */
#define SASL_CB_PROC(fn) ((int (*)(void))(void (*)(void))(fn))

static char *sasl_conf_dir;     /* kept for Cyrus' whole life */

/* Where Cyrus looks for libvirt.conf (a callback: sasl_set_path leaks). */
static int sasl_cb_confpath(void *context, const char **path)
{
    (void)context;
    *path = sasl_conf_dir;
    return SASL_OK;
}

int sasl_server_setup(const char *conf_dir)
{
    static const sasl_callback_t global[] = {
        { SASL_CB_GETCONFPATH, SASL_CB_PROC(sasl_cb_confpath), NULL },
        { SASL_CB_LIST_END, NULL, NULL },
    };
    static GMutex lock;
    static int done;            /* 1: ok, -1: failed */
    int rc = 0;

    g_mutex_lock(&lock);
    if (!done) {
        sasl_conf_dir = g_strdup(conf_dir);
        rc = sasl_server_init(global, SASL_APP_NAME);
        done = rc == SASL_OK ? 1 : -1;
    }
    g_mutex_unlock(&lock);
    if (done < 0) {
        error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED,
                     "failed to initialize SASL library with config folder '%s': %d (%s)",
                     conf_dir, rc, sasl_errstring(rc, NULL, NULL));
        return -1;
    }
    return 0;
}

int sasl_client_setup(void)
{
    static GMutex lock;
    static int done;
    int rc = SASL_OK;

    g_mutex_lock(&lock);
    if (!done) {
        rc = sasl_client_init(NULL);
        done = rc == SASL_OK ? 1 : -1;
    }
    g_mutex_unlock(&lock);
    if (done < 0) {
        error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED,
                     "failed to initialize SASL library: %d (%s)", rc,
                     sasl_errstring(rc, NULL, NULL));
        return -1;
    }
    return 0;
}

/* ---- sessions ---- */

/* libvirt's rule: a secure channel (unix socket, TLS) needs no layer and
 * may use any mechanism; otherwise the layer must be at least DES. */
static int sasl_session_props(sasl_session *s, int ext_ssf, bool secure)
{
    sasl_security_properties_t props = { 0 };
    int rc;

    if (ext_ssf > 0) {
        sasl_ssf_t ssf = ext_ssf;

        rc = sasl_setprop(s->conn, SASL_SSF_EXTERNAL, &ssf);
        if (rc != SASL_OK)
            return sasl_fail(s, rc, "cannot set SASL external SSF");
    }
    props.min_ssf = secure ? 0 : SASL_MIN_SSF;
    props.max_ssf = secure ? 0 : SASL_MAX_SSF;
    props.maxbufsize = SASL_MAX_BUF;
    props.security_flags = secure ? 0 : SASL_SEC_NOANONYMOUS | SASL_SEC_NOPLAINTEXT;
    rc = sasl_setprop(s->conn, SASL_SEC_PROPS, &props);
    if (rc != SASL_OK)
        return sasl_fail(s, rc, "cannot set SASL security props");
    return 0;
}

/* The end of both constructors: s once Cyrus made its context (rc) and
 * took the security properties, else NULL with the error set (s freed). */
static sasl_session *sasl_session_ready(sasl_session *s, int rc, const char *what, int ext_ssf,
                                        bool secure)
{
    if (rc != SASL_OK) {
        s->conn = NULL;
        sasl_fail(s, rc, what);
        sasl_session_free(s);
        return NULL;
    }
    if (sasl_session_props(s, ext_ssf, secure) < 0) {
        sasl_session_free(s);
        return NULL;
    }
    return s;
}

sasl_session *sasl_session_new_server(const char *local, const char *remote, int ext_ssf,
                                      bool secure)
{
    sasl_session *s = g_new0(sasl_session, 1);
    int rc;

    s->server = true;
    rc = sasl_server_new(SASL_APP_NAME, NULL, NULL, local, remote, NULL, SASL_SUCCESS_DATA,
                         &s->conn);
    return sasl_session_ready(s, rc, "Failed to create SASL server context", ext_ssf, secure);
}

static int sasl_cb_simple(void *context, int id, const char **result, unsigned *len)
{
    sasl_session *s = context;

    if (!s->user)
        return SASL_FAIL;
    /* the authorization id is the user itself: no proxying */
    *result = id == SASL_CB_AUTHNAME || id == SASL_CB_USER ? s->user : NULL;
    if (len)
        *len = *result ? strlen(*result) : 0;
    return *result ? SASL_OK : SASL_FAIL;
}

static int sasl_cb_pass(sasl_conn_t *conn, void *context, int id, sasl_secret_t **psecret)
{
    sasl_session *s = context;

    (void)conn;
    (void)id;
    if (!s->secret)
        return SASL_FAIL;
    *psecret = s->secret;
    return SASL_OK;
}

/* DIGEST-MD5 asks which realm: the first the server offers. */
static int sasl_cb_realm(void *context, int id, const char **avail, const char **result)
{
    (void)context;
    (void)id;
    *result = avail && avail[0] ? avail[0] : "";
    return SASL_OK;
}

sasl_session *sasl_session_new_client(const char *host, const char *local, const char *remote,
                                      int ext_ssf, bool secure)
{
    sasl_session *s = g_new0(sasl_session, 1);
    int rc;

    s->callbacks[0] = (sasl_callback_t){ SASL_CB_AUTHNAME, SASL_CB_PROC(sasl_cb_simple), s };
    s->callbacks[1] = (sasl_callback_t){ SASL_CB_USER, SASL_CB_PROC(sasl_cb_simple), s };
    s->callbacks[2] = (sasl_callback_t){ SASL_CB_PASS, SASL_CB_PROC(sasl_cb_pass), s };
    s->callbacks[3] = (sasl_callback_t){ SASL_CB_GETREALM, SASL_CB_PROC(sasl_cb_realm), s };
    s->callbacks[4] = (sasl_callback_t){ SASL_CB_LIST_END, NULL, NULL };
    rc = sasl_client_new(SASL_APP_NAME, host, local, remote, s->callbacks, SASL_SUCCESS_DATA,
                         &s->conn);
    return sasl_session_ready(s, rc, "Failed to create SASL client context", ext_ssf, secure);
}

void sasl_session_free(sasl_session *s)
{
    if (!s)
        return;
    if (s->conn)
        sasl_dispose(&s->conn);
    g_free(s->user);
    if (s->secret) {
        memset(s->secret->data, 0, s->secret->len);
        g_free(s->secret);
    }
    g_free(s);
}

char *sasl_session_list_mechs(sasl_session *s)
{
    const char *list = NULL;
    int rc = sasl_listmech(s->conn, NULL, "", ",", "", &list, NULL, NULL);

    if (rc != SASL_OK) {
        sasl_fail(s, rc, "cannot list SASL mechanisms");
        return NULL;
    }
    return g_strdup(list);
}

/* Cyrus' result as sasl.h's: 1 complete, 0 continue, -1 failed. */
static int sasl_session_result(sasl_session *s, int rc, const char *what, const char *out,
                               unsigned outlen, const char **pout, size_t *poutlen)
{
    if (rc != SASL_OK && rc != SASL_CONTINUE)
        return sasl_fail(s, rc, what);
    *pout = out;
    *poutlen = outlen;
    if (rc == SASL_CONTINUE)
        return 0;
    {
        const void *val = NULL;

        s->max_encode = SASL_MAX_BUF;
        if (sasl_getprop(s->conn, SASL_MAXOUTBUF, &val) == SASL_OK && val &&
            *(const unsigned *)val > 0)
            s->max_encode = *(const unsigned *)val;
    }
    return 1;
}

int sasl_session_server_start(sasl_session *s, const char *mech, const char *in, size_t inlen,
                              const char **out, size_t *outlen)
{
    const char *o = NULL;
    unsigned olen = 0;
    int rc = sasl_server_start(s->conn, mech, in, inlen, &o, &olen);

    return sasl_session_result(s, rc, "Failed to start SASL negotiation", o, olen, out, outlen);
}

int sasl_session_server_step(sasl_session *s, const char *in, size_t inlen, const char **out,
                             size_t *outlen)
{
    const char *o = NULL;
    unsigned olen = 0;
    int rc = sasl_server_step(s->conn, in, inlen, &o, &olen);

    return sasl_session_result(s, rc, "Failed to step SASL negotiation", o, olen, out, outlen);
}

void sasl_session_set_credentials(sasl_session *s, const char *user, const char *password)
{
    size_t len = password ? strlen(password) : 0;

    g_free(s->user);
    s->user = g_strdup(user);
    if (s->secret) {
        memset(s->secret->data, 0, s->secret->len);
        g_free(s->secret);
        s->secret = NULL;
    }
    if (password) {
        s->secret = g_malloc0(sizeof(sasl_secret_t) + len + 1);
        s->secret->len = len;
        memcpy(s->secret->data, password, len);
    }
}

static int sasl_session_client_result(sasl_session *s, int rc, const char *what,
                                      const char *out, unsigned outlen, const char **pout,
                                      size_t *poutlen)
{
    if (rc == SASL_INTERACT) {
        error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED,
                     "%s: the mechanism needs credentials that were not given", what);
        return -1;
    }
    return sasl_session_result(s, rc, what, out, outlen, pout, poutlen);
}

int sasl_session_client_start(sasl_session *s, const char *mech_list, const char **mech,
                              const char **out, size_t *outlen)
{
    sasl_interact_t *interact = NULL;
    const char *o = NULL;
    unsigned olen = 0;
    int rc = sasl_client_start(s->conn, mech_list, &interact, &o, &olen, mech);

    return sasl_session_client_result(s, rc, "Failed to start SASL negotiation", o, olen, out,
                                      outlen);
}

int sasl_session_client_step(sasl_session *s, const char *in, size_t inlen, const char **out,
                             size_t *outlen)
{
    sasl_interact_t *interact = NULL;
    const char *o = NULL;
    unsigned olen = 0;
    int rc = sasl_client_step(s->conn, in, inlen, &interact, &o, &olen);

    return sasl_session_client_result(s, rc, "Failed to step SASL negotiation", o, olen, out,
                                      outlen);
}

const char *sasl_session_username(sasl_session *s)
{
    const void *val = NULL;

    if (sasl_getprop(s->conn, SASL_USERNAME, &val) != SASL_OK)
        return NULL;
    return val;
}

int sasl_session_ssf(sasl_session *s)
{
    const void *val = NULL;

    if (sasl_getprop(s->conn, SASL_SSF, &val) != SASL_OK || !val)
        return 0;
    return (int)*(const sasl_ssf_t *)val;
}

/* ---- security layer ---- */

int sasl_session_encode(sasl_session *s, const char *in, size_t inlen, const char **out,
                        size_t *outlen, const char **err)
{
    const char *o = NULL;
    unsigned olen = 0;
    int rc;

    if (inlen > sasl_session_max_encode(s)) {
        *err = "SASL encode: more data than the layer takes at once";
        return -1;
    }
    rc = sasl_encode(s->conn, in, inlen, &o, &olen);
    if (rc != SASL_OK) {
        *err = sasl_errdetail(s->conn);
        return -1;
    }
    *out = o;
    *outlen = olen;
    return 0;
}

int sasl_session_decode(sasl_session *s, const char *in, size_t inlen, const char **out,
                        size_t *outlen, const char **err)
{
    const char *o = NULL;
    unsigned olen = 0;
    int rc = sasl_decode(s->conn, in, inlen, &o, &olen);

    if (rc != SASL_OK) {
        *err = sasl_errdetail(s->conn);
        return -1;
    }
    *out = o;
    *outlen = olen;
    return 0;
}

size_t sasl_session_max_encode(sasl_session *s)
{
    return s->max_encode ? s->max_encode : SASL_MAX_BUF;
}
