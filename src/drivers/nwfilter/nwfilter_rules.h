/*
 * nwfilter_rules.h: a filter tree with its variables -> one nftables
 * script for one interface (no host change here: nwfilter_apply.c runs
 * the script).
 *
 * Layout of the table vireo_f_<ifname> (family bridge):
 *   out_root / in_root      the root chain for traffic from / to the guest;
 *                           rules of filters with chain='root' and a jump
 *                           to each sub-chain, in priority order (a jump
 *                           has its chain's priority), each jump guarded
 *                           by the chain's protocol (ipv4*: ether type ip,
 *                           arp*: ether type arp, ...)
 *   o<N>_<chain>, i<N>_<chain>
 *                           the rules of the filters with that chain, in
 *                           rule priority order
 *   out_l3 / in_l3          the tcp, udp, icmp, all, ... rules (libvirt's
 *                           iptables layer), in rule priority order
 *   base_* chains           hooked on forward/input/output, they jump to
 *                           the roots on iifname/oifname == the tap; the
 *                           L3 chains hang on their own base chains, so a
 *                           packet must pass both layers, as with libvirt.
 * Verdicts: accept ends this interface's filtering of the packet in that
 * layer (nft's accept ends the base chain, not other tables); drop and
 * reject drop (reject is a drop: the bridge family cannot reject on
 * forward); return goes back to the calling chain; continue goes on.
 * When a root chain ends, the packet passes (libvirt's default).
 * L3 rules are stateless: statematch is not applied (state='' is, with
 * ct state).
 */
#ifndef VIREO_DRIVERS_NWFILTER_RULES_H
#define VIREO_DRIVERS_NWFILTER_RULES_H

#include <glib.h>

#include "conf/nwfilter_def.h"

/* The filter named name (borrowed until the build returns), NULL when none */
typedef const nwfilter_def *(*nwfilter_lookup_fn)(const char *name, void *opaque);

/* Variables: name -> GPtrArray of value strings (a list when several) */
GHashTable *nwfilter_vars_new(void);
void nwfilter_vars_add(GHashTable *vars, const char *name, const char *value);
/* A copy of vars with params (nwfilter_param *) added over it: a name
 * given in params replaces the inherited list */
GHashTable *nwfilter_vars_overlay(GHashTable *vars, GPtrArray *params);

/* The table's name for ifname (new string): "vireo_f_" + ifname made safe */
char *nwfilter_table_name(const char *ifname);

/* The script that (re)places ifname's table with the rules of the
 * filter tree rooted at filter, in one transaction.  NULL with the error:
 * NO_NWFILTER "referenced filter 'X' is missing", INVALID_NWFILTER (a
 * loop of filterrefs, a variable without value), BUILD_FIREWALL (a match
 * nftables cannot express).  When a variable has no value and missing is
 * not NULL, *missing is set to its name (new string). */
char *nwfilter_rules_build(nwfilter_lookup_fn lookup, void *opaque, const char *filter,
                           GHashTable *vars, const char *ifname, char **missing);
/* The script allowing only DHCP and ARP probes from mac and DHCP and ARP
 * to it: while the guest's IP is not known yet */
char *nwfilter_rules_learning(const char *ifname, const unsigned char mac[6]);
/* "delete table bridge vireo_f_<ifname>" */
char *nwfilter_rules_delete(const char *ifname);

/* Whether the tree rooted at filter references filter name (itself
 * included); false when a filter is missing */
gboolean nwfilter_tree_references(nwfilter_lookup_fn lookup, void *opaque, const char *filter,
                                  const char *name);

#endif
