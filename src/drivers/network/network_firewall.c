/*
 * network_firewall.c: a network's nftables table (see network_firewall.h).
 *
 * Priorities.  In nftables every base chain of every table on a hook sees
 * the packet, and the packet goes on only when none of them drops it: an
 * accept ends the packet's walk through one chain, a drop or reject ends
 * it everywhere.  vireo's forward rules are accepts (never final) and
 * rejects (final wherever they run), so their verdict does not depend on
 * where our chains sit among other tables' chains, and we use the
 * standard priorities (filter, srcnat) instead of racing for first place.
 * The one ordering that shows is NAT: the first srcnat chain that maps a
 * connection wins, so a foreign table masquerading the same subnet at the
 * same priority may pick its address instead of ours (same effect).
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "drivers/network/network_firewall.h"
#include "util/error.h"
#include "util/nft.h"

#define TABLE_PREFIX "vireo_"

/* "vireo_" + the bridge name with everything but letters, digits and
 * '_' written as "_xHH": nft identifiers allow few characters, and the
 * encoding keeps two bridges from sharing a table name */
static char *table_name(const char *bridge)
{
    GString *s = g_string_new(TABLE_PREFIX);

    for (const char *p = bridge; *p; p++) {
        if (g_ascii_isalnum(*p))
            g_string_append_c(s, *p);
        else
            g_string_append_printf(s, "_x%02x", (unsigned char)*p);
    }
    return g_string_free(s, FALSE);
}

/* An interface name goes into a quoted nft string: refuse what could end
 * the string or escape from it */
static bool name_quotable(const char *name)
{
    return name && *name && !strpbrk(name, "\"\\\n\r") && strlen(name) < 16;
}

static bool addr_valid(const char *addr, int family)
{
    unsigned char buf[16];

    return addr && inet_pton(family, addr, buf) == 1;
}

/* "ip" / "ip6" selector and "a.b.c.d/n" of each <ip> of family; empty
 * array when none */
static GPtrArray *subnets(const network_def *def, int family)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const network_ip *ip = g_ptr_array_index(def->ips, i);
        g_autofree char *net = NULL;

        if (ip->family != family)
            continue;
        net = network_ip_subnet(ip);
        if (net)
            g_ptr_array_add(out, g_strdup_printf("%s/%u", net, ip->prefix));
    }
    return out;
}

/* Forwarding through the host for one family: nat lets only replies in,
 * route both ways; the final rejects close everything else to and from
 * the bridge (isolated networks have only those) */
static void fw_forward_family(GString *s, const network_def *def, const char *bridge, int family,
                              bool natted)
{
    g_autoptr(GPtrArray) nets = subnets(def, family);
    const char *sel = family == AF_INET ? "ip" : "ip6";
    g_autofree char *in_dev = NULL, *out_dev = NULL;

    if (def->forward != NETWORK_FORWARD_NAT && def->forward != NETWORK_FORWARD_ROUTE)
        return;
    if (def->forward_dev) {
        in_dev = g_strdup_printf("iifname \"%s\" ", def->forward_dev);
        out_dev = g_strdup_printf("oifname \"%s\" ", def->forward_dev);
    }
    for (guint i = 0; i < nets->len; i++) {
        const char *net = g_ptr_array_index(nets, i);

        g_string_append_printf(s, "    %soifname \"%s\" %s daddr %s %saccept\n",
                               in_dev ? in_dev : "", bridge, sel, net,
                               natted ? "ct state related,established " : "");
        g_string_append_printf(s, "    iifname \"%s\" %s%s saddr %s accept\n", bridge,
                               out_dev ? out_dev : "", sel, net);
    }
}

static void fw_forward(GString *s, const network_def *def, const char *bridge)
{
    bool nat = def->forward == NETWORK_FORWARD_NAT;

    g_string_append(s, "  chain forward {\n"
                       "    type filter hook forward priority filter; policy accept;\n");
    /* guests of one network reach each other when routed through the host */
    g_string_append_printf(s, "    iifname \"%s\" oifname \"%s\" accept\n", bridge, bridge);
    fw_forward_family(s, def, bridge, AF_INET, nat);
    /* libvirt routes a nat network's IPv6 unless <nat ipv6='yes'> */
    fw_forward_family(s, def, bridge, AF_INET6, nat && def->nat_ipv6 == 1);
    g_string_append_printf(s, "    oifname \"%s\" reject\n", bridge);
    g_string_append_printf(s, "    iifname \"%s\" reject\n", bridge);
    g_string_append(s, "  }\n");
}

/* What a guest asks of the host itself: DNS, DHCP (v4 and v6), TFTP, and
 * the host's DHCP answers back */
static void fw_host(GString *s, const network_def *def, const char *bridge)
{
    bool tftp = false;

    for (guint i = 0; def->ips && i < def->ips->len; i++)
        tftp = tftp || ((network_ip *)g_ptr_array_index(def->ips, i))->tftp_root;
    g_string_append_printf(s,
                           "  chain input {\n"
                           "    type filter hook input priority filter; policy accept;\n"
                           "    iifname \"%s\" udp dport { 53, 67, 547%s } accept\n"
                           "    iifname \"%s\" tcp dport 53 accept\n"
                           "  }\n"
                           "  chain output {\n"
                           "    type filter hook output priority filter; policy accept;\n"
                           "    oifname \"%s\" udp dport { 68, 546 } accept\n"
                           "  }\n",
                           bridge, tftp ? ", 69" : "", bridge, bridge);
}

/* The source rewrite of one subnet: not for multicast / broadcast, ports
 * kept in 1024-65535 for tcp and udp, as libvirt */
static void fw_nat_subnet(GString *s, const network_def *def, const char *sel, const char *net)
{
    g_autofree char *out_dev = def->forward_dev ? g_strdup_printf(" oifname \"%s\"", def->forward_dev)
                                                : g_strdup("");
    g_autofree char *to = NULL, *ports = NULL;
    unsigned int pstart = def->nat_port_start ? def->nat_port_start : 1024;
    unsigned int pend = def->nat_port_end ? def->nat_port_end : 65535;
    const char *protos[] = { "tcp", "udp", NULL };

    if (strcmp(sel, "ip") == 0) {
        g_string_append_printf(s, "    ip saddr %s ip daddr 224.0.0.0/24 return\n", net);
        g_string_append_printf(s, "    ip saddr %s ip daddr 255.255.255.255 return\n", net);
    }
    if (def->nat_addr_start && strcmp(sel, "ip") == 0) {
        to = g_strdup_printf("snat ip to %s%s%s", def->nat_addr_start,
                             def->nat_addr_end ? "-" : "",
                             def->nat_addr_end ? def->nat_addr_end : "");
        ports = g_strdup_printf("%s:%u-%u", to, pstart, pend);
    } else {
        to = g_strdup("masquerade");
        ports = g_strdup_printf("masquerade to :%u-%u", pstart, pend);
    }
    for (int i = 0; protos[i]; i++)
        g_string_append_printf(s, "    %s saddr %s %s daddr != %s%s meta l4proto %s %s\n", sel, net,
                               sel, net, out_dev, protos[i], ports);
    g_string_append_printf(s, "    %s saddr %s %s daddr != %s%s %s\n", sel, net, sel, net, out_dev,
                           to);
}

static void fw_nat(GString *s, const network_def *def)
{
    g_autoptr(GPtrArray) v4 = subnets(def, AF_INET);
    g_autoptr(GPtrArray) v6 = subnets(def, AF_INET6);

    if (def->forward != NETWORK_FORWARD_NAT)
        return;
    g_string_append(s, "  chain postrouting {\n"
                       "    type nat hook postrouting priority srcnat; policy accept;\n");
    for (guint i = 0; i < v4->len; i++)
        fw_nat_subnet(s, def, "ip", g_ptr_array_index(v4, i));
    for (guint i = 0; def->nat_ipv6 == 1 && i < v6->len; i++)
        fw_nat_subnet(s, def, "ip6", g_ptr_array_index(v6, i));
    g_string_append(s, "  }\n");
}

/* Whether def's forward mode needs a table of its own */
static bool needs_table(const network_def *def)
{
    return def->forward == NETWORK_FORWARD_NONE || def->forward == NETWORK_FORWARD_NAT ||
           def->forward == NETWORK_FORWARD_ROUTE;
}

static int check_input(const network_def *def, const char *bridge)
{
    const char *bad = NULL;

    if (!name_quotable(bridge))
        bad = "bridge name";
    else if (def->forward_dev && !name_quotable(def->forward_dev))
        bad = "forward device";
    else if (def->nat_addr_start && !addr_valid(def->nat_addr_start, AF_INET))
        bad = "NAT start address";
    else if (def->nat_addr_end && !addr_valid(def->nat_addr_end, AF_INET))
        bad = "NAT end address";
    else if (def->nat_port_end && def->nat_port_start > def->nat_port_end)
        bad = "NAT port range";
    if (bad) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_BUILD_FIREWALL,
                     "network '%s': cannot make firewall rules for its %s", def->name, bad);
        return -1;
    }
    return 0;
}

char *network_firewall_script(const network_def *def, const char *bridge)
{
    g_autofree char *table = NULL;
    GString *s;

    if (check_input(def, bridge) < 0)
        return NULL;
    table = table_name(bridge);
    /* add + delete first: the old table goes (if any) in the same
     * transaction that makes the new one, so a rerun replaces it and a
     * failure leaves the old one */
    s = g_string_new(NULL);
    g_string_append_printf(s, "add table inet %s\ndelete table inet %s\n", table, table);
    if (!needs_table(def))
        return g_string_free(s, FALSE);
    g_string_append_printf(s, "table inet %s {\n", table);
    fw_forward(s, def, bridge);
    fw_host(s, def, bridge);
    fw_nat(s, def);
    g_string_append(s, "}\n");
    return g_string_free(s, FALSE);
}

int network_firewall_add(const network_def *def, const char *bridge)
{
    g_autofree char *script = network_firewall_script(def, bridge);
    g_autofree char *what = NULL;

    if (!script)
        return -1;
    what = g_strdup_printf("network '%s': cannot set its firewall rules on '%s'", def->name,
                           bridge);
    return nft_run(VIREO_FROM_NETWORK, what, script);
}

int network_firewall_remove(const char *bridge)
{
    g_autofree char *table = NULL, *script = NULL, *what = NULL;

    if (!name_quotable(bridge))
        return 0;  /* no table could have been made for it */
    table = table_name(bridge);
    script = g_strdup_printf("add table inet %s\ndelete table inet %s\n", table, table);
    what = g_strdup_printf("cannot remove the firewall rules of bridge '%s'", bridge);
    return nft_run(VIREO_FROM_NETWORK, what, script);
}

char **network_firewall_tables(void)
{
    g_autofree char *out = nft_run_output(VIREO_FROM_NETWORK, "cannot list nftables tables",
                                          "list tables inet\n");
    g_auto(GStrv) lines = NULL;
    GPtrArray *names = g_ptr_array_new();

    if (out) {
        lines = g_strsplit(out, "\n", -1);
        for (int i = 0; lines[i]; i++) {
            const char *p = g_strstrip(lines[i]);

            if (g_str_has_prefix(p, "table inet " TABLE_PREFIX))
                g_ptr_array_add(names, g_strdup(p + strlen("table inet ")));
        }
    }
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}
