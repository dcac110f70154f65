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

/* What a child becomes before exec (issue 10): the identity it runs as
 * and the cgroups it joins, so that not one instruction of the program
 * runs outside them. */
typedef struct child_opts {
    const int *fds;             /* as child_spawn_fds: fds[i] becomes 3 + i */
    size_t nfds;
    uid_t uid;                  /* (uid_t)-1: keep the daemon's */
    gid_t gid;                  /* (gid_t)-1: keep */
    const gid_t *groups;        /* supplementary groups, set when uid is set */
    size_t ngroups;
    const char *const *cgroup_procs; /* NULL-terminated cgroup.procs files the child
                                      * writes its own pid into; NULL: none */
} child_opts;

/* child_spawn_fds with opts (fork and exec: posix_spawn cannot change
 * the identity or the cgroup).  A step that fails in the child makes
 * it exit 127 after writing "vireo: STEP: strerror" to err_fd. */
pid_t child_spawn_as(const char *const *argv, int out_fd, int err_fd, const child_opts *opts);

#endif
