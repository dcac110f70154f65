/*
 * qemu_read.c: the QEMU driver's calls that only read: lookups, lists,
 * info, state, XML, autostart and the yes/no questions.
 *
 * They answer from the domain's last known state under drv->lock only:
 * never a job, never a monitor, so a hung QEMU slows none of them.  CPU
 * time comes from /proc/PID/stat, not from query-cpus-fast.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/driver_common.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"
#include "util/uuid.h"

vireo_domain *qemu_domain_lookup_by_name(vireo_conn *conn, const char *name)
{
    qemu_drv *drv = qemu_conn_drv(conn);
    vireo_domain *handle = NULL;
    qemu_dom *dom;

    g_mutex_lock(&drv->lock);
    dom = qemu_drv_find_name(drv, name);
    if (dom)
        handle = qemu_dom_handle(conn, dom);
    g_mutex_unlock(&drv->lock);
    if (!dom)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_NO_DOMAIN, "no domain with matching name '%s'",
                     name);
    return handle;
}

vireo_domain *qemu_domain_lookup_by_uuid(vireo_conn *conn, const unsigned char *uuid)
{
    qemu_drv *drv = qemu_conn_drv(conn);
    vireo_domain *handle = NULL;
    char text[VIREO_UUID_STRING_BUFLEN];
    qemu_dom *dom;

    g_mutex_lock(&drv->lock);
    dom = qemu_drv_find_uuid(drv, uuid);
    if (dom)
        handle = qemu_dom_handle(conn, dom);
    g_mutex_unlock(&drv->lock);
    if (!dom) {
        uuid_format(uuid, text);
        error_report(VIREO_FROM_QEMU, VIREO_ERR_NO_DOMAIN, "no domain with matching uuid '%s'",
                     text);
    }
    return handle;
}

vireo_domain *qemu_domain_lookup_by_id(vireo_conn *conn, int id)
{
    qemu_drv *drv = qemu_conn_drv(conn);
    vireo_domain *handle = NULL;
    qemu_dom *dom;

    g_mutex_lock(&drv->lock);
    dom = qemu_drv_find_id(drv, id);
    if (dom)
        handle = qemu_dom_handle(conn, dom);
    g_mutex_unlock(&drv->lock);
    if (!dom)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_NO_DOMAIN, "no domain with matching id %d", id);
    return handle;
}

static bool qemu_list_match(const qemu_dom *dom, unsigned int flags)
{
    const unsigned int saves = VIREO_LIST_DOMAINS_MANAGEDSAVE | VIREO_LIST_DOMAINS_NO_MANAGEDSAVE;
    /* no snapshot or checkpoint is kept yet; the managed save is a stat()
     * per domain under drv->lock, on the main loop: only when the filter
     * asks (numOfDomains with 1,000 defined cost 1,000 stats) */
    domain_list_facts f = {
        .state = dom->state,
        .active = qemu_dom_active(dom),
        .persistent = dom->def != NULL,
        .autostart = dom->autostart,
        .managed_save = (flags & saves) && qemu_managed_save_exists(dom),
    };

    return domain_list_match(&f, flags);
}

static gint qemu_list_cmp(gconstpointer a, gconstpointer b)
{
    const qemu_dom *da = *(qemu_dom *const *)a;
    const qemu_dom *db = *(qemu_dom *const *)b;

    return strcmp(qemu_dom_current(da)->name, qemu_dom_current(db)->name);
}

int qemu_domain_list_all(vireo_conn *conn, vireo_domain ***domains, unsigned int flags)
{
    qemu_drv *drv = qemu_conn_drv(conn);
    g_autoptr(GPtrArray) found = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;
    vireo_domain **out;

    if (!qemu_flags_ok(flags, 0xffff, __func__))
        return -1;
    g_mutex_lock(&drv->lock);
    g_hash_table_iter_init(&it, drv->by_name);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        if (qemu_list_match(value, flags))
            g_ptr_array_add(found, value);
    }
    g_ptr_array_sort(found, qemu_list_cmp);
    out = g_new0(vireo_domain *, found->len + 1);
    for (guint i = 0; i < found->len; i++)
        out[i] = qemu_dom_handle(conn, g_ptr_array_index(found, i));
    g_mutex_unlock(&drv->lock);
    *domains = out;
    return (int)found->len;
}

/* CPU time of pid in ns (utime + stime of /proc/PID/stat), 0 when gone. */
static unsigned long long qemu_proc_cpu_time(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *text = NULL;
    g_auto(GStrv) fields = NULL;
    const char *rest;
    long tick = sysconf(_SC_CLK_TCK);

    if (pid <= 0 || !g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    /* the command name may hold spaces: count fields after its ')' */
    rest = strrchr(text, ')');
    if (!rest || tick <= 0)
        return 0;
    fields = g_strsplit(rest + 2, " ", 16);
    if (g_strv_length(fields) < 14)
        return 0;
    /* fields from state (3): utime is 14, stime 15 */
    return (strtoull(fields[11], NULL, 10) + strtoull(fields[12], NULL, 10)) *
           (1000000000ULL / (unsigned long long)tick);
}

int qemu_domain_get_info(vireo_domain *handle, vireo_domain_info *info)
{
    qemu_drv *drv = qemu_conn_drv(handle->conn);
    const domain_def *def;
    pid_t pid = 0;
    qemu_dom *dom;

    g_mutex_lock(&drv->lock);
    dom = qemu_drv_find_uuid(drv, handle->uuid);
    if (dom) {
        def = qemu_dom_current(dom);
        info->state = (unsigned char)dom->state;
        info->max_mem = (unsigned long)def->memory_kib;
        info->memory = (unsigned long)def->current_memory_kib;
        info->nr_virt_cpu = (unsigned short)(def->vcpu.current ? def->vcpu.current
                                                               : def->vcpu.max);
        pid = dom->pid;
    }
    g_mutex_unlock(&drv->lock);
    if (!dom) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_NO_DOMAIN, "no domain with matching name '%s'",
                     handle->name);
        return -1;
    }
    info->cpu_time = qemu_proc_cpu_time(pid);
    return 0;
}

/* Run fn on the domain a handle names, under drv->lock. */
#define QEMU_READ(handle, dom, body)                                                  \
    do {                                                                              \
        qemu_drv *drv_ = qemu_conn_drv((handle)->conn);                               \
        g_mutex_lock(&drv_->lock);                                                    \
        (dom) = qemu_drv_find_uuid(drv_, (handle)->uuid);                             \
        if (dom) {                                                                    \
            body;                                                                     \
        }                                                                             \
        g_mutex_unlock(&drv_->lock);                                                  \
        if (!(dom))                                                                   \
            error_report(VIREO_FROM_QEMU, VIREO_ERR_NO_DOMAIN,                        \
                         "no domain with matching name '%s'", (handle)->name);        \
    } while (0)

int qemu_domain_get_state(vireo_domain *handle, int *state, int *reason, unsigned int flags)
{
    qemu_dom *dom;

    if (!qemu_flags_ok(flags, 0, __func__))
        return -1;
    QEMU_READ(handle, dom, { *state = dom->state; *reason = dom->reason; });
    return dom ? 0 : -1;
}

char *qemu_domain_get_os_type(vireo_domain *handle)
{
    char *type = NULL;
    qemu_dom *dom;

    QEMU_READ(handle, dom, { type = g_strdup(qemu_dom_current(dom)->os.type); });
    return type;
}

char *qemu_domain_get_xml_desc(vireo_domain *handle, unsigned int flags)
{
    char *xml = NULL;
    qemu_dom *dom;

    if (!qemu_flags_ok(flags, VIREO_DOMAIN_XML_SECURE | VIREO_DOMAIN_XML_INACTIVE |
                                  VIREO_DOMAIN_XML_UPDATE_CPU | VIREO_DOMAIN_XML_MIGRATABLE,
                       __func__))
        return NULL;
    QEMU_READ(handle, dom, {
        const domain_def *def = qemu_dom_current(dom);

        /* INACTIVE asks for the persistent definition when there is one */
        if ((flags & VIREO_DOMAIN_XML_INACTIVE) && dom->def)
            def = dom->def;
        xml = domain_def_format(def, flags);
    });
    return xml;
}

int qemu_domain_get_autostart(vireo_domain *handle, int *autostart)
{
    qemu_dom *dom;

    QEMU_READ(handle, dom, { *autostart = dom->autostart ? 1 : 0; });
    return dom ? 0 : -1;
}

/* A symlink, no monitor: no job needed; files_lock orders it with
 * define and undefine, and drv->lock is not held across the write. */
int qemu_domain_set_autostart(vireo_domain *handle, int autostart)
{
    qemu_drv *drv = qemu_conn_drv(handle->conn);
    g_autofree char *name = NULL;
    qemu_dom *dom;
    int ret = -1;

    g_mutex_lock(&drv->files_lock);
    QEMU_READ(handle, dom, {
        if (!dom->def)
            error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                         "cannot set autostart for transient domain '%s'", dom->live->name);
        else if ((autostart != 0) == dom->autostart)
            ret = 0;
        else
            name = g_strdup(dom->def->name);
    });
    if (name && qemu_autostart_link(drv, name, autostart != 0) == 0) {
        QEMU_READ(handle, dom, { dom->autostart = autostart != 0; });
        ret = dom ? 0 : -1;
    }
    g_mutex_unlock(&drv->files_lock);
    return ret;
}

int qemu_domain_is_active(vireo_domain *handle)
{
    int ret = -1;
    qemu_dom *dom;

    QEMU_READ(handle, dom, { ret = qemu_dom_active(dom); });
    return ret;
}

int qemu_domain_is_persistent(vireo_domain *handle)
{
    int ret = -1;
    qemu_dom *dom;

    QEMU_READ(handle, dom, { ret = dom->def != NULL; });
    return ret;
}

int qemu_domain_is_updated(vireo_domain *handle)
{
    int ret = -1;
    qemu_dom *dom;

    QEMU_READ(handle, dom, { ret = dom->updated; });
    return ret;
}

int qemu_domain_has_managed_save(vireo_domain *handle, unsigned int flags)
{
    int ret = -1;
    qemu_dom *dom;

    if (!qemu_flags_ok(flags, 0, __func__))
        return -1;
    /* a stat of save_dir/NAME.save: no job, no monitor */
    QEMU_READ(handle, dom, { ret = qemu_managed_save_exists(dom); });
    return ret;
}

/* libvirt's taints that apply to a running domain, from its live
 * definition and how QEMU runs; texts are libvirt's, so tools that look
 * for them find them. */
static void qemu_taints(const domain_def *live, GPtrArray *out)
{
    if (geteuid() == 0)
        g_ptr_array_add(out, g_strdup("tainted: running with undesirable elevated privileges"));
    if (live->cpu && g_strcmp0(live->cpu->mode, "host-passthrough") == 0)
        g_ptr_array_add(out, g_strdup("tainted: potentially unsafe use of host CPU passthrough"));
    for (guint i = 0; i < live->devices.disks->len; i++) {
        const device_disk *d = live->devices.disks->pdata[i];

        if (g_strcmp0(d->device, "cdrom") == 0 && g_strcmp0(d->type, "block") == 0) {
            g_ptr_array_add(out, g_strdup("tainted: use of host cdrom passthrough"));
            break;
        }
    }
}

int qemu_domain_get_messages(vireo_domain *handle, char ***msgs, unsigned int flags)
{
    g_autoptr(qemu_dom) dom = NULL;
    GPtrArray *out;

    if (!qemu_flags_ok(flags, VIREO_DOMAIN_MESSAGE_DEPRECATION | VIREO_DOMAIN_MESSAGE_TAINTING,
                       __func__) ||
        !(dom = qemu_dom_from_handle(handle)))
        return -1;
    out = g_ptr_array_new();
    g_mutex_lock(&dom->drv->lock);
    /* no flag means every kind; deprecations are not tracked yet */
    if (dom->live && (!flags || (flags & VIREO_DOMAIN_MESSAGE_TAINTING)))
        qemu_taints(dom->live, out);
    g_mutex_unlock(&dom->drv->lock);
    g_ptr_array_add(out, NULL);
    *msgs = (char **)g_ptr_array_free(out, FALSE);
    return (int)g_strv_length(*msgs);
}
