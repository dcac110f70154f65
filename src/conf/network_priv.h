/*
 * network_priv.h: what the network XML files (network_def.c,
 * network_ip.c, network_dns.c, network_format.c, network_update.c,
 * network_addr.c) share and nobody else needs.
 */
#ifndef VIREO_CONF_NETWORK_PRIV_H
#define VIREO_CONF_NETWORK_PRIV_H

#include "conf/network_def.h"
#include "util/xml.h"

extern const char *const network_forward_names[];  /* by network_forward_mode */
extern const char *const network_lease_units[];    /* seconds, minutes, hours */

/* A parsed address: family AF_INET (4 bytes used) or AF_INET6. */
typedef struct net_addr {
    int family;
    unsigned char b[16];
} net_addr;

/* Parse text as family (AF_UNSPEC: either); 0, or -1 without an error
 * set (callers word their own, naming the network). */
int net_addr_parse(const char *text, int family, net_addr *out);
/* The canonical text (inet_ntop), caller frees */
char *net_addr_format(const net_addr *a);
/* The number of leading one bits of a netmask, -1 when not contiguous */
int net_addr_mask_bits(const net_addr *mask);
/* The natural prefix of an address without prefix or netmask, as libvirt
 * (class A/B/C, 64 for IPv6, 0 for the any address); -1 for none */
int net_addr_natural_prefix(const net_addr *a);
/* Whether a and b agree on their first prefix bits */
bool net_addr_same_subnet(const net_addr *a, const net_addr *b, unsigned int prefix);
/* memcmp order of two addresses of one family */
int net_addr_cmp(const net_addr *a, const net_addr *b);
/* The network (host bits cleared) and broadcast (host bits set) of a */
void net_addr_network(const net_addr *a, unsigned int prefix, net_addr *out);
void net_addr_broadcast(const net_addr *a, unsigned int prefix, net_addr *out);
/* The address of ip parsed (it was checked at parse) */
bool network_ip_addr(const network_ip *ip, net_addr *out);

/* Element parsers shared by the whole-document parse and the edits of
 * network_def_update.  partial: a delete's match pattern, where libvirt
 * lets attributes be missing.  name names the network in errors. */
int network_dhcp_range_parse(xml_doc *d, xmlNode *node, const char *name,
                             const network_ip *ip, network_dhcp_range **out);
int network_dhcp_host_parse(xml_doc *d, xmlNode *node, const char *name, const network_ip *ip,
                            bool partial, network_dhcp_host **out);
int network_dns_host_parse(xml_doc *d, xmlNode *node, const char *name, bool partial,
                           network_dns_host **out);
int network_dns_txt_parse(xml_doc *d, xmlNode *node, const char *name, bool partial,
                          network_dns_txt **out);
int network_dns_srv_parse(xml_doc *d, xmlNode *node, const char *name, bool partial,
                          network_dns_srv **out);
int network_portgroup_parse(xml_doc *d, xmlNode *node, const char *name,
                            network_portgroup **out);

/* <ip> and <dns> of a network (network_ip.c, network_dns.c) */
int network_ip_parse(xml_doc *d, xmlNode *node, const char *name, network_ip **out);
int network_dns_parse(xml_doc *d, xmlNode *node, const char *name, network_dns *dns);

/* <forward> of root into def (network_forward.c) */
int network_forward_parse(xml_doc *d, xmlNode *root, network_def *def);
/* The checks across elements, once all is read: what the forward mode
 * allows, one DHCP <ip> per family, portgroups.  stp_given: <bridge stp>
 * was written. */
int network_def_check(const network_def *def, bool stp_given);

/* Refuse a child element (or attribute, names starting with '@') of
 * parent that libvirt knows and vireo does not model: CONFIG_UNSUPPORTED
 * naming it, instead of a generic "unsupported element". */
int network_refuse_unmodelled(xmlNode *parent, const char *const *names, const char *name);

void network_dhcp_range_free(gpointer p);
void network_dhcp_host_free(gpointer p);
void network_ip_free(gpointer p);
void network_dns_host_free(gpointer p);
void network_dns_txt_free(gpointer p);
void network_dns_srv_free(gpointer p);
void network_dns_forwarder_free(gpointer p);
void network_portgroup_free(gpointer p);
/* Empty arrays for a fresh dns (network_def_parse and zeroed defs) */
void network_dns_init(network_dns *dns);
void network_dns_clear(network_dns *dns);

/* Lease (<lease expiry unit/>) of a range or host: 0, or -1 with the error */
int network_lease_parse(xml_doc *d, xmlNode *parent, unsigned long long *seconds,
                        bool *infinite, int *unit);

#endif
