/*
 * storage_run.h: run a storage tool (qemu-img, mount, parted, ...) with a
 * deadline, so a hung tool (an NFS mount to a dead server) ends as an
 * error instead of holding its pool's job forever.
 */
#ifndef VIREO_DRIVERS_STORAGE_RUN_H
#define VIREO_DRIVERS_STORAGE_RUN_H

/* Default deadline of one tool run; VIREO_STORAGE_TIMEOUT_MS overrides. */
#define STORAGE_RUN_TIMEOUT_MS 30000
int storage_run_timeout_ms(void);

/* Run argv (argv[0] a path or a name on PATH) with stdin from /dev/null,
 * killed when it prints nothing for timeout_ms (<= 0: the default).  *out / *err (each may be NULL) get what it
 * printed (caller frees).  0 when it exited 0; otherwise -1 with
 * OPERATION_FAILED naming the command and its last stderr line, or
 * OPERATION_TIMEOUT naming the command when it was killed for its silence. */
int storage_run(const char *const *argv, int timeout_ms, char **out, char **err);

#endif
