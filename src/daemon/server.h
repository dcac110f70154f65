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
/* The same with the daemon's root ("/" or --root DIR: certificates, SASL,
 * rules, audit live under it) and, with listen (--listen), the TLS and TCP
 * listeners of the config (issue 10, H1). */
int server_run_listen(daemon_config *cfg, const char *sock_dir, const char *root, bool listen,
                      int idle_timeout, void (*ready)(void *opaque), void *opaque);

/* The TLS/TCP settings together (ports are numbers, plain TCP only with
 * SASL).  0, or -1 with the error set naming the setting. */
int listen_tcp_check_config(const daemon_config *cfg);

#endif
