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

#include <glib.h>

#include "util/child.h"

pid_t child_spawn(const char *const *argv, int out_fd, int err_fd)
{
    g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "LC_ALL", "C", TRUE);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t all, none;
    pid_t pid = -1;
    int rc;

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
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    if (strchr(argv[0], '/'))
        rc = posix_spawn(&pid, argv[0], &fa, &attr, (char **)argv, env);
    else
        rc = posix_spawnp(&pid, argv[0], &fa, &attr, (char **)argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return pid;
}
