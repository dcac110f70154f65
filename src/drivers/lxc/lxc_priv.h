/*
 * lxc_priv.h: the LXC driver's own state, shared by its files.
 *
 * One lxc_drv per root (lxc:///system, each lxc:///embed?root=DIR),
 * shared by the process's connections to it.  Domains, jobs, definition
 * files and the reading calls are drivers/domain_obj.h's (its locking
 * rules hold here: drv->doms.lock is "the lock"); this header adds what
 * a container needs: its controller process (lxc_monitor.h), cgroup,
 * veth pairs and console.
 *
 * Threads:
 *  - drv->ctx runs on drv's own I/O thread: the monitor sockets of the
 *    controllers and the console sessions.  What arrives there only
 *    updates state under the lock; work that needs the job (the clean-up
 *    after a container ended, a reboot, autostart, re-attach) goes to
 *    drv->tasks.
 *  - Freeing drv detaches from running containers and never stops them:
 *    their controllers run on, and a later instance re-attaches through
 *    the status files and monitor sockets.
 *
 * Files (from the root):
 *   ROOT/etc/libvirt/lxc/NAME.xml (+ autostart/)   definitions (domain_obj.c)
 *   ROOT/run/libvirt/lxc/NAME.xml                  status of a running container
 *   ROOT/run/libvirt/lxc/NAME.{sock,console,pid}   the controller's (lxc_monitor.h)
 *   ROOT/var/log/libvirt/lxc/NAME.log              the controller's output
 */
#ifndef VIREO_LXC_PRIV_H
#define VIREO_LXC_PRIV_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "conf/domain_def.h"
#include "drivers/domain_cgroup.h"
#include "drivers/domain_obj.h"
#include "drivers/driver.h"
#include "util/cgroup.h"

#define LXC_JOB_TIMEOUT_MS 30000    /* default; VIREO_LXC_JOB_TIMEOUT_MS or ?job_timeout_ms= */
#define LXC_STOP_GRACE_MS 10000     /* destroy: SIGTERM to init, then SIGKILL (libvirt's) */
#define LXC_CONTROLLER_ENV "VIREO_LXC_CONTROLLER" /* overrides the controller's path */

typedef struct lxc_drv lxc_drv;
struct lxc_monitor;
struct console_pump;

/* A container's state beside dom_obj (dom->priv).  Marked as dom_obj's
 * fields are: "lock" under drv->doms.lock, "job" by the job holder. */
typedef struct lxc_dom {
    pid_t init_pid;             /* lock: the container's init (host pid), 0 inactive */
    pid_t controller_pid;       /* lock: its controller, 0 inactive */
    char *pty;                  /* lock: host path of the console pty (live XML too) */
    struct lxc_monitor *mon;    /* lock: the monitor connection, NULL when none */
    struct console_pump *console; /* lock: the console session (lxc_console.c,
                                   * drivers/console_pump.h; one reference), NULL none */
    bool want_reboot;           /* lock: reboot asked: the next end of init restarts */
    bool destroying;            /* lock: destroy under way (its events are its own) */
    cgroup *cgroup;             /* job: the container's cgroup (owned), NULL none */
    GHashTable *net_ports;      /* job: guest MAC text -> network_port * (owned) of
                                 * interfaces of type network; NULL none */
} lxc_dom;

struct lxc_drv {
    char *key;                  /* registry key: run_dir */
    char *uri;                  /* lxc:///system, lxc:///embed?root=DIR */
    char *root;                 /* "/" or the embed/--root folder */
    bool embed;
    dom_table doms;             /* the domains (domain_obj.h); its lock is "the lock" */
    char *run_dir, *log_dir;
    char *controller;           /* path of vireo-lxc-controller */
    struct node_state *node;    /* the root's storage, secrets, networks (one reference) */
    GMainContext *ctx;          /* the I/O thread's (owned) */
    GMainLoop *loop;
    GThread *io_thread;
    GThreadPool *tasks;         /* lxc_task * */
    bool closing;               /* lock: being freed; ends are left for the next open */
};

static inline lxc_dom *lxc_dom_of(const dom_obj *dom)
{
    return dom->priv;
}

/* ---- lxc_driver.c: URIs, instances, connection and node entries ---- */
lxc_drv *lxc_conn_drv(vireo_conn *conn);
lxc_drv *lxc_dom_drv(const dom_obj *dom);   /* the instance a domain belongs to */
bool lxc_flags_ok(unsigned int flags, unsigned int allowed, const char *func);

/* ---- lxc_domain.c: definitions ---- */
/* Parse with the container defaults and checks (post-parse): type='lxc'
 * and os type 'exe' required (else OS_TYPE / CONFIG_UNSUPPORTED naming
 * what was given), <init> defaulted to /sbin/init, a root filesystem
 * (target '/') required, a <console type='pty'> target type 'lxc' added
 * when none, interfaces get MACs and guest dev names ethN. */
domain_def *lxc_def_parse(void *drv, const char *xml);

/* ---- lxc_lifecycle.c: API entries that change state ---- */
int lxc_domain_create(vireo_domain *dom, unsigned int flags);
vireo_domain *lxc_domain_create_xml(vireo_conn *conn, const char *xml, unsigned int flags);
int lxc_domain_destroy(vireo_domain *dom, unsigned int flags);
int lxc_domain_shutdown(vireo_domain *dom, unsigned int flags);
int lxc_domain_reboot(vireo_domain *dom, unsigned int flags);
int lxc_domain_suspend(vireo_domain *dom);
int lxc_domain_resume(vireo_domain *dom);
/* Queue the start of every autostart domain that is not running. */
void lxc_autostart_all(lxc_drv *drv);

/* ---- lxc_process.c: a container's run (job held) ---- */
/* Start dom running its definition: checks (lxc_plan_check), cgroup
 * (domain_cgroup_create), veths and network ports (lxc_net.c), the
 * controller spawned and its handshake read, the monitor connected, the
 * status file, state running/booted, event STARTED/BOOTED.  -1 with the
 * error (the controller's, with the kernel's reason), nothing left: no
 * cgroup, veth, port, status file or process. */
int lxc_process_start(dom_obj *dom, unsigned int flags);
/* Kill the container (SIGKILL to init; the controller then exits) and
 * wait for the end, at most grace_ms before killing the controller too. */
int lxc_process_kill(dom_obj *dom, int grace_ms);
/* What the driver's containers' cgroups are (drivers/domain_cgroup.h). */
domain_cgroup_opts lxc_cgroup_opts(lxc_drv *drv);
/* The container ended (init's wait status; -1 unknown): release ports,
 * remove the cgroup once empty, the status file, the console session;
 * state shut off with reason, STOPPED event with detail; a transient
 * domain leaves the tables; a wanted reboot starts it again (REBOOT
 * event instead of STOPPED/STARTED). */
void lxc_process_ended(dom_obj *dom, int status);
/* Status files: write (atomic), and at instance start take back every
 * running container they name (re-attach through the monitor socket;
 * one whose controller is gone is cleaned up as ended, reason unknown). */
int lxc_status_save(dom_obj *dom);
void lxc_status_remove(lxc_drv *drv, const char *name);
void lxc_status_load_all(lxc_drv *drv);
/* At instance end: close every monitor, the containers run on. */
void lxc_status_detach_all(lxc_drv *drv);
/* The ATTACH task (job held): connect the monitor of a status file's
 * container; its cgroup and ports taken back, or cleaned up as ended. */
void lxc_status_attach(dom_obj *dom, guint run);
/* run_dir/NAME + suffix (caller frees) */
char *lxc_dom_path(lxc_drv *drv, const char *dir, const char *name, const char *suffix);

/* ---- lxc_monitor.c: the driver's end of a controller's monitor socket ---- */
/* Connect to run_dir/NAME.sock and read the hello (at most timeout_ms):
 * init pid and pty path.  The connection is then watched on drv->ctx:
 * "exit STATUS" or end of file queue LXC_TASK_ENDED for run.  NULL with
 * the error. */
struct lxc_monitor *lxc_monitor_open(dom_obj *dom, guint run, int timeout_ms, pid_t *init_pid,
                                     char **pty);
/* Stop watching and close (without the lock). */
void lxc_monitor_close(struct lxc_monitor *mon);
/* One line from fd (the handshake pipe, a monitor socket) within
 * timeout_ms, buf holding what was read beyond it: 1 with *line (caller
 * frees, no newline), 0 at end of file, -1 on timeout or error. */
int lxc_read_line(int fd, GString *buf, int timeout_ms, char **line);

/* ---- lxc_net.c: the host side of interfaces (job held) ---- */
/* For every interface of live (type network or bridge; others refused
 * with CONFIG_UNSUPPORTED naming the type): a veth pair, the host end
 * (target dev, recorded in live) on its bridge (network ports for type
 * network), up.  veth_args gets "CONTAINEREND=GUESTDEV" per interface
 * for the controller.  -1 with the error and nothing left. */
int lxc_net_prepare(dom_obj *dom, domain_def *live, GPtrArray *veth_args);
/* At the end of a run: release ports, delete host ends still there. */
void lxc_net_release_all(dom_obj *dom, const domain_def *live);
/* After a vireod restart: take back the ports of live's interfaces. */
void lxc_net_readopt(dom_obj *dom, const domain_def *live);

/* ---- lxc_stats.c: reading from the cgroup counters (never a job) ---- */
int lxc_domain_get_info(vireo_domain *dom, vireo_domain_info *info);
int lxc_domain_get_all_stats(vireo_conn *conn, vireo_domain **doms, unsigned int ndoms,
                             unsigned int stats, vireo_domain_stats_record ***records,
                             unsigned int flags);
int lxc_domain_memory_stats(vireo_domain *dom, vireo_domain_memory_stat *stats,
                            unsigned int nr_stats, unsigned int flags);
int lxc_domain_interface_stats(vireo_domain *dom, const char *device,
                               vireo_interface_stats *stats);

/* ---- lxc_console.c ---- */
int lxc_domain_open_console(vireo_domain *dom, const char *dev_name, vireo_stream *st,
                            unsigned int flags);
/* dom stopped: end its console session with the end of data. */
void lxc_console_stop(dom_obj *dom);

/* ---- lxc_namespace.c ---- */
/* virDomainLxcOpenNamespace: open /proc/INIT/ns/{user,ipc,uts,net,pid,mnt}
 * of the running container (user only when it has one), in libvirt's
 * order; *fds g_new'd.  Count, or -1 with the error. */
int lxc_domain_open_namespace(vireo_domain *dom, int **fds, unsigned int flags);

/* ---- tasks (lxc_process.c runs them on drv->tasks) ---- */
typedef enum {
    LXC_TASK_ENDED,             /* the monitor said exit or closed: status */
    LXC_TASK_AUTOSTART,
    LXC_TASK_ATTACH,            /* re-attach to a status file's container */
} lxc_task_kind;
typedef struct lxc_task {
    lxc_task_kind kind;
    dom_obj *dom;               /* a reference */
    guint run;                  /* the run it is about */
    int status;                 /* ENDED: init's wait status, -1 unknown */
} lxc_task;
/* Queue a task about dom's run (with or without the lock). */
void lxc_task_push(dom_obj *dom, lxc_task_kind kind, guint run, int status);
void lxc_task_run(gpointer data, gpointer user_data);

#endif
