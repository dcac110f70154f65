/*
 * cmd_domif.c: a guest's network interfaces: domiflist, domif-getlink,
 * domif-setlink, domifaddr.
 *
 * virsh 9.0 finds interfaces in the domain's XML with libxml2 XPath and
 * sets the link state by sending the interface's own XML, with <link
 * state>, to update-device; vireo does the same, so what it prints with
 * --print-xml and what the driver receives are virsh's bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_xml.h"

#define END { NULL, 0, 0, NULL }
#define DOMAIN_OPT { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" }

static bool
cmd_domiflist(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY);
    unsigned int flags = cli_arg_bool(args, "inactive") ? VIREO_DOMAIN_XML_INACTIVE : 0;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(xmlXPathObject) ifaces = NULL;
    g_autoptr(cli_table) t = NULL;

    if (!dom)
        return false;
    doc = cli_domain_xml_doc(dom, flags);
    vireo_domain_free(dom);
    if (!doc)
        return false;
    ctx = xmlXPathNewContext(doc);
    ifaces = cli_xpath_nodes(ctx, "/domain/devices/interface");
    t = cli_table_new(5, "Interface", "Type", "Source", "Model", "MAC");
    for (int i = 0; ifaces && i < ifaces->nodesetval->nodeNr; i++) {
        xmlNode *node = ifaces->nodesetval->nodeTab[i];
        g_autofree char *type = cli_xpath_string(ctx, node, "string(./@type)");
        g_autofree char *source = cli_xpath_string(ctx, node,
                                               "string(./source/@bridge|./source/@dev|"
                                               "./source/@network|./source/@name|"
                                               "./source/@path)");
        g_autofree char *target = cli_xpath_string(ctx, node, "string(./target/@dev)");
        g_autofree char *model = cli_xpath_string(ctx, node, "string(./model/@type)");
        g_autofree char *mac = cli_xpath_string(ctx, node, "string(./mac/@address)");

        cli_table_add(t, target ? target : "-", type ? type : "", source ? source : "-",
                      model ? model : "-", mac ? mac : "-");
    }
    cli_table_print(t, !ctl->quiet);
    return true;
}

static bool
cmd_domif_getlink(cli_ctl *ctl, const cli_args *args)
{
    const char *iface = cli_arg_str(args, "interface");
    unsigned int flags = cli_arg_bool(args, "config") ? VIREO_DOMAIN_XML_INACTIVE : 0;
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY);
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(xmlXPathObject) found = NULL;
    g_autofree char *expr = NULL, *state = NULL;
    char mac[18] = "";

    if (!dom)
        return false;
    doc = cli_domain_xml_doc(dom, flags);
    vireo_domain_free(dom);
    if (!doc)
        return false;
    ctx = xmlXPathNewContext(doc);
    cli_mac_parse(iface, mac);
    /* virsh puts the words into the expression as they are */
    expr = g_strdup_printf("/domain/devices/interface[(mac/@address = '%s') or "
                           "(target/@dev = '%s')]", mac, iface);
    if (!(found = cli_xpath_nodes(ctx, expr))) {
        if (mac[0])
            cli_error("Interface (mac: %s) not found.", mac);
        else
            cli_error("Interface (dev: %s) not found.", iface);
        return false;
    }
    state = cli_xpath_string(ctx, found->nodesetval->nodeTab[0], "string(./link/@state)");
    /* no newline: the shell's line ends it, as virsh */
    printf("%s %s", iface, state ? state : "up");
    return true;
}

/* The <interface> whose <mac address> (when iface is a MAC) or <target
 * dev> equals iface, ignoring case as virsh; NULL when none. */
static xmlNode *
setlink_find(xmlXPathObject *ifaces, const char *iface)
{
    char mac[18];
    bool by_mac = cli_mac_parse(iface, mac);
    const char *element = by_mac ? "mac" : "target", *attr = by_mac ? "address" : "dev";

    for (int i = 0; i < ifaces->nodesetval->nodeNr; i++) {
        for (xmlNode *c = ifaces->nodesetval->nodeTab[i]->children; c; c = c->next) {
            g_autofree char *value = NULL;
            xmlChar *prop;

            if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, element) != 0)
                continue;
            if ((prop = xmlGetProp(c, (const xmlChar *)attr))) {
                value = g_strdup((const char *)prop);
                xmlFree(prop);
            }
            if (value && g_ascii_strcasecmp(value, by_mac ? mac : iface) == 0)
                return ifaces->nodesetval->nodeTab[i];
        }
    }
    return NULL;
}

/* Set <link state> on the interface: the existing element's, or a new
 * one appended last. */
static void
setlink_apply(xmlNode *iface, const char *state)
{
    for (xmlNode *c = iface->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "link") == 0) {
            xmlSetProp(c, (const xmlChar *)"state", (const xmlChar *)state);
            return;
        }
    }
    xmlNewProp(xmlNewChild(iface, NULL, (const xmlChar *)"link", NULL),
               (const xmlChar *)"state", (const xmlChar *)state);
}

static bool
domif_setlink(cli_ctl *ctl, const cli_args *args, vireo_domain *dom)
{
    const char *iface = cli_arg_str(args, "interface"), *state = cli_arg_str(args, "state");
    bool config = cli_arg_bool(args, "config");
    unsigned int flags = config ? VIREO_DOMAIN_AFFECT_CONFIG : VIREO_DOMAIN_AFFECT_LIVE;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(xmlXPathObject) ifaces = NULL;
    g_autofree char *xml = NULL;
    xmlNode *node;

    if (vireo_domain_is_active(dom) == 0)
        flags = VIREO_DOMAIN_AFFECT_CONFIG;
    if (!g_str_equal(state, "up") && !g_str_equal(state, "down")) {
        cli_error("invalid link state '%s'", state);
        return false;
    }
    if (!(doc = cli_domain_xml_doc(dom, config ? VIREO_DOMAIN_XML_INACTIVE : 0)))
        return false;
    ctx = xmlXPathNewContext(doc);
    if (!(ifaces = cli_xpath_nodes(ctx, "/domain/devices/interface"))) {
        cli_error("Failed to extract interface information or no interfaces found");
        return false;
    }
    if (!(node = setlink_find(ifaces, iface))) {
        char mac[18];

        cli_error("interface '%s' not found", cli_mac_parse(iface, mac) ? mac : iface);
        return false;
    }
    setlink_apply(node, state);
    xml = cli_xml_node_string(doc, node);
    if (cli_arg_bool(args, "print-xml")) {
        printf("%s", xml);
        return true;
    }
    if (vireo_domain_update_device(dom, xml, flags) < 0) {
        cli_error("Failed to update interface link state");
        return false;
    }
    cli_print_extra(ctl, "Device updated successfully\n");
    return true;
}

static bool
cmd_domif_setlink(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY);
    bool ok;

    if (!dom)
        return false;
    ok = domif_setlink(ctl, args, dom);
    vireo_domain_free(dom);
    return ok;
}

/* ---- domifaddr ---- */

static void
domifaddr_print(const vireo_domain_interface *iface, bool full)
{
    const char *hw = iface->hwaddr ? iface->hwaddr : "N/A";

    if (!iface->naddrs) {
        printf(" %-10s %-17s    %-12s %s\n", iface->name, hw, "N/A", "N/A");
        return;
    }
    for (unsigned int j = 0; j < iface->naddrs; j++) {
        const vireo_domain_ip_address *a = &iface->addrs[j];
        const char *type = a->type == VIREO_IP_ADDR_TYPE_IPV4 ? "ipv4"
                           : a->type == VIREO_IP_ADDR_TYPE_IPV6 ? "ipv6" : "";
        g_autofree char *addr = g_strdup_printf("%-12s %s/%u", type, a->addr, a->prefix);

        /* the name and MAC only on an interface's first line, unless --full */
        if (full || j == 0)
            printf(" %-10s %-17s    %s\n", iface->name, hw, addr);
        else
            printf(" %-10s %-17s    %s\n", "-", "-", addr);
    }
}

static bool
domifaddr_source(const char *word, unsigned int *source)
{
    static const char *const names[] = { "lease", "agent", "arp" };

    *source = VIREO_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE;
    if (!word)
        return true;
    for (unsigned int i = 0; i < G_N_ELEMENTS(names); i++) {
        if (g_str_equal(word, names[i])) {
            *source = i;
            return true;
        }
    }
    cli_error("Unknown data source '%s'", word);
    return false;
}

static bool
cmd_domifaddr(cli_ctl *ctl, const cli_args *args)
{
    const char *only = cli_arg_str(args, "interface");
    vireo_domain_interface **ifaces = NULL;
    unsigned int source;
    vireo_domain *dom;
    int n;

    if (!domifaddr_source(cli_arg_str(args, "source"), &source) ||
        !(dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY)))
        return false;
    n = vireo_domain_interface_addresses(dom, &ifaces, source, 0);
    vireo_domain_free(dom);
    if (n < 0) {
        cli_error("Failed to query for interfaces addresses");
        return false;
    }
    cli_print_extra(ctl, " %-10s %-20s %-8s     %s\n%s\n", "Name", "MAC address", "Protocol",
                    "Address",
                    "-------------------------------------------------------------------------------");
    for (int i = 0; i < n; i++) {
        if (!only || g_str_equal(only, ifaces[i]->name))
            domifaddr_print(ifaces[i], cli_arg_bool(args, "full"));
        vireo_domain_interface_free(ifaces[i]);
    }
    free(ifaces);
    return true;
}

static const cli_opt opts_domiflist[] = {
    DOMAIN_OPT,
    { "inactive", CLI_OPT_BOOL, 0, "get inactive rather than running configuration" },
    END,
};
static const cli_opt opts_domif_getlink[] = {
    DOMAIN_OPT,
    { "interface", CLI_OPT_DATA, 0, "interface device (MAC Address)" },
    { "config", CLI_OPT_BOOL, 0, "Get persistent interface state" },
    END,
};
static const cli_opt opts_domif_setlink[] = {
    DOMAIN_OPT,
    { "interface", CLI_OPT_DATA, 0, "interface device (MAC Address)" },
    { "state", CLI_OPT_DATA, 0, "new state of the device" },
    { "config", CLI_OPT_BOOL, 0, "affect next boot" },
    { "print-xml", CLI_OPT_BOOL, 0, "print XML document rather than set the interface link state" },
    END,
};
static const cli_opt opts_domifaddr[] = {
    DOMAIN_OPT,
    { "interface", CLI_OPT_STRING, 0, "network interface name" },
    { "full", CLI_OPT_BOOL, 0, "always display names and MACs of interfaces" },
    { "source", CLI_OPT_STRING, 0, "address source: 'lease', 'agent', or 'arp'" },
    END,
};

const cli_cmd cli_cmds_domif[] = {
    { "domif-getlink", cmd_domif_getlink, opts_domif_getlink,
      "get link state of a virtual interface", "Get link state of a domain's virtual interface.",
      true, CLI_GROUP_MON },
    { "domif-setlink", cmd_domif_setlink, opts_domif_setlink,
      "set link state of a virtual interface",
      "Set link state of a domain's virtual interface. This command wraps usage of "
      "update-device command.", true, CLI_GROUP_DOM },
    { "domifaddr", cmd_domifaddr, opts_domifaddr,
      "Get network interfaces' addresses for a running domain",
      "Get network interfaces' addresses for a running domain", true, CLI_GROUP_MON },
    { "domiflist", cmd_domiflist, opts_domiflist, "list all domain virtual interfaces",
      "Get the summary of virtual interfaces for a domain.", true, CLI_GROUP_MON },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
