/*
 * child.h: starting a helper process from the threaded daemon.
 */
#ifndef VIREO_UTIL_CHILD_H
#define VIREO_UTIL_CHILD_H

#include <stddef.h>
#include <sys/types.h>

/* posix_spawn argv (searched in PATH when argv[0] has no '/') in a new
 * session, so that kill(-pid) reaches whatever it forks: LC_ALL=C,
 * default signal actions, nothing blocked, stdin /dev/null, stdout to
 * out_fd, stderr to err_fd, no other descriptor.  The pid (the caller
 * reaps it), or -1 with errno set (the caller reports, naming what it
 * ran). */
pid_t child_spawn(const char *const *argv, int out_fd, int err_fd);
/* The same, and the child inherits fds[i] (the caller's, left open) as
 * descriptor 3 + i: a command line names them by those numbers. */
pid_t child_spawn_fds(const char *const *argv, int out_fd, int err_fd, const int *fds,
                      size_t nfds);

#endif
