/* Unit test of src/drivers/lxc/lxc_container.c on the real kernel: a
 * container from the busybox root of tests/lxc/build-root.sh whose init
 * (a script in a bind-mounted host folder) writes what it sees there;
 * once plain with a console, once with a user namespace.  Bad plans:
 * the error carries the kernel's reason, and no process or mount is
 * left.  Needs root; the user namespace part needs user namespaces. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "check.h"
#include "drivers/lxc/lxc_container.h"
#include "util/error.h"

#define MAPPED_UID 200000u

static char *tmp_dir, *root_dir, *out_dir, *ro_dir;

static const char facts_script[] =
    "o=/out\n"
    "echo $$ > $o/pid\n"
    "ls -d /proc/[0-9]* > $o/procs\n"
    "hostname > $o/hostname\n"
    "if touch /ro/$(hostname) 2>/dev/null; then echo rw; else echo ro; fi > $o/ro\n"
    "df -k /ram | tail -n 1 | awk '{print $2}' > $o/ramkib\n"
    "grep CapBnd /proc/self/status | awk '{print $2}' > $o/capbnd\n"
    "id -u > $o/uid\n"
    "echo \"$container\" > $o/env\n"
    "pwd > $o/cwd\n"
    "cat /sys/class/net/lo/flags > $o/loflags\n"
    "echo hello-console\n"
    "touch $o/made\n"
    "touch $o/done\n"
    "while [ ! -e $o/release ]; do sleep 1; done\n";

/* the host's mounts on or under this run's folder (other tests mount
 * elsewhere at the same time) */
static int mount_count(void)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    int n = 0;

    if (!g_file_get_contents("/proc/self/mountinfo", &text, NULL, NULL))
        return -1;
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++)
        n += strstr(*l, tmp_dir) != NULL;
    return n;
}

/* no child of ours is left, dead or alive */
static bool no_children(void)
{
    return waitpid(-1, NULL, WNOHANG | __WALL) < 0 && errno == ECHILD;
}

static char *fact(const char *name)
{
    g_autofree char *path = g_build_filename(out_dir, name, NULL);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return g_strdup("(missing)");
    return g_strchomp(text);
}

static lxc_plan *plan_new(const char *name)
{
    lxc_plan *p = g_new0(lxc_plan, 1);

    p->name = g_strdup(name);
    p->nfs = 4;
    p->fs = g_new0(lxc_fs, 4);
    p->fs[0] = (lxc_fs){ .kind = LXC_FS_BIND, .source = g_strdup(root_dir), .target = g_strdup("/") };
    p->fs[1] = (lxc_fs){ .kind = LXC_FS_BIND, .source = g_strdup(out_dir), .target = g_strdup("/out") };
    p->fs[2] = (lxc_fs){ .kind = LXC_FS_BIND, .source = g_strdup(ro_dir), .target = g_strdup("/ro"),
                         .readonly = true };
    p->fs[3] = (lxc_fs){ .kind = LXC_FS_RAM, .target = g_strdup("/ram"), .usage_kib = 2048 };
    p->init_argv = g_strsplit("/bin/sh /out/facts.sh", " ", -1);
    p->init_env = g_strsplit("PATH=/bin:/sbin container=vireo-lxc", " ", -1);
    p->init_dir = g_strdup("/tmp");
    return p;
}

static void out_reset(void)
{
    g_autofree char *script = g_build_filename(out_dir, "facts.sh", NULL);
    g_autofree char *cmd = g_strdup_printf("rm -f '%s'/*", out_dir);

    if (system(cmd) != 0)
        NOTE("cannot empty %s", out_dir);
    g_file_set_contents(script, facts_script, -1, NULL);
    chmod(script, 0755);
}

static bool wait_done(void)
{
    g_autofree char *done = g_build_filename(out_dir, "done", NULL);

    for (int i = 0; i < 200; i++) {
        if (g_file_test(done, G_FILE_TEST_EXISTS))
            return true;
        g_usleep(50000);
    }
    return false;
}

static void release_and_reap(pid_t pid)
{
    g_autofree char *rel = g_build_filename(out_dir, "release", NULL);
    int status;

    g_file_set_contents(rel, "", 0, NULL);
    for (int i = 0; i < 60 && waitpid(pid, &status, WNOHANG) == 0; i++)
        g_usleep(100000);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static bool cap_dropped(const char *capbnd, int cap)
{
    unsigned long long v = strtoull(capbnd, NULL, 16);

    return !(v & (1ULL << cap));
}

static void check_facts(const char *what, const char *name)
{
    g_autofree char *pid = fact("pid"), *procs = fact("procs"), *host = fact("hostname");
    g_autofree char *ro = fact("ro"), *ram = fact("ramkib"), *cap = fact("capbnd");
    g_autofree char *env = fact("env"), *cwd = fact("cwd"), *lo = fact("loflags");
    g_auto(GStrv) lines = g_strsplit(procs, "\n", -1);

    CHECK(strcmp(pid, "1") == 0, "%s: init is PID 1 (got %s)", what, pid);
    CHECK(g_strv_length(lines) <= 4, "%s: sees only its own processes (%u in /proc)", what,
          g_strv_length(lines));
    CHECK(strcmp(host, name) == 0, "%s: host name is '%s' (got '%s')", what, name, host);
    CHECK(strcmp(ro, "ro") == 0, "%s: read-only bind refuses writes (got %s)", what, ro);
    CHECK(strcmp(ram, "2048") == 0, "%s: tmpfs has 2048 KiB (got %s)", what, ram);
    CHECK(cap_dropped(cap, 16) && cap_dropped(cap, 25) && cap_dropped(cap, 27) &&
          !cap_dropped(cap, 21), "%s: CapBnd %s lacks sys_module, sys_time, mknod, keeps sys_admin",
          what, cap);
    CHECK(strcmp(env, "vireo-lxc") == 0, "%s: init has its environment (got '%s')", what, env);
    CHECK(strcmp(cwd, "/tmp") == 0, "%s: init starts in its initdir (got '%s')", what, cwd);
    CHECK(strtoul(lo, NULL, 16) & 1, "%s: lo is up inside (flags %s)", what, lo);
}

/* before_exec: the child's network namespace exists and is not ours */
static int hook_netns(pid_t child, void *opaque)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/ns/net", (int)child);
    struct stat ours, theirs;

    *(bool *)opaque = stat("/proc/self/ns/net", &ours) == 0 && stat(path, &theirs) == 0 &&
                      ours.st_ino != theirs.st_ino;
    return 0;
}

static int hook_fail(pid_t child, void *opaque)
{
    (void)opaque;
    error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_FAILED, "hook refuses pid %d", (int)child);
    return -1;
}

/* a pty whose slave becomes the console: the master, or -1 */
static int console_open(lxc_plan *p)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0)
        p->console_pty = g_strdup(ptsname(master));
    return master;
}

static void check_console(const char *what, int master)
{
    struct pollfd pf = { .fd = master, .events = POLLIN };
    char buf[256] = "";
    size_t have = 0;

    while (have < sizeof(buf) - 1 && !strstr(buf, "hello-console") && poll(&pf, 1, 2000) > 0) {
        ssize_t n = read(master, buf + have, sizeof(buf) - 1 - have);

        if (n <= 0)
            break;
        have += n;
        buf[have] = '\0';
    }
    CHECK(strstr(buf, "hello-console") != NULL, "%s: init's output reaches the console pty", what);
}

static void test_plain(void)
{
    lxc_plan *p = plan_new("ct-plain");
    int master = console_open(p);
    bool own_netns = false;
    pid_t pid;

    out_reset();
    pid = lxc_container_start(p, hook_netns, &own_netns);
    if (!CHECK(pid > 0, "plain: container starts (%s)", pid > 0 ? "" : error_last()->message)) {
        if (master >= 0)
            close(master);
        lxc_plan_free(p);
        return;
    }
    CHECK(own_netns, "plain: before_exec sees the child in its own network namespace");
    CHECK(wait_done(), "plain: init ran its script");
    check_facts("plain", "ct-plain");
    if (p->console_pty)
        check_console("plain", master);
    release_and_reap(pid);
    if (master >= 0)
        close(master);
    lxc_plan_free(p);
}

static void test_userns(void)
{
    lxc_plan *p;
    g_autofree char *map = NULL, *map_path = NULL, *uid = NULL, *made = NULL;
    struct stat st;
    int master;
    pid_t pid;

    if (!g_file_test("/proc/self/ns/user", G_FILE_TEST_EXISTS)) {
        SKIP("userns: container with an idmap", "no user namespaces in this kernel");
        return;
    }
    p = plan_new("ct-userns");
    p->uidmap = g_new0(lxc_idmap, 1);
    p->gidmap = g_new0(lxc_idmap, 1);
    p->uidmap[0] = p->gidmap[0] = (lxc_idmap){ 0, MAPPED_UID, 65536 };
    p->nuidmap = p->ngidmap = 1;
    master = console_open(p);
    out_reset();
    pid = lxc_container_start(p, NULL, NULL);
    if (!CHECK(pid > 0, "userns: container starts (%s)", pid > 0 ? "" : error_last()->message)) {
        if (master >= 0)
            close(master);
        lxc_plan_free(p);
        return;
    }
    CHECK(wait_done(), "userns: init ran its script");
    map_path = g_strdup_printf("/proc/%d/uid_map", (int)pid);
    g_file_get_contents(map_path, &map, NULL, NULL);
    CHECK(map && strstr(map, "200000") && strstr(map, "65536"),
          "userns: uid_map maps 0 to %u (%s)", MAPPED_UID, map ? g_strstrip(map) : "unreadable");
    check_facts("userns", "ct-userns");
    uid = fact("uid");
    CHECK(strcmp(uid, "0") == 0, "userns: init runs as uid 0 inside (got %s)", uid);
    made = g_build_filename(out_dir, "made", NULL);
    CHECK(stat(made, &st) == 0 && st.st_uid == MAPPED_UID,
          "userns: a file it makes belongs to host uid %u (got %d)", MAPPED_UID,
          stat(made, &st) == 0 ? (int)st.st_uid : -1);
    if (p->console_pty)
        check_console("userns", master);
    release_and_reap(pid);
    if (master >= 0)
        close(master);
    lxc_plan_free(p);
}

/* a bad plan fails with code and a message holding want; nothing stays */
static void check_refused(const char *what, lxc_plan *p, int (*hook)(pid_t, void *), int code,
                          const char *want)
{
    int before = mount_count();
    pid_t pid = lxc_container_start(p, hook, NULL);
    const vireo_error *e = error_last();

    CHECK(pid == -1 && e && e->domain == VIREO_FROM_LXC && e->code == code &&
          strstr(e->message, want) != NULL,
          "%s: refused with code %d and '%s' (got %d: %s)", what, code, want, e ? e->code : 0,
          e ? e->message : "no error");
    CHECK(no_children(), "%s: no process left", what);
    CHECK(mount_count() == before, "%s: no mount left in the host", what);
    if (pid > 0)
        release_and_reap(pid);
    error_reset();
    lxc_plan_free(p);
}

static void test_bad(void)
{
    lxc_plan *p;

    p = plan_new("ct-noroot");
    g_free(p->fs[0].source);
    p->fs[0].source = g_strdup("/nonexistent/vireo-root");
    check_refused("missing root folder", p, NULL, VIREO_ERR_SYSTEM_ERROR,
                  "cannot mount '/nonexistent/vireo-root' on '/': No such file or directory");

    p = plan_new("ct-noinit");
    g_strfreev(p->init_argv);
    p->init_argv = g_strsplit("/sbin/no-such-init", " ", -1);
    check_refused("missing init", p, NULL, VIREO_ERR_SYSTEM_ERROR,
                  "cannot run init '/sbin/no-such-init': No such file or directory");

    p = plan_new("ct-nodev");
    p->net_devs = g_strsplit("eth9", " ", -1);
    check_refused("missing net device", p, NULL, VIREO_ERR_SYSTEM_ERROR,
                  "cannot bring up 'eth9': No such device");

    p = plan_new("ct-hookfails");
    check_refused("before_exec fails", p, hook_fail, VIREO_ERR_OPERATION_FAILED, "hook refuses pid");

    if (g_file_test("/proc/self/ns/user", G_FILE_TEST_EXISTS)) {
        p = plan_new("ct-badmap");
        p->uidmap = g_new0(lxc_idmap, 2);
        p->gidmap = g_new0(lxc_idmap, 1);
        p->uidmap[0] = (lxc_idmap){ 0, MAPPED_UID, 65536 };
        p->uidmap[1] = (lxc_idmap){ 10, MAPPED_UID + 100000, 10 };  /* overlaps the first */
        p->gidmap[0] = (lxc_idmap){ 0, MAPPED_UID, 65536 };
        p->nuidmap = 2;
        p->ngidmap = 1;
        check_refused("overlapping idmap", p, NULL, VIREO_ERR_SYSTEM_ERROR,
                      "cannot write uid_map '0 200000 65536,10 300000 10' of container 'ct-badmap': Invalid argument");
    } else {
        SKIP("overlapping idmap", "no user namespaces in this kernel");
    }
}

int main(void)
{
    g_autofree char *tmp = NULL, *cmd = NULL, *rm = NULL;
    int before, rc;

    if (geteuid() != 0) {
        SKIP("lxc container", "needs root");
        return 0;
    }
    tmp = g_dir_make_tmp("vireo-lxc-XXXXXX", NULL);
    tmp_dir = tmp;
    chmod(tmp, 0755);
    root_dir = g_build_filename(tmp, "root", NULL);
    out_dir = g_build_filename(tmp, "out", NULL);
    ro_dir = g_build_filename(tmp, "ro", NULL);
    mkdir(out_dir, 0777);
    chmod(out_dir, 0777);   /* the mapped root writes here too */
    mkdir(ro_dir, 0777);
    chmod(ro_dir, 0777);    /* writable to anyone: only the read-only bind may refuse */
    cmd = g_strdup_printf("'%s/tests/lxc/build-root.sh' '%s'",
                          g_getenv("VIREO_TOP") ? g_getenv("VIREO_TOP") : ".", root_dir);
    rc = system(cmd);
    rm = g_strdup_printf("rm -rf '%s'", tmp);
    if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
        if (WIFEXITED(rc) && WEXITSTATUS(rc) == 2)
            SKIP("lxc container", "busybox-static cannot be had (see above)");
        else
            CHECK(false, "build-root.sh builds a root folder");
        if (system(rm) != 0)
            NOTE("cannot remove %s", tmp);
        return check_exit();
    }
    before = mount_count();
    test_plain();
    test_userns();
    test_bad();
    CHECK(mount_count() == before, "no mount left in the host after all containers");
    CHECK(no_children(), "no process left after all containers");
    if (system(rm) != 0)
        NOTE("cannot remove %s", tmp);
    g_free(root_dir);
    g_free(out_dir);
    g_free(ro_dir);
    return check_exit();
}
