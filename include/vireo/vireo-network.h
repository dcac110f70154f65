/*
 * vireo-network.h: virtual networks, network filters, host interfaces
 * and guest interface addresses (included by vireo.h; do not include it
 * alone).
 *
 * Same conventions as vireo.h.  Every number is libvirt's (virNetwork*,
 * virNWFilter*, virInterface*, virDomainInterface*).  Handles hold a
 * reference the caller drops with vireo_network_free(),
 * vireo_nwfilter_free(), vireo_interface_free().
 */
#ifndef VIREO_VIREO_NETWORK_H
#define VIREO_VIREO_NETWORK_H

/* ------------------------------------------------------------------ */
/* Networks                                                            */
/* ------------------------------------------------------------------ */

/* virNetworkXMLFlags */
enum { VIREO_NETWORK_XML_INACTIVE = 1 << 0 };
/* virNetworkDefineFlags, virNetworkCreateFlags */
enum { VIREO_NETWORK_DEFINE_VALIDATE = 1 << 0 };
enum { VIREO_NETWORK_CREATE_VALIDATE = 1 << 0 };

/* virConnectListAllNetworksFlags */
enum {
    VIREO_LIST_NETWORKS_INACTIVE = 1 << 0,
    VIREO_LIST_NETWORKS_ACTIVE = 1 << 1,
    VIREO_LIST_NETWORKS_PERSISTENT = 1 << 2,
    VIREO_LIST_NETWORKS_TRANSIENT = 1 << 3,
    VIREO_LIST_NETWORKS_AUTOSTART = 1 << 4,
    VIREO_LIST_NETWORKS_NO_AUTOSTART = 1 << 5,
};

/* virNetworkUpdateCommand */
enum {
    VIREO_NETWORK_UPDATE_COMMAND_NONE = 0,
    VIREO_NETWORK_UPDATE_COMMAND_MODIFY = 1,
    VIREO_NETWORK_UPDATE_COMMAND_DELETE = 2,
    VIREO_NETWORK_UPDATE_COMMAND_ADD_LAST = 3,
    VIREO_NETWORK_UPDATE_COMMAND_ADD_FIRST = 4,
};
/* virNetworkUpdateSection */
enum {
    VIREO_NETWORK_SECTION_NONE = 0,
    VIREO_NETWORK_SECTION_BRIDGE = 1,
    VIREO_NETWORK_SECTION_DOMAIN = 2,
    VIREO_NETWORK_SECTION_IP = 3,
    VIREO_NETWORK_SECTION_IP_DHCP_HOST = 4,
    VIREO_NETWORK_SECTION_IP_DHCP_RANGE = 5,
    VIREO_NETWORK_SECTION_FORWARD = 6,
    VIREO_NETWORK_SECTION_FORWARD_INTERFACE = 7,
    VIREO_NETWORK_SECTION_FORWARD_PF = 8,
    VIREO_NETWORK_SECTION_PORTGROUP = 9,
    VIREO_NETWORK_SECTION_DNS_HOST = 10,
    VIREO_NETWORK_SECTION_DNS_TXT = 11,
    VIREO_NETWORK_SECTION_DNS_SRV = 12,
};
/* virNetworkUpdateFlags */
enum {
    VIREO_NETWORK_UPDATE_AFFECT_CURRENT = 0,
    VIREO_NETWORK_UPDATE_AFFECT_LIVE = 1 << 0,
    VIREO_NETWORK_UPDATE_AFFECT_CONFIG = 1 << 1,
};

/* virIPAddrType */
enum { VIREO_IP_ADDR_TYPE_IPV4 = 0, VIREO_IP_ADDR_TYPE_IPV6 = 1 };

/* virNetworkDHCPLease: one lease of a network's DHCP server.  Strings
 * owned by the lease; NULL where unknown. */
typedef struct vireo_network_dhcp_lease {
    char *iface;              /* the network's bridge */
    long long expirytime;     /* seconds since the epoch; 0 never expires */
    int type;                 /* VIREO_IP_ADDR_TYPE_* */
    char *mac;                /* IPv4 only */
    char *iaid;               /* IPv6 only */
    char *ipaddr;
    unsigned int prefix;
    char *hostname;
    char *clientid;           /* IPv4 client id, IPv6 DUID */
} vireo_network_dhcp_lease;

const char *vireo_network_get_name(vireo_network *net);
int vireo_network_get_uuid(vireo_network *net, unsigned char uuid[VIREO_UUID_BUFLEN]);
int vireo_network_get_uuid_string(vireo_network *net, char buf[VIREO_UUID_STRING_BUFLEN]);
vireo_conn *vireo_network_get_conn(vireo_network *net);
int vireo_network_ref(vireo_network *net);
int vireo_network_free(vireo_network *net);

vireo_network *vireo_network_lookup_by_name(vireo_conn *conn, const char *name);
vireo_network *vireo_network_lookup_by_uuid(vireo_conn *conn,
                                            const unsigned char uuid[VIREO_UUID_BUFLEN]);
vireo_network *vireo_network_lookup_by_uuid_string(vireo_conn *conn, const char *uuid);
/* *nets: NULL-terminated, sorted by name; returns the count */
int vireo_conn_list_all_networks(vireo_conn *conn, vireo_network ***nets, unsigned int flags);
void vireo_network_list_free(vireo_network **nets);

vireo_network *vireo_network_define_xml(vireo_conn *conn, const char *xml, unsigned int flags);
vireo_network *vireo_network_create_xml(vireo_conn *conn, const char *xml, unsigned int flags);
int vireo_network_undefine(vireo_network *net);
int vireo_network_create(vireo_network *net);
int vireo_network_destroy(vireo_network *net);
char *vireo_network_get_xml_desc(vireo_network *net, unsigned int flags);
/* The bridge's name (caller frees) */
char *vireo_network_get_bridge_name(vireo_network *net);
int vireo_network_get_autostart(vireo_network *net, int *autostart);
int vireo_network_set_autostart(vireo_network *net, int autostart);
int vireo_network_is_active(vireo_network *net);
int vireo_network_is_persistent(vireo_network *net);
/* command, section, flags as above; parent_index -1 for "any" (the one
 * <ip> that has DHCP, for example); xml is the section's element */
int vireo_network_update(vireo_network *net, unsigned int command, unsigned int section,
                         int parent_index, const char *xml, unsigned int flags);
/* mac NULL: every lease.  *leases: an array of count leases (not
 * NULL-terminated; NULL when count is 0); free each with
 * vireo_network_dhcp_lease_free and the array with free(). */
int vireo_network_get_dhcp_leases(vireo_network *net, const char *mac,
                                  vireo_network_dhcp_lease ***leases, unsigned int flags);
void vireo_network_dhcp_lease_free(vireo_network_dhcp_lease *lease);

/* virNetworkEventID, virNetworkEventLifecycleType */
enum { VIREO_NETWORK_EVENT_ID_LIFECYCLE = 0 };
enum {
    VIREO_NETWORK_EVENT_DEFINED = 0,
    VIREO_NETWORK_EVENT_UNDEFINED = 1,
    VIREO_NETWORK_EVENT_STARTED = 2,
    VIREO_NETWORK_EVENT_STOPPED = 3,
};
/* net is borrowed for the call; detail is 0 */
typedef void (*vireo_network_event_lifecycle_cb)(vireo_conn *conn, vireo_network *net,
                                                 int event, int detail, void *opaque);
/* As vireo_conn_domain_event_register_any: net NULL for every network. */
int vireo_conn_network_event_register_any(vireo_conn *conn, vireo_network *net, int event_id,
                                          void (*cb)(void), void *opaque, vireo_free_cb freecb);
int vireo_conn_network_event_deregister_any(vireo_conn *conn, int callback_id);

/* ------------------------------------------------------------------ */
/* Network filters (nwfilter)                                          */
/* ------------------------------------------------------------------ */

const char *vireo_nwfilter_get_name(vireo_nwfilter *filter);
int vireo_nwfilter_get_uuid(vireo_nwfilter *filter, unsigned char uuid[VIREO_UUID_BUFLEN]);
int vireo_nwfilter_get_uuid_string(vireo_nwfilter *filter, char buf[VIREO_UUID_STRING_BUFLEN]);
int vireo_nwfilter_ref(vireo_nwfilter *filter);
int vireo_nwfilter_free(vireo_nwfilter *filter);

vireo_nwfilter *vireo_nwfilter_lookup_by_name(vireo_conn *conn, const char *name);
vireo_nwfilter *vireo_nwfilter_lookup_by_uuid(vireo_conn *conn,
                                              const unsigned char uuid[VIREO_UUID_BUFLEN]);
vireo_nwfilter *vireo_nwfilter_lookup_by_uuid_string(vireo_conn *conn, const char *uuid);
/* *filters: NULL-terminated, sorted by name; flags must be 0 */
int vireo_conn_list_all_nwfilters(vireo_conn *conn, vireo_nwfilter ***filters,
                                  unsigned int flags);
void vireo_nwfilter_list_free(vireo_nwfilter **filters);
/* Defining a filter that exists (same name and UUID) replaces it and
 * re-applies it to every interface using it, directly or through
 * another filter. */
vireo_nwfilter *vireo_nwfilter_define_xml(vireo_conn *conn, const char *xml, unsigned int flags);
/* Refused (OPERATION_INVALID) while an interface or filter uses it */
int vireo_nwfilter_undefine(vireo_nwfilter *filter);
char *vireo_nwfilter_get_xml_desc(vireo_nwfilter *filter, unsigned int flags);

/* ------------------------------------------------------------------ */
/* Host interfaces (read-only)                                         */
/* ------------------------------------------------------------------ */

/* virConnectListAllInterfacesFlags, virInterfaceXMLFlags */
enum { VIREO_LIST_INTERFACES_INACTIVE = 1 << 0, VIREO_LIST_INTERFACES_ACTIVE = 1 << 1 };
enum { VIREO_INTERFACE_XML_INACTIVE = 1 << 0 };

const char *vireo_interface_get_name(vireo_interface *iface);
const char *vireo_interface_get_mac_string(vireo_interface *iface);
vireo_conn *vireo_interface_get_conn(vireo_interface *iface);
int vireo_interface_ref(vireo_interface *iface);
int vireo_interface_free(vireo_interface *iface);

vireo_interface *vireo_interface_lookup_by_name(vireo_conn *conn, const char *name);
vireo_interface *vireo_interface_lookup_by_mac_string(vireo_conn *conn, const char *mac);
/* *ifaces: NULL-terminated, sorted by name */
int vireo_conn_list_all_interfaces(vireo_conn *conn, vireo_interface ***ifaces,
                                   unsigned int flags);
void vireo_interface_list_free(vireo_interface **ifaces);
char *vireo_interface_get_xml_desc(vireo_interface *iface, unsigned int flags);
int vireo_interface_is_active(vireo_interface *iface);

/* ------------------------------------------------------------------ */
/* Guest interface addresses (domifaddr)                               */
/* ------------------------------------------------------------------ */

/* virDomainInterfaceAddressesSource */
enum {
    VIREO_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE = 0,
    VIREO_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT = 1,
    VIREO_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP = 2,
};

typedef struct vireo_domain_ip_address {
    int type;                 /* VIREO_IP_ADDR_TYPE_* */
    char *addr;
    unsigned int prefix;
} vireo_domain_ip_address;

typedef struct vireo_domain_interface {
    char *name;               /* the host side name (vnet0) */
    char *hwaddr;             /* the guest's MAC */
    unsigned int naddrs;
    vireo_domain_ip_address *addrs;
} vireo_domain_interface;

/* *ifaces: an array of count interfaces (NULL when 0); free each with
 * vireo_domain_interface_free and the array with free(). */
int vireo_domain_interface_addresses(vireo_domain *dom, vireo_domain_interface ***ifaces,
                                     unsigned int source, unsigned int flags);
void vireo_domain_interface_free(vireo_domain_interface *iface);

#endif
