/*
 * device_address.c: the stable guest ABI.  Before a definition is stored
 * every interface gets a MAC, every PCI device a PCI address, and the
 * machine's implicit controllers appear, as libvirt's QEMU driver does.
 * Addresses already present are never moved and never reused, so a
 * definition reassigned gives the same XML.
 *
 * pc (i440fx): slot 0 host bridge, slot 1 PIIX3 (IDE 01.1, UHCI 01.2),
 * primary video 02.0, then devices from slot 3 in libvirt's order.
 * q35: primary video 01.0, SATA 1f.2 (slot 0x1f is the ICH9), PCIe
 * devices each behind their own pcie-root-port (root ports packed in
 * slot 2 onwards, function by function), others on pcie.0.
 * microvm: no PCI; devices keep no address.
 */
#include <string.h>

#include "conf/device_priv.h"
#include "util/mac.h"
#include "util/uuid.h"

typedef enum { MACHINE_PC, MACHINE_Q35, MACHINE_MICROVM } machine_kind;

typedef struct pci_state {
    GHashTable *used;       /* pci_key -> device name (borrowed from names), every taken function */
    GPtrArray *names;       /* owns the names of devices read from the XML */
    domain_devices *devs;
    machine_kind machine;
} pci_state;

static guint pci_key(unsigned int domain, unsigned int bus, unsigned int slot, unsigned int fn)
{
    return (domain << 16) | (bus << 8) | (slot << 3) | fn;
}

static bool slot_free(pci_state *st, unsigned int bus, unsigned int slot)
{
    for (unsigned int fn = 0; fn < 8; fn++)
        if (g_hash_table_contains(st->used, GUINT_TO_POINTER(pci_key(0, bus, slot, fn))))
            return false;
    return true;
}

/* Record an address given in the XML; two devices on one function is an error. */
static int pci_reserve(pci_state *st, const device_address *a, const char *what)
{
    guint key;
    const char *other;

    if (a->type != ADDR_PCI)
        return 0;
    key = pci_key(a->domain, a->bus, a->slot, a->function);
    if ((other = g_hash_table_lookup(st->used, GUINT_TO_POINTER(key)))) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                     "Attempted double use of PCI Address %04x:%02x:%02x.%x by %s and %s",
                     a->domain, a->bus, a->slot, a->function, other, what);
        return -1;
    }
    g_hash_table_insert(st->used, GUINT_TO_POINTER(key), (gpointer)what);
    return 0;
}

static void pci_set(pci_state *st, device_address *a, unsigned int bus, unsigned int slot,
                    unsigned int fn, const char *what)
{
    memset(a, 0, sizeof(*a));
    a->type = ADDR_PCI;
    a->bus = bus;
    a->slot = slot;
    a->function = fn;
    g_hash_table_insert(st->used, GUINT_TO_POINTER(pci_key(0, bus, slot, fn)), (gpointer)what);
}

/* The first wholly free slot of bus 0 from slot 1, or -1. */
static int pci_free_slot(pci_state *st)
{
    for (unsigned int slot = 1; slot < 32; slot++) {
        if (st->machine == MACHINE_PC && slot == 1)
            continue;
        if (st->machine == MACHINE_Q35 && slot == 0x1f)
            continue;
        if (slot_free(st, 0, slot))
            return (int)slot;
    }
    return -1;
}

static int no_slot(const char *what)
{
    error_report(VIREO_FROM_DOMAIN, VIREO_ERR_INTERNAL_ERROR,
                 "no free PCI slot left on bus 0 for %s", what);
    return -1;
}

static int next_pci_index(const domain_devices *devs)
{
    int max = -1;

    for (guint i = 0; i < devs->controllers->len; i++) {
        const device_controller *c = devs->controllers->pdata[i];

        if (strcmp(c->type, "pci") == 0 && c->index > max)
            max = c->index;
    }
    return max + 1;
}

/* A root port's address: the next free function of slots 2.. on pcie.0. */
static int root_port_place(pci_state *st, device_controller *rp)
{
    for (unsigned int slot = 2; slot < 0x1f; slot++) {
        for (unsigned int fn = 0; fn < 8; fn++) {
            const char *owner = g_hash_table_lookup(st->used, GUINT_TO_POINTER(pci_key(0, 0, slot, fn)));

            if (owner && strcmp(owner, "pcie-root-port") != 0)
                break;
            if (owner)
                continue;
            if (fn == 0 && !slot_free(st, 0, slot))
                break;
            pci_set(st, &rp->info.addr, 0, slot, fn, "pcie-root-port");
            if (fn == 0)
                rp->info.addr.multifunction = g_strdup("on");
            if (!rp->model_name)
                rp->model_name = g_strdup("pcie-root-port");
            if (!rp->target_chassis)
                rp->target_chassis = g_strdup_printf("%d", rp->index);
            if (!rp->target_port)
                rp->target_port = g_strdup_printf("0x%x", (slot << 3) | fn);
            return 0;
        }
    }
    return no_slot("a pcie-root-port");
}

static bool bus_has_device(pci_state *st, unsigned int bus)
{
    for (unsigned int slot = 0; slot < 32; slot++)
        if (!slot_free(st, bus, slot))
            return true;
    return false;
}

/* q35: a root port with nothing behind it, or a new one. */
static int q35_root_port_bus(pci_state *st, unsigned int *bus)
{
    device_controller *rp;

    for (guint i = 0; i < st->devs->controllers->len; i++) {
        rp = st->devs->controllers->pdata[i];
        if (strcmp(rp->type, "pci") == 0 && g_strcmp0(rp->model, "pcie-root-port") == 0 &&
            !bus_has_device(st, (unsigned int)rp->index)) {
            *bus = (unsigned int)rp->index;
            return 0;
        }
    }
    rp = g_new0(device_controller, 1);
    rp->type = g_strdup("pci");
    rp->model = g_strdup("pcie-root-port");
    rp->index = next_pci_index(st->devs);
    dev_controller_insert(st->devs->controllers, rp);
    if (root_port_place(st, rp) < 0)
        return -1;
    *bus = (unsigned int)rp->index;
    return 0;
}

/* Give info a PCI address unless it has one.  pcie: the device is PCI
 * Express (goes behind a root port on q35). */
static int pci_assign(pci_state *st, device_info *info, bool pcie, const char *what)
{
    int slot;
    unsigned int bus;

    if (info->addr.type != ADDR_NONE || st->machine == MACHINE_MICROVM)
        return 0;
    if (st->machine == MACHINE_Q35 && pcie) {
        if (q35_root_port_bus(st, &bus) < 0)
            return -1;
        pci_set(st, &info->addr, bus, 0, 0, what);
        return 0;
    }
    if ((slot = pci_free_slot(st)) < 0)
        return no_slot(what);
    pci_set(st, &info->addr, 0, (unsigned int)slot, 0, what);
    return 0;
}

/* ---- implicit controllers and fixed addresses ---- */

static device_controller *find_controller(domain_devices *devs, const char *type, int index)
{
    for (guint i = 0; i < devs->controllers->len; i++) {
        device_controller *c = devs->controllers->pdata[i];

        if (strcmp(c->type, type) == 0 && (index < 0 || c->index == index))
            return c;
    }
    return NULL;
}

static void implicit_controllers(pci_state *st)
{
    domain_devices *devs = st->devs;
    bool q35 = st->machine == MACHINE_Q35;
    device_controller *root;

    if (st->machine == MACHINE_MICROVM)
        return;
    root = dev_controller_ensure(devs, "pci", 0, q35 ? "pcie-root" : "pci-root");
    if (!root->model)
        root->model = g_strdup(q35 ? "pcie-root" : "pci-root");
    if (!find_controller(devs, "usb", -1))
        dev_controller_ensure(devs, "usb", 0, q35 ? "qemu-xhci" : "piix3-uhci");
    /* a usb controller without a model gets the machine's default one */
    for (guint i = 0; i < devs->controllers->len; i++) {
        device_controller *c = devs->controllers->pdata[i];

        if (strcmp(c->type, "usb") == 0 && !c->model)
            c->model = g_strdup(q35 ? "qemu-xhci" : "piix3-uhci");
    }
    dev_controller_ensure(devs, q35 ? "sata" : "ide", 0, NULL);
}

/* Name a device for conflict messages; st->names owns the string. */
static const char *dev_name(pci_state *st, const char *kind, const char *id)
{
    char *name = id ? g_strdup_printf("%s '%s'", kind, id) : g_strdup(kind);

    g_ptr_array_add(st->names, name);
    return name;
}

#define RESERVE_EACH(st, arr, type, kind, id_expr)                                  \
    for (guint i_ = 0; i_ < (arr)->len; i_++) {                                     \
        type *dev_ = (arr)->pdata[i_];                                              \
        if (pci_reserve((st), &dev_->info.addr, dev_name((st), (kind), (id_expr))) < 0) \
            return -1;                                                              \
    }

static int reserve_given(pci_state *st)
{
    domain_devices *devs = st->devs;

    RESERVE_EACH(st, devs->disks, device_disk, "disk", dev_->target_dev);
    RESERVE_EACH(st, devs->controllers, device_controller, "controller", dev_->type);
    RESERVE_EACH(st, devs->filesystems, device_filesystem, "filesystem", dev_->target);
    RESERVE_EACH(st, devs->interfaces, device_interface, "interface", dev_->type);
    RESERVE_EACH(st, devs->serials, device_chr, "serial", NULL);
    RESERVE_EACH(st, devs->inputs, device_input, "input", dev_->type);
    RESERVE_EACH(st, devs->sounds, device_sound, "sound", dev_->model);
    RESERVE_EACH(st, devs->videos, device_video, "video", dev_->model_type);
    RESERVE_EACH(st, devs->hostdevs, device_hostdev, "hostdev", NULL);
    RESERVE_EACH(st, devs->watchdogs, device_watchdog, "watchdog", dev_->model);
    RESERVE_EACH(st, devs->rngs, device_rng, "rng", dev_->model);
    if (devs->memballoon &&
        pci_reserve(st, &devs->memballoon->info.addr, dev_name(st, "memballoon", NULL)) < 0)
        return -1;
    return 0;
}

/* Put info at bus 0 slot.fn when it has no address and the spot is free. */
static void pci_fixed(pci_state *st, device_info *info, unsigned int slot, unsigned int fn,
                      const char *what)
{
    if (info->addr.type != ADDR_NONE ||
        g_hash_table_contains(st->used, GUINT_TO_POINTER(pci_key(0, 0, slot, fn))))
        return;
    if (fn == 0 && !slot_free(st, 0, slot))
        return;
    pci_set(st, &info->addr, 0, slot, fn, what);
}

static bool video_is_pci(const device_video *v)
{
    return strcmp(v->model_type, "none") != 0 && strcmp(v->model_type, "ramfb") != 0;
}

static void reserve_fixed(pci_state *st)
{
    domain_devices *devs = st->devs;
    bool q35 = st->machine == MACHINE_Q35;
    device_controller *c;

    g_hash_table_insert(st->used, GUINT_TO_POINTER(pci_key(0, 0, 0, 0)), (gpointer) "host bridge");
    if (q35) {
        g_hash_table_insert(st->used, GUINT_TO_POINTER(pci_key(0, 0, 0x1f, 0)), (gpointer) "ICH9 LPC");
        g_hash_table_insert(st->used, GUINT_TO_POINTER(pci_key(0, 0, 0x1f, 3)), (gpointer) "ICH9 SMBus");
        if ((c = find_controller(devs, "sata", 0)))
            pci_fixed(st, &c->info, 0x1f, 2, "sata");
    } else {
        g_hash_table_insert(st->used, GUINT_TO_POINTER(pci_key(0, 0, 1, 0)), (gpointer) "PIIX3");
        g_hash_table_insert(st->used, GUINT_TO_POINTER(pci_key(0, 0, 1, 3)), (gpointer) "PIIX3 ACPI");
        if ((c = find_controller(devs, "ide", 0)))
            pci_fixed(st, &c->info, 1, 1, "ide");
        if ((c = find_controller(devs, "usb", 0)) && g_strcmp0(c->model, "piix3-uhci") == 0)
            pci_fixed(st, &c->info, 1, 2, "usb");
    }
    for (guint i = 0; i < devs->videos->len; i++) {
        device_video *v = devs->videos->pdata[i];

        if (v->primary && video_is_pci(v))
            pci_fixed(st, &v->info, q35 ? 1 : 2, 0, "video");
    }
}

static int reserve_all(pci_state *st)
{
    if (reserve_given(st) < 0)
        return -1;
    if (st->machine != MACHINE_MICROVM)
        reserve_fixed(st);
    return 0;
}

/* ---- assignment in libvirt's order ---- */

static bool model_is_virtio(const char *model)
{
    return model && g_str_has_prefix(model, "virtio");
}

static int assign_pci_controllers(pci_state *st)
{
    for (guint i = 0; i < st->devs->controllers->len; i++) {
        device_controller *c = st->devs->controllers->pdata[i];

        if (strcmp(c->type, "pci") != 0 || c->index == 0 || c->info.addr.type != ADDR_NONE)
            continue;
        if (st->machine == MACHINE_Q35 && g_strcmp0(c->model, "pcie-root-port") == 0) {
            if (root_port_place(st, c) < 0)
                return -1;
        } else if (pci_assign(st, &c->info, g_strcmp0(c->model, "pcie-to-pci-bridge") == 0,
                              "pci controller") < 0) {
            return -1;
        }
    }
    return 0;
}

/* ich9 EHCI + UHCI companions share one slot: EHCI function 7, UHCIn function n-1. */
static int assign_usb_companion(pci_state *st, device_controller *c)
{
    unsigned int fn = strcmp(c->model, "ich9-ehci1") == 0 ? 7 : (unsigned int)(c->model[9] - '1');

    for (guint i = 0; i < st->devs->controllers->len; i++) {
        const device_controller *o = st->devs->controllers->pdata[i];

        if (o != c && strcmp(o->type, "usb") == 0 && o->index == c->index &&
            o->info.addr.type == ADDR_PCI && g_str_has_prefix(o->model ? o->model : "", "ich9-")) {
            pci_set(st, &c->info.addr, o->info.addr.bus, o->info.addr.slot, fn, "usb");
            /* function 0 tells QEMU the slot has more (the EHCI at 7) */
            if (fn == 0)
                c->info.addr.multifunction = g_strdup("on");
            return 0;
        }
    }
    if (pci_assign(st, &c->info, false, "usb") < 0)
        return -1;
    c->info.addr.function = fn;
    if (fn == 0)
        c->info.addr.multifunction = g_strdup("on");
    g_hash_table_remove(st->used, GUINT_TO_POINTER(pci_key(0, c->info.addr.bus, c->info.addr.slot, 0)));
    g_hash_table_insert(st->used, GUINT_TO_POINTER(pci_key(0, c->info.addr.bus, c->info.addr.slot, fn)),
                        (gpointer) "usb");
    return 0;
}

static int assign_controllers(pci_state *st)
{
    for (guint i = 0; i < st->devs->controllers->len; i++) {
        device_controller *c = st->devs->controllers->pdata[i];
        const char *t = c->type;

        if (c->info.addr.type != ADDR_NONE)
            continue;
        if (strcmp(t, "usb") == 0) {
            if (g_strcmp0(c->model, "none") == 0)
                continue;
            if (c->model && (g_str_has_prefix(c->model, "ich9-ehci1") ||
                             g_str_has_prefix(c->model, "ich9-uhci"))) {
                if (assign_usb_companion(st, c) < 0)
                    return -1;
                continue;
            }
            if (pci_assign(st, &c->info, g_strcmp0(c->model, "qemu-xhci") == 0 ||
                                         g_strcmp0(c->model, "nec-xhci") == 0, "usb") < 0)
                return -1;
        } else if (strcmp(t, "scsi") == 0 || strcmp(t, "virtio-serial") == 0 ||
                   strcmp(t, "sata") == 0) {
            bool pcie = strcmp(t, "virtio-serial") == 0 || model_is_virtio(c->model);

            if (pci_assign(st, &c->info, pcie, t) < 0)
                return -1;
        }
    }
    return 0;
}

static int assign_nets_sounds(pci_state *st)
{
    domain_devices *devs = st->devs;

    for (guint i = 0; i < devs->interfaces->len; i++) {
        device_interface *n = devs->interfaces->pdata[i];
        bool pcie = model_is_virtio(n->model) || g_strcmp0(n->model, "e1000e") == 0 ||
                    (!n->model && st->machine == MACHINE_Q35);

        if (pci_assign(st, &n->info, pcie, "interface") < 0)
            return -1;
    }
    for (guint i = 0; i < devs->sounds->len; i++) {
        device_sound *s = devs->sounds->pdata[i];

        if (strcmp(s->model, "pcspk") == 0 || strcmp(s->model, "usb") == 0)
            continue;
        if (st->machine == MACHINE_Q35 && strcmp(s->model, "ich9") == 0)
            pci_fixed(st, &s->info, 0x1b, 0, "sound");
        if (pci_assign(st, &s->info, false, "sound") < 0)
            return -1;
    }
    return 0;
}

static int assign_rest(pci_state *st)
{
    domain_devices *devs = st->devs;

    for (guint i = 0; i < devs->disks->len; i++) {
        device_disk *d = devs->disks->pdata[i];

        if (g_strcmp0(d->target_bus, "virtio") == 0 && pci_assign(st, &d->info, true, "disk") < 0)
            return -1;
    }
    for (guint i = 0; i < devs->hostdevs->len; i++) {
        device_hostdev *h = devs->hostdevs->pdata[i];

        if (strstr(h->attrs, "type='pci'") && pci_assign(st, &h->info, true, "hostdev") < 0)
            return -1;
    }
    if (devs->memballoon && model_is_virtio(devs->memballoon->model) &&
        pci_assign(st, &devs->memballoon->info, true, "memballoon") < 0)
        return -1;
    for (guint i = 0; i < devs->rngs->len; i++)
        if (pci_assign(st, &((device_rng *)devs->rngs->pdata[i])->info, true, "rng") < 0)
            return -1;
    for (guint i = 0; i < devs->watchdogs->len; i++) {
        device_watchdog *w = devs->watchdogs->pdata[i];

        if (strcmp(w->model, "i6300esb") == 0 && pci_assign(st, &w->info, false, "watchdog") < 0)
            return -1;
    }
    for (guint i = 0; i < devs->videos->len; i++) {
        device_video *v = devs->videos->pdata[i];

        if (video_is_pci(v) &&
            pci_assign(st, &v->info, strcmp(v->model_type, "virtio") == 0, "video") < 0)
            return -1;
    }
    for (guint i = 0; i < devs->inputs->len; i++) {
        device_input *in = devs->inputs->pdata[i];

        if (strcmp(in->bus, "virtio") == 0 && pci_assign(st, &in->info, true, "input") < 0)
            return -1;
    }
    return 0;
}

static int assign_all(pci_state *st)
{
    if (assign_pci_controllers(st) < 0 || assign_nets_sounds(st) < 0 ||
        assign_controllers(st) < 0 || assign_rest(st) < 0)
        return -1;
    return 0;
}

/* virtio consoles take the lowest free port from 0, channels from 1. */
static void virtio_serial_place(GPtrArray *chrs, GHashTable *ports, unsigned int first)
{
    for (guint i = 0; i < chrs->len; i++) {
        device_chr *c = chrs->pdata[i];
        unsigned int port = first;

        if (g_strcmp0(c->target_type, "virtio") != 0 || c->info.addr.type != ADDR_NONE)
            continue;
        while (g_hash_table_contains(ports, GUINT_TO_POINTER(port + 1)))
            port++;
        c->info.addr.type = ADDR_VIRTIO_SERIAL;
        c->info.addr.port = port;
        g_hash_table_add(ports, GUINT_TO_POINTER(port + 1));
    }
}

static void assign_virtio_serial(domain_devices *devs)
{
    g_autoptr(GHashTable) ports = g_hash_table_new(g_direct_hash, g_direct_equal);
    GPtrArray *lists[] = { devs->consoles, devs->channels };

    /* ports taken on controller 0 bus 0 (stored +1: NULL is 0) */
    for (size_t l = 0; l < G_N_ELEMENTS(lists); l++)
        for (guint i = 0; i < lists[l]->len; i++) {
            const device_address *a = &((device_chr *)lists[l]->pdata[i])->info.addr;

            if (a->type == ADDR_VIRTIO_SERIAL && a->controller == 0 && a->bus == 0)
                g_hash_table_add(ports, GUINT_TO_POINTER(a->port + 1));
        }
    virtio_serial_place(devs->consoles, ports, 0);
    virtio_serial_place(devs->channels, ports, 1);
}

/* libvirt gives an openvswitch port without an interfaceid a new one. */
static void assign_interfaceid(device_interface *net)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];
    char text[VIREO_UUID_STRING_BUFLEN];
    device_param *p;

    if (g_strcmp0(net->virtualport_type, "openvswitch") != 0)
        return;
    for (guint i = 0; i < net->virtualport_params->len; i++)
        if (strcmp(((device_param *)net->virtualport_params->pdata[i])->name, "interfaceid") == 0)
            return;
    uuid_generate(uuid);
    uuid_format(uuid, text);
    p = g_new0(device_param, 1);
    p->name = g_strdup("interfaceid");
    p->value = g_strdup(text);
    g_ptr_array_insert(net->virtualport_params, 0, p);
}

static void assign_macs(domain_devices *devs)
{
    for (guint i = 0; i < devs->interfaces->len; i++) {
        device_interface *net = devs->interfaces->pdata[i];
        bool clash = true;

        assign_interfaceid(net);
        if (net->has_mac)
            continue;
        while (clash) {
            mac_generate(net->mac);
            clash = false;
            for (guint j = 0; j < devs->interfaces->len; j++) {
                const device_interface *o = devs->interfaces->pdata[j];

                if (o != net && o->has_mac && memcmp(o->mac, net->mac, MAC_BUFLEN) == 0)
                    clash = true;
            }
        }
        net->has_mac = true;
    }
}

static machine_kind machine_classify(const char *machine)
{
    if (machine && strstr(machine, "q35"))
        return MACHINE_Q35;
    if (machine && strstr(machine, "microvm"))
        return MACHINE_MICROVM;
    return MACHINE_PC;
}

void devices_assign_macs(domain_devices *devs)
{
    assign_macs(devs);
}

int devices_assign_addresses(domain_devices *devs, const char *machine)
{
    pci_state st = { .devs = devs, .machine = machine_classify(machine) };
    int rc;

    assign_macs(devs);
    st.used = g_hash_table_new(g_direct_hash, g_direct_equal);
    st.names = g_ptr_array_new_with_free_func(g_free);
    implicit_controllers(&st);
    rc = reserve_all(&st);
    if (rc == 0 && st.machine != MACHINE_MICROVM)
        rc = assign_all(&st);
    if (rc == 0)
        assign_virtio_serial(devs);
    g_hash_table_unref(st.used);
    g_ptr_array_unref(st.names);
    return rc;
}
