/*
 * cmd_net_update.c: net-update NETWORK COMMAND SECTION XML, virsh 9.0's
 * argument order, words and messages.  XML is the element itself when it
 * starts with '<', else the name of a file holding it.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define END { NULL, 0, 0, NULL }

/* virNetworkUpdateCommand and virNetworkUpdateSection names, by number */
static const char *const update_commands[] = { "none", "modify", "delete", "add-last",
                                               "add-first" };
static const char *const update_sections[] = {
    "none", "bridge", "domain", "ip", "ip-dhcp-host", "ip-dhcp-range", "forward",
    "forward-interface", "forward-pf", "portgroup", "dns-host", "dns-txt", "dns-srv",
};

/* The index of word in names, or 0 (the "none" entry) when absent. */
static unsigned int
name_index(const char *const *names, gsize n, const char *word)
{
    for (gsize i = 1; i < n; i++) {
        if (g_str_equal(names[i], word))
            return (unsigned int)i;
    }
    return 0;
}

/* --parent-index: any int, negative ones included, as virsh takes it */
static bool
parent_index(const cli_args *args, int *index)
{
    const char *s = cli_arg_str(args, "parent-index");
    char *end = NULL;
    gint64 v;

    *index = -1;
    if (!s)
        return true;
    v = g_ascii_strtoll(s, &end, 10);
    if (!*s || *end || v < G_MININT || v > G_MAXINT) {
        cli_error("Numeric value '%s' for <parent-index> option is malformed or out of range", s);
        return false;
    }
    *index = (int)v;
    return true;
}

static bool
update_flags(const cli_args *args, unsigned int *flags)
{
    bool live = cli_arg_bool(args, "live"), config = cli_arg_bool(args, "config");

    if (cli_arg_bool(args, "current") && (live || config)) {
        cli_error("Options --current and --%s are mutually exclusive", live ? "live" : "config");
        return false;
    }
    *flags = (live ? VIREO_NETWORK_UPDATE_AFFECT_LIVE : 0) |
             (config ? VIREO_NETWORK_UPDATE_AFFECT_CONFIG : 0);
    return true;
}

/* What virsh says was changed: the flags, or for --current the state. */
static const char *
update_done(vireo_network *net, unsigned int flags)
{
    if (flags & VIREO_NETWORK_UPDATE_AFFECT_CONFIG)
        return flags & VIREO_NETWORK_UPDATE_AFFECT_LIVE ? "persistent config and live state"
                                                         : "persistent config";
    if (flags & VIREO_NETWORK_UPDATE_AFFECT_LIVE || vireo_network_is_active(net) > 0)
        return "live state";
    return "persistent config";
}

static bool
cmd_net_update(cli_ctl *ctl, const cli_args *args)
{
    const char *cmd_word = cli_arg_str(args, "command");
    const char *section_word = cli_arg_str(args, "section");
    const char *xml_arg = cli_arg_str(args, "xml");
    g_autofree char *from_file = NULL;
    unsigned int command, section, flags;
    vireo_network *net;
    int index;
    bool ok;

    if (!update_flags(args, &flags) || !(net = cli_network_lookup(
                                             ctl, cli_arg_str(args, "network"),
                                             CLI_BY_NAME | CLI_BY_UUID)))
        return false;
    command = g_str_equal(cmd_word, "add")
                  ? VIREO_NETWORK_UPDATE_COMMAND_ADD_LAST
                  : name_index(update_commands, G_N_ELEMENTS(update_commands), cmd_word);
    section = name_index(update_sections, G_N_ELEMENTS(update_sections), section_word);
    ok = false;
    if (command == 0)
        cli_error("unrecognized command name '%s'", cmd_word);
    else if (section == 0)
        cli_error("unrecognized section name '%s'", section_word);
    else if (parent_index(args, &index) &&
             (xml_arg[0] == '<' || (from_file = cli_read_file(xml_arg))))
        ok = true;
    if (ok && vireo_network_update(net, command, section, index,
                                   from_file ? from_file : xml_arg, flags) < 0) {
        cli_error("Failed to update network %s", vireo_network_get_name(net));
        ok = false;
    }
    /* no newline: virsh leaves it to the line the shell adds */
    if (ok)
        cli_print_extra(ctl, "Updated network %s %s", vireo_network_get_name(net),
                        update_done(net, flags));
    vireo_network_free(net);
    return ok;
}

static const cli_opt opts_net_update[] = {
    { "network", CLI_OPT_DATA, 0, "network name or uuid" },
    { "command", CLI_OPT_DATA, 0, "type of update (add-first, add-last (add), delete, or modify)" },
    { "section", CLI_OPT_DATA, 0, "which section of network configuration to update" },
    { "xml", CLI_OPT_DATA, 0,
      "name of file containing xml (or, if it starts with '<', the complete xml element "
      "itself) to add/modify, or to be matched for search" },
    { "parent-index", CLI_OPT_INT, 0, "which parent object to search through" },
    { "config", CLI_OPT_BOOL, 0, "affect next network startup" },
    { "live", CLI_OPT_BOOL, 0, "affect running network" },
    { "current", CLI_OPT_BOOL, 0, "affect current state of network" },
    END,
};

const cli_cmd cli_cmds_net_update[] = {
    { "net-update", cmd_net_update, opts_net_update,
      "update parts of an existing network's configuration", NULL, true, CLI_GROUP_NET },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
