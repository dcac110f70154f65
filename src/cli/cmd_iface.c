/*
 * cmd_iface.c: the host interface commands (read-only): iface-list,
 * iface-dumpxml, iface-mac, iface-name.
 *
 * Options, messages and output are virsh 9.0's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define END { NULL, 0, 0, NULL }

bool
cli_mac_parse(const char *s, char out[18])
{
    unsigned int bytes[6];

    for (int group = 0; group < 6; group++) {
        int digits = 0;

        bytes[group] = 0;
        while (g_ascii_isxdigit(*s) && digits < 2) {
            bytes[group] = bytes[group] * 16 + (unsigned int)g_ascii_xdigit_value(*s++);
            digits++;
        }
        if (!digits || *s != (group == 5 ? '\0' : ':'))
            return false;
        if (group < 5)
            s++;
    }
    if (out)
        g_snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                   bytes[3], bytes[4], bytes[5]);
    return true;
}

/* virsh: a MAC address is looked up as one (when by allows), anything
 * else as a name; prints "failed to get interface 'X'" and the reason. */
static vireo_interface *
iface_lookup(cli_ctl *ctl, const char *what, unsigned int by)
{
    vireo_interface *iface = NULL;
    bool mac = cli_mac_parse(what, NULL);

    vireo_error_reset();
    if (!mac && (by & CLI_BY_NAME))
        iface = vireo_interface_lookup_by_name(ctl->conn, what);
    else if (mac && (by & CLI_BY_MAC))
        iface = vireo_interface_lookup_by_mac_string(ctl->conn, what);
    if (!iface) {
        cli_error("failed to get interface '%s'", what);
        cli_error_lib();
    }
    return iface;
}

static bool
cmd_iface_dumpxml(cli_ctl *ctl, const cli_args *args)
{
    vireo_interface *iface = iface_lookup(ctl, cli_arg_str(args, "interface"),
                                          CLI_BY_NAME | CLI_BY_MAC);
    unsigned int flags = cli_arg_bool(args, "inactive") ? VIREO_INTERFACE_XML_INACTIVE : 0;
    g_autofree char *xml = NULL;

    if (!iface)
        return false;
    xml = vireo_interface_get_xml_desc(iface, flags);
    vireo_interface_free(iface);
    if (!xml)
        return false;
    return cli_print_xml(xml, cli_arg_str(args, "xpath"), cli_arg_bool(args, "wrap"));
}

static bool
cmd_iface_mac(cli_ctl *ctl, const cli_args *args)
{
    vireo_interface *iface = iface_lookup(ctl, cli_arg_str(args, "interface"), CLI_BY_NAME);

    if (!iface)
        return false;
    printf("%s\n", vireo_interface_get_mac_string(iface));
    vireo_interface_free(iface);
    return true;
}

static bool
cmd_iface_name(cli_ctl *ctl, const cli_args *args)
{
    vireo_interface *iface = iface_lookup(ctl, cli_arg_str(args, "interface"), CLI_BY_MAC);

    if (!iface)
        return false;
    printf("%s\n", vireo_interface_get_name(iface));
    vireo_interface_free(iface);
    return true;
}

static int
iface_sort(const void *a, const void *b)
{
    return g_ascii_strcasecmp(vireo_interface_get_name(*(vireo_interface *const *)a),
                              vireo_interface_get_name(*(vireo_interface *const *)b));
}

static bool
cmd_iface_list(cli_ctl *ctl, const cli_args *args)
{
    unsigned int flags = VIREO_LIST_INTERFACES_ACTIVE;
    g_autoptr(cli_table) t = NULL;
    vireo_interface **ifaces = NULL;
    int n;

    if (cli_arg_bool(args, "inactive"))
        flags = VIREO_LIST_INTERFACES_INACTIVE;
    if (cli_arg_bool(args, "all"))
        flags = VIREO_LIST_INTERFACES_ACTIVE | VIREO_LIST_INTERFACES_INACTIVE;
    if ((n = vireo_conn_list_all_interfaces(ctl->conn, &ifaces, flags)) < 0) {
        cli_error("Failed to list interfaces");
        return false;
    }
    qsort(ifaces, n, sizeof(*ifaces), iface_sort);
    t = cli_table_new(3, "Name", "State", "MAC Address");
    for (int i = 0; i < n; i++) {
        const char *mac = vireo_interface_get_mac_string(ifaces[i]);

        cli_table_add(t, vireo_interface_get_name(ifaces[i]),
                      vireo_interface_is_active(ifaces[i]) > 0 ? "active" : "inactive",
                      mac ? mac : "");
    }
    vireo_error_reset();
    cli_table_print(t, !ctl->quiet);
    vireo_interface_list_free(ifaces);
    return true;
}

static const cli_opt opts_iface_list[] = {
    { "inactive", CLI_OPT_BOOL, 0, "list inactive interfaces" },
    { "all", CLI_OPT_BOOL, 0, "list inactive & active interfaces" },
    END,
};
static const cli_opt opts_iface_dumpxml[] = {
    { "interface", CLI_OPT_DATA, 0, "interface name or MAC address" },
    { "inactive", CLI_OPT_BOOL, 0, "show inactive defined XML" },
    CLI_XPATH_OPTS,
    END,
};
static const cli_opt opts_iface_mac[] = {
    { "interface", CLI_OPT_DATA, 0, "interface name" },
    END,
};
static const cli_opt opts_iface_name[] = {
    { "interface", CLI_OPT_DATA, 0, "interface mac" },
    END,
};

#define IFACE CLI_GROUP_IFACE

const cli_cmd cli_cmds_iface[] = {
    { "iface-dumpxml", cmd_iface_dumpxml, opts_iface_dumpxml, "interface information in XML",
      "Output the physical host interface information as an XML dump to stdout.", true, IFACE },
    { "iface-list", cmd_iface_list, opts_iface_list, "list physical host interfaces",
      "Returns list of physical host interfaces.", true, IFACE },
    { "iface-mac", cmd_iface_mac, opts_iface_mac,
      "convert an interface name to interface MAC address", NULL, true, IFACE },
    { "iface-name", cmd_iface_name, opts_iface_name,
      "convert an interface MAC address to interface name", NULL, true, IFACE },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
