/*
 * qemu_command_priv.h: what the command-line builder's files share.
 *
 * qemu_command.c writes the machine-wide arguments (name, machine, CPU,
 * memory, firmware, monitor, clock, boot) and calls the device writers:
 * qemu_command_disk.c (controllers, disks) and qemu_command_devices.c
 * (interfaces, character devices, graphics, video, input, balloon, rng,
 * watchdog, panic, sound).  Devices are written as JSON (-device,
 * -blockdev, -object), as libvirt does, so file names need no escaping;
 * -chardev, -netdev and -machine use QEMU's key=value form with commas
 * doubled.
 */
#ifndef VIREO_QEMU_COMMAND_PRIV_H
#define VIREO_QEMU_COMMAND_PRIV_H

#include <jansson.h>

#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_json.h"
#include "util/error.h"


typedef enum { QCMD_PC, QCMD_Q35, QCMD_MICROVM } qcmd_machine_kind;

/* One build in progress.  Everything but argv is borrowed. */
typedef struct qcmd {
    GPtrArray *argv;                /* char *, owned, no NULL terminator yet */
    const domain_def *def;
    const qemu_caps *caps;
    const qemu_command_opts *opts;
    const qemu_machine *machine;    /* resolved from os.machine */
    qcmd_machine_kind kind;
    GHashTable *boot;               /* device_info * -> bootindex (from <os><boot dev>) */
} qcmd;

void qcmd_add(qcmd *q, const char *arg);
void qcmd_addf(qcmd *q, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Add opt followed by obj as compact JSON; takes obj. */
void qcmd_add_json(qcmd *q, const char *opt, json_t *obj);

/* value with each ',' doubled, for key=value options. Caller frees. */
char *qcmd_escape(const char *value);

/* Report VIREO_ERR_CONFIG_UNSUPPORTED with the message; returns -1. */
int qcmd_unsupported(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Put the device's place into obj: "bus" and "addr" (and multifunction)
 * for a PCI address.  what names the device in errors.  Nothing on
 * microvm.  0, or -1 when a PCI device has no PCI address. */
int qcmd_pci_place(qcmd *q, json_t *obj, const device_info *info, const char *what);
/* "pci.N", or the root bus name ("pci.0" on pc, "pcie.0" on q35). */
char *qcmd_pci_bus_name(const qcmd *q, unsigned int bus);
/* Put "bootindex" into obj when the device boots. */
void qcmd_bootindex(qcmd *q, json_t *obj, const device_info *info);

/* Whether a controller of type and index exists. */
const device_controller *qcmd_controller(const qcmd *q, const char *type, int index);

/* The device writers, in command-line order. 0 or -1 with an error. */
int qcmd_controllers(qcmd *q);
int qcmd_disks(qcmd *q);
/* Firmware: -bios, or pflash -blockdev nodes named in machine_opts. */
int qcmd_firmware(qcmd *q, GString *machine_opts);
int qcmd_interfaces(qcmd *q);
int qcmd_chardevs(qcmd *q);
int qcmd_inputs(qcmd *q);
int qcmd_graphics(qcmd *q);
int qcmd_videos(qcmd *q);
int qcmd_sounds(qcmd *q);
int qcmd_watchdogs(qcmd *q);
int qcmd_memballoon(qcmd *q);
int qcmd_rngs(qcmd *q);
int qcmd_panics(qcmd *q);
/* A qcmd for building one device's objects (hotplug): no argv. */
int qcmd_live_init(qcmd *q, const domain_def *def, const qemu_caps *caps);
/* Refuse device kinds the builder cannot express. */
int qcmd_refuse_unsupported(qcmd *q);

#endif
