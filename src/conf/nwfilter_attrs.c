/*
 * nwfilter_attrs.c: the protocol elements of a filter rule, the
 * attributes each takes and the values each attribute accepts, as
 * nwfilter.rng lists them (so that what vireo writes validates).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "conf/nwfilter_def.h"
#include "util/xml.h"

#define str_in(v, words) (str_enum_index((words), (v)) >= 0)

#define L2_MACS "srcmacaddr", "srcmacmask", "dstmacaddr", "dstmacmask"
#define PORTS "srcportstart", "srcportend", "dstportstart", "dstportend"
#define IP_P1 "srcipaddr", "srcipmask", "dstipaddr", "dstipmask"
#define IP_P2 "srcipfrom", "srcipto", "dstipfrom", "dstipto", "dscp", "connlimit-above", "state"
#define IP6_P2 "srcipfrom", "srcipto", "dstipfrom", "dstipto", "dscp"
#define ARP "arpsrcmacaddr", "arpsrcipaddr", "arpdstmacaddr", "arpdstipaddr", "hwtype", \
    "opcode", "protocoltype", "gratuitous"

static const char *const a_mac[] = { L2_MACS, "protocolid", "comment", NULL };
static const char *const a_vlan[] = { L2_MACS, "vlanid", "encap-protocol", "comment",
                                      NULL };
static const char *const a_stp[] = {
    "srcmacaddr", "srcmacmask", "type", "flags", "root-priority", "root-priority-hi",
    "root-address", "root-address-mask", "root-cost", "root-cost-hi", "sender-priority",
    "sender-priority-hi", "sender-address", "sender-address-mask", "port", "port-hi", "age",
    "age-hi", "max-age", "max-age-hi", "hello-time", "hello-time-hi", "forward-delay",
    "forward-delay-hi", "comment", NULL,
};
static const char *const a_arp[] = { L2_MACS, ARP, "comment", NULL };
static const char *const a_ip[] = { L2_MACS, IP_P1, PORTS, "protocol", "dscp",
                                    "comment", NULL };
static const char *const a_ipv6[] = { L2_MACS, IP_P1, PORTS, "protocol", "type",
                                      "typeend", "code", "codeend", "comment", NULL };
static const char *const a_tcp[] = { "srcmacaddr", PORTS, IP_P1, IP_P2, "flags",
                                     "comment", NULL };
static const char *const a_udp[] = { "srcmacaddr", PORTS, IP_P1, IP_P2, "comment",
                                     NULL };
static const char *const a_icmp[] = { "srcmacaddr", IP_P1, IP_P2, "type", "code",
                                      "comment", NULL };
static const char *const a_l3[] = { "srcmacaddr", IP_P1, IP_P2, "comment", NULL };
static const char *const a_tcp6[] = { "srcmacaddr", PORTS, IP_P1, IP6_P2, "flags",
                                      "comment", NULL };
static const char *const a_udp6[] = { "srcmacaddr", PORTS, IP_P1, IP6_P2, "comment",
                                      NULL };
static const char *const a_icmp6[] = { "srcmacaddr", IP_P1, IP6_P2, "type", "code",
                                       "comment", NULL };
static const char *const a_l36[] = { "srcmacaddr", IP_P1, IP6_P2, "comment", NULL };

const nwfilter_protocol nwfilter_protocols[] = {
    { "mac", NWF_L2, false, a_mac },
    { "vlan", NWF_L2, false, a_vlan },
    { "stp", NWF_L2, false, a_stp },
    { "arp", NWF_L2, false, a_arp },
    { "rarp", NWF_L2, false, a_arp },
    { "ip", NWF_L2, false, a_ip },
    { "ipv6", NWF_L2, true, a_ipv6 },
    { "tcp", NWF_L3, false, a_tcp },
    { "udp", NWF_L3, false, a_udp },
    { "sctp", NWF_L3, false, a_udp },
    { "icmp", NWF_L3, false, a_icmp },
    { "igmp", NWF_L3, false, a_l3 },
    { "all", NWF_L3, false, a_l3 },
    { "esp", NWF_L3, false, a_l3 },
    { "ah", NWF_L3, false, a_l3 },
    { "udplite", NWF_L3, false, a_l3 },
    { "tcp-ipv6", NWF_L3, true, a_tcp6 },
    { "udp-ipv6", NWF_L3, true, a_udp6 },
    { "sctp-ipv6", NWF_L3, true, a_udp6 },
    { "icmpv6", NWF_L3, true, a_icmp6 },
    { "all-ipv6", NWF_L3, true, a_l36 },
    { "esp-ipv6", NWF_L3, true, a_l36 },
    { "ah-ipv6", NWF_L3, true, a_l36 },
    { "udplite-ipv6", NWF_L3, true, a_l36 },
    { NULL, NWF_L2, false, NULL },
};

const nwfilter_protocol *nwfilter_protocol_find(const char *name)
{
    for (const nwfilter_protocol *p = nwfilter_protocols; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

typedef struct {
    const char *name;
    nwfilter_attr_type type;
} attr_type_entry;

/* The attributes whose type does not depend on the protocol */
static const attr_type_entry attr_types[] = {
    { "srcmacaddr", NWF_T_MAC }, { "srcmacmask", NWF_T_MAC },
    { "dstmacaddr", NWF_T_MAC }, { "dstmacmask", NWF_T_MAC }, { "protocolid", NWF_T_PROTOCOLID },
    { "encap-protocol", NWF_T_PROTOCOLID }, { "vlanid", NWF_T_VLANID },
    { "arpsrcmacaddr", NWF_T_MAC }, { "arpdstmacaddr", NWF_T_MAC },
    { "arpsrcipaddr", NWF_T_IP4 }, { "arpdstipaddr", NWF_T_IP4 }, { "hwtype", NWF_T_U16 },
    { "opcode", NWF_T_OPCODE }, { "protocoltype", NWF_T_U16 }, { "gratuitous", NWF_T_BOOL },
    { "srcportstart", NWF_T_U16 }, { "srcportend", NWF_T_U16 }, { "dstportstart", NWF_T_U16 },
    { "dstportend", NWF_T_U16 }, { "protocol", NWF_T_IPPROTO }, { "dscp", NWF_T_SIXBIT },
    { "connlimit-above", NWF_T_U16 }, { "state", NWF_T_STATE }, { "type", NWF_T_U8 },
    { "typeend", NWF_T_U8 }, { "code", NWF_T_U8 }, { "codeend", NWF_T_U8 },
    { "comment", NWF_T_COMMENT }, { "root-address", NWF_T_MAC },
    { "root-address-mask", NWF_T_MAC }, { "sender-address", NWF_T_MAC },
    { "sender-address-mask", NWF_T_MAC }, { "root-cost", NWF_T_U32 },
    { "root-cost-hi", NWF_T_U32 },
};

nwfilter_attr_type nwfilter_attr_type_of(const nwfilter_protocol *proto, const char *name)
{
    bool v6 = proto->ipv6;

    if (strcmp(name, "flags") == 0)
        return strcmp(proto->name, "stp") == 0 ? NWF_T_U8 : NWF_T_TCPFLAGS;
    if (g_str_has_suffix(name, "ipaddr") || g_str_has_suffix(name, "ipfrom") ||
        g_str_has_suffix(name, "ipto"))
        if (!g_str_has_prefix(name, "arp"))
            return v6 ? NWF_T_IP6 : NWF_T_IP4;
    if (g_str_has_suffix(name, "ipmask"))
        return v6 ? NWF_T_MASK6 : NWF_T_MASK4;
    for (size_t i = 0; i < G_N_ELEMENTS(attr_types); i++)
        if (strcmp(attr_types[i].name, name) == 0)
            return attr_types[i].type;
    return NWF_T_U16;   /* the remaining stp fields */
}

bool nwfilter_value_var(const char *value, char **var, int *index, int *iterator)
{
    const char *p = value, *start;
    long n = -1;
    bool it = false;

    if (*p++ != '$')
        return false;
    while (*p == ' ')
        p++;
    start = p;
    while (g_ascii_isalnum(*p) || *p == '_')
        p++;
    if (p == start)
        return false;
    if (var)
        *var = g_strndup(start, (gsize)(p - start));
    if (*p == '[') {
        char *end;

        p++;
        while (*p == ' ')
            p++;
        if ((it = *p == '@'))
            p++;
        if (!g_ascii_isdigit(*p))
            goto bad;
        n = strtol(p, &end, 10);
        p = end;
        while (*p == ' ')
            p++;
        if (*p++ != ']' || n > 1000000)
            goto bad;
    }
    while (*p == ' ')
        p++;
    if (*p)
        goto bad;
    if (index)
        *index = it ? -1 : (int)n;
    if (iterator)
        *iterator = it ? (int)n : 0;
    return true;
bad:
    if (var)
        g_clear_pointer(var, g_free);
    return false;
}

/* decimal up to max, or 0x with 1..hexdigits hex digits (0: any count,
 * -1: no hex form) */
static bool number_valid(const char *v, unsigned long max, int hexdigits)
{
    char *end;
    unsigned long n;

    if (!*v)
        return false;
    if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        size_t len = strlen(v + 2);

        if (hexdigits < 0)
            return false;
        if (len == 0 || (hexdigits && len > (size_t)hexdigits) || len > 8)
            return false;
        for (const char *p = v + 2; *p; p++)
            if (!g_ascii_isxdigit(*p))
                return false;
        return strtoul(v + 2, NULL, 16) <= max;
    }
    for (const char *p = v; *p; p++)
        if (!g_ascii_isdigit(*p))
            return false;
    if (strlen(v) > 10)
        return false;
    n = strtoul(v, &end, 10);
    return *end == '\0' && n <= max;
}

static bool mac_valid(const char *v)
{
    g_auto(GStrv) parts = g_strsplit(v, ":", -1);

    if (g_strv_length(parts) != 6)
        return false;
    for (int i = 0; i < 6; i++) {
        size_t len = strlen(parts[i]);

        if (len < 1 || len > 2 || !g_ascii_isxdigit(parts[i][0]) ||
            (len == 2 && !g_ascii_isxdigit(parts[i][1])))
            return false;
    }
    return true;
}

static bool ip_valid(int af, const char *v)
{
    unsigned char buf[16];

    return inet_pton(af, v, buf) == 1;
}

static bool word_list_valid(const char *v, const char *const *words, const char *alone)
{
    g_auto(GStrv) parts = NULL;

    if (alone && strcmp(v, alone) == 0)
        return true;
    parts = g_strsplit(v, ",", -1);
    if (!parts[0])
        return false;
    for (char **p = parts; *p; p++) {
        bool found = false;

        for (const char *const *w = words; *w; w++)
            found = found || strcmp(*p, *w) == 0;
        if (!found)
            return false;
    }
    return true;
}

static const char *const tcp_flag_words[] = { "SYN", "ACK", "URG", "PSH", "FIN", "RST", NULL };
static const char *const state_words[] = { "NEW", "ESTABLISHED", "RELATED", "INVALID", NULL };

static bool tcpflags_valid(const char *v)
{
    const char *slash = strchr(v, '/');
    g_autofree char *mask = NULL;

    if (!slash)
        return false;
    mask = g_strndup(v, (gsize)(slash - v));
    return (strcmp(mask, "ALL") == 0 || word_list_valid(mask, tcp_flag_words, "NONE")) &&
           (strcmp(slash + 1, "ALL") == 0 || word_list_valid(slash + 1, tcp_flag_words, "NONE"));
}

static const char *const opcode_words[] = {
    "Reply", "reply", "Request", "request", "Request_Reverse", "request_reverse",
    "Reply_Reverse", "reply_reverse", "DRARP_Request", "DRARP_request", "DRARP_Reply",
    "DRARP_reply", "DRARP_Error", "DRARP_error", "InARP_Request", "InARP_request", "ARP_NAK",
    NULL,
};
static const char *const ipproto_words[] = {
    "tcp", "udp", "udplite", "esp", "ah", "icmp", "igmp", "sctp", "icmpv6", NULL,
};
static const char *const protocolid_words[] = { "arp", "rarp", "ipv4", "ipv6", "vlan", NULL };
static const char *const bool_words[] = { "yes", "no", "true", "false", "1", "0", NULL };

static bool protocolid_valid(const char *v)
{
    if (str_in(v, protocolid_words))
        return true;
    /* nwfilter.rng: three hex digits from 0x600, or any four */
    if (v[0] == '0' && v[1] == 'x')
        return number_valid(v, 0xffff, 4) &&
               (strlen(v) == 6 || (strlen(v) == 5 && strtoul(v + 2, NULL, 16) >= 0x600));
    return number_valid(v, 65535, 0) && strtoul(v, NULL, 10) >= 1536;
}

/* Literal values (variables are checked before) */
static bool literal_valid(nwfilter_attr_type type, const char *v)
{
    switch (type) {
    case NWF_T_MAC: return mac_valid(v);
    case NWF_T_IP4: return ip_valid(AF_INET, v);
    case NWF_T_IP6: return ip_valid(AF_INET6, v);
    case NWF_T_MASK4: return number_valid(v, 32, -1) || ip_valid(AF_INET, v);
    case NWF_T_MASK6: return number_valid(v, 128, -1) || ip_valid(AF_INET6, v);
    case NWF_T_U8: return number_valid(v, 255, 2);
    case NWF_T_U16: return number_valid(v, 65535, 4);
    case NWF_T_U32: return number_valid(v, 0xffffffffUL, 8);
    case NWF_T_SIXBIT: return number_valid(v, 63, 2);
    case NWF_T_VLANID: return number_valid(v, 4095, 3);
    case NWF_T_PROTOCOLID: return protocolid_valid(v);
    case NWF_T_OPCODE: return str_in(v, opcode_words) || number_valid(v, 65535, -1);
    case NWF_T_IPPROTO: return str_in(v, ipproto_words) || number_valid(v, 255, 2);
    case NWF_T_BOOL: return str_in(v, bool_words);
    case NWF_T_STATE: return word_list_valid(v, state_words, "NONE");
    case NWF_T_TCPFLAGS: return tcpflags_valid(v);
    case NWF_T_COMMENT: return strlen(v) <= 256 && !strpbrk(v, "\r\n");
    }
    return false;
}

bool nwfilter_value_valid(nwfilter_attr_type type, const char *value)
{
    switch (type) {
    case NWF_T_BOOL: case NWF_T_STATE: case NWF_T_TCPFLAGS: case NWF_T_COMMENT:
        break;
    default:
        if (value[0] == '$')
            return nwfilter_value_var(value, NULL, NULL, NULL);
    }
    return literal_valid(type, value);
}
