/*
 * lxc_container.c: clone a plan's init into its namespaces and exec it.
 *
 * The parent prepares every path and argument before clone, so the child
 * only makes system calls (the controller may have threads: no malloc
 * after clone).  Two pipes tie them: "go" (parent -> child) holds the
 * child until its id maps are written and before_exec ran; "fail"
 * (child -> parent, close-on-exec) carries one lxc_failure when a step
 * fails, and reads end-of-file once init is exec'd.
 */
#define _GNU_SOURCE
#include "drivers/lxc/lxc_container.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "util/error.h"

/* What a failing child sends back: one write, well under PIPE_BUF. */
typedef struct lxc_failure {
    int code;               /* VIREO_ERR_* */
    char message[1024];
} lxc_failure;

/* A container's /dev: files bound from the host's nodes (mknod is refused
 * in a user namespace). */
static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
#define N_DEV_NODES (sizeof(dev_nodes) / sizeof(dev_nodes[0]))

/* Dropped from the bounding set like libvirt's LXC driver does by default
 * (drvlxc "Altering the available capabilities"): loading modules, setting
 * the clock, the audit rules, MAC policy, making device nodes.  CAP_SYS_BOOT
 * stays: in a PID namespace reboot() only ends the container's init, which
 * is how the controller learns of a reboot. */
static const int dropped_caps[] = {
    CAP_SYS_MODULE, CAP_SYS_TIME, CAP_AUDIT_CONTROL, CAP_MAC_ADMIN, CAP_MKNOD,
};

/* Everything the child needs, computed in the parent.  Borrows the plan. */
typedef struct lxc_child {
    const lxc_plan *plan;
    int go_fd, fail_fd;
    char *root;                 /* host path of the root folder */
    char **fs_at;               /* per plan fs: host path of its target under root */
    char *proc_at, *sys_at, *dev_at, *pts_at, *ptmx_at, *console_at;
    char *dev_node_at[N_DEV_NODES];
    char *dev_node_host[N_DEV_NODES];
    const char *init_dir;
} lxc_child;

void lxc_plan_free(lxc_plan *p)
{
    if (!p)
        return;
    g_free(p->name);
    for (size_t i = 0; i < p->nfs; i++) {
        g_free(p->fs[i].source);
        g_free(p->fs[i].target);
    }
    g_free(p->fs);
    g_free(p->uidmap);
    g_free(p->gidmap);
    g_strfreev(p->init_argv);
    g_strfreev(p->init_env);
    g_free(p->init_dir);
    g_free(p->console_pty);
    g_strfreev(p->net_devs);
    g_free(p);
}

/* ---- the child: system calls only ---- */

static G_GNUC_PRINTF(4, 5) void child_fail(const lxc_child *c, int code, int errnum,
                                          const char *fmt, ...)
{
    lxc_failure f = { .code = code };
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(f.message, sizeof(f.message), fmt, ap);
    va_end(ap);
    if (errnum && n >= 0 && (size_t)n < sizeof(f.message))
        snprintf(f.message + n, sizeof(f.message) - n, ": %s", strerror(errnum));
    if (write(c->fail_fd, &f, sizeof(f)) < 0) {
        /* the parent is gone: nobody to tell */
    }
    _exit(127);
}

static void child_mount(const lxc_child *c, const char *src, const char *dst, const char *shown,
                        const char *type, unsigned long flags, const char *data)
{
    if (mount(src, dst, type, flags, data) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot mount '%s' on '%s'",
                   src ? src : type, shown);
}

/* a mount point inside the root folder, made when missing */
static void child_mkdir(const lxc_child *c, const char *path, const char *shown)
{
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot make mount point '%s'", shown);
}

static void child_touch(const lxc_child *c, const char *path, const char *shown)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

    if (fd < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot make '%s'", shown);
    close(fd);
}

/* Remount a bind read-only.  In a user namespace the flags inherited from
 * the host's mount are locked and must be kept, or the kernel refuses. */
static void child_remount_ro(const lxc_child *c, const char *path, const char *shown)
{
    static const struct { unsigned long st, ms; } keep[] = {
        { ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
        { ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
    };
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
    struct statvfs sv;

    if (statvfs(path, &sv) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot inspect '%s'", shown);
    for (size_t i = 0; i < G_N_ELEMENTS(keep); i++)
        if (sv.f_flag & keep[i].st)
            flags |= keep[i].ms;
    if (mount(NULL, path, NULL, flags, NULL) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot make '%s' read-only", shown);
}

static void child_ids(const lxc_child *c)
{
    if (!c->plan->uidmap)
        return;
    if (setresgid(0, 0, 0) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno,
                   "cannot become group 0 in the container (is gid 0 mapped?)");
    /* refused when the parent had to write setgroups=deny: no groups then */
    if (setgroups(0, NULL) < 0 && errno != EPERM)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot clear supplementary groups");
    if (setresuid(0, 0, 0) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno,
                   "cannot become user 0 in the container (is uid 0 mapped?)");
}

static void child_dev(const lxc_child *c)
{
    child_mkdir(c, c->dev_at, "/dev");
    child_mount(c, "devfs", c->dev_at, "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
                "mode=755,size=65536");
    for (size_t i = 0; i < N_DEV_NODES; i++) {
        child_touch(c, c->dev_node_at[i], c->dev_node_host[i]);
        child_mount(c, c->dev_node_host[i], c->dev_node_at[i], c->dev_node_host[i], NULL,
                    MS_BIND, NULL);
    }
    child_mkdir(c, c->pts_at, "/dev/pts");
    child_mount(c, "devpts", c->pts_at, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                "newinstance,ptmxmode=0666,mode=0620");
    if (symlink("pts/ptmx", c->ptmx_at) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot make '/dev/ptmx'");
    if (c->plan->console_pty) {
        child_touch(c, c->console_at, "/dev/console");
        child_mount(c, c->plan->console_pty, c->console_at, "/dev/console", NULL, MS_BIND, NULL);
    }
}

/* lo and the interfaces before_exec moved in, up (ioctls: no netlink
 * buffers to allocate here) */
static void child_net_up(const lxc_child *c)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const char *lo[] = { "lo", NULL };
    char *const *devs[] = { (char *const *)lo, c->plan->net_devs };

    if (fd < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot open a socket to bring up 'lo'");
    for (size_t k = 0; k < G_N_ELEMENTS(devs); k++) {
        for (char *const *d = devs[k]; d && *d; d++) {
            struct ifreq ifr = { 0 };

            strncpy(ifr.ifr_name, *d, IFNAMSIZ - 1);
            if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot bring up '%s'", *d);
            ifr.ifr_flags |= IFF_UP;
            if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot bring up '%s'", *d);
        }
    }
    close(fd);
}

static void child_caps(const lxc_child *c)
{
    struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct data[2];

    for (size_t i = 0; i < G_N_ELEMENTS(dropped_caps); i++)
        if (prctl(PR_CAPBSET_DROP, dropped_caps[i], 0, 0, 0) < 0 && errno != EINVAL)
            child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot drop capability %d",
                       dropped_caps[i]);
    if (syscall(SYS_capget, &hdr, data) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot read capabilities");
    for (size_t i = 0; i < G_N_ELEMENTS(dropped_caps); i++) {
        unsigned w = dropped_caps[i] / 32, bit = 1u << (dropped_caps[i] % 32);

        data[w].effective &= ~bit;
        data[w].permitted &= ~bit;
        data[w].inheritable &= ~bit;
    }
    if (syscall(SYS_capset, &hdr, data) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot set capabilities");
}

/* init's stdio and controlling terminal: the console, or /dev/null */
static void child_stdio(const lxc_child *c)
{
    const char *path = c->plan->console_pty ? "/dev/console" : "/dev/null";
    int fd;

    setsid();
    fd = open(path, O_RDWR);
    if (fd < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot open '%s'", path);
    if (c->plan->console_pty)
        ioctl(fd, TIOCSCTTY, 0);
    for (int i = 0; i < 3; i++)
        if (dup2(fd, i) < 0)
            child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot attach '%s'", path);
    if (fd > 2)
        close(fd);
}

static void child_signals_reset(void)
{
    sigset_t none;

    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);   /* SIGKILL, SIGSTOP and glibc's own refuse: harmless */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static G_GNUC_NORETURN void child_run(const lxc_child *c)
{
    const lxc_plan *p = c->plan;
    char go;

    if (read(c->go_fd, &go, 1) != 1)
        _exit(127);     /* the parent gave up */
    child_ids(c);
    /* a container outlives no controller: nobody would report its end
     * (set after child_ids: changing ids clears it) */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot tie init to its controller");
    child_net_up(c);

    /* nothing done here may reach the host's mounts */
    child_mount(c, NULL, "/", "/", NULL, MS_REC | MS_PRIVATE, NULL);
    if (mount(c->root, c->root, NULL, MS_BIND | MS_REC, NULL) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot mount '%s' on '/'", c->root);
    for (size_t i = 1; i < p->nfs; i++) {
        const lxc_fs *fs = &p->fs[i];

        child_mkdir(c, c->fs_at[i], fs->target);
        if (fs->kind == LXC_FS_BIND) {
            child_mount(c, fs->source, c->fs_at[i], fs->target, NULL, MS_BIND | MS_REC, NULL);
        } else {
            char opts[64];

            if (fs->usage_kib)
                snprintf(opts, sizeof(opts), "mode=755,size=%lluk",
                         (unsigned long long)fs->usage_kib);
            else
                snprintf(opts, sizeof(opts), "mode=755");
            child_mount(c, "tmpfs", c->fs_at[i], fs->target, "tmpfs", MS_NOSUID | MS_NODEV,
                        opts);
        }
    }
    child_mkdir(c, c->proc_at, "/proc");
    child_mount(c, "proc", c->proc_at, "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    child_mkdir(c, c->sys_at, "/sys");
    child_mount(c, "sysfs", c->sys_at, "/sys", "sysfs",
                MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL);
    child_dev(c);
    /* read-only last: the mount points above may be made in the root */
    for (size_t i = 0; i < p->nfs; i++)
        if (p->fs[i].readonly)
            child_remount_ro(c, c->fs_at[i], p->fs[i].target);

    if (chdir(c->root) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot enter '%s'", c->root);
    /* the old root stacks under the new one and is detached at once */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot pivot into '%s'", c->root);
    if (umount2(".", MNT_DETACH) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot detach the host's root");
    if (chdir("/") < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot enter '/'");

    if (sethostname(p->name, strlen(p->name)) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot set host name '%s'", p->name);
    child_stdio(c);
    child_caps(c);
    if (chdir(c->init_dir) < 0)
        child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot enter init folder '%s'", c->init_dir);
    /* nor are the controller's blocked or ignored signals (a blocked
     * SIGTERM would make init deaf to a shutdown) */
    child_signals_reset();
    /* the controller's descriptors are not the container's business */
    syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
    execve(p->init_argv[0], p->init_argv, p->init_env);
    child_fail(c, VIREO_ERR_SYSTEM_ERROR, errno, "cannot run init '%s'", p->init_argv[0]);
    _exit(127);
}

/* ---- the parent ---- */

static void child_clear(lxc_child *c)
{
    g_free(c->root);
    if (c->fs_at)
        for (size_t i = 0; i < c->plan->nfs; i++)
            g_free(c->fs_at[i]);
    g_free(c->fs_at);
    g_free(c->proc_at);
    g_free(c->sys_at);
    g_free(c->dev_at);
    g_free(c->pts_at);
    g_free(c->ptmx_at);
    g_free(c->console_at);
    for (size_t i = 0; i < N_DEV_NODES; i++) {
        g_free(c->dev_node_at[i]);
        g_free(c->dev_node_host[i]);
    }
}

static int plan_check(const lxc_plan *p)
{
    if (!p->name || !*p->name) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR, "container without a name");
        return -1;
    }
    if (p->nfs == 0 || p->fs[0].kind != LXC_FS_BIND || !p->fs[0].source ||
        g_strcmp0(p->fs[0].target, "/") != 0) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR,
                     "container '%s' has no host folder as its root filesystem", p->name);
        return -1;
    }
    for (size_t i = 1; i < p->nfs; i++) {
        if (!p->fs[i].target || p->fs[i].target[0] != '/' || strcmp(p->fs[i].target, "/") == 0 ||
            (p->fs[i].kind == LXC_FS_BIND && !p->fs[i].source)) {
            error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR,
                         "container '%s': filesystem %zu has no usable source or target",
                         p->name, i);
            return -1;
        }
    }
    if (!p->init_argv || !p->init_argv[0] || p->init_argv[0][0] != '/') {
        error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR,
                     "container '%s' needs an absolute init path", p->name);
        return -1;
    }
    if (!p->uidmap != !p->gidmap) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR,
                     "container '%s' maps only one of user and group ids", p->name);
        return -1;
    }
    return 0;
}

static void child_prepare(lxc_child *c, const lxc_plan *p)
{
    c->plan = p;
    c->root = g_strdup(p->fs[0].source);
    c->fs_at = g_new0(char *, p->nfs);
    c->fs_at[0] = g_strdup(c->root);
    for (size_t i = 1; i < p->nfs; i++)
        c->fs_at[i] = g_build_filename(c->root, p->fs[i].target, NULL);
    c->proc_at = g_build_filename(c->root, "proc", NULL);
    c->sys_at = g_build_filename(c->root, "sys", NULL);
    c->dev_at = g_build_filename(c->root, "dev", NULL);
    c->pts_at = g_build_filename(c->root, "dev", "pts", NULL);
    c->ptmx_at = g_build_filename(c->root, "dev", "ptmx", NULL);
    c->console_at = g_build_filename(c->root, "dev", "console", NULL);
    for (size_t i = 0; i < N_DEV_NODES; i++) {
        c->dev_node_at[i] = g_build_filename(c->root, "dev", dev_nodes[i], NULL);
        c->dev_node_host[i] = g_build_filename("/dev", dev_nodes[i], NULL);
    }
    c->init_dir = p->init_dir ? p->init_dir : "/";
}

/* a /proc file in one write: 0 or the errno (g_file_set_contents
 * renames, which /proc refuses) */
static int proc_write(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
    size_t len = strlen(text);

    if (fd < 0)
        return errno;
    errno = 0;
    if (write(fd, text, len) != (ssize_t)len)
        err = errno ? errno : EIO;
    close(fd);
    return err;
}

/* Write one map file: 0, or the errno (the error is set). */
static int map_write(pid_t pid, const char *file, const lxc_idmap *m, size_t n, const char *name)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/%s", (int)pid, file);
    g_autoptr(GString) text = g_string_new(NULL);
    int err;

    for (size_t i = 0; i < n; i++)
        g_string_append_printf(text, "%u %u %u\n", m[i].start, m[i].target, m[i].count);
    err = proc_write(path, text->str);
    if (err) {
        g_strchomp(text->str);
        g_strdelimit(text->str, "\n", ',');
        error_report_system(VIREO_FROM_LXC, err, "cannot write %s '%s' of container '%s'",
                            file, text->str, name);
    }
    return err;
}

/* gid_map needs setgroups=deny when the writer lacks CAP_SETGID over the
 * parent namespace; only then is it written. */
static int maps_write(pid_t pid, const lxc_plan *p)
{
    g_autofree char *path = NULL;
    int err;

    if (map_write(pid, "uid_map", p->uidmap, p->nuidmap, p->name))
        return -1;
    err = map_write(pid, "gid_map", p->gidmap, p->ngidmap, p->name);
    if (err != EPERM)
        return err ? -1 : 0;
    path = g_strdup_printf("/proc/%d/setgroups", (int)pid);
    if (proc_write(path, "deny") != 0)
        return -1;     /* the gid_map error stays: it says why */
    error_reset();
    return map_write(pid, "gid_map", p->gidmap, p->ngidmap, p->name) ? -1 : 0;
}

/* the host id container id maps to, or -1 */
static long long map_host_id(const lxc_idmap *m, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (id >= m[i].start && id - m[i].start < m[i].count)
            return (long long)m[i].target + (id - m[i].start);
    return -1;
}

/* In a user namespace the console must belong to the container's root,
 * or init cannot open it. */
static int console_own(const lxc_plan *p)
{
    long long uid, gid;

    if (!p->console_pty || !p->uidmap)
        return 0;
    uid = map_host_id(p->uidmap, p->nuidmap, 0);
    gid = map_host_id(p->gidmap, p->ngidmap, 0);
    if (uid < 0 || gid < 0)
        return 0;   /* the child says "is uid 0 mapped?" */
    if (chown(p->console_pty, (uid_t)uid, (gid_t)gid) < 0) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot hand console '%s' to container '%s'",
                            p->console_pty, p->name);
        return -1;
    }
    return 0;
}

static void child_end(pid_t pid, bool kill_it)
{
    if (kill_it)
        kill(pid, SIGKILL);
    while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
        ;
}

pid_t lxc_container_start(const lxc_plan *p, int (*before_exec)(pid_t child, void *opaque),
                          void *opaque)
{
    lxc_child c = { 0 };
    int go[2] = { -1, -1 }, fail[2] = { -1, -1 };
    unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;
    lxc_failure f;
    ssize_t got;
    pid_t pid = -1;

    if (plan_check(p) < 0 || console_own(p) < 0)
        return -1;
    if (p->uidmap)
        flags |= CLONE_NEWUSER;
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(fail, O_CLOEXEC) < 0) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot make pipes for container '%s'",
                            p->name);
        goto error;
    }
    child_prepare(&c, p);
    c.go_fd = go[0];
    c.fail_fd = fail[1];

    /* fork-like clone (no stack given): the child runs on a copy of ours */
    pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot clone the init of container '%s'",
                            p->name);
        goto error;
    }
    if (pid == 0) {
        close(go[1]);
        close(fail[0]);
        child_run(&c);
    }
    close(go[0]);
    close(fail[1]);
    go[0] = fail[1] = -1;

    if (p->uidmap && maps_write(pid, p) < 0)
        goto kill;
    if (before_exec && before_exec(pid, opaque) < 0)
        goto kill;
    if (write(go[1], "g", 1) != 1) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot release the init of container '%s'",
                            p->name);
        goto kill;
    }
    close(go[1]);
    go[1] = -1;

    do
        got = read(fail[0], &f, sizeof(f));
    while (got < 0 && errno == EINTR);
    if (got == 0) {
        /* end of file: init was exec'd */
        close(fail[0]);
        child_clear(&c);
        return pid;
    }
    if (got == (ssize_t)sizeof(f)) {
        f.message[sizeof(f.message) - 1] = '\0';
        error_report(VIREO_FROM_LXC, f.code, "container '%s': %s", p->name, f.message);
    } else {
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_FAILED,
                     "the init of container '%s' ended before it started", p->name);
    }
    child_end(pid, false);
    pid = -1;
    goto error;

kill:
    {
        g_autoptr(vireo_error) saved = error_save();

        child_end(pid, true);
        error_restore(g_steal_pointer(&saved));
    }
    pid = -1;
error:
    for (int i = 0; i < 2; i++) {
        if (go[i] >= 0)
            close(go[i]);
        if (fail[i] >= 0)
            close(fail[i]);
    }
    child_clear(&c);
    return -1;
}
