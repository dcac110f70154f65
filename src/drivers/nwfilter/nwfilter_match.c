/*
 * nwfilter_match.c: one rule's protocol element, its variables resolved,
 * as nftables match expressions for the bridge family.
 *
 * ARP and RARP fields are matched as raw payload (@nh): nft's own arp
 * expressions would add an "ether type arp" dependency that RARP
 * (0x8035) does not have.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/nwfilter/nwfilter_priv.h"
#include "util/error.h"
#include "util/mac.h"
#include "util/xml.h"

/* The value of attribute name in a resolved rule (NULL when absent) */
static const char *val(const nwfilter_rule *rule, char **values, const char *name)
{
    for (size_t i = 0; rule->proto->attrs[i]; i++)
        if (strcmp(rule->proto->attrs[i], name) == 0)
            return values[i];
    return NULL;
}

static int unsupported(const char *filter, const nwfilter_rule *rule, const char *what)
{
    error_report(VIREO_FROM_NWFILTER, VIREO_ERR_BUILD_FIREWALL,
                 "filter '%s': <%s %s> cannot be expressed with nftables", filter,
                 rule->proto->name, what);
    return -1;
}

static int bad_value(const char *filter, const char *attr, const char *v)
{
    error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER,
                 "filter '%s': invalid value '%s' for %s once variables are resolved", filter,
                 v, attr);
    return -1;
}

static unsigned long num(const char *v)
{
    return strtoul(v, NULL, (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) ? 16 : 10);
}

/* Append " EXPR OP VALUE" with op "" or "!= " */
static void add(GString *out, const char *op, const char *expr, const char *value)
{
    g_string_append_printf(out, " %s %s%s", expr, op, value);
}

static int add_mac(GString *out, const char *op, const char *expr, const char *v,
                   const char *mask, const char *filter, const char *attr)
{
    unsigned char m[6], k[6];
    char s[MAC_STRING_BUFLEN], ks[MAC_STRING_BUFLEN];

    if (mac_parse(v, m) < 0)
        return bad_value(filter, attr, v);
    if (mask) {
        if (mac_parse(mask, k) < 0)
            return bad_value(filter, attr, mask);
        for (int i = 0; i < 6; i++)
            m[i] &= k[i];
        mac_format(k, ks);
        mac_format(m, s);
        g_string_append_printf(out, " %s & %s %s%s", expr, ks, *op ? "!= " : "== ", s);
        return 0;
    }
    mac_format(m, s);
    add(out, op, expr, s);
    return 0;
}

/* mask: a prefix length or a dotted mask -> prefix length (-1 bad) */
static int prefix_len(int af, const char *mask)
{
    unsigned char b[16];
    int n = 0, bytes = af == AF_INET ? 4 : 16;

    if (!strchr(mask, '.') && !strchr(mask, ':'))
        return (int)num(mask);
    if (inet_pton(af, mask, b) != 1)
        return -1;
    for (int i = 0; i < bytes * 8; i++) {
        bool set = b[i / 8] & (0x80 >> (i % 8));

        if (set && n != i)
            return -1;   /* not contiguous */
        n += set;
    }
    return n;
}

static int add_ip(GString *out, const char *op, const char *expr, int af, const char *addr,
                  const char *mask, const char *filter, const char *attr)
{
    unsigned char b[16];
    char text[INET6_ADDRSTRLEN];
    int bits = af == AF_INET ? 32 : 128, len = bits;

    if (inet_pton(af, addr, b) != 1)
        return bad_value(filter, attr, addr);
    if (mask && ((len = prefix_len(af, mask)) < 0 || len > bits))
        return bad_value(filter, "an IP mask", mask);
    for (int i = len; i < bits; i++)
        b[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
    inet_ntop(af, b, text, sizeof(text));
    if (len < bits) {
        g_autofree char *p = g_strdup_printf("%s/%d", text, len);

        add(out, op, expr, p);
    } else {
        add(out, op, expr, text);
    }
    return 0;
}

/* from-to (both needed: one alone is libvirt's no-op) */
static int add_ip_range(GString *out, const char *op, const char *expr, int af,
                        const char *from, const char *to, const char *filter)
{
    unsigned char b[16];
    g_autofree char *range = NULL;

    if (!from || !to)
        return 0;
    if (inet_pton(af, from, b) != 1 || inet_pton(af, to, b) != 1)
        return bad_value(filter, "an IP range", from);
    range = g_strdup_printf("%s-%s", from, to);
    add(out, op, expr, range);
    return 0;
}

static void add_range(GString *out, const char *op, const char *expr, const char *start,
                      const char *end)
{
    g_autofree char *v = end ? g_strdup_printf("%lu-%lu", num(start), num(end))
                              : g_strdup_printf("%lu", num(start));

    add(out, op, expr, v);
}

static const struct { const char *name; unsigned int id; } ether_names[] = {
    { "arp", 0x0806 }, { "rarp", 0x8035 }, { "ipv4", 0x0800 }, { "ipv6", 0x86dd },
    { "vlan", 0x8100 },
};

static unsigned int ether_type(const char *v)
{
    for (size_t i = 0; i < G_N_ELEMENTS(ether_names); i++)
        if (strcmp(ether_names[i].name, v) == 0)
            return ether_names[i].id;
    return (unsigned int)num(v);
}

static const struct { const char *name; unsigned int n; } ip_protos[] = {
    { "tcp", 6 }, { "udp", 17 }, { "udplite", 136 }, { "esp", 50 }, { "ah", 51 },
    { "icmp", 1 }, { "igmp", 2 }, { "sctp", 132 }, { "icmpv6", 58 },
};

static unsigned int ip_proto(const char *v)
{
    for (size_t i = 0; i < G_N_ELEMENTS(ip_protos); i++)
        if (strcmp(ip_protos[i].name, v) == 0)
            return ip_protos[i].n;
    return (unsigned int)num(v);
}

static const char *const opcodes[] = {
    "", "request", "reply", "request_reverse", "reply_reverse", "drarp_request", "drarp_reply",
    "drarp_error", "inarp_request", "", "arp_nak", NULL,
};

static unsigned int arp_opcode(const char *v)
{
    g_autofree char *low = g_ascii_strdown(v, -1);
    int i = str_enum_index(opcodes, low);

    return i > 0 ? (unsigned int)i : (unsigned int)num(v);
}

static int add_arp(GString *out, const char *op, const nwfilter_rule *r, char **v,
                   const char *filter)
{
    static const struct { const char *attr; const char *off; bool ip; } fields[] = {
        { "arpsrcmacaddr", "@nh,64,48", false }, { "arpsrcipaddr", "@nh,112,32", true },
        { "arpdstmacaddr", "@nh,144,48", false }, { "arpdstipaddr", "@nh,192,32", true },
    };
    const char *x;

    if ((x = val(r, v, "hwtype")))
        g_string_append_printf(out, " @nh,0,16 %s%lu", op, num(x));
    if ((x = val(r, v, "protocoltype")))
        g_string_append_printf(out, " @nh,16,16 %s%lu", op, num(x));
    if ((x = val(r, v, "opcode")))
        g_string_append_printf(out, " @nh,48,16 %s%u", op, arp_opcode(x));
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        unsigned char b[6];

        if (!(x = val(r, v, fields[i].attr)))
            continue;
        if (fields[i].ip ? inet_pton(AF_INET, x, b) != 1 : mac_parse(x, b) < 0)
            return bad_value(filter, fields[i].attr, x);
        g_string_append_printf(out, " %s %s0x", fields[i].off, op);
        for (int k = 0; k < (fields[i].ip ? 4 : 6); k++)
            g_string_append_printf(out, "%02x", b[k]);
    }
    if ((x = val(r, v, "gratuitous")) && str_enum_index((const char *const[]){ "yes", "true",
                                                                             "1", NULL }, x) >= 0)
        return unsupported(filter, r, "gratuitous='yes'");
    return 0;
}

/* srcmacaddr & co of the L2 elements */
static int add_macs(GString *out, const char *op, const nwfilter_rule *r, char **v,
                    const char *filter)
{
    const char *x;

    if ((x = val(r, v, "srcmacaddr")) &&
        add_mac(out, op, "ether saddr", x, val(r, v, "srcmacmask"), filter, "srcmacaddr") < 0)
        return -1;
    if ((x = val(r, v, "dstmacaddr")) &&
        add_mac(out, op, "ether daddr", x, val(r, v, "dstmacmask"), filter, "dstmacaddr") < 0)
        return -1;
    return 0;
}

/* srcipaddr/mask, from/to, ports, dscp of ip, ipv6 and the L3 elements */
static int add_ip_fields(GString *out, const char *op, const nwfilter_rule *r, char **v,
                         const char *filter, const char *ipx, const char *th)
{
    int af = r->proto->ipv6 ? AF_INET6 : AF_INET;
    g_autofree char *saddr = g_strdup_printf("%s saddr", ipx);
    g_autofree char *daddr = g_strdup_printf("%s daddr", ipx);
    g_autofree char *sport = g_strdup_printf("%s sport", th);
    g_autofree char *dport = g_strdup_printf("%s dport", th);
    const char *x;

    if ((x = val(r, v, "srcipaddr")) &&
        add_ip(out, op, saddr, af, x, val(r, v, "srcipmask"), filter, "srcipaddr") < 0)
        return -1;
    if ((x = val(r, v, "dstipaddr")) &&
        add_ip(out, op, daddr, af, x, val(r, v, "dstipmask"), filter, "dstipaddr") < 0)
        return -1;
    if (add_ip_range(out, op, saddr, af, val(r, v, "srcipfrom"), val(r, v, "srcipto"),
                     filter) < 0 ||
        add_ip_range(out, op, daddr, af, val(r, v, "dstipfrom"), val(r, v, "dstipto"),
                     filter) < 0)
        return -1;
    if ((x = val(r, v, "srcportstart")))
        add_range(out, op, sport, x, val(r, v, "srcportend"));
    if ((x = val(r, v, "dstportstart")))
        add_range(out, op, dport, x, val(r, v, "dstportend"));
    if ((x = val(r, v, "dscp")))
        g_string_append_printf(out, " %s dscp %s%lu", ipx, op, num(x));
    return 0;
}

/* "SYN,ACK/SYN" -> "& (syn|ack) == syn" */
static char *tcp_flags(const char *v)
{
    g_auto(GStrv) halves = g_strsplit(v, "/", 2);
    GString *s = g_string_new("tcp flags & (");

    for (int h = 0; h < 2; h++) {
        const char *part = halves[h];
        g_autofree char *low = g_ascii_strdown(part, -1);

        if (strcmp(part, "ALL") == 0) {
            g_free(low);
            low = g_strdup("syn,ack,urg,psh,fin,rst");
        }
        if (strcmp(part, "NONE") == 0) {
            g_string_append(s, "0x0");
        } else {
            g_strdelimit(low, ",", '|');
            g_string_append(s, low);
        }
        g_string_append(s, h == 0 ? ") == " : "");
        if (h == 0 && strcmp(halves[1], "NONE") != 0)
            g_string_append(s, "(");
    }
    if (strcmp(halves[1], "NONE") != 0)
        g_string_append(s, ")");
    return g_string_free(s, FALSE);
}

/* state='NEW,ESTABLISHED' and connlimit-above (both need conntrack) */
static void add_conntrack(GString *out, const char *op, const nwfilter_rule *r, char **v)
{
    const char *x;

    if ((x = val(r, v, "state"))) {
        g_autofree char *low = g_ascii_strdown(x, -1);

        add(out, op, "ct state", strcmp(low, "none") == 0 ? "untracked" : low);
    }
    if ((x = val(r, v, "connlimit-above")))
        g_string_append_printf(out, " ct count over %lu", num(x));
}

static int match_l2(GString *out, const char *op, const nwfilter_rule *r, char **v,
                    const char *filter)
{
    const char *name = r->proto->name, *x;

    if (strcmp(name, "stp") == 0) {
        for (size_t i = 0; r->proto->attrs[i]; i++)
            if (v[i] && !g_str_has_prefix(r->proto->attrs[i], "srcmac") &&
                strcmp(r->proto->attrs[i], "comment") != 0)
                return unsupported(filter, r, r->proto->attrs[i]);
        g_string_append(out, " ether daddr 01:80:c2:00:00:00");
        return add_macs(out, op, r, v, filter);
    }
    if (add_macs(out, op, r, v, filter) < 0)
        return -1;
    if (strcmp(name, "mac") == 0) {
        if ((x = val(r, v, "protocolid")))
            g_string_append_printf(out, " ether type %s0x%04x", op, ether_type(x));
        return 0;
    }
    if (strcmp(name, "vlan") == 0) {
        g_string_append(out, " ether type vlan");
        if ((x = val(r, v, "vlanid")))
            g_string_append_printf(out, " vlan id %s%lu", op, num(x));
        if ((x = val(r, v, "encap-protocol")))
            g_string_append_printf(out, " vlan type %s0x%04x", op, ether_type(x));
        return 0;
    }
    if (strcmp(name, "arp") == 0 || strcmp(name, "rarp") == 0) {
        g_string_append(out, name[0] == 'a' ? " ether type arp" : " ether type 0x8035");
        return add_arp(out, op, r, v, filter);
    }
    g_string_append(out, r->proto->ipv6 ? " ether type ip6" : " ether type ip");
    if ((x = val(r, v, "protocol")))
        g_string_append_printf(out, " %s %s%u", r->proto->ipv6 ? "ip6 nexthdr" : "ip protocol",
                               op, ip_proto(x));
    if (add_ip_fields(out, op, r, v, filter, r->proto->ipv6 ? "ip6" : "ip", "th") < 0)
        return -1;
    if ((x = val(r, v, "type")))
        add_range(out, op, "icmpv6 type", x, val(r, v, "typeend"));
    if ((x = val(r, v, "code")))
        add_range(out, op, "icmpv6 code", x, val(r, v, "codeend"));
    return 0;
}

static int match_l3(GString *out, const char *op, const nwfilter_rule *r, char **v,
                    const char *filter)
{
    g_autofree char *base = g_strdup(r->proto->name);
    bool v6 = r->proto->ipv6;
    const char *ipx = v6 ? "ip6" : "ip", *x, *th = "th";
    char *dash = strchr(base, '-');

    if (dash)
        *dash = '\0';
    g_string_append(out, v6 ? " ether type ip6" : " ether type ip");
    if (strcmp(base, "all") != 0) {
        g_string_append_printf(out, " %s %u", v6 ? "ip6 nexthdr" : "ip protocol",
                               ip_proto(strcmp(base, "icmpv6") == 0 ? "icmpv6" : base));
    }
    if ((x = val(r, v, "srcmacaddr")) &&
        add_mac(out, op, "ether saddr", x, NULL, filter, "srcmacaddr") < 0)
        return -1;
    if (add_ip_fields(out, op, r, v, filter, ipx, th) < 0)
        return -1;
    if ((x = val(r, v, "flags"))) {
        g_autofree char *f = tcp_flags(x);

        g_string_append_printf(out, " %s", f);
    }
    if ((x = val(r, v, "type")))
        g_string_append_printf(out, " %s type %s%lu", v6 ? "icmpv6" : "icmp", op, num(x));
    if ((x = val(r, v, "code")))
        g_string_append_printf(out, " %s code %s%lu", v6 ? "icmpv6" : "icmp", op, num(x));
    add_conntrack(out, op, r, v);
    return 0;
}

int nwfilter_match_build(GString *out, const nwfilter_rule *rule, char **values,
                         const char *filter)
{
    const char *op = rule->match_no ? "!= " : "";

    if (!rule->proto)
        return 0;
    return rule->proto->layer == NWF_L2 ? match_l2(out, op, rule, values, filter)
                                        : match_l3(out, op, rule, values, filter);
}

const char *nwfilter_rule_value(const nwfilter_rule *rule, char **values, const char *name)
{
    return rule->proto ? val(rule, values, name) : NULL;
}
