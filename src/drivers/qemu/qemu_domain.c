/*
 * qemu_domain.c: the QEMU driver's domain objects and tables, the QEMU
 * defaults and checks applied to every definition (post-parse), the
 * persistent configuration files, define and undefine.
 */
#include <errno.h>
#include <libxml/parser.h>
#include <string.h>
#include <unistd.h>

#include "drivers/driver_common.h"
#include "drivers/qemu/qemu_caps.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/cgroup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/uuid.h"

#define LOG_CATEGORY "qemu.domain"

/* libvirt flag bits accepted and ignored by undefine: managed save,
 * snapshots, nvram, checkpoints, tpm (nothing of that kind is kept yet) */
#define QEMU_UNDEFINE_FLAGS 0x7fu

/* ---- objects ---- */

qemu_dom *qemu_dom_new(qemu_drv *drv)
{
    qemu_dom *dom = g_new0(qemu_dom, 1);

    dom->refs = 1;
    dom->drv = drv;
    dom->state = VIREO_DOMAIN_SHUTOFF;
    dom->reason = VIREO_DOMAIN_SHUTOFF_UNKNOWN;
    g_cond_init(&dom->job_cond);
    return dom;
}

qemu_dom *qemu_dom_ref(qemu_dom *dom)
{
    g_atomic_int_inc(&dom->refs);
    return dom;
}

void qemu_dom_unref(qemu_dom *dom)
{
    if (!dom || !g_atomic_int_dec_and_test(&dom->refs))
        return;
    domain_def_free(dom->def);
    domain_def_free(dom->live);
    /* forgotten, not released: the guest may run on (a daemon's exit) */
    g_clear_pointer(&dom->net_ports, g_hash_table_unref);
    cgroup_free(dom->cgroup);   /* forgotten too: found again by name (qemu_cgroup.c) */
    g_cond_clear(&dom->job_cond);
    g_free(dom);
}

const domain_def *qemu_dom_current(const qemu_dom *dom)
{
    return dom->live ? dom->live : dom->def;
}

bool qemu_dom_active(const qemu_dom *dom)
{
    return dom->live != NULL;
}

vireo_domain *qemu_dom_handle(vireo_conn *conn, const qemu_dom *dom)
{
    const domain_def *def = qemu_dom_current(dom);

    return domain_handle_new(conn, def->name, def->uuid, dom->live ? dom->live->id : -1);
}

/* ---- tables (drv->lock held) ---- */

qemu_dom *qemu_drv_find_name(qemu_drv *drv, const char *name)
{
    return g_hash_table_lookup(drv->by_name, name);
}

qemu_dom *qemu_drv_find_uuid(qemu_drv *drv, const unsigned char *uuid)
{
    char text[VIREO_UUID_STRING_BUFLEN];

    uuid_format(uuid, text);
    return g_hash_table_lookup(drv->by_uuid, text);
}

qemu_dom *qemu_drv_find_id(qemu_drv *drv, int id)
{
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, drv->by_name);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        qemu_dom *dom = value;

        if (dom->live && dom->live->id == id)
            return dom;
    }
    return NULL;
}

void qemu_drv_add(qemu_drv *drv, qemu_dom *dom)
{
    const domain_def *def = qemu_dom_current(dom);
    char text[VIREO_UUID_STRING_BUFLEN];

    uuid_format(def->uuid, text);
    g_hash_table_insert(drv->by_uuid, g_strdup(text), dom);
    g_hash_table_insert(drv->by_name, g_strdup(def->name), dom);
}

void qemu_drv_remove(qemu_drv *drv, qemu_dom *dom)
{
    const domain_def *def = qemu_dom_current(dom);
    char text[VIREO_UUID_STRING_BUFLEN];

    dom->removed = true;
    g_cond_broadcast(&dom->job_cond);
    uuid_format(def->uuid, text);
    g_hash_table_remove(drv->by_uuid, text);
    g_hash_table_remove(drv->by_name, def->name); /* drops the table's reference */
}

int qemu_drv_check_clash(qemu_drv *drv, const domain_def *def, qemu_dom **found)
{
    qemu_dom *same_uuid = qemu_drv_find_uuid(drv, def->uuid);
    qemu_dom *same_name;
    char text[VIREO_UUID_STRING_BUFLEN];

    *found = NULL;
    if (same_uuid) {
        const domain_def *cur = qemu_dom_current(same_uuid);

        if (strcmp(cur->name, def->name) != 0) {
            uuid_format(cur->uuid, text);
            error_report(VIREO_FROM_DOMAIN, VIREO_ERR_OPERATION_FAILED,
                         "domain '%s' is already defined with uuid %s", cur->name, text);
            return -1;
        }
        *found = same_uuid;
        return 0;
    }
    same_name = qemu_drv_find_name(drv, def->name);
    if (same_name) {
        uuid_format(qemu_dom_current(same_name)->uuid, text);
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_OPERATION_FAILED,
                     "domain '%s' already exists with uuid %s", def->name, text);
        return -1;
    }
    return 0;
}

qemu_dom *qemu_dom_from_handle(vireo_domain *handle)
{
    qemu_drv *drv = qemu_conn_drv(handle->conn);
    char text[VIREO_UUID_STRING_BUFLEN];
    qemu_dom *dom;

    g_mutex_lock(&drv->lock);
    dom = qemu_drv_find_uuid(drv, handle->uuid);
    if (dom)
        qemu_dom_ref(dom);
    g_mutex_unlock(&drv->lock);
    if (!dom) {
        uuid_format(handle->uuid, text);
        error_report(VIREO_FROM_QEMU, VIREO_ERR_NO_DOMAIN,
                     "no domain with matching uuid '%s' (%s)", text, handle->name);
    }
    return dom;
}

bool qemu_flags_ok(unsigned int flags, unsigned int allowed, const char *func)
{
    return driver_flags_ok(VIREO_FROM_QEMU, flags, allowed, func);
}

void qemu_state_error(const qemu_dom *dom, const char *what)
{
    static const char *const names[] = {
        "no state", "running", "blocked", "paused", "being shut down", "shut off", "crashed",
        "suspended by guest power management",
    };
    const char *name = qemu_dom_current(dom)->name;
    int st = dom->state;

    if (!qemu_dom_active(dom))
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID, "domain '%s' is not running",
                     name);
    else
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID, "domain '%s' is %s, not %s",
                     name, st >= 0 && st < (int)G_N_ELEMENTS(names) ? names[st] : "unknown",
                     what);
}

/* ---- post-parse: QEMU's defaults and checks ---- */

static int qemu_def_check_type(domain_def *def)
{
    if (def->virt != DOMAIN_VIRT_QEMU && def->virt != DOMAIN_VIRT_KVM) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "domain type '%s' of domain '%s' is not supported by the QEMU driver "
                     "(use 'qemu' or 'kvm')", domain_virt_names[def->virt], def->name);
        return -1;
    }
    if (def->os.type && strcmp(def->os.type, "hvm") != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OS_TYPE,
                     "OS type '%s' of domain '%s' is not supported by the QEMU driver (use 'hvm')",
                     def->os.type, def->name);
        return -1;
    }
    if (!def->os.arch)
        def->os.arch = g_strdup("x86_64");
    if (strcmp(def->os.arch, "x86_64") != 0 && strcmp(def->os.arch, "i686") != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "architecture '%s' of domain '%s' is not supported (x86_64, i686)",
                     def->os.arch, def->name);
        return -1;
    }
    return 0;
}

/* Emulator and machine: the emulator must exist, the machine must be one
 * it has (the default one when absent; an alias stays as given and is
 * resolved at each start). */
static int qemu_def_check_emulator(qemu_drv *drv, domain_def *def)
{
    g_autoptr(qemu_caps) caps = NULL;
    const qemu_machine *machine;

    if (!def->devices.emulator)
        def->devices.emulator = g_strdup(QEMU_EMULATOR_DEFAULT);
    if (access(def->devices.emulator, X_OK) < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "Cannot check QEMU binary %s",
                            def->devices.emulator);
        return -1;
    }
    caps = qemu_caps_get(def->devices.emulator, drv->cache_dir);
    if (!caps)
        return -1;
    machine = qemu_caps_machine(caps, def->os.machine);
    if (!machine)
        return -1;
    if (!def->os.machine)
        def->os.machine = g_strdup(machine->name);
    return 0;
}

domain_def *qemu_def_parse(qemu_drv *drv, const char *xml)
{
    g_autoptr(domain_def) def = domain_def_parse(xml, 0);

    if (!def || qemu_def_check_type(def) < 0 || qemu_def_check_emulator(drv, def) < 0)
        return NULL;
    /* stable guest ABI: addresses are given once and kept in the file */
    if (domain_def_assign_addresses(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

/* ---- configuration files ---- */

int qemu_config_save(qemu_drv *drv, const domain_def *def)
{
    g_autofree char *path = qemu_dom_path(drv, drv->config_dir, def->name, ".xml");
    g_autofree char *xml = domain_def_format(def, VIREO_DOMAIN_XML_INACTIVE |
                                                      VIREO_DOMAIN_XML_SECURE);

    if (!xml)
        return -1;
    return file_write_atomic(path, xml, strlen(xml), 0600, VIREO_FROM_QEMU);
}

int qemu_config_remove(qemu_drv *drv, const char *name)
{
    g_autofree char *path = qemu_dom_path(drv, drv->config_dir, name, ".xml");

    /* the link first: a crash in between leaves a definition without
     * autostart, never an autostart link to nothing */
    if (qemu_autostart_link(drv, name, false) < 0)
        return -1;
    return file_remove_durable(path, VIREO_FROM_QEMU);
}

int qemu_autostart_link(qemu_drv *drv, const char *name, bool on)
{
    g_autofree char *link = qemu_dom_path(drv, drv->autostart_dir, name, ".xml");
    g_autofree char *target = qemu_dom_path(drv, drv->config_dir, name, ".xml");

    if (on)
        return file_symlink_atomic(target, link, VIREO_FROM_QEMU);
    return file_remove_durable(link, VIREO_FROM_QEMU);
}

/* One config file, read and parsed by a loader thread. */
typedef struct config_job {
    char *path;             /* owned */
    domain_def *def;        /* owned; NULL when unreadable */
} config_job;

static void config_job_free(gpointer p)
{
    config_job *j = p;

    g_free(j->path);
    domain_def_free(j->def);
    g_free(j);
}

static void config_job_parse(gpointer data, gpointer user)
{
    config_job *j = data;
    g_autofree char *xml = NULL;

    (void)user;
    error_reset();
    if (!g_file_get_contents(j->path, &xml, NULL, NULL) || !(j->def = domain_def_parse(xml, 0)))
        log_error("skipping config '%s': %s", j->path,
                  error_last() ? error_last()->message : "unreadable");
    error_reset();
}

/* Put a parsed config in the tables (drv->lock held); autostart: the
 * names of the autostart folder's links. */
static void qemu_config_add(qemu_drv *drv, config_job *j, GHashTable *autostart)
{
    g_autofree char *link = NULL;
    qemu_dom *found;
    qemu_dom *dom;

    if (qemu_drv_check_clash(drv, j->def, &found) < 0 || found) {
        log_error("skipping config '%s': its name or UUID is taken", j->path);
        error_reset();
        return;
    }
    link = g_strconcat(j->def->name, ".xml", NULL);
    dom = qemu_dom_new(drv);
    dom->def = g_steal_pointer(&j->def);
    dom->autostart = g_hash_table_contains(autostart, link);
    qemu_drv_add(drv, dom);
}

/* The file names in dir (one read of the folder, not a stat per domain). */
static GHashTable *qemu_dir_names(const char *dir)
{
    GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *file;

    while (d && (file = g_dir_read_name(d)))
        g_hash_table_add(names, g_strdup(file));
    return names;
}

/* Parsing is most of a start with many domains defined: the files are
 * parsed on every CPU, then added in the folder's order. */
void qemu_config_load_all(qemu_drv *drv)
{
    g_autoptr(GDir) dir = g_dir_open(drv->config_dir, 0, NULL);
    g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func(config_job_free);
    g_autoptr(GHashTable) autostart = NULL;
    GThreadPool *pool = NULL;
    const char *file;

    if (!dir)
        return;
    file_remove_leftovers(drv->config_dir);
    file_remove_leftovers(drv->autostart_dir);
    while ((file = g_dir_read_name(dir))) {
        config_job *j;

        if (!g_str_has_suffix(file, ".xml"))
            continue;
        j = g_new0(config_job, 1);
        j->path = g_build_filename(drv->config_dir, file, NULL);
        g_ptr_array_add(jobs, j);
    }
    if (jobs->len > 64 && g_get_num_processors() > 1) {
        xmlInitParser(); /* once, before the threads use libxml2 */
        pool = g_thread_pool_new(config_job_parse, NULL, (gint)g_get_num_processors(), TRUE,
                                 NULL);
    }
    for (guint i = 0; i < jobs->len; i++) {
        if (!pool || !g_thread_pool_push(pool, jobs->pdata[i], NULL))
            config_job_parse(jobs->pdata[i], NULL);
    }
    if (pool)
        g_thread_pool_free(pool, FALSE, TRUE);
    autostart = qemu_dir_names(drv->autostart_dir);
    g_mutex_lock(&drv->lock);
    for (guint i = 0; i < jobs->len; i++) {
        config_job *j = jobs->pdata[i];

        if (j->def)
            qemu_config_add(drv, j, autostart);
    }
    g_mutex_unlock(&drv->lock);
}

/* ---- define, undefine ---- */

/* Make def, whose file is written, dom's persistent definition
 * (drv->lock held).  Returns the event detail. */
static int qemu_define_store(qemu_drv *drv, qemu_dom *existing, domain_def *def,
                             qemu_dom **out)
{
    if (!existing) {
        qemu_dom *dom = qemu_dom_new(drv);

        dom->def = def;
        qemu_drv_add(drv, dom);
        *out = dom;
        return VIREO_DOMAIN_EVENT_DEFINED_ADDED;
    }
    *out = existing;
    if (!existing->def) {
        existing->def = def; /* a running transient domain becomes persistent */
        return VIREO_DOMAIN_EVENT_DEFINED_ADDED;
    }
    domain_def_free(existing->def);
    existing->def = def;
    if (qemu_dom_active(existing))
        existing->updated = true; /* the live definition stays until it stops */
    return VIREO_DOMAIN_EVENT_DEFINED_UPDATED;
}

vireo_domain *qemu_domain_define_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    qemu_drv *drv = qemu_conn_drv(conn);
    g_autoptr(domain_def) def = NULL;
    vireo_domain *handle = NULL;
    qemu_dom *existing, *dom;
    bool had_file = false;
    int rc;

    if (!qemu_flags_ok(flags, VIREO_DOMAIN_DEFINE_VALIDATE, __func__))
        return NULL;
    def = qemu_def_parse(drv, xml);
    if (!def)
        return NULL;
    /* the file is written without drv->lock (see qemu_priv.h) */
    g_mutex_lock(&drv->files_lock);
    g_mutex_lock(&drv->lock);
    rc = qemu_drv_check_clash(drv, def, &existing);
    had_file = existing && existing->def;
    g_mutex_unlock(&drv->lock);
    if (rc == 0 && qemu_config_save(drv, def) == 0) {
        g_mutex_lock(&drv->lock);
        /* a transient domain may have come or gone meanwhile */
        if (qemu_drv_check_clash(drv, def, &existing) == 0) {
            int detail = qemu_define_store(drv, existing, g_steal_pointer(&def), &dom);

            qemu_dom_emit(dom, VIREO_DOMAIN_EVENT_DEFINED, detail);
            handle = qemu_dom_handle(conn, dom);
        } else if (!had_file) {
            g_autoptr(vireo_error) saved = error_save();
            g_autofree char *path = qemu_dom_path(drv, drv->config_dir, def->name, ".xml");

            file_remove_durable(path, VIREO_FROM_QEMU);
            error_restore(g_steal_pointer(&saved));
        }
        g_mutex_unlock(&drv->lock);
    }
    g_mutex_unlock(&drv->files_lock);
    return handle;
}

/* As libvirt: a managed save image blocks undefine unless the caller
 * asks to remove it too (files_lock held, job held). */
static int qemu_undefine_managed_save(qemu_dom *dom, unsigned int flags)
{
    g_autofree char *path = NULL;

    if (!qemu_managed_save_exists(dom))
        return 0;
    if (!(flags & VIREO_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "Refusing to undefine while domain managed save image exists");
        return -1;
    }
    path = qemu_managed_save_path(dom->drv, dom->def->name);
    if (unlink(path) < 0 && errno != ENOENT) {
        error_report_system(VIREO_FROM_QEMU, errno, "Failed to remove domain managed save image '%s'",
                            path);
        return -1;
    }
    return 0;
}

int qemu_domain_undefine(vireo_domain *handle, unsigned int flags)
{
    g_autoptr(qemu_dom) dom = NULL;
    qemu_drv *drv;
    int ret = -1;

    if (!qemu_flags_ok(flags, QEMU_UNDEFINE_FLAGS, __func__) ||
        !(dom = qemu_dom_from_handle(handle)))
        return -1;
    drv = dom->drv;
    if (qemu_job_begin(dom, "undefine", drv->job_timeout_ms) < 0)
        return -1;
    /* dom->def changes only under files_lock: read without drv->lock */
    g_mutex_lock(&drv->files_lock);
    if (!dom->def) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "cannot undefine transient domain '%s'", handle->name);
    } else if (qemu_undefine_managed_save(dom, flags) < 0) {
        /* refused, or the image could not be removed: nothing changed */
    } else if (qemu_config_remove(drv, dom->def->name) == 0) {
        g_mutex_lock(&drv->lock);
        qemu_dom_emit(dom, VIREO_DOMAIN_EVENT_UNDEFINED, VIREO_DOMAIN_EVENT_UNDEFINED_REMOVED);
        if (qemu_dom_active(dom)) {
            /* it keeps running, as a transient domain */
            g_clear_pointer(&dom->def, domain_def_free);
            dom->autostart = false;
            dom->updated = false;
        } else {
            qemu_drv_remove(drv, dom);
        }
        g_mutex_unlock(&drv->lock);
        ret = 0;
    }
    g_mutex_unlock(&drv->files_lock);
    qemu_job_end(dom);
    return ret;
}
