/*
 * network_tc.h: <bandwidth> on a host device with tc (as libvirt):
 * an htb root qdisc shaping what leaves the device, an ingress policer
 * for what enters it.
 *
 * For a guest's tap, <inbound> (to the guest) shapes the tap's egress
 * and <outbound> (from the guest) polices its ingress.  For a network's
 * bridge the two are swapped (swapped = true): <inbound> is traffic
 * into the network from outside, the bridge's ingress.
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

#endif
