/*
 * qemu_monitor.h: an asynchronous QMP client (JSON through jansson).
 *
 * One per running guest.  Its socket I/O runs on the GMainContext it was
 * opened with: the QEMU driver's own I/O thread (so it works the same in
 * vireod and in an embedded driver in a CLI process); callers on other
 * threads block only on their own command, with a timeout, never on the
 * loop.  Human monitor text is never parsed.
 */
#ifndef VIREO_QEMU_MONITOR_H
#define VIREO_QEMU_MONITOR_H

#include <glib.h>
#include <jansson.h>

typedef struct qmp qmp;

/* An asynchronous event ("SHUTDOWN", "STOP", "RESUME", "RESET",
 * "POWERDOWN", "GUEST_PANICKED", "BLOCK_JOB_*", "DEVICE_DELETED").  data is
 * borrowed, never NULL (an empty object when the event has none).  Runs
 * on ctx's thread, in the order QEMU sent them. */
typedef void (*qmp_event_cb)(qmp *mon, const char *event, json_t *data, void *opaque);
/* The connection closed (QEMU exited or crashed).  Runs on ctx's thread. */
typedef void (*qmp_eof_cb)(qmp *mon, void *opaque);

/* Connect to path, read the greeting, send qmp_capabilities.  Waits at
 * most timeout_ms.  NULL with an error naming the socket.  Call from any
 * thread but ctx's own (it waits for the loop); ctx must be running.
 * on_event and on_eof may be NULL. */
qmp *qmp_open(const char *path, GMainContext *ctx, int timeout_ms, qmp_event_cb on_event,
              qmp_eof_cb on_eof, void *opaque);

/* Like qmp_open on a socket already connected to path (fd is owned by
 * the monitor from here on, closed on failure too). */
qmp *qmp_open_fd(int fd, const char *path, GMainContext *ctx, int timeout_ms,
                 qmp_event_cb on_event, qmp_eof_cb on_eof, void *opaque);

/* Run cmd with args (stolen; NULL for none) and wait for its answer at most
 * timeout_ms.  Returns the "return" member (new reference; an empty object
 * when QEMU returned {}), or NULL with the error: QEMU's own "desc" as
 * VIREO_ERR_INTERNAL_ERROR, VIREO_ERR_OPERATION_TIMEOUT when no answer
 * came in time, VIREO_ERR_OPERATION_FAILED when the monitor closed.
 * Callable from any thread but ctx's own, from several at once.  A
 * command that timed out may still run in QEMU later; its answer is
 * dropped. */
json_t *qmp_call(qmp *mon, const char *cmd, json_t *args, int timeout_ms);

/* Like qmp_call, and pass fd (SCM_RIGHTS) with the command, for
 * "getfd" ({"fdname": NAME}) or "add-fd".  fd stays the caller's (the
 * monitor sends a duplicate); -1 passes none.  QEMU then uses it under
 * NAME ("fd:NAME" for migrate, migrate-incoming, dump-guest-memory), so
 * it never opens a path itself (-sandbox). */
json_t *qmp_call_fd(qmp *mon, const char *cmd, json_t *args, int fd, int timeout_ms);

/* Keep mon's memory alive past a qmp_close by its owner, for a caller
 * that found mon under a lock and calls it after letting the lock go
 * (calls on a closed monitor fail). */
qmp *qmp_ref(qmp *mon);
void qmp_unref(qmp *mon);

/* Close; pending calls fail.  No callback runs after it returns: it waits
 * for a callback running on ctx's thread to finish (so do not hold a lock
 * your callbacks take while closing), and may be called from a callback.
 * NULL is a no-op. */
void qmp_close(qmp *mon);

/* The socket path given at open (owned by mon). */
const char *qmp_path(qmp *mon);

#endif
