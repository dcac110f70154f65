/*
 * network_firewall.h: a network's packet rules in nftables (libnftables).
 *
 * Each active network that needs rules owns one nftables table of
 * vireo's (family inet, name "vireo_<bridge>" with the bridge name made
 * safe), created and deleted as a whole: vireo never flushes, reorders
 * or edits a table it did not make, so the host's own tables (Docker's,
 * firewalld's, an administrator's) stay byte for byte as they were.
 *
 * Rules per forward mode, as libvirt's: nat (masquerade of the subnet
 * to other destinations, not to 224.0.0.0/24 / 255.255.255.255, ports
 * 1024-65535 for tcp/udp; forwarding to the subnet only for related and
 * established traffic), route (forwarding to and from the subnet),
 * isolated (none: no forwarding to or from the bridge), open (no table
 * at all); DHCP and DNS to the host from the bridge accepted.
 *
 * Known limit (libvirt has it too): nftables has no way for one table to
 * overrule another's drop.  An accept in vireo's table only ends the
 * walk through vireo's chain; a FORWARD chain with policy drop in
 * Docker's or firewalld's table (or iptables-nft's filter table) still
 * drops the guests' traffic.  On such hosts the administrator must let
 * the bridge through in that firewall (firewalld: the "libvirt" zone).
 */
#ifndef VIREO_DRIVERS_NETWORK_FIREWALL_H
#define VIREO_DRIVERS_NETWORK_FIREWALL_H

#include "conf/network_def.h"

/* Replace the network's table with the rules for def on bridge (created
 * in one nftables transaction: all or nothing).  -1 with
 * BUILD_FIREWALL / SYSTEM_ERROR naming the network. */
int network_firewall_add(const network_def *def, const char *bridge);
/* The nftables script network_firewall_add runs (new string), NULL with
 * BUILD_FIREWALL when def or bridge cannot be put into nft's syntax.
 * For the tests' expected-rules files. */
char *network_firewall_script(const network_def *def, const char *bridge);
/* Delete the network's table (no error when it is not there) */
int network_firewall_remove(const char *bridge);
/* The names of vireo's tables present now (for the restart sweep and
 * the tests): a NULL-terminated strv */
char **network_firewall_tables(void);

#endif
