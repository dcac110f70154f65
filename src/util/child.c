/*
 * child.c: starting a helper process from the threaded daemon.
 *
 * posix_spawn, not fork: in a threaded process only async-signal-safe
 * calls may follow a fork, and posix_spawn keeps to them.
 */
#define _GNU_SOURCE   /* POSIX_SPAWN_SETSID, posix_spawn_file_actions_addclosefrom_np */
#include <errno.h>
#include <fcntl.h>
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
