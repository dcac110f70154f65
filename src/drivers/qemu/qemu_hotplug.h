/*
 * qemu_hotplug.h: what the hotplug files share (qemu_hotplug.c: the
 * entries' skeleton and device removal; qemu_hotplug_dev.c: disks and
 * interfaces; qemu_hotplug_res.c: vCPUs and memory).
 */
#ifndef VIREO_QEMU_HOTPLUG_H
#define VIREO_QEMU_HOTPLUG_H

#include "drivers/qemu/qemu_caps.h"
#include "drivers/qemu/qemu_json.h"
#include "drivers/qemu/qemu_priv.h"

/* libvirt waits this long for DEVICE_DELETED before it calls a detach
 * "in progress" and lets the event finish it. */
#define QEMU_UNPLUG_WAIT_MS 5000


/* One changing call in progress.  Made by hp_begin, released by hp_end. */
typedef struct hp_op {
    dom_obj *dom;           /* a reference; its job is held */
    bool live, config;      /* what the call changes (AFFECT_CURRENT resolved) */
    domain_def *conf;       /* job: a copy of dom->def to change when config, else NULL */
    qemu_caps *caps;        /* when live: the emulator's capabilities (a reference) */
} hp_op;

/* Check flags (AFFECT_LIVE | AFFECT_CONFIG | extra), begin the job, decide
 * live/config as libvirt does, copy the persistent definition when
 * config.  0, or -1 with an error and nothing held. */
int hp_begin(vireo_domain *handle, const char *job, unsigned int flags, unsigned int extra,
             hp_op *op);
/* Save op->conf as the new persistent definition (config file, then the
 * domain's).  0, or -1 with an error. */
int hp_commit_config(hp_op *op);
/* Replace the live definition with live (taken) and save the status. */
void hp_commit_live(hp_op *op, domain_def *live);
void hp_end(hp_op *op);

/* A copy of the live definition, every disk and interface given its
 * command-line alias when it has none yet. */
domain_def *hp_live_copy(hp_op *op);
/* One monitor command (args stolen); NULL with QEMU's error. */
json_t *hp_qmp(hp_op *op, const char *cmd, json_t *args);
/* The same, for undoing: its result and error are dropped, an earlier
 * error stays. */
void hp_qmp_undo(hp_op *op, const char *cmd, json_t *args);
/* The next free N for libvirt-N-storage/-format node names. */
unsigned int hp_next_node_number(hp_op *op);
/* The format node QEMU has under device alias (query-block), or NULL. */
char *hp_format_node(hp_op *op, const char *alias);

/* Unplug: device_del alias, wait for DEVICE_DELETED at most
 * QEMU_UNPLUG_WAIT_MS, then delete the backends (blockdev nodes: both
 * names of backend; netdev: backend[0] with net), drop the device from
 * the live definition, emit DEVICE_REMOVED.  When the event is late the
 * call still succeeds and the event finishes the removal later. */
int hp_unplug(hp_op *op, const char *alias, bool net, const char *backend0,
              const char *backend1);

/* qemu_hotplug_dev.c */
int hp_disk_attach_live(hp_op *op, device_disk *disk);
int hp_net_attach_live(hp_op *op, device_interface *net);
int hp_disk_detach_live(hp_op *op, const device_disk *disk);
int hp_net_detach_live(hp_op *op, const device_interface *net);
int hp_disk_change_live(hp_op *op, const device_disk *disk);
/* qemu_hotplug_net.c: update-device on an interface (link state,
 * bandwidth, filter), of the running guest and of its definition */
int hp_net_update_live(hp_op *op, const device_interface *net);
int hp_net_update_config(hp_op *op, const device_interface *net);
/* Refuse what cannot be hotplugged (a cdrom on sata, a bus without hotplug). */
int hp_disk_check_hotplug(const device_disk *disk, bool unplug);
/* The disk's source exists (error naming it otherwise). */
int hp_disk_check_source(const device_disk *disk);

#endif
