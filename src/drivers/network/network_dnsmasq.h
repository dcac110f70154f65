/*
 * network_dnsmasq.h: one dnsmasq per network for DHCP and DNS.
 *
 * Files under run_dir (vireod's run/libvirt/network/): NAME.conf (the
 * configuration), NAME.hostsfile (static DHCP hosts), NAME.addnhosts
 * (DNS hosts), NAME.pid, NAME.leases (dnsmasq's lease file).  dnsmasq
 * listens only on the network's bridge (bind-dynamic, interface=).
 */
#ifndef VIREO_DRIVERS_NETWORK_DNSMASQ_H
#define VIREO_DRIVERS_NETWORK_DNSMASQ_H

#include <sys/types.h>

#include "conf/network_def.h"

/* Whether the network needs a dnsmasq (DHCP ranges/hosts or DNS on) */
bool dnsmasq_needed(const network_def *def);
/* The dnsmasq binary, or NULL with OPERATION_FAILED (libvirt's text:
 * "Cannot find 'dnsmasq' in path") */
const char *dnsmasq_binary(void);

/* Write the files and start dnsmasq for def on bridge; returns its pid
 * (it writes NAME.pid), -1 with the error set and nothing left running */
pid_t dnsmasq_start(const network_def *def, const char *bridge, const char *run_dir);
/* Rewrite the hosts files from def and make the running dnsmasq reread
 * them (SIGHUP) */
int dnsmasq_reload(const network_def *def, const char *run_dir, pid_t pid);
/* SIGTERM, wait (SIGKILL after a bound), remove NAME.pid and NAME.conf
 * (NAME.leases stays, as libvirt keeps its status file) */
void dnsmasq_stop(const char *name, const char *run_dir, pid_t pid);
/* The pid in NAME.pid when that process is still our dnsmasq for name
 * (its command line names NAME.conf), else 0 */
pid_t dnsmasq_find(const char *name, const char *run_dir);

/* The network's current leases (unexpired), as new leases in out
 * (vireo_network_dhcp_lease*, freed with vireo_network_dhcp_lease_free);
 * mac NULL for all; iface is set to bridge.  0 / -1. */
int dnsmasq_leases_read(const char *name, const char *run_dir, const char *bridge,
                        const char *mac, GPtrArray *out);

#endif
