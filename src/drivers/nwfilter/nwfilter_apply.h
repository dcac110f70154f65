/*
 * nwfilter_apply.h: a network filter on a guest interface.
 *
 * A hypervisor driver instantiates a filter when it plugs a guest's tap
 * and tears it down when it unplugs it.  Rules live in vireo's own
 * nftables table, one per interface (family bridge: the tap must be a
 * port of a bridge; a macvtap is refused), and are rebuilt when a filter
 * they use is redefined (drivers/nwfilter/nwfilter_rules.h).
 */
#ifndef VIREO_DRIVERS_NWFILTER_APPLY_H
#define VIREO_DRIVERS_NWFILTER_APPLY_H

#include <glib.h>

struct node_state;

/* Apply filter (by name) to ifname, the host side of a guest interface
 * with MAC mac, on network (NULL when not a network interface: used to
 * learn the guest's IP from the network's DHCP leases when params give
 * no IP).  params: device_param* (conf/device_def.h) from <filterref>.
 * -1 with the error (NO_NWFILTER "referenced filter 'X' is missing",
 * BUILD_FIREWALL: not a bridge port, or nftables refused the rules;
 * INVALID_NWFILTER: a parameter that is no value for its attribute) and
 * nothing applied.  Called again for the same ifname, it replaces the
 * rules (after a restart of vireod too: the table is replaced whole). */
int nwfilter_instantiate(struct node_state *node, const char *ifname, const unsigned char mac[6],
                         const char *network, const char *filter, GPtrArray *params);
/* Remove ifname's rules (nothing when it has none) */
void nwfilter_teardown(struct node_state *node, const char *ifname);

#endif
