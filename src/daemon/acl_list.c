/*
 * acl_list.c: list calls show only what the caller may see (acl.h): one
 * filter per kind of object, over the NULL-terminated handle arrays the
 * drivers' list_all entries return.
 */
#include "daemon/acl.h"
#include "daemon/acl_list.h"
#include "drivers/handles.h"
#include "util/uuid.h"

/* The name each kind is matched by (caller frees), and its release. */
static char *acl_name_domain(const void *o)
{
    return g_strdup(((const vireo_domain *)o)->name);
}

static char *acl_name_network(const void *o)
{
    return g_strdup(((const vireo_network *)o)->name);
}

static char *acl_name_nwfilter(const void *o)
{
    return g_strdup(((const vireo_nwfilter *)o)->name);
}

static char *acl_name_iface(const void *o)
{
    return g_strdup(((const vireo_interface *)o)->name);
}

static char *acl_name_pool(const void *o)
{
    return g_strdup(((const vireo_storage_pool *)o)->name);
}

static char *acl_name_vol(const void *o)
{
    const vireo_storage_vol *v = o;

    return g_strdup_printf("%s/%s", v->pool, v->name);
}

static char *acl_name_secret(const void *o)
{
    char buf[VIREO_UUID_STRING_BUFLEN];

    uuid_format(((const vireo_secret *)o)->uuid, buf);
    return g_strdup(buf);
}

static void acl_unref_domain(void *o) { domain_handle_unref(o); }
static void acl_unref_network(void *o) { network_handle_unref(o); }
static void acl_unref_nwfilter(void *o) { nwfilter_handle_unref(o); }
static void acl_unref_iface(void *o) { iface_handle_unref(o); }
static void acl_unref_pool(void *o) { pool_handle_unref(o); }
static void acl_unref_vol(void *o) { vol_handle_unref(o); }
static void acl_unref_secret(void *o) { secret_handle_unref(o); }

int acl_list_domains(daemon_client *c, vireo_domain **objs, int n)
{
    return acl_filter_list(c, acl_call_current(), (void **)objs, n,
                           acl_name_domain, acl_unref_domain);
}

int acl_list_networks(daemon_client *c, vireo_network **objs, int n)
{
    return acl_filter_list(c, acl_call_current(), (void **)objs, n,
                           acl_name_network, acl_unref_network);
}

int acl_list_nwfilters(daemon_client *c, vireo_nwfilter **objs, int n)
{
    return acl_filter_list(c, acl_call_current(), (void **)objs, n,
                           acl_name_nwfilter, acl_unref_nwfilter);
}

int acl_list_ifaces(daemon_client *c, vireo_interface **objs, int n)
{
    return acl_filter_list(c, acl_call_current(), (void **)objs, n,
                           acl_name_iface, acl_unref_iface);
}

int acl_list_pools(daemon_client *c, vireo_storage_pool **objs, int n)
{
    return acl_filter_list(c, acl_call_current(), (void **)objs, n,
                           acl_name_pool, acl_unref_pool);
}

int acl_list_vols(daemon_client *c, vireo_storage_vol **objs, int n)
{
    return acl_filter_list(c, acl_call_current(), (void **)objs, n,
                           acl_name_vol, acl_unref_vol);
}

int acl_list_secrets(daemon_client *c, vireo_secret **objs, int n)
{
    return acl_filter_list(c, acl_call_current(), (void **)objs, n,
                           acl_name_secret, acl_unref_secret);
}
