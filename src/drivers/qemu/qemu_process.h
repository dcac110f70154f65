/*
 * qemu_process.h: one QEMU process: spawn, attach, watch, stop.
 *
 * QEMU runs in its own session (setsid) so it outlives vireod; a
 * restarted vireod attaches to it again by pid and monitor socket.  Its
 * exit is seen at once through a pidfd on the driver's I/O context (no
 * polling), and a child is reaped as soon as it exits.
 */
#ifndef VIREO_QEMU_PROCESS_H
#define VIREO_QEMU_PROCESS_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "drivers/qemu/qemu_monitor.h"
#include "util/child.h"

typedef struct qemu_proc_watch qemu_proc_watch;
typedef struct qemu_proc qemu_proc;

/* Called once when the process exits (status as from waitpid, or -1 when
 * it was not our child).  Runs on ctx's thread; may call qemu_proc_free. */
typedef void (*qemu_proc_exit_cb)(qemu_proc *p, int status, void *opaque);

/* Fields are read-only outside qemu_process.c. */
struct qemu_proc {
    pid_t pid;
    int pidfd;              /* owned (kernel 5.3+ is required) */
    guint exit_watch;       /* id of the exit watch on ctx, 0 when none */
    qmp *mon;               /* owned */
    char *monitor_path;     /* owned */
    char *pid_path;         /* owned; may be NULL */
    char *log_path;         /* owned: QEMU's stdout and stderr */
    bool child;             /* spawned by us: ours to reap */
    GMainContext *ctx;      /* a reference */
    qemu_proc_exit_cb on_exit;
    void *opaque;
    qemu_proc_watch *watch; /* shared with the exit watch on ctx */
    GMutex lock;            /* guards reaped and status */
    bool reaped;            /* exit seen and, for a child, reaped */
    int status;             /* valid once reaped */
};

/* Start argv (argv[0] the binary, looked up in PATH when it has no '/')
 * in its own session, stdin /dev/null, stdout/stderr appended to log_path
 * after a header line (time, command), LC_ALL=C; wait (at most
 * timeout_ms) for its QMP socket monitor_path (argv must make QEMU listen
 * there: -qmp unix:PATH,server=on,wait=off) and connect.  pid_path is
 * QEMU's -pidfile (QEMU writes it), removed here when it is gone.  Call
 * from any thread but ctx's own.
 * On any failure the process is killed and reaped, its socket and pid
 * files removed, and the error carries the last lines of QEMU's log
 * (libvirt's style: "internal error: qemu unexpectedly closed the monitor:
 * ..."). */
qemu_proc *qemu_proc_spawn(GStrv argv, const char *log_path, const char *monitor_path,
                           const char *pid_path, GMainContext *ctx, int timeout_ms,
                           qmp_event_cb on_event, qemu_proc_exit_cb on_exit, void *opaque);
/* The same, QEMU inheriting fds[i] (the caller's, left open) as
 * descriptor 3 + i (taps: -netdev tap,fd=N). */
qemu_proc *qemu_proc_spawn_fds(GStrv argv, const int *fds, size_t nfds, const char *log_path,
                               const char *monitor_path, const char *pid_path, GMainContext *ctx,
                               int timeout_ms, qmp_event_cb on_event, qemu_proc_exit_cb on_exit,
                               void *opaque);
/* The same, the child becoming opts before exec (issue 10: the QEMU
 * user and group, its cgroups; opts->fds as fds above). */
qemu_proc *qemu_proc_spawn_as(GStrv argv, const child_opts *opts, const char *log_path,
                              const char *monitor_path, const char *pid_path, GMainContext *ctx,
                              int timeout_ms, qmp_event_cb on_event, qemu_proc_exit_cb on_exit,
                              void *opaque);

/* Attach to a QEMU left running by an earlier vireod: check pid is alive
 * and is that QEMU (its command line names monitor_path; its pid file,
 * when there, holds pid), connect its monitor.  NULL with an error
 * (VIREO_ERR_OPERATION_FAILED) when it is gone or not that QEMU. */
qemu_proc *qemu_proc_attach(pid_t pid, const char *log_path, const char *monitor_path,
                            const char *pid_path, GMainContext *ctx, int timeout_ms,
                            qmp_event_cb on_event, qemu_proc_exit_cb on_exit, void *opaque);

/* Stop: SIGTERM (and SIGCONT, so a stopped QEMU sees it), then SIGKILL
 * after grace_ms; returns once the process has exited (and is reaped when
 * it is our child; a process we only attached to is reaped by its own
 * parent).  on_exit still runs on ctx.  Any thread.  0, or -1 with an
 * error. */
int qemu_proc_kill(qemu_proc *p, int grace_ms);

/* Close the monitor and watches; when the process is gone, remove the
 * socket and pid files (a QEMU deliberately left running keeps them, so a
 * later vireod can attach).  No on_exit or event runs after it returns.
 * NULL is a no-op. */
void qemu_proc_free(qemu_proc *p);

/* Kill every QEMU whose -pidfile lies in run_dir, whose pid is not in
 * keep (a set of GINT_TO_POINTER pids) and whose pid file is not in spare
 * (a set of paths): what a start or restore that a crash interrupted left
 * running with no status file.  The count killed. */
int qemu_proc_kill_strays(const char *run_dir, GHashTable *keep, GHashTable *spare);

/* Kill the QEMU that holds pid_path's lock, if its command line names
 * pid_path: a stray the start about to use pid_path would collide with
 * (the caller knows no QEMU of its own runs there). */
void qemu_proc_kill_pid_file_holder(const char *pid_path);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemu_proc, qemu_proc_free)

#endif
