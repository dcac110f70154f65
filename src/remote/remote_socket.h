/*
 * remote_socket.h: which unix socket a remote URI names, and dialling it.
 */
#ifndef VIREO_REMOTE_SOCKET_H
#define VIREO_REMOTE_SOCKET_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/uri.h"

/* The socket path for uri: its ?socket= parameter, else libvirt's
 * default for the URI (system or session folder, read-only name when
 * read_only), preferring the modular daemon's socket (virtqemud-sock...)
 * when only that one exists.  Caller frees. */
char *remote_socket_path(const vireo_uri *uri, bool read_only);

/* Connect a stream socket to path.  The fd (close-on-exec), or -1 with
 * libvirt's "Failed to connect socket to 'PATH': ..." error. */
int remote_socket_connect(const char *path);

/* qemu+tcp:// and qemu+tls://: a TCP connection to the URI's host and
 * port (default 16509 / 16514), non-blocking once connected.  The fd,
 * or -1 with libvirt's "unable to connect to server at 'HOST:PORT': ..."
 * error (VIREO_ERR_SYSTEM_ERROR). */
int remote_tcp_connect(const vireo_uri *uri, const char *default_port);

/* qemu+ssh://: run ssh to the URI's host with the remote command
 * libvirt's client runs (virt-ssh-helper, else nc -U on the socket),
 * talking over a socketpair.  Our end (non-blocking) and the child's
 * pid in *child (the caller's transport owns it), or -1 with the
 * error set.  remote_ssh.c. */
int remote_ssh_open(const vireo_uri *uri, bool read_only, pid_t *child);

/* (H3 addition) After an open over ssh failed in this thread (the
 * connection died at once): append what the ssh child of this thread's
 * last remote_ssh_open printed on its stderr, as one line, to the
 * thread's error ("...: Permission denied (publickey)").  Waits up to
 * 2 s for ssh to finish saying it; call it before the transport is
 * freed.  The stderr pipes of ssh children nobody asked about are
 * closed once their ssh has exited. */
void remote_ssh_explain_failure(void);

/* (H3 addition) The URI the daemon opens for uri: ?name= when given,
 * else uri without its transport, host and transport parameters
 * ("qemu+ssh://h/system?keyfile=k" -> "qemu:///system").  Caller frees.
 * remote_driver.c. */
char *remote_daemon_uri(const vireo_uri *uri);

#endif
