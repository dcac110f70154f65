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
#include <sys/types.h>

#include "drivers/qemu/qemu_monitor.h"

typedef struct qemu_proc {
    pid_t pid;
    int pidfd;              /* owned; -1 when unavailable */
    guint exit_watch;       /* on ctx */
    qmp *mon;               /* owned */
    char *monitor_path;     /* owned */
    char *pid_path;         /* owned */
    char *log_path;         /* owned: QEMU's stdout and stderr */
} qemu_proc;

/* Called once when the process exits (status as from waitpid, or -1 when
 * it was not our child).  Runs on ctx's thread. */
typedef void (*qemu_proc_exit_cb)(qemu_proc *p, int status, void *opaque);

/* Start argv (argv[0] the binary) with stdout/stderr appended to
 * log_path, wait (at most timeout_ms) for its QMP socket and connect.
 * On any failure the process is killed and reaped, its socket and pid
 * files removed, and the error carries the last lines of QEMU's log
 * (libvirt's style: "internal error: qemu unexpectedly closed the monitor:
 * ..."). */
qemu_proc *qemu_proc_spawn(GStrv argv, const char *log_path, const char *monitor_path,
                           const char *pid_path, GMainContext *ctx, int timeout_ms,
                           qmp_event_cb on_event, qemu_proc_exit_cb on_exit, void *opaque);

/* Attach to a QEMU left running by an earlier vireod: check pid is alive
 * and is that QEMU (its pid file), connect its monitor.  NULL with an
 * error when it is gone. */
qemu_proc *qemu_proc_attach(pid_t pid, const char *log_path, const char *monitor_path,
                            const char *pid_path, GMainContext *ctx, int timeout_ms,
                            qmp_event_cb on_event, qemu_proc_exit_cb on_exit, void *opaque);

/* Stop: SIGTERM, then SIGKILL after grace_ms; returns once the process is
 * gone (reaped when it is our child).  0, or -1 with an error. */
int qemu_proc_kill(qemu_proc *p, int grace_ms);

/* Close the monitor and watches, remove the socket and pid files; the
 * process must be gone (or deliberately left running: detach). */
void qemu_proc_free(qemu_proc *p);

#endif
