/*
 * cmd_net.c: finding a virtual network from what the user typed, and the
 * network commands but net-list, net-dhcp-leases (cmd_net_list.c),
 * net-update (cmd_net_update.c) and net-event (cmd_net_event.c):
 * define, create, start, destroy, undefine, autostart, info, dumpxml,
 * uuid, name.
 *
 * Options, messages and output are virsh 9.0's.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define END { NULL, 0, 0, NULL }

vireo_network *
cli_network_lookup(cli_ctl *ctl, const char *what, unsigned int by)
{
    vireo_network *net = NULL;

    vireo_error_reset();
    if ((by & CLI_BY_UUID) && strlen(what) == VIREO_UUID_STRING_BUFLEN - 1)
        net = vireo_network_lookup_by_uuid_string(ctl->conn, what);
    if (!net && (by & CLI_BY_NAME)) {
        vireo_error_reset();
        net = vireo_network_lookup_by_name(ctl->conn, what);
    }
    if (!net) {
        cli_error("failed to get network '%s'", what);
        cli_error_lib();
    }
    return net;
}

static vireo_network *
net_arg(cli_ctl *ctl, const cli_args *args)
{
    return cli_network_lookup(ctl, cli_arg_str(args, "network"), CLI_BY_NAME | CLI_BY_UUID);
}

/* net-define / net-create: the network of FILE, reported by its name. */
static bool
net_from_file(cli_ctl *ctl, const cli_args *args, bool create)
{
    const char *file = cli_arg_str(args, "file");
    g_autofree char *xml = cli_read_file(file);
    bool validate = cli_arg_bool(args, "validate");
    vireo_network *net;

    if (!xml)
        return false;
    net = create ? vireo_network_create_xml(ctl->conn, xml,
                                            validate ? VIREO_NETWORK_CREATE_VALIDATE : 0)
                 : vireo_network_define_xml(ctl->conn, xml,
                                            validate ? VIREO_NETWORK_DEFINE_VALIDATE : 0);
    if (!net) {
        cli_error("Failed to %s network from %s", create ? "create" : "define", file);
        return false;
    }
    cli_print_extra(ctl, "Network %s %s from %s\n", vireo_network_get_name(net),
                    create ? "created" : "defined", file);
    vireo_network_free(net);
    return true;
}

static bool
cmd_net_define(cli_ctl *ctl, const cli_args *args)
{
    return net_from_file(ctl, args, false);
}

static bool
cmd_net_create(cli_ctl *ctl, const cli_args *args)
{
    return net_from_file(ctl, args, true);
}

typedef int (*net_action_fn)(vireo_network *net);

/* Look the network up, act, and print "Network X <done>" or "Failed to
 * <verb> network X", naming it as the user wrote it, like virsh. */
static bool
net_action(cli_ctl *ctl, const cli_args *args, net_action_fn fn, const char *done,
           const char *verb)
{
    const char *name = cli_arg_str(args, "network");
    vireo_network *net = net_arg(ctl, args);
    bool ok;

    if (!net)
        return false;
    ok = fn(net) == 0;
    if (ok)
        cli_print_extra(ctl, "Network %s %s\n", name, done);
    else
        cli_error("Failed to %s network %s", verb, name);
    vireo_network_free(net);
    return ok;
}

static bool
cmd_net_start(cli_ctl *ctl, const cli_args *args)
{
    return net_action(ctl, args, vireo_network_create, "started", "start");
}

static bool
cmd_net_destroy(cli_ctl *ctl, const cli_args *args)
{
    return net_action(ctl, args, vireo_network_destroy, "destroyed", "destroy");
}

static bool
cmd_net_undefine(cli_ctl *ctl, const cli_args *args)
{
    return net_action(ctl, args, vireo_network_undefine, "has been undefined", "undefine");
}

static bool
cmd_net_autostart(cli_ctl *ctl, const cli_args *args)
{
    const char *name = cli_arg_str(args, "network");
    bool disable = cli_arg_bool(args, "disable");
    vireo_network *net = net_arg(ctl, args);
    bool ok;

    if (!net)
        return false;
    ok = vireo_network_set_autostart(net, !disable) == 0;
    if (!ok)
        cli_error("failed to %smark network %s as autostarted", disable ? "un" : "", name);
    else
        cli_print_extra(ctl, "Network %s %smarked as autostarted\n", name, disable ? "un" : "");
    vireo_network_free(net);
    return ok;
}

static bool
cmd_net_info(cli_ctl *ctl, const cli_args *args)
{
    vireo_network *net = net_arg(ctl, args);
    char uuid[VIREO_UUID_STRING_BUFLEN];
    g_autofree char *bridge = NULL;
    int autostart = 0, active, persistent;

    if (!net)
        return false;
    printf("%-15s %s\n", "Name:", vireo_network_get_name(net));
    if (vireo_network_get_uuid_string(net, uuid) == 0)
        printf("%-15s %s\n", "UUID:", uuid);
    if ((active = vireo_network_is_active(net)) >= 0)
        printf("%-15s %s\n", "Active:", active ? "yes" : "no");
    persistent = vireo_network_is_persistent(net);
    printf("%-15s %s\n", "Persistent:", persistent < 0 ? "unknown" : persistent ? "yes" : "no");
    if (vireo_network_get_autostart(net, &autostart) < 0)
        printf("%-15s %s\n", "Autostart:", "no autostart");
    else
        printf("%-15s %s\n", "Autostart:", autostart ? "yes" : "no");
    /* a network without a bridge (macvtap forward modes) has no line */
    if ((bridge = vireo_network_get_bridge_name(net)))
        printf("%-15s %s\n", "Bridge:", bridge);
    vireo_error_reset();
    vireo_network_free(net);
    return true;
}

static bool
cmd_net_dumpxml(cli_ctl *ctl, const cli_args *args)
{
    vireo_network *net = net_arg(ctl, args);
    unsigned int flags = cli_arg_bool(args, "inactive") ? VIREO_NETWORK_XML_INACTIVE : 0;
    g_autofree char *xml = NULL;

    if (!net)
        return false;
    xml = vireo_network_get_xml_desc(net, flags);
    vireo_network_free(net);
    if (!xml)
        return false;
    return cli_print_xml(xml, cli_arg_str(args, "xpath"), cli_arg_bool(args, "wrap"));
}

static bool
cmd_net_uuid(cli_ctl *ctl, const cli_args *args)
{
    vireo_network *net = cli_network_lookup(ctl, cli_arg_str(args, "network"), CLI_BY_NAME);
    char uuid[VIREO_UUID_STRING_BUFLEN];

    if (!net)
        return false;
    if (vireo_network_get_uuid_string(net, uuid) == 0)
        printf("%s\n", uuid);
    else
        cli_error("failed to get network UUID");
    vireo_network_free(net);
    return true;
}

static bool
cmd_net_name(cli_ctl *ctl, const cli_args *args)
{
    vireo_network *net = cli_network_lookup(ctl, cli_arg_str(args, "network"), CLI_BY_UUID);

    if (!net)
        return false;
    printf("%s\n", vireo_network_get_name(net));
    vireo_network_free(net);
    return true;
}

#define NET_OPT(help) { "network", CLI_OPT_DATA, 0, help }

static const cli_opt opts_net_file[] = {
    { "file", CLI_OPT_DATA, 0, "file containing an XML network description" },
    { "validate", CLI_OPT_BOOL, 0, "validate the XML against the schema" },
    END,
};
static const cli_opt opts_net[] = { NET_OPT("network name or uuid"), END };
static const cli_opt opts_net_uuid[] = { NET_OPT("network name"), END };
static const cli_opt opts_net_name[] = { NET_OPT("network uuid"), END };
static const cli_opt opts_net_autostart[] = {
    NET_OPT("network name or uuid"),
    { "disable", CLI_OPT_BOOL, 0, "disable autostarting" },
    END,
};
static const cli_opt opts_net_dumpxml[] = {
    NET_OPT("network name or uuid"),
    { "inactive", CLI_OPT_BOOL, 0, "show inactive defined XML" },
    CLI_XPATH_OPTS,
    END,
};

#define NET CLI_GROUP_NET

const cli_cmd cli_cmds_net[] = {
    { "net-autostart", cmd_net_autostart, opts_net_autostart, "autostart a network",
      "Configure a network to be automatically started at boot.", true, NET },
    { "net-create", cmd_net_create, opts_net_file, "create a network from an XML file",
      "Create a network.", true, NET },
    { "net-define", cmd_net_define, opts_net_file,
      "define an inactive persistent virtual network or modify an existing persistent one "
      "from an XML file", "Define or modify a persistent virtual network.", true, NET },
    { "net-destroy", cmd_net_destroy, opts_net, "destroy (stop) a network",
      "Forcefully stop a given network.", true, NET },
    { "net-dumpxml", cmd_net_dumpxml, opts_net_dumpxml, "network information in XML",
      "Output the network information as an XML dump to stdout.", true, NET },
    { "net-info", cmd_net_info, opts_net, "network information",
      "Returns basic information about the network", true, NET },
    { "net-name", cmd_net_name, opts_net_name, "convert a network UUID to network name",
      NULL, true, NET },
    { "net-start", cmd_net_start, opts_net, "start a (previously defined) inactive network",
      "Start a network.", true, NET },
    { "net-undefine", cmd_net_undefine, opts_net, "undefine a persistent network",
      "Undefine the configuration for a persistent network.", true, NET },
    { "net-uuid", cmd_net_uuid, opts_net_uuid, "convert a network name to network UUID",
      NULL, true, NET },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
