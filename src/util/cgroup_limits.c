/*
 * cgroup_limits.c: writing a guest's limits and device access into its
 * cgroup, in the files of whichever hierarchy serves each controller.
 *
 *                  v1                               v2
 *   shares         cpu.shares                       cpu.weight (the value as is,
 *                                                   as libvirt: range 1..10000)
 *   period/quota   cpu.cfs_period_us, cfs_quota_us  cpu.max "QUOTA PERIOD"
 *   hard_limit     memory.limit_in_bytes            memory.max
 *   soft_limit     memory.soft_limit_in_bytes       memory.high (libvirt's choice)
 *   swap_hard      memory.memsw.limit_in_bytes      memory.swap.max (swap only:
 *                  (memory + swap)                  swap_hard - hard_limit)
 *   blkio weight   blkio.weight | blkio.bfq.weight  io.bfq.weight | io.weight
 *   per device     blkio.[bfq.]weight_device,       io.[bfq.]weight "M:N W",
 *                  blkio.throttle.*_device          io.max "M:N rbps=..."
 *   devices        devices.deny / devices.allow     (BPF: not done)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util/cgroup.h"
#include "util/cgroup_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "util.cgroup"

/* libvirt's "unlimited" memory value in KiB (VIR_DOMAIN_MEMORY_PARAM_UNLIMITED) */
#define MEMORY_UNLIMITED_KIB 9007199254740991ULL

static int need(const cgroup *cg, cgroup_controller c, const char *what)
{
    if (cg->dirs[c])
        return 0;
    error_report(VIREO_FROM_CGROUP, VIREO_ERR_CONFIG_UNSUPPORTED,
                 "%s needs the cgroup controller '%s', not available for '%s'", what,
                 cgroup_controller_name(c), cg->name);
    return -1;
}

static int write_fmt(const char *dir, const char *file, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static int write_fmt(const char *dir, const char *file, const char *fmt, ...)
{
    g_autofree char *value = NULL;
    va_list ap;

    va_start(ap, fmt);
    value = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return cgroup_write(dir, file, value);
}

/* cpu.max keeps whichever of quota and period is not given */
static int apply_cpu_max(const char *dir, const cgroup_limits *l)
{
    g_autofree char *cur = cgroup_read_file(dir, "cpu.max");
    g_autofree char *quota = NULL;
    uint64_t period = 100000;

    if (!cur)
        return -1;
    if (sscanf(cur, "%*s %" SCNu64, &period) != 1)
        period = 100000;
    if (l->has_period && l->period)
        period = l->period;
    if (l->has_quota && l->quota)
        quota = l->quota < 0 ? g_strdup("max") : g_strdup_printf("%" PRId64, l->quota);
    else
        quota = g_strndup(cur, strcspn(cur, " "));
    return write_fmt(dir, "cpu.max", "%s %" PRIu64, quota, period);
}

static int apply_cpu(const cgroup *cg, const cgroup_limits *l)
{
    const char *dir = cg->dirs[CGROUP_CPU];
    bool bw = (l->has_period && l->period) || (l->has_quota && l->quota);

    if (!l->has_shares && !bw)
        return 0;
    if (need(cg, CGROUP_CPU, "<cputune>") < 0)
        return -1;
    if (cg->v2[CGROUP_CPU])
        return (l->has_shares && write_fmt(dir, "cpu.weight", "%" PRIu64, l->shares) < 0) ||
                       (bw && apply_cpu_max(dir, l) < 0)
                   ? -1
                   : 0;
    if (l->has_shares && write_fmt(dir, "cpu.shares", "%" PRIu64, l->shares) < 0)
        return -1;
    if (l->has_period && l->period &&
        write_fmt(dir, "cpu.cfs_period_us", "%" PRIu64, l->period) < 0)
        return -1;
    if (l->has_quota && l->quota && write_fmt(dir, "cpu.cfs_quota_us", "%" PRId64, l->quota) < 0)
        return -1;
    return 0;
}

/* kib in bytes, or the hierarchy's word for no limit */
static char *memory_value(uint64_t kib, bool v2)
{
    if (kib >= MEMORY_UNLIMITED_KIB)
        return g_strdup(v2 ? "max" : "-1");
    return g_strdup_printf("%" PRIu64, kib * 1024);
}

static int write_memory(const char *dir, const char *file, uint64_t kib, bool v2)
{
    g_autofree char *value = memory_value(kib, v2);

    return cgroup_write(dir, file, value);
}

static int apply_memory(const cgroup *cg, const cgroup_limits *l)
{
    const char *dir = cg->dirs[CGROUP_MEMORY];
    bool v2 = cg->v2[CGROUP_MEMORY];

    if (!l->hard_limit_kib && !l->soft_limit_kib && !l->swap_hard_limit_kib)
        return 0;
    if (need(cg, CGROUP_MEMORY, "<memtune>") < 0)
        return -1;
    if (l->hard_limit_kib &&
        write_memory(dir, v2 ? "memory.max" : "memory.limit_in_bytes", l->hard_limit_kib, v2) < 0)
        return -1;
    if (l->soft_limit_kib &&
        write_memory(dir, v2 ? "memory.high" : "memory.soft_limit_in_bytes", l->soft_limit_kib,
                     v2) < 0)
        return -1;
    if (!l->swap_hard_limit_kib)
        return 0;
    if (!cgroup_file_exists(dir, v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes")) {
        error_report(VIREO_FROM_CGROUP, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "<swap_hard_limit> needs swap accounting, not enabled for '%s'", cg->name);
        return -1;
    }
    if (!v2)
        return write_memory(dir, "memory.memsw.limit_in_bytes", l->swap_hard_limit_kib, false);
    /* libvirt's value counts memory and swap; v2's swap alone */
    return write_memory(dir, "memory.swap.max",
                        l->swap_hard_limit_kib >= MEMORY_UNLIMITED_KIB ? l->swap_hard_limit_kib
                        : l->swap_hard_limit_kib > l->hard_limit_kib
                            ? l->swap_hard_limit_kib - l->hard_limit_kib
                            : 0,
                        true);
}

/* The weight file of the blkio/io directory: the generic one, else BFQ's
 * (v2 asks BFQ's first, as libvirt).  NULL with an error when neither. */
static const char *weight_file(const cgroup *cg, bool device)
{
    const char *dir = cg->dirs[CGROUP_BLKIO];
    static const char *const v1[2][2] = { { "blkio.weight", "blkio.bfq.weight" },
                                          { "blkio.weight_device", "blkio.bfq.weight_device" } };
    static const char *const v2[2] = { "io.bfq.weight", "io.weight" };
    const char *const *names = cg->v2[CGROUP_BLKIO] ? v2 : v1[device];

    for (int i = 0; i < 2; i++)
        if (cgroup_file_exists(dir, names[i]))
            return names[i];
    error_report(VIREO_FROM_CGROUP, VIREO_ERR_CONFIG_UNSUPPORTED,
                 "<blkiotune> %sweight is not available for '%s': neither %s nor %s exists "
                 "(no I/O scheduler with weights on this host)",
                 device ? "device " : "", cg->name, names[0], names[1]);
    return NULL;
}

static int blkio_device_number(const cgroup *cg, const char *path, dev_t *rdev)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        error_report_system(VIREO_FROM_CGROUP, errno, "cgroup '%s': cannot stat '%s'", cg->name,
                            path);
        return -1;
    }
    if (!S_ISBLK(st.st_mode)) {
        error_report(VIREO_FROM_CGROUP, VIREO_ERR_INVALID_ARG,
                     "path '%s' of <blkiotune><device> must be a block device", path);
        return -1;
    }
    *rdev = st.st_rdev;
    return 0;
}

static int apply_blkio_device(const cgroup *cg, const cgroup_blkio_device *d)
{
    const char *dir = cg->dirs[CGROUP_BLKIO];
    unsigned int ma, mi;
    const char *file;
    dev_t rdev;

    if (blkio_device_number(cg, d->path, &rdev) < 0)
        return -1;
    ma = major(rdev);
    mi = minor(rdev);
    if (d->weight && (!(file = weight_file(cg, true)) ||
                      write_fmt(dir, file, "%u:%u %u", ma, mi, d->weight) < 0))
        return -1;
    if (cg->v2[CGROUP_BLKIO]) {
        g_autoptr(GString) v = g_string_new(NULL);

        if (!d->read_bps && !d->write_bps && !d->read_iops && !d->write_iops)
            return 0;
        g_string_printf(v, "%u:%u", ma, mi);
        if (d->read_bps)
            g_string_append_printf(v, " rbps=%" PRIu64, d->read_bps);
        if (d->write_bps)
            g_string_append_printf(v, " wbps=%" PRIu64, d->write_bps);
        if (d->read_iops)
            g_string_append_printf(v, " riops=%" PRIu64, d->read_iops);
        if (d->write_iops)
            g_string_append_printf(v, " wiops=%" PRIu64, d->write_iops);
        return cgroup_write(dir, "io.max", v->str);
    }
    if ((d->read_bps &&
         write_fmt(dir, "blkio.throttle.read_bps_device", "%u:%u %" PRIu64, ma, mi,
                   d->read_bps) < 0) ||
        (d->write_bps &&
         write_fmt(dir, "blkio.throttle.write_bps_device", "%u:%u %" PRIu64, ma, mi,
                   d->write_bps) < 0) ||
        (d->read_iops &&
         write_fmt(dir, "blkio.throttle.read_iops_device", "%u:%u %" PRIu64, ma, mi,
                   d->read_iops) < 0) ||
        (d->write_iops &&
         write_fmt(dir, "blkio.throttle.write_iops_device", "%u:%u %" PRIu64, ma, mi,
                   d->write_iops) < 0))
        return -1;
    return 0;
}

static int apply_blkio(const cgroup *cg, const cgroup_limits *l)
{
    const char *file;

    if (!l->blkio_weight && !l->ndevices)
        return 0;
    if (need(cg, CGROUP_BLKIO, "<blkiotune>") < 0)
        return -1;
    if (l->blkio_weight) {
        if (!(file = weight_file(cg, false)) ||
            write_fmt(cg->dirs[CGROUP_BLKIO], file, cg->v2[CGROUP_BLKIO] ? "default %u" : "%u",
                      l->blkio_weight) < 0)
            return -1;
    }
    for (size_t i = 0; i < l->ndevices; i++)
        if (apply_blkio_device(cg, &l->devices[i]) < 0)
            return -1;
    return 0;
}

int cgroup_apply(const cgroup *cg, const cgroup_limits *l)
{
    if (apply_cpu(cg, l) < 0 || apply_memory(cg, l) < 0 || apply_blkio(cg, l) < 0)
        return -1;
    log_debug("cgroup '%s': limits applied", cg->name);
    return 0;
}

/* ---- devices (v1) ---- */

static bool has_devices(const cgroup *cg)
{
    return cg->dirs[CGROUP_DEVICES] && !cg->v2[CGROUP_DEVICES];
}

int cgroup_devices_deny_all(const cgroup *cg)
{
    if (!has_devices(cg))
        return 1;
    return cgroup_write(cg->dirs[CGROUP_DEVICES], "devices.deny", "a");
}

int cgroup_devices_allow(const cgroup *cg, char type, int major, int minor, const char *perms)
{
    g_autofree char *ma = major < 0 ? g_strdup("*") : g_strdup_printf("%d", major);
    g_autofree char *mi = minor < 0 ? g_strdup("*") : g_strdup_printf("%d", minor);

    if (!has_devices(cg))
        return 1;
    return write_fmt(cg->dirs[CGROUP_DEVICES], "devices.allow", "%c %s:%s %s", type, ma, mi,
                     perms);
}

int cgroup_devices_allow_path(const cgroup *cg, const char *path, const char *perms,
                              bool missing_ok)
{
    struct stat st;

    if (!has_devices(cg))
        return 1;
    if (stat(path, &st) < 0) {
        if (missing_ok && errno == ENOENT)
            return 0;
        error_report_system(VIREO_FROM_CGROUP, errno, "cgroup '%s': cannot stat device '%s'",
                            cg->name, path);
        return -1;
    }
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
        if (missing_ok)
            return 0;
        error_report(VIREO_FROM_CGROUP, VIREO_ERR_INVALID_ARG, "'%s' is not a device", path);
        return -1;
    }
    return cgroup_devices_allow(cg, S_ISCHR(st.st_mode) ? 'c' : 'b', (int)major(st.st_rdev),
                                (int)minor(st.st_rdev), perms);
}
