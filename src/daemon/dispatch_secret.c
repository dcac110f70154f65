/*
 * dispatch_secret.c: the secret handlers gen_rpc.py does not write, and
 * the secret handles of the generated ones.
 *
 * A secret's value travels as XDR opaque bytes (SET_VALUE, GET_VALUE);
 * the list is an array of handles (CONNECT_LIST_ALL_SECRETS), with the
 * older count and UUID-list procedures answered from it.  A private
 * secret's value is never sent: the driver's get_value refuses it
 * (drivers/driver.h), so nothing here decides that.  Prototypes come
 * from the generated rpc/dispatch_gen.h; each runs on a worker thread.
 */
#include <string.h>

#include "daemon/acl_list.h"
#include "daemon/dispatch.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "rpc/dispatch_gen.h"
#include "util/error.h"
#include "util/uuid.h"

/* ---- handles (dispatch.h) ---- */

vireo_secret *dispatch_secret_get(vireo_conn *conn, const struct remote_nonnull_secret *s)
{
    return secret_handle_new(conn, (const unsigned char *)s->uuid, s->usageType, s->usageID);
}

void dispatch_secret_put(vireo_secret *secret, struct remote_nonnull_secret *s)
{
    memcpy(s->uuid, secret->uuid, sizeof(s->uuid));
    s->usageType = secret->usage_type;
    s->usageID = g_strdup(secret->usage_id ? secret->usage_id : "");
}

/* ---- lists ---- */

static void dispatch_secrets_free(vireo_secret **secrets)
{
    for (size_t i = 0; secrets && secrets[i]; i++)
        secret_handle_unref(secrets[i]);
    g_free(secrets);
}

/* Every secret matching flags (new handles, NULL-terminated) and their
 * count, refusing more than one reply can carry. */
static int dispatch_secret_list(daemon_client *client, unsigned int flags, vireo_secret ***secrets)
{
    vireo_conn *conn = daemon_client_conn(client);
    int n;

    *secrets = NULL;
    if (!conn->driver->secret || !conn->driver->secret->list_all) {
        dispatch_no_support("virConnectListAllSecrets");
        return -1;
    }
    n = conn->driver->secret->list_all(conn, secrets, flags);
    if (n > 0)
        n = acl_list_secrets(client, *secrets, n);
    if (n > REMOTE_SECRET_LIST_MAX) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "too many secrets '%d' for limit '%d'", n,
                     REMOTE_SECRET_LIST_MAX);
        n = -1;
    }
    if (n < 0)
        g_clear_pointer(secrets, dispatch_secrets_free);
    return n;
}

int dispatch_connect_list_all_secrets(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                      void *args_, void *ret_)
{
    remote_connect_list_all_secrets_args *args = args_;
    remote_connect_list_all_secrets_ret *ret = ret_;
    vireo_secret **secrets;
    int n = dispatch_secret_list(client, args->flags, &secrets);

    if (n < 0)
        return -1;
    if (args->need_results) {
        ret->secrets.secrets_len = (u_int)n;
        ret->secrets.secrets_val = g_new0(remote_nonnull_secret, n > 0 ? n : 1);
        for (int i = 0; i < n; i++)
            dispatch_secret_put(secrets[i], &ret->secrets.secrets_val[i]);
    }
    ret->ret = (unsigned int)n;
    dispatch_secrets_free(secrets);
    return 0;
}

int dispatch_connect_num_of_secrets(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                    void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_num_of_secrets_ret *ret = ret_;
    vireo_secret **secrets;
    int n = dispatch_secret_list(client, 0, &secrets);

    if (n < 0)
        return -1;
    ret->num = n;
    dispatch_secrets_free(secrets);
    return 0;
}

/* The UUIDs (as text) of at most maxuuids secrets. */
int dispatch_connect_list_secrets(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                  void *args_, void *ret_)
{
    remote_connect_list_secrets_args *args = args_;
    remote_connect_list_secrets_ret *ret = ret_;
    vireo_secret **secrets;
    int n;

    if (args->maxuuids < 0 || args->maxuuids > REMOTE_SECRET_LIST_MAX) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "maxuuids '%d' must be 0 .. %d",
                     args->maxuuids, REMOTE_SECRET_LIST_MAX);
        return -1;
    }
    if ((n = dispatch_secret_list(client, 0, &secrets)) < 0)
        return -1;
    n = MIN(n, args->maxuuids);
    ret->uuids.uuids_len = (u_int)n;
    ret->uuids.uuids_val = g_new0(char *, n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        ret->uuids.uuids_val[i] = g_malloc(VIREO_UUID_STRING_BUFLEN);
        uuid_format(secrets[i]->uuid, ret->uuids.uuids_val[i]);
    }
    dispatch_secrets_free(secrets);
    return 0;
}

/* ---- values ---- */

int dispatch_secret_set_value(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                              void *args_, void *ret_ G_GNUC_UNUSED)
{
    remote_secret_set_value_args *args = args_;
    vireo_conn *conn = daemon_client_conn(client);
    vireo_secret *secret;
    int rv;

    if (!conn->driver->secret || !conn->driver->secret->set_value) {
        dispatch_no_support("virSecretSetValue");
        return -1;
    }
    if (!(secret = dispatch_secret_get(conn, &args->secret)))
        return -1;
    rv = conn->driver->secret->set_value(secret, (const unsigned char *)args->value.value_val,
                                         args->value.value_len, args->flags);
    secret_handle_unref(secret);
    return rv;
}

int dispatch_secret_get_value(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                              void *args_, void *ret_)
{
    remote_secret_get_value_args *args = args_;
    remote_secret_get_value_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);
    vireo_secret *secret;
    unsigned char *value;
    size_t size = 0;

    if (!conn->driver->secret || !conn->driver->secret->get_value) {
        dispatch_no_support("virSecretGetValue");
        return -1;
    }
    if (!(secret = dispatch_secret_get(conn, &args->secret)))
        return -1;
    value = conn->driver->secret->get_value(secret, &size, args->flags);
    secret_handle_unref(secret);
    if (!value)
        return -1;
    if (size > REMOTE_SECRET_VALUE_MAX) {
        memset(value, 0, size);
        g_free(value);
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "secret value of %zu bytes over limit %d",
                     size, REMOTE_SECRET_VALUE_MAX);
        return -1;
    }
    /* xdr_free releases it: GLib allocates with malloc */
    ret->value.value_len = (u_int)size;
    ret->value.value_val = (char *)value;
    return 0;
}
