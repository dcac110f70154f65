/*
 * remote_secret.c: the secret stubs gen_rpc.py does not write, and the
 * secret handles of the generated ones.
 *
 * The mirror image of src/daemon/dispatch_secret.c: values as opaque
 * bytes, and the list as an array of handles.  Each is one
 * remote_call(); -1 / NULL with the thread's error.
 */
#include <string.h>

#include "remote/remote_priv.h"
#include "rpc/remote_gen.h"
#include "util/error.h"

/* ---- handles (remote_priv.h) ---- */

vireo_secret *remote_secret_from_wire(vireo_conn *conn, const remote_nonnull_secret *s)
{
    return secret_handle_new(conn, (const unsigned char *)s->uuid, s->usageType, s->usageID);
}

void remote_secret_to_wire(vireo_secret *secret, remote_nonnull_secret *s)
{
    memcpy(s->uuid, secret->uuid, VIREO_UUID_BUFLEN);
    s->usageType = secret->usage_type;
    s->usageID = secret->usage_id ? secret->usage_id : (char *)"";
}

int remote_proc_connect_list_all_secrets(vireo_conn *conn, vireo_secret ***secrets,
                                         unsigned int flags)
{
    remote_connect_list_all_secrets_args args = { .need_results = secrets != NULL,
                                                  .flags = flags };
    remote_connect_list_all_secrets_ret ret;
    int n;

    memset(&ret, 0, sizeof(ret));
    if (remote_call(conn, REMOTE_PROC_CONNECT_LIST_ALL_SECRETS,
                    (xdrproc_t)xdr_remote_connect_list_all_secrets_args, &args,
                    (xdrproc_t)xdr_remote_connect_list_all_secrets_ret, &ret) < 0)
        return -1;
    n = (int)ret.ret;
    if (secrets) {
        n = (int)ret.secrets.secrets_len;
        *secrets = g_new0(vireo_secret *, ret.secrets.secrets_len + 1);
        for (u_int i = 0; i < ret.secrets.secrets_len; i++)
            (*secrets)[i] = remote_secret_from_wire(conn, &ret.secrets.secrets_val[i]);
    }
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_secrets_ret, &ret);
    return n;
}

/* ---- values ---- */

int remote_proc_secret_set_value(vireo_secret *secret, const unsigned char *value,
                                 size_t value_size, unsigned int flags)
{
    remote_secret_set_value_args args = { .flags = flags };

    if (value_size > REMOTE_SECRET_VALUE_MAX) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "secret value of %zu bytes over limit %d",
                     value_size, REMOTE_SECRET_VALUE_MAX);
        return -1;
    }
    remote_secret_to_wire(secret, &args.secret);
    args.value.value_len = (u_int)value_size;
    args.value.value_val = (char *)value;
    return remote_call(secret->conn, REMOTE_PROC_SECRET_SET_VALUE,
                       (xdrproc_t)xdr_remote_secret_set_value_args, &args, RPC_XDR_VOID, NULL);
}

/* A new buffer (g_free) of *value_size bytes; the copy the transport
 * decoded is wiped before it is freed. */
unsigned char *remote_proc_secret_get_value(vireo_secret *secret, size_t *value_size,
                                            unsigned int flags)
{
    remote_secret_get_value_args args = { .flags = flags };
    remote_secret_get_value_ret ret;
    unsigned char *value;

    memset(&ret, 0, sizeof(ret));
    remote_secret_to_wire(secret, &args.secret);
    if (remote_call(secret->conn, REMOTE_PROC_SECRET_GET_VALUE,
                    (xdrproc_t)xdr_remote_secret_get_value_args, &args,
                    (xdrproc_t)xdr_remote_secret_get_value_ret, &ret) < 0)
        return NULL;
    /* one byte more, so an empty value is a buffer, not NULL */
    value = g_malloc0(ret.value.value_len + 1);
    if (ret.value.value_len) {
        memcpy(value, ret.value.value_val, ret.value.value_len);
        memset(ret.value.value_val, 0, ret.value.value_len);
    }
    *value_size = ret.value.value_len;
    xdr_free((xdrproc_t)xdr_remote_secret_get_value_ret, &ret);
    return value;
}
