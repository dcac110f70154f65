/*
 * network_def.h: libvirt's network XML (<network>) as C structs, read
 * and written back as libvirt writes it, and the edits of
 * virNetworkUpdate.
 *
 * Addresses are kept as written (text: they go into dnsmasq's and nft's
 * text as they are); network_addr.c answers the questions on them
 * (containment, overlap) with parsed forms.  Every struct owns what it
 * points to; network_def_free frees the whole tree.
 */
#ifndef VIREO_CONF_NETWORK_DEF_H
#define VIREO_CONF_NETWORK_DEF_H

#include <glib.h>
#include <stdbool.h>

#include "conf/bandwidth.h"
#include "vireo/vireo.h"

typedef enum {
    NETWORK_FORWARD_NONE = 0,     /* no <forward>: isolated */
    NETWORK_FORWARD_NAT,
    NETWORK_FORWARD_ROUTE,
    NETWORK_FORWARD_OPEN,
    NETWORK_FORWARD_BRIDGE,       /* an existing host bridge (<bridge name=''/>) */
    NETWORK_FORWARD_PRIVATE,      /* macvtap modes over <forward dev=''> */
    NETWORK_FORWARD_VEPA,
    NETWORK_FORWARD_PASSTHROUGH,
    NETWORK_FORWARD_HOSTDEV,      /* read and written back; start refuses it */
} network_forward_mode;

typedef struct network_dhcp_range {
    char *start;
    char *end;
    unsigned long long lease_seconds;  /* <lease expiry='' unit=''/>, 0 none */
    bool lease_infinite;               /* expiry='0' */
    int lease_unit;                    /* as written: 0 seconds, 1 minutes, 2 hours */
} network_dhcp_range;

typedef struct network_dhcp_host {
    char *mac;                    /* IPv4 hosts; lower case */
    char *id;                     /* IPv6 hosts (DUID) */
    char *name;
    char *ip;
    unsigned long long lease_seconds;  /* as in network_dhcp_range */
    bool lease_infinite;
    int lease_unit;
} network_dhcp_host;

typedef struct network_ip {
    int family;                   /* AF_INET or AF_INET6 */
    char *address;                /* the host's address on the bridge */
    unsigned int prefix;          /* from prefix='' or netmask='', else the natural one */
    char *netmask;                /* as written, NULL when prefix='' was */
    bool has_prefix;              /* prefix='' (> 0) was written: formatted back */
    bool has_family;              /* family='' was written: formatted back */
    char *localptr;               /* localPtr='yes' */
    bool has_dhcp;                /* a <dhcp> element */
    GPtrArray *ranges;            /* network_dhcp_range* */
    GPtrArray *hosts;             /* network_dhcp_host* */
    char *bootp_file;
    char *bootp_server;
    char *tftp_root;
} network_ip;

typedef struct network_dns_host {
    char *ip;
    GPtrArray *hostnames;         /* char* */
} network_dns_host;

typedef struct network_dns_txt {
    char *name;
    char *value;
} network_dns_txt;

typedef struct network_dns_srv {
    char *service, *protocol, *domain, *target;
    unsigned int port, priority, weight;
    bool has_port, has_priority, has_weight;
} network_dns_srv;

typedef struct network_dns_forwarder {
    char *addr;                   /* NULL when only domain */
    char *domain;                 /* NULL when only addr */
} network_dns_forwarder;

typedef struct network_dns {
    int enable;                   /* -1 unset, 0 enable='no', 1 'yes' */
    int forward_plain_names;      /* -1 unset, 0 / 1 */
    GPtrArray *forwarders;        /* network_dns_forwarder* */
    GPtrArray *txts;              /* network_dns_txt* */
    GPtrArray *srvs;              /* network_dns_srv* */
    GPtrArray *hosts;             /* network_dns_host* */
} network_dns;

typedef struct network_portgroup {
    char *name;
    bool is_default;
    vireo_bandwidth *bandwidth;   /* NULL none */
    int trust_guest_rx_filters;   /* -1 unset */
} network_portgroup;

typedef struct network_def {
    unsigned char uuid[VIREO_UUID_BUFLEN];
    char *name;
    char *title;
    char *description;

    network_forward_mode forward;
    char *forward_dev;            /* <forward dev=''> */
    GPtrArray *forward_ifaces;    /* char*: <forward><interface dev=''/> */
    char *nat_addr_start, *nat_addr_end;   /* <nat><address start end/> */
    unsigned int nat_port_start, nat_port_end;
    int nat_ipv6;                 /* <nat ipv6='yes'>: -1 unset */
    bool forward_managed;         /* hostdev: <forward managed='yes'> */

    char *bridge;                 /* <bridge name=''>; filled in at define when absent */
    int stp;                      /* -1 unset (on), 0 off, 1 on */
    unsigned int delay;           /* seconds */
    char *mac;                    /* <mac address=''/> of the bridge; filled in at define */
    char *zone;                   /* <bridge zone=''> (firewalld), kept only */
    unsigned int mtu;             /* <mtu size=''/>, 0 none */
    int ipv6;                     /* <network ipv6='yes'>: -1 unset */
    int trust_guest_rx_filters;   /* -1 unset */

    char *domain_name;            /* <domain name=''> */
    int domain_local_only;        /* localOnly='yes': -1 unset */
    network_dns dns;
    GPtrArray *ips;               /* network_ip*, in document order */
    GPtrArray *portgroups;        /* network_portgroup* */
    vireo_bandwidth *bandwidth;   /* NULL none */
} network_def;

/* Parse one <network> document.  The uuid stays all zero, and bridge and
 * mac NULL, when the XML has none: the network driver fills them at
 * define; network_def_format writes what is there.  Errors are libvirt's
 * codes and texts (XML_ERROR, CONFIG_UNSUPPORTED, and INTERNAL_ERROR for a
 * DHCP range outside its <ip>'s subnet, as libvirt), each naming the
 * network: a host address outside the subnet, two <ip> of one family with
 * DHCP, what the forward mode does not allow.  NULL with the error set. */
network_def *network_def_parse(const char *xml);
/* The XML libvirt writes for def (2-space indent, libvirt's order). */
char *network_def_format(const network_def *def);
void network_def_free(network_def *def);
network_def *network_def_copy(const network_def *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_def, network_def_free)

/* The first <ip> of family (AF_INET / AF_INET6) with DHCP ranges or
 * hosts, NULL when none. */
network_ip *network_def_dhcp_ip(const network_def *def, int family);

/* Apply one virNetworkUpdate edit (VIREO_NETWORK_UPDATE_COMMAND_*,
 * VIREO_NETWORK_SECTION_*, parent_index -1 for the one <ip> that fits)
 * to def in place.  Refused edits change nothing: OPERATION_INVALID /
 * XML_ERROR / NO_SUPPORT as libvirt (a host already there, a host not
 * there for delete, a section it cannot change live...). */
int network_def_update(network_def *def, unsigned int command, unsigned int section,
                       int parent_index, const char *xml);

/* Subnet questions (network_addr.c): a and b share an address. */
bool network_ip_overlaps(const network_ip *a, const network_ip *b);
/* addr (text) lies in ip's subnet */
bool network_ip_contains(const network_ip *ip, const char *addr);
/* The network address of ip ("192.168.122.0"; its prefix is ip->prefix),
 * a new string */
char *network_ip_subnet(const network_ip *ip);

#endif
