/*
 * network_tc.h: <bandwidth> on a host device with tc (as libvirt):
 * an htb root qdisc shaping what leaves the device, an ingress policer
 * for what enters it.
 *
 * For a guest's tap, <inbound> (to the guest) shapes the tap's egress
 * and <outbound> (from the guest) polices its ingress.  A network's
 * bridge is the same (swapped = false): its <inbound> is the traffic
 * into the network, to the guests, which leaves the host through the
 * bridge's egress (libvirt: virNetDevBandwidthSet(bridge, bw, true,
 * true), whose "swapped" means the opposite of ours).  Swapped (true)
 * is for a device that sees the guest's side, a macvtap: what the guest
 * sends leaves through the macvtap's egress, so <outbound> shapes it.
 *
 * On a bridge the egress is libvirt's hierarchy, so that ports can have
 * a floor: class 1:1 the network's whole rate, 1:2 (the default) what
 * no floor guarantees, 1:N a port's floor (network_tc_plug).
 *
 * Kernels without the police action (CONFIG_NET_ACT_POLICE) cannot
 * police ingress: refused with CONFIG_UNSUPPORTED.
 */
#ifndef VIREO_DRIVERS_NETWORK_TC_H
#define VIREO_DRIVERS_NETWORK_TC_H

#include <stdbool.h>

#include "conf/bandwidth.h"

/* Replace ifname's shaping with bw (NULL or nothing set: clear it).
 * -1 with SYSTEM_ERROR naming the device and tc's message; nothing
 * half-applied (cleared on failure). */
int network_tc_set(const char *ifname, const vireo_bandwidth *bw, bool swapped);
/* Remove vireo's qdiscs from ifname (no error when there are none) */
int network_tc_clear(const char *ifname);

/* floor (network_tc_floor.c).  network_tc_set refuses a floor on the
 * device itself: a floor is a share of the network's bridge, made by the
 * network driver when a port with one is plugged (then the tap gets its
 * bandwidth with floor 0).  As libvirt:
 *
 * Give frames to mac a class of their own under the network's bridge,
 * with floor (KiB/s) guaranteed and the network's peak (or average) as
 * ceiling.  id: unique among the network's ports, 3..4095 (the network
 * driver keeps it with the port, as libvirt's class_id).  net_bw: the
 * network's <bandwidth>; CONFIG_UNSUPPORTED when it has no <inbound>
 * average.  Nothing left on failure. */
int network_tc_plug(const char *bridge, const vireo_bandwidth *net_bw, const unsigned char mac[6],
                    unsigned long long floor, unsigned int id);
/* Remove port id's class and filter (no error when they are gone) */
int network_tc_unplug(const char *bridge, unsigned int id);
/* After a plug or unplug: the network's default class (what no floor
 * claims) gets the network's inbound average minus floor_sum, the sum
 * of the plugged ports' floors.  OPERATION_INVALID when floor_sum
 * leaves nothing (the caller checks before plugging, as libvirt does). */
int network_tc_floor_update(const char *bridge, const vireo_bandwidth *net_bw,
                            unsigned long long floor_sum);

#endif
