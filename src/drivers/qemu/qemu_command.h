/*
 * qemu_command.h: a domain definition as a QEMU command line.
 *
 * Pure: the same definition, capabilities and options give the same
 * argv, so tests compare it with expected files (tests/qemu/xml2argv/).
 */
#ifndef VIREO_QEMU_COMMAND_H
#define VIREO_QEMU_COMMAND_H

#include <glib.h>
#include <stdbool.h>

#include "conf/domain_def.h"
#include "drivers/qemu/qemu_caps.h"

/* Where the process's files go; all paths absolute. */
typedef struct qemu_command_opts {
    const char *monitor_path;   /* QMP unix socket (QEMU listens, server=on,wait=off) */
    const char *pid_path;       /* -pidfile */
    const char *chardev_dir;    /* unix sockets for serial/console type='unix' without a path */
    bool kvm;                   /* accelerator: kvm when the domain asks and KVM works, else tcg */
    bool start_paused;          /* -S (always, for the driver: it sends cont itself) */
    const char *incoming;       /* -incoming (restore), or NULL */
} qemu_command_opts;

/* argv (NULL-terminated, argv[0] = the emulator) for def.  The domain
 * must carry its addresses already (domain_def_assign_addresses).
 * NULL with VIREO_ERR_CONFIG_UNSUPPORTED naming what QEMU cannot do. */
GStrv qemu_command_build(const domain_def *def, const qemu_caps *caps,
                         const qemu_command_opts *opts);

#endif
