/*
 * interface_priv.h: one host network device as /sys/class/net shows it,
 * and its XML (libvirt's udev backend's layout).
 *
 * /sys/class/net shows the devices of the network namespace sysfs was
 * mounted in: `ip netns exec` mounts a fresh one, so vireod started that
 * way sees its own namespace's devices.
 */
#ifndef VIREO_DRIVERS_INTERFACE_PRIV_H
#define VIREO_DRIVERS_INTERFACE_PRIV_H

#include <glib.h>
#include <stdbool.h>

typedef enum {
    HOST_IFACE_ETHERNET = 0,
    HOST_IFACE_BRIDGE,
    HOST_IFACE_BOND,
    HOST_IFACE_VLAN,
} host_iface_type;

/* Everything it owns is freed by host_iface_free; ports are the bridge's
 * ports or the bond's slaves, read the same way. */
typedef struct host_iface {
    char *name;
    char *mac;                    /* lower case; "00:00:00:00:00:00" when none */
    host_iface_type type;
    char *operstate;              /* "up", "down", "unknown", ... */
    unsigned int speed;           /* Mb/s, 0 unknown (down, virtual) */
    unsigned int mtu;
    bool is_port;                 /* enslaved to a bridge or bond */
    bool stp;                     /* bridge */
    unsigned long delay;          /* bridge: forward_delay as sysfs gives it */
    char *bond_mode;              /* bond: "balance-rr", ... */
    unsigned int miimon, updelay, downdelay;
    bool use_carrier;
    unsigned int arp_interval;
    char *arp_target;             /* first IPv4 target, NULL none */
    char *arp_validate;
    unsigned int vlan_tag;        /* vlan */
    char *vlan_parent;
    GPtrArray *ports;             /* host_iface*: bridge ports, bond slaves */
} host_iface;

/* Whether name is a device name that can be looked up (no '/', not
 * "." or "..", shorter than IFNAMSIZ) */
bool host_iface_name_ok(const char *name);
/* The device called name, NULL when there is none (no error set) */
host_iface *host_iface_read(const char *name);
void host_iface_free(host_iface *iface);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(host_iface, host_iface_free)
/* The names of every device, sorted (NULL-terminated, g_strfreev) */
char **host_iface_names(void);
/* The device's MAC (lower case) without reading the rest; NULL if gone */
char *host_iface_mac(const char *name);
/* true when its operstate is "up" (libvirt's udev backend's "active") */
bool host_iface_is_up(const host_iface *iface);

/* libvirt's XML for it (new string) */
char *host_iface_format(const host_iface *iface);

#endif
