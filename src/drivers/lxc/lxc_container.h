/*
 * lxc_container.h: turning a plan into a running container (issue 11).
 *
 * Runs inside the per-container controller process (libvirt's
 * libvirt_lxc): clone the container's first process into new mount,
 * PID, UTS, IPC and network namespaces (and a user namespace when the
 * plan maps ids), write its uid/gid maps, then in the child: mount the
 * root folder, the plan's filesystems, /proc, /sys (read-only), a small
 * /dev (null zero full random urandom tty ptmx, devpts for the console),
 * pivot_root into it, set the host name, drop the capabilities a
 * container must not have, and exec init with its arguments and
 * environment.  The driver that plans it (drivers/lxc/) and the cgroup
 * it joins (drivers/domain_cgroup.h) are elsewhere; this file knows
 * neither XML nor the daemon.
 *
 * Errors: libvirt's codes, domain VIREO_FROM_LXC (17), the message naming the path or id and carrying
 * the kernel's reason ("cannot mount '/srv/root' on '/': No such file or
 * directory").  A failure in the child is reported back to the parent
 * through a pipe (not only its exit status), and nothing is left: the
 * namespaces die with the child.
 */
#ifndef VIREO_DRIVERS_LXC_CONTAINER_H
#define VIREO_DRIVERS_LXC_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* One mount of <filesystem>. */
typedef enum {
    LXC_FS_BIND,            /* type='mount': a host folder (source) at target */
    LXC_FS_RAM,             /* type='ram': a tmpfs of usage_kib at target */
} lxc_fs_kind;

typedef struct lxc_fs {
    lxc_fs_kind kind;
    char *source;           /* LXC_FS_BIND: host path */
    char *target;           /* path inside the container; "/" is the root (bind only) */
    uint64_t usage_kib;     /* LXC_FS_RAM: size, 0: tmpfs default */
    bool readonly;
} lxc_fs;

/* <idmap><uid start target count/>: container ids start.. map to host
 * ids target.. */
typedef struct lxc_idmap {
    uint32_t start, target, count;
} lxc_idmap;

/* What to run.  Owned by whoever builds it (lxc_plan_free frees). */
typedef struct lxc_plan {
    char *name;             /* domain name: the host name inside */
    lxc_fs *fs;             /* the filesystems, the one with target "/" first */
    size_t nfs;
    lxc_idmap *uidmap, *gidmap; /* NULL: no user namespace */
    size_t nuidmap, ngidmap;
    char **init_argv;       /* init and its <initarg>s, NULL-terminated */
    char **init_env;        /* <initenv> NAME=VALUE, plus container=vireo-lxc; NULL-terminated */
    char *init_dir;         /* <initdir>, NULL: "/" */
    char *console_pty;      /* host side path of the pty slave that becomes the
                             * container's /dev/console and init's stdio; NULL: /dev/null */
    char **net_devs;        /* interfaces before_exec moved in (already renamed):
                             * brought up inside, with lo, before init; NULL-terminated
                             * or NULL */
} lxc_plan;

void lxc_plan_free(lxc_plan *p);

/* Start the container: its init's pid in the host's PID namespace, or
 * -1 with the error set (nothing left).  Returns once init is exec'd
 * (or failed before).  before_exec, when set, runs in the parent after
 * the child's namespaces exist and before it goes on (move veth ends
 * into the child's network namespace, join it to the cgroup): 0 or -1
 * with the error set (the child is then killed). */
pid_t lxc_container_start(const lxc_plan *p, int (*before_exec)(pid_t child, void *opaque),
                          void *opaque);

#endif
