/*
 * libvireo-change.c: the public API for saving a domain's state to files
 * and for changing a domain's devices and resources, over the
 * connection's domain table.
 */
#include "libvireo-priv.h"

/* Paths and XML texts a call needs: INVALID_ARG naming them when NULL. */
static bool api_nonnull(const void *value, const char *func, const char *what)
{
    if (!value)
        api_invalid_arg(func, what);
    return value != NULL;
}

int vireo_domain_reset(vireo_domain *dom, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, reset, true, -1);
    return dom->conn->driver->domain->reset(dom, flags);
}

/* ---- state to files ---- */

int vireo_domain_save(vireo_domain *dom, const char *to, const char *dxml, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, save, true, -1);
    if (!api_nonnull(to, __func__, "to"))
        return -1;
    return dom->conn->driver->domain->save(dom, to, dxml, flags);
}

int vireo_domain_restore(vireo_conn *conn, const char *from, const char *dxml, unsigned int flags)
{
    API_CONN_DOMAIN_ENTRY(conn, restore, true, -1);
    if (!api_nonnull(from, __func__, "from"))
        return -1;
    return conn->driver->domain->restore(conn, from, dxml, flags);
}

char *vireo_domain_save_image_get_xml_desc(vireo_conn *conn, const char *file, unsigned int flags)
{
    API_CONN_DOMAIN_ENTRY(conn, save_image_get_xml_desc, false, NULL);
    if (!api_nonnull(file, __func__, "file"))
        return NULL;
    return conn->driver->domain->save_image_get_xml_desc(conn, file, flags);
}

int vireo_domain_managed_save(vireo_domain *dom, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, managed_save, true, -1);
    return dom->conn->driver->domain->managed_save(dom, flags);
}

int vireo_domain_managed_save_remove(vireo_domain *dom, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, managed_save_remove, true, -1);
    return dom->conn->driver->domain->managed_save_remove(dom, flags);
}

int vireo_domain_core_dump(vireo_domain *dom, const char *to, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, core_dump, true, -1);
    if (!api_nonnull(to, __func__, "to"))
        return -1;
    return dom->conn->driver->domain->core_dump(dom, to, flags);
}

/* ---- devices and resources ---- */

int vireo_domain_attach_device(vireo_domain *dom, const char *xml, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, attach_device, true, -1);
    if (!api_nonnull(xml, __func__, "xml"))
        return -1;
    return dom->conn->driver->domain->attach_device(dom, xml, flags);
}

int vireo_domain_detach_device(vireo_domain *dom, const char *xml, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, detach_device, true, -1);
    if (!api_nonnull(xml, __func__, "xml"))
        return -1;
    return dom->conn->driver->domain->detach_device(dom, xml, flags);
}

int vireo_domain_update_device(vireo_domain *dom, const char *xml, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, update_device, true, -1);
    if (!api_nonnull(xml, __func__, "xml"))
        return -1;
    return dom->conn->driver->domain->update_device(dom, xml, flags);
}

int vireo_domain_set_vcpus(vireo_domain *dom, unsigned int nvcpus, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, set_vcpus, true, -1);
    if (nvcpus == 0) {
        api_invalid_arg(__func__, "nvcpus");
        return -1;
    }
    return dom->conn->driver->domain->set_vcpus(dom, nvcpus, flags);
}

int vireo_domain_get_vcpus_flags(vireo_domain *dom, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, get_vcpus_flags, false, -1);
    return dom->conn->driver->domain->get_vcpus_flags(dom, flags);
}

int vireo_domain_set_memory(vireo_domain *dom, unsigned long memory, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, set_memory, true, -1);
    if (memory == 0) {
        api_invalid_arg(__func__, "memory");
        return -1;
    }
    return dom->conn->driver->domain->set_memory(dom, memory, flags);
}

int vireo_domain_get_messages(vireo_domain *dom, char ***msgs, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, get_messages, false, -1);
    if (!api_nonnull(msgs, __func__, "msgs"))
        return -1;
    *msgs = NULL;
    return dom->conn->driver->domain->get_messages(dom, msgs, flags);
}
