/*
 * device_implicit.c: what libvirt fills in right after parsing, whatever
 * the machine: drive addresses, the controllers those addresses and
 * virtio consoles/channels need, serial port numbers, the console that
 * mirrors serial 0 (and the reverse), a video for graphics, the primary
 * video.  Running it twice changes nothing, so parse -> format -> parse
 * is stable.
 */
#include <string.h>

#include "conf/device_priv.h"

static void chr_number_ports(GPtrArray *chrs)
{
    int next = 0;

    for (guint i = 0; i < chrs->len; i++) {
        const device_chr *c = chrs->pdata[i];

        if (c->target_port >= next)
            next = c->target_port + 1;
    }
    for (guint i = 0; i < chrs->len; i++) {
        device_chr *c = chrs->pdata[i];

        if (c->target_port < 0)
            c->target_port = next++;
    }
}

/* libvirt assumes an hvm guest's first console is its first serial port:
 * a serial-type console without a serial port makes one, and serial
 * ports without a serial console get one in front of the others. */
static void consoles_compat(domain_devices *devs)
{
    device_chr *con0 = devs->consoles->len ? devs->consoles->pdata[0] : NULL;

    for (guint i = 0; i < devs->consoles->len; i++) {
        device_chr *c = devs->consoles->pdata[i];

        if (c->target_port < 0)
            c->target_port = 0;
    }
    if (con0 && (!con0->target_type || strcmp(con0->target_type, "serial") == 0)) {
        if (!con0->target_type)
            con0->target_type = g_strdup("serial");
        if (devs->serials->len == 0) {
            device_chr *serial = dev_chr_copy(con0);

            g_clear_pointer(&serial->target_type, g_free);
            g_ptr_array_add(devs->serials, serial);
        }
    } else if (devs->serials->len > 0) {
        device_chr *con = dev_chr_copy(devs->serials->pdata[0]);

        g_free(con->target_type);
        con->target_type = g_strdup("serial");
        g_clear_pointer(&con->target_model, g_free);
        dev_info_clear(&con->info);
        g_ptr_array_insert(devs->consoles, 0, con);
    }
}

/* Controllers 0..N of type for every disk of bus with a drive address on
 * controller N. */
static void disk_controllers(domain_devices *devs, const char *bus)
{
    int max = -1;

    for (guint i = 0; i < devs->disks->len; i++) {
        const device_disk *disk = devs->disks->pdata[i];

        if (g_strcmp0(disk->target_bus, bus) == 0 && disk->info.addr.type == ADDR_DRIVE &&
            (int)disk->info.addr.controller > max)
            max = (int)disk->info.addr.controller;
    }
    for (int i = 0; i <= max; i++)
        dev_controller_ensure(devs, bus, i, NULL);
}

static bool chr_is_virtio(const device_chr *c)
{
    return g_strcmp0(c->target_type, "virtio") == 0 || c->info.addr.type == ADDR_VIRTIO_SERIAL;
}

/* the virtio-serial controller each virtio console or channel sits on */
static void virtio_serial_controllers(domain_devices *devs)
{
    GPtrArray *lists[] = { devs->consoles, devs->channels };

    for (size_t l = 0; l < G_N_ELEMENTS(lists); l++) {
        for (guint i = 0; i < lists[l]->len; i++) {
            const device_chr *c = lists[l]->pdata[i];
            int idx = c->info.addr.type == ADDR_VIRTIO_SERIAL ? (int)c->info.addr.controller : 0;

            if (chr_is_virtio(c))
                dev_controller_ensure(devs, "virtio-serial", idx, NULL);
        }
    }
}

static void videos_defaults(domain_devices *devs)
{
    bool any_primary = false;

    if (devs->videos->len == 0 && devs->graphics->len > 0)
        g_ptr_array_add(devs->videos, dev_video_new_default());
    for (guint i = 0; i < devs->videos->len; i++)
        any_primary |= ((device_video *)devs->videos->pdata[i])->primary;
    if (!any_primary && devs->videos->len > 0)
        ((device_video *)devs->videos->pdata[0])->primary = true;
}

void devices_post_parse(domain_devices *devs)
{
    static const char *const drive_buses[] = { "scsi", "fdc", "ide", "sata" };

    for (guint i = 0; i < devs->disks->len; i++)
        dev_disk_assign_drive(devs->disks->pdata[i]);
    chr_number_ports(devs->serials);
    chr_number_ports(devs->parallels);
    consoles_compat(devs);
    for (size_t i = 0; i < G_N_ELEMENTS(drive_buses); i++)
        disk_controllers(devs, drive_buses[i]);
    virtio_serial_controllers(devs);
    videos_defaults(devs);
}
