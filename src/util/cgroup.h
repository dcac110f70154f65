/*
 * cgroup.h: one guest's control group, whatever the host's layout.
 *
 * The layout is read from /proc/self/mountinfo at each call (no cache:
 * mounts may change under a long-running daemon):
 *  - v2 (unified): one cgroup2 hierarchy; the controllers it offers are
 *    listed in its root's cgroup.controllers and must be enabled for the
 *    children through cgroup.subtree_control down the path.
 *  - v1: a hierarchy per controller (or a few sharing one: cpu,cpuacct).
 *  - hybrid: both.  Each controller is used in the hierarchy that has it:
 *    the cgroup2 one when its root offers it, else its v1 mount (these
 *    machines: every controller v1, a cgroup2 with only hugetlb).
 *
 * Names: a guest's cgroup is PARTITION/LEAF below the root of each
 * hierarchy.  libvirt (without systemd-machined) uses the partition
 * "machine" and the leaf "qemu-ID-NAME.libvirt-qemu": unique on a host
 * with one libvirtd.  Several vireod with different --root run at once
 * with the same domain names and ids, so the partition carries a hash of
 * the root (cgroup_partition) and the leaf is "DRIVER-NAME": stable
 * across a daemon restart, so the cgroup is found again by name.
 *
 * Public controller names are libvirt's (qemu.conf cgroup_controllers):
 * cpu, cpuacct, memory, blkio (io on v2), devices (v1 only: v2 filters
 * devices with a BPF program, not done here), freezer (the v1 one when
 * mounted, else cgroup.freeze of the leaf in any cgroup2: a core file,
 * in no cgroup.controllers list).
 *
 * Errors: -1/NULL with libvirt's codes, domain VIREO_FROM_CGROUP; a value
 * the kernel refuses is VIREO_ERR_SYSTEM_ERROR naming the file, the value
 * and the kernel's reason.  Not thread-bound; a cgroup is used by one
 * thread at a time (its owner's job).
 */
#ifndef VIREO_UTIL_CGROUP_H
#define VIREO_UTIL_CGROUP_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum {
    CGROUP_CPU,
    CGROUP_CPUACCT,
    CGROUP_MEMORY,
    CGROUP_BLKIO,
    CGROUP_DEVICES,
    CGROUP_FREEZER,     /* v1 freezer; v2: cgroup.freeze of the unified leaf */
    CGROUP_NCONTROLLERS
} cgroup_controller;

/* libvirt's name of c ("cpu", "blkio", ...). */
const char *cgroup_controller_name(cgroup_controller c);
/* The controller named name, or -1. */
int cgroup_controller_from_name(const char *name);

/* Whether the host offers c (in either hierarchy), and through cgroup2. */
bool cgroup_controller_available(cgroup_controller c, bool *v2);

/* One guest's cgroup.  Owned by its creator; free with cgroup_free (which
 * leaves the directories: cgroup_remove removes them). */
typedef struct cgroup {
    char *name;                         /* PARTITION/LEAF */
    char *dirs[CGROUP_NCONTROLLERS];    /* its directory per controller used; NULL: unused */
    bool v2[CGROUP_NCONTROLLERS];       /* that directory is in the cgroup2 hierarchy */
} cgroup;

void cgroup_free(cgroup *cg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(cgroup, cgroup_free)

/* "machine/vireo-HASH": the partition of the driver instances of one
 * daemon root (caller frees). */
char *cgroup_partition(const char *root);

/* Create PARTITION/LEAF in the hierarchy of every available controller
 * that controllers names (NULL: all), enabling them on v2 down the path.
 * A leaf left from an earlier run is reused when empty, refused when a
 * process is in it.  NULL with an error (nothing left), also when no
 * controller is available at all. */
cgroup *cgroup_create(const char *partition, const char *leaf, const char *const *controllers);
/* Find PARTITION/LEAF again (after a daemon restart).  NULL without an
 * error when it does not exist in any hierarchy. */
cgroup *cgroup_open(const char *partition, const char *leaf, const char *const *controllers);

/* The distinct cgroup.procs files of cg, NULL-terminated (g_strfreev):
 * what child_opts.cgroup_procs wants. */
char **cgroup_procs_files(const cgroup *cg);
/* Move pid into cg (every hierarchy). */
int cgroup_add_pid(const cgroup *cg, pid_t pid);
/* Whether pid is in cg's first hierarchy. */
bool cgroup_has_pid(const cgroup *cg, pid_t pid);
/* Whether a process is in cg (any hierarchy). */
bool cgroup_populated(const cgroup *cg);

/* A block device's limits (<blkiotune><device>); 0 = not set. */
typedef struct cgroup_blkio_device {
    const char *path;                   /* borrowed */
    unsigned int weight;
    uint64_t read_bps, write_bps, read_iops, write_iops;
} cgroup_blkio_device;

/* The limits of one guest, in libvirt's units (KiB, microseconds).
 * Absent values are left at the kernel's defaults. */
typedef struct cgroup_limits {
    bool has_shares, has_period, has_quota;
    uint64_t shares;                    /* v1 cpu.shares; v2 cpu.weight as is (libvirt) */
    uint64_t period;                    /* us */
    int64_t quota;                      /* us, -1 unlimited */
    uint64_t hard_limit_kib, soft_limit_kib, swap_hard_limit_kib; /* 0: unset */
    unsigned int blkio_weight;          /* 0: unset */
    const cgroup_blkio_device *devices; /* borrowed */
    size_t ndevices;
} cgroup_limits;

/* Write l into cg.  A limit whose controller cg does not use is
 * VIREO_ERR_CONFIG_UNSUPPORTED naming it; a value the kernel refuses,
 * VIREO_ERR_SYSTEM_ERROR naming the file and the value.  The caller
 * removes cg after a failure. */
int cgroup_apply(const cgroup *cg, const cgroup_limits *l);

/* Device access (v1 devices controller).  deny_all first, then allow
 * what the guest needs.  1 when cg has no devices controller (nothing
 * done: v2 or not offered), 0 done, -1 with an error. */
int cgroup_devices_deny_all(const cgroup *cg);
/* type 'c' or 'b'; major/minor -1: any; perms "rw", "rwm". */
int cgroup_devices_allow(const cgroup *cg, char type, int major, int minor, const char *perms);
/* The device node path (stat'ed).  A missing path is skipped (0) when
 * missing_ok. */
int cgroup_devices_allow_path(const cgroup *cg, const char *path, const char *perms,
                              bool missing_ok);

/* The text of cg's file in c's directory, stripped (caller frees); NULL
 * with an error. */
char *cgroup_read(const cgroup *cg, cgroup_controller c, const char *file);

/* Freeze (frozen) or thaw every process of cg, waiting until the kernel
 * says FROZEN (v1 freezer.state) / frozen 1 (v2 cgroup.events), at most
 * 5 s.  CONFIG_UNSUPPORTED when cg has no freezer; -1 with the error. */
int cgroup_freeze(const cgroup *cg, bool frozen);
/* CPU time of cg's processes in ns (v1 cpuacct.usage, v2 cpu.stat
 * usage_usec), memory in use in KiB (v1 memory.usage_in_bytes, v2
 * memory.current).  -1 with the error when cg lacks the controller. */
int cgroup_cpu_usage_ns(const cgroup *cg, uint64_t *ns);
int cgroup_memory_usage_kib(const cgroup *cg, uint64_t *kib);

/* Remove cg's directories (the leaf in each hierarchy, then the
 * partition's own directory when empty; "machine" stays).  A leaf still
 * holding processes is left with a warning in the log (they are not
 * killed): -1 then, without an error set. */
int cgroup_remove(const cgroup *cg);

#endif
