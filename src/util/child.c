/*
 * child.c: starting a helper process from the threaded daemon.
 *
 * posix_spawn, not fork: in a threaded process only async-signal-safe
 * calls may follow a fork, and posix_spawn keeps to them.  A child that
 * must change its identity or cgroup before exec (child_spawn_as) is
 * forked, and keeps to those calls by hand.
 */
#define _GNU_SOURCE   /* POSIX_SPAWN_SETSID, posix_spawn_file_actions_addclosefrom_np,
                       * setresuid, close_range, strerrordesc_np */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "util/child.h"

pid_t child_spawn(const char *const *argv, int out_fd, int err_fd)
{
    return child_spawn_fds(argv, out_fd, err_fd, NULL, 0);
}

/* Duplicates of fds, all above the numbers they will take in the child,
 * so moving one into place never overwrites another still to move.
 * -1 with errno (none left open). */
static int child_fds_lift(const int *fds, size_t nfds, int *high)
{
    for (size_t i = 0; i < nfds; i++) {
        high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, (int)(3 + nfds));
        if (high[i] < 0) {
            int err = errno;

            while (i > 0)
                close(high[--i]);
            errno = err;
            return -1;
        }
    }
    return 0;
}

pid_t child_spawn_fds(const char *const *argv, int out_fd, int err_fd, const int *fds,
                      size_t nfds)
{
    g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "LC_ALL", "C", TRUE);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t all, none;
    g_autofree int *high = g_new(int, nfds + 1);
    pid_t pid = -1;
    int rc;

    if (child_fds_lift(fds, nfds, high) < 0)
        return -1;

    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF |
                                    POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    for (size_t i = 0; i < nfds; i++)
        posix_spawn_file_actions_adddup2(&fa, high[i], (int)(3 + i));
    posix_spawn_file_actions_addclosefrom_np(&fa, (int)(3 + nfds));
    if (strchr(argv[0], '/'))
        rc = posix_spawn(&pid, argv[0], &fa, &attr, (char **)argv, env);
    else
        rc = posix_spawnp(&pid, argv[0], &fa, &attr, (char **)argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    for (size_t i = 0; i < nfds; i++)
        close(high[i]);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return pid;
}

/* ---- child_spawn_as: fork and exec ---- */

/* In the forked child of a threaded process: only async-signal-safe
 * calls from here to exec or _exit. */

static size_t child_strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

/* "vireo: STEP: reason\n" to fd, then exit 127. */
static void child_fail(int fd, const char *step, int err)
{
    const char *why = strerrordesc_np(err);
    const char *parts[] = { "vireo: ", step, ": ", why ? why : "error", "\n" };

    for (size_t i = 0; i < G_N_ELEMENTS(parts); i++) {
        if (write(fd, parts[i], child_strlen(parts[i])) < 0)
            break;
    }
    _exit(127);
}

/* Write the child's own pid to each cgroup.procs file. */
static int child_join_cgroups(const char *const *procs, const char **step)
{
    char buf[24];
    size_t n = sizeof(buf);
    pid_t pid = getpid();

    buf[--n] = '\n';
    do {
        buf[--n] = (char)('0' + pid % 10);
        pid /= 10;
    } while (pid > 0);
    for (size_t i = 0; procs && procs[i]; i++) {
        int fd = open(procs[i], O_WRONLY | O_CLOEXEC);
        ssize_t w;

        *step = procs[i];
        if (fd < 0)
            return -1;
        w = write(fd, buf + n, sizeof(buf) - n);
        if (w < 0) {
            int err = errno;

            close(fd);
            errno = err;
            return -1;
        }
        close(fd);
    }
    return 0;
}

static _Noreturn void child_run_as(const char *path, const char *const *argv, char **env,
                                   int out_fd, int err_fd, const int *high, size_t nfds,
                                   const child_opts *opts)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    const char *step = "setsid";
    sigset_t none;
    int efd = err_fd;
    int nul;

    /* default actions first, then nothing blocked (the parent blocked
     * everything around the fork so no handler of its runs here) */
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (setsid() < 0)
        child_fail(efd, step, errno);
    /* while still privileged: the cgroups are root's */
    if (child_join_cgroups(opts->cgroup_procs, &step) < 0)
        child_fail(efd, step, errno);
    step = "/dev/null";
    if ((nul = open("/dev/null", O_RDONLY)) < 0 || (nul != 0 && dup2(nul, 0) < 0))
        child_fail(efd, step, errno);
    step = "dup2";
    if (dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        child_fail(efd, step, errno);
    efd = 2;
    for (size_t i = 0; i < nfds; i++) {
        if (dup2(high[i], (int)(3 + i)) < 0)
            child_fail(efd, step, errno);
    }
    step = "close_range";
    if (close_range((unsigned int)(3 + nfds), ~0U, 0) < 0)
        child_fail(efd, step, errno);
    if (opts->uid != (uid_t)-1) {
        step = "setgroups";
        if (setgroups(opts->ngroups, opts->groups) < 0)
            child_fail(efd, step, errno);
    }
    step = "setresgid";
    if (opts->gid != (gid_t)-1 && setresgid(opts->gid, opts->gid, opts->gid) < 0)
        child_fail(efd, step, errno);
    step = "setresuid";
    if (opts->uid != (uid_t)-1 && setresuid(opts->uid, opts->uid, opts->uid) < 0)
        child_fail(efd, step, errno);
    execve(path, (char *const *)argv, env);
    child_fail(efd, "exec", errno);
    _exit(127);
}

pid_t child_spawn_as(const char *const *argv, int out_fd, int err_fd, const child_opts *opts)
{
    g_auto(GStrv) env = NULL;
    g_autofree char *path = NULL;
    g_autofree int *high = NULL;
    int high_out, high_err, err;
    sigset_t all, old;
    pid_t pid;

    if (opts->uid == (uid_t)-1 && opts->gid == (gid_t)-1 &&
        !(opts->cgroup_procs && opts->cgroup_procs[0]))
        return child_spawn_fds(argv, out_fd, err_fd, opts->fds, opts->nfds);
    /* everything the child needs, made before the fork */
    path = strchr(argv[0], '/') ? g_strdup(argv[0]) : g_find_program_in_path(argv[0]);
    if (!path) {
        errno = ENOENT;
        return -1;
    }
    env = g_environ_setenv(g_get_environ(), "LC_ALL", "C", TRUE);
    high = g_new(int, opts->nfds + 1);
    if (child_fds_lift(opts->fds, opts->nfds, high) < 0)
        return -1;
    high_out = fcntl(out_fd, F_DUPFD_CLOEXEC, (int)(3 + opts->nfds));
    high_err = fcntl(err_fd, F_DUPFD_CLOEXEC, (int)(3 + opts->nfds));
    err = errno;
    pid = -1;
    if (high_out >= 0 && high_err >= 0) {
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        pid = fork();
        if (pid == 0)
            child_run_as(path, argv, env, high_out, high_err, high, opts->nfds, opts);
        err = errno;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    if (high_out >= 0)
        close(high_out);
    if (high_err >= 0)
        close(high_err);
    for (size_t i = 0; i < opts->nfds; i++)
        close(high[i]);
    errno = err;
    return pid;
}
