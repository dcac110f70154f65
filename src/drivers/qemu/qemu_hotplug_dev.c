/*
 * qemu_hotplug_dev.c: disks and network interfaces of a running guest:
 * plug (blockdev-add / netdev_add, then device_add, undone in reverse on
 * failure), unplug (qemu_hotplug.c's hp_unplug) and a cdrom's media.
 *
 * A new device's PCI address is the one the definition would give it:
 * the device joins a copy of the live definition and the usual address
 * assignment picks the first free slot (pc) or free root port (q35).  A
 * device that would need a new controller cannot be plugged: QEMU cannot
 * hotplug the controller first here.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_hotplug.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mac.h"

#define LOG_CATEGORY "qemu.hotplug"

int hp_disk_check_source(const device_disk *disk)
{
    const char *src = disk->source_file ? disk->source_file : disk->source_dev;

    if (src && access(src, F_OK) < 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_SYSTEM_ERROR,
                     "Cannot access storage file '%s': %s", src, g_strerror(errno));
        return -1;
    }
    return 0;
}

int hp_disk_check_hotplug(const device_disk *disk, bool unplug)
{
    const char *bus = disk->target_bus ? disk->target_bus : "";
    bool media = g_strcmp0(disk->device, "cdrom") == 0 || g_strcmp0(disk->device, "floppy") == 0;

    if (media && strcmp(bus, "virtio") != 0 && strcmp(bus, "scsi") != 0 && strcmp(bus, "usb") != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "cdrom/floppy device hotplug isn't supported (disk '%s' on bus '%s')",
                     disk->target_dev, bus);
        return -1;
    }
    if (strcmp(bus, "virtio") != 0 && strcmp(bus, "scsi") != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "disk bus '%s' cannot be hot%s (disk '%s')", bus,
                     unplug ? "unplugged" : "plugged", disk->target_dev);
        return -1;
    }
    return 0;
}

/* Run cmd with args (borrowed). */
static int hp_run(hp_op *op, const char *cmd, json_t *args)
{
    json_t *r = hp_qmp(op, cmd, json_incref(args));

    json_decref(r);
    return r ? 0 : -1;
}

/* Put the new device into a copy of the live definition with its
 * address; refuse when that needs a new controller. */
static int hp_place(const domain_def *before, domain_def *after, const char *what)
{
    guint ctrls = after->devices.controllers->len;

    if (domain_def_assign_addresses(after) < 0)
        return -1;
    if (after->devices.controllers->len != ctrls || before->devices.controllers->len != ctrls) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "no free PCI slot to hotplug %s (add a spare pcie-root-port on q35)", what);
        return -1;
    }
    return 0;
}

int hp_disk_attach_live(hp_op *op, device_disk *disk)
{
    g_autoptr(domain_def) live = hp_live_copy(op);
    qemu_drv *drv = qemu_dom_drv(op->dom);
    g_autoptr(json_t) storage = NULL;
    g_autoptr(json_t) format = NULL;
    g_autoptr(json_t) dev = NULL;
    g_autofree char *what = NULL;
    device_disk *added;
    int idx;

    if (!live)
        return -1;
    if (devices_find_disk(&live->devices, disk->target_dev) >= 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED, "target %s already exists",
                     disk->target_dev);
        return -1;
    }
    if (hp_disk_check_hotplug(disk, false) < 0 || hp_disk_check_source(disk) < 0 ||
        (g_strcmp0(disk->type, "volume") == 0 && qemu_storage_volume(drv, disk) < 0) ||
        qemu_dac_set_disk(drv, disk) < 0)
        return -1;
    if (qemu_cgroup_allow_disk(op->dom, disk) < 0) {
        qemu_dac_restore_disk(qemu_dom_drv(op->dom), disk);
        return -1;
    }
    what = g_strdup_printf("disk '%s'", disk->target_dev);
    devices_add_disk(&live->devices, disk);
    if (hp_place(live, live, what) < 0) {
        /* disk is the caller's until it is taken */
        g_ptr_array_steal_index(live->devices.disks,
                                (guint)devices_find_disk(&live->devices, disk->target_dev));
        qemu_dac_restore_disk(qemu_dom_drv(op->dom), disk);
        return -1;
    }
    idx = devices_find_disk(&live->devices, disk->target_dev);
    added = live->devices.disks->pdata[idx];
    if (qemu_command_disk_json(live, op->caps, added, hp_next_node_number(op), &storage, &format,
                               &dev) < 0) {
        g_ptr_array_steal_index(live->devices.disks, (guint)idx);
        qemu_dac_restore_disk(qemu_dom_drv(op->dom), disk);
        return -1;
    }
    added->info.alias = g_strdup(json_string_value(json_object_get(dev, "id")));
    if (storage && hp_run(op, "blockdev-add", storage) < 0)
        goto undo_none;
    if (format && hp_run(op, "blockdev-add", format) < 0)
        goto undo_storage;
    if (hp_run(op, "device_add", dev) < 0)
        goto undo_format;
    hp_commit_live(op, g_steal_pointer(&live));
    return 0;

undo_format:
    if (format)
        hp_qmp_undo(op, "blockdev-del", json_pack("{s:O}", "node-name",
                                                  json_object_get(format, "node-name")));
undo_storage:
    if (storage)
        hp_qmp_undo(op, "blockdev-del", json_pack("{s:O}", "node-name",
                                                  json_object_get(storage, "node-name")));
undo_none:
    g_ptr_array_steal_index(live->devices.disks, (guint)idx);
    qemu_dac_restore_disk(qemu_dom_drv(op->dom), disk);
    return -1;
}

/* The first netN no interface of live uses. */
static char *hp_net_alias(const domain_def *live)
{
    for (unsigned int n = 0;; n++) {
        g_autofree char *alias = g_strdup_printf("net%u", n);
        bool used = false;

        for (guint i = 0; i < live->devices.interfaces->len && !used; i++)
            used = g_strcmp0(((device_interface *)live->devices.interfaces->pdata[i])->info.alias,
                             alias) == 0;
        if (!used)
            return g_steal_pointer(&alias);
    }
}

/* Hand QEMU fd (closed here) under name with getfd; -1 passes nothing. */
static int hp_pass_fd(hp_op *op, int fd, const char *name)
{
    json_t *r;

    if (fd < 0)
        return 0;
    r = qmp_call_fd(qemu_dom_of(op->dom)->proc->mon, "getfd", json_pack("{s:s}", "fdname", name),
                    fd, QEMU_MONITOR_TIMEOUT_MS);
    close(fd);
    json_decref(r);
    return r ? 0 : -1;
}

/* Plug net's host side (qemu_net.c) and hand QEMU its descriptors under
 * the names tapfd and vhostfd.  -1 with nothing left. */
static int hp_net_host_plug(hp_op *op, const domain_def *live, device_interface *net,
                            const char *tapfd, const char *vhostfd, bool *vhost)
{
    int tap, vh;

    if (qemu_net_plug(op->dom, live, net, &tap, &vh) < 0)
        return -1;
    *vhost = vh >= 0;
    if (hp_pass_fd(op, tap, tapfd) < 0) {
        if (vh >= 0)
            close(vh);
        goto undo;
    }
    if (hp_pass_fd(op, vh, vhostfd) < 0) {
        if (tap >= 0)
            hp_qmp_undo(op, "closefd", json_pack("{s:s}", "fdname", tapfd));
        goto undo;
    }
    return 0;

undo:
    {
        g_autoptr(vireo_error) saved = error_save();

        qemu_net_unplug(op->dom, net);
        error_restore(g_steal_pointer(&saved));
    }
    return -1;
}

int hp_net_attach_live(hp_op *op, device_interface *net)
{
    g_autoptr(domain_def) live = hp_live_copy(op);
    g_autoptr(json_t) netdev = NULL;
    g_autoptr(json_t) dev = NULL;
    g_autofree char *alias = NULL;
    g_autofree char *host = NULL;
    g_autofree char *tapfd = NULL;
    g_autofree char *vhostfd = NULL;
    bool user, vhost = false;
    json_t *r;
    guint idx;

    if (!live)
        return -1;
    if (net->has_mac && devices_find_interface(&live->devices, net) >= 0) {
        char mac[MAC_STRING_BUFLEN];

        mac_format(net->mac, mac);
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "interface with MAC address %s already exists", mac);
        return -1;
    }
    alias = hp_net_alias(live);
    host = g_strdup_printf("host%s", alias);
    user = strcmp(net->type, "user") == 0;
    tapfd = user ? NULL : g_strdup_printf("tap%s", alias);
    vhostfd = user ? NULL : g_strdup_printf("vhost%s", alias);
    devices_add_interface(&live->devices, net);
    idx = live->devices.interfaces->len - 1;
    /* the objects first, so what QEMU cannot do is refused before the host is touched */
    if (hp_place(live, live, "the interface") < 0 ||
        qemu_command_net_json(live, op->caps, net, alias, host, tapfd, vhostfd, &netdev,
                              &dev) < 0 ||
        (!user && hp_net_host_plug(op, live, net, tapfd, vhostfd, &vhost) < 0)) {
        g_ptr_array_steal_index(live->devices.interfaces, idx);
        return -1;
    }
    if (!vhost) {
        json_object_del(netdev, "vhost");
        json_object_del(netdev, "vhostfd");
    }
    net->info.alias = g_strdup(alias);
    if (!(r = hp_qmp(op, "netdev_add", json_incref(netdev)))) {
        if (!user)
            hp_qmp_undo(op, "closefd", json_pack("{s:s}", "fdname", tapfd));
        if (vhost)
            hp_qmp_undo(op, "closefd", json_pack("{s:s}", "fdname", vhostfd));
        goto undo_host;
    }
    json_decref(r);
    if (!(r = hp_qmp(op, "device_add", json_incref(dev)))) {
        hp_qmp_undo(op, "netdev_del", json_pack("{s:s}", "id", host));
        goto undo_host;
    }
    json_decref(r);
    if (g_strcmp0(net->link_state, "down") == 0)
        hp_qmp_undo(op, "set_link", json_pack("{s:s,s:b}", "name", alias, "up", 0));
    hp_commit_live(op, g_steal_pointer(&live));
    return 0;

undo_host:
    {
        g_autoptr(vireo_error) saved = error_save();

        qemu_net_unplug(op->dom, net);
        error_restore(g_steal_pointer(&saved));
    }
    g_ptr_array_steal_index(live->devices.interfaces, idx);
    return -1;
}

int hp_disk_detach_live(hp_op *op, const device_disk *disk)
{
    g_autoptr(domain_def) live = hp_live_copy(op);
    g_autofree char *format = NULL;
    g_autofree char *storage = NULL;
    g_autofree char *alias = NULL;
    const device_disk *found;
    device_disk gone;
    int idx, rc;

    if (!live)
        return -1;
    if ((idx = devices_find_disk(&live->devices, disk->target_dev)) < 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_DEVICE_MISSING, "disk %s not found",
                     disk->target_dev);
        return -1;
    }
    found = live->devices.disks->pdata[idx];
    if (hp_disk_check_hotplug(found, true) < 0)
        return -1;
    alias = g_strdup(found->info.alias);
    /* its files go back to their owner once unplugged (qemu_dac.c) */
    gone = (device_disk){ .type = g_strdup(found->type), .source_file = g_strdup(found->source_file),
                          .source_dev = g_strdup(found->source_dev) };
    /* the aliases are recorded first, so the removal can find it by them */
    hp_commit_live(op, g_steal_pointer(&live));
    format = hp_format_node(op, alias);
    if (format && g_str_has_suffix(format, "-format"))
        storage = g_strdup_printf("%.*s-storage", (int)(strlen(format) - strlen("-format")),
                                  format);
    rc = hp_unplug(op, alias, false, format, storage);
    if (rc == 0)
        qemu_dac_restore_disk(qemu_dom_drv(op->dom), &gone);
    g_free(gone.type);
    g_free(gone.source_file);
    g_free(gone.source_dev);
    return rc;
}

int hp_net_detach_live(hp_op *op, const device_interface *net)
{
    g_autoptr(domain_def) live = hp_live_copy(op);
    g_autofree char *alias = NULL;
    g_autofree char *host = NULL;
    int idx;

    if (!live)
        return -1;
    if ((idx = devices_find_interface(&live->devices, net)) < 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_DEVICE_MISSING,
                     "device not found: no interface matching the given MAC address");
        return -1;
    }
    alias = g_strdup(((device_interface *)live->devices.interfaces->pdata[idx])->info.alias);
    host = g_strdup_printf("host%s", alias);
    hp_commit_live(op, g_steal_pointer(&live));
    return hp_unplug(op, alias, true, host, NULL);
}

/* Take the medium out of the drive with alias (its nodes deleted). */
static int hp_media_eject(hp_op *op, const char *alias, bool force)
{
    g_autofree char *format = hp_format_node(op, alias);
    json_t *r;

    if (!(r = hp_qmp(op, "blockdev-open-tray", json_pack("{s:s,s:b}", "id", alias, "force",
                                                         force || 1))))
        return -1;
    json_decref(r);
    if (!format)
        return 0;
    if (!(r = hp_qmp(op, "blockdev-remove-medium", json_pack("{s:s}", "id", alias))))
        return -1;
    json_decref(r);
    hp_qmp_undo(op, "blockdev-del", json_pack("{s:s}", "node-name", format));
    if (g_str_has_suffix(format, "-format")) {
        g_autofree char *storage = g_strdup_printf(
            "%.*s-storage", (int)(strlen(format) - strlen("-format")), format);

        hp_qmp_undo(op, "blockdev-del", json_pack("{s:s}", "node-name", storage));
    }
    return 0;
}

/* Insert disk's source into the (open, empty) drive with alias. */
static int hp_media_insert(hp_op *op, const char *alias, const device_disk *disk)
{
    g_autoptr(json_t) storage = NULL;
    g_autoptr(json_t) format = NULL;
    json_t *r;

    if (qemu_command_disk_media_json(disk, hp_next_node_number(op), &storage, &format) < 0)
        return -1;
    if (!(r = hp_qmp(op, "blockdev-add", json_incref(storage))))
        return -1;
    json_decref(r);
    if (!(r = hp_qmp(op, "blockdev-add", json_incref(format))))
        goto undo_storage;
    json_decref(r);
    if (!(r = hp_qmp(op, "blockdev-insert-medium",
                     json_pack("{s:s,s:O}", "id", alias, "node-name",
                               json_object_get(format, "node-name")))))
        goto undo_format;
    json_decref(r);
    if ((r = hp_qmp(op, "blockdev-close-tray", json_pack("{s:s}", "id", alias))))
        json_decref(r);
    error_reset();  /* a guest may keep it open; the medium is in */
    return 0;

undo_format:
    hp_qmp_undo(op, "blockdev-del", json_pack("{s:O}", "node-name",
                                              json_object_get(format, "node-name")));
undo_storage:
    hp_qmp_undo(op, "blockdev-del", json_pack("{s:O}", "node-name",
                                              json_object_get(storage, "node-name")));
    return -1;
}

int hp_disk_change_live(hp_op *op, const device_disk *disk)
{
    g_autoptr(domain_def) live = hp_live_copy(op);
    g_autofree char *alias = NULL;
    device_disk *found;
    int idx;

    if (!live)
        return -1;
    if ((idx = devices_find_disk(&live->devices, disk->target_dev)) < 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_DEVICE_MISSING, "target %s doesn't exist.",
                     disk->target_dev);
        return -1;
    }
    found = live->devices.disks->pdata[idx];
    if (g_strcmp0(found->device, "cdrom") != 0 && g_strcmp0(found->device, "floppy") != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "disk '%s': only the media of a cdrom or floppy can be changed",
                     disk->target_dev);
        return -1;
    }
    alias = g_strdup(found->info.alias);
    if (hp_media_eject(op, alias, true) < 0)
        return -1;
    g_clear_pointer(&found->source_file, g_free);
    if (disk->source_file) {
        device_disk media = *found;

        media.type = disk->type ? disk->type : found->type;
        media.source_file = disk->source_file;
        media.driver_type = disk->driver_type;
        if (hp_media_insert(op, alias, &media) < 0) {
            hp_commit_live(op, g_steal_pointer(&live));   /* the drive is empty now */
            return -1;
        }
        found->source_file = g_strdup(disk->source_file);
        g_free(found->driver_type);
        found->driver_type = g_strdup(disk->driver_type);
    }
    hp_commit_live(op, g_steal_pointer(&live));
    return 0;
}
