/*
 * server.h: vireod's life: start workers and listeners, run the main
 * loop until SIGTERM/SIGINT (or the idle timeout), then close everything.
 */
#ifndef VIREO_DAEMON_SERVER_H
#define VIREO_DAEMON_SERVER_H

#include "daemon/config.h"

/* Serve on the sockets in sock_dir until told to stop.  cfg is taken.
 * idle_timeout: exit after that many seconds without clients (0: never).
 * ready: called once the sockets accept (for -d's parent), may be NULL.
 * Returns the exit status: 0, or 1 with the error set. */
int server_run(daemon_config *cfg, const char *sock_dir, int idle_timeout,
               void (*ready)(void *opaque), void *opaque);

#endif
