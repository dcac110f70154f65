/*
 * libvireo-lxc.c: the public API specific to containers (libvirt's
 * libvirt-lxc.h): the namespaces of a running container, as descriptors
 * the caller enters with setns(2).
 */
#include "libvireo-priv.h"

int vireo_domain_lxc_open_namespace(vireo_domain *dom, int **fdlist, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, lxc_open_namespace, true, -1);
    if (!fdlist) {
        api_invalid_arg(__func__, "fdlist");
        return -1;
    }
    *fdlist = NULL;
    return dom->conn->driver->domain->lxc_open_namespace(dom, fdlist, flags);
}
