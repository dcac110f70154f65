/*
 * qemu_read.c: the QEMU driver's calls that only read.  Lookups, lists,
 * state, XML, autostart and the yes/no questions are domain_obj.h's
 * over drv->doms; QEMU adds info (CPU time from /proc/PID/stat, not from
 * query-cpus-fast), the managed save question and the messages.
 *
 * They answer from the domain's last known state under drv->lock only:
 * never a job, never a monitor, so a hung QEMU slows none of them.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/driver_common.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"

static dom_table *qemu_table(vireo_conn *conn)
{
    return &qemu_conn_drv(conn)->doms;
}

vireo_domain *qemu_domain_lookup_by_name(vireo_conn *conn, const char *name)
{
    return dom_lookup_by_name(qemu_table(conn), conn, name);
}

vireo_domain *qemu_domain_lookup_by_uuid(vireo_conn *conn, const unsigned char *uuid)
{
    return dom_lookup_by_uuid(qemu_table(conn), conn, uuid);
}

vireo_domain *qemu_domain_lookup_by_id(vireo_conn *conn, int id)
{
    return dom_lookup_by_id(qemu_table(conn), conn, id);
}

int qemu_domain_list_all(vireo_conn *conn, vireo_domain ***domains, unsigned int flags)
{
    return dom_list_all(qemu_table(conn), conn, domains, flags);
}

int qemu_domain_get_state(vireo_domain *dom, int *state, int *reason, unsigned int flags)
{
    return dom_get_state(qemu_table(dom->conn), dom, state, reason, flags);
}

char *qemu_domain_get_os_type(vireo_domain *dom)
{
    return dom_get_os_type(qemu_table(dom->conn), dom);
}

char *qemu_domain_get_xml_desc(vireo_domain *dom, unsigned int flags)
{
    return dom_get_xml_desc(qemu_table(dom->conn), dom, flags);
}

int qemu_domain_get_autostart(vireo_domain *dom, int *autostart)
{
    return dom_get_autostart(qemu_table(dom->conn), dom, autostart);
}

int qemu_domain_set_autostart(vireo_domain *dom, int autostart)
{
    return dom_set_autostart(qemu_table(dom->conn), dom, autostart);
}

int qemu_domain_is_active(vireo_domain *dom)
{
    return dom_is_active(qemu_table(dom->conn), dom);
}

int qemu_domain_is_persistent(vireo_domain *dom)
{
    return dom_is_persistent(qemu_table(dom->conn), dom);
}

int qemu_domain_is_updated(vireo_domain *dom)
{
    return dom_is_updated(qemu_table(dom->conn), dom);
}

/* qemu_domain.c's hooks (managed save image) make these QEMU's undefine */
vireo_domain *qemu_domain_define_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    return dom_define_xml(qemu_table(conn), conn, xml, flags);
}

int qemu_domain_undefine(vireo_domain *dom, unsigned int flags)
{
    return dom_undefine(qemu_table(dom->conn), dom, flags);
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
    dom_table *t = &qemu_conn_drv(handle->conn)->doms;
    const domain_def *def;
    pid_t pid = 0;
    dom_obj *dom;

    g_mutex_lock(&t->lock);
    dom = dom_table_find_uuid(t, handle->uuid);
    if (dom) {
        def = dom_obj_current(dom);
        info->state = (unsigned char)dom->state;
        info->max_mem = (unsigned long)def->memory_kib;
        info->memory = (unsigned long)def->current_memory_kib;
        info->nr_virt_cpu = (unsigned short)(def->vcpu.current ? def->vcpu.current
                                                               : def->vcpu.max);
        pid = qemu_dom_of(dom)->pid;
    }
    g_mutex_unlock(&t->lock);
    if (!dom) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_NO_DOMAIN, "no domain with matching name '%s'",
                     handle->name);
        return -1;
    }
    info->cpu_time = qemu_proc_cpu_time(pid);
    return 0;
}

int qemu_domain_has_managed_save(vireo_domain *handle, unsigned int flags)
{
    dom_table *t = qemu_table(handle->conn);
    int ret = -1;
    dom_obj *dom;

    if (!qemu_flags_ok(flags, 0, __func__))
        return -1;
    /* a stat of save_dir/NAME.save: no job, no monitor */
    g_mutex_lock(&t->lock);
    dom = dom_table_find_uuid(t, handle->uuid);
    if (dom)
        ret = qemu_managed_save_exists(dom);
    g_mutex_unlock(&t->lock);
    if (!dom)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_NO_DOMAIN, "no domain with matching name '%s'",
                     handle->name);
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
    g_autoptr(dom_obj) dom = NULL;
    GPtrArray *out;

    if (!qemu_flags_ok(flags, VIREO_DOMAIN_MESSAGE_DEPRECATION | VIREO_DOMAIN_MESSAGE_TAINTING,
                       __func__) ||
        !(dom = qemu_dom_from_handle(handle)))
        return -1;
    out = g_ptr_array_new();
    g_mutex_lock(&dom->table->lock);
    /* no flag means every kind; deprecations are not tracked yet */
    if (dom->live && (!flags || (flags & VIREO_DOMAIN_MESSAGE_TAINTING)))
        qemu_taints(dom->live, out);
    g_mutex_unlock(&dom->table->lock);
    g_ptr_array_add(out, NULL);
    *msgs = (char **)g_ptr_array_free(out, FALSE);
    return (int)g_strv_length(*msgs);
}
