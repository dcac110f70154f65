/*
 * device_one.c: one device given alone (attach, detach, update), and
 * adding it to or taking it from a domain's devices.
 *
 * The device is parsed by the same per-kind functions as a whole domain,
 * so both accept and refuse the same things; the defaults a domain's
 * post-parse fills (a disk's drive address, its controller) are filled
 * when the device joins the domain.
 */
#include <string.h>

#include "conf/device_priv.h"
#include "util/xml.h"

device_one *device_one_parse(const char *xml, unsigned int flags)
{
    g_autoptr(xml_doc) d = xml_doc_parse(xml, "device_definition", VIREO_FROM_DOMAIN);
    g_autoptr(device_one) one = NULL;
    xmlNode *root;

    if (!d)
        return NULL;
    root = xmlDocGetRootElement(d->doc);
    if (!root) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR, "missing device element");
        return NULL;
    }
    one = g_new0(device_one, 1);
    if (xmlStrcmp(root->name, BAD_CAST "disk") == 0) {
        one->kind = DEVICE_ONE_DISK;
        xml_mark(d, root);
        if (!(one->disk = dev_disk_parse(d, root, flags)))
            return NULL;
    } else if (xmlStrcmp(root->name, BAD_CAST "interface") == 0) {
        one->kind = DEVICE_ONE_INTERFACE;
        xml_mark(d, root);
        if (!(one->net = dev_interface_parse(d, root, flags)))
            return NULL;
    } else {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "device type '%s' cannot be attached, detached or updated yet "
                     "(only <disk> and <interface>)", (const char *)root->name);
        return NULL;
    }
    if (xml_doc_check_unused(d) < 0)
        return NULL;
    if (one->disk && one->disk->info.addr.type == ADDR_NONE)
        dev_disk_assign_drive(one->disk);
    return g_steal_pointer(&one);
}

void device_one_free(device_one *one)
{
    if (!one)
        return;
    if (one->disk)
        dev_disk_free(one->disk);
    if (one->net)
        dev_interface_free(one->net);
    g_free(one);
}

void devices_add_disk(domain_devices *devs, device_disk *disk)
{
    dev_disk_insert(devs->disks, disk);
    devices_post_parse(devs);
}

void devices_add_interface(domain_devices *devs, device_interface *net)
{
    g_ptr_array_add(devs->interfaces, net);
}

int devices_find_disk(const domain_devices *devs, const char *target)
{
    for (guint i = 0; target && i < devs->disks->len; i++) {
        const device_disk *d = devs->disks->pdata[i];

        if (g_strcmp0(d->target_dev, target) == 0)
            return (int)i;
    }
    return -1;
}

int devices_find_interface(const domain_devices *devs, const device_interface *net)
{
    for (guint i = 0; i < devs->interfaces->len; i++) {
        const device_interface *n = devs->interfaces->pdata[i];

        if (net->has_mac && memcmp(n->mac, net->mac, sizeof(n->mac)) != 0)
            continue;
        if (net->info.alias && g_strcmp0(net->info.alias, n->info.alias) != 0)
            continue;
        return (int)i;
    }
    return -1;
}

char *device_one_format_disk(const device_disk *disk, unsigned int flags)
{
    xml_buf b;

    xbuf_init(&b, 0);
    dev_disk_format(&b, disk, flags);
    return xbuf_steal(&b);
}
