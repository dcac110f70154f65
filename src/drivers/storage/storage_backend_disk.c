/*
 * storage_backend_disk.c: a pool of the partitions of one block device,
 * managed with parted, like libvirt's disk pool.
 *
 * build writes a partition table (mklabel, the pool's source format);
 * volumes are primary partitions, named as the kernel names their nodes
 * (sdb1, loop0p1), with the node as key and path.  Everything parted
 * reports is read from `parted -m -s DEV unit B print free`.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>
#include <unistd.h>

#include "drivers/storage/storage_backend.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "storage.disk"

#define DISK_ALIGN (1024 * 1024)        /* partitions start on a MiB */
#define DISK_WIPE (1024 * 1024)         /* delete zeroes this much at each end */
#define DISK_NODE_WAIT_MS 2000          /* for the kernel to make a partition's node */

typedef struct disk_part {
    unsigned int num;
    uint64_t start, end;    /* bytes, end inclusive */
    char *fs;               /* parted's file system column, "" when none */
    char *flags;            /* "lvm, boot" */
} disk_part;

/* What parted sees on the device.  Owns everything. */
typedef struct disk_table {
    uint64_t size;
    char *label;            /* parted's name: msdos, gpt, ..., "unknown" */
    GArray *parts;          /* disk_part */
    GArray *free;           /* storage_vol_extent, end inclusive */
} disk_table;

static void disk_table_free(disk_table *t)
{
    if (!t)
        return;
    for (guint i = 0; t->parts && i < t->parts->len; i++) {
        disk_part *p = &g_array_index(t->parts, disk_part, i);

        g_free(p->fs);
        g_free(p->flags);
    }
    if (t->parts)
        g_array_unref(t->parts);
    if (t->free)
        g_array_unref(t->free);
    g_free(t->label);
    g_free(t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(disk_table, disk_table_free)

static const char *pool_device(const storage_pool_def *pool)
{
    return ((const storage_pool_device *)pool->source.devices->pdata[0])->path;
}

/* "1048576B" -> 1048576; false when it is not that. */
static bool parse_bytes(const char *text, uint64_t *out)
{
    char *end;

    errno = 0;
    *out = g_ascii_strtoull(text, &end, 10);
    return errno == 0 && end != text && strcmp(end, "B") == 0;
}

/* One line of parted -m: "num:start:end:size:fs:name:flags;" or
 * "num:start:end:size:free;". */
static bool parse_part_line(disk_table *t, char *line)
{
    g_auto(GStrv) f = NULL;
    guint n;

    if (!g_str_has_suffix(line, ";"))
        return false;
    line[strlen(line) - 1] = '\0';
    f = g_strsplit(line, ":", -1);
    n = g_strv_length(f);
    if (n >= 5 && strcmp(f[4], "free") == 0) {
        storage_vol_extent e;

        if (!parse_bytes(f[1], &e.start) || !parse_bytes(f[2], &e.end))
            return false;
        g_array_append_val(t->free, e);
    } else if (n >= 7) {
        disk_part p = { 0 };

        p.num = (unsigned int)g_ascii_strtoull(f[0], NULL, 10);
        if (p.num == 0 || !parse_bytes(f[1], &p.start) || !parse_bytes(f[2], &p.end))
            return false;
        p.fs = g_strdup(f[4]);
        p.flags = g_strdup(f[6]);
        g_array_append_val(t->parts, p);
    } else {
        return false;
    }
    return true;
}

/* The table of the pool's device.  A device without a partition table
 * gives label "unknown" and no partitions (parted exits 1 for it). */
static disk_table *disk_read(const storage_pool_def *pool)
{
    const char *dev = pool_device(pool);
    const char *argv[] = { "parted", "-m", "-s", dev, "unit", "B", "print", "free", NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(disk_table) t = g_new0(disk_table, 1);
    g_auto(GStrv) lines = NULL;
    g_auto(GStrv) head = NULL;
    int rc = storage_run(argv, storage_run_timeout_ms(), &out, &err);

    if (rc < 0 && !(err && strstr(err, "unrecognised disk label")))
        return NULL;
    if (rc < 0)
        error_reset();  /* no label is an answer, not a failure */
    t->parts = g_array_new(FALSE, TRUE, sizeof(disk_part));
    t->free = g_array_new(FALSE, TRUE, sizeof(storage_vol_extent));
    lines = g_strsplit(out ? out : "", "\n", -1);
    /* BYT; then path:size:transport:lsec:psec:label:model:flags; */
    if (g_strv_length(lines) < 2 || strcmp(lines[0], "BYT;") != 0 ||
        g_strv_length(head = g_strsplit(lines[1], ":", -1)) < 6 ||
        !parse_bytes(head[1], &t->size)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                     "storage pool '%s': cannot read what parted prints for '%s'", pool->name,
                     dev);
        return NULL;
    }
    t->label = g_strdup(head[5]);
    for (guint i = 2; lines[i]; i++) {
        if (*lines[i] && !parse_part_line(t, lines[i])) {
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                         "storage pool '%s': unexpected parted line '%s' for '%s'", pool->name,
                         lines[i], dev);
            return NULL;
        }
    }
    return g_steal_pointer(&t);
}

/* parted's label for the pool's source format ("dos" is "msdos"). */
static const char *pool_label(const storage_pool_def *pool)
{
    const char *fmt = pool->source.format;

    if (!fmt || strcmp(fmt, "unknown") == 0 || strcmp(fmt, "dos") == 0)
        return "msdos";
    if (strcmp(fmt, "lvm2") == 0)
        return NULL;
    return fmt;
}

static int disk_check(void)
{
    g_autofree char *parted = g_find_program_in_path("parted");

    if (!parted) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "disk pools need parted, which is not installed (Debian: parted)");
        return -1;
    }
    return 0;
}

static int disk_build(const storage_pool_def *pool, unsigned int flags)
{
    const char *dev = pool_device(pool);
    const char *label = pool_label(pool);
    const char *argv[] = { "parted", "-s", dev, "mklabel", label, NULL };
    g_autoptr(disk_table) t = NULL;

    if (!label) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "storage pool '%s': parted cannot write a '%s' partition table",
                     pool->name, pool->source.format);
        return -1;
    }
    if ((flags & VIREO_STORAGE_POOL_BUILD_OVERWRITE) &&
        (flags & VIREO_STORAGE_POOL_BUILD_NO_OVERWRITE)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "storage pool '%s': overwrite and no-overwrite exclude each other",
                     pool->name);
        return -1;
    }
    if (!(flags & VIREO_STORAGE_POOL_BUILD_OVERWRITE)) {
        if (!(t = disk_read(pool)))
            return -1;
        if (strcmp(t->label, "unknown") != 0) {
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_STORAGE_POOL_BUILT,
                         "storage pool '%s': '%s' already has a '%s' partition table; "
                         "build with overwrite to replace it", pool->name, dev, t->label);
            return -1;
        }
    }
    return storage_run(argv, storage_run_timeout_ms(), NULL, NULL);
}

static int disk_start(node_state *node, const storage_pool_def *pool)
{
    const char *dev = pool_device(pool);
    g_autoptr(disk_table) t = NULL;
    const char *want = pool_label(pool);
    struct stat st;

    (void)node;
    if (stat(dev, &st) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "storage pool '%s': cannot use '%s'",
                            pool->name, dev);
        return -1;
    }
    if (!S_ISBLK(st.st_mode)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "storage pool '%s': '%s' is not a block device", pool->name, dev);
        return -1;
    }
    if (!(t = disk_read(pool)))
        return -1;
    if (strcmp(t->label, "unknown") == 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "storage pool '%s': '%s' has no partition table; build the pool first",
                     pool->name, dev);
        return -1;
    }
    /* an explicit format must match what is there ("unknown" takes any) */
    if (pool->source.format && strcmp(pool->source.format, "unknown") != 0 && want &&
        strcmp(want, t->label) != 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "storage pool '%s': '%s' has a '%s' partition table, not '%s'",
                     pool->name, dev, t->label, want);
        return -1;
    }
    return 0;
}

/* A pool left active by a previous vireod is still there while its
 * device is (a loop device may have been detached meanwhile). */
static int disk_check_running(const storage_pool_def *pool, bool *running)
{
    struct stat st;

    *running = stat(pool_device(pool), &st) == 0 && S_ISBLK(st.st_mode);
    return 0;
}

/* Zero both ends of the device (the label and GPT's backup), then let the
 * kernel drop the partitions it knew. */
static int disk_delete(const storage_pool_def *pool, unsigned int flags)
{
    const char *dev = pool_device(pool);
    g_autofree char *zeros = g_malloc0(DISK_WIPE);
    int fd = open(dev, O_WRONLY | O_CLOEXEC);
    off_t size;

    (void)flags;
    if (fd < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "storage pool '%s': cannot open '%s'",
                            pool->name, dev);
        return -1;
    }
    size = lseek(fd, 0, SEEK_END);
    if (size < 0 || pwrite(fd, zeros, MIN((off_t)DISK_WIPE, size), 0) < 0 ||
        (size > DISK_WIPE && pwrite(fd, zeros, DISK_WIPE, size - DISK_WIPE) < 0) ||
        fsync(fd) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno,
                            "storage pool '%s': cannot wipe the partition table of '%s'",
                            pool->name, dev);
        close(fd);
        return -1;
    }
    if (ioctl(fd, BLKRRPART) < 0)
        log_debug("%s: re-reading the partitions of %s: %s", pool->name, dev, g_strerror(errno));
    close(fd);
    return 0;
}

/* ---- volumes ---- */

/* The kernel's name for partition num of dev: sdb1, loop0p1. */
static char *part_name(const storage_pool_def *pool, unsigned int num)
{
    const storage_pool_device *d = pool->source.devices->pdata[0];
    g_autofree char *base = g_path_get_basename(d->path);
    size_t len = strlen(base);
    bool sep = d->part_separator ? strcmp(d->part_separator, "yes") == 0
                                 : len > 0 && g_ascii_isdigit(base[len - 1]);

    return g_strdup_printf("%s%s%u", base, sep ? "p" : "", num);
}

/* The node of partition name: /dev/NAME, or a link to it in the pool's
 * target folder (/dev/disk/by-path) when there is one, like libvirt's
 * stable paths. */
static char *part_path(const storage_pool_def *pool, const char *name)
{
    g_autofree char *node = g_build_filename("/dev", name, NULL);
    g_autoptr(GDir) dir = NULL;
    const char *entry;

    if (!pool->target_path || strcmp(pool->target_path, "/dev") == 0 ||
        !(dir = g_dir_open(pool->target_path, 0, NULL)))
        return g_steal_pointer(&node);
    while ((entry = g_dir_read_name(dir))) {
        g_autofree char *link = g_build_filename(pool->target_path, entry, NULL);
        char real[PATH_MAX];

        if (realpath(link, real) && strcmp(real, node) == 0)
            return g_steal_pointer(&link);
    }
    return g_steal_pointer(&node);
}

/* libvirt's volume format of a partition, from parted's columns. */
static const char *part_format(const disk_part *p)
{
    if (strstr(p->flags, "lvm"))
        return "linux-lvm";
    if (strstr(p->flags, "raid"))
        return "linux-raid";
    if (g_str_has_prefix(p->fs, "linux-swap"))
        return "linux-swap";
    if (strcmp(p->fs, "fat16") == 0 || strcmp(p->fs, "fat32") == 0)
        return p->fs;
    if (g_str_has_prefix(p->fs, "ext"))
        return "linux";
    return "none";
}

static void vol_device_free(gpointer p)
{
    storage_vol_device *dev = p;

    g_free(dev->path);
    if (dev->extents)
        g_array_unref(dev->extents);
    g_free(dev);
}

static storage_vol_def *part_vol(const storage_pool_def *pool, const disk_part *p)
{
    storage_vol_def *vol = g_new0(storage_vol_def, 1);
    storage_vol_device *src = g_new0(storage_vol_device, 1);
    storage_vol_extent e = { p->start, p->end + 1 };
    struct stat st;

    vol->name = part_name(pool, p->num);
    vol->path = part_path(pool, vol->name);
    vol->key = g_strdup(vol->path);
    vol->type = g_strdup("block");
    vol->format = g_strdup(part_format(p));
    vol->capacity = p->end + 1 - p->start;
    vol->allocation = vol->capacity;
    vol->has_capacity = true;
    src->path = g_strdup(pool_device(pool));
    src->extents = g_array_new(FALSE, FALSE, sizeof(storage_vol_extent));
    g_array_append_val(src->extents, e);
    vol->source = g_ptr_array_new_with_free_func(vol_device_free);
    g_ptr_array_add(vol->source, src);
    vol->perms.mode = -1;
    vol->perms.owner = -1;
    vol->perms.group = -1;
    if (stat(vol->path, &st) == 0) {
        vol->perms.mode = (int)(st.st_mode & 07777);
        vol->perms.owner = st.st_uid;
        vol->perms.group = st.st_gid;
    }
    return vol;
}

static int disk_refresh(node_state *node, storage_pool_def *pool, GPtrArray *vols)
{
    g_autoptr(disk_table) t = disk_read(pool);
    uint64_t used = 0, avail = 0;

    (void)node;
    if (!t)
        return -1;
    for (guint i = 0; i < t->parts->len; i++) {
        const disk_part *p = &g_array_index(t->parts, disk_part, i);

        g_ptr_array_add(vols, part_vol(pool, p));
        used += p->end + 1 - p->start;
    }
    for (guint i = 0; i < t->free->len; i++) {
        const storage_vol_extent *e = &g_array_index(t->free, storage_vol_extent, i);

        avail += e->end + 1 - e->start;
    }
    pool->capacity = t->size;
    pool->allocation = used;
    pool->available = avail;
    return 0;
}

/* The lowest partition number not in use (msdos: primaries 1-4), 0 when
 * none is left. */
static unsigned int part_next_num(const disk_table *t)
{
    unsigned int max = strcmp(t->label, "msdos") == 0 ? 4 : 128;

    for (unsigned int n = 1; n <= max; n++) {
        bool used = false;

        for (guint i = 0; i < t->parts->len && !used; i++)
            used = g_array_index(t->parts, disk_part, i).num == n;
        if (!used)
            return n;
    }
    return 0;
}

/* The smallest free extent holding bytes from a MiB boundary: its
 * aligned start in *start.  false when none does. */
static bool part_place(const disk_table *t, uint64_t bytes, uint64_t *start)
{
    uint64_t best = 0;
    bool found = false;

    for (guint i = 0; i < t->free->len; i++) {
        const storage_vol_extent *e = &g_array_index(t->free, storage_vol_extent, i);
        uint64_t s = (e->start + DISK_ALIGN - 1) / DISK_ALIGN * DISK_ALIGN;
        uint64_t size = e->end + 1 - e->start;

        if (s + bytes - 1 <= e->end && s + bytes > s && (!found || size < best)) {
            best = size;
            *start = s;
            found = true;
        }
    }
    return found;
}

/* parted's file system type and flag for a volume format; false when the
 * format is not one a partition takes. */
static bool part_type_of(const char *format, const char **fs, const char **flag)
{
    static const struct { const char *format, *fs, *flag; } map[] = {
        { "none", NULL, NULL },          { "linux", "ext2", NULL },
        { "fat16", "fat16", NULL },      { "fat32", "fat32", NULL },
        { "linux-swap", "linux-swap", NULL }, { "linux-lvm", "ext2", "lvm" },
        { "linux-raid", "ext2", "raid" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
        if (strcmp(map[i].format, format ? format : "none") == 0) {
            *fs = map[i].fs;
            *flag = map[i].flag;
            return true;
        }
    }
    return false;
}

/* Without udev nobody may make the new partition's node: wait for the
 * kernel's devtmpfs, else make it from sysfs. */
static int part_node_ensure(const storage_pool_def *pool, const char *name)
{
    g_autofree char *node = g_build_filename("/dev", name, NULL);
    g_autofree char *sys = g_strdup_printf("/sys/class/block/%s/dev", name);
    gint64 until = g_get_monotonic_time() + DISK_NODE_WAIT_MS * 1000;
    g_autofree char *devno = NULL;
    unsigned int maj, min;

    while (g_get_monotonic_time() < until) {
        if (access(node, F_OK) == 0)
            return 0;
        g_usleep(20 * 1000);
    }
    if (g_file_get_contents(sys, &devno, NULL, NULL) && sscanf(devno, "%u:%u", &maj, &min) == 2 &&
        mknod(node, S_IFBLK | 0600, makedev(maj, min)) == 0) {
        log_info("%s: made %s (%u:%u) from sysfs", pool->name, node, maj, min);
        return 0;
    }
    error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_FAILED,
                 "storage pool '%s': the kernel made no device for partition '%s' of '%s' "
                 "(a loop device needs partition scanning: losetup -P)",
                 pool->name, name, pool_device(pool));
    return -1;
}

static int part_remove(const storage_pool_def *pool, unsigned int num)
{
    g_autofree char *n = g_strdup_printf("%u", num);
    const char *argv[] = { "parted", "-s", pool_device(pool), "rm", n, NULL };

    return storage_run(argv, storage_run_timeout_ms(), NULL, NULL);
}

static int part_mkpart(const storage_pool_def *pool, unsigned int num,
                       const char *format, uint64_t start, uint64_t bytes)
{
    const char *fs = NULL, *flag = NULL;
    g_autofree char *s = g_strdup_printf("%" G_GUINT64_FORMAT "B", start);
    g_autofree char *e = g_strdup_printf("%" G_GUINT64_FORMAT "B", start + bytes - 1);
    g_autofree char *n = g_strdup_printf("%u", num);
    const char *argv[9] = { "parted", "-s", pool_device(pool), "mkpart", "primary" };
    int i = 5;

    part_type_of(format, &fs, &flag);
    if (fs)
        argv[i++] = fs;
    argv[i++] = s;
    argv[i++] = e;
    if (storage_run(argv, storage_run_timeout_ms(), NULL, NULL) < 0)
        return -1;
    if (flag) {
        const char *set[] = { "parted", "-s", pool_device(pool), "set", n, flag, "on", NULL };

        if (storage_run(set, storage_run_timeout_ms(), NULL, NULL) < 0)
            return -1;
    }
    return 0;
}

static int disk_vol_create(node_state *node, const storage_pool_def *pool, storage_vol_def *vol,
                           const storage_vol_def *from, unsigned int flags)
{
    g_autoptr(disk_table) t = NULL;
    g_autofree char *name = NULL;
    const char *fs, *flag;
    unsigned int num;
    uint64_t start = 0;

    (void)node;
    (void)flags;
    if (from) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "storage pool '%s': copying a volume into a partition is not supported",
                     pool->name);
        return -1;
    }
    if (!part_type_of(vol->format, &fs, &flag)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "storage pool '%s': volume '%s': partitions of format '%s' are not "
                     "supported (none, linux, fat16, fat32, linux-swap, linux-lvm, linux-raid)",
                     pool->name, vol->name, vol->format);
        return -1;
    }
    if (!(t = disk_read(pool)))
        return -1;
    if (!(num = part_next_num(t))) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_FAILED,
                     "storage pool '%s': no free partition number left on '%s'", pool->name,
                     pool_device(pool));
        return -1;
    }
    /* libvirt's rule: the name is the partition's, checked before parted runs */
    name = part_name(pool, num);
    if (strcmp(vol->name, name) != 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "invalid partition name '%s', expected '%s'", vol->name, name);
        return -1;
    }
    if (vol->capacity == 0 || !part_place(t, vol->capacity, &start)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_FAILED,
                     "storage pool '%s': no free extent of '%s' holds %" G_GUINT64_FORMAT
                     " bytes for volume '%s'", pool->name, pool_device(pool), vol->capacity,
                     vol->name);
        return -1;
    }
    if (part_mkpart(pool, num, vol->format, start, vol->capacity) < 0 ||
        part_node_ensure(pool, name) < 0) {
        vireo_error *saved = error_save();

        (void)part_remove(pool, num);
        error_restore(saved);
        return -1;
    }
    g_free(vol->type);
    vol->type = g_strdup("block");
    g_free(vol->path);
    vol->path = part_path(pool, name);
    g_free(vol->key);
    vol->key = g_strdup(vol->path);
    vol->allocation = vol->capacity;
    if (!vol->format)
        vol->format = g_strdup("none");
    log_info("%s: made partition %u (%s) at %" G_GUINT64_FORMAT, pool->name, num, name, start);
    return 0;
}

/* The partition number of vol from its node's name. */
static int vol_part_num(const storage_pool_def *pool, const storage_vol_def *vol,
                        unsigned int *num)
{
    g_autofree char *base = g_path_get_basename(pool_device(pool));
    char real[PATH_MAX];
    const char *p;
    char *end;

    if (!vol->path || !realpath(vol->path, real))
        g_strlcpy(real, vol->path ? vol->path : "", sizeof(real));
    p = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
    if (!g_str_has_prefix(p, base)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                     "storage pool '%s': volume path '%s' is not a partition of '%s'",
                     pool->name, vol->path, pool_device(pool));
        return -1;
    }
    p += strlen(base);
    if (*p == 'p')
        p++;
    *num = (unsigned int)strtoul(p, &end, 10);
    if (*num == 0 || *end) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                     "storage pool '%s': cannot read a partition number from '%s'",
                     pool->name, vol->path);
        return -1;
    }
    return 0;
}

static int disk_vol_delete(const storage_pool_def *pool, const storage_vol_def *vol,
                           unsigned int flags)
{
    g_autofree char *name = NULL;
    g_autofree char *node = NULL;
    g_autofree char *sys = NULL;
    unsigned int num;

    if (flags) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "storage pool '%s': volume '%s': delete flags 0x%x are not supported",
                     pool->name, vol->name, flags);
        return -1;
    }
    if (vol_part_num(pool, vol, &num) < 0 || part_remove(pool, num) < 0)
        return -1;
    /* a node made by part_node_ensure outlives the partition: drop it */
    name = part_name(pool, num);
    node = g_build_filename("/dev", name, NULL);
    sys = g_strdup_printf("/sys/class/block/%s", name);
    if (access(sys, F_OK) < 0 && unlink(node) == 0)
        log_debug("%s: removed the stale node %s", pool->name, node);
    return 0;
}

/* Zero a partition: BLKZEROOUT lets the device do it (a loop device
 * punches holes in its file), plain writes where it cannot. */
static int disk_vol_wipe(const storage_pool_def *pool, const storage_vol_def *vol,
                         unsigned int flags)
{
    int fd = open(vol->path, O_WRONLY | O_CLOEXEC);
    uint64_t range[2] = { 0, 0 };
    g_autofree char *zeros = NULL;
    int rc = -1;

    (void)flags;
    if (fd < 0 || ioctl(fd, BLKGETSIZE64, &range[1]) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno,
                            "storage pool '%s': cannot open volume '%s' (%s)", pool->name,
                            vol->name, vol->path);
        goto out;
    }
    if (ioctl(fd, BLKZEROOUT, range) < 0) {
        zeros = g_malloc0(DISK_WIPE);
        for (uint64_t off = 0; off < range[1]; off += DISK_WIPE) {
            size_t n = (size_t)MIN((uint64_t)DISK_WIPE, range[1] - off);

            if (pwrite(fd, zeros, n, (off_t)off) != (ssize_t)n) {
                error_report_system(VIREO_FROM_STORAGE, errno,
                                    "storage pool '%s': cannot wipe volume '%s'", pool->name,
                                    vol->name);
                goto out;
            }
        }
    }
    if ((rc = fsync(fd)) < 0)
        error_report_system(VIREO_FROM_STORAGE, errno,
                            "storage pool '%s': cannot sync volume '%s'", pool->name, vol->name);
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

const storage_backend storage_backend_disk = {
    .type = STORAGE_POOL_DISK,
    .check = disk_check,
    .build = disk_build,
    .start = disk_start,
    .delete = disk_delete,
    .refresh = disk_refresh,
    .vol_create = disk_vol_create,
    .vol_delete = disk_vol_delete,
    .vol_wipe = disk_vol_wipe,
    .check_running = disk_check_running,
};
