/*
 * remote_socket.h: which unix socket a remote URI names, and dialling it.
 */
#ifndef VIREO_REMOTE_SOCKET_H
#define VIREO_REMOTE_SOCKET_H

#include <stdbool.h>

#include "util/uri.h"

/* The socket path for uri: its ?socket= parameter, else libvirt's
 * default for the URI (system or session folder, read-only name when
 * read_only), preferring the modular daemon's socket (virtqemud-sock...)
 * when only that one exists.  Caller frees. */
char *remote_socket_path(const vireo_uri *uri, bool read_only);

/* Connect a stream socket to path.  The fd (close-on-exec), or -1 with
 * libvirt's "Failed to connect socket to 'PATH': ..." error. */
int remote_socket_connect(const char *path);

#endif
