/*
 * qemu_command.h: a domain definition as a QEMU command line.
 *
 * Pure: the same definition, capabilities and options give the same
 * argv, so tests compare it with expected files (tests/qemu/xml2argv/).
 */
#ifndef VIREO_QEMU_COMMAND_H
#define VIREO_QEMU_COMMAND_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>

#include "conf/domain_def.h"
#include "drivers/qemu/qemu_caps.h"

/* The host side of one guest interface as QEMU sees it: descriptors it
 * inherits, numbered in QEMU's process; -1 none. */
typedef struct qemu_command_net {
    int tapfd;                  /* tap or macvtap (every type but user) */
    int vhostfd;                /* /dev/vhost-net: vhost=on */
} qemu_command_net;

/* Where the process's files go; all paths absolute. */
typedef struct qemu_command_opts {
    const char *monitor_path;   /* QMP unix socket (QEMU listens, server=on,wait=off) */
    const char *pid_path;       /* -pidfile */
    const char *chardev_dir;    /* unix sockets for serial/console type='unix' without a path */
    bool kvm;                   /* accelerator: kvm when the domain asks and KVM works, else tcg */
    bool start_paused;          /* -S (always, for the driver: it sends cont itself) */
    const char *incoming;       /* -incoming (restore), or NULL */
    const qemu_command_net *nets; /* one per interface, in def's order; NULL: none */
    bool no_sandbox;            /* leave out -sandbox on,...: qemu.conf's
                                 * seccomp_sandbox = 0, or QEMU has no seccomp */
} qemu_command_opts;

/* argv (NULL-terminated, argv[0] = the emulator) for def.  The domain
 * must carry its addresses already (domain_def_assign_addresses).
 * NULL with VIREO_ERR_CONFIG_UNSUPPORTED naming what QEMU cannot do. */
GStrv qemu_command_build(const domain_def *def, const qemu_caps *caps,
                         const qemu_command_opts *opts);

/* Hotplug: one device as QMP arguments, the same objects the command
 * line uses.  A disk of def (with its address), number n for its node
 * names (libvirt-N-storage, libvirt-N-format): blockdev-add arguments of
 * both nodes (NULL when the disk has no media) and device_add's (id: the
 * disk's alias).  New references; 0, or -1 with an error. */
int qemu_command_disk_json(const domain_def *def, const qemu_caps *caps, const device_disk *d,
                           unsigned int n, json_t **storage, json_t **format, json_t **device);
/* Only the two blockdev nodes of a disk's media (change-media). */
int qemu_command_disk_media_json(const device_disk *d, unsigned int n, json_t **storage,
                                 json_t **format);
/* The disk's device id on the command line (libvirt's alias). */
char *qemu_command_disk_alias(const device_disk *d);
/* An interface: netdev_add's arguments (id netdev_id) and device_add's.
 * tapfd, vhostfd: names of descriptors passed with getfd (NULL: none;
 * every type but user needs a tap). */
int qemu_command_net_json(const domain_def *def, const qemu_caps *caps, const device_interface *n,
                          const char *id, const char *netdev_id, const char *tapfd,
                          const char *vhostfd, json_t **netdev, json_t **device);

#endif
