/*
 * netdev.h: the host's network devices (Linux bridges, taps, macvtaps,
 * addresses, MTU, link state) through rtnetlink (libnl-route-3) and
 * /dev/net/tun.
 *
 * Every call acts in the calling process's network namespace.  Errors
 * are reported (util/error.h: SYSTEM_ERROR from VIREO_FROM_NONE, the
 * message naming the device and what failed) and the call returns -1;
 * a failed create leaves nothing behind.
 */
#ifndef VIREO_UTIL_NETDEV_H
#define VIREO_UTIL_NETDEV_H

#include <stdbool.h>
#include <stddef.h>

bool netdev_exists(const char *name);
/* A device's MAC into mac; 0 / -1 */
int netdev_get_mac(const char *name, unsigned char mac[6]);
int netdev_set_mac(const char *name, const unsigned char mac[6]);
int netdev_get_mtu(const char *name);
int netdev_set_mtu(const char *name, unsigned int mtu);
int netdev_set_up(const char *name, bool up);
/* 1 up, 0 down, -1 error */
int netdev_is_up(const char *name);
int netdev_delete(const char *name);

/* A new bridge; mac NULL: the kernel's, mtu 0: the default.  STP on
 * with delay (seconds) when stp.  Refused when name exists. */
int netdev_bridge_create(const char *name, const unsigned char *mac, unsigned int mtu,
                         bool stp, unsigned int delay);
/* Make ifname a port of bridge (and take the bridge's MTU when it is
 * larger than ifname's), or detach it */
int netdev_bridge_attach(const char *bridge, const char *ifname);
int netdev_bridge_detach(const char *ifname);
/* The bridge ifname is a port of (new string), NULL when none */
char *netdev_bridge_of(const char *ifname);
bool netdev_is_bridge(const char *name);

/* Add addr/prefix (IPv4 or IPv6 text) to name.  For IPv6, duplicate
 * address detection is turned off for the address (nodad). */
int netdev_add_address(const char *name, const char *addr, unsigned int prefix);

/* A tap device: name is a name or a template with one %d ("vnet%d":
 * the lowest free).  queues fds are opened (IFF_MULTI_QUEUE when > 1),
 * IFF_VNET_HDR when vnet_hdr; the device is not persistent: it goes
 * when the last fd closes.  mac is the host side's address (libvirt
 * uses the guest's with the first byte 0xfe).  *ifname: the name (new
 * string).  The tap is left down: the caller attaches it, then brings
 * it up.  The kernel resolves the template under its own lock, so
 * callers racing for "vnet%d" get distinct devices. */
int netdev_tap_create(const char *name, const unsigned char mac[6], bool vnet_hdr, int *fds,
                      size_t queues, char **ifname);

/* A macvtap on link (mode "bridge", "vepa", "private", "passthrough";
 * NULL: "vepa") named "macvtapN" (the lowest free N), with the guest's
 * mac, up; *fd is its /dev/tapN opened read-write (the node is made
 * from sysfs when /dev has none, as without udev), *ifname its name.
 * Deleted with netdev_delete. */
int netdev_macvtap_create(const char *link, const char *mode, const unsigned char mac[6],
                          int *fd, char **ifname);

/* A veth pair: host_tmpl and peer_tmpl are names or templates with one
 * %d (the kernel picks the lowest free), *host and *peer the names (new
 * strings).  Both ends down.  Deleting either end deletes both. */
int netdev_veth_create(const char *host_tmpl, const char *peer_tmpl, char **host, char **peer);
/* Move name into the network namespace of process pid, renamed newname
 * there (NULL: keep the name), in one rtnetlink request. */
int netdev_move_to_netns(const char *name, int pid, const char *newname);

/* /proc/sys/net/... switches: "net/ipv4/ip_forward" etc. */
int netdev_sysctl_set(const char *path, const char *value);

#endif
