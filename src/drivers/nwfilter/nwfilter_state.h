/*
 * nwfilter_state.h: a node's network filters (see drivers/node.h).
 */
#ifndef VIREO_DRIVERS_NWFILTER_STATE_H
#define VIREO_DRIVERS_NWFILTER_STATE_H

struct node_state;
struct nwfilter_state;

/* Load the filters (config_base/nwfilter) and add vireo's built-in ones
 * (clean-traffic, no-ip-spoofing, ...) that are not there.  NULL with
 * the error. */
struct nwfilter_state *nwfilter_state_open(struct node_state *node);
void nwfilter_state_close(struct nwfilter_state *state);

/* The node's table for connections (drivers/driver.h) */
extern const struct nwfilter_driver nwfilter_node_driver;

#endif
