/*
 * cmd_domif_attach.c: attach-interface and detach-interface.
 *
 * attach-interface writes virsh 9.0's interface XML from its options
 * (values as given, not escaped, as virsh); detach-interface sends the
 * matching <interface> of the domain's XML back, serialized by libxml2
 * as virsh does.  Checks come in virsh's order, so the first error is
 * the one virsh reports.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_xml.h"

#define END { NULL, 0, 0, NULL }

/* One --inbound/--outbound value: average,peak,burst,floor (0: unset). */
typedef struct iface_rate {
    unsigned long long v[4];
} iface_rate;

static const char *const rate_fields[] = { "average", "peak", "burst", "floor" };

static bool
rate_parse(const char *text, iface_rate *rate)
{
    g_auto(GStrv) tok = g_strsplit(text, ",", 0);

    memset(rate, 0, sizeof(*rate));
    if (g_strv_length(tok) > 4) {
        cli_error("Rate string '%s' has too many fields", text);
        return false;
    }
    for (int i = 0; tok[i]; i++) {
        char *end = NULL;

        if (!tok[i][0])
            continue;
        if (!g_ascii_isdigit(tok[i][0]) ||
            (rate->v[i] = g_ascii_strtoull(tok[i], &end, 10), *end)) {
            cli_error("field '%s' is malformed", rate_fields[i]);
            return false;
        }
    }
    return true;
}

static bool
rates_parse(const cli_args *args, iface_rate *in, iface_rate *out)
{
    const char *in_s = cli_arg_str(args, "inbound"), *out_s = cli_arg_str(args, "outbound");

    memset(in, 0, sizeof(*in));
    memset(out, 0, sizeof(*out));
    if (in_s) {
        if (!rate_parse(in_s, in))
            return false;
        if (!in->v[0] && !in->v[3]) {
            cli_error("either inbound average or floor is mandatory");
            return false;
        }
    }
    if (out_s) {
        if (!rate_parse(out_s, out))
            return false;
        if (!out->v[0]) {
            cli_error("outbound average is mandatory");
            return false;
        }
        if (out->v[3]) {
            cli_error("outbound floor is unsupported yet");
            return false;
        }
    }
    return true;
}

static void
rate_xml(GString *x, const char *tag, const iface_rate *rate)
{
    if (!rate->v[0] && !rate->v[1] && !rate->v[2] && !rate->v[3])
        return;
    g_string_append_printf(x, "    <%s", tag);
    for (int i = 0; i < 4; i++) {
        if (rate->v[i])
            g_string_append_printf(x, " %s='%llu'", rate_fields[i], rate->v[i]);
    }
    g_string_append(x, "/>\n");
}

/* --persistent, --current, --live, --config as virsh: the exclusions
 * first, then the bits (--persistent adds live once the domain runs). */
static bool
iface_flags(const cli_args *args, unsigned int *flags)
{
    bool persistent = cli_arg_bool(args, "persistent"), current = cli_arg_bool(args, "current");
    bool live = cli_arg_bool(args, "live"), config = cli_arg_bool(args, "config");
    const char *a = NULL, *b = NULL;

    if (persistent && current)
        a = "persistent", b = "current";
    else if (current && (live || config))
        a = "current", b = live ? "live" : "config";
    if (a) {
        cli_error("Options --%s and --%s are mutually exclusive", a, b);
        return false;
    }
    *flags = (config || persistent ? VIREO_DOMAIN_AFFECT_CONFIG : 0) |
             (live ? VIREO_DOMAIN_AFFECT_LIVE : 0);
    return true;
}

/* The final flags once the domain is known: --persistent adds live when
 * it runs.  No flag at all is "current" (vireod takes virsh's
 * flagless attach and detach calls so too). */
static unsigned int
iface_flags_for(const cli_args *args, vireo_domain *dom, unsigned int flags)
{
    if (cli_arg_bool(args, "persistent") && vireo_domain_is_active(dom) == 1)
        flags |= VIREO_DOMAIN_AFFECT_LIVE;
    return flags;
}

/* The <source> line of type, or false (error printed) for a type
 * attach-interface does not build. */
static bool
attach_source(GString *x, const char *type, const char *source, const char *mode)
{
    if (g_str_equal(type, "network") || g_str_equal(type, "bridge")) {
        g_string_append_printf(x, "  <source %s='%s'/>\n", type, source);
    } else if (g_str_equal(type, "direct")) {
        g_string_append_printf(x, "  <source dev='%s'/>\n", source);
    } else if (g_str_equal(type, "vhostuser")) {
        if (!mode) {
            cli_error("source-mode is mandatory");
            return false;
        }
        g_string_append_printf(x, "  <source type='unix' path='%s' mode='%s'/>\n", source, mode);
    } else {
        cli_error("No support for %s in command 'attach-interface'", type);
        return false;
    }
    return true;
}

static void
attach_optional(GString *x, const cli_args *args)
{
    static const struct { const char *opt, *tag, *attr; } lines[] = {
        { "target", "target", "dev" }, { "mac", "mac", "address" },
        { "script", "script", "path" }, { "model", "model", "type" },
        { "alias", "alias", "name" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(lines); i++) {
        const char *v = cli_arg_str(args, lines[i].opt);

        if (v)
            g_string_append_printf(x, "  <%s %s='%s'/>\n", lines[i].tag, lines[i].attr, v);
    }
}

/* virsh's interface XML, or NULL with the error printed. */
static char *
attach_xml(const cli_args *args)
{
    const char *type = cli_arg_str(args, "type"), *mode = cli_arg_str(args, "source-mode");
    g_autoptr(GString) x = g_string_new(NULL);
    iface_rate in, out;

    if (mode && !g_str_equal(mode, "server") && !g_str_equal(mode, "client")) {
        cli_error("Invalid source mode: %s", mode);
        return NULL;
    }
    if (!g_str_equal(type, "network") && !g_str_equal(type, "bridge") &&
        !g_str_equal(type, "direct") && !g_str_equal(type, "vhostuser")) {
        cli_error("No support for %s in command 'attach-interface'", type);
        return NULL;
    }
    if (!rates_parse(args, &in, &out))
        return NULL;
    g_string_append_printf(x, "<interface type='%s'%s>\n", type,
                           cli_arg_bool(args, "managed") ? " managed='yes'" : "");
    if (!attach_source(x, type, cli_arg_str(args, "source"), mode))
        return NULL;
    attach_optional(x, args);
    if (cli_arg_str(args, "inbound") || cli_arg_str(args, "outbound")) {
        g_string_append(x, "  <bandwidth>\n");
        rate_xml(x, "inbound", &in);
        rate_xml(x, "outbound", &out);
        g_string_append(x, "  </bandwidth>\n");
    }
    g_string_append(x, "</interface>\n");
    return g_string_free(g_steal_pointer(&x), FALSE);
}

static bool
cmd_attach_interface(cli_ctl *ctl, const cli_args *args)
{
    g_autofree char *xml = NULL;
    vireo_domain *dom;
    unsigned int flags;
    int r;

    if (!iface_flags(args, &flags) || !(xml = attach_xml(args)))
        return false;
    if (cli_arg_bool(args, "print-xml")) {
        printf("%s", xml);
        return true;
    }
    if (!(dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY)))
        return false;
    r = vireo_domain_attach_device(dom, xml, iface_flags_for(args, dom, flags));
    vireo_domain_free(dom);
    if (r < 0) {
        cli_error("Failed to attach interface");
        return false;
    }
    cli_print_extra(ctl, "Interface attached successfully\n");
    return true;
}

/* Whether the <mac address> child of node names mac (as MACs, not text). */
static bool
detach_mac_matches(xmlNode *node, const char *mac)
{
    char want[18], have[18];

    for (xmlNode *c = node->children; c; c = c->next) {
        g_autofree char *addr = NULL;
        xmlChar *prop;

        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "mac") != 0)
            continue;
        if ((prop = xmlGetProp(c, (const xmlChar *)"address"))) {
            addr = g_strdup((const char *)prop);
            xmlFree(prop);
        }
        if (addr && cli_mac_parse(addr, have) && cli_mac_parse(mac, want) &&
            g_str_equal(have, want))
            return true;
    }
    return false;
}

/* The one <interface> of type (and mac, when given); NULL with virsh's
 * error printed. */
static xmlNode *
detach_find(xmlXPathContext *ctx, const char *type, const char *mac)
{
    g_autofree char *expr = g_strdup_printf("/domain/devices/interface[@type='%s']", type);
    g_autoptr(xmlXPathObject) found = cli_xpath_nodes(ctx, expr);
    int n = found ? found->nodesetval->nodeNr : 0;
    xmlNode *match = NULL;

    if (n == 0) {
        cli_error("No interface found whose type is %s", type);
        return NULL;
    }
    if (!mac && n > 1) {
        cli_error("Domain has %d interfaces. Please specify which one to detach using --mac", n);
        return NULL;
    }
    if (!mac)
        return found->nodesetval->nodeTab[0];
    for (int i = 0; i < n; i++) {
        if (!detach_mac_matches(found->nodesetval->nodeTab[i], mac))
            continue;
        if (match) {
            cli_error("Domain has multiple interfaces matching MAC address %s. You must use "
                      "detach-device and specify the device pci address to remove it.", mac);
            return NULL;
        }
        match = found->nodesetval->nodeTab[i];
    }
    if (!match)
        cli_error("No interface with MAC address %s was found", mac);
    return match;
}

static bool
detach_interface(cli_ctl *ctl, const cli_args *args, vireo_domain *dom, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autofree char *xml = NULL;
    xmlNode *node;

    doc = cli_domain_xml_doc(dom, flags & VIREO_DOMAIN_AFFECT_CONFIG ? VIREO_DOMAIN_XML_INACTIVE
                                                                      : 0);
    if (!doc)
        return false;
    ctx = xmlXPathNewContext(doc);
    if (!(node = detach_find(ctx, cli_arg_str(args, "type"), cli_arg_str(args, "mac"))) ||
        !(xml = cli_xml_node_string(doc, node)))
        return false;
    if (cli_arg_bool(args, "print-xml")) {
        /* no newline: the shell's line ends it, as virsh */
        printf("%s", xml);
        return true;
    }
    if (vireo_domain_detach_device(dom, xml, flags) < 0)
        return false;
    cli_print_extra(ctl, "Interface detached successfully\n");
    return true;
}

static bool
cmd_detach_interface(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom;
    unsigned int flags;
    bool ok;

    if (!iface_flags(args, &flags) ||
        !(dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY)))
        return false;
    ok = detach_interface(ctl, args, dom, iface_flags_for(args, dom, flags));
    vireo_domain_free(dom);
    if (!ok)
        cli_error("Failed to detach interface");
    return ok;
}

#define DOMAIN_OPT { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" }
#define AFFECT_OPTS                                                         \
    { "persistent", CLI_OPT_BOOL, 0, "make live change persistent" },      \
    { "config", CLI_OPT_BOOL, 0, "affect next boot" },                     \
    { "live", CLI_OPT_BOOL, 0, "affect running domain" },                  \
    { "current", CLI_OPT_BOOL, 0, "affect current domain" }

static const cli_opt opts_attach_interface[] = {
    DOMAIN_OPT,
    { "type", CLI_OPT_DATA, 0, "network interface type" },
    { "source", CLI_OPT_DATA, 0, "source of network interface" },
    { "target", CLI_OPT_STRING, 0, "target network name" },
    { "mac", CLI_OPT_STRING, 0, "MAC address" },
    { "script", CLI_OPT_STRING, 0, "script used to bridge network interface" },
    { "model", CLI_OPT_STRING, 0, "model type" },
    { "alias", CLI_OPT_STRING, 0, "custom alias name of interface device" },
    { "inbound", CLI_OPT_STRING, 0, "control domain's incoming traffics" },
    { "outbound", CLI_OPT_STRING, 0, "control domain's outgoing traffics" },
    AFFECT_OPTS,
    { "print-xml", CLI_OPT_BOOL, 0, "print XML document rather than attach the interface" },
    { "managed", CLI_OPT_BOOL, 0, "libvirt will automatically detach/attach the device from/to host" },
    { "source-mode", CLI_OPT_STRING, 0, "mode attribute of <source/> element" },
    END,
};

static const cli_opt opts_detach_interface[] = {
    DOMAIN_OPT,
    { "type", CLI_OPT_DATA, 0, "network interface type" },
    { "mac", CLI_OPT_STRING, 0, "MAC address" },
    AFFECT_OPTS,
    { "print-xml", CLI_OPT_BOOL, 0, "print XML document rather than detach the interface" },
    END,
};

const cli_cmd cli_cmds_domif_attach[] = {
    { "attach-interface", cmd_attach_interface, opts_attach_interface, "attach network interface",
      "Attach new network interface.", true, CLI_GROUP_DOM },
    { "detach-interface", cmd_detach_interface, opts_detach_interface, "detach network interface",
      "Detach network interface.", true, CLI_GROUP_DOM },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
