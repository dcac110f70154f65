/*
 * device_def.h: the <devices> of a domain definition.
 *
 * One struct per device kind, kept in one array per kind, because libvirt
 * writes devices grouped by kind in a fixed order (emulator, disk,
 * controller, filesystem, interface, serial, parallel, console, channel,
 * input, tpm, graphics, sound, video, hostdev, redirdev, watchdog, memballoon, rng,
 * panic).  Each array owns its elements; each element owns its strings.
 * Strings are g_malloc'd; NULL = absent.
 */
#ifndef VIREO_CONF_DEVICE_DEF_H
#define VIREO_CONF_DEVICE_DEF_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/xml.h"

/* <address type=...> */
typedef enum {
    ADDR_NONE,
    ADDR_PCI,
    ADDR_DRIVE,
    ADDR_VIRTIO_SERIAL,
    ADDR_CCID,
    ADDR_USB,
    ADDR_ISA,
    ADDR_VIRTIO_MMIO,
    ADDR_LAST
} device_address_type;
extern const char *const device_address_type_names[];

typedef struct device_address {
    device_address_type type;
    /* pci */
    unsigned int domain, bus, slot, function;
    char *multifunction;    /* on / off */
    /* drive: controller bus target unit; virtio-serial: controller bus
     * port; ccid: controller slot; usb: bus port (a string, '1.2') */
    unsigned int controller, target, unit, port;
    char *usb_port;         /* usb port='1.2' */
    /* isa */
    unsigned int iobase, irq;
} device_address;

/* fields every device may carry */
typedef struct device_info {
    char *alias;            /* <alias name=''/> (live XML only) */
    unsigned int boot_order;/* <boot order=''/>, 0 absent */
    char *master_startport; /* <master startport=''/> (usb companion controllers) */
    char *rom_bar;          /* <rom bar='' file=''/> (interface, hostdev) */
    char *rom_file;
    device_address addr;
} device_info;

typedef struct device_disk {
    char *type;             /* file, block, volume, network, dir */
    char *device;           /* disk, cdrom, floppy, lun */
    char *driver_name;      /* <driver name='qemu' type='qcow2' cache='' io='' discard=''/> */
    char *driver_type;
    char *driver_cache;
    char *driver_io;
    char *driver_discard;
    char *source_file;      /* <source file=''/> or dev='' or dir='' */
    char *source_dev;
    char *source_dir;
    char *source_pool;      /* volume: pool='' volume='' */
    char *source_volume;
    char *source_protocol;  /* network: protocol='' name='' + hosts */
    char *source_name;
    GPtrArray *source_hosts;/* device_host * */
    char *backing_store;    /* <backingStore> subtree in libvirt layout, kept verbatim (NULL: absent) */
    char *auth_username;    /* <auth username=''><secret type='' uuid='' usage=''/></auth> */
    char *auth_secret_type;
    char *auth_secret_uuid;
    char *auth_secret_usage;
    char *encryption_format;/* <encryption format=''><secret type='passphrase' uuid=''/>: */
    char *encryption_secret_uuid; /* luks, qcow...; under <source> (libvirt's place) or */
    char *encryption_secret_usage;/* under <disk> (the older one), kept where it was */
    bool encryption_in_disk;
    char *target_dev;       /* vda, sda, hda, fda */
    char *target_bus;       /* virtio, sata, scsi, ide, usb, fdc */
    char *target_tray;
    bool readonly;
    bool shareable;
    bool transient;
    char *serial;
    char *wwn;
    device_info info;
    /* Filled by the driver for one start, never in XML (and so lost by
     * domain_def_copy): a type='volume' disk's file or device, and the
     * file holding the encryption key QEMU reads at start. */
    char *volume_path;
    bool volume_block;
    char *secret_file;
} device_disk;

typedef struct device_host {
    char *name;
    char *port;
    char *transport;
    char *socket;
} device_host;

typedef struct device_controller {
    char *type;             /* pci, usb, sata, scsi, ide, virtio-serial, fdc, ccid */
    int index;              /* -1 until assigned */
    char *model;            /* pcie-root, pcie-root-port, virtio-scsi, qemu-xhci, ... */
    unsigned int ports;     /* ports='' (usb, virtio-serial, 0 absent) */
    unsigned int vectors;
    char *target_chassis_nr;/* <target chassisNr='' chassis='' port='' busNr=''/> (pci) */
    char *target_chassis;
    char *target_port;
    char *target_bus_nr;
    char *model_name;       /* <model name=''/> (pci) */
    char *driver_queues;    /* <driver queues='' iothread=''/> */
    char *driver_iothread;
    device_info info;
} device_controller;

/* a name='' value='' pair (filterref parameters, virtualport parameters) */
typedef struct device_param {
    char *name;
    char *value;
} device_param;

typedef struct device_interface {
    char *type;             /* network, bridge, user, direct, ethernet */
    unsigned char mac[6];
    bool has_mac;
    char *source_network;   /* network='' */
    char *source_portgroup;
    unsigned char portid[16]; /* network: the port's id (portid='', live only) */
    bool has_portid;
    char *source_bridge;    /* bridge=''; on type network the network's bridge (live only) */
    char *source_dev;       /* direct: dev='' mode='' */
    char *source_mode;
    char *target_dev;       /* <target dev=''/> (live) */
    char *target_managed;   /* ethernet: <target managed='no'/>: the tap exists */
    char *guest_dev;        /* containers: <guest dev=''/>, the name inside */
    char *guest_actual;     /* <guest actual=''/>: the name given (live only) */
    char *model;            /* virtio, e1000, e1000e, rtl8139 */
    char *driver_name;      /* vhost, qemu */
    char *driver_queues;
    char *driver_txmode;
    char *driver_rx_queue_size;
    char *driver_tx_queue_size;
    char *link_state;       /* up / down */
    unsigned int mtu;       /* <mtu size=''/>, 0 absent */
    struct vireo_bandwidth *bandwidth; /* <bandwidth> (conf/bandwidth.h), NULL none */
    char *filterref;        /* <filterref filter=''/> */
    GPtrArray *filter_params;   /* device_param * */
    char *virtualport_type; /* <virtualport type=''> */
    GPtrArray *virtualport_params; /* device_param *: attributes of <parameters/> */
    device_info info;
} device_interface;

/* serial, console, channel, parallel share this layout */
typedef struct device_chr {
    char *type;             /* pty, unix, file, tcp, udp, null, spicevmc, stdio */
    char *source_path;      /* pty/file/unix path */
    char *source_mode;      /* unix/tcp: bind | connect */
    char *source_host;      /* tcp/udp */
    char *source_service;
    char *source_append;    /* file: append='' */
    char *protocol;         /* <protocol type='telnet'/> */
    char *target_type;      /* serial: isa-serial, pci-serial; console: serial, virtio; channel: virtio, guestfwd */
    char *target_name;      /* channel: org.qemu.guest_agent.0 */
    char *target_state;     /* channel state (live) */
    char *target_model;     /* <model name=''/> under target, serial only */
    int target_port;        /* -1 absent */
    char *log_file;         /* <log file='' append=''/> */
    char *log_append;
    device_info info;
} device_chr;

typedef struct device_input {
    char *type;             /* mouse, tablet, keyboard, evdev */
    char *bus;              /* ps2, usb, virtio */
    device_info info;
} device_input;

typedef struct device_graphics_listen {
    char *type;             /* address, network, socket, none */
    char *address;
    char *network;
    char *socket;
} device_graphics_listen;

typedef struct device_graphics {
    char *type;             /* vnc, spice, sdl, egl-headless */
    int port;               /* -1 autoport; 0 absent */
    char *autoport;         /* yes / no */
    int tls_port;
    char *listen;           /* listen='' attribute */
    char *passwd;           /* written only with VIREO_DOMAIN_XML_SECURE */
    char *keymap;
    char *socket;
    GPtrArray *listens;     /* device_graphics_listen * */
    char *image_compression;/* spice <image compression=''/> */
    device_info info;
} device_graphics;

typedef struct device_video {
    char *model_type;       /* vga, cirrus, qxl, virtio, bochs, ramfb, none */
    unsigned int vram, ram, vgamem, heads; /* 0 absent */
    bool primary;
    char *accel3d;          /* <acceleration accel3d=''/> */
    device_info info;
} device_video;

typedef struct device_sound {
    char *model;            /* ich6, ich9, ac97, es1370, sb16, usb */
    GPtrArray *codecs;      /* char * type='' */
    device_info info;
} device_sound;

typedef struct device_hostdev {
    char *attrs;            /* the element's attributes, written back as given (" mode='subsystem' ...") */
    char *xml;              /* its children other than boot/alias/address/rom, in libvirt layout */
    device_info info;
} device_hostdev;

/* <redirdev bus='usb' type=...>: a character device source forwarded as a
 * USB device (spicevmc from SPICE clients, or tcp) */
typedef struct device_redirdev {
    char *bus;              /* usb */
    device_chr *chr;        /* type, source, protocol, boot order, address */
} device_redirdev;

typedef struct device_watchdog {
    char *model;            /* i6300esb, ib700, diag288, itco */
    char *action;           /* reset, shutdown, poweroff, pause, none, dump, inject-nmi */
    device_info info;
} device_watchdog;

typedef struct device_memballoon {
    char *model;            /* virtio, xen, none */
    char *autodeflate;
    char *free_page_reporting;
    unsigned int stats_period;  /* <stats period=''/>, 0 absent */
    device_info info;
} device_memballoon;

typedef struct device_rng {
    char *model;            /* virtio */
    char *backend_model;    /* random, egd, builtin */
    char *backend_path;     /* /dev/urandom */
    struct device_chr *egd; /* egd: <backend type=''> source and protocol; NULL otherwise */
    unsigned int rate_bytes, rate_period; /* 0 absent */
    device_info info;
} device_rng;

typedef struct device_tpm {
    char *xml;              /* the whole <tpm> element in libvirt layout, written back as given */
} device_tpm;

typedef struct device_panic {
    char *model;            /* isa, pseries, hyperv, s390, pvpanic */
    device_info info;
} device_panic;

typedef struct device_filesystem {
    char *type;             /* mount, template, file, block, ram, bind */
    char *accessmode;       /* passthrough, mapped, squash */
    char *driver_type;      /* path, handle, loop, nbd, virtiofs */
    char *source;           /* dir='' / dev='' / file='' / name=''; NULL for ram */
    uint64_t usage_kib;     /* ram: <source usage='' units=''> in KiB (libvirt writes KiB) */
    char *target;           /* dir='' */
    bool readonly;
    device_info info;
} device_filesystem;

typedef struct domain_devices {
    char *emulator;
    GPtrArray *disks;        /* device_disk * */
    GPtrArray *controllers;  /* device_controller * */
    GPtrArray *filesystems;  /* device_filesystem * */
    GPtrArray *interfaces;   /* device_interface * */
    GPtrArray *serials;      /* device_chr * */
    GPtrArray *parallels;    /* device_chr * */
    GPtrArray *consoles;     /* device_chr * */
    GPtrArray *channels;     /* device_chr * */
    GPtrArray *inputs;       /* device_input * */
    GPtrArray *tpms;         /* device_tpm * */
    GPtrArray *graphics;     /* device_graphics * */
    GPtrArray *sounds;       /* device_sound * */
    GPtrArray *videos;       /* device_video * */
    GPtrArray *hostdevs;     /* device_hostdev * */
    GPtrArray *redirdevs;    /* device_redirdev * */
    GPtrArray *watchdogs;    /* device_watchdog * */
    device_memballoon *memballoon; /* NULL: absent */
    GPtrArray *rngs;         /* device_rng * */
    GPtrArray *panics;       /* device_panic * */
} domain_devices;

/* Fill devs from <devices> (NULL node: no devices).  Every array is
 * created, empty when the XML had none.  flags are DOMAIN_PARSE_*.
 * 0, or -1 with an error naming the device and its line. */
int devices_parse(xml_doc *d, xmlNode *node, domain_devices *devs, unsigned int flags);

/* Write <devices>...</devices> as libvirt does (flags VIREO_DOMAIN_XML_*). */
void devices_format(xml_buf *b, const domain_devices *devs, unsigned int flags);

/* Free everything devs holds (devs itself is embedded in domain_def). */
void devices_clear(domain_devices *devs);

/* MACs, PCI addresses, implicit controllers: see domain_def_assign_addresses.
 * machine is the os machine type (pc, q35, microvm, NULL). */
int devices_assign_addresses(domain_devices *devs, const char *machine);
/* Only the MACs (and interfaceids) of devices_assign_addresses, for
 * guests without buses (containers). */
void devices_assign_macs(domain_devices *devs);

/* The index of a disk target name (vda -> 0, sdab -> 27), -1 if malformed
 * (device_disk.c; drivers name disks' devices by it). */
int dev_disk_name_index(const char *name);

/* ---- device_one.c: one device given alone (attach, detach, update) ---- */
typedef enum { DEVICE_ONE_DISK, DEVICE_ONE_INTERFACE } device_one_kind;
typedef struct device_one {
    device_one_kind kind;
    device_disk *disk;          /* owned; kind DISK */
    device_interface *net;      /* owned; kind INTERFACE */
} device_one;
/* Parse a lone <disk> or <interface> (flags DOMAIN_PARSE_*); other kinds
 * are refused with VIREO_ERR_CONFIG_UNSUPPORTED.  Caller frees. */
device_one *device_one_parse(const char *xml, unsigned int flags);
void device_one_free(device_one *one);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(device_one, device_one_free)
/* Add to devs (takes the device) in libvirt's order, with the implicit
 * controllers it needs; addresses come from devices_assign_addresses. */
void devices_add_disk(domain_devices *devs, device_disk *disk);
void devices_add_interface(domain_devices *devs, device_interface *net);
/* Index of the disk with target dev, or -1. */
int devices_find_disk(const domain_devices *devs, const char *target);
/* Index of the first interface matching net's MAC (and alias when net
 * has one), or -1. */
int devices_find_interface(const domain_devices *devs, const device_interface *net);
/* A host device name the host picks for a guest interface (vnet*,
 * macvtap*, macvlan*): never the user's, live state only. */
bool dev_interface_target_is_generated(const char *dev);
/* One disk in libvirt's layout (caller g_free()s). */
char *device_one_format_disk(const device_disk *disk, unsigned int flags);

#endif
