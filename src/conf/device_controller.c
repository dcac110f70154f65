/*
 * device_controller.c: <controller>, its ordering (by type, then index,
 * as libvirt keeps them) and the implicit ones added after parsing.
 */
#include <string.h>

#include "conf/device_priv.h"

static const char *const ctrl_types[] = {
    "ide", "fdc", "scsi", "sata", "virtio-serial", "ccid", "usb", "pci", "xenbus", "isa", NULL,
};

/* accepted models per type (NULL list: no model attribute) */
static const char *const pci_models[] = {
    "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-root-port",
    "pcie-switch-upstream-port", "pcie-switch-downstream-port", "pci-expander-bus",
    "pcie-expander-bus", "pcie-to-pci-bridge", NULL,
};
static const char *const usb_models[] = {
    "piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3",
    "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qusb1", "qusb2", "qemu-xhci", "none", NULL,
};
static const char *const scsi_models[] = {
    "auto", "buslogic", "lsilogic", "lsisas1068", "vmpvscsi", "ibmvscsi", "virtio-scsi",
    "lsisas1078", "virtio-transitional", "virtio-non-transitional", "ncr53c90", "am53c974",
    "dc390", NULL,
};
static const char *const vser_models[] = {
    "virtio", "virtio-transitional", "virtio-non-transitional", NULL,
};
static const char *const ide_models[] = { "piix3", "piix4", "ich6", NULL };

static const char *const *ctrl_models(const char *type)
{
    if (strcmp(type, "pci") == 0)
        return pci_models;
    if (strcmp(type, "usb") == 0)
        return usb_models;
    if (strcmp(type, "scsi") == 0)
        return scsi_models;
    if (strcmp(type, "virtio-serial") == 0)
        return vser_models;
    if (strcmp(type, "ide") == 0)
        return ide_models;
    return NULL;
}

static int ctrl_target_parse(xml_doc *d, xmlNode *node, device_controller *c)
{
    xmlNode *t = xml_child(d, node, "target");
    unsigned int port;
    int rc;

    if (!t)
        return 0;
    if (dev_attr_number(d, t, "chassisNr", &c->target_chassis_nr) < 0 ||
        dev_attr_number(d, t, "chassis", &c->target_chassis) < 0 ||
        dev_attr_number(d, t, "busNr", &c->target_bus_nr) < 0)
        return -1;
    /* libvirt writes the port in hex whatever the input was */
    if ((rc = xml_attr_hex(d, t, "port", &port)) < 0)
        return -1;
    if (rc == 1)
        c->target_port = g_strdup_printf("0x%x", port);
    return 0;
}

static int ctrl_parse_body(xml_doc *d, xmlNode *node, device_controller *c, unsigned int flags)
{
    const char *const *models;
    xmlNode *x;

    if (xml_attr_choice(d, node, "type", ctrl_types, &c->type) < 0)
        return -1;
    if (!c->type)
        c->type = g_strdup("ide");
    if (xml_attr_int(d, node, "index", &c->index) < 0)
        return -1;
    models = ctrl_models(c->type);
    if (models) {
        if (xml_attr_choice(d, node, "model", models, &c->model) < 0)
            return -1;
    } else if ((c->model = xml_attr(d, node, "model"))) {
        xml_report_invalid(d, node, "model", c->model);
        return -1;
    }
    if (xml_attr_uint(d, node, "ports", &c->ports) < 0 ||
        xml_attr_uint(d, node, "vectors", &c->vectors) < 0)
        return -1;
    if ((x = xml_child(d, node, "model")))
        c->model_name = xml_attr(d, x, "name");
    if (ctrl_target_parse(d, node, c) < 0)
        return -1;
    if ((x = xml_child(d, node, "driver"))) {
        if (dev_attr_number(d, x, "queues", &c->driver_queues) < 0 ||
            dev_attr_number(d, x, "iothread", &c->driver_iothread) < 0)
            return -1;
    }
    if ((x = xml_child(d, node, "master")) &&
        dev_attr_number(d, x, "startport", &c->info.master_startport) < 0)
        return -1;
    return dev_info_parse(d, node, &c->info, flags);
}

device_controller *dev_controller_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    device_controller *c = g_new0(device_controller, 1);

    c->index = -1;
    if (ctrl_parse_body(d, node, c, flags) < 0) {
        dev_controller_free(c);
        return NULL;
    }
    return c;
}

void dev_controller_format(xml_buf *b, const device_controller *c, unsigned int flags)
{
    dev_elem e;
    xml_buf at;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "type", c->type);
    xbuf_attr_printf(&e.attrs, "index", "%d", c->index);
    xbuf_attr(&e.attrs, "model", c->model);
    if (c->ports)
        xbuf_attr_printf(&e.attrs, "ports", "%u", c->ports);
    if (c->vectors)
        xbuf_attr_printf(&e.attrs, "vectors", "%u", c->vectors);
    xbuf_init(&at, 0);
    xbuf_attr(&at, "name", c->model_name);
    xbuf_element(&e.kids, "model", &at, NULL);
    xbuf_attr(&at, "chassisNr", c->target_chassis_nr);
    xbuf_attr(&at, "chassis", c->target_chassis);
    xbuf_attr(&at, "port", c->target_port);
    xbuf_attr(&at, "busNr", c->target_bus_nr);
    xbuf_element(&e.kids, "target", &at, NULL);
    xbuf_attr(&at, "queues", c->driver_queues);
    xbuf_attr(&at, "iothread", c->driver_iothread);
    xbuf_element(&e.kids, "driver", &at, NULL);
    xbuf_clear(&at);
    dev_info_format(&e.kids, &c->info, flags);
    dev_elem_close(&e, b, "controller");
}

void dev_controller_free(gpointer p)
{
    device_controller *c = p;

    if (!c)
        return;
    g_free(c->type);
    g_free(c->model);
    g_free(c->target_chassis_nr);
    g_free(c->target_chassis);
    g_free(c->target_port);
    g_free(c->target_bus_nr);
    g_free(c->model_name);
    g_free(c->driver_queues);
    g_free(c->driver_iothread);
    dev_info_clear(&c->info);
    g_free(c);
}

/* libvirt's order: after the last controller of the same type, or before
 * the first one of that type with a higher index.  A controller without
 * an index takes the next free one of its type (a USB companion: its
 * master's, the last one). */
void dev_controller_insert(GPtrArray *controllers, device_controller *ctrl)
{
    int insert_at = -1, last_same = -1, max_index = -1;

    for (guint i = 0; i < controllers->len; i++) {
        const device_controller *o = controllers->pdata[i];

        if (strcmp(o->type, ctrl->type) == 0 && o->index > max_index)
            max_index = o->index;
    }
    if (ctrl->index < 0 && ctrl->info.master_startport && strcmp(ctrl->type, "usb") == 0) {
        /* a USB companion (<master startport=''/>) shares its EHCI's index */
        ctrl->index = max_index < 0 ? 0 : max_index;
    } else if (ctrl->index < 0) {
        ctrl->index = max_index + 1;
        /* pci index 0 is the root bus, which only a root may take */
        if (ctrl->index == 0 && strcmp(ctrl->type, "pci") == 0 &&
            g_strcmp0(ctrl->model, "pci-root") != 0 && g_strcmp0(ctrl->model, "pcie-root") != 0)
            ctrl->index = 1;
    }
    for (int i = (int)controllers->len - 1; i >= 0; i--) {
        const device_controller *o = controllers->pdata[i];

        if (strcmp(o->type, ctrl->type) != 0)
            continue;
        if (last_same < 0)
            last_same = i;
        if (o->index > ctrl->index)
            insert_at = i;
    }
    if (insert_at < 0 && last_same >= 0)
        insert_at = last_same + 1;
    if (insert_at < 0 || insert_at >= (int)controllers->len)
        g_ptr_array_add(controllers, ctrl);
    else
        g_ptr_array_insert(controllers, insert_at, ctrl);
}

device_controller *dev_controller_ensure(domain_devices *devs, const char *type, int index,
                                         const char *model)
{
    device_controller *c;

    for (guint i = 0; i < devs->controllers->len; i++) {
        c = devs->controllers->pdata[i];
        if (strcmp(c->type, type) == 0 && c->index == index)
            return c;
    }
    c = g_new0(device_controller, 1);
    c->type = g_strdup(type);
    c->index = index;
    c->model = g_strdup(model);
    dev_controller_insert(devs->controllers, c);
    return c;
}
