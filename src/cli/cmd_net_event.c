/*
 * cmd_net_event.c: net-event, waiting for network lifecycle events and
 * printing them as virsh 9.0 does: "event 'lifecycle' for network
 * default: Started".  The waiting is cmd_event.c's.
 */
#include <stdio.h>

#include "cli/cli.h"

#define END { NULL, 0, 0, NULL }

static const char *
net_event_string(int event)
{
    static const char *const names[] = { "Defined", "Undefined", "Started", "Stopped" };

    return event >= 0 && event < (int)G_N_ELEMENTS(names) ? names[event] : "unknown";
}

static void
net_event_lifecycle_cb(vireo_conn *conn G_GNUC_UNUSED, vireo_network *net, int event,
                       int detail G_GNUC_UNUSED, void *opaque)
{
    g_autofree char *text = g_strdup_printf("event 'lifecycle' for network %s: %s",
                                            vireo_network_get_name(net),
                                            net_event_string(event));
    cli_event_print(opaque, text);
}

static bool
cmd_net_event(cli_ctl *ctl, const cli_args *args)
{
    const char *which = cli_arg_str(args, "event");
    const char *name = cli_arg_str(args, "network");
    cli_event_state st = { 0, cli_arg_bool(args, "timestamp") };
    vireo_network *net = NULL;
    int timeout = 0, id;

    if (cli_arg_bool(args, "list")) {
        printf("lifecycle\n");
        return true;
    }
    if (!which) {
        cli_error("either --list or --event <type> is required");
        return false;
    }
    if (!g_str_equal(which, "lifecycle")) {
        cli_error("unknown event type %s", which);
        return false;
    }
    if (cli_arg_int(args, "timeout", &timeout) < 0)
        return false;
    if (name && !(net = cli_network_lookup(ctl, name, CLI_BY_NAME | CLI_BY_UUID)))
        return false;
    id = vireo_conn_network_event_register_any(ctl->conn, net, VIREO_NETWORK_EVENT_ID_LIFECYCLE,
                                               (void (*)(void))net_event_lifecycle_cb, &st, NULL);
    if (id >= 0) {
        cli_event_wait_report(&st, cli_arg_bool(args, "loop"), timeout);
        vireo_conn_network_event_deregister_any(ctl->conn, id);
    }
    if (net)
        vireo_network_free(net);
    /* virsh: the command succeeds when at least one event arrived */
    return id >= 0 && st.count > 0;
}

static const cli_opt opts_net_event[] = {
    { "network", CLI_OPT_STRING, 0, "filter by network name or uuid" },
    { "event", CLI_OPT_STRING, 0, "which event type to wait for" },
    { "loop", CLI_OPT_BOOL, 0, "loop until timeout or interrupt, rather than one-shot" },
    { "timeout", CLI_OPT_INT, 0, "timeout seconds" },
    { "list", CLI_OPT_BOOL, 0, "list valid event types" },
    { "timestamp", CLI_OPT_BOOL, 0, "show timestamp for each printed event" },
    END,
};

const cli_cmd cli_cmds_net_event[] = {
    { "net-event", cmd_net_event, opts_net_event, "Network Events",
      "List event types, or wait for network events to occur", true, CLI_GROUP_NET },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
