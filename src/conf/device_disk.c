/*
 * device_disk.c: <disk> read and written as libvirt does, its ordering
 * among other disks and its drive address.
 */
#include <string.h>

#include "conf/device_priv.h"

static const char *const disk_types[] = { "file", "block", "dir", "network", "volume", NULL };
static const char *const disk_devices[] = { "disk", "cdrom", "floppy", "lun", NULL };
static const char *const disk_buses[] = {
    "ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd", NULL,
};
static const char *const disk_caches[] = {
    "default", "none", "writethrough", "writeback", "directsync", "unsafe", NULL,
};
static const char *const disk_ios[] = { "native", "threads", "io_uring", NULL };
static const char *const disk_discards[] = { "unmap", "ignore", NULL };
static const char *const disk_protocols[] = {
    "nbd", "rbd", "sheepdog", "gluster", "iscsi", "http", "https", "ftp", "ftps", "tftp",
    "ssh", "vxhs", "nfs", NULL,
};
static const char *const host_transports[] = { "tcp", "unix", "rdma", NULL };
static const char *const trays[] = { "open", "closed", NULL };

/* name prefixes and the bus libvirt infers from each */
static const struct {
    const char *prefix;
    const char *bus;
} disk_prefixes[] = {
    { "xvd", "xen" }, { "ubd", "uml" }, { "hd", "ide" }, { "sd", "scsi" },
    { "vd", "virtio" }, { "fd", "fdc" },
};

int dev_disk_name_index(const char *name)
{
    const char *p = NULL;
    int idx = 0;

    for (size_t i = 0; name && i < G_N_ELEMENTS(disk_prefixes); i++)
        if (g_str_has_prefix(name, disk_prefixes[i].prefix)) {
            p = name + strlen(disk_prefixes[i].prefix);
            break;
        }
    if (!p || !g_ascii_islower(*p))
        return -1;
    for (; g_ascii_islower(*p); p++) {
        if (idx > 100000)
            return -1;
        idx = idx * 26 + (*p - 'a' + 1);
    }
    for (; *p; p++)
        if (!g_ascii_isdigit(*p))
            return -1;
    return idx - 1;
}

static const char *disk_default_bus(const device_disk *disk)
{
    if (g_strcmp0(disk->device, "floppy") == 0)
        return "fdc";
    for (size_t i = 0; i < G_N_ELEMENTS(disk_prefixes); i++)
        if (g_str_has_prefix(disk->target_dev, disk_prefixes[i].prefix))
            return disk_prefixes[i].bus;
    return "ide";
}

void dev_disk_assign_drive(device_disk *disk)
{
    int idx = dev_disk_name_index(disk->target_dev);
    device_address *a = &disk->info.addr;
    const char *bus = disk->target_bus;

    if (a->type != ADDR_NONE || idx < 0)
        return;
    if (g_strcmp0(bus, "scsi") == 0) {
        a->controller = idx / 7;
        a->unit = idx % 7;
    } else if (g_strcmp0(bus, "fdc") == 0) {
        a->controller = idx / 2;
        a->unit = idx % 2;
    } else if (g_strcmp0(bus, "ide") == 0) {
        a->controller = idx / 4;
        a->bus = (idx % 4) / 2;
        a->unit = idx % 2;
    } else if (g_strcmp0(bus, "sata") == 0) {
        a->controller = idx / 6;
        a->unit = idx % 6;
    } else {
        return;
    }
    /* a name past every controller vireo makes gets no address */
    if (a->controller > DEV_DRIVE_CONTROLLER_MAX) {
        memset(a, 0, sizeof(*a));
        return;
    }
    a->type = ADDR_DRIVE;
}

/* libvirt keeps disks grouped by bus, each group ordered by target
 * index: before the first disk of the same bus with a higher index, else
 * after the last disk of that bus, else at the end. */
void dev_disk_insert(GPtrArray *disks, device_disk *disk)
{
    int idx = dev_disk_name_index(disk->target_dev);
    int insert_at = -1, last_same = -1;

    for (int i = (int)disks->len - 1; i >= 0; i--) {
        const device_disk *o = disks->pdata[i];

        if (g_strcmp0(o->target_bus, disk->target_bus) != 0)
            continue;
        if (last_same < 0)
            last_same = i;
        if (dev_disk_name_index(o->target_dev) > idx)
            insert_at = i;
    }
    if (insert_at < 0 && last_same >= 0)
        insert_at = last_same + 1;
    if (insert_at < 0 || insert_at >= (int)disks->len)
        g_ptr_array_add(disks, disk);
    else
        g_ptr_array_insert(disks, insert_at, disk);
}

static int disk_source_parse(xml_doc *d, xmlNode *node, device_disk *disk)
{
    xmlNode *src = xml_child(d, node, "source");

    if (!src)
        return 0;
    if (g_strcmp0(disk->type, "file") == 0) {
        disk->source_file = xml_attr(d, src, "file");
    } else if (g_strcmp0(disk->type, "block") == 0) {
        disk->source_dev = xml_attr(d, src, "dev");
    } else if (g_strcmp0(disk->type, "dir") == 0) {
        disk->source_dir = xml_attr(d, src, "dir");
    } else if (g_strcmp0(disk->type, "volume") == 0) {
        disk->source_pool = xml_attr(d, src, "pool");
        disk->source_volume = xml_attr(d, src, "volume");
    } else {
        g_autoptr(GPtrArray) hosts = NULL;

        if (xml_attr_choice(d, src, "protocol", disk_protocols, &disk->source_protocol) < 0)
            return -1;
        if (!disk->source_protocol) {
            xml_report_missing(d, src, "attribute 'protocol'");
            return -1;
        }
        disk->source_name = xml_attr(d, src, "name");
        hosts = xml_children(d, src, "host");
        for (guint i = 0; i < hosts->len; i++) {
            device_host *h = g_new0(device_host, 1);

            g_ptr_array_add(disk->source_hosts, h);
            h->name = xml_attr(d, hosts->pdata[i], "name");
            if (dev_attr_number(d, hosts->pdata[i], "port", &h->port) < 0 ||
                xml_attr_choice(d, hosts->pdata[i], "transport", host_transports,
                                &h->transport) < 0)
                return -1;
            h->socket = xml_attr(d, hosts->pdata[i], "socket");
        }
    }
    return 0;
}

static int disk_driver_parse(xml_doc *d, xmlNode *node, device_disk *disk)
{
    xmlNode *drv = xml_child(d, node, "driver");

    if (!drv)
        return 0;
    disk->driver_name = xml_attr(d, drv, "name");
    disk->driver_type = xml_attr(d, drv, "type");
    if (disk->driver_type && !g_regex_match_simple("^[a-z0-9_]+$", disk->driver_type, 0, 0)) {
        xml_report_invalid(d, drv, "type", disk->driver_type);
        return -1;
    }
    if (xml_attr_choice(d, drv, "cache", disk_caches, &disk->driver_cache) < 0 ||
        xml_attr_choice(d, drv, "io", disk_ios, &disk->driver_io) < 0 ||
        xml_attr_choice(d, drv, "discard", disk_discards, &disk->driver_discard) < 0)
        return -1;
    return 0;
}

static int disk_target_parse(xml_doc *d, xmlNode *node, device_disk *disk)
{
    xmlNode *t = xml_child(d, node, "target");

    if (t)
        disk->target_dev = xml_attr(d, t, "dev");
    if (!disk->target_dev) {
        const char *what = disk->source_file ? disk->source_file
                           : disk->source_dev ? disk->source_dev
                           : disk->source_name ? disk->source_name : "disk";

        error_report(d->err_domain, DEVICE_ERR_NO_TARGET,
                     "missing target information for device %s (<disk> at line %ld)", what,
                     DEV_LINE(node));
        return -1;
    }
    if (dev_disk_name_index(disk->target_dev) < 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "invalid disk target name '%s' of <disk> at line %ld", disk->target_dev,
                     DEV_LINE(t));
        return -1;
    }
    if (xml_attr_choice(d, t, "bus", disk_buses, &disk->target_bus) < 0 ||
        xml_attr_choice(d, t, "tray", trays, &disk->target_tray) < 0)
        return -1;
    if (!disk->target_bus)
        disk->target_bus = g_strdup(disk_default_bus(disk));
    return 0;
}

static void disk_auth_parse(xml_doc *d, xmlNode *node, device_disk *disk)
{
    xmlNode *auth = xml_child(d, node, "auth");
    xmlNode *secret;

    if (!auth)
        return;
    disk->auth_username = xml_attr(d, auth, "username");
    if ((secret = xml_child(d, auth, "secret"))) {
        disk->auth_secret_type = xml_attr(d, secret, "type");
        disk->auth_secret_uuid = xml_attr(d, secret, "uuid");
        disk->auth_secret_usage = xml_attr(d, secret, "usage");
    }
}

/* <encryption> of the disk, in its <source> or (older) the <disk>. */
static int disk_encryption_parse(xml_doc *d, xmlNode *node, device_disk *disk)
{
    xmlNode *src = xml_child(d, node, "source");
    xmlNode *enc = src ? xml_child(d, src, "encryption") : NULL;
    xmlNode *secret;

    if (!enc) {
        enc = xml_child(d, node, "encryption");
        disk->encryption_in_disk = enc != NULL;
    }
    if (!enc)
        return 0;
    disk->encryption_format = xml_attr(d, enc, "format");
    if (!disk->encryption_format) {
        xml_report_missing(d, enc, "attribute 'format'");
        return -1;
    }
    if ((secret = xml_child(d, enc, "secret"))) {
        g_autofree char *type = xml_attr(d, secret, "type");

        if (g_strcmp0(type, "passphrase") != 0) {
            xml_report_invalid(d, secret, "type", type ? type : "");
            return -1;
        }
        disk->encryption_secret_uuid = xml_attr(d, secret, "uuid");
        disk->encryption_secret_usage = xml_attr(d, secret, "usage");
    }
    return 0;
}

static void disk_encryption_format(xml_buf *b, const device_disk *disk)
{
    dev_elem e;
    xml_buf at;

    if (!disk->encryption_format)
        return;
    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "format", disk->encryption_format);
    xbuf_init(&at, 0);
    if (disk->encryption_secret_uuid || disk->encryption_secret_usage) {
        xbuf_attr(&at, "type", "passphrase");
        xbuf_attr(&at, "uuid", disk->encryption_secret_uuid);
        xbuf_attr(&at, "usage", disk->encryption_secret_usage);
        xbuf_element(&e.kids, "secret", &at, NULL);
    }
    xbuf_clear(&at);
    dev_elem_close(&e, b, "encryption");
}

static int disk_parse_body(xml_doc *d, xmlNode *node, device_disk *disk, unsigned int flags)
{
    xmlNode *c;

    if (xml_attr_choice(d, node, "type", disk_types, &disk->type) < 0 ||
        xml_attr_choice(d, node, "device", disk_devices, &disk->device) < 0)
        return -1;
    if (!disk->type)
        disk->type = g_strdup("file");
    if (!disk->device)
        disk->device = g_strdup("disk");
    if (disk_driver_parse(d, node, disk) < 0 || disk_source_parse(d, node, disk) < 0)
        return -1;
    disk_auth_parse(d, node, disk);
    if (disk_encryption_parse(d, node, disk) < 0)
        return -1;
    if ((c = xml_child(d, node, "backingStore")))
        disk->backing_store = dev_node_to_text(d, c, NULL);
    if (disk_target_parse(d, node, disk) < 0)
        return -1;
    disk->readonly = xml_child(d, node, "readonly") != NULL;
    disk->shareable = xml_child(d, node, "shareable") != NULL;
    disk->transient = xml_child(d, node, "transient") != NULL;
    /* libvirt: a cdrom is always read-only */
    if (g_strcmp0(disk->device, "cdrom") == 0)
        disk->readonly = true;
    disk->serial = xml_child_text(d, node, "serial");
    disk->wwn = xml_child_text(d, node, "wwn");
    if (disk->wwn && !g_regex_match_simple("^(0x)?[0-9a-fA-F]{16}$", disk->wwn, 0, 0)) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "malformed wwn '%s' of <disk> '%s' at line %ld", disk->wwn,
                     disk->target_dev, DEV_LINE(node));
        return -1;
    }
    return dev_info_parse(d, node, &disk->info, flags);
}

static void host_free(gpointer p)
{
    device_host *h = p;

    g_free(h->name);
    g_free(h->port);
    g_free(h->transport);
    g_free(h->socket);
    g_free(h);
}

device_disk *dev_disk_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    device_disk *disk = g_new0(device_disk, 1);

    disk->source_hosts = g_ptr_array_new_with_free_func(host_free);
    if (disk_parse_body(d, node, disk, flags) < 0) {
        dev_disk_free(disk);
        return NULL;
    }
    return disk;
}

static void disk_source_format(xml_buf *b, const device_disk *disk)
{
    dev_elem e;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "protocol", disk->source_protocol);
    xbuf_attr(&e.attrs, "name", disk->source_name);
    xbuf_attr(&e.attrs, "file", disk->source_file);
    xbuf_attr(&e.attrs, "dev", disk->source_dev);
    xbuf_attr(&e.attrs, "dir", disk->source_dir);
    xbuf_attr(&e.attrs, "pool", disk->source_pool);
    xbuf_attr(&e.attrs, "volume", disk->source_volume);
    for (guint i = 0; i < disk->source_hosts->len; i++) {
        const device_host *h = disk->source_hosts->pdata[i];
        xml_buf at;

        xbuf_init(&at, 0);
        xbuf_attr(&at, "transport", h->transport);
        xbuf_attr(&at, "name", h->name);
        xbuf_attr(&at, "port", h->port);
        xbuf_attr(&at, "socket", h->socket);
        if (xbuf_empty(&at))
            xbuf_add(&e.kids, "<host/>\n");
        xbuf_element(&e.kids, "host", &at, NULL);
        xbuf_clear(&at);
    }
    if (!disk->encryption_in_disk)
        disk_encryption_format(&e.kids, disk);
    if (xbuf_empty(&e.attrs) && xbuf_empty(&e.kids)) {
        xbuf_clear(&e.attrs);
        xbuf_clear(&e.kids);
        return;
    }
    dev_elem_close(&e, b, "source");
}

static void disk_auth_format(xml_buf *b, const device_disk *disk)
{
    dev_elem e;
    xml_buf at;

    if (!disk->auth_username && !disk->auth_secret_type)
        return;
    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "username", disk->auth_username);
    xbuf_init(&at, 0);
    xbuf_attr(&at, "type", disk->auth_secret_type);
    xbuf_attr(&at, "usage", disk->auth_secret_usage);
    xbuf_attr(&at, "uuid", disk->auth_secret_uuid);
    xbuf_element(&e.kids, "secret", &at, NULL);
    xbuf_clear(&at);
    dev_elem_close(&e, b, "auth");
}

void dev_disk_format(xml_buf *b, const device_disk *disk, unsigned int flags)
{
    dev_elem e, sub;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "type", disk->type);
    xbuf_attr(&e.attrs, "device", disk->device);
    dev_elem_open(&sub, &e.kids);
    xbuf_attr(&sub.attrs, "name", disk->driver_name);
    xbuf_attr(&sub.attrs, "type", disk->driver_type);
    xbuf_attr(&sub.attrs, "cache", disk->driver_cache);
    xbuf_attr(&sub.attrs, "io", disk->driver_io);
    xbuf_attr(&sub.attrs, "discard", disk->driver_discard);
    xbuf_element(&e.kids, "driver", &sub.attrs, NULL);
    disk_auth_format(&e.kids, disk);
    disk_source_format(&e.kids, disk);
    if (disk->encryption_in_disk)
        disk_encryption_format(&e.kids, disk);
    dev_put_text(&e.kids, disk->backing_store);
    xbuf_attr(&sub.attrs, "dev", disk->target_dev);
    xbuf_attr(&sub.attrs, "bus", disk->target_bus);
    xbuf_attr(&sub.attrs, "tray", disk->target_tray);
    xbuf_element(&e.kids, "target", &sub.attrs, NULL);
    xbuf_clear(&sub.attrs);
    xbuf_clear(&sub.kids);
    if (disk->readonly)
        xbuf_add(&e.kids, "<readonly/>\n");
    if (disk->shareable)
        xbuf_add(&e.kids, "<shareable/>\n");
    if (disk->transient)
        xbuf_add(&e.kids, "<transient/>\n");
    xbuf_escape(&e.kids, "<serial>%s</serial>\n", disk->serial);
    xbuf_escape(&e.kids, "<wwn>%s</wwn>\n", disk->wwn);
    dev_info_format(&e.kids, &disk->info, flags);
    dev_elem_close(&e, b, "disk");
}

void dev_disk_free(gpointer p)
{
    device_disk *disk = p;

    if (!disk)
        return;
    g_free(disk->type);
    g_free(disk->device);
    g_free(disk->driver_name);
    g_free(disk->driver_type);
    g_free(disk->driver_cache);
    g_free(disk->driver_io);
    g_free(disk->driver_discard);
    g_free(disk->source_file);
    g_free(disk->source_dev);
    g_free(disk->source_dir);
    g_free(disk->source_pool);
    g_free(disk->source_volume);
    g_free(disk->source_protocol);
    g_free(disk->source_name);
    g_clear_pointer(&disk->source_hosts, g_ptr_array_unref);
    g_free(disk->backing_store);
    g_free(disk->auth_username);
    g_free(disk->auth_secret_type);
    g_free(disk->auth_secret_uuid);
    g_free(disk->auth_secret_usage);
    g_free(disk->encryption_format);
    g_free(disk->encryption_secret_uuid);
    g_free(disk->encryption_secret_usage);
    g_free(disk->volume_path);
    g_free(disk->secret_file);
    g_free(disk->target_dev);
    g_free(disk->target_bus);
    g_free(disk->target_tray);
    g_free(disk->serial);
    g_free(disk->wwn);
    dev_info_clear(&disk->info);
    g_free(disk);
}
