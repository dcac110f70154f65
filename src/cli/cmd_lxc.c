/*
 * cmd_lxc.c: lxc-enter-namespace, run a command inside a running
 * container (virsh's command of the same name).
 *
 * The descriptors of the container's namespaces come from the daemon
 * (vireo_domain_lxc_open_namespace); a child enters them in order with
 * setns(2), then forks once more, because entering a pid namespace only
 * places the children made afterwards in it, and the grandchild runs the
 * command.  vireo waits and exits with the command's status.  Like virsh
 * (virDomainLxcEnterCGroup) the child first joins the container's
 * cgroups, found from the domain's id, a pid inside them.
 */
#define _GNU_SOURCE     /* setns */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

/* virsh's exit codes for a command that cannot be run */
#define LXC_EXIT_CANCELED 125
#define LXC_EXIT_CANNOT_INVOKE 126
#define LXC_EXIT_ENOENT 127

/* Wait for pid; its exit status, or 128 + the signal that ended it. */
static int lxc_wait(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return LXC_EXIT_CANCELED;
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* The mount point of the cgroup hierarchy with controllers ctrls
 * ("cpu,cpuacct"; "" for cgroup2), from /proc/self/mountinfo. */
static char *lxc_cgroup_mount(const char *ctrls)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents("/proc/self/mountinfo", &text, NULL, NULL))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_auto(GStrv) f = g_strsplit(*l, " ", -1);
        g_auto(GStrv) want = NULL;
        g_auto(GStrv) opts = NULL;
        guint n = g_strv_length(f), dash = 0;
        bool all = true;

        for (guint i = 6; i < n && !dash; i++)
            if (g_str_equal(f[i], "-"))
                dash = i;
        if (!dash || dash + 3 >= n)
            continue;
        if (!*ctrls) {
            if (g_str_equal(f[dash + 1], "cgroup2"))
                return g_strdup(f[4]);
            continue;
        }
        if (!g_str_equal(f[dash + 1], "cgroup"))
            continue;
        want = g_strsplit(ctrls, ",", -1);
        opts = g_strsplit(f[dash + 3], ",", -1);
        for (char **w = want; *w && all; w++)
            all = g_strv_contains((const char *const *)opts, *w);
        if (all)
            return g_strdup(f[4]);
    }
    return NULL;
}

/* Join the cgroups of process id (the domain's id: a pid in the
 * container's cgroup, as libvirt's virDomainLxcEnterCGroup does), before
 * the mount namespace hides the host's cgroup folders.  Hierarchies where
 * we already are the same path are left alone.  false with a message. */
static bool lxc_enter_cgroup(int id)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cgroup", id);
    g_autofree char *text = NULL, *ours = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        !g_file_get_contents("/proc/self/cgroup", &ours, NULL, NULL)) {
        fprintf(stderr, "error: cannot read the cgroups of the domain (%s)\n", path);
        return false;
    }
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_auto(GStrv) f = g_strsplit(*l, ":", 3);
        g_autofree char *mnt = NULL, *procs = NULL, *mine = NULL;
        g_autofree char *self = NULL;
        FILE *fp;

        if (g_strv_length(f) != 3 || g_str_has_prefix(f[1], "name="))
            continue;
        mine = g_strdup_printf("\n%s:%s:%s\n", f[0], f[1], f[2]);
        self = g_strdup_printf("\n%s", ours);
        if (strstr(self, mine) || !(mnt = lxc_cgroup_mount(f[1])))
            continue;
        procs = g_strdup_printf("%s%s/cgroup.procs", mnt, f[2]);
        fp = fopen(procs, "w");
        if (!fp || fprintf(fp, "%d\n", (int)getpid()) < 0 || fclose(fp) != 0) {
            fprintf(stderr, "error: cannot join the domain's cgroup %s: %s\n", procs,
                    g_strerror(errno));
            return false;
        }
    }
    return true;
}

/* In the child: join the container's cgroups, enter every namespace,
 * then run argv in a grandchild. */
static G_GNUC_NORETURN void lxc_enter_and_run(int id, int *fds, int nfds, char **argv)
{
    pid_t pid;

    if (!lxc_enter_cgroup(id))
        _exit(LXC_EXIT_CANCELED);
    for (int i = 0; i < nfds; i++) {
        if (setns(fds[i], 0) < 0) {
            fprintf(stderr, "error: Unable to join domain namespace: %s\n", g_strerror(errno));
            _exit(LXC_EXIT_CANCELED);
        }
        close(fds[i]);
    }
    /* the old working folder belongs to the host's mounts */
    if (chdir("/") < 0) {
        fprintf(stderr, "error: cannot change to / in the domain: %s\n", g_strerror(errno));
        _exit(LXC_EXIT_CANCELED);
    }
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "error: cannot fork: %s\n", g_strerror(errno));
        _exit(LXC_EXIT_CANCELED);
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "error: cannot run '%s': %s\n", argv[0], g_strerror(errno));
        _exit(errno == ENOENT ? LXC_EXIT_ENOENT : LXC_EXIT_CANNOT_INVOKE);
    }
    _exit(lxc_wait(pid));
}

static bool cmd_lxc_enter_namespace(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY);
    char **argv = cli_arg_argv(args);
    int *fds = NULL;
    int nfds, status, id;
    pid_t pid;

    if (!dom)
        return false;
    id = vireo_domain_get_id(dom);
    /* --noseclabel: vireo's containers have no security label to enter
     * (the model is "none"), so with or without it nothing more is done */
    nfds = vireo_domain_lxc_open_namespace(dom, &fds, 0);
    vireo_domain_free(dom);
    if (nfds < 0) {
        cli_error_lib();
        return false;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0)
        lxc_enter_and_run(id, fds, nfds, argv);
    for (int i = 0; i < nfds; i++)
        close(fds[i]);
    free(fds);
    if (pid < 0) {
        cli_error("cannot fork: %s", g_strerror(errno));
        return false;
    }
    status = lxc_wait(pid);
    if (status == 0)
        return true;
    ctl->exit_status = status;
    return false;
}

static const cli_opt lxc_enter_opts[] = {
    { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" },
    { "noseclabel", CLI_OPT_BOOL, 0, "Do not change process security label" },
    { "cmd", CLI_OPT_ARGV, 0, "command to run" },
    { NULL, 0, 0, NULL },
};

const cli_cmd cli_cmds_lxc[] = {
    { "lxc-enter-namespace", cmd_lxc_enter_namespace, lxc_enter_opts,
      "LXC Guest Enter Namespace",
      "Run an arbitrary command in a lxc guest namespace; use at your own risk", true,
      CLI_GROUP_DOM },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
