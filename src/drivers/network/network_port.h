/*
 * network_port.h: what a hypervisor driver asks of the network driver
 * for a guest's <interface type='network'>.
 *
 * A port is one guest interface plugged into an active network.  The
 * network driver counts them (net-info, net-destroy's effect) and tells
 * the caller where to plug: a bridge (tap into it) or a host device
 * (macvtap on it, for the direct forward modes).
 */
#ifndef VIREO_DRIVERS_NETWORK_PORT_H
#define VIREO_DRIVERS_NETWORK_PORT_H

#include <glib.h>

#include "conf/bandwidth.h"
#include "vireo/vireo.h"

struct node_state;

typedef enum {
    NETWORK_PORT_BRIDGE = 0,      /* plug a tap into port->bridge */
    NETWORK_PORT_DIRECT,          /* macvtap on port->dev in port->mode */
} network_port_kind;

typedef struct network_port {
    unsigned char uuid[VIREO_UUID_BUFLEN];  /* the port's id (portid='' in live XML) */
    char *network;                /* owned: the network's name */
    network_port_kind kind;
    char *bridge;                 /* owned: BRIDGE */
    char *dev;                    /* owned: DIRECT's host device */
    char *mode;                   /* owned: DIRECT's macvtap mode */
    unsigned int mtu;             /* the network's MTU, 0 none */
    vireo_bandwidth *bandwidth;   /* owned: the portgroup's or network's, NULL none */
} network_port;

/* Plug a guest interface (mac, owned by the domain named/uuid) into the
 * active network named network, portgroup NULL for the default one.
 * NULL with the error: NO_NETWORK "no network with matching name 'X'"
 * (libvirt's text), OPERATION_INVALID "network 'X' is not active". */
network_port *network_port_acquire(struct node_state *node, const char *network,
                                   const char *portgroup, const unsigned char mac[6],
                                   const char *dom_name, const unsigned char dom_uuid[16]);
/* Re-adopt a port after vireod's restart (the guest kept running):
 * the same as acquire, with the id it had */
network_port *network_port_reacquire(struct node_state *node, const char *network,
                                     const unsigned char port_uuid[16],
                                     const unsigned char mac[6], const char *dom_name,
                                     const unsigned char dom_uuid[16]);
/* Unplug (the network may be gone: no error) and free port */
void network_port_release(struct node_state *node, network_port *port);
void network_port_free(network_port *port);

/* Leases of mac on the network named network (vireo_network_dhcp_lease*
 * into out); 0 with none when it has no DHCP or is not active */
int network_leases_for_mac(struct node_state *node, const char *network,
                           const unsigned char mac[6], GPtrArray *out);

#endif
