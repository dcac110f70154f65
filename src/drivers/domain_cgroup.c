/*
 * domain_cgroup.c: a domain's cgroup from its definition (see the header).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/device_def.h"
#include "drivers/domain_cgroup.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "drivers.cgroup"

#define PTY_MAJOR 136   /* /dev/pts/N: the consoles QEMU and containers open */

bool domain_cgroup_wanted(const domain_def *def)
{
    const domain_tune *t = &def->tune;

    return t->has_shares || t->has_period || t->has_quota || t->hard_limit_kib ||
           t->soft_limit_kib || t->swap_hard_limit_kib || t->blkio_weight ||
           (t->blkio_devices && t->blkio_devices->len);
}

static char *leaf_name(const domain_cgroup_opts *o, const char *name)
{
    return g_strdup_printf("%s-%s", o->driver, name);
}

/* The limits of def into l; the device array (cgroup_blkio_device) is
 * returned for the caller to free (it borrows def's paths). */
static GArray *limits_from_def(const domain_cgroup_opts *o, const domain_def *def,
                               cgroup_limits *l)
{
    const domain_tune *t = &def->tune;
    GArray *devs = g_array_new(FALSE, TRUE, sizeof(cgroup_blkio_device));

    *l = (cgroup_limits){
        .has_shares = t->has_shares, .shares = t->shares,
        .has_period = t->has_period, .period = t->period,
        .has_quota = t->has_quota, .quota = t->quota,
        .hard_limit_kib = t->hard_limit_kib, .soft_limit_kib = t->soft_limit_kib,
        .swap_hard_limit_kib = t->swap_hard_limit_kib, .blkio_weight = t->blkio_weight,
    };
    if (l->has_quota && l->quota > 0 && o->quota_threads > 1)
        l->quota *= o->quota_threads;
    for (guint i = 0; t->blkio_devices && i < t->blkio_devices->len; i++) {
        const domain_blkio_device *d = t->blkio_devices->pdata[i];
        cgroup_blkio_device c = {
            .path = d->path, .weight = d->weight, .read_bps = d->read_bytes,
            .write_bps = d->write_bytes, .read_iops = d->read_iops, .write_iops = d->write_iops,
        };

        g_array_append_val(devs, c);
    }
    l->devices = (const cgroup_blkio_device *)devs->data;
    l->ndevices = devs->len;
    return devs;
}

/* The host path a disk opens, when it is a block device. */
static const char *disk_block_path(const device_disk *d)
{
    const char *path = d->volume_path ? d->volume_path
                       : d->source_dev ? d->source_dev
                                       : d->source_file;
    struct stat st;

    if (!path || stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
        return NULL;
    return path;
}

int domain_cgroup_allow_disk(const cgroup *cg, const device_disk *d)
{
    const char *path = disk_block_path(d);

    if (!path)
        return 0;
    return cgroup_devices_allow_path(cg, path, d->readonly ? "r" : "rw", false) < 0 ? -1 : 0;
}

static int allow_devices(const cgroup *cg, const domain_cgroup_opts *o, const domain_def *def)
{
    GPtrArray *disks = def->devices.disks;
    int rc = cgroup_devices_deny_all(cg);

    if (rc == 1) {
        if (cg->dirs[CGROUP_DEVICES] || !o->controllers ||
            g_strv_contains(o->controllers, "devices"))
            log_info("%s: devices are not restricted: no v1 devices controller "
                     "(cgroup v2 needs a BPF device program, not implemented)", def->name);
        return 0;
    }
    if (rc < 0)
        return -1;
    for (guint i = 0; o->device_acl && o->device_acl[i]; i++)
        if (cgroup_devices_allow_path(cg, o->device_acl[i], "rw", true) < 0)
            return -1;
    if (cgroup_devices_allow(cg, 'c', PTY_MAJOR, -1, "rw") < 0)
        return -1;
    for (guint i = 0; disks && i < disks->len; i++)
        if (domain_cgroup_allow_disk(cg, disks->pdata[i]) < 0)
            return -1;
    return 0;
}

/* Whether o->account needs cpuacct joined: on v1 it is its own
 * hierarchy; on v2 it is the cpu controller, whose weight a guest without
 * <cputune> must not get, while cpu.stat of the unified leaf (the v2
 * freezer's) counts the time anyway. */
static bool account_needs_cpuacct(void)
{
    bool acct_v2 = false, freezer_v2 = false;

    return cgroup_controller_available(CGROUP_CPUACCT, &acct_v2) &&
           !(acct_v2 && cgroup_controller_available(CGROUP_FREEZER, &freezer_v2) && freezer_v2);
}

/* The controllers def's cgroup joins: memory, devices and the freezer
 * always; cpu (with cpuacct) and blkio only for a guest that sets their
 * limits, cpuacct also when o->account.  Without systemd's slices, every
 * guest below "machine" would share the CPU time and I/O weight of one
 * task at the top: on a busy host a guest with no <cputune> must keep
 * the share it has beside the daemon. */
static GStrv controllers_for(const domain_cgroup_opts *o, const domain_def *def)
{
    const domain_tune *t = &def->tune;
    bool cpu = t->has_shares || t->has_period || t->has_quota;
    bool blkio = t->blkio_weight || (t->blkio_devices && t->blkio_devices->len);
    bool acct = cpu || (o->account && account_needs_cpuacct());
    GPtrArray *names = g_ptr_array_new();

    for (int c = 0; c < CGROUP_NCONTROLLERS; c++) {
        const char *name = cgroup_controller_name(c);

        if (o->controllers && !g_strv_contains(o->controllers, name))
            continue;
        if ((c == CGROUP_CPU && !cpu) || (c == CGROUP_CPUACCT && !acct) ||
            (c == CGROUP_BLKIO && !blkio))
            continue;
        g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_add(names, NULL);
    return (GStrv)g_ptr_array_free(names, FALSE);
}

bool domain_cgroup_useful(const domain_cgroup_opts *o, const domain_def *def)
{
    g_auto(GStrv) use = controllers_for(o, def);

    for (guint i = 0; use[i]; i++)
        if (cgroup_controller_available(cgroup_controller_from_name(use[i]), NULL))
            return true;
    return false;
}

cgroup *domain_cgroup_create(const domain_cgroup_opts *o, const domain_def *def)
{
    g_autofree char *partition = cgroup_partition(o->instance);
    g_autofree char *leaf = leaf_name(o, def->name);
    g_auto(GStrv) use = controllers_for(o, def);
    g_autoptr(cgroup) cg = cgroup_create(partition, leaf, (const char *const *)use);
    g_autoptr(GArray) devs = NULL;
    cgroup_limits l;

    if (!cg)
        return NULL;
    devs = limits_from_def(o, def, &l);
    if (cgroup_apply(cg, &l) < 0 || allow_devices(cg, o, def) < 0) {
        g_autoptr(vireo_error) saved = error_save();

        cgroup_remove(cg);
        error_restore(g_steal_pointer(&saved));
        return NULL;
    }
    log_debug("%s: cgroup '%s' ready", def->name, cg->name);
    return g_steal_pointer(&cg);
}

cgroup *domain_cgroup_open(const domain_cgroup_opts *o, const char *name)
{
    g_autofree char *partition = cgroup_partition(o->instance);
    g_autofree char *leaf = leaf_name(o, name);

    return cgroup_open(partition, leaf, o->controllers);
}
