/*
 * network_state.h: a node's virtual networks (see drivers/node.h).
 */
#ifndef VIREO_DRIVERS_NETWORK_STATE_H
#define VIREO_DRIVERS_NETWORK_STATE_H

struct node_state;
struct network_state;

/* Load the networks (config and run folders), re-adopt the running ones
 * (bridge, dnsmasq, rules), define 'default' on the first start of a
 * privileged instance, start the autostart ones.  NULL with the error. */
struct network_state *network_state_open(struct node_state *node);
/* Forget them: running networks go on running (a restart re-adopts them) */
void network_state_close(struct network_state *state);

/* The node's table for connections (drivers/driver.h) */
extern const struct network_driver network_node_driver;

#endif
