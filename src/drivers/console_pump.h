/*
 * console_pump.h: a console session of any driver: bytes both ways
 * between a character device's host end (an fd: a pty, a unix socket)
 * and a stream, on the driver's I/O thread.
 *
 * What the device writes is pushed to the stream; what the stream's
 * consumer writes goes to the device (at once when the fd takes it, else
 * queued until it is writable).  The pump is the stream's producer
 * (drivers/stream.h).  It ends once: at the device's end of file or
 * hang-up (the end of data), a write error (the error), the consumer's
 * close (quietly), or console_pump_end.  Which device and how many
 * sessions a domain may have are the driver's business: it keeps the
 * pump in its own slot and drops it there in on_end.
 *
 * Reference-counted (atomic): the driver's slot, the stream, each watch.
 * Thread-safe.
 */
#ifndef VIREO_DRIVERS_CONSOLE_PUMP_H
#define VIREO_DRIVERS_CONSOLE_PUMP_H

#include <glib.h>
#include <stdbool.h>

#include "vireo/vireo.h"

typedef struct console_pump console_pump;

/* Called once when p ends, however, before the stream is told and
 * without any lock of p: the owner takes p out of its slot. */
typedef void (*console_pump_end_fn)(console_pump *p, void *opaque);

/* A pump between fd (taken over; made non-blocking) and st (a reference
 * taken), its watches on ctx, its errors from err_domain (VIREO_FROM_*).
 * opaque is the owner's, released with free_opaque with the pump.  One
 * reference, the caller's; nothing moves until console_pump_start. */
console_pump *console_pump_new(int fd, vireo_stream *st, GMainContext *ctx, int err_domain,
                               console_pump_end_fn on_end, void *opaque,
                               GDestroyNotify free_opaque);
console_pump *console_pump_ref(console_pump *p);
void console_pump_unref(console_pump *p);

/* Become the stream's producer and start reading the device.  -1 with
 * the error: the pump has then ended quietly (on_end ran). */
int console_pump_start(console_pump *p);

/* End p (once; later calls do nothing): stop, close the fd, on_end, then
 * tell the consumer err (NULL: the end of data), or nothing when quiet. */
void console_pump_end(console_pump *p, const vireo_error *err, bool quiet);
/* End p with OPERATION_FAILED "console session was taken over by
 * another client" for its consumer (the thread's error is kept). */
void console_pump_take_over(console_pump *p);

/* Whether p still serves a consumer that reads (a vireod client that
 * disconnected does not: its session may be taken over without FORCE). */
bool console_pump_in_use(console_pump *p);

/* ---- a domain's one session: a slot guarded by the driver's lock ---- */
/* Put p into *slot (one reference taken).  Refused with the error when
 * running(opaque), asked with lock held, says the domain no longer runs
 * (OPERATION_INVALID) or when another session whose consumer still reads
 * holds the slot and not force (OPERATION_FAILED, libvirt's "Active
 * console session exists for this domain").  Else *old is the session
 * put out (the slot's reference, now the caller's: console_pump_take_over
 * it, then unref), NULL when none. */
int console_pump_slot_take(console_pump **slot, GMutex *lock, console_pump *p, bool force,
                           bool (*running)(void *opaque), void *opaque, int err_domain,
                           console_pump **old);
/* Open the session p (the caller's reference, taken over): put it into
 * *slot as console_pump_slot_take, start it, and end the session it put
 * out, told it was taken over.  0, or -1 with the error (p has ended
 * quietly; a failed start leaves the slot too). */
int console_pump_slot_run(console_pump **slot, GMutex *lock, console_pump *p, bool force,
                          bool (*running)(void *opaque), void *opaque, int err_domain);
/* For a device that serves one client (a new connection drops the old
 * one): before connecting, end the session in *slot, told it was taken
 * over, when force or its consumer is gone; else -1 with OPERATION_FAILED
 * as console_pump_slot_take.  0 when the slot is free now. */
int console_pump_slot_clear(console_pump **slot, GMutex *lock, bool force, int err_domain);
/* Take p out of *slot if it is still there (for on_end; without lock). */
void console_pump_slot_drop(console_pump **slot, GMutex *lock, console_pump *p);
/* The domain stopped: end the session in *slot with the end of data. */
void console_pump_slot_stop(console_pump **slot, GMutex *lock);

/* Open a console device's host end: a pty in raw mode (no echo, no line
 * editing), or a connection to a unix socket.  The fd, or -1 with the
 * error (err_domain) naming path and the kernel's reason. */
int console_pump_open_fd(const char *path, bool is_socket, int err_domain);

#endif
