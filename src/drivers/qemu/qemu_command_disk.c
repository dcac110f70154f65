/*
 * qemu_command_disk.c: controllers, disks and firmware on the command
 * line.  Each disk with media is two -blockdev nodes (the protocol node
 * reading the file or block device, the format node reading raw or
 * qcow2 on top of it) and one -device naming the format node, as libvirt
 * does with QEMU >= 4.2.  Device ids are libvirt's aliases
 * (virtio-disk0, sata0-0-0, scsi0-0-0-0, ide0-0-0, fdc0-0-0), so live
 * operations (eject, detach, stats) can name them.
 */
#include <string.h>

#include "drivers/qemu/qemu_command_priv.h"

/* ---- controllers ---- */

static unsigned int target_number(const char *text, unsigned int fallback)
{
    return text ? (unsigned int)g_ascii_strtoull(text, NULL, 0) : fallback;
}

static int controller_pci(qcmd *q, const device_controller *c)
{
    const char *model = c->model ? c->model : "";
    g_autofree char *id = g_strdup_printf("pci.%d", c->index);
    json_t *o;

    if (strcmp(model, "pci-root") == 0 || strcmp(model, "pcie-root") == 0)
        return 0;
    if (strcmp(model, "pcie-root-port") == 0) {
        o = json_pack("{s:s,s:i,s:i,s:s}", "driver", c->model_name ? c->model_name : "pcie-root-port",
                      "port", (int)target_number(c->target_port, 0x10),
                      "chassis", (int)target_number(c->target_chassis, (unsigned int)c->index),
                      "id", id);
    } else if (strcmp(model, "pci-bridge") == 0) {
        o = json_pack("{s:s,s:i,s:s}", "driver", "pci-bridge", "chassis_nr",
                      (int)target_number(c->target_chassis_nr, (unsigned int)c->index), "id", id);
    } else if (strcmp(model, "pcie-to-pci-bridge") == 0) {
        o = json_pack("{s:s,s:s}", "driver", "pcie-pci-bridge", "id", id);
    } else {
        return qcmd_unsupported("PCI controller model '%s' (index %d) is not supported yet",
                                model, c->index);
    }
    if (qcmd_pci_place(q, o, &c->info, id) < 0) {
        json_decref(o);
        return -1;
    }
    qcmd_add_json(q, "-device", o);
    return 0;
}

static char *usb_id(int index)
{
    return index == 0 ? g_strdup("usb") : g_strdup_printf("usb%d", index);
}

/* The QEMU device for a usb controller model, NULL when unknown. */
static json_t *controller_usb_object(const device_controller *c)
{
    static const char *const models[][2] = {
        { "qemu-xhci", "qemu-xhci" }, { "nec-xhci", "nec-usb-xhci" },
        { "piix3-uhci", "piix3-usb-uhci" }, { "piix4-uhci", "piix4-usb-uhci" },
        { "ich9-ehci1", "ich9-usb-ehci1" },
    };
    g_autofree char *id = usb_id(c->index);

    if (g_str_has_prefix(c->model, "ich9-uhci") && strlen(c->model) == 10) {
        unsigned int n = (unsigned int)(c->model[9] - '0');
        g_autofree char *driver = g_strdup_printf("ich9-usb-uhci%u", n);
        g_autofree char *cid = g_strdup_printf("%s-uhci%u", id, n);
        g_autofree char *master = g_strdup_printf("%s.0", id);

        return json_pack("{s:s,s:s,s:i,s:s}", "driver", driver, "masterbus", master,
                         "firstport", (int)(n - 1) * 2, "id", cid);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(models); i++) {
        if (strcmp(c->model, models[i][0]) != 0)
            continue;
        json_t *o = json_pack("{s:s}", "driver", models[i][1]);

        if (c->ports && g_str_has_suffix(c->model, "xhci")) {
            json_object_set_new(o, "p2", json_integer(c->ports));
            json_object_set_new(o, "p3", json_integer(c->ports));
        }
        json_object_set_new(o, "id", json_string(id));
        return o;
    }
    return NULL;
}

static int controller_usb(qcmd *q, const device_controller *c)
{
    json_t *o;

    if (!c->model || strcmp(c->model, "none") == 0)
        return 0;
    if (q->kind == QCMD_MICROVM)
        return qcmd_unsupported("USB controllers are not supported on microvm");
    if (!(o = controller_usb_object(c)))
        return qcmd_unsupported("USB controller model '%s' is not supported yet", c->model);
    if (qcmd_pci_place(q, o, &c->info, "usb controller") < 0) {
        json_decref(o);
        return -1;
    }
    qcmd_add_json(q, "-device", o);
    return 0;
}

/* scsi, sata, virtio-serial: one device each, placed on PCI. */
static int controller_other(qcmd *q, const device_controller *c)
{
    const char *driver = NULL;
    bool mmio = q->kind == QCMD_MICROVM;
    g_autofree char *id = NULL;
    json_t *o;

    if (strcmp(c->type, "scsi") == 0) {
        if (!c->model || strcmp(c->model, "lsilogic") == 0)
            driver = mmio ? NULL : "lsi";
        else if (strcmp(c->model, "virtio-scsi") == 0)
            driver = mmio ? "virtio-scsi-device" : "virtio-scsi-pci";
        id = g_strdup_printf("scsi%d", c->index);
    } else if (strcmp(c->type, "sata") == 0) {
        if (q->kind == QCMD_Q35 && c->index == 0)
            return 0;   /* the ICH9's own AHCI, QEMU's "ide" bus */
        driver = mmio ? NULL : "ich9-ahci";
        id = g_strdup_printf("sata%d", c->index);
    } else if (strcmp(c->type, "virtio-serial") == 0) {
        driver = mmio ? "virtio-serial-device" : "virtio-serial-pci";
        id = g_strdup_printf("virtio-serial%d", c->index);
    } else if (strcmp(c->type, "ide") == 0 && q->kind == QCMD_PC && c->index == 0) {
        return 0;       /* the PIIX3's IDE */
    } else if (strcmp(c->type, "fdc") == 0) {
        return 0;
    } else if (strcmp(c->type, "ide") == 0) {
        return qcmd_unsupported("IDE controllers are unsupported for this QEMU binary or machine "
                                "type '%s'", q->machine->name);
    }
    if (!driver)
        return qcmd_unsupported("controller type '%s' model '%s' (index %d) is not supported on "
                                "machine '%s'", c->type, c->model ? c->model : "default",
                                c->index, q->machine->name);
    o = json_pack("{s:s,s:s}", "driver", driver, "id", id);
    if (c->ports && strcmp(c->type, "virtio-serial") == 0)
        json_object_set_new(o, "max_ports", json_integer(c->ports));
    if (c->driver_queues && strcmp(c->type, "scsi") == 0)
        json_object_set_new(o, "num_queues", json_integer(target_number(c->driver_queues, 1)));
    if (qcmd_pci_place(q, o, &c->info, id) < 0) {
        json_decref(o);
        return -1;
    }
    qcmd_add_json(q, "-device", o);
    return 0;
}

int qcmd_controllers(qcmd *q)
{
    GPtrArray *ctrls = q->def->devices.controllers;

    /* PCI buses first, by index: a bus must exist before what sits on it */
    for (int index = 0; index < 256; index++) {
        const device_controller *c = qcmd_controller(q, "pci", index);

        if (c && controller_pci(q, c) < 0)
            return -1;
    }
    for (guint i = 0; i < ctrls->len; i++) {
        const device_controller *c = ctrls->pdata[i];

        if (strcmp(c->type, "usb") == 0 && controller_usb(q, c) < 0)
            return -1;
    }
    for (guint i = 0; i < ctrls->len; i++) {
        const device_controller *c = ctrls->pdata[i];

        if (strcmp(c->type, "pci") == 0 || strcmp(c->type, "usb") == 0)
            continue;
        if (controller_other(q, c) < 0)
            return -1;
    }
    return 0;
}

/* ---- disks ---- */

static char *disk_alias(const device_disk *d)
{
    const device_address *a = &d->info.addr;
    const char *bus = d->target_bus ? d->target_bus : "";

    if (strcmp(bus, "virtio") == 0)
        return g_strdup_printf("virtio-disk%d", dev_disk_name_index(d->target_dev));
    if (strcmp(bus, "scsi") == 0)
        return g_strdup_printf("scsi%u-%u-%u-%u", a->controller, a->bus, a->target, a->unit);
    if (strcmp(bus, "fdc") == 0)
        return g_strdup_printf("fdc%u-%u-%u", a->controller, a->bus, a->unit);
    return g_strdup_printf("%s%u-%u-%u", bus, a->controller, a->bus, a->unit);
}

/* cache='' as blockdev cache flags (NULL: QEMU's default). */
static json_t *disk_cache(const char *mode)
{
    bool direct, noflush = false;

    if (!mode || strcmp(mode, "default") == 0)
        return NULL;
    direct = strcmp(mode, "none") == 0 || strcmp(mode, "directsync") == 0;
    noflush = strcmp(mode, "unsafe") == 0;
    return json_pack("{s:b,s:b}", "direct", direct, "no-flush", noflush);
}

static const char *disk_source(const device_disk *d)
{
    if (d->volume_path)
        return d->volume_path;
    return d->source_file ? d->source_file : d->source_dev;
}

/* The id of the secret object holding disk n's key. */
static char *disk_secret_id(unsigned int n)
{
    return g_strdup_printf("libvirt-%u-format-encryption-secret0", n);
}

/* The two blockdev nodes of disk number n (protocol, then format): the
 * -blockdev arguments and blockdev-add's for a hotplug. */
static int disk_blockdev_objects(const device_disk *d, unsigned int n, json_t **storage_node,
                                 json_t **format_node)
{
    const char *fmt = d->driver_type ? d->driver_type : "raw";
    bool cdrom = g_strcmp0(d->device, "cdrom") == 0;
    bool ro = d->readonly || cdrom;
    g_autofree char *storage = g_strdup_printf("libvirt-%u-storage", n);
    g_autofree char *format = g_strdup_printf("libvirt-%u-format", n);
    bool block = strcmp(d->type, "block") == 0 || d->volume_block;
    const char *proto = block ? (cdrom ? "host_cdrom" : "host_device") : "file";
    bool luks = g_strcmp0(d->encryption_format, "luks") == 0;
    json_t *o, *cache;

    if (strcmp(fmt, "raw") != 0 && strcmp(fmt, "qcow2") != 0)
        return qcmd_unsupported("disk '%s': format '%s' is not supported (raw, qcow2)",
                                d->target_dev, fmt);
    if (d->encryption_format && !luks)
        return qcmd_unsupported("disk '%s': encryption format '%s' is not supported (luks)",
                                d->target_dev, d->encryption_format);
    if (luks && !d->secret_file)
        return qcmd_unsupported("disk '%s': an encrypted disk needs its key at start "
                                "(not supported for this operation)", d->target_dev);
    o = json_pack("{s:s,s:s,s:s,s:b,s:s}", "driver", proto, "filename", disk_source(d),
                  "node-name", storage, "auto-read-only", 1, "discard", "unmap");
    if (d->driver_io)
        json_object_set_new(o, "aio", json_string(d->driver_io));
    if ((cache = disk_cache(d->driver_cache)))
        json_object_set(o, "cache", cache);
    *storage_node = o;
    /* a LUKS disk: raw -> QEMU's luks driver; qcow2 -> qcow2 with encrypt.* */
    o = json_pack("{s:s,s:b,s:s,s:s}", "node-name", format, "read-only", ro, "driver",
                  luks && strcmp(fmt, "raw") == 0 ? "luks" : fmt, "file", storage);
    if (luks) {
        g_autofree char *secret = disk_secret_id(n);

        if (strcmp(fmt, "raw") == 0)
            json_object_set_new(o, "key-secret", json_string(secret));
        else
            json_object_set_new(o, "encrypt", json_pack("{s:s,s:s}", "format", "luks",
                                                        "key-secret", secret));
    }
    if (g_strcmp0(d->driver_discard, "unmap") == 0)
        json_object_set_new(o, "discard", json_string("unmap"));
    if (cache)
        json_object_set_new(o, "cache", cache);
    *format_node = o;
    return 0;
}

/* The two -blockdev nodes of disk number n; writes the format node name. */
static int disk_blockdevs(qcmd *q, const device_disk *d, unsigned int n, char **format_node)
{
    json_t *storage, *format;

    if (disk_blockdev_objects(d, n, &storage, &format) < 0)
        return -1;
    if (d->secret_file) {
        g_autofree char *id = disk_secret_id(n);

        /* from a 0600 file, never the command line (/proc/PID/cmdline) */
        qcmd_add_json(q, "-object", json_pack("{s:s,s:s,s:s,s:s}", "qom-type", "secret", "id", id,
                                              "file", d->secret_file, "format", "raw"));
    }
    *format_node = g_strdup(json_string_value(json_object_get(format, "node-name")));
    qcmd_add_json(q, "-blockdev", storage);
    qcmd_add_json(q, "-blockdev", format);
    return 0;
}

/* Where a sata/ide/fdc/scsi disk sits: its bus and unit properties. */
static int disk_drive_place(qcmd *q, const device_disk *d, json_t *o)
{
    const device_address *a = &d->info.addr;
    const char *bus = d->target_bus ? d->target_bus : "";

    if (a->type != ADDR_DRIVE)
        return qcmd_unsupported("disk '%s' needs a drive address", d->target_dev);
    if (strcmp(bus, "sata") == 0) {
        if (!qcmd_controller(q, "sata", (int)a->controller))
            return qcmd_unsupported("disk '%s': no sata controller %u", d->target_dev, a->controller);
        if (q->kind == QCMD_Q35 && a->controller == 0)
            json_object_set_new(o, "bus", json_sprintf("ide.%u", a->unit));
        else
            json_object_set_new(o, "bus", json_sprintf("sata%u.%u", a->controller, a->unit));
    } else if (strcmp(bus, "ide") == 0) {
        if (q->kind != QCMD_PC || a->controller != 0)
            return qcmd_unsupported("IDE controllers are unsupported for this QEMU binary or "
                                    "machine type (disk '%s')", d->target_dev);
        json_object_set_new(o, "bus", json_sprintf("ide.%u", a->bus));
        json_object_set_new(o, "unit", json_integer(a->unit));
    } else if (strcmp(bus, "fdc") == 0) {
        json_object_set_new(o, "unit", json_integer(a->unit));
    } else {
        const device_controller *c = qcmd_controller(q, "scsi", (int)a->controller);
        bool lsi = c && (!c->model || strcmp(c->model, "lsilogic") == 0);

        if (!c)
            return qcmd_unsupported("disk '%s': no scsi controller %u", d->target_dev, a->controller);
        json_object_set_new(o, "bus", json_sprintf("scsi%u.0", a->controller));
        if (lsi) {
            json_object_set_new(o, "scsi-id", json_integer(a->unit));
        } else {
            json_object_set_new(o, "channel", json_integer(a->bus));
            json_object_set_new(o, "scsi-id", json_integer(a->target));
            json_object_set_new(o, "lun", json_integer(a->unit));
        }
    }
    return 0;
}

static const char *disk_driver(qcmd *q, const device_disk *d)
{
    const char *bus = d->target_bus ? d->target_bus : "";
    bool cd = g_strcmp0(d->device, "cdrom") == 0;

    if (strcmp(bus, "virtio") == 0 && !cd)
        return q->kind == QCMD_MICROVM ? "virtio-blk-device" : "virtio-blk-pci";
    if (q->kind == QCMD_MICROVM)
        return NULL;
    if (strcmp(bus, "sata") == 0 || strcmp(bus, "ide") == 0)
        return cd ? "ide-cd" : "ide-hd";
    if (strcmp(bus, "scsi") == 0)
        return cd ? "scsi-cd" : "scsi-hd";
    if (strcmp(bus, "fdc") == 0 && g_strcmp0(d->device, "floppy") == 0)
        return "floppy";
    return NULL;
}

static void disk_properties(const device_disk *d, json_t *o, const char *alias)
{
    const char *cache = d->driver_cache;

    if (g_strcmp0(d->target_bus, "scsi") == 0)
        json_object_set_new(o, "device_id", json_sprintf("drive-%s", alias));
    if (cache && strcmp(cache, "default") != 0)
        json_object_set_new(o, "write-cache",
                            json_string(strcmp(cache, "writethrough") == 0 ||
                                        strcmp(cache, "directsync") == 0 ? "off" : "on"));
    if (d->shareable)
        json_object_set_new(o, "share-rw", json_true());
    if (d->serial)
        json_object_set_new(o, "serial", json_string(d->serial));
    if (d->wwn)
        json_object_set_new(o, "wwn", json_integer((json_int_t)g_ascii_strtoull(d->wwn, NULL, 16)));
}

static int disk_check(const device_disk *d)
{
    const char *dev = d->device ? d->device : "disk";

    if (strcmp(d->type, "volume") == 0 && !d->volume_path)
        return qcmd_unsupported("disk '%s': volume '%s' of pool '%s' was not resolved",
                                d->target_dev, d->source_volume, d->source_pool);
    if (strcmp(d->type, "file") != 0 && strcmp(d->type, "block") != 0 &&
        strcmp(d->type, "volume") != 0)
        return qcmd_unsupported("disk '%s': source type '%s' is not supported yet",
                                d->target_dev, d->type);
    if (strcmp(dev, "lun") == 0 || d->transient)
        return qcmd_unsupported("disk '%s': %s is not supported yet", d->target_dev,
                                d->transient ? "<transient/>" : "device 'lun'");
    if (!disk_source(d) && strcmp(dev, "cdrom") != 0 && strcmp(dev, "floppy") != 0)
        return qcmd_unsupported("disk '%s' has no source", d->target_dev);
    return 0;
}

/* The -device (or device_add) object of a disk whose format node is
 * node (NULL: no media). */
static json_t *disk_device_object(qcmd *q, const device_disk *d, const char *node)
{
    g_autofree char *alias = disk_alias(d);
    const char *driver = disk_driver(q, d);
    json_t *o;

    if (!driver) {
        qcmd_unsupported("disk '%s': bus '%s' (device '%s') is not supported on machine '%s'",
                         d->target_dev, d->target_bus, d->device ? d->device : "disk",
                         q->machine->name);
        return NULL;
    }
    o = json_pack("{s:s}", "driver", driver);
    if (g_strcmp0(d->target_bus, "virtio") == 0) {
        if (qcmd_pci_place(q, o, &d->info, alias) < 0)
            goto error;
    } else if (disk_drive_place(q, d, o) < 0) {
        goto error;
    }
    if (node)
        json_object_set_new(o, "drive", json_string(node));
    json_object_set_new(o, "id", json_string(alias));
    disk_properties(d, o, alias);
    qcmd_bootindex(q, o, &d->info);
    return o;

error:
    json_decref(o);
    return NULL;
}

static int disk_one(qcmd *q, const device_disk *d, unsigned int n)
{
    g_autofree char *node = NULL;
    json_t *o;

    if (disk_check(d) < 0)
        return -1;
    if (!disk_driver(q, d))
        return qcmd_unsupported("disk '%s': bus '%s' (device '%s') is not supported on machine '%s'",
                                d->target_dev, d->target_bus, d->device ? d->device : "disk",
                                q->machine->name);
    if (disk_source(d) && disk_blockdevs(q, d, n, &node) < 0)
        return -1;
    if (!(o = disk_device_object(q, d, node)))
        return -1;
    qcmd_add_json(q, "-device", o);
    return 0;
}

int qcmd_disks(qcmd *q)
{
    GPtrArray *disks = q->def->devices.disks;
    bool fdc = false;

    for (guint i = 0; i < disks->len; i++) {
        const device_disk *d = disks->pdata[i];

        /* q35 has no floppy controller of its own */
        if (q->kind == QCMD_Q35 && !fdc && g_strcmp0(d->target_bus, "fdc") == 0) {
            qcmd_add_json(q, "-device", json_pack("{s:s,s:s}", "driver", "isa-fdc", "id", "fdc0"));
            fdc = true;
        }
        if (disk_one(q, d, i + 1) < 0)
            return -1;
    }
    return 0;
}

/* ---- firmware ---- */

static void pflash_blockdevs(qcmd *q, unsigned int unit, const char *path, bool ro, GString *m)
{
    g_autofree char *storage = g_strdup_printf("libvirt-pflash%u-storage", unit);
    g_autofree char *format = g_strdup_printf("libvirt-pflash%u-format", unit);

    qcmd_add_json(q, "-blockdev",
                  json_pack("{s:s,s:s,s:s,s:b,s:s}", "driver", "file", "filename", path,
                            "node-name", storage, "auto-read-only", 1, "discard", "unmap"));
    qcmd_add_json(q, "-blockdev",
                  json_pack("{s:s,s:b,s:s,s:s}", "node-name", format, "read-only", ro,
                            "driver", "raw", "file", storage));
    g_string_append_printf(m, ",pflash%u=%s", unit, format);
}

int qcmd_firmware(qcmd *q, GString *machine_opts)
{
    const domain_os *os = &q->def->os;

    if (!os->loader) {
        if (g_strcmp0(os->firmware, "efi") == 0)
            return qcmd_unsupported("domain '%s': firmware 'efi' needs a <loader> path "
                                    "(firmware autoselection is not supported yet)", q->def->name);
        return 0;
    }
    if (g_strcmp0(os->loader_type, "pflash") != 0) {
        qcmd_add(q, "-bios");
        qcmd_add(q, os->loader);
        return 0;
    }
    if (q->kind == QCMD_MICROVM)
        return qcmd_unsupported("pflash firmware is not supported on microvm");
    pflash_blockdevs(q, 0, os->loader, g_strcmp0(os->loader_readonly, "no") != 0, machine_opts);
    if (os->nvram)
        pflash_blockdevs(q, 1, os->nvram, false, machine_opts);
    if (g_strcmp0(os->loader_secure, "yes") == 0) {
        if (q->def->features.smm != TRISTATE_YES)
            return qcmd_unsupported("domain '%s': secure boot requires <smm state='on'/>", q->def->name);
        qcmd_add(q, "-global");
        qcmd_add(q, "driver=cfi.pflash01,property=secure,value=on");
    }
    return 0;
}

/* ---- hotplug: the same objects as QMP arguments ---- */

int qcmd_live_init(qcmd *q, const domain_def *def, const qemu_caps *caps)
{
    memset(q, 0, sizeof(*q));
    q->def = def;
    q->caps = caps;
    if (!(q->machine = qemu_caps_machine(caps, def->os.machine)))
        return -1;
    if (strstr(q->machine->name, "q35"))
        q->kind = QCMD_Q35;
    else if (strstr(q->machine->name, "microvm"))
        q->kind = QCMD_MICROVM;
    else
        q->kind = QCMD_PC;
    return 0;
}

int qemu_command_disk_json(const domain_def *def, const qemu_caps *caps, const device_disk *d,
                           unsigned int n, json_t **storage, json_t **format, json_t **device)
{
    qcmd q;
    json_t *s = NULL, *f = NULL, *o;

    *storage = *format = *device = NULL;
    if (qcmd_live_init(&q, def, caps) < 0 || disk_check(d) < 0)
        return -1;
    if (disk_source(d) && disk_blockdev_objects(d, n, &s, &f) < 0)
        return -1;
    if (!(o = disk_device_object(&q, d, f ? json_string_value(json_object_get(f, "node-name"))
                                            : NULL))) {
        json_decref(s);
        json_decref(f);
        return -1;
    }
    *storage = s;
    *format = f;
    *device = o;
    return 0;
}

int qemu_command_disk_media_json(const device_disk *d, unsigned int n, json_t **storage,
                                 json_t **format)
{
    if (disk_check(d) < 0)
        return -1;
    return disk_blockdev_objects(d, n, storage, format);
}

char *qemu_command_disk_alias(const device_disk *d)
{
    return disk_alias(d);
}
