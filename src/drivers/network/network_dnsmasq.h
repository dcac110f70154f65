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
 * (it writes NAME.pid), -1 with the error set and nothing left running
 * (nor any file it wrote).  dnsmasq daemonizes in a session of its own:
 * it outlives vireod, which finds it again with dnsmasq_find.  A failed
 * start is INTERNAL_ERROR with dnsmasq's own message.  VIREO_DNSMASQ in
 * the environment names another binary (tests: a missing one). */
pid_t dnsmasq_start(const network_def *def, const char *bridge, const char *run_dir);
/* Rewrite the hosts files from def and make the running dnsmasq reread
 * them (SIGHUP) */
int dnsmasq_reload(const network_def *def, const char *run_dir, pid_t pid);
/* SIGTERM, wait (SIGKILL after a bound), remove NAME.pid and NAME.conf
 * (and the two hosts files; NAME.leases stays, as libvirt keeps its
 * status file).  A pid that is no longer our dnsmasq is not signalled. */
void dnsmasq_stop(const char *name, const char *run_dir, pid_t pid);
/* The pid in NAME.pid when that process is still our dnsmasq for name
 * (its command line names NAME.conf), else 0 */
pid_t dnsmasq_find(const char *name, const char *run_dir);

/* The network's current leases (unexpired), as new leases in out
 * (vireo_network_dhcp_lease*, freed with vireo_network_dhcp_lease_free);
 * mac NULL for all; iface is set to bridge.  0 / -1. */
int dnsmasq_leases_read(const char *name, const char *run_dir, const char *bridge,
                        const char *mac, GPtrArray *out);

/* Added by the implementation (H5): */

/* run_dir/NAMEsuffix (new string) */
char *dnsmasq_path(const char *run_dir, const char *name, const char *suffix);
/* The texts dnsmasq_start and dnsmasq_reload write (new strings): the
 * configuration for def on bridge with its files under run_dir, the
 * DHCP hosts file (NAME.hostsfile), the DNS hosts file (NAME.addnhosts) */
char *dnsmasq_conf_format(const network_def *def, const char *bridge, const char *run_dir);
char *dnsmasq_hostsfile_format(const network_def *def);
char *dnsmasq_addnhosts_format(const network_def *def);
/* Parse a lease file's text into out as dnsmasq_leases_read does, with
 * now (seconds since the epoch) deciding what has expired; prefix is
 * left 0 (dnsmasq_leases_read fills it from the bridge's addresses). */
int dnsmasq_leases_parse(const char *text, gint64 now, const char *bridge, const char *mac,
                         GPtrArray *out);

#endif
