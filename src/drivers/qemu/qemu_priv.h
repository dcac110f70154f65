/*
 * qemu_priv.h: the QEMU driver's own state, shared by its files.
 *
 * One qemu_drv per root (qemu:///system, qemu:///session, each
 * qemu:///embed?root=DIR), shared by every connection of the process to
 * that root and freed when the last one closes.  Freeing it detaches from
 * running guests and never kills them: QEMU runs in its own session and
 * a later open re-attaches through the status files.
 *
 * Domains, jobs, definition files and the reading calls are
 * drivers/domain_obj.h's (drv->doms; its lock is "drv->lock" below, its
 * files_lock "drv->files_lock"); a domain is a dom_obj and this header
 * adds what a QEMU guest needs beside it (qemu_dom, dom->priv).
 *
 * Threads and locks:
 *  - drv->lock guards the domain tables and every qemu_dom field marked
 *    "lock".  Nobody holds it across a monitor call, a process spawn or
 *    kill, or qmp_close (monitor callbacks take it).
 *  - A changing call holds its domain's job (dom_job_begin) for its whole
 *    length; fields marked "job" are touched only by the job holder.
 *  - drv->ctx runs on drv's own I/O thread: QMP sockets and process exit
 *    watches.  Monitor events and exits arrive there and only update
 *    state under drv->lock; work that needs the job (cleaning up after an
 *    exit, autostart) goes to drv->tasks.
 *  - Reading calls (lookups, list, info, state, XML) take drv->lock only:
 *    they never wait for a job or a monitor.
 *  - drv->files_lock orders the writes of definitions and autostart links
 *    with the table changes they go with (define, undefine, autostart, a
 *    config device change).  It is taken before drv->lock, and drv->lock
 *    is never held across a file write: an fsync on a slow disk stalls
 *    the defines, never the lookups.
 *
 * Files (all from one root, DESIGN.md):
 *   config_dir/NAME.xml             persistent definition
 *   config_dir/autostart/NAME.xml   symlink to it when autostarted
 *   run_dir/NAME.xml                status of a running domain
 *   run_dir/NAME.monitor, NAME.pid  QMP socket, QEMU's pid file
 *   log_dir/NAME.log                QEMU's output
 *   cache_dir                       capabilities cache
 *   save_dir                        save images
 */
#ifndef VIREO_QEMU_PRIV_H
#define VIREO_QEMU_PRIV_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "conf/domain_def.h"
#include "drivers/domain_obj.h"
#include "drivers/driver.h"
#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_process.h"

#define QEMU_EMULATOR_DEFAULT "/usr/bin/qemu-system-x86_64"
#define QEMU_JOB_TIMEOUT_MS 30000      /* default; VIREO_QEMU_JOB_TIMEOUT_MS or ?job_timeout_ms= */
#define QEMU_MONITOR_TIMEOUT_MS 30000  /* one QMP command */
#define QEMU_START_TIMEOUT_MS 30000    /* spawn until the monitor answers */
#define QEMU_ATTACH_TIMEOUT_MS 5000    /* re-attach to a running QEMU */
#define QEMU_KILL_GRACE_MS 10000       /* SIGTERM, then SIGKILL (libvirt: 10 s) */

typedef struct qemu_drv qemu_drv;

/* ROOT/etc/libvirt/qemu.conf as libvirt's, read once when the driver
 * starts (qemu_conf.c, issue 10).  Strings owned. */
typedef struct qemu_conf {
    char *user_name, *group_name;   /* QEMU runs as these; "root" under --root/embed and
                                     * for the session unless qemu.conf says otherwise,
                                     * "vireo-qemu" for the system root "/" */
    uid_t user;
    gid_t group;
    bool dynamic_ownership;     /* chown images to user:group before start and restore
                                 * them after stop (default 1) */
    bool remember_owner;        /* restore the owner seen before start (default 1) */
    int seccomp_sandbox;        /* 1 (default): -sandbox on,...; 0: none */
    char **cgroup_controllers;  /* NULL: every controller the host has; [] none */
    gid_t *groups;              /* user's supplementary groups (getgrouplist) */
    size_t ngroups;
    char *path;                 /* the file read (it may not exist) */
    char *invalid;              /* why no domain can start (an unknown user or group),
                                 * NULL when user and group resolved */
} qemu_conf;

/* A guest's state beside dom_obj (dom->priv, qemu_dom_of).  Marked as
 * dom_obj's fields are: "lock" under drv->lock, "job" by the job
 * holder. */
typedef struct qemu_dom {
    bool got_shutdown;      /* lock: QEMU sent SHUTDOWN in this run */
    bool panicked;          /* lock: QEMU sent GUEST_PANICKED in this run */
    bool destroying;        /* lock: destroy under way (its events are its own) */
    bool exited;            /* lock: the process of this run has exited */
    pid_t pid;              /* lock: QEMU's pid while active, else 0 */
    qemu_proc *proc;        /* job: the running QEMU (owned), NULL when inactive */
    struct console_pump *console; /* lock: the console session (qemu_console.c,
                                   * drivers/console_pump.h; one reference), NULL none */
    GHashTable *net_ports;  /* job: guest MAC text -> network_port * (owned) of the
                             * running interfaces of type network; NULL when none */
    struct cgroup *cgroup;  /* job: the running QEMU's cgroup (owned, qemu_cgroup.c);
                             * NULL when none */
} qemu_dom;

struct qemu_drv {
    char *key;              /* its key in qemu_driver.c's registry: the run folder */
    char *uri;              /* canonical URI: qemu:///system, qemu:///session, qemu:///embed?root=DIR */
    bool embed;
    qemu_conf *conf;        /* owned, set once at creation (qemu_conf.c) */
    int job_timeout_ms;     /* set once at creation */
    dom_table doms;         /* the domains (domain_obj.h); its lock is "drv->lock" */
    char *run_dir, *log_dir, *cache_dir, *save_dir;
    struct node_state *node; /* the root's storage and secrets (one reference) */
    GMainContext *ctx;      /* the I/O thread's (owned) */
    GMainLoop *loop;
    GThread *io_thread;
    GThreadPool *tasks;     /* exit clean-ups and autostart; qemu_task * */
    bool closing;           /* lock: being freed; exits are left for the next open */
};

static inline qemu_dom *qemu_dom_of(const dom_obj *dom)
{
    return dom->priv;
}

/* the instance a domain belongs to */
static inline qemu_drv *qemu_dom_drv(const dom_obj *dom)
{
    return (qemu_drv *)(void *)((char *)dom->table - offsetof(qemu_drv, doms));
}

/* ---- qemu_conf.c ---- */
/* Read path (missing: defaults) for a root: system_root is qemu:///system
 * on "/" (QEMU runs as vireo-qemu), anything else runs it as the
 * daemon's user unless the file says otherwise.  An unknown user or
 * group is kept in ->invalid, for qemu_conf_check.  NULL with the error
 * on a syntax error or a bad value. */
qemu_conf *qemu_conf_load(const char *path, bool system_root);
void qemu_conf_free(qemu_conf *conf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemu_conf, qemu_conf_free)
/* Before a start: 0, or -1 with VIREO_ERR_CONFIG_UNSUPPORTED naming
 * qemu.conf and the user or group it names that does not exist. */
int qemu_conf_check(const qemu_conf *conf);
/* QEMU runs as another user than the daemon's (ownership matters). */
bool qemu_conf_other_user(const qemu_conf *conf);

/* ---- qemu_dac.c: file ownership for the QEMU user (see the file's top) ---- */
/* Before a start (job held): give every file live names to conf's user
 * and group, remembering their owners; check the user reaches them.
 * -1 with the error naming the path and the user, nothing changed. */
int qemu_dac_set(qemu_drv *drv, const domain_def *live);
/* After the run (stop, crash, destroy, failed start): give them back.
 * Never fails (a failure is logged). */
void qemu_dac_restore(qemu_drv *drv, const domain_def *live);
/* QEMU's user may want (R_OK | W_OK) path, which QEMU opens itself
 * (/dev/kvm: its group must be the user's).  -1 with the error naming
 * path and the user. */
int qemu_dac_check_access(qemu_drv *drv, const char *path, int want);
/* One disk, hot-plugged or unplugged. */
int qemu_dac_set_disk(qemu_drv *drv, const device_disk *d);
void qemu_dac_restore_disk(qemu_drv *drv, const device_disk *d);
/* At driver start: the run folder writable by the QEMU group (its
 * monitor socket and pid file go there).  -1 with the error. */
int qemu_dac_prepare_dirs(qemu_drv *drv);

/* ---- qemu_cgroup.c: the guest's cgroup (see the file's top); job held ---- */
/* Before the spawn: create dom->cgroup for live with its limits and
 * devices (nothing when this daemon makes no cgroups).  -1 with the
 * error, nothing left. */
int qemu_cgroup_setup(dom_obj *dom, const domain_def *live);
/* The cgroup.procs files QEMU joins (g_strfreev), NULL when none. */
char **qemu_cgroup_procs(const dom_obj *dom);
/* The process is gone: remove dom->cgroup, or the one an earlier daemon
 * made for name.  Never fails (logged). */
void qemu_cgroup_remove(dom_obj *dom, const char *name);
/* After a daemon restart: take back the cgroup of the QEMU at pid. */
void qemu_cgroup_readopt(dom_obj *dom, const domain_def *live, pid_t pid);
/* A disk being hot-plugged: a block device is allowed in the device list. */
int qemu_cgroup_allow_disk(dom_obj *dom, const device_disk *d);

/* ---- qemu_driver.c ---- */
qemu_drv *qemu_conn_drv(vireo_conn *conn);

/* ---- entries of the domain table ---- */
/* qemu_read.c: reading calls (drv->lock only) */
vireo_domain *qemu_domain_lookup_by_name(vireo_conn *conn, const char *name);
vireo_domain *qemu_domain_lookup_by_uuid(vireo_conn *conn, const unsigned char *uuid);
vireo_domain *qemu_domain_lookup_by_id(vireo_conn *conn, int id);
int qemu_domain_list_all(vireo_conn *conn, vireo_domain ***domains, unsigned int flags);
int qemu_domain_get_info(vireo_domain *dom, vireo_domain_info *info);
int qemu_domain_get_state(vireo_domain *dom, int *state, int *reason, unsigned int flags);
char *qemu_domain_get_os_type(vireo_domain *dom);
char *qemu_domain_get_xml_desc(vireo_domain *dom, unsigned int flags);
int qemu_domain_get_autostart(vireo_domain *dom, int *autostart);
int qemu_domain_set_autostart(vireo_domain *dom, int autostart);
int qemu_domain_is_active(vireo_domain *dom);
int qemu_domain_is_persistent(vireo_domain *dom);
int qemu_domain_is_updated(vireo_domain *dom);
int qemu_domain_has_managed_save(vireo_domain *dom, unsigned int flags);
/* qemu_domain.c */
vireo_domain *qemu_domain_define_xml(vireo_conn *conn, const char *xml, unsigned int flags);
int qemu_domain_undefine(vireo_domain *dom, unsigned int flags);
/* qemu_lifecycle.c */
int qemu_domain_create(vireo_domain *dom, unsigned int flags);
vireo_domain *qemu_domain_create_xml(vireo_conn *conn, const char *xml, unsigned int flags);
int qemu_domain_destroy(vireo_domain *dom, unsigned int flags);
int qemu_domain_shutdown(vireo_domain *dom, unsigned int flags);
int qemu_domain_reboot(vireo_domain *dom, unsigned int flags);
int qemu_domain_suspend(vireo_domain *dom);
int qemu_domain_resume(vireo_domain *dom);
int qemu_domain_reset(vireo_domain *dom, unsigned int flags);
int qemu_domain_get_messages(vireo_domain *dom, char ***msgs, unsigned int flags);
/* qemu_storage.c: a start's volumes and keys (see the file's top).  -1 with
 * the error naming the disk, pool, volume or secret; prepare cleans up
 * after itself on failure.  cleanup removes the key files. */
int qemu_storage_prepare(qemu_drv *drv, domain_def *live);
void qemu_storage_cleanup(domain_def *live);
/* One type='volume' disk (a hotplug): its file or device and format. */
int qemu_storage_volume(qemu_drv *drv, device_disk *d);
/* qemu_net.c: the host side of interfaces (see the file's top); job held. */
typedef struct qemu_net_start {
    GArray *fds;                /* int: descriptors QEMU inherits as 3 + i (owned) */
    qemu_command_net *nets;     /* one per interface: their numbers in QEMU (owned) */
} qemu_net_start;
/* Plug every interface of live (recording tap names, port ids and
 * bridges in it) before QEMU starts.  -1 with the error and nothing
 * left plugged. */
int qemu_net_prepare(dom_obj *dom, domain_def *live, qemu_net_start *s);
/* Close the descriptors (QEMU has its copies, or never will) and free. */
void qemu_net_start_clear(qemu_net_start *s);
/* One interface n of the domain running live: *tapfd and *vhostfd (-1
 * none; the caller's to close).  -1 with the error, nothing left. */
int qemu_net_plug(dom_obj *dom, const domain_def *live, device_interface *n, int *tapfd,
                  int *vhostfd);
/* Undo qemu_net_plug of n (filter, tc, macvtap, port); never fails. */
void qemu_net_unplug(dom_obj *dom, const device_interface *n);
/* n's host side is a macvtap (it sees the guest's side of the traffic:
 * network_tc_set's swapped) rather than a tap */
bool qemu_net_is_macvtap(const device_interface *n);
/* Every interface of live (NULL: only forget the ports) at the end of a run. */
void qemu_net_release_all(dom_obj *dom, const domain_def *live);
/* <link state='down'/> of live's interfaces, told to the started QEMU. */
int qemu_net_set_links(qemu_proc *proc, const domain_def *live);
/* After a vireod restart: take back the ports of live's interfaces. */
void qemu_net_readopt(dom_obj *dom, const domain_def *live);
/* qemu_save.c: state to files */
int qemu_domain_save(vireo_domain *dom, const char *to, const char *dxml, unsigned int flags);
int qemu_domain_restore(vireo_conn *conn, const char *from, const char *dxml, unsigned int flags);
char *qemu_domain_save_image_get_xml_desc(vireo_conn *conn, const char *file, unsigned int flags);
int qemu_domain_managed_save(vireo_domain *dom, unsigned int flags);
int qemu_domain_managed_save_remove(vireo_domain *dom, unsigned int flags);
int qemu_domain_core_dump(vireo_domain *dom, const char *to, unsigned int flags);
/* qemu_hotplug.c: devices and resources, live and persistent */
int qemu_domain_attach_device(vireo_domain *dom, const char *xml, unsigned int flags);
int qemu_domain_detach_device(vireo_domain *dom, const char *xml, unsigned int flags);
int qemu_domain_update_device(vireo_domain *dom, const char *xml, unsigned int flags);
int qemu_domain_set_vcpus(vireo_domain *dom, unsigned int nvcpus, unsigned int flags);
int qemu_domain_get_vcpus_flags(vireo_domain *dom, unsigned int flags);
int qemu_domain_set_memory(vireo_domain *dom, unsigned long memory, unsigned int flags);
/* QEMU said DEVICE_DELETED (I/O thread, drv->lock held): finishes a
 * pending detach (qemu_hotplug.c). */
void qemu_hotplug_device_deleted(dom_obj *dom, json_t *data);
/* qemu_stats.c: statistics (never waiting on another domain's monitor) */
int qemu_domain_memory_stats(vireo_domain *dom, vireo_domain_memory_stat *stats,
                             unsigned int nr_stats, unsigned int flags);
int qemu_domain_block_stats(vireo_domain *dom, const char *disk, vireo_typed_param **params,
                            int *nparams, unsigned int flags);
int qemu_domain_interface_stats(vireo_domain *dom, const char *device,
                                vireo_interface_stats *stats);
/* qemu_ifaddr.c: domifaddr from leases or the ARP table */
int qemu_domain_interface_addresses(vireo_domain *dom, vireo_domain_interface ***ifaces,
                                    unsigned int source, unsigned int flags);
int qemu_domain_get_all_stats(vireo_conn *conn, vireo_domain **doms, unsigned int ndoms,
                              unsigned int stats, vireo_domain_stats_record ***records,
                              unsigned int flags);
/* qemu_console.c */
int qemu_domain_open_console(vireo_domain *dom, const char *dev_name, vireo_stream *st,
                             unsigned int flags);
/* dom stopped (without drv->lock): end its console session, if any,
 * with the end of data. */
void qemu_console_stop(dom_obj *dom);

/* ---- qemu_domain.c: definitions (domains are domain_obj.h's) ---- */
/* without drv->lock: the domain a handle names, a new reference; NULL
 * with VIREO_ERR_NO_DOMAIN */
dom_obj *qemu_dom_from_handle(vireo_domain *handle);
/* Parse a client's XML with the QEMU defaults and checks (post-parse). */
domain_def *qemu_def_parse(qemu_drv *drv, const char *xml);
/* Fill drv->doms's driver part (from, parse, hooks) before dom_table_init. */
void qemu_dom_table_setup(qemu_drv *drv);
bool qemu_flags_ok(unsigned int flags, unsigned int allowed, const char *func);

/* ---- qemu_lifecycle.c ---- */
/* Start dom (job held) running use (NULL: dom's own definition): spawn
 * QEMU paused, cont unless paused, status file, events.  -1 with an
 * error, nothing left behind. */
int qemu_dom_start(dom_obj *dom, const domain_def *use, unsigned int flags);
/* Like qemu_dom_start, but QEMU loads its state from the migration
 * stream read from fd (restore): -incoming defer, then qemu_save_incoming;
 * def is the definition to run (NULL: dom's own).  State running with
 * reason restored (or paused with VIREO_DOMAIN_START_PAUSED), event
 * STARTED_RESTORED.  fd stays the caller's. */
int qemu_dom_start_incoming(dom_obj *dom, const domain_def *def, int fd, unsigned int flags);
/* dom's process is gone (job held): free it, remove the status file,
 * shut off with reason, STOPPED event with detail; a transient domain
 * leaves the tables. */
void qemu_dom_stopped(dom_obj *dom, int reason, int detail);

/* ---- qemu_save.c: state to files (also qemu_save.h) ---- */
/* save_dir/NAME.save (caller frees). */
char *qemu_managed_save_path(qemu_drv *drv, const char *name);
/* Whether dom has a managed save image (with or without drv->lock). */
bool qemu_managed_save_exists(const dom_obj *dom);
/* Start (job held, dom inactive) from its managed save image, removing
 * the image once the guest runs; with VIREO_DOMAIN_START_FORCE_BOOT the image
 * is discarded.  1 when there is no image to start from (boot it), 0
 * when restored, -1 with an error. */
int qemu_managed_save_start(dom_obj *dom, unsigned int flags);
/* Feed QEMU started with -incoming defer the migration stream from fd
 * (getfd + migrate-incoming) and wait until it is loaded.  -1 with an
 * error naming the domain. */
int qemu_save_incoming(qemu_proc *proc, int fd, const char *name);

/* ---- qemu_events.c: what QEMU tells, on the I/O thread ---- */
void qemu_on_event(qmp *mon, const char *event, json_t *data, void *opaque);
void qemu_on_exit(qemu_proc *p, int status, void *opaque);
/* tasks run by drv->tasks */
typedef enum {
    QEMU_TASK_EXITED,       /* the process of run exited */
    QEMU_TASK_AUTOSTART,
    QEMU_TASK_ATTACH,       /* connect to the monitor of a status file's QEMU */
    QEMU_TASK_RESTART,      /* on_poweroff/on_crash restart: reset in place */
    QEMU_TASK_CAPS,         /* warm the default emulator's capabilities (no dom) */
    QEMU_TASK_SWEEP,        /* a second stray sweep, a while after start (no dom) */
} qemu_task_kind;
typedef struct qemu_task {
    qemu_task_kind kind;
    dom_obj *dom;          /* a reference */
    guint run;              /* the run it is about */
    char *monitor;          /* ATTACH: the monitor socket (owned) */
} qemu_task;
/* Queue a task about dom's current run (with drv->lock); monitor: for
 * ATTACH, else NULL. */
void qemu_task_push(dom_obj *dom, qemu_task_kind kind, const char *monitor);
/* Queue a task about no domain (CAPS, SWEEP). */
void qemu_task_push_drv(qemu_drv *drv, qemu_task_kind kind);
/* on_crash=coredump-*: dump the guest's memory to the dump folder (job held). */
void qemu_crash_dump(dom_obj *dom);
void qemu_task_run(gpointer data, gpointer user_data);

/* ---- qemu_status.c ---- */
char *qemu_dom_path(qemu_drv *drv, const char *dir, const char *name, const char *suffix);
/* Write dom's status file (job held, drv->lock not held). */
int qemu_status_save(dom_obj *dom);
void qemu_status_remove(qemu_drv *drv, const char *name);
/* What one status file says. */
typedef struct qemu_status {
    int state, reason;
    pid_t pid;
    guint run;
    char *monitor;          /* owned */
    domain_def *live;       /* owned */
} qemu_status;
/* Read a status file's text into st (cleared by qemu_status_clear, also
 * after a failure).  0, or -1 when malformed. */
int qemu_status_parse(const char *text, qemu_status *st);
void qemu_status_clear(qemu_status *st);
/* At driver start: take back every domain a status file names. */
void qemu_status_load_all(qemu_drv *drv);
/* The SWEEP task: kill QEMUs of cut starts that were still being spawned
 * (not yet QEMU) when the first sweep looked. */
void qemu_status_sweep_late(qemu_drv *drv);
/* The ATTACH task (job held from qemu_status_load_all). */
void qemu_status_attach(dom_obj *dom, guint run, const char *monitor);
/* At driver end: let go of every running QEMU without stopping it. */
void qemu_status_detach_all(qemu_drv *drv);
/* Queue the start of every autostart domain that is not running. */
void qemu_autostart_all(qemu_drv *drv);

#endif
