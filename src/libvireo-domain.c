/*
 * libvireo-domain.c: the public API for domains, over the connection's
 * domain table (src/drivers/driver.h).
 *
 * Each call: clear the thread's error, check the handle and arguments,
 * refuse changing calls on a read-only connection, then hand over to the
 * driver, which reports its own errors.
 */
#include <string.h>

#include "libvireo-priv.h"
#include "util/uuid.h"

/* ---- handles ----
 *
 * These cannot fail on a valid handle and leave the thread's error alone,
 * so a caller can name the object after a failed call and still report
 * that call's error (see vireo.h). */

const char *vireo_domain_get_name(vireo_domain *dom)
{
    if (!api_domain_ok(dom, __func__))
        return NULL;
    return dom->name;
}

int vireo_domain_get_uuid(vireo_domain *dom, unsigned char uuid[VIREO_UUID_BUFLEN])
{
    if (!api_domain_ok(dom, __func__))
        return -1;
    if (!uuid) {
        api_invalid_arg(__func__, "uuid");
        return -1;
    }
    memcpy(uuid, dom->uuid, VIREO_UUID_BUFLEN);
    return 0;
}

int vireo_domain_get_uuid_string(vireo_domain *dom, char buf[VIREO_UUID_STRING_BUFLEN])
{
    if (!api_domain_ok(dom, __func__))
        return -1;
    if (!buf) {
        api_invalid_arg(__func__, "buf");
        return -1;
    }
    uuid_format(dom->uuid, buf);
    return 0;
}

unsigned int vireo_domain_get_id(vireo_domain *dom)
{
    if (!api_domain_ok(dom, __func__))
        return (unsigned int)-1;
    return (unsigned int)dom->id;
}

vireo_conn *vireo_domain_get_conn(vireo_domain *dom)
{
    if (!api_domain_ok(dom, __func__))
        return NULL;
    return dom->conn;
}

int vireo_domain_ref(vireo_domain *dom)
{
    if (!api_domain_ok(dom, __func__))
        return -1;
    domain_handle_ref(dom);
    return 0;
}

int vireo_domain_free(vireo_domain *dom)
{
    if (!api_domain_ok(dom, __func__))
        return -1;
    domain_handle_unref(dom);
    return 0;
}

/* ---- lookups and lists ---- */

vireo_domain *vireo_domain_lookup_by_name(vireo_conn *conn, const char *name)
{
    API_CONN_DOMAIN_ENTRY(conn, lookup_by_name, false, NULL);
    if (!name) {
        api_invalid_arg(__func__, "name");
        return NULL;
    }
    return conn->driver->domain->lookup_by_name(conn, name);
}

vireo_domain *vireo_domain_lookup_by_uuid(vireo_conn *conn,
                                          const unsigned char uuid[VIREO_UUID_BUFLEN])
{
    API_CONN_DOMAIN_ENTRY(conn, lookup_by_uuid, false, NULL);
    if (!uuid) {
        api_invalid_arg(__func__, "uuid");
        return NULL;
    }
    return conn->driver->domain->lookup_by_uuid(conn, uuid);
}

vireo_domain *vireo_domain_lookup_by_uuid_string(vireo_conn *conn, const char *uuidstr)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];

    API_CONN_DOMAIN_ENTRY(conn, lookup_by_uuid, false, NULL);
    if (api_uuid_parse(uuidstr, uuid, __func__) < 0)
        return NULL;
    return conn->driver->domain->lookup_by_uuid(conn, uuid);
}

vireo_domain *vireo_domain_lookup_by_id(vireo_conn *conn, int id)
{
    API_CONN_DOMAIN_ENTRY(conn, lookup_by_id, false, NULL);
    if (id < 0) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG, "id in %s must be >= 0, got %d",
                     __func__, id);
        return NULL;
    }
    return conn->driver->domain->lookup_by_id(conn, id);
}

int vireo_conn_list_all_domains(vireo_conn *conn, vireo_domain ***domains, unsigned int flags)
{
    API_CONN_DOMAIN_ENTRY(conn, list_all, false, -1);
    if (!domains) {
        api_invalid_arg(__func__, "domains");
        return -1;
    }
    *domains = NULL;
    return conn->driver->domain->list_all(conn, domains, flags);
}

void vireo_domain_list_free(vireo_domain **domains)
{
    if (!domains)
        return;
    for (size_t i = 0; domains[i]; i++)
        domain_handle_unref(domains[i]);
    g_free(domains);
}

/* ---- lifecycle ---- */

vireo_domain *vireo_domain_define_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    API_CONN_DOMAIN_ENTRY(conn, define_xml, true, NULL);
    if (!xml) {
        api_invalid_arg(__func__, "xml");
        return NULL;
    }
    return conn->driver->domain->define_xml(conn, xml, flags);
}

int vireo_domain_undefine(vireo_domain *dom, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, undefine, true, -1);
    return dom->conn->driver->domain->undefine(dom, flags);
}

int vireo_domain_create(vireo_domain *dom, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, create, true, -1);
    return dom->conn->driver->domain->create(dom, flags);
}

vireo_domain *vireo_domain_create_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    API_CONN_DOMAIN_ENTRY(conn, create_xml, true, NULL);
    if (!xml) {
        api_invalid_arg(__func__, "xml");
        return NULL;
    }
    return conn->driver->domain->create_xml(conn, xml, flags);
}

int vireo_domain_destroy(vireo_domain *dom, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, destroy, true, -1);
    return dom->conn->driver->domain->destroy(dom, flags);
}

int vireo_domain_shutdown(vireo_domain *dom, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, shutdown, true, -1);
    return dom->conn->driver->domain->shutdown(dom, flags);
}

int vireo_domain_reboot(vireo_domain *dom, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, reboot, true, -1);
    return dom->conn->driver->domain->reboot(dom, flags);
}

int vireo_domain_suspend(vireo_domain *dom)
{
    API_DOMAIN_ENTRY(dom, suspend, true, -1);
    return dom->conn->driver->domain->suspend(dom);
}

int vireo_domain_resume(vireo_domain *dom)
{
    API_DOMAIN_ENTRY(dom, resume, true, -1);
    return dom->conn->driver->domain->resume(dom);
}

/* ---- reading ---- */

int vireo_domain_get_info(vireo_domain *dom, vireo_domain_info *info)
{
    API_DOMAIN_ENTRY(dom, get_info, false, -1);
    if (!info) {
        api_invalid_arg(__func__, "info");
        return -1;
    }
    memset(info, 0, sizeof(*info));
    return dom->conn->driver->domain->get_info(dom, info);
}

int vireo_domain_get_state(vireo_domain *dom, int *state, int *reason, unsigned int flags)
{
    int ignored;

    API_DOMAIN_ENTRY(dom, get_state, false, -1);
    if (!state) {
        api_invalid_arg(__func__, "state");
        return -1;
    }
    return dom->conn->driver->domain->get_state(dom, state, reason ? reason : &ignored, flags);
}

char *vireo_domain_get_os_type(vireo_domain *dom)
{
    API_DOMAIN_ENTRY(dom, get_os_type, false, NULL);
    return dom->conn->driver->domain->get_os_type(dom);
}

char *vireo_domain_get_xml_desc(vireo_domain *dom, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, get_xml_desc, false, NULL);
    /* secure values (passwords) are for writers only, as in libvirt */
    if ((flags & VIREO_DOMAIN_XML_SECURE) && dom->conn->read_only) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_DENIED,
                     "%s with secure flag", __func__);
        return NULL;
    }
    return dom->conn->driver->domain->get_xml_desc(dom, flags);
}

int vireo_domain_get_autostart(vireo_domain *dom, int *autostart)
{
    API_DOMAIN_ENTRY(dom, get_autostart, false, -1);
    if (!autostart) {
        api_invalid_arg(__func__, "autostart");
        return -1;
    }
    return dom->conn->driver->domain->get_autostart(dom, autostart);
}

int vireo_domain_set_autostart(vireo_domain *dom, int autostart)
{
    API_DOMAIN_ENTRY(dom, set_autostart, true, -1);
    return dom->conn->driver->domain->set_autostart(dom, autostart);
}

int vireo_domain_is_active(vireo_domain *dom)
{
    API_DOMAIN_ENTRY(dom, is_active, false, -1);
    return dom->conn->driver->domain->is_active(dom);
}

int vireo_domain_is_persistent(vireo_domain *dom)
{
    API_DOMAIN_ENTRY(dom, is_persistent, false, -1);
    return dom->conn->driver->domain->is_persistent(dom);
}

int vireo_domain_is_updated(vireo_domain *dom)
{
    API_DOMAIN_ENTRY(dom, is_updated, false, -1);
    return dom->conn->driver->domain->is_updated(dom);
}

int vireo_domain_has_managed_save(vireo_domain *dom, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, has_managed_save, false, -1);
    return dom->conn->driver->domain->has_managed_save(dom, flags);
}

/* ---- guest interface addresses ---- */

int vireo_domain_interface_addresses(vireo_domain *dom, vireo_domain_interface ***ifaces,
                                     unsigned int source, unsigned int flags)
{
    /* asking the guest agent changes nothing, but libvirt keeps it from
     * read-only connections */
    API_DOMAIN_ENTRY(dom, interface_addresses,
                     source == VIREO_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT, -1);
    if (!ifaces) {
        api_invalid_arg(__func__, "ifaces");
        return -1;
    }
    *ifaces = NULL;
    return dom->conn->driver->domain->interface_addresses(dom, ifaces, source, flags);
}

void vireo_domain_interface_free(vireo_domain_interface *iface)
{
    domain_iface_free(iface);
}
