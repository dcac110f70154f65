/*
 * test_driver.c: the test hypervisor's connections: which URIs it
 * claims, the shared default node, node info, version and the driver
 * tables.
 *
 * URIs: "test:///default" (the default node, shared by every such
 * connection of the process and reset when the last one closes, as in
 * libvirt) and "test:///ABSOLUTE/PATH.xml" (a node file, loaded afresh
 * by each open).
 */
#include <string.h>

#include "drivers/event.h"
#include "drivers/test/test_driver.h"
#include "drivers/test/test_stats.h"
#include "drivers/test/test_node.h"
#include "util/error.h"

/* The shared default node and how many connections use it. */
static GMutex test_default_lock;
static test_node *test_default_node;   /* guarded by test_default_lock */
static int test_default_conns;         /* guarded by test_default_lock */

test_node *test_conn_node(vireo_conn *conn)
{
    return conn->priv;
}

static test_node *test_default_acquire(void)
{
    test_node *node;

    g_mutex_lock(&test_default_lock);
    if (!test_default_node)
        test_default_node = test_node_new_default();
    node = test_default_node;
    if (node)
        test_default_conns++;
    g_mutex_unlock(&test_default_lock);
    return node;
}

static void test_default_release(void)
{
    g_mutex_lock(&test_default_lock);
    if (--test_default_conns == 0)
        g_clear_pointer(&test_default_node, test_node_free);
    g_mutex_unlock(&test_default_lock);
}

static driver_open_result test_conn_open(vireo_conn *conn, const vireo_uri *uri,
                                         unsigned int flags)
{
    test_node *node;

    (void)flags;
    if (!uri->driver || strcmp(uri->driver, "test") != 0)
        return DRIVER_OPEN_DECLINED;
    if (uri_names_daemon(uri))
        return DRIVER_OPEN_DECLINED; /* remote */
    if (!uri->path || uri->path[0] != '/') {
        error_report(VIREO_FROM_TEST, VIREO_ERR_INVALID_ARG,
                     "testOpen: supply a path or use test:///default in URI '%s'", uri->text);
        return DRIVER_OPEN_ERROR;
    }
    if (strcmp(uri->path, "/default") == 0)
        node = test_default_acquire();
    else
        node = test_node_load_file(uri->path, uri->text);
    if (!node)
        return DRIVER_OPEN_ERROR;
    conn->priv = node;
    return DRIVER_OPEN_SUCCESS;
}

static int test_conn_close(vireo_conn *conn)
{
    test_node *node = conn->priv;

    conn->priv = NULL;
    if (!node)
        return 0;
    if (node->shared)
        test_default_release();
    else
        test_node_free(node);
    return 0;
}

static const char *test_conn_get_type(vireo_conn *conn)
{
    (void)conn;
    return "TEST";
}

static int test_conn_get_version(vireo_conn *conn, unsigned long *hv_ver)
{
    (void)conn;
    *hv_ver = 2; /* "0.0.2", as libvirt's test driver reports */
    return 0;
}

static char *test_conn_get_hostname(vireo_conn *conn)
{
    (void)conn;
    /* the real host's name, as libvirt's test driver answers */
    return g_strdup(g_get_host_name());
}

static char *test_conn_get_capabilities(vireo_conn *conn)
{
    test_node *node = test_conn_node(conn);
    char *xml;

    g_mutex_lock(&node->lock);
    xml = test_caps_format(node);
    g_mutex_unlock(&node->lock);
    return xml;
}

static int test_conn_is_alive(vireo_conn *conn)
{
    (void)conn;
    return 1;
}

static int test_node_get_info(vireo_conn *conn, vireo_node_info *info)
{
    test_node *node = test_conn_node(conn);

    g_mutex_lock(&node->lock);
    *info = node->info;
    g_mutex_unlock(&node->lock);
    return 0;
}

static int test_event_register_any(vireo_conn *conn, vireo_domain *dom, int event_id,
                                   void (*cb)(void), void *opaque, vireo_free_cb freecb)
{
    /* events belong to the node: every connection sharing it sees them */
    return event_register(conn, test_conn_node(conn), dom, event_id, cb, opaque, freecb);
}

static int test_event_deregister_any(vireo_conn *conn, int callback_id)
{
    return event_deregister(conn, callback_id);
}

static const conn_driver test_conn_driver = {
    .conn_open = test_conn_open,
    .conn_close = test_conn_close,
    .conn_get_type = test_conn_get_type,
    .conn_get_version = test_conn_get_version,
    .conn_get_hostname = test_conn_get_hostname,
    .conn_get_capabilities = test_conn_get_capabilities,
    .conn_is_alive = test_conn_is_alive,
    .node_get_info = test_node_get_info,
};

static const domain_driver test_domain_driver = {
    .lookup_by_name = test_domain_lookup_by_name,
    .lookup_by_uuid = test_domain_lookup_by_uuid,
    .lookup_by_id = test_domain_lookup_by_id,
    .list_all = test_domain_list_all,
    .define_xml = test_domain_define_xml,
    .undefine = test_domain_undefine,
    .create = test_domain_create,
    .create_xml = test_domain_create_xml,
    .destroy = test_domain_destroy,
    .shutdown = test_domain_shutdown,
    .reboot = test_domain_reboot,
    .suspend = test_domain_suspend,
    .resume = test_domain_resume,
    .get_info = test_domain_get_info,
    .get_state = test_domain_get_state,
    .get_os_type = test_domain_get_os_type,
    .get_xml_desc = test_domain_get_xml_desc,
    .get_autostart = test_domain_get_autostart,
    .set_autostart = test_domain_set_autostart,
    .is_active = test_domain_is_active,
    .is_persistent = test_domain_is_persistent,
    .is_updated = test_domain_is_updated,
    .has_managed_save = test_domain_has_managed_save,
    .memory_stats = test_domain_memory_stats, .block_stats = test_domain_block_stats,
    .interface_stats = test_domain_interface_stats, .get_all_stats = test_domain_get_all_stats,
    .event_register_any = test_event_register_any,
    .event_deregister_any = test_event_deregister_any,
};

const driver test_driver = {
    .name = "test",
    .conn = &test_conn_driver,
    .domain = &test_domain_driver,
};
