/*
 * nwfilter_def.h: libvirt's network filter XML <-> nwfilter_def.
 *
 *   <filter name='NAME' chain='root|mac*|vlan*|stp*|arp*|rarp*|ipv4*|ipv6*'
 *           priority='-1000..1000'>
 *     <uuid>...</uuid>                                  generated when absent
 *     <rule action='drop|accept|reject|return|continue' direction='in|out|inout'
 *           priority='500' statematch='false'>
 *       <PROTOCOL match='no' ATTR='VALUE or $VAR or $VAR[1] or $VAR[@1]' .../>
 *     </rule>
 *     <filterref filter='NAME'><parameter name='N' value='V'/></filterref>
 *   </filter>
 *
 * A rule's protocol element is optional (none: the rule matches all the
 * traffic its chain sees).  Attribute values are kept as text (a value
 * may name a variable, resolved when the filter is instantiated on an
 * interface: drivers/nwfilter/nwfilter_rules.h) after checking them
 * against what nwfilter.rng allows.  Reading is strict (util/xml.h).
 */
#ifndef VIREO_CONF_NWFILTER_DEF_H
#define VIREO_CONF_NWFILTER_DEF_H

#include <glib.h>
#include <stdbool.h>

#include "vireo/vireo.h"

typedef enum {
    NWFILTER_DROP = 0,
    NWFILTER_ACCEPT,
    NWFILTER_REJECT,
    NWFILTER_RETURN,
    NWFILTER_CONTINUE,
} nwfilter_action;
extern const char *const nwfilter_action_names[];   /* by nwfilter_action */

typedef enum {
    NWFILTER_DIR_IN = 0,    /* to the guest */
    NWFILTER_DIR_OUT,       /* from the guest */
    NWFILTER_DIR_INOUT,
} nwfilter_direction;
extern const char *const nwfilter_direction_names[];

/* What a protocol element's attribute holds (nwfilter.rng's types) */
typedef enum {
    NWF_T_MAC, NWF_T_IP4, NWF_T_IP6, NWF_T_MASK4, NWF_T_MASK6, NWF_T_U8, NWF_T_U16,
    NWF_T_U32, NWF_T_SIXBIT, NWF_T_PROTOCOLID, NWF_T_VLANID, NWF_T_OPCODE, NWF_T_IPPROTO,
    NWF_T_BOOL, NWF_T_STATE, NWF_T_TCPFLAGS, NWF_T_COMMENT,
} nwfilter_attr_type;

typedef enum {
    NWF_L2 = 0,      /* mac, vlan, stp, arp, rarp, ip, ipv6: ebtables' layer in libvirt */
    NWF_L3,          /* tcp ... all-ipv6: iptables' layer in libvirt */
} nwfilter_layer;

/* One protocol element: its name and the attributes it takes, in the
 * order they are written. */
typedef struct nwfilter_protocol {
    const char *name;
    nwfilter_layer layer;
    bool ipv6;                    /* the -ipv6 variants, ipv6, icmpv6 */
    const char *const *attrs;     /* NULL-terminated */
} nwfilter_protocol;

/* Every protocol element (NULL name ends it) */
extern const nwfilter_protocol nwfilter_protocols[];
/* The protocol named name, NULL when none */
const nwfilter_protocol *nwfilter_protocol_find(const char *name);
/* The type of proto's attribute name */
nwfilter_attr_type nwfilter_attr_type_of(const nwfilter_protocol *proto, const char *name);
/* Whether value is valid for an attribute of type (a variable reference
 * where the schema allows one) */
bool nwfilter_value_valid(nwfilter_attr_type type, const char *value);
/* Whether value is a variable reference; *var (new string) its name,
 * *index its [N] (-1 none), *iterator its [@N] (0 when neither) */
bool nwfilter_value_var(const char *value, char **var, int *index, int *iterator);

/* One rule; owns its values */
typedef struct nwfilter_rule {
    nwfilter_action action;
    nwfilter_direction direction;
    int priority;                       /* -1000..1000, 500 by default */
    bool statematch_off;                /* statematch='false' */
    const nwfilter_protocol *proto;     /* NULL: no protocol element */
    bool match_no;                      /* match='no' */
    char **values;                      /* owned: one per proto->attrs, NULL when absent */
} nwfilter_rule;

/* a name='' value='' pair of a <filterref> (a name may repeat: a list) */
typedef struct nwfilter_param {
    char *name;
    char *value;
} nwfilter_param;

/* One child of <filter>, in document order: a rule or a filterref */
typedef struct nwfilter_entry {
    nwfilter_rule *rule;       /* owned, or NULL */
    char *ref;                 /* owned: the filterref's filter, or NULL */
    GPtrArray *ref_params;     /* owned: nwfilter_param * (NULL for a rule) */
} nwfilter_entry;

typedef struct nwfilter_def {
    char *name;                         /* owned */
    unsigned char uuid[VIREO_UUID_BUFLEN];
    bool uuid_generated;                /* no <uuid> given: a redefinition keeps the old one */
    char *chain;                        /* owned: "root" when not given */
    int priority;                       /* the chain's; its default when not given */
    bool priority_set;                  /* priority='' was given (written back) */
    GPtrArray *entries;                 /* owned: nwfilter_entry * */
} nwfilter_def;

/* Parse filter XML.  NULL with the error (XML_ERROR naming the element,
 * attribute and line; INVALID_NWFILTER naming the filter). */
nwfilter_def *nwfilter_def_parse(const char *xml);
/* The XML in libvirt's layout; caller g_free()s */
char *nwfilter_def_format(const nwfilter_def *def);
void nwfilter_def_free(nwfilter_def *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(nwfilter_def, nwfilter_def_free)

/* The default priority of a chain by its prefix (libvirt's: stp -810,
 * mac -800, vlan -750, ipv4 -700, ipv6 -600, arp -500, rarp -400,
 * root 0) */
int nwfilter_chain_default_priority(const char *chain);

void nwfilter_param_free(nwfilter_param *p);

/* Report the thread's error again with before and after around its
 * detail (same code and domain) */
void nwfilter_error_amend(const char *before, const char *after);

#endif
