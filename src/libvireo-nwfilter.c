/*
 * libvireo-nwfilter.c: the public API for network filters, over the
 * connection's nwfilter table (src/drivers/driver.h).  Same shape as
 * libvireo-network.c.
 */
#include <string.h>

#include "libvireo-priv.h"
#include "util/uuid.h"

/* ---- handles (leave the thread's error alone, see vireo.h) ---- */

const char *vireo_nwfilter_get_name(vireo_nwfilter *filter)
{
    if (!api_nwfilter_ok(filter, __func__))
        return NULL;
    return filter->name;
}

int vireo_nwfilter_get_uuid(vireo_nwfilter *filter, unsigned char uuid[VIREO_UUID_BUFLEN])
{
    if (!api_nwfilter_ok(filter, __func__))
        return -1;
    if (!uuid) {
        api_invalid_arg(__func__, "uuid");
        return -1;
    }
    memcpy(uuid, filter->uuid, VIREO_UUID_BUFLEN);
    return 0;
}

int vireo_nwfilter_get_uuid_string(vireo_nwfilter *filter, char buf[VIREO_UUID_STRING_BUFLEN])
{
    if (!api_nwfilter_ok(filter, __func__))
        return -1;
    if (!buf) {
        api_invalid_arg(__func__, "buf");
        return -1;
    }
    uuid_format(filter->uuid, buf);
    return 0;
}

int vireo_nwfilter_ref(vireo_nwfilter *filter)
{
    if (!api_nwfilter_ok(filter, __func__))
        return -1;
    nwfilter_handle_ref(filter);
    return 0;
}

int vireo_nwfilter_free(vireo_nwfilter *filter)
{
    if (!api_nwfilter_ok(filter, __func__))
        return -1;
    nwfilter_handle_unref(filter);
    return 0;
}

void vireo_nwfilter_list_free(vireo_nwfilter **filters)
{
    if (!filters)
        return;
    for (size_t i = 0; filters[i]; i++)
        nwfilter_handle_unref(filters[i]);
    g_free(filters);
}

/* ---- lookups and lists ---- */

vireo_nwfilter *vireo_nwfilter_lookup_by_name(vireo_conn *conn, const char *name)
{
    API_CONN_NWFILTER_ENTRY(conn, lookup_by_name, false, NULL);
    if (!name) {
        api_invalid_arg(__func__, "name");
        return NULL;
    }
    return conn->driver->nwfilter->lookup_by_name(conn, name);
}

vireo_nwfilter *vireo_nwfilter_lookup_by_uuid(vireo_conn *conn,
                                              const unsigned char uuid[VIREO_UUID_BUFLEN])
{
    API_CONN_NWFILTER_ENTRY(conn, lookup_by_uuid, false, NULL);
    if (!uuid) {
        api_invalid_arg(__func__, "uuid");
        return NULL;
    }
    return conn->driver->nwfilter->lookup_by_uuid(conn, uuid);
}

vireo_nwfilter *vireo_nwfilter_lookup_by_uuid_string(vireo_conn *conn, const char *uuidstr)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];

    API_CONN_NWFILTER_ENTRY(conn, lookup_by_uuid, false, NULL);
    if (api_uuid_parse(uuidstr, uuid, __func__) < 0)
        return NULL;
    return conn->driver->nwfilter->lookup_by_uuid(conn, uuid);
}

int vireo_conn_list_all_nwfilters(vireo_conn *conn, vireo_nwfilter ***filters,
                                  unsigned int flags)
{
    API_CONN_NWFILTER_ENTRY(conn, list_all, false, -1);
    if (!filters) {
        api_invalid_arg(__func__, "filters");
        return -1;
    }
    *filters = NULL;
    return conn->driver->nwfilter->list_all(conn, filters, flags);
}

/* ---- definition ---- */

vireo_nwfilter *vireo_nwfilter_define_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    API_CONN_NWFILTER_ENTRY(conn, define_xml, true, NULL);
    if (!xml) {
        api_invalid_arg(__func__, "xml");
        return NULL;
    }
    return conn->driver->nwfilter->define_xml(conn, xml, flags);
}

int vireo_nwfilter_undefine(vireo_nwfilter *filter)
{
    API_NWFILTER_ENTRY(filter, undefine, true, -1);
    return filter->conn->driver->nwfilter->undefine(filter);
}

char *vireo_nwfilter_get_xml_desc(vireo_nwfilter *filter, unsigned int flags)
{
    API_NWFILTER_ENTRY(filter, get_xml_desc, false, NULL);
    return filter->conn->driver->nwfilter->get_xml_desc(filter, flags);
}
