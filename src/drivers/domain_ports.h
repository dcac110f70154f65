/*
 * domain_ports.h: the network ports a running domain holds for its
 * <interface type='network'>, for the drivers that plug guests into
 * networks (QEMU, LXC).
 *
 * The table (GHashTable *, NULL until the first port) lives in the
 * driver's per-domain state and is guarded by the domain's job: the
 * guest MAC's text -> network_port * (owned).
 */
#ifndef VIREO_DRIVERS_DOMAIN_PORTS_H
#define VIREO_DRIVERS_DOMAIN_PORTS_H

#include <glib.h>

#include "conf/domain_def.h"
#include "drivers/network/network_port.h"

/* Keep port (taken over) as n's: its id and bridge into n (the live
 * definition's <source portid='' bridge=''/>, which the status file
 * carries across a restart) and port into *ports. */
void domain_ports_keep(GHashTable **ports, device_interface *n, network_port *port);

/* n's port in *ports, NULL when none. */
network_port *domain_ports_lookup(GHashTable *ports, const device_interface *n);

/* Release n's port: the one in *ports or, for a port of a run this
 * daemon did not see start, the one its portid names, adopted from the
 * network to let go (live NULL: none).  A failure is left as the
 * thread's error for the caller to log or reset. */
void domain_ports_release(GHashTable **ports, struct node_state *node, const domain_def *live,
                          const device_interface *n);

/* After vireod's restart: take back n's port (an interface on a network
 * with a portid) into *ports; a port that cannot be had is logged. */
void domain_ports_readopt(GHashTable **ports, struct node_state *node, const domain_def *live,
                          const device_interface *n);

#endif
