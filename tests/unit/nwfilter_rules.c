/*
 * nwfilter_rules.c: test-nwfilter-rules, filter trees with variables ->
 * nftables scripts (src/drivers/nwfilter/nwfilter_rules.c, _match.c).
 *
 * Each case's script must equal tests/nwfilter/rules/CASE.nft
 * (VIREO_REGENERATE=1 rewrites them), and, in a network namespace of
 * its own, the kernel must take it (nft_run) and the delete script must
 * leave nothing.  Faults: a missing filter, a loop, a variable without
 * value, a match nftables cannot express.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>

#include <glib.h>

#include "check.h"
#include "conf/nwfilter_def.h"
#include "drivers/nwfilter/nwfilter_priv.h"
#include "drivers/nwfilter/nwfilter_rules.h"
#include "util/error.h"
#include "util/nft.h"

static GHashTable *filters;   /* name -> nwfilter_def * */
static bool kernel;           /* nft answers in our own namespace */
static const char *rules_dir;
static bool conntrack;        /* ct matches work in the bridge family here */

static const nwfilter_def *lookup(const char *name, void *opaque)
{
    (void)opaque;
    return g_hash_table_lookup(filters, name);
}

static void add_filter(const char *xml)
{
    nwfilter_def *def = nwfilter_def_parse(xml);

    if (!CHECK(def != NULL, "test filter parses"))
        return;
    g_hash_table_replace(filters, def->name, def);
}

static void load_corpus(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, n, NULL);
        g_autofree char *xml = NULL;

        if (g_str_has_suffix(n, ".out.xml") && g_file_get_contents(path, &xml, NULL, NULL))
            add_filter(xml);
    }
    for (const char *const *b = nwfilter_builtins; *b; b += 2)
        add_filter(b[1]);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;

    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

/* script for filter on ifname with "NAME=VALUE" vars, checked against
 * CASE.nft and the kernel; returned (caller frees) */
static char *check_case(const char *name, const char *filter, const char *ifname,
                        const char *const *vars)
{
    g_autoptr(GHashTable) v = nwfilter_vars_new();
    g_autofree char *path = g_strdup_printf("%s/%s.nft", rules_dir, name);
    g_autofree char *expected = NULL, *del = NULL, *table = nwfilter_table_name(ifname);
    char *script;

    for (const char *const *p = vars; *p; p++) {
        g_auto(GStrv) kv = g_strsplit(*p, "=", 2);

        nwfilter_vars_add(v, kv[0], kv[1]);
    }
    script = nwfilter_rules_build(lookup, NULL, filter, v, ifname, NULL);
    if (!CHECK(script != NULL, "%s: %s builds", name, filter)) {
        NOTE("%s", error_last() ? error_last()->message : "?");
        return NULL;
    }
    if (g_strcmp0(g_getenv("VIREO_REGENERATE"), "1") == 0)
        g_file_set_contents(path, script, -1, NULL);
    g_file_get_contents(path, &expected, NULL, NULL);
    if (!CHECK(expected && strcmp(expected, script) == 0, "%s: script equals %s.nft", name, name))
        NOTE("got:\n%s", script);
    if (!kernel)
        return script;
    if (strstr(script, " ct ") && !conntrack) {
        SKIP("kernel check of a script with ct matches",
             "no conntrack for the bridge family in this kernel (nf_conntrack_bridge)");
        return script;
    }
    if (!CHECK(nft_run(VIREO_FROM_NWFILTER, name, script) == 0, "%s: the kernel takes it", name))
        NOTE("%s", error_last()->message);
    /* applying again replaces it (one transaction, no "exists" error) */
    CHECK(nft_run(VIREO_FROM_NWFILTER, name, script) == 0 &&
          nft_table_exists("bridge", table), "%s: applying twice replaces the table", name);
    del = nwfilter_rules_delete(ifname);
    CHECK(nft_run(VIREO_FROM_NWFILTER, name, del) == 0 && !nft_table_exists("bridge", table),
          "%s: the delete script leaves no table", name);
    return script;
}

static void run_cases(void)
{
    static const char *const mac_ip[] = { "MAC=52:54:00:12:34:56", "IP=10.0.0.5", NULL };
    static const char *const lists[] = {
        "MAC=52:54:00:12:34:56", "SRCIPADDRESSES=10.0.0.1", "SRCIPADDRESSES=11.1.2.3",
        "DSTPORTS=80", "DSTPORTS=8080", "A=1.1.1.1", "A=2.2.2.2", "B=53", NULL,
    };
    static const char *const all[] = {
        "MAC=52:54:00:12:34:56", "IP=10.0.0.5", "IP=10.0.0.6", "IPV6=2001:db8::5",
        "GW_MAC=52:54:00:ff:ff:01", NULL,
    };
    g_autofree char *ct = check_case("clean-traffic", "clean-traffic", "vnet0", mac_ip);
    g_autofree char *vars = check_case("vars", "vars", "vnet1", lists);
    g_autofree char *l3 = check_case("l3", "l3-rules", "tap-x.1", mac_ip);
    g_autofree char *arp = check_case("arp", "arp-rules", "vnet2", all);

    g_free(check_case("ip-l2", "ip-l2", "vnet3", all));
    g_free(check_case("l3-ipv6", "l3-six", "vnet4", all));
    g_free(check_case("allow-dhcp", "allow-dhcp", "vnet5", mac_ip));
    g_free(check_case("no-arp-spoofing", "no-arp-spoofing", "vnet6", mac_ip));
    if (ct) {
        const char *mac = strstr(ct, "jump o2_mac"), *ipv4 = strstr(ct, "jump o3_ipv4_ip");
        const char *accept = strstr(ct, "out_root ether type 0x0800 accept");
        const char *drop = strstr(ct, "add rule bridge vireo_f_vnet0 out_root drop");

        CHECK(mac && ipv4 && accept && drop && mac < ipv4 && ipv4 < accept && accept < drop,
              "clean-traffic: the root chain runs mac, ipv4-ip, accept ipv4, ..., drop in "
              "priority order");
        CHECK(strstr(ct, "ip saddr 10.0.0.5 return") && strstr(ct, "ether saddr "
                                                                   "52:54:00:12:34:56 return"),
              "clean-traffic: $IP and $MAC are resolved");
    }
    if (vars) {
        CHECK(count(vars, "tcp") == 0 && count(vars, "ip protocol 6") == 4,
              "two iterators over two lists make 4 tcp rules");
        CHECK(count(vars, "ip saddr 2.2.2.2") == 1 && count(vars, "ip saddr 1.1.1.1") == 0,
              "$A[1] is the second element only");
        CHECK(strstr(vars, "ip protocol 17 ip saddr 10.0.0.1 th sport 67") != NULL,
              "filterref parameters reach the referenced filter ($DHCPSERVER)");
    }
    if (l3)
        CHECK(strstr(l3, "base_forward_l3") && strstr(l3, "iifname \"tap-x.1\""),
              "tcp/udp/... rules hang on their own base chains");
    if (arp)
        CHECK(count(arp, "@nh,112,32 0x0a000005") == 1 && count(arp, "@nh,112,32 0x0a000006")
              == 1, "an iterator over a list of 2 IPs makes a rule for each");
}

static void check_fault(const char *what, const char *filter, const char *const *vars,
                        int code, const char *sub)
{
    g_autoptr(GHashTable) v = nwfilter_vars_new();
    g_autofree char *missing = NULL;
    g_autofree char *script = NULL;

    for (const char *const *p = vars; *p; p++) {
        g_auto(GStrv) kv = g_strsplit(*p, "=", 2);

        nwfilter_vars_add(v, kv[0], kv[1]);
    }
    error_reset();
    script = nwfilter_rules_build(lookup, NULL, filter, v, "vnet9", &missing);
    if (!CHECK(!script && error_last() && error_last()->code == code &&
               strstr(error_last()->message, sub), "%s: refused with %d '%s'", what, code, sub))
        NOTE("got: %s", script ? script : error_last() ? error_last()->message : "no error");
}

static void run_faults(void)
{
    static const char *const mac_only[] = { "MAC=52:54:00:12:34:56", NULL };
    static const char *const none[] = { NULL };
    static const char *const bad_ip[] = { "MAC=52:54:00:12:34:56", "IP=10.0.0.300", NULL };
    static const char *const bad_mac[] = { "MAC=zz", NULL };
    static const char *const gw[] = { "MAC=52:54:00:12:34:56", "GW_MAC=52:54:00:00:00:01", NULL };
    g_autofree char *missing = NULL;
    g_autoptr(GHashTable) v = nwfilter_vars_new();
    g_autofree char *learning = NULL;
    unsigned char mac[6] = { 0x52, 0x54, 0, 1, 2, 3 };

    add_filter("<filter name='loop-a'><filterref filter='loop-b'/></filter>");
    add_filter("<filter name='loop-b'><filterref filter='loop-a'/></filter>");
    add_filter("<filter name='dangling'><filterref filter='nope'/></filter>");
    check_fault("no $IP", "clean-traffic", mac_only, VIREO_ERR_INVALID_NWFILTER,
                "variable 'IP' has no value");
    check_fault("an IP parameter that is no address", "clean-traffic", bad_ip,
                VIREO_ERR_INVALID_NWFILTER, "value '10.0.0.300' of $IP is not valid");
    check_fault("a MAC parameter that is no MAC", "no-mac-spoofing", bad_mac,
                VIREO_ERR_INVALID_NWFILTER, "value 'zz' of $MAC is not valid");
    check_fault("a missing filter", "dangling", none, VIREO_ERR_NO_NWFILTER,
                "referenced filter 'nope' is missing");
    check_fault("a loop", "loop-a", none, VIREO_ERR_INVALID_NWFILTER, "references itself");
    check_fault("stp root-priority", "l2-things", gw, VIREO_ERR_BUILD_FIREWALL,
                "cannot be expressed");
    nwfilter_vars_add(v, "MAC", "52:54:00:12:34:56");
    CHECK(!nwfilter_rules_build(lookup, NULL, "clean-traffic", v, "vnet0", &missing) &&
          g_strcmp0(missing, "IP") == 0, "the missing variable is named (IP: learn it)");
    CHECK(!nwfilter_rules_build(lookup, NULL, "clean-traffic", v, "bad name!", NULL),
          "an unsafe interface name is refused");
    learning = nwfilter_rules_learning("vnet7", mac);
    CHECK(learning && strstr(learning, "th sport 68 th dport 67 accept") &&
          strstr(learning, "ether saddr != 52:54:00:01:02:03 drop"),
          "learning: DHCP from the guest's MAC only");
    if (kernel && learning) {
        g_autofree char *del = nwfilter_rules_delete("vnet7");

        CHECK(nft_run(VIREO_FROM_NWFILTER, "learning", learning) == 0 &&
              nft_run(VIREO_FROM_NWFILTER, "learning", del) == 0,
              "the kernel takes the learning rules");
    }
    CHECK(nwfilter_tree_references(lookup, NULL, "clean-traffic", "no-arp-ip-spoofing") &&
          !nwfilter_tree_references(lookup, NULL, "allow-dhcp", "clean-traffic"),
          "tree references follow filterrefs");
}

int main(void)
{
    const char *top = g_getenv("VIREO_TOP");
    g_autofree char *corpus = g_build_filename(top ? top : ".", "tests", "xml", "nwfilter", NULL);
    g_autofree char *rdir = g_build_filename(top ? top : ".", "tests", "nwfilter", "rules", NULL);
    const char *why = NULL;

    rules_dir = rdir;
    filters = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                    (GDestroyNotify)nwfilter_def_free);
    load_corpus(corpus);
    /* our own network namespace: nothing we add is seen by the host */
    kernel = unshare(CLONE_NEWNET) == 0 && nft_available(&why);
    if (!kernel)
        SKIP("scripts applied to the kernel", why ? why : "cannot unshare a network namespace");
    conntrack = kernel && nft_run(VIREO_FROM_NWFILTER, "probe",
                                  "add table bridge vireo_probe\n"
                                  "add chain bridge vireo_probe c\n"
                                  "add rule bridge vireo_probe c ct state established accept\n"
                                  "delete table bridge vireo_probe\n") == 0;
    error_reset();
    run_cases();
    run_faults();
    g_hash_table_unref(filters);
    return check_exit();
}
