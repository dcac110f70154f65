/*
 * libvireo-secret.c: the public API for secrets, over the connection's
 * secret table (src/drivers/driver.h).
 *
 * Same shape as libvireo-domain.c.  Values cross this layer as copies;
 * the driver's copy is wiped before it is freed.
 */
#include <stdlib.h>
#include <string.h>

#include "libvireo-priv.h"
#include "util/uuid.h"

/* ---- handles (leave the thread's error alone, see vireo.h) ---- */

int vireo_secret_get_uuid(vireo_secret *secret, unsigned char uuid[VIREO_UUID_BUFLEN])
{
    if (!api_secret_ok(secret, __func__))
        return -1;
    if (!uuid) {
        api_invalid_arg(__func__, "uuid");
        return -1;
    }
    memcpy(uuid, secret->uuid, VIREO_UUID_BUFLEN);
    return 0;
}

int vireo_secret_get_uuid_string(vireo_secret *secret, char buf[VIREO_UUID_STRING_BUFLEN])
{
    if (!api_secret_ok(secret, __func__))
        return -1;
    if (!buf) {
        api_invalid_arg(__func__, "buf");
        return -1;
    }
    uuid_format(secret->uuid, buf);
    return 0;
}

int vireo_secret_get_usage_type(vireo_secret *secret)
{
    if (!api_secret_ok(secret, __func__))
        return -1;
    return secret->usage_type;
}

const char *vireo_secret_get_usage_id(vireo_secret *secret)
{
    if (!api_secret_ok(secret, __func__))
        return NULL;
    return secret->usage_id;
}

vireo_conn *vireo_secret_get_conn(vireo_secret *secret)
{
    if (!api_secret_ok(secret, __func__))
        return NULL;
    return secret->conn;
}

int vireo_secret_ref(vireo_secret *secret)
{
    if (!api_secret_ok(secret, __func__))
        return -1;
    secret_handle_ref(secret);
    return 0;
}

int vireo_secret_free(vireo_secret *secret)
{
    if (!api_secret_ok(secret, __func__))
        return -1;
    secret_handle_unref(secret);
    return 0;
}

void vireo_secret_list_free(vireo_secret **secrets)
{
    if (!secrets)
        return;
    for (size_t i = 0; secrets[i]; i++)
        secret_handle_unref(secrets[i]);
    g_free(secrets);
}

/* ---- lookups and lists ---- */

vireo_secret *vireo_secret_lookup_by_uuid(vireo_conn *conn,
                                          const unsigned char uuid[VIREO_UUID_BUFLEN])
{
    API_CONN_SECRET_ENTRY(conn, lookup_by_uuid, false, NULL);
    if (!uuid) {
        api_invalid_arg(__func__, "uuid");
        return NULL;
    }
    return conn->driver->secret->lookup_by_uuid(conn, uuid);
}

vireo_secret *vireo_secret_lookup_by_uuid_string(vireo_conn *conn, const char *uuidstr)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];

    API_CONN_SECRET_ENTRY(conn, lookup_by_uuid, false, NULL);
    if (api_uuid_parse(uuidstr, uuid, __func__) < 0)
        return NULL;
    return conn->driver->secret->lookup_by_uuid(conn, uuid);
}

vireo_secret *vireo_secret_lookup_by_usage(vireo_conn *conn, int usage_type, const char *usage_id)
{
    API_CONN_SECRET_ENTRY(conn, lookup_by_usage, false, NULL);
    if (!usage_id) {
        api_invalid_arg(__func__, "usage_id");
        return NULL;
    }
    return conn->driver->secret->lookup_by_usage(conn, usage_type, usage_id);
}

int vireo_conn_list_all_secrets(vireo_conn *conn, vireo_secret ***secrets, unsigned int flags)
{
    API_CONN_SECRET_ENTRY(conn, list_all, false, -1);
    if (!secrets) {
        api_invalid_arg(__func__, "secrets");
        return -1;
    }
    *secrets = NULL;
    return conn->driver->secret->list_all(conn, secrets, flags);
}

/* ---- definition and value ---- */

vireo_secret *vireo_secret_define_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    API_CONN_SECRET_ENTRY(conn, define_xml, true, NULL);
    if (!xml) {
        api_invalid_arg(__func__, "xml");
        return NULL;
    }
    return conn->driver->secret->define_xml(conn, xml, flags);
}

char *vireo_secret_get_xml_desc(vireo_secret *secret, unsigned int flags)
{
    API_SECRET_ENTRY(secret, get_xml_desc, false, NULL);
    return secret->conn->driver->secret->get_xml_desc(secret, flags);
}

int vireo_secret_set_value(vireo_secret *secret, const unsigned char *value, size_t value_size,
                           unsigned int flags)
{
    API_SECRET_ENTRY(secret, set_value, true, -1);
    if (!value && value_size) {
        api_invalid_arg(__func__, "value");
        return -1;
    }
    return secret->conn->driver->secret->set_value(secret, value ? value : (const unsigned char *)"",
                                                   value_size, flags);
}

unsigned char *vireo_secret_get_value(vireo_secret *secret, size_t *value_size,
                                      unsigned int flags)
{
    unsigned char *value;
    size_t size = 0;

    /* libvirt too keeps values from read-only clients */
    API_SECRET_ENTRY(secret, get_value, true, NULL);
    if (!value_size) {
        api_invalid_arg(__func__, "value_size");
        return NULL;
    }
    /* GLib's allocator is malloc's: the caller's free() releases it */
    value = secret->conn->driver->secret->get_value(secret, &size, flags);
    if (value)
        *value_size = size;
    return value;
}

int vireo_secret_undefine(vireo_secret *secret)
{
    API_SECRET_ENTRY(secret, undefine, true, -1);
    return secret->conn->driver->secret->undefine(secret);
}
