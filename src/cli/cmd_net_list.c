/*
 * cmd_net_list.c: the network tables: net-list (Name, State, Autostart,
 * Persistent, or bare names or UUIDs) and net-dhcp-leases, in virsh
 * 9.0's layout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define END { NULL, 0, 0, NULL }

static unsigned int
net_list_flags(const cli_args *args)
{
    static const struct { const char *opt; unsigned int flag; } filters[] = {
        { "persistent", VIREO_LIST_NETWORKS_PERSISTENT },
        { "transient", VIREO_LIST_NETWORKS_TRANSIENT },
        { "autostart", VIREO_LIST_NETWORKS_AUTOSTART },
        { "no-autostart", VIREO_LIST_NETWORKS_NO_AUTOSTART },
    };
    unsigned int flags = VIREO_LIST_NETWORKS_ACTIVE;

    if (cli_arg_bool(args, "inactive"))
        flags = VIREO_LIST_NETWORKS_INACTIVE;
    if (cli_arg_bool(args, "all"))
        flags = VIREO_LIST_NETWORKS_ACTIVE | VIREO_LIST_NETWORKS_INACTIVE;
    for (gsize i = 0; i < G_N_ELEMENTS(filters); i++) {
        if (cli_arg_bool(args, filters[i].opt))
            flags |= filters[i].flag;
    }
    return flags;
}

/* virsh sorts without regard to case */
static int
net_sort(const void *a, const void *b)
{
    return g_ascii_strcasecmp(vireo_network_get_name(*(vireo_network *const *)a),
                              vireo_network_get_name(*(vireo_network *const *)b));
}

static void
net_row(cli_table *t, vireo_network *net)
{
    int autostart = 0;
    const char *auto_s = vireo_network_get_autostart(net, &autostart) < 0 ? "no autostart"
                         : autostart ? "yes" : "no";

    cli_table_add(t, vireo_network_get_name(net),
                  vireo_network_is_active(net) > 0 ? "active" : "inactive", auto_s,
                  vireo_network_is_persistent(net) > 0 ? "yes" : "no");
}

static bool
cmd_net_list(cli_ctl *ctl, const cli_args *args)
{
    bool table = cli_arg_bool(args, "table");
    bool uuid = cli_arg_bool(args, "uuid"), name = cli_arg_bool(args, "name");
    vireo_network **nets = NULL;
    int n;

    if (table + uuid + name > 1) {
        cli_error("Only one argument from --table, --name and --uuid may be specified.");
        return false;
    }
    if ((n = vireo_conn_list_all_networks(ctl->conn, &nets, net_list_flags(args))) < 0) {
        cli_error("Failed to list networks");
        return false;
    }
    qsort(nets, n, sizeof(*nets), net_sort);
    if (uuid || name) {
        for (int i = 0; i < n; i++) {
            char buf[VIREO_UUID_STRING_BUFLEN];

            if (name)
                printf("%s\n", vireo_network_get_name(nets[i]));
            else if (vireo_network_get_uuid_string(nets[i], buf) == 0)
                printf("%s\n", buf);
        }
    } else {
        g_autoptr(cli_table) t = cli_table_new(4, "Name", "State", "Autostart", "Persistent");

        for (int i = 0; i < n; i++)
            net_row(t, nets[i]);
        cli_table_print(t, !ctl->quiet);
    }
    vireo_error_reset();
    vireo_network_list_free(nets);
    return true;
}

/* By MAC, without regard to case; leases without one stay where they are. */
static int
lease_sort(const void *a, const void *b)
{
    const vireo_network_dhcp_lease *la = *(vireo_network_dhcp_lease *const *)a;
    const vireo_network_dhcp_lease *lb = *(vireo_network_dhcp_lease *const *)b;

    if (!la->mac || !lb->mac)
        return 0;
    return g_ascii_strcasecmp(la->mac, lb->mac);
}

#define OR_DASH(s) ((s) ? (s) : "-")

static void
lease_row(cli_table *t, const vireo_network_dhcp_lease *lease)
{
    g_autoptr(GDateTime) then = g_date_time_new_from_unix_local(lease->expirytime);
    g_autofree char *when = then ? g_date_time_format(then, "%Y-%m-%d %H:%M:%S") : NULL;
    g_autofree char *cidr = g_strdup_printf("%s/%u", OR_DASH(lease->ipaddr), lease->prefix);
    const char *type = lease->type == VIREO_IP_ADDR_TYPE_IPV4 ? "ipv4"
                       : lease->type == VIREO_IP_ADDR_TYPE_IPV6 ? "ipv6" : "-";

    cli_table_add(t, OR_DASH(when), OR_DASH(lease->mac), type, cidr, OR_DASH(lease->hostname),
                  OR_DASH(lease->clientid));
}

static bool
cmd_net_dhcp_leases(cli_ctl *ctl, const cli_args *args)
{
    const char *name = cli_arg_str(args, "network");
    vireo_network *net = cli_network_lookup(ctl, name, CLI_BY_NAME | CLI_BY_UUID);
    vireo_network_dhcp_lease **leases = NULL;
    g_autoptr(cli_table) t = NULL;
    int n;

    if (!net)
        return false;
    n = vireo_network_get_dhcp_leases(net, cli_arg_str(args, "mac"), &leases, 0);
    vireo_network_free(net);
    if (n < 0) {
        cli_error("Failed to get leases info for %s", name);
        return false;
    }
    if (n > 0)
        qsort(leases, n, sizeof(*leases), lease_sort);
    t = cli_table_new(6, "Expiry Time", "MAC address", "Protocol", "IP address", "Hostname",
                      "Client ID or DUID");
    for (int i = 0; i < n; i++) {
        lease_row(t, leases[i]);
        vireo_network_dhcp_lease_free(leases[i]);
    }
    free(leases);
    cli_table_print(t, !ctl->quiet);
    return true;
}

static const cli_opt opts_net_list[] = {
    { "inactive", CLI_OPT_BOOL, 0, "list inactive networks" },
    { "all", CLI_OPT_BOOL, 0, "list inactive & active networks" },
    { "persistent", CLI_OPT_BOOL, 0, "list persistent networks" },
    { "transient", CLI_OPT_BOOL, 0, "list transient networks" },
    { "autostart", CLI_OPT_BOOL, 0, "list networks with autostart enabled" },
    { "no-autostart", CLI_OPT_BOOL, 0, "list networks with autostart disabled" },
    { "uuid", CLI_OPT_BOOL, 0, "list uuid's only" },
    { "name", CLI_OPT_BOOL, 0, "list network names only" },
    { "table", CLI_OPT_BOOL, 0, "list table (default)" },
    END,
};

static const cli_opt opts_net_dhcp_leases[] = {
    { "network", CLI_OPT_DATA, 0, "network name or uuid" },
    { "mac", CLI_OPT_STRING, 0, "MAC address" },
    END,
};

const cli_cmd cli_cmds_net_list[] = {
    { "net-list", cmd_net_list, opts_net_list, "list networks", "Returns list of networks.",
      true, CLI_GROUP_NET },
    { "net-dhcp-leases", cmd_net_dhcp_leases, opts_net_dhcp_leases,
      "print lease info for a given network", "Print lease info for a given network", true,
      CLI_GROUP_NET },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
