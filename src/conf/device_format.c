/*
 * device_format.c: writing <devices> in libvirt's layout: kinds in
 * libvirt's fixed order, and the parts every device shares (<boot>,
 * <alias>, <master>, <rom>, <address>, in that order).
 */
#include <string.h>

#include "conf/device_priv.h"

void dev_elem_open(dev_elem *e, const xml_buf *b)
{
    xbuf_init(&e->attrs, 0);
    xbuf_init_child(&e->kids, b);
}

void dev_elem_close(dev_elem *e, xml_buf *b, const char *name)
{
    /* an element with nothing at all is still written (<backingStore/>) */
    if (xbuf_empty(&e->attrs) && xbuf_empty(&e->kids))
        xbuf_add(b, "<%s/>\n", name);
    else
        xbuf_element(b, name, &e->attrs, &e->kids);
    xbuf_clear(&e->attrs);
    xbuf_clear(&e->kids);
}

void dev_put_text(xml_buf *b, const char *text)
{
    /* text is already escaped: %s adds it as is, indenting each line */
    if (text)
        xbuf_add(b, "%s", text);
}

void dev_address_format(xml_buf *b, const device_address *a)
{
    xml_buf at;

    if (a->type == ADDR_NONE)
        return;
    xbuf_init(&at, 0);
    xbuf_attr(&at, "type", device_address_type_names[a->type]);
    switch (a->type) {
    case ADDR_PCI:
        xbuf_attr_printf(&at, "domain", "0x%04x", a->domain);
        xbuf_attr_printf(&at, "bus", "0x%02x", a->bus);
        xbuf_attr_printf(&at, "slot", "0x%02x", a->slot);
        xbuf_attr_printf(&at, "function", "0x%x", a->function);
        xbuf_attr(&at, "multifunction", a->multifunction);
        break;
    case ADDR_DRIVE:
        xbuf_attr_printf(&at, "controller", "%u", a->controller);
        xbuf_attr_printf(&at, "bus", "%u", a->bus);
        xbuf_attr_printf(&at, "target", "%u", a->target);
        xbuf_attr_printf(&at, "unit", "%u", a->unit);
        break;
    case ADDR_VIRTIO_SERIAL:
        xbuf_attr_printf(&at, "controller", "%u", a->controller);
        xbuf_attr_printf(&at, "bus", "%u", a->bus);
        xbuf_attr_printf(&at, "port", "%u", a->port);
        break;
    case ADDR_CCID:
        xbuf_attr_printf(&at, "controller", "%u", a->controller);
        xbuf_attr_printf(&at, "slot", "%u", a->slot);
        break;
    case ADDR_USB:
        xbuf_attr_printf(&at, "bus", "%u", a->bus);
        xbuf_attr(&at, "port", a->usb_port);
        break;
    case ADDR_ISA:
        if (a->iobase)
            xbuf_attr_printf(&at, "iobase", "0x%x", a->iobase);
        if (a->irq)
            xbuf_attr_printf(&at, "irq", "0x%x", a->irq);
        break;
    default:
        break;
    }
    xbuf_element(b, "address", &at, NULL);
    xbuf_clear(&at);
}

void dev_info_format(xml_buf *b, const device_info *info, unsigned int flags)
{
    if (info->boot_order)
        xbuf_add(b, "<boot order='%u'/>\n", info->boot_order);
    if (info->alias && (!(flags & VIREO_DOMAIN_XML_INACTIVE) || g_str_has_prefix(info->alias, "ua-")))
        xbuf_escape(b, "<alias name='%s'/>\n", info->alias);
    if (info->master_startport)
        xbuf_escape(b, "<master startport='%s'/>\n", info->master_startport);
    if (info->rom_bar || info->rom_file) {
        xml_buf at;

        xbuf_init(&at, 0);
        xbuf_attr(&at, "bar", info->rom_bar);
        xbuf_attr(&at, "file", info->rom_file);
        xbuf_element(b, "rom", &at, NULL);
        xbuf_clear(&at);
    }
    dev_address_format(b, &info->addr);
}

/* Write every device of arr with its kind's format function. */
#define format_kind(b, arr, fn, flags)                       \
    do {                                                     \
        for (guint i_ = 0; (arr) && i_ < (arr)->len; i_++)   \
            fn((b), (arr)->pdata[i_], (flags));              \
    } while (0)

static void format_chrs(xml_buf *b, const GPtrArray *arr, const char *kind, unsigned int flags)
{
    for (guint i = 0; arr && i < arr->len; i++)
        dev_chr_format(b, arr->pdata[i], kind, flags);
}

/* libvirt writes a serial-type console as a copy of the serial port it
 * mirrors (same source), with the console's target. */
static void format_consoles(xml_buf *b, const domain_devices *devs, unsigned int flags)
{
    for (guint i = 0; devs->consoles && i < devs->consoles->len; i++) {
        const device_chr *con = devs->consoles->pdata[i];

        if (g_strcmp0(con->target_type, "serial") == 0 && devs->serials &&
            i < devs->serials->len) {
            g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func(dev_chr_free);
            device_chr *copy = dev_chr_copy(devs->serials->pdata[i]);

            g_free(copy->target_type);
            copy->target_type = g_strdup("serial");
            g_clear_pointer(&copy->target_model, g_free);
            g_ptr_array_add(one, copy);
            format_chrs(b, one, "console", flags);
        } else {
            dev_chr_format(b, con, "console", flags);
        }
    }
}

void devices_format(xml_buf *b, const domain_devices *devs, unsigned int flags)
{
    xml_buf kids;

    xbuf_init_child(&kids, b);
    xbuf_escape(&kids, "<emulator>%s</emulator>\n", devs->emulator);
    format_kind(&kids, devs->disks, dev_disk_format, flags);
    format_kind(&kids, devs->controllers, dev_controller_format, flags);
    format_kind(&kids, devs->filesystems, dev_filesystem_format, flags);
    format_kind(&kids, devs->interfaces, dev_interface_format, flags);
    format_chrs(&kids, devs->serials, "serial", flags);
    format_chrs(&kids, devs->parallels, "parallel", flags);
    format_consoles(&kids, devs, flags);
    format_chrs(&kids, devs->channels, "channel", flags);
    format_kind(&kids, devs->inputs, dev_input_format, flags);
    format_kind(&kids, devs->tpms, dev_tpm_format, flags);
    format_kind(&kids, devs->graphics, dev_graphics_format, flags);
    format_kind(&kids, devs->sounds, dev_sound_format, flags);
    format_kind(&kids, devs->videos, dev_video_format, flags);
    format_kind(&kids, devs->hostdevs, dev_hostdev_format, flags);
    format_kind(&kids, devs->redirdevs, dev_redirdev_format, flags);
    format_kind(&kids, devs->watchdogs, dev_watchdog_format, flags);
    if (devs->memballoon)
        dev_memballoon_format(&kids, devs->memballoon, flags);
    format_kind(&kids, devs->rngs, dev_rng_format, flags);
    format_kind(&kids, devs->panics, dev_panic_format, flags);
    /* libvirt writes an empty <devices> as an open and a close tag */
    if (xbuf_empty(&kids))
        xbuf_add(b, "<devices>\n</devices>\n");
    else
        xbuf_element(b, "devices", NULL, &kids);
    xbuf_clear(&kids);
}
