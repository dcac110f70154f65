/*
 * qemu_dac.c: the files QEMU opens by path, given to the user and group
 * it runs as (qemu.conf, qemu_conf.c) before it starts and given back
 * after it stops, as libvirt's DAC security driver does.
 *
 * Which files: disk images (file, block, volume; a qcow2's backing chain,
 * which QEMU opens itself, read-only), kernel, initrd, dtb, loader,
 * nvram, the files and client sockets of character devices, the disks'
 * key files.  Folders the daemon owns stay root's: QEMU gets its log as
 * a descriptor, and creates only its monitor socket and pid file, in
 * the run folder, which its group may write (sticky: it cannot remove
 * the daemon's files there).
 *
 * Owners are remembered in the file itself (remember_owner), so a
 * restarted vireod still knows them: xattr trusted.vireo.dac.owner holds
 * "UID:GID" as it was before the first guest took the file, and
 * trusted.vireo.dac.refs how many runs use it; the last one to stop puts
 * the owner back (two guests sharing a read-only image).  Where the file
 * system has no such xattrs, or remember_owner = 0, the file goes back to
 * root as libvirt's does.  The mode is never touched.
 *
 * Before anything is changed, every path is checked to be reachable by
 * that user (search permission on each folder above it), so a start
 * fails naming the path and the user rather than with QEMU's bare
 * "Permission denied".  With user root, or the daemon's own user, nothing
 * is chowned or checked.
 */
#define LOG_CATEGORY "qemu.dac"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"
#include "util/log.h"

#define DAC_XATTR_OWNER "trusted.vireo.dac.owner"
#define DAC_XATTR_REFS "trusted.vireo.dac.refs"
/* the deepest backing chain followed */
#define DAC_CHAIN_MAX 16

/* Refcounts are read, changed and written back: one at a time in the
 * process (guests of any driver instance may share a file). */
static GMutex dac_lock;

/* One file of a start. */
typedef struct dac_file {
    char *path;             /* as the definition names it */
    bool create;            /* a character device's file: made when missing */
} dac_file;

static void dac_file_free(gpointer p)
{
    dac_file *f = p;

    g_free(f->path);
    g_free(f);
}

static void dac_add(GPtrArray *files, const char *path, bool create)
{
    dac_file *f;

    if (!path || !*path)
        return;
    f = g_new0(dac_file, 1);
    f->path = g_strdup(path);
    f->create = create;
    g_ptr_array_add(files, f);
}

/* ---- what QEMU opens ---- */

/* The backing file a qcow2 image names (absolute), or NULL. */
static char *dac_qcow2_backing(const char *path)
{
    unsigned char h[20];
    guint64 off;
    guint32 len;
    g_autofree char *name = NULL;
    g_autofree char *dir = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool ok;

    if (fd < 0)
        return NULL;
    ok = pread(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h) && memcmp(h, "QFI\xfb", 4) == 0;
    off = ok ? ((guint64)h[8] << 56 | (guint64)h[9] << 48 | (guint64)h[10] << 40 |
                (guint64)h[11] << 32 | (guint64)h[12] << 24 | (guint64)h[13] << 16 |
                (guint64)h[14] << 8 | h[15]) : 0;
    len = ok ? ((guint32)h[16] << 24 | (guint32)h[17] << 16 | (guint32)h[18] << 8 | h[19]) : 0;
    if (off && len && len < 4096) {
        name = g_malloc0(len + 1);
        if (pread(fd, name, len, (off_t)off) != (ssize_t)len)
            g_clear_pointer(&name, g_free);
    }
    close(fd);
    /* a protocol (nbd:, http:...) is not a file */
    if (!name || !*name || (strchr(name, ':') && name[0] != '/'))
        return NULL;
    if (g_path_is_absolute(name))
        return g_steal_pointer(&name);
    dir = g_path_get_dirname(path);
    return g_build_filename(dir, name, NULL);
}

static void dac_add_disk(GPtrArray *files, const device_disk *d)
{
    const char *src = d->volume_path ? d->volume_path : d->source_file ? d->source_file
                                                                       : d->source_dev;
    g_autofree char *next = NULL;

    if (!src || g_strcmp0(d->type, "network") == 0 || g_strcmp0(d->type, "dir") == 0)
        return;
    dac_add(files, src, false);
    /* QEMU opens the backing chain itself, from the images' headers */
    next = dac_qcow2_backing(src);
    for (int depth = 0; next && depth < DAC_CHAIN_MAX; depth++) {
        char *after = dac_qcow2_backing(next);

        dac_add(files, next, false);
        g_free(next);
        next = after;
    }
}

static void dac_add_chrs(GPtrArray *files, const GPtrArray *chrs)
{
    for (guint i = 0; chrs && i < chrs->len; i++) {
        const device_chr *c = chrs->pdata[i];

        if (g_strcmp0(c->type, "file") == 0)
            dac_add(files, c->source_path, true);
        else if (g_strcmp0(c->type, "unix") == 0 && g_strcmp0(c->source_mode, "connect") == 0)
            dac_add(files, c->source_path, false);
        dac_add(files, c->log_file, true);
    }
}

static GPtrArray *dac_files(const domain_def *live)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(dac_file_free);
    const GPtrArray *disks = live->devices.disks;

    for (guint i = 0; disks && i < disks->len; i++)
        dac_add_disk(files, disks->pdata[i]);
    dac_add(files, live->os.kernel, false);
    dac_add(files, live->os.initrd, false);
    dac_add(files, live->os.dtb, false);
    dac_add(files, live->os.loader, false);
    dac_add(files, live->os.nvram, false);
    dac_add_chrs(files, live->devices.serials);
    dac_add_chrs(files, live->devices.parallels);
    dac_add_chrs(files, live->devices.consoles);
    dac_add_chrs(files, live->devices.channels);
    return files;
}

/* ---- the user's view ---- */

static bool dac_chown_on(const qemu_conf *conf)
{
    return conf->dynamic_ownership && conf->user != 0 && geteuid() == 0 &&
           qemu_conf_other_user(conf);
}

static bool dac_check_on(const qemu_conf *conf)
{
    return conf->user != 0 && qemu_conf_other_user(conf);
}

/* Whether conf's user may do want (R_OK, W_OK, X_OK bits) on st, by the
 * mode bits (as the kernel decides without ACLs). */
static bool dac_user_may(const qemu_conf *conf, const struct stat *st, int want)
{
    int shift = 0;

    if (st->st_uid == conf->user) {
        shift = 6;
    } else {
        bool in_group = st->st_gid == conf->group;

        for (size_t i = 0; !in_group && i < conf->ngroups; i++)
            in_group = conf->groups[i] == st->st_gid;
        shift = in_group ? 3 : 0;
    }
    return ((st->st_mode >> shift) & want & 7) == (unsigned)(want & 7);
}

/* Every folder above path searchable by the user (and path itself may
 * want, when want).  -1 with the error naming path, the folder and the
 * user. */
static int dac_check_reach(const qemu_conf *conf, const char *path, int want)
{
    g_autofree char *real = realpath(path, NULL);
    struct stat st;

    if (!real)
        return 0; /* missing: QEMU says so, or it makes it */
    for (char *slash = strchr(real + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (stat(real, &st) == 0 && !dac_user_may(conf, &st, X_OK)) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_ACCESS_DENIED,
                         "QEMU, running as user '%s', cannot reach '%s': no search permission "
                         "on folder '%s' (see user and group in '%s')",
                         conf->user_name, path, real, conf->path);
            return -1;
        }
        *slash = '/';
    }
    if (want && stat(real, &st) == 0 && !dac_user_may(conf, &st, want)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_ACCESS_DENIED,
                     "QEMU, running as user '%s', may not %s '%s' (see '%s')", conf->user_name,
                     want & W_OK ? "write" : "read", path, conf->path);
        return -1;
    }
    return 0;
}

/* ---- remembering owners ---- */

/* The reference count on path: 0 when none (or no xattrs here). */
static long dac_refs(const char *path)
{
    char buf[32];
    ssize_t n = getxattr(path, DAC_XATTR_REFS, buf, sizeof(buf) - 1);

    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

static int dac_set_refs(const char *path, long refs)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%ld", refs);

    return setxattr(path, DAC_XATTR_REFS, buf, (size_t)n, 0);
}

/* Take one reference on path, remembering st's owner when the first.
 * false when the file system keeps no xattrs (nothing remembered). */
static bool dac_remember(const char *path, const struct stat *st)
{
    long refs = dac_refs(path);
    char owner[48];
    int n;

    if (refs > 0)
        return dac_set_refs(path, refs + 1) == 0;
    n = snprintf(owner, sizeof(owner), "%u:%u", (unsigned)st->st_uid, (unsigned)st->st_gid);
    if (setxattr(path, DAC_XATTR_OWNER, owner, (size_t)n, 0) < 0) {
        log_debug("'%s': cannot remember its owner (%s): it goes back to root", path,
                  g_strerror(errno));
        return false;
    }
    return dac_set_refs(path, 1) == 0;
}

/* Drop one reference on path.  1 when others still hold it, 0 with
 * *uid:*gid the remembered owner (xattrs removed), -1 when nothing was
 * remembered. */
static int dac_recall(const char *path, uid_t *uid, gid_t *gid)
{
    long refs = dac_refs(path);
    char owner[48];
    unsigned int u, g;
    ssize_t n;

    if (refs > 1)
        return dac_set_refs(path, refs - 1) == 0 ? 1 : -1;
    n = getxattr(path, DAC_XATTR_OWNER, owner, sizeof(owner) - 1);
    removexattr(path, DAC_XATTR_OWNER);
    removexattr(path, DAC_XATTR_REFS);
    if (n <= 0)
        return -1;
    owner[n] = '\0';
    if (sscanf(owner, "%u:%u", &u, &g) != 2)
        return -1;
    *uid = u;
    *gid = g;
    return 0;
}

/* ---- one file ---- */

static int dac_set_one(const qemu_conf *conf, const dac_file *f)
{
    g_autofree char *real = NULL;
    struct stat st;

    if (f->create && access(f->path, F_OK) < 0) {
        int fd = open(f->path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

        if (fd >= 0)
            close(fd);
    }
    real = realpath(f->path, NULL);
    if (!real || stat(real, &st) < 0)
        return 0; /* QEMU reports a missing file in its own words */
    if (conf->remember_owner)
        dac_remember(real, &st);
    if (st.st_uid == conf->user && st.st_gid == conf->group)
        return 0;
    if (chown(real, conf->user, conf->group) < 0) {
        int err = errno;
        uid_t u;
        gid_t g;

        if (conf->remember_owner)
            dac_recall(real, &u, &g);
        error_report_system(VIREO_FROM_QEMU, err, "cannot give '%s' to QEMU's user '%s'",
                            f->path, conf->user_name);
        return -1;
    }
    log_debug("'%s': owner %u:%u -> %s:%s", real, (unsigned)st.st_uid, (unsigned)st.st_gid,
              conf->user_name, conf->group_name);
    return 0;
}

static void dac_restore_one(const qemu_conf *conf, const char *path)
{
    g_autofree char *real = realpath(path, NULL);
    uid_t uid = 0;
    gid_t gid = 0;
    struct stat st;
    int r;

    if (!real || stat(real, &st) < 0)
        return;
    r = conf->remember_owner ? dac_recall(real, &uid, &gid) : -1;
    if (r > 0)
        return; /* another guest still uses it */
    if (r < 0) {
        /* nothing remembered: root's again, unless someone else took it since */
        if (st.st_uid != conf->user)
            return;
        uid = 0;
        gid = 0;
    }
    if ((st.st_uid != uid || st.st_gid != gid) && chown(real, uid, gid) < 0)
        log_warn("cannot give '%s' back to %u:%u: %s", path, (unsigned)uid, (unsigned)gid,
                 g_strerror(errno));
    else
        log_debug("'%s': owner back to %u:%u", real, (unsigned)uid, (unsigned)gid);
}

/* ---- entries ---- */

/* Check, then chown files (from first); on failure give back what was
 * taken. */
static int dac_set_files(qemu_drv *drv, GPtrArray *files)
{
    const qemu_conf *conf = drv->conf;
    guint done;

    if (!dac_check_on(conf))
        return 0;
    for (guint i = 0; i < files->len; i++) {
        const dac_file *f = files->pdata[i];

        /* without dynamic ownership the files must already suit QEMU */
        if (dac_check_reach(conf, f->path, dac_chown_on(conf) ? 0 : R_OK) < 0)
            return -1;
    }
    if (!dac_chown_on(conf))
        return 0;
    g_mutex_lock(&dac_lock);
    for (done = 0; done < files->len; done++) {
        if (dac_set_one(conf, files->pdata[done]) < 0)
            break;
    }
    if (done < files->len) {
        g_autoptr(vireo_error) saved = error_save();

        while (done > 0)
            dac_restore_one(conf, ((dac_file *)files->pdata[--done])->path);
        g_mutex_unlock(&dac_lock);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    g_mutex_unlock(&dac_lock);
    return 0;
}

static void dac_restore_files(qemu_drv *drv, GPtrArray *files)
{
    if (!dac_chown_on(drv->conf))
        return;
    g_mutex_lock(&dac_lock);
    for (guint i = files->len; i > 0; i--)
        dac_restore_one(drv->conf, ((dac_file *)files->pdata[i - 1])->path);
    g_mutex_unlock(&dac_lock);
}

int qemu_dac_set(qemu_drv *drv, const domain_def *live)
{
    g_autoptr(GPtrArray) files = dac_files(live);
    const GPtrArray *disks = live->devices.disks;

    if (qemu_conf_check(drv->conf) < 0)
        return -1;
    /* QEMU makes its monitor socket and pid file there */
    if (dac_check_on(drv->conf) && dac_check_reach(drv->conf, drv->run_dir, 0) < 0)
        return -1;
    if (dac_set_files(drv, files) < 0)
        return -1;
    /* the keys are the start's own (removed once QEMU has read them) */
    for (guint i = 0; dac_chown_on(drv->conf) && disks && i < disks->len; i++) {
        const device_disk *d = disks->pdata[i];

        if (d->secret_file && chown(d->secret_file, drv->conf->user, drv->conf->group) < 0) {
            error_report_system(VIREO_FROM_QEMU, errno, "cannot give the key of disk '%s' "
                                "to QEMU's user '%s'", d->target_dev, drv->conf->user_name);
            dac_restore_files(drv, files);
            return -1;
        }
    }
    return 0;
}

void qemu_dac_restore(qemu_drv *drv, const domain_def *live)
{
    g_autoptr(GPtrArray) files = NULL;

    if (!live || !dac_chown_on(drv->conf))
        return;
    files = dac_files(live);
    dac_restore_files(drv, files);
}

int qemu_dac_check_access(qemu_drv *drv, const char *path, int want)
{
    if (!dac_check_on(drv->conf))
        return 0;
    return dac_check_reach(drv->conf, path, want);
}

int qemu_dac_set_disk(qemu_drv *drv, const device_disk *d)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(dac_file_free);

    dac_add_disk(files, d);
    return dac_set_files(drv, files);
}

void qemu_dac_restore_disk(qemu_drv *drv, const device_disk *d)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(dac_file_free);

    dac_add_disk(files, d);
    dac_restore_files(drv, files);
}

int qemu_dac_prepare_dirs(qemu_drv *drv)
{
    const qemu_conf *conf = drv->conf;
    struct stat st;

    if (!dac_chown_on(conf) || stat(drv->run_dir, &st) < 0)
        return 0;
    if (st.st_gid == conf->group && (st.st_mode & 07777) == 01770)
        return 0;
    if (chown(drv->run_dir, st.st_uid, conf->group) < 0 || chmod(drv->run_dir, 01770) < 0) {
        error_report_system(VIREO_FROM_QEMU, errno,
                            "cannot open folder '%s' to QEMU's group '%s'", drv->run_dir,
                            conf->group_name);
        return -1;
    }
    return 0;
}
