/*
 * domain_cgroup.h: a domain's cgroup from its definition, for any driver
 * that runs guests as host processes (QEMU now, LXC next): the cgroup
 * named for the driver instance and the domain (util/cgroup.h), the
 * limits of <cputune>, <memtune> and <blkiotune>, and the device
 * allow-list.
 */
#ifndef VIREO_DRIVERS_DOMAIN_CGROUP_H
#define VIREO_DRIVERS_DOMAIN_CGROUP_H

#include "conf/domain_def.h"
#include "util/cgroup.h"

/* What a driver instance says about its guests' cgroups.  Borrowed. */
typedef struct domain_cgroup_opts {
    const char *instance;               /* unique per daemon root (the driver's run folder):
                                         * hashed into the partition */
    const char *driver;                 /* "qemu", "lxc": the leaf is DRIVER-NAME */
    const char *const *controllers;     /* libvirt names to use; NULL: every one the host has */
    const char *const *device_acl;      /* device nodes the guest may open (missing ones
                                         * skipped), besides the ptys and its block disks */
    unsigned int quota_threads;         /* <quota> is per vCPU thread in libvirt; one cgroup
                                         * for the whole guest gets quota x this (QEMU: the
                                         * vCPUs; a container: 1) */
    bool account;                       /* join cpuacct and freezer whatever the limits (a
                                         * container's CPU time and suspend need them) */
} domain_cgroup_opts;

/* Whether def asks for a limit (<cputune> shares/period/quota,
 * <memtune>, <blkiotune>). */
bool domain_cgroup_wanted(const domain_def *def);

/* Whether the host has a controller def's cgroup would join (a guest
 * without limits needs no cgroup where there is none). */
bool domain_cgroup_useful(const domain_cgroup_opts *o, const domain_def *def);

/* Create def's cgroup, write its limits and restrict its devices (v1;
 * on v2 the device list is not applied: logged).  The cpu and blkio
 * hierarchies are joined only when def sets their limits (see
 * controllers_for).  NULL with the error (the kernel's refusal names
 * file and value) and nothing left. */
cgroup *domain_cgroup_create(const domain_cgroup_opts *o, const domain_def *def);
/* A block-device disk hot-plugged into the running guest: allow it in
 * cg's device list (nothing for other disks or without a v1 devices
 * controller).  0, or -1 with the error. */
int domain_cgroup_allow_disk(const cgroup *cg, const device_disk *d);
/* The cgroup of the domain name made by an earlier run of the daemon;
 * NULL (no error) when there is none. */
cgroup *domain_cgroup_open(const domain_cgroup_opts *o, const char *name);

#endif
