/*
 * libvireo.c: the public API for errors, connections, the node and
 * events, over the driver tables of src/drivers/driver.h.
 *
 * Every public call clears the thread's error first, checks its
 * arguments, refuses changes on read-only connections, and turns a NULL
 * table entry into VIREO_ERR_NO_SUPPORT; the driver does the rest and
 * reports its own errors.
 */
#include <stdlib.h>
#include <string.h>

#include "libvireo-priv.h"
#include "util/uuid.h"
#include "drivers/event.h"
#include "drivers/lxc/lxc_driver.h"
#include "drivers/qemu/qemu_driver.h"
#include "drivers/test/test_driver.h"
#include "remote/remote_priv.h"

/* libvirt's VIR_CONNECT_RO, passed to conn_open */
#define API_CONNECT_RO 1

/* Drivers in the order they are offered a URI: the in-process ones,
 * then the remote driver, which takes every URI they decline. */
static const driver *const api_drivers[] = {
    &test_driver,
    &qemu_driver,
    &lxc_driver,
    &remote_driver,
};
/* api_drivers[0 .. API_LOCAL_DRIVERS-1] run in process */
#define API_LOCAL_DRIVERS 3

/* ---- checks shared with libvireo-domain.c ---- */

static void api_error(int domain, int code, const char *func)
{
    g_autofree char *message = g_strdup_printf("%s %s", error_code_text(code), func);

    error_set_full(domain, code, VIREO_ERR_LEVEL_ERROR, message, NULL, NULL, NULL, 0, 0);
}

bool api_conn_ok(vireo_conn *conn, const char *func)
{
    if (conn && g_atomic_int_get(&conn->refs) > 0 && conn->driver)
        return true;
    api_error(VIREO_FROM_NONE, VIREO_ERR_INVALID_CONN, func);
    return false;
}

bool api_domain_ok(vireo_domain *dom, const char *func)
{
    if (dom && g_atomic_int_get(&dom->refs) > 0 && dom->conn && dom->conn->driver)
        return true;
    api_error(VIREO_FROM_DOM, VIREO_ERR_INVALID_DOMAIN, func);
    return false;
}

bool api_pool_ok(vireo_storage_pool *pool, const char *func)
{
    if (pool && g_atomic_int_get(&pool->refs) > 0 && pool->conn && pool->conn->driver)
        return true;
    api_error(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_STORAGE_POOL, func);
    return false;
}

bool api_vol_ok(vireo_storage_vol *vol, const char *func)
{
    if (vol && g_atomic_int_get(&vol->refs) > 0 && vol->conn && vol->conn->driver)
        return true;
    api_error(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_STORAGE_VOL, func);
    return false;
}

bool api_secret_ok(vireo_secret *secret, const char *func)
{
    if (secret && g_atomic_int_get(&secret->refs) > 0 && secret->conn && secret->conn->driver)
        return true;
    api_error(VIREO_FROM_SECRET, VIREO_ERR_INVALID_SECRET, func);
    return false;
}

bool api_network_ok(vireo_network *net, const char *func)
{
    if (net && g_atomic_int_get(&net->refs) > 0 && net->conn && net->conn->driver)
        return true;
    api_error(VIREO_FROM_NETWORK, VIREO_ERR_INVALID_NETWORK, func);
    return false;
}

bool api_nwfilter_ok(vireo_nwfilter *filter, const char *func)
{
    if (filter && g_atomic_int_get(&filter->refs) > 0 && filter->conn && filter->conn->driver)
        return true;
    api_error(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER, func);
    return false;
}

bool api_iface_ok(vireo_interface *iface, const char *func)
{
    if (iface && g_atomic_int_get(&iface->refs) > 0 && iface->conn && iface->conn->driver)
        return true;
    api_error(VIREO_FROM_INTERFACE, VIREO_ERR_INVALID_INTERFACE, func);
    return false;
}

bool api_writable(vireo_conn *conn, const char *func)
{
    if (!conn->read_only)
        return true;
    error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_DENIED, "read only access prevents %s",
                 func);
    return false;
}

void api_no_support(const char *func)
{
    error_report(VIREO_FROM_NONE, VIREO_ERR_NO_SUPPORT, "%s", func);
}

void api_invalid_arg(const char *func, const char *what)
{
    error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG, "%s in %s must not be NULL", what,
                 func);
}

int api_uuid_parse(const char *uuidstr, unsigned char uuid[VIREO_UUID_BUFLEN], const char *func)
{
    if (!uuidstr) {
        api_invalid_arg(func, "uuid");
        return -1;
    }
    if (uuid_parse(uuidstr, uuid) < 0) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG, "malformed UUID '%s' in %s",
                     uuidstr, func);
        return -1;
    }
    return 0;
}

/* ---- errors ---- */

const vireo_error *vireo_error_last(void)
{
    return error_last();
}

void vireo_error_reset(void)
{
    error_reset();
}

/* ---- connections ---- */

/* The URI to open: the caller's, else the environment's, else the default. */
static const char *api_pick_uri(const char *uri)
{
    const char *env;

    if (uri && *uri)
        return uri;
    env = g_getenv("VIREO_DEFAULT_URI");
    if (env && *env)
        return env;
    env = g_getenv("LIBVIRT_DEFAULT_URI");
    if (env && *env)
        return env;
    return "test:///default";
}

/* libvirt's text, which names the URI without the code's usual colon */
static void api_report_no_connect(const char *uri)
{
    g_autofree char *message = g_strdup_printf("no connection driver available for %s", uri);

    error_set_full(VIREO_FROM_NONE, VIREO_ERR_NO_CONNECT, VIREO_ERR_LEVEL_ERROR, message, uri,
                   NULL, NULL, 0, 0);
}

/* Offer the URI to every driver in turn (the first ndrivers of
 * api_drivers); the first to claim it wins. */
static vireo_conn *api_open(const char *uri_in, bool read_only, size_t ndrivers)
{
    const char *text = api_pick_uri(uri_in);
    g_autoptr(vireo_uri) uri = NULL;
    vireo_conn *conn;

    error_reset();
    uri = uri_parse(text);
    if (!uri)
        return NULL;
    conn = conn_handle_new(text, read_only);
    for (size_t i = 0; i < ndrivers; i++) {
        driver_open_result r =
            api_drivers[i]->conn->conn_open(conn, uri, read_only ? API_CONNECT_RO : 0);

        if (r == DRIVER_OPEN_SUCCESS) {
            conn->driver = api_drivers[i];
            return conn;
        }
        if (r == DRIVER_OPEN_ERROR) {
            conn_handle_unref(conn);
            return NULL;
        }
    }
    conn_handle_unref(conn);
    api_report_no_connect(text);
    return NULL;
}

vireo_conn *vireo_conn_open(const char *uri)
{
    return api_open(uri, false, G_N_ELEMENTS(api_drivers));
}

vireo_conn *vireo_conn_open_read_only(const char *uri)
{
    return api_open(uri, true, G_N_ELEMENTS(api_drivers));
}

vireo_conn *api_conn_open_local(const char *uri, bool read_only)
{
    return api_open(uri, read_only, API_LOCAL_DRIVERS);
}

/* close and ref leave the thread's error alone (cleanup after a failure) */
int vireo_conn_close(vireo_conn *conn)
{
    if (!api_conn_ok(conn, __func__))
        return -1;
    return conn_handle_unref(conn);
}

int vireo_conn_ref(vireo_conn *conn)
{
    if (!api_conn_ok(conn, __func__))
        return -1;
    conn_handle_ref(conn);
    return 0;
}

char *vireo_conn_get_uri(vireo_conn *conn)
{
    error_reset();
    if (!api_conn_ok(conn, __func__))
        return NULL;
    if (conn->driver->conn->conn_get_uri)
        return conn->driver->conn->conn_get_uri(conn);
    return g_strdup(conn->uri);
}

const char *vireo_conn_get_type(vireo_conn *conn)
{
    API_CONN_ENTRY(conn, conn_get_type, NULL);
    return conn->driver->conn->conn_get_type(conn);
}

int vireo_conn_get_version(vireo_conn *conn, unsigned long *hv_ver)
{
    API_CONN_ENTRY(conn, conn_get_version, -1);
    if (!hv_ver) {
        api_invalid_arg(__func__, "hv_ver");
        return -1;
    }
    return conn->driver->conn->conn_get_version(conn, hv_ver);
}

int vireo_get_lib_version(unsigned long *lib_ver)
{
    error_reset();
    if (!lib_ver) {
        api_invalid_arg(__func__, "lib_ver");
        return -1;
    }
    *lib_ver = VIREO_VERSION_NUMBER;
    return 0;
}

char *vireo_conn_get_hostname(vireo_conn *conn)
{
    API_CONN_ENTRY(conn, conn_get_hostname, NULL);
    return conn->driver->conn->conn_get_hostname(conn);
}

char *vireo_conn_get_capabilities(vireo_conn *conn)
{
    API_CONN_ENTRY(conn, conn_get_capabilities, NULL);
    return conn->driver->conn->conn_get_capabilities(conn);
}

int vireo_conn_is_alive(vireo_conn *conn)
{
    error_reset();
    if (!api_conn_ok(conn, __func__))
        return -1;
    if (!conn->driver->conn->conn_is_alive)
        return 1; /* in-process drivers cannot lose their connection */
    return conn->driver->conn->conn_is_alive(conn);
}

int vireo_node_get_info(vireo_conn *conn, vireo_node_info *info)
{
    API_CONN_ENTRY(conn, node_get_info, -1);
    if (!info) {
        api_invalid_arg(__func__, "info");
        return -1;
    }
    memset(info, 0, sizeof(*info));
    return conn->driver->conn->node_get_info(conn, info);
}

/* ---- events ---- */

int vireo_conn_domain_event_register_any(vireo_conn *conn, vireo_domain *dom, int event_id,
                                         void (*cb)(void), void *opaque, vireo_free_cb freecb)
{
    API_CONN_DOMAIN_ENTRY(conn, event_register_any, false, -1);
    if (dom && !api_domain_ok(dom, __func__))
        return -1;
    if (dom && dom->conn != conn) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "domain '%s' in %s belongs to another connection", dom->name, __func__);
        return -1;
    }
    if (!cb) {
        api_invalid_arg(__func__, "cb");
        return -1;
    }
    return conn->driver->domain->event_register_any(conn, dom, event_id, cb, opaque, freecb);
}

int vireo_conn_domain_event_deregister_any(vireo_conn *conn, int callback_id)
{
    API_CONN_DOMAIN_ENTRY(conn, event_deregister_any, false, -1);
    if (callback_id < 0) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "callback_id in %s must be >= 0", __func__);
        return -1;
    }
    return conn->driver->domain->event_deregister_any(conn, callback_id);
}

int vireo_event_run_once(int timeout_ms)
{
    error_reset();
    event_run_once(timeout_ms);
    return 0;
}
