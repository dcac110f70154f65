/*
 * lxc_plan.c: a container's definition turned into an lxc_plan, and the
 * checks the driver makes before it spawns a controller.
 */
#define _GNU_SOURCE
#include "drivers/lxc/lxc_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib.h>

#include "util/error.h"
#include "util/uuid.h"

#define LXC_DEFAULT_INIT "/sbin/init"
#define LXC_DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* def's filesystem on "/", NULL when none */
static const device_filesystem *root_fs(const domain_def *def)
{
    const GPtrArray *fss = def->devices.filesystems;

    for (guint i = 0; fss && i < fss->len; i++) {
        const device_filesystem *fs = g_ptr_array_index(fss, i);

        if (g_strcmp0(fs->target, "/") == 0)
            return fs;
    }
    return NULL;
}

/* one <filesystem> into out; -1 with the error when it cannot be mounted */
static int fs_from_def(const domain_def *def, const device_filesystem *fs, lxc_fs *out)
{
    const char *type = fs->type ? fs->type : "mount";
    bool is_root = g_strcmp0(fs->target, "/") == 0;

    if (strcmp(type, "mount") == 0 && fs->source && fs->target) {
        out->kind = LXC_FS_BIND;
        out->source = g_strdup(fs->source);
    } else if (strcmp(type, "ram") == 0 && fs->target && !is_root) {
        out->kind = LXC_FS_RAM;
        out->usage_kib = fs->usage_kib;
    } else {
        error_report(VIREO_FROM_LXC, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "container '%s': cannot mount a filesystem of type '%s' on '%s'",
                     def->name, type, fs->target ? fs->target : "(no target)");
        return -1;
    }
    out->target = g_strdup(fs->target);
    out->readonly = fs->readonly;
    return 0;
}

static int plan_fs(lxc_plan *p, const domain_def *def)
{
    const GPtrArray *fss = def->devices.filesystems;
    const device_filesystem *root = root_fs(def);
    size_t n = 1;

    if (!root) {
        /* libvirt would share the host's root; a container here always
         * has a folder of its own */
        error_report(VIREO_FROM_LXC, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "container '%s' has no <filesystem> with target '/'", def->name);
        return -1;
    }
    p->fs = g_new0(lxc_fs, fss->len);
    if (fs_from_def(def, root, &p->fs[0]) < 0)
        return -1;
    p->nfs = 1;
    for (guint i = 0; i < fss->len; i++) {
        const device_filesystem *fs = g_ptr_array_index(fss, i);

        if (fs == root)
            continue;
        if (g_strcmp0(fs->target, "/") == 0) {
            error_report(VIREO_FROM_LXC, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "container '%s' has more than one filesystem on '/'", def->name);
            return -1;
        }
        if (fs_from_def(def, fs, &p->fs[n]) < 0)
            return -1;
        p->nfs = ++n;
    }
    return 0;
}

static lxc_idmap *idmap_copy(const domain_idmap_entry *e, size_t n)
{
    lxc_idmap *m = g_new0(lxc_idmap, n);

    for (size_t i = 0; i < n; i++)
        m[i] = (lxc_idmap){ e[i].start, e[i].target, e[i].count };
    return m;
}

static int plan_ids(lxc_plan *p, const domain_def *def)
{
    const domain_idmap *im = &def->idmap;

    if (!im->nuid && !im->ngid)
        return 0;
    if (!im->nuid || !im->ngid) {
        /* a user namespace with half its ids unmapped cannot run init */
        error_report(VIREO_FROM_LXC, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "container '%s': <idmap> needs both <uid> and <gid>", def->name);
        return -1;
    }
    p->uidmap = idmap_copy(im->uid, im->nuid);
    p->nuidmap = im->nuid;
    p->gidmap = idmap_copy(im->gid, im->ngid);
    p->ngidmap = im->ngid;
    return 0;
}

static void plan_init(lxc_plan *p, const domain_def *def)
{
    const domain_os *os = &def->os;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GPtrArray) env = g_ptr_array_new();
    char uuid[VIREO_UUID_STRING_BUFLEN];
    bool have_path = false;

    g_ptr_array_add(argv, g_strdup(os->init && *os->init ? os->init : LXC_DEFAULT_INIT));
    for (char **a = os->init_args; a && *a; a++)
        g_ptr_array_add(argv, g_strdup(*a));
    g_ptr_array_add(argv, NULL);
    p->init_argv = (char **)g_ptr_array_steal(argv, NULL);

    for (guint i = 0; os->init_env && i < os->init_env->len; i++) {
        const domain_init_env *e = g_ptr_array_index(os->init_env, i);

        /* ours below says who runs the container */
        if (strcmp(e->name, "container") == 0)
            continue;
        have_path |= strcmp(e->name, "PATH") == 0;
        g_ptr_array_add(env, g_strdup_printf("%s=%s", e->name, e->value ? e->value : ""));
    }
    if (!have_path)
        g_ptr_array_add(env, g_strdup(LXC_DEFAULT_PATH));
    g_ptr_array_add(env, g_strdup("container=vireo-lxc"));
    /* as libvirt's libvirt_lxc tells its init */
    g_ptr_array_add(env, g_strdup_printf("LIBVIRT_LXC_NAME=%s", def->name));
    uuid_format(def->uuid, uuid);
    g_ptr_array_add(env, g_strdup_printf("LIBVIRT_LXC_UUID=%s", uuid));
    g_ptr_array_add(env, NULL);
    p->init_env = (char **)g_ptr_array_steal(env, NULL);
    p->init_dir = g_strdup(os->init_dir && *os->init_dir ? os->init_dir : NULL);
}

lxc_plan *lxc_plan_from_def(const domain_def *def, const char *console_pty,
                            const char *const *net_devs)
{
    lxc_plan *p = g_new0(lxc_plan, 1);

    p->name = g_strdup(def->name);
    if (plan_fs(p, def) < 0 || plan_ids(p, def) < 0) {
        lxc_plan_free(p);
        return NULL;
    }
    plan_init(p, def);
    p->console_pty = g_strdup(console_pty);
    if (net_devs)
        p->net_devs = g_strdupv((char **)net_devs);
    return p;
}

/* init opened inside root the way the container will see it: symlinks
 * resolved against root, never leaving it.  An O_PATH fd or -1 (errno). */
static int init_open(int root_fd, const char *init)
{
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };

    return (int)syscall(SYS_openat2, root_fd, init, &how, sizeof(how));
}

static int init_check(const char *name, const char *root, const char *init)
{
    int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), fd, err = 0;
    struct stat st;

    if (root_fd < 0) {
        err = errno;
    } else {
        fd = init_open(root_fd, init);
        if (fd < 0) {
            err = errno;
        } else {
            if (fstat(fd, &st) < 0)
                err = errno;
            else if (!S_ISREG(st.st_mode))
                err = S_ISDIR(st.st_mode) ? EISDIR : EACCES;
            else if (!(st.st_mode & 0111))
                err = EACCES;
            close(fd);
        }
        close(root_fd);
    }
    if (!err)
        return 0;
    error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_FAILED,
                 "init '%s' of container '%s' is not an executable file in '%s': %s", init, name,
                 root, g_strerror(err));
    return -1;
}

int lxc_plan_check(const domain_def *def)
{
    lxc_plan *p = lxc_plan_from_def(def, NULL, NULL);
    const char *root;
    struct stat st;
    int ret = -1, err;

    if (!p)
        return -1;
    root = p->fs[0].source;
    err = stat(root, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (err) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_NO_SOURCE, "root folder '%s' of container '%s': %s",
                     root, def->name, g_strerror(err));
        goto out;
    }
    ret = init_check(def->name, root, p->init_argv[0]);
out:
    lxc_plan_free(p);
    return ret;
}
