/*
 * qemu_domain.c: what the QEMU driver adds to drivers/domain_obj.h's
 * domains: its per-guest state, the QEMU defaults and checks applied to
 * every definition (post-parse), and undefine's managed save image.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "drivers/driver_common.h"
#include "drivers/qemu/qemu_caps.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/cgroup.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.domain"

/* ---- per-guest state (dom->priv) ---- */

static void *qemu_dom_priv_new(void)
{
    return g_new0(qemu_dom, 1);
}

static void qemu_dom_priv_free(void *p)
{
    qemu_dom *q = p;

    /* forgotten, not released: the guest may run on (a daemon's exit) */
    g_clear_pointer(&q->net_ports, g_hash_table_unref);
    cgroup_free(q->cgroup);     /* forgotten too: found again by name (qemu_cgroup.c) */
    g_free(q);
}

dom_obj *qemu_dom_from_handle(vireo_domain *handle)
{
    return dom_obj_from_handle(&qemu_conn_drv(handle->conn)->doms, handle);
}

bool qemu_flags_ok(unsigned int flags, unsigned int allowed, const char *func)
{
    return driver_flags_ok(VIREO_FROM_QEMU, flags, allowed, func);
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

static domain_def *qemu_def_parse_client(void *drv, const char *xml)
{
    return qemu_def_parse(drv, xml);
}

/* Config files at start: the emulator is checked at each start, not
 * here (a missing binary must not lose the definition, and the
 * capabilities are warmed later, off the open). */
static domain_def *qemu_def_parse_file(void *drv, const char *xml)
{
    (void)drv;
    return domain_def_parse(xml, 0);
}

static bool qemu_has_managed_save(const dom_obj *dom)
{
    return qemu_managed_save_exists(dom);
}

/* As libvirt: a managed save image blocks undefine unless the caller
 * asks to remove it too (files_lock held, job held). */
static int qemu_undefine_managed_save(dom_obj *dom, unsigned int flags)
{
    g_autofree char *path = NULL;

    if (!qemu_managed_save_exists(dom))
        return 0;
    if (!(flags & VIREO_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "Refusing to undefine while domain managed save image exists");
        return -1;
    }
    path = qemu_managed_save_path(qemu_dom_drv(dom), dom->def->name);
    if (unlink(path) < 0 && errno != ENOENT) {
        error_report_system(VIREO_FROM_QEMU, errno, "Failed to remove domain managed save image '%s'",
                            path);
        return -1;
    }
    return 0;
}

void qemu_dom_table_setup(qemu_drv *drv)
{
    dom_table *t = &drv->doms;

    t->from = VIREO_FROM_QEMU;
    t->driver = "qemu";
    t->job_timeout_ms = drv->job_timeout_ms;
    t->priv_new = qemu_dom_priv_new;
    t->priv_free = qemu_dom_priv_free;
    t->parse = qemu_def_parse_client;
    t->load_parse = qemu_def_parse_file;
    t->parse_opaque = drv;
    t->event_source = drv;
    t->has_managed_save = qemu_has_managed_save;
    t->undefine_prepare = qemu_undefine_managed_save;
}
