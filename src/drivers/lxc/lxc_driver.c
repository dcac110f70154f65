/*
 * lxc_driver.c: the LXC driver's connections: which URIs it claims, one
 * driver instance per root shared by the process's connections, the
 * instance's I/O thread and task pool, connection and node calls, and
 * the driver tables.
 *
 * URIs:
 *   lxc:///system (lxc:/// too, as libvirt)  root only (others are
 *                           declined, so the remote driver takes the URI
 *                           to vireod, as for qemu:///system); every path
 *                           under /, or under VIREO_ROOT when set (vireod
 *                           --root exports it), then served to any user
 *   lxc:///embed?root=DIR   in process, everything under DIR
 * A URI naming a socket (?socket=) is a daemon's: always declined.
 *
 * Job timeout: 30 s, or VIREO_LXC_JOB_TIMEOUT_MS, or the URI parameter
 * job_timeout_ms; read when the instance is created.
 *
 * Lifetime and autostart as the QEMU driver's (qemu_driver.c): system
 * stays for the process's life once opened and autostarts its domains
 * once per process; embed ends with its last connection and never
 * autostarts.  Ending an instance detaches from its containers, whose
 * controllers run on.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "drivers/event.h"
#include "drivers/instances.h"
#include "drivers/interface/interface_driver.h"
#include "drivers/lxc/lxc_driver.h"
#include "drivers/lxc/lxc_priv.h"
#include "drivers/network/network_state.h"
#include "drivers/node.h"
#include "drivers/node_info.h"
#include "drivers/nwfilter/nwfilter_state.h"
#include "drivers/secret/secret_driver.h"
#include "drivers/storage/storage_driver.h"
#include "drivers/driver_common.h"
#include "util/error.h"
#include "util/log.h"
#include "util/xml.h"

#define LOG_CATEGORY "lxc.driver"

static instance_registry lxc_instances;  /* one instance per root (instances.h) */

lxc_drv *lxc_conn_drv(vireo_conn *conn)
{
    return conn->priv;
}

lxc_drv *lxc_dom_drv(const dom_obj *dom)
{
    /* the table is a member of its instance */
    return (lxc_drv *)(void *)((char *)dom->table - offsetof(lxc_drv, doms));
}

bool lxc_flags_ok(unsigned int flags, unsigned int allowed, const char *func)
{
    return driver_flags_ok(VIREO_FROM_LXC, flags, allowed, func);
}

/* ---- a domain's private state ---- */

static void *lxc_dom_new(void)
{
    return g_new0(lxc_dom, 1);
}

static void lxc_dom_free(void *p)
{
    lxc_dom *ld = p;

    g_free(ld->pty);
    /* forgotten, not released: the container may run on (a daemon's exit) */
    g_clear_pointer(&ld->net_ports, g_hash_table_unref);
    cgroup_free(ld->cgroup);
    g_free(ld);
}

/* ---- the controller ---- */

/* $VIREO_LXC_CONTROLLER, the one of this build folder, the installed one. */
static char *lxc_controller_path(void)
{
    const char *env = g_getenv(LXC_CONTROLLER_ENV);

    if (env && *env)
        return g_strdup(env);
    if (access(LXC_CONTROLLER_BUILD_PATH, X_OK) == 0)
        return g_strdup(LXC_CONTROLLER_BUILD_PATH);
    return g_strdup(LXC_CONTROLLER_INSTALL_PATH);
}

static void lxc_drv_free(lxc_drv *drv)
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
        /* monitors close while the loop still runs */
        lxc_status_detach_all(drv);
        instance_io_stop(drv->loop, drv->io_thread);
    }
    dom_table_destroy(&drv->doms);
    if (drv->loop)
        g_main_loop_unref(drv->loop);
    if (drv->ctx)
        g_main_context_unref(drv->ctx);
    if (drv->node)
        node_release(drv->node);
    g_free(drv->key);
    g_free(drv->uri);
    g_free(drv->root);
    g_free(drv->run_dir);
    g_free(drv->log_dir);
    g_free(drv->controller);
    g_free(drv);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lxc_drv, lxc_drv_free)

static int lxc_drv_mkdirs(lxc_drv *drv)
{
    const char *dirs[] = { drv->run_dir, drv->log_dir };

    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (g_mkdir_with_parents(dirs[i], 0755) < 0) {
            error_report_system(VIREO_FROM_LXC, errno, "cannot create folder '%s'", dirs[i]);
            return -1;
        }
    }
    return 0;
}

/* A new instance rooted at root: folders made, I/O thread and task pool
 * running, definitions loaded, running containers taken back.  Called
 * with the registry lock. */
static lxc_drv *lxc_drv_new(const char *canon, const char *root, bool embed,
                            const vireo_uri *uri)
{
    g_autoptr(lxc_drv) drv = g_new0(lxc_drv, 1);
    g_autofree char *config_base = g_build_filename(root, "etc", "libvirt", NULL);
    g_autofree char *run_base = g_build_filename(root, "run", "libvirt", NULL);
    g_autofree char *config_dir = g_build_filename(config_base, "lxc", NULL);

    drv->uri = g_strdup(canon);
    drv->root = g_strdup(root);
    drv->embed = embed;
    drv->run_dir = g_build_filename(run_base, "lxc", NULL);
    drv->log_dir = g_build_filename(root, "var", "log", "libvirt", "lxc", NULL);
    drv->key = g_strdup(drv->run_dir);
    drv->controller = lxc_controller_path();
    drv->doms.from = VIREO_FROM_LXC;
    drv->doms.driver = "lxc";
    drv->doms.job_timeout_ms = instance_job_timeout(uri, "VIREO_LXC_JOB_TIMEOUT_MS",
                                                    LXC_JOB_TIMEOUT_MS);
    drv->doms.priv_new = lxc_dom_new;
    drv->doms.priv_free = lxc_dom_free;
    drv->doms.parse = lxc_def_parse;
    drv->doms.parse_opaque = drv;
    drv->doms.event_source = drv;
    if (dom_table_init(&drv->doms, config_dir) < 0 || lxc_drv_mkdirs(drv) < 0)
        return NULL;
    drv->node = node_acquire(config_base, run_base);
    if (!drv->node)
        return NULL;
    drv->ctx = g_main_context_new();
    drv->loop = g_main_loop_new(drv->ctx, FALSE);
    drv->io_thread = instance_io_start("lxc-io", drv->loop);
    drv->tasks = g_thread_pool_new(lxc_task_run, drv, -1, FALSE, NULL);
    dom_config_load_all(&drv->doms);
    lxc_status_load_all(drv);
    log_info("%s: ready (config '%s', state '%s', controller '%s')", drv->uri,
             drv->doms.config_dir, drv->run_dir, drv->controller);
    return g_steal_pointer(&drv);
}

/* What lxc_drv_new needs, through the registry. */
typedef struct lxc_drv_args {
    const char *canon, *root;
    bool embed;
    const vireo_uri *uri;
} lxc_drv_args;

static void *lxc_drv_create(void *arg)
{
    const lxc_drv_args *a = arg;

    return lxc_drv_new(a->canon, a->root, a->embed, a->uri);
}

static void lxc_drv_destroy(void *drv)
{
    lxc_drv_free(drv);
}

static void lxc_drv_autostart(void *drv)
{
    lxc_autostart_all(drv);
}

static const instance_ops lxc_drv_ops = {
    .create = lxc_drv_create,
    .destroy = lxc_drv_destroy,
    .autostart = lxc_drv_autostart,
};

/* The instance for the root, created at its first open; all but embed
 * last as long as the process (instances.h). */
static lxc_drv *lxc_drv_acquire(const char *canon, const char *root, bool embed,
                                const vireo_uri *uri)
{
    /* the key is the run folder: URIs naming the same folders share it */
    g_autofree char *key = g_build_filename(root, "run", "libvirt", "lxc", NULL);
    lxc_drv_args args = { canon, root, embed, uri };

    return instance_acquire(&lxc_instances, &lxc_drv_ops, key, !embed, &args);
}

static void lxc_drv_release(lxc_drv *drv)
{
    instance_release(&lxc_instances, &lxc_drv_ops, drv->key);
}

/* ---- connection entries ---- */

/* Which root a URI names; DECLINED for URIs that are not ours. */
static driver_open_result lxc_uri_root(const vireo_uri *uri, char **canon, char **root,
                                       bool *embed)
{
    const char *env_root = g_getenv("VIREO_ROOT");
    const char *path = uri->path ? uri->path : "";
    const char *dir;

    *embed = false;
    if (strcmp(path, "/system") == 0 || strcmp(path, "/") == 0 || !*path) {
        if (!(env_root && *env_root) && geteuid() != 0)
            return DRIVER_OPEN_DECLINED; /* vireod's, through the remote driver */
        *canon = g_strdup("lxc:///system");
        *root = g_strdup(env_root && *env_root ? env_root : "/");
        return DRIVER_OPEN_SUCCESS;
    }
    if (strcmp(path, "/embed") == 0) {
        dir = uri->params ? g_hash_table_lookup(uri->params, "root") : NULL;
        if (!dir || dir[0] != '/') {
            error_report(VIREO_FROM_LXC, VIREO_ERR_INVALID_ARG,
                         "URI '%s' must name an absolute folder: lxc:///embed?root=/DIR",
                         uri->text);
            return DRIVER_OPEN_ERROR;
        }
        *embed = true;
        *root = g_canonicalize_filename(dir, NULL);
        *canon = g_strdup_printf("lxc:///embed?root=%s", *root);
        return DRIVER_OPEN_SUCCESS;
    }
    error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR,
                 "unexpected LXC URI path '%s', try lxc:///system", path);
    return DRIVER_OPEN_ERROR;
}

static driver_open_result lxc_conn_open(vireo_conn *conn, const vireo_uri *uri,
                                        unsigned int flags)
{
    g_autofree char *canon = NULL;
    g_autofree char *root = NULL;
    driver_open_result r;
    bool embed;
    lxc_drv *drv;

    (void)flags;
    if (!uri->driver || strcmp(uri->driver, "lxc") != 0)
        return DRIVER_OPEN_DECLINED;
    if (uri_names_daemon(uri))
        return DRIVER_OPEN_DECLINED; /* remote */
    r = lxc_uri_root(uri, &canon, &root, &embed);
    if (r != DRIVER_OPEN_SUCCESS)
        return r;
    drv = lxc_drv_acquire(canon, root, embed, uri);
    if (!drv)
        return DRIVER_OPEN_ERROR;
    conn->priv = drv;
    conn->node = node_ref(drv->node);
    return DRIVER_OPEN_SUCCESS;
}

static int lxc_conn_close(vireo_conn *conn)
{
    lxc_drv *drv = conn->priv;

    conn->priv = NULL;
    if (drv)
        lxc_drv_release(drv);
    return 0;
}

static const char *lxc_conn_get_type(vireo_conn *conn)
{
    (void)conn;
    return "LXC";
}

/* The kernel's release, as libvirt's LXC driver reports its version:
 * major * 1,000,000 + minor * 1,000 + micro. */
static int lxc_conn_get_version(vireo_conn *conn, unsigned long *hv_ver)
{
    unsigned int major = 0, minor = 0, micro = 0;
    struct utsname u;

    (void)conn;
    if (uname(&u) < 0) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot read the kernel's version");
        return -1;
    }
    if (sscanf(u.release, "%u.%u.%u", &major, &minor, &micro) < 2) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR,
                     "cannot parse the kernel's version '%s'", u.release);
        return -1;
    }
    *hv_ver = (unsigned long)major * 1000000UL + minor * 1000UL + micro;
    return 0;
}

static char *lxc_conn_get_hostname(vireo_conn *conn)
{
    (void)conn;
    return g_strdup(g_get_host_name());
}

/* libvirt's LXC capabilities: the host, and one guest running programs
 * ("exe") of the host's architecture through the controller. */
static char *lxc_conn_get_capabilities(vireo_conn *conn)
{
    lxc_drv *drv = lxc_conn_drv(conn);
    const char *arch = "x86_64";
    struct utsname u;
    xml_buf b;

    if (uname(&u) == 0)
        arch = u.machine;
    xbuf_init(&b, 0);
    xbuf_add(&b, "<capabilities>\n");
    b.indent = 2;
    xbuf_add(&b, "<host>\n");
    xbuf_escape(&b, "  <cpu>\n    <arch>%s</arch>\n  </cpu>\n", arch);
    xbuf_add(&b, "  <secmodel>\n    <model>none</model>\n    <doi>0</doi>\n  </secmodel>\n");
    xbuf_add(&b, "</host>\n");
    xbuf_add(&b, "<guest>\n");
    xbuf_add(&b, "  <os_type>exe</os_type>\n");
    xbuf_escape(&b, "  <arch name='%s'>\n", arch);
    xbuf_add(&b, "    <wordsize>%u</wordsize>\n", (unsigned int)(sizeof(void *) * 8));
    xbuf_escape(&b, "    <emulator>%s</emulator>\n", drv->controller);
    xbuf_add(&b, "    <domain type='lxc'/>\n");
    xbuf_add(&b, "  </arch>\n");
    xbuf_add(&b, "</guest>\n");
    b.indent = 0;
    xbuf_add(&b, "</capabilities>\n");
    return xbuf_steal(&b);
}

static char *lxc_conn_get_uri(vireo_conn *conn)
{
    return g_strdup(lxc_conn_drv(conn)->uri);
}

static int lxc_conn_is_alive(vireo_conn *conn)
{
    (void)conn;
    return 1;
}

static int lxc_node_get_info(vireo_conn *conn, vireo_node_info *info)
{
    (void)conn;
    return node_host_info(VIREO_FROM_LXC, info);
}

static int lxc_event_register_any(vireo_conn *conn, vireo_domain *dom, int event_id,
                                  void (*cb)(void), void *opaque, vireo_free_cb freecb)
{
    /* events belong to the instance: every connection to the root sees them */
    return event_register(conn, lxc_conn_drv(conn), dom, event_id, cb, opaque, freecb);
}

static int lxc_event_deregister_any(vireo_conn *conn, int callback_id)
{
    return event_deregister(conn, callback_id);
}

/* ---- domain entries of domain_obj.h, on the connection's table ---- */

static dom_table *lxc_table(vireo_conn *conn)
{
    return &lxc_conn_drv(conn)->doms;
}

static vireo_domain *lxc_domain_lookup_by_name(vireo_conn *conn, const char *name)
{
    return dom_lookup_by_name(lxc_table(conn), conn, name);
}

static vireo_domain *lxc_domain_lookup_by_uuid(vireo_conn *conn, const unsigned char *uuid)
{
    return dom_lookup_by_uuid(lxc_table(conn), conn, uuid);
}

static vireo_domain *lxc_domain_lookup_by_id(vireo_conn *conn, int id)
{
    return dom_lookup_by_id(lxc_table(conn), conn, id);
}

static int lxc_domain_list_all(vireo_conn *conn, vireo_domain ***domains, unsigned int flags)
{
    return dom_list_all(lxc_table(conn), conn, domains, flags);
}

static int lxc_domain_get_state(vireo_domain *dom, int *state, int *reason, unsigned int flags)
{
    return dom_get_state(lxc_table(dom->conn), dom, state, reason, flags);
}

static char *lxc_domain_get_os_type(vireo_domain *dom)
{
    return dom_get_os_type(lxc_table(dom->conn), dom);
}

static char *lxc_domain_get_xml_desc(vireo_domain *dom, unsigned int flags)
{
    return dom_get_xml_desc(lxc_table(dom->conn), dom, flags);
}

static int lxc_domain_get_autostart(vireo_domain *dom, int *autostart)
{
    return dom_get_autostart(lxc_table(dom->conn), dom, autostart);
}

static int lxc_domain_set_autostart(vireo_domain *dom, int autostart)
{
    return dom_set_autostart(lxc_table(dom->conn), dom, autostart);
}

static int lxc_domain_is_active(vireo_domain *dom)
{
    return dom_is_active(lxc_table(dom->conn), dom);
}

static int lxc_domain_is_persistent(vireo_domain *dom)
{
    return dom_is_persistent(lxc_table(dom->conn), dom);
}

static int lxc_domain_is_updated(vireo_domain *dom)
{
    return dom_is_updated(lxc_table(dom->conn), dom);
}

static vireo_domain *lxc_domain_define_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    return dom_define_xml(lxc_table(conn), conn, xml, flags);
}

static int lxc_domain_undefine(vireo_domain *dom, unsigned int flags)
{
    return dom_undefine(lxc_table(dom->conn), dom, flags);
}

/* ---- tables ---- */

static const conn_driver lxc_conn_driver = {
    .conn_open = lxc_conn_open,
    .conn_close = lxc_conn_close,
    .conn_get_type = lxc_conn_get_type,
    .conn_get_version = lxc_conn_get_version,
    .conn_get_hostname = lxc_conn_get_hostname,
    .conn_get_capabilities = lxc_conn_get_capabilities,
    .conn_get_uri = lxc_conn_get_uri,
    .conn_is_alive = lxc_conn_is_alive,
    .node_get_info = lxc_node_get_info,
};

static const domain_driver lxc_domain_driver = {
    .lookup_by_name = lxc_domain_lookup_by_name,
    .lookup_by_uuid = lxc_domain_lookup_by_uuid,
    .lookup_by_id = lxc_domain_lookup_by_id,
    .list_all = lxc_domain_list_all,
    .define_xml = lxc_domain_define_xml,
    .undefine = lxc_domain_undefine,
    .create = lxc_domain_create,
    .create_xml = lxc_domain_create_xml,
    .destroy = lxc_domain_destroy,
    .shutdown = lxc_domain_shutdown,
    .reboot = lxc_domain_reboot,
    .suspend = lxc_domain_suspend,
    .resume = lxc_domain_resume,
    .get_info = lxc_domain_get_info,
    .get_state = lxc_domain_get_state,
    .get_os_type = lxc_domain_get_os_type,
    .get_xml_desc = lxc_domain_get_xml_desc,
    .get_autostart = lxc_domain_get_autostart,
    .set_autostart = lxc_domain_set_autostart,
    .is_active = lxc_domain_is_active,
    .is_persistent = lxc_domain_is_persistent,
    .is_updated = lxc_domain_is_updated,
    .memory_stats = lxc_domain_memory_stats,
    .interface_stats = lxc_domain_interface_stats,
    .get_all_stats = lxc_domain_get_all_stats,
    .open_console = lxc_domain_open_console,
    .event_register_any = lxc_event_register_any,
    .event_deregister_any = lxc_event_deregister_any,
    .lxc_open_namespace = lxc_domain_open_namespace,
};

const driver lxc_driver = {
    .name = "lxc",
    .conn = &lxc_conn_driver,
    .domain = &lxc_domain_driver,
    .storage = &storage_node_driver,
    .secret = &secret_node_driver,
    .network = &network_node_driver,
    .nwfilter = &nwfilter_node_driver,
    .iface = &host_interface_driver,
};
