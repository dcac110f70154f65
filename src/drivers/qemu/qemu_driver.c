/*
 * qemu_driver.c: the QEMU driver's connections: which URIs it claims,
 * one driver instance per root shared by the process's connections, the
 * instance's I/O thread, node calls, and the driver tables.
 *
 * URIs:
 *   qemu:///system          root only (others are declined, so the remote
 *                           driver takes the URI to vireod, as libvirt
 *                           does); every path under /
 *   qemu:///session         per user: libvirt's XDG folders
 *   qemu:///embed?root=DIR  in process, everything under DIR
 * VIREO_ROOT=DIR in the environment roots system and session under DIR
 * too (vireod --root exports it), and then qemu:///system is served to
 * any user: nothing outside DIR is touched.
 *
 * Job timeout: 30 s, or VIREO_QEMU_JOB_TIMEOUT_MS from the environment,
 * or the URI parameter job_timeout_ms (tests use a short one); read when
 * the instance is created.
 *
 * Lifetime: an embed instance ends with its last connection (detaching
 * from its guests, which keep running); system and session instances
 * stay for the process's life once opened, as libvirtd's driver state
 * does, so vireod's clients coming and going lose nothing.
 *
 * Autostart: domains marked autostart are started when the system or
 * session instance is created in a process (vireod: at its first qemu
 * client, or its default URI); never for embed, whose owner starts what
 * it wants.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/event.h"
#include "drivers/instances.h"
#include "drivers/node.h"
#include "drivers/node_info.h"
#include "drivers/qemu/qemu_caps.h"
#include "drivers/qemu/qemu_driver.h"
#include "drivers/qemu/qemu_priv.h"
#include "drivers/network/network_state.h"
#include "drivers/nwfilter/nwfilter_state.h"
#include "drivers/secret/secret_driver.h"
#include "drivers/interface/interface_driver.h"
#include "drivers/storage/storage_driver.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.driver"

static instance_registry qemu_instances;  /* one instance per root (instances.h) */

qemu_drv *qemu_conn_drv(vireo_conn *conn)
{
    return conn->priv;
}

/* ---- folders ---- */

/* *config_dir: the definitions' folder (the caller's, for drv->doms) */
static void qemu_drv_paths_rooted(qemu_drv *drv, const char *root, char **config_dir)
{
    g_autofree char *config_base = g_build_filename(root, "etc", "libvirt", NULL);
    g_autofree char *run_base = g_build_filename(root, "run", "libvirt", NULL);

    drv->node = node_acquire(config_base, run_base);
    *config_dir = g_build_filename(root, "etc", "libvirt", "qemu", NULL);
    drv->run_dir = g_build_filename(root, "run", "libvirt", "qemu", NULL);
    drv->log_dir = g_build_filename(root, "var", "log", "libvirt", "qemu", NULL);
    drv->cache_dir = g_build_filename(root, "var", "cache", "libvirt", "qemu", NULL);
    drv->save_dir = g_build_filename(root, "var", "lib", "libvirt", "qemu", "save", NULL);
}

/* libvirt's session layout */
static void qemu_drv_paths_session(qemu_drv *drv, char **config_dir)
{
    g_autofree char *config_base = g_build_filename(g_get_user_config_dir(), "libvirt", NULL);
    g_autofree char *run_base = g_build_filename(g_get_user_runtime_dir(), "libvirt", NULL);

    drv->node = node_acquire(config_base, run_base);
    *config_dir = g_build_filename(g_get_user_config_dir(), "libvirt", "qemu", NULL);
    drv->run_dir = g_build_filename(g_get_user_runtime_dir(), "libvirt", "qemu", "run", NULL);
    drv->log_dir = g_build_filename(g_get_user_cache_dir(), "libvirt", "qemu", "log", NULL);
    drv->cache_dir = g_build_filename(g_get_user_cache_dir(), "libvirt", "qemu", "cache", NULL);
    drv->save_dir = g_build_filename(*config_dir, "save", NULL);
}

static int qemu_drv_mkdirs(qemu_drv *drv)
{
    /* the definitions' folders are dom_table_init's */
    const char *dirs[] = { drv->run_dir, drv->log_dir, drv->cache_dir, drv->save_dir };

    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (g_mkdir_with_parents(dirs[i], 0755) < 0) {
            error_report_system(VIREO_FROM_QEMU, errno, "cannot create folder '%s'", dirs[i]);
            return -1;
        }
    }
    return 0;
}

static void qemu_drv_free(qemu_drv *drv)
{
    if (!drv)
        return;
    if (drv->doms.by_name) {
        g_mutex_lock(&drv->doms.lock);
        drv->closing = true;
        g_mutex_unlock(&drv->doms.lock);
    }
    /* queued clean-ups and autostarts finish first: they hold jobs */
    if (drv->tasks)
        g_thread_pool_free(drv->tasks, FALSE, TRUE);
    if (drv->io_thread) {
        /* monitors close while the loop still runs (qmp_close waits on it) */
        qemu_status_detach_all(drv);
        instance_io_stop(drv->loop, drv->io_thread);
    }
    dom_table_destroy(&drv->doms);
    if (drv->loop)
        g_main_loop_unref(drv->loop);
    if (drv->ctx)
        g_main_context_unref(drv->ctx);
    if (drv->node)
        node_release(drv->node);
    qemu_conf_free(drv->conf);
    g_free(drv->key);
    g_free(drv->uri);
    g_free(drv->run_dir);
    g_free(drv->log_dir);
    g_free(drv->cache_dir);
    g_free(drv->save_dir);
    g_free(drv);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemu_drv, qemu_drv_free)

/* A new instance for uri, rooted at root (NULL: the session folders):
 * folders made, I/O thread running, definitions loaded, running guests
 * re-attached.  Called with the registry lock. */
static qemu_drv *qemu_drv_new(const char *canon, const char *root, bool embed,
                              const vireo_uri *uri)
{
    g_autoptr(qemu_drv) drv = g_new0(qemu_drv, 1);
    g_autofree char *config_dir = NULL;

    drv->uri = g_strdup(canon);
    drv->embed = embed;
    drv->job_timeout_ms = instance_job_timeout(uri, "VIREO_QEMU_JOB_TIMEOUT_MS",
                                               QEMU_JOB_TIMEOUT_MS);
    if (root)
        qemu_drv_paths_rooted(drv, root, &config_dir);
    else
        qemu_drv_paths_session(drv, &config_dir);
    drv->key = g_strdup(drv->run_dir);
    qemu_dom_table_setup(drv);
    if (!drv->node || dom_table_init(&drv->doms, config_dir) < 0 || qemu_drv_mkdirs(drv) < 0)
        return NULL;
    {
        g_autofree char *base = g_path_get_dirname(drv->doms.config_dir);
        g_autofree char *conf_path = g_build_filename(base, "qemu.conf", NULL);

        drv->conf = qemu_conf_load(conf_path, !embed && g_strcmp0(root, "/") == 0);
        if (!drv->conf || qemu_dac_prepare_dirs(drv) < 0)
            return NULL;
    }
    drv->ctx = g_main_context_new();
    drv->loop = g_main_loop_new(drv->ctx, FALSE);
    drv->io_thread = instance_io_start("qemu-io", drv->loop);
    drv->tasks = g_thread_pool_new(qemu_task_run, drv, -1, FALSE, NULL);
    qemu_task_push_drv(drv, QEMU_TASK_CAPS);
    dom_config_load_all(&drv->doms);
    qemu_status_load_all(drv);
    log_info("%s: ready (config '%s', state '%s')", drv->uri, drv->doms.config_dir, drv->run_dir);
    return g_steal_pointer(&drv);
}

/* What qemu_drv_new needs, through the registry. */
typedef struct qemu_drv_args {
    const char *canon, *root;
    bool embed;
    const vireo_uri *uri;
} qemu_drv_args;

static void *qemu_drv_create(void *arg)
{
    const qemu_drv_args *a = arg;

    return qemu_drv_new(a->canon, a->root, a->embed, a->uri);
}

static void qemu_drv_destroy(void *drv)
{
    qemu_drv_free(drv);
}

static void qemu_drv_autostart(void *drv)
{
    qemu_autostart_all(drv);
}

static const instance_ops qemu_drv_ops = {
    .create = qemu_drv_create,
    .destroy = qemu_drv_destroy,
    .autostart = qemu_drv_autostart,
};

/* The instance for the root, created at its first open; all but embed
 * last as long as the process (instances.h). */
static qemu_drv *qemu_drv_acquire(const char *canon, const char *root, bool embed,
                                  const vireo_uri *uri)
{
    /* the key is the run folder: URIs naming the same folders share it */
    g_autofree char *key = root ? g_build_filename(root, "run", "libvirt", "qemu", NULL)
                                : g_build_filename(g_get_user_runtime_dir(), "libvirt", "qemu",
                                                   "run", NULL);
    qemu_drv_args args = { canon, root, embed, uri };

    return instance_acquire(&qemu_instances, &qemu_drv_ops, key, !embed, &args);
}

static void qemu_drv_release(qemu_drv *drv)
{
    instance_release(&qemu_instances, &qemu_drv_ops, drv->key);
}

/* ---- connection entries ---- */

/* Which root a URI names; DECLINED for URIs that are not ours. */
static driver_open_result qemu_uri_root(const vireo_uri *uri, char **canon, char **root,
                                        bool *embed)
{
    const char *env_root = g_getenv("VIREO_ROOT");
    const char *dir;

    *embed = false;
    if (strcmp(uri->path ? uri->path : "", "/system") == 0) {
        if (!(env_root && *env_root) && geteuid() != 0)
            return DRIVER_OPEN_DECLINED; /* vireod's, through the remote driver */
        *canon = g_strdup("qemu:///system");
        *root = g_strdup(env_root && *env_root ? env_root : "/");
        return DRIVER_OPEN_SUCCESS;
    }
    if (strcmp(uri->path ? uri->path : "", "/session") == 0) {
        *canon = g_strdup("qemu:///session");
        *root = env_root && *env_root ? g_strdup(env_root) : NULL;
        return DRIVER_OPEN_SUCCESS;
    }
    if (strcmp(uri->path ? uri->path : "", "/embed") == 0) {
        dir = uri->params ? g_hash_table_lookup(uri->params, "root") : NULL;
        if (!dir || dir[0] != '/') {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                         "URI '%s' must name an absolute folder: qemu:///embed?root=/DIR",
                         uri->text);
            return DRIVER_OPEN_ERROR;
        }
        *embed = true;
        *root = g_canonicalize_filename(dir, NULL);
        *canon = g_strdup_printf("qemu:///embed?root=%s", *root);
        return DRIVER_OPEN_SUCCESS;
    }
    error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                 "unexpected QEMU URI path '%s', try qemu:///system", uri->path);
    return DRIVER_OPEN_ERROR;
}

static driver_open_result qemu_conn_open(vireo_conn *conn, const vireo_uri *uri,
                                         unsigned int flags)
{
    g_autofree char *canon = NULL;
    g_autofree char *root = NULL;
    driver_open_result r;
    bool embed;
    qemu_drv *drv;

    (void)flags;
    if (!uri->driver || strcmp(uri->driver, "qemu") != 0)
        return DRIVER_OPEN_DECLINED;
    if (uri_names_daemon(uri))
        return DRIVER_OPEN_DECLINED; /* remote */
    r = qemu_uri_root(uri, &canon, &root, &embed);
    if (r != DRIVER_OPEN_SUCCESS)
        return r;
    drv = qemu_drv_acquire(canon, root, embed, uri);
    if (!drv)
        return DRIVER_OPEN_ERROR;
    conn->priv = drv;
    conn->node = node_ref(drv->node);
    return DRIVER_OPEN_SUCCESS;
}

static int qemu_conn_close(vireo_conn *conn)
{
    qemu_drv *drv = conn->priv;

    conn->priv = NULL;
    if (drv)
        qemu_drv_release(drv);
    return 0;
}

static const char *qemu_conn_get_type(vireo_conn *conn)
{
    (void)conn;
    return "QEMU";
}

static int qemu_conn_get_version(vireo_conn *conn, unsigned long *hv_ver)
{
    g_autoptr(qemu_caps) caps = qemu_caps_get(QEMU_EMULATOR_DEFAULT,
                                              qemu_conn_drv(conn)->cache_dir);

    if (!caps)
        return -1;
    *hv_ver = caps->version;
    return 0;
}

static char *qemu_conn_get_hostname(vireo_conn *conn)
{
    (void)conn;
    return g_strdup(g_get_host_name());
}

static char *qemu_conn_get_capabilities(vireo_conn *conn)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func((GDestroyNotify)qemu_caps_unref);
    qemu_caps *caps = qemu_caps_get(QEMU_EMULATOR_DEFAULT, qemu_conn_drv(conn)->cache_dir);

    if (!caps)
        return NULL;
    g_ptr_array_add(list, caps);
    return qemu_caps_format_host(list);
}

static char *qemu_conn_get_uri(vireo_conn *conn)
{
    return g_strdup(qemu_conn_drv(conn)->uri);
}

static int qemu_conn_is_alive(vireo_conn *conn)
{
    (void)conn;
    return 1;
}

static int qemu_node_get_info(vireo_conn *conn, vireo_node_info *info)
{
    (void)conn;
    return node_host_info(VIREO_FROM_QEMU, info);
}

static int qemu_event_register_any(vireo_conn *conn, vireo_domain *dom, int event_id,
                                   void (*cb)(void), void *opaque, vireo_free_cb freecb)
{
    /* events belong to the instance: every connection to the root sees them */
    return event_register(conn, qemu_conn_drv(conn), dom, event_id, cb, opaque, freecb);
}

static int qemu_event_deregister_any(vireo_conn *conn, int callback_id)
{
    return event_deregister(conn, callback_id);
}

static const conn_driver qemu_conn_driver = {
    .conn_open = qemu_conn_open,
    .conn_close = qemu_conn_close,
    .conn_get_type = qemu_conn_get_type,
    .conn_get_version = qemu_conn_get_version,
    .conn_get_hostname = qemu_conn_get_hostname,
    .conn_get_capabilities = qemu_conn_get_capabilities,
    .conn_get_uri = qemu_conn_get_uri,
    .conn_is_alive = qemu_conn_is_alive,
    .node_get_info = qemu_node_get_info,
};

static const domain_driver qemu_domain_driver = {
    .lookup_by_name = qemu_domain_lookup_by_name,
    .lookup_by_uuid = qemu_domain_lookup_by_uuid,
    .lookup_by_id = qemu_domain_lookup_by_id,
    .list_all = qemu_domain_list_all,
    .define_xml = qemu_domain_define_xml,
    .undefine = qemu_domain_undefine,
    .create = qemu_domain_create,
    .create_xml = qemu_domain_create_xml,
    .destroy = qemu_domain_destroy,
    .shutdown = qemu_domain_shutdown,
    .reboot = qemu_domain_reboot,
    .suspend = qemu_domain_suspend,
    .resume = qemu_domain_resume,
    .get_info = qemu_domain_get_info,
    .get_state = qemu_domain_get_state,
    .get_os_type = qemu_domain_get_os_type,
    .get_xml_desc = qemu_domain_get_xml_desc,
    .get_autostart = qemu_domain_get_autostart,
    .set_autostart = qemu_domain_set_autostart,
    .is_active = qemu_domain_is_active,
    .is_persistent = qemu_domain_is_persistent,
    .is_updated = qemu_domain_is_updated,
    .has_managed_save = qemu_domain_has_managed_save,
    .reset = qemu_domain_reset,
    .save = qemu_domain_save,
    .restore = qemu_domain_restore,
    .save_image_get_xml_desc = qemu_domain_save_image_get_xml_desc,
    .managed_save = qemu_domain_managed_save,
    .managed_save_remove = qemu_domain_managed_save_remove,
    .core_dump = qemu_domain_core_dump,
    .attach_device = qemu_domain_attach_device,
    .detach_device = qemu_domain_detach_device,
    .update_device = qemu_domain_update_device,
    .set_vcpus = qemu_domain_set_vcpus,
    .get_vcpus_flags = qemu_domain_get_vcpus_flags,
    .set_memory = qemu_domain_set_memory,
    .memory_stats = qemu_domain_memory_stats,
    .block_stats = qemu_domain_block_stats,
    .interface_stats = qemu_domain_interface_stats,
    .interface_addresses = qemu_domain_interface_addresses,
    .get_all_stats = qemu_domain_get_all_stats,
    .open_console = qemu_domain_open_console,
    .get_messages = qemu_domain_get_messages,
    .event_register_any = qemu_event_register_any,
    .event_deregister_any = qemu_event_deregister_any,
};

const driver qemu_driver = {
    .name = "qemu",
    .conn = &qemu_conn_driver,
    .domain = &qemu_domain_driver,
    .storage = &storage_node_driver,
    .secret = &secret_node_driver,
    .network = &network_node_driver,
    .nwfilter = &nwfilter_node_driver,
    .iface = &host_interface_driver,
};
