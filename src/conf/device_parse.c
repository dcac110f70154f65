/*
 * device_parse.c: reading <devices>, the parts every device shares
 * (<address>, <alias>, <boot>, <rom>), and the defaults libvirt fills in
 * after parsing (bus from the target name, drive addresses, implicit
 * disk controllers, the console that mirrors the first serial port...).
 */
#include <string.h>

#include "conf/device_priv.h"

const char *const device_address_type_names[] = {
    "", "pci", "drive", "virtio-serial", "ccid", "usb", "isa", "virtio-mmio", NULL,
};

int dev_attr_number(xml_doc *d, xmlNode *node, const char *attr, char **out)
{
    g_autofree char *v = xml_attr(d, node, attr);
    char *end = NULL;

    if (!v)
        return 0;
    if (!g_ascii_isdigit(v[0]) || (g_ascii_strtoull(v, &end, 0), *end != '\0')) {
        xml_report_invalid(d, node, attr, v);
        return -1;
    }
    g_free(*out);
    *out = g_steal_pointer(&v);
    return 0;
}

/* ---- <address> ---- */

static int pci_field(xml_doc *d, xmlNode *dev, xmlNode *a, const char *name, unsigned int max,
                     unsigned int *out)
{
    if (xml_attr_hex(d, a, name, out) < 0)
        return -1;
    if (*out > max) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "invalid PCI address %s='0x%x' of <%s> at line %ld, must be <= 0x%X", name,
                     *out, dev->name, DEV_LINE(a), max);
        return -1;
    }
    return 0;
}

static int address_pci_parse(xml_doc *d, xmlNode *dev, xmlNode *a, device_address *addr)
{
    static const char *const onoff[] = { "on", "off", NULL };

    if (pci_field(d, dev, a, "domain", 0xffff, &addr->domain) < 0 ||
        pci_field(d, dev, a, "bus", 0xff, &addr->bus) < 0 ||
        pci_field(d, dev, a, "slot", 0x1f, &addr->slot) < 0 ||
        pci_field(d, dev, a, "function", 7, &addr->function) < 0)
        return -1;
    return xml_attr_choice(d, a, "multifunction", onoff, &addr->multifunction) < 0 ? -1 : 0;
}

/* node is the device element; its <address> child, if any, is read. */
int dev_address_parse(xml_doc *d, xmlNode *node, device_address *addr)
{
    xmlNode *a = xml_child(d, node, "address");
    g_autofree char *type = NULL;
    int t;

    if (!a)
        return 0;
    type = xml_attr(d, a, "type");
    if (!type) {
        xml_report_missing(d, a, "attribute 'type'");
        return -1;
    }
    t = str_enum_index(device_address_type_names, type);
    if (t <= 0) {
        error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "unknown address type '%s' of <%s> at line %ld", type, node->name,
                     DEV_LINE(a));
        return -1;
    }
    addr->type = (device_address_type)t;
    switch (addr->type) {
    case ADDR_PCI:
        return address_pci_parse(d, node, a, addr);
    case ADDR_DRIVE:
        if (xml_attr_uint(d, a, "controller", &addr->controller) < 0 ||
            xml_attr_uint(d, a, "bus", &addr->bus) < 0 ||
            xml_attr_uint(d, a, "target", &addr->target) < 0 ||
            xml_attr_uint(d, a, "unit", &addr->unit) < 0)
            return -1;
        if (addr->controller > DEV_DRIVE_CONTROLLER_MAX) {
            error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "drive controller %u of <%s> at line %ld is over the limit of %u",
                         addr->controller, node->name, DEV_LINE(a), DEV_DRIVE_CONTROLLER_MAX);
            return -1;
        }
        return 0;
    case ADDR_VIRTIO_SERIAL:
        if (xml_attr_uint(d, a, "controller", &addr->controller) < 0 ||
            xml_attr_uint(d, a, "bus", &addr->bus) < 0 ||
            xml_attr_uint(d, a, "port", &addr->port) < 0)
            return -1;
        return 0;
    case ADDR_CCID:
        if (xml_attr_uint(d, a, "controller", &addr->controller) < 0 ||
            xml_attr_uint(d, a, "slot", &addr->slot) < 0)
            return -1;
        return 0;
    case ADDR_USB:
        if (xml_attr_uint(d, a, "bus", &addr->bus) < 0)
            return -1;
        addr->usb_port = xml_attr(d, a, "port");
        return 0;
    case ADDR_ISA:
        if (xml_attr_hex(d, a, "iobase", &addr->iobase) < 0 ||
            xml_attr_hex(d, a, "irq", &addr->irq) < 0)
            return -1;
        return 0;
    default:
        return 0;
    }
}

int dev_info_parse(xml_doc *d, xmlNode *node, device_info *info, unsigned int flags)
{
    xmlNode *c;

    if ((c = xml_child(d, node, "boot"))) {
        if (xml_attr_uint(d, c, "order", &info->boot_order) < 0)
            return -1;
        if (info->boot_order == 0) {
            xml_report_missing(d, c, "a positive attribute 'order'");
            return -1;
        }
    }
    if ((c = xml_child(d, node, "alias"))) {
        g_autofree char *alias = xml_attr(d, c, "name");

        /* libvirt keeps aliases only from live XML (and user ones, 'ua-') */
        if ((flags & DOMAIN_PARSE_LIVE) || (alias && g_str_has_prefix(alias, "ua-")))
            info->alias = g_steal_pointer(&alias);
    }
    if ((c = xml_child(d, node, "rom"))) {
        static const char *const onoff[] = { "on", "off", NULL };

        if (xml_attr_choice(d, c, "bar", onoff, &info->rom_bar) < 0)
            return -1;
        info->rom_file = xml_attr(d, c, "file");
    }
    return dev_address_parse(d, node, &info->addr);
}

void dev_info_clear(device_info *info)
{
    g_free(info->alias);
    g_free(info->master_startport);
    g_free(info->rom_bar);
    g_free(info->rom_file);
    g_free(info->addr.multifunction);
    g_free(info->addr.usb_port);
    memset(info, 0, sizeof(*info));
}

/* ---- verbatim subtrees (hostdev, tpm, backingStore) ---- */

static void node_text_append(xml_doc *d, GString *out, xmlNode *node, int depth,
                             const char *const *skip)
{
    g_autofree char *attrs = dev_attrs_to_text(d, node);
    bool has_elems = false;
    g_autofree char *text = NULL;

    xml_mark(d, node);
    for (xmlNode *c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !(skip && str_enum_index(skip, (const char *)c->name) >= 0))
            has_elems = true;
    g_string_append_printf(out, "%*s<%s%s", depth * 2, "", node->name, attrs);
    if (has_elems) {
        g_string_append(out, ">\n");
        for (xmlNode *c = node->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE) {
                xml_mark(d, c);
                continue;
            }
            if (skip && str_enum_index(skip, (const char *)c->name) >= 0)
                continue;
            node_text_append(d, out, c, depth + 1, NULL);
        }
        g_string_append_printf(out, "%*s</%s>\n", depth * 2, "", node->name);
        return;
    }
    text = xml_text(d, node);
    if (text && *g_strstrip(text)) {
        g_autofree char *esc = xml_escape(text);
        GString *flat = g_string_new(NULL);

        /* the text goes out on one line: the formatter indents every line
         * of what it is given, so a raw line break would grow at each
         * format (found by fuzz/fuzz_domain_xml) */
        for (const char *p = esc; *p; p++) {
            if (*p == '\n' || *p == '\r')
                g_string_append(flat, *p == '\n' ? "&#10;" : "&#13;");
            else
                g_string_append_c(flat, *p);
        }
        g_string_append_printf(out, ">%s</%s>\n", flat->str, node->name);
        g_string_free(flat, TRUE);
    } else {
        g_string_append(out, "/>\n");
    }
}

char *dev_node_to_text(xml_doc *d, xmlNode *node, const char *const *skip)
{
    GString *out = g_string_new(NULL);

    node_text_append(d, out, node, 0, skip);
    return g_string_free(out, FALSE);
}

char *dev_attrs_to_text(xml_doc *d, xmlNode *node)
{
    GString *out = g_string_new(NULL);

    for (xmlAttr *a = node->properties; a; a = a->next) {
        g_autofree char *v = xml_attr(d, node, (const char *)a->name);
        g_autofree char *esc = xml_escape(v ? v : "");

        g_string_append_printf(out, " %s='%s'", a->name, esc);
    }
    return g_string_free(out, FALSE);
}

/* ---- <devices> ---- */

/* Parse every child named name with the kind's fn into arr (document
 * order); a macro because each kind's parser returns its own type. */
#define PARSE_KIND(d, devices, name, fn, arr, flags)                       \
    G_STMT_START {                                                         \
        g_autoptr(GPtrArray) nodes_ = xml_children((d), (devices), (name)); \
        for (guint i_ = 0; i_ < nodes_->len; i_++) {                       \
            void *dev_ = fn((d), nodes_->pdata[i_], (flags));              \
            if (!dev_)                                                     \
                return -1;                                                 \
            g_ptr_array_add((arr), dev_);                                  \
        }                                                                  \
    } G_STMT_END

static int parse_chrs(xml_doc *d, xmlNode *devices, const char *kind, GPtrArray *arr,
                      unsigned int flags)
{
    g_autoptr(GPtrArray) nodes = xml_children(d, devices, kind);

    for (guint i = 0; i < nodes->len; i++) {
        device_chr *chr = dev_chr_parse(d, nodes->pdata[i], kind, flags);

        if (!chr)
            return -1;
        g_ptr_array_add(arr, chr);
    }
    return 0;
}

static void devices_init(domain_devices *devs)
{
    devs->disks = g_ptr_array_new_with_free_func(dev_disk_free);
    devs->controllers = g_ptr_array_new_with_free_func(dev_controller_free);
    devs->filesystems = g_ptr_array_new_with_free_func(dev_filesystem_free);
    devs->interfaces = g_ptr_array_new_with_free_func(dev_interface_free);
    devs->serials = g_ptr_array_new_with_free_func(dev_chr_free);
    devs->parallels = g_ptr_array_new_with_free_func(dev_chr_free);
    devs->consoles = g_ptr_array_new_with_free_func(dev_chr_free);
    devs->channels = g_ptr_array_new_with_free_func(dev_chr_free);
    devs->inputs = g_ptr_array_new_with_free_func(dev_input_free);
    devs->tpms = g_ptr_array_new_with_free_func(dev_tpm_free);
    devs->graphics = g_ptr_array_new_with_free_func(dev_graphics_free);
    devs->sounds = g_ptr_array_new_with_free_func(dev_sound_free);
    devs->videos = g_ptr_array_new_with_free_func(dev_video_free);
    devs->hostdevs = g_ptr_array_new_with_free_func(dev_hostdev_free);
    devs->redirdevs = g_ptr_array_new_with_free_func(dev_redirdev_free);
    devs->watchdogs = g_ptr_array_new_with_free_func(dev_watchdog_free);
    devs->rngs = g_ptr_array_new_with_free_func(dev_rng_free);
    devs->panics = g_ptr_array_new_with_free_func(dev_panic_free);
}

static int parse_disks(xml_doc *d, xmlNode *devices, domain_devices *devs, unsigned int flags)
{
    g_autoptr(GPtrArray) nodes = xml_children(d, devices, "disk");

    for (guint i = 0; i < nodes->len; i++) {
        device_disk *disk = dev_disk_parse(d, nodes->pdata[i], flags);

        if (!disk)
            return -1;
        for (guint j = 0; j < devs->disks->len; j++) {
            const device_disk *o = devs->disks->pdata[j];

            if (g_strcmp0(o->target_dev, disk->target_dev) == 0) {
                error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                             "target '%s' duplicated for disk sources '%s' and '%s' (line %ld)",
                             disk->target_dev,
                             o->source_file ? o->source_file : o->source_dev ? o->source_dev : "",
                             disk->source_file ? disk->source_file
                             : disk->source_dev ? disk->source_dev : "",
                             DEV_LINE((xmlNode *)nodes->pdata[i]));
                dev_disk_free(disk);
                return -1;
            }
        }
        dev_disk_insert(devs->disks, disk);
    }
    return 0;
}

static int parse_controllers(xml_doc *d, xmlNode *devices, domain_devices *devs,
                             unsigned int flags)
{
    g_autoptr(GPtrArray) nodes = xml_children(d, devices, "controller");

    for (guint i = 0; i < nodes->len; i++) {
        device_controller *c = dev_controller_parse(d, nodes->pdata[i], flags);

        if (!c)
            return -1;
        dev_controller_insert(devs->controllers, c);
    }
    return 0;
}

static int parse_singletons(xml_doc *d, xmlNode *devices, domain_devices *devs,
                            unsigned int flags)
{
    xmlNode *c;

    if ((c = xml_child(d, devices, "emulator"))) {
        devs->emulator = xml_text(d, c);
        if (devs->emulator)
            g_strstrip(devs->emulator);
    }
    if ((c = xml_child(d, devices, "memballoon"))) {
        devs->memballoon = dev_memballoon_parse(d, c, flags);
        if (!devs->memballoon)
            return -1;
    }
    return 0;
}

static int parse_all(xml_doc *d, xmlNode *node, domain_devices *devs, unsigned int flags)
{
    if (parse_singletons(d, node, devs, flags) < 0 || parse_disks(d, node, devs, flags) < 0 ||
        parse_controllers(d, node, devs, flags) < 0)
        return -1;
    PARSE_KIND(d, node, "filesystem", dev_filesystem_parse, devs->filesystems, flags);
    PARSE_KIND(d, node, "interface", dev_interface_parse, devs->interfaces, flags);
    if (parse_chrs(d, node, "serial", devs->serials, flags) < 0 ||
        parse_chrs(d, node, "parallel", devs->parallels, flags) < 0 ||
        parse_chrs(d, node, "console", devs->consoles, flags) < 0 ||
        parse_chrs(d, node, "channel", devs->channels, flags) < 0)
        return -1;
    PARSE_KIND(d, node, "input", dev_input_parse, devs->inputs, flags);
    PARSE_KIND(d, node, "tpm", dev_tpm_parse, devs->tpms, flags);
    PARSE_KIND(d, node, "graphics", dev_graphics_parse, devs->graphics, flags);
    PARSE_KIND(d, node, "sound", dev_sound_parse, devs->sounds, flags);
    PARSE_KIND(d, node, "video", dev_video_parse, devs->videos, flags);
    PARSE_KIND(d, node, "hostdev", dev_hostdev_parse, devs->hostdevs, flags);
    PARSE_KIND(d, node, "redirdev", dev_redirdev_parse, devs->redirdevs, flags);
    PARSE_KIND(d, node, "watchdog", dev_watchdog_parse, devs->watchdogs, flags);
    if (devs->watchdogs->len > 1) {
        /* libvirt 9.0's rule */
        error_report(d->err_domain, VIREO_ERR_INTERNAL_ERROR,
                     "only a single watchdog device is supported");
        return -1;
    }
    PARSE_KIND(d, node, "rng", dev_rng_parse, devs->rngs, flags);
    PARSE_KIND(d, node, "panic", dev_panic_parse, devs->panics, flags);
    return 0;
}

int devices_parse(xml_doc *d, xmlNode *node, domain_devices *devs, unsigned int flags)
{
    devices_init(devs);
    if (node && parse_all(d, node, devs, flags) < 0)
        return -1;
    devices_post_parse(devs);
    return 0;
}

void devices_clear(domain_devices *devs)
{
    GPtrArray **arrays[] = {
        &devs->disks, &devs->controllers, &devs->filesystems, &devs->interfaces,
        &devs->serials, &devs->parallels, &devs->consoles, &devs->channels,
        &devs->inputs, &devs->tpms, &devs->graphics, &devs->sounds,
        &devs->videos, &devs->hostdevs, &devs->redirdevs, &devs->watchdogs, &devs->rngs, &devs->panics,
    };

    g_clear_pointer(&devs->emulator, g_free);
    for (size_t i = 0; i < G_N_ELEMENTS(arrays); i++)
        g_clear_pointer(arrays[i], g_ptr_array_unref);
    g_clear_pointer(&devs->memballoon, dev_memballoon_free);
}
