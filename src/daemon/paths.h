/*
 * paths.h: where vireod keeps things, all under one root.
 *
 *   root           sockets          config file                     pid file
 *   / (uid 0)      /run/libvirt/    /etc/libvirt/libvirtd.conf      /run/libvirtd.pid
 *   session        $XDG_RUNTIME_DIR/libvirt/  $XDG_CONFIG_HOME/libvirt/libvirtd.conf
 *                                                                   $XDG_RUNTIME_DIR/libvirt/libvirtd.pid
 *   --root DIR     DIR/run/libvirt/ DIR/etc/libvirt/libvirtd.conf   DIR/run/libvirtd.pid
 *
 * State lives in ROOT/var/lib/libvirt (session: $XDG_DATA_HOME/libvirt).
 */
#ifndef VIREO_DAEMON_PATHS_H
#define VIREO_DAEMON_PATHS_H

#include <glib.h>
#include <stdbool.h>

/* Every string owned. */
typedef struct daemon_paths {
    char *root;         /* NULL for a session daemon */
    char *sock_dir;
    char *config_file;
    char *pid_file;
    char *state_dir;
} daemon_paths;

/* root: --root DIR, or NULL for the system daemon (uid 0) or a session
 * daemon (any other uid). */
daemon_paths *paths_new(const char *root);
void paths_free(daemon_paths *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(daemon_paths, paths_free)

#endif
